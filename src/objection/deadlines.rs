//! The working-day deadlines of an objection (plan §6(3)).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarError, Finality, WorkCalendar};
use crate::citation::Citation;

use super::*;

/// One deadline: which step, the last day it may be taken, and the rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Deadline {
    /// The step due.
    pub step: Step,
    /// The last day it may be taken; always a working day of the calendar
    /// it was computed with.
    pub due: NaiveDate,
    /// The rule that set the day: `objection.reply_by` when the 12-day limit
    /// binds a notification, otherwise the step's own rule.
    pub basis: Citation,
}

/// The deadlines of an objection (plan §6(3)).
///
/// `forward_by` and `reply_by` follow from the receipt alone; `verify_by`
/// is known once the objection is forwarded and `notify_by` once the
/// Office has received the section's opinion.
///
/// A deadline whose count runs past the calendar's last day is `None` and
/// listed in `missing` with the reason; the others are still given.
/// `finality` says how settled the given days are: a count over a day after
/// the last published holiday notice is
/// [`Finality::Projected`], and the official should read the day as such.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Deadlines {
    /// The day the objection counts as received.
    pub received_on: NaiveDate,
    /// Receipt + 5 working days: forward to the originating section
    /// (`None` when the count leaves the calendar: see `missing`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_by: Option<NaiveDate>,
    /// Receipt + 12 working days: reply to the credit subject with reasons
    /// (`None` when the count leaves the calendar: see `missing`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_by: Option<NaiveDate>,
    /// The section's receipt + 5 working days: submit its written opinion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_by: Option<NaiveDate>,
    /// The Office's receipt of the opinion + 2 working days: the
    /// notification's own clock, before the 12-day limit is applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_clock: Option<NaiveDate>,
    /// The earlier of `notify_clock` and `reply_by`: notify the applicant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_by: Option<NaiveDate>,
    /// The least final of the days the counts went over: whether a holiday
    /// notice not yet published or loaded may still move these days.
    #[serde(default = "final_days")]
    pub finality: Finality,
    /// The deadlines that could not be computed, with the reason (a count
    /// that leaves the calendar's coverage).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<MissingDeadline>,
}

pub(super) fn final_days() -> Finality {
    Finality::Final
}

/// A deadline the calendar could not compute.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MissingDeadline {
    /// The step whose deadline is missing.
    pub step: Step,
    /// The rule that sets it.
    pub basis: Citation,
    /// Why it could not be computed.
    pub reason: CalendarError,
}

impl Deadlines {
    /// Counts `n` working days after `from` for `step`: the day, with the
    /// finality folded in, or `None` with the reason kept in `missing`.
    fn count(
        &mut self,
        calendar: &(impl WorkCalendar + ?Sized),
        from: NaiveDate,
        n: u32,
        step: Step,
        basis: Citation,
    ) -> Option<NaiveDate> {
        let counted = calendar.add_working_days(from, n).and_then(|due| {
            let finality = calendar.finality_between(from, due)?;
            Ok((due, finality))
        });
        match counted {
            Ok((due, finality)) => {
                self.finality = self.finality.max(finality);
                Some(due)
            }
            Err(reason) => {
                self.missing.push(MissingDeadline {
                    step,
                    basis,
                    reason,
                });
                None
            }
        }
    }

    /// A deadline of these as an official reads it, e.g. `2027-01-06,
    /// projected: the 2027 holiday notice is not loaded`, with how final
    /// the days from the receipt to `day` are in `calendar`; just the date
    /// when they are final.
    pub fn describe(&self, calendar: &(impl WorkCalendar + ?Sized), day: NaiveDate) -> String {
        let finality = calendar
            .finality_between(self.received_on, day)
            .unwrap_or(self.finality);
        format!("{day}{}", finality.describe(day))
    }
}

impl Deadlines {
    /// Forwarding to the section, with its citation; `None` when the count
    /// leaves the calendar.
    pub fn forward(&self) -> Option<Deadline> {
        self.forward_by.map(|due| Deadline {
            step: Step::Forward,
            due,
            basis: FORWARD_BASIS,
        })
    }

    /// The section's opinion, with its citation, once forwarded.
    pub fn verify(&self) -> Option<Deadline> {
        self.verify_by.map(|due| Deadline {
            step: Step::Verify,
            due,
            basis: VERIFY_BASIS,
        })
    }

    /// The notification of the applicant, with the rule that binds it, once
    /// the Office has the opinion: `objection.notify_by` when its own 2-day
    /// clock ends on or before `reply_by`, `objection.reply_by` when the
    /// 12-day limit comes first.
    pub fn notify(&self) -> Option<Deadline> {
        let (due, clock) = self.notify_by.zip(self.notify_clock)?;
        // A reply limit past the calendar's last day is after the clock.
        let basis = if self.reply_by.is_none_or(|reply_by| clock <= reply_by) {
            NOTIFY_BASIS
        } else {
            REPLY_BASIS
        };
        Some(Deadline {
            step: Step::Notify,
            due,
            basis,
        })
    }

