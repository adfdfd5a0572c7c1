//! A store on PostgreSQL (feature `postgres`), through the sync `postgres`
//! client over a small pool of connections.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use postgres::error::SqlState;
use postgres::{Client, Config, NoTls, Statement};

use chrono::NaiveDate;

use super::{Doc, Due, Store, StoreError, Table, Transaction};

/// The schema migrations, in order; migration `i` takes the schema from
/// version `i` to `i + 1` (the row of `schema_version`).
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/postgres/0001_documents.sql"),
    include_str!("migrations/postgres/0002_due.sql"),
    include_str!("migrations/postgres/0003_subject_first.sql"),
];

/// The seed of the key of the transaction-level advisory lock a migration
/// holds (ASCII "soci"): the key is
/// `hashtextextended(current_schema(), seed)`, a 64-bit hash of the schema's
/// name, so each schema of a database has its own lock.
const LOCK_CLASS: i64 = 0x736f_6369;
/// The seed of the key of the session-level lock that every transaction
/// holds while it runs: shared on its first attempts, exclusive once it has
/// conflicted [`OPTIMISTIC_ATTEMPTS`] times, so that it then runs alone and
/// cannot conflict again. Keyed by schema as [`LOCK_CLASS`] is.
const LOCK_CLASS_TX: i64 = LOCK_CLASS + 1;

/// How many documents wait to be written before they are sent (one
/// statement of [`Transaction::put_many`] writes this many).
const PUT_PAGE: usize = 1_000;

/// The statement that sends a transaction's pending writes (see
/// `PgTx::flush`): fixed SQL, the documents bound as arrays.
const WRITE_SQL: &str = "WITH kept AS (
        INSERT INTO docs (tbl, key, subject, body, sealed)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
        ON CONFLICT (tbl, key) DO UPDATE SET subject = excluded.subject,
            body = excluded.body, sealed = excluded.sealed
        RETURNING 1),
    dated AS (
        INSERT INTO docs (tbl, key, subject, body, sealed, due)
        SELECT * FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
            $11::date[])
        ON CONFLICT (tbl, key) DO UPDATE SET subject = excluded.subject,
            body = excluded.body, sealed = excluded.sealed, due = excluded.due
        RETURNING 1),
    due AS (
        UPDATE docs SET due = u.due
        FROM unnest($12::text[], $13::text[], $14::date[]) AS u(tbl, key, due)
        WHERE docs.tbl = u.tbl AND docs.key = u.key
        RETURNING 1)
    SELECT 1";

/// How many attempts run alongside others before one runs alone.
const OPTIMISTIC_ATTEMPTS: u32 = 2;

/// How many times a transaction runs before [`StoreError::Conflict`], unless
/// [`PostgresStore::with_max_attempts`] says otherwise.
const MAX_ATTEMPTS: u32 = 12;

/// The most due subjects the daily sweep handles at once on one store (see
/// [`PostgresStore::with_sweep_concurrency`]).
const SWEEP_THREADS: usize = 4;

/// The counter row that numbers the audit log. Table names are lower-case
/// words, so it cannot clash with one.
const AUDIT_COUNTER: &str = "#audit";

/// A store in a PostgreSQL database.
///
/// The schema is embedded and versioned: connecting applies the migrations
/// the database lacks, in one transaction under an advisory lock (so two
/// processes starting at once migrate it once), and refuses a database
/// written by a newer version of the crate with
/// [`StoreError::SchemaTooNew`]. It lives in the connection's current
/// schema (the first of its `search_path`), so one database can hold several
/// registries apart, each in its own schema.
///
/// Documents are one table keyed by (table, key) with an index by subject;
/// keys sort bytewise (`COLLATE "C"`), as in the other stores. Counters are
/// rows of a counter table, so a rolled-back transaction gives its numbers
/// back. The audit table refuses `UPDATE`, `DELETE` and `TRUNCATE` with
/// triggers, whoever asks; [`PostgresStore::grant_to`] gives a service role
/// the privileges it needs and no right to change the log at all.
///
/// Every [`Store::transaction`] is one PostgreSQL transaction at
/// SERIALIZABLE isolation: each facade operation is atomic and durable, and
/// concurrent operations (from this process or any other) behave as if run
/// one at a time. When the server rolls a transaction back for a
/// serialization failure or a deadlock, the store runs its work again, up to
/// a bound (12 attempts, see [`PostgresStore::with_max_attempts`]), and then
/// gives [`StoreError::Conflict`]. So that a transaction on a busy row (a
/// counter, the audit log's numbering) cannot lose every race, its third and
/// later attempts run alone: every transaction holds an advisory lock on
/// the schema while it runs, shared (taken with `BEGIN`, released by the
/// transaction's end) on its first two attempts, and after that exclusive,
/// taken for the session before its snapshot. A transaction's writes wait
/// in memory and go to the server as the parameters of one fixed statement
/// before its next read of a range of documents and before its `COMMIT`:
/// no document's text is ever part of the SQL (so none reaches a server log
/// line about a failing statement). A connection lost in the middle of a
/// transaction loses that transaction whole (the server rolls it back) and is
/// not reused; the next transaction opens a new one.
///
/// # Example
///
/// ```no_run
/// use social_credit::store::{PostgresStore, Store, Table};
///
/// let store = PostgresStore::connect("postgres://postgres@127.0.0.1/test")?;
/// let found = store.transaction(|tx| tx.get(Table::Subjects, "k"))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PostgresStore {
    config: Config,
    pool: Mutex<Pool>,
    returned: Condvar,
    max_connections: usize,
    max_attempts: u32,
    sweep_concurrency: usize,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The configuration may hold a password: only its shape is shown.
        f.debug_struct("PostgresStore")
            .field("hosts", &self.config.get_hosts().len())
            .field("dbname", &self.config.get_dbname())
            .field("max_connections", &self.max_connections)
            .field("max_attempts", &self.max_attempts)
            .field("sweep_concurrency", &self.sweep_concurrency)
            .finish_non_exhaustive()
    }
}

