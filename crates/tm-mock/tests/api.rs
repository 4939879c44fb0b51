//! Wire-level tests of every endpoint through `MockTransport`, decoding with tm-core's models.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use serde_json::{json, Value};
use tm_core::models::{
    AirCargo, BatchCreated, BatchDeleted, BatchStopped, BatchUpdated, Carrier, CarrierChanged,
    CreatedTracking, DetectedCarrier, Page, Realtime, RemoteResult, Status, StatusCounts, Tracking,
    TransitTime, UserInfo,
};
use tm_core::{ApiKey, Transport, TransportErrorKind, WireRequest};
use tm_mock::{
    FaultConfig, FaultKind, FaultRule, FaultTiming, MockTransport, SimConfig, Simulator,
};

struct R {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl R {
    fn v(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }
    fn code(&self) -> i64 {
        self.v()["meta"]["code"].as_i64().unwrap()
    }
    fn data<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.v()["data"].clone())
            .unwrap_or_else(|e| panic!("decode: {e}: {}", self.v()))
    }
}

/// A public v2 example, from the repository's copy of the shared fixtures
/// (kept in tm-core, so this crate builds without anything outside the repo).
fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tm-core/tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn sim() -> Simulator {
    Simulator::new(SimConfig::default())
}

fn tr(sim: &Simulator, key: &str) -> MockTransport {
    sim.transport(ApiKey::new(key).unwrap())
}

async fn send(
    t: &MockTransport,
    method: Method,
    path: &str,
    query: &[(&str, &str)],
    body: Option<Value>,
) -> R {
    let mut req = WireRequest::new(method, path);
    req.query = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if let Some(b) = body {
        req.body = Bytes::from(serde_json::to_vec(&b).unwrap());
    }
    let r = t.send(req).await.expect("transport");
    R {
        status: r.status,
        headers: r.headers,
        body: r.body,
    }
}

async fn raw(t: &MockTransport, method: Method, path: &str, body: &'static [u8]) -> R {
    let mut req = WireRequest::new(method, path);
    req.body = Bytes::from_static(body);
    let r = t.send(req).await.expect("transport");
    R {
        status: r.status,
        headers: r.headers,
        body: r.body,
    }
}

async fn create(t: &MockTransport, carrier: &str, number: &str) -> R {
    send(
        t,
        Method::POST,
        "/trackings/post",
        &[],
        Some(json!({"tracking_number": number, "carrier_code": carrier})),
    )
    .await
}

async fn get(t: &MockTransport, carrier: &str, number: &str) -> R {
    send(
        t,
        Method::GET,
        &format!("/trackings/{carrier}/{number}"),
        &[],
        None,
    )
    .await
}

