//! Response rendering straight to JSON bytes. The hot responses (a tracking, a
//! created tracking, list pages) are serialized from borrowed views instead of
//! `serde_json::Value` trees: no per-key allocation, no map hashing.

use std::fmt;

use chrono::DateTime;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::catalog::Carrier;
use crate::route::{Event, Leg, Route, St, StatusAt};
use crate::state::{State, Stored};

/// Data of a successful call: a JSON tree, or JSON already rendered.
#[derive(Debug)]
pub(crate) enum Data {
    Json(Value),
    Raw(Box<RawValue>),
}

impl From<Value> for Data {
    fn from(v: Value) -> Self {
        Data::Json(v)
    }
}

impl From<Box<RawValue>> for Data {
    fn from(v: Box<RawValue>) -> Self {
        Data::Raw(v)
    }
}

impl Serialize for Data {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Data::Json(v) => v.serialize(s),
            Data::Raw(r) => r.serialize(s),
        }
    }
}

/// Renders `v` to a raw JSON value (no re-parsing).
pub(crate) fn raw<T: Serialize + ?Sized>(v: &T) -> Box<RawValue> {
    // Serializing these views cannot fail: every key is a string.
    serde_json::value::to_raw_value(v)
        .unwrap_or_else(|_| RawValue::from_string("null".to_owned()).expect("`null` is valid JSON"))
}

/// Writes a Display straight into the output (no intermediate String).
struct Disp<T: fmt::Display>(T);

impl<T: fmt::Display> Serialize for Disp<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// A 32-hex id, written as one string (no formatting machinery).
struct HexId(u128);

impl Serialize for HexId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut buf = [0u8; 32];
        for (i, b) in buf.iter_mut().enumerate() {
            *b = DIGITS[((self.0 >> ((31 - i) * 4)) & 0xf) as usize];
        }
        // Only ASCII hex digits were written.
        s.serialize_str(std::str::from_utf8(&buf).unwrap_or_default())
    }
}

/// Carrier-local `YYYY-MM-DD HH:MM:SS` of an event.
struct Local(i64);

impl fmt::Display for Local {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_datetime(f, self.0, ' ', "")
    }
}

impl Serialize for Local {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 25];
        match datetime_bytes(&mut buf, self.0, b' ', b"") {
            Some(t) => s.serialize_str(t),
            None => s.collect_str(self),
        }
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `YYYY-MM-DD<sep>HH:MM:SS<suffix>` of a Unix time written into `buf`, for
/// years 0..=9999 (the same text [`write_datetime`] produces); `None` for
/// other years, which take the general path.
fn datetime_bytes<'b>(buf: &'b mut [u8; 25], t: i64, sep: u8, suffix: &[u8]) -> Option<&'b str> {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) || suffix.len() > 6 {
        return None;
    }
    let (hh, mm, ss) = (secs / 3600, secs / 60 % 60, secs % 60);
    let two = |b: &mut [u8], v: i64| {
        b[0] = b'0' + (v / 10) as u8;
        b[1] = b'0' + (v % 10) as u8;
    };
    two(&mut buf[0..2], y / 100);
    two(&mut buf[2..4], y % 100);
    buf[4] = b'-';
    two(&mut buf[5..7], i64::from(m));
    buf[7] = b'-';
    two(&mut buf[8..10], i64::from(d));
    buf[10] = sep;
    two(&mut buf[11..13], hh);
    buf[13] = b':';
    two(&mut buf[14..16], mm);
    buf[16] = b':';
    two(&mut buf[17..19], ss);
    let end = 19 + suffix.len();
    buf[19..end].copy_from_slice(suffix);
    std::str::from_utf8(&buf[..end]).ok()
}

/// `YYYY-MM-DD<sep>HH:MM:SS<suffix>` of a Unix time, with plain integer
/// formatting (chrono's format strings are parsed on every call).
fn write_datetime(f: &mut fmt::Formatter<'_>, t: i64, sep: char, suffix: &str) -> fmt::Result {
    use chrono::{Datelike, Timelike};
    let Some(d) = DateTime::from_timestamp(t, 0) else {
        return Ok(());
    };
    write!(
        f,
        "{:04}-{:02}-{:02}{sep}{:02}:{:02}:{:02}{suffix}",
        d.year(),
        d.month(),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

fn local(e: &Event) -> Local {
    Local(e.at + e.tz)
}

/// RFC 3339 UTC with `+00:00`.
struct Rfc3339(i64);

impl fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_datetime(f, self.0, 'T', "+00:00")
    }
}

