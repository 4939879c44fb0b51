//! Conformance: every v2 call and every error case of CONTRACT.md, written once
//! against a `tm_core::Client` (plus a raw-request hook for inputs the client
//! refuses to build), run in-process through `MockTransport` and over loopback
//! HTTP through `HttpTransport` + `tm_mock::serve`. Each run yields a
//! transcript of normalized results; both must meet the expectations and be
//! identical.

use std::fmt::Debug;
use std::time::Duration;

use futures::StreamExt;
use http::Method;
use serde::Serialize;
use serde_json::{json, Value};
use tm_core::cassette::Interaction;
use tm_core::endpoints::carriers::{DetectCarrier, ListCarriers};
use tm_core::endpoints::trackings::{
    BatchCreateTrackings, BatchDeleteTrackings, BatchUpdateTrackings, ChangeCarrier, CheckRemote,
    CreateTracking, DeleteTracking, GetStatusCounts, GetTracking, GetTransitTimes, GetUserInfo,
    ListTrackings, RealtimeTracking, StopUpdating, TrackAirCargo, UpdateTracking,
};
use tm_core::models::{
    ListFilter, ManualStatus, NewTracking, RealtimeQuery, RemoteCheck, Status, StatusCountFilter,
    TrackingRef, TrackingUpdate, TransitTimeQuery,
};
use tm_core::{Client, Error};
use tm_mock::{SimConfig, MAX_BODY};
use tm_tests::openapi::Description;
use tm_tests::{err_triple, norm, Front, Harness, RawCall};

const A: &str = "conf-key-alpha";
const B: &str = "conf-key-bravo";
const DELETED: &str = "conf-key-deleted";
const BROKE: &str = "conf-key-broke";
const NOBODY: &str = "conf-key-nobody";

const SG: (&str, &str) = ("singapore-post", "RP893531375SG");
const UPS: (&str, &str) = ("ups", "1Z97X17XYW06605211");
const FAR_FUTURE: i64 = 4_000_000_000;

fn config() -> SimConfig {
    SimConfig {
        seed: 7,
        rate_limits: false,
        keys: Some(vec![A.into(), B.into(), DELETED.into(), BROKE.into()]),
        ..SimConfig::default()
    }
}

/// A transcript under construction; every entry is checked as it is added.
struct Rec {
    front: Front,
    t: Vec<(String, Value)>,
}

impl Rec {
    fn push(&mut self, label: &str, v: Value) -> Value {
        self.t.push((label.to_owned(), v.clone()));
        v
    }

    /// Records a result that must be a success and returns the value.
    fn ok<T: Serialize + Debug>(&mut self, label: &str, r: Result<T, Error>) -> T {
        let v = norm(&r);
        match r {
            Ok(x) => {
                self.push(label, v);
                x
            }
            Err(e) => panic!("[{:?}] {label}: expected success, got {e:?}", self.front),
        }
    }

    /// Records a result that must be the API error (`kind`, `code`, HTTP `http`).
    fn err<T: Serialize + Debug>(
        &mut self,
        label: &str,
        r: Result<T, Error>,
        kind: &str,
        code: i64,
        http: u64,
    ) -> Value {
        let v = norm(&r);
        assert_eq!(
            err_triple(&v),
            Some((kind.to_owned(), code, http)),
            "[{:?}] {label}: got {v}",
            self.front
        );
        self.push(label, v)
    }
}

fn body(v: &Value) -> RawCall {
    RawCall::post_json("/trackings/post", v)
}

/// `(HTTP status, meta.code)` of a call sent once, undecoded.
async fn meta_of(c: &Client, call: &RawCall) -> (u16, i64) {
    let raw = c.execute_raw(call).await.expect("a response");
    let v: Value = serde_json::from_slice(&raw.body).expect("JSON envelope");
    (
        raw.status.as_u16(),
        v["meta"]["code"].as_i64().expect("meta.code"),
    )
}

fn items(n: usize, prefix: &str) -> Value {
    Value::Array(
        (0..n)
            .map(|i| json!({"tracking_number": format!("{prefix}{i:05}"), "carrier_code": "china-post"}))
            .collect(),
    )
}

async fn total(c: &Client) -> u64 {
    c.execute(&GetStatusCounts::new())
        .await
        .expect("counts")
        .total()
}

