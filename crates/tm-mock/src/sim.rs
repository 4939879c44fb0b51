//! The simulator: one shared state, a synchronous router, and the admin API.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::api::{self, Ep, Fail};
use crate::faults::{FaultConfig, FaultKind, FaultState, FaultTiming};
use crate::render::TrackingView;
use crate::route;
use crate::state::{self, State, StateSnap, Stored};

/// Default starting credits of an account.
pub const DEFAULT_CREDITS: f64 = 100_000.0;

/// The instant the simulated clock starts at: 2026-01-05T08:00:00Z.
pub const DEFAULT_START: i64 = 1_767_600_000;

/// Most journal entries kept (oldest are dropped first).
pub const JOURNAL_CAPACITY: usize = 100_000;

/// Largest request body accepted (1 MiB).
pub const MAX_BODY: usize = 1 << 20;

/// How a [`Simulator`] starts.
#[derive(Clone, PartialEq)]
pub struct SimConfig {
    /// Seed of routes, ids and faults.
    pub seed: u64,
    /// Starting credits of each account (fractions of 0.1 are kept).
    pub credits: f64,
    /// Per-key rate limits (list 1/s, realtime 3/s, others 10/s).
    pub rate_limits: bool,
    /// Accepted keys; `None` accepts any non-empty key, each with its own account.
    pub keys: Option<Vec<String>>,
    /// Start of the simulated clock.
    pub start: DateTime<Utc>,
}

impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("seed", &self.seed)
            .field("credits", &self.credits)
            .field("rate_limits", &self.rate_limits)
            .field(
                "keys",
                &self
                    .keys
                    .as_ref()
                    .map(|k| format!("{} key(s), redacted", k.len())),
            )
            .field("start", &self.start)
            .finish()
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            credits: DEFAULT_CREDITS,
            rate_limits: false,
            keys: None,
            start: DateTime::from_timestamp(DEFAULT_START, 0).unwrap_or_default(),
        }
    }
}

/// One request as a server receives it.
#[derive(Clone)]
pub struct SimRequest {
    /// HTTP method.
    pub method: Method,
    /// Path as sent (percent-encoded), with or without `/v2`.
    pub path: String,
    /// Raw query string (without `?`), percent-encoded.
    pub query: String,
    /// Headers, including `Trackingmore-Api-Key`.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl fmt::Debug for SimRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish_non_exhaustive()
    }
}

impl SimRequest {
    /// A request without query, headers or body.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        let path: String = path.into();
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p.to_string(), q.to_string()),
            None => (path, String::new()),
        };
        Self {
            method,
            path,
            query,
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// Sets the `Trackingmore-Api-Key` header (ignored if it is not a valid header value).
    pub fn key(mut self, key: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(key) {
            self.headers.insert(tm_core::transport::API_KEY_HEADER, v);
        }
        self
    }

    /// Sets a header (ignored if invalid).
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.insert(name, v);
        }
        self
    }

    /// Sets the raw query string.
    pub fn query(mut self, q: impl Into<String>) -> Self {
        self.query = q.into();
        self
    }

    /// Sets the body bytes.
    pub fn body(mut self, b: impl Into<Bytes>) -> Self {
        self.body = b.into();
        self
    }

    /// Sets a JSON body.
    pub fn json(self, v: &Value) -> Self {
        self.body(serde_json::to_vec(v).unwrap_or_default())
    }
}

/// One response: status, headers, JSON body.
#[derive(Clone, PartialEq, Eq)]
pub struct SimResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Headers (`Content-Type`, `Retry-After` on 429/503).
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl fmt::Debug for SimResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl SimResponse {
    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// `meta.code` of the body, if any.
    pub fn meta_code(&self) -> Option<i64> {
        self.json()?.get("meta")?.get("code")?.as_i64()
    }

    /// `data` of the body, if any.
    pub fn data(&self) -> Option<Value> {
        self.json()?.get("data").cloned()
    }

    /// `Retry-After` in seconds, if present.
    pub fn retry_after(&self) -> Option<u64> {
        self.headers
            .get(http::header::RETRY_AFTER)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }
}

/// What the wire layer must do with a processed request.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Send this response.
    Respond(SimResponse),
    /// Send the headers of this response, then only `keep` bytes of its body, then break the connection.
    Truncate(SimResponse, usize),
    /// Close the connection without answering.
    Drop,
}

