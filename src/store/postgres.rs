//! A store on PostgreSQL (feature `postgres`), through the sync `postgres`
//! client over a small pool of connections.

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

/// How many documents one statement of [`Transaction::put_many`] writes.
const PUT_PAGE: usize = 1_000;

/// How many attempts run alongside others before one runs alone.
const OPTIMISTIC_ATTEMPTS: u32 = 2;

/// How many times a transaction runs before [`StoreError::Conflict`], unless
/// [`PostgresStore::with_max_attempts`] says otherwise.
const MAX_ATTEMPTS: u32 = 12;

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
/// taken for the session before its snapshot. A connection lost in the middle of a
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
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The configuration may hold a password: only its shape is shown.
        f.debug_struct("PostgresStore")
            .field("hosts", &self.config.get_hosts().len())
            .field("dbname", &self.config.get_dbname())
            .field("max_connections", &self.max_connections)
            .field("max_attempts", &self.max_attempts)
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
    put_many: Statement,
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
            // Many documents in one statement (issue 19: one round trip per
            // page of a bulk load, not two per document).
            put_many: p("INSERT INTO docs (tbl, key, subject, body, sealed, due)
                 SELECT $1, k, s, b, x, d
                 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::date[])
                     AS t(k, s, b, x, d)
                 ON CONFLICT (tbl, key) DO UPDATE SET subject = excluded.subject,
                     body = excluded.body, sealed = excluded.sealed, due = excluded.due")?,
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
        })
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
    // Writes not sent yet (`put`, `set_due`), as SQL text: sent in one round
    // trip before the next read of documents, or with the `COMMIT`.
    pending: String,
}

/// Pending writes past this many bytes are sent at once.
const PENDING_LIMIT: usize = 4 << 20;

/// `text` as an SQL string literal: an escape string (`E'…'`), read the same
/// whatever `standard_conforming_strings` says, with `\` and `'` doubled.
/// PostgreSQL text cannot hold NUL, and the simple query protocol ends a
/// query at one: refused.
fn literal(text: &str) -> Result<String, StoreError> {
    if text.contains('\0') {
        return Err(StoreError::backend(
            "a document's text holds a NUL character, which PostgreSQL cannot store",
        ));
    }
    Ok(format!(
        "E'{}'",
        text.replace('\\', "\\\\").replace('\'', "''")
    ))
}

fn literal_or_null(text: Option<&str>) -> Result<String, StoreError> {
    text.map_or_else(|| Ok("NULL".to_owned()), literal)
}

impl PgTx<'_> {
    fn fail(&mut self, e: postgres::Error) -> StoreError {
        self.failed = true;
        self.conflict |= is_conflict(&e);
        self.broken |= e.as_db_error().is_none();
        backend(e)
    }

    /// Sends the pending writes.
    fn flush(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let sql = std::mem::take(&mut self.pending);
        self.tx.batch_execute(&sql).map_err(|e| self.fail(e))
    }

    fn push(&mut self, statement: &str) -> Result<(), StoreError> {
        self.pending.push_str(statement);
        self.pending.push_str(";\n");
        if self.pending.len() > PENDING_LIMIT {
            self.flush()?;
        }
        Ok(())
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
        self.flush()?;
        self.tx
            .query_opt(&self.st.get, &[&table.name(), &key])
            .map_err(|e| self.fail(e))?
            .map(|row| doc_of(&row, 0))
            .transpose()
    }

    fn put(&mut self, table: Table, key: &str, doc: Doc) -> Result<(), StoreError> {
        // Sent with the next read or the commit (one round trip for a
        // transaction's writes, not one each).
        let statement = format!(
            "INSERT INTO docs (tbl, key, subject, body, sealed) VALUES ({}, {}, {}, {}, {})
             ON CONFLICT (tbl, key) DO UPDATE SET subject = excluded.subject,
                 body = excluded.body, sealed = excluded.sealed",
            literal(table.name())?,
            literal(key)?,
            literal_or_null(doc.subject.as_deref())?,
            literal(&doc.body)?,
            literal_or_null(doc.sealed.as_deref())?,
        );
        self.push(&statement)
    }

    fn delete(&mut self, table: Table, key: &str) -> Result<bool, StoreError> {
        self.flush()?;
        let n = self
            .tx
            .execute(&self.st.delete, &[&table.name(), &key])
            .map_err(|e| self.fail(e))?;
        Ok(n > 0)
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
        use chrono::Datelike;
        // A day of years 1 to 9999 has an ISO 8601 literal PostgreSQL reads:
        // sent with the other writes; any other day bound as a parameter.
        let day = match on {
            None => Some("NULL".to_owned()),
            Some(d) if (1..=9999).contains(&d.year()) => {
                Some(format!("DATE '{}'", d.format("%Y-%m-%d")))
            }
            Some(_) => None,
        };
        if let Some(day) = day {
            let statement = format!(
                "UPDATE docs SET due = {day} WHERE tbl = {} AND key = {}",
                literal(table.name())?,
                literal(key)?
            );
            return self.push(&statement);
        }
        self.flush()?;
        self.tx
            .execute(&self.st.set_due, &[&table.name(), &key, &on])
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    fn put_many(
        &mut self,
        table: Table,
        docs: Vec<(String, Doc, Option<NaiveDate>)>,
    ) -> Result<(), StoreError> {
        self.flush()?;
        // One statement may not change a row twice: the later of two
        // documents with one key wins, as with `put` in turn.
        let mut last = std::collections::HashMap::with_capacity(docs.len());
        for (i, (key, _, _)) in docs.iter().enumerate() {
            last.insert(key.clone(), i);
        }
        let docs: Vec<_> = docs
            .into_iter()
            .enumerate()
            .filter(|(i, (key, _, _))| last.get(key) == Some(i))
            .map(|(_, d)| d)
            .collect();
        for page in docs.chunks(PUT_PAGE) {
            let keys: Vec<&str> = page.iter().map(|(k, _, _)| k.as_str()).collect();
            let subjects: Vec<Option<&str>> =
                page.iter().map(|(_, d, _)| d.subject.as_deref()).collect();
            let bodies: Vec<&str> = page.iter().map(|(_, d, _)| d.body.as_str()).collect();
            let sealed: Vec<Option<&str>> =
                page.iter().map(|(_, d, _)| d.sealed.as_deref()).collect();
            let due: Vec<Option<NaiveDate>> = page.iter().map(|(_, _, on)| *on).collect();
            self.tx
                .execute(
                    &self.st.put_many,
                    &[&table.name(), &keys, &subjects, &bodies, &sealed, &due],
                )
                .map_err(|e| self.fail(e))?;
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
        // PostgreSQL's dates start on 4714-11-24 BC (year -4713): before
        // that nothing can be due. (Its last date is past chrono's.)
        if NaiveDate::from_ymd_opt(-4713, 11, 24).is_some_and(|first| up_to < first) {
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
/// `COMMIT` (or `ROLLBACK`), which releases it.
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
        pending: String::new(),
    };
    let result = work(&mut ptx);
    let (conflict, broken, failed) = (ptx.conflict, ptx.broken, ptx.failed);
    // The writes not sent yet go with the `COMMIT`, in one round trip.
    let pending = std::mem::take(&mut ptx.pending);
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
            match client.batch_execute(&format!("{pending}{}", end_sql("COMMIT", alone))) {
                Ok(()) => (Attempt::Done(Ok(())), false),
                Err(e) => {
                    // A pending write or the commit failed: what followed it
                    // (the commit, the unlock) was not run.
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
