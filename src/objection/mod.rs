//! Objections (异议) to credit information, and the working-day deadlines for
//! handling them (plan §6(3)).
//!
//! "信用信息主体对信用信息有异议的" (plan §6(3)): a credit subject, or someone
//! acting for it, may object to any credit information about it: a
//! misconduct record, a list entry (red list, blacklist, activity-abnormal
//! list) or a published commitment ([`CreditItem`]). The objection goes, in
//! writing or online, to the [`Section::Office`]. The plan then sets four
//! limits, all counted in working days (工作日) with
//! [`WorkCalendar::add_working_days`](crate::calendar::WorkCalendar::add_working_days):
//!
//! | step | who | deadline |
//! |---|---|---|
//! | forward the objection to the originating section | Office | receipt + 5 WD (`forward_by`) |
//! | verify and submit a written opinion to the Office | the originating section (the Office itself where it made the item) | the section's receipt + 5 WD (`verify_by`), met by the day the section submits |
//! | notify the applicant (异议申请人) in writing of the result | Office | the Office's receipt of the opinion + 2 WD, never after `reply_by` (`notify_by`) |
//! | reply to the credit subject (信用主体) with reasons | Office | receipt + 12 WD (`reply_by`) |
//!
//! "+ n WD" is the nth working day after the day, the day itself not counted
//! (Civil Code art. 201). A day that is not a working day is never counted,
//! so an objection received on a Saturday or a holiday counts from the next
//! working day, which is day 1.
//!
//! The notification and the reply are two acts with their own recipient,
//! date and deadline: "将核查结果书面通知异议申请人" goes to the
//! [`Applicant`], "回复信用主体并说明处理理由" to the credit subject. The applicant
//! may be the subject itself or act for it (an agent, a legal
//! representative, a guardian). When they are the same, one letter may do
//! both: the two acts are then dated the same day.
//!
//! [`Objection`] is a checked workflow: received → forwarded → the section's
//! opinion submitted and received → applicant notified → subject replied to
//! → closed, or withdrawn by the applicant before the result. A step out of
//! order, twice, dated before the step it follows, or after closing or
//! withdrawal is an [`ObjectionError`] and changes nothing. An objection
//! serializes to JSON and loads back unchanged; loading checks the same
//! rules, and objections stored by version 0.1 (one act for both letters,
//! records only) still load, with the same deadlines.
//!
//! An open objection changes nothing about how the item counts: "异议处理期间不影响失信行为的记录、公示与处理"
//! (plan §6(3)). Regimes that suspend joint sanctions while an objection is
//! checked can say so with [`ObjectionPolicy`].
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use social_credit::calendar::ChinaCalendar;
//! use social_credit::objection::deadlines;
//!
//! let calendar = ChinaCalendar::official();
//! // Received Friday 27 September 2019: Sunday 29 September was worked,
//! // 1–7 October were the National Day holiday.
//! let d = deadlines(&calendar, NaiveDate::from_ymd_opt(2019, 9, 27).unwrap())?;
//! assert_eq!(d.forward_by, NaiveDate::from_ymd_opt(2019, 10, 10));
//! assert_eq!(d.reply_by, NaiveDate::from_ymd_opt(2019, 10, 18));
//! assert_eq!(d.forward().unwrap().basis.to_string(), "objection.forward_by (plan §6(3))");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod changes;
mod deadlines;
mod desk;
mod error;
mod item;
mod policy;
mod steps;
#[cfg(test)]
mod tests;
mod workflow;

pub use changes::{CommitmentChange, ItemChange, ListEntryChange, RecordChange};
pub use deadlines::{deadlines, Deadline, Deadlines, MissingDeadline};
pub use desk::{
    due_soon, overdue_by_section, DueItem, LateStep, ObjectionStatus, OfficeAnswer, Overdue,
};
pub use error::ObjectionError;
pub use item::{Applicant, Capacity, CreditItem, Receipt, Recipient};
pub use policy::{ObjectionPolicy, SanctionSuspension};
pub use steps::{Act, Finding, Forwarded, Notified, Opinion, Outcome, Replied, Stage, Step};

use changes::status_name;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::citation::Citation;
pub use crate::ids::ObjectionId;
use crate::misconduct::{RecordId, Section};
use crate::subject::SubjectId;

/// Working days the Office has to forward an objection to the originating
/// section, after receiving it (plan §6(3): "接到异议申请5个工作日内").
pub const FORWARD_WORKING_DAYS: u32 = 5;

/// Working days the section has to verify and submit its written opinion,
/// after receiving the objection (plan §6(3): "自收到申请之日起5个工作日内").
pub const VERIFY_WORKING_DAYS: u32 = 5;

