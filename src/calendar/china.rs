//! The official working-day calendar of mainland China.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;
use std::sync::{Arc, OnceLock};

use chrono::{Datelike, NaiveDate};

use super::schedule::{
    december_first, DayStatus, Finality, RowKind, Schedule, ScheduleCalendar, ScheduleError,
    ScheduleRow,
};
use super::statutory;
use super::{CalendarError, WorkCalendar};

/// The built-in schedule: every State Council General Office notice on
/// public holidays (国务院办公厅关于…年部分节假日安排的通知) from 2004 to 2026,
/// with the amending notices applied, one row per holiday period or adjusted
/// working day, each naming its notice.
pub const OFFICIAL_CSV: &str = include_str!("../../data/calendar/cn.csv");

/// The working-day calendar of mainland China: Saturdays and Sundays off,
/// the public holidays of each year's State Council notice off, and the
/// adjusted working days (调休) of that notice worked (国务院办公厅关于…部分节假日安排的通知).
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
/// see [`ChinaCalendar::with_schedule`]. Until then,
/// [`projected_until`](ChinaCalendar::projected_until) answers the days
/// after the last notice by the statutory rules, each reported
/// [`Finality::Projected`](super::Finality::Projected);
/// [`official_projected`](ChinaCalendar::official_projected) is the
/// built-in calendar projected five years ahead.
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
    /// The index over the notices' days and, after them, projected days.
    inner: ScheduleCalendar,
    /// The notices' rows alone (no projected row), sorted.
    notices: Arc<Vec<ScheduleRow>>,
    /// Schedule years loaded as partial: the days they do not name are projected.
    partial: Arc<BTreeSet<i32>>,
    /// The last day projected, when the calendar is projected.
    horizon: Option<NaiveDate>,
}

static OFFICIAL: OnceLock<Result<ChinaCalendar, ScheduleError>> = OnceLock::new();

fn official() -> &'static Result<ChinaCalendar, ScheduleError> {
    OFFICIAL.get_or_init(|| {
        let schedule = ScheduleCalendar::parse_csv(OFFICIAL_CSV)?;
        for year in statutory::RULES_FROM..=2026 {
            statutory::check_complete(year, &schedule.rows)?;
        }
        ChinaCalendar::assemble(schedule.rows, BTreeSet::new(), None)
    })
}

impl ChinaCalendar {
    /// The built-in official calendar, 2004–2026. Parsed once per process;
    /// later calls share the index.
    pub fn official() -> Self {
        match official() {
            Ok(cal) => cal.clone(),
            // The built-in data is validated by this crate's tests
            // (`official_data_is_valid`); this arm cannot be reached with the
            // shipped file. Failing closed: a calendar with no coverage
            // answers every query with OutOfCoverage instead of guessing.
            Err(_) => Self {
                inner: ScheduleCalendar::empty(),
                notices: Arc::new(Vec::new()),
                partial: Arc::new(BTreeSet::new()),
                horizon: None,
            },
        }
    }

    /// The built-in official calendar projected five years past its last
    /// notice (through 31 December 2031 with the 2026 notice): what
    /// [`Registry::official`](crate::registry::Registry::official) uses.
    /// Built once per process; later calls share the index.
    pub fn official_projected() -> Self {
        static PROJECTED: OnceLock<ChinaCalendar> = OnceLock::new();
        PROJECTED
            .get_or_init(|| {
                let official = Self::official();
                let last = official.last_notice_day();
                NaiveDate::from_ymd_opt(last.year() + 5, 12, 31)
                    .and_then(|horizon| official.projected_until(horizon).ok())
                    // The table reaches 2099 (tested); failing closed to the
                    // strict calendar rather than guessing further.
                    .unwrap_or(official)
            })
            .clone()
    }

