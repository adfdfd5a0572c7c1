//! The example HTTP service (examples/http_service.rs) driven over real
//! HTTP on loopback: a bureau's flow, and every kind of bad input answered
//! with a 4xx, a JSON error naming the problem, and nothing written.
#![cfg(feature = "sqlite")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code)]
#[path = "../examples/http_service.rs"]
mod http_service;

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use http_service::{App, Limits, Tokens};
use serde_json::{json, Value};
use social_credit::actor::{Actor, Capacity};
use social_credit::misconduct::Section;
use social_credit::registry::Registry;
use social_credit::store::{dump, Dump, SqliteStore};
use social_credit::subject::check::{org_code_check, resident_check, uscc_check};

const USCC: &str = "91350100M000100Y43";

/// A token for each capacity of the permission table (test values; a real
/// token is 32 random bytes).
fn token(capacity: Capacity) -> String {
    format!("test-token-{capacity}-0123456789abcdef0123456789abcdef")
}

/// The tokens file of the test service: each capacity's token, the
/// custodian and the Office as officials' accounts, the sections as units.
fn tokens() -> Tokens {
    let mut tokens = Tokens::default();
    for capacity in Capacity::ALL {
        let actor = match capacity {
            Capacity::Public => continue,
            Capacity::System => Actor::system(),
            Capacity::Section(Section::Office) | Capacity::TipOffCustodian => {
                Actor::official("u-0192".parse().unwrap(), capacity).unwrap()
            }
            Capacity::Section(section) => Actor::section(section),
        };
        tokens.insert(&token(capacity), actor);
    }
    tokens
}

/// The service on a free loopback port, on its own thread; stopped (and
/// joined) when dropped.
struct Service {
    addr: SocketAddr,
    registry: http_service::Shared,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    /// The section each objection was forwarded to, to take its opinion
    /// step with that section's token.
    forwarded: RefCell<HashMap<u64, String>>,
}

impl Service {
    fn start() -> Self {
        Self::with_limits(Limits::default())
    }

    fn with_limits(limits: Limits) -> Self {
        let registry = Arc::new(Registry::official(SqliteStore::open_in_memory().unwrap()));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = App::new(Arc::clone(&registry), tokens(), &limits);
        let thread = std::thread::spawn(move || {
            let runtime = http_service::runtime(&limits).unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                http_service::serve(listener, app, limits, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            });
        });
        Self {
            addr,
            registry,
            stop: Some(stop),
            thread: Some(thread),
            forwarded: RefCell::default(),
        }
    }

    /// The token of the capacity the built-in table grants the request's
    /// operation to (none for the public view).
    fn token_for(&self, method: &str, path: &str, body: Option<&str>) -> Option<String> {
        let body: Value = body
            .and_then(|b| serde_json::from_str(b).ok())
            .unwrap_or(Value::Null);
        let section = |code: &str| {
            let capacity = format!("section:{code}")
                .parse()
                .unwrap_or(Capacity::Section(Section::SocialOrganizations));
            Some(token(capacity))
        };
        let office = || Some(token(Capacity::Section(Section::Office)));
        if path.starts_with("/public/") {
            return None;
        }
        match (method, path) {
            ("POST", "/subjects") => section("social_organizations"),
            ("POST", "/records") => section(
                body["record"]["section"]
                    .as_str()
                    .unwrap_or("social_organizations"),
            ),
            ("POST", p) if p.ends_with("/steps") => {
                let id: u64 = p
                    .trim_start_matches("/objections/")
                    .trim_end_matches("/steps")
                    .parse()
                    .unwrap_or(0);
                match body["step"]["step"].as_str() {
                    Some("forward") => {
                        if let Some(to) = body["step"]["to"].as_str() {
                            self.forwarded.borrow_mut().insert(id, to.to_owned());
                        }
                        office()
                    }
                    Some("opinion") => {
                        let to = self.forwarded.borrow().get(&id).cloned();
                        section(to.as_deref().unwrap_or("social_organizations"))
                    }
                    _ => office(),
                }
            }
            _ => office(),
        }
    }

    /// One request on a fresh connection (`Connection: close`), with the
    /// token of the capacity the table grants it to: the status and the
    /// body as JSON.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let raw = body.map(Value::to_string);
        self.call_raw(method, path, raw.as_deref())
    }

    fn call_raw(&self, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
        let token = self.token_for(method, path, body);
        self.call_as(token.as_deref(), method, path, body)
    }

    /// One request with `token` (none: no `Authorization` header).
    fn call_as(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> (u16, Value) {
        let (status, _, body) = self.exchange(token, method, path, body);
        (status, body)
    }

    /// One request: the status, the response head and the body.
    fn exchange(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> (u16, String, Value) {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
            .set_write_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let body = body.unwrap_or("");
        let authorization = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             {authorization}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        parse_response(&response)
    }

    fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, None)
    }

    fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.call("POST", path, Some(body))
    }

    fn dump(&self) -> Dump {
        dump(self.registry.store()).unwrap()
    }

    /// Sends a bad request and checks it is refused with `status`, a JSON
    /// error of `kind` whose message contains `mentions`, and that the store
    /// is unchanged (tables, counters' effects and audit log).
    #[track_caller]
    fn refused(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        status: u16,
        kind: &str,
        mentions: &str,
    ) {
        let before = self.dump();
        let (got, error) = self.call_raw(method, path, body);
        assert_eq!(got, status, "{method} {path}: {error}");
        assert_eq!(error["kind"], kind, "{method} {path}: {error}");
        let message = error["error"].as_str().unwrap();
        assert!(
            message.contains(mentions),
            "{method} {path}: `{message}` does not mention `{mentions}`"
        );
        assert_eq!(
            error.as_object().unwrap().len(),
            2,
            "only `error` and `kind`: {error}"
        );
        assert_eq!(self.dump(), before, "{method} {path} wrote something");
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // Do not hide a test's own panic behind the server's.
            if !std::thread::panicking() {
                thread.join().unwrap();
            }
        }
    }
}

