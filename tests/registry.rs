//! The registry facade over both stores (issue 7): a bureau's operations,
//! atomicity under injected faults, the audit log, sealed tip-offs and the
//! public view.
#![cfg(feature = "test-kit")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::type_complexity
)]

mod common;
use common::registry::*;

#[cfg(feature = "postgres")]
mod pg;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use social_credit::commitment::CommitmentKind;
use social_credit::lists::ListEntryId;
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::objection::{Applicant, Capacity, CreditItem};
use social_credit::objection::{Finding, Outcome, Receipt};
use social_credit::registry::{NewRecord, ObjectionStep, Registry, RegistryError};
use social_credit::store::kit::FaultyStore;
use social_credit::store::{dump, MemoryStore, Store};
use social_credit::tipoff::Reporter;
use social_credit::{Person, RecordStatus, Role, RoleLink, Section, Severity, Subject, SubjectId};

fn run_flow<S: Store>(r: &Registry<S>) {
    register_both(r);
    let org: SubjectId = org_id().into();
    let person: SubjectId = person_id().into();

    // A fine of 60,000 yuan: the serious illegal-and-dishonest list, Severe.
    let rec = r
        .record_misconduct(
            fine(org.clone(), 60_000, d(2019, 3, 1)),
            &who::section(),
            d(2019, 3, 4),
        )
        .unwrap();
    assert_eq!(rec.severity, Severity::Severe);
    assert!(
        rec.graded_by.source.contains("MCA Order No. 60"),
        "{}",
        rec.graded_by
    );

    let a = r.assess(&org, d(2019, 4, 1)).unwrap();
    assert_eq!(a.worst_severity, Some(Severity::Severe));
    assert!(a.key_supervision);
    assert!(a
        .measures
        .iter()
        .any(|m| m.id == "sanction.no_fiscal_funding"));
    // Plan §5(6): the legal representative is reached.
    let p = r.assess(&person, d(2019, 4, 1)).unwrap();
    assert!(
        p.measures.iter().any(|m| m.records.contains(&rec.id)),
        "{p:?}"
    );

    // An objection, found right: the record is revoked and the Office learns what to restore.
    let o = r
        .receive_objection(
            rec.id,
            Receipt::Written { on: d(2019, 9, 27) },
            "the fine was annulled on review",
            &who::office(),
        )
        .unwrap();
    assert_eq!(
        o.objection.deadlines(&*r.calendar()).unwrap().reply_by,
        Some(d(2019, 10, 18))
    );
    r.advance_objection(
        o.id(),
        ObjectionStep::Forward {
            to: Section::SocialOrganizations,
        },
        &who::office(),
        d(2019, 9, 30),
    )
    .unwrap();
    r.advance_objection(
        o.id(),
        ObjectionStep::Opinion {
            finding: Finding::ErrorConfirmed,
            summary: "the decision was annulled on 2019-09-20".into(),
            submitted_on: None,
        },
        &who::section(),
        d(2019, 10, 9),
    )
    .unwrap();
    r.advance_objection(
        o.id(),
        ObjectionStep::Notify {
            outcome: Outcome::Revoked {
                reasons: "the penalty decision was annulled".into(),
            },
        },
        &who::office(),
        d(2019, 10, 10),
    )
    .unwrap();
    assert_eq!(r.record(rec.id).unwrap().status(), RecordStatus::Revoked);
    let restore = r.restoration(rec.id).unwrap();
    assert!(restore
        .measures
        .iter()
        .any(|(id, from, _)| id == "sanction.no_fiscal_funding" && *from == d(2019, 3, 4)));
    let a = r.assess(&org, d(2019, 10, 11)).unwrap();
    assert_eq!(a.worst_severity, None);

    // A wrong step is refused and changes nothing.
    let before = dump(r.store()).unwrap();
    let err = r
        .advance_objection(
            o.id(),
            ObjectionStep::Forward {
                to: Section::SocialAffairs,
            },
            &who::office(),
            d(2019, 10, 11),
        )
        .unwrap_err();
    assert!(matches!(err, RegistryError::Objection(_)), "{err}");
    assert_eq!(dump(r.store()).unwrap(), before);

    // A pledge under accept-pending-materials, flagged once overdue.
    let pledge = r
        .sign_commitment(
            &org,
            CommitmentKind::SupplyMaterials {
                due: d(2019, 11, 15),
                materials: vec!["audited accounts".into()],
            },
            "We will supply the audited accounts by 15 November 2019.",
            &social_credit::Actor::section(Section::AdministrativeApproval),
            d(2019, 11, 1),
        )
        .unwrap();
    assert!(r
        .daily_sweep(&who::system(), d(2019, 11, 15))
        .unwrap()
        .overdue_pledges
        .is_empty());
    let sweep = r.daily_sweep(&who::system(), d(2019, 11, 16)).unwrap();
    assert_eq!(sweep.overdue_pledges.len(), 1);
    assert_eq!(sweep.overdue_pledges[0].id, pledge.id);

    // A personal record, erased the day after its fifth anniversary.
    let personal = r
        .record_misconduct(
            NewRecord {
                conduct: ConductKind::new("warning"),
                ..fine(person.clone(), 0, d(2019, 6, 3))
            },
            &who::section(),
            d(2019, 6, 10),
        )
        .unwrap();
    assert!(r
        .daily_sweep(&who::system(), d(2024, 6, 3))
        .unwrap()
        .erased
        .is_empty());
    let sweep = r.daily_sweep(&who::system(), d(2024, 6, 4)).unwrap();
    assert_eq!(sweep.erased, vec![personal.id]);
    // Only the tombstone is left (issue 13: the record itself goes).
    assert!(matches!(
        r.record(personal.id),
        Err(RegistryError::Erased { on, .. }) if on == d(2024, 6, 4)
    ));
    let tombstone = r.erasure(personal.id).unwrap().unwrap();
    assert_eq!(tombstone.erased_on, d(2024, 6, 4));
    assert_eq!(tombstone.basis.rule, "retention.personal_five_years");
    let log = r.audit_log(0).unwrap();
    let erasure = log
        .iter()
        .find(|(_, e)| e.target == personal.id.into() && e.action.verb() == "erased")
        .unwrap();
    let text = serde_json::to_string(&erasure.1).unwrap();
    assert!(
        !text.contains("membership fees") && !text.contains(person_id().as_str()),
        "{text}"
    );
}

