//! The daily sweep catches up (issue 19): a sweep on day D handles and
//! reports every event due since the last completed sweep, so a missed
//! night loses nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::registry::who;

#[path = "data/fixtures.rs"]
mod fixtures;

use chrono::NaiveDate;
use fixtures::*;
use social_credit::lists::ListKind;
use social_credit::misconduct::{ConductKind, RecordContent, Section};
use social_credit::registry::{NewRecord, Registry};
use social_credit::store::MemoryStore;
use social_credit::SubjectId;

fn warning(subject: &SubjectId, on: NaiveDate) -> NewRecord {
    NewRecord {
        subject: subject.clone(),
        conduct: ConductKind::new("warning"),
        section: Section::SocialOrganizations,
        occurred_on: on,
        ended_on: Some(on),
        content: RecordContent {
            description: "test".into(),
            legal_basis: "MCA Order No. 60 (2018)".into(),
            evidence: vec![],
            fine: None,
        },
        decision: None,
    }
}

/// An organization put on the activity-abnormal list for a warning (nothing
/// to rectify) leaves it by time
/// (MCA Order No. 60 (2018) art. 13, unconfirmed). The sweeps of the exit
/// day and the days before it did not run: the next sweep reports the exit,
/// says which sweep it continues from, and the one after it does not report
/// the exit again.
#[test]
fn a_missed_night_loses_no_list_exit() {
    let r = Registry::official(MemoryStore::new());
    let subject = org(70);
    let id = subject.id();
    r.register_subject(subject, &who::clerk(), d(2019, 1, 2))
        .unwrap();
    r.record_misconduct(warning(&id, d(2019, 3, 1)), &who::section(), d(2019, 3, 1))
        .unwrap();
    // The exit day: the first day the public view shows no list.
    let exit = (0..400)
        .map(|n| d(2019, 3, 2) + chrono::Days::new(n))
        .find(|day| r.public_view(&id, *day).unwrap().lists.is_empty())
        .unwrap();
    let before = exit - chrono::Days::new(3);
    let first = r.daily_sweep(&who::system(), before).unwrap();
    assert!(first.list_exits.is_empty());
    assert_eq!(first.since, None);
    // Nights `exit - 2` to `exit + 1` missed.
    let late = exit + chrono::Days::new(2);
    let caught_up = r.daily_sweep(&who::system(), late).unwrap();
    assert_eq!(caught_up.since, Some(before));
    assert_eq!(
        caught_up.list_exits,
        vec![(id.display_masked(), ListKind::ActivityAbnormal)]
    );
    // Run again on the same day (say, after a failure): the same report.
    assert_eq!(r.daily_sweep(&who::system(), late).unwrap(), caught_up);
    // The next night's sweep continues from this one.
    let next = r
        .daily_sweep(&who::system(), late + chrono::Days::new(1))
        .unwrap();
    assert_eq!(next.since, Some(late));
    assert!(next.list_exits.is_empty());
}

/// Without a completed sweep before it, a sweep reports the events of its
/// own day only, as before.
#[test]
fn the_first_sweep_reports_its_own_day() {
    let r = Registry::official(MemoryStore::new());
    let subject = org(71);
    let id = subject.id();
    r.register_subject(subject, &who::clerk(), d(2019, 1, 2))
        .unwrap();
    r.record_misconduct(warning(&id, d(2019, 3, 1)), &who::section(), d(2019, 3, 1))
        .unwrap();
    let exit = (0..400)
        .map(|n| d(2019, 3, 2) + chrono::Days::new(n))
        .find(|day| r.public_view(&id, *day).unwrap().lists.is_empty())
        .unwrap();
    let after = r
        .daily_sweep(&who::system(), exit + chrono::Days::new(1))
        .unwrap();
    assert!(after.list_exits.is_empty());
    let fresh = Registry::official(MemoryStore::new());
    let subject = org(71);
    fresh
        .register_subject(subject, &who::clerk(), d(2019, 1, 2))
        .unwrap();
    fresh
        .record_misconduct(warning(&id, d(2019, 3, 1)), &who::section(), d(2019, 3, 1))
        .unwrap();
    assert_eq!(
        fresh.daily_sweep(&who::system(), exit).unwrap().list_exits,
        vec![(id.display_masked(), ListKind::ActivityAbnormal)]
    );
}
