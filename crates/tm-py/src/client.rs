//! `Client` (blocking) and `AsyncClient` (asyncio): the same methods, one per
//! API call, generated once for both classes.

use std::sync::Arc;
use std::time::Duration;

use futures::future::Either;
use pyo3::prelude::*;
use pyo3::types::PyType;
use tm_core::endpoints::carriers::{DetectCarrier, ListCarriers};
use tm_core::endpoints::trackings::CreateTracking;
use tm_core::endpoints::trackings::{
    ChangeCarrier, CheckRemote, DeleteTracking, GetStatusCounts, GetTracking, GetTransitTimes,
    GetUserInfo, ListTrackings, RealtimeTracking, TrackAirCargo, UpdateTracking,
};
use tm_core::models as m;
use tm_core::{ApiError, ApiErrorKind, Error};

use crate::raw::Answer;

use crate::args::{self, Int, StrList};
use crate::batch;
use crate::core::{exec, run, run_prepared, Backend, Core, Mode, Nothing, Settings};
use crate::errors::{self, guard, invalid};
use crate::models::ItemOutcome;
use crate::pager::{self, Pager};

fn with_lang<E>(
    ep: Result<E, tm_core::ValidationError>,
    lang: Option<String>,
    set: impl FnOnce(E, String) -> Result<E, tm_core::ValidationError>,
) -> Result<E, tm_core::ValidationError> {
    match lang {
        Some(l) => ep.and_then(|e| set(e, l)),
        None => ep,
    }
}

/// Name of the environment variable read when no key is passed.
pub(crate) const KEY_ENV: &str = "TRACKINGMORE_API_KEY";
/// Name of the environment variable read when no base URL is passed.
pub(crate) const BASE_URL_ENV: &str = "TRACKINGMORE_BASE_URL";
/// Most retries a client may be told to make.
pub(crate) const MAX_RETRIES: i64 = 100;

/// Timeout and retries from Python arguments, range-checked.
pub(crate) fn call_options(
    timeout: Option<&Bound<'_, PyAny>>,
    max_retries: Option<Int>,
) -> PyResult<(Option<Duration>, Option<u32>)> {
    let timeout = timeout
        .filter(|t| !t.is_none())
        .map(|t| args::seconds_in("timeout", t, 0.001, args::MAX_TIMEOUT_SECS))
        .transpose()?;
    let max_retries =
        args::opt_within(max_retries, "max_retries", 0, MAX_RETRIES)?.map(|n| n as u32);
    Ok((timeout, max_retries))
}

/// Builds the HTTP client core from constructor options; the key and base URL
/// fall back to `TRACKINGMORE_API_KEY` and `TRACKINGMORE_BASE_URL`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn http_core(
    py: Python<'_>,
    api_key: Option<String>,
    base_url: Option<String>,
    timeout: Option<&Bound<'_, PyAny>>,
    max_retries: Option<Int>,
    proxy: Option<String>,
    rate_limits: Option<bool>,
    record: Option<std::path::PathBuf>,
) -> PyResult<Arc<Core>> {
    let api_key = match api_key {
        Some(k) => k,
        None => std::env::var(KEY_ENV).map_err(|_| {
            invalid(
                "api_key",
                format!("no API key: pass api_key=... or set {KEY_ENV}"),
            )
        })?,
    };
    let key = tm_core::ApiKey::new(api_key).map_err(|e| errors::validation(py, &e))?;
    let base_url = base_url.or_else(|| std::env::var(BASE_URL_ENV).ok().filter(|u| !u.is_empty()));
    let (timeout, max_retries) = call_options(timeout, max_retries)?;
    // One cassette per client, shared by the clients `with_options()` and a forked
    // child rebuild from these settings, so their exchanges land in one sequence.
    let record = record
        .map(|path| {
            tm_core::cassette::CassetteWriter::create(&path).map_err(|e| {
                pyo3::exceptions::PyOSError::new_err(format!(
                    "cannot create the cassette {}: {e}",
                    path.display()
                ))
            })
        })
        .transpose()?;
    Core::new(Settings {
        backend: Backend::Http {
            key,
            base_url,
            proxy,
            rate_limits,
            record,
        },
        timeout,
        max_retries,
    })
}

