//! Document encoding: store keys and the JSON documents the registry
//! reads and writes.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::lists::ListEntry;
use crate::store::{Doc, StoreError, Table, Transaction};
use crate::subject::{with_whole_identifiers, SubjectId};
use crate::tipoff::ReportId;

use super::*;

/// The store key of a subject.
pub(super) fn subject_key(id: &SubjectId) -> String {
    // The text form (`org:…`, `person:…`), which parses back.
    id.to_string()
}

pub(super) fn load<T: DeserializeOwned>(
    table: Table,
    key: &str,
    doc: &Doc,
) -> Result<T, StoreError> {
    serde_json::from_str(&doc.body).map_err(|e| StoreError::Corrupt {
        table,
        key: key.to_owned(),
        problem: e.to_string(),
    })
}

/// A document about `subject`, in the storage representation (identity
/// numbers and names whole: the store is where the law lets them be kept).
pub(super) fn to_doc<T: Serialize>(subject: &SubjectId, value: &T) -> Result<Doc, StoreError> {
    Ok(Doc {
        subject: Some(subject_key(subject)),
        body: with_whole_identifiers(|| serde_json::to_string(value))
            .map_err(StoreError::backend)?,
        sealed: None,
    })
}

pub(super) fn get<T: DeserializeOwned>(
    tx: &mut dyn Transaction,
    table: Table,
    key: &str,
) -> Result<Option<T>, StoreError> {
    tx.get(table, key)?
        .map(|doc| load(table, key, &doc))
        .transpose()
}

pub(super) fn scan<T: DeserializeOwned>(
    tx: &mut dyn Transaction,
    table: Table,
    subject: Option<&SubjectId>,
) -> Result<Vec<(String, T)>, StoreError> {
    let key = subject.map(subject_key);
    tx.scan(table, key.as_deref())?
        .into_iter()
        .map(|(k, doc)| {
            let value = load(table, &k, &doc)?;
            Ok((k, value))
        })
        .collect()
}

/// The reporter's identity as stored in the sealed part of a report document.
#[derive(Serialize, Deserialize)]
pub(super) struct SealedReporter {
    pub(super) name: String,
    pub(super) contact: String,
}

/// The public part of a report document.
#[derive(Serialize, Deserialize)]
pub(super) struct ReportBody {
    pub(super) id: ReportId,
    pub(super) subject: SubjectId,
    pub(super) received_on: NaiveDate,
    pub(super) summary: String,
}

/// Writes the entry at `key` of `entries`.
pub(super) fn put_entry(
    tx: &mut dyn Transaction,
    entries: &[(String, ListEntry)],
    key: &str,
) -> Result<(), RegistryError> {
    let (_, entry) = entries
        .iter()
        .find(|(k, _)| k == key)
        .ok_or_else(|| not_found("list entry", key))?;
    tx.put(Table::ListEntries, key, to_doc(&entry.subject, entry)?)?;
    Ok(())
}