#[tokio::test]
async fn create_get_and_fixture_shapes() {
    let s = sim();
    let t = tr(&s, "k1");
    let body: Value = fixture("post_request_demo.json");
    let r = send(&t, Method::POST, "/trackings/post", &[], Some(body)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.code(), 200);
    let v = r.v();
    assert_eq!(
        v["meta"],
        json!({"code": 200, "type": "Success", "message": "Success"})
    );
    let keys: Vec<&str> = v["data"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "tracking_number",
            "carrier_code",
            "order_create_time",
            "status",
            "created_at",
            "customer_email",
            "customer_name",
            "customer_phone",
            "order_id",
            "comment",
            "title",
            "logistics_channel",
            "destination"
        ]
    );
    let c: CreatedTracking = r.data();
    assert_eq!(c.id.len(), 32);
    assert!(c.id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(c.status, Status::Pending);
    assert_eq!(c.created_at.unwrap().as_str(), "2026-01-05T08:00:00+00:00");
    assert_eq!(v["data"]["order_create_time"], "2018-05-20 12:00");
    assert_eq!(v["data"]["destination"], "");
    // Without order time → 0.
    let r = create(&t, "ups", "1Z97X17XYW06605211").await;
    assert_eq!(r.v()["data"]["order_create_time"], 0);
    // Duplicate → 4016, HTTP 200, data [].
    let r = create(&t, "ups", "1Z97X17XYW06605211").await;
    assert_eq!((r.status.as_u16(), r.code()), (200, 4016));
    assert_eq!(r.v()["data"], json!([]));
    assert_eq!(r.v()["meta"]["type"], "Bad Request");
    // Full object.
    let r = get(&t, "yanwen", "BYS006086078").await;
    assert_eq!(r.code(), 200);
    let v = r.v()["data"].clone();
    for k in [
        "id",
        "tracking_number",
        "carrier_code",
        "status",
        "track_update",
        "created_at",
        "updated_at",
        "order_create_time",
        "title",
        "order_id",
        "comment",
        "customer_name",
        "customer_email",
        "customer_phone",
        "logistics_channel",
        "destination_code",
        "archived",
        "original_country",
        "destination_country",
        "itemTimeLength",
        "stayTimeLength",
        "service_code",
        "status_info",
        "substatus",
        "origin_info",
        "destination_info",
        "lastEvent",
        "lastUpdateTime",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    for k in [
        "ReferenceNumber",
        "ItemReceived",
        "ItemDispatched",
        "DepartfromAirport",
        "ArrivalfromAbroad",
        "CustomsClearance",
        "DestinationArrived",
        "weblink",
        "phone",
        "carrier_code",
        "trackinfo",
    ] {
        assert!(v["origin_info"].get(k).is_some(), "origin_info missing {k}");
    }
    let tk: Tracking = r.data();
    assert_eq!(tk.status, Status::Pending);
    assert_eq!(tk.destination_country.as_deref(), Some("Israel"));
    // Path variants: /v2 prefix, lang suffix, trailing slash.
    let r = send(
        &t,
        Method::GET,
        "/v2/trackings/yanwen/BYS006086078/en/",
        &[],
        None,
    )
    .await;
    assert_eq!(r.code(), 200);
    // Unknown → 4031; bad carrier → 4015; bad number → 4014.
    assert_eq!(get(&t, "ups", "1Z0000000000000000").await.code(), 4031);
    assert_eq!(
        get(&t, "nope-carrier", "1Z0000000000000000").await.code(),
        4015
    );
    assert_eq!(get(&t, "ups", "ab").await.code(), 4014);
}

#[tokio::test]
async fn create_validation_errors() {
    let s = sim();
    let t = tr(&s, "k1");
    let post = |b: Value| send(&t, Method::POST, "/trackings/post", &[], Some(b));
    assert_eq!(post(json!({"carrier_code": "ups"})).await.code(), 4013);
    assert_eq!(
        post(json!({"tracking_number": "", "carrier_code": "ups"}))
            .await
            .code(),
        4013
    );
    assert_eq!(
        post(json!({"tracking_number": "ab c!", "carrier_code": "ups"}))
            .await
            .code(),
        4014
    );
    assert_eq!(
        post(json!({"tracking_number": "abcd", "carrier_code": "ups"}))
            .await
            .code(),
        4014
    );
    assert_eq!(
        post(json!({"tracking_number": "ABCDE12345", "carrier_code": "no-such"}))
            .await
            .code(),
        4015
    );
    assert_eq!(
        post(json!({"tracking_number": "ABCDE12345"})).await.code(),
        4015
    );
    assert_eq!(
        post(json!({"tracking_number": 12345678, "carrier_code": "ups"}))
            .await
            .code(),
        4012
    );
    assert_eq!(
        post(json!({"tracking_number": "ABCDE12345", "carrier_code": "ups", "title": 5}))
            .await
            .code(),
        4012
    );
    assert_eq!(post(json!([1, 2])).await.code(), 4012);
    // Unknown fields are ignored.
    assert_eq!(
        post(json!({"tracking_number": "ABCDE12345", "carrier_code": "ups", "whatever": {"x": 1}}))
            .await
            .code(),
        200
    );
    // Malformed, non-UTF-8, empty.
    assert_eq!(
        raw(
            &t,
            Method::POST,
            "/trackings/post",
            b"{\"tracking_number\": "
        )
        .await
        .code(),
        4012
    );
    assert_eq!(
        raw(
            &t,
            Method::POST,
            "/trackings/post",
            b"{\"tracking_number\": \"\xff\xfe\"}"
        )
        .await
        .code(),
        4012
    );
    assert_eq!(
        raw(&t, Method::POST, "/trackings/post", b"").await.code(),
        4012
    );
    assert_eq!(s.tracking_count(), 1);
}

#[tokio::test]
async fn routing_envelopes_and_auth() {
    let s = sim();
    let t = tr(&s, "k1");
    let r = send(&t, Method::GET, "/nope", &[], None).await;
    assert_eq!((r.status.as_u16(), r.code()), (404, 404));
    assert_eq!(r.v()["data"], json!([]));
    let r = send(&t, Method::GET, "/trackings/post", &[], None).await;
    assert_eq!((r.status.as_u16(), r.code()), (405, 405));
    assert_eq!(r.v()["meta"]["type"], "Method Not Allowed");
    let r = send(
        &t,
        Method::PATCH,
        "/trackings/ups/1Z97X17XYW06605211",
        &[],
        None,
    )
    .await;
    assert_eq!(r.status.as_u16(), 405);
    // Missing key → 4001 via handle().
    let r = s.handle(tm_mock::SimRequest::new(
        Method::GET,
        "/trackings/getuserinfo",
    ));
    assert_eq!((r.status.as_u16(), r.meta_code()), (200, Some(4001)));
    // Configured keys: others → 4001; deleted → 4002.
    let s2 = Simulator::new(SimConfig {
        keys: Some(vec!["good".into()]),
        ..SimConfig::default()
    });
    assert_eq!(
        send(
            &tr(&s2, "bad"),
            Method::GET,
            "/trackings/getuserinfo",
            &[],
            None
        )
        .await
        .code(),
        4001
    );
    assert_eq!(
        send(
            &tr(&s2, "good"),
            Method::GET,
            "/trackings/getuserinfo",
            &[],
            None
        )
        .await
        .code(),
        200
    );
    s2.set_account("good", None, Some(true));
    assert_eq!(
        send(
            &tr(&s2, "good"),
            Method::GET,
            "/trackings/getuserinfo",
            &[],
            None
        )
        .await
        .code(),
        4002
    );
    // Debug never shows the key.
    assert!(!format!("{:?}", tr(&s2, "super-secret-key")).contains("super-secret"));
    assert!(!format!(
        "{:?}",
        SimConfig {
            keys: Some(vec!["super-secret".into()]),
            ..SimConfig::default()
        }
    )
    .contains("super-secret"));
}

#[tokio::test]
async fn batch_credits_and_4021() {
    let s = sim();
    let t = tr(&s, "k1");
    let body: Value = fixture("seed_batch_request.json");
    let r = send(
        &t,
        Method::POST,
        "/trackings/batch",
        &[],
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.code(), 200);
    let b: BatchCreated = r.data();
    assert_eq!((b.submitted, b.added, b.errors.len()), (2, 2, 0));
    assert_eq!(
        r.v()["data"]["trackings"][0]["order_create_time"],
        "2017/8/27 16:51"
    );
    let r = send(&t, Method::POST, "/trackings/batch", &[], Some(body)).await;
    let v = r.v();
    assert_eq!(
        v["meta"],
        json!({"code": 201, "type": "Created", "message": "The request was successful and a resource was created."})
    );
    assert_eq!(
        v["data"]["errors"][0],
        json!({"tracking_number": "RP893531375SG", "carrier_code": "singapore-post", "code": 4016, "message": "Tracking already exists."})
    );
    // > 40 → 4020, nothing added; [] → 4012.
    let many: Vec<Value> = (0..41)
        .map(|i| json!({"tracking_number": format!("ZZ{i:08}"), "carrier_code": "dhl"}))
        .collect();
    assert_eq!(
        send(&t, Method::POST, "/trackings/batch", &[], Some(json!(many)))
            .await
            .code(),
        4020
    );
    assert_eq!(s.tracking_count(), 2);
    assert_eq!(
        send(&t, Method::POST, "/trackings/batch", &[], Some(json!([])))
            .await
            .code(),
        4012
    );
    // Credits: 3 left, batch of 5 → 3 added, 2 × 4021.
    s.set_account("k1", Some(3.0), None);
    let five: Vec<Value> = (0..5)
        .map(|i| json!({"tracking_number": format!("QQ{i:08}"), "carrier_code": "dhl"}))
        .collect();
    let r = send(&t, Method::POST, "/trackings/batch", &[], Some(json!(five))).await;
    let b: BatchCreated = r.data();
    assert_eq!((r.code(), b.added, b.errors.len()), (201, 3, 2));
    assert!(b.errors.iter().all(|e| e.code == 4021));
    assert_eq!(create(&t, "dhl", "QQ99999999").await.code(), 4021);
    let u: UserInfo = send(&t, Method::GET, "/trackings/getuserinfo", &[], None)
        .await
        .data();
    assert_eq!(u.track_number, 0.0);
    // Detect costs 0.2.
    s.set_account("k1", Some(1.0), None);
    let r = send(
        &t,
        Method::POST,
        "/carriers/detect",
        &[],
        Some(json!({"tracking_number": "RN123456789CN"})),
    )
    .await;
    assert_eq!(r.code(), 200);
    assert_eq!(s.credits("k1"), Some(0.8));
    let ui = send(&t, Method::GET, "/trackings/getuserinfo", &[], None)
        .await
        .v();
    assert_eq!(ui["data"]["track_number"], json!(0.8));
    assert!(
        ui["data"]["regtime"].is_string()
            && ui["data"]["phone"].is_string()
            && ui["data"]["money"].is_number()
    );
}

#[tokio::test]
async fn isolation_between_keys() {
    let s = sim();
    let (a, b) = (tr(&s, "alice"), tr(&s, "bob"));
    assert_eq!(create(&a, "dhl", "1234567890").await.code(), 200);
    assert_eq!(get(&b, "dhl", "1234567890").await.code(), 4031);
    let p: Page = send(&b, Method::GET, "/trackings/get", &[], None)
        .await
        .data();
    assert_eq!(p.total, 0);
    let c: StatusCounts = send(&b, Method::GET, "/trackings/getstatusnumber", &[], None)
        .await
        .data();
    assert_eq!(c.total(), 0);
    assert_eq!(
        send(&b, Method::DELETE, "/trackings/dhl/1234567890", &[], None)
            .await
            .code(),
        4017
    );
    assert_eq!(
        send(
            &b,
            Method::PUT,
            "/trackings/dhl/1234567890",
            &[],
            Some(json!({"title": "x"}))
        )
        .await
        .code(),
        4017
    );
    // Same number in b is independent.
    assert_eq!(create(&b, "dhl", "1234567890").await.code(), 200);
    assert_eq!(s.tracking_count(), 2);
    let j = s.journal();
    assert!(j.iter().any(|e| e.account.as_deref() == Some("account-1")));
    assert!(j.iter().any(|e| e.account.as_deref() == Some("account-2")));
    let text = serde_json::to_string(&j).unwrap();
    assert!(!text.contains("alice") && !text.contains("bob"));
}

#[tokio::test]
async fn list_paging_and_filters() {
    let s = sim();
    let t = tr(&s, "k1");
    for i in 0..7 {
        let r = send(&t, Method::POST, "/trackings/post", &[], Some(json!({"tracking_number": format!("TMDELIV{i:04}"), "carrier_code": "dhl", "order_id": format!("O{}", i % 2), "order_create_time": "2025-12-01 10:00"}))).await;
        assert_eq!(r.code(), 200);
        s.advance(Duration::from_secs(60));
    }
    for i in 0..3 {
        create(&t, "ups", &format!("TMNOTFOUND{i:02}")).await;
    }
    let page = |q: Vec<(&'static str, String)>| {
        let t = t.clone();
        async move {
            let q: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
            send(&t, Method::GET, "/trackings/get", &q, None).await
        }
    };
    let r = page(vec![("limit", "4".into())]).await;
    let v = r.v();
    assert_eq!(v["data"]["total"], "10");
    assert_eq!(v["data"]["count"], 4);
    let p1: Page = r.data();
    let p2: Page = page(vec![("limit", "4".into()), ("page", "2".into())])
        .await
        .data();
    let p3: Page = page(vec![("limit", "4".into()), ("page", "3".into())])
        .await
        .data();
    assert_eq!(p3.items.len(), 2);
    let all: Vec<String> = p1
        .items
        .iter()
        .chain(&p2.items)
        .chain(&p3.items)
        .map(|t| t.id.clone())
        .collect();
    let mut dedup = all.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), 10);
    // Newest first: the three TMNOTFOUND were created last.
    assert!(p1.items[0].tracking_number.starts_with("TMNOTFOUND"));
    let created: Vec<String> = p1
        .items
        .iter()
        .map(|t| t.created_at.clone().unwrap().as_str().to_string())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]));
    // Status filter.
    let d: Page = page(vec![("status", "delivered".into())]).await.data();
    assert_eq!(d.total, 7);
    assert!(d.items.iter().all(|t| t.status == Status::Delivered));
    // numbers / orders / archived / created_at.
    let n: Page = page(vec![("numbers", "TMDELIV0001,TMDELIV0002,NOPE1".into())])
        .await
        .data();
    assert_eq!(n.total, 2);
    let o: Page = page(vec![("orders", "O1".into())]).await.data();
    assert_eq!(o.total, 3);
    let start = 1_767_600_000i64;
    let c: Page = page(vec![
        ("created_at_min", (start + 60).to_string()),
        ("created_at_max", (start + 180).to_string()),
    ])
    .await
    .data();
    assert_eq!(c.total, 3);
    let oc: Page = page(vec![
        ("order_created_time_min", "1764583200".into()),
        ("order_created_time_max", "1764583200".into()),
    ])
    .await
    .data();
    assert_eq!(oc.total, 7);
    send(
        &t,
        Method::PUT,
        "/trackings/dhl/TMDELIV0003",
        &[],
        Some(json!({"archived": "true"})),
    )
    .await;
    let ar: Page = page(vec![("archived", "true".into())]).await.data();
    assert_eq!(ar.total, 1);
    let un: Page = page(vec![
        ("archived", "false".into()),
        ("status", "delivered".into()),
    ])
    .await
    .data();
    assert_eq!(un.total, 6);
    // No match → 200, empty.
    let r = page(vec![("status", "exception".into())]).await;
    assert_eq!(
        (r.code(), r.v()["data"]["total"].clone()),
        (200, json!("0"))
    );
    // Errors.
    for (k, v, code) in [
        ("limit", "0", 4012),
        ("limit", "2001", 4012),
        ("page", "0", 4012),
        ("page", "x", 4012),
        ("limit", "99999999999999999999999", 4012),
        ("status", "lost", 4033),
        ("archived", "maybe", 4012),
        ("created_at_min", "yesterday", 4012),
    ] {
        assert_eq!(page(vec![(k, v.into())]).await.code(), code, "{k}={v}");
    }
    let many = (0..41)
        .map(|i| format!("N{i:05}"))
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(page(vec![("numbers", many.clone())]).await.code(), 4020);
    assert_eq!(page(vec![("orders", many)]).await.code(), 4020);
    // Absurd page is fine.
    let r = page(vec![
        ("page", i64::MAX.to_string()),
        ("limit", "2000".into()),
    ])
    .await;
    assert_eq!(r.code(), 200);
    // getstatusnumber.
    let c: StatusCounts = send(&t, Method::GET, "/trackings/getstatusnumber", &[], None)
        .await
        .data();
    assert_eq!((c.delivered, c.pending, c.total()), (7, 3, 10));
    let c: StatusCounts = send(
        &t,
        Method::GET,
        "/trackings/getstatusnumber",
        &[("created_at_min", &(start + 300).to_string())],
        None,
    )
    .await
    .data();
    assert_eq!(c.total(), 5);
    assert_eq!(
        send(
            &t,
            Method::GET,
            "/trackings/getstatusnumber",
            &[("created_at_min", "x")],
            None
        )
        .await
        .code(),
        4012
    );
}

