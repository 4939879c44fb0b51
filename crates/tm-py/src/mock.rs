//! The simulator from Python: `Simulator` (state and controls),
//! `Client.mock()` (in-process, no sockets) and `MockServer` (HTTP on
//! 127.0.0.1, served by the extension's tokio runtime).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use tm_mock::{FaultConfig, FaultRule, SimConfig};

use crate::client::{http_core, AsyncClient, Client, HttpOptions};
use crate::convert::{json_to_py, to_dict};
use crate::core::Core;
use crate::errors::{self, invalid};
use crate::runtime;

/// Python value to JSON (dict, list, tuple, str, int, float, bool, None).
fn py_to_json(v: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    use serde_json::Value;
    Ok(if v.is_none() {
        Value::Null
    } else if v.is_instance_of::<PyBool>() {
        Value::Bool(v.extract()?)
    } else if v.is_instance_of::<PyInt>() {
        Value::from(v.extract::<i64>()?)
    } else if v.is_instance_of::<PyFloat>() {
        serde_json::Number::from_f64(v.extract()?).map_or(Value::Null, Value::Number)
    } else if let Ok(s) = v.cast::<PyString>() {
        Value::String(s.to_cow()?.into_owned())
    } else if let Ok(d) = v.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        for (k, item) in d.iter() {
            map.insert(k.str()?.to_cow()?.into_owned(), py_to_json(&item)?);
        }
        Value::Object(map)
    } else if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for item in v.try_iter()? {
            out.push(py_to_json(&item?)?);
        }
        Value::Array(out)
    } else {
        Value::String(v.str()?.to_cow()?.into_owned())
    })
}

/// Seconds from a number or a `timedelta`.
fn seconds(field: &str, v: &Bound<'_, PyAny>) -> PyResult<Duration> {
    let secs: f64 = if v.hasattr("total_seconds")? {
        v.call_method0("total_seconds")?.extract()?
    } else {
        v.extract()
            .map_err(|_| invalid(field, "expected seconds or a timedelta"))?
    };
    if !(secs.is_finite() && secs >= 0.0) {
        return Err(invalid(field, "must be a non-negative duration"));
    }
    Ok(Duration::from_secs_f64(secs))
}

fn api_key(py: Python<'_>, key: &str) -> PyResult<tm_core::ApiKey> {
    tm_core::ApiKey::new(key).map_err(|e| errors::validation(py, &e))
}

/// A core over the in-process simulator `sim`.
pub(crate) fn sim_core(
    py: Python<'_>,
    sim: &tm_mock::Simulator,
    key: &str,
    max_retries: Option<u32>,
) -> PyResult<Arc<Core>> {
    let transport = sim.transport(api_key(py, key)?);
    let mut b = tm_core::Client::builder(transport);
    if let Some(n) = max_retries {
        b = b.max_retries(n);
    }
    Ok(Core::new(
        b.build(),
        "mock://in-process".into(),
        Some(sim.clone()),
    ))
}

fn new_sim(
    seed: u64,
    credits: Option<f64>,
    rate_limits: bool,
    keys: Option<Vec<String>>,
    start: Option<DateTime<Utc>>,
) -> tm_mock::Simulator {
    let mut config = SimConfig {
        seed,
        rate_limits,
        keys,
        ..SimConfig::default()
    };
    if let Some(c) = credits {
        config.credits = c;
    }
    if let Some(s) = start {
        config.start = s;
    }
    tm_mock::Simulator::new(config)
}

/// A stateful, seeded TrackingMore v2 simulator (tm-mock). Its clock moves only
/// when told; faults, journal and accounts are controlled from here.
#[pyclass(frozen, subclass, module = "tm_py._native")]
pub(crate) struct Simulator {
    pub(crate) sim: tm_mock::Simulator,
}

#[pymethods]
impl Simulator {
    #[new]
    #[pyo3(signature = (*, seed=1, credits=None, rate_limits=false, keys=None, start=None))]
    fn new(
        seed: u64,
        credits: Option<f64>,
        rate_limits: bool,
        keys: Option<Vec<String>>,
        start: Option<DateTime<Utc>>,
    ) -> Self {
        Self {
            sim: new_sim(seed, credits, rate_limits, keys, start),
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "Simulator(now={:?}, trackings={}, rate_limits={})",
            self.sim.now().to_rfc3339(),
            self.sim.tracking_count(),
            self.sim.rate_limits()
        )
    }

