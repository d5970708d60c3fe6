//! This workstation's settings: what the sign-in screen shows, the center chosen per
//! connection, the idle lock's minutes, the payment check window, the cash register and where
//! updates come from. Every change is refused while the workstation is locked ([`Unlocked`]).

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{CommandResult, ErrorCode, IpcError};
use crate::services::connection::{Connected, Unlocked};
use crate::settings::{CenterChoice, Settings, SettingsStore, SignInHint};

/// The payment-check settings a workstation may choose, in seconds.
const PAYMENT_CHECK_SECONDS: std::ops::RangeInclusive<u32> = 15..=600;

/// The longest idle lock a workstation may choose, in minutes.
const MAX_IDLE_LOCK_MINUTES: u32 = 240;

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

pub struct Workstation {
    settings: Arc<SettingsStore>,
}

impl Workstation {
    pub fn new(settings: Arc<SettingsStore>) -> Self {
        Workstation { settings }
    }

    /// Every setting, as saved.
    pub fn settings(&self) -> Settings {
        self.settings.get()
    }

    /// The settings file (for the support bundle; it holds no secret).
    pub fn settings_path(&self) -> &std::path::Path {
        self.settings.path()
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

    /// Remembers the center for this workstation and connection.
    pub fn select_center(&self, connected: &Connected, center: CenterChoice) -> CommandResult<()> {
        if center.id.trim().is_empty() {
            return Err(IpcError::new(ErrorCode::InvalidInput, "Choose a center from the list."));
        }
        self.settings.update(|s| {
            s.centers.insert(connected.connection_key().to_owned(), center);
        })?;
        Ok(())
    }

    /// After how many idle minutes the workstation locks (0: never).
    pub fn set_idle_lock_minutes(&self, _: &Unlocked, minutes: u32) -> CommandResult<()> {
        if minutes > MAX_IDLE_LOCK_MINUTES {
            return Err(IpcError::new(ErrorCode::InvalidInput, "Choose at most 240 minutes (4 hours)."));
        }
        self.settings.update(|s| s.idle_lock_minutes = minutes)?;
        Ok(())
    }

    /// How long a payment whose answer was lost is checked for before "not seen yet".
    pub fn set_payment_check_seconds(&self, _: &Unlocked, seconds: u32) -> CommandResult<()> {
        if !PAYMENT_CHECK_SECONDS.contains(&seconds) {
            return Err(IpcError::new(
                ErrorCode::InvalidInput,
                "Choose between 15 and 600 seconds: long enough for a slow Zenoti to finish a payment.",
            ));
        }
        self.settings.update(|s| s.payment_check_seconds = seconds)?;
        Ok(())
    }

    /// The payment check window this workstation chose.
    pub fn payment_check_window(&self) -> Duration {
        let seconds = self.settings.get().payment_check_seconds;
        Duration::from_secs(seconds.clamp(*PAYMENT_CHECK_SECONDS.start(), *PAYMENT_CHECK_SECONDS.end()).into())
    }

    /// The cash register this workstation pays on; empty for none.
    pub fn set_cash_register(&self, _: &Unlocked, id: String) -> CommandResult<()> {
        let id = id.trim().to_owned();
        self.settings.update(|s| s.cash_register_id = (!id.is_empty()).then_some(id))?;
        Ok(())
    }

    /// Sets where this workstation looks for updates (https); empty for the built-in address.
    pub fn set_update_endpoint(&self, _: &Unlocked, endpoint: String) -> CommandResult<()> {
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
}
