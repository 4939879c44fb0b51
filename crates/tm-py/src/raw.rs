//! `with_raw_response`: a call's HTTP status, headers and body, undecoded,
//! with `parse()` giving the typed result the normal call would have returned.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use tm_core::{Endpoint, WireResponse};

use crate::convert::{json_to_py, ToPy};
use crate::errors;

/// Decodes a raw response into the Python result of one endpoint.
pub(crate) type Parser =
    Arc<dyn Fn(Python<'_>, &tm_core::RawResponse) -> PyResult<Py<PyAny>> + Send + Sync>;

/// The parser of endpoint `E` whose response is mapped with `f`.
pub(crate) fn parser<E, T>(f: fn(E::Response) -> T) -> Parser
where
    E: Endpoint + 'static,
    T: ToPy + 'static,
{
    Arc::new(move |py, raw| {
        let wire = WireResponse {
            status: raw.status,
            headers: raw.headers.clone(),
            body: raw.body.clone(),
        };
        match tm_core::client::decode_response::<E::Response>(&wire) {
            Ok(v) => f(v).to_py(py),
            Err(e) => Err(errors::to_py(py, &e)),
        }
    })
}

/// The result of a call, typed or raw.
pub(crate) enum Answer<T> {
    /// The decoded result.
    Value(T),
    /// The undecoded response (`with_raw_response`).
    Raw(RawResponse),
}

impl<T: ToPy> ToPy for Answer<T> {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            Answer::Value(v) => v.to_py(py),
            Answer::Raw(r) => Ok(Py::new(py, r.clone())?.into_any()),
        }
    }
}

/// An HTTP response as received (any status), from `client.with_raw_response`.
/// `parse()` decodes it like the normal call (raising the same errors).
#[pyclass(frozen, module = "tm_py._native", name = "RawResponse")]
#[derive(Clone)]
pub(crate) struct RawResponse {
    inner: tm_core::RawResponse,
    parse: Parser,
}

impl RawResponse {
    /// Wraps `inner`, decoded on demand with `parse`.
    pub(crate) fn new(inner: tm_core::RawResponse, parse: Parser) -> Self {
        Self { inner, parse }
    }
}

#[pymethods]
impl RawResponse {
    /// HTTP status code.
    #[getter]
    fn status(&self) -> u16 {
        self.inner.status.as_u16()
    }

    /// Response headers (lower-case names; repeated headers joined by `, `).
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for name in self.inner.headers.keys() {
            let values: Vec<String> = self
                .inner
                .headers
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            d.set_item(name.as_str(), values.join(", "))?;
        }
        Ok(d)
    }

    /// The body bytes as received.
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.body)
    }

    /// The body as text (UTF-8, invalid bytes replaced).
    #[getter]
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.inner.body).into_owned()
    }

    /// The body as JSON data; `ValueError` if it is not JSON.
    fn json(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let v: serde_json::Value = serde_json::from_slice(&self.inner.body).map_err(|e| {
            pyo3::exceptions::PyValueError::new_err(format!("body is not JSON: {e}"))
        })?;
        json_to_py(py, &v)
    }

    /// The typed result the normal call returns; raises its errors (e.g.
    /// `NotFoundError`) for an error response.
    fn parse(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        (self.parse)(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "RawResponse(status={}, bytes={})",
            self.inner.status.as_u16(),
            self.inner.body.len()
        )
    }
}
