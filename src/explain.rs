//! Explanations that can leave the closure: an owned, serializable
//! [`AssessmentReport`] built from an [`Assessment`].
//!
//! An [`Assessment`] borrows the dossier and the rules, which keeps
//! [`assess`](crate::assess()) free of copies; a service that returns an
//! explanation from a handler, stores it or sends it as JSON builds a report
//! from it instead. The report holds every measure with its clause, the
//! records, list entries and rules that ground it, and what would change it
//! and when: a repair window opening, a publication ending, a list exit, an
//! erasure. It holds no personal data: a person is named by the masked
//! identity number (plan §6(2)), records by their ids, and no record content,
//! name or reporter is copied.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assess::{
    Assessment, Change, GreenChannel, GreenChannelGround, GreenChannelUnmet, Ground,
};
use crate::calendar::Finality;
use crate::catalogue::{MeasureKind, SanctionKind};
use crate::citation::Citation;
use crate::commitment::CommitmentId;
use crate::lists::ListKind;
use crate::misconduct::{RecordId, Section, Severity};
use crate::subject::Role;

/// An owned, serializable explanation of an [`Assessment`]: what applies,
/// why, under which clause, and what would change it and when.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::assess::{assess, Dossier, Rules};
/// use social_credit::calendar::WeekendCalendar;
/// use social_credit::explain::AssessmentReport;
/// use social_credit::subject::{Person, Roster, Subject};
///
/// let person = Subject::Person(Person { id: "34052419800101001X".parse()?, name: "张三".into() });
/// let roster = Roster::default();
/// let dossier = Dossier { subject: &person, records: &[], lists: &[], roster: &roster, commitments: &[], objections: &[] };
/// let day = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
/// let report = AssessmentReport::new(&assess(&dossier, &Rules::builtin(), &WeekendCalendar, day)?);
/// assert_eq!(report.subject, "340524********001X");
/// let json = serde_json::to_string(&report)?;
/// assert!(!json.contains("34052419800101001X") && !json.contains("张三"));
/// assert_eq!(serde_json::from_str::<AssessmentReport>(&json)?, report);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AssessmentReport {
    /// The subject's identifier: an organization's code whole, a person's
    /// number masked (plan §6(2)).
    pub subject: String,
    /// Whether the subject is a natural person.
    pub person: bool,
    /// The day asked about.
    pub as_of: NaiveDate,
    /// The id of the grading policy in force that day.
    pub policy: String,
    /// The worst active severity.
    pub worst_severity: Option<Severity>,
    /// The grounds of the worst severity.
    pub severity_grounds: Vec<GroundReport>,
    /// The rule that makes the subject a key supervision target (重点监管对象,
    /// plan §5(2)), when it is one.
    pub key_supervision: Option<Citation>,
    /// The rule that intensifies sanctions (plan §6(6)), when it does.
    pub intensified: Option<Citation>,
    /// The lists the subject stands on that day.
    pub lists: Vec<ListStanding>,
    /// How an exemplar lost the red-list incentives (plan §6(5)), if it did.
    pub red_list_lost: Option<RedListLossReport>,
    /// The measures that apply, in catalogue order.
    pub measures: Vec<MeasureReport>,
    /// The incentives withheld because an exclusive sanction applies.
    pub withheld: Vec<WithheldReport>,
    /// Green-channel and accept-pending-materials eligibility (plan §4(3)).
    pub green_channel: GreenChannelReport,
    /// The repair window of each of the subject's own records in force with
    /// a penalty decision (plan §6(7)).
    pub repair_windows: Vec<RepairWindowReport>,
    /// The next dated change, if one is known.
    pub next_change: Option<NextChangeReport>,
    /// The records whose sanctions an open objection suspends (only under a
    /// suspending objection policy).
    pub suspended: Vec<SuspensionReport>,
}

/// A measure that applies, with its grounds and what would end it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MeasureReport {
    /// Its id in the catalogue.
    pub id: String,
    /// Its Chinese name.
    pub chinese_name: String,
    /// Its English name.
    pub english_name: String,
    /// Incentive or sanction.
    pub kind: MeasureKind,
    /// The sanction family (plan §5(2)–(5)), for a sanction.
    pub family: Option<SanctionKind>,
    /// The measure's source clause.
    pub citation: Citation,
    /// Why it applies; never empty.
    pub grounds: Vec<GroundReport>,
    /// The records behind it.
    pub records: Vec<RecordId>,
    /// The dated changes known for its grounds, earliest first: a ground
    /// that ends (a publication end, a list exit, an erasure) or may be
    /// ended (a repair window opening). The measure ends when its last
    /// ground does.
    pub outlook: Vec<Outlook>,
}

