//! The daily sweep.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::assess::{self, AssessError};
use crate::calendar::{CalendarError, Finality, WorkCalendar};
use crate::citation::Citation;
use crate::commitment::{Commitment, OverduePledge};
use crate::grading::{Facts, Listing, SubjectKind};
use crate::lists::{ListEntry, ListKind, OverdueRemoval, Standing};
use crate::misconduct::{MisconductRecord, RecordId, RecordStatus};
use crate::objection::{Objection, ObjectionError, ObjectionId};
use crate::permission::{Operation, Target};
use crate::store::{Store, Table};
use crate::subject::SubjectId;

use super::*;

/// What the daily sweep did and found on a day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepReport {
    /// The day swept.
    pub on: NaiveDate,
    /// The last completed sweep before this one, if any: the events due
    /// after it and up to [`SweepReport::on`] are all handled and reported
    /// here, so a sweep that did not run loses nothing. Without one, the
    /// events of `on` alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
    /// Personal records erased (plan §6(7)).
    pub erased: Vec<RecordId>,
    /// Subjects whose time on a list led to a new listing (e.g. two full
    /// years on the activity-abnormal list), with the rule.
    pub listed: Vec<(String, Citation)>,
    /// List entries that ended automatically by this day (published subject
    /// identifier and list).
    pub list_exits: Vec<(String, ListKind)>,
    /// Objections with a step overdue, most overdue first.
    pub overdue_objections: Vec<ObjectionId>,
    /// Pledges to supply materials past their due date (plan §4(3)).
    pub overdue_pledges: Vec<OverduePledge>,
    /// Records whose publication ended on this day (the day after their
    /// maximum publication period; plan §6(7) 有限期惩戒; 527, NDRC Order
    /// No. 36): no longer in the public view, and grounding no measure.
    /// Absent from JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub publication_ended: Vec<RecordId>,
    /// Open objections whose deadlines are not final, with how final they
    /// are: counted over days a notice may still change (provisional) or no
    /// published notice covers (projected by the statutory rules).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsettled_deadlines: Vec<(ObjectionId, Finality)>,
    /// What the sweep could not compute because a count left the calendar,
    /// with the reason; everything else was done.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_computed: Vec<SweepGap>,
    /// Removals from the activity-abnormal list due after a verified
    /// fulfilment and not recorded in time (MCA Order No. 60 (2018)
    /// art. 13, unconfirmed): the organization counts as off the list from
    /// the due day; the removal decision must still be recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overdue_removals: Vec<OverdueRemoval>,
    /// Every subject standing on a list on the day (published identifier
    /// and lists), as [`assess::Assessment::lists`] decides it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standings: Vec<(String, Vec<ListKind>)>,
}

/// An item of the daily sweep that could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepGap {
    /// What it is about, e.g. `objection O3` or `list entry of 913501…
    /// on blacklist` (a person's number masked).
    pub item: String,
    /// Why: the count that left the calendar.
    pub reason: CalendarError,
}

/// A list entry as a sweep names it: its list and its subject (masked if a
/// person).
pub(super) fn entry_item(entry: &ListEntry) -> String {
    format!(
        "list entry of {} on {}",
        entry.subject.display_masked(),
        entry.list
    )
}

