//! The objection desk (异议处理台账): what the Office has to do today.
//!
//! Eight objections received around the 2019 National Day holiday (1–7
//! October off, Sunday 29 September and Saturday 12 October worked), seen on
//! Wednesday 9 October 2019 with the official calendar: to records, and one
//! to a list entry (the activity-abnormal list) made by an agent. The first
//! table lists every objection with a step overdue or due within the next 5
//! working days, overdue first, then by deadline; the second lists the rest.
//! Each row shows the Office's two acts: the notification of the result to
//! the applicant and the reply with reasons to the credit subject, which may
//! be different people. Deadlines are the plan's: forward within 5 working
//! days of receipt, the section's opinion within 5 of its receipt, notify
//! the applicant within 2 of the Office's receipt of the opinion, reply to
//! the subject within 12 of receipt (plan §6(3)). The last table lists the
//! overdue steps by the section answerable for them (plan §6(9)).
//!
//! A last table shows the desk at the 2026 year end, on the built-in
//! notices projected by the statutory rules: deadlines past the last loaded
//! notice are said to be projected. Give a notice file (CSV or JSON) as the
//! first argument to load the next year's notice over the built-in ones.
//!
//! Run with `cargo run --example objection_desk [notice.csv|notice.json]`.

use std::error::Error;

use chrono::{Datelike, NaiveDate, TimeZone, Utc, Weekday};
use social_credit::calendar::{ChinaCalendar, Schedule};
use social_credit::lists::ListEntryId;
use social_credit::misconduct::{RecordContent, RecordId, Section};
use social_credit::objection::{
    due_soon, overdue_by_section, Applicant, Capacity, Finding, Objection, ObjectionId,
    ObjectionStatus, OfficeAnswer, Outcome, Receipt, Step,
};
use social_credit::{ResidentId, SubjectId, Uscc};

/// The day the desk is looked at.
const TODAY: (i32, u32, u32) = (2019, 10, 9);
/// How far ahead the first table looks, in working days.
const WITHIN: u32 = 5;

fn main() -> Result<(), Box<dyn Error>> {
    let calendar = ChinaCalendar::official();
    let today = day(TODAY.0, TODAY.1, TODAY.2)?;
    let desk = objections()?;

    let (en, zh) = weekday_names(today);
    println!("异议处理台账 Objection desk — {today} ({en} {zh})");
    println!();

    let due = due_soon(&calendar, &desk, today, WITHIN)?;
    println!("逾期及{WITHIN}个工作日内到期 Overdue or due within {WITHIN} working days");
    let rows: Vec<Vec<String>> = due
        .iter()
        .filter_map(|item| {
            let objection = desk.iter().find(|o| o.id() == item.status.objection)?;
            let late = match item.overdue_by {
                Some(n) => format!("逾期 {n} 个工作日 {n} WD late"),
                None => "—".to_owned(),
            };
            let answers = objection.answers_on(&calendar, today).ok()?;
            Some(row(
                objection,
                &item.status,
                &answers,
                late,
                item.deadline.step,
                item.deadline.due,
            ))
        })
        .collect();
    print_table(&rows);

    println!();
    println!("其他 Others");
    let mut rest = Vec::new();
    for objection in &desk {
        if due.iter().any(|i| i.status.objection == objection.id()) {
            continue;
        }
        if objection.received_on() > today {
            continue;
        }
        let status = objection.status_on(&calendar, today)?;
        let answers = objection.answers_on(&calendar, today)?;
        let note = match objection.outcome() {
            Some(outcome) => format!("{} {}", outcome.chinese_name(), outcome.english_name()),
            None => "—".to_owned(),
        };
        rest.push(match status.most_urgent() {
            Some(next) => row(objection, &status, &answers, note, next.step, next.due),
            None => row_without_deadline(objection, &status, &answers, note),
        });
    }
    print_table(&rest);

    println!();
    println!("逾期明细 Overdue steps, with the rule behind each deadline");
    for objection in &desk {
        let status = objection.status_on(&calendar, today)?;
        for late in &status.overdue {
            let done = match late.done_on {
                Some(d) => format!("done 完成于 {d}"),
                None => "not done 未完成".to_owned(),
            };
            println!(
                "  {}  {} {}: due 期限 {}, {done}, {} working day(s) late — {}",
                objection.id(),
                late.deadline.step.chinese_name(),
                late.deadline.step.english_name(),
                late.deadline.due,
                late.working_days,
                late.deadline.basis,
            );
        }
    }
    println!();
    println!("按科室逾期 Overdue steps by the section answerable (plan §6(9))");
    for (section, steps) in overdue_by_section(&calendar, &desk, today)? {
        println!("  {section}");
        for late in steps {
            println!(
                "    {}  {} {}: due 期限 {}, {} working day(s) overdue",
                late.objection,
                late.overdue.deadline.step.chinese_name(),
                late.overdue.deadline.step.english_name(),
                late.overdue.deadline.due,
                late.overdue.working_days,
            );
        }
    }
    println!();
    println!(
        "Working days (WD) count the days after a date, not the date itself; \
         a receipt on a rest day counts from the next working day."
    );
    println!("工作日自次日起算；休息日收到的申请自下一个工作日起算。");
    year_end()?;
    Ok(())
}