    /// A blocking client over this simulator, in-process (no sockets).
    #[pyo3(signature = (api_key="mock-key", *, max_retries=None))]
    fn client(&self, py: Python<'_>, api_key: &str, max_retries: Option<u32>) -> PyResult<Client> {
        Ok(Client {
            core: sim_core(py, &self.sim, api_key, max_retries)?,
        })
    }

    /// An asyncio client over this simulator, in-process (no sockets).
    #[pyo3(signature = (api_key="mock-key", *, max_retries=None))]
    fn async_client(
        &self,
        py: Python<'_>,
        api_key: &str,
        max_retries: Option<u32>,
    ) -> PyResult<AsyncClient> {
        Ok(AsyncClient {
            core: sim_core(py, &self.sim, api_key, max_retries)?,
        })
    }

    // ---- clock ------------------------------------------------------------

    /// The simulated time (aware, UTC).
    #[getter]
    fn now(&self) -> DateTime<Utc> {
        self.sim.now()
    }

    /// Moves the clock forward (seconds or a `timedelta`) and applies due changes.
    fn advance(&self, by: &Bound<'_, PyAny>) -> PyResult<()> {
        self.sim.advance(seconds("by", by)?);
        Ok(())
    }

    /// Sets the clock (an aware `datetime`).
    fn set_now(&self, now: DateTime<Utc>) {
        self.sim.set_now(now);
    }

    // ---- rate limits ------------------------------------------------------

    /// Whether the per-key rate limits (list 1/s, realtime 3/s, others 10/s) are on.
    #[getter]
    fn rate_limits(&self) -> bool {
        self.sim.rate_limits()
    }

    /// Turns the rate limits on or off.
    fn set_rate_limits(&self, on: bool) {
        self.sim.set_rate_limits(on);
    }

    // ---- faults -----------------------------------------------------------

    /// Adds a fault rule: `kind` is `latency`, `http500`, `http503`, `http429`,
    /// `drop`, `truncate` or `html`; the options are tm-mock's rule fields.
    #[pyo3(signature = (kind, *, endpoint=None, probability=1.0, times=None, when=None,
        min_ms=0, max_ms=0, retry_after=None, keep_bytes=None, status=None))]
    #[allow(clippy::too_many_arguments)]
    fn add_fault(
        &self,
        kind: &str,
        endpoint: Option<String>,
        probability: f64,
        times: Option<u32>,
        when: Option<String>,
        min_ms: u64,
        max_ms: u64,
        retry_after: Option<u64>,
        keep_bytes: Option<usize>,
        status: Option<u16>,
    ) -> PyResult<()> {
        let v = serde_json::json!({
            "kind": kind, "endpoint": endpoint, "probability": probability, "times": times,
            "when": when, "min_ms": min_ms, "max_ms": max_ms.max(min_ms),
            "retry_after": retry_after, "keep_bytes": keep_bytes, "status": status,
        });
        let rule: FaultRule =
            serde_json::from_value(v).map_err(|e| invalid("fault", e.to_string()))?;
        let mut faults = self.sim.faults();
        faults.rules.push(rule);
        self.sim.set_faults(faults);
        Ok(())
    }

    /// Replaces every fault rule with `rules` (dicts of tm-mock rule fields).
    fn set_faults(&self, rules: &Bound<'_, PyAny>) -> PyResult<()> {
        let v = serde_json::json!({ "rules": py_to_json(rules)? });
        let config: FaultConfig =
            serde_json::from_value(v).map_err(|e| invalid("faults", e.to_string()))?;
        self.sim.set_faults(config);
        Ok(())
    }

    /// Removes every fault rule.
    fn clear_faults(&self) {
        self.sim.clear_faults();
    }

    /// The active fault rules, as dicts.
    fn faults(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_dict(py, &self.sim.faults().rules)
    }

    // ---- journal ----------------------------------------------------------

    /// Every API request received so far (the key never appears), as dicts.
    fn journal(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_dict(py, &self.sim.journal())
    }

    /// Empties the journal.
    fn clear_journal(&self) {
        self.sim.clear_journal();
    }

    // ---- accounts ---------------------------------------------------------

    /// Registers `api_key` or changes its account (credits, deleted flag);
    /// returns the account label.
    #[pyo3(signature = (api_key, *, credits=None, deleted=None))]
    fn set_account(&self, api_key: &str, credits: Option<f64>, deleted: Option<bool>) -> String {
        self.sim.set_account(api_key, credits, deleted)
    }

    /// Remaining credits of `api_key`'s account, or `None` if it has none.
    fn credits(&self, api_key: &str) -> Option<f64> {
        self.sim.credits(api_key)
    }

    /// Trackings stored across all accounts.
    fn tracking_count(&self) -> usize {
        self.sim.tracking_count()
    }

    /// Clears trackings, accounts, journal and faults; resets the clock.
    fn reset(&self) {
        self.sim.reset();
    }

    /// The simulated state as JSON-compatible data.
    fn snapshot(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let v: serde_json::Value = serde_json::from_slice(&self.sim.snapshot())
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        json_to_py(py, &v)
    }
}

