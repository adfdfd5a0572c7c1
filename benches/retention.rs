//! The erasure sweep (plan §6(7)) over a large store: target ≤ 50 ms median
//! for 1,000,000 records on one thread.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use social_credit::misconduct::{
    ConductKind, MisconductRecord, RecordContent, RecordId, RecordStatus, Section, Severity,
    StatusChange,
};
use social_credit::retention::RetentionPolicy;
use social_credit::{Citation, ResidentId, SubjectId, Uscc};
use std::hint::black_box;

/// A store-like mix: two thirds persons, one in eight with conduct still
/// going on, one in ten with a status change (a fifth of those erasures),
/// conduct ending over 2005–2025, each with content.
fn records(n: u64) -> Vec<MisconductRecord> {
    let person: SubjectId = "34052419800101001X".parse::<ResidentId>().unwrap().into();
    let org: SubjectId = "91350100M000100Y43".parse::<Uscc>().unwrap().into();
    let start = NaiveDate::from_ymd_opt(2005, 1, 1).unwrap();
    (0..n)
        .map(|i| {
            // A cheap deterministic scramble so the branches do not line up.
            let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 17;
            let ended = start + Days::new(h % 7670);
            let mut history = Vec::new();
            if h % 10 == 0 {
                history.push(StatusChange {
                    on: ended,
                    status: if h % 50 == 0 {
                        RecordStatus::Erased
                    } else {
                        RecordStatus::Repaired
                    },
                    by: "system".into(),
                    basis: Citation::new("retention.personal_five_years", "plan §6(7)"),
                });
            }
            MisconductRecord {
                id: RecordId(i),
                subject: if h % 3 == 0 {
                    org.clone()
                } else {
                    person.clone()
                },
                conduct: ConductKind::new("annual_report_late"),
                severity: Severity::General,
                graded_by: Citation::new("grading.general", "MCA Order No. 60 (2018)"),
                section: Section::SocialOrganizations,
                occurred_on: ended,
                ended_on: (h % 8 != 0).then_some(ended),
                recorded_on: ended,
                decision: None,
                content: Some(RecordContent {
                    description: "annual report not filed".into(),
                    legal_basis: "MCA Order No. 60 (2018)".into(),
                    evidence: vec![],
                    fine: None,
                }),
                corrected: None,
                corrected_severity: None,
                history,
            }
        })
        .collect()
}

fn sweep(c: &mut Criterion) {
    let records = records(1_000_000);
    let policy = RetentionPolicy::default();
    let on = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let due = policy.due_indices(&records, on).count();
    assert!(due > 100_000 && due < 900_000, "{due} due");

    let mut group = c.benchmark_group("retention");
    group.sample_size(20);
    group.bench_function("sweep_indices/1M", |b| {
        b.iter(|| {
            policy
                .due_indices(black_box(&records), black_box(on))
                .count()
        })
    });
    group.bench_function("sweep_refs/1M", |b| {
        b.iter(|| policy.due(black_box(&records), black_box(on)).count())
    });
    // The floor: reading one field of every record, no decision. The sweep
    // reads three fields that lie in different cache lines, so it is bound
    // by memory, not by the retention arithmetic (done once per sweep).
    group.bench_function("baseline_scan/1M", |b| {
        b.iter(|| {
            black_box(&records)
                .iter()
                .filter(|r| r.ended_on.is_some())
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, sweep);
criterion_main!(benches);
