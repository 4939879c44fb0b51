//! Command-line definitions (clap).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `tm`: every TrackingMore v2 call from the shell, with a built-in simulator.
#[derive(Debug, Parser)]
#[command(
    name = "tm",
    version,
    about = "TrackingMore v2 from the shell: every call, bulk import/export, and a built-in simulator",
    after_help = "Exit codes: 0 success, 1 API error, 2 usage error, 3 partial failure in a bulk command, 130 interrupted.\n\
                  Try it without a key: tm --mock demo"
)]
pub(crate) struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub(crate) global: Global,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Output format of a command's data (stdout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Aligned columns.
    Table,
    /// The API's JSON shape.
    Json,
    /// CSV with a header row.
    Csv,
}

/// Format of an input or export file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FileFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// Client-side rate limiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RateLimitMode {
    /// v2 limits for the real host; learned from 429 everywhere.
    Auto,
    /// v2 limits on any host; learned from 429 too.
    V2,
    /// No client-side limits.
    Off,
}

/// Options shared by every command.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// API key (never printed).
    #[arg(
        long,
        env = "TRACKINGMORE_API_KEY",
        hide_env_values = true,
        global = true,
        value_name = "KEY"
    )]
    pub(crate) api_key: Option<String>,

    /// API root (default https://api.trackingmore.com/v2; a tm-mock server: http://127.0.0.1:PORT/v2).
    #[arg(long, global = true, value_name = "URL", conflicts_with_all = ["mock", "mock_state"])]
    pub(crate) base_url: Option<String>,

    /// Use the in-process simulator instead of the network (no key needed).
    #[arg(long, global = true)]
    pub(crate) mock: bool,

    /// Load the simulator's state from FILE (if it exists) and save it back after the
    /// command, so consecutive commands see the same trackings. Implies --mock.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) mock_state: Option<PathBuf>,

    /// Output format of the data printed on stdout.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = OutputFormat::Table)]
    pub(crate) output: OutputFormat,

    /// Time allowed per HTTP request (e.g. 30, 30s, 500ms, 2m).
    #[arg(long, global = true, value_parser = parse_duration, default_value = "30s", value_name = "DURATION")]
    pub(crate) timeout: Duration,

    /// Retries after a failed attempt (timeouts, 429, 5xx).
    #[arg(long, global = true, default_value_t = 2, value_name = "N")]
    pub(crate) max_retries: u32,

    /// Turn off client-side rate limiting, static and learned (same as --rate-limits off).
    #[arg(long, global = true)]
    pub(crate) no_rate_limits: bool,

    /// Record every request and response of this command to FILE (a JSON-lines cassette,
    /// replaced if it exists; the API key is never written). `tm-mock check-cassette FILE`
    /// then shows where the simulator answers differently.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) record: Option<PathBuf>,

    /// Client-side rate limits: auto (the v2 limits for TrackingMore's host, and on any
    /// host limits learned from 429 answers), v2 (the v2 limits on any host, plus
    /// learning), off.
    #[arg(long, global = true, value_enum, default_value_t = RateLimitMode::Auto, value_name = "MODE")]
    pub(crate) rate_limits: RateLimitMode,

    /// Describe what is being done on stderr (the key is never shown).
    #[arg(long, short = 'v', global = true)]
    pub(crate) verbose: bool,
}

impl Global {
    /// The rate-limit mode, `--no-rate-limits` included.
    pub(crate) fn limit_mode(&self) -> RateLimitMode {
        if self.no_rate_limits {
            RateLimitMode::Off
        } else {
            self.rate_limits
        }
    }

    /// True when the in-process simulator is used.
    pub(crate) fn uses_mock(&self) -> bool {
        self.mock || self.mock_state.is_some()
    }
}

/// A tracking named by carrier code and number.
#[derive(Debug, Clone, Args)]
pub(crate) struct Key {
    /// Carrier code (e.g. ups, usps, dhl, china-post).
    #[arg(value_name = "CARRIER_CODE")]
    pub(crate) carrier_code: String,
    /// Tracking number.
    #[arg(value_name = "TRACKING_NUMBER")]
    pub(crate) tracking_number: String,
}