/// The idle connections and how many are open in all.
#[derive(Default)]
struct Pool {
    idle: Vec<Conn>,
    open: usize,
}

/// One connection with its prepared statements.
struct Conn {
    client: Client,
    st: Statements,
}

struct Statements {
    get: Statement,
    delete: Statement,
    scan_subject: Statement,
    scan_all: Statement,
    scan_tables: Statement,
    next_id: Statement,
    append_audit: Statement,
    audit_since: Statement,
    set_due: Statement,
    write: Statement,
    due: Statement,
}

impl Statements {
    fn prepare(client: &mut Client) -> Result<Self, StoreError> {
        let mut p = |sql: &str| client.prepare(sql).map_err(backend);
        Ok(Self {
            get: p("SELECT subject, body, sealed FROM docs WHERE tbl = $1 AND key = $2")?,
            delete: p("DELETE FROM docs WHERE tbl = $1 AND key = $2")?,
            scan_subject: p("SELECT key, subject, body, sealed FROM docs
                 WHERE tbl = $1 AND subject = $2 ORDER BY key")?,
            scan_all: p("SELECT key, subject, body, sealed FROM docs WHERE tbl = $1 ORDER BY key")?,
            scan_tables: p("SELECT tbl, key, subject, body, sealed FROM docs
                 WHERE subject = $1 AND tbl = ANY($2::text[]) ORDER BY tbl, key")?,
            next_id: p("INSERT INTO counters (tbl, last) VALUES ($1, 1)
                 ON CONFLICT (tbl) DO UPDATE SET last = counters.last + 1 RETURNING last")?,
            append_audit: p("WITH n AS (
                     INSERT INTO counters (tbl, last) VALUES ($1, 1)
                     ON CONFLICT (tbl) DO UPDATE SET last = counters.last + 1 RETURNING last)
                 INSERT INTO audit (seq, entry) SELECT last, $2 FROM n RETURNING seq")?,
            audit_since: p("SELECT seq, entry FROM audit WHERE seq > $1 ORDER BY seq")?,
            set_due: p("UPDATE docs SET due = $3 WHERE tbl = $1 AND key = $2")?,
            // A transaction's pending writes in one statement, as arrays
            // (issue 19: one round trip for them all, and no document text
            // in the SQL, so none in a server log line): documents put with
            // their stored due day kept, documents put with a due day, and
            // due days set on documents not put. Each key comes once in
            // all three (the pending writes are one per key), so no row is
            // changed twice.
            write: p(WRITE_SQL)?,
            due: p("SELECT key, subject, due FROM docs
                 WHERE tbl = $1 AND due IS NOT NULL AND due <= $2
                     AND ($3::text IS NULL OR key > $3::text)
                 ORDER BY key LIMIT $4")?,
        })
    }
}

fn backend(e: postgres::Error) -> StoreError {
    StoreError::backend(e)
}

fn to_i64(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(StoreError::backend)
}

fn to_u64(n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(StoreError::backend)
}

impl PostgresStore {
    /// The seed of the key of the advisory lock a migration holds in its
    /// transaction: `pg_advisory_xact_lock(hashtextextended(current_schema(),
    /// MIGRATION_LOCK_CLASS))`, a lock of the schema's own, so migrations of
    /// two schemas of one database do not wait for each other and two
    /// processes migrating one schema migrate it once.
    pub const MIGRATION_LOCK_CLASS: i64 = LOCK_CLASS;

    /// Connects to the database at `url` (a `postgres://` URL or a
    /// `key=value` connection string) with up to 8 connections, migrating
    /// it to the current schema.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the string cannot be parsed, the server cannot be
    /// reached or the schema cannot be migrated, or the schema was written
    /// by a newer version of the crate.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let config: Config = url.parse().map_err(backend)?;
        Self::with_config(config, 8)
    }

    /// Connects with `config` and up to `max_connections` connections (at
    /// least one), migrating the database to the current schema.
    ///
    /// # Errors
    ///
    /// As [`PostgresStore::connect`].
    pub fn with_config(mut config: Config, max_connections: usize) -> Result<Self, StoreError> {
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        let mut client = config.connect(NoTls).map_err(backend)?;
        migrate(&mut client)?;
        let st = Statements::prepare(&mut client)?;
        Ok(Self {
            config,
            pool: Mutex::new(Pool {
                idle: vec![Conn { client, st }],
                open: 1,
            }),
            returned: Condvar::new(),
            max_connections: max_connections.max(1),
            max_attempts: MAX_ATTEMPTS,
            sweep_concurrency: max_connections.clamp(1, SWEEP_THREADS),
        })
    }

    /// The same store, answering `n` to [`Store::sweep_concurrency`] (at
    /// least 1, at most the pool's connections): the daily sweep handles
    /// that many due subjects at once, each in its own transaction on a
    /// connection of its own. By default the pool's connections, at most 4:
    /// a due subject costs about four round trips, so a few at once hide
    /// the latency, and more would take every connection from the service's
    /// other work and make the subjects' transactions conflict more. A
    /// server farther away (more latency per round trip) gains from more.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use social_credit::store::{PostgresStore, Store};
    ///
    /// let store = PostgresStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// assert_eq!(store.sweep_concurrency(), 4); // 8 connections
    /// let sequential = store.with_sweep_concurrency(1);
    /// assert_eq!(sequential.sweep_concurrency(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_sweep_concurrency(mut self, n: usize) -> Self {
        self.sweep_concurrency = n.clamp(1, self.max_connections);
        self
    }

    /// The same store, running a conflicting transaction at most `attempts`
    /// times (at least once) before [`StoreError::Conflict`].
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The schema version of the database.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the server fails.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        let mut conn = self.take()?;
        let version = read_version(&mut conn.client);
        self.give_back(conn);
        version
    }

    /// Grants `role` what a service needs to use this store and nothing
    /// more: reading and writing documents and counters, and only reading
    /// and appending to the audit log (no `UPDATE`, `DELETE` or `TRUNCATE`,
    /// on top of the triggers that refuse them). Run it as the schema's owner,
    /// and run the service as `role`.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the server refuses (for example, no such role).
    pub fn grant_to(&self, role: &str) -> Result<(), StoreError> {
        let mut conn = self.take()?;
        let result = (|| {
            let row = conn
                .client
                .query_one(
                    "SELECT quote_ident($1), quote_ident(current_schema())",
                    &[&role],
                )
                .map_err(backend)?;
            let role: String = row.try_get(0).map_err(backend)?;
            let schema: String = row.try_get(1).map_err(backend)?;
            conn.client
                .batch_execute(&format!(
                    "GRANT USAGE ON SCHEMA {schema} TO {role};
                     GRANT SELECT, INSERT, UPDATE, DELETE ON docs, counters TO {role};
                     GRANT SELECT ON schema_version TO {role};
                     GRANT SELECT, INSERT ON audit TO {role};"
                ))
                .map_err(backend)
        })();
        self.give_back(conn);
        result
    }

    fn lock_pool(&self) -> MutexGuard<'_, Pool> {
        // The pool's state is a list and a count, consistent after every
        // statement: a poisoned lock is safe to take over.
        self.pool.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An idle connection, a new one if fewer than the maximum are open, or
    /// the next one given back.
    fn take(&self) -> Result<Conn, StoreError> {
        let mut pool = self.lock_pool();
        loop {
            if let Some(conn) = pool.idle.pop() {
                if !conn.client.is_closed() {
                    return Ok(conn);
                }
                pool.open = pool.open.saturating_sub(1);
                continue;
            }
            if pool.open < self.max_connections {
                pool.open += 1;
                drop(pool);
                let conn = self.open_conn();
                if conn.is_err() {
                    self.lock_pool().open -= 1;
                    self.returned.notify_one();
                }
                return conn;
            }
            pool = self.returned.wait(pool).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn open_conn(&self) -> Result<Conn, StoreError> {
        let mut client = self.config.connect(NoTls).map_err(backend)?;
        // Another process may have migrated further since this store
        // connected: its statements must not run against a newer schema.
        let version = read_version(&mut client)?;
        let supported = MIGRATIONS.len() as i64;
        if version > supported {
            return Err(StoreError::SchemaTooNew {
                found: version,
                supported,
            });
        }
        if version < supported {
            return Err(StoreError::backend(format!(
                "the database schema is version {version}, older than this crate's {supported}"
            )));
        }
        let st = Statements::prepare(&mut client)?;
        Ok(Conn { client, st })
    }

    /// Closes a broken connection and makes room for a new one.
    fn forget(&self, conn: Conn) {
        drop(conn);
        let mut pool = self.lock_pool();
        pool.open = pool.open.saturating_sub(1);
        drop(pool);
        self.returned.notify_one();
    }

    /// Returns a connection to the pool, or forgets it when it is broken.
    fn give_back(&self, conn: Conn) {
        let mut pool = self.lock_pool();
        if conn.client.is_closed() {
            pool.open = pool.open.saturating_sub(1);
        } else {
            pool.idle.push(conn);
        }
        drop(pool);
        self.returned.notify_one();
    }
}

fn read_version(client: &mut Client) -> Result<i64, StoreError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
        .map_err(backend)?
        .try_get(0)
        .map_err(backend)?;
    if !exists {
        return Ok(0);
    }
    let row = client
        .query_opt("SELECT version FROM schema_version", &[])
        .map_err(backend)?;
    match row {
        Some(row) => Ok(i64::from(row.try_get::<_, i32>(0).map_err(backend)?)),
        None => Ok(0),
    }
}

/// Applies the migrations the database lacks, in one transaction, or
/// refuses a newer schema.
fn migrate(client: &mut Client) -> Result<(), StoreError> {
    // Up to date: nothing to create (a service role without the right to
    // create tables connects this way).
    let supported = MIGRATIONS.len() as i64;
    if read_version(client)? == supported {
        return Ok(());
    }
    let mut tx = client.transaction().map_err(backend)?;
    // The lock is keyed by the schema: without one (the first schema of
    // `search_path` does not exist) the key would be NULL and no lock taken.
    let schema: Option<String> = tx
        .query_one("SELECT current_schema()::text", &[])
        .map_err(backend)?
        .try_get(0)
        .map_err(backend)?;
    if schema.is_none() {
        return Err(StoreError::backend(
            "no schema to keep the store in: the first schema of `search_path` does not exist",
        ));
    }
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended(current_schema(), $1))",
        &[&LOCK_CLASS],
    )
    .map_err(backend)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
             version INTEGER NOT NULL,
             one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one)
         );
         REVOKE ALL ON schema_version FROM PUBLIC;",
    )
    .map_err(backend)?;
    let version: i64 = match tx
        .query_opt("SELECT version FROM schema_version", &[])
        .map_err(backend)?
    {
        Some(row) => i64::from(row.try_get::<_, i32>(0).map_err(backend)?),
        None => 0,
    };
    if version > supported {
        return Err(StoreError::SchemaTooNew {
            found: version,
            supported,
        });
    }
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(version).unwrap_or(0))
    {
        tx.batch_execute(sql).map_err(backend)?;
        let next = i32::try_from(i + 1).map_err(StoreError::backend)?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)
             ON CONFLICT (one) DO UPDATE SET version = excluded.version",
            &[&next],
        )
        .map_err(backend)?;
    }
    tx.commit().map_err(backend)
}

