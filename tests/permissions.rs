//! Who may do what (issue 18): every registry operation that changes the
//! store, by every capacity, allowed or `Forbidden` exactly as the
//! permission table says; a refusal is decided before any write (the store
//! fails the first write, and a refusal must still come back as
//! `Forbidden`, the store unchanged); the audit log names an official's
//! account only by a pseudonym; a tip-off's reporter only for the custodian,
//! audited.
#![cfg(feature = "test-kit")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::type_complexity
)]

mod common;
use common::registry::{d, fine, org_id, person_id};

use std::collections::BTreeSet;

use chrono::NaiveDate;
use social_credit::actor::{Actor, Capacity};
use social_credit::calendar::ChinaCalendar;
use social_credit::citation::Citation;
use social_credit::commitment::{CommitmentId, CommitmentKind};
use social_credit::grading::{GradingPolicy, PolicySet};
use social_credit::lists::ListKind;
use social_credit::misconduct::ConductKind;
use social_credit::objection::{Finding, ObjectionId, Outcome, Receipt};
use social_credit::permission::{Operation, PermissionTable, Target};
use social_credit::registry::{NewRecord, ObjectionStep, Registry, RegistryError, RuleBook};
use social_credit::repair::{PenaltyDecision, PenaltyDomain, PenaltyKind, RepairFacts};
use social_credit::store::kit::FaultyStore;
use social_credit::store::{dump, MemoryStore};
use social_credit::tipoff::{ReportId, Reporter};
use social_credit::{
    Organization, OrganizationKind, Person, RecordId, Role, RoleLink, Section, Subject,
};

type Reg = Registry<FaultyStore<MemoryStore>>;

/// The section that provides every record here.
fn section() -> Actor {
    Actor::section(Section::SocialOrganizations)
}

fn office() -> Actor {
    Actor::section(Section::Office)
}

/// The actor behind each capacity: sections as units, the custodian as an
/// official's account.
fn actor_of(capacity: Capacity) -> Actor {
    match capacity {
        Capacity::Public => Actor::public(),
        Capacity::System => Actor::system(),
        Capacity::TipOffCustodian => Actor::official("u-7".parse().unwrap(), capacity).unwrap(),
        Capacity::Section(s) => Actor::section(s),
    }
}

/// A registry on a store that can fail writes, with a policy that also
/// grades persons (the shipped plan-level example).
fn registry() -> Reg {
    let mut rules = RuleBook::xinzheng_2019();
    rules.policies = PolicySet::new(vec![GradingPolicy::xinzheng_plan_2019_example().clone()])
        .unwrap_or_else(|_| PolicySet::builtin().clone());
    Registry::new(
        FaultyStore::new(MemoryStore::new()),
        ChinaCalendar::official_projected(),
        rules,
    )
}

fn base(r: &Reg) {
    r.register_subject(
        Subject::Organization(Organization {
            uscc: org_id(),
            name: "Zhengzhou Example Elderly Care Association".into(),
            kind: OrganizationKind::SocialAssociation,
            established_on: Some(d(2012, 5, 1)),
        }),
        &section(),
        d(2019, 1, 7),
    )
    .unwrap();
    r.register_subject(
        Subject::Person(Person {
            id: person_id(),
            name: "张伟".into(),
        }),
        &section(),
        d(2019, 1, 7),
    )
    .unwrap();
    r.link_person(
        RoleLink {
            organization: org_id(),
            person: person_id(),
            role: Role::LegalRepresentative,
            from: d(2015, 1, 1),
            until: None,
        },
        &section(),
        d(2019, 1, 7),
    )
    .unwrap();
}

/// `base`, a ¥60,000 fine (R1, the serious list) and the person's warning
/// (R2, ended 3 June 2019), objection O1 to R1 received on 27 September.
fn with_objection(r: &Reg) {
    base(r);
    r.record_misconduct(
        fine(org_id().into(), 60_000, d(2019, 3, 1)),
        &section(),
        d(2019, 3, 4),
    )
    .unwrap();
    r.record_misconduct(
        NewRecord {
            conduct: ConductKind::new("warning"),
            ..fine(person_id().into(), 0, d(2019, 6, 3))
        },
        &section(),
        d(2019, 6, 10),
    )
    .unwrap();
    r.receive_objection(
        RecordId(1),
        Receipt::Written { on: d(2019, 9, 27) },
        "wrong",
        &office(),
    )
    .unwrap();
}

