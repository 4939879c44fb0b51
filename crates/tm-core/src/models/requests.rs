//! Request bodies of the create, update, realtime and change-carrier calls.

use serde::{Serialize, Serializer};

use crate::error::ValidationError;
use crate::validate;

/// A tracking to create (`POST /trackings/post`, items of `/trackings/batch`).
/// Field names are the API's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NewTracking {
    /// Tracking number (required).
    pub tracking_number: String,
    /// Carrier code (required).
    pub carrier_code: String,
    /// Destination country, alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_code: Option<String>,
    /// Product title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Logistics channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logistics_channel: Option<String>,
    /// Customer name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    /// Customer e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_email: Option<String>,
    /// Customer phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_phone: Option<String>,
    /// Order id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// Order time, e.g. `2017/8/27 16:51` (echoed back as sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_create_time: Option<String>,
    /// Ship date `YYYYMMDD` (some carriers need it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_ship_date: Option<String>,
    /// Destination postcode (some carriers need it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_postal_code: Option<String>,
    /// Account number (some carriers need it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_account_number: Option<String>,
    /// Destination country (some carriers need it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_destination_country: Option<String>,
    /// Destination country for specific carriers (e.g. PostNL 3S).
    #[serde(
        rename = "specialNumberDestination",
        skip_serializing_if = "Option::is_none"
    )]
    pub special_number_destination: Option<String>,
    /// Language of checkpoint texts, two letters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// `1`: do not auto-correct the carrier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_correct: Option<u8>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl NewTracking {
    /// A tracking of `tracking_number` with `carrier_code` and no other field.
    pub fn new(carrier_code: impl Into<String>, tracking_number: impl Into<String>) -> Self {
        Self {
            tracking_number: tracking_number.into(),
            carrier_code: carrier_code.into(),
            ..Self::default()
        }
    }

    /// Checks what the service would refuse.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate::tracking_number(&self.tracking_number)?;
        validate::carrier_code(&self.carrier_code)?;
        if let Some(lang) = &self.lang {
            validate::lang(lang)?;
        }
        Ok(())
    }
}

/// The status a tracking may be set to by hand (PUT, updatemore).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ManualStatus {
    /// `4`: mark delivered.
    Delivered,
    /// `7`: mark exception.
    Exception,
    /// `8`: back to the status computed from the checkpoints.
    Revert,
}

impl ManualStatus {
    /// The numeric code sent on the wire.
    pub fn code(self) -> u8 {
        match self {
            ManualStatus::Delivered => 4,
            ManualStatus::Exception => 7,
            ManualStatus::Revert => 8,
        }
    }

    /// From the numeric code (4, 7, 8).
    pub fn from_code(code: i64) -> Result<Self, ValidationError> {
        match code {
            4 => Ok(ManualStatus::Delivered),
            7 => Ok(ManualStatus::Exception),
            8 => Ok(ManualStatus::Revert),
            other => Err(ValidationError::new(
                "status",
                format!("{other} is not 4 (delivered), 7 (exception) or 8 (revert)"),
            )),
        }
    }
}

impl Serialize for ManualStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.code())
    }
}

fn ser_bool_str<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(true) => s.serialize_str("true"),
        Some(false) => s.serialize_str("false"),
        None => s.serialize_none(),
    }
}

/// Fields to change on a tracking (PUT, items of updatemore). `None` leaves a
/// field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrackingUpdate {
    /// Product title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Logistics channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logistics_channel: Option<String>,
    /// Customer name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    /// Customer e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_email: Option<String>,
    /// Customer phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_phone: Option<String>,
    /// Order id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// Destination country, alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_code: Option<String>,
    /// Archive (`"true"`) or unarchive (`"false"`) on the wire.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_bool_str"
    )]
    pub archived: Option<bool>,
    /// Set the status by hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ManualStatus>,
}

impl TrackingUpdate {
    /// True when nothing would change.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// `POST /trackings/realtime` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RealtimeQuery {
    /// Tracking number (required).
    pub tracking_number: String,
    /// Carrier code (required).
    pub carrier_code: String,
    /// Destination country, alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_code: Option<String>,
    /// Ship date `YYYYMMDD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_ship_date: Option<String>,
    /// Destination postcode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_postal_code: Option<String>,
    /// Account number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_account_number: Option<String>,
    /// Destination country for specific carriers.
    #[serde(
        rename = "specialNumberDestination",
        skip_serializing_if = "Option::is_none"
    )]
    pub special_number_destination: Option<String>,
    /// Order id (named `order` on this call).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    /// Order time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_create_time: Option<String>,
    /// Language, two letters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

impl RealtimeQuery {
    /// A real-time query for `tracking_number` with `carrier_code`.
    pub fn new(carrier_code: impl Into<String>, tracking_number: impl Into<String>) -> Self {
        Self {
            tracking_number: tracking_number.into(),
            carrier_code: carrier_code.into(),
            ..Self::default()
        }
    }
}

/// `POST /trackings/update` body: move a tracking to another carrier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CarrierChange {
    /// Tracking number.
    pub tracking_number: String,
    /// Current carrier code.
    pub carrier_code: String,
    /// New carrier code.
    pub update_carrier_code: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_encodes_archived_as_text_and_status_as_number() {
        let u = TrackingUpdate {
            archived: Some(true),
            status: Some(ManualStatus::Exception),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&u).unwrap(),
            r#"{"archived":"true","status":7}"#
        );
        assert!(TrackingUpdate::default().is_empty());
        assert!(ManualStatus::from_code(5).is_err());
    }
}