/// Working days the Office has to notify the applicant, after receiving the
/// section's opinion (plan §6(3): "在收到核实结果之日起2个工作日内").
pub const NOTIFY_WORKING_DAYS: u32 = 2;

/// Working days the Office has to reply to the subject with reasons, after
/// receiving the objection (plan §6(3): "自收到异议申请之日起12个工作日内").
pub const REPLY_WORKING_DAYS: u32 = 12;

const PLAN: &str = "plan §6(3)";

const FORWARD_BASIS: Citation = Citation::new("objection.forward_by", PLAN);

const VERIFY_BASIS: Citation = Citation::new("objection.verify_by", PLAN);

const NOTIFY_BASIS: Citation = Citation::new("objection.notify_by", PLAN);

const REPLY_BASIS: Citation = Citation::new("objection.reply_by", PLAN);

const REVOKE_BASIS: Citation = Citation::new("objection.revoke", PLAN);

const CORRECT_BASIS: Citation = Citation::new("objection.correct", PLAN);

const NO_SUSPENSION_BASIS: Citation = Citation::new("objection.no_suspension", PLAN);

/// The stored form of an [`Opinion`]: version 0.1 stored only the Office's
/// receipt, which then stands for the submission too.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredOpinion {
    #[serde(default)]
    submitted_on: Option<NaiveDate>,
    on: NaiveDate,
    by: String,
    finding: Finding,
    summary: String,
}

/// An objection (异议) to credit information, and its handling (plan §6(3)).
///
/// Built by [`Objection::receive`] (and [`with_applicant`](Self::with_applicant)
/// when someone acts for the subject) and moved on by
/// [`forward`](Self::forward), [`receive_opinion`](Self::receive_opinion)
/// (or [`receive_opinion_submitted`](Self::receive_opinion_submitted)),
/// [`notify`](Self::notify), [`reply`](Self::reply) and
/// [`close`](Self::close), or ended by [`withdraw`](Self::withdraw). Each
/// step is dated and says who acted. A step may be taken on the same day as
/// the one before it, never earlier. A wrong move returns an
/// [`ObjectionError`] and leaves the objection exactly as it was.
///
/// An objection never changes its item by itself: the caller applies the
/// [`ItemChange`] of a revoking or correcting outcome.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::calendar::ChinaCalendar;
/// use social_credit::misconduct::{RecordId, Section};
/// use social_credit::objection::{
///     Applicant, Capacity, Finding, Objection, ObjectionId, Outcome, Receipt, Stage, Step,
/// };
/// use social_credit::Uscc;
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2019, m, d).unwrap();
/// let calendar = ChinaCalendar::official();
/// let subject = "91350100M000100Y43".parse::<Uscc>()?.into();
/// let mut objection = Objection::receive(
///     ObjectionId(1), RecordId(7), subject,
///     Receipt::Written { on: day(9, 27) }, "Wang Fang", "the fine was paid",
/// )
/// .with_applicant(Applicant::Representative {
///     capacity: Capacity::Agent,
///     reference: "XZMZ-2019-031".into(),
/// });
/// objection.forward(day(10, 8), "Wang Fang", Section::SocialOrganizations)?;
///
/// // Notifying before the section's opinion is in is refused.
/// let before = objection.clone();
/// assert!(objection.notify(day(10, 9), "Wang Fang", Outcome::Kept { reasons: "".into() }).is_err());
/// assert_eq!(objection, before);
///
/// let status = objection.status_on(&calendar, day(10, 9))?;
/// assert_eq!(status.stage, Stage::Forwarded);
/// let next = status.next.unwrap();
/// assert_eq!((next.step, next.due), (Step::Verify, day(10, 14)));
///
/// // Submitted Friday 11 October, received by the Office Saturday 12 October (a working day).
/// objection.receive_opinion_submitted(day(10, 11), day(10, 12), "Li Qiang", Finding::ErrorConfirmed, "paid on 2 Sep")?;
/// assert_eq!(objection.deadlines(&calendar)?.notify_by, Some(day(10, 15)));
/// objection.notify(day(10, 14), "Wang Fang", Outcome::Revoked { reasons: "the fine was paid on time".into() })?;
/// objection.reply(day(10, 14), "Wang Fang", "the fine was paid on 2 September, before the deadline")?;
/// assert_eq!(objection.stage(), Stage::Replied);
/// assert!(objection.record_change().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Objection {
    id: ObjectionId,
    about: CreditItem,
    subject: SubjectId,
    applicant: Applicant,
    receipt: Receipt,
    received_by: String,
    grounds: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    forwarded: Option<Forwarded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    opinion: Option<Opinion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notified: Option<Notified>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replied: Option<Replied>,
    #[serde(skip_serializing_if = "Option::is_none")]
    closed: Option<Act>,
    #[serde(skip_serializing_if = "Option::is_none")]
    withdrawn: Option<Act>,
}

