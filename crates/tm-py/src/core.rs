//! The state shared by `Client` and `AsyncClient`, and the glue that turns a
//! Rust future into a blocking call or an awaitable.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyo3::prelude::*;
use tm_core::{ApiKey, Endpoint, Error};

use crate::convert::ToPy;
use crate::errors::{self, invalid, TransportError};
use crate::raw::{Answer, RawResponse};
use crate::runtime;

/// Where a client sends its calls.
#[derive(Clone)]
pub(crate) enum Backend {
    /// The real API (or any v2 server) over HTTP.
    Http {
        /// The key (its `Debug` is redacted).
        key: ApiKey,
        /// Base URL, `None` for the default.
        base_url: Option<String>,
        /// Proxy URL.
        proxy: Option<String>,
        /// Client-side rate limits: `None` keeps the transport's default.
        rate_limits: Option<bool>,
        /// The cassette every exchange is recorded to (`record=`).
        record: Option<tm_core::cassette::CassetteWriter>,
    },
    /// The in-process simulator.
    Sim {
        /// The simulator.
        sim: tm_mock::Simulator,
        /// The key the simulator sees.
        key: ApiKey,
    },
}

/// Everything needed to (re)build a client: kept so a forked child and
/// `with_options()` can build their own transport.
#[derive(Clone)]
pub(crate) struct Settings {
    /// Where calls go.
    pub(crate) backend: Backend,
    /// Whole-request timeout (HTTP only).
    pub(crate) timeout: Option<Duration>,
    /// Retries after the first attempt.
    pub(crate) max_retries: Option<u32>,
}

impl Settings {
    /// Builds a tm-core client from these settings.
    fn build(&self) -> PyResult<tm_core::Client> {
        let mut builder = match &self.backend {
            Backend::Http {
                key,
                base_url,
                proxy,
                rate_limits,
                record,
            } => {
                let mut b = tm_http::HttpTransport::builder(key.clone());
                if let Some(url) = base_url {
                    b = b.base_url(url.clone());
                }
                if let Some(t) = self.timeout {
                    b = b.timeout(t);
                }
                if let Some(p) = proxy {
                    b = b.proxy(p.clone());
                }
                let transport = b.build().map_err(|e| match e {
                    tm_http::BuildError::InvalidApiKey(v) => {
                        Python::attach(|py| errors::validation(py, &v))
                    }
                    tm_http::BuildError::InvalidBaseUrl(m) => invalid("base_url", m),
                    tm_http::BuildError::InvalidProxy(m) => invalid("proxy", m),
                    other => invalid("options", other.to_string()),
                })?;
                let mut builder = match record {
                    None => tm_core::Client::builder(transport),
                    Some(cassette) => tm_core::Client::builder(
                        tm_core::cassette::RecordingTransport::with_cassette(
                            transport,
                            cassette.clone(),
                        ),
                    ),
                };
                // None keeps the transport's default: the v2 limits for the real API host only.
                if let Some(on) = rate_limits {
                    builder = builder.rate_limits(on.then_some(tm_core::RateLimits::V2));
                }
                builder
            }
            Backend::Sim { sim, key } => tm_core::Client::builder(sim.transport(key.clone())),
        };
        if let Some(n) = self.max_retries {
            builder = builder.max_retries(n);
        }
        Ok(builder.build())
    }

    /// How `repr()` names the target.
    fn label(&self) -> String {
        match &self.backend {
            Backend::Http { base_url, .. } => base_url
                .clone()
                .unwrap_or_else(|| tm_core::DEFAULT_BASE_URL.to_owned()),
            Backend::Sim { .. } => "mock://in-process".into(),
        }
    }
}

/// A built client and the process that built it.
struct Built {
    pid: u32,
    client: tm_core::Client,
}

/// One client's state: its settings, the tm-core client built from them (per
/// process), and whether it is closed.
pub(crate) struct Core {
    settings: Settings,
    built: Arc<Mutex<Built>>,
    closed: Arc<AtomicBool>,
    /// True for the `with_raw_response` view: calls return `RawResponse`.
    pub(crate) raw: bool,
    pub(crate) label: String,
}

impl Core {
    /// A core over `settings`.
    pub(crate) fn new(settings: Settings) -> PyResult<Arc<Self>> {
        Self::build(settings, false).map(Arc::new)
    }

    fn build(settings: Settings, raw: bool) -> PyResult<Self> {
        let client = settings.build()?;
        Ok(Self {
            label: settings.label(),
            settings,
            built: Arc::new(Mutex::new(Built {
                pid: std::process::id(),
                client,
            })),
            closed: Arc::new(AtomicBool::new(false)),
            raw,
        })
    }

