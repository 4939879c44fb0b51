//! `POST /trackings/batch`: create up to 40 trackings in one call.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;

use crate::endpoint::{json_body, Endpoint};
use crate::error::{Error, ValidationError};
use crate::models::{BatchCreated, NewTracking};
use crate::validate;

/// Creates 1..=40 trackings. Each item succeeds or fails on its own; failures
/// come back in [`BatchCreated::errors`] (meta 201 when any item failed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchCreateTrackings {
    items: Vec<NewTracking>,
}

impl BatchCreateTrackings {
    /// Validates the batch size and every item.
    pub fn new(items: Vec<NewTracking>) -> Result<Self, ValidationError> {
        validate::batch_len("items", items.len())?;
        for (i, item) in items.iter().enumerate() {
            item.validate()
                .map_err(|e| e.within(&format!("items[{i}]")))?;
        }
        Ok(Self { items })
    }

    /// The trackings to create.
    pub fn items(&self) -> &[NewTracking] {
        &self.items
    }
}

impl Endpoint for BatchCreateTrackings {
    type Response = BatchCreated;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/trackings/batch")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        json_body(&self.items)
    }

    fn is_create(&self) -> bool {
        true
    }
}
