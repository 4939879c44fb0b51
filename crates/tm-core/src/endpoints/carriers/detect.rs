//! `POST /carriers/detect`: which carriers a number may belong to.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;
use serde::Serialize;

use crate::endpoint::{json_body, Endpoint};
use crate::error::{Error, ValidationError};
use crate::models::DetectedCarrier;
use crate::validate;

/// Detects candidate carriers from a tracking number (0.2 credit). Answers 4032
/// ([`crate::ApiErrorKind::CarrierNotDetected`]) when nothing matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DetectCarrier {
    tracking_number: String,
}

impl DetectCarrier {
    /// Validates the number.
    pub fn new(tracking_number: impl Into<String>) -> Result<Self, ValidationError> {
        let tracking_number = tracking_number.into();
        validate::tracking_number(&tracking_number)?;
        Ok(Self { tracking_number })
    }
}

impl Endpoint for DetectCarrier {
    type Response = Vec<DetectedCarrier>;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/carriers/detect")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        json_body(self)
    }
}
