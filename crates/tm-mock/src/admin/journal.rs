//! `GET` and `DELETE /_mock/journal`: the requests received.

use serde_json::{json, Value};

use crate::render::success;
use crate::wire::SimResponse;
use crate::world::World;

/// Every journal entry, oldest first.
pub(crate) fn get_journal(w: &World) -> SimResponse {
    let entries: Vec<_> = w.journal.entries().collect();
    success(200, serde_json::to_value(&entries).unwrap_or(Value::Null))
}

/// Empties the journal.
pub(crate) fn clear_journal(w: &mut World) -> SimResponse {
    w.journal.clear();
    success(200, json!([]))
}
