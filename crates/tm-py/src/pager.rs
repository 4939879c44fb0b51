//! Lazy pagination over `GET /trackings/get`, blocking and asyncio.

use std::collections::VecDeque;
use std::sync::Arc;

use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;
use tm_core::endpoints::trackings::ListTrackings;
use tm_core::models::{Page, Tracking};
use tm_core::Error;

use crate::convert::ToPy;
use crate::core::{Core, Mode};
use crate::errors;
use crate::lazy::{Lazy, RawListTrackings, RawPage};
use crate::runtime;

/// A page fetched and decoded: its number, `total` and trackings.
type Fetched = (u32, u64, Vec<Lazy<Tracking>>);

/// A page fetch running ahead of the consumer.
type Ahead = runtime::AbortOnDrop<Result<Fetched, Error>>;

struct State {
    /// tm-core's pager: page numbering and the guard against a server that
    /// ignores `page` live there, not here.
    pages: tm_core::paging::Pager,
    /// Trackings of the current page.
    buffer: VecDeque<Lazy<Tracking>>,
    /// The next pages (by number), already requested while the current one is consumed.
    ahead: VecDeque<(u32, Ahead)>,
}

/// Pages requested ahead of the one being consumed.
const READ_AHEAD: usize = 3;

/// One tracking of a list, handed to Python once (moved, not copied).
pub(crate) struct ListedTracking(std::sync::Mutex<Option<Lazy<Tracking>>>);

impl ToPy for ListedTracking {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let lazy = self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| errors::internal("a listed tracking was converted twice"))?;
        Ok(Py::new(py, crate::models::Tracking(lazy))?.into_any())
    }
}

/// Sends one page query; its trackings stay raw JSON until used.
async fn fetch(client: tm_core::Client, query: ListTrackings) -> Result<Fetched, Error> {
    let page_no = query.page_number();
    let page: RawPage = client.execute(&RawListTrackings(query)).await?;
    let items = page.items.unwrap_or_default();
    Ok((
        page_no,
        page.total,
        items.into_iter().map(Lazy::raw).collect(),
    ))
}

/// The shared state of one iteration.
#[derive(Clone)]
pub(crate) struct Pager {
    core: Arc<Core>,
    client: tm_core::Client,
    first: ListTrackings,
    state: Arc<tokio::sync::Mutex<State>>,
}

impl Pager {
    /// Iterates from `first`.
    pub(crate) fn new(core: Arc<Core>, first: ListTrackings) -> PyResult<Self> {
        let client = core.client()?;
        let state = State {
            pages: client.pager(first.clone()),
            buffer: VecDeque::new(),
            ahead: VecDeque::new(),
        };
        Ok(Self {
            core,
            client,
            first,
            state: Arc::new(tokio::sync::Mutex::new(state)),
        })
    }

    /// A fresh iteration from the same first page.
    fn restart(&self) -> PyResult<Self> {
        Self::new(self.core.clone(), self.first.clone())
    }

    /// The next tracking if it is already buffered and nothing else holds the
    /// state (else `None`: the caller takes the slow path, which waits).
    fn buffered(&self) -> PyResult<Option<Lazy<Tracking>>> {
        self.core.check_open()?;
        Ok(self
            .state
            .try_lock()
            .ok()
            .and_then(|mut s| s.buffer.pop_front()))
    }

    async fn next_page(self) -> Result<Option<Page>, Error> {
        self.state.lock().await.pages.next_page().await
    }

    /// The next tracking: from the buffer, else from the page fetched ahead,
    /// else from a fresh fetch. Once a page says how many items match, up to
    /// [`READ_AHEAD`] following pages are requested at once, so their transfer
    /// and scan overlap each other and Python's work on the current page (the
    /// client's rate limiter still paces the calls). tm-core's pager still
    /// decides, page by page, whether there is a next one; prefetched pages it
    /// does not ask for are dropped (their tasks aborted).
    async fn next_item(self) -> Result<Option<ListedTracking>, Error> {
        let mut state = self.state.lock().await;
        loop {
            if let Some(t) = state.buffer.pop_front() {
                return Ok(Some(ListedTracking(std::sync::Mutex::new(Some(t)))));
            }
            let Some(next) = state.pages.next_query() else {
                state.ahead.clear();
                return Ok(None);
            };
            let want = next.page_number();
            while state.ahead.front().is_some_and(|(n, _)| *n != want) {
                state.ahead.pop_front();
            }
            let (page_no, total, items) = match state.ahead.pop_front() {
                Some((_, ahead)) => ahead.await.unwrap_or_else(|_| {
                    Err(Error::Transport(tm_core::TransportError::new(
                        tm_core::TransportErrorKind::Other,
                        "the page fetch was cancelled",
                    )))
                })?,
                None => fetch(self.client.clone(), next).await?,
            };
            // A page that repeats one already seen (a server ignoring `page`)
            // adds nothing and ends the iteration, whatever `total` says.
            let fresh =
                state
                    .pages
                    .record(page_no, total, items.iter().map(Lazy::listing_identity));
            state.buffer.extend(
                items
                    .into_iter()
                    .zip(fresh)
                    .filter_map(|(t, new)| new.then_some(t)),
            );
            if let Some(q) = state.pages.next_query() {
                let last = total.div_ceil(u64::from(q.page_size().max(1)));
                let mut n = state.ahead.back().map_or(q.page_number(), |(n, _)| n + 1);
                while state.ahead.len() < READ_AHEAD && u64::from(n) <= last {
                    let ahead = runtime::spawn(fetch(self.client.clone(), q.at_page(n)));
                    state.ahead.push_back((n, ahead));
                    n += 1;
                }
            } else {
                state.ahead.clear();
            }
        }
    }

