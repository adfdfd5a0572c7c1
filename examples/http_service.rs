//! A small JSON-over-HTTP service over the registry, kept in SQLite.
//!
//! It shows how a service wraps [`Registry`]: one registry shared behind an
//! `Arc`, every store call on tokio's blocking pool (SQLite blocks) under a
//! cap, each request's date taken from the request (the crate never reads
//! the clock, and neither does this service), and every refusal mapped to a
//! 4xx status with a JSON body `{"error": "…", "kind": "…"}` naming the
//! problem. A refused request writes nothing: each registry operation is
//! one store transaction. A store failure answers 500 without its details,
//! which go to the service's standard error.
//!
//! # Who may do what
//!
//! Every endpoint but the public view needs `Authorization: Bearer <token>`.
//! The tokens file, read once at start, maps each token's SHA-256 digest
//! (never the token) to an [`Actor`]: an official's account in a capacity,
//! or a section as a unit. Without a token, or with one the file does not
//! know, the answer is 401; with a token whose capacity the permission table
//! ([`PermissionTable::xinzheng_2019`]) does not grant the operation, 403
//! naming the operation, the capacity and the rule. Nobody names who acts in
//! a request body: the token says it.
//!
//! ```json
//! {"tokens": [
//!   {"sha256": "<64 hex digits>", "actor": {"who": {"account": "u-0192"}, "capacity": "section:office"}},
//!   {"sha256": "<64 hex digits>", "actor": {"who": {"section": "social_organizations"}, "capacity": "section:social_organizations"}}
//! ]}
//! ```
//!
//! A token is 32 random bytes or more, e.g. `openssl rand -hex 32`;
//! `cargo run --example http_service --features sqlite -- hash-token` reads
//! one on standard input and prints its digest.
//!
//! # Limits
//!
//! [`Limits`]: a body over 64 KiB is refused with 413 before it is read; a
//! request not answered within 10 s (a body trickling in included) gets 408
//! and its connection is closed; a connection that has not sent a whole
//! request head within 5 s is closed; at most 64 requests are served at
//! once and at most 100 started per second (beyond that, 503 and 429 at
//! once, never a queue); at most 4 registry operations run on blocking
//! threads at once (the others wait, within their 10 s); at most 512
//! connections are open (further ones wait in the kernel's backlog).
//!
//! Run with
//!
//! ```text
//! cargo run --example http_service --features sqlite -- [path.sqlite] [addr] [tokens.json] [notice.csv|notice.json]
//! ```
//!
//! (defaults `registry.sqlite`, `127.0.0.1:3000` and `tokens.json`; the
//! optional fourth argument is a holiday notice file loaded over the
//! built-in calendar, e.g. the 2027 notice before a release ships it), then,
//! for example:
//!
//! ```text
//! curl -X POST localhost:3000/subjects -H "Authorization: Bearer $TOKEN" -d '{"on": "2019-01-07",
//!   "subject": {"type": "organization", "uscc": "91350100M000100Y43",
//!   "name": "Example Association", "kind": "social_association"}}'
//! curl 'localhost:3000/public/91350100M000100Y43?on=2019-04-01'
//! ```
//!
//! # Endpoints
//!
//! | method and path | operation | body | answer |
//! | --- | --- | --- | --- |
//! | `POST /subjects` | `register_subject` | `{"on", "subject": Subject}` | 201 `{"id": "org:…"}` |
//! | `POST /records` | `record_misconduct` (own section's field) | `{"on", "record": NewRecord}` | 201 the graded record, with the `listing` it caused if any (list, entry id, day, the period it `restarted`, rule and clause) |
//! | `GET /subjects/{id}/assessment?on=` | `read_subject` | | 200 the assessment summary |
//! | `GET /subjects/{id}/list-entries` | `read_subject` | | 200 `[{"id", "entry"}]`, the subject's list entries |
//! | `GET /subjects?after=&limit=` | `list_subjects` | | 200 a page of subjects, by their id's text form |
//! | `GET /subjects/{id}/records?after=&limit=` | `list_subjects` | | 200 a page of the subject's records, oldest first |
//! | `GET /list-entries?subject=&after=&limit=` | `list_subjects` | | 200 a page of `{"id", "entry"}`, every subject's or one's, by id |
//! | `GET /objections?subject=&stage=&due_by=&after=&limit=` | `objection_desk` | | 200 a page of objections by id: of a subject, at a stage (`received`, `forwarded`, …), with a step due by a day |
//! | `GET /audit-log?after=&limit=` | `read_audit_log` | | 200 a page of `{"seq", "entry"}`, oldest first |
//! | `POST /objections` | `receive_objection` | `{"about": CreditItem, "applicant"?: Applicant, "receipt", "grounds"}` (or `"record": id` for a record) | 201 the objection and its `status` that day (next step, deadlines) |
//! | `POST /objections/{id}/steps` | the step's: `forward_objection`, `submit_opinion` (the section it was forwarded to), `notify_applicant`, `reply_to_subject`, `close_objection`, `record_withdrawal` | `{"on", "step": ObjectionStep}` | 200 the objection and its `status` that day |
//! | `GET /objections/{id}[?on=]` | `read_objection` | | 200 `{"objection", "deadlines", "acts", "status"}` |
//! | `GET /desk/overdue?on=` | `objection_desk` | | 200 the overdue objection steps by section (plan §6(9)) |
//! | `GET /public/{uscc}?on=` | `public_view`: no token needed | | 200 the public view |
//! | `POST /calendar/notice` | `replace_calendar` | `{"on", "schedule": Schedule, "partial"?}` | 200 `{"coverage", "last_notice_day"}` |
//!
//! # Pages
//!
//! The `GET` endpoints with `after` and `limit` answer `{"items": […],
//! "next": "…"}`, the registry's paged queries served by the store's
//! indexes in a stable order: pass `next` as `after` for the next page;
//! `next` is `null` after the last. `limit` is 1 to 1,000 (default 50).
//! Treat a cursor as opaque: the subject listing's is a token the service
//! keeps (the registry's own cursor there names the last subject whole, a
//! person's identity number included, which stays in the service); a
//! token the service no longer keeps is refused with `invalid_cursor`, and
//! the client starts again. A key the endpoint does not take is refused,
//! so a misspelt filter never widens a query. Persons appear in pages as
//! everywhere in answers: masked.
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
//! | 400 | `invalid_body`, `invalid_uscc`, `invalid_resident_id`, `invalid_subject_id`, `invalid_objection_id`, `missing_date`, `invalid_date`, `invalid_query`, `invalid_limit`, `invalid_cursor` | the request cannot be read |
//! | 401 | `unauthenticated`, `invalid_token` | no bearer token, or one the service does not know |
//! | 403 | `forbidden` | the token's capacity is not granted the operation (the message names both and the rule) |
//! | 404 | `not_found`, `no_route` | an unknown subject, record or objection, or path |
//! | 405 | `method_not_allowed` | |
//! | 408 | `timeout` | the request was not read and answered within the time limit |
//! | 409 | `already_registered`, `objection_step` | the request conflicts with what is stored: a subject registered twice, an objection step out of turn |
//! | 413 | `body_too_large` | the body is over the limit |
//! | 422 | `ungraded`, `dates`, `wrong_subject_kind`, `role_link`, `no_policy_in_force`, `outside_calendar`, `before_receipt`, `objection`, `invalid_notice`, `unprocessable` | the request is well formed but the rules refuse it, e.g. a conduct kind no grading rule knows |
//! | 429 | `rate_limited` | more requests per second than the service takes |
//! | 503 | `overloaded` | as many requests in progress as the service serves at once |
//! | 500 | `internal` | the store failed; nothing is said of why |

