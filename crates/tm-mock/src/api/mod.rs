//! The 18 v2 calls, one file per call, grouped like the URL (as tm-core's
//! `endpoints/`). [`resolve`] names the call of a method and path;
//! [`dispatch`] runs it on the simulated state for one account.
//!
//! | call | handler |
//! |---|---|
//! | `GET /carriers` | [`carriers::list_carriers`] |
//! | `POST /carriers/detect` | [`carriers::detect_carrier`] |
//! | `POST /trackings/post` | [`trackings::create_tracking`] |
//! | `GET /trackings/{carrier}/{number}[/{lang}]` | [`trackings::get_tracking`] |
//! | `PUT /trackings/{carrier}/{number}` | [`trackings::update_tracking`] |
//! | `DELETE /trackings/{carrier}/{number}` | [`trackings::delete_tracking`] |
//! | `POST /trackings/batch` | [`trackings::batch_create_trackings`] |
//! | `GET` / `POST /trackings/get` | [`trackings::list_trackings`] |
//! | `POST /trackings/updatemore` | [`trackings::batch_update_trackings`] |
//! | `POST /trackings/delete` | [`trackings::batch_delete_trackings`] |
//! | `POST /trackings/realtime` | [`trackings::realtime_tracking`] |
//! | `POST /trackings/update` | [`trackings::change_carrier`] |
//! | `GET /trackings/getuserinfo` | [`trackings::get_user_info`] |
//! | `GET` / `POST /trackings/getstatusnumber` | [`trackings::get_status_counts`] |
//! | `POST /trackings/notupdate` | [`trackings::stop_updating`] |
//! | `POST /trackings/remote` | [`trackings::check_remote`] |
//! | `POST /trackings/costtime` | [`trackings::get_transit_times`] |
//! | `POST /trackings/aircargo` | [`trackings::track_air_cargo`] |

pub(crate) mod carriers;
mod error;
mod input;
pub(crate) mod trackings;

use serde_json::Value;

pub(crate) use error::{standard_message, ApiError};
pub(crate) use input::valid_number;

use crate::accounts::{Account, InsufficientCredits};
use crate::render::Data;
use crate::state::State;

/// Price of each charged call, in tenths of a credit.
pub(crate) mod cost {
    /// Creating one tracking.
    pub(crate) const CREATE: i64 = 10;
    /// One charged realtime query.
    pub(crate) const REALTIME: i64 = 10;
    /// One carrier detection.
    pub(crate) const DETECT: i64 = 2;
    /// One remote-area check.
    pub(crate) const REMOTE: i64 = 2;
    /// One air waybill.
    pub(crate) const AIR_WAYBILL: i64 = 200;
}

/// Takes `cost` from the account (4021 when it has too little).
pub(crate) fn charge(account: &mut Account, cost: i64) -> Result<(), ApiError> {
    account
        .charge(cost)
        .map_err(|InsufficientCredits| ApiError::standard(4021))
}

/// One v2 call, resolved from method and path; named like tm-core's endpoint types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Call {
    /// `GET /carriers`
    ListCarriers,
    /// `POST /carriers/detect`
    DetectCarrier,
    /// `POST /trackings/post`
    CreateTracking,
    /// `GET /trackings/{carrier}/{number}[/{lang}]`
    GetTracking {
        /// Carrier code as sent.
        carrier: String,
        /// Tracking number as sent.
        number: String,
    },
    /// `PUT /trackings/{carrier}/{number}`
    UpdateTracking {
        /// Carrier code as sent.
        carrier: String,
        /// Tracking number as sent.
        number: String,
    },
    /// `DELETE /trackings/{carrier}/{number}`
    DeleteTracking {
        /// Carrier code as sent.
        carrier: String,
        /// Tracking number as sent.
        number: String,
    },
    /// `POST /trackings/batch`
    BatchCreateTrackings,
    /// `GET /trackings/get`
    ListTrackings,
    /// `POST /trackings/updatemore`
    BatchUpdateTrackings,
    /// `POST /trackings/delete`
    BatchDeleteTrackings,
    /// `POST /trackings/realtime`
    RealtimeTracking,
    /// `POST /trackings/update`
    ChangeCarrier,
    /// `GET /trackings/getuserinfo`
    GetUserInfo,
    /// `GET /trackings/getstatusnumber`
    GetStatusCounts,
    /// `POST /trackings/notupdate`
    StopUpdating,
    /// `POST /trackings/remote`
    CheckRemote,
    /// `POST /trackings/costtime`
    GetTransitTimes,
    /// `POST /trackings/aircargo`
    TrackAirCargo,
}

/// The per-second rate-limit class of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum RateClass {
    /// `GET /trackings/get`: 1 per second.
    List,
    /// `POST /trackings/realtime`: 3 per second.
    Realtime,
    /// Everything else: 10 per second.
    Other,
}

