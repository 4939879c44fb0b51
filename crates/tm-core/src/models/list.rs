//! The list page and the filters of list and status counts.

use serde::{Deserialize, Serialize};

use super::lenient;
use super::{Extra, Status, Tracking};

/// `data` of `GET /trackings/get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// Page number (1-based).
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub page: u64,
    /// Page size asked for.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub limit: u64,
    /// Matches across all pages (sent as a string by the service).
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub total: u64,
    /// Items on this page.
    #[serde(default, deserialize_with = "lenient::i64_opt")]
    pub count: Option<i64>,
    /// The trackings.
    #[serde(default)]
    pub items: Vec<Tracking>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Page {
    /// True if pages after this one hold more items.
    pub fn has_more(&self) -> bool {
        !self.items.is_empty() && self.page.saturating_mul(self.limit) < self.total
    }
}

/// Filters of `GET /trackings/get`. Times are Unix seconds, inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Only this status.
    pub status: Option<Status>,
    /// Created at or after.
    pub created_at_min: Option<i64>,
    /// Created at or before.
    pub created_at_max: Option<i64>,
    /// Updated at or after.
    pub update_time_min: Option<i64>,
    /// Updated at or before.
    pub update_time_max: Option<i64>,
    /// Order created at or after.
    pub order_created_time_min: Option<i64>,
    /// Order created at or before.
    pub order_created_time_max: Option<i64>,
    /// Only these tracking numbers (≤ 40).
    pub numbers: Vec<String>,
    /// Only these order ids (≤ 40).
    pub orders: Vec<String>,
    /// `Some(true)`: archived only; `Some(false)`: unarchived only; `None`: both.
    pub archived: Option<bool>,
    /// Language of checkpoint texts.
    pub lang: Option<String>,
}

/// Filters of `GET /trackings/getstatusnumber`. Times are Unix seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCountFilter {
    /// Created at or after.
    pub created_at_min: Option<i64>,
    /// Created at or before.
    pub created_at_max: Option<i64>,
    /// Order created at or after.
    pub order_created_time_min: Option<i64>,
    /// Order created at or before.
    pub order_created_time_max: Option<i64>,
}
