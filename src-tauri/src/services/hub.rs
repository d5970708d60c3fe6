//! The workstation's hub (optional): joining with the enrollment code IT gave (the desk token goes
//! to the keychain, never to settings or logs), leaving, the hub's event stream (live updates,
//! and whether the hub is reachable), and the cross-desk lease a redemption takes first.
//!
//! The Zenoti client follows the same [`HubLink`]: through the hub while its stream is open,
//! straight to Zenoti (within a fair share) while it is not.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::{json, Value};
use tokio::sync::broadcast;
use ts_rs::TS;
use zenoti::{HubLink, HubState};

use crate::error::{CommandResult, ErrorCode, IpcError};
use crate::secrets::SecretStore;
use crate::services::connection::Unlocked;
use crate::settings::{HubSettings, SettingsStore};

/// How long the stream may be silent (keep-alives come every 15 s) before it counts as lost.
const SILENT_FOR: Duration = Duration::from_secs(25);
/// A stream that stays up this long starts the reconnection pause from 1 s again.
const STEADY_FOR: Duration = Duration::from_secs(30);

/// The hub as the top bar and Settings show it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct HubStatus {
    /// `none` (no hub joined), `connected`, or `offline` (working directly with Zenoti).
    pub state: HubConnection,
    pub url: Option<String>,
    pub desk_name: Option<String>,
    pub center_id: Option<String>,
    /// Why the hub cannot be used until someone acts (`None` while it can, or it is only out
    /// of reach and Front Desk reconnects by itself).
    pub trouble: Option<HubTrouble>,
}

/// What keeps this desk off its hub until someone acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum HubTrouble {
    /// The hub no longer knows this desk (revoked, or the hub's database was replaced).
    Revoked,
    /// The desk token is not in this computer's keychain.
    TokenMissing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum HubConnection {
    None,
    Connected,
    Offline,
}

/// Something that happened in Zenoti, from the hub's event stream: a hint to re-read, never
/// money to show.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct HubUpdate {
    pub seq: i64,
    /// `invoice_closed`, `points_redeemed` (through the hub, at a desk), `package_redeemed`,
    /// `package_redemption_reversed`, `package_created`, `package_status_updated`,
    /// `package_validity_updated`, `package_other`.
    pub kind: String,
    pub center_id: Option<String>,
    pub invoice_id: Option<String>,
    pub user_package_id: Option<String>,
    pub guest_id: Option<String>,
    /// The desk that redeemed on the invoice through the hub; `None`: elsewhere (Zenoti's POS).
    pub desk: Option<String>,
    pub package_name: Option<String>,
    /// Sessions (services and products) the event redeemed or reversed.
    pub sessions: u32,
}

/// What the window hears from the hub.
#[derive(Debug, Clone)]
pub enum HubNotice {
    Status(HubStatus),
    Update(HubUpdate),
    /// Back after being offline: what is on screen may have changed meanwhile; re-read it.
    Resync(HubStatus),
}

pub struct HubDesk {
    link: Arc<HubLink>,
    secrets: Arc<SecretStore>,
    settings: Arc<SettingsStore>,
    http: reqwest::Client,
    notices: broadcast::Sender<HubNotice>,
    listener: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Tells the window every change of the link's state, whoever changed it (the stream, or
    /// the Zenoti client finding the hub unreachable).
    watcher: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// The last event seen (-1: none), for `Last-Event-ID`.
    last_event: Arc<AtomicI64>,
    trouble: Mutex<Option<HubTrouble>>,
}

fn unreachable_hub(url: &str, err: &reqwest::Error) -> IpcError {
    IpcError::new(
        ErrorCode::HubUnavailable,
        format!("Front Desk could not reach the hub at {url}. Check the address and that this computer can reach it, then try again."),
    )
    .with_detail(err.to_string())
}

impl HubDesk {
    pub fn new(secrets: Arc<SecretStore>, settings: Arc<SettingsStore>) -> HubDesk {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        HubDesk {
            link: HubLink::new(),
            secrets,
            settings,
            http,
            notices: broadcast::channel(256).0,
            listener: Mutex::new(None),
            watcher: Mutex::new(None),
            last_event: Arc::new(AtomicI64::new(-1)),
            trouble: Mutex::new(None),
        }
    }

