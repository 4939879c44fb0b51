//! Loss-free batch helpers: create, update, delete or stop updating any number
//! of trackings from a stream, in chunks of 40 with bounded concurrency.
//!
//! Invariant: every input item comes back in exactly one [`ItemOutcome`], in
//! input order — created, already existed, updated, deleted, stopped, failed
//! (with code and message), or not attempted (the run stopped early).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use futures::stream::{Stream, StreamExt};

use crate::client::{Attempts, CallOptions};
use crate::endpoint::Endpoint;
use crate::endpoints::trackings::{
    BatchCreateTrackings, BatchDeleteTrackings, BatchUpdateTrackings, StopUpdating,
};
use crate::error::{ApiErrorKind, Error, ValidationError};
use crate::models::{CreatedTracking, ItemError, NewTracking, TrackingRef, TrackingUpdate};
use crate::{Client, MAX_BATCH};

/// What happened to one input item.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Created. `recovered` is true when the create was retried after a
    /// failure that may have landed and the service then answered 4016: the
    /// earlier attempt created it (the tracking itself is then not returned).
    Created {
        /// The created tracking, as the service returned it.
        tracking: Option<CreatedTracking>,
        /// Created by an earlier attempt of a retried call.
        recovered: bool,
    },
    /// It existed before this run (4016).
    AlreadyExists,
    /// Updated.
    Updated(Option<CreatedTracking>),
    /// Deleted.
    Deleted,
    /// Updates stopped.
    Stopped,
    /// Failed; nothing was changed for this item.
    Failed {
        /// Meta code (e.g. 4017) or HTTP status, when the service gave one.
        code: Option<i64>,
        /// Error class, when known.
        kind: Option<ApiErrorKind>,
        /// What went wrong.
        message: String,
    },
    /// Not sent: the run stopped early (quota exhausted, authentication failed).
    NotAttempted {
        /// Why the run stopped.
        reason: String,
    },
}

impl Outcome {
    /// True for created, already existed, updated, deleted, stopped.
    pub fn is_success(&self) -> bool {
        !matches!(self, Outcome::Failed { .. } | Outcome::NotAttempted { .. })
    }

    /// Stable snake_case name of the outcome.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Created {
                recovered: false, ..
            } => "created",
            Outcome::Created {
                recovered: true, ..
            } => "created_recovered",
            Outcome::AlreadyExists => "already_exists",
            Outcome::Updated(_) => "updated",
            Outcome::Deleted => "deleted",
            Outcome::Stopped => "stopped",
            Outcome::Failed { .. } => "failed",
            Outcome::NotAttempted { .. } => "not_attempted",
        }
    }

    fn failed_from(error: &Error) -> Self {
        match error {
            Error::Api(e) => Outcome::Failed {
                code: Some(e.code),
                kind: Some(e.kind),
                message: e.message.clone(),
            },
            other => Outcome::Failed {
                code: None,
                kind: None,
                message: other.to_string(),
            },
        }
    }
}

/// One input item and its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemOutcome<T> {
    /// Position in the input (0-based).
    pub index: usize,
    /// The input item.
    pub item: T,
    /// What happened to it.
    pub outcome: Outcome,
}

/// Counts of a run so far, passed to the progress callback after each chunk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Items with an outcome.
    pub processed: usize,
    /// Of which succeeded.
    pub succeeded: usize,
    /// Of which failed.
    pub failed: usize,
    /// Of which were not attempted.
    pub not_attempted: usize,
}

/// A progress callback.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Settings of a batch run.
#[derive(Clone)]
pub struct BatchOptions {
    /// Items per call, 1..=40 (default 40).
    pub chunk_size: usize,
    /// Calls in flight at once (default 4).
    pub concurrency: usize,
    /// Called after each chunk.
    pub progress: Option<ProgressFn>,
    /// Stop sending after an authentication or quota failure (default true);
    /// the rest become [`Outcome::NotAttempted`].
    pub stop_on_fatal: bool,
    /// Per-call settings (retry policy).
    pub call: CallOptions,
}

