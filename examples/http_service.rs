//! A small JSON-over-HTTP service over the registry, kept in SQLite.
//!
//! It shows how a service wraps [`Registry`]: one registry shared behind an
//! `Arc`, every store call on tokio's blocking pool (SQLite blocks), each
//! request's date taken from the request (the crate never reads the clock,
//! and neither does this service), and every refusal mapped to a 4xx status
//! with a JSON body `{"error": "…", "kind": "…"}` naming the problem. A
//! refused request writes nothing: each registry operation is one store
//! transaction. A store failure answers 500 without its details, which go
//! to the service's standard error.
//!
//! Run with
//!
//! ```text
//! cargo run --example http_service --features sqlite -- [path.sqlite] [addr] [notice.csv|notice.json]
//! ```
//!
//! (defaults `registry.sqlite` and `127.0.0.1:3000`; the optional third
//! argument is a holiday notice file loaded over the built-in calendar,
//! e.g. the 2027 notice before a release ships it), then, for example:
//!
//! ```text
//! curl -X POST localhost:3000/subjects -d '{"on": "2019-01-07", "by": "clerk",
//!   "subject": {"type": "organization", "uscc": "91350100M000100Y43",
//!   "name": "Example Association", "kind": "social_association"}}'
//! curl 'localhost:3000/subjects/org:91350100M000100Y43/assessment?on=2019-04-01'
//! ```
//!
//! # Endpoints
//!
//! | method and path | body | answer |
//! | --- | --- | --- |
//! | `POST /subjects` | `{"on", "by", "subject": Subject}` | 201 `{"id": "org:…"}` |
//! | `POST /records` | `{"on", "by", "record": NewRecord}` | 201 the graded record |
//! | `GET /subjects/{id}/assessment?on=` | | 200 the assessment summary |
//! | `GET /subjects/{id}/list-entries` | | 200 `[{"id", "entry"}]`, the subject's list entries |
//! | `POST /objections` | `{"by", "about": CreditItem, "applicant"?: Applicant, "receipt", "grounds"}` (or `"record": id` for a record) | 201 the objection |
//! | `POST /objections/{id}/steps` | `{"on", "by", "step": ObjectionStep}` | 200 the objection |
//! | `GET /objections/{id}[?on=]` | | 200 `{"objection", "deadlines", "acts", "status"}` |
//! | `GET /desk/overdue?on=` | | 200 the overdue objection steps by section (plan §6(9)) |
//! | `GET /public/{uscc}?on=` | | 200 the public view |
//! | `POST /calendar/notice` | `{"on", "by", "schedule": Schedule, "partial"?}` | 200 `{"coverage", "last_notice_day"}` |
//!
//! Working days after the last loaded holiday notice are projected by the
//! statutory rules (全国年节及纪念日放假办法); an objection's answer says so
//! in `in_words`, e.g. `"reply by 2027-01-06, projected: the 2027 holiday
//! notice is not loaded"`. `POST /calendar/notice` loads the next notice
//! into the running service (audited; the next request counts with it):
//! a complete year's notice must name every statutory day off, or be sent
//! with `"partial": true`.
//!
//! Dates are `YYYY-MM-DD`. A subject id in a path names its kind, as the
//! store keys do: `org:` before a unified social credit code, `person:`
//! before a citizen identity number. Both are 18 characters from
//! overlapping alphabets, so the length or alphabet cannot tell them apart.
//! `status` in an objection's answer is its standing at the end of `on`
//! (omitted without `on`). `acts` are the Office's two answers (plan §6(3)):
//! the notification of the result to the applicant (`"recipient":
//! "applicant"`) and the reply with reasons to the credit subject
//! (`"recipient": "subject"`), each with its deadline and the day it was
//! done. An objection names what it is about: a record
//! (`{"item": "record", "id": 7}`), a list entry (`{"item": "list_entry",
//! "id": 3}`) or a commitment (`{"item": "commitment", "id": 2}`); the
//! applicant is the subject unless `applicant` says otherwise
//! (`{"applicant": "representative", "capacity": "agent", "reference": "…"}`).
//!
//! # Statuses
//!
//! | status | kind | when |
//! | --- | --- | --- |
//! | 400 | `invalid_body`, `invalid_uscc`, `invalid_resident_id`, `invalid_subject_id`, `invalid_objection_id`, `missing_date`, `invalid_date`, `invalid_query` | the request cannot be read |
//! | 404 | `not_found`, `no_route` | an unknown subject, record or objection, or path |
//! | 405 | `method_not_allowed` | |
//! | 409 | `already_registered`, `objection_step` | the request conflicts with what is stored: a subject registered twice, an objection step out of turn |
//! | 422 | `ungraded`, `dates`, `wrong_subject_kind`, `role_link`, `no_policy_in_force`, `outside_calendar`, `before_receipt`, `objection`, `invalid_notice`, `unprocessable` | the request is well formed but the rules refuse it, e.g. a conduct kind no grading rule knows |
//! | 500 | `internal` | the store failed; nothing is said of why |

