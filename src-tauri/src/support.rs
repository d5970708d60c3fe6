//! What an IT person needs: rolling log files, the app's version and build, and a support
//! bundle (logs, versions, OS, settings) that never holds a secret.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;
use zip::write::SimpleFileOptions;

use crate::error::{ErrorCode, IpcError};
use crate::services::connection::{SessionInfo, Unlocked};

/// Log files are kept this many days.
pub const LOG_DAYS: usize = 14;

/// The daily log file writer: `frontdesk.YYYY-MM-DD.log` in `dir`, the last [`LOG_DAYS`] kept.
pub fn log_files(
    dir: &Path,
) -> Result<tracing_appender::rolling::RollingFileAppender, tracing_appender::rolling::InitError> {
    tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("frontdesk")
        .filename_suffix("log")
        .max_log_files(LOG_DAYS)
        .build(dir)
}

/// This build of the app.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BuildInfo {
    pub version: String,
    /// The commit it was built from, when known.
    pub commit: Option<String>,
    /// `debug` or `release`.
    pub profile: String,
    /// Operating system and architecture.
    pub platform: String,
}

impl BuildInfo {
    /// This build, at `version`: the app's package version (`AppHandle::package_info`), which a
    /// release may set in its Tauri configuration and which the updater compares against.
    pub fn new(version: impl Into<String>) -> BuildInfo {
        BuildInfo {
            version: version.into(),
            commit: option_env!("FRONTDESK_COMMIT").filter(|c| !c.is_empty()).map(str::to_owned),
            profile: if cfg!(debug_assertions) { "debug" } else { "release" }.to_owned(),
            platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        }
    }
}

/// The About screen: this build, and where it is connected.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct About {
    pub build: BuildInfo,
    /// The data-center URL in use (or the demo's local address).
    pub base_url: Option<String>,
    /// `api_key`, `employee`, `demo`, or none when signed out.
    pub mode: Option<String>,
    pub log_dir: String,
}

impl About {
    /// This build, and where it is connected: the session's address, or the saved one when
    /// signed out.
    pub fn new(build: BuildInfo, session: Option<SessionInfo>, saved_base_url: String, log_dir: &Path) -> About {
        About {
            build,
            base_url: Some(session.as_ref().map_or(saved_base_url, |s| s.base_url.clone())),
            mode: session.and_then(|s| serde_json::to_value(s.mode).ok()?.as_str().map(str::to_owned)),
            log_dir: log_dir.display().to_string(),
        }
    }
}

/// Writes a support bundle into `dir` (refused while locked) and returns its path.
pub fn export(
    _: &Unlocked,
    dir: &Path,
    log_dir: &Path,
    settings_file: &Path,
    diagnostics_file: &Path,
    about: &About,
) -> Result<String, IpcError> {
    let name = format!("front-desk-support-{}.zip", chrono::Local::now().format("%Y-%m-%d-%H%M%S"));
    Ok(write_bundle(&dir.join(name), log_dir, settings_file, diagnostics_file, about)?.display().to_string())
}

/// The operating system as it describes itself.
fn os_description() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| t.lines().find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|v| v.trim_matches('"').to_owned())))
        .unwrap_or_else(|| std::env::consts::OS.to_owned())
}

/// Writes a zip of the log files, the versions and OS, the settings file and the diagnostics
/// log to `out`. Settings hold no secret (secrets live only in the keychain), the diagnostics
/// log no value; nothing else is read.
pub fn write_bundle(
    out: &Path,
    log_dir: &Path,
    settings_file: &Path,
    diagnostics_file: &Path,
    about: &About,
) -> Result<PathBuf, IpcError> {
    let write = || -> Result<(), Box<dyn std::error::Error>> {
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut zip = zip::ZipWriter::new(std::fs::File::create(out)?);
        let options = SimpleFileOptions::default();
        zip.start_file("about.json", options)?;
        let about_json = serde_json::json!({
            "app": about,
            "os": os_description(),
            "written_at": chrono::Utc::now().to_rfc3339(),
        });
        zip.write_all(serde_json::to_string_pretty(&about_json)?.as_bytes())?;
        if let Ok(settings) = std::fs::read(settings_file) {
            zip.start_file("settings.json", options)?;
            zip.write_all(&settings)?;
        }
        if let Ok(diagnostics) = std::fs::read(diagnostics_file) {
            zip.start_file("diagnostics.json", options)?;
            zip.write_all(&diagnostics)?;
        }
        let mut logs: Vec<PathBuf> = std::fs::read_dir(log_dir)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect())
            .unwrap_or_default();
        logs.sort();
        for log in logs {
            let name = log.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            zip.start_file(format!("logs/{name}"), options)?;
            zip.write_all(&std::fs::read(&log)?)?;
        }
        zip.finish()?;
        Ok(())
    };
    write().map_err(|e| {
        IpcError::new(
            ErrorCode::SettingsError,
            "The support bundle could not be written to that folder. Check the disk, then try again.",
        )
        .with_detail(format!("{}: {e}", out.display()))
    })?;
    Ok(out.to_path_buf())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn about() -> About {
        About { build: BuildInfo::new(env!("CARGO_PKG_VERSION")), base_url: None, mode: None, log_dir: "logs".into() }
    }

    #[test]
    fn the_bundle_holds_logs_versions_and_settings() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        std::fs::write(logs.join("frontdesk.2026-11-21.log"), "yesterday\n").unwrap();
        std::fs::write(logs.join("frontdesk.2026-11-22.log"), "today\n").unwrap();
        let settings = dir.path().join("settings.json");
        std::fs::write(&settings, r#"{"base_url":"https://api.zenoti.com"}"#).unwrap();
        let diagnostics = dir.path().join("diagnostics.json");
        std::fs::write(&diagnostics, "[]").unwrap();
        let out = write_bundle(&dir.path().join("out/support.zip"), &logs, &settings, &diagnostics, &about()).unwrap();

        let mut zip = zip::ZipArchive::new(std::fs::File::open(out).unwrap()).unwrap();
        let mut names: Vec<String> = zip.file_names().map(str::to_owned).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "about.json",
                "diagnostics.json",
                "logs/frontdesk.2026-11-21.log",
                "logs/frontdesk.2026-11-22.log",
                "settings.json"
            ]
        );
        let mut text = String::new();
        zip.by_name("about.json").unwrap().read_to_string(&mut text).unwrap();
        let about: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(about["app"]["build"]["version"], env!("CARGO_PKG_VERSION"));
        assert!(about["os"].as_str().is_some_and(|s| !s.is_empty()));
    }

    #[test]
    fn a_bundle_that_cannot_be_written_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, "").unwrap();
        let none = dir.path().join("none");
        let err = write_bundle(&blocked.join("support.zip"), dir.path(), &none, &none, &about());
        assert_eq!(err.unwrap_err().code, ErrorCode::SettingsError);
    }

    #[test]
    fn log_files_roll_daily_in_their_folder() {
        use std::io::Write as _;
        let dir = tempfile::tempdir().unwrap();
        let mut writer = log_files(dir.path()).unwrap();
        writer.write_all(b"a line\n").unwrap();
        writer.flush().unwrap();
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
        assert_eq!(names, [format!("frontdesk.{today}.log")]);
    }
}