impl Default for BatchOptions {
    fn default() -> Self {
        Self {
            chunk_size: MAX_BATCH,
            concurrency: 4,
            progress: None,
            stop_on_fatal: true,
            call: CallOptions::default(),
        }
    }
}

impl fmt::Debug for BatchOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchOptions")
            .field("chunk_size", &self.chunk_size)
            .field("concurrency", &self.concurrency)
            .field("progress", &self.progress.is_some())
            .field("stop_on_fatal", &self.stop_on_fatal)
            .field("call", &self.call)
            .finish()
    }
}

/// The outcome of every input item, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchReport<T> {
    /// One entry per input item.
    pub outcomes: Vec<ItemOutcome<T>>,
}

impl<T> BatchReport<T> {
    /// Counts of the run.
    pub fn progress(&self) -> Progress {
        let mut p = Progress::default();
        for o in &self.outcomes {
            tally(&mut p, &o.outcome);
        }
        p
    }

    /// True when every item succeeded.
    pub fn all_succeeded(&self) -> bool {
        self.outcomes.iter().all(|o| o.outcome.is_success())
    }

    /// The items that did not succeed.
    pub fn failures(&self) -> impl Iterator<Item = &ItemOutcome<T>> {
        self.outcomes.iter().filter(|o| !o.outcome.is_success())
    }
}

fn tally(p: &mut Progress, o: &Outcome) {
    p.processed += 1;
    match o {
        Outcome::Failed { .. } => p.failed += 1,
        Outcome::NotAttempted { .. } => p.not_attempted += 1,
        _ => p.succeeded += 1,
    }
}

/// One kind of batch call.
trait BatchOp: Send + Sync + 'static {
    type Item: Clone + Send + Sync + 'static;
    type Ep: Endpoint;
    fn key(item: &Self::Item) -> TrackingRef;
    fn validate(item: &Self::Item) -> Result<(), ValidationError>;
    fn endpoint(items: Vec<Self::Item>) -> Result<Self::Ep, ValidationError>;
    /// Successful items (by key) and per-item errors of a response.
    fn split(
        response: <Self::Ep as Endpoint>::Response,
    ) -> (Vec<(TrackingRef, Outcome)>, Vec<ItemError>);
    /// The outcome of a per-item error.
    fn item_error(error: &ItemError, attempts: Attempts) -> Outcome {
        let _ = attempts;
        Outcome::Failed {
            code: Some(error.code),
            kind: error.kind(),
            message: error.message.clone(),
        }
    }
}

struct CreateOp;
struct UpdateOp;
struct DeleteOp;
struct StopOp;

impl BatchOp for CreateOp {
    type Item = NewTracking;
    type Ep = BatchCreateTrackings;
    fn key(i: &NewTracking) -> TrackingRef {
        TrackingRef::new(i.carrier_code.clone(), i.tracking_number.clone())
    }
    fn validate(i: &NewTracking) -> Result<(), ValidationError> {
        i.validate()
    }
    fn endpoint(items: Vec<NewTracking>) -> Result<Self::Ep, ValidationError> {
        BatchCreateTrackings::new(items)
    }
    fn split(r: crate::models::BatchCreated) -> (Vec<(TrackingRef, Outcome)>, Vec<ItemError>) {
        let ok = r
            .trackings
            .into_iter()
            .map(|t| {
                let key = TrackingRef::new(t.carrier_code.clone(), t.tracking_number.clone());
                (
                    key,
                    Outcome::Created {
                        tracking: Some(t),
                        recovered: false,
                    },
                )
            })
            .collect();
        (ok, r.errors)
    }
    fn item_error(e: &ItemError, attempts: Attempts) -> Outcome {
        match (e.code, attempts.ambiguous) {
            (4016, true) => Outcome::Created {
                tracking: None,
                recovered: true,
            },
            (4016, false) => Outcome::AlreadyExists,
            _ => Outcome::Failed {
                code: Some(e.code),
                kind: e.kind(),
                message: e.message.clone(),
            },
        }
    }
}

