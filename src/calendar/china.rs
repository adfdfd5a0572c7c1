//! The official working-day calendar of mainland China.

use std::ops::RangeInclusive;
use std::sync::OnceLock;

use chrono::NaiveDate;

use super::schedule::{DayStatus, Schedule, ScheduleCalendar, ScheduleError, ScheduleRow};
use super::{CalendarError, WorkCalendar};

/// The built-in schedule: every State Council General Office notice on
/// public holidays (国务院办公厅关于…年部分节假日安排的通知) from 2004 to 2026,
/// with the amending notices applied, one row per holiday period or adjusted
/// working day, each naming its notice.
pub const OFFICIAL_CSV: &str = include_str!("../../data/calendar/cn.csv");

/// The working-day calendar of mainland China: Saturdays and Sundays off,
/// the public holidays of each year's State Council notice off, and the
/// adjusted working days (调休) of that notice worked (SPEC §8).
///
/// [`ChinaCalendar::official`] covers 1 January 2004 to 31 December 2026 and
/// refuses any date outside with [`CalendarError::OutOfCoverage`] rather than
/// guessing. A year's notice may change the last days of the year before (the
/// 2019 notice made Saturday 29 December 2018 a working day), so days from
/// 1 December of the last covered year are reported as
/// [`Finality::Provisional`](super::Finality::Provisional) by
/// [`day_status`](Self::day_status).
///
/// When a new notice appears, add it from data without waiting for a release:
/// see [`ChinaCalendar::with_schedule`].
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::calendar::{ChinaCalendar, WorkCalendar};
///
/// let cal = ChinaCalendar::official();
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// // Friday 27 September 2019: Sunday 29 September was worked, 1–7 October off.
/// assert_eq!(cal.add_working_days(d(2019, 9, 27), 5)?, d(2019, 10, 10));
/// assert_eq!(cal.working_days_between(d(2019, 9, 27), d(2019, 10, 10))?, 5);
/// assert!(cal.add_working_days(d(2026, 12, 30), 5).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChinaCalendar {
    inner: ScheduleCalendar,
}

static OFFICIAL: OnceLock<Result<ScheduleCalendar, ScheduleError>> = OnceLock::new();

fn official() -> &'static Result<ScheduleCalendar, ScheduleError> {
    OFFICIAL
        .get_or_init(|| ScheduleCalendar::parse_csv(OFFICIAL_CSV).and_then(ScheduleCalendar::new))
}

impl ChinaCalendar {
    /// The built-in official calendar, 2004–2026. Parsed once per process;
    /// later calls share the index.
    pub fn official() -> Self {
        match official() {
            Ok(inner) => Self {
                inner: inner.clone(),
            },
            // The built-in data is validated by this crate's tests
            // (`official_data_is_valid`); this arm cannot be reached with the
            // shipped file. Failing closed: a calendar with no coverage
            // answers every query with OutOfCoverage instead of guessing.
            Err(_) => Self {
                inner: ScheduleCalendar::empty(),
            },
        }
    }

    /// The built-in data validated, or why it is not.
    ///
    /// # Errors
    ///
    /// The [`ScheduleError`] of the built-in data (never, for a released crate).
    pub fn try_official() -> Result<Self, ScheduleError> {
        official().clone().map(|inner| Self { inner })
    }

    /// A new calendar with the schedule years in `update` added or replaced:
    /// for the next year's notice, or a correction. The result is validated
    /// as a whole; `self` is unchanged.
    ///
    /// # Errors
    ///
    /// A [`ScheduleError`] for the first problem found.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use social_credit::calendar::{ChinaCalendar, Schedule, WorkCalendar};
    ///
    /// let next: Schedule = serde_json::from_str(r#"{"rows": [
    ///   {"schedule": 2027, "kind": "holiday", "first": "2027-01-01", "last": "2027-01-03",
    ///    "name": "New Year's Day 元旦", "notice": "the 2027 notice"}
    /// ]}"#)?;
    /// let cal = ChinaCalendar::official().with_schedule(next)?;
    /// assert_eq!(*cal.coverage().end(), NaiveDate::from_ymd_opt(2027, 12, 31).unwrap());
    /// assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_schedule(&self, update: Schedule) -> Result<Self, ScheduleError> {
        self.inner.with_schedule(update).map(|inner| Self { inner })
    }

    /// A day's status: working or not, why (the holiday and its notice), and
    /// whether the next notice may still change it.
    ///
    /// # Errors
    ///
    /// [`CalendarError::OutOfCoverage`] outside the coverage.
    pub fn day_status(&self, date: NaiveDate) -> Result<DayStatus, CalendarError> {
        self.inner.day_status(date)
    }

    /// The schedule rows, sorted by first day.
    pub fn rows(&self) -> &[ScheduleRow] {
        self.inner.rows()
    }

    /// The general calendar inside.
    pub fn as_schedule_calendar(&self) -> &ScheduleCalendar {
        &self.inner
    }

    /// The first day whose status is provisional.
    pub fn provisional_from(&self) -> NaiveDate {
        self.inner.provisional_from()
    }

    /// The size of the query index in bytes.
    pub fn index_size_bytes(&self) -> usize {
        self.inner.index_size_bytes()
    }
}

impl WorkCalendar for ChinaCalendar {
    #[inline]
    fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        self.inner.is_working_day(date)
    }

    #[inline]
    fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        self.inner.add_working_days(date, n)
    }

    #[inline]
    fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<i64, CalendarError> {
        self.inner.working_days_between(a, b)
    }

    fn coverage(&self) -> RangeInclusive<NaiveDate> {
        self.inner.coverage()
    }
}
