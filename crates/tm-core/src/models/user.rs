//! Account information and status counts.

use serde::{Deserialize, Serialize};

use super::lenient;
use super::Extra;

/// `data` of `GET /trackings/getuserinfo`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserInfo {
    /// Account e-mail.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub email: String,
    /// Registration time, Unix seconds (sent as a string).
    #[serde(default, deserialize_with = "lenient::i64_opt")]
    pub regtime: Option<i64>,
    /// Phone (string or number on the wire).
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub phone: Option<String>,
    /// Balance.
    #[serde(default, deserialize_with = "lenient::f64_or_zero")]
    pub money: f64,
    /// Remaining tracking credits (fractional: detect costs 0.2).
    #[serde(default, deserialize_with = "lenient::f64_or_zero")]
    pub track_number: f64,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data` of `GET /trackings/getstatusnumber`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    /// Pending.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub pending: u64,
    /// Not found.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub notfound: u64,
    /// In transit.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub transit: u64,
    /// Out for delivery / waiting for pickup.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub pickup: u64,
    /// Delivered.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub delivered: u64,
    /// Failed attempt.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub undelivered: u64,
    /// Exception.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub exception: u64,
    /// Expired.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub expired: u64,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

impl StatusCounts {
    /// Sum of the eight counts.
    pub fn total(&self) -> u64 {
        self.pending
            + self.notfound
            + self.transit
            + self.pickup
            + self.delivered
            + self.undelivered
            + self.exception
            + self.expired
    }
}
