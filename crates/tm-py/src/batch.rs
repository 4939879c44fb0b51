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
                _ => {}
            }
            o
        })
        .collect()
}
