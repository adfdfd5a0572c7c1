//! A store on SQLite (feature `sqlite`), through rusqlite with its bundled
//! SQLite, so no system library is needed.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection, ErrorCode, OptionalExtension};

use chrono::NaiveDate;

use super::{Doc, Due, Store, StoreError, Table, Transaction};

/// One schema migration: SQL, or a conversion of the stored documents.
enum Migration {
    /// Statements run as one batch.
    Sql(&'static str),
    /// A conversion written in Rust, inside the migration's transaction.
    Convert(fn(&rusqlite::Transaction<'_>) -> Result<(), StoreError>),
}

/// The schema migrations, in order; migration `i` takes the schema from
/// version `i` to `i + 1` (`PRAGMA user_version`).
const MIGRATIONS: &[Migration] = &[
    Migration::Sql(include_str!("migrations/0001_documents.sql")),
    Migration::Sql(include_str!("migrations/0002_docs_rowid.sql")),
    Migration::Convert(forget_erased_persons),
    Migration::Sql(include_str!("migrations/0004_due.sql")),
];

/// Schema version 3: erasure erases (plan §6(7)). Records erased by an
/// earlier version still held their subject, conduct and dates, objections
/// to them their grounds, and the audit log named persons by their masked
/// identity number. This finishes those erasures and rewrites each audit
/// entry that named a person to name a pseudonym instead (the one time the
/// log is changed: the triggers are dropped for it and put back).
fn forget_erased_persons(tx: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
    let mut stx = SqliteTx {
        tx,
        counters: std::collections::BTreeMap::new(),
        deleted: false,
    };
    let rewrites = crate::registry::upgrade_to_pseudonyms(&mut stx)?;
    stx.write_counters()?;
    tx.execute_batch("DROP TRIGGER audit_is_append_only_update;")
        .map_err(backend)?;
    for (seq, entry) in rewrites {
        let seq = i64::try_from(seq).map_err(StoreError::backend)?;
        tx.execute(
            "UPDATE audit SET entry = ?2 WHERE seq = ?1",
            params![seq, entry],
        )
        .map_err(backend)?;
    }
    tx.execute_batch(
        "CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
         BEGIN
             SELECT RAISE(ABORT, 'the audit log is append-only');
         END;",
    )
    .map_err(backend)?;
    Ok(())
}

/// A store in an SQLite database, in a file or in memory.
///
/// The schema is embedded and versioned: opening a database applies the
/// migrations it lacks, in one transaction, and refuses a database written
/// by a newer version of the crate. Version 3 converts the documents of
/// earlier versions so that erased records leave nothing that ties them to
/// a person (see `registry::upgrade_to_pseudonyms`). Every [`Store::transaction`] is one
/// SQLite transaction (`BEGIN IMMEDIATE`), so each facade operation is
/// atomic and durable. The audit table refuses updates and deletes with
/// triggers.
///
/// # Example
///
/// ```
/// use social_credit::store::{Doc, SqliteStore, Store, Table};
///
/// let store = SqliteStore::open_in_memory()?;
/// store.transaction(|tx| tx.put(Table::Subjects, "k", Doc { subject: None, body: "1".into(), sealed: None }))?;
/// assert!(store.transaction(|tx| tx.get(Table::Subjects, "k"))?.is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
    busy_timeout: Duration,
}

fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::backend(e)
}

/// How long a store waits, by default, while another connection (another
/// process, or another store on the same file) holds the database's lock:
/// 5 seconds. See [`SqliteOptions::busy_timeout`].
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Settings of an [`SqliteStore`] on a file.
///
/// ```
/// use std::time::Duration;
/// use social_credit::store::{SqliteOptions, DEFAULT_BUSY_TIMEOUT};
///
/// assert_eq!(SqliteOptions::default().busy_timeout, DEFAULT_BUSY_TIMEOUT);
/// let patient = SqliteOptions::default().with_busy_timeout(Duration::from_secs(30));
/// assert_eq!(patient.busy_timeout, Duration::from_secs(30));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SqliteOptions {
    /// How long opening the database, and each transaction's start and
    /// commit, wait while another connection holds the lock, before failing
    /// with [`StoreError::Busy`] ([`DEFAULT_BUSY_TIMEOUT`] by default).
    pub busy_timeout: Duration,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
        }
    }
}

impl SqliteOptions {
    /// These settings with `busy_timeout`.
    #[must_use]
    pub fn with_busy_timeout(mut self, busy_timeout: Duration) -> Self {
        self.busy_timeout = busy_timeout;
        self
    }
}

/// Whether SQLite refused because another connection holds a lock.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// A short pause between two tries for a lock SQLite's own busy handler
/// did not wait for.
fn pause() {
    std::thread::sleep(Duration::from_millis(2));
}

