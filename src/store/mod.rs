//! Storage behind a small, storage-agnostic trait.
//!
//! The deciding core never touches storage. The facade (`registry`)
//! keeps subjects, role links, records, list entries, objections,
//! commitments, tip-offs and the audit log through the [`Store`] trait, so a
//! service can keep its data in its own database by implementing two traits:
//! [`Store`] (run a transaction) and [`Transaction`] (read and write
//! documents inside it).
//!
//! A document is deleted only by an erasure (plan §6(7)); everything else
//! changes status and is kept.
//!
//! The crate ships [`MemoryStore`], the embedded default, and, with the
//! `sqlite` feature, [`SqliteStore`], and with the `postgres` feature,
//! `PostgresStore`. With the `test-kit` feature,
//! [`kit`] holds the conformance checks any implementation runs against
//! itself, and a fault-injecting wrapper.
//!
//! # The model
//!
//! A store holds [`Doc`]s in [`Table`]s under string keys (put, read, scan and
//! delete), each doc carrying
//! its subject's identifier (for finding a subject's documents), its public
//! body as JSON text, and an optional sealed part (a tip-off's reporter
//! identity) that is kept apart from the body. Stores keep the text as they
//! receive it; the facade writes and reads it. Beside the tables: one counter per
//! table for new identifiers, and the append-only audit log.
//!
//! # Transactions
//!
//! Every facade operation runs in exactly one [`Store::transaction`]: all of
//! its reads and writes, or none of its writes, take effect. An `Err` from
//! the work rolls everything back, counters and audit entries included. A
//! store may run the work again after a conflict with a concurrent
//! transaction (the PostgreSQL store does, at SERIALIZABLE isolation), so
//! the work is `FnMut` and starts afresh each time.

mod memory;
#[cfg(feature = "postgres")]
mod postgres;
mod redact;
#[cfg(feature = "sqlite")]
mod sqlite;

#[cfg(feature = "test-kit")]
pub mod kit;

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::{NulInText, PostgresStore};
pub use redact::{masked_key, masked_problem};
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteOptions, SqliteStore, DEFAULT_BUSY_TIMEOUT};

/// The kinds of document a store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    /// Subjects (信用主体), keyed by their identifier.
    Subjects,
    /// Dated role links between organizations and persons.
    RoleLinks,
    /// Misconduct records (失信行为记录).
    Records,
    /// Red-list and blacklist entries.
    ListEntries,
    /// Objections (异议).
    Objections,
    /// Commitments (信用承诺).
    Commitments,
    /// Tip-offs (举报).
    Reports,
    /// Pseudonymous keys: each links a pseudonym used in the audit log to a
    /// person (and to the records it concerns). Erasing a record deletes
    /// every key that concerns it, so the log's entries about the record no
    /// longer lead to anyone (plan §6(7); DESIGN.md, "What does an erasure
    /// remove?").
    Pseudonyms,
    /// Tombstones of erased records: the record's id, the erasure day and
    /// the rule, nothing about the person.
    Erasures,
    /// Completed daily sweeps, keyed by day (ISO 8601, so key order is day
    /// order): the next sweep handles every event due since the last one.
    Sweeps,
}

impl Table {
    /// Every table.
    pub const ALL: [Self; 10] = [
        Self::Subjects,
        Self::RoleLinks,
        Self::Records,
        Self::ListEntries,
        Self::Objections,
        Self::Commitments,
        Self::Reports,
        Self::Pseudonyms,
        Self::Erasures,
        Self::Sweeps,
    ];

    /// The table's name in storage.
    pub fn name(self) -> &'static str {
        match self {
            Self::Subjects => "subjects",
            Self::RoleLinks => "role_links",
            Self::Records => "records",
            Self::ListEntries => "list_entries",
            Self::Objections => "objections",
            Self::Commitments => "commitments",
            Self::Reports => "reports",
            Self::Pseudonyms => "pseudonyms",
            Self::Erasures => "erasures",
            Self::Sweeps => "sweeps",
        }
    }

    /// The table of a storage name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One stored document.
///
/// `Debug` and the default serialization show neither the body nor the
/// sealed part, and mask a person's subject key ([`masked_key`]): the body
/// is the storage representation, with identity numbers and names whole.
/// Inside [`crate::subject::with_whole_identifiers`] it serializes whole and
/// reads back, for a backup; the redacted form does not read back.
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct Doc {
    /// The identifier of the subject the document is about, for
    /// [`Transaction::scan`]; `None` for documents about no single subject.
    pub subject: Option<String>,
    /// The document's public content, as JSON text.
    pub body: String,
    /// Content kept apart from the body and never published (a tip-off's
    /// reporter identity). Stores keep it as they keep the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<String>,
}

