//! The official working-day calendar (the State Council's holiday notices, issue 3).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use chrono::{Datelike, NaiveDate, TimeZone, Utc, Weekday};
use common::{naive_add, naive_between};
use proptest::prelude::*;
use social_credit::calendar::{
    china_date, CalendarError, ChinaCalendar, DayKind, Finality, RowKind, Schedule,
    ScheduleCalendar, ScheduleError, ScheduleRow, WeekendCalendar, WorkCalendar,
};

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

fn cal() -> ChinaCalendar {
    ChinaCalendar::official()
}

#[test]
fn official_data_is_valid_and_covers_2004_to_2026() {
    let cal = ChinaCalendar::try_official().unwrap();
    assert_eq!(cal.coverage(), d(2004, 1, 1)..=d(2026, 12, 31));
    for row in cal.rows() {
        assert!(!row.notice.trim().is_empty(), "row without notice: {row:?}");
        assert!(!row.name.trim().is_empty(), "row without name: {row:?}");
    }
}

#[test]
fn index_is_under_64_kib() {
    let size = cal().index_size_bytes();
    assert!(size < 64 * 1024, "index is {size} bytes");
}

/// Plan-era National Day 2019 (国办发明电〔2018〕15号): 1–7 October off,
/// Sunday 29 September and Saturday 12 October worked.
#[test]
fn national_day_2019() {
    let cal = cal();
    let expect = [
        (d(2019, 9, 27), true),
        (d(2019, 9, 28), false),
        (d(2019, 9, 29), true),
        (d(2019, 9, 30), true),
        (d(2019, 10, 1), false),
        (d(2019, 10, 4), false),
        (d(2019, 10, 7), false),
        (d(2019, 10, 8), true),
        (d(2019, 10, 12), true),
        (d(2019, 10, 13), false),
    ];
    for (day, working) in expect {
        assert_eq!(cal.is_working_day(day).unwrap(), working, "{day}");
    }
    // Friday 27 Sep + 5: 29 Sep (1), 30 Sep (2), 8 Oct (3), 9 Oct (4), 10 Oct (5).
    assert_eq!(
        cal.add_working_days(d(2019, 9, 27), 5).unwrap(),
        d(2019, 10, 10)
    );
    // + 12: 11 Oct (6), 12 Oct (7), 14 (8), 15 (9), 16 (10), 17 (11), 18 (12).
    assert_eq!(
        cal.add_working_days(d(2019, 9, 27), 12).unwrap(),
        d(2019, 10, 18)
    );
    // From Saturday 28 Sep the next working day, Sunday 29 Sep, is day 1.
    assert_eq!(
        cal.add_working_days(d(2019, 9, 28), 1).unwrap(),
        d(2019, 9, 29)
    );
    assert_eq!(
        cal.add_working_days(d(2019, 9, 28), 5).unwrap(),
        d(2019, 10, 10)
    );
    assert_eq!(
        cal.working_days_between(d(2019, 9, 30), d(2019, 10, 8))
            .unwrap(),
        1
    );
}

/// 2020 Spring Festival: 24–30 January in the notice (国办发明电〔2019〕16号),
/// extended to 2 February by 国办发明电〔2020〕1号, so Saturday 1 February,
/// first an adjusted working day, was not worked; Sunday 19 January was.
#[test]
fn spring_festival_2020_as_extended() {
    let cal = cal();
    assert!(cal.is_working_day(d(2020, 1, 19)).unwrap());
    assert!(cal.is_working_day(d(2020, 1, 23)).unwrap());
    for day in d(2020, 1, 24)
        .iter_days()
        .take_while(|x| *x <= d(2020, 2, 2))
    {
        assert!(!cal.is_working_day(day).unwrap(), "{day}");
    }
    assert!(cal.is_working_day(d(2020, 2, 3)).unwrap());
    // Thursday 23 Jan + 5: 3 Feb (1) … 7 Feb (5); + 12: 10–14 Feb (6–10), 17 (11), 18 (12).
    assert_eq!(
        cal.add_working_days(d(2020, 1, 23), 5).unwrap(),
        d(2020, 2, 7)
    );
    assert_eq!(
        cal.add_working_days(d(2020, 1, 23), 12).unwrap(),
        d(2020, 2, 18)
    );
    let status = cal.day_status(d(2020, 2, 1)).unwrap();
    match status.kind {
        DayKind::Holiday { notice, .. } => assert!(notice.contains("〔2020〕1号"), "{notice}"),
        other => panic!("1 Feb 2020 should be a holiday, got {other:?}"),
    }
}