/// A request after routing and fault injection.
#[derive(Debug, Clone)]
pub struct Processed {
    /// Injected delay before answering.
    pub latency: Duration,
    /// What to send.
    pub outcome: Outcome,
}

/// One received API request, with the key redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Sequence number, from 1.
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Path as received.
    pub path: String,
    /// Raw query string.
    pub query: String,
    /// HTTP status sent (0 when the connection was dropped).
    pub status: u16,
    /// `meta.code` sent, if any.
    pub meta_code: Option<i64>,
    /// Account label (`account-1`, …), `None` when the key was not accepted.
    pub account: Option<String>,
    /// Endpoint name (`trackings.post`, …), `None` for unknown routes.
    pub endpoint: Option<String>,
    /// Injected fault, if any (`drop`, `truncate`, `http503`, …).
    pub fault: Option<String>,
}

/// Errors of [`Simulator::restore`].
#[derive(Debug, thiserror::Error)]
#[error("cannot restore the simulator snapshot: {0}")]
pub struct SnapshotError(String);

struct World {
    state: State,
    config: SimConfig,
    rate_limits: bool,
    rate: HashMap<(usize, u8), VecDeque<Instant>>,
    faults: FaultState,
    journal: VecDeque<JournalEntry>,
    seq: u64,
}

/// The TrackingMore v2 simulator. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Simulator {
    inner: Arc<Mutex<World>>,
}

impl fmt::Debug for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self.lock();
        f.debug_struct("Simulator")
            .field("now", &state::rfc3339(w.state.now))
            .field("accounts", &w.state.accounts.len())
            .finish_non_exhaustive()
    }
}

impl Default for Simulator {
    fn default() -> Self {
        Self::new(SimConfig::default())
    }
}

fn tenths(credits: f64) -> i64 {
    if credits.is_finite() {
        (credits * 10.0).round().clamp(0.0, 9.0e15) as i64
    } else {
        0
    }
}

fn meta_type(code: i64) -> &'static str {
    match code {
        200 => "Success",
        201 => "Created",
        401 | 4001 | 4002 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Server error",
        503 => "Service Unavailable",
        4031..=4033 => "No Content",
        _ => "Bad Request",
    }
}

/// Builds an envelope response.
pub(crate) fn envelope<D: serde::Serialize>(code: i64, message: &str, data: D) -> SimResponse {
    envelope_sized(code, message, data, 128)
}

/// Room reserved for a single-tracking envelope (most are 1.5–4 KB), so the
/// body is written without growing its buffer several times.
const TRACKING_BODY_CAPACITY: usize = 4096;

/// [`envelope`] written into a buffer of `capacity` bytes to start with.
fn envelope_sized<D: serde::Serialize>(
    code: i64,
    message: &str,
    data: D,
    capacity: usize,
) -> SimResponse {
    #[derive(serde::Serialize)]
    struct Meta<'a> {
        code: i64,
        #[serde(rename = "type")]
        type_: &'a str,
        message: &'a str,
    }
    #[derive(serde::Serialize)]
    struct Envelope<'a, D> {
        meta: Meta<'a>,
        data: D,
    }
    let status = match code {
        401 | 404 | 405 | 429 | 500 | 503 => {
            StatusCode::from_u16(code as u16).unwrap_or(StatusCode::OK)
        }
        _ => StatusCode::OK,
    };
    let body = Envelope {
        meta: Meta {
            code,
            type_: meta_type(code),
            message,
        },
        data,
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let mut out = Vec::with_capacity(capacity);
    if serde_json::to_writer(&mut out, &body).is_err() {
        out.clear();
    }
    SimResponse {
        status,
        headers,
        body: Bytes::from(out),
    }
}

fn success<D: serde::Serialize>(code: i64, data: D) -> SimResponse {
    success_sized(code, data, 128)
}

fn success_sized<D: serde::Serialize>(code: i64, data: D, capacity: usize) -> SimResponse {
    let msg = if code == 201 {
        "The request was successful and a resource was created."
    } else {
        "Success"
    };
    envelope_sized(code, msg, data, capacity)
}

fn error(code: i64, message: &str) -> SimResponse {
    envelope(code, message, json!([]))
}

fn with_retry_after(mut r: SimResponse, secs: u64) -> SimResponse {
    r.headers
        .insert(http::header::RETRY_AFTER, HeaderValue::from(secs));
    r
}

