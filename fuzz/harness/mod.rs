//! The fuzz harness (issue 17): one function per target, shared by the
//! cargo-fuzz targets under `fuzz/fuzz_targets/` and by the stable test
//! `tests/fuzz_corpus.rs`, which replays every committed corpus file through
//! the same function. Each function takes arbitrary bytes and panics only
//! when it finds a defect: a panic in the crate, a round trip that does not
//! hold, personal data in an error, or the two stores disagreeing.
//!
//! Only the crate's public API is used, so the harness exercises what a
//! hostile client can reach.

#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::Serialize;
use social_credit::calendar::{ChinaCalendar, Schedule, ScheduleCalendar, WorkCalendar};
use social_credit::commitment::CommitmentKind;
use social_credit::lists::{Domain, ListKind};
use social_credit::misconduct::{ConductKind, RecordContent, RecordId};
use social_credit::objection::{Finding, ObjectionId, Outcome, Receipt};
use social_credit::registry::{NewRecord, ObjectionStep, Registry};
use social_credit::store::{dump, MemoryStore, SqliteStore, Store};
use social_credit::subject::with_whole_identifiers;
use social_credit::tipoff::Reporter;
use social_credit::{
    Catalogue, Citation, GradingPolicy, Organization, OrganizationKind, Person, PolicySet,
    RepairPolicy, RepairTimeline, ResidentId, Role, RoleLink, Section, Subject, SubjectId, Uscc,
};

/// A harness function: arbitrary bytes in, a panic for a defect.
pub type Target = fn(&[u8]);

