//! Restoration after a correction that lowers a record's severity (plan
//! §6(3): "确认有误的予以撤销或者纠正"; "因错误实施联合惩戒措施损害有关主体合法权益的，
//! 有关科室应积极采取措施恢复其信誉、消除不良影响"), for the organization and for the
//! persons linked to it (plan §5(6)). `tests/data/restoration_clauses.toml`
//! holds one row per measure, citing its clause.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "data/fixtures.rs"]
mod fixtures;

use chrono::NaiveDate;
use fixtures::*;
use serde::Deserialize;
use social_credit::assess::{assess, restoration};
use social_credit::calendar::WeekendCalendar;
use social_credit::lists::{Domain, ListEntry, ListKind, ListingEvent};
use social_credit::misconduct::{
    MisconductRecord, RecordContent, RecordId, RecordStatus, Section, Severity, StatusChange,
};
use social_credit::objection::{ObjectionError, Outcome, RecordChange};
use social_credit::subject::{Role, Subject};
use social_credit::Citation;

#[derive(Debug, Deserialize)]
struct Table {
    case: Vec<Row>,
}

#[derive(Debug, Deserialize)]
struct Row {
    clause: String,
    situation: String,
    who: String,
    measure: String,
    listed: bool,
    note: String,
}

const MADE: (i32, u32, u32) = (2019, 8, 1);
const CORRECTED: (i32, u32, u32) = (2019, 10, 10);

fn made() -> NaiveDate {
    d(MADE.0, MADE.1, MADE.2)
}

fn corrected_on() -> NaiveDate {
    d(CORRECTED.0, CORRECTED.1, CORRECTED.2)
}

/// `r` corrected on an objection on 2019-10-10, to `severity` (or its
/// content alone, for `None`).
fn corrected(mut r: MisconductRecord, severity: Option<Severity>) -> MisconductRecord {
    r.corrected = Some(RecordContent {
        description: "corrected on objection".into(),
        legal_basis: "plan §6(3)".into(),
        evidence: vec![],
        fine: None,
    });
    r.corrected_severity = severity;
    r.history.push(StatusChange {
        on: corrected_on(),
        status: RecordStatus::Corrected,
        by: "办公室".into(),
        basis: Citation::new("objection.correct", "plan §6(3)"),
    });
    r
}

/// The organization's records in each situation: record 1 is the corrected
/// one.
fn records(situation: &str, org: &Subject) -> Vec<MisconductRecord> {
    let severe1 = || severe(1, org, made());
    match situation {
        "severe_corrected_to_general" => vec![corrected(severe1(), Some(Severity::General))],
        "severe_corrected_to_serious" => vec![corrected(severe1(), Some(Severity::Serious))],
        "severe_corrected_keeping_severity" => {
            vec![corrected(severe1(), Some(Severity::Severe))]
        }
        "severe_corrected_content_only" => vec![corrected(severe1(), None)],
        "severe_listed_corrected_to_general" | "severe_listed_abnormal_corrected_to_general" => {
            vec![corrected(severe1(), Some(Severity::General))]
        }
        // Listed on two records: a general one stays (support is by the
        // grading rule's record set, not by severity alone).
        "severe_listed_with_another_record_corrected_to_general" => vec![
            corrected(severe1(), Some(Severity::General)),
            record(2, org, "warning", Severity::General, made(), made()),
        ],
        "general_corrected_to_minor" => vec![corrected(
            record(1, org, "warning", Severity::General, made(), made()),
            Some(Severity::Minor),
        )],
        "severe_corrected_to_general_with_another_severe" => vec![
            corrected(severe1(), Some(Severity::General)),
            record(
                2,
                org,
                "dishonest_judgment_debtor",
                Severity::Severe,
                d(2019, 7, 1),
                d(2019, 7, 1),
            ),
        ],
        other => panic!("unknown situation `{other}`"),
    }
}

