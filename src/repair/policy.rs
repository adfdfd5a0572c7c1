//! One regime's repair rules as data: the periods per tier, the tier table,
//! the decision rules and the conditions, each citing its article; the
//! embedded presets and their loading.

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::eligibility::{
    Condition, ConditionKind, Eligibility, Limits, Periods, Repair, RepairFacts, Unmet,
};
use super::error::{RepairError, RepairPolicyError};
use crate::audit::{AuditAction, AuditEntry};
use crate::citation::Citation;
use crate::misconduct::{
    MisconductRecord, PenaltyConduct, PenaltyDecision, PenaltyDomain, PenaltyKind, Procedure,
    RecordId, RecordStatus, Severity, StatusChange,
};

/// The publication periods of one severity tier, in months from the day of
/// the penalty decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierPeriods {
    /// The tier.
    pub severity: Severity,
    /// The minimum publication period: repair may be applied for only after
    /// it. `0` means no minimum.
    pub minimum_months: u32,
    /// The maximum publication period: publication ends by itself after it.
    pub maximum_months: u32,
    /// The rule behind the periods.
    pub basis: Citation,
}

/// A row of a policy's tier table: a decision decided under one of
/// `procedures` (any when empty) and imposing one of `penalties` (any when
/// empty) is information of tier `tier` (the 2026 rules grade the tier from
/// the penalty, NDRC Order No. 36). At least one of the two lists is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRow {
    /// The procedures it covers; empty for every procedure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub procedures: Vec<Procedure>,
    /// The penalty types it covers; empty for every type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub penalties: Vec<PenaltyKind>,
    /// The tier.
    pub tier: Severity,
    /// The rule behind it.
    pub basis: Citation,
}

impl TierRow {
    /// Whether the row covers `decision`.
    pub fn covers(&self, decision: &PenaltyDecision) -> bool {
        (self.procedures.is_empty() || self.procedures.contains(&decision.procedure))
            && (self.penalties.is_empty()
                || decision
                    .penalties
                    .iter()
                    .any(|p| self.penalties.contains(p)))
    }
}

pub(super) fn yes() -> bool {
    true
}

pub(super) fn is_true(b: &bool) -> bool {
    *b
}

/// A rule that depends on the penalty decision: it applies when the
/// decision's field is one of `domains`, one of its penalty types is in
/// `penalties`, its procedure is in `procedures` and one of its conduct
/// types is in `conduct` (each list: any when empty).
///
/// Where several rules apply, each raises the periods it names and the
/// longest period wins, so "a decision with several penalty types takes the
/// longest period" (NDRC Order No. 58) holds by construction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRule {
    /// The fields it covers; empty for every field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<PenaltyDomain>,
    /// The penalty types it covers; empty for every type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub penalties: Vec<PenaltyKind>,
    /// The procedures it covers; empty for every procedure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub procedures: Vec<Procedure>,
    /// The conduct types it covers; empty for any conduct.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conduct: Vec<PenaltyConduct>,
    /// A minimum publication period of at least this many months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_months: Option<u32>,
    /// A maximum publication period of at least this many months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_months: Option<u32>,
    /// `false` when a decision it covers may not be repaired at all.
    pub repairable: bool,
    /// `false` when a decision it covers is not published at all (527: the
    /// simplified procedure); `true` unless stated.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub published: bool,
    /// The rule behind it.
    pub basis: Citation,
}

impl DecisionRule {
    /// Whether the rule covers `decision`.
    pub fn covers(&self, decision: &PenaltyDecision) -> bool {
        (self.domains.is_empty() || self.domains.contains(&decision.domain))
            && (self.penalties.is_empty()
                || decision
                    .penalties
                    .iter()
                    .any(|p| self.penalties.contains(p)))
            && (self.procedures.is_empty() || self.procedures.contains(&decision.procedure))
            && (self.conduct.is_empty()
                || decision.conduct.iter().any(|c| self.conduct.contains(c)))
    }
}

