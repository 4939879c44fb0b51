//! Errors of the CLI and their exit codes.

use std::fmt;

use tm_core::Error as CoreError;

/// Exit code: success.
pub(crate) const EXIT_OK: u8 = 0;
/// Exit code: the API (or the network) failed.
pub(crate) const EXIT_API: u8 = 1;
/// Exit code: the command line or an input file is wrong.
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit code: a bulk command failed for some items.
pub(crate) const EXIT_PARTIAL: u8 = 3;
/// Exit code: interrupted (Ctrl-C), as shells report SIGINT.
pub(crate) const EXIT_INTERRUPTED: u8 = 130;

/// What ended a command unsuccessfully.
#[derive(Debug)]
pub(crate) enum CliError {
    /// The command line or an input is wrong (exit 2).
    Usage(String),
    /// A call failed (exit 1 for API, transport and decode errors; exit 2 for
    /// input refused before sending).
    Core(CoreError),
    /// Something else went wrong at run time, e.g. writing a file (exit 1).
    Runtime(String),
    /// A bulk command finished but some items failed (exit 3); details were
    /// already printed.
    Partial(String),
    /// Standard output was closed by the reader (e.g. `tm export | head`):
    /// stop quietly.
    BrokenPipe,
    /// Stopped by Ctrl-C after finishing the calls in flight (exit 130); the
    /// message says how to resume.
    Interrupted(String),
}

impl CliError {
    /// The process exit code for this error.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => EXIT_USAGE,
            CliError::Core(CoreError::Validation(_)) => EXIT_USAGE,
            CliError::Core(_) | CliError::Runtime(_) => EXIT_API,
            CliError::Partial(_) => EXIT_PARTIAL,
            CliError::BrokenPipe => EXIT_OK,
            CliError::Interrupted(_) => EXIT_INTERRUPTED,
        }
    }
}

impl From<CoreError> for CliError {
    fn from(e: CoreError) -> Self {
        CliError::Core(e)
    }
}

impl From<tm_core::ValidationError> for CliError {
    fn from(e: tm_core::ValidationError) -> Self {
        CliError::Core(CoreError::Validation(e))
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return CliError::BrokenPipe;
        }
        CliError::Runtime(format!("I/O error: {e}"))
    }
}

impl From<csv::Error> for CliError {
    fn from(e: csv::Error) -> Self {
        if let csv::ErrorKind::Io(io) = e.kind() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return CliError::BrokenPipe;
            }
        }
        CliError::Runtime(format!("CSV error: {e}"))
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> Self {
        if e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe) {
            return CliError::BrokenPipe;
        }
        CliError::Runtime(format!("JSON error: {e}"))
    }
}

/// A one-line, plain-words description of a tm-core error: kind, code, message.
pub(crate) fn describe(e: &CoreError) -> String {
    match e {
        CoreError::Api(a) => {
            let mut s = format!(
                "API error: {} (code {}): {}",
                a.kind.as_str().replace('_', " "),
                a.code,
                a.message.trim()
            );
            if let Some(after) = a.retry_after {
                s.push_str(&format!(" (retry after {} s)", after.as_secs()));
            }
            s
        }
        CoreError::Validation(v) => format!("invalid input: {v}"),
        CoreError::Transport(t) => format!("network error: {t}"),
        CoreError::Decode(d) => format!("unexpected response: {d}"),
        other => format!("error: {other}"),
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) => write!(f, "usage error: {m}"),
            CliError::Core(e) => f.write_str(&describe(e)),
            CliError::Runtime(m) => f.write_str(m),
            CliError::Partial(m) => write!(f, "partial failure: {m}"),
            CliError::BrokenPipe => f.write_str("output closed"),
            CliError::Interrupted(m) => write!(f, "interrupted: {m}"),
        }
    }
}

/// Result alias of the CLI.
pub(crate) type CliResult<T = ()> = Result<T, CliError>;