/// The desk on Monday 28 December 2026, with the built-in notices projected
/// five years ahead (and the notice file given, if any, loaded over them).
fn year_end() -> Result<(), Box<dyn Error>> {
    let mut calendar = ChinaCalendar::official_projected();
    if let Some(notice) = std::env::args().nth(1) {
        calendar =
            calendar.with_schedule(Schedule::from_text(&std::fs::read_to_string(&notice)?)?)?;
    }
    let today = day(2026, 12, 28)?;
    println!();
    println!(
        "年末 Year end — {today}; holiday notices loaded to {}, later days projected by the statutory rules",
        calendar.last_notice_day()
    );
    let subject: SubjectId = "91350100M000100Y43".parse::<Uscc>()?.into();
    for (id, received) in [(8, day(2026, 12, 14)?), (9, day(2026, 12, 20)?)] {
        let objection = Objection::receive(
            ObjectionId(id),
            RecordId(100 + id),
            subject.clone(),
            Receipt::Written { on: received },
            "Office 办公室",
            "",
        );
        let d = objection.deadlines(&calendar)?;
        let say = |due: Option<NaiveDate>| match due {
            Some(due) => d.describe(&calendar, due),
            None => "past the calendar's last day 超出日历范围".to_owned(),
        };
        println!(
            "  {}  received 受理 {received}: forward by 转送 {}; reply by 答复 {}",
            objection.id(),
            say(d.forward_by),
            say(d.reply_by),
        );
    }
    Ok(())
}

fn day(y: i32, m: u32, d: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("no such day {y}-{m}-{d}").into())
}

fn weekday_names(date: NaiveDate) -> (&'static str, &'static str) {
    match date.weekday() {
        Weekday::Mon => ("Monday", "星期一"),
        Weekday::Tue => ("Tuesday", "星期二"),
        Weekday::Wed => ("Wednesday", "星期三"),
        Weekday::Thu => ("Thursday", "星期四"),
        Weekday::Fri => ("Friday", "星期五"),
        Weekday::Sat => ("Saturday", "星期六"),
        Weekday::Sun => ("Sunday", "星期日"),
    }
}