impl Serialize for Rfc3339 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 25];
        match datetime_bytes(&mut buf, self.0, b'T', b"+00:00") {
            Some(t) => s.serialize_str(t),
            None => s.collect_str(self),
        }
    }
}

fn opt(v: &Option<Box<str>>) -> Option<&str> {
    v.as_deref()
}

/// The created-tracking shape (seed's batch item plus `destination`; update
/// results add `updated_at`, `destination_code`, `archived`).
pub(crate) struct CreatedView<'a> {
    pub s: &'a Stored,
    pub status: St,
    pub updated: bool,
}

impl Serialize for CreatedView<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let s = self.s;
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("id", &HexId(s.id))?;
        m.serialize_entry("tracking_number", &*s.number)?;
        m.serialize_entry("carrier_code", s.carrier.code)?;
        match s.order_create_time.as_deref() {
            Some(o) => m.serialize_entry("order_create_time", o)?,
            None => m.serialize_entry("order_create_time", &0)?,
        }
        m.serialize_entry("status", self.status.as_str())?;
        m.serialize_entry("created_at", &Rfc3339(s.created))?;
        if self.updated {
            m.serialize_entry("updated_at", &Rfc3339(s.modified))?;
        }
        m.serialize_entry("customer_email", &opt(&s.customer_email))?;
        m.serialize_entry("customer_name", &opt(&s.customer_name))?;
        m.serialize_entry("customer_phone", &opt(&s.customer_phone))?;
        m.serialize_entry("order_id", &opt(&s.order_id))?;
        m.serialize_entry("comment", &opt(&s.comment))?;
        m.serialize_entry("title", &opt(&s.title))?;
        m.serialize_entry("logistics_channel", &opt(&s.logistics_channel))?;
        m.serialize_entry("destination", "")?;
        if self.updated {
            m.serialize_entry("destination_code", &opt(&s.destination_code))?;
            m.serialize_entry("archived", &s.archived)?;
        }
        m.end()
    }
}

/// The full tracking object of `s` seen at time `t`.
pub(crate) struct TrackingView<'a> {
    pub s: &'a Stored,
    pub route: Route,
    pub t: i64,
}

impl Serialize for TrackingView<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let (s, route) = (self.s, &self.route);
        let eff = State::eff(s, self.t);
        let st = match s.manual {
            Some(m) => StatusAt {
                status: m,
                substatus: None,
                next: None,
            },
            None => route.status_at(eff),
        };
        let vis = route.visible(eff);
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("id", &HexId(s.id))?;
        m.serialize_entry("tracking_number", &*s.number)?;
        m.serialize_entry("carrier_code", s.carrier.code)?;
        m.serialize_entry("status", st.status.as_str())?;
        m.serialize_entry("track_update", &s.track_update)?;
        m.serialize_entry("created_at", &Rfc3339(s.created))?;
        m.serialize_entry("updated_at", &Rfc3339(State::updated_at(s, route, self.t)))?;
        m.serialize_entry("order_create_time", &opt(&s.order_create_time))?;
        m.serialize_entry("title", &opt(&s.title))?;
        m.serialize_entry("order_id", &opt(&s.order_id))?;
        m.serialize_entry("comment", &opt(&s.comment))?;
        m.serialize_entry("customer_name", &opt(&s.customer_name))?;
        m.serialize_entry("customer_email", &opt(&s.customer_email))?;
        m.serialize_entry("customer_phone", &opt(&s.customer_phone))?;
        m.serialize_entry("logistics_channel", &opt(&s.logistics_channel))?;
        m.serialize_entry("destination_code", &opt(&s.destination_code))?;
        m.serialize_entry("archived", &s.archived)?;
        m.serialize_entry("original_country", route.origin.name)?;
        m.serialize_entry("destination_country", route.dest.name)?;
        let item_len = match (vis.first(), route.delivered_at(eff)) {
            (Some(f), Some(d)) => Some((d - f.at).max(0) / 86_400),
            (Some(f), None) => Some((eff - f.at).max(0) / 86_400),
            (None, _) => None,
        };
        m.serialize_entry("itemTimeLength", &item_len)?;
        m.serialize_entry(
            "stayTimeLength",
            &vis.last().map_or(0, |e| (eff - e.at).max(0) / 86_400),
        )?;
        m.serialize_entry("service_code", &())?;
        m.serialize_entry("status_info", &())?;
        m.serialize_entry("substatus", &st.substatus)?;
        m.serialize_entry(
            "origin_info",
            &InfoView {
                carrier: Some(s.carrier),
                vis,
                leg: Leg::Origin,
            },
        )?;
        m.serialize_entry(
            "destination_info",
            &InfoView {
                carrier: route.dest_carrier,
                vis,
                leg: Leg::Dest,
            },
        )?;
        match vis.last() {
            Some(e) => {
                let d = Local(e.at + e.tz);
                m.serialize_entry(
                    "lastEvent",
                    &Disp(format_args!("{},{},{}", e.desc, e.details, d)),
                )?;
                m.serialize_entry("lastUpdateTime", &local(e))?;
            }
            None => {
                m.serialize_entry("lastEvent", "")?;
                m.serialize_entry("lastUpdateTime", &())?;
            }
        }
        m.end()
    }
}