use std::collections::{HashMap, VecDeque};
use std::error::Error;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{BoxError, Json, Router};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use social_credit::actor::Actor;
use social_credit::assess::AssessError;
use social_credit::audit::AuditEntry;
use social_credit::calendar::{ChinaCalendar, Schedule, WorkCalendar};
use social_credit::grading::PolicyError;
use social_credit::lists::{ListEntry, ListEntryId};
use social_credit::misconduct::Section;
use social_credit::objection::{
    Applicant, CreditItem, Deadlines, LateStep, Objection, ObjectionId, ObjectionStatus,
    OfficeAnswer, Receipt, Stage,
};
use social_credit::permission::{Operation, PermissionTable, Target};
use social_credit::registry::{
    Cursor, NewRecord, ObjectionQuery, ObjectionStep, Page, Registry, RegistryError, RuleBook,
    TrackedObjection, MAX_PAGE,
};
use social_credit::store::SqliteStore;
use social_credit::{ObjectionError, RecordId, Subject, SubjectId, SubjectIdError, Uscc};
use tokio::sync::Semaphore;
use tower::ServiceBuilder;

/// Serves the registry at `path.sqlite` on `addr`, or with `hash-token`
/// prints the digest of the token read on standard input.
fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("hash-token") {
        let mut token = String::new();
        std::io::stdin().read_line(&mut token)?;
        println!("{}", Tokens::hex_digest(token.trim()));
        return Ok(());
    }
    let path = args.next().unwrap_or_else(|| "registry.sqlite".to_owned());
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let tokens_path = args.next().unwrap_or_else(|| "tokens.json".to_owned());
    let tokens = Tokens::from_json(&std::fs::read_to_string(&tokens_path).map_err(|e| {
        format!("tokens file `{tokens_path}` could not be read ({e}); see the example's docs")
    })?)?;
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
    let limits = Limits::default();
    runtime(&limits)?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        println!(
            "registry `{path}` served on http://{} to {} token(s)",
            listener.local_addr()?,
            tokens.len()
        );
        let app = App::new(registry, tokens, &limits);
        serve(listener, app, limits, std::future::pending()).await?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// Limits and serving

