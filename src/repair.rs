//! Credit repair (信用修复, plan §6(7)): "encourage correction, time-limited
//! sanctions, conditional repair" (鼓励纠错、有限期惩戒、有条件修复).
//!
//! A subject that corrects its conduct may apply to have a record repaired
//! once the record's minimum publication period has run; publication ends by
//! itself at the maximum period, and the sanctions the record grounds end
//! with it (有限期惩戒). The periods, the conditions and what bars repair are
//! set by national rules that change over time, so the crate keeps them as
//! data (`data/repair/*.json`, embedded and parsed once):
//!
//! - [`RepairPolicy`]: the periods per [`Severity`] ([`TierPeriods`]), the
//!   tier table that grades a penalty decision ([`TierRow`]), rules that
//!   depend on the decision's field, penalty types, procedure or conduct
//!   ([`DecisionRule`]: longer periods, bars, no publication), the
//!   conditions exactly as the text lists them ([`RepairCondition`], each
//!   citing its article), and the days it is in force;
//! - [`RepairTimeline`]: the policies in force one after another, and which
//!   of them governs a record ([`RepairTimeline::publication_end`],
//!   [`RepairTimeline::eligibility`]): the rules in force on the day of the
//!   decision, or a later one where it is more favourable to the subject
//!   (DESIGN.md, "Which repair rules govern a record?");
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
//! | [`RepairPolicy::plan_era_2019`] | 2019-07-01 – 2023-04-30 | 3 months / 1 year | 3 months / 1 year | 3 months / 1 year | 6 months / 3 years | "specific serious": 3 years, not repairable; simplified procedure: not published |
//! | [`RepairPolicy::order_58_2023`] | 2023-05-01 – 2026-03-31 | 3 months / 3 years | 3 months / 3 years | 3 months / 3 years | 3 months / 3 years | food, drugs, special equipment, work safety, fire safety: at least 1 year |
//! | [`RepairPolicy::national_2026`] | from 2026-04-01 | none / 3 months | 3 months / 1 year | 3 months / 1 year | 1 year / 3 years | tier graded from the penalty by a table |
//!
//! Periods are "minimum / maximum", counted from the day of the penalty
//! decision. Sources: 发改办财金〔2019〕527号 (applied from 2019-07-01);
//! NDRC Order No. 58 (失信行为纠正后的信用信息修复管理办法（试行）, in force
//! 2023-05-01); 国办发〔2025〕22号 §2 (2025-06-22) and NDRC Order No. 36
//! (信用修复管理办法, in force 2026-04-01, repealing Order No. 58). Each data
//! file quotes the text it follows and marks what is `unconfirmed`; DESIGN.md
//! explains the tier mapping.

use std::fmt;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::audit::{AuditAction, AuditEntry};
use crate::citation::Citation;
use crate::misconduct::{MisconductRecord, RecordId, RecordStatus, Severity, StatusChange};
use crate::retention::{day_of_month, month_index, month_length, period_end};

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
    /// 工程质量 — construction quality.
    ConstructionQuality,
    /// 安全生产 — work safety.
    WorkSafety,
    /// 消防安全 — fire safety.
    FireSafety,
    /// 特种设备 — special equipment (boilers, lifts, pressure vessels, …).
    SpecialEquipment,
    /// 强制性产品认证 — compulsory product certification.
    CompulsoryCertification,
    /// Any other field, civil affairs included.
    Other,
}

impl PenaltyDomain {
    /// Every field.
    pub const ALL: [Self; 8] = [
        Self::FoodAndDrugs,
        Self::Environment,
        Self::ConstructionQuality,
        Self::WorkSafety,
        Self::FireSafety,
        Self::SpecialEquipment,
        Self::CompulsoryCertification,
        Self::Other,
    ];

    /// The Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Self::FoodAndDrugs => "食品药品",
            Self::Environment => "生态环境",
            Self::ConstructionQuality => "工程质量",
            Self::WorkSafety => "安全生产",
            Self::FireSafety => "消防安全",
            Self::SpecialEquipment => "特种设备",
            Self::CompulsoryCertification => "强制性产品认证",
            Self::Other => "其他",
        }
    }

    /// The English name.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::FoodAndDrugs => "food and drugs",
            Self::Environment => "environment",
            Self::ConstructionQuality => "construction quality",
            Self::WorkSafety => "work safety",
            Self::FireSafety => "fire safety",
            Self::SpecialEquipment => "special equipment",
            Self::CompulsoryCertification => "compulsory product certification",
            Self::Other => "other",
        }
    }
}

