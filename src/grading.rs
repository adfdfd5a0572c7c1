//! Grading (失信等级划分, plan §3(3)): rules as data that map the facts of a
//! finding to a [`Severity`], and say which rule decided and why.
//!
//! A [`GradingPolicy`] is a list of [`GradingRule`]s, each a conjunction of
//! conditions on a finding (its conduct kind and fine), on the subject's
//! earlier findings ("two or more within three years") and on its time on a
//! list ("two full years"). A policy declares the tiers it uses, the conduct
//! kinds it knows and the lists it refers to, and is validated when it is
//! built or loaded: every problem is reported at once, each with the rule's
//! id. A [`PolicySet`] holds policies by the day they take effect and answers
//! with the one in force on a day.
//!
//! The built-in preset for a civil-affairs bureau,
//! [`GradingPolicy::civil_affairs_mca_2018`], follows the Ministry of Civil
//! Affairs' 社会组织信用信息管理办法 (MCA Order No. 60, 2018). It is loaded from
//! `data/presets/civil-affairs-mca-2018.json`, which is its readable source.
//!
//! # Counting periods
//!
//! Periods follow the Civil Code: the start day is not counted (art. 201) and
//! a period in years ends on the corresponding day of the final year, or that
//! month's last day when there is none (art. 202).
//! - "N or more findings within Y years", graded on day `D`: a finding dated
//!   `F` counts when `D - Y years <= F <= D` (the finding being graded counts).
//! - "N full years on a list" listed (or relisted) on day `S` holds from
//!   `S + N years + 1 day` on: the N years have fully run by then.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::catalogue::Target;
use crate::citation::Citation;
use crate::lists::{ListKind, ListLifecycle};
use crate::misconduct::{ConductKind, Severity};

