//! Holiday schedules as data, and the calendar indexed from them.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{CalendarError, WorkCalendar};

/// What a schedule row sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// Days off (放假): a whole holiday period, weekend days inside it included.
    Holiday,
    /// An adjusted working day (调休上班): a Saturday or Sunday that is worked.
    Workday,
}

/// One row of a holiday schedule: a holiday period or one adjusted working
/// day, with the notice that set it.
///
/// The built-in file `data/calendar/cn.csv` has one row per line with these
/// columns; the same shape loads from JSON or TOML through serde, with
/// dates written as `"YYYY-MM-DD"` strings (in TOML too: quote them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleRow {
    /// The year whose schedule the row belongs to. A notice for year Y may
    /// set days in late December of Y−1 (the 2019 notice made Saturday
    /// 29 December 2018 a working day).
    pub schedule: i32,
    /// Holiday period or adjusted working day.
    pub kind: RowKind,
    /// First day, inclusive.
    pub first: NaiveDate,
    /// Last day, inclusive (equal to `first` for a working day).
    pub last: NaiveDate,
    /// The holiday's name, English then Chinese.
    pub name: String,
    /// The notice that set the row, e.g. `国办发明电〔2018〕15号`.
    pub notice: String,
}

/// A jurisdiction's holiday schedules: the data a [`ScheduleCalendar`] is
/// built from.
///
/// # Example
///
/// A year's schedule from TOML, as a user would add the next notice before a
/// release of this crate ships it:
///
/// ```
/// use social_credit::calendar::Schedule;
///
/// let schedule: Schedule = toml::from_str(r#"
///     [[rows]]
///     schedule = 2027
///     kind = "holiday"
///     first = "2027-01-01"
///     last = "2027-01-03"
///     name = "New Year's Day 元旦"
///     notice = "国办发明电〔2026〕X号"
/// "#)?;
/// assert_eq!(schedule.rows.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// The rows, in any order.
    pub rows: Vec<ScheduleRow>,
}

impl Schedule {
    /// Reads a notice from the text of a file: JSON (`{"rows": [...]}`,
    /// the serde shape of [`Schedule`]) when it starts with `{`, otherwise
    /// CSV in the shape of the built-in file (see
    /// [`ScheduleCalendar::parse_csv`]). For a service that loads the next
    /// year's notice at run time, without a release of this crate.
    ///
    /// # Errors
    ///
    /// [`ScheduleError::Json`] or [`ScheduleError::Csv`] naming the problem;
    /// [`ScheduleError::TooLarge`] for a text over [`MAX_SCHEDULE_TEXT_BYTES`].
    ///
    /// # Example
    ///
    /// ```
    /// use social_credit::calendar::Schedule;
    ///
    /// let csv = "schedule,kind,first,last,name,notice\n\
    ///            2027,holiday,2027-01-01,2027-01-01,New Year's Day 元旦,国办发明电〔2026〕X号\n";
    /// assert_eq!(Schedule::from_text(csv)?.rows.len(), 1);
    /// assert!(Schedule::from_text("{\"rows\": 3}").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_text(text: &str) -> Result<Self, ScheduleError> {
        if text.len() > MAX_SCHEDULE_TEXT_BYTES {
            return Err(ScheduleError::TooLarge {
                bytes: text.len(),
                max: MAX_SCHEDULE_TEXT_BYTES,
            });
        }
        if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| ScheduleError::Json {
                problem: e.to_string(),
            })
        } else {
            ScheduleCalendar::parse_csv(text)
        }
    }
}

/// The largest schedule text [`Schedule::from_text`] and
/// [`ScheduleCalendar::parse_csv`] read (1 MiB; the built-in 23 years are
/// about 40 KiB): a loader bounds what it accepts (issue 17, defect 3).
pub const MAX_SCHEDULE_TEXT_BYTES: usize = 1 << 20;

