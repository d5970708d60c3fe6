//! The sandbox's one clock: every time it writes or compares (business times, token expiries,
//! event stamps, the rate limit's refill) is read from here.
//!
//! It runs with the system clock unless a test stops it at a time ([`Clock::set`],
//! [`crate::Config::clock_start`]) or moves it ([`Clock::advance`], which also moves a running
//! clock ahead of the system's). Elapsed-time measurements (how long the sandbox took to answer)
//! and injected delays stay on the real clock.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Default)]
pub struct Clock {
    setting: Mutex<Setting>,
}

#[derive(Debug, Clone, Copy)]
enum Setting {
    /// The system clock, moved by `offset`.
    Running { offset: Duration },
    /// Stopped at this time.
    Stopped(DateTime<Utc>),
}

impl Default for Setting {
    fn default() -> Self {
        Setting::Running { offset: Duration::zero() }
    }
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock stopped at `at`.
    pub fn stopped_at(at: DateTime<Utc>) -> Clock {
        Clock { setting: Mutex::new(Setting::Stopped(at)) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match *self.setting.lock().unwrap() {
            Setting::Running { offset } => Utc::now() + offset,
            Setting::Stopped(at) => at,
        }
    }

    /// Stops the clock at `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.setting.lock().unwrap() = Setting::Stopped(at);
    }

    /// Moves the clock forward (or back, with a negative duration), stopped or running.
    pub fn advance(&self, by: Duration) {
        let mut setting = self.setting.lock().unwrap();
        *setting = match *setting {
            Setting::Running { offset } => Setting::Running { offset: offset + by },
            Setting::Stopped(at) => Setting::Stopped(at + by),
        };
    }

    /// Runs with the system clock again.
    pub fn reset(&self) {
        *self.setting.lock().unwrap() = Setting::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopped_moved_and_running() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().to_utc();
        let clock = Clock::stopped_at(at);
        assert_eq!(clock.now(), at);
        clock.advance(Duration::days(2));
        assert_eq!(clock.now(), at + Duration::days(2));
        clock.reset();
        let ahead = Utc::now();
        assert!((clock.now() - ahead).num_seconds().abs() < 5);
        clock.advance(Duration::hours(3));
        assert!((clock.now() - ahead - Duration::hours(3)).num_seconds().abs() < 5);
        clock.set(at);
        assert_eq!(clock.now(), at);
    }
}