#[test]
fn a_notice_can_set_the_december_before() {
    // The 2019 notice made Saturday 29 December 2018 a working day.
    let status = cal().day_status(d(2018, 12, 29)).unwrap();
    assert!(status.working);
    assert!(matches!(status.kind, DayKind::AdjustedWorkday { .. }));
    assert!(!cal().is_working_day(d(2018, 12, 31)).unwrap());
}

#[test]
fn out_of_coverage_is_refused_never_guessed() {
    let cal = cal();
    let before = d(2003, 12, 31);
    assert!(matches!(
        cal.is_working_day(before),
        Err(CalendarError::OutOfCoverage { date, .. }) if date == before
    ));
    assert!(cal.add_working_days(before, 0).is_err());
    assert!(cal
        .working_days_between(d(2004, 1, 5), d(2027, 1, 4))
        .is_err());
    // A count that runs past the last covered day is the same error.
    let err = cal.add_working_days(d(2026, 12, 28), 10).unwrap_err();
    assert!(matches!(
        err,
        CalendarError::OutOfCoverage {
            working_days: Some(10),
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "10 working days after 2026-12-28 runs past the calendar's last covered day 2026-12-31"
    );
    assert_eq!(
        cal.is_working_day(before).unwrap_err().to_string(),
        "2003-12-31 is outside the calendar's coverage 2004-01-01 to 2026-12-31"
    );
    // The last working day of the coverage is reachable.
    assert_eq!(
        cal.add_working_days(d(2026, 12, 30), 1).unwrap(),
        d(2026, 12, 31)
    );
}

#[test]
fn add_zero_returns_the_date_even_on_a_holiday() {
    assert_eq!(
        cal().add_working_days(d(2019, 10, 1), 0).unwrap(),
        d(2019, 10, 1)
    );
}

#[test]
fn finality_marks_the_last_december_provisional() {
    let cal = cal();
    assert_eq!(
        cal.day_status(d(2026, 11, 30)).unwrap().finality,
        Finality::Final
    );
    assert_eq!(
        cal.day_status(d(2026, 12, 1)).unwrap().finality,
        Finality::Provisional
    );
    assert_eq!(
        cal.day_status(d(2026, 12, 31)).unwrap().finality,
        Finality::Provisional
    );
    assert_eq!(
        cal.day_status(d(2018, 12, 29)).unwrap().finality,
        Finality::Final
    );
}

#[test]
fn china_standard_time_decides_the_date() {
    let late = Utc.with_ymd_and_hms(2019, 9, 27, 15, 59, 59).unwrap();
    let after_midnight = Utc.with_ymd_and_hms(2019, 9, 27, 16, 0, 0).unwrap();
    assert_eq!(china_date(late), d(2019, 9, 27));
    assert_eq!(china_date(after_midnight), d(2019, 9, 28));
}

fn row(schedule: i32, kind: RowKind, first: NaiveDate, last: NaiveDate) -> ScheduleRow {
    ScheduleRow {
        schedule,
        kind,
        first,
        last,
        name: "Test 测试".into(),
        notice: "test notice".into(),
    }
}

#[test]
fn extending_with_a_new_year_from_toml() {
    let next: Schedule = toml::from_str(
        r#"
        [[rows]]
        schedule = 2027
        kind = "holiday"
        first = "2027-02-06"
        last = "2027-02-12"
        name = "Spring Festival 春节"
        notice = "a 2027 notice"

        [[rows]]
        schedule = 2027
        kind = "workday"
        first = "2027-02-14"
        last = "2027-02-14"
        name = "Spring Festival 春节"
        notice = "a 2027 notice"
        "#,
    )
    .unwrap();
    let base = cal();
    // Two rows are not the 2027 notice: loaded as complete, the year is
    // refused (it lacks New Year's Day and every later holiday); loaded as
    // partial, the days it does not name are projected.
    assert!(matches!(
        base.with_schedule(next.clone()),
        Err(ScheduleError::IncompleteYear { year: 2027, .. })
    ));
    let extended = base.with_partial_schedule(next).unwrap();
    assert_eq!(*extended.coverage().end(), d(2027, 12, 31));
    assert!(!extended.is_working_day(d(2027, 5, 3)).unwrap());
    assert_eq!(
        extended.day_status(d(2027, 5, 3)).unwrap().finality,
        Finality::Projected
    );
    assert_eq!(
        extended.day_status(d(2027, 2, 8)).unwrap().finality,
        Finality::Final
    );
    assert!(!extended.is_working_day(d(2027, 2, 8)).unwrap());
    assert!(extended.is_working_day(d(2027, 2, 14)).unwrap());
    // The old years answer as before, and the original is unchanged.
    assert_eq!(
        extended.add_working_days(d(2019, 9, 27), 5).unwrap(),
        d(2019, 10, 10)
    );
    assert_eq!(*base.coverage().end(), d(2026, 12, 31));
    // Counting now runs into 2027.
    assert!(extended.add_working_days(d(2026, 12, 28), 10).is_ok());
}

#[test]
fn correcting_a_year_replaces_its_rows() {
    let base = cal();
    let fix = Schedule {
        rows: vec![row(2019, RowKind::Holiday, d(2019, 10, 1), d(2019, 10, 3))],
    };
    let fixed = base.with_schedule(fix).unwrap();
    assert!(fixed.is_working_day(d(2019, 10, 4)).unwrap());
    assert!(!fixed.is_working_day(d(2019, 9, 29)).unwrap());
}

#[test]
fn invalid_schedules_are_typed_errors() {
    let base = cal();
    // A day both holiday and working day.
    let both = Schedule {
        rows: vec![
            row(2027, RowKind::Holiday, d(2027, 2, 6), d(2027, 2, 12)),
            row(2027, RowKind::Workday, d(2027, 2, 7), d(2027, 2, 7)),
        ],
    };
    assert_eq!(
        base.with_schedule(both).unwrap_err(),
        ScheduleError::HolidayAndWorkday {
            date: d(2027, 2, 7)
        }
    );
    // An adjusted working day that is not a weekend day.
    let weekday = Schedule {
        rows: vec![row(2027, RowKind::Workday, d(2027, 2, 8), d(2027, 2, 8))],
    };
    assert_eq!(
        base.with_schedule(weekday).unwrap_err(),
        ScheduleError::WorkdayNotWeekend {
            date: d(2027, 2, 8),
            weekday: Weekday::Mon
        }
    );
    // A gap year inside the coverage.
    let gap = Schedule {
        rows: vec![row(2028, RowKind::Holiday, d(2028, 1, 1), d(2028, 1, 1))],
    };
    assert_eq!(
        base.with_schedule(gap).unwrap_err(),
        ScheduleError::GapYear {
            year: 2027,
            first: 2004,
            last: 2028
        }
    );
    // Overlapping holidays, rows out of their year, reversed rows.
    let dup = Schedule {
        rows: vec![
            row(2027, RowKind::Holiday, d(2027, 1, 1), d(2027, 1, 3)),
            row(2027, RowKind::Holiday, d(2027, 1, 3), d(2027, 1, 4)),
        ],
    };
    assert_eq!(
        base.with_schedule(dup).unwrap_err(),
        ScheduleError::Duplicate {
            date: d(2027, 1, 3)
        }
    );
    let stray = Schedule {
        rows: vec![row(2027, RowKind::Holiday, d(2026, 5, 1), d(2026, 5, 1))],
    };
    assert!(matches!(
        base.with_schedule(stray).unwrap_err(),
        ScheduleError::RowOutsideCoverage { .. }
    ));
    let reversed = Schedule {
        rows: vec![row(2027, RowKind::Holiday, d(2027, 1, 3), d(2027, 1, 1))],
    };
    assert!(matches!(
        base.with_schedule(reversed).unwrap_err(),
        ScheduleError::Reversed { .. }
    ));
    assert_eq!(
        ScheduleCalendar::new(Schedule::default()).unwrap_err(),
        ScheduleError::Empty
    );
}

#[test]
fn csv_errors_name_the_line() {
    let text =
        "# c\nschedule,kind,first,last,name,notice\n2027,holiday,2027-01-01,2027-13-01,x,y\n";
    assert_eq!(
        ScheduleCalendar::parse_csv(text).unwrap_err(),
        ScheduleError::Csv {
            line: 3,
            problem: "`2027-13-01` is not a date (YYYY-MM-DD)".into()
        }
    );
    assert!(ScheduleCalendar::parse_csv("2027,holiday").is_err());
}

#[test]
fn another_jurisdiction_from_the_same_shape() {
    // A made-up jurisdiction with one holiday in 2030.
    let text = "schedule,kind,first,last,name,notice\n2030,holiday,2030-07-01,2030-07-01,Founding Day,Order 1\n";
    let cal = ScheduleCalendar::new(ScheduleCalendar::parse_csv(text).unwrap()).unwrap();
    assert_eq!(cal.coverage(), d(2030, 1, 1)..=d(2030, 12, 31));
    assert!(!cal.is_working_day(d(2030, 7, 1)).unwrap());
    assert_eq!(
        cal.add_working_days(d(2030, 6, 28), 1).unwrap(),
        d(2030, 7, 2)
    );
}

#[test]
fn schedule_round_trips_through_json() {
    let schedule = cal().as_schedule_calendar().schedule();
    let json = serde_json::to_string(&schedule).unwrap();
    let back: Schedule = serde_json::from_str(&json).unwrap();
    assert_eq!(
        ScheduleCalendar::new(back).unwrap(),
        *cal().as_schedule_calendar()
    );
}

#[test]
fn every_covered_day_matches_the_rows() {
    // The index agrees with a direct reading of the rows, for all 8,401 days.
    let cal = cal();
    for day in d(2004, 1, 1)
        .iter_days()
        .take_while(|x| *x <= d(2026, 12, 31))
    {
        let listed = cal.rows().iter().find(|r| r.first <= day && day <= r.last);
        let expected = match listed {
            Some(r) => r.kind == RowKind::Workday,
            None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        };
        assert_eq!(cal.is_working_day(day).unwrap(), expected, "{day}");
    }
}

fn covered_day() -> impl Strategy<Value = NaiveDate> {
    (0u64..8401).prop_map(|i| d(2004, 1, 1) + chrono::Days::new(i))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn add_then_count_gives_n(day in covered_day(), n in 0u32..400) {
        let cal = cal();
        if let Ok(end) = cal.add_working_days(day, n) {
            prop_assert_eq!(cal.working_days_between(day, end).unwrap(), i64::from(n));
            if n >= 1 {
                prop_assert!(end > day);
                prop_assert!(cal.is_working_day(end).unwrap());
            }
        }
    }

    #[test]
    fn indexed_answers_equal_the_day_by_day_loop(day in covered_day(), other in covered_day(), n in 0u32..60) {
        let cal = cal();
        prop_assert_eq!(cal.add_working_days(day, n), naive_add(&cal, day, n));
        prop_assert_eq!(cal.working_days_between(day, other), naive_between(&cal, day, other));
    }

    #[test]
    fn add_is_monotonic(day in covered_day(), later in 0u64..30, n in 0u32..200, m in 0u32..20) {
        let cal = cal();
        let day2 = day + chrono::Days::new(later);
        if let (Ok(a), Ok(b), Ok(c)) = (
            cal.add_working_days(day, n),
            cal.add_working_days(day2, n),
            cal.add_working_days(day, n + m),
        ) {
            prop_assert!(a <= b);
            prop_assert!(a <= c);
        }
    }

    #[test]
    fn between_is_antisymmetric(a in covered_day(), b in covered_day()) {
        let cal = cal();
        prop_assert_eq!(
            cal.working_days_between(a, b).unwrap(),
            -cal.working_days_between(b, a).unwrap()
        );
    }

    #[test]
    fn weekend_calendar_equals_the_loop(
        days in -800_000i64..800_000,
        other in -400i64..400,
        n in 0u32..40,
    ) {
        let day = d(2000, 1, 3) + chrono::TimeDelta::days(days);
        let day2 = day + chrono::TimeDelta::days(other);
        let cal = WeekendCalendar;
        prop_assert_eq!(cal.add_working_days(day, n), naive_add(&cal, day, n));
        prop_assert_eq!(cal.working_days_between(day, day2), naive_between(&cal, day, day2));
        prop_assert_eq!(
            cal.is_working_day(day).unwrap(),
            !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
        );
    }

    #[test]
    fn csv_parser_never_panics(text in "(?s).{0,300}") {
        let _ = ScheduleCalendar::parse_csv(&text);
    }

    #[test]
    fn csv_parser_on_row_like_lines(lines in proptest::collection::vec("[0-9]{4},(holiday|workday|x),20[0-9]{2}-[0-9]{2}-[0-9]{2},20[0-9]{2}-[0-9]{2}-[0-9]{2},[a-z]{0,5},[a-z]{0,5}", 0..8)) {
        let text = format!("schedule,kind,first,last,name,notice\n{}", lines.join("\n"));
        if let Ok(schedule) = ScheduleCalendar::parse_csv(&text) {
            prop_assert_eq!(schedule.rows.len(), lines.len());
            let _ = ScheduleCalendar::new(schedule);
        }
    }

    #[test]
    fn china_date_is_utc_plus_eight(secs in -2_000_000_000i64..4_000_000_000) {
        let instant = Utc.timestamp_opt(secs, 0).unwrap();
        let expected = Utc.timestamp_opt(secs + 8 * 3600, 0).unwrap().date_naive();
        prop_assert_eq!(china_date(instant), expected);
    }
}