fn parse_response(raw: &[u8]) -> (u16, String, Value) {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = std::str::from_utf8(&raw[..split]).unwrap();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    assert!(status_line.starts_with("HTTP/1.1 "), "{status_line}");
    let status: u16 = status_line[9..12].parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|l| {
            let (name, value) = l.split_once(':').unwrap();
            (name.trim().to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    if header("transfer-encoding") == Some("chunked") {
        body = dechunk(&body);
    } else if let Some(length) = header("content-length") {
        assert_eq!(body.len(), length.parse::<usize>().unwrap(), "{head}");
    }
    if body.is_empty() {
        return (status, head.to_owned(), Value::Null);
    }
    assert_eq!(
        header("content-type"),
        Some("application/json"),
        "every answer is JSON: {head}"
    );
    (
        status,
        head.to_owned(),
        serde_json::from_slice(&body).unwrap(),
    )
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&raw[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[end + 2..end + 2 + size]);
        raw = &raw[end + 2 + size + 2..];
    }
}

fn person_number() -> String {
    let mut b = *b"41018419800615002?";
    b[17] = resident_check(&b[..17]).unwrap();
    String::from_utf8(b.to_vec()).unwrap()
}

fn organization() -> Value {
    json!({
        "on": "2019-01-07",
        "subject": {
            "type": "organization",
            "uscc": USCC,
            "name": "Zhengzhou Example Elderly Care Association",
            "kind": "social_association",
            "established_on": "2012-05-01"
        }
    })
}

fn fine(yuan: u32, conduct: &str) -> Value {
    json!({
        "on": "2019-03-04",
        "record": {
            "subject": { "organization": USCC },
            "conduct": conduct,
            "section": "social_organizations",
            "occurred_on": "2019-03-01",
            "ended_on": "2019-03-01",
            "content": {
                "description": "collected membership fees above the approved standard",
                "legal_basis": "Regulations on the Registration of Social Organizations art. 30",
                "evidence": ["XZMZ-2019-0042"],
                "fine": yuan.to_string()
            }
        }
    })
}

fn step(on: &str, step: Value) -> Value {
    json!({ "on": on, "step": step })
}

/// The service registered the organization and recorded a ¥60,000 fine
/// (the serious illegal-and-dishonest list, Severe); returns the record id.
fn with_severe_record(service: &Service) -> u64 {
    let (status, body) = service.post("/subjects", &organization());
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["id"], format!("org:{USCC}"));
    let (status, record) = service.post("/records", &fine(60_000, "fine"));
    assert_eq!(status, 201, "{record}");
    assert_eq!(record["severity"], "severe", "{record}");
    // The listing it caused, from the same transaction (issue 21 point 8).
    assert_eq!(record["listing"]["on"], "2019-03-04", "{record}");
    assert_eq!(
        record["listing"]["basis"]["rule"], "serious.large_fine",
        "{record}"
    );
    assert!(record["listing"].get("restarted").is_none(), "{record}");
    record["id"].as_u64().unwrap()
}

#[test]
fn a_bureau_flow_over_http() {
    let service = Service::start();
    let record = with_severe_record(&service);

    // The assessment, as of a day the request names.
    let (status, a) = service.get(&format!("/subjects/org:{USCC}/assessment?on=2019-04-01"));
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["as_of"], "2019-04-01");
    assert_eq!(a["worst_severity"], "severe", "{a}");
    assert!(
        a["measures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == "sanction.no_fiscal_funding"),
        "{a}"
    );
    // Before the record was made, the same subject was clean.
    let (status, before) = service.get(&format!("/subjects/org:{USCC}/assessment?on=2019-03-01"));
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["worst_severity"], Value::Null, "{before}");

    // A person registers and assesses by `person:`.
    let number = person_number();
    let (status, body) = service.post(
        "/subjects",
        &json!({ "on": "2019-01-07", "subject": { "type": "person", "id": number, "name": "张伟" } }),
    );
    assert_eq!(status, 201, "{body}");
    let (status, p) = service.get(&format!(
        "/subjects/person:{number}/assessment?on=2019-04-01"
    ));
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["worst_severity"], Value::Null, "{p}");
    assert!(
        !p["subject"].as_str().unwrap().contains(&number),
        "masked: {p}"
    );

    // The public view by USCC: the record, its rule and the measures.
    let (status, view) = service.get(&format!("/public/{USCC}?on=2019-04-01"));
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["id"], USCC);
    assert_eq!(view["records"][0]["id"], record);
    assert_eq!(view["records"][0]["severity"], "severe");
    assert!(!view["records"][0]
        .as_object()
        .unwrap()
        .contains_key("content"));
    assert!(!view["measures"].as_array().unwrap().is_empty(), "{view}");

    // An objection, its deadlines, and every step to revocation.
    let (status, o) = service.post(
        "/objections",
        &json!({ "record": record,
                 "receipt": { "channel": "written", "on": "2019-09-27" },
                 "grounds": "the fine was annulled on review" }),
    );
    assert_eq!(status, 201, "{o}");
    let id = o["id"].as_u64().unwrap();
    let (status, state) = service.get(&format!("/objections/{id}"));
    assert_eq!(status, 200, "{state}");
    // plan §6(3): 12 working days across the National Day holiday.
    assert_eq!(state["deadlines"]["reply_by"], "2019-10-18", "{state}");
    assert_eq!(state["deadlines"]["forward_by"], "2019-10-10", "{state}");
    assert!(state.get("status").is_none(), "{state}");
    let (status, state) = service.get(&format!("/objections/{id}?on=2019-10-14"));
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["status"]["next"]["step"], "forward", "{state}");
    assert_eq!(state["status"]["overdue"][0]["working_days"], 3, "{state}");

    let (status, o) = service.post(
        &format!("/objections/{id}/steps"),
        &step(
            "2019-09-30",
            json!({ "step": "forward", "to": "social_organizations" }),
        ),
    );
    assert_eq!(status, 200, "{o}");
    let (status, o) = service.post(
        &format!("/objections/{id}/steps"),
        &step(
            "2019-10-09",
            json!({ "step": "opinion", "finding": "error_confirmed",
                    "summary": "the decision was annulled on 2019-09-20" }),
        ),
    );
    assert_eq!(status, 200, "{o}");
    let (status, o) = service.post(
        &format!("/objections/{id}/steps"),
        &step(
            "2019-10-10",
            json!({ "step": "notify",
                    "outcome": { "decision": "revoked",
                                 "reasons": "the penalty decision was annulled" } }),
        ),
    );
    assert_eq!(status, 200, "{o}");
    let (status, state) = service.get(&format!("/objections/{id}?on=2019-10-11"));
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["status"]["stage"], "notified", "{state}");
    assert_eq!(state["deadlines"]["verify_by"], "2019-10-12", "{state}");

    // The record is revoked: it never counted, and is no longer published.
    let (_, a) = service.get(&format!("/subjects/org:{USCC}/assessment?on=2019-10-11"));
    assert_eq!(a["worst_severity"], Value::Null, "{a}");
    let (_, view) = service.get(&format!("/public/{USCC}?on=2019-10-11"));
    assert_eq!(view["records"], json!([]), "{view}");

    // Every change is audited, none of the reads.
    let audited = service.registry.audit_log(0).unwrap();
    let actions: Vec<_> = audited.iter().map(|(_, e)| &e.action).collect();
    assert_eq!(
        actions.len(),
        9,
        "register ×2, record, list, receive, 3 steps, revoke: {actions:?}"
    );
}

