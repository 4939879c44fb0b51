//! `POST /trackings/update`: move a tracking to another carrier (its route starts again).

use serde_json::json;

use crate::api::input::{parse_object, required_carrier, required_number};
use crate::api::{ApiError, JsonResult};
use crate::shipment::Status;
use crate::state::State;

/// Changes the carrier (4016 when the target already exists, 4017 when the source does not).
pub(crate) fn change_carrier(state: &mut State, acct: usize, body: &[u8]) -> JsonResult {
    let m = parse_object(body)?;
    let n = required_number(&m, "tracking_number")?;
    let from = required_carrier(&m, "carrier_code")?;
    let to = required_carrier(&m, "update_carrier_code")?;
    let id = super::find_id(state, acct, from, &n).ok_or_else(|| ApiError::standard(4017))?;
    if std::ptr::eq(from, to) {
        return Ok((200, json!({"Usertag": ""})));
    }
    if super::find_id(state, acct, to, &n).is_some() {
        return Err(ApiError::standard(4016));
    }
    let Some(mut s) = state.remove(acct, id) else {
        return Err(ApiError::standard(4017));
    };
    s.carrier = to;
    s.anchor = state.now;
    s.modified = state.now;
    s.manual = None;
    s.frozen_at = None;
    s.track_update = true;
    s.status = Status::Pending;
    s.next_at = None;
    state.insert(acct, s);
    Ok((200, json!({"Usertag": ""})))
}