/// A document that falls due, from [`Transaction::due`].
///
/// `Debug` masks the key and the subject ([`masked_key`]).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// The document's key.
    pub key: String,
    /// The document's subject, as in [`Doc::subject`].
    pub subject: Option<String>,
    /// The day it falls due.
    pub on: NaiveDate,
}

/// A store could not do what was asked.
///
/// `Display` and `Debug` print a [`StoreError::Corrupt`] key and problem
/// masked ([`masked_key`], [`masked_problem`]); the fields keep them whole
/// for the program.
#[derive(Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The storage backend failed (I/O, a database error, an injected fault).
    #[error("storage failed: {source}")]
    Backend {
        /// The backend's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A stored document cannot be read back.
    #[error(
        "stored {table} document `{}` cannot be read: {}",
        masked_key(.key),
        masked_problem(.problem)
    )]
    Corrupt {
        /// The table.
        table: Table,
        /// The key.
        key: String,
        /// What is wrong.
        problem: String,
    },
    /// Other connections held the database's lock for the whole busy
    /// timeout (a setting of the SQLite store); nothing was written.
    #[error("the database stayed locked by another connection for {timeout:?}")]
    Busy {
        /// How long the store waited.
        timeout: std::time::Duration,
    },
    /// The transaction kept conflicting with concurrent ones: it was rolled
    /// back and run again `attempts` times, and nothing of it took effect.
    /// Retrying later may succeed.
    #[error("the transaction conflicted with concurrent ones {attempts} times and was given up; nothing was written")]
    Conflict {
        /// How many times the transaction was run.
        attempts: u32,
    },
    /// The transaction's work returned an error (a stand-in that
    /// [`Store::transaction`] replaces with the work's own error): the
    /// store rolled the transaction back.
    #[error("the transaction's work failed; nothing was written")]
    WorkFailed,
    /// The database was written by a newer version of this crate.
    #[error("the database schema is version {found}, newer than this crate's {supported}")]
    SchemaTooNew {
        /// The version found.
        found: i64,
        /// The newest version this crate knows.
        supported: i64,
    },
}

impl fmt::Debug for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Backend { source } => f.debug_struct("Backend").field("source", source).finish(),
            Self::Corrupt {
                table,
                key,
                problem,
            } => f
                .debug_struct("Corrupt")
                .field("table", table)
                .field("key", &masked_key(key))
                .field("problem", &masked_problem(problem))
                .finish(),
            Self::Busy { timeout } => f.debug_struct("Busy").field("timeout", timeout).finish(),
            Self::Conflict { attempts } => f
                .debug_struct("Conflict")
                .field("attempts", attempts)
                .finish(),
            Self::WorkFailed => f.write_str("WorkFailed"),
            Self::SchemaTooNew { found, supported } => f
                .debug_struct("SchemaTooNew")
                .field("found", found)
                .field("supported", supported)
                .finish(),
        }
    }
}

impl StoreError {
    /// A backend error from any error value.
    pub fn backend(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Backend {
            source: source.into(),
        }
    }
}

