//! Erasure that erases (issue 13; plan §6(7) "5年后予以消除"; PIPL arts. 19,
//! 47): once a person's record is erased, nothing in the store ties the
//! person to it, on both stores and after the SQLite schema-3 migration of a
//! database written before it.
#![cfg(feature = "test-kit")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::registry::*;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::objection::{Finding, Outcome, Receipt};
use social_credit::registry::{NewRecord, ObjectionStep, Registry, RegistryError};
use social_credit::store::{dump, Dump, MemoryStore, Store, Table};
use social_credit::{Person, RecordId, Section, Subject, SubjectId};

/// A finding about the person, with texts tagged `tag` so that the test can
/// look for them anywhere in the store.
fn finding(
    conduct: &str,
    tag: &str,
    occurred: NaiveDate,
    ended: NaiveDate,
    fine: i64,
) -> NewRecord {
    NewRecord {
        subject: person_id().into(),
        conduct: ConductKind::new(conduct),
        section: Section::SocialAffairs,
        occurred_on: occurred,
        ended_on: Some(ended),
        content: RecordContent {
            description: format!("{tag} description: collected membership fees twice"),
            legal_basis: format!("{tag} legal basis"),
            evidence: vec![format!("{tag} evidence file")],
            fine: (fine > 0).then(|| Decimal::from(fine)),
        },
        decision: None,
    }
}

/// The same state the schema-2 fixture holds, made with today's code: a
/// person linked to an organization, record R1 (erased on 2024-01-06) and
/// R2 (a warning ended 2019-06-03, kept to 2024-06-03) with an objection
/// that went through every step.
fn scenario<S: Store>(r: &Registry<S>) -> RecordId {
    register_both(r);
    scenario_records(r)
}

fn scenario_records<S: Store>(r: &Registry<S>) -> RecordId {
    let b = r
        .record_misconduct(
            finding("fine", "FIXTURE-B", d(2019, 1, 2), d(2019, 1, 5), 1_000),
            &who::social_affairs(),
            d(2019, 3, 4),
        )
        .unwrap();
    let ob = r
        .receive_objection(
            b.id,
            Receipt::Written { on: d(2019, 3, 6) },
            "FIXTURE-B grounds: the fine was paid",
            &who::office(),
        )
        .unwrap();
    r.advance_objection(
        ob.id(),
        ObjectionStep::Withdraw,
        &who::office(),
        d(2019, 3, 8),
    )
    .unwrap();
    let a = r
        .record_misconduct(
            finding("warning", "FIXTURE-A", d(2019, 6, 3), d(2019, 6, 3), 0),
            &who::social_affairs(),
            d(2019, 6, 10),
        )
        .unwrap();
    let oa = r
        .receive_objection(
            a.id,
            Receipt::Written { on: d(2019, 6, 12) },
            "FIXTURE-A grounds: I was abroad",
            &who::office(),
        )
        .unwrap();
    for (step, on) in [
        (
            ObjectionStep::Forward {
                to: Section::SocialAffairs,
            },
            d(2019, 6, 13),
        ),
        (
            ObjectionStep::Opinion {
                finding: Finding::NotConfirmed,
                summary: "FIXTURE-A opinion: passport stamps do not match".into(),
                submitted_on: None,
            },
            d(2019, 6, 17),
        ),
        (
            ObjectionStep::Notify {
                outcome: Outcome::Kept {
                    reasons: "FIXTURE-A reasons: the record stands".into(),
                },
            },
            d(2019, 6, 18),
        ),
    ] {
        // The opinion is the providing section's; the other steps the Office's.
        let by = match step {
            ObjectionStep::Opinion { .. } => who::social_affairs(),
            _ => who::office(),
        };
        r.advance_objection(oa.id(), step, &by, on).unwrap();
    }
    assert_eq!(
        r.daily_sweep(&who::system(), d(2024, 1, 6)).unwrap().erased,
        vec![b.id]
    );
    a.id
}

