//! The simulator from Python: `Simulator` (state and controls),
//! `Client.mock()` (in-process, no sockets) and `MockServer` (HTTP on
//! 127.0.0.1, served by the extension's tokio runtime).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use tm_mock::{FaultConfig, FaultRule, SimConfig};

use crate::args::{opt_within, Int, StrList};
use crate::client::{call_options, http_core, AsyncClient, Client};
use crate::convert::{json_to_py, to_dict};
use crate::core::{Backend, Core, Settings};
use crate::errors::{self, guard, invalid};
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

/// The argument a refused webhook change is about.
fn webhook_field(e: &tm_mock::WebhookConfigError) -> &'static str {
    use tm_mock::WebhookConfigError as E;
    match e {
        E::BadUrl(_) => "url",
        E::BadStatus(_) => "statuses",
        E::NotFound(_) => "id",
        E::TooMany | E::Refused(_) => "api_key",
    }
}

/// The simulator's clock range: 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
fn clock_range() -> (DateTime<Utc>, DateTime<Utc>) {
    (
        DateTime::<Utc>::UNIX_EPOCH,
        DateTime::<Utc>::from_timestamp(crate::args::MAX_UNIX, 0)
            .unwrap_or(DateTime::<Utc>::MAX_UTC),
    )
}

/// Refuses a clock value outside [`clock_range`].
fn check_clock(field: &str, t: DateTime<Utc>) -> PyResult<DateTime<Utc>> {
    let (lo, hi) = clock_range();
    if t < lo || t > hi {
        return Err(invalid(
            field,
            "the simulator's clock stays between 1970-01-01 and 9999-12-31 (UTC)",
        ));
    }
    Ok(t)
}

/// Endpoint names fault rules accept, as tm-mock names them (its router's
/// `Ep::name`; `tests/python/test_conventions.py` fires a fault at each one).
pub(crate) const ENDPOINT_NAMES: [&str; 18] = [
    "carriers.list",
    "carriers.detect",
    "trackings.post",
    "trackings.get_one",
    "trackings.put",
    "trackings.delete_one",
    "trackings.batch",
    "trackings.list",
    "trackings.updatemore",
    "trackings.delete",
    "trackings.realtime",
    "trackings.update",
    "trackings.getuserinfo",
    "trackings.getstatusnumber",
    "trackings.notupdate",
    "trackings.remote",
    "trackings.costtime",
    "trackings.aircargo",
];

/// Fault kinds, as tm-mock spells them.
const FAULT_KINDS: [&str; 7] = [
    "latency", "http500", "http503", "http429", "drop", "truncate", "html",
];

/// Refuses an endpoint that no call would ever match (a rule that silently
/// never fires): names must be one of [`ENDPOINT_NAMES`]; `/...` path
/// patterns and `*` pass as they are.
fn check_endpoint(field: &str, endpoint: Option<&str>) -> PyResult<()> {
    match endpoint {
        None | Some("") | Some("*") => Ok(()),
        Some(p) if p.starts_with('/') => Ok(()),
        Some(name) if ENDPOINT_NAMES.iter().any(|n| n.eq_ignore_ascii_case(name)) => Ok(()),
        Some(name) => Err(invalid(
            field,
            format!(
                "{name:?} is not an endpoint name; use one of {} or a path pattern such as \"/trackings/*\"",
                ENDPOINT_NAMES.join(", ")
            ),
        )),
    }
}

/// Checks the fields serde does not: endpoint, probability, delays, status.
fn check_rule(prefix: &str, r: &FaultRule) -> PyResult<()> {
    let name = |f: &str| {
        if prefix.is_empty() {
            f.to_owned()
        } else {
            format!("{prefix}.{f}")
        }
    };
    check_endpoint(&name("endpoint"), r.endpoint.as_deref())?;
    if !(r.probability.is_finite() && (0.0..=1.0).contains(&r.probability)) {
        return Err(invalid(&name("probability"), "must be from 0.0 to 1.0"));
    }
    let max_ms = 600_000;
    if r.min_ms > max_ms || r.max_ms > max_ms {
        return Err(invalid(&name("max_ms"), "delays are at most 600000 ms"));
    }
    if let Some(s) = r.status {
        if !(100..=599).contains(&s) {
            return Err(invalid(
                &name("status"),
                "must be an HTTP status from 100 to 599",
            ));
        }
    }
    if let Some(ra) = r.retry_after {
        if ra > 86_400 {
            return Err(invalid(
                &name("retry_after"),
                "must be from 0 to 86400 seconds",
            ));
        }
    }
    Ok(())
}

