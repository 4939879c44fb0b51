//! `ReplayTransport`: a cassette served back instead of the network.

use std::path::Path;
use std::sync::Mutex;

use async_trait::async_trait;

use super::format::{read_cassette, CassetteError, Interaction, RecordedRequest};
use crate::transport::{Transport, TransportError, TransportErrorKind, WireRequest, WireResponse};

/// How requests are paired with the cassette's interactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReplayMode {
    /// The n-th request must be the n-th recorded one (same method, path, query and body).
    #[default]
    Strict,
    /// Each request gets the first unused interaction with the same method, path, query
    /// and body, wherever it is in the cassette (for concurrent or reordered callers).
    Match,
}

/// Serves a cassette's recorded responses (or transport errors) back.
///
/// A request the cassette does not have is answered with a transport error of kind
/// `Request` that names the request and what the cassette expected, never with a guess.
#[derive(Debug)]
pub struct ReplayTransport {
    interactions: Vec<Interaction>,
    mode: ReplayMode,
    used: Mutex<Vec<bool>>,
}

impl ReplayTransport {
    /// Replays the cassette file at `path`.
    pub fn open(path: impl AsRef<Path>, mode: ReplayMode) -> Result<Self, CassetteError> {
        Ok(Self::new(read_cassette(path)?, mode))
    }

    /// Replays `interactions` (in `seq` order).
    pub fn new(mut interactions: Vec<Interaction>, mode: ReplayMode) -> Self {
        interactions.sort_by_key(|i| i.seq);
        let used = Mutex::new(vec![false; interactions.len()]);
        Self {
            interactions,
            mode,
            used,
        }
    }

    /// How many interactions have not been served yet.
    pub fn remaining(&self) -> usize {
        self.used
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|u| !**u)
            .count()
    }

    fn pick(&self, req: &RecordedRequest) -> Result<&Interaction, TransportError> {
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        let miss = |message: String| TransportError::new(TransportErrorKind::Request, message);
        let index = match self.mode {
            ReplayMode::Strict => {
                let i = used.iter().position(|u| !*u).ok_or_else(|| {
                    miss(format!(
                        "cassette exhausted: no interaction left for {}",
                        req.describe()
                    ))
                })?;
                let want = &self.interactions[i].request;
                if !want.matches(req) {
                    return Err(miss(format!(
                        "cassette interaction #{} is {}, but the request is {}{}",
                        self.interactions[i].seq,
                        want.describe(),
                        req.describe(),
                        if want.describe() == req.describe() {
                            " (the bodies differ)"
                        } else {
                            ""
                        }
                    )));
                }
                i
            }
            ReplayMode::Match => (0..self.interactions.len())
                .find(|&i| !used[i] && self.interactions[i].request.matches(req))
                .ok_or_else(|| {
                    miss(format!(
                        "no unused cassette interaction matches {}",
                        req.describe()
                    ))
                })?,
        };
        used[index] = true;
        Ok(&self.interactions[index])
    }
}

#[async_trait]
impl Transport for ReplayTransport {
    async fn send(&self, request: WireRequest) -> Result<WireResponse, TransportError> {
        let it = self.pick(&RecordedRequest::from_wire(&request))?;
        match (&it.response, &it.error) {
            (Some(r), _) => Ok(r.to_wire()),
            (None, Some(e)) => Err(e.to_transport()),
            (None, None) => Err(TransportError::new(
                TransportErrorKind::Other,
                format!("cassette interaction #{} has no outcome", it.seq),
            )),
        }
    }
}
