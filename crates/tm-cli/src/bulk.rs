//! Bulk commands: import, export and the batch forms. Every input row gets
//! exactly one outcome, bad rows included (reported by line number).

use std::future::Future;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use futures::stream;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};

use tm_core::batch::{BatchOptions, BatchReport, Outcome, Progress, Settled};
use tm_core::endpoints::trackings::{BatchCreateTrackings, ListTrackings};
use tm_core::models::{NewTracking, TrackingRef};
use tm_core::{ApiErrorKind, Client, MAX_BATCH};

use crate::cli::{FileArgs, FileFormat, ListFilterArgs, RefsArgs};
use crate::commands::list_filter;
use crate::error::{CliError, CliResult};
use crate::input::{self, InputFile, Parsed, CREATE_COLUMNS, REQUIRED_COLUMNS, UPDATE_COLUMNS};
use crate::output::{export_row, Rendered, Table, EXPORT_COLUMNS};
use crate::resume::{OutcomeLog, Previous};

/// Most problem rows listed on stderr; the rest are counted.
const MAX_REPORTED: usize = 20;

/// The outcome of one input row.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RowOutcome {
    /// Line of the row in the input (or position of the argument).
    pub(crate) line: u64,
    /// Tracking number as given.
    pub(crate) tracking_number: String,
    /// Carrier code as given.
    pub(crate) carrier_code: String,
    /// created, already_exists, updated, deleted, stopped, failed, unknown,
    /// not_attempted.
    pub(crate) outcome: String,
    /// Meta code (or HTTP status) of a failure.
    pub(crate) code: Option<i64>,
    /// What went wrong (or a note).
    pub(crate) message: String,
    /// Error class of a failure (not printed in tables).
    #[serde(skip)]
    pub(crate) kind: Option<ApiErrorKind>,
    /// True when the row was refused before sending (bad row).
    #[serde(skip)]
    pub(crate) invalid: bool,
}

impl RowOutcome {
    fn is_failure(&self) -> bool {
        matches!(
            self.outcome.as_str(),
            "failed" | "not_attempted" | "unknown"
        )
    }

    pub(crate) fn cells(&self) -> Vec<String> {
        vec![
            self.line.to_string(),
            self.tracking_number.clone(),
            self.carrier_code.clone(),
            self.outcome.clone(),
            self.code.map(|c| c.to_string()).unwrap_or_default(),
            self.message.clone(),
        ]
    }
}

/// Columns of outcome tables and outcome files.
pub(crate) const OUTCOME_COLUMNS: &[&str] = &[
    "line",
    "tracking_number",
    "carrier_code",
    "outcome",
    "code",
    "message",
];

fn outcome_fields(o: &Outcome) -> (String, Option<i64>, Option<ApiErrorKind>, String) {
    let name = match o {
        Outcome::Created { .. } => "created".to_owned(),
        other => other.as_str().to_owned(),
    };
    match o {
        Outcome::Failed {
            code,
            kind,
            message,
        } => (name, *code, *kind, message.clone()),
        Outcome::NotAttempted { reason } => (name, None, None, reason.clone()),
        Outcome::Unknown { message } => (name, None, None, message.clone()),
        Outcome::Created {
            recovered: true, ..
        } => (
            name,
            None,
            None,
            "created by an attempt whose answer was lost (read back)".into(),
        ),
        Outcome::AlreadyExists => (name, Some(4016), None, "the tracking already exists".into()),
        _ => (name, None, None, String::new()),
    }
}

/// Runs `run` on the usable rows and merges its report with the bad rows, in
/// input order: one outcome per row.
pub(crate) async fn run_rows<T, F, Fut>(rows: Vec<Parsed<T>>, run: F) -> Vec<RowOutcome>
where
    T: Clone,
    F: FnOnce(Vec<T>) -> Fut,
    Fut: Future<Output = BatchReport<T>>,
{
    let mut items = Vec::new();
    let mut slots: Vec<Option<RowOutcome>> = Vec::with_capacity(rows.len());
    let mut positions = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        match &r.item {
            Ok(item) => {
                items.push(item.clone());
                positions.push(i);
                slots.push(None);
            }
            Err(reason) => slots.push(Some(RowOutcome {
                line: r.line,
                tracking_number: r.tracking_number.clone(),
                carrier_code: r.carrier_code.clone(),
                outcome: "failed".into(),
                code: None,
                message: reason.clone(),
                kind: None,
                invalid: true,
            })),
        }
    }
    if !items.is_empty() {
        let report = run(items).await;
        for o in report.outcomes {
            let Some(&pos) = positions.get(o.index) else {
                continue;
            };
            let r = &rows[pos];
            let (outcome, code, kind, message) = outcome_fields(&o.outcome);
            slots[pos] = Some(RowOutcome {
                line: r.line,
                tracking_number: r.tracking_number.clone(),
                carrier_code: r.carrier_code.clone(),
                outcome,
                code,
                message,
                kind,
                invalid: false,
            });
        }
    }
    slots
        .into_iter()
        .zip(rows.iter())
        .map(|(s, r)| {
            s.unwrap_or_else(|| RowOutcome {
                line: r.line,
                tracking_number: r.tracking_number.clone(),
                carrier_code: r.carrier_code.clone(),
                outcome: "not_attempted".into(),
                code: None,
                message: "no outcome was reported for this row".into(),
                kind: None,
                invalid: false,
            })
        })
        .collect()
}

