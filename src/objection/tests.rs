use super::*;
use crate::calendar::{CalendarError, WorkCalendar};
use crate::misconduct::{ConductKind, MisconductRecord, RecordContent, RecordStatus, Severity};
use crate::subject::Uscc;
use chrono::{Datelike, TimeZone, Utc, Weekday};
use std::ops::RangeInclusive;

/// Monday to Friday, no holidays: enough to test the workflow's own rules.
struct Weekdays;

impl WorkCalendar for Weekdays {
    fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(!matches!(date.weekday(), Weekday::Sat | Weekday::Sun))
    }

    fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut d = date;
        for _ in 0..n {
            d = d.succ_opt().unwrap();
            while !self.is_working_day(d)? {
                d = d.succ_opt().unwrap();
            }
        }
        Ok(d)
    }

    fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<i64, CalendarError> {
        let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let n = lo
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= hi)
            .filter(|d| self.is_working_day(*d).unwrap())
            .count();
        Ok(sign * i64::try_from(n).unwrap())
    }

    fn coverage(&self) -> RangeInclusive<NaiveDate> {
        day(2000, 1, 1)..=day(2100, 12, 31)
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn subject() -> SubjectId {
    "91350100M000100Y43".parse::<Uscc>().unwrap().into()
}

/// Received Monday 2 March 2026.
fn received() -> Objection {
    Objection::receive(
        ObjectionId(1),
        RecordId(9),
        subject(),
        Receipt::Written {
            on: day(2026, 3, 2),
        },
        "Wang Fang",
        "the report was filed on time",
    )
}

fn kept() -> Outcome {
    Outcome::Kept {
        reasons: "the report was filed late".into(),
    }
}

/// Runs a move that must fail and checks it changed nothing.
fn refused(
    o: &mut Objection,
    step: impl FnOnce(&mut Objection) -> Result<(), ObjectionError>,
) -> ObjectionError {
    let before = o.clone();
    let err = step(o).unwrap_err();
    assert_eq!(*o, before, "a refused move changed the objection");
    err
}

#[test]
fn an_online_receipt_counts_on_its_china_date() {
    let online = |h, m| Receipt::Online {
        at: Utc.with_ymd_and_hms(2019, 9, 27, h, m, 0).unwrap(),
    };
    assert_eq!(online(15, 59).date(), day(2019, 9, 27));
    assert_eq!(online(16, 0).date(), day(2019, 9, 28));
    let written = Receipt::Written {
        on: day(2019, 9, 27),
    };
    assert_eq!(written.date(), day(2019, 9, 27));
}

#[test]
fn steps_move_the_stage_forward() {
    let mut o = received();
    assert_eq!(o.stage(), Stage::Received);
    o.forward(day(2026, 3, 3), "Wang Fang", Section::SocialOrganizations)
        .unwrap();
    assert_eq!(o.stage(), Stage::Forwarded);
    o.receive_opinion(day(2026, 3, 5), "Li Qiang", Finding::NotConfirmed, "late")
        .unwrap();
    assert_eq!(o.stage(), Stage::OpinionReceived);
    o.notify(day(2026, 3, 5), "Wang Fang", kept()).unwrap();
    assert_eq!(o.stage(), Stage::Notified);
    o.reply(day(2026, 3, 6), "Wang Fang", "the report was filed late")
        .unwrap();
    assert_eq!(o.stage(), Stage::Replied);
    o.close(day(2026, 3, 6), "Wang Fang").unwrap();
    assert_eq!(o.stage(), Stage::Closed);
    assert_eq!(o.stage_on(day(2026, 3, 1)), None);
    assert_eq!(o.stage_on(day(2026, 3, 4)), Some(Stage::Forwarded));
    assert_eq!(o.stage_on(day(2026, 3, 5)), Some(Stage::Notified));
    assert_eq!(o.record_change(), None);
}

#[test]
fn out_of_order_steps_are_refused() {
    let mut o = received();
    let on = day(2026, 3, 4);
    assert_eq!(
        refused(&mut o, |o| o.receive_opinion(
            on,
            "Li",
            Finding::NotConfirmed,
            ""
        )),
        ObjectionError::OutOfOrder {
            step: Step::Verify,
            requires: Step::Forward
        }
    );
    assert_eq!(
        refused(&mut o, |o| o.notify(on, "Wang", kept())),
        ObjectionError::OutOfOrder {
            step: Step::Notify,
            requires: Step::Verify
        }
    );
    assert_eq!(
        refused(&mut o, |o| o.reply(on, "Wang", "")),
        ObjectionError::OutOfOrder {
            step: Step::Reply,
            requires: Step::Notify
        }
    );
    let err = refused(&mut o, |o| o.close(on, "Wang"));
    assert_eq!(
        err.to_string(),
        "cannot close the objection yet: first reply to the credit subject"
    );
}

#[test]
fn a_step_twice_is_refused() {
    let mut o = received();
    o.forward(day(2026, 3, 3), "Wang", Section::SocialAffairs)
        .unwrap();
    let err = refused(&mut o, |o| {
        o.forward(day(2026, 3, 4), "Wang", Section::SocialAffairs)
    });
    assert_eq!(
        err.to_string(),
        "cannot forward to the originating section twice: already done on 2026-03-03"
    );
}

#[test]
fn a_step_dated_before_the_previous_one_is_refused() {
    let mut o = received();
    let err = refused(&mut o, |o| {
        o.forward(day(2026, 3, 1), "Wang", Section::SocialAffairs)
    });
    assert_eq!(
        err,
        ObjectionError::DateBeforePrevious {
            step: Step::Forward,
            on: day(2026, 3, 1),
            previous: Step::Receive,
            previous_on: day(2026, 3, 2)
        }
    );
    o.forward(day(2026, 3, 4), "Wang", Section::SocialAffairs)
        .unwrap();
    let err = refused(&mut o, |o| o.withdraw(day(2026, 3, 3), "applicant"));
    assert_eq!(
        err.to_string(),
        "cannot withdraw the objection on 2026-03-03, before the previous step \
         (forward to the originating section) on 2026-03-04"
    );
}

#[test]
fn nothing_follows_closing_or_withdrawal() {
    let mut o = received();
    o.withdraw(day(2026, 3, 2), "applicant").unwrap();
    assert_eq!(o.stage(), Stage::Withdrawn);
    let err = refused(&mut o, |o| {
        o.forward(day(2026, 3, 3), "Wang", Section::SocialAffairs)
    });
    assert_eq!(
        err.to_string(),
        "cannot forward to the originating section: the objection was withdrawn on 2026-03-02"
    );
    refused(&mut o, |o| o.withdraw(day(2026, 3, 3), "applicant"));

    let mut o = received();
    o.forward(day(2026, 3, 2), "Wang", Section::SocialAffairs)
        .unwrap();
    o.receive_opinion(day(2026, 3, 2), "Li", Finding::NotConfirmed, "")
        .unwrap();
    o.notify(day(2026, 3, 2), "Wang", kept()).unwrap();
    assert_eq!(
        refused(&mut o, |o| o.withdraw(day(2026, 3, 3), "applicant")),
        ObjectionError::TooLateToWithdraw {
            notified_on: day(2026, 3, 2)
        }
    );
    o.reply(day(2026, 3, 3), "Wang", "").unwrap();
    o.close(day(2026, 3, 3), "Wang").unwrap();
    assert!(matches!(
        refused(&mut o, |o| o.notify(day(2026, 3, 4), "Wang", kept())),
        ObjectionError::Finished {
            stage: Stage::Closed,
            ..
        }
    ));
}

#[test]
fn the_office_may_verify_its_own_item() {
    // plan §3(1), §4(1), §4(2), §5(1), §5(3), §6(2) make the Office a
    // responsible section: it forwards to itself and has the same 5 days.
    let mut o = received();
    o.forward(day(2026, 3, 3), "Wang", Section::Office).unwrap();
    assert_eq!(o.responsible(Step::Verify), Section::Office);
    let d = o.deadlines(&Weekdays).unwrap();
    assert_eq!(d.verify_by, Some(day(2026, 3, 10)));
    let s = o.status_on(&Weekdays, day(2026, 3, 11)).unwrap();
    assert_eq!(s.overdue[0].deadline.step, Step::Verify);
    assert_eq!(s.overdue[0].section, Section::Office);
}

#[test]
fn the_section_answers_for_its_opinion_and_the_office_for_the_rest() {
    let mut o = received();
    assert_eq!(o.responsible(Step::Verify), Section::Office);
    o.forward(day(2026, 3, 10), "Wang", Section::ElderlyCare)
        .unwrap();
    for step in Step::TIMED {
        let expected = if step == Step::Verify {
            Section::ElderlyCare
        } else {
            Section::Office
        };
        assert_eq!(o.responsible(step), expected, "{step}");
    }
}

#[test]
fn an_opinion_is_received_on_or_after_its_submission() {
    let mut o = received();
    o.forward(day(2026, 3, 3), "Wang", Section::SocialAffairs)
        .unwrap();
    assert_eq!(
        refused(&mut o, |o| o.receive_opinion_submitted(
            day(2026, 3, 5),
            day(2026, 3, 4),
            "Li",
            Finding::NotConfirmed,
            ""
        ))
        .to_string(),
        "the opinion cannot be received on 2026-03-04, before it was submitted on 2026-03-05"
    );
    assert!(matches!(
        refused(&mut o, |o| o.receive_opinion_submitted(
            day(2026, 3, 2),
            day(2026, 3, 4),
            "Li",
            Finding::NotConfirmed,
            ""
        )),
        ObjectionError::DateBeforePrevious {
            step: Step::Verify,
            ..
        }
    ));
    // Submitted Monday 9 March (due 10 March), received Thursday 12 March:
    // the section was on time; the notification counts from the 12th.
    o.receive_opinion_submitted(
        day(2026, 3, 9),
        day(2026, 3, 12),
        "Li",
        Finding::NotConfirmed,
        "",
    )
    .unwrap();
    assert_eq!(o.done_on(Step::Verify), Some(day(2026, 3, 9)));
    assert_eq!(o.opinion_received_on(), Some(day(2026, 3, 12)));
    assert_eq!(o.stage_on(day(2026, 3, 10)), Some(Stage::Forwarded));
    let d = o.deadlines(&Weekdays).unwrap();
    assert_eq!(d.notify_clock, Some(day(2026, 3, 16)));
    let s = o.status_on(&Weekdays, day(2026, 3, 16)).unwrap();
    assert!(s.overdue.is_empty(), "{:?}", s.overdue);
    // The notification may not come before the Office has the opinion.
    assert!(matches!(
        refused(&mut o, |o| o.notify(day(2026, 3, 11), "Wang", kept())),
        ObjectionError::DateBeforePrevious {
            previous: Step::Verify,
            ..
        }
    ));
}

#[test]
fn the_decision_follows_the_finding() {
    let mut o = received();
    o.forward(day(2026, 3, 3), "Wang", Section::SocialAffairs)
        .unwrap();
    o.receive_opinion(day(2026, 3, 4), "Li", Finding::NotConfirmed, "")
        .unwrap();
    let err = refused(&mut o, |o| {
        o.notify(
            day(2026, 3, 4),
            "Wang",
            Outcome::Revoked {
                reasons: String::new(),
            },
        )
    });
    assert_eq!(
        err.to_string(),
        "decision `revoked` contradicts the section's finding `no error found`"
    );
}

#[test]
fn deadlines_count_working_days_after_receipt() {
    // Monday 2 March 2026 + 5 = Monday 9 March; + 12 = Wednesday 18 March.
    let d = received().deadlines(&Weekdays).unwrap();
    assert_eq!(d.forward_by, Some(day(2026, 3, 9)));
    assert_eq!(d.reply_by, Some(day(2026, 3, 18)));
    assert_eq!((d.verify_by, d.notify_by), (None, None));
    assert_eq!(d.forward().map(|f| f.basis), Some(FORWARD_BASIS));
    assert_eq!(d.of(Step::Reply), d.reply());
    assert_eq!(
        d.of(Step::Notify),
        Some(Deadline {
            step: Step::Notify,
            due: day(2026, 3, 18),
            basis: REPLY_BASIS
        })
    );
}

#[test]
fn the_reply_limit_binds_a_late_opinion() {
    let mut o = received();
    // Forwarded on the last day, 9 March; verify_by 16 March; opinion in
    // on 17 March (1 day late); its own clock says 19 March, the reply
    // limit 18 March.
    o.forward(day(2026, 3, 9), "Wang", Section::SocialAffairs)
        .unwrap();
    o.receive_opinion(day(2026, 3, 17), "Li", Finding::NotConfirmed, "")
        .unwrap();
    let d = o.deadlines(&Weekdays).unwrap();
    assert_eq!(d.verify_by, Some(day(2026, 3, 16)));
    assert_eq!(d.notify_clock, Some(day(2026, 3, 19)));
    assert_eq!(d.notify_by, Some(day(2026, 3, 18)));
    assert_eq!(d.notify().unwrap().basis, REPLY_BASIS);

    let s = o.status_on(&Weekdays, day(2026, 3, 20)).unwrap();
    assert_eq!(s.stage, Stage::OpinionReceived);
    assert_eq!(s.reply_working_days_left, Some(-2));
    let late: Vec<_> = s
        .overdue
        .iter()
        .map(|o| (o.deadline.step, o.done_on, o.working_days))
        .collect();
    assert_eq!(
        late,
        [
            (Step::Verify, Some(day(2026, 3, 17)), 1),
            (Step::Notify, None, 2),
            (Step::Reply, None, 2)
        ]
    );
    assert!(s.is_overdue());
}

#[test]
fn status_ignores_steps_after_the_day_asked() {
    let mut o = received();
    o.forward(day(2026, 3, 10), "Wang", Section::SocialAffairs)
        .unwrap();
    let s = o.status_on(&Weekdays, day(2026, 3, 9)).unwrap();
    assert_eq!(s.stage, Stage::Received);
    assert_eq!(s.next.as_ref().map(|d| d.step), Some(Step::Forward));
    assert!(s.overdue.is_empty());
    assert_eq!(s.reply_working_days_left, Some(7));
    let s = o.status_on(&Weekdays, day(2026, 3, 10)).unwrap();
    assert_eq!(s.overdue.len(), 1);
    assert_eq!(s.overdue[0].done_on, Some(day(2026, 3, 10)));
    assert_eq!(s.overdue[0].working_days, 1);
    assert!(!s.is_overdue());
    assert_eq!(
        o.status_on(&Weekdays, day(2026, 3, 1)),
        Err(ObjectionError::BeforeReceipt {
            on: day(2026, 3, 1),
            received_on: day(2026, 3, 2)
        })
    );
}

#[test]
fn an_overdue_step_on_a_rest_day_is_late_by_zero_working_days() {
    // Received Friday 6 March 2026: forward_by is Friday 13 March, and
    // Saturday 14 March is the first day past it.
    let o = Objection::receive(
        ObjectionId(2),
        RecordId(9),
        subject(),
        Receipt::Written {
            on: day(2026, 3, 6),
        },
        "Wang",
        "",
    );
    let s = o.status_on(&Weekdays, day(2026, 3, 14)).unwrap();
    assert_eq!(s.overdue.len(), 1);
    assert_eq!(s.overdue[0].working_days, 0);
    let s = o.status_on(&Weekdays, day(2026, 3, 16)).unwrap();
    assert_eq!(s.overdue[0].working_days, 1);
}

#[test]
fn withdrawal_stops_the_clocks() {
    let mut o = received();
    o.withdraw(day(2026, 3, 11), "applicant").unwrap();
    let s = o.status_on(&Weekdays, day(2026, 4, 30)).unwrap();
    assert_eq!(s.stage, Stage::Withdrawn);
    assert!(s.next.is_none() && s.pending.is_empty());
    assert_eq!(s.reply_working_days_left, None);
    // Forwarding was due 9 March; the applicant withdrew 2 working days later.
    assert_eq!(s.overdue.len(), 1);
    assert_eq!(s.overdue[0].working_days, 2);
}

fn record() -> MisconductRecord {
    MisconductRecord {
        id: RecordId(9),
        subject: subject(),
        conduct: ConductKind::new("annual_report_late"),
        severity: Severity::General,
        graded_by: Citation::new("grading.annual_report_late", "MCA Order No. 60 (2018)"),
        section: Section::SocialOrganizations,
        occurred_on: day(2026, 1, 1),
        ended_on: None,
        recorded_on: day(2026, 2, 1),
        decision: None,
        content: Some(content("report filed late")),
        corrected: None,
        corrected_severity: None,
        history: Vec::new(),
    }
}

fn content(description: &str) -> RecordContent {
    RecordContent {
        description: description.into(),
        legal_basis: "MCA Order No. 60 (2018)".into(),
        evidence: vec!["XZ-2026-001".into()],
        fine: None,
    }
}

fn decided(outcome: Outcome) -> Objection {
    let mut o = received();
    o.forward(day(2026, 3, 3), "Wang", Section::SocialOrganizations)
        .unwrap();
    o.receive_opinion(day(2026, 3, 4), "Li", outcome.finding(), "")
        .unwrap();
    o.notify(day(2026, 3, 5), "Zhao Min", outcome).unwrap();
    o
}

#[test]
fn a_correction_keeps_the_original_beside_it() {
    let o = decided(Outcome::Corrected {
        corrected: content("report filed 3 days late"),
        severity: None,
        reasons: "the date was wrong".into(),
    });
    let change = o.record_change().unwrap();
    assert_eq!(change.change.status, RecordStatus::Corrected);
    assert_eq!(change.change.on, day(2026, 3, 5));
    assert_eq!(change.change.by, "Zhao Min");
    assert_eq!(change.change.basis, CORRECT_BASIS);
    let mut r = record();
    change.apply_to(&mut r).unwrap();
    assert_eq!(r.status(), RecordStatus::Corrected);
    assert_eq!(r.content, record().content);
    assert_eq!(
        r.effective_content().unwrap().description,
        "report filed 3 days late"
    );
    // A second correction would lose the first: refused, record unchanged.
    let before = r.clone();
    assert!(matches!(
        change.apply_to(&mut r),
        Err(ObjectionError::RecordUnchangeable { .. })
    ));
    assert_eq!(r, before);
}

#[test]
fn a_revocation_appends_to_the_history() {
    let o = decided(Outcome::Revoked {
        reasons: "filed on time".into(),
    });
    let change = o.record_change().unwrap();
    let mut r = record();
    change.apply_to(&mut r).unwrap();
    assert_eq!(r.status(), RecordStatus::Revoked);
    assert_eq!(r.history.len(), 1);
    assert_eq!(r.content, record().content);
    assert_eq!(r.status_on(day(2026, 3, 4)), Some(RecordStatus::Active));
    let before = r.clone();
    assert_eq!(
        change.apply_to(&mut r).unwrap_err().to_string(),
        "record `R9` is revoked and cannot be changed this way"
    );
    assert_eq!(r, before);
}

#[test]
fn a_change_for_another_record_is_refused() {
    let change = decided(Outcome::Revoked {
        reasons: String::new(),
    })
    .record_change()
    .unwrap();
    let mut other = record();
    other.id = RecordId(10);
    let before = other.clone();
    let err = change.apply_to(&mut other).unwrap_err();
    assert_eq!(err.to_string(), "the change is for record `R9`, not `R10`");
    assert_eq!(other, before);

    let mut late = record();
    late.recorded_on = day(2026, 3, 6);
    assert!(matches!(
        change.apply_to(&mut late),
        Err(ObjectionError::ChangeBeforeRecordHistory { .. })
    ));
}

#[test]
fn loading_replays_the_checks() {
    let o = decided(kept());
    let json = serde_json::to_value(&o).unwrap();
    let back: Objection = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, o);

    let mut no_opinion = json.clone();
    no_opinion.as_object_mut().unwrap().remove("opinion");
    let err = serde_json::from_value::<Objection>(no_opinion).unwrap_err();
    assert!(err
        .to_string()
        .contains("cannot notify the applicant yet: first submit the section's written opinion"));

    let mut backwards = json;
    backwards["notified"]["on"] = serde_json::json!("2026-03-01");
    assert!(serde_json::from_value::<Objection>(backwards).is_err());
}

#[test]
fn the_plan_suspends_nothing() {
    let o = received();
    let plan = ObjectionPolicy::default();
    let strict = ObjectionPolicy::suspending(Citation::new("objection.suspend", "some rule"));
    for offset in 0..20 {
        let on = day(2026, 2, 28) + chrono::TimeDelta::days(offset);
        assert!(!plan.suspends_sanctions(&o, RecordId(9), on).suspended);
        assert_eq!(
            strict.suspends_sanctions(&o, RecordId(9), on).suspended,
            on >= day(2026, 3, 2)
        );
        assert!(!strict.suspends_sanctions(&o, RecordId(10), on).suspended);
    }
    let done = decided(kept());
    assert!(
        strict
            .suspends_sanctions(&done, RecordId(9), day(2026, 3, 4))
            .suspended
    );
    assert!(
        !strict
            .suspends_sanctions(&done, RecordId(9), day(2026, 3, 5))
            .suspended
    );
}