    /// The reply to the credit subject with reasons, with its citation;
    /// `None` when the count leaves the calendar.
    pub fn reply(&self) -> Option<Deadline> {
        self.reply_by.map(|due| Deadline {
            step: Step::Reply,
            due,
            basis: REPLY_BASIS,
        })
    }

    /// The deadline of a timed step. For [`Step::Notify`] before the
    /// opinion is in: the 12-day limit, which binds it anyway. `None` for a
    /// step with no deadline or whose deadline is not known yet.
    pub fn of(&self, step: Step) -> Option<Deadline> {
        match step {
            Step::Forward => self.forward(),
            Step::Verify => self.verify(),
            Step::Notify => self.notify().or_else(|| {
                self.reply_by.map(|due| Deadline {
                    step: Step::Notify,
                    due,
                    basis: REPLY_BASIS,
                })
            }),
            Step::Reply => self.reply(),
            Step::Receive | Step::Close | Step::Withdraw => None,
        }
    }
}

/// The deadlines that follow from the day an objection is received:
/// `forward_by` (receipt + 5 working days) and `reply_by` (receipt + 12
/// working days); `verify_by` and `notify_by` are `None` (see
/// [`Objection::deadlines`]).
///
/// Counting (Civil Code art. 201; plan §6(3)): "+ n working days" is the nth
/// working day after `received_on`, `received_on` itself not counted; a
/// receipt on a Saturday or holiday therefore counts from the next working
/// day, which is day 1.
///
/// A count that runs past the calendar's last day leaves its deadline
/// `None`, listed in [`Deadlines::missing`] with the reason; the other is
/// still given. [`Deadlines::finality`] is the least final day counted over.
///
/// # Errors
///
/// [`CalendarError::OutOfCoverage`] when `received_on` itself is outside
/// the calendar's coverage: nothing can be counted from it.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::calendar::ChinaCalendar;
/// use social_credit::objection::deadlines;
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// // Received Thursday 23 January 2020, before the Spring Festival holiday
/// // as extended to 2 February: day 1 is Monday 3 February.
/// let d = deadlines(&ChinaCalendar::official(), day(2020, 1, 23))?;
/// assert_eq!((d.forward_by, d.reply_by), (Some(day(2020, 2, 7)), Some(day(2020, 2, 18))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn deadlines(
    calendar: &(impl WorkCalendar + ?Sized),
    received_on: NaiveDate,
) -> Result<Deadlines, CalendarError> {
    // Nothing can be counted from a day the calendar does not know.
    calendar.is_working_day(received_on)?;
    let mut d = Deadlines {
        received_on,
        forward_by: None,
        reply_by: None,
        verify_by: None,
        notify_clock: None,
        notify_by: None,
        finality: Finality::Final,
        missing: Vec::new(),
    };
    // plan §6(3): forward within 5 working days of receipt.
    d.forward_by = d.count(
        calendar,
        received_on,
        FORWARD_WORKING_DAYS,
        Step::Forward,
        FORWARD_BASIS,
    );
    // plan §6(3): reply within 12 working days of receipt.
    d.reply_by = d.count(
        calendar,
        received_on,
        REPLY_WORKING_DAYS,
        Step::Reply,
        REPLY_BASIS,
    );
    Ok(d)
}

impl Objection {
    /// Every deadline known from the steps taken: `verify_by` once
    /// forwarded, `notify_by` once the Office has the opinion. A count that
    /// leaves the calendar leaves only its own deadline missing (see
    /// [`deadlines`]).
    ///
    /// # Errors
    ///
    /// [`CalendarError::OutOfCoverage`] when the day of receipt is outside
    /// the calendar's coverage.
    pub fn deadlines(
        &self,
        calendar: &(impl WorkCalendar + ?Sized),
    ) -> Result<Deadlines, CalendarError> {
        self.deadlines_as_of(calendar, None)
    }

    pub(super) fn deadlines_as_of(
        &self,
        calendar: &(impl WorkCalendar + ?Sized),
        on: Option<NaiveDate>,
    ) -> Result<Deadlines, CalendarError> {
        let known = |d: Option<NaiveDate>| match on {
            Some(on) => d.filter(|d| *d <= on),
            None => d,
        };
        let mut d = deadlines(calendar, self.received_on())?;
        if let Some(forwarded) = known(self.done_on(Step::Forward)) {
            // plan §6(3): the section has 5 working days from its receipt.
            d.verify_by = d.count(
                calendar,
                forwarded,
                VERIFY_WORKING_DAYS,
                Step::Verify,
                VERIFY_BASIS,
            );
        }
        if let Some(opinion) = known(self.opinion_received_on()) {
            // plan §6(3): 2 working days from the Office's receipt of the
            // opinion ("在收到核实结果之日起"), within the 12-day limit of the
            // whole handling, which binds even when every step was on time
            // by its own clock. A reply limit past the calendar's last day
            // is after the clock, which is inside it.
            let clock = d.count(
                calendar,
                opinion,
                NOTIFY_WORKING_DAYS,
                Step::Notify,
                NOTIFY_BASIS,
            );
            d.notify_clock = clock;
            d.notify_by = clock.map(|c| d.reply_by.map_or(c, |r| c.min(r)));
        }
        Ok(d)
    }
}
