//! The daily sweep catches up (issue 19): a sweep on day D handles and
//! reports every event due since the last completed sweep, so a missed
//! night loses nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::registry::who;

#[path = "data/fixtures.rs"]
mod fixtures;

use std::collections::HashSet;
use std::sync::Mutex;
use std::thread::ThreadId;

use chrono::NaiveDate;
use fixtures::*;
use social_credit::lists::ListKind;
use social_credit::misconduct::{ConductKind, RecordContent, Section};
use social_credit::registry::{NewRecord, Registry};
use social_credit::store::{MemoryStore, Store, StoreError, Transaction};
use social_credit::SubjectId;

#[cfg(feature = "postgres")]
mod pg;

/// A store that notes which threads run its transactions, and passes on
/// its inner store's [`Store::sweep_concurrency`].
struct Threads<S> {
    inner: S,
    seen: Mutex<HashSet<ThreadId>>,
}

impl<S> Threads<S> {
    fn new(inner: S) -> Self {
        Self {
            inner,
            seen: Mutex::new(HashSet::new()),
        }
    }

    /// How many threads ran transactions since the last call.
    fn take_count(&self) -> usize {
        std::mem::take(&mut *self.seen.lock().unwrap()).len()
    }

    fn note(&self) {
        self.seen
            .lock()
            .unwrap()
            .insert(std::thread::current().id());
    }
}

impl<S: Store> Store for Threads<S> {
    fn transact(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.note();
        self.inner.transact(work)
    }

    fn transact_read(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.note();
        self.inner.transact_read(work)
    }

    fn sweep_concurrency(&self) -> usize {
        self.inner.sweep_concurrency()
    }
}

fn warning(subject: &SubjectId, on: NaiveDate) -> NewRecord {
    NewRecord {
        subject: subject.clone(),
        conduct: ConductKind::new("warning"),
        section: Section::SocialOrganizations,
        occurred_on: on,
        ended_on: Some(on),
        content: RecordContent {
            description: "test".into(),
            legal_basis: "MCA Order No. 60 (2018)".into(),
            evidence: vec![],
            fine: None,
        },
        decision: None,
    }
}

/// An organization put on the activity-abnormal list for a warning (nothing
/// to rectify) leaves it by time
/// (MCA Order No. 60 (2018) art. 13, unconfirmed). The sweeps of the exit
/// day and the days before it did not run: the next sweep reports the exit,
/// says which sweep it continues from, and the one after it does not report
/// the exit again.
#[test]
fn a_missed_night_loses_no_list_exit() {
    let r = Registry::official(MemoryStore::new());
    let subject = org(70);
    let id = subject.id();
    r.register_subject(subject, &who::clerk(), d(2019, 1, 2))
        .unwrap();
    r.record_misconduct(warning(&id, d(2019, 3, 1)), &who::section(), d(2019, 3, 1))
        .unwrap();
    // The exit day: the first day the public view shows no list.
    let exit = (0..400)
        .map(|n| d(2019, 3, 2) + chrono::Days::new(n))
        .find(|day| r.public_view(&id, *day).unwrap().lists.is_empty())
        .unwrap();
    let before = exit - chrono::Days::new(3);
    let first = r.daily_sweep(&who::system(), before).unwrap();
    assert!(first.list_exits.is_empty());
    assert_eq!(first.since, None);
    // Nights `exit - 2` to `exit + 1` missed.
    let late = exit + chrono::Days::new(2);
    let caught_up = r.daily_sweep(&who::system(), late).unwrap();
    assert_eq!(caught_up.since, Some(before));
    assert_eq!(
        caught_up.list_exits,
        vec![(id.display_masked(), ListKind::ActivityAbnormal)]
    );
    // Run again on the same day (say, after a failure): the same report.
    assert_eq!(r.daily_sweep(&who::system(), late).unwrap(), caught_up);
    // The next night's sweep continues from this one.
    let next = r
        .daily_sweep(&who::system(), late + chrono::Days::new(1))
        .unwrap();
    assert_eq!(next.since, Some(late));
    assert!(next.list_exits.is_empty());
}

