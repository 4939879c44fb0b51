//! Bounded memory: the journal is paged, and open-mode keys cost nothing
//! until they store something, up to a bounded number of accounts.

use http::Method;
use serde_json::{json, Value};
use tm_mock::{SimConfig, SimRequest, Simulator, JOURNAL_DEFAULT_PAGE, MAX_OPEN_ACCOUNTS};

fn admin_get(sim: &Simulator, path: &str) -> tm_mock::SimResponse {
    sim.handle(SimRequest::new(Method::GET, path))
}

fn seqs(v: &Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect()
}

#[test]
fn the_journal_is_read_a_page_at_a_time() {
    let sim = Simulator::default();
    for _ in 0..(JOURNAL_DEFAULT_PAGE + 200) {
        sim.handle(SimRequest::new(Method::GET, "/v2/carriers").key("k"));
    }
    let all = seqs(&admin_get(&sim, "/_mock/journal").data().unwrap());
    assert_eq!(all.len(), JOURNAL_DEFAULT_PAGE);
    assert_eq!(
        (all[0], *all.last().unwrap()),
        (1, JOURNAL_DEFAULT_PAGE as u64)
    );
    let next = seqs(
        &admin_get(&sim, "/_mock/journal?since=1000&limit=150")
            .data()
            .unwrap(),
    );
    assert_eq!(next, (1001..=1150).collect::<Vec<u64>>());
    let rest = seqs(
        &admin_get(&sim, "/v2/_mock/journal?since=1150&limit=10000")
            .data()
            .unwrap(),
    );
    assert_eq!(rest.len(), 50);
    assert!(seqs(
        &admin_get(&sim, "/_mock/journal?since=99999")
            .data()
            .unwrap()
    )
    .is_empty());
    assert_eq!(sim.journal_page(1190, 5).len(), 5);
    for bad in [
        "since=-1",
        "since=x",
        "limit=0",
        "limit=10001",
        "limit=many",
    ] {
        let r = admin_get(&sim, &format!("/_mock/journal?{bad}"));
        assert_eq!(r.meta_code(), Some(4012), "{bad}");
    }
}

fn call(
    sim: &Simulator,
    key: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> tm_mock::SimResponse {
    let mut req = SimRequest::new(method, path).key(key);
    if let Some(b) = body {
        req = req.json(&b);
    }
    sim.handle(req)
}

#[test]
fn unknown_keys_cost_nothing_until_they_store_something() {
    let sim = Simulator::default(); // open mode
    for i in 0..20_000 {
        let r = call(
            &sim,
            &format!("probe-{i}"),
            Method::GET,
            "/v2/trackings/getuserinfo",
            None,
        );
        assert_eq!(r.meta_code(), Some(200));
        let r = call(
            &sim,
            &format!("probe-{i}"),
            Method::GET,
            "/v2/trackings/get",
            None,
        );
        assert_eq!(r.data().unwrap()["total"], "0");
    }
    assert_eq!(sim.account_count(), 0);
    assert!(sim.credits("probe-1").is_none());
    // Their journal entries name no account.
    assert!(sim.journal().iter().all(|e| e.account.is_none()));
    // A call that stores something keeps the account.
    let r = call(
        &sim,
        "writer",
        Method::POST,
        "/v2/trackings/post",
        Some(json!({"tracking_number": "RN123456789CN", "carrier_code": "china-post"})),
    );
    assert_eq!(r.meta_code(), Some(200));
    assert_eq!(sim.account_count(), 1);
    assert_eq!(
        sim.journal().last().unwrap().account.as_deref(),
        Some("account-1")
    );
    let r = call(&sim, "writer", Method::GET, "/v2/trackings/get", None);
    assert_eq!(r.data().unwrap()["total"], "1");
    // A failed create stores nothing either.
    let r = call(
        &sim,
        "failer",
        Method::POST,
        "/v2/trackings/post",
        Some(json!({"tracking_number": "x"})),
    );
    assert_eq!(r.meta_code(), Some(4014));
    assert_eq!(sim.account_count(), 1);
}

#[test]
fn open_mode_accounts_are_bounded() {
    let sim = Simulator::default();
    let detect = |key: &str| {
        call(
            &sim,
            key,
            Method::POST,
            "/v2/carriers/detect",
            Some(json!({"tracking_number": "RN123456789CN"})),
        )
    };
    // Detection is charged: each key stores its credits.
    for i in 0..MAX_OPEN_ACCOUNTS {
        assert_eq!(detect(&format!("key-{i}")).meta_code(), Some(200));
    }
    assert_eq!(sim.account_count(), MAX_OPEN_ACCOUNTS);
    // One more new key: refused, nothing applied.
    let r = detect("one-too-many");
    assert_eq!(r.meta_code(), Some(4001));
    assert!(r.json().unwrap()["meta"]["message"]
        .as_str()
        .unwrap()
        .contains("open-mode accounts"));
    assert_eq!(sim.account_count(), MAX_OPEN_ACCOUNTS);
    assert!(sim.credits("one-too-many").is_none());
    // Known keys keep working, and new keys can still read.
    assert_eq!(detect("key-7").meta_code(), Some(200));
    assert_eq!(
        call(
            &sim,
            "reader",
            Method::GET,
            "/v2/trackings/getuserinfo",
            None
        )
        .meta_code(),
        Some(200)
    );
    // Registered through the admin API: not limited.
    sim.set_account("registered", Some(5.0), None);
    assert_eq!(sim.account_count(), MAX_OPEN_ACCOUNTS + 1);
}

#[test]
fn configured_keys_are_unaffected() {
    let sim = Simulator::new(SimConfig {
        keys: Some(vec!["k".into()]),
        ..SimConfig::default()
    });
    assert_eq!(sim.account_count(), 1);
    let r = call(
        &sim,
        "other",
        Method::GET,
        "/v2/trackings/getuserinfo",
        None,
    );
    assert_eq!(r.meta_code(), Some(4001));
    assert_eq!(sim.account_count(), 1);
    let r = call(&sim, "k", Method::GET, "/v2/trackings/getuserinfo", None);
    assert_eq!(r.meta_code(), Some(200));
}
