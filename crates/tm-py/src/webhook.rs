//! Webhook verification for Python (`tm_py.webhooks` wraps these): the native half of
//! `verify` / `sign`, one exception class per refusal, all under `TrackingMoreError`.

use pyo3::create_exception;
use pyo3::prelude::*;
use tm_core::webhook::{self, Placement, Tolerance, WebhookError};

use crate::convert::ToPy;
use crate::errors::TrackingMoreError;

create_exception!(
    tm_py,
    WebhookVerificationError,
    TrackingMoreError,
    "A webhook delivery did not verify; answer 4xx and do not trust the body. `kind` names the cause."
);
create_exception!(
    tm_py,
    NoWebhookKeyError,
    WebhookVerificationError,
    "No key (account e-mail) was given, or one was empty: verification never passes without one."
);
create_exception!(
    tm_py,
    MalformedWebhookError,
    WebhookVerificationError,
    "The body is not a JSON object, or `data` is not a tracking."
);
create_exception!(
    tm_py,
    MissingVerifyInfoError,
    WebhookVerificationError,
    "No `verifyInfo` at the top level nor inside `data`."
);
create_exception!(
    tm_py,
    MissingWebhookFieldError,
    WebhookVerificationError,
    "`verifyInfo.timeStr`, `verifyInfo.signature` or `data` is absent; `field` names it."
);
create_exception!(
    tm_py,
    InvalidWebhookFieldError,
    WebhookVerificationError,
    "A field has the wrong shape (e.g. `timeStr` not an integer); `field` names it."
);
create_exception!(
    tm_py,
    WebhookSignatureError,
    WebhookVerificationError,
    "The signature matches none of the given keys."
);
create_exception!(
    tm_py,
    StaleWebhookError,
    WebhookVerificationError,
    "`timeStr` is older than the tolerance allows (a replay or a very late delivery)."
);
create_exception!(
    tm_py,
    FutureWebhookError,
    WebhookVerificationError,
    "`timeStr` is further in the future than the tolerance allows."
);

/// A verified webhook delivery.
#[pyclass(frozen, module = "tm_py._native", name = "WebhookEvent")]
pub(crate) struct WebhookEvent(webhook::WebhookEvent);

#[pymethods]
impl WebhookEvent {
    /// The tracking, as GET-one returns it.
    #[getter]
    fn tracking(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.0.tracking.to_py(py)
    }
    /// `timeStr`: Unix seconds when this attempt was sent.
    #[getter]
    fn time_str(&self) -> i64 {
        self.0.time_str()
    }
    /// The signature as sent (hex).
    #[getter]
    fn signature(&self) -> &str {
        self.0.signature()
    }
    /// Where `verifyInfo` was: `"top_level"` or `"inside_data"`.
    #[getter]
    fn placement(&self) -> &'static str {
        match self.0.verify_info.placement {
            Placement::TopLevel => "top_level",
            Placement::InsideData => "inside_data",
        }
    }
    /// Index of the candidate key that matched.
    #[getter]
    fn key_index(&self) -> usize {
        self.0.key_index
    }
    fn __repr__(&self) -> String {
        format!(
            "WebhookEvent(carrier_code={:?}, tracking_number={:?}, status={:?}, time_str={})",
            self.0.tracking.carrier_code,
            self.0.tracking.tracking_number,
            self.0.tracking.status.to_string(),
            self.0.time_str()
        )
    }
}

