//! Fixtures of the registry tests: who acts (issue 18), the subjects of the
//! worked examples (an elderly-care association and its legal
//! representative), and rules that also grade persons.
#![allow(dead_code, clippy::unwrap_used, clippy::indexing_slicing)]

use chrono::NaiveDate;
use rust_decimal::Decimal;
use social_credit::calendar::ChinaCalendar;
use social_credit::grading::{GradingPolicy, PolicySet};
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::registry::{NewRecord, Registry, RuleBook};
use social_credit::store::Store;
use social_credit::subject::check::resident_check;
use social_credit::{
    Organization, OrganizationKind, Person, ResidentId, Role, RoleLink, Section, Subject,
    SubjectId, Uscc,
};

/// Who acts in these tests: a section as a unit, the Office, the system
/// for the sweep.
pub mod who {
    use social_credit::misconduct::Section;
    use social_credit::Actor;

    /// The Social Organizations Section, which records in its own field.
    pub fn clerk() -> Actor {
        Actor::section(Section::SocialOrganizations)
    }

    /// The section that provided the organization's records.
    pub fn section() -> Actor {
        Actor::section(Section::SocialOrganizations)
    }

    /// The Social Affairs Section, which provided the person's records.
    pub fn social_affairs() -> Actor {
        Actor::section(Section::SocialAffairs)
    }

    /// The Office.
    pub fn office() -> Actor {
        Actor::section(Section::Office)
    }

    /// The daily sweep.
    pub fn system() -> Actor {
        Actor::system()
    }
}

pub fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

/// The association's unified social credit code.
pub fn org_id() -> Uscc {
    "91350100M000100Y43".parse().unwrap()
}

/// A synthetic resident identity number (born 1980-06-15 in Xinzheng),
/// the `seed`-th of a series, with its check character.
pub fn person_number(seed: u32) -> ResidentId {
    let mut b = format!("41018419800615{:03}?", 2 + seed).into_bytes();
    b[17] = resident_check(&b[..17]).unwrap();
    String::from_utf8(b).unwrap().parse().unwrap()
}

/// The association's legal representative.
pub fn person_id() -> ResidentId {
    person_number(0)
}

/// The association and the person, registered on `on`, not linked.
pub fn register_subjects_on<S: Store>(r: &Registry<S>, on: NaiveDate) {
    r.register_subject(
        Subject::Organization(Organization {
            uscc: org_id(),
            name: "Zhengzhou Example Elderly Care Association".into(),
            kind: OrganizationKind::SocialAssociation,
            established_on: Some(d(2012, 5, 1)),
        }),
        &who::clerk(),
        on,
    )
    .unwrap();
    r.register_subject(
        Subject::Person(Person {
            id: person_id(),
            name: "张伟".into(),
        }),
        &who::clerk(),
        on,
    )
    .unwrap();
}

/// The association and the person, linked as its legal representative
/// since 2015, registered on 7 January 2019.
pub fn register_both<S: Store>(r: &Registry<S>) {
    register_subjects_on(r, d(2019, 1, 7));
    r.link_person(
        RoleLink {
            organization: org_id(),
            person: person_id(),
            role: Role::LegalRepresentative,
            from: d(2015, 1, 1),
            until: None,
        },
        &who::clerk(),
        d(2019, 1, 7),
    )
    .unwrap();
}

/// A fine of `yuan` on `subject` for conduct on `occurred`, recorded by the
/// Social Organizations Section without a penalty decision.
pub fn fine(subject: SubjectId, yuan: i64, occurred: NaiveDate) -> NewRecord {
    NewRecord {
        subject,
        conduct: ConductKind::new("fine"),
        section: Section::SocialOrganizations,
        occurred_on: occurred,
        ended_on: Some(occurred),
        content: RecordContent {
            description: "collected membership fees above the approved standard".into(),
            legal_basis: "Regulations on the Registration of Social Organizations art. 30".into(),
            evidence: vec!["XZMZ-2019-0042".into()],
            fine: Some(Decimal::from(yuan)),
        },
        decision: None,
    }
}

/// The built-in rules with a policy that also grades persons: MCA Order
/// No. 60 (2018) grades organizations only, so a person's own record needs
/// a plan-level policy (here the shipped example).
pub fn personal_rules() -> RuleBook {
    RuleBook {
        policies: PolicySet::new(vec![GradingPolicy::xinzheng_plan_2019_example().clone()])
            .unwrap(),
        ..RuleBook::xinzheng_2019()
    }
}

/// A registry on `store` with [`personal_rules`] and the official calendar,
/// projected past the last loaded notice.
pub fn with_personal_rules<S: Store>(store: S) -> Registry<S> {
    Registry::new(store, ChinaCalendar::official_projected(), personal_rules())
}
