//! Issue 12's fixes to the contract (CONTRACT.md §1), on the wire over HTTP: list and count by
//! POST with a PHP-style body, `null` = not given on create/batch/PUT/updatemore/realtime,
//! inverted ranges, and wrong item types on remote/aircargo.

use serde_json::{json, Value};
use tm_mock::{serve, ServerHandle, SimConfig, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const KEY: &str = "k1";

/// (HTTP status, whole body parsed as JSON) of one request on a fresh connection.
async fn call(h: &ServerHandle, method: &str, path: &str, body: &str) -> (u16, Value) {
    let mut s = TcpStream::connect(h.addr()).await.unwrap();
    let head = format!(
        "{method} /v2{path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/json\r\nTrackingmore-Api-Key: {KEY}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("{method} {path}: no complete response (connection dropped?)"));
    let status: u16 = String::from_utf8_lossy(&buf[9..12]).parse().unwrap();
    let v = serde_json::from_slice(&buf[split + 4..])
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    (status, v)
}

/// `meta.code` of a call answered with HTTP 200.
async fn code(h: &ServerHandle, method: &str, path: &str, body: &str) -> (i64, Value) {
    let (status, v) = call(h, method, path, body).await;
    assert_eq!(status, 200, "{method} {path}: {v}");
    (v["meta"]["code"].as_i64().unwrap(), v["data"].clone())
}

async fn start() -> (Simulator, ServerHandle) {
    let sim = Simulator::new(SimConfig {
        keys: Some(vec![KEY.into()]),
        rate_limits: false,
        ..SimConfig::default()
    });
    let h = serve(sim.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    (sim, h)
}

async fn create(h: &ServerHandle, body: Value) -> Value {
    let (c, data) = code(h, "POST", "/trackings/post", &body.to_string()).await;
    assert_eq!(c, 200, "{data}");
    data
}

#[tokio::test]
async fn list_and_count_by_post_with_a_php_style_body() {
    let (sim, h) = start().await;
    create(
        &h,
        json!({"tracking_number": "RN100000001CN", "carrier_code": "china-post"}),
    )
    .await;
    sim.advance(std::time::Duration::from_secs(3600));
    create(&h, json!({"tracking_number": "RN100000002CN", "carrier_code": "china-post", "order_id": "o-2"})).await;

    // Every filter present with its "not given" value, as TrackingMore's PHP clients send them.
    let php = json!({"page": "", "limit": 0, "status": null, "created_at_min": "",
        "created_at_max": 0, "update_time_min": null, "order_created_time_min": "0",
        "numbers": "", "orders": null, "archived": "", "lang": ""});
    let (c, data) = code(&h, "POST", "/trackings/get", &php.to_string()).await;
    assert_eq!(
        (c, data["total"].clone(), data["page"].clone()),
        (200, json!("2"), json!(1))
    );
    assert_eq!(data["limit"], 100);

    // The body wins over the query; what the body does not give, the query does.
    let (_, data) = code(
        &h,
        "POST",
        "/trackings/get?limit=1&orders=o-9",
        r#"{"orders": "o-2"}"#,
    )
    .await;
    assert_eq!(data["limit"], 1);
    assert_eq!(data["items"][0]["tracking_number"], "RN100000002CN");
    // GET with a JSON body is read the same way.
    let (_, data) = code(
        &h,
        "GET",
        "/trackings/get",
        r#"{"numbers": "RN100000001CN"}"#,
    )
    .await;
    assert_eq!(data["total"], "1");
    // A filter of the wrong type in the body is 4012, a bad status 4033.
    let (c, _) = code(&h, "POST", "/trackings/get", r#"{"page": {"n": 1}}"#).await;
    assert_eq!(c, 4012);
    let (c, _) = code(&h, "POST", "/trackings/get", r#"{"status": "lost"}"#).await;
    assert_eq!(c, 4033);
    let (c, _) = code(&h, "POST", "/trackings/get", "[1, 2]").await;
    assert_eq!(c, 4012);

    // Counts: PHP-style body, then a created_at window in the body.
    let (c, data) = code(&h, "POST", "/trackings/getstatusnumber", &php.to_string()).await;
    let sum: u64 = data
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!((c, sum), (200, 2));
    let created = sim.now().timestamp();
    let window = json!({"created_at_min": created, "created_at_max": created + 10});
    let (_, data) = code(
        &h,
        "POST",
        "/trackings/getstatusnumber",
        &window.to_string(),
    )
    .await;
    assert_eq!(data["pending"], 1);
    // Other methods are still 405.
    let (status, v) = call(&h, "PUT", "/trackings/get", "").await;
    assert_eq!((status, v["meta"]["code"].clone()), (405, json!(405)));
    h.shutdown().await;
}

#[tokio::test]
async fn null_means_not_given_on_every_write() {
    let (_sim, h) = start().await;
    let nulls = json!({"title": null, "logistics_channel": null, "customer_name": null,
        "customer_email": null, "customer_phone": null, "order_id": null, "order_create_time": null,
        "destination_code": null, "comment": null, "lang": null, "auto_correct": null});
    let mut body = nulls.clone();
    body["tracking_number"] = json!("RN200000001CN");
    body["carrier_code"] = json!("china-post");
    let created = create(&h, body).await;
    assert_eq!(created["order_id"], Value::Null);

    // Batch with nulls.
    let mut item = nulls.clone();
    item["tracking_number"] = json!("RN200000002CN");
    item["carrier_code"] = json!("china-post");
    let (c, data) = code(&h, "POST", "/trackings/batch", &json!([item]).to_string()).await;
    assert_eq!((c, data["added"].clone()), (200, json!(1)));

    // Realtime with nulls.
    let mut rt = nulls.clone();
    rt["tracking_number"] = json!("1Z97X17XYW06605211");
    rt["carrier_code"] = json!("ups");
    let (c, data) = code(&h, "POST", "/trackings/realtime", &rt.to_string()).await;
    assert_eq!(c, 200, "{data}");

    // PUT: set fields, then send null for all of them — nothing changes.
    let path = "/trackings/china-post/RN200000001CN";
    let set = json!({"title": "T", "order_id": "O-1", "customer_email": "a@b.c", "comment": "c",
        "status": 7, "archived": "true"});
    let (c, _) = code(&h, "PUT", path, &set.to_string()).await;
    assert_eq!(c, 200);
    let mut all_null = nulls.clone();
    all_null["status"] = Value::Null;
    all_null["archived"] = Value::Null;
    let (c, data) = code(&h, "PUT", path, &all_null.to_string()).await;
    assert_eq!(c, 200);
    assert_eq!(
        (
            &data["title"],
            &data["order_id"],
            &data["customer_email"],
            &data["comment"]
        ),
        (&json!("T"), &json!("O-1"), &json!("a@b.c"), &json!("c"))
    );
    assert_eq!(
        (&data["status"], &data["archived"]),
        (&json!("exception"), &json!(true))
    );

    // updatemore with nulls: no change either; an explicit value still changes.
    let mut upd = all_null.clone();
    upd["tracking_number"] = json!("RN200000001CN");
    upd["carrier_code"] = json!("china-post");
    upd["comment"] = json!("c2");
    let (c, data) = code(
        &h,
        "POST",
        "/trackings/updatemore",
        &json!([upd]).to_string(),
    )
    .await;
    assert_eq!(c, 200, "{data}");
    let t = &data["trackings"][0];
    assert_eq!(
        (&t["order_id"], &t["title"], &t["comment"]),
        (&json!("O-1"), &json!("T"), &json!("c2"))
    );
    assert_eq!(t["status"], "exception");
    // The order index kept the order id: listing by it still finds the tracking.
    let (_, data) = code(&h, "GET", "/trackings/get?orders=O-1", "").await;
    assert_eq!(data["total"], "1");
    h.shutdown().await;
}

#[tokio::test]
async fn inverted_ranges_match_nothing() {
    let (_sim, h) = start().await;
    create(
        &h,
        json!({"tracking_number": "RN300000001CN", "carrier_code": "china-post"}),
    )
    .await;
    for q in [
        "created_at_min=2000000000&created_at_max=1000000000",
        "update_time_min=2000000000&update_time_max=1000000000",
        "order_created_time_min=2000000000&order_created_time_max=1000000000",
        "status=pending&created_at_min=2000000000&created_at_max=1000000000",
    ] {
        let (c, data) = code(&h, "GET", &format!("/trackings/get?{q}"), "").await;
        assert_eq!(
            (c, &data["total"], &data["items"]),
            (200, &json!("0"), &json!([])),
            "{q}"
        );
    }
    let (c, data) = code(
        &h,
        "POST",
        "/trackings/get",
        r#"{"created_at_min": 2000000000, "created_at_max": 1000000000}"#,
    )
    .await;
    assert_eq!((c, &data["total"]), (200, &json!("0")));
    for q in [
        "created_at_min=2000000000&created_at_max=1000000000",
        "order_created_time_min=2000000000&order_created_time_max=1000000000",
    ] {
        let (c, data) = code(&h, "GET", &format!("/trackings/getstatusnumber?{q}"), "").await;
        assert_eq!(c, 200);
        assert!(
            data.as_object().unwrap().values().all(|n| n == 0),
            "{q}: {data}"
        );
    }
    // The server still answers afterwards.
    let (c, data) = code(&h, "GET", "/trackings/getstatusnumber", "").await;
    assert_eq!((c, &data["pending"]), (200, &json!(1)));
    h.shutdown().await;
}

#[tokio::test]
async fn wrong_item_types_on_remote_and_aircargo_are_4012() {
    let (sim, h) = start().await;
    let credits = sim.credits(KEY).unwrap();
    for body in [
        r#"[{"company": {}}]"#,
        "[[null, null]]",
        r#"[{"country": "JP", "postcode": 7621094}]"#,
        r#"[{"country": ["JP"]}]"#,
        "[1]",
    ] {
        let (c, _) = code(&h, "POST", "/trackings/remote", body).await;
        assert_eq!(c, 4012, "{body}");
    }
    assert_eq!(
        sim.credits(KEY),
        Some(credits),
        "refused calls are not charged"
    );
    let (c, data) = code(
        &h,
        "POST",
        "/trackings/remote",
        r#"[{"country": "JP", "postcode": "7621094", "company": null}]"#,
    )
    .await;
    assert_eq!((c, data["remote"].as_array().map(Vec::len)), (200, Some(4)));
    for body in [
        r#"{"track_number": "172-12345678", "lang": 5}"#,
        r#"{"track_number": "172-12345678", "lang": ["en"]}"#,
        r#"{"track_number": "172-12345678", "lang": {}}"#,
    ] {
        let (c, _) = code(&h, "POST", "/trackings/aircargo", body).await;
        assert_eq!(c, 4012, "{body}");
    }
    let (c, _) = code(
        &h,
        "POST",
        "/trackings/aircargo",
        r#"{"track_number": "172-12345678", "lang": null}"#,
    )
    .await;
    assert_eq!(c, 200);
    h.shutdown().await;
}

#[tokio::test]
async fn the_openapi_description_is_served_without_a_key() {
    let (_sim, h) = start().await;
    let mut s = TcpStream::connect(h.addr()).await.unwrap();
    s.write_all(b"GET /v2/openapi.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&buf[..split]).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    let served: Value = serde_json::from_slice(&buf[split + 4..]).unwrap();
    let shipped: Value = serde_json::from_str(tm_mock::OPENAPI_JSON).unwrap();
    assert_eq!(served, shipped);
    assert_eq!(served["openapi"], "3.1.0");
    h.shutdown().await;
}
