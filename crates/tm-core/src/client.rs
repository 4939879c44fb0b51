//! `Client`: runs endpoints over any transport with retries and rate limits,
//! decodes the v2 envelope and classifies errors.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::clock::{Clock, TokioClock};
use crate::endpoint::Endpoint;
use crate::error::{
    classify_http_status, classify_meta_code, parse_retry_after, ApiError, ApiErrorKind,
    DecodeError, Error, Result,
};
use crate::models::Meta;
use crate::ratelimit::{AdaptiveLimits, RateLimiter, RateLimits};
use crate::retry::{may_have_landed, Decision, RetryPolicy};
use crate::transport::{Transport, WireResponse};

/// Longest `Retry-After` of a throttle that the learned limits may pace
/// instead (one v2 window); a longer one is always waited for.
const PACED_RETRY_AFTER: Duration = Duration::from_secs(1);

/// Runs endpoints against a [`Transport`]. Cheap to clone; clones share the
/// transport, the rate limiter and the settings, so one client can serve many
/// tasks and threads at once.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Arc<dyn Transport>,
    retry: RetryPolicy,
    limiter: Option<RateLimiter>,
    clock: Arc<dyn Clock>,
    server_time: std::sync::Mutex<ServerTime>,
}

/// What the client last learned about the server's clock: a server time in
/// Unix seconds and the client's monotonic time when it was seen. Times of
/// created trackings (the server's data clock) win over `Date` headers.
#[derive(Debug, Default, Clone, Copy)]
struct ServerTime {
    from_data: Option<(i64, Duration)>,
    from_date: Option<(i64, Duration)>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("transport", &self.inner.transport)
            .field("retry", &self.inner.retry)
            .field(
                "rate_limits",
                &self.inner.limiter.as_ref().and_then(RateLimiter::limits),
            )
            .field(
                "adaptive_limits",
                &self
                    .inner
                    .limiter
                    .as_ref()
                    .is_some_and(RateLimiter::is_adaptive),
            )
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    transport: Arc<dyn Transport>,
    retry: RetryPolicy,
    rate_limits: Option<Option<RateLimits>>,
    adaptive: Option<AdaptiveLimits>,
    clock: Option<Arc<dyn Clock>>,
}

impl ClientBuilder {
    /// Retry policy (default: [`RetryPolicy::default`], 2 retries).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Retries after the first attempt (shorthand for the retry policy).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry = self.retry.with_max_retries(max_retries);
        self
    }

    /// Static client-side rate limits: `Some` to apply them, `None` for none.
    /// Default: what the transport suggests (the v2 limits for the real API).
    /// Adaptive limits (learned from `429`) stay on unless
    /// [`ClientBuilder::adaptive_limits`] turns them off; `rate_limits(None)`
    /// together with `adaptive_limits(None)` sends without any limit.
    pub fn rate_limits(mut self, limits: Option<RateLimits>) -> Self {
        self.rate_limits = Some(limits);
        self
    }

    /// Limits learned from `429` answers on any host (default: on, with
    /// [`AdaptiveLimits::default`]); `None` turns learning off.
    pub fn adaptive_limits(mut self, adaptive: Option<AdaptiveLimits>) -> Self {
        self.adaptive = adaptive;
        self
    }

    /// No client-side limits at all, static or learned.
    pub fn unlimited(self) -> Self {
        self.rate_limits(None).adaptive_limits(None)
    }

    /// The clock for backoff waits and rate limits (tests use
    /// [`crate::clock::ManualClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The client.
    pub fn build(self) -> Client {
        let clock = self
            .clock
            .unwrap_or_else(|| Arc::new(TokioClock::default()));
        let limits = self
            .rate_limits
            .unwrap_or_else(|| self.transport.default_rate_limits());
        let limiter = (limits.is_some() || self.adaptive.is_some()).then(|| {
            RateLimiter::with(
                limits,
                self.adaptive,
                self.transport.limit_scope(),
                clock.clone(),
            )
        });
        Client {
            inner: Arc::new(Inner {
                limiter,
                transport: self.transport,
                retry: self.retry,
                clock,
                server_time: Default::default(),
            }),
        }
    }
}