#[test]
fn a_bureau_flow_on_the_memory_store() {
    run_flow(&with_personal_rules(MemoryStore::new()));
}

#[cfg(feature = "sqlite")]
#[test]
fn a_bureau_flow_on_the_sqlite_store() {
    run_flow(&with_personal_rules(
        social_credit::store::SqliteStore::open_in_memory().unwrap(),
    ));
}

#[cfg(feature = "postgres")]
#[test]
fn a_bureau_flow_on_the_postgres_store() {
    let Some(schemas) = pg::schemas("flow") else {
        return;
    };
    run_flow(&with_personal_rules(schemas.store()));
}

/// plan §6(3): an objection finds a 60,000-yuan fine was 6,000 yuan. The
/// correction regrades the record 一般 from the day the applicant is
/// notified; the section that provided it owes restoration of what the 严重
/// grade (and the blacklisting it caused, MCA Order No. 60 (2018) art. 19)
/// applied, to the organization and to its legal representative (§5(6)).
#[test]
fn a_correction_that_lowers_the_severity_is_restored_for_the_organization_and_its_people() {
    let r = Registry::official(MemoryStore::new());
    register_both(&r);
    let org: SubjectId = org_id().into();
    let person: SubjectId = person_id().into();
    let rec = r
        .record_misconduct(
            fine(org.clone(), 60_000, d(2019, 3, 1)),
            &who::section(),
            d(2019, 3, 4),
        )
        .unwrap();
    assert_eq!(rec.severity, Severity::Severe);
    let o = r
        .receive_objection(
            rec.id,
            Receipt::Written { on: d(2019, 9, 27) },
            "the fine was 6,000 yuan",
            &who::office(),
        )
        .unwrap();
    for (step, by, on) in [
        (
            ObjectionStep::Forward {
                to: Section::SocialOrganizations,
            },
            &who::office(),
            d(2019, 9, 30),
        ),
        (
            ObjectionStep::Opinion {
                finding: Finding::ErrorConfirmed,
                summary: "the decision states 6,000 yuan".into(),
                submitted_on: None,
            },
            &who::section(),
            d(2019, 10, 9),
        ),
        (
            ObjectionStep::Notify {
                outcome: Outcome::Corrected {
                    corrected: RecordContent {
                        description: "collected membership fees above the approved standard".into(),
                        legal_basis:
                            "Regulations on the Registration of Social Organizations art. 30".into(),
                        evidence: vec!["XZMZ-2019-0042".into()],
                        fine: Some(Decimal::from(6_000)),
                    },
                    severity: Some(Severity::General),
                    reasons: "the decision document states 6,000 yuan".into(),
                },
            },
            &who::office(),
            d(2019, 10, 10),
        ),
    ] {
        r.advance_objection(o.id(), step, by, on).unwrap();
    }
    let stored = r.record(rec.id).unwrap();
    assert_eq!(stored.status(), RecordStatus::Corrected);
    assert_eq!(
        stored.severity,
        Severity::Severe,
        "the graded severity is kept"
    );
    assert_eq!(stored.corrected_severity, Some(Severity::General));

    let before = r.assess(&org, d(2019, 10, 9)).unwrap();
    assert_eq!(before.worst_severity, Some(Severity::Severe));
    let after = r.assess(&org, d(2019, 10, 10)).unwrap();
    assert_eq!(after.worst_severity, Some(Severity::General));
    assert!(!after.key_supervision);
    assert!(!after
        .measures
        .iter()
        .any(|m| m.id == "sanction.no_fiscal_funding"));
    let view = r.public_view(&org, d(2019, 10, 10)).unwrap();
    assert_eq!(view.records[0].severity, Severity::General);
    let p = r.assess(&person, d(2019, 10, 10)).unwrap();
    assert!(!p.measures.iter().any(|m| m.records.contains(&rec.id)));

    let restore = r.restoration(rec.id).unwrap();
    assert_eq!(restore.owed_by, Section::SocialOrganizations);
    for id in ["sanction.key_supervision", "sanction.no_fiscal_funding"] {
        assert!(
            restore
                .measures
                .iter()
                .any(|(m, from, until)| m == id
                    && (*from, *until) == (d(2019, 3, 4), d(2019, 10, 9))),
            "{id}: {:?}",
            restore.measures
        );
    }
    assert!(
        !restore
            .measures
            .iter()
            .any(|(m, _, _)| m == "sanction.industry_criticism"),
        "a general record grounds it too"
    );
    assert_eq!(restore.persons.len(), 1);
    let (masked, ranges) = &restore.persons[0];
    assert!(!masked.contains(&person_id().to_string()));
    assert!(ranges
        .iter()
        .any(|(m, from, _)| m == "sanction.personal_credit_record" && *from == d(2019, 3, 4)));
}