// Calendar-year arithmetic lives in `calendar::years`, below grading and
// lists, which both count in years.
pub(crate) use crate::calendar::years::{add_years, full_years_run, sub_years};

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

    fn is_empty(&self) -> bool {
        matches!((self.at_least, self.below), (Some(a), Some(b)) if a >= b)
    }

    fn intersects(&self, other: &Self) -> bool {
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
    fn matches(&self, finding: &Finding) -> bool {
        self.conduct.contains(&finding.conduct)
            && match &self.fine {
                None => true,
                Some(range) => finding.fine.is_some_and(|f| range.contains(f)),
            }
    }

    fn intersects(&self, other: &Self) -> bool {
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
    data: PolicyData,
}

impl TryFrom<PolicyData> for GradingPolicy {
    type Error = PolicyError;

    fn try_from(data: PolicyData) -> Result<Self, Self::Error> {
        Self::new(data)
    }
}

impl From<GradingPolicy> for PolicyData {
    fn from(p: GradingPolicy) -> Self {
        p.data
    }
}

const MCA_2018_JSON: &str = include_str!("../data/presets/civil-affairs-mca-2018.json");
const PLAN_2019_EXAMPLE_JSON: &str =
    include_str!("../data/presets/xinzheng-plan-2019-example.json");

/// The most rules a grading policy may have (issue 17, defect 3): the
/// overlap check compares every pair, so 4,000 rules took 7 s and 2.3 GB.
/// The built-in presets have a few dozen.
pub const MAX_POLICY_RULES: usize = 1_000;

/// The most overlapping pairs a [`PolicyError::Invalid`] lists one by one;
/// the rest are counted in one [`PolicyProblem::MoreOverlaps`].
pub const MAX_LISTED_OVERLAPS: usize = 20;

/// The largest policy text [`GradingPolicy::from_json`] reads (1 MiB; the
/// built-in presets are a few KiB).
pub const MAX_POLICY_JSON_BYTES: usize = 1 << 20;

impl GradingPolicy {
    /// Validates `data` into a policy.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Invalid`] listing every problem found, each with the
    /// id of the rule (or list, or conduct kind) it concerns.
    pub fn new(data: PolicyData) -> Result<Self, PolicyError> {
        let problems = data.problems();
        if problems.is_empty() {
            Ok(Self { data })
        } else {
            Err(PolicyError::Invalid {
                policy: data.id,
                problems,
            })
        }
    }

    /// Parses and validates a policy from JSON.
    ///
    /// # Errors
    ///
    /// [`PolicyError::TooLarge`] for a text over [`MAX_POLICY_JSON_BYTES`],
    /// [`PolicyError::Parse`] for malformed JSON or unknown fields,
    /// [`PolicyError::Invalid`] for a policy that breaks the rules above.
    pub fn from_json(json: &str) -> Result<Self, PolicyError> {
        if json.len() > MAX_POLICY_JSON_BYTES {
            return Err(PolicyError::TooLarge {
                bytes: json.len(),
                max: MAX_POLICY_JSON_BYTES,
            });
        }
        let data: PolicyData = serde_json::from_str(json).map_err(|e| PolicyError::Parse {
            message: e.to_string(),
        })?;
        Self::new(data)
    }

    /// The civil-affairs preset (plan §3(3)): MCA Order No. 60 (2018),
    /// 社会组织信用信息管理办法, in force from its promulgation on 2018-01-24.
    ///
    /// Onto the activity-abnormal list (活动异常名录), graded `General`
    /// (art. 10, unconfirmed): annual report late, no party organization,
    /// rectification not completed, a charity failing its public-fundraising
    /// duties, a warning or a fine under ¥50,000, unreachable at the
    /// registered address, another ground a law names. Onto the serious illegal-and-dishonest list (严重违法失信名单),
    /// graded `Severe` (art. 14, unconfirmed): two full years on the abnormal list, a
    /// change registration obtained by fraud and revoked, suspension of
    /// activities, a fine of ¥50,000 or more, two or more warnings or fines
    /// under ¥50,000 within three years, listed by a court as a dishonest
    /// judgment debtor, registration revoked, another ground a law names.
    /// Every rule and list is for organizations only. Tiers: the plan's
    /// `General`/`Serious`/`Severe` (plan §3(3)); `Serious` has no trigger
    /// in this preset.
    pub fn civil_affairs_mca_2018() -> &'static Self {
        static POLICY: OnceLock<GradingPolicy> = OnceLock::new();
        POLICY.get_or_init(|| {
            #[expect(
                clippy::expect_used,
                reason = "embedded data, validated by the unit test `builtin_preset_loads_from_its_data_file`"
            )]
            Self::from_json(MCA_2018_JSON).expect("the built-in preset is valid")
        })
    }

    /// **An example, not a rule in force**: a plan-level policy a bureau
    /// could start from (plan §3(3) 一般 / 较重 / 严重): the MCA Order No. 60
    /// (2018) rules for social organizations, plus illustrative rules for
    /// persons, two of which grade `Serious` (较重). No text found defines a
    /// 较重 trigger (DESIGN.md, "Why is no 较重 trigger built in?"), so these
    /// rules cite no legal source and a bureau must replace them with its
    /// own. Not part of [`PolicySet::builtin`].
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    /// use social_credit::grading::{Facts, Finding, GradingPolicy, SubjectKind};
    /// use social_credit::misconduct::{ConductKind, Severity};
    ///
    /// let policy = GradingPolicy::xinzheng_plan_2019_example();
    /// let day = NaiveDate::from_ymd_opt(2020, 5, 6).unwrap();
    /// let fine = Finding::new(ConductKind::new("fine"), day).with_fine(Decimal::new(60_000, 0));
    /// let grade = policy.grade(&Facts::new(day).about(SubjectKind::Person).finding(fine)).unwrap();
    /// assert_eq!(grade.severity, Severity::Serious);
    /// assert!(grade.citation.source.contains("EXAMPLE"));
    /// ```
    pub fn xinzheng_plan_2019_example() -> &'static Self {
        static POLICY: OnceLock<GradingPolicy> = OnceLock::new();
        POLICY.get_or_init(|| {
            #[expect(
                clippy::expect_used,
                reason = "embedded data, validated by the unit test `example_plan_policy_loads`"
            )]
            Self::from_json(PLAN_2019_EXAMPLE_JSON).expect("the example policy is valid")
        })
    }

    /// The id.
    pub fn id(&self) -> &str {
        &self.data.id
    }

    /// The readable name.
    pub fn name(&self) -> &str {
        &self.data.name
    }

    /// The rules the policy follows.
    pub fn source(&self) -> &str {
        &self.data.source
    }

    /// The first day the policy is in force.
    pub fn effective_from(&self) -> NaiveDate {
        self.data.effective_from
    }

    /// The tiers it uses.
    pub fn tiers(&self) -> &[Severity] {
        &self.data.tiers
    }

    /// The conduct kinds it knows.
    pub fn conduct_kinds(&self) -> &[ConductDef] {
        &self.data.conduct_kinds
    }

    /// The lists it refers to.
    pub fn lists(&self) -> &[ListDef] {
        &self.data.lists
    }

    /// The list with id `id`.
    pub fn list(&self, id: &str) -> Option<&ListDef> {
        self.data.lists.iter().find(|l| l.id == id)
    }

    /// The list lifecycle, where the policy runs lists.
    pub fn lifecycle(&self) -> Option<&ListLifecycle> {
        self.data.lifecycle.as_ref()
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[GradingRule] {
        &self.data.rules
    }

    /// The rule with id `id`.
    pub fn rule(&self, id: &str) -> Option<&GradingRule> {
        self.data.rules.iter().find(|r| r.id == id)
    }

    /// Every rule whose conditions hold on `facts`, in the policy's order.
    pub fn matches(&self, facts: &Facts) -> Vec<Grade> {
        self.data
            .rules
            .iter()
            .filter_map(|r| self.evaluate(r, facts, None))
            .collect()
    }

    /// The grade: of the rules that hold, the one with the highest severity
    /// (the first in the policy's order among equals); `None` when no rule
    /// holds.
    pub fn grade(&self, facts: &Facts) -> Option<Grade> {
        self.grade_with(facts, None)
    }

    /// [`GradingPolicy::grade`], with earlier findings also in `index`.
    fn grade_with(&self, facts: &Facts, index: Option<&FindingIndex>) -> Option<Grade> {
        let mut best: Option<Grade> = None;
        for rule in &self.data.rules {
            if best.as_ref().is_some_and(|b| b.severity >= rule.severity) {
                continue;
            }
            if let Some(g) = self.evaluate(rule, facts, index) {
                best = Some(g);
            }
        }
        best
    }

    fn evaluate(
        &self,
        rule: &GradingRule,
        facts: &Facts,
        index: Option<&FindingIndex>,
    ) -> Option<Grade> {
        if let Some(kind) = facts.subject {
            if !kind.within(self.data.rule_subjects(rule)) {
                return None;
            }
        }
        let mut matched = Vec::new();
        let when = &rule.when;
        if !when.finding.is_empty() {
            let finding = facts.finding.as_ref()?;
            if !when.finding.iter().any(|p| p.matches(finding)) {
                return None;
            }
            matched.push(MatchedFact::Conduct(finding.conduct.clone()));
            if let (Some(fine), Some(range)) = (
                finding.fine,
                when.finding
                    .iter()
                    .find(|p| p.matches(finding))
                    .and_then(|p| p.fine.clone()),
            ) {
                matched.push(MatchedFact::Fine { fine, range });
            }
        }
        if let Some(repeat) = &when.repeat {
            // The window ends with the finding graded, dated by its penalty
            // decision where it has one ("three years, two penalties").
            let anchor = facts
                .finding
                .as_ref()
                .map_or(facts.on, |f| f.on.min(facts.on));
            let from = sub_years(anchor, repeat.within_years).unwrap_or(NaiveDate::MIN);
            examined(facts.earlier.len().saturating_add(1));
            let counted: Vec<NaiveDate> = facts
                .finding
                .iter()
                .chain(&facts.earlier)
                .filter(|f| from <= f.on && f.on <= facts.on)
                .filter(|f| repeat.of.iter().any(|p| p.matches(f)))
                .map(|f| f.on)
                .collect();
            let needed = usize::try_from(repeat.at_least).unwrap_or(usize::MAX);
            // Indexed findings are counted only as far as the rule needs
            // (a registry's bulk import: linear in the findings).
            let indexed = index.map_or(0, |i| {
                i.count(
                    &repeat.of,
                    from,
                    facts.on,
                    needed.saturating_sub(counted.len()),
                )
            });
            let count = counted.len().saturating_add(indexed);
            if count < needed {
                return None;
            }
            matched.push(MatchedFact::Repeat {
                count,
                within_years: repeat.within_years,
                dates: counted,
            });
        }
        if let Some(t) = &when.time_on_list {
            let since = facts
                .listings
                .iter()
                .filter(|l| l.list == t.list && l.since <= facts.on)
                .map(|l| l.since)
                .max()?;
            if facts.on < full_years_run(since, t.full_years) {
                return None;
            }
            matched.push(MatchedFact::TimeOnList {
                list: t.list.clone(),
                since,
                full_years: t.full_years,
            });
        }
        Some(Grade {
            severity: rule.severity,
            list: rule.list.clone(),
            citation: rule.citation(),
            matched,
        })
    }
}

