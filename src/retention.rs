//! Personal record retention (plan §6(7)): a dishonesty record about a natural
//! person is kept five years from the day the conduct ended, then erased.
//!
//! Three pieces:
//! - [`RetentionPolicy::last_retained_day`]: the counting rule;
//! - [`RetentionPolicy::due`] and [`RetentionPolicy::due_indices`]: the
//!   erasure sweep, which borrows the records and clones nothing;
//! - [`RetentionPolicy::erase`]: checks that a record is due, removes its
//!   content, appends an `Erased` status change and returns an
//!   [`AuditEntry`] that holds no personal data; [`Tombstone::of`] then
//!   gives what is kept of it. The registry deletes the record itself with
//!   every document about it (objections, the listings it alone grounded,
//!   the pseudonymous keys of audit entries about it) in one transaction
//!   (DESIGN.md, "What does an erasure remove?").
//!
//! Records about organizations are not covered by this rule (plan §6(7) speaks of
//! records "涉及个人的", about persons): their
//! publication periods come from the repair policy ([`crate::repair`]).

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::audit::{AuditAction, AuditEntry};
use crate::citation::Citation;
use crate::misconduct::{MisconductRecord, RecordId, RecordStatus, StatusChange};

/// The last day of a period of `months` months that starts the day after
/// `start` (Civil Code art. 201: the start day is not counted; art. 202: the
/// period ends on the corresponding day of the final month, or that month's
/// last day where there is no corresponding day). Saturates at
/// [`NaiveDate::MAX`].
pub(crate) fn period_end(start: NaiveDate, months: u32) -> NaiveDate {
    // Plain year/month/day arithmetic: the same answer as chrono's
    // `checked_add_months`, several times faster, which matters because an
    // assessment asks it for every record under every repair policy.
    day_of_month(month_index(start) + i64::from(months), start.day()).unwrap_or(NaiveDate::MAX)
}

/// Months since the start of year 0: `year * 12 + month0`.
pub(crate) fn month_index(day: NaiveDate) -> i64 {
    i64::from(day.year()) * 12 + i64::from(day.month0())
}

/// Day `day` of the month with [`month_index`] `index`, or that month's last
/// day where it has no such day; `None` outside chrono's range.
pub(crate) fn day_of_month(index: i64, day: u32) -> Option<NaiveDate> {
    let month = u32::try_from(index.rem_euclid(12)).ok()? + 1;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    NaiveDate::from_ymd_opt(year, month, day.min(month_length(index)))
}

/// The number of days of the month with [`month_index`] `index`.
pub(crate) fn month_length(index: i64) -> u32 {
    let year = index.div_euclid(12);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match index.rem_euclid(12) + 1 {
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 31,
    }
}

/// How long personal dishonesty records are kept after the conduct ended.
///
/// The [`Default`] is the plan's rule: "涉及个人的信用记录在失信行为终止之日起失信记录只保留5年,
/// 5年后予以消除" (plan §6(7)).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::retention::RetentionPolicy;
///
/// let policy = RetentionPolicy::default();
/// let ended = NaiveDate::from_ymd_opt(2020, 2, 29).unwrap();
/// assert_eq!(policy.last_retained_day(ended), NaiveDate::from_ymd_opt(2025, 2, 28).unwrap());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    /// The retention period in whole years.
    pub years: u32,
    /// The rule behind it.
    pub basis: Citation,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        Self {
            years: 5,
            basis: Citation::new("retention.personal_five_years", "plan §6(7)"),
        }
    }
}

/// What is left of an erased record (plan §6(7) "予以消除"): its id, the day
/// it was erased and the rule. Nothing about the person: no identifier, no
/// conduct, severity, section, dates or decision, so a tombstone is not
/// indexed under anyone and cannot be tied to a person.
///
/// It lets the bureau answer "what is R17?" with "erased on that day under
/// that rule" instead of "never existed", and stops a store from handing the
/// same record id out twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    /// The erased record.
    pub record: RecordId,
    /// The day it was erased.
    pub erased_on: NaiveDate,
    /// The rule that erased it.
    pub basis: Citation,
}

impl Tombstone {
    /// The tombstone of `record`, which [`RetentionPolicy::erase`] erased:
    /// its id and its `Erased` status change's day and rule. `None` when the
    /// record's latest status is not `Erased`.
    pub fn of(record: &MisconductRecord) -> Option<Self> {
        record
            .history
            .last()
            .filter(|c| c.status == RecordStatus::Erased)
            .map(|c| Self {
                record: record.id,
                erased_on: c.on,
                basis: c.basis.clone(),
            })
    }
}

