//! A registry on SQLite in a file: run it twice to see the data survive a
//! restart.
//!
//! The first run registers an organization and records a finding; every
//! later run opens the same file, finds what earlier runs stored, records one
//! more finding and prints the assessment and the audit log's length.
//!
//! Run with `cargo run --example sqlite_registry --features sqlite` (twice).
//! The database is `social-credit-example.sqlite` in the system's temporary
//! folder, or the path given as the first argument. An optional second
//! argument is a holiday notice file (CSV in the shape of
//! `data/calendar/cn.csv`, or JSON `{"rows": [...]}`), loaded over the
//! built-in calendar: how a service takes the next year's notice without a
//! release. Days after the last notice are projected by the statutory rules
//! and said to be so.
#![allow(clippy::print_stdout)]

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use social_credit::calendar::{ChinaCalendar, Schedule};
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::registry::{NewRecord, Registry, RuleBook};
use social_credit::store::SqliteStore;
use social_credit::{Organization, OrganizationKind, Section, Subject, SubjectId, Uscc};

/// Who acts in these examples and tests (issue 18): a section as a unit,
/// the Office, the system for the sweep.
#[allow(dead_code)]
mod who {
    use social_credit::misconduct::Section;
    use social_credit::Actor;

    /// The Social Organizations Section, which records in its own field.
    pub fn clerk() -> Actor {
        Actor::section(Section::SocialOrganizations)
    }

    /// The section that provided the records of these tests.
    pub fn section() -> Actor {
        Actor::section(Section::SocialOrganizations)
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

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let path = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("social-credit-example.sqlite"));
    // The built-in notices projected five years ahead, with the notice file
    // given (if any) loaded over them.
    let mut calendar = ChinaCalendar::official_projected();
    if let Some(notice) = std::env::args().nth(2) {
        calendar =
            calendar.with_schedule(Schedule::from_text(&std::fs::read_to_string(&notice)?)?)?;
        println!(
            "notice 节假日通知 `{notice}` loaded: notices reach {}",
            calendar.last_notice_day()
        );
    }
    let store = SqliteStore::open(&path)?;
    println!(
        "database 数据库: {} (schema version {})",
        path.display(),
        store.schema_version()?
    );
    let registry = Registry::new(store, calendar, RuleBook::xinzheng_2019());

    let uscc: Uscc = "51410184MJ0847QR4R".parse()?;
    let org: SubjectId = uscc.clone().into();
    let start = NaiveDate::from_ymd_opt(2020, 3, 2).ok_or("bad date")?;

    let records_before = match registry.subject(&org)? {
        None => {
            println!("first run 首次运行: registering {uscc}");
            registry.register_subject(
                Subject::Organization(Organization {
                    uscc: uscc.clone(),
                    name: "新郑市示例慈善基金会 Xinzheng Example Charity Foundation".into(),
                    kind: OrganizationKind::Foundation,
                    established_on: NaiveDate::from_ymd_opt(2016, 9, 1),
                }),
                &who::clerk(),
                start,
            )?;
            0
        }
        Some(subject) => {
            let n = registry.audit_log(0)?.len();
            println!(
                "found 已存储: {} with {n} audit entries from earlier runs",
                subject.name()
            );
            registry
                .audit_log(0)?
                .iter()
                .filter(|(_, e)| e.action.verb() == "recorded")
                .count()
        }
    };

    // Each run records the next finding, a month after the previous one.
    let on = start + Days::new(30 * (records_before as u64 + 1));
    let record = registry.record_misconduct(
        NewRecord {
            subject: org.clone(),
            conduct: ConductKind::new("fine"),
            section: Section::SocialOrganizations,
            occurred_on: on,
            ended_on: Some(on),
            content: RecordContent {
                description: "late filing of the annual donation report".into(),
                legal_basis: "Regulations on the Administration of Foundations 基金会管理条例"
                    .into(),
                evidence: vec![format!("run {}", records_before + 1)],
                fine: Some(Decimal::from(2_000)),
            },
            decision: None,
        },
        &social_credit::Actor::section(Section::SocialOrganizations),
        on,
    )?;
    println!(
        "recorded 记录 {} on {on}: {} under {}",
        record.id, record.severity, record.graded_by
    );

    let a = registry.assess(&org, on)?;
    println!(
        "assessment 评估 on {on}: worst severity {}, {} measure(s), lists {:?}",
        a.worst_severity
            .map_or("none".to_owned(), |s| s.to_string()),
        a.measures.len(),
        a.blacklist_domains,
    );
    if let Some(next) = a.next_change {
        println!(
            "next change 下次变化: {next}{}",
            a.next_change_finality.describe(next)
        );
    }
    println!(
        "records so far 累计记录: {}; audit entries 审计日志: {}",
        records_before + 1,
        registry.audit_log(0)?.len()
    );
    println!("run again to see the data survive a restart 再次运行可见数据持久保存");
    Ok(())
}