#[test]
fn bad_input_is_refused_with_a_json_error_and_writes_nothing() {
    let service = Service::start();
    let record = with_severe_record(&service);
    let (status, o) = service.post(
        "/objections",
        &json!({ "record": record,
                 "receipt": { "channel": "written", "on": "2019-09-27" },
                 "grounds": "the fine was annulled on review" }),
    );
    assert_eq!(status, 201, "{o}");
    let objection = o["id"].as_u64().unwrap();

    // An invalid USCC, in a path and in a body: 400 with the validation message.
    service.refused(
        "GET",
        "/public/91350100M000100Y4X?on=2019-04-01",
        None,
        400,
        "invalid_uscc",
        "check character of `913501********0Y4X` is `X`, expected `3`",
    );
    service.refused(
        "GET",
        "/subjects/org:91350100M000100Y4X/assessment?on=2019-04-01",
        None,
        400,
        "invalid_uscc",
        "check character",
    );
    let mut bad = organization();
    bad["subject"]["uscc"] = json!("91350100M000100Y4X");
    service.refused(
        "POST",
        "/subjects",
        Some(&bad.to_string()),
        400,
        "invalid_body",
        "check character of `913501********0Y4X` is `X`, expected `3`",
    );
    service.refused(
        "GET",
        "/subjects/person:410184198006150020/assessment?on=2019-04-01",
        None,
        400,
        "invalid_resident_id",
        "citizen identity number",
    );
    // An id without its kind.
    service.refused(
        "GET",
        &format!("/subjects/{USCC}/assessment?on=2019-04-01"),
        None,
        400,
        "invalid_subject_id",
        "`org:`",
    );

    // A malformed or missing date, in a query and in a body.
    service.refused(
        "GET",
        &format!("/subjects/org:{USCC}/assessment?on=2019-02-30"),
        None,
        400,
        "invalid_date",
        "`2019-02-30`",
    );
    service.refused(
        "GET",
        &format!("/public/{USCC}?on=1%2F4%2F2019"),
        None,
        400,
        "invalid_date",
        "`1/4/2019`",
    );
    service.refused(
        "GET",
        &format!("/public/{USCC}"),
        None,
        400,
        "missing_date",
        "?on=YYYY-MM-DD",
    );
    let mut bad = fine(60_000, "fine");
    bad["on"] = json!("2019-02-30");
    service.refused(
        "POST",
        "/records",
        Some(&bad.to_string()),
        400,
        "invalid_body",
        "input is out of range",
    );
    // Not JSON, or not the shape asked for.
    service.refused(
        "POST",
        "/records",
        Some("{\"on\": "),
        400,
        "invalid_body",
        "EOF",
    );
    service.refused(
        "POST",
        "/subjects",
        Some(&json!({ "on": "2019-01-07" }).to_string()),
        400,
        "invalid_body",
        "missing field `subject`",
    );
    // Who acts is the token's, never the body's (issue 18).
    let mut named = organization();
    named["by"] = json!("clerk");
    service.refused(
        "POST",
        "/subjects",
        Some(&named.to_string()),
        400,
        "invalid_body",
        "unknown field",
    );

    // Unknown subject, record, objection, path: 404.
    let mut unknown = fine(60_000, "fine");
    unknown["record"]["subject"] = json!({ "organization": "91110000802100433B" });
    service.refused(
        "POST",
        "/records",
        Some(&unknown.to_string()),
        404,
        "not_found",
        "no subject `91110000802100433B`",
    );
    service.refused(
        "GET",
        "/subjects/org:91110000802100433B/assessment?on=2019-04-01",
        None,
        404,
        "not_found",
        "no subject `91110000802100433B`",
    );
    service.refused(
        "GET",
        "/public/91110000802100433B?on=2019-04-01",
        None,
        404,
        "not_found",
        "no subject",
    );
    service.refused(
        "POST",
        "/objections",
        Some(
            &json!({ "record": 999,
                     "receipt": { "channel": "written", "on": "2019-09-27" },
                     "grounds": "none" })
            .to_string(),
        ),
        404,
        "not_found",
        "no record `R999`",
    );
    service.refused(
        "GET",
        "/objections/77",
        None,
        404,
        "not_found",
        "no objection `O77`",
    );
    service.refused(
        "POST",
        "/objections/77/steps",
        Some(&step("2019-09-30", json!({ "step": "close" })).to_string()),
        404,
        "not_found",
        "no objection `O77`",
    );
    service.refused(
        "GET",
        "/objections/seven",
        None,
        400,
        "invalid_objection_id",
        "`seven`",
    );
    service.refused("GET", "/nowhere", None, 404, "no_route", "no such path");
    service.refused(
        "DELETE",
        "/subjects",
        None,
        405,
        "method_not_allowed",
        "method",
    );

    // Illegal objection steps: 409, the objection unchanged.
    let steps = format!("/objections/{objection}/steps");
    service.refused(
        "POST",
        &steps,
        Some(
            &step(
                "2019-09-30",
                json!({ "step": "notify",
                        "outcome": { "decision": "revoked", "reasons": "r" } }),
            )
            .to_string(),
        ),
        409,
        "objection_step",
        "first",
    );
    let (status, o) = service.post(
        &steps,
        &step(
            "2019-09-30",
            json!({ "step": "forward", "to": "social_organizations" }),
        ),
    );
    assert_eq!(status, 200, "{o}");
    service.refused(
        "POST",
        &steps,
        Some(
            &step(
                "2019-10-08",
                json!({ "step": "forward", "to": "social_organizations" }),
            )
            .to_string(),
        ),
        409,
        "objection_step",
        "twice",
    );
    service.refused(
        "POST",
        &steps,
        Some(
            &step(
                "2019-09-27",
                json!({ "step": "opinion", "finding": "not_confirmed", "summary": "s" }),
            )
            .to_string(),
        ),
        409,
        "objection_step",
        "before the previous step",
    );
    // The Office may verify an item it made itself (plan §6(2) names it a
    // responsible section), but a decision against the section's finding is
    // refused by the rules (422).
    let (status, second) = service.post(
        "/objections",
        &json!({ "record": record,
                 "receipt": { "channel": "written", "on": "2019-10-08" },
                 "grounds": "again" }),
    );
    assert_eq!(status, 201, "{second}");
    let second_steps = format!("/objections/{}/steps", second["id"]);
    let (status, o) = service.post(
        &second_steps,
        &step("2019-10-08", json!({ "step": "forward", "to": "office" })),
    );
    assert_eq!(status, 200, "{o}");
    let (status, o) = service.post(
        &second_steps,
        &step(
            "2019-10-09",
            json!({ "step": "opinion", "finding": "not_confirmed", "summary": "s" }),
        ),
    );
    assert_eq!(status, 200, "{o}");
    service.refused(
        "POST",
        &second_steps,
        Some(
            &step(
                "2019-10-09",
                json!({ "step": "notify", "outcome": { "decision": "revoked", "reasons": "r" } }),
            )
            .to_string(),
        ),
        422,
        "objection",
        "contradicts the section's finding",
    );
    // A step that does not exist.
    service.refused(
        "POST",
        &steps,
        Some(&step("2019-10-08", json!({ "step": "appeal" })).to_string()),
        400,
        "invalid_body",
        "field `step.step`: unknown variant, expected one of",
    );
    // A status asked before the objection existed.
    service.refused(
        "GET",
        &format!("/objections/{objection}?on=2019-09-01"),
        None,
        422,
        "before_receipt",
        "received on 2019-09-27",
    );

    // An unknown conduct kind: no rule grades it, so nothing is recorded.
    service.refused(
        "POST",
        "/records",
        Some(&fine(60_000, "jaywalking").to_string()),
        422,
        "ungraded",
        "conduct `jaywalking`",
    );
    // Dates out of order.
    let mut early = fine(60_000, "fine");
    early["record"]["occurred_on"] = json!("2019-05-01");
    early["record"]["ended_on"] = json!(null);
    service.refused(
        "POST",
        "/records",
        Some(&early.to_string()),
        422,
        "dates",
        "after it is recorded on 2019-03-04",
    );
    // A day before any grading policy took effect.
    let mut old = fine(60_000, "fine");
    old["on"] = json!("2001-01-01");
    old["record"]["occurred_on"] = json!("2000-12-01");
    old["record"]["ended_on"] = json!(null);
    service.refused(
        "POST",
        "/records",
        Some(&old.to_string()),
        422,
        "no_policy_in_force",
        "no grading policy is in force on 2001-01-01",
    );
    // A second registration.
    service.refused(
        "POST",
        "/subjects",
        Some(&organization().to_string()),
        409,
        "already_registered",
        USCC,
    );
    // A day the calendar does not cover.
    service.refused(
        "GET",
        &format!("/objections/{objection}?on=2199-01-01"),
        None,
        422,
        "outside_calendar",
        "2199",
    );
}

