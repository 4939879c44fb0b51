//! Batch-style methods (`create_trackings`, `update_trackings`,
//! `delete_trackings`, `stop_updating`) over tm-core's loss-free batch helpers:
//! any iterable, every item validated before the first call, chunks of
//! `chunk_size` (≤ 40) sent `concurrency` at a time, a progress callback, and
//! one `BatchItem` per input, in input order.

use std::sync::Arc;

use pyo3::prelude::*;
use tm_core::batch::{BatchOptions, BatchReport, Outcome, Progress};
use tm_core::models::TrackingRef;

use crate::errors::invalid;
use crate::models::ItemOutcome;

/// Most calls in flight at once.
pub(crate) const MAX_CONCURRENCY: i64 = 64;

/// Reads `concurrency`, `chunk_size` and `progress` into tm-core options.
pub(crate) fn options(
    concurrency: i64,
    chunk_size: i64,
    progress: Option<Py<PyAny>>,
    total: usize,
) -> PyResult<BatchOptions> {
    // Both range-checked on extraction (args::concurrency, args::chunk_size).
    let concurrency = concurrency as usize;
    let chunk_size = chunk_size as usize;
    let progress = match progress {
        None => None,
        Some(cb) => {
            let ok = Python::attach(|py| cb.bind(py).is_callable());
            if !ok {
                return Err(invalid("progress", "expected a callable(done, total)"));
            }
            let f: tm_core::batch::ProgressFn = Arc::new(move |p: &Progress| {
                Python::attach(|py| {
                    // A failing callback must not lose the run's outcomes.
                    if let Err(e) = cb.bind(py).call1((p.processed, total)) {
                        e.write_unraisable(py, Some(cb.bind(py)));
                    }
                });
            });
            Some(f)
        }
    };
    Ok(BatchOptions {
        chunk_size,
        concurrency,
        progress,
        ..BatchOptions::default()
    })
}

/// Prefixes a tm-core validation error's field with the item's position.
pub(crate) fn item_invalid(prefix: &str, e: &tm_core::ValidationError) -> PyErr {
    invalid(&format!("{prefix}.{}", e.field()), e.message())
}

/// One outcome per input, in input order, from a tm-core report.
pub(crate) fn outcomes<T>(report: BatchReport<T>, key: fn(&T) -> TrackingRef) -> Vec<ItemOutcome> {
    report
        .outcomes
        .into_iter()
        .map(|item| {
            let k = key(&item.item);
            let mut o = ItemOutcome {
                index: item.index as u64,
                carrier_code: k.carrier_code,
                tracking_number: k.tracking_number,
                outcome: item.outcome.as_str().to_owned(),
                tracking: None,
                code: None,
                message: None,
            };
            match item.outcome {
                Outcome::Created { tracking, .. } | Outcome::Updated(tracking) => {
                    o.tracking = tracking
                }
                Outcome::AlreadyExists => o.code = Some(4016),
                Outcome::Failed { code, message, .. } => {
                    o.code = code;
                    o.message = Some(message);
                }
                Outcome::NotAttempted { reason } => o.message = Some(reason),
                Outcome::Unknown { message } => o.message = Some(message),
                _ => {}
            }
            o
        })
        .collect()
}

/// Splits `items` into calls of at most `size` items, each built (and so
/// validated) by `make` before anything is sent. No items: one call with
/// none, so tm-core's own rule for an empty list applies.
pub(crate) fn chunked<T: Clone, E>(
    items: Vec<T>,
    size: usize,
    make: fn(Vec<T>) -> Result<E, tm_core::ValidationError>,
) -> PyResult<Vec<(usize, E)>> {
    let to_py =
        |e: tm_core::ValidationError| Python::attach(|py| crate::errors::validation(py, &e));
    if items.is_empty() {
        return Ok(vec![(0, make(Vec::new()).map_err(to_py)?)]);
    }
    items
        .chunks(size.max(1))
        .map(|c| make(c.to_vec()).map(|e| (c.len(), e)).map_err(to_py))
        .collect()
}

/// Sends one call per chunk, `concurrency` at a time, and returns their
/// responses in input order; `progress` hears the items done after each. The
/// first failure fails the whole call (these are reads: nothing to undo).
pub(crate) async fn run_chunks<E: tm_core::Endpoint + 'static>(
    client: tm_core::Client,
    chunks: Vec<(usize, E)>,
    options: BatchOptions,
) -> Result<Vec<E::Response>, tm_core::Error> {
    use futures::stream::{self, StreamExt};
    let calls = chunks.into_iter().map(|(n, ep)| {
        let client = client.clone();
        async move { client.execute(&ep).await.map(|r| (n, r)) }
    });
    let mut results = stream::iter(calls).buffered(options.concurrency.max(1));
    let mut out = Vec::new();
    let mut done = 0;
    while let Some(r) = results.next().await {
        let (n, response) = r?;
        done += n;
        if let Some(cb) = &options.progress {
            cb(&Progress {
                processed: done,
                succeeded: done,
                ..Progress::default()
            });
        }
        out.push(response);
    }
    Ok(out)
}