/// A condition of a policy, with the tiers it applies to and its article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepairCondition {
    /// What it requires.
    pub kind: ConditionKind,
    /// The tiers (after the tier table) it applies to; every tier when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Severity>,
    /// The article that lists it.
    pub basis: Citation,
}

impl RepairCondition {
    fn applies_to(&self, tier: Severity) -> bool {
        self.tiers.is_empty() || self.tiers.contains(&tier)
    }
}

/// The credit-repair rules of one period of time.
///
/// Take a preset or load one with serde, then [`validate`](Self::validate)
/// it; several go into a [`RepairTimeline`](super::RepairTimeline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepairPolicy {
    /// A short name, e.g. `NDRC Order No. 58 (2023)`.
    pub name: String,
    /// The first day it is in force.
    pub in_force_from: NaiveDate,
    /// The last day it is in force; `None` while it is current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_force_until: Option<NaiveDate>,
    /// What the text says, quoted, and what is unconfirmed: for a reader.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The periods of each severity tier it knows.
    pub tiers: Vec<TierPeriods>,
    /// The tier table: how a penalty decision grades the information's tier
    /// (2026). Empty when the tier is the record's grade.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tier_table: Vec<TierRow>,
    /// Rules that depend on the penalty decision.
    #[serde(default)]
    pub decision_rules: Vec<DecisionRule>,
    /// The conditions besides time, each citing its article.
    pub conditions: Vec<RepairCondition>,
    /// The document it comes from.
    pub basis: Citation,
}

pub(super) const NDRC_527_2019_JSON: &str = include_str!("../../data/repair/ndrc-527-2019.json");
pub(super) const ORDER_58_2023_JSON: &str =
    include_str!("../../data/repair/ndrc-order-58-2023.json");
pub(super) const NATIONAL_2026_JSON: &str = include_str!("../../data/repair/national-2026.json");

/// The embedded preset `json`, parsed and validated once.
pub(super) fn preset(cell: &'static OnceLock<RepairPolicy>, json: &str) -> RepairPolicy {
    cell.get_or_init(|| {
        #[expect(
            clippy::expect_used,
            reason = "embedded data, validated by the unit test `presets_are_valid_and_form_a_timeline`"
        )]
        let policy: RepairPolicy = serde_json::from_str(json).expect("a built-in repair preset");
        policy
    })
    .clone()
}

impl RepairPolicy {
    /// The plan's era: the NDRC General Office notice 发改办财金〔2019〕527号,
    /// applied from 2019-07-01 until NDRC Order No. 58 replaced it (in force
    /// here 2019-07-01 – 2023-04-30), from `data/repair/ndrc-527-2019.json`.
    ///
    /// - 一般失信 (general, the residual class): minimum 3 months, maximum
    ///   1 year; the plan's `Minor`, `General` and `Serious` (较重) take it.
    /// - 严重失信 (`Severe`, or a decision the deciding authority classed
    ///   serious): minimum 6 months, maximum 3 years.
    /// - 特定严重失信 (specific serious): halt orders and licence revocations
    ///   in food and drugs, the environment, construction quality, work
    ///   safety, fire safety and compulsory product certification, and for
    ///   the conduct types 527 lists ([`PenaltyConduct`]) in any field:
    ///   published the full 3 years and not repairable.
    /// - A penalty decided under the simplified procedure is outside both
    ///   classes and not published.
    /// - Conditions: the penalty performed and a public credit-repair
    ///   commitment; for the serious tier also training and a credit report.
    pub fn plan_era_2019() -> Self {
        static CELL: OnceLock<RepairPolicy> = OnceLock::new();
        preset(&CELL, NDRC_527_2019_JSON)
    }

