//! Restoring a subject's reputation after a record found wrong (plan §6(3)).

use chrono::{Days, NaiveDate};

use super::{assess, AssessError, Dossier, Rules};
use crate::calendar::WorkCalendar;
use crate::catalogue::{Measure, MeasureKind};
use crate::citation::Citation;
use crate::misconduct::{MisconductRecord, RecordId, RecordStatus, Section, StatusChange};

/// A measure that was in force because of a record later found wrong
/// (revoked or corrected), and when: what the providing section must undo
/// (plan §6(3)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoredMeasure<'a> {
    /// The measure.
    pub measure: &'a Measure,
    /// The first day it was in force because of the record.
    pub from: NaiveDate,
    /// The last day it was in force because of the record.
    pub until: NaiveDate,
}

/// What must be restored after a record was found wrong on an objection
/// (revoked, or corrected): plan §6(3), "因错误实施联合惩戒措施损害有关主体
/// 合法权益的，有关科室应积极采取措施恢复其信誉、消除不良影响".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restoration<'a> {
    /// The record found wrong.
    pub record: RecordId,
    /// The day the revocation or correction took effect.
    pub revoked_on: NaiveDate,
    /// Whether it was revoked (`Revoked`) or corrected (`Corrected`).
    pub change: RecordStatus,
    /// Who owes the restoration: 有关科室, the section that provided the
    /// record (plan §6(3)), not the Office.
    pub owed_by: Section,
    /// Each measure in force because of the record, with its periods: on
    /// those days the measure applied with the record taken as valid and did
    /// not apply without it. Ordered by start day, then catalogue order.
    pub measures: Vec<RestoredMeasure<'a>>,
    /// The rule.
    pub basis: Citation,
}

/// The measures that were in force because of `record`, found wrong on an
/// objection (revoked or corrected), and from when to when (plan §6(3): the
/// section that provided the record must restore the subject's reputation).
///
/// Every day from the day the record was made to the day before the
/// revocation or correction is assessed twice, with the record as it stood
/// before the change and as the change left it (without it, for a
/// revocation); a measure applied in the first and not in the second was in
/// force because of the wrong record. Measures that would have applied
/// anyway (another record or list still grounds them) are not listed. The
/// dossier may be a person's linked to the record's organization (plan
/// §5(6)): the answer is then what was wrongly applied to that person.
///
/// A correction is compared as if the record had stood corrected from the
/// day it was made: a correction that lowers its severity
/// ([`MisconductRecord::corrected_severity`]) lists the measures the old
/// severity grounded and the new one does not (for a person linked to the
/// organization, those that reached the person only through a severe
/// record, plan §5(6)); a correction of content alone, or one that keeps the
/// severity, wrongly applied nothing and the list is empty.
///
/// # Errors
///
/// [`AssessError::UnknownRecord`] when the record is not in the dossier,
/// [`AssessError::NotRevoked`] when it was neither revoked nor corrected,
/// and the errors of [`assess`].
pub fn restoration<'a>(
    dossier: &Dossier<'a>,
    rules: &Rules<'a>,
    calendar: &(impl WorkCalendar + ?Sized),
    record: RecordId,
) -> Result<Restoration<'a>, AssessError> {
    let target = dossier
        .records
        .iter()
        .find(|r| r.id == record)
        .ok_or(AssessError::UnknownRecord { record })?;
    let revoked_at = target
        .history
        .iter()
        .position(|c| matches!(c.status, RecordStatus::Revoked | RecordStatus::Corrected))
        .ok_or(AssessError::NotRevoked { record })?;
    let (revoked_on, change) = target
        .history
        .get(revoked_at)
        .map(|c| (c.on, c.status))
        .ok_or(AssessError::NotRevoked { record })?;

    // The record as it stood before the change ...
    let mut unrevoked = target.clone();
    unrevoked.history.truncate(revoked_at);
    unrevoked.corrected = None;
    unrevoked.corrected_severity = None;
    // ... and, for a correction, as it should have stood from the start: at
    // its corrected severity (plan §6(3): the correction says what was
    // wrong; the days before it were graded wrongly too).
    let as_corrected = (change == RecordStatus::Corrected).then(|| {
        let mut r = unrevoked.clone();
        r.corrected_severity = target.corrected_severity;
        if let Some(correction) = target.history.get(revoked_at) {
            r.history.insert(
                0,
                StatusChange {
                    on: target.recorded_on,
                    ..correction.clone()
                },
            );
        }
        r
    });
    let with: Vec<MisconductRecord> = dossier
        .records
        .iter()
        .map(|r| {
            if r.id == record {
                unrevoked.clone()
            } else {
                r.clone()
            }
        })
        .collect();
    // A revoked record never counted; a corrected one counts as corrected.
    let without: Vec<MisconductRecord> = dossier
        .records
        .iter()
        .filter_map(|r| match &as_corrected {
            _ if r.id != record => Some(r.clone()),
            Some(corrected) => Some(corrected.clone()),
            None => None,
        })
        .collect();

    let mut open: Vec<(usize, NaiveDate, NaiveDate)> = Vec::new(); // (catalogue index, from, last day)
    let mut done: Vec<(usize, NaiveDate, NaiveDate)> = Vec::new();
    let mut day = target.recorded_on;
    while day < revoked_on {
        let a = assess(
            &Dossier {
                records: &with,
                ..*dossier
            },
            rules,
            calendar,
            day,
        )?;
        let b = assess(
            &Dossier {
                records: &without,
                ..*dossier
            },
            rules,
            calendar,
            day,
        )?;
        // Sanctions only: an incentive the record as it stood allowed and a
        // correction upward withdraws was not wrongly applied.
        let because: Vec<usize> = a
            .measures()
            .filter(|m| m.measure().kind == MeasureKind::Sanction && !b.applies(&m.measure().id))
            .filter_map(|m| {
                rules
                    .catalogue
                    .measures()
                    .iter()
                    .position(|c| c.id == m.measure().id)
            })
            .collect();
        let mut still_open = Vec::with_capacity(open.len());
        for (idx, from, last) in open.drain(..) {
            if because.contains(&idx) {
                still_open.push((idx, from, day));
            } else {
                done.push((idx, from, last));
            }
        }
        for idx in because {
            if !still_open.iter().any(|(i, _, _)| *i == idx) {
                still_open.push((idx, day, day));
            }
        }
        open = still_open;
        let Some(next) = day.checked_add_days(Days::new(1)) else {
            break;
        };
        day = next;
    }
    done.append(&mut open);
    done.sort_by_key(|(idx, from, _)| (*from, *idx));
    let measures = done
        .into_iter()
        .filter_map(|(idx, from, until)| {
            rules
                .catalogue
                .measures()
                .get(idx)
                .map(|measure| RestoredMeasure {
                    measure,
                    from,
                    until,
                })
        })
        .collect();
    Ok(Restoration {
        record,
        revoked_on,
        change,
        owed_by: target.section,
        measures,
        basis: Citation::new("assess.restore_reputation", "plan §6(3)"),
    })
}
