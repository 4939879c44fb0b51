//! The in-process event queue, and rendering its events away from the simulator's lock.
//!
//! An event that goes only to the queue is taken as a job at its poll moment: a snapshot
//! of the tracking (an `Arc`, so later changes copy instead of touching it) and the moment.
//! A clock move hands its jobs, in event order, to a [`Feeder`], which renders and signs
//! them — on a helper thread during a large synchronous move, so rendering overlaps with
//! the move's own work — and appends them to the queue in that order. The move returns
//! only after every job it produced is in the queue.

use std::collections::VecDeque;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{Scope, ScopedJoinHandle};

use super::engine::{signed_vec, Rendered};
use super::types::QueuedWebhook;

/// Events kept in the in-process queue until drained (oldest dropped first).
pub const QUEUE_CAPACITY: usize = 1_000_000;

/// Jobs gathered before a synchronous move hands them to a helper thread; a move that
/// produces fewer renders them itself (no thread for a small move).
const BATCH: usize = 1024;
/// Batches waiting for the helper before the move waits for it (bounds memory).
const BATCHES_AHEAD: usize = 16;

/// The queue, shared by the simulator and the threads filling it.
pub(crate) type SharedQueue = Arc<Mutex<VecDeque<QueuedWebhook>>>;

/// Renders an event's tracking from a snapshot taken at its poll moment.
pub(crate) type RenderLater = Box<dyn FnOnce() -> Option<Rendered> + Send>;

/// One event for the queue.
pub(crate) enum QueueJob {
    /// Rendered already (the event also went to a URL).
    Ready(QueuedWebhook),
    /// To render, then sign with `email` and `time`.
    Later {
        event_id: u64,
        email: Arc<str>,
        time: i64,
        render: RenderLater,
    },
}

impl std::fmt::Debug for QueueJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueueJob::Ready(q) => f.debug_tuple("Ready").field(&q.event_id).finish(),
            QueueJob::Later { event_id, time, .. } => f
                .debug_struct("Later")
                .field("event_id", event_id)
                .field("time", time)
                .finish_non_exhaustive(),
        }
    }
}

impl QueueJob {
    fn finish(self) -> Option<QueuedWebhook> {
        match self {
            QueueJob::Ready(q) => Some(q),
            QueueJob::Later {
                event_id,
                email,
                time,
                render,
            } => {
                let r = render()?;
                Some(QueuedWebhook {
                    event_id,
                    body: signed_vec(&r.data, &email, time),
                    email: email.to_string(),
                    carrier_code: r.carrier_code.to_owned(),
                    tracking_number: r.tracking_number.into_string(),
                    time,
                })
            }
        }
    }
}

/// Jobs of one clock step, with the queue they go to (the queue may be switched off and
/// on between steps: each job goes to the queue that existed when it was made).
pub(crate) struct JobBatch {
    pub(crate) queue: SharedQueue,
    pub(crate) jobs: Vec<QueueJob>,
}

impl JobBatch {
    /// Renders and signs every job, then appends them to the queue, in order.
    fn run(self) {
        let done: Vec<QueuedWebhook> = self.jobs.into_iter().filter_map(QueueJob::finish).collect();
        let mut q = lock(&self.queue);
        for e in done {
            if q.len() >= QUEUE_CAPACITY {
                q.pop_front();
            }
            q.push_back(e);
        }
    }
}

/// Locks the queue (a panic elsewhere leaves a queue that is still consistent).
pub(crate) fn lock(q: &SharedQueue) -> MutexGuard<'_, VecDeque<QueuedWebhook>> {
    q.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Where a clock move sends its queue jobs.
pub(crate) struct Feeder<'scope, 'env> {
    /// `None`: render at once on the calling thread (async moves; no scope to spawn in).
    scope: Option<&'scope Scope<'scope, 'env>>,
    gathered: Option<JobBatch>,
    helper: Option<(SyncSender<JobBatch>, ScopedJoinHandle<'scope, ()>)>,
}

impl<'scope, 'env> Feeder<'scope, 'env> {
    /// Renders every batch at once, on the calling thread.
    pub(crate) fn inline() -> Self {
        Self {
            scope: None,
            gathered: None,
            helper: None,
        }
    }

    /// Gathers jobs and renders them on a helper thread spawned in `scope` once there are
    /// enough of them.
    pub(crate) fn threaded(scope: &'scope Scope<'scope, 'env>) -> Self {
        Self {
            scope: Some(scope),
            gathered: None,
            helper: None,
        }
    }

    /// Takes the jobs of one step.
    pub(crate) fn feed(&mut self, batch: Option<JobBatch>) {
        let Some(batch) = batch else { return };
        if self.scope.is_none() {
            return batch.run();
        }
        match &mut self.gathered {
            Some(g) if Arc::ptr_eq(&g.queue, &batch.queue) => g.jobs.extend(batch.jobs),
            _ => {
                self.flush();
                self.gathered = Some(batch);
            }
        }
        if self
            .gathered
            .as_ref()
            .is_some_and(|g| g.jobs.len() >= BATCH)
        {
            self.flush();
        }
    }

    /// Hands what is gathered to the helper (spawned on first use).
    fn flush(&mut self) {
        let Some(batch) = self.gathered.take() else {
            return;
        };
        let Some(scope) = self.scope else {
            return batch.run();
        };
        let (tx, _) = self.helper.get_or_insert_with(|| {
            let (tx, rx) = sync_channel::<JobBatch>(BATCHES_AHEAD);
            let handle = scope.spawn(move || {
                for b in rx {
                    b.run();
                }
            });
            (tx, handle)
        });
        if let Err(unsent) = tx.send(batch) {
            // The helper is gone (it panicked): render here, nothing is dropped.
            unsent.0.run();
        }
    }
}

/// Dropping a feeder renders what is left and waits until every job is in its queue.
impl Drop for Feeder<'_, '_> {
    fn drop(&mut self) {
        if let Some(batch) = self.gathered.take() {
            match &self.helper {
                Some((tx, _)) => {
                    if let Err(unsent) = tx.send(batch) {
                        unsent.0.run();
                    }
                }
                None => batch.run(),
            }
        }
        if let Some((tx, handle)) = self.helper.take() {
            drop(tx);
            // A helper that panicked lost its batch: re-raise rather than leave a queue
            // that silently misses events.
            if let Err(panic) = handle.join() {
                if !std::thread::panicking() {
                    std::panic::resume_unwind(panic);
                }
            }
        }
    }
}
