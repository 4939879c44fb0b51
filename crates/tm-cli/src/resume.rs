//! The outcome file of `tm import --outcomes OUT` and its write-ahead record
//! `OUT.sent`, which make an import crash-safe and resumable.
//!
//! - `OUT` (CSV, [`OUTCOME_COLUMNS`]) gets each chunk's rows as soon as the
//!   chunk is answered, flushed; at the end it is rewritten in input order.
//! - `OUT.sent` gets a line `sent <bound> <line,line,…>` before a chunk is
//!   sent (`bound`: a lower bound of the server's clock at that moment, Unix
//!   seconds, or `-` when not known yet) and a line `start <bound>` once the
//!   server's clock at the start of the run is known.
//!
//! After a crash, `--resume` skips rows with a final outcome (created, already
//! existed, a bad row) and sends the rest again; a row the crashed run sent
//! but never saw answered, found existing on the second try, is read back and
//! reported created when it was created after the crashed run sent it.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::bulk::{RowOutcome, OUTCOME_COLUMNS};
use crate::error::{CliError, CliResult};

/// What an earlier run left in `OUT` and `OUT.sent`.
#[derive(Debug, Default)]
pub(crate) struct Previous {
    /// Rows with a final outcome, by line.
    pub(crate) final_rows: HashMap<u64, RowOutcome>,
    /// Lines that were sent, with the server-clock bound recorded for them.
    pub(crate) sent: HashMap<u64, Option<i64>>,
    /// The server-clock bound of the earlier run's start.
    pub(crate) start_bound: Option<i64>,
}

impl Previous {
    /// The server-clock bound (Unix seconds) under which `line` was sent by
    /// the earlier run, if it was sent and a bound is known.
    pub(crate) fn bound_of(&self, line: u64) -> Option<Option<i64>> {
        self.sent.get(&line).map(|b| b.or(self.start_bound))
    }
}

/// True for outcomes that need no second try. (Bad rows are found again
/// when the file is read, and are never sent.)
pub(crate) fn is_final(row: &RowOutcome) -> bool {
    matches!(row.outcome.as_str(), "created" | "already_exists")
}

/// The open outcome file and write-ahead record of one import.
#[derive(Debug)]
pub(crate) struct OutcomeLog {
    path: PathBuf,
    wal_path: PathBuf,
    out: Mutex<BufWriter<File>>,
    wal: Mutex<BufWriter<File>>,
    /// A write failed: reported at the end (the import itself goes on).
    write_error: Mutex<Option<String>>,
}

fn wal_path_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".sent");
    PathBuf::from(name)
}

