//! Client-side rate limits per endpoint class, so a client never sends more
//! than the service accepts (CONTRACT.md: list 1/s, realtime 3/s, others 10/s).
//!
//! A sliding-window log per class: a call may go when fewer than `n` calls were
//! sent in the last window. Slots are reserved under a lock and waited for
//! outside it, so concurrent tasks queue fairly and never burst.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::clock::Clock;
use crate::endpoint::EndpointClass;

/// Calls allowed per window for each endpoint class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// `GET /trackings/get` calls per window.
    pub list: u32,
    /// `POST /trackings/realtime` calls per window.
    pub realtime: u32,
    /// Any other call per window.
    pub other: u32,
    /// The window length.
    pub window: Duration,
    /// Extra spacing added to each window, covering jitter between the client's
    /// send time and the server's receive time.
    pub margin: Duration,
}

impl RateLimits {
    /// The published v2 limits: list 1/s, realtime 3/s, everything else 10/s.
    pub const V2: RateLimits = RateLimits {
        list: 1,
        realtime: 3,
        other: 10,
        window: Duration::from_secs(1),
        margin: Duration::from_millis(50),
    };

    fn per_window(&self, class: EndpointClass) -> u32 {
        match class {
            EndpointClass::List => self.list,
            EndpointClass::Realtime => self.realtime,
            EndpointClass::Other => self.other,
        }
        .max(1)
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::V2
    }
}

/// Shared limiter state of one client (one API key).
#[derive(Debug, Clone)]
pub struct RateLimiter {
    limits: RateLimits,
    clock: Arc<dyn Clock>,
    logs: Arc<Mutex<[VecDeque<Duration>; 3]>>,
}

impl RateLimiter {
    /// A limiter with `limits`, reading time from `clock`.
    pub fn new(limits: RateLimits, clock: Arc<dyn Clock>) -> Self {
        Self {
            limits,
            clock,
            logs: Arc::new(Mutex::new(Default::default())),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> RateLimits {
        self.limits
    }

    /// Reserves the next free slot for `class` and returns how long to wait
    /// for it (zero when a call may go now).
    pub fn reserve(&self, class: EndpointClass) -> Duration {
        let idx = match class {
            EndpointClass::List => 0,
            EndpointClass::Realtime => 1,
            EndpointClass::Other => 2,
        };
        let n = self.limits.per_window(class) as usize;
        let window = self.limits.window + self.limits.margin;
        let now = self.clock.now();
        let mut logs = self.logs.lock().unwrap_or_else(|e| e.into_inner());
        let log = &mut logs[idx];
        // Forget slots that left the window; keep reservations in the future.
        while log.len() > n || log.front().is_some_and(|t| *t + window <= now) {
            log.pop_front();
        }
        let at = if log.len() < n {
            now.max(log.back().copied().unwrap_or(Duration::ZERO))
        } else {
            // The n-th most recent slot must leave the window first.
            let oldest = log[log.len() - n];
            (oldest + window).max(now)
        };
        log.push_back(at);
        at.saturating_sub(now)
    }

    /// Waits for a slot for `class`.
    pub async fn acquire(&self, class: EndpointClass) {
        let wait = self.reserve(class);
        if !wait.is_zero() {
            self.clock.sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn limiter(clock: &ManualClock) -> RateLimiter {
        let limits = RateLimits {
            margin: Duration::ZERO,
            ..RateLimits::V2
        };
        RateLimiter::new(limits, Arc::new(clock.clone()))
    }

    #[test]
    fn list_is_one_per_second() {
        let clock = ManualClock::new();
        let l = limiter(&clock);
        assert_eq!(l.reserve(EndpointClass::List), Duration::ZERO);
        assert_eq!(l.reserve(EndpointClass::List), Duration::from_secs(1));
        assert_eq!(l.reserve(EndpointClass::List), Duration::from_secs(2));
        // Other classes are independent.
        assert_eq!(l.reserve(EndpointClass::Other), Duration::ZERO);
    }

    #[test]
    fn realtime_allows_three_per_window() {
        let clock = ManualClock::new();
        let l = limiter(&clock);
        for _ in 0..3 {
            assert_eq!(l.reserve(EndpointClass::Realtime), Duration::ZERO);
        }
        assert_eq!(l.reserve(EndpointClass::Realtime), Duration::from_secs(1));
        clock.advance(Duration::from_millis(1500));
        // Slots 1-3 left the window at t=1s; slot 4 holds t=1s, so 2 more fit.
        assert_eq!(l.reserve(EndpointClass::Realtime), Duration::ZERO);
        assert_eq!(l.reserve(EndpointClass::Realtime), Duration::ZERO);
        assert_eq!(
            l.reserve(EndpointClass::Realtime),
            Duration::from_millis(500)
        );
    }

    #[test]
    fn no_window_ever_holds_more_than_the_limit() {
        let clock = ManualClock::new();
        let l = limiter(&clock);
        let mut slots = Vec::new();
        for i in 0..200u64 {
            clock.advance(Duration::from_millis(i % 7 * 13));
            let wait = l.reserve(EndpointClass::Other);
            slots.push(clock.now() + wait);
        }
        slots.sort();
        for (i, s) in slots.iter().enumerate() {
            let in_window = slots[i..]
                .iter()
                .take_while(|t| **t < *s + Duration::from_secs(1))
                .count();
            assert!(in_window <= 10, "window at {s:?} holds {in_window}");
        }
    }
}
