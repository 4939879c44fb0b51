//! The derived (`#[serde(flatten)]`) decoding of `Checkpoint`, `CarrierInfo`
//! and `Tracking` as it was before `model_with_extra!`, kept only for the
//! tests that check the two decode every input the same way.

#![allow(missing_docs, unreachable_pub)]

use serde::{Deserialize, Serialize};

use crate::models::lenient;
use crate::models::{Emails, Extra, Status, Substatus, Timestamp};

/// One event of a shipment (`trackinfo[]`), newest first in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Carrier-local time of the event (naive).
    #[serde(rename = "Date", default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Timestamp>,
    /// What happened.
    #[serde(
        rename = "StatusDescription",
        default,
        deserialize_with = "lenient::string_or_empty"
    )]
    pub status_description: String,
    /// Where (may be empty).
    #[serde(
        rename = "Details",
        default,
        deserialize_with = "lenient::string_or_empty"
    )]
    pub details: String,
    /// Main status of this event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_status: Option<Status>,
    /// Substatus of this event (e.g. `transit001`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substatus: Option<Substatus>,
    /// The milestone this event set, e.g. `ItemReceived`.
    #[serde(rename = "ItemNode", default, skip_serializing_if = "Option::is_none")]
    pub item_node: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Carrier data for one leg (`origin_info` / `destination_info`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CarrierInfo {
    /// Carrier reference number.
    #[serde(rename = "ReferenceNumber", default)]
    pub reference_number: Option<String>,
    /// Milestone: first event.
    #[serde(rename = "ItemReceived", default)]
    pub item_received: Option<Timestamp>,
    /// Milestone: left the office of exchange.
    #[serde(rename = "ItemDispatched", default)]
    pub item_dispatched: Option<Timestamp>,
    /// Milestone: at the departure airport.
    #[serde(rename = "DepartfromAirport", default)]
    pub depart_from_airport: Option<Timestamp>,
    /// Milestone: arrived in the destination country.
    #[serde(rename = "ArrivalfromAbroad", default)]
    pub arrival_from_abroad: Option<Timestamp>,
    /// Milestone: handed to customs.
    #[serde(rename = "CustomsClearance", default)]
    pub customs_clearance: Option<Timestamp>,
    /// Milestone: at the delivery office.
    #[serde(rename = "DestinationArrived", default)]
    pub destination_arrived: Option<Timestamp>,
    /// Carrier web site.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub weblink: Option<String>,
    /// Carrier phone.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub phone: Option<String>,
    /// Carrier of this leg.
    #[serde(default)]
    pub carrier_code: Option<String>,
    /// Events, newest first (`null` reads as none, as in the model).
    #[serde(default, deserialize_with = "lenient::list_or_empty")]
    pub trackinfo: Vec<Checkpoint>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A stored tracking with its checkpoints (GET single, list items, realtime).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tracking {
    /// 32-hex id.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub id: String,
    /// Tracking number.
    pub tracking_number: String,
    /// Carrier code.
    pub carrier_code: String,
    /// Main status.
    #[serde(default, deserialize_with = "lenient::status_or_default")]
    pub status: Status,
    /// Item-level substatus.
    #[serde(default)]
    pub substatus: Option<Substatus>,
    /// Status info (meaning undocumented).
    #[serde(default)]
    pub status_info: Option<serde_json::Value>,
    /// False once updates were stopped (`/trackings/notupdate`).
    #[serde(default, deserialize_with = "lenient::bool_opt")]
    pub track_update: Option<bool>,
    /// When the tracking was created (RFC 3339).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// When it was last refreshed (RFC 3339).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Order time as the caller sent it.
    #[serde(default)]
    pub order_create_time: Option<Timestamp>,
    /// Product title.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub title: Option<String>,
    /// Order id.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub order_id: Option<String>,
    /// Comment.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub comment: Option<String>,
    /// Customer name.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub customer_name: Option<String>,
    /// Customer e-mail(s).
    #[serde(default)]
    pub customer_email: Option<Emails>,
    /// Customer phone.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub customer_phone: Option<String>,
    /// Logistics channel.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub logistics_channel: Option<String>,
    /// Destination country code as given on create.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub destination_code: Option<String>,
    /// Archived flag.
    #[serde(default, deserialize_with = "lenient::bool_opt")]
    pub archived: Option<bool>,
    /// Origin country name.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub original_country: Option<String>,
    /// Destination country name.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub destination_country: Option<String>,
    /// Transit time in days.
    #[serde(
        rename = "itemTimeLength",
        default,
        deserialize_with = "lenient::i64_opt"
    )]
    pub item_time_length: Option<i64>,
    /// Days since the last event.
    #[serde(
        rename = "stayTimeLength",
        default,
        deserialize_with = "lenient::i64_opt"
    )]
    pub stay_time_length: Option<i64>,
    /// Service code.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub service_code: Option<String>,
    /// Recipient name (spelled `singed_by` by the service).
    #[serde(
        rename = "singed_by",
        default,
        deserialize_with = "lenient::string_opt"
    )]
    pub signed_by: Option<String>,
    /// Origin-country carrier data.
    #[serde(default)]
    pub origin_info: Option<CarrierInfo>,
    /// Destination-country carrier data.
    #[serde(default)]
    pub destination_info: Option<CarrierInfo>,
    /// `"<StatusDescription>,<Details>,<Date>"` of the newest event.
    #[serde(
        rename = "lastEvent",
        default,
        deserialize_with = "lenient::string_opt"
    )]
    pub last_event: Option<String>,
    /// Carrier-local time of the newest event.
    #[serde(rename = "lastUpdateTime", default)]
    pub last_update_time: Option<Timestamp>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}
