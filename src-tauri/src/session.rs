//! The signed-in session and what the commands do with it, free of Tauri so it can be tested
//! directly.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;
use ts_rs::TS;
use zenoti::{Center, Client, ClientConfig, Credentials, EmployeeLogin};
use zenoti_sandbox::Sandbox;

use crate::catalog::{self, CatalogEvent, MemberPrice};
use crate::error::{CommandResult, ErrorCode, IpcError};
use crate::guest_packages::{sort_for_desk, DeskPackage, PackageDetails};
use crate::redemption::package::RedeemPackageRequest;
use crate::redemption::points::RedeemPointsRequest;
use crate::redemption::{AuditEntry, Desk, RedeemProgress, Redeemer, RedemptionOutcome};
use crate::secrets::{LockState, SavedCredentials, SecretStore};
use crate::settings::{CenterChoice, SettingsStore, SignInHint, SignInMethod};
use crate::support::{About, BuildInfo};

/// The payment-check settings a workstation may choose, in seconds.
const PAYMENT_CHECK_SECONDS: std::ops::RangeInclusive<u32> = 15..=600;

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

/// What the sign-in screen shows before anyone signs in.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AppSettings {
    pub base_url: String,
    pub sign_in_hint: SignInHint,
    /// The cash register this workstation takes payments on.
    pub cash_register_id: Option<String>,
    /// Minutes idle before the workstation locks; 0 never.
    pub idle_lock_minutes: u32,
    /// Where this workstation looks for updates; `None` for the built-in address.
    pub update_endpoint: Option<String>,
    /// How long a payment whose answer was lost is checked for, in seconds.
    pub payment_check_seconds: u32,
}

struct Session {
    client: Client,
    mode: SessionMode,
    user_name: Option<String>,
    /// Settings key of this connection's center choice.
    connection: String,
    /// The in-process sandbox of demo mode; dropping it stops the server.
    demo: Option<Sandbox>,
    /// What unlocks the idle lock: the employee's password, or the API key's workstation PIN.
    unlock_with: Option<Unlock>,
}

/// What unlocks the idle lock.
enum Unlock {
    /// The employee's own password (kept for signing in anyway).
    Password(SecretString),
    /// The salted hash of the API-key workstation's PIN; the PIN itself is never kept.
    PinHash(String),
}

impl Unlock {
    fn accepts(&self, given: &SecretString) -> bool {
        match self {
            Unlock::Password(password) => password.expose_secret() == given.expose_secret(),
            Unlock::PinHash(hash) => crate::secrets::pin_matches(hash, given),
        }
    }
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

pub struct AppState {
    /// Shared with blocking threads: keychain calls block (an OS unlock prompt may wait on the
    /// person), so they never run on the async runtime's own threads.
    secrets: std::sync::Arc<SecretStore>,
    settings: SettingsStore,
    /// Where catalogs are cached (no secrets).
    catalog_dir: std::path::PathBuf,
    redeemer: Redeemer,
    session: RwLock<Option<Session>>,
    tuning: ClientTuning,
    /// Set by the idle lock: every command that reaches Zenoti is refused until unlocked.
    locked: std::sync::atomic::AtomicBool,
    failed_unlocks: std::sync::atomic::AtomicU32,
}

impl AppState {
    pub fn new(
        secrets: SecretStore,
        settings: SettingsStore,
        data_dir: std::path::PathBuf,
        tuning: ClientTuning,
    ) -> Self {
        AppState {
            secrets: std::sync::Arc::new(secrets),
            settings,
            catalog_dir: data_dir.join("catalog"),
            redeemer: Redeemer::new(&data_dir),
            session: RwLock::new(None),
            tuning,
            locked: Default::default(),
            failed_unlocks: Default::default(),
        }
    }

    /// Runs a keychain operation on a blocking thread.
    async fn keychain<T: Send + 'static>(
        &self,
        op: impl FnOnce(&SecretStore) -> Result<T, IpcError> + Send + 'static,
    ) -> Result<T, IpcError> {
        let secrets = self.secrets.clone();
        tokio::task::spawn_blocking(move || op(&secrets)).await.map_err(|e| {
            IpcError::new(ErrorCode::Internal, "The keychain call stopped unexpectedly. Try again.")
                .with_detail(e.to_string())
        })?
    }

    pub fn app_settings(&self) -> AppSettings {
        let s = self.settings.get();
        AppSettings {
            base_url: s.base_url,
            sign_in_hint: s.sign_in_hint,
            cash_register_id: s.cash_register_id,
            idle_lock_minutes: s.idle_lock_minutes,
            update_endpoint: s.update_endpoint,
            payment_check_seconds: s.payment_check_seconds,
        }
    }

    fn client(&self, base_url: &url::Url, credentials: Credentials) -> Result<Client, zenoti::Error> {
        Client::new(ClientConfig {
            base_url: base_url.clone(),
            credentials,
            connect_timeout: self.tuning.connect_timeout,
            timeout: self.tuning.timeout,
            retry: self.tuning.retry.clone(),
            rate_limit: self.tuning.rate_limit,
        })
    }

    fn info(&self, session: &Session) -> SessionInfo {
        SessionInfo {
            mode: session.mode,
            base_url: session.client.base_url().as_str().trim_end_matches('/').to_owned(),
            user_name: session.user_name.clone(),
            center: self.settings.get().centers.get(&session.connection).cloned(),
            locked: self.locked.load(std::sync::atomic::Ordering::SeqCst),
            can_unlock: session.unlock_with.is_some(),
        }
    }

