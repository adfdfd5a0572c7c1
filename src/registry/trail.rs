//! The audit trail: appending entries and the pseudonyms they name.

use chrono::NaiveDate;

use crate::audit::{AuditAction, AuditEntry, AuditTarget, PseudonymKey};
use crate::citation::Citation;
use crate::lists::ListEntry;
use crate::misconduct::{MisconductRecord, RecordId, RecordStatus};
use crate::store::{StoreError, Table, Transaction};
use crate::subject::{Subject, SubjectId};

use super::*;

/// The audit name of `subject`: an organization's code; for a person, the
/// pseudonym of the person's own key, made on first use.
pub(super) fn subject_pseudonym(
    tx: &mut dyn Transaction,
    subject: &SubjectId,
) -> Result<String, StoreError> {
    if !subject.is_person() {
        return Ok(subject.display_masked());
    }
    let keys: Vec<(String, PseudonymKey)> = scan(tx, Table::Pseudonyms, Some(subject))?;
    if let Some((_, key)) = keys
        .into_iter()
        .find(|(_, k)| k.list_entry.is_none() && k.records.is_empty())
    {
        return Ok(key.pseudonym);
    }
    new_pseudonym(tx, subject, None, Vec::new())
}

/// The audit name of the list entry at `entry` of `subject`: an
/// organization's code; for a person, the pseudonym of the entry's key, which
/// names `records` (the records grounding it) among the ones it concerns.
pub(super) fn entry_pseudonym(
    tx: &mut dyn Transaction,
    subject: &SubjectId,
    entry: &str,
    records: &[RecordId],
) -> Result<String, StoreError> {
    if !subject.is_person() {
        return Ok(subject.display_masked());
    }
    let keys: Vec<(String, PseudonymKey)> = scan(tx, Table::Pseudonyms, Some(subject))?;
    match keys
        .into_iter()
        .find(|(_, k)| k.list_entry.as_deref() == Some(entry))
    {
        Some((doc_key, mut key)) => {
            let before = key.records.len();
            for r in records {
                if !key.records.contains(r) {
                    key.records.push(*r);
                }
            }
            if key.records.len() != before {
                key.records.sort();
                tx.put(Table::Pseudonyms, &doc_key, to_doc(subject, &key)?)?;
            }
            Ok(key.pseudonym)
        }
        None => {
            let mut records = records.to_vec();
            records.sort();
            records.dedup();
            new_pseudonym(tx, subject, Some(entry.to_owned()), records)
        }
    }
}

/// The audit name of the list entry `entry` at `key`: see
/// [`entry_pseudonym`]; the key names every record behind the entry.
pub(super) fn entry_name(
    tx: &mut dyn Transaction,
    subject: &SubjectId,
    key: &str,
    entry: &ListEntry,
) -> Result<String, StoreError> {
    let records: Vec<RecordId> = entry
        .events
        .iter()
        .flat_map(|e| e.records.iter().copied())
        .collect();
    entry_pseudonym(tx, subject, key, &records)
}

/// A new pseudonym for `subject`, with its key.
pub(super) fn new_pseudonym(
    tx: &mut dyn Transaction,
    subject: &SubjectId,
    list_entry: Option<String>,
    records: Vec<RecordId>,
) -> Result<String, StoreError> {
    let pseudonym = format!("P{}", tx.next_id(Table::Pseudonyms)?);
    let key = PseudonymKey {
        pseudonym: pseudonym.clone(),
        subject: subject.clone(),
        list_entry,
        records,
    };
    tx.put(Table::Pseudonyms, &pseudonym, to_doc(subject, &key)?)?;
    Ok(pseudonym)
}

/// A pseudonym with no key: it stands for nobody. Names a document an
/// erasure removed when no key named it (data of an earlier version).
pub(super) fn unlinked_pseudonym(tx: &mut dyn Transaction) -> Result<String, StoreError> {
    Ok(format!("P{}", tx.next_id(Table::Pseudonyms)?))
}

pub(super) fn audit(
    tx: &mut dyn Transaction,
    on: NaiveDate,
    by: &str,
    action: AuditAction,
    target: AuditTarget,
    basis: Citation,
) -> Result<(), StoreError> {
    append_entry(
        tx,
        &AuditEntry {
            on,
            by: by.to_owned(),
            action,
            target,
            basis,
        },
    )
}

