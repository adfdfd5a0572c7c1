//! Why an objection step is refused.

use chrono::NaiveDate;
use thiserror::Error;

use crate::calendar::CalendarError;
use crate::misconduct::{RecordId, RecordStatus};

use super::*;

/// A step of the objection procedure that cannot be taken, or a question
/// that cannot be answered. A failed step changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ObjectionError {
    /// A step after the objection was closed or withdrawn.
    #[error("cannot {step}: the objection was {stage} on {on}")]
    Finished {
        /// The step attempted.
        step: Step,
        /// [`Stage::Closed`] or [`Stage::Withdrawn`].
        stage: Stage,
        /// The day it was closed or withdrawn.
        on: NaiveDate,
    },
    /// A step taken a second time.
    #[error("cannot {step} twice: already done on {on}")]
    AlreadyDone {
        /// The step attempted.
        step: Step,
        /// The day it was done.
        on: NaiveDate,
    },
    /// A step before the step it follows.
    #[error("cannot {step} yet: first {requires}")]
    OutOfOrder {
        /// The step attempted.
        step: Step,
        /// The step that must come first.
        requires: Step,
    },
    /// A step dated before the step it follows.
    #[error("cannot {step} on {on}, before the previous step ({previous}) on {previous_on}")]
    DateBeforePrevious {
        /// The step attempted.
        step: Step,
        /// The day given.
        on: NaiveDate,
        /// The step it follows.
        previous: Step,
        /// The day that step was taken.
        previous_on: NaiveDate,
    },
    /// A withdrawal after the applicant was notified of the result.
    #[error(
        "cannot withdraw the objection: the applicant was notified of the result on {notified_on}"
    )]
    TooLateToWithdraw {
        /// The day of the notification.
        notified_on: NaiveDate,
    },
    /// The Office's receipt of the section's opinion dated before the
    /// section submitted it.
    #[error("the opinion cannot be received on {received_on}, before it was submitted on {submitted_on}")]
    OpinionReceivedBeforeSubmitted {
        /// The day the section submitted it.
        submitted_on: NaiveDate,
        /// The day given for the Office's receipt.
        received_on: NaiveDate,
    },
    /// A decision that does not follow from the section's finding.
    #[error("decision `{outcome}` contradicts the section's finding `{finding}`")]
    OutcomeContradictsFinding {
        /// The section's finding.
        finding: Finding,
        /// The decision given: `revoked`, `corrected` or `kept`.
        outcome: &'static str,
    },
    /// A decision that does not fit the item objected to, e.g. a record's
    /// content correction for a list entry.
    #[error("decision `{outcome}` does not apply to {item}")]
    OutcomeDoesNotFit {
        /// The decision given.
        outcome: &'static str,
        /// The item objected to.
        item: CreditItem,
    },
    /// A correction that corrects nothing (a listing with no events).
    #[error("the correction of {item} gives nothing to put in its place")]
    EmptyCorrection {
        /// The item objected to.
        item: CreditItem,
    },
    /// A list entry or commitment that may not change that way.
    #[error("{item} cannot be changed this way: {problem}")]
    ItemUnchangeable {
        /// The item.
        item: CreditItem,
        /// Why not.
        problem: String,
    },
    /// A stored objection that names no item, or both an item and a
    /// version 0.1 record.
    #[error(
        "a stored objection names exactly one item: `about`, or `record` as version 0.1 stored it"
    )]
    StoredItem,
    /// A quarter outside 1–4, or one whose report's due day cannot be
    /// computed.
    #[error("no quarterly report on quarter {quarter} of {year}: a quarter is 1 to 4")]
    NoSuchQuarter {
        /// The year given.
        year: i32,
        /// The quarter given.
        quarter: u32,
    },
    /// A status asked for a day before the objection was received.
    #[error("no status on {on}: the objection was received on {received_on}")]
    BeforeReceipt {
        /// The day asked about.
        on: NaiveDate,
        /// The day it counts as received.
        received_on: NaiveDate,
    },
    /// A record change applied to another record.
    #[error("the change is for record `{expected}`, not `{found}`")]
    RecordMismatch {
        /// The record the change is for.
        expected: RecordId,
        /// The record given.
        found: RecordId,
    },
    /// A record change on a record that may not change that way.
    #[error("record `{record}` is {} and cannot be changed this way", status_name(*status))]
    RecordUnchangeable {
        /// The record.
        record: RecordId,
        /// Its status: revoked, erased, or (for a second correction) corrected.
        status: RecordStatus,
    },
    /// A record change dated before the record's last entry.
    #[error("the change to record `{record}` is dated {on}, before its last entry on {last}")]
    ChangeBeforeRecordHistory {
        /// The record.
        record: RecordId,
        /// The day of the change.
        on: NaiveDate,
        /// The day the record was made or last changed status.
        last: NaiveDate,
    },
    /// A day or count outside the calendar's coverage.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}