/// Everything a dump holds, as text, for the tables given (the audit log
/// with `audit`).
fn text_of(dump: &Dump, tables: &[Table], audit: bool) -> String {
    let mut out = String::new();
    for table in tables {
        for (key, doc) in dump.tables.get(table).into_iter().flatten() {
            out.push_str(&format!(
                "{table}/{key} [{:?}] {} {:?}\n",
                doc.subject, doc.body, doc.sealed
            ));
        }
    }
    if audit {
        for (seq, entry) in &dump.audit {
            out.push_str(&format!("audit {seq} {entry}\n"));
        }
    }
    out
}

/// The record ids a document names: a record's `id`, an objection's
/// `record`, a list entry's events' `records`, a key's `records`.
fn records_named(table: Table, body: &Value) -> Vec<u64> {
    let ids = |v: Option<&Value>| -> Vec<u64> {
        v.and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default()
    };
    match table {
        Table::Records => body["id"].as_u64().into_iter().collect(),
        Table::Objections => match body["about"]["item"].as_str() {
            Some("record") => body["about"]["id"].as_u64().into_iter().collect(),
            Some(_) => Vec::new(),
            None => body["record"].as_u64().into_iter().collect(),
        },
        Table::ListEntries => body["events"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|e| ids(e.get("records")))
            .collect(),
        Table::Pseudonyms => ids(body.get("records")),
        // A sweep's report: the records it erased.
        Table::Sweeps => ids(body.get("erased"))
            .into_iter()
            .chain(ids(body.get("report").and_then(|r| r.get("erased"))))
            .collect(),
        _ => Vec::new(),
    }
}

/// The pseudonyms the audit log uses.
fn audit_pseudonyms(dump: &Dump) -> Vec<String> {
    dump.audit
        .iter()
        .filter_map(|(_, e)| {
            let v: Value = serde_json::from_str(e).unwrap();
            let t = &v["target"];
            t["subject"]
                .as_str()
                .or_else(|| t["list_entry"]["subject"].as_str())
                .map(str::to_owned)
        })
        .filter(|s| s.starts_with('P'))
        .collect()
}

/// What must hold once `record` of the person is erased: the texts tagged
/// `tag` are nowhere; the identity number, whole or masked, is in no record,
/// objection, tombstone or audit entry; no document indexed under the person
/// or naming the person (in its key or body, e.g. a sweep's report) names
/// the record; no audit pseudonym still leads to it; the person is
/// registered with an empty public view.
fn assert_erased<S: Store>(r: &Registry<S>, record: RecordId, tag: &str, on: NaiveDate) {
    let dump = dump(r.store()).unwrap();
    let everything = text_of(&dump, &Table::ALL, true);
    assert!(!everything.contains(tag), "{tag} left in:\n{everything}");
    let whole = person_id().as_str().to_owned();
    let masked = person_id().masked();
    // The erased record's tombstone, the audit log, and every record or
    // objection document not about another record still kept.
    let mut kept = dump.clone();
    for table in [Table::Records, Table::Objections] {
        if let Some(docs) = kept.tables.get_mut(&table) {
            docs.retain(|_, doc| {
                let body: Value = serde_json::from_str(&doc.body).unwrap();
                let named = records_named(table, &body);
                named.is_empty() || named.contains(&record.0)
            });
        }
    }
    let about_records = text_of(
        &kept,
        &[Table::Records, Table::Objections, Table::Erasures],
        true,
    );
    for form in [&whole, &masked] {
        assert!(
            !about_records.contains(form.as_str()),
            "{form} left in:\n{about_records}"
        );
    }
    let person_key = format!("person:{}", person_id().as_str());
    for (table, docs) in &dump.tables {
        for (key, doc) in docs {
            if doc.subject.as_deref() == Some(person_key.as_str())
                || key.contains(&whole)
                || doc.body.contains(&whole)
            {
                let body: Value = serde_json::from_str(&doc.body).unwrap();
                assert!(
                    !records_named(*table, &body).contains(&record.0),
                    "{table}/{key} still names {record}: {}",
                    doc.body
                );
            }
        }
    }
    let keys = dump.tables.get(&Table::Pseudonyms);
    for p in audit_pseudonyms(&dump) {
        if let Some(doc) = keys.and_then(|k| k.get(&p)) {
            let body: Value = serde_json::from_str(&doc.body).unwrap();
            assert!(
                !records_named(Table::Pseudonyms, &body).contains(&record.0),
                "pseudonym {p} still leads to {record}"
            );
        }
    }
    // The tombstone: the id, the day, the rule; nothing else.
    let tombstone = r.erasure(record).unwrap().unwrap();
    assert_eq!((tombstone.record, tombstone.erased_on), (record, on));
    let stored = &dump.tables[&Table::Erasures][&format!("{:020}", record.0)];
    assert_eq!(stored.subject, None);
    let fields: Value = serde_json::from_str(&stored.body).unwrap();
    let mut names: Vec<&String> = fields.as_object().unwrap().keys().collect();
    names.sort();
    assert_eq!(names, ["basis", "erased_on", "record"]);
    assert!(matches!(
        r.record(record),
        Err(RegistryError::Erased { on: o, .. }) if o == on
    ));
    // The erasure's own audit entry: which rule erased what.
    let log = r.audit_log(0).unwrap();
    assert!(log.iter().any(|(_, e)| e.target == record.into()
        && e.action.verb() == "erased"
        && e.on == on
        && e.basis.rule == "retention.personal_five_years"));
    // Still a registered subject; the record is not published.
    let person: SubjectId = person_id().into();
    assert!(r.subject(&person).unwrap().is_some());
    let view = r.public_view(&person, on).unwrap();
    assert!(view.records.iter().all(|p| p.id != record), "{view:?}");
}

