//! Objections (plan §6(3)) as a user sees them: the deadlines on the
//! official calendar, worked out by hand; the checked workflow; storage as
//! JSON; the desk listing; outcomes applied to records; and property tests
//! over every receipt day the official calendar covers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;
use social_credit::calendar::{CalendarError, ChinaCalendar, WeekendCalendar, WorkCalendar};
use social_credit::commitment::{Commitment, CommitmentId, CommitmentKind};
use social_credit::lists::{ListEntry, ListEntryId, ListKind, ListingEvent};
use social_credit::misconduct::{
    ConductKind, MisconductRecord, RecordContent, RecordId, RecordStatus, Section, Severity,
};
use social_credit::objection::{
    deadlines, due_soon, overdue_by_section, Applicant, Capacity, CreditItem, Deadlines, Finding,
    ItemChange, Objection, ObjectionError, ObjectionId, ObjectionPolicy, Outcome, Receipt,
    Recipient, Stage, Step,
};
use social_credit::quarterly::{quarterly_report, ReportingRule};
use social_credit::{Citation, SubjectId, Uscc};

mod common;

fn official() -> ChinaCalendar {
    ChinaCalendar::official()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn subject() -> SubjectId {
    "91350100M000100Y43".parse::<Uscc>().unwrap().into()
}

fn written(id: u64, on: NaiveDate) -> Objection {
    Objection::receive(
        ObjectionId(id),
        RecordId(id),
        subject(),
        Receipt::Written { on },
        "王芳 Wang Fang",
        "the annual report was filed on time",
    )
}

fn kept() -> Outcome {
    Outcome::Kept {
        reasons: "the registry shows the report filed on 3 June, after the deadline".into(),
    }
}

fn corrected() -> Outcome {
    Outcome::Corrected {
        corrected: RecordContent {
            description: "annual report filed 3 days late".into(),
            legal_basis: "MCA Order No. 60 (2018) art. 17".into(),
            evidence: vec!["新民社〔2019〕12号".into()],
            fine: Some(Decimal::new(150050, 2)),
        },
        severity: None,
        reasons: "the filing date was misread".into(),
    }
}

// ---------------------------------------------------------------------------
// Known cases, worked out by hand from data/calendar/cn.csv.
// ---------------------------------------------------------------------------

/// Received Friday 27 September 2019, just before National Day.
///
/// cn.csv, schedule 2019: Sunday 29 Sep worked; 1–7 Oct off; Saturday 12 Oct
/// worked. Saturday 28 Sep, Sunday 13 Oct are ordinary weekend days.
///
/// Counting from Friday 27 Sep (not counted):
///   1 Sun 29 Sep (adjusted working day)   2 Mon 30 Sep
///   (1–7 Oct holiday)
///   3 Tue 8 Oct   4 Wed 9 Oct   5 Thu 10 Oct  -> forward_by
///   6 Fri 11 Oct  7 Sat 12 Oct (adjusted working day)
///   8 Mon 14 Oct  9 Tue 15 Oct  10 Wed 16 Oct  11 Thu 17 Oct
///   12 Fri 18 Oct -> reply_by
#[test]
fn received_friday_27_september_2019() {
    let cal = official();
    let d = deadlines(&cal, day(2019, 9, 27)).unwrap();
    assert_eq!(d.forward_by, Some(day(2019, 10, 10)));
    assert_eq!(d.reply_by, Some(day(2019, 10, 18)));
    assert_eq!(
        d.forward().unwrap().basis,
        Citation::new("objection.forward_by", "plan §6(3)")
    );
    assert_eq!(
        d.reply().unwrap().basis,
        Citation::new("objection.reply_by", "plan §6(3)")
    );

    // Every step on its last day still meets the 12-day limit:
    // forwarded Thu 10 Oct; verify_by = 10 Oct + 5: 1 Fri 11, 2 Sat 12,
    // 3 Mon 14, 4 Tue 15, 5 Wed 16 Oct. Opinion in Wed 16 Oct; its own
    // clock: 1 Thu 17, 2 Fri 18 Oct = reply_by, so notify_by is Fri 18 Oct
    // under the notification's own rule.
    let mut o = written(1, day(2019, 9, 27));
    o.forward(
        day(2019, 10, 10),
        "王芳 Wang Fang",
        Section::SocialOrganizations,
    )
    .unwrap();
    o.receive_opinion(
        day(2019, 10, 16),
        "李强 Li Qiang",
        Finding::NotConfirmed,
        "filed late",
    )
    .unwrap();
    let d = o.deadlines(&cal).unwrap();
    assert_eq!(d.verify_by, Some(day(2019, 10, 16)));
    assert_eq!(d.notify_clock, Some(day(2019, 10, 18)));
    assert_eq!(d.notify_by, Some(day(2019, 10, 18)));
    assert_eq!(d.notify().unwrap().basis.rule, "objection.notify_by");
    o.notify(day(2019, 10, 18), "王芳 Wang Fang", kept())
        .unwrap();
    let s = o.status_on(&cal, day(2019, 10, 18)).unwrap();
    assert_eq!(s.stage, Stage::Notified);
    assert!(s.overdue.is_empty(), "{:?}", s.overdue);
    // The reply to the subject is the second act, still due today.
    assert_eq!(s.next, d.reply());
    assert_eq!(s.reply_working_days_left, Some(0));
    o.reply(day(2019, 10, 18), "王芳 Wang Fang", "filed late")
        .unwrap();
    let s = o.status_on(&cal, day(2019, 10, 18)).unwrap();
    assert_eq!(s.stage, Stage::Replied);
    assert_eq!(s.next, None);
    assert_eq!(s.reply_working_days_left, None);
}

/// The same objection, nothing done, seen on several days.
#[test]
fn status_of_the_27_september_2019_objection_on_several_days() {
    let cal = official();
    let o = written(1, day(2019, 9, 27));

    // Mon 30 Sep: forwarding due Thu 10 Oct. Working days in (30 Sep, 18 Oct]:
    // 8, 9, 10, 11, 12 (Sat), 14, 15, 16, 17, 18 Oct = 10.
    let s = o.status_on(&cal, day(2019, 9, 30)).unwrap();
    let next = s.next.clone().unwrap();
    assert_eq!((next.step, next.due), (Step::Forward, day(2019, 10, 10)));
    assert_eq!(s.reply_working_days_left, Some(10));
    assert!(s.overdue.is_empty());

    // Mon 14 Oct: forwarding overdue by the working days in (10 Oct, 14 Oct]:
    // Fri 11, Sat 12 (adjusted), Mon 14 = 3. Reply: (14 Oct, 18 Oct] = 4 left.
    let s = o.status_on(&cal, day(2019, 10, 14)).unwrap();
    assert_eq!(s.overdue.len(), 1);
    assert_eq!(s.overdue[0].deadline.step, Step::Forward);
    assert_eq!(s.overdue[0].working_days, 3);
    assert_eq!(s.overdue[0].done_on, None);
    assert_eq!(s.reply_working_days_left, Some(4));

    // Sun 13 Oct is a rest day: still 2 working days late (11, 12 Oct).
    let s = o.status_on(&cal, day(2019, 10, 13)).unwrap();
    assert_eq!(s.overdue[0].working_days, 2);
}

/// Forwarded one working day late: the 12-day limit then binds the
/// notification before its own 2-day clock does.
#[test]
fn a_late_forwarding_on_27_september_2019_lets_the_reply_limit_bind() {
    let cal = official();
    let mut o = written(1, day(2019, 9, 27));
    // Forwarded Fri 11 Oct: late by (10 Oct, 11 Oct] = 1 working day.
    // verify_by = 11 Oct + 5: 1 Sat 12 (adjusted), 2 Mon 14, 3 Tue 15,
    // 4 Wed 16, 5 Thu 17 Oct.
    o.forward(day(2019, 10, 11), "王芳 Wang Fang", Section::SocialAffairs)
        .unwrap();
    o.receive_opinion(
        day(2019, 10, 17),
        "李强 Li Qiang",
        Finding::ErrorConfirmed,
        "",
    )
    .unwrap();
    // Opinion Thu 17 Oct: own clock 1 Fri 18, 2 Mon 21 Oct; reply_by Fri 18 Oct
    // comes first and binds.
    let d = o.deadlines(&cal).unwrap();
    assert_eq!(d.verify_by, Some(day(2019, 10, 17)));
    assert_eq!(d.notify_clock, Some(day(2019, 10, 21)));
    assert_eq!(d.notify_by, Some(day(2019, 10, 18)));
    assert_eq!(d.notify().unwrap().basis.rule, "objection.reply_by");

    // On Tue 22 Oct, not yet notified: forwarding was 1 day late; the
    // notification is overdue by (18 Oct, 22 Oct] = Mon 21, Tue 22 = 2.
    let s = o.status_on(&cal, day(2019, 10, 22)).unwrap();
    let late: Vec<_> = s
        .overdue
        .iter()
        .map(|l| (l.deadline.step, l.deadline.due, l.done_on, l.working_days))
        .collect();
    assert_eq!(
        late,
        [
            (Step::Forward, day(2019, 10, 10), Some(day(2019, 10, 11)), 1),
            (Step::Notify, day(2019, 10, 18), None, 2),
            (Step::Reply, day(2019, 10, 18), None, 2),
        ]
    );
    assert_eq!(s.reply_working_days_left, Some(-2));
}

/// Received Saturday 28 September 2019, a rest day: counting starts with the
/// next working day, Sunday 29 September (adjusted), which is day 1, exactly
/// as for the Friday receipt:
///   1 Sun 29 Sep  2 Mon 30 Sep  3 Tue 8 Oct  4 Wed 9 Oct  5 Thu 10 Oct
///   ... 12 Fri 18 Oct.
/// Received Sunday 29 September instead, a working day and so not counted:
///   1 Mon 30 Sep  2 Tue 8  3 Wed 9  4 Thu 10  5 Fri 11 Oct -> forward_by
///   6 Sat 12  7 Mon 14  8 Tue 15  9 Wed 16  10 Thu 17  11 Fri 18
///   12 Mon 21 Oct -> reply_by
#[test]
fn received_saturday_28_september_2019() {
    let cal = official();
    let d = deadlines(&cal, day(2019, 9, 28)).unwrap();
    assert_eq!(d.forward_by, Some(day(2019, 10, 10)));
    assert_eq!(d.reply_by, Some(day(2019, 10, 18)));

    let d = deadlines(&cal, day(2019, 9, 29)).unwrap();
    assert_eq!(d.forward_by, Some(day(2019, 10, 11)));
    assert_eq!(d.reply_by, Some(day(2019, 10, 21)));
}

/// Online at 2019-09-27T16:30:00Z, which is 00:30 on Saturday 28 September
/// in China Standard Time (UTC+08:00): it counts as received on the
/// Saturday, with the Saturday's deadlines. A minute before 16:00Z it would
/// still be Friday.
#[test]
fn online_receipt_counts_on_its_china_date() {
    let cal = official();
    let at = Utc.with_ymd_and_hms(2019, 9, 27, 16, 30, 0).unwrap();
    let o = Objection::receive(
        ObjectionId(2),
        RecordId(2),
        subject(),
        Receipt::Online { at },
        "在线平台 online desk",
        "",
    );
    assert_eq!(o.received_on(), day(2019, 9, 28));
    let d = o.deadlines(&cal).unwrap();
    assert_eq!(
        (d.forward_by, d.reply_by),
        (Some(day(2019, 10, 10)), Some(day(2019, 10, 18)))
    );

    let friday = Receipt::Online {
        at: Utc.with_ymd_and_hms(2019, 9, 27, 15, 59, 0).unwrap(),
    };
    assert_eq!(friday.date(), day(2019, 9, 27));
    assert_eq!(
        o.status_on(&cal, day(2019, 9, 27)).unwrap_err(),
        ObjectionError::BeforeReceipt {
            on: day(2019, 9, 27),
            received_on: day(2019, 9, 28),
        }
    );
}

/// Received Thursday 23 January 2020, the day before the Spring Festival
/// holiday (24 Jan – 2 Feb 2020, as extended by 国办发明电〔2020〕1号).
///   1 Mon 3 Feb  2 Tue 4  3 Wed 5  4 Thu 6  5 Fri 7 Feb -> forward_by
///   6 Mon 10  7 Tue 11  8 Wed 12  9 Thu 13  10 Fri 14  11 Mon 17
///   12 Tue 18 Feb -> reply_by
/// Forwarded Fri 7 Feb: verify_by 1 Mon 10 ... 5 Fri 14 Feb. Opinion Fri
/// 14 Feb: notify clock 1 Mon 17, 2 Tue 18 Feb = reply_by.
#[test]
fn received_thursday_23_january_2020() {
    let cal = official();
    let d = deadlines(&cal, day(2020, 1, 23)).unwrap();
    assert_eq!(d.forward_by, Some(day(2020, 2, 7)));
    assert_eq!(d.reply_by, Some(day(2020, 2, 18)));

    let mut o = written(3, day(2020, 1, 23));
    o.forward(day(2020, 2, 7), "王芳 Wang Fang", Section::ElderlyCare)
        .unwrap();
    o.receive_opinion(
        day(2020, 2, 14),
        "张伟 Zhang Wei",
        Finding::ErrorConfirmed,
        "",
    )
    .unwrap();
    let d = o.deadlines(&cal).unwrap();
    assert_eq!(d.verify_by, Some(day(2020, 2, 14)));
    assert_eq!(d.notify_by, Some(day(2020, 2, 18)));

    // On the last day before the holiday nothing is late; 9 calendar days
    // later (Sun 2 Feb, still the holiday) the reply has 12 working days left.
    let fresh = written(3, day(2020, 1, 23));
    let s = fresh.status_on(&cal, day(2020, 2, 2)).unwrap();
    assert_eq!(s.reply_working_days_left, Some(12));
    assert!(s.overdue.is_empty());
}

/// Received Saturday 18 January 2020: Sunday 19 January was an adjusted
/// working day, so it is day 1.
///   1 Sun 19 Jan  2 Mon 20  3 Tue 21  4 Wed 22  5 Thu 23 Jan -> forward_by
///   (24 Jan – 2 Feb off)
///   6 Mon 3 Feb  7 Tue 4  8 Wed 5  9 Thu 6  10 Fri 7  11 Mon 10
///   12 Tue 11 Feb -> reply_by
#[test]
fn received_saturday_18_january_2020() {
    let d = deadlines(&official(), day(2020, 1, 18)).unwrap();
    assert_eq!(d.forward_by, Some(day(2020, 1, 23)));
    assert_eq!(d.reply_by, Some(day(2020, 2, 11)));
}

#[test]
fn deadlines_is_a_plain_function_of_a_calendar_and_a_day() {
    let f: fn(&ChinaCalendar, NaiveDate) -> Result<Deadlines, CalendarError> = deadlines;
    let weekends = f(&official(), day(2026, 3, 2)).unwrap();
    let dynamic: &dyn WorkCalendar = &WeekendCalendar;
    let plain = deadlines(dynamic, day(2026, 3, 2)).unwrap();
    // Monday 2 March 2026 had no holiday nearby: both calendars agree.
    assert_eq!(weekends, plain);
    assert_eq!(
        (plain.forward_by, plain.reply_by),
        (Some(day(2026, 3, 9)), Some(day(2026, 3, 18)))
    );
}

#[test]
fn a_receipt_outside_the_calendar_is_an_error() {
    let cal = official();
    assert!(matches!(
        deadlines(&cal, day(2003, 12, 31)),
        Err(CalendarError::OutOfCoverage { .. })
    ));
    // 5 and 12 working days after 28 December 2026 run past the strict
    // calendar: both deadlines are missing, each with its reason, and the
    // rest of the objection's status is still given (issue 12).
    let d = deadlines(&cal, day(2026, 12, 28)).unwrap();
    assert_eq!((d.forward_by, d.reply_by), (None, None));
    let steps: Vec<_> = d.missing.iter().map(|m| m.basis.rule.to_string()).collect();
    assert_eq!(steps, ["objection.forward_by", "objection.reply_by"]);
    assert!(matches!(
        d.missing[0].reason,
        CalendarError::OutOfCoverage {
            working_days: Some(5),
            ..
        }
    ));
    // Received 21 December: forward_by is known (Monday 28 December),
    // reply_by is not.
    let d = deadlines(&cal, day(2026, 12, 21)).unwrap();
    assert_eq!(d.forward_by, Some(day(2026, 12, 28)));
    assert_eq!(d.reply_by, None);
    assert_eq!(d.finality, social_credit::calendar::Finality::Provisional);
    let o = written(1, day(2026, 12, 28));
    let s = o.status_on(&cal, day(2026, 12, 29)).unwrap();
    assert!(s.pending.is_empty());
    assert_eq!(s.deadlines.missing.len(), 2);
}

// ---------------------------------------------------------------------------
// The workflow refuses wrong moves and changes nothing.
// ---------------------------------------------------------------------------

type Move = (
    &'static str,
    fn(&mut Objection) -> Result<(), ObjectionError>,
);

/// Every move, dated 2019-10-09 unless the name says otherwise.
const MOVES: [Move; 9] = [
    ("forward", |o| {
        o.forward(day(2019, 10, 9), "a", Section::SocialAffairs)
    }),
    ("forward early", |o| {
        o.forward(day(2019, 9, 26), "a", Section::SocialAffairs)
    }),
    ("opinion", |o| {
        o.receive_opinion(day(2019, 10, 9), "b", Finding::ErrorConfirmed, "")
    }),
    ("opinion early", |o| {
        o.receive_opinion(day(2019, 10, 7), "b", Finding::ErrorConfirmed, "")
    }),
    ("notify", |o| o.notify(day(2019, 10, 9), "a", corrected())),
    ("reply", |o| {
        o.reply(day(2019, 10, 9), "a", "the filing date was misread")
    }),
    ("close", |o| o.close(day(2019, 10, 9), "a")),
    ("withdraw", |o| o.withdraw(day(2019, 10, 9), "applicant")),
    ("withdraw early", |o| {
        o.withdraw(day(2019, 9, 26), "applicant")
    }),
];

/// An objection at each stage (received 27 Sep, forwarded 8 Oct, opinion,
/// notification, reply and closing on 9 Oct), and one withdrawn on 8 Oct.
fn at_each_stage() -> Vec<Objection> {
    let mut o = written(1, day(2019, 9, 27));
    let mut all = vec![o.clone()];
    o.forward(day(2019, 10, 8), "a", Section::SocialAffairs)
        .unwrap();
    all.push(o.clone());
    o.receive_opinion(day(2019, 10, 9), "b", Finding::ErrorConfirmed, "")
        .unwrap();
    all.push(o.clone());
    o.notify(day(2019, 10, 9), "a", corrected()).unwrap();
    all.push(o.clone());
    o.reply(day(2019, 10, 9), "a", "the filing date was misread")
        .unwrap();
    all.push(o.clone());
    o.close(day(2019, 10, 9), "a").unwrap();
    all.push(o);
    let mut w = written(1, day(2019, 9, 27));
    w.forward(day(2019, 10, 8), "a", Section::SocialAffairs)
        .unwrap();
    w.withdraw(day(2019, 10, 8), "applicant").unwrap();
    all.push(w);
    all
}

#[test]
fn every_wrong_move_is_refused_and_changes_nothing() {
    // The moves allowed at each stage; every other one must fail.
    let allowed: [&[&str]; 7] = [
        &["forward", "withdraw"],
        &["opinion", "withdraw"],
        &["notify", "withdraw"],
        &["reply"],
        &["close"],
        &[],
        &[],
    ];
    let stages = at_each_stage();
    for (o, allowed) in stages.iter().zip(allowed) {
        for (name, step) in MOVES {
            let mut tried = o.clone();
            let result = step(&mut tried);
            if allowed.contains(&name) {
                assert!(result.is_ok(), "{name} at {:?}: {result:?}", o.stage());
                assert_ne!(&tried, o);
            } else {
                let err = result.expect_err(name);
                assert_eq!(&tried, o, "{name} at {:?} changed it: {err}", o.stage());
            }
        }
    }
}

#[test]
fn errors_say_what_was_wrong() {
    let stages = at_each_stage();
    let mut received = stages[0].clone();
    assert_eq!(
        received
            .forward(day(2019, 9, 26), "a", Section::SocialAffairs)
            .unwrap_err()
            .to_string(),
        "cannot forward to the originating section on 2019-09-26, before the previous step \
         (receive the objection) on 2019-09-27"
    );
    let mut closed = stages[5].clone();
    assert_eq!(
        closed.close(day(2019, 10, 10), "a").unwrap_err(),
        ObjectionError::Finished {
            step: Step::Close,
            stage: Stage::Closed,
            on: day(2019, 10, 9)
        }
    );
    let mut notified = stages[3].clone();
    assert_eq!(
        notified
            .withdraw(day(2019, 10, 10), "applicant")
            .unwrap_err()
            .to_string(),
        "cannot withdraw the objection: the applicant was notified of the result on 2019-10-09"
    );
}

// ---------------------------------------------------------------------------
// Storage: JSON round trip at every stage.
// ---------------------------------------------------------------------------

#[test]
fn an_objection_loads_back_unchanged_at_every_stage() {
    let mut all = at_each_stage();
    all.push(Objection::receive(
        ObjectionId(9),
        RecordId(9),
        "34052419800101001X"
            .parse::<social_credit::ResidentId>()
            .unwrap()
            .into(),
        Receipt::Online {
            at: Utc.with_ymd_and_hms(2019, 9, 27, 16, 30, 0).unwrap(),
        },
        "online desk",
        "not me",
    ));
    for o in all {
        // The storage representation keeps a person's number whole (the
        // default serialization masks it, issue 13).
        let json =
            social_credit::subject::with_whole_identifiers(|| serde_json::to_string(&o)).unwrap();
        let back: Objection = serde_json::from_str(&json).unwrap();
        assert_eq!(back, o, "{json}");
        assert_eq!(
            social_credit::subject::with_whole_identifiers(|| serde_json::to_string(&back))
                .unwrap(),
            json
        );
    }
}

#[test]
fn the_stored_form_is_readable() {
    let o = &at_each_stage()[3];
    let v = serde_json::to_value(o).unwrap();
    assert_eq!(
        v["receipt"],
        serde_json::json!({"channel": "written", "on": "2019-09-27"})
    );
    assert_eq!(v["forwarded"]["to"], "social_affairs");
    assert_eq!(v["about"], serde_json::json!({"item": "record", "id": 1}));
    assert_eq!(v["applicant"], serde_json::json!({"applicant": "subject"}));
    assert_eq!(v["opinion"]["submitted_on"], "2019-10-09");
    assert_eq!(v["notified"]["outcome"]["decision"], "corrected");
    assert_eq!(v["notified"]["outcome"]["corrected"]["fine"], "1500.50");
    assert!(v.get("closed").is_none());
    let online = Receipt::Online {
        at: Utc.with_ymd_and_hms(2019, 9, 27, 16, 30, 0).unwrap(),
    };
    assert_eq!(
        serde_json::to_value(online).unwrap(),
        serde_json::json!({"channel": "online", "at": "2019-09-27T16:30:00Z"})
    );
}

#[test]
fn a_stored_objection_that_breaks_the_rules_does_not_load() {
    let closed = serde_json::to_value(&at_each_stage()[5]).unwrap();
    let mut early_close = closed.clone();
    early_close["closed"]["on"] = serde_json::json!("2019-10-01");
    let err = serde_json::from_value::<Objection>(early_close).unwrap_err();
    assert!(
        err.to_string().contains("before the previous step"),
        "{err}"
    );

    let mut early_reply = closed.clone();
    early_reply["replied"]["on"] = serde_json::json!("2019-10-08");
    assert!(serde_json::from_value::<Objection>(early_reply).is_err());

    let mut received_before_submitted = closed.clone();
    received_before_submitted["opinion"]["submitted_on"] = serde_json::json!("2019-10-10");
    assert!(serde_json::from_value::<Objection>(received_before_submitted).is_err());

    let mut two_items = closed.clone();
    two_items["record"] = serde_json::json!(1);
    assert!(serde_json::from_value::<Objection>(two_items).is_err());

    let mut contradicting = closed;
    contradicting["opinion"]["finding"] = serde_json::json!("not_confirmed");
    assert!(serde_json::from_value::<Objection>(contradicting).is_err());
}

#[test]
fn a_status_round_trips_through_json() {
    let cal = official();
    for o in at_each_stage() {
        let s = o.status_on(&cal, day(2019, 10, 14)).unwrap();
        let back = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(s, back);
    }
}

// ---------------------------------------------------------------------------
// The desk: what is due soon, overdue first.
// ---------------------------------------------------------------------------

#[test]
fn due_soon_lists_overdue_first_then_by_deadline() {
    let cal = official();
    // A: received Fri 27 Sep; forward_by Thu 10 Oct.
    let a = written(1, day(2019, 9, 27));
    // B: received Fri 20 Sep; forward_by = 23, 24, 25, 26, 27 Sep -> Fri 27 Sep.
    let b = written(2, day(2019, 9, 20));
    // C: received Fri 20 Sep, forwarded Mon 23 Sep; verify_by = 24, 25, 26,
    // 27, 29 (adjusted Sunday) -> Sun 29 Sep.
    let mut c = written(3, day(2019, 9, 20));
    c.forward(day(2019, 9, 23), "a", Section::SocialOrganizations)
        .unwrap();
    // D: received Tue 8 Oct; forward_by = 9, 10, 11, 12 (Sat), 14 -> Mon 14 Oct.
    let d = written(4, day(2019, 10, 8));
    // E: withdrawn; F: received after the day asked.
    let mut e = written(5, day(2019, 9, 20));
    e.withdraw(day(2019, 9, 24), "applicant").unwrap();
    let f = written(6, day(2019, 10, 11));
    let desk = [a, b, c, d, e, f];

    // Wed 9 Oct, within 1 working day (up to Thu 10 Oct).
    let list = due_soon(&cal, &desk, day(2019, 10, 9), 1).unwrap();
    let rows: Vec<_> = list
        .iter()
        .map(|i| {
            (
                i.status.objection.0,
                i.deadline.step,
                i.deadline.due,
                i.overdue_by,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            // (27 Sep, 9 Oct]: 29, 30 Sep, 8, 9 Oct = 4.
            (2, Step::Forward, day(2019, 9, 27), Some(4)),
            // (29 Sep, 9 Oct]: 30 Sep, 8, 9 Oct = 3.
            (3, Step::Verify, day(2019, 9, 29), Some(3)),
            (1, Step::Forward, day(2019, 10, 10), None),
        ]
    );
    // Within 3 working days (10, 11, 12 Oct): D is still not due.
    assert_eq!(due_soon(&cal, &desk, day(2019, 10, 9), 3).unwrap().len(), 3);
    // Within 4 (up to Mon 14 Oct) it is.
    let list = due_soon(&cal, &desk, day(2019, 10, 9), 4).unwrap();
    assert_eq!(list.last().unwrap().status.objection, ObjectionId(4));
}

// ---------------------------------------------------------------------------
// Outcomes and records.
// ---------------------------------------------------------------------------

fn record(id: u64) -> MisconductRecord {
    MisconductRecord {
        id: RecordId(id),
        subject: subject(),
        conduct: ConductKind::new("annual_report_late"),
        severity: Severity::General,
        graded_by: Citation::new("grading.annual_report_late", "MCA Order No. 60 (2018)"),
        section: Section::SocialOrganizations,
        occurred_on: day(2019, 6, 1),
        ended_on: Some(day(2019, 6, 3)),
        recorded_on: day(2019, 7, 1),
        decision: None,
        content: Some(RecordContent {
            description: "annual report not filed".into(),
            legal_basis: "MCA Order No. 60 (2018) art. 17".into(),
            evidence: vec!["新民社〔2019〕12号".into()],
            fine: None,
        }),
        corrected: None,
        corrected_severity: None,
        history: Vec::new(),
    }
}

#[test]
fn an_open_objection_changes_nothing_about_the_record() {
    let cal = official();
    let r = record(1);
    let mut o = written(1, day(2019, 9, 27));
    let policy = ObjectionPolicy::default();
    assert_eq!(policy.basis.source, "plan §6(3)");
    for on in day(2019, 9, 27).iter_days().take(30) {
        if on == day(2019, 10, 8) {
            o.forward(on, "a", Section::SocialOrganizations).unwrap();
        }
        assert!(o.status_on(&cal, on).is_ok());
        assert!(o.under_review_on(on));
        let answer = policy.suspends_sanctions(&o, r.id, on);
        assert!(!answer.suspended);
        assert_eq!(
            answer.basis,
            Citation::new("objection.no_suspension", "plan §6(3)")
        );
        assert_eq!(r.status_on(on), Some(RecordStatus::Active));
    }
    assert_eq!(o.record_change(), None);
    assert_eq!(r, record(1));
}

#[test]
fn a_suspending_policy_suspends_only_while_under_review() {
    let rule = Citation::new("objection.suspend_while_checked", "provincial rule");
    let policy = ObjectionPolicy::suspending(rule.clone());
    let mut o = written(1, day(2019, 9, 27));
    o.forward(day(2019, 10, 8), "a", Section::SocialOrganizations)
        .unwrap();
    o.receive_opinion(day(2019, 10, 9), "b", Finding::NotConfirmed, "")
        .unwrap();
    o.notify(day(2019, 10, 10), "a", kept()).unwrap();
    let suspended = |on| policy.suspends_sanctions(&o, RecordId(1), on).suspended;
    assert!(!suspended(day(2019, 9, 26)));
    assert!(suspended(day(2019, 9, 27)));
    assert!(suspended(day(2019, 10, 9)));
    assert!(!suspended(day(2019, 10, 10)));
    assert!(
        !policy
            .suspends_sanctions(&o, RecordId(2), day(2019, 10, 1))
            .suspended
    );
    assert_eq!(
        policy
            .suspends_sanctions(&o, RecordId(1), day(2019, 10, 1))
            .basis,
        rule
    );
}

#[test]
fn a_confirmed_error_corrects_the_record_beside_the_original() {
    let stages = at_each_stage();
    let notified = &stages[3];
    let change = notified.record_change().unwrap();
    assert_eq!(change.record, RecordId(1));
    assert_eq!(change.change.status, RecordStatus::Corrected);
    assert_eq!(change.change.on, day(2019, 10, 9));
    assert_eq!(
        change.change.basis,
        Citation::new("objection.correct", "plan §6(3)")
    );

    let mut r = record(1);
    change.apply_to(&mut r).unwrap();
    assert_eq!(r.status(), RecordStatus::Corrected);
    assert_eq!(r.content, record(1).content, "the original is kept");
    assert_eq!(
        r.effective_content().unwrap().description,
        "annual report filed 3 days late"
    );
    assert_eq!(r.status_on(day(2019, 10, 8)), Some(RecordStatus::Active));
    assert_eq!(r.status_on(day(2019, 10, 9)), Some(RecordStatus::Corrected));

    // Another record is refused, unchanged.
    let mut other = record(2);
    assert_eq!(
        change.apply_to(&mut other),
        Err(ObjectionError::RecordMismatch {
            expected: RecordId(1),
            found: RecordId(2)
        })
    );
    assert_eq!(other, record(2));
}

#[test]
fn a_confirmed_error_can_revoke_and_a_kept_record_changes_nothing() {
    let mut o = written(1, day(2019, 9, 27));
    o.forward(day(2019, 10, 8), "a", Section::SocialOrganizations)
        .unwrap();
    let mut keep = o.clone();
    o.receive_opinion(day(2019, 10, 9), "b", Finding::ErrorConfirmed, "")
        .unwrap();
    o.notify(
        day(2019, 10, 10),
        "a",
        Outcome::Revoked {
            reasons: "filed on time".into(),
        },
    )
    .unwrap();
    let mut r = record(1);
    o.record_change().unwrap().apply_to(&mut r).unwrap();
    assert_eq!(r.status(), RecordStatus::Revoked);
    assert_eq!(r.history.len(), 1);
    assert_eq!(
        r.history[0].basis,
        Citation::new("objection.revoke", "plan §6(3)")
    );
    assert!(r.content.is_some(), "nothing deleted");

    keep.receive_opinion(day(2019, 10, 9), "b", Finding::NotConfirmed, "")
        .unwrap();
    keep.notify(day(2019, 10, 10), "a", kept()).unwrap();
    assert_eq!(keep.record_change(), None);
    assert_eq!(keep.outcome().unwrap().reasons(), kept().reasons());
}

// ---------------------------------------------------------------------------
// Properties over every receipt day of the official calendar.
// ---------------------------------------------------------------------------

/// A receipt day in 2004-01-01..=2026-11-30.
fn receipt_day() -> impl Strategy<Value = NaiveDate> {
    let first = day(2004, 1, 1);
    let span = (day(2026, 11, 30) - first).num_days();
    (0..=span).prop_map(move |n| first + chrono::Days::new(n.unsigned_abs()))
}

/// The nth working day after `date` by a plain day-by-day loop over
/// `is_working_day`.
fn naive_add(cal: &impl WorkCalendar, date: NaiveDate, n: u32) -> NaiveDate {
    common::naive_add(cal, date, n).unwrap()
}

/// Runs a step, or rejects the case when a count leaves the calendar.
fn within<T>(r: Result<T, CalendarError>) -> Result<T, TestCaseError> {
    r.map_err(|e| TestCaseError::reject(e.to_string()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn deadlines_are_working_days_in_order_and_match_a_naive_count(r in receipt_day()) {
        let cal = official();
        let d = deadlines(&cal, r).unwrap();
        let (forward_by, reply_by) = (d.forward_by.unwrap(), d.reply_by.unwrap());
        prop_assert!(cal.is_working_day(forward_by).unwrap());
        prop_assert!(cal.is_working_day(reply_by).unwrap());
        prop_assert!(r < forward_by && forward_by <= reply_by);
        prop_assert_eq!(forward_by, naive_add(&cal, r, 5));
        prop_assert_eq!(reply_by, naive_add(&cal, r, 12));
        prop_assert_eq!(cal.working_days_between(r, reply_by).unwrap(), 12);
    }

    #[test]
    fn a_chain_on_time_by_each_step_is_done_by_reply_by(
        r in receipt_day(),
        a in 0u32..=5,
        b in 0u32..=5,
        c in 0u32..=2,
    ) {
        let cal = official();
        let mut o = written(1, r);
        let forwarded = cal.add_working_days(r, a).unwrap();
        o.forward(forwarded, "a", Section::SocialAffairs).unwrap();
        let opinion = cal.add_working_days(forwarded, b).unwrap();
        o.receive_opinion(opinion, "b", Finding::NotConfirmed, "").unwrap();
        let notified = cal.add_working_days(opinion, c).unwrap();
        o.notify(notified, "a", kept()).unwrap();
        o.reply(notified, "a", "filed late").unwrap();
        o.close(notified, "a").unwrap();

        let d = o.deadlines(&cal).unwrap();
        let (verify_by, notify_by) = (d.verify_by.unwrap(), d.notify_by.unwrap());
        let (forward_by, reply_by) = (d.forward_by.unwrap(), d.reply_by.unwrap());
        for due in [forward_by, verify_by, notify_by, reply_by] {
            prop_assert!(cal.is_working_day(due).unwrap());
        }
        prop_assert_eq!(verify_by, naive_add(&cal, forwarded, 5));
        prop_assert_eq!(d.notify_clock.unwrap(), naive_add(&cal, opinion, 2));
        prop_assert!(forwarded <= forward_by && opinion <= verify_by);
        // 5 + 5 + 2 <= 12: the reply limit never binds a chain on time.
        prop_assert_eq!(d.notify_clock, Some(notify_by));
        prop_assert!(notified <= notify_by && notify_by <= reply_by);

        let s = o.status_on(&cal, reply_by).unwrap();
        prop_assert_eq!(s.stage, Stage::Closed);
        prop_assert!(s.overdue.is_empty(), "{:?}", s.overdue);

        let json = serde_json::to_string(&o).unwrap();
        prop_assert_eq!(serde_json::from_str::<Objection>(&json).unwrap(), o);
    }

    #[test]
    fn a_late_step_is_overdue_by_exactly_its_lateness(
        r in receipt_day(),
        late_step in 0usize..4,
        late in 1u32..=10,
    ) {
        let cal = official();
        let mut o = written(1, r);
        // Each step before the late one on its last day.
        for step in &Step::TIMED[..late_step] {
            let due = within(o.deadlines(&cal))?.of(*step).unwrap().due;
            match step {
                Step::Forward => o.forward(due, "a", Section::SocialAffairs).unwrap(),
                Step::Verify => o.receive_opinion(due, "b", Finding::NotConfirmed, "").unwrap(),
                _ => o.notify(due, "a", kept()).unwrap(),
            }
        }
        let step = Step::TIMED[late_step];
        let due = within(o.deadlines(&cal))?.of(step).unwrap().due;
        let done = within(cal.add_working_days(due, late))?;

        // Not done: overdue by the working days from the deadline to the day asked.
        let s = within(o.status_on(&cal, done).map_err(|e| match e {
            ObjectionError::Calendar(c) => c,
            other => panic!("{other}"),
        }))?;
        let entry = s.overdue.iter().find(|l| l.deadline.step == step).unwrap();
        prop_assert_eq!(entry.done_on, None);
        prop_assert_eq!(entry.working_days, i64::from(late));
        prop_assert!(s.is_overdue());

        // Done late: late by exactly the same.
        match step {
            Step::Forward => o.forward(done, "a", Section::SocialAffairs).unwrap(),
            Step::Verify => o.receive_opinion(done, "b", Finding::NotConfirmed, "").unwrap(),
            Step::Notify => o.notify(done, "a", kept()).unwrap(),
            _ => o.reply(done, "a", "filed late").unwrap(),
        }
        let s = within(o.status_on(&cal, done).map_err(|e| match e {
            ObjectionError::Calendar(c) => c,
            other => panic!("{other}"),
        }))?;
        let entry = s.overdue.iter().find(|l| l.deadline.step == step).unwrap();
        prop_assert_eq!(entry.done_on, Some(done));
        prop_assert_eq!(entry.working_days, i64::from(late));
        // The steps before it were on time.
        prop_assert!(s.overdue.iter().all(|l| l.deadline.step >= step));
    }
}

// ---------------------------------------------------------------------------
// Hand-worked deadlines (tests/data/objection_deadlines.toml): National Day
// 2019, Spring Festival 2020 and the 2026 year end, every deadline, with an
// applicant who is not the credit subject.
// ---------------------------------------------------------------------------

#[derive(Debug, serde::Deserialize)]
struct DeadlineTable {
    case: Vec<DeadlineCase>,
}

#[derive(Debug, serde::Deserialize)]
struct DeadlineCase {
    name: String,
    clause: String,
    applicant: Capacity,
    to: Section,
    received: NaiveDate,
    forward_by: NaiveDate,
    forwarded: NaiveDate,
    verify_by: NaiveDate,
    submitted: NaiveDate,
    opinion_received: NaiveDate,
    notify_clock: NaiveDate,
    notify_by: NaiveDate,
    notify_rule: String,
    reply_by: NaiveDate,
}

fn deadline_cases() -> Vec<DeadlineCase> {
    let text = include_str!("data/objection_deadlines.toml");
    toml::from_str::<DeadlineTable>(text).unwrap().case
}

#[test]
fn hand_worked_deadlines_with_a_distinct_applicant() {
    let cal = official();
    let cases = deadline_cases();
    assert!(cases.len() >= 6);
    for c in cases {
        let ctx = format!("{} ({})", c.name, c.clause);
        let applicant = Applicant::Representative {
            capacity: c.applicant,
            reference: format!("file-{}", c.received),
        };
        let mut o = written(1, c.received).with_applicant(applicant.clone());
        assert!(!o.applicant().is_subject());
        let d = o.deadlines(&cal).unwrap();
        assert_eq!(
            (d.forward_by, d.reply_by),
            (Some(c.forward_by), Some(c.reply_by)),
            "{ctx}"
        );
        assert_eq!(d.forward().unwrap().basis.rule, "objection.forward_by");
        o.forward(c.forwarded, "王芳 Wang Fang", c.to).unwrap();
        assert_eq!(
            o.deadlines(&cal).unwrap().verify_by,
            Some(c.verify_by),
            "{ctx}"
        );
        o.receive_opinion_submitted(
            c.submitted,
            c.opinion_received,
            "李强 Li Qiang",
            Finding::NotConfirmed,
            "",
        )
        .unwrap();
        let d = o.deadlines(&cal).unwrap();
        assert_eq!(d.notify_clock, Some(c.notify_clock), "{ctx}");
        assert_eq!(d.notify_by, Some(c.notify_by), "{ctx}");
        assert_eq!(d.notify().unwrap().basis.rule, c.notify_rule, "{ctx}");

        // The two acts: to whom, by when.
        let [notify, reply] = o.answers_on(&cal, c.opinion_received).unwrap();
        assert_eq!(
            (notify.step, notify.recipient),
            (Step::Notify, Recipient::Applicant)
        );
        assert_eq!(notify.deadline.unwrap().due, c.notify_by, "{ctx}");
        assert_eq!(
            (reply.step, reply.recipient),
            (Step::Reply, Recipient::Subject)
        );
        assert_eq!(reply.deadline.unwrap().due, c.reply_by, "{ctx}");

        // Both acts on their last day: nothing is late, whoever answers.
        o.notify(c.notify_by, "王芳 Wang Fang", kept()).unwrap();
        o.reply(c.reply_by, "王芳 Wang Fang", "the record stands")
            .unwrap();
        let s = o.status_on(&cal, c.reply_by).unwrap();
        assert!(
            s.overdue
                .iter()
                .all(|l| l.deadline.step == Step::Forward || l.deadline.step == Step::Verify),
            "{ctx}: {:?}",
            s.overdue
        );
        for late in &s.overdue {
            // Only the cases built late on purpose: forward or verify.
            assert!(late.done_on.is_some(), "{ctx}");
        }
        let [notify, reply] = o.answers_on(&cal, c.reply_by).unwrap();
        assert_eq!(notify.done_on, Some(c.notify_by));
        assert_eq!(reply.done_on, Some(c.reply_by));

        // One day late for each act: late by one working day.
        let mut late = o.clone();
        late = {
            let json = serde_json::to_value(&late).unwrap();
            let mut json = json;
            json.as_object_mut().unwrap().remove("notified");
            json.as_object_mut().unwrap().remove("replied");
            serde_json::from_value::<Objection>(json).unwrap()
        };
        let day_after = cal.add_working_days(c.notify_by, 1);
        if let Ok(after) = day_after {
            let s = late.status_on(&cal, after).unwrap();
            let notify = s
                .overdue
                .iter()
                .find(|l| l.deadline.step == Step::Notify)
                .unwrap();
            assert_eq!(notify.working_days, 1, "{ctx}");
            assert_eq!(notify.section, Section::Office);
        }
    }
}

#[test]
fn the_table_cases_on_the_reply_limit_are_late_once_it_passes() {
    // "2026 year end: received Monday 14 December": notify_by is Wed 30 Dec
    // under the 12-day limit; a notification on Thu 31 Dec, inside its own
    // 2-day clock, is one working day late, and so is a reply that day.
    let cal = official();
    let c = deadline_cases()
        .into_iter()
        .find(|c| c.received == day(2026, 12, 14))
        .unwrap();
    let mut o = written(7, c.received);
    o.forward(c.forwarded, "a", c.to).unwrap();
    o.receive_opinion_submitted(
        c.submitted,
        c.opinion_received,
        "b",
        Finding::NotConfirmed,
        "",
    )
    .unwrap();
    o.notify(day(2026, 12, 31), "a", kept()).unwrap();
    o.reply(day(2026, 12, 31), "a", "").unwrap();
    let s = o.status_on(&cal, day(2026, 12, 31)).unwrap();
    let late: Vec<_> = s
        .overdue
        .iter()
        .map(|l| (l.deadline.step, l.working_days, l.section))
        .collect();
    assert_eq!(
        late,
        [
            (Step::Notify, 1, Section::Office),
            (Step::Reply, 1, Section::Office)
        ]
    );
}

// ---------------------------------------------------------------------------
// Objections stored by version 0.1 (tests/data/objection/v0_1_stored.json,
// written by that version with its deadlines beside each objection).
// ---------------------------------------------------------------------------

#[test]
fn objections_stored_by_version_0_1_load_with_the_same_deadlines() {
    let cal = official();
    let stored: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("data/objection/v0_1_stored.json")).unwrap();
    assert_eq!(stored.len(), 6);
    for entry in stored {
        let o: Objection = serde_json::from_value(entry["objection"].clone()).unwrap();
        let before: Deadlines = serde_json::from_value(entry["deadlines"].clone()).unwrap();
        assert_eq!(o.deadlines(&cal).unwrap(), before, "{}", o.id());
        assert_eq!(o.applicant(), &Applicant::Subject);
        assert_eq!(
            o.item(),
            CreditItem::Record(RecordId(entry["objection"]["record"].as_u64().unwrap()))
        );
        // One letter was both acts: the reply is dated with the notification.
        if let Some(n) = o.notified() {
            let r = o.replied().unwrap();
            assert_eq!((r.on, r.by.as_str()), (n.on, n.by.as_str()));
            assert_eq!(r.reasons, n.outcome.reasons());
        } else {
            assert!(o.replied().is_none());
        }
        if let Some(op) = o.opinion() {
            assert_eq!(op.submitted_on, op.on);
        }
        // Saved again (the storage representation, issue 13), it uses the
        // new form and loads back the same.
        let stored =
            social_credit::subject::with_whole_identifiers(|| serde_json::to_string(&o)).unwrap();
        let again: Objection = serde_json::from_str(&stored).unwrap();
        assert_eq!(again, o);
    }
}

// ---------------------------------------------------------------------------
// Any credit information: list entries and commitments.
// ---------------------------------------------------------------------------

fn listed_entry() -> ListEntry {
    ListEntry::new(subject(), ListKind::ActivityAbnormal, day(2019, 7, 1))
}

fn pledge() -> Commitment {
    Commitment {
        id: CommitmentId(4),
        subject: subject(),
        kind: CommitmentKind::Credit,
        text: "we pledge to file on time".into(),
        signed_on: day(2019, 6, 1),
        published_on: Some(day(2019, 6, 3)),
        fulfilled_on: None,
        withdrawn_on: None,
        corrected_text: None,
    }
}

fn decided(item: CreditItem, outcome: Outcome) -> Result<Objection, ObjectionError> {
    let mut o = Objection::receive(
        ObjectionId(3),
        item,
        subject(),
        Receipt::Written {
            on: day(2019, 9, 27),
        },
        "王芳 Wang Fang",
        "listed in error",
    )
    .with_applicant(Applicant::Representative {
        capacity: Capacity::LegalRepresentative,
        reference: "XZMZ-2019-88".into(),
    });
    o.forward(day(2019, 10, 8), "a", Section::SocialOrganizations)?;
    o.receive_opinion(day(2019, 10, 9), "b", outcome.finding(), "")?;
    o.notify(day(2019, 10, 10), "a", outcome)?;
    Ok(o)
}

#[test]
fn a_revoked_listing_ends_on_the_day_of_the_decision() {
    let o = decided(
        CreditItem::ListEntry(ListEntryId(2)),
        Outcome::Revoked {
            reasons: "the annual report was filed".into(),
        },
    )
    .unwrap();
    assert_eq!(o.record_change(), None);
    let Some(ItemChange::ListEntry(change)) = o.item_change() else {
        panic!("{:?}", o.item_change());
    };
    assert_eq!(
        change.basis,
        Citation::new("objection.revoke", "plan §6(3)")
    );
    let mut entry = listed_entry();
    change.apply_to(&mut entry).unwrap();
    assert_eq!(entry.removed_on, Some(day(2019, 10, 10)));
    assert_eq!(entry.events, listed_entry().events, "nothing deleted");
    assert!(matches!(
        social_credit::lists::standing_without_lifecycle(&entry, day(2019, 10, 10)),
        social_credit::lists::Standing::Exited { .. }
    ));
    // Already off the list: refused, unchanged.
    let before = entry.clone();
    assert!(matches!(
        change.apply_to(&mut entry),
        Err(ObjectionError::ItemUnchangeable { .. })
    ));
    assert_eq!(entry, before);
}

#[test]
fn a_corrected_listing_keeps_the_original_events_beside() {
    let events = vec![ListingEvent {
        on: day(2019, 8, 1),
        rule: None,
        records: Vec::new(),
    }];
    let o = decided(
        CreditItem::ListEntry(ListEntryId(2)),
        Outcome::ListingCorrected {
            events: events.clone(),
            reasons: "listed a month early".into(),
        },
    )
    .unwrap();
    let Some(ItemChange::ListEntry(change)) = o.item_change() else {
        panic!();
    };
    let mut entry = listed_entry();
    change.apply_to(&mut entry).unwrap();
    assert_eq!(entry.events, events);
    assert_eq!(entry.corrected_from, listed_entry().events);
    assert_eq!(entry.listed_on(day(2019, 7, 15)), None);
    let before = entry.clone();
    assert!(
        change.apply_to(&mut entry).is_err(),
        "a second correction would lose the first"
    );
    assert_eq!(entry, before);

    // An empty correction corrects nothing.
    let err = decided(
        CreditItem::ListEntry(ListEntryId(2)),
        Outcome::ListingCorrected {
            events: Vec::new(),
            reasons: String::new(),
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        ObjectionError::EmptyCorrection {
            item: CreditItem::ListEntry(ListEntryId(2))
        }
    );
}

#[test]
fn a_commitment_objected_to_is_withdrawn_or_corrected() {
    let o = decided(
        CreditItem::Commitment(CommitmentId(4)),
        Outcome::Revoked {
            reasons: "signed by someone without authority".into(),
        },
    )
    .unwrap();
    let Some(ItemChange::Commitment(change)) = o.item_change() else {
        panic!();
    };
    let mut c = pledge();
    change.apply_to(&mut c).unwrap();
    assert!(c.is_published_on(day(2019, 10, 9)));
    assert!(!c.is_published_on(day(2019, 10, 10)));
    assert_eq!(c.text, pledge().text, "nothing deleted");

    let o = decided(
        CreditItem::Commitment(CommitmentId(4)),
        Outcome::CommitmentCorrected {
            text: "we pledge to file annual reports on time".into(),
            reasons: "the published text was cut short".into(),
        },
    )
    .unwrap();
    let Some(ItemChange::Commitment(change)) = o.item_change() else {
        panic!();
    };
    let mut c = pledge();
    change.apply_to(&mut c).unwrap();
    assert_eq!(
        c.effective_text(),
        "we pledge to file annual reports on time"
    );
    assert_eq!(c.text, pledge().text);
    let mut other = pledge();
    other.id = CommitmentId(5);
    assert!(change.apply_to(&mut other).is_err());
    assert_eq!(other.corrected_text, None);
}

#[test]
fn a_decision_must_fit_the_item() {
    let err = decided(
        CreditItem::ListEntry(ListEntryId(2)),
        Outcome::Corrected {
            corrected: record(1).content.unwrap(),
            severity: None,
            reasons: String::new(),
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "decision `corrected` does not apply to list entry `L2`"
    );
    assert!(decided(
        CreditItem::Record(RecordId(1)),
        Outcome::CommitmentCorrected {
            text: String::new(),
            reasons: String::new()
        }
    )
    .is_err());
    // Keeping applies to everything, and changes nothing.
    for item in [
        CreditItem::Record(RecordId(1)),
        CreditItem::ListEntry(ListEntryId(2)),
        CreditItem::Commitment(CommitmentId(4)),
    ] {
        assert_eq!(decided(item, kept()).unwrap().item_change(), None);
    }
}

#[test]
fn the_applicant_stays_out_of_debug_and_errors() {
    let o = decided(CreditItem::Record(RecordId(1)), kept()).unwrap();
    let debug = format!("{o:?}");
    assert!(debug.contains("XZMZ-2019-88"));
    assert_eq!(
        o.applicant().to_string(),
        "legal representative 法定代表人 (file `XZMZ-2019-88`)"
    );
    let json = serde_json::to_value(&o).unwrap();
    assert_eq!(
        json["applicant"],
        serde_json::json!({"applicant": "representative", "capacity": "legal_representative", "reference": "XZMZ-2019-88"})
    );
}

// ---------------------------------------------------------------------------
// Accountability (plan §6(9), §8(3)): late steps by section.
// ---------------------------------------------------------------------------

/// Four objections seen in Q4 2019 (National Day), hand-worked:
/// - O1 received Fri 27 Sep, forwarded Fri 11 Oct (forward_by Thu 10 Oct:
///   1 WD late, the Office); the Social Affairs Section submits Mon 21 Oct
///   (verify_by from 11 Oct: 12, 14, 15, 16, 17 -> Thu 17 Oct; late by
///   Fri 18, Mon 21 = 2 WD); the Office notifies and replies Tue 22 Oct
///   (notify_by = reply_by Fri 18 Oct: late by 21, 22 = 2 WD each).
/// - O2 received Tue 8 Oct, forwarded Wed 9 Oct to the Office itself,
///   nothing since: on Thu 31 Oct its opinion (verify_by from 9 Oct: 10,
///   11, 12 (Sat, worked), 14, 15 -> Tue 15 Oct) is overdue by 16, 17, 18,
///   21, 22, 23, 24, 25, 28, 29, 30, 31 Oct = 12 WD, and the notification
///   and reply (reply_by from 8 Oct: 9, 10, 11, 12, 14, 15, 16, 17, 18,
///   21, 22, 23 -> Wed 23 Oct) by 24, 25, 28, 29, 30, 31 = 6 WD.
/// - O3 received Mon 16 Sep and forwarded late on Tue 24 Sep (forward_by
///   from 16 Sep: 17, 18, 19, 20, 23 -> Mon 23 Sep): late in Q3, not
///   counted in Q4. Its section has not answered: verify_by from 24 Sep:
///   25, 26, 27, 29 (Sun, worked), 30 -> Mon 30 Sep; reply_by from 16 Sep:
///   ..., 23 (5), 24, 25, 26, 27, 29, 30 (11), 8 Oct (12) -> Tue 8 Oct.
/// - O4 withdrawn before anything was due: owes nothing.
fn quarter_desk() -> Vec<Objection> {
    let mut o1 = written(1, day(2019, 9, 27)).with_applicant(Applicant::Representative {
        capacity: Capacity::Agent,
        reference: "A-1".into(),
    });
    o1.forward(day(2019, 10, 11), "a", Section::SocialAffairs)
        .unwrap();
    o1.receive_opinion(day(2019, 10, 21), "b", Finding::NotConfirmed, "")
        .unwrap();
    o1.notify(day(2019, 10, 22), "a", kept()).unwrap();
    o1.reply(day(2019, 10, 22), "a", "").unwrap();
    let mut o2 = written(2, day(2019, 10, 8));
    o2.forward(day(2019, 10, 9), "a", Section::Office).unwrap();
    let mut o3 = written(3, day(2019, 9, 16));
    o3.forward(day(2019, 9, 24), "a", Section::ElderlyCare)
        .unwrap();
    let mut o4 = written(4, day(2019, 10, 8));
    o4.withdraw(day(2019, 10, 9), "applicant").unwrap();
    vec![o1, o2, o3, o4]
}

#[test]
fn the_desk_lists_overdue_steps_by_section() {
    let cal = official();
    let desk = quarter_desk();
    let by_section = overdue_by_section(&cal, &desk, day(2019, 10, 31)).unwrap();
    let rows: Vec<_> = by_section
        .iter()
        .flat_map(|(section, steps)| {
            steps.iter().map(move |s| {
                (
                    *section,
                    s.objection.0,
                    s.overdue.deadline.step,
                    s.overdue.working_days,
                )
            })
        })
        .collect();
    assert_eq!(
        rows,
        [
            // Most overdue first. O3's answers: (8 Oct, 31 Oct] = 9, 10, 11,
            // 12, 14 .. 18, 21 .. 25, 28 .. 31 = 18.
            (Section::Office, 3, Step::Notify, 18),
            (Section::Office, 3, Step::Reply, 18),
            (Section::Office, 2, Step::Verify, 12),
            (Section::Office, 2, Step::Notify, 6),
            (Section::Office, 2, Step::Reply, 6),
            // O3's opinion, with the Elderly Care Section: (30 Sep, 31 Oct]
            // = 8 .. 12, 14 .. 18, 21 .. 25, 28 .. 31 Oct = 19.
            (Section::ElderlyCare, 3, Step::Verify, 19),
        ]
    );
}

#[test]
fn the_quarterly_report_counts_late_steps_per_section() {
    let cal = official();
    let desk = quarter_desk();
    let rule = ReportingRule::plan();
    let report = quarterly_report(&rule, &cal, &desk, 2019, 4).unwrap();
    assert_eq!(report.len(), 5);
    let by = |section| {
        report
            .iter()
            .find(|(r, _)| r.section == section)
            .map(|(r, l)| (r.clone(), l.clone()))
            .unwrap()
    };
    let (office_report, office) = by(Section::Office);
    assert_eq!(office_report.due_by, day(2019, 12, 31));
    assert_eq!(
        office_report.basis,
        Citation::new("reporting.quarterly", "plan §8(3) \"每季度首月1日前\"")
    );
    // The Office: O1's forwarding (1), notification (2) and reply (2).
    let steps: Vec<_> = office
        .completed_late
        .iter()
        .map(|s| (s.objection.0, s.step, s.working_days))
        .collect();
    assert_eq!(
        steps,
        [
            (1, Step::Forward, 1),
            (1, Step::Notify, 2),
            (1, Step::Reply, 2)
        ]
    );
    assert_eq!(
        (
            office.late_count(),
            office.late_working_days(),
            office.most_late()
        ),
        (3, 5, Some(2))
    );
    // Still overdue on Tue 31 Dec 2019, the most overdue first: O3's
    // answers (due 8 Oct), O2's opinion (15 Oct) and answers (23 Oct).
    let open: Vec<_> = office
        .overdue_at_end
        .iter()
        .map(|s| (s.objection.0, s.step))
        .collect();
    assert_eq!(
        open,
        [
            (3, Step::Notify),
            (3, Step::Reply),
            (2, Step::Verify),
            (2, Step::Notify),
            (2, Step::Reply)
        ]
    );
    let (_, social) = by(Section::SocialAffairs);
    assert_eq!(
        social
            .completed_late
            .iter()
            .map(|s| (s.objection.0, s.step, s.working_days))
            .collect::<Vec<_>>(),
        [(1, Step::Verify, 2)]
    );
    let (_, approval) = by(Section::AdministrativeApproval);
    assert!(approval.completed_late.is_empty() && approval.overdue_at_end.is_empty());

    // Q3: O3's forwarding was late by one working day (Tue 24 Sep).
    let q3 = quarterly_report(&rule, &cal, &desk, 2019, 3).unwrap();
    let (_, office_q3) = q3
        .iter()
        .find(|(r, _)| r.section == Section::Office)
        .unwrap();
    assert_eq!(
        office_q3
            .completed_late
            .iter()
            .map(|s| (s.objection.0, s.step, s.working_days))
            .collect::<Vec<_>>(),
        [(3, Step::Forward, 1)]
    );
    assert_eq!(
        quarterly_report(&rule, &cal, &desk, 2019, 5).unwrap_err(),
        ObjectionError::NoSuchQuarter {
            year: 2019,
            quarter: 5
        }
    );
}

// ---------------------------------------------------------------------------
// Properties of the two acts, the order of steps and the stored form.
// ---------------------------------------------------------------------------

/// An objection with every step on a random working-day offset (late ones
/// included), the opinion received `lag` working days after it was
/// submitted, the applicant not the subject.
fn chain(
    cal: &ChinaCalendar,
    r: NaiveDate,
    offsets: [u32; 5],
) -> Result<(Objection, [NaiveDate; 5]), TestCaseError> {
    let [a, b, lag, c, e] = offsets;
    let forwarded = within(cal.add_working_days(r, a))?;
    let submitted = within(cal.add_working_days(forwarded, b))?;
    let received = within(cal.add_working_days(submitted, lag))?;
    let notified = within(cal.add_working_days(received, c))?;
    let replied = within(cal.add_working_days(notified, e))?;
    let mut o = written(1, r).with_applicant(Applicant::Representative {
        capacity: Capacity::Agent,
        reference: "P-1".into(),
    });
    o.forward(forwarded, "a", Section::SocialAffairs).unwrap();
    o.receive_opinion_submitted(submitted, received, "b", Finding::NotConfirmed, "")
        .unwrap();
    o.notify(notified, "a", kept()).unwrap();
    o.reply(replied, "a", "filed late").unwrap();
    Ok((o, [forwarded, submitted, received, notified, replied]))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_notification_and_the_reply_keep_their_limits(
        r in receipt_day(),
        offsets in [0u32..=8, 0u32..=8, 0u32..=3, 0u32..=4, 0u32..=4],
    ) {
        let cal = official();
        let (o, [_, _, received, notified, replied]) = chain(&cal, r, offsets)?;
        let d = within(o.deadlines(&cal))?;
        let notify_by = d.notify_by.unwrap();
        let Some(reply_by) = d.reply_by else {
            return Err(TestCaseError::reject("the reply limit is past the calendar"));
        };
        // Never later than the Office's receipt of the opinion + 2 WD.
        prop_assert!(notify_by <= naive_add(&cal, received, 2));
        prop_assert_eq!(d.notify_clock, Some(naive_add(&cal, received, 2)));
        // Never later than receipt + 12 WD; the reply exactly that.
        prop_assert!(notify_by <= reply_by);
        prop_assert_eq!(reply_by, naive_add(&cal, r, 12));
        prop_assert!(cal.is_working_day(notify_by).unwrap());
        // Each act is late exactly when done after its own deadline.
        let s = within(o.status_on(&cal, replied).map_err(|e| match e {
            ObjectionError::Calendar(c) => c,
            other => panic!("{other}"),
        }))?;
        let late = |step| s.overdue.iter().any(|l| l.deadline.step == step);
        prop_assert_eq!(late(Step::Notify), notified > notify_by);
        prop_assert_eq!(late(Step::Reply), replied > reply_by);
        prop_assert!(s.overdue.iter().all(|l| l.done_on.is_some()));
    }

    #[test]
    fn a_step_dated_before_the_step_it_follows_is_refused(
        r in receipt_day(),
        offsets in [0u32..=6, 0u32..=6, 0u32..=2, 0u32..=3, 0u32..=3],
        done in 0usize..5,
        back in 1u64..=20,
    ) {
        let cal = official();
        let (full, dates) = chain(&cal, r, offsets)?;
        // Replay the first `done` steps, then try the next one too early.
        let mut o = written(1, r).with_applicant(full.applicant().clone());
        let [forwarded, submitted, received, notified, _] = dates;
        if done > 0 { o.forward(forwarded, "a", Section::SocialAffairs).unwrap(); }
        if done > 1 { o.receive_opinion_submitted(submitted, received, "b", Finding::NotConfirmed, "").unwrap(); }
        if done > 2 { o.notify(notified, "a", kept()).unwrap(); }
        if done > 3 { o.reply(dates[4], "a", "").unwrap(); }
        let previous = [r, forwarded, received, notified, dates[4]][done];
        let early = previous - chrono::Days::new(back);
        let before = o.clone();
        let result = match done {
            0 => o.forward(early, "a", Section::SocialAffairs),
            1 => o.receive_opinion_submitted(early, early, "b", Finding::NotConfirmed, ""),
            2 => o.notify(early, "a", kept()),
            3 => o.reply(early, "a", ""),
            _ => o.close(early, "a"),
        };
        let is_date_before_previous = matches!(result, Err(ObjectionError::DateBeforePrevious { .. }));
        prop_assert!(is_date_before_previous, "{:?}", result);
        prop_assert_eq!(&o, &before);
        // An opinion received before it was submitted is refused too.
        if done == 1 {
            let result = o.receive_opinion_submitted(submitted, submitted - chrono::Days::new(back), "b", Finding::NotConfirmed, "");
            let is_received_before = matches!(result, Err(ObjectionError::OpinionReceivedBeforeSubmitted { .. }));
            prop_assert!(is_received_before, "{:?}", result);
            prop_assert_eq!(&o, &before);
        }
    }

    #[test]
    fn the_version_0_1_form_loads_with_the_same_deadlines(
        r in receipt_day(),
        offsets in [0u32..=8, 0u32..=8, 0u32..=3],
        stage in 0usize..4,
    ) {
        // What version 0.1 could store: a record, the subject applying, the
        // opinion submitted and received the same day, one letter for both acts.
        let cal = official();
        let [a, b, c] = offsets;
        let mut o = written(1, r);
        let forwarded = within(cal.add_working_days(r, a))?;
        let opinion = within(cal.add_working_days(forwarded, b))?;
        let notified = within(cal.add_working_days(opinion, c))?;
        if stage > 0 { o.forward(forwarded, "a", Section::SocialAffairs).unwrap(); }
        if stage > 1 { o.receive_opinion(opinion, "b", Finding::NotConfirmed, "").unwrap(); }
        if stage > 2 {
            o.notify(notified, "a", kept()).unwrap();
            o.reply(notified, "a", kept().reasons()).unwrap();
        }
        let mut legacy = serde_json::to_value(&o).unwrap();
        let map = legacy.as_object_mut().unwrap();
        map.remove("about");
        map.remove("applicant");
        map.remove("replied");
        map.insert("record".into(), serde_json::json!(1));
        if let Some(op) = map.get_mut("opinion") {
            op.as_object_mut().unwrap().remove("submitted_on");
        }
        let loaded: Objection = serde_json::from_value(legacy).unwrap();
        prop_assert_eq!(&loaded, &o);
        prop_assert_eq!(within(loaded.deadlines(&cal))?, within(o.deadlines(&cal))?);
    }
}