    /// A new client with changed timeout and retries (own connection pool).
    pub(crate) fn with_options(
        &self,
        timeout: Option<Duration>,
        max_retries: Option<u32>,
    ) -> PyResult<Arc<Self>> {
        let mut s = self.settings.clone();
        if timeout.is_some() {
            s.timeout = timeout;
        }
        if max_retries.is_some() {
            s.max_retries = max_retries;
        }
        Self::build(s, self.raw).map(Arc::new)
    }

    /// The same client (same pool, same closed state) returning raw responses.
    pub(crate) fn raw_view(&self) -> Arc<Self> {
        Arc::new(Self {
            settings: self.settings.clone(),
            built: self.built.clone(),
            closed: self.closed.clone(),
            raw: true,
            label: self.label.clone(),
        })
    }

    /// The simulator behind a mock client.
    pub(crate) fn sim(&self) -> Option<&tm_mock::Simulator> {
        match &self.settings.backend {
            Backend::Sim { sim, .. } => Some(sim),
            Backend::Http { .. } => None,
        }
    }

    /// The tm-core client for this process: fails if closed; in a forked
    /// child, first builds a new one (the inherited connection pool belongs
    /// to the parent's runtime and its sockets are shared with the parent).
    pub(crate) fn client(&self) -> PyResult<tm_core::Client> {
        self.check_open()?;
        let mut built = self.built.lock().unwrap_or_else(|p| p.into_inner());
        if runtime::forked_since(built.pid) {
            let fresh = self.settings.build()?;
            // The parent's client (and its pool) is leaked, not dropped: its
            // drop would touch tasks of a runtime that has no threads here.
            std::mem::forget(std::mem::replace(&mut built.client, fresh));
            built.pid = std::process::id();
        }
        Ok(built.client.clone())
    }

    /// Marks the client closed; later calls fail.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }

    /// True once closed.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Fails if closed.
    pub(crate) fn check_open(&self) -> PyResult<()> {
        if self.is_closed() {
            return Err(TransportError::new_err("the client is closed"));
        }
        Ok(())
    }
}

/// Runs `fut` in `mode`: blocking returns the converted value, async returns a
/// coroutine resolving to it.
pub(crate) fn run<T, F>(py: Python<'_>, mode: Mode, fut: F) -> PyResult<Py<PyAny>>
where
    T: ToPy + Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    crate::logging::refresh(py);
    match mode {
        Mode::Sync => {
            let out = runtime::block_on(py, fut);
            crate::logging::flush(py);
            out?.map_err(|e| errors::to_py(py, &e))?.to_py(py)
        }
        Mode::Async => runtime::coroutine(
            py,
            Box::pin(async move {
                let out = runtime::spawn(fut).await?;
                Python::attach(|py| {
                    crate::logging::flush(py);
                    out.map_err(|e| errors::to_py(py, &e))?.to_py(py)
                })
            }),
        ),
    }
}

/// Sync (blocking) or async (awaitable) calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Block the calling thread (GIL released).
    Sync,
    /// Return a coroutine.
    Async,
}

/// Like [`run`], for a step that may fail before any future exists (argument
/// parsing): async mode defers the error to the `await`.
pub(crate) fn run_prepared<T, F>(
    py: Python<'_>,
    mode: Mode,
    prepared: PyResult<F>,
) -> PyResult<Py<PyAny>>
where
    T: ToPy + Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    match (prepared, mode) {
        (Ok(fut), _) => run(py, mode, fut),
        (Err(e), Mode::Sync) => Err(e),
        (Err(e), Mode::Async) => runtime::failed(py, e),
    }
}

/// Executes `endpoint` on `core` and maps its response with `f`; on the
/// `with_raw_response` view, sends it once and returns the `RawResponse`
/// (whose `parse()` decodes and maps it the same way).
pub(crate) fn exec<E, T>(
    core: &Arc<Core>,
    endpoint: Result<E, tm_core::ValidationError>,
    f: fn(E::Response) -> T,
) -> PyResult<impl Future<Output = Result<Answer<T>, Error>> + Send + 'static>
where
    E: Endpoint + 'static,
    T: ToPy + Send + 'static,
{
    let client = core.client()?;
    let endpoint = endpoint.map_err(|e| Python::attach(|py| errors::validation(py, &e)))?;
    let raw = core.raw;
    Ok(async move {
        if raw {
            let r = client.execute_raw(&endpoint).await?;
            Ok(Answer::Raw(RawResponse::new(
                r,
                crate::raw::parser::<E, T>(f),
            )))
        } else {
            client.execute(&endpoint).await.map(|v| Answer::Value(f(v)))
        }
    })
}

/// `None` as a result.
pub(crate) struct Nothing;

impl ToPy for Nothing {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(py.None())
    }
}
