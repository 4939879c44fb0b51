//! One type per API call, grouped like the URL.

pub mod carriers;
pub mod trackings;
