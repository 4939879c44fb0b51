//! `POST /trackings/batch`: create up to 40 trackings; failures are reported per item.

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::api::input::parse_array;
use crate::api::CallResult;
use crate::render;
use crate::state::State;

/// The `data` of a batch create.
#[derive(Serialize)]
struct BatchOut {
    submitted: usize,
    added: usize,
    trackings: Vec<Box<RawValue>>,
    errors: Vec<Value>,
}

/// Creates every item it can.
pub(crate) fn batch_create_trackings(state: &mut State, acct: usize, body: &[u8]) -> CallResult {
    let items = parse_array(body)?;
    let (mut added, mut errors) = (Vec::new(), Vec::new());
    for v in &items {
        match super::create::create_one(state, acct, v) {
            Ok(t) => added.push(t),
            Err(e) => errors.push(super::item_error(v, e)),
        }
    }
    let code = super::batch_code(&errors);
    let out = BatchOut {
        submitted: items.len(),
        added: added.len(),
        trackings: added,
        errors,
    };
    Ok((code, render::raw(&out).into()))
}
