//! `/trackings/...` calls: one file per call.
//!
//! | call | type |
//! |---|---|
//! | `POST /trackings/post` | [`CreateTracking`] |
//! | `GET /trackings/{carrier}/{number}[/{lang}]` | [`GetTracking`] |
//! | `PUT /trackings/{carrier}/{number}` | [`UpdateTracking`] |
//! | `DELETE /trackings/{carrier}/{number}` | [`DeleteTracking`] |
//! | `POST /trackings/batch` | [`BatchCreateTrackings`] |
//! | `GET /trackings/get` | [`ListTrackings`] |
//! | `POST /trackings/updatemore` | [`BatchUpdateTrackings`] |
//! | `POST /trackings/delete` | [`BatchDeleteTrackings`] |
//! | `POST /trackings/realtime` | [`RealtimeTracking`] |
//! | `POST /trackings/update` | [`ChangeCarrier`] |
//! | `GET /trackings/getuserinfo` | [`GetUserInfo`] |
//! | `GET /trackings/getstatusnumber` | [`GetStatusCounts`] |
//! | `POST /trackings/notupdate` | [`StopUpdating`] |
//! | `POST /trackings/remote` | [`CheckRemote`] |
//! | `POST /trackings/costtime` | [`GetTransitTimes`] |
//! | `POST /trackings/aircargo` | [`TrackAirCargo`] |

mod air_cargo;
mod batch;
mod change_carrier;
mod create;
mod delete;
mod delete_many;
mod get;
mod list;
mod realtime;
mod remote;
mod status_counts;
mod stop_updating;
mod transit_times;
mod update;
mod updatemore;
mod user_info;

pub use air_cargo::TrackAirCargo;
pub use batch::BatchCreateTrackings;
pub use change_carrier::ChangeCarrier;
pub use create::CreateTracking;
pub use delete::DeleteTracking;
pub use delete_many::BatchDeleteTrackings;
pub use get::GetTracking;
pub use list::ListTrackings;
pub use realtime::RealtimeTracking;
pub use remote::CheckRemote;
pub use status_counts::GetStatusCounts;
pub use stop_updating::StopUpdating;
pub use transit_times::GetTransitTimes;
pub use update::UpdateTracking;
pub use updatemore::BatchUpdateTrackings;
pub use user_info::GetUserInfo;

use crate::error::ValidationError;
use crate::models::TrackingRef;
use crate::transport::encode_path_segment;
use crate::validate;

/// `/trackings/{carrier}/{number}` for a validated key.
fn single_path(key: &TrackingRef) -> String {
    format!(
        "/trackings/{}/{}",
        encode_path_segment(&key.carrier_code),
        encode_path_segment(&key.tracking_number)
    )
}

/// Validates a tracking key, naming `prefix` (e.g. `items[3]`) in errors.
fn check_ref(key: &TrackingRef, prefix: Option<&str>) -> Result<(), ValidationError> {
    let r = validate::tracking_number(&key.tracking_number)
        .and_then(|()| validate::carrier_code(&key.carrier_code));
    match prefix {
        Some(p) => r.map_err(|e| e.within(p)),
        None => r,
    }
}

/// Validates a batch of tracking keys (1..=40).
fn check_refs(items: &[TrackingRef]) -> Result<(), ValidationError> {
    validate::batch_len("items", items.len())?;
    for (i, item) in items.iter().enumerate() {
        check_ref(item, Some(&format!("items[{i}]")))?;
    }
    Ok(())
}
