//! Account information and status counts.

use serde::Serialize;

use super::derive;
use super::lenient;
use super::Extra;

/// `data` of `GET /trackings/getuserinfo`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UserInfo {
    /// Account e-mail.
    pub email: String,
    /// Registration time, Unix seconds (sent as a string).
    pub regtime: Option<i64>,
    /// Phone (string or number on the wire).
    pub phone: Option<String>,
    /// Balance.
    pub money: f64,
    /// Remaining tracking credits (fractional: detect costs 0.2).
    pub track_number: f64,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    UserInfo {
        default email: String = "email" => lenient::string_or_empty;
        default regtime: Option<i64> = "regtime" => lenient::i64_opt;
        default phone: Option<String> = "phone" => lenient::string_opt;
        default money: f64 = "money" => lenient::f64_or_zero;
        default track_number: f64 = "track_number" => lenient::f64_or_zero;
    }
}

/// `data` of `GET /trackings/getstatusnumber`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    /// Pending.
    pub pending: u64,
    /// Not found.
    pub notfound: u64,
    /// In transit.
    pub transit: u64,
    /// Out for delivery / waiting for pickup.
    pub pickup: u64,
    /// Delivered.
    pub delivered: u64,
    /// Failed attempt.
    pub undelivered: u64,
    /// Exception.
    pub exception: u64,
    /// Expired.
    pub expired: u64,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    StatusCounts {
        default pending: u64 = "pending" => lenient::u64_or_zero;
        default notfound: u64 = "notfound" => lenient::u64_or_zero;
        default transit: u64 = "transit" => lenient::u64_or_zero;
        default pickup: u64 = "pickup" => lenient::u64_or_zero;
        default delivered: u64 = "delivered" => lenient::u64_or_zero;
        default undelivered: u64 = "undelivered" => lenient::u64_or_zero;
        default exception: u64 = "exception" => lenient::u64_or_zero;
        default expired: u64 = "expired" => lenient::u64_or_zero;
    }
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