crate::text::text_forms!(
    PenaltyDomain,
    "penalty field",
    Some(|v: PenaltyDomain| (v.english_name(), v.chinese_name())),
    [
        FoodAndDrugs => "food_and_drugs",
        Environment => "environment",
        ConstructionQuality => "construction_quality",
        WorkSafety => "work_safety",
        FireSafety => "fire_safety",
        SpecialEquipment => "special_equipment",
        CompulsoryCertification => "compulsory_certification",
        Other => "other",
    ]
);

impl fmt::Display for PenaltyDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.english_name(), self.chinese_name())
    }
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
    /// 罚款 — a fine whose amount class the decision does not state.
    Fine,
    /// 较大数额罚款 — a fine of a larger amount, as the sector's standard
    /// classes it (the 2026 rules' general tier).
    LargeFine,
    /// 巨额罚款 — a very large fine, as the sector's standard classes it
    /// (the 2026 rules' serious tier).
    VeryLargeFine,
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

impl PenaltyKind {
    /// Every type.
    pub const ALL: [Self; 12] = [
        Self::Warning,
        Self::Criticism,
        Self::Fine,
        Self::LargeFine,
        Self::VeryLargeFine,
        Self::Confiscation,
        Self::LicenceSuspension,
        Self::HaltBusiness,
        Self::LicenceRevocation,
        Self::ActivityRestriction,
        Self::Detention,
        Self::Other,
    ];

    /// The Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Self::Warning => "警告",
            Self::Criticism => "通报批评",
            Self::Fine => "罚款",
            Self::LargeFine => "较大数额罚款",
            Self::VeryLargeFine => "巨额罚款",
            Self::Confiscation => "没收违法所得、没收非法财物",
            Self::LicenceSuspension => "暂扣许可证件、降低资质等级",
            Self::HaltBusiness => "责令停产停业、责令关闭",
            Self::LicenceRevocation => "吊销许可证件、吊销执照",
            Self::ActivityRestriction => "限制开展生产经营活动、限制从业",
            Self::Detention => "行政拘留",
            Self::Other => "其他",
        }
    }

    /// The English name.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::Criticism => "criticism",
            Self::Fine => "fine",
            Self::LargeFine => "large fine",
            Self::VeryLargeFine => "very large fine",
            Self::Confiscation => "confiscation",
            Self::LicenceSuspension => "licence suspension",
            Self::HaltBusiness => "order to halt business",
            Self::LicenceRevocation => "licence revocation",
            Self::ActivityRestriction => "activity restriction",
            Self::Detention => "detention",
            Self::Other => "other penalty",
        }
    }
}

crate::text::text_forms!(
    PenaltyKind,
    "penalty type",
    Some(|v: PenaltyKind| (v.english_name(), v.chinese_name())),
    [
        Warning => "warning",
        Criticism => "criticism",
        Fine => "fine",
        LargeFine => "large_fine",
        VeryLargeFine => "very_large_fine",
        Confiscation => "confiscation",
        LicenceSuspension => "licence_suspension",
        HaltBusiness => "halt_business",
        LicenceRevocation => "licence_revocation",
        ActivityRestriction => "activity_restriction",
        Detention => "detention",
        Other => "other",
    ]
);

impl fmt::Display for PenaltyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.english_name(), self.chinese_name())
    }
}

/// The procedure a penalty was decided under (行政处罚法 ch. 5).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// 普通程序 — the ordinary procedure (the default).
    #[default]
    Ordinary,
    /// 简易程序 — the simplified procedure (on-the-spot decisions: a warning
    /// or a small fine).
    Simplified,
}

impl Procedure {
    fn is_ordinary(&self) -> bool {
        *self == Self::Ordinary
    }

    /// The Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Self::Ordinary => "普通程序",
            Self::Simplified => "简易程序",
        }
    }

    /// The English name.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::Ordinary => "ordinary procedure",
            Self::Simplified => "simplified procedure",
        }
    }
}