/// Why a record cannot be erased. Nothing is changed when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ErasureError {
    /// The record is about an organization; the retention rule covers natural
    /// persons only.
    #[error("record `{record}` is about an organization; the retention rule erases only records about natural persons")]
    NotAPerson {
        /// The record.
        record: RecordId,
    },
    /// The conduct has not ended, so the retention period has not begun.
    #[error("the conduct of record `{record}` has not ended; its retention period has not begun")]
    ConductNotEnded {
        /// The record.
        record: RecordId,
    },
    /// The retention period has not run out on the day asked.
    #[error(
        "record `{record}` is kept until `{last_retained_day}`; it cannot be erased on `{on}`"
    )]
    NotYetDue {
        /// The record.
        record: RecordId,
        /// The last day it must be kept.
        last_retained_day: NaiveDate,
        /// The day asked.
        on: NaiveDate,
    },
    /// The record was already erased.
    #[error("record `{record}` was already erased on `{erased_on}`")]
    AlreadyErased {
        /// The record.
        record: RecordId,
        /// The day it was erased.
        erased_on: NaiveDate,
    },
    /// The day asked is before the record's latest status change, which would
    /// put its history out of order.
    #[error("record `{record}` last changed status on `{last_change}`; an erasure on `{on}` would precede it")]
    BeforeLastChange {
        /// The record.
        record: RecordId,
        /// The day asked.
        on: NaiveDate,
        /// The day of the latest status change.
        last_change: NaiveDate,
    },
}

impl RetentionPolicy {
    /// The last day a record whose conduct ended on `ended_on` is kept; it is
    /// erased from the next day on.
    ///
    /// Counting follows the Civil Code: the day the conduct ended is not
    /// counted (art. 201), and a period in years ends on the corresponding
    /// day of the final year, or on that month's last day where there is no
    /// corresponding day (art. 202). So the answer is `ended_on` plus
    /// `years` calendar years, with 29 February mapped to 28 February in a
    /// common year. Saturates at [`NaiveDate::MAX`].
    pub fn last_retained_day(&self, ended_on: NaiveDate) -> NaiveDate {
        self.years
            .checked_mul(12)
            .and_then(|m| ended_on.checked_add_months(Months::new(m)))
            .unwrap_or(NaiveDate::MAX)
    }

    /// The first day a record whose conduct ended on `ended_on` may be
    /// erased: the day after [`last_retained_day`](Self::last_retained_day);
    /// `None` when that is past [`NaiveDate::MAX`].
    pub fn erasure_due_from(&self, ended_on: NaiveDate) -> Option<NaiveDate> {
        self.last_retained_day(ended_on).succ_opt()
    }

    /// Whether `record` is due for erasure on `on`: it is about a natural
    /// person, its conduct has ended, `on` is after its last retained day,
    /// and it is not already erased. Its other statuses (active, repaired,
    /// revoked, corrected) do not matter: each still holds personal content.
    pub fn is_due(&self, record: &MisconductRecord, on: NaiveDate) -> bool {
        ErasureCutoff::new(self, on).admits(record)
    }

