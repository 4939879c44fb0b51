//! `GET /trackings/{carrier}/{number}[/{lang}]`: one tracking, seen now.

use std::sync::Arc;

use crate::api::{ApiError, CallResult};
use crate::render;
use crate::state::State;
use crate::tracking::StoredTracking;

/// The tracking, rendered.
pub(crate) fn get_tracking(state: &mut State, acct: usize, c: &str, n: &str) -> CallResult {
    let s = find_tracking(state, acct, c, n)?;
    Ok((200, render::tracking_raw(state.seed, s, state.now).into()))
}

/// The stored tracking `GET /trackings/{c}/{n}` shows (4015, 4014, 4031 otherwise).
pub(crate) fn find_tracking<'a>(
    state: &'a State,
    acct: usize,
    c: &str,
    n: &str,
) -> Result<&'a Arc<StoredTracking>, ApiError> {
    let id = super::key_from_path(state, acct, c, n, 4031)?;
    Ok(&state.accounts[acct].trackings[&id])
}
