//! `POST /_mock/reset`: back to the configured start.

use serde_json::json;

use crate::render::success;
use crate::wire::SimResponse;
use crate::world::World;

/// Clears trackings, accounts (except configured keys), journal and faults; resets the clock.
pub(crate) fn reset(w: &mut World) -> SimResponse {
    w.reset();
    success(200, json!([]))
}
