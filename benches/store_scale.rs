//! Store scale figures (issue 19), as a bench binary (`harness = false`):
//! record and assess through the registry from 8 threads (operations per
//! second, p50 and p99 latency), a bulk import through the registry, and the
//! due-day page query at two table sizes with 1% due, on SQLite and, when
//! `SOCIAL_CREDIT_PG_URL` names a server, on PostgreSQL (in a schema of its
//! own, dropped at the end).
//!
//! `cargo bench --features sqlite,postgres --bench store_scale`; sizes from
//! `BENCH_OPS` (per thread, default 250), `BENCH_IMPORT` (default 20,000) and
//! `BENCH_DUE_SIZES` (default `100000,400000`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::registry::{NewRecord, Registry};
use social_credit::store::{Doc, PostgresStore, SqliteStore, Store, Table};
use social_credit::subject::check::{org_code_check, uscc_check};
use social_credit::{Actor, Organization, OrganizationKind, Section, Subject, SubjectId, Uscc};

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

fn uscc(i: u32) -> Uscc {
    let body = format!("{:08}", i);
    let mut s = format!("51410184{body}");
    s.push(char::from(org_code_check(body.as_bytes()).unwrap()));
    let check = uscc_check(s.as_bytes()).unwrap();
    s.push(char::from(check));
    s.parse().unwrap()
}

fn register<S: Store>(r: &Registry<S>, from: u32, n: u32) -> Vec<SubjectId> {
    (from..from + n)
        .map(|i| {
            let code = uscc(i);
            r.register_subject(
                Subject::Organization(Organization {
                    uscc: code.clone(),
                    name: format!("Association {i}"),
                    kind: OrganizationKind::SocialAssociation,
                    established_on: Some(d(2010, 1, 1)),
                }),
                &Actor::section(Section::SocialOrganizations),
                d(2019, 1, 2),
            )
            .unwrap();
            code.into()
        })
        .collect()
}

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

/// A bulk import through the registry: records per second.
fn import<S: Store>(label: &str, r: &Registry<S>) {
    let n = env("BENCH_IMPORT", 20_000);
    let subjects = register(r, 20_000, 100);
    let records: Vec<NewRecord> = (0..n)
        .map(|i| finding(subjects[(i % 100) as usize].clone(), i))
        .collect();
    let start = Instant::now();
    for chunk in records.chunks(5_000) {
        r.import_records(
            social_credit::registry::ImportRow::same_day(chunk.to_vec(), d(2019, 12, 2)),
            &Actor::section(Section::SocialOrganizations),
        )
        .unwrap();
    }
    let elapsed = start.elapsed();
    println!(
        "{label}: import through the registry: {n} records in {:.2} s = {:.0} records/s",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
}

/// The due-day page query: `size` documents of which 1% are due; time to
/// read every due one, 500 a page.
fn due_pages<S: Store>(label: &str, store: &S, size: u64) {
    let fill = Instant::now();
    let batch = 10_000;
    let mut written = 0;
    while written < size {
        let upto = (written + batch).min(size);
        store
            .transaction(|tx| {
                for i in written..upto {
                    let key = format!("{i:012}");
                    tx.put(
                        Table::Records,
                        &key,
                        Doc {
                            subject: Some(format!("s{}", i % 10_007)),
                            body: "{}".into(),
                            sealed: None,
                        },
                    )?;
                    // 1% due by 2020-01-31, the rest years later.
                    let due = if i % 100 == 0 {
                        d(2020, 1, 1) + Days::new(i % 30)
                    } else {
                        d(2030, 1, 1)
                    };
                    tx.set_due(Table::Records, &key, Some(due))?;
                }
                Ok::<_, social_credit::store::StoreError>(())
            })
            .unwrap();
        written = upto;
    }
    let filled = fill.elapsed();
    let start = Instant::now();
    let mut after: Option<String> = None;
    let mut due = 0usize;
    loop {
        let page = store
            .transaction(|tx| tx.due(Table::Records, d(2020, 1, 31), after.as_deref(), 500))
            .unwrap();
        if page.is_empty() {
            break;
        }
        due += page.len();
        after = page.last().map(|p| p.key.clone());
    }
    let elapsed = start.elapsed();
    assert_eq!(due as u64, size.div_ceil(100));
    println!(
        "{label}: due pages: {due} due of {size} documents read in {:.1} ms (filled in {:.1} s)",
        elapsed.as_secs_f64() * 1e3,
        filled.as_secs_f64()
    );
}

fn sizes() -> Vec<u64> {
    std::env::var("BENCH_DUE_SIZES")
        .unwrap_or_else(|_| "100000,400000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn main() {
    // `cargo test --benches` runs bench binaries with no `--bench`: nothing
    // to measure then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("social-credit-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = |name: &str| SqliteStore::open(dir.join(name)).unwrap();
    record_and_assess("sqlite", Arc::new(Registry::official(sqlite("ops.sqlite"))));
    import("sqlite", &Registry::official(sqlite("import.sqlite")));
    for size in sizes() {
        due_pages("sqlite", &sqlite(&format!("due-{size}.sqlite")), size);
    }
    let _ = std::fs::remove_dir_all(&dir);

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
    record_and_assess("postgres", Arc::new(Registry::official(pg(0))));
    import("postgres", &Registry::official(pg(1)));
    for (i, size) in sizes().into_iter().enumerate() {
        due_pages("postgres", &pg(3 + i), size);
    }
    for s in &schemas {
        admin
            .batch_execute(&format!("DROP SCHEMA {s} CASCADE"))
            .unwrap();
    }
}