impl BatchOp for UpdateOp {
    type Item = (TrackingRef, TrackingUpdate);
    type Ep = BatchUpdateTrackings;
    fn key(i: &Self::Item) -> TrackingRef {
        i.0.clone()
    }
    fn validate(i: &Self::Item) -> Result<(), ValidationError> {
        crate::validate::tracking_number(&i.0.tracking_number)?;
        crate::validate::carrier_code(&i.0.carrier_code)
    }
    fn endpoint(items: Vec<Self::Item>) -> Result<Self::Ep, ValidationError> {
        BatchUpdateTrackings::new(items)
    }
    fn split(r: crate::models::BatchUpdated) -> (Vec<(TrackingRef, Outcome)>, Vec<ItemError>) {
        let ok = r
            .trackings
            .into_iter()
            .map(|t| {
                let key = TrackingRef::new(t.carrier_code.clone(), t.tracking_number.clone());
                (key, Outcome::Updated(Some(t)))
            })
            .collect();
        (ok, r.errors)
    }
}

impl BatchOp for DeleteOp {
    type Item = TrackingRef;
    type Ep = BatchDeleteTrackings;
    fn key(i: &TrackingRef) -> TrackingRef {
        i.clone()
    }
    fn validate(i: &TrackingRef) -> Result<(), ValidationError> {
        crate::validate::tracking_number(&i.tracking_number)?;
        crate::validate::carrier_code(&i.carrier_code)
    }
    fn endpoint(items: Vec<TrackingRef>) -> Result<Self::Ep, ValidationError> {
        BatchDeleteTrackings::new(items)
    }
    fn split(r: crate::models::BatchDeleted) -> (Vec<(TrackingRef, Outcome)>, Vec<ItemError>) {
        (
            r.trackings
                .into_iter()
                .map(|k| (k, Outcome::Deleted))
                .collect(),
            r.errors,
        )
    }
}

impl BatchOp for StopOp {
    type Item = TrackingRef;
    type Ep = StopUpdating;
    fn key(i: &TrackingRef) -> TrackingRef {
        i.clone()
    }
    fn validate(i: &TrackingRef) -> Result<(), ValidationError> {
        DeleteOp::validate(i)
    }
    fn endpoint(items: Vec<TrackingRef>) -> Result<Self::Ep, ValidationError> {
        StopUpdating::new(items)
    }
    fn split(r: crate::models::BatchStopped) -> (Vec<(TrackingRef, Outcome)>, Vec<ItemError>) {
        (
            r.trackings
                .into_iter()
                .map(|k| (k, Outcome::Stopped))
                .collect(),
            r.errors,
        )
    }
}

fn same_key(a: &TrackingRef, b: &TrackingRef) -> bool {
    a.tracking_number.eq_ignore_ascii_case(&b.tracking_number)
        && a.carrier_code.eq_ignore_ascii_case(&b.carrier_code)
}

fn is_fatal(kind: Option<ApiErrorKind>) -> bool {
    matches!(
        kind,
        Some(ApiErrorKind::Authentication | ApiErrorKind::QuotaExceeded)
    )
}

