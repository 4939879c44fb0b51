//! `/trackings/...` calls: one file per call.

mod air_cargo;
mod batch;
mod change_carrier;
mod create;
mod delete;
mod delete_many;
mod get;
mod list;
mod realtime;
mod remote;
mod status_counts;
mod stop_updating;
mod transit_times;
mod update;
mod updatemore;
mod user_info;

pub(crate) use air_cargo::track_air_cargo;
pub(crate) use batch::batch_create_trackings;
pub(crate) use change_carrier::change_carrier;
pub(crate) use create::create_tracking;
pub(crate) use delete::delete_tracking;
pub(crate) use delete_many::batch_delete_trackings;
pub(crate) use get::{find_tracking, get_tracking};
pub(crate) use list::list_trackings;
pub(crate) use realtime::realtime_tracking;
pub(crate) use remote::check_remote;
pub(crate) use status_counts::get_status_counts;
pub(crate) use stop_updating::stop_updating;
pub(crate) use transit_times::get_transit_times;
pub(crate) use update::update_tracking;
pub(crate) use updatemore::batch_update_trackings;
pub(crate) use user_info::{account_email, get_user_info};

use std::cmp::Reverse;
use std::ops::Bound;

use serde_json::{json, Map, Value};

use super::error::reject;
use super::input::{carrier_by_code, required_carrier, required_number, valid_number};
use super::ApiError;
use crate::catalog::Carrier;
use crate::state::State;
use crate::tracking::{ListKey, StoredTracking};

/// The optional string fields of a create (and realtime) item.
pub(crate) const CREATE_STRINGS: &[&str] = &[
    "destination_code",
    "title",
    "logistics_channel",
    "customer_name",
    "customer_email",
    "customer_phone",
    "order_id",
    "order_create_time",
    "tracking_ship_date",
    "tracking_postal_code",
    "tracking_account_number",
    "tracking_destination_country",
    "specialNumberDestination",
    "lang",
    "comment",
];

/// The id of the tracking of `carrier` and `number` in the account, if any.
pub(crate) fn find_id(state: &State, acct: usize, c: &'static Carrier, n: &str) -> Option<u128> {
    state.accounts[acct]
        .by_key
        .get(&(c.code, Box::from(n)))
        .copied()
}

/// The tracking named by a `/trackings/{carrier}/{number}` path (4015, 4014, or `missing`).
pub(crate) fn key_from_path(
    state: &State,
    acct: usize,
    c: &str,
    n: &str,
    missing: i64,
) -> Result<u128, ApiError> {
    let carrier = carrier_by_code(c)?;
    if !valid_number(n) {
        return Err(ApiError::standard(4014));
    }
    find_id(state, acct, carrier, n).ok_or_else(|| ApiError::standard(missing))
}

/// The tracking named by a batch item, and the item (4012, 4013, 4014, 4015, 4017).
pub(crate) fn key_from_item(
    state: &State,
    acct: usize,
    v: &Value,
) -> Result<(u128, Map<String, Value>), ApiError> {
    let Value::Object(m) = v else {
        return reject(4012, "Each item must be a JSON object.");
    };
    let n = required_number(m, "tracking_number")?;
    let c = required_carrier(m, "carrier_code")?;
    let id = find_id(state, acct, c, &n).ok_or_else(|| ApiError::standard(4017))?;
    Ok((id, m.clone()))
}

/// The per-item error of a batch call.
pub(crate) fn item_error(v: &Value, e: ApiError) -> Value {
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    json!({
        "tracking_number": s("tracking_number"),
        "carrier_code": s("carrier_code"),
        "code": e.code,
        "message": e.message,
    })
}

/// Meta code of a batch answer: 201 when some items failed.
pub(crate) fn batch_code(errors: &[Value]) -> i64 {
    if errors.is_empty() {
        200
    } else {
        201
    }
}

/// `{tracking_number, carrier_code}` of a tracking.
pub(crate) fn ref_json(s: &StoredTracking) -> Value {
    json!({"tracking_number": &*s.number, "carrier_code": s.carrier.code})
}

/// The `created_at` range of a list or count query, in list order (newest first).
/// True when a `*_min` is greater than its `*_max`: such a range matches nothing
/// (CONTRACT §1), and must not reach `BTreeMap::range`, which panics on it.
pub(crate) fn inverted(min: Option<i64>, max: Option<i64>) -> bool {
    matches!((min, max), (Some(a), Some(b)) if a > b)
}

pub(crate) fn created_range(
    min: Option<i64>,
    max: Option<i64>,
) -> (Bound<ListKey>, Bound<ListKey>) {
    (
        max.map_or(Bound::Unbounded, |m| Bound::Included((Reverse(m), 0))),
        min.map_or(Bound::Unbounded, |m| {
            Bound::Included((Reverse(m), u128::MAX))
        }),
    )
}
