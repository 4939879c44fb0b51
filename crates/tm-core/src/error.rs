//! One error type for every call, classified on `meta.code` first and the HTTP
//! status second (v2 reports most failures inside HTTP 200).

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

pub use crate::transport::{TransportError, TransportErrorKind};

/// Result alias for tm-core operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was refused before sending: the input can never succeed.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The service (or a gateway in front of it) answered with an error.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// No usable response: connection, timeout, broken body.
    #[error("transport error: {0}")]
    Transport(#[from] TransportError),
    /// A response arrived but its body could not be decoded. The raw body is kept.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

impl Error {
    /// The API error, if this is one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The API error kind, if this is an API error.
    pub fn api_kind(&self) -> Option<ApiErrorKind> {
        self.as_api().map(|e| e.kind)
    }

    /// The meta code (or HTTP status for gateway errors) of an API error.
    pub fn code(&self) -> Option<i64> {
        self.as_api().map(|e| e.code)
    }

    /// The `Retry-After` the server asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.as_api().and_then(|e| e.retry_after)
    }

    /// True if this is a transport timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(t) if t.is_timeout())
    }
}

/// An input refused before sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {message}")]
pub struct ValidationError {
    field: String,
    message: String,
}

impl ValidationError {
    /// A validation error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The input field that was wrong (e.g. `tracking_number`, `items[3].carrier_code`).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What was wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error about `prefix.field` (used for items of a batch).
    pub fn within(self, prefix: &str) -> Self {
        Self {
            field: format!("{prefix}.{}", self.field),
            message: self.message,
        }
    }
}

/// A response body that could not be decoded.
#[derive(Clone, thiserror::Error)]
#[error("could not decode the response (HTTP {status}): {message}")]
pub struct DecodeError {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// What the decoder said.
    pub message: String,
    /// The raw body, for diagnosis.
    pub body: Bytes,
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("message", &self.message)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// The class of an API error: what a program should do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// Bad, deleted or missing key; no permission (4001, 4002, 401, 403).
    Authentication,
    /// The tracking (or route) does not exist (4017, 4031, 404).
    NotFound,
    /// The tracking already exists (4016, 409).
    AlreadyExists,
    /// The request was understood but refused (4012–4015, 4033, 400, 405, …).
    InvalidRequest,
    /// Too many items in one call (4020, 202).
    BatchTooLarge,
    /// Out of credits or balance (4019, 4021, 402).
    QuotaExceeded,
    /// The feature must be activated for the account (4018).
    NeedsActivation,
    /// The carrier could not be detected from the number (4032).
    CarrierNotDetected,
    /// Too many requests (429); see [`ApiError::retry_after`].
    RateLimited,
    /// The service failed (500, 502, 503, 504, any 5xx).
    Server,
    /// A code this client does not know.
    Other,
}

impl ApiErrorKind {
    /// Stable snake_case name, e.g. `not_found`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Authentication => "authentication",
            Self::NotFound => "not_found",
            Self::AlreadyExists => "already_exists",
            Self::InvalidRequest => "invalid_request",
            Self::BatchTooLarge => "batch_too_large",
            Self::QuotaExceeded => "quota_exceeded",
            Self::NeedsActivation => "needs_activation",
            Self::CarrierNotDetected => "carrier_not_detected",
            Self::RateLimited => "rate_limited",
            Self::Server => "server",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for ApiErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error answered by the service or a gateway.
#[derive(Clone, thiserror::Error)]
#[error("{kind} error {code} ({type_}): {message} [HTTP {http_status}]")]
pub struct ApiError {
    /// What kind of error it is.
    pub kind: ApiErrorKind,
    /// `meta.code` when the body had one, else the HTTP status.
    pub code: i64,
    /// `meta.type` (e.g. `Bad Request`), or the HTTP reason phrase.
    pub type_: String,
    /// `meta.message`, or a short description of the body.
    pub message: String,
    /// The HTTP status of the response.
    pub http_status: u16,
    /// The delay the server asked for (`Retry-After`), if any.
    pub retry_after: Option<Duration>,
    /// The raw response body.
    pub body: Bytes,
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("kind", &self.kind)
            .field("code", &self.code)
            .field("type_", &self.type_)
            .field("message", &self.message)
            .field("http_status", &self.http_status)
            .field("retry_after", &self.retry_after)
            .finish_non_exhaustive()
    }
}

