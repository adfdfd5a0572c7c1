//! The PostgreSQL store against a real server (issue 19): the conformance
//! kit, the model-based test, the schema's versioning and the audit log's
//! protection in the database. Set `SOCIAL_CREDIT_PG_URL` (e.g.
//! `postgres://postgres@127.0.0.1/test`) to run them; without it each test
//! says it was skipped and passes.
#![cfg(all(feature = "postgres", feature = "test-kit"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::registry::who;

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

/// One operation on documents and their due days, for comparing the
/// PostgreSQL store's pending writes with the memory store.
#[derive(Debug, Clone)]
enum DocOp {
    Put(u8, i64),
    SetDue(u8, Option<u32>),
    Delete(u8),
    PutMany(Vec<(u8, i64, Option<u32>)>),
    Get(u8),
    Due(u32),
    Scan,
}

fn doc_op() -> impl proptest::strategy::Strategy<Value = DocOp> {
    use proptest::prelude::*;
    let day = prop::option::of(1u32..6);
    prop_oneof![
        (0u8..4, any::<i64>()).prop_map(|(k, n)| DocOp::Put(k, n)),
        (0u8..4, day.clone()).prop_map(|(k, d)| DocOp::SetDue(k, d)),
        (0u8..4).prop_map(DocOp::Delete),
        prop::collection::vec((0u8..4, any::<i64>(), day), 0..4).prop_map(DocOp::PutMany),
        (0u8..4).prop_map(DocOp::Get),
        (1u32..6).prop_map(DocOp::Due),
        Just(DocOp::Scan),
    ]
}

/// What an operation answered, as text both stores produce alike.
fn apply_doc_op(
    tx: &mut dyn social_credit::store::Transaction,
    op: &DocOp,
) -> Result<String, StoreError> {
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2020, 1, d).unwrap();
    let key = |k: u8| format!("k{k}");
    let doc = |n: i64| Doc {
        subject: Some(format!("s{}", n.rem_euclid(2))),
        body: n.to_string(),
        sealed: None,
    };
    let t = Table::Records;
    Ok(match op {
        DocOp::Put(k, n) => format!("{:?}", tx.put(t, &key(*k), doc(*n))?),
        DocOp::SetDue(k, d) => format!("{:?}", tx.set_due(t, &key(*k), d.map(day))?),
        DocOp::Delete(k) => format!("{:?}", tx.delete(t, &key(*k))?),
        DocOp::PutMany(docs) => format!(
            "{:?}",
            tx.put_many(
                t,
                docs.iter()
                    .map(|(k, n, d)| (key(*k), doc(*n), d.map(day)))
                    .collect()
            )?
        ),
        DocOp::Get(k) => format!("{:?}", tx.get(t, &key(*k))?.map(|d| d.body)),
        DocOp::Due(d) => format!(
            "{:?}",
            tx.due(t, day(*d), None, 10)?
                .into_iter()
                .map(|d| (d.key, d.subject, d.on))
                .collect::<Vec<_>>()
        ),
        DocOp::Scan => format!(
            "{:?}",
            tx.scan(t, None)?
                .into_iter()
                .map(|(k, d)| (k, d.body))
                .collect::<Vec<_>>()
        ),
    })
}

/// A transaction's work, as `Store::transact` takes it.
type Work<'a> =
    &'a mut dyn FnMut(&mut dyn social_credit::store::Transaction) -> Result<(), StoreError>;

/// Puts, due days, deletes and bulk puts of the same few keys, in any order
/// within a transaction (the PostgreSQL store keeps its writes pending, one
/// per key, and sends them before the next range read or the commit),
/// answer and leave the documents and due days as the memory store does.
#[test]
fn pending_writes_of_one_key_in_any_order_match_the_memory_store() {
    use proptest::prelude::*;
    let Some(schemas) = pg::schemas("pending") else {
        return;
    };
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 48,
        failure_persistence: None,
        ..Default::default()
    });
    let strategy = prop::collection::vec(
        (prop::collection::vec(doc_op(), 1..10), any::<bool>()),
        1..5,
    );
    runner
        .run(&strategy, |transactions| {
            let pg = schemas.store_with(1);
            let memory = social_credit::store::MemoryStore::new();
            for (ops, commit) in &transactions {
                let run = |store: &dyn Fn(Work<'_>) -> Result<(), StoreError>| {
                    let mut answers = Vec::new();
                    let result = store(&mut |tx| {
                        answers = ops
                            .iter()
                            .map(|op| apply_doc_op(tx, op))
                            .collect::<Result<Vec<_>, _>>()?;
                        if *commit {
                            Ok(())
                        } else {
                            Err(StoreError::WorkFailed)
                        }
                    });
                    (answers, result.is_ok())
                };
                let got = run(&|w| pg.transact(w));
                let expected = run(&|w| memory.transact(w));
                prop_assert_eq!(got, expected, "{:?}", ops);
                prop_assert_eq!(dump(&pg).unwrap(), dump(&memory).unwrap());
            }
            Ok(())
        })
        .unwrap();
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
        assert_eq!(store.schema_version().unwrap(), 3);
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
                supported: 3
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

