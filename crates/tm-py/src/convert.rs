//! Conversions from tm-core values to Python objects.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};
use tm_core::models::{Emails, Status, Substatus, Timestamp};

/// Converts a Rust value into a Python object.
pub(crate) trait ToPy {
    /// The Python value.
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>>;
}

macro_rules! to_py_plain {
    ($($t:ty),*) => {$(
        impl ToPy for $t {
            fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                Ok(self.into_pyobject(py)?.to_owned().into_any().unbind())
            }
        }
    )*};
}
to_py_plain!(String, i64, u64, f64, bool);

impl<T: ToPy> ToPy for Option<T> {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            Some(v) => v.to_py(py),
            None => Ok(py.None()),
        }
    }
}

impl<T: ToPy> ToPy for Vec<T> {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let list = PyList::empty(py);
        for item in self {
            list.append(item.to_py(py)?)?;
        }
        Ok(list.into_any().unbind())
    }
}

impl ToPy for serde_json::Value {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_to_py(py, self)
    }
}

impl ToPy for Substatus {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.0.to_py(py)
    }
}

impl ToPy for Emails {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let v: Vec<String> = self.to_vec().into_iter().map(str::to_owned).collect();
        v.to_py(py)
    }
}

/// RFC 3339 values become aware datetimes, carrier-local ones naive datetimes,
/// anything else (`0`, unparsable text) `None` (the text stays in `to_dict()`).
impl ToPy for Timestamp {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if let Some(dt) = self.offset() {
            return Ok(dt.into_pyobject(py)?.into_any().unbind());
        }
        if let Some(dt) = self.naive() {
            return Ok(dt.into_pyobject(py)?.into_any().unbind());
        }
        Ok(py.None())
    }
}

/// The source of the `Status` enum, a `str` enum that tolerates unknown values.
const STATUS_SRC: &std::ffi::CStr = c"
import enum as _enum


class Status(str, _enum.Enum):
    \"\"\"Main status of a tracking. Unknown values become ad-hoc members.\"\"\"

    PENDING = 'pending'
    NOTFOUND = 'notfound'
    TRANSIT = 'transit'
    PICKUP = 'pickup'
    DELIVERED = 'delivered'
    UNDELIVERED = 'undelivered'
    EXCEPTION = 'exception'
    EXPIRED = 'expired'

    @classmethod
    def _missing_(cls, value):
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        cls._value2member_map_[value] = member
        return member

    @property
    def is_known(self):
        \"\"\"True for one of the eight documented statuses.\"\"\"
        return self._name_ in type(self).__members__

    def __str__(self):
        return self._value_
";

static STATUS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The `Status` class (created once).
pub(crate) fn status_class(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    STATUS
        .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            let m = PyModule::from_code(py, STATUS_SRC, c"tm_py/_status.py", c"tm_py._status")?;
            let cls = m.getattr("Status")?;
            cls.setattr("__module__", "tm_py")?;
            Ok(cls.unbind())
        })
        .map(|c| c.bind(py))
}

static MEMBERS: PyOnceLock<Vec<Py<PyAny>>> = PyOnceLock::new();

/// The members of the eight documented statuses, in [`Status::ALL`]'s order
/// (looked up once: calling the enum class costs more than a cached member).
fn status_members(py: Python<'_>) -> PyResult<&Vec<Py<PyAny>>> {
    MEMBERS.get_or_try_init(py, || {
        let cls = status_class(py)?;
        Status::ALL
            .iter()
            .map(|s| Ok(cls.call1((s.as_str(),))?.unbind()))
            .collect()
    })
}

impl ToPy for Status {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match Status::ALL.iter().position(|s| s == self) {
            Some(i) => Ok(status_members(py)?[i].clone_ref(py)),
            None => Ok(status_class(py)?.call1((self.as_str(),))?.unbind()),
        }
    }
}

/// JSON to Python (dict, list, str, int, float, bool, None).
pub(crate) fn json_to_py(py: Python<'_>, v: &serde_json::Value) -> PyResult<Py<PyAny>> {
    use serde_json::Value;
    Ok(match v {
        Value::Null => py.None(),
        Value::Bool(b) => b.to_py(py)?,
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.to_py(py)?
            } else if let Some(u) = n.as_u64() {
                u.to_py(py)?
            } else {
                n.as_f64().unwrap_or(f64::NAN).to_py(py)?
            }
        }
        Value::String(s) => s.to_py(py)?,
        Value::Array(a) => {
            let list = PyList::empty(py);
            for item in a {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any().unbind()
        }
        Value::Object(o) => {
            let dict = PyDict::new(py);
            for (k, item) in o {
                dict.set_item(k, json_to_py(py, item)?)?;
            }
            dict.into_any().unbind()
        }
    })
}

/// Serializes a model and converts it into Python (the API's JSON shape).
pub(crate) fn to_dict<T: serde::Serialize>(py: Python<'_>, v: &T) -> PyResult<Py<PyAny>> {
    let value = serde_json::to_value(v)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    json_to_py(py, &value)
}