/// Percent-decodes (`+` is a space in queries).
fn decode(s: &str, plus: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let h = |c: u8| (c as char).to_digit(16);
                match (h(b[i + 1]), h(b[i + 2])) {
                    (Some(x), Some(y)) => {
                        out.push((x * 16 + y) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' if plus => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a raw query string into decoded pairs.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k, true), decode(v, true)),
            None => (decode(p, true), String::new()),
        })
        .collect()
}

/// Decoded path segments without the `v2` prefix.
fn segments(path: &str) -> Vec<String> {
    let path = path.split('?').next().unwrap_or("");
    let mut segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| decode(s, false))
        .collect();
    if segs.first().is_some_and(|s| s.eq_ignore_ascii_case("v2")) {
        segs.remove(0);
    }
    segs
}

/// Path without `/v2` and trailing slash, for fault patterns.
fn norm_path(segs: &[String]) -> String {
    format!("/{}", segs.join("/"))
}

/// What the router needs from a request that does not depend on the World:
/// computed before the lock is taken.
struct Parsed {
    /// Decoded path segments without `v2`.
    segs: Vec<String>,
    /// An admin (`/_mock/...`) request.
    admin: bool,
    /// The API call, or 404/405.
    ep: Result<Ep, i64>,
    /// Decoded query pairs.
    query: Vec<(String, String)>,
}

impl Parsed {
    fn new(req: &SimRequest) -> Self {
        let segs = segments(&req.path);
        let admin = segs.first().is_some_and(|s| s == "_mock");
        let ep = api::resolve(&req.method, &segs);
        let query = if admin {
            Vec::new()
        } else {
            parse_query(&req.query)
        };
        Self {
            segs,
            admin,
            ep,
            query,
        }
    }
}

impl Simulator {
    /// A simulator configured by `config`.
    pub fn new(config: SimConfig) -> Self {
        let state = Self::fresh_state(&config);
        let world = World {
            state,
            rate_limits: config.rate_limits,
            rate: HashMap::new(),
            faults: FaultState::new(FaultConfig::default(), config.seed),
            journal: VecDeque::new(),
            seq: 0,
            config,
        };
        Self {
            inner: Arc::new(Mutex::new(world)),
        }
    }

    fn fresh_state(config: &SimConfig) -> State {
        let mut st = State {
            seed: config.seed,
            now: config.start.timestamp(),
            default_credits: tenths(config.credits),
            open: config.keys.is_none(),
            ..State::default()
        };
        for k in config.keys.iter().flatten() {
            let h = state::key_hash(k);
            if !st.key_index.contains_key(&h) {
                st.configured.push(h);
                st.add_account(h, st.default_credits);
            }
        }
        st
    }

    fn lock(&self) -> MutexGuard<'_, World> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// An in-process transport that sends with `api_key`.
    pub fn transport(&self, api_key: tm_core::ApiKey) -> crate::MockTransport {
        crate::MockTransport::new(self.clone(), api_key)
    }

