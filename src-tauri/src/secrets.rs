//! The only place secrets are stored: the OS keychain, through the `keyring` crate (Secret
//! Service on Linux, Keychain on macOS, Credential Manager on Windows).
//!
//! One entry, named after the app identifier, holds the saved credentials as JSON, and with them
//! the idle lock's state (locked, wrong tries), so that editing a settings file cannot undo a
//! lock. There is no fallback: when the keychain cannot be used, the user is told, and nothing is
//! kept elsewhere. The API-key workstation PIN is kept only as a salted Argon2 hash.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, IpcError};

/// The keychain account name of the entry.
const ENTRY_USER: &str = "zenoti-credentials";

/// The keychain account name of the hub's desk token (kept across sign-outs: it identifies the
/// workstation, not the person).
const HUB_ENTRY_USER: &str = "hub-desk-token";

/// What is saved to sign in again after a restart.
#[derive(Debug, Clone)]
pub enum SavedCredentials {
    ApiKey {
        base_url: String,
        api_key: SecretString,
        /// The salted hash (Argon2, PHC string) of the workstation PIN that unlocks the idle
        /// lock (employees use their password).
        pin_hash: Option<String>,
    },
    Employee {
        base_url: String,
        account_name: String,
        user_name: String,
        password: SecretString,
        app_id: String,
        app_secret: SecretString,
    },
}

/// The idle lock's state, kept in the keychain entry beside the sign-in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockState {
    pub locked: bool,
    /// Wrong passwords or PINs given since the last unlock.
    pub failed_tries: u32,
}

/// The entry as written: the sign-in and the lock's state.
#[derive(Serialize, Deserialize)]
struct StoredEntry {
    #[serde(flatten)]
    login: Stored,
    #[serde(default)]
    lock: LockState,
}

/// The stored form; built only to be written to, or read from, the keychain.
#[derive(Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
enum Stored {
    ApiKey {
        base_url: String,
        api_key: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pin_hash: Option<String>,
        /// A PIN kept in clear by earlier versions: read once, hashed, never written again.
        #[serde(default, skip_serializing)]
        pin: Option<String>,
    },
    Employee {
        base_url: String,
        account_name: String,
        user_name: String,
        password: String,
        app_id: String,
        app_secret: String,
    },
}

impl SavedCredentials {
    fn to_stored(&self) -> Stored {
        match self {
            SavedCredentials::ApiKey { base_url, api_key, pin_hash } => Stored::ApiKey {
                base_url: base_url.clone(),
                api_key: api_key.expose_secret().to_owned(),
                pin_hash: pin_hash.clone(),
                pin: None,
            },
            SavedCredentials::Employee { base_url, account_name, user_name, password, app_id, app_secret } => {
                Stored::Employee {
                    base_url: base_url.clone(),
                    account_name: account_name.clone(),
                    user_name: user_name.clone(),
                    password: password.expose_secret().to_owned(),
                    app_id: app_id.clone(),
                    app_secret: app_secret.expose_secret().to_owned(),
                }
            }
        }
    }

    fn from_stored(stored: Stored) -> Self {
        match stored {
            Stored::ApiKey { base_url, api_key, pin_hash, pin } => {
                let pin_hash = pin_hash.or_else(|| pin.and_then(|p| hash_pin(&SecretString::from(p)).ok()));
                SavedCredentials::ApiKey { base_url, api_key: api_key.into(), pin_hash }
            }
            Stored::Employee { base_url, account_name, user_name, password, app_id, app_secret } => {
                SavedCredentials::Employee {
                    base_url,
                    account_name,
                    user_name,
                    password: password.into(),
                    app_id,
                    app_secret: app_secret.into(),
                }
            }
        }
    }
}

/// The salted slow hash of a workstation PIN, as a PHC string (`$argon2id$…`).
pub fn hash_pin(pin: &SecretString) -> Result<String, IpcError> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default().hash_password(pin.expose_secret().as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| {
        IpcError::new(ErrorCode::Internal, "The PIN could not be prepared for saving. Try again.")
            .with_detail(e.to_string())
    })
}

/// Whether `pin` is the one `hash` was made from.
pub fn pin_matches(hash: &str, pin: &SecretString) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .is_ok_and(|h| argon2::Argon2::default().verify_password(pin.expose_secret().as_bytes(), &h).is_ok())
}

/// The app's keychain entry. Holds one `keyring::Entry` for its whole life (keyring's mock store,
/// used in unit tests, keeps a secret only inside the `Entry` that wrote it).
pub struct SecretStore {
    entry: Result<keyring::Entry, keyring::Error>,
    hub_entry: Result<keyring::Entry, keyring::Error>,
}

impl SecretStore {
    /// `service` is the app identifier, which namespaces the entry.
    pub fn new(service: &str) -> Self {
        SecretStore {
            entry: keyring::Entry::new(service, ENTRY_USER),
            hub_entry: keyring::Entry::new(service, HUB_ENTRY_USER),
        }
    }