use std::collections::HashMap;
use std::error::Error;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use social_credit::assess::AssessError;
use social_credit::calendar::{ChinaCalendar, Schedule, WorkCalendar};
use social_credit::grading::PolicyError;
use social_credit::lists::{ListEntry, ListEntryId};
use social_credit::misconduct::Section;
use social_credit::objection::{
    Applicant, CreditItem, Deadlines, LateStep, Objection, ObjectionId, ObjectionStatus,
    OfficeAnswer, Receipt,
};
use social_credit::registry::{NewRecord, ObjectionStep, Registry, RegistryError, RuleBook};
use social_credit::store::SqliteStore;
use social_credit::{ObjectionError, RecordId, Subject, SubjectId, SubjectIdError, Uscc};

/// The registry the handlers share.
pub type Shared = Arc<Registry<SqliteStore>>;

/// Serves the registry at `path.sqlite` on `addr`.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "registry.sqlite".to_owned());
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    // The built-in notices, projected five years ahead, with the notice
    // file given (if any) loaded over them.
    let mut calendar = ChinaCalendar::official_projected();
    if let Some(notice) = args.next() {
        let schedule = Schedule::from_text(&std::fs::read_to_string(&notice)?)?;
        calendar = calendar.with_schedule(schedule)?;
        println!(
            "notice `{notice}` loaded: notices now reach {}",
            calendar.last_notice_day()
        );
    }
    let registry = Arc::new(Registry::new(
        SqliteStore::open(&path)?,
        calendar,
        RuleBook::xinzheng_2019(),
    ));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!(
        "registry `{path}` served on http://{}",
        listener.local_addr()?
    );
    axum::serve(listener, router(registry)).await?;
    Ok(())
}

/// The service's routes over `registry`.
pub fn router(registry: Shared) -> Router {
    Router::new()
        .route("/subjects", post(register_subject))
        .route("/subjects/{id}/assessment", get(assess))
        .route("/subjects/{id}/list-entries", get(list_entries))
        .route("/records", post(record_misconduct))
        .route("/objections", post(receive_objection))
        .route("/objections/{id}", get(objection))
        .route("/objections/{id}/steps", post(advance_objection))
        .route("/desk/overdue", get(overdue_steps))
        .route("/public/{uscc}", get(public_view))
        .route("/calendar/notice", post(load_notice))
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(registry)
}

// ---------------------------------------------------------------------------
// Requests and answers

/// `POST /subjects`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterSubject {
    /// The day of registration.
    pub on: NaiveDate,
    /// Who registers it.
    pub by: String,
    /// The subject.
    pub subject: Subject,
}

/// The answer to `POST /subjects`.
#[derive(Debug, Serialize)]
pub struct Registered {
    /// The subject's id as paths take it (`org:…` or `person:…`).
    pub id: String,
}

/// `POST /records`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordFinding {
    /// The day the record is made (grading uses the policy in force then).
    pub on: NaiveDate,
    /// Who records it.
    pub by: String,
    /// The finding.
    pub record: NewRecord,
}

/// `POST /objections`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiveObjection {
    /// Who at the Office receives it.
    pub by: String,
    /// The credit information objected to.
    #[serde(default)]
    pub about: Option<CreditItem>,
    /// The record objected to (short for `"about": {"item": "record", "id": …}`).
    #[serde(default)]
    pub record: Option<RecordId>,
    /// Who objects, when not the subject itself.
    #[serde(default)]
    pub applicant: Applicant,
    /// How and when it arrived (its day is the day of receipt).
    pub receipt: Receipt,
    /// The applicant's grounds.
    pub grounds: String,
}

