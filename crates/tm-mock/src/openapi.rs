//! The OpenAPI 3.1 description of v2 as this project implements it (`openapi/v2.json`),
//! written from the contract; `tm-mock serve` serves it at `/v2/openapi.json`.

/// The description, JSON text.
pub const OPENAPI_JSON: &str = include_str!("../openapi/v2.json");
