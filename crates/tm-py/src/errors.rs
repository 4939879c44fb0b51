//! The exception hierarchy, rooted at `TrackingMoreError`, and the mapping from
//! `tm_core::Error`.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use tm_core::{ApiErrorKind, Error};

create_exception!(
    tm_py,
    TrackingMoreError,
    PyException,
    "Base of every tm_py error."
);
create_exception!(
    tm_py,
    APIError,
    TrackingMoreError,
    "The service (or a gateway) answered with an error."
);
create_exception!(
    tm_py,
    AuthenticationError,
    APIError,
    "Bad, deleted or missing API key; no permission (4001, 4002, 401, 403)."
);
create_exception!(
    tm_py,
    NotFoundError,
    APIError,
    "The tracking or route does not exist (4017, 4031, 404)."
);
create_exception!(
    tm_py,
    AlreadyExistsError,
    APIError,
    "The tracking already exists (4016)."
);
create_exception!(
    tm_py,
    InvalidRequestError,
    APIError,
    "The request was understood but refused (4012-4015, 4018, 4020, 4032, 4033, 400)."
);
create_exception!(
    tm_py,
    QuotaExceededError,
    APIError,
    "Out of credits or balance (4019, 4021, 402)."
);
create_exception!(
    tm_py,
    RateLimitError,
    APIError,
    "Too many requests (429); see `retry_after`."
);
create_exception!(tm_py, ServerError, APIError, "The service failed (5xx).");
create_exception!(
    tm_py,
    TransportError,
    TrackingMoreError,
    "No usable response: connection refused, broken, or timed out."
);
create_exception!(
    tm_py,
    TimeoutError,
    TransportError,
    "No complete response within the timeout."
);
create_exception!(
    tm_py,
    ValidationError,
    TrackingMoreError,
    "The input was refused before sending."
);

/// Adds the classes to the module and gives every attribute a class-level default.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let base = py.get_type::<TrackingMoreError>();
    for attr in [
        "code",
        "type",
        "message",
        "http_status",
        "retry_after",
        "kind",
        "field",
    ] {
        base.setattr(attr, py.None())?;
    }
    m.add("TrackingMoreError", base)?;
    m.add("APIError", py.get_type::<APIError>())?;
    m.add("AuthenticationError", py.get_type::<AuthenticationError>())?;
    m.add("NotFoundError", py.get_type::<NotFoundError>())?;
    m.add("AlreadyExistsError", py.get_type::<AlreadyExistsError>())?;
    m.add("InvalidRequestError", py.get_type::<InvalidRequestError>())?;
    m.add("QuotaExceededError", py.get_type::<QuotaExceededError>())?;
    m.add("RateLimitError", py.get_type::<RateLimitError>())?;
    m.add("ServerError", py.get_type::<ServerError>())?;
    m.add("TransportError", py.get_type::<TransportError>())?;
    m.add("TimeoutError", py.get_type::<TimeoutError>())?;
    m.add("ValidationError", py.get_type::<ValidationError>())?;
    Ok(())
}

struct Attrs {
    code: Option<i64>,
    type_: String,
    message: String,
    http_status: Option<u16>,
    retry_after: Option<f64>,
    kind: String,
    field: Option<String>,
}

