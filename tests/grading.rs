//! Grading policies: the civil-affairs preset's triggers and thresholds,
//! validation of policies loaded from data, policies in force by date, and
//! grading against a brute-force model of MCA Order No. 60 (2018).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use social_credit::grading::{
    Facts, Finding, GradingPolicy, MatchedFact, PolicyData, PolicyError, PolicyProblem, PolicySet,
};
use social_credit::misconduct::{ConductKind, Severity};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn finding(conduct: &str, on: NaiveDate) -> Finding {
    Finding::new(ConductKind::new(conduct), on)
}

fn fine(yuan: i64, on: NaiveDate) -> Finding {
    finding("fine", on).with_fine(Decimal::new(yuan, 0))
}

fn preset() -> &'static GradingPolicy {
    GradingPolicy::civil_affairs_mca_2018()
}

fn grade(facts: &Facts) -> Option<(Severity, String, Option<String>)> {
    preset()
        .grade(facts)
        .map(|g| (g.severity, g.citation.rule.to_string(), g.list))
}

#[test]
fn each_trigger_of_the_preset_grades_as_mca_order_60_says() {
    let day = d(2020, 6, 1);
    let cases = [
        (
            "annual_report_late",
            Severity::General,
            "abnormal.annual_report_late",
            "activity_abnormal",
        ),
        (
            "rectification_overdue",
            Severity::General,
            "abnormal.rectification_overdue",
            "activity_abnormal",
        ),
        (
            "warning",
            Severity::General,
            "abnormal.warning",
            "activity_abnormal",
        ),
        (
            "unreachable",
            Severity::General,
            "abnormal.unreachable",
            "activity_abnormal",
        ),
        (
            "change_registration_fraud",
            Severity::Severe,
            "serious.change_registration_fraud",
            "serious_illegal_dishonest",
        ),
        (
            "suspension_of_activities",
            Severity::Severe,
            "serious.suspension",
            "serious_illegal_dishonest",
        ),
        (
            "dishonest_judgment_debtor",
            Severity::Severe,
            "serious.judgment_debtor",
            "serious_illegal_dishonest",
        ),
        (
            "registration_revoked",
            Severity::Severe,
            "serious.registration_revoked",
            "serious_illegal_dishonest",
        ),
    ];
    for (conduct, severity, rule, list) in cases {
        let g = grade(&Facts::new(day).finding(finding(conduct, day)));
        assert_eq!(
            g,
            Some((severity, rule.to_owned(), Some(list.to_owned()))),
            "{conduct}"
        );
    }
    // Every grade cites an article of the order.
    let g = preset()
        .grade(&Facts::new(day).finding(finding("warning", day)))
        .unwrap();
    assert_eq!(
        g.citation.source,
        "MCA Order No. 60 (2018) art. 10(5), unconfirmed"
    );
    assert_eq!(
        g.matched,
        vec![MatchedFact::Conduct(ConductKind::new("warning"))]
    );
}

#[test]
fn the_fine_threshold_is_fifty_thousand_yuan_inclusive() {
    let day = d(2020, 6, 1);
    let below = finding("fine", day).with_fine(Decimal::new(4_999_999, 2)); // ¥49,999.99
    assert_eq!(
        grade(&Facts::new(day).finding(below)).unwrap().0,
        Severity::General
    );
    let at = fine(50_000, day);
    let g = preset().grade(&Facts::new(day).finding(at)).unwrap();
    assert_eq!(
        (g.severity, g.citation.rule.as_ref()),
        (Severity::Severe, "serious.large_fine")
    );
    assert!(g
        .matched
        .iter()
        .any(|m| matches!(m, MatchedFact::Fine { fine, .. } if *fine == Decimal::new(50_000, 0))));
    // A finding without a fine never meets a fine threshold.
    assert_eq!(grade(&Facts::new(day).finding(finding("fine", day))), None);
}

