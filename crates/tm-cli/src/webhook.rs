//! `tm webhook verify` and `tm webhook listen`: check TrackingMore v2 deliveries from the
//! shell, or receive them locally (verify, print, forward byte-for-byte), like `stripe listen`.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use clap::{Args, Subcommand};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tm_core::webhook::{self, Tolerance, WebhookError, WebhookEvent, DEFAULT_TOLERANCE_SECS};
use tokio::sync::Notify;

use crate::cli::OutputFormat;
use crate::error::{CliError, CliResult};

/// Largest delivery body accepted by `listen` (a tracking with many checkpoints is ~100 KiB).
const MAX_BODY: usize = 8 * 1024 * 1024;

/// `tm webhook …`.
#[derive(Debug, Args)]
pub(crate) struct WebhookArgs {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: WebhookCommand,
}

/// Key and time options shared by `verify` and `listen`.
#[derive(Debug, Clone, Args)]
pub(crate) struct VerifyOptions {
    /// The account e-mail as getuserinfo reports it (the signing key). Repeat it to accept
    /// several (an e-mail change in flight).
    #[arg(long, required = true, value_name = "E")]
    pub(crate) email: Vec<String>,
    /// Seconds timeStr may be away from now; 0 = no time check (the signature is always checked).
    #[arg(long, default_value_t = DEFAULT_TOLERANCE_SECS, value_name = "SECONDS")]
    pub(crate) tolerance: u64,
    /// Verify as of this Unix time instead of the system clock (e.g. a simulator's clock).
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub(crate) now: Option<i64>,
}

impl VerifyOptions {
    fn verify(&self, body: &[u8]) -> Result<WebhookEvent, WebhookError> {
        let now = self.now.unwrap_or_else(unix_now);
        let tolerance = Tolerance::from_secs_or_unchecked(self.tolerance);
        webhook::verify(body, &self.email, now, tolerance)
    }
}

/// The webhook subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum WebhookCommand {
    /// Verify one delivery body (exit 0 valid, 1 invalid with the reason on stderr).
    Verify {
        /// Keys and time.
        #[command(flatten)]
        options: VerifyOptions,
        /// The raw body: a file, or - for stdin.
        #[arg(value_name = "FILE|-")]
        file: String,
    },
    /// Receive deliveries on a local address: verify each (2xx valid, 400 invalid), print one
    /// line per event, and optionally forward verified bodies byte-for-byte.
    Listen {
        /// Address to listen on (port 0: any free port; the bound address goes to stderr).
        #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
        addr: SocketAddr,
        /// Keys and time.
        #[command(flatten)]
        options: VerifyOptions,
        /// POST every verified body, unchanged, to this URL. The sender gets 502 when it does
        /// not answer 2xx, so the sender retries.
        #[arg(long, value_name = "URL")]
        forward_to: Option<String>,
        /// Stop after this many verified events (default: run until Ctrl-C).
        #[arg(long, value_name = "N")]
        max_events: Option<u64>,
        /// Verify against a tm-mock server's simulated clock, read from its `GET /_mock/clock`
        /// for every delivery (e.g. http://127.0.0.1:PORT), instead of the system clock.
        #[arg(long, value_name = "URL", conflicts_with = "now")]
        mock_clock: Option<String>,
    },
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Runs a webhook subcommand (no API key or backend involved).
pub(crate) async fn run(args: WebhookArgs, output: OutputFormat) -> CliResult {
    if output == OutputFormat::Csv {
        return Err(CliError::Usage(
            "tm webhook prints table or json (-o table|json)".into(),
        ));
    }
    match args.command {
        WebhookCommand::Verify { options, file } => verify_file(&options, &file, output),
        WebhookCommand::Listen {
            addr,
            options,
            forward_to,
            max_events,
            mock_clock,
        } => {
            let opts = ListenOptions {
                forward_to,
                max_events,
                mock_clock,
            };
            listen(addr, options, opts, output).await
        }
    }
}

fn verify_file(options: &VerifyOptions, file: &str, output: OutputFormat) -> CliResult {
    let mut body = Vec::new();
    if file == "-" {
        std::io::stdin().lock().read_to_end(&mut body)?;
    } else {
        body =
            std::fs::read(file).map_err(|e| CliError::Usage(format!("cannot read {file}: {e}")))?;
    }
    match options.verify(&body) {
        Ok(event) => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            writeln!(out, "{}", event_line(&event, output))?;
            Ok(())
        }
        Err(e) => Err(CliError::Runtime(format!(
            "invalid webhook ({}): {e}",
            e.kind()
        ))),
    }
}