    /// NDRC Order No. 58, 失信行为纠正后的信用信息修复管理办法（试行）, in force
    /// 2023-05-01 – 2026-03-31, from `data/repair/ndrc-order-58-2023.json`.
    ///
    /// Administrative-penalty information: minimum 3 months, maximum 3
    /// years, whatever the tier; at least 1 year minimum in food, drugs,
    /// special equipment, work safety and fire safety; a decision with
    /// several penalty types takes the longest period. Conditions: the
    /// conduct corrected and obligations performed, a public commitment.
    pub fn order_58_2023() -> Self {
        static CELL: OnceLock<RepairPolicy> = OnceLock::new();
        preset(&CELL, ORDER_58_2023_JSON)
    }

    /// The 2026 national rules: 国办发〔2025〕22号 §2 and NDRC Order No. 36
    /// (信用修复管理办法), in force from 2026-04-01, from
    /// `data/repair/national-2026.json`.
    ///
    /// - 轻微 (minor): not published as a rule; where published, at most 3
    ///   months, and repair may be applied for once the legal obligations are
    ///   performed (no minimum, no other condition).
    /// - 一般 (general): minimum 3 months, maximum 1 year.
    /// - 严重 (`Severe`): minimum 1 year, maximum 3 years.
    /// - The tier follows the penalty (the tier table: simplified procedure,
    ///   warning, criticism → minor; larger fines, confiscation, licence
    ///   suspension → general; very large fines, licence revocation,
    ///   employment restriction → serious), refined by the deciding
    ///   authority's class ([`PenaltyDecision::classified`]); otherwise the
    ///   record's grade, with the plan's 较重 taking the general periods.
    pub fn national_2026() -> Self {
        static CELL: OnceLock<RepairPolicy> = OnceLock::new();
        preset(&CELL, NATIONAL_2026_JSON)
    }

    /// Whether the policy is in force on `on`.
    pub fn is_in_force(&self, on: NaiveDate) -> bool {
        self.in_force_from <= on && self.in_force_until.is_none_or(|u| on <= u)
    }

    /// Checks the policy is consistent: each tier once, no minimum longer
    /// than its maximum, not ending before it starts.
    ///
    /// # Errors
    ///
    /// [`RepairPolicyError`] naming the first inconsistency found.
    pub fn validate(&self) -> Result<(), RepairPolicyError> {
        if let Some(until) = self.in_force_until.filter(|u| *u < self.in_force_from) {
            return Err(RepairPolicyError::EndsBeforeStart {
                policy: self.name.clone(),
                from: self.in_force_from,
                until,
            });
        }
        for (i, t) in self.tiers.iter().enumerate() {
            if t.minimum_months > t.maximum_months {
                return Err(RepairPolicyError::MinimumAfterMaximum {
                    policy: self.name.clone(),
                    severity: t.severity,
                    minimum_months: t.minimum_months,
                    maximum_months: t.maximum_months,
                });
            }
            if self
                .tiers
                .iter()
                .skip(i + 1)
                .any(|o| o.severity == t.severity)
            {
                return Err(RepairPolicyError::DuplicateTier {
                    policy: self.name.clone(),
                    severity: t.severity,
                });
            }
        }
        for row in &self.tier_table {
            if row.procedures.is_empty() && row.penalties.is_empty() {
                return Err(RepairPolicyError::TierRowCoversEverything {
                    policy: self.name.clone(),
                    rule: row.basis.rule.to_string(),
                });
            }
            if !self.tiers.iter().any(|t| t.severity == row.tier) {
                return Err(RepairPolicyError::TierRowWithoutPeriods {
                    policy: self.name.clone(),
                    rule: row.basis.rule.to_string(),
                    severity: row.tier,
                });
            }
        }
        Ok(())
    }

