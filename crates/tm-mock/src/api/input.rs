//! Reading request bodies and queries into typed values, with the v2 error of
//! whatever is wrong.

use chrono::NaiveDateTime;
use serde_json::{Map, Value};

use super::error::{reject, ApiError};
use crate::catalog::{self, Carrier};

/// Most items in one batch call.
pub(crate) const MAX_BATCH: usize = 40;

/// Longest accepted string field, in characters.
const MAX_FIELD: usize = 255;

/// Parses a JSON body (4012 when it is empty or not JSON).
pub(crate) fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return reject(4012, "The request body is empty; a JSON body is required.");
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::new(4012, "The request body is not valid UTF-8.".into()))?;
    serde_json::from_str(text)
        .map_err(|e| ApiError::new(4012, format!("The request body is not valid JSON: {e}")))
}

/// Parses a JSON object body.
pub(crate) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match parse_json(body)? {
        Value::Object(m) => Ok(m),
        _ => reject(4012, "The request body must be a JSON object."),
    }
}

/// Parses a JSON array body of 1..=40 items (4020 past 40).
pub(crate) fn parse_array(body: &[u8]) -> Result<Vec<Value>, ApiError> {
    match parse_json(body)? {
        Value::Array(v) if v.is_empty() => reject(4012, "The request body is an empty array."),
        Value::Array(v) if v.len() > MAX_BATCH => reject(
            4020,
            format!("Up to 40 items at a time; {} were sent.", v.len()),
        ),
        Value::Array(v) => Ok(v),
        _ => reject(4012, "The request body must be a JSON array."),
    }
}

/// An optional string field (4012 when it is not a string or too long).
pub(crate) fn optional_string(
    m: &Map<String, Value>,
    k: &str,
) -> Result<Option<Box<str>>, ApiError> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() > MAX_FIELD => reject(
            4012,
            format!("`{k}` is longer than {MAX_FIELD} characters."),
        ),
        Some(Value::String(s)) => Ok(Some(s.as_str().into())),
        Some(_) => reject(4012, format!("`{k}` must be a string.")),
    }
}

/// Whether `n` looks like a tracking number (5..=64 of `A-Za-z0-9-_`).
pub(crate) fn valid_number(n: &str) -> bool {
    n.len() >= 5
        && n.len() <= 64
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A required tracking number field (4013 missing, 4014 malformed).
pub(crate) fn required_number(m: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match m.get(key) {
        None | Some(Value::Null) => Err(ApiError::standard(4013)),
        Some(Value::String(s)) if s.trim().is_empty() => Err(ApiError::standard(4013)),
        Some(Value::String(s)) if valid_number(s.trim()) => Ok(s.trim().to_string()),
        Some(Value::String(_)) => Err(ApiError::standard(4014)),
        Some(_) => reject(4012, format!("`{key}` must be a string.")),
    }
}

/// The carrier of a code (4015 when unknown).
pub(crate) fn carrier_by_code(code: &str) -> Result<&'static Carrier, ApiError> {
    catalog::carrier(code.trim()).ok_or_else(|| ApiError::standard(4015))
}

/// A required carrier code field (4015 when missing or unknown).
pub(crate) fn required_carrier(
    m: &Map<String, Value>,
    key: &str,
) -> Result<&'static Carrier, ApiError> {
    match m.get(key) {
        Some(Value::String(s)) => carrier_by_code(s),
        _ => Err(ApiError::new(
            4015,
            format!("`{key}` is missing or invalid."),
        )),
    }
}

/// Parses `order_create_time` as sent into Unix seconds (UTC), if it can.
pub(crate) fn parse_order_time(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    for fmt in [
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(dt.and_utc().timestamp());
        }
    }
    for fmt in ["%Y/%m/%d", "%Y-%m-%d"] {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(s, fmt) {
            return d.and_hms_opt(0, 0, 0).map(|dt| dt.and_utc().timestamp());
        }
    }
    None
}

/// The last non-empty value of query parameter `k`.
pub(crate) fn query_value<'a>(query: &'a [(String, String)], k: &str) -> Option<&'a str> {
    query
        .iter()
        .rev()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// An integer query parameter (4012 when not an integer). Given more than once, every
/// value must be an integer or empty, and the last one counts.
pub(crate) fn query_i64(query: &[(String, String)], k: &str) -> Result<Option<i64>, ApiError> {
    let mut last = None;
    for (key, v) in query {
        let v = v.trim();
        if key != k || v.is_empty() {
            continue;
        }
        last = Some(
            v.parse::<i64>()
                .map_err(|_| ApiError::new(4012, format!("`{k}` must be an integer.")))?,
        );
    }
    Ok(last)
}