#[tokio::test]
async fn clock_moves_routes_and_expiry() {
    let s = sim();
    let t = tr(&s, "k1");
    create(&t, "china-post", "RN123456789CN").await;
    create(&t, "ups", "TMNOTFOUND01").await;
    create(&t, "dhl", "TMEXCEPT0001").await;
    create(&t, "china-post", "TMEXPIRE0001").await;
    let first: Tracking = get(&t, "china-post", "RN123456789CN").await.data();
    assert_eq!(first.status, Status::Pending);
    assert!(first.origin_info.as_ref().unwrap().trackinfo.is_empty());
    s.advance(Duration::from_secs(2 * 86_400));
    let r = get(&t, "china-post", "RN123456789CN").await;
    let tk: Tracking = r.data();
    assert_eq!(tk.status, Status::Transit);
    let info = tk.origin_info.clone().unwrap();
    assert!(!info.trackinfo.is_empty());
    assert!(info.item_received.as_ref().unwrap().is_local());
    let cp = &info.trackinfo[0];
    assert!(cp.date.as_ref().unwrap().naive().is_some());
    assert!(cp.date.as_ref().unwrap().as_str().len() == 19);
    let last = r.v()["data"]["lastEvent"].as_str().unwrap().to_string();
    assert_eq!(
        last,
        format!(
            "{},{},{}",
            cp.status_description,
            cp.details,
            cp.date.as_ref().unwrap().as_str()
        )
    );
    assert_eq!(tk.original_country.as_deref(), Some("China"));
    assert_eq!(
        get(&t, "ups", "TMNOTFOUND01")
            .await
            .data::<Tracking>()
            .status,
        Status::NotFound
    );
    // Deterministic across simulators.
    let s2 = sim();
    let t2 = tr(&s2, "other");
    create(&t2, "china-post", "RN123456789CN").await;
    s2.advance(Duration::from_secs(2 * 86_400));
    let tk2: Tracking = get(&t2, "china-post", "RN123456789CN").await.data();
    assert_eq!(tk2.origin_info.unwrap().trackinfo, info.trackinfo);
    // Far future: delivered; exception; expired (30 d express, 60 d postal).
    s.advance(Duration::from_secs(40 * 86_400));
    assert_eq!(
        get(&t, "ups", "TMNOTFOUND01")
            .await
            .data::<Tracking>()
            .status,
        Status::Expired
    );
    assert_eq!(
        get(&t, "dhl", "TMEXCEPT0001")
            .await
            .data::<Tracking>()
            .status,
        Status::Exception
    );
    assert_eq!(
        get(&t, "china-post", "TMEXPIRE0001")
            .await
            .data::<Tracking>()
            .status,
        Status::Transit
    );
    s.advance(Duration::from_secs(25 * 86_400));
    assert_eq!(
        get(&t, "china-post", "TMEXPIRE0001")
            .await
            .data::<Tracking>()
            .status,
        Status::Expired
    );
    let c: StatusCounts = send(&t, Method::GET, "/trackings/getstatusnumber", &[], None)
        .await
        .data();
    assert_eq!(c.expired, 2);
    assert_eq!(c.exception, 1);
    // Admin clock endpoint.
    let now = s.handle(tm_mock::SimRequest::new(Method::GET, "/_mock/clock"));
    assert_eq!(
        now.data().unwrap()["unix"].as_i64().unwrap(),
        s.now().timestamp()
    );
    let r = s.handle(
        tm_mock::SimRequest::new(Method::POST, "/_mock/clock")
            .json(&json!({"advance_seconds": 3600})),
    );
    assert_eq!(
        r.data().unwrap()["unix"].as_i64().unwrap(),
        1_767_600_000 + 67 * 86_400 + 3600
    );
}

