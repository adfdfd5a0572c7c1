//! Imports: the findings of a file, each on its own recording day, in one
//! transaction (issue 21 point 5).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::calendar::WorkCalendar;
use crate::permission::{Operation, Target};
use crate::store::Store;
use crate::subject::SubjectId;

use super::records::{check_new, Recorded, SubjectState};
use super::*;

/// One row of an import: a finding and the day it is recorded (the day
/// its grading and periods count from, as `on` of
/// [`Registry::record_misconduct`]). In JSON the finding's fields and
/// `recorded_on` sit side by side, as the columns of one line of a file.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::registry::{ImportRow, NewRecord};
///
/// let json = r#"{
///     "recorded_on": "2019-03-04",
///     "subject": {"organization": "91350100M000100Y43"},
///     "conduct": "warning",
///     "section": "social_organizations",
///     "occurred_on": "2019-03-01",
///     "content": {"description": "late report", "legal_basis": "art. 30",
///                 "evidence": [], "fine": null}
/// }"#;
/// let row: ImportRow = serde_json::from_str(json)?;
/// assert_eq!(row.recorded_on, NaiveDate::from_ymd_opt(2019, 3, 4).unwrap());
/// assert_eq!(row.record.conduct.to_string(), "warning");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The day the finding is recorded.
    pub recorded_on: NaiveDate,
    /// The finding.
    #[serde(flatten)]
    pub record: NewRecord,
}

impl ImportRow {
    /// The finding `record`, recorded on `recorded_on`.
    pub fn new(record: NewRecord, recorded_on: NaiveDate) -> Self {
        Self {
            recorded_on,
            record,
        }
    }

    /// Findings all recorded on one day, as rows in their order.
    pub fn same_day(records: impl IntoIterator<Item = NewRecord>, on: NaiveDate) -> Vec<Self> {
        records.into_iter().map(|r| Self::new(r, on)).collect()
    }
}

/// The field of an import row that `error`, met while recording it, is
/// about; `None` for a store failure, which is about no row.
fn field_of(error: &RegistryError) -> Option<&'static str> {
    Some(match error {
        RegistryError::Store(_) => return None,
        RegistryError::NotFound { .. } | RegistryError::WrongSubjectKind { .. } => "subject",
        // No policy in force on the day, or none that grades the finding.
        RegistryError::Policy(_) => "recorded_on",
        RegistryError::Ungraded { .. } => "conduct",
        _ => "record",
    })
}

/// `error` met on row `index` (from 0) of an import, naming the row and
/// field; a store failure is returned as it is.
fn at_row(index: usize, field: Option<&'static str>, error: RegistryError) -> RegistryError {
    match field.or_else(|| field_of(&error)) {
        Some(field) => RegistryError::ImportRow {
            row: index.saturating_add(1),
            field,
            source: Box::new(error),
        },
        None => error,
    }
}