impl RateClass {
    /// Calls allowed per second.
    pub(crate) fn per_second(self) -> usize {
        match self {
            RateClass::List => 1,
            RateClass::Realtime => 3,
            RateClass::Other => 10,
        }
    }
}

impl Call {
    /// The name fault rules and the journal use (`trackings.post`, …).
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Call::ListCarriers => "carriers.list",
            Call::DetectCarrier => "carriers.detect",
            Call::CreateTracking => "trackings.post",
            Call::GetTracking { .. } => "trackings.get_one",
            Call::UpdateTracking { .. } => "trackings.put",
            Call::DeleteTracking { .. } => "trackings.delete_one",
            Call::BatchCreateTrackings => "trackings.batch",
            Call::ListTrackings => "trackings.list",
            Call::BatchUpdateTrackings => "trackings.updatemore",
            Call::BatchDeleteTrackings => "trackings.delete",
            Call::RealtimeTracking => "trackings.realtime",
            Call::ChangeCarrier => "trackings.update",
            Call::GetUserInfo => "trackings.getuserinfo",
            Call::GetStatusCounts => "trackings.getstatusnumber",
            Call::StopUpdating => "trackings.notupdate",
            Call::CheckRemote => "trackings.remote",
            Call::GetTransitTimes => "trackings.costtime",
            Call::TrackAirCargo => "trackings.aircargo",
        }
    }

    /// Rate-limit class.
    pub(crate) fn rate_class(&self) -> RateClass {
        match self {
            Call::ListTrackings => RateClass::List,
            Call::RealtimeTracking => RateClass::Realtime,
            _ => RateClass::Other,
        }
    }
}

/// Why a method and path name no call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unresolved {
    /// No such path (HTTP 404).
    NotFound,
    /// The path exists with another method (HTTP 405).
    MethodNotAllowed,
}

/// The methods a known path accepts, for the `Allow` header of a 405 (RFC 9110 §15.5.6).
pub(crate) fn allowed_methods(segments: &[String]) -> Option<&'static str> {
    let path: Vec<&str> = segments.iter().map(String::as_str).collect();
    Some(match path.as_slice() {
        ["carriers"] | ["trackings", "getuserinfo"] => "GET",
        ["trackings", "get" | "getstatusnumber"] => "GET, POST",
        ["carriers", "detect"]
        | ["trackings", "post" | "batch" | "updatemore" | "delete" | "realtime" | "update" | "notupdate"
        | "remote" | "costtime" | "aircargo"] => "POST",
        ["trackings", _, _] => "GET, PUT, DELETE",
        ["trackings", _, _, _] => "GET",
        _ => return None,
    })
}

/// Resolves path segments (decoded, without `v2`) and a method to a call.
pub(crate) fn resolve(method: &http::Method, segments: &[String]) -> Result<Call, Unresolved> {
    use http::Method as M;
    let path: Vec<&str> = segments.iter().map(String::as_str).collect();
    let only = |allowed: M, call: Call| {
        if *method == allowed {
            Ok(call)
        } else {
            Err(Unresolved::MethodNotAllowed)
        }
    };
    match path.as_slice() {
        ["carriers"] => only(M::GET, Call::ListCarriers),
        ["carriers", "detect"] => only(M::POST, Call::DetectCarrier),
        ["trackings", "post"] => only(M::POST, Call::CreateTracking),
        ["trackings", "batch"] => only(M::POST, Call::BatchCreateTrackings),
        // List and count also by POST with the filters in a JSON body (CONTRACT §1).
        ["trackings", "get"] if matches!(*method, M::GET | M::POST) => Ok(Call::ListTrackings),
        ["trackings", "get"] => Err(Unresolved::MethodNotAllowed),
        ["trackings", "updatemore"] => only(M::POST, Call::BatchUpdateTrackings),
        ["trackings", "delete"] => only(M::POST, Call::BatchDeleteTrackings),
        ["trackings", "realtime"] => only(M::POST, Call::RealtimeTracking),
        ["trackings", "update"] => only(M::POST, Call::ChangeCarrier),
        ["trackings", "getuserinfo"] => only(M::GET, Call::GetUserInfo),
        ["trackings", "getstatusnumber"] if matches!(*method, M::GET | M::POST) => {
            Ok(Call::GetStatusCounts)
        }
        ["trackings", "getstatusnumber"] => Err(Unresolved::MethodNotAllowed),
        ["trackings", "notupdate"] => only(M::POST, Call::StopUpdating),
        ["trackings", "remote"] => only(M::POST, Call::CheckRemote),
        ["trackings", "costtime"] => only(M::POST, Call::GetTransitTimes),
        ["trackings", "aircargo"] => only(M::POST, Call::TrackAirCargo),
        ["trackings", carrier, number] => {
            let (carrier, number) = ((*carrier).to_string(), (*number).to_string());
            match *method {
                M::GET => Ok(Call::GetTracking { carrier, number }),
                M::PUT => Ok(Call::UpdateTracking { carrier, number }),
                M::DELETE => Ok(Call::DeleteTracking { carrier, number }),
                _ => Err(Unresolved::MethodNotAllowed),
            }
        }
        ["trackings", carrier, number, _lang] => only(
            M::GET,
            Call::GetTracking {
                carrier: (*carrier).to_string(),
                number: (*number).to_string(),
            },
        ),
        _ => Err(Unresolved::NotFound),
    }
}

