//! Why a delivery was refused.

/// A delivery that did not verify. Each cause is its own variant so a receiver can log it
/// precisely; all of them mean "answer 4xx and do not trust the body".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// No candidate key was given, or one was empty (verification never passes without a key).
    #[error("no webhook key given: pass the account e-mail (an empty key is refused)")]
    NoKeys,
    /// The body is not a JSON object, or `data` is not a tracking.
    #[error("malformed webhook body: {0}")]
    MalformedBody(String),
    /// Neither the top level nor `data` has a `verifyInfo` object.
    #[error("webhook body has no verifyInfo (looked at the top level and inside data)")]
    MissingVerifyInfo,
    /// `verifyInfo` lacks a field (`timeStr` or `signature`), or the body lacks `data`.
    #[error("webhook body has no {0}")]
    MissingField(&'static str),
    /// A field is there but has the wrong shape (e.g. `timeStr` not an integer).
    #[error("webhook field {field} is invalid: {reason}")]
    InvalidField {
        /// The field (`timeStr`, `signature`).
        field: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// The signature matches none of the keys.
    #[error("webhook signature does not match any of the given keys")]
    BadSignature,
    /// `timeStr` is older than `now - tolerance` (a replay, or a very slow delivery).
    #[error("webhook timeStr {time_str} is {age} s old, more than the tolerance of {tolerance} s")]
    Stale {
        /// The delivery's `timeStr`.
        time_str: i64,
        /// `now - timeStr`, seconds.
        age: i64,
        /// The tolerance, seconds.
        tolerance: u64,
    },
    /// `timeStr` is later than `now + tolerance` (a clock problem, or a forged time).
    #[error("webhook timeStr {time_str} is {ahead} s in the future, more than the tolerance of {tolerance} s")]
    Future {
        /// The delivery's `timeStr`.
        time_str: i64,
        /// `timeStr - now`, seconds.
        ahead: i64,
        /// The tolerance, seconds.
        tolerance: u64,
    },
}

impl WebhookError {
    /// A short stable name for the cause (`bad_signature`, `stale`, …), for logs and bindings.
    pub fn kind(&self) -> &'static str {
        match self {
            WebhookError::NoKeys => "no_keys",
            WebhookError::MalformedBody(_) => "malformed_body",
            WebhookError::MissingVerifyInfo => "missing_verify_info",
            WebhookError::MissingField(_) => "missing_field",
            WebhookError::InvalidField { .. } => "invalid_field",
            WebhookError::BadSignature => "bad_signature",
            WebhookError::Stale { .. } => "stale",
            WebhookError::Future { .. } => "future",
        }
    }
}
