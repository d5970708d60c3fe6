//! The one HTTP client: base URL, authentication, the retry policy and error mapping.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, RETRY_AFTER};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::Mutex;
use url::Url;

use crate::auth::{Credentials, EmployeeLogin, Token, TokenRequest, TokenResponse};
#[cfg(test)]
use crate::de::decode;
use crate::error::{find_api_error, Error, Result};
use crate::hub::{hub_url, HubLink, Priority};
use crate::ratelimit::{seconds, RateLimit, RateLimiter, DAY};
use crate::readings::Readings;
use crate::unexpected::{decode_noting, Unexpected};

/// Zenoti's US data center, the default.
pub const DEFAULT_BASE_URL: &str = "https://api.zenoti.com";

/// When GETs are sent again. Writes are never sent again.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited out: the caller gets `RateLimited`.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: Url,
    pub credentials: Credentials,
    pub connect_timeout: Duration,
    /// The whole request, from sending to the last byte of the response.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// The organization's budget of calls; every call of this client sent straight to Zenoti
    /// goes through it.
    pub rate_limit: RateLimit,
    /// The desk's hub, when it has joined one: calls go through it while it is reachable.
    pub hub: Option<Arc<HubLink>>,
    /// How this organization answers where the docs leave two readings open (found by the
    /// connection check, `check.rs`).
    pub readings: Readings,
    /// Told of every answer that was not as expected (a decode failure, a field of another
    /// type, an unknown enum value).
    pub observer: Option<Arc<dyn Observer>>,
}

/// Hears of answers that were not as expected ([`Unexpected`]: paths and types, no values).
pub trait Observer: Send + Sync {
    fn unexpected(&self, found: &Unexpected);
}

impl std::fmt::Debug for dyn Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer")
    }
}

impl ClientConfig {
    pub fn new(base_url: Url, credentials: Credentials) -> Self {
        ClientConfig {
            base_url,
            credentials,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            rate_limit: RateLimit::default(),
            hub: None,
            readings: Readings::default(),
            observer: None,
        }
    }
}

/// Checks a data-center base URL typed by a person: https, or plain http to this machine only.
pub fn parse_base_url(text: &str) -> Result<Url> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::InvalidInput("Enter the data-center address, for example https://api.zenoti.com.".into()));
    }
    let url = Url::parse(text).map_err(|_| {
        Error::InvalidInput(format!(
            "\"{text}\" is not a web address. Enter it in full, for example https://api.zenoti.com."
        ))
    })?;
    let host = match url.host_str() {
        Some(h) if !h.is_empty() => h,
        _ => return Err(Error::InvalidInput("The data-center address has no host name.".into())),
    };
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(Error::InvalidInput("Enter only the data-center address, without ?, # or a user name.".into()));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(host) => Ok(url),
        "http" => Err(Error::InvalidInput(
            "Plain http is allowed only for this computer (localhost). Use an https:// address.".into(),
        )),
        other => Err(Error::InvalidInput(format!("\"{other}\" addresses are not supported. Use an https:// address."))),
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A client for one organization and one set of credentials. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// What the hub's budget is told about this handle's calls ([`Client::with_priority`]).
    priority: Priority,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    auth: Auth,
    retry: RetryPolicy,
    limiter: RateLimiter,
    hub: Option<Arc<HubLink>>,
    readings: std::sync::RwLock<Readings>,
    observer: Option<Arc<dyn Observer>>,
}

/// One answer as it came: status, headers, body.
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

enum Auth {
    ApiKey(SecretString),
    Employee { login: EmployeeLogin, token: Mutex<Option<Token>> },
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mode = match self.inner.auth {
            Auth::ApiKey(_) => "api key",
            Auth::Employee { .. } => "employee",
        };
        f.debug_struct("Client").field("base", &self.inner.base.as_str()).field("auth", &mode).finish()
    }
}

