//! `GET /_mock/clock` and `POST /_mock/clock` (`{"advance_seconds": N}` or
//! `{"now": …}`); a time outside the clock's range is refused with 4012.

use serde_json::{json, Value};

use super::parse_body;
use crate::clock::{self, parse_time, rfc3339};
use crate::render::{error, success};
use crate::wire::SimResponse;
use crate::world::World;

fn clock_json(w: &World) -> Value {
    json!({"now": rfc3339(w.state.now), "unix": w.state.now})
}

/// The simulated time.
pub(crate) fn get_clock(w: &World) -> SimResponse {
    success(200, clock_json(w))
}

/// Moves the clock forward, or sets it.
pub(crate) fn set_clock(w: &mut World, body: &[u8]) -> SimResponse {
    let v = match parse_body(body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let target = if let Some(secs) = v.get("advance_seconds") {
        match secs.as_u64() {
            Some(n) => clock::advanced(w.state.now, n),
            None => return error(4012, "`advance_seconds` must be a non-negative integer."),
        }
    } else if let Some(now) = v.get("now") {
        match parse_time(now) {
            Some(t) => clock::checked(t),
            None => return error(4012, "`now` must be an RFC 3339 time or Unix seconds."),
        }
    } else {
        return error(
            4012,
            "Send {\"advance_seconds\": N} or {\"now\": \"<rfc3339>\"}.",
        );
    };
    match target {
        Ok(t) => {
            w.state.set_now(t);
            success(200, clock_json(w))
        }
        Err(e) => error(4012, &e.to_string()),
    }
}
