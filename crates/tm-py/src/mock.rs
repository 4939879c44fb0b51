//! The simulator from Python: `Client.mock()` (in-process) and `MockServer`
//! (HTTP on 127.0.0.1).

use std::sync::Arc;

use pyo3::exceptions::PyNotImplementedError;
use pyo3::prelude::*;

use crate::core::Core;

/// A core over the in-process simulator.
pub(crate) fn mock_core(
    _api_key: &str,
    _seed: Option<u64>,
    _latency: Option<f64>,
    _rate_limits: bool,
    _max_retries: Option<u32>,
) -> PyResult<Arc<Core>> {
    Err(PyNotImplementedError::new_err("tm-mock is not available yet"))
}

/// Adds the simulator classes to the module.
pub(crate) fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
