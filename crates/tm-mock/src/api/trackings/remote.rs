//! `POST /trackings/remote`: which addresses are in a carrier's remote area (charged).

use serde_json::{json, Value};

use crate::api::error::reject;
use crate::api::input::parse_array;
use crate::api::{charge, cost, JsonResult};
use crate::catalog;
use crate::state::State;

/// Checks each address against the remote-area table.
pub(crate) fn check_remote(state: &mut State, acct: usize, body: &[u8]) -> JsonResult {
    let items = parse_array(body)?;
    // Wrong types are refused before anything is charged; `null` = not given.
    for (i, v) in items.iter().enumerate() {
        let Some(m) = v.as_object() else {
            return reject(4012, format!("Item {i} must be a JSON object."));
        };
        for k in ["country", "postcode", "company"] {
            if !matches!(m.get(k), None | Some(Value::Null | Value::String(_))) {
                return reject(4012, format!("Item {i}: `{k}` must be a string."));
            }
        }
    }
    charge(&mut state.accounts[acct], cost::REMOTE)?;
    let (mut far, mut other) = (Vec::new(), Vec::new());
    for v in &items {
        let m = v.as_object();
        let get = |k: &str| {
            m.and_then(|m| m.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let (country, postcode, company) = (get("country"), get("postcode"), get("company"));
        let company_opt = m.and_then(|m| m.get("company")).and_then(Value::as_str);
        let mut hit = false;
        if let (Some(c), false) = (
            catalog::country_by_code_or_name(&country),
            postcode.trim().is_empty(),
        ) {
            let pc = catalog::norm_postcode(&postcode);
            for (co, cc, prefix) in catalog::REMOTE {
                if *cc == c.code
                    && pc.starts_with(&catalog::norm_postcode(prefix))
                    && company_opt.is_none_or(|x| x.trim().is_empty() || x.eq_ignore_ascii_case(co))
                {
                    hit = true;
                    far.push(json!({
                        "far_express_company": co,
                        "two_code": c.code,
                        "far_country": c.name,
                        "far_city_postcode": postcode,
                    }));
                }
            }
        }
        if !hit {
            other.push(json!({"country": country, "postcode": postcode, "company": company}));
        }
    }
    Ok((
        200,
        json!({"submitted": items.len(), "remote": far, "other": other}),
    ))
}
