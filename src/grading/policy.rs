//! A validated grading policy: building and loading one, the built-in
//! presets, and grading a finding's facts by its rules.

use std::sync::OnceLock;

use chrono::NaiveDate;

use super::error::PolicyError;
use super::facts::{Facts, Grade, MatchedFact};
use super::index::{examined, FindingIndex};
use super::model::{ConductDef, GradingPolicy, GradingRule, ListDef, PolicyData};
use crate::calendar::years::{full_years_run, sub_years};
use crate::lists::ListLifecycle;
use crate::misconduct::Severity;

pub(super) const MCA_2018_JSON: &str =
    include_str!("../../data/presets/civil-affairs-mca-2018.json");
pub(super) const PLAN_2019_EXAMPLE_JSON: &str =
    include_str!("../../data/presets/xinzheng-plan-2019-example.json");

/// The most rules a grading policy may have (issue 17, defect 3): the
/// overlap check compares every pair, so 4,000 rules took 7 s and 2.3 GB.
/// The built-in presets have a few dozen.
pub const MAX_POLICY_RULES: usize = 1_000;

/// The most overlapping pairs a [`PolicyError::Invalid`] lists one by one;
/// the rest are counted in one [`PolicyProblem::MoreOverlaps`](super::PolicyProblem::MoreOverlaps).
pub const MAX_LISTED_OVERLAPS: usize = 20;

/// The largest policy text [`GradingPolicy::from_json`] reads (1 MiB; the
/// built-in presets are a few KiB).
pub const MAX_POLICY_JSON_BYTES: usize = 1 << 20;

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
    /// own. Not part of [`PolicySet::builtin`](super::PolicySet::builtin).
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
    pub(super) fn grade_with(&self, facts: &Facts, index: Option<&FindingIndex>) -> Option<Grade> {
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
