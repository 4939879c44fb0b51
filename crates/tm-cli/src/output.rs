//! Rendering data as an aligned table, JSON or CSV on stdout.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;
use tm_core::models::{CreatedTracking, StatusCounts, Tracking};

use crate::cli::OutputFormat;
use crate::error::CliResult;

/// Longest cell printed in table mode; longer text is cut with `…`.
const MAX_CELL: usize = 64;

/// Rows of text under a header.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    /// Printed above the table in table mode.
    pub(crate) title: Option<String>,
    /// Column names.
    pub(crate) headers: Vec<String>,
    /// One entry per row, as many cells as headers.
    pub(crate) rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these columns.
    pub(crate) fn new(headers: &[&str]) -> Self {
        Self {
            title: None,
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// The same table with a title.
    pub(crate) fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Appends a row.
    pub(crate) fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// Writes the table with aligned columns.
    pub(crate) fn write_aligned(&self, out: &mut dyn Write) -> io::Result<()> {
        if let Some(t) = &self.title {
            writeln!(out, "{t}")?;
        }
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| clip(c)).collect())
            .collect();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for row in &cells {
            for (i, c) in row.iter().enumerate() {
                if i < widths.len() {
                    widths[i] = widths[i].max(width(c));
                }
            }
        }
        write_line(out, &self.headers, &widths)?;
        if cells.is_empty() {
            writeln!(out, "(none)")?;
        }
        for row in &cells {
            write_line(out, row, &widths)?;
        }
        Ok(())
    }

    /// Writes the table as CSV with a header row.
    pub(crate) fn write_csv(&self, out: &mut dyn Write) -> CliResult {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(&self.headers)?;
        for row in &self.rows {
            w.write_record(row)?;
        }
        w.flush()?;
        Ok(())
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn clip(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if width(&one_line) > MAX_CELL {
        let cut: String = one_line.chars().take(MAX_CELL - 1).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

fn write_line(out: &mut dyn Write, cells: &[String], widths: &[usize]) -> io::Result<()> {
    let mut line = String::new();
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        line.push_str(c);
        if i + 1 < cells.len() {
            let pad = widths.get(i).copied().unwrap_or(0).saturating_sub(width(c));
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    writeln!(out, "{}", line.trim_end())
}

/// What a command prints: a JSON value and the same data as tables.
#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    /// The API's JSON shape.
    pub(crate) json: Value,
    /// The tables (table mode prints them all).
    pub(crate) tables: Vec<Table>,
    /// The table CSV prints.
    pub(crate) csv_table: usize,
}

impl Rendered {
    /// Data with one table.
    pub(crate) fn new(json: impl Serialize, table: Table) -> CliResult<Self> {
        Ok(Self {
            json: serde_json::to_value(json)?,
            tables: vec![table],
            csv_table: 0,
        })
    }

    /// Adds another table (table mode only).
    pub(crate) fn and(mut self, table: Table) -> Self {
        self.tables.push(table);
        self
    }

    /// Prints in `format` to `out`.
    pub(crate) fn print(&self, format: OutputFormat, out: &mut dyn Write) -> CliResult {
        match format {
            OutputFormat::Json => {
                serde_json::to_writer_pretty(&mut *out, &self.json)?;
                writeln!(out)?;
            }
            OutputFormat::Csv => {
                if let Some(t) = self.tables.get(self.csv_table) {
                    t.write_csv(out)?;
                }
            }
            OutputFormat::Table => {
                for (i, t) in self.tables.iter().enumerate() {
                    if i > 0 {
                        writeln!(out)?;
                    }
                    t.write_aligned(out)?;
                }
            }
        }
        out.flush()?;
        Ok(())
    }
}

/// Text of an optional value.
pub(crate) fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// Columns of a tracking in tables.
pub(crate) const TRACKING_COLUMNS: &[&str] = &[
    "carrier_code",
    "tracking_number",
    "status",
    "substatus",
    "days",
    "last_update_time",
    "last_event",
];

/// A tracking as a row of [`TRACKING_COLUMNS`].
pub(crate) fn tracking_row(t: &Tracking) -> Vec<String> {
    vec![
        t.carrier_code.clone(),
        t.tracking_number.clone(),
        t.status.to_string(),
        opt(&t.substatus),
        opt(&t.item_time_length),
        opt(&t.last_update_time),
        opt(&t.last_event),
    ]
}

/// A table of trackings.
pub(crate) fn tracking_table(items: &[Tracking]) -> Table {
    let mut t = Table::new(TRACKING_COLUMNS);
    for i in items {
        t.push(tracking_row(i));
    }
    t
}

/// Columns of the export CSV (importable again: the create fields come first).
pub(crate) const EXPORT_COLUMNS: &[&str] = &[
    "tracking_number",
    "carrier_code",
    "title",
    "order_id",
    "customer_name",
    "customer_email",
    "customer_phone",
    "logistics_channel",
    "destination_code",
    "order_create_time",
    "comment",
    "status",
    "substatus",
    "created_at",
    "updated_at",
    "last_update_time",
    "last_event",
    "archived",
    "track_update",
    "id",
];

/// A tracking as a row of [`EXPORT_COLUMNS`].
pub(crate) fn export_row(t: &Tracking) -> Vec<String> {
    vec![
        t.tracking_number.clone(),
        t.carrier_code.clone(),
        opt(&t.title),
        opt(&t.order_id),
        opt(&t.customer_name),
        t.customer_email
            .as_ref()
            .map(|e| e.to_vec().join(";"))
            .unwrap_or_default(),
        opt(&t.customer_phone),
        opt(&t.logistics_channel),
        opt(&t.destination_code),
        opt(&t.order_create_time),
        opt(&t.comment),
        t.status.to_string(),
        opt(&t.substatus),
        opt(&t.created_at),
        opt(&t.updated_at),
        opt(&t.last_update_time),
        opt(&t.last_event),
        opt(&t.archived),
        opt(&t.track_update),
        t.id.clone(),
    ]
}

/// Columns of a created or updated tracking.
pub(crate) const CREATED_COLUMNS: &[&str] = &[
    "carrier_code",
    "tracking_number",
    "status",
    "id",
    "created_at",
    "title",
    "order_id",
];

/// A created tracking as a row of [`CREATED_COLUMNS`].
pub(crate) fn created_row(t: &CreatedTracking) -> Vec<String> {
    vec![
        t.carrier_code.clone(),
        t.tracking_number.clone(),
        t.status.to_string(),
        t.id.clone(),
        opt(&t.created_at),
        opt(&t.title),
        opt(&t.order_id),
    ]
}

/// Status counts as a one-row table (plus the total).
pub(crate) fn counts_table(c: &StatusCounts) -> Table {
    let mut t = Table::new(&[
        "pending",
        "notfound",
        "transit",
        "pickup",
        "delivered",
        "undelivered",
        "exception",
        "expired",
        "total",
    ]);
    t.push(counts_cells(c));
    t
}

/// The cells of [`counts_table`]'s row.
pub(crate) fn counts_cells(c: &StatusCounts) -> Vec<String> {
    [
        c.pending,
        c.notfound,
        c.transit,
        c.pickup,
        c.delivered,
        c.undelivered,
        c.exception,
        c.expired,
        c.total(),
    ]
    .iter()
    .map(u64::to_string)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_columns() {
        let mut t = Table::new(&["a", "long_header", "c"]);
        t.push(vec!["xyz".into(), "1".into(), "last".into()]);
        let mut out = Vec::new();
        t.write_aligned(&mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s, "a    long_header  c\nxyz  1            last\n");
    }

    #[test]
    fn long_cells_are_clipped() {
        let long = "x".repeat(100);
        assert_eq!(clip(&long).chars().count(), MAX_CELL);
        assert_eq!(clip("a\nb"), "a b");
    }
}