fn step(r: &Reg, step: ObjectionStep, by: &Actor, on: NaiveDate) {
    r.advance_objection(ObjectionId(1), step, by, on).unwrap();
}

fn forward() -> ObjectionStep {
    ObjectionStep::Forward {
        to: Section::SocialOrganizations,
    }
}

fn opinion() -> ObjectionStep {
    ObjectionStep::Opinion {
        finding: Finding::ErrorConfirmed,
        summary: "annulled".into(),
        submitted_on: None,
    }
}

fn notify() -> ObjectionStep {
    ObjectionStep::Notify {
        outcome: Outcome::Revoked {
            reasons: "annulled".into(),
        },
    }
}

fn reply() -> ObjectionStep {
    ObjectionStep::Reply {
        reasons: "the decision was annulled".into(),
    }
}

fn forwarded(r: &Reg) {
    with_objection(r);
    step(r, forward(), &office(), d(2019, 9, 30));
}

fn with_opinion(r: &Reg) {
    forwarded(r);
    step(r, opinion(), &section(), d(2019, 10, 8));
}

fn notified(r: &Reg) {
    with_opinion(r);
    step(r, notify(), &office(), d(2019, 10, 9));
}

fn replied(r: &Reg) {
    notified(r);
    step(r, reply(), &office(), d(2019, 10, 10));
}

/// `base` and a fine under ¥50,000: the activity-abnormal list (L1).
fn abnormal(r: &Reg) {
    base(r);
    r.record_misconduct(
        fine(org_id().into(), 1_000, d(2019, 3, 1)),
        &section(),
        d(2019, 3, 4),
    )
    .unwrap();
}

fn applied(r: &Reg) {
    abnormal(r);
    r.apply_for_list_exit(&org_id().into(), &section(), d(2019, 4, 1))
        .unwrap();
}

fn red_listed(r: &Reg) {
    base(r);
    r.add_to_red_list(&org_id().into(), &office(), d(2019, 5, 1))
        .unwrap();
}

fn signed(r: &Reg) {
    base(r);
    r.sign_commitment(
        &org_id().into(),
        CommitmentKind::SupplyMaterials {
            due: d(2019, 8, 1),
            materials: vec!["accounts".into()],
        },
        "we will supply the accounts",
        &section(),
        d(2019, 7, 1),
    )
    .unwrap();
}

fn reporter() -> Reporter {
    Reporter {
        name: "Li Lei 李雷".into(),
        contact: "13800138000".into(),
    }
}

fn reported(r: &Reg) {
    base(r);
    r.receive_report(
        &org_id().into(),
        "collects fees without a licence",
        reporter(),
        &section(),
        d(2019, 7, 1),
    )
    .unwrap();
}

fn repair_facts() -> RepairFacts {
    // The person's warning (R2), General under the 2019 rules: three months
    // from the decision of 3 June 2019 run out on 3 September.
    RepairFacts {
        decision: PenaltyDecision::new(
            d(2019, 6, 3),
            PenaltyDomain::Other,
            vec![PenaltyKind::Warning],
        ),
        corrected_on: Some(d(2019, 6, 20)),
        effects_removed_on: Some(d(2019, 6, 20)),
        commitment_signed_on: Some(d(2019, 6, 20)),
        training_attended_on: None,
        credit_report_on: None,
    }
}

/// One operation: how to prepare the store (with the capacities that may),
/// how to run it as a given actor, and what it acts on.
struct Case {
    operation: Operation,
    setup: fn(&Reg),
    run: Box<dyn Fn(&Reg, &Actor) -> Result<(), RegistryError>>,
    target: Target,
}

fn case(
    operation: Operation,
    setup: fn(&Reg),
    target: Target,
    run: impl Fn(&Reg, &Actor) -> Result<(), RegistryError> + 'static,
) -> Case {
    Case {
        operation,
        setup,
        run: Box::new(run),
        target,
    }
}

