//! The search for the day a repair application first becomes possible
//! (plan §6(7); DESIGN.md, "Which repair rules govern a record?").

use chrono::NaiveDate;

use crate::misconduct::{MisconductRecord, Severity};
use crate::repair::{PolicyBits, PublicationProbe, RepairTimeline};
use crate::retention::{day_of_month, month_index};

/// The search for repair-window openings after one day, with what does
/// not depend on the record worked out once.
pub(super) struct RepairSearch<'r> {
    pub(super) tomorrow: NaiveDate,
    /// The policies, as bits, in timeline order.
    pub(super) bits: &'r [PolicyBits],
    /// The index of the first policy still in force after `as_of`.
    pub(super) first_ahead: usize,
    /// The policy in force on `as_of` (its index), and the day before which
    /// a decision has surely run the longest minimum period of any of its
    /// tiers and rules by `as_of` ([`surely_run_before`]).
    pub(super) current: Option<(usize, NaiveDate)>,
}

impl<'r> RepairSearch<'r> {
    /// `None` on the last day chrono can represent: nothing comes after it.
    pub(super) fn new(timeline: &'r RepairTimeline, as_of: NaiveDate) -> Option<Self> {
        let bits = timeline.bits();
        let first_ahead = bits
            .iter()
            .position(|p| p.until.is_none_or(|u| u >= as_of))
            .unwrap_or(bits.len());
        Some(Self {
            tomorrow: as_of.succ_opt()?,
            bits,
            first_ahead,
            current: bits
                .iter()
                .position(|p| p.is_in_force(as_of))
                .and_then(|i| {
                    let p = bits.get(i)?;
                    Some((i, surely_run_before(p.longest_minimum_months, as_of)))
                }),
        })
    }

    /// The first day after `as_of` on which an application to repair
    /// `record` becomes possible, and was not possible the day before; `None`
    /// when no such day is known.
    ///
    /// An application is possible on a day when the minimum publication
    /// period has run, and repair is not barred, under the policy that
    /// governs the decision (in force on its day; possible from then on, for
    /// good) or under the policy in force that day (possible while it lasts):
    /// [`RepairTimeline::eligibility`]'s rule, time alone. So the days on
    /// which it is possible are a union of at most one interval per policy,
    /// and an opening is the start of one that the day before is in none of.
    ///
    /// Only days up to `not_after` are looked for: a later opening is not
    /// the next change, so the policies that come into force after it are
    /// not asked.
    pub(super) fn opening<'d>(
        &self,
        record: &'d MisconductRecord,
        severity: Severity,
        not_after: NaiveDate,
        probe: &mut PublicationProbe<'_, 'd>,
    ) -> Option<NaiveDate> {
        let decision = record.decision.as_ref()?;
        let decided_on = decision.decided_on;
        if decided_on < record.occurred_on {
            return None; // cannot be judged (RepairError::DecisionBeforeConduct)
        }
        let as_of = self.tomorrow.pred_opt()?;
        // The first day the minimum period has run under policy `i`, `None`
        // when it bars repair or has no periods for the record. A decision
        // the policy in force on `as_of` has surely seen run its longest
        // minimum needs no date work: any day up to `as_of` will do.
        let mut earliest = |i: usize, policy: &PolicyBits| {
            let limits = probe.limits(i, severity, decision).filter(|l| !l.barred)?;
            match self.current {
                Some((current, run_before)) if current == i && decided_on < run_before => {
                    Some(policy.from.min(as_of))
                }
                _ => Some(limits.earliest_application(decided_on)),
            }
        };
        // INVARIANT: at most one interval per policy, and one for the
        // governing policy's lasting right; the timeline is short.
        let mut intervals: [(NaiveDate, NaiveDate); 8] = [(NaiveDate::MAX, NaiveDate::MIN); 8];
        let mut n = 0;
        let governing = self.bits.iter().position(|p| p.is_in_force(decided_on));
        if let Some(e) = governing.and_then(|g| earliest(g, self.bits.get(g)?)) {
            if e <= as_of {
                return None; // possible from then on, for good: nothing opens
            }
            if let Some(slot) = intervals.get_mut(n) {
                *slot = (e, NaiveDate::MAX);
                n += 1;
            }
        }
        for (i, policy) in self.bits.iter().enumerate().skip(self.first_ahead) {
            if policy.from > not_after {
                break; // its days are all after `not_after`
            }
            if policy.until.is_some_and(|u| u < decided_on) || governing == Some(i) {
                continue; // over before the decision, or covered by the lasting right
            }
            let Some(e) = earliest(i, policy) else {
                continue;
            };
            let from = e.max(policy.from);
            let until = policy.until.unwrap_or(NaiveDate::MAX);
            if from <= until {
                if let Some(slot) = intervals.get_mut(n) {
                    *slot = (from, until);
                    n += 1;
                }
            }
        }
        let intervals = intervals.get(..n).unwrap_or_default();
        let mut opening: Option<NaiveDate> = None;
        for &(start, _) in intervals {
            if start <= as_of || start > not_after || opening.is_some_and(|o| o <= start) {
                continue;
            }
            let before = start.pred_opt()?;
            if !intervals.iter().any(|&(a, b)| a <= before && before <= b) {
                opening = Some(start);
            }
        }
        opening
    }
}

/// The day before which a decision has surely run a minimum period of
/// `months` months by `on`, judged on whole months alone: the period ends
/// at the latest on the last day of the month `months` after the decision's,
/// so a decision in a month before the month `months` before `on`'s has run
/// it. That month's first day; [`NaiveDate::MIN`] (nothing is before it)
/// when it is before the calendar.
pub(super) fn surely_run_before(months: u32, on: NaiveDate) -> NaiveDate {
    day_of_month(month_index(on) - i64::from(months), 1).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retention::month_index;
    use chrono::Days;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The definition the cutoff follows: whether a minimum period of
    /// `months` months counted from `start` has surely run by `on` (the
    /// earliest application day is on or before it), judged on whole months
    /// alone: the period ends at the latest on the last day of the month
    /// `months` after `start`'s.
    fn minimum_surely_run(start: NaiveDate, months: u32, on: NaiveDate) -> bool {
        month_index(on) > month_index(start) + i64::from(months)
    }

    proptest::proptest! {
        /// The whole-month shortcut only ever says "run" when the earliest
        /// application day computed by day is on or before the day.
        #[test]
        fn the_month_shortcut_never_claims_a_period_has_run_early(
            start in 0u64..40_000,
            months in 0u32..60,
            slack in 0u64..80,
        ) {
            // Days around the end of the period, where a slip would show.
            let start = d(1970, 1, 1) + Days::new(start);
            let on = start + Days::new(u64::from(months) * 28 + slack);
            let earliest = if months == 0 {
                start
            } else {
                crate::retention::period_end(start, months) + Days::new(1)
            };
            if minimum_surely_run(start, months, on) {
                proptest::prop_assert!(earliest <= on, "{start} + {months} months: {earliest} > {on}");
            }
            // And it is not idle: two whole months later it always holds.
            let later = start + Days::new(31 * (u64::from(months) + 2));
            proptest::prop_assert!(minimum_surely_run(start, months, later));
            // The cutoff day the search compares decisions with says the same.
            proptest::prop_assert_eq!(start < surely_run_before(months, on), minimum_surely_run(start, months, on));
        }
    }
}