const NODES: [&str; 6] = [
    "ItemReceived",
    "ItemDispatched",
    "DepartfromAirport",
    "ArrivalfromAbroad",
    "CustomsClearance",
    "DestinationArrived",
];

struct InfoView<'a> {
    carrier: Option<&'static Carrier>,
    vis: &'a [Event],
    leg: Leg,
}

impl Serialize for InfoView<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("ReferenceNumber", &())?;
        for node in NODES {
            let hit = self.carrier.and(
                self.vis
                    .iter()
                    .find(|e| e.leg == self.leg && e.node == Some(node)),
            );
            match hit {
                Some(e) => m.serialize_entry(node, &local(e))?,
                None => m.serialize_entry(node, &())?,
            }
        }
        match self.carrier {
            Some(c) => {
                m.serialize_entry("weblink", &Disp(format_args!("http:{}", c.homepage)))?;
                m.serialize_entry("phone", c.phone)?;
                m.serialize_entry("carrier_code", c.code)?;
            }
            None => {
                m.serialize_entry("weblink", &())?;
                m.serialize_entry("phone", &())?;
                m.serialize_entry("carrier_code", &())?;
            }
        }
        m.serialize_entry("trackinfo", &Checkpoints(self))?;
        m.end()
    }
}

struct Checkpoints<'a, 'b>(&'a InfoView<'b>);

impl Serialize for Checkpoints<'_, '_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let info = self.0;
        let mut seq = ser.serialize_seq(None)?;
        if info.carrier.is_some() {
            for e in info.vis.iter().rev().filter(|e| e.leg == info.leg) {
                seq.serialize_element(&CheckpointView(e))?;
            }
        }
        seq.end()
    }
}

struct CheckpointView<'a>(&'a Event);

impl Serialize for CheckpointView<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let e = self.0;
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("Date", &local(e))?;
        m.serialize_entry("StatusDescription", &e.desc)?;
        m.serialize_entry("Details", &e.details)?;
        m.serialize_entry("checkpoint_status", e.status.as_str())?;
        if let Some(sub) = e.substatus {
            m.serialize_entry("substatus", sub)?;
        }
        if let Some(n) = e.node {
            m.serialize_entry("ItemNode", n)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_dates_and_ids_match_the_formatter() {
        let mut t: i64 = -62_167_219_200 - 86_400; // before year 0: general path
        while t < 253_402_300_800 + 86_400 * 400 {
            for (sep, suffix) in [(' ', ""), ('T', "+00:00")] {
                let general = format!("{}", Disp2(t, sep, suffix));
                let mut buf = [0u8; 25];
                match datetime_bytes(&mut buf, t, sep as u8, suffix.as_bytes()) {
                    Some(fast) => assert_eq!(fast, general, "{t}"),
                    None => assert!(
                        general.starts_with('-') || general.as_bytes().get(4) != Some(&b'-'),
                        "{general}"
                    ),
                }
            }
            t += 7_654_321 + t.rem_euclid(86_399);
        }
        for id in [
            0u128,
            1,
            u128::MAX,
            0x0123_4567_89ab_cdef_fedc_ba98_7654_3210,
        ] {
            assert_eq!(
                serde_json::to_string(&HexId(id)).unwrap(),
                format!("\"{id:032x}\"")
            );
        }
        assert_eq!(
            serde_json::to_string(&Local(-62_167_219_200 - 1)).unwrap(),
            format!("\"{}\"", Local(-62_167_219_200 - 1))
        );
    }

    struct Disp2(i64, char, &'static str);

    impl fmt::Display for Disp2 {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_datetime(f, self.0, self.1, self.2)
        }
    }
}
