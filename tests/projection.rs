//! Working days past the last published notice (issue 12): the statutory
//! projection (全国年节及纪念日放假办法, as amended by State Council Order
//! No. 795 of 2024), its finality, and loading the next notice.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use proptest::prelude::*;
use social_credit::calendar::{
    CalendarError, ChinaCalendar, DayKind, Finality, RowKind, Schedule, ScheduleError, ScheduleRow,
    WorkCalendar,
};
use social_credit::objection::deadlines;

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

fn projected() -> ChinaCalendar {
    static CAL: std::sync::OnceLock<ChinaCalendar> = std::sync::OnceLock::new();
    CAL.get_or_init(|| {
        ChinaCalendar::official()
            .projected_until(d(2031, 12, 31))
            .unwrap()
    })
    .clone()
}

/// The days of `year` that are off although Monday to Friday.
fn weekdays_off(cal: &ChinaCalendar, year: i32) -> Vec<NaiveDate> {
    d(year, 1, 1)
        .iter_days()
        .take_while(|x| x.year() == year)
        .filter(|x| x.weekday().num_days_from_monday() < 5)
        .filter(|x| !cal.is_working_day(*x).unwrap())
        .collect()
}

/// 2027 worked by hand from the rules and data/calendar/cn-lunar.csv:
/// - New Year: Friday 1 January.
/// - Spring Festival: 除夕 Friday 5 February, 初一–初三 Saturday 6 to
///   Monday 8 February; Saturday 6 and Sunday 7 are made up on Tuesday 9 and
///   Wednesday 10 February.
/// - Qingming: Monday 5 April (清明 falls on 5 April 2027).
/// - Labour Day: Saturday 1 and Sunday 2 May, made up on Monday 3 and Tuesday 4 May.
/// - Dragon Boat: Wednesday 9 June (五月初五).
/// - Mid-Autumn: Wednesday 15 September (八月十五).
/// - National Day: Friday 1 to Sunday 3 October; Saturday 2 and Sunday 3 are
///   made up on Monday 4 and Tuesday 5 October.
#[test]
fn the_2027_projection_worked_by_hand() {
    let cal = projected();
    assert_eq!(
        weekdays_off(&cal, 2027),
        [
            d(2027, 1, 1),
            d(2027, 2, 5),
            d(2027, 2, 8),
            d(2027, 2, 9),
            d(2027, 2, 10),
            d(2027, 4, 5),
            d(2027, 5, 3),
            d(2027, 5, 4),
            d(2027, 6, 9),
            d(2027, 9, 15),
            d(2027, 10, 1),
            d(2027, 10, 4),
            d(2027, 10, 5),
        ]
    );
    // No adjusted working day is projected: every weekend day is off.
    for x in d(2027, 1, 1).iter_days().take_while(|x| x.year() == 2027) {
        if matches!(x.weekday(), Weekday::Sat | Weekday::Sun) {
            assert!(!cal.is_working_day(x).unwrap(), "{x}");
        }
    }
    let may4 = cal.day_status(d(2027, 5, 4)).unwrap();
    assert!(!may4.working);
    assert_eq!(may4.finality, Finality::Projected);
    let DayKind::Holiday { name, notice } = may4.kind else {
        panic!("3 May 2027 is a projected holiday: {may4:?}");
    };
    assert_eq!(name, "Labour Day 劳动节 (make-up day off 补假)");
    assert!(notice.contains("国务院令第795号"), "{notice}");
    assert!(notice.contains("no 2027 notice"), "{notice}");
}

/// The statutory days of the rules appear as days off in the official
/// years they govern (2025 and 2026), and the projection from the 2024
/// notice loses exactly as many working days in each year as the notices
/// did (adjusted working days move days, they do not add any).
#[test]
fn the_projection_agrees_with_the_2025_and_2026_notices() {
    let official = ChinaCalendar::official();
    let rows: Vec<ScheduleRow> = official
        .notice_rows()
        .iter()
        .filter(|r| r.schedule <= 2024)
        .cloned()
        .collect();
    let until_2024 = ChinaCalendar::from_schedule(Schedule { rows }).unwrap();
    let guess = until_2024.projected_until(d(2026, 12, 31)).unwrap();
    for year in [2025, 2026] {
        for x in weekdays_off(&guess, year) {
            assert!(
                !official.is_working_day(x).unwrap(),
                "{x} is worked in {year}"
            );
            assert_eq!(guess.day_status(x).unwrap().finality, Finality::Projected);
        }
        let (from, to) = (d(year - 1, 12, 31), d(year, 12, 31));
        assert_eq!(
            guess.working_days_between(from, to).unwrap(),
            official.working_days_between(from, to).unwrap(),
            "{year}"
        );
    }
    // 2025: 除夕 28 January, Dragon Boat Saturday 31 May made up on 2 June,
    // Mid-Autumn 6 October inside the National Day holiday.
    for x in [d(2025, 1, 28), d(2025, 6, 2), d(2025, 10, 6)] {
        assert!(!guess.is_working_day(x).unwrap(), "{x}");
    }
}

