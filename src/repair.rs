//! Credit repair (信用修复, plan §6(7)): "encourage correction, time-limited
//! sanctions, conditional repair" (鼓励纠错、有限期惩戒、有条件修复).
//!
//! A subject that corrects its conduct and removes its adverse effects may
//! apply to have a record repaired once the record's minimum publication
//! period has run; publication ends by itself at the maximum period. The
//! periods, the conditions and what bars repair are set by national rules
//! that change over time, so the crate models them as data:
//!
//! - [`RepairPolicy`]: the periods per [`Severity`] ([`TierPeriods`]), rules
//!   that depend on the penalty decision's domain and penalty types
//!   ([`DecisionRule`]: longer floors, bars), the conditions
//!   ([`Requirements`]), and the days it is in force;
//! - [`RepairTimeline`]: the policies in force one after another; a question
//!   asked on a day is answered by the policy in force that day (SPEC §5);
//! - [`RepairPolicy::eligibility`]: an answer, never an error, that lists
//!   every unmet condition and, when only time is missing, the day the
//!   record becomes eligible;
//! - [`RepairPolicy::apply`]: grants repair: the record's status becomes
//!   `Repaired` on that day, ending its sanctions; nothing is deleted.
//!
//! # Presets and their sources
//!
//! | preset | in force | minor | general | serious (较重) | severe | also |
//! |---|---|---|---|---|---|---|
//! | [`RepairPolicy::plan_era_2019`] | 2019-07-01 – 2023-04-30 | 3 months / 1 year | 3 months / 1 year | 6 months / 3 years | 6 months / 3 years | "specific serious" decisions: 3 years, not repairable |
//! | [`RepairPolicy::order_58_2023`] | 2023-05-01 – 2026-03-31 | 3 months / 3 years | 3 months / 3 years | 3 months / 3 years | 3 months / 3 years | special equipment, work safety, fire safety: at least 1 year |
//! | [`RepairPolicy::national_2026`] | from 2026-04-01 | none / 3 months | 3 months / 1 year | 3 months / 1 year | 1 year / 3 years | |
//!
//! Periods are "minimum / maximum", counted from the day of the penalty
//! decision. Sources: 发改办财金〔2019〕527号 (NDRC General Office notice on
//! credit repair of administrative-penalty information on "Credit China",
//! applied from 2019-07-01); NDRC Order No. 58 (失信行为纠正后的信用信息修复管理办法（试行）,
//! in force 2023-05-01); 国办发〔2025〕22号 §2 (关于进一步完善信用修复制度的实施方案,
//! 2025-06-22) and the NDRC 信用修复管理办法 (adopted 2025-11-19, in force
//! 2026-04-01, replacing Order No. 58). How the plan's three tiers map onto
//! each regime, and why, is in DESIGN.md ("How do the plan's tiers map onto
//! the national repair rules?").
//!
//! The periods were checked against published texts and reports of them: the
//! State Council's text of 国办发〔2025〕22号 §2 (gov.cn, content_7029483); the
//! NDRC's announcement of the 信用修复管理办法 (2025-11-26: in force
//! 2026-04-01, replacing Order No. 58); a local credit office's restatement of
//! Order No. 58's periods (3 months / 3 years; 1 year in special equipment,
//! work safety and fire safety; several penalty types take the longest); and
//! reports of 527 (general 3 months / 1 year, 严重 6 months / 3 years, applied
//! from 2019-07-01). The "specific serious" fields and penalty types are those
//! SPEC §5 names; 527's own list may be longer, and a policy loaded from data
//! can add to it with further [`DecisionRule`]s.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::audit::{AuditAction, AuditEntry};
use crate::citation::Citation;
use crate::misconduct::{MisconductRecord, RecordId, RecordStatus, Severity, StatusChange};
use crate::retention::period_end;

/// The field of administration a penalty decision belongs to; some rules
/// depend on it (longer periods in safety fields, bars in 2019).
///
/// Not to be confused with [`lists::Domain`](crate::lists::Domain), the
/// domain (领域) of a blacklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PenaltyDomain {
    /// 食品药品 — food and drugs.
    FoodAndDrugs,
    /// 生态环境 — the environment.
    Environment,
    /// 安全生产 — work safety.
    WorkSafety,
    /// 消防安全 — fire safety.
    FireSafety,
    /// 特种设备 — special equipment (boilers, lifts, pressure vessels, …).
    SpecialEquipment,
    /// Any other field, civil affairs included.
    Other,
}

