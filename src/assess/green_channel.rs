//! Green-channel eligibility and the day it opens (plan §4(3)).

use chrono::{Days, NaiveDate};

use super::counted::{role_mask, Counted};
use super::outcome::{GreenChannel, GreenChannelGround, GreenChannelUnmet};
use super::{GREEN_CHANNEL_YEARS, RESPONSIBLE_ROLES};
use crate::calendar::years::{add_years, sub_years};
use crate::citation::Citation;
use crate::lists::ListEntry;
use crate::misconduct::RecordId;

/// Whether a counted record is adverse in the window starting `from`: not
/// revoked or erased (already filtered), of the subject or reaching it as a
/// responsible person, and its conduct overlapping the window (continuing
/// conduct always does).
pub(super) fn adverse_in_window(c: &Counted<'_>, from: NaiveDate) -> bool {
    c.via
        .is_none_or(|held| held & role_mask(&RESPONSIBLE_ROLES) != 0)
        && c.record.ended_on.is_none_or(|e| e >= from)
}

/// Green-channel eligibility (plan §4(3)): an honesty exemplar, or
/// no adverse record (active, repaired or corrected) whose conduct fell in
/// the `years` years before `as_of`, no standing on an adverse list, and
/// existence since the start of those years.
pub(super) fn green_channel(
    counted: &[Counted<'_>],
    listed: &[(&ListEntry, NaiveDate)],
    red_entry: Option<(&ListEntry, NaiveDate)>,
    existed_since: Option<NaiveDate>,
    as_of: NaiveDate,
    years: u32,
) -> GreenChannel {
    let basis = Citation::new("assess.green_channel", "plan §4(3)");
    if let Some((_, since)) = red_entry {
        return GreenChannel {
            eligible: true,
            ground: Some(GreenChannelGround::Exemplar { since }),
            unmet: Vec::new(),
            basis,
        };
    }
    let from = sub_years(as_of, years).unwrap_or(NaiveDate::MIN);
    let mut unmet = Vec::new();
    // One allocation, made only when there is an adverse record: collecting
    // from a filter would grow the vector several times.
    let mut adverse: Vec<RecordId> = Vec::new();
    for c in counted.iter().filter(|c| adverse_in_window(c, from)) {
        if adverse.is_empty() {
            adverse.reserve_exact(counted.len());
        }
        adverse.push(c.record.id);
    }
    if !adverse.is_empty() {
        unmet.push(GreenChannelUnmet::AdverseRecords { records: adverse });
    }
    for (entry, _) in listed {
        if entry.list.implied_severity().is_some() {
            unmet.push(GreenChannelUnmet::AdverseListing {
                list: entry.list.clone(),
            });
        }
    }
    match existed_since {
        None => unmet.push(GreenChannelUnmet::ExistenceUnknown),
        Some(existed) if existed > from => unmet.push(GreenChannelUnmet::TooRecent {
            existed_since: existed,
            window_from: from,
        }),
        Some(_) => {}
    }
    let eligible = unmet.is_empty();
    GreenChannel {
        eligible,
        ground: eligible.then_some(GreenChannelGround::CleanRecord { since: from }),
        unmet,
        basis,
    }
}

/// The first day `d` with `d - years > after` (so the window starting at
/// `d - years` no longer reaches `after`).
pub(super) fn first_day_window_clears(after: NaiveDate, years: u32) -> Option<NaiveDate> {
    let mut d = add_years(after, years)?;
    while sub_years(d, years)? <= after {
        d = d.checked_add_days(Days::new(1))?;
    }
    Some(d)
}

/// The first day `d` with `d - years >= since`.
pub(super) fn first_day_existed(since: NaiveDate, years: u32) -> Option<NaiveDate> {
    let mut d = add_years(since, years)?;
    while sub_years(d, years)? < since {
        d = d.checked_add_days(Days::new(1))?;
    }
    Some(d)
}

/// The day the green channel opens if nothing else happens; `None` when a
/// continuing conduct, a listing or an unknown existence keeps it shut for
/// an unknown time.
pub(super) fn green_channel_opens(
    counted: &[Counted<'_>],
    green: &GreenChannel,
    as_of: NaiveDate,
) -> Option<NaiveDate> {
    let open_ended = |u: &GreenChannelUnmet| {
        matches!(
            u,
            GreenChannelUnmet::AdverseListing { .. } | GreenChannelUnmet::ExistenceUnknown
        )
    };
    if green.unmet.iter().any(open_ended) {
        return None; // shut for as long as the listing lasts, or for ever
    }
    let mut day = NaiveDate::MIN;
    for unmet in &green.unmet {
        match unmet {
            GreenChannelUnmet::AdverseRecords { .. } => {
                // The window clears once it has passed the latest end of conduct.
                let from = sub_years(as_of, GREEN_CHANNEL_YEARS).unwrap_or(NaiveDate::MIN);
                let mut latest = NaiveDate::MIN;
                for c in counted.iter().filter(|c| adverse_in_window(c, from)) {
                    latest = latest.max(c.record.ended_on?);
                }
                day = day.max(first_day_window_clears(latest, GREEN_CHANNEL_YEARS)?);
            }
            GreenChannelUnmet::TooRecent { existed_since, .. } => {
                day = day.max(first_day_existed(*existed_since, GREEN_CHANNEL_YEARS)?);
            }
            GreenChannelUnmet::AdverseListing { .. } | GreenChannelUnmet::ExistenceUnknown => {
                return None
            }
        }
    }
    // Existence met already stays met on every later day.
    Some(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn window_clears_the_day_after_three_years_have_run() {
        assert_eq!(
            first_day_window_clears(d(2016, 5, 1), 3),
            Some(d(2019, 5, 2))
        );
        assert_eq!(
            first_day_window_clears(d(2016, 2, 29), 3),
            Some(d(2019, 3, 1))
        );
        assert_eq!(first_day_existed(d(2016, 5, 1), 3), Some(d(2019, 5, 1)));
        assert_eq!(first_day_existed(d(2016, 2, 29), 3), Some(d(2019, 3, 1)));
    }
}
