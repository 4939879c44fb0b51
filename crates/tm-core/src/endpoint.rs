//! The `Endpoint` trait: a plain description of one API call.

use std::borrow::Cow;

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde::de::DeserializeOwned;

use crate::error::{Error, ValidationError};
use crate::transport::WireRequest;

/// The rate-limit class of an endpoint (CONTRACT.md: list 1/s, realtime 3/s,
/// everything else 10/s per key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndpointClass {
    /// `GET /trackings/get`.
    List,
    /// `POST /trackings/realtime`.
    Realtime,
    /// Every other call.
    Other,
}

impl EndpointClass {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Realtime => "realtime",
            Self::Other => "other",
        }
    }
}

/// One API call: method, path, query, headers, JSON body, and the type its
/// `data` decodes into.
///
/// Endpoint values are built by constructors that validate their input, so a
/// value of an endpoint type is always a request worth sending.
pub trait Endpoint: Send + Sync {
    /// What `data` decodes into on success.
    type Response: DeserializeOwned + Send + 'static;

    /// HTTP method.
    fn method(&self) -> Method;

    /// Path below the API root, starting with `/`, path segments percent-encoded.
    fn path(&self) -> Cow<'_, str>;

    /// Query pairs (unencoded).
    fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// Extra headers (never the key).
    fn headers(&self) -> HeaderMap {
        HeaderMap::new()
    }

    /// The JSON body, if the call has one.
    fn body(&self) -> Result<Option<Bytes>, Error> {
        Ok(None)
    }

    /// Rate-limit class.
    fn class(&self) -> EndpointClass {
        EndpointClass::Other
    }

    /// True for calls that create trackings (`/trackings/post`, `/trackings/batch`):
    /// a retried create may find its own earlier attempt (4016).
    fn is_create(&self) -> bool {
        false
    }

    /// The wire request for this endpoint.
    fn to_wire(&self) -> Result<WireRequest, Error> {
        let mut req = WireRequest::new(self.method(), self.path().into_owned());
        req.query = self
            .query()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        req.headers = self.headers();
        if let Some(body) = self.body()? {
            req.headers.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/json"),
            );
            req.body = body;
        }
        Ok(req)
    }
}

/// Serializes a request body to JSON bytes.
pub(crate) fn json_body<T: serde::Serialize + ?Sized>(value: &T) -> Result<Option<Bytes>, Error> {
    serde_json::to_vec(value)
        .map(|v| Some(Bytes::from(v)))
        .map_err(|e| ValidationError::new("body", format!("cannot encode as JSON: {e}")).into())
}