#[tokio::test]
async fn put_updatemore_manual_status_and_delete() {
    let s = sim();
    let t = tr(&s, "k1");
    create(&t, "sto", "402934299065").await;
    let body: Value = fixture("put_request_demo.json");
    let r = send(
        &t,
        Method::PUT,
        "/trackings/sto/402934299065",
        &[],
        Some(body),
    )
    .await;
    assert_eq!(r.code(), 200);
    let c: CreatedTracking = r.data();
    assert_eq!(c.title.as_deref(), Some("testtitle"));
    assert_eq!(c.status, Status::Exception);
    assert_eq!(c.destination_code.as_deref(), Some("US"));
    assert!(c.updated_at.is_some() && c.archived == Some(false));
    // Revert with 8.
    let r = send(
        &t,
        Method::PUT,
        "/trackings/sto/402934299065",
        &[],
        Some(json!({"status": 8})),
    )
    .await;
    assert_eq!(r.data::<CreatedTracking>().status, Status::Pending);
    // Bad status / archived; empty body = no change.
    assert_eq!(
        send(
            &t,
            Method::PUT,
            "/trackings/sto/402934299065",
            &[],
            Some(json!({"status": 5}))
        )
        .await
        .code(),
        4033
    );
    assert_eq!(
        send(
            &t,
            Method::PUT,
            "/trackings/sto/402934299065",
            &[],
            Some(json!({"status": "delivered"}))
        )
        .await
        .code(),
        4033
    );
    assert_eq!(
        send(
            &t,
            Method::PUT,
            "/trackings/sto/402934299065",
            &[],
            Some(json!({"archived": "yes"}))
        )
        .await
        .code(),
        4012
    );
    let r = raw(&t, Method::PUT, "/trackings/sto/402934299065", b"").await;
    assert_eq!(r.code(), 200);
    assert_eq!(
        r.data::<CreatedTracking>().title.as_deref(),
        Some("testtitle")
    );
    assert_eq!(
        send(
            &t,
            Method::PUT,
            "/trackings/sto/111111111111",
            &[],
            Some(json!({}))
        )
        .await
        .code(),
        4017
    );
    // updatemore: one ok (status "4"), one unknown, one bad status.
    let r = send(&t, Method::POST, "/trackings/updatemore", &[], Some(json!([
        {"tracking_number": "402934299065", "carrier_code": "sto", "status": "4", "title": "t2"},
        {"tracking_number": "EA152563242CN", "carrier_code": "china-post"},
        {"tracking_number": "402934299065", "carrier_code": "sto", "status": 9},
    ]))).await;
    assert_eq!(r.code(), 201);
    let u: BatchUpdated = r.data();
    assert_eq!((u.submitted, u.updated), (3, 1));
    assert_eq!(
        u.errors.iter().map(|e| e.code).collect::<Vec<_>>(),
        [4017, 4033]
    );
    assert_eq!(
        get(&t, "sto", "402934299065")
            .await
            .data::<Tracking>()
            .status,
        Status::Delivered
    );
    // Delete single and batch.
    create(&t, "ups", "1Z97X17XYW06605211").await;
    create(&t, "wishpost", "83041096445").await;
    let body: Value = fixture("delete_batch_request.json");
    let r = send(&t, Method::POST, "/trackings/delete", &[], Some(body)).await;
    assert_eq!(r.code(), 200);
    let d: BatchDeleted = r.data();
    assert_eq!(
        (d.submitted, d.delete, d.trackings[0].carrier_code.as_str()),
        (2, 2, "ups")
    );
    let r = send(&t, Method::DELETE, "/trackings/sto/402934299065", &[], None).await;
    assert_eq!((r.code(), r.v()["data"].clone()), (200, json!([])));
    assert_eq!(
        send(&t, Method::DELETE, "/trackings/sto/402934299065", &[], None)
            .await
            .code(),
        4017
    );
    assert_eq!(s.tracking_count(), 0);
}