/// `POST /objections/{id}/steps`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvanceObjection {
    /// The day of the step.
    pub on: NaiveDate,
    /// Who takes it.
    pub by: String,
    /// The step.
    pub step: ObjectionStep,
}

/// One of a subject's list entries, with the id to object to it by.
#[derive(Debug, Serialize)]
pub struct ListedEntry {
    /// The entry's id.
    pub id: ListEntryId,
    /// The entry.
    pub entry: ListEntry,
}

/// The answer to `GET /objections/{id}`.
#[derive(Debug, Serialize)]
pub struct ObjectionState {
    /// The objection and every step taken.
    pub objection: Objection,
    /// Its deadlines, as far as the steps taken fix them.
    pub deadlines: Deadlines,
    /// The Office's two acts: notify the applicant, reply to the subject
    /// (as of the end of `on` when given).
    pub acts: [OfficeAnswer; 2],
    /// Where it stood at the end of the day asked about, if one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ObjectionStatus>,
    /// The deadlines as an official reads them, saying which are projected
    /// or provisional and which could not be computed.
    pub in_words: Vec<String>,
}

/// `POST /calendar/notice`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadNotice {
    /// The day it is loaded.
    pub on: NaiveDate,
    /// Who loads it.
    pub by: String,
    /// The notice's rows.
    pub schedule: Schedule,
    /// A notice known only in part: the days it does not name stay projected.
    #[serde(default)]
    pub partial: bool,
}

/// The answer to `POST /calendar/notice`.
#[derive(Debug, Serialize)]
pub struct NoticeLoaded {
    /// The first and last day the calendar now answers.
    pub coverage: (NaiveDate, NaiveDate),
    /// The last day a loaded notice covers; later days are projected.
    pub last_notice_day: NaiveDate,
}

// ---------------------------------------------------------------------------
// Handlers

async fn register_subject(
    State(registry): State<Shared>,
    JsonBody(req): JsonBody<RegisterSubject>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    let id = path_id(&req.subject.id());
    blocking(&registry, move |r| {
        r.register_subject(req.subject, &req.by, req.on)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(Registered { id })))
}

async fn record_misconduct(
    State(registry): State<Shared>,
    JsonBody(req): JsonBody<RecordFinding>,
) -> Result<impl IntoResponse, ApiError> {
    let record = blocking(&registry, move |r| {
        r.record_misconduct(req.record, &req.by, req.on)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(record)))
}

async fn assess(
    State(registry): State<Shared>,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
    Day(on): Day,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_subject_id(&path_segment(id)?)?;
    let summary = blocking(&registry, move |r| r.assess(&id, on)).await?;
    Ok(Json(summary))
}

async fn public_view(
    State(registry): State<Shared>,
    uscc: Result<Path<String>, axum::extract::rejection::PathRejection>,
    Day(on): Day,
) -> Result<impl IntoResponse, ApiError> {
    let uscc = parse_uscc(&path_segment(uscc)?)?;
    let view = blocking(&registry, move |r| r.public_view(&uscc.into(), on)).await?;
    Ok(Json(view))
}

async fn list_entries(
    State(registry): State<Shared>,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_subject_id(&path_segment(id)?)?;
    let entries = blocking(&registry, move |r| r.list_entries(&id)).await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|(id, entry)| ListedEntry { id, entry })
            .collect::<Vec<_>>(),
    ))
}

async fn receive_objection(
    State(registry): State<Shared>,
    JsonBody(req): JsonBody<ReceiveObjection>,
) -> Result<impl IntoResponse, ApiError> {
    let item = match (req.about, req.record) {
        (Some(item), None) => item,
        (None, Some(record)) => CreditItem::Record(record),
        _ => {
            return Err(ApiError::bad_request(
                "invalid_body",
                "an objection names what it is about: `about` (a record, list entry or commitment) or `record`, not both",
            ))
        }
    };
    let objection = blocking(&registry, move |r| {
        r.receive_objection_about(item, req.applicant, req.receipt, &req.grounds, &req.by)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(objection)))
}

