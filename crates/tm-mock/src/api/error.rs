//! The error every call handler returns: a v2 meta code and its message.

/// A failed call: the `meta.code` and `meta.message` the client receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    /// v2 meta code (4012, 4017, …).
    pub code: i64,
    /// Human-readable message.
    pub message: String,
}

impl ApiError {
    /// An error with its own message.
    pub(crate) fn new(code: i64, message: String) -> Self {
        Self { code, message }
    }

    /// An error with the standard message of `code`.
    pub(crate) fn standard(code: i64) -> Self {
        Self::new(code, standard_message(code).to_owned())
    }
}

/// `Err` of an [`ApiError`] with its own message.
pub(crate) fn reject<T>(code: i64, message: impl Into<String>) -> Result<T, ApiError> {
    Err(ApiError::new(code, message.into()))
}

/// Standard messages.
pub(crate) fn standard_message(code: i64) -> &'static str {
    match code {
        4001 => "Invalid API key.",
        4002 => "API key has been deleted.",
        4012 => "The request could not be understood: missing or malformed parameters.",
        4013 => "Tracking number is required.",
        4014 => "Tracking number is invalid.",
        4015 => "The value of `carrier_code` is invalid.",
        4016 => "Tracking already exists.",
        4017 => "Tracking does not exist.",
        4020 => "Up to 40 items at a time.",
        4021 => "Insufficient quota remaining.",
        4031 => "The request was successful, but the response is empty. Create the tracking with POST /trackings/post first.",
        4032 => "Cannot detect the courier.",
        4033 => "The value of `status` is invalid.",
        _ => "Error",
    }
}
