//! A center's whole package catalog: streamed to the UI as it arrives, sanitized on the way, and
//! kept on disk (no secrets) so that reopening it is instant.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zenoti::{Client, Package, PackageQuery};

use crate::error::{ErrorCode, IpcError};

/// What the catalog command sends while it works, in this order: `cached` (when a copy is on
/// disk), `progress` for each page's new packages, then `done` or `failed`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum CatalogEvent {
    /// The copy saved on this computer, shown while a fresh one loads.
    Cached {
        packages: Vec<Package>,
        /// RFC 3339, UTC.
        fetched_at: String,
    },
    /// New packages from Zenoti.
    Progress { packages: Vec<Package>, loaded: usize, total: i64 },
    /// The fresh catalog is complete, or as complete as Zenoti allowed: `missing_pages` lists
    /// the pages that failed, with `error` saying why.
    Done { fetched_at: String, loaded: usize, total: i64, missing_pages: Vec<u32>, error: Option<IpcError> },
    /// Nothing fresh could be loaded.
    Failed { error: IpcError },
}

#[derive(Serialize, Deserialize)]
struct CachedCatalog {
    fetched_at: String,
    packages: Vec<Package>,
}

/// The cache file of one center of one connection.
pub fn cache_path(dir: &Path, connection: &str, center_id: &str) -> PathBuf {
    let safe =
        |s: &str| s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect::<String>();
    dir.join(format!("{}__{}.json", safe(connection), safe(center_id)))
}

fn read_cache(path: &Path) -> Option<CachedCatalog> {
    let bytes = std::fs::read(path).ok()?;
    match serde_json::from_slice(&bytes) {
        Ok(cached) => Some(cached),
        Err(err) => {
            tracing::warn!(%err, path = %path.display(), "unreadable catalog cache ignored");
            None
        }
    }
}

fn write_cache(path: &Path, cached: &CachedCatalog) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_vec(cached)?)?;
    std::fs::rename(tmp, path)
}

/// Removes what must never run or load in the webview from a package's HTML description:
/// scripts, event handlers, styles, images (which would load remote content) and links (which
/// would navigate the app window away).
pub fn sanitize(mut package: Package) -> Package {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let cleaner = CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.rm_tags(["img", "a", "picture", "source", "video", "audio"]);
        b
    });
    if let Some(html) = package.html_description.take() {
        let clean = cleaner.clean(&html).to_string();
        package.html_description = (!clean.trim().is_empty()).then_some(clean);
    }
    package
}

/// Sends the cached copy (if any), then fetches the whole catalog and streams it. The cache is
/// replaced only by a complete catalog.
pub async fn stream(
    client: &Client,
    center_id: &str,
    cache: &Path,
    mut send: impl FnMut(CatalogEvent),
) -> Result<(), IpcError> {
    if center_id.trim().is_empty() {
        return Err(IpcError::new(ErrorCode::InvalidInput, "Choose a center first."));
    }
    // With a copy on screen the fresh one is a refresh nobody waits for: background priority.
    let client = match read_cache(cache) {
        Some(cached) => {
            send(CatalogEvent::Cached { packages: cached.packages, fetched_at: cached.fetched_at });
            client.with_priority(zenoti::Priority::Background)
        }
        None => client.clone(),
    };
    let started = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut all = Vec::new();
    let result = client
        .all_packages(center_id, &PackageQuery::default(), |batch, progress| {
            let batch: Vec<Package> = batch.into_iter().map(sanitize).collect();
            all.extend(batch.iter().cloned());
            send(CatalogEvent::Progress { packages: batch, loaded: progress.loaded, total: progress.total });
        })
        .await;
    match result {
        Err(err) => send(CatalogEvent::Failed { error: err.into() }),
        Ok(summary) => {
            let error = summary.missing_pages.first().map(|(_, message)| {
                IpcError::new(
                    ErrorCode::ServerUnavailable,
                    format!(
                        "{} of {} packages could not be loaded from Zenoti. Press Refresh to try again.",
                        (summary.total.max(0) as usize).saturating_sub(summary.loaded),
                        summary.total
                    ),
                )
                .with_detail(message.clone())
            });
            if error.is_none() {
                let cached = CachedCatalog { fetched_at: started.clone(), packages: all };
                if let Err(err) = write_cache(cache, &cached) {
                    tracing::warn!(%err, "catalog cache not written");
                }
            }
            send(CatalogEvent::Done {
                fetched_at: started,
                loaded: summary.loaded,
                total: summary.total,
                missing_pages: summary.missing_pages.iter().map(|(page, _)| *page).collect(),
                error,
            });
        }
    }
    Ok(())
}

/// A package's member price for one guest.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MemberPrice {
    pub package_id: String,
    pub price: Option<String>,
}

/// Member prices of every package of the center for one guest.
pub async fn member_prices(client: &Client, center_id: &str, guest_id: &str) -> Result<Vec<MemberPrice>, IpcError> {
    let query = PackageQuery { member_price_for_guest: Some(guest_id.to_owned()), ..PackageQuery::default() };
    let mut prices = Vec::new();
    let summary = client
        .all_packages(center_id, &query, |batch, _| {
            prices.extend(batch.into_iter().map(|p| MemberPrice {
                price: p.price_at(center_id).and_then(|c| c.discount_price).map(|d| d.to_string()),
                package_id: p.id,
            }))
        })
        .await?;
    incomplete(&summary, "member prices")?;
    Ok(prices)
}

/// Ids of the center's packages that can be sold as gift cards.
pub async fn gift_card_packages(client: &Client, center_id: &str) -> Result<Vec<String>, IpcError> {
    let query = PackageQuery { gift_cards_only: true, ..PackageQuery::default() };
    let mut ids = Vec::new();
    let summary =
        client.all_packages(center_id, &query, |batch, _| ids.extend(batch.into_iter().map(|p| p.id))).await?;
    incomplete(&summary, "the gift-card list")?;
    Ok(ids)
}

fn incomplete(summary: &zenoti::CatalogSummary, what: &str) -> Result<(), IpcError> {
    match summary.missing_pages.first() {
        None => Ok(()),
        Some((_, message)) => Err(IpcError::new(
            ErrorCode::ServerUnavailable,
            format!("Zenoti sent only part of {what}. Try again in a minute."),
        )
        .with_detail(message.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_html_is_defused() {
        let package = Package {
            id: "p".into(),
            html_description: Some(
                "<p onclick=\"x()\" style=\"position:fixed\">Hi <b>there</b></p><script>alert(1)</script>\
                 <img src=\"https://tracker.example.com/p.gif\" onerror=\"x()\"><a href=\"javascript:x()\">Terms</a>\
                 <iframe src=\"https://evil.example.com\"></iframe>"
                    .into(),
            ),
            ..Package::default()
        };
        let clean = sanitize(package).html_description.unwrap();
        for bad in ["script", "onclick", "onerror", "style", "<img", "tracker", "javascript:", "iframe", "href"] {
            assert!(!clean.contains(bad), "{bad} survived in {clean}");
        }
        assert!(clean.contains("<b>there</b>") && clean.contains("Terms"), "{clean}");
    }

    #[test]
    fn cache_names_are_plain_file_names() {
        let p = cache_path(Path::new("/x"), "https://api.zenoti.com", "AB-12/..");
        assert_eq!(p, Path::new("/x/https___api_zenoti_com__AB-12___.json"));
    }
}
