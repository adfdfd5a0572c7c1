//! The store conformance kit (feature `test-kit`): checks any [`Store`]
//! implementation runs against itself, a model-based random test against a
//! `BTreeMap` model, and [`FaultyStore`], a wrapper that fails at a chosen
//! write to prove operations atomic.
//!
//! ```
//! use social_credit::store::{kit, MemoryStore};
//!
//! kit::conformance(MemoryStore::new)?;
//! kit::model_based(MemoryStore::new, 16)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use super::{dump, Doc, Store, StoreError, Table, Transaction};

mod reads;
use reads::{pages_match_scans, reads_and_generations};

/// A conformance check that failed: which, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitFailure {
    /// The check's name.
    pub check: &'static str,
    /// What went wrong.
    pub detail: String,
}

impl fmt::Display for KitFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "store conformance check `{}` failed: {}",
            self.check, self.detail
        )
    }
}

impl std::error::Error for KitFailure {}

fn fail(check: &'static str, detail: impl Into<String>) -> KitFailure {
    KitFailure {
        check,
        detail: detail.into(),
    }
}

fn ensure(
    check: &'static str,
    ok: bool,
    detail: impl FnOnce() -> String,
) -> Result<(), KitFailure> {
    if ok {
        Ok(())
    } else {
        Err(fail(check, detail()))
    }
}

fn doc(subject: Option<&str>, n: i64) -> Doc {
    Doc {
        subject: subject.map(str::to_owned),
        body: serde_json::json!({ "n": n }).to_string(),
        sealed: None,
    }
}

/// JSON text of a value, for audit entries.
fn text(value: serde_json::Value) -> String {
    value.to_string()
}

/// The error type the checks run transactions with.
#[derive(Debug)]
enum KitError {
    #[expect(dead_code, reason = "read through Debug in failure messages")]
    Store(StoreError),
    Rollback,
}

impl From<StoreError> for KitError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

fn run<S: Store, R>(
    store: &S,
    check: &'static str,
    work: impl FnMut(&mut dyn Transaction) -> Result<R, KitError>,
) -> Result<R, KitFailure> {
    store
        .transaction(work)
        .map_err(|e| fail(check, format!("transaction failed: {e:?}")))
}

/// Runs every conformance check against fresh stores from `make`.
///
/// # Errors
///
/// The first [`KitFailure`].
pub fn conformance<S: Store>(make: impl Fn() -> S) -> Result<(), KitFailure> {
    get_put_replace(&make())?;
    delete_removes(&make())?;
    scan_by_subject(&make())?;
    read_your_writes(&make())?;
    rollback_leaves_nothing(&make())?;
    counters(&make())?;
    audit_append_only(&make())?;
    sealed_kept(&make())?;
    concurrent_transactions(&make())?;
    due_index(&make())?;
    delete_many(&make())?;
    pages_match_scans(&make())?;
    reads_and_generations(&make())?;
    Ok(())
}

fn day(d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2020, 1, d).unwrap_or_default()
}

