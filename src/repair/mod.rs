//! Credit repair (信用修复, plan §6(7)): "encourage correction, time-limited
//! sanctions, conditional repair" (鼓励纠错、有限期惩戒、有条件修复).
//!
//! A subject that corrects its conduct may apply to have a record repaired
//! once the record's minimum publication period has run; publication ends by
//! itself at the maximum period, and the sanctions the record grounds end
//! with it (有限期惩戒). The periods, the conditions and what bars repair are
//! set by national rules that change over time, so the crate keeps them as
//! data (`data/repair/*.json`, embedded and parsed once):
//!
//! - [`RepairPolicy`]: the periods per [`Severity`](crate::misconduct::Severity) ([`TierPeriods`]), the
//!   tier table that grades a penalty decision ([`TierRow`]), rules that
//!   depend on the decision's field, penalty types, procedure or conduct
//!   ([`DecisionRule`]: longer periods, bars, no publication), the
//!   conditions exactly as the text lists them ([`RepairCondition`], each
//!   citing its article), and the days it is in force;
//! - [`RepairTimeline`]: the policies in force one after another, and which
//!   of them governs a record ([`RepairTimeline::publication_end`],
//!   [`RepairTimeline::eligibility`]): the rules in force on the day of the
//!   decision, or a later one where it is more favourable to the subject
//!   (DESIGN.md, "Which repair rules govern a record?");
//! - [`RepairPolicy::eligibility`]: an answer, never an error, that lists
//!   every unmet condition and, when only time is missing, the day the
//!   record becomes eligible;
//! - [`RepairPolicy::apply`]: grants repair: the record's status becomes
//!   `Repaired` on that day, ending its sanctions; nothing is deleted.
//!
//! # Presets and their sources
//!
//! | preset | in force | minor | general | serious (较重) | severe | also |
//! |---|---|---|---|---|---|---|
//! | [`RepairPolicy::plan_era_2019`] | 2019-07-01 – 2023-04-30 | 3 months / 1 year | 3 months / 1 year | 3 months / 1 year | 6 months / 3 years | "specific serious": 3 years, not repairable; simplified procedure: not published |
//! | [`RepairPolicy::order_58_2023`] | 2023-05-01 – 2026-03-31 | 3 months / 3 years | 3 months / 3 years | 3 months / 3 years | 3 months / 3 years | food, drugs, special equipment, work safety, fire safety: at least 1 year |
//! | [`RepairPolicy::national_2026`] | from 2026-04-01 | none / 3 months | 3 months / 1 year | 3 months / 1 year | 1 year / 3 years | tier graded from the penalty by a table |
//!
//! Periods are "minimum / maximum", counted from the day of the penalty
//! decision. Sources: 发改办财金〔2019〕527号 (applied from 2019-07-01);
//! NDRC Order No. 58 (失信行为纠正后的信用信息修复管理办法（试行）, in force
//! 2023-05-01); 国办发〔2025〕22号 §2 (2025-06-22) and NDRC Order No. 36
//! (信用修复管理办法, in force 2026-04-01, repealing Order No. 58). Each data
//! file quotes the text it follows and marks what is `unconfirmed`; DESIGN.md
//! explains the tier mapping.

mod bits;
mod eligibility;
mod error;
mod policy;
mod timeline;

pub(crate) use bits::{PolicyBits, PublicationProbe, PublicationState};
pub use eligibility::{Condition, ConditionKind, Eligibility, Periods, Repair, RepairFacts, Unmet};
pub use error::{RepairError, RepairPolicyError};
pub use policy::{DecisionRule, RepairCondition, RepairPolicy, TierPeriods, TierRow};
pub use timeline::{PublicationEnd, RepairTimeline};

// The penalty decision is a fact about conduct, below the rules: it lives
// in `misconduct` (a record holds one) and is re-exported here, its old path.
pub use crate::misconduct::{
    PenaltyConduct, PenaltyDecision, PenaltyDomain, PenaltyKind, Procedure,
};

#[cfg(test)]
mod tests {
    use super::bits::DecisionBits;
    use super::*;
    use crate::misconduct::Severity;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn presets_are_valid_and_form_a_timeline() {
        let t = RepairTimeline::new(vec![
            RepairPolicy::national_2026(),
            RepairPolicy::plan_era_2019(),
            RepairPolicy::order_58_2023(),
        ])
        .unwrap();
        assert_eq!(t, RepairTimeline::default());
    }