/// One line per event: time, carrier, number, status, substatus, last event.
fn event_line(event: &WebhookEvent, output: OutputFormat) -> String {
    let t = &event.tracking;
    let time = chrono::DateTime::from_timestamp(event.time_str(), 0)
        .map_or_else(|| event.time_str().to_string(), |d| d.to_rfc3339());
    let substatus = t.substatus.as_ref().map(ToString::to_string);
    let last_event = t.last_event.clone().unwrap_or_default();
    match output {
        OutputFormat::Json => serde_json::json!({
            "time": time,
            "time_str": event.time_str(),
            "carrier_code": t.carrier_code,
            "tracking_number": t.tracking_number,
            "status": t.status.to_string(),
            "substatus": substatus,
            "last_event": last_event,
        })
        .to_string(),
        _ => format!(
            "{time}  {}  {}  {}  {}  {}",
            t.carrier_code,
            t.tracking_number,
            t.status,
            substatus.as_deref().unwrap_or("-"),
            if last_event.is_empty() {
                "-"
            } else {
                &last_event
            }
        ),
    }
}

/// `listen`'s options beyond the address and keys.
struct ListenOptions {
    forward_to: Option<String>,
    max_events: Option<u64>,
    mock_clock: Option<String>,
}

struct Listener {
    options: VerifyOptions,
    mock_clock: Option<String>,
    forward_to: Option<String>,
    http: reqwest::Client,
    output: OutputFormat,
    events: AtomicU64,
    max_events: Option<u64>,
    done: Notify,
}

async fn listen(
    addr: SocketAddr,
    options: VerifyOptions,
    opts: ListenOptions,
    output: OutputFormat,
) -> CliResult {
    let ListenOptions {
        forward_to,
        max_events,
        mock_clock,
    } = opts;
    let socket = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| CliError::Runtime(format!("cannot listen on {addr}: {e}")))?;
    let bound = socket.local_addr()?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .map_err(|e| CliError::Runtime(format!("cannot build the forwarding client: {e}")))?;
    let state = Arc::new(Listener {
        options,
        mock_clock: mock_clock.map(|u| {
            let base = u.trim_end_matches('/').trim_end_matches("/v2");
            format!("{base}/_mock/clock")
        }),
        forward_to,
        http,
        output,
        events: AtomicU64::new(0),
        max_events,
        done: Notify::new(),
    });
    eprintln!("tm: listening on http://{bound}");
    loop {
        tokio::select! {
            accepted = socket.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let state = Arc::clone(&state);
                tokio::spawn(async move {
                    let svc = service_fn(move |req| {
                        let state = Arc::clone(&state);
                        async move { Ok::<_, std::convert::Infallible>(state.handle(req).await) }
                    });
                    // A broken connection only concerns that delivery.
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
                });
            }
            () = state.done.notified() => return Ok(()),
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

fn reply(status: StatusCode, body: serde_json::Value) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    resp
}

impl Listener {
    async fn handle(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        if req.method() != Method::POST {
            return reply(
                StatusCode::METHOD_NOT_ALLOWED,
                serde_json::json!({"error": "webhooks are delivered with POST"}),
            );
        }
        let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) => {
                eprintln!("tm: rejected a delivery: cannot read the body: {e}");
                return reply(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    serde_json::json!({"error": "body_unreadable"}),
                );
            }
        };
        let verified = match &self.mock_clock {
            None => self.options.verify(&body),
            Some(url) => match self.simulated_now(url).await {
                Ok(now) => VerifyOptions {
                    now: Some(now),
                    ..self.options.clone()
                }
                .verify(&body),
                Err(why) => {
                    eprintln!("tm: cannot read the simulated clock at {url}: {why}");
                    return reply(
                        StatusCode::SERVICE_UNAVAILABLE,
                        serde_json::json!({"error": "clock_unavailable"}),
                    );
                }
            },
        };
        let event = match verified {
            Ok(event) => event,
            Err(e) => {
                eprintln!("tm: rejected a delivery ({}): {e}", e.kind());
                return reply(
                    StatusCode::BAD_REQUEST,
                    serde_json::json!({"error": e.kind(), "message": e.to_string()}),
                );
            }
        };
        if let Some(url) = &self.forward_to {
            if let Err(why) = self.forward(url, body).await {
                eprintln!("tm: verified delivery not forwarded to {url}: {why}");
                return reply(
                    StatusCode::BAD_GATEWAY,
                    serde_json::json!({"error": "forward_failed", "message": why}),
                );
            }
        }
        {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let _ = writeln!(out, "{}", event_line(&event, self.output));
            let _ = out.flush();
        }
        let seen = self.events.fetch_add(1, Ordering::SeqCst) + 1;
        if self.max_events.is_some_and(|max| seen >= max) {
            self.done.notify_one();
        }
        reply(StatusCode::OK, serde_json::json!({"ok": true}))
    }

    /// `GET /_mock/clock` of a tm-mock server: its simulated Unix time.
    async fn simulated_now(&self, url: &str) -> Result<i64, String> {
        let resp = self.http.get(url).send().await.map_err(|e| e.to_string())?;
        let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
        let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        v["data"]["unix"]
            .as_i64()
            .ok_or_else(|| "no data.unix in the answer".to_owned())
    }

    /// POSTs the body exactly as received (bytes, not re-serialized JSON).
    async fn forward(&self, url: &str, body: Bytes) -> Result<(), String> {
        let resp = self
            .http
            .post(url)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| format!("no answer ({e})"))?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(format!("it answered {}", resp.status()))
        }
    }
}
