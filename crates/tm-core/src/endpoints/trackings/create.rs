//! `POST /trackings/post`: create one tracking.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;

use crate::endpoint::{json_body, Endpoint};
use crate::error::{Error, ValidationError};
use crate::models::{CreatedTracking, NewTracking};

/// Creates one tracking. Answers 4016 ([`crate::ApiErrorKind::AlreadyExists`])
/// if it exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTracking {
    tracking: NewTracking,
}

impl CreateTracking {
    /// Validates `tracking` (number, carrier code, lang).
    pub fn new(tracking: NewTracking) -> Result<Self, ValidationError> {
        tracking.validate()?;
        Ok(Self { tracking })
    }

    /// The tracking to create.
    pub fn tracking(&self) -> &NewTracking {
        &self.tracking
    }
}

impl Endpoint for CreateTracking {
    type Response = CreatedTracking;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/trackings/post")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        json_body(&self.tracking)
    }

    fn is_create(&self) -> bool {
        true
    }
}
