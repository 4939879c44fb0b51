//! Transit-time statistics per lane.

use serde::{Deserialize, Serialize};

use super::derive;
use super::lenient;
use super::Extra;

/// One lane to ask about (`POST /trackings/costtime` item).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitTimeQuery {
    /// Carrier code.
    pub carrier_code: String,
    /// Origin country, alpha-2.
    pub original: String,
    /// Destination country, alpha-2.
    pub destination: String,
}

impl TransitTimeQuery {
    /// The lane `original` → `destination` with `carrier_code`.
    pub fn new(
        carrier_code: impl Into<String>,
        original: impl Into<String>,
        destination: impl Into<String>,
    ) -> Self {
        Self {
            carrier_code: carrier_code.into(),
            original: original.into(),
            destination: destination.into(),
        }
    }
}

/// Statistics for one lane. Shares are percentages (0..=100).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TransitTime {
    /// Carrier code.
    pub carrier_code: String,
    /// Origin country.
    pub original: String,
    /// Destination country.
    pub destination: String,
    /// Number of sample shipments.
    pub total: u64,
    /// Number of delivered samples.
    pub delivered: u64,
    /// Share delivered in 0–7 days.
    pub range1: f64,
    /// Share delivered in 8–15 days.
    pub range2: f64,
    /// Share delivered in 16–30 days.
    pub range3: f64,
    /// Share delivered in 31–60 days.
    pub range4: f64,
    /// Share delivered after more than 60 days.
    pub range5: f64,
    /// Share not delivered.
    pub range6: f64,
    /// Average transit days of delivered samples.
    pub average: f64,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    TransitTime {
        default carrier_code: String = "carrier_code" => lenient::string_or_empty;
        default original: String = "original" => lenient::string_or_empty;
        default destination: String = "destination" => lenient::string_or_empty;
        default total: u64 = "total" => lenient::u64_or_zero;
        default delivered: u64 = "delivered" => lenient::u64_or_zero;
        default range1: f64 = "range1" => lenient::f64_or_zero;
        default range2: f64 = "range2" => lenient::f64_or_zero;
        default range3: f64 = "range3" => lenient::f64_or_zero;
        default range4: f64 = "range4" => lenient::f64_or_zero;
        default range5: f64 = "range5" => lenient::f64_or_zero;
        default range6: f64 = "range6" => lenient::f64_or_zero;
        default average: f64 = "average" => lenient::f64_or_zero;
    }
}
