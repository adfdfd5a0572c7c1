//! What an objection's outcome changes in the item it is about: a record
//! revoked or corrected, a list entry, a commitment.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::citation::Citation;
use crate::commitment::{Commitment, CommitmentId};
pub use crate::ids::ObjectionId;
use crate::lists::{ListEntry, ListEntryId, ListingEvent};
use crate::misconduct::{
    MisconductRecord, RecordContent, RecordId, RecordStatus, Severity, StatusChange,
};

use super::*;

impl Objection {
    /// What the decision changes in the item, for the caller to apply:
    /// `Some` once the applicant was notified that the item is revoked or
    /// corrected, dated the day of the notification; `None` while undecided
    /// or when the item is kept.
    pub fn item_change(&self) -> Option<ItemChange> {
        let notified = self.notified.as_ref()?;
        let basis = match &notified.outcome {
            Outcome::Kept { .. } => return None,
            Outcome::Revoked { .. } => REVOKE_BASIS,
            _ => CORRECT_BASIS,
        };
        let (on, by) = (notified.on, notified.by.clone());
        Some(match (self.about, &notified.outcome) {
            (CreditItem::Record(record), outcome) => {
                let (status, corrected, corrected_severity) = match outcome {
                    Outcome::Corrected {
                        corrected,
                        severity,
                        ..
                    } => (RecordStatus::Corrected, Some(corrected.clone()), *severity),
                    _ => (RecordStatus::Revoked, None, None),
                };
                ItemChange::Record(RecordChange {
                    objection: self.id,
                    record,
                    change: StatusChange {
                        on,
                        status,
                        by,
                        basis,
                    },
                    corrected,
                    corrected_severity,
                })
            }
            (CreditItem::ListEntry(entry), outcome) => ItemChange::ListEntry(ListEntryChange {
                objection: self.id,
                entry,
                on,
                by,
                basis,
                corrected_events: match outcome {
                    Outcome::ListingCorrected { events, .. } => Some(events.clone()),
                    _ => None,
                },
            }),
            (CreditItem::Commitment(commitment), outcome) => {
                ItemChange::Commitment(CommitmentChange {
                    objection: self.id,
                    commitment,
                    on,
                    by,
                    basis,
                    corrected_text: match outcome {
                        Outcome::CommitmentCorrected { text, .. } => Some(text.clone()),
                        _ => None,
                    },
                })
            }
        })
    }

    /// The record change of the decision, when the item is a record (see
    /// [`Objection::item_change`]).
    pub fn record_change(&self) -> Option<RecordChange> {
        match self.item_change()? {
            ItemChange::Record(change) => Some(change),
            ItemChange::ListEntry(_) | ItemChange::Commitment(_) => None,
        }
    }
}

/// What an objection's decision changes in the item objected to (plan
/// §6(3): "确认有误的予以撤销或者纠正"), for the caller to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum ItemChange {
    /// A record revoked or corrected.
    Record(RecordChange),
    /// A listing ended or its events corrected.
    ListEntry(ListEntryChange),
    /// A commitment's publication withdrawn or its text corrected.
    Commitment(CommitmentChange),
}

impl ItemChange {
    /// The rule behind the change: `objection.revoke` or `objection.correct`.
    pub fn basis(&self) -> &Citation {
        match self {
            Self::Record(c) => &c.change.basis,
            Self::ListEntry(c) => &c.basis,
            Self::Commitment(c) => &c.basis,
        }
    }
}

/// What an objection's decision changes in a record: the status change to
/// append and, for a correction, the corrected content to keep beside the
/// original (plan §6(3): "确认有误的予以撤销或者纠正").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordChange {
    /// The objection that decided it.
    pub objection: ObjectionId,
    /// The record to change.
    pub record: RecordId,
    /// The status change to append, with its citation.
    pub change: StatusChange,
    /// The corrected content, for a correction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected: Option<RecordContent>,
    /// The corrected severity, for a correction that regrades the record
    /// ([`MisconductRecord::corrected_severity`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_severity: Option<Severity>,
}

impl RecordChange {
    /// Applies the change to `record`: appends the status change and, for a
    /// correction, sets the corrected content (and the corrected severity,
    /// if any) beside the original. Nothing is deleted.
    ///
    /// # Errors
    ///
    /// Leaving the record unchanged:
    /// [`ObjectionError::RecordMismatch`] when `record` is another record;
    /// [`ObjectionError::RecordUnchangeable`] when it is already revoked,
    /// erased, or (for a correction) already corrected, whose corrected
    /// content and severity would be lost (also after a later repair); [`ObjectionError::ChangeBeforeRecordHistory`]
    /// when the change is dated before the record was made or before its
    /// last status change.
    pub fn apply_to(&self, record: &mut MisconductRecord) -> Result<(), ObjectionError> {
        if record.id != self.record {
            return Err(ObjectionError::RecordMismatch {
                expected: self.record,
                found: record.id,
            });
        }
        let status = record.status();
        let unchangeable = match status {
            RecordStatus::Revoked | RecordStatus::Erased => true,
            RecordStatus::Corrected => self.corrected.is_some(),
            // Corrected, then repaired: a second correction would overwrite
            // the first one's content and severity.
            RecordStatus::Active | RecordStatus::Repaired => {
                self.corrected.is_some()
                    && (record.corrected.is_some() || record.corrected_severity.is_some())
            }
        };
        if unchangeable {
            return Err(ObjectionError::RecordUnchangeable {
                record: record.id,
                status,
            });
        }
        let last = record
            .history
            .last()
            .map_or(record.recorded_on, |c| c.on.max(record.recorded_on));
        if self.change.on < last {
            return Err(ObjectionError::ChangeBeforeRecordHistory {
                record: record.id,
                on: self.change.on,
                last,
            });
        }
        if let Some(corrected) = &self.corrected {
            record.corrected = Some(corrected.clone());
            record.corrected_severity = self.corrected_severity;
        }
        record.history.push(self.change.clone());
        Ok(())
    }
}