    /// The session already open, or one from the credentials saved in the keychain. Sends
    /// nothing: a saved employee login gets its token on the first call.
    pub async fn restore_session(&self) -> CommandResult<Option<SessionInfo>> {
        let mut slot = self.session.write().await;
        if let Some(session) = slot.as_ref() {
            return Ok(Some(self.info(session)));
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
        self.locked.store(lock.locked, std::sync::atomic::Ordering::SeqCst);
        self.failed_unlocks.store(lock.failed_tries, std::sync::atomic::Ordering::SeqCst);
        let session = Session { client, mode, user_name, connection: connection_key(&url), demo: None, unlock_with };
        let info = self.info(&session);
        *slot = Some(session);
        Ok(Some(info))
    }

    /// Checks the form, proves the credentials against Zenoti, then saves them to the keychain.
    /// Nothing is saved unless all of that succeeded.
    pub async fn sign_in(&self, request: SignInRequest) -> CommandResult<SessionInfo> {
        self.ensure_unlocked()?;
        let device_id = self.settings.get().device_id;
        let (url, credentials, saved, hint) = match request {
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
        };
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
        let info = self.info(&session);
        *self.session.write().await = Some(session);
        Ok(info)
    }

    /// Starts the embedded sandbox on a free loopback port and signs in to it. Saves nothing.
    pub async fn start_demo(&self) -> CommandResult<SessionInfo> {
        self.ensure_unlocked()?;
        let sandbox = Sandbox::start_local(zenoti_sandbox::Config::default()).await.map_err(|e| {
            IpcError::new(
                ErrorCode::DemoUnavailable,
                "The demo could not start on this computer. Restart Front Desk and try again.",
            )
            .with_detail(e.to_string())
        })?;
        let url: url::Url = sandbox.base_url().parse().expect("sandbox URL");
        let key = SecretString::from(sandbox.config().api_key.clone());
        let client = self.client(&url, Credentials::ApiKey(key))?;
        tracing::info!(base_url = %url, "demo started");
        let session = Session {
            client,
            mode: SessionMode::Demo,
            user_name: None,
            connection: DEMO_CONNECTION.into(),
            demo: Some(sandbox),
            unlock_with: None,
        };
        let info = self.info(&session);
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

    async fn current(&self) -> CommandResult<(Client, String)> {
        self.ensure_unlocked()?;
        let slot = self.session.read().await;
        let session = slot.as_ref().ok_or_else(IpcError::not_signed_in)?;
        Ok((session.client.clone(), session.connection.clone()))
    }

    pub async fn list_centers(&self) -> CommandResult<Vec<Center>> {
        let (client, _) = self.current().await?;
        Ok(client.list_centers().await?)
    }

    /// Remembers the center for this workstation and connection.
    pub async fn select_center(&self, center: CenterChoice) -> CommandResult<SessionInfo> {
        if center.id.trim().is_empty() {
            return Err(IpcError::new(ErrorCode::InvalidInput, "Choose a center from the list."));
        }
        let (_, connection) = self.current().await?;
        self.settings.update(|s| {
            s.centers.insert(connection, center);
        })?;
        let slot = self.session.read().await;
        let session = slot.as_ref().ok_or_else(IpcError::not_signed_in)?;
        Ok(self.info(session))
    }
}

impl AppState {
    /// Streams the center's whole catalog: the cached copy first, then Zenoti's.
    pub async fn open_catalog(&self, center_id: String, send: impl FnMut(CatalogEvent)) -> CommandResult<()> {
        let (client, connection) = self.current().await?;
        let cache = catalog::cache_path(&self.catalog_dir, &connection, center_id.trim());
        catalog::stream(&client, center_id.trim(), &cache, send).await
    }

    pub async fn member_prices(&self, center_id: String, guest_id: String) -> CommandResult<Vec<MemberPrice>> {
        let (client, _) = self.current().await?;
        if guest_id.trim().is_empty() {
            return Err(IpcError::new(ErrorCode::InvalidInput, "Choose the guest whose member prices to show."));
        }
        catalog::member_prices(&client, center_id.trim(), guest_id.trim()).await
    }

    pub async fn gift_card_packages(&self, center_id: String) -> CommandResult<Vec<String>> {
        let (client, _) = self.current().await?;
        catalog::gift_card_packages(&client, center_id.trim()).await
    }

    pub async fn list_categories(&self, center_id: String) -> CommandResult<Vec<zenoti::Category>> {
        let (client, _) = self.current().await?;
        Ok(client.list_categories(&center_id).await?)
    }

    /// Guests of the center matching what the receptionist typed (name, phone, email or code).
    /// One page (from 1) of the guests matching what was typed, at the center or at every center.
    pub async fn search_guests(
        &self,
        center_id: String,
        text: String,
        page: u32,
        across_centers: bool,
    ) -> CommandResult<zenoti::GuestPage> {
        let (client, _) = self.current().await?;
        if text.trim().chars().count() < 2 {
            return Err(IpcError::new(ErrorCode::InvalidInput, "Type at least two letters or digits to search."));
        }
        let mut search = zenoti::GuestSearch::from_text(&center_id, &text);
        search.page = page.max(1);
        search.across_centers = across_centers;
        Ok(client.search_guests(&search).await?)
    }
}

/// OTP codes of the demo, shown in its help panel.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DemoCodes {
    /// (invoice number, code) pairs.
    pub sent: Vec<(String, String)>,
    /// ("Package – guest", code) pairs, for packages that ask for a code.
    pub package_codes: Vec<(String, String)>,
    pub override_codes: Vec<String>,
}

/// Wrong passwords or PINs at the lock screen before Front Desk signs out.
pub const MAX_UNLOCK_TRIES: u32 = 5;

/// The cash register the demo pays on when none is set.
const DEMO_CASH_REGISTER: &str = "demo-register-1";

impl AppState {
    pub async fn find_invoices(
        &self,
        center_id: String,
        number: Option<String>,
    ) -> CommandResult<Vec<zenoti::InvoiceSummary>> {
        let (client, _) = self.current().await?;
        Ok(client.find_invoices(&center_id, number.as_deref()).await?)
    }

    pub async fn get_invoice(&self, invoice_id: String) -> CommandResult<zenoti::Invoice> {
        let (client, _) = self.current().await?;
        Ok(client.get_invoice(&invoice_id).await?)
    }