#[test]
fn no_record_without_a_rule() {
    let r = Registry::official(MemoryStore::new());
    register_both(&r);
    let mut new = fine(org_id().into(), 100, d(2019, 3, 1));
    new.conduct = ConductKind::new("littering");
    let before = dump(r.store()).unwrap();
    let err = r
        .record_misconduct(new, &who::section(), d(2019, 3, 4))
        .unwrap_err();
    assert!(matches!(err, RegistryError::Ungraded { .. }), "{err}");
    assert!(err.to_string().contains("`littering`"), "{err}");
    assert_eq!(dump(r.store()).unwrap(), before);
}

#[test]
fn unregistered_subjects_are_refused() {
    let r = Registry::official(MemoryStore::new());
    let err = r
        .record_misconduct(
            fine(org_id().into(), 100, d(2019, 3, 1)),
            &who::section(),
            d(2019, 3, 4),
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            RegistryError::NotFound {
                what: "subject",
                ..
            }
        ),
        "{err}"
    );
    let err = r.assess(&person_id().into(), d(2020, 1, 1)).unwrap_err();
    assert!(!err.to_string().contains(person_id().as_str()), "{err}");
}

#[test]
fn tip_offs_stay_sealed_everywhere() {
    let r = Registry::official(MemoryStore::new());
    register_both(&r);
    let org: SubjectId = org_id().into();
    let id = r
        .receive_report(
            &org,
            "charges members unlawful fees",
            Reporter {
                name: "Li Lei 李雷".into(),
                contact: "13800138000".into(),
            },
            &who::section(),
            d(2020, 5, 6),
        )
        .unwrap();
    // Withheld from everyone but the custodian, who reads it audited.
    assert!(r
        .report(id)
        .unwrap()
        .reporter_identity_confidential()
        .is_none());
    let custodian = social_credit::Actor::official(
        "u-7".parse().unwrap(),
        social_credit::actor::Capacity::TipOffCustodian,
    )
    .unwrap();
    let report = r.unseal_reporter(id, &custodian, d(2020, 5, 7)).unwrap();
    assert_eq!(
        report.reporter_identity_confidential().unwrap().name,
        "Li Lei 李雷"
    );
    let outputs = [
        format!("{report:?}"),
        report.to_string(),
        serde_json::to_string(&report).unwrap(),
        serde_json::to_string(
            &r.audit_log(0)
                .unwrap()
                .iter()
                .map(|(_, e)| e.to_string())
                .collect::<Vec<_>>(),
        )
        .unwrap(),
        format!("{:?}", r.audit_log(0).unwrap()),
        serde_json::to_string(&r.public_view(&org, d(2020, 5, 7)).unwrap()).unwrap(),
    ];
    for out in outputs {
        assert!(
            !out.contains("Li Lei") && !out.contains("李雷") && !out.contains("13800138000"),
            "{out}"
        );
    }
}

#[test]
fn the_public_view_masks_persons_and_hides_content() {
    let r = with_personal_rules(MemoryStore::new());
    register_both(&r);
    let person: SubjectId = person_id().into();
    r.record_misconduct(
        NewRecord {
            conduct: ConductKind::new("warning"),
            ..fine(person.clone(), 0, d(2020, 6, 3))
        },
        &who::section(),
        d(2020, 6, 10),
    )
    .unwrap();
    let view = r.public_view(&person, d(2020, 7, 1)).unwrap();
    let text = serde_json::to_string(&view).unwrap();
    assert_eq!(view.id, person_id().masked());
    assert_eq!(view.name, "张*");
    assert_eq!(view.records.len(), 1);
    for secret in [
        person_id().as_str(),
        "张伟",
        "membership fees",
        "XZMZ-2019-0042",
        "art. 30",
    ] {
        assert!(!text.contains(secret), "`{secret}` in {text}");
    }
}

/// Runs `op` against a fresh store prepared by `setup`, failing its 1st,
/// 2nd, … write in turn: each failing run must leave the store exactly as
/// before; the loop ends when the op succeeds (having more writes than k).
fn assert_atomic<S: Store>(
    name: &str,
    make: &dyn Fn() -> S,
    setup: &dyn Fn(&Registry<FaultyStore<S>>),
    op: &dyn Fn(&Registry<FaultyStore<S>>) -> Result<(), RegistryError>,
) {
    if name.starts_with("daily_sweep") {
        return assert_resumable(name, make, setup, op);
    }
    for k in 1.. {
        let r = with_personal_rules(FaultyStore::new(make()));
        setup(&r);
        let before = dump(r.store().inner()).unwrap();
        r.store().fail_at(k);
        match op(&r) {
            Ok(()) => {
                assert!(k > 1, "{name}: the operation wrote nothing");
                return;
            }
            Err(e) => {
                assert!(
                    matches!(e, RegistryError::Store(_)),
                    "{name}: failed for another reason: {e}"
                );
                assert_eq!(
                    dump(r.store().inner()).unwrap(),
                    before,
                    "{name}: write {k} failed and left a change"
                );
            }
        }
        assert!(k < 10_000, "{name}: never succeeded");
    }
}

