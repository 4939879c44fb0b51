//! The transport seam: one wire request in, one wire response out.
//!
//! `HttpTransport` (tm-http), `MockTransport` (tm-mock) and the test transports in
//! [`crate::test_util`] implement [`Transport`]; the [`crate::Client`] holds any of
//! them as `Arc<dyn Transport>`, so the request logic above this seam is the same
//! against the real API, the simulator, or a recording.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};

/// The header that carries the API key on every v2 call.
pub const API_KEY_HEADER: &str = "Trackingmore-Api-Key";

/// One request as it goes on the wire, before the transport adds its base URL
/// and credentials.
///
/// `path` is relative to the API root and starts with `/`, e.g. `/trackings/post`
/// (the real URL is `https://api.trackingmore.com/v2/trackings/post`).
#[derive(Clone, PartialEq, Eq)]
pub struct WireRequest {
    /// HTTP method.
    pub method: Method,
    /// Path below the API root, starting with `/`, already percent-encoded.
    pub path: String,
    /// Query pairs, unencoded, in the order they are sent.
    pub query: Vec<(String, String)>,
    /// Extra headers (for example `Lang` on `GET /carriers`). Never the API key:
    /// transports add it themselves so requests can be logged and recorded safely.
    pub headers: HeaderMap,
    /// The body (JSON), empty for none.
    pub body: Bytes,
}

impl WireRequest {
    /// A request with no query, headers or body.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// The path with its percent-encoded query string appended, e.g.
    /// `/trackings/get?page=1&limit=100`.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            return self.path.clone();
        }
        let mut out = String::with_capacity(self.path.len() + 32);
        out.push_str(&self.path);
        for (i, (k, v)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            percent_encode_into(k, &mut out);
            out.push('=');
            percent_encode_into(v, &mut out);
        }
        out
    }
}

impl fmt::Debug for WireRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WireRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode_into(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        }
    }
}

/// Percent-encodes one path segment (a carrier code or tracking number).
pub fn encode_path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    percent_encode_into(s, &mut out);
    out
}

/// One response as it came off the wire: any status, any headers, any bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct WireResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Raw body bytes (possibly empty, truncated, or not JSON).
    pub body: Bytes,
}

impl WireResponse {
    /// A response with the given status and body and no headers.
    pub fn new(status: StatusCode, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
        }
    }
}

impl fmt::Debug for WireResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WireResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// What went wrong below HTTP: no response was received, or it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct TransportError {
    /// The class of failure, used by the retry policy.
    pub kind: TransportErrorKind,
    /// A description for people. Never contains the API key.
    pub message: String,
}

impl TransportError {
    /// A new transport error.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// A timeout after `after`.
    pub fn timeout(after: Duration) -> Self {
        Self::new(
            TransportErrorKind::Timeout,
            format!("no response within {after:?}"),
        )
    }

    /// True for timeouts (connect or whole request).
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }
}

/// Classes of transport failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// Could not connect (refused, DNS, TLS handshake).
    Connect,
    /// No complete response within the configured time.
    Timeout,
    /// The connection broke while sending or receiving (reset, closed early,
    /// truncated body).
    Io,
    /// The request could not be built (bad URL, bad header value).
    Request,
    /// The response body was longer than the transport's cap.
    BodyTooLarge,
    /// Anything else.
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connection failed",
            Self::Timeout => "timed out",
            Self::Io => "connection broken",
            Self::Request => "request could not be built",
            Self::BodyTooLarge => "response body too large",
            Self::Other => "transport error",
        })
    }
}

