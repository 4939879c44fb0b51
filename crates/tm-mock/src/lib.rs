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

// Push: webhook delivery.
mod webhooks;

pub use accounts::MAX_OPEN_ACCOUNTS;
pub use clock::{ClockError, CLOCK_MAX, CLOCK_MIN};
pub use config::{SimConfig, DEFAULT_CREDITS, DEFAULT_START};
pub use drift::{check_cassette, CallReport, Difference, DriftReport};
pub use faults::{
    FaultConfig, FaultConfigError, FaultKind, FaultRule, FaultTiming, MAX_FAULT_RULES,
    MAX_LATENCY_MS, MAX_RETRY_AFTER,
};
pub use journal::{
    JournalEntry, JOURNAL_CAPACITY, JOURNAL_DEFAULT_PAGE, JOURNAL_MAX_BYTES, JOURNAL_MAX_PAGE,
    JOURNAL_MAX_PATH_BYTES, JOURNAL_MAX_QUERY_BYTES,
};
pub use openapi::OPENAPI_JSON;
pub use server::{
    serve, serve_with, ServeError, ServeOptions, ServerHandle, DEFAULT_HEADER_READ_TIMEOUT,
    DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_HEADER_BYTES,
};
pub use simulator::Simulator;
pub use snapshot::SnapshotError;
pub use transport::MockTransport;
pub use webhooks::{
    DeliveryOutcome, DeliveryRecord, QueuedWebhook, WebhookConfigError, WebhookEndpoint,
    WebhookFaults, ATTEMPT_TIMEOUT as WEBHOOK_ATTEMPT_TIMEOUT,
    DELIVERY_LOG_CAPACITY as WEBHOOK_LOG_CAPACITY, MAX_ENDPOINTS_PER_ACCOUNT,
    MAX_RETRIES as WEBHOOK_MAX_RETRIES, QUEUE_CAPACITY as WEBHOOK_QUEUE_CAPACITY,
};
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
