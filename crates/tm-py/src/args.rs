//! Reading Python arguments (dicts, tuples, datetimes) into tm-core requests.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use tm_core::models as m;

use crate::errors::invalid;

/// Reads the keys of one dict item, refusing keys it does not know.
pub(crate) struct Fields<'py> {
    dict: Bound<'py, PyDict>,
    prefix: String,
    seen: Vec<String>,
}

impl<'py> Fields<'py> {
    /// Wraps `obj` (which must be a dict) as item `prefix` (e.g. `items[3]`).
    pub(crate) fn new(obj: &Bound<'py, PyAny>, prefix: String) -> PyResult<Self> {
        let dict = obj
            .cast::<PyDict>()
            .map_err(|_| invalid(&prefix, "expected a dict"))?
            .clone();
        Ok(Self {
            dict,
            prefix,
            seen: Vec::new(),
        })
    }

    fn name(&self, key: &str) -> String {
        format!("{}.{key}", self.prefix)
    }

    fn get(&mut self, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let v = self.dict.get_item(key)?;
        if v.is_some() {
            self.seen.push(key.to_owned());
        }
        Ok(v.filter(|v| !v.is_none()))
    }

    /// An optional string.
    pub(crate) fn opt_str(&mut self, key: &str) -> PyResult<Option<String>> {
        match self.get(key)? {
            None => Ok(None),
            Some(v) => v
                .extract::<String>()
                .map(Some)
                .map_err(|_| invalid(&self.name(key), "expected a string")),
        }
    }

    /// A required string.
    pub(crate) fn req_str(&mut self, key: &str) -> PyResult<String> {
        self.opt_str(key)?
            .ok_or_else(|| invalid(&self.name(key), "is required"))
    }

    /// An optional boolean.
    pub(crate) fn opt_bool(&mut self, key: &str) -> PyResult<Option<bool>> {
        match self.get(key)? {
            None => Ok(None),
            Some(v) => v
                .extract::<bool>()
                .map(Some)
                .map_err(|_| invalid(&self.name(key), "expected a bool")),
        }
    }

    /// An optional manual status (4/7/8 or `delivered`/`exception`/`revert`).
    pub(crate) fn opt_manual_status(&mut self, key: &str) -> PyResult<Option<m::ManualStatus>> {
        match self.get(key)? {
            None => Ok(None),
            Some(v) => manual_status(&v).map(Some),
        }
    }

    /// Fails if the dict holds keys that were not read.
    pub(crate) fn finish(self) -> PyResult<()> {
        if self.seen.len() == self.dict.len() {
            return Ok(());
        }
        for (k, _) in self.dict.iter() {
            let k: String = k.str()?.extract()?;
            if !self.seen.contains(&k) {
                return Err(invalid(&self.name(&k), "unknown field"));
            }
        }
        Ok(())
    }
}

/// `4`/`7`/`8` or `delivered`/`exception`/`revert`.
pub(crate) fn manual_status(v: &Bound<'_, PyAny>) -> PyResult<m::ManualStatus> {
    if let Ok(code) = v.extract::<i64>() {
        return m::ManualStatus::from_code(code).map_err(|e| invalid("status", e.message()));
    }
    let s: String = v
        .str()?
        .extract()
        .map_err(|_| invalid("status", "expected 4, 7, 8 or a status name"))?;
    match s.as_str() {
        "delivered" => Ok(m::ManualStatus::Delivered),
        "exception" => Ok(m::ManualStatus::Exception),
        "revert" => Ok(m::ManualStatus::Revert),
        other => Err(invalid(
            "status",
            format!("{other:?} is not delivered, exception or revert"),
        )),
    }
}

/// Latest instant a time argument may name: 9999-12-31 23:59:59 UTC (the
/// earliest is the unix epoch). Documented in the Python README.
pub(crate) const MAX_UNIX: i64 = 253_402_300_799;

/// Date/time text formats accepted without an offset (first match wins).
const NAIVE_FORMATS: [&str; 6] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
];

/// What a time string means: an instant (it had an offset) or a wall time.
enum ParsedTime {
    Aware(chrono::DateTime<chrono::FixedOffset>),
    Naive(chrono::NaiveDateTime),
}

