//! Thin IPC commands, one module per domain: each takes its input, calls the session, and
//! returns `{code, message, detail}` on failure.

pub mod auth;
pub mod centers;
pub mod guests;
pub mod packages;
pub mod redeem;
pub mod support;
pub mod update;