#[test]
fn two_penalties_within_three_years_are_severe_and_the_window_is_inclusive() {
    let day = d(2020, 6, 1);
    // Exactly three years before: still within three years (Civil Code art. 202).
    let facts = Facts::new(day)
        .finding(finding("warning", day))
        .earlier(fine(10_000, d(2017, 6, 1)));
    let g = preset().grade(&facts).unwrap();
    assert_eq!(g.citation.rule, "serious.repeat_penalties");
    assert!(g.matched.iter().any(|m| matches!(
        m,
        MatchedFact::Repeat {
            count: 2,
            within_years: 3,
            ..
        }
    )));
    // One day earlier: outside the window, so a single warning: General.
    let facts = Facts::new(day)
        .finding(finding("warning", day))
        .earlier(fine(10_000, d(2017, 5, 31)));
    assert_eq!(grade(&facts).unwrap().1, "abnormal.warning");
    // A large fine earlier is not a qualifying penalty for the repeat rule.
    let facts = Facts::new(day)
        .finding(finding("warning", day))
        .earlier(fine(80_000, d(2019, 1, 1)));
    assert_eq!(grade(&facts).unwrap().1, "abnormal.warning");
    // Findings after the day graded do not count.
    let facts = Facts::new(day)
        .finding(finding("warning", day))
        .earlier(finding("warning", d(2020, 6, 2)));
    assert_eq!(grade(&facts).unwrap().1, "abnormal.warning");
}

#[test]
fn two_full_years_on_the_abnormal_list_are_severe_from_the_day_after_the_anniversary() {
    let since = d(2018, 3, 1);
    let on_anniversary = Facts::new(d(2020, 3, 1)).listed("activity_abnormal", since);
    assert_eq!(grade(&on_anniversary), None);
    let after = Facts::new(d(2020, 3, 2)).listed("activity_abnormal", since);
    let g = preset().grade(&after).unwrap();
    assert_eq!(
        (g.severity, g.citation.rule.as_ref()),
        (Severity::Severe, "serious.abnormal_two_years")
    );
    assert_eq!(g.list.as_deref(), Some("serious_illegal_dishonest"));
    // A relisting restarts the period: the latest listing event counts.
    let relisted = Facts::new(d(2020, 3, 2))
        .listed("activity_abnormal", since)
        .listed("activity_abnormal", d(2019, 1, 10));
    assert_eq!(grade(&relisted), None);
}

#[test]
fn matches_lists_every_rule_that_holds_and_grade_takes_the_worst() {
    let day = d(2020, 6, 1);
    let facts = Facts::new(day)
        .finding(finding("warning", day))
        .earlier(finding("warning", d(2019, 6, 1)));
    let all: Vec<String> = preset()
        .matches(&facts)
        .iter()
        .map(|g| g.citation.rule.to_string())
        .collect();
    assert_eq!(all, ["abnormal.warning", "serious.repeat_penalties"]);
    assert_eq!(grade(&facts).unwrap().0, Severity::Severe);
}

const BAD_POLICY: &str = r#"
id = "bad"
name = "a policy with every problem"
source = "test"
effective_from = "2025-01-01"
tiers = ["minor", "general", "severe"]

[[conduct_kinds]]
id = "late"
chinese_name = "逾期"
english_name = "late"

[[lists]]
id = "watch"
chinese_name = "异常名录"
english_name = "watch list"
kind = { type = "activity_abnormal" }
severity = "general"
source = "test"

[[rules]]
id = "r.unknown_conduct"
description = "names a conduct kind nobody declared"
severity = "general"
source = "test"
when = { finding = [{ conduct = ["bribery"] }] }

[[rules]]
id = "r.serious_tier"
description = "grades a tier the national regime does not use"
severity = "serious"
source = "test"
when = { finding = [{ conduct = ["late"], fine = { at_least = "100000" } }] }

[[rules]]
id = "r.contradictory"
description = "a fine range no fine fits"
severity = "severe"
source = "test"
when = { finding = [{ conduct = ["late"], fine = { at_least = "5000", below = "1000" } }] }

[[rules]]
id = "r.low"
description = "small fines"
severity = "minor"
source = "test"
when = { finding = [{ conduct = ["late"], fine = { below = "20000" } }] }

[[rules]]
id = "r.overlapping"
description = "overlaps r.low between 10000 and 20000"
severity = "general"
source = "test"
when = { finding = [{ conduct = ["late"], fine = { at_least = "10000", below = "100000" } }] }

[[rules]]
id = "r.unknown_list"
description = "refers to a list nobody declared"
severity = "severe"
list = "blacklist"
source = "test"
when = { time_on_list = { list = "nowhere", full_years = 2 } }
"#;

