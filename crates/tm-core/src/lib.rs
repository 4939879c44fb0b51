//! # tm-core
//!
//! Models, endpoints and the client for the TrackingMore v2 shipment-tracking API.
//!
//! - [`endpoints`]: one type per API call, each implementing [`Endpoint`], grouped like the URL.
//! - [`models`]: the request and response types, tolerant where the service is inconsistent.
//! - [`Transport`]: the seam to the wire (tm-http for the real API, tm-mock for the simulator).
//! - [`Client`]: runs an endpoint over a transport, decodes the envelope, classifies errors.
//!
//! ```no_run
//! # async fn demo(transport: impl tm_core::Transport + 'static) -> tm_core::Result<()> {
//! use tm_core::{Client, endpoints::trackings::GetTracking};
//! let client = Client::new(transport);
//! let tracking = client.execute(&GetTracking::new("usps", "9400111899223197428490")?).await?;
//! println!("{} is {}", tracking.tracking_number, tracking.status);
//! # Ok(()) }
//! ```

pub mod batch;
pub mod cassette;
pub mod client;
pub mod clock;
pub mod endpoint;
pub mod endpoints;
pub mod error;
pub mod models;
pub mod paging;
pub mod ratelimit;
pub mod retry;
pub mod secret;
pub mod transport;
pub mod validate;
pub mod webhook;

#[cfg(any(test, feature = "test-util"))]
pub mod test_util;

pub use client::{Attempts, CallOptions, Client, ClientBuilder, RawResponse};
pub use endpoint::{Endpoint, EndpointClass};
pub use error::{ApiError, ApiErrorKind, DecodeError, Error, Result, ValidationError};
pub use ratelimit::RateLimits;
pub use retry::RetryPolicy;
pub use secret::ApiKey;
pub use transport::{Transport, TransportError, TransportErrorKind, WireRequest, WireResponse};

/// The default base URL of the real v2 API.
pub const DEFAULT_BASE_URL: &str = "https://api.trackingmore.com/v2";

/// Most items one batch-style call may carry.
pub const MAX_BATCH: usize = 40;