    /// The link the Zenoti client follows.
    pub fn link(&self) -> Arc<HubLink> {
        self.link.clone()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<HubNotice> {
        self.notices.subscribe()
    }

    pub fn status(&self) -> HubStatus {
        let hub = self.settings.get().hub;
        HubStatus {
            state: match self.link.state() {
                // Joined in the settings, but without its token: working directly.
                HubState::None if hub.is_some() => HubConnection::Offline,
                HubState::None => HubConnection::None,
                HubState::Connected => HubConnection::Connected,
                HubState::Offline => HubConnection::Offline,
            },
            url: hub.as_ref().map(|h| h.url.clone()),
            desk_name: hub.as_ref().map(|h| h.desk_name.clone()),
            center_id: hub.and_then(|h| h.center_id),
            trouble: *self.trouble.lock().unwrap(),
        }
    }

    fn set_trouble(&self, trouble: Option<HubTrouble>) {
        let changed = std::mem::replace(&mut *self.trouble.lock().unwrap(), trouble) != trouble;
        if changed {
            let _ = self.notices.send(HubNotice::Status(self.status()));
        }
    }

    /// At start-up: the hub joined earlier, with its token from the keychain.
    pub async fn restore(self: &Arc<Self>) {
        let Some(hub) = self.settings.get().hub else { return };
        let secrets = self.secrets.clone();
        match tokio::task::spawn_blocking(move || secrets.load_hub_token()).await {
            Ok(Ok(Some(token))) => self.connect(&hub, token),
            Ok(Ok(None)) => {
                tracing::warn!("a hub is set but its desk token is not in the keychain: join it again");
                self.set_trouble(Some(HubTrouble::TokenMissing));
            }
            Ok(Err(err)) => tracing::warn!(error = %err, "the hub's desk token could not be read from the keychain"),
            Err(err) => tracing::warn!(error = %err, "the keychain call stopped"),
        }
    }

    /// Joins the hub at `url` with the enrollment code IT gave.
    pub async fn join(self: &Arc<Self>, _: &Unlocked, url: &str, code: &str) -> CommandResult<HubStatus> {
        let base =
            zenoti::parse_base_url(url).map_err(|err| IpcError::new(ErrorCode::InvalidInput, err.to_string()))?;
        let shown = base.as_str().trim_end_matches('/').to_owned();
        let code = code.trim();
        if code.is_empty() {
            return Err(IpcError::new(ErrorCode::InvalidInput, "Enter the enrollment code IT gave you."));
        }
        let answer = self
            .http
            .post(base.join("hub/v1/enroll").expect("a path"))
            .timeout(Duration::from_secs(10))
            .json(&json!({"code": code}))
            .send()
            .await
            .map_err(|err| unreachable_hub(&shown, &err))?;
        let status = answer.status();
        let body: Value = answer.json().await.unwrap_or(Value::Null);
        if status == reqwest::StatusCode::UNAUTHORIZED {
            return Err(IpcError::new(
                ErrorCode::EnrollmentRefused,
                "The hub did not accept this enrollment code: it may be mistyped, already used, or more than a day old. Check it, or ask IT for a new one.",
            )
            .with_detail(format!("HTTP {status} from {shown}")));
        }
        if status != reqwest::StatusCode::CREATED {
            let message = body["error"]["message"].as_str().unwrap_or("The hub refused to enroll this desk.");
            return Err(IpcError::new(
                ErrorCode::HubUnavailable,
                format!(
                    "The hub at {shown} could not enroll this desk: {message} Try again, or ask IT to check the hub."
                ),
            )
            .with_detail(format!("HTTP {status} from {shown}")));
        }
        let (Some(token), Some(name)) = (body["token"].as_str(), body["desk"]["name"].as_str()) else {
            return Err(IpcError::new(
                ErrorCode::HubUnavailable,
                "The hub's answer was not what Front Desk expects. Ask IT to check the hub's version.",
            ));
        };
        let token = SecretString::from(token.to_owned());
        let secrets = self.secrets.clone();
        let saved = token.clone();
        tokio::task::spawn_blocking(move || secrets.save_hub_token(&saved)).await.map_err(|e| {
            IpcError::new(ErrorCode::Internal, "The keychain call stopped unexpectedly. Try again.")
                .with_detail(e.to_string())
        })??;
        let hub = HubSettings {
            url: shown,
            desk_name: name.to_owned(),
            center_id: body["desk"]["center_id"].as_str().map(str::to_owned),
            desks: body["desks"].as_u64().unwrap_or(1).clamp(1, 10_000) as u32,
        };
        self.settings.update(|s| s.hub = Some(hub.clone()))?;
        self.set_trouble(None);
        tracing::info!(hub = %hub.url, desk = %hub.desk_name, desks = hub.desks, "joined the hub");
        self.connect(&hub, token);
        // Answer with the state the stream reaches (connected, usually within milliseconds),
        // not the moment before it.
        let mut state = self.link.watch();
        let _ = tokio::time::timeout(Duration::from_secs(5), state.wait_for(|s| *s == HubState::Connected)).await;
        Ok(self.status())
    }

    /// Leaves the hub: the token leaves the keychain first; calls go straight to Zenoti.
    pub async fn leave(&self, _: &Unlocked) -> CommandResult<HubStatus> {
        let secrets = self.secrets.clone();
        tokio::task::spawn_blocking(move || secrets.delete_hub_token()).await.map_err(|e| {
            IpcError::new(ErrorCode::Internal, "The keychain call stopped unexpectedly. Try again.")
                .with_detail(e.to_string())
        })??;
        if let Some(task) = self.listener.lock().unwrap().take() {
            task.abort();
        }
        self.link.set_target(None);
        self.settings.update(|s| s.hub = None)?;
        self.last_event.store(-1, Ordering::SeqCst);
        *self.trouble.lock().unwrap() = None;
        tracing::info!("left the hub");
        let status = self.status();
        let _ = self.notices.send(HubNotice::Status(status.clone()));
        Ok(status)
    }

    fn connect(self: &Arc<Self>, hub: &HubSettings, token: SecretString) {
        let Ok(base) = hub.url.parse::<url::Url>() else { return };
        self.link.set_target(Some((base.clone(), token.clone(), hub.desks)));
        let _ = self.notices.send(HubNotice::Status(self.status()));
        let mut watcher = self.watcher.lock().unwrap();
        if watcher.is_none() {
            let this = Arc::downgrade(self);
            let mut changes = self.link.watch();
            *watcher = Some(tokio::spawn(async move {
                while changes.changed().await.is_ok() {
                    let Some(hub) = this.upgrade() else { return };
                    let status = hub.status();
                    tracing::info!(state = ?status.state, "hub state");
                    let _ = hub.notices.send(HubNotice::Status(status));
                }
            }));
        }
        drop(watcher);
        let this = Arc::downgrade(self);
        let task = tokio::spawn(async move { listen(this, base, token).await });
        if let Some(old) = self.listener.lock().unwrap().replace(task) {
            old.abort();
        }
    }

    /// The window hears of the change from the watcher.
    fn set_up(&self, up: bool) {
        self.link.set_up(up);
    }

    /// Takes the hub's lease on the invoice before a redemption. `None` without a hub or while
    /// it is offline (the window warned before confirming); another desk's lease is a refusal
    /// that says who holds it, and nothing is sent.
    pub async fn take_lease(&self, invoice_id: &str, employee: &str) -> CommandResult<Option<HeldLease>> {
        let (Some(base), Some(token)) = (self.link.base(), self.link.token()) else { return Ok(None) };
        if self.link.state() != HubState::Connected {
            tracing::warn!(invoice = invoice_id, "the hub is offline: redeeming without the cross-desk lease");
            return Ok(None);
        }
        let desk = format!("Desk {}", token.expose_secret());
        let answer = self
            .http
            .post(base.join("hub/v1/leases").expect("a path"))
            .timeout(Duration::from_secs(5))
            .header("authorization", &desk)
            .json(&json!({"invoice_id": invoice_id, "employee": employee}))
            .send()
            .await;
        let answer = match answer {
            Ok(answer) => answer,
            Err(err) => {
                tracing::warn!(error = %err, "the hub did not answer the lease: nothing sent");
                self.set_up(false);
                return Err(lease_unavailable(err.to_string()));
            }
        };
        let status = answer.status();
        let body: Value = answer.json().await.unwrap_or(Value::Null);
        match status.as_u16() {
            201 => match body["lease"].as_str().filter(|l| !l.is_empty()) {
                Some(lease) => Ok(Some(HeldLease::start(self.http.clone(), base, desk, lease.to_owned()))),
                None => {
                    self.set_up(false);
                    Err(lease_unavailable(format!("HTTP {status} without a lease")))
                }
            },
            409 => Err(leased(&body)),
            status => {
                // The hub cannot hold the invoice for this desk now (its database is away, a
                // proxy failed, or it no longer knows this desk): working directly, after the
                // receptionist has seen the warning.
                tracing::warn!(%status, "the hub refused the lease: nothing sent");
                if status == 401 {
                    self.set_trouble(Some(HubTrouble::Revoked));
                }
                self.set_up(false);
                Err(lease_unavailable(format!("HTTP {status}: {}", body["error"]["message"].as_str().unwrap_or(""))))
            }
        }
    }
}

/// The hub could not hold the invoice for this desk: nothing was sent; the confirmation shows
/// again, with the warning that no lease keeps other desks off the invoice.
fn lease_unavailable(detail: String) -> IpcError {
    IpcError::new(
        ErrorCode::HubLeaseUnavailable,
        "The hub did not answer, so nothing was sent and no other desk is kept off this invoice. Check with the other desks, then confirm again to redeem directly with Zenoti.",
    )
    .with_detail(detail)
}

/// "Maria at Downtown · desk 2 is redeeming on this invoice (since 10:02)".
fn leased(body: &Value) -> IpcError {
    let desk = body["desk"].as_str().unwrap_or("another desk");
    let employee = body["employee"].as_str().unwrap_or("");
    let since = body["since"]
        .as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&chrono::Local).format("%H:%M").to_string());
    let who = match employee {
        "" | "API key" | "Demo" => desk.to_owned(),
        name => format!("{name} at {desk}"),
    };
    let since = since.map(|s| format!(" (since {s})")).unwrap_or_default();
    IpcError::new(
        ErrorCode::InvoiceLeased,
        format!("{who} is redeeming on this invoice{since}. Nothing was sent. Wait until they finish, then try again."),
    )
    .with_detail(json!({"desk": desk, "employee": employee, "since": body["since"]}).to_string())
}