/// Appends an audit entry, made here or by the core (a repair, an erasure).
pub(super) fn append_entry(tx: &mut dyn Transaction, entry: &AuditEntry) -> Result<(), StoreError> {
    tx.append_audit(serde_json::to_string(entry).map_err(StoreError::backend)?)?;
    Ok(())
}

/// Converts a store written by a version before pseudonyms (SQLite schema
/// 2) so that no erased record is tied to a person: run once, in one
/// transaction, by the store's migration ([`SqliteStore`](crate::store)
/// does it when it opens such a database; another [`Store`](crate::store::Store) implementation
/// runs it from its own).
///
/// 1. Every audit entry that names a person by the masked identity number
///    is given a pseudonym instead: the person's own key for a registration
///    or role link, the key of the person's list entry for a listing (its
///    records named, so an erasure deletes it). Where the masked number
///    fits no registered person, or several, the pseudonym has no key and
///    stands for nobody.
/// 2. Every record that an earlier version erased, which kept its subject,
///    conduct, dates and objections, is erased as now (`daily_sweep` does
///    the same for any such record it finds): the record and every document
///    about it go, its tombstone stays, each removal is audited.
///
/// The audit log is append-only, so this function does not change it:
/// it returns the entries to rewrite, as `(sequence number, new entry)`,
/// and the caller rewrites them in the same transaction.
///
/// # Errors
///
/// [`StoreError`] when the backend fails or a document cannot be read.
pub fn upgrade_to_pseudonyms(tx: &mut dyn Transaction) -> Result<Vec<(u64, String)>, StoreError> {
    // Only documents the registry wrote are converted: a store used for
    // other documents keeps them as they are.
    let mut persons: std::collections::BTreeMap<String, Vec<SubjectId>> = Default::default();
    for (_, doc) in tx.scan(Table::Subjects, None)? {
        let Ok(subject) = serde_json::from_str::<Subject>(&doc.body) else {
            continue;
        };
        let id = subject.id();
        if id.is_person() {
            persons.entry(id.display_masked()).or_default().push(id);
        }
    }
    let mut rewrites = Vec::new();
    for (seq, text) in tx.audit_since(0)? {
        let Ok(mut entry) = serde_json::from_str::<AuditEntry>(&text) else {
            continue;
        };
        let masked = match &entry.target {
            AuditTarget::Subject(s) | AuditTarget::ListEntry { subject: s, .. }
                if s.contains('*') =>
            {
                s.clone()
            }
            _ => continue,
        };
        let person = match persons.get(&masked).map(Vec::as_slice) {
            Some([one]) => Some(one.clone()),
            _ => None,
        };
        let name = match (&mut entry.target, person) {
            (AuditTarget::Subject(_), Some(p)) => subject_pseudonym(tx, &p)?,
            (AuditTarget::ListEntry { list, .. }, Some(p)) => {
                let list = list.clone();
                let matching: Vec<(String, ListEntry)> =
                    scan::<ListEntry>(tx, Table::ListEntries, Some(&p))?
                        .into_iter()
                        .filter(|(_, e)| e.list.to_string() == list)
                        .collect();
                let records: Vec<RecordId> = matching
                    .iter()
                    .flat_map(|(_, e)| e.events.iter().flat_map(|ev| ev.records.iter().copied()))
                    .collect();
                match matching.first() {
                    Some((key, _)) => entry_pseudonym(tx, &p, key, &records)?,
                    None => unlinked_pseudonym(tx)?,
                }
            }
            _ => unlinked_pseudonym(tx)?,
        };
        match &mut entry.target {
            AuditTarget::Subject(s) | AuditTarget::ListEntry { subject: s, .. } => *s = name,
            _ => {}
        }
        rewrites.push((
            seq,
            serde_json::to_string(&entry).map_err(StoreError::backend)?,
        ));
    }
    for (key, doc) in tx.scan(Table::Records, None)? {
        let Ok(record) = serde_json::from_str::<MisconductRecord>(&doc.body) else {
            continue;
        };
        if record.status() == RecordStatus::Erased {
            erase_in(tx, &key, &record, "system")?;
        }
    }
    Ok(rewrites)
}