    /// The simulated time.
    pub fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.lock().state.now, 0).unwrap_or_default()
    }

    /// Moves the clock forward by `d` and applies due status changes.
    pub fn advance(&self, d: Duration) {
        let mut w = self.lock();
        let t = w
            .state
            .now
            .saturating_add(i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2));
        w.state.set_now(t);
    }

    /// Sets the clock (backwards too; that recomputes every status).
    pub fn set_now(&self, t: DateTime<Utc>) {
        self.lock().state.set_now(t.timestamp());
    }

    /// Turns rate limits on or off.
    pub fn set_rate_limits(&self, on: bool) {
        let mut w = self.lock();
        w.rate_limits = on;
        w.rate.clear();
    }

    /// Whether rate limits are on.
    pub fn rate_limits(&self) -> bool {
        self.lock().rate_limits
    }

    /// Replaces the fault rules.
    pub fn set_faults(&self, faults: FaultConfig) {
        let mut w = self.lock();
        let seed = w.config.seed;
        w.faults = FaultState::new(faults, seed);
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
        self.lock().journal.iter().cloned().collect()
    }

    /// Empties the journal.
    pub fn clear_journal(&self) {
        self.lock().journal.clear();
    }

    /// Clears trackings, accounts (except configured keys), journal and faults; resets the clock.
    pub fn reset(&self) {
        let mut w = self.lock();
        w.state = Self::fresh_state(&w.config);
        w.journal.clear();
        w.seq = 0;
        w.rate.clear();
        let seed = w.config.seed;
        w.faults = FaultState::new(FaultConfig::default(), seed);
    }

    /// Registers `key` (or changes its account): credits (default: the configured
    /// starting credits for a new account) and the deleted flag. Returns the account label.
    pub fn set_account(&self, key: &str, credits: Option<f64>, deleted: Option<bool>) -> String {
        let mut w = self.lock();
        let h = state::key_hash(key);
        let idx = match w.state.key_index.get(&h) {
            Some(i) => *i,
            None => {
                let c = w.state.default_credits;
                w.state.add_account(h, c)
            }
        };
        let a = &mut w.state.accounts[idx];
        if let Some(c) = credits {
            a.credits = tenths(c);
        }
        if let Some(d) = deleted {
            a.deleted = d;
        }
        a.label.clone()
    }

    /// Remaining credits of `key`'s account, if it exists.
    pub fn credits(&self, key: &str) -> Option<f64> {
        let w = self.lock();
        let idx = *w.state.key_index.get(&state::key_hash(key))?;
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
        serde_json::to_vec(&w.state.to_snap(w.rate_limits)).unwrap_or_default()
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
            w.rate_limits = rate_limits;
        }
        Ok(sim)
    }

    /// Routes one request without fault injection (rate limits apply when on)
    /// and journals it.
    pub fn handle(&self, req: SimRequest) -> SimResponse {
        let parsed = Parsed::new(&req);
        let mut w = self.lock();
        let (reply, info) = Self::route(&mut w, &req, &parsed);
        let mut req = req;
        if let Some(info) = info {
            Self::record(&mut w, &mut req, Some(reply.codes()), info, None);
        }
        drop(w);
        reply.finish()
    }

    /// Routes one request with fault injection; what the transports and the
    /// HTTP server call.
    pub fn process(&self, req: SimRequest) -> Processed {
        // Everything that depends only on the request is done before locking.
        let parsed = Parsed::new(&req);
        let admin = parsed.admin;
        let name = parsed.ep.as_ref().map_or("unknown", |e| e.name());
        let mut w = self.lock();
        // Without rules `decide` draws nothing and decides nothing.
        let decision = if admin || w.faults.config.rules.is_empty() {
            Default::default()
        } else {
            w.faults.decide(name, &norm_path(&parsed.segs))
        };
        let latency = Duration::from_millis(decision.latency_ms);
        let Some(rule) = decision.fault else {
            let (reply, info) = Self::route(&mut w, &req, &parsed);
            let mut req = req;
            if let Some(info) = info {
                Self::record(&mut w, &mut req, Some(reply.codes()), info, None);
            }
            drop(w);
            // A tracking is rendered here, outside the lock.
            return Processed {
                latency,
                outcome: Outcome::Respond(reply.finish()),
            };
        };
        let fault_name = serde_json::to_value(rule.kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from));
        let canned = |kind: FaultKind| match kind {
            FaultKind::Http500 => {
                let r = error(500, "Internal server error.");
                match rule.retry_after {
                    Some(s) => with_retry_after(r, s),
                    None => r,
                }
            }
            FaultKind::Http503 => with_retry_after(
                error(503, "Service temporarily unavailable."),
                rule.retry_after.unwrap_or(1),
            ),
            FaultKind::Http429 => with_retry_after(
                error(429, "Too Many Requests"),
                rule.retry_after.unwrap_or(1),
            ),
            _ => {
                let status = StatusCode::from_u16(rule.status.unwrap_or(502))
                    .unwrap_or(StatusCode::BAD_GATEWAY);
                let mut headers = HeaderMap::new();
                headers.insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html"),
                );
                let body = format!(
                    "<html>\r\n<head><title>{0}</title></head>\r\n<body>\r\n<center><h1>{0}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                    status
                );
                SimResponse {
                    status,
                    headers,
                    body: Bytes::from(body),
                }
            }
        };
        let applied = if rule.timing() == FaultTiming::After {
            let (reply, info) = Self::route(&mut w, &req, &parsed);
            Some((reply.finish(), info))
        } else {
            None
        };
        let info = match &applied {
            Some((_, info)) => info.clone(),
            None => Some(RouteInfo {
                account: None,
                endpoint: Some(name.to_string()).filter(|n| n != "unknown"),
            }),
        };
        let outcome = match rule.kind {
            FaultKind::Drop => Outcome::Drop,
            FaultKind::Truncate => {
                let resp = match applied {
                    Some((r, _)) => r,
                    None => error(500, "Internal server error."),
                };
                let keep = rule
                    .keep_bytes
                    .unwrap_or(resp.body.len() / 2)
                    .min(resp.body.len().saturating_sub(1));
                Outcome::Truncate(resp, keep)
            }
            k => Outcome::Respond(canned(k)),
        };
        if let (Some(info), false) = (info, admin) {
            let sent = match &outcome {
                Outcome::Respond(r) | Outcome::Truncate(r, _) => Some(r),
                Outcome::Drop => None,
            };
            let sent = sent.map(|r| (r.status.as_u16(), journal_meta_code(r)));
            let mut req = req;
            Self::record(&mut w, &mut req, sent, info, fault_name);
        }
        Processed { latency, outcome }
    }

    /// Journals `req` (its path and query move into the entry); `sent` is the
    /// HTTP status and meta code sent, `None` when the connection was dropped.
    fn record(
        w: &mut World,
        req: &mut SimRequest,
        sent: Option<(u16, Option<i64>)>,
        info: RouteInfo,
        fault: Option<String>,
    ) {
        w.seq += 1;
        let entry = JournalEntry {
            seq: w.seq,
            method: req.method.as_str().to_owned(),
            path: std::mem::take(&mut req.path),
            query: std::mem::take(&mut req.query),
            status: sent.map_or(0, |s| s.0),
            meta_code: sent.and_then(|s| s.1),
            account: info.account,
            endpoint: info.endpoint,
            fault,
        };
        if w.journal.len() >= JOURNAL_CAPACITY {
            w.journal.pop_front();
        }
        w.journal.push_back(entry);
    }

    /// The router. `None` info means "admin request, do not journal".
    fn route(w: &mut World, req: &SimRequest, parsed: &Parsed) -> (Reply, Option<RouteInfo>) {
        if parsed.admin {
            return (
                Self::admin(w, &req.method, &parsed.segs[1..], &req.body).into(),
                None,
            );
        }
        let ep = match &parsed.ep {
            Ok(ep) => ep,
            Err(405) => {
                return (
                    error(405, "Method Not Allowed.").into(),
                    Some(RouteInfo {
                        account: None,
                        endpoint: None,
                    }),
                );
            }
            Err(_) => {
                return (
                    error(404, "The requested resource does not exist.").into(),
                    Some(RouteInfo {
                        account: None,
                        endpoint: None,
                    }),
                );
            }
        };
        let mut info = RouteInfo {
            account: None,
            endpoint: Some(ep.name().to_string()),
        };
        // The same limit the HTTP front door enforces, so both doors agree.
        if req.body.len() > MAX_BODY {
            return (
                error(4012, "The request body is larger than 1 MiB.").into(),
                Some(info),
            );
        }
        // Authentication.
        let key = req
            .headers
            .get(tm_core::transport::API_KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .unwrap_or("");
        if key.is_empty() {
            return (error(4001, api::message(4001)).into(), Some(info));
        }
        let h = state::key_hash(key);
        let acct = match w.state.key_index.get(&h) {
            Some(i) => *i,
            None if w.state.open => {
                let c = w.state.default_credits;
                w.state.add_account(h, c)
            }
            None => return (error(4001, api::message(4001)).into(), Some(info)),
        };
        info.account = Some(w.state.accounts[acct].label.clone());
        if w.state.accounts[acct].deleted {
            return (error(4002, api::message(4002)).into(), Some(info));
        }
        // Rate limits (wall clock, sliding 1 s window).
        if w.rate_limits {
            let (class, per_sec) = ep.rate();
            let now = Instant::now();
            let win = w.rate.entry((acct, class)).or_default();
            while win
                .front()
                .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
            {
                win.pop_front();
            }
            if win.len() >= per_sec {
                let wait = win.front().map_or(Duration::from_secs(1), |t| {
                    Duration::from_secs(1).saturating_sub(now.duration_since(*t))
                });
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                return (
                    with_retry_after(error(429, "Too Many Requests"), secs.max(1)).into(),
                    Some(info),
                );
            }
            win.push_back(now);
        }
        if let Ep::GetOne(c, n) = ep {
            // The tracking is rendered by `Reply::finish`, after the lock is released.
            let st = &w.state;
            let reply = match api::get_one_stored(st, acct, c, n) {
                Ok(s) => Reply::Tracking {
                    s: Arc::clone(s),
                    seed: st.seed,
                    t: st.now,
                },
                Err(Fail(code, msg)) => error(code, &msg).into(),
            };
            return (reply, Some(info));
        }
        let lang = req.headers.get("lang").and_then(|v| v.to_str().ok());
        let resp = match api::call(&mut w.state, acct, ep, &req.body, &parsed.query, lang) {
            Ok((code, data)) => success(code, &data),
            Err(Fail(code, msg)) => error(code, &msg),
        };
        (resp.into(), Some(info))
    }

    fn admin(w: &mut World, method: &Method, segs: &[String], body: &[u8]) -> SimResponse {
        let parse = |body: &[u8]| -> Result<Value, Box<SimResponse>> {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(json!({}));
            }
            serde_json::from_slice(body)
                .map_err(|e| Box::new(error(4012, &format!("Invalid JSON: {e}"))))
        };
        let clock = |w: &World| json!({"now": state::rfc3339(w.state.now), "unix": w.state.now});
        let s: Vec<&str> = segs.iter().map(String::as_str).collect();
        match (method.as_str(), s.as_slice()) {
            ("GET", ["clock"]) => success(200, clock(w)),
            ("POST", ["clock"]) => {
                let v = match parse(body) {
                    Ok(v) => v,
                    Err(r) => return *r,
                };
                if let Some(secs) = v.get("advance_seconds") {
                    match secs.as_i64() {
                        Some(n) if n >= 0 => {
                            let t = w.state.now.saturating_add(n.min(i64::MAX / 4));
                            w.state.set_now(t);
                        }
                        _ => {
                            return error(4012, "`advance_seconds` must be a non-negative integer.")
                        }
                    }
                } else if let Some(now) = v.get("now") {
                    let parsed = now
                        .as_str()
                        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                        .map(|d| d.timestamp())
                        .or_else(|| now.as_i64());
                    match parsed {
                        Some(t) => w.state.set_now(t),
                        None => {
                            return error(4012, "`now` must be an RFC 3339 time or Unix seconds.")
                        }
                    }
                } else {
                    return error(
                        4012,
                        "Send {\"advance_seconds\": N} or {\"now\": \"<rfc3339>\"}.",
                    );
                }
                success(200, clock(w))
            }
            ("GET", ["faults"]) => success(
                200,
                serde_json::to_value(&w.faults.config).unwrap_or(Value::Null),
            ),
            ("POST" | "PUT", ["faults"]) => {
                let v = match parse(body) {
                    Ok(v) => v,
                    Err(r) => return *r,
                };
                match serde_json::from_value::<FaultConfig>(v) {
                    Ok(cfg) => {
                        let seed = w.config.seed;
                        w.faults = FaultState::new(cfg, seed);
                        success(
                            200,
                            serde_json::to_value(&w.faults.config).unwrap_or(Value::Null),
                        )
                    }
                    Err(e) => error(4012, &format!("Invalid fault config: {e}")),
                }
            }
            ("DELETE", ["faults"]) => {
                let seed = w.config.seed;
                w.faults = FaultState::new(FaultConfig::default(), seed);
                success(200, json!([]))
            }
            ("GET", ["journal"]) => {
                success(200, serde_json::to_value(&w.journal).unwrap_or(Value::Null))
            }
            ("DELETE", ["journal"]) => {
                w.journal.clear();
                success(200, json!([]))
            }
            ("POST", ["reset"]) => {
                w.state = Self::fresh_state(&w.config);
                w.journal.clear();
                w.seq = 0;
                w.rate.clear();
                let seed = w.config.seed;
                w.faults = FaultState::new(FaultConfig::default(), seed);
                success(200, json!([]))
            }
            ("POST", ["rate-limits"]) => {
                let v = match parse(body) {
                    Ok(v) => v,
                    Err(r) => return *r,
                };
                match v.get("enabled").and_then(Value::as_bool) {
                    Some(on) => {
                        w.rate_limits = on;
                        w.rate.clear();
                        success(200, json!({"enabled": on}))
                    }
                    None => error(4012, "Send {\"enabled\": true|false}."),
                }
            }
            ("POST", ["accounts"]) => {
                let v = match parse(body) {
                    Ok(v) => v,
                    Err(r) => return *r,
                };
                let Some(key) = v
                    .get("key")
                    .and_then(Value::as_str)
                    .filter(|k| !k.trim().is_empty())
                else {
                    return error(4012, "`key` is required.");
                };
                let credits = v.get("credits").and_then(Value::as_f64);
                let deleted = v.get("deleted").and_then(Value::as_bool);
                let h = state::key_hash(key.trim());
                let idx = match w.state.key_index.get(&h) {
                    Some(i) => *i,
                    None => {
                        let c = w.state.default_credits;
                        w.state.add_account(h, c)
                    }
                };
                let a = &mut w.state.accounts[idx];
                if let Some(c) = credits {
                    a.credits = tenths(c);
                }
                if let Some(d) = deleted {
                    a.deleted = d;
                }
                success(
                    200,
                    json!({"account": a.label, "credits": api::credits_json(a.credits), "deleted": a.deleted}),
                )
            }
            (_, ["clock" | "faults" | "journal" | "reset" | "accounts" | "rate-limits"]) => {
                error(405, "Method Not Allowed.")
            }
            _ => error(404, "The requested resource does not exist."),
        }
    }
}