#[test]
fn validation_reports_every_problem_at_once_with_the_rule_id() {
    let data: PolicyData = toml::from_str(BAD_POLICY).unwrap();
    let err = GradingPolicy::new(data).unwrap_err();
    let PolicyError::Invalid { policy, problems } = &err else {
        panic!("{err}")
    };
    assert_eq!(policy, "bad");
    let expected = [
        PolicyProblem::UnknownConduct {
            rule: "r.unknown_conduct".into(),
            conduct: "bribery".into(),
        },
        PolicyProblem::TierNotUsed {
            rule: "r.serious_tier".into(),
            severity: Severity::Serious,
        },
        PolicyProblem::UnknownList {
            rule: "r.unknown_list".into(),
            list: "blacklist".into(),
        },
        PolicyProblem::UnknownList {
            rule: "r.unknown_list".into(),
            list: "nowhere".into(),
        },
        PolicyProblem::Overlapping {
            rule: "r.low".into(),
            other: "r.overlapping".into(),
        },
    ];
    for p in &expected {
        assert!(problems.contains(p), "missing {p:?} in {problems:#?}");
    }
    assert!(problems.iter().any(
        |p| matches!(p, PolicyProblem::EmptyFineRange { rule, .. } if rule == "r.contradictory")
    ));
    let message = err.to_string();
    assert!(
        message.starts_with("grading policy `bad` has "),
        "{message}"
    );
    assert!(
        message.contains("rule `r.unknown_conduct` names unknown conduct kind `bribery`"),
        "{message}"
    );
    assert!(
        message.contains("rules `r.low` and `r.overlapping` overlap"),
        "{message}"
    );
}

#[test]
fn a_national_regime_policy_loads_from_toml_and_rejects_the_plans_middle_tier() {
    let good = BAD_POLICY.split("[[rules]]").next().unwrap().to_owned()
        + r#"
[[rules]]
id = "minor.late"
description = "late, small fine"
severity = "minor"
source = "国办发〔2025〕22号"
when = { finding = [{ conduct = ["late"], fine = { below = "1000" } }] }

[[rules]]
id = "general.late"
description = "late, larger fine"
severity = "general"
list = "watch"
source = "国办发〔2025〕22号"
when = { finding = [{ conduct = ["late"], fine = { at_least = "1000" } }] }
"#;
    let policy: GradingPolicy = toml::from_str(&good).unwrap();
    assert_eq!(
        policy.tiers(),
        [Severity::Minor, Severity::General, Severity::Severe]
    );
    let day = d(2025, 3, 1);
    let g = policy.grade(
        &Facts::new(day)
            .finding(Finding::new(ConductKind::new("late"), day).with_fine(Decimal::new(999, 0))),
    );
    assert_eq!(g.unwrap().severity, Severity::Minor);
    // Deserializing validates: the bad policy does not load at all.
    let err = toml::from_str::<GradingPolicy>(BAD_POLICY)
        .unwrap_err()
        .to_string();
    assert!(err.contains("a tier the policy does not use"), "{err}");
}

#[test]
fn malformed_json_is_a_parse_error() {
    let err = GradingPolicy::from_json("{\"id\": 3}").unwrap_err();
    assert!(matches!(err, PolicyError::Parse { .. }));
    assert!(err
        .to_string()
        .starts_with("grading policy could not be read: "));
}

#[test]
fn the_policy_in_force_on_the_day_grades() {
    let mut stricter: PolicyData =
        serde_json::from_str(&serde_json::to_string(preset()).unwrap()).unwrap();
    stricter.id = "stricter-2026".into();
    stricter.effective_from = d(2026, 4, 1);
    for rule in &mut stricter.rules {
        if rule.id == "abnormal.warning" {
            rule.severity = Severity::Severe;
            rule.list = Some("serious_illegal_dishonest".into());
        }
    }
    let set = PolicySet::new(vec![
        GradingPolicy::new(stricter).unwrap(),
        preset().clone(),
    ])
    .unwrap();
    let before = d(2026, 3, 31);
    let after = d(2026, 4, 1);
    assert_eq!(set.in_force(before).unwrap().id(), "civil-affairs-mca-2018");
    assert_eq!(set.in_force(after).unwrap().id(), "stricter-2026");
    let g = |day| {
        set.grade(&Facts::new(day).finding(finding("warning", day)))
            .unwrap()
            .unwrap()
            .severity
    };
    assert_eq!(g(before), Severity::General);
    assert_eq!(g(after), Severity::Severe);
    assert!(matches!(
        set.in_force(d(2018, 1, 23)),
        Err(PolicyError::NoneInForce { .. })
    ));
    let dup = PolicySet::new(vec![preset().clone(), preset().clone()]).unwrap_err();
    assert!(matches!(dup, PolicyError::SameEffectiveDay { .. }));
}