fn due_index<S: Store>(store: &S) -> Result<(), KitFailure> {
    const C: &str = "due_index";
    let keys = |v: &[super::Due]| v.iter().map(|d| d.key.clone()).collect::<Vec<_>>();
    let inside = run(store, C, |tx| {
        tx.put(Table::Records, "a", doc(Some("s1"), 1))?;
        tx.put(Table::Records, "b", doc(Some("s2"), 2))?;
        tx.put(Table::Records, "c", doc(Some("s1"), 3))?;
        tx.put(Table::Records, "d", doc(None, 4))?;
        tx.put(Table::Objections, "a", doc(Some("s1"), 5))?;
        tx.set_due(Table::Records, "a", Some(day(5)))?;
        tx.set_due(Table::Records, "b", Some(day(10)))?;
        tx.set_due(Table::Records, "c", Some(day(1)))?;
        tx.set_due(Table::Objections, "a", Some(day(1)))?;
        // No such document: nothing.
        tx.set_due(Table::Records, "zz", Some(day(1)))?;
        Ok(tx.due(Table::Records, day(5), None, 10)?)
    })?;
    ensure(C, keys(&inside) == ["a", "c"], || {
        format!("own due days read back as {inside:?}")
    })?;
    ensure(
        C,
        inside.first().map(|d| (d.subject.as_deref(), d.on)) == Some((Some("s1"), day(5))),
        || format!("due entry {:?}", inside.first()),
    )?;
    let pages = run(store, C, |tx| {
        let first = tx.due(Table::Records, day(31), None, 2)?;
        let second = tx.due(Table::Records, day(31), Some("b"), 2)?;
        let third = tx.due(Table::Records, day(31), Some("c"), 2)?;
        let none = tx.due(Table::Records, chrono::NaiveDate::MIN, None, 9)?;
        Ok((first, second, third, none))
    })?;
    ensure(
        C,
        keys(&pages.0) == ["a", "b"]
            && keys(&pages.1) == ["c"]
            && pages.2.is_empty()
            && pages.3.is_empty(),
        || format!("pages {pages:?}"),
    )?;
    // A rolled-back change leaves the due days; a replaced doc keeps its
    // day; a deleted one loses it; a cleared one is gone; a doc deleted and
    // put again in one transaction has none.
    let _ = store.transaction(|tx| {
        tx.set_due(Table::Records, "a", None)?;
        Err::<(), _>(KitError::Rollback)
    });
    run(store, C, |tx| {
        tx.put(Table::Records, "a", doc(Some("s1"), 6))?;
        tx.delete(Table::Records, "c")?;
        tx.set_due(Table::Records, "b", None)?;
        tx.delete(Table::Objections, "a")?;
        tx.put(Table::Objections, "a", doc(Some("s1"), 7))?;
        Ok(())
    })?;
    let after = run(store, C, |tx| {
        Ok((
            tx.due(Table::Records, day(31), None, 10)?,
            tx.due(Table::Objections, day(31), None, 10)?,
        ))
    })?;
    ensure(
        C,
        keys(&after.0) == ["a"]
            && after.0.first().map(|d| d.on) == Some(day(5))
            && after.1.is_empty(),
        || format!("after changes: {after:?}"),
    )
}