/// Lists failed rows on stderr (at most [`MAX_REPORTED`]).
fn report_problems(source: &str, rows: &[RowOutcome]) {
    let mut shown = 0;
    let failures: Vec<&RowOutcome> = rows.iter().filter(|r| r.is_failure()).collect();
    for r in &failures {
        if shown == MAX_REPORTED {
            break;
        }
        shown += 1;
        let what = if r.invalid {
            "bad row"
        } else {
            r.outcome.as_str()
        };
        let code = r.code.map(|c| format!(" (code {c})")).unwrap_or_default();
        let who = if r.tracking_number.is_empty() {
            String::new()
        } else {
            format!(" {}:{}", r.carrier_code, r.tracking_number)
        };
        eprintln!("{source} line {}{who}: {what}{code}: {}", r.line, r.message);
    }
    if failures.len() > shown {
        eprintln!(
            "… and {} more failed rows (see the outcomes)",
            failures.len() - shown
        );
    }
}

/// Exit status of a bulk command: 0 if every row succeeded; 1 if nothing
/// succeeded because the account was refused (authentication, quota); else 3.
fn bulk_result(rows: &[RowOutcome]) -> CliResult {
    let failed = rows.iter().filter(|r| r.is_failure()).count();
    if failed == 0 {
        return Ok(());
    }
    let unknown = rows.iter().filter(|r| r.outcome == "unknown").count();
    if unknown > 0 {
        eprintln!("tm: {unknown} rows are `unknown`: an attempt may have been applied and reading back could not tell; check them before sending again");
    }
    let succeeded = rows.len() - failed;
    let fatal = rows.iter().find(|r| {
        r.outcome == "not_attempted"
            || matches!(
                r.kind,
                Some(ApiErrorKind::Authentication | ApiErrorKind::QuotaExceeded)
            )
    });
    if succeeded == 0 {
        if let Some(f) = fatal {
            return Err(CliError::Runtime(format!(
                "nothing was done: {}{}",
                f.code.map(|c| format!("code {c}: ")).unwrap_or_default(),
                f.message
            )));
        }
    }
    Err(CliError::Partial(format!(
        "{failed} of {} rows failed",
        rows.len()
    )))
}

fn outcome_table(rows: &[RowOutcome]) -> Table {
    let mut t = Table::new(OUTCOME_COLUMNS);
    for r in rows {
        t.push(r.cells());
    }
    t
}

fn read_items(args: &FileArgs, known: &[&str]) -> CliResult<InputFile> {
    let file = input::read_path(&args.file, args.format)?;
    file.require_columns(REQUIRED_COLUMNS)?;
    warn_unknown(&file, known);
    Ok(file)
}

fn warn_unknown(file: &InputFile, known: &[&str]) {
    let unknown = file.unknown_columns(known);
    if !unknown.is_empty() {
        eprintln!(
            "{}: ignoring column{} {}",
            file.name,
            if unknown.len() > 1 { "s" } else { "" },
            unknown.join(", ")
        );
    }
}

fn progress_bar(len: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len as u64);
    pb.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{bar:40}] {pos}/{len} rows ({per_sec}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    pb
}

/// Counts of an import.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct ImportSummary {
    /// Rows read.
    pub(crate) rows: usize,
    /// Trackings created.
    pub(crate) created: usize,
    /// Trackings that existed already.
    pub(crate) already_existed: usize,
    /// Rows that failed, bad rows included.
    pub(crate) failed: usize,
    /// Of which bad rows (refused before sending).
    pub(crate) invalid_rows: usize,
    /// Rows not sent because the run stopped early.
    pub(crate) not_attempted: usize,
    /// Rows whose create may or may not have been applied (could not be settled).
    pub(crate) unknown: usize,
    /// Rows settled by an earlier run (`--resume`), counted above too.
    pub(crate) from_earlier_run: usize,
}