crate::text::text_forms!(
    Procedure,
    "procedure",
    Some(|v: Procedure| (v.english_name(), v.chinese_name())),
    [Ordinary => "ordinary", Simplified => "simplified"]
);

impl fmt::Display for Procedure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.english_name(), self.chinese_name())
    }
}

/// A type of conduct 发改办财金〔2019〕527号 names for its "specific serious"
/// class across all fields (特定严重失信行为): a halt order or licence
/// revocation for one of them is published the full 3 years and not repaired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PenaltyConduct {
    /// 贿赂.
    Bribery,
    /// 逃税骗税.
    TaxEvasion,
    /// 恶意逃废债务.
    DebtEvasion,
    /// 恶意拖欠货款或服务费.
    PaymentArrears,
    /// 恶意欠薪.
    WageArrears,
    /// 非法集资.
    IllegalFundraising,
    /// 合同欺诈.
    ContractFraud,
    /// 传销.
    PyramidSelling,
    /// 无证照经营.
    UnlicensedBusiness,
    /// 制售假冒伪劣产品.
    CounterfeitGoods,
    /// 故意侵犯知识产权.
    IpInfringement,
    /// 出借和借用资质投标.
    QualificationLending,
    /// 围标串标.
    BidRigging,
    /// 虚假广告.
    FalseAdvertising,
    /// 侵害消费者或证券期货投资者合法权益.
    ConsumerInvestorHarm,
    /// 严重破坏网络空间传播秩序.
    CyberspaceDisorder,
    /// 聚众扰乱社会秩序.
    PublicOrderDisturbance,
}

/// The penalty decision behind a record: the day it was made, its field,
/// its penalty types, its procedure, the conduct it punished and, where the
/// deciding authority classed it, its tier. Publication periods are counted
/// from `decided_on`.
///
/// Only the first three fields are required in JSON: a decision stored
/// before the others existed loads as an ordinary-procedure decision with no
/// stated conduct or class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PenaltyDecision {
    /// 行政处罚决定之日: the day of the decision.
    pub decided_on: NaiveDate,
    /// Its field.
    pub domain: PenaltyDomain,
    /// Its penalty types (one decision may impose several).
    pub penalties: Vec<PenaltyKind>,
    /// The procedure it was decided under; ordinary unless stated.
    #[serde(default, skip_serializing_if = "Procedure::is_ordinary")]
    pub procedure: Procedure,
    /// The conduct it punished, where it is one 527 names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conduct: Vec<PenaltyConduct>,
    /// The tier the deciding authority classed the information in under its
    /// sector's standard, where it did (527: "经行政处罚决定部门认定的";
    /// 国办发〔2025〕22号 §2: "各领域具体分类标准由行业主管部门制定"). It takes
    /// precedence over a policy's tier table and the record's grade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classified: Option<Severity>,
}

impl PenaltyDecision {
    /// An ordinary-procedure decision with no stated conduct or class.
    pub fn new(decided_on: NaiveDate, domain: PenaltyDomain, penalties: Vec<PenaltyKind>) -> Self {
        Self {
            decided_on,
            domain,
            penalties,
            procedure: Procedure::Ordinary,
            conduct: Vec::new(),
            classified: None,
        }
    }
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
    /// The day a public credit commitment (信用承诺) was made, where one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment_signed_on: Option<NaiveDate>,
    /// The day the subject attended credit-repair training (信用修复培训),
    /// where it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_attended_on: Option<NaiveDate>,
    /// The day the subject submitted a credit report (信用报告), where it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_report_on: Option<NaiveDate>,
}

impl RepairFacts {
    /// Facts about `decision` with nothing done yet.
    pub fn new(decision: PenaltyDecision) -> Self {
        Self {
            decision,
            corrected_on: None,
            effects_removed_on: None,
            commitment_signed_on: None,
            training_attended_on: None,
            credit_report_on: None,
        }
    }