/// A store: runs transactions. Implement this (with [`Transaction`]) to keep
/// the crate's data in your own database.
///
/// Implementations must be `Send + Sync`: a service calls the facade from
/// many threads. Transactions must be serializable with respect to each
/// other: either run one at a time, or run them at a serializable isolation
/// level and run the work again when the database finds a conflict (that is
/// why the work is `FnMut`).
///
/// The trait is object-safe: a service can hold a `Box<dyn Store>` or an
/// `Arc<dyn Store>`, and every smart pointer to a store (`Box`, `Arc`, `&`)
/// is a store too, so two registries can share one store through an `Arc`.
pub trait Store: Send + Sync {
    /// Runs `work` in one transaction, perhaps several times: when a
    /// conflict with a concurrent transaction rolls an attempt back, the
    /// store runs `work` again from the start in a new transaction (a
    /// bounded number of times, then [`StoreError::Conflict`]). When `work`
    /// returns `Ok`, every write of that attempt takes effect together; when
    /// it returns `Err` (or the commit fails), none does: tables, counters
    /// and the audit log are as before.
    ///
    /// Call [`Store::transaction`] rather than this: it carries the work's
    /// own result and error type.
    ///
    /// # Errors
    ///
    /// The error of `work`, or a [`StoreError`] when the transaction cannot
    /// start or commit.
    fn transact(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    /// Runs `work` in one transaction (see [`Store::transact`]; `work` may
    /// run more than once, so it must not keep state from one run to the
    /// next) and returns its result. When `work` returns `Err`, nothing it
    /// wrote takes effect and its error is returned.
    ///
    /// # Errors
    ///
    /// The error of `work`, or a [`StoreError`] (converted into `E`) when the
    /// transaction cannot start or commit or keeps conflicting.
    fn transaction<R, E>(
        &self,
        mut work: impl FnMut(&mut dyn Transaction) -> Result<R, E>,
    ) -> Result<R, E>
    where
        E: From<StoreError>,
        Self: Sized,
    {
        transaction_in(self, &mut work)
    }

    /// Runs `work`, which only reads, in one transaction that sees one
    /// consistent state (see [`Store::transact`]). The facade runs its
    /// read-only operations (assessments, views, queries) here, so a store
    /// that can run reads side by side lets them: the memory store runs them
    /// concurrently with each other, the SQLite store in a deferred
    /// transaction that does not take SQLite's write lock.
    ///
    /// The default runs [`Store::transact`]. A store may refuse a write
    /// inside `work` (the memory store fails the transaction).
    ///
    /// Call [`Store::read`] rather than this.
    ///
    /// # Errors
    ///
    /// As [`Store::transact`].
    fn transact_read(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.transact(work)
    }

    /// Runs `work`, which only reads, in one read-only transaction (see
    /// [`Store::transact_read`]) and returns its result.
    ///
    /// # Errors
    ///
    /// As [`Store::transaction`].
    fn read<R, E>(&self, mut work: impl FnMut(&mut dyn Transaction) -> Result<R, E>) -> Result<R, E>
    where
        E: From<StoreError>,
        Self: Sized,
    {
        run_in(self, true, &mut work)
    }

    /// How many short transactions about different subjects a caller may
    /// run at once, on threads of its own, to hide the store's round trips:
    /// a hint, at least 1. The daily sweep
    /// ([`Registry::daily_sweep`](crate::registry::Registry::daily_sweep))
    /// handles that many due subjects at a time, each in its own
    /// transaction, and its report does not depend on it.
    ///
    /// The default is 1: one after the other, as a store whose writers run
    /// one at a time (the memory and SQLite stores) gains nothing from more,
    /// and a sequential sweep writes its audit entries in a fixed order. The
    /// PostgreSQL store answers from its pool (at most 4), since there a
    /// due subject costs a few round trips of latency, not work. A wrapper
    /// store passes on its inner store's answer where it wants the same
    /// concurrency (the smart pointers `Box`, `Arc` and `&` do).
    fn sweep_concurrency(&self) -> usize {
        1
    }
}

/// [`Store::transaction`] for any store, sized or not.
///
/// # Errors
///
/// As [`Store::transaction`].
pub fn transaction_in<S, R, E>(
    store: &S,
    work: &mut dyn FnMut(&mut dyn Transaction) -> Result<R, E>,
) -> Result<R, E>
where
    S: Store + ?Sized,
    E: From<StoreError>,
{
    run_in(store, false, work)
}

/// [`Store::read`] for any store, sized or not.
///
/// # Errors
///
/// As [`Store::transaction`].
pub fn read_in<S, R, E>(
    store: &S,
    work: &mut dyn FnMut(&mut dyn Transaction) -> Result<R, E>,
) -> Result<R, E>
where
    S: Store + ?Sized,
    E: From<StoreError>,
{
    run_in(store, true, work)
}

fn run_in<S, R, E>(
    store: &S,
    read: bool,
    work: &mut dyn FnMut(&mut dyn Transaction) -> Result<R, E>,
) -> Result<R, E>
where
    S: Store + ?Sized,
    E: From<StoreError>,
{
    // The outcome of the last attempt: its result, or the work's own error
    // (the store only sees a stand-in, which rolls the attempt back).
    let mut outcome: Option<Result<R, E>> = None;
    let mut attempt = |tx: &mut dyn Transaction| {
        outcome = None;
        match work(tx) {
            Ok(r) => {
                outcome = Some(Ok(r));
                Ok(())
            }
            Err(e) => {
                outcome = Some(Err(e));
                Err(StoreError::WorkFailed)
            }
        }
    };
    let ran = if read {
        store.transact_read(&mut attempt)
    } else {
        store.transact(&mut attempt)
    };
    match (ran, outcome) {
        (Ok(()), Some(Ok(r))) => Ok(r),
        // The work failed and the store gave up on it: the work's error.
        (Err(StoreError::WorkFailed), Some(Err(e))) => Err(e),
        (Err(StoreError::WorkFailed), _) | (Ok(()), _) => Err(E::from(StoreError::backend(
            "the store did not report the outcome of the transaction's work",
        ))),
        // The store failed on its own (a commit, or conflicts to the bound).
        (Err(e), _) => Err(E::from(e)),
    }
}

impl<S: Store + ?Sized> Store for &S {
    fn transact(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        (**self).transact(work)
    }