/// How much the service takes on at once, and for how long.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The largest request body (bytes); a larger one is refused with 413.
    pub body_bytes: usize,
    /// The time to read a request's body and answer it; then 408, and the
    /// connection closes.
    pub request_timeout: Duration,
    /// The time a connection has to send a whole request head, counted
    /// from when the service starts waiting for one (an idle keep-alive
    /// connection included); then the connection is closed.
    pub header_timeout: Duration,
    /// Requests served at once; beyond, 503 at once.
    pub concurrent_requests: usize,
    /// Requests started per second; beyond, 429 at once.
    pub requests_per_second: u64,
    /// Registry operations running on blocking threads at once (the
    /// runtime's blocking pool is sized to it too).
    pub blocking_operations: usize,
    /// Connections open at once; further ones wait in the listen backlog.
    pub connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            body_bytes: 64 << 10,
            request_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(5),
            concurrent_requests: 64,
            requests_per_second: 100,
            blocking_operations: 4,
            connections: 512,
        }
    }
}

/// The runtime the service runs on: one thread for connections, and a
/// blocking pool no larger than the registry operations allowed at once.
pub fn runtime(limits: &Limits) -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .max_blocking_threads(limits.blocking_operations.max(1))
        .build()
}

/// Serves `app` on `listener` until `shutdown` completes, within `limits`.
/// Call inside the runtime ([`runtime`]).
///
/// # Errors
///
/// Accepting a connection failed.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let service = limited(router(app), &limits);
    let connections = Arc::new(Semaphore::new(limits.connections.max(1)));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    tokio::pin!(shutdown);
    loop {
        // A permit before accepting: past the cap, connections wait in the
        // listen backlog instead of costing memory here.
        let Ok(permit) = Arc::clone(&connections).acquire_owned().await else {
            return Ok(());
        };
        let (stream, _) = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of descriptors and the like: this connection is lost,
                // the service goes on.
                Err(e) => {
                    eprintln!("accept failed: {e}");
                    continue;
                }
            },
        };
        let connection = builder.serve_connection(
            hyper_util::rt::TokioIo::new(stream),
            hyper_util::service::TowerToHyperService::new(service.clone()),
        );
        tokio::spawn(async move {
            // A client that goes away or breaks the protocol ends only its
            // own connection.
            let _ = connection.await;
            drop(permit);
        });
    }
}

/// `router` behind the limits: time, body size, concurrency, rate.
fn limited(
    router: Router,
    limits: &Limits,
) -> impl tower::Service<
    Request<hyper::body::Incoming>,
    Response = Response,
    Error = std::convert::Infallible,
    Future = impl Send,
> + Clone
       + Send
       + 'static {
    ServiceBuilder::new()
        .map_response(json_for_bare_refusals)
        .layer(HandleErrorLayer::new(overloaded))
        // Beyond the requests in progress, refuse at once (503): a queue
        // would hold memory and answer late.
        .load_shed()
        .concurrency_limit(limits.concurrent_requests.max(1))
        .map_err(|e: BoxError| -> BoxError {
            if e.is::<tower::load_shed::error::Overloaded>() {
                Box::new(RateLimited)
            } else {
                e
            }
        })
        // The rate limiter is not `Clone`: one buffered instance serves
        // every connection (a request waits in the buffer only while the
        // limiter is asked, since the shedding below never waits).
        .buffer(limits.concurrent_requests.max(1))
        .load_shed()
        .rate_limit(limits.requests_per_second.max(1), Duration::from_secs(1))
        // A body announced larger than the limit is refused before it is
        // read; one that turns out larger stops being read at the limit.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            limits.body_bytes,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .service(router)
}

/// Refused by the rate limiter.
#[derive(Debug)]
struct RateLimited;

impl std::fmt::Display for RateLimited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("rate limited")
    }
}

impl Error for RateLimited {}