/// Parses `text` as RFC 3339 / ISO 8601 (with or without an offset),
/// `YYYY-MM-DD[ HH:MM[:SS]]` or `YYYY/M/D[ H:MM[:SS]]`.
fn parse_time(text: &str) -> Option<ParsedTime> {
    let t = text.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(ParsedTime::Aware(dt));
    }
    for f in [
        "%Y-%m-%d %H:%M:%S%:z",
        "%Y-%m-%dT%H:%M:%S%:z",
        "%Y-%m-%d %H:%M:%S%z",
    ] {
        if let Ok(dt) = chrono::DateTime::parse_from_str(t, f) {
            return Some(ParsedTime::Aware(dt));
        }
    }
    for f in NAIVE_FORMATS {
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(t, f) {
            return Some(ParsedTime::Naive(dt));
        }
    }
    for f in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(t, f) {
            return Some(ParsedTime::Naive(d.and_time(chrono::NaiveTime::MIN)));
        }
    }
    None
}

const TIME_FORMS: &str =
    "expected a unix time (int), a datetime, a date or an ISO 8601 string like 2024-05-01 or 2024-05-01T12:00:00+02:00";

fn in_unix_range(field: &str, t: i64) -> PyResult<i64> {
    if (0..=MAX_UNIX).contains(&t) {
        Ok(t)
    } else {
        Err(invalid(
            field,
            "must lie between 1970-01-01 and 9999-12-31 (unix seconds 0 to 253402300799)",
        ))
    }
}

/// True for a `datetime` whose `utcoffset()` is not `None`.
fn is_aware(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(v.hasattr("utcoffset")? && !v.call_method0("utcoffset")?.is_none())
}

/// A unix timestamp (seconds, UTC) from an int, a float, a `datetime`, a
/// `date` or an ISO 8601 string. Aware values keep their instant; naive
/// `datetime`s and strings without an offset are read as UTC (the API's
/// filters are in UTC), never as the machine's local time.
pub(crate) fn unix_time(field: &str, v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<i64>> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    if v.is_instance_of::<pyo3::types::PyBool>() {
        return Err(invalid(field, TIME_FORMS));
    }
    if v.is_instance_of::<pyo3::types::PyInt>() {
        let Int(i) = v.extract::<Int>()?;
        return in_unix_range(field, i.unwrap_or(i64::MAX)).map(Some);
    }
    if let Ok(f) = v.cast::<pyo3::types::PyFloat>() {
        let f = f.value();
        if !f.is_finite() || f < 0.0 || f > MAX_UNIX as f64 {
            return in_unix_range(field, -1).map(Some);
        }
        return Ok(Some(f as i64));
    }
    if let Ok(s) = v.cast::<PyString>() {
        let text = s.to_cow()?;
        let t = match parse_time(&text) {
            Some(ParsedTime::Aware(dt)) => dt.timestamp(),
            Some(ParsedTime::Naive(dt)) => dt.and_utc().timestamp(),
            None => {
                return Err(invalid(
                    field,
                    format!("{:?} is not a date or time: {TIME_FORMS}", text),
                ))
            }
        };
        return in_unix_range(field, t).map(Some);
    }
    if v.hasattr("hour")? {
        if is_aware(v)? {
            let f: f64 = v.call_method0("timestamp")?.extract()?;
            return in_unix_range(field, f.floor() as i64).map(Some);
        }
        let naive: chrono::NaiveDateTime = v.extract().map_err(|_| invalid(field, TIME_FORMS))?;
        return in_unix_range(field, naive.and_utc().timestamp()).map(Some);
    }
    if let Ok(d) = v.extract::<chrono::NaiveDate>() {
        return in_unix_range(
            field,
            d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp(),
        )
        .map(Some);
    }
    Err(invalid(field, TIME_FORMS))
}