/// `delete_many` deletes what `delete` on each key would, counting each
/// document once: stored ones, ones put earlier in the transaction, both,
/// and no missing key; a rollback keeps them all.
fn delete_many<S: Store>(store: &S) -> Result<(), KitFailure> {
    const C: &str = "delete_many";
    let names = |v: &[(String, Doc)]| v.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    run(store, C, |tx| {
        for (i, key) in ["a", "b", "c", "d"].into_iter().enumerate() {
            tx.put(Table::Records, key, doc(Some("s1"), i as i64))?;
        }
        tx.set_due(Table::Records, "a", Some(day(3)))?;
        Ok(())
    })?;
    let _ = store.transaction(|tx| {
        tx.delete_many(Table::Records, &["a".into(), "b".into()])?;
        Err::<(), _>(KitError::Rollback)
    });
    let (count, inside) = run(store, C, |tx| {
        // "b" stored and put again; "e" only put; "zz" nowhere.
        tx.put(Table::Records, "b", doc(Some("s1"), 9))?;
        tx.put(Table::Records, "e", doc(Some("s2"), 10))?;
        let keys: Vec<String> = ["a", "b", "e", "zz"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        let count = tx.delete_many(Table::Records, &keys)?;
        Ok((count, tx.scan(Table::Records, None)?))
    })?;
    ensure(C, count == 3, || format!("counted {count}, not 3"))?;
    ensure(C, names(&inside) == ["c", "d"], || {
        format!("inside the transaction: {:?}", names(&inside))
    })?;
    let after = run(store, C, |tx| {
        Ok((
            tx.scan(Table::Records, None)?,
            tx.due(Table::Records, day(31), None, 10)?,
        ))
    })?;
    ensure(
        C,
        names(&after.0) == ["c", "d"] && after.1.is_empty(),
        || format!("after: {:?}, due {:?}", names(&after.0), after.1),
    )
}

fn get_put_replace<S: Store>(store: &S) -> Result<(), KitFailure> {
    const C: &str = "get_put_replace";
    run(store, C, |tx| {
        if tx.get(Table::Records, "a")?.is_some() {
            return Ok(Err("a missing key was found".to_owned()));
        }
        tx.put(Table::Records, "a", doc(Some("s"), 1))?;
        tx.put(Table::Subjects, "a", doc(None, 9))?;
        Ok(Ok(()))
    })?
    .map_err(|d| fail(C, d))?;
    run(store, C, |tx| {
        tx.put(Table::Records, "a", doc(Some("s"), 2))?;
        Ok(())
    })?;
    let (rec, subj) = run(store, C, |tx| {
        Ok((tx.get(Table::Records, "a")?, tx.get(Table::Subjects, "a")?))
    })?;
    ensure(C, rec == Some(doc(Some("s"), 2)), || {
        format!("replaced doc reads back as {rec:?}")
    })?;
    ensure(C, subj == Some(doc(None, 9)), || {
        format!("same key in another table reads back as {subj:?}")
    })
}

fn delete_removes<S: Store>(store: &S) -> Result<(), KitFailure> {
    const C: &str = "delete_removes";
    run(store, C, |tx| {
        tx.put(Table::Records, "a", doc(Some("s"), 1))?;
        tx.put(Table::Records, "b", doc(Some("s"), 2))?;
        tx.put(Table::Objections, "a", doc(Some("s"), 3))?;
        Ok(())
    })?;
    // Deleted in the same transaction as a read: the transaction no longer
    // sees it, in a get or in either scan.
    let inside = run(store, C, |tx| {
        let existed = tx.delete(Table::Records, "a")?;
        let again = tx.delete(Table::Records, "a")?;
        let missing = tx.delete(Table::Records, "zz")?;
        Ok((
            existed,
            again,
            missing,
            tx.get(Table::Records, "a")?,
            tx.scan(Table::Records, Some("s"))?.len(),
            tx.scan(Table::Records, None)?.len(),
        ))
    })?;
    ensure(C, inside == (true, false, false, None, 1, 1), || {
        format!("inside the deleting transaction: {inside:?}")
    })?;
    let after = run(store, C, |tx| {
        Ok((
            tx.get(Table::Records, "a")?,
            tx.scan(Table::Records, Some("s"))?,
            tx.get(Table::Objections, "a")?,
        ))
    })?;
    ensure(
        C,
        after.0.is_none() && after.1 == vec![("b".to_owned(), doc(Some("s"), 2))],
        || format!("after the commit: {after:?}"),
    )?;
    ensure(C, after.2 == Some(doc(Some("s"), 3)), || {
        "a delete removed the same key in another table".to_owned()
    })?;
    // A rolled-back delete leaves the doc; a put after a delete restores it.
    let _ = store.transaction(|tx| {
        tx.delete(Table::Records, "b")?;
        Err::<(), _>(KitError::Rollback)
    });
    let kept = run(store, C, |tx| Ok(tx.get(Table::Records, "b")?))?;
    ensure(C, kept == Some(doc(Some("s"), 2)), || {
        format!("a rolled-back delete removed the doc: {kept:?}")
    })?;
    let back = run(store, C, |tx| {
        tx.delete(Table::Records, "b")?;
        tx.put(Table::Records, "b", doc(Some("t"), 4))?;
        Ok(tx.scan(Table::Records, Some("t"))?)
    })?;
    ensure(C, back == vec![("b".to_owned(), doc(Some("t"), 4))], || {
        format!("a put after a delete reads back as {back:?}")
    })
}

fn scan_by_subject<S: Store>(store: &S) -> Result<(), KitFailure> {
    const C: &str = "scan_by_subject";
    run(store, C, |tx| {
        tx.put(Table::Records, "k2", doc(Some("x"), 2))?;
        tx.put(Table::Records, "k1", doc(Some("x"), 1))?;
        tx.put(Table::Records, "k3", doc(Some("y"), 3))?;
        tx.put(Table::Objections, "k4", doc(Some("x"), 4))?;
        Ok(())
    })?;
    let (x, all) = run(store, C, |tx| {
        Ok((
            tx.scan(Table::Records, Some("x"))?,
            tx.scan(Table::Records, None)?,
        ))
    })?;
    let keys = |v: &[(String, Doc)]| v.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    ensure(C, keys(&x) == ["k1", "k2"], || {
        format!("subject scan gave {:?}", keys(&x))
    })?;
    ensure(C, keys(&all) == ["k1", "k2", "k3"], || {
        format!("table scan gave {:?}", keys(&all))
    })?;
    // Moving a doc to another subject moves it between scans.
    run(store, C, |tx| {
        tx.put(Table::Records, "k1", doc(Some("y"), 1))
            .map_err(KitError::from)
    })?;
    let (x, y) = run(store, C, |tx| {
        Ok((
            tx.scan(Table::Records, Some("x"))?,
            tx.scan(Table::Records, Some("y"))?,
        ))
    })?;
    ensure(C, keys(&x) == ["k2"] && keys(&y) == ["k1", "k3"], || {
        format!("after moving k1: x {:?}, y {:?}", keys(&x), keys(&y))
    })
}

fn read_your_writes<S: Store>(store: &S) -> Result<(), KitFailure> {
    const C: &str = "read_your_writes";
    run(store, C, |tx| {
        tx.put(Table::Records, "a", doc(Some("s"), 1))
            .map_err(KitError::from)
    })?;
    let seen = run(store, C, |tx| {
        tx.put(Table::Records, "b", doc(Some("s"), 2))?;
        tx.put(Table::Records, "a", doc(Some("t"), 3))?;
        Ok((
            tx.get(Table::Records, "b")?,
            tx.scan(Table::Records, Some("s"))?,
            tx.scan(Table::Records, Some("t"))?,
        ))
    })?;
    ensure(C, seen.0 == Some(doc(Some("s"), 2)), || {
        format!("own write read back as {:?}", seen.0)
    })?;
    ensure(C, seen.1.len() == 1 && seen.2.len() == 1, || {
        format!(
            "scans inside the transaction gave {:?} and {:?}",
            seen.1, seen.2
        )
    })
}

fn rollback_leaves_nothing<S: Store>(store: &S) -> Result<(), KitFailure> {
    const C: &str = "rollback_leaves_nothing";
    run(store, C, |tx| {
        tx.put(Table::Records, "a", doc(Some("s"), 1))?;
        tx.next_id(Table::Records)?;
        tx.append_audit(text(serde_json::json!("first")))?;
        Ok(())
    })?;
    let before = dump(store).map_err(|e| fail(C, e.to_string()))?;
    let result: Result<(), KitError> = store.transaction(|tx| {
        tx.put(Table::Records, "a", doc(Some("s"), 2))?;
        tx.put(Table::Records, "b", doc(Some("s"), 3))?;
        tx.next_id(Table::Records)?;
        tx.append_audit(text(serde_json::json!("second")))?;
        Err(KitError::Rollback)
    });
    ensure(C, matches!(result, Err(KitError::Rollback)), || {
        format!("work's error was not returned: {result:?}")
    })?;
    let after = dump(store).map_err(|e| fail(C, e.to_string()))?;
    ensure(C, before == after, || {
        format!("store changed by a rolled-back transaction: {before:?} -> {after:?}")
    })?;
    let id = run(store, C, |tx| {
        tx.next_id(Table::Records).map_err(KitError::from)
    })?;
    ensure(C, id == 2, || {
        format!("counter after a rolled-back increment is {id}, expected 2")
    })
}

fn counters<S: Store>(store: &S) -> Result<(), KitFailure> {
    const C: &str = "counters";
    let ids = run(store, C, |tx| {
        Ok([
            tx.next_id(Table::Records)?,
            tx.next_id(Table::Records)?,
            tx.next_id(Table::Objections)?,
        ])
    })?;
    ensure(C, ids == [1, 2, 1], || {
        format!("first ids {ids:?}, expected [1, 2, 1]")
    })?;
    let next = run(store, C, |tx| {
        tx.next_id(Table::Records).map_err(KitError::from)
    })?;
    ensure(C, next == 3, || {
        format!("id after commit {next}, expected 3")
    })
}

fn audit_append_only<S: Store>(store: &S) -> Result<(), KitFailure> {
    const C: &str = "audit_append_only";
    let seqs = run(store, C, |tx| {
        Ok([
            tx.append_audit(text(serde_json::json!({"e": 1})))?,
            tx.append_audit(text(serde_json::json!({"e": 2})))?,
        ])
    })?;
    let third = run(store, C, |tx| {
        tx.append_audit(text(serde_json::json!({"e": 3})))
            .map_err(KitError::from)
    })?;
    ensure(C, seqs == [1, 2] && third == 3, || {
        format!("sequence numbers {seqs:?}, {third}")
    })?;
    let since = run(store, C, |tx| tx.audit_since(1).map_err(KitError::from))?;
    let expected = vec![
        (2, text(serde_json::json!({"e": 2}))),
        (3, text(serde_json::json!({"e": 3}))),
    ];
    ensure(C, since == expected, || {
        format!("audit since 1 gave {since:?}")
    })
}

fn sealed_kept<S: Store>(store: &S) -> Result<(), KitFailure> {
    const C: &str = "sealed_kept";
    let mut d = doc(Some("s"), 1);
    d.sealed = Some(text(serde_json::json!({"name": "reporter"})));
    let put = d.clone();
    run(store, C, |tx| {
        tx.put(Table::Reports, "r", put.clone())
            .map_err(KitError::from)
    })?;
    let back = run(store, C, |tx| {
        tx.get(Table::Reports, "r").map_err(KitError::from)
    })?;
    ensure(C, back == Some(d), || {
        format!("sealed doc read back as {back:?}")
    })
}

fn concurrent_transactions<S: Store>(store: &S) -> Result<(), KitFailure> {
    const C: &str = "concurrent_transactions";
    let results: Vec<Result<Vec<u64>, KitFailure>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    (0..25)
                        .map(|_| {
                            run(store, C, |tx| {
                                tx.next_id(Table::Records).map_err(KitError::from)
                            })
                        })
                        .collect::<Result<Vec<u64>, _>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(fail(C, "a thread panicked")))
            })
            .collect()
    });
    let mut all = Vec::new();
    for r in results {
        all.extend(r?);
    }
    all.sort_unstable();
    let expected: Vec<u64> = (1..=100).collect();
    ensure(C, all == expected, || {
        "ids from 4 threads are not 1..=100 exactly once".to_owned()
    })
}