/// Classifies a `meta.code`. `None` means success (200, 201).
pub fn classify_meta_code(code: i64) -> Option<ApiErrorKind> {
    use ApiErrorKind::*;
    Some(match code {
        200 | 201 => return None,
        202 | 4020 => BatchTooLarge,
        401 | 403 | 4001 | 4002 => Authentication,
        404 | 4017 | 4031 => NotFound,
        409 | 4016 => AlreadyExists,
        400 | 405 | 4012..=4015 | 4033 => InvalidRequest,
        402 | 4019 | 4021 => QuotaExceeded,
        4018 => NeedsActivation,
        4032 => CarrierNotDetected,
        429 => RateLimited,
        500..=599 => Server,
        _ => Other,
    })
}

/// Classifies an HTTP status when the body carried no usable `meta.code`.
/// `None` means a success status.
pub fn classify_http_status(status: u16) -> Option<ApiErrorKind> {
    use ApiErrorKind::*;
    Some(match status {
        200..=299 => return None,
        401 | 403 => Authentication,
        402 => QuotaExceeded,
        404 => NotFound,
        409 => AlreadyExists,
        429 => RateLimited,
        500..=599 => Server,
        400..=499 => InvalidRequest,
        _ => Other,
    })
}

/// Reads `Retry-After` as delta-seconds or an HTTP date (relative to `now`).
pub fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(1e9)));
        }
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApiErrorKind::*;

    #[test]
    fn meta_codes_map_to_kinds() {
        let table: &[(i64, Option<ApiErrorKind>)] = &[
            (200, None),
            (201, None),
            (202, Some(BatchTooLarge)),
            (401, Some(Authentication)),
            (4001, Some(Authentication)),
            (4002, Some(Authentication)),
            (4012, Some(InvalidRequest)),
            (4013, Some(InvalidRequest)),
            (4014, Some(InvalidRequest)),
            (4015, Some(InvalidRequest)),
            (4016, Some(AlreadyExists)),
            (4017, Some(NotFound)),
            (4018, Some(NeedsActivation)),
            (4019, Some(QuotaExceeded)),
            (4020, Some(BatchTooLarge)),
            (4021, Some(QuotaExceeded)),
            (4031, Some(NotFound)),
            (4032, Some(CarrierNotDetected)),
            (4033, Some(InvalidRequest)),
            (402, Some(QuotaExceeded)),
            (403, Some(Authentication)),
            (404, Some(NotFound)),
            (405, Some(InvalidRequest)),
            (409, Some(AlreadyExists)),
            (429, Some(RateLimited)),
            (500, Some(Server)),
            (503, Some(Server)),
            (4999, Some(Other)),
        ];
        for (code, kind) in table {
            assert_eq!(classify_meta_code(*code), *kind, "meta code {code}");
        }
    }

    #[test]
    fn http_statuses_map_to_kinds() {
        let table: &[(u16, Option<ApiErrorKind>)] = &[
            (200, None),
            (201, None),
            (204, None),
            (400, Some(InvalidRequest)),
            (401, Some(Authentication)),
            (403, Some(Authentication)),
            (404, Some(NotFound)),
            (405, Some(InvalidRequest)),
            (429, Some(RateLimited)),
            (500, Some(Server)),
            (502, Some(Server)),
            (503, Some(Server)),
            (504, Some(Server)),
            (302, Some(Other)),
        ];
        for (status, kind) in table {
            assert_eq!(classify_http_status(*status), *kind, "HTTP {status}");
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(parse_retry_after(&h, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        h.insert("retry-after", later.parse().unwrap());
        assert_eq!(parse_retry_after(&h, now), Some(Duration::from_secs(30)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        h.insert("retry-after", earlier.parse().unwrap());
        assert_eq!(parse_retry_after(&h, now), Some(Duration::ZERO));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(parse_retry_after(&h, now), None);
        assert_eq!(parse_retry_after(&HeaderMap::new(), now), None);
    }
}
