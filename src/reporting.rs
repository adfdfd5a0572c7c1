//! Quarterly reports (plan §8(3)): "各相关科室每季度首月1日前上报所负责领域守信联合激励和失信联合惩戒工作开展情况" —
//! each section reports its incentive and sanction work before the 1st day
//! of the first month of each quarter.
//!
//! # Which day is returned, and why
//!
//! A report is on the work of a quarter and is due before the 1st day of
//! the first month of the *next* quarter: the report on Q1 (January–March)
//! before 1 April, on Q2 before 1 July, on Q3 before 1 October, on Q4 before
//! 1 January of the next year. "Before the 1st" (1日前) excludes the 1st
//! itself, so the day returned as [`QuarterlyReport::due_by`] is the last
//! day on which the report is on time: the last calendar day of the quarter
//! reported on (31 March, 30 June, 30 September, 31 December). The plan
//! counts calendar days here, not working days: a due day on a weekend or
//! holiday stays where it is (a dashboard may warn earlier).
//!
//! The reports "for a year" are those on the four quarters of that year; the
//! last is due on 31 December of the same year.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::citation::Citation;
use crate::misconduct::Section;

/// The sections that report (plan §8(3) "各相关科室"): the originating
/// sections. The Office collects the reports and reports on to the city's
/// leading group, with no date set by the plan.
pub const REPORTING_SECTIONS: [Section; 4] = [
    Section::AdministrativeApproval,
    Section::SocialOrganizations,
    Section::SocialAffairs,
    Section::ElderlyCare,
];

/// One quarterly report a section owes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarterlyReport {
    /// The section that reports.
    pub section: Section,
    /// The year reported on.
    pub year: i32,
    /// The quarter reported on, 1 to 4.
    pub quarter: u32,
    /// The first day of the quarter reported on.
    pub period_from: NaiveDate,
    /// The last day of the quarter reported on.
    pub period_until: NaiveDate,
    /// The last day the report is on time: the day before the 1st of the
    /// first month of the next quarter.
    pub due_by: NaiveDate,
    /// The rule.
    pub basis: Citation,
}

/// The reports each reporting section owes on the quarters of `year`, in
/// order of due day, then section; empty for a year outside the calendar.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::reporting::quarterly_reports;
///
/// let reports = quarterly_reports(2019);
/// assert_eq!(reports.len(), 16); // 4 sections, 4 quarters
/// assert_eq!(reports[0].due_by, NaiveDate::from_ymd_opt(2019, 3, 31).unwrap());
/// assert_eq!(reports[15].due_by, NaiveDate::from_ymd_opt(2019, 12, 31).unwrap());
/// ```
pub fn quarterly_reports(year: i32) -> Vec<QuarterlyReport> {
    let mut out = Vec::with_capacity(16);
    for quarter in 1..=4 {
        let Some((from, until)) = quarter_bounds(year, quarter) else {
            return Vec::new();
        };
        for section in REPORTING_SECTIONS {
            out.push(QuarterlyReport {
                section,
                year,
                quarter,
                period_from: from,
                period_until: until,
                due_by: until,
                basis: Citation::new("reporting.quarterly", "plan §8(3)"),
            });
        }
    }
    out
}

/// The next report due on or after `day` for `section`: the report on the
/// quarter `day` falls in (due on its last day).
pub fn next_due(section: Section, day: NaiveDate) -> Option<QuarterlyReport> {
    use chrono::Datelike;
    let quarter = (day.month() - 1) / 3 + 1;
    let (from, until) = quarter_bounds(day.year(), quarter)?;
    Some(QuarterlyReport {
        section,
        year: day.year(),
        quarter,
        period_from: from,
        period_until: until,
        due_by: until,
        basis: Citation::new("reporting.quarterly", "plan §8(3)"),
    })
}

fn quarter_bounds(year: i32, quarter: u32) -> Option<(NaiveDate, NaiveDate)> {
    let first_month = (quarter - 1) * 3 + 1;
    let from = NaiveDate::from_ymd_opt(year, first_month, 1)?;
    let next = if quarter == 4 {
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, first_month + 3, 1)?
    };
    Some((from, next.pred_opt()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_days_are_the_last_days_of_each_quarter() {
        let days: Vec<NaiveDate> = quarterly_reports(2020)
            .iter()
            .filter(|r| r.section == Section::ElderlyCare)
            .map(|r| r.due_by)
            .collect();
        let d = |m, day| NaiveDate::from_ymd_opt(2020, m, day).unwrap();
        assert_eq!(days, vec![d(3, 31), d(6, 30), d(9, 30), d(12, 31)]);
    }

    #[test]
    fn next_due_is_the_end_of_the_current_quarter() {
        let day = NaiveDate::from_ymd_opt(2019, 7, 15).unwrap();
        let r = next_due(Section::SocialAffairs, day).unwrap();
        assert_eq!(
            (r.quarter, r.due_by),
            (3, NaiveDate::from_ymd_opt(2019, 9, 30).unwrap())
        );
        assert!(r.period_from <= day && day <= r.due_by);
    }

    #[test]
    fn a_year_outside_the_calendar_has_no_reports() {
        assert!(quarterly_reports(i32::MAX).is_empty());
    }
}