impl ImportSummary {
    /// Counts the outcomes.
    pub(crate) fn of_rows(rows: &[RowOutcome]) -> Self {
        let mut s = ImportSummary {
            rows: rows.len(),
            ..Default::default()
        };
        for r in rows {
            match r.outcome.as_str() {
                "created" => s.created += 1,
                "already_exists" => s.already_existed += 1,
                "not_attempted" => s.not_attempted += 1,
                "unknown" => s.unknown += 1,
                _ => {
                    s.failed += 1;
                    if r.invalid {
                        s.invalid_rows += 1;
                    }
                }
            }
        }
        s
    }

    /// The summary as a table.
    pub(crate) fn table(&self) -> Table {
        let mut t = Table::new(&[
            "rows",
            "created",
            "already_existed",
            "failed",
            "unknown",
            "not_attempted",
        ]);
        t.push(vec![
            self.rows.to_string(),
            self.created.to_string(),
            self.already_existed.to_string(),
            self.failed.to_string(),
            self.unknown.to_string(),
            self.not_attempted.to_string(),
        ]);
        t
    }
}

/// Creates every usable row with `Client::create_many`, with a progress bar.
pub(crate) async fn create_rows(
    client: &Client,
    rows: Vec<Parsed<NewTracking>>,
    mut options: BatchOptions,
) -> Vec<RowOutcome> {
    let usable = rows.iter().filter(|r| r.item.is_ok()).count();
    let pb = progress_bar(usable);
    let bar = pb.clone();
    options.progress = Some(Arc::new(move |p: &Progress| {
        bar.set_position(p.processed as u64);
        bar.set_message(format!(
            "{} ok, {} failed",
            p.succeeded,
            p.failed + p.not_attempted + p.unknown
        ));
    }));
    let options = &options;
    let out = run_rows(rows, |items| async move {
        client.create_many(stream::iter(items), options).await
    })
    .await;
    pb.finish_and_clear();
    out
}

/// Settings of `tm import`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ImportOptions<'a> {
    /// Where to write one outcome per row (and `FILE.sent`).
    pub(crate) outcomes: Option<&'a Path>,
    /// Items per call.
    pub(crate) chunk_size: usize,
    /// Calls in flight.
    pub(crate) concurrency: usize,
    /// Continue the run recorded in `outcomes`.
    pub(crate) resume: bool,
}

fn row_outcome(line: u64, tn: &str, cc: &str, o: &Outcome) -> RowOutcome {
    let (outcome, code, kind, message) = outcome_fields(o);
    RowOutcome {
        line,
        tracking_number: tn.to_owned(),
        carrier_code: cc.to_owned(),
        outcome,
        code,
        message,
        kind,
        invalid: false,
    }
}

/// Stops sending on the first Ctrl-C (calls in flight finish); a second
/// Ctrl-C exits at once.
fn watch_interrupt(cancel: Arc<AtomicBool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        cancel.store(true, Ordering::Release);
        eprintln!("tm: interrupted: no more calls are sent; waiting for the calls in flight (Ctrl-C again to quit at once)");
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(i32::from(crate::error::EXIT_INTERRUPTED));
        }
    })
}

