//! # tm-http
//!
//! The real HTTP transport of tm: [`HttpTransport`] implements
//! [`tm_core::Transport`] with [`reqwest`] over rustls.
//!
//! - Every HTTP response, whatever its status and body, is returned as
//!   `Ok(WireResponse)`; classifying errors is [`tm_core::Client`]'s job.
//! - Failures below HTTP map to [`TransportErrorKind`]: connect → `Connect`,
//!   timeout → `Timeout`, broken or truncated body → `Io`, unbuildable request →
//!   `Request`.
//! - The API key travels only in the `Trackingmore-Api-Key` header (marked
//!   sensitive) and never appears in `Debug`, `Display` or error messages.
//! - Redirects are not followed (a custom key header would survive a cross-host
//!   redirect); a 3xx is returned as a response like any other.
//! - TLS certificates are always verified. Proxies come only from
//!   [`HttpTransportBuilder::proxy`]; environment variables such as
//!   `HTTPS_PROXY` are not read.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! let transport = tm_http::HttpTransport::builder("my-api-key")
//!     .timeout(Duration::from_secs(20))
//!     .build()?;
//! let client = tm_core::Client::new(transport);
//! # let _ = client; Ok(()) }
//! ```

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use http::header::{HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use http::HeaderName;
use tm_core::{
    ApiKey, Transport, TransportError, TransportErrorKind, ValidationError, WireRequest,
    WireResponse,
};

pub use reqwest;

/// Default time allowed to establish a connection (TCP + TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default time allowed for a whole request: connect, send, and read the full body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Default cap on a response body: 64 MiB (a v2 page of 2,000 trackings is a few MiB).
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;

/// Default `User-Agent`: `tm/<crate version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("tm/", env!("CARGO_PKG_VERSION"));

const REDACTED: &str = "** redacted **";

/// Anything [`HttpTransport::builder`] accepts as an API key: an [`ApiKey`] or a
/// string, checked with [`ApiKey::new`] when the transport is built.
pub trait IntoApiKey {
    /// Converts into a checked key.
    fn into_api_key(self) -> Result<ApiKey, ValidationError>;
}

impl IntoApiKey for ApiKey {
    fn into_api_key(self) -> Result<ApiKey, ValidationError> {
        Ok(self)
    }
}

impl IntoApiKey for &ApiKey {
    fn into_api_key(self) -> Result<ApiKey, ValidationError> {
        Ok(self.clone())
    }
}

impl IntoApiKey for &str {
    fn into_api_key(self) -> Result<ApiKey, ValidationError> {
        ApiKey::new(self)
    }
}

impl IntoApiKey for String {
    fn into_api_key(self) -> Result<ApiKey, ValidationError> {
        ApiKey::new(self)
    }
}

impl IntoApiKey for &String {
    fn into_api_key(self) -> Result<ApiKey, ValidationError> {
        ApiKey::new(self.as_str())
    }
}

/// Why an [`HttpTransport`] could not be built. Never contains the API key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The API key is empty or cannot travel in a header (CR, LF, control or
    /// non-ASCII characters).
    #[error("invalid API key: {0}")]
    InvalidApiKey(ValidationError),
    /// The base URL does not parse, is not `http`/`https`, has no host, or carries
    /// credentials, a query or a fragment.
    #[error("invalid base URL: {0}")]
    InvalidBaseUrl(String),
    /// The proxy URL was refused.
    #[error("invalid proxy: {0}")]
    InvalidProxy(String),
    /// The `User-Agent` cannot travel in a header.
    #[error("invalid user agent: {0}")]
    InvalidUserAgent(String),
    /// Options that only apply to a client this crate builds were combined with
    /// [`HttpTransportBuilder::client`].
    #[error("conflicting options: {0}")]
    Conflict(String),
    /// reqwest refused to build the client (for example, no TLS backend).
    #[error("could not build the HTTP client: {0}")]
    Client(String),
}

/// Builds an [`HttpTransport`]; see [`HttpTransport::builder`].
#[must_use]
pub struct HttpTransportBuilder {
    key: Result<ApiKey, ValidationError>,
    base_url: String,
    connect_timeout: Option<Duration>,
    timeout: Duration,
    proxy: Option<String>,
    user_agent: String,
    client: Option<reqwest::Client>,
    max_body: usize,
}

