//! Dishonest acts (失信行为) and their records: severity, originating section,
//! dates and status (plan §3(3), §6(3), §6(7)).

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::citation::Citation;
use crate::subject::SubjectId;

mod penalty;
pub use penalty::{PenaltyConduct, PenaltyDecision, PenaltyDomain, PenaltyKind, Procedure};

/// How dishonest a finding is graded, on one ordered scale
/// `Minor < General < Serious < Severe`.
///
/// The plan uses three tiers, 一般 / 较重 / 严重 (plan §3(3)):
/// `General`, `Serious`, `Severe`. The national regime since 2025 uses
/// 轻微 / 一般 / 严重: `Minor`, `General`, `Severe`. One scale serves both;
/// each policy declares which tiers it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 轻微失信行为 (national regime since 2025).
    Minor,
    /// 一般失信行为.
    General,
    /// 较重失信行为 (the plan's middle tier).
    Serious,
    /// 严重失信行为.
    Severe,
}

impl Severity {
    /// Every tier, lowest first.
    pub const ALL: [Self; 4] = [Self::Minor, Self::General, Self::Serious, Self::Severe];

    /// The Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Self::Minor => "轻微",
            Self::General => "一般",
            Self::Serious => "较重",
            Self::Severe => "严重",
        }
    }

    /// The English name.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::Minor => "minor",
            Self::General => "general",
            Self::Serious => "serious",
            Self::Severe => "severe",
        }
    }
}

crate::text::text_forms!(
    Severity,
    "severity",
    Some(|v: Severity| (v.english_name(), v.chinese_name())),
    [Minor => "minor", General => "general", Serious => "serious", Severe => "severe"]
);

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.english_name(), self.chinese_name())
    }
}

/// A section of the bureau (科室), as the plan names them as responsible
/// sections (责任科室) of its clauses (plan §3–§8). The Office receives
/// objections (plan §6(3)); any section may originate credit information,
/// the Office included: the plan makes it a responsible section of §3(1),
/// §4(1), §4(2), §5(1), §5(3) and §6(1)–(9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// 办公室 — the bureau office.
    Office,
    /// 行政审批科 — administrative approval.
    AdministrativeApproval,
    /// 社会组织管理科 — social organizations.
    SocialOrganizations,
    /// 社会事务科 — social affairs.
    SocialAffairs,
    /// 养老服务科 — elderly care services.
    ElderlyCare,
}

impl Section {
    /// Every section.
    pub const ALL: [Self; 5] = [
        Self::Office,
        Self::AdministrativeApproval,
        Self::SocialOrganizations,
        Self::SocialAffairs,
        Self::ElderlyCare,
    ];

    /// The Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Self::Office => "办公室",
            Self::AdministrativeApproval => "行政审批科",
            Self::SocialOrganizations => "社会组织管理科",
            Self::SocialAffairs => "社会事务科",
            Self::ElderlyCare => "养老服务科",
        }
    }

    /// The English name.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::Office => "Office",
            Self::AdministrativeApproval => "Administrative Approval Section",
            Self::SocialOrganizations => "Social Organizations Section",
            Self::SocialAffairs => "Social Affairs Section",
            Self::ElderlyCare => "Elderly Care Section",
        }
    }
}

crate::text::text_forms!(
    Section,
    "section",
    Some(|v: Section| (v.english_name(), v.chinese_name())),
    [
        Office => "office",
        AdministrativeApproval => "administrative_approval",
        SocialOrganizations => "social_organizations",
        SocialAffairs => "social_affairs",
        ElderlyCare => "elderly_care",
    ]
);

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.english_name(), self.chinese_name())
    }
}

/// The identifier a store gives a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordId(pub u64);

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{}", self.0)
    }
}

impl std::str::FromStr for RecordId {
    type Err = crate::text::ParseNameError;

    /// Parses `R7` (the `Display` form) or `7`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::text::parse_id(s, 'R', "record id").map(Self)
    }
}

/// A kind of conduct a grading policy knows, e.g. `annual_report_late`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConductKind(pub String);

impl ConductKind {
    /// A conduct kind from its identifier.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The identifier.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ConductKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The status of a record (plan §6(3), §6(7)). Records change status; they are never
/// silently dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    /// In force.
    Active,
    /// 信用修复 granted (plan §6(7)): sanctions ended, the record is kept.
    Repaired,
    /// An objection found the record wrong (plan §6(3)); it never counted.
    Revoked,
    /// An objection changed the record; the corrected content supersedes.
    Corrected,
    /// The retention period ended and the personal content was removed (plan §6(7)).
    Erased,
}

crate::text::text_forms!(
    RecordStatus,
    "record status",
    None,
    [
        Active => "active",
        Repaired => "repaired",
        Revoked => "revoked",
        Corrected => "corrected",
        Erased => "erased",
    ]
);

impl fmt::Display for RecordStatus {
    /// The identifier (`active`, `repaired`, …).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change of a record's status: when, by whom, under which rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The day the change took effect.
    pub on: NaiveDate,
    /// The new status.
    pub status: RecordStatus,
    /// Who made the change (an official, a section, or `system` for sweeps).
    pub by: String,
    /// The rule behind it.
    pub basis: Citation,
}

