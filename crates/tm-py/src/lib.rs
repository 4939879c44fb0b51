//! # tm-py
//!
//! pyo3 bindings of tm for Python: the native module `tm_py._native` behind the
//! `tm_py` package. `Client` (blocking, GIL released, Ctrl-C aware) and
//! `AsyncClient` (asyncio coroutines) share one tokio runtime owned by the
//! extension; results are frozen classes with `to_dict()`; errors form one
//! hierarchy under `TrackingMoreError`; `Client.mock()` and `MockServer` run the
//! tm-mock simulator in-process or over loopback HTTP.

mod args;
mod batch;
mod client;
mod convert;
mod core;
mod errors;
mod lazy;
mod logging;
mod mock;
mod models;
mod pager;
mod raw;
mod runtime;
mod webhook;

use pyo3::prelude::*;

/// The native module `tm_py._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("Status", convert::status_class(m.py())?)?;
    errors::register(m)?;
    models::register(m)?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::AsyncClient>()?;
    m.add_class::<pager::TrackingIterator>()?;
    m.add_class::<pager::PageIterator>()?;
    m.add_class::<pager::AsyncTrackingIterator>()?;
    m.add_class::<pager::AsyncPageIterator>()?;
    m.add_class::<raw::RawResponse>()?;
    mock::register(m)?;
    webhook::register(m)?;
    logging::install();
    Ok(())
}