/// `tm import`: every row created with `Client::create_many`; outcomes
/// written as chunks are answered; resumable; Ctrl-C stops cleanly.
pub(crate) async fn import(
    client: &Client,
    args: &FileArgs,
    opts: ImportOptions<'_>,
) -> CliResult<(Rendered, CliResult)> {
    let file = read_items(args, CREATE_COLUMNS)?;
    let rows = file.parse(input::to_new_tracking);
    // The outcome file is opened (and an earlier run read) before anything is sent.
    let (log, previous) = match opts.outcomes {
        Some(path) => {
            let (log, prev) = OutcomeLog::open(path, opts.resume)?;
            (Some(Arc::new(log)), prev)
        }
        None => (None, Previous::default()),
    };
    for r in previous.final_rows.values() {
        let same = rows
            .iter()
            .find(|row| row.line == r.line)
            .is_some_and(|row| {
                row.tracking_number == r.tracking_number && row.carrier_code == r.carrier_code
            });
        if !same {
            return Err(CliError::Usage(format!(
                "{}: line {} is not the row recorded in the outcome file ({}:{}); was the file changed? nothing was sent",
                file.name, r.line, r.carrier_code, r.tracking_number
            )));
        }
    }
    let carried: Vec<RowOutcome> = rows
        .iter()
        .filter_map(|r| previous.final_rows.get(&r.line).cloned())
        .collect();
    let to_send: Vec<Parsed<NewTracking>> = rows
        .into_iter()
        .filter(|r| !previous.final_rows.contains_key(&r.line))
        .collect();
    // Position among the usable rows → (line, number, carrier), as run_rows numbers them.
    let usable: Arc<Vec<(u64, String, String)>> = Arc::new(
        to_send
            .iter()
            .filter(|r| r.item.is_ok())
            .map(|r| (r.line, r.tracking_number.clone(), r.carrier_code.clone()))
            .collect(),
    );
    let cancel = Arc::new(AtomicBool::new(false));
    let watcher = watch_interrupt(cancel.clone());
    let mut options = BatchOptions {
        chunk_size: opts.chunk_size.clamp(1, MAX_BATCH),
        concurrency: opts.concurrency.max(1),
        cancel: Some(cancel.clone()),
        ..BatchOptions::default()
    };
    if let Some(log) = &log {
        // Bad rows are known now.
        let bad: Vec<RowOutcome> = to_send
            .iter()
            .filter_map(|r| {
                r.item.as_ref().err().map(|reason| RowOutcome {
                    line: r.line,
                    tracking_number: r.tracking_number.clone(),
                    carrier_code: r.carrier_code.clone(),
                    outcome: "failed".into(),
                    code: None,
                    message: reason.clone(),
                    kind: None,
                    invalid: true,
                })
            })
            .collect();
        log.append(&bad);
        let run_start = client.now();
        let (l, u, c) = (log.clone(), usable.clone(), client.clone());
        options.on_send = Some(Arc::new(move |idx: &[usize]| {
            let lines: Vec<u64> = idx.iter().filter_map(|&i| u.get(i).map(|x| x.0)).collect();
            l.sending(c.server_time_at_least(c.now()), &lines);
        }));
        let (l, u, c) = (log.clone(), usable.clone(), client.clone());
        let start_noted = Arc::new(AtomicBool::new(false));
        options.on_chunk = Some(Arc::new(move |done: &[(usize, Outcome)]| {
            if !start_noted.load(Ordering::Acquire) {
                if let Some(b) = c.server_time_at_least(run_start) {
                    start_noted.store(true, Ordering::Release);
                    l.started_at(b);
                }
            }
            let rows: Vec<RowOutcome> = done
                .iter()
                .filter_map(|(i, o)| {
                    u.get(*i)
                        .map(|(line, tn, cc)| row_outcome(*line, tn, cc, o))
                })
                .collect();
            l.append(&rows);
        }));
    }
    let mut results = create_rows(client, to_send, options).await;
    watcher.abort();
    // Rows the earlier run sent without seeing the answer, found existing
    // now: created by that run if created after it sent them.
    let pending: Vec<(usize, Option<i64>)> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.outcome == "already_exists")
        .filter_map(|(i, r)| previous.bound_of(r.line).map(|b| (i, b)))
        .collect();
    if !pending.is_empty() {
        settle_resumed(client, &mut results, &pending).await;
    }
    let mut all = carried;
    let from_earlier_run = all.len();
    all.extend(results);
    all.sort_by_key(|r| r.line);
    if let Some(log) = log {
        let log = Arc::try_unwrap(log)
            .map_err(|_| CliError::Runtime("the outcome file is still in use".into()))?;
        log.finish(&all)?;
    }
    report_problems(&file.name, &all);
    let mut summary = ImportSummary::of_rows(&all);
    summary.from_earlier_run = from_earlier_run;
    let rendered = Rendered::new(&summary, summary.table())?;
    if cancel.load(Ordering::Acquire) {
        let unsent = all.iter().filter(|r| r.outcome == "not_attempted").count();
        let how = match opts.outcomes {
            Some(out) => format!(
                "resume with: tm import {} --outcomes {} --resume",
                args.file.display(),
                out.display()
            ),
            None => "run it again with --outcomes FILE to be able to resume next time".into(),
        };
        return Ok((
            rendered,
            Err(CliError::Interrupted(format!(
                "{unsent} rows were not sent; {how}"
            ))),
        ));
    }
    Ok((rendered, bulk_result(&all)))
}

