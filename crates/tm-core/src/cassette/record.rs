//! `RecordingTransport`: every exchange of a wrapped transport, written to a cassette.

use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::format::{Interaction, RecordedError, RecordedRequest, RecordedResponse};
use crate::ratelimit::RateLimits;
use crate::transport::{Transport, TransportError, TransportErrorKind, WireRequest, WireResponse};

/// Wraps a transport and appends each exchange to a JSON-lines cassette as it completes.
///
/// Each line is flushed at once, so a cassette survives a crash of the program that
/// records it. A line that cannot be written makes the call fail with a transport error
/// (kind `Other`): a recording that silently misses calls would mislead whoever reads it.
pub struct RecordingTransport<T> {
    inner: T,
    cassette: CassetteWriter,
}

/// Where recorded exchanges go: one cassette, shared by every transport recording into it.
///
/// Cloning gives another handle to the same cassette, so several transports (say, a
/// client rebuilt with other options) number their exchanges in one sequence.
#[derive(Clone)]
pub struct CassetteWriter {
    sink: Arc<Mutex<Box<dyn Write + Send>>>,
    seq: Arc<AtomicU64>,
}

impl CassetteWriter {
    /// Records into a new file at `path` (an existing file is replaced).
    pub fn create(path: impl AsRef<Path>) -> io::Result<Self> {
        let file = File::create(path)?;
        Ok(Self::to_writer(BufWriter::new(file)))
    }

    /// Records into any writer (a file, a buffer shared with a test, …).
    pub fn to_writer(writer: impl Write + Send + 'static) -> Self {
        Self {
            sink: Arc::new(Mutex::new(Box::new(writer))),
            seq: Arc::new(AtomicU64::new(0)),
        }
    }

    /// How many exchanges were started so far.
    pub fn recorded(&self) -> u64 {
        self.seq.load(Ordering::Relaxed)
    }
}

impl fmt::Debug for CassetteWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CassetteWriter")
            .field("recorded", &self.recorded())
            .finish_non_exhaustive()
    }
}

impl<T: Transport> RecordingTransport<T> {
    /// Records into a new file at `path` (an existing file is replaced).
    pub fn create(inner: T, path: impl AsRef<Path>) -> io::Result<Self> {
        Ok(Self::with_cassette(inner, CassetteWriter::create(path)?))
    }

    /// Records into any writer (a file, a buffer shared with a test, …).
    pub fn to_writer(inner: T, writer: impl Write + Send + 'static) -> Self {
        Self::with_cassette(inner, CassetteWriter::to_writer(writer))
    }

    /// Records into `cassette`, which other transports may share.
    pub fn with_cassette(inner: T, cassette: CassetteWriter) -> Self {
        Self { inner, cassette }
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    fn write(&self, interaction: &Interaction) -> Result<(), TransportError> {
        let mut line = serde_json::to_vec(interaction).map_err(|e| {
            TransportError::new(
                TransportErrorKind::Other,
                format!("cannot encode the cassette line: {e}"),
            )
        })?;
        line.push(b'\n');
        // A poisoned lock only means another call panicked mid-write; keep recording.
        let mut sink = self.cassette.sink.lock().unwrap_or_else(|p| p.into_inner());
        sink.write_all(&line)
            .and_then(|()| sink.flush())
            .map_err(|e| {
                TransportError::new(
                    TransportErrorKind::Other,
                    format!("cannot write the cassette: {e}"),
                )
            })
    }
}

impl<T> fmt::Debug for RecordingTransport<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordingTransport")
            .field("recorded", &self.cassette.recorded())
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl<T: Transport> Transport for RecordingTransport<T> {
    async fn send(&self, request: WireRequest) -> Result<WireResponse, TransportError> {
        let seq = self.cassette.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let recorded = RecordedRequest::from_wire(&request);
        let result = self.inner.send(request).await;
        let interaction = Interaction {
            seq,
            request: recorded,
            response: result.as_ref().ok().map(RecordedResponse::from_wire),
            error: result.as_ref().err().map(RecordedError::from_transport),
        };
        self.write(&interaction)?;
        result
    }

    fn default_rate_limits(&self) -> Option<RateLimits> {
        self.inner.default_rate_limits()
    }
}
