//! `POST /_mock/rate-limits` (`{"enabled": true|false}`).

use serde_json::{json, Value};

use super::parse_body;
use crate::render::{error, success};
use crate::wire::SimResponse;
use crate::world::World;

/// Turns rate limits on or off.
pub(crate) fn set_rate_limits(w: &mut World, body: &[u8]) -> SimResponse {
    let v = match parse_body(body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    match v.get("enabled").and_then(Value::as_bool) {
        Some(on) => {
            w.rate_limits.set_enabled(on);
            success(200, json!({"enabled": on}))
        }
        None => error(4012, "Send {\"enabled\": true|false}."),
    }
}
