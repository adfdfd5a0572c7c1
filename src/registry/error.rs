//! The registry's errors and the dates it accepts as plausible.

use chrono::NaiveDate;
use thiserror::Error;

use crate::actor::Capacity;
use crate::assess::AssessError;
use crate::calendar::CalendarError;
use crate::citation::Citation;
use crate::commitment::CommitmentError;
use crate::grading::PolicyError;
use crate::misconduct::RecordId;
use crate::objection::ObjectionError;
use crate::permission::{Operation, Refusal};
use crate::repair::RepairError;
use crate::retention::ErasureError;
use crate::store::StoreError;
use crate::subject::RoleLinkError;

/// Why an operation was refused. Nothing was changed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The store failed; the operation was rolled back.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The actor's capacity is not granted the operation on its target by
    /// the permission table (issue 18). Checked before anything is written.
    #[error("`{capacity}` may not `{operation}`: {reason} (rule {rule})")]
    Forbidden {
        /// The actor's capacity.
        capacity: Capacity,
        /// The operation refused.
        operation: Operation,
        /// The table's row that grants it to others, or whose scope the
        /// target is outside, with its plan clause.
        rule: Citation,
        /// Why, in words.
        reason: String,
    },
    /// A page size outside 1 to [`MAX_PAGE`](super::MAX_PAGE).
    #[error("a page holds 1 to {max} items, not {limit}")]
    PageLimit {
        /// The size asked.
        limit: usize,
        /// The largest page.
        max: usize,
    },
    /// Something the operation names does not exist.
    #[error("no {what} `{id}` is registered")]
    NotFound {
        /// What was looked for.
        what: &'static str,
        /// Its identifier (a person's masked).
        id: String,
    },
    /// The subject is registered already.
    #[error("subject `{id}` is registered already")]
    AlreadyRegistered {
        /// The subject (a person's number masked).
        id: String,
    },
    /// An operation for organizations named a person, or the reverse.
    #[error("`{id}` is not {expected}")]
    WrongSubjectKind {
        /// The subject (masked if a person).
        id: String,
        /// What was expected.
        expected: &'static str,
    },
    /// No grading rule of the policy in force covers the finding, so no
    /// record can be made without a legal basis.
    #[error("no rule of grading policy `{policy}` grades conduct `{conduct}`{fine}; a record needs a rule behind it")]
    Ungraded {
        /// The policy in force.
        policy: String,
        /// The conduct kind.
        conduct: String,
        /// The fine, as text, if any.
        fine: String,
    },
    /// A record's dates are out of order.
    #[error("record dates are out of order: {problem}")]
    Dates {
        /// What is wrong.
        problem: String,
    },
    /// A role link is not valid.
    #[error(transparent)]
    RoleLink(#[from] RoleLinkError),
    /// A grading policy could not be applied.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// An objection step was not possible.
    #[error(transparent)]
    Objection(#[from] ObjectionError),
    /// A working-day count left the calendar's coverage.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A repair could not be applied.
    #[error(transparent)]
    Repair(#[from] RepairError),
    /// An erasure could not be made.
    #[error(transparent)]
    Erasure(#[from] ErasureError),
    /// The record was erased (plan §6(7)): only its tombstone is left.
    #[error("record `{record}` was erased on {on} under {basis}; nothing of it is kept")]
    Erased {
        /// The record.
        record: RecordId,
        /// The day it was erased.
        on: NaiveDate,
        /// The rule.
        basis: Citation,
    },
    /// A commitment could not be changed.
    #[error(transparent)]
    Commitment(#[from] CommitmentError),
    /// An assessment could not be made.
    #[error(transparent)]
    Assess(#[from] AssessError),
    /// A date outside [`plausible_dates`]: a typing slip (`9999-12-31`,
    /// year `-5000`) refused before anything is stored or graded.
    #[error("{what} {date} is outside the dates the registry accepts ({PLAUSIBLE_FIRST_YEAR}-01-01 to {PLAUSIBLE_LAST_YEAR}-12-31)")]
    ImplausibleDate {
        /// Which date: `"the operation date"`, `"the conduct date"`, ….
        what: &'static str,
        /// The date given.
        date: NaiveDate,
    },
    /// A negative fine: a fine is an amount imposed, zero or more.
    #[error("a fine of {fine} yuan is negative; a fine is an amount imposed, zero or more")]
    NegativeFine {
        /// The amount given.
        fine: rust_decimal::Decimal,
    },
    /// A row of an import ([`Registry::import_records`](super::Registry::import_records))
    /// cannot be recorded; nothing of the import was stored.
    #[error("row {row}, field `{field}`: {source}")]
    ImportRow {
        /// The row, counted from 1 in the order given (a service reading a
        /// file with a header line adds that line).
        row: usize,
        /// The field at fault, as [`ImportRow`](super::ImportRow) and
        /// [`NewRecord`](super::NewRecord) name it in JSON: `recorded_on`,
        /// `subject`, `conduct`, `occurred_on`, `ended_on`,
        /// `content.fine`, `decision.decided_on`, or `record` when the
        /// finding as a whole cannot be recorded (no rule, a list it cannot
        /// join).
        field: &'static str,
        /// What is wrong with it.
        #[source]
        source: Box<RegistryError>,
    },
    /// A list operation that the subject's standing on the list does not allow.
    #[error("{list}: {problem}")]
    ListOperation {
        /// The list.
        list: String,
        /// What is wrong.
        problem: String,
    },
    /// A daily sweep asked for a day before the latest completed sweep, and
    /// not swept then: the sweeps after it have already handled what was
    /// due that day (each sweep catches up from the last completed one), so
    /// a sweep of it would find nothing and report nothing. Nothing changes.
    #[error("the sweep of {on} cannot run: the sweep of {latest} has completed, and it handled everything due up to its day")]
    SweepBeforeLatest {
        /// The day asked.
        on: NaiveDate,
        /// The latest completed sweep.
        latest: NaiveDate,
    },
}

/// The first year of [`plausible_dates`].
pub const PLAUSIBLE_FIRST_YEAR: i32 = 1900;

/// The last year of [`plausible_dates`].
pub const PLAUSIBLE_LAST_YEAR: i32 = 2099;

/// The dates the registry accepts for an operation, a subject's founding,
/// a conduct and a penalty decision: 1 January 1900 to 31 December 2099.
///
/// Why these bounds: the statutory holiday rules every calendar of this
/// crate counts on are tabulated through 2099 (no deadline after it can be
/// counted), and no organization or person the registry holds acted
/// before 1900 (a citizen identity number encodes a birth date from 1800
/// on; an organization registered under PRC law was founded after 1949).
/// A date outside is a typing slip, refused with
/// [`RegistryError::ImplausibleDate`] rather than stored and graded.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::registry::plausible_dates;
///
/// assert!(plausible_dates().contains(&NaiveDate::from_ymd_opt(2019, 3, 4).unwrap()));
/// assert!(!plausible_dates().contains(&NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()));
/// ```
pub fn plausible_dates() -> std::ops::RangeInclusive<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(PLAUSIBLE_FIRST_YEAR, 1, 1).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_ymd_opt(PLAUSIBLE_LAST_YEAR, 12, 31).unwrap_or(NaiveDate::MAX);
    first..=last
}

/// `date` if it is plausible, else [`RegistryError::ImplausibleDate`].
pub(super) fn plausible(what: &'static str, date: NaiveDate) -> Result<(), RegistryError> {
    if plausible_dates().contains(&date) {
        Ok(())
    } else {
        Err(RegistryError::ImplausibleDate { what, date })
    }
}

pub(super) fn not_found(what: &'static str, id: impl ToString) -> RegistryError {
    RegistryError::NotFound {
        what,
        id: id.to_string(),
    }
}

impl From<Refusal> for RegistryError {
    fn from(r: Refusal) -> Self {
        Self::Forbidden {
            capacity: r.capacity,
            operation: r.operation,
            rule: r.rule,
            reason: r.reason,
        }
    }
}
