//! Results of the batch-style calls, with a per-item account of failures.

use serde::{Deserialize, Deserializer, Serialize};

use super::lenient;
use super::{CreatedTracking, Extra};

/// One failed item of a batch call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemError {
    /// Tracking number of the item.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub tracking_number: String,
    /// Carrier code of the item.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub carrier_code: String,
    /// Meta-style code, e.g. `4016`.
    #[serde(deserialize_with = "lenient::i64_req")]
    pub code: i64,
    /// Message, e.g. `Tracking already exists.`.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub message: String,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ItemError {
    /// The error class of this item's code.
    pub fn kind(&self) -> Option<crate::ApiErrorKind> {
        crate::error::classify_meta_code(self.code)
    }
}

/// A tracking named by its key. Accepts the flat form and the form wrapped in a
/// `meta` object seen in the batch-delete documentation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct TrackingRef {
    /// Tracking number.
    pub tracking_number: String,
    /// Carrier code.
    pub carrier_code: String,
}

impl TrackingRef {
    /// A reference to `carrier_code`/`tracking_number`.
    pub fn new(carrier_code: impl Into<String>, tracking_number: impl Into<String>) -> Self {
        Self {
            tracking_number: tracking_number.into(),
            carrier_code: carrier_code.into(),
        }
    }
}

impl<'de> Deserialize<'de> for TrackingRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Flat {
            #[serde(default, deserialize_with = "lenient::string_or_empty")]
            tracking_number: String,
            #[serde(default, deserialize_with = "lenient::string_or_empty")]
            carrier_code: String,
            #[serde(default)]
            meta: Option<Box<Flat>>,
        }
        let f = Flat::deserialize(d)?;
        Ok(match f.meta {
            Some(inner) if f.tracking_number.is_empty() => TrackingRef {
                tracking_number: inner.tracking_number,
                carrier_code: inner.carrier_code,
            },
            _ => TrackingRef {
                tracking_number: f.tracking_number,
                carrier_code: f.carrier_code,
            },
        })
    }
}

/// `data` of `POST /trackings/batch`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchCreated {
    /// Items received.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub submitted: u64,
    /// Items created.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub added: u64,
    /// The created trackings.
    #[serde(default)]
    pub trackings: Vec<CreatedTracking>,
    /// The items that failed, with their codes.
    #[serde(default)]
    pub errors: Vec<ItemError>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data` of `POST /trackings/updatemore`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchUpdated {
    /// Items received.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub submitted: u64,
    /// Items updated.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub updated: u64,
    /// The updated trackings.
    #[serde(default)]
    pub trackings: Vec<CreatedTracking>,
    /// The items that failed.
    #[serde(default)]
    pub errors: Vec<ItemError>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data` of `POST /trackings/delete`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchDeleted {
    /// Items received.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub submitted: u64,
    /// Items deleted.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub delete: u64,
    /// The deleted trackings.
    #[serde(default)]
    pub trackings: Vec<TrackingRef>,
    /// The items that failed.
    #[serde(default)]
    pub errors: Vec<ItemError>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data` of `POST /trackings/notupdate`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchStopped {
    /// Items received.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub submitted: u64,
    /// Items whose updates were stopped.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub change: u64,
    /// The trackings that were changed.
    #[serde(default)]
    pub trackings: Vec<TrackingRef>,
    /// The items that failed.
    #[serde(default)]
    pub errors: Vec<ItemError>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}