/// Without a completed sweep before it, a sweep reports the events of its
/// own day only, as before.
#[test]
fn the_first_sweep_reports_its_own_day() {
    let r = Registry::official(MemoryStore::new());
    let subject = org(71);
    let id = subject.id();
    r.register_subject(subject, &who::clerk(), d(2019, 1, 2))
        .unwrap();
    r.record_misconduct(warning(&id, d(2019, 3, 1)), &who::section(), d(2019, 3, 1))
        .unwrap();
    let exit = (0..400)
        .map(|n| d(2019, 3, 2) + chrono::Days::new(n))
        .find(|day| r.public_view(&id, *day).unwrap().lists.is_empty())
        .unwrap();
    let after = r
        .daily_sweep(&who::system(), exit + chrono::Days::new(1))
        .unwrap();
    assert!(after.list_exits.is_empty());
    let fresh = Registry::official(MemoryStore::new());
    let subject = org(71);
    fresh
        .register_subject(subject, &who::clerk(), d(2019, 1, 2))
        .unwrap();
    fresh
        .record_misconduct(warning(&id, d(2019, 3, 1)), &who::section(), d(2019, 3, 1))
        .unwrap();
    assert_eq!(
        fresh.daily_sweep(&who::system(), exit).unwrap().list_exits,
        vec![(id.display_masked(), ListKind::ActivityAbnormal)]
    );
}

/// Six organizations, each put on the activity-abnormal list for a warning,
/// twenty days apart, and a first sweep the day after the first warning.
/// Returns the day of a later sweep that catches up on several exits.
fn six_listed<S: social_credit::store::Store>(r: &Registry<S>, sweep_first: bool) -> NaiveDate {
    for i in 0..6u32 {
        let subject = org(80 + i);
        let id = subject.id();
        r.register_subject(subject, &who::clerk(), d(2019, 1, 2))
            .unwrap();
        let on = d(2019, 3, 1) + chrono::Days::new(20 * u64::from(i));
        r.record_misconduct(warning(&id, on), &who::section(), on)
            .unwrap();
    }
    if sweep_first {
        r.daily_sweep(&who::system(), d(2019, 3, 2)).unwrap();
    }
    // Forty days after the first exit: some have left, some stand.
    let first = org(80).id();
    let exit = (0..400)
        .map(|n| d(2019, 3, 2) + chrono::Days::new(n))
        .find(|day| r.public_view(&first, *day).unwrap().lists.is_empty())
        .unwrap();
    exit + chrono::Days::new(40)
}

/// A sweep that a store failure stops part-way keeps what it did for the
/// subjects handled before the failure (their part of the report
/// included); running it again finishes it, and the report is the one an
/// uninterrupted sweep gives, with no event lost or reported twice. So does
/// the next day's sweep when the failed day is not run again: it finishes
/// the failed day first and continues from it.
#[test]
fn an_interrupted_sweep_ends_as_an_uninterrupted_one() {
    interrupted_sweeps_end_as_uninterrupted_ones(1);
}

/// The same with four subjects handled at once: a failure in one of them
/// stops the sweep while the others finish; the next call does the rest,
/// and the reports and due days are those of a sequential sweep that
/// never failed.
#[test]
fn an_interrupted_concurrent_sweep_ends_as_an_uninterrupted_sequential_one() {
    interrupted_sweeps_end_as_uninterrupted_ones(4);
}

