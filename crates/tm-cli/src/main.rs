//! `tm`: the command-line tool of the tm workspace.
//!
//! Every TrackingMore v2 call as a subcommand, bulk import with progress and
//! per-row outcomes, export, watch, and a built-in simulator (`--mock`).
//! Data goes to stdout (table, JSON or CSV); errors go to stderr in plain
//! words. Exit codes: 0 success, 1 API error, 2 usage error, 3 partial failure
//! in a bulk command.

mod backend;
mod bulk;
mod cli;
mod commands;
mod error;
mod input;
mod output;
mod resume;
mod watch;
mod webhook;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use tm_core::models::RealtimeQuery;

use crate::backend::Backend;
use crate::bulk::RefsOp;
use crate::cli::{Cli, Command, Global};
use crate::error::{CliError, CliResult, EXIT_API, EXIT_OK};
use crate::output::Rendered;
use crate::watch::WatchOptions;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with status 2.
    let cli = Cli::parse();
    let secret = cli.global.api_key.clone();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tm: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_API);
        }
    };
    let code = match runtime.block_on(run(cli)) {
        Ok(()) | Err(CliError::BrokenPipe) => EXIT_OK,
        Err(e) => {
            eprintln!("tm: {}", redact(&e.to_string(), secret.as_deref()));
            e.exit_code()
        }
    };
    ExitCode::from(code)
}

/// Removes the API key from a message, should any part of the stack echo it.
fn redact(message: &str, secret: Option<&str>) -> String {
    match secret {
        Some(k) if k.len() >= 4 => message.replace(k, "** redacted **"),
        _ => message.to_owned(),
    }
}

async fn run(cli: Cli) -> CliResult {
    let g = cli.global;
    // Webhook commands need no API key and no backend.
    if let Command::Webhook(args) = cli.command {
        return webhook::run(args, g.output).await;
    }
    let demo = matches!(cli.command, Command::Demo { .. });
    if demo && g.base_url.is_some() {
        return Err(CliError::Usage(
            "demo runs on the in-process simulator; drop --base-url".into(),
        ));
    }
    let backend = Backend::new(&g, demo)?;
    let result = dispatch(&backend, cli.command, &g).await;
    let saved = backend.save();
    result.and(saved)
}

fn print(g: &Global, rendered: &Rendered) -> CliResult {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    rendered.print(g.output, &mut out)
}

/// Prints a bulk command's data, then returns its status.
fn print_bulk(g: &Global, (rendered, status): (Rendered, CliResult)) -> CliResult {
    print(g, &rendered)?;
    status
}

async fn dispatch(b: &Backend, command: Command, g: &Global) -> CliResult {
    let c = &b.client;
    let rendered = match command {
        Command::Carriers { lang } => commands::carriers(c, lang).await?,
        Command::Detect { tracking_number } => commands::detect(c, tracking_number).await?,
        Command::Create { key, fields } => commands::create(c, key, fields).await?,
        Command::Get { key, lang } => commands::get(c, key, lang).await?,
        Command::Update { key, fields } => commands::update(c, key, fields).await?,
        Command::Delete { key } => commands::delete(c, key).await?,
        Command::List {
            page,
            limit,
            filter,
        } => commands::list(c, page, limit, filter).await?,
        Command::Realtime {
            key,
            destination_code,
            tracking_ship_date,
            tracking_postal_code,
            tracking_account_number,
            special_number_destination,
            order,
            order_create_time,
            lang,
        } => {
            let q = RealtimeQuery {
                tracking_number: key.tracking_number,
                carrier_code: key.carrier_code,
                destination_code,
                tracking_ship_date,
                tracking_postal_code,
                tracking_account_number,
                special_number_destination,
                order,
                order_create_time,
                lang,
            };
            commands::realtime(c, q).await?
        }
        Command::ChangeCarrier {
            key,
            update_carrier_code,
        } => commands::change_carrier(c, key, update_carrier_code).await?,
        Command::UserInfo => commands::user_info(c).await?,
        Command::StatusCounts { filter } => commands::status_counts(c, filter).await?,
        Command::StopUpdates(args) => {
            return print_bulk(g, bulk::refs_command(c, &args, RefsOp::Stop).await?)
        }
        Command::Remote {
            country,
            postcode,
            company,
        } => commands::remote(c, country, postcode, company).await?,
        Command::TransitTime {
            carrier_code,
            original,
            destination,
        } => commands::transit_time(c, carrier_code, original, destination).await?,
        Command::AirCargo { track_number, lang } => {
            commands::air_cargo(c, track_number, lang).await?
        }
        Command::BatchCreate(args) => return print_bulk(g, bulk::batch_create(c, &args).await?),
        Command::BatchUpdate(args) => return print_bulk(g, bulk::batch_update(c, &args).await?),
        Command::BatchDelete(args) => {
            return print_bulk(g, bulk::refs_command(c, &args, RefsOp::Delete).await?)
        }
        Command::Import {
            file,
            outcomes,
            concurrency,
            chunk_size,
            resume,
        } => {
            let opts = bulk::ImportOptions {
                outcomes: outcomes.as_deref(),
                chunk_size,
                concurrency,
                resume,
            };
            return print_bulk(g, bulk::import(c, &file, opts).await?);
        }
        Command::Export {
            format,
            out,
            page_size,
            filter,
        } => {
            let n = bulk::export(c, format, out.as_deref(), page_size, filter).await?;
            if g.verbose || out.is_some() {
                eprintln!("tm: exported {n} trackings");
            }
            return Ok(());
        }
        Command::Watch {
            key,
            step,
            interval,
            max_polls,
            create,
            server_clock,
        } => {
            let opts = WatchOptions {
                step,
                interval,
                max_polls,
                create,
                server_clock,
            };
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let r = watch::watch(b, key, opts, g.output, &mut out).await;
            out.flush()?;
            return r;
        }
        // Normally handled in `run` before a backend is built; harmless here too.
        Command::Webhook(args) => return webhook::run(args, g.output).await,
        Command::Demo { days, step, file } => watch::demo(b, days, step, file.as_deref()).await?,
    };
    print(g, &rendered)
}
