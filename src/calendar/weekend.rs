//! Weekends only: a calendar with no holidays.

use std::ops::RangeInclusive;

use chrono::{Datelike, Days, NaiveDate};

use super::{CalendarError, WorkCalendar};

/// Monday to Friday are working days, every Saturday and Sunday is not, and
/// there are no holidays. Covers every date chrono can represent; answers in
/// constant time by arithmetic.
///
/// Useful for tests, for estimates beyond the official calendar's coverage
/// (clearly labelled as such), and as a base for jurisdictions without data.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::calendar::{WeekendCalendar, WorkCalendar};
///
/// let fri = NaiveDate::from_ymd_opt(2024, 5, 3).unwrap();
/// assert_eq!(WeekendCalendar.add_working_days(fri, 1)?, NaiveDate::from_ymd_opt(2024, 5, 6).unwrap());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct WeekendCalendar;

/// Working days in `[0001-01-01, date]`, shifted: 0001-01-01 (day 1 from CE)
/// was a Monday, so `t = days - 1` is 0 on a Monday.
fn weekdays_through(date: NaiveDate) -> i64 {
    let t = i64::from(date.num_days_from_ce()) - 1;
    t.div_euclid(7) * 5 + (t.rem_euclid(7) + 1).min(5)
}

impl WorkCalendar for WeekendCalendar {
    fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(date.weekday().num_days_from_monday() < 5)
    }

    fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        if n == 0 {
            return Ok(date);
        }
        // From a weekend day, count as from the Friday before: the next working
        // day is the same Monday.
        let wd = date.weekday().num_days_from_monday();
        let friday_offset = wd.saturating_sub(4);
        let n = u64::from(n);
        let (weeks, rest) = (n / 5, n % 5);
        let from_friday_or_weekday = u64::from(wd.min(4));
        let extra = if from_friday_or_weekday + rest > 4 {
            2
        } else {
            0
        };
        date.checked_sub_days(Days::new(u64::from(friday_offset)))
            .and_then(|d| d.checked_add_days(Days::new(weeks * 7 + rest + extra)))
            .ok_or(CalendarError::OutOfCoverage {
                date,
                coverage: self.coverage(),
                working_days: u32::try_from(n).ok(),
            })
    }

    fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<i64, CalendarError> {
        Ok(weekdays_through(b) - weekdays_through(a))
    }

    fn coverage(&self) -> RangeInclusive<NaiveDate> {
        NaiveDate::MIN..=NaiveDate::MAX
    }
}