async fn overloaded(error: BoxError) -> ApiError {
    if error.is::<RateLimited>() {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "more requests per second than the service takes; try again shortly",
        )
    } else if error.is::<tower::load_shed::error::Overloaded>() {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "the service is serving as many requests as it can; try again shortly",
        )
    } else {
        eprintln!("request failed in the service's layers: {error}");
        ApiError::internal()
    }
}

/// The middleware's own refusals (413, 408) come with a plain or empty
/// body; every answer of this service is JSON.
fn json_for_bare_refusals<B>(response: axum::http::Response<B>) -> Response
where
    B: axum::body::HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE if !json => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "the request body is larger than the service takes",
        )
        .into_response(),
        StatusCode::REQUEST_TIMEOUT if !json => {
            let mut answer = ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "timeout",
                "the request was not received and answered in time; nothing was changed unless the answer says so",
            )
            .into_response();
            answer
                .headers_mut()
                .insert("connection", HeaderValue::from_static("close"));
            answer
        }
        _ => response.into_response(),
    }
}

// ---------------------------------------------------------------------------
// The service's state: registry, tokens, permissions

/// What the handlers share.
#[derive(Clone)]
pub struct App {
    registry: Shared,
    tokens: Arc<Tokens>,
    permissions: &'static PermissionTable,
    blocking: Arc<Semaphore>,
    cursors: Arc<Cursors>,
}

/// The registry the handlers share.
pub type Shared = Arc<Registry<SqliteStore>>;

impl App {
    /// The service's state over `registry`, authenticating with `tokens`
    /// and granting by the built-in permission table.
    pub fn new(registry: Shared, tokens: Tokens, limits: &Limits) -> Self {
        Self {
            registry,
            tokens: Arc::new(tokens),
            permissions: PermissionTable::xinzheng_2019(),
            blocking: Arc::new(Semaphore::new(limits.blocking_operations.max(1))),
            cursors: Arc::new(Cursors::new()),
        }
    }

    /// The registry.
    pub fn registry(&self) -> &Shared {
        &self.registry
    }

    /// Refuses (403) unless `actor` may perform `operation` on `target`.
    fn permit(&self, actor: &Actor, operation: Operation, target: Target) -> Result<(), ApiError> {
        self.permissions
            .check(actor, operation, &target)
            .map(|_| ())
            .map_err(|refusal| {
                ApiError::new(StatusCode::FORBIDDEN, "forbidden", refusal.to_string())
            })
    }
}

/// The most bytes a tokens file may have.
pub const MAX_TOKENS_FILE_BYTES: usize = 1 << 20;

/// Bearer tokens by their SHA-256 digest, each standing for an actor.
///
/// Only digests are kept, in memory and in the file: whoever reads them
/// cannot act. The tokens are random values of 256 bits, so a fast,
/// unsalted digest is enough (there is no dictionary to try, unlike a
/// password); and a lookup by digest compares no secret byte by byte.
#[derive(Debug, Default)]
pub struct Tokens {
    by_digest: HashMap<[u8; 32], Actor>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenFile {
    tokens: Vec<TokenEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenEntry {
    sha256: String,
    actor: Actor,
}

impl Tokens {
    /// The tokens of a tokens file (see the example's docs).
    ///
    /// # Errors
    ///
    /// A file over [`MAX_TOKENS_FILE_BYTES`], malformed, or with digests
    /// that are not 64 hex digits or appear twice: every problem is listed.
    pub fn from_json(text: &str) -> Result<Self, String> {
        if text.len() > MAX_TOKENS_FILE_BYTES {
            return Err(format!(
                "the tokens file has {} bytes, more than the {MAX_TOKENS_FILE_BYTES} it may have",
                text.len()
            ));
        }
        let file: TokenFile = serde_json::from_str(text)
            .map_err(|e| format!("the tokens file could not be read: {e}"))?;
        let mut tokens = Self::default();
        let mut problems = Vec::new();
        for (i, entry) in file.tokens.into_iter().enumerate() {
            match parse_digest(&entry.sha256) {
                None => problems.push(format!("entry {i}: `sha256` is not 64 hex digits")),
                Some(digest) => {
                    if tokens.by_digest.insert(digest, entry.actor).is_some() {
                        problems.push(format!("entry {i}: the digest appears twice"));
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(tokens)
        } else {
            Err(format!(
                "the tokens file has problems: {}",
                problems.join("; ")
            ))
        }
    }

    /// Adds a token (its digest) for `actor`.
    pub fn insert(&mut self, token: &str, actor: Actor) {
        self.by_digest.insert(Self::digest(token), actor);
    }

    /// How many tokens there are.
    pub fn len(&self) -> usize {
        self.by_digest.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_digest.is_empty()
    }

    /// The SHA-256 digest of a token.
    pub fn digest(token: &str) -> [u8; 32] {
        Sha256::digest(token.as_bytes()).into()
    }

    /// The digest as a tokens file writes it: 64 lowercase hex digits.
    pub fn hex_digest(token: &str) -> String {
        Self::digest(token)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn actor(&self, token: &str) -> Option<&Actor> {
        self.by_digest.get(&Self::digest(token))
    }
}

fn parse_digest(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The actor a request's bearer token stands for; 401 without one.
pub struct Auth(pub Actor);

impl FromRequestParts<App> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        let unauthenticated = |kind: &str, error: &str| {
            let mut e = ApiError::new(StatusCode::UNAUTHORIZED, kind, error);
            e.challenge = true;
            e
        };
        let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
            unauthenticated(
                "unauthenticated",
                "this endpoint needs `Authorization: Bearer <token>`",
            )
        })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                unauthenticated(
                    "unauthenticated",
                    "the `Authorization` header must be `Bearer <token>`",
                )
            })?;
        // The token is never echoed or logged.
        app.tokens
            .actor(token)
            .cloned()
            .map(Auth)
            .ok_or_else(|| unauthenticated("invalid_token", "the bearer token is not valid"))
    }
}

/// The service's routes over `app`, without the limits (see [`serve`]).
pub fn router(app: App) -> Router {
    Router::new()
        .route("/subjects", get(subjects).post(register_subject))
        .route("/subjects/{id}/assessment", get(assess))
        .route("/subjects/{id}/list-entries", get(list_entries))
        .route("/subjects/{id}/records", get(records_of))
        .route("/list-entries", get(list_entry_page))
        .route("/records", post(record_misconduct))
        .route("/objections", get(objections).post(receive_objection))
        .route("/audit-log", get(audit_page))
        .route("/objections/{id}", get(objection))
        .route("/objections/{id}/steps", post(advance_objection))
        .route("/desk/overdue", get(overdue_steps))
        .route("/public/{uscc}", get(public_view))
        .route("/calendar/notice", post(load_notice))
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app)
}

