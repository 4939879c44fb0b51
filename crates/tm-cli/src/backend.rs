//! Building the client: the real API over HTTP, or the in-process simulator
//! (optionally loaded from and saved to a state file).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tm_core::cassette::RecordingTransport;
use tm_core::{ApiKey, Client, ClientBuilder, Transport};
use tm_mock::{SimConfig, Simulator};

use crate::cli::{Global, RateLimitMode};
use crate::error::{CliError, CliResult};

/// Key used with the simulator when none is given.
pub(crate) const MOCK_DEFAULT_KEY: &str = "tm-cli-mock-key";

/// A ready client and, with `--mock`, its simulator.
#[derive(Debug)]
pub(crate) struct Backend {
    /// The client every command uses.
    pub(crate) client: Client,
    /// The in-process simulator, when used.
    pub(crate) sim: Option<Simulator>,
    /// Where to save the simulator's state after the command.
    state_file: Option<PathBuf>,
    /// Held while the state file is in use.
    _lock: Option<StateLock>,
}

/// An exclusive claim on a state file: `FILE.lock`, created with
/// `create_new` and holding our process id, removed when dropped. A lock left
/// by a process that no longer runs (killed) is taken over.
#[derive(Debug)]
pub(crate) struct StateLock {
    path: PathBuf,
}

impl StateLock {
    /// Claims `state`'s lock, or explains who holds it.
    pub(crate) fn acquire(state: &Path) -> CliResult<Self> {
        let mut name = state.as_os_str().to_owned();
        name.push(".lock");
        let path = PathBuf::from(name);
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    use std::io::Write;
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(Self { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path)
                        .ok()
                        .and_then(|t| t.trim().parse::<u32>().ok());
                    if holder.is_some_and(|pid| !process_alive(pid)) {
                        // Left by a killed process: take it over.
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    return Err(CliError::Usage(format!(
                        "{} is in use by another tm process{} (lock {}); nothing was done. If no tm is running, delete the lock file.",
                        state.display(),
                        holder.map(|p| format!(" (pid {p})")).unwrap_or_default(),
                        path.display()
                    )));
                }
                Err(e) => {
                    return Err(CliError::Usage(format!(
                        "cannot lock the simulator state {}: {e}",
                        state.display()
                    )))
                }
            }
        }
        Err(CliError::Usage(format!(
            "cannot lock the simulator state {}: the lock keeps changing hands",
            state.display()
        )))
    }
}

impl Drop for StateLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// True when process `pid` runs (Linux: `/proc/PID` exists; elsewhere assumed).
fn process_alive(pid: u32) -> bool {
    let proc_dir = Path::new("/proc");
    if proc_dir.join("self").exists() {
        proc_dir.join(pid.to_string()).exists()
    } else {
        true
    }
}

impl Backend {
    /// Builds the backend from the global options.
    pub(crate) fn new(g: &Global, force_mock: bool) -> CliResult<Self> {
        if g.uses_mock() || force_mock {
            return Self::mock(g);
        }
        let Some(key) = g.api_key.as_deref() else {
            return Err(CliError::Usage(
                "no API key: pass --api-key or set TRACKINGMORE_API_KEY (or try --mock)".into(),
            ));
        };
        let key = ApiKey::new(key).map_err(|e| CliError::Usage(e.to_string()))?;
        let mut builder = tm_http::HttpTransport::builder(key).timeout(g.timeout);
        if g.timeout < tm_http::DEFAULT_CONNECT_TIMEOUT {
            builder = builder.connect_timeout(g.timeout);
        }
        let base = g
            .base_url
            .clone()
            .unwrap_or_else(|| tm_core::DEFAULT_BASE_URL.to_owned());
        builder = builder.base_url(base.clone());
        let transport = builder
            .build()
            .map_err(|e| CliError::Usage(e.to_string()))?;
        if g.verbose {
            eprintln!(
                "tm: API {base}, key set (hidden), timeout {:?}, max retries {}, client rate limits {}",
                g.timeout,
                g.max_retries,
                match g.limit_mode() {
                    RateLimitMode::Auto => "auto (v2 for TrackingMore's host, learned from 429)",
                    RateLimitMode::V2 => "v2 (plus learned from 429)",
                    RateLimitMode::Off => "off",
                }
            );
        }
        let mut cb = client_builder(transport, g)?.max_retries(g.max_retries);
        match g.limit_mode() {
            RateLimitMode::Auto => {}
            RateLimitMode::V2 => cb = cb.rate_limits(Some(tm_core::RateLimits::V2)),
            RateLimitMode::Off => cb = cb.unlimited(),
        }
        Ok(Self {
            client: cb.build(),
            sim: None,
            state_file: None,
            _lock: None,
        })
    }