/// Optional fields of a new tracking (the create call's field names).
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct CreateFields {
    /// Destination country, alpha-2.
    #[arg(long)]
    pub(crate) destination_code: Option<String>,
    /// Product title.
    #[arg(long)]
    pub(crate) title: Option<String>,
    /// Logistics channel.
    #[arg(long)]
    pub(crate) logistics_channel: Option<String>,
    /// Customer name.
    #[arg(long)]
    pub(crate) customer_name: Option<String>,
    /// Customer e-mail.
    #[arg(long)]
    pub(crate) customer_email: Option<String>,
    /// Customer phone.
    #[arg(long)]
    pub(crate) customer_phone: Option<String>,
    /// Order id.
    #[arg(long)]
    pub(crate) order_id: Option<String>,
    /// Order time, e.g. "2017/8/27 16:51".
    #[arg(long)]
    pub(crate) order_create_time: Option<String>,
    /// Ship date YYYYMMDD (some carriers need it).
    #[arg(long)]
    pub(crate) tracking_ship_date: Option<String>,
    /// Destination postcode (some carriers need it).
    #[arg(long)]
    pub(crate) tracking_postal_code: Option<String>,
    /// Account number (some carriers need it).
    #[arg(long)]
    pub(crate) tracking_account_number: Option<String>,
    /// Destination country (some carriers need it).
    #[arg(long)]
    pub(crate) tracking_destination_country: Option<String>,
    /// Destination country for specific carriers (specialNumberDestination).
    #[arg(long)]
    pub(crate) special_number_destination: Option<String>,
    /// Language of checkpoint texts (two letters).
    #[arg(long)]
    pub(crate) lang: Option<String>,
    /// 1: do not auto-correct the carrier.
    #[arg(long)]
    pub(crate) auto_correct: Option<u8>,
    /// Free text.
    #[arg(long)]
    pub(crate) comment: Option<String>,
}

/// Fields of the update call.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct UpdateFields {
    /// Product title.
    #[arg(long)]
    pub(crate) title: Option<String>,
    /// Logistics channel.
    #[arg(long)]
    pub(crate) logistics_channel: Option<String>,
    /// Customer name.
    #[arg(long)]
    pub(crate) customer_name: Option<String>,
    /// Customer e-mail.
    #[arg(long)]
    pub(crate) customer_email: Option<String>,
    /// Customer phone.
    #[arg(long)]
    pub(crate) customer_phone: Option<String>,
    /// Order id.
    #[arg(long)]
    pub(crate) order_id: Option<String>,
    /// Destination country, alpha-2.
    #[arg(long)]
    pub(crate) destination_code: Option<String>,
    /// Archive (true) or unarchive (false).
    #[arg(long, value_name = "true|false")]
    pub(crate) archived: Option<bool>,
    /// Set the status by hand: delivered (4), exception (7) or revert (8).
    #[arg(long, value_name = "delivered|exception|revert")]
    pub(crate) status: Option<String>,
}

/// Time filters (Unix seconds, inclusive).
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct TimeFilter {
    /// Created at or after (Unix seconds).
    #[arg(long, value_name = "SECS")]
    pub(crate) created_at_min: Option<i64>,
    /// Created at or before (Unix seconds).
    #[arg(long, value_name = "SECS")]
    pub(crate) created_at_max: Option<i64>,
    /// Order created at or after (Unix seconds).
    #[arg(long, value_name = "SECS")]
    pub(crate) order_created_time_min: Option<i64>,
    /// Order created at or before (Unix seconds).
    #[arg(long, value_name = "SECS")]
    pub(crate) order_created_time_max: Option<i64>,
}

/// Filters of the list call (also used by export).
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ListFilterArgs {
    /// Only this status (pending, notfound, transit, pickup, delivered, undelivered, exception, expired).
    #[arg(long)]
    pub(crate) status: Option<String>,
    /// Time filters.
    #[command(flatten)]
    pub(crate) time: TimeFilter,
    /// Updated at or after (Unix seconds).
    #[arg(long, value_name = "SECS")]
    pub(crate) update_time_min: Option<i64>,
    /// Updated at or before (Unix seconds).
    #[arg(long, value_name = "SECS")]
    pub(crate) update_time_max: Option<i64>,
    /// Only these tracking numbers (comma-separated, at most 40).
    #[arg(long, value_delimiter = ',')]
    pub(crate) numbers: Vec<String>,
    /// Only these order ids (comma-separated, at most 40).
    #[arg(long, value_delimiter = ',')]
    pub(crate) orders: Vec<String>,
    /// Only archived (true) or only unarchived (false) trackings.
    #[arg(long, value_name = "true|false")]
    pub(crate) archived: Option<bool>,
    /// Language of checkpoint texts.
    #[arg(long)]
    pub(crate) lang: Option<String>,
}