/// Why one try at opening failed: a lock held elsewhere (try again), or
/// anything else (give up).
enum OpenFailure {
    Busy,
    Failed(StoreError),
}

impl From<rusqlite::Error> for OpenFailure {
    fn from(e: rusqlite::Error) -> Self {
        if is_busy(&e) {
            Self::Busy
        } else {
            Self::Failed(backend(e))
        }
    }
}

impl From<StoreError> for OpenFailure {
    fn from(e: StoreError) -> Self {
        Self::Failed(e)
    }
}

impl SqliteStore {
    /// Opens (or creates) the database at `path`, migrating it to the
    /// current schema.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the file cannot be opened or migrated, or was
    /// written by a newer version of the crate.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, SqliteOptions::default())
    }

    /// Opens (or creates) the database at `path` with `options`, migrating
    /// it to the current schema.
    ///
    /// Several processes may open one new file at the same time: the switch
    /// to WAL is retried while another opener holds the lock (SQLite cannot
    /// switch inside a transaction), then reading the schema version and
    /// migrating happen in one exclusive transaction, also retried, so the
    /// schema is made once and every opener sees it.
    ///
    /// # Errors
    ///
    /// [`StoreError::Busy`] when other connections held the lock for the
    /// whole busy timeout; otherwise as [`SqliteStore::open`].
    pub fn open_with(path: impl AsRef<Path>, options: SqliteOptions) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(backend)?;
        conn.busy_timeout(options.busy_timeout).map_err(backend)?;
        // NORMAL sync with WAL (set in `init`): durable at each commit
        // against a process crash, and fast enough for many small
        // transactions.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(backend)?;
        // A 64 MiB page cache (the default is 2 MiB): large imports and
        // scans stay in memory.
        conn.pragma_update(None, "cache_size", -65_536)
            .map_err(backend)?;
        Self::init(conn, options.busy_timeout, true)
    }

    /// A new database in memory, for tests and short-lived tools.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when SQLite fails.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::init(
            Connection::open_in_memory().map_err(backend)?,
            DEFAULT_BUSY_TIMEOUT,
            false,
        )
    }

    fn init(mut conn: Connection, busy_timeout: Duration, file: bool) -> Result<Self, StoreError> {
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(backend)?;
        // Deleted content is overwritten with zeros, not left in free pages
        // where a file dump would still show it (erasure, plan §6(7)).
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(backend)?;
        let start = Instant::now();
        loop {
            match Self::migrate(&mut conn, file) {
                Ok(()) => break,
                Err(OpenFailure::Failed(e)) => return Err(e),
                Err(OpenFailure::Busy) if start.elapsed() < busy_timeout => pause(),
                Err(OpenFailure::Busy) => {
                    return Err(StoreError::Busy {
                        timeout: busy_timeout,
                    })
                }
            }
        }
        Ok(Self {
            conn: Mutex::new(conn),
            busy_timeout,
        })
    }

    /// One try at opening: WAL on a file, then the schema version read and
    /// the missing migrations applied in one exclusive transaction.
    fn migrate(conn: &mut Connection, file: bool) -> Result<(), OpenFailure> {
        if file {
            let mode: String =
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                // Another opener held the lock: the mode is unchanged.
                return Err(OpenFailure::Busy);
            }
        }
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let supported = MIGRATIONS.len() as i64;
        if version > supported {
            return Err(StoreError::SchemaTooNew {
                found: version,
                supported,
            }
            .into());
        }
        for (i, migration) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(version).unwrap_or(0))
        {
            match migration {
                Migration::Sql(sql) => tx.execute_batch(sql)?,
                Migration::Convert(convert) => convert(&tx)?,
            }
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A busy refusal as [`StoreError::Busy`], anything else as a backend
    /// error.
    fn busy_or_backend(&self, e: rusqlite::Error) -> StoreError {
        if is_busy(&e) {
            StoreError::Busy {
                timeout: self.busy_timeout,
            }
        } else {
            backend(e)
        }
    }

    /// The busy timeout this store was opened with.
    pub fn busy_timeout(&self) -> Duration {
        self.busy_timeout
    }

    /// The schema version of the open database.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when SQLite fails.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        conn.pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(backend)
    }
}

struct SqliteTx<'a> {
    tx: &'a rusqlite::Transaction<'a>,
    // The counters this transaction has moved, written back before it
    // commits: one statement per table instead of one per new identifier.
    counters: std::collections::BTreeMap<Table, u64>,
    // Whether a document was deleted: the commit then checkpoints the WAL so
    // that no earlier version of the deleted document stays in it.
    deleted: bool,
}

