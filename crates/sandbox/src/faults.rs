//! Fault injection and request recording, for tests and for trying the app's error paths.

use std::sync::Arc;

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State as AxumState};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::{RecordedRequest, State};

/// Makes the next `times` requests that match `method` and `path_prefix` misbehave.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Fault {
    /// `GET`, `POST`, …; any method when absent.
    #[serde(default)]
    pub method: Option<String>,
    pub path_prefix: String,
    /// Only requests whose query string contains this (for example `page=3&`).
    #[serde(default)]
    pub query_contains: Option<String>,
    #[serde(default = "one")]
    pub times: u32,
    pub action: FaultAction,
}

fn one() -> u32 {
    1
}

/// How a matching request misbehaves. Over HTTP (`POST /_sandbox/faults`), the variant is named
/// by `kind` in snake case, its fields beside it: `{"kind": "commit_late", "ms": 3000}`.
/// Headers are a list of `[name, value]` pairs.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultAction {
    /// Answer with this status and body instead of the real response; the request does
    /// nothing. The body is sent as `application/json` unless `headers` say otherwise.
    Respond {
        status: u16,
        body: String,
        /// A `Retry-After` header (kept beside `headers` for the callers that use it).
        #[serde(default)]
        retry_after: Option<String>,
        /// More headers: `Retry-After: 1e20`, or `location` for a 302 pointing at a GET URL.
        #[serde(default)]
        headers: Vec<(String, String)>,
    },
    /// Wait this long, then answer normally.
    Delay { ms: u64 },
    /// Let the request do its work, then lose the answer: the connection breaks mid-response.
    ApplyThenDrop,
    /// Lose the request before it does anything: the connection breaks.
    DropBeforeApply,
    /// The request's work runs in a detached task after `ms`: it commits even if the client
    /// gave up and hung up before then (make `ms` longer than the client's timeout). Anyone
    /// still listening gets a broken connection once it has committed.
    CommitLate { ms: u64 },
    /// Do the work, then answer `status` with `body` (and `headers`) instead of the real answer:
    /// the server applied it but says otherwise, as an ASP.NET 500
    /// (`{"Message":"An error has occurred."}`), a gateway's 502 or 504
    /// (`{"message":"Endpoint request timed out"}`), a bare 200 `{}` or a 302 with `location`.
    ApplyThenRespond {
        status: u16,
        body: String,
        #[serde(default)]
        headers: Vec<(String, String)>,
    },
    /// Answer normally, but with `page_info.total` (or `page_Info.total`) rewritten to `total`,
    /// such as an absurd 1_000_000_000.
    OverrideTotal { total: i64 },
    /// Do the work, then answer normally but with `value` at the RFC 6901 JSON `pointer` of the
    /// answer (`/packages/0/type` → `99`, `/invoice/transactions/0/payment_option` → `"CASH"`):
    /// a field of another type, or an enum value the client does not know. The value there is
    /// replaced; a missing last key is added when its parent is an object; when the parent is
    /// missing (or an array without that index), the answer goes through unchanged.
    SetValue { pointer: String, value: serde_json::Value },
    /// Do the work, then answer normally but with every object key equal to `from`, at any
    /// depth, renamed `to`, its value kept (`page_info` → `page_Info`, or a wrapper
    /// `categories` → `category_list`).
    RenameKey { from: String, to: String },
}

impl FaultAction {
    /// [`FaultAction::Respond`] with no extra headers.
    pub fn respond(status: u16, body: impl Into<String>) -> FaultAction {
        FaultAction::Respond { status, body: body.into(), retry_after: None, headers: Vec::new() }
    }

    /// [`FaultAction::ApplyThenRespond`] with no headers.
    pub fn apply_then_respond(status: u16, body: impl Into<String>) -> FaultAction {
        FaultAction::ApplyThenRespond { status, body: body.into(), headers: Vec::new() }
    }

    /// [`FaultAction::SetValue`].
    pub fn set_value(pointer: impl Into<String>, value: impl Into<serde_json::Value>) -> FaultAction {
        FaultAction::SetValue { pointer: pointer.into(), value: value.into() }
    }

    /// [`FaultAction::RenameKey`].
    pub fn rename_key(from: impl Into<String>, to: impl Into<String>) -> FaultAction {
        FaultAction::RenameKey { from: from.into(), to: to.into() }
    }

