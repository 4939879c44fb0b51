//! `POST /trackings/post`: create one tracking (charged).

use serde_json::value::RawValue;
use serde_json::Value;

use crate::api::error::reject;
use crate::api::input::{
    optional_string, parse_json, parse_order_time, required_carrier, required_number,
};
use crate::api::{charge, cost, ApiError, CallResult};
use crate::render;
use crate::shipment::Status;
use crate::state::State;
use crate::tracking::StoredTracking;

/// Validates a create item and builds the record (not yet stored).
pub(crate) fn new_tracking(
    state: &mut State,
    acct: usize,
    v: &Value,
) -> Result<StoredTracking, ApiError> {
    let Value::Object(m) = v else {
        return reject(4012, "Each item must be a JSON object.");
    };
    let number = required_number(m, "tracking_number")?;
    let carrier = required_carrier(m, "carrier_code")?;
    for k in super::CREATE_STRINGS {
        optional_string(m, k)?;
    }
    match m.get("auto_correct") {
        None | Some(Value::Null | Value::Number(_) | Value::String(_) | Value::Bool(_)) => {}
        Some(_) => return reject(4012, "`auto_correct` must be a number."),
    }
    if super::find_id(state, acct, carrier, &number).is_some() {
        return Err(ApiError::standard(4016));
    }
    let oct = optional_string(m, "order_create_time")?;
    let dest = optional_string(m, "destination_code")?;
    let now = state.now;
    Ok(StoredTracking {
        id: state.new_id(acct),
        carrier,
        number: number.into(),
        created: now,
        anchor: now,
        modified: now,
        route_dest: dest.clone(),
        order_ts: oct.as_deref().and_then(parse_order_time),
        order_create_time: oct,
        title: optional_string(m, "title")?,
        order_id: optional_string(m, "order_id")?,
        comment: optional_string(m, "comment")?,
        customer_name: optional_string(m, "customer_name")?,
        customer_email: optional_string(m, "customer_email")?,
        customer_phone: optional_string(m, "customer_phone")?,
        logistics_channel: optional_string(m, "logistics_channel")?,
        destination_code: dest,
        archived: false,
        track_update: true,
        frozen_at: None,
        manual: None,
        status: Status::Pending,
        next_at: None,
    })
}

/// Creates one tracking from a batch or single item, charging for it.
pub(crate) fn create_one(
    state: &mut State,
    acct: usize,
    v: &Value,
) -> Result<Box<RawValue>, ApiError> {
    let s = new_tracking(state, acct, v)?;
    charge(&mut state.accounts[acct], cost::CREATE)?;
    let out = render::created_raw(&s, Status::Pending, false);
    state.insert(acct, s);
    Ok(out)
}

/// Creates the tracking of the body.
pub(crate) fn create_tracking(state: &mut State, acct: usize, body: &[u8]) -> CallResult {
    let v = parse_json(body)?;
    if !v.is_object() {
        return reject(4012, "The request body must be a JSON object.");
    }
    Ok((200, create_one(state, acct, &v)?.into()))
}
