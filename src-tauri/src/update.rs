//! Signed auto-update: where to look, what was found, and errors in words a receptionist can
//! act on. Behind the `updater` feature (on by default) so that distribution packages, updated
//! by their package manager, can leave it out. Development builds never check on their own.

use serde::Serialize;
use ts_rs::TS;

/// How long after start-up the first check runs, and how often after that.
pub const FIRST_CHECK_AFTER: std::time::Duration = std::time::Duration::from_secs(60);
pub const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(6 * 3600);

/// What the last check found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct UpdateStatus {
    pub current_version: String,
    /// A newer version, signed with our key, is available.
    pub available: Option<AvailableUpdate>,
    /// RFC 3339, UTC.
    pub checked_at: Option<String>,
    /// Why the last check failed, if it did.
    pub error: Option<String>,
    /// The version the server offered when it was older than this one (never installed).
    pub older_offered: Option<String>,
    /// Updates are left out of this build (a distribution package) or off (a development build).
    pub disabled: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AvailableUpdate {
    pub version: String,
    pub notes: Option<String>,
    pub date: Option<String>,
}

/// Download progress of an update being installed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum UpdateProgress {
    Downloading { received: u64, total: Option<u64> },
    Installing,
}

/// The updates of this running app: the last check, and the update it found.
#[derive(Default)]
pub struct Updates {
    pub status: std::sync::Mutex<UpdateStatus>,
    #[cfg(feature = "updater")]
    pub found: tokio::sync::Mutex<Option<tauri_plugin_updater::Update>>,
}

#[cfg(feature = "updater")]
pub use with_updater::*;

#[cfg(feature = "updater")]
mod with_updater {
    use tauri::{AppHandle, Runtime};
    use tauri_plugin_updater::{Error, Update, UpdaterExt};

    use super::*;
    use crate::error::{ErrorCode, IpcError};

    /// What a check found.
    pub struct Checked {
        /// A newer release, signed (its download is verified against our key).
        pub update: Option<Update>,
        /// The version the server offered when it was older than this one: never installed.
        pub older_offered: Option<String>,
    }

    /// A check of `endpoint` (the configured endpoints when `None`). Only a newer version is
    /// ever offered for install (no downgrade); an older one is reported as such.
    pub async fn check<R: Runtime>(app: &AppHandle<R>, endpoint: Option<url::Url>) -> Result<Checked, IpcError> {
        let offered = std::sync::Arc::new(std::sync::Mutex::new(None));
        let seen = offered.clone();
        let mut builder = app.updater_builder().version_comparator(move |current, remote| {
            if remote.version < current {
                *seen.lock().unwrap() = Some(remote.version.to_string());
            }
            remote.version > current
        });
        if let Some(url) = endpoint {
            builder = builder.endpoints(vec![url]).map_err(updater_error)?;
        }
        let update = builder.build().map_err(updater_error)?.check().await.map_err(updater_error)?;
        let older_offered = offered.lock().unwrap().take();
        Ok(Checked { update, older_offered })
    }

    /// Downloads the update; its signature is checked when it is installed.
    pub async fn download(update: &Update, progress: impl Fn(UpdateProgress)) -> Result<Vec<u8>, IpcError> {
        let mut received = 0u64;
        update
            .download(
                |chunk, total| {
                    received += chunk as u64;
                    progress(UpdateProgress::Downloading { received, total });
                },
                || {},
            )
            .await
            .map_err(updater_error)
    }

    /// Checks the signature and installs (it takes effect on restart; on Windows the installer
    /// ends this process itself, so nothing after this call may be relied on there).
    pub fn install(update: &Update, bytes: Vec<u8>, progress: impl Fn(UpdateProgress)) -> Result<(), IpcError> {
        progress(UpdateProgress::Installing);
        update.install(bytes).map_err(updater_error)
    }

    /// Checks (the workstation's address, else the built-in one), records what it found in
    /// [`Updates`], and returns the status.
    pub async fn run_check<R: Runtime>(
        app: &AppHandle<R>,
        updates: &Updates,
        endpoint: Option<String>,
    ) -> UpdateStatus {
        let current_version = app.package_info().version.to_string();
        let endpoint = match endpoint.filter(|e| !e.trim().is_empty()).map(|e| url::Url::parse(e.trim())) {
            Some(Err(_)) => {
                let status = UpdateStatus {
                    current_version,
                    error: Some(
                        "The update address in Settings is not a web address. Correct it, then check again.".into(),
                    ),
                    checked_at: Some(chrono::Utc::now().to_rfc3339()),
                    ..Default::default()
                };
                *updates.status.lock().unwrap() = status.clone();
                return status;
            }
            Some(Ok(url)) => Some(url),
            None => None,
        };
        let result = check(app, endpoint).await;
        let status = UpdateStatus {
            current_version,
            available: result.as_ref().ok().and_then(|c| c.update.as_ref().map(available)),
            checked_at: Some(chrono::Utc::now().to_rfc3339()),
            error: result.as_ref().err().map(|e| e.message.clone()),
            older_offered: result.as_ref().ok().and_then(|c| c.older_offered.clone()),
            disabled: None,
        };
        match &result {
            Ok(checked) => tracing::info!(
                available = ?checked.update.as_ref().map(|u| &u.version),
                older_offered = ?checked.older_offered,
                "update check done"
            ),
            Err(err) => tracing::warn!(error = ?err.detail, "update check failed"),
        }
        *updates.found.lock().await = result.ok().and_then(|c| c.update);
        *updates.status.lock().unwrap() = status.clone();
        status
    }

    pub fn available(update: &Update) -> AvailableUpdate {
        AvailableUpdate {
            version: update.version.clone(),
            notes: update.body.clone(),
            date: update.date.map(|d| d.to_string()),
        }
    }

    /// The updater's errors in words; the raw error is the detail.
    pub fn updater_error(err: Error) -> IpcError {
        let message = match &err {
            Error::Minisign(_) | Error::SignatureUtf8(_) | Error::Base64(_) => {
                "The update's signature does not match Front Desk's key, so it was not installed. Front Desk keeps working; tell your IT person."
            }
            Error::SignedVersionMismatch { .. } | Error::MissingSignedVersion => {
                "The update server offered a package signed for another version than it announced, so it was not installed. Front Desk keeps working; tell your IT person."
            }
            Error::TargetNotFound(_) | Error::TargetsNotFound(_) => {
                "The update server has no Front Desk for this kind of computer. Front Desk keeps working as it is."
            }
            Error::ReleaseNotFound | Error::Serialization(_) => {
                "The update server's answer could not be read. Front Desk keeps working; try again later."
            }
            Error::Reqwest(_) | Error::Network(_) => {
                "The update server could not be reached. Check the connection; Front Desk keeps working and will try again later."
            }
            Error::InsecureTransportProtocol => {
                "The update address must start with https://. Correct it in Settings."
            }
            _ => "The update could not be installed. Front Desk keeps working as it is; try again later.",
        };
        IpcError::new(ErrorCode::UpdateFailed, message).with_detail(err.to_string())
    }
}
