//! Paged queries: subjects, a subject's records, list entries, objections
//! (by subject, stage or due day) and the audit log, each a page at a time
//! in a stable order, served by the store's key and subject indexes
//! ([`Transaction::scan_page`], [`Transaction::audit_page`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::audit::AuditEntry;
use crate::calendar::WorkCalendar;
use crate::lists::{ListEntry, ListEntryId};
use crate::misconduct::MisconductRecord;
use crate::objection::{Objection, Stage};
use crate::permission::{Operation, Target};
use crate::store::masked_key;
use crate::store::{Store, StoreError, Table, Transaction};
use crate::subject::{whole_identifiers, Subject, SubjectId};

use super::encoding::{load, subject_key};
use super::{Registry, RegistryError};

/// The most items one page holds.
pub const MAX_PAGE: usize = 1_000;

/// One page of a query: the items, in the query's order, and the cursor of
/// the next page (`None` after the last page).
///
/// A cursor is the position after the last item examined; passing it as
/// `after` continues from there. Pages are stable: an item added after the
/// cursor shows on a later page, one added before it does not, and none
/// shows twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Where the next page starts, if there is one.
    pub next: Option<Cursor>,
}

/// Where the next page of a query starts: the store key of the last item
/// examined, to pass back as `after` (it dereferences to that text).
///
/// The cursor of the subject listing names the last subject, and for a
/// person that is a citizen identity number: like a [`ResidentId`] its
/// `Debug` and default serialization mask the number, and serde writes it
/// whole only inside [`with_whole_identifiers`]; `Display`, [`Cursor::as_str`]
/// and the dereference give it whole, for the service to keep as it keeps
/// the identifier itself (the HTTP example hands out opaque tokens instead).
/// A masked cursor does not deserialize.
///
/// [`ResidentId`]: crate::subject::ResidentId
/// [`with_whole_identifiers`]: crate::subject::with_whole_identifiers
///
/// ```
/// use social_credit::registry::Cursor;
///
/// let cursor = Cursor::from("person:410184198006150025".to_owned());
/// assert_eq!(format!("{cursor:?}"), "Cursor(person:410184********0025)");
/// assert_eq!(serde_json::to_string(&cursor)?, r#""person:410184********0025""#);
/// assert_eq!(cursor.as_str(), "person:410184198006150025");
/// let whole = social_credit::subject::with_whole_identifiers(|| serde_json::to_string(&cursor))?;
/// assert_eq!(serde_json::from_str::<Cursor>(&whole)?, cursor);
/// assert!(serde_json::from_str::<Cursor>(r#""person:410184********0025""#).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cursor(String);

impl Cursor {
    /// The cursor, whole.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The cursor, whole.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl From<String> for Cursor {
    fn from(key: String) -> Self {
        Self(key)
    }
}

impl std::ops::Deref for Cursor {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Cursor {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cursor({})", masked_key(&self.0))
    }
}

impl Serialize for Cursor {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if whole_identifiers() {
            serializer.serialize_str(&self.0)
        } else {
            serializer.serialize_str(&masked_key(&self.0))
        }
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.contains('*') {
            return Err(serde::de::Error::custom(
                "a masked cursor cannot continue a query: serialize it inside with_whole_identifiers",
            ));
        }
        Ok(Self(text))
    }
}

/// Which objections [`Registry::objections`] lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObjectionQuery {
    /// Only those about this subject (kept under the subject of their item).
    pub subject: Option<SubjectId>,
    /// Only those at this stage.
    pub stage: Option<Stage>,
    /// Only those with an open step due on or before this day, as of that
    /// day (overdue ones included): the objection desk's worklist.
    pub due_by: Option<NaiveDate>,
}

impl ObjectionQuery {
    /// Every objection.
    pub fn all() -> Self {
        Self::default()
    }

    /// Only those about `subject`.
    pub fn about(mut self, subject: SubjectId) -> Self {
        self.subject = Some(subject);
        self
    }

    /// Only those at `stage`.
    pub fn at(mut self, stage: Stage) -> Self {
        self.stage = Some(stage);
        self
    }

    /// Only those with a step due on or before `day`.
    pub fn due_by(mut self, day: NaiveDate) -> Self {
        self.due_by = Some(day);
        self
    }
}

fn check_limit(limit: usize) -> Result<(), RegistryError> {
    if limit == 0 || limit > MAX_PAGE {
        return Err(RegistryError::PageLimit {
            limit,
            max: MAX_PAGE,
        });
    }
    Ok(())
}