/// Reads a rule from JSON, naming the kind list when the kind is unknown.
fn rule_from_json(prefix: &str, v: serde_json::Value) -> PyResult<FaultRule> {
    let field = if prefix.is_empty() {
        "kind".to_owned()
    } else {
        format!("{prefix}.kind")
    };
    if let Some(kind) = v.get("kind").and_then(|k| k.as_str()) {
        if !FAULT_KINDS.contains(&kind) {
            return Err(invalid(
                &field,
                format!(
                    "{kind:?} is not a fault kind; use one of {}",
                    FAULT_KINDS.join(", ")
                ),
            ));
        }
    }
    let rule: FaultRule = serde_json::from_value(v).map_err(|e| {
        invalid(
            if prefix.is_empty() { "fault" } else { prefix },
            e.to_string(),
        )
    })?;
    check_rule(prefix, &rule)?;
    Ok(rule)
}

fn api_key(py: Python<'_>, key: &str) -> PyResult<tm_core::ApiKey> {
    tm_core::ApiKey::new(key).map_err(|e| errors::validation(py, &e))
}

/// A core over the in-process simulator `sim`.
pub(crate) fn sim_core(
    py: Python<'_>,
    sim: &tm_mock::Simulator,
    key: &str,
    max_retries: Option<Int>,
) -> PyResult<Arc<Core>> {
    let (_, max_retries) = call_options(None, max_retries)?;
    Core::new(Settings {
        backend: Backend::Sim {
            sim: sim.clone(),
            key: api_key(py, key)?,
        },
        timeout: None,
        max_retries,
    })
}

fn new_sim(
    seed: i64,
    credits: Option<f64>,
    rate_limits: bool,
    keys: Option<StrList>,
    start: Option<DateTime<Utc>>,
) -> PyResult<tm_mock::Simulator> {
    let mut config = SimConfig {
        seed: seed as u64,
        rate_limits,
        keys: keys.map(|k| k.0),
        ..SimConfig::default()
    };
    if let Some(c) = credits {
        config.credits = check_credits("credits", c)?;
    }
    if let Some(s) = start {
        config.start = check_clock("start", s)?;
    }
    Ok(tm_mock::Simulator::new(config))
}