struct PgTx<'a> {
    // The connection, inside a transaction this store began (`BEGIN` sent
    // with the lock in one round trip; see `attempt_once`).
    tx: &'a mut Client,
    st: &'a Statements,
    // Whether a statement failed for a conflict with a concurrent
    // transaction: the server has rolled this one back.
    conflict: bool,
    // Whether a statement failed other than by the server's refusal (the
    // connection was lost): the connection is not used again.
    broken: bool,
    // Whether any statement failed: the server has aborted the transaction,
    // and a `COMMIT` would only roll it back.
    failed: bool,
    // Writes not sent yet (`put`, `set_due`, `put_many`), one per document
    // (the last write wins), in key order: sent as parameters of the one
    // `write` statement before the next read of a range of documents or
    // the commit, or once `PUT_PAGE` documents wait.
    pending: BTreeMap<(Table, String), Write>,
}

/// A write of one document waiting to be sent.
#[derive(Debug)]
enum Write {
    /// The document as this transaction put it; `due` is `None` when the
    /// stored due day is kept (a new document has none), `Some(day)` when
    /// this transaction set it after the put.
    Put {
        doc: Doc,
        due: Option<Option<NaiveDate>>,
    },
    /// A due day set on a document this transaction has not put (nothing
    /// when there is no such document).
    Due(Option<NaiveDate>),
}