    fn entry(&self) -> Result<&keyring::Entry, IpcError> {
        self.entry.as_ref().map_err(|e| keychain_error(e, "open"))
    }

    /// Saves a sign-in, unlocked.
    pub fn save(&self, credentials: &SavedCredentials) -> Result<(), IpcError> {
        self.write(&StoredEntry { login: credentials.to_stored(), lock: LockState::default() })
    }

    fn write(&self, entry: &StoredEntry) -> Result<(), IpcError> {
        let json = serde_json::to_string(entry).map_err(|e| {
            IpcError::new(ErrorCode::Internal, "Could not prepare the sign-in for saving.").with_detail(e.to_string())
        })?;
        let json = SecretString::from(json);
        self.entry()?.set_password(json.expose_secret()).map_err(|e| keychain_error(&e, "save"))
    }

    fn read(&self) -> Result<Option<StoredEntry>, IpcError> {
        match self.entry()?.get_password() {
            Ok(json) => {
                let json = SecretString::from(json);
                serde_json::from_str::<StoredEntry>(json.expose_secret())
                    .map(Some)
                    // The text is never shown: it holds secrets.
                    .map_err(|_| {
                        IpcError::new(
                            ErrorCode::KeychainError,
                            "The saved sign-in in the keychain could not be read. Sign in again to replace it.",
                        )
                    })
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain_error(&e, "read")),
        }
    }

    /// The saved credentials and the lock's state; `None` when nothing is saved. A PIN an
    /// earlier version kept in clear is hashed and the entry written again without it.
    pub fn load(&self) -> Result<Option<(SavedCredentials, LockState)>, IpcError> {
        let Some(entry) = self.read()? else { return Ok(None) };
        let legacy_pin = matches!(&entry.login, Stored::ApiKey { pin: Some(_), .. });
        let credentials = SavedCredentials::from_stored(entry.login);
        if legacy_pin {
            self.write(&StoredEntry { login: credentials.to_stored(), lock: entry.lock })?;
        }
        Ok(Some((credentials, entry.lock)))
    }

    /// Records the lock's state beside the saved sign-in (nothing to do without one).
    pub fn save_lock(&self, lock: LockState) -> Result<(), IpcError> {
        match self.read()? {
            Some(entry) => self.write(&StoredEntry { lock, ..entry }),
            None => Ok(()),
        }
    }

    /// Makes the next keychain call fail (keyring's mock store), for tests.
    #[cfg(test)]
    pub(crate) fn fail_next(&self, err: keyring::Error) {
        let entry = self.entry.as_ref().unwrap();
        let mock: &keyring::mock::MockCredential = entry.get_credential().downcast_ref().unwrap();
        mock.set_error(err);
    }

    fn hub_entry(&self) -> Result<&keyring::Entry, IpcError> {
        self.hub_entry.as_ref().map_err(|e| keychain_error(e, "open"))
    }

    /// Keeps the hub's desk token.
    pub fn save_hub_token(&self, token: &SecretString) -> Result<(), IpcError> {
        self.hub_entry()?.set_password(token.expose_secret()).map_err(|e| keychain_error(&e, "save"))
    }

    /// The hub's desk token, if this workstation joined a hub.
    pub fn load_hub_token(&self) -> Result<Option<SecretString>, IpcError> {
        match self.hub_entry()?.get_password() {
            Ok(token) => Ok(Some(SecretString::from(token))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain_error(&e, "read")),
        }
    }

    /// Forgets the hub's desk token; succeeds when there was none.
    pub fn delete_hub_token(&self) -> Result<(), IpcError> {
        match self.hub_entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain_error(&e, "remove")),
        }
    }

    /// Removes the saved credentials; succeeds when there were none.
    pub fn delete(&self) -> Result<(), IpcError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain_error(&e, "remove")),
        }
    }
}

