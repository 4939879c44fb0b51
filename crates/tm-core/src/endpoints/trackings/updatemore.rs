//! `POST /trackings/updatemore`: change fields of up to 40 trackings.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;
use serde::Serialize;

use super::check_ref;
use crate::endpoint::{json_body, Endpoint};
use crate::error::{Error, ValidationError};
use crate::models::{BatchUpdated, TrackingRef, TrackingUpdate};
use crate::validate;

/// Updates 1..=40 trackings; per-item failures come back in
/// [`BatchUpdated::errors`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchUpdateTrackings {
    items: Vec<(TrackingRef, TrackingUpdate)>,
}

#[derive(Serialize)]
struct Item<'a> {
    tracking_number: &'a str,
    carrier_code: &'a str,
    #[serde(flatten)]
    update: &'a TrackingUpdate,
}

impl BatchUpdateTrackings {
    /// Validates the batch size and every key.
    pub fn new(items: Vec<(TrackingRef, TrackingUpdate)>) -> Result<Self, ValidationError> {
        validate::batch_len("items", items.len())?;
        for (i, (key, _)) in items.iter().enumerate() {
            check_ref(key, Some(&format!("items[{i}]")))?;
        }
        Ok(Self { items })
    }

    /// The items.
    pub fn items(&self) -> &[(TrackingRef, TrackingUpdate)] {
        &self.items
    }
}

impl Endpoint for BatchUpdateTrackings {
    type Response = BatchUpdated;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/trackings/updatemore")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        let items: Vec<Item<'_>> = self
            .items
            .iter()
            .map(|(k, u)| Item {
                tracking_number: &k.tracking_number,
                carrier_code: &k.carrier_code,
                update: u,
            })
            .collect();
        json_body(&items)
    }
}