fn to_py_err(py: Python<'_>, e: &WebhookError) -> PyErr {
    let text = e.to_string();
    let (err, field) = match e {
        WebhookError::NoKeys => (NoWebhookKeyError::new_err(text), None),
        WebhookError::MalformedBody(_) => (MalformedWebhookError::new_err(text), None),
        WebhookError::MissingVerifyInfo => (MissingVerifyInfoError::new_err(text), None),
        WebhookError::MissingField(f) => (MissingWebhookFieldError::new_err(text), Some(*f)),
        WebhookError::InvalidField { field, .. } => {
            (InvalidWebhookFieldError::new_err(text), Some(*field))
        }
        WebhookError::BadSignature => (WebhookSignatureError::new_err(text), None),
        WebhookError::Stale { .. } => (StaleWebhookError::new_err(text), None),
        WebhookError::Future { .. } => (FutureWebhookError::new_err(text), None),
        _ => (WebhookVerificationError::new_err(text), None),
    };
    let value = err.value(py);
    let set = || -> PyResult<()> {
        value.setattr("kind", e.kind())?;
        value.setattr("type", "webhook")?;
        value.setattr("message", e.to_string())?;
        value.setattr("field", field)?;
        Ok(())
    };
    match set() {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// Verify a delivery body; `tolerance=None` skips only the time check.
#[pyfunction]
#[pyo3(signature = (body, keys, now, tolerance))]
fn webhook_verify(
    py: Python<'_>,
    body: &[u8],
    keys: Vec<String>,
    now: i64,
    tolerance: Option<u64>,
) -> PyResult<WebhookEvent> {
    let tolerance = tolerance.map_or(Tolerance::Unchecked, Tolerance::Seconds);
    webhook::verify(body, &keys, now, tolerance)
        .map(WebhookEvent)
        .map_err(|e| to_py_err(py, &e))
}

/// The signature of `time_str` under `key` (64 lowercase hex).
#[pyfunction]
fn webhook_sign(key: &str, time_str: i64) -> String {
    webhook::sign(key, time_str)
}

/// A whole signed delivery body around `data_json` (a JSON object as text).
#[pyfunction]
fn webhook_signed_body(data_json: &str, key: &str, time_str: i64) -> PyResult<Vec<u8>> {
    let data: serde_json::Value = serde_json::from_str(data_json)
        .map_err(|e| crate::errors::invalid("data", format!("not JSON: {e}")))?;
    Ok(webhook::signed_body(&data, key, time_str))
}

/// Turns a simulator's in-process webhook queue on or off.
#[pyfunction]
fn simulator_webhook_queue(sim: PyRef<'_, crate::mock::Simulator>, on: bool) {
    sim.sim.set_webhook_queue(on);
}

/// Takes a simulator's queued webhook events, oldest first, as tuples
/// `(event_id, email, carrier_code, tracking_number, time, body)`.
#[pyfunction]
#[allow(clippy::type_complexity)]
fn simulator_drain_webhooks(
    sim: PyRef<'_, crate::mock::Simulator>,
) -> Vec<(u64, String, String, String, i64, Vec<u8>)> {
    sim.sim
        .drain_webhook_queue()
        .into_iter()
        .map(|q| {
            (
                q.event_id,
                q.email,
                q.carrier_code,
                q.tracking_number,
                q.time,
                q.body,
            )
        })
        .collect()
}

/// Adds the webhook classes and functions to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<WebhookEvent>()?;
    m.add(
        "WebhookVerificationError",
        py.get_type::<WebhookVerificationError>(),
    )?;
    m.add("NoWebhookKeyError", py.get_type::<NoWebhookKeyError>())?;
    m.add(
        "MalformedWebhookError",
        py.get_type::<MalformedWebhookError>(),
    )?;
    m.add(
        "MissingVerifyInfoError",
        py.get_type::<MissingVerifyInfoError>(),
    )?;
    m.add(
        "MissingWebhookFieldError",
        py.get_type::<MissingWebhookFieldError>(),
    )?;
    m.add(
        "InvalidWebhookFieldError",
        py.get_type::<InvalidWebhookFieldError>(),
    )?;
    m.add(
        "WebhookSignatureError",
        py.get_type::<WebhookSignatureError>(),
    )?;
    m.add("StaleWebhookError", py.get_type::<StaleWebhookError>())?;
    m.add("FutureWebhookError", py.get_type::<FutureWebhookError>())?;
    m.add_function(wrap_pyfunction!(webhook_verify, m)?)?;
    m.add_function(wrap_pyfunction!(webhook_sign, m)?)?;
    m.add_function(wrap_pyfunction!(webhook_signed_body, m)?)?;
    m.add_function(wrap_pyfunction!(simulator_webhook_queue, m)?)?;
    m.add_function(wrap_pyfunction!(simulator_drain_webhooks, m)?)?;
    Ok(())
}
