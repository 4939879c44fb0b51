//! `POST /trackings/delete`: delete up to 40 trackings; failures are reported per item.

use serde_json::json;

use crate::api::input::parse_array;
use crate::api::JsonResult;
use crate::state::State;

/// Deletes every item it can.
pub(crate) fn batch_delete_trackings(state: &mut State, acct: usize, body: &[u8]) -> JsonResult {
    let items = parse_array(body)?;
    let (mut ok, mut errors) = (Vec::new(), Vec::new());
    for v in &items {
        match super::key_from_item(state, acct, v) {
            Ok((id, _)) => {
                if let Some(s) = state.remove(acct, id) {
                    ok.push(super::ref_json(&s));
                }
            }
            Err(e) => errors.push(super::item_error(v, e)),
        }
    }
    let code = super::batch_code(&errors);
    Ok((
        code,
        json!({"submitted": items.len(), "delete": ok.len(), "trackings": ok, "errors": errors}),
    ))
}
