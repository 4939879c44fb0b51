//! `GET /trackings/{carrier_code}/{tracking_number}[/{lang}]`: one tracking.

use std::borrow::Cow;

use http::Method;

use super::{check_ref, single_path};
use crate::endpoint::Endpoint;
use crate::error::ValidationError;
use crate::models::{Tracking, TrackingRef};
use crate::validate;

/// Gets one tracking with its checkpoints. Answers 4031
/// ([`crate::ApiErrorKind::NotFound`]) for a tracking never created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetTracking {
    key: TrackingRef,
    lang: Option<String>,
}

impl GetTracking {
    /// The tracking `tracking_number` of `carrier_code`.
    pub fn new(
        carrier_code: impl Into<String>,
        tracking_number: impl Into<String>,
    ) -> Result<Self, ValidationError> {
        let key = TrackingRef::new(carrier_code, tracking_number);
        check_ref(&key, None)?;
        Ok(Self { key, lang: None })
    }

    /// Checkpoint texts in `lang` (two letters) where the carrier supports it.
    pub fn lang(mut self, lang: impl Into<String>) -> Result<Self, ValidationError> {
        let lang = lang.into();
        validate::lang(&lang)?;
        self.lang = Some(lang);
        Ok(self)
    }
}

impl Endpoint for GetTracking {
    type Response = Tracking;

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Cow<'_, str> {
        let base = single_path(&self.key);
        match &self.lang {
            Some(lang) => Cow::Owned(format!("{base}/{lang}")),
            None => Cow::Owned(base),
        }
    }
}
