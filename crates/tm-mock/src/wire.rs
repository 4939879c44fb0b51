//! Requests and responses as a server sees them: what the HTTP server and the
//! in-process transport hand to the router, and what they get back.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use serde_json::Value;

/// Largest request body accepted (1 MiB).
pub const MAX_BODY: usize = 1 << 20;

/// One request as a server receives it.
#[derive(Clone)]
pub struct SimRequest {
    /// HTTP method.
    pub method: Method,
    /// Path as sent (percent-encoded), with or without `/v2`.
    pub path: String,
    /// Raw query string (without `?`), percent-encoded.
    pub query: String,
    /// Headers, including `Trackingmore-Api-Key`.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl fmt::Debug for SimRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish_non_exhaustive()
    }
}

impl SimRequest {
    /// A request without query, headers or body.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        let path: String = path.into();
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p.to_string(), q.to_string()),
            None => (path, String::new()),
        };
        Self {
            method,
            path,
            query,
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// Sets the `Trackingmore-Api-Key` header (ignored if it is not a valid header value).
    pub fn key(mut self, key: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(key) {
            self.headers.insert(tm_core::transport::API_KEY_HEADER, v);
        }
        self
    }

    /// Sets a header (ignored if invalid).
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.insert(name, v);
        }
        self
    }

    /// Sets the raw query string.
    pub fn query(mut self, query: impl Into<String>) -> Self {
        self.query = query.into();
        self
    }

    /// Sets the body bytes.
    pub fn body(mut self, b: impl Into<Bytes>) -> Self {
        self.body = b.into();
        self
    }

    /// Sets a JSON body.
    pub fn json(self, v: &Value) -> Self {
        self.body(serde_json::to_vec(v).unwrap_or_default())
    }
}

/// One response: status, headers, JSON body.
#[derive(Clone, PartialEq, Eq)]
pub struct SimResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Headers (`Content-Type`, `Retry-After` on 429/503).
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl fmt::Debug for SimResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl SimResponse {
    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// `meta.code` of the body, if any.
    pub fn meta_code(&self) -> Option<i64> {
        self.json()?.get("meta")?.get("code")?.as_i64()
    }

    /// `data` of the body, if any.
    pub fn data(&self) -> Option<Value> {
        self.json()?.get("data").cloned()
    }

    /// `Retry-After` in seconds, if present.
    pub fn retry_after(&self) -> Option<u64> {
        self.headers
            .get(http::header::RETRY_AFTER)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }
}

/// What the wire layer must do with a processed request.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Send this response.
    Respond(SimResponse),
    /// Send the headers of this response, then only `keep` bytes of its body, then break the connection.
    Truncate(SimResponse, usize),
    /// Close the connection without answering.
    Drop,
}

/// A request after routing and fault injection.
#[derive(Debug, Clone)]
pub struct Processed {
    /// Injected delay before answering.
    pub latency: Duration,
    /// What to send.
    pub outcome: Outcome,
}

/// Percent-decodes (`+` is a space in queries).
fn decode(s: &str, plus: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let h = |c: u8| (c as char).to_digit(16);
                match (h(b[i + 1]), h(b[i + 2])) {
                    (Some(x), Some(y)) => {
                        out.push((x * 16 + y) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' if plus => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a raw query string into decoded pairs.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k, true), decode(v, true)),
            None => (decode(p, true), String::new()),
        })
        .collect()
}

/// Whether `path` is under the admin API (`/_mock/...`, with or without
/// `/v2`), decoded the way the router decodes it: only the first two
/// segments are looked at.
pub(crate) fn is_admin_path(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or("");
    let mut segs = path.split('/').filter(|s| !s.is_empty());
    let Some(first) = segs.next().map(|s| decode(s, false)) else {
        return false;
    };
    if first.eq_ignore_ascii_case("v2") {
        segs.next().is_some_and(|s| decode(s, false) == "_mock")
    } else {
        first == "_mock"
    }
}

/// Decoded path segments without the `v2` prefix.
pub(crate) fn segments(path: &str) -> Vec<String> {
    let path = path.split('?').next().unwrap_or("");
    let mut segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| decode(s, false))
        .collect();
    if segs.first().is_some_and(|s| s.eq_ignore_ascii_case("v2")) {
        segs.remove(0);
    }
    segs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        let q = parse_query("numbers=A1%2CB%202&lang=en&x&bad=%zz%&plus=a+b");
        assert_eq!(q[0], ("numbers".into(), "A1,B 2".into()));
        assert_eq!(q[2], ("x".into(), String::new()));
        assert_eq!(q[3], ("bad".into(), "%zz%".into()));
        assert_eq!(q[4], ("plus".into(), "a b".into()));
        assert_eq!(
            segments("/v2/trackings/ups/1Z%20X/"),
            ["trackings", "ups", "1Z X"]
        );
    }

    #[test]
    fn admin_paths_are_recognised_as_the_router_decodes_them() {
        for p in [
            "/_mock/clock",
            "/v2/_mock/journal",
            "/V2/%5Fmock/faults",
            "//_mock",
            "/_mock?x=1",
        ] {
            assert!(is_admin_path(p), "{p}");
            assert_eq!(
                segments(p).first().map(String::as_str),
                Some("_mock"),
                "{p}"
            );
        }
        for p in [
            "/",
            "",
            "/v2",
            "/v2/trackings/get",
            "/_mockx",
            "/x/_mock",
            "/v2/v2/_mock",
        ] {
            assert!(!is_admin_path(p), "{p}");
            assert_ne!(
                segments(p).first().map(String::as_str),
                Some("_mock"),
                "{p}"
            );
        }
    }
}
