//! Carriers.

use serde::{Deserialize, Serialize};

use super::lenient;
use super::Extra;

/// An entry of `GET /carriers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carrier {
    /// Display name.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub name: String,
    /// The `carrier_code` to use in calls.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub code: String,
    /// Phone.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub phone: Option<String>,
    /// Home page (often protocol-relative, `//www.dhl.com/`).
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub homepage: Option<String>,
    /// `express`, `globalpost`, ….
    #[serde(rename = "type", default, deserialize_with = "lenient::string_opt")]
    pub type_: Option<String>,
    /// Logo URL.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub picture: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A candidate of `POST /carriers/detect`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetectedCarrier {
    /// Display name.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub name: String,
    /// Carrier code.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub code: String,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}
