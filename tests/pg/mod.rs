//! PostgreSQL test support: each store lives in a schema of its own, made
//! for it and dropped when the test ends, so tests and test runs never see
//! each other's data. The server comes from `SOCIAL_CREDIT_PG_URL`; without
//! it the tests say they were skipped and pass.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use postgres::{Client, Config, NoTls};
use social_credit::store::PostgresStore;

/// The variable the PostgreSQL tests read.
pub const URL_VAR: &str = "SOCIAL_CREDIT_PG_URL";

/// Schemas made for one test, dropped when it ends.
pub struct Schemas {
    config: Config,
    admin: Mutex<Client>,
    made: Mutex<Vec<String>>,
    prefix: String,
    next: AtomicUsize,
}

/// The server's schemas for `test`, or `None` (having said so) when no
/// server is configured.
pub fn schemas(test: &str) -> Option<Schemas> {
    let Ok(url) = std::env::var(URL_VAR) else {
        println!("skipped {test}: {URL_VAR} is not set (e.g. {URL_VAR}=postgres://postgres@127.0.0.1/test)");
        return None;
    };
    let config: Config = url
        .parse()
        .expect("SOCIAL_CREDIT_PG_URL is not a connection string");
    let admin = config
        .connect(NoTls)
        .unwrap_or_else(|e| panic!("{URL_VAR} is set but the server cannot be reached: {e}"));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        % 1_000_000_000_000;
    Some(Schemas {
        config,
        admin: Mutex::new(admin),
        made: Mutex::new(Vec::new()),
        prefix: format!(
            "sc_{}_{}_{nanos}",
            test.chars().take(20).collect::<String>(),
            std::process::id()
        ),
        next: AtomicUsize::new(0),
    })
}

impl Schemas {
    /// A new empty schema's name.
    pub fn fresh(&self) -> String {
        let name = format!(
            "{}_{}",
            self.prefix,
            self.next.fetch_add(1, Ordering::SeqCst)
        );
        self.admin
            .lock()
            .unwrap()
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .unwrap();
        self.made.lock().unwrap().push(name.clone());
        name
    }

    /// A connection configuration whose current schema is `schema`.
    pub fn config_for(&self, schema: &str) -> Config {
        let mut config = self.config.clone();
        config.options(&format!("-c search_path={schema}"));
        config
    }

    /// A store in a new empty schema.
    pub fn store(&self) -> PostgresStore {
        self.store_with(8)
    }

    /// A store in a new empty schema with up to `connections` connections.
    pub fn store_with(&self, connections: usize) -> PostgresStore {
        let schema = self.fresh();
        PostgresStore::with_config(self.config_for(&schema), connections).unwrap()
    }

    /// Runs SQL as the administrator.
    pub fn admin(&self) -> std::sync::MutexGuard<'_, Client> {
        self.admin.lock().unwrap()
    }
}

impl Drop for Schemas {
    fn drop(&mut self) {
        let made = std::mem::take(&mut *self.made.lock().unwrap());
        let mut admin = self.admin.lock().unwrap_or_else(|e| e.into_inner());
        for name in made {
            // The stores' own connections may still be open (a store the
            // test leaked): drop what can be dropped, say what cannot.
            if let Err(e) = admin.batch_execute(&format!("DROP SCHEMA {name} CASCADE")) {
                eprintln!("could not drop test schema {name}: {e}");
            }
        }
    }
}
