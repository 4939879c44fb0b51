//! The HTTP/1.1 server (hyper 1) in front of a [`Simulator`]: the front
//! door of the request path (server → router → handler → state → render).
//! It owns what only a network server needs: the admin token, body limits
//! and connection hygiene.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::render::{envelope, error};
use crate::simulator::Simulator;
use crate::wire::{is_admin_path, Outcome, SimRequest, SimResponse, MAX_BODY};

/// How [`serve_with`] runs the server. Build it from [`ServeOptions::default`]
/// and its setters.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ServeOptions {
    admin_token: Option<String>,
}

impl fmt::Debug for ServeOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeOptions")
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

impl ServeOptions {
    /// Requires `Authorization: Bearer TOKEN` on every `/_mock/*` request
    /// (else HTTP 401 with an envelope). Without a token the admin API is
    /// open, which [`serve_with`] allows on loopback addresses only.
    pub fn admin_token(mut self, token: impl Into<String>) -> Self {
        self.admin_token = Some(token.into());
        self
    }
}

/// Why [`serve_with`] refuses to start before binding anything.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// A non-loopback address without an admin token: anyone who can reach
    /// the port could reset the simulator, mint accounts and read the journal.
    #[error(
        "refusing to serve the /_mock admin API without a token on {0}, which is not a \
         loopback address: anyone who can reach it could reset the simulator, create \
         accounts and read the journal. Set an admin token (tm-mock serve --admin-token \
         or TM_MOCK_ADMIN_TOKEN), or bind 127.0.0.1"
    )]
    OpenAdminOnNetwork(SocketAddr),
    /// An admin token that is empty or not a valid header value.
    #[error("the admin token must be non-empty printable ASCII without spaces")]
    BadAdminToken,
}

impl From<ServeError> for io::Error {
    fn from(e: ServeError) -> Self {
        io::Error::new(io::ErrorKind::InvalidInput, e)
    }
}

impl ServeOptions {
    /// Checks the options for serving on `addr`.
    pub fn check(&self, addr: SocketAddr) -> Result<(), ServeError> {
        match &self.admin_token {
            Some(t) if t.is_empty() || !t.bytes().all(|b| b.is_ascii_graphic()) => {
                Err(ServeError::BadAdminToken)
            }
            Some(_) => Ok(()),
            None if addr.ip().is_loopback() => Ok(()),
            None => Err(ServeError::OpenAdminOnNetwork(addr)),
        }
    }
}

/// Whether `headers` carry `Authorization: Bearer <token>` (compared in
/// constant time over the token's length).
fn has_admin_token(headers: &http::HeaderMap, token: &str) -> bool {
    let Some(sent) = headers
        .get(http::header::AUTHORIZATION)
        .map(http::HeaderValue::as_bytes)
    else {
        return false;
    };
    let Some(sent) = sent
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case(b"bearer "))
        .map(|_| sent[7..].trim_ascii())
    else {
        return false;
    };
    let want = token.as_bytes();
    sent.len() == want.len() && sent.iter().zip(want).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// The 401 answer to an admin request without the token.
fn admin_unauthorized() -> Response<MockBody> {
    let r = error(
        401,
        "The /_mock admin API needs `Authorization: Bearer <admin token>`.",
    );
    let mut resp = to_http(r, None);
    resp.headers_mut().insert(
        http::header::WWW_AUTHENTICATE,
        http::HeaderValue::from_static("Bearer realm=\"tm-mock admin\""),
    );
    resp
}

/// A running server. Dropping it shuts the server down.
#[derive(Debug)]
pub struct ServerHandle {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// The base URL, `http://127.0.0.1:PORT/v2`.
    pub fn url(&self) -> String {
        format!("http://{}/v2", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets open requests finish (up to 5 s), and waits.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Response body: whole, or cut short with an error (which aborts the connection).
#[derive(Debug)]
pub(crate) struct MockBody {
    data: Option<Bytes>,
    fail_after: bool,
    /// Lets hyper flush the partial body before the connection is broken.
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Body for MockBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(d) = self.data.take() {
            if self.fail_after {
                self.pause = Some(Box::pin(tokio::time::sleep(Duration::from_millis(50))));
            }
            if !d.is_empty() {
                return Poll::Ready(Some(Ok(Frame::data(d))));
            }
        }
        if let Some(p) = self.pause.as_mut() {
            if p.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.pause = None;
        }
        if self.fail_after {
            self.fail_after = false;
            return Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "injected truncation",
            ))));
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && !self.fail_after
    }

    fn size_hint(&self) -> SizeHint {
        match (&self.data, self.fail_after) {
            (Some(d), false) => SizeHint::with_exact(d.len() as u64),
            (None, false) => SizeHint::with_exact(0),
            _ => SizeHint::default(),
        }
    }
}

fn to_http(r: SimResponse, keep: Option<usize>) -> Response<MockBody> {
    let full = r.body.len();
    let (data, fail_after) = match keep {
        Some(k) => (r.body.slice(..k.min(full)), true),
        None => (r.body, false),
    };
    let mut resp = Response::new(MockBody {
        data: Some(data),
        fail_after,
        pause: None,
    });
    *resp.status_mut() = r.status;
    *resp.headers_mut() = r.headers;
    resp.headers_mut()
        .insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(full));
    resp
}