/// What a call handler returns: meta code (200 or 201) and data.
pub(crate) type CallResult = Result<(i64, Data), ApiError>;

/// What a handler that builds a `serde_json::Value` returns.
pub(crate) type JsonResult = Result<(i64, Value), ApiError>;

/// What a call reads from its request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallInput<'a> {
    /// Body bytes.
    pub body: &'a [u8],
    /// Decoded query pairs.
    pub query: &'a [(String, String)],
    /// The `lang` header, if any.
    pub lang: Option<&'a str>,
}

fn json_data((code, v): (i64, Value)) -> (i64, Data) {
    (code, Data::Json(v))
}

/// Runs `call` for account `acct`.
pub(crate) fn dispatch(
    state: &mut State,
    acct: usize,
    call: &Call,
    input: CallInput<'_>,
) -> CallResult {
    use trackings as t;
    let CallInput { body, query, lang } = input;
    match call {
        Call::ListCarriers => Ok((200, carriers::list_carriers(lang).into())),
        Call::DetectCarrier => carriers::detect_carrier(state, acct, body).map(json_data),
        Call::CreateTracking => t::create_tracking(state, acct, body),
        Call::GetTracking { carrier, number } => t::get_tracking(state, acct, carrier, number),
        Call::UpdateTracking { carrier, number } => {
            t::update_tracking(state, acct, carrier, number, body).map(json_data)
        }
        Call::DeleteTracking { carrier, number } => {
            t::delete_tracking(state, acct, carrier, number).map(json_data)
        }
        Call::BatchCreateTrackings => t::batch_create_trackings(state, acct, body),
        Call::ListTrackings => {
            t::list_trackings(state, acct, &input::with_body_filters(query, body)?)
        }
        Call::BatchUpdateTrackings => t::batch_update_trackings(state, acct, body).map(json_data),
        Call::BatchDeleteTrackings => t::batch_delete_trackings(state, acct, body).map(json_data),
        Call::RealtimeTracking => t::realtime_tracking(state, acct, body),
        Call::ChangeCarrier => t::change_carrier(state, acct, body).map(json_data),
        Call::GetUserInfo => Ok((200, t::get_user_info(state, acct).into())),
        Call::GetStatusCounts => {
            t::get_status_counts(state, acct, &input::with_body_filters(query, body)?)
                .map(json_data)
        }
        Call::StopUpdating => t::stop_updating(state, acct, body).map(json_data),
        Call::CheckRemote => t::check_remote(state, acct, body).map(json_data),
        Call::GetTransitTimes => t::get_transit_times(state, acct, body).map(json_data),
        Call::TrackAirCargo => t::track_air_cargo(state, acct, body).map(json_data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_resolve() {
        use http::Method;
        let segs = |p: &str| {
            p.split('/')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            resolve(&Method::GET, &segs("trackings/get")),
            Ok(Call::ListTrackings)
        );
        assert_eq!(
            resolve(&Method::POST, &segs("trackings/get")),
            Ok(Call::ListTrackings)
        );
        assert_eq!(
            resolve(&Method::POST, &segs("trackings/getstatusnumber")),
            Ok(Call::GetStatusCounts)
        );
        assert_eq!(
            resolve(&Method::DELETE, &segs("trackings/get")),
            Err(Unresolved::MethodNotAllowed)
        );
        // Every 405 names what the path accepts.
        for (m, p, allow) in [
            (Method::DELETE, "trackings/get", "GET, POST"),
            (Method::GET, "trackings/post", "POST"),
            (Method::PATCH, "trackings/ups/1Z1", "GET, PUT, DELETE"),
            (Method::PUT, "trackings/ups/1Z1/en", "GET"),
            (Method::TRACE, "carriers", "GET"),
        ] {
            assert_eq!(resolve(&m, &segs(p)), Err(Unresolved::MethodNotAllowed));
            assert_eq!(allowed_methods(&segs(p)), Some(allow), "{m} {p}");
            assert!(allow.split(", ").all(|a| {
                resolve(&Method::from_bytes(a.as_bytes()).unwrap(), &segs(p)).is_ok()
            }));
        }
        assert_eq!(
            resolve(&Method::GET, &segs("nope")),
            Err(Unresolved::NotFound)
        );
        assert_eq!(
            resolve(&Method::GET, &segs("trackings/ups/1Z1/en")),
            Ok(Call::GetTracking {
                carrier: "ups".into(),
                number: "1Z1".into()
            })
        );
        assert_eq!(
            resolve(&Method::PUT, &segs("trackings/ups/1Z1/en")),
            Err(Unresolved::MethodNotAllowed)
        );
    }
}