/// The daily sweep is not one transaction but one per subject due (issue
/// 19): failing its 1st, 2nd, … write in turn, then running it again, must
/// end in the state (its kept report included) of a run that never failed.
/// Audit entries are compared without their numbers: a store may number
/// them from a sequence, which does not give back the numbers of a
/// rolled-back transaction.
fn assert_resumable<S: Store>(
    name: &str,
    make: &dyn Fn() -> S,
    setup: &dyn Fn(&Registry<FaultyStore<S>>),
    op: &dyn Fn(&Registry<FaultyStore<S>>) -> Result<(), RegistryError>,
) {
    let state = |r: &Registry<FaultyStore<S>>| {
        let mut dump = dump(r.store().inner()).unwrap();
        let audit: Vec<String> = dump.audit.drain(..).map(|(_, e)| e).collect();
        (dump, audit)
    };
    let reference = {
        let r = with_personal_rules(FaultyStore::new(make()));
        setup(&r);
        op(&r).unwrap();
        state(&r)
    };
    for k in 1.. {
        let r = with_personal_rules(FaultyStore::new(make()));
        setup(&r);
        r.store().fail_at(k);
        match op(&r) {
            Ok(()) => {
                assert!(k > 1, "{name}: the operation wrote nothing");
                return;
            }
            Err(e) => {
                assert!(
                    matches!(e, RegistryError::Store(_)),
                    "{name}: failed for another reason: {e}"
                );
                r.store().heal();
                op(&r).unwrap();
                assert!(
                    state(&r) == reference,
                    "{name}: write {k} failed, and the run after it did not end as an uninterrupted run"
                );
            }
        }
        assert!(k < 10_000, "{name}: never succeeded");
    }
}

type Op<S> = (
    &'static str,
    Box<dyn Fn(&Registry<FaultyStore<S>>)>,
    Box<dyn Fn(&Registry<FaultyStore<S>>) -> Result<(), RegistryError>>,
);

