//! The Office's desk: an objection's status and answers on a day, items
//! due soon and overdue steps by section (plan §6(9)).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;
pub use crate::ids::ObjectionId;
use crate::misconduct::Section;

use super::*;

impl Objection {
    /// Where the objection stood at the end of `on`, counting only steps
    /// taken on or before it: the next step due and by when, every step
    /// overdue or done late, by how many working days and which section
    /// answers for it, and the working days left before `reply_by`.
    ///
    /// A step done late is late by the working days in `(due, done]`. A step
    /// not done whose deadline has passed is overdue by the working days in
    /// `(due, on]`, which is 0 on a rest day right after the deadline; for a
    /// withdrawn objection, counted to the withdrawal instead.
    ///
    /// # Errors
    ///
    /// [`ObjectionError::BeforeReceipt`] when `on` is before the objection
    /// was received; [`ObjectionError::Calendar`] when a day or count falls
    /// outside the calendar's coverage.
    pub fn status_on(
        &self,
        calendar: &(impl WorkCalendar + ?Sized),
        on: NaiveDate,
    ) -> Result<ObjectionStatus, ObjectionError> {
        let received_on = self.received_on();
        if on < received_on {
            return Err(ObjectionError::BeforeReceipt { on, received_on });
        }
        let deadlines = self.deadlines_as_of(calendar, Some(on))?;
        let stage = self.stage_as_of(Some(on));
        let withdrawn_on = self.done_by(Step::Withdraw, on);
        let mut pending = Vec::new();
        let mut overdue = Vec::new();
        for step in Step::TIMED {
            let Some(deadline) = deadlines.of(step) else {
                continue;
            };
            let (done_on, until) = match self.done_by(step, on) {
                Some(done) => (Some(done), done),
                None => {
                    if withdrawn_on.is_none() {
                        pending.push(deadline.clone());
                    }
                    (None, withdrawn_on.unwrap_or(on))
                }
            };
            if until > deadline.due {
                overdue.push(Overdue {
                    working_days: calendar.working_days_between(deadline.due, until)?,
                    section: self.responsible(step),
                    done_on,
                    deadline,
                });
            }
        }
        let replied = self.done_by(Step::Reply, on).is_some();
        let reply_working_days_left = match deadlines.reply_by {
            Some(reply_by) if !replied && withdrawn_on.is_none() => {
                Some(calendar.working_days_between(on, reply_by)?)
            }
            _ => None,
        };
        Ok(ObjectionStatus {
            objection: self.id,
            item: self.about,
            on,
            stage,
            next: pending.first().cloned(),
            pending,
            overdue,
            deadlines,
            reply_working_days_left,
        })
    }

    /// The two acts the Office owes, as of the end of `on`: the
    /// notification of the applicant and the reply to the subject, each
    /// with its recipient, deadline (none once withdrawn) and the day it
    /// was done.
    ///
    /// # Errors
    ///
    /// As [`Objection::status_on`].
    pub fn answers_on(
        &self,
        calendar: &(impl WorkCalendar + ?Sized),
        on: NaiveDate,
    ) -> Result<[OfficeAnswer; 2], ObjectionError> {
        if on < self.received_on() {
            return Err(ObjectionError::BeforeReceipt {
                on,
                received_on: self.received_on(),
            });
        }
        self.answers_as_of(calendar, Some(on))
    }

    /// The two acts the Office owes, counting every step taken (see
    /// [`Objection::answers_on`]).
    ///
    /// # Errors
    ///
    /// [`ObjectionError::Calendar`] when a count leaves the calendar.
    pub fn answers(
        &self,
        calendar: &(impl WorkCalendar + ?Sized),
    ) -> Result<[OfficeAnswer; 2], ObjectionError> {
        self.answers_as_of(calendar, None)
    }