/// Why schedule data cannot make a calendar. Nothing is built from data
/// with any of these problems.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The text is larger than [`MAX_SCHEDULE_TEXT_BYTES`].
    #[error("schedule text has {bytes} bytes, more than the {max} a schedule may have")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The most allowed.
        max: usize,
    },
    /// A line of a CSV schedule could not be read.
    #[error("line {line} of the schedule: {problem}")]
    Csv {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        problem: String,
    },
    /// A JSON schedule could not be read.
    #[error("the JSON schedule: {problem}")]
    Json {
        /// What is wrong with it.
        problem: String,
    },
    /// The schedule has no rows.
    #[error("the schedule has no rows")]
    Empty,
    /// A row ends before it starts.
    #[error("row `{name}` of {schedule} ends on {last}, before it starts on {first}")]
    Reversed {
        /// The row's schedule year.
        schedule: i32,
        /// The row's name.
        name: String,
        /// Its first day.
        first: NaiveDate,
        /// Its last day.
        last: NaiveDate,
    },
    /// A working-day row spans more than one day.
    #[error("adjusted working day row `{name}` of {schedule} spans {first} to {last}; write one row per day")]
    WorkdaySpan {
        /// The row's schedule year.
        schedule: i32,
        /// The row's name.
        name: String,
        /// Its first day.
        first: NaiveDate,
        /// Its last day.
        last: NaiveDate,
    },
    /// An adjusted working day that is not a Saturday or Sunday.
    #[error("{date} is listed as an adjusted working day but is a {weekday}, not a weekend day")]
    WorkdayNotWeekend {
        /// The day.
        date: NaiveDate,
        /// Its weekday.
        weekday: Weekday,
    },
    /// A day that is both a holiday and an adjusted working day.
    #[error("{date} is listed both as a holiday and as an adjusted working day")]
    HolidayAndWorkday {
        /// The day.
        date: NaiveDate,
    },
    /// A day listed twice, in two holiday periods or as two working days.
    #[error("{date} is listed twice")]
    Duplicate {
        /// The day.
        date: NaiveDate,
    },
    /// A year inside the coverage with no rows.
    #[error("no rows for {year}, inside the schedule's years {first} to {last}")]
    GapYear {
        /// The missing year.
        year: i32,
        /// The first schedule year.
        first: i32,
        /// The last schedule year.
        last: i32,
    },
    /// A row dated outside the years the schedule covers, or too far from
    /// its schedule year.
    #[error("row `{name}` of {schedule} sets {date}, outside the covered years or not in {schedule} or the December before it")]
    RowOutsideCoverage {
        /// The row's schedule year.
        schedule: i32,
        /// The row's name.
        name: String,
        /// The day.
        date: NaiveDate,
    },
    /// A projection asked for a year the statutory rules or the lunar table
    /// do not answer.
    #[error("the statutory rules project only the years {first} to {last} (the rules of 2025 and the lunar table); {year} is outside")]
    BeyondStatutoryRules {
        /// The year asked for.
        year: i32,
        /// The first year the rules apply to.
        first: i32,
        /// The last year of the lunar table.
        last: i32,
    },
    /// A year loaded as complete lacks a statutory day off.
    #[error("the {year} schedule has no holiday row for {date} ({holiday}); a complete notice names every statutory day off, otherwise load the year as partial")]
    IncompleteYear {
        /// The year.
        year: i32,
        /// The holiday of the rules.
        holiday: String,
        /// Its statutory day no holiday row covers.
        date: NaiveDate,
    },
    /// The coverage is too long for the index (more than 170 years), or
    /// lies outside the dates chrono can represent.
    #[error("schedules spanning {years} years are more than the index holds (170)")]
    TooLong {
        /// The number of years (`i32::MAX` for any span longer than that).
        years: i32,
    },
}