#[test]
fn a_store_failure_is_a_500_that_tells_nothing() {
    use social_credit::store::{Doc, Store, Table};
    let service = Service::start();
    // A document the registry cannot read back.
    service
        .registry
        .store()
        .transaction(|tx| {
            tx.put(
                Table::Subjects,
                &format!("org:{USCC}"),
                Doc {
                    subject: Some(format!("org:{USCC}")),
                    body: json!("secret internals").to_string(),
                    sealed: None,
                },
            )
        })
        .unwrap();
    let before = service.dump();
    let (status, error) = service.get(&format!("/subjects/org:{USCC}/assessment?on=2019-04-01"));
    assert_eq!(status, 500, "{error}");
    assert_eq!(error["kind"], "internal");
    let text = error.to_string();
    for leak in ["secret", "subjects", "stored", USCC] {
        assert!(!text.contains(leak), "`{leak}` leaked: {text}");
    }
    assert_eq!(service.dump(), before);
}

/// Issue 12: an objection received on Sunday 20 December 2026 is answered
/// with projected deadlines, said in words; loading the 2027 notice into the
/// running service changes them, audited; an incomplete notice is refused.
#[test]
fn projected_deadlines_and_a_notice_loaded_at_run_time() {
    let service = Service::start();
    let record = with_severe_record(&service);
    let (status, objection) = service.post(
        "/objections",
        &json!({
            "record": record,
            "receipt": { "channel": "written", "on": "2026-12-20" },
            "grounds": "the fine was paid"
        }),
    );
    assert_eq!(status, 201, "{objection}");
    let id = objection["id"].as_u64().unwrap();
    let (status, state) = service.call("GET", &format!("/objections/{id}"), None);
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["deadlines"]["reply_by"], "2027-01-06", "{state}");
    assert_eq!(state["deadlines"]["finality"], "projected", "{state}");
    let words: Vec<&str> = state["in_words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        words.contains(&"reply by 2027-01-06, projected: the 2027 holiday notice is not loaded"),
        "{words:?}"
    );

    // A New Year row alone is not the 2027 notice.
    let new_year = json!({"schedule": 2027, "kind": "holiday", "first": "2027-01-01",
        "last": "2027-01-04", "name": "New Year's Day 元旦", "notice": "国办发明电〔2026〕X号"});
    service.refused(
        "POST",
        "/calendar/notice",
        Some(&json!({"on": "2026-12-21", "schedule": {"rows": [new_year]}}).to_string()),
        422,
        "invalid_notice",
        "no holiday row for 2027-02-05 (Spring Festival 春节)",
    );
    // Loaded as partial, it takes effect at once: 4 January is off.
    let (status, body) = service.post(
        "/calendar/notice",
        &json!({"on": "2026-12-21", "partial": true,
                "schedule": {"rows": [new_year]}}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["last_notice_day"], "2027-12-31", "{body}");
    let (_, state) = service.call("GET", &format!("/objections/{id}"), None);
    assert_eq!(state["deadlines"]["reply_by"], "2027-01-07", "{state}");
    // Counted over 6 January 2027, which the partial notice does not name.
    assert_eq!(state["deadlines"]["finality"], "projected", "{state}");
    let log = service.registry.audit_log(0).unwrap();
    assert!(
        log.iter()
            .any(|(_, e)| e.by.ends_with(" as section:office") && e.action.verb() == "replaced"),
        "{log:?}"
    );
}

#[test]
fn an_objection_to_a_list_entry_shows_both_acts() {
    let service = Service::start();
    let record = with_severe_record(&service);

    // The ¥60,000 fine put the organization on the serious list: its entry.
    let (status, entries) = service.get(&format!("/subjects/org:{USCC}/list-entries"));
    assert_eq!(status, 200, "{entries}");
    let entry = entries[0]["id"].as_u64().unwrap();
    assert!(entries[0]["entry"]["removed_on"].is_null(), "{entries}");
    let (_, view) = service.get(&format!("/public/{USCC}?on=2019-10-01"));
    assert_eq!(view["lists"].as_array().unwrap().len(), 1, "{view}");

    // An agent objects to the listing (plan §6(3): any credit information).
    let (status, o) = service.post(
        "/objections",
        &json!({ "about": { "item": "list_entry", "id": entry },
                 "applicant": { "applicant": "representative", "capacity": "agent",
                                "reference": "XZMZ-2019-201" },
                 "receipt": { "channel": "written", "on": "2019-09-27" },
                 "grounds": "the fine was reduced on review" }),
    );
    assert_eq!(status, 201, "{o}");
    assert_eq!(
        o["about"],
        json!({ "item": "list_entry", "id": entry }),
        "{o}"
    );
    let id = o["id"].as_u64().unwrap();

    // Two acts, two recipients; before the opinion, the notification is
    // bound by the 12-day limit (Fri 18 Oct across National Day).
    let (status, state) = service.get(&format!("/objections/{id}"));
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["acts"][0]["step"], "notify", "{state}");
    assert_eq!(state["acts"][0]["recipient"], "applicant", "{state}");
    assert_eq!(state["acts"][0]["deadline"]["due"], "2019-10-18", "{state}");
    assert_eq!(state["acts"][1]["step"], "reply", "{state}");
    assert_eq!(state["acts"][1]["recipient"], "subject", "{state}");
    assert_eq!(state["acts"][1]["deadline"]["due"], "2019-10-18", "{state}");
    assert_eq!(
        state["acts"][1]["deadline"]["basis"]["rule"],
        "objection.reply_by"
    );

    let steps = format!("/objections/{id}/steps");
    let (status, o) = service.post(
        &steps,
        &step(
            "2019-10-08",
            json!({ "step": "forward", "to": "social_organizations" }),
        ),
    );
    assert_eq!(status, 200, "{o}");
    // Submitted Fri 11 Oct, received by the Office Sat 12 Oct (a working day).
    let (status, o) = service.post(
        &steps,
        &step(
            "2019-10-12",
            json!({ "step": "opinion", "finding": "error_confirmed",
                      "summary": "the fine was reduced to ¥5,000", "submitted_on": "2019-10-11" }),
        ),
    );
    assert_eq!(status, 200, "{o}");
    assert_eq!(o["opinion"]["submitted_on"], "2019-10-11", "{o}");
    let (_, state) = service.get(&format!("/objections/{id}?on=2019-10-12"));
    // 2 working days from Sat 12 Oct: Mon 14, Tue 15 Oct.
    assert_eq!(state["acts"][0]["deadline"]["due"], "2019-10-15", "{state}");
    assert_eq!(
        state["acts"][0]["deadline"]["basis"]["rule"],
        "objection.notify_by"
    );

    // A record's content correction does not fit a list entry: 422, nothing written.
    service.refused(
        "POST",
        &steps,
        Some(
            &step(
                "2019-10-14",
                json!({ "step": "notify", "outcome": { "decision": "corrected",
                          "corrected": { "description": "x", "legal_basis": "y", "evidence": [] },
                          "reasons": "z" } }),
            )
            .to_string(),
        ),
        422,
        "objection",
        "does not apply to list entry",
    );
    // The reply before the notification: 409.
    service.refused(
        "POST",
        &steps,
        Some(&step("2019-10-14", json!({ "step": "reply", "reasons": "r" })).to_string()),
        409,
        "objection_step",
        "first notify the applicant",
    );

    let (status, o) = service.post(
        &steps,
        &step("2019-10-14",
              json!({ "step": "notify",
                      "outcome": { "decision": "revoked",
                                   "reasons": "the reduced fine does not list the organization" } })),
    );
    assert_eq!(status, 200, "{o}");
    let (status, o) = service.post(
        &steps,
        &step(
            "2019-10-16",
            json!({ "step": "reply", "reasons": "the fine was reduced on review to ¥5,000" }),
        ),
    );
    assert_eq!(status, 200, "{o}");
    let (_, state) = service.get(&format!("/objections/{id}?on=2019-10-16"));
    assert_eq!(state["acts"][0]["done_on"], "2019-10-14", "{state}");
    assert_eq!(state["acts"][1]["done_on"], "2019-10-16", "{state}");
    assert_eq!(state["status"]["stage"], "replied", "{state}");
    assert_eq!(state["status"]["overdue"], json!([]), "{state}");

    // The listing ended on the day of the decision; the record stays.
    let (_, entries) = service.get(&format!("/subjects/org:{USCC}/list-entries"));
    assert_eq!(entries[0]["entry"]["removed_on"], "2019-10-14", "{entries}");
    let (_, view) = service.get(&format!("/public/{USCC}?on=2019-10-14"));
    assert_eq!(view["lists"], json!([]), "{view}");
    assert_eq!(view["records"][0]["id"], record, "{view}");

    // Naming two items, or none, is a bad body.
    service.refused(
        "POST",
        "/objections",
        Some(
            &json!({ "record": record, "about": { "item": "record", "id": record },
                     "receipt": { "channel": "written", "on": "2019-09-27" }, "grounds": "" })
            .to_string(),
        ),
        400,
        "invalid_body",
        "not both",
    );
    service.refused(
        "POST",
        "/objections",
        Some(
            &json!({ "about": { "item": "list_entry", "id": 99 },
                     "receipt": { "channel": "written", "on": "2019-09-27" }, "grounds": "" })
            .to_string(),
        ),
        404,
        "not_found",
        "no list entry `L99`",
    );
}