/// Text for a free-form time field such as `order_create_time`: a string is
/// checked (ISO 8601, `YYYY-MM-DD[ HH:MM[:SS]]`, `YYYY/M/D H:MM`) and sent as
/// given; an aware `datetime` is sent as ISO 8601 with its offset
/// (`2024-05-01 12:00:00+02:00`, the same instant); a naive one as
/// `YYYY-MM-DD HH:MM:SS` (a wall time, as the API's own examples); a `date`
/// as `YYYY-MM-DD`.
pub(crate) fn time_text(field: &str, v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    if let Ok(s) = v.cast::<PyString>() {
        let text = s.to_cow()?.into_owned();
        if parse_time(&text).is_none() {
            return Err(invalid(
                field,
                format!("{text:?} is not a date or time: expected ISO 8601 (2024-05-01, 2024-05-01 12:00:00, 2024-05-01T12:00:00+02:00) or 2024/5/1 12:00"),
            ));
        }
        return Ok(Some(text));
    }
    if v.hasattr("hour")? {
        if is_aware(v)? {
            return Ok(Some(
                v.call_method1("isoformat", (" ", "seconds"))?.extract()?,
            ));
        }
        return Ok(Some(
            v.call_method1("strftime", ("%Y-%m-%d %H:%M:%S",))?
                .extract()?,
        ));
    }
    if v.hasattr("isoformat")? && v.hasattr("year")? {
        return Ok(Some(v.call_method0("isoformat")?.extract()?));
    }
    Err(invalid(field, "expected a string, a datetime or a date"))
}

/// A tracking key from a `(carrier_code, tracking_number)` tuple or a dict.
pub(crate) fn tracking_ref(obj: &Bound<'_, PyAny>, prefix: String) -> PyResult<m::TrackingRef> {
    if let Ok(t) = obj.cast::<PyTuple>() {
        let (c, n): (String, String) = t
            .extract()
            .map_err(|_| invalid(&prefix, "expected (carrier_code, tracking_number)"))?;
        return Ok(m::TrackingRef::new(c, n));
    }
    let mut f = Fields::new(obj, prefix)?;
    let r = m::TrackingRef::new(f.req_str("carrier_code")?, f.req_str("tracking_number")?);
    f.finish()?;
    Ok(r)
}

/// A new tracking from a dict of API fields.
pub(crate) fn new_tracking(obj: &Bound<'_, PyAny>, prefix: String) -> PyResult<m::NewTracking> {
    if let Ok(t) = obj.cast::<PyTuple>() {
        let (c, n): (String, String) = t
            .extract()
            .map_err(|_| invalid(&prefix, "expected (carrier_code, tracking_number)"))?;
        return Ok(m::NewTracking::new(c, n));
    }
    let mut f = Fields::new(obj, prefix.clone())?;
    let auto_correct = f.opt_bool("auto_correct")?.map(u8::from);
    let order_create_time = time_text("order_create_time", f.get("order_create_time")?.as_ref())?;
    let t = m::NewTracking {
        tracking_number: f.req_str("tracking_number")?,
        carrier_code: f.req_str("carrier_code")?,
        destination_code: f.opt_str("destination_code")?,
        title: f.opt_str("title")?,
        logistics_channel: f.opt_str("logistics_channel")?,
        customer_name: f.opt_str("customer_name")?,
        customer_email: f.opt_str("customer_email")?,
        customer_phone: f.opt_str("customer_phone")?,
        order_id: f.opt_str("order_id")?,
        order_create_time,
        tracking_ship_date: f.opt_str("tracking_ship_date")?,
        tracking_postal_code: f.opt_str("tracking_postal_code")?,
        tracking_account_number: f.opt_str("tracking_account_number")?,
        tracking_destination_country: f.opt_str("tracking_destination_country")?,
        special_number_destination: f.opt_str("special_number_destination")?,
        lang: f.opt_str("lang")?,
        auto_correct,
        comment: f.opt_str("comment")?,
    };
    f.finish()?;
    Ok(t)
}

