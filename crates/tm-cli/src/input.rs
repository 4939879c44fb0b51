//! Reading CSV and JSONL input files into rows with line numbers, and turning
//! rows into create, update and delete items. A row that cannot be used keeps
//! its line number and a reason, so it can be reported and counted.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value;
use tm_core::models::{ManualStatus, NewTracking, TrackingRef, TrackingUpdate};

use crate::cli::FileFormat;
use crate::error::{CliError, CliResult};

/// One data row of an input file.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    /// Line where the row starts (1-based; the CSV header is line 1).
    pub(crate) line: u64,
    /// Column → value (empty values left out), or why the row could not be read.
    pub(crate) fields: Result<BTreeMap<String, String>, String>,
}

/// The rows of an input file.
#[derive(Debug, Clone)]
pub(crate) struct InputFile {
    /// Name used in messages.
    pub(crate) name: String,
    /// The CSV header (normalized), if any.
    pub(crate) columns: Option<Vec<String>>,
    /// The data rows, in file order.
    pub(crate) records: Vec<Record>,
}

/// A row converted into an item, or why it could not be.
#[derive(Debug, Clone)]
pub(crate) struct Parsed<T> {
    /// Line of the row.
    pub(crate) line: u64,
    /// Tracking number as far as known (for reports).
    pub(crate) tracking_number: String,
    /// Carrier code as far as known (for reports).
    pub(crate) carrier_code: String,
    /// The item, or the reason it is unusable.
    pub(crate) item: Result<T, String>,
}

/// Columns of the create call accepted in import files.
pub(crate) const CREATE_COLUMNS: &[&str] = &[
    "tracking_number",
    "carrier_code",
    "destination_code",
    "title",
    "logistics_channel",
    "customer_name",
    "customer_email",
    "customer_phone",
    "order_id",
    "order_create_time",
    "tracking_ship_date",
    "tracking_postal_code",
    "tracking_account_number",
    "tracking_destination_country",
    "special_number_destination",
    "lang",
    "auto_correct",
    "comment",
];

/// Columns accepted in batch-update files.
pub(crate) const UPDATE_COLUMNS: &[&str] = &[
    "tracking_number",
    "carrier_code",
    "title",
    "logistics_channel",
    "customer_name",
    "customer_email",
    "customer_phone",
    "order_id",
    "destination_code",
    "archived",
    "status",
];

/// Columns every item file must have.
pub(crate) const REQUIRED_COLUMNS: &[&str] = &["tracking_number", "carrier_code"];

/// Canonical column name: trimmed, lower case, `-`/space → `_`.
pub(crate) fn normalize_column(name: &str) -> String {
    let n = name
        .trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase()
        .replace(['-', ' '], "_");
    if n == "specialnumberdestination" {
        "special_number_destination".to_owned()
    } else {
        n
    }
}

/// The format of `path`: `format` if given, else from the extension.
pub(crate) fn detect_format(path: &Path, format: Option<FileFormat>) -> CliResult<FileFormat> {
    if let Some(f) = format {
        return Ok(f);
    }
    if path.as_os_str() == "-" {
        return Ok(FileFormat::Csv);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") | Some("txt") => Ok(FileFormat::Csv),
        Some("jsonl") | Some("ndjson") | Some("json") => Ok(FileFormat::Jsonl),
        _ => Err(CliError::Usage(format!(
            "cannot tell the format of {}: use a .csv or .jsonl extension, or --format csv|jsonl",
            path.display()
        ))),
    }
}

/// Reads `path` (`-` for stdin).
pub(crate) fn read_path(path: &Path, format: Option<FileFormat>) -> CliResult<InputFile> {
    let format = detect_format(path, format)?;
    let name = path.display().to_string();
    if path.as_os_str() == "-" {
        return read_from(name, std::io::stdin().lock(), format);
    }
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::Usage(format!("cannot read {name}: {e}")))?;
    read_from(name, BufReader::new(file), format)
}

/// Reads rows from `reader`.
pub(crate) fn read_from(
    name: String,
    reader: impl Read,
    format: FileFormat,
) -> CliResult<InputFile> {
    match format {
        FileFormat::Csv => read_csv(name, reader),
        FileFormat::Jsonl => read_jsonl(name, reader),
    }
}