impl fmt::Debug for HttpTransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransportBuilder")
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("proxy", &self.proxy.as_deref().map(redact_url_userinfo))
            .field("user_agent", &self.user_agent)
            .field("custom_client", &self.client.is_some())
            .field("api_key", &REDACTED)
            .finish()
    }
}

impl HttpTransportBuilder {
    /// The API root; the request path (e.g. `/trackings/get?page=1`) is appended.
    /// Default [`tm_core::DEFAULT_BASE_URL`]. A trailing slash is tolerated.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Time allowed to establish a connection. Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for a whole request, body included. Default 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends every request through this proxy (`http://`, `https://` or
    /// `socks5://` URL, credentials allowed). Without it no proxy is used, whatever
    /// the environment says.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// The `User-Agent` header. Default `tm/<crate version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends through this pre-built client instead of building one (to share a
    /// connection pool or set custom TLS roots). Its own connect timeout, proxy
    /// and redirect policy apply; combining it with [`Self::connect_timeout`] or
    /// [`Self::proxy`] is a [`BuildError::Conflict`]. [`Self::timeout`] and
    /// [`Self::user_agent`] still apply per request.
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Largest response body read, in bytes (default [`DEFAULT_MAX_BODY`],
    /// 64 MiB). A longer body ends the call with a
    /// [`TransportErrorKind::BodyTooLarge`] error instead of filling memory.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Checks the options and builds the transport.
    pub fn build(self) -> Result<HttpTransport, BuildError> {
        let key = self.key.map_err(BuildError::InvalidApiKey)?;
        let mut key_header = HeaderValue::from_str(key.expose()).map_err(|_| {
            BuildError::InvalidApiKey(ValidationError::new(
                "api_key",
                "the API key cannot travel in an HTTP header",
            ))
        })?;
        key_header.set_sensitive(true);

        let base_url = check_base_url(&self.base_url)?;
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| BuildError::InvalidUserAgent("not a valid header value".into()))?;

        let (client, connect_timeout, custom_client) = match self.client {
            Some(client) => {
                if self.proxy.is_some() || self.connect_timeout.is_some() {
                    return Err(BuildError::Conflict(
                        "proxy and connect_timeout cannot be applied to a pre-built client".into(),
                    ));
                }
                (client, None, true)
            }
            None => {
                let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
                let mut builder = reqwest::Client::builder()
                    .connect_timeout(connect_timeout)
                    .timeout(self.timeout)
                    .user_agent(user_agent.clone())
                    .redirect(reqwest::redirect::Policy::none())
                    .no_proxy();
                if let Some(proxy) = &self.proxy {
                    let proxy = reqwest::Proxy::all(proxy.as_str())
                        .map_err(|e| BuildError::InvalidProxy(error_chain(&e.without_url())))?;
                    builder = builder.proxy(proxy);
                }
                let client = builder
                    .build()
                    .map_err(|e| BuildError::Client(error_chain(&e.without_url())))?;
                (client, Some(connect_timeout), false)
            }
        };

        Ok(HttpTransport {
            client,
            base_url,
            key_header,
            user_agent,
            connect_timeout,
            timeout: self.timeout,
            proxy: self.proxy.as_deref().map(redact_url_userinfo),
            custom_client,
            max_body: self.max_body,
        })
    }
}

/// The real HTTP transport: one [`reqwest::Client`] (one connection pool) per
/// transport; clones share it.
#[derive(Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    /// Base URL without a trailing slash.
    base_url: String,
    key_header: HeaderValue,
    user_agent: HeaderValue,
    connect_timeout: Option<Duration>,
    timeout: Duration,
    /// Proxy URL with any password redacted (for `Debug` only).
    proxy: Option<String>,
    custom_client: bool,
    max_body: usize,
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("proxy", &self.proxy)
            .field("user_agent", &self.user_agent)
            .field("custom_client", &self.custom_client)
            .field("max_body", &self.max_body)
            .field("api_key", &REDACTED)
            .finish()
    }
}