/// A type of administrative penalty (行政处罚种类) in a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PenaltyKind {
    /// 警告.
    Warning,
    /// 通报批评.
    Criticism,
    /// 罚款.
    Fine,
    /// 没收违法所得、没收非法财物.
    Confiscation,
    /// 暂扣许可证件、降低资质等级.
    LicenceSuspension,
    /// 责令停产停业、责令关闭 — an order to halt business or close.
    HaltBusiness,
    /// 吊销许可证件、吊销执照 — licence revocation.
    LicenceRevocation,
    /// 限制开展生产经营活动、限制从业 — restriction of activity or employment.
    ActivityRestriction,
    /// 行政拘留.
    Detention,
    /// Another type the law provides.
    Other,
}

/// The penalty decision behind a record: the day it was made, its field and
/// its penalty types. Publication periods are counted from `decided_on`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PenaltyDecision {
    /// 行政处罚决定之日: the day of the decision.
    pub decided_on: NaiveDate,
    /// Its field.
    pub domain: PenaltyDomain,
    /// Its penalty types (one decision may impose several).
    pub penalties: Vec<PenaltyKind>,
}

/// What the subject has done since the decision, each dated: a condition is
/// met on a day when its date is on or before that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepairFacts {
    /// The penalty decision.
    pub decision: PenaltyDecision,
    /// The day the dishonest conduct was corrected (the penalty performed,
    /// the obligation fulfilled), where it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_on: Option<NaiveDate>,
    /// The day its adverse effects were removed, where they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effects_removed_on: Option<NaiveDate>,
    /// The day a credit commitment (信用承诺) was signed, where one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment_signed_on: Option<NaiveDate>,
}

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

/// A rule that depends on the penalty decision: it applies when the
/// decision's field is one of `domains` (any field when empty) and one of
/// its penalty types is in `penalties` (any type when empty).
///
/// Where several rules apply, each raises the periods it names and the
/// longest period wins, so "a decision with several penalty types takes the
/// longest period" (NDRC Order No. 58) holds by construction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRule {
    /// The fields it covers; empty for every field.
    #[serde(default)]
    pub domains: Vec<PenaltyDomain>,
    /// The penalty types it covers; empty for every type.
    #[serde(default)]
    pub penalties: Vec<PenaltyKind>,
    /// A minimum publication period of at least this many months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_months: Option<u32>,
    /// A maximum publication period of at least this many months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_months: Option<u32>,
    /// `false` when a decision it covers may not be repaired at all.
    pub repairable: bool,
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
    }
}

/// The conditions a policy requires besides time (SPEC §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirements {
    /// The conduct must have been corrected (penalty performed).
    pub conduct_corrected: bool,
    /// Its adverse effects must have been removed.
    pub effects_removed: bool,
    /// A credit commitment (信用承诺) must have been signed.
    pub commitment_signed: bool,
    /// No new misconduct by the subject since the penalty decision.
    pub no_new_misconduct: bool,
    /// The rule behind them.
    pub basis: Citation,
}

/// The credit-repair rules of one period of time.
///
/// Build one from a preset or load it with serde, then
/// [`validate`](Self::validate) it; several go into a [`RepairTimeline`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepairPolicy {
    /// A short name, e.g. `NDRC Order No. 58 (2023)`.
    pub name: String,
    /// The first day it is in force.
    pub in_force_from: NaiveDate,
    /// The last day it is in force; `None` while it is current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_force_until: Option<NaiveDate>,
    /// The periods of each severity tier it knows.
    pub tiers: Vec<TierPeriods>,
    /// Rules that depend on the penalty decision.
    #[serde(default)]
    pub decision_rules: Vec<DecisionRule>,
    /// The conditions it requires.
    pub requirements: Requirements,
    /// The document it comes from.
    pub basis: Citation,
}