/// Whether a date's status can still change, from the most settled to the
/// least: `Final < Provisional < Projected`. A count is as final as the
/// least final day it went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finality {
    /// Set by a published notice and not open to change by the next one.
    Final,
    /// In the last weeks of the final year a notice covers: the next year's
    /// notice may still change it (as the 2019 notice changed 29–31 December
    /// 2018).
    Provisional,
    /// After the last published notice (or a day a partial notice does not
    /// name): answered by the statutory rules (全国年节及纪念日放假办法), with
    /// no adjusted working days; the year's notice, once loaded, decides.
    Projected,
}

impl Finality {
    /// Words an official reads after a date: empty for a final day,
    /// otherwise why it may still change, e.g. `", projected: the 2027
    /// holiday notice is not loaded"` for a day of 2027.
    pub fn describe(self, date: NaiveDate) -> String {
        match self {
            Self::Final => String::new(),
            Self::Provisional => format!(
                ", provisional: the {} holiday notice may still change late December",
                date.year() + 1
            ),
            Self::Projected => format!(
                ", projected: the {} holiday notice is not loaded",
                date.year()
            ),
        }
    }
}

impl fmt::Display for Finality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Final => "final",
            Self::Provisional => "provisional",
            Self::Projected => "projected",
        })
    }
}

/// Why a day is or is not a working day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayKind {
    /// An ordinary Monday to Friday.
    Weekday,
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A day of a holiday period.
    Holiday {
        /// The holiday's name.
        name: String,
        /// The notice that set it.
        notice: String,
    },
    /// A Saturday or Sunday moved into work (调休).
    AdjustedWorkday {
        /// The holiday it was moved for.
        name: String,
        /// The notice that set it.
        notice: String,
    },
}

/// A day's status with its reason and finality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayStatus {
    /// The day.
    pub date: NaiveDate,
    /// Whether it is a working day.
    pub working: bool,
    /// Why.
    pub kind: DayKind,
    /// Whether the next notice may still change it.
    pub finality: Finality,
}

/// The precomputed index behind constant-time queries.
///
/// INVARIANT: `cumulative.len()` is the number of days in the coverage and
/// `cumulative[i]` counts the working days in `[first, first + i]`;
/// `working_days[k]` is the (k+1)th working day of the coverage, so
/// `working_days.len() == cumulative.last()`; `year_start[y]` is the index of
/// 1 January of `first.year() + y`; every day before index `settled` is
/// final, and `unsettled[i]` and `projected[i]` count the days in
/// `[first + settled, first + settled + i]` that are not final and that are
/// projected, so the least final day of any range is two subtractions away.
#[derive(Debug, PartialEq, Eq)]
struct Index {
    first: NaiveDate,
    last: NaiveDate,
    provisional_from: NaiveDate,
    year_start: Vec<u16>,
    cumulative: Vec<u16>,
    working_days: Vec<NaiveDate>,
    settled: usize,
    unsettled: Vec<u16>,
    projected: Vec<u16>,
}

/// A calendar of working days built from schedule data: weekends off,
/// holiday periods off, adjusted working days worked, and nothing known
/// outside the schedule's years.
///
/// Every query is a constant-time lookup in an index precomputed over the
/// coverage (about 40 KiB for 23 years). Cloning is cheap: clones share
/// the index.
///
/// Use [`ChinaCalendar`](super::ChinaCalendar) for the official mainland
/// China calendar; build a `ScheduleCalendar` for another jurisdiction from
/// the same data shape with [`ScheduleCalendar::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleCalendar {
    index: Arc<Index>,
    // INVARIANT: sorted by first day, non-overlapping, all inside the coverage.
    rows: Arc<Vec<ScheduleRow>>,
}

/// Checked schedule data: the rows sorted by first day, every day a row
/// sets with its kind, and the first and last day of the coverage.
pub(crate) type Checked = (
    Vec<ScheduleRow>,
    BTreeMap<NaiveDate, RowKind>,
    NaiveDate,
    NaiveDate,
);

/// The largest number of schedule years (the index counts days in `u16`).
const MAX_YEARS: i32 = 170;