impl HttpTransport {
    /// A builder with the defaults: base URL [`tm_core::DEFAULT_BASE_URL`],
    /// connect timeout 10 s, request timeout 30 s, no proxy, user agent
    /// `tm/<version>`. The key is checked by [`HttpTransportBuilder::build`].
    pub fn builder(api_key: impl IntoApiKey) -> HttpTransportBuilder {
        HttpTransportBuilder {
            key: api_key.into_api_key(),
            base_url: tm_core::DEFAULT_BASE_URL.to_owned(),
            connect_timeout: None,
            timeout: DEFAULT_TIMEOUT,
            proxy: None,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            client: None,
            max_body: DEFAULT_MAX_BODY,
        }
    }

    /// A transport with all defaults.
    pub fn new(api_key: impl IntoApiKey) -> Result<Self, BuildError> {
        Self::builder(api_key).build()
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The whole-request timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The connect timeout (`None` for a pre-built client, which keeps its own).
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.connect_timeout
    }

    /// The full URL a request is sent to.
    pub fn url_for(&self, request: &WireRequest) -> String {
        let pq = request.path_and_query();
        let mut url = String::with_capacity(self.base_url.len() + pq.len() + 1);
        url.push_str(&self.base_url);
        if !pq.starts_with('/') {
            url.push('/');
        }
        url.push_str(&pq);
        url
    }

    /// The largest response body read.
    pub fn max_body(&self) -> usize {
        self.max_body
    }