impl PolicyData {
    /// Who `rule` grades: its declared subjects, or those its list takes.
    pub fn rule_subjects(&self, rule: &GradingRule) -> Target {
        rule.subjects.unwrap_or_else(|| {
            rule.list
                .as_ref()
                .and_then(|id| self.lists.iter().find(|l| &l.id == id))
                .map_or(Target::Both, ListDef::takes)
        })
    }

    /// Every problem with this policy; empty when it is valid.
    pub fn problems(&self) -> Vec<PolicyProblem> {
        let mut out = Vec::new();
        if self.tiers.is_empty() {
            out.push(PolicyProblem::NoTiers);
        }
        let mut seen = BTreeSet::new();
        for c in &self.conduct_kinds {
            if !seen.insert(c.id.as_str()) {
                out.push(PolicyProblem::DuplicateConductKind {
                    conduct: c.id.to_string(),
                });
            }
        }
        let mut seen = BTreeSet::new();
        for l in &self.lists {
            if !seen.insert(l.id.as_str()) {
                out.push(PolicyProblem::DuplicateList { list: l.id.clone() });
            }
            if l.kind == ListKind::ActivityAbnormal && l.takes().persons() {
                // Only social organizations can be on the activity-abnormal
                // list (MCA Order No. 60 (2018) art. 10, unconfirmed).
                out.push(PolicyProblem::ListSubjects { list: l.id.clone() });
            }
            if l.kind.implied_severity() != Some(l.severity) {
                out.push(PolicyProblem::ListSeverityMismatch {
                    list: l.id.clone(),
                    severity: l.severity,
                });
            }
            if !self.tiers.contains(&l.severity) {
                out.push(PolicyProblem::ListTierNotUsed {
                    list: l.id.clone(),
                    severity: l.severity,
                });
            }
        }
        let mut seen = BTreeSet::new();
        for rule in &self.rules {
            if !seen.insert(rule.id.as_str()) {
                out.push(PolicyProblem::DuplicateRule {
                    rule: rule.id.clone(),
                });
            }
            self.rule_problems(rule, &mut out);
        }
        if self.rules.len() > MAX_POLICY_RULES {
            // The pairwise overlap check is quadratic: past the bound it is
            // not run, and the policy is refused for its size alone.
            out.push(PolicyProblem::TooManyRules {
                count: self.rules.len(),
                max: MAX_POLICY_RULES,
            });
        } else {
            let (mut listed, mut unlisted) = (0usize, 0usize);
            for (i, a) in self.rules.iter().enumerate() {
                for b in self.rules.iter().skip(i + 1) {
                    let (sa, sb) = (self.rule_subjects(a), self.rule_subjects(b));
                    let share = (sa.persons() && sb.persons())
                        || (sa.organizations() && sb.organizations());
                    if share && overlap(&a.when, &b.when) {
                        if listed < MAX_LISTED_OVERLAPS {
                            listed += 1;
                            out.push(PolicyProblem::Overlapping {
                                rule: a.id.clone(),
                                other: b.id.clone(),
                            });
                        } else {
                            unlisted += 1;
                        }
                    }
                }
            }
            if unlisted > 0 {
                out.push(PolicyProblem::MoreOverlaps { more: unlisted });
            }
        }
        if let Some(lc) = &self.lifecycle {
            for problem in self.lifecycle_problems(lc) {
                out.push(problem);
            }
        }
        out
    }