async fn advance_objection(
    State(registry): State<Shared>,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
    JsonBody(req): JsonBody<AdvanceObjection>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_objection_id(&path_segment(id)?)?;
    let objection = blocking(&registry, move |r| {
        r.advance_objection(id, req.step, &req.by, req.on)
    })
    .await?;
    Ok(Json(objection))
}

async fn objection(
    State(registry): State<Shared>,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
    MaybeDay(on): MaybeDay,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_objection_id(&path_segment(id)?)?;
    let state = blocking(&registry, move |r| {
        let objection = r.objection(id)?;
        let calendar = r.calendar();
        let deadlines = objection.deadlines(&*calendar)?;
        let status = on
            .map(|on| objection.status_on(&*calendar, on))
            .transpose()?;
        let in_words = in_words(&calendar, &deadlines);
        let acts = match on {
            Some(on) => objection.answers_on(&*calendar, on)?,
            None => objection.answers(&*calendar)?,
        };
        Ok(ObjectionState {
            objection,
            deadlines,
            acts,
            status,
            in_words,
        })
    })
    .await?;
    Ok(Json(state))
}

/// An objection's deadlines as sentences.
fn in_words(calendar: &ChinaCalendar, d: &Deadlines) -> Vec<String> {
    let mut words = Vec::new();
    for (what, day) in [
        ("forward by", d.forward_by),
        ("section's opinion by", d.verify_by),
        ("notify by", d.notify_by),
        ("reply by", d.reply_by),
    ] {
        if let Some(day) = day {
            words.push(format!("{what} {}", d.describe(calendar, day)));
        }
    }
    for missing in &d.missing {
        words.push(format!(
            "{}: not computed, {}",
            missing.basis.rule, missing.reason
        ));
    }
    words
}

async fn load_notice(
    State(registry): State<Shared>,
    JsonBody(req): JsonBody<LoadNotice>,
) -> Result<Json<NoticeLoaded>, ApiError> {
    let current = registry.calendar();
    let loaded = if req.partial {
        current.with_partial_schedule(req.schedule)
    } else {
        current.with_schedule(req.schedule)
    }
    .map_err(|e| ApiError::unprocessable("invalid_notice", e.to_string()))?;
    let answer = NoticeLoaded {
        coverage: (*loaded.coverage().start(), *loaded.coverage().end()),
        last_notice_day: loaded.last_notice_day(),
    };
    let (on, by) = (req.on, req.by);
    blocking(&registry, move |r| r.replace_calendar(loaded, &by, on)).await?;
    Ok(Json(answer))
}

/// One section's overdue objection steps, for `GET /desk/overdue`.
#[derive(Debug, Serialize)]
pub struct SectionOverdue {
    /// The section answerable (plan §6(9)).
    pub section: Section,
    /// Its overdue steps, the most overdue first.
    pub steps: Vec<LateStep>,
}

async fn overdue_steps(
    State(registry): State<Shared>,
    Day(on): Day,
) -> Result<impl IntoResponse, ApiError> {
    let by_section = blocking(&registry, move |r| r.overdue_objection_steps(on)).await?;
    Ok(Json(
        by_section
            .into_iter()
            .map(|(section, steps)| SectionOverdue { section, steps })
            .collect::<Vec<_>>(),
    ))
}

async fn no_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no_route", "no such path")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "the path does not take this method",
    )
}

/// Runs a registry operation on tokio's blocking pool: SQLite calls block.
async fn blocking<T, F>(registry: &Shared, op: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Registry<SqliteStore>) -> Result<T, RegistryError> + Send + 'static,
{
    let registry = Arc::clone(registry);
    match tokio::task::spawn_blocking(move || op(&registry)).await {
        Ok(answer) => answer.map_err(ApiError::from),
        Err(e) => {
            eprintln!("registry operation did not finish: {e}");
            Err(ApiError::internal())
        }
    }
}

// ---------------------------------------------------------------------------
// Reading identifiers and dates

/// A subject's id as paths take it.
fn path_id(id: &SubjectId) -> String {
    // The crate's text form, `org:…` or `person:…`.
    id.to_string()
}

