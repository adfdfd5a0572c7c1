//! The PostgreSQL store against a real server (issue 19): the conformance
//! kit, the model-based test, the schema's versioning and the audit log's
//! protection in the database. Set `SOCIAL_CREDIT_PG_URL` (e.g.
//! `postgres://postgres@127.0.0.1/test`) to run them; without it each test
//! says it was skipped and passes.
#![cfg(all(feature = "postgres", feature = "test-kit"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pg;

use social_credit::store::{dump, kit, Doc, PostgresStore, Store, StoreError, Table};

#[test]
fn postgres_store_conforms() {
    let Some(schemas) = pg::schemas("conforms") else {
        return;
    };
    kit::conformance(|| schemas.store()).unwrap();
}

#[test]
fn postgres_store_matches_the_model() {
    let Some(schemas) = pg::schemas("model") else {
        return;
    };
    kit::model_based(|| schemas.store_with(2), 24).unwrap();
}

fn entry(n: i64) -> String {
    serde_json::json!({ "n": n }).to_string()
}

#[test]
fn data_survives_reconnecting_and_the_schema_is_versioned() {
    let Some(schemas) = pg::schemas("versioned") else {
        return;
    };
    let schema = schemas.fresh();
    {
        let store = PostgresStore::with_config(schemas.config_for(&schema), 2).unwrap();
        assert_eq!(store.schema_version().unwrap(), 1);
        store
            .transaction(|tx| {
                tx.put(
                    Table::Records,
                    "k",
                    Doc {
                        subject: Some("s".into()),
                        body: entry(1),
                        sealed: Some(serde_json::json!("secret").to_string()),
                    },
                )?;
                tx.append_audit(entry(2))?;
                tx.next_id(Table::Records)
            })
            .unwrap();
    }
    // Connecting again migrates nothing and finds everything.
    let store = PostgresStore::with_config(schemas.config_for(&schema), 2).unwrap();
    let d = dump(&store).unwrap();
    assert_eq!(
        d.tables[&Table::Records]["k"].sealed,
        Some(serde_json::json!("secret").to_string())
    );
    assert_eq!(d.audit, vec![(1, entry(2))]);
    assert_eq!(
        store.transaction(|tx| tx.next_id(Table::Records)).unwrap(),
        2
    );
    // Debug output names no connection detail beyond the database.
    assert!(!format!("{store:?}").contains("password"));
    drop(store);

    // A schema from a newer crate is refused, not misread.
    schemas
        .admin()
        .batch_execute(&format!("UPDATE {schema}.schema_version SET version = 99"))
        .unwrap();
    let refused = PostgresStore::with_config(schemas.config_for(&schema), 2);
    assert!(
        matches!(
            refused,
            Err(StoreError::SchemaTooNew {
                found: 99,
                supported: 1
            })
        ),
        "{refused:?}"
    );
}

#[test]
fn the_audit_table_refuses_changes_in_the_database() {
    let Some(schemas) = pg::schemas("audit") else {
        return;
    };
    let schema = schemas.fresh();
    let store = PostgresStore::with_config(schemas.config_for(&schema), 1).unwrap();
    store.transaction(|tx| tx.append_audit(entry(1))).unwrap();
    // Even the owner (a superuser here) cannot change or remove an entry.
    let mut admin = schemas.admin();
    for sql in [
        format!("UPDATE {schema}.audit SET entry = 'changed'"),
        format!("DELETE FROM {schema}.audit"),
        format!("TRUNCATE {schema}.audit"),
    ] {
        let err = admin.batch_execute(&sql).unwrap_err();
        assert!(format!("{err:?}").contains("append-only"), "{sql}: {err:?}");
    }
    drop(admin);
    assert_eq!(dump(&store).unwrap().audit, vec![(1, entry(1))]);
}

#[test]
fn a_service_role_may_append_to_the_audit_log_but_not_change_it() {
    let Some(schemas) = pg::schemas("grant") else {
        return;
    };
    let schema = schemas.fresh();
    let role = format!("{schema}_svc");
    schemas
        .admin()
        .batch_execute(&format!("CREATE ROLE {role} LOGIN"))
        .unwrap();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let owner = PostgresStore::with_config(schemas.config_for(&schema), 1).unwrap();
        owner.grant_to(&role).unwrap();
        let mut config = schemas.config_for(&schema);
        config.user(&role);
        let service = PostgresStore::with_config(config.clone(), 1).unwrap();
        service.transaction(|tx| tx.append_audit(entry(1))).unwrap();
        service
            .transaction(|tx| {
                tx.put(
                    Table::Records,
                    "k",
                    Doc {
                        subject: None,
                        body: entry(2),
                        sealed: None,
                    },
                )
            })
            .unwrap();
        let mut client = config.connect(postgres::NoTls).unwrap();
        for sql in [
            "UPDATE audit SET entry = 'changed'",
            "DELETE FROM audit",
            "TRUNCATE audit",
            "DROP TRIGGER audit_is_append_only_row ON audit",
        ] {
            let err = client.batch_execute(sql).unwrap_err();
            let text = format!("{err:?}");
            assert!(
                text.contains("permission denied") || text.contains("must be owner"),
                "{sql}: {text}"
            );
        }
        assert_eq!(dump(&service).unwrap().audit, vec![(1, entry(1))]);
    }));
    schemas
        .admin()
        .batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role}"))
        .unwrap();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
