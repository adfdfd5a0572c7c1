//! One assessment of an organization with 20 records (each with a penalty
//! decision, so every repair window is computed), two list entries and an
//! open objection (under the plan's rule: it suspends nothing) against the
//! full Xinzheng 2019 catalogue, with the official calendar.
//! Target: at most 2 µs median.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

#[path = "../tests/data/fixtures.rs"]
mod fixtures;

use std::hint::black_box;

use chrono::Days;
use criterion::{criterion_group, criterion_main, Criterion};
use fixtures::*;
use social_credit::assess::assess;
use social_credit::calendar::ChinaCalendar;
use social_credit::lists::{Domain, ListEntry, ListKind};
use social_credit::misconduct::{RecordId, RecordStatus, Severity};
use social_credit::objection::{Objection, ObjectionId, Receipt};
use social_credit::repair::{PenaltyDecision, PenaltyDomain, PenaltyKind};

fn case() -> Case {
    let mut case = Case::new(org(1));
    let kinds = [
        ("warning", Severity::General),
        ("annual_report_late", Severity::General),
        ("suspension_of_activities", Severity::Severe),
        ("dishonest_judgment_debtor", Severity::Severe),
        ("minor_breach", Severity::Minor),
    ];
    for i in 0..20u64 {
        let (conduct, severity) = kinds[(i % 5) as usize];
        let occurred = d(2018, 1, 1).checked_add_days(Days::new(i * 60)).unwrap();
        let mut r = record(i + 1, &case.subject, conduct, severity, occurred, occurred);
        r.decision = Some(PenaltyDecision::new(
            occurred,
            PenaltyDomain::Other,
            vec![PenaltyKind::Fine],
        ));
        if i % 7 == 3 {
            r = with_status(
                r,
                occurred.checked_add_days(Days::new(30)).unwrap(),
                RecordStatus::Repaired,
            );
        }
        if i % 9 == 4 {
            r = with_status(
                r,
                occurred.checked_add_days(Days::new(10)).unwrap(),
                RecordStatus::Revoked,
            );
        }
        case.records.push(r);
    }
    let id = case.subject.id();
    case.objections.push(Objection::receive(
        ObjectionId(1),
        RecordId(20),
        id.clone(),
        Receipt::Written { on: d(2021, 5, 20) },
        "王芳",
        "disputed",
    ));
    case.lists.push(ListEntry::new(
        id.clone(),
        ListKind::ActivityAbnormal,
        d(2021, 3, 1),
    ));
    case.lists.push(ListEntry::new(
        id,
        ListKind::BlackList {
            domain: Domain::new("social_organizations"),
        },
        d(2020, 9, 1),
    ));
    case
}

fn bench(c: &mut Criterion) {
    let case = case();
    let rules = rules();
    let cal = ChinaCalendar::official();
    let day = d(2021, 6, 1);
    let a = assess(&case.dossier(), &rules, &cal, day).unwrap();
    assert!(
        a.measures().len() > 25,
        "a heavy case: {} measures",
        a.measures().len()
    );
    assert!(a.next_change.is_some());
    c.bench_function("assess/20_records_full_catalogue", |b| {
        b.iter(|| assess(black_box(&case.dossier()), &rules, &cal, black_box(day)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