    fn transact_read(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        (**self).transact_read(work)
    }

    fn sweep_concurrency(&self) -> usize {
        (**self).sweep_concurrency()
    }
}

impl<S: Store + ?Sized> Store for Box<S> {
    fn transact(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        (**self).transact(work)
    }

    fn transact_read(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        (**self).transact_read(work)
    }

    fn sweep_concurrency(&self) -> usize {
        (**self).sweep_concurrency()
    }
}

impl<S: Store + ?Sized> Store for std::sync::Arc<S> {
    fn transact(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        (**self).transact(work)
    }

    fn transact_read(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        (**self).transact_read(work)
    }

    fn sweep_concurrency(&self) -> usize {
        (**self).sweep_concurrency()
    }
}

/// Reads and writes inside one transaction. Reads see the transaction's own
/// earlier writes.
pub trait Transaction {
    /// The document at `key`, if any.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn get(&mut self, table: Table, key: &str) -> Result<Option<Doc>, StoreError>;

    /// Inserts or replaces the document at `key`.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn put(&mut self, table: Table, key: &str, doc: Doc) -> Result<(), StoreError>;

    /// Deletes the document at `key`, returning whether there was one. The
    /// document is gone for good once the transaction commits: nothing of it
    /// may remain readable (an erasure, plan §6(7), relies on this).
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn delete(&mut self, table: Table, key: &str) -> Result<bool, StoreError>;

    /// The documents of `table`, in key order; only those whose
    /// [`Doc::subject`] is `subject` when it is given.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn scan(
        &mut self,
        table: Table,
        subject: Option<&str>,
    ) -> Result<Vec<(String, Doc)>, StoreError>;

    /// The documents about `subject` in each of `tables`, as
    /// [`scan`](Self::scan) of each table in turn gives them (table by table
    /// in the order given, each in key order). A store may read them in one
    /// round trip (the PostgreSQL store does).
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn scan_subject(
        &mut self,
        subject: &str,
        tables: &[Table],
    ) -> Result<Vec<(Table, String, Doc)>, StoreError> {
        let mut all = Vec::new();
        for &table in tables {
            all.extend(
                self.scan(table, Some(subject))?
                    .into_iter()
                    .map(|(key, doc)| (table, key, doc)),
            );
        }
        Ok(all)
    }

    /// One page of [`Transaction::scan`]: at most `limit` documents of
    /// `table` whose keys come after `after` (from the first when `None`),
    /// in key order; only those whose [`Doc::subject`] is `subject` when it
    /// is given. A caller pages by passing the last key of one page as
    /// `after` of the next.
    ///
    /// The default filters a whole [`Transaction::scan`]; a store overrides
    /// it to read only the page from its key and subject indexes (both the
    /// memory and the SQLite store do).
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn scan_page(
        &mut self,
        table: Table,
        subject: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, Doc)>, StoreError> {
        let mut docs = self.scan(table, subject)?;
        docs.retain(|(key, _)| after.is_none_or(|a| key.as_str() > a));
        docs.truncate(limit);
        Ok(docs)
    }

