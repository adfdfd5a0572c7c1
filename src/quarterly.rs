//! Quarterly reports (plan §8(3)) and the accountability for late objection
//! steps they carry (plan §6(9)).
//!
//! "各相关科室每季度首月1日前上报所负责领域守信联合激励和失信联合惩戒工作开展情况。办公室要及时跟踪掌握工作进度督促检查任务落实情况并报告新郑市信用体系建设领导小组办公室"
//! (plan §8(3)): each section concerned reports its incentive and sanction
//! work before the 1st day of the first month of each quarter, and the
//! Office follows the work and reports on to the city's leading group.
//! "对信用信息归集、共享和激惩戒措施落实不力的科室进行通报和督促整改" (plan §6(9)): a
//! section that falls short is named and made to put it right; a quarter's
//! report therefore counts, per section, the objection steps it completed
//! late and how late ([`SectionLateness`]).
//!
//! # Which day is due, and why it is data
//!
//! A report is on the work of a quarter and is due before day `D` of the
//! first month of the *next* quarter: on Q1 (January–March) before `D`
//! April, on Q2 before `D` July, on Q3 before `D` October, on Q4 before `D`
//! January of the next year. The plan's text as published reads "1日前"
//! (`D` = 1): the report on a quarter is then due on its last day
//! ([`ReportingRule::plan`], the default, which this crate follows because
//! it is the text). A parallel civil-affairs rule is said to read
//! "每季度首月10日前…报送上季度" (`D` = 10), which suggests the seed's "1日前"
//! lost a "0"; that rule could not be found and confirmed, so
//! [`ReportingRule::tenth_unconfirmed`] offers the reading marked
//! `unconfirmed` in its citation. "Before the Dth" (D日前) is read as
//! excluding day D itself; whether the day itself is on time is also data
//! ([`ReportingRule::day_itself_on_time`]), since that reading is not
//! confirmed either. The plan counts calendar days here, not working days:
//! a due day on a weekend or holiday stays where it is.
//!
//! The reporting sections are the four originating sections and the Office:
//! the plan makes the Office a responsible section of most clauses (§3(1),
//! §4(1), §4(2), §5(1), §5(3), §6(1)–(9)), and it is the Office that handles
//! objections, so its own late steps are reported like any section's.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;
use crate::citation::Citation;
use crate::misconduct::Section;
use crate::objection::{Objection, ObjectionError, ObjectionId, Step};

/// The sections that report (plan §8(3) "各相关科室"): the Office and the four
/// originating sections.
pub const REPORTING_SECTIONS: [Section; 5] = [
    Section::Office,
    Section::AdministrativeApproval,
    Section::SocialOrganizations,
    Section::SocialAffairs,
    Section::ElderlyCare,
];

/// When a quarter's report is due: before day `before_day` of the first
/// month of the next quarter (plan §8(3)), as data.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::quarterly::ReportingRule;
///
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// // The plan as published: the report on Q3 2019 is due on 30 September.
/// assert_eq!(ReportingRule::plan().due_by(2019, 3), Some(d(2019, 9, 30)));
/// // The "10日前" reading (unconfirmed): due on 9 October.
/// assert_eq!(ReportingRule::tenth_unconfirmed().due_by(2019, 3), Some(d(2019, 10, 9)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportingRule {
    /// The day of the first month of the next quarter before which the
    /// report is due, 1 to 28.
    pub before_day: u32,
    /// Whether `before_day` itself is still on time ("前" read as
    /// including the day).
    pub day_itself_on_time: bool,
    /// The text followed; `unconfirmed` in its source when it could not be
    /// checked against a published text.
    pub basis: Citation,
}

impl Default for ReportingRule {
    fn default() -> Self {
        Self::plan()
    }
}

impl ReportingRule {
    /// The plan's text as published: "每季度首月1日前" (plan §8(3)); the
    /// report on a quarter is due on its last day.
    pub fn plan() -> Self {
        Self {
            before_day: 1,
            day_itself_on_time: false,
            basis: Citation::new("reporting.quarterly", "plan §8(3) \"每季度首月1日前\""),
        }
    }

