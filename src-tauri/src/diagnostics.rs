//! The diagnostics log: every answer from Zenoti that was not as expected (a decode failure, a
//! field of another type, an unknown enum value), as the client notes it: endpoint, JSON path,
//! what was expected and the type found, never a value of a person or of money, never a
//! credential. The same surprise is kept once, counted. Shown in Settings, and added to the
//! support bundle, so support sees the shape of what Zenoti sent without asking anyone to
//! reproduce it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zenoti::Unexpected;

/// The most different surprises kept (the least recently seen goes first).
pub const MAX_ENTRIES: usize = 100;

/// The log file's name in the app's data folder.
pub const FILE_NAME: &str = "diagnostics.json";

/// One surprise, and when and how often it was met.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DiagnosticEntry {
    #[serde(flatten)]
    #[ts(flatten)]
    pub unexpected: Unexpected,
    /// In words, for the screen and for support.
    pub words: String,
    pub count: u32,
    /// RFC 3339, UTC.
    pub first_seen: String,
    pub last_seen: String,
}

pub struct DiagnosticsLog {
    path: PathBuf,
    entries: Mutex<Vec<DiagnosticEntry>>,
}

impl DiagnosticsLog {
    /// The log kept in `data_dir`; an unreadable file is set aside (kept as `.unreadable`) and
    /// the log starts empty.
    pub fn open(data_dir: &Path) -> Self {
        let path = data_dir.join(FILE_NAME);
        let entries = match std::fs::read(&path) {
            Err(_) => Vec::new(),
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|err| {
                tracing::warn!(error = %err, "the diagnostics log could not be read; starting a new one");
                let _ = std::fs::rename(&path, path.with_extension("unreadable"));
                Vec::new()
            }),
        };
        DiagnosticsLog { path, entries: Mutex::new(entries) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The surprises, the most recently seen first.
    pub fn entries(&self) -> Vec<DiagnosticEntry> {
        let mut entries = self.entries.lock().unwrap().clone();
        entries.sort_by(|a, b| b.last_seen.cmp(&a.last_seen));
        entries
    }

    pub fn clear(&self) {
        let mut entries = self.entries.lock().unwrap();
        entries.clear();
        self.save(&entries);
    }

    pub fn record(&self, found: &Unexpected) {
        // `packages[3].type` and `packages[0].type` are one surprise: `packages[].type`.
        let found = &Unexpected { path: without_indexes(&found.path), ..found.clone() };
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut entries = self.entries.lock().unwrap();
        match entries.iter_mut().find(|e| &e.unexpected == found) {
            Some(entry) => {
                entry.count = entry.count.saturating_add(1);
                entry.last_seen = now;
            }
            None => {
                if entries.len() >= MAX_ENTRIES {
                    let oldest =
                        entries.iter().enumerate().min_by(|a, b| a.1.last_seen.cmp(&b.1.last_seen)).map(|(i, _)| i);
                    if let Some(i) = oldest {
                        entries.remove(i);
                    }
                }
                entries.push(DiagnosticEntry {
                    unexpected: found.clone(),
                    words: found.describe(),
                    count: 1,
                    first_seen: now.clone(),
                    last_seen: now,
                });
            }
        }
        self.save(&entries);
    }

    /// Written through (surprises are rare), atomically: a crash leaves the old file or the new.
    fn save(&self, entries: &[DiagnosticEntry]) {
        let write = || -> std::io::Result<()> {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let tmp = self.path.with_extension("json.tmp");
            std::fs::write(&tmp, serde_json::to_vec_pretty(entries)?)?;
            std::fs::rename(&tmp, &self.path)
        };
        if let Err(err) = write() {
            tracing::warn!(error = %err, "the diagnostics log could not be written");
        }
    }
}

/// A JSON path without its list positions: `invoice.transactions[2].x` → `invoice.transactions[].x`.
fn without_indexes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            c if in_index && c.is_ascii_digit() => {}
            c => out.push(c),
        }
    }
    out
}

impl zenoti::Observer for DiagnosticsLog {
    fn unexpected(&self, found: &Unexpected) {
        self.record(found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zenoti::UnexpectedKind;

    fn surprise(path: &str) -> Unexpected {
        Unexpected {
            endpoint: "GET /v1/invoices/{id}".into(),
            kind: UnexpectedKind::Tolerated,
            path: path.into(),
            expected: "struct PaymentOption".into(),
            found: "text".into(),
            value: None,
        }
    }

    #[test]
    fn kept_once_counted_capped_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let log = DiagnosticsLog::open(dir.path());
        log.record(&surprise("invoice.transactions[0].payment_option"));
        log.record(&surprise("invoice.transactions[0].payment_option"));
        for i in 0..MAX_ENTRIES + 5 {
            log.record(&surprise(&format!("x{i}")));
        }
        let again = DiagnosticsLog::open(dir.path());
        assert_eq!(again.entries().len(), MAX_ENTRIES);
        log.clear();
        assert!(DiagnosticsLog::open(dir.path()).entries().is_empty());
        log.record(&surprise("a"));
        let entries = DiagnosticsLog::open(dir.path()).entries();
        assert_eq!(
            (entries[0].count, entries[0].words.as_str()),
            (1, "`a`: expected struct PaymentOption, Zenoti sent text (read as absent)")
        );
    }

    #[test]
    fn the_same_surprise_at_other_list_positions_is_one_entry() {
        let dir = tempfile::tempdir().unwrap();
        let log = DiagnosticsLog::open(dir.path());
        for i in 0..12 {
            log.record(&surprise(&format!("invoice.transactions[{i}].payment_option")));
        }
        log.record(&surprise("invoice.items[3].lines[10].payment_option"));
        let entries = log.entries();
        let paths: Vec<(&str, u32)> = entries.iter().map(|e| (e.unexpected.path.as_str(), e.count)).collect();
        assert!(paths.contains(&("invoice.transactions[].payment_option", 12)), "{paths:?}");
        assert!(paths.contains(&("invoice.items[].lines[].payment_option", 1)), "{paths:?}");
        assert_eq!(entries.len(), 2);
    }

    #[test]
    fn an_unreadable_file_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), b"{not json").unwrap();
        assert!(DiagnosticsLog::open(dir.path()).entries().is_empty());
        assert!(dir.path().join("diagnostics.unreadable").exists());
    }
}
