//! `POST /trackings/realtime`: query the carrier now, without storing a tracking.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;

use super::check_ref;
use crate::endpoint::{json_body, Endpoint, EndpointClass};
use crate::error::{Error, ValidationError};
use crate::models::{Realtime, RealtimeQuery, TrackingRef};
use crate::validate;

/// A real-time query (1 credit; the same number is answered from cache for 2 h;
/// 3 calls/s per account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealtimeTracking {
    query: RealtimeQuery,
}

impl RealtimeTracking {
    /// Validates number, carrier and lang.
    pub fn new(query: RealtimeQuery) -> Result<Self, ValidationError> {
        check_ref(
            &TrackingRef::new(query.carrier_code.clone(), query.tracking_number.clone()),
            None,
        )?;
        if let Some(lang) = &query.lang {
            validate::lang(lang)?;
        }
        Ok(Self { query })
    }
}

impl Endpoint for RealtimeTracking {
    type Response = Realtime;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/trackings/realtime")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        json_body(&self.query)
    }

    fn class(&self) -> EndpointClass {
        EndpointClass::Realtime
    }
}
