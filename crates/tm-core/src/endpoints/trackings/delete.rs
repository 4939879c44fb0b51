//! `DELETE /trackings/{carrier_code}/{tracking_number}`: delete one tracking.

use std::borrow::Cow;

use http::Method;

use super::{check_ref, single_path};
use crate::endpoint::Endpoint;
use crate::error::ValidationError;
use crate::models::{Empty, TrackingRef};

/// Deletes one tracking. Answers 4017 for an unknown tracking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteTracking {
    key: TrackingRef,
}

impl DeleteTracking {
    /// The tracking `tracking_number` of `carrier_code`.
    pub fn new(
        carrier_code: impl Into<String>,
        tracking_number: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let key = TrackingRef::new(carrier_code, tracking_number);
        check_ref(&key, None)?;
        Ok(Self { key })
    }
}

impl Endpoint for DeleteTracking {
    type Response = Empty;

    fn method(&self) -> Method {
        Method::DELETE
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Owned(single_path(&self.key))
    }
}
