//! Zenoti calls through a Front Desk hub (the organization's shared budget, cache and leases),
//! and straight to Zenoti while the hub is away.
//!
//! A call goes to `{hub}/zenoti/{path}` with `Authorization: Desk <token>`, the Zenoti
//! authorization in `X-Zenoti-Authorization` and its priority in `X-FrontDesk-Priority`. When
//! the hub cannot be reached (the connection fails: nothing reached it, so nothing reached Zenoti)
//! or answers that it cannot work (its database is away, or a proxy in front of it has no hub),
//! the link is marked offline and the same call goes to Zenoti directly, within a fair share of
//! the organization's limit; the desk's hub service marks it connected again when its event
//! stream is back. A call whose answer was lost after it reached the hub is never sent again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use secrecy::SecretString;
use tokio::sync::watch;
use url::Url;

use crate::ratelimit::{RateLimit, RateLimiter};

/// How urgent a call is, for the hub's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Priority {
    /// A redemption's POST and the reads just before it.
    Payment,
    /// Something a person waits for on screen.
    #[default]
    Interactive,
    /// Work nobody waits for (a catalog refresh).
    Background,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Payment => "payment",
            Priority::Interactive => "interactive",
            Priority::Background => "background",
        }
    }
}

/// Where calls go now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HubState {
    /// No hub joined: straight to Zenoti.
    None,
    Connected,
    /// Joined, but unreachable: straight to Zenoti, within a fair share.
    Offline,
}

pub(crate) struct Target {
    pub base: Url,
    pub token: SecretString,
    /// The organization's limit divided by the desks enrolled, used while the hub is away.
    pub fair_share: Arc<RateLimiter>,
}

/// The desk's link to its hub, shared by the client and the desk's hub service.
pub struct HubLink {
    target: RwLock<Option<Arc<Target>>>,
    up: AtomicBool,
    state: watch::Sender<HubState>,
}

impl std::fmt::Debug for HubLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubLink").field("state", &self.state()).finish()
    }
}

impl HubLink {
    pub fn new() -> Arc<HubLink> {
        Arc::new(HubLink {
            target: RwLock::new(None),
            up: AtomicBool::new(false),
            state: watch::channel(HubState::None).0,
        })
    }

    /// Joins (`Some`) or leaves (`None`) a hub. `desks`: how many desks share the organization's
    /// limit while the hub is away. Starts offline until [`HubLink::set_up`] says otherwise.
    pub fn set_target(&self, target: Option<(Url, SecretString, u32)>) {
        let target = target.map(|(base, token, desks)| Arc::new(Target { base, token, fair_share: fair_share(desks) }));
        let joined = target.is_some();
        *self.target.write().unwrap() = target;
        self.up.store(false, Ordering::SeqCst);
        self.publish(if joined { HubState::Offline } else { HubState::None });
    }

    /// The hub said how many desks are enrolled now: the share used while it is away follows.
    pub fn set_desks(&self, desks: u32) {
        let mut target = self.target.write().unwrap();
        if let Some(current) = target.as_ref() {
            if current.fair_share.limit() != share_of(desks) {
                *target = Some(Arc::new(Target {
                    base: current.base.clone(),
                    token: current.token.clone(),
                    fair_share: fair_share(desks),
                }));
            }
        }
    }

    /// The limit this desk keeps to while the hub is away (`None` without a hub).
    pub fn fair_share(&self) -> Option<RateLimit> {
        self.target.read().unwrap().as_ref().map(|t| t.fair_share.limit())
    }

    /// The hub answered (its event stream is open) or could not be reached.
    pub fn set_up(&self, up: bool) {
        if self.target.read().unwrap().is_none() {
            return;
        }
        self.up.store(up, Ordering::SeqCst);
        self.publish(if up { HubState::Connected } else { HubState::Offline });
    }

    fn publish(&self, state: HubState) {
        self.state.send_if_modified(|current| {
            let changed = *current != state;
            *current = state;
            changed
        });
    }

    pub fn state(&self) -> HubState {
        *self.state.borrow()
    }

    /// Changes of [`HubLink::state`].
    pub fn watch(&self) -> watch::Receiver<HubState> {
        self.state.subscribe()
    }

