//! Response rendering straight to JSON bytes. The hot responses (a tracking, a
//! created tracking, list pages) are serialized from borrowed views instead of
//! `serde_json::Value` trees. Rendering reads stored trackings and routes; it
//! never reaches into the state.

mod envelope;
mod time;
mod tracking;

pub(crate) use envelope::{
    envelope, error, success, success_sized, with_retry_after, TRACKING_BODY_CAPACITY,
};
pub(crate) use tracking::TrackingView;

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::shipment::Status;
use crate::tracking::StoredTracking;
use tracking::CreatedView;

/// Data of a successful call: a JSON tree, or JSON already rendered.
#[derive(Debug)]
pub(crate) enum Data {
    Json(Value),
    Raw(Box<RawValue>),
}

impl From<Value> for Data {
    fn from(v: Value) -> Self {
        Data::Json(v)
    }
}

impl From<Box<RawValue>> for Data {
    fn from(v: Box<RawValue>) -> Self {
        Data::Raw(v)
    }
}

impl Serialize for Data {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Data::Json(v) => v.serialize(s),
            Data::Raw(r) => r.serialize(s),
        }
    }
}

/// Renders `v` to a raw JSON value (no re-parsing).
pub(crate) fn raw<T: Serialize + ?Sized>(v: &T) -> Box<RawValue> {
    // Serializing these views cannot fail: every key is a string.
    serde_json::value::to_raw_value(v)
        .unwrap_or_else(|_| RawValue::from_string("null".to_owned()).expect("`null` is valid JSON"))
}

/// Created-tracking shape (seed's batch item plus `destination`) as JSON.
pub(crate) fn created_json(s: &StoredTracking, status: Status, updated: bool) -> Value {
    serde_json::to_value(CreatedView { s, status, updated }).unwrap_or(Value::Null)
}

/// Created-tracking shape, rendered.
pub(crate) fn created_raw(s: &StoredTracking, status: Status, updated: bool) -> Box<RawValue> {
    raw(&CreatedView { s, status, updated })
}

/// Full tracking object seen at time `t` (its route built from `seed`), rendered.
pub(crate) fn tracking_raw(seed: u64, s: &StoredTracking, t: i64) -> Box<RawValue> {
    raw(&TrackingView {
        s,
        route: s.route(seed),
        t,
    })
}