fn too_large() -> Response<MockBody> {
    let r = envelope(
        4012,
        "The request body is larger than 1 MiB.",
        serde_json::json!([]),
    );
    let mut resp = to_http(r, None);
    // The rest of the body is drained, not parsed: this connection ends here.
    resp.headers_mut().insert(
        http::header::CONNECTION,
        http::HeaderValue::from_static("close"),
    );
    resp
}

/// Most bytes of an oversized body read and thrown away after the 4012 answer.
const DRAIN_CAP: u64 = 16 << 20;

/// Reads and discards the rest of an oversized body (never stored) while the
/// 4012 answer goes out, so a client still writing its body reads the answer
/// instead of a broken pipe. Bounded in bytes, in idle time and in total time;
/// past any of them the connection is dropped.
fn drain_in_background(mut body: Incoming, already: u64) {
    tokio::spawn(async move {
        let drain = async {
            let mut seen = already;
            // A client that stops sending (it declared a size and waits for
            // the answer) is let go after a short idle time.
            while let Ok(Some(Ok(frame))) =
                tokio::time::timeout(std::time::Duration::from_millis(500), body.frame()).await
            {
                seen += frame.data_ref().map_or(0, |d| d.len() as u64);
                if seen > DRAIN_CAP {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), drain).await;
    });
}

async fn handle(
    sim: Simulator,
    admin_token: Option<Arc<str>>,
    req: Request<Incoming>,
) -> Result<Response<MockBody>, io::Error> {
    if let Some(token) = &admin_token {
        if is_admin_path(req.uri().path()) && !has_admin_token(req.headers(), token) {
            let body = req.into_body();
            if !body.is_end_stream() {
                drain_in_background(body, 0);
            }
            return Ok(admin_unauthorized());
        }
    }
    let declared = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let (parts, mut body) = req.into_parts();
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        drain_in_background(body, 0);
        return Ok(too_large());
    }
    // A request without a body (most GETs) has nothing to collect.
    let body = if body.is_end_stream() {
        Bytes::new()
    } else {
        // Collected frame by frame (not through `Limited`) so that, past the
        // limit, the rest of the body can still be drained.
        let mut buf: Option<Vec<u8>> = None;
        let mut first: Option<Bytes> = None;
        let mut seen = 0usize;
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame.map_err(io::Error::other)?.into_data() else {
                continue;
            };
            seen += data.len();
            if seen > MAX_BODY {
                drain_in_background(body, seen as u64);
                return Ok(too_large());
            }
            match (&mut buf, first.take()) {
                (Some(b), _) => b.extend_from_slice(&data),
                (None, None) => first = Some(data),
                (None, Some(f)) => {
                    let mut b = Vec::with_capacity(f.len() + data.len());
                    b.extend_from_slice(&f);
                    b.extend_from_slice(&data);
                    buf = Some(b);
                }
            }
        }
        buf.map(Bytes::from).or(first).unwrap_or_default()
    };
    // The URI's path never contains `?`, so no re-splitting is needed.
    let sreq = SimRequest {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers: parts.headers,
        body,
    };
    let processed = sim.process(sreq);
    if !processed.latency.is_zero() {
        tokio::time::sleep(processed.latency).await;
    }
    match processed.outcome {
        Outcome::Respond(r) => Ok(to_http(r, None)),
        Outcome::Truncate(r, keep) => Ok(to_http(r, Some(keep))),
        Outcome::Drop => Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "injected drop",
        )),
    }
}

/// Serves `sim` over HTTP/1.1 on `addr` (use port 0 for a free port) with
/// the default [`ServeOptions`]: no admin token, so only a loopback address
/// is accepted.
///
/// Paths are accepted with or without `/v2`. Bodies over 1 MiB get meta 4012
/// and the connection is closed without reading the rest.
pub async fn serve(sim: Simulator, addr: SocketAddr) -> io::Result<ServerHandle> {
    serve_with(sim, addr, ServeOptions::default()).await
}

/// Serves `sim` over HTTP/1.1 on `addr` with `options`. Refuses (before
/// binding) a non-loopback address without an admin token
/// ([`ServeError`], as an `io::Error` of kind `InvalidInput`).
pub async fn serve_with(
    sim: Simulator,
    addr: SocketAddr,
    options: ServeOptions,
) -> io::Result<ServerHandle> {
    options.check(addr)?;
    let admin_token: Option<Arc<str>> = options.admin_token.as_deref().map(Arc::from);
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        let graceful = GracefulShutdown::new();
        loop {
            tokio::select! {
                res = listener.accept() => {
                    let Ok((stream, _)) = res else { continue };
                    // Each response is written whole; do not hold it back
                    // waiting for the client's ACK.
                    let _ = stream.set_nodelay(true);
                    let sim = sim.clone();
                    let token = admin_token.clone();
                    let svc = service_fn(move |req| handle(sim.clone(), token.clone(), req));
                    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
                    let fut = graceful.watch(conn);
                    tokio::spawn(async move {
                        let _ = fut.await;
                    });
                }
                _ = stopped.changed() => break,
            }
        }
        drop(listener);
        let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
    });
    Ok(ServerHandle {
        addr,
        stop,
        task: Some(task),
    })
}
