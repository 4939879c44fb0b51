//! `POST /trackings/costtime`: transit-time statistics per lane.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;

use crate::endpoint::{json_body, Endpoint};
use crate::error::{Error, ValidationError};
use crate::models::{TransitTime, TransitTimeQuery};
use crate::validate;

/// Transit-time statistics for 1..=40 lanes (carrier, origin, destination).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetTransitTimes {
    items: Vec<TransitTimeQuery>,
}

impl GetTransitTimes {
    /// Validates the batch size and every lane.
    pub fn new(items: Vec<TransitTimeQuery>) -> Result<Self, ValidationError> {
        validate::batch_len("items", items.len())?;
        for (i, item) in items.iter().enumerate() {
            let at = format!("items[{i}]");
            validate::carrier_code(&item.carrier_code).map_err(|e| e.within(&at))?;
            validate::required("original", &item.original).map_err(|e| e.within(&at))?;
            validate::required("destination", &item.destination).map_err(|e| e.within(&at))?;
        }
        Ok(Self { items })
    }
}

impl Endpoint for GetTransitTimes {
    type Response = Vec<TransitTime>;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/trackings/costtime")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        json_body(&self.items)
    }
}
