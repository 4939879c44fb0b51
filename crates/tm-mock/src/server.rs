//! The HTTP/1.1 server (hyper 1) in front of a [`Simulator`]: the front
//! door of the request path (server → router → handler → state → render).
//! It owns what only a network server needs: the admin token, body limits
//! and connection hygiene.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
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
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinHandle;

use crate::render::{envelope, error};
use crate::simulator::Simulator;
use crate::wire::{
    is_admin_path, parse_query, segments, Outcome, SimRequest, SimResponse, MAX_BODY,
};

/// How [`serve_with`] runs the server. Build it from [`ServeOptions::default`]
/// and its setters.
#[derive(Clone)]
#[non_exhaustive]
pub struct ServeOptions {
    admin_token: Option<String>,
    header_read_timeout: Duration,
    idle_timeout: Duration,
    max_connections: usize,
    max_header_bytes: usize,
}

/// Default of [`ServeOptions::header_read_timeout`]: 10 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default of [`ServeOptions::idle_timeout`]: 30 s.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Default of [`ServeOptions::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Default of [`ServeOptions::max_header_bytes`]: 64 KiB.
pub const DEFAULT_MAX_HEADER_BYTES: usize = 64 << 10;
/// Smallest accepted [`ServeOptions::max_header_bytes`] (hyper's minimum buffer).
const MIN_HEADER_BYTES: usize = 8 << 10;

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            admin_token: None,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
        }
    }
}

impl fmt::Debug for ServeOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeOptions")
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "<redacted>"),
            )
            .field("header_read_timeout", &self.header_read_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_connections", &self.max_connections)
            .field("max_header_bytes", &self.max_header_bytes)
            .finish()
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

    /// Closes a connection that has not sent a request's complete headers
    /// within `timeout` of the server starting to wait for them (a new
    /// connection, or the next request on a kept-alive one). Clamped to at
    /// least 1 ms. Default [`DEFAULT_HEADER_READ_TIMEOUT`].
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Closes a connection on which nothing was read or written for `timeout`
    /// while no request is being answered (a kept-alive connection between
    /// requests, or a client that stopped reading its answer). Clamped to at
    /// least 1 ms. Default [`DEFAULT_IDLE_TIMEOUT`].
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Most connections served at once (at least 1); past it new connections
    /// wait in the listen backlog until one closes. Default
    /// [`DEFAULT_MAX_CONNECTIONS`].
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// Most bytes of request line and headers buffered per connection (at
    /// least 8 KiB); a longer head is refused. Default
    /// [`DEFAULT_MAX_HEADER_BYTES`].
    pub fn max_header_bytes(mut self, n: usize) -> Self {
        self.max_header_bytes = n.max(MIN_HEADER_BYTES);
        self
    }
}

/// When a connection was last active, since when it has been waiting for a
/// request, and whether it is answering one. Written by the connection (a
/// few relaxed atomics per request), read by its watchdog.
#[derive(Debug)]
struct Activity {
    /// Milliseconds since `epoch` of the last byte read or written.
    last_ms: AtomicU64,
    /// Milliseconds since `epoch` when the connection started waiting for
    /// its next request (opened, or its last answer was handed to hyper).
    waiting_since_ms: AtomicU64,
    /// Requests being answered.
    in_flight: AtomicUsize,
    epoch: tokio::time::Instant,
}

impl Activity {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            last_ms: AtomicU64::new(0),
            waiting_since_ms: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            epoch: tokio::time::Instant::now(),
        })
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn touch(&self) {
        self.last_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    fn at(&self, ms: &AtomicU64) -> tokio::time::Instant {
        self.epoch + Duration::from_millis(ms.load(Ordering::Relaxed))
    }
}

/// Counts a request as in flight until dropped.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn start(activity: &Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        Self(Arc::clone(activity))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let now = self.0.now_ms();
        self.0.last_ms.store(now, Ordering::Relaxed);
        self.0.waiting_since_ms.store(now, Ordering::Relaxed);
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Resolves when the connection should be closed: while no request is being
/// answered, it has waited `header_timeout` for a request's headers, or
/// nothing was read or written for `idle_timeout`. It runs in its own task
/// and wakes only at those deadlines, so requests pay no timer per request.
async fn overdue(activity: Arc<Activity>, header_timeout: Duration, idle_timeout: Duration) {
    loop {
        let now = tokio::time::Instant::now();
        let wake = if activity.in_flight.load(Ordering::Relaxed) == 0 {
            let deadline = (activity.at(&activity.waiting_since_ms) + header_timeout)
                .min(activity.at(&activity.last_ms) + idle_timeout);
            if now >= deadline {
                return;
            }
            deadline
        } else {
            // Answering: look again later (an answer resets the deadlines).
            now + header_timeout.min(idle_timeout)
        };
        tokio::time::sleep_until(wake).await;
    }
}

