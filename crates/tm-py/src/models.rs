//! Result classes: frozen, typed, comparable, with `to_dict()` in the API's
//! JSON shape. Attribute values are converted on access from the tm-core model
//! each class wraps.

use pyo3::prelude::*;
use serde::Serialize;
use tm_core::models as m;

use crate::convert::{to_dict, ToPy};

macro_rules! field {
    ($e:expr, $f:ident) => {
        &$e.$f
    };
    ($e:expr, $f:ident, $s:ident) => {
        &$e.$s
    };
}

macro_rules! model {
    (
        $(#[$doc:meta])*
        $name:ident = $pyname:literal wraps $model:ty;
        fields { $($field:ident $(: $src:ident)?),* $(,)? }
        repr { $($rf:ident),* }
        $(extra { $($extra:tt)* })?
    ) => {
        $(#[$doc])*
        #[pyclass(frozen, module = "tm_py._native", name = $pyname)]
        pub(crate) struct $name(pub(crate) $model);

        impl ToPy for $model {
            fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                Ok(Py::new(py, $name(self.clone()))?.into_any())
            }
        }

        #[pymethods]
        impl $name {
            $(
                #[getter]
                fn $field(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                    field!(self.0, $field $(, $src)?).to_py(py)
                }
            )*

            /// The object as the API sends it (JSON types, original field names).
            fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                to_dict(py, &self.0)
            }

            fn __eq__(&self, other: &Bound<'_, PyAny>) -> Py<PyAny> {
                let py = other.py();
                match other.cast::<Self>() {
                    Ok(o) => (self.0 == o.get().0).into_pyobject(py).map(|b| b.to_owned().into_any().unbind()).unwrap_or_else(|_| py.NotImplemented()),
                    Err(_) => py.NotImplemented(),
                }
            }

            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                let mut parts: Vec<String> = Vec::new();
                $(
                    let v = field!(self.0, $rf).to_py(py)?;
                    parts.push(format!("{}={}", stringify!($rf), v.bind(py).repr()?.to_cow()?));
                )*
                Ok(format!("{}({})", $pyname, parts.join(", ")))
            }

            $($($extra)*)?
        }
    };
}

model! {
    /// One event of a shipment.
    Checkpoint = "Checkpoint" wraps m::Checkpoint;
    fields { date, status_description, details, checkpoint_status, substatus, item_node }
    repr { date, status_description, details }
}

model! {
    /// Carrier data for one leg of a shipment (origin or destination).
    CarrierInfo = "CarrierInfo" wraps m::CarrierInfo;
    fields {
        reference_number, item_received, item_dispatched, depart_from_airport,
        arrival_from_abroad, customs_clearance, destination_arrived, weblink, phone,
        carrier_code, trackinfo,
    }
    repr { carrier_code, trackinfo }
}

model! {
    /// A stored tracking with its checkpoints.
    Tracking = "Tracking" wraps m::Tracking;
    fields {
        id, tracking_number, carrier_code, status, substatus, status_info, track_update,
        created_at, updated_at, order_create_time, title, order_id, comment, customer_name,
        customer_email, customer_phone, logistics_channel, destination_code, archived,
        original_country, destination_country, item_time_length, stay_time_length,
        service_code, signed_by, origin_info, destination_info, last_event, last_update_time,
    }
    repr { carrier_code, tracking_number, status }
    extra {
        /// Every checkpoint of both legs, newest first.
        #[getter]
        fn checkpoints(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
            let all: Vec<m::Checkpoint> = self.0.checkpoints().into_iter().cloned().collect();
            all.to_py(py)
        }
    }
}

model! {
    /// A tracking as returned by create and update (no checkpoints).
    CreatedTracking = "CreatedTracking" wraps m::CreatedTracking;
    fields {
        id, tracking_number, carrier_code, status, created_at, updated_at, order_create_time,
        customer_email, customer_name, customer_phone, order_id, comment, title,
        logistics_channel, destination, destination_code, archived,
    }
    repr { carrier_code, tracking_number, status }
}

model! {
    /// Why one item of a batch call failed.
    ItemError = "ItemError" wraps m::ItemError;
    fields { tracking_number, carrier_code, code, message }
    repr { carrier_code, tracking_number, code, message }
}

model! {
    /// A (carrier, number) pair.
    TrackingKey = "TrackingKey" wraps m::TrackingRef;
    fields { tracking_number, carrier_code }
    repr { carrier_code, tracking_number }
}

/// The result of a batch update, delete or stop-updating call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BatchSummary {
    pub(crate) submitted: u64,
    pub(crate) succeeded: u64,
    pub(crate) trackings: Vec<m::TrackingRef>,
    pub(crate) errors: Vec<m::ItemError>,
    pub(crate) raw: serde_json::Value,
}

