//! Store scale figures (issue 19), as a bench binary (`harness = false`):
//! record and assess through the registry from 8 threads (operations per
//! second, p50 and p99 latency); a bulk import of record documents with
//! their due days ([`Transaction::put_many`], records per second); and the
//! daily sweep over registries of two sizes of which 1% is due, on SQLite
//! and, when `SOCIAL_CREDIT_PG_URL` names a server, on PostgreSQL (in a
//! schema of its own, dropped at the end).
//!
//! `cargo bench --features sqlite,postgres --bench store_scale` runs the
//! quick sizes (import 100,000, sweeps over 10,000 and 100,000 records);
//! `BENCH_SCALE=full` the issue's (import 1,000,000, sweeps over 100,000
//! and 1,000,000). `BENCH_OPS` sets the operations per thread (default
//! 250). `BENCH_STORES=postgres` (or `sqlite`) measures one store only,
//! `BENCH_PARTS=sweep` (or `ops`, `import`, comma-separated) some figures
//! only (on PostgreSQL). `BENCH_SWEEP_THREADS` sets how many due subjects
//! the PostgreSQL sweep handles at once
//! ([`PostgresStore::with_sweep_concurrency`]; default the store's: 4 for
//! its 8 connections).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
use common::{d, register, uscc};

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use social_credit::misconduct::{
    ConductKind, MisconductRecord, PenaltyDecision, PenaltyDomain, PenaltyKind, RecordContent,
    RecordId, Severity,
};
use social_credit::registry::{NewRecord, Registry};
use social_credit::repair::RepairTimeline;
use social_credit::store::{Doc, PostgresStore, SqliteStore, Store, StoreError, Table};
use social_credit::Citation;
use social_credit::{Actor, Section, SubjectId};