    /// The problems of a list lifecycle in this policy: lists and rules it
    /// names that the policy lacks, and zero periods.
    fn lifecycle_problems(&self, lc: &ListLifecycle) -> Vec<PolicyProblem> {
        let policy = self;
        let mut out = Vec::new();
        for (setting, kind) in [
            ("abnormal_list", &lc.abnormal_list),
            ("serious_list", &lc.serious_list),
        ] {
            if !policy.lists.iter().any(|l| &l.kind == kind) {
                out.push(PolicyProblem::UnknownList {
                    rule: format!("lifecycle.{setting}"),
                    list: kind.to_string(),
                });
            }
        }
        for (setting, rules) in [
            (
                "obligations_before_serious_exit",
                &lc.obligations_before_serious_exit,
            ),
            ("exit_on_deregistration", &lc.exit_on_deregistration),
            ("rules_with_obligations", &lc.rules_with_obligations),
        ] {
            for rule in rules {
                if !policy.rules.iter().any(|r| &r.id == rule) {
                    out.push(PolicyProblem::UnknownLifecycleRule {
                        setting: setting.to_owned(),
                        rule: rule.clone(),
                    });
                }
            }
        }
        for (setting, value) in [
            ("abnormal_exit_months", lc.abnormal_exit_months),
            ("abnormal_exit_working_days", lc.abnormal_exit_working_days),
            ("serious_exit_full_years", lc.serious_exit_full_years),
        ] {
            if value == 0 {
                out.push(PolicyProblem::ZeroLifecyclePeriod {
                    setting: setting.to_owned(),
                });
            }
        }
        out
    }

    fn rule_problems(&self, rule: &GradingRule, out: &mut Vec<PolicyProblem>) {
        let id = || rule.id.clone();
        if !self.tiers.contains(&rule.severity) {
            out.push(PolicyProblem::TierNotUsed {
                rule: id(),
                severity: rule.severity,
            });
        }
        if let Some(list) = &rule.list {
            match self.lists.iter().find(|l| &l.id == list) {
                None => out.push(PolicyProblem::UnknownList {
                    rule: id(),
                    list: list.clone(),
                }),
                Some(def) => {
                    if def.severity != rule.severity {
                        out.push(PolicyProblem::RuleListMismatch {
                            rule: id(),
                            list: list.clone(),
                            severity: rule.severity,
                            list_severity: def.severity,
                        });
                    }
                    let takes = def.takes();
                    let grades = self.rule_subjects(rule);
                    if (grades.persons() && !takes.persons())
                        || (grades.organizations() && !takes.organizations())
                    {
                        out.push(PolicyProblem::RuleListSubjects {
                            rule: id(),
                            list: list.clone(),
                        });
                    }
                }
            }
        }
        let when = &rule.when;
        if when.finding.is_empty() && when.repeat.is_none() && when.time_on_list.is_none() {
            out.push(PolicyProblem::NoCondition { rule: id() });
        }
        let patterns = when
            .finding
            .iter()
            .chain(when.repeat.iter().flat_map(|r| &r.of));
        for p in patterns {
            if p.conduct.is_empty() {
                out.push(PolicyProblem::EmptyConduct { rule: id() });
            }
            for c in &p.conduct {
                if !self.conduct_kinds.iter().any(|d| &d.id == c) {
                    out.push(PolicyProblem::UnknownConduct {
                        rule: id(),
                        conduct: c.to_string(),
                    });
                }
            }
            if let Some(range) = &p.fine {
                let negative = [range.at_least, range.below]
                    .into_iter()
                    .flatten()
                    .find(|v| v.is_sign_negative());
                if let Some(amount) = negative {
                    out.push(PolicyProblem::NegativeFine { rule: id(), amount });
                }
                if range.is_empty() {
                    out.push(PolicyProblem::EmptyFineRange {
                        rule: id(),
                        range: range.clone(),
                    });
                }
            }
        }
        if let Some(r) = &when.repeat {
            if r.at_least == 0 {
                out.push(PolicyProblem::ZeroCount { rule: id() });
            }
            if r.within_years == 0 {
                out.push(PolicyProblem::ZeroPeriod { rule: id() });
            }
            if r.of.is_empty() {
                out.push(PolicyProblem::EmptyConduct { rule: id() });
            }
        }
        if let Some(t) = &when.time_on_list {
            if t.full_years == 0 {
                out.push(PolicyProblem::ZeroPeriod { rule: id() });
            }
            if !self.lists.iter().any(|l| l.id == t.list) {
                out.push(PolicyProblem::UnknownList {
                    rule: id(),
                    list: t.list.clone(),
                });
            }
        }
    }
}

/// Two rules overlap when one set of facts can satisfy both by the same
/// kinds of condition: equal repeat and time-on-list conditions and finding
/// patterns that share a conduct kind and a fine. Their thresholds then
/// leave some findings graded twice, which is a data error.
fn overlap(a: &Conditions, b: &Conditions) -> bool {
    if a.repeat != b.repeat || a.time_on_list != b.time_on_list {
        return false;
    }
    match (a.finding.is_empty(), b.finding.is_empty()) {
        (true, true) => true,
        (false, false) => a
            .finding
            .iter()
            .any(|p| b.finding.iter().any(|q| p.intersects(q))),
        _ => false,
    }
}

/// A finding: conduct of a kind on a day, with the fine imposed, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The conduct kind.
    pub conduct: ConductKind,
    /// The fine imposed, in yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine: Option<Decimal>,
    /// The day of the finding (the penalty decision).
    pub on: NaiveDate,
}

