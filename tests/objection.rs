//! Objections (plan §6(3), SPEC §7) as a user sees them: the deadlines on the
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
use social_credit::misconduct::{
    ConductKind, MisconductRecord, RecordContent, RecordId, RecordStatus, Section, Severity,
};
use social_credit::objection::{
    deadlines, due_soon, Deadlines, Finding, Objection, ObjectionError, ObjectionId,
    ObjectionPolicy, Outcome, Receipt, Stage, Step,
};
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
    assert_eq!(d.forward_by, day(2019, 10, 10));
    assert_eq!(d.reply_by, day(2019, 10, 18));
    assert_eq!(
        d.forward().basis,
        Citation::new("objection.forward_by", "plan §6(3)")
    );
    assert_eq!(
        d.reply().basis,
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
    assert_eq!(d.forward_by, day(2019, 10, 10));
    assert_eq!(d.reply_by, day(2019, 10, 18));

    let d = deadlines(&cal, day(2019, 9, 29)).unwrap();
    assert_eq!(d.forward_by, day(2019, 10, 11));
    assert_eq!(d.reply_by, day(2019, 10, 21));
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
        (day(2019, 10, 10), day(2019, 10, 18))
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
    assert_eq!(d.forward_by, day(2020, 2, 7));
    assert_eq!(d.reply_by, day(2020, 2, 18));

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
    assert_eq!(d.forward_by, day(2020, 1, 23));
    assert_eq!(d.reply_by, day(2020, 2, 11));
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
        (day(2026, 3, 9), day(2026, 3, 18))
    );
}

#[test]
fn a_receipt_outside_the_calendar_is_an_error() {
    let cal = official();
    assert!(matches!(
        deadlines(&cal, day(2003, 12, 31)),
        Err(CalendarError::OutOfCoverage { .. })
    ));
    // 12 working days after 28 December 2026 run past the coverage.
    assert!(deadlines(&cal, day(2026, 12, 28)).is_err());
    let o = written(1, day(2026, 12, 28));
    assert!(matches!(
        o.status_on(&cal, day(2026, 12, 29)),
        Err(ObjectionError::Calendar(_))
    ));
}

// ---------------------------------------------------------------------------
// The workflow refuses wrong moves and changes nothing.
// ---------------------------------------------------------------------------

type Move = (
    &'static str,
    fn(&mut Objection) -> Result<(), ObjectionError>,
);

/// Every move, dated 2019-10-09 unless the name says otherwise.
const MOVES: [Move; 8] = [
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
    ("close", |o| o.close(day(2019, 10, 9), "a")),
    ("withdraw", |o| o.withdraw(day(2019, 10, 9), "applicant")),
    ("withdraw early", |o| {
        o.withdraw(day(2019, 9, 26), "applicant")
    }),
];

/// An objection at each stage (received 27 Sep, forwarded 8 Oct, opinion,
/// notification and closing on 9 Oct), and one withdrawn on 8 Oct.
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
    let allowed: [&[&str]; 6] = [
        &["forward", "withdraw"],
        &["opinion", "withdraw"],
        &["notify", "withdraw"],
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
    let mut closed = stages[4].clone();
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
    let closed = serde_json::to_value(&at_each_stage()[4]).unwrap();
    let mut early_close = closed.clone();
    early_close["closed"]["on"] = serde_json::json!("2019-10-01");
    let err = serde_json::from_value::<Objection>(early_close).unwrap_err();
    assert!(
        err.to_string().contains("before the previous step"),
        "{err}"
    );

    let mut to_office = closed.clone();
    to_office["forwarded"]["to"] = serde_json::json!("office");
    assert!(serde_json::from_value::<Objection>(to_office).is_err());

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
        prop_assert!(cal.is_working_day(d.forward_by).unwrap());
        prop_assert!(cal.is_working_day(d.reply_by).unwrap());
        prop_assert!(r < d.forward_by && d.forward_by <= d.reply_by);
        prop_assert_eq!(d.forward_by, naive_add(&cal, r, 5));
        prop_assert_eq!(d.reply_by, naive_add(&cal, r, 12));
        prop_assert_eq!(cal.working_days_between(r, d.reply_by).unwrap(), 12);
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
        o.close(notified, "a").unwrap();

        let d = o.deadlines(&cal).unwrap();
        let (verify_by, notify_by) = (d.verify_by.unwrap(), d.notify_by.unwrap());
        for due in [d.forward_by, verify_by, notify_by, d.reply_by] {
            prop_assert!(cal.is_working_day(due).unwrap());
        }
        prop_assert_eq!(verify_by, naive_add(&cal, forwarded, 5));
        prop_assert_eq!(d.notify_clock.unwrap(), naive_add(&cal, opinion, 2));
        prop_assert!(forwarded <= d.forward_by && opinion <= verify_by);
        // 5 + 5 + 2 <= 12: the reply limit never binds a chain on time.
        prop_assert_eq!(d.notify_clock, Some(notify_by));
        prop_assert!(notified <= notify_by && notify_by <= d.reply_by);

        let s = o.status_on(&cal, d.reply_by).unwrap();
        prop_assert_eq!(s.stage, Stage::Closed);
        prop_assert!(s.overdue.is_empty(), "{:?}", s.overdue);

        let json = serde_json::to_string(&o).unwrap();
        prop_assert_eq!(serde_json::from_str::<Objection>(&json).unwrap(), o);
    }

    #[test]
    fn a_late_step_is_overdue_by_exactly_its_lateness(
        r in receipt_day(),
        late_step in 0usize..3,
        late in 1u32..=10,
    ) {
        let cal = official();
        let mut o = written(1, r);
        // Each step before the late one on its last day.
        for step in &Step::TIMED[..late_step] {
            let due = within(o.deadlines(&cal))?.of(*step).unwrap().due;
            match step {
                Step::Forward => o.forward(due, "a", Section::SocialAffairs).unwrap(),
                _ => o.receive_opinion(due, "b", Finding::NotConfirmed, "").unwrap(),
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
            _ => o.notify(done, "a", kept()).unwrap(),
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
