//! Test transports (feature `test-util`): assert what an endpoint sends, and
//! replay canned responses, with no network.
//!
//! ```
//! # tokio_test_block_on(async {
//! use tm_core::{Client, endpoints::trackings::DeleteTracking, test_util::RecordingTransport};
//! let transport = RecordingTransport::new();
//! transport.push_json(200, r#"{"meta":{"code":200,"type":"Success","message":"Success"},"data":[]}"#);
//! let client = Client::new(transport.clone());
//! client.execute(&DeleteTracking::new("yanwen", "BYS006086078").unwrap()).await.unwrap();
//! let sent = transport.requests();
//! assert_eq!(sent[0].method, http::Method::DELETE);
//! assert_eq!(sent[0].path, "/trackings/yanwen/BYS006086078");
//! # });
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderValue, StatusCode};

use crate::transport::{Transport, TransportError, WireRequest, WireResponse};

/// A transport that records every request and answers from a queue of canned
/// responses (or a default success envelope with `data: []` when the queue is
/// empty). Clones share the record and the queue.
#[derive(Debug, Clone, Default)]
pub struct RecordingTransport {
    inner: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    requests: Vec<WireRequest>,
    replies: VecDeque<Result<WireResponse, TransportError>>,
}

/// The success envelope answered when no reply is queued.
pub const OK_EMPTY: &str =
    r#"{"meta":{"code":200,"type":"Success","message":"Success"},"data":[]}"#;

impl RecordingTransport {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues a reply.
    pub fn push(&self, reply: Result<WireResponse, TransportError>) -> &Self {
        self.lock().replies.push_back(reply);
        self
    }

    /// Queues a JSON reply with `status`.
    pub fn push_json(&self, status: u16, body: &str) -> &Self {
        let mut r = WireResponse::new(
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            Bytes::copy_from_slice(body.as_bytes()),
        );
        r.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        self.push(Ok(r))
    }

    /// Queues a success envelope around `data` (a JSON text).
    pub fn push_data(&self, meta_code: i64, data: &str) -> &Self {
        let body = format!(
            r#"{{"meta":{{"code":{meta_code},"type":"Success","message":"Success"}},"data":{data}}}"#
        );
        self.push_json(200, &body)
    }

    /// Every request sent so far, oldest first.
    pub fn requests(&self) -> Vec<WireRequest> {
        self.lock().requests.clone()
    }

    /// The last request sent. Panics if none was (test helper).
    pub fn last(&self) -> WireRequest {
        self.lock()
            .requests
            .last()
            .cloned()
            .expect("no request was sent")
    }

    /// The JSON body of the last request. Panics if it is not JSON (test helper).
    pub fn last_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.last().body).expect("the last body is not JSON")
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panicking test thread must not hide the record from the others.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl Transport for RecordingTransport {
    async fn send(&self, request: WireRequest) -> Result<WireResponse, TransportError> {
        let mut state = self.lock();
        state.requests.push(request);
        state
            .replies
            .pop_front()
            .unwrap_or_else(|| Ok(WireResponse::new(StatusCode::OK, OK_EMPTY)))
    }
}
