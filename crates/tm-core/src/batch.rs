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
use crate::retry::may_have_landed;
use crate::{Client, MAX_BATCH};

/// What happened to one input item.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Created. `recovered` is true when an attempt may have landed without
    /// its answer being seen, and reading the tracking back showed it was
    /// created at or after the first attempt was sent (by the server's clock):
    /// this run created it (the tracking itself is then not returned).
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
    /// An attempt may have landed and reading back could not settle whether
    /// the item was changed by this run (the read-back failed, or the
    /// server's clock was never seen). Check before re-sending.
    Unknown {
        /// Why it could not be settled.
        message: String,
    },
    /// Not sent: the run stopped early (quota exhausted, authentication
    /// failed, interrupted).
    NotAttempted {
        /// Why the run stopped.
        reason: String,
    },
}

impl Outcome {
    /// True for created, already existed, updated, deleted, stopped.
    pub fn is_success(&self) -> bool {
        !matches!(
            self,
            Outcome::Failed { .. } | Outcome::NotAttempted { .. } | Outcome::Unknown { .. }
        )
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
            Outcome::Unknown { .. } => "unknown",
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
    /// Of which failed (nothing was changed).
    pub failed: usize,
    /// Of which were not attempted.
    pub not_attempted: usize,
    /// Of which could not be settled (may or may not have been applied).
    pub unknown: usize,
}

/// A progress callback.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Called with the input positions of a chunk just before its first attempt
/// is sent (a write-ahead hook: after a crash, these may have landed).
pub type SendFn = Arc<dyn Fn(&[usize]) + Send + Sync>;

/// Called with `(input position, outcome)` of every item of a chunk as soon
/// as the chunk is settled, in completion order.
pub type ChunkFn = Arc<dyn Fn(&[(usize, Outcome)]) + Send + Sync>;

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
    /// Called before each chunk is sent.
    pub on_send: Option<SendFn>,
    /// Called after each chunk is settled.
    pub on_chunk: Option<ChunkFn>,
    /// Set to stop sending (e.g. on Ctrl-C): chunks not yet sent become
    /// [`Outcome::NotAttempted`]; calls in flight finish.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for BatchOptions {
    fn default() -> Self {
        Self {
            chunk_size: MAX_BATCH,
            concurrency: 4,
            progress: None,
            stop_on_fatal: true,
            call: CallOptions::default(),
            on_send: None,
            on_chunk: None,
            cancel: None,
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
            .field("on_send", &self.on_send.is_some())
            .field("on_chunk", &self.on_chunk.is_some())
            .field("cancel", &self.cancel)
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
        Outcome::Unknown { .. } => p.unknown += 1,
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
    /// True when an item whose attempts may have landed is settled by
    /// reading it back (creates).
    const SETTLES: bool = false;
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
    const SETTLES: bool = true;
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
            // Settled by reading back (see `settle`).
            (4016, true) => Outcome::Unknown {
                message: UNSETTLED.into(),
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

/// Placeholder of an item waiting to be settled by reading back.
const UNSETTLED: &str = "an attempt may have landed; not settled yet";

/// What reading a tracking back says about a create that may have landed.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    /// It exists and was created at or after the first attempt was sent.
    CreatedByUs,
    /// It exists and is older than the first attempt.
    Existed,
    /// It does not exist.
    Missing,
    /// Cannot tell.
    Unknown(String),
}

/// Reads `keys` back and settles each against `first_sent` (the client time
/// before the first attempt).
async fn settle(
    client: &Client,
    keys: &[TrackingRef],
    first_sent: std::time::Duration,
) -> Vec<Settled> {
    client.settle_since(keys, None, first_sent).await
}

impl Client {
    /// Reads `keys` back (one list call per 40) and tells, for each, whether
    /// it exists and was created at or after `since` (server clock, Unix
    /// seconds; `None`: the lower bound of the server's clock at the client
    /// time `first_sent`, see [`Client::server_time_at_least`]).
    pub async fn settle_since(
        &self,
        keys: &[TrackingRef],
        since: Option<i64>,
        first_sent: std::time::Duration,
    ) -> Vec<Settled> {
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(MAX_BATCH) {
            out.extend(settle_chunk(self, chunk, since, first_sent).await);
        }
        out
    }
}

/// One list call for at most 40 keys.
async fn settle_chunk(
    client: &Client,
    keys: &[TrackingRef],
    since: Option<i64>,
    first_sent: std::time::Duration,
) -> Vec<Settled> {
    use crate::endpoints::trackings::ListTrackings;
    use crate::models::ListFilter;
    let mut numbers: Vec<String> = keys.iter().map(|k| k.tracking_number.clone()).collect();
    numbers.sort();
    numbers.dedup();
    let query = ListTrackings::new().limit(2000).and_then(|q| {
        q.filter(ListFilter {
            numbers,
            ..ListFilter::default()
        })
    });
    let page = match query {
        Ok(q) => client.execute(&q).await,
        Err(e) => Err(Error::Validation(e)),
    };
    let page = match page {
        Ok(p) => p,
        Err(e) => {
            let why = format!("an attempt may have landed and reading it back failed: {e}");
            return keys.iter().map(|_| Settled::Unknown(why.clone())).collect();
        }
    };
    let since = since.or_else(|| client.server_time_at_least(first_sent));
    keys.iter()
        .map(|key| {
            let found = page.items.iter().find(|t| {
                same_key(
                    &TrackingRef::new(t.carrier_code.clone(), t.tracking_number.clone()),
                    key,
                )
            });
            let Some(t) = found else {
                return Settled::Missing;
            };
            match (t.created_at.as_ref().and_then(|c| c.unix_seconds()), since) {
                (Some(created), Some(since)) if created >= since => Settled::CreatedByUs,
                (Some(_), Some(_)) => Settled::Existed,
                (None, _) => Settled::Unknown(
                    "an attempt may have landed and the tracking read back has no created_at".into(),
                ),
                (_, None) => Settled::Unknown(
                    "an attempt may have landed and the server's clock was never seen, so it cannot tell whether this run created it".into(),
                ),
            }
        })
        .collect()
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
    let cancelled = options
        .cancel
        .as_ref()
        .is_some_and(|c| c.load(Ordering::Acquire));
    if cancelled {
        return finish(
            chunk,
            outcomes,
            Some("interrupted before it was sent".into()),
        );
    }
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
        if let Some(cb) = &options.on_send {
            let sent: Vec<usize> = send_idx.iter().map(|&p| chunk[p].0).collect();
            cb(&sent);
        }
        let first_sent = client.now();
        let (result, attempts) = client.execute_traced(&endpoint, &options.call).await;
        // Items to read back: (position, outcome if it turns out missing).
        let mut unsettled: Vec<(usize, Outcome)> = Vec::new();
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
                    if let Outcome::Created {
                        tracking: Some(t), ..
                    } = &outcome
                    {
                        if let Some(secs) = t.created_at.as_ref().and_then(|c| c.unix_seconds()) {
                            client.note_server_time(secs);
                        }
                    }
                    if options.stop_on_fatal {
                        if let Outcome::Failed { kind, message, .. } = &outcome {
                            if is_fatal(*kind) {
                                request_stop(&stop, &stopped, message);
                            }
                        }
                    }
                    if matches!(&outcome, Outcome::Unknown { message } if message == UNSETTLED) {
                        unsettled.push((
                            p,
                            Outcome::Unknown {
                                message: "the service answered 4016 after an attempt that may have landed, but the tracking could not be read back".into(),
                            },
                        ));
                    }
                    outcomes[p] = Some(outcome);
                }
            }
            Err(error) => {
                if options.stop_on_fatal && is_fatal(error.api_kind()) {
                    request_stop(&stop, &stopped, &error.to_string());
                }
                let failed = Outcome::failed_from(&error);
                let landed = attempts.ambiguous || may_have_landed(&error);
                for &p in &send_idx {
                    if Op::SETTLES && landed {
                        unsettled.push((p, failed.clone()));
                    }
                    outcomes[p] = Some(failed.clone());
                }
            }
        }
        if Op::SETTLES && !unsettled.is_empty() {
            let keys: Vec<TrackingRef> = unsettled
                .iter()
                .map(|(p, _)| Op::key(&chunk[*p].1))
                .collect();
            let settled = settle(&client, &keys, first_sent).await;
            for ((p, if_missing), s) in unsettled.into_iter().zip(settled) {
                outcomes[p] = Some(match s {
                    Settled::CreatedByUs => Outcome::Created {
                        tracking: None,
                        recovered: true,
                    },
                    Settled::Existed => Outcome::AlreadyExists,
                    Settled::Missing => if_missing,
                    Settled::Unknown(message) => Outcome::Unknown { message },
                });
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
        // Chunks finish in any order, so a chunk that waits for a retry holds
        // up only itself; input order is restored at the end.
        .buffer_unordered(concurrency);
    let mut chunks = std::pin::pin!(chunks);
    while let Some(done) = chunks.next().await {
        for o in &done {
            tally(&mut progress, &o.outcome);
        }
        if let Some(cb) = &options.progress {
            cb(&progress);
        }
        if let Some(cb) = &options.on_chunk {
            let settled: Vec<(usize, Outcome)> =
                done.iter().map(|o| (o.index, o.outcome.clone())).collect();
            cb(&settled);
        }
        outcomes.extend(done);
    }
    outcomes.sort_by_key(|o| o.index);
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
    /// Creates one tracking with retries. When an attempt may have landed
    /// without its answer being seen (timeout, broken connection, 5xx, or a
    /// 4016 on a retry), the tracking is read back: created at or after the
    /// first attempt (by the server's clock) → `Ok` with `recovered: true`;
    /// older → an [`ApiErrorKind::AlreadyExists`] error; missing or not
    /// readable → the call's own error.
    pub async fn create_tracking(&self, tracking: NewTracking) -> Result<CreateResult, Error> {
        use crate::endpoints::trackings::{CreateTracking, GetTracking};
        let key = TrackingRef::new(
            tracking.carrier_code.clone(),
            tracking.tracking_number.clone(),
        );
        let endpoint = CreateTracking::new(tracking)?;
        let first_sent = self.now();
        let (result, attempts) = self
            .execute_traced(&endpoint, &CallOptions::default())
            .await;
        let e = match result {
            Ok(tracking) => {
                if let Some(secs) = tracking.created_at.as_ref().and_then(|c| c.unix_seconds()) {
                    self.note_server_time(secs);
                }
                return Ok(CreateResult {
                    tracking,
                    recovered: false,
                });
            }
            Err(e) => e,
        };
        let exists = e.api_kind() == Some(ApiErrorKind::AlreadyExists);
        let unsure = if exists {
            attempts.ambiguous
        } else {
            attempts.ambiguous || may_have_landed(&e)
        };
        if !unsure {
            return Err(e);
        }
        match settle(self, std::slice::from_ref(&key), first_sent)
            .await
            .pop()
        {
            Some(Settled::CreatedByUs) => {}
            Some(Settled::Existed) if !exists => return Err(Error::Api(crate::error::ApiError {
                kind: ApiErrorKind::AlreadyExists,
                code: 4016,
                type_: "Conflict".into(),
                message:
                    "the tracking already exists (created before this call; the call itself failed)"
                        .into(),
                http_status: 200,
                retry_after: None,
                body: bytes::Bytes::new(),
            })),
            _ => return Err(e),
        }
        let t = self
            .execute(&GetTracking::new(key.carrier_code, key.tracking_number)?)
            .await?;
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
}
