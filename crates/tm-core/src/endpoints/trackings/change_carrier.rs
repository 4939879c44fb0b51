//! `POST /trackings/update`: move a tracking to another carrier code.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;

use super::check_ref;
use crate::endpoint::{json_body, Endpoint};
use crate::error::{Error, ValidationError};
use crate::models::{CarrierChange, CarrierChanged, TrackingRef};
use crate::validate;

/// Changes the carrier of a tracking (its history restarts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeCarrier {
    body: CarrierChange,
}

impl ChangeCarrier {
    /// Moves `tracking_number` from `carrier_code` to `new_carrier_code`.
    pub fn new(
        carrier_code: impl Into<String>,
        tracking_number: impl Into<String>,
        new_carrier_code: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let body = CarrierChange {
            tracking_number: tracking_number.into(),
            carrier_code: carrier_code.into(),
            update_carrier_code: new_carrier_code.into(),
        };
        check_ref(
            &TrackingRef::new(body.carrier_code.clone(), body.tracking_number.clone()),
            None,
        )?;
        validate::carrier_code_field("update_carrier_code", &body.update_carrier_code)?;
        Ok(Self { body })
    }
}

impl Endpoint for ChangeCarrier {
    type Response = CarrierChanged;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/trackings/update")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        json_body(&self.body)
    }
}
