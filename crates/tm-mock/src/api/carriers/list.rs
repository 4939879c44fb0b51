//! `GET /carriers`: the carrier catalog, names in the `lang` header's language.

use serde_json::{json, Value};

use crate::catalog;

/// The carrier list.
pub(crate) fn list_carriers(lang: Option<&str>) -> Value {
    Value::Array(
        catalog::CARRIERS
            .iter()
            .map(|c| {
                json!({
                    "name": c.name_in(lang),
                    "code": c.code,
                    "phone": c.phone,
                    "homepage": c.homepage,
                    "type": c.type_str(),
                    "picture": c.picture(),
                })
            })
            .collect(),
    )
}