    fn mock(g: &Global) -> CliResult<Self> {
        // The lock is taken before the state is read, so two processes never
        // start from the same state and overwrite each other's work.
        let lock = g
            .mock_state
            .as_deref()
            .map(StateLock::acquire)
            .transpose()?;
        let sim = match &g.mock_state {
            Some(path) if path.exists() => load_state(path)?,
            _ => Simulator::new(SimConfig::default()),
        };
        let key = g.api_key.as_deref().unwrap_or(MOCK_DEFAULT_KEY);
        let key = ApiKey::new(key).map_err(|e| CliError::Usage(e.to_string()))?;
        if g.verbose {
            eprintln!(
                "tm: in-process simulator at simulated time {}, state file {}",
                sim.now().to_rfc3339(),
                g.mock_state
                    .as_deref()
                    .map_or("none".to_owned(), |p| p.display().to_string())
            );
        }
        let client = client_builder(sim.transport(key), g)?
            .max_retries(g.max_retries)
            .rate_limits(None)
            .build();
        Ok(Self {
            client,
            sim: Some(sim),
            state_file: g.mock_state.clone(),
            _lock: lock,
        })
    }

    /// Moves the simulated clock forward (no-op without the simulator).
    pub(crate) fn advance(&self, by: Duration) -> bool {
        match &self.sim {
            Some(sim) => {
                sim.advance(by);
                true
            }
            None => false,
        }
    }

    /// Saves the simulator's state to the state file, if any.
    pub(crate) fn save(&self) -> CliResult {
        if let (Some(sim), Some(path)) = (&self.sim, &self.state_file) {
            let bytes = sim.snapshot();
            write_atomically(path, &bytes).map_err(|e| {
                CliError::Runtime(format!(
                    "cannot save the simulator state to {}: {e}",
                    path.display()
                ))
            })?;
        }
        Ok(())
    }
}

/// A client builder over `transport`, recording to `--record FILE` when given.
fn client_builder(transport: impl Transport + 'static, g: &Global) -> CliResult<ClientBuilder> {
    let Some(path) = &g.record else {
        return Ok(Client::builder(transport));
    };
    let recorder = RecordingTransport::create(transport, path).map_err(|e| {
        CliError::Runtime(format!(
            "cannot create the cassette {}: {e}",
            path.display()
        ))
    })?;
    if g.verbose {
        eprintln!("tm: recording every exchange to {}", path.display());
    }
    let transport: Arc<dyn Transport> = Arc::new(recorder);
    Ok(Client::builder_arc(transport))
}

fn load_state(path: &Path) -> CliResult<Simulator> {
    let bytes = std::fs::read(path).map_err(|e| {
        CliError::Usage(format!(
            "cannot read the simulator state {}: {e}",
            path.display()
        ))
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        // Never start over silently: the file may have been truncated.
        return Err(CliError::Usage(format!(
            "{} is empty, not a simulator state file (it was left as it is; delete it to start afresh)",
            path.display()
        )));
    }
    Simulator::restore(&bytes).map_err(|e| {
        CliError::Usage(format!(
            "{} is not a simulator state file: {e}",
            path.display()
        ))
    })
}

/// Writes `bytes` to `path` through a uniquely named temporary file in the
/// same folder, synced, then renamed over `path`: readers see the old or the
/// new content, never a mix, and concurrent writers never share a temp file.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let base = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!(".{base}.{}.{nanos}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `POST /_mock/clock`: moves the simulated clock of a tm-mock server (an
/// admin call of the simulator, not part of the TrackingMore API). A server
/// started with an admin token needs it: it is read from
/// `TM_MOCK_ADMIN_TOKEN` and sent as a Bearer header marked sensitive.
#[derive(Clone)]
pub(crate) struct AdvanceServerClock {
    /// Seconds to move forward.
    pub(crate) seconds: u64,
    /// The server's admin token, if it has one.
    pub(crate) admin_token: Option<String>,
}

impl std::fmt::Debug for AdvanceServerClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdvanceServerClock")
            .field("seconds", &self.seconds)
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl AdvanceServerClock {
    /// Moves by `seconds`, with the admin token from `TM_MOCK_ADMIN_TOKEN` if set.
    pub(crate) fn from_env(seconds: u64) -> Self {
        Self {
            seconds,
            admin_token: std::env::var("TM_MOCK_ADMIN_TOKEN")
                .ok()
                .filter(|t| !t.is_empty()),
        }
    }
}

impl tm_core::Endpoint for AdvanceServerClock {
    type Response = serde_json::Value;

    fn method(&self) -> http::Method {
        http::Method::POST
    }

    fn path(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed("/_mock/clock")
    }

    fn headers(&self) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        let value = self
            .admin_token
            .as_ref()
            .and_then(|t| http::HeaderValue::from_str(&format!("Bearer {t}")).ok());
        if let Some(mut value) = value {
            // Never shown by Debug (requests are printed in some errors).
            value.set_sensitive(true);
            headers.insert(http::header::AUTHORIZATION, value);
        }
        headers
    }

    fn body(&self) -> Result<Option<bytes::Bytes>, tm_core::Error> {
        let body = serde_json::json!({ "advance_seconds": self.seconds });
        Ok(Some(bytes::Bytes::from(body.to_string())))
    }
}