// ---------------------------------------------------------------------------
// Requests and answers

/// `POST /subjects`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterSubject {
    /// The day of registration.
    pub on: NaiveDate,
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
    /// The finding.
    pub record: NewRecord,
}

/// `POST /objections`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiveObjection {
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
    State(app): State<App>,
    Auth(actor): Auth,
    body: RawBody,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    app.permit(&actor, Operation::RegisterSubject, Target::none())?;
    let req: RegisterSubject = body.parse()?;
    let id = path_id(&req.subject.id());
    blocking(&app, move |r| {
        r.register_subject(req.subject, &actor, req.on)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(Registered { id })))
}

async fn record_misconduct(
    State(app): State<App>,
    Auth(actor): Auth,
    JsonBody(req): JsonBody<RecordFinding>,
) -> Result<impl IntoResponse, ApiError> {
    // The registry checks that the record is of the actor's own section.
    let record = blocking(&app, move |r| {
        r.record_misconduct(req.record, &actor, req.on)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(record)))
}

async fn assess(
    State(app): State<App>,
    Auth(actor): Auth,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
    Day(on): Day,
) -> Result<impl IntoResponse, ApiError> {
    app.permit(&actor, Operation::ReadSubject, Target::none())?;
    let id = parse_subject_id(&path_segment(id)?)?;
    let summary = blocking(&app, move |r| r.assess(&id, on)).await?;
    Ok(Json(summary))
}

async fn public_view(
    State(app): State<App>,
    uscc: Result<Path<String>, axum::extract::rejection::PathRejection>,
    Day(on): Day,
) -> Result<impl IntoResponse, ApiError> {
    // plan §6(2): open to everyone, no token.
    app.permit(&Actor::public(), Operation::PublicView, Target::none())?;
    let uscc = parse_uscc(&path_segment(uscc)?)?;
    let view = blocking(&app, move |r| r.public_view(&uscc.into(), on)).await?;
    Ok(Json(view))
}

async fn list_entries(
    State(app): State<App>,
    Auth(actor): Auth,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<impl IntoResponse, ApiError> {
    app.permit(&actor, Operation::ReadSubject, Target::none())?;
    let id = parse_subject_id(&path_segment(id)?)?;
    let entries = blocking(&app, move |r| r.list_entries(&id)).await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|(id, entry)| ListedEntry { id, entry })
            .collect::<Vec<_>>(),
    ))
}

/// The page size when a query names none.
pub const DEFAULT_LIMIT: usize = 50;