#[test]
fn the_desk_lists_overdue_steps_by_section() {
    let service = Service::start();
    let record = with_severe_record(&service);
    // Received Fri 27 Sep 2019 and never forwarded.
    let (status, _) = service.post(
        "/objections",
        &json!({ "record": record,
                 "receipt": { "channel": "written", "on": "2019-09-27" }, "grounds": "" }),
    );
    assert_eq!(status, 201);
    let (status, desk) = service.get("/desk/overdue?on=2019-10-21");
    assert_eq!(status, 200, "{desk}");
    assert_eq!(desk[0]["section"], "office", "{desk}");
    let steps = desk[0]["steps"].as_array().unwrap();
    // forward_by Thu 10 Oct: (10 Oct, 21 Oct] = 11, 12 (Sat, worked), 14,
    // 15, 16, 17, 18, 21 = 8; notify and reply, due Fri 18 Oct: 21 = 1.
    let rows: Vec<_> = steps
        .iter()
        .map(|s| {
            (
                s["overdue"]["deadline"]["step"].as_str().unwrap(),
                s["overdue"]["working_days"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [("forward", 8), ("notify", 1), ("reply", 1)],
        "{desk}"
    );
    service.refused("GET", "/desk/overdue", None, 400, "missing_date", "?on=");
}

/// Issue 17, defect 9: a refused body names the field and the problem,
/// never the value given (it may be a person's number or name).
#[test]
fn defect_09_http_serde_errors_name_the_field_not_the_value() {
    let service = Service::start();
    let number = person_number();
    let (status, r) = service.post("/subjects", &organization());
    assert_eq!(status, 201, "{r}");
    // A person's number where a step is expected.
    let mut bad = fine(60_000, "fine");
    bad["record"]["section"] = json!(number);
    // A person's number as a number, where a date is expected.
    let mut as_integer = fine(60_000, "fine");
    as_integer["on"] = json!(410_184_198_006_150_020u64);
    // A person's name as a field name.
    let mut field = fine(60_000, "fine");
    field["张伟"] = json!(1);
    for (body, field_named) in [
        (bad, "field `record.section`: unknown variant"),
        (as_integer, "field `on`: invalid type: integer, expected"),
        (field, "unknown field, expected"),
    ] {
        let (status, error) = service.call("POST", "/records", Some(&body));
        assert_eq!(status, 400, "{error}");
        let message = error["error"].as_str().unwrap();
        assert!(message.contains(field_named), "{message}");
        for value in [number.as_str(), "410184198006150020", "张伟", "19800615"] {
            assert!(!message.contains(value), "{message}");
        }
    }
    // The message for a variant still says which ones are allowed.
    let mut bad = fine(60_000, "fine");
    bad["record"]["section"] = json!(number);
    let (_, error) = service.call("POST", "/records", Some(&bad));
    assert!(
        error["error"]
            .as_str()
            .unwrap()
            .contains("unknown variant, expected one of"),
        "{error}"
    );
}

/// The actor behind each capacity's token in [`tokens`].
fn actor_of(capacity: Capacity) -> Actor {
    match capacity {
        Capacity::Public => Actor::public(),
        Capacity::System => Actor::system(),
        Capacity::Section(Section::Office) | Capacity::TipOffCustodian => {
            Actor::official("u-0192".parse().unwrap(), capacity).unwrap()
        }
        Capacity::Section(section) => Actor::section(section),
    }
}

/// Issue 18: every endpoint without a token (401, except the public view),
/// with a token the service does not know (401), and with each capacity's
/// token: 403 naming the operation, the capacity and the rule exactly where
/// the permission table refuses, and nothing written on a 401 or 403.
#[test]
fn every_endpoint_by_token_and_capacity() {
    use social_credit::permission::{Operation, PermissionTable, Target};
    // Some 150 requests in a second: above the default rate limit.
    let service = Service::with_limits(Limits {
        requests_per_second: 100_000,
        ..Limits::default()
    });
    let record = with_severe_record(&service);
    let (status, o) = service.post(
        "/objections",
        &json!({ "record": record, "receipt": { "channel": "written", "on": "2019-09-27" },
                 "grounds": "the fine was annulled on review" }),
    );
    assert_eq!(status, 201, "{o}");
    let id = o["id"].as_u64().unwrap();
    let (status, o) = service.post(
        &format!("/objections/{id}/steps"),
        &step(
            "2019-09-30",
            json!({ "step": "forward", "to": "social_organizations" }),
        ),
    );
    assert_eq!(status, 200, "{o}");
    let social = Target::section(Section::SocialOrganizations);
    let steps = format!("/objections/{id}/steps");
    let person = json!({ "on": "2019-01-07",
        "subject": { "type": "person", "id": person_number(), "name": "张伟" } });
    let new_year = json!({"schedule": 2027, "kind": "holiday", "first": "2027-01-01",
        "last": "2027-01-01", "name": "New Year's Day 元旦", "notice": "unconfirmed"});
    let endpoints: Vec<(&str, String, Option<Value>, Operation, Target)> = vec![
        (
            "POST",
            "/subjects".into(),
            Some(person),
            Operation::RegisterSubject,
            Target::none(),
        ),
        (
            "POST",
            "/records".into(),
            Some(fine(1_000, "fine")),
            Operation::RecordMisconduct,
            social,
        ),
        (
            "GET",
            format!("/subjects/org:{USCC}/assessment?on=2019-04-01"),
            None,
            Operation::ReadSubject,
            Target::none(),
        ),
        (
            "GET",
            format!("/subjects/org:{USCC}/list-entries"),
            None,
            Operation::ReadSubject,
            Target::none(),
        ),
        (
            "POST",
            "/objections".into(),
            Some(json!({ "record": record,
            "receipt": { "channel": "written", "on": "2019-10-08" }, "grounds": "again" })),
            Operation::ReceiveObjection,
            Target::none(),
        ),
        (
            "GET",
            format!("/objections/{id}?on=2019-10-01"),
            None,
            Operation::ReadObjection,
            social,
        ),
        (
            "POST",
            steps.clone(),
            Some(step(
                "2019-09-30",
                json!({ "step": "forward", "to": "social_organizations" }),
            )),
            Operation::ForwardObjection,
            social,
        ),
        (
            "POST",
            steps.clone(),
            Some(step(
                "2019-10-08",
                json!({ "step": "opinion",
            "finding": "not_confirmed", "summary": "the fine stands" }),
            )),
            Operation::SubmitOpinion,
            social,
        ),
        (
            "POST",
            steps.clone(),
            Some(step(
                "2019-10-09",
                json!({ "step": "notify",
            "outcome": { "decision": "kept", "reasons": "the fine stands" } }),
            )),
            Operation::NotifyApplicant,
            social,
        ),
        (
            "POST",
            steps.clone(),
            Some(step(
                "2019-10-09",
                json!({ "step": "reply", "reasons": "the fine stands" }),
            )),
            Operation::ReplyToSubject,
            social,
        ),
        (
            "POST",
            steps.clone(),
            Some(step("2019-10-10", json!({ "step": "withdraw" }))),
            Operation::RecordWithdrawal,
            social,
        ),
        (
            "POST",
            steps.clone(),
            Some(step("2019-10-10", json!({ "step": "close" }))),
            Operation::CloseObjection,
            social,
        ),
        (
            "GET",
            "/desk/overdue?on=2019-10-21".into(),
            None,
            Operation::ObjectionDesk,
            Target::none(),
        ),
        (
            "GET",
            "/subjects?limit=2".into(),
            None,
            Operation::ListSubjects,
            Target::none(),
        ),
        (
            "GET",
            format!("/subjects/org:{USCC}/records?limit=2"),
            None,
            Operation::ListSubjects,
            Target::none(),
        ),
        (
            "GET",
            format!("/list-entries?subject=org:{USCC}"),
            None,
            Operation::ListSubjects,
            Target::none(),
        ),
        (
            "GET",
            "/objections?stage=forwarded&due_by=2019-10-21".into(),
            None,
            Operation::ObjectionDesk,
            Target::none(),
        ),
        (
            "GET",
            "/audit-log?limit=3".into(),
            None,
            Operation::ReadAuditLog,
            Target::none(),
        ),
        (
            "POST",
            "/calendar/notice".into(),
            Some(json!({"on": "2026-12-21", "partial": true,
            "schedule": {"rows": [new_year]}})),
            Operation::ReplaceCalendar,
            Target::none(),
        ),
        (
            "GET",
            format!("/public/{USCC}?on=2019-04-01"),
            None,
            Operation::PublicView,
            Target::none(),
        ),
    ];
    let table = PermissionTable::xinzheng_2019();
    // Hand-written expectations for the key rows, so that a table that
    // drifted from the plan fails here and not only the table's own test.
    let key_rows = [
        (
            Operation::ReceiveObjection,
            Capacity::Section(Section::Office),
            true,
        ),
        (
            Operation::ReceiveObjection,
            Capacity::Section(Section::SocialOrganizations),
            false,
        ),
        (
            Operation::RecordMisconduct,
            Capacity::Section(Section::SocialOrganizations),
            true,
        ),
        (
            Operation::RecordMisconduct,
            Capacity::Section(Section::SocialAffairs),
            false,
        ),
        (
            Operation::RecordMisconduct,
            Capacity::Section(Section::Office),
            false,
        ),
        (
            Operation::SubmitOpinion,
            Capacity::Section(Section::SocialOrganizations),
            true,
        ),
        (
            Operation::SubmitOpinion,
            Capacity::Section(Section::Office),
            false,
        ),
        (
            Operation::SubmitOpinion,
            Capacity::Section(Section::ElderlyCare),
            false,
        ),
        (
            Operation::ForwardObjection,
            Capacity::Section(Section::Office),
            true,
        ),
        (
            Operation::NotifyApplicant,
            Capacity::Section(Section::SocialOrganizations),
            false,
        ),
        (
            Operation::ReplaceCalendar,
            Capacity::Section(Section::Office),
            true,
        ),
        (Operation::ReplaceCalendar, Capacity::System, false),
        (
            Operation::ReadObjection,
            Capacity::Section(Section::SocialAffairs),
            false,
        ),
        (Operation::ReadObjection, Capacity::TipOffCustodian, false),
        (Operation::RegisterSubject, Capacity::TipOffCustodian, false),
        (Operation::PublicView, Capacity::System, true),
        (
            Operation::ListSubjects,
            Capacity::Section(Section::SocialAffairs),
            true,
        ),
        (Operation::ListSubjects, Capacity::TipOffCustodian, false),
        (
            Operation::ReadAuditLog,
            Capacity::Section(Section::SocialOrganizations),
            false,
        ),
        (
            Operation::ReadAuditLog,
            Capacity::Section(Section::Office),
            true,
        ),
    ];
    for (operation, capacity, allowed) in key_rows {
        let (_, _, _, _, target) = endpoints.iter().find(|e| e.3 == operation).unwrap();
        assert_eq!(
            table.check(&actor_of(capacity), operation, target).is_ok(),
            allowed,
            "{operation} by {capacity}"
        );
    }
    let mut forbidden = 0;
    for (method, path, body, operation, target) in &endpoints {
        let body = body.as_ref().map(Value::to_string);
        let body = body.as_deref();
        let public = *operation == Operation::PublicView;
        for token in [None, Some("not-a-token-the-service-knows-0123456789abcdef")] {
            let before = service.dump();
            let (status, head, error) = service.exchange(token, method, path, body);
            if public {
                assert_eq!(status, 200, "{method} {path}: {error}");
                continue;
            }
            assert_eq!(status, 401, "{method} {path} with {token:?}: {error}");
            let kind = if token.is_some() {
                "invalid_token"
            } else {
                "unauthenticated"
            };
            assert_eq!(error["kind"], kind, "{error}");
            assert!(
                head.to_ascii_lowercase()
                    .contains("www-authenticate: bearer"),
                "{head}"
            );
            assert_eq!(service.dump(), before, "{method} {path} wrote something");
        }
        for capacity in Capacity::ALL {
            if capacity == Capacity::Public {
                continue;
            }
            let allowed = table.check(&actor_of(capacity), *operation, target).is_ok();
            let before = service.dump();
            let (status, error) = service.call_as(Some(&token(capacity)), method, path, body);
            if allowed {
                assert!(
                    status != 401 && status != 403,
                    "{method} {path} by {capacity}: {status} {error}"
                );
            } else {
                forbidden += 1;
                assert_eq!(status, 403, "{method} {path} by {capacity}: {error}");
                assert_eq!(error["kind"], "forbidden", "{error}");
                let message = error["error"].as_str().unwrap();
                for needed in [operation.name(), &capacity.to_string(), "rule"] {
                    assert!(message.contains(needed), "`{message}` lacks `{needed}`");
                }
                assert_eq!(
                    service.dump(),
                    before,
                    "{method} {path} by {capacity} wrote"
                );
            }
        }
    }
    // Most pairs are refused: each duty belongs to few capacities.
    assert!(forbidden > 60, "{forbidden}");
}

/// Issue 18: a body over the limit is refused with 413 before it is read,
/// even when it announces 10 GB and sends one byte.
#[test]
fn an_oversized_body_is_413() {
    let service = Service::start();
    let token = token(Capacity::Section(Section::SocialOrganizations));
    let big = format!(
        "{{\"on\": \"2019-01-07\", \"pad\": \"{}\"}}",
        "x".repeat(70 << 10)
    );
    let before = service.dump();
    let (status, error) = service.call_as(Some(&token), "POST", "/subjects", Some(&big));
    assert_eq!(status, 413, "{error}");
    assert_eq!(error["kind"], "body_too_large", "{error}");
    assert_eq!(service.dump(), before);

    let mut stream = TcpStream::connect(service.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let head = format!(
        "POST /subjects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{{"
    );
    let started = std::time::Instant::now();
    stream.write_all(head.as_bytes()).unwrap();
    let mut response = Vec::new();
    // Answered and closed without waiting for the 10 GB.
    stream.read_to_end(&mut response).unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    let (status, _, error) = parse_response(&response);
    assert_eq!(status, 413, "{error}");
}

/// Issue 18: a body that trickles in is answered 408 within the request
/// time limit and its connection closed; nothing is written.
#[test]
fn a_slow_body_is_408_and_closed() {
    let limits = Limits {
        request_timeout: Duration::from_millis(400),
        ..Limits::default()
    };
    let service = Service::with_limits(limits);
    let token = token(Capacity::Section(Section::SocialOrganizations));
    let before = service.dump();
    let mut stream = TcpStream::connect(service.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let head = format!(
        "POST /subjects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
    );
    let started = std::time::Instant::now();
    stream.write_all(head.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_secs(3),
        "{took:?}"
    );
    let (status, head, error) = parse_response(&response);
    assert_eq!(status, 408, "{error}");
    assert_eq!(error["kind"], "timeout", "{error}");
    assert!(
        head.to_ascii_lowercase().contains("connection: close"),
        "{head}"
    );
    assert_eq!(service.dump(), before);
}

/// Issue 18: beyond the requests per second the service takes, the answer
/// is 429 at once, and the service answers again after the second.
#[test]
fn too_many_requests_per_second_are_429() {
    let limits = Limits {
        requests_per_second: 5,
        ..Limits::default()
    };
    let service = Service::with_limits(limits);
    let statuses: Vec<u16> = (0..12)
        .map(|_| service.get(&format!("/public/{USCC}?on=2019-04-01")).0)
        .collect();
    // The subject is not registered: 404 until the limit, 429 after.
    assert!(statuses.iter().take(5).all(|s| *s == 404), "{statuses:?}");
    assert!(statuses.iter().skip(5).all(|s| *s == 429), "{statuses:?}");
    let (status, error) = service.get(&format!("/public/{USCC}?on=2019-04-01"));
    assert_eq!(status, 429);
    assert_eq!(error["kind"], "rate_limited");
    std::thread::sleep(Duration::from_millis(1_100));
    assert_eq!(service.get(&format!("/public/{USCC}?on=2019-04-01")).0, 404);
}

/// A valid USCC of a social organization in 郑州, numbered `n`.
fn uscc_numbered(n: u32) -> String {
    let body = format!("{n:08}");
    let org_check = org_code_check(body.as_bytes()).unwrap() as char;
    let first17 = format!("51410184{body}{org_check}");
    let check = uscc_check(first17.as_bytes()).unwrap() as char;
    format!("{first17}{check}")
}

/// Follows `path` (which has a `?`) page by page, `limit` at a time: every
/// item, in order, and the number of pages. Each page but the last is
/// full and has a `next`.
fn all_pages(service: &Service, path: &str, limit: usize) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    for pages in 1.. {
        let url = match &after {
            None => format!("{path}&limit={limit}"),
            Some(a) => format!("{path}&limit={limit}&after={a}"),
        };
        let (status, page) = service.get(&url);
        assert_eq!(status, 200, "{url}: {page}");
        assert_eq!(page.as_object().unwrap().len(), 2, "items and next: {page}");
        let got = page["items"].as_array().unwrap();
        assert!(got.len() <= limit, "{page}");
        items.extend(got.iter().cloned());
        match page["next"].as_str() {
            None => {
                assert!(page["next"].is_null(), "{page}");
                return (items, pages);
            }
            Some(next) => {
                assert_eq!(got.len(), limit, "a page before the last is full: {page}");
                after = Some(next.to_owned());
            }
        }
        assert!(pages < 100, "never ends");
    }
    unreachable!()
}

/// Issue 21: the paged queries over HTTP, as a service team calls them:
/// each page in a stable order, followed by its cursor to the end, every
/// item once; a person's number appears nowhere, cursors included.
#[test]
fn paged_queries_over_http() {
    let service = Service::with_limits(Limits {
        requests_per_second: 100_000,
        ..Limits::default()
    });
    let record = with_severe_record(&service);
    let codes: Vec<String> = (1..=4).map(uscc_numbered).collect();
    for code in &codes {
        let mut body = organization();
        body["subject"]["uscc"] = json!(code);
        let (status, answer) = service.post("/subjects", &body);
        assert_eq!(status, 201, "{answer}");
    }
    let number = person_number();
    let (status, answer) = service.post(
        "/subjects",
        &json!({ "on": "2019-01-07", "subject": { "type": "person", "id": number, "name": "张伟" } }),
    );
    assert_eq!(status, 201, "{answer}");

    // Subjects: four organizations, the worked example's, and the person.
    for limit in [1, 2, 6, 1000] {
        let (subjects, pages) = all_pages(&service, "/subjects?", limit);
        assert_eq!(subjects.len(), 6, "limit {limit}");
        assert_eq!(pages, 6usize.div_ceil(limit));
        let text = serde_json::to_string(&subjects).unwrap();
        assert!(!text.contains(&number), "masked: {text}");
        // Organizations come before persons, each once.
        let mut ids: Vec<String> = subjects
            .iter()
            .filter_map(|s| s["uscc"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(ids.len(), 5, "{text}");
        let listed = ids.clone();
        ids.sort();
        ids.dedup();
        assert_eq!(ids, listed, "in order, once each");
        assert_eq!(subjects[5]["type"], "person", "{text}");
    }
    // The subject listing's cursor is an opaque token: not the subject.
    let (_, first) = service.get("/subjects?limit=5");
    let cursor = first["next"].as_str().unwrap().to_owned();
    assert_eq!(cursor.len(), 32, "{cursor}");
    assert!(cursor.bytes().all(|b| b.is_ascii_hexdigit()), "{cursor}");
    assert!(!first.to_string().contains(&number));
    let (_, last) = service.get(&format!("/subjects?limit=5&after={cursor}"));
    assert_eq!(last["items"].as_array().unwrap().len(), 1, "{last}");
    assert!(last["next"].is_null());
    // The same page asked again gets the same cursor.
    let (_, again) = service.get("/subjects?limit=5");
    assert_eq!(again["next"], first["next"]);

    // A subject's records, oldest first, each once.
    for (n, conduct) in ["warning", "annual_report_late", "warning"]
        .iter()
        .enumerate()
    {
        let mut body = fine(1_000, conduct);
        body["record"]["occurred_on"] = json!(format!("2019-03-0{}", n + 1));
        body["record"]["ended_on"] = json!(format!("2019-03-0{}", n + 1));
        let (status, answer) = service.post("/records", &body);
        assert_eq!(status, 201, "{answer}");
        // The listing the finding caused comes back with the record.
        assert!(answer["listing"]["entry"].is_u64(), "{answer}");
    }
    let (records, pages) = all_pages(&service, &format!("/subjects/org:{USCC}/records?"), 2);
    assert_eq!(pages, 2);
    let ids: Vec<u64> = records.iter().map(|r| r["id"].as_u64().unwrap()).collect();
    assert_eq!(ids.len(), 4);
    assert_eq!(ids[0], record);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    // Another subject's records are not among them.
    let (status, none) = service.get(&format!("/subjects/org:{}/records?limit=5", codes[0]));
    assert_eq!(status, 200, "{none}");
    assert_eq!(none, json!({ "items": [], "next": null }));

    // List entries: the worked example's, as `list-entries` shows them.
    let (status, shown) = service.get(&format!("/subjects/org:{USCC}/list-entries"));
    assert_eq!(status, 200, "{shown}");
    let (entries, _) = all_pages(&service, "/list-entries?", 1);
    assert_eq!(Value::Array(entries.clone()), shown);
    let (of_one, _) = all_pages(&service, &format!("/list-entries?subject=org:{USCC}"), 1);
    assert_eq!(of_one, entries);
    let (of_other, _) = all_pages(
        &service,
        &format!("/list-entries?subject=org:{}", codes[1]),
        3,
    );
    assert!(of_other.is_empty());

    // Objections: two received, one forwarded; by stage, by due day.
    let mut objections = Vec::new();
    for on in ["2019-09-27", "2019-09-30"] {
        let (status, o) = service.post(
            "/objections",
            &json!({ "record": record, "receipt": { "channel": "written", "on": on },
                     "grounds": "the fine was annulled on review" }),
        );
        assert_eq!(status, 201, "{o}");
        objections.push(o["id"].as_u64().unwrap());
    }
    let (status, o) = service.post(
        &format!("/objections/{}/steps", objections[0]),
        &step(
            "2019-10-08",
            json!({ "step": "forward", "to": "social_organizations" }),
        ),
    );
    assert_eq!(status, 200, "{o}");
    let ids_of =
        |items: &[Value]| -> Vec<u64> { items.iter().map(|o| o["id"].as_u64().unwrap()).collect() };
    let (all, _) = all_pages(&service, "/objections?", 1);
    assert_eq!(ids_of(&all), objections);
    let (received, _) = all_pages(&service, "/objections?stage=received", 1);
    assert_eq!(ids_of(&received), vec![objections[1]]);
    let (forwarded, _) = all_pages(
        &service,
        &format!("/objections?stage=forwarded&subject=org:{USCC}"),
        5,
    );
    assert_eq!(ids_of(&forwarded), vec![objections[0]]);
    // plan §6(3): the second is to be forwarded within 5 working days of
    // 30 September, across the National Day holiday and its adjusted
    // working day: by Saturday 12 October; the first, forwarded on 8
    // October, has the section's opinion due on 14 October.
    let (due, _) = all_pages(&service, "/objections?due_by=2019-10-11", 5);
    assert!(due.is_empty(), "{due:?}");
    let (due, _) = all_pages(&service, "/objections?due_by=2019-10-12", 5);
    assert_eq!(ids_of(&due), vec![objections[1]]);
    let (due, _) = all_pages(&service, "/objections?due_by=2019-10-14", 1);
    assert_eq!(ids_of(&due), objections);
    let (none, _) = all_pages(
        &service,
        &format!("/objections?subject=org:{}", codes[2]),
        5,
    );
    assert!(none.is_empty());

    // The audit log, oldest first, every entry once, as the registry has it.
    let log = service.registry.audit_log(0).unwrap();
    let (entries, pages) = all_pages(&service, "/audit-log?", 4);
    assert_eq!(entries.len(), log.len());
    assert_eq!(pages, log.len().div_ceil(4));
    for (entry, (seq, stored)) in entries.iter().zip(&log) {
        assert_eq!(entry["seq"].as_u64(), Some(*seq));
        assert_eq!(entry["entry"], serde_json::to_value(stored).unwrap());
    }
    assert!(!Value::Array(entries).to_string().contains(&number));
}

/// Issue 21: a paged query that cannot be read is a 400 naming what is
/// wrong, and one the caller's capacity may not make is a 403; either
/// writes nothing.
#[test]
fn bad_page_requests_are_refused() {
    let service = Service::start();
    with_severe_record(&service);
    let refusals = [
        ("/subjects?limit=0", "invalid_limit", "1 to 1000"),
        ("/subjects?limit=1001", "invalid_limit", "1 to 1000"),
        ("/subjects?limit=ten", "invalid_limit", "`limit`"),
        ("/audit-log?limit=-1", "invalid_limit", "`limit`"),
        (
            "/subjects?after=0123456789abcdef0123456789abcdef",
            "invalid_cursor",
            "start again",
        ),
        ("/subjects?page=2", "invalid_query", "`after`, `limit`"),
        ("/audit-log?after=soon", "invalid_cursor", "`after`"),
        ("/list-entries?after=1;drop", "invalid_cursor", "`after`"),
        (
            "/list-entries?subject=91350100M000100Y43",
            "invalid_subject_id",
            "org:",
        ),
        ("/objections?stage=lost", "invalid_query", "`stage`"),
        ("/objections?due_by=2019-13-01", "invalid_date", "`due_by`"),
        ("/objections?due=2019-10-01", "invalid_query", "`due_by`"),
    ];
    for (path, kind, mentions) in refusals {
        service.refused("GET", path, None, 400, kind, mentions);
    }
    // A misspelt filter is not echoed: it may be anything.
    let number = person_number();
    let (status, error) = service.get(&format!("/subjects?{number}=1"));
    assert_eq!(status, 400, "{error}");
    assert!(!error.to_string().contains(&number), "{error}");
    // An unknown subject is a 404.
    service.refused(
        "GET",
        &format!("/subjects/org:{}/records", uscc_numbered(9)),
        None,
        404,
        "not_found",
        "subject",
    );
    // The Social Affairs Section may list subjects, not read the audit log
    // or the objections (the Office's, plan §8(3)); the tip-off custodian
    // may do none of it.
    let social_affairs = token(Capacity::Section(Section::SocialAffairs));
    let custodian = token(Capacity::TipOffCustodian);
    let (status, page) = service.call_as(Some(&social_affairs), "GET", "/subjects", None);
    assert_eq!(status, 200, "{page}");
    for (who, path) in [
        (&social_affairs, "/audit-log"),
        (&social_affairs, "/objections"),
        (&custodian, "/subjects"),
        (&custodian, "/list-entries"),
    ] {
        let before = service.dump();
        let (status, error) = service.call_as(Some(who), "GET", path, None);
        assert_eq!(status, 403, "{path}: {error}");
        assert_eq!(error["kind"], "forbidden");
        assert_eq!(service.dump(), before);
    }
    // A refused caller learns nothing from its query's validation.
    let (status, error) = service.call_as(Some(&custodian), "GET", "/subjects?limit=0", None);
    assert_eq!(
        (status, error["kind"].as_str()),
        (403, Some("forbidden")),
        "{error}"
    );
}