/// The arguments of `list_trackings`, as Python passed them.
struct ListArgs<'py> {
    status: Option<String>,
    created_at_min: Option<Bound<'py, PyAny>>,
    created_at_max: Option<Bound<'py, PyAny>>,
    update_time_min: Option<Bound<'py, PyAny>>,
    update_time_max: Option<Bound<'py, PyAny>>,
    order_created_time_min: Option<Bound<'py, PyAny>>,
    order_created_time_max: Option<Bound<'py, PyAny>>,
    numbers: Option<StrList>,
    orders: Option<StrList>,
    archived: Option<bool>,
    lang: Option<String>,
    page: i64,
    limit: i64,
}

/// Refuses a `[min, max]` pair whose end is before its start.
fn ordered(min: Option<i64>, max: Option<i64>, max_name: &str, min_name: &str) -> PyResult<()> {
    match (min, max) {
        (Some(a), Some(b)) if b < a => Err(invalid(max_name, format!("is before {min_name}"))),
        _ => Ok(()),
    }
}

/// Checks every argument of `list_trackings` and builds its first query.
fn list_query(py: Python<'_>, a: ListArgs<'_>) -> PyResult<ListTrackings> {
    let ListArgs {
        status,
        created_at_min,
        created_at_max,
        update_time_min,
        update_time_max,
        order_created_time_min,
        order_created_time_max,
        numbers,
        orders,
        archived,
        lang,
        page,
        limit,
    } = a;
    // Range-checked on extraction (args::page, args::limit).
    let page = page as u32;
    let limit = limit as u32;
    let filter = m::ListFilter {
        status: status.map(|s| m::Status::parse(&s)),

        created_at_min: args::unix_time("created_at_min", created_at_min.as_ref())?,
        created_at_max: args::unix_time("created_at_max", created_at_max.as_ref())?,
        update_time_min: args::unix_time("update_time_min", update_time_min.as_ref())?,
        update_time_max: args::unix_time("update_time_max", update_time_max.as_ref())?,
        order_created_time_min: args::unix_time(
            "order_created_time_min",
            order_created_time_min.as_ref(),
        )?,
        order_created_time_max: args::unix_time(
            "order_created_time_max",
            order_created_time_max.as_ref(),
        )?,
        numbers: numbers.map(|n| n.0).unwrap_or_default(),
        orders: orders.map(|n| n.0).unwrap_or_default(),
        archived,
        lang,
    };
    ordered(
        filter.created_at_min,
        filter.created_at_max,
        "created_at_max",
        "created_at_min",
    )?;
    ordered(
        filter.update_time_min,
        filter.update_time_max,
        "update_time_max",
        "update_time_min",
    )?;
    ordered(
        filter.order_created_time_min,
        filter.order_created_time_max,
        "order_created_time_max",
        "order_created_time_min",
    )?;
    ListTrackings::with(page, limit, filter).map_err(|e| errors::validation(py, &e))
}

/// Refuses a method that has no raw form on the `with_raw_response` view.
fn no_raw(core: &Core, method: &str) -> PyResult<()> {
    if core.raw {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "with_raw_response does not support {method}() (it makes several calls or post-processes one); \
             use it with a single-call method such as get_tracking()"
        )));
    }
    Ok(())
}

/// Checks a tracking key read from item `prefix`.
fn check_ref(k: &m::TrackingRef, prefix: &str) -> PyResult<()> {
    tm_core::validate::tracking_number(&k.tracking_number)
        .and_then(|()| tm_core::validate::carrier_code(&k.carrier_code))
        .map_err(|e| batch::item_invalid(prefix, &e))
}

/// Reads and checks every key of `items`.
fn refs(items: &Bound<'_, PyAny>) -> PyResult<Vec<m::TrackingRef>> {
    args::each(items, |item, prefix| {
        let k = args::tracking_ref(item, prefix.clone())?;
        check_ref(&k, &prefix)?;
        Ok(k)
    })
}

/// One `RemoteResult` from the results of several chunks.
fn merge_remote(parts: Vec<m::RemoteResult>) -> m::RemoteResult {
    let mut parts = parts.into_iter();
    let mut out = parts.next().unwrap_or_default();
    for p in parts {
        out.submitted += p.submitted;
        out.remote.extend(p.remote);
        out.other.extend(p.other);
    }
    out
}

fn realtime_first(r: m::Realtime) -> Result<m::Tracking, Error> {
    r.items.into_iter().next().ok_or_else(|| {
        Error::Api(ApiError {
            kind: ApiErrorKind::NotFound,
            code: 4017,
            type_: "Not Found".into(),
            message: "realtime returned no tracking".into(),
            http_status: 200,
            retry_after: None,
            body: Default::default(),
        })
    })
}

