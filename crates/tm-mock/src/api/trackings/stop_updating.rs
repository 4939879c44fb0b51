//! `POST /trackings/notupdate`: stop updating up to 40 trackings (their status freezes).

use std::sync::Arc;

use serde_json::json;

use crate::api::input::parse_array;
use crate::api::JsonResult;
use crate::state::State;

/// Freezes every item it can.
pub(crate) fn stop_updating(state: &mut State, acct: usize, body: &[u8]) -> JsonResult {
    let items = parse_array(body)?;
    let (mut ok, mut errors) = (Vec::new(), Vec::new());
    let now = state.now;
    for v in &items {
        match super::key_from_item(state, acct, v) {
            Ok((id, _)) => {
                if let Some(s) = state.accounts[acct]
                    .trackings
                    .get_mut(&id)
                    .map(Arc::make_mut)
                {
                    if s.track_update {
                        s.track_update = false;
                        s.frozen_at = Some(now);
                        s.modified = now;
                    }
                    ok.push(super::ref_json(s));
                }
                state.refresh(acct, id);
            }
            Err(e) => errors.push(super::item_error(v, e)),
        }
    }
    let code = super::batch_code(&errors);
    Ok((
        code,
        json!({"submitted": items.len(), "change": ok.len(), "trackings": ok, "errors": errors}),
    ))
}