    fn sync_next<T, F>(&self, py: Python<'_>, fut: F) -> PyResult<Option<Py<PyAny>>>
    where
        T: ToPy + Send + 'static,
        F: std::future::Future<Output = Result<Option<T>, Error>> + Send + 'static,
    {
        self.core.check_open()?;
        match runtime::block_on(py, fut)? {
            Ok(Some(v)) => Ok(Some(v.to_py(py)?)),
            Ok(None) => Ok(None),
            Err(e) => Err(errors::to_py(py, &e)),
        }
    }

    fn async_next<T, F>(&self, py: Python<'_>, fut: F) -> PyResult<Py<PyAny>>
    where
        T: ToPy + Send + 'static,
        F: std::future::Future<Output = Result<Option<T>, Error>> + Send + 'static,
    {
        if let Err(e) = self.core.check_open() {
            return runtime::failed(py, e);
        }
        runtime::coroutine(
            py,
            Box::pin(async move {
                let out = runtime::spawn(fut).await?;
                Python::attach(|py| match out {
                    Ok(Some(v)) => v.to_py(py),
                    Ok(None) => Err(PyStopAsyncIteration::new_err(())),
                    Err(e) => Err(errors::to_py(py, &e)),
                })
            }),
        )
    }
}

/// Iterates over every tracking matching a `list_trackings` query, fetching
/// pages lazily.
#[pyclass(frozen, module = "tm_py._native")]
pub(crate) struct TrackingIterator(pub(crate) Pager);

#[pymethods]
impl TrackingIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        // A tracking already fetched needs no trip through the runtime (which
        // costs more than building the object).
        if let Some(t) = self.0.buffered()? {
            return Ok(Some(Py::new(py, crate::models::Tracking(t))?.into_any()));
        }
        self.0.sync_next(py, self.0.clone().next_item())
    }

    /// Iterates page by page instead, from the first page of the query.
    fn pages(&self) -> PyResult<PageIterator> {
        Ok(PageIterator(self.0.restart()?))
    }
}

/// Iterates over the pages of a `list_trackings` query.
#[pyclass(frozen, module = "tm_py._native")]
pub(crate) struct PageIterator(pub(crate) Pager);

#[pymethods]
impl PageIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        self.0.sync_next(py, self.0.clone().next_page())
    }
}

/// `async for` over every tracking matching a `list_trackings` query.
#[pyclass(frozen, module = "tm_py._native")]
pub(crate) struct AsyncTrackingIterator(pub(crate) Pager);

#[pymethods]
impl AsyncTrackingIterator {
    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.0.async_next(py, self.0.clone().next_item())
    }

    /// Iterates page by page instead, from the first page of the query.
    fn pages(&self) -> PyResult<AsyncPageIterator> {
        Ok(AsyncPageIterator(self.0.restart()?))
    }
}

/// `async for` over the pages of a `list_trackings` query.
#[pyclass(frozen, module = "tm_py._native")]
pub(crate) struct AsyncPageIterator(pub(crate) Pager);

#[pymethods]
impl AsyncPageIterator {
    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.0.async_next(py, self.0.clone().next_page())
    }
}

/// The iterator for `mode`.
pub(crate) fn iterator(py: Python<'_>, mode: Mode, pager: Pager) -> PyResult<Py<PyAny>> {
    Ok(match mode {
        Mode::Sync => Py::new(py, TrackingIterator(pager))?.into_any(),
        Mode::Async => Py::new(py, AsyncTrackingIterator(pager))?.into_any(),
    })
}
