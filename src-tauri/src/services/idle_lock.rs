//! The idle lock of a signed-in workstation: locking, unlocking with the employee's password
//! or the API-key workstation's PIN, and the wrong tries counted. The lock and its tries are
//! kept in the keychain entry beside the sign-in, where a settings file cannot undo them.

use std::sync::atomic::Ordering;

use secrecy::{ExposeSecret, SecretString};

use crate::error::{CommandResult, ErrorCode, IpcError};
use crate::secrets::{LockState, SavedCredentials};
use crate::services::connection::{Connection, SessionInfo, SessionMode};

/// Wrong passwords or PINs at the lock screen before Front Desk signs out.
pub const MAX_UNLOCK_TRIES: u32 = 5;

/// What unlocks the idle lock.
pub(super) enum Unlock {
    /// The employee's own password (kept for signing in anyway).
    Password(SecretString),
    /// The salted hash of the API-key workstation's PIN; the PIN itself is never kept.
    PinHash(String),
}

impl Unlock {
    pub(super) fn accepts(&self, given: &SecretString) -> bool {
        match self {
            Unlock::Password(password) => password.expose_secret() == given.expose_secret(),
            Unlock::PinHash(hash) => crate::secrets::pin_matches(hash, given),
        }
    }
}

impl Connection {
    pub(super) fn unlocked_in_memory(&self) {
        self.locked.store(false, Ordering::SeqCst);
        self.failed_unlocks.store(0, Ordering::SeqCst);
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
            self.locked.store(true, Ordering::SeqCst);
            let failed_tries = self.failed_unlocks.load(Ordering::SeqCst);
            tracing::info!("workstation locked after being idle");
            // Locked now whatever happens; kept across a restart when the keychain takes it.
            if let Err(err) = self.record_lock(LockState { locked: true, failed_tries }).await {
                tracing::error!(error = %err, "the lock could not be recorded in the keychain");
            }
        }
        Ok(self.describe(session))
    }

    /// Unlocks with the employee's password or the workstation PIN. After [`MAX_UNLOCK_TRIES`]
    /// wrong tries the session ends and the saved sign-in is removed.
    pub async fn unlock(&self, secret: SecretString) -> CommandResult<SessionInfo> {
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
            return Ok(self.describe(slot.as_ref().ok_or_else(IpcError::not_signed_in)?));
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
        self.unlocked()?;
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
        Ok(self.describe(session))
    }
}