fn cases() -> Vec<Case> {
    let none = Target::none();
    let social = Target::section(Section::SocialOrganizations);
    let nothing: fn(&Reg) = |_| {};
    let advance = |s: ObjectionStep, on: NaiveDate| {
        move |r: &Reg, a: &Actor| {
            r.advance_objection(ObjectionId(1), s.clone(), a, on)
                .map(|_| ())
        }
    };
    vec![
        case(Operation::RegisterSubject, nothing, none, |r, a| {
            r.register_subject(
                Subject::Person(Person {
                    id: person_id(),
                    name: "张伟".into(),
                }),
                a,
                d(2019, 1, 7),
            )
        }),
        case(Operation::LinkPerson, base, none, |r, a| {
            r.link_person(
                RoleLink {
                    organization: org_id(),
                    person: person_id(),
                    role: Role::PrincipalOfficer,
                    from: d(2016, 1, 1),
                    until: None,
                },
                a,
                d(2019, 1, 8),
            )
        }),
        case(Operation::UnlinkPerson, base, none, |r, a| {
            r.unlink_person(
                &org_id(),
                &person_id(),
                Role::LegalRepresentative,
                d(2019, 2, 1),
                a,
                d(2019, 2, 1),
            )
        }),
        case(Operation::RecordMisconduct, base, social, |r, a| {
            r.record_misconduct(
                fine(org_id().into(), 60_000, d(2019, 3, 1)),
                a,
                d(2019, 3, 4),
            )
            .map(|_| ())
        }),
        case(Operation::ImportRecords, base, social, |r, a| {
            r.import_records(
                social_credit::registry::ImportRow::same_day(
                    vec![
                        fine(org_id().into(), 100, d(2019, 3, 1)),
                        fine(org_id().into(), 200, d(2019, 4, 1)),
                    ],
                    d(2019, 4, 4),
                ),
                a,
            )
            .map(|_| ())
        }),
        case(
            Operation::RecordMisconductCertified,
            base,
            social,
            |r, a| {
                r.record_misconduct_certified(
                    fine(org_id().into(), 1_000, d(2019, 3, 1)),
                    "certificate 2019-7 of the supervising unit",
                    a,
                    d(2019, 3, 4),
                )
                .map(|_| ())
            },
        ),
        case(Operation::AddToRedList, base, none, |r, a| {
            r.add_to_red_list(&org_id().into(), a, d(2019, 5, 1))
                .map(|_| ())
        }),
        case(Operation::RemoveFromList, red_listed, none, |r, a| {
            r.remove_from_list(
                &org_id().into(),
                &ListKind::RedList,
                Citation::new("lists.exit", "plan §6(5)"),
                a,
                d(2019, 6, 1),
            )
            .map(|_| ())
        }),
        case(Operation::ApplyForListExit, abnormal, none, |r, a| {
            r.apply_for_list_exit(&org_id().into(), a, d(2019, 4, 1))
                .map(|_| ())
        }),
        case(Operation::VerifyListExit, applied, none, |r, a| {
            r.verify_list_exit(&org_id().into(), a, d(2019, 4, 2))
                .map(|_| ())
        }),
        case(
            Operation::ReceiveObjection,
            |r| {
                with_objection(r);
            },
            none,
            |r, a| {
                r.receive_objection(
                    RecordId(1),
                    Receipt::Written { on: d(2019, 10, 8) },
                    "again",
                    a,
                )
                .map(|_| ())
            },
        ),
        case(
            Operation::ForwardObjection,
            with_objection,
            none,
            advance(forward(), d(2019, 9, 30)),
        ),
        case(
            Operation::SubmitOpinion,
            forwarded,
            social,
            advance(opinion(), d(2019, 10, 8)),
        ),
        case(
            Operation::NotifyApplicant,
            with_opinion,
            social,
            advance(notify(), d(2019, 10, 9)),
        ),
        case(
            Operation::ReplyToSubject,
            notified,
            social,
            advance(reply(), d(2019, 10, 10)),
        ),
        case(
            Operation::CloseObjection,
            replied,
            social,
            advance(ObjectionStep::Close, d(2019, 10, 11)),
        ),
        case(
            Operation::RecordWithdrawal,
            forwarded,
            social,
            advance(ObjectionStep::Withdraw, d(2019, 10, 2)),
        ),
        case(Operation::SignCommitment, base, none, |r, a| {
            r.sign_commitment(
                &org_id().into(),
                CommitmentKind::Credit,
                "we pledge",
                a,
                d(2019, 7, 1),
            )
            .map(|_| ())
        }),
        case(Operation::PublishCommitment, signed, none, |r, a| {
            r.publish_commitment(CommitmentId(1), a, d(2019, 7, 2))
                .map(|_| ())
        }),
        case(Operation::FulfilCommitment, signed, none, |r, a| {
            r.fulfil_commitment(CommitmentId(1), a, d(2019, 7, 20))
                .map(|_| ())
        }),
        case(Operation::ReceiveReport, base, none, |r, a| {
            r.receive_report(&org_id().into(), "tip", reporter(), a, d(2019, 7, 1))
                .map(|_| ())
        }),
        case(Operation::UnsealReporter, reported, none, |r, a| {
            r.unseal_reporter(ReportId(1), a, d(2019, 7, 2)).map(|_| ())
        }),
        case(
            Operation::ApplyRepair,
            |r| {
                with_objection(r);
            },
            social,
            |r, a| {
                r.apply_repair(RecordId(2), &repair_facts(), a, d(2019, 10, 8))
                    .map(|_| ())
            },
        ),
        case(
            Operation::DailySweep,
            |r| {
                with_objection(r);
            },
            none,
            // The person's warning ended 3 June 2019: erased on 4 June 2024.
            |r, a| r.daily_sweep(a, d(2024, 6, 4)).map(|_| ()),
        ),
        case(Operation::ReplaceCalendar, nothing, none, |r, a| {
            r.replace_calendar(ChinaCalendar::official(), a, d(2026, 12, 1))
        }),
        case(Operation::ReplaceRules, nothing, none, |r, a| {
            r.replace_rules(RuleBook::xinzheng_2019(), a, d(2026, 12, 1))
        }),
    ]
}