fn build(py: Python<'_>, err: PyErr, a: Attrs) -> PyErr {
    let value = err.value(py);
    let set = || -> PyResult<()> {
        value.setattr("code", a.code)?;
        value.setattr("type", a.type_)?;
        value.setattr("message", a.message)?;
        value.setattr("http_status", a.http_status)?;
        value.setattr("retry_after", a.retry_after)?;
        value.setattr("kind", a.kind)?;
        value.setattr("field", a.field)?;
        Ok(())
    };
    match set() {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// Maps a validation error to `ValidationError`.
pub(crate) fn validation(py: Python<'_>, e: &tm_core::ValidationError) -> PyErr {
    build(
        py,
        ValidationError::new_err(e.to_string()),
        Attrs {
            code: None,
            type_: "validation".into(),
            message: e.message().to_owned(),
            http_status: None,
            retry_after: None,
            kind: "validation".into(),
            field: Some(e.field().to_owned()),
        },
    )
}

/// A `ValidationError` about a Python argument.
pub(crate) fn invalid(field: &str, message: impl Into<String>) -> PyErr {
    Python::attach(|py| validation(py, &tm_core::ValidationError::new(field, message)))
}

/// Maps any tm-core error to the matching Python exception.
pub(crate) fn to_py(py: Python<'_>, e: &Error) -> PyErr {
    match e {
        Error::Validation(v) => validation(py, v),
        Error::Api(api) => {
            let text = e.to_string();
            let err = match api.kind {
                ApiErrorKind::Authentication => AuthenticationError::new_err(text),
                ApiErrorKind::NotFound => NotFoundError::new_err(text),
                ApiErrorKind::AlreadyExists => AlreadyExistsError::new_err(text),
                ApiErrorKind::InvalidRequest
                | ApiErrorKind::BatchTooLarge
                | ApiErrorKind::NeedsActivation
                | ApiErrorKind::CarrierNotDetected => InvalidRequestError::new_err(text),
                ApiErrorKind::QuotaExceeded => QuotaExceededError::new_err(text),
                ApiErrorKind::RateLimited => RateLimitError::new_err(text),
                ApiErrorKind::Server => ServerError::new_err(text),
                _ => APIError::new_err(text),
            };
            build(
                py,
                err,
                Attrs {
                    code: Some(api.code),
                    type_: api.type_.clone(),
                    message: api.message.clone(),
                    http_status: Some(api.http_status),
                    retry_after: api.retry_after.map(|d| d.as_secs_f64()),
                    kind: api.kind.as_str().to_owned(),
                    field: None,
                },
            )
        }
        Error::Transport(t) => {
            let text = e.to_string();
            let err = if t.is_timeout() {
                TimeoutError::new_err(text)
            } else {
                TransportError::new_err(text)
            };
            build(
                py,
                err,
                Attrs {
                    code: None,
                    type_: "transport".into(),
                    message: t.message.clone(),
                    http_status: None,
                    retry_after: None,
                    kind: if t.is_timeout() {
                        "timeout"
                    } else {
                        "transport"
                    }
                    .into(),
                    field: None,
                },
            )
        }
        Error::Decode(d) => build(
            py,
            APIError::new_err(e.to_string()),
            Attrs {
                code: None,
                type_: "decode".into(),
                message: d.message.clone(),
                http_status: Some(d.status.as_u16()),
                retry_after: None,
                kind: "decode".into(),
                field: None,
            },
        ),
        other => build(
            py,
            TrackingMoreError::new_err(other.to_string()),
            Attrs {
                code: None,
                type_: "other".into(),
                message: other.to_string(),
                http_status: None,
                retry_after: None,
                kind: "other".into(),
                field: None,
            },
        ),
    }
}

/// A `TrackingMoreError` (kind `internal`) for a bug caught before it could
/// reach Python as a `PanicException`.
pub(crate) fn internal(text: &str) -> PyErr {
    Python::attach(|py| {
        build(
            py,
            TrackingMoreError::new_err(format!("internal error in tm_py (please report): {text}")),
            Attrs {
                code: None,
                type_: "internal".into(),
                message: text.to_owned(),
                http_status: None,
                retry_after: None,
                kind: "internal".into(),
                field: None,
            },
        )
    })
}

/// The text of a panic payload.
pub(crate) fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic".to_owned()
    }
}

/// Runs `f`, turning a panic into a `TrackingMoreError` (last resort: inputs
/// are range-checked first, so this only fires on a bug).
pub(crate) fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(internal(&panic_text(payload.as_ref()))),
    }
}