fn parse_subject_id(raw: &str) -> Result<SubjectId, ApiError> {
    // No error quotes an identity number whole.
    raw.parse().map_err(|e: SubjectIdError| match e {
        SubjectIdError::Organization(e) => ApiError::bad_request("invalid_uscc", e.to_string()),
        SubjectIdError::Person(e) => ApiError::bad_request("invalid_resident_id", e.to_string()),
        other => ApiError::bad_request("invalid_subject_id", other.to_string()),
    })
}

fn parse_uscc(raw: &str) -> Result<Uscc, ApiError> {
    raw.parse()
        .map_err(|e: social_credit::UsccError| ApiError::bad_request("invalid_uscc", e.to_string()))
}

fn parse_objection_id(raw: &str) -> Result<ObjectionId, ApiError> {
    raw.parse().map(ObjectionId).map_err(|_| {
        ApiError::bad_request(
            "invalid_objection_id",
            format!("objection id `{raw}` is not a number"),
        )
    })
}

fn path_segment(
    segment: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<String, ApiError> {
    segment
        .map(|Path(s)| s)
        .map_err(|e| ApiError::bad_request("invalid_path", e.body_text()))
}

fn query_date(parts: &Parts) -> Result<Option<NaiveDate>, ApiError> {
    let Query(query) = Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
        .map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    query
        .get("on")
        .map(|raw| {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|e| {
                ApiError::bad_request(
                    "invalid_date",
                    format!("date `{raw}` is not a day written YYYY-MM-DD ({e})"),
                )
            })
        })
        .transpose()
}

/// The day a query names (`?on=YYYY-MM-DD`), required.
pub struct Day(pub NaiveDate);

impl<S: Send + Sync> FromRequestParts<S> for Day {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        query_date(parts)?.map(Day).ok_or_else(|| {
            ApiError::bad_request(
                "missing_date",
                "the query needs the day asked about: `?on=YYYY-MM-DD`",
            )
        })
    }
}

/// The day a query names (`?on=YYYY-MM-DD`), if it names one.
pub struct MaybeDay(pub Option<NaiveDate>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeDay {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        query_date(parts).map(MaybeDay)
    }
}

/// A JSON body; any problem reading it is a 400 with a JSON error (axum's
/// own `Json` answers some problems in plain text).
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::new(e.status(), "invalid_body", e.body_text()))?;
        let mut reader = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut reader)
            .map_err(|e| ApiError::bad_request("invalid_body", body_problem(&e)))?;
        // Trailing characters: a syntax error, which names a position only.
        reader
            .end()
            .map_err(|e| ApiError::bad_request("invalid_body", e.to_string()))?;
        Ok(JsonBody(value))
    }
}

/// What is wrong with a JSON body, naming the field and the problem but
/// never the value given: a rejected value may be a person's number or
/// name (`unknown variant \`34052419800101001X\`` would echo it whole).
/// Messages of this crate's own types (a malformed USCC, a citizen identity
/// number) already quote their input masked and are kept.
pub fn body_problem(error: &serde_path_to_error::Error<serde_json::Error>) -> String {
    let inner = error.inner();
    let message = match inner.classify() {
        serde_json::error::Category::Data => without_value(&inner.to_string()),
        // Syntax, end of input, I/O: the message names a position only.
        _ => inner.to_string(),
    };
    let mut segments: Vec<_> = error.path().iter().collect();
    if message.starts_with("unknown field") {
        // The last segment is the unknown key as given.
        segments.pop();
    }
    let mut path = String::new();
    for segment in segments {
        if !path.is_empty() && !matches!(segment, serde_path_to_error::Segment::Seq { .. }) {
            path.push('.');
        }
        path.push_str(&segment.to_string());
    }
    if path.is_empty() {
        message
    } else {
        format!("field `{path}`: {message}")
    }
}

/// serde's wording with the value it quotes left out: `invalid type: string
/// "…", expected …` becomes `invalid type: string, expected …`, `unknown
/// variant \`…\`, expected …` becomes `unknown variant, expected …`.
fn without_value(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let (unexpected, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
            // `string "…"`, `integer \`…\``, `floating point \`…\``: the kind alone.
            let kind = unexpected
                .split(['"', '`'])
                .next()
                .unwrap_or_default()
                .trim_end();
            return if expected.is_empty() {
                format!("{prefix}{kind}")
            } else {
                format!("{prefix}{kind}, expected {expected}")
            };
        }
    }
    for prefix in ["unknown variant ", "unknown field "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let after = rest
                .strip_prefix('`')
                .and_then(|r| r.split_once('`'))
                .map_or(rest, |(_, after)| after);
            return format!("{}{after}", prefix.trim_end());
        }
    }
    message.to_owned()
}

