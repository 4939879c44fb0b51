//! The tracking object and its parts.

use serde::{Deserialize, Serialize};

use super::derive;
use super::lenient;
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

/// One event of a shipment (`trackinfo[]`), newest first in a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checkpoint {
    /// Carrier-local time of the event (naive).
    #[serde(rename = "Date", skip_serializing_if = "Option::is_none")]
    pub date: Option<Timestamp>,
    /// What happened.
    #[serde(rename = "StatusDescription")]
    pub status_description: String,
    /// Where (may be empty).
    #[serde(rename = "Details")]
    pub details: String,
    /// Main status of this event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint_status: Option<Status>,
    /// Substatus of this event (e.g. `transit001`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub substatus: Option<Substatus>,
    /// The milestone this event set, e.g. `ItemReceived`.
    #[serde(rename = "ItemNode", skip_serializing_if = "Option::is_none")]
    pub item_node: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    Checkpoint {
        default date: Option<Timestamp> = "Date";
        default status_description: String = "StatusDescription" => lenient::string_or_empty;
        default details: String = "Details" => lenient::string_or_empty;
        default checkpoint_status: Option<Status> = "checkpoint_status";
        default substatus: Option<Substatus> = "substatus";
        default item_node: Option<String> = "ItemNode";
    }
}

/// Carrier data for one leg (`origin_info` / `destination_info`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CarrierInfo {
    /// Carrier reference number.
    #[serde(rename = "ReferenceNumber")]
    pub reference_number: Option<String>,
    /// Milestone: first event.
    #[serde(rename = "ItemReceived")]
    pub item_received: Option<Timestamp>,
    /// Milestone: left the office of exchange.
    #[serde(rename = "ItemDispatched")]
    pub item_dispatched: Option<Timestamp>,
    /// Milestone: at the departure airport.
    #[serde(rename = "DepartfromAirport")]
    pub depart_from_airport: Option<Timestamp>,
    /// Milestone: arrived in the destination country.
    #[serde(rename = "ArrivalfromAbroad")]
    pub arrival_from_abroad: Option<Timestamp>,
    /// Milestone: handed to customs.
    #[serde(rename = "CustomsClearance")]
    pub customs_clearance: Option<Timestamp>,
    /// Milestone: at the delivery office.
    #[serde(rename = "DestinationArrived")]
    pub destination_arrived: Option<Timestamp>,
    /// Carrier web site.
    pub weblink: Option<String>,
    /// Carrier phone.
    pub phone: Option<String>,
    /// Carrier of this leg.
    pub carrier_code: Option<String>,
    /// Events, newest first.
    pub trackinfo: Vec<Checkpoint>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    CarrierInfo {
        default reference_number: Option<String> = "ReferenceNumber";
        default item_received: Option<Timestamp> = "ItemReceived";
        default item_dispatched: Option<Timestamp> = "ItemDispatched";
        default depart_from_airport: Option<Timestamp> = "DepartfromAirport";
        default arrival_from_abroad: Option<Timestamp> = "ArrivalfromAbroad";
        default customs_clearance: Option<Timestamp> = "CustomsClearance";
        default destination_arrived: Option<Timestamp> = "DestinationArrived";
        default weblink: Option<String> = "weblink" => lenient::string_opt;
        default phone: Option<String> = "phone" => lenient::string_opt;
        default carrier_code: Option<String> = "carrier_code";
        default trackinfo: Vec<Checkpoint> = "trackinfo";
    }
}

