//! Auto-paging over `GET /trackings/get`.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use futures::stream::{self, Stream, StreamExt};

use crate::endpoints::trackings::ListTrackings;
use crate::error::Result;
use crate::models::{Page, Tracking};
use crate::Client;

/// Fetches the pages of a list query one by one, on demand.
///
/// It stops after the page that reaches `total`, after an empty page, after
/// a page that brings no tracking it has not seen already (a server that
/// ignores the page number, whatever `total` it claims), or once it has
/// fetched more pages than `total` allows, so it can never loop forever.
#[derive(Debug, Clone)]
pub struct Pager {
    client: Client,
    query: ListTrackings,
    next: Option<u32>,
    max_pages: Option<u64>,
    /// Hashes of the trackings seen so far (id, carrier and number).
    seen: HashSet<u64>,
}

fn identity(t: &Tracking) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    t.id.hash(&mut h);
    t.carrier_code.to_ascii_lowercase().hash(&mut h);
    t.tracking_number.to_ascii_uppercase().hash(&mut h);
    h.finish()
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
            seen: HashSet::new(),
        }
    }

    /// The next page, or `None` when there are no more.
    pub async fn next_page(&mut self) -> Result<Option<Page>> {
        let Some(query) = self.next_query() else {
            return Ok(None);
        };
        let mut page = self.client.execute(&query).await?;
        let fresh = self.record(
            query.page_number(),
            page.total,
            page.items.iter().map(identity),
        );
        if !page.items.is_empty() && !fresh.contains(&true) {
            return Ok(None);
        }
        // Trackings already seen (a page repeated, or items that moved) are
        // dropped, so every tracking comes out once.
        let mut fresh = fresh.into_iter();
        page.items.retain(|_| fresh.next().unwrap_or(false));
        Ok(Some(page))
    }

    /// The query of the next page, or `None` when there are no more. For
    /// callers that send it themselves (e.g. decoding the items lazily); they
    /// then report the page with [`Pager::record`].
    pub fn next_query(&self) -> Option<ListTrackings> {
        self.next.map(|n| self.query.at_page(n))
    }

    /// Records a fetched page — its number, `total`, and one identity per item
    /// (any stable hash of the item: [`Pager::next_page`] hashes id, carrier and
    /// number; a caller holding raw JSON may hash its bytes) — and decides which
    /// page comes next, if any. Returns, per item, whether it is new; a page
    /// that brings nothing new ends the paging, whatever `total` says.
    pub fn record(
        &mut self,
        page_no: u32,
        total: u64,
        identities: impl IntoIterator<Item = u64>,
    ) -> Vec<bool> {
        let fresh: Vec<bool> = identities
            .into_iter()
            .map(|id| self.seen.insert(id))
            .collect();
        let limit = u64::from(self.query.page_size());
        let first = u64::from(self.query.page_number());
        let cap = *self
            .max_pages
            .get_or_insert(first.saturating_add(total.div_ceil(limit)));
        let fetched_through = u64::from(page_no);
        self.next = if !fresh.contains(&true)
            || fetched_through.saturating_mul(limit) >= total
            || fetched_through >= cap
        {
            None
        } else {
            page_no.checked_add(1)
        };
        fresh
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
