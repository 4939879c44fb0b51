//! The API key as a secret value: never printed, checked for header safety.

use std::fmt;

use crate::error::ValidationError;

/// A TrackingMore API key.
///
/// `Debug` and `Display` print `** redacted **`; the only way to read the key is
/// [`ApiKey::expose`], which transports call when they build the request header.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ApiKey(Box<str>);

impl ApiKey {
    /// Wraps a key after checking it can travel in an HTTP header.
    ///
    /// Refuses an empty key and any key holding CR, LF, NUL or another control
    /// character (header injection), or a non-visible-ASCII byte.
    pub fn new(key: impl Into<String>) -> Result<Self, ValidationError> {
        let key: String = key.into();
        if key.trim().is_empty() {
            return Err(ValidationError::new("api_key", "the API key is empty"));
        }
        if key.bytes().any(|b| b == b'\r' || b == b'\n') {
            return Err(ValidationError::new(
                "api_key",
                "the API key contains a CR or LF character",
            ));
        }
        if key.bytes().any(|b| !(0x20..0x7f).contains(&b)) {
            return Err(ValidationError::new(
                "api_key",
                "the API key contains a control or non-ASCII character",
            ));
        }
        Ok(Self(key.into_boxed_str()))
    }

    /// The key itself, for building the `Trackingmore-Api-Key` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(** redacted **)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

impl std::str::FromStr for ApiKey {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let k = ApiKey::new("sk_live_abcdef").unwrap();
        assert!(!format!("{k:?}").contains("abcdef"));
        assert!(!format!("{k}").contains("abcdef"));
        assert_eq!(k.expose(), "sk_live_abcdef");
    }

    #[test]
    fn refuses_header_injection() {
        for bad in [
            "a\r\nX-Evil: 1",
            "abc\n",
            "abc\r",
            "",
            "   ",
            "a\u{0}b",
            "ké",
        ] {
            let err = ApiKey::new(bad).unwrap_err();
            assert_eq!(err.field(), "api_key");
            assert!(!err.to_string().contains("Evil"));
        }
    }
}
