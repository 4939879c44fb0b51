//! How a simulator starts.

use std::fmt;

use chrono::{DateTime, Utc};

/// Default starting credits of an account.
pub const DEFAULT_CREDITS: f64 = 100_000.0;

/// The instant the simulated clock starts at: 2026-01-05T08:00:00Z.
pub const DEFAULT_START: i64 = 1_767_600_000;

/// How a [`crate::Simulator`] starts.
#[derive(Clone, PartialEq)]
pub struct SimConfig {
    /// Seed of routes, ids and faults.
    pub seed: u64,
    /// Starting credits of each account (fractions of 0.1 are kept).
    pub credits: f64,
    /// Per-key rate limits (list 1/s, realtime 3/s, others 10/s).
    pub rate_limits: bool,
    /// Accepted keys; `None` accepts any non-empty key, each with its own account.
    pub keys: Option<Vec<String>>,
    /// Start of the simulated clock (moved into
    /// 1970-01-01T00:00:00Z..=9999-12-31T23:59:59Z if outside).
    pub start: DateTime<Utc>,
}

impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("seed", &self.seed)
            .field("credits", &self.credits)
            .field("rate_limits", &self.rate_limits)
            .field(
                "keys",
                &self
                    .keys
                    .as_ref()
                    .map(|k| format!("{} key(s), redacted", k.len())),
            )
            .field("start", &self.start)
            .finish()
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            credits: DEFAULT_CREDITS,
            rate_limits: false,
            keys: None,
            start: DateTime::from_timestamp(DEFAULT_START, 0).unwrap_or_default(),
        }
    }
}
