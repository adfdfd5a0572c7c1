//! Whether an open objection suspends sanctions ([`ObjectionPolicy`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::citation::Citation;
use crate::misconduct::RecordId;

use super::*;

/// Whether an open objection suspends joint sanctions on its record.
///
/// The plan's rule, and the [`Default`]: it does not. "异议处理期间不影响失信行为的记录、公示与处理"
/// (plan §6(3)): the record is recorded, published and handled as if there
/// were no objection. Some national and provincial rules suspend joint
/// sanctions while an objection is checked; [`ObjectionPolicy::suspending`]
/// models them, citing their own rule.
///
/// # Example
///
/// ```
/// use social_credit::objection::ObjectionPolicy;
///
/// let plan = ObjectionPolicy::default();
/// assert!(!plan.suspend_sanctions_while_open);
/// assert_eq!(plan.basis.source, "plan §6(3)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ObjectionPolicy {
    /// Whether joint sanctions based on a record are suspended while an
    /// objection to it is under review (received, not yet notified or
    /// withdrawn).
    pub suspend_sanctions_while_open: bool,
    /// The rule behind the setting.
    pub basis: Citation,
}

impl Default for ObjectionPolicy {
    fn default() -> Self {
        Self {
            suspend_sanctions_while_open: false,
            basis: NO_SUSPENSION_BASIS,
        }
    }
}

impl ObjectionPolicy {
    /// The plan's rule: an objection suspends nothing (plan §6(3)).
    pub fn plan() -> Self {
        Self::default()
    }

    /// A regime that suspends joint sanctions while an objection is under
    /// review, under the rule `basis`.
    pub fn suspending(basis: Citation) -> Self {
        Self {
            suspend_sanctions_while_open: true,
            basis,
        }
    }

    /// Whether `objection` suspends sanctions based on `record` at the end
    /// of `on`: only under a suspending policy, only for the record objected
    /// to, and only while the objection is under review (from the day it is
    /// received until the day the applicant is notified or withdraws,
    /// exclusive).
    pub fn suspends_sanctions(
        &self,
        objection: &Objection,
        record: RecordId,
        on: NaiveDate,
    ) -> SanctionSuspension {
        SanctionSuspension {
            suspended: self.suspend_sanctions_while_open
                && objection.record() == Some(record)
                && objection.under_review_on(on),
            basis: self.basis.clone(),
        }
    }
}

/// The answer of [`ObjectionPolicy::suspends_sanctions`], with its rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SanctionSuspension {
    /// Whether sanctions based on the record are suspended.
    pub suspended: bool,
    /// The rule that decided it.
    pub basis: Citation,
}

// A service keeps objections in shared state and answers from async handlers.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Objection>();
    assert_send_sync::<ObjectionStatus>();
    assert_send_sync::<DueItem>();
    assert_send_sync::<RecordChange>();
    assert_send_sync::<ItemChange>();
    assert_send_sync::<ObjectionPolicy>();
    assert_send_sync::<ObjectionError>();
};