    proptest::proptest! {
        /// The fast path answers as the citing one does, for every preset,
        /// tier and decision.
        #[test]
        fn the_bits_answer_as_the_policies_do(
            policy in 0usize..3,
            severity in 0usize..4,
            domain in 0usize..8,
            penalties in proptest::collection::vec(0usize..12, 0..3),
            simplified in proptest::bool::ANY,
            conduct in proptest::collection::vec(0usize..17, 0..2),
            classified in proptest::option::of(0usize..4),
            start in 0u64..4000,
        ) {
            use PenaltyDomain as D;
            use PenaltyKind as K;
            let t = RepairTimeline::default();
            let domains = [D::FoodAndDrugs, D::Environment, D::ConstructionQuality, D::WorkSafety, D::FireSafety, D::SpecialEquipment, D::CompulsoryCertification, D::Other];
            let kinds = [K::Warning, K::Criticism, K::Fine, K::LargeFine, K::VeryLargeFine, K::Confiscation, K::LicenceSuspension, K::HaltBusiness, K::LicenceRevocation, K::ActivityRestriction, K::Detention, K::Other];
            let conducts = [PenaltyConduct::Bribery, PenaltyConduct::TaxEvasion, PenaltyConduct::DebtEvasion, PenaltyConduct::PaymentArrears, PenaltyConduct::WageArrears, PenaltyConduct::IllegalFundraising, PenaltyConduct::ContractFraud, PenaltyConduct::PyramidSelling, PenaltyConduct::UnlicensedBusiness, PenaltyConduct::CounterfeitGoods, PenaltyConduct::IpInfringement, PenaltyConduct::QualificationLending, PenaltyConduct::BidRigging, PenaltyConduct::FalseAdvertising, PenaltyConduct::ConsumerInvestorHarm, PenaltyConduct::CyberspaceDisorder, PenaltyConduct::PublicOrderDisturbance];
            let mut d = PenaltyDecision::new(
                day(2018, 1, 1) + chrono::Days::new(start),
                domains[domain],
                penalties.iter().map(|&i| kinds[i]).collect(),
            );
            if simplified {
                d.procedure = Procedure::Simplified;
            }
            d.conduct = conduct.iter().map(|&i| conducts[i]).collect();
            d.classified = classified.map(|i| Severity::ALL[i]);
            let severity = Severity::ALL[severity];
            let slow = t.policies()[policy].limits(severity, &d);
            let fast = t.bits()[policy].limits(severity, &DecisionBits::of(&d));
            proptest::prop_assert_eq!(slow.is_some(), fast.is_some());
            if let (Some(slow), Some(fast)) = (slow, fast) {
                proptest::prop_assert_eq!(slow.earliest_application(), fast.earliest_application(d.decided_on));
                proptest::prop_assert_eq!(slow.publication_ends(), fast.publication_ends(d.decided_on));
                proptest::prop_assert_eq!(slow.barred_by.is_some(), fast.barred);
            }
            let exact = t.publication_end(severity, &d).map(|e| e.on);
            proptest::prop_assert_eq!(exact, t.publication_end_day(severity, &DecisionBits::of(&d)));
            // As an assessment sees it on a day.
            for shift in [0u64, 1, 27, 28, 29, 30, 31, 89, 90, 91, 92, 364, 365, 366, 1095, 1096, 1097, 1200] {
                let as_of = d.decided_on + chrono::Days::new(shift);
                let state = t.publication_probe(as_of).state(severity, &d);
                let expected = match exact {
                    None => PublicationState::Never,
                    Some(e) if e <= as_of => PublicationState::Ended,
                    Some(e) => PublicationState::Ends(e),
                };
                proptest::prop_assert_eq!(state, expected, "as of {}", as_of);
            }
        }
    }

    #[test]
    fn overlap_is_rejected() {
        let mut a = RepairPolicy::order_58_2023();
        a.in_force_until = Some(day(2026, 4, 1));
        let err = RepairTimeline::new(vec![a, RepairPolicy::national_2026()]).unwrap_err();
        assert!(matches!(err, RepairPolicyError::Overlap { on, .. } if on == day(2026, 4, 1)));
    }

    #[test]
    fn validation_catches_bad_tiers() {
        let mut p = RepairPolicy::national_2026();
        if let Some(t) = p.tiers.first_mut() {
            t.minimum_months = 4;
        }
        assert!(matches!(
            p.validate(),
            Err(RepairPolicyError::MinimumAfterMaximum { .. })
        ));
        let mut p = RepairPolicy::national_2026();
        p.tiers.push(p.tiers[0].clone());
        assert!(matches!(
            p.validate(),
            Err(RepairPolicyError::DuplicateTier { .. })
        ));
        let mut p = RepairPolicy::national_2026();
        p.in_force_until = Some(day(2026, 3, 31));
        assert!(matches!(
            p.validate(),
            Err(RepairPolicyError::EndsBeforeStart { .. })
        ));
    }
}
