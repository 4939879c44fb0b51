//! `GET /trackings/getuserinfo`: the account and its remaining credits.

use serde_json::{json, Value};

use crate::state::State;

/// The account's user info.
pub(crate) fn get_user_info(state: &State, acct: usize) -> Value {
    let a = &state.accounts[acct];
    json!({
        "email": format!("{}@tm-mock.invalid", a.label),
        "regtime": a.regtime.to_string(),
        "phone": format!("+1555{:07}", acct + 1),
        "money": 0,
        "track_number": crate::accounts::credits_json(a.credits),
    })
}