/// What the router answers: a response, or a tracking to render once the
/// World lock is released.
enum Reply {
    Ready(SimResponse),
    /// A `GET /trackings/{carrier}/{number}` success, seen at `t`.
    Tracking {
        s: Arc<Stored>,
        seed: u64,
        t: i64,
    },
}

impl From<SimResponse> for Reply {
    fn from(r: SimResponse) -> Self {
        Reply::Ready(r)
    }
}

impl Reply {
    /// HTTP status and meta code, for the journal.
    fn codes(&self) -> (u16, Option<i64>) {
        match self {
            Reply::Ready(r) => (r.status.as_u16(), journal_meta_code(r)),
            Reply::Tracking { .. } => (200, Some(200)),
        }
    }

    /// The response (renders a tracking).
    fn finish(self) -> SimResponse {
        match self {
            Reply::Ready(r) => r,
            Reply::Tracking { s, seed, t } => success_sized(
                200,
                &TrackingView {
                    route: route::build(
                        seed,
                        s.carrier,
                        &s.number,
                        s.route_dest.as_deref(),
                        s.anchor,
                    ),
                    s: &s,
                    t,
                },
                TRACKING_BODY_CAPACITY,
            ),
        }
    }
}

#[derive(Debug, Clone)]
struct RouteInfo {
    account: Option<String>,
    endpoint: Option<String>,
}

