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

/// A unix timestamp from an int, a float or a `datetime`.
pub(crate) fn unix_time(field: &str, v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<i64>> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    if let Ok(i) = v.extract::<i64>() {
        return Ok(Some(i));
    }
    if v.hasattr("timestamp")? {
        let f: f64 = v.call_method0("timestamp")?.extract()?;
        return Ok(Some(f as i64));
    }
    if let Ok(f) = v.extract::<f64>() {
        return Ok(Some(f as i64));
    }
    Err(invalid(field, "expected a unix time (int) or a datetime"))
}

/// A string or a `datetime`/`date` (formatted `YYYY-MM-DD HH:MM:SS` / `YYYY-MM-DD`).
pub(crate) fn time_text(field: &str, v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Some(s.to_cow()?.into_owned()));
    }
    if v.hasattr("hour")? {
        return Ok(Some(
            v.call_method1("strftime", ("%Y-%m-%d %H:%M:%S",))?
                .extract()?,
        ));
    }
    if v.hasattr("isoformat")? {
        return Ok(Some(v.call_method0("isoformat")?.extract()?));
    }
    Err(invalid(field, "expected a string or a datetime"))
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