/// One operation of the model-based test.
#[derive(Debug, Clone)]
enum Op {
    Put(Table, u8, Option<u8>, i64),
    Delete(Table, u8),
    Get(Table, u8),
    Scan(Table, Option<u8>),
    ScanPage(Table, Option<u8>, Option<u8>, u8),
    NextId(Table),
    Audit(i64),
    AuditSince(u8),
    AuditPage(u8, u8),
}

fn op() -> impl Strategy<Value = Op> {
    let table = prop::sample::select(vec![Table::Records, Table::Objections]);
    prop_oneof![
        (
            table.clone(),
            0u8..6,
            prop::option::of(0u8..3),
            any::<i64>()
        )
            .prop_map(|(t, k, s, n)| Op::Put(t, k, s, n)),
        (table.clone(), 0u8..6).prop_map(|(t, k)| Op::Delete(t, k)),
        (table.clone(), 0u8..6).prop_map(|(t, k)| Op::Get(t, k)),
        (table.clone(), prop::option::of(0u8..3)).prop_map(|(t, s)| Op::Scan(t, s)),
        (
            table.clone(),
            prop::option::of(0u8..3),
            prop::option::of(0u8..7),
            0u8..4
        )
            .prop_map(|(t, s, a, l)| Op::ScanPage(t, s, a, l)),
        (0u8..8, 0u8..4).prop_map(|(a, l)| Op::AuditPage(a, l)),
        table.prop_map(Op::NextId),
        any::<i64>().prop_map(Op::Audit),
        (0u8..8).prop_map(Op::AuditSince),
    ]
}