/// A key and an update from a dict.
pub(crate) fn tracking_update(
    obj: &Bound<'_, PyAny>,
    prefix: String,
) -> PyResult<(m::TrackingRef, m::TrackingUpdate)> {
    let mut f = Fields::new(obj, prefix)?;
    let key = m::TrackingRef::new(f.req_str("carrier_code")?, f.req_str("tracking_number")?);
    let update = m::TrackingUpdate {
        title: f.opt_str("title")?,
        logistics_channel: f.opt_str("logistics_channel")?,
        customer_name: f.opt_str("customer_name")?,
        customer_email: f.opt_str("customer_email")?,
        customer_phone: f.opt_str("customer_phone")?,
        order_id: f.opt_str("order_id")?,
        destination_code: f.opt_str("destination_code")?,
        archived: f.opt_bool("archived")?,
        status: f.opt_manual_status("status")?,
    };
    f.finish()?;
    Ok((key, update))
}

/// A remote-area query from a dict.
pub(crate) fn remote_check(obj: &Bound<'_, PyAny>, prefix: String) -> PyResult<m::RemoteCheck> {
    let mut f = Fields::new(obj, prefix)?;
    let r = m::RemoteCheck {
        country: f.req_str("country")?,
        postcode: f.req_str("postcode")?,
        company: f.opt_str("company")?,
    };
    f.finish()?;
    Ok(r)
}

/// A transit-time query from a dict or a `(carrier_code, original, destination)` tuple.
pub(crate) fn transit_query(
    obj: &Bound<'_, PyAny>,
    prefix: String,
) -> PyResult<m::TransitTimeQuery> {
    if let Ok(t) = obj.cast::<PyTuple>() {
        let (c, o, d): (String, String, String) = t
            .extract()
            .map_err(|_| invalid(&prefix, "expected (carrier_code, original, destination)"))?;
        return Ok(m::TransitTimeQuery::new(c, o, d));
    }
    let mut f = Fields::new(obj, prefix)?;
    let q = m::TransitTimeQuery::new(
        f.req_str("carrier_code")?,
        f.req_str("original")?,
        f.req_str("destination")?,
    );
    f.finish()?;
    Ok(q)
}

/// Reads every item of an iterable with `read(item, "items[i]")`.
pub(crate) fn each<'py, T>(
    items: &Bound<'py, PyAny>,
    mut read: impl FnMut(&Bound<'py, PyAny>, String) -> PyResult<T>,
) -> PyResult<Vec<T>> {
    if items.is_instance_of::<PyString>() || items.is_instance_of::<PyDict>() {
        return Err(invalid("items", "expected an iterable of items"));
    }
    let mut out = Vec::new();
    for (i, item) in items.try_iter()?.enumerate() {
        out.push(read(&item?, format!("items[{i}]"))?);
    }
    Ok(out)
}

/// A Python `int` of any size (`None` inside when it does not fit an `i64`),
/// so a range check can name the argument instead of an `OverflowError`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Int(pub(crate) Option<i64>);

impl<'a, 'py> FromPyObject<'a, 'py> for Int {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<pyo3::types::PyBool>()
            || !obj.is_instance_of::<pyo3::types::PyInt>()
        {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "expected an int, got {}",
                obj.get_type().name()?
            )));
        }
        Ok(Int(obj.extract::<i64>().ok()))
    }
}

impl Int {
    /// The value when `min <= value <= max`, else a `ValidationError` naming `field`.
    pub(crate) fn within(self, field: &str, min: i64, max: i64) -> PyResult<i64> {
        match self.0 {
            Some(v) if (min..=max).contains(&v) => Ok(v),
            _ => Err(invalid(
                field,
                format!("must be an integer from {min} to {max}"),
            )),
        }
    }
}

/// Checks an optional `Int` with [`Int::within`].
pub(crate) fn opt_within(v: Option<Int>, field: &str, min: i64, max: i64) -> PyResult<Option<i64>> {
    v.map(|v| v.within(field, min, max)).transpose()
}

/// A list of strings that refuses a lone `str` (which Python would happily
/// iterate character by character).
#[derive(Debug, Clone, Default)]
pub(crate) struct StrList(pub(crate) Vec<String>);