    /// The generation of `subject`'s documents: a number that changes
    /// whenever a committed transaction writes or deletes a document whose
    /// [`Doc::subject`] is (or was) `subject`, and stays the same otherwise.
    /// The facade keeps decoded documents per subject and reuses them while
    /// the generations it read them at are unchanged, so it does not reparse
    /// a subject's history on every read.
    ///
    /// `None` (the default) when the store does not track generations, or
    /// when this transaction has written: nothing is reused then, which is
    /// always correct.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn generation(&mut self, subject: &str) -> Result<Option<u64>, StoreError> {
        let _ = subject;
        Ok(None)
    }

    /// The generation ([`Transaction::generation`]) that every subject this
    /// transaction writes a document of will have once it commits, where
    /// the store can tell before the commit; `None` (the default) where it
    /// cannot. The facade uses it to keep what it wrote for the next
    /// operation on the same subject (a finding recorded after another does
    /// not reload the subject's history). The memory store, whose writing
    /// transactions run one at a time, can tell.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn pending_generation(&mut self) -> Result<Option<u64>, StoreError> {
        Ok(None)
    }

    /// A new identifier for `table`: 1, 2, 3, … Never handed out twice by
    /// committed transactions.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn next_id(&mut self, table: Table) -> Result<u64, StoreError>;

    /// Appends an entry (JSON text) to the audit log, returning its sequence number
    /// (1, 2, 3, …). Entries are never changed or removed.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn append_audit(&mut self, entry: String) -> Result<u64, StoreError>;

    /// The audit entries with sequence numbers after `after`, oldest first.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn audit_since(&mut self, after: u64) -> Result<Vec<(u64, String)>, StoreError>;

    /// Sets the day the document at `key` next falls due (the day of its
    /// next dated event), or clears it with `None`; nothing when there is no
    /// such document. Replacing the document with [`put`](Self::put) keeps
    /// its due day, a new document has none, and deleting it removes it.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn set_due(&mut self, table: Table, key: &str, on: Option<NaiveDate>)
        -> Result<(), StoreError>;

    /// Deletes the documents of `table` at `keys` (a key with no document is
    /// passed over), as [`delete`](Self::delete) on each would, and says how
    /// many there were. A store may do it in one round trip (the PostgreSQL
    /// store sends one statement).
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn delete_many(&mut self, table: Table, keys: &[String]) -> Result<u64, StoreError> {
        let mut deleted = 0;
        for key in keys {
            deleted += u64::from(self.delete(table, key)?);
        }
        Ok(deleted)
    }

    /// Inserts or replaces many documents of `table`, each with its due day
    /// (`None`: none), as [`put`](Self::put) then [`set_due`](Self::set_due)
    /// on each in turn would; when a key comes twice, the later wins. For
    /// bulk loads: a store may write them in fewer round trips (the
    /// PostgreSQL store sends up to a thousand in one statement).
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn put_many(
        &mut self,
        table: Table,
        docs: Vec<(String, Doc, Option<NaiveDate>)>,
    ) -> Result<(), StoreError> {
        for (key, doc, due) in docs {
            self.put(table, &key, doc)?;
            self.set_due(table, &key, due)?;
        }
        Ok(())
    }

    /// One page of what is due up to `up_to`: the documents of `table` whose
    /// due day is on or before it, in key order, with keys after `after`
    /// (from the start when `None`), at most `limit`. The next page starts
    /// after the last key of this one. Its cost grows with what is due, not
    /// with the size of the table.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn due(
        &mut self,
        table: Table,
        up_to: NaiveDate,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Due>, StoreError>;

    /// One page of [`Transaction::audit_since`]: at most `limit` entries
    /// with sequence numbers after `after`, oldest first. The default
    /// truncates [`Transaction::audit_since`]; the memory and SQLite stores
    /// read only the page.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the backend fails.
    fn audit_page(&mut self, after: u64, limit: usize) -> Result<Vec<(u64, String)>, StoreError> {
        let mut entries = self.audit_since(after)?;
        entries.truncate(limit);
        Ok(entries)
    }
}

/// Everything a store holds, for comparing two states: every table's
/// documents, their due days and the audit log.
///
/// `Debug` and the default serialization redact each [`Doc`]; serialized
/// inside [`crate::subject::with_whole_identifiers`] it holds everything
/// whole and reads back (a backup; keep it where the law lets the data be
/// kept).
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Dump {
    /// Documents by table and key.
    pub tables: BTreeMap<Table, BTreeMap<String, Doc>>,
    /// Due days by table and key (absent when none is set).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub due: BTreeMap<Table, BTreeMap<String, NaiveDate>>,
    /// The audit log.
    pub audit: Vec<(u64, String)>,
}

/// Reads everything a store holds, in one transaction.
///
/// # Errors
///
/// [`StoreError`] when the backend fails.
pub fn dump<S: Store + ?Sized>(store: &S) -> Result<Dump, StoreError> {
    transaction_in(store, &mut |tx| {
        let mut dump = Dump::default();
        for table in Table::ALL {
            let docs = tx.scan(table, None)?;
            if !docs.is_empty() {
                dump.tables.insert(table, docs.into_iter().collect());
            }
            let due = tx.due(table, NaiveDate::MAX, None, usize::MAX)?;
            if !due.is_empty() {
                dump.due
                    .insert(table, due.into_iter().map(|d| (d.key, d.on)).collect());
            }
        }
        dump.audit = tx.audit_since(0)?;
        Ok(dump)
    })
}

/// Zero-padded decimal key for a numeric identifier, so that key order is
/// numeric order.
pub fn numeric_key(id: u64) -> String {
    format!("{id:020}")
}