/// Text PostgreSQL cannot store: a document's key or text holding a NUL
/// character (U+0000). [`PostgresStore`] refuses it when the document is
/// written, before anything is sent, as the source of a
/// [`StoreError::Backend`]; the transaction goes on, and nothing of the
/// refused write is stored.
///
/// # Example
///
/// ```no_run
/// use social_credit::store::{Doc, NulInText, PostgresStore, Store, StoreError, Table};
///
/// let store = PostgresStore::connect("postgres://postgres@127.0.0.1/test")?;
/// let doc = Doc { subject: None, body: "a\u{0}b".into(), sealed: None };
/// let refused = store.transaction(|tx| tx.put(Table::Records, "k", doc.clone()));
/// let Err(StoreError::Backend { source }) = refused else { panic!() };
/// assert_eq!(
///     source.downcast_ref::<NulInText>(),
///     Some(&NulInText { table: Table::Records, field: "body" })
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {table} document's {field} holds a NUL character, which PostgreSQL text cannot hold")]
pub struct NulInText {
    /// The table written to.
    pub table: Table,
    /// What holds the NUL: `key`, `subject`, `body` or `sealed`.
    pub field: &'static str,
}

/// Refuses a document PostgreSQL text cannot hold (it names the field, not
/// the text, which may be personal data).
fn check_text(table: Table, key: &str, doc: &Doc) -> Result<(), StoreError> {
    let fields = [
        ("key", Some(key)),
        ("subject", doc.subject.as_deref()),
        ("body", Some(doc.body.as_str())),
        ("sealed", doc.sealed.as_deref()),
    ];
    match fields
        .iter()
        .find(|(_, text)| text.is_some_and(|t| t.contains('\0')))
    {
        Some(&(field, _)) => Err(StoreError::backend(NulInText { table, field })),
        None => Ok(()),
    }
}