/// Credits are a finite, non-negative amount.
fn check_credits(field: &str, c: f64) -> PyResult<f64> {
    if c.is_finite() && c >= 0.0 {
        Ok(c)
    } else {
        Err(invalid(field, "must be a finite number >= 0"))
    }
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
        #[pyo3(from_py_with = crate::args::seed)] seed: i64,
        credits: Option<f64>,
        rate_limits: bool,
        keys: Option<StrList>,
        start: Option<DateTime<Utc>>,
    ) -> PyResult<Self> {
        guard(|| {
            Ok(Self {
                sim: new_sim(seed, credits, rate_limits, keys, start)?,
            })
        })
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
    fn client(&self, py: Python<'_>, api_key: &str, max_retries: Option<Int>) -> PyResult<Client> {
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
        max_retries: Option<Int>,
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

    /// Moves the clock forward (seconds or a `timedelta`) and applies due
    /// changes; the clock stays between 1970-01-01 and 9999-12-31 (UTC), a
    /// move past the end raises `ValidationError`.
    /// The GIL is released while the clock moves: with webhook URLs registered
    /// the move delivers over HTTP, and a receiver in this process needs the GIL.
    fn advance(&self, py: Python<'_>, by: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(|| {
            let (_, hi) = clock_range();
            let room = (hi - self.sim.now()).num_seconds().max(0) as f64;
            let d = crate::args::seconds_in("by", by, 0.0, room)?;
            let sim = &self.sim;
            py.detach(|| sim.advance(d));
            Ok(())
        })
    }

    /// Sets the clock (an aware `datetime`, 1970-01-01..9999-12-31 UTC),
    /// releasing the GIL like `advance`.
    fn set_now(&self, py: Python<'_>, now: DateTime<Utc>) -> PyResult<()> {
        let now = check_clock("now", now)?;
        let sim = &self.sim;
        guard(|| {
            py.detach(|| sim.set_now(now));
            Ok(())
        })
    }

    // ---- webhooks ---------------------------------------------------------

    /// Registers a webhook URL for the account of `api_key` (every account
    /// when `None`); `statuses` are trigger statuses (all when empty or
    /// `None`). Clock moves (`advance`, `set_now`) POST signed deliveries to
    /// it. Returns the endpoint as a dict (`id`, `url`, `statuses`, `account`).
    #[pyo3(signature = (url, *, api_key=None, statuses=None))]
    fn add_webhook(
        &self,
        py: Python<'_>,
        url: &str,
        api_key: Option<&str>,
        statuses: Option<Vec<String>>,
    ) -> PyResult<Py<PyAny>> {
        let statuses = statuses.unwrap_or_default();
        let endpoint = self
            .sim
            .add_webhook(url, &statuses, api_key)
            .map_err(|e| invalid(webhook_field(&e), e.to_string()))?;
        to_dict(py, &endpoint)
    }

    /// The registered webhook URLs, as dicts.
    fn webhooks(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_dict(py, &self.sim.webhooks())
    }

    /// Removes a webhook URL by id (and its undelivered attempts).
    fn remove_webhook(&self, id: u64) -> PyResult<()> {
        self.sim
            .remove_webhook(id)
            .map_err(|e| invalid(webhook_field(&e), e.to_string()))
    }

    /// Every webhook delivery attempt, oldest first, as dicts (`event_id`,
    /// `url`, `carrier_code`, `tracking_number`, `attempt`, `sent_at`,
    /// `http_status`, `outcome`, `next_attempt_at`).
    fn webhook_deliveries(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_dict(py, &self.sim.webhook_deliveries())
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
    /// `drop`, `truncate` or `html`; `endpoint` is one of the endpoint names
    /// (`trackings.getuserinfo`, `trackings.post`, ...; the full list is in the
    /// error for an unknown one and in the Python README) or a `/path/*`
    /// pattern; the other options are tm-mock's rule fields.
    #[pyo3(signature = (kind, *, endpoint=None, probability=1.0, times=None, when=None,
        min_ms=0, max_ms=0, retry_after=None, keep_bytes=None, status=None))]
    #[allow(clippy::too_many_arguments)]
    fn add_fault(
        &self,
        kind: &str,
        endpoint: Option<String>,
        probability: f64,
        times: Option<Int>,
        when: Option<String>,
        #[pyo3(from_py_with = crate::args::min_ms)] min_ms: i64,
        #[pyo3(from_py_with = crate::args::max_ms)] max_ms: i64,
        retry_after: Option<Int>,
        keep_bytes: Option<Int>,
        status: Option<Int>,
    ) -> PyResult<()> {
        let v = serde_json::json!({
            "kind": kind, "endpoint": endpoint, "probability": probability,
            "times": opt_within(times, "times", 0, u32::MAX as i64)?,
            "when": when, "min_ms": min_ms, "max_ms": max_ms.max(min_ms),
            "retry_after": opt_within(retry_after, "retry_after", 0, 86_400)?,
            "keep_bytes": opt_within(keep_bytes, "keep_bytes", 0, i64::from(u32::MAX))?,
            "status": opt_within(status, "status", 100, 599)?,
        });
        let rule = rule_from_json("", v)?;
        let mut faults = self.sim.faults();
        faults.rules.push(rule);
        self.sim.set_faults(faults);
        Ok(())
    }

    /// Replaces every fault rule with `rules` (dicts of tm-mock rule fields),
    /// each checked like `add_fault`.
    fn set_faults(&self, rules: &Bound<'_, PyAny>) -> PyResult<()> {
        let v = py_to_json(rules)?;
        let serde_json::Value::Array(items) = v else {
            return Err(invalid("rules", "expected a list of rule dicts"));
        };
        let mut config = FaultConfig::default();
        for (i, item) in items.into_iter().enumerate() {
            config
                .rules
                .push(rule_from_json(&format!("rules[{i}]"), item)?);
        }
        self.sim.set_faults(config);
        Ok(())
    }

    /// The endpoint names fault rules accept.
    #[staticmethod]
    fn endpoint_names() -> Vec<&'static str> {
        ENDPOINT_NAMES.to_vec()
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
    fn set_account(
        &self,
        api_key: &str,
        credits: Option<f64>,
        deleted: Option<bool>,
    ) -> PyResult<String> {
        let credits = credits.map(|c| check_credits("credits", c)).transpose()?;
        Ok(self.sim.set_account(api_key, credits, deleted))
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
    /// The process serving: a forked child shares the socket but not the
    /// serving threads, so it may use the server (the parent answers) but
    /// never waits for its shutdown.
    pid: u32,
}