fn every_operation<S: Store + 'static>() -> Vec<Op<S>> {
    let none =
        || Box::new(|_: &Registry<FaultyStore<S>>| {}) as Box<dyn Fn(&Registry<FaultyStore<S>>)>;
    let both = || {
        Box::new(|r: &Registry<FaultyStore<S>>| register_both(r))
            as Box<dyn Fn(&Registry<FaultyStore<S>>)>
    };
    let with_record = || {
        Box::new(|r: &Registry<FaultyStore<S>>| with_record_setup(r))
            as Box<dyn Fn(&Registry<FaultyStore<S>>)>
    };
    vec![
        (
            "register_subject",
            none(),
            Box::new(|r| {
                r.register_subject(
                    Subject::Person(Person {
                        id: person_id(),
                        name: "张伟".into(),
                    }),
                    &who::clerk(),
                    d(2019, 1, 7),
                )
            }),
        ),
        (
            "link_person",
            both(),
            Box::new(|r| {
                r.link_person(
                    RoleLink {
                        organization: org_id(),
                        person: person_id(),
                        role: Role::PrincipalOfficer,
                        from: d(2016, 1, 1),
                        until: None,
                    },
                    &who::clerk(),
                    d(2019, 1, 8),
                )
            }),
        ),
        (
            "unlink_person",
            both(),
            Box::new(|r| {
                r.unlink_person(
                    &org_id(),
                    &person_id(),
                    Role::LegalRepresentative,
                    d(2019, 2, 1),
                    &who::clerk(),
                    d(2019, 2, 1),
                )
            }),
        ),
        (
            "record_misconduct",
            both(),
            Box::new(|r| {
                r.record_misconduct(
                    fine(org_id().into(), 60_000, d(2019, 3, 1)),
                    &who::section(),
                    d(2019, 3, 4),
                )
                .map(|_| ())
            }),
        ),
        (
            "import_records",
            both(),
            Box::new(|r| {
                r.import_records(
                    social_credit::registry::ImportRow::same_day(
                        vec![
                            fine(org_id().into(), 100, d(2019, 3, 1)),
                            fine(org_id().into(), 200, d(2019, 4, 1)),
                        ],
                        d(2019, 4, 4),
                    ),
                    &who::section(),
                )
                .map(|_| ())
            }),
        ),
        (
            "add_to_red_list",
            both(),
            Box::new(|r| {
                r.add_to_red_list(&org_id().into(), &who::office(), d(2019, 5, 1))
                    .map(|_| ())
            }),
        ),
        (
            "receive_objection",
            with_record(),
            Box::new(|r| {
                r.receive_objection(
                    social_credit::RecordId(1),
                    Receipt::Written { on: d(2019, 10, 8) },
                    "again",
                    &who::office(),
                )
                .map(|_| ())
            }),
        ),
        (
            "advance_objection (notify, revoking the record)",
            with_record(),
            Box::new(|r| {
                r.advance_objection(
                    social_credit::objection::ObjectionId(1),
                    ObjectionStep::Notify {
                        outcome: Outcome::Revoked {
                            reasons: "annulled".into(),
                        },
                    },
                    &who::office(),
                    d(2019, 10, 9),
                )
                .map(|_| ())
            }),
        ),
        (
            "sign_commitment",
            both(),
            Box::new(|r| {
                r.sign_commitment(
                    &org_id().into(),
                    CommitmentKind::Credit,
                    "we pledge",
                    &who::section(),
                    d(2019, 7, 1),
                )
                .map(|_| ())
            }),
        ),
        (
            "publish_commitment",
            with_record(),
            Box::new(|r| {
                r.publish_commitment(
                    social_credit::commitment::CommitmentId(1),
                    &who::office(),
                    d(2019, 7, 2),
                )
                .map(|_| ())
            }),
        ),
        (
            "advance_objection (forward)",
            {
                let base = with_record();
                Box::new(move |r: &Registry<FaultyStore<S>>| {
                    base(r);
                    r.receive_objection(
                        social_credit::RecordId(2),
                        Receipt::Written { on: d(2019, 9, 27) },
                        "again",
                        &who::office(),
                    )
                    .unwrap();
                }) as Box<dyn Fn(&Registry<FaultyStore<S>>)>
            },
            Box::new(|r| {
                r.advance_objection(
                    social_credit::objection::ObjectionId(2),
                    ObjectionStep::Forward {
                        to: Section::SocialAffairs,
                    },
                    &who::office(),
                    d(2019, 9, 30),
                )
                .map(|_| ())
            }),
        ),
        (
            "fulfil_commitment",
            Box::new(|r: &Registry<FaultyStore<S>>| {
                register_both(r);
                r.sign_commitment(
                    &org_id().into(),
                    CommitmentKind::SupplyMaterials {
                        due: d(2019, 8, 1),
                        materials: vec!["accounts".into()],
                    },
                    "we will supply the accounts",
                    &who::section(),
                    d(2019, 7, 1),
                )
                .unwrap();
            }),
            Box::new(|r| {
                r.fulfil_commitment(
                    social_credit::commitment::CommitmentId(1),
                    &who::section(),
                    d(2019, 7, 20),
                )
                .map(|_| ())
            }),
        ),
        (
            "apply_repair",
            with_record(),
            Box::new(|r| {
                use social_credit::repair::{
                    PenaltyDecision, PenaltyDomain, PenaltyKind, RepairFacts,
                };
                // The personal warning (R2), General under the 2019 rules: three
                // months from the decision of 3 June 2019 run out on 3 September.
                let facts = RepairFacts {
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
                };
                r.apply_repair(
                    social_credit::RecordId(2),
                    &facts,
                    &who::section(),
                    d(2019, 10, 8),
                )
                .map(|_| ())
            }),
        ),
        (
            "receive_report",
            both(),
            Box::new(|r| {
                r.receive_report(
                    &org_id().into(),
                    "tip",
                    Reporter {
                        name: "x".into(),
                        contact: "y".into(),
                    },
                    &who::section(),
                    d(2019, 7, 1),
                )
                .map(|_| ())
            }),
        ),
        (
            "daily_sweep (erasing)",
            with_record(),
            Box::new(|r| r.daily_sweep(&who::system(), d(2024, 6, 4)).map(|_| ())),
        ),
        (
            "receive_objection_about (a list entry, by an agent)",
            with_record(),
            Box::new(|r| {
                r.receive_objection_about(
                    CreditItem::ListEntry(ListEntryId(1)),
                    Applicant::Representative {
                        capacity: Capacity::Agent,
                        reference: "A-7".into(),
                    },
                    Receipt::Written { on: d(2019, 9, 27) },
                    "listed in error",
                    &who::office(),
                )
                .map(|_| ())
            }),
        ),
        (
            "advance_objection (notify, revoking a listing)",
            with_listing_objection(),
            Box::new(|r| {
                r.advance_objection(
                    social_credit::objection::ObjectionId(2),
                    ObjectionStep::Notify {
                        outcome: Outcome::Revoked {
                            reasons: "annulled".into(),
                        },
                    },
                    &who::office(),
                    d(2019, 10, 9),
                )
                .map(|_| ())
            }),
        ),
        (
            "advance_objection (reply to the subject)",
            Box::new(|r: &Registry<FaultyStore<S>>| {
                with_record_setup(r);
                r.advance_objection(
                    social_credit::objection::ObjectionId(1),
                    ObjectionStep::Notify {
                        outcome: Outcome::Revoked {
                            reasons: "annulled".into(),
                        },
                    },
                    &who::office(),
                    d(2019, 10, 9),
                )
                .unwrap();
            }),
            Box::new(|r| {
                r.advance_objection(
                    social_credit::objection::ObjectionId(1),
                    ObjectionStep::Reply {
                        reasons: "the decision was annulled".into(),
                    },
                    &who::office(),
                    d(2019, 10, 10),
                )
                .map(|_| ())
            }),
        ),
    ]
}