/// The targets, by name: the fuzz target and the corpus directory of each.
pub const TARGETS: &[(&str, Target)] = &[
    ("identifiers", identifiers),
    ("calendar", calendar),
    ("json_types", json_types),
    ("grading_policy", grading_policy),
    ("catalogue", catalogue),
    ("repair", repair),
    ("sqlite_file", sqlite_file),
    ("registry_ops", registry_ops),
];

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Runs of 15 or more digits (and `X`) in `input`: what could be a citizen
/// identity number (15 digits, first generation; 18 with the check
/// character).
fn number_like_runs(input: &str) -> Vec<&str> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, c) in input
        .char_indices()
        .chain(std::iter::once((input.len(), ' ')))
    {
        let part = c.is_ascii_digit() || c == 'X' || c == 'x';
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s >= 15 {
                    runs.push(&input[s..i]);
                }
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// Panics when `message` quotes a number-like run of `input` whole.
fn assert_no_number(message: &str, input: &str, what: &str) {
    for run in number_like_runs(input) {
        assert!(
            !message.contains(run),
            "{what} quotes a number-like input whole: {message}"
        );
    }
}

// ---- identifiers ----

/// Resident identity numbers, unified social credit codes and subject ids,
/// from text and from JSON: no panic; what parses prints and parses back to
/// itself; no error or `Debug` quotes a number-like input whole.
pub fn identifiers(data: &[u8]) {
    let Some(input) = text(data) else { return };
    let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    match ResidentId::parse(input) {
        Ok(id) => {
            // Display is the whole number, by design; Debug and the
            // default serialization mask it.
            assert_eq!(ResidentId::parse(&format!("{id}")).ok().as_ref(), Some(&id));
            assert_no_number(&format!("{id:?}"), input, "ResidentId Debug");
            assert_no_number(&id.masked(), input, "ResidentId masked");
            let json = serde_json::to_string(&id).unwrap_or_default();
            assert_no_number(&json, input, "ResidentId serialization");
        }
        Err(e) => {
            assert_no_number(&e.to_string(), input, "ResidentIdError");
            assert_no_number(&format!("{e:?}"), input, "ResidentIdError Debug");
        }
    }
    if let Err(e) = ResidentId::parse_as_of(input, as_of) {
        assert_no_number(&e.to_string(), input, "ResidentIdError");
    }
    match Uscc::parse(input) {
        Ok(code) => {
            assert_eq!(Uscc::parse(&format!("{code}")).ok().as_ref(), Some(&code));
        }
        Err(e) => {
            assert_no_number(&e.to_string(), input, "UsccError");
            assert_no_number(&format!("{e:?}"), input, "UsccError Debug");
        }
    }
    // As JSON strings and as subject ids.
    let quoted = serde_json::to_string(input).unwrap_or_default();
    for json in [quoted.as_str(), input] {
        if let Err(e) = serde_json::from_str::<ResidentId>(json) {
            assert_no_number(&e.to_string(), input, "ResidentId serde error");
        }
        if let Err(e) = serde_json::from_str::<Uscc>(json) {
            assert_no_number(&e.to_string(), input, "Uscc serde error");
        }
        match serde_json::from_str::<SubjectId>(json) {
            Ok(id) => {
                let stored = with_whole_identifiers(|| serde_json::to_string(&id));
                let back = stored
                    .ok()
                    .and_then(|s| serde_json::from_str::<SubjectId>(&s).ok());
                assert_eq!(back.as_ref(), Some(&id), "SubjectId round trip");
                assert_no_number(&id.display_masked(), input, "SubjectId masked");
                assert_no_number(&format!("{id:?}"), input, "SubjectId Debug");
            }
            Err(e) => assert_no_number(&e.to_string(), input, "SubjectId serde error"),
        }
    }
}

// ---- calendar data ----

/// Schedule notices as JSON or CSV: no panic; a schedule that loads builds
/// a calendar or a typed error, and the calendar answers questions about
/// its own range.
pub fn calendar(data: &[u8]) {
    let Some(input) = text(data) else { return };
    let mut schedules = Vec::new();
    if let Ok(s) = Schedule::from_text(input) {
        schedules.push(s);
    }
    if let Ok(s) = ScheduleCalendar::parse_csv(input) {
        schedules.push(s);
    }
    for schedule in schedules {
        // The JSON shape round-trips.
        if let Ok(json) = serde_json::to_string(&schedule) {
            let back: Result<Schedule, _> = serde_json::from_str(&json);
            assert_eq!(back.ok().as_ref(), Some(&schedule), "Schedule round trip");
        }
        if let Ok(cal) = ScheduleCalendar::new(schedule.clone()) {
            probe(&cal);
        }
        if let Ok(cal) = ChinaCalendar::official().with_schedule(schedule.clone()) {
            probe(&cal);
        }
        if let Ok(cal) = ChinaCalendar::official().with_partial_schedule(schedule.clone()) {
            probe(&cal);
        }
        if let Ok(cal) = ChinaCalendar::from_schedule(schedule) {
            probe(&cal);
        }
    }
}

fn probe<C: WorkCalendar>(cal: &C) {
    let range = cal.coverage();
    let (first, last) = (*range.start(), *range.end());
    for day in [
        first,
        last,
        first.pred_opt().unwrap_or(first),
        last.succ_opt().unwrap_or(last),
    ] {
        let _ = cal.is_working_day(day);
        let _ = cal.add_working_days(day, 5);
        let _ = cal.add_working_days(day, u32::MAX);
        let _ = cal.working_days_between(first, day);
        let _ = cal.finality_between(first, day);
    }
}

// ---- every public JSON type ----

fn roundtrip<T: Serialize + DeserializeOwned + std::fmt::Debug>(json: &str) {
    let Ok(value) = serde_json::from_str::<T>(json) else {
        return;
    };
    let _ = format!("{value:?}");
    // The storage representation reads back, and writes the same text again.
    let Ok(stored) = with_whole_identifiers(|| serde_json::to_string(&value)) else {
        return;
    };
    let back: T = match serde_json::from_str(&stored) {
        Ok(v) => v,
        Err(e) => panic!(
            "{} does not read back its own JSON: {e}",
            std::any::type_name::<T>()
        ),
    };
    let again = with_whole_identifiers(|| serde_json::to_string(&back)).unwrap_or_default();
    assert_eq!(stored, again, "{} round trip", std::any::type_name::<T>());
    // The default (masked) serialization does not fail.
    let _ = serde_json::to_string(&value);
}

/// The first byte picks a public type, the rest is JSON: no panic; what
/// reads writes itself back.
pub fn json_types(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Some(json) = text(rest) else { return };
    use social_credit::*;
    let targets: &[fn(&str)] = &[
        roundtrip::<Subject>,
        roundtrip::<SubjectId>,
        roundtrip::<RoleLink>,
        roundtrip::<Roster>,
        roundtrip::<MisconductRecord>,
        roundtrip::<misconduct::RecordContent>,
        roundtrip::<ListEntry>,
        roundtrip::<ListKind>,
        roundtrip::<Objection>,
        roundtrip::<Receipt>,
        roundtrip::<Outcome>,
        roundtrip::<ObjectionStep>,
        roundtrip::<objection::ObjectionPolicy>,
        roundtrip::<commitment::Commitment>,
        roundtrip::<CommitmentKind>,
        roundtrip::<NewRecord>,
        roundtrip::<AuditEntry>,
        roundtrip::<retention::Tombstone>,
        roundtrip::<RetentionPolicy>,
        roundtrip::<PenaltyDecision>,
        roundtrip::<repair::RepairFacts>,
        roundtrip::<lists::ListLifecycle>,
        roundtrip::<quarterly::ReportingRule>,
        roundtrip::<registry::SweepReport>,
        roundtrip::<registry::PublicView>,
        roundtrip::<Schedule>,
        roundtrip::<catalogue::CatalogueData>,
        roundtrip::<grading::PolicyData>,
        roundtrip::<grading::Facts>,
        roundtrip::<Citation>,
    ];
    if let Some(f) = targets.get(usize::from(selector) % targets.len()) {
        f(json);
    }
}

// ---- grading policies ----

/// A grading policy from JSON: no panic, bounded; a policy that loads
/// grades a finding and joins the built-in set or is refused.
pub fn grading_policy(data: &[u8]) {
    let Some(input) = text(data) else { return };
    let Ok(policy) = GradingPolicy::from_json(input) else {
        return;
    };
    let _ = format!("{policy:?}");
    let _ = PolicySet::new(vec![policy.clone()]);
    let _ = PolicySet::new(vec![
        GradingPolicy::civil_affairs_mca_2018().clone(),
        policy.clone(),
    ]);
    if let Ok(json) = serde_json::to_string(&policy) {
        assert!(
            GradingPolicy::from_json(&json).is_ok(),
            "a loaded policy does not load from its own JSON: {json}"
        );
    }
}

// ---- catalogues ----

/// A measure catalogue from JSON: no panic; what loads reads back.
pub fn catalogue(data: &[u8]) {
    let Some(input) = text(data) else { return };
    let Ok(catalogue) = Catalogue::from_json(input) else {
        return;
    };
    let _ = format!("{catalogue:?}");
    if let Ok(json) = serde_json::to_string(&catalogue) {
        assert!(
            Catalogue::from_json(&json).is_ok(),
            "a loaded catalogue does not load from its own JSON: {json}"
        );
    }
}

// ---- repair data ----

/// A repair policy from JSON (and a decision to apply it to): no panic; a
/// policy that validates joins a timeline or is refused, and answers for
/// the decision.
pub fn repair(data: &[u8]) {
    let Some(input) = text(data) else { return };
    // A policy, optionally followed by a line `%%` and repair facts.
    let (policy_text, facts_text) = input.split_once("\n%%\n").unwrap_or((input, ""));
    let Ok(policy) = serde_json::from_str::<RepairPolicy>(policy_text) else {
        return;
    };
    if policy.validate().is_err() {
        return;
    }
    let facts: Option<social_credit::repair::RepairFacts> = serde_json::from_str(facts_text).ok();
    let timelines = [
        RepairTimeline::new(vec![policy.clone()]),
        RepairTimeline::new(vec![RepairPolicy::plan_era_2019(), policy.clone()]),
    ];
    let Some(record) = sample_record(facts.as_ref().map(|f| f.decision.clone())) else {
        return;
    };
    for timeline in timelines.into_iter().flatten() {
        let Some(facts) = &facts else { continue };
        let on = facts.decision.decided_on;
        for severity in [
            social_credit::Severity::Minor,
            social_credit::Severity::General,
            social_credit::Severity::Serious,
            social_credit::Severity::Severe,
        ] {
            let _ = timeline.publication_end(severity, &facts.decision);
        }
        for day in [on, on.checked_add_days(Days::new(400)).unwrap_or(on)] {
            let _ = timeline.eligibility(&record, facts, &[], day);
            let mut repaired = record.clone();
            let _ = timeline.apply(&mut repaired, facts, &[], day, "fuzz");
        }
    }
}

/// A recorded finding (a fine on an organization, recorded on 2019-03-04),
/// carrying `decision`.
fn sample_record(
    decision: Option<social_credit::PenaltyDecision>,
) -> Option<social_credit::MisconductRecord> {
    use std::sync::OnceLock;
    static RECORD: OnceLock<Option<social_credit::MisconductRecord>> = OnceLock::new();
    let base = RECORD.get_or_init(|| {
        let r = Registry::official(MemoryStore::new());
        let uscc: Uscc = USCCS.first()?.parse().ok()?;
        r.register_subject(
            Subject::Organization(Organization {
                uscc: uscc.clone(),
                name: "Fuzz Association".into(),
                kind: OrganizationKind::SocialAssociation,
                established_on: Some(day(2012, 5, 1)),
            }),
            &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
            day(2019, 1, 7),
        )
        .ok()?;
        let new = NewRecord {
            subject: uscc.into(),
            conduct: ConductKind::new("fine"),
            section: Section::SocialOrganizations,
            occurred_on: day(2019, 3, 1),
            ended_on: Some(day(2019, 3, 1)),
            content: RecordContent {
                description: "fees above the approved standard".into(),
                legal_basis: "Regulations on Social Organizations art. 30".into(),
                evidence: vec!["XZMZ-FUZZ".into()],
                fine: Some(Decimal::from(5000)),
            },
            decision: None,
        };
        r.record_misconduct(
            new,
            &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
            day(2019, 3, 4),
        )
        .ok()
        .map(social_credit::registry::Recorded::into_record)
    });
    let mut record = base.clone()?;
    record.decision = decision;
    Some(record)
}

// ---- corrupted SQLite files ----

/// An SQLite file of arbitrary bytes (the first 100 bytes, a valid header,
/// are kept from a real database so that the fuzzer reaches the schema and
/// the documents): opening it and reading everything through the registry
/// gives typed errors, never a panic.
pub fn sqlite_file(data: &[u8]) {
    let Ok(dir) = tempdir() else { return };
    let path = dir.join("fuzz.db");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(store) = SqliteStore::open(&path) {
        let registry = Registry::official(store);
        if let Ok(d) = dump(registry.store()) {
            let _ = format!("{d:?}");
            let on = day(2026, 1, 1);
            for docs in d.tables.values() {
                for doc in docs.values() {
                    if let Some(subject) = &doc.subject {
                        let id = subject.split_once(':').and_then(|(_, s)| {
                            serde_json::from_value::<SubjectId>(serde_json::Value::String(
                                s.to_owned(),
                            ))
                            .ok()
                        });
                        if let Some(id) = id {
                            let _ = registry.subject(&id);
                            let _ = registry.public_view(&id, on);
                            let _ = registry.list_entries(&id);
                        }
                    }
                }
            }
        }
        let _ = registry.audit_log(0);
        for n in 1..4 {
            let _ = registry.record(RecordId(n));
            let _ = registry.objection(ObjectionId(n));
            let _ = registry.report(social_credit::tipoff::ReportId(n));
        }
        let _ = registry.daily_sweep(&social_credit::Actor::system(), day(2026, 1, 1));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempdir() -> std::io::Result<std::path::PathBuf> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "social-credit-fuzz-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

// ---- random registry operations, two stores ----

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Bytes, read one at a time; zeros once they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from(self.u8()) << 8 | u16::from(self.u8())
    }
    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        let i = usize::from(self.u8()) % items.len().max(1);
        &items[i]
    }
    fn done(&self) -> bool {
        self.0.is_empty()
    }
}

