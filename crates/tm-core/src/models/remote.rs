//! Remote-area checks.

use serde::{Deserialize, Serialize};

use super::derive;
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RemoteArea {
    /// Express company code, e.g. `ups`.
    pub far_express_company: String,
    /// Country alpha-2 code.
    pub two_code: String,
    /// Country name.
    pub far_country: String,
    /// City or postcode.
    pub far_city_postcode: String,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    RemoteArea {
        default far_express_company: String = "far_express_company" => lenient::string_or_empty;
        default two_code: String = "two_code" => lenient::string_or_empty;
        default far_country: String = "far_country" => lenient::string_or_empty;
        default far_city_postcode: String = "far_city_postcode" => lenient::string_or_empty;
    }
}

/// An input that is not remote (or could not be checked).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RemoteOther {
    /// Country as sent.
    pub country: String,
    /// Postcode as sent.
    pub postcode: String,
    /// Company as sent.
    pub company: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    RemoteOther {
        default country: String = "country" => lenient::string_or_empty;
        default postcode: String = "postcode" => lenient::string_or_empty;
        default company: Option<String> = "company" => lenient::string_opt;
    }
}

/// `data` of `POST /trackings/remote`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RemoteResult {
    /// Items received.
    pub submitted: u64,
    /// One entry per (address, company) that is remote.
    pub remote: Vec<RemoteArea>,
    /// Inputs that are not remote.
    pub other: Vec<RemoteOther>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    RemoteResult {
        default submitted: u64 = "submitted" => lenient::u64_or_zero;
        default remote: Vec<RemoteArea> = "remote";
        default other: Vec<RemoteOther> = "other";
    }
}