/// Both subjects registered, the ¥60,000 fine recorded (serious-list entry
/// L1), objection O1 to it forwarded and with the section's opinion, and the
/// rest of the common setup.
fn with_record_setup<S: Store>(r: &Registry<FaultyStore<S>>) {
    register_both(r);
    r.record_misconduct(
        fine(org_id().into(), 60_000, d(2019, 3, 1)),
        &who::section(),
        d(2019, 3, 4),
    )
    .unwrap();
    r.receive_objection(
        social_credit::RecordId(1),
        Receipt::Written { on: d(2019, 9, 27) },
        "wrong",
        &who::office(),
    )
    .unwrap();
    r.advance_objection(
        social_credit::objection::ObjectionId(1),
        ObjectionStep::Forward {
            to: Section::SocialOrganizations,
        },
        &who::office(),
        d(2019, 9, 30),
    )
    .unwrap();
    r.advance_objection(
        social_credit::objection::ObjectionId(1),
        ObjectionStep::Opinion {
            finding: Finding::ErrorConfirmed,
            summary: "annulled".into(),
            submitted_on: None,
        },
        &who::section(),
        d(2019, 10, 8),
    )
    .unwrap();
    r.record_misconduct(
        NewRecord {
            conduct: ConductKind::new("warning"),
            ..fine(person_id().into(), 0, d(2019, 6, 3))
        },
        &who::section(),
        d(2019, 6, 10),
    )
    .unwrap();
    r.sign_commitment(
        &org_id().into(),
        CommitmentKind::Credit,
        "we pledge",
        &who::section(),
        d(2019, 7, 1),
    )
    .unwrap();
}

/// `with_record`, plus objection O2 by an agent to the serious-list entry L1
/// the ¥60,000 fine made, forwarded and with the section's opinion.
fn with_listing_objection<S: Store + 'static>() -> Box<dyn Fn(&Registry<FaultyStore<S>>)> {
    Box::new(move |r| {
        with_record_setup(r);
        r.receive_objection_about(
            CreditItem::ListEntry(ListEntryId(1)),
            Applicant::Representative {
                capacity: Capacity::Agent,
                reference: "A-7".into(),
            },
            Receipt::Written { on: d(2019, 9, 27) },
            "listed in error",
            &who::office(),
        )
        .unwrap();
        r.advance_objection(
            social_credit::objection::ObjectionId(2),
            ObjectionStep::Forward {
                to: Section::SocialOrganizations,
            },
            &who::office(),
            d(2019, 9, 30),
        )
        .unwrap();
        r.advance_objection(
            social_credit::objection::ObjectionId(2),
            ObjectionStep::Opinion {
                finding: Finding::ErrorConfirmed,
                summary: "annulled".into(),
                submitted_on: Some(d(2019, 10, 7)),
            },
            &who::section(),
            d(2019, 10, 8),
        )
        .unwrap();
    })
}

#[test]
fn every_operation_is_atomic_on_the_memory_store() {
    for (name, setup, op) in every_operation::<MemoryStore>() {
        assert_atomic(name, &MemoryStore::new, &*setup, &*op);
    }
}

#[cfg(feature = "sqlite")]
#[test]
fn every_operation_is_atomic_on_the_sqlite_store() {
    use social_credit::store::SqliteStore;
    let make = || SqliteStore::open_in_memory().unwrap();
    for (name, setup, op) in every_operation::<SqliteStore>() {
        assert_atomic(name, &make, &*setup, &*op);
    }
}

#[cfg(feature = "postgres")]
#[test]
fn every_operation_is_atomic_on_the_postgres_store() {
    use social_credit::store::PostgresStore;
    let Some(schemas) = pg::schemas("atomic") else {
        return;
    };
    let make = || schemas.store_with(1);
    for (name, setup, op) in every_operation::<PostgresStore>() {
        assert_atomic(name, &make, &*setup, &*op);
    }
}

#[test]
fn the_audit_log_names_who_when_what_and_why() {
    let r = Registry::official(MemoryStore::new());
    register_both(&r);
    r.record_misconduct(
        fine(org_id().into(), 1_000, d(2019, 3, 1)),
        &who::section(),
        d(2019, 3, 4),
    )
    .unwrap();
    let log = r.audit_log(0).unwrap();
    let (_, last) = log.last().unwrap();
    assert_eq!(last.by, "section:social_organizations");
    assert_eq!(last.on, d(2019, 3, 4));
    assert!(last.basis.source.contains("MCA Order No. 60"), "{last}");
    // Sequence numbers are 1, 2, 3, … and entries only accumulate.
    let seqs: Vec<u64> = log.iter().map(|(s, _)| *s).collect();
    assert_eq!(seqs, (1..=log.len() as u64).collect::<Vec<_>>());
    // A person appears masked.
    let text = format!("{log:?}");
    assert!(!text.contains(person_id().as_str()), "{text}");
}

