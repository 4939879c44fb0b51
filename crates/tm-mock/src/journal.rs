//! The request journal: one entry per API request (admin requests are not
//! journaled). Keys are never journaled; an entry names the account by its
//! label. Bounded: an entry keeps at most [`JOURNAL_MAX_PATH_BYTES`] of path
//! and [`JOURNAL_MAX_QUERY_BYTES`] of query (marked `cut`), and the oldest
//! entries are dropped past [`JOURNAL_CAPACITY`] entries or
//! [`JOURNAL_MAX_BYTES`] bytes.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::wire::SimResponse;

/// Most journal entries kept (oldest are dropped first).
pub const JOURNAL_CAPACITY: usize = 100_000;

/// Most bytes the journal keeps, counting each entry's strings and a fixed
/// overhead (oldest entries are dropped first): 32 MiB.
pub const JOURNAL_MAX_BYTES: usize = 32 << 20;

/// Most bytes of a request's path an entry keeps.
pub const JOURNAL_MAX_PATH_BYTES: usize = 1 << 10;

/// Most bytes of a request's query string an entry keeps.
pub const JOURNAL_MAX_QUERY_BYTES: usize = 3 << 10;

/// Most entries one `GET /_mock/journal` page returns.
pub const JOURNAL_MAX_PAGE: usize = 10_000;

/// Entries one `GET /_mock/journal` page returns without `limit`.
pub const JOURNAL_DEFAULT_PAGE: usize = 1_000;

/// Bytes counted for an entry besides its strings.
const ENTRY_OVERHEAD: usize = std::mem::size_of::<JournalEntry>() + 32;

/// One received API request, with the key redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Sequence number, from 1.
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Path as received (its first [`JOURNAL_MAX_PATH_BYTES`] bytes).
    pub path: String,
    /// Raw query string (its first [`JOURNAL_MAX_QUERY_BYTES`] bytes).
    pub query: String,
    /// Whether `path` or `query` was longer than the journal keeps and was
    /// cut (only written when true).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cut: bool,
    /// HTTP status sent (0 when the connection was dropped).
    pub status: u16,
    /// `meta.code` sent, if any.
    pub meta_code: Option<i64>,
    /// Account label (`account-1`, …); `None` when the key was not accepted,
    /// or (open mode) when the key's account holds nothing yet.
    pub account: Option<String>,
    /// Endpoint name (`trackings.post`, …), `None` for unknown routes.
    pub endpoint: Option<String>,
    /// Injected fault, if any (`drop`, `truncate`, `http503`, …).
    pub fault: Option<String>,
}

/// What the router knows about a request once it is routed.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestInfo {
    /// Account label, `None` when the key was not accepted.
    pub account: Option<String>,
    /// Call name, `None` for unknown routes.
    pub endpoint: Option<String>,
}

/// What was sent back: HTTP status and meta code; `None` when the connection was dropped.
pub(crate) type Sent = Option<(u16, Option<i64>)>;

/// The journal, its size in bytes and its sequence counter.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    entries: VecDeque<JournalEntry>,
    bytes: usize,
    seq: u64,
}