/// The handful of objections on the desk.
fn objections() -> Result<Vec<Objection>, Box<dyn Error>> {
    let org =
        |code: &str| -> Result<SubjectId, Box<dyn Error>> { Ok(code.parse::<Uscc>()?.into()) };
    let person: SubjectId = "34052419800101001X".parse::<ResidentId>()?.into();
    let written = |on| Receipt::Written { on };
    let office = "王芳 Wang Fang";
    let mut desk = Vec::new();

    // O1: received Friday 20 September, not yet forwarded (due Friday 27 September).
    desk.push(Objection::receive(
        ObjectionId(1),
        RecordId(101),
        org("91350100M000100Y43")?,
        written(day(2019, 9, 20)?),
        office,
        "annual report was filed on time",
    ));

    // O2: received 20 September, forwarded Monday 23 September; the section's
    // opinion was due Sunday 29 September (a working day) and is not in.
    let mut o2 = Objection::receive(
        ObjectionId(2),
        RecordId(102),
        person.clone(),
        written(day(2019, 9, 20)?),
        office,
        "the record names the wrong person",
    );
    o2.forward(day(2019, 9, 23)?, office, Section::SocialAffairs)?;
    desk.push(o2);

    // O3: received Friday 27 September, just before the holiday.
    desk.push(Objection::receive(
        ObjectionId(3),
        RecordId(103),
        org("91350100M000100Y43")?,
        written(day(2019, 9, 27)?),
        office,
        "the fine was paid",
    ));

    // O4: online at 00:30 on Saturday 28 September, China time; forwarded 8 October.
    let mut o4 = Objection::receive(
        ObjectionId(4),
        RecordId(104),
        org("91350100M000100Y43")?,
        Receipt::Online {
            at: Utc
                .with_ymd_and_hms(2019, 9, 27, 16, 30, 0)
                .single()
                .ok_or("no such instant")?,
        },
        "在线平台 online",
        "the service contract was renewed",
    );
    o4.forward(day(2019, 10, 8)?, office, Section::ElderlyCare)?;
    desk.push(o4);

    // O5: the section's opinion arrived 8 October; notify by 10 October.
    let mut o5 = Objection::receive(
        ObjectionId(5),
        RecordId(105),
        person.clone(),
        written(day(2019, 9, 24)?),
        office,
        "the subsidy was returned",
    );
    o5.forward(day(2019, 9, 25)?, office, Section::SocialAffairs)?;
    o5.receive_opinion(
        day(2019, 10, 8)?,
        "李强 Li Qiang",
        Finding::ErrorConfirmed,
        "refund received 2 September",
    )?;
    desk.push(o5);

    // O6: settled before the holiday: the record was corrected.
    let mut o6 = Objection::receive(
        ObjectionId(6),
        RecordId(106),
        org("91350100M000100Y43")?,
        written(day(2019, 9, 16)?),
        office,
        "the amount of the fine is wrong",
    );
    o6.forward(day(2019, 9, 17)?, office, Section::SocialOrganizations)?;
    o6.receive_opinion(
        day(2019, 9, 23)?,
        "张伟 Zhang Wei",
        Finding::ErrorConfirmed,
        "fine was 1,500 yuan",
    )?;
    o6.notify(
        day(2019, 9, 24)?,
        office,
        Outcome::Corrected {
            corrected: RecordContent {
                description: "fine of 1,500 yuan for late annual report".into(),
                legal_basis: "MCA Order No. 60 (2018)".into(),
                evidence: vec!["新民罚〔2019〕7号".into()],
                fine: Some(1500.into()),
            },
            reasons: "the decision document states 1,500 yuan".into(),
        },
    )?;
    // The applicant is the subject: one letter is both acts, the same day.
    o6.reply(
        day(2019, 9, 24)?,
        office,
        "the decision document states 1,500 yuan",
    )?;
    o6.close(day(2019, 9, 25)?, office)?;
    desk.push(o6);

    // O7: withdrawn by the applicant.
    let mut o7 = Objection::receive(
        ObjectionId(7),
        RecordId(107),
        person,
        written(day(2019, 9, 26)?),
        office,
        "",
    );
    o7.withdraw(day(2019, 9, 30)?, "申请人 applicant")?;
    desk.push(o7);

    // O8: an agent objects to the organization's entry on the
    // activity-abnormal list; the Social Organizations Section submitted its
    // opinion on Monday 30 September, which the Office received on 8 October
    // (after the holiday), and the applicant was notified on 9 October. The
    // reply to the organization itself is still due (by 14 October).
    let mut o8 = Objection::receive(
        ObjectionId(8),
        ListEntryId(3),
        org("91350100M000100Y43")?,
        written(day(2019, 9, 26)?),
        office,
        "the annual report was filed before the listing",
    )
    .with_applicant(Applicant::Representative {
        capacity: Capacity::Agent,
        reference: "XZMZ-2019-114".into(),
    });
    o8.forward(day(2019, 9, 27)?, office, Section::SocialOrganizations)?;
    o8.receive_opinion_submitted(
        day(2019, 9, 30)?,
        day(2019, 10, 8)?,
        "张伟 Zhang Wei",
        Finding::ErrorConfirmed,
        "the report was received on 28 June",
    )?;
    o8.notify(
        day(2019, 10, 9)?,
        office,
        Outcome::Revoked {
            reasons: "the annual report was filed on time; the listing is revoked".into(),
        },
    )?;
    desk.push(o8);

    Ok(desk)
}