#[test]
fn a_penalty_decision_opens_a_repair_window() {
    use social_credit::repair::{PenaltyDecision, PenaltyDomain, PenaltyKind};
    let r = Registry::official(MemoryStore::new());
    register_both(&r);
    let mut new = fine(org_id().into(), 60_000, d(2019, 3, 1));
    new.decision = Some(PenaltyDecision::new(
        d(2019, 3, 1),
        PenaltyDomain::Other,
        vec![PenaltyKind::Fine],
    ));
    let rec = r
        .record_misconduct(new, &who::section(), d(2019, 3, 4))
        .unwrap();
    let windows = r
        .with_assessment(&org_id().into(), d(2019, 4, 1), |a| {
            a.repair_windows()
                .map(|w| (w.record.id, w.next_opening))
                .collect::<Vec<_>>()
        })
        .unwrap();
    // Severe under the 2019 rules (发改办财金〔2019〕527号): six months from the
    // decision of 1 March 2019 end on 1 September; applications from 2 September.
    assert_eq!(windows, vec![(rec.id, Some(d(2019, 9, 2)))]);
}

#[test]
fn an_objection_to_a_published_commitment_corrects_its_text_and_answers_twice() {
    use social_credit::audit::{AuditAction, AuditTarget};
    use social_credit::commitment::CommitmentId;
    use social_credit::quarterly::ReportingRule;
    let r = Registry::official(MemoryStore::new());
    register_both(&r);
    let c = r
        .sign_commitment(
            &org_id().into(),
            CommitmentKind::Credit,
            "we pledge",
            &who::section(),
            d(2019, 7, 1),
        )
        .unwrap();
    r.publish_commitment(c.id, &who::office(), d(2019, 7, 2))
        .unwrap();
    // The legal representative objects for the organization (plan §6(3)).
    let o = r
        .receive_objection_about(
            CreditItem::Commitment(c.id),
            Applicant::Representative {
                capacity: Capacity::LegalRepresentative,
                reference: "XZMZ-2019-77".into(),
            },
            Receipt::Written { on: d(2019, 9, 27) },
            "the published text was cut short",
            &who::office(),
        )
        .unwrap();
    assert_eq!(o.objection.subject(), &SubjectId::from(org_id()));
    // The Office published it (plan §4(1)): it verifies its own item.
    let step = |s, on| r.advance_objection(o.id(), s, &who::office(), on).unwrap();
    step(
        ObjectionStep::Forward {
            to: Section::Office,
        },
        d(2019, 9, 30),
    );
    step(
        ObjectionStep::Opinion {
            finding: Finding::ErrorConfirmed,
            summary: "cut short on upload".into(),
            submitted_on: None,
        },
        d(2019, 10, 8),
    );
    step(
        ObjectionStep::Notify {
            outcome: Outcome::CommitmentCorrected {
                text: "we pledge to file annual reports on time".into(),
                reasons: "the text was cut short on upload".into(),
            },
        },
        d(2019, 10, 9),
    );
    let done = step(
        ObjectionStep::Reply {
            reasons: "the published text is corrected".into(),
        },
        d(2019, 10, 9),
    );
    assert_eq!(done.objection.replied().unwrap().on, d(2019, 10, 9));
    let view = r.public_view(&org_id().into(), d(2019, 10, 9)).unwrap();
    assert_eq!(
        view.commitments,
        vec![(
            d(2019, 7, 1),
            "we pledge to file annual reports on time".to_owned()
        )]
    );
    let log = r.audit_log(0).unwrap();
    assert!(log.iter().any(|(_, e)| e.action == AuditAction::Corrected
        && e.target == AuditTarget::Commitment(CommitmentId(1))
        && e.basis.rule == "objection.correct"));
    // Nothing late in Q4 2019 for any section; the Office reports too.
    let report = r.quarterly_report(&ReportingRule::plan(), 2019, 4).unwrap();
    assert_eq!(report.len(), 5);
    assert!(report
        .iter()
        .all(|(_, l)| l.late_count() == 0 && l.overdue_at_end.is_empty()));
    assert!(r
        .overdue_objection_steps(d(2019, 10, 31))
        .unwrap()
        .is_empty());
}

// ---- issue 19 point 4: shardable by subject ----------------------------------

/// What one transaction touched: the subjects of the documents it read or
/// wrote, and what it did beyond one subject's documents (a table scan, a
/// due-day page, a document about no subject). Counters and the audit log
/// are global by design and not listed.
#[derive(Debug, Default, Clone)]
struct Touch {
    subjects: std::collections::BTreeSet<String>,
    global: Vec<String>,
}

/// A memory store that records what each transaction touches, for proving
/// that an operation stays on one shard when the store is split by subject.
#[derive(Default)]
struct Recording {
    inner: MemoryStore,
    log: std::sync::Mutex<Vec<Touch>>,
}

struct RecordingTx<'a> {
    inner: &'a mut dyn social_credit::store::Transaction,
    touch: Touch,
}

impl RecordingTx<'_> {
    fn note(&mut self, table: social_credit::store::Table, key: &str, subject: Option<&str>) {
        match subject {
            Some(s) => {
                self.touch.subjects.insert(s.to_owned());
            }
            None => self
                .touch
                .global
                .push(format!("{table}/{key} (about no subject)")),
        }
    }
}