/// Every operation that changes the store, by every capacity: `Forbidden`
/// (naming the capacity, the operation and the table's rule) exactly where
/// the table refuses, decided before the first write (the store fails it,
/// and the refusal still comes back, the store unchanged); elsewhere the
/// operation passes the check and reaches its first write.
#[test]
fn every_operation_by_every_capacity_as_the_table_says() {
    let table = PermissionTable::xinzheng_2019();
    let cases = cases();
    let covered: BTreeSet<Operation> = cases.iter().map(|c| c.operation).collect();
    let changing: BTreeSet<Operation> =
        Operation::ALL.into_iter().filter(|o| o.changes()).collect();
    assert_eq!(covered, changing, "every changing operation has a case");
    let (mut allowed, mut refused) = (0, 0);
    for c in &cases {
        for capacity in Capacity::ALL {
            let actor = actor_of(capacity);
            let r = registry();
            (c.setup)(&r);
            let before = dump(r.store().inner()).unwrap();
            // Any write fails: a refusal must not have tried one.
            r.store().fail_at(1);
            let result = (c.run)(&r, &actor);
            let expected = table.check(&actor, c.operation, &c.target);
            let what = format!("{} by {capacity}", c.operation);
            match (expected, result) {
                (Ok(_), Err(RegistryError::Store(_))) => allowed += 1,
                (Ok(_), other) => panic!("{what}: allowed, yet {other:?}"),
                (
                    Err(refusal),
                    Err(RegistryError::Forbidden {
                        capacity: got,
                        operation,
                        rule,
                        ..
                    }),
                ) => {
                    refused += 1;
                    assert_eq!((got, operation), (capacity, c.operation), "{what}");
                    assert_eq!(rule, refusal.rule, "{what}");
                    assert_eq!(r.store().writes(), 0, "{what}: a write was tried");
                    assert_eq!(dump(r.store().inner()).unwrap(), before, "{what}");
                }
                (Err(_), other) => panic!("{what}: refused by the table, yet {other:?}"),
            }
        }
    }
    assert_eq!(allowed + refused, changing.len() * Capacity::ALL.len());
    assert!(
        allowed >= changing.len(),
        "each operation is someone's: {allowed}"
    );
    assert!(
        refused > allowed,
        "most pairs are refused: {refused} / {allowed}"
    );
}

