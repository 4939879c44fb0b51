//! The delivery engine: poll moments → events → per-(endpoint, tracking) ordered streams with
//! retries on the simulated clock. Pure bookkeeping: rendering, signing inputs and HTTP are
//! supplied by the caller, so it runs under the simulator's lock and sends outside it.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::io::Write;
use std::sync::Arc;

use super::ladder::{retry_delay, MAX_RETRIES};
use super::queue::{self, JobBatch, QueueJob, RenderLater, SharedQueue};
use super::types::{
    DeliveryOutcome, DeliveryRecord, QueuedWebhook, WebhookEndpoint, WebhookFaults,
};

/// Most endpoints per account (CONTRACT §5).
pub const MAX_ENDPOINTS_PER_ACCOUNT: usize = 4;
/// Delivery-log entries kept (oldest dropped first).
pub const DELIVERY_LOG_CAPACITY: usize = 100_000;
/// Events remembered for redelivery (oldest forgotten first).
const EVENT_MEMORY: usize = 200_000;

/// `(endpoint id, account, tracking id)`: deliveries of one tracking to one URL, in order.
type StreamKey = (u64, u32, u128);

/// What the caller renders for a poll: the GET-one tracking at that moment.
pub(crate) struct Rendered {
    pub(crate) data: String,
    pub(crate) carrier_code: &'static str,
    pub(crate) tracking_number: Box<str>,
    /// Index of the main status (0 = pending … 7 = expired).
    pub(crate) status: usize,
}

/// An event's identity, kept after delivery for the log and redelivery.
#[derive(Debug, Clone)]
struct EventMeta {
    acct: u32,
    id: u128,
    carrier_code: &'static str,
    tracking_number: Box<str>,
    time: i64,
    /// Where it went (for "redeliver failed since T"): endpoint → given up?
    given_up: Vec<u64>,
}

#[derive(Debug)]
struct Pending {
    event: u64,
    /// The tracking as GET-one showed it at the poll moment.
    data: Arc<str>,
    /// Attempts already made.
    attempts: u32,
}

#[derive(Debug)]
struct Endpoint {
    public: WebhookEndpoint,
    acct: Option<u32>,
    /// Bit i set = status i triggers a delivery.
    mask: u8,
}

/// One attempt to send, built under the lock and sent outside it.
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    key: StreamKey,
    pub(crate) event_id: u64,
    pub(crate) url: String,
    /// The signed body (signed with `sent_at`).
    pub(crate) body: bytes::Bytes,
    pub(crate) sent_at: i64,
    pub(crate) attempt: u32,
    pub(crate) duplicate: bool,
}

/// All webhook state of a simulator.
#[derive(Debug)]
pub(crate) struct Webhooks {
    endpoints: Vec<Endpoint>,
    next_endpoint: u64,
    next_event: u64,
    /// Poll moments that will see a change: (time, account, tracking).
    polls: BTreeSet<(i64, u32, u128)>,
    streams: HashMap<StreamKey, VecDeque<Pending>>,
    /// Head of each non-empty stream, by due time.
    due: BTreeSet<(i64, StreamKey)>,
    due_of: HashMap<StreamKey, i64>,
    events: HashMap<u64, EventMeta>,
    event_order: VecDeque<u64>,
    log: VecDeque<DeliveryRecord>,
    queue: Option<SharedQueue>,
    /// Queue events made by the current clock step, not yet handed to a feeder.
    jobs: Vec<QueueJob>,
    faults: WebhookFaults,
    rng: fastrand::Rng,
}

/// Why an endpoint was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookConfigError {
    /// Not an absolute http(s) URL.
    #[error("webhook url must be an absolute http:// or https:// URL, got {0:?}")]
    BadUrl(String),
    /// An unknown trigger status.
    #[error("unknown trigger status {0:?} (pending, notfound, transit, pickup, delivered, undelivered, exception, expired)")]
    BadStatus(String),
    /// The account already has 4.
    #[error("at most 4 webhook URLs per account")]
    TooMany,
    /// No endpoint with this id.
    #[error("no webhook with id {0}")]
    NotFound(u64),
    /// Refused for another reason (e.g. an unknown API key), with the reason.
    #[error("{0}")]
    Refused(String),
}

const STATUS_NAMES: [&str; 8] = [
    "pending",
    "notfound",
    "transit",
    "pickup",
    "delivered",
    "undelivered",
    "exception",
    "expired",
];

