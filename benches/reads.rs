//! Issue 21 point 3: reads through the registry against the engine alone,
//! concurrent reads, and recording a finding at two history lengths, on
//! the memory store.
//!
//! - `reads/assess/{engine,registry}/N`: one assessment of a subject with N
//!   records (target: registry ≤ 5× engine for 10, 100 and 1,000).
//! - `reads/threads/{1,2}`: 2,000 assessments on one thread, then split
//!   over two (target on an idle 2-core machine: 2 threads ≥ 1.7× faster).
//! - `reads/record_misconduct/history_N`: one finding about a subject with N
//!   records (rotating over subjects so each history grows little).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
use common::{d, uscc};

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use rust_decimal::Decimal;
use social_credit::assess::{assess, Dossier, Rules};
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::registry::{NewRecord, Registry};
use social_credit::store::MemoryStore;
use social_credit::subject::Roster;
use social_credit::{Actor, Organization, OrganizationKind, Section, Subject, SubjectId};

fn finding(subject: &SubjectId, i: u64) -> NewRecord {
    // The civil-affairs preset is in force from 2018; every record counts on DAY.
    let occurred = d(2019, 1, 3) + Days::new(i % 150);
    NewRecord {
        subject: subject.clone(),
        conduct: ConductKind::new("warning"),
        section: Section::SocialOrganizations,
        occurred_on: occurred,
        ended_on: Some(occurred),
        content: RecordContent {
            description: "warning".into(),
            legal_basis: "MCA Order No. 60 (2018)".into(),
            evidence: vec![format!("XZMZ-{i}")],
            fine: Some(Decimal::from(100)),
        },
        decision: None,
    }
}

/// The section that keeps the associations' files (plan §3(2), §6(1)).
fn bench() -> Actor {
    Actor::section(Section::SocialOrganizations)
}

const DAY: fn() -> NaiveDate = || d(2019, 6, 3);

/// A registry with `subjects` organizations of `history` records each.
fn registry(subjects: u32, history: u64) -> (Registry<MemoryStore>, Vec<SubjectId>) {
    let r = Registry::official(MemoryStore::new());
    let mut ids = Vec::new();
    for n in 0..subjects {
        let code = uscc(n);
        r.register_subject(
            Subject::Organization(Organization {
                uscc: code.clone(),
                name: format!("Association {n}"),
                kind: OrganizationKind::SocialAssociation,
                established_on: Some(d(2010, 1, 1)),
            }),
            &bench(),
            d(2018, 12, 3),
        )
        .unwrap();
        let id: SubjectId = code.into();
        for i in 0..history {
            let new = finding(&id, i);
            let on = new.occurred_on;
            r.record_misconduct(new, &bench(), on).unwrap();
        }
        ids.push(id);
    }
    (r, ids)
}

fn assess_vs_engine(c: &mut Criterion) {
    let mut g = c.benchmark_group("reads/assess");
    for n in [10u64, 100, 1_000] {
        let (r, ids) = registry(1, n);
        let id = &ids[0];
        // The engine alone, on the same dossier read through the queries.
        let subject = r.subject(id).unwrap().unwrap();
        let records = r.records_of(id, None, 1_000, &bench()).unwrap().items;
        assert_eq!(records.len() as u64, n);
        let lists: Vec<_> = r
            .list_entry_page(Some(id), None, 1_000, &bench())
            .unwrap()
            .items
            .into_iter()
            .map(|(_, e)| e)
            .collect();
        let roster = Roster::default();
        let book = r.rules();
        let rules = Rules {
            policies: &book.policies,
            catalogue: &book.catalogue,
            retention: &book.retention,
            repair: &book.repair,
            objections: &book.objection,
        };
        let calendar = r.calendar();
        let dossier = Dossier {
            subject: &subject,
            records: &records,
            lists: &lists,
            roster: &roster,
            commitments: &[],
            objections: &[],
        };
        let engine = assess(&dossier, &rules, &*calendar, DAY())
            .unwrap()
            .summary();
        assert_eq!(engine, r.assess(id, DAY()).unwrap(), "the same answer");
        g.bench_function(format!("engine/{n}"), |b| {
            b.iter(|| {
                black_box(
                    assess(black_box(&dossier), &rules, &*calendar, DAY())
                        .unwrap()
                        .summary(),
                )
            })
        });
        g.bench_function(format!("registry/{n}"), |b| {
            b.iter(|| black_box(r.assess(black_box(id), DAY()).unwrap()))
        });
    }
    g.finish();
}

fn threads(c: &mut Criterion) {
    let (r, ids) = registry(200, 10);
    let r = Arc::new(r);
    let ids = Arc::new(ids);
    const TOTAL: usize = 2_000;
    let mut g = c.benchmark_group("reads/threads");
    g.sample_size(20);
    for threads in [1usize, 2] {
        g.bench_function(format!("{threads}"), |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let started = Instant::now();
                    std::thread::scope(|s| {
                        for t in 0..threads {
                            let (r, ids) = (Arc::clone(&r), Arc::clone(&ids));
                            s.spawn(move || {
                                for k in (t..TOTAL).step_by(threads) {
                                    black_box(r.assess(&ids[k % ids.len()], DAY()).unwrap());
                                }
                            });
                        }
                    });
                    spent += started.elapsed();
                }
                spent
            })
        });
    }
    g.finish();
}

fn record_misconduct(c: &mut Criterion) {
    let mut g = c.benchmark_group("reads/record_misconduct");
    g.sample_size(20);
    for (history, subjects) in [(10u64, 200u32), (1_000, 20)] {
        let (r, ids) = registry(subjects, history);
        let mut k = 0usize;
        g.bench_function(format!("history_{history}"), |b| {
            b.iter(|| {
                k += 1;
                let id = &ids[k % ids.len()];
                let new = finding(id, k as u64);
                let on = new.occurred_on;
                black_box(r.record_misconduct(new, &bench(), on).unwrap())
            })
        });
    }
    g.finish();
}

criterion_group!(reads, assess_vs_engine, threads, record_misconduct);
criterion_main!(reads);
