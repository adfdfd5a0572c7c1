//! The grounds on which each catalogue measure applies (plan §4, §5).

use chrono::NaiveDate;

use super::counted::{is, role_bit, role_mask, Counted};
use super::green_channel::green_channel;
use super::outcome::{GreenChannel, GreenChannelGround, Ground};
use super::GREEN_CHANNEL_YEARS;
use crate::catalogue::{Measure, Trigger};
use crate::commitment::{Commitment, CommitmentKind};
use crate::lists::ListEntry;
use crate::misconduct::Severity;
use crate::subject::{Role, Subject};

/// The ground a counted record gives for a measure reaching `mask` roles.
pub(super) fn ground_of<'a>(c: &Counted<'a>, mask: u8, roles: &[Role]) -> Option<Ground<'a>> {
    match c.via {
        None => Some(Ground::Record(c.record)),
        Some(held) if held & mask != 0 => {
            let role = roles.iter().copied().find(|&r| held & role_bit(r) != 0)?;
            Some(Ground::Organization {
                record: c.record,
                role,
            })
        }
        Some(_) => None,
    }
}

/// Pushes onto `out` the grounds on which `measure` applies (none when it
/// does not): `counted` are the records that count (for a clean-record
/// window), `live` those of them in force and published (the ones that
/// ground measures).
#[expect(
    clippy::too_many_arguments,
    reason = "the pieces of one assessment, computed once"
)]
pub(super) fn trigger_grounds<'a>(
    measure: &'a Measure,
    counted: &[Counted<'a>],
    live: &[Counted<'a>],
    listed: &[(&'a ListEntry, NaiveDate)],
    red_entry: Option<(&'a ListEntry, NaiveDate)>,
    green: &GreenChannel,
    commitments: &'a [Commitment],
    subject: &Subject,
    as_of: NaiveDate,
    existed_since: Option<NaiveDate>,
    out: &mut Vec<Ground<'a>>,
) {
    let reach = role_mask(&measure.reaches);
    // The grounds of the records of `live` that pass `test` and reach the
    // measure's roles, in dossier order.
    fn push_records<'a>(
        out: &mut Vec<Ground<'a>>,
        live: &[Counted<'a>],
        measure: &Measure,
        reach: u8,
        test: impl Fn(&Counted<'a>) -> bool,
    ) {
        for c in live {
            if test(c) {
                if let Some(ground) = ground_of(c, reach, &measure.reaches) {
                    out.push(ground);
                }
            }
        }
    }
    match &measure.trigger {
        Trigger::CommitmentSigned => out.extend(
            commitments
                .iter()
                .filter(|c| {
                    is(&c.subject, subject)
                        && c.kind == CommitmentKind::Credit
                        && c.signed_on <= as_of
                })
                .map(Ground::Commitment),
        ),
        Trigger::Exemplar => out.extend(red_entry.map(|(e, _)| Ground::Listed(e))),
        Trigger::ExemplarOrCleanRecord { years } => {
            if let Some((e, _)) = red_entry {
                out.push(Ground::Listed(e));
            } else {
                let ground = if *years == GREEN_CHANNEL_YEARS {
                    green.ground
                } else {
                    green_channel(counted, listed, None, existed_since, as_of, *years).ground
                };
                if let Some(GreenChannelGround::CleanRecord { since }) = ground {
                    out.push(Ground::CleanRecord { since });
                }
            }
        }
        Trigger::SeverityAtLeast { severity } => {
            push_records(out, live, measure, reach, |c| c.severity >= *severity);
            for (entry, _) in listed {
                if entry.list.implied_severity() >= Some(*severity) {
                    out.push(Ground::Listed(entry));
                }
            }
        }
        Trigger::SevereConduct { conduct } => push_records(out, live, measure, reach, |c| {
            c.severity == Severity::Severe && conduct.contains(&c.record.conduct)
        }),
        Trigger::ResponsiblePerson => {
            push_records(out, live, measure, reach, |c| c.via.is_some());
        }
        Trigger::BlacklistDomains { at_least } => {
            let blacklisted = || {
                listed
                    .iter()
                    .filter_map(|(e, _)| e.list.domain().map(|d| (e, d)))
            };
            // Distinct domains: count each domain at its first entry.
            let distinct = blacklisted()
                .enumerate()
                .filter(|(i, (_, d))| !blacklisted().take(*i).any(|(_, other)| other == *d))
                .count();
            if distinct >= usize::try_from(*at_least).unwrap_or(usize::MAX) {
                out.extend(blacklisted().map(|(e, _)| Ground::Listed(e)));
            }
        }
    }
}
