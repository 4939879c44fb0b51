//! `/carriers` calls.
//!
//! | call | type |
//! |---|---|
//! | `GET /carriers` | [`ListCarriers`] |
//! | `POST /carriers/detect` | [`DetectCarrier`] |

mod detect;
mod list;

pub use detect::DetectCarrier;
pub use list::ListCarriers;
