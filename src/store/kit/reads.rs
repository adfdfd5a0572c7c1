//! The kit's checks of issue 21: read-only transactions and generations,
//! and paging against scans.

use super::*;

/// A read-only transaction sees what is committed; a subject's generation,
/// where the store tracks it, changes with every committed write or delete
/// of one of its documents (also one moved away), and only then; inside a
/// transaction that wrote it is `None`; a pending generation, where given,
/// is what the written subjects have after the commit.
pub(super) fn reads_and_generations<S: Store>(store: &S) -> Result<(), KitFailure> {
    const C: &str = "reads_and_generations";
    let generations = |store: &S| -> Result<(Option<u64>, Option<u64>), KitFailure> {
        store
            .read(|tx| Ok::<_, KitError>((tx.generation("s")?, tx.generation("t")?)))
            .map_err(|e| fail(C, format!("read failed: {e:?}")))
    };
    let g0 = generations(store)?;
    run(store, C, |tx| {
        tx.put(Table::Records, "k1", doc(Some("s"), 1))?;
        Ok(())
    })?;
    let seen = store
        .read(|tx| Ok::<_, KitError>(tx.get(Table::Records, "k1")?))
        .map_err(|e| fail(C, format!("read failed: {e:?}")))?;
    ensure(C, seen == Some(doc(Some("s"), 1)), || {
        format!("a read saw {seen:?} after a committed put")
    })?;
    let g1 = generations(store)?;
    if g0.0.is_none() && g1.0.is_none() {
        return Ok(()); // generations not tracked
    }
    ensure(C, g1.0 != g0.0 && g1.1 == g0.1, || {
        format!("a put to `s` moved the generations from {g0:?} to {g1:?}")
    })?;
    run(store, C, |tx| {
        tx.put(Table::Objections, "k2", doc(Some("t"), 2))?;
        Ok(())
    })?;
    let g2 = generations(store)?;
    ensure(C, g2.0 == g1.0 && g2.1 != g1.1, || {
        format!("a put to `t` moved the generations from {g1:?} to {g2:?}")
    })?;
    let _ = store.transaction(|tx| {
        tx.put(Table::Records, "k3", doc(Some("s"), 3))?;
        Err::<(), _>(KitError::Rollback)
    });
    let g3 = generations(store)?;
    ensure(C, g3 == g2, || {
        format!("a rolled-back put moved the generations from {g2:?} to {g3:?}")
    })?;
    let inside = run(store, C, |tx| {
        tx.put(Table::Records, "k1", doc(Some("t"), 4))?;
        Ok(tx.generation("s")?)
    })?;
    ensure(C, inside.is_none(), || {
        format!("a transaction that wrote saw generation {inside:?}")
    })?;
    let g4 = generations(store)?;
    ensure(C, g4.0 != g3.0 && g4.1 != g3.1, || {
        format!("moving a document from `s` to `t` moved the generations from {g3:?} to {g4:?}")
    })?;
    run(store, C, |tx| {
        tx.delete(Table::Objections, "k2")?;
        Ok(())
    })?;
    let g5 = generations(store)?;
    ensure(C, g5.0 == g4.0 && g5.1 != g4.1, || {
        format!("deleting a document of `t` moved the generations from {g4:?} to {g5:?}")
    })?;
    // A pending generation, where the store gives one, is the generation
    // the subjects written have after the commit.
    let pending = run(store, C, |tx| {
        tx.put(Table::Records, "k5", doc(Some("s"), 5))?;
        tx.put(Table::Records, "k6", doc(Some("t"), 6))?;
        Ok(tx.pending_generation()?)
    })?;
    if let Some(pending) = pending {
        let g6 = generations(store)?;
        ensure(C, g6 == (Some(pending), Some(pending)), || {
            format!("a commit announced generation {pending}, then read {g6:?}")
        })?;
    }
    Ok(())
}

/// Paging through a table (by subject or whole), page after page, gives
/// exactly its scan, inside a transaction whose staged writes delete stored
/// documents, move them between subjects and add new ones; the audit log
/// pages likewise.
pub(super) fn pages_match_scans<S: Store>(store: &S) -> Result<(), KitFailure> {
    const C: &str = "pages_match_scans";
    let keys = |v: &[(String, Doc)]| v.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    let subjects = [Some("a"), Some("b"), None];
    run(store, C, |tx| {
        for k in 0..12u8 {
            let s = subjects.get(usize::from(k % 3)).copied().flatten();
            tx.put(Table::Records, &format!("k{k:02}"), doc(s, i64::from(k)))?;
            tx.append_audit(text(serde_json::json!(k)))?;
        }
        tx.put(Table::Objections, "k05", doc(Some("a"), 0))?;
        Ok(())
    })?;
    let failure = run(store, C, |tx| {
        // Staged: deletions, moves between subjects, new documents, in and
        // between the stored keys.
        for k in [0u8, 3, 4, 8] {
            tx.delete(Table::Records, &format!("k{k:02}"))?;
        }
        tx.put(Table::Records, "k01", doc(Some("a"), 100))?;
        tx.put(Table::Records, "k06", doc(Some("b"), 101))?;
        tx.put(Table::Records, "k07", doc(None, 102))?;
        tx.put(Table::Records, "k02x", doc(Some("a"), 103))?;
        tx.put(Table::Records, "k99", doc(Some("b"), 104))?;
        tx.append_audit(text(serde_json::json!("staged")))?;
        for subject in [Some("a"), Some("b"), None] {
            let whole = tx.scan(Table::Records, subject)?;
            for limit in 1..5 {
                let mut paged = Vec::new();
                let mut after: Option<String> = None;
                loop {
                    let page = tx.scan_page(Table::Records, subject, after.as_deref(), limit)?;
                    if page.len() > limit {
                        return Ok(Some(format!("a page of limit {limit} held {}", page.len())));
                    }
                    let Some((last, _)) = page.last() else {
                        break;
                    };
                    after = Some(last.clone());
                    paged.extend(page);
                }
                if paged != whole {
                    return Ok(Some(format!(
                        "paging {subject:?} by {limit} gave {:?}, the scan {:?}",
                        keys(&paged),
                        keys(&whole)
                    )));
                }
            }
        }
        let whole = tx.audit_since(0)?;
        for limit in 1..5 {
            let mut paged = Vec::new();
            let mut after = 0;
            loop {
                let page = tx.audit_page(after, limit)?;
                let Some((last, _)) = page.last() else {
                    break;
                };
                after = *last;
                paged.extend(page);
            }
            if paged != whole {
                return Ok(Some(format!("audit paged by {limit} differs from the log")));
            }
        }
        Ok(None)
    })?;
    match failure {
        Some(detail) => Err(fail(C, detail)),
        None => Ok(()),
    }
}