    /// The hub's address, if one is joined.
    pub fn base(&self) -> Option<Url> {
        self.target.read().unwrap().as_ref().map(|t| t.base.clone())
    }

    /// The desk token, for the desk's own hub calls (leases, events).
    pub fn token(&self) -> Option<SecretString> {
        self.target.read().unwrap().as_ref().map(|t| t.token.clone())
    }

    pub(crate) fn target(&self) -> Option<Arc<Target>> {
        self.target.read().unwrap().clone()
    }

    pub(crate) fn is_up(&self) -> bool {
        self.up.load(Ordering::SeqCst)
    }
}

/// The organization's documented limit divided among `desks` desks (at least one call a
/// minute), with a burst of at least 5 so that a redemption's reads and its payment go at once
/// (Zenoti's 429 and Retry-After still hold every call back if the desks together overspend).
fn share_of(desks: u32) -> RateLimit {
    let default = RateLimit::default();
    let per_minute = (default.per_minute / desks.max(1)).max(1);
    RateLimit { per_minute, burst: per_minute.max(5).min(default.burst) }
}

fn fair_share(desks: u32) -> Arc<RateLimiter> {
    Arc::new(RateLimiter::new(share_of(desks), Duration::from_secs(30)))
}

/// The hub's URL for a Zenoti URL built on `zenoti_base`: `{hub}/zenoti/{path}?{query}`.
pub(crate) fn hub_url(hub: &Url, zenoti_base: &Url, url: &Url) -> Url {
    let base_path = zenoti_base.path().trim_end_matches('/');
    let path = url.path().strip_prefix(base_path).unwrap_or(url.path()).trim_start_matches('/');
    let mut routed = hub.clone();
    routed.set_path(&format!("{}/zenoti/{path}", hub.path().trim_end_matches('/')));
    routed.set_query(url.query());
    routed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_routed_under_the_hubs_zenoti_path() {
        let hub: Url = "https://hub.example.com".parse().unwrap();
        let zenoti: Url = "https://api.zenoti.com".parse().unwrap();
        let url: Url = "https://api.zenoti.com/v1/centers/C/packages?page=2&size=100".parse().unwrap();
        assert_eq!(
            hub_url(&hub, &zenoti, &url).as_str(),
            "https://hub.example.com/zenoti/v1/centers/C/packages?page=2&size=100"
        );
        let prefixed: Url = "http://127.0.0.1:9/api".parse().unwrap();
        let url: Url = "http://127.0.0.1:9/api/v1/invoices/X".parse().unwrap();
        let hub: Url = "http://127.0.0.1:8443/".parse().unwrap();
        assert_eq!(hub_url(&hub, &prefixed, &url).as_str(), "http://127.0.0.1:8443/zenoti/v1/invoices/X");
    }

    #[test]
    fn the_state_follows_joining_reachability_and_leaving() {
        let link = HubLink::new();
        assert_eq!(link.state(), HubState::None);
        link.set_up(true);
        assert_eq!(link.state(), HubState::None, "no hub joined");
        link.set_target(Some(("http://127.0.0.1:1".parse().unwrap(), "t".to_owned().into(), 60)));
        assert_eq!(link.state(), HubState::Offline);
        link.set_up(true);
        assert_eq!(link.state(), HubState::Connected);
        link.set_up(false);
        assert_eq!(link.state(), HubState::Offline);
        link.set_target(None);
        assert_eq!(link.state(), HubState::None);
    }

    #[test]
    fn away_from_the_hub_each_desk_keeps_to_its_share_of_the_limit() {
        let link = HubLink::new();
        assert_eq!(link.fair_share(), None);
        link.set_target(Some(("http://127.0.0.1:1".parse().unwrap(), "t".to_owned().into(), 4)));
        assert_eq!(link.fair_share(), Some(RateLimit { per_minute: 15, burst: 15 }));
        link.set_desks(60);
        assert_eq!(link.fair_share(), Some(RateLimit { per_minute: 1, burst: 5 }), "a redemption's calls at once");
        link.set_desks(1);
        assert_eq!(link.fair_share(), Some(RateLimit::default()));
        link.set_desks(500);
        assert_eq!(link.fair_share().unwrap().per_minute, 1, "never below one call a minute");
    }
}
