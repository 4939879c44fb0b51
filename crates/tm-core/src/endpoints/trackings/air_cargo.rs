//! `POST /trackings/aircargo`: track air waybills (20 credits each).

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;
use serde::Serialize;

use crate::endpoint::{json_body, Endpoint};
use crate::error::{Error, ValidationError};
use crate::models::AirCargo;
use crate::validate;

/// Tracks one or more air waybills (`NNN-NNNNNNNN`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackAirCargo {
    track_number: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
}

impl TrackAirCargo {
    /// Validates every waybill number (at least one).
    pub fn new<I, S>(numbers: I) -> Result<Self, ValidationError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let track_number: Vec<String> = numbers.into_iter().map(Into::into).collect();
        if track_number.is_empty() {
            return Err(ValidationError::new("track_number", "is empty"));
        }
        for n in &track_number {
            validate::air_waybill(n)?;
        }
        Ok(Self {
            track_number,
            lang: None,
        })
    }

    /// Event texts in `lang` (two letters).
    pub fn lang(mut self, lang: impl Into<String>) -> Result<Self, ValidationError> {
        let lang = lang.into();
        validate::lang(&lang)?;
        self.lang = Some(lang);
        Ok(self)
    }
}

impl Endpoint for TrackAirCargo {
    type Response = Vec<AirCargo>;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/trackings/aircargo")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        json_body(self)
    }
}
