//! Building the client: the real API over HTTP, or the in-process simulator
//! (optionally loaded from and saved to a state file).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tm_core::cassette::RecordingTransport;
use tm_core::{ApiKey, Client, ClientBuilder, Transport};
use tm_mock::{SimConfig, Simulator};

use crate::cli::Global;
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
                if g.no_rate_limits { "off" } else { "default" }
            );
        }
        let mut cb = client_builder(transport, g)?.max_retries(g.max_retries);
        if g.no_rate_limits {
            cb = cb.rate_limits(None);
        }
        Ok(Self {
            client: cb.build(),
            sim: None,
            state_file: None,
        })
    }

    fn mock(g: &Global) -> CliResult<Self> {
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
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, &bytes)
                .and_then(|()| std::fs::rename(&tmp, path))
                .map_err(|e| {
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
        return Ok(Simulator::new(SimConfig::default()));
    }
    Simulator::restore(&bytes).map_err(|e| {
        CliError::Usage(format!(
            "{} is not a simulator state file: {e}",
            path.display()
        ))
    })
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
