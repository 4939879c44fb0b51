//! The tracking object and its parts.

use serde::{Deserialize, Serialize};

use super::lenient;
use super::with_extra::model_with_extra;
use super::{Extra, Status, Substatus, Timestamp};

/// `customer_email`: a string in some responses, a list of strings in others.
/// The shape is kept so it serializes back as it came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Emails {
    /// A single string (possibly empty).
    One(String),
    /// A list of addresses.
    Many(Vec<String>),
}

impl Emails {
    /// The addresses, ignoring empty strings.
    pub fn to_vec(&self) -> Vec<&str> {
        match self {
            Emails::One(s) if s.is_empty() => Vec::new(),
            Emails::One(s) => vec![s.as_str()],
            Emails::Many(v) => v
                .iter()
                .map(String::as_str)
                .filter(|s| !s.is_empty())
                .collect(),
        }
    }
}

model_with_extra! {
    /// One event of a shipment (`trackinfo[]`), newest first in a list.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Checkpoint {
        /// Carrier-local time of the event (naive).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub date: Option<Timestamp> = "Date" => default,
        /// What happened.
        pub status_description: String = "StatusDescription" => with lenient::string_or_empty,
        /// Where (may be empty).
        pub details: String = "Details" => with lenient::string_or_empty,
        /// Main status of this event.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub checkpoint_status: Option<Status> = "checkpoint_status" => default,
        /// Substatus of this event (e.g. `transit001`).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub substatus: Option<Substatus> = "substatus" => default,
        /// The milestone this event set, e.g. `ItemReceived`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub item_node: Option<String> = "ItemNode" => default,
    }
}

model_with_extra! {
    /// Carrier data for one leg (`origin_info` / `destination_info`).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct CarrierInfo {
        /// Carrier reference number.
        pub reference_number: Option<String> = "ReferenceNumber" => default,
        /// Milestone: first event.
        pub item_received: Option<Timestamp> = "ItemReceived" => default,
        /// Milestone: left the office of exchange.
        pub item_dispatched: Option<Timestamp> = "ItemDispatched" => default,
        /// Milestone: at the departure airport.
        pub depart_from_airport: Option<Timestamp> = "DepartfromAirport" => default,
        /// Milestone: arrived in the destination country.
        pub arrival_from_abroad: Option<Timestamp> = "ArrivalfromAbroad" => default,
        /// Milestone: handed to customs.
        pub customs_clearance: Option<Timestamp> = "CustomsClearance" => default,
        /// Milestone: at the delivery office.
        pub destination_arrived: Option<Timestamp> = "DestinationArrived" => default,
        /// Carrier web site.
        pub weblink: Option<String> = "weblink" => with lenient::string_opt,
        /// Carrier phone.
        pub phone: Option<String> = "phone" => with lenient::string_opt,
        /// Carrier of this leg.
        pub carrier_code: Option<String> = "carrier_code" => default,
        /// Events, newest first (`null` reads as none).
        pub trackinfo: Vec<Checkpoint> = "trackinfo" => with lenient::list_or_empty,
    }
}

