//! `tm-mock`: the TrackingMore v2 simulator as a stand-alone HTTP server.
//!
//! ```text
//! tm-mock serve --addr 127.0.0.1:0 [--key KEY ...] [--credits N] [--seed N] [--rate-limits on|off]
//! ```
//!
//! Prints its base URL (`http://127.0.0.1:PORT/v2`) as the first line on stdout,
//! then serves until SIGINT or SIGTERM and exits with status 0.

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
    let Command::Serve(args) = cli.command;
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
        for url in &args.webhooks {
            if let Err(e) = sim.add_webhook(url, &[], None) {
                eprintln!("tm-mock: --webhook {url}: {e}");
                return std::process::ExitCode::FAILURE;
            }
        }
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
