//! Everything behind one [`crate::Simulator`]'s lock: the simulated state and
//! the simulator's own machinery (rate limits, faults, journal).

use std::sync::{Mutex, MutexGuard};

use crate::accounts::{credits_to_tenths, key_hash};
use crate::clock;
use crate::config::SimConfig;
use crate::faults::{FaultConfig, FaultState};
use crate::journal::Journal;
use crate::rate_limits::RateLimiter;
use crate::state::State;
use crate::webhooks::Webhooks;

/// The state and machinery of one simulator.
#[derive(Debug)]
pub(crate) struct World {
    /// Accounts, trackings, clock.
    pub state: State,
    /// What the simulator was started with (a reset returns to it).
    pub config: SimConfig,
    /// Per-key rate limits.
    pub rate_limits: RateLimiter,
    /// Fault rules and their generator.
    pub faults: FaultState,
    /// Requests received.
    pub journal: Journal,
    /// Webhook URLs, pending events and deliveries, the delivery log.
    pub webhooks: Webhooks,
}

impl World {
    /// A world as `config` describes it.
    pub(crate) fn new(config: SimConfig) -> Self {
        Self {
            state: fresh_state(&config),
            rate_limits: RateLimiter::new(config.rate_limits),
            faults: FaultState::new(FaultConfig::default(), config.seed),
            journal: Journal::default(),
            webhooks: Webhooks::new(config.seed),
            config,
        }
    }

    /// Back to the configured start: trackings, accounts (except configured
    /// keys), journal and faults cleared, clock reset. Rate limits keep their
    /// on/off setting.
    pub(crate) fn reset(&mut self) {
        self.state = fresh_state(&self.config);
        self.journal.reset();
        self.rate_limits.clear();
        self.set_faults(FaultConfig::default());
        self.webhooks.reset();
    }

    /// Replaces the fault rules (their generator restarts from its seed).
    pub(crate) fn set_faults(&mut self, faults: FaultConfig) {
        self.faults = FaultState::new(faults, self.config.seed);
    }

    /// Registers `key` (or changes its account): credits (default: the
    /// configured starting credits for a new account) and the deleted flag.
    /// Returns the account index.
    pub(crate) fn set_account(
        &mut self,
        key: &str,
        credits: Option<f64>,
        deleted: Option<bool>,
    ) -> usize {
        let h = key_hash(key);
        let idx = match self.state.accounts.find(h) {
            Some(i) => i,
            None => {
                let c = self.state.default_credits;
                self.state.add_account(h, c)
            }
        };
        let a = &mut self.state.accounts[idx];
        if let Some(c) = credits {
            a.credits = credits_to_tenths(c);
        }
        if let Some(d) = deleted {
            a.deleted = d;
        }
        idx
    }
}

/// The state a configuration starts with: the clock at `start`, one account
/// per configured key.
fn fresh_state(config: &SimConfig) -> State {
    let mut state = State {
        seed: config.seed,
        now: clock::clamp(i128::from(config.start.timestamp())),
        default_credits: credits_to_tenths(config.credits),
        open: config.keys.is_none(),
        ..State::default()
    };
    for k in config.keys.iter().flatten() {
        let h = key_hash(k);
        if state.accounts.find(h).is_none() {
            state.configured.push(h);
            state.add_account(h, state.default_credits);
        }
    }
    state
}

/// Locks a world; a panic while it was held does not make it unusable.
pub(crate) fn lock(world: &Mutex<World>) -> MutexGuard<'_, World> {
    world
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
