//! `GET` and `DELETE /_mock/journal`: the requests received, a page at a
//! time: `?since=SEQ` (entries after that sequence number, default 0) and
//! `&limit=N` (1..=10000, default 1000), oldest first. The next page starts
//! after the last `seq` returned.

use serde_json::{json, Value};

use crate::journal::{JOURNAL_DEFAULT_PAGE, JOURNAL_MAX_PAGE};
use crate::render::{error, success};
use crate::wire::SimResponse;
use crate::world::World;

/// One page of journal entries, oldest first.
pub(crate) fn get_journal(w: &World, query: &[(String, String)]) -> SimResponse {
    let param = |k: &str| {
        query
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim())
    };
    let since = match param("since") {
        None | Some("") => 0,
        Some(v) => match v.parse::<u64>() {
            Ok(n) => n,
            Err(_) => return error(4012, "`since` must be a sequence number (0 or more)."),
        },
    };
    let limit = match param("limit") {
        None | Some("") => JOURNAL_DEFAULT_PAGE,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=JOURNAL_MAX_PAGE).contains(&n) => n,
            _ => {
                return error(
                    4012,
                    &format!("`limit` must be between 1 and {JOURNAL_MAX_PAGE}."),
                )
            }
        },
    };
    let entries: Vec<_> = w.journal.page(since, limit).collect();
    success(200, serde_json::to_value(&entries).unwrap_or(Value::Null))
}

/// Empties the journal.
pub(crate) fn clear_journal(w: &mut World) -> SimResponse {
    w.journal.clear();
    success(200, json!([]))
}
