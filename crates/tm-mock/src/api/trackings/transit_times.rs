//! `POST /trackings/costtime`: transit-time statistics of lanes, from the account's trackings.

use serde_json::{json, Value};

use crate::api::error::reject;
use crate::api::input::{optional_string, parse_array, required_carrier};
use crate::api::JsonResult;
use crate::state::State;

/// Transit times of each requested lane.
pub(crate) fn get_transit_times(state: &mut State, acct: usize, body: &[u8]) -> JsonResult {
    let items = parse_array(body)?;
    let mut lanes = Vec::new();
    for v in &items {
        let Value::Object(m) = v else {
            return reject(4012, "Each item must be a JSON object.");
        };
        let c = required_carrier(m, "carrier_code")?;
        let o = optional_string(m, "original")?
            .unwrap_or_default()
            .to_ascii_uppercase();
        let d = optional_string(m, "destination")?
            .unwrap_or_default()
            .to_ascii_uppercase();
        lanes.push((c, o, d));
    }
    let now = state.now;
    let a = &state.accounts[acct];
    let mut out = Vec::new();
    for (c, o, d) in lanes {
        let (mut total, mut delivered, mut sum_days) = (0u64, 0u64, 0f64);
        let mut buckets = [0u64; 5];
        for s in a.trackings.values().filter(|s| std::ptr::eq(s.carrier, c)) {
            let r = state.route_of(s);
            if r.origin.code != o || r.dest.code != d {
                continue;
            }
            total += 1;
            let seen = s.seen_at(now);
            if let (Some(del), Some(first)) = (r.delivered_at(seen), r.events.first()) {
                delivered += 1;
                let days = (del - first.at.min(s.anchor)).max(0) as f64 / 86_400.0;
                sum_days += days;
                let b = match days {
                    x if x <= 7.0 => 0,
                    x if x <= 15.0 => 1,
                    x if x <= 30.0 => 2,
                    x if x <= 60.0 => 3,
                    _ => 4,
                };
                buckets[b] += 1;
            }
        }
        let share = |n: u64| {
            if total == 0 {
                0.0
            } else {
                (n as f64 * 1000.0 / total as f64).round() / 10.0
            }
        };
        let avg = if delivered == 0 {
            0.0
        } else {
            (sum_days * 10.0 / delivered as f64).round() / 10.0
        };
        out.push(json!({
            "carrier_code": c.code,
            "original": o,
            "destination": d,
            "total": total,
            "delivered": delivered,
            "range1": share(buckets[0]),
            "range2": share(buckets[1]),
            "range3": share(buckets[2]),
            "range4": share(buckets[3]),
            "range5": share(buckets[4]),
            "range6": share(total - delivered),
            "average": avg,
        }));
    }
    Ok((200, Value::Array(out)))
}
