//! `POST /trackings/delete`: delete up to 40 trackings.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;

use super::check_refs;
use crate::endpoint::{json_body, Endpoint};
use crate::error::{Error, ValidationError};
use crate::models::{BatchDeleted, TrackingRef};

/// Deletes 1..=40 trackings; unknown ones come back in [`BatchDeleted::errors`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchDeleteTrackings {
    items: Vec<TrackingRef>,
}

impl BatchDeleteTrackings {
    /// Validates the batch size and every key.
    pub fn new(items: Vec<TrackingRef>) -> Result<Self, ValidationError> {
        check_refs(&items)?;
        Ok(Self { items })
    }

    /// The trackings to delete.
    pub fn items(&self) -> &[TrackingRef] {
        &self.items
    }
}

impl Endpoint for BatchDeleteTrackings {
    type Response = BatchDeleted;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/trackings/delete")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        json_body(&self.items)
    }
}
