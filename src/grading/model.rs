//! A grading policy as data: the conduct kinds, lists, fine ranges, finding
//! patterns, repeat and time-on-list conditions, and the rules built of them.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalogue::Target;
use crate::citation::Citation;
use crate::lists::{ListKind, ListLifecycle};
use crate::misconduct::{ConductKind, Severity};

/// A conduct kind a policy knows, with its names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConductDef {
    /// The identifier records use.
    pub id: ConductKind,
    /// The Chinese name.
    pub chinese_name: String,
    /// The English name.
    pub english_name: String,
}

/// A list a policy refers to: its id in the policy's rules, what kind of
/// list it is, and the severity a listing means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListDef {
    /// The id rules use, e.g. `activity_abnormal`.
    pub id: String,
    /// The Chinese name, e.g. 活动异常名录.
    pub chinese_name: String,
    /// The English name.
    pub english_name: String,
    /// What kind of list it is.
    pub kind: ListKind,
    /// The severity a listing means; must agree with the kind
    /// ([`ListKind::implied_severity`]).
    pub severity: Severity,
    /// Who may stand on it: `organization` for the civil-affairs lists of
    /// MCA Order No. 60 (2018), which only social organizations can be on.
    /// When absent: organizations for an activity-abnormal list, anyone
    /// otherwise ([`ListDef::takes`]). A rule that may grade persons can
    /// never put them on an organizations-only list (checked on load).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subjects: Option<Target>,
    /// The clause that establishes the list.
    pub source: String,
}

impl ListDef {
    /// Who may stand on the list: the declared subjects, or organizations
    /// only for an activity-abnormal list, anyone otherwise.
    pub fn takes(&self) -> Target {
        self.subjects.unwrap_or(match self.kind {
            ListKind::ActivityAbnormal => Target::Organization,
            _ => Target::Both,
        })
    }
}

/// The kind of subject a finding is about, for rules that name one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// An organization.
    Organization,
    /// A natural person.
    Person,
}

impl SubjectKind {
    /// Whether a rule or list for `target` covers this kind of subject.
    pub fn within(self, target: Target) -> bool {
        match self {
            Self::Organization => target.organizations(),
            Self::Person => target.persons(),
        }
    }
}

/// A range of fines in yuan: `at_least <= fine < below`, either bound optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FineRange {
    /// The smallest fine in the range, included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<Decimal>,
    /// The first fine above the range, excluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<Decimal>,
}

impl FineRange {
    /// Whether `fine` lies in the range.
    pub fn contains(&self, fine: Decimal) -> bool {
        self.at_least.is_none_or(|a| fine >= a) && self.below.is_none_or(|b| fine < b)
    }

    pub(super) fn is_empty(&self) -> bool {
        matches!((self.at_least, self.below), (Some(a), Some(b)) if a >= b)
    }

    pub(super) fn intersects(&self, other: &Self) -> bool {
        let lo = match (self.at_least, other.at_least) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let hi = match (self.below, other.below) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        !matches!((lo, hi), (Some(l), Some(h)) if l >= h)
    }
}

impl fmt::Display for FineRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.at_least, self.below) {
            (Some(a), Some(b)) => write!(f, "¥{a} to under ¥{b}"),
            (Some(a), None) => write!(f, "¥{a} or more"),
            (None, Some(b)) => write!(f, "under ¥{b}"),
            (None, None) => f.write_str("any fine"),
        }
    }
}

/// What a finding must look like: one of the conduct kinds and, where a
/// fine range is given, a fine in that range (a finding without a fine
/// never matches a fine range).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingPattern {
    /// The conduct kinds, any of which matches.
    pub conduct: Vec<ConductKind>,
    /// The fine range, if the pattern asks for a fine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine: Option<FineRange>,
}

impl FindingPattern {
    pub(super) fn intersects(&self, other: &Self) -> bool {
        self.conduct.iter().any(|c| other.conduct.contains(c))
            && match (&self.fine, &other.fine) {
                (Some(a), Some(b)) => a.intersects(b),
                _ => true,
            }
    }
}

/// "`at_least` or more findings matching `of` within `within_years` years"
/// (the finding graded included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    /// The number of qualifying findings needed.
    pub at_least: u32,
    /// The window in years, counted back from the day graded.
    pub within_years: u32,
    /// What a qualifying finding looks like (any of the patterns).
    pub of: Vec<FindingPattern>,
}

/// "`full_years` full years on the list `list`", counted from the latest
/// listing event (a new listing event restarts the listing period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeOnList {
    /// The list's id in the policy.
    pub list: String,
    /// The number of full years.
    pub full_years: u32,
}

/// The conditions of a rule; every condition given must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    /// The finding graded must match one of these patterns (no finding
    /// condition when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finding: Vec<FindingPattern>,
    /// A count of qualifying findings within a window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<Repeat>,
    /// Time on a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_on_list: Option<TimeOnList>,
}

/// One grading rule: when its conditions hold, the subject is graded
/// `severity` and, where `list` is given, put on that list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradingRule {
    /// A stable id, e.g. `serious.large_fine`.
    pub id: String,
    /// What the rule says, in words.
    pub description: String,
    /// The severity it grades.
    pub severity: Severity,
    /// The list it puts the subject on, by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// Which subjects it grades; when absent, those its list takes (anyone
    /// for a rule without a list). A finding about any other kind of
    /// subject never matches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subjects: Option<Target>,
    /// The source clause, e.g. `MCA Order No. 60 (2018) art. 14(4), unconfirmed`.
    pub source: String,
    /// When it applies.
    pub when: Conditions,
}

impl GradingRule {
    /// The citation of this rule.
    pub fn citation(&self) -> Citation {
        Citation::owned(self.id.clone(), self.source.clone())
    }
}

/// The data of a grading policy before validation: what a JSON or TOML file
/// holds. [`GradingPolicy::new`] validates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyData {
    /// A stable id, e.g. `civil-affairs-mca-2018`.
    pub id: String,
    /// A readable name.
    pub name: String,
    /// The rules it follows, e.g. `MCA Order No. 60 (2018)`.
    pub source: String,
    /// The first day it is in force.
    pub effective_from: NaiveDate,
    /// The tiers it uses; a rule grading any other tier is rejected.
    pub tiers: Vec<Severity>,
    /// The conduct kinds it knows.
    pub conduct_kinds: Vec<ConductDef>,
    /// The lists it refers to.
    #[serde(default)]
    pub lists: Vec<ListDef>,
    /// The list lifecycle (entry and exit periods), where the policy runs lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<ListLifecycle>,
    /// The rules.
    pub rules: Vec<GradingRule>,
}

/// A validated grading policy.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// use social_credit::grading::{Facts, Finding, GradingPolicy};
/// use social_credit::misconduct::{ConductKind, Severity};
///
/// let policy = GradingPolicy::civil_affairs_mca_2018();
/// let day = NaiveDate::from_ymd_opt(2020, 5, 6).unwrap();
/// let fine = Finding::new(ConductKind::new("fine"), day).with_fine(Decimal::new(60_000, 0));
/// let grade = policy.grade(&Facts::new(day).finding(fine)).unwrap();
/// assert_eq!(grade.severity, Severity::Severe);
/// assert_eq!(grade.citation.rule, "serious.large_fine");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PolicyData", into = "PolicyData")]
pub struct GradingPolicy {
    // INVARIANT: validated by `PolicyData::problems` (no problems).
    pub(super) data: PolicyData,
}