    /// Builds the calendar from notice rows, partial years and an optional
    /// projection horizon.
    fn assemble(
        notice_rows: Vec<ScheduleRow>,
        partial: BTreeSet<i32>,
        horizon: Option<NaiveDate>,
    ) -> Result<Self, ScheduleError> {
        let (notices, mut days, first, notice_last) =
            ScheduleCalendar::validate(Schedule { rows: notice_rows })?;
        let last = horizon.map_or(notice_last, |h| h.max(notice_last));
        // Days a notice names, and the years projected in full or in part.
        let named = days.clone();
        let mut years: Vec<i32> = partial.iter().copied().collect();
        years.extend(notice_last.year() + 1..=last.year());
        let mut projected_rows = Vec::new();
        for year in years {
            let of_year: BTreeMap<NaiveDate, RowKind> = named
                .iter()
                .filter(|(d, _)| d.year() == year)
                .map(|(d, k)| (*d, *k))
                .collect();
            for row in statutory::project_year(year, &of_year)? {
                if row.first <= last {
                    days.insert(row.first, RowKind::Holiday);
                    projected_rows.push(row);
                }
            }
        }
        let mut rows = notices.clone();
        rows.extend(projected_rows);
        rows.sort_by_key(|r| (r.first, r.schedule));
        let provisional_from = december_first(notice_last);
        let finality = |d: NaiveDate| {
            if d > notice_last || (partial.contains(&d.year()) && !named.contains_key(&d)) {
                Finality::Projected
            } else if d >= provisional_from {
                Finality::Provisional
            } else {
                Finality::Final
            }
        };
        let inner = ScheduleCalendar::build(rows, &days, first, last, provisional_from, finality);
        Ok(Self {
            inner,
            notices: Arc::new(notices),
            partial: Arc::new(partial),
            horizon,
        })
    }

