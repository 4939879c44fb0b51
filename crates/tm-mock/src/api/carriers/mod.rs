//! `/carriers` calls.

mod detect;
mod list;

pub(crate) use detect::detect_carrier;
pub(crate) use list::list_carriers;
