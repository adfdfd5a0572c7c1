//! An exemplar's loss of the red-list incentives (plan §6(5)) and
//! incentives withheld by an exclusive sanction (奖惩分明).

use chrono::NaiveDate;

use super::counted::{role_mask, Counted};
use super::grounds::ground_of;
use super::outcome::{Ground, RedListLost};
use super::RESPONSIBLE_ROLES;
use crate::calendar::{CalendarError, WorkCalendar};
use crate::catalogue::Catalogue;
use crate::citation::Citation;
use crate::lists::{standing_without_lifecycle, ListEntry, Standing};
use crate::misconduct::RecordStatus;

/// When, if at all, the red-list entry `entry`, whose latest event is on
/// `since`, lost its incentives by `as_of`.
#[expect(
    clippy::too_many_arguments,
    reason = "the pieces of one assessment, computed once"
)]
pub(super) fn red_list_loss<'a>(
    entry: &'a ListEntry,
    since: NaiveDate,
    counted: &[Counted<'a>],
    views: &[(&'a ListEntry, Option<ListEntry>)],
    lifecycle: Option<&crate::lists::ListLifecycle>,
    blocking: Option<NaiveDate>,
    catalogue: &Catalogue,
    calendar: &(impl WorkCalendar + ?Sized),
    as_of: NaiveDate,
) -> Result<Option<RedListLost<'a>>, CalendarError> {
    let rule = catalogue.red_list_loss();
    let mut best: Option<(NaiveDate, Ground<'a>)> = None;
    let mut consider = |on: NaiveDate, ground: Ground<'a>| {
        if best.as_ref().is_none_or(|(b, _)| on < *b) {
            best = Some((on, ground));
        }
    };
    if let Some(threshold) = rule.severity_at_least {
        let responsible = role_mask(&RESPONSIBLE_ROLES);
        for c in counted.iter().filter(|c| c.record.severity >= threshold) {
            let Some(ground) = ground_of(c, responsible, &RESPONSIBLE_ROLES) else {
                continue;
            };
            let on = since.max(c.record.recorded_on);
            if on <= as_of
                && matches!(
                    c.record.status_on(on),
                    Some(RecordStatus::Active | RecordStatus::Corrected)
                )
            {
                consider(on, ground);
            }
        }
    }
    if rule.any_blacklist {
        for (e, valid) in views.iter().filter(|(e, _)| e.list.domain().is_some()) {
            let view = valid.as_ref().unwrap_or(e);
            // The days its standing can change to listed: `since` and
            // every later event up to the day asked.
            let days = std::iter::once(since).chain(
                view.events
                    .iter()
                    .map(|ev| ev.on)
                    .filter(|&on| on > since && on <= as_of),
            );
            for on in days {
                let standing = match lifecycle {
                    Some(lc) => lc.standing_and_plan(view, blocking, on, calendar)?.0,
                    None => standing_without_lifecycle(view, on),
                };
                if matches!(standing, Standing::Listed { .. }) {
                    consider(on, Ground::Listed(e));
                    break;
                }
            }
        }
    }
    Ok(best.map(|(on, cause)| RedListLost {
        entry,
        on,
        cause,
        basis: Citation::owned("assess.red_list_lost", rule.source.clone()),
    }))
}