/// The first day PostgreSQL's `date` holds (4714-11-24 BC, year -4713);
/// its last is past chrono's.
fn first_pg_day() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(-4713, 11, 24)
}

impl PgTx<'_> {
    fn fail(&mut self, e: postgres::Error) -> StoreError {
        self.failed = true;
        self.conflict |= is_conflict(&e);
        self.broken |= e.as_db_error().is_none();
        backend(e)
    }

    /// Sends the pending writes, in one round trip: the documents put with
    /// their due day kept, those put with a due day, and the due days set
    /// on documents not put, each as arrays bound to the `write`
    /// statement (the document's text is never part of the SQL).
    fn flush(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let mut kept = Columns::default();
        let mut dated = Columns::default();
        let (mut due_tables, mut due_keys, mut due_days) = (Vec::new(), Vec::new(), Vec::new());
        for ((table, key), write) in &pending {
            match write {
                Write::Put { doc, due: None } => kept.push(*table, key, doc, None),
                Write::Put { doc, due: Some(on) } => dated.push(*table, key, doc, *on),
                Write::Due(on) => {
                    due_tables.push(table.name());
                    due_keys.push(key.as_str());
                    due_days.push(*on);
                }
            }
        }
        let result = self.tx.execute(
            &self.st.write,
            &[
                &kept.tables,
                &kept.keys,
                &kept.subjects,
                &kept.bodies,
                &kept.sealed,
                &dated.tables,
                &dated.keys,
                &dated.subjects,
                &dated.bodies,
                &dated.sealed,
                &dated.due,
                &due_tables,
                &due_keys,
                &due_days,
            ],
        );
        match result {
            Ok(_) => Ok(()),
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Sends the pending writes once a page of them waits.
    fn flush_if_full(&mut self) -> Result<(), StoreError> {
        if self.pending.len() >= PUT_PAGE {
            self.flush()?;
        }
        Ok(())
    }
}

/// The columns of documents to write, as the `write` statement's arrays.
#[derive(Default)]
struct Columns<'a> {
    tables: Vec<&'static str>,
    keys: Vec<&'a str>,
    subjects: Vec<Option<&'a str>>,
    bodies: Vec<&'a str>,
    sealed: Vec<Option<&'a str>>,
    due: Vec<Option<NaiveDate>>,
}

impl<'a> Columns<'a> {
    fn push(&mut self, table: Table, key: &'a str, doc: &'a Doc, due: Option<NaiveDate>) {
        self.tables.push(table.name());
        self.keys.push(key);
        self.subjects.push(doc.subject.as_deref());
        self.bodies.push(&doc.body);
        self.sealed.push(doc.sealed.as_deref());
        self.due.push(due);
    }
}

fn doc_of(row: &postgres::Row, at: usize) -> Result<Doc, StoreError> {
    Ok(Doc {
        subject: row.try_get(at).map_err(backend)?,
        body: row.try_get(at + 1).map_err(backend)?,
        sealed: row.try_get(at + 2).map_err(backend)?,
    })
}