/// The model: what a correct store holds.
#[derive(Debug, Clone, Default, PartialEq)]
struct Model {
    docs: BTreeMap<(Table, String), Doc>,
    counters: BTreeMap<Table, u64>,
    audit: Vec<String>,
}

/// What an operation answered, in a form both sides produce.
#[derive(Debug, Clone, PartialEq)]
enum Answer {
    Unit,
    Existed(bool),
    Doc(Option<Doc>),
    Docs(Vec<(String, Doc)>),
    Id(u64),
    Audit(Vec<(u64, String)>),
}

fn key(k: u8) -> String {
    format!("key{k}")
}

fn subject(s: Option<u8>) -> Option<String> {
    s.map(|s| format!("subject{s}"))
}

impl Model {
    fn apply(&mut self, op: &Op) -> Answer {
        match op {
            Op::Put(t, k, s, n) => {
                self.docs
                    .insert((*t, key(*k)), doc(subject(*s).as_deref(), *n));
                Answer::Unit
            }
            Op::Delete(t, k) => Answer::Existed(self.docs.remove(&(*t, key(*k))).is_some()),
            Op::Get(t, k) => Answer::Doc(self.docs.get(&(*t, key(*k))).cloned()),
            Op::Scan(t, s) => {
                let s = subject(*s);
                Answer::Docs(
                    self.docs
                        .iter()
                        .filter(|((tt, _), d)| tt == t && (s.is_none() || d.subject == s))
                        .map(|((_, k), d)| (k.clone(), d.clone()))
                        .collect(),
                )
            }
            Op::ScanPage(t, s, after, limit) => {
                let s = subject(*s);
                let after = after.map(key);
                Answer::Docs(
                    self.docs
                        .iter()
                        .filter(|((tt, k), d)| {
                            tt == t
                                && (s.is_none() || d.subject == s)
                                && after.as_ref().is_none_or(|a| k > a)
                        })
                        .take(usize::from(*limit))
                        .map(|((_, k), d)| (k.clone(), d.clone()))
                        .collect(),
                )
            }
            Op::AuditPage(a, limit) => Answer::Audit(
                self.audit
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (i as u64 + 1, e.clone()))
                    .filter(|(seq, _)| *seq > u64::from(*a))
                    .take(usize::from(*limit))
                    .collect(),
            ),
            Op::NextId(t) => {
                let c = self.counters.entry(*t).or_insert(0);
                *c += 1;
                Answer::Id(*c)
            }
            Op::Audit(n) => {
                self.audit.push(n.to_string());
                Answer::Id(self.audit.len() as u64)
            }
            Op::AuditSince(a) => Answer::Audit(
                self.audit
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (i as u64 + 1, e.clone()))
                    .filter(|(seq, _)| *seq > u64::from(*a))
                    .collect(),
            ),
        }
    }
}

