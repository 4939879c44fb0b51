//! [`Simulator`]: the public handle on one simulated world. Cheap to clone;
//! clones share the world.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::accounts::key_hash;
use crate::clock::rfc3339;
use crate::config::SimConfig;
use crate::faults::FaultConfig;
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
        DateTime::from_timestamp(self.lock().state.now, 0).unwrap_or_default()
    }

    /// Moves the clock forward by `d` and applies due status changes. With webhook URLs
    /// registered it returns once every delivery attempt due by the new time has finished
    /// (over HTTP, on a private thread; inside async code prefer
    /// [`Simulator::advance_async`]).
    pub fn advance(&self, d: Duration) {
        let t = self
            .lock()
            .state
            .now
            .saturating_add(i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2));
        self.move_clock_blocking(t);
    }

    /// Sets the clock (backwards too; that recomputes every status and drops pending
    /// webhook work). Forward, like [`Simulator::advance`].
    pub fn set_now(&self, t: DateTime<Utc>) {
        self.move_clock_blocking(t.timestamp());
    }

    /// Turns rate limits on or off.
    pub fn set_rate_limits(&self, on: bool) {
        self.lock().rate_limits.set_enabled(on);
    }

    /// Whether rate limits are on.
    pub fn rate_limits(&self) -> bool {
        self.lock().rate_limits.enabled()
    }

    /// Replaces the fault rules.
    pub fn set_faults(&self, faults: FaultConfig) {
        self.lock().set_faults(faults);
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

    /// A simulator from [`Simulator::snapshot`] bytes.
    pub fn restore(bytes: &[u8]) -> Result<Simulator, SnapshotError> {
        let snap: StateSnap =
            serde_json::from_slice(bytes).map_err(|e| SnapshotError(e.to_string()))?;
        if snap.format != 1 {
            return Err(SnapshotError(format!("unknown format {}", snap.format)));
        }
        let config = SimConfig {
            seed: snap.seed,
            credits: snap.default_credits as f64 / 10.0,
            rate_limits: snap.rate_limits,
            keys: None,
            start: DateTime::from_timestamp(snap.now, 0).unwrap_or_default(),
        };
        let rate_limits = snap.rate_limits;
        let state = State::from_snap(snap).map_err(SnapshotError)?;
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
