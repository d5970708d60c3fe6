//! The connection to Zenoti: signing in and out, the demo, and the one guard every path to
//! Zenoti goes through ([`Connection::connected`]). Its idle lock is in `idle_lock.rs`.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;
use ts_rs::TS;
use zenoti::{Client, ClientConfig, Credentials, EmployeeLogin};
use zenoti_sandbox::Sandbox;

use crate::diagnostics::DiagnosticsLog;
use crate::error::{CommandResult, ErrorCode, IpcError};
use crate::secrets::{SavedCredentials, SecretStore};
use crate::services::idle_lock::Unlock;
use crate::settings::{CenterChoice, SettingsStore, SignInHint, SignInMethod};

/// The settings key of the demo connection's center choice.
const DEMO_CONNECTION: &str = "demo";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SessionMode {
    ApiKey,
    Employee,
    Demo,
}

/// The signed-in session as the UI sees it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SessionInfo {
    pub mode: SessionMode,
    pub base_url: String,
    pub user_name: Option<String>,
    /// The center chosen on this workstation for this connection, if any.
    pub center: Option<CenterChoice>,
    /// Locked after being idle.
    pub locked: bool,
    /// A password or PIN is known that unlocks the idle lock (without one, only signing out does).
    pub can_unlock: bool,
}

/// A sign-in form as sent by the UI. The secrets are wrapped as soon as they are decoded.
#[derive(Debug, Deserialize, TS)]
#[serde(tag = "method", rename_all = "snake_case")]
#[ts(export)]
pub enum SignInRequest {
    ApiKey {
        base_url: String,
        #[ts(type = "string")]
        api_key: SecretString,
    },
    Employee {
        base_url: String,
        account_name: String,
        user_name: String,
        #[ts(type = "string")]
        password: SecretString,
        app_id: String,
        #[ts(type = "string")]
        app_secret: SecretString,
    },
}

/// Timeouts for the Zenoti client; tests shorten them.
#[derive(Debug, Clone)]
pub struct ClientTuning {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub retry: zenoti::RetryPolicy,
    pub rate_limit: zenoti::RateLimit,
    /// Overrides the workstation's payment-check setting (tests shorten it below a second).
    pub check_window: Option<Duration>,
}

impl Default for ClientTuning {
    fn default() -> Self {
        let defaults = ClientConfig::new(zenoti::DEFAULT_BASE_URL.parse().unwrap(), Credentials::ApiKey("-".into()));
        ClientTuning {
            connect_timeout: defaults.connect_timeout,
            timeout: defaults.timeout,
            retry: defaults.retry,
            rate_limit: defaults.rate_limit,
            check_window: None,
        }
    }
}

/// Proof that the workstation is not locked. Only [`Connection::unlocked`] makes one, so a
/// change that takes it cannot forget the lock.
#[derive(Debug, Clone)]
pub struct Unlocked(());

/// Proof of a session that may reach Zenoti: signed in and unlocked. The only way to Zenoti's
/// client; only [`Connection::connected`] makes one.
#[derive(Clone)]
pub struct Connected {
    client: Client,
    mode: SessionMode,
    user_name: Option<String>,
    connection: String,
    demo: Option<Arc<Sandbox>>,
    unlocked: Unlocked,
}

impl Connected {
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn mode(&self) -> SessionMode {
        self.mode
    }

    pub fn is_demo(&self) -> bool {
        self.mode == SessionMode::Demo
    }

    /// Who is working, in words for the audit log.
    pub fn employee(&self) -> String {
        match self.mode {
            SessionMode::ApiKey => "API key".to_owned(),
            SessionMode::Demo => "Demo".to_owned(),
            SessionMode::Employee => self.user_name.clone().unwrap_or_default(),
        }
    }

    /// The settings key of this connection (its base URL, or the demo's).
    pub fn connection_key(&self) -> &str {
        &self.connection
    }

    /// The demo's embedded sandbox, in the demo only.
    pub fn demo(&self) -> Option<&Sandbox> {
        self.demo.as_deref()
    }

    /// A connected session is an unlocked one.
    pub fn unlocked(&self) -> &Unlocked {
        &self.unlocked
    }
}

pub(super) struct Session {
    client: Client,
    pub(super) mode: SessionMode,
    user_name: Option<String>,
    /// Settings key of this connection's center choice.
    connection: String,
    /// The in-process sandbox of demo mode; the server stops when the last reference goes.
    demo: Option<Arc<Sandbox>>,
    /// What unlocks the idle lock: the employee's password, or the API key's workstation PIN.
    pub(super) unlock_with: Option<Unlock>,
}