fn read_csv(name: String, mut reader: impl Read) -> CliResult<InputFile> {
    let mut data = Vec::new();
    reader
        .read_to_end(&mut data)
        .map_err(|e| CliError::Runtime(format!("{name}: read error: {e}")))?;
    // The csv crate reports a record after blank lines at the blank line, so
    // line numbers are computed from byte offsets here.
    let newlines: Vec<usize> = data
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_of = |pos: Option<&csv::Position>, fallback: u64| -> u64 {
        let Some(p) = pos else { return fallback };
        let mut b = usize::try_from(p.byte())
            .unwrap_or(usize::MAX)
            .min(data.len());
        while b < data.len() && matches!(data[b], b'\n' | b'\r') {
            b += 1;
        }
        1 + newlines.partition_point(|&n| n < b) as u64
    };
    // A quote that is never closed makes the CSV reader take the rest of the
    // file as one field: rows would vanish into it without an error.
    if let Some(line) = unterminated_quote_line(&data) {
        return Err(CliError::Usage(format!(
            "{name}: line {line}: a quoted field is never closed, so every row after it would be read as part of it; nothing was sent (fix the quote and retry)"
        )));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(data.as_slice());
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(CliError::Usage(format!(
                "{name}: cannot read the header row: {e}"
            )))
        }
    };
    let columns: Vec<String> = headers.iter().map(normalize_column).collect();
    let mut records = Vec::new();
    let mut last_line = 1;
    let mut raw = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut raw) {
            Ok(false) => break,
            Ok(true) => {
                let line = line_of(raw.position(), last_line + 1);
                last_line = line;
                let fields = if raw.len() != columns.len() {
                    Err(format!(
                        "has {} fields but the header has {}",
                        raw.len(),
                        columns.len()
                    ))
                } else {
                    Ok(columns
                        .iter()
                        .zip(raw.iter())
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(k, v)| (k.clone(), v.to_owned()))
                        .collect())
                };
                records.push(Record { line, fields });
            }
            Err(e) => {
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(CliError::Runtime(format!("{name}: read error: {e}")));
                }
                let line = line_of(e.position(), last_line + 1);
                last_line = line;
                records.push(Record {
                    line,
                    fields: Err(format!("unreadable row: {}", csv_reason(&e))),
                });
            }
        }
    }
    Ok(InputFile {
        name,
        columns: Some(columns),
        records,
    })
}

/// The line where a quoted field starts that is still open at the end of
/// `data` (RFC 4180 quoting, as the CSV reader applies it: a quote opens a
/// field only at its start; `""` inside is an escaped quote).
fn unterminated_quote_line(data: &[u8]) -> Option<u64> {
    let mut line = 1u64;
    let mut at_field_start = true;
    let mut open_since: Option<u64> = None;
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if open_since.is_some() {
            if b == b'"' {
                if data.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    open_since = None;
                }
            } else if b == b'\n' {
                line += 1;
            }
        } else {
            match b {
                b'"' if at_field_start => open_since = Some(line),
                b',' => {
                    at_field_start = true;
                    i += 1;
                    continue;
                }
                b'\n' => {
                    line += 1;
                    at_field_start = true;
                    i += 1;
                    continue;
                }
                _ => {}
            }
            at_field_start = false;
        }
        i += 1;
    }
    open_since
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
        _ => e.to_string(),
    }
}

fn read_jsonl(name: String, reader: impl Read) -> CliResult<InputFile> {
    let mut records = Vec::new();
    let mut buf = Vec::new();
    let mut reader = BufReader::new(reader);
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| CliError::Runtime(format!("{name}: read error: {e}")))?;
        if n == 0 {
            break;
        }
        line += 1;
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t.trim().trim_start_matches('\u{feff}'),
            Err(_) => {
                records.push(Record {
                    line,
                    fields: Err("unreadable line: not valid UTF-8".into()),
                });
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        let fields = match serde_json::from_str::<Value>(text) {
            Err(e) => Err(format!("not valid JSON: {e}")),
            Ok(Value::Object(map)) => object_fields(map),
            Ok(_) => Err("not a JSON object".to_owned()),
        };
        records.push(Record { line, fields });
    }
    Ok(InputFile {
        name,
        columns: None,
        records,
    })
}

fn object_fields(map: serde_json::Map<String, Value>) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let key = normalize_column(&k);
        let text = match v {
            Value::Null => continue,
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(_) | Value::Object(_) => {
                return Err(format!(
                    "field {k:?} must be a string, not a list or object"
                ))
            }
        };
        if !text.is_empty() {
            out.insert(key, text);
        }
    }
    Ok(out)
}