#[test]
fn the_official_years_under_the_rules_are_complete() {
    // The built-in 2025 and 2026 notices name every statutory day off.
    let official = ChinaCalendar::try_official().unwrap();
    let rows = official.notice_rows().to_vec();
    let last_two: Vec<ScheduleRow> = rows.into_iter().filter(|r| r.schedule >= 2025).collect();
    assert!(official.with_schedule(Schedule { rows: last_two }).is_ok());
}

/// The hand-worked objection of issue 12: received Sunday 20 December 2026.
/// Forward: 21, 22, 23, 24, 25 December (Friday) = 5.
/// Reply: 28, 29, 30, 31 December = 9, 1 January 2027 is New Year's Day,
/// Monday 4, Tuesday 5, Wednesday 6 January = 12.
#[test]
fn an_objection_of_20_december_2026_gets_projected_deadlines() {
    let cal = projected();
    let dl = deadlines(&cal, d(2026, 12, 20)).unwrap();
    assert_eq!(dl.forward_by, Some(d(2026, 12, 25)));
    assert_eq!(dl.reply_by, Some(d(2027, 1, 6)));
    assert_eq!(dl.finality, Finality::Projected);
    assert!(dl.missing.is_empty());
    assert_eq!(
        dl.describe(&cal, d(2027, 1, 6)),
        "2027-01-06, projected: the 2027 holiday notice is not loaded"
    );
    // The same on the strict calendar: forwarding is known (provisional),
    // the reply is missing with its reason.
    let strict = deadlines(&ChinaCalendar::official(), d(2026, 12, 20)).unwrap();
    assert_eq!(strict.forward_by, Some(d(2026, 12, 25)));
    assert_eq!(strict.reply_by, None);
    assert_eq!(strict.finality, Finality::Provisional);
    assert_eq!(strict.missing.len(), 1);
    assert_eq!(strict.missing[0].basis.rule, "objection.reply_by");
    assert!(matches!(
        strict.missing[0].reason,
        CalendarError::OutOfCoverage {
            working_days: Some(12),
            ..
        }
    ));
}

#[test]
fn finality_is_ordered_and_reported_per_day() {
    assert!(Finality::Final < Finality::Provisional);
    assert!(Finality::Provisional < Finality::Projected);
    let cal = projected();
    let at = |x| cal.day_status(x).unwrap().finality;
    assert_eq!(at(d(2026, 11, 30)), Finality::Final);
    assert_eq!(at(d(2026, 12, 1)), Finality::Provisional);
    assert_eq!(at(d(2026, 12, 31)), Finality::Provisional);
    assert_eq!(at(d(2027, 1, 1)), Finality::Projected);
    assert_eq!(at(d(2031, 12, 31)), Finality::Projected);
    assert_eq!(
        cal.finality_between(d(2026, 3, 1), d(2026, 11, 30)),
        Ok(Finality::Final)
    );
    assert_eq!(
        cal.finality_between(d(2026, 11, 30), d(2026, 12, 1)),
        Ok(Finality::Provisional)
    );
    assert_eq!(
        cal.finality_between(d(2027, 1, 1), d(2026, 11, 1)),
        Ok(Finality::Projected)
    );
    assert_eq!(*cal.coverage().end(), d(2031, 12, 31));
    assert!(cal.add_working_days(d(2031, 12, 30), 5).is_err());
}

#[test]
fn a_projection_past_the_lunar_table_is_refused() {
    let err = ChinaCalendar::official()
        .projected_until(d(2100, 1, 1))
        .unwrap_err();
    assert_eq!(
        err,
        ScheduleError::BeyondStatutoryRules {
            year: 2100,
            first: 2025,
            last: 2099
        }
    );
    assert!(err.to_string().contains("2100 is outside"), "{err}");
    assert!(ChinaCalendar::official()
        .projected_until(d(2099, 12, 31))
        .is_ok());
}

