//! The state shared by `Client` and `AsyncClient`, and the glue that turns a
//! Rust future into a blocking call or an awaitable.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use pyo3::prelude::*;
use tm_core::{Endpoint, Error};

use crate::convert::ToPy;
use crate::errors::{self, TransportError};
use crate::runtime;

/// Sync (blocking) or async (awaitable) calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Block the calling thread (GIL released).
    Sync,
    /// Return a coroutine.
    Async,
}

/// One client's state: the tm-core client and what keeps its transport alive.
pub(crate) struct Core {
    pub(crate) client: tm_core::Client,
    pub(crate) label: String,
    closed: AtomicBool,
    /// The in-process simulator behind a mock client.
    pub(crate) sim: Option<tm_mock::Simulator>,
}

impl Core {
    /// A core over `client`, described as `label` in `repr()`.
    pub(crate) fn new(
        client: tm_core::Client,
        label: String,
        sim: Option<tm_mock::Simulator>,
    ) -> Arc<Self> {
        Arc::new(Self {
            client,
            label,
            closed: AtomicBool::new(false),
            sim,
        })
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
    match mode {
        Mode::Sync => {
            let out = runtime::block_on(py, fut)?;
            out.map_err(|e| errors::to_py(py, &e))?.to_py(py)
        }
        Mode::Async => runtime::coroutine(
            py,
            Box::pin(async move {
                let out = runtime::spawn(fut).await?;
                Python::attach(|py| out.map_err(|e| errors::to_py(py, &e))?.to_py(py))
            }),
        ),
    }
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

/// Executes `endpoint` on `core` and maps its response with `f`.
pub(crate) fn exec<E, T>(
    core: &Arc<Core>,
    endpoint: Result<E, tm_core::ValidationError>,
    f: impl FnOnce(E::Response) -> T + Send + 'static,
) -> PyResult<impl Future<Output = Result<T, Error>> + Send + 'static>
where
    E: Endpoint + 'static,
    T: Send + 'static,
{
    core.check_open()?;
    let endpoint = endpoint.map_err(|e| Python::attach(|py| errors::validation(py, &e)))?;
    let client = core.client.clone();
    Ok(async move { client.execute(&endpoint).await.map(f) })
}

/// `None` as a result.
pub(crate) struct Nothing;

impl ToPy for Nothing {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(py.None())
    }
}