    /// A `Respond` 404 with the ASP.NET answer Zenoti gives for a route it does not have:
    /// `{"Message":"No HTTP resource was found that matches the request URI '<path>'."}`.
    pub fn not_found(path: &str) -> FaultAction {
        let message = format!("No HTTP resource was found that matches the request URI '{path}'.");
        FaultAction::respond(404, serde_json::json!({ "Message": message }).to_string())
    }

    /// Adds a header to a `Respond` or `ApplyThenRespond` (other actions are returned as they are).
    pub fn with_header(mut self, name: &str, value: &str) -> FaultAction {
        if let FaultAction::Respond { headers, .. } | FaultAction::ApplyThenRespond { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

/// The answer of `Respond` and `ApplyThenRespond`. Headers that are not valid HTTP are skipped.
fn canned(status: u16, body: String, retry_after: Option<String>, headers: &[(String, String)]) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, [("content-type", "application/json")], body).into_response();
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
        response.headers_mut().insert("retry-after", value);
    }
    for (name, value) in headers {
        let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) else {
            continue;
        };
        if name == CONTENT_TYPE || name == RETRY_AFTER {
            response.headers_mut().insert(name, value);
        } else {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// The answer with its JSON body changed by `edit`, without its (now wrong) `Content-Length`.
/// An answer whose body is not JSON goes through as it was.
async fn edit_json(response: Response, edit: impl FnOnce(&mut serde_json::Value)) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return broken_response();
    };
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    edit(&mut value);
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(serde_json::to_vec(&value).unwrap_or_default()))
}

/// Sets `page_info.total` (either spelling) to `total`, where there is such an object.
fn override_total(answer: &mut serde_json::Value, total: i64) {
    for key in ["page_info", "page_Info"] {
        if let Some(page) = answer.get_mut(key).and_then(serde_json::Value::as_object_mut) {
            page.insert("total".into(), total.into());
        }
    }
}

/// Puts `value` at the JSON `pointer` (RFC 6901): replaces what is there, or adds the last key
/// to its parent object. Nothing changes when there is no such parent.
fn set_value(answer: &mut serde_json::Value, pointer: &str, value: serde_json::Value) {
    if let Some(slot) = answer.pointer_mut(pointer) {
        *slot = value;
        return;
    }
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    if let Some(serde_json::Value::Object(map)) = answer.pointer_mut(parent) {
        // RFC 6901: `~1` is `/`, then `~0` is `~`.
        map.insert(last.replace("~1", "/").replace("~0", "~"), value);
    }
}

/// Renames every object key `from`, at any depth, to `to` (a key `to` beside it is replaced).
fn rename_key(answer: &mut serde_json::Value, from: &str, to: &str) {
    match answer {
        serde_json::Value::Object(map) => {
            if from != to && map.contains_key(from) {
                *map = std::mem::take(map)
                    .into_iter()
                    .filter(|(k, _)| k != to)
                    .map(|(k, v)| if k == from { (to.to_owned(), v) } else { (k, v) })
                    .collect();
            }
            map.values_mut().for_each(|v| rename_key(v, from, to));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| rename_key(v, from, to)),
        _ => {}
    }
}

/// A response whose body fails after the headers: the client sees the connection break.
fn broken_response() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "sandbox: response dropped",
        ))
    });
    Response::new(axum::body::Body::from_stream(failing))
}

impl Fault {
    pub fn new(method: &str, path_prefix: &str, times: u32, action: FaultAction) -> Fault {
        Fault {
            method: Some(method.to_owned()),
            path_prefix: path_prefix.to_owned(),
            query_contains: None,
            times,
            action,
        }
    }

    /// Narrows the fault to requests whose query string contains `text`.
    pub fn with_query(mut self, text: &str) -> Fault {
        self.query_contains = Some(text.to_owned());
        self
    }

    fn matches(&self, method: &str, path: &str, query: &str) -> bool {
        self.times > 0
            && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
            && path.starts_with(&self.path_prefix)
            && self.query_contains.as_deref().is_none_or(|q| query.contains(q))
    }
}

