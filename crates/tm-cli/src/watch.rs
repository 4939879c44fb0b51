//! `tm watch` and `tm demo`: commands that move time.

use std::io::Write;
use std::time::Duration;

use serde_json::json;
use tm_core::endpoints::trackings::{CreateTracking, GetStatusCounts, GetTracking, ListTrackings};
use tm_core::models::NewTracking;
use tm_core::ApiErrorKind;

use crate::backend::{AdvanceServerClock, Backend};
use crate::bulk::{create_rows, ImportSummary};
use crate::cli::{FileFormat, Key, OutputFormat};
use crate::error::{CliError, CliResult};
use crate::input;
use crate::output::{counts_cells, counts_table, opt, tracking_table, Rendered, Table};

/// The sample shipments shipped with the repository (examples/shipments.csv).
pub(crate) const SAMPLE_SHIPMENTS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/shipments.csv"
));

/// `1d 6h`, `6h`, `30m`, `45s`.
pub(crate) fn fmt_duration(d: Duration) -> String {
    let s = d.as_secs();
    let (days, hours, mins, secs) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days}d"));
    }
    if hours > 0 {
        parts.push(format!("{hours}h"));
    }
    if mins > 0 {
        parts.push(format!("{mins}m"));
    }
    if secs > 0 || parts.is_empty() {
        parts.push(format!("{secs}s"));
    }
    parts.join(" ")
}

const WATCH_COLUMNS: &[&str] = &[
    "poll",
    "elapsed",
    "status",
    "substatus",
    "last_update_time",
    "last_event",
];

/// One CSV record as bytes.
fn csv_line<I, T>(cells: I) -> CliResult<Vec<u8>>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(cells)?;
    w.into_inner()
        .map_err(|e| CliError::Runtime(format!("CSV error: {e}")))
}

/// Options of `tm watch`.
#[derive(Debug, Clone)]
pub(crate) struct WatchOptions {
    /// Simulated time per poll (simulator).
    pub(crate) step: Duration,
    /// Real time per poll (network).
    pub(crate) interval: Duration,
    /// Most polls.
    pub(crate) max_polls: u32,
    /// Create the tracking first.
    pub(crate) create: bool,
    /// Advance a tm-mock server's clock instead of waiting.
    pub(crate) server_clock: bool,
}

