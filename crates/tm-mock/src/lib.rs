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

mod api;
mod catalog;
mod faults;
mod render;
mod route;
mod server;
mod sim;
mod state;
mod transport;

pub use faults::{FaultConfig, FaultKind, FaultRule, FaultTiming};
pub use server::{serve, ServerHandle};
pub use sim::{
    parse_query, JournalEntry, Outcome, Processed, SimConfig, SimRequest, SimResponse, Simulator,
    SnapshotError, DEFAULT_CREDITS, DEFAULT_START, JOURNAL_CAPACITY, MAX_BODY,
};
pub use transport::MockTransport;

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