/// A lease held while a redemption is in flight: renewed on its own, released when dropped.
pub struct HeldLease {
    renew: tokio::task::JoinHandle<()>,
    release: Option<(reqwest::Client, url::Url, String)>,
}

impl HeldLease {
    fn start(http: reqwest::Client, base: url::Url, desk: String, lease: String) -> HeldLease {
        let url = base.join(&format!("hub/v1/leases/{lease}")).expect("a path");
        let (client, renew_url, auth) = (http.clone(), url.clone(), desk.clone());
        let renew = tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(20)).await;
                if let Err(err) = client
                    .put(renew_url.clone())
                    .timeout(Duration::from_secs(5))
                    .header("authorization", &auth)
                    .send()
                    .await
                {
                    tracing::warn!(error = %err, "the lease could not be renewed");
                }
            }
        });
        HeldLease { renew, release: Some((http, url, desk)) }
    }
}

impl Drop for HeldLease {
    fn drop(&mut self) {
        self.renew.abort();
        if let Some((http, url, desk)) = self.release.take() {
            tokio::spawn(async move {
                let _ = http.delete(url).timeout(Duration::from_secs(5)).header("authorization", desk).send().await;
            });
        }
    }
}

/// The hub's event stream, reopened (with `Last-Event-ID`) whenever it ends, or when a Zenoti
/// call found the hub failing while the stream still looked open. After a spell in which the
/// hub could not be reached, the window re-reads what is on screen (`Resync`).
async fn listen(this: std::sync::Weak<HubDesk>, base: url::Url, token: SecretString) {
    let url = base.join("hub/v1/events").expect("a path");
    // The stream ended or an attempt failed since it was last open: the screen may be behind.
    let mut missed = false;
    let mut pause = Duration::from_secs(1);
    loop {
        let Some(hub) = this.upgrade() else { return };
        let mut request = hub.http.get(url.clone()).header("authorization", format!("Desk {}", token.expose_secret()));
        let last = hub.last_event.load(Ordering::SeqCst);
        if last >= 0 {
            request = request.header("last-event-id", last.to_string());
        }
        match request.send().await {
            Ok(response) if response.status() == reqwest::StatusCode::OK => {
                hub.set_up(true);
                hub.set_trouble(None);
                tokio::spawn(refresh_desk(this.clone(), base.clone(), token.clone()));
                if std::mem::take(&mut missed) {
                    let _ = hub.notices.send(HubNotice::Resync(hub.status()));
                }
                let mut state = hub.link.watch();
                drop(hub);
                let opened = tokio::time::Instant::now();
                let ended = read_stream(&this, response, &mut state).await;
                if opened.elapsed() >= STEADY_FOR {
                    pause = Duration::from_secs(1);
                }
                match ended {
                    // The hub (or the way to it) went away: Zenoti's deliveries to it may have
                    // failed meanwhile and come late, so the screen is read again once back.
                    StreamEnd::Closed => missed = true,
                    // The stream was fine while a call failed (the hub's database or its way to
                    // Zenoti): opened again to see. A failed attempt then says it was away.
                    StreamEnd::LinkDown => {
                        tracing::info!("a call found the hub failing: its event stream is opened again to see")
                    }
                }
            }
            Ok(response) if response.status() == reqwest::StatusCode::CONFLICT => {
                // The hub's events start over (its database was restored): start from now.
                hub.last_event.store(-1, Ordering::SeqCst);
                let _ = hub.notices.send(HubNotice::Resync(hub.status()));
                continue;
            }
            Ok(response) => {
                tracing::warn!(status = %response.status(), "the hub refused the event stream");
                missed = true;
                if response.status() == reqwest::StatusCode::UNAUTHORIZED {
                    hub.set_trouble(Some(HubTrouble::Revoked));
                    pause = Duration::from_secs(30);
                }
            }
            Err(err) => {
                tracing::debug!(error = %err, "the hub's event stream is not reachable");
                missed = true;
            }
        }
        let Some(hub) = this.upgrade() else { return };
        hub.set_up(false);
        drop(hub);
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(5)).max(pause);
    }
}

