//! One redemption in flight per invoice: in this app (a set of invoice ids, compared in any
//! letter case) and across app instances on this PC (an OS file lock per invoice in the data
//! folder, which the OS releases if the app dies).

use std::collections::HashSet;
use std::fs::{File, TryLockError};
use std::path::PathBuf;
use std::sync::Mutex;

use crate::error::{ErrorCode, IpcError};

#[derive(Debug)]
pub(crate) struct Claims {
    dir: PathBuf,
    held: Mutex<Held>,
}

/// The invoices with a redemption being sent or checked, and whether the app is closing.
#[derive(Debug, Default)]
struct Held {
    invoices: HashSet<String>,
    /// Set when the app is restarting or quitting: no new redemption starts.
    closing: Option<Closing>,
}

/// Holds an invoice; frees it when dropped, whatever happens.
#[derive(Debug)]
pub(crate) struct Claim<'a> {
    claims: &'a Claims,
    key: String,
    /// Holds the OS lock while open.
    _file: File,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        self.claims.held.lock().unwrap_or_else(|p| p.into_inner()).invoices.remove(&self.key);
    }
}

/// An invoice id as a file name: lower case, only letters, digits and `-` (Zenoti's ids are
/// GUIDs); anything else is hashed.
fn file_name(key: &str) -> String {
    if !key.is_empty() && key.len() <= 64 && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        format!("{key}.lock")
    } else {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut h);
        format!("h{:016x}.lock", h.finish())
    }
}

fn busy() -> IpcError {
    IpcError::new(
        ErrorCode::RedemptionInProgress,
        "A redemption on this invoice is already being sent. Wait for its result before trying again.",
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closing {
    Restart,
    Quit,
}

impl Claims {
    pub fn new(dir: PathBuf) -> Self {
        Claims { dir, held: Mutex::default() }
    }

    pub fn in_flight(&self) -> usize {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).invoices.len()
    }

    pub fn close_for_restart(&self) -> Result<(), IpcError> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if !held.invoices.is_empty() {
            return Err(super::restart_waits_for_redemption());
        }
        held.closing = Some(Closing::Restart);
        Ok(())
    }

    /// After an install that failed: redemptions may start again.
    pub fn reopen(&self) {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).closing = None;
    }

    /// The app is quitting: no new redemption starts; those in flight go on to their result.
    pub fn close_for_quit(&self) {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).closing = Some(Closing::Quit);
    }

    pub fn claim(&self, invoice_id: &str) -> Result<Claim<'_>, IpcError> {
        let key = invoice_id.trim().to_ascii_lowercase();
        {
            let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
            match held.closing {
                Some(Closing::Restart) => return Err(IpcError::new(
                    ErrorCode::RedemptionInProgress,
                    "Front Desk is restarting to install an update. Nothing was sent: redeem again once it is back.",
                )),
                Some(Closing::Quit) => {
                    return Err(IpcError::new(
                        ErrorCode::RedemptionInProgress,
                        "Front Desk is closing. Nothing was sent: open it again to redeem.",
                    ))
                }
                None => {}
            }
            if !held.invoices.insert(key.clone()) {
                return Err(busy());
            }
        }
        let release = || {
            self.held.lock().unwrap_or_else(|p| p.into_inner()).invoices.remove(&key);
        };
        let file = std::fs::create_dir_all(&self.dir).and_then(|_| {
            File::options().create(true).truncate(false).write(true).open(self.dir.join(file_name(&key)))
        });
        let file = match file {
            Ok(f) => f,
            Err(err) => {
                release();
                return Err(IpcError::new(
                    ErrorCode::AuditUnavailable,
                    "Front Desk could not use its data folder, so nothing was sent. Check that the disk is not full, then try again; if it keeps happening, call IT.",
                )
                .with_detail(err.to_string()));
            }
        };
        match file.try_lock() {
            Ok(()) => Ok(Claim { claims: self, key, _file: file }),
            Err(TryLockError::WouldBlock) => {
                release();
                Err(IpcError::new(
                    ErrorCode::RedemptionInProgress,
                    "Another Front Desk window on this computer is redeeming on this invoice. Wait for its result there before trying again.",
                ))
            }
            Err(TryLockError::Error(err)) => {
                release();
                Err(IpcError::new(
                    ErrorCode::AuditUnavailable,
                    "Front Desk could not lock this invoice on this computer, so nothing was sent. Try again; if it keeps happening, call IT.",
                )
                .with_detail(err.to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_claim_per_invoice_in_any_letter_case_and_across_instances() {
        let dir = tempfile::tempdir().unwrap();
        let a = Claims::new(dir.path().to_path_buf());
        // A second app instance on the same PC: its own set, the same folder.
        let b = Claims::new(dir.path().to_path_buf());
        let id = "34ca4f0f-c11c-434f-9a36-cba6df701397";
        let held = a.claim(id).unwrap();
        assert_eq!(a.claim(&id.to_uppercase()).err().map(|e| e.code), Some(ErrorCode::RedemptionInProgress));
        let other = b.claim(&format!(" {} ", id.to_uppercase())).unwrap_err();
        assert_eq!(other.code, ErrorCode::RedemptionInProgress);
        assert!(other.message.contains("Another Front Desk window"), "{}", other.message);
        assert!(b.claim("another-invoice").is_ok());
        drop(held);
        assert!(b.claim(id).is_ok(), "freed when the first is done");
        assert_eq!(a.in_flight(), 0);
    }

    #[test]
    fn odd_ids_get_safe_file_names() {
        assert_eq!(file_name("abc-123"), "abc-123.lock");
        for odd in ["../../etc/passwd", "", "a b", &"x".repeat(100)] {
            let name = file_name(odd);
            assert!(name.starts_with('h') && !name.contains('/'), "{name}");
        }
    }
}
