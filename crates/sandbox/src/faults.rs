//! Fault injection and request recording, for tests and for trying the app's error paths.

use std::sync::Arc;

use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::{RecordedRequest, State};

/// Makes the next `times` requests that match `method` and `path_prefix` misbehave.
#[derive(Debug, Clone, Deserialize, Serialize)]
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

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultAction {
    /// Answer with this status and body instead of the real response.
    Respond {
        status: u16,
        body: String,
        #[serde(default)]
        retry_after: Option<String>,
    },
    /// Wait this long, then answer normally.
    Delay { ms: u64 },
    /// Let the request do its work, then lose the answer: the connection breaks mid-response.
    ApplyThenDrop,
    /// Lose the request before it does anything: the connection breaks.
    DropBeforeApply,
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
        Some(FaultAction::Respond { status, body, retry_after }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = (status, [("content-type", "application/json")], body).into_response();
            if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                response.headers_mut().insert("retry-after", value);
            }
            response
        }
        Some(FaultAction::ApplyThenDrop) => {
            drop(next.run(request).await);
            broken_response()
        }
        Some(FaultAction::DropBeforeApply) => broken_response(),
        Some(FaultAction::Delay { ms }) => {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            next.run(request).await
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