/// Asks the hub who this desk is and how many desks share the organization's limit (the share
/// kept while the hub is away follows); a desk the hub no longer knows is told to join again.
async fn refresh_desk(this: std::sync::Weak<HubDesk>, base: url::Url, token: SecretString) {
    let Some(hub) = this.upgrade() else { return };
    let answer = hub
        .http
        .get(base.join("hub/v1/desk").expect("a path"))
        .timeout(Duration::from_secs(10))
        .header("authorization", format!("Desk {}", token.expose_secret()))
        .send()
        .await;
    let answer = match answer {
        Ok(answer) => answer,
        Err(err) => return tracing::debug!(error = %err, "the hub did not say how many desks share the limit"),
    };
    if answer.status() == reqwest::StatusCode::UNAUTHORIZED {
        return hub.set_trouble(Some(HubTrouble::Revoked));
    }
    let Ok(body) = answer.json::<Value>().await else { return };
    let Some(desks) = body["desks"].as_u64().map(|n| n.clamp(1, 10_000) as u32) else { return };
    hub.link.set_desks(desks);
    if hub.settings.get().hub.is_some_and(|h| h.desks != desks) {
        if let Err(err) = hub.settings.update(|s| {
            if let Some(h) = s.hub.as_mut() {
                h.desks = desks;
            }
        }) {
            tracing::warn!(error = %err.message, "the number of desks could not be saved");
        }
    }
}

