//! Quickstart: a bureau's day in one run, on the embedded in-memory store.
//!
//! It registers a social organization by its unified social credit code and
//! its legal representative; records findings that the civil-affairs preset
//! (MCA Order No. 60, 2018) grades severe; prints the assessment with every
//! measure and the clause behind it, including the personal measures that
//! reach the legal representative (plan §5(6)); receives an objection on the
//! Friday before National Day 2019 and prints its deadlines; resolves it as
//! an error and prints what the providing section must restore, for the
//! organization and its linked persons (plan §6(3), §5(6)); and prints when a
//! person's record will be erased (plan §6(7)).
//!
//! Run with `cargo run --example quickstart`. Nothing else to install.
#![allow(clippy::print_stdout)]

use chrono::NaiveDate;
use rust_decimal::Decimal;
use social_credit::assess::{Assessment, Change};
use social_credit::calendar::ChinaCalendar;
use social_credit::grading::{GradingPolicy, PolicySet};
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::objection::{Finding, Outcome, Receipt};
use social_credit::registry::{NewRecord, ObjectionStep, Registry, RuleBook};
use social_credit::repair::{PenaltyDecision, PenaltyDomain, PenaltyKind};
use social_credit::store::MemoryStore;
use social_credit::{
    Organization, OrganizationKind, Person, ResidentId, Role, RoleLink, Section, Subject,
    SubjectId, Uscc,
};

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

fn d(y: i32, m: u32, day: u32) -> Result<NaiveDate, Error> {
    NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| format!("no date {y}-{m}-{day}").into())
}

fn rule(title: &str) {
    println!();
    println!("{title}");
    println!("{}", "─".repeat(78));
}

fn finding(
    subject: &SubjectId,
    conduct: &str,
    occurred_on: NaiveDate,
    fine: Option<i64>,
    description: &str,
) -> NewRecord {
    NewRecord {
        subject: subject.clone(),
        conduct: ConductKind::new(conduct),
        section: Section::SocialOrganizations,
        occurred_on,
        ended_on: Some(occurred_on),
        content: RecordContent {
            description: description.into(),
            legal_basis:
                "Regulations on the Registration of Social Organizations 社会团体登记管理条例"
                    .into(),
            evidence: vec![format!("新民罚字〔2019〕{}号", occurred_on.format("%m%d"))],
            fine: fine.map(Decimal::from),
        },
        decision: fine.map(|_| {
            PenaltyDecision::new(occurred_on, PenaltyDomain::Other, vec![PenaltyKind::Fine])
        }),
    }
}

fn print_measures(a: &Assessment<'_>) {
    for m in a.measures() {
        let measure = m.measure();
        let records: Vec<String> = m.records().map(|r| r.to_string()).collect();
        println!(
            "  {:<12} {:<8} {} {}",
            measure.source,
            records.join(","),
            measure.english_name,
            measure.chinese_name,
        );
    }
}