    /// This calendar, answering every day after its last notice through
    /// `last` by the statutory rules (全国年节及纪念日放假办法, as amended by
    /// State Council Order No. 795 of 2024, in force 1 January 2025): the
    /// statutory days off, a make-up day off (补假) on the first working
    /// days after a holiday for each statutory day on a Saturday or Sunday,
    /// and no adjusted working days (调休), which only a notice sets.
    ///
    /// Every projected day reports [`Finality::Projected`] in
    /// [`day_status`](Self::day_status), and counts over them say so in
    /// [`WorkCalendar::finality_between`]. A later
    /// [`with_schedule`](Self::with_schedule) keeps the projection: the
    /// loaded year's days become official, the years after stay projected.
    /// A `last` inside the notices' coverage changes nothing.
    ///
    /// # Errors
    ///
    /// [`ScheduleError::BeyondStatutoryRules`] when `last` is after the
    /// lunar table (2099).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use social_credit::calendar::{ChinaCalendar, Finality, WorkCalendar};
    ///
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// let cal = ChinaCalendar::official().projected_until(d(2031, 12, 31))?;
    /// // 1–2 May 2027 fall on a weekend: 3 and 4 May are made up.
    /// assert!(!cal.is_working_day(d(2027, 5, 4))?);
    /// assert_eq!(cal.day_status(d(2027, 5, 4))?.finality, Finality::Projected);
    /// // Received Sunday 20 December 2026: 12 working days end on 6 January 2027.
    /// assert_eq!(cal.add_working_days(d(2026, 12, 20), 12)?, d(2027, 1, 6));
    /// assert!(ChinaCalendar::official().projected_until(d(2100, 1, 1)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn projected_until(&self, last: NaiveDate) -> Result<Self, ScheduleError> {
        let horizon = self.horizon.map_or(last, |h| h.max(last));
        Self::assemble(
            self.notices.to_vec(),
            (*self.partial).clone(),
            Some(horizon),
        )
    }

    /// The last day a loaded notice covers (31 December of the last notice
    /// year); days after it are projected or outside the coverage.
    pub fn last_notice_day(&self) -> NaiveDate {
        self.notices
            .iter()
            .map(|r| r.schedule)
            .max()
            .and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31))
            .unwrap_or(NaiveDate::MIN)
    }

    /// Whether some day of the coverage is projected.
    pub fn is_projected(&self) -> bool {
        self.horizon.is_some() || !self.partial.is_empty()
    }

    /// The schedule years loaded as partial (see
    /// [`with_partial_schedule`](Self::with_partial_schedule)).
    pub fn partial_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.partial.iter().copied()
    }

    /// The built-in data validated, or why it is not.
    ///
    /// # Errors
    ///
    /// The [`ScheduleError`] of the built-in data (never, for a released crate).
    pub fn try_official() -> Result<Self, ScheduleError> {
        official().clone()
    }

    /// A new calendar with the schedule years in `update` added or replaced:
    /// for the next year's notice, or a correction. The result is validated
    /// as a whole; `self` is unchanged. A projected calendar stays projected
    /// to the same last day, from after the new last notice.
    ///
    /// Each year of `update` from 2025 on must be complete: a holiday row
    /// covering every statutory day off of the rules (a notice names them
    /// all). A notice known only in part loads with
    /// [`with_partial_schedule`](Self::with_partial_schedule).
    ///
    /// # Errors
    ///
    /// [`ScheduleError::IncompleteYear`] naming the first statutory day a
    /// year of `update` lacks, or another [`ScheduleError`] for the first
    /// problem found.
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
    /// // A New Year row alone is not the 2027 notice: its Spring Festival is missing.
    /// assert!(ChinaCalendar::official().with_schedule(next.clone()).is_err());
    /// // Loaded as partial, the days it does not name stay projected.
    /// let cal = ChinaCalendar::official().with_partial_schedule(next)?;
    /// assert_eq!(*cal.coverage().end(), NaiveDate::from_ymd_opt(2027, 12, 31).unwrap());
    /// assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())?);
    /// // 除夕 2027 is 5 February: a projected day off.
    /// assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2027, 2, 5).unwrap())?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_schedule(&self, update: Schedule) -> Result<Self, ScheduleError> {
        let years: BTreeSet<i32> = update.rows.iter().map(|r| r.schedule).collect();
        let mut partial = (*self.partial).clone();
        partial.retain(|y| !years.contains(y));
        // The data's own problems first, then what it leaves out.
        let checked = self.merged(update, &years, partial)?;
        for year in &years {
            statutory::check_complete(*year, &checked.notices)?;
        }
        Ok(checked)
    }

    /// A calendar from notice data alone (no built-in year), checked as
    /// [`with_schedule`](Self::with_schedule) checks an update.
    ///
    /// # Errors
    ///
    /// As [`with_schedule`](Self::with_schedule).
    pub fn from_schedule(schedule: Schedule) -> Result<Self, ScheduleError> {
        let years: BTreeSet<i32> = schedule.rows.iter().map(|r| r.schedule).collect();
        let cal = Self::assemble(schedule.rows, BTreeSet::new(), None)?;
        for year in &years {
            statutory::check_complete(*year, &cal.notices)?;
        }
        Ok(cal)
    }

    /// As [`with_schedule`](Self::with_schedule), for a notice known only in
    /// part (a correction, or rows typed in before the whole notice): its
    /// years are not checked for completeness, and every day of them that
    /// no row of the update names is answered by the statutory rules and
    /// reported [`Finality::Projected`]. Loading the year again with
    /// `with_schedule` makes it complete.
    ///
    /// # Errors
    ///
    /// A [`ScheduleError`] for the first problem in the combined data, or
    /// [`ScheduleError::BeyondStatutoryRules`] for a partial year the rules
    /// do not answer (before 2025, after 2099).
    pub fn with_partial_schedule(&self, update: Schedule) -> Result<Self, ScheduleError> {
        let years: BTreeSet<i32> = update.rows.iter().map(|r| r.schedule).collect();
        let mut partial = (*self.partial).clone();
        partial.extend(years.iter().copied());
        self.merged(update, &years, partial)
    }

    fn merged(
        &self,
        update: Schedule,
        years: &BTreeSet<i32>,
        partial: BTreeSet<i32>,
    ) -> Result<Self, ScheduleError> {
        let mut rows: Vec<ScheduleRow> = self
            .notices
            .iter()
            .filter(|r| !years.contains(&r.schedule))
            .cloned()
            .collect();
        rows.extend(update.rows);
        Self::assemble(rows, partial, self.horizon)
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

    /// The schedule rows, sorted by first day: the notices' and, on a
    /// projected calendar, the projected ones (their `notice` says
    /// "projected under …").
    pub fn rows(&self) -> &[ScheduleRow] {
        self.inner.rows()
    }

    /// The rows of the loaded notices alone.
    pub fn notice_rows(&self) -> &[ScheduleRow] {
        &self.notices
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

    #[inline]
    fn finality_between(&self, a: NaiveDate, b: NaiveDate) -> Result<Finality, CalendarError> {
        self.inner.finality_between(a, b)
    }
}