    /// The erasure sweep: the records among `records` that are due for
    /// erasure on `on` (see [`is_due`](Self::is_due)), in their order.
    ///
    /// The sweep borrows the records and clones nothing; the retention
    /// arithmetic is done once per sweep, not once per record.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use social_credit::retention::RetentionPolicy;
    /// # use social_credit::misconduct::*;
    /// # use social_credit::{Citation, SubjectId};
    /// # let person: SubjectId = "34052419800101001X".parse::<social_credit::ResidentId>()?.into();
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// # let record = |id, ended_on| MisconductRecord {
    /// #     id: RecordId(id), subject: person.clone(), conduct: ConductKind::new("fraud"),
    /// #     severity: Severity::General, graded_by: Citation::new("g", "plan §3(3)"),
    /// #     section: Section::SocialAffairs, occurred_on: day(2018, 1, 1), ended_on,
    /// #     recorded_on: day(2018, 1, 2), decision: None, content: None, corrected: None, corrected_severity: None, history: vec![],
    /// # };
    /// // Conduct ended 2019-03-01: kept to 2024-03-01, erased from 2024-03-02.
    /// let records = vec![record(1, Some(day(2019, 3, 1))), record(2, None)];
    /// let policy = RetentionPolicy::default();
    /// assert_eq!(policy.due(&records, day(2024, 3, 1)).count(), 0);
    /// let due: Vec<_> = policy.due(&records, day(2024, 3, 2)).map(|r| r.id).collect();
    /// assert_eq!(due, [RecordId(1)]); // record 2's conduct has not ended
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn due<'a, I>(
        &self,
        records: I,
        on: NaiveDate,
    ) -> impl Iterator<Item = &'a MisconductRecord>
    where
        I: IntoIterator<Item = &'a MisconductRecord>,
    {
        let cutoff = ErasureCutoff::new(self, on);
        records.into_iter().filter(move |r| cutoff.admits(r))
    }

    /// The erasure sweep over a slice, as positions: the indices of the
    /// records due for erasure on `on`, ascending. Use it to erase in place:
    /// collect the indices, then call [`erase`](Self::erase) on each.
    pub fn due_indices<'a>(
        &self,
        records: &'a [MisconductRecord],
        on: NaiveDate,
    ) -> impl Iterator<Item = usize> + 'a {
        let cutoff = ErasureCutoff::new(self, on);
        records
            .iter()
            .enumerate()
            .filter(move |(_, r)| cutoff.admits(r))
            .map(|(i, _)| i)
    }

    /// Erases `record` on `on`: removes its personal content (the content
    /// and the corrected content: description, legal basis, evidence, fine),
    /// appends a status change to `Erased` made by `by` under this policy's
    /// rule, and returns the audit entry for the erasure.
    ///
    /// This is the pure step: the value still holds the subject's
    /// identifier, conduct and dates. A store keeps only its
    /// [`Tombstone::of`] and deletes the rest, as
    /// [`Registry::daily_sweep`](crate::registry::Registry::daily_sweep)
    /// does (DESIGN.md, "What does an erasure remove?"). The audit entry
    /// names the record by id only.
    ///
    /// # Errors
    ///
    /// [`ErasureError`] when the record is not due on `on` (about an
    /// organization, conduct not ended, still within its retention period,
    /// already erased) or `on` is before its latest status change. The record
    /// is left unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use social_credit::retention::{ErasureError, RetentionPolicy};
    /// use social_credit::RecordStatus;
    /// # use social_credit::misconduct::*;
    /// # use social_credit::{Citation, SubjectId};
    /// # let person: SubjectId = "34052419800101001X".parse::<social_credit::ResidentId>()?.into();
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// # let mut record = MisconductRecord {
    /// #     id: RecordId(7), subject: person, conduct: ConductKind::new("fraud"),
    /// #     severity: Severity::General, graded_by: Citation::new("g", "plan §3(3)"),
    /// #     section: Section::SocialAffairs, occurred_on: day(2018, 1, 1),
    /// #     ended_on: Some(day(2019, 3, 1)), recorded_on: day(2018, 1, 2),
    /// #     decision: None,
    /// #     content: Some(RecordContent { description: "forged receipts".into(),
    /// #         legal_basis: "art. 1".into(), evidence: vec![], fine: None }),
    /// #     corrected: None, corrected_severity: None, history: vec![],
    /// # };
    /// let policy = RetentionPolicy::default();
    /// let early = policy.erase(&mut record, day(2024, 3, 1), "system");
    /// assert!(matches!(early, Err(ErasureError::NotYetDue { .. })));
    /// assert!(record.content.is_some());
    ///
    /// let entry = policy.erase(&mut record, day(2024, 3, 2), "system")?;
    /// assert_eq!(record.status(), RecordStatus::Erased);
    /// assert!(record.content.is_none());
    /// assert_eq!(entry.to_string(), "2024-03-02: system erased R7 under retention.personal_five_years (plan §6(7))");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn erase(
        &self,
        record: &mut MisconductRecord,
        on: NaiveDate,
        by: &str,
    ) -> Result<AuditEntry, ErasureError> {
        let id = record.id;
        if !record.subject.is_person() {
            return Err(ErasureError::NotAPerson { record: id });
        }
        if let Some(erased) = record
            .history
            .last()
            .filter(|c| c.status == RecordStatus::Erased)
        {
            return Err(ErasureError::AlreadyErased {
                record: id,
                erased_on: erased.on,
            });
        }
        let ended_on = record
            .ended_on
            .ok_or(ErasureError::ConductNotEnded { record: id })?;
        let last_retained_day = self.last_retained_day(ended_on);
        if on <= last_retained_day {
            return Err(ErasureError::NotYetDue {
                record: id,
                last_retained_day,
                on,
            });
        }
        if let Some(last) = record.history.last().filter(|c| c.on > on) {
            return Err(ErasureError::BeforeLastChange {
                record: id,
                on,
                last_change: last.on,
            });
        }
        // Every check passed: from here on the record changes.
        record.content = None;
        record.corrected = None;
        record.history.push(StatusChange {
            on,
            status: RecordStatus::Erased,
            by: by.to_owned(),
            basis: self.basis.clone(),
        });
        Ok(AuditEntry {
            on,
            by: by.to_owned(),
            action: AuditAction::Erased,
            target: id.into(),
            basis: self.basis.clone(),
        })
    }
}

