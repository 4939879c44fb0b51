//! Running the `tm-mock` binary from integration tests (shared by the test files that do).

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

/// A `tm-mock serve` process and the base URL it printed.
pub(crate) struct Served {
    /// The process (the test stops it).
    pub(crate) child: Child,
    /// `http://127.0.0.1:PORT/v2`, the first line it printed.
    pub(crate) url: String,
    /// Its stdout, kept open so that a later print never meets a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl Served {
    /// `127.0.0.1:PORT`, for raw TCP requests.
    #[allow(dead_code)] // not every test file sends raw requests
    pub(crate) fn host_port(&self) -> &str {
        self.url
            .trim_start_matches("http://")
            .trim_end_matches("/v2")
    }
}

/// Starts `cmd` (a `tm-mock serve … --addr 127.0.0.1:0`, or a shell that execs one) and waits for
/// the URL it prints first.
pub(crate) fn serve(cmd: &mut Command) -> Served {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("tm-mock starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("tm-mock prints its URL");
    Served {
        child,
        url: line.trim().to_owned(),
        _stdout: stdout,
    }
}
