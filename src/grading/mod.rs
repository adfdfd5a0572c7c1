//! Grading (失信等级划分, plan §3(3)): rules as data that map the facts of a
//! finding to a [`Severity`](crate::misconduct::Severity), and say which rule decided and why.
//!
//! A [`GradingPolicy`] is a list of [`GradingRule`]s, each a conjunction of
//! conditions on a finding (its conduct kind and fine), on the subject's
//! earlier findings ("two or more within three years") and on its time on a
//! list ("two full years"). A policy declares the tiers it uses, the conduct
//! kinds it knows and the lists it refers to, and is validated when it is
//! built or loaded: every problem is reported at once, each with the rule's
//! id. A [`PolicySet`] holds policies by the day they take effect and answers
//! with the one in force on a day.
//!
//! The built-in preset for a civil-affairs bureau,
//! [`GradingPolicy::civil_affairs_mca_2018`], follows the Ministry of Civil
//! Affairs' 社会组织信用信息管理办法 (MCA Order No. 60, 2018). It is loaded from
//! `data/presets/civil-affairs-mca-2018.json`, which is its readable source.
//!
//! # Counting periods
//!
//! Periods follow the Civil Code: the start day is not counted (art. 201) and
//! a period in years ends on the corresponding day of the final year, or that
//! month's last day when there is none (art. 202).
//! - "N or more findings within Y years", graded on day `D`: a finding dated
//!   `F` counts when `D - Y years <= F <= D` (the finding being graded counts).
//! - "N full years on a list" listed (or relisted) on day `S` holds from
//!   `S + N years + 1 day` on: the N years have fully run by then.

mod error;
mod facts;
mod index;
mod model;
mod policy;
mod set;
mod validate;

pub use error::{PolicyError, PolicyProblem};
pub use facts::{Facts, Finding, Grade, Listing, MatchedFact};
pub use index::findings_examined;
pub(crate) use index::FindingIndex;
pub use model::{
    Conditions, ConductDef, FindingPattern, FineRange, GradingPolicy, GradingRule, ListDef,
    PolicyData, Repeat, SubjectKind, TimeOnList,
};
pub use policy::{MAX_LISTED_OVERLAPS, MAX_POLICY_JSON_BYTES, MAX_POLICY_RULES};
pub use set::{PolicySet, TemporalGrade, TEMPORAL_SOURCE};

#[cfg(test)]
mod tests {
    use super::policy::{MCA_2018_JSON, PLAN_2019_EXAMPLE_JSON};
    use super::*;
    use crate::calendar::years::{add_years, full_years_run, sub_years};
    use crate::misconduct::{ConductKind, Severity};
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn builtin_preset_loads_from_its_data_file() {
        let p = GradingPolicy::from_json(MCA_2018_JSON).unwrap();
        assert_eq!(p.id(), "civil-affairs-mca-2018");
        assert_eq!(GradingPolicy::civil_affairs_mca_2018(), &p);
        assert!(p.lifecycle().is_some());
    }

    #[test]
    fn example_plan_policy_loads() {
        let p = GradingPolicy::from_json(PLAN_2019_EXAMPLE_JSON).unwrap();
        assert_eq!(GradingPolicy::xinzheng_plan_2019_example(), &p);
        assert!(p.tiers().contains(&Severity::Serious));
        assert!(p.rules().iter().any(|r| r.severity == Severity::Serious));
    }

