//! `/_mock/webhooks`: webhook URLs (≤ 4 per account, trigger statuses), the delivery log and
//! webhook faults. Redelivery lives with the clock outside the lock (`webhooks::glue`).

use serde_json::{json, Value};

use super::parse_body;
use crate::render::{error, success};
use crate::webhooks::WebhookFaults;
use crate::wire::SimResponse;
use crate::world::World;

/// The registered URLs.
pub(crate) fn list(w: &World) -> SimResponse {
    success(200, json!(w.webhooks.list()))
}

/// `{"url": …, "statuses": [..] (optional), "api_key": … or "account": "<label>"
/// (optional: that account only; the dashboard sends the label)}`.
pub(crate) fn add(w: &mut World, body: &[u8]) -> SimResponse {
    let v = match parse_body(body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let Some(url) = v.get("url").and_then(Value::as_str) else {
        return error(4012, "`url` is required.");
    };
    let statuses: Vec<String> = match v.get("statuses") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => match a.iter().map(|s| s.as_str().map(str::to_owned)).collect() {
            Some(s) => s,
            None => return error(4012, "`statuses` must be a list of status names."),
        },
        Some(_) => return error(4012, "`statuses` must be a list of status names."),
    };
    let api_key = match v.get("api_key") {
        None | Some(Value::Null) => None,
        Some(Value::String(k)) => Some(k.as_str()),
        Some(_) => return error(4012, "`api_key` must be a string."),
    };
    let account = match v.get("account") {
        None | Some(Value::Null) => None,
        Some(Value::String(a)) => Some(a.as_str()),
        Some(_) => return error(4012, "`account` must be an account label."),
    };
    let added = match (api_key, account) {
        (Some(_), Some(_)) => return error(4012, "Send `api_key` or `account`, not both."),
        (None, Some(label)) => w.add_webhook_for_label(url, &statuses, label),
        (key, None) => w.add_webhook(url, &statuses, key),
    };
    match added {
        Ok(ep) => success(200, json!(ep)),
        Err(e) => error(4012, &e.to_string()),
    }
}

/// Removes one URL.
pub(crate) fn remove(w: &mut World, id: &str) -> SimResponse {
    let Ok(id) = id.parse::<u64>() else {
        return error(404, "No such webhook.");
    };
    match w.webhooks.remove(id) {
        Ok(()) => success(200, json!([])),
        Err(e) => error(404, &e.to_string()),
    }
}

/// Every attempt, oldest first.
pub(crate) fn deliveries(w: &World) -> SimResponse {
    success(200, json!(w.webhooks.log()))
}

/// The webhook faults.
pub(crate) fn get_faults(w: &World) -> SimResponse {
    success(200, json!(w.webhooks.faults()))
}

/// `{"duplicate_rate": 0..1, "delay_seconds": N}`.
pub(crate) fn set_faults(w: &mut World, body: &[u8]) -> SimResponse {
    let v = match parse_body(body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    match serde_json::from_value::<WebhookFaults>(v) {
        Ok(f) if (0.0..=1.0).contains(&f.duplicate_rate) => {
            w.webhooks.set_faults(f.clone());
            success(200, json!(f))
        }
        Ok(_) => error(4012, "`duplicate_rate` must be between 0 and 1."),
        Err(e) => error(4012, &format!("Invalid webhook faults: {e}")),
    }
}
