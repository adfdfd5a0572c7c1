//! Policies by the day they take effect: the one in force on a day, and the
//! choice between the rules at the conduct and later ones (从旧兼从轻).

use std::sync::OnceLock;

use chrono::NaiveDate;

use super::error::PolicyError;
use super::facts::{Facts, Grade};
use super::index::FindingIndex;
use super::model::GradingPolicy;
use crate::citation::Citation;

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