/// A connection's IO that records activity.
struct TrackedIo<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T: hyper::rt::Read + Unpin> hyper::rt::Read for TrackedIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if r.is_ready() {
            self.activity.touch();
        }
        r
    }
}

impl<T: hyper::rt::Write + Unpin> hyper::rt::Write for TrackedIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if r.is_ready() {
            self.activity.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if r.is_ready() {
            self.activity.touch();
        }
        r
    }
}

/// The pause after a failed `accept`. Running out of file descriptors (or
/// memory) is not fixed by retrying at once — that only spins — so those
/// errors wait, doubling from 5 ms up to 1 s; an error of one connection
/// (reset before it was accepted, …) is skipped at once.
#[derive(Debug, Default)]
struct AcceptBackoff {
    next: Option<Duration>,
}

impl AcceptBackoff {
    const FIRST: Duration = Duration::from_millis(5);
    const MAX: Duration = Duration::from_secs(1);

    /// How long to wait after `e`, if at all.
    fn after_error(&mut self, e: &io::Error) -> Option<Duration> {
        // EMFILE, ENFILE, ENOBUFS, ENOMEM.
        let exhausted = matches!(e.raw_os_error(), Some(24 | 23 | 105 | 12))
            || e.kind() == io::ErrorKind::OutOfMemory;
        if !exhausted {
            return None;
        }
        let wait = self.next.unwrap_or(Self::FIRST);
        self.next = Some((wait * 2).min(Self::MAX));
        Some(wait)
    }

