//! Lazily decoded trackings for list-all: a page is split into one raw JSON
//! slice per tracking (a quick scan that skips tm-core's whole-page model
//! decode), and a `Tracking` decodes its slice into the typed model on first
//! attribute access (its Python attribute values are then built on access
//! too). Listing 10,000 trackings costs little more than the transfer, and a
//! caller that reads some fields of some trackings pays for those only. A
//! tracking whose JSON does not match the model does not fail its page: the
//! error is raised when that `Tracking` is used.

use std::borrow::Cow;
use std::ops::Deref;
use std::sync::OnceLock;

use pyo3::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use tm_core::endpoints::trackings::ListTrackings;
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
}

impl<T> Deref for Plain<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A model value kept as its JSON until first needed.
pub(crate) struct Lazy<T> {
    raw: Option<Box<RawValue>>,
    cell: OnceLock<Result<T, String>>,
}

impl<T: DeserializeOwned> Lazy<T> {
    /// Wraps a decoded value.
    pub(crate) fn ready(v: T) -> Self {
        Self {
            raw: None,
            cell: OnceLock::from(Ok(v)),
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
        }
    }

    /// The decoded value; an `APIError` (kind `decode`) if the JSON does not
    /// match the model (checked on first access, as the page was only scanned).
    pub(crate) fn value(&self) -> PyResult<&T> {
        let decoded = self.cell.get_or_init(|| {
            let text = self.raw.as_deref().map_or("null", RawValue::get);
            serde_json::from_str(text).map_err(|e| e.to_string())
        });
        decoded.as_ref().map_err(|message| {
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
