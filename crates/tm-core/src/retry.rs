//! Retry policy: which failures are retried, and how long to wait.
//!
//! The decision is a pure function ([`RetryPolicy::decide`]) of the error, the
//! attempt number, the time spent so far and a random number, so it is tested
//! as a table. Backoff is exponential with full jitter; a server's
//! `Retry-After` is honoured up to [`RetryPolicy::retry_after_cap`].

use std::time::Duration;

use crate::error::{ApiErrorKind, Error};
use crate::transport::TransportErrorKind;

/// How a failure should be treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retryable {
    /// Worth another attempt.
    Yes,
    /// Retrying cannot help (bad input, auth, quota, not found…).
    No,
}

/// Classifies an error. Retried: connection errors, timeouts, broken
/// connections, HTTP/meta 5xx (500, 503…), 429 (meta or HTTP), and a response
/// that could not be decoded under a 5xx or a truncated body. Never retried:
/// 4xxx client errors, quota (4019, 4021), validation.
pub fn classify(error: &Error) -> Retryable {
    match error {
        Error::Validation(_) => Retryable::No,
        Error::Transport(t) => match t.kind {
            TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io => {
                Retryable::Yes
            }
            _ => Retryable::No,
        },
        Error::Api(e) => match e.kind {
            ApiErrorKind::RateLimited | ApiErrorKind::Server => Retryable::Yes,
            _ => Retryable::No,
        },
        // A body that is not a v2 envelope under a success status: usually a
        // truncated or garbled response from a proxy; the call can be repeated.
        Error::Decode(d) => {
            if d.status.is_server_error() || d.body.is_empty() || !looks_complete(&d.body) {
                Retryable::Yes
            } else {
                Retryable::No
            }
        }
    }
}

/// True if the failure may have happened after the service applied the request
/// (so a retried create can meet its own earlier attempt).
pub fn may_have_landed(error: &Error) -> bool {
    match error {
        Error::Transport(t) => {
            // A body too large to read is still an answer: the call was applied.
            matches!(
                t.kind,
                TransportErrorKind::Timeout
                    | TransportErrorKind::Io
                    | TransportErrorKind::BodyTooLarge
            )
        }
        Error::Api(e) => e.kind == ApiErrorKind::Server,
        Error::Decode(_) => true,
        Error::Validation(_) => false,
    }
}