    #[test]
    fn year_shifts_agree_with_month_arithmetic() {
        let mut day = d(2015, 1, 1);
        while day < d(2021, 1, 1) {
            for n in 0..6 {
                let months = chrono::Months::new(12 * n);
                assert_eq!(
                    add_years(day, n),
                    day.checked_add_months(months),
                    "{day} + {n}"
                );
                assert_eq!(
                    sub_years(day, n),
                    day.checked_sub_months(months),
                    "{day} - {n}"
                );
            }
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn full_years_run_starts_the_day_after_the_anniversary() {
        assert_eq!(full_years_run(d(2018, 3, 1), 2), d(2020, 3, 2));
        assert_eq!(full_years_run(d(2016, 2, 29), 2), d(2018, 3, 1));
    }

    #[test]
    fn fine_ranges_intersect_only_where_a_fine_fits_both() {
        let below = FineRange {
            at_least: None,
            below: Some(Decimal::new(50_000, 0)),
        };
        let above = FineRange {
            at_least: Some(Decimal::new(50_000, 0)),
            below: None,
        };
        assert!(!below.intersects(&above));
        assert!(below.intersects(&FineRange::default()));
        assert!(below.contains(Decimal::new(49_999, 0)));
        assert!(!below.contains(Decimal::new(50_000, 0)));
    }

    mod indexed {
        //! The finding index counts as the plain scan does (issue 17,
        //! defect 12).
        use super::*;
        use chrono::Days;
        use proptest::prelude::*;

        const CONDUCTS: [&str; 4] = ["warning", "fine", "annual_report_late", "unreachable"];

        fn finding() -> impl Strategy<Value = Finding> {
            (0usize..4, prop::option::of(0i64..6), 0u64..2_000).prop_map(|(c, fine, day)| Finding {
                conduct: ConductKind::new(CONDUCTS[c]),
                fine: fine.map(|f| Decimal::new(f * 10_000, 0)),
                on: NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + Days::new(day),
            })
        }

        fn range() -> impl Strategy<Value = Option<FineRange>> {
            prop::option::of(
                (prop::option::of(0i64..6), prop::option::of(0i64..6)).prop_map(|(lo, hi)| {
                    FineRange {
                        at_least: lo.map(|v| Decimal::new(v * 10_000, 0)),
                        below: hi.map(|v| Decimal::new(v * 10_000, 0)),
                    }
                }),
            )
        }

        fn pattern() -> impl Strategy<Value = FindingPattern> {
            (prop::collection::vec(0usize..4, 1..3), range()).prop_map(|(cs, fine)| {
                FindingPattern {
                    conduct: cs
                        .into_iter()
                        .map(|c| ConductKind::new(CONDUCTS[c]))
                        .collect(),
                    fine,
                }
            })
        }

        proptest! {
            #[test]
            fn count_matches_the_scan(
                findings in prop::collection::vec(finding(), 0..60),
                of in prop::collection::vec(pattern(), 1..4),
                from in 0u64..2_000,
                len in 0u64..1_500,
                enough in 0usize..8,
            ) {
                let from = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + Days::new(from);
                let to = from + Days::new(len);
                let mut index = FindingIndex::default();
                for f in &findings {
                    index.insert(f);
                }
                let scanned = findings
                    .iter()
                    .filter(|f| from <= f.on && f.on <= to)
                    .filter(|f| of.iter().any(|p| p.matches(f)))
                    .count();
                prop_assert_eq!(index.count(&of, from, to, enough), scanned.min(enough));
            }

            #[test]
            fn indexed_grades_equal_scanned_grades(
                earlier in prop::collection::vec(finding(), 0..40),
                graded in finding(),
                person in any::<bool>(),
            ) {
                for policy in [
                    GradingPolicy::civil_affairs_mca_2018(),
                    GradingPolicy::xinzheng_plan_2019_example(),
                ] {
                    let set = PolicySet::new(vec![policy.clone()]).unwrap();
                    let on = graded.on;
                    let kind = if person { SubjectKind::Person } else { SubjectKind::Organization };
                    let mut scanned = Facts::new(on).about(kind).finding(graded.clone());
                    let mut index = FindingIndex::default();
                    for f in &earlier {
                        scanned = scanned.earlier(f.clone());
                        index.insert(f);
                    }
                    let plain = Facts::new(on).about(kind).finding(graded.clone());
                    let a = set.grade_conduct(on, &scanned);
                    let b = set.grade_conduct_indexed(on, &plain, &index);
                    match (a, b) {
                        (Ok(a), Ok(b)) => {
                            let key = |g: Option<TemporalGrade<'_>>| g.map(|g| {
                                (g.grade.severity, g.grade.list, g.grade.citation, g.basis)
                            });
                            prop_assert_eq!(key(a), key(b));
                        }
                        (a, b) => prop_assert_eq!(a.is_err(), b.is_err()),
                    }
                }
            }
        }

        #[test]
        fn overlapping_ranges_count_a_finding_once() {
            let mut index = FindingIndex::default();
            let on = NaiveDate::from_ymd_opt(2019, 3, 1).unwrap();
            for fine in [1_000, 20_000, 60_000] {
                index.insert(&Finding {
                    conduct: ConductKind::new("fine"),
                    fine: Some(Decimal::new(fine, 0)),
                    on,
                });
            }
            let p = |lo: Option<i64>, hi: Option<i64>| FindingPattern {
                conduct: vec![ConductKind::new("fine")],
                fine: Some(FineRange {
                    at_least: lo.map(|v| Decimal::new(v, 0)),
                    below: hi.map(|v| Decimal::new(v, 0)),
                }),
            };
            let of = [p(None, Some(50_000)), p(Some(10_000), None)];
            assert_eq!(index.count(&of, on, on, 10), 3);
            assert_eq!(index.count(&of[..1], on, on, 10), 2);
            assert_eq!(index.count(&of, on, on, 2), 2);
        }
    }
}