impl Transaction for PgTx<'_> {
    fn get(&mut self, table: Table, key: &str) -> Result<Option<Doc>, StoreError> {
        // A document put in this transaction is the one it reads; the
        // pending writes of others do not change this one.
        if let Some(Write::Put { doc, .. }) = self.pending.get(&(table, key.to_owned())) {
            return Ok(Some(doc.clone()));
        }
        if key.contains('\0') {
            // No such key can be stored.
            return Ok(None);
        }
        self.tx
            .query_opt(&self.st.get, &[&table.name(), &key])
            .map_err(|e| self.fail(e))?
            .map(|row| doc_of(&row, 0))
            .transpose()
    }

    fn put(&mut self, table: Table, key: &str, doc: Doc) -> Result<(), StoreError> {
        check_text(table, key, &doc)?;
        let slot = (table, key.to_owned());
        let due = match self.pending.get(&slot) {
            Some(Write::Put { due, .. }) => *due,
            // A due day set on a stored document, which this put replaces
            // (keeping the day) or creates (with none): sent first.
            Some(Write::Due(_)) => {
                self.flush()?;
                None
            }
            None => None,
        };
        self.pending.insert(slot, Write::Put { doc, due });
        self.flush_if_full()
    }

    fn delete(&mut self, table: Table, key: &str) -> Result<bool, StoreError> {
        // Only this key's pending write is concerned: it is dropped, and the
        // stored document deleted at once (the answer needs the server).
        let put = matches!(
            self.pending.remove(&(table, key.to_owned())),
            Some(Write::Put { .. })
        );
        if key.contains('\0') {
            return Ok(put);
        }
        let n = self
            .tx
            .execute(&self.st.delete, &[&table.name(), &key])
            .map_err(|e| self.fail(e))?;
        Ok(put || n > 0)
    }

    fn delete_many(&mut self, table: Table, keys: &[String]) -> Result<u64, StoreError> {
        // As `delete` on each: their pending writes dropped, the stored
        // documents deleted in one statement; a document counts once,
        // whether it was only pending, only stored, or both.
        let mut gone: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        for key in keys {
            if matches!(
                self.pending.remove(&(table, key.clone())),
                Some(Write::Put { .. })
            ) {
                gone.insert(key);
            }
        }
        let stored: Vec<&str> = keys
            .iter()
            .map(String::as_str)
            .filter(|k| !k.contains('\0'))
            .collect();
        if !stored.is_empty() {
            let rows = self
                .tx
                .query(
                    "DELETE FROM docs WHERE tbl = $1 AND key = ANY($2) RETURNING key",
                    &[&table.name(), &stored],
                )
                .map_err(|e| self.fail(e))?;
            let asked: std::collections::HashSet<&str> = stored.iter().copied().collect();
            for row in &rows {
                let key: &str = row.try_get(0).map_err(backend)?;
                if let Some(k) = asked.get(key) {
                    gone.insert(k);
                }
            }
        }
        Ok(gone.len() as u64)
    }

    fn scan(
        &mut self,
        table: Table,
        subject: Option<&str>,
    ) -> Result<Vec<(String, Doc)>, StoreError> {
        self.flush()?;
        let rows = match subject {
            Some(s) => self.tx.query(&self.st.scan_subject, &[&table.name(), &s]),
            None => self.tx.query(&self.st.scan_all, &[&table.name()]),
        }
        .map_err(|e| self.fail(e))?;
        rows.iter()
            .map(|row| Ok((row.try_get(0).map_err(backend)?, doc_of(row, 1)?)))
            .collect()
    }

    fn scan_subject(
        &mut self,
        subject: &str,
        tables: &[Table],
    ) -> Result<Vec<(Table, String, Doc)>, StoreError> {
        self.flush()?;
        let names: Vec<&str> = tables.iter().map(|t| t.name()).collect();
        let rows = self
            .tx
            .query(&self.st.scan_tables, &[&subject, &names])
            .map_err(|e| self.fail(e))?;
        let mut by_table: Vec<Vec<(String, Doc)>> = vec![Vec::new(); tables.len()];
        for row in &rows {
            let name: String = row.try_get(0).map_err(backend)?;
            let key: String = row.try_get(1).map_err(backend)?;
            let doc = doc_of(row, 2)?;
            // Each table once, in the order asked: rows come by name.
            if let Some(slot) = tables
                .iter()
                .position(|t| t.name() == name)
                .and_then(|i| by_table.get_mut(i))
            {
                slot.push((key, doc));
            }
        }
        Ok(tables
            .iter()
            .zip(by_table)
            .flat_map(|(&table, docs)| docs.into_iter().map(move |(k, d)| (table, k, d)))
            .collect())
    }

    fn next_id(&mut self, table: Table) -> Result<u64, StoreError> {
        let last: i64 = self
            .tx
            .query_one(&self.st.next_id, &[&table.name()])
            .map_err(|e| self.fail(e))?
            .try_get(0)
            .map_err(backend)?;
        to_u64(last)
    }

    fn append_audit(&mut self, entry: String) -> Result<u64, StoreError> {
        let seq: i64 = self
            .tx
            .query_one(&self.st.append_audit, &[&AUDIT_COUNTER, &entry])
            .map_err(|e| self.fail(e))?
            .try_get(0)
            .map_err(backend)?;
        to_u64(seq)
    }

    fn set_due(
        &mut self,
        table: Table,
        key: &str,
        on: Option<NaiveDate>,
    ) -> Result<(), StoreError> {
        if key.contains('\0') {
            // No such key can be stored: nothing to set.
            return Ok(());
        }
        if on.is_some_and(|d| first_pg_day().is_some_and(|first| d < first)) {
            // A day PostgreSQL cannot hold: sent now, so that the server's
            // refusal comes from this call.
            self.flush()?;
            self.tx
                .execute(&self.st.set_due, &[&table.name(), &key, &on])
                .map_err(|e| self.fail(e))?;
            return Ok(());
        }
        match self.pending.get_mut(&(table, key.to_owned())) {
            Some(Write::Put { due, .. }) => *due = Some(on),
            Some(Write::Due(day)) => *day = on,
            None => {
                self.pending.insert((table, key.to_owned()), Write::Due(on));
                self.flush_if_full()?;
            }
        }
        Ok(())
    }

    fn put_many(
        &mut self,
        table: Table,
        docs: Vec<(String, Doc, Option<NaiveDate>)>,
    ) -> Result<(), StoreError> {
        // All refused or none: nothing is written when one is.
        for (key, doc, _) in &docs {
            check_text(table, key, doc)?;
        }
        if docs
            .iter()
            .any(|(_, _, on)| on.is_some_and(|d| first_pg_day().is_some_and(|first| d < first)))
        {
            // A day PostgreSQL cannot hold: put them one by one, so that
            // the refusal comes from here.
            for (key, doc, on) in docs {
                self.put(table, &key, doc)?;
                self.set_due(table, &key, on)?;
            }
            return Ok(());
        }
        // As `put` then `set_due` on each in turn: whatever was pending
        // for the key, the document and its due day are these (the later
        // of two with one key wins). Sent a page at a time.
        for (key, doc, on) in docs {
            self.pending
                .insert((table, key), Write::Put { doc, due: Some(on) });
            self.flush_if_full()?;
        }
        Ok(())
    }

    fn due(
        &mut self,
        table: Table,
        up_to: NaiveDate,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Due>, StoreError> {
        // Before PostgreSQL's first day nothing can be due.
        if first_pg_day().is_some_and(|first| up_to < first) {
            return Ok(Vec::new());
        }
        self.flush()?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self
            .tx
            .query(&self.st.due, &[&table.name(), &up_to, &after, &limit])
            .map_err(|e| self.fail(e))?;
        rows.iter()
            .map(|row| {
                Ok(Due {
                    key: row.try_get(0).map_err(backend)?,
                    subject: row.try_get(1).map_err(backend)?,
                    on: row.try_get(2).map_err(backend)?,
                })
            })
            .collect()
    }

    fn audit_since(&mut self, after: u64) -> Result<Vec<(u64, String)>, StoreError> {
        self.flush()?;
        let after = to_i64(after).unwrap_or(i64::MAX);
        self.tx
            .query(&self.st.audit_since, &[&after])
            .map_err(|e| self.fail(e))?
            .iter()
            .map(|row| {
                let seq: i64 = row.try_get(0).map_err(backend)?;
                Ok((to_u64(seq)?, row.try_get(1).map_err(backend)?))
            })
            .collect()
    }
}