/// One page of `table` (of `subject` when given) decoded, with the cursor.
fn page_of<T: serde::de::DeserializeOwned>(
    tx: &mut dyn Transaction,
    table: Table,
    subject: Option<&str>,
    after: Option<&str>,
    limit: usize,
) -> Result<Page<(String, T)>, StoreError> {
    // One more than asked: whether a next page exists, without a second read.
    let mut docs = tx.scan_page(table, subject, after, limit.saturating_add(1))?;
    let more = docs.len() > limit;
    docs.truncate(limit);
    let next = if more {
        docs.last().map(|(k, _)| Cursor(k.clone()))
    } else {
        None
    };
    let items = docs
        .into_iter()
        .map(|(key, doc)| Ok((key.clone(), load(table, &key, &doc)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Page { items, next })
}

fn numeric(table: Table, key: &str) -> Result<u64, StoreError> {
    key.parse().map_err(|_| StoreError::Corrupt {
        table,
        key: key.to_owned(),
        problem: "the key is not a number".to_owned(),
    })
}

impl<S: Store, C: WorkCalendar> Registry<S, C> {
    /// The registered subjects, `limit` at a time, in the order of their
    /// text form ([`SubjectId`]'s `Display`: organizations, then persons).
    /// `actor` needs [`Operation::ListSubjects`] (the offices that keep
    /// credit files, plan §6(1)).
    ///
    /// # Errors
    ///
    /// [`RegistryError::Forbidden`] when the permission table does not
    /// grant `actor` the query, [`RegistryError::PageLimit`] for a `limit`
    /// of 0 or over [`MAX_PAGE`], or a store failure.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use social_credit::misconduct::Section;
    /// use social_credit::registry::Registry;
    /// use social_credit::{Actor, Organization, OrganizationKind, Subject};
    ///
    /// let registry = Registry::official(social_credit::store::MemoryStore::new());
    /// let day = NaiveDate::from_ymd_opt(2019, 3, 1).unwrap();
    /// let clerk = Actor::section(Section::SocialOrganizations);
    /// for code in ["91350100M000100Y43", "91110000802100433B"] {
    ///     let org = Organization { uscc: code.parse()?, name: "协会".into(), kind: OrganizationKind::SocialAssociation, established_on: None };
    ///     registry.register_subject(Subject::Organization(org), &clerk, day)?;
    /// }
    /// let first = registry.subjects(None, 1, &clerk)?;
    /// assert_eq!(first.items.len(), 1);
    /// let second = registry.subjects(first.next.as_deref(), 1, &clerk)?;
    /// assert_eq!(second.items.len(), 1);
    /// assert_eq!(second.next, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn subjects(
        &self,
        after: Option<&str>,
        limit: usize,
        actor: &Actor,
    ) -> Result<Page<Subject>, RegistryError> {
        self.authorize(actor, Operation::ListSubjects, Target::none())?;
        check_limit(limit)?;
        self.read_tx("subjects", None, |tx| {
            let page = page_of::<Subject>(tx, Table::Subjects, None, after, limit)?;
            Ok(Page {
                items: page.items.into_iter().map(|(_, s)| s).collect(),
                next: page.next,
            })
        })
    }

    /// The records of `subject`, `limit` at a time, oldest first (by id).
    /// `actor` needs [`Operation::ListSubjects`].
    ///
    /// # Errors
    ///
    /// [`RegistryError::Forbidden`], [`RegistryError::NotFound`] for an
    /// unregistered subject,
    /// [`RegistryError::PageLimit`], or a store failure.
    pub fn records_of(
        &self,
        subject: &SubjectId,
        after: Option<&str>,
        limit: usize,
        actor: &Actor,
    ) -> Result<Page<MisconductRecord>, RegistryError> {
        self.authorize(actor, Operation::ListSubjects, Target::none())?;
        check_limit(limit)?;
        let key = subject_key(subject);
        self.read_tx("records_of", None, |tx| {
            Self::require_subject(tx, subject)?;
            let page = page_of::<MisconductRecord>(tx, Table::Records, Some(&key), after, limit)?;
            Ok(Page {
                items: page.items.into_iter().map(|(_, r)| r).collect(),
                next: page.next,
            })
        })
    }

    /// List entries, `limit` at a time, by id: every subject's, or
    /// `subject`'s only. `actor` needs [`Operation::ListSubjects`].
    ///
    /// # Errors
    ///
    /// [`RegistryError::Forbidden`], [`RegistryError::NotFound`] for an
    /// unregistered subject,
    /// [`RegistryError::PageLimit`], or a store failure.
    pub fn list_entry_page(
        &self,
        subject: Option<&SubjectId>,
        after: Option<&str>,
        limit: usize,
        actor: &Actor,
    ) -> Result<Page<(ListEntryId, ListEntry)>, RegistryError> {
        self.authorize(actor, Operation::ListSubjects, Target::none())?;
        check_limit(limit)?;
        let key = subject.map(subject_key);
        self.read_tx("list_entry_page", None, |tx| {
            if let Some(s) = subject {
                Self::require_subject(tx, s)?;
            }
            let page = page_of::<ListEntry>(tx, Table::ListEntries, key.as_deref(), after, limit)?;
            let items = page
                .items
                .into_iter()
                .map(|(k, e)| Ok((ListEntryId(numeric(Table::ListEntries, &k)?), e)))
                .collect::<Result<Vec<_>, StoreError>>()?;
            Ok(Page {
                items,
                next: page.next,
            })
        })
    }

    /// Objections, `limit` at a time, by id, as `query` selects them: by
    /// subject (through the subject index), stage, or a step due by a day.
    /// Stage and due day are read from each objection of the subject, or of
    /// the registry when no subject is given, in pages of the store.
    /// `actor` needs [`Operation::ObjectionDesk`] (the Office follows the
    /// objections, plan §8(3)).
    ///
    /// # Errors
    ///
    /// [`RegistryError::Forbidden`], [`RegistryError::NotFound`] for an
    /// unregistered subject,
    /// [`RegistryError::PageLimit`], [`RegistryError::Objection`] when a
    /// deadline leaves the calendar, or a store failure.
    pub fn objections(
        &self,
        query: &ObjectionQuery,
        after: Option<&str>,
        limit: usize,
        actor: &Actor,
    ) -> Result<Page<Objection>, RegistryError> {
        self.authorize(actor, Operation::ObjectionDesk, Target::none())?;
        check_limit(limit)?;
        let setup = self.setup();
        let calendar = &*setup.calendar;
        let key = query.subject.as_ref().map(subject_key);
        self.read_tx("objections", None, |tx| {
            if let Some(s) = &query.subject {
                Self::require_subject(tx, s)?;
            }
            let mut items = Vec::new();
            let mut cursor = after.map(str::to_owned);
            loop {
                let page = page_of::<Objection>(
                    tx,
                    Table::Objections,
                    key.as_deref(),
                    cursor.as_deref(),
                    MAX_PAGE,
                )?;
                let last_page = page.next.is_none();
                for (k, o) in page.items {
                    cursor = Some(k);
                    let stage_ok = query.stage.is_none_or(|s| o.stage() == s);
                    let due_ok = match query.due_by {
                        None => true,
                        // Nothing of an objection received later is due yet.
                        Some(day) if day < o.received_on() => false,
                        Some(day) => o
                            .status_on(calendar, day)?
                            .most_urgent()
                            .is_some_and(|d| d.due <= day),
                    };
                    if stage_ok && due_ok {
                        items.push(o);
                        if items.len() == limit {
                            // Is there anything after this one?
                            let more = !tx
                                .scan_page(Table::Objections, key.as_deref(), cursor.as_deref(), 1)?
                                .is_empty();
                            return Ok(Page {
                                items,
                                next: if more { cursor.map(Cursor) } else { None },
                            });
                        }
                    }
                }
                if last_page {
                    return Ok(Page { items, next: None });
                }
            }
        })
    }

    /// The audit log, `limit` entries at a time, oldest first: the entries
    /// with sequence numbers after `after` (0 for the first page). The
    /// cursor of the next page is the last sequence number, as text.
    /// `actor` needs [`Operation::ReadAuditLog`] (plan §8(3)).
    ///
    /// # Errors
    ///
    /// [`RegistryError::Forbidden`], [`RegistryError::PageLimit`], or a
    /// store failure.
    pub fn audit_page(
        &self,
        after: u64,
        limit: usize,
        actor: &Actor,
    ) -> Result<Page<(u64, AuditEntry)>, RegistryError> {
        self.authorize(actor, Operation::ReadAuditLog, Target::none())?;
        check_limit(limit)?;
        self.read_tx("audit_page", None, |tx| {
            let mut entries = tx.audit_page(after, limit.saturating_add(1))?;
            let more = entries.len() > limit;
            entries.truncate(limit);
            let next = if more {
                entries.last().map(|(seq, _)| Cursor(seq.to_string()))
            } else {
                None
            };
            let items = entries
                .into_iter()
                .map(|(seq, text)| {
                    let entry: AuditEntry =
                        serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
                            table: Table::Subjects,
                            key: format!("audit {seq}"),
                            problem: e.to_string(),
                        })?;
                    Ok((seq, entry))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            Ok(Page { items, next })
        })
    }
}