fn apply_store(tx: &mut dyn Transaction, op: &Op) -> Result<Answer, StoreError> {
    Ok(match op {
        Op::Put(t, k, s, n) => {
            tx.put(*t, &key(*k), doc(subject(*s).as_deref(), *n))?;
            Answer::Unit
        }
        Op::Delete(t, k) => Answer::Existed(tx.delete(*t, &key(*k))?),
        Op::Get(t, k) => Answer::Doc(tx.get(*t, &key(*k))?),
        Op::Scan(t, s) => Answer::Docs(tx.scan(*t, subject(*s).as_deref())?),
        Op::ScanPage(t, s, after, limit) => Answer::Docs(tx.scan_page(
            *t,
            subject(*s).as_deref(),
            after.map(key).as_deref(),
            usize::from(*limit),
        )?),
        Op::AuditPage(a, limit) => {
            Answer::Audit(tx.audit_page(u64::from(*a), usize::from(*limit))?)
        }
        Op::NextId(t) => Answer::Id(tx.next_id(*t)?),
        Op::Audit(n) => Answer::Id(tx.append_audit(text(serde_json::json!(n)))?),
        Op::AuditSince(a) => Answer::Audit(tx.audit_since(u64::from(*a))?),
    })
}

/// Model-based test: `cases` random sequences of transactions (each a few
/// operations, some rolled back) run against a fresh store from `make` and
/// against a `BTreeMap` model must give the same answers.
///
/// # Errors
///
/// A [`KitFailure`] with the shrunk failing sequence.
pub fn model_based<S: Store>(make: impl Fn() -> S, cases: u32) -> Result<(), KitFailure> {
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = prop::collection::vec((prop::collection::vec(op(), 1..6), any::<bool>()), 1..12);
    runner
        .run(&strategy, |transactions| {
            let store = make();
            let mut model = Model::default();
            for (ops, commit) in &transactions {
                let mut staged = model.clone();
                let expected: Vec<Answer> = ops.iter().map(|o| staged.apply(o)).collect();
                let got: Result<Vec<Answer>, KitError> = store.transaction(|tx| {
                    let answers = ops
                        .iter()
                        .map(|o| apply_store(tx, o))
                        .collect::<Result<Vec<_>, _>>()?;
                    if *commit {
                        Ok(answers)
                    } else {
                        Err(KitError::Rollback)
                    }
                });
                match got {
                    Ok(answers) => {
                        prop_assert_eq!(&answers, &expected);
                        model = staged;
                    }
                    Err(KitError::Rollback) => {}
                    Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
                }
            }
            let final_answers = store
                .transaction(|tx| {
                    Table::ALL
                        .iter()
                        .map(|t| apply_store(tx, &Op::Scan(*t, None)))
                        .collect::<Result<Vec<_>, StoreError>>()
                })
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let expected: Vec<Answer> = Table::ALL
                .iter()
                .map(|t| model.apply(&Op::Scan(*t, None)))
                .collect();
            prop_assert_eq!(final_answers, expected);
            Ok(())
        })
        .map_err(|e| fail("model_based", e.to_string()))
}