/// Records the request, adds the configured latency and applies the first matching fault.
pub(crate) async fn apply(AxumState(state): AxumState<Arc<State>>, request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    // A trailing & lets a fault name a parameter exactly (`page=3&` is not `page=30`).
    let query = format!("{}&", request.uri().query().unwrap_or(""));
    let started = std::time::Instant::now();
    let slot = {
        let mut stats = state.stats.lock().unwrap();
        stats.requests.push(RecordedRequest {
            method: method.clone(),
            path: path.clone(),
            query: request.uri().query().unwrap_or("").to_owned(),
            server_micros: 0,
        });
        stats.requests.len() - 1
    };
    let response = respond(&state, request, next, &method, &path, &query).await;
    if let Some(r) = state.stats.lock().unwrap().requests.get_mut(slot) {
        r.server_micros = started.elapsed().as_micros() as u64;
    }
    response
}

async fn respond(state: &State, request: Request, next: Next, method: &str, path: &str, query: &str) -> Response {
    let action = {
        let mut faults = state.faults.lock().unwrap();
        faults.iter_mut().find(|f| f.matches(method, path, query)).map(|f| {
            f.times -= 1;
            f.action.clone()
        })
    };
    if !state.config.latency.is_zero() {
        tokio::time::sleep(state.config.latency).await;
    }
    match action {
        Some(FaultAction::Respond { status, body, retry_after, headers }) => {
            canned(status, body, retry_after, &headers)
        }
        Some(FaultAction::ApplyThenDrop) => {
            drop(next.run(request).await);
            broken_response()
        }
        Some(FaultAction::DropBeforeApply) => broken_response(),
        Some(FaultAction::Delay { ms }) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(request).await
        }
        Some(FaultAction::CommitLate { ms }) => {
            // Read the body now: once the client hangs up, it could no longer be read.
            let (parts, body) = request.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
                return broken_response();
            };
            let request = Request::from_parts(parts, Body::from(bytes));
            let (committed, done) = tokio::sync::oneshot::channel::<()>();
            // Detached: dropping this answer (the client gave up) does not stop the work.
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                drop(next.run(request).await);
                let _ = committed.send(());
            });
            let _ = done.await;
            broken_response()
        }
        Some(FaultAction::ApplyThenRespond { status, body, headers }) => {
            drop(next.run(request).await);
            canned(status, body, None, &headers)
        }
        Some(FaultAction::OverrideTotal { total }) => {
            edit_json(next.run(request).await, |answer| override_total(answer, total)).await
        }
        Some(FaultAction::SetValue { pointer, value }) => {
            edit_json(next.run(request).await, |answer| set_value(answer, &pointer, value)).await
        }
        Some(FaultAction::RenameKey { from, to }) => {
            edit_json(next.run(request).await, |answer| rename_key(answer, &from, &to)).await
        }
        None => next.run(request).await,
    }
}

pub(crate) async fn add(AxumState(state): AxumState<Arc<State>>, Json(fault): Json<Fault>) -> StatusCode {
    state.faults.lock().unwrap().push(fault);
    StatusCode::NO_CONTENT
}

pub(crate) async fn clear(AxumState(state): AxumState<Arc<State>>) -> StatusCode {
    state.faults.lock().unwrap().clear();
    StatusCode::NO_CONTENT
}