/// Runs `f` on `threads` threads per store, all at once.
fn on_threads<S: Sync, R: Send>(
    stores: &[S],
    threads: usize,
    f: impl Fn(&S) -> R + Sync,
) -> Vec<R> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = stores
            .iter()
            .flat_map(|store| (0..threads).map(move |_| store))
            .map(|store| scope.spawn(|| f(store)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Two pools (separate connections, as two processes would have) read,
/// change and write the same document and draw identifiers at once: at
/// SERIALIZABLE with retries no increment is lost and no identifier is
/// handed out twice.
#[test]
fn two_pools_writing_the_same_document_lose_no_update_and_share_no_id() {
    let Some(schemas) = pg::schemas("lost_update") else {
        return;
    };
    let schema = schemas.fresh();
    let stores = [
        PostgresStore::with_config(schemas.config_for(&schema), 4).unwrap(),
        PostgresStore::with_config(schemas.config_for(&schema), 4).unwrap(),
    ];
    let per_thread = 25;
    let ids: Vec<Vec<u64>> = on_threads(&stores, 4, |store| {
        (0..per_thread)
            .map(|_| {
                store
                    .transaction(|tx| {
                        let n: i64 = match tx.get(Table::Subjects, "tally")? {
                            Some(doc) => doc.body.parse().unwrap(),
                            None => 0,
                        };
                        tx.put(
                            Table::Subjects,
                            "tally",
                            Doc {
                                subject: Some("s".into()),
                                body: (n + 1).to_string(),
                                sealed: None,
                            },
                        )?;
                        tx.append_audit(entry(n))?;
                        tx.next_id(Table::Records)
                    })
                    .unwrap()
            })
            .collect()
    });
    let total = 2 * 4 * per_thread;
    let mut ids: Vec<u64> = ids.into_iter().flatten().collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=total as u64).collect::<Vec<_>>());
    let d = dump(&stores[0]).unwrap();
    assert_eq!(d.tables[&Table::Subjects]["tally"].body, total.to_string());
    // Each increment's audit entry saw the value before it: 0, 1, 2, …
    let seen: Vec<String> = d.audit.iter().map(|(_, e)| e.clone()).collect();
    let expected: Vec<String> = (0..total as i64).map(entry).collect();
    assert_eq!(seen, expected);
    assert_eq!(
        d.audit.iter().map(|(seq, _)| *seq).collect::<Vec<_>>(),
        (1..=total as u64).collect::<Vec<_>>()
    );
}

/// Two transactions that read and write the same document collide: with one
/// attempt allowed, the loser gets the typed `Conflict` error and wrote
/// nothing; with retries, both take effect.
#[test]
fn a_conflict_is_retried_and_then_given_up_with_a_typed_error() {
    let Some(schemas) = pg::schemas("conflict") else {
        return;
    };
    for attempts in [1, 4] {
        let schema = schemas.fresh();
        let store = PostgresStore::with_config(schemas.config_for(&schema), 2)
            .unwrap()
            .with_max_attempts(attempts);
        let barrier = std::sync::Barrier::new(2);
        let results = on_threads(std::slice::from_ref(&store), 2, |store| {
            let mut first = true;
            store.transaction(|tx| {
                let n = tx.get(Table::Subjects, "n")?.map_or(0, |d| d.body.len());
                if std::mem::take(&mut first) {
                    // Both have read before either writes.
                    barrier.wait();
                }
                tx.put(
                    Table::Subjects,
                    "n",
                    Doc {
                        subject: None,
                        body: "x".repeat(n + 1),
                        sealed: None,
                    },
                )
            })
        });
        let n = dump(&store).unwrap().tables[&Table::Subjects]["n"]
            .body
            .len();
        if attempts == 1 {
            assert_eq!(
                results.iter().filter(|r| r.is_ok()).count(),
                1,
                "{results:?}"
            );
            assert!(
                results
                    .iter()
                    .any(|r| matches!(r, Err(StoreError::Conflict { attempts: 1 }))),
                "{results:?}"
            );
            assert_eq!(n, 1);
        } else {
            assert!(results.iter().all(Result::is_ok), "{results:?}");
            assert_eq!(n, 2);
        }
    }
}