/// A keychain failure in words a receptionist (and the IT person they call) can act on.
fn keychain_error(err: &keyring::Error, action: &str) -> IpcError {
    let detail = format!("could not {action} the keychain entry: {err}");
    let text = err.to_string();
    let unavailable = text.contains("org.freedesktop.secrets")
        || text.contains("autolaunch")
        || text.contains("D-Bus")
        || text.contains("dbus")
        || matches!(err, keyring::Error::PlatformFailure(_));
    match err {
        keyring::Error::NoStorageAccess(_) => IpcError::new(
            ErrorCode::KeychainLocked,
            "The system keychain is locked or refused access. Unlock it (sign in to this computer's desktop again), then try again.",
        ),
        _ if unavailable => IpcError::new(
            ErrorCode::KeychainUnavailable,
            "No system keychain is available on this computer, so the sign-in cannot be kept safely. Ask IT to enable the keychain (GNOME Keyring or KWallet on Linux), then try again.",
        ),
        _ => IpcError::new(
            ErrorCode::KeychainError,
            "The system keychain could not be used. Try again; if it keeps happening, restart the computer.",
        ),
    }
    .with_detail(detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Once;

    fn mock_store() -> SecretStore {
        static INIT: Once = Once::new();
        INIT.call_once(|| keyring::set_default_credential_builder(keyring::mock::default_credential_builder()));
        SecretStore::new("com.frontdesk.client.test")
    }

    fn employee() -> SavedCredentials {
        SavedCredentials::Employee {
            base_url: "https://api.zenoti.com".into(),
            account_name: "spabliss".into(),
            user_name: "anna".into(),
            password: "pw-123".into(),
            app_id: "app".into(),
            app_secret: "app-secret".into(),
        }
    }

    #[test]
    fn save_load_delete() {
        let store = mock_store();
        assert!(store.load().unwrap().is_none());
        store.save(&employee()).unwrap();
        match store.load().unwrap() {
            Some((SavedCredentials::Employee { user_name, password, app_secret, .. }, lock)) => {
                assert_eq!(lock, LockState::default());
                assert_eq!(user_name, "anna");
                assert_eq!(password.expose_secret(), "pw-123");
                assert_eq!(app_secret.expose_secret(), "app-secret");
            }
            other => panic!("{other:?}"),
        }
        store.delete().unwrap();
        assert!(store.load().unwrap().is_none());
        store.delete().unwrap();
    }

    #[test]
    fn the_lock_lives_beside_the_sign_in() {
        let store = mock_store();
        store.save_lock(LockState { locked: true, failed_tries: 1 }).unwrap();
        assert!(store.load().unwrap().is_none(), "no sign-in, nothing to lock");
        store.save(&employee()).unwrap();
        store.save_lock(LockState { locked: true, failed_tries: 2 }).unwrap();
        assert_eq!(store.load().unwrap().unwrap().1, LockState { locked: true, failed_tries: 2 });
        // Signing in again saves the sign-in unlocked.
        store.save(&employee()).unwrap();
        assert_eq!(store.load().unwrap().unwrap().1, LockState::default());
    }

    #[test]
    fn a_pin_is_kept_only_as_a_salted_hash_and_a_clear_one_is_migrated() {
        let pin = SecretString::from("2468".to_owned());
        let (a, b) = (hash_pin(&pin).unwrap(), hash_pin(&pin).unwrap());
        assert!(a.starts_with("$argon2id$") && a != b, "salted: {a} {b}");
        assert!(pin_matches(&a, &pin) && !pin_matches(&a, &SecretString::from("1357".to_owned())));
        assert!(!pin_matches("not a hash", &pin));
        let store = mock_store();
        store
            .entry
            .as_ref()
            .unwrap()
            .set_password(r#"{"method":"api_key","base_url":"https://api.zenoti.com","api_key":"k","pin":"2468"}"#)
            .unwrap();
        match store.load().unwrap() {
            Some((SavedCredentials::ApiKey { pin_hash: Some(hash), .. }, _)) => assert!(pin_matches(&hash, &pin)),
            other => panic!("{other:?}"),
        }
        let stored = store.entry.as_ref().unwrap().get_password().unwrap();
        assert!(!stored.contains("2468") && stored.contains("$argon2id$"), "{stored}");
    }

    #[test]
    fn debug_never_shows_secrets() {
        let text = format!("{:?}", employee());
        assert!(!text.contains("pw-123") && !text.contains("app-secret"), "{text}");
    }

    fn with_error(err: keyring::Error) -> IpcError {
        let store = mock_store();
        let entry = store.entry.as_ref().unwrap();
        let mock: &keyring::mock::MockCredential = entry.get_credential().downcast_ref().unwrap();
        mock.set_error(err);
        store.save(&employee()).unwrap_err()
    }

    #[test]
    fn a_locked_keychain_says_unlock_it() {
        let err = with_error(keyring::Error::NoStorageAccess("locked".into()));
        assert_eq!(err.code, ErrorCode::KeychainLocked);
        assert!(err.message.contains("Unlock"));
    }

    #[test]
    fn a_missing_secret_service_says_so() {
        let err = with_error(keyring::Error::PlatformFailure(
            "The name org.freedesktop.secrets was not provided by any .service files".into(),
        ));
        assert_eq!(err.code, ErrorCode::KeychainUnavailable);
        assert!(err.message.contains("No system keychain"));
    }

    #[test]
    fn unreadable_content_never_echoes_it() {
        let store = mock_store();
        store.entry.as_ref().unwrap().set_password("{not json with secret-xyz").unwrap();
        let err = store.load().unwrap_err();
        assert_eq!(err.code, ErrorCode::KeychainError);
        assert!(!format!("{err:?}").contains("secret-xyz"));
    }
}