#[tokio::test]
async fn notupdate_freezes_and_change_carrier_resets() {
    let s = sim();
    let t = tr(&s, "k1");
    create(&t, "china-ems", "LK894734223CN").await;
    create(&t, "singapore-post", "RP893531375SG").await;
    s.advance(Duration::from_secs(86_400));
    let before: Tracking = get(&t, "china-ems", "LK894734223CN").await.data();
    let body: Value = fixture("notupdate_request.json");
    let r = send(&t, Method::POST, "/trackings/notupdate", &[], Some(body)).await;
    let b: BatchStopped = r.data();
    assert_eq!((r.code(), b.submitted, b.change), (200, 2, 2));
    s.advance(Duration::from_secs(90 * 86_400));
    let after: Tracking = get(&t, "china-ems", "LK894734223CN").await.data();
    assert_eq!(after.track_update, Some(false));
    assert_eq!(after.status, before.status);
    assert_eq!(
        after.origin_info.unwrap().trackinfo,
        before.origin_info.unwrap().trackinfo
    );
    // Change carrier.
    let body: Value = json!({"tracking_number": "LK894734223CN", "carrier_code": "china-ems", "update_carrier_code": "usps"});
    let r = send(
        &t,
        Method::POST,
        "/trackings/update",
        &[],
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.v(), fixture("update_carrier_200.json"));
    let _: CarrierChanged = r.data();
    assert_eq!(get(&t, "china-ems", "LK894734223CN").await.code(), 4031);
    let moved: Tracking = get(&t, "usps", "LK894734223CN").await.data();
    assert_eq!(moved.status, Status::Pending);
    assert_eq!(
        send(&t, Method::POST, "/trackings/update", &[], Some(body))
            .await
            .code(),
        4017
    );
    create(&t, "dhl", "RP893531375SG").await;
    let r = send(&t, Method::POST, "/trackings/update", &[], Some(json!({"tracking_number": "RP893531375SG", "carrier_code": "singapore-post", "update_carrier_code": "dhl"}))).await;
    assert_eq!(r.code(), 4016);
    let r = send(&t, Method::POST, "/trackings/update", &[], Some(json!({"tracking_number": "RP893531375SG", "carrier_code": "singapore-post", "update_carrier_code": "zzz"}))).await;
    assert_eq!(r.code(), 4015);
}