/// Per-call settings that override the client's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallOptions {
    /// Retry policy for this call only.
    pub retry: Option<RetryPolicy>,
}

/// How a call went: attempts made and whether an earlier failed attempt may
/// have been applied by the service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attempts {
    /// Attempts sent, the first included.
    pub count: u32,
    /// True if an attempt before the last failed in a way that may have been
    /// applied (timeout, broken connection, 5xx, garbled body). A 4016 on a
    /// retried create then most likely means "our own earlier attempt landed".
    pub ambiguous: bool,
}

/// A response with its status, headers and undecoded body.
#[derive(Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Body bytes as received.
    pub body: Bytes,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl From<WireResponse> for RawResponse {
    fn from(w: WireResponse) -> Self {
        Self {
            status: w.status,
            headers: w.headers,
            body: w.body,
        }
    }
}

impl Client {
    /// A client over `transport` with default settings.
    pub fn new(transport: impl Transport + 'static) -> Self {
        Self::builder(transport).build()
    }

    /// A client over a shared transport with default settings.
    pub fn from_arc(transport: Arc<dyn Transport>) -> Self {
        Self::builder_arc(transport).build()
    }

    /// A builder over `transport`.
    pub fn builder(transport: impl Transport + 'static) -> ClientBuilder {
        Self::builder_arc(Arc::new(transport))
    }

    /// A builder over a shared transport.
    pub fn builder_arc(transport: Arc<dyn Transport>) -> ClientBuilder {
        ClientBuilder {
            transport,
            retry: RetryPolicy::default(),
            rate_limits: None,
            adaptive: Some(AdaptiveLimits::default()),
            clock: None,
        }
    }

