//! `PUT /trackings/{carrier_code}/{tracking_number}`: change a tracking's fields.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;

use super::{check_ref, single_path};
use crate::endpoint::{json_body, Endpoint};
use crate::error::{Error, ValidationError};
use crate::models::{CreatedTracking, TrackingRef, TrackingUpdate};

/// Changes fields of one tracking (title, customer, archived, manual status…).
/// Answers 4017 for an unknown tracking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateTracking {
    key: TrackingRef,
    update: TrackingUpdate,
}

impl UpdateTracking {
    /// Applies `update` to the tracking `tracking_number` of `carrier_code`.
    pub fn new(
        carrier_code: impl Into<String>,
        tracking_number: impl Into<String>,
        update: TrackingUpdate,
    ) -> Result<Self, ValidationError> {
        let key = TrackingRef::new(carrier_code, tracking_number);
        check_ref(&key, None)?;
        Ok(Self { key, update })
    }
}

impl Endpoint for UpdateTracking {
    type Response = CreatedTracking;

    fn method(&self) -> Method {
        Method::PUT
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Owned(single_path(&self.key))
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        json_body(&self.update)
    }
}