    /// What the invoice's guest can redeem on it, across all their programs.
    pub async fn redeemable_points(&self, invoice_id: String) -> CommandResult<zenoti::RedeemableInfo> {
        let (client, _) = self.current().await?;
        Ok(client.redeemable_points(&invoice_id, None, true).await?)
    }

    fn ensure_unlocked(&self) -> CommandResult<()> {
        if self.locked.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(IpcError::new(
                ErrorCode::Locked,
                "This workstation is locked. Unlock it with your password or PIN, or sign out.",
            ));
        }
        Ok(())
    }

    fn unlocked_in_memory(&self) {
        self.locked.store(false, std::sync::atomic::Ordering::SeqCst);
        self.failed_unlocks.store(0, std::sync::atomic::Ordering::SeqCst);
    }

    /// Records the lock's state in the keychain entry, beside the sign-in.
    async fn record_lock(&self, lock: LockState) -> CommandResult<()> {
        self.keychain(move |s| s.save_lock(lock)).await
    }

    /// Locks the workstation (the UI calls this when it has been idle). The demo never locks.
    pub async fn lock(&self) -> CommandResult<SessionInfo> {
        let slot = self.session.read().await;
        let session = slot.as_ref().ok_or_else(IpcError::not_signed_in)?;
        if session.mode != SessionMode::Demo {
            self.locked.store(true, std::sync::atomic::Ordering::SeqCst);
            let failed_tries = self.failed_unlocks.load(std::sync::atomic::Ordering::SeqCst);
            tracing::info!("workstation locked after being idle");
            // Locked now whatever happens; kept across a restart when the keychain takes it.
            if let Err(err) = self.record_lock(LockState { locked: true, failed_tries }).await {
                tracing::error!(error = %err, "the lock could not be recorded in the keychain");
            }
        }
        Ok(self.info(session))
    }

    /// Unlocks with the employee's password or the workstation PIN. After [`MAX_UNLOCK_TRIES`]
    /// wrong tries the session ends and the saved sign-in is removed.
    pub async fn unlock(&self, secret: SecretString) -> CommandResult<SessionInfo> {
        use std::sync::atomic::Ordering;
        let right = {
            let slot = self.session.read().await;
            let session = slot.as_ref().ok_or_else(IpcError::not_signed_in)?;
            session.unlock_with.as_ref().is_some_and(|u| u.accepts(&secret))
        };
        if right {
            self.record_lock(LockState::default()).await?;
            self.unlocked_in_memory();
            tracing::info!("workstation unlocked");
            let slot = self.session.read().await;
            return Ok(self.info(slot.as_ref().ok_or_else(IpcError::not_signed_in)?));
        }
        let tries = self.failed_unlocks.fetch_add(1, Ordering::SeqCst) + 1;
        tracing::warn!(tries, "wrong password or PIN at the lock screen");
        if let Err(err) = self.record_lock(LockState { locked: true, failed_tries: tries }).await {
            tracing::error!(error = %err, "a wrong try could not be recorded in the keychain");
        }
        if tries >= MAX_UNLOCK_TRIES {
            self.sign_out().await?;
            return Err(IpcError::new(
                ErrorCode::NotSignedIn,
                "Too many wrong tries: Front Desk signed out and removed the saved sign-in. Sign in again.",
            ));
        }
        Err(IpcError::new(
            ErrorCode::UnlockRefused,
            format!(
                "That is not the password or PIN of this workstation. {} tries left before Front Desk signs out.",
                MAX_UNLOCK_TRIES - tries
            ),
        ))
    }

    /// Sets the PIN that unlocks an API-key workstation (4 to 8 digits), kept with the key in
    /// the keychain.
    pub async fn set_workstation_pin(&self, pin: SecretString) -> CommandResult<SessionInfo> {
        self.ensure_unlocked()?;
        let pin_text = pin.expose_secret().trim().to_owned();
        if !(4..=8).contains(&pin_text.len()) || !pin_text.chars().all(|c| c.is_ascii_digit()) {
            return Err(IpcError::new(ErrorCode::InvalidInput, "A PIN is 4 to 8 digits. Type it again."));
        }
        let mut slot = self.session.write().await;
        let session = slot.as_mut().ok_or_else(IpcError::not_signed_in)?;
        if session.mode != SessionMode::ApiKey {
            return Err(IpcError::new(
                ErrorCode::InvalidInput,
                "A workstation PIN is for API-key sign-in. Employees unlock with their password.",
            ));
        }
        let hash = crate::secrets::hash_pin(&SecretString::from(pin_text))?;
        let saved = match self.keychain(|s| s.load()).await? {
            Some((SavedCredentials::ApiKey { base_url, api_key, .. }, _)) => {
                SavedCredentials::ApiKey { base_url, api_key, pin_hash: Some(hash.clone()) }
            }
            _ => {
                return Err(IpcError::new(
                    ErrorCode::KeychainError,
                    "The saved sign-in was not found in the keychain. Sign out, sign in again, then set the PIN.",
                ))
            }
        };
        self.keychain(move |s| s.save(&saved)).await?;
        session.unlock_with = Some(Unlock::PinHash(hash));
        Ok(self.info(session))
    }

    /// After how many idle minutes the workstation locks (0: never).
    pub fn set_idle_lock_minutes(&self, minutes: u32) -> CommandResult<()> {
        self.ensure_unlocked()?;
        if minutes > 240 {
            return Err(IpcError::new(ErrorCode::InvalidInput, "Choose at most 240 minutes (4 hours)."));
        }
        self.settings.update(|s| s.idle_lock_minutes = minutes)?;
        Ok(())
    }

    /// How long a payment whose answer was lost is checked for before "not seen yet".
    pub fn set_payment_check_seconds(&self, seconds: u32) -> CommandResult<()> {
        self.ensure_unlocked()?;
        if !(PAYMENT_CHECK_SECONDS.contains(&seconds)) {
            return Err(IpcError::new(
                ErrorCode::InvalidInput,
                "Choose between 15 and 600 seconds: long enough for a slow Zenoti to finish a payment.",
            ));
        }
        self.settings.update(|s| s.payment_check_seconds = seconds)?;
        Ok(())
    }

