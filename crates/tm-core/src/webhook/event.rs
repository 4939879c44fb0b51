//! The parsed delivery.

use serde_json::{Map, Value};

use super::WebhookError;
use crate::models::{Meta, Tracking};

/// Where `verifyInfo` was found: public receivers disagree, so both are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// `{"verifyInfo": …}` next to `data` (what the service documents).
    TopLevel,
    /// `{"data": {"verifyInfo": …}}`.
    InsideData,
}

/// The `verifyInfo` of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyInfo {
    /// `timeStr` as Unix seconds.
    pub time_str: i64,
    /// The signature as sent (hex).
    pub signature: String,
    /// Where it was found.
    pub placement: Placement,
    /// The exact text that was signed: a numeric string as sent, or a number's decimal form.
    pub signed_text: String,
}

/// A verified (or merely parsed, see [`parse`]) delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    /// The envelope's `meta`, if it had a readable one.
    pub meta: Option<Meta>,
    /// The tracking, as GET-one returns it.
    pub tracking: Tracking,
    /// The `verifyInfo` the delivery carried.
    pub verify_info: VerifyInfo,
    /// Which of the candidate keys matched (0 for [`parse`], which checks none).
    pub key_index: usize,
}

impl WebhookEvent {
    /// `timeStr`, Unix seconds: when the service sent this attempt.
    pub fn time_str(&self) -> i64 {
        self.verify_info.time_str
    }
    /// The signature as sent.
    pub fn signature(&self) -> &str {
        &self.verify_info.signature
    }
}

/// Parse a delivery WITHOUT checking its signature or time — for inspecting a body you
/// already verified (or tooling); a receiver must use [`super::verify`].
pub fn parse(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    Envelope::parse(body)?.into_event(0)
}

pub(super) struct Envelope {
    root: Map<String, Value>,
    pub(super) verify_info: VerifyInfo,
}

impl Envelope {
    pub(super) fn parse(body: &[u8]) -> Result<Self, WebhookError> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| WebhookError::MalformedBody(format!("not JSON: {e}")))?;
        let Value::Object(mut root) = value else {
            return Err(WebhookError::MalformedBody(
                "the body is not a JSON object".into(),
            ));
        };
        let (raw, placement) = match root.remove("verifyInfo") {
            Some(v) => (v, Placement::TopLevel),
            None => match root.get_mut("data").and_then(Value::as_object_mut) {
                Some(data) => match data.remove("verifyInfo") {
                    Some(v) => (v, Placement::InsideData),
                    None => return Err(WebhookError::MissingVerifyInfo),
                },
                None => return Err(WebhookError::MissingVerifyInfo),
            },
        };
        let Value::Object(info) = raw else {
            return Err(WebhookError::InvalidField {
                field: "verifyInfo",
                reason: "not an object".into(),
            });
        };
        let (time_str, signed_text) = time_str(info.get("timeStr"))?;
        let signature = match info.get("signature") {
            None | Some(Value::Null) => return Err(WebhookError::MissingField("signature")),
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                return Err(WebhookError::InvalidField {
                    field: "signature",
                    reason: "not a string".into(),
                })
            }
        };
        Ok(Envelope {
            root,
            verify_info: VerifyInfo {
                time_str,
                signature,
                placement,
                signed_text,
            },
        })
    }

    pub(super) fn into_event(mut self, key_index: usize) -> Result<WebhookEvent, WebhookError> {
        let data = match self.root.remove("data") {
            None | Some(Value::Null) => return Err(WebhookError::MissingField("data")),
            Some(d) => d,
        };
        let tracking: Tracking = serde_json::from_value(data)
            .map_err(|e| WebhookError::MalformedBody(format!("data is not a tracking: {e}")))?;
        let meta = self
            .root
            .remove("meta")
            .and_then(|m| serde_json::from_value(m).ok());
        Ok(WebhookEvent {
            meta,
            tracking,
            verify_info: self.verify_info,
            key_index,
        })
    }
}

/// `timeStr` as a number or a numeric string; returns the seconds and the signed text.
fn time_str(v: Option<&Value>) -> Result<(i64, String), WebhookError> {
    let invalid = |reason: &str| WebhookError::InvalidField {
        field: "timeStr",
        reason: reason.into(),
    };
    match v {
        None | Some(Value::Null) => Err(WebhookError::MissingField("timeStr")),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(secs) => Ok((secs, n.to_string())),
            None => Err(invalid("not an integer number of seconds")),
        },
        Some(Value::String(s)) => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid("a string that is not an integer"));
            }
            let secs = s.parse::<i64>().map_err(|_| invalid("out of range"))?;
            // The sender signed the text it sent, so verify over the string as received.
            Ok((secs, s.clone()))
        }
        Some(_) => Err(invalid("neither a number nor a numeric string")),
    }
}
