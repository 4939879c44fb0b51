//! The admin routes behind the dashboard: accounts, an account's trackings
//! (filters, paging), one tracking, status counts over simulated time, and
//! the page itself (self-contained, behind the admin token).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use http::Method;
use serde_json::{json, Value};
use tm_mock::{serve_with, ServeOptions, SimConfig, SimRequest, Simulator};

fn sim_with_trackings() -> Simulator {
    let sim = Simulator::new(SimConfig {
        keys: Some(vec!["k1".into(), "k2".into()]),
        ..SimConfig::default()
    });
    let items: Vec<Value> = [
        ("ups", "TMDELIV0001"),
        ("dhl", "TMEXCEPT0001"),
        ("dhl", "TMFAILED0001"),
        ("china-post", "RN123456789CN"),
        ("ups", "1Z999AA10123456784"),
    ]
    .iter()
    .map(|(c, n)| json!({"tracking_number": n, "carrier_code": c}))
    .collect();
    let r = sim.handle(
        SimRequest::new(Method::POST, "/v2/trackings/batch")
            .key("k1")
            .json(&json!(items)),
    );
    assert_eq!(r.meta_code(), Some(200));
    sim
}

fn get(sim: &Simulator, path: &str) -> tm_mock::SimResponse {
    sim.handle(SimRequest::new(Method::GET, path))
}

fn data(sim: &Simulator, path: &str) -> Value {
    let r = get(sim, path);
    assert_eq!(r.meta_code(), Some(200), "{path}: {r:?}");
    r.data().unwrap()
}

#[test]
fn accounts_are_listed_by_label_never_by_key() {
    let sim = sim_with_trackings();
    let accounts = data(&sim, "/_mock/accounts");
    assert_eq!(
        accounts,
        json!([
            {"account": "account-1", "credits": 99_995, "deleted": false, "trackings": 5},
            {"account": "account-2", "credits": 100_000, "deleted": false, "trackings": 0},
        ])
    );
    assert!(!String::from_utf8_lossy(&get(&sim, "/_mock/accounts").body).contains("k1"));
}

#[test]
fn an_accounts_trackings_are_filtered_and_paged() {
    let sim = sim_with_trackings();
    let all = data(&sim, "/_mock/accounts/account-1/trackings");
    assert_eq!(all["total"], 5);
    assert_eq!(all["items"].as_array().unwrap().len(), 5);
    let first = &all["items"][0];
    assert!(first["id"].as_str().unwrap().len() == 32 && first["status"].is_string());
    let delivered = data(&sim, "/_mock/accounts/account-1/trackings?status=delivered");
    assert_eq!(delivered["total"], 1);
    assert_eq!(delivered["items"][0]["tracking_number"], "TMDELIV0001");
    let dhl = data(&sim, "/_mock/accounts/account-1/trackings?carrier=DHL");
    assert_eq!(dhl["total"], 2);
    let by_number = data(&sim, "/_mock/accounts/account-1/trackings?number=tmex");
    assert_eq!(by_number["items"][0]["tracking_number"], "TMEXCEPT0001");
    let page2 = data(&sim, "/_mock/accounts/account-1/trackings?limit=2&page=3");
    assert_eq!(
        (
            page2["total"].as_u64(),
            page2["items"].as_array().unwrap().len()
        ),
        (Some(5), 1)
    );
    assert_eq!(
        data(&sim, "/_mock/accounts/account-2/trackings")["total"],
        0
    );
    for bad in ["status=shipped", "limit=0", "limit=501", "page=0", "page=x"] {
        let r = get(&sim, &format!("/_mock/accounts/account-1/trackings?{bad}"));
        assert_eq!(r.meta_code(), Some(4012), "{bad}");
    }
    assert_eq!(
        get(&sim, "/_mock/accounts/account-9/trackings").meta_code(),
        Some(404)
    );
}

