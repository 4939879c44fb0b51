//! Result classes: frozen, typed, comparable, with `to_dict()` in the API's
//! JSON shape. Attribute values are converted on access from the tm-core model
//! each class wraps.

use pyo3::prelude::*;
use serde::Serialize;
use tm_core::models as m;

use crate::convert::{to_dict, ToPy};
use crate::lazy::{Lazy, Plain};

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
        $name:ident = $pyname:literal wraps $model:ty, in $store:ident;
        fields { $($field:ident $(: $src:ident)?),* $(,)? }
        $(extra { $($extra:tt)* })?
    ) => {
        $(#[$doc])*
        #[pyclass(frozen, module = "tm_py._native", name = $pyname)]
        pub(crate) struct $name(pub(crate) $store<$model>);

        impl ToPy for $model {
            fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                Ok(Py::new(py, $name($store::ready(self.clone())))?.into_any())
            }
        }

        #[pymethods]
        impl $name {
            $(
                #[getter]
                fn $field(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                    field!(self.0.for_field(stringify!($field))?, $field $(, $src)?).to_py(py)
                }
            )*

            /// The object as the API sends it (JSON types, original field names).
            fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                to_dict(py, self.0.value()?)
            }

            fn __eq__(&self, other: &Bound<'_, PyAny>) -> Py<PyAny> {
                let py = other.py();
                match other.cast::<Self>() {
                    Ok(o) => match (self.0.value(), o.get().0.value()) {
                        (Ok(a), Ok(b)) => a == b,
                        _ => false,
                    }.into_pyobject(py).map(|b| b.to_owned().into_any().unbind()).unwrap_or_else(|_| py.NotImplemented()),
                    Err(_) => py.NotImplemented(),
                }
            }

            /// Consistent with `==`: equal values have equal JSON forms.
            fn __hash__(&self) -> PyResult<u64> {
                hash_of(self.0.value()?)
            }

            /// Every attribute, in declaration order.
            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                let mut parts: Vec<String> = Vec::new();
                $(
                    let v = field!(self.0.value()?, $field $(, $src)?).to_py(py)?;
                    parts.push(format!("{}={}", attr_name(stringify!($field)), v.bind(py).repr()?.to_cow()?));
                )*
                Ok(format!("{}({})", $pyname, parts.join(", ")))
            }

            /// Pickling: the JSON form, read back by `_from_json`.
            fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (Vec<u8>,))> {
                let data = serde_json::to_vec(slf.get().0.value()?)
                    .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
                Ok((slf.get_type().getattr("_from_json")?, (data,)))
            }

            /// Rebuilds an object from `pickle`'s JSON form.
            #[classmethod]
            fn _from_json(_cls: &Bound<'_, pyo3::types::PyType>, data: &[u8]) -> PyResult<Self> {
                serde_json::from_slice(data)
                    .map(|v| Self($store::ready(v)))
                    .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("cannot unpickle {}: {e}", $pyname)))
            }

            /// Immutable: a copy is the object itself.
            fn __copy__(slf: Py<Self>) -> Py<Self> {
                slf
            }

            /// Immutable: a deep copy is the object itself.
            fn __deepcopy__(slf: Py<Self>, _memo: &Bound<'_, PyAny>) -> Py<Self> {
                slf
            }

            $($($extra)*)?
        }
    };
}

/// The Python name of a field (`r#type` is `type`).
fn attr_name(rust: &str) -> &str {
    rust.strip_prefix("r#").unwrap_or(rust)
}

/// A hash of the JSON form (stable within and across processes).
fn hash_of<T: Serialize>(v: &T) -> PyResult<u64> {
    use std::hash::{Hash, Hasher};
    let text = serde_json::to_string(v)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    Ok(h.finish())
}

model! {
    /// One event of a shipment.
    Checkpoint = "Checkpoint" wraps m::Checkpoint, in Plain;
    fields { date, status_description, details, checkpoint_status, substatus, item_node }
}

model! {
    /// Carrier data for one leg of a shipment (origin or destination).
    CarrierInfo = "CarrierInfo" wraps m::CarrierInfo, in Plain;
    fields {
        reference_number, item_received, item_dispatched, depart_from_airport,
        arrival_from_abroad, customs_clearance, destination_arrived, weblink, phone,
        carrier_code, trackinfo,
    }
}