/// A comma-separated query parameter of at most 40 values.
pub(crate) fn query_list(
    query: &[(String, String)],
    k: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    let Some(v) = query_value(query, k) else {
        return Ok(None);
    };
    let items: Vec<String> = v
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if items.len() > MAX_BATCH {
        return reject(4020, format!("`{k}` takes at most 40 values."));
    }
    Ok(Some(items))
}

/// The query of a list or count call with the filters of a JSON object body merged in
/// (CONTRACT §1): the body wins; a body value of `""`, `null` or `0` means "not given", so
/// the query's value (if any) stands. An empty body leaves the query as it is.
pub(crate) fn with_body_filters(
    query: &[(String, String)],
    body: &[u8],
) -> Result<Vec<(String, String)>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(query.to_vec());
    }
    let m = match parse_json(body)? {
        Value::Object(m) => m,
        // PHP's json_encode(array()) of "no filters" is `[]`.
        Value::Array(a) if a.is_empty() => Map::new(),
        _ => return reject(4012, "The filters must be a JSON object."),
    };
    let mut given: Vec<(String, String)> = Vec::new();
    for (k, v) in &m {
        let text = match v {
            Value::Null => continue,
            Value::String(s) if s.trim().is_empty() || s.trim() == "0" => continue,
            Value::String(s) => s.clone(),
            Value::Number(n) if n.as_f64() == Some(0.0) => continue,
            // Text filters are not numbers (tracking and order numbers may be).
            Value::Number(_) if matches!(k.as_str(), "lang" | "status" | "archived") => {
                return reject(4012, format!("`{k}` must be a string."))
            }
            Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
            // No filter takes a fraction.
            Value::Number(_) => return reject(4012, format!("`{k}` must be an integer.")),
            // Only `archived` is a yes/no filter.
            Value::Bool(b) if k == "archived" => b.to_string(),
            // `numbers` / `orders` as a JSON array of strings.
            Value::Array(items) if items.iter().all(Value::is_string) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(","),
            _ => return reject(4012, format!("`{k}` must be a string or a number.")),
        };
        given.push((k.clone(), text));
    }
    let mut out: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| !given.iter().any(|(g, _)| g == k))
        .cloned()
        .collect();
    out.extend(given);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_order_times() {
        assert!(valid_number("RP893531375SG"));
        assert!(!valid_number("abc"));
        assert!(!valid_number("abc d12"));
        assert_eq!(parse_order_time("2017/8/27 16:51"), Some(1_503_852_660));
        assert_eq!(parse_order_time("1521314361"), Some(1_521_314_361));
    }

    #[test]
    fn body_filters_merge_with_the_query() {
        let q = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect::<Vec<_>>()
        };
        let query = q(&[("page", "2"), ("status", "transit"), ("limit", "5")]);
        let merged = with_body_filters(
            &query,
            br#"{"page": 3, "status": "", "limit": null, "created_at_min": 0,
                "numbers": ["A1", "B2"], "archived": false, "lang": "en"}"#,
        )
        .unwrap();
        let get = |k: &str| query_value(&merged, k).map(str::to_owned);
        assert_eq!(get("page").as_deref(), Some("3"));
        assert_eq!(get("status").as_deref(), Some("transit"));
        assert_eq!(get("limit").as_deref(), Some("5"));
        assert_eq!(get("created_at_min"), None);
        assert_eq!(get("numbers").as_deref(), Some("A1,B2"));
        assert_eq!(get("archived").as_deref(), Some("false"));
        assert_eq!(with_body_filters(&query, b"  ").unwrap(), query);
        assert_eq!(with_body_filters(&query, b"[]").unwrap(), query);
        assert_eq!(
            with_body_filters(&query, br#"{"orders": 1.5e-9}"#)
                .unwrap_err()
                .code,
            4012
        );
        let twice = q(&[("page", "x"), ("page", "2"), ("page", "")]);
        assert_eq!(query_i64(&twice, "page").unwrap_err().code, 4012);
        let twice = q(&[("page", "3"), ("page", "2"), ("page", "")]);
        assert_eq!(query_i64(&twice, "page").unwrap(), Some(2));
        assert_eq!(
            with_body_filters(&query, br#"{"lang": false}"#)
                .unwrap_err()
                .code,
            4012
        );
        assert_eq!(with_body_filters(&query, b"[1]").unwrap_err().code, 4012);
        assert_eq!(
            with_body_filters(&query, br#"{"page": {"a": 1}}"#)
                .unwrap_err()
                .code,
            4012
        );
    }
}