    /// Redemptions (points or package sessions) being sent right now.
    pub fn redemptions_in_flight(&self) -> usize {
        self.redeemer.in_flight()
    }

    /// Refused while a redemption is being sent; otherwise no new one starts (see
    /// [`Redeemer::close_for_restart`]).
    pub fn close_for_restart(&self) -> CommandResult<()> {
        self.redeemer.close_for_restart()
    }

    /// Sets where this workstation looks for updates (https); empty for the built-in address.
    pub fn set_update_endpoint(&self, endpoint: String) -> CommandResult<()> {
        self.ensure_unlocked()?;
        let endpoint = endpoint.trim().to_owned();
        if !endpoint.is_empty() {
            match url::Url::parse(&endpoint) {
                Ok(url) if url.scheme() == "https" => {}
                _ => {
                    return Err(IpcError::new(
                        ErrorCode::InvalidInput,
                        "Type the full update address, starting with https://, or leave it empty for the built-in one.",
                    ))
                }
            }
        }
        self.settings.update(|s| s.update_endpoint = (!endpoint.is_empty()).then_some(endpoint))?;
        Ok(())
    }

    /// The update address set for this workstation, if any.
    pub fn update_endpoint(&self) -> Option<String> {
        self.settings.get().update_endpoint
    }

    /// This build, and where it is connected.
    pub async fn about(&self, build: BuildInfo, log_dir: &std::path::Path) -> About {
        let slot = self.session.read().await;
        let info = slot.as_ref().map(|s| self.info(s));
        About {
            build,
            base_url: Some(info.as_ref().map_or_else(|| self.settings.get().base_url, |i| i.base_url.clone())),
            mode: info.map(|i| serde_json::to_value(i.mode).ok().and_then(|v| v.as_str().map(str::to_owned))).flatten(),
            log_dir: log_dir.display().to_string(),
        }
    }

    /// Writes a support bundle into `dir` and returns its path.
    pub async fn export_support_bundle(
        &self,
        build: BuildInfo,
        dir: &std::path::Path,
        log_dir: &std::path::Path,
    ) -> CommandResult<String> {
        self.ensure_unlocked()?;
        let about = self.about(build, log_dir).await;
        let name = format!("front-desk-support-{}.zip", chrono::Local::now().format("%Y-%m-%d-%H%M%S"));
        let path = crate::support::write_bundle(&dir.join(name), log_dir, self.settings.path(), &about)?;
        Ok(path.display().to_string())
    }

    /// The client, and who and where for the audit log.
    async fn desk(&self) -> CommandResult<(Client, Desk)> {
        self.ensure_unlocked()?;
        let slot = self.session.read().await;
        let session = slot.as_ref().ok_or_else(IpcError::not_signed_in)?;
        let settings = self.settings.get();
        let employee = match session.mode {
            SessionMode::ApiKey => "API key".to_owned(),
            SessionMode::Demo => "Demo".to_owned(),
            SessionMode::Employee => session.user_name.clone().unwrap_or_default(),
        };
        let register = settings
            .cash_register_id
            .or_else(|| (session.mode == SessionMode::Demo).then(|| DEMO_CASH_REGISTER.to_owned()));
        let check_window = self
            .tuning
            .check_window
            .unwrap_or(Duration::from_secs(settings.payment_check_seconds.clamp(5, 600).into()));
        let desk = Desk {
            workstation: settings.device_id,
            employee,
            cash_register_id: register,
            demo: session.mode == SessionMode::Demo,
            check_window,
        };
        Ok((session.client.clone(), desk))
    }

    pub async fn redeem_points(
        &self,
        request: RedeemPointsRequest,
        progress: impl Fn(RedeemProgress) + Send + Sync,
    ) -> CommandResult<RedemptionOutcome> {
        let (client, desk) = self.desk().await?;
        self.redeemer.run(&client, &desk, request, progress).await
    }

    /// The guest's packages of every status, usable ones first (see `sort_for_desk`).
    pub async fn guest_packages(&self, guest_id: String, center_id: String) -> CommandResult<Vec<DeskPackage>> {
        let (client, _) = self.current().await?;
        let mut packages = client.guest_packages(&guest_id, &center_id).await?;
        let today = chrono::Local::now().date_naive();
        sort_for_desk(&mut packages, today);
        Ok(packages.into_iter().map(|p| DeskPackage::new(p, today)).collect())
    }

    /// A package's balances and its history, read together.
    pub async fn package_details(&self, guest_id: String, user_package_id: String) -> CommandResult<PackageDetails> {
        let (client, _) = self.current().await?;
        let (benefits, history) = tokio::join!(
            client.package_benefits(&guest_id, &user_package_id),
            client.package_history(&guest_id, &user_package_id)
        );
        Ok(PackageDetails { benefits: benefits?, history: history?.newest_first() })
    }

    pub async fn redeem_package(
        &self,
        request: RedeemPackageRequest,
        progress: impl Fn(RedeemProgress) + Send + Sync,
    ) -> CommandResult<RedemptionOutcome> {
        let (client, desk) = self.desk().await?;
        self.redeemer.run(&client, &desk, request, progress).await
    }

    /// Check again: reads Zenoti once more for a redemption whose answer was lost.
    pub async fn check_redemption(&self, attempt_id: String) -> CommandResult<RedemptionOutcome> {
        let (client, _) = self.desk().await?;
        self.redeemer.check_again(&client, &attempt_id).await
    }

    /// The receptionist checked in Zenoti that a redemption not seen yet did not go through.
    pub async fn dismiss_redemption(&self, attempt_id: String) -> CommandResult<()> {
        let (_, desk) = self.desk().await?;
        self.redeemer.dismiss(&desk, &attempt_id)
    }

    /// Whether the demo is running: its redemptions have their own audit log.
    async fn in_demo(&self) -> bool {
        self.session.read().await.as_ref().is_some_and(|s| s.mode == SessionMode::Demo)
    }