    /// The tier whose periods apply to a decision about a record graded
    /// `severity`, and the rule that graded it when not the record's grade:
    /// the deciding authority's class ([`PenaltyDecision::classified`]), else
    /// the highest tier of the tier-table rows that cover the decision, else
    /// `severity`.
    pub fn tier_of(
        &self,
        severity: Severity,
        decision: &PenaltyDecision,
    ) -> (Severity, Option<&Citation>) {
        if let Some(class) = decision.classified {
            return (class, None);
        }
        let mut graded: Option<(Severity, &Citation)> = None;
        for row in &self.tier_table {
            if row.covers(decision) && graded.is_none_or(|(t, _)| row.tier > t) {
                graded = Some((row.tier, &row.basis));
            }
        }
        match graded {
            Some((tier, by)) => (tier, Some(by)),
            None => (severity, None),
        }
    }

    /// The publication periods of a decision about a record of `severity`:
    /// the tier's periods, raised by every decision rule that covers the
    /// decision (the longest period wins), and the rule that bars repair if
    /// one does.
    ///
    /// # Errors
    ///
    /// [`RepairError::NoPeriods`] when the policy has no tier for `severity`.
    pub fn periods(
        &self,
        severity: Severity,
        decision: &PenaltyDecision,
    ) -> Result<Periods, RepairError> {
        let limits = self
            .limits(severity, decision)
            .ok_or_else(|| RepairError::NoPeriods {
                policy: self.name.clone(),
                severity,
            })?;
        let mut basis = Vec::with_capacity(2 + self.decision_rules.len());
        basis.extend(limits.graded_by.cloned());
        basis.push(limits.tier.clone());
        basis.extend(
            self.decision_rules
                .iter()
                .filter(|r| r.covers(decision))
                .map(|r| r.basis.clone()),
        );
        Ok(Periods {
            tier: limits.severity,
            earliest_application: limits.earliest_application(),
            published: limits.published,
            last_published_day: limits.last_published_day(),
            minimum_set_by: limits.minimum_set_by.clone(),
            barred_by: limits.barred_by.cloned(),
            basis,
        })
    }

    /// The longest minimum period of any tier or decision rule, in months:
    /// no record waits longer under this policy.
    pub(crate) fn longest_minimum_months(&self) -> u32 {
        let tiers = self.tiers.iter().map(|t| t.minimum_months);
        let rules = self.decision_rules.iter().filter_map(|r| r.minimum_months);
        tiers.chain(rules).max().unwrap_or(0)
    }

