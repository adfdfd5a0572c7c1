//! The next dated change of an assessment: repair windows opening (plan
//! §6(7)), publication ends, list exits, erasure and the green channel.

use chrono::{Days, NaiveDate};

use super::counted::Counted;
use super::green_channel::green_channel_opens;
use super::outcome::{Change, GreenChannel, NextChange};
use super::repair_search::RepairSearch;
use super::Rules;
use crate::calendar::Finality;
use crate::lists::{ExitPlan, ListEntry};
use crate::repair::PublicationProbe;

#[expect(
    clippy::too_many_arguments,
    reason = "the pieces of one assessment, computed once"
)]
pub(super) fn next_change<'a>(
    counted: &[Counted<'a>],
    live: &[Counted<'a>],
    exits: &[(&'a ListEntry, ExitPlan)],
    green: &GreenChannel,
    is_person: bool,
    rules: &Rules<'a>,
    as_of: NaiveDate,
    probe: &mut PublicationProbe<'_, 'a>,
) -> Option<NextChange<'a>> {
    // The earliest day seen so far and what changes on it.
    let mut next: Option<NextChange<'a>> = None;
    // A new earliest day drops what was noted before, keeping its room.
    let note = |next: &mut Option<NextChange<'a>>, on: NaiveDate, change: Change<'a>| match next {
        Some(n) if n.on < on => {}
        Some(n) if n.on == on => n.changes.push(change),
        Some(n) => {
            n.on = on;
            n.finality = Finality::Final;
            n.changes.clear();
            n.changes.push(change);
        }
        None => {
            let mut changes = Vec::with_capacity(4);
            changes.push(change);
            *next = Some(NextChange {
                on,
                finality: Finality::Final,
                changes,
            });
        }
    };
    for (entry, plan) in exits {
        if let Some(on) = plan.time_only_exit().filter(|&on| on > as_of) {
            note(
                &mut next,
                on,
                Change::ListExit {
                    entry,
                    automatic: plan.automatic(),
                },
            );
        }
    }
    if is_person {
        for c in counted {
            if let Some(ended) = c.record.ended_on {
                let last = rules.retention.last_retained_day(ended);
                if let Some(on) = last.checked_add_days(Days::new(1)) {
                    if on > as_of {
                        note(&mut next, on, Change::Erasure { record: c.record });
                    }
                }
            }
        }
    }
    for c in live {
        if let Some(on) = c.ends {
            note(&mut next, on, Change::PublicationEnds { record: c.record });
        }
    }
    if !green.eligible {
        if let Some(on) = green_channel_opens(counted, green, as_of) {
            if on > as_of {
                note(&mut next, on, Change::GreenChannelOpens);
            }
        }
    }
    // Repair windows last: only openings up to the earliest day seen are
    // looked for. The latest decisions are the likeliest to open soon, so
    // they are looked at first, to bring that day down early; the openings
    // noted that way are put back in record order at the end.
    let search = RepairSearch::new(rules.repair, as_of);
    let mut first_opening = next.as_ref().map_or(0, |n| n.changes.len());
    for c in live.iter().rev() {
        let Some(record) = c.repairable() else {
            continue;
        };
        let not_after = next.as_ref().map_or(NaiveDate::MAX, |n| n.on);
        let opening = search
            .as_ref()
            .and_then(|s| s.opening(record, c.severity, not_after.min(c.last_published()), probe));
        if let Some(on) = opening {
            if on < not_after {
                first_opening = 0; // a new day: everything noted before is dropped
            }
            note(&mut next, on, Change::RepairWindowOpens { record });
        }
    }
    if let Some(openings) = next
        .as_mut()
        .and_then(|n| n.changes.get_mut(first_opening..))
    {
        openings.reverse();
    }
    next
}
