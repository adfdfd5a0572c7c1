//! Clause table for issue 15, points 2-11: `tests/data/list_clauses.toml`
//! holds one row per case (the point, the article as the code cites it, a
//! situation, the day asked, the expected outcome); this file builds each
//! situation and runs every row. An unknown situation fails the test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::registry::who;

#[path = "data/fixtures.rs"]
mod fixtures;

use chrono::NaiveDate;
use fixtures::*;
use rust_decimal::Decimal;
use serde::Deserialize;
use social_credit::calendar::ChinaCalendar;
use social_credit::grading::{
    Facts, Finding, GradingPolicy, PolicyData, PolicyError, PolicySet, SubjectKind,
};
use social_credit::lists::{ListEntry, ListKind, ListingEvent, Obligations, Standing};
use social_credit::misconduct::{ConductKind, RecordContent, Section, Severity};
use social_credit::registry::{NewRecord, Registry, RegistryError};
use social_credit::repair::{PenaltyDecision, PenaltyDomain, PenaltyKind};
use social_credit::store::MemoryStore;
use social_credit::subject::Subject;
use social_credit::SubjectId;

#[derive(Debug, Deserialize)]
struct Table {
    case: Vec<Row>,
}

/// One row. Only the outcome fields a row gives are checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    point: u32,
    article: String,
    situation: String,
    asked: NaiveDate,
    note: String,
    // Outcome.
    eligible: Option<bool>,
    exit_on: Option<NaiveDate>,
    off_on: Option<NaiveDate>,
    listed: Option<bool>,
    overdue: Option<bool>,
    overdue_due: Option<NaiveDate>,
    working_days_late: Option<u32>,
    escalated: Option<bool>,
    severity: Option<String>,
    rule: Option<String>,
    basis: Option<String>,
    lists: Option<Vec<String>>,
    blacklisted: Option<bool>,
    refused: Option<bool>,
    source: Option<String>,
}

/// What a situation yields on the day asked; `None` where it does not apply.
#[derive(Debug, Default)]
struct Outcome {
    eligible: Option<bool>,
    exit_on: Option<NaiveDate>,
    off_on: Option<NaiveDate>,
    listed: Option<bool>,
    overdue: Option<bool>,
    overdue_due: Option<NaiveDate>,
    working_days_late: Option<u32>,
    escalated: Option<bool>,
    severity: Option<String>,
    rule: Option<String>,
    basis: Option<String>,
    lists: Option<Vec<String>>,
    blacklisted: Option<bool>,
    refused: Option<bool>,
    /// The sources of every citation the decision produced.
    sources: Vec<String>,
}

