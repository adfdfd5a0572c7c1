//! Errors of a repair and of loading a repair policy.

use chrono::NaiveDate;
use thiserror::Error;

use super::eligibility::{status_name, Unmet};
use crate::misconduct::{RecordId, RecordStatus, Severity};

/// Why a repair question cannot be answered or a repair not applied.
/// Nothing is changed when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RepairError {
    /// The day asked is before the record was made.
    #[error("record `{record}` was recorded on `{recorded_on}`; it cannot be judged on `{on}`")]
    BeforeRecord {
        /// The record.
        record: RecordId,
        /// The day asked.
        on: NaiveDate,
        /// The day it was recorded.
        recorded_on: NaiveDate,
    },
    /// The penalty decision is dated before the conduct.
    #[error("the penalty decision for record `{record}` is dated `{decided_on}`, before the conduct on `{occurred_on}`")]
    DecisionBeforeConduct {
        /// The record.
        record: RecordId,
        /// The decision's day.
        decided_on: NaiveDate,
        /// The conduct's day.
        occurred_on: NaiveDate,
    },
    /// The policy has no periods for the record's severity.
    #[error("policy `{policy}` has no publication periods for severity `{severity}`")]
    NoPeriods {
        /// The policy's name.
        policy: String,
        /// The severity.
        severity: Severity,
    },
    /// No policy of the timeline is in force on the day asked.
    #[error("no credit repair policy is in force on `{on}`")]
    NoPolicyInForce {
        /// The day asked.
        on: NaiveDate,
    },
    /// Repair was applied to a record that is not in force.
    #[error("record `{record}` is {}; only an active or corrected record can be repaired", status_name(*.status))]
    NotInForce {
        /// The record.
        record: RecordId,
        /// Its status.
        status: RecordStatus,
    },
    /// Repair was applied on a day before the record's latest status change.
    #[error("record `{record}` last changed status on `{last_change}`; a repair on `{on}` would precede it")]
    BeforeLastChange {
        /// The record.
        record: RecordId,
        /// The day asked.
        on: NaiveDate,
        /// The day of the latest change.
        last_change: NaiveDate,
    },
    /// Repair was applied to a record that is not eligible.
    #[error("record `{record}` is not eligible for repair on `{on}`: {}", list(.unmet))]
    NotEligible {
        /// The record.
        record: RecordId,
        /// The day asked.
        on: NaiveDate,
        /// Every unmet condition.
        unmet: Vec<Unmet>,
    },
}

pub(super) fn list(unmet: &[Unmet]) -> String {
    unmet
        .iter()
        .map(|u| u.condition.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why a policy or timeline is inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RepairPolicyError {
    /// A tier's minimum period is longer than its maximum.
    #[error("policy `{policy}`: severity `{severity}` has a minimum of {minimum_months} months, longer than its maximum of {maximum_months}")]
    MinimumAfterMaximum {
        /// The policy's name.
        policy: String,
        /// The tier.
        severity: Severity,
        /// Its minimum.
        minimum_months: u32,
        /// Its maximum.
        maximum_months: u32,
    },
    /// A tier appears twice.
    #[error("policy `{policy}`: severity `{severity}` has two sets of periods")]
    DuplicateTier {
        /// The policy's name.
        policy: String,
        /// The tier.
        severity: Severity,
    },
    /// The policy ends before it starts.
    #[error("policy `{policy}` ends on `{until}`, before it takes effect on `{from}`")]
    EndsBeforeStart {
        /// The policy's name.
        policy: String,
        /// Its first day.
        from: NaiveDate,
        /// Its last day.
        until: NaiveDate,
    },
    /// A tier-table row names neither procedures nor penalties, so it would
    /// grade every decision.
    #[error("policy `{policy}`: tier-table row `{rule}` names no procedure and no penalty type")]
    TierRowCoversEverything {
        /// The policy's name.
        policy: String,
        /// The row's rule.
        rule: String,
    },
    /// A tier-table row grades into a tier the policy has no periods for.
    #[error("policy `{policy}`: tier-table row `{rule}` grades into severity `{severity}`, which has no periods")]
    TierRowWithoutPeriods {
        /// The policy's name.
        policy: String,
        /// The row's rule.
        rule: String,
        /// The tier.
        severity: Severity,
    },
    /// Two policies of a timeline are in force on the same day.
    #[error("policies `{earlier}` and `{later}` are both in force on `{on}`")]
    Overlap {
        /// The one that starts first.
        earlier: String,
        /// The other.
        later: String,
        /// The first day both are in force.
        on: NaiveDate,
    },
}