/// A condition that is not met on the day asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "condition", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Condition {
    /// The record is not in force (it is repaired, revoked or erased).
    RecordInForce {
        /// Its status on the day asked.
        status: RecordStatus,
    },
    /// The decision is of a kind that may not be repaired.
    Repairable,
    /// The minimum publication period has not run.
    MinimumPeriodElapsed {
        /// The first day an application may be made.
        earliest_application: NaiveDate,
    },
    /// The conduct has not been corrected.
    ConductCorrected,
    /// The adverse effects have not been removed.
    EffectsRemoved,
    /// No credit commitment has been signed.
    CommitmentSigned,
    /// The subject has new misconduct since the penalty decision.
    NoNewMisconduct {
        /// The new records.
        records: Vec<RecordId>,
    },
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RecordInForce { status } => {
                write!(f, "the record is not in force (it is {})", status_name(*status))
            }
            Self::Repairable => f.write_str("the penalty decision may not be repaired"),
            Self::MinimumPeriodElapsed {
                earliest_application,
            } => write!(
                f,
                "the minimum publication period has not run (an application may be made from `{earliest_application}`)"
            ),
            Self::ConductCorrected => f.write_str("the conduct has not been corrected"),
            Self::EffectsRemoved => f.write_str("the adverse effects have not been removed"),
            Self::CommitmentSigned => f.write_str("no credit commitment has been signed"),
            Self::NoNewMisconduct { records } => {
                f.write_str("the subject has new misconduct since the decision:")?;
                for r in records {
                    write!(f, " `{r}`")?;
                }
                Ok(())
            }
        }
    }
}

/// An unmet condition and the rule that sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmet {
    /// The condition.
    pub condition: Condition,
    /// The rule behind it.
    pub basis: Citation,
}

/// The publication periods of one decision under one policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Periods {
    /// The first day an application for repair may be made: the day after
    /// the minimum period's last day, or the day of the decision when there
    /// is no minimum.
    pub earliest_application: NaiveDate,
    /// The last day of the maximum publication period; publication ends by
    /// itself from the next day.
    pub last_published_day: NaiveDate,
    /// The rule that sets the minimum period: the tier's, or the decision
    /// rule that raised it.
    pub minimum_set_by: Citation,
    /// The rule that bars repair, where one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barred_by: Option<Citation>,
    /// The rules the periods come from: the tier's, then each decision rule
    /// that applied.
    pub basis: Vec<Citation>,
}

/// [`Periods`] with the rules borrowed and the days computed on demand
/// (see [`RepairPolicy::limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits<'p> {
    start: NaiveDate,
    minimum_months: u32,
    maximum_months: u32,
    pub(crate) tier: &'p Citation,
    pub(crate) minimum_set_by: &'p Citation,
    pub(crate) barred_by: Option<&'p Citation>,
}

impl Limits<'_> {
    /// The day after the minimum period's last day; the decision's day when
    /// there is no minimum.
    pub(crate) fn earliest_application(&self) -> NaiveDate {
        if self.minimum_months == 0 {
            self.start
        } else {
            period_end(self.start, self.minimum_months)
                .succ_opt()
                .unwrap_or(NaiveDate::MAX)
        }
    }

    /// The last day of the maximum period.
    pub(crate) fn last_published_day(&self) -> NaiveDate {
        period_end(self.start, self.maximum_months)
    }
}

/// The answer to "may this record be repaired on this day?".
///
/// Ineligible is an answer, not an error: [`unmet`](Self::unmet) lists
/// every condition not met, each with its rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    /// The record.
    pub record: RecordId,
    /// The day asked.
    pub on: NaiveDate,
    /// The policy that answered.
    pub policy: Citation,
    /// The decision's periods under that policy.
    pub periods: Periods,
    /// Every condition not met on `on`; empty when eligible.
    pub unmet: Vec<Unmet>,
    /// When only time is missing (the minimum period is the one unmet
    /// condition): the first day the record becomes eligible, unless the
    /// facts or the policy change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible_from: Option<NaiveDate>,
}

impl Eligibility {
    /// Whether repair may be granted on the day asked.
    pub fn is_eligible(&self) -> bool {
        self.unmet.is_empty()
    }
}

/// A granted repair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repair {
    /// The audit entry for the change.
    pub audit: AuditEntry,
    /// The day the record's sanctions end: the day of the repair, from which
    /// its status is `Repaired`.
    pub sanctions_end_on: NaiveDate,
    /// The eligibility answer it was granted on.
    pub eligibility: Eligibility,
}

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

fn status_name(status: RecordStatus) -> &'static str {
    match status {
        RecordStatus::Active => "active",
        RecordStatus::Repaired => "repaired",
        RecordStatus::Revoked => "revoked",
        RecordStatus::Corrected => "corrected",
        RecordStatus::Erased => "erased",
    }
}

fn list(unmet: &[Unmet]) -> String {
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

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    // Only called with literal, valid dates in the presets below.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn all_four(requirements_basis: Citation) -> Requirements {
    Requirements {
        conduct_corrected: true,
        effects_removed: true,
        commitment_signed: true,
        no_new_misconduct: true,
        basis: requirements_basis,
    }
}

