//! `Client`: runs endpoints over any transport, decodes the v2 envelope and
//! classifies errors.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::endpoint::Endpoint;
use crate::error::{
    classify_http_status, classify_meta_code, parse_retry_after, ApiError, ApiErrorKind,
    DecodeError, Result,
};
use crate::models::Meta;
use crate::transport::{Transport, WireResponse};

/// Runs endpoints against a [`Transport`]. Cheap to clone; clones share the
/// transport and everything else.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Arc<dyn Transport>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("transport", &self.inner.transport)
            .finish_non_exhaustive()
    }
}

/// A response with its status, headers and undecoded body.
#[derive(Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Body bytes as received.
    pub body: Bytes,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl From<WireResponse> for RawResponse {
    fn from(w: WireResponse) -> Self {
        Self {
            status: w.status,
            headers: w.headers,
            body: w.body,
        }
    }
}

impl Client {
    /// A client over `transport`.
    pub fn new(transport: impl Transport + 'static) -> Self {
        Self::from_arc(Arc::new(transport))
    }

    /// A client over a shared transport.
    pub fn from_arc(transport: Arc<dyn Transport>) -> Self {
        Self {
            inner: Arc::new(Inner { transport }),
        }
    }

    /// The transport this client sends through.
    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.inner.transport
    }

    /// Sends `endpoint` and decodes its `data` into the endpoint's response type.
    pub async fn execute<E: Endpoint + ?Sized>(&self, endpoint: &E) -> Result<E::Response> {
        let wire = self.send_once(endpoint).await?;
        decode_response::<E::Response>(&wire)
    }

    /// Sends `endpoint` and returns the response undecoded, whatever its status
    /// or body. Only transport failures are errors.
    pub async fn execute_raw<E: Endpoint + ?Sized>(&self, endpoint: &E) -> Result<RawResponse> {
        Ok(self.send_once(endpoint).await?.into())
    }

    async fn send_once<E: Endpoint + ?Sized>(&self, endpoint: &E) -> Result<WireResponse> {
        let request = endpoint.to_wire()?;
        Ok(self.inner.transport.send(request).await?)
    }
}

#[derive(Deserialize)]
struct RawEnvelope<'a> {
    #[serde(default)]
    meta: Option<Meta>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
}

/// Decodes a v2 response: classifies `meta.code` (then the HTTP status) and, on
/// success, decodes `data` into `T`.
pub fn decode_response<T: serde::de::DeserializeOwned>(wire: &WireResponse) -> Result<T> {
    let status = wire.status;
    let envelope: Option<RawEnvelope<'_>> = serde_json::from_slice(&wire.body).ok();
    let meta = envelope.as_ref().and_then(|e| e.meta.as_ref());

    if let Some(meta) = meta {
        if let Some(kind) = classify_meta_code(meta.code) {
            return Err(api_error(wire, kind, meta.code, &meta.type_, &meta.message).into());
        }
        // A success meta behind a failing HTTP status: trust the gateway's status.
        if let Some(kind) = classify_http_status(status.as_u16()) {
            return Err(http_error(wire, kind).into());
        }
        let data = envelope.as_ref().and_then(|e| e.data);
        let text = data.map_or("null", |d| d.get());
        return serde_json::from_str::<T>(text).map_err(|e| {
            DecodeError {
                status,
                message: format!("`data` does not match the expected shape: {e}"),
                body: wire.body.clone(),
            }
            .into()
        });
    }

    if let Some(kind) = classify_http_status(status.as_u16()) {
        return Err(http_error(wire, kind).into());
    }
    let message = if wire.body.is_empty() {
        "empty body".to_owned()
    } else if envelope.is_some() {
        "the body has no `meta` object".to_owned()
    } else {
        match serde_json::from_slice::<serde::de::IgnoredAny>(&wire.body) {
            Err(e) => format!("the body is not valid JSON: {e}"),
            Ok(_) => "the body is not a v2 envelope".to_owned(),
        }
    };
    Err(DecodeError {
        status,
        message,
        body: wire.body.clone(),
    }
    .into())
}

fn api_error(
    wire: &WireResponse,
    kind: ApiErrorKind,
    code: i64,
    type_: &str,
    message: &str,
) -> ApiError {
    ApiError {
        kind,
        code,
        type_: type_.to_owned(),
        message: message.to_owned(),
        http_status: wire.status.as_u16(),
        retry_after: parse_retry_after(&wire.headers, SystemTime::now()),
        body: wire.body.clone(),
    }
}

fn http_error(wire: &WireResponse, kind: ApiErrorKind) -> ApiError {
    let reason = wire.status.canonical_reason().unwrap_or("Unknown");
    let snippet: String = String::from_utf8_lossy(&wire.body)
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect();
    let message = if snippet.trim().is_empty() {
        format!("HTTP {} with an empty body", wire.status.as_u16())
    } else {
        format!("HTTP {}: {}", wire.status.as_u16(), snippet.trim())
    };
    api_error(
        wire,
        kind,
        i64::from(wire.status.as_u16()),
        reason,
        &message,
    )
}
