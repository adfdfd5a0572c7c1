//! The audit trail: one entry per change made to a record (a repair, an
//! erasure, …), saying who changed which record, when, how and under which
//! rule.
//!
//! An entry holds no personal data: it names the record by its
//! [`RecordId`], never by its subject, and carries none of the record's
//! content. So an entry may outlive the content it is about: after an
//! erasure (plan §6(7)) the entry is what shows that a record existed and was
//! erased on time.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::citation::Citation;
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
}

impl AuditAction {
    /// The past-tense verb used in [`AuditEntry`]'s `Display`.
    pub fn verb(self) -> &'static str {
        match self {
            Self::Repaired => "repaired",
            Self::Erased => "erased",
            Self::Revoked => "revoked",
            Self::Corrected => "corrected",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.verb())
    }
}

/// One change to a record: who, when, what, which record, under which rule.
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
///     record: RecordId(17),
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
    /// Which record.
    pub record: RecordId,
    /// The rule behind it.
    pub basis: Citation,
}

impl fmt::Display for AuditEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {} {} under {}",
            self.on, self.by, self.action, self.record, self.basis
        )
    }
}
