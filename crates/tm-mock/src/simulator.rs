//! [`Simulator`]: the public handle on one simulated world. Cheap to clone;
//! clones share the world.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::accounts::key_hash;
use crate::clock::{self, rfc3339, ClockError};
use crate::config::SimConfig;
use crate::faults::{FaultConfig, FaultConfigError};
use crate::journal::JournalEntry;
use crate::router;
use crate::snapshot::{SnapshotError, StateSnap};
use crate::state::State;
use crate::wire::{Processed, SimRequest, SimResponse};
use crate::world::{self, World};

/// The TrackingMore v2 simulator. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Simulator {
    world: Arc<Mutex<World>>,
}

impl fmt::Debug for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self.lock();
        f.debug_struct("Simulator")
            .field("now", &rfc3339(w.state.now))
            .field("accounts", &w.state.accounts.len())
            .finish_non_exhaustive()
    }
}

impl Default for Simulator {
    fn default() -> Self {
        Self::new(SimConfig::default())
    }
}

impl Simulator {
    /// A simulator configured by `config`.
    pub fn new(config: SimConfig) -> Self {
        Self {
            world: Arc::new(Mutex::new(World::new(config))),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        world::lock(&self.world)
    }

    /// The simulated time.
    pub fn now(&self) -> DateTime<Utc> {
        clock::to_datetime(self.lock().state.now)
    }

    /// Moves the clock forward by `d` (whole seconds) and applies due status
    /// changes. The clock stops at [`CLOCK_MAX`](crate::CLOCK_MAX)
    /// (9999-12-31T23:59:59Z); [`Simulator::try_advance`] refuses instead. With
    /// webhook URLs registered it returns once every delivery attempt due by the
    /// new time has finished (over HTTP, on a private thread; inside async code
    /// prefer [`Simulator::advance_async`]). With the webhook queue on, a move that
    /// makes many events renders them on a helper thread while the clock moves on;
    /// it returns once all of them are queued.
    pub fn advance(&self, d: Duration) {
        let t = clock::clamp(i128::from(self.lock().state.now) + i128::from(d.as_secs()));
        self.move_clock_blocking(t);
    }

    /// Moves the clock forward by `d` (whole seconds), or refuses (leaving it
    /// unchanged) when that passes 9999-12-31T23:59:59Z. Returns the new time.
    /// Webhooks as with [`Simulator::advance`].
    pub fn try_advance(&self, d: Duration) -> Result<DateTime<Utc>, ClockError> {
        let t = clock::advanced(self.lock().state.now, d.as_secs())?;
        self.move_clock_blocking(t);
        Ok(clock::to_datetime(t))
    }

    /// Sets the clock (backwards too; that recomputes every status and drops
    /// pending webhook work; forward, like [`Simulator::advance`]). A time outside
    /// 1970-01-01T00:00:00Z..=9999-12-31T23:59:59Z is moved to the nearest end;
    /// [`Simulator::try_set_now`] refuses instead.
    pub fn set_now(&self, t: DateTime<Utc>) {
        self.move_clock_blocking(clock::clamp(i128::from(t.timestamp())));
    }

    /// Sets the clock, or refuses (leaving it unchanged) a time outside
    /// 1970-01-01T00:00:00Z..=9999-12-31T23:59:59Z.
    pub fn try_set_now(&self, t: DateTime<Utc>) -> Result<(), ClockError> {
        let t = clock::checked(i128::from(t.timestamp()))?;
        self.move_clock_blocking(t);
        Ok(())
    }

    /// Turns rate limits on or off.
    pub fn set_rate_limits(&self, on: bool) {
        self.lock().rate_limits.set_enabled(on);
    }

    /// Whether rate limits are on.
    pub fn rate_limits(&self) -> bool {
        self.lock().rate_limits.enabled()
    }

    /// Replaces the fault rules, with every value moved into its range
    /// ([`FaultConfig::clamped`]); [`Simulator::try_set_faults`] refuses instead.
    pub fn set_faults(&self, faults: FaultConfig) {
        self.lock().set_faults(faults.clamped());
    }

    /// Replaces the fault rules, or refuses (keeping the current ones) a
    /// configuration with a value out of range ([`FaultConfig::validate`]).
    pub fn try_set_faults(&self, faults: FaultConfig) -> Result<(), FaultConfigError> {
        faults.validate()?;
        self.lock().set_faults(faults);
        Ok(())
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.set_faults(FaultConfig::default());
    }

    /// The fault rules still active (rules with `times` disappear when used up).
    pub fn faults(&self) -> FaultConfig {
        self.lock().faults.config.clone()
    }

    /// The journal of API requests (admin requests are not journaled).
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.lock().journal.entries().cloned().collect()
    }