#[derive(Debug, PartialEq)]
enum StreamEnd {
    /// The hub ended it, or it went silent.
    Closed,
    /// A Zenoti call found the hub failing while the stream was open.
    LinkDown,
}

async fn read_stream(
    this: &std::sync::Weak<HubDesk>,
    mut response: reqwest::Response,
    state: &mut tokio::sync::watch::Receiver<HubState>,
) -> StreamEnd {
    // Bytes until a whole event is in: a character may be split between two chunks.
    let mut buffer: Vec<u8> = Vec::new();
    loop {
        let chunk = tokio::select! {
            chunk = tokio::time::timeout(SILENT_FOR, response.chunk()) => match chunk {
                Ok(Ok(Some(chunk))) => chunk,
                _ => return StreamEnd::Closed,
            },
            _ = state.wait_for(|s| *s != HubState::Connected) => return StreamEnd::LinkDown,
        };
        buffer.extend_from_slice(&chunk);
        while let Some(end) = buffer.windows(2).position(|w| w == b"\n\n") {
            let block: Vec<u8> = buffer.drain(..end + 2).collect();
            let Some(hub) = this.upgrade() else { return StreamEnd::Closed };
            if let Some((seq, update)) = parse_event(&String::from_utf8_lossy(&block)) {
                hub.last_event.store(seq, Ordering::SeqCst);
                if let Some(update) = update {
                    let _ = hub.notices.send(HubNotice::Update(update));
                }
            }
        }
    }
}