async fn credits(c: &Client) -> f64 {
    c.execute(&GetUserInfo::new())
        .await
        .expect("user info")
        .track_number
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// The whole conformance script against one front.
async fn script(h: &Harness) -> Vec<(String, Value)> {
    let mut r = Rec {
        front: h.front(),
        t: Vec::new(),
    };
    let sim = h.sim();
    let a = h.client(A);

    // ---- GET /carriers
    let carriers = r.ok("carriers", a.execute(&ListCarriers::new()).await);
    assert!(carriers.len() >= 60, "{} carriers", carriers.len());
    for code in [
        "singapore-post",
        "china-ems",
        "china-post",
        "ups",
        "fedex",
        "dhl",
        "usps",
    ] {
        assert!(carriers.iter().any(|c| c.code == code), "carrier {code}");
    }
    let cn = r.ok(
        "carriers lang=cn",
        a.execute(&ListCarriers::new().lang("cn").unwrap()).await,
    );
    assert_eq!(cn.len(), carriers.len());

    // ---- POST /carriers/detect (0.2 credit each, charged before detection)
    let d = r.ok(
        "detect ups",
        a.execute(&DetectCarrier::new(UPS.1).unwrap()).await,
    );
    assert_eq!(d[0].code, "ups");
    let d = r.ok(
        "detect s10",
        a.execute(&DetectCarrier::new(SG.1).unwrap()).await,
    );
    assert!(d.iter().any(|c| c.code == "singapore-post"), "{d:?}");
    r.err(
        "detect nothing",
        a.execute(&DetectCarrier::new("ZZZZZZZZZZ").unwrap()).await,
        "carrier_not_detected",
        4032,
        200,
    );
    r.err(
        "detect missing number",
        a.execute(&RawCall::post_json("/carriers/detect", &json!({})))
            .await,
        "invalid_request",
        4013,
        200,
    );
    let info = r.ok("user info", a.execute(&GetUserInfo::new()).await);
    assert!(close(info.track_number, 100_000.0 - 0.6), "{info:?}");
    assert!(info.regtime.is_some() && !info.email.is_empty());

    // ---- POST /trackings/post
    let mut first = NewTracking::new(SG.0, SG.1);
    first.title = Some("Order 1".into());
    first.order_id = Some("ORD-1".into());
    first.order_create_time = Some("2017/8/27 16:51".into());
    first.customer_email = Some("a@example.com".into());
    let c = r.ok(
        "create",
        a.execute(&CreateTracking::new(first.clone()).unwrap())
            .await,
    );
    assert_eq!(
        (c.tracking_number.as_str(), c.carrier_code.as_str()),
        (SG.1, SG.0)
    );
    assert_eq!(c.status, Status::Pending);
    assert_eq!(c.title.as_deref(), Some("Order 1"));
    r.err(
        "create duplicate",
        a.execute(&CreateTracking::new(first).unwrap()).await,
        "already_exists",
        4016,
        200,
    );
    sim.advance(Duration::from_secs(60));
    let mut second = NewTracking::new(UPS.0, UPS.1);
    second.order_id = Some("ORD-2".into());
    r.ok(
        "create ups",
        a.execute(&CreateTracking::new(second).unwrap()).await,
    );
    r.err(
        "create unknown carrier",
        a.execute(
            &CreateTracking::new(NewTracking::new("no-such-carrier", "AB123456789")).unwrap(),
        )
        .await,
        "invalid_request",
        4015,
        200,
    );
    r.err(
        "create missing number",
        a.execute(&body(&json!({"carrier_code": "ups"}))).await,
        "invalid_request",
        4013,
        200,
    );
    r.err(
        "create invalid number",
        a.execute(&body(
            &json!({"tracking_number": "ab c!", "carrier_code": "ups"}),
        ))
        .await,
        "invalid_request",
        4014,
        200,
    );
    r.err(
        "create short number",
        a.execute(&body(
            &json!({"tracking_number": "RP1", "carrier_code": "ups"}),
        ))
        .await,
        "invalid_request",
        4014,
        200,
    );
    r.err(
        "create missing carrier",
        a.execute(&body(&json!({"tracking_number": "AB123456789"})))
            .await,
        "invalid_request",
        4015,
        200,
    );
    r.err(
        "create malformed json",
        a.execute(
            &RawCall::new(Method::POST, "/trackings/post").body(&b"{\"tracking_number\":"[..]),
        )
        .await,
        "invalid_request",
        4012,
        200,
    );
    r.err(
        "create non-utf8",
        a.execute(
            &RawCall::new(Method::POST, "/trackings/post").body(&b"{\"a\":\"\xff\xfe\"}"[..]),
        )
        .await,
        "invalid_request",
        4012,
        200,
    );
    r.err(
        "create wrong type",
        a.execute(&body(
            &json!({"tracking_number": "LZ000000001CN", "carrier_code": "china-post", "title": 5}),
        ))
        .await,
        "invalid_request",
        4012,
        200,
    );
    r.err(
        "create array body",
        a.execute(&body(&json!([]))).await,
        "invalid_request",
        4012,
        200,
    );
    r.err(
        "create empty body",
        a.execute(&RawCall::new(Method::POST, "/trackings/post"))
            .await,
        "invalid_request",
        4012,
        200,
    );
    let extra = r.ok(
        "create with unknown field",
        a.execute(&body(&json!({"tracking_number": "LZ000000002CN", "carrier_code": "china-post", "no_such_field": [1, 2]})))
            .await,
    );
    assert_eq!(extra["tracking_number"], "LZ000000002CN");
    assert_eq!(total(&a).await, 3);

    // ---- GET /trackings/{carrier}/{number}[/{lang}]
    let t = r.ok(
        "get",
        a.execute(&GetTracking::new(SG.0, SG.1).unwrap()).await,
    );
    assert_eq!(t.tracking_number, SG.1);
    assert_eq!(t.order_id.as_deref(), Some("ORD-1"));
    r.ok(
        "get lang",
        a.execute(&GetTracking::new(SG.0, SG.1).unwrap().lang("en").unwrap())
            .await,
    );
    r.err(
        "get never created",
        a.execute(&GetTracking::new("ups", "1Z0000000000000000").unwrap())
            .await,
        "not_found",
        4031,
        200,
    );
    r.err(
        "get invalid number",
        a.execute(&RawCall::get("/trackings/ups/ab")).await,
        "invalid_request",
        4014,
        200,
    );
    r.err(
        "get unknown carrier",
        a.execute(&RawCall::get(format!(
            "/trackings/no-such-carrier/{}",
            SG.1
        )))
        .await,
        "invalid_request",
        4015,
        200,
    );

    // ---- PUT /trackings/{carrier}/{number}
    let upd = TrackingUpdate {
        title: Some("Renamed".into()),
        archived: Some(true),
        ..TrackingUpdate::default()
    };
    let u = r.ok(
        "put",
        a.execute(&UpdateTracking::new(SG.0, SG.1, upd.clone()).unwrap())
            .await,
    );
    assert_eq!(
        (u.title.as_deref(), u.archived),
        (Some("Renamed"), Some(true))
    );
    let deliver = TrackingUpdate {
        status: Some(ManualStatus::Delivered),
        ..TrackingUpdate::default()
    };
    r.ok(
        "put status 4",
        a.execute(&UpdateTracking::new(UPS.0, UPS.1, deliver.clone()).unwrap())
            .await,
    );
    let t = r.ok(
        "get delivered",
        a.execute(&GetTracking::new(UPS.0, UPS.1).unwrap()).await,
    );
    assert_eq!(t.status, Status::Delivered);
    r.err(
        "put unknown",
        a.execute(&UpdateTracking::new("ups", "1Z0000000000000000", upd.clone()).unwrap())
            .await,
        "not_found",
        4017,
        200,
    );
    let put = |v: Value| {
        RawCall::new(Method::PUT, format!("/trackings/{}/{}", SG.0, SG.1))
            .body(serde_json::to_vec(&v).unwrap())
    };
    r.err(
        "put status 5",
        a.execute(&put(json!({"status": 5}))).await,
        "invalid_request",
        4033,
        200,
    );
    r.err(
        "put archived yes",
        a.execute(&put(json!({"archived": "yes"}))).await,
        "invalid_request",
        4012,
        200,
    );
    let v = r.ok(
        "put status \"7\"",
        a.execute(&put(json!({"status": "7"}))).await,
    );
    assert_eq!(v["status"], "exception");
    let v = r.ok(
        "put empty body",
        a.execute(&RawCall::new(
            Method::PUT,
            format!("/trackings/{}/{}", SG.0, SG.1),
        ))
        .await,
    );
    assert_eq!(v["title"], "Renamed");
    r.ok("put status 8", a.execute(&put(json!({"status": 8}))).await);

    // ---- POST /trackings/batch
    sim.advance(Duration::from_secs(60));
    let mut batch: Vec<NewTracking> = (1..=3)
        .map(|i| NewTracking::new("china-post", format!("LZ10000000{i}CN")))
        .collect();
    batch.push(NewTracking::new(SG.0, SG.1));
    let b = r.ok(
        "batch partial",
        a.execute(&BatchCreateTrackings::new(batch).unwrap()).await,
    );
    assert_eq!((b.submitted, b.added, b.trackings.len()), (4, 3, 3));
    assert_eq!(b.errors.len(), 1);
    assert_eq!(
        (b.errors[0].code, b.errors[0].tracking_number.as_str()),
        (4016, SG.1)
    );
    let m = meta_of(
        &a,
        &RawCall::post_json(
            "/trackings/batch",
            &json!([{"tracking_number": "LZ100000004CN", "carrier_code": "china-post"}, {"tracking_number": SG.1, "carrier_code": SG.0}]),
        ),
    )
    .await;
    r.push("batch partial meta", json!(m));
    assert_eq!(m, (200, 201));
    let m = meta_of(
        &a,
        &RawCall::post_json(
            "/trackings/batch",
            &json!([{"tracking_number": "LZ100000005CN", "carrier_code": "china-post"}]),
        ),
    )
    .await;
    r.push("batch all added meta", json!(m));
    assert_eq!(m, (200, 200));
    let before = total(&a).await;
    assert_eq!(before, 8);
    r.err(
        "batch 41",
        a.execute(&RawCall::post_json("/trackings/batch", &items(41, "LZ9")))
            .await,
        "batch_too_large",
        4020,
        200,
    );
    assert_eq!(total(&a).await, before, "a refused batch adds nothing");
    r.err(
        "batch empty",
        a.execute(&RawCall::post_json("/trackings/batch", &json!([])))
            .await,
        "invalid_request",
        4012,
        200,
    );
    r.err(
        "batch not array",
        a.execute(&RawCall::post_json("/trackings/batch", &json!({})))
            .await,
        "invalid_request",
        4012,
        200,
    );

    // ---- GET /trackings/get: paging, order, filters
    let p = r.ok("list", a.execute(&ListTrackings::new()).await);
    assert_eq!((p.page, p.limit, p.total, p.count), (1, 100, 8, Some(8)));
    let created: Vec<String> = p
        .items
        .iter()
        .map(|t| serde_json::to_string(&t.created_at).unwrap())
        .collect();
    let mut sorted = created.clone();
    sorted.sort_by(|x, y| y.cmp(x));
    assert_eq!(created, sorted, "newest first");
    let mut walked = Vec::new();
    for page in 1..=5u32 {
        let pg = r.ok(
            &format!("list page {page} limit 3"),
            a.execute(&ListTrackings::new().page(page).unwrap().limit(3).unwrap())
                .await,
        );
        assert_eq!(pg.total, 8);
        assert_eq!(pg.count, Some(pg.items.len() as i64));
        walked.extend(pg.items.into_iter().map(|t| t.id));
    }
    let all: Vec<_> = p.items.iter().map(|t| t.id.clone()).collect();
    assert_eq!(walked, all, "pages are stable and cover everything once");
    let streamed: Vec<_> = a
        .list_all(ListTrackings::new().limit(2).unwrap())
        .map(|t| t.expect("page").id)
        .collect()
        .await;
    r.push("list_all limit 2", json!(streamed));
    assert_eq!(streamed, all);
    let filtered = |f: ListFilter| ListTrackings::new().filter(f).unwrap();
    let pg = r.ok(
        "list status=delivered",
        a.execute(&filtered(ListFilter {
            status: Some(Status::Delivered),
            ..ListFilter::default()
        }))
        .await,
    );
    assert_eq!(pg.total, 1);
    assert_eq!(pg.items[0].tracking_number, UPS.1);
    let pg = r.ok(
        "list numbers",
        a.execute(&filtered(ListFilter {
            numbers: vec![SG.1.into(), UPS.1.into(), "LZ999999999CN".into()],
            ..ListFilter::default()
        }))
        .await,
    );
    assert_eq!(pg.total, 2);
    let pg = r.ok(
        "list orders",
        a.execute(&filtered(ListFilter {
            orders: vec!["ORD-2".into()],
            ..ListFilter::default()
        }))
        .await,
    );
    assert_eq!((pg.total, pg.items[0].tracking_number.as_str()), (1, UPS.1));
    let pg = r.ok(
        "list archived",
        a.execute(&filtered(ListFilter {
            archived: Some(true),
            ..ListFilter::default()
        }))
        .await,
    );
    assert_eq!((pg.total, pg.items[0].tracking_number.as_str()), (1, SG.1));
    let start = sim.now().timestamp();
    let pg = r.ok(
        "list created_at window",
        a.execute(&filtered(ListFilter {
            created_at_min: Some(start - 60),
            created_at_max: Some(start),
            ..ListFilter::default()
        }))
        .await,
    );
    assert_eq!(pg.total, 7, "all but the first create");
    let pg = r.ok(
        "list order_created_time",
        a.execute(&filtered(ListFilter {
            order_created_time_min: Some(1_503_852_660),
            order_created_time_max: Some(1_503_852_660),
            ..ListFilter::default()
        }))
        .await,
    );
    assert_eq!(pg.total, 1);
    let pg = r.ok(
        "list no match",
        a.execute(&filtered(ListFilter {
            created_at_min: Some(FAR_FUTURE),
            ..ListFilter::default()
        }))
        .await,
    );
    assert_eq!((pg.total, pg.items.len()), (0, 0));
    let pg = r.ok(
        "list past the end",
        a.execute(&ListTrackings::new().page(99).unwrap()).await,
    );
    assert_eq!((pg.total, pg.items.len()), (8, 0));
    let raw_list = |k: &'static str, v: &str| RawCall::get("/trackings/get").query(k, v);
    for (label, k, v, kind, code) in [
        ("list limit 0", "limit", "0", "invalid_request", 4012),
        ("list limit 2001", "limit", "2001", "invalid_request", 4012),
        ("list page 0", "page", "0", "invalid_request", 4012),
        ("list page abc", "page", "abc", "invalid_request", 4012),
        (
            "list bad status",
            "status",
            "bogus",
            "invalid_request",
            4033,
        ),
        (
            "list archived maybe",
            "archived",
            "maybe",
            "invalid_request",
            4012,
        ),
        (
            "list created_at_min abc",
            "created_at_min",
            "abc",
            "invalid_request",
            4012,
        ),
    ] {
        r.err(label, a.execute(&raw_list(k, v)).await, kind, code, 200);
    }
    let many: Vec<String> = (0..41).map(|i| format!("LZ{i:09}CN")).collect();
    r.err(
        "list 41 numbers",
        a.execute(&raw_list("numbers", &many.join(","))).await,
        "batch_too_large",
        4020,
        200,
    );
    r.err(
        "list 41 orders",
        a.execute(&raw_list("orders", &many.join(","))).await,
        "batch_too_large",
        4020,
        200,
    );

    // ---- GET /trackings/getstatusnumber
    let counts = r.ok("status counts", a.execute(&GetStatusCounts::new()).await);
    assert_eq!((counts.total(), counts.delivered), (8, 1));
    let counts = r.ok(
        "status counts filtered",
        a.execute(&GetStatusCounts::with_filter(StatusCountFilter {
            created_at_min: Some(FAR_FUTURE),
            ..StatusCountFilter::default()
        }))
        .await,
    );
    assert_eq!(counts.total(), 0);
    let counts = r.ok(
        "status counts order filter",
        a.execute(&GetStatusCounts::with_filter(StatusCountFilter {
            order_created_time_min: Some(1_503_852_660),
            ..StatusCountFilter::default()
        }))
        .await,
    );
    assert_eq!(counts.total(), 1);

    // ---- POST /trackings/updatemore
    let unknown = TrackingRef::new("china-post", "LZ999999999CN");
    let known = TrackingRef::new("china-post", "LZ100000001CN");
    let title = TrackingUpdate {
        title: Some("bulk".into()),
        ..TrackingUpdate::default()
    };
    let u = r.ok(
        "updatemore",
        a.execute(
            &BatchUpdateTrackings::new(vec![
                (known.clone(), title.clone()),
                (unknown.clone(), title.clone()),
            ])
            .unwrap(),
        )
        .await,
    );
    assert_eq!((u.submitted, u.updated), (2, 1));
    assert_eq!(u.trackings[0].title.as_deref(), Some("bulk"));
    assert_eq!(
        (u.errors[0].code, u.errors[0].tracking_number.as_str()),
        (4017, "LZ999999999CN")
    );
    let u = r.ok(
        "updatemore bad status",
        a.execute(&RawCall::post_json(
            "/trackings/updatemore",
            &json!([{"tracking_number": known.tracking_number, "carrier_code": "china-post", "status": 9}]),
        ))
        .await,
    );
    assert_eq!(u["errors"][0]["code"], 4033);
    r.err(
        "updatemore 41",
        a.execute(&RawCall::post_json(
            "/trackings/updatemore",
            &items(41, "LZ1"),
        ))
        .await,
        "batch_too_large",
        4020,
        200,
    );
    r.err(
        "updatemore empty",
        a.execute(&RawCall::post_json("/trackings/updatemore", &json!([])))
            .await,
        "invalid_request",
        4012,
        200,
    );

    // ---- POST /trackings/notupdate
    let s = r.ok(
        "notupdate",
        a.execute(&StopUpdating::new(vec![known.clone(), unknown.clone()]).unwrap())
            .await,
    );
    assert_eq!((s.submitted, s.change), (2, 1));
    assert_eq!(s.trackings, vec![known.clone()]);
    assert_eq!(s.errors[0].code, 4017);
    let t = r.ok(
        "get stopped",
        a.execute(&GetTracking::new("china-post", &known.tracking_number).unwrap())
            .await,
    );
    assert_eq!(t.track_update, Some(false));
    r.err(
        "notupdate 41",
        a.execute(&RawCall::post_json(
            "/trackings/notupdate",
            &items(41, "LZ1"),
        ))
        .await,
        "batch_too_large",
        4020,
        200,
    );

    // ---- POST /trackings/realtime
    let before = credits(&a).await;
    let q = RealtimeQuery::new("ups", "1Z12345E0205271688");
    let rt = r.ok(
        "realtime",
        a.execute(&RealtimeTracking::new(q.clone()).unwrap()).await,
    );
    assert_eq!(rt.items.len(), 1);
    assert_eq!(rt.items[0].tracking_number, "1Z12345E0205271688");
    assert!(close(credits(&a).await, before - 1.0), "realtime costs 1");
    r.ok(
        "realtime cached",
        a.execute(&RealtimeTracking::new(q).unwrap()).await,
    );
    assert!(close(credits(&a).await, before - 1.0), "cached within 2 h");
    assert_eq!(total(&a).await, 8, "realtime stores nothing");
    r.err(
        "realtime unknown carrier",
        a.execute(
            &RealtimeTracking::new(RealtimeQuery::new("no-such-carrier", "AB123456789")).unwrap(),
        )
        .await,
        "invalid_request",
        4015,
        200,
    );
    r.err(
        "realtime missing number",
        a.execute(&RawCall::post_json(
            "/trackings/realtime",
            &json!({"carrier_code": "ups"}),
        ))
        .await,
        "invalid_request",
        4013,
        200,
    );
    r.err(
        "realtime invalid number",
        a.execute(&RawCall::post_json(
            "/trackings/realtime",
            &json!({"carrier_code": "ups", "tracking_number": "a b"}),
        ))
        .await,
        "invalid_request",
        4014,
        200,
    );

    // ---- POST /trackings/update (change carrier)
    let moved = r.ok(
        "change carrier",
        a.execute(&ChangeCarrier::new("china-post", "LZ100000002CN", "china-ems").unwrap())
            .await,
    );
    assert_eq!(moved.usertag, "");
    let t = r.ok(
        "get after change",
        a.execute(&GetTracking::new("china-ems", "LZ100000002CN").unwrap())
            .await,
    );
    assert_eq!(t.status, Status::Pending);
    r.err(
        "get old carrier",
        a.execute(&GetTracking::new("china-post", "LZ100000002CN").unwrap())
            .await,
        "not_found",
        4031,
        200,
    );
    r.err(
        "change unknown",
        a.execute(&ChangeCarrier::new("china-post", "LZ999999999CN", "china-ems").unwrap())
            .await,
        "not_found",
        4017,
        200,
    );
    r.err(
        "change to unknown carrier",
        a.execute(&ChangeCarrier::new("china-post", "LZ100000003CN", "no-such-carrier").unwrap())
            .await,
        "invalid_request",
        4015,
        200,
    );
    r.ok(
        "create same number under china-ems",
        a.execute(&CreateTracking::new(NewTracking::new("china-ems", "LZ100000003CN")).unwrap())
            .await,
    );
    r.err(
        "change onto existing",
        a.execute(&ChangeCarrier::new("china-post", "LZ100000003CN", "china-ems").unwrap())
            .await,
        "already_exists",
        4016,
        200,
    );

    // ---- POST /trackings/remote (0.2 credit)
    let before = credits(&a).await;
    let rem = r.ok(
        "remote",
        a.execute(
            &CheckRemote::new(vec![
                RemoteCheck::new("JP", "7621094"),
                RemoteCheck::new("US", "10001"),
            ])
            .unwrap(),
        )
        .await,
    );
    assert_eq!(rem.submitted, 2);
    assert!(rem.remote.iter().any(|x| x.two_code == "JP"), "{rem:?}");
    assert!(rem.other.iter().any(|x| x.country == "US"), "{rem:?}");
    assert!(close(credits(&a).await, before - 0.2));
    let rem = r.ok(
        "remote missing postcode",
        a.execute(&RawCall::post_json(
            "/trackings/remote",
            &json!([{"country": "JP"}]),
        ))
        .await,
    );
    assert_eq!(rem["remote"], json!([]));
    assert_eq!(rem["other"][0]["country"], "JP");

    // ---- POST /trackings/costtime (from the simulator's delivered trackings)
    r.ok(
        "create delivered scenario",
        a.execute(
            &CreateTracking::new(NewTracking {
                destination_code: Some("DE".into()),
                ..NewTracking::new("usps", "TMDELIV0000001")
            })
            .unwrap(),
        )
        .await,
    );
    sim.advance(Duration::from_secs(3600));
    let t = r.ok(
        "get delivered scenario",
        a.execute(&GetTracking::new("usps", "TMDELIV0000001").unwrap())
            .await,
    );
    assert_eq!(t.status, Status::Delivered);
    assert_eq!(t.destination_country.as_deref(), Some("Germany"));
    let (o, d) = ("US", "DE");
    let tt = r.ok(
        "costtime",
        a.execute(&GetTransitTimes::new(vec![TransitTimeQuery::new("usps", o, d)]).unwrap())
            .await,
    );
    assert_eq!(tt.len(), 1);
    assert_eq!(tt[0].carrier_code, "usps");
    assert!(
        tt[0].total >= 1 && tt[0].delivered >= 1,
        "lane {o}->{d}: {tt:?}"
    );
    r.err(
        "costtime unknown carrier",
        a.execute(
            &GetTransitTimes::new(vec![TransitTimeQuery::new("no-such-carrier", "CN", "US")])
                .unwrap(),
        )
        .await,
        "invalid_request",
        4015,
        200,
    );
    r.err(
        "costtime empty",
        a.execute(&RawCall::post_json("/trackings/costtime", &json!([])))
            .await,
        "invalid_request",
        4012,
        200,
    );

    // ---- POST /trackings/aircargo (20 credits per AWB)
    let before = credits(&a).await;
    let ac = r.ok(
        "aircargo",
        a.execute(&TrackAirCargo::new(["172-28891936"]).unwrap())
            .await,
    );
    assert_eq!(ac.len(), 1);
    assert_eq!(ac[0].track_number, "172-28891936");
    assert!(!ac[0].track_info.is_empty());
    assert!(close(credits(&a).await, before - 20.0));
    let ac = r.ok(
        "aircargo string",
        a.execute(&RawCall::post_json(
            "/trackings/aircargo",
            &json!({"track_number": "160-12345678"}),
        ))
        .await,
    );
    assert_eq!(ac.as_array().map(Vec::len), Some(1));
    r.err(
        "aircargo invalid awb",
        a.execute(&RawCall::post_json(
            "/trackings/aircargo",
            &json!({"track_number": ["17-2889"]}),
        ))
        .await,
        "invalid_request",
        4014,
        200,
    );

    // ---- DELETE /trackings/{carrier}/{number} and POST /trackings/delete
    r.ok(
        "delete",
        a.execute(&DeleteTracking::new("china-post", "LZ100000003CN").unwrap())
            .await,
    );
    r.err(
        "delete again",
        a.execute(&DeleteTracking::new("china-post", "LZ100000003CN").unwrap())
            .await,
        "not_found",
        4017,
        200,
    );
    let del = r.ok(
        "delete many",
        a.execute(
            &BatchDeleteTrackings::new(vec![
                TrackingRef::new("china-ems", "LZ100000003CN"),
                unknown.clone(),
            ])
            .unwrap(),
        )
        .await,
    );
    assert_eq!((del.submitted, del.delete), (2, 1));
    assert_eq!(del.errors[0].code, 4017);
    r.err(
        "delete many 41",
        a.execute(&RawCall::post_json("/trackings/delete", &items(41, "LZ1")))
            .await,
        "batch_too_large",
        4020,
        200,
    );

    // ---- account level: 4001, 4002, 4021
    let nobody = h.client(NOBODY);
    r.err(
        "unknown key",
        nobody.execute(&GetUserInfo::new()).await,
        "authentication",
        4001,
        200,
    );
    let raw = h
        .send_raw(
            tm_core::WireRequest::new(Method::GET, "/trackings/getuserinfo"),
            None,
        )
        .await
        .expect("a response");
    let missing = norm(&tm_core::client::decode_response::<Value>(&raw));
    r.push("missing key", missing.clone());
    assert_eq!(
        err_triple(&missing),
        Some(("authentication".into(), 4001, 200))
    );
    sim.set_account(DELETED, None, Some(true));
    r.err(
        "deleted key",
        h.client(DELETED).execute(&GetUserInfo::new()).await,
        "authentication",
        4002,
        200,
    );
    sim.set_account(BROKE, Some(2.0), None);
    let broke = h.client(BROKE);
    let b = r.ok(
        "batch runs out of credits",
        broke
            .execute(
                &BatchCreateTrackings::new(
                    (1..=3)
                        .map(|i| NewTracking::new("china-post", format!("LZ20000000{i}CN")))
                        .collect(),
                )
                .unwrap(),
            )
            .await,
    );
    assert_eq!(b.added, 2);
    assert_eq!(b.errors[0].code, 4021);
    r.err(
        "create without credits",
        broke
            .execute(&CreateTracking::new(NewTracking::new("ups", "1Z97X17XYW06605299")).unwrap())
            .await,
        "quota_exceeded",
        4021,
        200,
    );
    r.err(
        "realtime without credits",
        broke
            .execute(&RealtimeTracking::new(RealtimeQuery::new("ups", UPS.1)).unwrap())
            .await,
        "quota_exceeded",
        4021,
        200,
    );
    let info = r.ok("user info broke", broke.execute(&GetUserInfo::new()).await);
    assert!(close(info.track_number, 0.0));

    // ---- isolation: key B sees nothing of key A
    let b = h.client(B);
    r.err(
        "B get A's",
        b.execute(&GetTracking::new(SG.0, SG.1).unwrap()).await,
        "not_found",
        4031,
        200,
    );
    let pg = r.ok("B list", b.execute(&ListTrackings::new()).await);
    assert_eq!((pg.total, pg.items.len()), (0, 0));
    let pg = r.ok(
        "B list numbers",
        b.execute(&filtered(ListFilter {
            numbers: vec![SG.1.into()],
            ..ListFilter::default()
        }))
        .await,
    );
    assert_eq!(pg.total, 0);
    let counts = r.ok("B counts", b.execute(&GetStatusCounts::new()).await);
    assert_eq!(counts.total(), 0);
    r.err(
        "B put A's",
        b.execute(&UpdateTracking::new(SG.0, SG.1, upd).unwrap())
            .await,
        "not_found",
        4017,
        200,
    );
    r.err(
        "B delete A's",
        b.execute(&DeleteTracking::new(SG.0, SG.1).unwrap()).await,
        "not_found",
        4017,
        200,
    );
    let sg = TrackingRef::new(SG.0, SG.1);
    let s = r.ok(
        "B stop A's",
        b.execute(&StopUpdating::new(vec![sg.clone()]).unwrap())
            .await,
    );
    assert_eq!((s.change, s.errors[0].code), (0, 4017));
    let s = r.ok(
        "B updatemore A's",
        b.execute(&BatchUpdateTrackings::new(vec![(sg.clone(), title)]).unwrap())
            .await,
    );
    assert_eq!((s.updated, s.errors[0].code), (0, 4017));
    let s = r.ok(
        "B delete many A's",
        b.execute(&BatchDeleteTrackings::new(vec![sg.clone()]).unwrap())
            .await,
    );
    assert_eq!((s.delete, s.errors[0].code), (0, 4017));
    r.err(
        "B change A's carrier",
        b.execute(&ChangeCarrier::new(SG.0, SG.1, "china-post").unwrap())
            .await,
        "not_found",
        4017,
        200,
    );
    r.ok(
        "B creates the same number",
        b.execute(&CreateTracking::new(NewTracking::new(SG.0, SG.1)).unwrap())
            .await,
    );
    let t = r.ok(
        "A's tracking is untouched",
        a.execute(&GetTracking::new(SG.0, SG.1).unwrap()).await,
    );
    assert_eq!(t.title.as_deref(), Some("Renamed"));

    // ---- unknown routes and wrong methods
    for (label, method, path) in [
        ("404 unknown route", Method::GET, "/nope"),
        ("404 trackings root", Method::GET, "/trackings"),
        (
            "404 too deep",
            Method::GET,
            "/trackings/ups/1Z97X17XYW06605211/en/x",
        ),
    ] {
        r.err(
            label,
            a.execute(&RawCall::new(method, path)).await,
            "not_found",
            404,
            404,
        );
    }
    for (label, method, path) in [
        ("405 PUT list", Method::PUT, "/trackings/get"),
        ("405 DELETE carriers", Method::DELETE, "/carriers"),
        ("405 GET post", Method::GET, "/trackings/post"),
        (
            "405 PATCH tracking",
            Method::PATCH,
            "/trackings/ups/1Z97X17XYW06605211",
        ),
    ] {
        r.err(
            label,
            a.execute(&RawCall::new(method, path)).await,
            "invalid_request",
            405,
            405,
        );
    }

    // ---- rate limits (list: 1 call/s per key)
    sim.set_rate_limits(true);
    let mut limited = None;
    for _ in 0..10 {
        if let Err(e) = a.execute(&ListTrackings::new()).await {
            limited = Some(e);
            break;
        }
    }
    sim.set_rate_limits(false);
    let e = limited.expect("a second list call within 1 s is refused");
    let v = r.push("rate limited", tm_tests::norm_err(&e));
    assert_eq!(err_triple(&v), Some(("rate_limited".into(), 429, 429)));
    assert_eq!(v["retry_after"], true);

    // Every one of the 18 calls was exercised.
    let names: std::collections::BTreeSet<String> = sim
        .journal()
        .into_iter()
        .filter_map(|e| e.endpoint)
        .collect();
    assert_eq!(
        names.len(),
        18,
        "[{:?}] endpoints reached: {names:?}",
        r.front
    );

    r.t
}

async fn run(front: Front) -> Vec<(String, Value)> {
    let mut h = Harness::start(front, config()).await;
    h.record();
    let t = script(&h).await;
    every_response_fits_the_description(front, &h.recorded());
    h.shutdown().await;
    t
}

/// Issue 12 (c): every response the simulator gave during the script is documented by the
/// OpenAPI description (status) and valid for its operation's schema (body).
fn every_response_fits_the_description(front: Front, recorded: &[Interaction]) {
    let d = Description::load();
    let mut checked = 0;
    let mut failures = Vec::new();
    for it in recorded {
        let Some(resp) = &it.response else { continue };
        let method = Method::from_bytes(it.request.method.as_bytes()).expect("method");
        if d.template_of(&method, &it.request.path).is_none() {
            // Unknown routes (404) and admin calls are not v2 operations.
            continue;
        }
        let Some(body) = &resp.body.body else {
            failures.push(format!("{}: body is not JSON", it.request.describe()));
            continue;
        };
        if let Err(e) = d.validate_response(&method, &it.request.path, resp.status, body) {
            failures.push(e.to_string());
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "[{front:?}] {failures:#?}");
    assert!(
        checked >= 120,
        "[{front:?}] only {checked} responses checked"
    );
}

fn assert_same(inproc: &[(String, Value)], http: &[(String, Value)]) {
    for (i, (x, y)) in inproc.iter().zip(http).enumerate() {
        assert_eq!(x, y, "transcripts differ at entry {i}");
    }
    assert_eq!(inproc.len(), http.len(), "transcript lengths");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_in_process_and_over_http_agree() {
    let inproc = run(Front::InProcess).await;
    let http = run(Front::Http).await;
    assert!(inproc.len() >= 120, "{} entries", inproc.len());
    assert_same(&inproc, &http);
}

/// CONTRACT §1: bodies over 1 MiB get 4012 and nothing is applied — on both fronts.
async fn oversized(front: Front) -> Value {
    let h = Harness::start(front, config()).await;
    let a = h.client(A);
    let mut bytes =
        br#"{"tracking_number":"RP893531375SG","carrier_code":"singapore-post"}"#.to_vec();
    bytes.resize(MAX_BODY + 1024, b' ');
    let v = norm(&a.execute(&body(&Value::Null).body(bytes)).await);
    assert_eq!(
        err_triple(&v),
        Some(("invalid_request".into(), 4012, 200)),
        "[{front:?}] {v}"
    );
    assert_eq!(h.sim().tracking_count(), 0, "[{front:?}] nothing stored");
    // The server keeps serving afterwards.
    assert!(a.execute(&GetUserInfo::new()).await.is_ok());
    h.shutdown().await;
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_over_1_mib_is_refused_over_http() {
    oversized(Front::Http).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_over_1_mib_is_refused_in_process() {
    oversized(Front::InProcess).await;
}
