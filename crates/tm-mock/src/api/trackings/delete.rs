//! `DELETE /trackings/{carrier}/{number}`: delete one tracking.

use serde_json::json;

use crate::api::JsonResult;
use crate::state::State;

/// Deletes the tracking (4017 when it does not exist).
pub(crate) fn delete_tracking(state: &mut State, acct: usize, c: &str, n: &str) -> JsonResult {
    let id = super::key_from_path(state, acct, c, n, 4017)?;
    state.remove(acct, id);
    Ok((200, json!([])))
}