/// The content of a record that a correction may replace and an erasure
/// removes (the personal content, plan §6(7)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordContent {
    /// What happened, as the originating section wrote it.
    pub description: String,
    /// The legal basis of the finding (laws, regulations, decision numbers).
    pub legal_basis: String,
    /// References to the evidence (file numbers, decision documents).
    pub evidence: Vec<String>,
    /// A fine imposed, in yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine: Option<Decimal>,
}

/// A recorded dishonest act (失信行为记录) about one subject (plan §3(3)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MisconductRecord {
    /// The store's identifier.
    pub id: RecordId,
    /// Who the record is about.
    pub subject: SubjectId,
    /// What kind of conduct it is.
    pub conduct: ConductKind,
    /// How it is graded.
    pub severity: Severity,
    /// The rule that graded it.
    pub graded_by: Citation,
    /// The section that made the record.
    pub section: Section,
    /// The day the conduct happened (or began).
    pub occurred_on: NaiveDate,
    /// 失信行为终止之日: the day the conduct ended, `None` while it continues.
    /// Starts the personal retention clock (plan §6(7)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_on: Option<NaiveDate>,
    /// The day it was recorded; an assessment as of an earlier day ignores it.
    pub recorded_on: NaiveDate,
    /// The administrative penalty decision behind the record, where there is
    /// one: its day starts the publication and repair periods (plan §6(7);
    /// [`RepairPolicy::periods`](crate::repair::RepairPolicy::periods)). A
    /// record without one has no repair window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<PenaltyDecision>,
    /// The content; `None` once erased.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<RecordContent>,
    /// The corrected content, kept beside the original, when an objection
    /// corrected the record (plan §6(3)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected: Option<RecordContent>,
    /// The corrected severity, kept beside the graded [`severity`](Self::severity),
    /// when an objection's correction regraded the record (plan §6(3):
    /// "确认有误的予以撤销或者纠正"). It grades the record from the day of the
    /// correction ([`MisconductRecord::severity_on`]); before that day the
    /// record stood at its graded severity. `None` (the default, and what
    /// records stored before it load as) when no correction regraded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_severity: Option<Severity>,
    /// Every status change, oldest first. Empty while the record is active.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<StatusChange>,
}

impl MisconductRecord {
    /// The current status.
    pub fn status(&self) -> RecordStatus {
        self.history
            .last()
            .map_or(RecordStatus::Active, |c| c.status)
    }

    /// The status in force at the end of `day`; `None` before the record
    /// was made.
    pub fn status_on(&self, day: NaiveDate) -> Option<RecordStatus> {
        if day < self.recorded_on {
            return None;
        }
        Some(
            self.history
                .iter()
                .take_while(|c| c.on <= day)
                .last()
                .map_or(RecordStatus::Active, |c| c.status),
        )
    }

    /// The content in force: the corrected content where there is one.
    pub fn effective_content(&self) -> Option<&RecordContent> {
        self.corrected.as_ref().or(self.content.as_ref())
    }

    /// The severity the record is graded by at the end of `day`: its
    /// [`corrected_severity`](Self::corrected_severity) from the day of the
    /// correction (the first [`RecordStatus::Corrected`] change) on, its
    /// graded [`severity`](Self::severity) before, and always when no
    /// correction regraded it (plan §6(3)).
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use social_credit::misconduct::*;
    /// # use social_credit::Citation;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// # let mut record = MisconductRecord {
    /// #     id: RecordId(1), subject: "91350100M000100Y43".parse::<social_credit::subject::Uscc>().unwrap().into(),
    /// #     conduct: ConductKind::new("suspension_of_activities"), severity: Severity::Severe,
    /// #     graded_by: Citation::new("r", "s"), section: Section::SocialOrganizations,
    /// #     occurred_on: day(2019, 8, 1), ended_on: None, recorded_on: day(2019, 8, 1),
    /// #     decision: None, content: None, corrected: None, corrected_severity: None, history: vec![],
    /// # };
    /// // Corrected to general on an objection on 2019-10-10.
    /// record.corrected_severity = Some(Severity::General);
    /// record.history.push(StatusChange {
    ///     on: day(2019, 10, 10),
    ///     status: RecordStatus::Corrected,
    ///     by: "office".into(),
    ///     basis: Citation::new("objection.correct", "plan §6(3)"),
    /// });
    /// assert_eq!(record.severity_on(day(2019, 10, 9)), Severity::Severe);
    /// assert_eq!(record.severity_on(day(2019, 10, 10)), Severity::General);
    /// assert_eq!(record.effective_severity(), Severity::General);
    /// ```
    #[inline]
    pub fn severity_on(&self, day: NaiveDate) -> Severity {
        match self.corrected_severity {
            None => self.severity,
            Some(corrected) => {
                let regraded = self
                    .history
                    .iter()
                    .any(|c| c.status == RecordStatus::Corrected && c.on <= day);
                if regraded {
                    corrected
                } else {
                    self.severity
                }
            }
        }
    }

    /// The severity the record is graded by now: the corrected severity
    /// once a correction set one, the graded severity otherwise.
    pub fn effective_severity(&self) -> Severity {
        match self.corrected_severity {
            Some(corrected)
                if self
                    .history
                    .iter()
                    .any(|c| c.status == RecordStatus::Corrected) =>
            {
                corrected
            }
            _ => self.severity,
        }
    }
}