mod registry {
    use super::who;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use social_credit::misconduct::{ConductKind, RecordContent};
    use social_credit::registry::{NewRecord, Registry, RegistryError};
    use social_credit::store::{dump, Doc, PostgresStore, Store, StoreError, Table, Transaction};
    use social_credit::{Organization, OrganizationKind, Section, Subject, SubjectId, Uscc};

    use super::{on_threads, pg};

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn org() -> Uscc {
        "91350100M000100Y43".parse().unwrap()
    }

    fn register<S: Store>(r: &Registry<S>) {
        r.register_subject(
            Subject::Organization(Organization {
                uscc: org(),
                name: "Zhengzhou Example Elderly Care Association".into(),
                kind: OrganizationKind::SocialAssociation,
                established_on: Some(d(2012, 5, 1)),
            }),
            &who::clerk(),
            d(2019, 1, 7),
        )
        .unwrap();
    }

    fn fine(yuan: i64) -> NewRecord {
        NewRecord {
            subject: org().into(),
            conduct: ConductKind::new("fine"),
            section: Section::SocialOrganizations,
            occurred_on: d(2019, 3, 1),
            ended_on: Some(d(2019, 3, 1)),
            content: RecordContent {
                description: "collected membership fees above the approved standard".into(),
                legal_basis: "Regulations on the Registration of Social Organizations art. 30"
                    .into(),
                evidence: vec![],
                fine: Some(Decimal::from(yuan)),
            },
            decision: None,
        }
    }

    /// Two registries, each over its own pool (as two processes would be),
    /// record findings about the same organization at once: every finding
    /// is kept, with its own identifier, and the organization's list
    /// standing and audit log count them all.
    #[test]
    fn two_registries_recording_about_one_subject_lose_nothing() {
        let Some(schemas) = pg::schemas("two_registries") else {
            return;
        };
        let schema = schemas.fresh();
        let registries = [
            Registry::official(PostgresStore::with_config(schemas.config_for(&schema), 3).unwrap()),
            Registry::official(PostgresStore::with_config(schemas.config_for(&schema), 3).unwrap()),
        ];
        register(&registries[0]);
        let per_thread = 8;
        let ids = on_threads(&registries, 3, |r| {
            (0..per_thread)
                .map(|i| {
                    r.record_misconduct(fine(100 + i), &who::section(), d(2019, 3, 4))
                        .unwrap()
                        .id
                        .0
                })
                .collect::<Vec<u64>>()
        });
        let total = 2 * 3 * per_thread as u64;
        let mut ids: Vec<u64> = ids.into_iter().flatten().collect();
        ids.sort_unstable();
        assert_eq!(ids, (1..=total).collect::<Vec<_>>());
        let subject: SubjectId = org().into();
        let mut fines: Vec<Decimal> = (1..=total)
            .map(|id| {
                let record = registries[1].record(social_credit::RecordId(id)).unwrap();
                assert_eq!(record.subject, subject);
                record.content.unwrap().fine.unwrap()
            })
            .collect();
        fines.sort();
        let mut expected: Vec<Decimal> = (0..2 * 3)
            .flat_map(|_| (0..per_thread).map(|i| Decimal::from(100 + i)))
            .collect();
        expected.sort();
        assert_eq!(fines, expected);
        let store_dump = dump(registries[0].store()).unwrap();
        assert_eq!(store_dump.tables[&Table::Records].len() as u64, total);
    }

    /// A store that kills its own connection (`pg_terminate_backend`) at a
    /// chosen write of a transaction, the way a crashed server process or a
    /// network cut would.
    struct Killing {
        inner: PostgresStore,
        admin: Mutex<postgres::Client>,
        app: String,
        kill_at: AtomicUsize,
        writes: AtomicUsize,
    }