fn looks_complete(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// Retry settings. `Default` is 3 attempts (2 retries), 0.5 s doubling to 8 s,
/// `Retry-After` honoured up to 60 s, no overall budget.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// Backoff before the first retry (before jitter).
    pub base_delay: Duration,
    /// Largest backoff (before jitter).
    pub max_delay: Duration,
    /// Largest `Retry-After` honoured; a longer one stops retrying.
    pub retry_after_cap: Duration,
    /// Overall time budget of one call, retries and waits included.
    pub budget: Option<Duration>,
    /// Full jitter (`true`) or the plain exponential delay (`false`).
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(60),
            budget: None,
            jitter: true,
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Give up and return the error.
    Stop,
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// `max_retries` retries after the first attempt.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_attempts = max_retries.saturating_add(1);
        self
    }

    /// Sets the overall time budget.
    pub fn with_budget(mut self, budget: Duration) -> Self {
        self.budget = Some(budget);
        self
    }

    /// The exponential delay before retry number `retry` (1-based), before jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1).min(20));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// Decides after attempt number `attempt` (1-based) failed with `error`,
    /// `elapsed` into the call. `random` is uniform in `[0, 1)` (full jitter).
    pub fn decide(&self, error: &Error, attempt: u32, elapsed: Duration, random: f64) -> Decision {
        if classify(error) == Retryable::No || attempt >= self.max_attempts {
            return Decision::Stop;
        }
        let wait = match error.retry_after() {
            Some(ra) if ra > self.retry_after_cap => return Decision::Stop,
            Some(ra) => ra,
            None => {
                let exp = self.backoff(attempt);
                if self.jitter {
                    exp.mul_f64(random.clamp(0.0, 1.0))
                } else {
                    exp
                }
            }
        };
        if let Some(budget) = self.budget {
            if elapsed.saturating_add(wait) >= budget {
                return Decision::Stop;
            }
        }
        Decision::RetryAfter(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, DecodeError, TransportError, ValidationError};
    use bytes::Bytes;
    use http::StatusCode;

    fn api(kind: ApiErrorKind, code: i64, retry_after: Option<u64>) -> Error {
        Error::Api(ApiError {
            kind,
            code,
            type_: String::new(),
            message: String::new(),
            http_status: 200,
            retry_after: retry_after.map(Duration::from_secs),
            body: Bytes::new(),
        })
    }

    fn transport(kind: TransportErrorKind) -> Error {
        Error::Transport(TransportError::new(kind, "x"))
    }

    fn decode(status: u16, body: &'static str) -> Error {
        Error::Decode(DecodeError {
            status: StatusCode::from_u16(status).unwrap(),
            message: String::new(),
            body: Bytes::from_static(body.as_bytes()),
        })
    }

    #[test]
    fn classification_table() {
        use ApiErrorKind::*;
        let table: Vec<(Error, Retryable, bool)> = vec![
            (
                transport(TransportErrorKind::Connect),
                Retryable::Yes,
                false,
            ),
            (transport(TransportErrorKind::Timeout), Retryable::Yes, true),
            (transport(TransportErrorKind::Io), Retryable::Yes, true),
            (transport(TransportErrorKind::Request), Retryable::No, false),
            (api(Server, 500, None), Retryable::Yes, true),
            (api(Server, 503, Some(1)), Retryable::Yes, true),
            (api(RateLimited, 429, Some(2)), Retryable::Yes, false),
            (api(QuotaExceeded, 4019, None), Retryable::No, false),
            (api(QuotaExceeded, 4021, None), Retryable::No, false),
            (api(Authentication, 4001, None), Retryable::No, false),
            (api(InvalidRequest, 4012, None), Retryable::No, false),
            (api(InvalidRequest, 4014, None), Retryable::No, false),
            (api(AlreadyExists, 4016, None), Retryable::No, false),
            (api(NotFound, 4017, None), Retryable::No, false),
            (api(BatchTooLarge, 4020, None), Retryable::No, false),
            (api(CarrierNotDetected, 4032, None), Retryable::No, false),
            (
                Error::Validation(ValidationError::new("f", "m")),
                Retryable::No,
                false,
            ),
            (decode(200, "{\"meta\":{\"co"), Retryable::Yes, true),
            (decode(200, ""), Retryable::Yes, true),
            (decode(502, "<html>"), Retryable::Yes, true),
            (decode(200, "{\"unexpected\":true}"), Retryable::No, true),
        ];
        for (error, retry, landed) in table {
            assert_eq!(classify(&error), retry, "{error:?}");
            assert_eq!(may_have_landed(&error), landed, "{error:?}");
        }
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let p = RetryPolicy::default();
        let got: Vec<u64> = (1..=6).map(|n| p.backoff(n).as_millis() as u64).collect();
        assert_eq!(got, vec![500, 1000, 2000, 4000, 8000, 8000]);
    }

    #[test]
    fn decisions() {
        let p = RetryPolicy {
            max_attempts: 4,
            ..RetryPolicy::default()
        };
        let e503 = api(ApiErrorKind::Server, 503, None);
        // Full jitter scales the exponential delay by the random draw.
        assert_eq!(
            p.decide(&e503, 1, Duration::ZERO, 0.5),
            Decision::RetryAfter(Duration::from_millis(250))
        );
        assert_eq!(
            p.decide(&e503, 3, Duration::ZERO, 1.0),
            Decision::RetryAfter(Duration::from_secs(2))
        );
        // Attempts exhausted.
        assert_eq!(p.decide(&e503, 4, Duration::ZERO, 0.5), Decision::Stop);
        // Retry-After wins over backoff, up to the cap.
        let ra = api(ApiErrorKind::RateLimited, 429, Some(7));
        assert_eq!(
            p.decide(&ra, 1, Duration::ZERO, 0.0),
            Decision::RetryAfter(Duration::from_secs(7))
        );
        let too_long = api(ApiErrorKind::RateLimited, 429, Some(120));
        assert_eq!(p.decide(&too_long, 1, Duration::ZERO, 0.0), Decision::Stop);
        // Budget: a wait that would overrun it stops.
        let b = p.clone().with_budget(Duration::from_secs(10));
        assert_eq!(
            b.decide(&ra, 1, Duration::from_secs(4), 0.0),
            Decision::Stop
        );
        assert_eq!(
            b.decide(&ra, 1, Duration::from_secs(2), 0.0),
            Decision::RetryAfter(Duration::from_secs(7))
        );
        // No jitter: the plain exponential delay.
        let nj = RetryPolicy {
            jitter: false,
            ..p.clone()
        };
        assert_eq!(
            nj.decide(&e503, 2, Duration::ZERO, 0.1),
            Decision::RetryAfter(Duration::from_secs(1))
        );
        // Never retried.
        let quota = api(ApiErrorKind::QuotaExceeded, 4021, None);
        assert_eq!(p.decide(&quota, 1, Duration::ZERO, 0.5), Decision::Stop);
        assert_eq!(
            RetryPolicy::none().decide(&e503, 1, Duration::ZERO, 0.5),
            Decision::Stop
        );
    }
}