/// A page as the paged endpoints answer it: the items and the cursor to
/// pass as `after` for the next page (`null` after the last).
#[derive(Debug, Serialize)]
pub struct PageAnswer<T> {
    /// The items, in the query's stable order.
    pub items: Vec<T>,
    /// The next page's cursor, if there is a next page.
    pub next: Option<String>,
}

/// One audit-log entry with its sequence number.
#[derive(Debug, Serialize)]
pub struct SequencedEntry {
    /// The entry's sequence number (the cursor runs over them).
    pub seq: u64,
    /// The entry.
    pub entry: AuditEntry,
}

/// The parameters of a query string, for the paged endpoints: each takes
/// `after` and `limit`, some a filter; a key it does not take is refused,
/// so a misspelt filter is not silently ignored.
pub struct Params(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
            .map(|Query(q)| Params(q))
            .map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))
    }
}

impl Params {
    /// Refuses a key outside `accepted` (the key is not quoted: a query
    /// string may carry anything, a person's number included).
    fn only(&self, accepted: &[&str]) -> Result<&Self, ApiError> {
        if self.0.keys().any(|k| !accepted.contains(&k.as_str())) {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("the query takes only `{}`", accepted.join("`, `")),
            ));
        }
        Ok(self)
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// `limit`: 1 to [`MAX_PAGE`], [`DEFAULT_LIMIT`] when absent.
    fn limit(&self) -> Result<usize, ApiError> {
        let Some(raw) = self.get("limit") else {
            return Ok(DEFAULT_LIMIT);
        };
        raw.parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_limit",
                    format!("`limit` must be a whole number from 1 to {MAX_PAGE}"),
                )
            })
    }

    /// `after` as the registry's numeric cursor (a key of digits), if given.
    fn numeric_after(&self) -> Result<Option<String>, ApiError> {
        self.get("after")
            .map(|raw| {
                if !raw.is_empty() && raw.len() <= 20 && raw.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(raw.to_owned())
                } else {
                    Err(invalid_cursor())
                }
            })
            .transpose()
    }

    /// A subject id (`org:…` or `person:…`) under `key`, if given.
    fn subject(&self, key: &str) -> Result<Option<SubjectId>, ApiError> {
        self.get(key).map(parse_subject_id).transpose()
    }

    /// A day (`YYYY-MM-DD`) under `key`, if given.
    fn day(&self, key: &str) -> Result<Option<NaiveDate>, ApiError> {
        self.get(key)
            .map(|raw| {
                NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|e| {
                    ApiError::bad_request(
                        "invalid_date",
                        format!("`{key}` is not a day written YYYY-MM-DD ({e})"),
                    )
                })
            })
            .transpose()
    }
}

fn invalid_cursor() -> ApiError {
    ApiError::bad_request(
        "invalid_cursor",
        "`after` is not a cursor this service gave, or it has expired: start again without `after`",
    )
}

/// The cursors of the subject listing, kept in the service. The registry's
/// cursor there names the last subject whole (`person:` and the citizen
/// identity number), which must not travel in an answer or a URL (where
/// access logs keep it); a client gets an opaque token for it instead.
/// The token is a keyed digest of the cursor, so a page asked twice gets
/// the same token; the service keeps the latest [`Cursors::CAPACITY`].
pub struct Cursors {
    key: [u8; 32],
    by_token: Mutex<(HashMap<String, String>, VecDeque<String>)>,
}

impl Cursors {
    /// How many cursors the service keeps; an older one is refused
    /// (400 `invalid_cursor`) and the client starts again.
    pub const CAPACITY: usize = 10_000;