impl Serialize for BatchSummary {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

fn raw<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

impl From<m::BatchUpdated> for BatchSummary {
    fn from(b: m::BatchUpdated) -> Self {
        Self {
            submitted: b.submitted,
            succeeded: b.updated,
            trackings: b
                .trackings
                .iter()
                .map(|t| m::TrackingRef::new(t.carrier_code.clone(), t.tracking_number.clone()))
                .collect(),
            errors: b.errors.clone(),
            raw: raw(&b),
        }
    }
}

impl From<m::BatchDeleted> for BatchSummary {
    fn from(b: m::BatchDeleted) -> Self {
        Self {
            submitted: b.submitted,
            succeeded: b.delete,
            trackings: b.trackings.clone(),
            errors: b.errors.clone(),
            raw: raw(&b),
        }
    }
}

impl From<m::BatchStopped> for BatchSummary {
    fn from(b: m::BatchStopped) -> Self {
        Self {
            submitted: b.submitted,
            succeeded: b.change,
            trackings: b.trackings.clone(),
            errors: b.errors.clone(),
            raw: raw(&b),
        }
    }
}

model! {
    /// The result of `update_trackings`, `delete_trackings` or `stop_updating`.
    BatchResult = "BatchResult" wraps BatchSummary;
    fields { submitted, succeeded, trackings, errors }
    repr { submitted, succeeded, errors }
}

/// What happened to one input item of `create_trackings`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ItemOutcome {
    pub(crate) index: u64,
    pub(crate) carrier_code: String,
    pub(crate) tracking_number: String,
    pub(crate) outcome: String,
    pub(crate) tracking: Option<m::CreatedTracking>,
    pub(crate) code: Option<i64>,
    pub(crate) message: Option<String>,
}

model! {
    /// The outcome of one input item of `create_trackings`: `created`,
    /// `already_exists`, `failed` (with `code` and `message`) or `unknown`
    /// (an attempt may have landed and reading back could not tell).
    BatchItem = "BatchItem" wraps ItemOutcome;
    fields { index, carrier_code, tracking_number, outcome, tracking, code, message }
    repr { index, carrier_code, tracking_number, outcome, code }
    extra {
        /// True when the tracking exists now (created, or already existed).
        #[getter]
        fn ok(&self) -> bool {
            self.0.outcome != "failed" && self.0.outcome != "unknown"
        }
    }
}

model! {
    /// One page of `GET /trackings/get`.
    Page = "Page" wraps m::Page;
    fields { page, limit, total, count, items }
    repr { page, limit, total }
    extra {
        /// True when a later page may hold more items.
        #[getter]
        fn has_more(&self) -> bool {
            self.0.has_more()
        }
    }
}

model! {
    /// Account information.
    UserInfo = "UserInfo" wraps m::UserInfo;
    fields { email, regtime, phone, money, track_number }
    repr { email, money, track_number }
}

model! {
    /// Number of trackings per status.
    StatusCounts = "StatusCounts" wraps m::StatusCounts;
    fields { pending, notfound, transit, pickup, delivered, undelivered, exception, expired }
    repr { pending, notfound, transit, pickup, delivered, undelivered, exception, expired }
    extra {
        /// The sum over all statuses.
        #[getter]
        fn total(&self) -> u64 {
            self.0.total()
        }
    }
}

model! {
    /// A carrier supported by the service.
    Carrier = "Carrier" wraps m::Carrier;
    fields { name, code, phone, homepage, r#type: type_, picture }
    repr { code, name }
}

model! {
    /// A carrier that may own a tracking number.
    DetectedCarrier = "DetectedCarrier" wraps m::DetectedCarrier;
    fields { name, code }
    repr { code, name }
}

model! {
    /// A postcode in a remote area.
    RemoteArea = "RemoteArea" wraps m::RemoteArea;
    fields { far_express_company, two_code, far_country, far_city_postcode }
    repr { two_code, far_city_postcode, far_express_company }
}

model! {
    /// A checked postcode that is not remote.
    RemoteOther = "RemoteOther" wraps m::RemoteOther;
    fields { country, postcode, company }
    repr { country, postcode, company }
}

model! {
    /// The result of a remote-area check.
    RemoteResult = "RemoteResult" wraps m::RemoteResult;
    fields { submitted, remote, other }
    repr { submitted, remote, other }
}

model! {
    /// Transit-time statistics of one lane.
    TransitTime = "TransitTime" wraps m::TransitTime;
    fields {
        carrier_code, original, destination, total, delivered, range1, range2, range3,
        range4, range5, range6, average,
    }
    repr { carrier_code, original, destination, average }
}

model! {
    /// One event of an air waybill.
    AirCargoEvent = "AirCargoEvent" wraps m::AirCargoEvent;
    fields { plan_date, actual_date, event, station, flight_number }
    repr { event, station, actual_date }
}

model! {
    /// An air waybill and its events.
    AirCargo = "AirCargo" wraps m::AirCargo;
    fields { track_number, weight, piece, origin, destination, status_number, track_info }
    repr { track_number, origin, destination, status_number }
}

/// Adds every result class to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Checkpoint>()?;
    m.add_class::<CarrierInfo>()?;
    m.add_class::<Tracking>()?;
    m.add_class::<CreatedTracking>()?;
    m.add_class::<ItemError>()?;
    m.add_class::<TrackingKey>()?;
    m.add_class::<BatchResult>()?;
    m.add_class::<BatchItem>()?;
    m.add_class::<Page>()?;
    m.add_class::<UserInfo>()?;
    m.add_class::<StatusCounts>()?;
    m.add_class::<Carrier>()?;
    m.add_class::<DetectedCarrier>()?;
    m.add_class::<RemoteArea>()?;
    m.add_class::<RemoteOther>()?;
    m.add_class::<RemoteResult>()?;
    m.add_class::<TransitTime>()?;
    m.add_class::<AirCargoEvent>()?;
    m.add_class::<AirCargo>()?;
    Ok(())
}
