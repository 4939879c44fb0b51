//! Carriers.

use serde::Serialize;

use super::derive;
use super::lenient;
use super::Extra;

/// An entry of `GET /carriers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Carrier {
    /// Display name.
    pub name: String,
    /// The `carrier_code` to use in calls.
    pub code: String,
    /// Phone.
    pub phone: Option<String>,
    /// Home page (often protocol-relative, `//www.dhl.com/`).
    pub homepage: Option<String>,
    /// `express`, `globalpost`, ….
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Logo URL.
    pub picture: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    Carrier {
        default name: String = "name" => lenient::string_or_empty;
        default code: String = "code" => lenient::string_or_empty;
        default phone: Option<String> = "phone" => lenient::string_opt;
        default homepage: Option<String> = "homepage" => lenient::string_opt;
        default type_: Option<String> = "type" => lenient::string_opt;
        default picture: Option<String> = "picture" => lenient::string_opt;
    }
}

/// A candidate of `POST /carriers/detect`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DetectedCarrier {
    /// Display name.
    pub name: String,
    /// Carrier code.
    pub code: String,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

derive::deserialize_with_extra! {
    DetectedCarrier {
        default name: String = "name" => lenient::string_or_empty;
        default code: String = "code" => lenient::string_or_empty;
    }
}