    pub(super) fn answers_as_of(
        &self,
        calendar: &(impl WorkCalendar + ?Sized),
        on: Option<NaiveDate>,
    ) -> Result<[OfficeAnswer; 2], ObjectionError> {
        let d = self.deadlines_as_of(calendar, on)?;
        let done = |step| match on {
            Some(on) => self.done_by(step, on),
            None => self.done_on(step),
        };
        // A withdrawn objection owes no answer.
        let withdrawn = done(Step::Withdraw).is_some();
        let answer = |step: Step, recipient: Recipient| OfficeAnswer {
            step,
            recipient,
            deadline: d.of(step).filter(|_| !withdrawn),
            done_on: done(step),
        };
        Ok([
            answer(Step::Notify, Recipient::Applicant),
            answer(Step::Reply, Recipient::Subject),
        ])
    }
}

/// One of the two answers the Office owes (see [`Objection::answers_on`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeAnswer {
    /// [`Step::Notify`] or [`Step::Reply`].
    pub step: Step,
    /// To whom it goes.
    pub recipient: Recipient,
    /// Its deadline, with the rule; the notification's is the 12-day limit
    /// until the Office has the section's opinion.
    pub deadline: Option<Deadline>,
    /// The day it was done, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
}

/// A step overdue, or done after its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overdue {
    /// The deadline missed, with its rule.
    pub deadline: Deadline,
    /// The section answerable for the step (plan §6(9)); see
    /// [`Objection::responsible`].
    pub section: Section,
    /// The day the step was done late; `None` while it is still not done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
    /// Working days late: in `(due, done_on]` for a step done, in
    /// `(due, asked day]` for a step not done.
    pub working_days: i64,
}

/// Where an objection stood at the end of a day (see [`Objection::status_on`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionStatus {
    /// The objection.
    pub objection: ObjectionId,
    /// The credit information objected to.
    pub item: CreditItem,
    /// The day asked about.
    pub on: NaiveDate,
    /// The stage reached by then.
    pub stage: Stage,
    /// The next step due and its deadline; `None` once the subject has its
    /// reply (closing has no deadline) or the objection is withdrawn.
    pub next: Option<Deadline>,
    /// Every step not yet done whose deadline is known, in the order they
    /// are taken: before the opinion, [`Step::Notify`] is due by the reply
    /// limit.
    pub pending: Vec<Deadline>,
    /// Every step overdue or done late, in the order they are taken.
    pub overdue: Vec<Overdue>,
    /// The deadlines known by then.
    pub deadlines: Deadlines,
    /// Working days in `(on, reply_by]`, negative once `reply_by` has
    /// passed; `None` once replied or withdrawn, or while `reply_by` is
    /// past the calendar's last day.
    pub reply_working_days_left: Option<i64>,
}

impl ObjectionStatus {
    /// The earliest deadline still to meet (it may have passed).
    pub fn most_urgent(&self) -> Option<&Deadline> {
        self.pending.iter().min_by_key(|d| (d.due, d.step))
    }

    /// Whether a step is overdue now (done-late steps do not count).
    pub fn is_overdue(&self) -> bool {
        self.overdue.iter().any(|o| o.done_on.is_none())
    }
}

/// An objection on a desk listing (see [`due_soon`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueItem {
    /// The earliest deadline it still has to meet.
    pub deadline: Deadline,
    /// Working days past that deadline, in `(due, on]`, when it has passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_by: Option<i64>,
    /// Its full status on the day asked about.
    pub status: ObjectionStatus,
}

