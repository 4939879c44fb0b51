//! Client-side rate limits per endpoint class, so a client never sends more
//! than the service accepts.
//!
//! Two sources of limits, combined (the stricter wins):
//! - **static** limits: the published v2 limits (list 1/s, realtime 3/s,
//!   others 10/s) for the real host, or whatever the user configures;
//! - **adaptive** limits, learned from `429` answers on any host. This follows
//!   the AWS SDKs' adaptive retry mode (a send rate that backs off when
//!   throttled and recovers CUBIC-style), with one change: instead of cutting
//!   the rate to 0.7× of what was being sent, the limiter counts the calls the
//!   server accepted in the window that ended with the throttled call — the
//!   capacity the server just demonstrated — and holds that. After a plateau
//!   (CUBIC's `K`), it probes upwards along the cubic curve, so a limit that was
//!   raised is found again; the next `429` pins it down once more.
//!
//! Limits are enforced as a sliding-window log per class: a call may go when
//! fewer than `n` accepted calls were sent in the last window. Slots are
//! reserved under a lock and waited for outside it, so concurrent tasks queue
//! fairly and never burst. A throttled call gives its slot back (the server did
//! not count it).
//!
//! Clients of one API key and base URL in one process share their limiter state
//! through a registry keyed by a [`LimitScope`] — a keyed hash of key and URL,
//! never the key itself.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hash, Hasher, RandomState};
use std::sync::{Arc, Mutex, OnceLock, Weak};
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
        margin: Duration::from_millis(20),
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

/// Settings of the adaptive (learned) limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdaptiveLimits {
    /// The server's assumed window (v2 limits are per second).
    pub window: Duration,
    /// Extra spacing per window for send/receive jitter.
    pub margin: Duration,
    /// CUBIC's scaling constant (calls per window per second³).
    pub cubic_c: f64,
    /// CUBIC's multiplicative decrease; here it only sets the plateau length
    /// `K = cbrt(capacity × (1 − beta) / C)` before probing upwards.
    pub beta: f64,
}

impl Default for AdaptiveLimits {
    /// AWS's constants (C = 0.4, beta = 0.7), a 1 s window, 25 ms margin
    /// (widened by what throttles below the learned rate teach).
    fn default() -> Self {
        Self {
            window: Duration::from_secs(1),
            margin: Duration::from_millis(25),
            cubic_c: 0.4,
            beta: 0.7,
        }
    }
}

/// Identifies the limits of one API key at one base URL within this process:
/// a hash keyed with a per-process random key, so it says nothing about the
/// API key outside the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LimitScope(u64);

impl LimitScope {
    /// The scope of `api_key` at `base_url`.
    pub fn of(api_key: &str, base_url: &str) -> Self {
        static SEED: OnceLock<RandomState> = OnceLock::new();
        let mut h = SEED.get_or_init(RandomState::new).build_hasher();
        api_key.hash(&mut h);
        base_url.trim_end_matches('/').hash(&mut h);
        Self(h.finish())
    }
}

/// A reserved send slot; hand it back to [`RateLimiter::observe`] with the
/// call's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permit {
    class: EndpointClass,
    at: Duration,
    id: u64,
}

#[derive(Debug, Default)]
struct ClassState {
    /// Send times of calls the server (presumably) counted, oldest first.
    log: VecDeque<(Duration, u64)>,
    /// The learned capacity, once a `429` was seen.
    learned: Option<Learned>,
    /// Extra spacing learned from throttles below the capacity (send/receive
    /// jitter larger than the configured margin).
    extra_margin: Duration,
}

/// Most extra spacing learned from jitter.
const MAX_EXTRA_MARGIN: Duration = Duration::from_millis(250);
/// Extra spacing added per throttle blamed on jitter.
const MARGIN_STEP: Duration = Duration::from_millis(10);

#[derive(Debug, Clone, Copy)]
struct Learned {
    /// Calls per window the server accepted when it last throttled.
    capacity: f64,
    /// When it was learned.
    since: Duration,
    /// Send time and id of the throttled call it was learned from.
    from: (Duration, u64),
    /// Probes in a row that found this same capacity: each doubles the
    /// plateau before the next probe, so a stable limit is probed rarely.
    confirmed: u32,
}

#[derive(Debug, Default)]
struct Shared {
    classes: [ClassState; 3],
    next_id: u64,
    throttles: u64,
}

fn registry() -> &'static Mutex<HashMap<LimitScope, Weak<Mutex<Shared>>>> {
    static REGISTRY: OnceLock<Mutex<HashMap<LimitScope, Weak<Mutex<Shared>>>>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