macro_rules! client_class {
    ($name:ident, $pyname:literal, $mode:expr, $doc:literal, { $($extra:tt)* }) => {
        #[doc = $doc]
        #[pyclass(frozen, module = "tm_py._native", name = $pyname)]
        pub(crate) struct $name {
            pub(crate) core: Arc<Core>,
        }

        impl $name {
            const MODE: Mode = $mode;
        }

        #[pymethods]
        impl $name {
            /// `api_key` defaults to `$TRACKINGMORE_API_KEY`, `base_url` to
            /// `$TRACKINGMORE_BASE_URL` (else the real API); `record` writes every
            /// exchange to a cassette file (JSON lines, the key never written).
            #[new]
            #[pyo3(signature = (api_key=None, *, base_url=None, timeout=None, max_retries=None, proxy=None, rate_limits=None, record=None))]
            #[allow(clippy::too_many_arguments)]
            fn new(
                py: Python<'_>,
                api_key: Option<String>,
                base_url: Option<String>,
                timeout: Option<Bound<'_, PyAny>>,
                max_retries: Option<Int>,
                proxy: Option<String>,
                rate_limits: Option<bool>,
                record: Option<std::path::PathBuf>,
            ) -> PyResult<Self> {
                guard(|| {
                    Ok(Self {
                        core: http_core(py, api_key, base_url, timeout.as_ref(), max_retries, proxy, rate_limits, record)?,
                    })
                })
            }

            /// A client over the in-process simulator (no sockets): a new one
            /// (`seed`, `rate_limits`) or the given `simulator`.
            #[classmethod]
            #[pyo3(signature = (api_key="mock-key", *, simulator=None, seed=1, rate_limits=false, max_retries=None))]
            fn mock(
                _cls: &Bound<'_, PyType>,
                py: Python<'_>,
                api_key: &str,
                simulator: Option<PyRef<'_, crate::mock::Simulator>>,
                #[pyo3(from_py_with = args::seed)] seed: i64,
                rate_limits: bool,
                max_retries: Option<Int>,
            ) -> PyResult<Self> {
                guard(|| {
                    let sim = match simulator {
                        Some(s) => s.sim.clone(),
                        None => tm_mock::Simulator::new(tm_mock::SimConfig {
                            seed: seed as u64,
                            rate_limits,
                            ..tm_mock::SimConfig::default()
                        }),
                    };
                    Ok(Self {
                        core: crate::mock::sim_core(py, &sim, api_key, max_retries)?,
                    })
                })
            }

            /// A copy of this client with another `timeout` (seconds or a
            /// `timedelta`) and/or `max_retries`; the original is unchanged.
            #[pyo3(signature = (*, timeout=None, max_retries=None))]
            fn with_options(&self, timeout: Option<Bound<'_, PyAny>>, max_retries: Option<Int>) -> PyResult<Self> {
                guard(|| {
                    let (timeout, max_retries) = call_options(timeout.as_ref(), max_retries)?;
                    Ok(Self { core: self.core.with_options(timeout, max_retries)? })
                })
            }

            /// The same client whose single-call methods return a
            /// `RawResponse` (status, headers, body, `parse()`) instead of the
            /// typed result. Sent once, without retries.
            #[getter]
            fn with_raw_response(&self) -> Self {
                Self { core: self.core.raw_view() }
            }

            /// The simulator behind a mock client, else `None`.
            #[getter]
            fn simulator(&self) -> Option<crate::mock::Simulator> {
                self.core.sim().cloned().map(|sim| crate::mock::Simulator { sim })
            }

            fn __repr__(&self) -> String {
                format!(
                    "{}(base_url={:?}{})",
                    $pyname,
                    self.core.label,
                    if self.core.is_closed() { ", closed" } else { "" }
                )
            }

            /// True once `close()` was called.
            #[getter]
            fn closed(&self) -> bool {
                self.core.is_closed()
            }

            /// Closes the client; later calls raise `TransportError`.
            fn close(&self) {
                self.core.close();
            }

            // ---- /trackings ------------------------------------------------

            /// `POST /trackings/post`: starts tracking one shipment.
            #[pyo3(signature = (carrier_code, tracking_number, *, destination_code=None, title=None,
                logistics_channel=None, customer_name=None, customer_email=None, customer_phone=None,
                order_id=None, order_create_time=None, tracking_ship_date=None,
                tracking_postal_code=None, tracking_account_number=None,
                tracking_destination_country=None, special_number_destination=None, lang=None,
                auto_correct=None, comment=None))]
            #[allow(clippy::too_many_arguments)]
            fn create_tracking(
                &self,
                py: Python<'_>,
                #[pyo3(from_py_with = args::carrier_code)] carrier_code: String,
                #[pyo3(from_py_with = args::tracking_number)] tracking_number: String,
                destination_code: Option<String>,
                title: Option<String>,
                logistics_channel: Option<String>,
                customer_name: Option<String>,
                customer_email: Option<String>,
                customer_phone: Option<String>,
                order_id: Option<String>,
                order_create_time: Option<Bound<'_, PyAny>>,
                tracking_ship_date: Option<String>,
                tracking_postal_code: Option<String>,
                tracking_account_number: Option<String>,
                tracking_destination_country: Option<String>,
                special_number_destination: Option<String>,
                lang: Option<String>,
                auto_correct: Option<bool>,
                comment: Option<String>,
            ) -> PyResult<Py<PyAny>> {
                let prepared = guard(|| {
                    let t = m::NewTracking {
                        tracking_number,
                        carrier_code,
                        destination_code,
                        title,
                        logistics_channel,
                        customer_name,
                        customer_email,
                        customer_phone,
                        order_id,
                        order_create_time: args::time_text(
                            "order_create_time",
                            order_create_time.as_ref(),
                        )?,
                        tracking_ship_date,
                        tracking_postal_code,
                        tracking_account_number,
                        tracking_destination_country,
                        special_number_destination,
                        lang,
                        auto_correct: auto_correct.map(u8::from),
                        comment,
                    };
                    if self.core.raw {
                        let fut = exec(&self.core, CreateTracking::new(t), |r| r)?;
                        return Ok(Either::Left(fut));
                    }
                    // Through `Client::create_tracking`: a 4016 after a retried
                    // attempt that may have landed counts as created.
                    let client = self.core.client()?;
                    Ok(Either::Right(async move {
                        client.create_tracking(t).await.map(|r| Answer::Value(r.tracking))
                    }))
                });
                run_prepared(py, Self::MODE, prepared)
            }

            /// `GET /trackings/{carrier}/{number}`: one tracking with its checkpoints.
            #[pyo3(signature = (carrier_code, tracking_number, *, lang=None))]
            fn get_tracking(
                &self,
                py: Python<'_>,
                #[pyo3(from_py_with = args::carrier_code)] carrier_code: String,
                #[pyo3(from_py_with = args::tracking_number)] tracking_number: String,
                lang: Option<String>,
            ) -> PyResult<Py<PyAny>> {
                let ep = with_lang(GetTracking::new(carrier_code, tracking_number), lang, |e, l| {
                    e.lang(l)
                });
                run_prepared(py, Self::MODE, guard(|| exec(&self.core, ep, |r| r)))
            }

            /// `PUT /trackings/{carrier}/{number}`: changes the given fields.
            /// `status` is a manual status: `"delivered"`, `"exception"`, `"revert"` (or 4, 7, 8).
            #[pyo3(signature = (carrier_code, tracking_number, *, title=None, logistics_channel=None,
                customer_name=None, customer_email=None, customer_phone=None, order_id=None,
                destination_code=None, archived=None, status=None))]
            #[allow(clippy::too_many_arguments)]
            fn update_tracking(
                &self,
                py: Python<'_>,
                #[pyo3(from_py_with = args::carrier_code)] carrier_code: String,
                #[pyo3(from_py_with = args::tracking_number)] tracking_number: String,
                title: Option<String>,
                logistics_channel: Option<String>,
                customer_name: Option<String>,
                customer_email: Option<String>,
                customer_phone: Option<String>,
                order_id: Option<String>,
                destination_code: Option<String>,
                archived: Option<bool>,
                status: Option<Bound<'_, PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let prepared = guard(|| {
                    let update = m::TrackingUpdate {
                        title,
                        logistics_channel,
                        customer_name,
                        customer_email,
                        customer_phone,
                        order_id,
                        destination_code,
                        archived,
                        status: status.as_ref().map(args::manual_status).transpose()?,
                    };
                    exec(
                        &self.core,
                        UpdateTracking::new(carrier_code, tracking_number, update),
                        |r| r,
                    )
                });
                run_prepared(py, Self::MODE, prepared)
            }

            /// `DELETE /trackings/{carrier}/{number}`.
            fn delete_tracking(
                &self,
                py: Python<'_>,
                #[pyo3(from_py_with = args::carrier_code)] carrier_code: String,
                #[pyo3(from_py_with = args::tracking_number)] tracking_number: String,
            ) -> PyResult<Py<PyAny>> {
                let ep = DeleteTracking::new(carrier_code, tracking_number);
                run_prepared(py, Self::MODE, guard(|| exec(&self.core, ep, |_| Nothing)))
            }

            /// Creates every tracking of `items` (any iterable of dicts of API
            /// fields, or `(carrier_code, tracking_number)` tuples). Every item
            /// is checked before the first call (a bad one raises
            /// `ValidationError` naming it); then chunks of `chunk_size` (≤ 40)
            /// go `concurrency` at a time, `progress(done, total)` after each.
            /// Returns one `BatchItem` per input, in order.
            #[pyo3(signature = (items, *, concurrency=4, chunk_size=40, progress=None))]
            fn create_trackings(
                &self,
                py: Python<'_>,
                items: &Bound<'_, PyAny>,
                #[pyo3(from_py_with = args::concurrency)] concurrency: i64,
                #[pyo3(from_py_with = args::chunk_size)] chunk_size: i64,
                progress: Option<Py<PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let prepared = guard(|| {
                    no_raw(&self.core, "create_trackings")?;
                    let inputs = args::each(items, |item, prefix| {
                        let t = args::new_tracking(item, prefix.clone())?;
                        t.validate().map_err(|e| batch::item_invalid(&prefix, &e))?;
                        Ok(t)
                    })?;
                    let options = batch::options(concurrency, chunk_size, progress, inputs.len())?;
                    let client = self.core.client()?;
                    Ok(async move {
                        let report = client.create_many(futures::stream::iter(inputs), &options).await;
                        Ok::<_, Error>(Outcomes(batch::outcomes(report, |t| {
                            m::TrackingRef::new(t.carrier_code.clone(), t.tracking_number.clone())
                        })))
                    })
                });
                run_prepared(py, Self::MODE, prepared)
            }

            /// `GET /trackings/get`, all pages: an iterator that fetches pages lazily.
            /// Time filters take unix seconds or `datetime`s.
            #[pyo3(signature = (*, status=None, created_at_min=None, created_at_max=None,
                update_time_min=None, update_time_max=None, order_created_time_min=None,
                order_created_time_max=None, numbers=None, orders=None, archived=None,
                lang=None, page=1, limit=100))]
            #[allow(clippy::too_many_arguments)]
            fn list_trackings(
                &self,
                py: Python<'_>,
                status: Option<String>,
                created_at_min: Option<Bound<'_, PyAny>>,
                created_at_max: Option<Bound<'_, PyAny>>,
                update_time_min: Option<Bound<'_, PyAny>>,
                update_time_max: Option<Bound<'_, PyAny>>,
                order_created_time_min: Option<Bound<'_, PyAny>>,
                order_created_time_max: Option<Bound<'_, PyAny>>,
                numbers: Option<StrList>,
                orders: Option<StrList>,
                archived: Option<bool>,
                lang: Option<String>,
                #[pyo3(from_py_with = args::page)] page: i64,
                #[pyo3(from_py_with = args::limit)] limit: i64,
            ) -> PyResult<Py<PyAny>> {
                guard(|| {
                    no_raw(&self.core, "list_trackings")?;
                    self.core.check_open()?;
                    let query = list_query(py, ListArgs {
                        status, created_at_min, created_at_max, update_time_min, update_time_max,
                        order_created_time_min, order_created_time_max, numbers, orders, archived,
                        lang, page, limit,
                    })?;
                    pager::iterator(py, Self::MODE, Pager::new(self.core.clone(), query)?)
                })
            }

            /// `POST /trackings/updatemore` for any number of dicts with
            /// `carrier_code`, `tracking_number` and the fields to change;
            /// batched like `create_trackings`, one `BatchItem` per input.
            #[pyo3(signature = (items, *, concurrency=4, chunk_size=40, progress=None))]
            fn update_trackings(
                &self,
                py: Python<'_>,
                items: &Bound<'_, PyAny>,
                #[pyo3(from_py_with = args::concurrency)] concurrency: i64,
                #[pyo3(from_py_with = args::chunk_size)] chunk_size: i64,
                progress: Option<Py<PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let prepared = guard(|| {
                    no_raw(&self.core, "update_trackings")?;
                    let inputs = args::each(items, |item, prefix| {
                        let (k, u) = args::tracking_update(item, prefix.clone())?;
                        check_ref(&k, &prefix)?;
                        Ok((k, u))
                    })?;
                    let options = batch::options(concurrency, chunk_size, progress, inputs.len())?;
                    let client = self.core.client()?;
                    Ok(async move {
                        let report = client.update_many(futures::stream::iter(inputs), &options).await;
                        Ok::<_, Error>(Outcomes(batch::outcomes(report, |i| i.0.clone())))
                    })
                });
                run_prepared(py, Self::MODE, prepared)
            }

            /// `POST /trackings/delete` for any number of
            /// `(carrier_code, tracking_number)` keys (or dicts); batched like
            /// `create_trackings`, one `BatchItem` per input.
            #[pyo3(signature = (items, *, concurrency=4, chunk_size=40, progress=None))]
            fn delete_trackings(
                &self,
                py: Python<'_>,
                items: &Bound<'_, PyAny>,
                #[pyo3(from_py_with = args::concurrency)] concurrency: i64,
                #[pyo3(from_py_with = args::chunk_size)] chunk_size: i64,
                progress: Option<Py<PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let prepared = guard(|| {
                    no_raw(&self.core, "delete_trackings")?;
                    let inputs = refs(items)?;
                    let options = batch::options(concurrency, chunk_size, progress, inputs.len())?;
                    let client = self.core.client()?;
                    Ok(async move {
                        let report = client.delete_many(futures::stream::iter(inputs), &options).await;
                        Ok::<_, Error>(Outcomes(batch::outcomes(report, Clone::clone)))
                    })
                });
                run_prepared(py, Self::MODE, prepared)
            }

            /// `POST /trackings/realtime`: tracks one shipment now.
            #[pyo3(signature = (carrier_code, tracking_number, *, destination_code=None,
                tracking_ship_date=None, tracking_postal_code=None, tracking_account_number=None,
                special_number_destination=None, order=None, order_create_time=None, lang=None))]
            #[allow(clippy::too_many_arguments)]
            fn realtime(
                &self,
                py: Python<'_>,
                #[pyo3(from_py_with = args::carrier_code)] carrier_code: String,
                #[pyo3(from_py_with = args::tracking_number)] tracking_number: String,
                destination_code: Option<String>,
                tracking_ship_date: Option<String>,
                tracking_postal_code: Option<String>,
                tracking_account_number: Option<String>,
                special_number_destination: Option<String>,
                order: Option<String>,
                order_create_time: Option<Bound<'_, PyAny>>,
                lang: Option<String>,
            ) -> PyResult<Py<PyAny>> {
                let prepared = guard(|| {
                    let q = m::RealtimeQuery {
                        tracking_number,
                        carrier_code,
                        destination_code,
                        tracking_ship_date,
                        tracking_postal_code,
                        tracking_account_number,
                        special_number_destination,
                        order,
                        order_create_time: args::time_text(
                            "order_create_time",
                            order_create_time.as_ref(),
                        )?,
                        lang,
                    };
                    no_raw(&self.core, "realtime")?;
                    let client = self.core.client()?;
                    let ep = RealtimeTracking::new(q).map_err(|e| errors::validation(py, &e))?;
                    Ok(async move { client.execute(&ep).await.and_then(realtime_first) })
                });
                run_prepared(py, Self::MODE, prepared)
            }

            /// `POST /trackings/update`: moves a tracking to another carrier.
            fn change_carrier(
                &self,
                py: Python<'_>,
                #[pyo3(from_py_with = args::carrier_code)] carrier_code: String,
                #[pyo3(from_py_with = args::tracking_number)] tracking_number: String,
                #[pyo3(from_py_with = args::update_carrier_code)] update_carrier_code: String,
            ) -> PyResult<Py<PyAny>> {
                let ep = ChangeCarrier::new(carrier_code, tracking_number, update_carrier_code);
                run_prepared(py, Self::MODE, guard(|| exec(&self.core, ep, |_| Nothing)))
            }

            /// `GET /trackings/getuserinfo`: the account.
            fn user_info(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                run_prepared(py, Self::MODE, guard(|| exec(&self.core, Ok(GetUserInfo::new()), |r| r)))
            }

            /// `GET /trackings/getstatusnumber`: trackings per status.
            #[pyo3(signature = (*, created_at_min=None, created_at_max=None,
                order_created_time_min=None, order_created_time_max=None))]
            fn status_counts(
                &self,
                py: Python<'_>,
                created_at_min: Option<Bound<'_, PyAny>>,
                created_at_max: Option<Bound<'_, PyAny>>,
                order_created_time_min: Option<Bound<'_, PyAny>>,
                order_created_time_max: Option<Bound<'_, PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let prepared = guard(|| {
                    let f = m::StatusCountFilter {
                        created_at_min: args::unix_time("created_at_min", created_at_min.as_ref())?,
                        created_at_max: args::unix_time("created_at_max", created_at_max.as_ref())?,
                        order_created_time_min: args::unix_time(
                            "order_created_time_min",
                            order_created_time_min.as_ref(),
                        )?,
                        order_created_time_max: args::unix_time(
                            "order_created_time_max",
                            order_created_time_max.as_ref(),
                        )?,
                    };
                    exec(&self.core, Ok(GetStatusCounts::with_filter(f)), |r| r)
                });
                run_prepared(py, Self::MODE, prepared)
            }

            /// `POST /trackings/notupdate`: stops updating any number of
            /// trackings; batched like `create_trackings`, one `BatchItem` per input.
            #[pyo3(signature = (items, *, concurrency=4, chunk_size=40, progress=None))]
            fn stop_updating(
                &self,
                py: Python<'_>,
                items: &Bound<'_, PyAny>,
                #[pyo3(from_py_with = args::concurrency)] concurrency: i64,
                #[pyo3(from_py_with = args::chunk_size)] chunk_size: i64,
                progress: Option<Py<PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let prepared = guard(|| {
                    no_raw(&self.core, "stop_updating")?;
                    let inputs = refs(items)?;
                    let options = batch::options(concurrency, chunk_size, progress, inputs.len())?;
                    let client = self.core.client()?;
                    Ok(async move {
                        let report = client
                            .stop_updating_many(futures::stream::iter(inputs), &options)
                            .await;
                        Ok::<_, Error>(Outcomes(batch::outcomes(report, Clone::clone)))
                    })
                });
                run_prepared(py, Self::MODE, prepared)
            }

            /// `POST /trackings/remote` for any number of dicts with `country`,
            /// `postcode` and optional `company`: every item checked first, then
            /// chunks of `chunk_size` (≤ 40) sent `concurrency` at a time,
            /// `progress(done, total)` after each; one merged `RemoteResult`.
            #[pyo3(signature = (items, *, concurrency=4, chunk_size=40, progress=None))]
            fn check_remote(
                &self,
                py: Python<'_>,
                items: &Bound<'_, PyAny>,
                #[pyo3(from_py_with = args::concurrency)] concurrency: i64,
                #[pyo3(from_py_with = args::chunk_size)] chunk_size: i64,
                progress: Option<Py<PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let prepared = guard(|| {
                    let items = args::each(items, args::remote_check)?;
                    if self.core.raw {
                        return Ok(Either::Left(exec(&self.core, CheckRemote::new(items), |r| r)?));
                    }
                    let options = batch::options(concurrency, chunk_size, progress, items.len())?;
                    let chunks = batch::chunked(items, options.chunk_size, CheckRemote::new)?;
                    let client = self.core.client()?;
                    Ok(Either::Right(async move {
                        let parts = batch::run_chunks(client, chunks, options).await?;
                        Ok(Answer::Value(merge_remote(parts)))
                    }))
                });
                run_prepared(py, Self::MODE, prepared)
            }

            /// `POST /trackings/costtime` for any number of dicts (or tuples) of
            /// `carrier_code`, `original`, `destination`; chunked like
            /// `check_remote`; one `TransitTime` list, in input order.
            #[pyo3(signature = (items, *, concurrency=4, chunk_size=40, progress=None))]
            fn transit_times(
                &self,
                py: Python<'_>,
                items: &Bound<'_, PyAny>,
                #[pyo3(from_py_with = args::concurrency)] concurrency: i64,
                #[pyo3(from_py_with = args::chunk_size)] chunk_size: i64,
                progress: Option<Py<PyAny>>,
            ) -> PyResult<Py<PyAny>> {
                let prepared = guard(|| {
                    let items = args::each(items, args::transit_query)?;
                    if self.core.raw {
                        return Ok(Either::Left(exec(&self.core, GetTransitTimes::new(items), |r| r)?));
                    }
                    let options = batch::options(concurrency, chunk_size, progress, items.len())?;
                    let chunks = batch::chunked(items, options.chunk_size, GetTransitTimes::new)?;
                    let client = self.core.client()?;
                    Ok(Either::Right(async move {
                        let parts = batch::run_chunks(client, chunks, options).await?;
                        Ok(Answer::Value(parts.into_iter().flatten().collect::<Vec<_>>()))
                    }))
                });
                run_prepared(py, Self::MODE, prepared)
            }

            /// `POST /trackings/aircargo`: one waybill number or a list of them.
            #[pyo3(signature = (numbers, *, lang=None))]
            fn air_cargo(
                &self,
                py: Python<'_>,
                numbers: &Bound<'_, PyAny>,
                lang: Option<String>,
            ) -> PyResult<Py<PyAny>> {
                let prepared = guard(|| {
                    let numbers: Vec<String> = match numbers.extract::<String>() {
                        Ok(one) => vec![one],
                        Err(_) => numbers.extract()?,
                    };
                    let ep = with_lang(TrackAirCargo::new(numbers), lang, |e, l| e.lang(l));
                    exec(&self.core, ep, |r| r)
                });
                run_prepared(py, Self::MODE, prepared)
            }

            // ---- /carriers -------------------------------------------------

            /// `GET /carriers`: every supported carrier.
            #[pyo3(signature = (*, lang=None))]
            fn carriers(&self, py: Python<'_>, lang: Option<String>) -> PyResult<Py<PyAny>> {
                let ep = with_lang(Ok(ListCarriers::new()), lang, |e, l| e.lang(l));
                run_prepared(py, Self::MODE, guard(|| exec(&self.core, ep, |r| r)))
            }

            /// `POST /carriers/detect`: carriers that may own `tracking_number`.
            fn detect_carrier(&self, py: Python<'_>, #[pyo3(from_py_with = args::tracking_number)] tracking_number: String) -> PyResult<Py<PyAny>> {
                let ep = DetectCarrier::new(tracking_number);
                run_prepared(py, Self::MODE, guard(|| exec(&self.core, ep, |r| r)))
            }

            $($extra)*
        }
    };
}