impl Finding {
    /// A finding of `conduct` on `on`, without a fine.
    pub fn new(conduct: ConductKind, on: NaiveDate) -> Self {
        Self {
            conduct,
            fine: None,
            on,
        }
    }

    /// The same finding with a fine of `yuan`.
    #[must_use]
    pub fn with_fine(mut self, yuan: Decimal) -> Self {
        self.fine = Some(yuan);
        self
    }
}

/// A listing: on the list `list` (a policy's list id) since `since` (the
/// latest listing event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// The list's id in the policy.
    pub list: String,
    /// The latest listing event.
    pub since: NaiveDate,
}

/// What grading looks at: the day, the finding graded (if any), the
/// subject's earlier findings and its listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// The day graded.
    pub on: NaiveDate,
    /// The finding graded; `None` to grade the subject's standing alone
    /// (e.g. time on a list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<Finding>,
    /// Earlier findings about the subject (those after `on` are ignored).
    #[serde(default)]
    pub earlier: Vec<Finding>,
    /// The subject's listings (those starting after `on` are ignored).
    #[serde(default)]
    pub listings: Vec<Listing>,
    /// The kind of subject graded; `None` matches rules for any subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<SubjectKind>,
}

impl Facts {
    /// No facts, on `on`.
    pub fn new(on: NaiveDate) -> Self {
        Self {
            on,
            finding: None,
            earlier: Vec::new(),
            listings: Vec::new(),
            subject: None,
        }
    }

    /// About a subject of kind `kind`: rules for other kinds never match.
    #[must_use]
    pub fn about(mut self, kind: SubjectKind) -> Self {
        self.subject = Some(kind);
        self
    }

    /// With `finding` as the finding graded.
    #[must_use]
    pub fn finding(mut self, finding: Finding) -> Self {
        self.finding = Some(finding);
        self
    }

    /// With `finding` among the earlier findings.
    #[must_use]
    pub fn earlier(mut self, finding: Finding) -> Self {
        self.earlier.push(finding);
        self
    }

    /// With a listing on `list` since `since`.
    #[must_use]
    pub fn listed(mut self, list: impl Into<String>, since: NaiveDate) -> Self {
        self.listings.push(Listing {
            list: list.into(),
            since,
        });
        self
    }
}

/// A fact a rule matched, reported with the grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MatchedFact {
    /// The finding's conduct kind.
    Conduct(ConductKind),
    /// The finding's fine and the range it fell in.
    Fine {
        /// The fine in yuan.
        fine: Decimal,
        /// The range.
        range: FineRange,
    },
    /// The qualifying findings counted within the window.
    Repeat {
        /// How many.
        count: usize,
        /// The window in years.
        within_years: u32,
        /// Their dates.
        dates: Vec<NaiveDate>,
    },
    /// Time on a list.
    TimeOnList {
        /// The list's id.
        list: String,
        /// The latest listing event.
        since: NaiveDate,
        /// The full years run.
        full_years: u32,
    },
}

/// The result of grading: the severity, the list it leads to, the rule and
/// its source clause, and the facts it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    /// The severity.
    pub severity: Severity,
    /// The list the subject goes on, by id in the policy.
    pub list: Option<String>,
    /// The rule and its source clause.
    pub citation: Citation,
    /// The facts the rule matched.
    pub matched: Vec<MatchedFact>,
}

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
    /// More rules than [`MAX_POLICY_RULES`].
    #[error("the policy has {count} rules, more than the {max} a policy may have")]
    TooManyRules {
        /// How many rules it has.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// Overlapping pairs past the first [`MAX_LISTED_OVERLAPS`], counted
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
    /// The policy text is larger than [`MAX_POLICY_JSON_BYTES`].
    #[error("grading policy text has {bytes} bytes, more than the {max} a policy may have")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The most allowed.
        max: usize,
    },
    /// The policy breaks one or more rules; every problem is listed
    /// (overlapping pairs past [`MAX_LISTED_OVERLAPS`] are counted).
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