/// Fails the sweep at its 1st, 2nd, … write in turn, on a store that lets
/// it handle `concurrency` subjects at once, and compares what the runs
/// after the failure give with an uninterrupted sequential sweep.
fn interrupted_sweeps_end_as_uninterrupted_ones(concurrency: usize) {
    use social_credit::store::kit::FaultyStore;
    use social_credit::store::{dump, Table};
    let reference = Registry::official(MemoryStore::new());
    let late = six_listed(&reference, true);
    let expected = reference.daily_sweep(&who::system(), late).unwrap();
    // The case is worth testing: several exits caught up, several standing.
    assert!(expected.list_exits.len() >= 2, "{expected:?}");
    assert!(!expected.standings.is_empty(), "{expected:?}");
    let next = late + chrono::Days::new(1);
    let expected_next = reference.daily_sweep(&who::system(), next).unwrap();
    // The next night's sweep when the failed one never started.
    let skipped = Registry::official(MemoryStore::new());
    six_listed(&skipped, true);
    let expected_skipped = skipped.daily_sweep(&who::system(), next).unwrap();
    assert_eq!(expected_skipped.since, Some(d(2019, 3, 2)));
    let mut mid_way = 0;
    // The most threads that ran a failing sweep's transactions.
    let mut most_threads = 0;
    for k in 1.. {
        for rerun_same_day in [true, false] {
            let r = Registry::official(Threads::new(
                FaultyStore::new(MemoryStore::new()).with_sweep_concurrency(concurrency),
            ));
            six_listed(&r, true);
            r.store().take_count();
            r.store().inner.fail_at(k);
            let Err(e) = r.daily_sweep(&who::system(), late) else {
                assert!(k > 1);
                assert!(mid_way > 0, "no failure came after a subject was handled");
                // The calling thread alone, or workers beside it.
                assert_eq!(most_threads > 1, concurrency > 1, "{most_threads} threads");
                return;
            };
            most_threads = most_threads.max(r.store().take_count());
            assert!(
                matches!(e, social_credit::registry::RegistryError::Store(_)),
                "{e}"
            );
            r.store().inner.heal();
            let sweeps = dump(r.store().inner.inner())
                .unwrap()
                .tables
                .remove(&Table::Sweeps)
                .unwrap();
            let parts = sweeps.keys().filter(|k| k.starts_with("~part/")).count();
            let started = sweeps.contains_key("~progress");
            if parts > 0 {
                mid_way += 1;
            }
            if rerun_same_day {
                assert_eq!(
                    r.daily_sweep(&who::system(), late).unwrap(),
                    expected,
                    "failed at write {k}"
                );
                assert_eq!(r.daily_sweep(&who::system(), next).unwrap(), expected_next);
            } else if started {
                // The next night's sweep finishes the failed one first.
                let got = r.daily_sweep(&who::system(), next).unwrap();
                assert_eq!(got, expected_next, "failed at write {k}");
                assert_eq!(r.daily_sweep(&who::system(), late).unwrap(), expected);
            } else {
                // Failed before it started: the next night's sweep covers
                // both nights.
                let got = r.daily_sweep(&who::system(), next).unwrap();
                assert_eq!(got, expected_skipped, "failed at write {k}");
                continue;
            }
            assert_eq!(
                dump(r.store().inner.inner()).unwrap().due,
                dump(reference.store()).unwrap().due,
                "failed at write {k}"
            );
        }
        assert!(k < 10_000);
    }
}