impl<S: Store, C: WorkCalendar> Registry<S, C> {
    /// The daily sweep for `on`, run by the system ([`Actor::system`]): erases the
    /// personal records due (plan §6(7)) with every document about them
    /// (DESIGN.md, "What does an erasure remove?"), records listings that time on a
    /// list leads to, and reports automatic list exits, overdue objection
    /// steps, objections whose deadlines are not final, and overdue pledges
    /// to supply materials. All in one transaction.
    ///
    /// It catches up: automatic list exits and publication ends are reported
    /// for every day after the last completed sweep before `on`
    /// ([`SweepReport::since`]), up to `on`; erasures, listings and overdue
    /// items are due from their day on anyway. Running it again for the same
    /// day gives the same report.
    ///
    /// A count that leaves the calendar never stops the sweep: the item it
    /// belongs to is reported in [`SweepReport::not_computed`] with the
    /// reason, and every other item, every erasure first, is still done.
    ///
    /// # Errors
    ///
    /// [`RegistryError::Forbidden`] for any capacity but `system`; a store
    /// failure, an erasure that cannot be made, or no grading policy in
    /// force. Nothing is changed then.
    pub fn daily_sweep(&self, actor: &Actor, on: NaiveDate) -> Result<SweepReport, RegistryError> {
        self.authorize(actor, Operation::DailySweep, Target::none())?;
        let setup = self.setup();
        let calendar = &*setup.calendar;
        self.write_tx("daily_sweep", None, |tx| {
            let by = &actor_name(tx, actor)?;
            // The last completed sweep before `on`: every event due after
            // it is handled now (a sweep that did not run loses nothing).
            let since = last_sweep_before(tx, on)?;
            // Events are reported for the days after `from`.
            let from = since.or_else(|| on.pred_opt());
            let mut report = SweepReport {
                on,
                since,
                ..SweepReport::default()
            };
            // Erasures.
            let records: Vec<(String, MisconductRecord)> = scan(tx, Table::Records, None)?;
            let retention = &setup.rules.retention;
            // Publication ends (reported, not changed: the record keeps its
            // status; the assessment and the public view stop counting it).
            for (_, record) in &records {
                if let (Some(decision), Some(RecordStatus::Active | RecordStatus::Corrected)) =
                    (&record.decision, record.status_on(on))
                {
                    let end = |severity| {
                        setup
                            .rules
                            .repair
                            .publication_end(severity, decision)
                            .map(|e| e.on)
                    };
                    // Published yesterday and not today: its end is today,
                    // or a correction today lowered its severity to one whose
                    // end has already come (plan §6(3)).
                    let today = end(record.severity_on(on));
                    // "Yesterday" is the last day swept: an end between it
                    // and today is reported now.
                    let yesterday = match from {
                        Some(y) if record.severity_on(y) != record.severity_on(on) => {
                            end(record.severity_on(y))
                        }
                        _ => today,
                    };
                    if today.is_some_and(|e| e <= on)
                        && yesterday.is_none_or(|e| from.is_none_or(|f| e > f))
                    {
                        report.publication_ended.push(record.id);
                    }
                }
            }
            for (key, mut record) in records {
                if retention.is_due(&record, on) {
                    // The retention rule checks and decides; the erasure
                    // itself (its audit entries included) is `erase_in`.
                    retention.erase(&mut record, on, by)?;
                    erase_in(tx, &key, &record, by)?;
                    report.erased.push(record.id);
                } else if record.status() == RecordStatus::Erased {
                    // Erased by an earlier version, which kept the record:
                    // finish the erasure (its day and rule stay those of
                    // the record's `Erased` change).
                    erase_in(tx, &key, &record, by)?;
                }
            }
            // Lists: standings (decided by the assessment, the one function
            // the public view uses too), automatic exits, overdue removals,
            // and listings from time on a list.
            let policy = setup.policy(on)?;
            let entries: Vec<(String, ListEntry)> = scan(tx, Table::ListEntries, None)?;
            let mut gaps = Vec::new();
            let mut gap =
                |item: String, reason: CalendarError| gaps.push(SweepGap { item, reason });
            let mut subjects: std::collections::BTreeSet<SubjectId> =
                std::collections::BTreeSet::new();
            for (_, entry) in &entries {
                if let Some(lc) = policy.lifecycle() {
                    let standing = match lc.standing(entry, on, calendar) {
                        Ok(standing) => Some(standing),
                        Err(reason) => {
                            gap(entry_item(entry), reason);
                            None
                        }
                    };
                    if let Some(Standing::Exited { on: exit_on, .. }) = standing {
                        // Exits since the last sweep, not only today's.
                        if exit_on <= on
                            && from.is_none_or(|f| exit_on > f)
                            && entry.removed_on.is_none()
                        {
                            report
                                .list_exits
                                .push((entry.subject.display_masked(), entry.list.clone()));
                        }
                    }
                    match lc.overdue_removal(entry, on, calendar) {
                        Ok(Some(overdue)) => report.overdue_removals.push(overdue),
                        Ok(None) => {}
                        // Reported above, when the entry's exit was checked.
                        Err(_) => {}
                    }
                }
                subjects.insert(entry.subject.clone());
            }
            let rules = setup.rules.rules();
            for subject in subjects {
                let loaded = Self::load_in(tx, &subject)?;
                let dossier = Self::dossier(&loaded);
                let assessment = match assess::assess(&dossier, &rules, calendar, on) {
                    Ok(assessment) => assessment,
                    Err(AssessError::Calendar(reason)) => {
                        gap(
                            format!("list standing of {}", subject.display_masked()),
                            reason,
                        );
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                };
                let standing: Vec<&ListEntry> = assessment.lists().map(|(e, _)| e).collect();
                let mut lists: Vec<ListKind> = standing.iter().map(|e| e.list.clone()).collect();
                let kind = if subject.is_person() {
                    SubjectKind::Person
                } else {
                    SubjectKind::Organization
                };
                let mut facts = Facts::new(on).about(kind);
                // Time on a list counts from the start of the continuous
                // stay, not from the latest listing event (MCA Order No. 60
                // (2018) art. 14(1), unconfirmed), and without the events of
                // revoked records.
                let counting = assess::counting_records(&loaded.records, on);
                for e in &standing {
                    let Some(list) = Self::list_id_for(policy, &e.list) else {
                        continue;
                    };
                    let valid = assess::without_void_events(e, &counting);
                    let view = valid.as_ref().unwrap_or(e);
                    let since = match policy.lifecycle() {
                        Some(lc) => match lc.continuous_since(view, on, calendar) {
                            Ok(since) => since,
                            Err(reason) => {
                                gap(entry_item(e), reason);
                                continue;
                            }
                        },
                        None => view.listed_on(on),
                    };
                    if let Some(since) = since {
                        facts.listings.push(Listing { list, since });
                    }
                }
                if let Some(grade) = policy.grade(&facts) {
                    if let Some(list_id) = &grade.list {
                        let kind = policy.list(list_id).map(|l| l.kind.clone());
                        // One listing by the rule per stay counted.
                        let stay = grade.matched.iter().find_map(|m| match m {
                            crate::grading::MatchedFact::TimeOnList { since, .. } => Some(*since),
                            _ => None,
                        });
                        let already = loaded.lists.iter().any(|e| {
                            Some(&e.list) == kind.as_ref()
                                && e.events.iter().any(|ev| {
                                    ev.rule.as_deref() == Some(&grade.citation.rule)
                                        && stay.is_none_or(|s| ev.on >= s)
                                })
                        });
                        if let (Some(kind), false) = (kind, already) {
                            let mut keyed = scan(tx, Table::ListEntries, Some(&subject))?;
                            let key = self.list_in(
                                tx,
                                &mut keyed,
                                &subject,
                                kind,
                                on,
                                Some(grade.citation.rule.to_string()),
                                Vec::new(),
                                by,
                                &grade.citation,
                            )?;
                            put_entry(tx, &keyed, &key)?;
                            report
                                .listed
                                .push((subject.display_masked(), grade.citation.clone()));
                            // The standing after this sweep's listing, as
                            // the assessment now gives it.
                            let loaded = Self::load_in(tx, &subject)?;
                            let dossier = Self::dossier(&loaded);
                            match assess::assess(&dossier, &rules, calendar, on) {
                                Ok(after) => {
                                    lists = after.lists().map(|(e, _)| e.list.clone()).collect();
                                }
                                Err(AssessError::Calendar(reason)) => gap(
                                    format!("list standing of {}", subject.display_masked()),
                                    reason,
                                ),
                                Err(e) => return Err(e.into()),
                            }
                        }
                    }
                }
                if !lists.is_empty() {
                    report.standings.push((subject.display_masked(), lists));
                }
            }
            // Overdue objections and pledges (reported, not changed).
            let objections: Vec<(String, Objection)> = scan(tx, Table::Objections, None)?;
            let mut overdue = Vec::new();
            for (_, o) in objections {
                if o.stage_on(on).is_some_and(|s| !s.is_final()) {
                    let status = match o.status_on(calendar, on) {
                        Ok(status) => status,
                        Err(ObjectionError::Calendar(reason)) => {
                            gap(format!("objection {}", o.id()), reason);
                            continue;
                        }
                        Err(e) => return Err(e.into()),
                    };
                    for missing in &status.deadlines.missing {
                        gap(
                            format!("objection {}: {}", o.id(), missing.basis.rule),
                            missing.reason.clone(),
                        );
                    }
                    if status.deadlines.finality > Finality::Final {
                        report
                            .unsettled_deadlines
                            .push((o.id(), status.deadlines.finality));
                    }
                    if status.is_overdue() {
                        let late = status
                            .overdue
                            .iter()
                            .map(|x| x.working_days)
                            .max()
                            .unwrap_or(0);
                        overdue.push((std::cmp::Reverse(late), o.id()));
                    }
                }
            }
            overdue.sort();
            report.overdue_objections = overdue.into_iter().map(|(_, id)| id).collect();
            report.not_computed = gaps;
            let commitments: Vec<(String, Commitment)> = scan(tx, Table::Commitments, None)?;
            report.overdue_pledges = commitments
                .iter()
                .filter_map(|(_, c)| c.overdue_on(on))
                .collect();
            // This sweep is complete once the transaction commits.
            let mark = serde_json::json!({ "on": on }).to_string();
            tx.put(
                Table::Sweeps,
                &on.to_string(),
                crate::store::Doc {
                    subject: None,
                    body: mark,
                    sealed: None,
                },
            )?;
            Ok(report)
        })
    }
}

/// The day of the last completed sweep before `on`, if any.
fn last_sweep_before(
    tx: &mut dyn crate::store::Transaction,
    on: NaiveDate,
) -> Result<Option<NaiveDate>, RegistryError> {
    let before = on.to_string();
    let sweeps = tx.scan(Table::Sweeps, None)?;
    sweeps
        .iter()
        .rev()
        .find(|(key, _)| *key < before)
        .map(|(key, _)| {
            key.parse::<NaiveDate>().map_err(|e| {
                RegistryError::Store(crate::store::StoreError::Corrupt {
                    table: Table::Sweeps,
                    key: key.clone(),
                    problem: e.to_string(),
                })
            })
        })
        .transpose()
}