fn shared_state(scope: Option<LimitScope>) -> Arc<Mutex<Shared>> {
    let Some(scope) = scope else {
        return Arc::default();
    };
    let mut map = registry().lock().unwrap_or_else(|e| e.into_inner());
    map.retain(|_, w| w.strong_count() > 0);
    if let Some(s) = map.get(&scope).and_then(Weak::upgrade) {
        return s;
    }
    let s: Arc<Mutex<Shared>> = Arc::default();
    map.insert(scope, Arc::downgrade(&s));
    s
}

fn class_index(class: EndpointClass) -> usize {
    match class {
        EndpointClass::List => 0,
        EndpointClass::Realtime => 1,
        EndpointClass::Other => 2,
    }
}

/// Limiter of one client; clones (and other clients of the same scope) share
/// the state.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    limits: Option<RateLimits>,
    adaptive: Option<AdaptiveLimits>,
    clock: Arc<dyn Clock>,
    state: Arc<Mutex<Shared>>,
}

impl RateLimiter {
    /// A limiter with static `limits` only, reading time from `clock`.
    pub fn new(limits: RateLimits, clock: Arc<dyn Clock>) -> Self {
        Self::with(Some(limits), None, None, clock)
    }

    /// A limiter with optional static `limits`, optional `adaptive` learning,
    /// shared with every other limiter of `scope` in this process (`None`: not
    /// shared).
    pub fn with(
        limits: Option<RateLimits>,
        adaptive: Option<AdaptiveLimits>,
        scope: Option<LimitScope>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            limits,
            adaptive,
            clock,
            state: shared_state(scope),
        }
    }

    /// The static limits in force, if any.
    pub fn limits(&self) -> Option<RateLimits> {
        self.limits
    }

    /// True when limits are learned from `429` answers.
    pub fn is_adaptive(&self) -> bool {
        self.adaptive.is_some()
    }

    /// The learned capacity of `class` (calls per window) right now, if a
    /// `429` taught one.
    pub fn learned(&self, class: EndpointClass) -> Option<u32> {
        let adaptive = self.adaptive?;
        let now = self.clock.now();
        let s = self.lock();
        s.classes[class_index(class)]
            .learned
            .map(|l| allowed(l, &adaptive, now))
    }

    /// `429` answers seen so far by limiters of this scope.
    pub fn throttles(&self) -> u64 {
        self.lock().throttles
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The calls allowed per window for `class` at `now`, and that window;
    /// `None` when nothing limits it.
    fn budget(
        &self,
        st: &ClassState,
        class: EndpointClass,
        now: Duration,
    ) -> Option<(usize, Duration)> {
        let fixed = self.limits.map(|l| {
            (
                l.per_window(class) as usize,
                l.window + l.margin + st.extra_margin,
            )
        });
        let learned = match (self.adaptive, st.learned) {
            (Some(a), Some(l)) => Some((
                allowed(l, &a, now) as usize,
                a.window + a.margin + st.extra_margin,
            )),
            _ => None,
        };
        match (fixed, learned) {
            (Some(f), Some(l)) => Some((f.0.min(l.0), f.1.max(l.1))),
            (f, l) => f.or(l),
        }
    }

    /// Reserves the next free slot for `class`: the permit and how long to wait
    /// for it (zero when a call may go now).
    pub fn reserve_permit(&self, class: EndpointClass) -> (Permit, Duration) {
        let now = self.clock.now();
        let mut shared = self.lock();
        shared.next_id += 1;
        let id = shared.next_id;
        let idx = class_index(class);
        let budget = self.budget(&shared.classes[idx], class, now);
        let keep = self
            .limits
            .map_or(Duration::ZERO, |l| l.window + l.margin)
            .max(self.adaptive.map_or(Duration::ZERO, |a| {
                (a.window + a.margin + MAX_EXTRA_MARGIN) * 2
            }));
        let log = &mut shared.classes[idx].log;
        // Forget sends that left every window of interest; keep reservations in the future.
        while log.front().is_some_and(|(t, _)| *t + keep <= now) {
            log.pop_front();
        }
        let last = log.back().map_or(Duration::ZERO, |(t, _)| *t);
        let at = match budget {
            None => now,
            Some((n, window)) => {
                let n = n.max(1);
                let in_window = log.iter().filter(|(t, _)| *t + window > now).count();
                if in_window < n {
                    now.max(last)
                } else {
                    // The n-th most recent slot must leave the window first.
                    let nth = log[log.len() - n].0;
                    (nth + window).max(now).max(last)
                }
            }
        };
        log.push_back((at, id));
        (Permit { class, at, id }, at.saturating_sub(now))
    }

    /// Reserves the next free slot for `class` and returns how long to wait
    /// for it (zero when a call may go now).
    pub fn reserve(&self, class: EndpointClass) -> Duration {
        self.reserve_permit(class).1
    }

    /// Waits for a slot for `class`.
    pub async fn acquire(&self, class: EndpointClass) -> Permit {
        let (permit, wait) = self.reserve_permit(class);
        if !wait.is_zero() {
            self.clock.sleep(wait).await;
        }
        permit
    }

    /// Reports how the call sent under `permit` went: `throttled` when the
    /// server answered `429`. A throttled call frees its slot and (adaptive
    /// mode) sets the learned capacity to the calls the server accepted in the
    /// window before it.
    ///
    /// Returns true when the limiter now holds a learned capacity (adaptive
    /// mode), so the retry can be paced by the limiter — the next free slot of
    /// the learned window is when the server has room again — instead of a
    /// `Retry-After` of at most one window, which servers round up to whole
    /// seconds. (Longer `Retry-After`s are always honoured by the client.)
    pub fn observe(&self, permit: Permit, throttled: bool) -> bool {
        if !throttled {
            return false;
        }
        let now = self.clock.now();
        let mut shared = self.lock();
        shared.throttles += 1;
        let st = &mut shared.classes[class_index(permit.class)];
        if let Some(pos) = st.log.iter().position(|(_, id)| *id == permit.id) {
            st.log.remove(pos);
        }
        let Some(a) = self.adaptive else {
            return false;
        };
        let window = a.window + a.margin + st.extra_margin;
        if let Some(l) = &mut st.learned {
            if permit.at < l.since {
                // Sent before the last lesson. If that lesson counted it as
                // accepted (it was still in flight), the capacity is one less.
                if (permit.at, permit.id) < l.from && permit.at + window > l.from.0 {
                    l.capacity = (l.capacity - 1.0).max(1.0);
                }
                return true;
            }
        }
        let accepted = demonstrated(&st.log, permit, a.window);
        if let Some(n) = self.limits.map(|l| l.per_window(permit.class) as usize) {
            if st.learned.is_none() && accepted + 1 >= n {
                // Throttled at the configured limit: jitter, not a lower limit.
                st.extra_margin = (st.extra_margin + MARGIN_STEP).min(MAX_EXTRA_MARGIN);
                return true;
            }
        }
        if let Some(l) = st.learned {
            let probing = f64::from(allowed(l, &a, permit.at)) > l.capacity;
            let widened = st.extra_margin >= MAX_EXTRA_MARGIN;
            if !probing && !widened && accepted as f64 + 1.0 >= l.capacity {
                // Throttled at (nearly) the rate the server took before: the
                // client's spacing met more jitter than its margin covers.
                st.extra_margin = (st.extra_margin + MARGIN_STEP).min(MAX_EXTRA_MARGIN);
                return true;
            }
        }
        let capacity = accepted.max(1) as f64;
        let confirmed = match st.learned {
            Some(l) if l.capacity == capacity => (l.confirmed + 1).min(6),
            _ => 0,
        };
        st.learned = Some(Learned {
            capacity,
            since: now,
            from: (permit.at, permit.id),
            confirmed,
        });
        tracing::info!(class = ?permit.class, capacity = accepted.max(1), "tm: throttled; holding the learned rate");
        // The learned window now says when the server has room again.
        true
    }
}