const HEADERS: [(&str, &str); 11] = [
    ("编号", "No."),
    ("异议信息", "Item"),
    ("信用主体", "Subject"),
    ("申请人", "Applicant"),
    ("受理", "Received"),
    ("阶段", "Stage"),
    ("下一步 / 期限", "Next step / due"),
    ("通知申请人", "Notify applicant"),
    ("回复信用主体", "Reply to subject"),
    ("答复剩余", "Reply left"),
    ("情况", "Note"),
];

fn step_label(step: Step) -> String {
    let short = match step {
        Step::Forward => "转送科室 forward",
        Step::Verify => "科室核实 verify",
        Step::Notify => "通知申请人 notify",
        Step::Reply => "回复主体 reply",
        Step::Receive | Step::Close | Step::Withdraw => step.english_name(),
    };
    short.to_owned()
}

fn row(
    objection: &Objection,
    status: &ObjectionStatus,
    answers: &[OfficeAnswer; 2],
    note: String,
    step: Step,
    due: NaiveDate,
) -> Vec<String> {
    let mut cells = common_cells(objection, status);
    cells.push(format!("{} {due}", step_label(step)));
    cells.extend(answers.iter().map(answer_cell));
    cells.push(reply_left(status));
    cells.push(note);
    cells
}

fn row_without_deadline(
    objection: &Objection,
    status: &ObjectionStatus,
    answers: &[OfficeAnswer; 2],
    note: String,
) -> Vec<String> {
    let mut cells = common_cells(objection, status);
    cells.push("—".to_owned());
    cells.extend(answers.iter().map(answer_cell));
    cells.push(reply_left(status));
    cells.push(note);
    cells
}

/// One of the Office's two acts: done on a day, or due by one.
fn answer_cell(answer: &OfficeAnswer) -> String {
    match (answer.done_on, &answer.deadline) {
        (Some(done), _) => format!("done {done}"),
        (None, Some(d)) => format!("by {}", d.due),
        (None, None) => "—".to_owned(),
    }
}

/// Working days left before the reply is due, or how far past it.
fn reply_left(status: &ObjectionStatus) -> String {
    match status.reply_working_days_left {
        Some(n) if n >= 0 => format!("{n} WD"),
        Some(n) => format!("{} WD past 已超", -n),
        None => "—".to_owned(),
    }
}

fn common_cells(objection: &Objection, status: &ObjectionStatus) -> Vec<String> {
    vec![
        objection.id().to_string(),
        objection.item().to_string().replace('`', ""),
        objection.subject().display_masked(),
        match objection.applicant() {
            Applicant::Subject => "主体本人 subject".to_owned(),
            Applicant::Representative { capacity, .. } => {
                format!("{} {}", capacity.chinese_name(), capacity.english_name())
            }
        },
        format!(
            "{} {}",
            objection.received_on(),
            objection.receipt().chinese_name()
        ),
        format!(
            "{} {}",
            status.stage.chinese_name(),
            status.stage.english_name()
        ),
    ]
}

/// Columns as wide as a terminal shows them: a CJK character takes two cells.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

fn pad(s: &str, width: usize) -> String {
    let fill = width.saturating_sub(display_width(s));
    format!("{s}{}", " ".repeat(fill))
}

fn print_table(rows: &[Vec<String>]) {
    if rows.is_empty() {
        println!("  (none 无)");
        return;
    }
    let widths: Vec<usize> = HEADERS
        .iter()
        .enumerate()
        .map(|(i, (zh, en))| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| display_width(c))
                .chain([display_width(zh), display_width(en)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| pad(c, *w)).collect();
        println!("  {}", padded.join("  ").trim_end());
    };
    line(HEADERS.iter().map(|(zh, _)| *zh).collect());
    line(HEADERS.iter().map(|(_, en)| *en).collect());
    let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    println!("  {}", "─".repeat(total));
    for r in rows {
        line(r.iter().map(String::as_str).collect());
    }
}
