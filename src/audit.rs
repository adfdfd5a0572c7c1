//! The audit trail: one entry per change (a record made, repaired or
//! erased, a subject registered, an objection's step, …), saying who changed
//! what, when, how and under which rule.
//!
//! The log is append-only, yet it can forget (plan §6(7); PIPL arts. 19,
//! 47): no entry holds what an erasure must remove. An entry names a record
//! by its [`RecordId`], an objection by its [`ObjectionId`], never by their
//! subject; it names a person only by a **pseudonym** (`P17`), never by the
//! identity number, whole or masked; and it carries no record description,
//! evidence, objection grounds or opinion. The link from a pseudonym to the
//! person lives in one place, a [`PseudonymKey`] document in the store, and
//! from a record id to the person in the record itself; an erasure deletes
//! both (the key of every entry about the erased record). After that, the
//! entries still show that something was recorded, objected to, listed and
//! erased, on which days, by whom and under which rule, but not about whom
//! (DESIGN.md, "What can an auditor reconstruct after an erasure?").
//!
//! Organizations are not persons: they appear by their code.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::citation::Citation;
use crate::ids::{CommitmentId, ObjectionId, ReportId};
use crate::misconduct::RecordId;

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
    /// A tip-off's reporter was read by the designated custodian (plan
    /// §5(5)1).
    ReporterUnsealed,
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
            Self::ReporterUnsealed => "read the reporter of",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.verb())
    }
}

/// What an audit entry is about. A person appears only by a pseudonym whose
/// [`PseudonymKey`] an erasure deletes; an organization by its code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuditTarget {
    /// A misconduct record.
    Record(RecordId),
    /// A subject: an organization by its code, a person by a pseudonym.
    Subject(String),
    /// An objection.
    Objection(ObjectionId),
    /// A commitment.
    Commitment(CommitmentId),
    /// A tip-off (its reporter never appears).
    Report(ReportId),
    /// A list entry, by its list and its subject: an organization's code, or
    /// for a person the pseudonym of that list entry (whose key an erasure of
    /// a record grounding the entry deletes).
    ListEntry {
        /// The list.
        list: String,
        /// The organization's code, or the pseudonym of a person's entry.
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

/// The document that links a pseudonym used in the audit log to a person
/// (kept in [`Table::Pseudonyms`](crate::store::Table::Pseudonyms) under
/// the pseudonym). A person has one key for the entries about the person as
/// such (registration, role links), and one per list entry for the entries
/// about that listing; the key names the records the entries concern, and an
/// erasure of any of them deletes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PseudonymKey {
    /// The pseudonym, as it appears in audit entries (`P17`).
    pub pseudonym: String,
    /// The person it stands for (masked in the default serialization).
    pub subject: crate::subject::SubjectId,
    /// The store key of the list entry it names, for a listing's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_entry: Option<String>,
    /// The records the entries under this pseudonym concern.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<RecordId>,
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
    /// Who made it (issue 18): `system` for the sweep, a section acting as
    /// a unit by its capacity (`section:office`), an official by the
    /// registry's pseudonym of the account and the capacity
    /// (`A3 as section:office`), never by the account id or a name.
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