    /// The reading "每季度首月10日前…报送上季度" of a parallel civil-affairs
    /// rule, which could not be found and confirmed (`unconfirmed`): the
    /// report on a quarter is due on the 9th of the month after it.
    pub fn tenth_unconfirmed() -> Self {
        Self {
            before_day: 10,
            day_itself_on_time: false,
            basis: Citation::new(
                "reporting.quarterly",
                "plan §8(3) read as \"每季度首月10日前\" (parallel civil-affairs rule, unconfirmed)",
            ),
        }
    }

    /// The last day the report on `quarter` (1–4) of `year` is on time;
    /// `None` for a quarter outside 1–4, a `before_day` outside 1–28, or a
    /// year at the end of the calendar's range.
    pub fn due_by(&self, year: i32, quarter: u32) -> Option<NaiveDate> {
        if !(1..=28).contains(&self.before_day) {
            return None;
        }
        let (_, until) = quarter_bounds(year, quarter)?;
        let first_of_next = until.succ_opt()?;
        let day = first_of_next.with_day(self.before_day)?;
        if self.day_itself_on_time {
            Some(day)
        } else {
            day.pred_opt()
        }
    }
}

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
    /// The last day the report is on time, under the rule followed.
    pub due_by: NaiveDate,
    /// The rule.
    pub basis: Citation,
}

/// The reports each reporting section owes on the quarters of `year` under
/// the plan's text ([`ReportingRule::plan`]), in order of due day, then
/// section; empty for a year at the end of the calendar's range.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::quarterly::quarterly_reports;
///
/// let reports = quarterly_reports(2019);
/// assert_eq!(reports.len(), 20); // 5 sections (the Office included), 4 quarters
/// assert_eq!(reports[0].due_by, NaiveDate::from_ymd_opt(2019, 3, 31).unwrap());
/// assert_eq!(reports[19].due_by, NaiveDate::from_ymd_opt(2019, 12, 31).unwrap());
/// ```
pub fn quarterly_reports(year: i32) -> Vec<QuarterlyReport> {
    quarterly_reports_under(&ReportingRule::plan(), year)
}

/// The reports each reporting section owes on the quarters of `year` under
/// `rule`, in order of due day, then section; empty when a due day cannot
/// be computed (see [`ReportingRule::due_by`]).
pub fn quarterly_reports_under(rule: &ReportingRule, year: i32) -> Vec<QuarterlyReport> {
    let mut out = Vec::with_capacity(4 * REPORTING_SECTIONS.len());
    for quarter in 1..=4 {
        let Some(reports) = reports_on(rule, year, quarter) else {
            return Vec::new();
        };
        out.extend(reports);
    }
    out
}

fn reports_on(rule: &ReportingRule, year: i32, quarter: u32) -> Option<Vec<QuarterlyReport>> {
    let (from, until) = quarter_bounds(year, quarter)?;
    let due_by = rule.due_by(year, quarter)?;
    Some(
        REPORTING_SECTIONS
            .iter()
            .map(|&section| QuarterlyReport {
                section,
                year,
                quarter,
                period_from: from,
                period_until: until,
                due_by,
                basis: rule.basis.clone(),
            })
            .collect(),
    )
}

/// The next report due on or after `day` for `section` under the plan's
/// text: the report on the quarter `day` falls in (due on its last day).
pub fn next_due(section: Section, day: NaiveDate) -> Option<QuarterlyReport> {
    next_due_under(&ReportingRule::plan(), section, day)
}