impl Objection {
    /// An objection to `item` (a [`RecordId`], a [`ListEntryId`](crate::lists::ListEntryId) or a
    /// [`CommitmentId`](crate::commitment::CommitmentId)) about `subject`, received by the Office and made
    /// by the subject itself (see [`with_applicant`](Self::with_applicant)
    /// when someone acts for it).
    ///
    /// `received_by` is the Office official who took it in; `grounds` is
    /// what the applicant disputes and why.
    pub fn receive(
        id: ObjectionId,
        item: impl Into<CreditItem>,
        subject: SubjectId,
        receipt: Receipt,
        received_by: impl Into<String>,
        grounds: impl Into<String>,
    ) -> Self {
        Self {
            id,
            about: item.into(),
            subject,
            applicant: Applicant::Subject,
            receipt,
            received_by: received_by.into(),
            grounds: grounds.into(),
            forwarded: None,
            opinion: None,
            notified: None,
            replied: None,
            closed: None,
            withdrawn: None,
        }
    }

    /// The same objection, made by `applicant` (the notification of the
    /// result goes to the applicant, the reply to the subject).
    #[must_use]
    pub fn with_applicant(mut self, applicant: Applicant) -> Self {
        self.applicant = applicant;
        self
    }

    /// The identifier.
    pub fn id(&self) -> ObjectionId {
        self.id
    }

    /// The credit information objected to.
    pub fn item(&self) -> CreditItem {
        self.about
    }

    /// The record objected to, when the item is a record.
    pub fn record(&self) -> Option<RecordId> {
        self.about.record()
    }

    /// The credit subject the item is about; it gets the reply.
    pub fn subject(&self) -> &SubjectId {
        &self.subject
    }

    /// Who made the objection; they get the notification of the result.
    pub fn applicant(&self) -> &Applicant {
        &self.applicant
    }

    /// How and when it was received.
    pub fn receipt(&self) -> Receipt {
        self.receipt
    }

    /// The day it counts as received (see [`Receipt::date`]).
    pub fn received_on(&self) -> NaiveDate {
        self.receipt.date()
    }

    /// The Office official who received it.
    pub fn received_by(&self) -> &str {
        &self.received_by
    }

    /// What the applicant disputes and why.
    pub fn grounds(&self) -> &str {
        &self.grounds
    }

    /// The forwarding to the section, once done.
    pub fn forwarded(&self) -> Option<&Forwarded> {
        self.forwarded.as_ref()
    }

    /// The section's opinion, once the Office has it.
    pub fn opinion(&self) -> Option<&Opinion> {
        self.opinion.as_ref()
    }

    /// The notification of the applicant, once done.
    pub fn notified(&self) -> Option<&Notified> {
        self.notified.as_ref()
    }

    /// The reply to the subject, once done.
    pub fn replied(&self) -> Option<&Replied> {
        self.replied.as_ref()
    }

    /// The closing, once done.
    pub fn closed(&self) -> Option<&Act> {
        self.closed.as_ref()
    }

    /// The withdrawal, if the applicant withdrew.
    pub fn withdrawn(&self) -> Option<&Act> {
        self.withdrawn.as_ref()
    }