#[tokio::test]
async fn realtime_cache_and_credits() {
    let s = sim();
    let t = tr(&s, "k1");
    let body: Value = fixture("realtime_request.json");
    let r = send(
        &t,
        Method::POST,
        "/trackings/realtime",
        &[],
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.code(), 200);
    let rt: Realtime = r.data();
    assert_eq!(rt.items.len(), 1);
    assert_eq!(rt.items[0].tracking_number, "LK664578623CN");
    assert_eq!(s.credits("k1"), Some(99_999.0));
    assert_eq!(s.tracking_count(), 0);
    s.advance(Duration::from_secs(3600));
    let again = send(
        &t,
        Method::POST,
        "/trackings/realtime",
        &[],
        Some(body.clone()),
    )
    .await;
    assert_eq!(again.body, r.body, "served from cache");
    assert_eq!(s.credits("k1"), Some(99_999.0));
    s.advance(Duration::from_secs(3601));
    send(
        &t,
        Method::POST,
        "/trackings/realtime",
        &[],
        Some(body.clone()),
    )
    .await;
    assert_eq!(s.credits("k1"), Some(99_998.0));
    s.set_account("k1", Some(0.0), None);
    s.advance(Duration::from_secs(7200));
    assert_eq!(
        send(&t, Method::POST, "/trackings/realtime", &[], Some(body))
            .await
            .code(),
        4021
    );
    assert_eq!(
        send(
            &t,
            Method::POST,
            "/trackings/realtime",
            &[],
            Some(json!({"carrier_code": "ups"}))
        )
        .await
        .code(),
        4013
    );
}

#[tokio::test]
async fn carriers_detect_remote_costtime_aircargo() {
    let s = sim();
    let t = tr(&s, "k1");
    let r = send(&t, Method::GET, "/carriers", &[], None).await;
    let list: Vec<Carrier> = r.data();
    assert!(list.len() >= 60);
    let dhl = list.iter().find(|c| c.code == "dhl").unwrap();
    assert_eq!(dhl.homepage.as_deref(), Some("//www.dhl.com/"));
    assert_eq!(dhl.type_.as_deref(), Some("express"));
    let mut req = WireRequest::new(Method::GET, "/carriers/");
    req.headers.insert("Lang", "cn".parse().unwrap());
    let cn: Value = serde_json::from_slice(&t.send(req).await.unwrap().body).unwrap();
    assert!(cn["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "中国邮政"));
    // Detect.
    let r = send(
        &t,
        Method::POST,
        "/carriers/detect",
        &[],
        Some(json!({"tracking_number": "RN123456789CN"})),
    )
    .await;
    let d: Vec<DetectedCarrier> = r.data();
    assert_eq!(d[0].code, "china-post");
    let d: Vec<DetectedCarrier> = send(
        &t,
        Method::POST,
        "/carriers/detect",
        &[],
        Some(json!({"tracking_number": "EA152565249CN"})),
    )
    .await
    .data();
    assert_eq!(d[0].code, "china-ems");
    assert_eq!(
        send(
            &t,
            Method::POST,
            "/carriers/detect",
            &[],
            Some(json!({"tracking_number": "TMNOTFOUND1"}))
        )
        .await
        .code(),
        4032
    );
    // Remote.
    let body: Value = fixture("remote_request.json");
    let r = send(&t, Method::POST, "/trackings/remote", &[], Some(body)).await;
    let rr: RemoteResult = r.data();
    assert_eq!(rr.submitted, 2);
    let jp: Vec<&str> = rr
        .remote
        .iter()
        .filter(|x| x.two_code == "JP")
        .map(|x| x.far_express_company.as_str())
        .collect();
    assert_eq!(jp, ["ups", "tnt", "dhl", "fedex"]);
    let r = send(
        &t,
        Method::POST,
        "/trackings/remote",
        &[],
        Some(json!([{"country": "Germany", "postcode": "10115"}, {"postcode": "1"}])),
    )
    .await;
    assert_eq!(r.data::<RemoteResult>().other.len(), 2);
    // Costtime over delivered trackings of a lane.
    for i in 0..4 {
        send(&t, Method::POST, "/trackings/post", &[], Some(json!({"tracking_number": format!("TMDELIV{i:03}"), "carrier_code": "dhl", "destination_code": "US"}))).await;
    }
    send(&t, Method::POST, "/trackings/post", &[], Some(json!({"tracking_number": "TMEXCEPT001", "carrier_code": "dhl", "destination_code": "US"}))).await;
    s.advance(Duration::from_secs(60 * 86_400));
    let r = send(&t, Method::POST, "/trackings/costtime", &[], Some(json!([{"carrier_code": "dhl", "original": "DE", "destination": "US"}, {"carrier_code": "dhl", "original": "CN", "destination": "RU"}]))).await;
    let tt: Vec<TransitTime> = r.data();
    assert_eq!((tt[0].total, tt[0].delivered), (5, 4));
    assert_eq!(tt[0].range6, 20.0);
    assert!(
        (tt[0].range1 + tt[0].range2 + tt[0].range3 + tt[0].range4 + tt[0].range5 - 80.0).abs()
            < 0.01
    );
    assert!(tt[0].average > 0.0);
    assert_eq!(tt[1].total, 0);
    assert_eq!(
        send(
            &t,
            Method::POST,
            "/trackings/costtime",
            &[],
            Some(json!([{"carrier_code": "zzz", "original": "CN", "destination": "US"}]))
        )
        .await
        .code(),
        4015
    );
    // Aircargo.
    let before = s.credits("k1").unwrap();
    let body: Value = fixture("aircargo_request.json");
    let r = send(&t, Method::POST, "/trackings/aircargo", &[], Some(body)).await;
    let a: Vec<AirCargo> = r.data();
    assert_eq!(a.len(), 2);
    assert_eq!(a[0], a[1]);
    assert_eq!(a[0].origin.as_deref(), Some("LUX"));
    assert!(!a[0].track_info.is_empty());
    assert_eq!(s.credits("k1").unwrap(), before - 40.0);
    let one: Vec<AirCargo> = send(
        &t,
        Method::POST,
        "/trackings/aircargo",
        &[],
        Some(json!({"track_number": "176-12345675"})),
    )
    .await
    .data();
    assert_eq!(one.len(), 1);
    assert_eq!(
        send(
            &t,
            Method::POST,
            "/trackings/aircargo",
            &[],
            Some(json!({"track_number": "17-1234"}))
        )
        .await
        .code(),
        4014
    );
}

#[tokio::test]
async fn rate_limits_give_429_with_retry_after() {
    let s = sim();
    s.set_rate_limits(true);
    let t = tr(&s, "k1");
    let r1 = send(&t, Method::GET, "/trackings/get", &[], None).await;
    assert_eq!(r1.code(), 200);
    let r2 = send(&t, Method::GET, "/trackings/get", &[], None).await;
    assert_eq!((r2.status.as_u16(), r2.code()), (429, 429));
    assert_eq!(r2.v()["meta"]["type"], "Too Many Requests");
    let ra: u64 = r2
        .headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=1).contains(&ra));
    // Other key unaffected; other class unaffected.
    assert_eq!(
        send(&tr(&s, "k2"), Method::GET, "/trackings/get", &[], None)
            .await
            .code(),
        200
    );
    assert_eq!(
        send(&t, Method::GET, "/trackings/getuserinfo", &[], None)
            .await
            .code(),
        200
    );
    let mut codes = Vec::new();
    for _ in 0..12 {
        codes.push(
            send(&t, Method::GET, "/carriers", &[], None)
                .await
                .status
                .as_u16(),
        );
    }
    assert!(codes.contains(&429));
    s.set_rate_limits(false);
    assert_eq!(
        send(&t, Method::GET, "/trackings/get", &[], None)
            .await
            .code(),
        200
    );
}

