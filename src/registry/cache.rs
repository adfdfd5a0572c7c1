//! Decoded documents per subject, reused while the store says nothing of
//! theirs changed ([`Transaction::generation`]): an assessment does not
//! reparse the subject's history on every call.
//!
//! An entry holds everything [`Registry::load_in`](super::Registry) read for
//! one subject, with the generation of every subject whose documents went
//! into it (a person's own, and each organization the person is linked to,
//! whose records reach the person, plan §5(6)). It is used only when every
//! one of them is unchanged; a store that tracks no generations (`None`)
//! gets no caching at all. Reuse is therefore exactly as correct as a fresh
//! read, also with several registries over one store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use crate::store::{StoreError, Transaction};
use crate::subject::SubjectId;

use super::encoding::subject_key;
use super::records::SubjectState;
use super::views::Loaded;

/// The most subjects kept; past it the cache starts over (a nightly job over
/// every subject does not grow it without bound).
const CAPACITY: usize = 100_000;

#[derive(Debug)]
struct Entry {
    // INVARIANT: the first dependency is the subject's own key.
    deps: Vec<(String, u64)>,
    loaded: Arc<Loaded>,
}

/// The cache of decoded subjects.
#[derive(Debug, Default)]
pub(super) struct SubjectCache {
    entries: RwLock<HashMap<SubjectId, Entry>>,
    // What recording a finding left of a subject (its records, list entries
    // and grading index), with the generation its commit gave the subject
    // ([`Transaction::pending_generation`]): the next finding about it
    // starts from there instead of reloading the history (issue 21 point 3).
    states: Mutex<HashMap<SubjectId, (u64, SubjectState)>>,
}

impl SubjectCache {
    /// The cached documents of `id`, if every generation they were read at
    /// is the current one in `tx`.
    pub(super) fn get(
        &self,
        tx: &mut dyn Transaction,
        id: &SubjectId,
    ) -> Result<Option<Arc<Loaded>>, StoreError> {
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = entries.get(id) else {
            return Ok(None);
        };
        for (key, generation) in &entry.deps {
            if tx.generation(key)? != Some(*generation) {
                return Ok(None);
            }
        }
        Ok(Some(Arc::clone(&entry.loaded)))
    }

    /// Takes the recording state of `id` out of the cache, if the subject's
    /// generation in `tx` is still the one its commit gave it (nothing else
    /// wrote a document of the subject since). Call it before `tx` writes.
    pub(super) fn take_state(
        &self,
        tx: &mut dyn Transaction,
        id: &SubjectId,
    ) -> Result<Option<SubjectState>, StoreError> {
        let taken = self
            .states
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id);
        let Some((generation, state)) = taken else {
            return Ok(None);
        };
        Ok((tx.generation(&subject_key(id))? == Some(generation)).then_some(state))
    }

    /// Keeps `state`, which a committed transaction left `id` at
    /// `generation`, for the next finding about it.
    pub(super) fn put_state(&self, id: SubjectId, generation: u64, state: SubjectState) {
        let mut states = self.states.lock().unwrap_or_else(PoisonError::into_inner);
        if states.len() >= CAPACITY {
            states.clear();
        }
        states.insert(id, (generation, state));
    }

    /// Keeps `loaded`, read in `tx`, for `id`, with the generations of the
    /// subject and of `linked` (the organizations whose documents it holds);
    /// nothing is kept when the store tracks no generations.
    pub(super) fn put(
        &self,
        tx: &mut dyn Transaction,
        id: &SubjectId,
        linked: &[SubjectId],
        loaded: &Arc<Loaded>,
    ) -> Result<(), StoreError> {
        let mut deps = Vec::with_capacity(1 + linked.len());
        for subject in std::iter::once(id).chain(linked) {
            let key = subject_key(subject);
            match tx.generation(&key)? {
                Some(generation) => deps.push((key, generation)),
                None => return Ok(()),
            }
        }
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(
            id.clone(),
            Entry {
                deps,
                loaded: Arc::clone(loaded),
            },
        );
        Ok(())
    }
}