/// A store that fails at a chosen write (the nth `put`, `delete`, `next_id` or
/// `append_audit`, counted from 1 across its life), for proving that an
/// operation leaves the store exactly as it was when any of its writes fails.
///
/// ```
/// use social_credit::store::kit::FaultyStore;
/// use social_credit::store::{dump, Doc, MemoryStore, Store, StoreError, Table};
///
/// let store = FaultyStore::new(MemoryStore::new());
/// store.fail_at(2);
/// let before = dump(&store)?;
/// let result: Result<(), StoreError> = store.transaction(|tx| {
///     tx.put(Table::Records, "a", Doc { subject: None, body: "1".into(), sealed: None })?;
///     tx.put(Table::Records, "b", Doc { subject: None, body: "2".into(), sealed: None })?; // fails
///     Ok(())
/// });
/// assert!(result.is_err());
/// assert_eq!(dump(&store)?, before);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct FaultyStore<S> {
    inner: S,
    writes: AtomicUsize,
    fail_at: AtomicUsize,
    sweep_concurrency: usize,
}

impl<S: Store> FaultyStore<S> {
    /// Wraps `inner`, failing nothing until [`FaultyStore::fail_at`] is set.
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            writes: AtomicUsize::new(0),
            fail_at: AtomicUsize::new(usize::MAX),
            sweep_concurrency: 1,
        }
    }

    /// The same wrapper, answering `n` (at least 1) to
    /// [`Store::sweep_concurrency`], to fail a sweep that handles several
    /// subjects at once. By default it answers 1, whatever the inner store
    /// says, so that which write fails, and what was done before it, is the
    /// same in every run.
    #[must_use]
    pub fn with_sweep_concurrency(mut self, n: usize) -> Self {
        self.sweep_concurrency = n.max(1);
        self
    }

    /// Fails the `n`th write from now (1 = the next write), and none after it.
    pub fn fail_at(&self, n: usize) {
        self.writes.store(0, Ordering::SeqCst);
        self.fail_at.store(n, Ordering::SeqCst);
    }

    /// Stops failing and resets the write count.
    pub fn heal(&self) {
        self.writes.store(0, Ordering::SeqCst);
        self.fail_at.store(usize::MAX, Ordering::SeqCst);
    }

    /// Writes attempted since the last [`fail_at`](Self::fail_at) or [`heal`](Self::heal).
    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }

    /// The wrapped store.
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