    /// The computation behind [`periods`](Self::periods), borrowing the
    /// rules instead of copying them, so an assessment can ask it for every
    /// record without allocating. `None` when the policy has no tier for
    /// `severity`.
    pub(crate) fn limits(
        &self,
        severity: Severity,
        decision: &PenaltyDecision,
    ) -> Option<Limits<'_>> {
        let (severity, graded_by) = self.tier_of(severity, decision);
        let tier = self.tiers.iter().find(|t| t.severity == severity)?;
        let mut minimum = tier.minimum_months;
        let mut maximum = tier.maximum_months;
        let mut minimum_set_by = &tier.basis;
        let mut barred_by = None;
        let mut unpublished_by = None;
        for rule in self.decision_rules.iter().filter(|r| r.covers(decision)) {
            if let Some(m) = rule.minimum_months.filter(|m| *m > minimum) {
                minimum = m;
                minimum_set_by = &rule.basis;
            }
            maximum = maximum.max(rule.maximum_months.unwrap_or(0));
            if !rule.repairable && barred_by.is_none() {
                barred_by = Some(&rule.basis);
            }
            if !rule.published && unpublished_by.is_none() {
                unpublished_by = Some(&rule.basis);
            }
        }
        Some(Limits {
            start: decision.decided_on,
            minimum_months: minimum,
            // A raised minimum can never leave publication ending before it.
            maximum_months: maximum.max(minimum),
            severity,
            published: unpublished_by.is_none(),
            graded_by,
            tier: &tier.basis,
            minimum_set_by,
            barred_by,
            unpublished_by,
        })
    }

    /// Whether `record` may be repaired on `on` under this policy, listing
    /// every unmet condition.
    ///
    /// The conditions: the record is in force (active or corrected) on `on`;
    /// no decision rule bars repair; the minimum publication period of the
    /// decision's tier has run (`on` is on or after the earliest application
    /// day); and each of the policy's [`conditions`](Self::conditions) that
    /// applies to the tier, as its text lists them, was met on or before
    /// `on`. `others` is looked at only by a policy loaded from data that
    /// requires no new misconduct (no national text read does): a record,
    /// other than this one, of the same subject, whose conduct happened
    /// after the penalty decision, recorded on or before `on` and not
    /// revoked.
    ///
    /// The policy's own dates are not checked here ([`RepairTimeline`](super::RepairTimeline)
    /// picks the policy in force); use this to ask what one policy says.
    ///
    /// # Errors
    ///
    /// [`RepairError`] when the question cannot be judged: `on` is before
    /// the record was made, the decision is dated before the conduct, or the
    /// policy has no periods for the record's severity.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use social_credit::repair::{Condition, PenaltyDomain, PenaltyDecision, PenaltyKind, RepairFacts, RepairPolicy};
    /// # use social_credit::misconduct::*;
    /// # use social_credit::{Citation, Uscc};
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// # let record = MisconductRecord {
    /// #     id: RecordId(1), subject: "91350100M000100Y43".parse::<Uscc>()?.into(),
    /// #     conduct: ConductKind::new("fine_under_50000"), severity: Severity::General,
    /// #     graded_by: Citation::new("g", "plan §3(3)"), section: Section::SocialOrganizations,
    /// #     occurred_on: day(2026, 4, 20), ended_on: Some(day(2026, 4, 30)),
    /// #     recorded_on: day(2026, 5, 10), decision: None, content: None, corrected: None, corrected_severity: None, history: vec![],
    /// # };
    /// // A larger fine: the 2026 tier table grades it general (3 months / 1 year).
    /// let mut facts = RepairFacts::new(PenaltyDecision::new(
    ///     day(2026, 5, 10),
    ///     PenaltyDomain::Other,
    ///     vec![PenaltyKind::LargeFine],
    /// ));
    /// facts.corrected_on = Some(day(2026, 5, 20));
    /// let policy = RepairPolicy::national_2026();
    /// let answer = policy.eligibility(&record, &facts, &[], day(2026, 6, 1))?;
    /// assert!(!answer.is_eligible());
    /// // Every unmet condition, not only the first, each with its article.
    /// let unmet: Vec<_> = answer.unmet.iter().map(|u| &u.condition).collect();
    /// assert_eq!(unmet, [
    ///     &Condition::MinimumPeriodElapsed { earliest_application: day(2026, 8, 11) },
    ///     &Condition::CommitmentSigned,
    /// ]);
    /// assert_eq!(answer.eligible_from, None); // more than time is missing
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn eligibility(
        &self,
        record: &MisconductRecord,
        facts: &RepairFacts,
        others: &[MisconductRecord],
        on: NaiveDate,
    ) -> Result<Eligibility, RepairError> {
        let status = record.status_on(on).ok_or(RepairError::BeforeRecord {
            record: record.id,
            on,
            recorded_on: record.recorded_on,
        })?;
        let decided_on = facts.decision.decided_on;
        if decided_on < record.occurred_on {
            return Err(RepairError::DecisionBeforeConduct {
                record: record.id,
                decided_on,
                occurred_on: record.occurred_on,
            });
        }
        // A correction that regraded the record grades it from its day (plan §6(3)).
        let periods = self.periods(record.severity_on(on), &facts.decision)?;

        let mut unmet = Vec::new();
        let mut push = |condition, basis: &Citation| {
            unmet.push(Unmet {
                condition,
                basis: basis.clone(),
            });
        };
        if !matches!(status, RecordStatus::Active | RecordStatus::Corrected) {
            push(Condition::RecordInForce { status }, &self.basis);
        }
        if let Some(bar) = &periods.barred_by {
            push(Condition::Repairable, bar);
        }
        if on < periods.earliest_application {
            push(
                Condition::MinimumPeriodElapsed {
                    earliest_application: periods.earliest_application,
                },
                &periods.minimum_set_by,
            );
        }
        let done = |d: Option<NaiveDate>| d.is_some_and(|d| d <= on);
        for c in self
            .conditions
            .iter()
            .filter(|c| c.applies_to(periods.tier))
        {
            let condition = match c.kind {
                ConditionKind::NoNewMisconduct => {
                    let records: Vec<RecordId> = others
                        .iter()
                        .filter(|o| {
                            o.id != record.id
                                && o.subject == record.subject
                                && o.occurred_on > decided_on
                                && o.status_on(on).is_some_and(|s| s != RecordStatus::Revoked)
                        })
                        .map(|o| o.id)
                        .collect();
                    if records.is_empty() {
                        continue;
                    }
                    Condition::NoNewMisconduct { records }
                }
                kind if done(facts.done_on(kind)) => continue,
                ConditionKind::ConductCorrected => Condition::ConductCorrected,
                ConditionKind::EffectsRemoved => Condition::EffectsRemoved,
                ConditionKind::CommitmentSigned => Condition::CommitmentSigned,
                ConditionKind::TrainingAttended => Condition::TrainingAttended,
                ConditionKind::CreditReportSubmitted => Condition::CreditReportSubmitted,
            };
            push(condition, &c.basis);
        }

        let eligible_from = match unmet.as_slice() {
            [Unmet {
                condition:
                    Condition::MinimumPeriodElapsed {
                        earliest_application,
                    },
                ..
            }] => Some(*earliest_application),
            _ => None,
        };
        Ok(Eligibility {
            record: record.id,
            on,
            policy: self.basis.clone(),
            periods,
            unmet,
            eligible_from,
        })
    }

    /// Grants repair of `record` on `on`, by `by`: appends a status change
    /// to `Repaired` citing the policy, so the record's sanctions end that
    /// day. Nothing is deleted: the content, the dates and the history stay.
    ///
    /// # Errors
    ///
    /// [`RepairError::NotInForce`] when the record is not active or
    /// corrected; [`RepairError::BeforeLastChange`] when `on` precedes its
    /// latest status change; [`RepairError::NotEligible`] (with every unmet
    /// condition) when it is not eligible on `on`; and any error of
    /// [`eligibility`](Self::eligibility). The record is left unchanged.
    pub fn apply(
        &self,
        record: &mut MisconductRecord,
        facts: &RepairFacts,
        others: &[MisconductRecord],
        on: NaiveDate,
        by: &str,
    ) -> Result<Repair, RepairError> {
        let status = record.status();
        if !matches!(status, RecordStatus::Active | RecordStatus::Corrected) {
            return Err(RepairError::NotInForce {
                record: record.id,
                status,
            });
        }
        if let Some(last) = record.history.last().filter(|c| c.on > on) {
            return Err(RepairError::BeforeLastChange {
                record: record.id,
                on,
                last_change: last.on,
            });
        }
        let eligibility = self.eligibility(record, facts, others, on)?;
        if !eligibility.is_eligible() {
            return Err(RepairError::NotEligible {
                record: record.id,
                on,
                unmet: eligibility.unmet,
            });
        }
        // Every check passed: from here on the record changes.
        record.history.push(StatusChange {
            on,
            status: RecordStatus::Repaired,
            by: by.to_owned(),
            basis: self.basis.clone(),
        });
        Ok(Repair {
            audit: AuditEntry {
                on,
                by: by.to_owned(),
                action: AuditAction::Repaired,
                target: record.id.into(),
                basis: self.basis.clone(),
            },
            sanctions_end_on: on,
            eligibility,
        })
    }
}