/// The key rows, written out by hand (plan §6(1), §6(3), §5(5)1, §6(7)), so
/// that a table that drifted from the plan fails here.
#[test]
fn key_rows_by_hand() {
    use Capacity as C;
    let office = C::Section(Section::Office);
    let social = C::Section(Section::SocialOrganizations);
    let affairs = C::Section(Section::SocialAffairs);
    let rows = [
        // A section records only in its own field; the Office records nothing.
        (Operation::RecordMisconduct, social, true),
        (Operation::RecordMisconduct, affairs, false),
        (Operation::RecordMisconduct, office, false),
        (Operation::ImportRecords, affairs, false),
        // Only the Office receives, forwards, notifies, replies, closes.
        (Operation::ReceiveObjection, office, true),
        (Operation::ReceiveObjection, social, false),
        (Operation::ForwardObjection, social, false),
        (Operation::NotifyApplicant, office, true),
        (Operation::NotifyApplicant, social, false),
        (Operation::ReplyToSubject, social, false),
        (Operation::CloseObjection, C::System, false),
        // Only the providing section gives the opinion and repairs.
        (Operation::SubmitOpinion, social, true),
        (Operation::SubmitOpinion, office, false),
        (Operation::SubmitOpinion, affairs, false),
        (Operation::ApplyRepair, social, true),
        (Operation::ApplyRepair, office, false),
        // Tip-offs: taken by the business sections, read only by the custodian.
        (Operation::ReceiveReport, social, true),
        (Operation::ReceiveReport, office, false),
        (Operation::UnsealReporter, C::TipOffCustodian, true),
        (Operation::UnsealReporter, office, false),
        (Operation::UnsealReporter, social, false),
        // The sweep is the system's; the public changes nothing.
        (Operation::DailySweep, C::System, true),
        (Operation::DailySweep, office, false),
        (Operation::RegisterSubject, C::Public, false),
        (Operation::ReplaceCalendar, office, true),
        (Operation::ReplaceCalendar, social, false),
    ];
    let cases = cases();
    for (operation, capacity, allowed) in rows {
        let c = cases.iter().find(|c| c.operation == operation).unwrap();
        let r = registry();
        (c.setup)(&r);
        let result = (c.run)(&r, &actor_of(capacity));
        let forbidden = matches!(result, Err(RegistryError::Forbidden { .. }));
        assert_eq!(!forbidden, allowed, "{operation} by {capacity}: {result:?}");
    }
}

/// The audit log names an official's account by a pseudonym of the
/// registry's own, the same for every act, never by the account id; a
/// section acting as a unit, and the system, by their capacity.
#[test]
fn the_audit_log_names_officials_by_pseudonym() {
    let r = registry();
    let clerk = Actor::official(
        "wang.fang".parse().unwrap(),
        Capacity::Section(Section::SocialOrganizations),
    )
    .unwrap();
    let desk = Actor::official(
        "li.lei".parse().unwrap(),
        Capacity::Section(Section::Office),
    )
    .unwrap();
    r.register_subject(
        Subject::Organization(Organization {
            uscc: org_id(),
            name: "Example".into(),
            kind: OrganizationKind::SocialAssociation,
            established_on: None,
        }),
        &clerk,
        d(2019, 1, 7),
    )
    .unwrap();
    let rec = r
        .record_misconduct(
            fine(org_id().into(), 60_000, d(2019, 3, 1)),
            &clerk,
            d(2019, 3, 4),
        )
        .unwrap();
    let o = r
        .receive_objection(rec.id, Receipt::Written { on: d(2019, 9, 27) }, "no", &desk)
        .unwrap();
    r.advance_objection(o.id(), forward(), &desk, d(2019, 9, 30))
        .unwrap();
    r.daily_sweep(&Actor::system(), d(2019, 10, 1)).unwrap();
    let log = r.audit_log(0).unwrap();
    let by: Vec<&str> = log.iter().map(|(_, e)| e.by.as_str()).collect();
    let clerk_name = by[0];
    assert!(
        clerk_name.starts_with('A') && clerk_name.ends_with(" as section:social_organizations"),
        "{by:?}"
    );
    // The same pseudonym for the same account; another for another.
    assert!(
        by.iter().filter(|b| **b == clerk_name).count() >= 2,
        "{by:?}"
    );
    assert!(by
        .iter()
        .any(|b| b.ends_with(" as section:office") && *b != clerk_name));
    let text = format!("{log:?}");
    for leak in ["wang", "li.lei"] {
        assert!(!text.contains(leak), "`{leak}` in the log: {text}");
    }
    // The objection's own acts name the officials the same way.
    let o = r.objection(o.id()).unwrap();
    assert!(!o.received_by().contains("li.lei"), "{}", o.received_by());
    assert!(o.received_by().ends_with(" as section:office"));
    let shown = serde_json::to_string(&o).unwrap();
    assert!(
        !shown.contains("li.lei") && !shown.contains("wang"),
        "{shown}"
    );
}