/// R2 (conduct ended 2019-06-03) is kept through 2024-06-03 and erased on
/// 2024-06-04; before that everything about it is there.
fn keep_then_erase<S: Store>(r: &Registry<S>, record: RecordId) {
    let before = r.daily_sweep(&who::system(), d(2024, 6, 3)).unwrap();
    assert!(before.erased.is_empty());
    let kept = r.record(record).unwrap();
    assert!(kept.content.is_some());
    let text = text_of(&dump(r.store()).unwrap(), &Table::ALL, false);
    assert!(text.contains("FIXTURE-A grounds"), "{text}");
    assert!(text.contains("FIXTURE-A description"), "{text}");
    let after = r.daily_sweep(&who::system(), d(2024, 6, 4)).unwrap();
    assert_eq!(after.erased, vec![record]);
    assert_erased(r, record, "FIXTURE-A", d(2024, 6, 4));
    // The erasure of R1 on 2024-01-06 left nothing either.
    assert_erased(r, RecordId(1), "FIXTURE-B", d(2024, 1, 6));
    // The person is still registered, with nothing published against them:
    // no record, no list, no sanction (a clean person's incentives may show).
    let person: SubjectId = person_id().into();
    let view = r.public_view(&person, d(2024, 6, 4)).unwrap();
    assert!(view.records.is_empty(), "{view:?}");
    assert!(view.lists.is_empty(), "{view:?}");
    assert!(
        view.measures.iter().all(|m| m.id.starts_with("incentive.")),
        "{view:?}"
    );
    // Nothing of the person's number is in the audit log at all.
    let log = text_of(&dump(r.store()).unwrap(), &[], true);
    assert!(!log.contains(person_id().as_str()) && !log.contains(&person_id().masked()));
}

#[test]
fn an_erased_record_leaves_nothing_on_the_memory_store() {
    let r = with_personal_rules(MemoryStore::new());
    let a = scenario(&r);
    keep_then_erase(&r, a);
}

#[cfg(feature = "sqlite")]
#[test]
fn an_erased_record_leaves_nothing_on_the_sqlite_store() {
    let r = with_personal_rules(social_credit::store::SqliteStore::open_in_memory().unwrap());
    let a = scenario(&r);
    keep_then_erase(&r, a);
}