/// An input file.
#[derive(Debug, Clone, Args)]
pub(crate) struct FileArgs {
    /// Input file (CSV with a header row, or JSONL); `-` reads stdin.
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// File format (default: from the extension; csv for stdin).
    #[arg(long, value_enum)]
    pub(crate) format: Option<FileFormat>,
}

/// Trackings named on the command line or in a file.
#[derive(Debug, Clone, Args)]
pub(crate) struct RefsArgs {
    /// Trackings as CARRIER_CODE:TRACKING_NUMBER.
    #[arg(value_name = "CARRIER:NUMBER", required_unless_present = "file")]
    pub(crate) items: Vec<String>,
    /// A CSV or JSONL file with tracking_number and carrier_code columns.
    #[arg(long, value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,
    /// Format of --file (default: from the extension).
    #[arg(long, value_enum)]
    pub(crate) format: Option<FileFormat>,
}

/// Every command.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List supported carriers (GET /carriers).
    Carriers {
        /// Carrier names in this language (en, cn, …).
        #[arg(long)]
        lang: Option<String>,
    },
    /// Detect the carrier of a tracking number (POST /carriers/detect).
    Detect {
        /// Tracking number.
        #[arg(value_name = "TRACKING_NUMBER")]
        tracking_number: String,
    },
    /// Create one tracking (POST /trackings/post).
    Create {
        /// The tracking.
        #[command(flatten)]
        key: Key,
        /// Optional fields.
        #[command(flatten)]
        fields: CreateFields,
    },
    /// Get one tracking with its checkpoints (GET /trackings/{carrier}/{number}).
    Get {
        /// The tracking.
        #[command(flatten)]
        key: Key,
        /// Checkpoint texts in this language.
        #[arg(long)]
        lang: Option<String>,
    },
    /// Change fields of one tracking (PUT /trackings/{carrier}/{number}).
    Update {
        /// The tracking.
        #[command(flatten)]
        key: Key,
        /// Fields to change.
        #[command(flatten)]
        fields: UpdateFields,
    },
    /// Delete one tracking (DELETE /trackings/{carrier}/{number}).
    Delete {
        /// The tracking.
        #[command(flatten)]
        key: Key,
    },
    /// List trackings, one page (GET /trackings/get).
    List {
        /// Page number (1-based).
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// Trackings per page (1..=2000).
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// Filters.
        #[command(flatten)]
        filter: ListFilterArgs,
    },
    /// Query a carrier now without storing a tracking (POST /trackings/realtime).
    Realtime {
        /// The tracking.
        #[command(flatten)]
        key: Key,
        /// Destination country, alpha-2.
        #[arg(long)]
        destination_code: Option<String>,
        /// Ship date YYYYMMDD.
        #[arg(long)]
        tracking_ship_date: Option<String>,
        /// Destination postcode.
        #[arg(long)]
        tracking_postal_code: Option<String>,
        /// Account number.
        #[arg(long)]
        tracking_account_number: Option<String>,
        /// Destination country for specific carriers.
        #[arg(long)]
        special_number_destination: Option<String>,
        /// Order id.
        #[arg(long)]
        order: Option<String>,
        /// Order time.
        #[arg(long)]
        order_create_time: Option<String>,
        /// Language (two letters).
        #[arg(long)]
        lang: Option<String>,
    },
    /// Move a tracking to another carrier code (POST /trackings/update).
    ChangeCarrier {
        /// The tracking.
        #[command(flatten)]
        key: Key,
        /// The new carrier code.
        #[arg(value_name = "UPDATE_CARRIER_CODE")]
        update_carrier_code: String,
    },
    /// Account e-mail, balance and remaining credits (GET /trackings/getuserinfo).
    UserInfo,
    /// Number of trackings per status (GET /trackings/getstatusnumber).
    StatusCounts {
        /// Filters.
        #[command(flatten)]
        filter: TimeFilter,
    },
    /// Stop updating trackings (POST /trackings/notupdate, 40 per call).
    StopUpdates(RefsArgs),
    /// Is an address in a remote delivery area? (POST /trackings/remote)
    Remote {
        /// Country name or alpha-2 code.
        country: String,
        /// Postcode (or city where the country has none).
        postcode: String,
        /// Only this express company (e.g. DHL).
        #[arg(long)]
        company: Option<String>,
    },
    /// Transit-time statistics for a lane (POST /trackings/costtime).
    TransitTime {
        /// Carrier code.
        #[arg(value_name = "CARRIER_CODE")]
        carrier_code: String,
        /// Origin country, alpha-2.
        #[arg(value_name = "ORIGINAL")]
        original: String,
        /// Destination country, alpha-2.
        #[arg(value_name = "DESTINATION")]
        destination: String,
    },
    /// Track air waybills (POST /trackings/aircargo).
    AirCargo {
        /// Air waybill numbers like 172-28891936.
        #[arg(value_name = "TRACK_NUMBER", required = true)]
        track_number: Vec<String>,
        /// Event texts in this language.
        #[arg(long)]
        lang: Option<String>,
    },
    /// Create up to 40 trackings from a file in one call (POST /trackings/batch).
    BatchCreate(FileArgs),
    /// Update trackings from a file (POST /trackings/updatemore, 40 per call).
    BatchUpdate(FileArgs),
    /// Delete trackings (POST /trackings/delete, 40 per call).
    BatchDelete(RefsArgs),
    /// Create every tracking of a CSV/JSONL file: progress, summary, per-row outcomes.
    Import {
        /// The file.
        #[command(flatten)]
        file: FileArgs,
        /// Write one outcome row per input row to this CSV file.
        #[arg(long, value_name = "FILE")]
        outcomes: Option<PathBuf>,
        /// Calls in flight at once.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
        /// Items per call (1..=40).
        #[arg(long, default_value_t = 40)]
        chunk_size: usize,
        /// Continue an interrupted or killed import: rows with a final outcome in
        /// --outcomes are skipped, the rest are sent (needs --outcomes).
        #[arg(long, requires = "outcomes")]
        resume: bool,
    },
    /// Write every tracking (auto-paged) as CSV or JSONL.
    Export {
        /// Format (default: from --out's extension, else csv).
        #[arg(long, value_enum)]
        format: Option<FileFormat>,
        /// Write to FILE instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Trackings per page (1..=2000).
        #[arg(long, default_value_t = 2000)]
        page_size: u32,
        /// Filters.
        #[command(flatten)]
        filter: ListFilterArgs,
    },
    /// Poll a tracking until delivered, expired or exception.
    Watch {
        /// The tracking.
        #[command(flatten)]
        key: Key,
        /// With --mock: simulated time to advance between polls.
        #[arg(long, value_parser = parse_duration, default_value = "6h", value_name = "DURATION")]
        step: Duration,
        /// Without --mock: real time to wait between polls.
        #[arg(long, value_parser = parse_duration, default_value = "10m", value_name = "DURATION")]
        interval: Duration,
        /// Give up after this many polls (exit 1).
        #[arg(long, default_value_t = 200)]
        max_polls: u32,
        /// Create the tracking first if it does not exist.
        #[arg(long)]
        create: bool,
        /// --base-url is a tm-mock server: advance its simulated clock by --step
        /// between polls instead of waiting.
        #[arg(long, conflicts_with_all = ["mock", "mock_state"])]
        server_clock: bool,
    },
    /// Verify or receive webhook deliveries (tm webhook verify|listen; no API key needed).
    Webhook(crate::webhook::WebhookArgs),
    /// Import the sample shipments into the simulator, advance its clock, print statuses.
    ///
    /// Always runs on the in-process simulator (no key needed); with --mock-state the
    /// result is kept for later commands.
    Demo {
        /// Simulated days to advance.
        #[arg(long, default_value_t = 14)]
        days: u32,
        /// Simulated time per step.
        #[arg(long, value_parser = parse_duration, default_value = "1d", value_name = "DURATION")]
        step: Duration,
        /// Import this file instead of the built-in sample.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
}

/// Parses `30`, `30s`, `500ms`, `2m`, `6h`, `14d` (a bare number is seconds).
pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration like 30s, 500ms, 2m, 6h or 1d"))?;
    let secs = match unit.trim() {
        "" | "s" | "sec" | "secs" => value,
        "ms" => value / 1000.0,
        "m" | "min" | "mins" => value * 60.0,
        "h" | "hour" | "hours" => value * 3600.0,
        "d" | "day" | "days" => value * 86_400.0,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {s:?} (use ms, s, m, h or d)"
            ))
        }
    };
    if !secs.is_finite() || !(0.0..=1.0e10).contains(&secs) {
        return Err(format!("{s:?} is out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("6h").unwrap(), Duration::from_secs(6 * 3600));
        assert_eq!(parse_duration("1d").unwrap(), Duration::from_secs(86_400));
        assert!(parse_duration("x").is_err());
        assert!(parse_duration("5y").is_err());
    }
}
