//! Personal record retention and erasure as a user sees them: plan §6(7).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use social_credit::audit::AuditAction;
use social_credit::misconduct::{
    ConductKind, MisconductRecord, RecordContent, RecordId, RecordStatus, Section, Severity,
    StatusChange,
};
use social_credit::retention::{ErasureError, RetentionPolicy};
use social_credit::{Citation, ResidentId, SubjectId, Uscc};

const PERSON: &str = "34052419800101001X";
const ORG: &str = "91350100M000100Y43";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn person() -> SubjectId {
    PERSON.parse::<ResidentId>().unwrap().into()
}

fn org() -> SubjectId {
    ORG.parse::<Uscc>().unwrap().into()
}

fn content(tag: &str) -> RecordContent {
    RecordContent {
        description: format!("{tag}: collected donations under a forged permit"),
        legal_basis: format!("{tag}: Charity Law art. 101"),
        evidence: vec![format!("{tag}: decision XZMZ-2019-0042")],
        fine: Some(Decimal::new(1234567, 2)),
    }
}

fn record(id: u64, subject: SubjectId, ended_on: Option<NaiveDate>) -> MisconductRecord {
    MisconductRecord {
        id: RecordId(id),
        subject,
        conduct: ConductKind::new("unlawful_fundraising"),
        severity: Severity::Severe,
        graded_by: Citation::new("grading.severe", "MCA Order No. 60 (2018)"),
        section: Section::SocialAffairs,
        occurred_on: day(2019, 1, 5),
        ended_on,
        recorded_on: day(2019, 2, 1),
        decision: None,
        content: Some(content("original")),
        corrected: Some(content("corrected")),
        corrected_severity: None,
        history: vec![],
    }
}

// ---- the counting rule -------------------------------------------------------

