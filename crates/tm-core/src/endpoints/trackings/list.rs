//! `GET /trackings/get`: one page of trackings, filtered.

use std::borrow::Cow;

use http::Method;

use crate::endpoint::{Endpoint, EndpointClass};
use crate::error::ValidationError;
use crate::models::{ListFilter, Page};
use crate::validate::{self, MAX_LIST_LIMIT};
use crate::MAX_BATCH;

/// Lists trackings, newest first. Rate-limited to 1 call/s by the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListTrackings {
    page: u32,
    limit: u32,
    filter: ListFilter,
}

impl ListTrackings {
    /// Page 1 of 100, no filter.
    pub fn new() -> Self {
        Self {
            page: 1,
            limit: 100,
            filter: ListFilter::default(),
        }
    }

    /// Page `page` (≥ 1) of `limit` (1..=2000) trackings matching `filter`.
    pub fn with(page: u32, limit: u32, filter: ListFilter) -> Result<Self, ValidationError> {
        Self::new().page(page)?.limit(limit)?.filter(filter)
    }

    /// The page number, 1-based.
    pub fn page(mut self, page: u32) -> Result<Self, ValidationError> {
        if page == 0 {
            return Err(ValidationError::new("page", "pages start at 1"));
        }
        self.page = page;
        Ok(self)
    }

    /// Items per page, 1..=2000.
    pub fn limit(mut self, limit: u32) -> Result<Self, ValidationError> {
        if !(1..=MAX_LIST_LIMIT).contains(&limit) {
            return Err(ValidationError::new(
                "limit",
                format!("{limit} is outside 1..={MAX_LIST_LIMIT}"),
            ));
        }
        self.limit = limit;
        Ok(self)
    }

    /// Filters (validated: known status, ≤ 40 numbers and orders, two-letter lang).
    pub fn filter(mut self, filter: ListFilter) -> Result<Self, ValidationError> {
        if let Some(status) = &filter.status {
            if status.is_unknown() {
                return Err(ValidationError::new(
                    "status",
                    format!("{status:?} is not a v2 status"),
                ));
            }
        }
        for (field, values) in [("numbers", &filter.numbers), ("orders", &filter.orders)] {
            if values.len() > MAX_BATCH {
                return Err(ValidationError::new(
                    field,
                    format!(
                        "has {} values; at most {MAX_BATCH} are allowed",
                        values.len()
                    ),
                ));
            }
            if let Some(bad) = values.iter().find(|v| v.is_empty() || v.contains(',')) {
                return Err(ValidationError::new(
                    field,
                    format!("{bad:?} is empty or contains a comma"),
                ));
            }
        }
        if let Some(lang) = &filter.lang {
            validate::lang(lang)?;
        }
        self.filter = filter;
        Ok(self)
    }

    /// The page number.
    pub fn page_number(&self) -> u32 {
        self.page
    }

    /// The page size.
    pub fn page_size(&self) -> u32 {
        self.limit
    }

    /// The filters.
    pub fn filters(&self) -> &ListFilter {
        &self.filter
    }

    /// The same query for page `page` (used by the pager).
    pub fn at_page(&self, page: u32) -> Self {
        Self {
            page: page.max(1),
            ..self.clone()
        }
    }
}

impl Default for ListTrackings {
    fn default() -> Self {
        Self::new()
    }
}

impl Endpoint for ListTrackings {
    type Response = Page;

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/trackings/get")
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let f = &self.filter;
        let mut q = vec![
            ("page", self.page.to_string()),
            ("limit", self.limit.to_string()),
        ];
        if let Some(s) = &f.status {
            q.push(("status", s.as_str().to_owned()));
        }
        for (name, v) in [
            ("created_at_min", f.created_at_min),
            ("created_at_max", f.created_at_max),
            ("update_time_min", f.update_time_min),
            ("update_time_max", f.update_time_max),
            ("order_created_time_min", f.order_created_time_min),
            ("order_created_time_max", f.order_created_time_max),
        ] {
            if let Some(v) = v {
                q.push((name, v.to_string()));
            }
        }
        if !f.numbers.is_empty() {
            q.push(("numbers", f.numbers.join(",")));
        }
        if !f.orders.is_empty() {
            q.push(("orders", f.orders.join(",")));
        }
        if let Some(a) = f.archived {
            q.push(("archived", a.to_string()));
        }
        if let Some(lang) = &f.lang {
            q.push(("lang", lang.clone()));
        }
        q
    }

    fn class(&self) -> EndpointClass {
        EndpointClass::List
    }
}
