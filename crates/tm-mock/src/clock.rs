//! The simulated clock's time format and the admin API's time input. The
//! clock itself is [`crate::state::State::now`]; moving it applies due status
//! changes ([`crate::state::State::set_now`]).

use chrono::DateTime;
use serde_json::Value;

/// RFC 3339 with `+00:00` (empty when out of chrono's range).
pub(crate) fn rfc3339(t: i64) -> String {
    DateTime::from_timestamp(t, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        .unwrap_or_default()
}

/// A time given as an RFC 3339 string or as Unix seconds.
pub(crate) fn parse_time(v: &Value) -> Option<i64> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.timestamp())
        .or_else(|| v.as_i64())
}