/// Sends one chunk and gives every item of it exactly one outcome.
async fn run_chunk<Op: BatchOp>(
    client: Client,
    chunk: Vec<(usize, Op::Item)>,
    options: BatchOptions,
    stop: Arc<Mutex<Option<String>>>,
    stopped: Arc<AtomicBool>,
) -> Vec<ItemOutcome<Op::Item>> {
    let mut outcomes: Vec<Option<Outcome>> = vec![None; chunk.len()];
    if stopped.load(Ordering::Acquire) {
        let reason = stop
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .unwrap_or_else(|| "the run stopped early".into());
        return finish(chunk, outcomes, Some(reason));
    }
    // Invalid items fail alone; the rest are sent together.
    let mut send_idx = Vec::new();
    for (pos, (_, item)) in chunk.iter().enumerate() {
        match Op::validate(item) {
            Ok(()) => send_idx.push(pos),
            Err(e) => {
                outcomes[pos] = Some(Outcome::Failed {
                    code: None,
                    kind: None,
                    message: e.to_string(),
                })
            }
        }
    }
    if !send_idx.is_empty() {
        let items: Vec<Op::Item> = send_idx.iter().map(|&p| chunk[p].1.clone()).collect();
        let endpoint = match Op::endpoint(items) {
            Ok(ep) => ep,
            Err(e) => {
                for &p in &send_idx {
                    outcomes[p] = Some(Outcome::Failed {
                        code: None,
                        kind: None,
                        message: e.to_string(),
                    });
                }
                return finish(chunk, outcomes, None);
            }
        };
        let (result, attempts) = client.execute_traced(&endpoint, &options.call).await;
        match result {
            Ok(response) => {
                let (ok, errors) = Op::split(response);
                let mut ok: Vec<Option<(TrackingRef, Outcome)>> =
                    ok.into_iter().map(Some).collect();
                let mut errors: Vec<Option<ItemError>> = errors.into_iter().map(Some).collect();
                for &p in &send_idx {
                    let key = Op::key(&chunk[p].1);
                    let hit = ok
                        .iter_mut()
                        .find(|e| e.as_ref().is_some_and(|(k, _)| same_key(k, &key)))
                        .and_then(Option::take)
                        .map(|(_, o)| o);
                    let outcome = hit.or_else(|| {
                        errors
                            .iter_mut()
                            .find(|e| {
                                e.as_ref().is_some_and(|e| {
                                    same_key(
                                        &TrackingRef::new(
                                            e.carrier_code.clone(),
                                            e.tracking_number.clone(),
                                        ),
                                        &key,
                                    )
                                })
                            })
                            .and_then(Option::take)
                            .map(|e| Op::item_error(&e, attempts))
                    });
                    let outcome = outcome.unwrap_or_else(|| Outcome::Failed {
                        code: None,
                        kind: None,
                        message: "the response did not mention this item".into(),
                    });
                    if options.stop_on_fatal {
                        if let Outcome::Failed { kind, message, .. } = &outcome {
                            if is_fatal(*kind) {
                                request_stop(&stop, &stopped, message);
                            }
                        }
                    }
                    outcomes[p] = Some(outcome);
                }
            }
            Err(error) => {
                if options.stop_on_fatal && is_fatal(error.api_kind()) {
                    request_stop(&stop, &stopped, &error.to_string());
                }
                let failed = Outcome::failed_from(&error);
                for &p in &send_idx {
                    outcomes[p] = Some(failed.clone());
                }
            }
        }
    }
    finish(chunk, outcomes, None)
}

fn request_stop(stop: &Mutex<Option<String>>, stopped: &AtomicBool, why: &str) {
    let mut s = stop.lock().unwrap_or_else(|e| e.into_inner());
    if s.is_none() {
        *s = Some(format!("stopped after: {why}"));
    }
    stopped.store(true, Ordering::Release);
}

fn finish<T>(
    chunk: Vec<(usize, T)>,
    outcomes: Vec<Option<Outcome>>,
    not_attempted: Option<String>,
) -> Vec<ItemOutcome<T>> {
    chunk
        .into_iter()
        .zip(outcomes)
        .map(|((index, item), outcome)| ItemOutcome {
            index,
            item,
            outcome: outcome.unwrap_or_else(|| Outcome::NotAttempted {
                reason: not_attempted
                    .clone()
                    .unwrap_or_else(|| "the run stopped early".into()),
            }),
        })
        .collect()
}

async fn run<Op, S>(client: &Client, items: S, options: &BatchOptions) -> BatchReport<Op::Item>
where
    Op: BatchOp,
    S: Stream<Item = Op::Item> + Send,
{
    let chunk_size = options.chunk_size.clamp(1, MAX_BATCH);
    let concurrency = options.concurrency.max(1);
    let stop = Arc::new(Mutex::new(None));
    let stopped = Arc::new(AtomicBool::new(false));
    let mut progress = Progress::default();
    let mut outcomes = Vec::new();
    let chunks = items
        .enumerate()
        .chunks(chunk_size)
        .map(|chunk| {
            run_chunk::<Op>(
                client.clone(),
                chunk,
                options.clone(),
                stop.clone(),
                stopped.clone(),
            )
        })
        .buffered(concurrency);
    let mut chunks = std::pin::pin!(chunks);
    while let Some(done) = chunks.next().await {
        for o in &done {
            tally(&mut progress, &o.outcome);
        }
        if let Some(cb) = &options.progress {
            cb(&progress);
        }
        outcomes.extend(done);
    }
    BatchReport { outcomes }
}