/// Why something applies: a fact from the dossier, without personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "ground", rename_all = "snake_case")]
#[non_exhaustive]
pub enum GroundReport {
    /// One of the subject's own records.
    Record {
        /// The record.
        record: RecordId,
        /// The kind of conduct.
        conduct: String,
        /// Its grade.
        severity: Severity,
        /// The section that recorded it.
        section: Section,
        /// The day it was recorded.
        recorded_on: NaiveDate,
        /// The rule that graded it.
        basis: Citation,
    },
    /// An organization's record reaching a person through a role held on
    /// the day of the conduct (plan §5(6)).
    Organization {
        /// The organization's record.
        record: RecordId,
        /// The organization's code.
        organization: String,
        /// The role the person held.
        role: Role,
        /// The rule.
        basis: Citation,
    },
    /// A list entry the subject stands on.
    Listed {
        /// The list.
        list: ListKind,
        /// The first listing event of the entry.
        since: Option<NaiveDate>,
        /// The rule.
        basis: Citation,
    },
    /// No adverse record since `since` (plan §4(3)).
    CleanRecord {
        /// The start of the clean period.
        since: NaiveDate,
        /// The rule.
        basis: Citation,
    },
    /// A signed credit commitment (plan §4(1)).
    Commitment {
        /// The commitment.
        commitment: CommitmentId,
        /// The rule.
        basis: Citation,
    },
}

/// A dated change to a ground of a measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Outlook {
    /// The day.
    pub on: NaiveDate,
    /// What changes.
    pub change: ChangeReport,
}

/// Something that changes on a known day if nothing else happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeReport {
    /// The subject leaves a list (automatic) or may apply to leave it.
    ListExit {
        /// The list.
        list: ListKind,
        /// Whether it leaves without applying.
        automatic: bool,
    },
    /// A personal record is erased (plan §6(7)).
    Erasure {
        /// The record.
        record: RecordId,
    },
    /// The three years without an adverse record are complete: the green
    /// channel opens (plan §4(3)).
    GreenChannelOpens,
    /// A repair window opens for a record (plan §6(7)); other conditions
    /// (conduct corrected, effects removed, commitment signed) are not
    /// checked.
    RepairWindowOpens {
        /// The record.
        record: RecordId,
    },
    /// The publication of a record ends; from that day it grounds no
    /// measure (plan §6(7), 有限期惩戒).
    PublicationEnds {
        /// The record.
        record: RecordId,
    },
}

impl ChangeReport {
    fn of(change: &Change<'_>) -> Self {
        match change {
            Change::ListExit { entry, automatic } => Self::ListExit {
                list: entry.list.clone(),
                automatic: *automatic,
            },
            Change::Erasure { record } => Self::Erasure { record: record.id },
            Change::GreenChannelOpens => Self::GreenChannelOpens,
            Change::RepairWindowOpens { record } => Self::RepairWindowOpens { record: record.id },
            Change::PublicationEnds { record } => Self::PublicationEnds { record: record.id },
        }
    }
}

/// A list the subject stands on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListStanding {
    /// The list.
    pub list: ListKind,
    /// The first listing event of the entry.
    pub since: NaiveDate,
    /// The records behind its listing events.
    pub records: Vec<RecordId>,
}

/// An exemplar's loss of the red-list incentives (plan §6(5)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RedListLossReport {
    /// The day it lost them.
    pub on: NaiveDate,
    /// Why.
    pub cause: GroundReport,
    /// The rule.
    pub basis: Citation,
}

/// An incentive withheld because an exclusive sanction applies (奖惩分明).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WithheldReport {
    /// The incentive's id.
    pub incentive: String,
    /// The sanction's id.
    pub sanction: String,
    /// The rule.
    pub basis: Citation,
}