impl Store for PostgresStore {
    fn transact(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.run(work, false)
    }

    /// As [`Store::transact`], in a `READ ONLY` SERIALIZABLE transaction:
    /// the server refuses any write, and can drop what it tracks of the
    /// reads early, so that readers make writers conflict less.
    fn transact_read(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.run(work, true)
    }

    /// The pool's connections, at most 4, unless
    /// [`PostgresStore::with_sweep_concurrency`] said otherwise.
    fn sweep_concurrency(&self) -> usize {
        self.sweep_concurrency
    }
}

impl PostgresStore {
    fn run(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
        read_only: bool,
    ) -> Result<(), StoreError> {
        for attempt in 1..=self.max_attempts {
            let alone = attempt > OPTIMISTIC_ATTEMPTS;
            let mut conn = Pooled {
                store: self,
                conn: Some(self.take()?),
            };
            let Some(c) = conn.conn.as_mut() else {
                return Err(StoreError::backend("no connection"));
            };
            let (outcome, broken) = attempt_once(c, work, alone, read_only);
            conn.release(broken);
            match outcome {
                Attempt::Done(result) => return result,
                Attempt::Conflict if attempt < self.max_attempts => backoff(attempt),
                Attempt::Conflict => {}
            }
        }
        Err(StoreError::Conflict {
            attempts: self.max_attempts,
        })
    }
}

/// How one attempt at a transaction ended.
enum Attempt {
    /// Committed (`Ok`) or failed for good (`Err`).
    Done(Result<(), StoreError>),
    /// Rolled back by a serialization failure or a deadlock: run it again.
    Conflict,
}

/// Whether the server rolled the transaction back for a conflict with a
/// concurrent one, so that running it again may succeed.
fn is_conflict(e: &postgres::Error) -> bool {
    e.code().is_some_and(|code| {
        *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED
    })
}

/// Waits a little before attempt `attempt + 1`, longer each time and
/// jittered, so that transactions that collided do not collide again.
fn backoff(attempt: u32) {
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos() % 1_000))
        .unwrap_or(0);
    let micros = (200u64 << attempt.min(6)) + jitter * u64::from(attempt.min(8));
    std::thread::sleep(Duration::from_micros(micros));
}

