//! Builders shared by the rules-engine tests and the assessment benchmark
//! (included with `#[path]`): valid identifiers, subjects and records.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use social_credit::assess::{Dossier, Rules};
use social_credit::commitment::Commitment;
use social_credit::lists::ListEntry;
use social_credit::misconduct::{
    ConductKind, MisconductRecord, RecordId, RecordStatus, Section, Severity, StatusChange,
};
use social_credit::objection::Objection;
use social_credit::subject::check::{org_code_check, resident_check, uscc_check};
use social_credit::subject::{
    Organization, OrganizationKind, Person, ResidentId, Role, RoleLink, Roster, Subject, SubjectId,
    Uscc,
};
use social_credit::Citation;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A valid USCC of a social association registered in Xinzheng (410184),
/// distinct for each `n`.
pub fn uscc(n: u32) -> Uscc {
    let body = format!("{:08}", n % 100_000_000);
    let org_check = org_code_check(body.as_bytes()).unwrap() as char;
    let first17 = format!("51410184{body}{org_check}");
    let check = uscc_check(first17.as_bytes()).unwrap() as char;
    format!("{first17}{check}").parse().unwrap()
}

/// A valid resident id born 1980-01-01 in Xinzheng, distinct for each `n < 1000`.
pub fn resident(n: u32) -> ResidentId {
    let first17 = format!("41018419800101{:03}", n % 1000);
    let check = resident_check(first17.as_bytes()).unwrap() as char;
    format!("{first17}{check}").parse().unwrap()
}

pub fn org(n: u32) -> Subject {
    org_since(n, d(2010, 1, 1))
}

pub fn org_since(n: u32, established: NaiveDate) -> Subject {
    Subject::Organization(Organization {
        uscc: uscc(n),
        name: format!("新郑市第{n}协会"),
        kind: OrganizationKind::SocialAssociation,
        established_on: Some(established),
    })
}

pub fn person(n: u32) -> Subject {
    Subject::Person(Person {
        id: resident(n),
        name: format!("张{n}"),
    })
}

pub fn uscc_of(s: &Subject) -> Uscc {
    match s.id() {
        SubjectId::Organization(u) => u,
        SubjectId::Person(_) => panic!("not an organization"),
    }
}

pub fn resident_of(s: &Subject) -> ResidentId {
    match s.id() {
        SubjectId::Person(p) => p,
        SubjectId::Organization(_) => panic!("not a person"),
    }
}

/// A record about `subject`: conduct on `occurred` (ended the same day),
/// recorded on `recorded`.
pub fn record(
    id: u64,
    subject: &Subject,
    conduct: &str,
    severity: Severity,
    occurred: NaiveDate,
    recorded: NaiveDate,
) -> MisconductRecord {
    MisconductRecord {
        id: RecordId(id),
        subject: subject.id(),
        conduct: ConductKind::new(conduct),
        severity,
        graded_by: Citation::new("test.rule", "MCA Order No. 60 (2018) art. 19"),
        section: Section::SocialOrganizations,
        occurred_on: occurred,
        ended_on: Some(occurred),
        recorded_on: recorded,
        decision: None,
        content: None,
        corrected: None,
        corrected_severity: None,
        history: Vec::new(),
    }
}

pub fn severe(id: u64, subject: &Subject, on: NaiveDate) -> MisconductRecord {
    record(
        id,
        subject,
        "suspension_of_activities",
        Severity::Severe,
        on,
        on,
    )
}

pub fn with_status(
    mut r: MisconductRecord,
    on: NaiveDate,
    status: RecordStatus,
) -> MisconductRecord {
    r.history.push(StatusChange {
        on,
        status,
        by: "办公室".into(),
        basis: Citation::new("objection.outcome", "plan §6(3)"),
    });
    r
}

pub fn link(
    roster: &mut Roster,
    org: &Subject,
    person: &Subject,
    role: Role,
    from: NaiveDate,
    until: Option<NaiveDate>,
) {
    roster
        .link(RoleLink {
            organization: uscc_of(org),
            person: resident_of(person),
            role,
            from,
            until,
        })
        .unwrap();
}

/// Owns everything a dossier borrows.
pub struct Case {
    pub subject: Subject,
    pub records: Vec<MisconductRecord>,
    pub lists: Vec<ListEntry>,
    pub roster: Roster,
    pub commitments: Vec<Commitment>,
    pub objections: Vec<Objection>,
}

impl Case {
    pub fn new(subject: Subject) -> Self {
        Self {
            subject,
            records: Vec::new(),
            lists: Vec::new(),
            roster: Roster::default(),
            commitments: Vec::new(),
            objections: Vec::new(),
        }
    }

    pub fn dossier(&self) -> Dossier<'_> {
        Dossier {
            subject: &self.subject,
            records: &self.records,
            lists: &self.lists,
            roster: &self.roster,
            commitments: &self.commitments,
            objections: &self.objections,
        }
    }
}

pub fn rules() -> Rules<'static> {
    Rules::builtin()
}
