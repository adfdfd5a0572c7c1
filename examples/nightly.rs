//! A nightly batch job: the daily sweep, then an assessment of every
//! registered subject, with counts and timings, through the public API only.
//!
//! It builds a registry of 10,000 generated social organizations on the
//! embedded in-memory store (every tenth with findings, one in fifty
//! fined), then runs the job a service runs each night:
//!
//! 1. the daily sweep (erasures, listings, list exits, overdue steps);
//! 2. an assessment of every subject, counted by worst severity, with the
//!    subjects on a list and the key supervision targets;
//! 3. the time each step took.
//!
//! Run with `cargo run --release --example nightly [-- SUBJECTS]`.
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use social_credit::calendar::ChinaCalendar;
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::registry::{Cursor, NewRecord, Registry, RuleBook};
use social_credit::repair::{PenaltyDecision, PenaltyDomain, PenaltyKind};
use social_credit::store::MemoryStore;
use social_credit::subject::check::{org_code_check, uscc_check};
use social_credit::{Actor, Organization, OrganizationKind, Section, Subject, SubjectId, Uscc};

type Error = Box<dyn std::error::Error>;

fn d(y: i32, m: u32, day: u32) -> Result<NaiveDate, Error> {
    NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| format!("no date {y}-{m}-{day}").into())
}

/// The `n`th generated code of a social association registered in Xinzheng
/// (division 410184).
fn uscc(n: u32) -> Result<Uscc, Error> {
    let body = format!("{:08}", n % 100_000_000);
    let org_check = org_code_check(body.as_bytes()).ok_or("no organization code check")?;
    let first17 = format!("51410184{body}{}", char::from(org_check));
    let check = uscc_check(first17.as_bytes()).ok_or("no check character")?;
    Ok(format!("{first17}{}", char::from(check)).parse()?)
}

fn finding(subject: &SubjectId, conduct: &str, on: NaiveDate, fine: Option<i64>) -> NewRecord {
    NewRecord {
        subject: subject.clone(),
        conduct: ConductKind::new(conduct),
        section: Section::SocialOrganizations,
        occurred_on: on,
        ended_on: Some(on),
        content: RecordContent {
            description: format!("generated finding `{conduct}`"),
            legal_basis: "社会团体登记管理条例".into(),
            evidence: Vec::new(),
            fine: fine.map(Decimal::from),
        },
        decision: fine
            .map(|_| PenaltyDecision::new(on, PenaltyDomain::Other, vec![PenaltyKind::Fine])),
    }
}

fn main() -> Result<(), Error> {
    let subjects: u32 = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 10_000,
    };
    let registry = Registry::new(
        MemoryStore::new(),
        ChinaCalendar::official(),
        RuleBook::xinzheng_2019(),
    );
    // Who acts: the section that keeps the associations' files registers and
    // records (plan §3(2), §6(1)), the system runs the sweep, and the Office
    // reads the lists and the audit log (plan §8(3)).
    let section = Actor::section(Section::SocialOrganizations);
    let office = Actor::section(Section::Office);

    // The registry as a bureau would have it: registered over the years.
    let started = Instant::now();
    for n in 1..=subjects {
        let code = uscc(n)?;
        let id: SubjectId = code.clone().into();
        registry.register_subject(
            Subject::Organization(Organization {
                uscc: code,
                name: format!("新郑市第{n}社会团体"),
                kind: OrganizationKind::SocialAssociation,
                established_on: Some(d(2010, 1, 1)?),
            }),
            &section,
            d(2018, 1, 2)?,
        )?;
        if n % 10 == 0 {
            registry.record_misconduct(
                finding(&id, "warning", d(2019, 3, 1)?, None),
                &section,
                d(2019, 3, 4)?,
            )?;
        }
        if n % 50 == 0 {
            registry.record_misconduct(
                finding(&id, "fine", d(2019, 5, 10)?, Some(80_000)),
                &section,
                d(2019, 5, 13)?,
            )?;
        }
    }
    let built = started.elapsed();
    println!("registry of {subjects} subjects built in {built:.2?}");

    let night = d(2019, 9, 2)?;

    // 1. The daily sweep.
    let started = Instant::now();
    let sweep = registry.daily_sweep(&Actor::system(), night)?;
    let swept = started.elapsed();
    println!(
        "sweep of {night}: {} listed, {} list exits, {} erased, {} publications ended, {} overdue objections, {} not computed — {swept:.2?}",
        sweep.listed.len(),
        sweep.list_exits.len(),
        sweep.erased.len(),
        sweep.publication_ended.len(),
        sweep.overdue_objections.len(),
        sweep.not_computed.len(),
    );

    // 2. Every subject assessed, a page of registered subjects at a time.
    let started = Instant::now();
    let mut by_severity: BTreeMap<String, usize> = BTreeMap::new();
    let (mut listed, mut key_supervision, mut green) = (0usize, 0usize, 0usize);
    let mut assessed_count = 0usize;
    let mut cursor: Option<Cursor> = None;
    loop {
        let page = registry.subjects(cursor.as_deref(), 500, &office)?;
        for subject in &page.items {
            let summary = registry.assess(&subject.id(), night)?;
            assessed_count += 1;
            let severity = summary
                .worst_severity
                .map_or_else(|| "none".to_owned(), |s| s.as_str().to_owned());
            *by_severity.entry(severity).or_default() += 1;
            listed += usize::from(
                !summary.blacklist_domains.is_empty() || summary.red_list_since.is_some(),
            );
            key_supervision += usize::from(summary.key_supervision);
            green += usize::from(summary.green_channel);
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let assessed = started.elapsed();
    let per = assessed / u32::try_from(assessed_count.max(1))?;
    println!("assessed {assessed_count} subjects in {assessed:.2?} ({per:.2?} each)");
    for (severity, count) in &by_severity {
        println!("  worst severity {severity:<8} {count:>6}");
    }
    println!("  on a blacklist or the red list {listed:>6}");
    println!("  key supervision targets        {key_supervision:>6}");
    println!("  green channel open             {green:>6}");

    // 3. The audit trail of the night, a page at a time.
    let started = Instant::now();
    let (mut entries, mut after) = (0usize, 0u64);
    loop {
        let page = registry.audit_page(after, 1_000, &office)?;
        entries += page.items.len();
        match page.items.last() {
            Some((seq, _)) if page.next.is_some() => after = *seq,
            _ => break,
        }
    }
    println!(
        "audit log: {entries} entries read in {:.2?}",
        started.elapsed()
    );
    Ok(())
}
