//! `tm-mock`: the TrackingMore v2 simulator as a stand-alone HTTP server.
//!
//! ```text
//! tm-mock serve --addr 127.0.0.1:0 [--key KEY ...] [--credits N] [--seed N] [--rate-limits on|off]
//! ```
//!
//! Prints its base URL (`http://127.0.0.1:PORT/v2`) as the first line on stdout,
//! then serves until SIGINT or SIGTERM and exits with status 0.
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
use tm_mock::{SimConfig, Simulator, DEFAULT_CREDITS};

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
struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
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
        let handle = match tm_mock::serve(sim, args.addr).await {
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
