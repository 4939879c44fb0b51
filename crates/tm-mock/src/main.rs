//! `tm-mock`: the TrackingMore v2 simulator as a stand-alone HTTP server.
//!
//! ```text
//! tm-mock serve --addr 127.0.0.1:0 [--key KEY ...] [--credits N] [--seed N] [--rate-limits on|off]
//!               [--admin-token TOKEN] [--header-timeout S] [--idle-timeout S] [--max-connections N]
//! ```
//!
//! Prints its base URL (`http://127.0.0.1:PORT/v2`) as the first line on stdout,
//! then serves until SIGINT or SIGTERM and exits with status 0. Refuses to
//! start (status 2, saying why) on a non-loopback address without an admin
//! token.
//!
//! ```text
//! tm-mock check-cassette FILE [--seed N] [--json]
//! ```
//!
//! Replays a recorded cassette's requests against a fresh simulator and reports, call by
//! call, where the answers differ in shape; exits 0 when none does, 1 when some do, 2 when
//! the cassette cannot be read.

use std::io::Write;
use std::net::SocketAddr;

use clap::{Parser, Subcommand, ValueEnum};
use tm_mock::{ServeOptions, SimConfig, Simulator, DEFAULT_CREDITS};

#[derive(Parser)]
#[command(
    name = "tm-mock",
    version,
    about = "Stateful simulator of the TrackingMore v2 API"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the simulator over HTTP.
    Serve(ServeArgs),
    /// Replay a cassette (`tm --record`, `Client(record=...)`) against a fresh simulator and
    /// report where its answers differ in shape (status, meta.code, fields, types).
    CheckCassette(CheckArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The cassette (JSON lines).
    file: std::path::PathBuf,
    /// Seed of the fresh simulator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    json: bool,
}

fn check_cassette(args: &CheckArgs) -> std::process::ExitCode {
    let interactions = match tm_core::cassette::read_cassette(&args.file) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("tm-mock: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let report = tm_mock::check_cassette(
        &interactions,
        SimConfig {
            seed: args.seed,
            ..SimConfig::default()
        },
    );
    let text = if args.json {
        serde_json::to_string_pretty(&report).unwrap_or_default()
    } else {
        report.to_string()
    };
    println!("{text}");
    if report.differing() == 0 {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(1)
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[derive(clap::Args)]
#[command(after_help = "\
WARNING: the /_mock admin API (clock, faults, accounts, journal, reset) can mint valid keys, \
reset every account and read every request. Without --admin-token it is open to anyone who \
can reach the port, so tm-mock refuses to listen on anything but a loopback address without \
one. With a token, every /_mock request needs `Authorization: Bearer TOKEN` (else HTTP 401).")]
struct ServeArgs {
    /// Address to listen on (port 0 picks a free port). A non-loopback address
    /// needs --admin-token.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// Token required as `Authorization: Bearer TOKEN` on every /_mock admin
    /// request. Prefer the environment variable: arguments are visible to
    /// other local users.
    #[arg(long, env = "TM_MOCK_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Seconds a connection may take to send a request's headers (from
    /// connecting, or from its previous answer).
    #[arg(long = "header-timeout", default_value_t = tm_mock::DEFAULT_HEADER_READ_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_timeout: u64,
    /// Seconds a connection may stay idle (nothing sent or read, no request
    /// being answered) before it is closed.
    #[arg(long = "idle-timeout", default_value_t = tm_mock::DEFAULT_IDLE_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=86_400))]
    idle_timeout: u64,
    /// Most connections served at once; more wait in the listen backlog.
    #[arg(long = "max-connections", default_value_t = tm_mock::DEFAULT_MAX_CONNECTIONS as u64, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_connections: u64,
    /// Accepted API key (repeatable). Without any, every non-empty key gets its own account.
    #[arg(long = "key")]
    keys: Vec<String>,
    /// Starting credits of each account.
    #[arg(long, default_value_t = DEFAULT_CREDITS)]
    credits: f64,
    /// Seed of routes, ids and faults.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Per-key rate limits.
    #[arg(long = "rate-limits", value_enum, default_value = "on")]
    rate_limits: OnOff,
    /// Webhook URL for every account (repeatable, at most 4): deliveries signed with each
    /// account's getuserinfo e-mail, sent as the simulated clock moves.
    #[arg(long = "webhook", value_name = "URL")]
    webhooks: Vec<String>,
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Command::Serve(args) => args,
        Command::CheckCassette(args) => return check_cassette(&args),
    };
    let config = SimConfig {
        seed: args.seed,
        credits: args.credits,
        rate_limits: matches!(args.rate_limits, OnOff::On),
        keys: if args.keys.is_empty() {
            None
        } else {
            Some(args.keys)
        },
        ..SimConfig::default()
    };
    let mut options = ServeOptions::default()
        .header_read_timeout(std::time::Duration::from_secs(args.header_timeout))
        .idle_timeout(std::time::Duration::from_secs(args.idle_timeout))
        .max_connections(usize::try_from(args.max_connections).unwrap_or(usize::MAX));
    if let Some(token) = args.admin_token {
        options = options.admin_token(token);
    }
    // Refused before anything starts: exit status 2, like a usage error.
    if let Err(e) = options.check(args.addr) {
        eprintln!("tm-mock: {e}");
        return std::process::ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tm-mock: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let sim = Simulator::new(config);
        for url in &args.webhooks {
            if let Err(e) = sim.add_webhook(url, &[], None) {
                eprintln!("tm-mock: --webhook {url}: {e}");
                return std::process::ExitCode::FAILURE;
            }
        }
        let handle = match tm_mock::serve_with(sim, args.addr, options).await {
            Ok(h) => h,
            Err(e) => {
                eprintln!("tm-mock: cannot listen on {}: {e}", args.addr);
                return std::process::ExitCode::FAILURE;
            }
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", handle.url());
        let _ = out.flush();
        drop(out);
        wait_for_signal().await;
        handle.shutdown().await;
        std::process::ExitCode::SUCCESS
    })
}
