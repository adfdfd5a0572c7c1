//! A registry at the calendar's edge (issue 12): the projected official
//! calendar, the strict one, a sweep that never aborts on a count, and a
//! new notice taken by a running registry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
use common::registry::*;

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use social_credit::calendar::{
    ChinaCalendar, Finality, RowKind, Schedule, ScheduleRow, WorkCalendar,
};
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::objection::Receipt;
use social_credit::registry::{NewRecord, Registry};
use social_credit::store::MemoryStore;
use social_credit::{Section, SubjectId};

fn record(subject: SubjectId, conduct: &str, occurred: NaiveDate) -> NewRecord {
    NewRecord {
        subject,
        conduct: ConductKind::new(conduct),
        section: Section::SocialOrganizations,
        occurred_on: occurred,
        ended_on: Some(occurred),
        content: RecordContent {
            description: "collected membership fees above the approved standard".into(),
            legal_basis: "Regulations on the Registration of Social Organizations art. 30".into(),
            evidence: vec!["XZMZ-2021-0042".into()],
            fine: Some(Decimal::from(5_000)),
        },
        decision: None,
    }
}

/// A registry with a personal record due for erasure on 28 December 2026
/// (occurred 27 December 2021: erased the day after its fifth anniversary)
/// and an open objection received on Sunday 20 December 2026.
fn bureau(
    r: &Registry<MemoryStore>,
) -> (
    social_credit::RecordId,
    social_credit::objection::ObjectionId,
) {
    register_subjects_on(r, d(2021, 1, 4));
    let personal = r
        .record_misconduct(
            record(person_id().into(), "warning", d(2021, 12, 27)),
            &who::section(),
            d(2021, 12, 29),
        )
        .unwrap();
    let org_record = r
        .record_misconduct(
            record(org_id().into(), "fine", d(2026, 11, 2)),
            &who::section(),
            d(2026, 11, 9),
        )
        .unwrap();
    let objection = r
        .receive_objection(
            org_record.id,
            Receipt::Written {
                on: d(2026, 12, 20),
            },
            "the fine was paid",
            &who::office(),
        )
        .unwrap();
    (personal.id, objection.id())
}

#[test]
fn a_sweep_on_28_december_2026_erases_and_reports_projected_deadlines() {
    let r = Registry::new(
        MemoryStore::new(),
        ChinaCalendar::official_projected(),
        personal_rules(),
    );
    let (personal, objection) = bureau(&r);
    let sweep = r.daily_sweep(&who::system(), d(2026, 12, 28)).unwrap();
    assert_eq!(sweep.erased, vec![personal]);
    // Only the tombstone is left of an erased record (issue 13).
    assert_eq!(
        r.erasure(personal).unwrap().map(|t| t.erased_on),
        Some(d(2026, 12, 28))
    );
    assert!(r.record(personal).is_err());
    assert_eq!(
        sweep.unsettled_deadlines,
        vec![(objection, Finality::Projected)]
    );
    assert!(sweep.not_computed.is_empty(), "{:?}", sweep.not_computed);
    // The desk gives the projected reply day.
    let desk = r.objection_desk(d(2026, 12, 28)).unwrap();
    let status = &desk[0].1;
    assert_eq!(status.deadlines.reply_by, Some(d(2027, 1, 6)));
    assert_eq!(status.deadlines.finality, Finality::Projected);
}

#[test]
fn a_strict_sweep_still_erases_and_says_what_it_could_not_count() {
    let r = Registry::new(
        MemoryStore::new(),
        ChinaCalendar::official(),
        personal_rules(),
    );
    let (personal, objection) = bureau(&r);
    let sweep = r.daily_sweep(&who::system(), d(2026, 12, 28)).unwrap();
    assert_eq!(sweep.erased, vec![personal]);
    assert_eq!(sweep.not_computed.len(), 1, "{:?}", sweep.not_computed);
    let gap = &sweep.not_computed[0];
    assert_eq!(
        gap.item,
        format!("objection {objection}: objection.reply_by")
    );
    assert!(
        gap.reason
            .to_string()
            .contains("runs past the calendar's last covered day 2026-12-31"),
        "{}",
        gap.reason
    );
    // Forwarding (25 December) is known and provisional.
    assert_eq!(
        sweep.unsettled_deadlines,
        vec![(objection, Finality::Provisional)]
    );
}

