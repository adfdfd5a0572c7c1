//! The embedded default store: everything in memory, behind a read-write
//! lock.

use std::collections::HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::RwLock;

use chrono::NaiveDate;

use super::{Doc, Due, Store, StoreError, Table, Transaction};

#[derive(Debug, Default, Clone)]
struct State {
    docs: BTreeMap<(Table, String), Doc>,
    // INVARIANT: holds (table, subject, key) exactly for the docs with a subject.
    by_subject: BTreeSet<(Table, String, String)>,
    counters: BTreeMap<Table, u64>,
    audit: Vec<String>,
    // INVARIANT: keys only of docs that exist.
    due: BTreeMap<(Table, String), NaiveDate>,
    // The number of committed transactions that wrote a document.
    commits: u64,
    // INVARIANT: the commit that last wrote or deleted a document of each
    // subject (see `Transaction::generation`).
    generations: HashMap<String, u64>,
}

impl State {
    /// Puts `doc` at `key`, or deletes what is there when `doc` is `None`,
    /// as part of commit number `commit`.
    fn write(&mut self, table: Table, key: String, doc: Option<Doc>, commit: u64) {
        let old = self.docs.remove(&(table, key.clone()));
        if old.is_none() || doc.is_none() {
            // A new doc has no due day; a deleted one keeps none.
            self.due.remove(&(table, key.clone()));
        }
        if let Some(old) = old {
            if let Some(s) = old.subject {
                self.by_subject.remove(&(table, s.clone(), key.clone()));
                self.generations.insert(s, commit);
            }
        }
        if let Some(doc) = doc {
            if let Some(s) = &doc.subject {
                self.by_subject.insert((table, s.clone(), key.clone()));
                self.generations.insert(s.clone(), commit);
            }
            self.docs.insert((table, key), doc);
        }
    }
}

/// The embedded default store: thread-safe, in memory. A transaction's
/// writes are staged and applied together when its work returns `Ok`; on
/// `Err` they are dropped. Transactions run one at a time; read-only ones
/// ([`Store::read`]) run side by side, with each other only.
///
/// # Example
///
/// ```
/// use social_credit::store::{Doc, MemoryStore, Store, StoreError, Table};
///
/// let store = MemoryStore::new();
/// let _ = store.transaction(|tx| {
///     tx.put(Table::Subjects, "a", Doc { subject: None, body: "1".into(), sealed: None })?;
///     Err::<(), _>(StoreError::backend("changed my mind"))
/// });
/// let found = store.transaction(|tx| tx.get(Table::Subjects, "a"))?;
/// assert_eq!(found, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: RwLock<State>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

struct MemoryTx<'a> {
    base: &'a State,
    // Staged writes: `Some` puts a doc, `None` deletes one.
    puts: BTreeMap<(Table, String), Option<Doc>>,
    // INVARIANT: holds (table, subject, key) exactly for the staged docs
    // (not deletions) with a subject, so that a scan by subject never walks
    // every staged write.
    puts_by_subject: BTreeSet<(Table, String, String)>,
    counters: BTreeMap<Table, u64>,
    audit: Vec<String>,
    // Staged due days, applied after the staged docs: `None` clears one.
    due: BTreeMap<(Table, String), Option<NaiveDate>>,
}

impl MemoryTx<'_> {
    /// Stages `doc` (or a deletion) at `key`, keeping `puts_by_subject`.
    fn stage(&mut self, table: Table, key: &str, doc: Option<Doc>) {
        if let Some(subject) = doc.as_ref().and_then(|d| d.subject.clone()) {
            self.puts_by_subject
                .insert((table, subject, key.to_owned()));
        }
        let new_subject = doc.as_ref().and_then(|d| d.subject.clone());
        if let Some(Some(old)) = self.puts.insert((table, key.to_owned()), doc) {
            if let Some(subject) = old.subject.filter(|s| Some(s) != new_subject.as_ref()) {
                self.puts_by_subject
                    .remove(&(table, subject, key.to_owned()));
            }
        }
    }
}

