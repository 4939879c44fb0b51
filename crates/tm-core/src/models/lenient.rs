//! Deserializers that accept what the real service sends: numbers as strings,
//! strings as numbers, booleans as `"true"`/`1`, `null` for absent.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

struct Scalar;

/// A JSON scalar read leniently.
pub(crate) enum Lenient {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    Null,
}

impl<'de> Visitor<'de> for Scalar {
    type Value = Lenient;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, string, boolean or null")
    }
    fn visit_i64<E>(self, v: i64) -> Result<Lenient, E> {
        Ok(Lenient::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Lenient, E> {
        Ok(i64::try_from(v).map_or(Lenient::Float(v as f64), Lenient::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Lenient, E> {
        Ok(Lenient::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Lenient, E> {
        Ok(Lenient::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Lenient, E> {
        Ok(Lenient::Str(v))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Lenient, E> {
        Ok(Lenient::Bool(v))
    }
    fn visit_unit<E>(self) -> Result<Lenient, E> {
        Ok(Lenient::Null)
    }
    fn visit_none<E>(self) -> Result<Lenient, E> {
        Ok(Lenient::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Lenient, D::Error> {
        d.deserialize_any(Scalar)
    }
}

pub(crate) fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Lenient, D::Error> {
    d.deserialize_any(Scalar)
}

fn to_i64<E: de::Error>(v: Lenient) -> Result<Option<i64>, E> {
    match v {
        Lenient::Int(i) => Ok(Some(i)),
        Lenient::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
        Lenient::Float(f) => Err(E::custom(format!("expected an integer, got {f}"))),
        Lenient::Str(s) if s.trim().is_empty() => Ok(None),
        Lenient::Str(s) => {
            s.trim()
                .parse::<i64>()
                .map(Some)
                .or_else(|_| match s.trim().parse::<f64>() {
                    Ok(f) if f.fract() == 0.0 => Ok(Some(f as i64)),
                    _ => Err(E::custom(format!("expected an integer, got {s:?}"))),
                })
        }
        Lenient::Bool(b) => Ok(Some(i64::from(b))),
        Lenient::Null => Ok(None),
    }
}

fn to_f64<E: de::Error>(v: Lenient) -> Result<Option<f64>, E> {
    match v {
        Lenient::Int(i) => Ok(Some(i as f64)),
        Lenient::Float(f) => Ok(Some(f)),
        Lenient::Str(s) if s.trim().is_empty() => Ok(None),
        Lenient::Str(s) => s
            .trim()
            .trim_end_matches('%')
            .parse::<f64>()
            .map(Some)
            .map_err(|_| E::custom(format!("expected a number, got {s:?}"))),
        Lenient::Bool(b) => Ok(Some(f64::from(u8::from(b)))),
        Lenient::Null => Ok(None),
    }
}

/// Optional integer, from a number or numeric string.
pub(crate) fn i64_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    to_i64(scalar(d)?)
}

/// Required integer (null → error).
pub(crate) fn i64_req<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    to_i64(scalar(d)?)?.ok_or_else(|| de::Error::custom("expected an integer, got null"))
}

/// Integer defaulting to 0 when null or empty.
pub(crate) fn u64_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(to_i64(scalar(d)?)?.unwrap_or(0).max(0) as u64)
}

/// Optional float, from a number or numeric string.
pub(crate) fn f64_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    to_f64(scalar(d)?)
}

/// Float defaulting to 0 when null.
pub(crate) fn f64_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(to_f64(scalar(d)?)?.unwrap_or(0.0))
}

/// Optional string; numbers and booleans become their text.
pub(crate) fn string_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match scalar(d)? {
        Lenient::Str(s) => Some(s),
        Lenient::Int(i) => Some(i.to_string()),
        Lenient::Float(f) => Some(f.to_string()),
        Lenient::Bool(b) => Some(b.to_string()),
        Lenient::Null => None,
    })
}

/// A list, empty when `null` (the service sends `null` for lists it has nothing in).
pub(crate) fn list_or_empty<'de, D: Deserializer<'de>, T: serde::Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(<Option<Vec<T>> as serde::Deserialize>::deserialize(d)?.unwrap_or_default())
}

/// String defaulting to empty when null.
pub(crate) fn string_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(string_opt(d)?.unwrap_or_default())
}

/// Optional boolean from `true`, `"true"`, `1`, `"1"` (and their false forms).
pub(crate) fn bool_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match scalar(d)? {
        Lenient::Bool(b) => Ok(Some(b)),
        Lenient::Int(i) => Ok(Some(i != 0)),
        Lenient::Float(f) => Ok(Some(f != 0.0)),
        Lenient::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(Some(true)),
            "false" | "0" | "no" => Ok(Some(false)),
            "" => Ok(None),
            other => Err(de::Error::custom(format!(
                "expected a boolean, got {other:?}"
            ))),
        },
        Lenient::Null => Ok(None),
    }
}

/// Status defaulting to [`super::Status::default`] when null (as when absent).
pub(crate) fn status_or_default<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<super::Status, D::Error> {
    use serde::Deserialize;
    Ok(Option::<super::Status>::deserialize(d)?.unwrap_or_default())
}
