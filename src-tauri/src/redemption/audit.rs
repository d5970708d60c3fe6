//! The audit log: one JSON line per attempt and per outcome, each written whole and synced to
//! disk before the next step (an attempt that cannot be written is never sent).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, IpcError};

/// One line of the audit log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditEntry {
    /// RFC 3339, UTC.
    pub time: String,
    /// The attempt this line belongs to (absent in lines written before it was recorded).
    #[serde(default)]
    pub attempt_id: Option<String>,
    pub workstation: String,
    pub employee: String,
    pub center_id: String,
    pub invoice_id: String,
    pub invoice_number: Option<String>,
    pub guest_id: Option<String>,
    /// Points redeemed (loyalty redemptions).
    pub points: Option<String>,
    /// "Package: service" (package redemptions).
    #[serde(default)]
    pub package: Option<String>,
    pub amount: Option<String>,
    /// `attempt`, `applied`, `refused`, `not_sent`, `not_seen_yet`, `dismissed` (the
    /// receptionist checked in Zenoti that one not seen yet did not go through); older lines
    /// also `not_applied` and `unknown`.
    pub outcome: String,
    /// What showed it was applied.
    #[serde(default)]
    pub evidence: Option<String>,
    pub zenoti_code: Option<String>,
    pub zenoti_message: Option<String>,
}

pub struct AuditLog {
    path: PathBuf,
    /// One writer at a time, so lines never interleave.
    writing: Mutex<()>,
}

impl AuditLog {
    pub fn new(path: PathBuf) -> Self {
        AuditLog { path, writing: Mutex::new(()) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line in one write and syncs it to disk.
    pub fn append(&self, entry: &AuditEntry) -> std::io::Result<()> {
        let _one = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&self.path)?;
        file.write_all(&line)?;
        file.sync_data()
    }

    /// Every entry, oldest first (a line that does not read is skipped and logged).
    pub fn entries(&self) -> Vec<AuditEntry> {
        let Ok(text) = std::fs::read_to_string(&self.path) else {
            return Vec::new();
        };
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .filter_map(|l| match serde_json::from_str(l) {
                Ok(entry) => Some(entry),
                Err(err) => {
                    tracing::warn!(%err, "an audit line does not read");
                    None
                }
            })
            .collect()
    }

    /// Writes the log as CSV to `path`. Cells that a spreadsheet would run as a formula
    /// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) are quoted with `'`.
    pub fn export_csv(&self, path: &Path) -> Result<(), IpcError> {
        let write = || -> Result<(), Box<dyn std::error::Error>> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut out = csv::Writer::from_path(path)?;
            out.write_record(HEADERS)?;
            for e in self.entries() {
                let cells = [
                    Some(e.time),
                    e.attempt_id,
                    Some(e.workstation),
                    Some(e.employee),
                    Some(e.center_id),
                    Some(e.invoice_id),
                    e.invoice_number,
                    e.guest_id,
                    e.points,
                    e.package,
                    e.amount,
                    Some(e.outcome),
                    e.evidence,
                    e.zenoti_code,
                    e.zenoti_message,
                ];
                out.write_record(cells.iter().map(|c| neutralize(c.as_deref().unwrap_or("")).into_owned()))?;
            }
            out.flush()?;
            Ok(())
        };
        write().map_err(|e| {
            IpcError::new(
                ErrorCode::SettingsError,
                "The log could not be written to that folder. Check the disk, then try again.",
            )
            .with_detail(format!("{}: {e}", path.display()))
        })
    }
}

const HEADERS: [&str; 15] = [
    "time",
    "attempt_id",
    "workstation",
    "employee",
    "center_id",
    "invoice_id",
    "invoice_number",
    "guest_id",
    "points",
    "package",
    "amount",
    "outcome",
    "evidence",
    "zenoti_code",
    "zenoti_message",
];

/// A cell a spreadsheet shows as text, never runs.
fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralized() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("+1"), "'+1");
        assert_eq!(neutralize("-2"), "'-2");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("\tx"), "'\tx");
        assert_eq!(neutralize("Maria"), "Maria");
        assert_eq!(neutralize(""), "");
    }

    #[test]
    fn lines_are_appended_whole_and_an_unwritable_log_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path().join("audit").join("log.jsonl"));
        let entry = AuditEntry { invoice_id: "i".into(), outcome: "attempt".into(), ..Default::default() };
        log.append(&entry).unwrap();
        log.append(&AuditEntry { outcome: "applied".into(), ..entry.clone() }).unwrap();
        assert_eq!(log.entries().iter().map(|e| e.outcome.as_str()).collect::<Vec<_>>(), ["attempt", "applied"]);
        // A folder where the file should be: nothing can be written.
        let blocked = AuditLog::new(dir.path().join("audit"));
        assert!(blocked.append(&entry).is_err());
    }

    #[test]
    fn the_csv_has_a_header_and_neutral_cells() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path().join("log.jsonl"));
        log.append(&AuditEntry {
            employee: "=cmd|' /C calc'!A0".into(),
            invoice_id: "i".into(),
            outcome: "applied".into(),
            ..Default::default()
        })
        .unwrap();
        let out = dir.path().join("out.csv");
        log.export_csv(&out).unwrap();
        let text = std::fs::read_to_string(out).unwrap();
        assert!(text.starts_with("time,attempt_id,"), "{text}");
        assert!(text.contains("'=cmd"), "{text}");
    }
}