/// A connection taken from the pool, given back (or, after a panic in the
/// work or a lost connection, closed) when dropped.
struct Pooled<'a> {
    store: &'a PostgresStore,
    conn: Option<Conn>,
}

impl Pooled<'_> {
    fn release(&mut self, broken: bool) {
        if let Some(conn) = self.conn.take() {
            if broken {
                self.store.forget(conn);
            } else {
                self.store.give_back(conn);
            }
        }
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        // Still held: the work panicked, perhaps in the middle of a
        // transaction and holding the lock; closing the connection makes
        // the server roll back and release everything.
        self.release(true);
    }
}

/// Begins a transaction holding the transaction lock: shared, taken inside
/// the transaction and released by its end (`BEGIN` and the lock in one
/// round trip); or, when `alone`, exclusive, taken for the session before
/// the transaction's snapshot, so that nothing runs beside it.
fn begin(client: &mut Client, alone: bool, read_only: bool) -> Result<(), postgres::Error> {
    let mode = if read_only { " READ ONLY" } else { "" };
    if alone {
        client.batch_execute(&format!(
            "SELECT pg_advisory_lock(hashtextextended(current_schema(), {LOCK_CLASS_TX}))"
        ))?;
        client.batch_execute(&format!("BEGIN ISOLATION LEVEL SERIALIZABLE{mode}"))
    } else {
        client.batch_execute(&format!(
            "BEGIN ISOLATION LEVEL SERIALIZABLE{mode};
             SELECT pg_advisory_xact_lock_shared(hashtextextended(current_schema(), {LOCK_CLASS_TX}))"
        ))
    }
}

/// Ends the transaction with `end` (`COMMIT` or `ROLLBACK`), releasing an
/// exclusive lock too, in one round trip.
fn end_sql(end: &str, alone: bool) -> String {
    if alone {
        format!(
            "{end}; SELECT pg_advisory_unlock(hashtextextended(current_schema(), {LOCK_CLASS_TX}))"
        )
    } else {
        end.to_owned()
    }
}

/// Runs `work` once in a SERIALIZABLE transaction on `conn`, holding the
/// transaction lock shared, or exclusive when `alone`; says too whether the
/// connection is broken (then it is not reused: closing it makes the
/// server roll back and release the lock).
///
/// Usually two round trips besides the work's: `BEGIN` with the lock, and
/// `COMMIT` (or `ROLLBACK`), which releases it; three when writes are still
/// pending at the end (sent before the `COMMIT`, as one statement).
fn attempt_once(
    conn: &mut Conn,
    work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    alone: bool,
    read_only: bool,
) -> (Attempt, bool) {
    let Conn { client, st } = conn;
    if let Err(e) = begin(client, alone, read_only) {
        // The lock may be held without a transaction: not reused.
        return (Attempt::Done(Err(backend(e))), true);
    }
    let mut ptx = PgTx {
        tx: client,
        st,
        conflict: false,
        broken: false,
        failed: false,
        pending: BTreeMap::new(),
    };
    let mut result = work(&mut ptx);
    if result.is_ok() && !ptx.failed {
        // The writes not sent yet, before the `COMMIT`.
        if let Err(e) = ptx.flush() {
            result = Err(e);
        }
    }
    let (conflict, broken, failed) = (ptx.conflict, ptx.broken, ptx.failed);
    if broken {
        // Lost with the connection: the server rolled back and released.
        let outcome = match result {
            Err(_) if conflict => Attempt::Conflict,
            Err(e) => Attempt::Done(Err(e)),
            Ok(()) => Attempt::Done(Err(StoreError::backend(
                "the connection was lost during the transaction",
            ))),
        };
        return (outcome, true);
    }
    let rollback = end_sql("ROLLBACK", alone);
    match result {
        Ok(()) if !failed => {
            match client.batch_execute(&end_sql("COMMIT", alone)) {
                Ok(()) => (Attempt::Done(Ok(())), false),
                Err(e) => {
                    // The commit failed: the unlock after it was not run.
                    let outcome = if is_conflict(&e) {
                        Attempt::Conflict
                    } else {
                        Attempt::Done(Err(backend(e)))
                    };
                    let kept = client.batch_execute(&rollback).is_ok();
                    (outcome, !kept)
                }
            }
        }
        // The work may have turned the conflict into its own error (or
        // gone on after a failed statement): the store saw it, and runs
        // the work again.
        Ok(()) | Err(_) if conflict => {
            let kept = client.batch_execute(&rollback).is_ok();
            (Attempt::Conflict, !kept)
        }
        Ok(()) => {
            let kept = client.batch_execute(&rollback).is_ok();
            (
                Attempt::Done(Err(StoreError::backend(
                    "a statement of the transaction failed; nothing was written",
                ))),
                !kept,
            )
        }
        Err(e) => {
            let kept = client.batch_execute(&rollback).is_ok();
            (Attempt::Done(Err(e)), !kept)
        }
    }
}