impl Transaction for MemoryTx<'_> {
    fn get(&mut self, table: Table, key: &str) -> Result<Option<Doc>, StoreError> {
        let k = (table, key.to_owned());
        Ok(match self.puts.get(&k) {
            Some(staged) => staged.clone(),
            None => self.base.docs.get(&k).cloned(),
        })
    }

    fn put(&mut self, table: Table, key: &str, doc: Doc) -> Result<(), StoreError> {
        if self.get(table, key)?.is_none() {
            self.due.insert((table, key.to_owned()), None);
        }
        self.stage(table, key, Some(doc));
        Ok(())
    }

    fn delete(&mut self, table: Table, key: &str) -> Result<bool, StoreError> {
        let existed = self.get(table, key)?.is_some();
        self.stage(table, key, None);
        self.due.insert((table, key.to_owned()), None);
        Ok(existed)
    }

    fn scan(
        &mut self,
        table: Table,
        subject: Option<&str>,
    ) -> Result<Vec<(String, Doc)>, StoreError> {
        let mut found: BTreeMap<String, Doc> = BTreeMap::new();
        match subject {
            Some(s) => {
                let start = (table, s.to_owned(), String::new());
                for (t, subj, key) in self.base.by_subject.range(start..) {
                    if *t != table || subj != s {
                        break;
                    }
                    if let Some(doc) = self.base.docs.get(&(table, key.clone())) {
                        found.insert(key.clone(), doc.clone());
                    }
                }
            }
            None => {
                let start = (table, String::new());
                for ((t, key), doc) in self.base.docs.range(start..) {
                    if *t != table {
                        break;
                    }
                    found.insert(key.clone(), doc.clone());
                }
            }
        }
        // Staged writes override what is stored, and may move a doc in or
        // out of the subject's set, or delete it.
        match subject {
            Some(s) => {
                found.retain(|key, _| match self.puts.get(&(table, key.clone())) {
                    None => true,
                    Some(staged) => staged
                        .as_ref()
                        .is_some_and(|doc| doc.subject.as_deref() == Some(s)),
                });
                let start = (table, s.to_owned(), String::new());
                for (t, subj, key) in self.puts_by_subject.range(start..) {
                    if *t != table || subj != s {
                        break;
                    }
                    if let Some(Some(doc)) = self.puts.get(&(table, key.clone())) {
                        found.insert(key.clone(), doc.clone());
                    }
                }
            }
            None => {
                for ((t, key), staged) in self.puts.range((table, String::new())..) {
                    if *t != table {
                        break;
                    }
                    match staged {
                        Some(doc) => {
                            found.insert(key.clone(), doc.clone());
                        }
                        None => {
                            found.remove(key);
                        }
                    }
                }
            }
        }
        Ok(found.into_iter().collect())
    }

    fn scan_page(
        &mut self,
        table: Table,
        subject: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, Doc)>, StoreError> {
        // The candidate keys in order from both the stored documents and the
        // staged writes, through the key or the subject index. Staged writes
        // hide at most `puts.len()` stored documents (deleted, or moved to
        // another subject), so that many more stored keys than the page
        // holds are enough to fill it in order.
        let enough = limit.saturating_add(self.puts.len());
        let (stored, staged): (Vec<String>, Vec<String>) = match subject {
            Some(s) => {
                let lower = match after {
                    Some(a) => Bound::Excluded((table, s.to_owned(), a.to_owned())),
                    None => Bound::Included((table, s.to_owned(), String::new())),
                };
                let keys = |set: &BTreeSet<(Table, String, String)>, most: usize| {
                    set.range((lower.clone(), Bound::Unbounded))
                        .take_while(|(t, subj, _)| *t == table && subj == s)
                        .take(most)
                        .map(|(_, _, k)| k.clone())
                        .collect::<Vec<_>>()
                };
                (
                    keys(&self.base.by_subject, enough),
                    keys(&self.puts_by_subject, usize::MAX),
                )
            }
            None => {
                let lower = match after {
                    Some(a) => Bound::Excluded((table, a.to_owned())),
                    None => Bound::Included((table, String::new())),
                };
                (
                    self.base
                        .docs
                        .range((lower.clone(), Bound::Unbounded))
                        .take_while(|((t, _), _)| *t == table)
                        .take(enough)
                        .map(|((_, k), _)| k.clone())
                        .collect(),
                    self.puts
                        .range((lower, Bound::Unbounded))
                        .take_while(|((t, _), _)| *t == table)
                        .map(|((_, k), _)| k.clone())
                        .collect(),
                )
            }
        };
        let mut keys = stored;
        keys.extend(staged);
        keys.sort_unstable();
        keys.dedup();
        let mut page = Vec::with_capacity(limit.min(keys.len()));
        for key in keys {
            if page.len() >= limit {
                break;
            }
            let k = (table, key);
            let doc = match self.puts.get(&k) {
                Some(staged) => staged.clone(),
                None => self.base.docs.get(&k).cloned(),
            };
            if let Some(doc) =
                doc.filter(|d| subject.is_none_or(|s| d.subject.as_deref() == Some(s)))
            {
                page.push((k.1, doc));
            }
        }
        Ok(page)
    }

    fn audit_page(&mut self, after: u64, limit: usize) -> Result<Vec<(u64, String)>, StoreError> {
        let start = usize::try_from(after).unwrap_or(usize::MAX);
        Ok(self
            .base
            .audit
            .iter()
            .chain(&self.audit)
            .enumerate()
            .skip(start)
            .take(limit)
            .map(|(i, e)| (i as u64 + 1, e.clone()))
            .collect())
    }

    fn generation(&mut self, subject: &str) -> Result<Option<u64>, StoreError> {
        Ok(self
            .puts
            .is_empty()
            .then(|| self.base.generations.get(subject).copied().unwrap_or(0)))
    }

    fn pending_generation(&mut self) -> Result<Option<u64>, StoreError> {
        // Writing transactions hold the write lock from start to commit, and
        // a commit that writes a document is numbered one past the last.
        Ok(Some(self.base.commits.saturating_add(1)))
    }

    fn next_id(&mut self, table: Table) -> Result<u64, StoreError> {
        let current = self
            .counters
            .get(&table)
            .or_else(|| self.base.counters.get(&table))
            .copied()
            .unwrap_or(0);
        let next = current + 1;
        self.counters.insert(table, next);
        Ok(next)
    }

    fn append_audit(&mut self, entry: String) -> Result<u64, StoreError> {
        self.audit.push(entry);
        Ok((self.base.audit.len() + self.audit.len()) as u64)
    }

    fn audit_since(&mut self, after: u64) -> Result<Vec<(u64, String)>, StoreError> {
        Ok(self
            .base
            .audit
            .iter()
            .chain(&self.audit)
            .enumerate()
            .map(|(i, e)| (i as u64 + 1, e.clone()))
            .filter(|(seq, _)| *seq > after)
            .collect())
    }

    fn set_due(
        &mut self,
        table: Table,
        key: &str,
        on: Option<NaiveDate>,
    ) -> Result<(), StoreError> {
        if self.get(table, key)?.is_some() {
            self.due.insert((table, key.to_owned()), on);
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
        let start = (table, after.unwrap_or_default().to_owned());
        let mut days: BTreeMap<String, Option<NaiveDate>> = BTreeMap::new();
        for ((t, key), on) in self.base.due.range(start.clone()..) {
            if *t != table {
                break;
            }
            days.insert(key.clone(), Some(*on));
        }
        for ((t, key), on) in self.due.range(start..) {
            if *t != table {
                break;
            }
            days.insert(key.clone(), *on);
        }
        let mut page = Vec::new();
        for (key, on) in days {
            if page.len() >= limit {
                break;
            }
            let Some(on) = on.filter(|on| *on <= up_to) else {
                continue;
            };
            if after.is_some_and(|a| key.as_str() <= a) {
                continue;
            }
            let subject = self.get(table, &key)?.and_then(|d| d.subject);
            page.push(Due { key, subject, on });
        }
        Ok(page)
    }
}