struct FaultyTx<'a> {
    inner: &'a mut dyn Transaction,
    writes: &'a AtomicUsize,
    fail_at: usize,
}

impl FaultyTx<'_> {
    fn write(&mut self) -> Result<(), StoreError> {
        let n = self.writes.fetch_add(1, Ordering::SeqCst) + 1;
        if n == self.fail_at {
            return Err(StoreError::backend(format!("injected fault at write {n}")));
        }
        Ok(())
    }
}

impl Transaction for FaultyTx<'_> {
    fn get(&mut self, table: Table, key: &str) -> Result<Option<Doc>, StoreError> {
        self.inner.get(table, key)
    }

    fn put(&mut self, table: Table, key: &str, doc: Doc) -> Result<(), StoreError> {
        self.write()?;
        self.inner.put(table, key, doc)
    }

    fn delete(&mut self, table: Table, key: &str) -> Result<bool, StoreError> {
        self.write()?;
        self.inner.delete(table, key)
    }

    fn scan(
        &mut self,
        table: Table,
        subject: Option<&str>,
    ) -> Result<Vec<(String, Doc)>, StoreError> {
        self.inner.scan(table, subject)
    }

    fn scan_page(
        &mut self,
        table: Table,
        subject: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, Doc)>, StoreError> {
        self.inner.scan_page(table, subject, after, limit)
    }

    fn audit_page(&mut self, after: u64, limit: usize) -> Result<Vec<(u64, String)>, StoreError> {
        self.inner.audit_page(after, limit)
    }

    fn generation(&mut self, subject: &str) -> Result<Option<u64>, StoreError> {
        self.inner.generation(subject)
    }

    fn pending_generation(&mut self) -> Result<Option<u64>, StoreError> {
        self.inner.pending_generation()
    }

    fn next_id(&mut self, table: Table) -> Result<u64, StoreError> {
        self.write()?;
        self.inner.next_id(table)
    }

    fn append_audit(&mut self, entry: String) -> Result<u64, StoreError> {
        self.write()?;
        self.inner.append_audit(entry)
    }

    fn audit_since(&mut self, after: u64) -> Result<Vec<(u64, String)>, StoreError> {
        self.inner.audit_since(after)
    }

    fn set_due(
        &mut self,
        table: Table,
        key: &str,
        on: Option<chrono::NaiveDate>,
    ) -> Result<(), StoreError> {
        self.write()?;
        self.inner.set_due(table, key, on)
    }

    fn due(
        &mut self,
        table: Table,
        up_to: chrono::NaiveDate,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<super::Due>, StoreError> {
        self.inner.due(table, up_to, after, limit)
    }
}

impl<S: Store> Store for FaultyStore<S> {
    fn transact(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let fail_at = self.fail_at.load(Ordering::SeqCst);
        self.inner.transact(&mut |tx| {
            work(&mut FaultyTx {
                inner: tx,
                writes: &self.writes,
                fail_at,
            })
        })
    }

    fn transact_read(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let fail_at = self.fail_at.load(Ordering::SeqCst);
        self.inner.transact_read(&mut |tx| {
            work(&mut FaultyTx {
                inner: tx,
                writes: &self.writes,
                fail_at,
            })
        })
    }

    fn sweep_concurrency(&self) -> usize {
        self.sweep_concurrency
    }
}
