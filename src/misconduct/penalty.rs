//! The penalty decision (行政处罚决定) behind a record: a fact about conduct,
//! which the repair rules ([`crate::repair`]) read. Re-exported as
//! `misconduct::*` and, its first path, `repair::*`.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Severity;

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