impl social_credit::store::Transaction for RecordingTx<'_> {
    fn get(
        &mut self,
        table: social_credit::store::Table,
        key: &str,
    ) -> Result<Option<social_credit::store::Doc>, social_credit::store::StoreError> {
        let doc = self.inner.get(table, key)?;
        if let Some(d) = &doc {
            self.note(table, key, d.subject.as_deref());
        }
        Ok(doc)
    }
    fn put(
        &mut self,
        table: social_credit::store::Table,
        key: &str,
        doc: social_credit::store::Doc,
    ) -> Result<(), social_credit::store::StoreError> {
        self.note(table, key, doc.subject.as_deref());
        self.inner.put(table, key, doc)
    }
    fn delete(
        &mut self,
        table: social_credit::store::Table,
        key: &str,
    ) -> Result<bool, social_credit::store::StoreError> {
        if let Some(d) = self.inner.get(table, key)? {
            self.note(table, key, d.subject.as_deref());
        }
        self.inner.delete(table, key)
    }
    fn scan(
        &mut self,
        table: social_credit::store::Table,
        subject: Option<&str>,
    ) -> Result<Vec<(String, social_credit::store::Doc)>, social_credit::store::StoreError> {
        match subject {
            Some(s) => {
                self.touch.subjects.insert(s.to_owned());
            }
            None => self.touch.global.push(format!("scan of {table}")),
        }
        self.inner.scan(table, subject)
    }
    fn next_id(
        &mut self,
        table: social_credit::store::Table,
    ) -> Result<u64, social_credit::store::StoreError> {
        self.inner.next_id(table)
    }
    fn append_audit(&mut self, entry: String) -> Result<u64, social_credit::store::StoreError> {
        self.inner.append_audit(entry)
    }
    fn audit_since(
        &mut self,
        after: u64,
    ) -> Result<Vec<(u64, String)>, social_credit::store::StoreError> {
        self.inner.audit_since(after)
    }
    fn set_due(
        &mut self,
        table: social_credit::store::Table,
        key: &str,
        on: Option<NaiveDate>,
    ) -> Result<(), social_credit::store::StoreError> {
        if let Some(d) = self.inner.get(table, key)? {
            self.note(table, key, d.subject.as_deref());
        }
        self.inner.set_due(table, key, on)
    }
    fn due(
        &mut self,
        table: social_credit::store::Table,
        up_to: NaiveDate,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<social_credit::store::Due>, social_credit::store::StoreError> {
        self.touch.global.push(format!("due page of {table}"));
        self.inner.due(table, up_to, after, limit)
    }
}

impl Store for Recording {
    fn transact(
        &self,
        work: &mut dyn FnMut(
            &mut dyn social_credit::store::Transaction,
        ) -> Result<(), social_credit::store::StoreError>,
    ) -> Result<(), social_credit::store::StoreError> {
        let mut touch = Touch::default();
        let result = self.inner.transact(&mut |tx| {
            let mut rtx = RecordingTx {
                inner: tx,
                touch: Touch::default(),
            };
            let r = work(&mut rtx);
            touch = rtx.touch;
            r
        });
        self.log.lock().unwrap().push(touch);
        result
    }
}

/// Every facade operation except the named global ones (the daily sweep,
/// and the reports and desks that list everything) touches the documents of
/// a single subject in each of its transactions, so a store split by subject
/// (the distribution key, DESIGN.md "How does it scale past one database
/// server?") runs it on one shard. The operations that by their nature join
/// two subjects are named too: a role link joins an organization and a
/// person.
#[test]
fn every_operation_touches_one_subject_but_the_named_global_ones() {
    // Global by design: they read or change documents of many subjects.
    const GLOBAL: &[&str] = &["daily_sweep (erasing)"];
    // Two subjects by nature: the organization and the person linked.
    const TWO_SUBJECTS: &[&str] = &["link_person"];
    let mut problems = Vec::new();
    for (name, setup, op) in every_operation::<Recording>() {
        let r = with_personal_rules(FaultyStore::new(Recording::default()));
        setup(&r);
        r.store().inner().log.lock().unwrap().clear();
        op(&r).unwrap();
        let touches = std::mem::take(&mut *r.store().inner().log.lock().unwrap());
        assert!(!touches.is_empty(), "{name}: ran no transaction");
        if GLOBAL.contains(&name) {
            continue;
        }
        let most = if TWO_SUBJECTS.contains(&name) { 2 } else { 1 };
        for t in touches {
            if t.subjects.len() > most || !t.global.is_empty() {
                problems.push(format!("{name}: {t:?}"));
            }
        }
    }
    // The queries about one subject or one item.
    let r = with_personal_rules(FaultyStore::new(Recording::default()));
    with_record_setup(&r);
    r.store().inner().log.lock().unwrap().clear();
    let org: SubjectId = org_id().into();
    r.assess(&org, d(2019, 12, 2)).unwrap();
    r.public_view(&org, d(2019, 12, 2)).unwrap();
    r.subject(&org).unwrap();
    r.record(social_credit::RecordId(1)).unwrap();
    r.objection(social_credit::objection::ObjectionId(1))
        .unwrap();
    let touches = std::mem::take(&mut *r.store().inner().log.lock().unwrap());
    assert!(touches.len() >= 5);
    for t in touches {
        if t.subjects.len() > 1 || !t.global.is_empty() {
            problems.push(format!("a query: {t:?}"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
