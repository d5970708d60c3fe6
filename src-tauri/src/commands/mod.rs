//! Thin IPC commands, one module per domain: each passes the guard (`Connection::connected`
//! or `unlocked`) and its input to a service, and returns `{code, message, detail}` on failure.

pub mod auth;
pub mod centers;
pub mod guests;
pub mod hub;
pub mod packages;
pub mod redeem;
pub mod support;
pub mod update;