model_with_extra! {
    /// A stored tracking with its checkpoints (GET single, list items, realtime).
    #[derive(Debug, Clone, PartialEq)]
    pub struct Tracking {
        /// 32-hex id.
        pub id: String = "id" => with lenient::string_or_empty,
        /// Tracking number.
        pub tracking_number: String = "tracking_number" => required,
        /// Carrier code.
        pub carrier_code: String = "carrier_code" => required,
        /// Main status.
        pub status: Status = "status" => with lenient::status_or_default,
        /// Item-level substatus.
        pub substatus: Option<Substatus> = "substatus" => default,
        /// Status info (meaning undocumented).
        pub status_info: Option<serde_json::Value> = "status_info" => default,
        /// False once updates were stopped (`/trackings/notupdate`).
        pub track_update: Option<bool> = "track_update" => with lenient::bool_opt,
        /// When the tracking was created (RFC 3339).
        pub created_at: Option<Timestamp> = "created_at" => default,
        /// When it was last refreshed (RFC 3339).
        pub updated_at: Option<Timestamp> = "updated_at" => default,
        /// Order time as the caller sent it.
        pub order_create_time: Option<Timestamp> = "order_create_time" => default,
        /// Product title.
        pub title: Option<String> = "title" => with lenient::string_opt,
        /// Order id.
        pub order_id: Option<String> = "order_id" => with lenient::string_opt,
        /// Comment.
        pub comment: Option<String> = "comment" => with lenient::string_opt,
        /// Customer name.
        pub customer_name: Option<String> = "customer_name" => with lenient::string_opt,
        /// Customer e-mail(s).
        pub customer_email: Option<Emails> = "customer_email" => default,
        /// Customer phone.
        pub customer_phone: Option<String> = "customer_phone" => with lenient::string_opt,
        /// Logistics channel.
        pub logistics_channel: Option<String> = "logistics_channel" => with lenient::string_opt,
        /// Destination country code as given on create.
        pub destination_code: Option<String> = "destination_code" => with lenient::string_opt,
        /// Archived flag.
        pub archived: Option<bool> = "archived" => with lenient::bool_opt,
        /// Origin country name.
        pub original_country: Option<String> = "original_country" => with lenient::string_opt,
        /// Destination country name.
        pub destination_country: Option<String> =
            "destination_country" => with lenient::string_opt,
        /// Transit time in days.
        pub item_time_length: Option<i64> = "itemTimeLength" => with lenient::i64_opt,
        /// Days since the last event.
        pub stay_time_length: Option<i64> = "stayTimeLength" => with lenient::i64_opt,
        /// Service code.
        pub service_code: Option<String> = "service_code" => with lenient::string_opt,
        /// Recipient name (spelled `singed_by` by the service).
        pub signed_by: Option<String> = "singed_by" => with lenient::string_opt,
        /// Origin-country carrier data.
        pub origin_info: Option<CarrierInfo> = "origin_info" => default,
        /// Destination-country carrier data.
        pub destination_info: Option<CarrierInfo> = "destination_info" => default,
        /// `"<StatusDescription>,<Details>,<Date>"` of the newest event.
        pub last_event: Option<String> = "lastEvent" => with lenient::string_opt,
        /// Carrier-local time of the newest event.
        pub last_update_time: Option<Timestamp> = "lastUpdateTime" => default,
    }
}

impl Tracking {
    /// All checkpoints of both legs, newest first.
    pub fn checkpoints(&self) -> Vec<&Checkpoint> {
        let mut all: Vec<&Checkpoint> = self
            .origin_info
            .iter()
            .chain(self.destination_info.iter())
            .flat_map(|i| i.trackinfo.iter())
            .collect();
        all.sort_by(|a, b| {
            let key = |c: &Checkpoint| c.date.as_ref().and_then(Timestamp::naive);
            key(b).cmp(&key(a))
        });
        all
    }
}

/// A tracking as returned by create, batch create and update: no checkpoints.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreatedTracking {
    /// 32-hex id.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub id: String,
    /// Tracking number.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub tracking_number: String,
    /// Carrier code.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub carrier_code: String,
    /// Status (`pending` right after create).
    #[serde(default, deserialize_with = "lenient::status_or_default")]
    pub status: Status,
    /// Creation time (RFC 3339).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update time (update results).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// Order time as sent, or `0` when none was given.
    #[serde(default)]
    pub order_create_time: Option<Timestamp>,
    /// Customer e-mail(s).
    #[serde(default)]
    pub customer_email: Option<Emails>,
    /// Customer name.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub customer_name: Option<String>,
    /// Customer phone.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub customer_phone: Option<String>,
    /// Order id.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub order_id: Option<String>,
    /// Comment.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub comment: Option<String>,
    /// Product title.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub title: Option<String>,
    /// Logistics channel.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub logistics_channel: Option<String>,
    /// Destination (`""` in observed traffic).
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub destination: Option<String>,
    /// Destination country code (update results).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::string_opt"
    )]
    pub destination_code: Option<String>,
    /// Archived flag (update results).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::bool_opt"
    )]
    pub archived: Option<bool>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data` of `POST /trackings/realtime`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Realtime {
    /// Normally one tracking.
    #[serde(default)]
    pub items: Vec<Tracking>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data` of `POST /trackings/update` (change carrier).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CarrierChanged {
    /// Always `""` in the documentation.
    #[serde(
        rename = "Usertag",
        default,
        deserialize_with = "lenient::string_or_empty"
    )]
    pub usertag: String,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod legacy;
#[cfg(test)]
mod tests;
