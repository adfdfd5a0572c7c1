//! Issue 21 point 5: an import takes the recording day per row, records
//! all or nothing, and an error names the row (from 1) and the field.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::registry::{ImportRow, NewRecord, Registry, RegistryError};
use social_credit::store::{dump, MemoryStore};
use social_credit::subject::check::{org_code_check, uscc_check};
use social_credit::{Actor, Organization, OrganizationKind, Section, Subject, SubjectId, Uscc};

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

fn uscc(n: u32) -> Uscc {
    let body = format!("{n:08}");
    let org_check = org_code_check(body.as_bytes()).unwrap() as char;
    let first17 = format!("51410184{body}{org_check}");
    let check = uscc_check(first17.as_bytes()).unwrap() as char;
    format!("{first17}{check}").parse().unwrap()
}

fn section() -> Actor {
    Actor::section(Section::SocialOrganizations)
}

fn finding(subject: &SubjectId, conduct: &str, fine: Option<i64>, on: NaiveDate) -> NewRecord {
    NewRecord {
        subject: subject.clone(),
        conduct: ConductKind::new(conduct),
        section: Section::SocialOrganizations,
        occurred_on: on,
        ended_on: Some(on),
        content: RecordContent {
            description: "finding".into(),
            legal_basis: "art. 30".into(),
            evidence: vec![],
            fine: fine.map(Decimal::from),
        },
        decision: None,
    }
}

/// A registry with organizations 1..=n registered on 2019-01-07.
fn registry(n: u32) -> (Registry<MemoryStore>, Vec<SubjectId>) {
    let r = Registry::official(MemoryStore::new());
    let ids = (1..=n)
        .map(|k| {
            r.register_subject(
                Subject::Organization(Organization {
                    uscc: uscc(k),
                    name: format!("协会{k}"),
                    kind: OrganizationKind::SocialAssociation,
                    established_on: Some(d(2010, 1, 1)),
                }),
                &section(),
                d(2019, 1, 7),
            )
            .unwrap();
            SubjectId::from(uscc(k))
        })
        .collect();
    (r, ids)
}

#[test]
fn each_row_is_recorded_on_its_day_in_day_order() {
    let (r, ids) = registry(2);
    // A file not sorted by day: the June row of subject 1 comes first.
    let rows = vec![
        ImportRow::new(
            finding(&ids[0], "warning", None, d(2019, 6, 3)),
            d(2019, 6, 5),
        ),
        ImportRow::new(
            finding(&ids[1], "warning", None, d(2019, 3, 1)),
            d(2019, 3, 4),
        ),
        ImportRow::new(
            finding(&ids[0], "warning", None, d(2019, 3, 1)),
            d(2019, 3, 4),
        ),
        ImportRow::new(
            finding(&ids[0], "warning", None, d(2019, 4, 1)),
            d(2019, 4, 2),
        ),
    ];
    let recorded = r.import_records(rows.clone(), &section()).unwrap();
    assert_eq!(recorded.len(), 4);
    let got: Vec<_> = recorded.iter().map(|rec| rec.id).collect();
    for (row, (id, returned)) in rows.iter().zip(got.iter().zip(&recorded)) {
        let record = r.record(*id).unwrap();
        // What came back is what was saved.
        assert_eq!(&record, &returned.record);
        assert_eq!(record.recorded_on, row.recorded_on, "row of {id}");
        assert_eq!(record.occurred_on, row.record.occurred_on);
        assert_eq!(record.subject, row.record.subject);
    }
    // Recorded in the order of the days, the day's rows in file order: the
    // ids follow the days, and the file's first row was recorded last.
    assert!(got[1] < got[2] && got[2] < got[3] && got[3] < got[0]);
    // The audit log dates each recording by its row's day.
    let days: Vec<NaiveDate> = r
        .audit_log(0)
        .unwrap()
        .into_iter()
        .filter(|(_, e)| e.action == social_credit::audit::AuditAction::Recorded)
        .map(|(_, e)| e.on)
        .collect();
    assert_eq!(
        days,
        vec![d(2019, 3, 4), d(2019, 3, 4), d(2019, 4, 2), d(2019, 6, 5)]
    );
}