/// The first report `section` owes whose due day is on or after `day`,
/// under `rule`.
pub fn next_due_under(
    rule: &ReportingRule,
    section: Section,
    day: NaiveDate,
) -> Option<QuarterlyReport> {
    let quarter = (day.month() - 1) / 3 + 1;
    // The report on the previous quarter may still be due (the "10日前"
    // reading), else the one on this quarter.
    let (py, pq) = if quarter == 1 {
        (day.year().checked_sub(1)?, 4)
    } else {
        (day.year(), quarter - 1)
    };
    [(py, pq), (day.year(), quarter)]
        .into_iter()
        .filter_map(|(y, q)| reports_on(rule, y, q))
        .flatten()
        .find(|r| r.section == section && r.due_by >= day)
}

/// One objection step a section completed late, or had not completed at
/// the end of the quarter though due (plan §6(9)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateObjectionStep {
    /// The objection.
    pub objection: ObjectionId,
    /// The step.
    pub step: Step,
    /// Its deadline.
    pub due: NaiveDate,
    /// The day it was done; `None` while still not done at the quarter's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
    /// Working days late: in `(due, done_on]`, or `(due, quarter's end]`.
    pub working_days: i64,
    /// The rule that set the deadline.
    pub basis: Citation,
}

/// A section's accountability for objection steps in one quarter (plan
/// §6(9), reported under §8(3)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionLateness {
    /// The section.
    pub section: Section,
    /// Steps completed late in the quarter (done on a day in it, after
    /// their deadline), in order of completion.
    pub completed_late: Vec<LateObjectionStep>,
    /// Steps overdue and not done at the end of the quarter.
    pub overdue_at_end: Vec<LateObjectionStep>,
}

impl SectionLateness {
    /// How many steps were completed late in the quarter.
    pub fn late_count(&self) -> usize {
        self.completed_late.len()
    }

    /// The working days late, summed over the steps completed late.
    pub fn late_working_days(&self) -> i64 {
        self.completed_late.iter().map(|s| s.working_days).sum()
    }

    /// The most working days any step completed in the quarter was late.
    pub fn most_late(&self) -> Option<i64> {
        self.completed_late.iter().map(|s| s.working_days).max()
    }
}

