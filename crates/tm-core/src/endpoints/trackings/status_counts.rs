//! `GET /trackings/getstatusnumber`: how many trackings are in each status.

use std::borrow::Cow;

use http::Method;

use crate::endpoint::Endpoint;
use crate::models::{StatusCountFilter, StatusCounts};

/// Counts trackings per status, optionally within creation / order time ranges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GetStatusCounts {
    filter: StatusCountFilter,
}

impl GetStatusCounts {
    /// Counts over all trackings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts over trackings matching `filter`.
    pub fn with_filter(filter: StatusCountFilter) -> Self {
        Self { filter }
    }
}

impl Endpoint for GetStatusCounts {
    type Response = StatusCounts;

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/trackings/getstatusnumber")
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let f = &self.filter;
        [
            ("created_at_min", f.created_at_min),
            ("created_at_max", f.created_at_max),
            ("order_created_time_min", f.order_created_time_min),
            ("order_created_time_max", f.order_created_time_max),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v.to_string())))
        .collect()
    }
}
