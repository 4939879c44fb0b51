//! Request and response models for every v2 call.
//!
//! Decoding is tolerant exactly where the real service is inconsistent (numbers
//! sent as strings, `customer_email` as a string or a list, null or absent
//! fields, new statuses); unknown fields are kept in each model's `extra` map so
//! nothing the service sends is lost.

mod aircargo;
mod batch;
mod carrier;
mod costtime;
pub(crate) mod lenient;
mod list;
mod remote;
mod requests;
mod status;
mod time;
mod tracking;
mod user;
pub(crate) mod with_extra;

pub use aircargo::{AirCargo, AirCargoEvent};
pub use batch::{BatchCreated, BatchDeleted, BatchStopped, BatchUpdated, ItemError, TrackingRef};
pub use carrier::{Carrier, DetectedCarrier};
pub use costtime::{TransitTime, TransitTimeQuery};
pub use list::{ListFilter, Page, StatusCountFilter};
pub use remote::{RemoteArea, RemoteCheck, RemoteOther, RemoteResult};
pub use requests::{CarrierChange, ManualStatus, NewTracking, RealtimeQuery, TrackingUpdate};
pub use status::{Status, Substatus, SUBSTATUSES};
pub use time::Timestamp;
pub use tracking::{
    CarrierChanged, CarrierInfo, Checkpoint, CreatedTracking, Emails, Realtime, Tracking,
};
pub use user::{StatusCounts, UserInfo};

use serde::{Deserialize, Serialize};

/// A JSON object of fields this version of tm does not model.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// The `meta` object of every response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// `200`, `201` or an error code such as `4016`.
    #[serde(deserialize_with = "lenient::i64_req")]
    pub code: i64,
    /// E.g. `Success`, `Bad Request` (absent on some responses).
    #[serde(rename = "type", default)]
    pub type_: String,
    /// A message for people (absent on some responses).
    #[serde(default)]
    pub message: String,
}

/// Data that carries nothing useful (`[]` on DELETE); accepts any JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Empty;

impl<'de> Deserialize<'de> for Empty {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Empty)
    }
}

impl Serialize for Empty {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        s.serialize_seq(Some(0))?.end()
    }
}