pub struct Connection {
    /// Shared with blocking threads: keychain calls block (an OS unlock prompt may wait on the
    /// person), so they never run on the async runtime's own threads.
    pub(super) secrets: Arc<SecretStore>,
    settings: Arc<SettingsStore>,
    tuning: ClientTuning,
    pub(super) session: RwLock<Option<Session>>,
    /// Set by the idle lock: [`Connection::connected`] refuses until unlocked.
    pub(super) locked: AtomicBool,
    pub(super) failed_unlocks: AtomicU32,
    /// The hub the real organization's calls go through when one is joined (never the demo's).
    hub: Arc<zenoti::HubLink>,
    /// Hears of every answer that was not as expected.
    diagnostics: Arc<DiagnosticsLog>,
}

impl Connection {
    pub fn new(
        secrets: Arc<SecretStore>,
        settings: Arc<SettingsStore>,
        tuning: ClientTuning,
        hub: Arc<zenoti::HubLink>,
        diagnostics: Arc<DiagnosticsLog>,
    ) -> Self {
        Connection {
            hub,
            diagnostics,
            secrets,
            settings,
            tuning,
            session: RwLock::new(None),
            locked: AtomicBool::new(false),
            failed_unlocks: AtomicU32::new(0),
        }
    }

    /// The guard of every path to Zenoti: the session, when signed in and not locked.
    pub async fn connected(&self) -> CommandResult<Connected> {
        let unlocked = self.unlocked()?;
        let slot = self.session.read().await;
        let session = slot.as_ref().ok_or_else(IpcError::not_signed_in)?;
        Ok(Connected {
            client: session.client.clone(),
            mode: session.mode,
            user_name: session.user_name.clone(),
            connection: session.connection.clone(),
            demo: session.demo.clone(),
            unlocked,
        })
    }

    /// Refused while the workstation is locked (signed in or not).
    pub fn unlocked(&self) -> CommandResult<Unlocked> {
        if self.locked.load(Ordering::SeqCst) {
            return Err(IpcError::new(
                ErrorCode::Locked,
                "This workstation is locked. Unlock it with your password or PIN, or sign out.",
            ));
        }
        Ok(Unlocked(()))
    }

    /// The session as the UI sees it, if any (locked or not).
    pub async fn info(&self) -> Option<SessionInfo> {
        self.session.read().await.as_ref().map(|s| self.describe(s))
    }

    /// Whether the demo is running (locked or not).
    pub async fn in_demo(&self) -> bool {
        self.session.read().await.as_ref().is_some_and(|s| s.mode == SessionMode::Demo)
    }