    /// The audit log of this session (the demo's own in the demo), oldest first.
    pub async fn audit_log(&self) -> Vec<AuditEntry> {
        self.redeemer.log(self.in_demo().await).entries()
    }

    /// Writes the audit log as CSV into `dir` and returns the file's path.
    pub async fn export_audit_csv(&self, dir: &std::path::Path) -> CommandResult<String> {
        self.ensure_unlocked()?;
        let demo = self.in_demo().await;
        let name = format!(
            "front-desk-{}redemptions-{}.csv",
            if demo { "demo-" } else { "" },
            chrono::Local::now().format("%Y-%m-%d-%H%M%S")
        );
        let path = dir.join(name);
        self.redeemer.log(demo).export_csv(&path)?;
        Ok(path.display().to_string())
    }

    /// In the demo: the OTP codes the sandbox "sent" to guests, and each center's override code.
    pub async fn demo_codes(&self) -> CommandResult<DemoCodes> {
        let slot = self.session.read().await;
        let sandbox = slot.as_ref().and_then(|s| s.demo.as_ref()).ok_or_else(|| {
            IpcError::new(
                ErrorCode::InvalidInput,
                "Demo codes exist only in the demo. Ask the guest for the code Zenoti sent.",
            )
        })?;
        // Sorted, so the help panel does not reshuffle each time it is read.
        let (sent, override_codes) = sandbox.with_books(|b| {
            let mut sent: Vec<(String, String)> = b
                .otps
                .iter()
                .filter_map(|(id, code)| {
                    b.invoices
                        .iter()
                        .find(|i| i.id.eq_ignore_ascii_case(id))
                        .map(|i| (i.printed_number(), code.clone()))
                })
                .collect();
            sent.sort();
            let mut override_codes: Vec<String> = b.otp_centers.values().cloned().collect();
            override_codes.sort();
            (sent, override_codes)
        });
        let mut package_codes: Vec<(String, String)> = sandbox.with_packages(|p| {
            p.otps
                .iter()
                .filter_map(|(id, code)| {
                    let held = p.held.iter().find(|h| &h.user_package_id == id)?;
                    let guest = sandbox.organization().guests.iter().find(|g| g.id == held.guest_id)?;
                    let info = &guest.json["personal_info"];
                    let who = format!("{} {}", info["first_name"].as_str()?, info["last_name"].as_str()?);
                    Some((format!("{} – {who}", held.name), code.clone()))
                })
                .collect()
        });
        package_codes.sort();
        Ok(DemoCodes { sent, package_codes, override_codes })
    }

    pub fn set_cash_register(&self, id: String) -> CommandResult<()> {
        self.ensure_unlocked()?;
        let id = id.trim().to_owned();
        self.settings.update(|s| s.cash_register_id = (!id.is_empty()).then_some(id))?;
        Ok(())
    }
}

