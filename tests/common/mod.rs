//! Shared by tests and benchmarks: reference implementations (slow,
//! obviously correct, day by day) and, in [`registry`], the fixtures of the
//! registry tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod registry;

use chrono::{Days, NaiveDate};
use social_credit::calendar::{CalendarError, WorkCalendar};

/// The nth working day after `date`, walking one day at a time.
pub fn naive_add<C: WorkCalendar>(
    cal: &C,
    date: NaiveDate,
    n: u32,
) -> Result<NaiveDate, CalendarError> {
    cal.is_working_day(date)?;
    let mut d = date;
    let mut left = n;
    while left > 0 {
        d = d
            .checked_add_days(Days::new(1))
            .ok_or(CalendarError::OutOfCoverage {
                date,
                coverage: cal.coverage(),
                working_days: Some(n),
            })?;
        if !cal.coverage().contains(&d) {
            return Err(CalendarError::OutOfCoverage {
                date,
                coverage: cal.coverage(),
                working_days: Some(n),
            });
        }
        if cal.is_working_day(d)? {
            left -= 1;
        }
    }
    Ok(d)
}

/// Working days in `(a, b]` (negative when `b < a`), one day at a time.
pub fn naive_between<C: WorkCalendar>(
    cal: &C,
    a: NaiveDate,
    b: NaiveDate,
) -> Result<i64, CalendarError> {
    cal.is_working_day(a)?;
    cal.is_working_day(b)?;
    let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
    let mut count = 0;
    for d in lo.iter_days().skip(1).take_while(|d| *d <= hi) {
        if cal.is_working_day(d)? {
            count += 1;
        }
    }
    Ok(sign * count)
}