    fn new() -> Self {
        // A per-process key from the standard library's randomly seeded
        // hasher: the tokens need not outlive the process.
        use std::hash::BuildHasher;
        let mut key = [0u8; 32];
        for (i, chunk) in key.chunks_mut(8).enumerate() {
            let word = std::collections::hash_map::RandomState::new().hash_one(i);
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        Self {
            key,
            by_token: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }

    /// The token standing for `cursor`.
    fn token(&self, cursor: String) -> String {
        let digest = Sha256::new()
            .chain_update(self.key)
            .chain_update(cursor.as_bytes())
            .finalize();
        let token: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        let Ok(mut guard) = self.by_token.lock() else {
            return token;
        };
        let (map, order) = &mut *guard;
        if map.insert(token.clone(), cursor).is_none() {
            order.push_back(token.clone());
            while order.len() > Self::CAPACITY {
                if let Some(old) = order.pop_front() {
                    map.remove(&old);
                }
            }
        }
        token
    }

    /// The cursor `token` stands for, if the service still keeps it.
    fn cursor(&self, token: &str) -> Option<String> {
        self.by_token.lock().ok()?.0.get(token).cloned()
    }
}

async fn subjects(
    State(app): State<App>,
    Auth(actor): Auth,
    params: Params,
) -> Result<impl IntoResponse, ApiError> {
    app.permit(&actor, Operation::ListSubjects, Target::none())?;
    let limit = params.only(&["after", "limit"])?.limit()?;
    let after = params
        .get("after")
        .map(|token| app.cursors.cursor(token).ok_or_else(invalid_cursor))
        .transpose()?;
    let page = blocking(&app, move |r| r.subjects(after.as_deref(), limit, &actor)).await?;
    let next = page
        .next
        .map(|cursor| app.cursors.token(cursor.into_string()));
    Ok(Json(PageAnswer {
        items: page.items,
        next,
    }))
}

async fn records_of(
    State(app): State<App>,
    Auth(actor): Auth,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
    params: Params,
) -> Result<impl IntoResponse, ApiError> {
    app.permit(&actor, Operation::ListSubjects, Target::none())?;
    let id = parse_subject_id(&path_segment(id)?)?;
    let limit = params.only(&["after", "limit"])?.limit()?;
    let after = params.numeric_after()?;
    let page = blocking(&app, move |r| {
        r.records_of(&id, after.as_deref(), limit, &actor)
    })
    .await?;
    Ok(Json(answer(page, |record| record)))
}

async fn list_entry_page(
    State(app): State<App>,
    Auth(actor): Auth,
    params: Params,
) -> Result<impl IntoResponse, ApiError> {
    app.permit(&actor, Operation::ListSubjects, Target::none())?;
    let limit = params.only(&["subject", "after", "limit"])?.limit()?;
    let subject = params.subject("subject")?;
    let after = params.numeric_after()?;
    let page = blocking(&app, move |r| {
        r.list_entry_page(subject.as_ref(), after.as_deref(), limit, &actor)
    })
    .await?;
    Ok(Json(answer(page, |(id, entry)| ListedEntry { id, entry })))
}

async fn objections(
    State(app): State<App>,
    Auth(actor): Auth,
    params: Params,
) -> Result<impl IntoResponse, ApiError> {
    app.permit(&actor, Operation::ObjectionDesk, Target::none())?;
    let limit = params
        .only(&["subject", "stage", "due_by", "after", "limit"])?
        .limit()?;
    let mut query = ObjectionQuery::all();
    if let Some(subject) = params.subject("subject")? {
        query = query.about(subject);
    }
    if let Some(raw) = params.get("stage") {
        let stage: Stage = serde_json::from_value(serde_json::Value::String(raw.to_owned()))
            .map_err(|e| {
                ApiError::bad_request(
                    "invalid_query",
                    format!("`stage`: {}", without_value(&e.to_string())),
                )
            })?;
        query = query.at(stage);
    }
    if let Some(day) = params.day("due_by")? {
        query = query.due_by(day);
    }
    let after = params.numeric_after()?;
    let page = blocking(&app, move |r| {
        r.objections(&query, after.as_deref(), limit, &actor)
    })
    .await?;
    Ok(Json(answer(page, |objection| objection)))
}

async fn audit_page(
    State(app): State<App>,
    Auth(actor): Auth,
    params: Params,
) -> Result<impl IntoResponse, ApiError> {
    app.permit(&actor, Operation::ReadAuditLog, Target::none())?;
    let limit = params.only(&["after", "limit"])?.limit()?;
    let after = match params.numeric_after()? {
        None => 0,
        Some(raw) => raw.parse::<u64>().map_err(|_| invalid_cursor())?,
    };
    let page = blocking(&app, move |r| r.audit_page(after, limit, &actor)).await?;
    Ok(Json(answer(page, |(seq, entry)| SequencedEntry {
        seq,
        entry,
    })))
}

/// A registry page as an answer, each item made by `item`.
fn answer<T, U>(page: Page<T>, item: impl FnMut(T) -> U) -> PageAnswer<U> {
    PageAnswer {
        items: page.items.into_iter().map(item).collect(),
        next: page.next.map(Cursor::into_string),
    }
}

async fn receive_objection(
    State(app): State<App>,
    Auth(actor): Auth,
    body: RawBody,
) -> Result<impl IntoResponse, ApiError> {
    app.permit(&actor, Operation::ReceiveObjection, Target::none())?;
    let req: ReceiveObjection = body.parse()?;
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
    let objection = blocking(&app, move |r| {
        r.receive_objection_about(item, req.applicant, req.receipt, &req.grounds, &actor)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(ObjectionAnswer::from(objection))))
}

/// The answer to a receipt or a step: the objection's fields and its
/// `status` that day (next step, deadlines, overdue steps), both from the
/// registry's one transaction: no second request, and no saved objection
/// whose deadlines the client never learnt.
#[derive(Serialize)]
struct ObjectionAnswer {
    #[serde(flatten)]
    objection: Objection,
    status: ObjectionStatus,
}

impl From<TrackedObjection> for ObjectionAnswer {
    fn from(tracked: TrackedObjection) -> Self {
        Self {
            status: tracked.status,
            objection: tracked.objection,
        }
    }
}

/// The section an objection belongs to for the permission table: the one
/// it was forwarded to.
fn objection_target(objection: &Objection) -> Target {
    Target {
        section: objection.forwarded().map(|f| f.to),
    }
}

async fn advance_objection(
    State(app): State<App>,
    Auth(actor): Auth,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
    JsonBody(req): JsonBody<AdvanceObjection>,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_objection_id(&path_segment(id)?)?;
    // The registry checks the step against the permission table (the
    // opinion only by the section the objection was forwarded to).
    let objection = blocking(&app, move |r| {
        r.advance_objection(id, req.step, &actor, req.on)
    })
    .await?;
    Ok(Json(ObjectionAnswer::from(objection)))
}

async fn objection(
    State(app): State<App>,
    Auth(actor): Auth,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
    MaybeDay(on): MaybeDay,
) -> Result<impl IntoResponse, ApiError> {
    let id = parse_objection_id(&path_segment(id)?)?;
    let objection = blocking(&app, move |r| r.objection(id)).await?;
    app.permit(
        &actor,
        Operation::ReadObjection,
        objection_target(&objection),
    )?;
    let state = blocking(&app, move |r| {
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
    State(app): State<App>,
    Auth(actor): Auth,
    body: RawBody,
) -> Result<Json<NoticeLoaded>, ApiError> {
    app.permit(&actor, Operation::ReplaceCalendar, Target::none())?;
    let req: LoadNotice = body.parse()?;
    let current = app.registry.calendar();
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
    let on = req.on;
    blocking(&app, move |r| r.replace_calendar(loaded, &actor, on)).await?;
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
    State(app): State<App>,
    Auth(actor): Auth,
    Day(on): Day,
) -> Result<impl IntoResponse, ApiError> {
    app.permit(&actor, Operation::ObjectionDesk, Target::none())?;
    let by_section = blocking(&app, move |r| r.overdue_objection_steps(on)).await?;
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

/// Runs a registry operation on tokio's blocking pool (SQLite calls
/// block), at most [`Limits::blocking_operations`] at once: a request waits
/// for a turn within its time limit. The turn is held by the blocking work
/// itself, so a request that times out does not free it before its
/// operation ends.
async fn blocking<T, F>(app: &App, op: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Registry<SqliteStore>) -> Result<T, RegistryError> + Send + 'static,
{
    let registry = Arc::clone(&app.registry);
    let Ok(turn) = Arc::clone(&app.blocking).acquire_owned().await else {
        return Err(ApiError::internal());
    };
    match tokio::task::spawn_blocking(move || {
        let answer = op(&registry);
        drop(turn);
        answer
    })
    .await
    {
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

/// A body read but not yet parsed: a handler checks the caller's
/// permission first, then parses it ([`RawBody::parse`]), so a caller who
/// may not act learns nothing from the body's validation.
pub struct RawBody(Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Bytes::from_request(req, state)
            .await
            .map(RawBody)
            .map_err(|e| ApiError::new(e.status(), "invalid_body", e.body_text()))
    }
}

impl RawBody {
    /// The body as `T`.
    fn parse<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        parse_json(&self.0)
    }
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut reader)
        .map_err(|e| ApiError::bad_request("invalid_body", body_problem(&e)))?;
    // Trailing characters: a syntax error, which names a position only.
    reader
        .end()
        .map_err(|e| ApiError::bad_request("invalid_body", e.to_string()))?;
    Ok(value)
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let RawBody(bytes) = RawBody::from_request(req, state).await?;
        parse_json(&bytes).map(JsonBody)
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
    /// A 401 that asks for a bearer token (`WWW-Authenticate: Bearer`).
    challenge: bool,
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
            challenge: false,
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
        let mut response = (self.status, Json(self.body)).into_response();
        if self.challenge {
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<RegistryError> for ApiError {
    fn from(e: RegistryError) -> Self {
        let message = e.to_string();
        match e {
            RegistryError::Forbidden { .. } => {
                Self::new(StatusCode::FORBIDDEN, "forbidden", message)
            }
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
            RegistryError::PageLimit { .. } => Self::bad_request("invalid_limit", message),
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
