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
use crate::ratelimit::{RateLimiter, RateLimits};
use crate::retry::{may_have_landed, Decision, RetryPolicy};
use crate::transport::{Transport, WireResponse};

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
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("transport", &self.inner.transport)
            .field("retry", &self.inner.retry)
            .field(
                "rate_limits",
                &self.inner.limiter.as_ref().map(RateLimiter::limits),
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

    /// Client-side rate limits: `Some` to apply them, `None` to turn them off.
    /// Default: what the transport suggests (the v2 limits for the real API).
    pub fn rate_limits(mut self, limits: Option<RateLimits>) -> Self {
        self.rate_limits = Some(limits);
        self
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
        Client {
            inner: Arc::new(Inner {
                limiter: limits.map(|l| RateLimiter::new(l, clock.clone())),
                transport: self.transport,
                retry: self.retry,
                clock,
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

    /// The client-side rate limits in force, if any.
    pub fn rate_limits(&self) -> Option<RateLimits> {
        self.inner.limiter.as_ref().map(RateLimiter::limits)
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
            if let Some(limiter) = &self.inner.limiter {
                limiter.acquire(endpoint.class()).await;
            }
            attempts.count += 1;
            // The request never holds the key (transports add it), so it can be logged.
            tracing::debug!(method = %request.method, path = %request.path, attempt = attempts.count, "tm: sending");
            let result = match self.inner.transport.send(request.clone()).await {
                Ok(wire) => decode_response::<E::Response>(&wire),
                Err(e) => Err(Error::Transport(e)),
            };
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
        if let Some(limiter) = &self.inner.limiter {
            limiter.acquire(endpoint.class()).await;
        }
        Ok(self.inner.transport.send(request).await?.into())
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

/// Decodes a v2 response: classifies `meta.code` (then the HTTP status) and, on
/// success, decodes `data` into `T`.
pub fn decode_response<T: serde::de::DeserializeOwned>(wire: &WireResponse) -> Result<T> {
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
