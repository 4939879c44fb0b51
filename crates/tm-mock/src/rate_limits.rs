//! Per-key rate limits: a sliding one-second window of wall-clock time per
//! key and call class (list 1/s, realtime 3/s, others 10/s). Windows are
//! keyed by key hash (an open-mode key without an account is limited too)
//! and pruned once stale, so they stay few.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::api::RateClass;

/// The windows of every account, and whether limits are on.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    enabled: bool,
    windows: HashMap<(u128, RateClass), VecDeque<Instant>>,
}

/// Window count past which stale windows are pruned.
const PRUNE_AT: usize = 4_096;

impl RateLimiter {
    /// Limits on or off, with empty windows.
    pub(crate) fn new(enabled: bool) -> Self {
        Self {
            enabled,
            windows: HashMap::new(),
        }
    }

    /// Whether limits are on.
    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// Turns limits on or off and forgets every window.
    pub(crate) fn set_enabled(&mut self, on: bool) {
        self.enabled = on;
        self.windows.clear();
    }

    /// Forgets every window.
    pub(crate) fn clear(&mut self) {
        self.windows.clear();
    }

    /// Counts a call of `class` by the key of `key_hash`; `Err(seconds)` (the
    /// `Retry-After`, at least 1) when the window is full.
    pub(crate) fn check(&mut self, key_hash: u128, class: RateClass) -> Result<(), u64> {
        if !self.enabled {
            return Ok(());
        }
        let now = Instant::now();
        if self.windows.len() >= PRUNE_AT {
            // A window whose newest call is over a second old is empty.
            self.windows.retain(|_, w| {
                w.back()
                    .is_some_and(|t| now.duration_since(*t) < Duration::from_secs(1))
            });
        }
        let window = self.windows.entry((key_hash, class)).or_default();
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            window.pop_front();
        }
        if window.len() >= class.per_second() {
            let wait = window.front().map_or(Duration::from_secs(1), |t| {
                Duration::from_secs(1).saturating_sub(now.duration_since(*t))
            });
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Err(secs.max(1));
        }
        window.push_back(now);
        Ok(())
    }
}