    /// The day the fact a condition asks for was established, if it was.
    fn done_on(&self, kind: ConditionKind) -> Option<NaiveDate> {
        match kind {
            ConditionKind::ConductCorrected => self.corrected_on,
            ConditionKind::EffectsRemoved => self.effects_removed_on,
            ConditionKind::CommitmentSigned => self.commitment_signed_on,
            ConditionKind::TrainingAttended => self.training_attended_on,
            ConditionKind::CreditReportSubmitted => self.credit_report_on,
            ConditionKind::NoNewMisconduct => None,
        }
    }
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

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
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

/// A kind of repair condition besides time, as the texts list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConditionKind {
    /// The conduct corrected and the penalty's obligations performed
    /// (纠正失信行为、履行相关义务).
    ConductCorrected,
    /// The adverse effects removed (消除不良影响). No national preset requires
    /// it separately; a policy loaded from data may.
    EffectsRemoved,
    /// A public credit commitment made (公开作出信用承诺).
    CommitmentSigned,
    /// Credit-repair training attended (信用修复培训; 527, serious tier).
    TrainingAttended,
    /// A credit report submitted (信用报告; 527, serious tier).
    CreditReportSubmitted,
    /// No new misconduct by the subject since the decision. No text read
    /// requires it and no preset uses it; a policy loaded from data may.
    NoNewMisconduct,
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
/// it; several go into a [`RepairTimeline`].
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
    /// No public credit commitment has been made.
    CommitmentSigned,
    /// No credit-repair training has been attended.
    TrainingAttended,
    /// No credit report has been submitted.
    CreditReportSubmitted,
    /// The subject has new misconduct since the penalty decision (only
    /// under a policy loaded from data that requires it).
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
            Self::CommitmentSigned => f.write_str("no public credit commitment has been made"),
            Self::TrainingAttended => f.write_str("no credit-repair training has been attended"),
            Self::CreditReportSubmitted => f.write_str("no credit report has been submitted"),
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
    /// The tier whose periods apply: the deciding authority's class, else
    /// the policy's tier table, else the record's grade.
    pub tier: Severity,
    /// The first day an application for repair may be made: the day after
    /// the minimum period's last day, or the day of the decision when there
    /// is no minimum.
    pub earliest_application: NaiveDate,
    /// Whether the information is published at all (527 does not publish
    /// penalties decided under the simplified procedure).
    pub published: bool,
    /// The last day of the maximum publication period; publication ends by
    /// itself from the next day. When not published, the day before the
    /// decision.
    pub last_published_day: NaiveDate,
    /// The rule that sets the minimum period: the tier's, or the decision
    /// rule that raised it.
    pub minimum_set_by: Citation,
    /// The rule that bars repair, where one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barred_by: Option<Citation>,
    /// The rules the periods come from: the tier table row that graded the
    /// decision, the tier's, then each decision rule that applied.
    pub basis: Vec<Citation>,
}

/// [`Periods`] with the rules borrowed and the days computed on demand
/// (see [`RepairPolicy::limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits<'p> {
    start: NaiveDate,
    minimum_months: u32,
    maximum_months: u32,
    pub(crate) severity: Severity,
    pub(crate) published: bool,
    pub(crate) graded_by: Option<&'p Citation>,
    pub(crate) tier: &'p Citation,
    pub(crate) minimum_set_by: &'p Citation,
    pub(crate) barred_by: Option<&'p Citation>,
    pub(crate) unpublished_by: Option<&'p Citation>,
}

impl<'p> Limits<'p> {
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

    /// The last day of the maximum period; the day before the decision when
    /// the information is not published.
    pub(crate) fn last_published_day(&self) -> NaiveDate {
        if self.published {
            period_end(self.start, self.maximum_months)
        } else {
            self.start.pred_opt().unwrap_or(NaiveDate::MIN)
        }
    }

    /// The first day the information is no longer published.
    pub(crate) fn publication_ends(&self) -> NaiveDate {
        if self.published {
            self.last_published_day()
                .succ_opt()
                .unwrap_or(NaiveDate::MAX)
        } else {
            self.start
        }
    }