#[test]
fn an_erasure_removes_only_what_the_record_alone_grounded() {
    let r = with_personal_rules(MemoryStore::new());
    let a = scenario(&r);
    // A third penalty, kept longer: it and everything about it stay.
    let c = r
        .record_misconduct(
            finding("warning", "FIXTURE-C", d(2020, 1, 6), d(2020, 1, 6), 0),
            &who::social_affairs(),
            d(2020, 1, 8),
        )
        .unwrap();
    let oc = r
        .receive_objection(
            c.id,
            Receipt::Written { on: d(2020, 1, 9) },
            "FIXTURE-C grounds",
            &who::office(),
        )
        .unwrap();
    r.daily_sweep(&who::system(), d(2024, 6, 4)).unwrap();
    assert_erased(&r, a, "FIXTURE-A", d(2024, 6, 4));
    assert!(r.record(c.id).unwrap().content.is_some());
    assert_eq!(r.objection(oc.id()).unwrap().grounds(), "FIXTURE-C grounds");
    // The erasure audited what it removed, by identifiers that lead nowhere.
    let removed: Vec<String> = r
        .audit_log(0)
        .unwrap()
        .into_iter()
        .filter(|(_, e)| e.on == d(2024, 6, 4) && e.action.verb() == "erased")
        .map(|(_, e)| e.target.to_string())
        .collect();
    assert_eq!(removed, [a.to_string(), "objection O2".to_owned()]);
}

#[test]
fn a_repair_commitment_goes_with_the_record_it_repaired() {
    use social_credit::commitment::CommitmentKind;
    use social_credit::repair::{PenaltyDecision, PenaltyDomain, PenaltyKind, RepairFacts};
    let r = with_personal_rules(MemoryStore::new());
    register_both(&r);
    let person: SubjectId = person_id().into();
    let rec = r
        .record_misconduct(
            finding("warning", "REPAIRED", d(2019, 6, 3), d(2019, 6, 3), 0),
            &who::social_affairs(),
            d(2019, 6, 10),
        )
        .unwrap();
    let pledge = |kind, text: &str| {
        r.sign_commitment(&person, kind, text, &who::office(), d(2019, 6, 20))
            .unwrap()
    };
    let repair = pledge(
        CommitmentKind::Repair,
        "REPAIR-PLEDGE: I will not do it again",
    );
    let credit = pledge(CommitmentKind::Credit, "a general credit commitment");
    // Three months from the warning of 3 June 2019 (General, 2019 rules).
    let facts = RepairFacts {
        decision: PenaltyDecision::new(
            d(2019, 6, 3),
            PenaltyDomain::Other,
            vec![PenaltyKind::Warning],
        ),
        corrected_on: Some(d(2019, 6, 20)),
        effects_removed_on: Some(d(2019, 6, 20)),
        commitment_signed_on: Some(d(2019, 6, 20)),
        training_attended_on: None,
        credit_report_on: None,
    };
    r.apply_repair(rec.id, &facts, &who::social_affairs(), d(2019, 10, 8))
        .unwrap();
    r.daily_sweep(&who::system(), d(2024, 6, 4)).unwrap();
    assert_erased(&r, rec.id, "REPAIRED", d(2024, 6, 4));
    let dump = dump(r.store()).unwrap();
    let text = text_of(&dump, &Table::ALL, true);
    assert!(!text.contains("REPAIR-PLEDGE"), "{text}");
    let commitments: Vec<&String> = dump.tables[&Table::Commitments].keys().collect();
    assert_eq!(commitments, [&format!("{:020}", credit.id.0)]);
    assert!(r
        .audit_log(0)
        .unwrap()
        .iter()
        .any(
            |(_, e)| e.target.to_string() == format!("commitment {}", repair.id)
                && e.action.verb() == "erased"
        ));
}

#[test]
fn an_organizations_record_reaches_a_person_for_five_years_only() {
    // plan §5(6): a severe record of the organization reaches its legal
    // representative; the person's part follows plan §6(7), the
    // organization's record stays (it is not personal).
    let r = Registry::official(MemoryStore::new());
    register_both(&r);
    let mut severe = finding("fine", "ORG", d(2019, 3, 1), d(2019, 3, 1), 60_000);
    severe.subject = org_id().into();
    let rec = r
        .record_misconduct(severe, &who::social_affairs(), d(2019, 3, 4))
        .unwrap();
    let person: SubjectId = person_id().into();
    let reached = |on| {
        r.with_assessment(&person, on, |a| {
            a.measures().count() > 0 && a.worst_severity.is_some()
        })
        .unwrap()
    };
    assert!(reached(d(2024, 3, 1)), "kept through the last retained day");
    assert!(!reached(d(2024, 3, 2)), "not from the day after");
    r.daily_sweep(&who::system(), d(2024, 3, 2)).unwrap();
    // The organization's record is kept whole.
    let kept = r.record(rec.id).unwrap();
    assert!(kept.content.is_some());
    assert!(r
        .with_assessment(&org_id().into(), d(2024, 3, 2), |a| a
            .worst_severity
            .is_some())
        .unwrap());
}

