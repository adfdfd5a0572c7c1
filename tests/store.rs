//! Both stores pass the conformance kit (issue 7).
#![cfg(feature = "test-kit")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use social_credit::store::{kit, MemoryStore};

#[test]
fn memory_store_conforms() {
    kit::conformance(MemoryStore::new).unwrap();
}

#[test]
fn memory_store_matches_the_model() {
    kit::model_based(MemoryStore::new, 128).unwrap();
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use social_credit::store::{dump, kit, Doc, SqliteStore, Store, StoreError, Table};

    fn in_memory() -> SqliteStore {
        SqliteStore::open_in_memory().unwrap()
    }

    #[test]
    fn sqlite_store_conforms_in_memory() {
        kit::conformance(in_memory).unwrap();
    }

    #[test]
    fn sqlite_store_matches_the_model() {
        kit::model_based(in_memory, 64).unwrap();
    }

    #[test]
    fn sqlite_store_conforms_on_a_file() {
        let dir = tempdir();
        let n = std::sync::atomic::AtomicUsize::new(0);
        kit::conformance(|| {
            let i = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            SqliteStore::open(dir.join(format!("conformance-{i}.sqlite"))).unwrap()
        })
        .unwrap();
    }

    fn tempdir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "social-credit-test-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn data_survives_reopening_and_schema_is_versioned() {
        let dir = tempdir();
        let path = dir.join("registry.sqlite");
        {
            let store = SqliteStore::open(&path).unwrap();
            assert_eq!(store.schema_version().unwrap(), 3);
            store
                .transaction(|tx| {
                    tx.put(
                        Table::Records,
                        "k",
                        Doc {
                            subject: Some("s".into()),
                            body: serde_json::json!({"a": 1}).to_string(),
                            sealed: Some(serde_json::json!("secret").to_string()),
                        },
                    )?;
                    tx.append_audit(serde_json::json!("entry").to_string())?;
                    tx.next_id(Table::Records)
                })
                .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let d = dump(&store).unwrap();
        assert_eq!(
            d.tables[&Table::Records]["k"].sealed,
            Some(serde_json::json!("secret").to_string())
        );
        assert_eq!(d.audit.len(), 1);
        assert_eq!(
            store.transaction(|tx| tx.next_id(Table::Records)).unwrap(),
            2
        );
        drop(store);

        // A database from a newer crate is refused, not misread.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        assert!(matches!(
            SqliteStore::open(&path),
            Err(StoreError::SchemaTooNew {
                found: 99,
                supported: 3
            })
        ));
    }

    #[test]
    fn a_version_1_database_migrates_with_its_data() {
        let dir = tempdir();
        let path = dir.join("v1.sqlite");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch(include_str!("../src/store/migrations/0001_documents.sql"))
                .unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO docs (tbl, key, subject, body, sealed) VALUES ('records', 'k', 's', '{\"a\":1}', '\"x\"')",
                [],
            )
            .unwrap();
            conn.execute("INSERT INTO audit (seq, entry) VALUES (1, '\"old\"')", [])
                .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), 3);
        let d = dump(&store).unwrap();
        assert_eq!(d.tables[&Table::Records]["k"].body, "{\"a\":1}");
        assert_eq!(
            d.tables[&Table::Records]["k"].sealed,
            Some("\"x\"".to_owned())
        );
        assert_eq!(d.audit, vec![(1, serde_json::json!("old").to_string())]);
        // It goes on numbering the audit log after the migrated entry.
        store
            .transaction(|tx| tx.append_audit(serde_json::json!("new").to_string()))
            .map(|seq| assert_eq!(seq, 2))
            .unwrap();
    }

    #[test]
    fn the_audit_table_refuses_changes() {
        let dir = tempdir();
        let path = dir.join("audit.sqlite");
        let store = SqliteStore::open(&path).unwrap();
        store
            .transaction(|tx| tx.append_audit(serde_json::json!("kept").to_string()))
            .unwrap();
        drop(store);
        let conn = rusqlite::Connection::open(&path).unwrap();
        let update = conn.execute("UPDATE audit SET entry = '\"changed\"'", []);
        let delete = conn.execute("DELETE FROM audit", []);
        assert!(update.unwrap_err().to_string().contains("append-only"));
        assert!(delete.unwrap_err().to_string().contains("append-only"));
    }
}

/// The `Store` trait is object-safe (issue 21): a registry over a boxed
/// store, and two registries sharing one store through an `Arc`, each
/// seeing the other's writes.
#[test]
fn registries_share_one_store_through_an_arc_and_hold_a_boxed_one() {
    use social_credit::registry::Registry;
    use social_credit::store::{Doc, Store, Table};
    use std::sync::Arc;

    let shared = Arc::new(MemoryStore::new());
    let a = Registry::official(Arc::clone(&shared));
    let b = Registry::official(Arc::clone(&shared));
    a.store()
        .transaction(|tx| {
            tx.put(
                Table::Subjects,
                "k",
                Doc {
                    subject: None,
                    body: "1".into(),
                    sealed: None,
                },
            )
        })
        .unwrap();
    let seen = b
        .store()
        .transaction(|tx| tx.get(Table::Subjects, "k"))
        .unwrap();
    assert_eq!(seen.map(|d| d.body), Some("1".to_owned()));

    let boxed: Box<dyn Store> = Box::new(MemoryStore::new());
    let r = Registry::official(boxed);
    assert!(r.audit_log(0).unwrap().is_empty());
    kit::conformance(|| Box::new(MemoryStore::new()) as Box<dyn Store>).unwrap();
}