/// The dossier of `who` in `situation`: the organization's, or its legal
/// representative's (linked since 2015, plan §5(6)).
fn case(situation: &str, who: &str) -> Case {
    let org = org(600);
    let mut case = match who {
        "organization" => Case::new(org.clone()),
        "legal_representative" => {
            let rep = person(600);
            let mut case = Case::new(rep.clone());
            link(
                &mut case.roster,
                &org,
                &rep,
                Role::LegalRepresentative,
                d(2015, 1, 1),
                None,
            );
            case
        }
        other => panic!("unknown `who` {other}"),
    };
    case.records = records(situation, &org);
    // The listing the grading rule made with the record (MCA Order No. 60
    // (2018) art. 19: a severe record lists the organization on the serious
    // illegal-and-dishonest list; a general one, art. 14, on the
    // activity-abnormal list).
    let listed = |list: ListKind, records: Vec<RecordId>| {
        let mut entry = ListEntry::new(org.id(), list, made());
        entry.events = vec![ListingEvent {
            on: made(),
            rule: Some("serious.suspension".into()),
            records,
        }];
        entry
    };
    match situation {
        "severe_listed_corrected_to_general" => {
            case.lists.push(listed(serious_list(), vec![RecordId(1)]));
        }
        "severe_listed_with_another_record_corrected_to_general" => {
            case.lists
                .push(listed(serious_list(), vec![RecordId(1), RecordId(2)]));
        }
        "severe_listed_abnormal_corrected_to_general" => {
            case.lists
                .push(listed(ListKind::ActivityAbnormal, vec![RecordId(1)]));
        }
        _ => {}
    }
    case
}

fn serious_list() -> ListKind {
    ListKind::BlackList {
        domain: Domain::new("social_organizations"),
    }
}

#[test]
fn every_restoration_clause_case_holds() {
    let table: Table =
        toml::from_str(include_str!("data/restoration_clauses.toml")).expect("clause table");
    assert!(table.case.len() >= 15);
    for row in &table.case {
        assert!(row.clause.starts_with("plan §6(3)"), "{row:?}");
        let case = case(&row.situation, &row.who);
        assert!(
            rules().catalogue.get(&row.measure).is_some(),
            "{}",
            row.measure
        );
        let r = restoration(&case.dossier(), &rules(), &WeekendCalendar, RecordId(1)).unwrap();
        assert_eq!(r.change, RecordStatus::Corrected);
        assert_eq!(r.revoked_on, corrected_on());
        assert_eq!(r.owed_by, Section::SocialOrganizations, "有关科室");
        let found = r.measures.iter().find(|m| m.measure.id == row.measure);
        assert_eq!(
            found.is_some(),
            row.listed,
            "{} {} {} for {}: {}; listed: {:?}",
            row.clause,
            row.situation,
            row.measure,
            row.who,
            row.note,
            r.measures
                .iter()
                .map(|m| m.measure.id.as_str())
                .collect::<Vec<_>>()
        );
        if let Some(m) = found {
            // Every day from the record to the day before the correction.
            assert_eq!((m.from, m.until), (made(), d(2019, 10, 9)), "{row:?}");
        }
    }
}

#[test]
fn a_correction_that_keeps_the_severity_lists_nothing() {
    for situation in [
        "severe_corrected_keeping_severity",
        "severe_corrected_content_only",
    ] {
        for who in ["organization", "legal_representative"] {
            let case = case(situation, who);
            let r = restoration(&case.dossier(), &rules(), &WeekendCalendar, RecordId(1)).unwrap();
            assert!(r.measures.is_empty(), "{situation} {who}: {:?}", r.measures);
        }
    }
}