impl Client {
    /// Builds the client; checks the credentials' form but sends nothing.
    pub fn new(config: ClientConfig) -> Result<Client> {
        let auth = match config.credentials {
            Credentials::ApiKey(key) => {
                let trimmed = key.expose_secret().trim();
                if trimmed.is_empty() {
                    return Err(Error::InvalidInput("Enter the API key.".into()));
                }
                if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err(Error::InvalidInput(
                        "The API key has spaces or line breaks in it. Paste it again as one word.".into(),
                    ));
                }
                Auth::ApiKey(SecretString::from(trimmed.to_owned()))
            }
            Credentials::Employee(login) => {
                login.validate()?;
                Auth::Employee { login, token: Mutex::new(None) }
            }
        };
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .user_agent(concat!("FrontDesk/", env!("CARGO_PKG_VERSION")))
            // A redirect followed would turn a payment into a GET and its answer into a page
            // that shows nothing: every 3xx is handed back as it came.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Network(e.to_string()))?;
        let max_pause = config.retry.max_retry_after;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base: config.base_url,
                auth,
                retry: config.retry,
                // A `Retry-After` longer than the retry budget is not waited out by a GET, and
                // holds back no call (payments included) for longer than that either.
                limiter: RateLimiter::new(config.rate_limit, max_pause),
                hub: config.hub,
                readings: std::sync::RwLock::new(config.readings),
                observer: config.observer,
            }),
            priority: Priority::default(),
        })
    }

    /// The same client, its calls marked with this priority for the hub's budget.
    pub fn with_priority(&self, priority: Priority) -> Client {
        Client { inner: self.inner.clone(), priority }
    }

    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// How this client reads what the docs leave open.
    pub fn readings(&self) -> Readings {
        self.inner.readings.read().unwrap().clone()
    }

    /// Reads as the connection check found this organization answers, from the next call on.
    pub fn set_readings(&self, readings: Readings) {
        *self.inner.readings.write().unwrap() = readings;
    }

    /// Obtains a token now (employee login); a no-op for an API key.
    pub async fn sign_in(&self) -> Result<()> {
        self.authorization().await.map(|_| ())
    }

    /// Signs in with the employee's password now, whatever token is held (the connection check
    /// proves the password itself); the new token is kept. Nothing to do with an API key.
    pub(crate) async fn sign_in_afresh(&self) -> Result<()> {
        let Auth::Employee { login, token } = &self.inner.auth else { return Ok(()) };
        let mut current = token.lock().await;
        let fresh = self.request_token(&login.password_request()).await?;
        *current = Some(fresh);
        Ok(())
    }

    /// The URL of an API path given as segments, each escaped.
    pub(crate) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.base.clone();
        {
            let mut path = url.path_segments_mut().expect("base URL checked to be http(s)");
            path.pop_if_empty();
            path.extend(segments);
        }
        url
    }

    /// A GET, sent again on transient failures (connect, timeout, 5xx, 429) and once more after
    /// a re-authentication when a bearer token was refused.
    pub(crate) async fn get<T: DeserializeOwned>(&self, url: Url, query: &[(&str, String)]) -> Result<T> {
        let policy = &self.inner.retry;
        let mut attempt = 0;
        let mut reauthenticated = false;
        loop {
            let (authorization, generation) = self.authorization().await?;
            let result = self.call(reqwest::Method::GET, &url, query, None, authorization).await;
            match result {
                Err(Error::Unauthorized { .. }) if self.can_reauthenticate() && !reauthenticated => {
                    tracing::info!(path = url.path(), "token refused; signing in again");
                    self.invalidate(generation).await;
                    reauthenticated = true;
                }
                Err(err) if err.is_transient() && attempt < policy.max_retries => {
                    let wait = match &err {
                        Error::RateLimited { retry_after: Some(d) } if *d > policy.max_retry_after => return Err(err),
                        Error::RateLimited { retry_after: Some(d) } => *d,
                        _ => backoff(attempt, policy.base_delay, policy.max_delay),
                    };
                    tracing::warn!(path = url.path(), error = %err, ?wait, attempt, "GET failed; retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// A write: sent exactly once. A 401 leads to a new sign-in and `Error::Reauthenticated`, so
    /// the person decides whether to send it again.
    #[allow(dead_code)] // the payment endpoints use it
    pub(crate) async fn post<B: Serialize, T: DeserializeOwned>(&self, url: Url, body: &B) -> Result<T> {
        let (authorization, generation) = self.authorization().await?;
        let body = serde_json::to_value(body).map_err(|e| Error::InvalidInput(e.to_string()))?;
        match self.call(reqwest::Method::POST, &url, &[], Some(&body), authorization).await {
            Err(Error::Unauthorized { .. }) if self.can_reauthenticate() => {
                self.invalidate(generation).await;
                self.authorization().await?;
                Err(Error::Reauthenticated)
            }
            other => other,
        }
    }

    /// Sends one call once, and reads its answer (noting what was not as expected).
    async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        url: &Url,
        query: &[(&str, String)],
        body: Option<&Value>,
        authorization: HeaderValue,
    ) -> Result<T> {
        let answer = self.exchange(&method, url, query, body, authorization, None).await?;
        self.read_answer(&method, url, &answer)
    }

    /// An answer as a value or an error; what in it was not as expected goes to the observer.
    pub(crate) fn read_answer<T: DeserializeOwned>(
        &self,
        method: &reqwest::Method,
        url: &Url,
        answer: &Answer,
    ) -> Result<T> {
        self.read_answer_noted(method, url, answer).0
    }

    /// [`Client::read_answer`], and the surprises it told the observer of.
    pub(crate) fn read_answer_noted<T: DeserializeOwned>(
        &self,
        method: &reqwest::Method,
        url: &Url,
        answer: &Answer,
    ) -> (Result<T>, Vec<Unexpected>) {
        let (result, mut unexpected) = interpret_noting(answer.status, &answer.headers, &answer.body);
        let endpoint = crate::unexpected::endpoint(method.as_str(), url.path());
        for found in &mut unexpected {
            found.endpoint = endpoint.clone();
            self.tell_observer(found);
        }
        (result, unexpected)
    }

    pub(crate) fn tell_observer(&self, found: &Unexpected) {
        tracing::warn!(endpoint = %found.endpoint, path = %found.path, expected = %found.expected, found = %found.found, kind = ?found.kind, "an answer was not as expected");
        if let Some(observer) = &self.inner.observer {
            observer.unexpected(found);
        }
    }

    pub(crate) fn is_employee(&self) -> bool {
        matches!(self.inner.auth, Auth::Employee { .. })
    }

    /// Sends one call once: through the hub while it is reachable, else straight to Zenoti.
    /// `timeout`: the connection check's call, with its own timeout (and, through a hub,
    /// answered by Zenoti rather than the hub's cache).
    pub(crate) async fn exchange(
        &self,
        method: &reqwest::Method,
        url: &Url,
        query: &[(&str, String)],
        body: Option<&Value>,
        authorization: HeaderValue,
        timeout: Option<Duration>,
    ) -> Result<Answer> {
        let build = |target: Url| {
            let mut request = self.inner.http.request(method.clone(), target).query(query);
            if let Some(timeout) = timeout {
                request = request.timeout(timeout);
            }
            match body {
                Some(body) => request.json(body),
                None => request,
            }
        };
        let Some(link) = &self.inner.hub else {
            return self.send(build(url.clone()).header(AUTHORIZATION, authorization), &self.inner.limiter).await;
        };
        let Some(target) = link.target() else {
            return self.send(build(url.clone()).header(AUTHORIZATION, authorization), &self.inner.limiter).await;
        };
        if link.is_up() {
            let mut desk = HeaderValue::from_str(&format!("Desk {}", target.token.expose_secret()))
                .map_err(|_| Error::InvalidInput("The hub's desk token has characters that cannot be sent.".into()))?;
            desk.set_sensitive(true);
            let mut request = build(hub_url(&target.base, &self.inner.base, url))
                .header(AUTHORIZATION, desk)
                .header("x-zenoti-authorization", authorization.clone())
                .header("x-frontdesk-priority", self.priority.as_str());
            if timeout.is_some() {
                // The connection check's call: Zenoti's own answer, never the hub's cache.
                request = request.header("cache-control", "no-cache");
            }
            let read = method == reqwest::Method::GET;
            match request.send().await {
                // Nothing reached the hub: the call goes to Zenoti directly instead.
                Err(err) if err.is_connect() => {
                    tracing::warn!(error = %err, "the hub cannot be reached; working directly with Zenoti");
                    link.set_up(false);
                }
                // No answer in time: a read goes to Zenoti directly; a write may have been
                // forwarded, and its caller settles it by reading.
                Err(err) if read && err.is_timeout() => {
                    tracing::warn!("the hub did not answer a read in time; working directly with Zenoti");
                    link.set_up(false);
                }
                Err(err) => return Err(Error::from_reqwest(err)),
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let body = match response.bytes().await {
                        Ok(body) => body,
                        Err(err) if read => {
                            tracing::warn!(error = %err, "the hub's answer to a read broke off; working directly with Zenoti");
                            link.set_up(false);
                            return self
                                .send(build(url.clone()).header(AUTHORIZATION, authorization), &target.fair_share)
                                .await;
                        }
                        Err(err) => return Err(Error::from_reqwest(err)),
                    };
                    match hub_failure(status, &headers, &body) {
                        None => return Ok(Answer { status, headers, body }),
                        // The hub refused before forwarding: safe to send to Zenoti directly.
                        Some(HubFailure::NotForwarded) => {
                            tracing::warn!(%status, "the hub cannot work; working directly with Zenoti");
                            link.set_up(false);
                        }
                        // The hub itself failed after it may have forwarded (or could not reach
                        // Zenoti), or a proxy's 5xx: a read goes again directly, never a write.
                        Some(HubFailure::Unknown) => {
                            tracing::warn!(%status, "the hub failed; a read goes to Zenoti directly");
                            link.set_up(false);
                            if !read {
                                return Ok(Answer { status, headers, body });
                            }
                        }
                    }
                }
            }
        }
        self.send(build(url.clone()).header(AUTHORIZATION, authorization), &target.fair_share).await
    }

    /// Sends one request straight to Zenoti within a rate limit.
    async fn send(&self, request: reqwest::RequestBuilder, limiter: &RateLimiter) -> Result<Answer> {
        limiter.acquire().await;
        let response = request.send().await.map_err(Error::from_reqwest)?;
        let status = response.status();
        let headers = response.headers().clone();
        limiter.observe(&headers);
        if status == StatusCode::TOO_MANY_REQUESTS {
            limiter.pause(retry_after(&headers).unwrap_or(Duration::from_secs(1)));
        }
        let body = response.bytes().await.map_err(Error::from_reqwest)?;
        Ok(Answer { status, headers, body })
    }

    /// How long Zenoti asked this client to hold every call back, if it did (a 429's
    /// `Retry-After`, or a spent `RateLimit-Remaining`).
    pub(crate) fn held_back(&self) -> Option<Duration> {
        match self.inner.hub.as_ref().and_then(|link| link.target().map(|t| (link.is_up(), t))) {
            // The hub's budget decides, and says so in its answer.
            Some((true, _)) => None,
            Some((false, target)) => target.fair_share.paused_for(),
            None => self.inner.limiter.paused_for(),
        }
    }

    /// The Authorization header for a call (signing in first when a token is needed).
    pub(crate) async fn authorization_header(&self) -> Result<HeaderValue> {
        self.authorization().await.map(|(value, _)| value)
    }

    fn can_reauthenticate(&self) -> bool {
        matches!(self.inner.auth, Auth::Employee { .. })
    }

    /// The Authorization header, and the generation of the token in it (0 for an API key).
    async fn authorization(&self) -> Result<(HeaderValue, u64)> {
        let (login, token) = match &self.inner.auth {
            Auth::ApiKey(key) => return Ok((header_value("apikey", key)?, 0)),
            Auth::Employee { login, token } => (login, token),
        };
        let mut current = token.lock().await;
        let now = Utc::now();
        if let Some(t) = current.as_ref().filter(|t| !t.needs_refresh(now)) {
            return Ok((header_value("bearer", &t.access)?, t.generation));
        }
        let refresh_token = current.as_ref().and_then(|t| t.usable_refresh_token(now));
        let fresh = match refresh_token {
            Some(refresh) => match self.request_token(&login.refresh_request(refresh)).await {
                Ok(t) => t,
                Err(err) => {
                    tracing::warn!(error = %err, "token refresh failed; signing in with the password");
                    self.request_token(&login.password_request()).await?
                }
            },
            None => self.request_token(&login.password_request()).await?,
        };
        let value = header_value("bearer", &fresh.access)?;
        let generation = fresh.generation;
        *current = Some(fresh);
        Ok((value, generation))
    }

    async fn request_token(&self, body: &TokenRequest<'_>) -> Result<Token> {
        let request = self.inner.http.post(self.url(&["v1", "tokens"])).json(body);
        // Sign-in goes to Zenoti directly, hub or not (the hub forwards calls that carry one).
        let limiter = self.inner.hub.as_ref().and_then(|link| link.target()).map(|t| t.fair_share.clone());
        let limiter = limiter.as_deref().unwrap_or(&self.inner.limiter);
        let answer = self.send(request, limiter).await;
        let answer = answer.and_then(|a| interpret::<TokenResponse>(a.status, &a.headers, &a.body));
        let response: TokenResponse = answer.map_err(|err| match err {
            // The token endpoint answers a wrong login with an error envelope: to the caller
            // that is a refusal of the credentials.
            Error::Api { message, .. } => Error::Unauthorized { message },
            other => other,
        })?;
        Token::from_response(response.credentials)
    }

    /// Forgets the token a request was refused with, unless it was replaced meanwhile.
    async fn invalidate(&self, generation: u64) {
        if let Auth::Employee { token, .. } = &self.inner.auth {
            let mut current = token.lock().await;
            if current.as_ref().is_some_and(|t| t.generation == generation) {
                *current = None;
            }
        }
    }
}

enum HubFailure {
    /// The hub's own refusal before forwarding (its database is away, or it is misconfigured).
    NotForwarded,
    /// A 5xx that is not Zenoti's answer: the hub's own (it could not reach Zenoti) or a
    /// proxy's in front of it.
    Unknown,
}

/// Whether an answer through the hub is the hub failing rather than Zenoti answering. Every
/// answer the hub gives carries `X-FrontDesk-Hub` (Zenoti's own 502 business errors included);
/// a 5xx without it came from a proxy with no hub behind it. The hub's own answers carry an
/// `error.hub_code`: `database_unavailable` and `config` are refusals before forwarding,
/// `zenoti_unreachable` means the hub could not reach Zenoti (this desk may), and
/// `zenoti_no_answer` is Zenoti's slowness, not the hub's (sending again would double the wait).
fn hub_failure(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Option<HubFailure> {
    if !headers.contains_key("x-frontdesk-hub") {
        return status.is_server_error().then_some(HubFailure::Unknown);
    }
    let value: Option<Value> = serde_json::from_slice(body).ok();
    let code = value.as_ref().and_then(|v| v.pointer("/error/hub_code")).and_then(Value::as_str);
    match code {
        Some("database_unavailable" | "config") => Some(HubFailure::NotForwarded),
        Some("zenoti_unreachable") => Some(HubFailure::Unknown),
        _ => None,
    }
}

fn header_value(scheme: &str, secret: &SecretString) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("{scheme} {}", secret.expose_secret()))
        .map_err(|_| Error::InvalidInput("The credential has characters that cannot be sent.".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// Turns a response into a value or an error, reading error envelopes in any status.
pub(crate) fn interpret<T: DeserializeOwned>(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Result<T> {
    interpret_noting(status, headers, body).0
}

/// [`interpret`], and what in a successful answer was not as expected.
pub(crate) fn interpret_noting<T: DeserializeOwned>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> (Result<T>, Vec<Unexpected>) {
    if status == StatusCode::TOO_MANY_REQUESTS {
        return (Err(Error::RateLimited { retry_after: retry_after(headers) }), Vec::new());
    }
    let value: Option<Value> = serde_json::from_slice(body).ok();
    let api_error = value.as_ref().and_then(find_api_error);
    let refused = if status == StatusCode::UNAUTHORIZED {
        let message =
            api_error.map(|e| e.message).unwrap_or_else(|| "Authorization has been denied for this request.".into());
        Error::Unauthorized { message }
    } else if let Some(e) = api_error {
        Error::Api { status: status.as_u16(), code: e.code, message: e.message }
    } else if status.is_server_error() {
        Error::Server { status: status.as_u16() }
    } else if !status.is_success() {
        Error::Api {
            status: status.as_u16(),
            code: Some(status.as_u16().to_string()),
            message: status.canonical_reason().unwrap_or("request refused").to_owned(),
        }
    } else {
        return decode_noting(body);
    };
    (Err(refused), Vec::new())
}

/// `Retry-After` as seconds or as an HTTP date; absurd values (1e20, negative, NaN) never
/// panic: they read as "unknown" or are capped at a day, and callers cap them further.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<f64>() {
        return seconds(secs);
    }
    let date = chrono::DateTime::parse_from_rfc2822(text).ok()?;
    (date.with_timezone(&Utc) - Utc::now()).to_std().ok().map(|d| d.min(DAY)).or(Some(Duration::ZERO))
}

/// How long to wait before retrying a GET when the server does not say: exponential, capped,
/// with jitter so that concurrent callers spread out.
fn backoff(attempt: u32, base: Duration, cap: Duration) -> Duration {
    let capped = base.saturating_mul(1u32 << attempt.min(16)).min(cap);
    capped / 2 + capped.mul_f64(fastrand::f64() / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[test]
    fn base_url_rules() {
        assert!(parse_base_url("https://api.zenoti.com").is_ok());
        assert!(parse_base_url("  https://api.zenoti.eu/  ").is_ok());
        assert!(parse_base_url("http://127.0.0.1:8080").is_ok());
        assert!(parse_base_url("http://localhost:8080").is_ok());
        assert!(parse_base_url("http://[::1]:8080").is_ok());
        for bad in
            ["", "   ", "api.zenoti.com", "http://api.zenoti.com", "ftp://x.com", "https://x.com/?a=1", "not a url"]
        {
            assert!(matches!(parse_base_url(bad), Err(Error::InvalidInput(_))), "{bad:?} accepted");
        }
    }

    #[test]
    fn backoff_is_capped() {
        for attempt in 0..40 {
            assert!(backoff(attempt, Duration::from_millis(200), Duration::from_secs(2)) <= Duration::from_secs(2));
        }
    }

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
    }

    #[test]
    fn hostile_retry_after_values_never_panic() {
        let mut h = HeaderMap::new();
        for (text, expected) in [
            ("1e20", Some(DAY)),
            ("1e400", None),
            ("86400", Some(DAY)),
            ("-5", None),
            ("NaN", None),
            ("inf", None),
            ("Fri, 31 Dec 9999 23:59:59 GMT", Some(DAY)),
            ("soon", None),
        ] {
            h.insert(RETRY_AFTER, HeaderValue::from_static(text));
            assert_eq!(retry_after(&h), expected, "{text}");
        }
    }

    #[derive(Debug, Deserialize)]
    struct Outer {
        #[allow(dead_code)]
        items: Vec<Item>,
    }
    #[derive(Debug, Deserialize)]
    struct Item {
        #[allow(dead_code)]
        price: f64,
    }

    #[test]
    fn decode_errors_name_the_path() {
        let err = decode::<Outer>(br#"{"items":[{"price":1},{"price":"x"}]}"#).unwrap_err();
        match err {
            Error::Decode { path, .. } => assert_eq!(path, "items[1].price"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_in_http_200_is_an_error() {
        let err = interpret::<Outer>(
            StatusCode::OK,
            &HeaderMap::new(),
            br#"{"items":null,"error":{"code":502,"message":"invalid center_id."}}"#,
        )
        .unwrap_err();
        assert!(matches!(err, Error::Api { status: 200, code: Some(ref c), .. } if c == "502"), "{err:?}");
    }

    #[test]
    fn server_error_with_envelope_is_not_transient() {
        let err = interpret::<Outer>(
            StatusCode::BAD_GATEWAY,
            &HeaderMap::new(),
            br#"{"error":{"code":502,"message":"invalid center_id."}}"#,
        )
        .unwrap_err();
        assert!(!err.is_transient());
        let err =
            interpret::<Outer>(StatusCode::BAD_GATEWAY, &HeaderMap::new(), b"<html>bad gateway</html>").unwrap_err();
        assert!(err.is_transient());
    }
}
