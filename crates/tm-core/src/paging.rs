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
        let Some(page_no) = self.next else {
            return Ok(None);
        };
        let mut page = self.client.execute(&self.query.at_page(page_no)).await?;
        let limit = u64::from(self.query.page_size());
        let first = u64::from(self.query.page_number());
        let cap = *self
            .max_pages
            .get_or_insert(first.saturating_add(page.total.div_ceil(limit)));
        let fetched_through = u64::from(page_no);
        let received = page.items.len();
        // Trackings already seen (a page repeated, or items that moved) are
        // dropped, so every tracking comes out once.
        page.items.retain(|t| self.seen.insert(identity(t)));
        if received > 0 && page.items.is_empty() {
            self.next = None;
            return Ok(None);
        }
        self.next = if page.items.is_empty()
            || fetched_through.saturating_mul(limit) >= page.total
            || fetched_through >= cap
        {
            None
        } else {
            page_no.checked_add(1)
        };
        Ok(Some(page))
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