impl<S: Store, C: WorkCalendar> Registry<S, C> {
    /// Records the findings of a file, each on its own recording day, in
    /// one transaction: all or none. Each row is graded as
    /// [`Registry::record_misconduct`] grades it on its day, by the policy in
    /// force that day and counting the subject's earlier findings, those of
    /// earlier rows included. Rows are recorded in the order of their days
    /// (rows of one day in the order given), so a file need not be sorted.
    ///
    /// Each row comes back, in the order of the rows, as a [`Recorded`]:
    /// the record and the listing event it caused, if any (issue 21
    /// point 8), from the import's own transaction. Rows that list one
    /// subject on one list name the same entry; each names its own event.
    ///
    /// # Errors
    ///
    /// [`RegistryError::ImportRow`] naming the first row at fault (counted
    /// from 1 in the order given) and its field, with the error
    /// [`Registry::record_misconduct`] gives: every row is checked for
    /// dates and fines before anything is recorded.
    /// [`RegistryError::Forbidden`] when the permission table does not let
    /// `actor` import a row's section (checked for every row first, as
    /// for any operation), and a store failure, are returned as they are.
    /// Nothing is stored on an error.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    /// use social_credit::misconduct::{ConductKind, RecordContent, Section};
    /// use social_credit::registry::{ImportRow, NewRecord, Registry, RegistryError};
    /// use social_credit::store::MemoryStore;
    /// use social_credit::{Actor, Organization, OrganizationKind, Subject, SubjectId, Uscc};
    ///
    /// let registry = Registry::official(MemoryStore::new());
    /// let section = Actor::section(Section::SocialOrganizations);
    /// let d = |m, day| NaiveDate::from_ymd_opt(2019, m, day).unwrap();
    /// let uscc: Uscc = "91350100M000100Y43".parse()?;
    /// registry.register_subject(Subject::Organization(Organization {
    ///     uscc: uscc.clone(), name: "协会".into(),
    ///     kind: OrganizationKind::SocialAssociation, established_on: None,
    /// }), &section, d(1, 7))?;
    /// let finding = |day| NewRecord {
    ///     subject: SubjectId::from(uscc.clone()),
    ///     conduct: ConductKind::new("warning"),
    ///     section: Section::SocialOrganizations,
    ///     occurred_on: day,
    ///     ended_on: None,
    ///     content: RecordContent { description: "late report".into(),
    ///         legal_basis: "art. 30".into(), evidence: vec![], fine: None },
    ///     decision: None,
    /// };
    /// // The second row is recorded before its conduct: the import names it.
    /// let rows = vec![
    ///     ImportRow::new(finding(d(3, 1)), d(3, 4)),
    ///     ImportRow::new(finding(d(5, 9)), d(5, 6)),
    /// ];
    /// match registry.import_records(rows.clone(), &section) {
    ///     Err(RegistryError::ImportRow { row: 2, field: "occurred_on", .. }) => {}
    ///     other => panic!("{other:?}"),
    /// }
    /// assert!(registry.list_entries(&uscc.clone().into())?.is_empty());
    /// let fixed = vec![rows[0].clone(), ImportRow::new(finding(d(5, 6)), d(5, 9))];
    /// let recorded = registry.import_records(fixed, &section)?;
    /// assert_eq!(recorded.len(), 2);
    /// assert_eq!(recorded[1].recorded_on, d(5, 9));
    /// // The first warning lists the association as activity-abnormal; the
    /// // second, graded counting the first, as seriously dishonest (two
    /// // penalties in three years), a new entry on that list.
    /// let listing = recorded[1].listing.as_ref().ok_or("a warning lists")?;
    /// assert_eq!(listing.basis.rule, "serious.repeat_penalties");
    /// assert_eq!(listing.restarted, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn import_records(
        &self,
        rows: Vec<ImportRow>,
        actor: &Actor,
    ) -> Result<Vec<Recorded>, RegistryError> {
        // Every row is checked before any is recorded: all or none.
        for (index, row) in rows.iter().enumerate() {
            check_new(&row.record, row.recorded_on)
                .map_err(|(field, e)| at_row(index, Some(field), e))?;
            // A refusal is `Forbidden`, as for every operation (a service
            // answers it as such); its reason names the row's section.
            self.authorize(
                actor,
                Operation::ImportRecords,
                Target::section(row.record.section),
            )?;
        }
        // In the order of the days, a day's rows in the order given.
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by_key(|&i| rows.get(i).map(|r| r.recorded_on));
        let setup = self.setup();
        self.write_tx("import_records", None, |tx| {
            let by = &actor_name(tx, actor)?;
            // Each subject's records and list entries are read once and kept
            // up to date here, so a bulk import costs the same per record as
            // one finding, whatever the batch size.
            let mut states: std::collections::HashMap<SubjectId, SubjectState> =
                std::collections::HashMap::new();
            let mut done: Vec<Option<Recorded>> = vec![None; rows.len()];
            for &index in &order {
                let Some(row) = rows.get(index) else {
                    continue;
                };
                let subject = &row.record.subject;
                let state = match states.entry(subject.clone()) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => e.insert(
                        SubjectState::load(tx, subject).map_err(|e| at_row(index, None, e))?,
                    ),
                };
                let record = self
                    .record_in(
                        &setup,
                        tx,
                        state,
                        row.record.clone(),
                        None,
                        by,
                        row.recorded_on,
                    )
                    .map_err(|e| at_row(index, None, e))?;
                if let Some(slot) = done.get_mut(index) {
                    *slot = Some(record);
                }
            }
            for state in states.values_mut() {
                state.flush(tx)?;
            }
            // INVARIANT: `order` is a permutation of the row indexes, so
            // every slot was filled above.
            Ok(done.into_iter().flatten().collect())
        })
    }
}
