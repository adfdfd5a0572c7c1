//! Two processes on one PostgreSQL schema (issue 19), and the migration
//! lock of one schema not holding up another. The processes are this test
//! binary run again with `SC_PG_WORKER` set, which selects the worker mode
//! of [`worker_process`]. Without `SOCIAL_CREDIT_PG_URL` the tests say they
//! were skipped and pass.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "pg/mod.rs"]
mod pg;

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::registry::{NewRecord, Registry};
use social_credit::store::{dump, Doc, NulInText, PostgresStore, Store, StoreError, Table};
use social_credit::{Actor, Organization, OrganizationKind, Section, Subject, Uscc};

/// The variable that makes a run of this binary a worker: the schema.
const WORKER: &str = "SC_PG_WORKER";
/// Transactions each worker runs, of each kind.
const PER_WORKER: u64 = 40;

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

fn orgs() -> [Uscc; 2] {
    [
        "91350100M000100Y43".parse().unwrap(),
        "51410184000000836L".parse().unwrap(),
    ]
}

fn fine(uscc: &Uscc, yuan: u64) -> NewRecord {
    NewRecord {
        subject: uscc.clone().into(),
        conduct: ConductKind::new("fine"),
        section: Section::SocialOrganizations,
        occurred_on: d(2019, 3, 1),
        ended_on: Some(d(2019, 3, 1)),
        content: RecordContent {
            description: "collected membership fees above the approved standard".into(),
            legal_basis: "Regulations on the Registration of Social Organizations art. 30".into(),
            evidence: vec![],
            fine: Some(Decimal::from(yuan)),
        },
        decision: None,
    }
}

/// The worker mode (a no-op in an ordinary test run): in the schema named
/// by `SC_PG_WORKER`, increments a shared document `PER_WORKER` times
/// (read, then write), takes as many identifiers, and records as many
/// findings about the two organizations through a registry; prints the
/// identifiers it got.
#[test]
fn worker_process() {
    let Ok(schema) = std::env::var(WORKER) else {
        return;
    };
    let url = std::env::var(pg::URL_VAR).unwrap();
    let mut config: postgres::Config = url.parse().unwrap();
    config.options(&format!("-c search_path={schema}"));
    let store = PostgresStore::with_config(config, 2).unwrap();
    let mut ids = Vec::new();
    for _ in 0..PER_WORKER {
        let id = store
            .transaction(|tx| {
                let n: u64 = match tx.get(Table::Records, "shared")? {
                    Some(doc) => doc.body.parse().map_err(StoreError::backend)?,
                    None => 0,
                };
                tx.put(
                    Table::Records,
                    "shared",
                    Doc {
                        subject: Some("shared".into()),
                        body: (n + 1).to_string(),
                        sealed: None,
                    },
                )?;
                tx.next_id(Table::Objections)
            })
            .unwrap();
        ids.push(id);
    }
    let registry = Registry::official(store);
    let mut records = Vec::new();
    for i in 0..PER_WORKER {
        let uscc = &orgs()[(i % 2) as usize];
        let record = registry
            .record_misconduct(
                fine(uscc, 100 + i),
                &Actor::section(Section::SocialOrganizations),
                d(2019, 3, 4),
            )
            .unwrap();
        records.push(record.id.0);
    }
    println!("IDS: {ids:?}");
    println!("RECORDS: {records:?}");
}

/// The numbers a worker printed after `label`.
fn numbers(out: &str, label: &str) -> Vec<u64> {
    let line = out
        .lines()
        .find_map(|l| l.split_once(label).map(|(_, rest)| rest))
        .unwrap_or_else(|| panic!("no `{label}` line in the worker's output:\n{out}"));
    line.trim()
        .trim_matches(['[', ']'])
        .split(',')
        .map(|n| n.trim().parse().unwrap())
        .collect()
}

/// Two processes write the same documents and subjects at once: no update
/// is lost (the shared document counts every increment, every finding is
/// kept) and no identifier is handed out twice.
#[test]
fn two_processes_writing_the_same_subjects_lose_no_update_and_share_no_id() {
    let Some(schemas) = pg::schemas("two_processes") else {
        return;
    };
    let schema = schemas.fresh();
    let store = PostgresStore::with_config(schemas.config_for(&schema), 2).unwrap();
    let registry = Registry::official(store);
    for (i, uscc) in orgs().into_iter().enumerate() {
        registry
            .register_subject(
                Subject::Organization(Organization {
                    uscc,
                    name: format!("Association {i}"),
                    kind: OrganizationKind::SocialAssociation,
                    established_on: Some(d(2012, 5, 1)),
                }),
                &Actor::section(Section::SocialOrganizations),
                d(2019, 1, 7),
            )
            .unwrap();
    }
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..2)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "worker_process",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(WORKER, &schema)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<String> = children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(
                out.status.success(),
                "worker failed: {text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            text
        })
        .collect();
    let total = 2 * PER_WORKER;
    for label in ["IDS:", "RECORDS:"] {
        let all: Vec<u64> = outputs.iter().flat_map(|o| numbers(o, label)).collect();
        let distinct: BTreeSet<u64> = all.iter().copied().collect();
        assert_eq!(all.len() as u64, total, "{label}");
        assert_eq!(
            distinct.len() as u64,
            total,
            "{label}: an id handed out twice"
        );
    }
    let state = dump(registry.store()).unwrap();
    let records = &state.tables[&Table::Records];
    // Every increment counted: none lost to a concurrent one.
    assert_eq!(records["shared"].body, total.to_string());
    // Every finding kept, each with its own id, half about each subject.
    assert_eq!(records.len() as u64, total + 1);
    for uscc in orgs() {
        let key = format!("org:{uscc}");
        let about = records
            .values()
            .filter(|doc| doc.subject.as_deref() == Some(key.as_str()))
            .count() as u64;
        assert_eq!(about, PER_WORKER);
    }
}