#[test]
fn the_built_in_preset_round_trips_through_json() {
    let json = serde_json::to_string_pretty(preset()).unwrap();
    let back = GradingPolicy::from_json(&json).unwrap();
    assert_eq!(&back, preset());
}

// ---- brute-force model of the preset -------------------------------------

const KINDS: [&str; 9] = [
    "annual_report_late",
    "rectification_overdue",
    "warning",
    "fine",
    "unreachable",
    "change_registration_fraud",
    "suspension_of_activities",
    "dishonest_judgment_debtor",
    "registration_revoked",
];

/// MCA Order No. 60 (2018) arts. 14 and 19, written out by hand.
fn model(facts: &Facts) -> Option<Severity> {
    let on = facts.on;
    let small = |f: &Finding| {
        f.conduct.as_str() == "warning"
            || (f.conduct.as_str() == "fine" && f.fine.is_some_and(|x| x < Decimal::new(50_000, 0)))
    };
    let mut worst = None;
    if let Some(f) = &facts.finding {
        let severe = match f.conduct.as_str() {
            "change_registration_fraud"
            | "suspension_of_activities"
            | "dishonest_judgment_debtor"
            | "registration_revoked" => true,
            "fine" => f.fine.is_some_and(|x| x >= Decimal::new(50_000, 0)),
            _ => false,
        };
        let general = matches!(
            f.conduct.as_str(),
            "annual_report_late" | "rectification_overdue" | "unreachable"
        ) || small(f);
        let three_years_ago = on.checked_sub_months(chrono::Months::new(36)).unwrap();
        let repeats = small(f)
            && std::iter::once(f)
                .chain(&facts.earlier)
                .filter(|e| e.on >= three_years_ago && e.on <= on && small(e))
                .count()
                >= 2;
        if severe || repeats {
            worst = Some(Severity::Severe);
        } else if general {
            worst = Some(Severity::General);
        }
    }
    let two_years = facts
        .listings
        .iter()
        .filter(|l| l.list == "activity_abnormal" && l.since <= on)
        .map(|l| l.since)
        .max()
        .is_some_and(|since| on > since.checked_add_months(chrono::Months::new(24)).unwrap());
    if two_years {
        worst = Some(Severity::Severe);
    }
    worst
}

fn arb_finding(base: NaiveDate) -> impl Strategy<Value = Finding> {
    (
        0..KINDS.len(),
        0u64..2000,
        prop::option::of(0i64..10_000_000),
    )
        .prop_map(move |(k, back, cents)| {
            let mut f = Finding::new(
                ConductKind::new(KINDS[k]),
                base.checked_sub_days(Days::new(back)).unwrap(),
            );
            f.fine = cents.map(|c| Decimal::new(c, 2));
            f
        })
}

fn arb_facts() -> impl Strategy<Value = Facts> {
    let on = d(2022, 3, 1);
    (
        prop::option::of(arb_finding(on)),
        prop::collection::vec(arb_finding(on), 0..5),
        prop::option::of(0u64..1500),
    )
        .prop_map(move |(mut finding, earlier, listed_back)| {
            if let Some(f) = &mut finding {
                f.on = on;
            }
            let mut facts = Facts {
                on,
                finding,
                earlier,
                listings: Vec::new(),
                subject: None,
            };
            if let Some(back) = listed_back {
                facts = facts.listed(
                    "activity_abnormal",
                    on.checked_sub_days(Days::new(back)).unwrap(),
                );
            }
            facts
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn grading_agrees_with_a_brute_force_model(facts in arb_facts()) {
        prop_assert_eq!(preset().grade(&facts).map(|g| g.severity), model(&facts));
    }

    #[test]
    fn adding_an_earlier_finding_never_lowers_the_severity(facts in arb_facts(), extra in arb_finding(d(2022, 3, 1))) {
        let before = preset().grade(&facts).map(|g| g.severity);
        let after = preset().grade(&facts.clone().earlier(extra)).map(|g| g.severity);
        prop_assert!(after >= before, "{:?} -> {:?}", before, after);
    }

    #[test]
    fn the_grade_is_the_worst_of_all_matching_rules(facts in arb_facts()) {
        let all = preset().matches(&facts);
        let worst = all.iter().map(|g| g.severity).max();
        prop_assert_eq!(preset().grade(&facts).map(|g| g.severity), worst);
    }
}
