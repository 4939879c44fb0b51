//! The v2 envelope `{"meta": {code, type, message}, "data": …}` every JSON
//! answer is wrapped in.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::json;

use crate::wire::SimResponse;

/// The `meta.type` of a meta code.
pub(crate) fn meta_type(code: i64) -> &'static str {
    match code {
        200 => "Success",
        201 => "Created",
        401 | 4001 | 4002 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Server error",
        503 => "Service Unavailable",
        4031..=4033 => "No Content",
        _ => "Bad Request",
    }
}

/// Builds an envelope response.
pub(crate) fn envelope<D: serde::Serialize>(code: i64, message: &str, data: D) -> SimResponse {
    envelope_sized(code, message, data, 128)
}

/// Room reserved for a single-tracking envelope (most are 1.5–4 KB), so the
/// body is written without growing its buffer several times.
pub(crate) const TRACKING_BODY_CAPACITY: usize = 4096;

/// [`envelope`] written into a buffer of `capacity` bytes to start with.
pub(crate) fn envelope_sized<D: serde::Serialize>(
    code: i64,
    message: &str,
    data: D,
    capacity: usize,
) -> SimResponse {
    #[derive(serde::Serialize)]
    struct Meta<'a> {
        code: i64,
        #[serde(rename = "type")]
        type_: &'a str,
        message: &'a str,
    }
    #[derive(serde::Serialize)]
    struct Envelope<'a, D> {
        meta: Meta<'a>,
        data: D,
    }
    let status = match code {
        401 | 404 | 405 | 429 | 500 | 503 => {
            StatusCode::from_u16(code as u16).unwrap_or(StatusCode::OK)
        }
        _ => StatusCode::OK,
    };
    let body = Envelope {
        meta: Meta {
            code,
            type_: meta_type(code),
            message,
        },
        data,
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let mut out = Vec::with_capacity(capacity);
    if serde_json::to_writer(&mut out, &body).is_err() {
        out.clear();
    }
    SimResponse {
        status,
        headers,
        body: Bytes::from(out),
    }
}

/// A success envelope (201: "a resource was created").
pub(crate) fn success<D: serde::Serialize>(code: i64, data: D) -> SimResponse {
    success_sized(code, data, 128)
}

/// [`success`] written into a buffer of `capacity` bytes to start with.
pub(crate) fn success_sized<D: serde::Serialize>(
    code: i64,
    data: D,
    capacity: usize,
) -> SimResponse {
    let msg = if code == 201 {
        "The request was successful and a resource was created."
    } else {
        "Success"
    };
    envelope_sized(code, msg, data, capacity)
}

/// An error envelope with empty `data`.
pub(crate) fn error(code: i64, message: &str) -> SimResponse {
    envelope(code, message, json!([]))
}

/// Adds `Retry-After: secs`.
pub(crate) fn with_retry_after(mut r: SimResponse, secs: u64) -> SimResponse {
    r.headers
        .insert(http::header::RETRY_AFTER, HeaderValue::from(secs));
    r
}