fn is_leap(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Civil Code art. 202, computed from year, month and day by hand: the
/// corresponding day five years on, or that month's last day.
fn five_years_after(d: NaiveDate) -> NaiveDate {
    let y = d.year() + 5;
    let last = days_in_month(y, d.month());
    NaiveDate::from_ymd_opt(y, d.month(), d.day().min(last)).unwrap()
}

#[test]
fn last_retained_day_is_five_calendar_years_for_every_day_1950_to_2150() {
    let policy = RetentionPolicy::default();
    let mut d = day(1950, 1, 1);
    let mut checked = 0;
    while d <= day(2150, 12, 31) {
        assert_eq!(
            policy.last_retained_day(d),
            five_years_after(d),
            "ended on {d}"
        );
        checked += 1;
        d = d.succ_opt().unwrap();
    }
    assert_eq!(checked, 73_414);
}

#[test]
fn hand_worked_days_around_leap_years_and_2100() {
    let p = RetentionPolicy::default();
    let cases = [
        // (ended on, last retained day) — plan §6(7), Civil Code arts. 201–202
        (day(2019, 7, 15), day(2024, 7, 15)),
        (day(2020, 2, 29), day(2025, 2, 28)),
        (day(2019, 2, 28), day(2024, 2, 28)),
        (day(2019, 3, 1), day(2024, 3, 1)),
        (day(2095, 2, 28), day(2100, 2, 28)), // 2100 is not a leap year
        (day(2095, 3, 1), day(2100, 3, 1)),
        (day(2096, 2, 29), day(2101, 2, 28)),
        (day(2099, 2, 28), day(2104, 2, 28)),
        (day(2099, 12, 31), day(2104, 12, 31)),
    ];
    for (ended, kept) in cases {
        assert_eq!(p.last_retained_day(ended), kept, "ended on {ended}");
        assert_eq!(p.erasure_due_from(ended), kept.succ_opt());
    }
    assert_eq!(p.last_retained_day(NaiveDate::MAX), NaiveDate::MAX);
    assert_eq!(p.erasure_due_from(NaiveDate::MAX), None);
}

// ---- the sweep ---------------------------------------------------------------

#[test]
fn sweep_selects_only_ended_personal_records_past_retention() {
    let p = RetentionPolicy::default();
    let ended = Some(day(2019, 3, 1));
    let mut erased = record(5, person(), ended);
    erased.history.push(StatusChange {
        on: day(2024, 3, 2),
        status: RecordStatus::Erased,
        by: "system".into(),
        basis: p.basis.clone(),
    });
    let mut repaired = record(6, person(), ended);
    repaired.history.push(StatusChange {
        on: day(2019, 9, 1),
        status: RecordStatus::Repaired,
        by: "Social Affairs Section".into(),
        basis: Citation::new("repair.policy_2019", "发改办财金〔2019〕527号"),
    });
    let records = vec![
        record(1, person(), ended),                 // due
        record(2, org(), ended),                    // an organization: never
        record(3, person(), None),                  // conduct continues: never
        record(4, person(), Some(day(2019, 3, 2))), // kept to 2024-03-02
        erased,                                     // already erased
        repaired,                                   // repaired, still personal content: due
    ];
    let ids = |on| -> Vec<u64> { p.due(&records, on).map(|r| r.id.0).collect() };
    assert_eq!(ids(day(2024, 3, 1)), Vec::<u64>::new());
    assert_eq!(ids(day(2024, 3, 2)), [1, 6]);
    assert_eq!(ids(day(2024, 3, 3)), [1, 4, 6]);
    assert_eq!(ids(day(2200, 1, 1)), [1, 4, 6]);
    let idx: Vec<usize> = p.due_indices(&records, day(2024, 3, 3)).collect();
    assert_eq!(idx, [0, 3, 5]);
}

#[test]
fn sweep_then_erase_leaves_nothing_due() {
    let p = RetentionPolicy::default();
    let mut records: Vec<_> = (0..20)
        .map(|i| {
            let subject = if i % 3 == 0 { org() } else { person() };
            let ended = (i % 4 != 0).then(|| day(2015 + i as i32 / 2, 1 + i % 12, 10));
            record(u64::from(i), subject, ended)
        })
        .collect();
    let on = day(2024, 6, 30);
    let due: Vec<usize> = p.due_indices(&records, on).collect();
    assert!(!due.is_empty());
    let mut audit = Vec::new();
    for i in &due {
        audit.push(p.erase(&mut records[*i], on, "system").unwrap());
    }
    assert_eq!(audit.len(), due.len());
    assert_eq!(p.due(&records, on).count(), 0);
    for i in due {
        assert_eq!(records[i].status(), RecordStatus::Erased);
    }
}

// ---- erasure -----------------------------------------------------------------

#[test]
fn erasure_removes_personal_content_and_keeps_the_record() {
    let p = RetentionPolicy::default();
    let mut r = record(17, person(), Some(day(2019, 3, 1)));
    let before = r.clone();
    let entry = p.erase(&mut r, day(2024, 3, 2), "system").unwrap();

    assert_eq!(r.content, None);
    assert_eq!(r.corrected, None);
    assert_eq!(r.effective_content(), None);
    // Kept: id, subject identifier (whole: DESIGN.md), classification, dates.
    assert_eq!(r.id, before.id);
    assert_eq!(r.subject, before.subject);
    assert_eq!(r.subject.to_string(), format!("person:{PERSON}"));
    assert_eq!(
        (r.occurred_on, r.ended_on, r.recorded_on),
        (before.occurred_on, before.ended_on, before.recorded_on)
    );
    assert_eq!(r.status(), RecordStatus::Erased);
    assert_eq!(r.status_on(day(2024, 3, 1)), Some(RecordStatus::Active));
    assert_eq!(
        r.history,
        [StatusChange {
            on: day(2024, 3, 2),
            status: RecordStatus::Erased,
            by: "system".into(),
            basis: Citation::new("retention.personal_five_years", "plan §6(7)"),
        }]
    );

    assert_eq!(entry.action, AuditAction::Erased);
    assert_eq!(entry.target, RecordId(17).into());
    assert_eq!(entry.on, day(2024, 3, 2));
    assert_eq!(entry.basis.source, "plan §6(7)");
}

#[test]
fn erasure_keeps_the_history_before_it() {
    let p = RetentionPolicy::default();
    let mut r = record(3, person(), Some(day(2019, 3, 1)));
    let repair = StatusChange {
        on: day(2020, 1, 1),
        status: RecordStatus::Repaired,
        by: "Office".into(),
        basis: Citation::new("repair.policy_2019", "发改办财金〔2019〕527号"),
    };
    r.history.push(repair.clone());
    p.erase(&mut r, day(2030, 1, 1), "system").unwrap();
    assert_eq!(r.history.len(), 2);
    assert_eq!(r.history[0], repair);
}

#[test]
fn audit_entry_holds_no_erased_data() {
    let p = RetentionPolicy::default();
    let mut r = record(17, person(), Some(day(2019, 3, 1)));
    let entry = p.erase(&mut r, day(2024, 3, 2), "system").unwrap();
    let outputs = [
        format!("{entry:?}"),
        format!("{entry:#?}"),
        entry.to_string(),
        serde_json::to_string(&entry).unwrap(),
    ];
    let secrets = [
        "forged permit",
        "Charity Law",
        "XZMZ-2019-0042",
        "12345.67",
        "original",
        "corrected",
        PERSON,
        "340524",
        "001X",
        "unlawful_fundraising",
    ];
    for out in &outputs {
        for s in secrets {
            assert!(!out.contains(s), "`{s}` appears in `{out}`");
        }
    }
    assert_eq!(
        entry.to_string(),
        "2024-03-02: system erased R17 under retention.personal_five_years (plan §6(7))"
    );
    assert_eq!(
        serde_json::to_value(&entry).unwrap(),
        serde_json::json!({
            "on": "2024-03-02",
            "by": "system",
            "action": "erased",
            "target": { "record": 17 },
            "basis": { "rule": "retention.personal_five_years", "source": "plan §6(7)" }
        })
    );
}

#[test]
fn erased_record_serializes_without_content() {
    let p = RetentionPolicy::default();
    let mut r = record(17, person(), Some(day(2019, 3, 1)));
    p.erase(&mut r, day(2024, 3, 2), "system").unwrap();
    let json = serde_json::to_string(&r).unwrap();
    for s in ["forged permit", "Charity Law", "XZMZ-2019-0042", "12345.67"] {
        assert!(!json.contains(s), "`{s}` survives in `{json}`");
    }
}

#[test]
fn erasing_too_early_or_wrongly_changes_nothing() {
    let p = RetentionPolicy::default();
    let check = |mut r: MisconductRecord, on: NaiveDate, expected: ErasureError| {
        let before = r.clone();
        assert_eq!(p.erase(&mut r, on, "system"), Err(expected));
        assert_eq!(r, before);
    };
    check(
        record(1, person(), Some(day(2019, 3, 1))),
        day(2024, 3, 1),
        ErasureError::NotYetDue {
            record: RecordId(1),
            last_retained_day: day(2024, 3, 1),
            on: day(2024, 3, 1),
        },
    );
    check(
        record(2, org(), Some(day(2019, 3, 1))),
        day(2030, 1, 1),
        ErasureError::NotAPerson {
            record: RecordId(2),
        },
    );
    check(
        record(3, person(), None),
        day(2100, 1, 1),
        ErasureError::ConductNotEnded {
            record: RecordId(3),
        },
    );
    let mut erased = record(4, person(), Some(day(2019, 3, 1)));
    p.erase(&mut erased, day(2025, 1, 1), "system").unwrap();
    check(
        erased,
        day(2026, 1, 1),
        ErasureError::AlreadyErased {
            record: RecordId(4),
            erased_on: day(2025, 1, 1),
        },
    );
    let mut later = record(5, person(), Some(day(2019, 3, 1)));
    later.history.push(StatusChange {
        on: day(2025, 6, 1),
        status: RecordStatus::Revoked,
        by: "Office".into(),
        basis: Citation::new("objection.revoke", "plan §6(3)"),
    });
    check(
        later,
        day(2025, 1, 1),
        ErasureError::BeforeLastChange {
            record: RecordId(5),
            on: day(2025, 1, 1),
            last_change: day(2025, 6, 1),
        },
    );
}

#[test]
fn error_messages_read_as_sentences() {
    let e = ErasureError::NotYetDue {
        record: RecordId(1),
        last_retained_day: day(2024, 3, 1),
        on: day(2024, 2, 1),
    };
    assert_eq!(
        e.to_string(),
        "record `R1` is kept until `2024-03-01`; it cannot be erased on `2024-02-01`"
    );
}

// ---- properties --------------------------------------------------------------

fn any_day() -> impl Strategy<Value = NaiveDate> {
    (0i64..=73_414).prop_map(|n| day(1950, 1, 1) + chrono::Days::new(n as u64))
}

fn any_status() -> impl Strategy<Value = Option<RecordStatus>> {
    prop_oneof![
        Just(None),
        Just(Some(RecordStatus::Active)),
        Just(Some(RecordStatus::Repaired)),
        Just(Some(RecordStatus::Revoked)),
        Just(Some(RecordStatus::Corrected)),
        Just(Some(RecordStatus::Erased)),
    ]
}

fn any_record() -> impl Strategy<Value = MisconductRecord> {
    (
        any::<u64>(),
        any::<bool>(),
        proptest::option::weighted(0.8, any_day()),
        any_status(),
    )
        .prop_map(|(id, is_person, ended, status)| {
            let mut r = record(id, if is_person { person() } else { org() }, ended);
            if let Some(status) = status {
                r.history.push(StatusChange {
                    on: day(2019, 6, 1),
                    status,
                    by: "system".into(),
                    basis: Citation::new("test", "test"),
                });
            }
            r
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_due_on_or_before_the_last_retained_day_always_after(
        ended in any_day(),
        offset in -4000i64..4000,
    ) {
        let p = RetentionPolicy::default();
        let r = record(1, person(), Some(ended));
        let last = p.last_retained_day(ended);
        let on = last + chrono::Duration::days(offset);
        let in_sweep = p.due(std::slice::from_ref(&r), on).count() == 1;
        prop_assert_eq!(in_sweep, on > last);
        prop_assert_eq!(p.is_due(&r, on), on > last);
        let erased = p.erase(&mut r.clone(), on, "system").is_ok();
        prop_assert_eq!(erased, on > last);
    }

    #[test]
    fn sweep_equals_a_simple_filter(
        records in proptest::collection::vec(any_record(), 0..60),
        on in any_day(),
        years in 0u32..12,
    ) {
        let p = RetentionPolicy { years, ..RetentionPolicy::default() };
        let model: Vec<usize> = records
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.subject.is_person()
                    && r.ended_on.is_some_and(|e| on > p.last_retained_day(e))
                    && r.status() != RecordStatus::Erased
            })
            .map(|(i, _)| i)
            .collect();
        let swept: Vec<usize> = p.due_indices(&records, on).collect();
        prop_assert_eq!(&swept, &model);
        let by_ref: Vec<u64> = p.due(&records, on).map(|r| r.id.0).collect();
        let model_ids: Vec<u64> = model.iter().map(|i| records[*i].id.0).collect();
        prop_assert_eq!(by_ref, model_ids);
    }
}

/// Civil Code art. 203 (the last day of a period that is a statutory holiday
/// moves to the day after the holiday) is for periods within which someone
/// must act; the retention period says how long information may be kept, so
/// its last day stays where arts. 201–202 put it (DESIGN.md, "Does Civil
/// Code art. 203 move the end of a retention or publication period?").
#[test]
fn art_203_does_not_move_the_last_retained_day_off_a_holiday() {
    use social_credit::calendar::{ChinaCalendar, WorkCalendar};
    let calendar = ChinaCalendar::official();
    let policy = RetentionPolicy::default();
    // National Day 2024 (1–7 October) and Spring Festival 2026 (15–23 February).
    for (ended, last) in [
        (day(2019, 10, 1), day(2024, 10, 1)),
        (day(2019, 10, 6), day(2024, 10, 6)),
        (day(2021, 2, 17), day(2026, 2, 17)),
    ] {
        assert!(
            !calendar.is_working_day(last).unwrap(),
            "{last} is a holiday"
        );
        assert_eq!(policy.last_retained_day(ended), last);
        assert_eq!(policy.erasure_due_from(ended), last.succ_opt());
        let r = record(1, person(), Some(ended));
        assert!(!policy.is_due(&r, last));
        assert!(policy.is_due(&r, last.succ_opt().unwrap()));
    }
}

proptest! {
    /// Whatever the calendar says about the last retained day, the erasure is
    /// due the calendar day after it.
    #[test]
    fn the_erasure_day_ignores_holidays(offset in 0u32..6500) {
        use social_credit::calendar::{ChinaCalendar, WorkCalendar};
        let ended = day(2004, 1, 1) + chrono::Days::new(u64::from(offset));
        prop_assume!(five_years_after(ended) <= day(2026, 12, 30));
        let policy = RetentionPolicy::default();
        let last = policy.last_retained_day(ended);
        prop_assert_eq!(last, five_years_after(ended));
        let working = ChinaCalendar::official().is_working_day(last).unwrap();
        let _ = working; // holiday or not, the same answer:
        prop_assert_eq!(policy.erasure_due_from(ended), last.succ_opt());
    }
}