#[test]
fn a_row_is_graded_with_the_earlier_rows_of_its_subject() {
    // Graded row by row as single calls on the same days would grade them.
    let (one_by_one, ids) = registry(1);
    let days = [d(2019, 3, 4), d(2019, 5, 6), d(2019, 9, 2)];
    let rows: Vec<ImportRow> = days
        .iter()
        .map(|&day| ImportRow::new(finding(&ids[0], "fine", Some(80_000), day), day))
        .collect();
    let singly: Vec<_> = rows
        .iter()
        .map(|row| {
            let rec = one_by_one
                .record_misconduct(row.record.clone(), &section(), row.recorded_on)
                .unwrap()
                .into_record();
            (rec.severity, rec.graded_by)
        })
        .collect();
    let (imported, _) = registry(1);
    let mut reversed = rows.clone();
    reversed.reverse();
    let got: Vec<_> = imported
        .import_records(reversed, &section())
        .unwrap()
        .into_iter()
        .map(|rec| rec.id)
        .collect();
    let mut graded: Vec<_> = got
        .iter()
        .map(|id| {
            let rec = imported.record(*id).unwrap();
            (rec.severity, rec.graded_by)
        })
        .collect();
    graded.reverse();
    assert_eq!(graded, singly);
    assert_eq!(
        imported.list_entries(&ids[0]).unwrap(),
        one_by_one.list_entries(&ids[0]).unwrap()
    );
}

/// Imports `rows` and expects the error to name `row` and `field`, with
/// nothing stored.
fn refused(r: &Registry<MemoryStore>, rows: Vec<ImportRow>, row: usize, field: &str) {
    let before = dump(r.store()).unwrap();
    match r.import_records(rows, &section()) {
        Err(RegistryError::ImportRow {
            row: got_row,
            field: got_field,
            source,
        }) => {
            assert_eq!((got_row, got_field), (row, field), "{source}");
            let message = RegistryError::ImportRow {
                row: got_row,
                field: got_field,
                source,
            }
            .to_string();
            assert!(
                message.starts_with(&format!("row {row}, field `{field}`: ")),
                "{message}"
            );
        }
        other => panic!("expected row {row}, field {field}: {other:?}"),
    }
    assert!(
        dump(r.store()).unwrap() == before,
        "an import refused changed the store"
    );
}