fn main() -> Result<(), Error> {
    // The built-in rules, with a plan-level grading policy that also grades
    // persons (MCA Order No. 60 (2018) grades social organizations only; the
    // shipped plan-level policy is an EXAMPLE a bureau replaces with its own).
    let rules = RuleBook {
        policies: PolicySet::new(vec![GradingPolicy::xinzheng_plan_2019_example().clone()])?,
        ..RuleBook::xinzheng_2019()
    };
    let registry = Registry::new(MemoryStore::new(), ChinaCalendar::official(), rules);
    let uscc: Uscc = "51410184MJY123458B".parse()?;
    let chair: ResidentId = "410184197803124316".parse()?;
    let org: SubjectId = uscc.clone().into();
    let person: SubjectId = chair.clone().into();

    rule("1. Registration 登记");
    registry.register_subject(
        Subject::Organization(Organization {
            uscc: uscc.clone(),
            name: "新郑市示例养老服务协会 Xinzheng Example Elderly Care Association".into(),
            kind: OrganizationKind::SocialAssociation,
            established_on: Some(d(2014, 6, 1)?),
        }),
        &who::clerk(),
        d(2019, 1, 7)?,
    )?;
    registry.register_subject(
        Subject::Person(Person {
            id: chair.clone(),
            name: "王建国".into(),
        }),
        &who::clerk(),
        d(2019, 1, 7)?,
    )?;
    registry.link_person(
        RoleLink {
            organization: uscc.clone(),
            person: chair.clone(),
            role: Role::LegalRepresentative,
            from: d(2014, 6, 1)?,
            until: None,
        },
        &who::clerk(),
        d(2019, 1, 7)?,
    )?;
    println!(
        "  organization 社会组织   {uscc}  ({} {}, {:?})",
        uscc.registration_authority().english_name(),
        uscc.registration_authority().chinese_name(),
        uscc.organization_type()
    );
    println!(
        "  legal representative 法定代表人  {}  (shown masked 脱敏)",
        chair.masked()
    );

    rule("2. Findings 失信行为记录 (graded by the civil-affairs preset, MCA Order No. 60 (2018))");
    let warning = registry.record_misconduct(
        finding(
            &org,
            "warning",
            d(2019, 3, 1)?,
            None,
            "warning for holding an unapproved branch meeting",
        ),
        &who::section(),
        d(2019, 3, 4)?,
    )?;
    let fine = registry.record_misconduct(
        finding(
            &org,
            "fine",
            d(2019, 5, 10)?,
            Some(80_000),
            "fined ¥80,000 for collecting fees above the approved standard",
        ),
        &who::section(),
        d(2019, 5, 13)?,
    )?;
    for r in [&warning, &fine] {
        println!(
            "  {:<4} {:<10} {:<18} {}",
            r.id.to_string(),
            r.conduct.as_str(),
            r.severity.to_string(),
            r.graded_by
        );
    }

    let day = d(2019, 9, 2)?;
    rule(&format!(
        "3. Assessment 评估 of the organization as of {day}"
    ));
    registry.with_assessment(&org, day, |a| {
        println!(
            "  worst severity 最严重等级: {}",
            a.worst_severity
                .map_or("none 无".to_owned(), |s| s.to_string())
        );
        if let Some(c) = &a.key_supervision {
            println!("  key supervision target 重点监管对象: yes — {c}");
        }
        for b in &a.blacklists {
            println!(
                "  blacklist 黑名单: domain `{}` since {}",
                b.domain, b.since
            );
        }
        println!("  measures 措施 (clause 条款, records 依据记录, measure 措施):");
        print_measures(a);
        if let Some(next) = &a.next_change {
            let kinds: Vec<&str> = next
                .changes
                .iter()
                .map(|c| match c {
                    Change::ListExit { .. } => "a list exit 移出名单",
                    Change::Erasure { .. } => "an erasure 记录消除",
                    Change::GreenChannelOpens => "the green channel opens 绿色通道开启",
                    Change::RepairWindowOpens { .. } => "a repair window opens 可申请信用修复",
                    _ => "a change",
                })
                .collect();
            println!("  next change 下一变化: {} — {}", next.on, kinds.join(", "));
        }
    })?;

    rule("4. Personal measures reaching the legal representative 落实到人 (plan §5(6))");
    registry.with_assessment(&person, day, |a| {
        println!(
            "  {} — {} measure(s) (clause 条款, records 依据记录, measure 措施):",
            chair.masked(),
            a.measures().len()
        );
        print_measures(a);
    })?;

    rule("5. An objection 异议 received on Friday 27 September 2019, before National Day");
    let objection = registry.receive_objection(
        fine.id,
        Receipt::Written {
            on: d(2019, 9, 27)?,
        },
        "the fine was annulled on administrative review 行政复议",
        &who::office(),
    )?;
    let deadlines = objection.objection.deadlines(&*registry.calendar())?;
    println!("  received 受理          2019-09-27 (Friday 星期五)");
    println!(
        "  note: Sunday 29 Sep and Saturday 12 Oct 2019 were working days 调休上班; 1–7 Oct off"
    );
    for (label, n, deadline) in [
        ("forward by 转送期限", 5, deadlines.forward()),
        ("reply by 答复期限  ", 12, deadlines.reply()),
    ] {
        match deadline {
            Some(d) => println!(
                "  {label}     {}   ({n} working days, {})",
                deadlines.describe(&*registry.calendar(), d.due),
                d.basis
            ),
            None => println!("  {label}     past the calendar's last day ({n} working days)"),
        }
    }

    registry.advance_objection(
        objection.id(),
        ObjectionStep::Forward {
            to: Section::SocialOrganizations,
        },
        &who::office(),
        d(2019, 9, 30)?,
    )?;
    registry.advance_objection(
        objection.id(),
        ObjectionStep::Opinion {
            finding: Finding::ErrorConfirmed,
            summary: "the penalty decision was annulled on 2019-09-20".into(),
            submitted_on: None,
        },
        &who::section(),
        d(2019, 10, 9)?,
    )?;
    registry.advance_objection(
        objection.id(),
        ObjectionStep::Notify {
            outcome: Outcome::Revoked {
                reasons: "the fine behind the record was annulled".into(),
            },
        },
        &who::office(),
        d(2019, 10, 10)?,
    )?;
    // The applicant is the subject: the same letter replies with the reasons.
    registry.advance_objection(
        objection.id(),
        ObjectionStep::Reply {
            reasons: "the penalty decision behind the record was annulled on review".into(),
        },
        &who::office(),
        d(2019, 10, 10)?,
    )?;

    rule(&format!(
        "6. Error confirmed: record {} revoked; what the section that provided it must restore (plan §6(3))",
        fine.id
    ));
    let restore = registry.restoration(fine.id)?;
    let catalogue = &registry.rules().catalogue;
    println!("  owed by 有关科室: {}", restore.owed_by);
    println!("  in force 实施期间          measure 措施");
    let name = |id: &String| {
        catalogue
            .get(id)
            .map(|m| format!("{} {}", m.english_name, m.chinese_name))
            .unwrap_or_else(|| id.clone())
    };
    for (id, from, until) in &restore.measures {
        println!("  {from} – {until}  {}", name(id));
    }
    for (person, measures) in &restore.persons {
        println!("  linked person 相关责任人员 {person} (plan §5(6)):");
        for (id, from, until) in measures {
            println!("    {from} – {until}  {}", name(id));
        }
    }
    println!("  under {}", restore.basis);
    let after = registry.assess(&org, d(2019, 10, 11)?)?;
    println!(
        "  worst severity now 现最严重等级: {}",
        after
            .worst_severity
            .map_or("none 无".to_owned(), |s| s.to_string())
    );

    rule("7. Erasure of a person's record 个人失信记录消除 (plan §6(7))");
    let personal = registry.record_misconduct(
        NewRecord {
            section: Section::SocialAffairs,
            ..finding(
                &person,
                "warning",
                d(2019, 6, 3)?,
                None,
                "warning as the person directly responsible",
            )
        },
        &social_credit::Actor::section(Section::SocialAffairs),
        d(2019, 6, 10)?,
    )?;
    let retention = &registry.rules().retention;
    let ended = personal.ended_on.unwrap_or(personal.occurred_on);
    let last = retention.last_retained_day(ended);
    println!(
        "  record {} about {}: conduct ended 失信行为终止 {ended}",
        personal.id,
        chair.masked()
    );
    println!(
        "  kept through 保留至 {last}; erased from 消除自 {} — {}",
        last.succ_opt().unwrap_or(last),
        retention.basis
    );
    let sweep = registry.daily_sweep(&who::system(), last.succ_opt().unwrap_or(last))?;
    let erased: Vec<String> = sweep.erased.iter().map(|r| r.to_string()).collect();
    println!(
        "  the daily sweep of that day erased 当日清理消除: {}",
        erased.join(", ")
    );
    Ok(())
}