/// Reads back rows that an earlier run sent and that now exist, and reports
/// those created after the earlier run sent them as created.
async fn settle_resumed(
    client: &Client,
    results: &mut [RowOutcome],
    pending: &[(usize, Option<i64>)],
) {
    let mut by_bound: std::collections::BTreeMap<Option<i64>, Vec<usize>> = Default::default();
    for (i, b) in pending {
        by_bound.entry(*b).or_default().push(*i);
    }
    for (bound, idx) in by_bound {
        let Some(bound) = bound else {
            for i in idx {
                results[i].outcome = "unknown".into();
                results[i].code = None;
                results[i].message = "sent by the interrupted run before the server's clock was known; it exists now, but whether that run created it cannot be told".into();
            }
            continue;
        };
        let keys: Vec<TrackingRef> = idx
            .iter()
            .map(|&i| {
                TrackingRef::new(
                    results[i].carrier_code.clone(),
                    results[i].tracking_number.clone(),
                )
            })
            .collect();
        let settled = client.settle_since(&keys, Some(bound), client.now()).await;
        for (i, s) in idx.into_iter().zip(settled) {
            let r = &mut results[i];
            match s {
                Settled::CreatedByUs => {
                    r.outcome = "created".into();
                    r.code = None;
                    r.message = "created by the interrupted run (its answer was never seen)".into();
                }
                Settled::Existed | Settled::Missing => {}
                Settled::Unknown(m) => {
                    r.outcome = "unknown".into();
                    r.code = None;
                    r.message = m;
                }
            }
        }
    }
}

/// `tm batch-create`: one `POST /trackings/batch` call of at most 40 rows.
pub(crate) async fn batch_create(
    client: &Client,
    args: &FileArgs,
) -> CliResult<(Rendered, CliResult)> {
    let file = read_items(args, CREATE_COLUMNS)?;
    let rows = file.parse(input::to_new_tracking);
    let usable = rows.iter().filter(|r| r.item.is_ok()).count();
    if usable > MAX_BATCH {
        return Err(CliError::Usage(format!(
            "{}: {usable} usable rows; batch-create sends one call of at most {MAX_BATCH} (use tm import for any number)",
            file.name
        )));
    }
    let mut response = None;
    let mut call_error = None;
    let results = run_rows(rows, |items| {
        let response = &mut response;
        let call_error = &mut call_error;
        async move {
            let n = items.len();
            let outcome_of = |o: Outcome| BatchReport {
                outcomes: items
                    .iter()
                    .cloned()
                    .enumerate()
                    .map(|(index, item)| tm_core::batch::ItemOutcome {
                        index,
                        item,
                        outcome: o.clone(),
                    })
                    .collect(),
            };
            let ep = match BatchCreateTrackings::new(items.clone()) {
                Ok(ep) => ep,
                Err(e) => {
                    return outcome_of(Outcome::Failed {
                        code: None,
                        kind: None,
                        message: e.to_string(),
                    })
                }
            };
            match client.execute(&ep).await {
                Ok(data) => {
                    let mut outcomes = Vec::with_capacity(n);
                    for (index, item) in items.iter().enumerate() {
                        let same = |tn: &str, cc: &str| {
                            tn.eq_ignore_ascii_case(&item.tracking_number)
                                && cc.eq_ignore_ascii_case(&item.carrier_code)
                        };
                        let outcome = if data
                            .trackings
                            .iter()
                            .any(|t| same(&t.tracking_number, &t.carrier_code))
                        {
                            Outcome::Created {
                                tracking: None,
                                recovered: false,
                            }
                        } else if let Some(e) = data
                            .errors
                            .iter()
                            .find(|e| same(&e.tracking_number, &e.carrier_code))
                        {
                            if e.code == 4016 {
                                Outcome::AlreadyExists
                            } else {
                                Outcome::Failed {
                                    code: Some(e.code),
                                    kind: e.kind(),
                                    message: e.message.clone(),
                                }
                            }
                        } else {
                            Outcome::Failed {
                                code: None,
                                kind: None,
                                message: "the response did not mention this item".into(),
                            }
                        };
                        outcomes.push(tm_core::batch::ItemOutcome {
                            index,
                            item: item.clone(),
                            outcome,
                        });
                    }
                    *response = Some(data);
                    BatchReport { outcomes }
                }
                Err(e) => {
                    let o = match &e {
                        tm_core::Error::Api(a) => Outcome::Failed {
                            code: Some(a.code),
                            kind: Some(a.kind),
                            message: a.message.clone(),
                        },
                        other => Outcome::Failed {
                            code: None,
                            kind: None,
                            message: crate::error::describe(other),
                        },
                    };
                    *call_error = Some(e);
                    outcome_of(o)
                }
            }
        }
    })
    .await;
    report_problems(&file.name, &results);
    if let Some(e) = call_error {
        if results.iter().all(|r| !r.invalid) {
            return Err(e.into());
        }
    }
    let rendered = match response {
        Some(data) => Rendered::new(&data, outcome_table(&results))?,
        None => Rendered::new(&results, outcome_table(&results))?,
    };
    Ok((rendered, bulk_result(&results)))
}

