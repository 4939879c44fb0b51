//! `POST /trackings/updatemore`: change up to 40 trackings; failures are reported per item.

use serde_json::json;

use crate::api::input::parse_array;
use crate::api::JsonResult;
use crate::state::State;

/// Applies every item it can.
pub(crate) fn batch_update_trackings(state: &mut State, acct: usize, body: &[u8]) -> JsonResult {
    let items = parse_array(body)?;
    let (mut ok, mut errors) = (Vec::new(), Vec::new());
    for v in &items {
        let r = super::key_from_item(state, acct, v)
            .and_then(|(id, m)| Ok((id, super::update::parse_changes(&m)?)));
        match r {
            Ok((id, ch)) => {
                super::update::apply_changes(state, acct, id, ch);
                ok.push(super::update::updated_json(state, acct, id));
            }
            Err(e) => errors.push(super::item_error(v, e)),
        }
    }
    let code = super::batch_code(&errors);
    Ok((
        code,
        json!({"submitted": items.len(), "updated": ok.len(), "trackings": ok, "errors": errors}),
    ))
}