/// Per reporting section (every one, even with nothing late), the
/// objection steps it completed late within `[from, until]` and those
/// overdue and not done at the end of `until` (plan §6(9)). The Office
/// answers for forwarding, notifying and replying; the originating section
/// (the Office included, when it made the item) for its opinion. An
/// objection withdrawn before a step's deadline owes nothing more.
///
/// # Errors
///
/// [`ObjectionError::Calendar`] when a count leaves the calendar.
pub fn objection_lateness(
    calendar: &(impl WorkCalendar + ?Sized),
    objections: &[Objection],
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<SectionLateness>, ObjectionError> {
    let mut out: Vec<SectionLateness> = REPORTING_SECTIONS
        .iter()
        .map(|&section| SectionLateness {
            section,
            completed_late: Vec::new(),
            overdue_at_end: Vec::new(),
        })
        .collect();
    for objection in objections {
        if objection.received_on() > until {
            continue;
        }
        let status = objection.status_on(calendar, until)?;
        for late in status.overdue {
            let entry = LateObjectionStep {
                objection: objection.id(),
                step: late.deadline.step,
                due: late.deadline.due,
                done_on: late.done_on,
                working_days: late.working_days,
                basis: late.deadline.basis,
            };
            let Some(tally) = out.iter_mut().find(|t| t.section == late.section) else {
                continue;
            };
            match late.done_on {
                Some(done) if done >= from => tally.completed_late.push(entry),
                Some(_) => {}
                // Overdue at the end, unless the objection was withdrawn
                // (then it owes nothing more).
                None if objection.withdrawn().is_none_or(|w| w.on > until) => {
                    tally.overdue_at_end.push(entry)
                }
                None => {}
            }
        }
    }
    for tally in &mut out {
        tally
            .completed_late
            .sort_by_key(|s| (s.done_on, s.objection, s.step));
        tally
            .overdue_at_end
            .sort_by_key(|s| (std::cmp::Reverse(s.working_days), s.objection, s.step));
    }
    Ok(out)
}

/// The reports owed on quarter `quarter` of `year` under `rule`, each with
/// its section's objection lateness in that quarter (see
/// [`objection_lateness`]).
///
/// # Errors
///
/// [`ObjectionError::NoSuchQuarter`] for a quarter outside 1–4 (or a due
/// day `rule` cannot compute), [`ObjectionError::Calendar`] when a count
/// leaves the calendar.
pub fn quarterly_report(
    rule: &ReportingRule,
    calendar: &(impl WorkCalendar + ?Sized),
    objections: &[Objection],
    year: i32,
    quarter: u32,
) -> Result<Vec<(QuarterlyReport, SectionLateness)>, ObjectionError> {
    let reports =
        reports_on(rule, year, quarter).ok_or(ObjectionError::NoSuchQuarter { year, quarter })?;
    let (from, until) = (
        reports.first().map(|r| r.period_from),
        reports.first().map(|r| r.period_until),
    );
    let (Some(from), Some(until)) = (from, until) else {
        return Err(ObjectionError::NoSuchQuarter { year, quarter });
    };
    let lateness = objection_lateness(calendar, objections, from, until)?;
    Ok(reports.into_iter().zip(lateness).collect())
}

fn quarter_bounds(year: i32, quarter: u32) -> Option<(NaiveDate, NaiveDate)> {
    if !(1..=4).contains(&quarter) {
        return None;
    }
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

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn due_days_are_the_last_days_of_each_quarter() {
        let days: Vec<NaiveDate> = quarterly_reports(2020)
            .iter()
            .filter(|r| r.section == Section::ElderlyCare)
            .map(|r| r.due_by)
            .collect();
        assert_eq!(
            days,
            vec![
                d(2020, 3, 31),
                d(2020, 6, 30),
                d(2020, 9, 30),
                d(2020, 12, 31)
            ]
        );
    }

    #[test]
    fn the_office_reports_too() {
        let r = quarterly_reports(2019);
        assert!(r.iter().any(|r| r.section == Section::Office));
        for section in Section::ALL {
            assert_eq!(r.iter().filter(|r| r.section == section).count(), 4);
        }
    }

    #[test]
    fn the_tenth_reading_reports_on_the_previous_quarter() {
        let rule = ReportingRule::tenth_unconfirmed();
        let days: Vec<NaiveDate> = quarterly_reports_under(&rule, 2019)
            .iter()
            .filter(|r| r.section == Section::Office)
            .map(|r| r.due_by)
            .collect();
        assert_eq!(
            days,
            vec![d(2019, 4, 9), d(2019, 7, 9), d(2019, 10, 9), d(2020, 1, 9)]
        );
        assert!(rule.basis.source.contains("unconfirmed"));
        let inclusive = ReportingRule {
            day_itself_on_time: true,
            ..rule
        };
        assert_eq!(inclusive.due_by(2019, 4), Some(d(2020, 1, 10)));
    }

    #[test]
    fn next_due_is_the_first_report_not_yet_past() {
        let r = next_due(Section::SocialAffairs, d(2019, 7, 15)).unwrap();
        assert_eq!((r.quarter, r.due_by), (3, d(2019, 9, 30)));
        let rule = ReportingRule::tenth_unconfirmed();
        let r = next_due_under(&rule, Section::Office, d(2020, 1, 5)).unwrap();
        assert_eq!((r.year, r.quarter, r.due_by), (2019, 4, d(2020, 1, 9)));
        let r = next_due_under(&rule, Section::Office, d(2020, 1, 10)).unwrap();
        assert_eq!((r.year, r.quarter, r.due_by), (2020, 1, d(2020, 4, 9)));
    }

    #[test]
    fn impossible_rules_and_quarters_have_no_due_day() {
        assert!(quarterly_reports(i32::MAX).is_empty());
        assert_eq!(ReportingRule::plan().due_by(2019, 5), None);
        let odd = ReportingRule {
            before_day: 31,
            ..ReportingRule::plan()
        };
        assert!(quarterly_reports_under(&odd, 2019).is_empty());
    }
}