client_class!(
    Client,
    "Client",
    Mode::Sync,
    "Blocking TrackingMore v2 client. Calls release the GIL and honour Ctrl-C.",
    {
        fn __enter__(slf: Py<Self>) -> Py<Self> {
            slf
        }

        #[pyo3(signature = (*_exc))]
        fn __exit__(&self, _exc: &Bound<'_, pyo3::types::PyTuple>) -> bool {
            self.core.close();
            false
        }
    }
);

client_class!(
    AsyncClient,
    "AsyncClient",
    Mode::Async,
    "asyncio TrackingMore v2 client: every call returns a coroutine.",
    {
        fn __aenter__(slf: Py<Self>, py: Python<'_>) -> PyResult<Py<PyAny>> {
            let obj = slf.into_any();
            run(py, Mode::Async, async move { Ok::<_, Error>(PyObj(obj)) })
        }

        #[pyo3(signature = (*_exc))]
        fn __aexit__(
            &self,
            py: Python<'_>,
            _exc: &Bound<'_, pyo3::types::PyTuple>,
        ) -> PyResult<Py<PyAny>> {
            self.core.close();
            run(py, Mode::Async, async { Ok::<_, Error>(false) })
        }

        /// Closes the client (awaitable form of `close()`).
        fn aclose(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
            self.core.close();
            run(py, Mode::Async, async { Ok::<_, Error>(Nothing) })
        }
    }
);

/// A Python object passed through a future.
struct PyObj(Py<PyAny>);

impl crate::convert::ToPy for PyObj {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.0.clone_ref(py))
    }
}

/// The outcomes of `create_trackings`, converted to a list of `BatchItem`.
struct Outcomes(Vec<ItemOutcome>);

impl crate::convert::ToPy for Outcomes {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.0.to_py(py)
    }
}
