//! The repair policies in force one after another, and which of them
//! governs a record (DESIGN.md, "Which repair rules govern a record?").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::bits::{PolicyBits, PublicationProbe};
use super::eligibility::{Eligibility, Repair, RepairFacts};
use super::error::{RepairError, RepairPolicyError};
use super::policy::RepairPolicy;
use crate::citation::Citation;
use crate::misconduct::{MisconductRecord, PenaltyDecision, Severity};

/// Repair policies in force one after another (plan §6(7); DESIGN.md,
/// "Which repair rules govern a record?"): a question asked
/// on a day is answered by the policy in force that day.
///
/// The [`Default`] is the national sequence: [`RepairPolicy::plan_era_2019`]
/// (2019-07-01 – 2023-04-30), [`RepairPolicy::order_58_2023`]
/// (2023-05-01 – 2026-03-31), [`RepairPolicy::national_2026`] (from
/// 2026-04-01).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::repair::RepairTimeline;
///
/// let timeline = RepairTimeline::default();
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let name = |d| timeline.in_force_on(d).map(|p| p.basis.rule.to_string());
/// assert_eq!(name(day(2023, 4, 30)).as_deref(), Some("repair.policy_2019"));
/// assert_eq!(name(day(2023, 5, 1)).as_deref(), Some("repair.policy_2023"));
/// assert_eq!(name(day(2026, 4, 1)).as_deref(), Some("repair.policy_2026"));
/// assert_eq!(name(day(2019, 6, 30)), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepairTimeline {
    // INVARIANT: sorted by `in_force_from`, each valid, no two in force on
    // the same day (established by `new`).
    policies: Vec<RepairPolicy>,
    /// The policies reduced to bits, one per policy in the same order, for
    /// the assessment's fast path (derived from `policies` by `indexed`).
    #[serde(skip)]
    pub(super) bits: Vec<PolicyBits>,
}

impl Default for RepairTimeline {
    fn default() -> Self {
        Self::indexed(vec![
            RepairPolicy::plan_era_2019(),
            RepairPolicy::order_58_2023(),
            RepairPolicy::national_2026(),
        ])
    }
}

impl RepairTimeline {
    /// A timeline of `policies`, in any order. Gaps between them are allowed
    /// (no policy answers there); overlaps are not.
    ///
    /// # Errors
    ///
    /// [`RepairPolicyError`] when a policy is inconsistent or two are in
    /// force on the same day.
    pub fn new(mut policies: Vec<RepairPolicy>) -> Result<Self, RepairPolicyError> {
        policies.sort_by_key(|p| p.in_force_from);
        for p in &policies {
            p.validate()?;
        }
        for pair in policies.windows(2) {
            if let [earlier, later] = pair {
                if earlier
                    .in_force_until
                    .is_none_or(|u| u >= later.in_force_from)
                {
                    return Err(RepairPolicyError::Overlap {
                        earlier: earlier.name.clone(),
                        later: later.name.clone(),
                        on: later.in_force_from,
                    });
                }
            }
        }
        Ok(Self::indexed(policies))
    }

    fn indexed(policies: Vec<RepairPolicy>) -> Self {
        let bits = policies.iter().map(PolicyBits::of).collect();
        Self { policies, bits }
    }

    /// The policies reduced to bits, one per policy, in the same order.
    pub(crate) fn bits(&self) -> &[PolicyBits] {
        &self.bits
    }