/// The migration lock is the schema's own: a migration held up in one
/// schema does not hold up a store connecting to another schema of the
/// same database, while one in the same schema waits for it.
#[test]
fn the_migration_lock_of_one_schema_does_not_hold_up_another() {
    let Some(schemas) = pg::schemas("migration_lock") else {
        return;
    };
    let (held, other) = (schemas.fresh(), schemas.fresh());
    // Hold `held`'s migration lock, as a migration in progress there does.
    let mut holder = schemas.config_for(&held).connect(postgres::NoTls).unwrap();
    holder
        .batch_execute(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock(hashtextextended(current_schema(), {}))",
            PostgresStore::MIGRATION_LOCK_CLASS
        ))
        .unwrap();
    let connect = |schema: &str| {
        let config = schemas.config_for(schema);
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = send.send(PostgresStore::with_config(config, 1).map(|_| ()));
        });
        receive
    };
    // The other schema migrates at once.
    connect(&other)
        .recv_timeout(Duration::from_secs(20))
        .expect("a migration in another schema held this one up")
        .unwrap();
    // The same schema waits for the lock, and migrates once it is free.
    let waiting = connect(&held);
    assert!(waiting.recv_timeout(Duration::from_millis(500)).is_err());
    holder.batch_execute("COMMIT").unwrap();
    waiting
        .recv_timeout(Duration::from_secs(20))
        .expect("the migration did not go on after the lock was freed")
        .unwrap();
}

/// A transaction's writes go to the server as parameters before the
/// `COMMIT`: any text a document may hold reads back as written,
/// within the transaction and after it, and a NUL character (which
/// PostgreSQL text cannot hold) is refused with nothing written.
#[test]
fn any_text_reads_back_and_nul_is_refused() {
    use proptest::prelude::*;
    let Some(schemas) = pg::schemas("text_round_trip") else {
        return;
    };
    let store = schemas.store_with(1);
    let nasty = [
        "it's",
        r"back\slash \' \\ \n",
        "'); DROP TABLE docs; --",
        "E'x' $$ $tag$ \"quoted\"",
        "新郑市民政局 🙂",
        "",
    ];
    let put_and_read = |key: &str, text: &str| -> Result<(Doc, Option<Doc>), StoreError> {
        let doc = Doc {
            subject: Some(text.to_owned()),
            body: text.to_owned(),
            sealed: Some(text.to_owned()),
        };
        let within = store.transaction(|tx| {
            tx.put(Table::Records, key, doc.clone())?;
            tx.set_due(Table::Records, key, Some(d(2020, 1, 31)))?;
            tx.get(Table::Records, key)
        })?;
        assert_eq!(within.as_ref(), Some(&doc));
        let after = store.transaction(|tx| tx.get(Table::Records, key))?;
        Ok((doc, after))
    };
    for (i, text) in nasty.iter().enumerate() {
        let (doc, after) = put_and_read(&format!("k{i}'"), text).unwrap();
        assert_eq!(after, Some(doc));
    }
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 64,
        failure_persistence: None,
        ..Default::default()
    });
    runner
        .run(&"[^\u{0}]{0,40}", |text| {
            let (doc, after) = put_and_read("prop", &text).unwrap();
            prop_assert_eq!(after, Some(doc));
            Ok(())
        })
        .unwrap();
    let before = dump(&store).unwrap();
    let refused = store.transaction(|tx| {
        tx.put(
            Table::Records,
            "nul",
            Doc {
                subject: None,
                body: "a\u{0}b".into(),
                sealed: None,
            },
        )
    });
    let Err(StoreError::Backend { source }) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(
        source.downcast_ref::<NulInText>(),
        Some(&NulInText {
            table: Table::Records,
            field: "body"
        })
    );
    assert_eq!(dump(&store).unwrap(), before);
    // A NUL in the key, the subject or the sealed part, and in any document
    // of a bulk write, is refused the same, and the transaction goes on
    // with nothing of the refused write.
    let ok = Doc {
        subject: Some("s".into()),
        body: "b".into(),
        sealed: Some("x".into()),
    };
    let cases: [(&str, Doc, &str); 3] = [
        ("k\u{0}", ok.clone(), "key"),
        (
            "k",
            Doc {
                subject: Some("s\u{0}".into()),
                ..ok.clone()
            },
            "subject",
        ),
        (
            "k",
            Doc {
                sealed: Some("\u{0}".into()),
                ..ok.clone()
            },
            "sealed",
        ),
    ];
    for (key, doc, field) in cases {
        let (one, many) = store
            .transaction(|tx| {
                let one = tx.put(Table::Records, key, doc.clone());
                let many = tx.put_many(
                    Table::Records,
                    vec![
                        ("fine".into(), ok.clone(), Some(d(2020, 2, 1))),
                        (key.into(), doc.clone(), None),
                    ],
                );
                assert_eq!(tx.get(Table::Records, "fine")?, None);
                assert_eq!(tx.get(Table::Records, key)?, None);
                Ok::<_, StoreError>((one, many))
            })
            .unwrap();
        for refused in [one, many] {
            let Err(StoreError::Backend { source }) = refused else {
                panic!("{refused:?}")
            };
            assert_eq!(
                source.downcast_ref::<NulInText>(),
                Some(&NulInText {
                    table: Table::Records,
                    field
                })
            );
            assert!(!source.to_string().contains('\u{0}'));
        }
    }
    assert_eq!(dump(&store).unwrap(), before);
    // The due day went with the writes too.
    let due = store
        .transaction(|tx| tx.due(Table::Records, d(2020, 1, 31), None, 100))
        .unwrap();
    assert!(due.iter().any(|d| d.key == "prop"));
}

