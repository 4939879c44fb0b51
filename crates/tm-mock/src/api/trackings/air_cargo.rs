//! `POST /trackings/aircargo`: seeded air waybill tracking (charged per waybill).

use serde_json::{json, Value};

use crate::api::error::reject;
use crate::api::input::{parse_object, MAX_BATCH};
use crate::api::{charge, cost, ApiError, JsonResult};
use crate::catalog;
use crate::state::State;

/// Whether `s` is an air waybill number (`NNN-NNNNNNNN`, 7 or 8 serial digits).
pub(crate) fn valid_awb(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 10 || !b[..3].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let rest = if b[3] == b' ' || b[3] == b'-' {
        &b[4..]
    } else {
        &b[3..]
    };
    (7..=8).contains(&rest.len()) && rest.iter().all(u8::is_ascii_digit)
}

/// Tracks each waybill (4013, 4014, 4020).
pub(crate) fn track_air_cargo(state: &mut State, acct: usize, body: &[u8]) -> JsonResult {
    let m = parse_object(body)?;
    if !matches!(m.get("lang"), None | Some(Value::Null | Value::String(_))) {
        return reject(4012, "`lang` must be a string.");
    }
    let awbs: Vec<String> = match m.get("track_number") {
        None | Some(Value::Null) => {
            return Err(ApiError::new(4013, "`track_number` is required.".into()))
        }
        Some(Value::String(s)) => vec![s.trim().to_string()],
        Some(Value::Array(v)) if v.is_empty() => {
            return reject(4012, "`track_number` is an empty array.")
        }
        Some(Value::Array(v)) if v.len() > MAX_BATCH => return Err(ApiError::standard(4020)),
        Some(Value::Array(v)) => v
            .iter()
            .map(|x| {
                x.as_str().map(|s| s.trim().to_string()).ok_or_else(|| {
                    ApiError::new(4012, "`track_number` items must be strings.".into())
                })
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return reject(
                4012,
                "`track_number` must be a string or an array of strings.",
            )
        }
    };
    if let Some(bad) = awbs.iter().find(|a| !valid_awb(a)) {
        return Err(ApiError::new(
            4014,
            format!("Air waybill number {bad:?} is invalid (expected NNN-NNNNNNNN)."),
        ));
    }
    charge(
        &mut state.accounts[acct],
        cost::AIR_WAYBILL * awbs.len() as i64,
    )?;
    let now = state.now;
    let out: Vec<Value> = awbs
        .iter()
        .map(|a| air_waybill_json(state.seed, a, now))
        .collect();
    Ok((200, Value::Array(out)))
}

/// The seeded events of one waybill, seen at `now`.
pub(crate) fn air_waybill_json(seed: u64, awb: &str, now: i64) -> Value {
    let digits: String = awb.chars().filter(char::is_ascii_digit).collect();
    let mut rng = fastrand::Rng::with_seed(crate::hash::mix(
        seed ^ crate::hash::fnv(&[digits.as_bytes(), b"awb"]),
    ));
    let prefix = &digits[..3];
    let origin = catalog::AIRLINES
        .iter()
        .find(|(p, _, _)| *p == prefix)
        .map_or("PVG", |a| a.2);
    let dest = loop {
        let d = catalog::AIRPORTS[rng.usize(..catalog::AIRPORTS.len())];
        if d != origin {
            break d;
        }
    };
    let via = catalog::AIRLINES[rng.usize(..catalog::AIRLINES.len())].2;
    let pieces = rng.i64(1..=40);
    let weight = (pieces as f64 * rng.f64() * 60.0 * 10.0 + 10.0).round() / 10.0;
    let start = now - 86_400 * rng.i64(1..=6) - rng.i64(0..86_400);
    let flight1 = format!("{}{}", &airline_code(prefix), rng.u32(100..999));
    let flight2 = format!("{}{}", &airline_code(prefix), rng.u32(100..999));
    let steps = [
        ("BKD", "Booked", origin, flight1.as_str(), 0),
        ("RCS", "Received from shipper", origin, "", 6),
        ("DEP", "Departed", origin, flight1.as_str(), 20),
        ("ARR", "Arrived", via, flight1.as_str(), 32),
        ("DEP", "Departed", via, flight2.as_str(), 44),
        ("ARR", "Arrived", dest, flight2.as_str(), 58),
        ("RCF", "Received from flight", dest, flight2.as_str(), 61),
        ("NFD", "Consignee notified", dest, "", 66),
        ("DLV", "Delivered", dest, "", 80),
    ];
    let fmt = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    let mut status_number = 0;
    let info: Vec<Value> = steps
        .iter()
        .enumerate()
        .map(|(i, (code, text, station, flight, h))| {
            let plan = start + h * 3600;
            let actual = plan + rng.i64(-1800..5400);
            let done = actual <= now;
            if done {
                status_number = i as i64 + 1;
            }
            json!({
                "plan_date": fmt(plan),
                "actual_date": if done { json!(fmt(actual)) } else { Value::Null },
                "event": format!("{code} - {text}"),
                "station": station,
                "flight_number": flight,
            })
        })
        .collect();
    json!({
        "track_number": awb,
        "weight": weight,
        "piece": pieces,
        "origin": origin,
        "destination": dest,
        "status_number": status_number,
        "track_info": info,
    })
}

/// The airline code of a waybill prefix.
pub(crate) fn airline_code(prefix: &str) -> &'static str {
    match prefix {
        "172" => "CV",
        "176" => "EK",
        "157" => "QR",
        "618" => "SQ",
        "160" => "CX",
        "020" => "LH",
        "001" => "AA",
        "235" => "TK",
        "784" => "CZ",
        "999" => "CA",
        "057" => "AF",
        "074" => "KL",
        "125" => "BA",
        "180" => "KE",
        "131" => "JL",
        _ => "XX",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn air_waybills() {
        assert!(valid_awb("172-28891936"));
        assert!(valid_awb("172 2889193"));
        assert!(valid_awb("17228891936"));
        assert!(!valid_awb("17-28891936"));
        assert!(!valid_awb("172-288919"));
    }
}