const SOURCE_2019: &str = "发改办财金〔2019〕527号";
const SOURCE_2023: &str = "NDRC Order No. 58 (2023)";
const SOURCE_2026: &str = "国办发〔2025〕22号 §2; NDRC 信用修复管理办法 (2025)";

impl RepairPolicy {
    /// The plan's era: the NDRC General Office notice 发改办财金〔2019〕527号,
    /// applied from 2019-07-01 until NDRC Order No. 58 replaced it
    /// (in force here 2019-07-01 – 2023-04-30).
    ///
    /// - 一般失信 (general): minimum 3 months, maximum 1 year.
    /// - 严重失信 (severe; SPEC §5 says "serious"): minimum 6 months,
    ///   maximum 3 years.
    /// - 特定严重失信 (specific serious): orders to halt business or licence
    ///   revocations in food and drugs, the environment, work safety and
    ///   fire safety: published the full 3 years and not repairable.
    ///
    /// Tier mapping: the plan's `General` → 527's general; the plan's
    /// `Serious` (较重) and `Severe` (严重) → 527's 严重 tier, because 527's
    /// general tier is for conduct of a slight nature and little harm, which
    /// 较重 by its name exceeds; `Minor` (not a tier then) → general, the
    /// lowest tier 527 had.
    pub fn plan_era_2019() -> Self {
        let tier = |severity, minimum_months, maximum_months, rule| TierPeriods {
            severity,
            minimum_months,
            maximum_months,
            basis: Citation::new(rule, SOURCE_2019),
        };
        Self {
            name: "发改办财金〔2019〕527号 (2019)".to_owned(),
            in_force_from: day(2019, 7, 1),
            in_force_until: Some(day(2023, 4, 30)),
            tiers: vec![
                tier(
                    Severity::Minor,
                    3,
                    12,
                    "repair.2019.minor_as_general_periods",
                ),
                tier(Severity::General, 3, 12, "repair.2019.general_periods"),
                tier(
                    Severity::Serious,
                    6,
                    36,
                    "repair.2019.serious_as_severe_periods",
                ),
                tier(Severity::Severe, 6, 36, "repair.2019.severe_periods"),
            ],
            decision_rules: vec![DecisionRule {
                domains: vec![
                    PenaltyDomain::FoodAndDrugs,
                    PenaltyDomain::Environment,
                    PenaltyDomain::WorkSafety,
                    PenaltyDomain::FireSafety,
                ],
                penalties: vec![PenaltyKind::HaltBusiness, PenaltyKind::LicenceRevocation],
                minimum_months: None,
                maximum_months: Some(36),
                repairable: false,
                basis: Citation::new("repair.2019.specific_serious_not_repairable", SOURCE_2019),
            }],
            requirements: all_four(Citation::new(
                "repair.conditions",
                "plan §6(7); 发改办财金〔2019〕527号",
            )),
            basis: Citation::new("repair.policy_2019", SOURCE_2019),
        }
    }

    /// NDRC Order No. 58, 失信行为纠正后的信用信息修复管理办法（试行）, in force
    /// 2023-05-01 – 2026-03-31.
    ///
    /// Administrative-penalty information: minimum 3 months, maximum 3
    /// years, whatever the tier; at least 1 year minimum in special
    /// equipment, work safety and fire safety; a decision with several
    /// penalty types takes the longest period.
    pub fn order_58_2023() -> Self {
        let tier = |severity| TierPeriods {
            severity,
            minimum_months: 3,
            maximum_months: 36,
            basis: Citation::new("repair.2023.penalty_periods", SOURCE_2023),
        };
        Self {
            name: SOURCE_2023.to_owned(),
            in_force_from: day(2023, 5, 1),
            in_force_until: Some(day(2026, 3, 31)),
            tiers: Severity::ALL.into_iter().map(tier).collect(),
            decision_rules: vec![DecisionRule {
                domains: vec![
                    PenaltyDomain::SpecialEquipment,
                    PenaltyDomain::WorkSafety,
                    PenaltyDomain::FireSafety,
                ],
                penalties: vec![],
                minimum_months: Some(12),
                maximum_months: None,
                repairable: true,
                basis: Citation::new("repair.2023.safety_fields_one_year", SOURCE_2023),
            }],
            requirements: all_four(Citation::new(
                "repair.conditions",
                "plan §6(7); NDRC Order No. 58 (2023)",
            )),
            basis: Citation::new("repair.policy_2023", SOURCE_2023),
        }
    }