#[tokio::test]
async fn faults_in_process() {
    let s = sim();
    let t = tr(&s, "k1");
    // Drop after applying: create landed, response lost.
    s.set_faults(
        FaultConfig::new().rule(
            FaultRule::new(FaultKind::Drop)
                .endpoint("trackings.post")
                .times(1),
        ),
    );
    let mut req = WireRequest::new(Method::POST, "/trackings/post");
    req.body = Bytes::from(r#"{"tracking_number":"1Z97X17XYW06605211","carrier_code":"ups"}"#);
    let err = t.send(req.clone()).await.unwrap_err();
    assert_eq!(err.kind, TransportErrorKind::Io);
    assert_eq!(s.tracking_count(), 1);
    assert_eq!(
        t.send(req)
            .await
            .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["meta"]["code"].clone())
            .unwrap(),
        4016
    );
    // Drop before: nothing applied.
    s.set_faults(
        FaultConfig::new().rule(
            FaultRule::new(FaultKind::Drop)
                .when(FaultTiming::Before)
                .times(1),
        ),
    );
    assert!(send_err(&t, "TMDELIV0001").await);
    assert_eq!(s.tracking_count(), 1);
    // 503 with Retry-After, before.
    s.set_faults(
        FaultConfig::new().rule(FaultRule::new(FaultKind::Http503).retry_after(7).times(1)),
    );
    let r = create(&t, "ups", "TMDELIV0002").await;
    assert_eq!((r.status.as_u16(), r.code()), (503, 503));
    assert_eq!(r.headers.get("retry-after").unwrap(), "7");
    assert_eq!(s.tracking_count(), 1);
    // 500 after: applied.
    s.set_faults(
        FaultConfig::new().rule(
            FaultRule::new(FaultKind::Http500)
                .when(FaultTiming::After)
                .times(1),
        ),
    );
    assert_eq!(create(&t, "ups", "TMDELIV0003").await.status.as_u16(), 500);
    assert_eq!(s.tracking_count(), 2);
    // 429.
    s.set_faults(FaultConfig::new().rule(FaultRule::new(FaultKind::Http429).times(1)));
    let r = create(&t, "ups", "TMDELIV0004").await;
    assert_eq!((r.status.as_u16(), r.code()), (429, 429));
    assert!(r.headers.contains_key("retry-after"));
    // Truncated and HTML bodies.
    s.set_faults(
        FaultConfig::new().rule(
            FaultRule::new(FaultKind::Truncate)
                .endpoint("/trackings/*")
                .times(1),
        ),
    );
    let r = send(&t, Method::GET, "/trackings/getuserinfo", &[], None).await;
    assert!(serde_json::from_slice::<Value>(&r.body).is_err());
    assert!(!r.body.is_empty());
    s.set_faults(FaultConfig::new().rule(FaultRule::new(FaultKind::Html).times(1)));
    let r = send(&t, Method::GET, "/trackings/getuserinfo", &[], None).await;
    assert_eq!(r.status.as_u16(), 502);
    assert!(String::from_utf8_lossy(&r.body).contains("<html>"));
    // Endpoint restriction: other endpoints untouched.
    s.set_faults(
        FaultConfig::new().rule(FaultRule::new(FaultKind::Http503).endpoint("carriers.list")),
    );
    assert_eq!(
        send(&t, Method::GET, "/trackings/getuserinfo", &[], None)
            .await
            .code(),
        200
    );
    assert_eq!(
        send(&t, Method::GET, "/carriers", &[], None).await.code(),
        503
    );
    // Latency (tokio paused clock: no real waiting).
    s.set_faults(FaultConfig::new().rule(FaultRule::latency(5, 10)));
    assert_eq!(
        send(&t, Method::GET, "/trackings/getuserinfo", &[], None)
            .await
            .code(),
        200
    );
    // Probability is seeded and reproducible.
    let pattern = |seed: u64| {
        let s = sim();
        s.set_faults(
            FaultConfig::new()
                .seed(seed)
                .rule(FaultRule::new(FaultKind::Http503).probability(0.5)),
        );
        (0..40)
            .map(|_| {
                s.process(tm_mock::SimRequest::new(Method::GET, "/carriers").key("k"))
                    .outcome_is_ok()
            })
            .collect::<Vec<bool>>()
    };
    assert_eq!(pattern(9), pattern(9));
    assert_ne!(pattern(9), pattern(10));
    // Journal records the faults; clear_faults clears.
    assert!(s
        .journal()
        .iter()
        .any(|e| e.fault.as_deref() == Some("drop") && e.status == 0));
    s.clear_faults();
    assert!(s.faults().rules.is_empty());
}