    /// The transport this client sends through.
    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.inner.transport
    }

    /// The client's retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The static client-side rate limits in force, if any.
    pub fn rate_limits(&self) -> Option<RateLimits> {
        self.inner.limiter.as_ref().and_then(RateLimiter::limits)
    }

    /// The client's limiter (static and learned limits), if any.
    pub fn rate_limiter(&self) -> Option<&RateLimiter> {
        self.inner.limiter.as_ref()
    }

    /// Sends `endpoint` (with retries) and decodes its `data`.
    pub async fn execute<E: Endpoint + ?Sized>(&self, endpoint: &E) -> Result<E::Response> {
        self.execute_traced(endpoint, &CallOptions::default())
            .await
            .0
    }

    /// Like [`Client::execute`] with per-call options.
    pub async fn execute_with<E: Endpoint + ?Sized>(
        &self,
        endpoint: &E,
        options: &CallOptions,
    ) -> Result<E::Response> {
        self.execute_traced(endpoint, options).await.0
    }

    /// Sends `endpoint` with retries and reports how the attempts went.
    pub async fn execute_traced<E: Endpoint + ?Sized>(
        &self,
        endpoint: &E,
        options: &CallOptions,
    ) -> (Result<E::Response>, Attempts) {
        let policy = options.retry.as_ref().unwrap_or(&self.inner.retry);
        let request = match endpoint.to_wire() {
            Ok(r) => r,
            Err(e) => return (Err(e), Attempts::default()),
        };
        let started = self.inner.clock.now();
        let mut attempts = Attempts::default();
        loop {
            let permit = match &self.inner.limiter {
                Some(limiter) => Some(limiter.acquire(endpoint.class()).await),
                None => None,
            };
            attempts.count += 1;
            // The request never holds the key (transports add it), so it can be logged.
            tracing::debug!(method = %request.method, path = %request.path, attempt = attempts.count, "tm: sending");
            let result = match self.inner.transport.send(request.clone()).await {
                Ok(mut wire) => {
                    wire.body = self.inner.transport.scrub(wire.body);
                    self.note_date_header(&wire.headers);
                    decode_response::<E::Response>(&wire)
                }
                Err(e) => Err(Error::Transport(e)),
            };
            let mut paced = false;
            if let (Some(limiter), Some(permit)) = (&self.inner.limiter, permit) {
                let throttled =
                    matches!(&result, Err(e) if e.api_kind() == Some(ApiErrorKind::RateLimited));
                paced = limiter.observe(permit, throttled);
            }
            let error = match result {
                Ok(v) => return (Ok(v), attempts),
                Err(e) => e,
            };
            let elapsed = self.inner.clock.now().saturating_sub(started);
            match policy.decide(&error, attempts.count, elapsed, fastrand::f64()) {
                Decision::Stop => {
                    tracing::debug!(path = %request.path, attempt = attempts.count, error = %error, "tm: giving up");
                    return (Err(error), attempts);
                }
                Decision::RetryAfter(wait) => {
                    // A throttle the limiter explains is retried at its next
                    // free slot (the limiter waits before the next attempt).
                    let wait = if paced && wait <= PACED_RETRY_AFTER {
                        Duration::ZERO
                    } else {
                        wait
                    };
                    tracing::info!(path = %request.path, attempt = attempts.count, ?wait, error = %error, "tm: retrying");
                    attempts.ambiguous |= may_have_landed(&error);
                    if !wait.is_zero() {
                        self.inner.clock.sleep(wait).await;
                    }
                }
            }
        }
    }

    /// Sends `endpoint` once and returns the response undecoded, whatever its
    /// status or body. Only transport failures are errors. No retries.
    pub async fn execute_raw<E: Endpoint + ?Sized>(&self, endpoint: &E) -> Result<RawResponse> {
        let request = endpoint.to_wire()?;
        let permit = match &self.inner.limiter {
            Some(limiter) => Some(limiter.acquire(endpoint.class()).await),
            None => None,
        };
        let mut wire = self.inner.transport.send(request).await?;
        wire.body = self.inner.transport.scrub(wire.body);
        if let (Some(limiter), Some(permit)) = (&self.inner.limiter, permit) {
            let _ = limiter.observe(permit, wire.status == StatusCode::TOO_MANY_REQUESTS);
        }
        Ok(wire.into())
    }

    /// The client's monotonic time (its clock's `now`).
    pub fn now(&self) -> Duration {
        self.inner.clock.now()
    }

    /// Records a server time (Unix seconds) seen in data the server created
    /// just now, e.g. the `created_at` of a tracking it returned.
    pub fn note_server_time(&self, unix_seconds: i64) {
        let now = self.inner.clock.now();
        let mut st = self
            .inner
            .server_time
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        st.from_data = Some((unix_seconds, now));
    }

    fn note_date_header(&self, headers: &HeaderMap) {
        let Some(date) = headers
            .get(http::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
        else {
            return;
        };
        let Ok(secs) = date.duration_since(SystemTime::UNIX_EPOCH) else {
            return;
        };
        let now = self.inner.clock.now();
        let mut st = self
            .inner
            .server_time
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        st.from_date = Some((secs.as_secs() as i64, now));
    }

    /// A lower bound of the server's clock (Unix seconds) at the client time
    /// `at` (from [`Client::now`]), from the last server time seen; `None`
    /// when none was seen. Never later than the truth, as long as the
    /// server's clock runs no faster than the client's: a frozen simulator
    /// clock gives a bound that is merely lower.
    pub fn server_time_at_least(&self, at: Duration) -> Option<i64> {
        let st = *self
            .inner
            .server_time
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let (server, seen) = st.from_data.or(st.from_date)?;
        let since = seen.saturating_sub(at).as_secs_f64().ceil() as i64;
        // One second for the granularity of both times.
        Some(server - since - 1)
    }

    /// Waits `duration` on the client's clock (used by helpers that poll).
    pub async fn sleep(&self, duration: Duration) {
        self.inner.clock.sleep(duration).await;
    }
}

