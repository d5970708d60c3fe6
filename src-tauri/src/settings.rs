//! Workstation settings: a JSON file in the app's config folder. Never a secret.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, IpcError};

/// The center chosen on this workstation for one connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CenterChoice {
    pub id: String,
    pub name: String,
    /// ISO 4217 code, for formatting prices.
    pub currency: Option<String>,
    /// The center's culture (such as "en-US"), for formatting numbers and prices.
    #[serde(default)]
    pub culture: Option<String>,
}

/// The kind of sign-in last used, to open the sign-in form where the user left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SignInMethod {
    ApiKey,
    Employee,
}

/// What the sign-in form may show again: no secret.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SignInHint {
    pub method: Option<SignInMethod>,
    pub account_name: Option<String>,
    pub user_name: Option<String>,
    pub app_id: Option<String>,
}

/// The hub joined: never its token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HubSettings {
    pub url: String,
    pub desk_name: String,
    pub center_id: Option<String>,
    /// Desks enrolled at the hub when this one joined: its fair share of the limit offline.
    #[serde(default = "one")]
    pub desks: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The data-center base URL.
    pub base_url: String,
    /// Identifies this workstation to Zenoti (`device_id` of the token request).
    pub device_id: String,
    pub sign_in_hint: SignInHint,
    /// The chosen center per connection (a base URL, or "demo").
    pub centers: BTreeMap<String, CenterChoice>,
    /// The Zenoti cash register this workstation takes payments on (no API lists them).
    pub cash_register_id: Option<String>,
    /// Minutes idle before the workstation locks; 0 never.
    pub idle_lock_minutes: u32,
    /// The hub this workstation joined (its token is in the keychain), and the desk's name there.
    pub hub: Option<HubSettings>,
    /// Where to look for updates; `None` for the address built into the app.
    pub update_endpoint: Option<String>,
    /// How long a payment whose answer was lost is checked for before "not seen yet".
    pub payment_check_seconds: u32,
    /// Per connection, how its Zenoti answers where the docs leave two readings open (found by
    /// Settings → Check connection).
    pub readings: BTreeMap<String, zenoti::Readings>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            base_url: zenoti::DEFAULT_BASE_URL.to_owned(),
            device_id: format!("frontdesk-{:016x}", fastrand::u64(..)),
            sign_in_hint: SignInHint::default(),
            centers: BTreeMap::new(),
            cash_register_id: None,
            idle_lock_minutes: 10,
            update_endpoint: None,
            hub: None,
            payment_check_seconds: crate::redemption::DEFAULT_CHECK_SECONDS,
            readings: BTreeMap::new(),
        }
    }
}

/// The settings file, read once and written on every change.
pub struct SettingsStore {
    path: PathBuf,
    current: Mutex<Settings>,
}

impl SettingsStore {
    /// Reads `dir/settings.json`; a missing or unreadable file gives the defaults (and the
    /// unreadable one is kept aside as `settings.json.bad` for support).
    pub fn open(dir: &Path) -> Self {
        let path = dir.join("settings.json");
        let current = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|err| {
                tracing::warn!(%err, "settings file unreadable; starting from defaults");
                let _ = std::fs::rename(&path, path.with_extension("json.bad"));
                Settings::default()
            }),
            Err(_) => Settings::default(),
        };
        SettingsStore { path, current: Mutex::new(current) }
    }

    /// The settings file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self) -> Settings {
        self.current.lock().unwrap().clone()
    }

    /// Applies a change and writes the file (atomically, through a temporary file).
    pub fn update(&self, change: impl FnOnce(&mut Settings)) -> Result<Settings, IpcError> {
        let mut current = self.current.lock().unwrap();
        let mut next = current.clone();
        change(&mut next);
        let json = serde_json::to_vec_pretty(&next).expect("settings serialize");
        let write = || -> std::io::Result<()> {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let tmp = self.path.with_extension("json.tmp");
            std::fs::write(&tmp, &json)?;
            std::fs::rename(&tmp, &self.path)
        };
        write().map_err(|e| {
            IpcError::new(
                ErrorCode::SettingsError,
                "The settings could not be saved on this computer. Check that the disk is not full, then try again.",
            )
            .with_detail(format!("{}: {e}", self.path.display()))
        })?;
        *current = next.clone();
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::open(dir.path());
        assert_eq!(store.get().base_url, "https://api.zenoti.com");
        let device = store.get().device_id;
        store
            .update(|s| {
                s.base_url = "https://api.zenoti.eu".into();
                s.centers.insert(
                    "demo".into(),
                    CenterChoice { id: "c1".into(), name: "Downtown".into(), currency: None, culture: None },
                );
            })
            .unwrap();
        let again = SettingsStore::open(dir.path()).get();
        assert_eq!(again.base_url, "https://api.zenoti.eu");
        assert_eq!(again.device_id, device);
        assert_eq!(again.centers["demo"].name, "Downtown");
    }

    #[test]
    fn a_corrupt_file_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.json"), b"{oops").unwrap();
        let store = SettingsStore::open(dir.path());
        assert_eq!(store.get().base_url, "https://api.zenoti.com");
        assert!(dir.path().join("settings.json.bad").exists());
    }
}
