//! `GET /trackings/get`: a filtered, paged list of trackings, newest first.

use std::cmp::Reverse;

use crate::tracking::ListKey;

use serde::Serialize;
use serde_json::value::RawValue;

use crate::api::error::reject;
use crate::api::input::{query_i64, query_list, query_value};
use crate::api::{ApiError, CallResult};
use crate::render;
use crate::shipment::Status;
use crate::state::State;
use crate::tracking::StoredTracking;

/// The `data` of a list page.
#[derive(Serialize)]
struct PageOut {
    page: i64,
    limit: i64,
    total: String,
    count: usize,
    items: Vec<Box<RawValue>>,
}

/// One page of the account's trackings that match the query.
pub(crate) fn list_trackings(
    state: &mut State,
    acct: usize,
    query: &[(String, String)],
) -> CallResult {
    let page = query_i64(query, "page")?.unwrap_or(1);
    let limit = query_i64(query, "limit")?.unwrap_or(100);
    if page < 1 {
        return reject(4012, "`page` must be 1 or more.");
    }
    if !(1..=2000).contains(&limit) {
        return reject(4012, "`limit` must be between 1 and 2000.");
    }
    let status = match query_value(query, "status") {
        None => None,
        Some(s) => Some(Status::parse(s).ok_or_else(|| ApiError::standard(4033))?),
    };
    let c_min = query_i64(query, "created_at_min")?;
    let c_max = query_i64(query, "created_at_max")?;
    let u_min = query_i64(query, "update_time_min")?;
    let u_max = query_i64(query, "update_time_max")?;
    let o_min = query_i64(query, "order_created_time_min")?;
    let o_max = query_i64(query, "order_created_time_max")?;
    let numbers = query_list(query, "numbers")?;
    let orders = query_list(query, "orders")?;
    let archived = match query_value(query, "archived") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return reject(4012, "`archived` must be \"true\" or \"false\"."),
    };
    if super::inverted(c_min, c_max)
        || super::inverted(u_min, u_max)
        || super::inverted(o_min, o_max)
    {
        let out = PageOut {
            page,
            limit,
            total: "0".into(),
            count: 0,
            items: Vec::new(),
        };
        return Ok((200, render::raw(&out).into()));
    }
    let a = &state.accounts[acct];
    let range = super::created_range(c_min, c_max);
    let in_range =
        |k: &ListKey| c_min.is_none_or(|m| k.0 .0 >= m) && c_max.is_none_or(|m| k.0 .0 <= m);
    // Base candidates, already in list order.
    let base: Box<dyn Iterator<Item = ListKey> + '_> = if numbers.is_some() || orders.is_some() {
        let mut ids: Vec<u128> = Vec::new();
        if let Some(ns) = &numbers {
            for n in ns {
                ids.extend(a.by_number.get(n.as_str()).into_iter().flatten());
            }
        } else if let Some(os) = &orders {
            for o in os {
                ids.extend(a.by_order.get(o.as_str()).into_iter().flatten());
            }
        }
        let mut keys: Vec<ListKey> = ids
            .iter()
            .filter_map(|id| a.trackings.get(id))
            .map(|s| (Reverse(s.created), s.id))
            .collect();
        keys.sort();
        keys.dedup();
        Box::new(keys.into_iter().filter(move |k| in_range(k)))
    } else if let Some(s) = status {
        Box::new(a.by_status[s.index()].range(range).copied())
    } else {
        Box::new(a.order.range(range).copied())
    };
    let needs_status = status.is_some() && (numbers.is_some() || orders.is_some());
    let extra = needs_status
        || u_min.is_some()
        || u_max.is_some()
        || o_min.is_some()
        || o_max.is_some()
        || archived.is_some()
        || orders.is_some() && numbers.is_some();
    let now = state.now;
    let offset = (page - 1).saturating_mul(limit) as usize;
    let mut total = 0usize;
    let mut items = Vec::new();
    let matches = |s: &StoredTracking| -> bool {
        if needs_status && Some(s.status) != status {
            return false;
        }
        if let Some(ar) = archived {
            if s.archived != ar {
                return false;
            }
        }
        if o_min.is_some() || o_max.is_some() {
            let Some(t) = s.order_ts else { return false };
            if o_min.is_some_and(|m| t < m) || o_max.is_some_and(|m| t > m) {
                return false;
            }
        }
        if let (Some(os), Some(_)) = (&orders, &numbers) {
            if !s
                .order_id
                .as_deref()
                .is_some_and(|o| os.iter().any(|x| x == o))
            {
                return false;
            }
        }
        if u_min.is_some() || u_max.is_some() {
            let u = s.updated_at(&state.route_of(s), now);
            if u_min.is_some_and(|m| u < m) || u_max.is_some_and(|m| u > m) {
                return false;
            }
        }
        true
    };
    if extra {
        for k in base {
            let s = &a.trackings[&k.1];
            if !matches(s) {
                continue;
            }
            if total >= offset && items.len() < limit as usize {
                items.push(render::tracking_raw(state.seed, s, now));
            }
            total += 1;
        }
    } else {
        let unranged = c_min.is_none() && c_max.is_none() && numbers.is_none() && orders.is_none();
        let mut it = base;
        if unranged {
            total = match status {
                Some(s) => a.by_status[s.index()].len(),
                None => a.order.len(),
            };
            for k in it.by_ref().skip(offset).take(limit as usize) {
                items.push(render::tracking_raw(state.seed, &a.trackings[&k.1], now));
            }
        } else {
            for (i, k) in it.enumerate() {
                if i >= offset && items.len() < limit as usize {
                    items.push(render::tracking_raw(state.seed, &a.trackings[&k.1], now));
                }
                total += 1;
            }
        }
    }
    let out = PageOut {
        page,
        limit,
        total: total.to_string(),
        count: items.len(),
        items,
    };
    Ok((200, render::raw(&out).into()))
}
