//! Date-time fields: RFC 3339 ones keep their offset; carrier-local ones stay naive.

use std::fmt;
use std::sync::LazyLock;

use chrono::format::{self, Item, StrftimeItems};
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date-time field exactly as the service sent it, with its parsed value.
///
/// - `2018-04-18T07:26:14+00:00` (RFC 3339) → [`Timestamp::offset`] is `Some`.
/// - `2019-07-25 22:02:05`, `2015-10-09 00:00`, `2017/8/27 16:51` (carrier-local,
///   no zone) → [`Timestamp::naive`] is `Some` and the value is never relabelled as UTC.
/// - anything else (including the integer `0` of `order_create_time`) is kept as
///   text and serialized back unchanged.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    raw: String,
    parsed: Parsed,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Parsed {
    Offset(DateTime<FixedOffset>),
    Naive(NaiveDateTime),
    Integer(i64),
    Unparsed,
}

impl Timestamp {
    /// Parses `raw`, keeping it.
    pub fn parse(raw: impl Into<String>) -> Self {
        let raw = raw.into();
        let parsed = parse_text(raw.trim());
        Self { raw, parsed }
    }

    /// An RFC 3339 value from a date-time with offset.
    pub fn from_offset(dt: DateTime<FixedOffset>) -> Self {
        Self {
            raw: dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            parsed: Parsed::Offset(dt),
        }
    }

    /// A carrier-local value (`YYYY-MM-DD HH:MM:SS`).
    pub fn from_naive(dt: NaiveDateTime) -> Self {
        Self {
            raw: dt.format("%Y-%m-%d %H:%M:%S").to_string(),
            parsed: Parsed::Naive(dt),
        }
    }

    /// The text as sent.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The value with its UTC offset, for RFC 3339 fields.
    pub fn offset(&self) -> Option<DateTime<FixedOffset>> {
        match self.parsed {
            Parsed::Offset(dt) => Some(dt),
            _ => None,
        }
    }

    /// The carrier-local value, for fields sent without a zone.
    pub fn naive(&self) -> Option<NaiveDateTime> {
        match self.parsed {
            Parsed::Naive(dt) => Some(dt),
            _ => None,
        }
    }

    /// Seconds since the Unix epoch: zoned values exactly, integer values as
    /// given, zone-less values read as UTC; `None` when unparsed.
    pub fn unix_seconds(&self) -> Option<i64> {
        match self.parsed {
            Parsed::Offset(dt) => Some(dt.timestamp()),
            Parsed::Naive(dt) => Some(dt.and_utc().timestamp()),
            Parsed::Integer(n) => Some(n),
            Parsed::Unparsed => None,
        }
    }

    /// True when the value carries no zone (carrier-local time).
    pub fn is_local(&self) -> bool {
        matches!(self.parsed, Parsed::Naive(_))
    }
}

/// Carrier-local date-time layouts, tried in order.
const DATETIME_FORMATS: [&str; 5] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
];

/// Date-only layouts, tried after the date-time ones.
const DATE_FORMATS: [&str; 2] = ["%Y-%m-%d", "%Y/%m/%d"];

/// The layouts above, compiled once: `parse_from_str` would re-read the format
/// string on every call, which was most of the cost of decoding a tracking.
/// Parsing with the compiled items is what `parse_from_str` does internally.
type Compiled = (
    [Vec<Item<'static>>; DATETIME_FORMATS.len()],
    [Vec<Item<'static>>; DATE_FORMATS.len()],
);

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    (
        DATETIME_FORMATS.map(|f| StrftimeItems::new(f).collect()),
        DATE_FORMATS.map(|f| StrftimeItems::new(f).collect()),
    )
});