impl SqliteTx<'_> {
    fn write_counters(&self) -> Result<(), StoreError> {
        for (table, last) in &self.counters {
            let last = i64::try_from(*last).map_err(StoreError::backend)?;
            self.tx
                .prepare_cached(
                    "INSERT INTO counters (tbl, last) VALUES (?1, ?2)
                     ON CONFLICT (tbl) DO UPDATE SET last = excluded.last",
                )
                .map_err(backend)?
                .execute(params![table.name(), last])
                .map_err(backend)?;
        }
        Ok(())
    }

    /// The documents a `SELECT key, subject, body, sealed …` statement
    /// answers, in its order.
    fn docs(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<(String, Doc)>, StoreError> {
        self.tx
            .prepare_cached(sql)
            .map_err(backend)?
            .query_map(params, |r| {
                Ok((
                    r.get(0)?,
                    Doc {
                        subject: r.get(1)?,
                        body: r.get(2)?,
                        sealed: r.get(3)?,
                    },
                ))
            })
            .map_err(backend)?
            .collect::<Result<_, _>>()
            .map_err(backend)
    }
}

impl Transaction for SqliteTx<'_> {
    fn get(&mut self, table: Table, key: &str) -> Result<Option<Doc>, StoreError> {
        let row: Option<(Option<String>, String, Option<String>)> = self
            .tx
            .prepare_cached("SELECT subject, body, sealed FROM docs WHERE tbl = ?1 AND key = ?2")
            .map_err(backend)?
            .query_row(params![table.name(), key], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .map_err(backend)?;
        Ok(row.map(|(subject, body, sealed)| Doc {
            subject,
            body,
            sealed,
        }))
    }

    fn put(&mut self, table: Table, key: &str, doc: Doc) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO docs (tbl, key, subject, body, sealed) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (tbl, key) DO UPDATE SET subject = excluded.subject,
                     body = excluded.body, sealed = excluded.sealed",
            )
            .map_err(backend)?
            .execute(params![
                table.name(),
                key,
                doc.subject,
                doc.body,
                doc.sealed
            ])
            .map_err(backend)?;
        Ok(())
    }

    fn delete(&mut self, table: Table, key: &str) -> Result<bool, StoreError> {
        let n = self
            .tx
            .prepare_cached("DELETE FROM docs WHERE tbl = ?1 AND key = ?2")
            .map_err(backend)?
            .execute(params![table.name(), key])
            .map_err(backend)?;
        self.deleted |= n > 0;
        Ok(n > 0)
    }

    fn scan(
        &mut self,
        table: Table,
        subject: Option<&str>,
    ) -> Result<Vec<(String, Doc)>, StoreError> {
        match subject {
            Some(s) => self.docs(
                // The planner would otherwise walk the whole table in key
                // order; the subject index is always the right one here.
                "SELECT key, subject, body, sealed FROM docs INDEXED BY docs_by_subject
                 WHERE tbl = ?1 AND subject = ?2 ORDER BY key",
                params![table.name(), s],
            ),
            None => self.docs(
                "SELECT key, subject, body, sealed FROM docs WHERE tbl = ?1 ORDER BY key",
                params![table.name()],
            ),
        }
    }

    fn scan_page(
        &mut self,
        table: Table,
        subject: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, Doc)>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // A NULL `after` reads from the first key; either index serves the
        // range, so a page costs its own size, not the table's.
        match subject {
            Some(s) => self.docs(
                "SELECT key, subject, body, sealed FROM docs INDEXED BY docs_by_subject
                 WHERE tbl = ?1 AND subject = ?2 AND (?3 IS NULL OR key > ?3)
                 ORDER BY key LIMIT ?4",
                params![table.name(), s, after, limit],
            ),
            None => self.docs(
                "SELECT key, subject, body, sealed FROM docs
                 WHERE tbl = ?1 AND (?2 IS NULL OR key > ?2) ORDER BY key LIMIT ?3",
                params![table.name(), after, limit],
            ),
        }
    }

    fn audit_page(&mut self, after: u64, limit: usize) -> Result<Vec<(u64, String)>, StoreError> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows: Vec<(i64, String)> = self
            .tx
            .prepare_cached("SELECT seq, entry FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2")
            .map_err(backend)?
            .query_map(params![after, limit], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(backend)?
            .collect::<Result<_, _>>()
            .map_err(backend)?;
        rows.into_iter()
            .map(|(seq, text)| Ok((u64::try_from(seq).map_err(StoreError::backend)?, text)))
            .collect()
    }

    fn next_id(&mut self, table: Table) -> Result<u64, StoreError> {
        let last = match self.counters.get(&table) {
            Some(last) => *last,
            None => {
                let stored: Option<i64> = self
                    .tx
                    .prepare_cached("SELECT last FROM counters WHERE tbl = ?1")
                    .map_err(backend)?
                    .query_row(params![table.name()], |r| r.get(0))
                    .optional()
                    .map_err(backend)?;
                u64::try_from(stored.unwrap_or(0)).map_err(StoreError::backend)?
            }
        };
        let next = last + 1;
        self.counters.insert(table, next);
        Ok(next)
    }

    fn append_audit(&mut self, entry: String) -> Result<u64, StoreError> {
        let text = entry;
        let seq: i64 = self
            .tx
            .prepare_cached(
                // `seq` is the rowid: SQLite gives the largest so far plus one,
                // and the triggers forbid deletes, so numbers are never reused.
                "INSERT INTO audit (entry) VALUES (?1) RETURNING seq",
            )
            .map_err(backend)?
            .query_row(params![text], |r| r.get(0))
            .map_err(backend)?;
        u64::try_from(seq).map_err(StoreError::backend)
    }

    fn set_due(
        &mut self,
        table: Table,
        key: &str,
        on: Option<NaiveDate>,
    ) -> Result<(), StoreError> {
        // ISO 8601 text: text order is day order.
        let on = on.map(|d| d.format("%Y-%m-%d").to_string());
        self.tx
            .prepare_cached("UPDATE docs SET due = ?3 WHERE tbl = ?1 AND key = ?2")
            .map_err(backend)?
            .execute(params![table.name(), key, on])
            .map_err(backend)?;
        Ok(())
    }

    fn due(
        &mut self,
        table: Table,
        up_to: NaiveDate,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Due>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // Text order is day order for four-digit years only: a later
        // `up_to` (e.g. `NaiveDate::MAX`, "+262142-12-31") would sort
        // before every day.
        let up_to = NaiveDate::from_ymd_opt(9999, 12, 31).map_or(up_to, |last| up_to.min(last));
        let rows: Vec<(String, Option<String>, String)> = self
            .tx
            .prepare_cached(
                "SELECT key, subject, due FROM docs INDEXED BY docs_by_due
                 WHERE tbl = ?1 AND due IS NOT NULL AND due <= ?2 AND (?3 IS NULL OR key > ?3)
                 ORDER BY key LIMIT ?4",
            )
            .map_err(backend)?
            .query_map(
                params![
                    table.name(),
                    up_to.format("%Y-%m-%d").to_string(),
                    after,
                    limit
                ],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(backend)?
            .collect::<Result<_, _>>()
            .map_err(backend)?;
        rows.into_iter()
            .map(|(key, subject, on)| {
                let on = on.parse::<NaiveDate>().map_err(|e| StoreError::Corrupt {
                    table,
                    key: key.clone(),
                    problem: format!("due day: {e}"),
                })?;
                Ok(Due { key, subject, on })
            })
            .collect()
    }

    fn audit_since(&mut self, after: u64) -> Result<Vec<(u64, String)>, StoreError> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let rows: Vec<(i64, String)> = self
            .tx
            .prepare_cached("SELECT seq, entry FROM audit WHERE seq > ?1 ORDER BY seq")
            .map_err(backend)?
            .query_map(params![after], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(backend)?
            .collect::<Result<_, _>>()
            .map_err(backend)?;
        rows.into_iter()
            .map(|(seq, text)| {
                let seq_u = u64::try_from(seq).map_err(StoreError::backend)?;
                Ok((seq_u, text))
            })
            .collect()
    }
}