    /// The rule that ends publication: the one that withholds it, else the
    /// tier's.
    pub(crate) fn publication_basis(&self) -> &'p Citation {
        self.unpublished_by.unwrap_or(self.tier)
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

const NDRC_527_2019_JSON: &str = include_str!("../data/repair/ndrc-527-2019.json");
const ORDER_58_2023_JSON: &str = include_str!("../data/repair/ndrc-order-58-2023.json");
const NATIONAL_2026_JSON: &str = include_str!("../data/repair/national-2026.json");

/// The embedded preset `json`, parsed and validated once.
fn preset(cell: &'static OnceLock<RepairPolicy>, json: &str) -> RepairPolicy {
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
    /// The policies reduced to bits, one per policy in the same order, for
    /// the assessment's fast path (derived from `policies` by `indexed`).
    #[serde(skip)]
    bits: Vec<PolicyBits>,
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

    /// [`publication_end`](Self::publication_end)'s day, on the fast path:
    /// the same answer, without the citations.
    #[cfg(test)]
    pub(crate) fn publication_end_day(
        &self,
        severity: Severity,
        d: &DecisionBits,
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

/// A penalty decision reduced to bits, for the assessment's fast path
/// (one bit per domain, penalty type, procedure and conduct type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecisionBits {
    pub(crate) decided_on: NaiveDate,
    shape: Shape,
}

/// What of a decision the periods depend on, besides its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    domain: u16,
    penalties: u16,
    procedure: u8,
    conduct: u32,
    classified: Option<Severity>,
}

fn bit16<T: Copy>(items: &[T], index: impl Fn(T) -> u32) -> u16 {
    items.iter().fold(0, |m, &x| m | (1u16 << index(x).min(15)))
}

fn bit32<T: Copy>(items: &[T], index: impl Fn(T) -> u32) -> u32 {
    items.iter().fold(0, |m, &x| m | (1u32 << index(x).min(31)))
}

fn bit8<T: Copy>(items: &[T], index: impl Fn(T) -> u32) -> u8 {
    items.iter().fold(0, |m, &x| m | (1u8 << index(x).min(7)))
}

// Fieldless enums: their discriminants, in declaration order, index the bits
// (each enum has fewer variants than its mask has bits).
fn domain_index(d: PenaltyDomain) -> u32 {
    d as u32
}
fn penalty_index(p: PenaltyKind) -> u32 {
    p as u32
}
fn procedure_index(p: Procedure) -> u32 {
    p as u32
}
fn conduct_index(c: PenaltyConduct) -> u32 {
    c as u32
}

impl DecisionBits {
    pub(crate) fn of(d: &PenaltyDecision) -> Self {
        let shape = Shape {
            domain: bit16(&[d.domain], domain_index),
            penalties: bit16(&d.penalties, penalty_index),
            procedure: bit8(&[d.procedure], procedure_index),
            conduct: bit32(&d.conduct, conduct_index),
            classified: d.classified,
        };
        Self {
            decided_on: d.decided_on,
            shape,
        }
    }
}

/// A [`DecisionRule`] reduced to bits (a mask of 0 covers everything).
#[derive(Debug, Clone, PartialEq, Eq)]
struct RuleBits {
    domains: u16,
    penalties: u16,
    procedures: u8,
    conduct: u32,
    minimum_months: u32,
    maximum_months: u32,
    repairable: bool,
    published: bool,
}

/// A [`TierRow`] reduced to bits (a mask of 0 covers everything).
#[derive(Debug, Clone, PartialEq, Eq)]
struct RowBits {
    procedures: u8,
    penalties: u16,
    tier: Severity,
}

/// A [`RepairPolicy`] reduced to what the assessment's fast path needs: its
/// days, its tiers' periods by severity, its decision rules and tier rows.
/// It answers as [`RepairPolicy::limits`] does (a unit test compares them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyBits {
    pub(crate) from: NaiveDate,
    pub(crate) until: Option<NaiveDate>,
    tiers: [Option<(u32, u32)>; 4],
    rules: Vec<RuleBits>,
    rows: Vec<RowBits>,
    /// The longest minimum period of any of its tiers and rules
    /// ([`RepairPolicy::longest_minimum_months`]).
    pub(crate) longest_minimum_months: u32,
}

/// The periods of one decision on the fast path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FastLimits {
    minimum_months: u32,
    maximum_months: u32,
    published: bool,
    pub(crate) barred: bool,
}

