//! The extension's one tokio runtime, and the two ways Python waits on it:
//! blocking (GIL released, Ctrl-C honoured) and asyncio (a real coroutine whose
//! cancellation aborts the Rust task).

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

/// How often a blocking wait wakes up to look for Ctrl-C.
const SIGNAL_SLICE: Duration = Duration::from_millis(50);

/// The runtime of this process, and the pid that built it.
static RT: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

/// The runtime shared by every client, mock server and iterator of this
/// process. A forked child inherits the parent's runtime without its worker
/// threads (fork copies only the calling thread), so waiting on it would hang
/// forever: the first use in a new pid builds a fresh runtime. The inherited
/// one is leaked on purpose, as dropping it would join threads that do not
/// exist in the child.
pub(crate) fn runtime() -> &'static Runtime {
    let pid = std::process::id();
    let mut slot = RT.lock().unwrap_or_else(|p| p.into_inner());
    match *slot {
        Some((owner, rt)) if owner == pid => rt,
        _ => {
            let rt: &'static Runtime = Box::leak(Box::new(build_runtime()));
            *slot = Some((pid, rt));
            rt
        }
    }
}

fn build_runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(
            std::thread::available_parallelism()
                .map(|n| n.get().clamp(2, 8))
                .unwrap_or(2),
        )
        .thread_name("tm-py")
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("cannot start the tokio runtime: {e}"))
}

/// True when `pid` is not this process (the value was made before a fork).
pub(crate) fn forked_since(pid: u32) -> bool {
    pid != std::process::id()
}

/// A spawned task that is aborted when this handle is dropped.
pub(crate) struct AbortOnDrop<T>(pub(crate) JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for AbortOnDrop<T> {
    type Output = PyResult<T>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|r| {
            r.map_err(|e| {
                if e.is_cancelled() {
                    PyRuntimeError::new_err("the operation was cancelled")
                } else {
                    crate::errors::internal(&format!("the operation failed unexpectedly: {e}"))
                }
            })
        })
    }
}

/// Spawns `fut` on the shared runtime; dropping the result aborts it.
pub(crate) fn spawn<F>(fut: F) -> AbortOnDrop<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    AbortOnDrop(runtime().spawn(fut))
}

/// Runs `fut` on the shared runtime and waits for it with the GIL released,
/// checking for signals between short slices; on `KeyboardInterrupt` (or any
/// exception raised by a signal handler) the task is aborted.
pub(crate) fn block_on<F>(py: Python<'_>, fut: F) -> PyResult<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut task = spawn(fut);
    loop {
        let polled = py.detach(|| {
            runtime().block_on(async { tokio::time::timeout(SIGNAL_SLICE, &mut task).await })
        });
        match polled {
            Ok(out) => return out,
            Err(_elapsed) => py.check_signals()?, // dropping `task` aborts it
        }
    }
}

/// A boxed job for an awaitable: resolves to a Python object.
pub(crate) type Job = Pin<Box<dyn Future<Output = PyResult<Py<PyAny>>> + Send>>;

/// The awaitable behind every `AsyncClient` method: `wait()` returns a pyo3
/// coroutine that drives the job. Closing or cancelling the coroutine drops the
/// job, which aborts its tokio task.
#[pyclass(module = "tm_py._native", name = "_Pending", frozen)]
pub(crate) struct Pending {
    job: Mutex<Option<Job>>,
}

#[pymethods]
impl Pending {
    async fn wait(&self) -> PyResult<Py<PyAny>> {
        let job = self
            .job
            .lock()
            .map_err(|_| PyRuntimeError::new_err("poisoned"))?
            .take();
        match job {
            Some(job) => job.await,
            None => Err(PyRuntimeError::new_err(
                "cannot reuse already awaited coroutine",
            )),
        }
    }
}

/// Wraps `job` into a fresh coroutine object.
pub(crate) fn coroutine(py: Python<'_>, job: Job) -> PyResult<Py<PyAny>> {
    let pending = Py::new(
        py,
        Pending {
            job: Mutex::new(Some(job)),
        },
    )?;
    Ok(pending.bind(py).call_method0("wait")?.unbind())
}

/// A coroutine that raises `err` when awaited.
pub(crate) fn failed(py: Python<'_>, err: PyErr) -> PyResult<Py<PyAny>> {
    coroutine(py, Box::pin(async move { Err(err) }))
}