/// Green-channel eligibility (plan §4(3)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GreenChannelReport {
    /// Whether the subject qualifies.
    pub eligible: bool,
    /// Since when it qualifies as an exemplar (on the red list).
    pub exemplar_since: Option<NaiveDate>,
    /// The start of the clean window, where it qualifies by a clean record.
    pub clean_since: Option<NaiveDate>,
    /// The conditions not met, in words (no personal data).
    pub unmet: Vec<String>,
    /// The records in the window that keep it closed.
    pub adverse_records: Vec<RecordId>,
    /// The rule.
    pub basis: Citation,
}

impl GreenChannelReport {
    fn of(green: &GreenChannel) -> Self {
        let mut adverse_records = Vec::new();
        let unmet = green
            .unmet
            .iter()
            .map(|u| match u {
                GreenChannelUnmet::AdverseRecords { records } => {
                    adverse_records.extend(records.iter().copied());
                    format!("{} adverse records in the window", records.len())
                }
                GreenChannelUnmet::AdverseListing { list } => format!("listed on the {list}"),
                GreenChannelUnmet::TooRecent {
                    existed_since,
                    window_from,
                } => format!(
                    "existed only since {existed_since}, the window starts on {window_from}"
                ),
                GreenChannelUnmet::ExistenceUnknown => {
                    "the day it began to exist is unknown".into()
                }
            })
            .collect();
        Self {
            eligible: green.eligible,
            exemplar_since: match green.ground {
                Some(GreenChannelGround::Exemplar { since }) => Some(since),
                _ => None,
            },
            clean_since: match green.ground {
                Some(GreenChannelGround::CleanRecord { since }) => Some(since),
                _ => None,
            },
            unmet,
            adverse_records,
            basis: green.basis.clone(),
        }
    }
}

/// The repair window of a record (plan §6(7)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RepairWindowReport {
    /// The record.
    pub record: RecordId,
    /// The first day an application may be made; `None` when repair is
    /// barred or there are no periods.
    pub earliest_application: Option<NaiveDate>,
    /// The next day after the day asked on which an application becomes
    /// possible, where one is known.
    pub next_opening: Option<NaiveDate>,
    /// The last day the record is published.
    pub last_published_day: Option<NaiveDate>,
    /// The rule that bars repair, where one does.
    pub barred_by: Option<Citation>,
    /// The rules the periods come from.
    pub basis: Vec<Citation>,
    /// Why there are no periods, where there are none.
    pub problem: Option<String>,
}

/// The next dated change and everything that changes that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NextChangeReport {
    /// The day.
    pub on: NaiveDate,
    /// Whether the day may still move with a holiday notice not yet published.
    pub finality: Finality,
    /// What changes.
    pub changes: Vec<ChangeReport>,
}

/// A record whose sanctions an objection suspends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SuspensionReport {
    /// The record.
    pub record: RecordId,
    /// The rule.
    pub basis: Citation,
}

impl GroundReport {
    fn of(ground: &Ground<'_>, assessment: &Assessment<'_>) -> Self {
        let basis = ground.basis();
        match ground {
            Ground::Record(r) => Self::Record {
                record: r.id,
                conduct: r.conduct.as_str().to_owned(),
                severity: r.severity,
                section: r.section,
                recorded_on: r.recorded_on,
                basis,
            },
            Ground::Organization { record, role } => Self::Organization {
                record: record.id,
                organization: ground
                    .organization()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                role: *role,
                basis,
            },
            Ground::Listed(entry) => Self::Listed {
                list: entry.list.clone(),
                since: assessment
                    .lists()
                    .find(|(e, _)| std::ptr::eq(*e, *entry))
                    .map(|(_, since)| since),
                basis,
            },
            Ground::CleanRecord { since } => Self::CleanRecord {
                since: *since,
                basis,
            },
            Ground::Commitment(c) => Self::Commitment {
                commitment: c.id,
                basis,
            },
        }
    }
}