    /// At most `limit` journal entries with a sequence number above `since`,
    /// oldest first (what `GET /_mock/journal?since=&limit=` returns).
    pub fn journal_page(&self, since: u64, limit: usize) -> Vec<JournalEntry> {
        self.lock().journal.page(since, limit).cloned().collect()
    }

    /// Empties the journal.
    pub fn clear_journal(&self) {
        self.lock().journal.clear();
    }

    /// Clears trackings, accounts (except configured keys), journal and faults; resets the clock.
    pub fn reset(&self) {
        self.lock().reset();
    }

    /// Registers `key` (or changes its account): credits (default: the configured
    /// starting credits for a new account) and the deleted flag. Returns the account label.
    pub fn set_account(&self, key: &str, credits: Option<f64>, deleted: Option<bool>) -> String {
        let mut w = self.lock();
        let idx = w.set_account(key, credits, deleted);
        w.state.accounts[idx].label.clone()
    }

    /// Remaining credits of `key`'s account, if it exists.
    pub fn credits(&self, key: &str) -> Option<f64> {
        let w = self.lock();
        let idx = w.state.accounts.find(key_hash(key))?;
        Some(w.state.accounts[idx].credits as f64 / 10.0)
    }

    /// Accounts kept (configured keys, registered keys, and open-mode keys
    /// that stored something).
    pub fn account_count(&self) -> usize {
        self.lock().state.accounts.len()
    }

    /// Bytes the journal is counted for (at most
    /// [`JOURNAL_MAX_BYTES`](crate::JOURNAL_MAX_BYTES)).
    pub fn journal_bytes(&self) -> usize {
        self.lock().journal.bytes()
    }

    /// Trackings stored across all accounts.
    pub fn tracking_count(&self) -> usize {
        self.lock()
            .state
            .accounts
            .iter()
            .map(|a| a.trackings.len())
            .sum()
    }

    /// The whole simulated state as JSON (not the journal, faults or rate windows).
    /// Keys are stored only as hashes.
    pub fn snapshot(&self) -> Vec<u8> {
        let w = self.lock();
        serde_json::to_vec(&w.state.to_snap(w.rate_limits.enabled())).unwrap_or_default()
    }

    /// A simulator from [`Simulator::snapshot`] bytes. A snapshot that is not
    /// one, or whose content is inconsistent (duplicated trackings, accounts
    /// or ids, times outside the clock's range, …), is refused whole.
    pub fn restore(bytes: &[u8]) -> Result<Simulator, SnapshotError> {
        let snap: StateSnap =
            serde_json::from_slice(bytes).map_err(|e| SnapshotError::Malformed(e.to_string()))?;
        let config = SimConfig {
            seed: snap.seed,
            credits: snap.default_credits as f64 / 10.0,
            rate_limits: snap.rate_limits,
            keys: None,
            start: clock::to_datetime(snap.now),
        };
        let rate_limits = snap.rate_limits;
        let state = State::from_snap(snap)?;
        let sim = Simulator::new(config);
        {
            let mut w = sim.lock();
            w.state = state;
            w.rate_limits.set_enabled(rate_limits);
        }
        Ok(sim)
    }

    /// Routes one request without fault injection (rate limits apply when on)
    /// and journals it.
    pub fn handle(&self, req: SimRequest) -> SimResponse {
        if let Some(resp) = self.admin_outside_lock(&req) {
            return resp;
        }
        router::handle(&self.world, req)
    }

    /// Routes one request with fault injection; what the transports and the
    /// HTTP server call.
    pub fn process(&self, req: SimRequest) -> Processed {
        if let Some(resp) = self.admin_outside_lock(&req) {
            return Processed {
                latency: Duration::ZERO,
                outcome: crate::wire::Outcome::Respond(resp),
            };
        }
        router::process(&self.world, req)
    }
}
