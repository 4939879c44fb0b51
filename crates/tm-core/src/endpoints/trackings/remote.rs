//! `POST /trackings/remote`: are these addresses in remote delivery areas?

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;

use crate::endpoint::{json_body, Endpoint};
use crate::error::{Error, ValidationError};
use crate::models::{RemoteCheck, RemoteResult};
use crate::validate;

/// Checks 1..=40 addresses against the carriers' remote-area lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRemote {
    items: Vec<RemoteCheck>,
}

impl CheckRemote {
    /// Validates the batch size and that each item has a country and postcode.
    pub fn new(items: Vec<RemoteCheck>) -> Result<Self, ValidationError> {
        validate::batch_len("items", items.len())?;
        for (i, item) in items.iter().enumerate() {
            let at = format!("items[{i}]");
            validate::required("country", &item.country).map_err(|e| e.within(&at))?;
            validate::required("postcode", &item.postcode).map_err(|e| e.within(&at))?;
        }
        Ok(Self { items })
    }
}

impl Endpoint for CheckRemote {
    type Response = RemoteResult;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/trackings/remote")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        json_body(&self.items)
    }
}
