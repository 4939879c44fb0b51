//! Link tests against the Python that pyo3 found, so `cargo test` can embed it.
fn main() {
    pyo3_build_config::add_libpython_rpath_link_args();
}
