//! Shared helpers of the tm workspace's cross-crate test suites
//! (`tests/conformance.rs`, `tests/reliability.rs`, `tests/security.rs`).
//!
//! - [`Front`] and [`Harness`]: one simulator reached either in-process
//!   ([`tm_mock::MockTransport`]) or over loopback HTTP ([`tm_http::HttpTransport`]
//!   against [`tm_mock::serve`]), with clients per API key and a raw-request hook.
//! - [`RawCall`]: an [`Endpoint`] that sends exactly the wire request it is given,
//!   so tests reach the server with inputs tm-core's own validation would refuse.
//! - [`norm`]: a result normalized to JSON (decoded value, or error kind, code and
//!   HTTP status) so transcripts of two runs can be compared.
//! - [`openapi::Description`]: the OpenAPI description of v2 and response validation.

pub mod openapi;

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::Serialize;
use serde_json::{json, Value};
use tm_core::{
    ApiKey, Client, Endpoint, Error, RetryPolicy, Transport, TransportError, WireRequest,
    WireResponse,
};
use tm_http::HttpTransport;
use tm_mock::{ServerHandle, SimConfig, SimRequest, Simulator};

/// `127.0.0.1:0`: a free loopback port.
pub fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// An API key, panicking on an invalid one (test inputs are constants).
pub fn key(text: &str) -> ApiKey {
    ApiKey::new(text).expect("test key is valid")
}

/// An [`HttpTransport`] for `base_url` with `key` and short loopback timeouts.
pub fn http_transport(base_url: &str, api_key: &str, timeout: Duration) -> HttpTransport {
    HttpTransport::builder(api_key)
        .base_url(base_url)
        .connect_timeout(Duration::from_secs(2))
        .timeout(timeout)
        .build()
        .expect("HTTP transport builds")
}

/// A client that sends each call once and applies no client-side rate limits.
pub fn plain_client(transport: Arc<dyn Transport>) -> Client {
    Client::builder_arc(transport)
        .retry(RetryPolicy::none())
        .rate_limits(None)
        .build()
}

/// How a test reaches the simulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Front {
    /// In-process, through [`tm_mock::MockTransport`].
    InProcess,
    /// Over HTTP on loopback, through [`tm_http::HttpTransport`] and [`tm_mock::serve`].
    Http,
}

/// One simulator behind one [`Front`].
#[derive(Debug)]
pub struct Harness {
    front: Front,
    sim: Simulator,
    server: Option<ServerHandle>,
    recording: Option<SharedBuffer>,
}

/// A cassette buffer shared by every transport of a recording [`Harness`].
#[derive(Debug, Clone, Default)]
struct SharedBuffer(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for SharedBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Harness {
    /// A simulator built from `config`, served over `front`.
    pub async fn start(front: Front, config: SimConfig) -> Self {
        let sim = Simulator::new(config);
        let server = match front {
            Front::InProcess => None,
            Front::Http => Some(
                tm_mock::serve(sim.clone(), loopback())
                    .await
                    .expect("simulator serves on loopback"),
            ),
        };
        Self {
            front,
            sim,
            server,
            recording: None,
        }
    }

    /// From now on, every exchange of the transports this harness hands out (and of
    /// [`Harness::send_raw`]) is recorded; [`Harness::recorded`] returns them.
    pub fn record(&mut self) {
        self.recording = Some(SharedBuffer::default());
    }

    /// The exchanges recorded since [`Harness::record`].
    pub fn recorded(&self) -> Vec<tm_core::cassette::Interaction> {
        let Some(buf) = &self.recording else {
            return Vec::new();
        };
        let bytes = buf.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
        tm_core::cassette::parse_cassette(&bytes[..]).expect("the harness's own cassette")
    }

    /// The front in use.
    pub fn front(&self) -> Front {
        self.front
    }

    /// The simulator (shared state, also behind the server).
    pub fn sim(&self) -> &Simulator {
        &self.sim
    }

    /// The server's base URL (`http://127.0.0.1:PORT/v2`), for [`Front::Http`].
    pub fn url(&self) -> Option<String> {
        self.server.as_ref().map(ServerHandle::url)
    }

    /// The transport for `api_key` over this front.
    pub fn transport(&self, api_key: &str) -> Arc<dyn Transport> {
        let inner: Arc<dyn Transport> = match &self.server {
            None => Arc::new(self.sim.transport(key(api_key))),
            Some(s) => Arc::new(http_transport(&s.url(), api_key, Duration::from_secs(10))),
        };
        match &self.recording {
            None => inner,
            Some(buf) => Arc::new(tm_core::cassette::RecordingTransport::to_writer(
                inner,
                buf.clone(),
            )),
        }
    }

    /// A [`plain_client`] for `api_key` over this front.
    pub fn client(&self, api_key: &str) -> Client {
        plain_client(self.transport(api_key))
    }

    /// Sends `request` with `api_key` (or with no key header at all) and
    /// returns the response as received. With a key it goes through the
    /// front's transport; without one, straight to the simulator in-process or
    /// as a bare HTTP request.
    pub async fn send_raw(
        &self,
        request: WireRequest,
        api_key: Option<&str>,
    ) -> Result<WireResponse, TransportError> {
        if let Some(k) = api_key {
            return self.transport(k).send(request).await;
        }
        match &self.recording {
            None => self.send_without_key(request).await,
            Some(buf) => {
                tm_core::cassette::RecordingTransport::to_writer(WithoutKey(self), buf.clone())
                    .send(request)
                    .await
            }
        }
    }

    async fn send_without_key(&self, request: WireRequest) -> Result<WireResponse, TransportError> {
        match &self.server {
            None => {
                let mut req = SimRequest::new(request.method.clone(), request.path.clone())
                    .query(query_string(&request))
                    .body(request.body.clone());
                req.headers = request.headers.clone();
                let r = self.sim.handle(req);
                Ok(WireResponse {
                    status: r.status,
                    headers: r.headers,
                    body: r.body,
                })
            }
            Some(s) => {
                let url = format!("{}{}", s.url(), request.path_and_query());
                let client = tm_http::reqwest::Client::new();
                let resp = client
                    .request(request.method.clone(), url)
                    .headers(request.headers.clone())
                    .body(request.body.clone())
                    .send()
                    .await
                    .map_err(|e| {
                        TransportError::new(tm_core::TransportErrorKind::Other, e.to_string())
                    })?;
                let status = resp.status();
                let headers = resp.headers().clone();
                let body = resp.bytes().await.map_err(|e| {
                    TransportError::new(tm_core::TransportErrorKind::Io, e.to_string())
                })?;
                Ok(WireResponse {
                    status,
                    headers,
                    body,
                })
            }
        }
    }

    /// Stops the HTTP server, if any.
    pub async fn shutdown(self) {
        if let Some(s) = self.server {
            s.shutdown().await;
        }
    }
}

/// The harness's key-less raw path as a transport, so it can be recorded too.
struct WithoutKey<'a>(&'a Harness);