impl Webhooks {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            endpoints: Vec::new(),
            next_endpoint: 1,
            next_event: 1,
            polls: BTreeSet::new(),
            streams: HashMap::new(),
            due: BTreeSet::new(),
            due_of: HashMap::new(),
            events: HashMap::new(),
            event_order: VecDeque::new(),
            log: VecDeque::new(),
            queue: None,
            jobs: Vec::new(),
            faults: WebhookFaults::default(),
            rng: fastrand::Rng::with_seed(seed ^ 0x7765_6268_6f6f_6b73),
        }
    }

    /// Whether clock moves must produce events at all (an endpoint or the queue exists).
    pub(crate) fn active(&self) -> bool {
        !self.endpoints.is_empty() || self.queue.is_some()
    }

    /// Whether any endpoint is an HTTP URL (deliveries need a client).
    pub(crate) fn has_endpoints(&self) -> bool {
        !self.endpoints.is_empty()
    }

    /// Endpoints that apply to `acct` (global ones included).
    fn for_account(&self, acct: u32) -> impl Iterator<Item = &Endpoint> {
        self.endpoints
            .iter()
            .filter(move |e| e.acct.is_none_or(|a| a == acct))
    }

    /// Registers an endpoint. `acct`/`label`: the owning account, or `None` for all accounts
    /// (`accounts` = how many accounts exist, to enforce the limit for every one of them).
    pub(crate) fn add(
        &mut self,
        url: &str,
        statuses: &[String],
        acct: Option<(u32, String)>,
        accounts: u32,
    ) -> Result<WebhookEndpoint, WebhookConfigError> {
        let parsed: Option<http::Uri> = url.parse().ok();
        let ok = parsed.as_ref().is_some_and(|u| {
            matches!(u.scheme_str(), Some("http" | "https")) && u.host().is_some()
        });
        if !ok {
            return Err(WebhookConfigError::BadUrl(url.to_owned()));
        }
        let mut mask = 0u8;
        for s in statuses {
            let i = STATUS_NAMES
                .iter()
                .position(|n| n.eq_ignore_ascii_case(s.trim()))
                .ok_or_else(|| WebhookConfigError::BadStatus(s.clone()))?;
            mask |= 1 << i;
        }
        if mask == 0 {
            mask = u8::MAX;
        }
        let count = |a: u32| self.for_account(a).count();
        let full = match &acct {
            Some((a, _)) => count(*a) >= MAX_ENDPOINTS_PER_ACCOUNT,
            None => {
                let globals = self.endpoints.iter().filter(|e| e.acct.is_none()).count();
                globals >= MAX_ENDPOINTS_PER_ACCOUNT
                    || (0..accounts).any(|a| count(a) >= MAX_ENDPOINTS_PER_ACCOUNT)
            }
        };
        if full {
            return Err(WebhookConfigError::TooMany);
        }
        let public = WebhookEndpoint {
            id: self.next_endpoint,
            url: url.to_owned(),
            statuses: STATUS_NAMES
                .iter()
                .enumerate()
                .filter(|(i, _)| mask != u8::MAX && mask & (1 << i) != 0)
                .map(|(_, n)| (*n).to_owned())
                .collect(),
            account: acct.as_ref().map(|(_, l)| l.clone()),
        };
        self.next_endpoint += 1;
        self.endpoints.push(Endpoint {
            public: public.clone(),
            acct: acct.map(|(a, _)| a),
            mask,
        });
        Ok(public)
    }

    /// The registered endpoints.
    pub(crate) fn list(&self) -> Vec<WebhookEndpoint> {
        self.endpoints.iter().map(|e| e.public.clone()).collect()
    }

    /// Removes an endpoint and its undelivered deliveries.
    pub(crate) fn remove(&mut self, id: u64) -> Result<(), WebhookConfigError> {
        let before = self.endpoints.len();
        self.endpoints.retain(|e| e.public.id != id);
        if self.endpoints.len() == before {
            return Err(WebhookConfigError::NotFound(id));
        }
        self.streams.retain(|k, _| k.0 != id);
        self.due.retain(|(_, k)| k.0 != id);
        self.due_of.retain(|k, _| k.0 != id);
        Ok(())
    }

    /// Turns the in-process queue on (events accumulate until drained) or off.
    pub(crate) fn set_queue(&mut self, on: bool) {
        match (on, self.queue.is_some()) {
            (true, false) => self.queue = Some(SharedQueue::default()),
            (false, true) => self.queue = None,
            _ => {}
        }
    }

    /// Takes every queued event, oldest first.
    pub(crate) fn drain_queue(&mut self) -> Vec<QueuedWebhook> {
        self.queue
            .as_ref()
            .map(|q| queue::lock(q).drain(..).collect())
            .unwrap_or_default()
    }

    /// The queue events made since the last call, in event order, with their queue.
    pub(crate) fn take_jobs(&mut self) -> Option<JobBatch> {
        if self.jobs.is_empty() {
            return None;
        }
        let jobs = std::mem::take(&mut self.jobs);
        self.queue.as_ref().map(|q| JobBatch {
            queue: std::sync::Arc::clone(q),
            jobs,
        })
    }

    pub(crate) fn set_faults(&mut self, f: WebhookFaults) {
        self.faults = f;
    }

    pub(crate) fn faults(&self) -> WebhookFaults {
        self.faults.clone()
    }

    /// The delivery log, oldest first.
    pub(crate) fn log(&self) -> Vec<DeliveryRecord> {
        self.log.iter().cloned().collect()
    }

    /// Forgets everything but the endpoints and faults (a simulator reset or a clock moved back).
    pub(crate) fn clear_pending(&mut self) {
        self.polls.clear();
        self.streams.clear();
        self.due.clear();
        self.due_of.clear();
    }

    /// A simulator reset: accounts are gone, so account endpoints go; endpoints for every
    /// account (`--webhook`), faults and the queue switch stay; pending work and the log go.
    pub(crate) fn reset(&mut self) {
        let mut fresh = Self::new(self.rng.u64(..));
        fresh.endpoints = std::mem::take(&mut self.endpoints);
        fresh.endpoints.retain(|e| e.acct.is_none());
        fresh.next_endpoint = self.next_endpoint;
        fresh.faults = std::mem::take(&mut self.faults);
        fresh.set_queue(self.queue.is_some());
        *self = fresh;
    }

    /// Whether changes of `acct`'s trackings produce events (it has a URL, or the queue is on).
    pub(crate) fn wants(&self, acct: u32) -> bool {
        self.queue.is_some() || self.for_account(acct).next().is_some()
    }

    /// A change of tracking `(acct, id)` became visible at `at`: the service sees it at the
    /// tracking's next poll moment (express every 3 h, postal every 6 h, phase by id).
    pub(crate) fn changed(&mut self, acct: u32, id: u128, at: i64, cadence: i64) {
        let phase = i64::try_from(id % cadence.unsigned_abs() as u128).unwrap_or(0);
        let poll = (at - phase).div_euclid(cadence) * cadence + phase;
        let poll = if poll < at { poll + cadence } else { poll };
        // Several changes before one poll are one event: the set dedups them.
        self.polls.insert((poll, acct, id));
    }

    /// Earliest poll or attempt that is due.
    pub(crate) fn next_due(&self) -> Option<i64> {
        let poll = self.polls.first().map(|p| p.0);
        let att = self.due.first().map(|d| d.0);
        match (poll, att) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Runs the polls due by `now` and returns the attempts due by `now`, each signed with
    /// its due time. An event for a URL is rendered at once by `render`; an event only for
    /// the queue becomes a job (see [`Webhooks::take_jobs`]) rendering `later`'s snapshot.
    /// Queue events are signed with `email`.
    pub(crate) fn take_due(
        &mut self,
        now: i64,
        mut render: impl FnMut(u32, u128, i64) -> Option<Rendered>,
        mut later: impl FnMut(u32, u128, i64) -> Option<RenderLater>,
        email: impl Fn(u32) -> String,
    ) -> Vec<Attempt> {
        // One account's e-mail is asked for once per event: remember the last one.
        let mut last: Option<(u32, Arc<str>)> = None;
        let mut email = move |acct: u32| -> Arc<str> {
            match &last {
                Some((a, m)) if *a == acct => Arc::clone(m),
                _ => {
                    let m: Arc<str> = Arc::from(email(acct));
                    last = Some((acct, Arc::clone(&m)));
                    m
                }
            }
        };
        while let Some(&(p, acct, id)) = self.polls.first() {
            if p > now {
                break;
            }
            self.polls.pop_first();
            if self.for_account(acct).next().is_some() {
                if let Some(r) = render(acct, id, p) {
                    self.event(acct, id, p, r, &mut email);
                }
            } else if let Some(render) = later(acct, id, p) {
                // No URL wants it: only the queue does, and it renders off the lock.
                let event_id = self.next_event;
                self.next_event += 1;
                if self.queue.is_some() {
                    self.jobs.push(QueueJob::Later {
                        event_id,
                        email: email(acct),
                        time: p,
                        render,
                    });
                }
            }
        }
        let mut out = Vec::new();
        while let Some(&(t, key)) = self.due.first() {
            if t > now {
                break;
            }
            self.due.pop_first();
            self.due_of.remove(&key);
            let Some(head) = self.streams.get(&key).and_then(VecDeque::front) else {
                continue;
            };
            let Some(ep) = self.endpoints.iter().find(|e| e.public.id == key.0) else {
                continue;
            };
            let body = signed(&head.data, &email(key.1), t);
            out.push(Attempt {
                key,
                event_id: head.event,
                url: ep.public.url.clone(),
                body,
                sent_at: t,
                attempt: head.attempts + 1,
                duplicate: false,
            });
        }
        out
    }

    fn event(
        &mut self,
        acct: u32,
        id: u128,
        p: i64,
        r: Rendered,
        email: &mut impl FnMut(u32) -> Arc<str>,
    ) {
        let event = self.next_event;
        self.next_event += 1;
        if self.queue.is_some() {
            let mail = email(acct);
            self.jobs.push(QueueJob::Ready(QueuedWebhook {
                event_id: event,
                body: signed_vec(&r.data, &mail, p),
                email: mail.to_string(),
                carrier_code: r.carrier_code.to_owned(),
                tracking_number: r.tracking_number.to_string(),
                time: p,
            }));
        }
        let start = p + i64::try_from(self.faults.delay_seconds).unwrap_or(i64::MAX / 4);
        let targets: Vec<u64> = self
            .for_account(acct)
            .filter(|e| e.mask & (1 << r.status) != 0)
            .map(|e| e.public.id)
            .collect();
        if !targets.is_empty() {
            let data: Arc<str> = Arc::from(r.data);
            for ep in &targets {
                self.push((*ep, acct, id), event, Arc::clone(&data), start);
            }
            self.remember(
                event,
                EventMeta {
                    acct,
                    id,
                    carrier_code: r.carrier_code,
                    tracking_number: r.tracking_number,
                    time: p,
                    given_up: Vec::new(),
                },
            );
        }
    }

    fn remember(&mut self, event: u64, meta: EventMeta) {
        if self.event_order.len() >= EVENT_MEMORY {
            if let Some(old) = self.event_order.pop_front() {
                self.events.remove(&old);
            }
        }
        self.event_order.push_back(event);
        self.events.insert(event, meta);
    }

    /// Appends to a stream; an idle stream's head becomes due at `at`.
    fn push(&mut self, key: StreamKey, event: u64, data: Arc<str>, at: i64) {
        let stream = self.streams.entry(key).or_default();
        stream.push_back(Pending {
            event,
            data,
            attempts: 0,
        });
        if stream.len() == 1 {
            self.schedule(key, at);
        }
    }

    fn schedule(&mut self, key: StreamKey, at: i64) {
        if let Some(old) = self.due_of.insert(key, at) {
            self.due.remove(&(old, key));
        }
        self.due.insert((at, key));
    }

    /// Records the answers (`http_status` 0 = no answer) and schedules what follows.
    pub(crate) fn finish(&mut self, results: Vec<(Attempt, u16)>) -> Vec<Attempt> {
        let mut duplicates = Vec::new();
        for (a, status) in results {
            let meta = self.events.get(&a.event_id);
            let (carrier_code, tracking_number) = meta
                .map(|m| (m.carrier_code.to_owned(), m.tracking_number.to_string()))
                .unwrap_or_default();
            let ok = (200..300).contains(&status);
            let mut record = DeliveryRecord {
                event_id: a.event_id,
                endpoint_id: a.key.0,
                url: a.url.clone(),
                carrier_code,
                tracking_number,
                attempt: a.attempt,
                sent_at: a.sent_at,
                http_status: status,
                outcome: DeliveryOutcome::Delivered,
                next_attempt_at: None,
                duplicate: a.duplicate,
            };
            if a.duplicate {
                // A duplicate changes nothing in the stream.
                record.outcome = if ok {
                    DeliveryOutcome::Delivered
                } else {
                    DeliveryOutcome::GivenUp
                };
                self.journal(record);
                continue;
            }
            let Some(head) = self.streams.get_mut(&a.key).and_then(VecDeque::front_mut) else {
                continue;
            };
            if head.event != a.event_id {
                continue;
            }
            head.attempts = a.attempt;
            let advance = if ok {
                if self.faults.duplicate_rate > 0.0 && self.rng.f64() < self.faults.duplicate_rate {
                    duplicates.push(Attempt {
                        duplicate: true,
                        ..a.clone()
                    });
                }
                true
            } else if a.attempt > MAX_RETRIES {
                record.outcome = DeliveryOutcome::GivenUp;
                if let Some(m) = self.events.get_mut(&a.event_id) {
                    m.given_up.push(a.key.0);
                }
                true
            } else {
                let next = a.sent_at + retry_delay(a.attempt);
                record.outcome = DeliveryOutcome::Retrying;
                record.next_attempt_at = Some(next);
                self.schedule(a.key, next);
                false
            };
            if advance {
                let more = self.streams.get_mut(&a.key).is_some_and(|stream| {
                    stream.pop_front();
                    !stream.is_empty()
                });
                if more {
                    // The next event of this tracking goes out once the previous one is settled.
                    self.schedule(a.key, a.sent_at);
                } else {
                    self.streams.remove(&a.key);
                }
            }
            self.journal(record);
        }
        duplicates
    }

    fn journal(&mut self, r: DeliveryRecord) {
        if self.log.len() >= DELIVERY_LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(r);
    }

    /// Queues `event` again for its endpoints (all of them, or those given up with
    /// `only_failed`), at `now`, behind anything still undelivered for that tracking.
    /// `render` re-renders the tracking at the event's poll moment.
    pub(crate) fn redeliver(
        &mut self,
        event: u64,
        now: i64,
        only_failed: bool,
        render: impl FnOnce(u32, u128, i64) -> Option<Rendered>,
    ) -> Result<usize, String> {
        let meta = self
            .events
            .get(&event)
            .cloned()
            .ok_or_else(|| format!("no webhook event {event} (unknown, or too old to keep)"))?;
        let targets: Vec<u64> = if only_failed {
            meta.given_up.clone()
        } else {
            self.for_account(meta.acct).map(|e| e.public.id).collect()
        };
        let targets: Vec<u64> = targets
            .into_iter()
            .filter(|id| self.endpoints.iter().any(|e| e.public.id == *id))
            .collect();
        if targets.is_empty() {
            return Ok(0);
        }
        let r = render(meta.acct, meta.id, meta.time)
            .ok_or_else(|| format!("the tracking of event {event} no longer exists"))?;
        let data: Arc<str> = Arc::from(r.data);
        if let Some(m) = self.events.get_mut(&event) {
            m.given_up.retain(|id| !targets.contains(id));
        }
        for ep in &targets {
            self.push((*ep, meta.acct, meta.id), event, Arc::clone(&data), now);
        }
        Ok(targets.len())
    }

    /// Events given up (on some endpoint) whose poll moment is at or after `since`.
    pub(crate) fn failed_since(&self, since: i64) -> Vec<u64> {
        let mut ids: Vec<u64> = self
            .events
            .iter()
            .filter(|(_, m)| !m.given_up.is_empty() && m.time >= since)
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids
    }
}

/// The delivery body around `data`, signed with `time`.
pub(crate) fn signed(data: &str, email: &str, time: i64) -> bytes::Bytes {
    bytes::Bytes::from(signed_vec(data, email, time))
}

/// [`signed`] as plain bytes (what the in-process queue keeps), built in one exact buffer.
pub(crate) fn signed_vec(data: &str, email: &str, time: i64) -> Vec<u8> {
    const HEAD: &[u8] = br#"{"meta":{"code":200,"type":"Success","message":"Success"},"data":"#;
    let sig = tm_core::webhook::sign(email, time);
    let mut s = Vec::with_capacity(HEAD.len() + data.len() + 128);
    s.extend_from_slice(HEAD);
    s.extend_from_slice(data.as_bytes());
    s.extend_from_slice(br#","verifyInfo":{"timeStr":"#);
    // `write!` to a Vec cannot fail.
    let _ = write!(s, "{time}");
    s.extend_from_slice(br#","signature":""#);
    s.extend_from_slice(sig.as_bytes());
    s.extend_from_slice(br#""}}"#);
    s
}
