//! `POST /trackings/realtime`: query a carrier now (charged at most once per 2 hours per number).

use serde::Serialize;
use serde_json::value::RawValue;

use crate::api::input::{optional_string, parse_object, required_carrier, required_number};
use crate::api::{charge, cost, CallResult};
use crate::render;
use crate::shipment::Status;
use crate::state::State;
use crate::tracking::StoredTracking;

/// The `data` of a realtime query.
#[derive(Serialize)]
struct RealtimeOut {
    items: [Box<RawValue>; 1],
}

/// The tracking as the carrier shows it now; stored trackings are shown as stored.
pub(crate) fn realtime_tracking(state: &mut State, acct: usize, body: &[u8]) -> CallResult {
    let m = parse_object(body)?;
    let n = required_number(&m, "tracking_number")?;
    let carrier = required_carrier(&m, "carrier_code")?;
    for k in super::CREATE_STRINGS.iter().chain(&["order"]) {
        optional_string(&m, k)?;
    }
    let now = state.now;
    let key = (carrier.code, Box::<str>::from(n.as_str()));
    let entry = state.accounts[acct].realtime.get(&key).copied();
    let at = match entry {
        Some(e) if now >= e.charged_at && now - e.charged_at < 7200 => e.charged_at,
        _ => {
            charge(&mut state.accounts[acct], cost::REALTIME)?;
            let h = crate::hash::mix(
                state.seed ^ crate::hash::fnv(&[carrier.code.as_bytes(), n.as_bytes(), b"rt"]),
            );
            let anchor = entry.map_or(now - 86_400 - (h % (8 * 86_400)) as i64, |e| e.anchor);
            state.accounts[acct].realtime.insert(
                key,
                crate::tracking::RealtimeEntry {
                    anchor,
                    charged_at: now,
                },
            );
            now
        }
    };
    let item = match super::find_id(state, acct, carrier, &n) {
        Some(id) => render::tracking_raw(state.seed, &state.accounts[acct].trackings[&id], at),
        None => {
            let e = state.accounts[acct].realtime[&(carrier.code, Box::<str>::from(n.as_str()))];
            let h = crate::hash::mix(
                state.seed ^ crate::hash::fnv(&[carrier.code.as_bytes(), n.as_bytes(), b"id"]),
            );
            let dest = optional_string(&m, "destination_code")?;
            let s = StoredTracking {
                id: (u128::from(h) << 64) | u128::from(crate::hash::mix(h)),
                carrier,
                number: n.as_str().into(),
                created: e.anchor,
                anchor: e.anchor,
                modified: e.anchor,
                route_dest: dest.clone(),
                order_create_time: optional_string(&m, "order_create_time")?,
                order_ts: None,
                title: None,
                order_id: optional_string(&m, "order")?,
                comment: None,
                customer_name: None,
                customer_email: None,
                customer_phone: None,
                logistics_channel: None,
                destination_code: dest,
                archived: false,
                track_update: true,
                frozen_at: None,
                manual: None,
                status: Status::Pending,
                next_at: None,
            };
            render::tracking_raw(state.seed, &s, at)
        }
    };
    Ok((200, render::raw(&RealtimeOut { items: [item] }).into()))
}
