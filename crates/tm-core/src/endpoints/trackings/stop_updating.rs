//! `POST /trackings/notupdate`: stop updating up to 40 trackings.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;

use super::check_refs;
use crate::endpoint::{json_body, Endpoint};
use crate::error::{Error, ValidationError};
use crate::models::{BatchStopped, TrackingRef};

/// Stops automatic updates of 1..=40 trackings (`track_update` becomes false).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopUpdating {
    items: Vec<TrackingRef>,
}

impl StopUpdating {
    /// Validates the batch size and every key.
    pub fn new(items: Vec<TrackingRef>) -> Result<Self, ValidationError> {
        check_refs(&items)?;
        Ok(Self { items })
    }

    /// The trackings.
    pub fn items(&self) -> &[TrackingRef] {
        &self.items
    }
}

impl Endpoint for StopUpdating {
    type Response = BatchStopped;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/trackings/notupdate")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        json_body(&self.items)
    }
}