    /// The 2026 national rules: 国办发〔2025〕22号 §2 and the NDRC
    /// 信用修复管理办法, in force from 2026-04-01.
    ///
    /// - 轻微 (minor): not published as a rule; where published, at most 3
    ///   months, and repair may be applied for once the legal duty is
    ///   performed (no minimum).
    /// - 一般 (general): minimum 3 months, maximum 1 year.
    /// - 严重 (severe): minimum 1 year, maximum 3 years.
    ///
    /// Tier mapping: the plan's `Serious` (较重) has no national counterpart
    /// and takes the general tier's periods: the national 一般 tier covers
    /// everything between minor and severe, and the severe tier's 1-year
    /// minimum is reserved for 严重 under the proportionality principle
    /// (过罚相当) the rules state.
    pub fn national_2026() -> Self {
        let tier = |severity, minimum_months, maximum_months, rule| TierPeriods {
            severity,
            minimum_months,
            maximum_months,
            basis: Citation::new(rule, SOURCE_2026),
        };
        Self {
            name: "国办发〔2025〕22号 and NDRC 信用修复管理办法 (2026)".to_owned(),
            in_force_from: day(2026, 4, 1),
            in_force_until: None,
            tiers: vec![
                tier(Severity::Minor, 0, 3, "repair.2026.minor_periods"),
                tier(Severity::General, 3, 12, "repair.2026.general_periods"),
                tier(
                    Severity::Serious,
                    3,
                    12,
                    "repair.2026.serious_as_general_periods",
                ),
                tier(Severity::Severe, 12, 36, "repair.2026.severe_periods"),
            ],
            decision_rules: vec![],
            requirements: all_four(Citation::new(
                "repair.conditions",
                "plan §6(7); 国办发〔2025〕22号",
            )),
            basis: Citation::new("repair.policy_2026", SOURCE_2026),
        }
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
        Ok(())
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
        let mut basis = vec![limits.tier.clone()];
        basis.extend(
            self.decision_rules
                .iter()
                .filter(|r| r.covers(decision))
                .map(|r| r.basis.clone()),
        );
        Ok(Periods {
            earliest_application: limits.earliest_application(),
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
        let tier = self.tiers.iter().find(|t| t.severity == severity)?;
        let mut minimum = tier.minimum_months;
        let mut maximum = tier.maximum_months;
        let mut minimum_set_by = &tier.basis;
        let mut barred_by = None;
        for rule in self.decision_rules.iter().filter(|r| r.covers(decision)) {
            if let Some(m) = rule.minimum_months.filter(|m| *m > minimum) {
                minimum = m;
                minimum_set_by = &rule.basis;
            }
            maximum = maximum.max(rule.maximum_months.unwrap_or(0));
            if !rule.repairable && barred_by.is_none() {
                barred_by = Some(&rule.basis);
            }
        }
        Some(Limits {
            start: decision.decided_on,
            minimum_months: minimum,
            // A raised minimum can never leave publication ending before it.
            maximum_months: maximum.max(minimum),
            tier: &tier.basis,
            minimum_set_by,
            barred_by,
        })
    }

    /// Whether `record` may be repaired on `on` under this policy, listing
    /// every unmet condition.
    ///
    /// The conditions: the record is in force (active or corrected) on `on`;
    /// no decision rule bars repair; the minimum publication period has run
    /// (`on` is on or after the earliest application day); and, as the
    /// policy requires, the conduct was corrected, its effects removed and a
    /// credit commitment signed, each on or before `on`, and `others` holds
    /// no new misconduct by the same subject: a record, other than this one,
    /// whose conduct happened after the penalty decision, recorded on or
    /// before `on` and not revoked.
    ///
    /// The policy's own dates are not checked here ([`RepairTimeline`]
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
    /// #     recorded_on: day(2026, 5, 10), decision: None, content: None, corrected: None, history: vec![],
    /// # };
    /// let facts = RepairFacts {
    ///     decision: PenaltyDecision {
    ///         decided_on: day(2026, 5, 10),
    ///         domain: PenaltyDomain::Other,
    ///         penalties: vec![PenaltyKind::Fine],
    ///     },
    ///     corrected_on: Some(day(2026, 5, 20)),
    ///     effects_removed_on: None,
    ///     commitment_signed_on: Some(day(2026, 5, 20)),
    /// };
    /// let policy = RepairPolicy::national_2026();
    /// let answer = policy.eligibility(&record, &facts, &[], day(2026, 6, 1))?;
    /// assert!(!answer.is_eligible());
    /// // Every unmet condition, not only the first.
    /// let unmet: Vec<_> = answer.unmet.iter().map(|u| &u.condition).collect();
    /// assert_eq!(unmet, [
    ///     &Condition::MinimumPeriodElapsed { earliest_application: day(2026, 8, 11) },
    ///     &Condition::EffectsRemoved,
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
        let periods = self.periods(record.severity, &facts.decision)?;

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
        let req = &self.requirements;
        let done = |d: Option<NaiveDate>| d.is_some_and(|d| d <= on);
        if req.conduct_corrected && !done(facts.corrected_on) {
            push(Condition::ConductCorrected, &req.basis);
        }
        if req.effects_removed && !done(facts.effects_removed_on) {
            push(Condition::EffectsRemoved, &req.basis);
        }
        if req.commitment_signed && !done(facts.commitment_signed_on) {
            push(Condition::CommitmentSigned, &req.basis);
        }
        if req.no_new_misconduct {
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
            if !records.is_empty() {
                push(Condition::NoNewMisconduct { records }, &req.basis);
            }
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

/// Repair policies in force one after another (SPEC §5): a question asked
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
}

impl Default for RepairTimeline {
    fn default() -> Self {
        Self {
            policies: vec![
                RepairPolicy::plan_era_2019(),
                RepairPolicy::order_58_2023(),
                RepairPolicy::national_2026(),
            ],
        }
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
        Ok(Self { policies })
    }

    /// The policies, earliest first.
    pub fn policies(&self) -> &[RepairPolicy] {
        &self.policies
    }

    /// The policy in force on `on`, if any.
    pub fn in_force_on(&self, on: NaiveDate) -> Option<&RepairPolicy> {
        self.policies.iter().find(|p| p.is_in_force(on))
    }

    fn policy(&self, on: NaiveDate) -> Result<&RepairPolicy, RepairError> {
        self.in_force_on(on)
            .ok_or(RepairError::NoPolicyInForce { on })
    }

    /// [`RepairPolicy::eligibility`] under the policy in force on `on`.
    ///
    /// # Errors
    ///
    /// [`RepairError::NoPolicyInForce`], or any error of
    /// [`RepairPolicy::eligibility`].
    pub fn eligibility(
        &self,
        record: &MisconductRecord,
        facts: &RepairFacts,
        others: &[MisconductRecord],
        on: NaiveDate,
    ) -> Result<Eligibility, RepairError> {
        self.policy(on)?.eligibility(record, facts, others, on)
    }

    /// [`RepairPolicy::apply`] under the policy in force on `on`.
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
        self.policy(on)?.apply(record, facts, others, on, by)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_and_form_a_timeline() {
        let t = RepairTimeline::new(vec![
            RepairPolicy::national_2026(),
            RepairPolicy::plan_era_2019(),
            RepairPolicy::order_58_2023(),
        ])
        .unwrap();
        assert_eq!(t, RepairTimeline::default());
    }

    #[test]
    fn overlap_is_rejected() {
        let mut a = RepairPolicy::order_58_2023();
        a.in_force_until = Some(day(2026, 4, 1));
        let err = RepairTimeline::new(vec![a, RepairPolicy::national_2026()]).unwrap_err();
        assert!(matches!(err, RepairPolicyError::Overlap { on, .. } if on == day(2026, 4, 1)));
    }

    #[test]
    fn validation_catches_bad_tiers() {
        let mut p = RepairPolicy::national_2026();
        if let Some(t) = p.tiers.first_mut() {
            t.minimum_months = 4;
        }
        assert!(matches!(
            p.validate(),
            Err(RepairPolicyError::MinimumAfterMaximum { .. })
        ));
        let mut p = RepairPolicy::national_2026();
        p.tiers.push(p.tiers[0].clone());
        assert!(matches!(
            p.validate(),
            Err(RepairPolicyError::DuplicateTier { .. })
        ));
        let mut p = RepairPolicy::national_2026();
        p.in_force_until = Some(day(2026, 3, 31));
        assert!(matches!(
            p.validate(),
            Err(RepairPolicyError::EndsBeforeStart { .. })
        ));
    }
}