/// A complete 2027 notice: the projected days off, and Monday 4 January
/// 2027 off as well (a made-up bridge day).
fn notice_2027() -> Schedule {
    let projected = ChinaCalendar::official_projected();
    let mut rows: Vec<ScheduleRow> = projected
        .rows()
        .iter()
        .filter(|r| r.schedule == 2027)
        .map(|r| ScheduleRow {
            notice: "国办发明电〔2026〕X号".into(),
            ..r.clone()
        })
        .collect();
    rows.push(ScheduleRow {
        schedule: 2027,
        kind: RowKind::Holiday,
        first: d(2027, 1, 4),
        last: d(2027, 1, 4),
        name: "New Year's Day 元旦".into(),
        notice: "国办发明电〔2026〕X号".into(),
    });
    Schedule { rows }
}

#[test]
fn a_running_registry_takes_the_next_notice_on_every_thread() {
    let r = Arc::new(Registry::new(
        MemoryStore::new(),
        ChinaCalendar::official_projected(),
        personal_rules(),
    ));
    let (_, objection) = bureau(&r);
    let before = r.objection(objection).unwrap();
    let old = r.calendar();
    assert_eq!(
        before.deadlines(&*old).unwrap().reply_by,
        Some(d(2027, 1, 6))
    );

    let loaded = r.calendar().with_schedule(notice_2027()).unwrap();
    let loader = {
        let r = Arc::clone(&r);
        let loaded = loaded.clone();
        std::thread::spawn(move || r.replace_calendar(loaded, &who::office(), d(2026, 12, 29)))
    };
    loader.join().unwrap().unwrap();

    // The next operation, on another thread, counts with the notice: 4 January is off.
    let reader = {
        let r = Arc::clone(&r);
        std::thread::spawn(move || r.objection_desk(d(2026, 12, 29)).unwrap())
    };
    let desk = reader.join().unwrap();
    assert_eq!(desk[0].1.deadlines.reply_by, Some(d(2027, 1, 7)));
    assert_eq!(desk[0].1.deadlines.finality, Finality::Final);
    // A snapshot taken before is unchanged, and the years after 2027 stay projected.
    assert_eq!(old.add_working_days(d(2026, 12, 20), 12), Ok(d(2027, 1, 6)));
    assert_eq!(*r.calendar().coverage().end(), d(2031, 12, 31));
    assert_eq!(
        r.calendar().day_status(d(2028, 1, 3)).unwrap().finality,
        Finality::Projected
    );
    // Audited: who, when, what.
    let log = r.audit_log(0).unwrap();
    let (_, entry) = log.last().unwrap();
    assert_eq!(entry.by, "section:office");
    assert_eq!(entry.on, d(2026, 12, 29));
    assert_eq!(entry.action.verb(), "replaced");
    assert!(
        entry.to_string().contains("2004-01-01 to 2031-12-31"),
        "{entry}"
    );
}

#[test]
fn calendar_and_rules_are_replaced_together() {
    let r = Registry::official(MemoryStore::new());
    let mut rules = (*r.rules()).clone();
    rules.retention = social_credit::retention::RetentionPolicy::default();
    r.replace_calendar_and_rules(
        ChinaCalendar::official(),
        rules,
        &who::office(),
        d(2026, 12, 1),
    )
    .unwrap();
    assert_eq!(*r.calendar(), ChinaCalendar::official());
    r.replace_rules((*r.rules()).clone(), &who::office(), d(2026, 12, 1))
        .unwrap();
    assert_eq!(r.audit_log(0).unwrap().len(), 2);
}
