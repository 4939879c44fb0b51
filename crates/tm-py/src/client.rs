//! `Client` (blocking) and `AsyncClient` (asyncio): the same methods, one per
//! API call, generated once for both classes.

use std::sync::Arc;
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyType;
use tm_core::endpoints::carriers::{DetectCarrier, ListCarriers};
use tm_core::endpoints::trackings::{
    BatchDeleteTrackings, BatchUpdateTrackings, ChangeCarrier, CheckRemote, DeleteTracking,
    GetStatusCounts, GetTracking, GetTransitTimes, GetUserInfo, ListTrackings, RealtimeTracking,
    StopUpdating, TrackAirCargo, UpdateTracking,
};
use tm_core::models as m;
use tm_core::{ApiError, ApiErrorKind, Error};

use crate::args;
use crate::batch;
use crate::core::{exec, run, run_prepared, Core, Mode, Nothing};
use crate::errors::{self, invalid};
use crate::models::{BatchSummary, ItemOutcome};
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

/// Builds the HTTP client core from constructor options.
/// The keyword options of `Client(...)` / `AsyncClient(...)`.
pub(crate) struct HttpOptions {
    pub(crate) base_url: Option<String>,
    pub(crate) timeout: Option<f64>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) proxy: Option<String>,
    pub(crate) rate_limits: Option<bool>,
    /// Cassette file recording every exchange (JSON lines, the key never written).
    pub(crate) record: Option<std::path::PathBuf>,
}