trait OkOutcome {
    fn outcome_is_ok(&self) -> bool;
}

impl OkOutcome for tm_mock::Processed {
    fn outcome_is_ok(&self) -> bool {
        matches!(&self.outcome, tm_mock::Outcome::Respond(r) if r.status == 200)
    }
}

async fn send_err(t: &MockTransport, n: &str) -> bool {
    let mut req = WireRequest::new(Method::POST, "/trackings/post");
    req.body = Bytes::from(
        serde_json::to_vec(&json!({"tracking_number": n, "carrier_code": "ups"})).unwrap(),
    );
    t.send(req).await.is_err()
}

#[tokio::test]
async fn admin_endpoints_snapshot_and_reset() {
    let s = sim();
    let t = tr(&s, "k1");
    create(&t, "dhl", "TMDELIV0001").await;
    create(&t, "china-post", "RN123456789CN").await;
    send(
        &t,
        Method::PUT,
        "/trackings/dhl/TMDELIV0001",
        &[],
        Some(json!({"title": "kept", "status": 7})),
    )
    .await;
    s.advance(Duration::from_secs(3 * 86_400));
    let snap = s.snapshot();
    assert!(!String::from_utf8_lossy(&snap).contains("\"k1\""));
    let s2 = Simulator::restore(&snap).unwrap();
    assert_eq!(s2.now(), s.now());
    let t2 = tr(&s2, "k1");
    let a = get(&t, "china-post", "RN123456789CN").await.v();
    let b = get(&t2, "china-post", "RN123456789CN").await.v();
    assert_eq!(a, b);
    let x: Tracking = get(&t2, "dhl", "TMDELIV0001").await.data();
    assert_eq!(
        (x.title.as_deref(), x.status),
        (Some("kept"), Status::Exception)
    );
    assert!(Simulator::restore(b"{not json").is_err());
    // Accounts via admin endpoint.
    let r = s.handle(
        tm_mock::SimRequest::new(Method::POST, "/_mock/accounts")
            .json(&json!({"key": "k9", "credits": 0})),
    );
    assert_eq!(r.data().unwrap()["credits"], 0);
    assert_eq!(
        create(&tr(&s, "k9"), "dhl", "1234567890").await.code(),
        4021
    );
    s.handle(
        tm_mock::SimRequest::new(Method::POST, "/v2/_mock/accounts")
            .json(&json!({"key": "k9", "deleted": true})),
    );
    assert_eq!(
        create(&tr(&s, "k9"), "dhl", "1234567890").await.code(),
        4002
    );
    // Faults via admin endpoint.
    let r = s.handle(
        tm_mock::SimRequest::new(Method::POST, "/_mock/faults")
            .body(r#"{"seed": 4, "rules": [{"kind": "http503", "times": 1, "retry_after": 3}]}"#),
    );
    assert_eq!(r.meta_code(), Some(200));
    assert_eq!(get(&t, "dhl", "TMDELIV0001").await.code(), 503);
    assert_eq!(get(&t, "dhl", "TMDELIV0001").await.code(), 200);
    assert_eq!(
        s.handle(
            tm_mock::SimRequest::new(Method::POST, "/_mock/faults")
                .body("{\"rules\": [{\"kind\": \"nope\"}]}")
        )
        .meta_code(),
        Some(4012)
    );
    // Journal endpoint.
    let j = s
        .handle(tm_mock::SimRequest::new(Method::GET, "/_mock/journal"))
        .data()
        .unwrap();
    assert!(j.as_array().unwrap().len() >= 5);
    assert!(
        j[0].get("seq").is_some()
            && j[0].get("meta_code").is_some()
            && j[0].get("account").is_some()
    );
    // Reset.
    s.handle(tm_mock::SimRequest::new(Method::POST, "/_mock/reset"));
    assert_eq!(s.tracking_count(), 0);
    assert!(s.journal().is_empty());
    assert_eq!(s.now().timestamp(), 1_767_600_000);
}