fn parse_text(s: &str) -> Parsed {
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Parsed::Offset(dt);
    }
    let (datetimes, dates) = &*COMPILED;
    for items in datetimes {
        let mut p = format::Parsed::new();
        if format::parse(&mut p, s, items.iter()).is_ok() {
            if let Ok(dt) = p.to_naive_datetime_with_offset(0) {
                return Parsed::Naive(dt);
            }
        }
    }
    for items in dates {
        let mut p = format::Parsed::new();
        if format::parse(&mut p, s, items.iter()).is_ok() {
            if let Ok(d) = p.to_naive_date() {
                return Parsed::Naive(d.and_hms_opt(0, 0, 0).unwrap_or_default());
            }
        }
    }
    Parsed::Unparsed
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.raw)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.parsed {
            Parsed::Integer(i) => s.serialize_i64(i),
            _ => s.serialize_str(&self.raw),
        }
    }
}

struct TsVisitor;

impl Visitor<'_> for TsVisitor {
    type Value = Timestamp;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date-time string or an integer")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        Ok(Timestamp::parse(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
        Ok(Timestamp {
            raw: v.to_string(),
            parsed: Parsed::Integer(v),
        })
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
        match i64::try_from(v) {
            Ok(i) => self.visit_i64(i),
            Err(_) => Ok(Timestamp::parse(v.to_string())),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
        Ok(Timestamp::parse(v.to_string()))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_and_naive_are_kept_apart() {
        let t = Timestamp::parse("2019-08-21T14:14:55+08:00");
        assert_eq!(t.offset().unwrap().offset().local_minus_utc(), 8 * 3600);
        assert!(t.naive().is_none());

        let t = Timestamp::parse("2019-07-25 22:02:05");
        assert!(t.offset().is_none());
        assert_eq!(t.naive().unwrap().to_string(), "2019-07-25 22:02:05");
        assert!(t.is_local());

        let t = Timestamp::parse("2017/8/27 16:51");
        assert_eq!(t.naive().unwrap().to_string(), "2017-08-27 16:51:00");
        assert_eq!(t.as_str(), "2017/8/27 16:51");
    }

    #[test]
    fn round_trips_exactly() {
        for json in [
            "\"2015-10-09 00:00\"",
            "0",
            "\"not a date\"",
            "\"2018-04-18T07:26:14+00:00\"",
        ] {
            let t: Timestamp = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&t).unwrap(), json);
        }
    }

    /// `parse_text` as it was, with `parse_from_str` on every call.
    fn reference(s: &str) -> Parsed {
        use chrono::NaiveDate;
        if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
            return Parsed::Offset(dt);
        }
        for fmt in DATETIME_FORMATS {
            if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
                return Parsed::Naive(dt);
            }
        }
        for fmt in DATE_FORMATS {
            if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
                return Parsed::Naive(d.and_hms_opt(0, 0, 0).unwrap_or_default());
            }
        }
        Parsed::Unparsed
    }

    #[test]
    fn compiled_formats_parse_like_parse_from_str() {
        let fixed = [
            "",
            "2019-07-25 22:02:05",
            "2019-07-25 23:59:60",
            "2019-02-30 10:00",
            "2015-10-09 00:00",
            "2017/8/27 16:51",
            "2017/08/27 16:51:07",
            "2019-07-25T22:02:05",
            "2019-07-25T22:02:05Z",
            "2019-07-25 22:02:05 extra",
            "+2019-07-25 22:02",
            "2019-7-5",
            "2019/7/5",
            "20190725",
            "0",
            "2018-04-18T07:26:14+00:00",
        ];
        let mut rng = fastrand::Rng::with_seed(11);
        let alphabet: Vec<char> = "0123456789-/: T+Z".chars().collect();
        let mut inputs: Vec<String> = fixed.iter().map(|s| (*s).to_owned()).collect();
        for _ in 0..20_000 {
            let mut t = fixed[rng.usize(1..fixed.len())].to_owned().into_bytes();
            for _ in 0..rng.usize(0..3) {
                if t.is_empty() {
                    break;
                }
                let i = rng.usize(0..t.len());
                t[i] = alphabet[rng.usize(0..alphabet.len())] as u8;
            }
            inputs.push(String::from_utf8(t).unwrap());
        }
        for s in &inputs {
            assert!(parse_text(s) == reference(s), "{s:?}");
        }
    }
}