/// `s` cut to at most `max` bytes (at a character boundary); whether it was cut.
fn keep_at_most(mut s: String, max: usize) -> (String, bool) {
    if s.len() <= max {
        return (s, false);
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s.shrink_to_fit();
    (s, true)
}

/// Bytes an entry is counted for.
fn entry_bytes(e: &JournalEntry) -> usize {
    let opt = |s: &Option<String>| s.as_ref().map_or(0, String::len);
    ENTRY_OVERHEAD
        + e.method.len()
        + e.path.len()
        + e.query.len()
        + opt(&e.account)
        + opt(&e.endpoint)
        + opt(&e.fault)
}

impl Journal {
    /// Adds an entry for a request (its path and query move into the entry).
    pub(crate) fn record(
        &mut self,
        method: &http::Method,
        path: String,
        query: String,
        sent: Sent,
        info: RequestInfo,
        fault: Option<String>,
    ) {
        self.seq += 1;
        let (path, path_cut) = keep_at_most(path, JOURNAL_MAX_PATH_BYTES);
        let (query, query_cut) = keep_at_most(query, JOURNAL_MAX_QUERY_BYTES);
        let entry = JournalEntry {
            seq: self.seq,
            method: method.as_str().to_owned(),
            path,
            query,
            cut: path_cut || query_cut,
            status: sent.map_or(0, |s| s.0),
            meta_code: sent.and_then(|s| s.1),
            account: info.account,
            endpoint: info.endpoint,
            fault,
        };
        self.bytes += entry_bytes(&entry);
        self.entries.push_back(entry);
        while self.entries.len() > JOURNAL_CAPACITY || self.bytes > JOURNAL_MAX_BYTES {
            match self.entries.pop_front() {
                Some(old) => self.bytes -= entry_bytes(&old),
                None => break,
            }
        }
    }

    /// The entries, oldest first.
    pub(crate) fn entries(&self) -> impl Iterator<Item = &JournalEntry> {
        self.entries.iter()
    }

    /// At most `limit` entries with a sequence number above `since`, oldest first.
    pub(crate) fn page(&self, since: u64, limit: usize) -> impl Iterator<Item = &JournalEntry> {
        // Sequence numbers increase along the deque: find the start by bisection.
        let start = self.entries.partition_point(|e| e.seq <= since);
        self.entries.range(start..).take(limit)
    }

    /// Bytes the kept entries are counted for (at most [`JOURNAL_MAX_BYTES`]).
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Empties the journal (sequence numbers go on).
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    /// Empties the journal and restarts sequence numbers at 1.
    pub(crate) fn reset(&mut self) {
        self.clear();
        self.seq = 0;
    }
}

/// The meta code of a response for the journal. Envelopes written by
/// [`crate::render::envelope`] start with `{"meta":{"code":N`, so the code is read from that
/// prefix instead of parsing the whole body on every call.
pub(crate) fn journal_meta_code(resp: &SimResponse) -> Option<i64> {
    const PREFIX: &[u8] = br#"{"meta":{"code":"#;
    if let Some(rest) = resp.body.strip_prefix(PREFIX) {
        let end = rest
            .iter()
            .position(|b| !(b.is_ascii_digit() || *b == b'-'))
            .unwrap_or(rest.len());
        if let Some(code) = std::str::from_utf8(&rest[..end])
            .ok()
            .and_then(|t| t.parse().ok())
        {
            return Some(code);
        }
    }
    resp.meta_code()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::envelope;
    use bytes::Bytes;
    use serde_json::json;

    #[test]
    fn long_paths_and_queries_are_cut_and_the_journal_is_bounded_in_bytes() {
        let mut j = Journal::default();
        let long_query = format!("q={}", "é".repeat(10_000));
        for _ in 0..20_000 {
            j.record(
                &http::Method::GET,
                format!("/v2/{}", "p".repeat(5_000)),
                long_query.clone(),
                Some((200, Some(200))),
                RequestInfo::default(),
                None,
            );
        }
        let last = j.entries().last().unwrap();
        assert!(last.cut);
        assert_eq!(last.path.len(), JOURNAL_MAX_PATH_BYTES);
        assert!(last.query.len() <= JOURNAL_MAX_QUERY_BYTES && last.query.len() > 3_000);
        assert!(j.bytes() <= JOURNAL_MAX_BYTES);
        let kept = j.entries().count();
        assert!(kept < 20_000 && kept > 1_000, "{kept}");
        assert_eq!(j.entries().map(entry_bytes).sum::<usize>(), j.bytes());
        // Pages follow sequence numbers.
        let first = j.entries().next().unwrap().seq;
        let page: Vec<u64> = j.page(first + 10, 3).map(|e| e.seq).collect();
        assert_eq!(page, [first + 11, first + 12, first + 13]);
        assert_eq!(j.page(u64::MAX, 10).count(), 0);
        assert_eq!(j.page(0, 2).next().unwrap().seq, first);
        j.clear();
        assert_eq!((j.entries().count(), j.bytes()), (0, 0));
        // A short entry is kept whole.
        j.record(
            &http::Method::GET,
            "/v2/carriers".into(),
            "a=1".into(),
            None,
            RequestInfo::default(),
            None,
        );
        assert!(!j.entries().next().unwrap().cut);
    }

    #[test]
    fn journal_reads_the_meta_code_from_the_envelope_prefix() {
        let r = envelope(4016, "exists", json!([]));
        assert_eq!(journal_meta_code(&r), Some(4016));
        let mut html = r.clone();
        html.body = Bytes::from_static(b"<html>502</html>");
        assert_eq!(journal_meta_code(&html), None);
        let mut other = r;
        other.body = Bytes::from_static(br#"{"data":[],"meta":{"code":201}}"#);
        assert_eq!(journal_meta_code(&other), Some(201));
    }
}
