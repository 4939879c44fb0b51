//! `POST /carriers/detect`: the carriers a tracking number may belong to.

use serde_json::{json, Value};

use crate::api::input::parse_object;
use crate::api::input::required_number;
use crate::api::{charge, cost, ApiError, JsonResult};
use crate::catalog;
use crate::state::State;

/// Detects the carriers of `tracking_number` (charged; 4032 when none).
pub(crate) fn detect_carrier(state: &mut State, acct: usize, body: &[u8]) -> JsonResult {
    let m = parse_object(body)?;
    let n = required_number(&m, "tracking_number")?;
    charge(&mut state.accounts[acct], cost::DETECT)?;
    let found = catalog::detect(&n);
    if found.is_empty() {
        return Err(ApiError::standard(4032));
    }
    Ok((
        200,
        Value::Array(
            found
                .iter()
                .map(|c| json!({"name": c.name, "code": c.code}))
                .collect(),
        ),
    ))
}