/// A stored tracking with its checkpoints (GET single, list items, realtime).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tracking {
    /// 32-hex id.
    pub id: String,
    /// Tracking number.
    pub tracking_number: String,
    /// Carrier code.
    pub carrier_code: String,
    /// Main status.
    pub status: Status,
    /// Item-level substatus.
    pub substatus: Option<Substatus>,
    /// Status info (meaning undocumented).
    pub status_info: Option<serde_json::Value>,
    /// False once updates were stopped (`/trackings/notupdate`).
    pub track_update: Option<bool>,
    /// When the tracking was created (RFC 3339).
    pub created_at: Option<Timestamp>,
    /// When it was last refreshed (RFC 3339).
    pub updated_at: Option<Timestamp>,
    /// Order time as the caller sent it.
    pub order_create_time: Option<Timestamp>,
    /// Product title.
    pub title: Option<String>,
    /// Order id.
    pub order_id: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// Customer name.
    pub customer_name: Option<String>,
    /// Customer e-mail(s).
    pub customer_email: Option<Emails>,
    /// Customer phone.
    pub customer_phone: Option<String>,
    /// Logistics channel.
    pub logistics_channel: Option<String>,
    /// Destination country code as given on create.
    pub destination_code: Option<String>,
    /// Archived flag.
    pub archived: Option<bool>,
    /// Origin country name.
    pub original_country: Option<String>,
    /// Destination country name.
    pub destination_country: Option<String>,
    /// Transit time in days.
    #[serde(rename = "itemTimeLength")]
    pub item_time_length: Option<i64>,
    /// Days since the last event.
    #[serde(rename = "stayTimeLength")]
    pub stay_time_length: Option<i64>,
    /// Service code.
    pub service_code: Option<String>,
    /// Recipient name (spelled `singed_by` by the service).
    #[serde(rename = "singed_by")]
    pub signed_by: Option<String>,
    /// Origin-country carrier data.
    pub origin_info: Option<CarrierInfo>,
    /// Destination-country carrier data.
    pub destination_info: Option<CarrierInfo>,
    /// `"<StatusDescription>,<Details>,<Date>"` of the newest event.
    #[serde(rename = "lastEvent")]
    pub last_event: Option<String>,
    /// Carrier-local time of the newest event.
    #[serde(rename = "lastUpdateTime")]
    pub last_update_time: Option<Timestamp>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    Tracking {
        default id: String = "id" => lenient::string_or_empty;
        required tracking_number: String = "tracking_number";
        required carrier_code: String = "carrier_code";
        default status: Status = "status" => lenient::status_or_default;
        default substatus: Option<Substatus> = "substatus";
        default status_info: Option<serde_json::Value> = "status_info";
        default track_update: Option<bool> = "track_update" => lenient::bool_opt;
        default created_at: Option<Timestamp> = "created_at";
        default updated_at: Option<Timestamp> = "updated_at";
        default order_create_time: Option<Timestamp> = "order_create_time";
        default title: Option<String> = "title" => lenient::string_opt;
        default order_id: Option<String> = "order_id" => lenient::string_opt;
        default comment: Option<String> = "comment" => lenient::string_opt;
        default customer_name: Option<String> = "customer_name" => lenient::string_opt;
        default customer_email: Option<Emails> = "customer_email";
        default customer_phone: Option<String> = "customer_phone" => lenient::string_opt;
        default logistics_channel: Option<String> = "logistics_channel" => lenient::string_opt;
        default destination_code: Option<String> = "destination_code" => lenient::string_opt;
        default archived: Option<bool> = "archived" => lenient::bool_opt;
        default original_country: Option<String> = "original_country" => lenient::string_opt;
        default destination_country: Option<String> = "destination_country" => lenient::string_opt;
        default item_time_length: Option<i64> = "itemTimeLength" => lenient::i64_opt;
        default stay_time_length: Option<i64> = "stayTimeLength" => lenient::i64_opt;
        default service_code: Option<String> = "service_code" => lenient::string_opt;
        default signed_by: Option<String> = "singed_by" => lenient::string_opt;
        default origin_info: Option<CarrierInfo> = "origin_info";
        default destination_info: Option<CarrierInfo> = "destination_info";
        default last_event: Option<String> = "lastEvent" => lenient::string_opt;
        default last_update_time: Option<Timestamp> = "lastUpdateTime";
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
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CreatedTracking {
    /// 32-hex id.
    pub id: String,
    /// Tracking number.
    pub tracking_number: String,
    /// Carrier code.
    pub carrier_code: String,
    /// Status (`pending` right after create).
    pub status: Status,
    /// Creation time (RFC 3339).
    pub created_at: Option<Timestamp>,
    /// Last update time (update results).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// Order time as sent, or `0` when none was given.
    pub order_create_time: Option<Timestamp>,
    /// Customer e-mail(s).
    pub customer_email: Option<Emails>,
    /// Customer name.
    pub customer_name: Option<String>,
    /// Customer phone.
    pub customer_phone: Option<String>,
    /// Order id.
    pub order_id: Option<String>,
    /// Comment.
    pub comment: Option<String>,
    /// Product title.
    pub title: Option<String>,
    /// Logistics channel.
    pub logistics_channel: Option<String>,
    /// Destination (`""` in observed traffic).
    pub destination: Option<String>,
    /// Destination country code (update results).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_code: Option<String>,
    /// Archived flag (update results).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    CreatedTracking {
        default id: String = "id" => lenient::string_or_empty;
        default tracking_number: String = "tracking_number" => lenient::string_or_empty;
        default carrier_code: String = "carrier_code" => lenient::string_or_empty;
        default status: Status = "status" => lenient::status_or_default;
        default created_at: Option<Timestamp> = "created_at";
        default updated_at: Option<Timestamp> = "updated_at";
        default order_create_time: Option<Timestamp> = "order_create_time";
        default customer_email: Option<Emails> = "customer_email";
        default customer_name: Option<String> = "customer_name" => lenient::string_opt;
        default customer_phone: Option<String> = "customer_phone" => lenient::string_opt;
        default order_id: Option<String> = "order_id" => lenient::string_opt;
        default comment: Option<String> = "comment" => lenient::string_opt;
        default title: Option<String> = "title" => lenient::string_opt;
        default logistics_channel: Option<String> = "logistics_channel" => lenient::string_opt;
        default destination: Option<String> = "destination" => lenient::string_opt;
        default destination_code: Option<String> = "destination_code" => lenient::string_opt;
        default archived: Option<bool> = "archived" => lenient::bool_opt;
    }
}

/// `data` of `POST /trackings/realtime`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Realtime {
    /// Normally one tracking.
    pub items: Vec<Tracking>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    Realtime {
        default items: Vec<Tracking> = "items";
    }
}

/// `data` of `POST /trackings/update` (change carrier).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CarrierChanged {
    /// Always `""` in the documentation.
    #[serde(rename = "Usertag")]
    pub usertag: String,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    CarrierChanged {
        default usertag: String = "Usertag" => lenient::string_or_empty;
    }
}