const USCCS: [&str; 3] = [
    "91350100M000100Y43",
    "51410184MJY123456A",
    "52410100MJX0001238",
];
const PERSONS: [&str; 2] = ["34052419800101001X", "410184198006150022"];
const CONDUCTS: [&str; 8] = [
    "annual_report_late",
    "warning",
    "fine",
    "unreachable",
    "suspension_of_activities",
    "registration_revoked",
    "serious_illegal_dishonest",
    "no_such_conduct",
];

fn subjects() -> Vec<SubjectId> {
    let mut ids: Vec<SubjectId> = USCCS
        .iter()
        .filter_map(|s| s.parse::<Uscc>().ok().map(SubjectId::from))
        .collect();
    ids.extend(
        PERSONS
            .iter()
            .filter_map(|s| s.parse::<ResidentId>().ok().map(SubjectId::from)),
    );
    ids
}

/// One operation, decoded from the bytes, run against a registry; what it
/// returned, as text to compare across stores.
fn step<S: Store>(r: &Registry<S>, b: &mut Bytes<'_>, today: NaiveDate) -> String {
    let ids = subjects();
    let subject = b.pick(&ids).clone();
    let back = |b: &mut Bytes<'_>| {
        today
            .checked_sub_days(Days::new(u64::from(b.u8()) * 3))
            .unwrap_or(today)
    };
    let new_record = |b: &mut Bytes<'_>, subject: SubjectId| {
        let occurred = back(b);
        let fine = match b.u8() % 4 {
            0 => None,
            1 => Some(Decimal::from(b.u16())),
            2 => Some(Decimal::from(-i64::from(b.u8()))),
            _ => Some(Decimal::new(i64::from(b.u16()), 2)),
        };
        NewRecord {
            subject,
            conduct: ConductKind::new(*b.pick(&CONDUCTS)),
            section: *b.pick(&Section::ALL),
            occurred_on: occurred,
            ended_on: if b.u8() % 2 == 0 {
                Some(occurred)
            } else {
                None
            },
            content: RecordContent {
                description: "fuzzed finding".into(),
                legal_basis: "Regulations on Social Organizations art. 30".into(),
                evidence: vec!["XZMZ-FUZZ".into()],
                fine,
            },
            decision: None,
        }
    };
    let out = match b.u8() % 18 {
        0 => {
            let subject = match &subject {
                SubjectId::Organization(u) => Subject::Organization(Organization {
                    uscc: u.clone(),
                    name: "Fuzz Association".into(),
                    kind: *b.pick(&[
                        OrganizationKind::SocialAssociation,
                        OrganizationKind::SocialServiceOrganization,
                        OrganizationKind::Foundation,
                    ]),
                    established_on: Some(back(b)),
                }),
                SubjectId::Person(p) => Subject::Person(Person {
                    id: p.clone(),
                    name: "张伟".into(),
                }),
            };
            format!(
                "{:?}",
                r.register_subject(
                    subject,
                    &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
                    today
                )
            )
        }
        1 => {
            let (Some(org), Some(person)) = (
                USCCS.first().and_then(|s| s.parse::<Uscc>().ok()),
                b.pick(&PERSONS).parse::<ResidentId>().ok(),
            ) else {
                return String::new();
            };
            let link = RoleLink {
                organization: org,
                person,
                role: *b.pick(&[Role::LegalRepresentative, Role::PrincipalOfficer]),
                from: back(b),
                until: None,
            };
            format!(
                "{:?}",
                r.link_person(
                    link,
                    &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
                    today
                )
            )
        }
        2 => format!(
            "{:?}",
            r.record_misconduct(
                new_record(b, subject),
                &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
                today
            )
        ),
        3 => {
            let n = b.u8() % 8;
            let batch: Vec<_> = (0..n).map(|_| new_record(b, subject.clone())).collect();
            format!(
                "{:?}",
                r.import_records(
                    social_credit::registry::ImportRow::same_day(batch, today),
                    &social_credit::Actor::section(social_credit::Section::SocialOrganizations)
                )
            )
        }
        4 => format!(
            "{:?}",
            r.add_to_red_list(
                &subject,
                &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
                today
            )
        ),
        5 => {
            let list = b
                .pick(&[
                    ListKind::RedList,
                    ListKind::ActivityAbnormal,
                    ListKind::BlackList {
                        domain: Domain("social organizations".into()),
                    },
                ])
                .clone();
            format!(
                "{:?}",
                r.remove_from_list(
                    &subject,
                    &list,
                    Citation::new("fuzz", "fuzz"),
                    &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
                    today
                )
            )
        }
        6 => {
            let receipt = if b.u8() % 2 == 0 {
                Receipt::Written { on: back(b) }
            } else {
                let secs = i64::from(b.u16()) * 60;
                let base = Utc
                    .from_utc_datetime(&today.and_hms_opt(0, 0, 0).unwrap_or_default())
                    .timestamp();
                match Utc.timestamp_opt(base + secs - 86_400, 0).single() {
                    Some(at) => Receipt::Online { at },
                    None => Receipt::Written { on: today },
                }
            };
            let record = RecordId(u64::from(b.u8() % 6));
            format!(
                "{:?}",
                r.receive_objection(
                    record,
                    receipt,
                    "not us",
                    &social_credit::Actor::section(social_credit::Section::Office)
                )
            )
        }
        7 => {
            let step = match b.u8() % 7 {
                0 => ObjectionStep::Forward {
                    to: *b.pick(&Section::ALL),
                },
                1 => ObjectionStep::Opinion {
                    finding: *b.pick(&[Finding::ErrorConfirmed, Finding::NotConfirmed]),
                    summary: "opinion".into(),
                    submitted_on: None,
                },
                2 => ObjectionStep::Notify {
                    outcome: Outcome::Revoked {
                        reasons: "wrong subject".into(),
                    },
                },
                3 => ObjectionStep::Reply {
                    reasons: "reasons".into(),
                },
                4 => ObjectionStep::Close,
                5 => ObjectionStep::Withdraw,
                _ => ObjectionStep::Notify {
                    outcome: Outcome::Kept {
                        reasons: "no error".into(),
                    },
                },
            };
            let id = ObjectionId(u64::from(b.u8() % 5));
            format!(
                "{:?}",
                r.advance_objection(
                    id,
                    step,
                    &social_credit::Actor::section(social_credit::Section::Office),
                    today
                )
            )
        }
        8 => {
            let kind = match b.u8() % 3 {
                0 => CommitmentKind::Credit,
                1 => CommitmentKind::Repair,
                _ => CommitmentKind::SupplyMaterials {
                    due: today
                        .checked_add_days(Days::new(u64::from(b.u8())))
                        .unwrap_or(today),
                    materials: vec!["annual report".into()],
                },
            };
            format!(
                "{:?}",
                r.sign_commitment(
                    &subject,
                    kind,
                    "we pledge",
                    &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
                    today
                )
            )
        }
        9 => {
            let id = social_credit::commitment::CommitmentId(u64::from(b.u8() % 5));
            format!(
                "{:?}",
                r.fulfil_commitment(
                    id,
                    &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
                    today
                )
            )
        }
        10 => {
            let reporter = Reporter {
                name: "李四".into(),
                contact: "13800000000".into(),
            };
            format!(
                "{:?}",
                r.receive_report(
                    &subject,
                    "tip",
                    reporter,
                    &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
                    today
                )
            )
        }
        11 => format!(
            "{:?}",
            r.daily_sweep(&social_credit::Actor::system(), today)
        ),
        12 => format!("{:?}", r.public_view(&subject, today)),
        13 => format!("{:?}", r.assess(&subject, today)),
        14 => format!("{:?}", r.list_entries(&subject)),
        15 => {
            let id = RecordId(u64::from(b.u8() % 6));
            format!("{:?}", r.record(id))
        }
        16 => format!("{:?}", r.objection_desk(today)),
        _ => {
            let id = ObjectionId(u64::from(b.u8() % 5));
            format!("{:?}", r.objection(id))
        }
    };
    out
}

