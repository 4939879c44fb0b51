//! `GET /carriers`: every supported carrier.

use std::borrow::Cow;

use http::{HeaderMap, HeaderValue, Method};

use crate::endpoint::Endpoint;
use crate::error::ValidationError;
use crate::models::Carrier;
use crate::validate;

/// Lists carriers; names in the `Lang` header's language where available.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListCarriers {
    lang: Option<String>,
}

impl ListCarriers {
    /// All carriers, default names.
    pub fn new() -> Self {
        Self::default()
    }

    /// Names in `lang` (`en`, `cn`, `tw`, `es`, `ru`, `it`).
    pub fn lang(mut self, lang: impl Into<String>) -> Result<Self, ValidationError> {
        let lang = lang.into();
        validate::lang(&lang)?;
        self.lang = Some(lang);
        Ok(self)
    }
}

impl Endpoint for ListCarriers {
    type Response = Vec<Carrier>;

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/carriers")
    }

    fn headers(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(lang) = self
            .lang
            .as_deref()
            .and_then(|l| HeaderValue::from_str(l).ok())
        {
            h.insert("Lang", lang);
        }
        h
    }
}
