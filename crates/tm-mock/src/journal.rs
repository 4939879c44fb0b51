//! The request journal: one entry per API request (admin requests are not
//! journaled), oldest dropped first past [`JOURNAL_CAPACITY`]. Keys are never
//! journaled; an entry names the account by its label.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::wire::SimResponse;

/// Most journal entries kept (oldest are dropped first).
pub const JOURNAL_CAPACITY: usize = 100_000;

/// One received API request, with the key redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Sequence number, from 1.
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Path as received.
    pub path: String,
    /// Raw query string.
    pub query: String,
    /// HTTP status sent (0 when the connection was dropped).
    pub status: u16,
    /// `meta.code` sent, if any.
    pub meta_code: Option<i64>,
    /// Account label (`account-1`, …), `None` when the key was not accepted.
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

/// The journal and its sequence counter.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    entries: VecDeque<JournalEntry>,
    seq: u64,
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
        let entry = JournalEntry {
            seq: self.seq,
            method: method.as_str().to_owned(),
            path,
            query,
            status: sent.map_or(0, |s| s.0),
            meta_code: sent.and_then(|s| s.1),
            account: info.account,
            endpoint: info.endpoint,
            fault,
        };
        if self.entries.len() >= JOURNAL_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// The entries, oldest first.
    pub(crate) fn entries(&self) -> impl Iterator<Item = &JournalEntry> {
        self.entries.iter()
    }

    /// Empties the journal (sequence numbers go on).
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }

    /// Empties the journal and restarts sequence numbers at 1.
    pub(crate) fn reset(&mut self) {
        self.entries.clear();
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