impl AssessmentReport {
    /// The report of `assessment`. It copies ids, clauses and dates; it
    /// calls no rule again, so it says exactly what the assessment decided.
    pub fn new(assessment: &Assessment<'_>) -> Self {
        let a = assessment;
        let windows: Vec<RepairWindowReport> = a
            .repair_windows()
            .map(|w| {
                let periods = w.periods.as_ref().ok();
                RepairWindowReport {
                    record: w.record.id,
                    earliest_application: w.earliest_application(),
                    next_opening: w.next_opening,
                    last_published_day: periods.map(|p| p.last_published_day),
                    barred_by: w.barred_by().cloned(),
                    basis: periods.map(|p| p.basis.clone()).unwrap_or_default(),
                    problem: w.periods.as_ref().err().map(ToString::to_string),
                }
            })
            .collect();
        let next_change = a.next_change.as_ref().map(|n| NextChangeReport {
            on: n.on,
            finality: n.finality,
            changes: n.changes.iter().map(ChangeReport::of).collect(),
        });
        let grounds = |gs: &[Ground<'_>]| -> Vec<GroundReport> {
            gs.iter().map(|g| GroundReport::of(g, a)).collect()
        };
        let measures = a
            .measures()
            .map(|m| {
                let measure = m.measure();
                let mut outlook = Vec::new();
                for ground in m.grounds() {
                    outlook_of(ground, &windows, next_change.as_ref(), &mut outlook);
                }
                outlook.sort_by_key(|o| o.on);
                outlook.dedup();
                MeasureReport {
                    id: measure.id.clone(),
                    chinese_name: measure.chinese_name.clone(),
                    english_name: measure.english_name.clone(),
                    kind: measure.kind,
                    family: measure.family,
                    citation: m.citation(),
                    grounds: grounds(m.grounds()),
                    records: m.records().collect(),
                    outlook,
                }
            })
            .collect();
        Self {
            subject: a.subject.id().display_masked(),
            person: a.subject.id().is_person(),
            as_of: a.as_of,
            policy: a.policy.id().to_owned(),
            worst_severity: a.worst_severity,
            severity_grounds: grounds(&a.severity_grounds),
            key_supervision: a.key_supervision.clone(),
            intensified: a.intensified.clone(),
            lists: a
                .lists()
                .map(|(entry, since)| ListStanding {
                    list: entry.list.clone(),
                    since,
                    records: {
                        let mut records: Vec<RecordId> = entry.records(a.as_of).collect();
                        records.sort_unstable();
                        records.dedup();
                        records
                    },
                })
                .collect(),
            red_list_lost: a.red_list_lost.as_ref().map(|l| RedListLossReport {
                on: l.on,
                cause: GroundReport::of(&l.cause, a),
                basis: l.basis.clone(),
            }),
            measures,
            withheld: a
                .withheld
                .iter()
                .map(|w| WithheldReport {
                    incentive: w.incentive.id.clone(),
                    sanction: w.sanction.id.clone(),
                    basis: w.basis.clone(),
                })
                .collect(),
            green_channel: GreenChannelReport::of(&a.green_channel),
            repair_windows: windows,
            next_change,
            suspended: a
                .suspended
                .iter()
                .map(|s| SuspensionReport {
                    record: s.record.id,
                    basis: s.basis.clone(),
                })
                .collect(),
        }
    }
}

/// The dated changes known for `ground`: its record's repair window opening
/// and publication end; its list's exit where it is the next change.
fn outlook_of(
    ground: &Ground<'_>,
    windows: &[RepairWindowReport],
    next: Option<&NextChangeReport>,
    out: &mut Vec<Outlook>,
) {
    match ground {
        Ground::Record(r) => {
            if let Some(w) = windows.iter().find(|w| w.record == r.id) {
                if let Some(on) = w.next_opening {
                    out.push(Outlook {
                        on,
                        change: ChangeReport::RepairWindowOpens { record: r.id },
                    });
                }
                if let Some(on) = w.last_published_day.and_then(|d| d.succ_opt()) {
                    out.push(Outlook {
                        on,
                        change: ChangeReport::PublicationEnds { record: r.id },
                    });
                }
            }
        }
        Ground::Listed(entry) => {
            if let Some(n) = next {
                for change in &n.changes {
                    if matches!(change, ChangeReport::ListExit { list, .. } if *list == entry.list)
                    {
                        out.push(Outlook {
                            on: n.on,
                            change: change.clone(),
                        });
                    }
                }
            }
        }
        _ => {}
    }
    // Records of the subject's next change (erasure, publication end) that
    // no window names.
    if let (Some(id), Some(n)) = (ground.record(), next) {
        for change in &n.changes {
            let names = match change {
                ChangeReport::Erasure { record } | ChangeReport::PublicationEnds { record } => {
                    *record == id
                }
                _ => false,
            };
            if names {
                out.push(Outlook {
                    on: n.on,
                    change: change.clone(),
                });
            }
        }
    }
}
