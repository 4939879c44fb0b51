//! Webhook delivery by the simulator (CONTRACT §5): per-account URLs with trigger statuses,
//! one event per poll moment that saw a change, signed deliveries over HTTP on the simulated
//! clock with the retry ladder, per-tracking order, a delivery log, redelivery, faults, and an
//! in-process queue.

mod deliver;
mod engine;
mod glue;
mod ladder;
mod queue;
mod types;

pub use deliver::ATTEMPT_TIMEOUT;
pub use engine::{WebhookConfigError, DELIVERY_LOG_CAPACITY, MAX_ENDPOINTS_PER_ACCOUNT};
pub use ladder::MAX_RETRIES;
pub use queue::QUEUE_CAPACITY;
pub use types::{DeliveryOutcome, DeliveryRecord, QueuedWebhook, WebhookEndpoint, WebhookFaults};

pub(crate) use engine::Webhooks;
pub(crate) use queue::Feeder;
