//! # tm-mock
//!
//! A stateful, seeded simulator of the TrackingMore v2 API.
//!
//! - [`Simulator`]: the shared state and a synchronous router
//!   ([`Simulator::handle`] / [`Simulator::process`]) over wire-level
//!   [`SimRequest`]s and [`SimResponse`]s.
//! - [`MockTransport`]: an in-process [`tm_core::Transport`] (no sockets).
//! - [`serve`]: the same simulator over HTTP/1.1 (hyper).
//! - A simulated clock that moves only when told ([`Simulator::advance`]),
//!   seeded routes computed on read, scenario numbers, credits, rate limits,
//!   [fault injection](FaultConfig), a journal and snapshots.
//!
//! ```
//! # async fn demo() {
//! use tm_mock::{SimConfig, Simulator};
//! let sim = Simulator::new(SimConfig::default());
//! let transport = sim.transport(tm_core::ApiKey::new("test-key").unwrap());
//! let client = tm_core::Client::new(transport);
//! sim.advance(std::time::Duration::from_secs(86_400));
//! # let _ = client; }
//! ```

//!
//! ## Layout
//!
//! A request travels one way: [`server`](serve) or [`MockTransport`] →
//! `router` (admin API or fault injection, authentication, rate limits) →
//! `api` (one file per v2 call, grouped like the URL, as tm-core's
//! `endpoints/`) → `state` (accounts, trackings, indexes, clock) → `render`
//! (the JSON the client reads). `admin` serves `/_mock/*`; `journal`,
//! `faults`, `clock`, `accounts` and `rate_limits` each keep one concern.

// Front doors.
mod server;
mod simulator;
mod transport;
mod wire;

// Routing and the calls.
mod admin;
mod api;
mod router;

// The simulator's machinery.
mod config;
mod faults;
mod journal;
mod rate_limits;
mod world;

// The simulated world.
mod accounts;
mod catalog;
mod clock;
mod hash;
mod shipment;
mod snapshot;
mod state;
mod tracking;

// The description of the API, and the drift check of recorded traffic against it.
pub mod drift;
pub mod openapi;

// Output.
mod render;

pub use config::{SimConfig, DEFAULT_CREDITS, DEFAULT_START};
pub use drift::{check_cassette, CallReport, Difference, DriftReport};
pub use faults::{FaultConfig, FaultKind, FaultRule, FaultTiming};
pub use journal::{JournalEntry, JOURNAL_CAPACITY};
pub use openapi::OPENAPI_JSON;
pub use server::{serve, ServerHandle};
pub use simulator::Simulator;
pub use snapshot::SnapshotError;
pub use transport::MockTransport;
pub use wire::{parse_query, Outcome, Processed, SimRequest, SimResponse, MAX_BODY};

/// Scenario prefixes of tracking numbers (case-insensitive) and what they do.
pub const SCENARIO_PREFIXES: &[(&str, &str)] = &[
    (
        "TMDELIV",
        "delivered before it was added: `delivered` from the first read",
    ),
    ("TMNOTFOUND", "never any event: `notfound`, then `expired`"),
    ("TMEXCEPT", "ends `exception` (exception007, damaged)"),
    (
        "TMRETURN",
        "refused, returned to sender: ends `exception` (exception010)",
    ),
    (
        "TMEXPIRE",
        "events stop after dispatch: `expired` after 30/60 days",
    ),
    (
        "TMCUSTOMS",
        "held by customs: ends `exception` (exception006)",
    ),
    (
        "TMFAILED",
        "failed delivery attempt: `undelivered`, then `expired`",
    ),
    (
        "TMPICKUP",
        "waiting at a pickup point: `pickup`, then `expired`",
    ),
    ("TMSLOW", "slow lane: delivered late, just before expiry"),
];
