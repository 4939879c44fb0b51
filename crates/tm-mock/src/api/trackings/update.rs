//! `PUT /trackings/{carrier}/{number}`: change the fields of one tracking.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::api::error::reject;
use crate::api::input::{optional_string, parse_object};
use crate::api::{ApiError, JsonResult};
use crate::render;
use crate::shipment::Status;
use crate::state::State;

/// Validated changes of a PUT / updatemore item.
#[derive(Default)]
pub(crate) struct Changes {
    strings: Vec<(&'static str, Option<Box<str>>)>,
    archived: Option<bool>,
    manual: Option<Option<Status>>,
}

/// The string fields a PUT / updatemore item may change.
const PUT_STRINGS: &[&str] = &[
    "title",
    "logistics_channel",
    "customer_name",
    "customer_email",
    "customer_phone",
    "order_id",
    "destination_code",
    "comment",
];

/// Validates the changes of an item (4012, 4033).
pub(crate) fn parse_changes(m: &Map<String, Value>) -> Result<Changes, ApiError> {
    let mut c = Changes::default();
    // `null` (or absent) = no change: published clients send `null` for every field
    // they were not given (CONTRACT §1).
    for k in PUT_STRINGS {
        if let Some(v) = optional_string(m, k)? {
            c.strings.push((k, Some(v)));
        }
    }
    c.archived = match m.get("archived") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s == "true" => Some(true),
        Some(Value::String(s)) if s == "false" => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return reject(4012, "`archived` must be \"true\" or \"false\"."),
    };
    let code = match m.get("status") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_i64()),
        Some(Value::String(s)) => Some(s.trim().parse::<i64>().ok()),
        Some(_) => Some(None),
    };
    c.manual = match code {
        None => None,
        Some(Some(4)) => Some(Some(Status::Delivered)),
        Some(Some(7)) => Some(Some(Status::Exception)),
        Some(Some(8)) => Some(None),
        Some(_) => {
            return Err(ApiError::new(
                4033,
                "The value of `status` is invalid: use 4, 7 or 8.".into(),
            ))
        }
    };
    Ok(c)
}

/// Applies validated changes and refreshes the status.
pub(crate) fn apply_changes(state: &mut State, acct: usize, id: u128, c: Changes) {
    let now = state.now;
    for (k, v) in c.strings {
        if k == "order_id" {
            state.set_order_id(acct, id, v);
            continue;
        }
        let Some(s) = state.accounts[acct]
            .trackings
            .get_mut(&id)
            .map(Arc::make_mut)
        else {
            return;
        };
        let slot = match k {
            "title" => &mut s.title,
            "logistics_channel" => &mut s.logistics_channel,
            "customer_name" => &mut s.customer_name,
            "customer_email" => &mut s.customer_email,
            "customer_phone" => &mut s.customer_phone,
            "destination_code" => &mut s.destination_code,
            _ => &mut s.comment,
        };
        *slot = v;
    }
    if let Some(s) = state.accounts[acct]
        .trackings
        .get_mut(&id)
        .map(Arc::make_mut)
    {
        if let Some(a) = c.archived {
            s.archived = a;
        }
        if let Some(m) = c.manual {
            s.manual = m;
        }
        s.modified = now;
    }
    state.refresh(acct, id);
}

/// The updated-tracking shape of a stored tracking.
pub(crate) fn updated_json(state: &State, acct: usize, id: u128) -> Value {
    let s = &state.accounts[acct].trackings[&id];
    render::created_json(s, s.status, true)
}

/// Applies the body's changes (an empty body changes nothing).
pub(crate) fn update_tracking(
    state: &mut State,
    acct: usize,
    c: &str,
    n: &str,
    body: &[u8],
) -> JsonResult {
    let id = super::key_from_path(state, acct, c, n, 4017)?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok((200, updated_json(state, acct, id)));
    }
    let m = parse_object(body)?;
    let changes = parse_changes(&m)?;
    apply_changes(state, acct, id, changes);
    Ok((200, updated_json(state, acct, id)))
}