    struct KillingTx<'a> {
        inner: &'a mut dyn Transaction,
        store: &'a Killing,
    }

    impl KillingTx<'_> {
        fn write(&mut self) {
            let n = self.store.writes.fetch_add(1, Ordering::SeqCst) + 1;
            if n == self.store.kill_at.load(Ordering::SeqCst) {
                let killed: i64 = self
                    .store
                    .admin
                    .lock()
                    .unwrap()
                    .query_one(
                        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                         WHERE application_name = $1 AND pid <> pg_backend_pid()) k",
                        &[&self.store.app],
                    )
                    .unwrap()
                    .get(0);
                assert!(killed >= 1, "no connection to kill");
            }
        }
    }

    impl Transaction for KillingTx<'_> {
        fn get(&mut self, table: Table, key: &str) -> Result<Option<Doc>, StoreError> {
            self.inner.get(table, key)
        }
        fn put(&mut self, table: Table, key: &str, doc: Doc) -> Result<(), StoreError> {
            self.write();
            self.inner.put(table, key, doc)
        }
        fn delete(&mut self, table: Table, key: &str) -> Result<bool, StoreError> {
            self.write();
            self.inner.delete(table, key)
        }
        fn scan(
            &mut self,
            table: Table,
            subject: Option<&str>,
        ) -> Result<Vec<(String, Doc)>, StoreError> {
            self.inner.scan(table, subject)
        }
        fn next_id(&mut self, table: Table) -> Result<u64, StoreError> {
            self.write();
            self.inner.next_id(table)
        }
        fn append_audit(&mut self, entry: String) -> Result<u64, StoreError> {
            self.write();
            self.inner.append_audit(entry)
        }
        fn audit_since(&mut self, after: u64) -> Result<Vec<(u64, String)>, StoreError> {
            self.inner.audit_since(after)
        }
        fn set_due(
            &mut self,
            table: Table,
            key: &str,
            on: Option<NaiveDate>,
        ) -> Result<(), StoreError> {
            self.write();
            self.inner.set_due(table, key, on)
        }
        fn due(
            &mut self,
            table: Table,
            up_to: NaiveDate,
            after: Option<&str>,
            limit: usize,
        ) -> Result<Vec<social_credit::store::Due>, StoreError> {
            self.inner.due(table, up_to, after, limit)
        }
    }

    impl Store for Killing {
        fn transact(
            &self,
            work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
        ) -> Result<(), StoreError> {
            self.inner.transact(&mut |tx| {
                work(&mut KillingTx {
                    inner: tx,
                    store: self,
                })
            })
        }
    }

    /// The connection dies in the middle of recording a finding, at each of
    /// its writes in turn: nothing of the finding is left, and the next call
    /// (on a new connection) records it.
    #[test]
    fn a_killed_connection_leaves_no_partial_write_and_the_registry_recovers() {
        let Some(schemas) = pg::schemas("killed") else {
            return;
        };
        let schema = schemas.fresh();
        let app = format!("{schema}_app");
        let mut config = schemas.config_for(&schema);
        config.application_name(&app);
        let mut admin_config = schemas.config_for(&schema);
        admin_config.application_name(&format!("{schema}_admin"));
        let r = Registry::official(Killing {
            inner: PostgresStore::with_config(config, 2).unwrap(),
            admin: Mutex::new(admin_config.connect(postgres::NoTls).unwrap()),
            app,
            kill_at: AtomicUsize::new(usize::MAX),
            writes: AtomicUsize::new(0),
        });
        register(&r);
        let mut killed_at = Vec::new();
        for k in 1.. {
            let before = dump(&r.store().inner).unwrap();
            r.store().writes.store(0, Ordering::SeqCst);
            r.store().kill_at.store(k, Ordering::SeqCst);
            let result = r.record_misconduct(fine(100), &who::section(), d(2019, 3, 4));
            r.store().kill_at.store(usize::MAX, Ordering::SeqCst);
            match result {
                Err(RegistryError::Store(_)) => {
                    assert_eq!(
                        dump(&r.store().inner).unwrap(),
                        before,
                        "killed at write {k}"
                    );
                    killed_at.push(k);
                    // The registry recovers on the next call.
                    let view = r.assess(&org().into(), d(2019, 3, 5));
                    assert!(view.is_ok(), "{view:?}");
                }
                Err(e) => panic!("killed at write {k}: {e}"),
                Ok(record) => {
                    assert!(k > 1, "the operation wrote nothing");
                    assert_eq!(record.id.0, 1, "a killed attempt used an identifier");
                    break;
                }
            }
            assert!(k < 100);
        }
        assert!(killed_at.len() >= 2, "{killed_at:?}");
    }

    /// The trait is object-safe: a registry over a boxed store, and two
    /// registries sharing one store through an `Arc`.
    #[test]
    fn registries_over_a_boxed_store_and_a_shared_one() {
        let Some(schemas) = pg::schemas("shared") else {
            return;
        };
        let boxed: Box<dyn Store> = Box::new(schemas.store());
        let r = Registry::official(boxed);
        register(&r);
        r.record_misconduct(fine(100), &who::section(), d(2019, 3, 4))
            .unwrap();

        let shared: Arc<dyn Store> = Arc::new(schemas.store());
        let a = Registry::official(Arc::clone(&shared));
        let b = Registry::official(shared);
        register(&a);
        let id = b
            .record_misconduct(fine(200), &who::section(), d(2019, 3, 4))
            .unwrap()
            .id;
        assert_eq!(a.record(id).unwrap().id, id);
    }
}
