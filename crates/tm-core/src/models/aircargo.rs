//! Air cargo (air waybill) tracking.

use serde::{Deserialize, Serialize};

use super::lenient;
use super::Extra;

/// One event of an air waybill.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AirCargoEvent {
    /// Planned time (local, naive).
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub plan_date: Option<String>,
    /// Actual time (local, naive).
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub actual_date: Option<String>,
    /// Event text.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub event: String,
    /// Airport code.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub station: Option<String>,
    /// Flight number.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub flight_number: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Result for one air waybill.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AirCargo {
    /// The air waybill number.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub track_number: String,
    /// Total weight (kg).
    #[serde(default, deserialize_with = "lenient::f64_opt")]
    pub weight: Option<f64>,
    /// Total pieces.
    #[serde(default, deserialize_with = "lenient::i64_opt")]
    pub piece: Option<i64>,
    /// Origin airport.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub origin: Option<String>,
    /// Destination airport.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub destination: Option<String>,
    /// Current status code.
    #[serde(default, deserialize_with = "lenient::i64_opt")]
    pub status_number: Option<i64>,
    /// Events, oldest first.
    #[serde(default)]
    pub track_info: Vec<AirCargoEvent>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}