#[test]
fn a_corrected_record_is_graded_by_its_corrected_severity_from_the_correction_day() {
    let case_org = case("severe_corrected_to_general", "organization");
    let before = assess(
        &case_org.dossier(),
        &rules(),
        &WeekendCalendar,
        d(2019, 10, 9),
    )
    .unwrap();
    assert_eq!(before.worst_severity, Some(Severity::Severe));
    assert!(before.key_supervision.is_some());
    assert!(before.applies("sanction.no_fiscal_funding"));
    let on = assess(
        &case_org.dossier(),
        &rules(),
        &WeekendCalendar,
        corrected_on(),
    )
    .unwrap();
    assert_eq!(on.worst_severity, Some(Severity::General));
    assert!(on.key_supervision.is_none());
    assert!(!on.applies("sanction.no_fiscal_funding"));
    assert!(on.applies("sanction.industry_criticism"));

    // plan §5(6): the legal representative is reached by a severe record only.
    let case_rep = case("severe_corrected_to_general", "legal_representative");
    let before = assess(
        &case_rep.dossier(),
        &rules(),
        &WeekendCalendar,
        d(2019, 10, 9),
    )
    .unwrap();
    assert!(before.applies("sanction.personal_credit_record"));
    let on = assess(
        &case_rep.dossier(),
        &rules(),
        &WeekendCalendar,
        corrected_on(),
    )
    .unwrap();
    assert!(!on.applies("sanction.personal_credit_record"));
    assert_eq!(on.worst_severity, None);

    // The blacklisting it caused rests on it alone: it ends with the grade.
    let listed = case("severe_listed_corrected_to_general", "organization");
    let before = assess(
        &listed.dossier(),
        &rules(),
        &WeekendCalendar,
        d(2019, 10, 9),
    )
    .unwrap();
    assert_eq!(before.blacklists.len(), 1);
    let on = assess(
        &listed.dossier(),
        &rules(),
        &WeekendCalendar,
        corrected_on(),
    )
    .unwrap();
    assert!(on.blacklists.is_empty());
    assert_eq!(on.worst_severity, Some(Severity::General));

    let r = &case_org.records[0];
    assert_eq!(r.severity, Severity::Severe, "the graded severity is kept");
    assert_eq!(r.severity_on(d(2019, 10, 9)), Severity::Severe);
    assert_eq!(r.severity_on(corrected_on()), Severity::General);
    assert_eq!(r.effective_severity(), Severity::General);
}

#[test]
fn a_correction_carries_its_severity_from_the_outcome_to_the_record() {
    let outcome: Outcome = serde_json::from_value(serde_json::json!({
        "decision": "corrected",
        "corrected": {
            "description": "a fine of 5,000 yuan",
            "legal_basis": "MCA Order No. 60 (2018)",
            "evidence": []
        },
        "severity": "general",
        "reasons": "the fine was 5,000 yuan, not 50,000"
    }))
    .unwrap();
    assert!(matches!(
        outcome,
        Outcome::Corrected {
            severity: Some(Severity::General),
            ..
        }
    ));
    // Stored before the field: it loads, keeping the graded severity.
    let old: Outcome = serde_json::from_value(serde_json::json!({
        "decision": "corrected",
        "corrected": { "description": "x", "legal_basis": "y", "evidence": [] },
        "reasons": "z"
    }))
    .unwrap();
    assert!(matches!(old, Outcome::Corrected { severity: None, .. }));
    let org = org(601);
    let stored = serde_json::to_value(severe(1, &org, made())).unwrap();
    assert!(stored.get("corrected_severity").is_none());
    let loaded: MisconductRecord = serde_json::from_value(stored).unwrap();
    assert_eq!(loaded.corrected_severity, None);

    // The change applies it beside the graded severity.
    let change = RecordChange {
        objection: social_credit::objection::ObjectionId(1),
        record: RecordId(1),
        change: StatusChange {
            on: corrected_on(),
            status: RecordStatus::Corrected,
            by: "office".into(),
            basis: Citation::new("objection.correct", "plan §6(3)"),
        },
        corrected: Some(RecordContent {
            description: "a fine of 5,000 yuan".into(),
            legal_basis: "MCA Order No. 60 (2018)".into(),
            evidence: vec![],
            fine: None,
        }),
        corrected_severity: Some(Severity::General),
    };
    let mut r = severe(1, &org, made());
    change.apply_to(&mut r).unwrap();
    assert_eq!(r.severity, Severity::Severe);
    assert_eq!(r.corrected_severity, Some(Severity::General));
    assert_eq!(r.effective_severity(), Severity::General);

    // Repaired later, it cannot be corrected a second time: the first
    // correction's severity would be lost. The record is unchanged.
    r.history.push(StatusChange {
        on: d(2020, 3, 1),
        status: RecordStatus::Repaired,
        by: "office".into(),
        basis: Citation::new("repair", "plan §6(7)"),
    });
    let before = r.clone();
    let mut again = change.clone();
    again.change.on = d(2020, 4, 1);
    again.corrected_severity = Some(Severity::Minor);
    assert!(matches!(
        again.apply_to(&mut r),
        Err(ObjectionError::RecordUnchangeable { .. })
    ));
    assert_eq!(r, before);
}
