//! The in-process transport: no sockets, same router and faults as the server.

use std::fmt;

use async_trait::async_trait;
use tm_core::transport::percent_encode_into;
use tm_core::{ApiKey, Transport, TransportError, TransportErrorKind, WireRequest, WireResponse};

use crate::simulator::Simulator;
use crate::wire::{Outcome, SimRequest};

/// A [`Transport`] that calls a [`Simulator`] directly.
///
/// It adds the `Trackingmore-Api-Key` header, runs the router with fault
/// injection, waits out injected latency (tokio timer), and maps a dropped
/// connection to a [`TransportError`] of kind `Io`. A truncated body is
/// returned as the cut bytes.
#[derive(Clone)]
pub struct MockTransport {
    sim: Simulator,
    key: ApiKey,
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockTransport")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl MockTransport {
    /// A transport for `sim` with `key`.
    pub fn new(sim: Simulator, key: ApiKey) -> Self {
        Self { sim, key }
    }

    /// The simulator behind this transport.
    pub fn simulator(&self) -> &Simulator {
        &self.sim
    }

    /// Builds the server-side request of a wire request.
    fn to_sim(&self, request: WireRequest) -> SimRequest {
        let mut query = String::new();
        for (i, (k, v)) in request.query.iter().enumerate() {
            if i > 0 {
                query.push('&');
            }
            percent_encode_into(k, &mut query);
            query.push('=');
            percent_encode_into(v, &mut query);
        }
        let mut req = SimRequest::new(request.method, request.path)
            .query(query)
            .body(request.body);
        req.headers = request.headers;
        req.key(self.key.expose())
    }
}

#[async_trait]
impl Transport for MockTransport {
    async fn send(&self, request: WireRequest) -> Result<WireResponse, TransportError> {
        let processed = self.sim.process(self.to_sim(request));
        if !processed.latency.is_zero() {
            tokio::time::sleep(processed.latency).await;
        }
        match processed.outcome {
            Outcome::Respond(r) => Ok(WireResponse {
                status: r.status,
                headers: r.headers,
                body: r.body,
            }),
            Outcome::Truncate(r, keep) => Ok(WireResponse {
                status: r.status,
                headers: r.headers,
                body: r.body.slice(..keep.min(r.body.len())),
            }),
            Outcome::Drop => Err(TransportError::new(
                TransportErrorKind::Io,
                "connection closed before a response was received (injected fault)",
            )),
        }
    }
}

impl Simulator {
    /// An in-process transport that sends with `api_key`.
    pub fn transport(&self, api_key: ApiKey) -> MockTransport {
        MockTransport::new(self.clone(), api_key)
    }
}
