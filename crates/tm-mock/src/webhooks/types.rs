//! The public shapes of the webhook simulator: endpoints, the delivery log, queued events, faults.

use serde::{Deserialize, Serialize};

/// A registered webhook URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    /// Id for `DELETE /_mock/webhooks/{id}`.
    pub id: u64,
    /// Where deliveries are POSTed.
    pub url: String,
    /// Trigger statuses (`transit`, `delivered`, …); empty = all eight.
    pub statuses: Vec<String>,
    /// The account label it belongs to (`account-1`), or `None` for every account
    /// (`tm-mock serve --webhook`).
    pub account: Option<String>,
}

/// Result of one delivery attempt, as the delivery log reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// The receiver answered 2xx.
    Delivered,
    /// It failed; another attempt is scheduled (`next_attempt_at`).
    Retrying,
    /// It failed and the ladder is exhausted (15 attempts): given up.
    GivenUp,
}

/// One delivery attempt (`GET /_mock/webhooks/deliveries`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    /// The event (stable across attempts and redeliveries).
    pub event_id: u64,
    /// The endpoint.
    pub endpoint_id: u64,
    /// The URL it was sent to.
    pub url: String,
    /// Carrier of the tracking.
    pub carrier_code: String,
    /// Tracking number.
    pub tracking_number: String,
    /// 1 for the first attempt, up to 15.
    pub attempt: u32,
    /// Simulated send time (Unix seconds) — also the signed `timeStr`.
    pub sent_at: i64,
    /// The receiver's HTTP status; 0 = no answer (refused, timed out, broken).
    pub http_status: u16,
    /// What this attempt led to.
    pub outcome: DeliveryOutcome,
    /// When the next attempt is due (simulated Unix seconds), while retrying.
    pub next_attempt_at: Option<i64>,
    /// A duplicate sent by the `duplicate` fault.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub duplicate: bool,
}

/// A webhook event as the in-process queue hands it out: the signed body, as it would be POSTed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedWebhook {
    /// The event id.
    pub event_id: u64,
    /// The account e-mail it is signed with (getuserinfo's `email`).
    pub email: String,
    /// Carrier of the tracking.
    pub carrier_code: String,
    /// Tracking number.
    pub tracking_number: String,
    /// The poll moment (simulated Unix seconds) that saw the change; the body is signed with it.
    pub time: i64,
    /// The body: `{"meta", "data": <GET-one tracking at `time`>, "verifyInfo"}`.
    pub body: Vec<u8>,
}

/// Webhook faults for receivers' tests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookFaults {
    /// Probability (0..=1, seeded) that a delivered event is sent a second time at once
    /// (at-least-once delivery).
    #[serde(default)]
    pub duplicate_rate: f64,
    /// Simulated seconds added before an event's first attempt.
    #[serde(default)]
    pub delay_seconds: u64,
}
