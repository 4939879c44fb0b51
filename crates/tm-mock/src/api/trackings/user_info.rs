//! `GET /trackings/getuserinfo`: the account and its remaining credits.

use serde_json::{json, Value};

use crate::state::State;

/// The account's user info.
pub(crate) fn get_user_info(state: &State, acct: usize) -> Value {
    let a = &state.accounts[acct];
    json!({
        "email": account_email(&a.label),
        "regtime": a.regtime.to_string(),
        "phone": format!("+1555{:07}", acct + 1),
        "money": 0,
        "track_number": crate::accounts::credits_json(a.credits),
    })
}

/// The e-mail getuserinfo reports for an account (also the key webhooks are signed with).
pub(crate) fn account_email(label: &str) -> String {
    format!("{label}@tm-mock.invalid")
}
