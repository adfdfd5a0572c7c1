//! Clause-driven cases for credit repair and publication periods: one row
//! of `tests/data/repair_clauses.toml` per article (plan §6(7); 527, NDRC
//! Orders No. 58 and No. 36, 国办发〔2025〕22号).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use serde::Deserialize;
use social_credit::misconduct::{ConductKind, MisconductRecord, RecordId, Section, Severity};
use social_credit::repair::{
    Condition, ConditionKind, PenaltyConduct, PenaltyDecision, PenaltyDomain, PenaltyKind,
    Procedure, RepairFacts, RepairPolicy, RepairTimeline,
};
use social_credit::{Citation, Uscc};

#[derive(Deserialize)]
struct Table {
    period: Vec<PeriodRow>,
    condition: Vec<ConditionRow>,
    timeline: Vec<TimelineRow>,
}

#[derive(Deserialize)]
struct PeriodRow {
    article: String,
    policy: String,
    severity: Severity,
    domain: PenaltyDomain,
    penalties: Vec<PenaltyKind>,
    #[serde(default)]
    procedure: Procedure,
    #[serde(default)]
    conduct: Vec<PenaltyConduct>,
    classified: Option<Severity>,
    decided: NaiveDate,
    tier: Severity,
    earliest: NaiveDate,
    last_published: NaiveDate,
    #[serde(default)]
    barred: bool,
    #[serde(default = "yes")]
    published: bool,
}

#[derive(Deserialize)]
struct ConditionRow {
    article: String,
    policy: String,
    severity: Severity,
    penalties: Vec<PenaltyKind>,
    decided: NaiveDate,
    asked: NaiveDate,
    done: Vec<ConditionKind>,
    unmet: Vec<ConditionKind>,
}

#[derive(Deserialize)]
struct TimelineRow {
    article: String,
    severity: Severity,
    penalties: Vec<PenaltyKind>,
    #[serde(default)]
    procedure: Procedure,
    decided: NaiveDate,
    publication_ends: NaiveDate,
    ended_by: String,
    repair_asked: Option<NaiveDate>,
    repair_eligible: Option<bool>,
    repair_policy: Option<String>,
}

fn yes() -> bool {
    true
}

fn table() -> Table {
    toml::from_str(include_str!("data/repair_clauses.toml")).unwrap()
}

fn policy(name: &str) -> RepairPolicy {
    match name {
        "2019" => RepairPolicy::plan_era_2019(),
        "2023" => RepairPolicy::order_58_2023(),
        "2026" => RepairPolicy::national_2026(),
        other => panic!("unknown policy {other}"),
    }
}

fn record(severity: Severity, occurred_on: NaiveDate) -> MisconductRecord {
    MisconductRecord {
        id: RecordId(1),
        subject: "91350100M000100Y43".parse::<Uscc>().unwrap().into(),
        conduct: ConductKind::new("fine_under_50000"),
        severity,
        graded_by: Citation::new("grading.test", "MCA Order No. 60 (2018)"),
        section: Section::SocialOrganizations,
        occurred_on,
        ended_on: Some(occurred_on),
        recorded_on: occurred_on,
        decision: None,
        content: None,
        corrected: None,
        history: vec![],
    }
}

fn facts(decision: PenaltyDecision, on: NaiveDate, done: &[ConditionKind]) -> RepairFacts {
    let when = |k| done.contains(&k).then_some(on);
    let mut f = RepairFacts::new(decision);
    f.corrected_on = when(ConditionKind::ConductCorrected);
    f.effects_removed_on = when(ConditionKind::EffectsRemoved);
    f.commitment_signed_on = when(ConditionKind::CommitmentSigned);
    f.training_attended_on = when(ConditionKind::TrainingAttended);
    f.credit_report_on = when(ConditionKind::CreditReportSubmitted);
    f
}

