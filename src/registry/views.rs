//! Views and queries: assessment, the public view, restoration, the
//! quarterly report and the audit log.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::assess::{self, AssessmentSummary, Dossier};
use crate::audit::AuditEntry;
use crate::calendar::WorkCalendar;
use crate::citation::Citation;
use crate::commitment::Commitment;
use crate::lists::{ListEntry, ListKind};
use crate::misconduct::{ConductKind, MisconductRecord, RecordId, RecordStatus, Section, Severity};
use crate::objection::Objection;
use crate::quarterly::{QuarterlyReport, ReportingRule, SectionLateness};
use crate::store::{Store, StoreError, Table, Transaction};
use crate::subject::{ResidentId, RoleLink, Roster, Subject, SubjectId};

use super::*;

/// What may be published about a subject on a day (plan §6(2)):
/// an organization by its USCC, a person masked; the records and lists in
/// force, the measures that apply with their clauses, and published
/// commitments. Nothing confidential: no record content beyond its kind,
/// no objection grounds, no tip-offs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicView {
    /// The identifier as published: a USCC whole, a person's number masked.
    pub id: String,
    /// The name: an organization's whole, a person's surname only.
    pub name: String,
    /// The day the view is for.
    pub as_of: NaiveDate,
    /// The records in force (not revoked, repaired or erased) whose
    /// publication has not ended (plan §6(7)).
    pub records: Vec<PublicRecord>,
    /// The lists the subject stands on.
    pub lists: Vec<ListKind>,
    /// The measures in force, with their clauses.
    pub measures: Vec<PublicMeasure>,
    /// Published commitments: their text and signing day.
    pub commitments: Vec<(NaiveDate, String)>,
}

/// A record as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicRecord {
    /// The record.
    pub id: RecordId,
    /// Its conduct kind.
    pub conduct: ConductKind,
    /// Its severity on the day: the corrected one after a correction that
    /// regraded it (plan §6(3)).
    pub severity: Severity,
    /// The section that made it.
    pub section: Section,
    /// The day it was recorded.
    pub recorded_on: NaiveDate,
    /// The rule that graded it.
    pub graded_by: Citation,
}

/// A measure as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicMeasure {
    /// The measure's id in the catalogue.
    pub id: String,
    /// Its Chinese name.
    pub chinese_name: String,
    /// Its English name.
    pub english_name: String,
    /// Its source clause.
    pub source: String,
}

/// A measure wrongly applied, and the first and last day it was: its id in
/// the catalogue, from, until.
pub type RestoredRange = (String, NaiveDate, NaiveDate);

/// What the section that provided a record must restore after the record
/// was revoked or corrected on an objection (plan §6(3): "有关科室应积极采取
/// 措施恢复其信誉、消除不良影响"): each measure in force because of it, from
/// when to when, for the record's subject and for each person linked to it
/// (plan §5(6)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestorationView {
    /// The record found wrong.
    pub record: RecordId,
    /// The section that owes the restoration: the one that provided the
    /// record (有关科室), not the Office.
    pub owed_by: Section,
    /// The measures wrongly applied to the record's subject, with the day
    /// ranges they were in force because of it.
    pub measures: Vec<RestoredRange>,
    /// The measures wrongly applied to each person linked to the record's
    /// organization (plan §5(6)), by masked identity number; only persons
    /// with at least one. Absent from JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persons: Vec<(String, Vec<RestoredRange>)>,
    /// The rule.
    pub basis: Citation,
}

/// Everything about one subject, loaded in one transaction.
#[derive(Debug)]
pub(super) struct Loaded {
    pub(super) subject: Subject,
    pub(super) records: Vec<MisconductRecord>,
    pub(super) lists: Vec<ListEntry>,
    pub(super) roster: Roster,
    pub(super) commitments: Vec<Commitment>,
    pub(super) objections: Vec<Objection>,
}

impl<S: Store, C: WorkCalendar> Registry<S, C> {
    /// The quarterly reports owed on quarter `quarter` (1–4) of `year`
    /// under `rule` (plan §8(3)), one per reporting section, each with the
    /// objection steps the section completed late in the quarter and how
    /// late, and those still overdue at its end (plan §6(9)).
    ///
    /// # Errors
    ///
    /// [`RegistryError::Objection`] for a quarter outside 1–4 or the
    /// calendar, or a store failure.
    pub fn quarterly_report(
        &self,
        rule: &ReportingRule,
        year: i32,
        quarter: u32,
    ) -> Result<Vec<(QuarterlyReport, SectionLateness)>, RegistryError> {
        let objections = self.all_objections()?;
        Ok(crate::quarterly::quarterly_report(
            rule,
            &*self.setup().calendar,
            &objections,
            year,
            quarter,
        )?)
    }