#[pymethods]
impl MockServer {
    #[new]
    #[pyo3(signature = (*, seed=1, credits=None, rate_limits=false, keys=None, start=None, port=0))]
    fn new(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::seed)] seed: i64,
        credits: Option<f64>,
        rate_limits: bool,
        keys: Option<StrList>,
        start: Option<DateTime<Utc>>,
        #[pyo3(from_py_with = crate::args::port)] port: i64,
    ) -> PyResult<PyClassInitializer<Self>> {
        guard(|| {
            let port = port as u16;
            let sim = new_sim(seed, credits, rate_limits, keys, start)?;
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let served = sim.clone();
            let handle = runtime::block_on(py, async move { tm_mock::serve(served, addr).await })?
                .map_err(|e| {
                    crate::errors::TransportError::new_err(format!(
                        "cannot start the mock server: {e}"
                    ))
                })?;
            Ok(
                PyClassInitializer::from(Simulator { sim }).add_subclass(Self {
                    url: handle.url(),
                    handle: Mutex::new(Some(handle)),
                    pid: std::process::id(),
                }),
            )
        })
    }

    /// The base URL, `http://127.0.0.1:PORT/v2`.
    #[getter]
    fn url(&self) -> String {
        self.url.clone()
    }

    /// True while serving (in a forked child: false, the parent serves).
    #[getter]
    fn running(&self) -> bool {
        !runtime::forked_since(self.pid) && self.handle.lock().map(|h| h.is_some()).unwrap_or(false)
    }

    /// Stops the server (open requests may finish, up to 5 s). In a forked
    /// child this only forgets the parent's server.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let handle = self.handle.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(h) = handle {
            if runtime::forked_since(self.pid) {
                // Its task lives in the parent's runtime; dropping would only
                // signal the parent's copy-less channel, waiting would hang.
                std::mem::forget(h);
            } else {
                runtime::block_on(py, h.shutdown())?;
            }
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
    fn client(&self, py: Python<'_>, api_key: &str, max_retries: Option<Int>) -> PyResult<Client> {
        Ok(Client {
            core: http_core(
                py,
                Some(api_key.to_owned()),
                Some(self.url.clone()),
                None,
                max_retries,
                None,
                None,
                None,
            )?,
        })
    }

    /// An asyncio HTTP client of this server.
    #[pyo3(signature = (api_key="mock-key", *, max_retries=None))]
    fn async_client(
        &self,
        py: Python<'_>,
        api_key: &str,
        max_retries: Option<Int>,
    ) -> PyResult<AsyncClient> {
        Ok(AsyncClient {
            core: http_core(
                py,
                Some(api_key.to_owned()),
                Some(self.url.clone()),
                None,
                max_retries,
                None,
                None,
                None,
            )?,
        })
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if runtime::forked_since(self.pid) {
            if let Some(h) = self
                .handle
                .get_mut()
                .unwrap_or_else(|p| p.into_inner())
                .take()
            {
                std::mem::forget(h);
            }
        }
    }
}

/// Adds the simulator classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Simulator>()?;
    m.add_class::<MockServer>()?;
    Ok(())
}
