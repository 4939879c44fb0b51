//! The simulated clock's range, time format and the admin API's time input.
//! The clock itself is [`crate::state::State::now`]; moving it applies due
//! status changes ([`crate::state::State::set_now`]).
//!
//! The clock stays within [`CLOCK_MIN`]..=[`CLOCK_MAX`]
//! (1970-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z): every date the API writes
//! has four-digit years, and no time arithmetic on it (routes add at most a
//! few hundred days) can overflow.

use chrono::{DateTime, Utc};
use serde_json::Value;

/// Earliest time of the simulated clock: 1970-01-01T00:00:00Z (Unix 0).
pub const CLOCK_MIN: i64 = 0;

/// Latest time of the simulated clock: 9999-12-31T23:59:59Z.
pub const CLOCK_MAX: i64 = 253_402_300_799;

/// A clock change the simulator refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClockError {
    /// The time asked for (Unix seconds) is outside [`CLOCK_MIN`]..=[`CLOCK_MAX`].
    #[error(
        "the simulated clock accepts 1970-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z \
         (Unix {CLOCK_MIN}..={CLOCK_MAX}); Unix {unix} is outside"
    )]
    OutOfRange {
        /// The time asked for, in Unix seconds (wide enough for any overflow).
        unix: i128,
    },
}

/// `unix` as a clock time, or why not.
pub(crate) fn checked(unix: i128) -> Result<i64, ClockError> {
    if (i128::from(CLOCK_MIN)..=i128::from(CLOCK_MAX)).contains(&unix) {
        // In range, so it fits.
        Ok(unix as i64)
    } else {
        Err(ClockError::OutOfRange { unix })
    }
}

/// `unix` moved into the clock's range.
pub(crate) fn clamp(unix: i128) -> i64 {
    unix.clamp(i128::from(CLOCK_MIN), i128::from(CLOCK_MAX)) as i64
}

/// `now + seconds` as a clock time, or why not.
pub(crate) fn advanced(now: i64, seconds: u64) -> Result<i64, ClockError> {
    checked(i128::from(now) + i128::from(seconds))
}

/// A clock time as a date.
pub(crate) fn to_datetime(t: i64) -> DateTime<Utc> {
    // Every clock time is a valid date.
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

/// RFC 3339 with `+00:00` (empty when out of chrono's range).
pub(crate) fn rfc3339(t: i64) -> String {
    DateTime::from_timestamp(t, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        .unwrap_or_default()
}

/// A clock time as an HTTP `Date` header value (IMF-fixdate, always GMT).
pub(crate) fn http_date(t: i64) -> http::HeaderValue {
    let text = to_datetime(t)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    // IMF-fixdate is plain ASCII.
    http::HeaderValue::from_str(&text).unwrap_or(http::HeaderValue::from_static(""))
}

/// Sets `Date` to the simulated time `t`: a client that estimates the
/// server's clock from `Date` (tm-core does, to settle a create whose answer
/// was lost) then agrees with the `created_at` the simulator writes.
pub(crate) fn stamp_date(headers: &mut http::HeaderMap, t: i64) {
    headers.insert(http::header::DATE, http_date(t));
}

/// A time given as an RFC 3339 string or as Unix seconds (any integer; the
/// range is checked by the caller).
pub(crate) fn parse_time(v: &Value) -> Option<i128> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| i128::from(d.timestamp()))
        .or_else(|| v.as_i64().map(i128::from))
        .or_else(|| v.as_u64().map(i128::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_is_the_four_digit_years() {
        assert_eq!(rfc3339(CLOCK_MIN), "1970-01-01T00:00:00+00:00");
        assert_eq!(rfc3339(CLOCK_MAX), "9999-12-31T23:59:59+00:00");
        assert_eq!(checked(0), Ok(0));
        assert!(checked(-1).is_err());
        assert!(checked(i128::from(CLOCK_MAX) + 1).is_err());
        assert!(advanced(CLOCK_MAX, 1).is_err());
        assert!(advanced(0, u64::MAX).is_err());
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(CLOCK_MAX), "Fri, 31 Dec 9999 23:59:59 GMT");
        assert_eq!(http_date(1_700_000_000), "Tue, 14 Nov 2023 22:13:20 GMT");
        assert_eq!(clamp(i128::from(i64::MAX)), CLOCK_MAX);
        assert_eq!(clamp(-5), CLOCK_MIN);
        let e = checked(i128::from(i64::MAX)).unwrap_err().to_string();
        assert!(
            e.contains("9999-12-31T23:59:59Z") && e.contains("9223372036854775807"),
            "{e}"
        );
    }
}