/// `tm batch-update`: `Client::update_many` over a file's rows.
pub(crate) async fn batch_update(
    client: &Client,
    args: &FileArgs,
) -> CliResult<(Rendered, CliResult)> {
    let file = read_items(args, UPDATE_COLUMNS)?;
    let rows = file.parse(input::to_update);
    let results = run_rows(rows, |items| async move {
        client
            .update_many(stream::iter(items), &BatchOptions::default())
            .await
    })
    .await;
    report_problems(&file.name, &results);
    Ok((
        Rendered::new(&results, outcome_table(&results))?,
        bulk_result(&results),
    ))
}

fn ref_rows(args: &RefsArgs) -> CliResult<(String, Vec<Parsed<TrackingRef>>)> {
    let mut rows = input::refs_from_args(&args.items);
    let mut source = "argument".to_owned();
    if let Some(path) = &args.file {
        if !rows.is_empty() {
            return Err(CliError::Usage(
                "give trackings as arguments or with --file, not both".into(),
            ));
        }
        let file = input::read_path(path, args.format)?;
        file.require_columns(REQUIRED_COLUMNS)?;
        warn_unknown(&file, REQUIRED_COLUMNS);
        rows = file.parse(input::to_ref);
        source = file.name;
    }
    Ok((source, rows))
}

/// Which refs command.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RefsOp {
    /// `tm batch-delete`.
    Delete,
    /// `tm stop-updates`.
    Stop,
}

/// `tm batch-delete` and `tm stop-updates`.
pub(crate) async fn refs_command(
    client: &Client,
    args: &RefsArgs,
    op: RefsOp,
) -> CliResult<(Rendered, CliResult)> {
    let (source, rows) = ref_rows(args)?;
    let results = run_rows(rows, |items| async move {
        let opts = BatchOptions::default();
        match op {
            RefsOp::Delete => client.delete_many(stream::iter(items), &opts).await,
            RefsOp::Stop => client.stop_updating_many(stream::iter(items), &opts).await,
        }
    })
    .await;
    report_problems(&source, &results);
    Ok((
        Rendered::new(&results, outcome_table(&results))?,
        bulk_result(&results),
    ))
}

/// `tm export`: every tracking, page by page, to CSV or JSONL.
pub(crate) async fn export(
    client: &Client,
    format: Option<FileFormat>,
    out: Option<&Path>,
    page_size: u32,
    filter: ListFilterArgs,
) -> CliResult<u64> {
    let format = match (format, out) {
        (Some(f), _) => f,
        (None, Some(p)) => match p.extension().and_then(|e| e.to_str()) {
            Some("jsonl") | Some("ndjson") | Some("json") => FileFormat::Jsonl,
            _ => FileFormat::Csv,
        },
        (None, None) => FileFormat::Csv,
    };
    let query = ListTrackings::new()
        .limit(page_size)?
        .filter(list_filter(filter))?;
    let sink: Box<dyn Write> = match out {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p).map_err(
            |e| CliError::Runtime(format!("cannot write {}: {e}", p.display())),
        )?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut pager = client.pager(query);
    let mut count = 0u64;
    match format {
        FileFormat::Csv => {
            let mut w = csv::Writer::from_writer(sink);
            w.write_record(EXPORT_COLUMNS)?;
            while let Some(page) = pager.next_page().await? {
                for t in &page.items {
                    w.write_record(export_row(t))?;
                    count += 1;
                }
                w.flush()?;
            }
            w.flush()?;
        }
        FileFormat::Jsonl => {
            let mut w = sink;
            while let Some(page) = pager.next_page().await? {
                for t in &page.items {
                    serde_json::to_writer(&mut w, t)?;
                    w.write_all(b"\n")?;
                    count += 1;
                }
                w.flush()?;
            }
            w.flush()?;
        }
    }
    Ok(count)
}