impl ScheduleCalendar {
    /// Builds and validates a calendar from schedule data.
    ///
    /// The coverage runs from 1 January of the first schedule year to
    /// 31 December of the last; every year between must have rows. Rows of
    /// schedule year Y may set days of Y or of December of Y−1.
    ///
    /// # Errors
    ///
    /// A [`ScheduleError`] for the first problem found in the data.
    pub fn new(schedule: Schedule) -> Result<Self, ScheduleError> {
        let (rows, days, first, last) = Self::validate(schedule)?;
        let provisional_from = december_first(last);
        Ok(Self::build(
            rows,
            &days,
            first,
            last,
            provisional_from,
            |d| {
                if d >= provisional_from {
                    Finality::Provisional
                } else {
                    Finality::Final
                }
            },
        ))
    }

    /// Checks schedule data: the rows sorted, each listed day with its kind,
    /// and the coverage (1 January of the first schedule year to 31 December
    /// of the last).
    pub(crate) fn validate(schedule: Schedule) -> Result<Checked, ScheduleError> {
        let mut rows = schedule.rows;
        let (first_year, last_year) = match (
            rows.iter().map(|r| r.schedule).min(),
            rows.iter().map(|r| r.schedule).max(),
        ) {
            (Some(a), Some(b)) => (a, b),
            _ => return Err(ScheduleError::Empty),
        };
        // In i64: years far apart (JSON or CSV can give any i32) overflow i32.
        let span = i64::from(last_year) - i64::from(first_year) + 1;
        let years = i32::try_from(span).unwrap_or(i32::MAX);
        if years > MAX_YEARS {
            return Err(ScheduleError::TooLong { years });
        }
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(first_year, 1, 1),
            NaiveDate::from_ymd_opt(last_year, 12, 31),
        ) else {
            return Err(ScheduleError::TooLong { years });
        };
        for year in first_year..=last_year {
            if !rows.iter().any(|r| r.schedule == year) {
                return Err(ScheduleError::GapYear {
                    year,
                    first: first_year,
                    last: last_year,
                });
            }
        }
        // One entry per listed day; rejects duplicates and contradictions.
        let mut days: BTreeMap<NaiveDate, RowKind> = BTreeMap::new();
        for row in &rows {
            if row.last < row.first {
                return Err(ScheduleError::Reversed {
                    schedule: row.schedule,
                    name: row.name.clone(),
                    first: row.first,
                    last: row.last,
                });
            }
            if row.kind == RowKind::Workday && row.last != row.first {
                return Err(ScheduleError::WorkdaySpan {
                    schedule: row.schedule,
                    name: row.name.clone(),
                    first: row.first,
                    last: row.last,
                });
            }
            let earliest = NaiveDate::from_ymd_opt(row.schedule - 1, 12, 1).unwrap_or(first);
            let latest = NaiveDate::from_ymd_opt(row.schedule, 12, 31).unwrap_or(last);
            for date in row.first.iter_days().take_while(|d| *d <= row.last) {
                if date < first.max(earliest) || date > latest {
                    return Err(ScheduleError::RowOutsideCoverage {
                        schedule: row.schedule,
                        name: row.name.clone(),
                        date,
                    });
                }
                if row.kind == RowKind::Workday && !is_weekend(date) {
                    return Err(ScheduleError::WorkdayNotWeekend {
                        date,
                        weekday: date.weekday(),
                    });
                }
                match days.insert(date, row.kind) {
                    None => {}
                    Some(previous) if previous == row.kind => {
                        return Err(ScheduleError::Duplicate { date })
                    }
                    Some(_) => return Err(ScheduleError::HolidayAndWorkday { date }),
                }
            }
        }
        rows.sort_by_key(|r| (r.first, r.schedule));
        Ok((rows, days, first, last))
    }

    /// Builds the index over `first..=last` from checked rows and their days
    /// (`days` holds every day a row sets), with each day's finality.
    pub(crate) fn build(
        rows: Vec<ScheduleRow>,
        days: &BTreeMap<NaiveDate, RowKind>,
        first: NaiveDate,
        last: NaiveDate,
        provisional_from: NaiveDate,
        finality: impl Fn(NaiveDate) -> Finality,
    ) -> Self {
        let span = usize::try_from((last - first).num_days() + 1).unwrap_or(0);
        let mut year_start = Vec::new();
        let mut cumulative = Vec::with_capacity(span);
        let mut settled = None;
        let mut unsettled = Vec::new();
        let mut projected = Vec::new();
        let mut working_days = Vec::new();
        let (mut count, mut open, mut guessed): (u16, u16, u16) = (0, 0, 0);
        for (i, date) in first.iter_days().take_while(|d| *d <= last).enumerate() {
            if date.ordinal() == 1 {
                year_start.push(u16::try_from(i).unwrap_or(u16::MAX));
            }
            let working = match days.get(&date) {
                Some(RowKind::Holiday) => false,
                Some(RowKind::Workday) => true,
                None => !is_weekend(date),
            };
            if working {
                count = count.saturating_add(1);
                working_days.push(date);
            }
            match finality(date) {
                Finality::Final => {}
                Finality::Provisional => open = open.saturating_add(1),
                Finality::Projected => {
                    open = open.saturating_add(1);
                    guessed = guessed.saturating_add(1);
                }
            }
            cumulative.push(count);
            if settled.is_none() && open > 0 {
                settled = Some(i);
            }
            if settled.is_some() {
                unsettled.push(open);
                projected.push(guessed);
            }
        }
        working_days.shrink_to_fit();
        unsettled.shrink_to_fit();
        projected.shrink_to_fit();
        let settled = settled.unwrap_or(span);
        Self {
            index: Arc::new(Index {
                first,
                last,
                provisional_from,
                year_start,
                cumulative,
                working_days,
                settled,
                unsettled,
                projected,
            }),
            rows: Arc::new(rows),
        }
    }

    /// A calendar that covers no day: every query is out of coverage.
    pub(crate) fn empty() -> Self {
        Self {
            index: Arc::new(Index {
                first: NaiveDate::MAX,
                last: NaiveDate::MIN,
                provisional_from: NaiveDate::MIN,
                year_start: Vec::new(),
                cumulative: Vec::new(),
                working_days: Vec::new(),
                settled: 0,
                unsettled: Vec::new(),
                projected: Vec::new(),
            }),
            rows: Arc::new(Vec::new()),
        }
    }

    /// Parses schedule rows from CSV in the shape of the built-in file:
    /// `#` comment lines, a header `schedule,kind,first,last,name,notice`,
    /// then one row per line; fields hold no commas.
    ///
    /// # Errors
    ///
    /// [`ScheduleError::Csv`] naming the line and the problem;
    /// [`ScheduleError::TooLarge`] for a text over [`MAX_SCHEDULE_TEXT_BYTES`].
    pub fn parse_csv(text: &str) -> Result<Schedule, ScheduleError> {
        if text.len() > MAX_SCHEDULE_TEXT_BYTES {
            return Err(ScheduleError::TooLarge {
                bytes: text.len(),
                max: MAX_SCHEDULE_TEXT_BYTES,
            });
        }
        const HEADER: &str = "schedule,kind,first,last,name,notice";
        let mut rows = Vec::new();
        let mut header_seen = false;
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let csv = |problem: String| ScheduleError::Csv {
                line: line_no,
                problem,
            };
            if !header_seen {
                if line != HEADER {
                    return Err(csv(format!(
                        "expected the header `{HEADER}`, found `{line}`"
                    )));
                }
                header_seen = true;
                continue;
            }
            let fields: Vec<&str> = line.split(',').collect();
            let [schedule, kind, first, last, name, notice] = fields.as_slice() else {
                return Err(csv(format!("expected 6 fields, found {}", fields.len())));
            };
            let date = |s: &str| {
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| csv(format!("`{s}` is not a date (YYYY-MM-DD)")))
            };
            rows.push(ScheduleRow {
                schedule: schedule
                    .parse()
                    .map_err(|_| csv(format!("`{schedule}` is not a year")))?,
                kind: match *kind {
                    "holiday" => RowKind::Holiday,
                    "workday" => RowKind::Workday,
                    other => {
                        return Err(csv(format!(
                            "`{other}` is not a row kind (expected `holiday` or `workday`)"
                        )))
                    }
                },
                first: date(first)?,
                last: date(last)?,
                name: (*name).to_owned(),
                notice: (*notice).to_owned(),
            });
        }
        if !header_seen {
            return Err(ScheduleError::Empty);
        }
        Ok(Schedule { rows })
    }

    /// The schedule rows the calendar was built from, sorted by first day.
    pub fn rows(&self) -> &[ScheduleRow] {
        &self.rows
    }

    /// The schedule data, for extending: see [`ScheduleCalendar::with_schedule`].
    pub fn schedule(&self) -> Schedule {
        Schedule {
            rows: self.rows.to_vec(),
        }
    }

    /// A new calendar with `update` applied: every schedule year present in
    /// `update` replaces that year's rows (correcting it, or adding a year
    /// after the last), and the result is validated as a whole.
    ///
    /// # Errors
    ///
    /// A [`ScheduleError`] for the first problem in the combined data; `self`
    /// is unchanged either way.
    pub fn with_schedule(&self, update: Schedule) -> Result<Self, ScheduleError> {
        let replaced: Vec<i32> = update.rows.iter().map(|r| r.schedule).collect();
        let mut rows: Vec<ScheduleRow> = self
            .rows
            .iter()
            .filter(|r| !replaced.contains(&r.schedule))
            .cloned()
            .collect();
        rows.extend(update.rows);
        Self::new(Schedule { rows })
    }

    /// The first day whose status the next year's notice may still change:
    /// 1 December of the last covered year.
    ///
    /// Every notice from 2004 to 2026 that changed the year before touched
    /// only its last days (29–31 December); a whole month's margin is kept.
    pub fn provisional_from(&self) -> NaiveDate {
        self.index.provisional_from
    }

    /// A day's status: working or not, why, and whether it is final.
    ///
    /// # Errors
    ///
    /// [`CalendarError::OutOfCoverage`] outside the coverage.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use social_credit::calendar::{ChinaCalendar, DayKind, Finality};
    ///
    /// let cal = ChinaCalendar::official();
    /// let day = cal.day_status(NaiveDate::from_ymd_opt(2019, 9, 29).unwrap())?;
    /// assert!(day.working); // a Sunday worked for National Day
    /// assert!(matches!(day.kind, DayKind::AdjustedWorkday { .. }));
    /// assert_eq!(day.finality, Finality::Final);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn day_status(&self, date: NaiveDate) -> Result<DayStatus, CalendarError> {
        let working = self.is_working_day(date)?;
        let row = self
            .rows
            .get(self.rows.partition_point(|r| r.last < date))
            .filter(|r| r.first <= date);
        let kind = match row {
            Some(r) if r.kind == RowKind::Holiday => DayKind::Holiday {
                name: r.name.clone(),
                notice: r.notice.clone(),
            },
            Some(r) => DayKind::AdjustedWorkday {
                name: r.name.clone(),
                notice: r.notice.clone(),
            },
            None if is_weekend(date) => DayKind::Weekend,
            None => DayKind::Weekday,
        };
        let finality = self.finality_between(date.pred_opt().unwrap_or(date), date)?;
        Ok(DayStatus {
            date,
            working,
            kind,
            finality,
        })
    }

    /// The size of the query index in bytes (heap and inline), for checking
    /// the memory budget.
    pub fn index_size_bytes(&self) -> usize {
        let i = &self.index;
        std::mem::size_of::<Index>()
            + i.year_start.capacity() * std::mem::size_of::<u16>()
            + i.cumulative.capacity() * std::mem::size_of::<u16>()
            + i.working_days.capacity() * std::mem::size_of::<NaiveDate>()
            + (i.unsettled.capacity() + i.projected.capacity()) * std::mem::size_of::<u16>()
    }

    fn out_of_coverage(&self, date: NaiveDate, working_days: Option<u32>) -> CalendarError {
        CalendarError::OutOfCoverage {
            date,
            coverage: self.coverage(),
            working_days,
        }
    }

    /// The index of `date` in the coverage, in constant time.
    #[inline]
    fn position(&self, date: NaiveDate) -> Option<usize> {
        let i = &self.index;
        let year = usize::try_from(date.year() - i.first.year()).ok()?;
        let start = *i.year_start.get(year)?;
        Some(usize::from(start) + date.ordinal0() as usize)
    }

    /// Working days in `[first, date]`.
    #[inline]
    fn count_through(&self, date: NaiveDate) -> Result<u16, CalendarError> {
        self.position(date)
            .and_then(|p| self.index.cumulative.get(p).copied())
            .ok_or_else(|| self.out_of_coverage(date, None))
    }
}