fn kind(c: &Condition) -> Option<ConditionKind> {
    Some(match c {
        Condition::ConductCorrected => ConditionKind::ConductCorrected,
        Condition::EffectsRemoved => ConditionKind::EffectsRemoved,
        Condition::CommitmentSigned => ConditionKind::CommitmentSigned,
        Condition::TrainingAttended => ConditionKind::TrainingAttended,
        Condition::CreditReportSubmitted => ConditionKind::CreditReportSubmitted,
        Condition::NoNewMisconduct { .. } => ConditionKind::NoNewMisconduct,
        _ => return None,
    })
}

#[test]
fn every_period_row_holds() {
    let rows = table().period;
    assert!(rows.len() >= 20);
    for row in rows {
        let p = policy(&row.policy);
        let mut decision = PenaltyDecision::new(row.decided, row.domain, row.penalties.clone());
        decision.procedure = row.procedure;
        decision.conduct = row.conduct.clone();
        decision.classified = row.classified;
        let periods = p.periods(row.severity, &decision).unwrap();
        let a = &row.article;
        assert_eq!(periods.tier, row.tier, "{a}: tier");
        assert_eq!(
            periods.earliest_application, row.earliest,
            "{a}: earliest application"
        );
        assert_eq!(
            periods.last_published_day, row.last_published,
            "{a}: last published day"
        );
        assert_eq!(periods.barred_by.is_some(), row.barred, "{a}: barred");
        assert_eq!(periods.published, row.published, "{a}: published");
        // Every answer names its rules, and they are the policy's own.
        assert!(!periods.basis.is_empty(), "{a}");
        let first_word = p.basis.source.split(' ').next().unwrap();
        for c in &periods.basis {
            assert!(
                c.source.contains(first_word) || c.source.contains("Order No. 36"),
                "{a}: {} does not cite {}",
                c.source,
                p.basis.source
            );
        }
    }
}

#[test]
fn every_condition_row_holds() {
    for row in table().condition {
        let p = policy(&row.policy);
        let r = record(row.severity, row.decided);
        let decision = PenaltyDecision::new(row.decided, PenaltyDomain::Other, row.penalties);
        let f = facts(decision, row.decided, &row.done);
        let e = p.eligibility(&r, &f, &[], row.asked).unwrap();
        let unmet: Vec<ConditionKind> = e.unmet.iter().filter_map(|u| kind(&u.condition)).collect();
        assert_eq!(unmet, row.unmet, "{}", row.article);
        assert_eq!(
            e.is_eligible(),
            row.unmet.is_empty(),
            "{}: {:?}",
            row.article,
            e.unmet
        );
        for u in &e.unmet {
            assert!(!u.basis.source.is_empty(), "{}", row.article);
        }
    }
}

#[test]
fn every_timeline_row_holds() {
    let t = RepairTimeline::default();
    let all = [
        ConditionKind::ConductCorrected,
        ConditionKind::CommitmentSigned,
        ConditionKind::TrainingAttended,
        ConditionKind::CreditReportSubmitted,
    ];
    for row in table().timeline {
        let a = &row.article;
        let mut decision = PenaltyDecision::new(row.decided, PenaltyDomain::Other, row.penalties);
        decision.procedure = row.procedure;
        let end = t.publication_end(row.severity, &decision).unwrap();
        assert_eq!(end.on, row.publication_ends, "{a}: publication ends");
        assert_eq!(end.basis.rule, row.ended_by, "{a}: ended by");
        if let Some(asked) = row.repair_asked {
            let r = record(row.severity, row.decided);
            let e = t
                .eligibility(&r, &facts(decision, row.decided, &all), &[], asked)
                .unwrap();
            assert_eq!(
                Some(e.is_eligible()),
                row.repair_eligible,
                "{a}: {:?}",
                e.unmet
            );
            assert_eq!(
                Some(e.policy.rule.to_string()),
                row.repair_policy,
                "{a}: policy"
            );
        }
    }
}