/// The most calls sent before `permit` (and not throttled) that fall within
/// one server window, over the two windows before it: the capacity the server
/// has shown. Looking back two windows keeps a call refused at a window's
/// edge (jitter) from reading as a server that took nothing.
fn demonstrated(log: &VecDeque<(Duration, u64)>, permit: Permit, window: Duration) -> usize {
    let key = (permit.at, permit.id);
    let from = permit.at.saturating_sub(window * 2);
    let before: Vec<Duration> = log
        .iter()
        .filter(|(t, id)| (*t, *id) < key && *t >= from)
        .map(|(t, _)| *t)
        .collect();
    (0..before.len())
        .map(|i| {
            before[i..]
                .iter()
                .take_while(|t| **t < before[i] + window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// Calls per window allowed by a learned capacity at `now`: the capacity
/// during CUBIC's plateau (`K`, doubled per confirmation), then
/// `capacity + C·(t − K)³`.
fn allowed(l: Learned, a: &AdaptiveLimits, now: Duration) -> u32 {
    let t = now.saturating_sub(l.since).as_secs_f64();
    let c = a.cubic_c.max(1e-6);
    let k =
        (l.capacity * (1.0 - a.beta).clamp(0.0, 1.0) / c).cbrt() * f64::from(1u32 << l.confirmed);
    let probe = if t > k { c * (t - k).powi(3) } else { 0.0 };
    let n = (l.capacity + probe).floor();
    if n >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        n.max(1.0) as u32
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

    fn adaptive(clock: &ManualClock, scope: Option<LimitScope>) -> RateLimiter {
        RateLimiter::with(
            None,
            Some(AdaptiveLimits {
                margin: Duration::ZERO,
                ..AdaptiveLimits::default()
            }),
            scope,
            Arc::new(clock.clone()),
        )
    }

    #[test]
    fn adaptive_learns_the_accepted_rate_from_a_429_then_probes_cubically() {
        let clock = ManualClock::new();
        let l = adaptive(&clock, None);
        // Unknown host: nothing limits the first calls.
        let mut permits = Vec::new();
        for _ in 0..12 {
            let (p, wait) = l.reserve_permit(EndpointClass::Other);
            assert_eq!(wait, Duration::ZERO);
            permits.push(p);
        }
        // The server took 10 and throttled the last two.
        clock.advance(Duration::from_millis(200));
        l.observe(permits[10], true);
        l.observe(permits[11], true);
        assert_eq!(l.learned(EndpointClass::Other), Some(10));
        assert_eq!(l.throttles(), 2);
        // Now the 11th call in the window waits for the window to pass.
        let wait = l.reserve(EndpointClass::Other);
        assert_eq!(wait, Duration::from_millis(800));
        // Plateau for K = cbrt(10 * 0.3 / 0.4) = 1.96 s, then cubic growth.
        clock.advance(Duration::from_millis(1900));
        assert_eq!(l.learned(EndpointClass::Other), Some(10));
        clock.advance(Duration::from_millis(1500));
        assert_eq!(l.learned(EndpointClass::Other), Some(11));
        clock.advance(Duration::from_secs(2));
        assert!(l.learned(EndpointClass::Other).unwrap() > 13);
    }

    #[test]
    fn a_throttle_below_the_learned_rate_widens_the_spacing_not_the_rate() {
        let clock = ManualClock::new();
        let l = adaptive(&clock, None);
        let mut p = Vec::new();
        for _ in 0..11 {
            p.push(l.reserve_permit(EndpointClass::Other).0);
        }
        l.observe(p[10], true);
        assert_eq!(l.learned(EndpointClass::Other), Some(10));
        // A call of the next window is refused although only 9 went before it.
        clock.advance(Duration::from_millis(1000));
        let q = l.reserve_permit(EndpointClass::Other).0;
        l.observe(p[9], false);
        clock.advance(Duration::from_millis(100));
        l.observe(q, true);
        assert_eq!(l.learned(EndpointClass::Other), Some(10));
        // The window is now 10 ms longer: the 11th call waits for it.
        for _ in 0..10 {
            assert_eq!(l.reserve(EndpointClass::Other), Duration::ZERO);
        }
        assert_eq!(l.reserve(EndpointClass::Other), Duration::from_millis(1010));
    }

    #[test]
    fn a_throttled_call_gives_its_slot_back() {
        let clock = ManualClock::new();
        let l = limiter(&clock);
        let mut last = None;
        for _ in 0..10 {
            last = Some(l.reserve_permit(EndpointClass::Other).0);
        }
        l.observe(last.unwrap(), true);
        // Static limits do not learn, but the refused call no longer counts.
        assert_eq!(l.reserve(EndpointClass::Other), Duration::ZERO);
        assert_eq!(l.reserve(EndpointClass::Other), Duration::from_secs(1));
    }

    #[test]
    fn limiters_of_one_scope_share_what_they_learned() {
        let clock = ManualClock::new();
        let scope = LimitScope::of("key-a", "http://127.0.0.1:1/v2/");
        assert_eq!(scope, LimitScope::of("key-a", "http://127.0.0.1:1/v2"));
        assert_ne!(scope, LimitScope::of("key-b", "http://127.0.0.1:1/v2"));
        let a = adaptive(&clock, Some(scope));
        let b = adaptive(&clock, Some(scope));
        let other = adaptive(
            &clock,
            Some(LimitScope::of("key-b", "http://127.0.0.1:1/v2")),
        );
        let mut p = Vec::new();
        for _ in 0..4 {
            p.push(a.reserve_permit(EndpointClass::Other).0);
        }
        a.observe(p[3], true);
        assert_eq!(b.learned(EndpointClass::Other), Some(3));
        assert_eq!(other.learned(EndpointClass::Other), None);
        // a's three accepted calls fill b's window too.
        assert_eq!(b.reserve(EndpointClass::Other), Duration::from_secs(1));
        assert_eq!(other.reserve(EndpointClass::Other), Duration::ZERO);
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