/// A transaction's writes go to the server as parameters of fixed
/// statements, never as SQL text: while the writes of a transaction wait
/// for a row lock, the statement the server shows for it (the text its log
/// would hold, were the statement to fail) holds none of the documents'
/// text; when the wait ends in a serialization failure, the error holds none
/// either.
#[test]
fn document_text_never_goes_into_the_sql() {
    use postgres::NoTls;
    let Some(schemas) = pg::schemas("params_not_text") else {
        return;
    };
    let schema = schemas.fresh();
    let store = PostgresStore::with_config(schemas.config_for(&schema), 2)
        .unwrap()
        .with_max_attempts(1);
    // What a person's record holds whole: an identity number and a name.
    let marker = "110101199003077777 Zhang San";
    let doc = |body: &str| Doc {
        subject: Some(format!("{body} subject")),
        body: body.to_owned(),
        sealed: Some(format!("{body} sealed")),
    };
    store
        .transaction(|tx| tx.put(Table::Records, "k1", doc("before")))
        .unwrap();
    let mut locker = schemas.config_for(&schema).connect(NoTls).unwrap();
    locker
        .batch_execute("BEGIN; UPDATE docs SET body = 'changed' WHERE key = 'k1'")
        .unwrap();
    std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            store.transaction(|tx| {
                tx.put(Table::Records, "k2", doc(marker))?;
                tx.put(Table::Records, "k1", doc(marker))?;
                tx.set_due(Table::Records, "k1", Some(d(2020, 1, 31)))
            })
        });
        // The writer's statement waits for the locker's row lock.
        let mut waiting = None;
        for _ in 0..500 {
            let rows = schemas
                .admin()
                .query(
                    "SELECT query FROM pg_stat_activity
                     WHERE datname = current_database() AND wait_event_type = 'Lock'
                         AND pid <> pg_backend_pid()",
                    &[],
                )
                .unwrap();
            if let Some(row) = rows.first() {
                waiting = Some(row.get::<_, String>(0));
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let waiting = waiting.expect("the writer never waited for the row lock");
        assert!(waiting.contains("unnest($1::text[]"), "{waiting}");
        assert!(!waiting.contains("Zhang"), "{waiting}");
        assert!(!waiting.contains("1101011990"), "{waiting}");
        // No statement of any connection holds the text.
        let all: Vec<String> = schemas
            .admin()
            .query(
                "SELECT coalesce(query, '') FROM pg_stat_activity
                 WHERE datname = current_database()",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert!(all.iter().all(|q| !q.contains("Zhang")), "{all:?}");
        locker.batch_execute("COMMIT").unwrap();
        let conflicted = writer.join().unwrap();
        let Err(e) = conflicted else {
            panic!("the write did not conflict: {conflicted:?}")
        };
        assert!(matches!(e, StoreError::Conflict { attempts: 1 }), "{e:?}");
        for text in [e.to_string(), format!("{e:?}")] {
            assert!(
                !text.contains("Zhang") && !text.contains("1101011990"),
                "{text}"
            );
        }
    });
    // Nothing of the conflicted transaction was written; run again, it is.
    let read = |key: &'static str| store.transaction(|tx| tx.get(Table::Records, key));
    assert_eq!(read("k2").unwrap(), None);
    assert_eq!(read("k1").unwrap().unwrap().body, "changed");
    store
        .transaction(|tx| {
            tx.put(Table::Records, "k1", doc(marker))?;
            tx.set_due(Table::Records, "k1", Some(d(2020, 1, 31)))
        })
        .unwrap();
    assert_eq!(read("k1").unwrap(), Some(doc(marker)));
}