impl MemoryTx<'_> {
    fn over(base: &State) -> MemoryTx<'_> {
        MemoryTx {
            base,
            puts: BTreeMap::new(),
            puts_by_subject: BTreeSet::new(),
            counters: BTreeMap::new(),
            audit: Vec::new(),
            due: BTreeMap::new(),
        }
    }
}

impl Store for MemoryStore {
    fn transact(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        // A panic inside `work` cannot leave the state half-written: the state
        // is only changed below, after `work` returned. So a poisoned lock is
        // safe to take over.
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        let mut tx = MemoryTx::over(&state);
        work(&mut tx)?;
        let MemoryTx {
            puts,
            counters,
            audit,
            due,
            ..
        } = tx;
        if !puts.is_empty() {
            state.commits += 1;
        }
        let commit = state.commits;
        for ((table, key), doc) in puts {
            state.write(table, key, doc, commit);
        }
        for (key, on) in due {
            match on {
                Some(on) if state.docs.contains_key(&key) => {
                    state.due.insert(key, on);
                }
                _ => {
                    state.due.remove(&key);
                }
            }
        }
        state.counters.extend(counters);
        state.audit.extend(audit);
        Ok(())
    }

    fn transact_read(
        &self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        let mut tx = MemoryTx::over(&state);
        work(&mut tx)?;
        if !tx.puts.is_empty()
            || !tx.counters.is_empty()
            || !tx.audit.is_empty()
            || !tx.due.is_empty()
        {
            return Err(StoreError::backend(
                "a read-only transaction tried to write; nothing was written",
            ));
        }
        Ok(())
    }
}