pub(crate) fn http_core(
    py: Python<'_>,
    api_key: String,
    options: HttpOptions,
) -> PyResult<Arc<Core>> {
    let HttpOptions {
        base_url,
        timeout,
        max_retries,
        proxy,
        rate_limits,
        record,
    } = options;
    let mut b = tm_http::HttpTransport::builder(api_key);
    let label = base_url
        .clone()
        .unwrap_or_else(|| tm_core::DEFAULT_BASE_URL.to_owned());
    if let Some(url) = base_url {
        b = b.base_url(url);
    }
    if let Some(t) = timeout {
        if !(t.is_finite() && t > 0.0) {
            return Err(invalid("timeout", "must be a positive number of seconds"));
        }
        b = b.timeout(Duration::from_secs_f64(t));
    }
    if let Some(p) = proxy {
        b = b.proxy(p);
    }
    let transport = b.build().map_err(|e| match e {
        tm_http::BuildError::InvalidApiKey(v) => errors::validation(py, &v),
        other => invalid("options", other.to_string()),
    })?;
    let mut builder = match record {
        None => tm_core::Client::builder(transport),
        Some(path) => {
            let recorder = tm_core::cassette::RecordingTransport::create(transport, &path)
                .map_err(|e| {
                    pyo3::exceptions::PyOSError::new_err(format!(
                        "cannot create the cassette {}: {e}",
                        path.display()
                    ))
                })?;
            tm_core::Client::builder(recorder)
        }
    };
    if let Some(n) = max_retries {
        builder = builder.max_retries(n);
    }
    // None keeps the transport's default: the v2 limits for the real API host only.
    if let Some(on) = rate_limits {
        builder = builder.rate_limits(on.then_some(tm_core::RateLimits::V2));
    }
    let client = builder.build();
    Ok(Core::new(client, label, None))
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
            #[new]
            #[pyo3(signature = (api_key, *, base_url=None, timeout=None, max_retries=None, proxy=None, rate_limits=None, record=None))]
            #[allow(clippy::too_many_arguments)]
            fn new(
                py: Python<'_>,
                api_key: String,
                base_url: Option<String>,
                timeout: Option<f64>,
                max_retries: Option<u32>,
                proxy: Option<String>,
                rate_limits: Option<bool>,
                record: Option<std::path::PathBuf>,
            ) -> PyResult<Self> {
                let options = HttpOptions { base_url, timeout, max_retries, proxy, rate_limits, record };
                Ok(Self {
                    core: http_core(py, api_key, options)?,
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
                seed: u64,
                rate_limits: bool,
                max_retries: Option<u32>,
            ) -> PyResult<Self> {
                let sim = match simulator {
                    Some(s) => s.sim.clone(),
                    None => tm_mock::Simulator::new(tm_mock::SimConfig {
                        seed,
                        rate_limits,
                        ..tm_mock::SimConfig::default()
                    }),
                };
                Ok(Self {
                    core: crate::mock::sim_core(py, &sim, api_key, max_retries)?,
                })
            }

            /// The simulator behind a mock client, else `None`.
            #[getter]
            fn simulator(&self) -> Option<crate::mock::Simulator> {
                self.core.sim.clone().map(|sim| crate::mock::Simulator { sim })
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
                carrier_code: String,
                tracking_number: String,
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
                let prepared = (|| {
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
                    // Through `Client::create_tracking`: a 4016 after a retried
                    // attempt that may have landed counts as created.
                    self.core.check_open()?;
                    let client = self.core.client.clone();
                    Ok(async move { client.create_tracking(t).await.map(|r| r.tracking) })
                })();
                run_prepared(py, Self::MODE, prepared)
            }

            /// `GET /trackings/{carrier}/{number}`: one tracking with its checkpoints.
            #[pyo3(signature = (carrier_code, tracking_number, *, lang=None))]
            fn get_tracking(
                &self,
                py: Python<'_>,
                carrier_code: String,
                tracking_number: String,
                lang: Option<String>,
            ) -> PyResult<Py<PyAny>> {
                let ep = with_lang(GetTracking::new(carrier_code, tracking_number), lang, |e, l| {
                    e.lang(l)
                });
                run_prepared(py, Self::MODE, exec(&self.core, ep, |r| r))
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
                carrier_code: String,
                tracking_number: String,
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
                let prepared = (|| {
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
                })();
                run_prepared(py, Self::MODE, prepared)
            }

            /// `DELETE /trackings/{carrier}/{number}`.
            fn delete_tracking(
                &self,
                py: Python<'_>,
                carrier_code: String,
                tracking_number: String,
            ) -> PyResult<Py<PyAny>> {
                let ep = DeleteTracking::new(carrier_code, tracking_number);
                run_prepared(py, Self::MODE, exec(&self.core, ep, |_| Nothing))
            }

            /// Creates every tracking of `items` (dicts of API fields, or
            /// `(carrier_code, tracking_number)` tuples) in batches of 40 sent
            /// `concurrency` at a time; returns one `BatchItem` per input, in order.
            #[pyo3(signature = (items, *, concurrency=4))]
            fn create_trackings(
                &self,
                py: Python<'_>,
                items: &Bound<'_, PyAny>,
                concurrency: usize,
            ) -> PyResult<Py<PyAny>> {
                let prepared = (|| {
                    self.core.check_open()?;
                    let inputs = args::each(items, |item, prefix| {
                        Ok(args::new_tracking(item, prefix.clone()).map_err(|e| {
                            let carrier = item
                                .get_item("carrier_code")
                                .and_then(|v| v.extract::<String>())
                                .unwrap_or_default();
                            let number = item
                                .get_item("tracking_number")
                                .and_then(|v| v.extract::<String>())
                                .unwrap_or_default();
                            (m::TrackingRef::new(carrier, number), e.to_string())
                        }))
                    })?;
                    let client = self.core.client.clone();
                    Ok(async move {
                        batch::create_all(client, inputs, concurrency)
                            .await
                            .map(Outcomes)
                    })
                })();
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
                numbers: Option<Vec<String>>,
                orders: Option<Vec<String>>,
                archived: Option<bool>,
                lang: Option<String>,
                page: u32,
                limit: u32,
            ) -> PyResult<Py<PyAny>> {
                self.core.check_open()?;
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
                    numbers: numbers.unwrap_or_default(),
                    orders: orders.unwrap_or_default(),
                    archived,
                    lang,
                };
                let query = ListTrackings::with(page, limit, filter)
                    .map_err(|e| errors::validation(py, &e))?;
                pager::iterator(py, Self::MODE, Pager::new(self.core.clone(), query))
            }

            /// `POST /trackings/updatemore`: up to 40 dicts with `carrier_code`,
            /// `tracking_number` and the fields to change.
            fn update_trackings(&self, py: Python<'_>, items: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let prepared = (|| {
                    let items = args::each(items, args::tracking_update)?;
                    exec(&self.core, BatchUpdateTrackings::new(items), BatchSummary::from)
                })();
                run_prepared(py, Self::MODE, prepared)
            }

            /// `POST /trackings/delete`: up to 40 `(carrier_code, tracking_number)` keys.
            fn delete_trackings(&self, py: Python<'_>, items: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let prepared = (|| {
                    let items = args::each(items, args::tracking_ref)?;
                    exec(&self.core, BatchDeleteTrackings::new(items), BatchSummary::from)
                })();
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
                carrier_code: String,
                tracking_number: String,
                destination_code: Option<String>,
                tracking_ship_date: Option<String>,
                tracking_postal_code: Option<String>,
                tracking_account_number: Option<String>,
                special_number_destination: Option<String>,
                order: Option<String>,
                order_create_time: Option<Bound<'_, PyAny>>,
                lang: Option<String>,
            ) -> PyResult<Py<PyAny>> {
                let prepared = (|| {
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
                    let client = self.core.client.clone();
                    self.core.check_open()?;
                    let ep = RealtimeTracking::new(q).map_err(|e| errors::validation(py, &e))?;
                    Ok(async move { client.execute(&ep).await.and_then(realtime_first) })
                })();
                run_prepared(py, Self::MODE, prepared)
            }

            /// `POST /trackings/update`: moves a tracking to another carrier.
            fn change_carrier(
                &self,
                py: Python<'_>,
                carrier_code: String,
                tracking_number: String,
                update_carrier_code: String,
            ) -> PyResult<Py<PyAny>> {
                let ep = ChangeCarrier::new(carrier_code, tracking_number, update_carrier_code);
                run_prepared(py, Self::MODE, exec(&self.core, ep, |_| Nothing))
            }

            /// `GET /trackings/getuserinfo`: the account.
            fn user_info(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                run_prepared(py, Self::MODE, exec(&self.core, Ok(GetUserInfo::new()), |r| r))
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
                let prepared = (|| {
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
                })();
                run_prepared(py, Self::MODE, prepared)
            }

            /// `POST /trackings/notupdate`: stops updating up to 40 trackings.
            fn stop_updating(&self, py: Python<'_>, items: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let prepared = (|| {
                    let items = args::each(items, args::tracking_ref)?;
                    exec(&self.core, StopUpdating::new(items), BatchSummary::from)
                })();
                run_prepared(py, Self::MODE, prepared)
            }

            /// `POST /trackings/remote`: dicts with `country`, `postcode` and optional `company`.
            fn check_remote(&self, py: Python<'_>, items: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let prepared = (|| {
                    let items = args::each(items, args::remote_check)?;
                    exec(&self.core, CheckRemote::new(items), |r| r)
                })();
                run_prepared(py, Self::MODE, prepared)
            }

            /// `POST /trackings/costtime`: dicts (or tuples) of `carrier_code`,
            /// `original`, `destination`.
            fn transit_times(&self, py: Python<'_>, items: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                let prepared = (|| {
                    let items = args::each(items, args::transit_query)?;
                    exec(&self.core, GetTransitTimes::new(items), |r| r)
                })();
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
                let prepared = (|| {
                    let numbers: Vec<String> = match numbers.extract::<String>() {
                        Ok(one) => vec![one],
                        Err(_) => numbers.extract()?,
                    };
                    let ep = with_lang(TrackAirCargo::new(numbers), lang, |e, l| e.lang(l));
                    exec(&self.core, ep, |r| r)
                })();
                run_prepared(py, Self::MODE, prepared)
            }

            // ---- /carriers -------------------------------------------------

            /// `GET /carriers`: every supported carrier.
            #[pyo3(signature = (*, lang=None))]
            fn carriers(&self, py: Python<'_>, lang: Option<String>) -> PyResult<Py<PyAny>> {
                let ep = with_lang(Ok(ListCarriers::new()), lang, |e, l| e.lang(l));
                run_prepared(py, Self::MODE, exec(&self.core, ep, |r| r))
            }

            /// `POST /carriers/detect`: carriers that may own `tracking_number`.
            fn detect_carrier(&self, py: Python<'_>, tracking_number: String) -> PyResult<Py<PyAny>> {
                let ep = DetectCarrier::new(tracking_number);
                run_prepared(py, Self::MODE, exec(&self.core, ep, |r| r))
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