#[cfg(feature = "sqlite")]
mod migration {
    use super::*;
    use social_credit::store::SqliteStore;

    /// The schema-2 database written by the code before issue 13
    /// (tests/data/registry-v2.sql; see its header).
    fn fixture() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "social-credit-erasure-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("v2.sqlite");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("data/registry-v2.sql"))
            .unwrap();
        path
    }

    #[test]
    fn the_fixture_is_what_the_old_version_wrote() {
        let conn = rusqlite::Connection::open(fixture()).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, 2);
        // The old erasure kept R1's subject and its objection's grounds, and
        // the log named the person masked.
        let body: String = conn
            .query_row(
                "SELECT body FROM docs WHERE tbl = 'records' AND key = ?1",
                [format!("{:020}", 1)],
                |r| r.get(0),
            )
            .unwrap();
        assert!(body.contains(person_id().as_str()) && body.contains("erased"));
        let log: String = conn
            .query_row("SELECT group_concat(entry) FROM audit", [], |r| r.get(0))
            .unwrap();
        assert!(log.contains(&person_id().masked()));
    }

    #[test]
    fn a_database_of_the_previous_version_migrates_and_erases() {
        let path = fixture();
        let store = SqliteStore::open(&path).unwrap();
        // Versions 3 (erasure erases) and 4 (due days) applied.
        assert_eq!(store.schema_version().unwrap(), 4);
        let r = Registry::official(store);
        // The old erasure of R1 is finished by the migration.
        assert_erased(&r, RecordId(1), "FIXTURE-B", d(2024, 1, 6));
        let log = text_of(&dump(r.store()).unwrap(), &[], true);
        assert!(!log.contains(&person_id().masked()), "{log}");
        // Registration and role link entries now name the person's key.
        let person: SubjectId = person_id().into();
        let dump = dump(r.store()).unwrap();
        let own_key = dump.tables[&Table::Pseudonyms]
            .values()
            .find(|doc| !doc.body.contains("records") && !doc.body.contains("list_entry"))
            .unwrap();
        assert_eq!(
            own_key.subject.as_deref(),
            Some(format!("person:{}", person_id().as_str()).as_str())
        );
        // Then R2 goes through the same erasure as on a new database.
        keep_then_erase(&r, RecordId(2));
        assert!(r.subject(&person).unwrap().is_some());
        // Reopening runs no migration again.
        drop(r);
        assert_eq!(
            SqliteStore::open(&path).unwrap().schema_version().unwrap(),
            4
        );
    }

    #[test]
    fn the_audit_log_stays_append_only_after_the_migration() {
        let path = fixture();
        drop(SqliteStore::open(&path).unwrap());
        // The triggers are back: a rewrite or a delete is refused.
        let conn = rusqlite::Connection::open(&path).unwrap();
        assert!(conn
            .execute("UPDATE audit SET entry = 'x' WHERE seq = 1", [])
            .is_err());
        assert!(conn.execute("DELETE FROM audit WHERE seq = 1", []).is_err());
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// One registry operation of the property test.
    #[derive(Debug, Clone)]
    enum Op {
        /// A finding about person `p`: conduct, occurrence (days after
        /// 2019-03-01), duration in days, fine.
        Record(u32, u8, u16, u16, u16),
        /// An objection to the `n`th record made so far.
        Object(usize),
        /// Forward the latest objection.
        Forward,
        /// Put person `p` on the red list.
        RedList(u32),
        /// A sweep `n` days after 2019-03-01.
        Sweep(u16),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u32..3, 0u8..3, 0u16..500, 0u16..400, 0u16..70)
                .prop_map(|(p, c, o, l, f)| Op::Record(p, c, o, l, f)),
            2 => (0usize..8).prop_map(Op::Object),
            1 => Just(Op::Forward),
            1 => (0u32..3).prop_map(Op::RedList),
            1 => (0u16..2400).prop_map(Op::Sweep),
        ]
    }

    fn run<S: Store>(r: &Registry<S>, ops: &[Op]) -> Result<(), TestCaseError> {
        let start = d(2019, 3, 1);
        let day = |n: u16| start + chrono::Days::new(u64::from(n));
        for p in 0..3 {
            r.register_subject(
                Subject::Person(Person {
                    id: person_number(p),
                    name: format!("王{p}芳"),
                }),
                &who::clerk(),
                start,
            )
            .unwrap();
        }
        let mut records: Vec<(RecordId, NaiveDate)> = Vec::new();
        let mut objections = Vec::new();
        let mut secrets = Vec::new();
        let mut last_end = start;
        let mut clock = start;
        for (i, op) in ops.iter().enumerate() {
            match op {
                Op::Record(p, c, o, l, f) => {
                    let occurred = day(*o).max(clock);
                    let ended = occurred + chrono::Days::new(u64::from(*l));
                    let tag = format!("SECRET-{i}-");
                    let conduct = ["warning", "fine", "annual_report_late"][usize::from(*c)];
                    let mut new = finding(conduct, &tag, occurred, ended, i64::from(*f) * 1_000);
                    new.subject = person_number(*p).into();
                    if let Ok(rec) = r.record_misconduct(new, &who::social_affairs(), occurred) {
                        records.push((rec.id, occurred));
                        secrets.push(tag);
                        last_end = last_end.max(ended);
                    }
                    clock = occurred;
                }
                Op::Object(n) => {
                    if let Some((id, on)) = records.get(*n) {
                        let tag = format!("SECRET-{i}-grounds");
                        let received = (*on).max(clock);
                        if let Ok(o) = r.receive_objection(
                            *id,
                            Receipt::Written { on: received },
                            &tag,
                            &who::office(),
                        ) {
                            objections.push((o.id(), received));
                            secrets.push(tag);
                        }
                    }
                }
                Op::Forward => {
                    if let Some((id, on)) = objections.last() {
                        let _ = r.advance_objection(
                            *id,
                            ObjectionStep::Forward {
                                to: Section::SocialAffairs,
                            },
                            &who::office(),
                            *on + chrono::Days::new(1),
                        );
                    }
                }
                Op::RedList(p) => {
                    r.add_to_red_list(&person_number(*p).into(), &who::office(), clock)
                        .unwrap();
                }
                Op::Sweep(n) => {
                    let on = day(*n).max(clock);
                    r.daily_sweep(&who::system(), on).unwrap();
                    clock = on;
                }
            }
        }
        // Past every record's retention (the calendar covers 2026).
        let end = (last_end + chrono::Months::new(60) + chrono::Days::new(1)).max(clock);
        let sweep = r.daily_sweep(&who::system(), end).unwrap();
        let _ = sweep;
        let dump = dump(r.store()).unwrap();
        let everything = text_of(&dump, &Table::ALL, true);
        for tag in &secrets {
            prop_assert!(!everything.contains(tag.as_str()), "{} left", tag);
        }
        let about_records = text_of(
            &dump,
            &[Table::Records, Table::Objections, Table::Erasures],
            true,
        );
        for p in 0..3 {
            let id = person_number(p);
            prop_assert!(!about_records.contains(id.as_str()));
            prop_assert!(!about_records.contains(&id.masked()));
        }
        prop_assert!(!dump.tables.contains_key(&Table::Records));
        prop_assert!(!dump.tables.contains_key(&Table::Objections));
        // No list entry or key names an erased record.
        for (table, docs) in &dump.tables {
            for doc in docs.values() {
                let body: Value = serde_json::from_str(&doc.body).unwrap();
                for (id, _) in &records {
                    prop_assert!(
                        *table == Table::Erasures || !records_named(*table, &body).contains(&id.0),
                        "{} names {}",
                        table,
                        id
                    );
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn no_personal_information_of_an_erased_record_is_left(
            ops in prop::collection::vec(op(), 1..24)
        ) {
            run(&with_personal_rules(MemoryStore::new()), &ops)?;
        }
    }

    #[cfg(feature = "sqlite")]
    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        #[test]
        fn no_personal_information_of_an_erased_record_is_left_on_sqlite(
            ops in prop::collection::vec(op(), 1..16)
        ) {
            run(
                &with_personal_rules(social_credit::store::SqliteStore::open_in_memory().unwrap()),
                &ops,
            )?;
        }
    }
}