fn join(problems: &[PolicyProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Policies by the day they take effect: on any day, the policy in force is
/// the one with the latest `effective_from` not after that day.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::grading::PolicySet;
///
/// let set = PolicySet::builtin();
/// let day = NaiveDate::from_ymd_opt(2019, 7, 15).unwrap();
/// assert_eq!(set.in_force(day)?.id(), "civil-affairs-mca-2018");
/// assert!(set.in_force(NaiveDate::from_ymd_opt(2017, 1, 1).unwrap()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySet {
    // INVARIANT: sorted by `effective_from`, no two on the same day.
    policies: Vec<GradingPolicy>,
}

impl PolicySet {
    /// A set of `policies`.
    ///
    /// # Errors
    ///
    /// [`PolicyError::SameEffectiveDay`] when two take effect on one day.
    pub fn new(mut policies: Vec<GradingPolicy>) -> Result<Self, PolicyError> {
        policies.sort_by_key(GradingPolicy::effective_from);
        for pair in policies.windows(2) {
            if let [a, b] = pair {
                if a.effective_from() == b.effective_from() {
                    return Err(PolicyError::SameEffectiveDay {
                        first: a.id().to_owned(),
                        second: b.id().to_owned(),
                        on: a.effective_from(),
                    });
                }
            }
        }
        Ok(Self { policies })
    }

    /// The built-in set: the civil-affairs preset (MCA Order No. 60, 2018).
    pub fn builtin() -> &'static Self {
        static SET: OnceLock<PolicySet> = OnceLock::new();
        SET.get_or_init(|| Self {
            policies: vec![GradingPolicy::civil_affairs_mca_2018().clone()],
        })
    }

    /// The policies, by effective day.
    pub fn policies(&self) -> &[GradingPolicy] {
        &self.policies
    }

    /// The policy in force on `day`.
    ///
    /// # Errors
    ///
    /// [`PolicyError::NoneInForce`] before the first policy takes effect.
    pub fn in_force(&self, day: NaiveDate) -> Result<&GradingPolicy, PolicyError> {
        self.policies
            .iter()
            .rev()
            .find(|p| p.effective_from() <= day)
            .ok_or(PolicyError::NoneInForce { on: day })
    }

    /// Grades `facts` by the policy in force on `facts.on`.
    ///
    /// # Errors
    ///
    /// [`PolicyError::NoneInForce`] before the first policy takes effect.
    pub fn grade(&self, facts: &Facts) -> Result<Option<Grade>, PolicyError> {
        Ok(self.in_force(facts.on)?.grade(facts))
    }

    /// Grades a finding whose conduct took place on `conduct_on`, graded on
    /// `facts.on`, by the rules in force when the conduct took place,
    /// unless those in force on `facts.on` are lighter (从旧兼从轻): the
    /// general rule of Chinese administrative law (行政处罚法 (2021) art. 37)
    /// and the non-retroactivity of rules (立法法 (2023) art. 104), which
    /// the crate follows for credit grading (DESIGN.md, "Which grading
    /// policy applies to a finding?").
    ///
    /// "Lighter" is a lower severity, or no grade at all: a later policy
    /// that no longer grades the conduct leaves it ungraded (`None`); a
    /// later policy cannot grade conduct its predecessor did not. When both
    /// give the same severity, the rules at the conduct answer.
    ///
    /// # Errors
    ///
    /// [`PolicyError::NoneInForce`] when no policy is in force on `facts.on`,
    /// or none was when the conduct took place (a rule does not reach back
    /// to conduct before it).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use social_credit::grading::{Facts, Finding, PolicySet};
    /// use social_credit::misconduct::ConductKind;
    ///
    /// let day = NaiveDate::from_ymd_opt(2020, 5, 6).unwrap();
    /// let facts = Facts::new(day).finding(Finding::new(ConductKind::new("warning"), day));
    /// let graded = PolicySet::builtin().grade_conduct(day, &facts)?.unwrap();
    /// assert_eq!(graded.grade.citation.rule, "abnormal.warning");
    /// assert_eq!(graded.basis.rule, "grading.rules_at_conduct");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn grade_conduct(
        &self,
        conduct_on: NaiveDate,
        facts: &Facts,
    ) -> Result<Option<TemporalGrade<'_>>, PolicyError> {
        self.grade_conduct_with(conduct_on, facts, None)
    }

    /// [`PolicySet::grade_conduct`] with the subject's earlier findings in
    /// `index` (beside any in `facts.earlier`): a repeat condition counts
    /// them only as far as it needs, so its [`MatchedFact::Repeat`] count
    /// stops at the rule's `at_least` and lists the dates of `facts` only.
    /// For the registry, which records a grade's severity, list and
    /// citation, not its matched facts.
    pub(crate) fn grade_conduct_indexed(
        &self,
        conduct_on: NaiveDate,
        facts: &Facts,
        index: &FindingIndex,
    ) -> Result<Option<TemporalGrade<'_>>, PolicyError> {
        self.grade_conduct_with(conduct_on, facts, Some(index))
    }

    fn grade_conduct_with(
        &self,
        conduct_on: NaiveDate,
        facts: &Facts,
        index: Option<&FindingIndex>,
    ) -> Result<Option<TemporalGrade<'_>>, PolicyError> {
        let now = self.in_force(facts.on)?;
        let then = self.in_force(conduct_on.min(facts.on))?;
        let at_conduct = |grade: Grade, policy| TemporalGrade {
            grade,
            policy,
            basis: Citation::new("grading.rules_at_conduct", TEMPORAL_SOURCE),
        };
        if std::ptr::eq(then, now) {
            return Ok(now.grade_with(facts, index).map(|g| at_conduct(g, now)));
        }
        let old = then.grade_with(facts, index);
        let new = now.grade_with(facts, index);
        Ok(match (old, new) {
            (Some(o), Some(n)) if n.severity < o.severity => Some(TemporalGrade {
                grade: n,
                policy: now,
                basis: Citation::new("grading.lighter_later_rule", TEMPORAL_SOURCE),
            }),
            (Some(_), None) => None, // no longer graded: the lighter rule
            (Some(o), Some(_)) => Some(at_conduct(o, then)),
            (None, _) => None, // not graded when it happened: no reaching back
        })
    }
}

/// The sources of the choice between the rules at the conduct and later ones.
pub const TEMPORAL_SOURCE: &str = "行政处罚法 (2021) art. 37; 立法法 (2023) art. 104 (从旧兼从轻)";

/// A grade with the policy that gave it and the rule choosing that policy
/// ([`PolicySet::grade_conduct`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemporalGrade<'p> {
    /// The grade.
    pub grade: Grade,
    /// The policy that gave it.
    pub policy: &'p GradingPolicy,
    /// Why that policy: the rules in force at the conduct, or a lighter
    /// later rule.
    pub basis: Citation,
}