/// A registry whose documents have no due days, as one written before the
/// due-day index (SQLite schema 3 and earlier: the migration adds the
/// column empty), gets them on its first sweep, which rebuilds the index
/// from the documents and the rule book (a store migration cannot compute
/// them: they depend on the rules), and sweeps as one that always had
/// them.
#[cfg(feature = "sqlite")]
#[test]
fn a_registry_without_due_days_gets_them_back_on_its_first_sweep() {
    use social_credit::store::{dump, SqliteStore};
    let reference = Registry::official(MemoryStore::new());
    let late = six_listed(&reference, true);
    let expected = reference.daily_sweep(&who::system(), late).unwrap();
    assert!(!expected.list_exits.is_empty(), "{expected:?}");

    let dir = std::env::temp_dir().join(format!("social-credit-due-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("old.sqlite");
    let _ = std::fs::remove_file(&path);
    let r = Registry::official(SqliteStore::open(&path).unwrap());
    six_listed(&r, true);
    assert!(!dump(r.store()).unwrap().due.is_empty());
    drop(r);
    // What the migration to schema 4 leaves: every due day empty, and no
    // sweep of this version has run.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE docs SET due = NULL", []).unwrap();
    conn.execute(
        "DELETE FROM docs WHERE tbl = 'sweeps' AND key LIKE '~%'",
        [],
    )
    .unwrap();
    drop(conn);
    let r = Registry::official(SqliteStore::open(&path).unwrap());
    assert!(dump(r.store()).unwrap().due.is_empty());
    assert_eq!(r.daily_sweep(&who::system(), late).unwrap(), expected);
    let rebuilt = dump(r.store()).unwrap().due;
    assert_eq!(rebuilt, dump(reference.store()).unwrap().due);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A day before the latest completed sweep, and not swept itself, was
/// handled by the later sweeps (each catches up from the last completed
/// one): sweeping it is refused with both days named, and nothing changes.
/// A completed day swept again gives its report.
#[test]
fn a_day_before_the_latest_sweep_is_refused() {
    use social_credit::registry::RegistryError;
    let r = Registry::official(MemoryStore::new());
    let subject = org(71);
    let id = subject.id();
    r.register_subject(subject, &who::clerk(), d(2019, 1, 2))
        .unwrap();
    r.record_misconduct(warning(&id, d(2019, 3, 1)), &who::section(), d(2019, 3, 1))
        .unwrap();
    let first = r.daily_sweep(&who::system(), d(2019, 3, 4)).unwrap();
    let latest = r.daily_sweep(&who::system(), d(2019, 3, 8)).unwrap();
    let before = social_credit::store::dump(r.store()).unwrap();
    match r.daily_sweep(&who::system(), d(2019, 3, 6)) {
        Err(RegistryError::SweepBeforeLatest { on, latest }) => {
            assert_eq!((on, latest), (d(2019, 3, 6), d(2019, 3, 8)));
        }
        other => panic!("expected SweepBeforeLatest, got {other:?}"),
    }
    assert_eq!(social_credit::store::dump(r.store()).unwrap(), before);
    // Days that were swept give their reports again.
    assert_eq!(r.daily_sweep(&who::system(), d(2019, 3, 4)).unwrap(), first);
    assert_eq!(
        r.daily_sweep(&who::system(), d(2019, 3, 8)).unwrap(),
        latest
    );
}

/// On the real server (issue 19): the sweep handles several due subjects at
/// once, each in its own transaction, and gives the report, the kept
/// reports and the due days of a sequential sweep of the same registry;
/// failed part-way (while other subjects are under way on other threads),
/// it resumes to the same.
#[cfg(feature = "postgres")]
mod on_postgres {
    use super::*;
    use social_credit::registry::RegistryError;
    use social_credit::store::kit::FaultyStore;
    use social_credit::store::{dump, Dump, PostgresStore, Table};

    type Concurrent = Registry<Threads<FaultyStore<PostgresStore>>>;

    /// `n` organizations put on the activity-abnormal list for a warning,
    /// on days four apart in cycles of thirty (recorded from four threads),
    /// and a first sweep. Returns the day of a later sweep that catches up
    /// on about a third of them leaving the list and sees the rest standing.
    fn many_listed(r: &Registry<PostgresStore>, n: u32) -> NaiveDate {
        let first = d(2019, 3, 1);
        std::thread::scope(|scope| {
            for t in 0..4 {
                scope.spawn(move || {
                    for i in (t..n).step_by(4) {
                        let subject = org(1_000 + i);
                        let id = subject.id();
                        r.register_subject(subject, &who::clerk(), d(2019, 1, 2))
                            .unwrap();
                        let on = first + chrono::Days::new(4 * u64::from(i % 30));
                        r.record_misconduct(warning(&id, on), &who::section(), on)
                            .unwrap();
                    }
                });
            }
        });
        r.daily_sweep(&who::system(), d(2019, 3, 2)).unwrap();
        let id = org(1_000).id();
        let exit = (0..400)
            .map(|n| d(2019, 3, 2) + chrono::Days::new(n))
            .find(|day| r.public_view(&id, *day).unwrap().lists.is_empty())
            .unwrap();
        exit + chrono::Days::new(40)
    }

    /// A new store holding what the store in `source` holds: documents,
    /// due days, counters and audit log.
    fn copy_of(schemas: &pg::Schemas, source: &str) -> PostgresStore {
        let schema = schemas.fresh();
        let store = PostgresStore::with_config(schemas.config_for(&schema), 8).unwrap();
        schemas
            .admin()
            .batch_execute(&format!(
                "INSERT INTO {schema}.docs SELECT * FROM {source}.docs;
                 INSERT INTO {schema}.counters SELECT * FROM {source}.counters;
                 INSERT INTO {schema}.audit SELECT * FROM {source}.audit;"
            ))
            .unwrap();
        store
    }

    fn concurrent(store: PostgresStore) -> Concurrent {
        let r = Registry::official(Threads::new(
            FaultyStore::new(store).with_sweep_concurrency(4),
        ));
        assert_eq!(r.store().inner.inner().sweep_concurrency(), 4);
        r
    }

    /// A store's state, its audit entries without their numbers and in
    /// text order: the sweep's transactions commit in any order.
    fn state(store: &PostgresStore) -> (Dump, Vec<String>) {
        let mut dump = dump(store).unwrap();
        let mut audit: Vec<String> = dump.audit.drain(..).map(|(_, e)| e).collect();
        audit.sort();
        (dump, audit)
    }

    #[test]
    fn a_concurrent_sweep_reports_as_a_sequential_one_even_when_interrupted() {
        let Some(schemas) = pg::schemas("concurrent_sweep") else {
            return;
        };
        let source = schemas.fresh();
        let late = many_listed(
            &Registry::official(
                PostgresStore::with_config(schemas.config_for(&source), 8).unwrap(),
            ),
            300,
        );
        let next = late + chrono::Days::new(1);

        // The sequential sweep of the same registry.
        let sequential = Registry::official(copy_of(&schemas, &source).with_sweep_concurrency(1));
        assert_eq!(sequential.store().sweep_concurrency(), 1);
        let expected = sequential.daily_sweep(&who::system(), late).unwrap();
        // The case is worth testing: more due subjects than one page of
        // the due-day index holds (256 documents), exits and standings.
        assert!(expected.list_exits.len() >= 60, "{expected:?}");
        assert!(expected.standings.len() >= 150, "{expected:?}");
        let after_late = state(sequential.store());
        let expected_next = sequential.daily_sweep(&who::system(), next).unwrap();
        let after_next = state(sequential.store());

        // Four at once: the same reports and the same state.
        let r = concurrent(copy_of(&schemas, &source));
        r.store().take_count();
        r.store().inner.heal();
        assert_eq!(r.daily_sweep(&who::system(), late).unwrap(), expected);
        let writes = r.store().inner.writes();
        assert!(r.store().take_count() > 2, "the sweep ran on one thread");
        assert!(state(r.store().inner.inner()) == after_late);
        assert_eq!(r.daily_sweep(&who::system(), next).unwrap(), expected_next);
        assert!(state(r.store().inner.inner()) == after_next);

        // Failed at writes spread over the sweep, then run again (the same
        // day, or the next, which finishes the failed day first).
        let mut mid_way = 0;
        for (n, k) in [
            1,
            2,
            writes / 5,
            writes * 2 / 5,
            writes * 3 / 5,
            writes * 4 / 5,
            writes - 2,
        ]
        .into_iter()
        .enumerate()
        {
            let r = concurrent(copy_of(&schemas, &source));
            r.store().inner.fail_at(k);
            let result = r.daily_sweep(&who::system(), late);
            r.store().inner.heal();
            match result {
                Err(RegistryError::Store(_)) => {}
                // Conflicts retried add writes to some runs, never fewer.
                Ok(report) if k > writes / 2 => {
                    assert_eq!(report, expected);
                    continue;
                }
                other => panic!("failed at write {k} of {writes}: {other:?}"),
            }
            let sweeps = dump(r.store().inner.inner()).unwrap().tables[&Table::Sweeps].clone();
            if sweeps.keys().any(|key| key.starts_with("~part/")) {
                mid_way += 1;
            }
            if n % 2 == 0 || !sweeps.contains_key("~progress") {
                assert_eq!(
                    r.daily_sweep(&who::system(), late).unwrap(),
                    expected,
                    "failed at write {k} of {writes}"
                );
                assert_eq!(r.daily_sweep(&who::system(), next).unwrap(), expected_next);
            } else {
                assert_eq!(
                    r.daily_sweep(&who::system(), next).unwrap(),
                    expected_next,
                    "failed at write {k} of {writes}"
                );
                assert_eq!(r.daily_sweep(&who::system(), late).unwrap(), expected);
            }
            assert!(
                state(r.store().inner.inner()) == after_next,
                "failed at write {k} of {writes}"
            );
        }
        assert!(
            mid_way >= 4,
            "{mid_way} failures came after a subject was handled"
        );
    }
}