/// The objections with a step due within the next `within` working days of
/// `on` or already overdue: overdue ones first, then by deadline (then by
/// identifier).
///
/// An objection is listed when it is open at the end of `on` (the subject
/// not yet replied to, not withdrawn) and its earliest pending deadline is
/// on or before the `within`th working day after `on`. Objections received
/// after `on` are not listed.
///
/// # Errors
///
/// [`ObjectionError::Calendar`] when a day or count falls outside the
/// calendar's coverage.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::calendar::ChinaCalendar;
/// use social_credit::misconduct::RecordId;
/// use social_credit::objection::{due_soon, Objection, ObjectionId, Receipt};
/// use social_credit::Uscc;
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2019, m, d).unwrap();
/// let subject: social_credit::SubjectId = "91350100M000100Y43".parse::<Uscc>()?.into();
/// let received = |id, on| Objection::receive(
///     ObjectionId(id), RecordId(id), subject.clone(), Receipt::Written { on }, "Wang Fang", "",
/// );
/// let desk = [received(1, day(9, 20)), received(2, day(9, 27)), received(3, day(10, 10))];
/// let list = due_soon(&ChinaCalendar::official(), &desk, day(10, 8), 2)?;
/// // O1 was due 27 Sep and is overdue; O2 is due 10 Oct; O3 is not received yet.
/// let ids: Vec<_> = list.iter().map(|i| i.status.objection.0).collect();
/// assert_eq!(ids, [1, 2]);
/// assert_eq!(list[0].overdue_by, Some(3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn due_soon<'a>(
    calendar: &(impl WorkCalendar + ?Sized),
    objections: impl IntoIterator<Item = &'a Objection>,
    on: NaiveDate,
    within: u32,
) -> Result<Vec<DueItem>, ObjectionError> {
    let horizon = calendar.add_working_days(on, within)?;
    let mut items = Vec::new();
    for objection in objections {
        if objection.received_on() > on {
            continue;
        }
        let status = objection.status_on(calendar, on)?;
        let Some(deadline) = status.most_urgent().cloned() else {
            continue;
        };
        if deadline.due > horizon {
            continue;
        }
        let overdue_by = if deadline.due < on {
            Some(calendar.working_days_between(deadline.due, on)?)
        } else {
            None
        };
        items.push(DueItem {
            deadline,
            overdue_by,
            status,
        });
    }
    items.sort_by(|a, b| {
        // Overdue first; an overdue deadline is always earlier than a
        // pending one, but say it rather than rely on it.
        b.overdue_by
            .is_some()
            .cmp(&a.overdue_by.is_some())
            .then(a.deadline.due.cmp(&b.deadline.due))
            .then(a.status.objection.cmp(&b.status.objection))
    });
    Ok(items)
}

/// A step of one objection, overdue or done late (see [`overdue_by_section`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateStep {
    /// The objection.
    pub objection: ObjectionId,
    /// The step, its deadline, the section answerable and how late.
    pub overdue: Overdue,
}

/// The steps not done by their deadline at the end of `on`, by the section
/// answerable for them (plan §6(9): "对…落实不力的科室进行通报和督促整改"): the
/// Office for forwarding, notifying and replying, the originating section
/// for its opinion. Within a section, the most overdue first, then by
/// objection. Steps done late are not listed (see
/// [`crate::quarterly::objection_lateness`] for those); withdrawn and
/// closed objections have nothing overdue.
///
/// # Errors
///
/// [`ObjectionError::Calendar`] when a day or count falls outside the
/// calendar's coverage.
pub fn overdue_by_section<'a>(
    calendar: &(impl WorkCalendar + ?Sized),
    objections: impl IntoIterator<Item = &'a Objection>,
    on: NaiveDate,
) -> Result<std::collections::BTreeMap<Section, Vec<LateStep>>, ObjectionError> {
    let mut out: std::collections::BTreeMap<Section, Vec<LateStep>> = Default::default();
    for objection in objections {
        if objection.stage_on(on).is_none_or(|s| s.is_final()) {
            continue;
        }
        let status = objection.status_on(calendar, on)?;
        for late in status.overdue.into_iter().filter(|l| l.done_on.is_none()) {
            out.entry(late.section).or_default().push(LateStep {
                objection: objection.id(),
                overdue: late,
            });
        }
    }
    for steps in out.values_mut() {
        steps.sort_by(|a, b| {
            b.overdue
                .working_days
                .cmp(&a.overdue.working_days)
                .then(a.objection.cmp(&b.objection))
                .then(a.overdue.deadline.step.cmp(&b.overdue.deadline.step))
        });
    }
    Ok(out)
}
