//! Calendar-year arithmetic (Civil Code arts. 201–202): periods of whole
//! years, as grading, lists and assessments count them.

use chrono::{Datelike, Days, NaiveDate};

/// `day` shifted by `delta` calendar years; 29 February becomes 28
/// February in a common year (Civil Code art. 202: the last day of the
/// month when there is no corresponding day). `None` past the calendar.
fn shift_years(day: NaiveDate, delta: i64) -> Option<NaiveDate> {
    let year = i32::try_from(i64::from(day.year()).checked_add(delta)?).ok()?;
    day.with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
}

/// `day` plus `years` calendar years (29 February → 28 February); `None`
/// past the end of the calendar.
pub(crate) fn add_years(day: NaiveDate, years: u32) -> Option<NaiveDate> {
    shift_years(day, i64::from(years))
}

/// `day` minus `years` calendar years; `None` before the start of the calendar.
pub(crate) fn sub_years(day: NaiveDate, years: u32) -> Option<NaiveDate> {
    shift_years(day, -i64::from(years))
}

/// The first day on which a period of `years` full years started on `start`
/// has fully run (Civil Code arts. 201–202): `start + years + 1 day`.
/// Saturates at [`NaiveDate::MAX`].
pub(crate) fn full_years_run(start: NaiveDate, years: u32) -> NaiveDate {
    add_years(start, years)
        .and_then(|d| d.checked_add_days(Days::new(1)))
        .unwrap_or(NaiveDate::MAX)
}