// ---------------------------------------------------------------------------
// Errors

/// A refusal: its status and the JSON body `{"error", "kind"}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

/// The JSON body of a refusal.
#[derive(Debug, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What is wrong, in words.
    pub error: String,
    /// What is wrong, as a stable word to branch on.
    pub kind: String,
}

impl ApiError {
    fn new(status: StatusCode, kind: &str, error: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody {
                error: error.into(),
                kind: kind.to_owned(),
            },
        }
    }

    fn bad_request(kind: &str, error: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, kind, error)
    }

    fn unprocessable(kind: &str, error: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, kind, error)
    }

    fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the registry could not complete the request; nothing was changed",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> Self {
        let message = e.to_string();
        match e {
            RegistryError::NotFound { .. } => {
                Self::new(StatusCode::NOT_FOUND, "not_found", message)
            }
            RegistryError::AlreadyRegistered { .. } => {
                Self::new(StatusCode::CONFLICT, "already_registered", message)
            }
            RegistryError::Ungraded { .. } => Self::unprocessable("ungraded", message),
            RegistryError::Dates { .. } => Self::unprocessable("dates", message),
            RegistryError::ImplausibleDate { .. } | RegistryError::NegativeFine { .. } => {
                Self::unprocessable("implausible", message)
            }
            RegistryError::WrongSubjectKind { .. } => {
                Self::unprocessable("wrong_subject_kind", message)
            }
            RegistryError::RoleLink(_) => Self::unprocessable("role_link", message),
            RegistryError::Objection(e) => objection_error(e, message),
            RegistryError::Calendar(_) | RegistryError::Assess(AssessError::Calendar(_)) => {
                outside_calendar(message)
            }
            RegistryError::Policy(e) | RegistryError::Assess(AssessError::Policy(e)) => {
                policy_error(&e, message)
            }
            RegistryError::Assess(_) => Self::unprocessable("unprocessable", message),
            RegistryError::Repair(_) | RegistryError::Erasure(_) | RegistryError::Commitment(_) => {
                Self::unprocessable("unprocessable", message)
            }
            RegistryError::Store(e) => {
                eprintln!("store failure: {e}");
                Self::internal()
            }
            // A refusal this service does not know yet: logged, and answered
            // as a server fault rather than guessed at.
            other => {
                eprintln!("unmapped registry error: {other}");
                Self::internal()
            }
        }
    }
}

fn objection_error(e: ObjectionError, message: String) -> ApiError {
    match e {
        // A step out of turn conflicts with the objection's stored state.
        ObjectionError::Finished { .. }
        | ObjectionError::AlreadyDone { .. }
        | ObjectionError::OutOfOrder { .. }
        | ObjectionError::DateBeforePrevious { .. }
        | ObjectionError::TooLateToWithdraw { .. }
        | ObjectionError::OpinionReceivedBeforeSubmitted { .. }
        | ObjectionError::RecordUnchangeable { .. }
        | ObjectionError::ItemUnchangeable { .. }
        | ObjectionError::ChangeBeforeRecordHistory { .. } => {
            ApiError::new(StatusCode::CONFLICT, "objection_step", message)
        }
        ObjectionError::BeforeReceipt { .. } => ApiError::unprocessable("before_receipt", message),
        ObjectionError::Calendar(_) => outside_calendar(message),
        _ => ApiError::unprocessable("objection", message),
    }
}

/// A day or count outside the calendar's coverage (the only calendar
/// error), which follows from the dates the request gave.
fn outside_calendar(message: String) -> ApiError {
    ApiError::unprocessable("outside_calendar", message)
}

fn policy_error(e: &PolicyError, message: String) -> ApiError {
    match e {
        PolicyError::NoneInForce { .. } => ApiError::unprocessable("no_policy_in_force", message),
        // A policy that cannot be read or applied is the service's fault.
        other => {
            eprintln!("grading policy failure: {other}");
            ApiError::internal()
        }
    }
}