/// The simulator served over HTTP on `127.0.0.1` (a free port) by the
/// extension's runtime, in the background. Use as a context manager; `url` is
/// the base URL to give a `Client`.
#[pyclass(frozen, extends = Simulator, module = "tm_py._native")]
pub(crate) struct MockServer {
    url: String,
    handle: Mutex<Option<tm_mock::ServerHandle>>,
}

#[pymethods]
impl MockServer {
    #[new]
    #[pyo3(signature = (*, seed=1, credits=None, rate_limits=false, keys=None, start=None, port=0))]
    fn new(
        py: Python<'_>,
        seed: u64,
        credits: Option<f64>,
        rate_limits: bool,
        keys: Option<Vec<String>>,
        start: Option<DateTime<Utc>>,
        port: u16,
    ) -> PyResult<PyClassInitializer<Self>> {
        let sim = new_sim(seed, credits, rate_limits, keys, start);
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let served = sim.clone();
        let handle = runtime::block_on(py, async move { tm_mock::serve(served, addr).await })?
            .map_err(|e| PyRuntimeError::new_err(format!("cannot start the mock server: {e}")))?;
        Ok(
            PyClassInitializer::from(Simulator { sim }).add_subclass(Self {
                url: handle.url(),
                handle: Mutex::new(Some(handle)),
            }),
        )
    }

    /// The base URL, `http://127.0.0.1:PORT/v2`.
    #[getter]
    fn url(&self) -> String {
        self.url.clone()
    }

    /// True while serving.
    #[getter]
    fn running(&self) -> bool {
        self.handle.lock().map(|h| h.is_some()).unwrap_or(false)
    }

    /// Stops the server (open requests may finish, up to 5 s).
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let handle = self
            .handle
            .lock()
            .map_err(|_| PyRuntimeError::new_err("poisoned"))?
            .take();
        if let Some(h) = handle {
            runtime::block_on(py, h.shutdown())?;
        }
        Ok(())
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    fn __repr__(&self) -> String {
        format!("MockServer(url={:?}, running={})", self.url, self.running())
    }

    /// A blocking HTTP client of this server.
    #[pyo3(signature = (api_key="mock-key", *, max_retries=None))]
    fn client(&self, py: Python<'_>, api_key: &str, max_retries: Option<u32>) -> PyResult<Client> {
        Ok(Client {
            core: http_core(
                py,
                api_key.to_owned(),
                HttpOptions {
                    base_url: Some(self.url.clone()),
                    timeout: None,
                    max_retries,
                    proxy: None,
                    rate_limits: None,
                    record: None,
                },
            )?,
        })
    }

    /// An asyncio HTTP client of this server.
    #[pyo3(signature = (api_key="mock-key", *, max_retries=None))]
    fn async_client(
        &self,
        py: Python<'_>,
        api_key: &str,
        max_retries: Option<u32>,
    ) -> PyResult<AsyncClient> {
        Ok(AsyncClient {
            core: http_core(
                py,
                api_key.to_owned(),
                HttpOptions {
                    base_url: Some(self.url.clone()),
                    timeout: None,
                    max_retries,
                    proxy: None,
                    rate_limits: None,
                    record: None,
                },
            )?,
        })
    }
}

/// Adds the simulator classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Simulator>()?;
    m.add_class::<MockServer>()?;
    Ok(())
}
