//! Per-key rate limits: a sliding one-second window of wall-clock time per
//! account and call class (list 1/s, realtime 3/s, others 10/s).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::api::RateClass;

/// The windows of every account, and whether limits are on.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    enabled: bool,
    windows: HashMap<(usize, RateClass), VecDeque<Instant>>,
}

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

    /// Counts a call of `class` by account `acct`; `Err(seconds)` (the
    /// `Retry-After`, at least 1) when the window is full.
    pub(crate) fn check(&mut self, acct: usize, class: RateClass) -> Result<(), u64> {
        if !self.enabled {
            return Ok(());
        }
        let now = Instant::now();
        let window = self.windows.entry((acct, class)).or_default();
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