    /// The decision, once notified.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.notified.as_ref().map(|n| &n.outcome)
    }

    /// The section answerable for `step` (plan §6(9) accountability): the
    /// section the objection was forwarded to for [`Step::Verify`] (the
    /// Office itself when it made the item), the Office for every other
    /// step. The applicant's withdrawal is nobody's delay and answers the
    /// Office too.
    pub fn responsible(&self, step: Step) -> Section {
        match (step, &self.forwarded) {
            (Step::Verify, Some(f)) => f.to,
            _ => Section::Office,
        }
    }

    /// The day a step was taken, if it was. [`Step::Verify`] is dated the
    /// day the section submitted its opinion (see
    /// [`Objection::opinion_received_on`] for the Office's receipt).
    pub fn done_on(&self, step: Step) -> Option<NaiveDate> {
        match step {
            Step::Receive => Some(self.received_on()),
            Step::Forward => self.forwarded.as_ref().map(|f| f.on),
            Step::Verify => self.opinion.as_ref().map(|o| o.submitted_on),
            Step::Notify => self.notified.as_ref().map(|n| n.on),
            Step::Reply => self.replied.as_ref().map(|r| r.on),
            Step::Close => self.closed.as_ref().map(|c| c.on),
            Step::Withdraw => self.withdrawn.as_ref().map(|w| w.on),
        }
    }

    /// The day the Office received the section's opinion, if it has.
    pub fn opinion_received_on(&self) -> Option<NaiveDate> {
        self.opinion.as_ref().map(|o| o.on)
    }

    /// The day from which the step after `step` may be taken: the Office's
    /// receipt for the opinion, the step's own day otherwise.
    fn completed_on(&self, step: Step) -> Option<NaiveDate> {
        match step {
            Step::Verify => self.opinion_received_on(),
            _ => self.done_on(step),
        }
    }

    /// The day a step was taken, if it was taken on or before `on`.
    fn done_by(&self, step: Step, on: NaiveDate) -> Option<NaiveDate> {
        self.done_on(step).filter(|d| *d <= on)
    }

    /// Where the objection stands now.
    pub fn stage(&self) -> Stage {
        self.stage_as_of(None)
    }

    /// Where the objection stood at the end of `on`: steps dated after it
    /// are ignored. `None` before it was received.
    pub fn stage_on(&self, on: NaiveDate) -> Option<Stage> {
        (on >= self.received_on()).then(|| self.stage_as_of(Some(on)))
    }

    fn stage_as_of(&self, on: Option<NaiveDate>) -> Stage {
        let done = |step| match on {
            Some(on) => self.completed_on(step).is_some_and(|d| d <= on),
            None => self.completed_on(step).is_some(),
        };
        if done(Step::Withdraw) {
            Stage::Withdrawn
        } else if done(Step::Close) {
            Stage::Closed
        } else if done(Step::Reply) {
            Stage::Replied
        } else if done(Step::Notify) {
            Stage::Notified
        } else if done(Step::Verify) {
            Stage::OpinionReceived
        } else if done(Step::Forward) {
            Stage::Forwarded
        } else {
            Stage::Received
        }
    }

    /// Whether the objection is being checked at the end of `on`: received
    /// on or before it, and neither notified nor withdrawn by then.
    pub fn under_review_on(&self, on: NaiveDate) -> bool {
        matches!(
            self.stage_on(on),
            Some(Stage::Received | Stage::Forwarded | Stage::OpinionReceived)
        )
    }
}

/// The stored form of an [`Objection`]; loading replays its steps through
/// the same checks as the live workflow.
///
/// Version 0.1 stored `record` (no `about`, no `applicant`, no `replied`):
/// its objections were always about a record, and its notification was also
/// the reply, so loading one dates the reply with the notification.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredObjection {
    id: ObjectionId,
    #[serde(default)]
    about: Option<CreditItem>,
    #[serde(default)]
    record: Option<RecordId>,
    subject: SubjectId,
    #[serde(default)]
    applicant: Applicant,
    receipt: Receipt,
    received_by: String,
    grounds: String,
    #[serde(default)]
    forwarded: Option<Forwarded>,
    #[serde(default)]
    opinion: Option<Opinion>,
    #[serde(default)]
    notified: Option<Notified>,
    #[serde(default)]
    replied: Option<Replied>,
    #[serde(default)]
    closed: Option<Act>,
    #[serde(default)]
    withdrawn: Option<Act>,
}

impl StoredObjection {
    fn replay(self) -> Result<Objection, ObjectionError> {
        let (item, legacy) = match (self.about, self.record) {
            (Some(item), None) => (item, false),
            (None, Some(record)) => (CreditItem::Record(record), true),
            _ => return Err(ObjectionError::StoredItem),
        };
        let mut o = Objection::receive(
            self.id,
            item,
            self.subject,
            self.receipt,
            self.received_by,
            self.grounds,
        )
        .with_applicant(self.applicant);
        if let Some(f) = self.forwarded {
            o.forward(f.on, f.by, f.to)?;
        }
        if let Some(op) = self.opinion {
            o.receive_opinion_submitted(op.submitted_on, op.on, op.by, op.finding, op.summary)?;
        }
        let reply = match self.replied {
            Some(r) => Some(r),
            // Version 0.1: one letter was both the notification and the reply.
            None if legacy => self.notified.as_ref().map(|n| Replied {
                on: n.on,
                by: n.by.clone(),
                reasons: n.outcome.reasons().to_owned(),
            }),
            None => None,
        };
        if let Some(n) = self.notified {
            o.notify(n.on, n.by, n.outcome)?;
        }
        if let Some(r) = reply {
            o.reply(r.on, r.by, r.reasons)?;
        }
        if let Some(c) = self.closed {
            o.close(c.on, c.by)?;
        }
        if let Some(w) = self.withdrawn {
            o.withdraw(w.on, w.by)?;
        }
        Ok(o)
    }
}

impl<'de> Deserialize<'de> for Objection {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        StoredObjection::deserialize(deserializer)?
            .replay()
            .map_err(serde::de::Error::custom)
    }
}
