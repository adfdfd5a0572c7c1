//! Spans and events for registry operations, with the `tracing` feature.
//!
//! Every registry operation runs through [`run`]: a span named
//! `registry` with the fields `operation` (the method's name) and `subject`
//! (an organization's code, a person's number masked, plan §6(2)), and on
//! finishing one event with `outcome` (`ok` or `error`), `citations` (the
//! rules the operation applied, by rule id), `store_us` (the microseconds
//! spent in the store) and `total_us`. No field holds personal data: no
//! name, no whole identity number, no record content, no reporter; an
//! error is reported by its message, which the crate keeps free of them.
//!
//! Without the feature [`run`] only runs the transaction.

#[cfg(feature = "tracing")]
use std::time::{Duration, Instant};

#[cfg(feature = "tracing")]
use crate::citation::Citation;
use crate::subject::SubjectId;

/// One registry operation being traced (see the module documentation).
#[cfg(feature = "tracing")]
struct Operation {
    span: tracing::Span,
    started: Instant,
    store: Duration,
}

#[cfg(feature = "tracing")]
impl Operation {
    /// Opens the span of `operation` about `subject`, if it is about one.
    fn start(operation: &'static str, subject: Option<&SubjectId>) -> Self {
        let span = match subject {
            Some(s) => tracing::info_span!(
                "registry",
                operation,
                subject = %s.display_masked()
            ),
            None => tracing::info_span!("registry", operation),
        };
        Self {
            span,
            started: Instant::now(),
            store: Duration::ZERO,
        }
    }

    /// Ends the operation with `result`, naming the rules it applied.
    fn finish<T, E: std::fmt::Display>(self, result: &Result<T, E>, citations: &[Citation]) {
        let mut rules: Vec<&str> = citations.iter().map(|c| c.rule.as_ref()).collect();
        rules.dedup();
        let citations = rules.join(",");
        let store_us = u64::try_from(self.store.as_micros()).unwrap_or(u64::MAX);
        let total_us = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        let _entered = self.span.enter();
        match result {
            Ok(_) => tracing::info!(outcome = "ok", citations, store_us, total_us),
            Err(e) => tracing::warn!(
                outcome = "error",
                error = %e,
                citations,
                store_us,
                total_us
            ),
        }
    }
}

/// A transaction that times every store call and collects the rules of the
/// audit entries the operation appends.
#[cfg(feature = "tracing")]
pub(crate) struct Timed<'t> {
    pub(crate) inner: &'t mut dyn crate::store::Transaction,
    pub(crate) spent: Duration,
    pub(crate) citations: Vec<Citation>,
}

#[cfg(feature = "tracing")]
impl Timed<'_> {
    fn time<R>(&mut self, call: impl FnOnce(&mut dyn crate::store::Transaction) -> R) -> R {
        let started = Instant::now();
        let result = call(&mut *self.inner);
        self.spent += started.elapsed();
        result
    }
}