#[test]
fn the_built_in_registry_calendar_is_projected_five_years() {
    let cal = ChinaCalendar::official_projected();
    assert_eq!(*cal.coverage().end(), d(2031, 12, 31));
    assert_eq!(cal.last_notice_day(), d(2026, 12, 31));
    assert!(cal.is_projected());
}

/// Issue 12 point 4: a New Year row alone is not a complete 2027.
#[test]
fn an_incomplete_year_is_refused_unless_marked_partial() {
    let new_year = Schedule {
        rows: vec![ScheduleRow {
            schedule: 2027,
            kind: RowKind::Holiday,
            first: d(2027, 1, 1),
            last: d(2027, 1, 3),
            name: "New Year's Day 元旦".into(),
            notice: "a 2027 notice".into(),
        }],
    };
    let err = ChinaCalendar::official()
        .with_schedule(new_year.clone())
        .unwrap_err();
    assert_eq!(
        err,
        ScheduleError::IncompleteYear {
            year: 2027,
            holiday: "Spring Festival 春节".into(),
            date: d(2027, 2, 5)
        }
    );
    let partial = ChinaCalendar::official()
        .with_partial_schedule(new_year)
        .unwrap();
    // The Spring Festival of 2027 stays projected days off, not working days.
    for x in [d(2027, 2, 5), d(2027, 2, 8), d(2027, 2, 9), d(2027, 2, 10)] {
        let s = partial.day_status(x).unwrap();
        assert!(!s.working, "{x}");
        assert_eq!(s.finality, Finality::Projected, "{x}");
    }
    // The days it names are official.
    assert_eq!(
        partial.day_status(d(2027, 1, 1)).unwrap().finality,
        Finality::Final
    );
    assert_eq!(partial.partial_years().collect::<Vec<_>>(), [2027]);
}

/// A made-up complete 2027 notice: the projection's days off, Labour Day
/// extended to Wednesday 5 May, and Saturday 8 May worked.
fn a_2027_notice(extra_off: NaiveDate, worked: NaiveDate) -> Schedule {
    let mut rows: Vec<ScheduleRow> = projected()
        .rows()
        .iter()
        .filter(|r| r.schedule == 2027)
        .map(|r| ScheduleRow {
            notice: "国办发明电〔2026〕X号".into(),
            ..r.clone()
        })
        .collect();
    for (kind, day) in [(RowKind::Holiday, extra_off), (RowKind::Workday, worked)] {
        rows.push(ScheduleRow {
            schedule: 2027,
            kind,
            first: day,
            last: day,
            name: "Labour Day 劳动节".into(),
            notice: "国办发明电〔2026〕X号".into(),
        });
    }
    Schedule { rows }
}

#[test]
fn loading_the_notice_makes_its_year_official_and_keeps_the_projection_after() {
    let base = projected();
    let loaded = base
        .with_schedule(a_2027_notice(d(2027, 5, 5), d(2027, 5, 8)))
        .unwrap();
    assert!(!loaded.is_working_day(d(2027, 5, 5)).unwrap());
    assert!(loaded.is_working_day(d(2027, 5, 8)).unwrap());
    assert_eq!(
        loaded.day_status(d(2027, 5, 5)).unwrap().finality,
        Finality::Final
    );
    assert_eq!(
        loaded.day_status(d(2027, 12, 1)).unwrap().finality,
        Finality::Provisional
    );
    assert_eq!(
        loaded.day_status(d(2028, 1, 3)).unwrap().finality,
        Finality::Projected
    );
    assert_eq!(loaded.coverage(), base.coverage());
    assert_eq!(loaded.last_notice_day(), d(2027, 12, 31));
    // Loading first and projecting after gives the same calendar.
    let other_order = ChinaCalendar::official()
        .with_schedule(a_2027_notice(d(2027, 5, 5), d(2027, 5, 8)))
        .unwrap()
        .projected_until(d(2031, 12, 31))
        .unwrap();
    assert_eq!(other_order, loaded);
}

/// Any date from 2020 to 2031.
fn any_day() -> impl Strategy<Value = NaiveDate> {
    let first = d(2020, 1, 1);
    let span = (d(2031, 12, 31) - first).num_days();
    (0..=span).prop_map(move |n| first + Days::new(n.unsigned_abs()))
}

