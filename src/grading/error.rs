//! The problems a policy can have, and the errors of loading and grading.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use thiserror::Error;

use super::model::FineRange;
use crate::misconduct::Severity;

/// One problem with a policy.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PolicyProblem {
    /// The policy uses no tier.
    #[error("the policy declares no tiers")]
    NoTiers,
    /// Two conduct kinds with the same id.
    #[error("conduct kind `{conduct}` is declared twice")]
    DuplicateConductKind {
        /// The id.
        conduct: String,
    },
    /// Two lists with the same id.
    #[error("list `{list}` is declared twice")]
    DuplicateList {
        /// The id.
        list: String,
    },
    /// A list whose severity disagrees with its kind.
    #[error("list `{list}` is declared {severity}, which its kind does not imply")]
    ListSeverityMismatch {
        /// The list.
        list: String,
        /// The declared severity.
        severity: Severity,
    },
    /// A list whose severity is a tier the policy does not use.
    #[error("list `{list}` is {severity}, a tier the policy does not use")]
    ListTierNotUsed {
        /// The list.
        list: String,
        /// Its severity.
        severity: Severity,
    },
    /// Two rules with the same id.
    #[error("rule `{rule}` is declared twice")]
    DuplicateRule {
        /// The id.
        rule: String,
    },
    /// A rule grading a tier the policy does not use.
    #[error("rule `{rule}` grades {severity}, a tier the policy does not use")]
    TierNotUsed {
        /// The rule.
        rule: String,
        /// The tier.
        severity: Severity,
    },
    /// A rule naming a conduct kind the policy does not declare.
    #[error("rule `{rule}` names unknown conduct kind `{conduct}`")]
    UnknownConduct {
        /// The rule.
        rule: String,
        /// The conduct kind.
        conduct: String,
    },
    /// A rule naming a list the policy does not declare.
    #[error("rule `{rule}` refers to unknown list `{list}`")]
    UnknownList {
        /// The rule (or lifecycle setting).
        rule: String,
        /// The list.
        list: String,
    },
    /// A rule that puts a subject on a list of another severity.
    #[error("rule `{rule}` grades {severity} but puts the subject on list `{list}`, which is {list_severity}")]
    RuleListMismatch {
        /// The rule.
        rule: String,
        /// The list.
        list: String,
        /// The rule's severity.
        severity: Severity,
        /// The list's severity.
        list_severity: Severity,
    },
    /// A rule that may grade a kind of subject its list does not take.
    #[error("rule `{rule}` may grade subjects that list `{list}` cannot take")]
    RuleListSubjects {
        /// The rule.
        rule: String,
        /// The list.
        list: String,
    },
    /// A list of a kind only organizations can be on, declared for persons.
    #[error("list `{list}` is an activity-abnormal list, which only organizations can be on")]
    ListSubjects {
        /// The list.
        list: String,
    },
    /// A rule with no condition at all.
    #[error("rule `{rule}` has no condition")]
    NoCondition {
        /// The rule.
        rule: String,
    },
    /// A finding pattern with no conduct kind, or a repeat with no pattern.
    #[error("rule `{rule}` has a finding pattern with no conduct kind")]
    EmptyConduct {
        /// The rule.
        rule: String,
    },
    /// A negative fine threshold.
    #[error("rule `{rule}` has a negative fine threshold `{amount}`")]
    NegativeFine {
        /// The rule.
        rule: String,
        /// The amount.
        amount: Decimal,
    },
    /// A fine range no fine can fall in (contradictory thresholds).
    #[error("rule `{rule}` has contradictory fine thresholds: {range} is empty")]
    EmptyFineRange {
        /// The rule.
        rule: String,
        /// The range.
        range: FineRange,
    },
    /// A repeat count of zero.
    #[error("rule `{rule}` counts zero findings")]
    ZeroCount {
        /// The rule.
        rule: String,
    },
    /// A window or time on a list of zero years.
    #[error("rule `{rule}` has a period of zero years")]
    ZeroPeriod {
        /// The rule.
        rule: String,
    },
    /// Two rules whose thresholds overlap.
    #[error("rules `{rule}` and `{other}` overlap: some findings meet both")]
    Overlapping {
        /// The first rule.
        rule: String,
        /// The second rule.
        other: String,
    },
    /// More rules than [`MAX_POLICY_RULES`](super::MAX_POLICY_RULES).
    #[error("the policy has {count} rules, more than the {max} a policy may have")]
    TooManyRules {
        /// How many rules it has.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// Overlapping pairs past the first [`MAX_LISTED_OVERLAPS`](super::MAX_LISTED_OVERLAPS), counted
    /// rather than listed.
    #[error("{more} more overlapping pair(s) of rules")]
    MoreOverlaps {
        /// How many pairs were not listed.
        more: usize,
    },
    /// A lifecycle setting naming a rule the policy does not have.
    #[error("lifecycle setting `{setting}` refers to unknown rule `{rule}`")]
    UnknownLifecycleRule {
        /// The setting.
        setting: String,
        /// The rule.
        rule: String,
    },
    /// A lifecycle period of zero.
    #[error("lifecycle setting `{setting}` is zero")]
    ZeroLifecyclePeriod {
        /// The setting.
        setting: String,
    },
}

/// A policy that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The data is not a policy (malformed, unknown fields, wrong types).
    #[error("grading policy could not be read: {message}")]
    Parse {
        /// The parser's message.
        message: String,
    },
    /// The policy text is larger than [`MAX_POLICY_JSON_BYTES`](super::MAX_POLICY_JSON_BYTES).
    #[error("grading policy text has {bytes} bytes, more than the {max} a policy may have")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The most allowed.
        max: usize,
    },
    /// The policy breaks one or more rules; every problem is listed
    /// (overlapping pairs past [`MAX_LISTED_OVERLAPS`](super::MAX_LISTED_OVERLAPS) are counted).
    #[error("grading policy `{policy}` has {} problem(s): {}", problems.len(), join(problems))]
    Invalid {
        /// The policy's id.
        policy: String,
        /// Every problem found.
        problems: Vec<PolicyProblem>,
    },
    /// Two policies of a set take effect on the same day.
    #[error("grading policies `{first}` and `{second}` both take effect on {on}")]
    SameEffectiveDay {
        /// One policy.
        first: String,
        /// The other.
        second: String,
        /// The day.
        on: NaiveDate,
    },
    /// No policy is in force on the day asked about.
    #[error("no grading policy is in force on {on}")]
    NoneInForce {
        /// The day.
        on: NaiveDate,
    },
}

pub(super) fn join(problems: &[PolicyProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