impl FastLimits {
    /// The first day an application may be made.
    pub(crate) fn earliest_application(&self, start: NaiveDate) -> NaiveDate {
        if self.minimum_months == 0 {
            start
        } else {
            period_end(start, self.minimum_months)
                .succ_opt()
                .unwrap_or(NaiveDate::MAX)
        }
    }

    /// The first day the information is no longer published.
    pub(crate) fn publication_ends(&self, start: NaiveDate) -> NaiveDate {
        if self.published {
            period_end(start, self.maximum_months)
                .succ_opt()
                .unwrap_or(NaiveDate::MAX)
        } else {
            start
        }
    }
}

fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Minor => 0,
        Severity::General => 1,
        Severity::Serious => 2,
        Severity::Severe => 3,
    }
}

impl PolicyBits {
    fn of(p: &RepairPolicy) -> Self {
        let mut tiers = [None; 4];
        for t in &p.tiers {
            if let Some(slot) = tiers.get_mut(severity_index(t.severity)) {
                *slot = Some((t.minimum_months, t.maximum_months));
            }
        }
        Self {
            from: p.in_force_from,
            until: p.in_force_until,
            longest_minimum_months: p.longest_minimum_months(),
            tiers,
            rules: p
                .decision_rules
                .iter()
                .map(|r| RuleBits {
                    domains: bit16(&r.domains, domain_index),
                    penalties: bit16(&r.penalties, penalty_index),
                    procedures: bit8(&r.procedures, procedure_index),
                    conduct: bit32(&r.conduct, conduct_index),
                    minimum_months: r.minimum_months.unwrap_or(0),
                    maximum_months: r.maximum_months.unwrap_or(0),
                    repairable: r.repairable,
                    published: r.published,
                })
                .collect(),
            rows: p
                .tier_table
                .iter()
                .map(|r| RowBits {
                    procedures: bit8(&r.procedures, procedure_index),
                    penalties: bit16(&r.penalties, penalty_index),
                    tier: r.tier,
                })
                .collect(),
        }
    }

    /// Whether the policy is in force on `on`.
    pub(crate) fn is_in_force(&self, on: NaiveDate) -> bool {
        self.from <= on && self.until.is_none_or(|u| on <= u)
    }

    /// [`RepairPolicy::limits`] on bits.
    pub(crate) fn limits(&self, severity: Severity, d: &DecisionBits) -> Option<FastLimits> {
        let d = &d.shape;
        let mut tier = severity;
        if let Some(class) = d.classified {
            tier = class;
        } else {
            let mut graded: Option<Severity> = None;
            for row in &self.rows {
                let covers = (row.procedures == 0 || row.procedures & d.procedure != 0)
                    && (row.penalties == 0 || row.penalties & d.penalties != 0);
                if covers && graded.is_none_or(|g| row.tier > g) {
                    graded = Some(row.tier);
                }
            }
            if let Some(g) = graded {
                tier = g;
            }
        }
        let (mut minimum, mut maximum) = (*self.tiers.get(severity_index(tier))?)?;
        let mut barred = false;
        let mut published = true;
        for r in &self.rules {
            let covers = (r.domains == 0 || r.domains & d.domain != 0)
                && (r.penalties == 0 || r.penalties & d.penalties != 0)
                && (r.procedures == 0 || r.procedures & d.procedure != 0)
                && (r.conduct == 0 || r.conduct & d.conduct != 0);
            if covers {
                minimum = minimum.max(r.minimum_months);
                maximum = maximum.max(r.maximum_months);
                barred |= !r.repairable;
                published &= r.published;
            }
        }
        Some(FastLimits {
            minimum_months: minimum,
            maximum_months: maximum.max(minimum),
            published,
            barred,
        })
    }
}

/// Where a record's publication stands on the day of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PublicationState {
    /// No policy ends it (no decision, or no rules).
    Never,
    /// It ended on or before the day.
    Ended,
    /// It ends on this day, after the day.
    Ends(NaiveDate),
}

