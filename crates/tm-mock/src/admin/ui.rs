//! `GET /_mock/ui`: the dashboard, one self-contained page (inline CSS and
//! plain JavaScript, no external assets) that reads and drives the admin API.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};

use crate::wire::SimResponse;

/// The page.
const PAGE: &str = include_str!("ui.html");

/// The dashboard page, with headers that keep it to itself: nothing loaded
/// from elsewhere, not framed, not cached, no referrer (the page may have
/// been opened with `?token=`).
pub(crate) fn page() -> SimResponse {
    let mut headers = HeaderMap::new();
    let set = |h: &mut HeaderMap, k: http::header::HeaderName, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(
        &mut headers,
        http::header::CONTENT_TYPE,
        "text/html; charset=utf-8",
    );
    set(
        &mut headers,
        http::header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
         connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'none'",
    );
    set(&mut headers, http::header::CACHE_CONTROL, "no-store");
    set(&mut headers, http::header::REFERRER_POLICY, "no-referrer");
    set(
        &mut headers,
        http::header::X_CONTENT_TYPE_OPTIONS,
        "nosniff",
    );
    set(&mut headers, http::header::X_FRAME_OPTIONS, "DENY");
    SimResponse {
        status: StatusCode::OK,
        headers,
        body: Bytes::from_static(PAGE.as_bytes()),
    }
}