thread_local! {
    static EXAMINED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn examined(n: usize) {
    EXAMINED.with(|e| e.set(e.get().saturating_add(n as u64)));
}

/// How many earlier findings grading has looked at on this thread, summed
/// over every repeat condition evaluated: a measure of the work a bulk
/// import does that does not depend on the machine (issue 17, defect 12).
/// For tests; not part of the API.
#[doc(hidden)]
pub fn findings_examined() -> u64 {
    EXAMINED.with(std::cell::Cell::get)
}

/// A subject's earlier findings indexed for repeat conditions: by conduct,
/// then by day, each day's fines counted by amount. Counting the findings a
/// repeat condition asks for costs, per day of the window that has
/// findings of a conduct it names, a lookup and at most the number still
/// needed, whatever the number of findings: a bulk import of one subject's
/// findings grades each in bounded time (issue 17, defect 12).
#[derive(Debug, Clone, Default)]
pub(crate) struct FindingIndex {
    by_conduct: std::collections::HashMap<ConductKind, BTreeMap<NaiveDate, DayFindings>>,
}

/// The findings of one conduct on one day.
#[derive(Debug, Clone, Default)]
struct DayFindings {
    /// How many.
    all: usize,
    /// How many with each fine.
    fines: BTreeMap<Decimal, usize>,
}

impl DayFindings {
    /// How many have a fine in `range`, counted up to `cap`.
    fn count_in(&self, range: &FineRange, cap: usize) -> usize {
        use std::ops::Bound;
        if range.is_empty() || cap == 0 {
            return 0;
        }
        let lo = range.at_least.map_or(Bound::Unbounded, Bound::Included);
        let hi = range.below.map_or(Bound::Unbounded, Bound::Excluded);
        let mut n = 0usize;
        for (_, k) in self.fines.range((lo, hi)) {
            examined(1);
            n = n.saturating_add(*k);
            if n >= cap {
                return cap;
            }
        }
        n
    }
}

impl FindingIndex {
    /// Adds `finding`.
    pub(crate) fn insert(&mut self, finding: &Finding) {
        let day = self
            .by_conduct
            .entry(finding.conduct.clone())
            .or_default()
            .entry(finding.on)
            .or_default();
        day.all = day.all.saturating_add(1);
        if let Some(fine) = finding.fine {
            let k = day.fines.entry(fine.normalize()).or_default();
            *k = k.saturating_add(1);
        }
    }

    /// How many findings match any of `of` and fall on `from` to `to`,
    /// counted up to `enough`.
    fn count(&self, of: &[FindingPattern], from: NaiveDate, to: NaiveDate, enough: usize) -> usize {
        if enough == 0 || from > to {
            return 0;
        }
        // Each conduct once, with the fine ranges asked of it merged (a
        // finding matching two patterns counts once); `None`: any finding.
        let mut asked: BTreeMap<&ConductKind, Option<Vec<FineRange>>> = BTreeMap::new();
        for p in of {
            for c in &p.conduct {
                let slot = asked.entry(c).or_insert_with(|| Some(Vec::new()));
                match (&p.fine, slot.as_mut()) {
                    (None, _) => *slot = None,
                    (Some(range), Some(ranges)) => ranges.push(range.clone()),
                    (Some(_), None) => {}
                }
            }
        }
        let mut total = 0usize;
        for (conduct, ranges) in asked {
            let Some(days) = self.by_conduct.get(conduct) else {
                continue;
            };
            let ranges = ranges.map(merge_ranges);
            for day in days.range(from..=to).map(|(_, d)| d) {
                examined(1);
                match &ranges {
                    None => total = total.saturating_add(day.all),
                    Some(ranges) => {
                        for r in ranges {
                            total =
                                total.saturating_add(day.count_in(r, enough - total.min(enough)));
                        }
                    }
                }
                if total >= enough {
                    return enough;
                }
            }
        }
        total
    }
}

/// `ranges` as disjoint ranges covering the same fines, in order.
fn merge_ranges(mut ranges: Vec<FineRange>) -> Vec<FineRange> {
    ranges.retain(|r| !r.is_empty());
    // Unbounded below first, then by lower bound.
    ranges.sort_by_key(|r| r.at_least);
    let mut out: Vec<FineRange> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            // `last` reaches `r`: it starts before `r` (sorted) and ends at
            // or after `r`'s start, or never ends.
            Some(last)
                if match (last.below, r.at_least) {
                    (None, _) => true,
                    (Some(_), None) => true,
                    (Some(end), Some(start)) => start <= end,
                } =>
            {
                last.below = match (last.below, r.below) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn builtin_preset_loads_from_its_data_file() {
        let p = GradingPolicy::from_json(MCA_2018_JSON).unwrap();
        assert_eq!(p.id(), "civil-affairs-mca-2018");
        assert_eq!(GradingPolicy::civil_affairs_mca_2018(), &p);
        assert!(p.lifecycle().is_some());
    }

    #[test]
    fn example_plan_policy_loads() {
        let p = GradingPolicy::from_json(PLAN_2019_EXAMPLE_JSON).unwrap();
        assert_eq!(GradingPolicy::xinzheng_plan_2019_example(), &p);
        assert!(p.tiers().contains(&Severity::Serious));
        assert!(p.rules().iter().any(|r| r.severity == Severity::Serious));
    }

    #[test]
    fn year_shifts_agree_with_month_arithmetic() {
        let mut day = d(2015, 1, 1);
        while day < d(2021, 1, 1) {
            for n in 0..6 {
                let months = chrono::Months::new(12 * n);
                assert_eq!(
                    add_years(day, n),
                    day.checked_add_months(months),
                    "{day} + {n}"
                );
                assert_eq!(
                    sub_years(day, n),
                    day.checked_sub_months(months),
                    "{day} - {n}"
                );
            }
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn full_years_run_starts_the_day_after_the_anniversary() {
        assert_eq!(full_years_run(d(2018, 3, 1), 2), d(2020, 3, 2));
        assert_eq!(full_years_run(d(2016, 2, 29), 2), d(2018, 3, 1));
    }

    #[test]
    fn fine_ranges_intersect_only_where_a_fine_fits_both() {
        let below = FineRange {
            at_least: None,
            below: Some(Decimal::new(50_000, 0)),
        };
        let above = FineRange {
            at_least: Some(Decimal::new(50_000, 0)),
            below: None,
        };
        assert!(!below.intersects(&above));
        assert!(below.intersects(&FineRange::default()));
        assert!(below.contains(Decimal::new(49_999, 0)));
        assert!(!below.contains(Decimal::new(50_000, 0)));
    }

    mod indexed {
        //! The finding index counts as the plain scan does (issue 17,
        //! defect 12).
        use super::*;
        use chrono::Days;
        use proptest::prelude::*;

        const CONDUCTS: [&str; 4] = ["warning", "fine", "annual_report_late", "unreachable"];

        fn finding() -> impl Strategy<Value = Finding> {
            (0usize..4, prop::option::of(0i64..6), 0u64..2_000).prop_map(|(c, fine, day)| Finding {
                conduct: ConductKind::new(CONDUCTS[c]),
                fine: fine.map(|f| Decimal::new(f * 10_000, 0)),
                on: NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + Days::new(day),
            })
        }

        fn range() -> impl Strategy<Value = Option<FineRange>> {
            prop::option::of(
                (prop::option::of(0i64..6), prop::option::of(0i64..6)).prop_map(|(lo, hi)| {
                    FineRange {
                        at_least: lo.map(|v| Decimal::new(v * 10_000, 0)),
                        below: hi.map(|v| Decimal::new(v * 10_000, 0)),
                    }
                }),
            )
        }

        fn pattern() -> impl Strategy<Value = FindingPattern> {
            (prop::collection::vec(0usize..4, 1..3), range()).prop_map(|(cs, fine)| {
                FindingPattern {
                    conduct: cs
                        .into_iter()
                        .map(|c| ConductKind::new(CONDUCTS[c]))
                        .collect(),
                    fine,
                }
            })
        }

        proptest! {
            #[test]
            fn count_matches_the_scan(
                findings in prop::collection::vec(finding(), 0..60),
                of in prop::collection::vec(pattern(), 1..4),
                from in 0u64..2_000,
                len in 0u64..1_500,
                enough in 0usize..8,
            ) {
                let from = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + Days::new(from);
                let to = from + Days::new(len);
                let mut index = FindingIndex::default();
                for f in &findings {
                    index.insert(f);
                }
                let scanned = findings
                    .iter()
                    .filter(|f| from <= f.on && f.on <= to)
                    .filter(|f| of.iter().any(|p| p.matches(f)))
                    .count();
                prop_assert_eq!(index.count(&of, from, to, enough), scanned.min(enough));
            }

            #[test]
            fn indexed_grades_equal_scanned_grades(
                earlier in prop::collection::vec(finding(), 0..40),
                graded in finding(),
                person in any::<bool>(),
            ) {
                for policy in [
                    GradingPolicy::civil_affairs_mca_2018(),
                    GradingPolicy::xinzheng_plan_2019_example(),
                ] {
                    let set = PolicySet::new(vec![policy.clone()]).unwrap();
                    let on = graded.on;
                    let kind = if person { SubjectKind::Person } else { SubjectKind::Organization };
                    let mut scanned = Facts::new(on).about(kind).finding(graded.clone());
                    let mut index = FindingIndex::default();
                    for f in &earlier {
                        scanned = scanned.earlier(f.clone());
                        index.insert(f);
                    }
                    let plain = Facts::new(on).about(kind).finding(graded.clone());
                    let a = set.grade_conduct(on, &scanned);
                    let b = set.grade_conduct_indexed(on, &plain, &index);
                    match (a, b) {
                        (Ok(a), Ok(b)) => {
                            let key = |g: Option<TemporalGrade<'_>>| g.map(|g| {
                                (g.grade.severity, g.grade.list, g.grade.citation, g.basis)
                            });
                            prop_assert_eq!(key(a), key(b));
                        }
                        (a, b) => prop_assert_eq!(a.is_err(), b.is_err()),
                    }
                }
            }
        }

        #[test]
        fn overlapping_ranges_count_a_finding_once() {
            let mut index = FindingIndex::default();
            let on = NaiveDate::from_ymd_opt(2019, 3, 1).unwrap();
            for fine in [1_000, 20_000, 60_000] {
                index.insert(&Finding {
                    conduct: ConductKind::new("fine"),
                    fine: Some(Decimal::new(fine, 0)),
                    on,
                });
            }
            let p = |lo: Option<i64>, hi: Option<i64>| FindingPattern {
                conduct: vec![ConductKind::new("fine")],
                fine: Some(FineRange {
                    at_least: lo.map(|v| Decimal::new(v, 0)),
                    below: hi.map(|v| Decimal::new(v, 0)),
                }),
            };
            let of = [p(None, Some(50_000)), p(Some(10_000), None)];
            assert_eq!(index.count(&of, on, on, 10), 3);
            assert_eq!(index.count(&of[..1], on, on, 10), 2);
            assert_eq!(index.count(&of, on, on, 2), 2);
        }
    }
}
