//! The audit trail: one entry per change (a record made, repaired or
//! erased, a subject registered, an objection's step, …), saying who changed
//! what, when, how and under which rule.
//!
//! An entry holds no personal data: it names a record by its [`RecordId`],
//! never by its subject, a person only by the masked identity number, and
//! carries none of a record's content. So an entry may outlive the content it is about: after an
//! erasure (plan §6(7)) the entry is what shows that a record existed and was
//! erased on time.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::citation::Citation;
use crate::commitment::CommitmentId;
use crate::misconduct::RecordId;
use crate::objection::ObjectionId;
use crate::report::ReportId;

/// What was done to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuditAction {
    /// Credit repair (信用修复) was granted: the record's sanctions ended.
    Repaired,
    /// The record's personal content was erased at the end of its retention
    /// period.
    Erased,
    /// An objection found the record wrong and it was revoked.
    Revoked,
    /// An objection changed the record.
    Corrected,
    /// A subject was registered.
    Registered,
    /// A person was linked to an organization in a role.
    Linked,
    /// A person's role in an organization ended.
    Unlinked,
    /// A misconduct record was made (graded by the rule cited).
    Recorded,
    /// An objection was received.
    ObjectionReceived,
    /// An objection moved to its next step.
    ObjectionAdvanced,
    /// A commitment was signed.
    CommitmentSigned,
    /// A commitment was published.
    CommitmentPublished,
    /// A pledge to supply materials was fulfilled.
    CommitmentFulfilled,
    /// A tip-off was received.
    ReportReceived,
    /// A subject was put on a list.
    Listed,
    /// A subject left a list.
    Delisted,
    /// A listed organization applied to leave a list (申请移出).
    ExitApplied,
    /// The registration authority verified that a listed organization
    /// fulfilled its obligations (查实).
    ExitVerified,
    /// The calendar or the rules a registry decides by were replaced.
    SettingsReplaced,
}

impl AuditAction {
    /// The past-tense verb used in [`AuditEntry`]'s `Display`.
    pub fn verb(self) -> &'static str {
        match self {
            Self::Repaired => "repaired",
            Self::Erased => "erased",
            Self::Revoked => "revoked",
            Self::Corrected => "corrected",
            Self::Registered => "registered",
            Self::Linked => "linked",
            Self::Unlinked => "unlinked",
            Self::Recorded => "recorded",
            Self::ObjectionReceived => "received",
            Self::ObjectionAdvanced => "advanced",
            Self::CommitmentSigned => "took the signed",
            Self::CommitmentPublished => "published",
            Self::CommitmentFulfilled => "marked fulfilled",
            Self::ReportReceived => "received",
            Self::Listed => "listed",
            Self::Delisted => "delisted",
            Self::ExitApplied => "took the application to leave the list of",
            Self::ExitVerified => "verified the fulfilment of",
            Self::SettingsReplaced => "replaced",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.verb())
    }
}

/// What an audit entry is about. A person appears only masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuditTarget {
    /// A misconduct record.
    Record(RecordId),
    /// A subject, by its publishable identifier (a person's number masked).
    Subject(String),
    /// An objection.
    Objection(ObjectionId),
    /// A commitment.
    Commitment(CommitmentId),
    /// A tip-off (its reporter never appears).
    Report(ReportId),
    /// A list entry, by its list and the subject's publishable identifier.
    ListEntry {
        /// The list.
        list: String,
        /// The subject, masked if a person.
        subject: String,
    },
    /// What a registry decides by: its calendar or rules, described.
    Settings(String),
}

impl fmt::Display for AuditTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Record(id) => write!(f, "{id}"),
            Self::Subject(s) => write!(f, "subject {s}"),
            Self::Objection(id) => write!(f, "objection {id}"),
            Self::Commitment(id) => write!(f, "commitment {id}"),
            Self::Report(id) => write!(f, "report {id}"),
            Self::ListEntry { list, subject } => write!(f, "{subject} on {list}"),
            Self::Settings(what) => f.write_str(what),
        }
    }
}

impl From<RecordId> for AuditTarget {
    fn from(id: RecordId) -> Self {
        Self::Record(id)
    }
}

/// One change: who, when, what, to which target, under which rule.
///
/// `Display` reads as a sentence for a log line, e.g.
/// `2030-03-02: system erased R17 under retention.personal_five_years (plan §6(7))`.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::audit::{AuditAction, AuditEntry};
/// use social_credit::{Citation, RecordId};
///
/// let entry = AuditEntry {
///     on: NaiveDate::from_ymd_opt(2030, 3, 2).unwrap(),
///     by: "system".into(),
///     action: AuditAction::Erased,
///     target: RecordId(17).into(),
///     basis: Citation::new("retention.personal_five_years", "plan §6(7)"),
/// };
/// assert_eq!(
///     entry.to_string(),
///     "2030-03-02: system erased R17 under retention.personal_five_years (plan §6(7))"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The day the change took effect.
    pub on: NaiveDate,
    /// Who made it: an official, a section, or `system` for sweeps.
    pub by: String,
    /// What was done.
    pub action: AuditAction,
    /// What was changed.
    pub target: AuditTarget,
    /// The rule behind it.
    pub basis: Citation,
}

impl fmt::Display for AuditEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {} {} under {}",
            self.on, self.by, self.action, self.target, self.basis
        )
    }
}