fn severity(s: Severity) -> String {
    serde_json::to_value(s)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

fn list_name(k: &ListKind) -> String {
    match k {
        ListKind::RedList => "red".into(),
        ListKind::ActivityAbnormal => "activity_abnormal".into(),
        ListKind::BlackList { domain } if domain.as_str() == "social_organizations" => {
            "serious".into()
        }
        other => format!("{other:?}"),
    }
}

fn serious_list() -> ListKind {
    ListKind::BlackList {
        domain: social_credit::lists::Domain::new("social_organizations"),
    }
}

fn event(on: NaiveDate, rule: &str) -> ListingEvent {
    ListingEvent {
        on,
        rule: Some(rule.into()),
        records: Vec::new(),
    }
}

fn registered(r: &Registry<MemoryStore>, subject: Subject) -> SubjectId {
    let id = subject.id();
    r.register_subject(subject, &who::clerk(), d(2019, 1, 2))
        .unwrap();
    id
}

fn finding(subject: &SubjectId, conduct: &str, on: NaiveDate, fine: Option<i64>) -> NewRecord {
    NewRecord {
        subject: subject.clone(),
        conduct: ConductKind::new(conduct),
        section: Section::SocialOrganizations,
        occurred_on: on,
        ended_on: Some(on),
        content: RecordContent {
            description: "test".into(),
            legal_basis: "MCA Order No. 60 (2018)".into(),
            evidence: vec![],
            fine: fine.map(Decimal::from),
        },
        decision: None,
    }
}

// ---- point 2 ----------------------------------------------------------------

fn serious_exit(abnormal_event: Option<NaiveDate>, asked: NaiveDate) -> Outcome {
    let lc = GradingPolicy::civil_affairs_mca_2018().lifecycle().unwrap();
    let id = org(200).id();
    let mut serious = ListEntry::new(id.clone(), serious_list(), d(2019, 3, 1));
    serious.events = vec![event(d(2019, 3, 1), "serious.large_fine")];
    let others: Vec<ListEntry> = abnormal_event
        .map(|on| {
            let mut a = ListEntry::new(id, ListKind::ActivityAbnormal, on);
            a.events = vec![event(on, "abnormal.warning")];
            a
        })
        .into_iter()
        .collect();
    let e = lc
        .exit_eligibility_among(&serious, &others, asked, &ChinaCalendar::official())
        .unwrap();
    Outcome {
        eligible: Some(e.eligible),
        exit_on: e.exit_on,
        sources: vec![e.basis.source.to_string()],
        ..Outcome::default()
    }
}

// ---- point 3 ----------------------------------------------------------------

fn abnormal_removal(verified: NaiveDate, removed: Option<NaiveDate>, asked: NaiveDate) -> Outcome {
    let cal = ChinaCalendar::official();
    let lc = GradingPolicy::civil_affairs_mca_2018().lifecycle().unwrap();
    let mut e = ListEntry::new(org(300).id(), ListKind::ActivityAbnormal, d(2019, 7, 1));
    e.events = vec![event(d(2019, 7, 1), "abnormal.annual_report_late")];
    e.applied_on = Some(verified.pred_opt().unwrap());
    e.obligations = Obligations::Fulfilled {
        verified_on: verified,
    };
    e.removed_on = removed;
    let standing = lc.standing(&e, asked, &cal).unwrap();
    let overdue = lc.overdue_removal(&e, asked, &cal).unwrap();
    let mut out = Outcome {
        overdue: Some(overdue.is_some()),
        overdue_due: overdue.as_ref().map(|o| o.due),
        working_days_late: overdue.as_ref().map(|o| o.working_days_late),
        listed: Some(matches!(standing, Standing::Listed { .. })),
        ..Outcome::default()
    };
    if let Some(o) = overdue {
        out.sources.push(o.basis.source.to_string());
    }
    if let Standing::Exited { on, basis } = standing {
        out.off_on = Some(on);
        out.sources.push(basis.source.to_string());
    }
    out
}

// ---- points 4, 5, 6, 7, 10, 11: through the registry ---------------------

fn escalation(asked: NaiveDate) -> Outcome {
    let r = Registry::official(MemoryStore::new());
    let id = registered(&r, org(400));
    for year in 2019..=2021 {
        let on = d(year, 7, 1);
        if on <= asked {
            r.record_misconduct(
                finding(&id, "annual_report_late", on, None),
                &who::section(),
                on,
            )
            .unwrap();
        }
    }
    let sweep = r.daily_sweep(&who::system(), asked).unwrap();
    Outcome {
        escalated: Some(!sweep.listed.is_empty()),
        rule: sweep.listed.first().map(|l| l.1.rule.to_string()),
        sources: sweep
            .listed
            .iter()
            .map(|l| l.1.source.to_string())
            .collect(),
        ..Outcome::default()
    }
}

fn repeat_warning(decided: NaiveDate, asked: NaiveDate) -> Outcome {
    let r = Registry::official(MemoryStore::new());
    let id = registered(&r, org(500));
    let conduct = decided.pred_opt().unwrap();
    let mut earlier = finding(&id, "warning", conduct, None);
    earlier.decision = Some(PenaltyDecision::new(
        decided,
        PenaltyDomain::Other,
        vec![PenaltyKind::Warning],
    ));
    // Recorded late, within three years of the second warning.
    r.record_misconduct(earlier, &who::section(), d(2021, 4, 1))
        .unwrap();
    record(&r, &id, finding(&id, "warning", asked, None), asked)
}

/// Records `new` on `on`, and reads the grade, the public view and the
/// assessment on the same day.
fn record(r: &Registry<MemoryStore>, id: &SubjectId, new: NewRecord, on: NaiveDate) -> Outcome {
    let mut out = match r.record_misconduct(new, &who::section(), on) {
        Ok(rec) => Outcome {
            refused: Some(false),
            severity: Some(severity(rec.severity)),
            rule: Some(rec.graded_by.rule.to_string()),
            sources: vec![rec.graded_by.source.to_string()],
            ..Outcome::default()
        },
        Err(RegistryError::Ungraded { .. }) => Outcome {
            refused: Some(true),
            ..Outcome::default()
        },
        Err(e) => panic!("unexpected refusal: {e}"),
    };
    out.lists = Some(
        r.public_view(id, on)
            .unwrap()
            .lists
            .iter()
            .map(list_name)
            .collect(),
    );
    out
}

fn organization_finding(conduct: &str, fine: Option<i64>, asked: NaiveDate) -> Outcome {
    let r = Registry::official(MemoryStore::new());
    let id = registered(&r, org(600));
    record(&r, &id, finding(&id, conduct, asked, fine), asked)
}

fn person_fine(asked: NaiveDate) -> Outcome {
    let r = Registry::official(MemoryStore::new());
    let id = registered(&r, person(700));
    record(&r, &id, finding(&id, "fine", asked, Some(2_000)), asked)
}

fn persons_on_abnormal_list() -> Outcome {
    let mut data: PolicyData = GradingPolicy::civil_affairs_mca_2018().clone().into();
    let rule = data
        .rules
        .iter_mut()
        .find(|r| r.list.as_deref() == Some("activity_abnormal"))
        .unwrap();
    rule.subjects = Some(social_credit::catalogue::Target::Both);
    Outcome {
        refused: Some(matches!(
            GradingPolicy::new(data),
            Err(PolicyError::Invalid { .. })
        )),
        ..Outcome::default()
    }
}

fn revoked_fine(revoke: bool, asked: NaiveDate) -> Outcome {
    use social_credit::objection::{Finding as Opinion, Outcome as Decision, Receipt};
    use social_credit::registry::ObjectionStep;
    let r = Registry::official(MemoryStore::new());
    let id = registered(&r, org(800));
    let rec = r
        .record_misconduct(
            finding(&id, "fine", d(2020, 5, 6), Some(60_000)),
            &who::section(),
            d(2020, 5, 6),
        )
        .unwrap();
    if revoke {
        let o = r
            .receive_objection(
                rec.id,
                Receipt::Written { on: d(2020, 5, 8) },
                "wrong",
                &who::office(),
            )
            .unwrap();
        for (step, by, on) in [
            (
                ObjectionStep::Forward {
                    to: Section::SocialOrganizations,
                },
                &who::office(),
                d(2020, 5, 8),
            ),
            (
                ObjectionStep::Opinion {
                    finding: Opinion::ErrorConfirmed,
                    summary: "wrong".into(),
                    submitted_on: None,
                },
                &who::section(),
                d(2020, 5, 11),
            ),
            (
                ObjectionStep::Notify {
                    outcome: Decision::Revoked {
                        reasons: "fine was imposed on another organization".into(),
                    },
                },
                &who::office(),
                d(2020, 5, 12),
            ),
        ] {
            r.advance_objection(o.id(), step, by, on).unwrap();
        }
    }
    let view = r.public_view(&id, asked).unwrap();
    let a = r.assess(&id, asked).unwrap();
    Outcome {
        lists: Some(view.lists.iter().map(list_name).collect()),
        blacklisted: Some(!a.blacklist_domains.is_empty()),
        ..Outcome::default()
    }
}

// ---- point 8 ----------------------------------------------------------------

fn example_middle_tier(asked: NaiveDate) -> Outcome {
    let p = GradingPolicy::xinzheng_plan_2019_example();
    let first = Finding::new(ConductKind::new("warning"), d(2019, 5, 6));
    let again = Finding::new(ConductKind::new("warning"), asked);
    let g = p
        .grade(
            &Facts::new(asked)
                .about(SubjectKind::Person)
                .finding(again)
                .earlier(first),
        )
        .unwrap();
    Outcome {
        severity: Some(severity(g.severity)),
        rule: Some(g.citation.rule.to_string()),
        sources: vec![g.citation.source.to_string()],
        ..Outcome::default()
    }
}

// ---- point 9 ----------------------------------------------------------------

/// The preset with the warning rule made stricter (onto the serious list),
/// taking effect on `from`.
fn stricter(from: &str, id: &str) -> GradingPolicy {
    let mut data: PolicyData =
        serde_json::from_str(include_str!("../data/presets/civil-affairs-mca-2018.json")).unwrap();
    data.id = id.into();
    data.effective_from = from.parse().unwrap();
    let warning = data
        .rules
        .iter_mut()
        .find(|r| r.id == "abnormal.warning")
        .unwrap();
    warning.severity = Severity::Severe;
    warning.list = Some("serious_illegal_dishonest".into());
    GradingPolicy::new(data).unwrap()
}

fn with_from(p: &GradingPolicy, from: &str, id: &str) -> GradingPolicy {
    let mut data: PolicyData = p.clone().into();
    data.id = id.into();
    data.effective_from = from.parse().unwrap();
    GradingPolicy::new(data).unwrap()
}

fn temporal(set: PolicySet, conduct: NaiveDate, asked: NaiveDate) -> Outcome {
    let facts = Facts::new(asked).finding(Finding::new(ConductKind::new("warning"), asked));
    let g = set.grade_conduct(conduct, &facts).unwrap().unwrap();
    Outcome {
        severity: Some(severity(g.grade.severity)),
        rule: Some(g.grade.citation.rule.to_string()),
        basis: Some(g.basis.rule.to_string()),
        sources: vec![
            g.basis.source.to_string(),
            g.grade.citation.source.to_string(),
        ],
        ..Outcome::default()
    }
}

fn stricter_from_2021(conduct: NaiveDate, asked: NaiveDate) -> Outcome {
    let set = PolicySet::new(vec![
        GradingPolicy::civil_affairs_mca_2018().clone(),
        stricter("2021-01-01", "stricter-2021"),
    ])
    .unwrap();
    temporal(set, conduct, asked)
}

fn lighter_from_2021(conduct: NaiveDate, asked: NaiveDate) -> Outcome {
    let set = PolicySet::new(vec![
        stricter("2018-01-24", "stricter-2018"),
        with_from(
            GradingPolicy::civil_affairs_mca_2018(),
            "2021-01-01",
            "lighter-2021",
        ),
    ])
    .unwrap();
    temporal(set, conduct, asked)
}

// ---- the table ----------------------------------------------------------------

/// Builds the named situation and reads its outcome on `asked`; `None` for
/// an unknown name.
fn situation(name: &str, asked: NaiveDate) -> Option<Outcome> {
    Some(match name {
        "serious_listed_2019_03_01" => serious_exit(None, asked),
        "serious_2019_03_01_abnormal_event_2020_05_06" => serious_exit(Some(d(2020, 5, 6)), asked),
        "abnormal_verified_2020_03_04" => abnormal_removal(d(2020, 3, 4), None, asked),
        "abnormal_verified_2020_09_28" => abnormal_removal(d(2020, 9, 28), None, asked),
        "abnormal_verified_2020_09_28_removed_2020_10_09" => {
            abnormal_removal(d(2020, 9, 28), Some(d(2020, 10, 9)), asked)
        }
        "annual_report_late_2019_2020_2021" => escalation(asked),
        "warning_decided_2018_02_02_recorded_2021_04_01_then_warning_2021_06_01" => {
            repeat_warning(d(2018, 2, 2), asked)
        }
        "warning_decided_2018_09_03_recorded_2021_04_01_then_warning_2021_06_01" => {
            repeat_warning(d(2018, 9, 3), asked)
        }
        "organization_party_organization_missing" => {
            organization_finding("party_organization_missing", None, asked)
        }
        "organization_charity_fundraising_duties" => {
            organization_finding("charity_fundraising_duties", None, asked)
        }
        "organization_other_abnormal_ground" => {
            organization_finding("other_abnormal_ground", None, asked)
        }
        "organization_other_serious_ground" => {
            organization_finding("other_serious_ground", None, asked)
        }
        "organization_annual_report_late" => {
            organization_finding("annual_report_late", None, asked)
        }
        "organization_fine_50000" => organization_finding("fine", Some(50_000), asked),
        "organization_fine_49999" => organization_finding("fine", Some(49_999), asked),
        "organization_fine_2000" => organization_finding("fine", Some(2_000), asked),
        "person_second_warning_within_three_years_example_policy" => example_middle_tier(asked),
        "warning_conduct_2020_11_01_stricter_rule_from_2021" => {
            stricter_from_2021(d(2020, 11, 1), asked)
        }
        "warning_conduct_2021_02_01_stricter_rule_from_2021" => {
            stricter_from_2021(d(2021, 2, 1), asked)
        }
        "warning_conduct_2020_11_01_lighter_rule_from_2021" => {
            lighter_from_2021(d(2020, 11, 1), asked)
        }
        "organization_fine_60000_2020_05_06" => revoked_fine(false, asked),
        "organization_fine_60000_2020_05_06_revoked_2020_05_12" => revoked_fine(true, asked),
        "person_fine_2000" => person_fine(asked),
        "policy_putting_persons_on_the_abnormal_list" => persons_on_abnormal_list(),
        _ => return None,
    })
}

fn check<T: PartialEq + std::fmt::Debug>(
    failures: &mut Vec<String>,
    row: &Row,
    field: &str,
    want: &Option<T>,
    got: &Option<T>,
) -> bool {
    match want {
        None => false,
        Some(w) => {
            if got.as_ref() != Some(w) {
                failures.push(format!(
                    "point {} [{}] {} on {}: {field} expected {w:?}, got {got:?} ({})",
                    row.point, row.article, row.situation, row.asked, row.note
                ));
            }
            true
        }
    }
}

fn table() -> Table {
    toml::from_str(include_str!("data/list_clauses.toml")).unwrap()
}

#[test]
fn every_row_of_the_list_clause_table_holds() {
    let table = table();
    let mut failures = Vec::new();
    for row in &table.case {
        assert!(!row.article.trim().is_empty(), "{row:?} cites no article");
        let Some(got) = situation(&row.situation, row.asked) else {
            panic!(
                "unknown situation {:?} in tests/data/list_clauses.toml (point {})",
                row.situation, row.point
            );
        };
        let f = &mut failures;
        let checked = [
            check(f, row, "eligible", &row.eligible, &got.eligible),
            check(f, row, "exit_on", &row.exit_on, &got.exit_on),
            check(f, row, "off_on", &row.off_on, &got.off_on),
            check(f, row, "listed", &row.listed, &got.listed),
            check(f, row, "overdue", &row.overdue, &got.overdue),
            check(f, row, "overdue_due", &row.overdue_due, &got.overdue_due),
            check(
                f,
                row,
                "working_days_late",
                &row.working_days_late,
                &got.working_days_late,
            ),
            check(f, row, "escalated", &row.escalated, &got.escalated),
            check(f, row, "severity", &row.severity, &got.severity),
            check(f, row, "rule", &row.rule, &got.rule),
            check(f, row, "basis", &row.basis, &got.basis),
            check(f, row, "lists", &row.lists, &got.lists),
            check(f, row, "blacklisted", &row.blacklisted, &got.blacklisted),
            check(f, row, "refused", &row.refused, &got.refused),
        ];
        assert!(
            checked.contains(&true),
            "row {} on {} expects no outcome",
            row.situation,
            row.asked
        );
        if let Some(source) = &row.source {
            if !got.sources.contains(source) {
                failures.push(format!(
                    "point {} {} on {}: source {source:?} not among {:?}",
                    row.point, row.situation, row.asked, got.sources
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Points 2-11 each have a row; a boundary point has rows on both sides.
#[test]
fn the_table_covers_points_two_to_eleven() {
    let table = table();
    for point in 2..=11 {
        let n = table.case.iter().filter(|r| r.point == point).count();
        assert!(n >= 1, "no row for point {point}");
    }
    for point in [2, 3, 4, 5] {
        let n = table.case.iter().filter(|r| r.point == point).count();
        assert!(n >= 2, "point {point} has a boundary and needs two rows");
    }
}

/// An unknown situation is refused, not silently skipped.
#[test]
fn an_unknown_situation_is_not_built() {
    assert!(situation("no_such_situation", d(2020, 1, 1)).is_none());
}
