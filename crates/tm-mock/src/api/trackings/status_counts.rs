//! `GET /trackings/getstatusnumber`: how many trackings are in each status.

use serde_json::{json, Map, Value};

use crate::api::input::query_i64;
use crate::api::JsonResult;
use crate::shipment::Status;
use crate::state::State;

/// Counts by status, optionally within created / order-time ranges.
pub(crate) fn get_status_counts(
    state: &mut State,
    acct: usize,
    query: &[(String, String)],
) -> JsonResult {
    let c_min = query_i64(query, "created_at_min")?;
    let c_max = query_i64(query, "created_at_max")?;
    let o_min = query_i64(query, "order_created_time_min")?;
    let o_max = query_i64(query, "order_created_time_max")?;
    let a = &state.accounts[acct];
    let mut counts = [0usize; 8];
    if super::inverted(c_min, c_max) || super::inverted(o_min, o_max) {
        // An inverted range matches nothing.
    } else if c_min.is_none() && c_max.is_none() && o_min.is_none() && o_max.is_none() {
        for (i, set) in a.by_status.iter().enumerate() {
            counts[i] = set.len();
        }
    } else {
        for k in a.order.range(super::created_range(c_min, c_max)) {
            let s = &a.trackings[&k.1];
            if o_min.is_some() || o_max.is_some() {
                let Some(t) = s.order_ts else { continue };
                if o_min.is_some_and(|m| t < m) || o_max.is_some_and(|m| t > m) {
                    continue;
                }
            }
            counts[s.status.index()] += 1;
        }
    }
    let mut m = Map::new();
    for s in Status::ALL {
        m.insert(s.as_str().into(), json!(counts[s.index()]));
    }
    Ok((200, Value::Object(m)))
}