/// Sends wire requests. Object-safe, so a [`crate::Client`] can hold any
/// implementation behind `Arc<dyn Transport>`.
///
/// Implementations add the base URL and the API key, and must return `Ok` for
/// every HTTP response whatever its status or body: classifying errors is the
/// client's job, so it is the same for every transport.
#[async_trait]
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends one request and returns the response as received.
    async fn send(&self, request: WireRequest) -> Result<WireResponse, TransportError>;

    /// The client-side rate limits a [`crate::Client`] should apply by default
    /// over this transport: the published v2 limits for the real API, none for
    /// simulators and test transports.
    fn default_rate_limits(&self) -> Option<crate::ratelimit::RateLimits> {
        None
    }

    /// Who the server counts rate limits for: the same scope for every
    /// transport of one API key and base URL, so their clients share one
    /// limiter in this process. `None` (the default): not shared.
    fn limit_scope(&self) -> Option<crate::ratelimit::LimitScope> {
        None
    }

    /// Removes this transport's secret (the API key) from text the server
    /// sent back, before the client decodes, stores or shows it. The default
    /// leaves `body` as it is (transports without a secret).
    fn scrub(&self, body: Bytes) -> Bytes {
        body
    }
}

/// Secrets shorter than this are not searched for by [`scrub_bytes`]: a short
/// test key (`"k"`, `"test"`) occurs in ordinary text, and replacing it would
/// rewrite the server's answer. Real keys are long random strings.
pub const MIN_SCRUBBED_SECRET: usize = 12;

/// `haystack` with every occurrence of `secret` replaced by
/// `** redacted **` (unchanged, without copying, when there is none, or when
/// `secret` is shorter than [`MIN_SCRUBBED_SECRET`]). The replacement holds no
/// quote or backslash, so JSON stays JSON.
pub fn scrub_bytes(haystack: Bytes, secret: &[u8]) -> Bytes {
    if secret.len() < MIN_SCRUBBED_SECRET || !haystack.windows(secret.len()).any(|w| w == secret) {
        return haystack;
    }
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(secret) {
            out.extend_from_slice(b"** redacted **");
            i += secret.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    Bytes::from(out)
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    async fn send(&self, request: WireRequest) -> Result<WireResponse, TransportError> {
        (**self).send(request).await
    }

    fn default_rate_limits(&self) -> Option<crate::ratelimit::RateLimits> {
        (**self).default_rate_limits()
    }

    fn limit_scope(&self) -> Option<crate::ratelimit::LimitScope> {
        (**self).limit_scope()
    }

    fn scrub(&self, body: Bytes) -> Bytes {
        (**self).scrub(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_percent_encoded() {
        let mut r = WireRequest::new(Method::GET, "/trackings/get");
        r.query.push(("numbers".into(), "A1,B 2".into()));
        r.query.push(("lang".into(), "en".into()));
        assert_eq!(
            r.path_and_query(),
            "/trackings/get?numbers=A1%2CB%202&lang=en"
        );
        assert_eq!(encode_path_segment("a/b?c"), "a%2Fb%3Fc");
    }

    #[test]
    fn scrub_replaces_every_occurrence() {
        let b = Bytes::from_static(b"{\"message\":\"bad key SECRET-1 (SECRET-1)\"}");
        let out = scrub_bytes(b.clone(), b"SECRET-1");
        assert_eq!(out, b, "shorter than MIN_SCRUBBED_SECRET: left alone");
        let b = Bytes::from_static(b"{\"message\":\"bad key SECRET-1234567 (SECRET-1234567)\"}");
        let out = scrub_bytes(b, b"SECRET-1234567");
        assert_eq!(
            &out[..],
            b"{\"message\":\"bad key ** redacted ** (** redacted **)\"}"
        );
        let clean = Bytes::from_static(b"nothing here");
        assert_eq!(scrub_bytes(clean.clone(), b"SECRET-1234567"), clean);
    }

    #[test]
    fn a_short_test_key_never_rewrites_an_answer() {
        // Key "k" must not turn `"tracking_number"` into `"trac** redacted **ing_number"`.
        let b = Bytes::from_static(b"{\"tracking_number\":\"k1\"}");
        assert_eq!(scrub_bytes(b.clone(), b"k"), b);
    }
}
