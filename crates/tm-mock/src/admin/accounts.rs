//! `GET /_mock/accounts` (every account, by label) and `POST /_mock/accounts`
//! (`{"key": …, "credits": N, "deleted": bool}`).

use serde_json::{json, Value};

use super::parse_body;
use crate::accounts::credits_json;
use crate::render::{error, success};
use crate::wire::SimResponse;
use crate::world::World;

/// Registers a key (or changes its account).
pub(crate) fn set_account(w: &mut World, body: &[u8]) -> SimResponse {
    let v = match parse_body(body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let Some(key) = v
        .get("key")
        .and_then(Value::as_str)
        .filter(|k| !k.trim().is_empty())
    else {
        return error(4012, "`key` is required.");
    };
    let credits = v.get("credits").and_then(Value::as_f64);
    let deleted = v.get("deleted").and_then(Value::as_bool);
    let idx = w.set_account(key.trim(), credits, deleted);
    let a = &w.state.accounts[idx];
    success(
        200,
        json!({"account": a.label, "credits": credits_json(a.credits), "deleted": a.deleted}),
    )
}

/// Every account: label, credits, deleted flag and tracking count (never a key).
pub(crate) fn list_accounts(w: &World) -> SimResponse {
    let accounts: Vec<Value> = w
        .state
        .accounts
        .iter()
        .map(|a| {
            json!({
                "account": a.label,
                "credits": credits_json(a.credits),
                "deleted": a.deleted,
                "trackings": a.trackings.len(),
            })
        })
        .collect();
    success(200, Value::Array(accounts))
}