pub(crate) async fn stats(AxumState(state): AxumState<Arc<State>>) -> Json<crate::Stats> {
    Json(state.stats.lock().unwrap().clone())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::{json, Value};

    use super::{Fault, FaultAction};
    use crate::{Config, Sandbox, DEMO_API_KEY};

    const AUTH: &str = "apikey demo-frontdesk-key";

    /// A sandbox, an open invoice of guest 1 (at a center that asks for no OTP) selling a
    /// massage, its loyalty-redemption URL and a body redeeming 100 points.
    async fn redemption() -> (Sandbox, String, Value) {
        assert_eq!(AUTH, format!("apikey {DEMO_API_KEY}"));
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let inv = sandbox.add_open_invoice(1, &[0]);
        let program = sandbox.with_books(|b| b.programs[0].id.clone());
        let url = format!("{}/v1/invoices/{}/payments/loyalty_points", sandbox.base_url(), inv.id);
        let body = json!({"points": 100, "center_id": inv.center_id, "program_id": program,
            "cash_register_id": "", "redeem_across_programs": 0});
        (sandbox, url, body)
    }

    fn path_of(url: &str) -> String {
        url.split_once("://").and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned())).unwrap()
    }

    fn no_redirects() -> reqwest::Client {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    #[tokio::test]
    async fn commit_late_commits_after_the_client_gave_up() {
        let (sandbox, url, body) = redemption().await;
        sandbox.inject(Fault::new("POST", &path_of(&url), 1, FaultAction::CommitLate { ms: 300 }));
        let impatient = reqwest::Client::builder().timeout(Duration::from_millis(100)).build().unwrap();
        let err = impatient.post(&url).header("authorization", AUTH).json(&body).send().await.unwrap_err();
        assert!(err.is_timeout(), "{err}");
        assert!(sandbox.ledger().is_empty(), "committed before its time");
        tokio::time::sleep(Duration::from_millis(600)).await;
        let ledger = sandbox.ledger();
        assert_eq!(ledger.len(), 1, "the payment committed after the client hung up");
        assert_eq!(ledger[0].points, 100);
    }

    #[tokio::test]
    async fn commit_late_breaks_the_connection_of_a_patient_client_after_the_commit() {
        let (sandbox, url, body) = redemption().await;
        sandbox.inject(Fault::new("POST", &path_of(&url), 1, FaultAction::CommitLate { ms: 150 }));
        let started = std::time::Instant::now();
        let outcome = no_redirects().post(&url).header("authorization", AUTH).json(&body).send().await;
        let failed = match outcome {
            Err(_) => true,
            Ok(response) => response.bytes().await.is_err(),
        };
        assert!(failed, "the answer should be a broken connection");
        assert!(started.elapsed() >= Duration::from_millis(150));
        assert_eq!(sandbox.ledger().len(), 1, "already committed when the connection broke");
    }

    #[tokio::test]
    async fn apply_then_respond_applies_and_answers_otherwise() {
        let (sandbox, url, body) = redemption().await;
        let path = path_of(&url);
        let client = no_redirects();
        let asp_net = r#"{"Message":"An error has occurred."}"#;
        sandbox.inject(Fault::new("POST", &path, 1, FaultAction::apply_then_respond(500, asp_net)));
        let response = client.post(&url).header("authorization", AUTH).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 500);
        assert_eq!(response.text().await.unwrap(), asp_net);
        assert_eq!(sandbox.ledger().len(), 1, "applied despite the 500");

        let gateway = r#"{"message":"Endpoint request timed out"}"#;
        sandbox.inject(Fault::new("POST", &path, 1, FaultAction::apply_then_respond(504, gateway)));
        let response = client.post(&url).header("authorization", AUTH).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 504);
        assert_eq!(response.text().await.unwrap(), gateway);
        assert_eq!(sandbox.ledger().len(), 2);

        let elsewhere = format!("{}/v1/centers", sandbox.base_url());
        sandbox.inject(Fault::new(
            "POST",
            &path,
            1,
            FaultAction::apply_then_respond(302, "").with_header("location", &elsewhere),
        ));
        let response = client.post(&url).header("authorization", AUTH).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 302);
        assert_eq!(response.headers()["location"], elsewhere.as_str());
        assert_eq!(sandbox.ledger().len(), 3);

        sandbox.inject(Fault::new("POST", &path, 1, FaultAction::apply_then_respond(200, "{}")));
        let response = client.post(&url).header("authorization", AUTH).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.json::<Value>().await.unwrap(), json!({}));
        assert_eq!(sandbox.ledger().len(), 4);
    }

    #[tokio::test]
    async fn respond_sends_its_headers_and_applies_nothing() {
        let (sandbox, url, body) = redemption().await;
        let path = path_of(&url);
        let client = no_redirects();
        sandbox.inject(Fault::new("POST", &path, 1, FaultAction::respond(503, "").with_header("Retry-After", "1e20")));
        let response = client.post(&url).header("authorization", AUTH).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers()["retry-after"], "1e20");

        // `retry_after` works as before.
        sandbox.inject(Fault::new(
            "POST",
            &path,
            1,
            FaultAction::Respond {
                status: 429,
                body: String::new(),
                retry_after: Some("86400".into()),
                headers: vec![],
            },
        ));
        let response = client.post(&url).header("authorization", AUTH).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["retry-after"], "86400");

        let get_url = format!("{}/v1/centers", sandbox.base_url());
        sandbox.inject(Fault::new("POST", &path, 1, FaultAction::respond(302, "").with_header("location", &get_url)));
        let response = client.post(&url).header("authorization", AUTH).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 302);
        assert_eq!(response.headers()["location"], get_url.as_str());
        assert!(sandbox.ledger().is_empty(), "Respond never does the work");
    }

    #[tokio::test]
    async fn override_total_rewrites_the_page_total_only() {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let center = &sandbox.center_ids()[0];
        let path = format!("/v1/centers/{center}/packages");
        let url = format!("{}{path}?page=1&size=10", sandbox.base_url());
        sandbox.inject(Fault::new("GET", &path, 1, FaultAction::OverrideTotal { total: 1_000_000_000 }));
        let client = reqwest::Client::new();
        let page: Value = client.get(&url).header("authorization", AUTH).send().await.unwrap().json().await.unwrap();
        assert_eq!(page["page_info"]["total"], 1_000_000_000);
        assert_eq!(page["packages"].as_array().unwrap().len(), 10);
        let page: Value = client.get(&url).header("authorization", AUTH).send().await.unwrap().json().await.unwrap();
        assert_eq!(page["page_info"]["total"], sandbox.organization().centers[0].packages.len());
    }

    #[test]
    fn new_actions_have_these_names_over_http() {
        let cases = [
            (FaultAction::CommitLate { ms: 300 }, json!({"kind": "commit_late", "ms": 300})),
            (
                FaultAction::apply_then_respond(302, "").with_header("location", "/v1/centers"),
                json!({"kind": "apply_then_respond", "status": 302, "body": "", "headers": [["location", "/v1/centers"]]}),
            ),
            (FaultAction::OverrideTotal { total: 7 }, json!({"kind": "override_total", "total": 7})),
            (
                FaultAction::set_value("/packages/0/type", 99),
                json!({"kind": "set_value", "pointer": "/packages/0/type", "value": 99}),
            ),
            (
                FaultAction::rename_key("page_info", "page_Info"),
                json!({"kind": "rename_key", "from": "page_info", "to": "page_Info"}),
            ),
            (
                FaultAction::respond(429, "").with_header("Retry-After", "1e20"),
                json!({"kind": "respond", "status": 429, "body": "", "retry_after": null, "headers": [["Retry-After", "1e20"]]}),
            ),
        ];
        for (action, wire) in cases {
            assert_eq!(serde_json::to_value(&action).unwrap(), wire);
            assert_eq!(serde_json::from_value::<FaultAction>(wire).unwrap(), action);
        }
        // Existing callers' bodies still read: no headers, and `apply_then_respond` without them.
        let old: FaultAction = serde_json::from_value(json!({"kind": "respond", "status": 503, "body": ""})).unwrap();
        assert_eq!(old, FaultAction::respond(503, ""));
        let bare: FaultAction =
            serde_json::from_value(json!({"kind": "apply_then_respond", "status": 500, "body": "{}"})).unwrap();
        assert_eq!(bare, FaultAction::apply_then_respond(500, "{}"));
    }

    /// A sandbox and the path of its first center's packages list.
    async fn packages() -> (Sandbox, String) {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let path = format!("/v1/centers/{}/packages", sandbox.center_ids()[0]);
        (sandbox, path)
    }

    async fn get_json(sandbox: &Sandbox, path_and_query: &str) -> (u16, Value) {
        let response = reqwest::Client::new()
            .get(format!("{}{path_and_query}", sandbox.base_url()))
            .header("authorization", AUTH)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    #[tokio::test]
    async fn set_value_replaces_a_nested_value_and_adds_a_missing_key() {
        let (sandbox, path) = packages().await;
        let page = format!("{path}?page=1&size=10");
        let (_, plain) = get_json(&sandbox, &page).await;
        assert!(plain["packages"][0].get("type").is_some(), "{plain}");
        assert_ne!(plain["packages"][0]["type"], 99);

        sandbox.inject(Fault::new("GET", &path, 1, FaultAction::set_value("/packages/0/type", 99)));
        let (status, answer) = get_json(&sandbox, &page).await;
        assert_eq!(status, 200);
        assert_eq!(answer["packages"][0]["type"], 99);
        let mut expected = plain.clone();
        expected["packages"][0]["type"] = json!(99);
        assert_eq!(answer, expected, "only that value changed");

        sandbox.inject(Fault::new("GET", &path, 1, FaultAction::set_value("/page_info/cursor", "abc")));
        let (_, answer) = get_json(&sandbox, &page).await;
        assert_eq!(answer["page_info"]["cursor"], "abc");
        assert_eq!(answer["page_info"]["total"], plain["page_info"]["total"]);

        // A string where the client expects an object, at an invoice's payment.
        let id = sandbox.with_books(|b| b.invoices.iter().find(|i| !i.payments.is_empty()).unwrap().id.clone());
        let invoice = format!("/v1/invoices/{id}");
        let pointer = "/invoice/transactions/0/payment_option";
        let (_, plain_invoice) = get_json(&sandbox, &invoice).await;
        assert!(plain_invoice.pointer(pointer).is_some_and(Value::is_object), "{plain_invoice}");
        sandbox.inject(Fault::new("GET", &invoice, 1, FaultAction::set_value(pointer, "CASH")));
        let (_, answer) = get_json(&sandbox, &invoice).await;
        assert_eq!(answer.pointer(pointer), Some(&json!("CASH")));
    }

    #[tokio::test]
    async fn set_value_changes_nothing_without_the_parent() {
        let (sandbox, path) = packages().await;
        let page = format!("{path}?page=1&size=10");
        let (_, plain) = get_json(&sandbox, &page).await;
        for pointer in ["/no_such/key", "/packages/999/type", "/packages/0/type/deeper", "no_slash"] {
            sandbox.inject(Fault::new("GET", &path, 1, FaultAction::set_value(pointer, 99)));
            let (status, answer) = get_json(&sandbox, &page).await;
            assert_eq!(status, 200);
            assert_eq!(answer, plain, "{pointer}");
        }
        assert!(sandbox.state.faults.lock().unwrap().iter().all(|f| f.times == 0), "each fault was used");
    }

    #[test]
    fn set_value_and_rename_key_follow_json_pointers_and_reach_every_depth() {
        let mut doc = json!({"a/b": {"m~n": 1}, "list": [{"k": 1}, {"k": 2}]});
        super::set_value(&mut doc, "/a~1b/m~0n", json!(2));
        super::set_value(&mut doc, "/a~1b/new~1key", json!(3));
        super::set_value(&mut doc, "/list/1/k", json!("two"));
        super::set_value(&mut doc, "/list/2", json!("out of range"));
        assert_eq!(doc, json!({"a/b": {"m~n": 2, "new/key": 3}, "list": [{"k": 1}, {"k": "two"}]}));
        super::set_value(&mut doc, "", json!([]));
        assert_eq!(doc, json!([]), "the empty pointer is the whole answer");

        let mut doc = json!({"k": {"k": [{"k": 1, "x": {"k": null}}]}, "other": "k"});
        super::rename_key(&mut doc, "k", "K");
        assert_eq!(doc, json!({"K": {"K": [{"K": 1, "x": {"K": null}}]}, "other": "k"}));
        // A key already named `to` gives way to the renamed one.
        let mut doc = json!({"from": 1, "to": 2});
        super::rename_key(&mut doc, "from", "to");
        assert_eq!(doc, json!({"to": 1}));
    }

    #[tokio::test]
    async fn rename_key_renames_at_any_depth_and_keeps_the_value() {
        let (sandbox, path) = packages().await;
        let page = format!("{path}?page=1&size=10");
        let (_, plain) = get_json(&sandbox, &page).await;
        sandbox.inject(Fault::new("GET", &path, 1, FaultAction::rename_key("page_info", "page_Info")));
        let (status, answer) = get_json(&sandbox, &page).await;
        assert_eq!(status, 200);
        assert!(answer.get("page_info").is_none(), "{answer}");
        assert_eq!(answer["page_Info"], plain["page_info"]);
        assert_eq!(answer["packages"], plain["packages"]);

        // Inside every element of the list.
        sandbox.inject(Fault::new("GET", &path, 1, FaultAction::rename_key("type", "package_type")));
        let (_, answer) = get_json(&sandbox, &page).await;
        let listed = answer["packages"].as_array().unwrap();
        assert_eq!(listed.len(), 10);
        for (renamed, original) in listed.iter().zip(plain["packages"].as_array().unwrap()) {
            assert!(renamed.get("type").is_none());
            assert_eq!(renamed["package_type"], original["type"]);
        }
    }

    #[tokio::test]
    async fn redeemable_points_are_served_under_invoices_too() {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let inv = sandbox.add_open_invoice(1, &[0, 1]);
        let documented = format!("/v1/guests/{}/payments/loyalty_points/redeemable", inv.id);
        let elsewhere = format!("/v1/invoices/{}/payments/loyalty_points/redeemable", inv.id);
        for query in ["", "?redeem_across_programs=1"] {
            let (status, by_guests) = get_json(&sandbox, &format!("{documented}{query}")).await;
            assert_eq!(status, 200, "{by_guests}");
            let (status, by_invoices) = get_json(&sandbox, &format!("{elsewhere}{query}")).await;
            assert_eq!(status, 200, "{by_invoices}");
            assert_eq!(by_invoices, by_guests);
        }
        let (status, unknown) =
            get_json(&sandbox, "/v1/invoices/00000000-0000-0000-0000-000000000000/payments/loyalty_points/redeemable")
                .await;
        assert_eq!(status, 502, "{unknown}");
    }

    #[tokio::test]
    async fn not_found_answers_as_zenoti_does_for_a_route_it_lacks() {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let inv = sandbox.add_open_invoice(1, &[0]);
        let elsewhere = format!("/v1/invoices/{}/payments/loyalty_points/redeemable", inv.id);
        let documented = format!("/v1/guests/{}/payments/loyalty_points/redeemable", inv.id);
        sandbox.inject(Fault::new("GET", &elsewhere, 1, FaultAction::not_found(&elsewhere)));
        let (status, answer) = get_json(&sandbox, &elsewhere).await;
        assert_eq!(status, 404);
        let message = format!("No HTTP resource was found that matches the request URI '{elsewhere}'.");
        assert_eq!(answer, json!({"Message": message}));
        let (status, _) = get_json(&sandbox, &documented).await;
        assert_eq!(status, 200, "the other route still answers");
        let (status, _) = get_json(&sandbox, &elsewhere).await;
        assert_eq!(status, 200, "once only");
    }

    #[tokio::test]
    async fn reshaping_faults_can_be_added_over_http() {
        let (sandbox, path) = packages().await;
        let page = format!("{path}?page=1&size=10");
        let client = reqwest::Client::new();
        let faults = format!("{}/_sandbox/faults", sandbox.base_url());
        let set = json!({"path_prefix": path,
            "action": {"kind": "set_value", "pointer": "/packages/0/type", "value": "99"}});
        let rename =
            json!({"path_prefix": path, "action": {"kind": "rename_key", "from": "packages", "to": "package_list"}});
        for fault in [&set, &rename] {
            assert_eq!(client.post(&faults).json(fault).send().await.unwrap().status(), 204, "{fault}");
        }
        let (_, answer) = get_json(&sandbox, &page).await;
        assert_eq!(answer["packages"][0]["type"], "99");
        let (_, answer) = get_json(&sandbox, &page).await;
        assert!(answer.get("packages").is_none());
        assert_eq!(answer["package_list"].as_array().unwrap().len(), 10);
        let (_, answer) = get_json(&sandbox, &page).await;
        assert_eq!(answer["packages"].as_array().unwrap().len(), 10, "each fault applied once");
        // A malformed action is refused.
        let bad = json!({"path_prefix": path, "action": {"kind": "set_value", "value": 1}});
        assert_eq!(client.post(&faults).json(&bad).send().await.unwrap().status(), 422);
    }

    #[tokio::test]
    async fn faults_can_be_added_over_http() {
        let (sandbox, url, body) = redemption().await;
        let fault = json!({"method": "POST", "path_prefix": path_of(&url),
            "action": {"kind": "apply_then_respond", "status": 502, "body": "", "headers": [["x-served-by", "gateway"]]}});
        let client = reqwest::Client::new();
        let added = client.post(format!("{}/_sandbox/faults", sandbox.base_url())).json(&fault).send().await.unwrap();
        assert_eq!(added.status(), 204);
        let response = client.post(&url).header("authorization", AUTH).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 502);
        assert_eq!(response.headers()["x-served-by"], "gateway");
        assert_eq!(sandbox.ledger().len(), 1);
    }
}