#[test]
fn an_error_names_the_row_and_the_field_and_nothing_is_stored() {
    let (r, ids) = registry(2);
    let good = |k: usize| {
        ImportRow::new(
            finding(&ids[k % 2], "warning", None, d(2019, 3, 1)),
            d(2019, 3, 4),
        )
    };
    let with = |row: ImportRow, at: usize| {
        let mut rows: Vec<ImportRow> = (0..5).map(good).collect();
        rows[at] = row;
        rows
    };
    // Found before anything is recorded.
    let mut late = good(0);
    late.record.occurred_on = d(2019, 3, 9);
    late.record.ended_on = None;
    refused(&r, with(late, 2), 3, "occurred_on");
    let mut ended = good(0);
    ended.record.ended_on = Some(d(2019, 2, 1));
    refused(&r, with(ended, 4), 5, "ended_on");
    let mut negative = good(1);
    negative.record.content.fine = Some(Decimal::from(-5));
    refused(&r, with(negative, 0), 1, "content.fine");
    refused(
        &r,
        with(
            ImportRow::new(
                finding(&ids[0], "warning", None, d(2019, 3, 1)),
                d(9999, 1, 1),
            ),
            1,
        ),
        2,
        "recorded_on",
    );
    // A row of another section is refused as every operation is.
    let mut other_section = good(0);
    other_section.record.section = Section::SocialAffairs;
    let before = dump(r.store()).unwrap();
    assert!(matches!(
        r.import_records(with(other_section, 3), &section()),
        Err(RegistryError::Forbidden { .. })
    ));
    assert!(dump(r.store()).unwrap() == before);
    // Found while recording, after earlier rows were recorded in the
    // transaction: those are rolled back.
    refused(
        &r,
        with(
            ImportRow::new(
                finding(&SubjectId::from(uscc(77)), "warning", None, d(2019, 3, 1)),
                d(2019, 3, 4),
            ),
            3,
        ),
        4,
        "subject",
    );
    refused(
        &r,
        with(
            ImportRow::new(
                finding(&ids[0], "no_such_conduct", None, d(2019, 3, 1)),
                d(2019, 3, 4),
            ),
            4,
        ),
        5,
        "conduct",
    );
    // And the same rows, corrected, go in.
    assert_eq!(
        r.import_records((0..5).map(good).collect(), &section())
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn an_empty_import_records_nothing() {
    let (r, _) = registry(1);
    let before = dump(r.store()).unwrap();
    assert!(r.import_records(Vec::new(), &section()).unwrap().is_empty());
    assert!(dump(r.store()).unwrap() == before);
}

#[test]
fn a_row_reads_from_json_with_its_day_beside_the_finding() {
    let (_, ids) = registry(1);
    let row = ImportRow::new(
        finding(&ids[0], "warning", None, d(2019, 3, 1)),
        d(2019, 3, 4),
    );
    let json = serde_json::to_value(&row).unwrap();
    assert_eq!(json["recorded_on"], "2019-03-04");
    assert_eq!(json["conduct"], "warning");
    let back: ImportRow = social_credit::subject::with_whole_identifiers(|| {
        serde_json::from_value(serde_json::to_value(&row).unwrap()).unwrap()
    });
    assert_eq!(back, row);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Rows on random days, some recorded before their conduct: either every
    /// row is recorded on its own day, or the first such row (from 1) is
    /// named with `occurred_on` and nothing is stored.
    #[test]
    fn rows_go_in_on_their_days_or_not_at_all(
        rows in prop::collection::vec((0u64..300, 0u64..40, 0usize..3, any::<bool>()), 0..12)
    ) {
        let (r, ids) = registry(3);
        let start = d(2019, 2, 1);
        let rows: Vec<ImportRow> = rows
            .iter()
            .map(|&(day, back, subject, early)| {
                let recorded = start + Days::new(day);
                let occurred = if early { recorded + Days::new(back + 1) } else { recorded - Days::new(back) };
                let mut new = finding(&ids[subject], "warning", None, occurred);
                new.ended_on = None;
                ImportRow::new(new, recorded)
            })
            .collect();
        let first_bad = rows.iter().position(|r| r.record.occurred_on > r.recorded_on);
        let before = dump(r.store()).unwrap();
        match (r.import_records(rows.clone(), &section()), first_bad) {
            (Ok(recorded), None) => {
                let got: Vec<_> = recorded.iter().map(|rec| rec.id).collect();
                prop_assert_eq!(got.len(), rows.len());
                for (row, id) in rows.iter().zip(&got) {
                    prop_assert_eq!(r.record(*id).unwrap().recorded_on, row.recorded_on);
                }
                // Ids follow the days (a stable order of the rows by day).
                let mut by_day: Vec<usize> = (0..rows.len()).collect();
                by_day.sort_by_key(|&i| rows[i].recorded_on);
                let in_order: Vec<_> = by_day.iter().map(|&i| got[i]).collect();
                let mut sorted = in_order.clone();
                sorted.sort();
                prop_assert_eq!(in_order, sorted);
            }
            (Err(RegistryError::ImportRow { row, field, .. }), Some(bad)) => {
                prop_assert_eq!(row, bad + 1);
                prop_assert_eq!(field, "occurred_on");
                prop_assert!(dump(r.store()).unwrap() == before);
            }
            (other, bad) => prop_assert!(false, "{:?} with first bad row {:?}", other, bad),
        }
    }
}