/// A sequence of registry operations decoded from the bytes, run on a
/// [`MemoryStore`] and on an [`SqliteStore`]: every answer, and the stores'
/// contents after each operation, are the same.
pub fn registry_ops(data: &[u8]) {
    let Ok(sqlite) = SqliteStore::open_in_memory() else {
        return;
    };
    let memory = Registry::official(MemoryStore::new());
    let sqlite = Registry::official(sqlite);
    let mut a = Bytes(data);
    let mut b = Bytes(data);
    let mut today = day(2019, 1, 7);
    let mut ops = 0;
    while !a.done() && ops < 64 {
        ops += 1;
        let advance = u64::from(a.u8() % 64);
        let _ = b.u8();
        today = today.checked_add_days(Days::new(advance)).unwrap_or(today);
        let left = step(&memory, &mut a, today);
        let right = step(&sqlite, &mut b, today);
        assert_eq!(
            left, right,
            "the stores answer differently at operation {ops}"
        );
    }
    let (Ok(left), Ok(right)) = (dump(memory.store()), dump(sqlite.store())) else {
        panic!("a store cannot be read");
    };
    let left: BTreeMap<_, _> = left.tables.into_iter().collect();
    let right: BTreeMap<_, _> = right.tables.into_iter().collect();
    assert!(left == right, "the stores hold different documents");
}
