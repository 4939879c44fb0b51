//! The v2 signature: hex HMAC-SHA256 keyed by the account e-mail over `timeStr`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::WebhookError;

type HmacSha256 = Hmac<Sha256>;

/// Default tolerance between `timeStr` and now, seconds (CONTRACT §5).
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// How far a delivery's `timeStr` may be from now.
///
/// There is deliberately no `Default` that skips the check: [`Tolerance::default`] is
/// 300 s, and skipping needs the explicit [`Tolerance::Unchecked`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tolerance {
    /// `|now - timeStr|` must be at most this many seconds.
    Seconds(u64),
    /// Do not check the time (e.g. re-verifying a stored body). The signature is still checked.
    Unchecked,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance::Seconds(DEFAULT_TOLERANCE_SECS)
    }
}

impl Tolerance {
    /// `0` means [`Tolerance::Unchecked`] (the CLI's `--tolerance 0`), anything else seconds.
    pub fn from_secs_or_unchecked(secs: u64) -> Self {
        if secs == 0 {
            Tolerance::Unchecked
        } else {
            Tolerance::Seconds(secs)
        }
    }
}

fn mac(key: &[u8], message: &str) -> HmacSha256 {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(message.as_bytes());
    mac
}

/// The signature of `time_str` under `key`: 64 lowercase hex characters.
pub fn sign(key: &str, time_str: i64) -> String {
    let tag = mac(key.as_bytes(), &time_str.to_string())
        .finalize()
        .into_bytes();
    let mut out = String::with_capacity(64);
    for b in tag {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
    }
    out
}

/// Whether `signature_hex` is the HMAC of `signed_text` under `key`, compared in constant
/// time (`verify_slice`). Hex of either case is accepted; anything not 64 hex digits is false.
pub fn signature_matches(key: &[u8], signed_text: &str, signature_hex: &str) -> bool {
    match decode_hex32(signature_hex) {
        Some(tag) => mac(key, signed_text).verify_slice(&tag).is_ok(),
        None => false,
    }
}

pub(super) fn decode_hex32(s: &str) -> Option<[u8; 32]> {
    let bytes = s.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let hi = char::from(pair[0]).to_digit(16)?;
        let lo = char::from(pair[1]).to_digit(16)?;
        out[i] = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(out)
}

pub(super) fn check_time(
    time_str: i64,
    now: i64,
    tolerance: Tolerance,
) -> Result<(), WebhookError> {
    let Tolerance::Seconds(tolerance) = tolerance else {
        return Ok(());
    };
    let limit = i64::try_from(tolerance).unwrap_or(i64::MAX);
    let age = now.saturating_sub(time_str);
    if age > limit {
        return Err(WebhookError::Stale {
            time_str,
            age,
            tolerance,
        });
    }
    if age < -limit {
        return Err(WebhookError::Future {
            time_str,
            ahead: -age,
            tolerance,
        });
    }
    Ok(())
}

/// A complete delivery body as TrackingMore sends it: `meta`, `data` (the tracking as
/// GET-one returns it) and a top-level `verifyInfo` signed with `key` at `time_str`.
/// For tests and the simulator.
pub fn signed_body(data: &serde_json::Value, key: &str, time_str: i64) -> Vec<u8> {
    let body = serde_json::json!({
        "meta": {"code": 200, "type": "Success", "message": "Success"},
        "data": data,
        "verifyInfo": {"timeStr": time_str, "signature": sign(key, time_str)},
    });
    serde_json::to_vec(&body).expect("a JSON value always serializes")
}
