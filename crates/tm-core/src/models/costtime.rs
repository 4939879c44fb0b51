//! Transit-time statistics per lane.

use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransitTime {
    /// Carrier code.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub carrier_code: String,
    /// Origin country.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub original: String,
    /// Destination country.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub destination: String,
    /// Number of sample shipments.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub total: u64,
    /// Number of delivered samples.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub delivered: u64,
    /// Share delivered in 0–7 days.
    #[serde(default, deserialize_with = "lenient::f64_or_zero")]
    pub range1: f64,
    /// Share delivered in 8–15 days.
    #[serde(default, deserialize_with = "lenient::f64_or_zero")]
    pub range2: f64,
    /// Share delivered in 16–30 days.
    #[serde(default, deserialize_with = "lenient::f64_or_zero")]
    pub range3: f64,
    /// Share delivered in 31–60 days.
    #[serde(default, deserialize_with = "lenient::f64_or_zero")]
    pub range4: f64,
    /// Share delivered after more than 60 days.
    #[serde(default, deserialize_with = "lenient::f64_or_zero")]
    pub range5: f64,
    /// Share not delivered.
    #[serde(default, deserialize_with = "lenient::f64_or_zero")]
    pub range6: f64,
    /// Average transit days of delivered samples.
    #[serde(default, deserialize_with = "lenient::f64_or_zero")]
    pub average: f64,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}