/// [`RepairTimeline::publication_end`] asked for many records on one day,
/// as an assessment does: "has it ended by the day?" is answered by one
/// cutoff decision day per maximum period (a period end never moves earlier
/// as its start moves later), and each policy's periods for each kind of
/// decision are worked out once. Only a record still published on the day
/// has its end day computed.
pub(crate) struct PublicationProbe<'t, 'd> {
    bits: &'t [PolicyBits],
    as_of: NaiveDate,
    /// (months, the first decision day whose period of that many months has
    /// not run by `as_of`); the first `n_cutoffs` are set.
    cutoffs: [(u32, NaiveDate); 8],
    n_cutoffs: usize,
    /// The last periods worked out, per policy and severity, with the
    /// packed shape they are for: records of one dossier mostly share a few
    /// kinds of decision.
    memo: [[(Option<&'d PenaltyDecision>, Option<FastLimits>); 4]; MEMO_POLICIES],
}

/// Whether two decisions have the same periods under every policy: they
/// differ at most in their day.
fn same_kind(a: &PenaltyDecision, b: &PenaltyDecision) -> bool {
    a.domain == b.domain
        && a.procedure == b.procedure
        && a.classified == b.classified
        && a.penalties == b.penalties
        && a.conduct == b.conduct
}

const MEMO_POLICIES: usize = 4;
impl<'t, 'd> PublicationProbe<'t, 'd> {
    pub(crate) fn new(timeline: &'t RepairTimeline, as_of: NaiveDate) -> Self {
        Self {
            bits: &timeline.bits,
            as_of,
            cutoffs: [(0, NaiveDate::MIN); 8],
            n_cutoffs: 0,
            memo: [[(None, None); 4]; MEMO_POLICIES],
        }
    }

    /// [`PolicyBits::limits`] of policy `i`, remembered per policy and
    /// severity for the last kind of decision asked.
    pub(crate) fn limits(
        &mut self,
        i: usize,
        severity: Severity,
        d: &'d PenaltyDecision,
    ) -> Option<FastLimits> {
        let bits = self.bits;
        let Some(entry) = self
            .memo
            .get_mut(i)
            .and_then(|m| m.get_mut(severity_index(severity)))
        else {
            return bits.get(i)?.limits(severity, &DecisionBits::of(d));
        };
        match entry.0 {
            Some(seen) if std::ptr::eq(seen, d) || same_kind(seen, d) => {}
            _ => *entry = (Some(d), bits.get(i)?.limits(severity, &DecisionBits::of(d))),
        }
        entry.1
    }

    /// The first decision day whose period of `months` months has not run
    /// by `as_of` (`period_end(day, months) >= as_of`): earlier decisions'
    /// periods have run.
    fn cutoff(&mut self, months: u32) -> NaiveDate {
        for (m, c) in self.cutoffs.iter().take(self.n_cutoffs) {
            if *m == months {
                return *c;
            }
        }
        let month = month_index(self.as_of) - i64::from(months);
        let day = self.as_of.day();
        let c = if day <= month_length(month) {
            day_of_month(month, day)
        } else {
            day_of_month(month + 1, 1)
        }
        .unwrap_or(NaiveDate::MIN);
        if let Some(slot) = self.cutoffs.get_mut(self.n_cutoffs) {
            *slot = (months, c);
            self.n_cutoffs += 1;
        }
        c
    }

    /// Where the publication of a record graded `severity` with decision
    /// `d` stands on `as_of` (as [`RepairTimeline::publication_end`]).
    pub(crate) fn state(&mut self, severity: Severity, d: &'d PenaltyDecision) -> PublicationState {
        let decided = d.decided_on;
        let as_of = self.as_of;
        let mut best: Option<NaiveDate> = None;
        for i in 0..self.bits.len() {
            let Some((from, until)) = self.bits.get(i).map(|p| (p.from, p.until)) else {
                break;
            };
            if until.is_some_and(|u| u < decided) {
                continue; // over before the decision
            }
            if best.is_some_and(|b| from >= b) {
                break; // an end under it is never before its first day
            }
            let Some(l) = self.limits(i, severity, d) else {
                continue;
            };
            // Ended by `as_of` under it? One comparison with the cutoff
            // decision day, when it governs or lasts through `as_of`.
            let governs = from <= decided;
            if from <= as_of && (governs || until.is_none_or(|u| u >= as_of)) {
                let run = if l.published {
                    decided < self.cutoff(l.maximum_months)
                } else {
                    decided <= as_of
                };
                if run {
                    return PublicationState::Ended;
                }
            }
            let end = l.publication_ends(decided);
            let on = if governs {
                end
            } else {
                let on = end.max(from);
                if until.is_some_and(|u| on > u) {
                    continue; // it is no longer in force by then
                }
                on
            };
            if best.is_none_or(|b| on < b) {
                best = Some(on);
            }
        }
        match best {
            None => PublicationState::Never,
            Some(on) if on <= as_of => PublicationState::Ended,
            Some(on) => PublicationState::Ends(on),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

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

    proptest::proptest! {
        /// The fast path answers as the citing one does, for every preset,
        /// tier and decision.
        #[test]
        fn the_bits_answer_as_the_policies_do(
            policy in 0usize..3,
            severity in 0usize..4,
            domain in 0usize..8,
            penalties in proptest::collection::vec(0usize..12, 0..3),
            simplified in proptest::bool::ANY,
            conduct in proptest::collection::vec(0usize..17, 0..2),
            classified in proptest::option::of(0usize..4),
            start in 0u64..4000,
        ) {
            use PenaltyDomain as D;
            use PenaltyKind as K;
            let t = RepairTimeline::default();
            let domains = [D::FoodAndDrugs, D::Environment, D::ConstructionQuality, D::WorkSafety, D::FireSafety, D::SpecialEquipment, D::CompulsoryCertification, D::Other];
            let kinds = [K::Warning, K::Criticism, K::Fine, K::LargeFine, K::VeryLargeFine, K::Confiscation, K::LicenceSuspension, K::HaltBusiness, K::LicenceRevocation, K::ActivityRestriction, K::Detention, K::Other];
            let conducts = [PenaltyConduct::Bribery, PenaltyConduct::TaxEvasion, PenaltyConduct::DebtEvasion, PenaltyConduct::PaymentArrears, PenaltyConduct::WageArrears, PenaltyConduct::IllegalFundraising, PenaltyConduct::ContractFraud, PenaltyConduct::PyramidSelling, PenaltyConduct::UnlicensedBusiness, PenaltyConduct::CounterfeitGoods, PenaltyConduct::IpInfringement, PenaltyConduct::QualificationLending, PenaltyConduct::BidRigging, PenaltyConduct::FalseAdvertising, PenaltyConduct::ConsumerInvestorHarm, PenaltyConduct::CyberspaceDisorder, PenaltyConduct::PublicOrderDisturbance];
            let mut d = PenaltyDecision::new(
                day(2018, 1, 1) + chrono::Days::new(start),
                domains[domain],
                penalties.iter().map(|&i| kinds[i]).collect(),
            );
            if simplified {
                d.procedure = Procedure::Simplified;
            }
            d.conduct = conduct.iter().map(|&i| conducts[i]).collect();
            d.classified = classified.map(|i| Severity::ALL[i]);
            let severity = Severity::ALL[severity];
            let slow = t.policies()[policy].limits(severity, &d);
            let fast = t.bits()[policy].limits(severity, &DecisionBits::of(&d));
            proptest::prop_assert_eq!(slow.is_some(), fast.is_some());
            if let (Some(slow), Some(fast)) = (slow, fast) {
                proptest::prop_assert_eq!(slow.earliest_application(), fast.earliest_application(d.decided_on));
                proptest::prop_assert_eq!(slow.publication_ends(), fast.publication_ends(d.decided_on));
                proptest::prop_assert_eq!(slow.barred_by.is_some(), fast.barred);
            }
            let exact = t.publication_end(severity, &d).map(|e| e.on);
            proptest::prop_assert_eq!(exact, t.publication_end_day(severity, &DecisionBits::of(&d)));
            // As an assessment sees it on a day.
            for shift in [0u64, 1, 27, 28, 29, 30, 31, 89, 90, 91, 92, 364, 365, 366, 1095, 1096, 1097, 1200] {
                let as_of = d.decided_on + chrono::Days::new(shift);
                let state = PublicationProbe::new(&t, as_of).state(severity, &d);
                let expected = match exact {
                    None => PublicationState::Never,
                    Some(e) if e <= as_of => PublicationState::Ended,
                    Some(e) => PublicationState::Ends(e),
                };
                proptest::prop_assert_eq!(state, expected, "as of {}", as_of);
            }
        }
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