    /// Runs a keychain operation on a blocking thread.
    pub(super) async fn keychain<T: Send + 'static>(
        &self,
        op: impl FnOnce(&SecretStore) -> Result<T, IpcError> + Send + 'static,
    ) -> Result<T, IpcError> {
        let secrets = self.secrets.clone();
        tokio::task::spawn_blocking(move || op(&secrets)).await.map_err(|e| {
            IpcError::new(ErrorCode::Internal, "The keychain call stopped unexpectedly. Try again.")
                .with_detail(e.to_string())
        })?
    }

    /// A client of the real organization: through the hub when one is joined.
    fn client(&self, base_url: &url::Url, credentials: Credentials) -> Result<Client, zenoti::Error> {
        self.client_via(base_url, credentials, Some(self.hub.clone()), &connection_key(base_url))
    }

    /// Keeps what the connection check found for this connection, and reads by it from now on.
    pub fn remember_readings(&self, c: &Connected, readings: zenoti::Readings) -> CommandResult<()> {
        c.client().set_readings(readings.clone());
        self.settings.update(|s| {
            s.readings.insert(c.connection_key().to_owned(), readings);
        })?;
        Ok(())
    }

    /// A client reading by what the connection check found for `connection` (a base URL, or
    /// the demo's key).
    fn client_via(
        &self,
        base_url: &url::Url,
        credentials: Credentials,
        hub: Option<Arc<zenoti::HubLink>>,
        connection: &str,
    ) -> Result<Client, zenoti::Error> {
        Client::new(ClientConfig {
            base_url: base_url.clone(),
            credentials,
            connect_timeout: self.tuning.connect_timeout,
            timeout: self.tuning.timeout,
            retry: self.tuning.retry.clone(),
            rate_limit: self.tuning.rate_limit,
            hub,
            readings: self.settings.get().readings.get(connection).cloned().unwrap_or_default(),
            observer: Some(self.diagnostics.clone()),
        })
    }

    pub(super) fn describe(&self, session: &Session) -> SessionInfo {
        SessionInfo {
            mode: session.mode,
            base_url: session.client.base_url().as_str().trim_end_matches('/').to_owned(),
            user_name: session.user_name.clone(),
            center: self.settings.get().centers.get(&session.connection).cloned(),
            locked: self.locked.load(Ordering::SeqCst),
            can_unlock: session.unlock_with.is_some(),
        }
    }

    /// The session already open, or one from the credentials saved in the keychain. Sends
    /// nothing: a saved employee login gets its token on the first call.
    pub async fn restore_session(&self) -> CommandResult<Option<SessionInfo>> {
        let mut slot = self.session.write().await;
        if let Some(session) = slot.as_ref() {
            return Ok(Some(self.describe(session)));
        }
        let Some((saved, lock)) = self.keychain(|s| s.load()).await? else {
            tracing::info!("no saved sign-in: showing the sign-in screen");
            return Ok(None);
        };
        let (base_url, credentials, mode, user_name, unlock_with) = match saved {
            SavedCredentials::ApiKey { base_url, api_key, pin_hash } => {
                (base_url, Credentials::ApiKey(api_key), SessionMode::ApiKey, None, pin_hash.map(Unlock::PinHash))
            }
            SavedCredentials::Employee { base_url, account_name, user_name, password, app_id, app_secret } => (
                base_url,
                Credentials::Employee(EmployeeLogin {
                    account_name,
                    user_name: user_name.clone(),
                    password: password.clone(),
                    app_id,
                    app_secret,
                    device_id: self.settings.get().device_id,
                }),
                SessionMode::Employee,
                Some(user_name),
                Some(Unlock::Password(password)),
            ),
        };
        let url = zenoti::parse_base_url(&base_url)?;
        let client = self.client(&url, credentials)?;
        tracing::info!(mode = ?mode, base_url = %url, "session restored from the keychain");
        // Locked when it was closed: it stays locked, with its wrong tries counted (both kept in
        // the keychain, where a settings file cannot undo them).
        self.locked.store(lock.locked, Ordering::SeqCst);
        self.failed_unlocks.store(lock.failed_tries, Ordering::SeqCst);
        let session = Session { client, mode, user_name, connection: connection_key(&url), demo: None, unlock_with };
        let info = self.describe(&session);
        *slot = Some(session);
        Ok(Some(info))
    }

    /// Checks the form, proves the credentials against Zenoti, then saves them to the keychain.
    /// Nothing is saved unless all of that succeeded.
    pub async fn sign_in(&self, request: SignInRequest) -> CommandResult<SessionInfo> {
        self.unlocked()?;
        let (url, credentials, saved, hint) = self.read_request(request)?;
        let (mode, user_name, unlock_with) = match &credentials {
            Credentials::ApiKey(_) => (SessionMode::ApiKey, None, None),
            Credentials::Employee(login) => {
                (SessionMode::Employee, Some(login.user_name.clone()), Some(Unlock::Password(login.password.clone())))
            }
        };
        let client = self.client(&url, credentials)?;
        // Listing centers proves the credentials and the address in one call.
        client.list_centers().await?;
        self.keychain(move |s| s.save(&saved)).await?;
        self.settings.update(|s| {
            s.base_url = url.as_str().trim_end_matches('/').to_owned();
            s.sign_in_hint = hint;
        })?;
        tracing::info!(mode = ?mode, base_url = %url, "signed in");
        self.unlocked_in_memory();
        let session = Session { client, mode, user_name, connection: connection_key(&url), demo: None, unlock_with };
        let info = self.describe(&session);
        *self.session.write().await = Some(session);
        Ok(info)
    }

    /// A client of the sign-in form's Zenoti and credentials, signed in to nothing and kept
    /// nowhere (the sign-in screen's connection check), with its connection's key.
    pub fn client_before_sign_in(&self, request: SignInRequest) -> CommandResult<(Client, String)> {
        self.unlocked()?;
        let (url, credentials, _, _) = self.read_request(request)?;
        // Straight to Zenoti: without a session the desk does not use its hub.
        Ok((self.client_via(&url, credentials, None, &connection_key(&url))?, connection_key(&url)))
    }

    /// Keeps what a connection check found for a connection not signed in to yet.
    pub fn remember_readings_for(&self, connection: &str, readings: zenoti::Readings) -> CommandResult<()> {
        self.settings.update(|s| {
            s.readings.insert(connection.to_owned(), readings);
        })?;
        Ok(())
    }

    /// The sign-in form read: the address, the credentials, what the keychain keeps, and the
    /// hint the form is filled with next time.
    fn read_request(
        &self,
        request: SignInRequest,
    ) -> CommandResult<(url::Url, Credentials, SavedCredentials, SignInHint)> {
        let device_id = self.settings.get().device_id;
        Ok(match request {
            SignInRequest::ApiKey { base_url, api_key } => {
                let url = zenoti::parse_base_url(&base_url)?;
                let key = SecretString::from(api_key.expose_secret().trim().to_owned());
                let saved =
                    SavedCredentials::ApiKey { base_url: url.to_string(), api_key: key.clone(), pin_hash: None };
                let hint = SignInHint { method: Some(SignInMethod::ApiKey), ..self.settings.get().sign_in_hint };
                (url, Credentials::ApiKey(key), saved, hint)
            }
            SignInRequest::Employee { base_url, account_name, user_name, password, app_id, app_secret } => {
                let url = zenoti::parse_base_url(&base_url)?;
                let login = EmployeeLogin {
                    account_name: account_name.trim().to_owned(),
                    user_name: user_name.trim().to_owned(),
                    password,
                    app_id: app_id.trim().to_owned(),
                    app_secret: SecretString::from(app_secret.expose_secret().trim().to_owned()),
                    device_id,
                };
                let saved = SavedCredentials::Employee {
                    base_url: url.to_string(),
                    account_name: login.account_name.clone(),
                    user_name: login.user_name.clone(),
                    password: login.password.clone(),
                    app_id: login.app_id.clone(),
                    app_secret: login.app_secret.clone(),
                };
                let hint = SignInHint {
                    method: Some(SignInMethod::Employee),
                    account_name: Some(login.account_name.clone()),
                    user_name: Some(login.user_name.clone()),
                    app_id: Some(login.app_id.clone()),
                };
                (url, Credentials::Employee(login), saved, hint)
            }
        })
    }

    /// Starts the embedded sandbox on a free loopback port and signs in to it. Saves nothing.
    pub async fn start_demo(&self) -> CommandResult<SessionInfo> {
        self.unlocked()?;
        let sandbox = Sandbox::start_local(zenoti_sandbox::Config::default()).await.map_err(|e| {
            IpcError::new(
                ErrorCode::DemoUnavailable,
                "The demo could not start on this computer. Restart Front Desk and try again.",
            )
            .with_detail(e.to_string())
        })?;
        let url: url::Url = sandbox.base_url().parse().expect("sandbox URL");
        let key = SecretString::from(sandbox.config().api_key.clone());
        // The demo's calls never go to the organization's hub.
        let client = self.client_via(&url, Credentials::ApiKey(key), None, DEMO_CONNECTION)?;
        tracing::info!(base_url = %url, "demo started");
        let session = Session {
            client,
            mode: SessionMode::Demo,
            user_name: None,
            connection: DEMO_CONNECTION.into(),
            demo: Some(Arc::new(sandbox)),
            unlock_with: None,
        };
        let info = self.describe(&session);
        *self.session.write().await = Some(session);
        Ok(info)
    }

    /// Removes the saved credentials (and the lock kept with them) from the keychain, then ends
    /// the session. When they cannot be removed, nothing changes and the receptionist is told:
    /// a lock is never cleared while the sign-in it guards is still saved.
    pub async fn sign_out(&self) -> CommandResult<()> {
        self.keychain(|s| s.delete()).await.map_err(|err| IpcError {
            message: format!(
                "Front Desk could not remove the saved sign-in, so it is still signed in. {}",
                err.message
            ),
            ..err
        })?;
        let ended = self.session.write().await.take();
        self.unlocked_in_memory();
        tracing::info!(mode = ?ended.as_ref().map(|s| s.mode), "signed out");
        Ok(())
    }

    /// The keychain this connection saves to (tests read it back).
    pub fn secrets(&self) -> &SecretStore {
        &self.secrets
    }
}

/// The settings key for a connection: its base URL.
fn connection_key(url: &url::Url) -> String {
    url.as_str().trim_end_matches('/').to_owned()
}