/// plan §5(5)1: the reporter is withheld from every report the registry
/// hands out; only the custodian unseals it, and each unsealing is
/// audited; anyone else is refused and nothing is written.
#[test]
fn only_the_custodian_unseals_a_reporter_and_it_is_audited() {
    let r = registry();
    reported(&r);
    let report = r.report(ReportId(1)).unwrap();
    assert!(report.reporter_identity_confidential().is_none());
    let before = dump(r.store().inner()).unwrap();
    for capacity in Capacity::ALL {
        if capacity == Capacity::TipOffCustodian {
            continue;
        }
        let e = r
            .unseal_reporter(ReportId(1), &actor_of(capacity), d(2019, 7, 2))
            .unwrap_err();
        assert!(
            matches!(
                e,
                RegistryError::Forbidden {
                    operation: Operation::UnsealReporter,
                    ..
                }
            ),
            "{capacity}: {e}"
        );
        assert!(e.to_string().contains("plan §5(5)1"), "{e}");
    }
    assert_eq!(dump(r.store().inner()).unwrap(), before);
    let custodian = actor_of(Capacity::TipOffCustodian);
    let opened = r
        .unseal_reporter(ReportId(1), &custodian, d(2019, 7, 2))
        .unwrap();
    assert_eq!(
        opened.reporter_identity_confidential().unwrap().name,
        "Li Lei 李雷"
    );
    let log = r.audit_log(0).unwrap();
    let (_, last) = log.last().unwrap();
    assert_eq!(last.action.verb(), "read the reporter of");
    assert_eq!(last.basis.source, "plan §5(5)1");
    assert!(last.by.ends_with(" as tip_off_custodian"), "{}", last.by);
    assert!(!format!("{log:?}").contains("Li Lei"));
}

/// A bureau may load its own table: here one where the Office also
/// records findings of any field. The registry grants by it.
#[test]
fn a_registry_grants_by_the_table_it_is_given() {
    let json = include_str!("../data/permissions/xinzheng-2019.json").replacen(
        r#""capacities": ["section:administrative_approval", "section:social_organizations", "section:social_affairs", "section:elderly_care"],
      "scope": "own_section",
      "clause": "plan §6(1)",
      "quote": "各相关业务科室负责确定激励和惩戒对象; plan §8(2)"#,
        r#""capacities": ["section:office"],
      "clause": "a bureau's own rule",
      "quote": "各相关业务科室负责确定激励和惩戒对象; plan §8(2)"#,
        1,
    );
    let table = PermissionTable::from_json(&json).unwrap();
    let r = registry().with_permissions(table);
    base(&r);
    r.record_misconduct(
        fine(org_id().into(), 100, d(2019, 3, 1)),
        &office(),
        d(2019, 3, 4),
    )
    .unwrap();
    let e = r
        .record_misconduct(
            fine(org_id().into(), 100, d(2019, 3, 1)),
            &section(),
            d(2019, 3, 4),
        )
        .unwrap_err();
    assert!(e.to_string().contains("a bureau's own rule"), "{e}");
}