/// What an objection's decision changes in a list entry: a revocation ends
/// the listing on the day of the decision (a removal decision, 移出); a
/// correction replaces the listing events and keeps the original ones
/// beside them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEntryChange {
    /// The objection that decided it.
    pub objection: ObjectionId,
    /// The entry to change.
    pub entry: ListEntryId,
    /// The day of the decision.
    pub on: NaiveDate,
    /// Who decided.
    pub by: String,
    /// The rule: `objection.revoke` or `objection.correct`.
    pub basis: Citation,
    /// The corrected events, for a correction; `None` for a revocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_events: Option<Vec<ListingEvent>>,
}

impl ListEntryChange {
    /// Applies the change to `entry` (the entry `self.entry` names; the
    /// caller looks it up by that id). Nothing is deleted: a revocation
    /// records a removal on the day of the decision, a correction keeps the
    /// original events in [`ListEntry::corrected_from`].
    ///
    /// # Errors
    ///
    /// Leaving the entry unchanged, [`ObjectionError::ItemUnchangeable`]
    /// when the subject already left the list before the decision, when
    /// the decision is not after the latest listing event (a removal on or
    /// before it would not end the listing), or when the events were
    /// corrected before.
    pub fn apply_to(&self, entry: &mut ListEntry) -> Result<(), ObjectionError> {
        let item = CreditItem::ListEntry(self.entry);
        if let Some(removed) = entry.removed_on.filter(|r| *r <= self.on) {
            return Err(ObjectionError::ItemUnchangeable {
                item,
                problem: format!("the subject left the list on {removed}"),
            });
        }
        match &self.corrected_events {
            None => {
                if let Some(latest) = entry.clock_start(self.on).filter(|l| *l >= self.on) {
                    return Err(ObjectionError::ItemUnchangeable {
                        item,
                        problem: format!(
                            "the latest listing event is on {latest}, not before the decision on {}",
                            self.on
                        ),
                    });
                }
                entry.removed_on = Some(self.on);
            }
            Some(events) => {
                if !entry.corrected_from.is_empty() {
                    return Err(ObjectionError::ItemUnchangeable {
                        item,
                        problem: "its listing events were corrected before".to_owned(),
                    });
                }
                entry.corrected_from = std::mem::replace(&mut entry.events, events.clone());
            }
        }
        Ok(())
    }
}

/// What an objection's decision changes in a commitment: a revocation
/// withdraws its publication from the day of the decision; a correction
/// sets the corrected text beside the text as signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentChange {
    /// The objection that decided it.
    pub objection: ObjectionId,
    /// The commitment to change.
    pub commitment: CommitmentId,
    /// The day of the decision.
    pub on: NaiveDate,
    /// Who decided.
    pub by: String,
    /// The rule: `objection.revoke` or `objection.correct`.
    pub basis: Citation,
    /// The corrected text, for a correction; `None` for a revocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_text: Option<String>,
}

impl CommitmentChange {
    /// Applies the change to `commitment`. Nothing is deleted.
    ///
    /// # Errors
    ///
    /// Leaving the commitment unchanged, [`ObjectionError::ItemUnchangeable`]
    /// when it is another commitment,
    /// when its publication was already withdrawn, or when its text was
    /// corrected before.
    pub fn apply_to(&self, commitment: &mut Commitment) -> Result<(), ObjectionError> {
        let item = CreditItem::Commitment(self.commitment);
        let problem = if commitment.id != self.commitment {
            Some(format!(
                "the change is for another commitment, not `{}`",
                commitment.id
            ))
        } else if let Some(w) = commitment.withdrawn_on {
            Some(format!("its publication was withdrawn on {w}"))
        } else if self.corrected_text.is_some() && commitment.corrected_text.is_some() {
            Some("its text was corrected before".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(ObjectionError::ItemUnchangeable { item, problem });
        }
        match &self.corrected_text {
            None => commitment.withdrawn_on = Some(self.on),
            Some(text) => commitment.corrected_text = Some(text.clone()),
        }
        Ok(())
    }
}

pub(super) fn status_name(status: RecordStatus) -> &'static str {
    match status {
        RecordStatus::Active => "active",
        RecordStatus::Repaired => "repaired",
        RecordStatus::Revoked => "revoked",
        RecordStatus::Corrected => "corrected",
        RecordStatus::Erased => "erased",
    }
}
