//! Air cargo (air waybill) tracking.

use serde::Serialize;

use super::derive;
use super::lenient;
use super::Extra;

/// One event of an air waybill.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AirCargoEvent {
    /// Planned time (local, naive).
    pub plan_date: Option<String>,
    /// Actual time (local, naive).
    pub actual_date: Option<String>,
    /// Event text.
    pub event: String,
    /// Airport code.
    pub station: Option<String>,
    /// Flight number.
    pub flight_number: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    AirCargoEvent {
        default plan_date: Option<String> = "plan_date" => lenient::string_opt;
        default actual_date: Option<String> = "actual_date" => lenient::string_opt;
        default event: String = "event" => lenient::string_or_empty;
        default station: Option<String> = "station" => lenient::string_opt;
        default flight_number: Option<String> = "flight_number" => lenient::string_opt;
    }
}

/// Result for one air waybill.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AirCargo {
    /// The air waybill number.
    pub track_number: String,
    /// Total weight (kg).
    pub weight: Option<f64>,
    /// Total pieces.
    pub piece: Option<i64>,
    /// Origin airport.
    pub origin: Option<String>,
    /// Destination airport.
    pub destination: Option<String>,
    /// Current status code.
    pub status_number: Option<i64>,
    /// Events, oldest first.
    pub track_info: Vec<AirCargoEvent>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    AirCargo {
        default track_number: String = "track_number" => lenient::string_or_empty;
        default weight: Option<f64> = "weight" => lenient::f64_opt;
        default piece: Option<i64> = "piece" => lenient::i64_opt;
        default origin: Option<String> = "origin" => lenient::string_opt;
        default destination: Option<String> = "destination" => lenient::string_opt;
        default status_number: Option<i64> = "status_number" => lenient::i64_opt;
        default track_info: Vec<AirCargoEvent> = "track_info";
    }
}
