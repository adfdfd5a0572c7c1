//! Working days (工作日) and the official calendar of mainland China.
//!
//! Every deadline in the plan is counted in working days: days that are
//! neither a weekend nor a public holiday, counting the adjusted working days
//! (调休) the State Council moves onto weekends (each year's notice of the State Council General
//! Office, 国务院办公厅关于…部分节假日安排的通知).

mod china;
mod schedule;
mod statutory;
mod weekend;
pub(crate) mod years;

use std::ops::RangeInclusive;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use china::{ChinaCalendar, OFFICIAL_CSV};
pub use schedule::{
    DayKind, DayStatus, Finality, RowKind, Schedule, ScheduleCalendar, ScheduleError, ScheduleRow,
    MAX_SCHEDULE_TEXT_BYTES,
};
pub use weekend::WeekendCalendar;

/// China Standard Time, UTC+08:00 all year (no daylight saving since 1991).
const CST_SECONDS: i32 = 8 * 3600;

/// The calendar date that counts for an instant: its date in China Standard
/// Time (UTC+08:00), as an online objection is dated (plan §6(3): "在线异议提交").
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use social_credit::calendar::china_date;
///
/// // 16:30 UTC on Friday 27 September 2019 is 00:30 on Saturday 28 September in Beijing.
/// let instant = Utc.with_ymd_and_hms(2019, 9, 27, 16, 30, 0).unwrap();
/// assert_eq!(china_date(instant), NaiveDate::from_ymd_opt(2019, 9, 28).unwrap());
/// ```
///
/// An instant in the last eight hours of chrono's last day
/// (`+262142-12-31T16:00:00Z` or later) falls on a Beijing day chrono
/// cannot represent; it is dated [`NaiveDate::MAX`], a day no calendar
/// covers, so every count from it is [`CalendarError::OutOfCoverage`]
/// rather than a panic.
pub fn china_date(instant: DateTime<Utc>) -> NaiveDate {
    instant
        .naive_utc()
        .checked_add_signed(TimeDelta::seconds(i64::from(CST_SECONDS)))
        .map_or(NaiveDate::MAX, |local| local.date())
}

/// A calendar of working days.
///
/// Counting rule, shared by every implementation: "within N working days
/// after day X" means the Nth working day after X, X itself not counted
/// (Civil Code art. 201). A day that is not a working day is simply never
/// counted, so a count from a Saturday starts with the next working day.
pub trait WorkCalendar {
    /// Whether `date` is a working day.
    ///
    /// # Errors
    ///
    /// [`CalendarError::OutOfCoverage`] when `date` is outside [`coverage`](Self::coverage).
    fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError>;

    /// The `n`th working day after `date`, `date` itself not counted;
    /// `n = 0` returns `date` unchanged.
    ///
    /// # Errors
    ///
    /// [`CalendarError::OutOfCoverage`] when `date` is outside the coverage
    /// or the answer would be after its last day.
    fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError>;

    /// The number of working days in `(a, b]`; negative (minus the count in
    /// `(b, a]`) when `b < a`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::OutOfCoverage`] when `a` or `b` is outside the coverage.
    fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<i64, CalendarError>;

    /// The days this calendar knows; every query outside them is an error.
    fn coverage(&self) -> RangeInclusive<NaiveDate>;

    /// How final the answer of a count over `(a, b]` is: the least final of
    /// those days (the days a count from `a` to `b` went over; `a` itself
    /// never decides a count). Swapped when `b < a`; [`Finality::Final`]
    /// when they are equal.
    ///
    /// The default answers [`Finality::Final`]: a calendar that knows no
    /// notices has nothing to wait for.
    ///
    /// # Errors
    ///
    /// [`CalendarError::OutOfCoverage`] when `a` or `b` is outside the
    /// coverage (`a` may be the day before it).
    fn finality_between(&self, a: NaiveDate, b: NaiveDate) -> Result<Finality, CalendarError> {
        let _ = (a, b);
        Ok(Finality::Final)
    }
}

/// A query the calendar cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CalendarError {
    /// A date, or the end of a count, outside the calendar's coverage.
    #[error("{}", out_of_coverage(*date, coverage, *working_days))]
    OutOfCoverage {
        /// The date asked about, or the start of a count that ran past the coverage.
        date: NaiveDate,
        /// The days the calendar covers.
        coverage: RangeInclusive<NaiveDate>,
        /// For a count, how many working days were asked for.
        working_days: Option<u32>,
    },
}

fn out_of_coverage(
    date: NaiveDate,
    coverage: &RangeInclusive<NaiveDate>,
    working_days: Option<u32>,
) -> String {
    let (first, last) = (coverage.start(), coverage.end());
    match working_days {
        Some(n) if coverage.contains(&date) => format!(
            "{n} working days after {date} runs past the calendar's last covered day {last}"
        ),
        _ => format!("{date} is outside the calendar's coverage {first} to {last}"),
    }
}
