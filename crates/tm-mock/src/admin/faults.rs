//! `GET`, `POST`/`PUT` and `DELETE /_mock/faults`: the fault rules (values
//! out of range are refused with 4012).

use serde_json::{json, Value};

use super::parse_body;
use crate::faults::FaultConfig;
use crate::render::{error, success};
use crate::wire::SimResponse;
use crate::world::World;

/// The rules still active.
pub(crate) fn get_faults(w: &World) -> SimResponse {
    success(
        200,
        serde_json::to_value(&w.faults.config).unwrap_or(Value::Null),
    )
}

/// Replaces the rules.
pub(crate) fn set_faults(w: &mut World, body: &[u8]) -> SimResponse {
    let v = match parse_body(body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let config = match serde_json::from_value::<FaultConfig>(v) {
        Ok(config) => config,
        Err(e) => return error(4012, &format!("Invalid fault config: {e}")),
    };
    match config.validate() {
        Ok(()) => {
            w.set_faults(config);
            get_faults(w)
        }
        Err(e) => error(4012, &format!("Invalid fault config: {e}")),
    }
}

/// Removes every rule.
pub(crate) fn clear_faults(w: &mut World) -> SimResponse {
    w.set_faults(FaultConfig::default());
    success(200, json!([]))
}