/// The meta code of a response for the journal. Envelopes written by
/// [`envelope`] start with `{"meta":{"code":N`, so the code is read from that
/// prefix instead of parsing the whole body on every call.
fn journal_meta_code(resp: &SimResponse) -> Option<i64> {
    const PREFIX: &[u8] = br#"{"meta":{"code":"#;
    if let Some(rest) = resp.body.strip_prefix(PREFIX) {
        let end = rest
            .iter()
            .position(|b| !(b.is_ascii_digit() || *b == b'-'))
            .unwrap_or(rest.len());
        if let Some(code) = std::str::from_utf8(&rest[..end])
            .ok()
            .and_then(|t| t.parse().ok())
        {
            return Some(code);
        }
    }
    resp.meta_code()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        let q = parse_query("numbers=A1%2CB%202&lang=en&x&bad=%zz%&plus=a+b");
        assert_eq!(q[0], ("numbers".into(), "A1,B 2".into()));
        assert_eq!(q[2], ("x".into(), String::new()));
        assert_eq!(q[3], ("bad".into(), "%zz%".into()));
        assert_eq!(q[4], ("plus".into(), "a b".into()));
        assert_eq!(
            segments("/v2/trackings/ups/1Z%20X/"),
            ["trackings", "ups", "1Z X"]
        );
    }

    #[test]
    fn journal_reads_the_meta_code_from_the_envelope_prefix() {
        let r = envelope(4016, "exists", json!([]));
        assert_eq!(journal_meta_code(&r), Some(4016));
        let mut html = r.clone();
        html.body = Bytes::from_static(b"<html>502</html>");
        assert_eq!(journal_meta_code(&html), None);
        let mut other = r;
        other.body = Bytes::from_static(br#"{"data":[],"meta":{"code":201}}"#);
        assert_eq!(journal_meta_code(&other), Some(201));
    }
}