impl Client {
    /// Creates every tracking of `items` (chunks of 40, `concurrency` calls at
    /// once); one outcome per item, in input order. Use
    /// `futures::stream::iter(vec)` for an iterator.
    pub async fn create_many<S>(&self, items: S, options: &BatchOptions) -> BatchReport<NewTracking>
    where
        S: Stream<Item = NewTracking> + Send,
    {
        run::<CreateOp, S>(self, items, options).await
    }

    /// Updates every tracking of `items`; one outcome per item.
    pub async fn update_many<S>(
        &self,
        items: S,
        options: &BatchOptions,
    ) -> BatchReport<(TrackingRef, TrackingUpdate)>
    where
        S: Stream<Item = (TrackingRef, TrackingUpdate)> + Send,
    {
        run::<UpdateOp, S>(self, items, options).await
    }

    /// Deletes every tracking of `items`; one outcome per item.
    pub async fn delete_many<S>(&self, items: S, options: &BatchOptions) -> BatchReport<TrackingRef>
    where
        S: Stream<Item = TrackingRef> + Send,
    {
        run::<DeleteOp, S>(self, items, options).await
    }

    /// Stops updating every tracking of `items`; one outcome per item.
    pub async fn stop_updating_many<S>(
        &self,
        items: S,
        options: &BatchOptions,
    ) -> BatchReport<TrackingRef>
    where
        S: Stream<Item = TrackingRef> + Send,
    {
        run::<StopOp, S>(self, items, options).await
    }
}

/// The result of [`Client::create_tracking`].
#[derive(Debug, Clone, PartialEq)]
pub struct CreateResult {
    /// The created tracking.
    pub tracking: CreatedTracking,
    /// True when the create was retried after a failure that may have landed,
    /// the service answered 4016, and the tracking was then read back: the
    /// earlier attempt created it.
    pub recovered: bool,
}

impl Client {
    /// Creates one tracking with retries. A 4016 on a retry whose earlier
    /// attempt may have landed is reported as created (`recovered: true`, the
    /// tracking read back with a GET), not as a failure; a 4016 on the first
    /// attempt stays an [`ApiErrorKind::AlreadyExists`] error.
    pub async fn create_tracking(&self, tracking: NewTracking) -> Result<CreateResult, Error> {
        use crate::endpoints::trackings::{CreateTracking, GetTracking};
        let key = (
            tracking.carrier_code.clone(),
            tracking.tracking_number.clone(),
        );
        let endpoint = CreateTracking::new(tracking)?;
        let (result, attempts) = self
            .execute_traced(&endpoint, &CallOptions::default())
            .await;
        match result {
            Ok(tracking) => Ok(CreateResult {
                tracking,
                recovered: false,
            }),
            Err(e) if attempts.ambiguous && e.api_kind() == Some(ApiErrorKind::AlreadyExists) => {
                let t = self.execute(&GetTracking::new(key.0, key.1)?).await?;
                Ok(CreateResult {
                    tracking: CreatedTracking {
                        id: t.id,
                        tracking_number: t.tracking_number,
                        carrier_code: t.carrier_code,
                        status: t.status,
                        created_at: t.created_at,
                        updated_at: t.updated_at,
                        order_create_time: t.order_create_time,
                        customer_email: t.customer_email,
                        customer_name: t.customer_name,
                        customer_phone: t.customer_phone,
                        order_id: t.order_id,
                        comment: t.comment,
                        title: t.title,
                        logistics_channel: t.logistics_channel,
                        destination: None,
                        destination_code: t.destination_code,
                        archived: t.archived,
                        extra: Default::default(),
                    },
                    recovered: true,
                })
            }
            Err(e) => Err(e),
        }
    }
}