    /// [`RepairTimeline::publication_end`] asked for many records on one
    /// day, without allocating.
    pub(crate) fn publication_probe<'d>(&self, as_of: NaiveDate) -> PublicationProbe<'_, 'd> {
        PublicationProbe::new(&self.bits, as_of)
    }

    /// [`publication_end`](Self::publication_end)'s day, on the fast path:
    /// the same answer, without the citations.
    #[cfg(test)]
    pub(crate) fn publication_end_day(
        &self,
        severity: Severity,
        d: &super::bits::DecisionBits,
    ) -> Option<NaiveDate> {
        let mut best: Option<NaiveDate> = None;
        for policy in &self.bits {
            if policy.until.is_some_and(|u| u < d.decided_on) {
                continue; // over before the decision
            }
            if best.is_some_and(|b| policy.from >= b) {
                break; // an end under it is never before its first day
            }
            let Some(limits) = policy.limits(severity, d) else {
                continue;
            };
            let end = limits.publication_ends(d.decided_on);
            let on = if policy.from <= d.decided_on {
                end
            } else {
                let on = end.max(policy.from);
                if policy.until.is_some_and(|u| on > u) {
                    continue;
                }
                on
            };
            if best.is_none_or(|b| on < b) {
                best = Some(on);
            }
        }
        best
    }

    /// The policies, earliest first.
    pub fn policies(&self) -> &[RepairPolicy] {
        &self.policies
    }

    /// The policy in force on `on`, if any.
    pub fn in_force_on(&self, on: NaiveDate) -> Option<&RepairPolicy> {
        self.policies.iter().find(|p| p.is_in_force(on))
    }

    /// The policy that governs a decision made on `decided_on`: the one in
    /// force that day (DESIGN.md, "Which repair rules govern a record?").
    pub fn governing(&self, decided_on: NaiveDate) -> Option<&RepairPolicy> {
        self.in_force_on(decided_on)
    }

    /// The policies a subject may rely on for a decision made on
    /// `decided_on`, asked on `on`: the governing one and, when another is
    /// in force on `on`, that one too (the later rule applies where it is
    /// more favourable). The one in force on `on` comes first.
    fn candidates(
        &self,
        decided_on: NaiveDate,
        on: NaiveDate,
    ) -> (Option<&RepairPolicy>, Option<&RepairPolicy>) {
        let current = self.in_force_on(on);
        let governing = self
            .governing(decided_on)
            .filter(|g| current.is_none_or(|c| !std::ptr::eq(*g, c)));
        (current, governing)
    }

    /// The day publication of a record graded `severity` with `decision`
    /// ends (the first day it is no longer published, and no longer grounds
    /// sanctions), and the rule that ends it; `None` when no policy of the
    /// timeline ever ends it.
    ///
    /// It is the earliest of: the end under the policy governing the
    /// decision (in force on its day), and, for each later policy, the later
    /// of its first day and the end it sets, where that day falls while it
    /// is in force. So a later rule with a shorter period ends publication
    /// from the day it takes effect; a later rule with a longer one never
    /// prolongs it (行政处罚法 art. 37 and 立法法 art. 104 by analogy: the
    /// rule of the act's day, or a later one that is lighter; the transitional
    /// articles of the repair texts themselves are unconfirmed).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use social_credit::misconduct::Severity;
    /// use social_credit::repair::{PenaltyDecision, PenaltyDomain, PenaltyKind, RepairTimeline};
    ///
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// let timeline = RepairTimeline::default();
    /// // A general decision of 2019: 527 publishes it one year.
    /// let d = PenaltyDecision::new(day(2019, 8, 31), PenaltyDomain::Other, vec![PenaltyKind::Fine]);
    /// assert_eq!(timeline.publication_end(Severity::General, &d).unwrap().on, day(2020, 9, 1));
    /// // A general decision of January 2025: 3 years under Order No. 58, but
    /// // the 2026 rules' one year has run when they take effect.
    /// let d = PenaltyDecision::new(day(2025, 1, 15), PenaltyDomain::Other, vec![PenaltyKind::Fine]);
    /// let end = timeline.publication_end(Severity::General, &d).unwrap();
    /// assert_eq!(end.on, day(2026, 4, 1));
    /// assert_eq!(end.basis.rule, "repair.2026.general_periods");
    /// ```
    pub fn publication_end(
        &self,
        severity: Severity,
        decision: &PenaltyDecision,
    ) -> Option<PublicationEnd> {
        self.publication_end_by(severity, decision, NaiveDate::MAX)
            .map(|(on, basis)| PublicationEnd {
                on,
                basis: basis.clone(),
            })
    }

    /// [`publication_end`](Self::publication_end), looking only for days
    /// before `before`: `None` also when publication ends on or after it.
    pub(crate) fn publication_end_by(
        &self,
        severity: Severity,
        decision: &PenaltyDecision,
        before: NaiveDate,
    ) -> Option<(NaiveDate, &Citation)> {
        let decided_on = decision.decided_on;
        let mut best: Option<(NaiveDate, &Citation)> = None;
        for policy in &self.policies {
            if policy.in_force_until.is_some_and(|u| u < decided_on) {
                continue; // over before the decision
            }
            let bound = best.map_or(before, |(b, _)| b.min(before));
            if policy.in_force_from >= bound {
                break; // an end under it is never before its first day
            }
            let Some(limits) = policy.limits(severity, decision) else {
                continue;
            };
            let end = limits.publication_ends();
            let on = if policy.in_force_from <= decided_on {
                end // the governing policy: its end holds whenever it falls
            } else {
                let on = end.max(policy.in_force_from);
                if policy.in_force_until.is_some_and(|u| on > u) {
                    continue; // it is no longer in force by then
                }
                on
            };
            if on < bound {
                best = Some((on, limits.publication_basis()));
            }
        }
        best
    }

    /// Whether `record` may be repaired on `on` (plan §6(7)): under the
    /// policy in force on `on`, or under the one that governs the decision
    /// when that one allows it (the subject may rely on the rule of the
    /// decision's day; DESIGN.md). The answer is the first that allows
    /// repair; when neither does, the answer of the policy in force on `on`.
    ///
    /// # Errors
    ///
    /// [`RepairError::NoPolicyInForce`] when neither policy exists, or any
    /// error of [`RepairPolicy::eligibility`].
    pub fn eligibility(
        &self,
        record: &MisconductRecord,
        facts: &RepairFacts,
        others: &[MisconductRecord],
        on: NaiveDate,
    ) -> Result<Eligibility, RepairError> {
        Ok(self.choose(record, facts, others, on)?.1)
    }

    /// The policy a repair on `on` is judged under, with its answer.
    fn choose(
        &self,
        record: &MisconductRecord,
        facts: &RepairFacts,
        others: &[MisconductRecord],
        on: NaiveDate,
    ) -> Result<(&RepairPolicy, Eligibility), RepairError> {
        match self.candidates(facts.decision.decided_on, on) {
            (None, None) => Err(RepairError::NoPolicyInForce { on }),
            (Some(p), None) | (None, Some(p)) => Ok((p, p.eligibility(record, facts, others, on)?)),
            (Some(current), Some(governing)) => {
                let now = current.eligibility(record, facts, others, on)?;
                if now.is_eligible() {
                    return Ok((current, now));
                }
                let then = governing.eligibility(record, facts, others, on)?;
                Ok(if then.is_eligible() {
                    (governing, then)
                } else {
                    (current, now)
                })
            }
        }
    }

    /// Grants repair on `on` under the policy [`eligibility`](Self::eligibility)
    /// finds allows it ([`RepairPolicy::apply`]).
    ///
    /// # Errors
    ///
    /// [`RepairError::NoPolicyInForce`], or any error of
    /// [`RepairPolicy::apply`]. The record is left unchanged.
    pub fn apply(
        &self,
        record: &mut MisconductRecord,
        facts: &RepairFacts,
        others: &[MisconductRecord],
        on: NaiveDate,
        by: &str,
    ) -> Result<Repair, RepairError> {
        let (policy, _) = self.choose(record, facts, others, on)?;
        policy.apply(record, facts, others, on, by)
    }
}

/// The end of a record's publication: the first day it is no longer
/// published (527: "最长公示期限届满的，信用网站将撤下相关信息"; NDRC Order
/// No. 36: "最长公示期届满后，相关信息自动停止公示"), from which it grounds no
/// sanction (plan §6(7): 有限期惩戒).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicationEnd {
    /// The first day it is not published.
    pub on: NaiveDate,
    /// The rule that ends it: the tier's periods, or the rule that withholds
    /// publication.
    pub basis: Citation,
}
