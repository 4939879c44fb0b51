//! Sending attempts over HTTP, and the clock-moving loop that interleaves state changes,
//! polls and attempts in simulated-time order.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;

use super::engine::Attempt;
use super::types::{DeliveryRecord, QueuedWebhook, WebhookEndpoint, WebhookFaults};
use super::Feeder;
use super::WebhookConfigError;
use crate::Simulator;

/// A receiver that does not answer within this (real) time failed the attempt (CONTRACT §5).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);
/// Attempts in flight at once (different trackings; one tracking's are sequential).
const IN_FLIGHT: usize = 32;

async fn send_all(client: &reqwest::Client, attempts: Vec<Attempt>) -> Vec<(Attempt, u16)> {
    futures::stream::iter(attempts)
        .map(|a| async move {
            let status = client
                .post(&a.url)
                .header(http::header::CONTENT_TYPE, "application/json")
                .header(http::header::USER_AGENT, "tm-mock-webhooks")
                .body(a.body.clone())
                .send()
                .await
                .map_or(0, |r| r.status().as_u16());
            (a, status)
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(ATTEMPT_TIMEOUT)
        .build()
        .unwrap_or_default()
}

impl Simulator {
    /// Moves the clock to `t` (forward: through every change, poll and attempt in order;
    /// backward: at once, dropping pending webhook work) and awaits every attempt due by `t`.
    pub(crate) async fn move_clock(&self, t: i64) {
        // Built on first use (a URL may be registered while a move is under way).
        let mut http: Option<reqwest::Client> = None;
        // No thread to spare on a caller's runtime: queue events are rendered step by step.
        let mut feeder = Feeder::inline();
        loop {
            let attempts = match self.webhook_step(t, &mut feeder) {
                Some(a) => a,
                None => return,
            };
            if attempts.is_empty() {
                continue;
            }
            let client = http.get_or_insert_with(client);
            let results = send_all(client, attempts).await;
            let dups = self.webhook_finish(results);
            if !dups.is_empty() {
                let results = send_all(client, dups).await;
                self.webhook_finish(results);
            }
        }
    }

    /// Runs `move_clock` from synchronous code: inline while no HTTP is involved, else on a
    /// private thread and runtime (so it never blocks or needs a caller's runtime).
    /// Inline, the queue's events are rendered on a helper thread while the clock moves on
    /// (the move returns once they are all queued).
    pub(crate) fn move_clock_blocking(&self, t: i64) {
        if !self.webhook_has_endpoints() {
            let pending = std::thread::scope(|scope| {
                let mut feeder = Feeder::threaded(scope);
                loop {
                    match self.webhook_step(t, &mut feeder) {
                        None => break None,
                        Some(a) if a.is_empty() => continue,
                        Some(a) => break Some(a),
                    }
                }
                // Leaving the scope waits for the helper: every event so far is queued.
            });
            match pending {
                None => return,
                // A URL was registered during the move: send from a private runtime.
                Some(a) => return self.move_clock_privately(Some(a), t),
            }
        }
        self.move_clock_privately(None, t);
    }

    /// Sends `pending` (attempts already taken), then finishes the move, on a private thread.
    fn move_clock_privately(&self, pending: Option<Vec<Attempt>>, t: i64) {
        std::thread::scope(|s| {
            s.spawn(|| {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt.block_on(async {
                        if let Some(attempts) = pending {
                            let http = client();
                            let results = send_all(&http, attempts).await;
                            let dups = self.webhook_finish(results);
                            if !dups.is_empty() {
                                let results = send_all(&http, dups).await;
                                self.webhook_finish(results);
                            }
                        }
                        self.move_clock(t).await;
                    }),
                    // No runtime, no HTTP: still move the clock so the state is right.
                    Err(_) => self.set_clock_plain(t),
                }
            });
        });
    }

    /// Like [`Simulator::advance`], awaiting webhook deliveries on the caller's runtime
    /// (use this one inside async code whose runtime also runs the receiver).
    pub async fn advance_async(&self, d: Duration) {
        let t = crate::clock::clamp(i128::from(self.now().timestamp()) + i128::from(d.as_secs()));
        self.move_clock(t).await;
    }

    /// Like [`Simulator::set_now`], awaiting webhook deliveries on the caller's runtime.
    pub async fn set_now_async(&self, t: DateTime<Utc>) {
        self.move_clock(crate::clock::clamp(i128::from(t.timestamp())))
            .await;
    }

    /// Sends every webhook attempt due by now (e.g. after a redelivery) and awaits them.
    pub async fn deliver_webhooks(&self) {
        self.move_clock(self.now().timestamp()).await;
    }

    /// [`Simulator::deliver_webhooks`] from synchronous code.
    pub fn deliver_webhooks_blocking(&self) {
        self.move_clock_blocking(self.now().timestamp());
    }

    /// Registers a webhook URL for the account of `api_key`, or for every account (`None`).
    /// `statuses`: trigger statuses (empty = all). At most 4 per account.
    pub fn add_webhook(
        &self,
        url: &str,
        statuses: &[String],
        api_key: Option<&str>,
    ) -> Result<WebhookEndpoint, WebhookConfigError> {
        self.webhook_add(url, statuses, api_key)
    }

    /// The registered webhook URLs.
    pub fn webhooks(&self) -> Vec<WebhookEndpoint> {
        self.with_webhooks(|w| w.list())
    }

    /// Removes a webhook URL (and its undelivered attempts).
    pub fn remove_webhook(&self, id: u64) -> Result<(), WebhookConfigError> {
        self.with_webhooks(|w| w.remove(id))
    }

    /// Turns the in-process event queue on or off. While on, every event of every account
    /// (with or without URLs) is queued, signed with its poll moment, until drained.
    pub fn set_webhook_queue(&self, on: bool) {
        self.with_webhooks(|w| w.set_queue(on));
    }

    /// Takes the queued events, oldest first.
    pub fn drain_webhook_queue(&self) -> Vec<QueuedWebhook> {
        self.with_webhooks(|w| w.drain_queue())
    }

    /// Every delivery attempt, oldest first (bounded; see `DELIVERY_LOG_CAPACITY`).
    pub fn webhook_deliveries(&self) -> Vec<DeliveryRecord> {
        self.with_webhooks(|w| w.log())
    }

    /// Sets the webhook faults (duplicate deliveries, delay).
    pub fn set_webhook_faults(&self, faults: WebhookFaults) {
        self.with_webhooks(|w| w.set_faults(faults));
    }

    /// The webhook faults.
    pub fn webhook_faults(&self) -> WebhookFaults {
        self.with_webhooks(|w| w.faults())
    }

    /// Queues `event_id` again for every URL of its account, due now (sent by the next clock
    /// move or [`Simulator::deliver_webhooks`]). Returns how many URLs it was queued for.
    pub fn redeliver_webhook(&self, event_id: u64) -> Result<usize, String> {
        self.webhook_redeliver(event_id, false)
    }

    /// Queues again every event given up whose poll moment is at or after `since`, for the
    /// URLs that gave up. Returns the event ids.
    pub fn redeliver_failed_webhooks(&self, since: DateTime<Utc>) -> Vec<u64> {
        let ids = self.with_webhooks(|w| w.failed_since(since.timestamp()));
        ids.into_iter()
            .filter(|id| self.webhook_redeliver(*id, true).is_ok_and(|n| n > 0))
            .collect()
    }
}
