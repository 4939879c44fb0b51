//! Remote-area checks.

use serde::{Deserialize, Serialize};

use super::lenient;
use super::Extra;

/// One address to check (`POST /trackings/remote` item).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteCheck {
    /// Country name or alpha-2 code (`Japan`, `NZ`).
    pub country: String,
    /// Postcode, or the city name where the country has no postcodes.
    pub postcode: String,
    /// Restrict to one express company (e.g. `DHL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
}

impl RemoteCheck {
    /// A check of `postcode` in `country` for every company.
    pub fn new(country: impl Into<String>, postcode: impl Into<String>) -> Self {
        Self {
            country: country.into(),
            postcode: postcode.into(),
            company: None,
        }
    }
}

/// A company that classifies an address as remote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteArea {
    /// Express company code, e.g. `ups`.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub far_express_company: String,
    /// Country alpha-2 code.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub two_code: String,
    /// Country name.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub far_country: String,
    /// City or postcode.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub far_city_postcode: String,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An input that is not remote (or could not be checked).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteOther {
    /// Country as sent.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub country: String,
    /// Postcode as sent.
    #[serde(default, deserialize_with = "lenient::string_or_empty")]
    pub postcode: String,
    /// Company as sent.
    #[serde(default, deserialize_with = "lenient::string_opt")]
    pub company: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `data` of `POST /trackings/remote`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteResult {
    /// Items received.
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub submitted: u64,
    /// One entry per (address, company) that is remote.
    #[serde(default)]
    pub remote: Vec<RemoteArea>,
    /// Inputs that are not remote.
    #[serde(default)]
    pub other: Vec<RemoteOther>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}