/// The settings key for a connection: its base URL.
fn connection_key(url: &url::Url) -> String {
    url.as_str().trim_end_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Once;
    use zenoti_sandbox::{Config, Sandbox};

    fn state(dir: &std::path::Path, secrets: SecretStore) -> AppState {
        let tuning = ClientTuning {
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(5),
            retry: zenoti::RetryPolicy {
                max_retries: 1,
                base_delay: Duration::from_millis(5),
                max_delay: Duration::from_millis(20),
                max_retry_after: Duration::from_secs(1),
            },
            rate_limit: zenoti::RateLimit { per_minute: 60_000, burst: 1000 },
            check_window: None,
        };
        AppState::new(secrets, SettingsStore::open(dir), dir.to_path_buf(), tuning)
    }

    fn mock_secrets() -> SecretStore {
        static INIT: Once = Once::new();
        INIT.call_once(|| keyring::set_default_credential_builder(keyring::mock::default_credential_builder()));
        SecretStore::new("com.frontdesk.client.test")
    }

    fn api_key_request(base_url: &str, key: &str) -> SignInRequest {
        SignInRequest::ApiKey { base_url: base_url.into(), api_key: key.to_owned().into() }
    }

    #[tokio::test]
    async fn api_key_sign_in_saves_to_the_keychain_and_lists() {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let app = state(dir.path(), mock_secrets());
        let info = app.sign_in(api_key_request(&sandbox.base_url(), "  demo-frontdesk-key ")).await.unwrap();
        assert_eq!(info.mode, SessionMode::ApiKey);
        assert_eq!(info.center, None);
        match app.secrets.load().unwrap() {
            Some((SavedCredentials::ApiKey { api_key, .. }, _)) => {
                assert_eq!(api_key.expose_secret(), "demo-frontdesk-key")
            }
            other => panic!("{other:?}"),
        }
        let centers = app.list_centers().await.unwrap();
        let first = &centers[0];
        let choice = CenterChoice {
            id: first.id.clone(),
            name: first.label().into(),
            currency: Some("USD".into()),
            culture: Some("en-US".into()),
        };
        let info = app.select_center(choice.clone()).await.unwrap();
        assert_eq!(info.center, Some(choice));
        assert_eq!(app.list_categories(first.id.clone()).await.unwrap().len(), 5);

        let settings = std::fs::read_to_string(dir.path().join("settings.json")).unwrap();
        assert!(!settings.contains("demo-frontdesk-key"), "the key leaked into settings");
        assert!(settings.contains(&sandbox.base_url()));

        app.sign_out().await.unwrap();
        assert!(app.secrets.load().unwrap().is_none());
        assert_eq!(app.list_centers().await.unwrap_err().code, ErrorCode::NotSignedIn);
    }

    #[tokio::test]
    async fn saved_credentials_restore_the_session_and_its_center() {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let secrets = mock_secrets();
        let account = &sandbox.config().employee;
        secrets
            .save(&SavedCredentials::Employee {
                base_url: sandbox.base_url(),
                account_name: account.account_name.clone(),
                user_name: account.user_name.clone(),
                password: account.password.clone().into(),
                app_id: account.app_id.clone(),
                app_secret: account.app_secret.clone().into(),
            })
            .unwrap();
        let app = state(dir.path(), secrets);
        let info = app.restore_session().await.unwrap().unwrap();
        assert_eq!(info.mode, SessionMode::Employee);
        assert_eq!(info.user_name.as_deref(), Some("frontdesk"));
        assert!(sandbox.requests_to("/v1/").is_empty(), "restoring sends nothing");
        assert!(!app.list_centers().await.unwrap().is_empty());
        assert_eq!(sandbox.stats().password_grants, 1);
    }

    #[tokio::test]
    async fn nothing_saved_means_no_session() {
        let dir = tempfile::tempdir().unwrap();
        let app = state(dir.path(), mock_secrets());
        assert_eq!(app.restore_session().await.unwrap(), None);
    }

    #[tokio::test]
    async fn bad_input_is_refused_before_sending_and_nothing_is_saved() {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let app = state(dir.path(), mock_secrets());
        let base = sandbox.base_url();
        let cases = [
            api_key_request(&base, ""),
            api_key_request(&base, "   "),
            api_key_request(&base, "two words"),
            api_key_request("", "demo-frontdesk-key"),
            api_key_request("api.zenoti.com", "demo-frontdesk-key"),
            api_key_request("http://api.zenoti.com", "demo-frontdesk-key"),
            SignInRequest::Employee {
                base_url: base.clone(),
                account_name: " ".into(),
                user_name: "frontdesk".into(),
                password: "demo-pass".to_owned().into(),
                app_id: "x".into(),
                app_secret: "y".to_owned().into(),
            },
            SignInRequest::Employee {
                base_url: base.clone(),
                account_name: "serenity".into(),
                user_name: "frontdesk".into(),
                password: "".to_owned().into(),
                app_id: "x".into(),
                app_secret: "y".to_owned().into(),
            },
        ];
        for request in cases {
            let err = app.sign_in(request).await.unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
            assert!(!err.message.is_empty());
        }
        assert!(sandbox.stats().requests.is_empty(), "a request was sent");
        assert!(app.secrets.load().unwrap().is_none());
        assert!(!dir.path().join("settings.json").exists());
    }

    #[tokio::test]
    async fn a_refused_key_or_a_dead_server_saves_nothing() {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let app = state(dir.path(), mock_secrets());
        let err = app.sign_in(api_key_request(&sandbox.base_url(), "wrong-key")).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Unauthorized);
        assert!(err.message.contains("Authorization has been denied"));

        let dead = sandbox.base_url();
        drop(sandbox);
        tokio::time::sleep(Duration::from_millis(50)).await;
        let err = app.sign_in(api_key_request(&dead, "demo-frontdesk-key")).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Network, "{err:?}");
        assert!(app.secrets.load().unwrap().is_none());
        assert_eq!(app.restore_session().await.unwrap(), None);
    }

    #[tokio::test]
    async fn employee_sign_in_keeps_no_secret_in_settings() {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let app = state(dir.path(), mock_secrets());
        let account = sandbox.config().employee.clone();
        let info = app
            .sign_in(SignInRequest::Employee {
                base_url: sandbox.base_url(),
                account_name: account.account_name.clone(),
                user_name: account.user_name.clone(),
                password: account.password.clone().into(),
                app_id: account.app_id.clone(),
                app_secret: account.app_secret.clone().into(),
            })
            .await
            .unwrap();
        assert_eq!(info.mode, SessionMode::Employee);
        let settings = std::fs::read_to_string(dir.path().join("settings.json")).unwrap();
        assert!(settings.contains("\"user_name\": \"frontdesk\""));
        assert!(!settings.contains(&account.password) && !settings.contains(&account.app_secret));
        assert_eq!(app.app_settings().sign_in_hint.method, Some(SignInMethod::Employee));
    }

    #[tokio::test]
    async fn the_demo_runs_without_credentials_and_saves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let app = state(dir.path(), mock_secrets());
        let info = app.start_demo().await.unwrap();
        assert_eq!(info.mode, SessionMode::Demo);
        assert!(info.base_url.starts_with("http://127.0.0.1:"));
        let centers = app.list_centers().await.unwrap();
        assert!(centers.len() >= 3);
        assert!(app.secrets.load().unwrap().is_none());
        app.sign_out().await.unwrap();
        // The demo server stopped with the session.
        assert!(reqwest_free_get(&info.base_url).await.is_err());
    }

    fn kinds(events: &[CatalogEvent]) -> Vec<&'static str> {
        events
            .iter()
            .map(|e| match e {
                CatalogEvent::Cached { .. } => "cached",
                CatalogEvent::Progress { .. } => "progress",
                CatalogEvent::Done { .. } => "done",
                CatalogEvent::Failed { .. } => "failed",
            })
            .collect()
    }

    #[tokio::test]
    async fn the_catalog_streams_then_reopens_from_disk_and_survives_an_outage() {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let app = state(dir.path(), mock_secrets());
        app.sign_in(api_key_request(&sandbox.base_url(), "demo-frontdesk-key")).await.unwrap();
        let center = sandbox.center_ids()[0].clone();

        let mut events = Vec::new();
        app.open_catalog(center.clone(), |e| events.push(e)).await.unwrap();
        let k = kinds(&events);
        assert_eq!(k.first(), Some(&"progress"), "no cache yet: the first page comes first");
        assert_eq!(k.last(), Some(&"done"));
        assert_eq!(k.iter().filter(|k| **k == "progress").count(), 13);
        let mut streamed = 0;
        for e in &events {
            if let CatalogEvent::Progress { packages, .. } = e {
                streamed += packages.len();
                for p in packages {
                    let html = p.html_description.as_deref().unwrap_or("");
                    assert!(!html.contains("<script") && !html.contains("onerror") && !html.contains("<img"), "{html}");
                }
            }
        }
        assert_eq!(streamed, 1240);
        match events.last().unwrap() {
            CatalogEvent::Done { loaded, total, missing_pages, error, .. } => {
                assert_eq!((*loaded, *total), (1240, 1240));
                assert!(missing_pages.is_empty() && error.is_none());
            }
            other => panic!("{other:?}"),
        }

        // Reopened: the saved copy first, then a fresh one.
        let mut again = Vec::new();
        app.open_catalog(center.clone(), |e| again.push(e)).await.unwrap();
        match &again[0] {
            CatalogEvent::Cached { packages, .. } => assert_eq!(packages.len(), 1240),
            other => panic!("{other:?}"),
        }
        let cache_text =
            std::fs::read_to_string(catalog::cache_path(&dir.path().join("catalog"), &sandbox.base_url(), &center))
                .unwrap();
        assert!(!cache_text.contains("demo-frontdesk-key"));

        // Zenoti down: the saved copy, then a clear failure.
        drop(sandbox);
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut offline = Vec::new();
        app.open_catalog(center, |e| offline.push(e)).await.unwrap();
        assert_eq!(kinds(&offline), vec!["cached", "failed"]);
        match &offline[1] {
            CatalogEvent::Failed { error } => assert_eq!(error.code, ErrorCode::Network),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_catalog_with_a_missing_page_says_so_and_is_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let app = state(dir.path(), mock_secrets());
        app.start_demo().await.unwrap();
        let center = app.list_centers().await.unwrap()[0].id.clone();
        // The demo's own sandbox is inside the session; reach it to break page 4.
        let base = app.info(app.session.read().await.as_ref().unwrap()).base_url;
        reqwest_post_fault(&base, r#"{"method":"GET","path_prefix":"/v1/centers/","query_contains":"page=4&","times":100,"action":{"kind":"respond","status":503,"body":""}}"#).await;
        let mut events = Vec::new();
        app.open_catalog(center.clone(), |e| events.push(e)).await.unwrap();
        match events.last().unwrap() {
            CatalogEvent::Done { loaded, total, missing_pages, error, .. } => {
                assert_eq!((*loaded, *total), (1140, 1240));
                assert_eq!(missing_pages, &vec![4]);
                let error = error.as_ref().unwrap();
                assert!(error.message.contains("100 of 1240 packages could not be loaded"), "{}", error.message);
            }
            other => panic!("{other:?}"),
        }
        assert!(!catalog::cache_path(&dir.path().join("catalog"), "demo", &center).exists());
    }

    /// Adds a sandbox fault over HTTP, as the end-to-end tests do.
    async fn reqwest_post_fault(base: &str, body: &str) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await.unwrap();
        let request = format!(
            "POST /_sandbox/faults HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    }

    async fn reqwest_free_get(base: &str) -> std::io::Result<()> {
        let addr = base.trim_start_matches("http://");
        tokio::net::TcpStream::connect(addr).await.map(|_| ())
    }

    /// The app started again on this workstation: same folder, same keychain contents (keyring's
    /// mock keeps a secret only in the entry that wrote it, so they are carried over).
    fn restarted(app: &AppState, dir: &std::path::Path) -> AppState {
        let secrets = mock_secrets();
        if let Some((saved, lock)) = app.secrets.load().unwrap() {
            secrets.save(&saved).unwrap();
            secrets.save_lock(lock).unwrap();
        }
        state(dir, secrets)
    }

    fn employee_request(sandbox: &Sandbox, password: &str) -> SignInRequest {
        let account = sandbox.config().employee.clone();
        SignInRequest::Employee {
            base_url: sandbox.base_url(),
            account_name: account.account_name,
            user_name: account.user_name,
            password: password.to_owned().into(),
            app_id: account.app_id,
            app_secret: account.app_secret.into(),
        }
    }

    #[tokio::test]
    async fn a_locked_workstation_refuses_work_until_the_password_unlocks_it() {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let app = state(dir.path(), mock_secrets());
        let password = sandbox.config().employee.password.clone();
        app.sign_in(employee_request(&sandbox, &password)).await.unwrap();
        let info = app.lock().await.unwrap();
        assert!(info.locked && info.can_unlock);
        let before = sandbox.stats().requests.len();
        assert_eq!(app.list_centers().await.unwrap_err().code, ErrorCode::Locked);
        assert_eq!(app.find_invoices("c".into(), None).await.unwrap_err().code, ErrorCode::Locked);
        assert_eq!(sandbox.stats().requests.len(), before, "nothing reached Zenoti while locked");

        let wrong = app.unlock("not-it".to_owned().into()).await.unwrap_err();
        assert_eq!(wrong.code, ErrorCode::UnlockRefused);
        assert!(wrong.message.contains("4 tries left"), "{}", wrong.message);
        // A restart does not get around the lock.
        assert!(restarted(&app, dir.path()).restore_session().await.unwrap().unwrap().locked);

        let info = app.unlock(password.into()).await.unwrap();
        assert!(!info.locked);
        app.list_centers().await.unwrap();
        assert!(!restarted(&app, dir.path()).restore_session().await.unwrap().unwrap().locked);
    }

    #[tokio::test]
    async fn the_lock_and_its_wrong_tries_survive_a_restart_and_a_settings_file_cannot_undo_them() {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let app = state(dir.path(), mock_secrets());
        let password = sandbox.config().employee.password.clone();
        app.sign_in(employee_request(&sandbox, &password)).await.unwrap();
        app.lock().await.unwrap();
        for _ in 0..2 {
            app.unlock("wrong".to_owned().into()).await.unwrap_err();
        }
        // Someone edits the settings file to undo the lock, then restarts the app.
        let path = dir.path().join("settings.json");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("locked"), "the lock is not in the settings file: {text}");
        std::fs::write(&path, text.replace('{', r#"{"locked": false, "failed_tries": 0, "#)).unwrap();
        let again = restarted(&app, dir.path());
        assert!(again.restore_session().await.unwrap().unwrap().locked);
        assert_eq!(again.list_centers().await.unwrap_err().code, ErrorCode::Locked);
        let wrong = again.unlock("wrong".to_owned().into()).await.unwrap_err();
        assert!(wrong.message.contains("2 tries left"), "the earlier tries still count: {}", wrong.message);
        // While locked: no demo, no settings, no exports.
        let refused = [
            again.start_demo().await.err(),
            again.set_cash_register("r".into()).err(),
            again.set_idle_lock_minutes(0).err(),
            again.set_payment_check_seconds(30).err(),
            again.set_update_endpoint(String::new()).err(),
            again.export_audit_csv(dir.path()).await.err(),
            again.sign_in(employee_request(&sandbox, &password)).await.err(),
        ];
        for (i, err) in refused.into_iter().enumerate() {
            assert_eq!(err.map(|e| e.code), Some(ErrorCode::Locked), "case {i}");
        }
        assert_eq!(again.app_settings().idle_lock_minutes, 10);
        again.unlock(password.into()).await.unwrap();
        assert!(!restarted(&again, dir.path()).restore_session().await.unwrap().unwrap().locked);
    }

    #[tokio::test]
    async fn a_sign_out_that_cannot_remove_the_saved_sign_in_says_so_and_stays_locked() {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let app = state(dir.path(), mock_secrets());
        let password = sandbox.config().employee.password.clone();
        app.sign_in(employee_request(&sandbox, &password)).await.unwrap();
        app.lock().await.unwrap();
        app.secrets.fail_next(keyring::Error::NoStorageAccess("locked".into()));
        let err = app.sign_out().await.unwrap_err();
        assert_eq!(err.code, ErrorCode::KeychainLocked);
        assert!(err.message.contains("still signed in"), "{}", err.message);
        assert_eq!(app.list_centers().await.unwrap_err().code, ErrorCode::Locked, "the lock was cleared");
        assert!(app.secrets.load().unwrap().is_some());
        app.sign_out().await.unwrap();
        assert!(app.secrets.load().unwrap().is_none());
    }

    #[tokio::test]
    async fn five_wrong_tries_sign_out_and_remove_the_saved_sign_in() {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let app = state(dir.path(), mock_secrets());
        let password = sandbox.config().employee.password.clone();
        app.sign_in(employee_request(&sandbox, &password)).await.unwrap();
        app.lock().await.unwrap();
        for _ in 0..MAX_UNLOCK_TRIES - 1 {
            assert_eq!(app.unlock("wrong".to_owned().into()).await.unwrap_err().code, ErrorCode::UnlockRefused);
        }
        let last = app.unlock("wrong".to_owned().into()).await.unwrap_err();
        assert_eq!(last.code, ErrorCode::NotSignedIn);
        assert!(app.secrets.load().unwrap().is_none(), "the keychain entry is gone");
        assert!(app.restore_session().await.unwrap().is_none());
        // Even the right password no longer helps: there is no session.
        assert_eq!(app.unlock(password.into()).await.unwrap_err().code, ErrorCode::NotSignedIn);
    }

    #[tokio::test]
    async fn an_api_key_workstation_unlocks_with_its_pin_kept_in_the_keychain() {
        let sandbox = Sandbox::start_local(Config::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let app = state(dir.path(), mock_secrets());
        let info = app.sign_in(api_key_request(&sandbox.base_url(), "demo-frontdesk-key")).await.unwrap();
        assert!(!info.can_unlock, "no PIN yet: only signing out would undo a lock");
        for bad in ["12", "12345678901", "12ab"] {
            assert_eq!(app.set_workstation_pin(bad.to_owned().into()).await.unwrap_err().code, ErrorCode::InvalidInput);
        }
        assert!(app.set_workstation_pin("2468".to_owned().into()).await.unwrap().can_unlock);
        match app.secrets.load().unwrap() {
            Some((SavedCredentials::ApiKey { pin_hash, .. }, _)) => {
                let hash = pin_hash.unwrap();
                assert!(hash.starts_with("$argon2id$") && !hash.contains("2468"), "{hash}");
            }
            other => panic!("{other:?}"),
        }
        assert!(
            !std::fs::read_to_string(dir.path().join("settings.json")).unwrap().contains("2468"),
            "the PIN is not in the settings"
        );
        app.lock().await.unwrap();
        assert_eq!(app.unlock("1357".to_owned().into()).await.unwrap_err().code, ErrorCode::UnlockRefused);
        app.unlock("2468".to_owned().into()).await.unwrap();
        // After a restart the PIN comes back from the keychain.
        assert!(restarted(&app, dir.path()).restore_session().await.unwrap().unwrap().can_unlock);
    }

    #[tokio::test]
    async fn the_demo_never_locks_and_the_idle_minutes_are_a_setting() {
        let dir = tempfile::tempdir().unwrap();
        let app = state(dir.path(), mock_secrets());
        assert_eq!(app.app_settings().idle_lock_minutes, 10);
        app.set_idle_lock_minutes(0).unwrap();
        assert_eq!(app.app_settings().idle_lock_minutes, 0);
        assert_eq!(app.set_idle_lock_minutes(241).unwrap_err().code, ErrorCode::InvalidInput);
        assert_eq!(app.app_settings().payment_check_seconds, 60);
        app.set_payment_check_seconds(90).unwrap();
        assert_eq!(app.app_settings().payment_check_seconds, 90);
        for bad in [0, 14, 601] {
            assert_eq!(app.set_payment_check_seconds(bad).unwrap_err().code, ErrorCode::InvalidInput);
        }
        for bad in ["http://updates.example/latest.json", "updates.example", "not a url"] {
            assert_eq!(app.set_update_endpoint(bad.into()).unwrap_err().code, ErrorCode::InvalidInput, "{bad}");
        }
        app.set_update_endpoint(" https://updates.example/latest.json ".into()).unwrap();
        assert_eq!(app.update_endpoint().as_deref(), Some("https://updates.example/latest.json"));
        app.set_update_endpoint(String::new()).unwrap();
        assert_eq!(app.update_endpoint(), None);
        app.start_demo().await.unwrap();
        assert!(!app.lock().await.unwrap().locked);
        app.list_centers().await.unwrap();
    }
}
