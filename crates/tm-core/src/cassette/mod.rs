//! Record and replay: cassettes of wire exchanges.
//!
//! A cassette is a JSON-lines file, one [`Interaction`] per line: the request as tm-core sent
//! it (method, path, query, headers, body) and the response as it came back (status, headers,
//! body), or the transport error. The API key is never in it: transports add the key below
//! the [`Transport`](crate::Transport) seam, so a recorder above it never sees the key, and
//! credential headers are dropped all the same.
//!
//! - [`RecordingTransport`] wraps any transport and writes every exchange to a cassette.
//! - [`ReplayTransport`] serves a cassette back, in strict order or matched by
//!   method, path, query and body ([`ReplayMode`]).

mod format;
mod record;
mod replay;

pub use format::{
    parse_cassette, read_cassette, CassetteError, Interaction, RecordedBody, RecordedError,
    RecordedRequest, RecordedResponse,
};
pub use record::RecordingTransport;
pub use replay::{ReplayMode, ReplayTransport};
