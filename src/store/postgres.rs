//! A store on PostgreSQL (feature `postgres`), through the sync `postgres`
//! client over a small pool of connections.

use std::fmt;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use postgres::{Client, Config, NoTls, Statement};

use super::{Doc, Store, StoreError, Table, Transaction};

/// The schema migrations, in order; migration `i` takes the schema from
/// version `i` to `i + 1` (the row of `schema_version`).
const MIGRATIONS: &[&str] = &[include_str!("migrations/postgres/0001_documents.sql")];

/// The first key of the advisory locks this store takes (ASCII "soci").
const LOCK_CLASS: i32 = 0x736f_6369;
/// The second key of the lock that serializes migrations of one schema is
/// `hashtext(current_schema())`; this one serializes transactions.
const LOCK_WRITE: i32 = 1;

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
/// Every [`Store::transaction`] is one PostgreSQL transaction: each facade
/// operation is atomic and durable, and transactions are serialized with
/// respect to each other.
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
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The configuration may hold a password: only its shape is shown.
        f.debug_struct("PostgresStore")
            .field("hosts", &self.config.get_hosts().len())
            .field("dbname", &self.config.get_dbname())
            .field("max_connections", &self.max_connections)
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
    put: Statement,
    delete: Statement,
    scan_subject: Statement,
    scan_all: Statement,
    next_id: Statement,
    append_audit: Statement,
    audit_since: Statement,
}

impl Statements {
    fn prepare(client: &mut Client) -> Result<Self, StoreError> {
        let mut p = |sql: &str| client.prepare(sql).map_err(backend);
        Ok(Self {
            get: p("SELECT subject, body, sealed FROM docs WHERE tbl = $1 AND key = $2")?,
            put: p(
                "INSERT INTO docs (tbl, key, subject, body, sealed) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (tbl, key) DO UPDATE SET subject = excluded.subject,
                     body = excluded.body, sealed = excluded.sealed",
            )?,
            delete: p("DELETE FROM docs WHERE tbl = $1 AND key = $2")?,
            scan_subject: p("SELECT key, subject, body, sealed FROM docs
                 WHERE tbl = $1 AND subject = $2 ORDER BY key")?,
            scan_all: p("SELECT key, subject, body, sealed FROM docs WHERE tbl = $1 ORDER BY key")?,
            next_id: p("INSERT INTO counters (tbl, last) VALUES ($1, 1)
                 ON CONFLICT (tbl) DO UPDATE SET last = counters.last + 1 RETURNING last")?,
            append_audit: p("WITH n AS (
                     INSERT INTO counters (tbl, last) VALUES ($1, 1)
                     ON CONFLICT (tbl) DO UPDATE SET last = counters.last + 1 RETURNING last)
                 INSERT INTO audit (seq, entry) SELECT last, $2 FROM n RETURNING seq")?,
            audit_since: p("SELECT seq, entry FROM audit WHERE seq > $1 ORDER BY seq")?,
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
        })
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
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))",
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

struct PgTx<'a, 'c> {
    tx: &'a mut postgres::Transaction<'c>,
    st: &'a Statements,
}

fn doc_of(row: &postgres::Row, at: usize) -> Result<Doc, StoreError> {
    Ok(Doc {
        subject: row.try_get(at).map_err(backend)?,
        body: row.try_get(at + 1).map_err(backend)?,
        sealed: row.try_get(at + 2).map_err(backend)?,
    })
}

impl Transaction for PgTx<'_, '_> {
    fn get(&mut self, table: Table, key: &str) -> Result<Option<Doc>, StoreError> {
        self.tx
            .query_opt(&self.st.get, &[&table.name(), &key])
            .map_err(backend)?
            .map(|row| doc_of(&row, 0))
            .transpose()
    }

    fn put(&mut self, table: Table, key: &str, doc: Doc) -> Result<(), StoreError> {
        self.tx
            .execute(
                &self.st.put,
                &[&table.name(), &key, &doc.subject, &doc.body, &doc.sealed],
            )
            .map_err(backend)?;
        Ok(())
    }

    fn delete(&mut self, table: Table, key: &str) -> Result<bool, StoreError> {
        let n = self
            .tx
            .execute(&self.st.delete, &[&table.name(), &key])
            .map_err(backend)?;
        Ok(n > 0)
    }

    fn scan(
        &mut self,
        table: Table,
        subject: Option<&str>,
    ) -> Result<Vec<(String, Doc)>, StoreError> {
        let rows = match subject {
            Some(s) => self.tx.query(&self.st.scan_subject, &[&table.name(), &s]),
            None => self.tx.query(&self.st.scan_all, &[&table.name()]),
        }
        .map_err(backend)?;
        rows.iter()
            .map(|row| Ok((row.try_get(0).map_err(backend)?, doc_of(row, 1)?)))
            .collect()
    }

    fn next_id(&mut self, table: Table) -> Result<u64, StoreError> {
        let last: i64 = self
            .tx
            .query_one(&self.st.next_id, &[&table.name()])
            .map_err(backend)?
            .try_get(0)
            .map_err(backend)?;
        to_u64(last)
    }

    fn append_audit(&mut self, entry: String) -> Result<u64, StoreError> {
        let seq: i64 = self
            .tx
            .query_one(&self.st.append_audit, &[&AUDIT_COUNTER, &entry])
            .map_err(backend)?
            .try_get(0)
            .map_err(backend)?;
        to_u64(seq)
    }

    fn audit_since(&mut self, after: u64) -> Result<Vec<(u64, String)>, StoreError> {
        let after = to_i64(after).unwrap_or(i64::MAX);
        self.tx
            .query(&self.st.audit_since, &[&after])
            .map_err(backend)?
            .iter()
            .map(|row| {
                let seq: i64 = row.try_get(0).map_err(backend)?;
                Ok((to_u64(seq)?, row.try_get(1).map_err(backend)?))
            })
            .collect()
    }
}

impl Store for PostgresStore {
    fn transaction<R, E>(
        &self,
        work: impl FnOnce(&mut dyn Transaction) -> Result<R, E>,
    ) -> Result<R, E>
    where
        E: From<StoreError>,
    {
        let mut conn = self.take()?;
        let result = run(&mut conn, work);
        self.give_back(conn);
        result
    }
}

/// Runs `work` in one transaction on `conn`. Transactions take one
/// transaction-scoped advisory lock first, so they run one at a time across
/// every process using the database; each statement (READ COMMITTED) then
/// sees every earlier commit.
fn run<R, E>(
    conn: &mut Conn,
    work: impl FnOnce(&mut dyn Transaction) -> Result<R, E>,
) -> Result<R, E>
where
    E: From<StoreError>,
{
    let Conn { client, st } = conn;
    let mut tx = client.transaction().map_err(backend)?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&LOCK_CLASS, &LOCK_WRITE],
    )
    .map_err(backend)?;
    // An `Err` (or a panic) drops `tx`, which rolls back.
    let result = work(&mut PgTx { tx: &mut tx, st })?;
    tx.commit().map_err(backend)?;
    Ok(result)
}