impl OutcomeLog {
    /// Checks the folder and opens both files before anything is sent. With
    /// `resume`, first reads what an earlier run left; without, starts both
    /// files afresh.
    pub(crate) fn open(path: &Path, resume: bool) -> CliResult<(Self, Previous)> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(CliError::Usage(format!(
                "--outcomes {}: the folder {} does not exist; nothing was sent",
                path.display(),
                dir.display()
            )));
        }
        let wal_path = wal_path_of(path);
        let previous = if resume {
            read_previous(path, &wal_path)?
        } else {
            Previous::default()
        };
        let cannot = |p: &Path, e: std::io::Error| {
            CliError::Usage(format!(
                "cannot write {}: {e}; nothing was sent",
                p.display()
            ))
        };
        let mut options = OpenOptions::new();
        if resume {
            options.create(true).append(true);
        } else {
            options.create(true).write(true).truncate(true);
        }
        let out = options.open(path).map_err(|e| cannot(path, e))?;
        let wal = options.open(&wal_path).map_err(|e| cannot(&wal_path, e))?;
        let fresh = out.metadata().map(|m| m.len() == 0).unwrap_or(true);
        let log = Self {
            path: path.to_path_buf(),
            wal_path,
            out: Mutex::new(BufWriter::new(out)),
            wal: Mutex::new(BufWriter::new(wal)),
            write_error: Mutex::new(None),
        };
        if fresh {
            log.write_out(|w| w.write_record(OUTCOME_COLUMNS));
        }
        log.take_error()
            .map_or(Ok(()), |e| Err(CliError::Usage(e)))?;
        Ok((log, previous))
    }

    fn note_error(&self, e: impl std::fmt::Display) {
        let mut slot = self.write_error.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(format!("cannot write {}: {e}", self.path.display()));
        }
    }

    /// The first write error, if any.
    pub(crate) fn take_error(&self) -> Option<String> {
        self.write_error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    fn write_out(
        &self,
        f: impl FnOnce(&mut csv::Writer<&mut BufWriter<File>>) -> Result<(), csv::Error>,
    ) {
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        let result = {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(&mut *out);
            f(&mut w).and_then(|()| w.flush().map_err(csv::Error::from))
        };
        if let Err(e) = result {
            self.note_error(e);
        } else if let Err(e) = out.flush() {
            self.note_error(e);
        }
    }

    /// Appends rows as they are answered, flushed to the OS at once.
    pub(crate) fn append(&self, rows: &[RowOutcome]) {
        self.write_out(|w| {
            for r in rows {
                w.write_record(r.cells())?;
            }
            Ok(())
        });
    }

    fn write_wal(&self, line: &str) {
        let mut wal = self.wal.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = writeln!(wal, "{line}").and_then(|()| wal.flush()) {
            self.note_error(e);
        }
    }

    /// Records, before sending, that `lines` are about to be sent.
    pub(crate) fn sending(&self, bound: Option<i64>, lines: &[u64]) {
        let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
        let bound = bound.map_or("-".to_owned(), |b| b.to_string());
        self.write_wal(&format!("sent {bound} {}", lines.join(",")));
    }

    /// Records the server-clock bound of the run's start.
    pub(crate) fn started_at(&self, bound: i64) {
        self.write_wal(&format!("start {bound}"));
    }

    /// Rewrites `OUT` with `rows` (one per input row, in input order) through a
    /// temporary file; removes `OUT.sent` when every row is final.
    pub(crate) fn finish(self, rows: &[RowOutcome]) -> CliResult {
        if let Some(e) = self.take_error() {
            return Err(CliError::Runtime(e));
        }
        drop(self.out);
        drop(self.wal);
        let mut buf = Vec::new();
        {
            let mut w = csv::Writer::from_writer(&mut buf);
            w.write_record(OUTCOME_COLUMNS)?;
            for r in rows {
                w.write_record(r.cells())?;
            }
            w.flush()?;
        }
        crate::backend::write_atomically(&self.path, &buf)
            .map_err(|e| CliError::Runtime(format!("cannot write {}: {e}", self.path.display())))?;
        if rows.iter().all(|r| is_final(r) || r.invalid) {
            let _ = std::fs::remove_file(&self.wal_path);
        }
        Ok(())
    }
}

fn read_previous(path: &Path, wal_path: &Path) -> CliResult<Previous> {
    let mut prev = Previous::default();
    if path.exists() {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?;
        let headers = rdr
            .headers()
            .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?
            .clone();
        if headers.iter().ne(OUTCOME_COLUMNS.iter().copied()) {
            return Err(CliError::Usage(format!(
                "{} is not an outcome file of tm import (its header is not {})",
                path.display(),
                OUTCOME_COLUMNS.join(",")
            )));
        }
        for record in rdr.records() {
            // A row cut short by a crash is ignored: that row is sent again.
            let Ok(r) = record else { continue };
            if r.len() != OUTCOME_COLUMNS.len() {
                continue;
            }
            let Ok(line) = r[0].parse::<u64>() else {
                continue;
            };
            let row = RowOutcome {
                line,
                tracking_number: r[1].to_owned(),
                carrier_code: r[2].to_owned(),
                outcome: r[3].to_owned(),
                code: r[4].parse().ok(),
                message: r[5].to_owned(),
                kind: None,
                invalid: false,
            };
            // Later rows (a later run) win.
            if is_final(&row) {
                prev.final_rows.insert(line, row);
            } else {
                prev.final_rows.remove(&line);
            }
        }
    }
    if let Ok(f) = File::open(wal_path) {
        for text in BufReader::new(f).lines() {
            let Ok(text) = text else { break };
            let mut parts = text.split_whitespace();
            match (parts.next(), parts.next(), parts.next()) {
                (Some("start"), Some(b), None) => {
                    if let Ok(b) = b.parse() {
                        prev.start_bound.get_or_insert(b);
                    }
                }
                (Some("sent"), Some(b), Some(lines)) => {
                    let bound = b.parse().ok();
                    for l in lines.split(',').filter_map(|l| l.parse().ok()) {
                        // The first send of a row is what counts.
                        prev.sent.entry(l).or_insert(bound);
                    }
                }
                _ => {}
            }
        }
    }
    Ok(prev)
}
