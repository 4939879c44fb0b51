//! Auto-paging over `GET /trackings/get`.

use futures::stream::{self, Stream, StreamExt};

use crate::endpoints::trackings::ListTrackings;
use crate::error::Result;
use crate::models::{Page, Tracking};
use crate::Client;

/// Fetches the pages of a list query one by one, on demand.
///
/// It stops after the page that reaches `total`, after an empty page, or — if
/// the server ignored the page number — once it has fetched more pages than
/// `total` allows, so it can never loop forever.
#[derive(Debug, Clone)]
pub struct Pager {
    client: Client,
    query: ListTrackings,
    next: Option<u32>,
    max_pages: Option<u64>,
}

impl Pager {
    /// A pager starting at `query`'s page.
    pub fn new(client: Client, query: ListTrackings) -> Self {
        let next = Some(query.page_number());
        Self {
            client,
            query,
            next,
            max_pages: None,
        }
    }

    /// The next page, or `None` when there are no more.
    pub async fn next_page(&mut self) -> Result<Option<Page>> {
        let Some(query) = self.next_query() else {
            return Ok(None);
        };
        let page = self.client.execute(&query).await?;
        self.record(query.page_number(), page.total, page.items.len());
        Ok(Some(page))
    }

    /// The query of the next page, or `None` when there are no more. For
    /// callers that send it themselves (e.g. decoding the items lazily); they
    /// then report the page with [`Pager::record`].
    pub fn next_query(&self) -> Option<ListTrackings> {
        self.next.map(|n| self.query.at_page(n))
    }

    /// Records a fetched page (its number, `total` and item count) and decides
    /// which page comes next, if any.
    pub fn record(&mut self, page_no: u32, total: u64, items: usize) {
        let limit = u64::from(self.query.page_size());
        let first = u64::from(self.query.page_number());
        let cap = *self
            .max_pages
            .get_or_insert(first.saturating_add(total.div_ceil(limit)));
        let fetched_through = u64::from(page_no);
        self.next = if items == 0
            || fetched_through.saturating_mul(limit) >= total
            || fetched_through >= cap
        {
            None
        } else {
            page_no.checked_add(1)
        };
    }

    /// The pages as a stream.
    pub fn into_pages(self) -> impl Stream<Item = Result<Page>> + Send + 'static {
        stream::unfold((self, false), |(mut pager, failed)| async move {
            if failed {
                return None;
            }
            match pager.next_page().await {
                Ok(Some(page)) => Some((Ok(page), (pager, false))),
                Ok(None) => None,
                Err(e) => Some((Err(e), (pager, true))),
            }
        })
    }

    /// Every tracking of every page as a stream; an error ends it.
    pub fn into_items(self) -> impl Stream<Item = Result<Tracking>> + Send + 'static {
        self.into_pages().flat_map(|page| match page {
            Ok(p) => stream::iter(p.items.into_iter().map(Ok).collect::<Vec<_>>()),
            Err(e) => stream::iter(vec![Err(e)]),
        })
    }
}

impl Client {
    /// A pager over `query`'s pages.
    pub fn pager(&self, query: ListTrackings) -> Pager {
        Pager::new(self.clone(), query)
    }

    /// Every tracking matching `query`, fetched page by page as the stream is read.
    pub fn list_all(
        &self,
        query: ListTrackings,
    ) -> impl Stream<Item = Result<Tracking>> + Send + 'static {
        self.pager(query).into_items()
    }
}