model! {
    /// A stored tracking with its checkpoints.
    Tracking = "Tracking" wraps m::Tracking, in Lazy;
    fields {
        id, tracking_number, carrier_code, status, substatus, status_info, track_update,
        created_at, updated_at, order_create_time, title, order_id, comment, customer_name,
        customer_email, customer_phone, logistics_channel, destination_code, archived,
        original_country, destination_country, item_time_length, stay_time_length,
        service_code, signed_by, origin_info, destination_info, last_event, last_update_time,
    }
    extra {
        /// Every checkpoint of both legs, newest first.
        #[getter]
        fn checkpoints(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
            let all: Vec<m::Checkpoint> = self.0.value()?.checkpoints().into_iter().cloned().collect();
            all.to_py(py)
        }
    }
}

model! {
    /// A tracking as returned by create and update (no checkpoints).
    CreatedTracking = "CreatedTracking" wraps m::CreatedTracking, in Plain;
    fields {
        id, tracking_number, carrier_code, status, created_at, updated_at, order_create_time,
        customer_email, customer_name, customer_phone, order_id, comment, title,
        logistics_channel, destination, destination_code, archived,
    }
}

model! {
    /// Why one item of a batch call failed.
    ItemError = "ItemError" wraps m::ItemError, in Plain;
    fields { tracking_number, carrier_code, code, message }
}

model! {
    /// A (carrier, number) pair.
    TrackingKey = "TrackingKey" wraps m::TrackingRef, in Plain;
    fields { tracking_number, carrier_code }
}

/// What happened to one input item of a batch-style method.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
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
    /// The outcome of one input item of a batch-style method: `created`,
    /// `created_recovered`, `already_exists`, `updated`, `deleted`, `stopped`,
    /// `failed` (with `code` and `message`), `unknown` (an attempt may have
    /// landed and reading back could not tell; with `message`) or `not_attempted`.
    BatchItem = "BatchItem" wraps ItemOutcome, in Plain;
    fields { index, carrier_code, tracking_number, outcome, tracking, code, message }
    extra {
        /// True when the item succeeded (created, already existed, updated,
        /// deleted or stopped).
        #[getter]
        fn ok(&self) -> bool {
            !matches!(self.0.outcome.as_str(), "failed" | "unknown" | "not_attempted")
        }
    }
}

model! {
    /// One page of `GET /trackings/get`.
    Page = "Page" wraps m::Page, in Plain;
    fields { page, limit, total, count, items }
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
    UserInfo = "UserInfo" wraps m::UserInfo, in Plain;
    fields { email, regtime, phone, money, track_number }
}

model! {
    /// Number of trackings per status.
    StatusCounts = "StatusCounts" wraps m::StatusCounts, in Plain;
    fields { pending, notfound, transit, pickup, delivered, undelivered, exception, expired }
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
    Carrier = "Carrier" wraps m::Carrier, in Plain;
    fields { name, code, phone, homepage, r#type: type_, picture }
}

model! {
    /// A carrier that may own a tracking number.
    DetectedCarrier = "DetectedCarrier" wraps m::DetectedCarrier, in Plain;
    fields { name, code }
}

model! {
    /// A postcode in a remote area.
    RemoteArea = "RemoteArea" wraps m::RemoteArea, in Plain;
    fields { far_express_company, two_code, far_country, far_city_postcode }
}

model! {
    /// A checked postcode that is not remote.
    RemoteOther = "RemoteOther" wraps m::RemoteOther, in Plain;
    fields { country, postcode, company }
}

model! {
    /// The result of a remote-area check.
    RemoteResult = "RemoteResult" wraps m::RemoteResult, in Plain;
    fields { submitted, remote, other }
}

model! {
    /// Transit-time statistics of one lane.
    TransitTime = "TransitTime" wraps m::TransitTime, in Plain;
    fields {
        carrier_code, original, destination, total, delivered, range1, range2, range3,
        range4, range5, range6, average,
    }
}

model! {
    /// One event of an air waybill.
    AirCargoEvent = "AirCargoEvent" wraps m::AirCargoEvent, in Plain;
    fields { plan_date, actual_date, event, station, flight_number }
}

model! {
    /// An air waybill and its events.
    AirCargo = "AirCargo" wraps m::AirCargo, in Plain;
    fields { track_number, weight, piece, origin, destination, status_number, track_info }
}

/// Adds every result class to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Checkpoint>()?;
    m.add_class::<CarrierInfo>()?;
    m.add_class::<Tracking>()?;
    m.add_class::<CreatedTracking>()?;
    m.add_class::<ItemError>()?;
    m.add_class::<TrackingKey>()?;
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