impl std::fmt::Debug for WithoutKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WithoutKey")
    }
}

#[async_trait::async_trait]
impl Transport for WithoutKey<'_> {
    async fn send(&self, request: WireRequest) -> Result<WireResponse, TransportError> {
        self.0.send_without_key(request).await
    }
}

fn query_string(request: &WireRequest) -> String {
    let pq = request.path_and_query();
    pq.split_once('?')
        .map(|(_, q)| q.to_owned())
        .unwrap_or_default()
}

/// An endpoint that sends exactly the given method, path, query, headers and
/// body, and decodes `data` as any JSON value. Used to reach the server with
/// requests tm-core's typed endpoints refuse to build.
#[derive(Debug, Clone)]
pub struct RawCall {
    /// HTTP method.
    pub method: Method,
    /// Path below the API root, e.g. `/trackings/post`.
    pub path: String,
    /// Query pairs (unencoded).
    pub query: Vec<(&'static str, String)>,
    /// Extra headers.
    pub headers: HeaderMap,
    /// Body bytes, sent as `application/json` when not empty.
    pub body: Bytes,
}

impl RawCall {
    /// A call with no query, headers or body.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// `GET path`.
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    /// `POST path` with a JSON body.
    pub fn post_json(path: impl Into<String>, body: &Value) -> Self {
        Self::new(Method::POST, path).body(serde_json::to_vec(body).expect("JSON encodes"))
    }

    /// Sets the body bytes.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Adds a query pair.
    pub fn query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(value).expect("header value"),
        );
        self
    }
}

impl Endpoint for RawCall {
    type Response = Value;

    fn method(&self) -> Method {
        self.method.clone()
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.path)
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        self.query.clone()
    }

    fn headers(&self) -> HeaderMap {
        self.headers.clone()
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        Ok((!self.body.is_empty()).then(|| self.body.clone()))
    }
}

/// A call's result as JSON: `{"ok": value}` for a decoded value,
/// `{"api": kind, "code": meta code, "http": status}` for an API error (with
/// `"retry_after": true` when the server asked to wait), `{"transport": kind}`,
/// `{"decode": status}` or `{"validation": field}`.
pub fn norm<T: Serialize>(result: &Result<T, Error>) -> Value {
    match result {
        Ok(v) => json!({ "ok": serde_json::to_value(v).expect("decoded values serialize") }),
        Err(e) => norm_err(e),
    }
}

/// The error half of [`norm`].
pub fn norm_err(error: &Error) -> Value {
    match error {
        Error::Api(e) => {
            let mut v = json!({"api": e.kind.as_str(), "code": e.code, "http": e.http_status});
            if e.retry_after.is_some() {
                v["retry_after"] = json!(true);
            }
            v
        }
        Error::Transport(t) => json!({ "transport": format!("{:?}", t.kind) }),
        Error::Decode(d) => json!({ "decode": d.status.as_u16() }),
        Error::Validation(v) => json!({ "validation": v.field() }),
        other => json!({ "other": other.to_string() }),
    }
}

/// The `(api kind, code, HTTP status)` of a normalized error, for assertions.
pub fn err_triple(normalized: &Value) -> Option<(String, i64, u64)> {
    Some((
        normalized.get("api")?.as_str()?.to_owned(),
        normalized.get("code")?.as_i64()?,
        normalized.get("http")?.as_u64()?,
    ))
}

/// The Rust examples of the workspace README, compiled (and, unless marked
/// `no_run`, run) as doctests so the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeExamples;