#[derive(Deserialize)]
struct RawEnvelope<'a> {
    #[serde(default)]
    meta: Option<Meta>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
}

/// A success envelope read in one pass (`data` decoded as it is met).
#[derive(Deserialize)]
struct Envelope<T> {
    meta: Meta,
    data: Option<T>,
}

/// Decodes a v2 response: classifies `meta.code` (then the HTTP status) and, on
/// success, decodes `data` into `T`.
pub fn decode_response<T: serde::de::DeserializeOwned>(wire: &WireResponse) -> Result<T> {
    // The common case in one pass over the body: a success `meta` and a `data`
    // that decodes. Anything else (an error, a body that is not an envelope,
    // `data` absent, null or not matching `T`) takes the two-pass way below,
    // which decides exactly as before; this only skips its first scan.
    // (Checking UTF-8 once and reading `&str` beats `from_slice`, which
    // checks each string as it is read.)
    if let Ok(Envelope {
        meta,
        data: Some(data),
    }) = std::str::from_utf8(&wire.body)
        .map_err(serde::de::Error::custom)
        .and_then(serde_json::from_str::<Envelope<T>>)
    {
        if classify_meta_code(meta.code).is_none()
            && classify_http_status(wire.status.as_u16()).is_none()
        {
            return Ok(data);
        }
    }
    decode_in_two_passes(wire)
}

/// [`decode_response`] by reading the envelope with `data` as raw JSON first,
/// then `data` into `T` on success.
fn decode_in_two_passes<T: serde::de::DeserializeOwned>(wire: &WireResponse) -> Result<T> {
    let status = wire.status;
    let envelope: Option<RawEnvelope<'_>> = serde_json::from_slice(&wire.body).ok();
    let meta = envelope.as_ref().and_then(|e| e.meta.as_ref());

    if let Some(meta) = meta {
        if let Some(kind) = classify_meta_code(meta.code) {
            return Err(api_error(wire, kind, meta.code, &meta.type_, &meta.message).into());
        }
        // A success meta behind a failing HTTP status: trust the gateway's status.
        if let Some(kind) = classify_http_status(status.as_u16()) {
            return Err(http_error(wire, kind).into());
        }
        let data = envelope.as_ref().and_then(|e| e.data);
        let text = data.map_or("null", |d| d.get());
        return serde_json::from_str::<T>(text).map_err(|e| {
            DecodeError {
                status,
                message: format!("`data` does not match the expected shape: {e}"),
                body: wire.body.clone(),
            }
            .into()
        });
    }

    if let Some(kind) = classify_http_status(status.as_u16()) {
        return Err(http_error(wire, kind).into());
    }
    let message = if wire.body.is_empty() {
        "empty body".to_owned()
    } else if envelope.is_some() {
        "the body has no `meta` object".to_owned()
    } else {
        match serde_json::from_slice::<serde::de::IgnoredAny>(&wire.body) {
            Err(e) => format!("the body is not valid JSON: {e}"),
            Ok(_) => "the body is not a v2 envelope".to_owned(),
        }
    };
    Err(DecodeError {
        status,
        message,
        body: wire.body.clone(),
    }
    .into())
}

fn api_error(
    wire: &WireResponse,
    kind: ApiErrorKind,
    code: i64,
    type_: &str,
    message: &str,
) -> ApiError {
    ApiError {
        kind,
        code,
        type_: type_.to_owned(),
        message: message.to_owned(),
        http_status: wire.status.as_u16(),
        retry_after: parse_retry_after(&wire.headers, SystemTime::now()),
        body: wire.body.clone(),
    }
}

