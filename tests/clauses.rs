//! Clause-driven cases: `tests/data/clauses.toml` holds one row per plan
//! clause that grants or sanctions something; this test builds each row's
//! situation, assesses it, and checks the measure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "data/fixtures.rs"]
mod fixtures;

use std::collections::BTreeSet;

use fixtures::*;
use serde::Deserialize;
use social_credit::assess::assess;
use social_credit::calendar::ChinaCalendar;
use social_credit::commitment::{Commitment, CommitmentId, CommitmentKind};
use social_credit::lists::{Domain, ListEntry, ListKind};
use social_credit::misconduct::Severity;
use social_credit::subject::Role;
use social_credit::Catalogue;

#[derive(Debug, Deserialize)]
struct Table {
    case: Vec<Row>,
}

#[derive(Debug, Deserialize)]
struct Row {
    clause: String,
    situation: String,
    measure: String,
    applies: bool,
    note: String,
    /// The clause of the rule that decides the case, where it is not the
    /// measure's own (e.g. the red list's exit, plan §6(5)).
    #[serde(default)]
    #[allow(dead_code)]
    rule: Option<String>,
}

fn situation(name: &str) -> Case {
    let severe_org = org(500);
    let person_linked = |role: Role, until| {
        let who = person(500);
        let mut case = Case::new(who.clone());
        case.records.push(severe(1, &severe_org, d(2020, 1, 15)));
        link(
            &mut case.roster,
            &severe_org,
            &who,
            role,
            d(2015, 1, 1),
            until,
        );
        case
    };
    let with_record = |conduct: &str, severity| {
        let mut case = Case::new(org(501));
        case.records.push(record(
            1,
            &case.subject,
            conduct,
            severity,
            d(2020, 1, 15),
            d(2020, 1, 16),
        ));
        case
    };
    match name {
        "committed_organization" => {
            let mut case = Case::new(org(502));
            case.commitments.push(Commitment {
                id: CommitmentId(1),
                subject: case.subject.id(),
                kind: CommitmentKind::Credit,
                text: "综合信用承诺".into(),
                signed_on: d(2020, 3, 1),
                published_on: None,
                fulfilled_on: None,
                withdrawn_on: None,
                corrected_text: None,
            });
            case
        }
        "exemplar_organization" => {
            let mut case = Case::new(org_since(503, d(2019, 1, 1)));
            case.lists.push(ListEntry::new(
                case.subject.id(),
                ListKind::RedList,
                d(2020, 1, 1),
            ));
            case
        }
        "exemplar_with_serious_record" => {
            // Red-listed 2020-01-01, a 较重 record made 2020-03-01 (plan §6(5)).
            let mut case = Case::new(org_since(506, d(2010, 1, 1)));
            case.lists.push(ListEntry::new(
                case.subject.id(),
                ListKind::RedList,
                d(2020, 1, 1),
            ));
            case.records.push(record(
                1,
                &case.subject,
                "repeat_penalties",
                Severity::Serious,
                d(2020, 3, 1),
                d(2020, 3, 1),
            ));
            case
        }
        "exemplar_on_blacklist" => {
            let mut case = Case::new(org_since(507, d(2010, 1, 1)));
            case.lists.push(ListEntry::new(
                case.subject.id(),
                ListKind::RedList,
                d(2020, 1, 1),
            ));
            case.lists.push(ListEntry::new(
                case.subject.id(),
                ListKind::BlackList {
                    domain: Domain::new("court_enforcement"),
                },
                d(2020, 2, 1),
            ));
            case
        }
        "severe_act_over_three_years_ago" => {
            // A severe act of 2017, never repaired: its sanctions stand, and
            // the clean-record path of plan §4(3) would open in 2020.
            let mut case = Case::new(org_since(508, d(2010, 1, 1)));
            case.records.push(severe(1, &case.subject, d(2017, 1, 2)));
            case
        }
        "clean_three_years_organization" => Case::new(org_since(504, d(2016, 1, 1))),
        "clean_three_years_person" => Case::new(person(504)),
        "young_organization" => Case::new(org_since(505, d(2018, 1, 1))),
        "minor_organization" => with_record("minor_breach", Severity::Minor),
        "general_organization" => with_record("warning", Severity::General),
        "serious_organization" => with_record("other_domain_breach", Severity::Serious),
        "severe_organization" => with_record("suspension_of_activities", Severity::Severe),
        "judgment_debtor_organization" => {
            with_record("dishonest_judgment_debtor", Severity::Severe)
        }
        "two_domain_blacklisted_organization" => {
            let mut case = Case::new(org(506));
            let id = case.subject.id();
            for domain in ["social_organizations", "court_enforcement"] {
                let list = ListKind::BlackList {
                    domain: Domain::new(domain),
                };
                case.lists
                    .push(ListEntry::new(id.clone(), list, d(2020, 2, 1)));
            }
            case
        }
        "legal_representative_of_severe_organization" => {
            person_linked(Role::LegalRepresentative, None)
        }
        "principal_officer_of_severe_organization" => person_linked(Role::PrincipalOfficer, None),
        "senior_manager_of_severe_organization" => person_linked(Role::SeniorManager, None),
        "former_legal_representative" => {
            person_linked(Role::LegalRepresentative, Some(d(2019, 12, 31)))
        }
        other => panic!("unknown situation `{other}`"),
    }
}

#[test]
fn every_clause_case_holds() {
    let table: Table = toml::from_str(include_str!("data/clauses.toml")).unwrap();
    let catalogue = Catalogue::xinzheng_2019();
    let cal = ChinaCalendar::official();
    let mut failures = Vec::new();
    for row in &table.case {
        let measure = catalogue
            .get(&row.measure)
            .unwrap_or_else(|| panic!("{}: `{}` is not in the catalogue", row.clause, row.measure));
        assert_eq!(
            measure.source, row.clause,
            "{}: the measure's source clause",
            row.measure
        );
        let case = situation(&row.situation);
        let a = assess(&case.dossier(), &rules(), &cal, d(2020, 6, 1)).unwrap();
        if a.applies(&row.measure) != row.applies {
            failures.push(format!(
                "{} {} in `{}`: expected applies = {} ({})",
                row.clause, row.measure, row.situation, row.applies, row.note
            ));
        }
        if let Some(applied) = a.measure(&row.measure) {
            assert!(!applied.grounds().is_empty());
            assert_eq!(applied.citation().source, row.clause);
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_measure_of_the_catalogue_has_a_case_where_it_applies() {
    let table: Table = toml::from_str(include_str!("data/clauses.toml")).unwrap();
    let covered: BTreeSet<&str> = table
        .case
        .iter()
        .filter(|r| r.applies)
        .map(|r| r.measure.as_str())
        .collect();
    let missing: Vec<&str> = Catalogue::xinzheng_2019()
        .measures()
        .iter()
        .map(|m| m.id.as_str())
        .filter(|id| !covered.contains(id))
        .collect();
    assert!(missing.is_empty(), "no clause case applies {missing:?}");
}