    /// Reads the body chunk by chunk, refusing more than `max_body` bytes.
    async fn read_body(&self, mut response: reqwest::Response) -> Result<Bytes, TransportError> {
        let too_large = |n: u64| {
            TransportError::new(
                TransportErrorKind::BodyTooLarge,
                format!(
                    "the response body is larger than the {} byte limit ({n} bytes or more)",
                    self.max_body
                ),
            )
        };
        if let Some(len) = response.content_length() {
            if len > self.max_body as u64 {
                return Err(too_large(len));
            }
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.map_error(e))? {
            if body.len() + chunk.len() > self.max_body {
                return Err(too_large((body.len() + chunk.len()) as u64));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    fn key_text(&self) -> &str {
        self.key_header.to_str().unwrap_or("")
    }

    fn map_error(&self, e: reqwest::Error) -> TransportError {
        let kind = if e.is_timeout() {
            TransportErrorKind::Timeout
        } else if e.is_connect() {
            TransportErrorKind::Connect
        } else if e.is_body() || e.is_decode() || e.is_request() {
            TransportErrorKind::Io
        } else if e.is_builder() {
            TransportErrorKind::Request
        } else {
            TransportErrorKind::Other
        };
        let message = if kind == TransportErrorKind::Timeout {
            format!(
                "no complete response within {:?}: {}",
                self.timeout,
                error_chain(&e)
            )
        } else {
            error_chain(&e)
        };
        TransportError::new(kind, message)
    }

    async fn send_inner(&self, request: WireRequest) -> Result<WireResponse, TransportError> {
        let url = reqwest::Url::parse(&self.url_for(&request)).map_err(|e| {
            TransportError::new(
                TransportErrorKind::Request,
                format!("invalid request URL: {e}"),
            )
        })?;

        let mut headers = request.headers;
        // The key is ours to add; a request never sets it.
        headers.remove(HeaderName::from_static("trackingmore-api-key"));
        if !headers.contains_key(ACCEPT) {
            headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        }
        if !request.body.is_empty() && !headers.contains_key(CONTENT_TYPE) {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        if !headers.contains_key(USER_AGENT) {
            headers.insert(USER_AGENT, self.user_agent.clone());
        }
        headers.insert(
            HeaderName::from_static("trackingmore-api-key"),
            self.key_header.clone(),
        );

        let mut builder = self
            .client
            .request(request.method, url)
            .headers(headers)
            .timeout(self.timeout);
        if !request.body.is_empty() {
            builder = builder.body(request.body);
        }

        let response = builder.send().await.map_err(|e| self.map_error(e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = self.read_body(response).await?;
        Ok(WireResponse {
            status,
            headers,
            body,
        })
    }
}

#[async_trait]
impl Transport for HttpTransport {
    async fn send(&self, request: WireRequest) -> Result<WireResponse, TransportError> {
        // reqwest enforces the timeout on its own; this outer bound is a safety
        // net so a call can never outlive it by much, whatever happens below.
        let bound = self.timeout.saturating_add(Duration::from_secs(1));
        match tokio::time::timeout(bound, self.send_inner(request)).await {
            Ok(result) => result,
            Err(_) => Err(TransportError::timeout(self.timeout)),
        }
    }

    /// The published v2 limits when talking to TrackingMore's own host; none
    /// for other hosts (the simulator, a proxy of the user's own).
    fn default_rate_limits(&self) -> Option<tm_core::RateLimits> {
        let host = self
            .base_url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', ':']).next())
            .unwrap_or_default();
        host.eq_ignore_ascii_case("api.trackingmore.com")
            .then_some(tm_core::RateLimits::V2)
    }

    /// The key, should a server echo it, becomes `** redacted **`.
    fn scrub(&self, body: Bytes) -> Bytes {
        tm_core::transport::scrub_bytes(body, self.key_header.as_bytes())
    }

    /// One scope per key and base URL: every client of this key at this URL
    /// in the process shares one limiter.
    fn limit_scope(&self) -> Option<tm_core::ratelimit::LimitScope> {
        Some(tm_core::ratelimit::LimitScope::of(
            self.key_text(),
            &self.base_url,
        ))
    }
}

/// Display of an error and its sources joined by `": "`. The key cannot be in
/// it by construction: it only ever travels in a sensitive header, never in a
/// URL, body or message, so nothing is searched and replaced (which mangled
/// messages that happened to contain a short key, e.g. `k` in `/trackings`).
fn error_chain(e: &(dyn StdError + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !text.is_empty() && !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

fn check_base_url(raw: &str) -> Result<String, BuildError> {
    let trimmed = raw.trim().trim_end_matches('/');
    let url =
        reqwest::Url::parse(trimmed).map_err(|e| BuildError::InvalidBaseUrl(e.to_string()))?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(BuildError::InvalidBaseUrl(format!(
            "scheme `{}` is not http or https",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(BuildError::InvalidBaseUrl("no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(BuildError::InvalidBaseUrl(
            "credentials in the base URL are not supported".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(BuildError::InvalidBaseUrl(
            "the base URL must not have a query or fragment".into(),
        ));
    }
    // `Url` normalises (adds `/` for an empty path); keep the caller's form.
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The URL with its password (if any) replaced, for `Debug`.
fn redact_url_userinfo(raw: &str) -> String {
    match reqwest::Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("****"));
            }
            url.to_string()
        }
        Err(_) => "<unparsable>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_is_checked_and_trimmed() {
        assert_eq!(
            check_base_url("https://api.trackingmore.com/v2/").unwrap(),
            "https://api.trackingmore.com/v2"
        );
        assert_eq!(
            check_base_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        for bad in [
            "",
            "not a url",
            "ftp://x/v2",
            "https://u:p@x/v2",
            "https://x/v2?a=1",
            "https://x/v2#f",
        ] {
            assert!(
                matches!(check_base_url(bad), Err(BuildError::InvalidBaseUrl(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn url_for_joins_without_double_slash() {
        let t = HttpTransport::builder("k12345")
            .base_url("http://127.0.0.1:1/v2/")
            .build()
            .unwrap();
        let mut r = WireRequest::new(http::Method::GET, "/trackings/get");
        r.query.push(("page".into(), "1".into()));
        assert_eq!(t.url_for(&r), "http://127.0.0.1:1/v2/trackings/get?page=1");
    }

    #[test]
    fn proxy_password_is_redacted() {
        assert_eq!(
            redact_url_userinfo("http://user:secret@proxy:3128"),
            "http://user:****@proxy:3128/"
        );
    }

    #[test]
    fn error_chain_leaves_text_alone() {
        // No substring replacement: a key such as `k` cannot mangle a path.
        let e = std::io::Error::other("GET /v2/trackings/get failed");
        assert_eq!(error_chain(&e), "GET /v2/trackings/get failed");
    }
}