/// 1 December of `date`'s year.
pub(crate) fn december_first(date: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(date.year(), 12, 1).unwrap_or(date)
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

impl WorkCalendar for ScheduleCalendar {
    #[inline]
    fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let p = self
            .position(date)
            .ok_or_else(|| self.out_of_coverage(date, None))?;
        let c = &self.index.cumulative;
        match (p.checked_sub(1).and_then(|q| c.get(q)), c.get(p)) {
            (Some(before), Some(now)) => Ok(now > before),
            (None, Some(now)) => Ok(*now == 1),
            _ => Err(self.out_of_coverage(date, None)),
        }
    }

    #[inline]
    fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let through = self.count_through(date)?;
        if n == 0 {
            return Ok(date);
        }
        // The nth working day after `date` is the (through + n)th of the
        // coverage, at index through + n - 1.
        usize::try_from(n)
            .ok()
            .and_then(|n| self.index.working_days.get(usize::from(through) + n - 1))
            .copied()
            .ok_or_else(|| self.out_of_coverage(date, Some(n)))
    }

    #[inline]
    fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<i64, CalendarError> {
        Ok(i64::from(self.count_through(b)?) - i64::from(self.count_through(a)?))
    }

    fn coverage(&self) -> RangeInclusive<NaiveDate> {
        self.index.first..=self.index.last
    }

    #[inline]
    fn finality_between(&self, a: NaiveDate, b: NaiveDate) -> Result<Finality, CalendarError> {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        let i = &self.index;
        let at = |v: &[u16], date: NaiveDate, p: Option<usize>| -> Result<u16, CalendarError> {
            match p {
                // The day before the coverage counts nothing.
                None if date.succ_opt() == Some(i.first) => Ok(0),
                Some(p) if p < i.cumulative.len() => match p.checked_sub(i.settled) {
                    None => Ok(0),
                    Some(q) => v
                        .get(q)
                        .copied()
                        .ok_or_else(|| self.out_of_coverage(date, None)),
                },
                _ => Err(self.out_of_coverage(date, None)),
            }
        };
        let (pa, pb) = (self.position(a), self.position(b));
        if at(&i.projected, b, pb)? > at(&i.projected, a, pa)? {
            Ok(Finality::Projected)
        } else if at(&i.unsettled, b, pb)? > at(&i.unsettled, a, pa)? {
            Ok(Finality::Provisional)
        } else {
            Ok(Finality::Final)
        }
    }
}

impl fmt::Display for RowKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Holiday => "holiday",
            Self::Workday => "workday",
        })
    }
}
