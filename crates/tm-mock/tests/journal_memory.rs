//! The journal stays small under requests with long queries and paths (it
//! once grew to 2.4 GB for 40 000 of them). Alone in its test binary so the
//! process's resident memory is this test's.

use http::Method;
use tm_mock::{SimConfig, SimRequest, Simulator, JOURNAL_MAX_BYTES, JOURNAL_MAX_QUERY_BYTES};

/// Resident memory of this process, in bytes (Linux).
fn rss() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

#[test]
fn long_query_requests_keep_the_journal_small() {
    let sim = Simulator::new(SimConfig {
        keys: Some(vec!["k".into()]),
        ..SimConfig::default()
    });
    let long = format!("x={}", "q".repeat(100 << 10));
    let long_path = format!("/v2/nope/{}", "p".repeat(20 << 10));
    // Warm up allocations that are not the journal's.
    for _ in 0..50 {
        sim.handle(
            SimRequest::new(Method::GET, "/v2/trackings/get")
                .key("k")
                .query(long.clone()),
        );
    }
    let before = rss();
    let requests = 4_000;
    for i in 0..requests {
        let req = if i % 4 == 0 {
            // Unauthenticated 404s are journaled too.
            SimRequest::new(Method::GET, long_path.clone()).query(long.clone())
        } else {
            SimRequest::new(Method::GET, "/v2/trackings/get")
                .key("k")
                .query(long.clone())
        };
        sim.handle(req);
    }
    let journal = sim.journal();
    assert_eq!(journal.len(), requests + 50);
    assert!(journal
        .iter()
        .all(|e| e.cut && e.query.len() <= JOURNAL_MAX_QUERY_BYTES));
    assert!(sim.journal_bytes() <= JOURNAL_MAX_BYTES);
    // ~400 MB of queries were sent; the journal keeps ~4 KiB of each.
    let kept: usize = journal.iter().map(|e| e.path.len() + e.query.len()).sum();
    assert!(kept <= requests * 5 * 1024 + 50 * 5 * 1024, "{kept}");
    if let (Some(before), Some(after)) = (before, rss()) {
        let grown = after.saturating_sub(before);
        eprintln!(
            "RSS grew by {} KiB for {requests} requests of 100 KiB queries",
            grown >> 10
        );
        assert!(grown < 64 << 20, "RSS grew by {grown} bytes");
    }
}