/// `tm watch`: polls until a final status, printing one line per poll.
pub(crate) async fn watch(
    backend: &Backend,
    key: Key,
    opts: WatchOptions,
    format: OutputFormat,
    out: &mut dyn Write,
) -> CliResult {
    let c = &backend.client;
    if opts.create {
        let t = NewTracking::new(key.carrier_code.clone(), key.tracking_number.clone());
        match c.execute(&CreateTracking::new(t)?).await {
            Ok(_) => {}
            Err(e) if e.api_kind() == Some(ApiErrorKind::AlreadyExists) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let ep = GetTracking::new(key.carrier_code.clone(), key.tracking_number.clone())?;
    let per_poll = if backend.sim.is_some() || opts.server_clock {
        opts.step
    } else {
        opts.interval
    };
    if format == OutputFormat::Csv {
        out.write_all(&csv_line(WATCH_COLUMNS)?)?;
    }
    if format == OutputFormat::Table {
        writeln!(
            out,
            "{:<5} {:<10} {:<12} {:<15} {:<20} last_event",
            "poll", "elapsed", "status", "substatus", "last_update_time"
        )?;
    }
    let mut elapsed = Duration::ZERO;
    let mut last = String::new();
    for poll in 1..=opts.max_polls.max(1) {
        let t = c.execute(&ep).await?;
        let row = vec![
            poll.to_string(),
            fmt_duration(elapsed),
            t.status.to_string(),
            opt(&t.substatus),
            opt(&t.last_update_time),
            opt(&t.last_event),
        ];
        match format {
            OutputFormat::Table => writeln!(
                out,
                "{:<5} {:<10} {:<12} {:<15} {:<20} {}",
                row[0], row[1], row[2], row[3], row[4], row[5]
            )?,
            OutputFormat::Json => {
                let line = json!({
                    "poll": poll,
                    "elapsed_seconds": elapsed.as_secs(),
                    "tracking": t,
                });
                serde_json::to_writer(&mut *out, &line)?;
                writeln!(out)?;
            }
            OutputFormat::Csv => out.write_all(&csv_line(&row)?)?,
        }
        out.flush()?;
        last = t.status.to_string();
        if t.status.is_final() {
            return Ok(());
        }
        if poll < opts.max_polls {
            if opts.server_clock {
                c.execute(&AdvanceServerClock::from_env(per_poll.as_secs()))
                    .await?;
            } else if !backend.advance(per_poll) {
                c.sleep(per_poll).await;
            }
            elapsed += per_poll;
        }
    }
    Err(CliError::Runtime(format!(
        "gave up after {} polls: {}:{} is still {last} (not delivered, expired or exception)",
        opts.max_polls, key.carrier_code, key.tracking_number
    )))
}

/// `tm demo`: imports the sample shipments into the simulator, advances its
/// clock step by step, and prints a status timeline, the trackings and the
/// status counts.
pub(crate) async fn demo(
    backend: &Backend,
    days: u32,
    step: Duration,
    file: Option<&std::path::Path>,
) -> CliResult<Rendered> {
    let Some(sim) = &backend.sim else {
        return Err(CliError::Usage("demo runs on the simulator".into()));
    };
    let c = &backend.client;
    let input = match file {
        Some(p) => input::read_path(p, None)?,
        None => input::read_from(
            "examples/shipments.csv".into(),
            SAMPLE_SHIPMENTS.as_bytes(),
            FileFormat::Csv,
        )?,
    };
    input.require_columns(input::REQUIRED_COLUMNS)?;
    let rows = input.parse(input::to_new_tracking);
    let results = create_rows(c, rows, tm_core::batch::BatchOptions::default()).await;
    let summary = ImportSummary::of_rows(&results);
    let import_table = summary
        .table()
        .titled(format!("Imported {} into the simulator", input.name));

    let step = if step.is_zero() {
        Duration::from_secs(86_400)
    } else {
        step
    };
    let total = Duration::from_secs(u64::from(days) * 86_400);
    let steps = total.as_secs().div_ceil(step.as_secs().max(1));
    let mut timeline = Table::new(&[
        "elapsed",
        "simulated_time",
        "pending",
        "notfound",
        "transit",
        "pickup",
        "delivered",
        "undelivered",
        "exception",
        "expired",
        "total",
    ])
    .titled(format!(
        "Status counts while the simulated clock advances {} in steps of {}",
        fmt_duration(total),
        fmt_duration(step)
    ));
    let mut timeline_json = Vec::new();
    let mut elapsed = Duration::ZERO;
    for i in 0..=steps {
        if i > 0 {
            let by = step.min(total.saturating_sub(elapsed));
            sim.advance(by);
            elapsed += by;
        }
        let counts = c.execute(&GetStatusCounts::new()).await?;
        let mut row = vec![fmt_duration(elapsed), sim.now().to_rfc3339()];
        row.extend(counts_cells(&counts));
        timeline.push(row);
        timeline_json.push(json!({
            "elapsed_seconds": elapsed.as_secs(),
            "simulated_time": sim.now().to_rfc3339(),
            "status_counts": counts,
        }));
    }

    let mut trackings = Vec::new();
    let mut pager = c.pager(ListTrackings::new().limit(2000)?);
    while let Some(page) = pager.next_page().await? {
        trackings.extend(page.items);
    }
    trackings.sort_by(|a, b| {
        (a.status.clone(), &a.carrier_code, &a.tracking_number).cmp(&(
            b.status.clone(),
            &b.carrier_code,
            &b.tracking_number,
        ))
    });
    let counts = c.execute(&GetStatusCounts::new()).await?;
    let json = json!({
        "import": summary,
        "timeline": timeline_json,
        "trackings": trackings,
        "status_counts": counts,
    });
    let tracking_tbl = tracking_table(&trackings).titled(format!(
        "Trackings after {} (simulated time {})",
        fmt_duration(elapsed),
        sim.now().to_rfc3339()
    ));
    Ok(Rendered {
        json,
        tables: vec![
            import_table,
            timeline,
            tracking_tbl,
            counts_table(&counts).titled("Status counts"),
        ],
        csv_table: 2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_compactly() {
        assert_eq!(fmt_duration(Duration::ZERO), "0s");
        assert_eq!(fmt_duration(Duration::from_secs(6 * 3600)), "6h");
        assert_eq!(fmt_duration(Duration::from_secs(86_400 + 3600)), "1d 1h");
    }

    #[test]
    fn sample_file_is_valid() {
        let f = input::read_from(
            "sample".into(),
            SAMPLE_SHIPMENTS.as_bytes(),
            FileFormat::Csv,
        )
        .unwrap();
        f.require_columns(input::REQUIRED_COLUMNS).unwrap();
        let rows = f.parse(input::to_new_tracking);
        assert!(rows.len() >= 40, "{} rows", rows.len());
        for r in &rows {
            assert!(r.item.is_ok(), "line {}: {:?}", r.line, r.item);
        }
    }
}