/// One SSE block: its id and, when its data reads, the update. Comments give `None`.
fn parse_event(block: &str) -> Option<(i64, Option<HubUpdate>)> {
    let mut id = None;
    let mut data = String::new();
    for line in block.lines() {
        if let Some(v) = line.strip_prefix("id:") {
            id = v.trim().parse::<i64>().ok();
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.trim_start());
        }
    }
    let seq = id?;
    let Ok(value) = serde_json::from_str::<Value>(&data) else {
        tracing::warn!(seq, "an event from the hub could not be read");
        return Some((seq, None));
    };
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let event = &value["event"]["data"];
    let sessions =
        ["service_redemptions", "product_redemptions", "service_redemptions_reversal", "product_redemptions_reversal"]
            .iter()
            .filter_map(|k| event[*k].as_array())
            .map(|a| a.len() as u32)
            .sum();
    Some((
        seq,
        Some(HubUpdate {
            seq,
            kind: text(&value["kind"]).unwrap_or_default(),
            center_id: text(&value["center_id"]),
            invoice_id: text(&value["invoice_id"]),
            user_package_id: text(&value["user_package_id"]),
            guest_id: text(&value["guest_id"]),
            desk: text(&value["desk"]),
            package_name: text(&event["package"]["name"]).or_else(|| text(&event["name"])),
            sessions,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_block_reads_into_an_update() {
        let block = "id: 7\nevent: zenoti\ndata: {\"seq\":7,\"kind\":\"package_redeemed\",\"invoice_id\":\"I\",\"user_package_id\":\"U\",\"desk\":\"desk 2\",\"event\":{\"data\":{\"package\":{\"name\":\"Massage Series 10\"},\"service_redemptions\":[{}]}}}\n\n";
        let (seq, update) = parse_event(block).unwrap();
        let update = update.unwrap();
        assert_eq!((seq, update.kind.as_str(), update.sessions), (7, "package_redeemed", 1));
        assert_eq!(
            (update.desk.as_deref(), update.package_name.as_deref()),
            (Some("desk 2"), Some("Massage Series 10"))
        );
        assert_eq!(parse_event(": keep-alive\n\n"), None);
        assert_eq!(parse_event("id: 8\ndata: not json\n\n"), Some((8, None)));
    }

    #[test]
    fn another_desks_lease_says_who_and_since_when() {
        let err = leased(&json!({"desk": "Downtown · desk 2", "employee": "Maria", "since": "2026-12-02T10:02:00Z"}));
        assert_eq!(err.code, ErrorCode::InvoiceLeased);
        assert!(
            err.message.starts_with("Maria at Downtown · desk 2 is redeeming on this invoice (since "),
            "{}",
            err.message
        );
        assert!(err.message.contains("Nothing was sent"));
        let err = leased(&json!({"desk": "Downtown · desk 2", "employee": "API key"}));
        assert!(err.message.starts_with("Downtown · desk 2 is redeeming on this invoice."), "{}", err.message);
    }
}