#[cfg(feature = "tracing")]
impl crate::store::Transaction for Timed<'_> {
    fn get(
        &mut self,
        table: crate::store::Table,
        key: &str,
    ) -> Result<Option<crate::store::Doc>, crate::store::StoreError> {
        self.time(|tx| tx.get(table, key))
    }

    fn put(
        &mut self,
        table: crate::store::Table,
        key: &str,
        doc: crate::store::Doc,
    ) -> Result<(), crate::store::StoreError> {
        self.time(|tx| tx.put(table, key, doc))
    }

    fn delete(
        &mut self,
        table: crate::store::Table,
        key: &str,
    ) -> Result<bool, crate::store::StoreError> {
        self.time(|tx| tx.delete(table, key))
    }

    fn scan(
        &mut self,
        table: crate::store::Table,
        subject: Option<&str>,
    ) -> Result<Vec<(String, crate::store::Doc)>, crate::store::StoreError> {
        self.time(|tx| tx.scan(table, subject))
    }

    fn scan_page(
        &mut self,
        table: crate::store::Table,
        subject: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, crate::store::Doc)>, crate::store::StoreError> {
        self.time(|tx| tx.scan_page(table, subject, after, limit))
    }

    fn scan_subject(
        &mut self,
        subject: &str,
        tables: &[crate::store::Table],
    ) -> Result<Vec<(crate::store::Table, String, crate::store::Doc)>, crate::store::StoreError>
    {
        self.time(|tx| tx.scan_subject(subject, tables))
    }

    fn delete_many(
        &mut self,
        table: crate::store::Table,
        keys: &[String],
    ) -> Result<u64, crate::store::StoreError> {
        self.time(|tx| tx.delete_many(table, keys))
    }

    fn put_many(
        &mut self,
        table: crate::store::Table,
        docs: Vec<(String, crate::store::Doc, Option<chrono::NaiveDate>)>,
    ) -> Result<(), crate::store::StoreError> {
        self.time(|tx| tx.put_many(table, docs))
    }

    fn generation(&mut self, subject: &str) -> Result<Option<u64>, crate::store::StoreError> {
        self.time(|tx| tx.generation(subject))
    }

    fn pending_generation(&mut self) -> Result<Option<u64>, crate::store::StoreError> {
        self.time(|tx| tx.pending_generation())
    }

    fn next_id(&mut self, table: crate::store::Table) -> Result<u64, crate::store::StoreError> {
        self.time(|tx| tx.next_id(table))
    }

    fn append_audit(&mut self, entry: String) -> Result<u64, crate::store::StoreError> {
        // The rule of each decision the operation audits: only its id is
        // traced, never the entry (it may name a pseudonym and an official).
        if let Ok(parsed) = serde_json::from_str::<crate::audit::AuditEntry>(&entry) {
            self.citations.push(parsed.basis);
        }
        self.time(|tx| tx.append_audit(entry))
    }

    fn audit_since(&mut self, after: u64) -> Result<Vec<(u64, String)>, crate::store::StoreError> {
        self.time(|tx| tx.audit_since(after))
    }

    fn audit_page(
        &mut self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, String)>, crate::store::StoreError> {
        self.time(|tx| tx.audit_page(after, limit))
    }

    fn set_due(
        &mut self,
        table: crate::store::Table,
        key: &str,
        on: Option<chrono::NaiveDate>,
    ) -> Result<(), crate::store::StoreError> {
        self.time(|tx| tx.set_due(table, key, on))
    }

    fn due(
        &mut self,
        table: crate::store::Table,
        up_to: chrono::NaiveDate,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<crate::store::Due>, crate::store::StoreError> {
        self.time(|tx| tx.due(table, up_to, after, limit))
    }
}

/// Runs `work` in `store`'s transaction (or read-only transaction when
/// `read`) as the traced operation `op`.
pub(crate) fn run<S, R, E>(
    store: &S,
    read: bool,
    op: &'static str,
    subject: Option<&SubjectId>,
    mut work: impl FnMut(&mut dyn crate::store::Transaction) -> Result<R, E>,
) -> Result<R, E>
where
    S: crate::store::Store + ?Sized,
    E: From<crate::store::StoreError> + std::fmt::Display,
{
    #[cfg(feature = "tracing")]
    {
        let mut operation = Operation::start(op, subject);
        let mut citations = Vec::new();
        let mut spent = Duration::ZERO;
        let mut body = |tx: &mut dyn crate::store::Transaction| {
            let mut timed = Timed {
                inner: tx,
                spent: Duration::ZERO,
                citations: Vec::new(),
            };
            let result = work(&mut timed);
            spent = timed.spent;
            citations = timed.citations;
            result
        };
        let result = if read {
            crate::store::read_in(store, &mut body)
        } else {
            crate::store::transaction_in(store, &mut body)
        };
        operation.store = spent;
        operation.finish(&result, &citations);
        result
    }
    #[cfg(not(feature = "tracing"))]
    {
        let _ = (op, subject);
        if read {
            crate::store::read_in(store, &mut work)
        } else {
            crate::store::transaction_in(store, &mut work)
        }
    }
}
