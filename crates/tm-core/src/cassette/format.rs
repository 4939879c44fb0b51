//! The cassette format: one JSON object per line.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::transport::{
    TransportError, TransportErrorKind, WireRequest, WireResponse, API_KEY_HEADER,
};

/// Headers never written to a cassette: credentials and cookies.
const SECRET_HEADERS: &[&str] = &[
    API_KEY_HEADER,
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// One exchange: the request and what came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    /// Order in which the request was sent, from 1.
    pub seq: u64,
    /// The request.
    pub request: RecordedRequest,
    /// The response, when one was received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<RecordedResponse>,
    /// The transport error, when none was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RecordedError>,
}

/// A request as sent (below the base URL, without credentials).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// Path below the API root, e.g. `/trackings/post`.
    pub path: String,
    /// Query pairs in the order sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    /// Extra headers (never credentials).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The body.
    #[serde(flatten)]
    pub body: RecordedBody,
}

/// A response as received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers (never cookies).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The body.
    #[serde(flatten)]
    pub body: RecordedBody,
}

/// A transport failure instead of a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedError {
    /// `connect`, `timeout`, `io`, `request` or `other`.
    pub kind: String,
    /// The transport's message.
    pub message: String,
}

/// A body: JSON kept as JSON (readable, diffable), anything else as text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordedBody {
    /// The body when it is JSON (other than a bare `null`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// The body when it is not JSON (UTF-8, invalid bytes replaced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
}

impl RecordedBody {
    /// Keeps `bytes` as JSON when they parse, else as text; empty → neither.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        if bytes.is_empty() {
            return Self::default();
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v) if !v.is_null() => Self {
                body: Some(v),
                body_text: None,
            },
            _ => Self {
                body: None,
                body_text: Some(String::from_utf8_lossy(bytes).into_owned()),
            },
        }
    }

    /// The bytes to send back: JSON re-encoded, or the text.
    pub fn to_bytes(&self) -> Bytes {
        match (&self.body, &self.body_text) {
            (Some(v), _) => Bytes::from(serde_json::to_vec(v).unwrap_or_default()),
            (None, Some(t)) => Bytes::from(t.clone().into_bytes()),
            (None, None) => Bytes::new(),
        }
    }

    /// True when both are the same body: equal JSON values, or equal text.
    pub fn same_as(&self, other: &RecordedBody) -> bool {
        self == other
    }
}

fn headers_to_map(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        if SECRET_HEADERS
            .iter()
            .any(|s| name.as_str().eq_ignore_ascii_case(s))
        {
            continue;
        }
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        out.entry(name.as_str().to_owned())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    out
}

fn map_to_headers(map: &BTreeMap<String, String>) -> HeaderMap {
    let mut out = HeaderMap::new();
    for (k, v) in map {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            out.append(name, value);
        }
    }
    out
}

fn kind_name(kind: TransportErrorKind) -> &'static str {
    match kind {
        TransportErrorKind::Connect => "connect",
        TransportErrorKind::Timeout => "timeout",
        TransportErrorKind::Io => "io",
        TransportErrorKind::Request => "request",
        _ => "other",
    }
}

fn kind_of(name: &str) -> TransportErrorKind {
    match name {
        "connect" => TransportErrorKind::Connect,
        "timeout" => TransportErrorKind::Timeout,
        "io" => TransportErrorKind::Io,
        "request" => TransportErrorKind::Request,
        _ => TransportErrorKind::Other,
    }
}

impl RecordedRequest {
    /// The request as a cassette keeps it.
    pub fn from_wire(req: &WireRequest) -> Self {
        Self {
            method: req.method.as_str().to_owned(),
            path: req.path.clone(),
            query: req.query.clone(),
            headers: headers_to_map(&req.headers),
            body: RecordedBody::from_bytes(&req.body),
        }
    }

    /// The wire request to send again (e.g. to a simulator).
    pub fn to_wire(&self) -> Result<WireRequest, CassetteError> {
        let method = Method::from_bytes(self.method.as_bytes()).map_err(|_| CassetteError {
            line: 0,
            message: format!("invalid method {:?}", self.method),
        })?;
        let mut req = WireRequest::new(method, self.path.clone());
        req.query = self.query.clone();
        req.headers = map_to_headers(&self.headers);
        req.body = self.body.to_bytes();
        Ok(req)
    }

    /// `METHOD /path?query`, for messages.
    pub fn describe(&self) -> String {
        let mut w = WireRequest::new(Method::GET, self.path.clone());
        w.query = self.query.clone();
        format!("{} {}", self.method, w.path_and_query())
    }

    /// Same method, path, query and body (JSON compared as values).
    pub fn matches(&self, other: &RecordedRequest) -> bool {
        self.method.eq_ignore_ascii_case(&other.method)
            && self.path == other.path
            && self.query == other.query
            && self.body.same_as(&other.body)
    }
}

impl RecordedResponse {
    /// The response as a cassette keeps it.
    pub fn from_wire(resp: &WireResponse) -> Self {
        Self {
            status: resp.status.as_u16(),
            headers: headers_to_map(&resp.headers),
            body: RecordedBody::from_bytes(&resp.body),
        }
    }

    /// The wire response to serve back.
    pub fn to_wire(&self) -> WireResponse {
        WireResponse {
            status: StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_GATEWAY),
            headers: map_to_headers(&self.headers),
            body: self.body.to_bytes(),
        }
    }
}

impl RecordedError {
    /// The error as a cassette keeps it.
    pub fn from_transport(e: &TransportError) -> Self {
        Self {
            kind: kind_name(e.kind).to_owned(),
            message: e.message.clone(),
        }
    }

    /// The transport error to return again.
    pub fn to_transport(&self) -> TransportError {
        TransportError::new(kind_of(&self.kind), self.message.clone())
    }
}

/// A cassette that cannot be read: the line (from 1; 0 = not tied to a line) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cassette line {line}: {message}")]
pub struct CassetteError {
    /// The line, from 1 (0 when the error is not about one line).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Reads a cassette file, in `seq` order. Blank lines are skipped.
pub fn read_cassette(path: impl AsRef<Path>) -> Result<Vec<Interaction>, CassetteError> {
    let file = std::fs::File::open(path.as_ref()).map_err(|e| CassetteError {
        line: 0,
        message: format!("cannot open {}: {e}", path.as_ref().display()),
    })?;
    parse_cassette(std::io::BufReader::new(file))
}

/// Parses cassette lines from any reader, in `seq` order.
pub fn parse_cassette(reader: impl BufRead) -> Result<Vec<Interaction>, CassetteError> {
    let mut out = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| CassetteError {
            line: i + 1,
            message: e.to_string(),
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let it: Interaction = serde_json::from_str(&line).map_err(|e| CassetteError {
            line: i + 1,
            message: format!("not an interaction: {e}"),
        })?;
        if it.response.is_none() && it.error.is_none() {
            return Err(CassetteError {
                line: i + 1,
                message: "an interaction needs a `response` or an `error`".into(),
            });
        }
        out.push(it);
    }
    // Concurrent calls finish out of order; the sequence is the order they were sent.
    out.sort_by_key(|i| i.seq);
    Ok(out)
}
