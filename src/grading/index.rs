//! A subject's earlier findings indexed by conduct and day, so that repeat
//! conditions cost the same whatever the subject's history.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::facts::Finding;
use super::model::{FindingPattern, FineRange};
use crate::misconduct::ConductKind;

thread_local! {
    static EXAMINED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

pub(super) fn examined(n: usize) {
    EXAMINED.with(|e| e.set(e.get().saturating_add(n as u64)));
}

/// How many earlier findings grading has looked at on this thread, summed
/// over every repeat condition evaluated: a measure of the work a bulk
/// import does that does not depend on the machine (issue 17, defect 12).
/// For tests; not part of the API.
#[doc(hidden)]
pub fn findings_examined() -> u64 {
    EXAMINED.with(std::cell::Cell::get)
}

/// A subject's earlier findings indexed for repeat conditions: by conduct,
/// then by day, each day's fines counted by amount. Counting the findings a
/// repeat condition asks for costs, per day of the window that has
/// findings of a conduct it names, a lookup and at most the number still
/// needed, whatever the number of findings: a bulk import of one subject's
/// findings grades each in bounded time (issue 17, defect 12).
#[derive(Debug, Clone, Default)]
pub(crate) struct FindingIndex {
    by_conduct: std::collections::HashMap<ConductKind, BTreeMap<NaiveDate, DayFindings>>,
}

/// The findings of one conduct on one day.
#[derive(Debug, Clone, Default)]
pub(super) struct DayFindings {
    /// How many.
    all: usize,
    /// How many with each fine.
    fines: BTreeMap<Decimal, usize>,
}

impl DayFindings {
    /// How many have a fine in `range`, counted up to `cap`.
    fn count_in(&self, range: &FineRange, cap: usize) -> usize {
        use std::ops::Bound;
        if range.is_empty() || cap == 0 {
            return 0;
        }
        let lo = range.at_least.map_or(Bound::Unbounded, Bound::Included);
        let hi = range.below.map_or(Bound::Unbounded, Bound::Excluded);
        let mut n = 0usize;
        for (_, k) in self.fines.range((lo, hi)) {
            examined(1);
            n = n.saturating_add(*k);
            if n >= cap {
                return cap;
            }
        }
        n
    }
}

impl FindingIndex {
    /// Adds `finding`.
    pub(crate) fn insert(&mut self, finding: &Finding) {
        let day = self
            .by_conduct
            .entry(finding.conduct.clone())
            .or_default()
            .entry(finding.on)
            .or_default();
        day.all = day.all.saturating_add(1);
        if let Some(fine) = finding.fine {
            let k = day.fines.entry(fine.normalize()).or_default();
            *k = k.saturating_add(1);
        }
    }

    /// How many findings match any of `of` and fall on `from` to `to`,
    /// counted up to `enough`.
    pub(super) fn count(
        &self,
        of: &[FindingPattern],
        from: NaiveDate,
        to: NaiveDate,
        enough: usize,
    ) -> usize {
        if enough == 0 || from > to {
            return 0;
        }
        // Each conduct once, with the fine ranges asked of it merged (a
        // finding matching two patterns counts once); `None`: any finding.
        let mut asked: BTreeMap<&ConductKind, Option<Vec<FineRange>>> = BTreeMap::new();
        for p in of {
            for c in &p.conduct {
                let slot = asked.entry(c).or_insert_with(|| Some(Vec::new()));
                match (&p.fine, slot.as_mut()) {
                    (None, _) => *slot = None,
                    (Some(range), Some(ranges)) => ranges.push(range.clone()),
                    (Some(_), None) => {}
                }
            }
        }
        let mut total = 0usize;
        for (conduct, ranges) in asked {
            let Some(days) = self.by_conduct.get(conduct) else {
                continue;
            };
            let ranges = ranges.map(merge_ranges);
            for day in days.range(from..=to).map(|(_, d)| d) {
                examined(1);
                match &ranges {
                    None => total = total.saturating_add(day.all),
                    Some(ranges) => {
                        for r in ranges {
                            total =
                                total.saturating_add(day.count_in(r, enough - total.min(enough)));
                        }
                    }
                }
                if total >= enough {
                    return enough;
                }
            }
        }
        total
    }
}

/// `ranges` as disjoint ranges covering the same fines, in order.
pub(super) fn merge_ranges(mut ranges: Vec<FineRange>) -> Vec<FineRange> {
    ranges.retain(|r| !r.is_empty());
    // Unbounded below first, then by lower bound.
    ranges.sort_by_key(|r| r.at_least);
    let mut out: Vec<FineRange> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            // `last` reaches `r`: it starts before `r` (sorted) and ends at
            // or after `r`'s start, or never ends.
            Some(last)
                if match (last.below, r.at_least) {
                    (None, _) => true,
                    (Some(_), None) => true,
                    (Some(end), Some(start)) => start <= end,
                } =>
            {
                last.below = match (last.below, r.below) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            _ => out.push(r),
        }
    }
    out
}
