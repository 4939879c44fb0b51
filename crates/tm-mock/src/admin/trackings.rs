//! An account's trackings, for the dashboard (accounts are named by label,
//! never by key):
//!
//! - `GET /_mock/accounts/{label}/trackings?status=&carrier=&number=&page=&limit=`:
//!   a page of summaries, newest first (`number` matches a substring).
//! - `GET /_mock/accounts/{label}/trackings/{id}`: one tracking as the API shows it now.
//! - `GET /_mock/accounts/{label}/status-history?points=N`: how many of the
//!   account's trackings were in each status, at `N` instants from the first
//!   creation to now.

use serde_json::{json, Map, Value};

use crate::clock::rfc3339;
use crate::render::{self, error, success};
use crate::shipment::Status;
use crate::tracking::StoredTracking;
use crate::wire::SimResponse;
use crate::world::World;

/// Most summaries one page returns.
const MAX_PAGE: usize = 500;
/// Most instants of a status history.
const MAX_POINTS: usize = 200;
/// Most trackings (the newest) a status history looks at.
const MAX_HISTORY_TRACKINGS: usize = 20_000;

/// The last value of query parameter `k`, trimmed, if not empty.
fn param<'a>(query: &'a [(String, String)], k: &str) -> Option<&'a str> {
    query
        .iter()
        .rev()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// A number parameter in `range` (default `default`), or the 4012 answer.
fn number_param(
    query: &[(String, String)],
    k: &str,
    default: usize,
    range: std::ops::RangeInclusive<usize>,
) -> Result<usize, Box<SimResponse>> {
    match param(query, k) {
        None => Ok(default),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(Box::new(error(
                4012,
                &format!(
                    "`{k}` must be between {} and {}.",
                    range.start(),
                    range.end()
                ),
            ))),
        },
    }
}

/// The index of the account labelled `label`, or the 404 answer.
fn account_of(w: &World, label: &str) -> Result<usize, Box<SimResponse>> {
    w.state
        .accounts
        .iter()
        .position(|a| a.label == label)
        .ok_or_else(|| Box::new(error(404, &format!("No account is labelled {label:?}."))))
}

/// A tracking's summary row.
fn summary(s: &StoredTracking) -> Value {
    json!({
        "id": format!("{:032x}", s.id),
        "tracking_number": &*s.number,
        "carrier_code": s.carrier.code,
        "status": s.status.as_str(),
        "created_at": rfc3339(s.created),
        "archived": s.archived,
        "track_update": s.track_update,
        "order_id": s.order_id.as_deref(),
        "title": s.title.as_deref(),
    })
}

/// A page of the account's trackings matching the filters.
pub(crate) fn list_trackings(w: &World, label: &str, query: &[(String, String)]) -> SimResponse {
    let acct = match account_of(w, label) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let status = match param(query, "status") {
        None => None,
        Some(s) => match Status::parse(s) {
            Some(st) => Some(st),
            None => return error(4012, &format!("`status` {s:?} is not a v2 status.")),
        },
    };
    let carrier = param(query, "carrier").map(str::to_ascii_lowercase);
    let number = param(query, "number").map(str::to_ascii_uppercase);
    let (page, limit) = match (
        number_param(query, "page", 1, 1..=usize::MAX / MAX_PAGE),
        number_param(query, "limit", 50, 1..=MAX_PAGE),
    ) {
        (Ok(p), Ok(l)) => (p, l),
        (Err(r), _) | (_, Err(r)) => return *r,
    };
    let account = &w.state.accounts[acct];
    let keys: Box<dyn Iterator<Item = _>> = match status {
        Some(s) => Box::new(account.by_status[s.index()].iter()),
        None => Box::new(account.order.iter()),
    };
    let matching = keys
        .filter_map(|k| account.trackings.get(&k.1))
        .filter(|s| carrier.as_deref().is_none_or(|c| s.carrier.code == c))
        .filter(|s| {
            number
                .as_deref()
                .is_none_or(|n| s.number.to_ascii_uppercase().contains(n))
        });
    let (mut total, mut items) = (0usize, Vec::new());
    let skip = (page - 1) * limit;
    for s in matching {
        if total >= skip && items.len() < limit {
            items.push(summary(s));
        }
        total += 1;
    }
    success(
        200,
        json!({"account": label, "page": page, "limit": limit, "total": total, "items": items}),
    )
}

/// One tracking of the account, as `GET /trackings/{carrier}/{number}` shows it now.
pub(crate) fn get_tracking(w: &World, label: &str, id: &str) -> SimResponse {
    let acct = match account_of(w, label) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let found = u128::from_str_radix(id, 16)
        .ok()
        .and_then(|id| w.state.accounts[acct].trackings.get(&id));
    match found {
        Some(s) => success(200, render::tracking_raw(w.state.seed, s, w.state.now)),
        None => error(404, &format!("{label} has no tracking {id:?}.")),
    }
}

/// Status counts of the account's trackings at evenly spaced instants.
pub(crate) fn status_history(w: &World, label: &str, query: &[(String, String)]) -> SimResponse {
    let acct = match account_of(w, label) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let points = match number_param(query, "points", 24, 2..=MAX_POINTS) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let account = &w.state.accounts[acct];
    let now = w.state.now;
    // Newest first: the bound keeps the newest trackings.
    let trackings: Vec<&StoredTracking> = account
        .order
        .iter()
        .take(MAX_HISTORY_TRACKINGS)
        .filter_map(|k| account.trackings.get(&k.1).map(AsRef::as_ref))
        .collect();
    let start = trackings
        .iter()
        .map(|s| s.created)
        .min()
        .unwrap_or(now)
        .min(now);
    let times: Vec<i64> = (0..points)
        .map(|i| start + ((now - start) as i128 * i as i128 / (points - 1) as i128) as i64)
        .collect();
    let mut counts = vec![[0u64; 8]; points];
    for s in &trackings {
        let route = s.route(w.state.seed);
        for (i, &t) in times.iter().enumerate() {
            if t < s.created {
                continue;
            }
            // A manual status holds from its last change on.
            let status = match s.manual {
                Some(m) if t >= s.modified => m,
                _ => route.status_at(s.seen_at(t)).status,
            };
            counts[i][status.index()] += 1;
        }
    }
    let mut by_status = Map::new();
    for st in Status::ALL {
        by_status.insert(
            st.as_str().into(),
            Value::Array(counts.iter().map(|c| json!(c[st.index()])).collect()),
        );
    }
    success(
        200,
        json!({
            "account": label,
            "unix": times,
            "times": times.iter().map(|t| rfc3339(*t)).collect::<Vec<_>>(),
            "counts": by_status,
            "trackings": trackings.len(),
            "sampled": account.trackings.len() > trackings.len(),
        }),
    )
}