/// A weekday of 2027 and a weekend day of 2027.
fn notice_days() -> impl Strategy<Value = (NaiveDate, NaiveDate)> {
    (0u64..360, 0u64..360).prop_map(|(a, b)| {
        let start = d(2027, 1, 1);
        let mut weekday = start + Days::new(a);
        while matches!(weekday.weekday(), Weekday::Sat | Weekday::Sun) {
            weekday = weekday.succ_opt().unwrap_or(weekday);
        }
        let mut weekend = start + Days::new(b);
        while !matches!(weekend.weekday(), Weekday::Sat | Weekday::Sun) {
            weekend = weekend.succ_opt().unwrap_or(weekend);
        }
        (weekday, weekend)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn projected_counts_agree_with_a_day_by_day_walk(from in any_day(), n in 0u32..=40) {
        let cal = projected();
        let walked = common::naive_add(&cal, from, n);
        prop_assert_eq!(cal.add_working_days(from, n), walked);
    }

    #[test]
    fn a_count_and_its_inverse_agree_across_the_year_end(
        offset in 0u64..60,
        n in 0u32..=30,
    ) {
        // Days from 1 December 2026, across the last notice into the projection.
        let cal = projected();
        let from = d(2026, 12, 1) + Days::new(offset);
        let to = cal.add_working_days(from, n).unwrap();
        prop_assert_eq!(cal.working_days_between(from, to).unwrap(), i64::from(n));
        prop_assert_eq!(
            cal.working_days_between(from, to).unwrap(),
            common::naive_between(&cal, from, to).unwrap()
        );
        // Finality is the least final day in (from, to].
        let expected = from
            .iter_days()
            .skip(1)
            .take_while(|x| *x <= to)
            .map(|x| cal.day_status(x).unwrap().finality)
            .max()
            .unwrap_or(Finality::Final);
        prop_assert_eq!(cal.finality_between(from, to).unwrap(), expected);
    }

    #[test]
    fn a_loaded_notice_changes_only_the_days_it_names_and_its_years_finality(
        (off, worked) in notice_days(),
        probe in any_day(),
    ) {
        let base = projected();
        let projected_off: BTreeSet<NaiveDate> = base
            .rows()
            .iter()
            .filter(|r| r.schedule == 2027)
            .map(|r| r.first)
            .collect();
        prop_assume!(!projected_off.contains(&off) && !projected_off.contains(&worked));
        let loaded = base.with_schedule(a_2027_notice(off, worked)).unwrap();
        let before = base.day_status(probe).unwrap();
        let after = loaded.day_status(probe).unwrap();
        if probe == off {
            prop_assert!(before.working && !after.working);
        } else if probe == worked {
            prop_assert!(!before.working && after.working);
        } else {
            prop_assert_eq!(before.working, after.working, "{}", probe);
        }
        if probe.year() == 2027 {
            let expected = if probe.month() == 12 { Finality::Provisional } else { Finality::Final };
            prop_assert_eq!(after.finality, expected);
        } else if probe.year() == 2026 && probe.month() == 12 {
            // The next notice is loaded: late December 2026 is settled.
            prop_assert_eq!(after.finality, Finality::Final);
        } else {
            prop_assert_eq!(after.finality, before.finality);
        }
    }
}

#[test]
fn the_projected_index_keeps_the_memory_budget() {
    let size = ChinaCalendar::official_projected().index_size_bytes();
    assert!(size < 64 * 1024, "index is {size} bytes");
}

#[derive(serde::Deserialize)]
struct ProjectedTable {
    case: Vec<ProjectedCase>,
}

#[derive(serde::Deserialize)]
struct ProjectedCase {
    name: String,
    clause: String,
    received: NaiveDate,
    forward_by: NaiveDate,
    reply_by: NaiveDate,
}

/// tests/data/projected_deadlines.toml: objection deadlines across the
/// projected holidays, each row citing the articles it follows.
#[test]
fn hand_worked_projected_deadlines_from_the_clause_table() {
    let table: ProjectedTable =
        toml::from_str(include_str!("data/projected_deadlines.toml")).unwrap();
    assert_eq!(table.case.len(), 5);
    let cal = projected();
    for c in &table.case {
        assert!(c.clause.contains("plan §6(3)"), "{}", c.name);
        let dl = deadlines(&cal, c.received).unwrap();
        assert_eq!(dl.forward_by, Some(c.forward_by), "{}", c.name);
        assert_eq!(dl.reply_by, Some(c.reply_by), "{}", c.name);
        assert_eq!(dl.finality, Finality::Projected, "{}", c.name);
    }
}