impl Store for SqliteStore {
    fn transact(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        // A panic inside `work` drops the rusqlite transaction, which rolls
        // back: the database is consistent, so a poisoned lock is safe to take.
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        // SQLite's busy handler waits up to the busy timeout for the lock.
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| self.busy_or_backend(e))?;
        let mut stx = SqliteTx {
            tx: &tx,
            counters: std::collections::BTreeMap::new(),
            deleted: false,
        };
        work(&mut stx)?;
        stx.write_counters()?;
        let deleted = stx.deleted;
        // A commit refused for a lock held elsewhere is tried again within
        // the busy timeout; on failure `tx` rolls back when dropped.
        let start = Instant::now();
        loop {
            match tx.execute_batch("COMMIT") {
                Ok(()) => break,
                Err(e) if is_busy(&e) && start.elapsed() < self.busy_timeout => pause(),
                Err(e) => return Err(self.busy_or_backend(e)),
            }
        }
        drop(tx);
        if deleted {
            // `secure_delete` zeroed the deleted content in the new page
            // versions; the checkpoint copies them into the database and
            // truncates the WAL, which still held the old versions. The
            // commit is done either way: a failed checkpoint is retried by
            // the next one.
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        Ok(())
    }

    /// A deferred transaction: it reads a snapshot and never takes SQLite's
    /// write lock, so other processes write meanwhile (WAL). Its writes, if
    /// `work` made any, are rolled back.
    fn transact_read(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)
            .map_err(backend)?;
        let mut stx = SqliteTx {
            tx: &tx,
            counters: std::collections::BTreeMap::new(),
            deleted: false,
        };
        work(&mut stx)?;
        tx.rollback().map_err(backend)?;
        Ok(())
    }
}
