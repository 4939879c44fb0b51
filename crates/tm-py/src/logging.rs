//! tm-core's `tracing` events (request sent, retrying, giving up) forwarded to
//! Python's `logging.getLogger("tm_py")`.
//!
//! Events are raised on tokio worker threads, which must never wait for the
//! GIL (a Python thread holding it may be waiting on them), so they are queued
//! and handed to `logging` by the Python thread when its call returns. The
//! threshold mirrors the logger's effective level, refreshed on every call, so
//! a disabled logger costs one atomic load per event. Records never hold the
//! key: tm-core's requests do not carry it (transports add it).

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tracing::field::{Field, Visit};
use tracing::span;
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

/// Python's level numbers; 0 means "off".
const OFF: u8 = 0;
/// Queued records beyond this are dropped (a stuck consumer must not grow memory).
const MAX_QUEUED: usize = 10_000;

static THRESHOLD: AtomicU8 = AtomicU8::new(OFF);
static QUEUE: Mutex<Vec<(u8, String)>> = Mutex::new(Vec::new());
static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn py_level(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        _ => 5,
    }
}

fn logger(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    LOGGER
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("logging")?
                    .call_method1("getLogger", ("tm_py",))?
                    .unbind(),
            )
        })
        .map(|l| l.bind(py))
}

/// Re-reads the logger's effective level and hands queued records to it.
pub(crate) fn refresh(py: Python<'_>) {
    let Ok(logger) = logger(py) else { return };
    let level = logger
        .call_method0("getEffectiveLevel")
        .and_then(|l| l.extract::<i64>())
        .unwrap_or(30);
    // `NOTSET` (0) on the root means everything; keep 1 so 0 stays "off".
    THRESHOLD.store(level.clamp(1, 255) as u8, Ordering::Relaxed);
    flush(py);
}

/// Hands queued records to `logging` (on the calling Python thread).
pub(crate) fn flush(py: Python<'_>) {
    let records = {
        let mut q = QUEUE.lock().unwrap_or_else(|p| p.into_inner());
        if q.is_empty() {
            return;
        }
        std::mem::take(&mut *q)
    };
    let Ok(logger) = logger(py) else { return };
    for (level, msg) in records {
        // A failing handler must not turn a successful call into an error.
        let _ = logger.call_method1("log", (level, msg));
    }
}

/// Collects an event's fields as `message key=value ...`.
struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}

/// The subscriber installed by the module: queues tm's events for `logging`.
struct ToPythonLogging;

impl Subscriber for ToPythonLogging {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // The threshold changes at run time: ask `enabled` every time.
        Interest::sometimes()
    }

    fn enabled(&self, m: &Metadata<'_>) -> bool {
        let t = THRESHOLD.load(Ordering::Relaxed);
        t != OFF && py_level(m.level()) >= t && m.target().starts_with("tm_")
    }

    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }

    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}

    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut line = Line(String::new());
        event.record(&mut line);
        let mut q = QUEUE.lock().unwrap_or_else(|p| p.into_inner());
        if q.len() < MAX_QUEUED {
            q.push((py_level(event.metadata().level()), line.0));
        }
    }

    fn enter(&self, _: &span::Id) {}

    fn exit(&self, _: &span::Id) {}
}

/// Installs the forwarding subscriber (unless the embedding process already
/// installed its own global one).
pub(crate) fn install() {
    let _ = tracing::subscriber::set_global_default(ToPythonLogging);
}