impl InputFile {
    /// Refuses a CSV file whose header lacks a required column (usage error).
    pub(crate) fn require_columns(&self, required: &[&str]) -> CliResult {
        let Some(cols) = &self.columns else {
            return Ok(());
        };
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|r| !cols.iter().any(|c| c == r))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let have = if cols.iter().all(String::is_empty) {
            "no columns".to_owned()
        } else {
            cols.join(", ")
        };
        Err(CliError::Usage(format!(
            "{}: missing required column{} {} (the header on line 1 has: {have})",
            self.name,
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", ")
        )))
    }

    /// Columns present in the file (or any JSONL row) that `known` does not list.
    pub(crate) fn unknown_columns(&self, known: &[&str]) -> Vec<String> {
        let mut seen = BTreeSet::new();
        match &self.columns {
            Some(cols) => seen.extend(cols.iter().cloned()),
            None => {
                for r in &self.records {
                    if let Ok(f) = &r.fields {
                        seen.extend(f.keys().cloned());
                    }
                }
            }
        }
        seen.into_iter()
            .filter(|c| !c.is_empty() && !known.contains(&c.as_str()))
            .collect()
    }

    /// Every row converted with `convert`.
    pub(crate) fn parse<T>(
        &self,
        convert: impl Fn(&BTreeMap<String, String>) -> Result<T, String>,
    ) -> Vec<Parsed<T>> {
        self.records
            .iter()
            .map(|r| match &r.fields {
                Err(e) => Parsed {
                    line: r.line,
                    tracking_number: String::new(),
                    carrier_code: String::new(),
                    item: Err(e.clone()),
                },
                Ok(f) => Parsed {
                    line: r.line,
                    tracking_number: f.get("tracking_number").cloned().unwrap_or_default(),
                    carrier_code: f.get("carrier_code").cloned().unwrap_or_default(),
                    item: convert(f),
                },
            })
            .collect()
    }
}

fn required(f: &BTreeMap<String, String>) -> Result<(String, String), String> {
    let missing: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .copied()
        .filter(|c| f.get(*c).is_none_or(|v| v.is_empty()))
        .collect();
    if !missing.is_empty() {
        return Err(format!("empty or missing {}", missing.join(" and ")));
    }
    let number = f["tracking_number"].clone();
    let carrier = f["carrier_code"].clone();
    tm_core::validate::tracking_number(&number).map_err(|e| e.to_string())?;
    tm_core::validate::carrier_code(&carrier).map_err(|e| e.to_string())?;
    Ok((number, carrier))
}

/// A row as a tracking to create.
pub(crate) fn to_new_tracking(f: &BTreeMap<String, String>) -> Result<NewTracking, String> {
    let (number, carrier) = required(f)?;
    let get = |k: &str| f.get(k).cloned();
    let auto_correct = match f.get("auto_correct") {
        None => None,
        Some(v) => Some(
            v.parse::<u8>()
                .map_err(|_| format!("invalid auto_correct: {v:?} is not 0 or 1"))?,
        ),
    };
    let t = NewTracking {
        tracking_number: number,
        carrier_code: carrier,
        destination_code: get("destination_code"),
        title: get("title"),
        logistics_channel: get("logistics_channel"),
        customer_name: get("customer_name"),
        customer_email: get("customer_email"),
        customer_phone: get("customer_phone"),
        order_id: get("order_id"),
        order_create_time: get("order_create_time"),
        tracking_ship_date: get("tracking_ship_date"),
        tracking_postal_code: get("tracking_postal_code"),
        tracking_account_number: get("tracking_account_number"),
        tracking_destination_country: get("tracking_destination_country"),
        special_number_destination: get("special_number_destination"),
        lang: get("lang"),
        auto_correct,
        comment: get("comment"),
    };
    t.validate().map_err(|e| e.to_string())?;
    Ok(t)
}

/// Parses `true`/`false` (also `1`/`0`, `yes`/`no`).
pub(crate) fn parse_bool(field: &str, v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(format!("invalid {field}: {v:?} is not true or false")),
    }
}

/// Parses a manual status: `delivered`/`4`, `exception`/`7`, `revert`/`8`.
pub(crate) fn parse_manual_status(v: &str) -> Result<ManualStatus, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "delivered" | "4" => Ok(ManualStatus::Delivered),
        "exception" | "7" => Ok(ManualStatus::Exception),
        "revert" | "8" => Ok(ManualStatus::Revert),
        _ => Err(format!(
            "invalid status: {v:?} is not delivered (4), exception (7) or revert (8)"
        )),
    }
}

/// A row as an update item.
pub(crate) fn to_update(
    f: &BTreeMap<String, String>,
) -> Result<(TrackingRef, TrackingUpdate), String> {
    let (number, carrier) = required(f)?;
    let get = |k: &str| f.get(k).cloned();
    let update = TrackingUpdate {
        title: get("title"),
        logistics_channel: get("logistics_channel"),
        customer_name: get("customer_name"),
        customer_email: get("customer_email"),
        customer_phone: get("customer_phone"),
        order_id: get("order_id"),
        destination_code: get("destination_code"),
        archived: f
            .get("archived")
            .map(|v| parse_bool("archived", v))
            .transpose()?,
        status: f
            .get("status")
            .map(|v| parse_manual_status(v))
            .transpose()?,
    };
    Ok((TrackingRef::new(carrier, number), update))
}

