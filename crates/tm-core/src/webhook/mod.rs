//! Webhook v2 deliveries: parse, verify and (for tests and the simulator) sign them.
//!
//! TrackingMore `POST`s `{"meta": …, "data": <tracking>, "verifyInfo": {"timeStr": <unix s>,
//! "signature": "<hex>"}}` to the account's webhook URLs. The signature is
//! `hex(HMAC-SHA256(key = account e-mail, message = timeStr as decimal text))` — it signs the
//! time only, not the body, so [`verify`] also checks that `timeStr` is recent.
//!
//! Verification fails closed: there is no "skip" switch, every failure is its own
//! [`WebhookError`] variant, and the signature is compared in constant time.
//!
//! ```
//! use tm_core::webhook::{self, Tolerance};
//! # let body = webhook::signed_body(
//! #     &serde_json::json!({"tracking_number": "RR123456789CN", "carrier_code": "china-post"}),
//! #     "shop@example.com", 1_764_633_600);
//! // `body` is the raw request body, `now` the current Unix time in seconds.
//! let now = 1_764_633_660;
//! let event = webhook::verify(&body, &["shop@example.com"], now, Tolerance::default())?;
//! assert_eq!(event.tracking.tracking_number, "RR123456789CN");
//! # Ok::<(), webhook::WebhookError>(())
//! ```

mod error;
mod event;
mod signature;

pub use error::WebhookError;
pub use event::{parse, Placement, VerifyInfo, WebhookEvent};
pub use signature::{sign, signature_matches, signed_body, Tolerance, DEFAULT_TOLERANCE_SECS};

use signature::check_time;

/// Verify a delivery and parse it into a [`WebhookEvent`].
///
/// - `body`: the raw request body, exactly as received.
/// - `keys`: candidate keys (the account e-mail as getuserinfo reports it; several while an
///   e-mail change is in flight). At least one non-empty key is required.
/// - `now`: the current Unix time in seconds (injected so tests can use a simulated clock).
/// - `tolerance`: how far `timeStr` may be from `now`, either way.
///
/// The signature is checked before the time, and the tracking is decoded only after both
/// passed, so an unauthenticated body learns nothing beyond "bad signature".
pub fn verify<K: AsRef<[u8]>>(
    body: &[u8],
    keys: &[K],
    now: i64,
    tolerance: Tolerance,
) -> Result<WebhookEvent, WebhookError> {
    if keys.is_empty() || keys.iter().any(|k| k.as_ref().is_empty()) {
        return Err(WebhookError::NoKeys);
    }
    let envelope = event::Envelope::parse(body)?;
    let info = &envelope.verify_info;
    let key_index = keys
        .iter()
        .position(|k| signature_matches(k.as_ref(), &info.signed_text, &info.signature))
        .ok_or(WebhookError::BadSignature)?;
    check_time(info.time_str, now, tolerance)?;
    envelope.into_event(key_index)
}
