//! The admin API under `/_mock/`: clock, faults, journal, accounts, rate
//! limits and reset. Admin requests are never faulted nor journaled.
//!
//! | route | handler |
//! |---|---|
//! | `GET /_mock/clock`, `POST /_mock/clock` | [`clock::get_clock`], [`clock::set_clock`] |
//! | `GET`, `POST`/`PUT`, `DELETE /_mock/faults` | [`faults::get_faults`], [`faults::set_faults`], [`faults::clear_faults`] |
//! | `GET`, `DELETE /_mock/journal` | [`journal::get_journal`], [`journal::clear_journal`] |
//! | `POST /_mock/accounts` | [`accounts::set_account`] |
//! | `POST /_mock/rate-limits` | [`rate_limits::set_rate_limits`] |
//! | `POST /_mock/reset` | [`reset::reset`] |
//! | `GET /_mock/accounts` | [`accounts::list_accounts`] |
//! | `GET /_mock/accounts/{label}/trackings[/{id}]` | [`trackings::list_trackings`], [`trackings::get_tracking`] |
//! | `GET /_mock/accounts/{label}/status-history` | [`trackings::status_history`] |
//! | `GET /_mock/ui` | [`ui::page`] (the dashboard) |
//! | `GET`, `POST /_mock/webhooks`, `DELETE /_mock/webhooks/{id}` | [`webhooks::list`], [`webhooks::add`], [`webhooks::remove`] |
//! | `GET /_mock/webhooks/deliveries` | [`webhooks::deliveries`] |
//! | `GET`, `POST /_mock/webhooks/faults` | [`webhooks::get_faults`], [`webhooks::set_faults`] |
//!
//! `POST /_mock/clock` and `POST /_mock/webhooks/redeliver` send webhooks, so the simulator
//! runs them outside the lock (`webhooks::glue`) before a request reaches this router.

mod accounts;
mod clock;
mod faults;
mod journal;
mod rate_limits;
mod reset;
mod trackings;
mod ui;
mod webhooks;

use http::Method;
use serde_json::{json, Value};

use crate::render::error;
use crate::wire::SimResponse;
use crate::world::World;

/// Routes one admin request; `segments` are the path after `/_mock`.
pub(crate) fn handle(
    w: &mut World,
    method: &Method,
    segments: &[String],
    query: &[(String, String)],
    body: &[u8],
) -> SimResponse {
    let path: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (method.as_str(), path.as_slice()) {
        ("GET", ["clock"]) => clock::get_clock(w),
        ("POST", ["clock"]) => clock::set_clock(w, body),
        ("GET", ["faults"]) => faults::get_faults(w),
        ("POST" | "PUT", ["faults"]) => faults::set_faults(w, body),
        ("DELETE", ["faults"]) => faults::clear_faults(w),
        ("GET", ["journal"]) => journal::get_journal(w, query),
        ("DELETE", ["journal"]) => journal::clear_journal(w),
        ("POST", ["reset"]) => reset::reset(w),
        ("POST", ["rate-limits"]) => rate_limits::set_rate_limits(w, body),
        ("POST", ["accounts"]) => accounts::set_account(w, body),
        ("GET", ["webhooks"]) => webhooks::list(w),
        ("POST", ["webhooks"]) => webhooks::add(w, body),
        ("GET", ["webhooks", "deliveries"]) => webhooks::deliveries(w),
        ("GET", ["webhooks", "faults"]) => webhooks::get_faults(w),
        ("POST" | "PUT", ["webhooks", "faults"]) => webhooks::set_faults(w, body),
        ("DELETE", ["webhooks", id]) => webhooks::remove(w, id),
        (_, ["webhooks", ..]) => error(405, "Method Not Allowed."),
        ("GET", ["accounts"]) => accounts::list_accounts(w),
        ("GET", ["accounts", label, "trackings"]) => trackings::list_trackings(w, label, query),
        ("GET", ["accounts", label, "trackings", id]) => trackings::get_tracking(w, label, id),
        ("GET", ["accounts", label, "status-history"]) => {
            trackings::status_history(w, label, query)
        }
        ("GET", ["ui"]) => ui::page(),
        (_, ["clock" | "faults" | "journal" | "reset" | "accounts" | "rate-limits" | "ui"])
        | (_, ["accounts", _, "trackings" | "status-history"])
        | (_, ["accounts", _, "trackings", _]) => error(405, "Method Not Allowed."),
        _ => error(404, "The requested resource does not exist."),
    }
}

/// The JSON body of an admin request (an empty body is `{}`), or the 4012 answer.
fn parse_body(body: &[u8]) -> Result<Value, Box<SimResponse>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| Box::new(error(4012, &format!("Invalid JSON: {e}"))))
}