#[test]
fn one_tracking_is_shown_as_the_api_shows_it() {
    let sim = sim_with_trackings();
    let list = data(&sim, "/_mock/accounts/account-1/trackings?number=TMDELIV");
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let shown = data(&sim, &format!("/_mock/accounts/account-1/trackings/{id}"));
    let api = sim
        .handle(SimRequest::new(Method::GET, "/v2/trackings/ups/TMDELIV0001").key("k1"))
        .data()
        .unwrap();
    assert_eq!(shown, api);
    assert!(!shown["origin_info"]["trackinfo"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        get(&sim, &format!("/_mock/accounts/account-2/trackings/{id}")).meta_code(),
        Some(404)
    );
    assert_eq!(
        get(&sim, "/_mock/accounts/account-1/trackings/zz").meta_code(),
        Some(404)
    );
}

#[test]
fn status_counts_follow_simulated_time() {
    let sim = sim_with_trackings();
    sim.advance(Duration::from_secs(40 * 86_400));
    let h = data(&sim, "/_mock/accounts/account-1/status-history?points=10");
    assert_eq!(h["unix"].as_array().unwrap().len(), 10);
    assert_eq!(
        h["times"][9],
        sim.now().format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
    );
    let counts = h["counts"].as_object().unwrap();
    let at = |i: usize| -> u64 { counts.values().map(|v| v[i].as_u64().unwrap()).sum() };
    // Every tracking is counted at every instant (all were created at the start).
    assert!((0..10).all(|i| at(i) == 5));
    // At the start most are pending; at the end none is.
    assert!(counts["pending"][0].as_u64().unwrap() >= 4);
    assert_eq!(counts["pending"][9], 0);
    // The last instant agrees with the API's counts now.
    let now = sim
        .handle(SimRequest::new(Method::GET, "/v2/trackings/getstatusnumber").key("k1"))
        .data()
        .unwrap();
    for (status, values) in counts {
        assert_eq!(values[9], now[status], "{status}");
    }
    assert_eq!(
        get(&sim, "/_mock/accounts/account-1/status-history?points=1").meta_code(),
        Some(4012)
    );
    let empty = data(&sim, "/_mock/accounts/account-2/status-history");
    assert_eq!(empty["trackings"], 0);
}

#[test]
fn the_page_is_self_contained() {
    let sim = Simulator::default();
    let r = get(&sim, "/_mock/ui");
    assert_eq!(r.status, 200);
    let header = |k: &str| r.headers.get(k).unwrap().to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "text/html; charset=utf-8");
    assert!(header("content-security-policy").contains("default-src 'none'"));
    assert_eq!(header("referrer-policy"), "no-referrer");
    let page = String::from_utf8(r.body.to_vec()).unwrap();
    assert!(page.starts_with("<!doctype html>"));
    // Nothing is loaded from elsewhere (the SVG namespace is a name, not a load).
    let page = page.replace("\"http://www.w3.org/2000/svg\"", "");
    for external in ["http://", "https://", "src=\"/", "href=\"/", "@import"] {
        assert!(!page.contains(external), "{external}");
    }
    assert_eq!(
        sim.handle(SimRequest::new(Method::POST, "/_mock/ui"))
            .meta_code(),
        Some(405)
    );
}

/// Status line of one request to `addr`.
fn status_of(addr: &str, path: &str, auth: Option<&str>) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let auth = auth.map_or(String::new(), |a| format!("Authorization: {a}\r\n"));
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_is_behind_the_admin_token() {
    let h = serve_with(
        Simulator::default(),
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions::default().admin_token("tok3n"),
    )
    .await
    .unwrap();
    let addr = h.addr().to_string();
    tokio::task::spawn_blocking(move || {
        assert_eq!(
            status_of(&addr, "/_mock/ui", None),
            "HTTP/1.1 401 Unauthorized"
        );
        assert_eq!(
            status_of(&addr, "/_mock/ui?token=nope", None),
            "HTTP/1.1 401 Unauthorized"
        );
        assert_eq!(
            status_of(&addr, "/_mock/ui?token=tok3n", None),
            "HTTP/1.1 200 OK"
        );
        assert_eq!(
            status_of(&addr, "/v2/_mock/ui?token=tok3n", None),
            "HTTP/1.1 200 OK"
        );
        assert_eq!(
            status_of(&addr, "/_mock/ui", Some("Bearer tok3n")),
            "HTTP/1.1 200 OK"
        );
        // The query token opens the page, nothing else.
        assert_eq!(
            status_of(&addr, "/_mock/accounts?token=tok3n", None),
            "HTTP/1.1 401 Unauthorized"
        );
        assert_eq!(
            status_of(&addr, "/_mock/ui/x?token=tok3n", None),
            "HTTP/1.1 401 Unauthorized"
        );
    })
    .await
    .unwrap();
    h.shutdown().await;
}

/// The dashboard knows accounts by label, never by key: it registers an
/// account's webhook URL with `"account": "<label>"`.
#[test]
fn a_webhook_url_is_registered_for_an_account_by_label() {
    let sim = sim_with_trackings();
    let post =
        |body: Value| sim.handle(SimRequest::new(Method::POST, "/_mock/webhooks").json(&body));
    let r = post(
        json!({"url": "http://127.0.0.1:9/hook", "account": "account-2", "statuses": ["delivered"]}),
    );
    assert_eq!(r.meta_code(), Some(200), "{r:?}");
    let added = r.data().unwrap();
    assert_eq!(added["account"], "account-2");
    assert_eq!(added["statuses"], json!(["delivered"]));
    assert_eq!(data(&sim, "/_mock/webhooks"), json!([added]));
    // The same as registering it with the account's key.
    let by_key = sim
        .add_webhook("http://127.0.0.1:9/other", &[], Some("k2"))
        .unwrap();
    assert_eq!(by_key.account.as_deref(), Some("account-2"));

    for (body, says) in [
        (
            json!({"url": "http://127.0.0.1:9/hook", "account": "account-9"}),
            "account-9",
        ),
        (
            json!({"url": "http://127.0.0.1:9/hook", "account": 1}),
            "account label",
        ),
        (
            json!({"url": "http://127.0.0.1:9/hook", "account": "account-1", "api_key": "k1"}),
            "not both",
        ),
        (
            json!({"url": "ftp://x/hook", "account": "account-1"}),
            "http",
        ),
    ] {
        let r = post(body.clone());
        assert_eq!(r.meta_code(), Some(4012), "{body}");
        let message = r.json().unwrap()["meta"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains(says), "{body}: {message}");
    }
    assert_eq!(sim.webhooks().len(), 2);
}