/// A row as a tracking key.
pub(crate) fn to_ref(f: &BTreeMap<String, String>) -> Result<TrackingRef, String> {
    let (number, carrier) = required(f)?;
    Ok(TrackingRef::new(carrier, number))
}

/// `CARRIER:NUMBER` arguments as parsed items (line = argument position).
pub(crate) fn refs_from_args(items: &[String]) -> Vec<Parsed<TrackingRef>> {
    items
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (carrier, number) = s.split_once(':').unwrap_or(("", s.as_str()));
            let mut f = BTreeMap::new();
            f.insert("carrier_code".to_owned(), carrier.trim().to_owned());
            f.insert("tracking_number".to_owned(), number.trim().to_owned());
            let item = if s.contains(':') {
                to_ref(&f)
            } else {
                Err(format!("{s:?} is not CARRIER_CODE:TRACKING_NUMBER"))
            };
            Parsed {
                line: i as u64 + 1,
                tracking_number: number.trim().to_owned(),
                carrier_code: carrier.trim().to_owned(),
                item,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_unterminated_quote_is_found_by_line() {
        use super::unterminated_quote_line as f;
        assert_eq!(f(b"a,b\n1,\"x\"\"y\"\n2,\"multi\nline\"\n"), None);
        assert_eq!(f(b"a,b\n1,5\" box\n2,x\n"), None);
        assert_eq!(f(b"a,b\n1,x\n2,\"open\n3,y\n4,z\n"), Some(3));
        let err = super::read_from(
            "f.csv".into(),
            &b"tracking_number,carrier_code,title\nA1,ups,\"ok\"\nA2,ups,\"broken\nA3,ups,x\n"[..],
            crate::cli::FileFormat::Csv,
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("line 3"), "{err}");
    }

    use super::*;

    fn csv(text: &str) -> InputFile {
        read_from("t.csv".into(), text.as_bytes(), FileFormat::Csv).unwrap()
    }

    #[test]
    fn csv_rows_keep_line_numbers() {
        let f = csv("tracking_number,carrier_code,title\nRP893531375SG,singapore-post,A\n\nbad,ups\n1Z97X17XYW06605211,ups,\"multi\nline\"\n9400111899223197428490,usps,x\n");
        f.require_columns(REQUIRED_COLUMNS).unwrap();
        let rows = f.parse(to_new_tracking);
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 4, 5, 7]);
        assert!(rows[0].item.is_ok());
        assert!(rows[1].item.as_ref().unwrap_err().contains("fields"));
        assert_eq!(
            rows[2].item.as_ref().unwrap().title.as_deref(),
            Some("multi\nline")
        );
        assert!(rows[3].item.is_ok());
    }

    #[test]
    fn missing_columns_are_a_usage_error() {
        let f = csv("tracking_number,title\nRP893531375SG,A\n");
        let e = f.require_columns(REQUIRED_COLUMNS).unwrap_err();
        assert!(e.to_string().contains("carrier_code"), "{e}");
    }

    #[test]
    fn jsonl_rows() {
        let text = "{\"tracking_number\":\"RP893531375SG\",\"carrier_code\":\"singapore-post\"}\n\nnot json\n[1]\n{\"tracking_number\":\"abc\",\"carrier_code\":\"ups\"}\n{\"tracking_number\":12345678,\"carrier_code\":\"dhl\"}\n";
        let f = read_from("t.jsonl".into(), text.as_bytes(), FileFormat::Jsonl).unwrap();
        let rows = f.parse(to_new_tracking);
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 3, 4, 5, 6]);
        assert!(rows[0].item.is_ok());
        assert!(rows[1].item.as_ref().unwrap_err().contains("JSON"));
        assert!(rows[2].item.as_ref().unwrap_err().contains("object"));
        assert!(rows[3].item.as_ref().unwrap_err().contains("shorter"));
        assert!(rows[4].item.is_ok());
    }

    #[test]
    fn refs_and_updates() {
        let r = refs_from_args(&["ups:1Z97X17XYW06605211".into(), "nocolon".into()]);
        assert!(r[0].item.is_ok());
        assert!(r[1].item.is_err());
        let mut f = BTreeMap::new();
        f.insert("tracking_number".into(), "RP893531375SG".into());
        f.insert("carrier_code".into(), "singapore-post".into());
        f.insert("status".into(), "delivered".into());
        f.insert("archived".into(), "true".into());
        let (_, u) = to_update(&f).unwrap();
        assert_eq!(u.status, Some(ManualStatus::Delivered));
        assert_eq!(u.archived, Some(true));
    }
}