    /// A connection was accepted: the next error starts over.
    fn reset(&mut self) {
        self.next = None;
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
    same_secret(sent, token.as_bytes())
}

/// Equal byte strings, compared in constant time over their length.
fn same_secret(sent: &[u8], want: &[u8]) -> bool {
    sent.len() == want.len() && sent.iter().zip(want).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// Whether the request opens the dashboard (`/_mock/ui`) with `?token=<token>`:
/// a browser cannot send a header when it follows a link, so the page (and
/// only the page) also takes the token from its query; its script then sends
/// it as a Bearer header.
fn opens_dashboard_with_token(uri: &http::Uri, token: &str) -> bool {
    let segs = segments(uri.path());
    if segs.len() != 2 || segs[1] != "ui" {
        return false;
    }
    parse_query(uri.query().unwrap_or(""))
        .iter()
        .any(|(k, v)| k == "token" && same_secret(v.as_bytes(), token.as_bytes()))
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

/// What every connection's requests are answered with.
struct Front {
    sim: Simulator,
    admin_token: Option<Arc<str>>,
    /// Longest wait for the next piece of a request body.
    body_idle: Duration,
}

/// Answers one request. Every response carries `Date` = the simulated clock
/// (hyper adds its own real-time `Date` only to a response without one).
async fn handle(
    front: Arc<Front>,
    req: Request<Incoming>,
) -> Result<Response<MockBody>, io::Error> {
    let mut resp = answer(&front, req).await?;
    // The router stamps what it answers; the answers made here (401, 4012,
    // clock moves) are stamped now.
    if !resp.headers().contains_key(http::header::DATE) {
        let now = front.sim.now().timestamp();
        crate::clock::stamp_date(resp.headers_mut(), now);
    }
    Ok(resp)
}

async fn answer(front: &Front, req: Request<Incoming>) -> Result<Response<MockBody>, io::Error> {
    if let Some(token) = &front.admin_token {
        if is_admin_path(req.uri().path())
            && !has_admin_token(req.headers(), token)
            && !opens_dashboard_with_token(req.uri(), token)
        {
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
        // A client that stops sending its body is let go, like an idle one.
        while let Some(frame) = tokio::time::timeout(front.body_idle, body.frame())
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "request body stalled"))?
        {
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
    // Moving the clock and redelivering send webhooks: awaited here, outside the lock.
    if let Some(resp) = front.sim.admin_outside_lock_async(&sreq).await {
        return Ok(to_http(resp, None));
    }
    let processed = front.sim.process(sreq);
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

/// Serves `sim` over HTTP/1.1 on `addr` with `options`: an optional admin
/// token, header-read and idle timeouts, a cap on connections, a cap on
/// header bytes, and a backoff (not a spin) when `accept` runs out of file
/// descriptors. Refuses (before binding) a non-loopback address without an
/// admin token ([`ServeError`], as an `io::Error` of kind `InvalidInput`).
pub async fn serve_with(
    sim: Simulator,
    addr: SocketAddr,
    options: ServeOptions,
) -> io::Result<ServerHandle> {
    options.check(addr)?;
    let front = Arc::new(Front {
        sim,
        admin_token: options.admin_token.as_deref().map(Arc::from),
        body_idle: options.idle_timeout,
    });
    let slots = Arc::new(Semaphore::new(options.max_connections));
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        let graceful = GracefulShutdown::new();
        let mut backoff = AcceptBackoff::default();
        let mut http = http1::Builder::new();
        // Header and idle timeouts are enforced by each connection's watchdog
        // (`overdue`), not hyper's per-request timer.
        http.max_buf_size(options.max_header_bytes);
        loop {
            // At the connection cap, wait for a slot before accepting: new
            // connections queue in the kernel's backlog meanwhile.
            let slot = tokio::select! {
                slot = Arc::clone(&slots).acquire_owned() => match slot {
                    Ok(slot) => slot,
                    Err(_) => break,
                },
                _ = stopped.changed() => break,
            };
            let accepted = tokio::select! {
                res = listener.accept() => res,
                _ = stopped.changed() => break,
            };
            let stream = match accepted {
                Ok((stream, _)) => {
                    backoff.reset();
                    stream
                }
                Err(e) => {
                    if let Some(wait) = backoff.after_error(&e) {
                        tokio::select! {
                            _ = tokio::time::sleep(wait) => {}
                            _ = stopped.changed() => break,
                        }
                    }
                    continue;
                }
            };
            // Each response is written whole; do not hold it back
            // waiting for the client's ACK.
            let _ = stream.set_nodelay(true);
            let activity = Activity::new();
            let io = TrackedIo {
                inner: TokioIo::new(stream),
                activity: Arc::clone(&activity),
            };
            let front = Arc::clone(&front);
            let counted = Arc::clone(&activity);
            let svc = service_fn(move |req| {
                let in_flight = InFlight::start(&counted);
                let answer = handle(Arc::clone(&front), req);
                async move {
                    let r = answer.await;
                    drop(in_flight);
                    r
                }
            });
            let conn = graceful.watch(http.serve_connection(io, svc));
            let (done, finished) = tokio::sync::oneshot::channel::<()>();
            let task = tokio::spawn(async move {
                let _ = conn.await;
                drop(slot);
                let _ = done.send(());
            });
            let abort = task.abort_handle();
            let (header_timeout, idle_timeout) =
                (options.header_read_timeout, options.idle_timeout);
            tokio::spawn(async move {
                tokio::select! {
                    // Nothing is in flight: dropping the connection loses nothing.
                    _ = overdue(activity, header_timeout, idle_timeout) => abort.abort(),
                    _ = finished => {}
                }
            });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_backs_off_on_exhaustion_and_skips_other_errors() {
        let mut b = AcceptBackoff::default();
        let emfile = io::Error::from_raw_os_error(24);
        let waits: Vec<_> = (0..10).map(|_| b.after_error(&emfile).unwrap()).collect();
        assert_eq!(waits[0], Duration::from_millis(5));
        assert_eq!(waits[1], Duration::from_millis(10));
        assert_eq!(*waits.last().unwrap(), Duration::from_secs(1));
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
        b.reset();
        assert_eq!(b.after_error(&emfile), Some(Duration::from_millis(5)));
        let reset = io::Error::from(io::ErrorKind::ConnectionAborted);
        assert_eq!(b.after_error(&reset), None);
        assert!(b.after_error(&io::Error::from_raw_os_error(23)).is_some());
    }

    #[test]
    fn options_are_clamped_and_the_token_is_checked() {
        let o = ServeOptions::default()
            .max_header_bytes(1)
            .max_connections(0)
            .header_read_timeout(Duration::ZERO);
        assert_eq!(o.max_header_bytes, MIN_HEADER_BYTES);
        assert_eq!(o.max_connections, 1);
        assert_eq!(o.header_read_timeout, Duration::from_millis(1));
        let mut h = http::HeaderMap::new();
        assert!(!has_admin_token(&h, "tok"));
        h.insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static("Bearer tok"),
        );
        assert!(has_admin_token(&h, "tok"));
        assert!(!has_admin_token(&h, "to"));
        assert!(!has_admin_token(&h, "tok2"));
        h.insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static("Bearer"),
        );
        assert!(!has_admin_token(&h, "tok"));
    }
}