fn http_error(wire: &WireResponse, kind: ApiErrorKind) -> ApiError {
    let reason = wire.status.canonical_reason().unwrap_or("Unknown");
    let snippet: String = String::from_utf8_lossy(&wire.body)
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect();
    let message = if snippet.trim().is_empty() {
        format!("HTTP {} with an empty body", wire.status.as_u16())
    } else {
        format!("HTTP {}: {}", wire.status.as_u16(), snippet.trim())
    };
    api_error(
        wire,
        kind,
        i64::from(wire.status.as_u16()),
        reason,
        &message,
    )
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;
    use std::path::Path;

    use serde::de::DeserializeOwned;
    use serde_json::Value;

    use super::{decode_in_two_passes, decode_response};
    use crate::models::{BatchCreated, Empty, Page, Tracking};
    use crate::WireResponse;

    /// The one-pass fast path never changes an outcome: same value, same error.
    fn same<T: DeserializeOwned + Debug>(wire: &WireResponse) -> bool {
        let fast = format!("{:?}", decode_response::<T>(wire));
        let slow = format!("{:?}", decode_in_two_passes::<T>(wire));
        assert_eq!(fast, slow, "{wire:?}");
        fast.starts_with("Ok(")
    }

    #[test]
    fn one_pass_decodes_exactly_as_two_passes() {
        let ok = r#"{"meta":{"code":200,"type":"Success","message":"Success"},"data":"#;
        let tracking = r#"{"tracking_number":"N1","carrier_code":"usps","status":"transit","x":1}"#;
        let mut bodies: Vec<String> = vec![
            format!("{ok}{tracking}}}"),
            format!("{ok}null}}"),
            format!("{ok}[]}}"),
            format!("{ok}{{}}}}"),
            r#"{"meta":{"code":200,"type":"Success","message":"Success"}}"#.into(),
            format!(r#"{{"data":{tracking},"meta":{{"code":"200"}}}}"#),
            format!(r#"{{"data":{tracking},"meta":{{"code":4031,"type":"x","message":"gone"}}}}"#),
            r#"{"meta":{"code":4016,"type":"Bad Request","message":"exists"},"data":[]}"#.into(),
            r#"{"meta":{"code":401,"type":"Unauthorized","message":"key"},"data":[]}"#.into(),
            format!(r#"{{"meta":{{"code":200}},"data":{tracking},"data":{tracking}}}"#),
            format!(r#"{{"meta":null,"data":{tracking}}}"#),
            format!(r#"{{"meta":{{"code":200}},"data":{tracking},"extra":[1,{{"a":2}}]}}"#),
            format!(r#"{ok}{{"tracking_number":7,"carrier_code":"usps"}}}}"#),
            format!(r#"{ok}{{"page":1,"limit":2,"total":"3","count":1,"items":[{tracking}]}}}}"#),
            format!("{ok}{tracking}}} trailing"),
            format!("{ok}{tracking}"),
            "<html>502 Bad Gateway</html>".into(),
            String::new(),
            format!("{ok}{}1{}}}", "[".repeat(127), "]".repeat(127)),
        ];
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for entry in std::fs::read_dir(dir).expect("fixtures") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("text");
            bodies.push(format!("{ok}{text}}}"));
            bodies.push(text);
        }
        let mut decoded = 0;
        for body in &bodies {
            for status in [200, 201, 404, 429, 500, 503] {
                let status = http::StatusCode::from_u16(status).expect("status");
                let wire = WireResponse::new(status, body.clone());
                decoded += usize::from(same::<Value>(&wire));
                decoded += usize::from(same::<Tracking>(&wire));
                decoded += usize::from(same::<Page>(&wire));
                decoded += usize::from(same::<BatchCreated>(&wire));
                decoded += usize::from(same::<Empty>(&wire));
                decoded += usize::from(same::<Vec<Value>>(&wire));
            }
        }
        assert!(decoded > 50, "only {decoded} decoded");
    }
}