    /// What the section that provided a record must restore after it was
    /// revoked or corrected on an objection (plan §6(3)): the measures in
    /// force because of it, from when to when, for its subject and for each
    /// person linked to its organization (plan §5(6)).
    ///
    /// # Errors
    ///
    /// [`RegistryError::Assess`] when the record was neither revoked nor
    /// corrected, or as [`Registry::assess`].
    pub fn restoration(&self, record: RecordId) -> Result<RestorationView, RegistryError> {
        let setup = self.setup();
        let subject = self.record(record)?.subject;
        let loaded = self.load(&subject)?;
        let rules = setup.rules.rules();
        let dossier = Self::dossier(&loaded);
        let r = assess::restoration(&dossier, &rules, &*setup.calendar, record)?;
        let ranges = |r: &assess::Restoration<'_>| {
            r.measures
                .iter()
                .map(|m| (m.measure.id.clone(), m.from, m.until))
                .collect::<Vec<_>>()
        };
        let mut persons = Vec::new();
        if let SubjectId::Organization(org) = &subject {
            let links: Vec<(String, RoleLink)> = self.read_tx("restoration", None, |tx| {
                Ok::<_, RegistryError>(scan(tx, Table::RoleLinks, None)?)
            })?;
            let mut linked: Vec<ResidentId> = links
                .into_iter()
                .filter(|(_, l)| &l.organization == org)
                .map(|(_, l)| l.person)
                .collect();
            linked.sort();
            linked.dedup();
            for person in linked {
                let person_id: SubjectId = person.into();
                let loaded = self.load(&person_id)?;
                let dossier = Self::dossier(&loaded);
                let p = assess::restoration(&dossier, &rules, &*setup.calendar, record)?;
                if !p.measures.is_empty() {
                    persons.push((person_id.display_masked(), ranges(&p)));
                }
            }
        }
        Ok(RestorationView {
            record: r.record,
            owed_by: r.owed_by,
            measures: ranges(&r),
            persons,
            basis: r.basis.clone(),
        })
    }

    /// Everything about one subject, decoded once and reused while the
    /// store reports it unchanged (see `cache`).
    pub(super) fn load(&self, id: &SubjectId) -> Result<Arc<Loaded>, RegistryError> {
        self.read_tx("load", Some(id), |tx| {
            if let Some(cached) = self.cache.get(tx, id)? {
                return Ok(cached);
            }
            let loaded = Arc::new(Self::load_in(tx, id)?);
            let mut linked: Vec<SubjectId> = loaded
                .roster
                .links()
                .iter()
                .map(|l| SubjectId::Organization(l.organization.clone()))
                .collect();
            linked.sort();
            linked.dedup();
            self.cache.put(tx, id, &linked, &loaded)?;
            Ok(loaded)
        })
    }

    /// Everything about one subject, read in the transaction `tx`.
    pub(super) fn load_in(
        tx: &mut dyn Transaction,
        id: &SubjectId,
    ) -> Result<Loaded, RegistryError> {
        {
            let subject = Self::require_subject(tx, id)?;
            let mut records: Vec<MisconductRecord> = scan(tx, Table::Records, Some(id))?
                .into_iter()
                .map(|(_, r)| r)
                .collect();
            let lists: Vec<ListEntry> = scan(tx, Table::ListEntries, Some(id))?
                .into_iter()
                .map(|(_, e)| e)
                .collect();
            let commitments: Vec<Commitment> = scan(tx, Table::Commitments, Some(id))?
                .into_iter()
                .map(|(_, c)| c)
                .collect();
            // Objections are kept under the subject of their record.
            let mut objections: Vec<Objection> = scan(tx, Table::Objections, Some(id))?
                .into_iter()
                .map(|(_, o)| o)
                .collect();
            let mut roster = Roster::default();
            if id.is_person() {
                let links: Vec<(String, RoleLink)> = scan(tx, Table::RoleLinks, Some(id))?;
                let mut orgs = std::collections::BTreeSet::new();
                for (_, link) in links {
                    orgs.insert(link.organization.clone());
                    roster.link(link)?;
                }
                for org in orgs {
                    let org_id: SubjectId = org.into();
                    records.extend(
                        scan::<MisconductRecord>(tx, Table::Records, Some(&org_id))?
                            .into_iter()
                            .map(|(_, r)| r),
                    );
                    objections.extend(
                        scan::<Objection>(tx, Table::Objections, Some(&org_id))?
                            .into_iter()
                            .map(|(_, o)| o),
                    );
                }
            }
            Ok(Loaded {
                subject,
                records,
                lists,
                roster,
                commitments,
                objections,
            })
        }
    }

    pub(super) fn dossier(loaded: &Loaded) -> Dossier<'_> {
        Dossier {
            subject: &loaded.subject,
            records: &loaded.records,
            lists: &loaded.lists,
            roster: &loaded.roster,
            commitments: &loaded.commitments,
            objections: &loaded.objections,
        }
    }

    /// Assesses a subject as of `on` (plan §4, §5): worst severity, measures
    /// with their clauses, lists, green channel, the next dated change.
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`] for an unregistered subject,
    /// [`RegistryError::Assess`] when no policy is in force or a count
    /// leaves the calendar, or a store failure.
    pub fn assess(
        &self,
        id: &SubjectId,
        on: NaiveDate,
    ) -> Result<AssessmentSummary, RegistryError> {
        self.with_assessment(id, on, |a| a.summary())
    }

    /// Assesses a subject and hands the full [`assess::Assessment`] (with
    /// every ground) to `f`.
    ///
    /// # Errors
    ///
    /// As [`Registry::assess`].
    pub fn with_assessment<R>(
        &self,
        id: &SubjectId,
        on: NaiveDate,
        f: impl FnOnce(&assess::Assessment<'_>) -> R,
    ) -> Result<R, RegistryError> {
        let loaded = self.load(id)?;
        let setup = self.setup();
        let rules = setup.rules.rules();
        let dossier = Self::dossier(&loaded);
        let assessment = assess::assess(&dossier, &rules, &*setup.calendar, on)?;
        Ok(f(&assessment))
    }

    /// What may be published about a subject on `on` (plan §6(2)).
    ///
    /// # Errors
    ///
    /// As [`Registry::assess`].
    pub fn public_view(&self, id: &SubjectId, on: NaiveDate) -> Result<PublicView, RegistryError> {
        let loaded = self.load(id)?;
        let setup = self.setup();
        let rules = setup.rules.rules();
        let dossier = Self::dossier(&loaded);
        let assessment = assess::assess(&dossier, &rules, &*setup.calendar, on)?;
        let name = match &loaded.subject {
            Subject::Organization(o) => o.name.clone(),
            Subject::Person(p) => p.masked_name(),
        };
        let records = loaded
            .records
            .iter()
            .filter(|r| &r.subject == id)
            .filter(|r| {
                matches!(
                    r.status_on(on),
                    Some(RecordStatus::Active | RecordStatus::Corrected)
                )
            })
            // plan §6(7), 有限期惩戒: "最长公示期限届满的，信用网站将撤下相关信息"
            // (527); "最长公示期届满后，相关信息自动停止公示" (NDRC Order No. 36).
            .filter(|r| {
                r.decision.as_ref().is_none_or(|d| {
                    rules
                        .repair
                        .publication_end(r.severity_on(on), d)
                        .is_none_or(|e| e.on > on)
                })
            })
            .map(|r| PublicRecord {
                id: r.id,
                conduct: r.conduct.clone(),
                severity: r.severity_on(on),
                section: r.section,
                recorded_on: r.recorded_on,
                graded_by: r.graded_by.clone(),
            })
            .collect();
        // The standing the assessment decided: the same function as the
        // assessment's measures and the daily sweep.
        let lists = assessment.lists().map(|(e, _)| e.list.clone()).collect();
        let measures = assessment
            .measures()
            .map(|m| PublicMeasure {
                id: m.measure().id.clone(),
                chinese_name: m.measure().chinese_name.clone(),
                english_name: m.measure().english_name.clone(),
                source: m.measure().source.clone(),
            })
            .collect();
        let commitments = loaded
            .commitments
            .iter()
            .filter(|c| c.is_published_on(on))
            .map(|c| (c.signed_on, c.effective_text().to_owned()))
            .collect();
        Ok(PublicView {
            id: id.display_masked(),
            name,
            as_of: on,
            records,
            lists,
            measures,
            commitments,
        })
    }

    /// The audit log after sequence number `after`, oldest first.
    ///
    /// # Errors
    ///
    /// A store failure, or a stored entry that cannot be read.
    pub fn audit_log(&self, after: u64) -> Result<Vec<(u64, AuditEntry)>, RegistryError> {
        let raw = self.read_tx("audit_log", None, |tx| Ok(tx.audit_since(after)?))?;
        raw.into_iter()
            .map(|(seq, value)| {
                let entry = serde_json::from_str(&value).map_err(|e| StoreError::Corrupt {
                    table: Table::Records,
                    key: format!("audit {seq}"),
                    problem: e.to_string(),
                })?;
                Ok((seq, entry))
            })
            .collect()
    }
}
