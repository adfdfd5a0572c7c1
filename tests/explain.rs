//! Issue 21 point 2: an owned, serializable explanation of an assessment
//! that leaves the closure: every measure with its clause and grounds, what
//! would change it and when, and no personal data.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "data/fixtures.rs"]
mod fixtures;

use fixtures::*;
use social_credit::assess::assess;
use social_credit::calendar::WeekendCalendar;
use social_credit::explain::{AssessmentReport, ChangeReport, GroundReport};
use social_credit::misconduct::{RecordContent, RecordId, Severity};
use social_credit::repair::{PenaltyDecision, PenaltyDomain, PenaltyKind};
use social_credit::subject::Role;

#[test]
fn a_report_names_each_measure_its_grounds_and_when_they_change() {
    let mut case = Case::new(org(1));
    let mut r = record(
        1,
        &case.subject,
        "fine_under_50000",
        Severity::General,
        d(2025, 1, 2),
        d(2025, 1, 10),
    );
    r.decision = Some(PenaltyDecision::new(
        d(2025, 1, 10),
        PenaltyDomain::Other,
        vec![PenaltyKind::Fine],
    ));
    case.records.push(r);
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2025, 2, 1)).unwrap();
    let report = AssessmentReport::new(&a);

    assert_eq!(report.worst_severity, Some(Severity::General));
    assert_eq!(report.as_of, d(2025, 2, 1));
    assert!(!report.person);
    // The same measures as the assessment, in the same order, each with its
    // clause, its grounds and its records.
    let ids: Vec<&str> = a.measures().map(|m| m.measure().id.as_str()).collect();
    assert_eq!(
        report
            .measures
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>(),
        ids
    );
    assert!(!report.measures.is_empty());
    for (m, applied) in report.measures.iter().zip(a.measures()) {
        assert_eq!(m.citation, applied.citation());
        assert_eq!(m.grounds.len(), applied.grounds().len());
        assert_eq!(m.records, applied.records().collect::<Vec<_>>());
    }
    let sanction = report
        .measures
        .iter()
        .find(|m| m.records == [RecordId(1)])
        .expect("a measure grounded on the record");
    assert!(matches!(
        &sanction.grounds[0],
        GroundReport::Record { record: RecordId(1), severity: Severity::General, basis, .. }
            if basis.rule == "test.rule"
    ));
    // NDRC Order No. 58: the window opens three months after the decision;
    // publication ends the day after the last published day.
    assert_eq!(sanction.outlook[0].on, d(2025, 4, 11));
    assert_eq!(
        sanction.outlook[0].change,
        ChangeReport::RepairWindowOpens {
            record: RecordId(1)
        }
    );
    let window = &report.repair_windows[0];
    assert_eq!(window.earliest_application, Some(d(2025, 4, 11)));
    assert_eq!(window.last_published_day, Some(d(2028, 1, 10)));
    assert!(sanction.outlook.iter().any(|o| o.on == d(2028, 1, 11)
        && o.change
            == ChangeReport::PublicationEnds {
                record: RecordId(1)
            }));
    let next = report.next_change.as_ref().unwrap();
    assert_eq!(next.on, d(2025, 4, 11));

    // It leaves the closure: returned, serialized, read back.
    let json = serde_json::to_string(&report).unwrap();
    assert_eq!(
        serde_json::from_str::<AssessmentReport>(&json).unwrap(),
        report
    );
}

#[test]
fn a_report_about_a_person_holds_no_personal_data() {
    let organization = org(2);
    let who = person(7);
    let mut case = Case::new(who.clone());
    let mut r = severe(3, &organization, d(2019, 8, 1));
    r.content = Some(RecordContent {
        description: "张7 collected fees twice".into(),
        legal_basis: "art. 30".into(),
        evidence: vec!["张7's receipt".into()],
        fine: None,
    });
    case.records.push(r);
    link(
        &mut case.roster,
        &organization,
        &who,
        Role::LegalRepresentative,
        d(2017, 1, 1),
        None,
    );
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2019, 9, 1)).unwrap();
    let report = AssessmentReport::new(&a);
    assert!(report.person);
    assert_eq!(report.worst_severity, Some(Severity::Severe));
    assert!(report.measures.iter().any(|m| m
        .grounds
        .iter()
        .any(|g| matches!(g, GroundReport::Organization { record: RecordId(3), role: Role::LegalRepresentative, organization, .. } if *organization == uscc_of(&organization_subject()).to_string()))));
    let json = serde_json::to_string(&report).unwrap();
    let number = resident_of(&who).to_string();
    assert!(!json.contains(&number), "{json}");
    assert!(!json.contains(&number[6..14]), "birth date: {json}");
    assert!(!json.contains("张7"), "{json}");
    assert!(!format!("{report:?}").contains(&number));
}

fn organization_subject() -> social_credit::Subject {
    org(2)
}
