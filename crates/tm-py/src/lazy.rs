//! Lazily decoded trackings for list-all: a page is split into one raw JSON
//! slice per tracking (a quick scan that skips tm-core's whole-page model
//! decode), and a `Tracking` decodes its slice into the typed model on first
//! attribute access (its Python attribute values are then built on access
//! too). Listing 10,000 trackings costs little more than the transfer, and a
//! caller that reads some fields of some trackings pays for those only. A
//! tracking whose JSON does not match the model does not fail its page: the
//! error is raised when that `Tracking` is used.
//!
//! A top-level attribute (`tracking_number`, `status`, …) decodes only the
//! top level: the fields a model defers ([`Partial::DEFERRED`], a tracking's
//! two carrier legs with their checkpoints, most of its JSON) are skipped over
//! (checked as JSON, not read). Anything else (a deferred attribute,
//! `checkpoints`, `to_dict`, `==`, `hash`, `repr`, pickling) decodes the whole
//! model, so a leg that does not match the model raises there, not on
//! `tracking_number`.

use std::borrow::Cow;
use std::ops::Deref;
use std::sync::OnceLock;

use pyo3::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use tm_core::endpoints::trackings::ListTrackings;
use tm_core::models::Tracking;
use tm_core::{Endpoint, EndpointClass, Error};

use crate::errors;

/// A model value, decoded from the start.
pub(crate) struct Plain<T>(T);

impl<T> Plain<T> {
    /// Wraps a decoded value.
    pub(crate) fn ready(v: T) -> Self {
        Self(v)
    }

    /// The value (never fails; same signature as [`Lazy::value`]).
    pub(crate) fn value(&self) -> PyResult<&T> {
        Ok(&self.0)
    }

    /// The value, to read the attribute `_field` (same signature as
    /// [`Lazy::for_field`]).
    pub(crate) fn for_field(&self, _field: &str) -> PyResult<&T> {
        Ok(&self.0)
    }
}

impl<T> Deref for Plain<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A model whose costly fields can be left out of a first, partial decode.
pub(crate) trait Partial: DeserializeOwned {
    /// The fields (Rust names, which are also the Python attribute names) a
    /// partial decode skips; reading one of them decodes the whole model.
    const DEFERRED: &'static [&'static str];

    /// Decodes `text` without the [`Partial::DEFERRED`] fields (left at their
    /// defaults, never shown: their attributes read the whole model).
    fn decode_partial(text: &str) -> serde_json::Result<Self>;
}

impl Partial for Tracking {
    const DEFERRED: &'static [&'static str] = &["origin_info", "destination_info"];

    fn decode_partial(text: &str) -> serde_json::Result<Self> {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = Tracking::deserialize_skipping(&mut de, Self::DEFERRED)?;
        de.end()?;
        Ok(value)
    }
}

/// The outcome of decoding a model, boxed: a `Lazy` stays a few words until
/// decoded (a `Tracking` is kilobytes wide, and a page holds thousands).
type Decoded<T> = OnceLock<Result<Box<T>, String>>;

/// A model value kept as its JSON until first needed.
pub(crate) struct Lazy<T> {
    raw: Option<Box<RawValue>>,
    /// The whole model.
    cell: Decoded<T>,
    /// The model without its deferred fields (only while `cell` is empty).
    partial: Decoded<T>,
}

impl<T: Partial> Lazy<T> {
    /// Wraps a decoded value.
    pub(crate) fn ready(v: T) -> Self {
        Self {
            raw: None,
            cell: OnceLock::from(Ok(Box::new(v))),
            partial: OnceLock::new(),
        }
    }

    /// A hash of the JSON it was listed as (of nothing, once decoded from a
    /// value): how the list pager tells a repeated page from a new one
    /// without decoding it.
    pub(crate) fn listing_identity(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        self.raw.as_deref().map(RawValue::get).hash(&mut h);
        h.finish()
    }

    /// Wraps undecoded JSON, decoded on first access.
    pub(crate) fn raw(raw: Box<RawValue>) -> Self {
        Self {
            raw: Some(raw),
            cell: OnceLock::new(),
            partial: OnceLock::new(),
        }
    }

    fn text(&self) -> &str {
        self.raw.as_deref().map_or("null", RawValue::get)
    }

    /// The decoded value; an `APIError` (kind `decode`) if the JSON does not
    /// match the model (checked on first access, as the page was only scanned).
    pub(crate) fn value(&self) -> PyResult<&T> {
        let decoded = self.cell.get_or_init(|| {
            serde_json::from_str(self.text())
                .map(Box::new)
                .map_err(|e| e.to_string())
        });
        self.checked(decoded)
    }

    /// The value to read the attribute `field` from: the whole model for a
    /// deferred field (or once decoded anyway), else the partial decode.
    pub(crate) fn for_field(&self, field: &str) -> PyResult<&T> {
        if T::DEFERRED.contains(&field) {
            return self.value();
        }
        if let Some(Ok(whole)) = self.cell.get() {
            return Ok(whole);
        }
        let decoded = self.partial.get_or_init(|| {
            T::decode_partial(self.text())
                .map(Box::new)
                .map_err(|e| e.to_string())
        });
        self.checked(decoded)
    }

    /// `decoded`, or its error as an `APIError` (kind `decode`).
    fn checked<'a>(&self, decoded: &'a Result<Box<T>, String>) -> PyResult<&'a T> {
        decoded.as_deref().map_err(|message| {
            let e = Error::Decode(tm_core::DecodeError {
                status: http::StatusCode::OK,
                message: format!("a tracking does not match the expected shape: {message}"),
                body: bytes::Bytes::copy_from_slice(
                    self.raw.as_deref().map_or("", RawValue::get).as_bytes(),
                ),
            });
            Python::attach(|py| errors::to_py(py, &e))
        })
    }
}

/// `GET /trackings/get` whose items stay raw JSON ([`RawPage`]); everything
/// else is `ListTrackings`'s.
pub(crate) struct RawListTrackings(pub(crate) ListTrackings);

impl Endpoint for RawListTrackings {
    type Response = RawPage;

    fn method(&self) -> http::Method {
        self.0.method()
    }

    fn path(&self) -> Cow<'_, str> {
        self.0.path()
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        self.0.query()
    }

    fn headers(&self) -> http::HeaderMap {
        self.0.headers()
    }

    fn body(&self) -> Result<Option<bytes::Bytes>, Error> {
        self.0.body()
    }

    fn class(&self) -> EndpointClass {
        self.0.class()
    }
}

/// `data` of `GET /trackings/get` with each item left as raw JSON.
#[derive(Deserialize)]
pub(crate) struct RawPage {
    /// Matches across all pages (the service sends a string).
    #[serde(default, deserialize_with = "total")]
    pub(crate) total: u64,
    /// The trackings, undecoded.
    #[serde(default)]
    pub(crate) items: Option<Vec<Box<RawValue>>>,
}

/// `total` as a number or a numeric string; anything else counts as 0 (as
/// tm-core's lenient reader does).
fn total<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Total {
        Number(u64),
        Text(String),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Total::deserialize(d)? {
        Total::Number(n) => n,
        Total::Text(s) => s.trim().parse().unwrap_or(0),
        Total::Other(_) => 0,
    })
}