impl<'a, 'py> FromPyObject<'a, 'py> for StrList {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyString>() {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "expected a list of strings, got a single str (wrap it in a list: [\"...\"])",
            ));
        }
        let mut out = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            let item = item?;
            let s = item.cast::<PyString>().map_err(|_| {
                pyo3::exceptions::PyTypeError::new_err(format!(
                    "item {i} is {}, expected str",
                    item.get_type()
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                ))
            })?;
            out.push(s.to_cow()?.into_owned());
        }
        Ok(StrList(out))
    }
}

/// Longest timeout accepted: one day (anything longer is a mistake, and
/// `Duration` arithmetic must not overflow).
pub(crate) const MAX_TIMEOUT_SECS: f64 = 86_400.0;

/// A positive duration in seconds (a number or a `timedelta`) up to `max`.
pub(crate) fn seconds_in(
    field: &str,
    v: &Bound<'_, PyAny>,
    min: f64,
    max: f64,
) -> PyResult<std::time::Duration> {
    let secs: f64 = if v.hasattr("total_seconds")? {
        v.call_method0("total_seconds")?.extract()?
    } else if v.is_instance_of::<pyo3::types::PyBool>() {
        return Err(invalid(field, "expected seconds (a number) or a timedelta"));
    } else {
        v.extract()
            .map_err(|_| invalid(field, "expected seconds (a number) or a timedelta"))?
    };
    if !(secs.is_finite() && secs >= min && secs <= max) {
        return Err(invalid(
            field,
            format!("must be a number of seconds from {min} to {max}"),
        ));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

/// A `str` argument, or a `ValidationError` naming `field` (an `int` tracking
/// number is refused rather than converted: leading zeros would be lost).
pub(crate) fn text(field: &str, v: &Bound<'_, PyAny>) -> PyResult<String> {
    match v.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.into_owned()),
        Err(_) => Err(invalid(
            field,
            format!(
                "expected a str, got {} (pass numbers as text: leading zeros matter)",
                v.get_type().name()?
            ),
        )),
    }
}

/// `carrier_code` as a `str` (for `#[pyo3(from_py_with)]`).
pub(crate) fn carrier_code(v: &Bound<'_, PyAny>) -> PyResult<String> {
    text("carrier_code", v)
}

/// `tracking_number` as a `str` (for `#[pyo3(from_py_with)]`).
pub(crate) fn tracking_number(v: &Bound<'_, PyAny>) -> PyResult<String> {
    text("tracking_number", v)
}

/// `update_carrier_code` as a `str` (for `#[pyo3(from_py_with)]`).
pub(crate) fn update_carrier_code(v: &Bound<'_, PyAny>) -> PyResult<String> {
    text("update_carrier_code", v)
}

/// An `int` argument range-checked at extraction, so the signature keeps a
/// plain literal default (visible in `help()` and to stubtest).
fn int_arg(field: &str, v: &Bound<'_, PyAny>, min: i64, max: i64) -> PyResult<i64> {
    match v.extract::<Int>() {
        Ok(i) => i.within(field, min, max),
        Err(_) => Err(invalid(
            field,
            format!("expected an int, got {}", v.get_type().name()?),
        )),
    }
}

macro_rules! int_args {
    ($($(#[$doc:meta])* $name:ident: $min:expr, $max:expr;)*) => {$(
        $(#[$doc])*
        pub(crate) fn $name(v: &Bound<'_, PyAny>) -> PyResult<i64> {
            int_arg(stringify!($name), v, $min, $max)
        }
    )*};
}

int_args! {
    /// `page`: 1-based, a 32-bit page number.
    page: 1, i64::from(u32::MAX);
    /// `limit`: tm-core checks the API's upper bound (2000) with its own message.
    limit: 1, i64::from(u32::MAX);
    /// `seed`: any non-negative 63-bit integer.
    seed: 0, i64::MAX;
    /// `concurrency`: calls in flight at once.
    concurrency: 1, crate::batch::MAX_CONCURRENCY;
    /// `chunk_size`: items per batch call.
    chunk_size: 1, tm_core::MAX_BATCH as i64;
    /// `min_ms`: fault delay lower bound.
    min_ms: 0, 600_000;
    /// `max_ms`: fault delay upper bound.
    max_ms: 0, 600_000;
    /// `port`: a TCP port, 0 for any free one.
    port: 0, 65_535;
}