/// The sweep's per-day precomputation: the latest day of ending whose record
/// is due on the day asked.
///
/// `last_retained_day` is non-decreasing in `ended_on` (adding months only
/// ever clamps 29–31 down to the month's last day), so the records due on
/// `on` are exactly those whose conduct ended on or before one day, found
/// once per sweep. The property tests check this against
/// [`RetentionPolicy::last_retained_day`] record by record.
#[derive(Debug, Clone, Copy)]
struct ErasureCutoff {
    /// The latest `ended_on` with `last_retained_day(ended_on) < on`;
    /// `None` when no day qualifies.
    latest_ended_on: Option<NaiveDate>,
}

impl ErasureCutoff {
    fn new(policy: &RetentionPolicy, on: NaiveDate) -> Self {
        let due = |ended: NaiveDate| policy.last_retained_day(ended) < on;
        if !due(NaiveDate::MIN) {
            return Self {
                latest_ended_on: None,
            };
        }
        // From `on` minus the period, step to the boundary: the month clamp
        // moves it by at most a few days, so both loops are short.
        let months = policy.years.saturating_mul(12);
        let mut day = on
            .checked_sub_months(Months::new(months))
            .unwrap_or(NaiveDate::MIN);
        while !due(day) {
            match day.pred_opt() {
                Some(prev) => day = prev,
                None => {
                    return Self {
                        latest_ended_on: None,
                    }
                }
            }
        }
        while let Some(next) = day.succ_opt().filter(|d| due(*d)) {
            day = next;
        }
        Self {
            latest_ended_on: Some(day),
        }
    }

    #[inline]
    fn admits(&self, record: &MisconductRecord) -> bool {
        let Some(latest) = self.latest_ended_on else {
            return false;
        };
        // `&`, not `&&`: both tests are cheap reads of the record itself, and
        // one hard-to-predict branch costs less than two (benches/retention.rs).
        let ended = record.ended_on.is_some_and(|e| e <= latest);
        (ended & record.subject.is_person())
            && record
                .history
                .last()
                .is_none_or(|c| c.status != RecordStatus::Erased)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn cutoff_is_the_boundary() {
        let p = RetentionPolicy::default();
        // Erased from 2025-03-01 on for conduct ended 2020-02-29 (kept to 2025-02-28)
        // and 2020-02-28 (kept to 2025-02-28).
        let c = ErasureCutoff::new(&p, day(2025, 3, 1)).latest_ended_on;
        assert_eq!(c, Some(day(2020, 2, 29)));
        let c = ErasureCutoff::new(&p, day(2025, 2, 28)).latest_ended_on;
        assert_eq!(c, Some(day(2020, 2, 27)));
    }

    #[test]
    fn cutoff_at_the_ends_of_the_calendar() {
        let p = RetentionPolicy::default();
        assert_eq!(ErasureCutoff::new(&p, NaiveDate::MIN).latest_ended_on, None);
        let huge = RetentionPolicy {
            years: u32::MAX,
            ..RetentionPolicy::default()
        };
        assert_eq!(
            ErasureCutoff::new(&huge, NaiveDate::MAX).latest_ended_on,
            None
        );
        let zero = RetentionPolicy {
            years: 0,
            ..RetentionPolicy::default()
        };
        assert_eq!(
            ErasureCutoff::new(&zero, day(2024, 1, 2)).latest_ended_on,
            Some(day(2024, 1, 1))
        );
    }

    #[test]
    fn period_end_follows_the_civil_code() {
        assert_eq!(period_end(day(2019, 11, 30), 3), day(2020, 2, 29));
        assert_eq!(period_end(day(2019, 8, 31), 6), day(2020, 2, 29));
        assert_eq!(period_end(day(2023, 5, 31), 1), day(2023, 6, 30));
        assert_eq!(period_end(NaiveDate::MAX, 1), NaiveDate::MAX);
    }

    #[test]
    fn period_end_stays_on_a_holiday() {
        // Civil Code art. 203 does not apply to how long a record is kept or
        // published (DESIGN.md): six months from 1 April 2024 end on
        // 1 October 2024, National Day, not on the next working day.
        assert_eq!(period_end(day(2024, 4, 1), 6), day(2024, 10, 1));
        assert_eq!(
            RetentionPolicy::default().last_retained_day(day(2019, 10, 1)),
            day(2024, 10, 1)
        );
    }
}