fn finding(subject: SubjectId, i: u64) -> NewRecord {
    let occurred = d(2019, 1, 3) + Days::new(i % 300);
    NewRecord {
        subject,
        conduct: ConductKind::new("fine"),
        section: Section::SocialOrganizations,
        occurred_on: occurred,
        ended_on: Some(occurred),
        content: RecordContent {
            description: "bench".into(),
            legal_basis: "bench".into(),
            evidence: vec![],
            fine: Some(Decimal::from(100 + i % 1_000)),
        },
        decision: None,
    }
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Record a finding and assess its subject, from 8 threads, each on its own
/// subjects; each call is one operation.
fn record_and_assess<S: Store + 'static>(label: &str, r: Arc<Registry<S>>) {
    let per_thread = env("BENCH_OPS", 250);
    let threads = 8u32;
    let subjects: Vec<Vec<SubjectId>> = (0..threads)
        .map(|t| register(&r, 10_000 + t * 100, 10))
        .collect();
    let start = Instant::now();
    let mut latencies: Vec<Duration> = std::thread::scope(|scope| {
        let handles: Vec<_> = subjects
            .iter()
            .map(|mine| {
                let r = Arc::clone(&r);
                scope.spawn(move || {
                    let mut lat = Vec::new();
                    for i in 0..per_thread {
                        let subject = mine[(i % 10) as usize].clone();
                        let t = Instant::now();
                        r.record_misconduct(
                            finding(subject.clone(), i),
                            &Actor::section(Section::SocialOrganizations),
                            d(2019, 12, 2),
                        )
                        .unwrap();
                        lat.push(t.elapsed());
                        let t = Instant::now();
                        r.assess(&subject, d(2019, 12, 3)).unwrap();
                        lat.push(t.elapsed());
                    }
                    lat
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let elapsed = start.elapsed();
    latencies.sort();
    println!(
        "{label}: record+assess, 8 threads: {} operations in {:.2} s = {:.0} ops/s; p50 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
    );
}

/// The record documents of a registry of `size` records, ten per
/// organization, each with its due day: 1% have their publication end
/// (one year after a 2019 decision, 527) in January 2020, the rest in the
/// summer of 2020 or later.
fn records(size: u64) -> Vec<(String, Doc, Option<NaiveDate>)> {
    let timeline = RepairTimeline::default();
    (0..size)
        .map(|i| {
            let subject: SubjectId = uscc((i / 10) as u32).into();
            let decided = if i % 100 == 0 {
                d(2019, 1, 1) + Days::new(i % 30)
            } else {
                d(2019, 6, 1) + Days::new(i % 200)
            };
            let decision =
                PenaltyDecision::new(decided, PenaltyDomain::Other, vec![PenaltyKind::Fine]);
            let due = timeline
                .publication_end(Severity::General, &decision)
                .map(|e| e.on);
            let record = MisconductRecord {
                id: RecordId(i + 1),
                subject: subject.clone(),
                conduct: ConductKind::new("fine"),
                severity: Severity::General,
                graded_by: Citation::new("bench", "bench"),
                section: Section::SocialOrganizations,
                occurred_on: decided,
                ended_on: Some(decided),
                recorded_on: decided,
                decision: Some(decision),
                content: None,
                corrected: None,
                corrected_severity: None,
                history: vec![],
            };
            let body =
                social_credit::subject::with_whole_identifiers(|| serde_json::to_string(&record))
                    .unwrap();
            let key = format!("{:020}", i + 1);
            let subject = match &subject {
                SubjectId::Organization(u) => format!("org:{u}"),
                SubjectId::Person(p) => format!("person:{p}"),
            };
            (
                key,
                Doc {
                    subject: Some(subject),
                    body,
                    sealed: None,
                },
                due,
            )
        })
        .collect()
}

/// A bulk import of `size` record documents with their due days, 10,000
/// a transaction: records per second.
fn import<S: Store>(label: &str, store: &S, size: u64) {
    let docs = records(size);
    let start = Instant::now();
    for chunk in docs.chunks(10_000) {
        store
            .transaction(|tx| tx.put_many(Table::Records, chunk.to_vec()))
            .unwrap();
    }
    let elapsed = start.elapsed();
    println!(
        "{label}: bulk import: {size} records in {:.2} s = {:.0} records/s",
        elapsed.as_secs_f64(),
        size as f64 / elapsed.as_secs_f64()
    );
}

/// The daily sweep of 2020-01-31 over an imported registry of `size`
/// records of which 1% are due (their publication ends since the last
/// sweep, of 2019-12-31).
fn sweep<S: Store>(label: &str, store: S, size: u64) {
    store
        .transaction(|tx| {
            // The last completed sweep, and the mark that every document
            // has its due day (the import set them), so that the sweep
            // does not rebuild the index first.
            for (key, body) in [
                ("2019-12-31", r#"{"on":"2019-12-31"}"#),
                ("~due-index", r#"{"version":1}"#),
            ] {
                let doc = Doc {
                    subject: None,
                    body: body.into(),
                    sealed: None,
                };
                tx.put(Table::Sweeps, key, doc)?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let registry = Registry::official(store);
    let start = Instant::now();
    let report = registry
        .daily_sweep(&Actor::system(), d(2020, 1, 31))
        .unwrap();
    let elapsed = start.elapsed();
    assert_eq!(report.publication_ended.len() as u64, size.div_ceil(100));
    println!(
        "{label}: daily sweep: {} due of {size} records in {:.2} s",
        report.publication_ended.len(),
        elapsed.as_secs_f64(),
    );
}

/// Whether `BENCH_PARTS` (a comma-separated list of `ops`, `import` and
/// `sweep`; all when unset) asks for `name`.
fn part(name: &str) -> bool {
    std::env::var("BENCH_PARTS").map_or(true, |v| v.split(',').any(|p| p.trim() == name))
}

fn full() -> bool {
    std::env::var("BENCH_SCALE").is_ok_and(|v| v == "full")
}

fn import_size() -> u64 {
    if full() {
        1_000_000
    } else {
        100_000
    }
}

fn sizes() -> Vec<u64> {
    if full() {
        vec![100_000, 1_000_000]
    } else {
        vec![10_000, 100_000]
    }
}

fn main() {
    // `cargo test --benches` runs bench binaries with no `--bench`: nothing
    // to measure then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let only = std::env::var("BENCH_STORES").ok();
    let wanted = |store: &str| only.as_deref().is_none_or(|o| o == store);
    if wanted("sqlite") {
        sqlite_figures();
    }
    if wanted("postgres") {
        postgres_figures();
    }
}

/// The figures on SQLite, in files of a temporary directory.
fn sqlite_figures() {
    let dir = std::env::temp_dir().join(format!("social-credit-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = |name: &str| SqliteStore::open(dir.join(name)).unwrap();
    record_and_assess("sqlite", Arc::new(Registry::official(sqlite("ops.sqlite"))));
    import("sqlite", &sqlite("import.sqlite"), import_size());
    for size in sizes() {
        let store = sqlite(&format!("sweep-{size}.sqlite"));
        import("sqlite", &store, size);
        sweep("sqlite", store, size);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The figures on PostgreSQL, when `SOCIAL_CREDIT_PG_URL` names a server,
/// each in a schema of its own, dropped at the end.
fn postgres_figures() {
    let Ok(url) = std::env::var("SOCIAL_CREDIT_PG_URL") else {
        println!("postgres: skipped, SOCIAL_CREDIT_PG_URL is not set");
        return;
    };
    let base: postgres::Config = url.parse().unwrap();
    let mut admin = base.connect(postgres::NoTls).unwrap();
    let schemas: Vec<String> = (0..3 + sizes().len())
        .map(|i| format!("sc_bench_{}_{i}", std::process::id()))
        .collect();
    for s in &schemas {
        admin.batch_execute(&format!("CREATE SCHEMA {s}")).unwrap();
    }
    let pg = |i: usize| {
        let mut config = base.clone();
        config.options(&format!("-c search_path={}", schemas[i]));
        PostgresStore::with_config(config, 8).unwrap()
    };
    if part("ops") {
        record_and_assess("postgres", Arc::new(Registry::official(pg(0))));
    }
    if part("import") {
        import("postgres", &pg(1), import_size());
    }
    admin
        .batch_execute(&format!(
            "DROP SCHEMA {} CASCADE; CREATE SCHEMA {0}",
            schemas[1]
        ))
        .unwrap();
    for (i, size) in sizes().into_iter().enumerate() {
        if !part("sweep") {
            break;
        }
        let mut store = pg(3 + i);
        if let Ok(n) = std::env::var("BENCH_SWEEP_THREADS") {
            store = store.with_sweep_concurrency(n.parse().unwrap());
        }
        println!("postgres: sweep on {} threads", store.sweep_concurrency());
        import("postgres", &store, size);
        sweep("postgres", store, size);
    }
    for s in &schemas {
        admin
            .batch_execute(&format!("DROP SCHEMA {s} CASCADE"))
            .unwrap();
    }
}
