#![allow(missing_docs)]
//! Every endpoint of `tm_core::endpoints` through `Client` over `RecordingTransport`:
//! what goes on the wire (method, path, query, headers, JSON body) and what the
//! reply decodes into. Expected bodies are the request fixtures from the public
//! v2 documentation and demos (tests/fixtures, copied from shared/api-v2).

use http::Method;
use serde_json::{json, Value};
use tm_core::endpoints::carriers::{DetectCarrier, ListCarriers};
use tm_core::endpoints::trackings::{
    BatchCreateTrackings, BatchDeleteTrackings, BatchUpdateTrackings, ChangeCarrier, CheckRemote,
    CreateTracking, DeleteTracking, GetStatusCounts, GetTracking, GetTransitTimes, GetUserInfo,
    ListTrackings, RealtimeTracking, StopUpdating, TrackAirCargo, UpdateTracking,
};
use tm_core::models::{
    Emails, ListFilter, ManualStatus, NewTracking, RealtimeQuery, RemoteCheck, Status,
    StatusCountFilter, TrackingRef, TrackingUpdate, TransitTimeQuery,
};
use tm_core::test_util::RecordingTransport;
use tm_core::transport::{encode_path_segment, API_KEY_HEADER};
use tm_core::{Client, Endpoint, EndpointClass, WireRequest};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Runs `ep` once over a recorder answering `body` (HTTP 200) and returns the
/// decoded response and the one request that was sent.
async fn run_body<E: Endpoint>(ep: &E, body: &str) -> (E::Response, WireRequest) {
    let transport = RecordingTransport::new();
    transport.push_json(200, body);
    let client = Client::new(transport.clone());
    let response = client.execute(ep).await.expect("the call succeeds");
    let sent = transport.requests();
    assert_eq!(sent.len(), 1, "exactly one request is sent");
    let req = sent.into_iter().next().unwrap();
    assert!(
        !req.headers.contains_key(API_KEY_HEADER),
        "endpoints never carry the key: {req:?}"
    );
    assert_eq!(req, ep.to_wire().unwrap(), "what was sent is to_wire()");
    (response, req)
}

/// Like [`run_body`] with a success envelope (meta 200) around `data`.
async fn run<E: Endpoint>(ep: &E, data: &str) -> (E::Response, WireRequest) {
    let body =
        format!(r#"{{"meta":{{"code":200,"type":"Success","message":"Success"}},"data":{data}}}"#);
    run_body(ep, &body).await
}

fn body_json(req: &WireRequest) -> Value {
    assert_eq!(
        req.headers
            .get(http::header::CONTENT_TYPE)
            .expect("a body is sent with a content-type"),
        "application/json"
    );
    serde_json::from_slice(&req.body).expect("the body is JSON")
}

fn assert_no_body(req: &WireRequest) {
    assert!(req.body.is_empty(), "no body expected: {req:?}");
    assert!(
        !req.headers.contains_key(http::header::CONTENT_TYPE),
        "no content-type without a body"
    );
}

fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

/// One full tracking as observed in real list traffic.
fn observed_tracking() -> Value {
    fixture_json("observed_list_200.json")["data"]["items"][0].clone()
}

// ---------------------------------------------------------------- trackings

#[tokio::test]
async fn create_sends_the_demo_body_and_decodes_the_created_tracking() {
    // post_request_demo.json is TrackingMore's own demo body.
    let new = NewTracking {
        destination_code: s("IL"),
        title: s("chase chen"),
        logistics_channel: s("4PX page"),
        customer_name: s("chase"),
        customer_email: s("abc@qq.com"),
        order_id: s("#123"),
        order_create_time: s("2018-05-20 12:00"),
        tracking_ship_date: s("1521314361"),
        tracking_postal_code: s("13ES20"),
        lang: s("en"),
        ..NewTracking::new("yanwen", "BYS006086078")
    };
    let ep = CreateTracking::new(new).unwrap();
    assert!(ep.is_create());
    assert_eq!(ep.class(), EndpointClass::Other);
    let data = fixture("thirdparty_marcoesposito_create_data.json");
    let (created, req) = run(&ep, &data).await;

    assert_eq!(req.method, Method::POST);
    assert_eq!(req.path, "/trackings/post");
    assert!(req.query.is_empty());
    assert_eq!(body_json(&req), fixture_json("post_request_demo.json"));

    assert_eq!(created.id, "b6321d71ad627cbf8c141ccc25fc6600");
    assert_eq!(created.tracking_number, "0987654321");
    assert_eq!(created.carrier_code, "poste-italiane");
    assert_eq!(created.status, Status::Pending);
    assert_eq!(
        created.customer_email,
        Some(Emails::One("marcoesposito1988@gmail.com".into()))
    );
    assert_eq!(created.customer_name.as_deref(), Some("Marco Esposito"));
    assert_eq!(created.order_id.as_deref(), Some("my_order_id"));
    assert_eq!(created.title.as_deref(), Some("my_first_package"));
    let at = created.created_at.unwrap().offset().unwrap();
    assert_eq!(at.offset().local_minus_utc(), 8 * 3600);
    assert_eq!(at.to_rfc3339(), "2017-05-20T17:39:23+08:00");
}

#[tokio::test]
async fn create_uses_the_api_field_names_for_rare_fields() {
    let new = NewTracking {
        tracking_account_number: s("ACC1"),
        tracking_destination_country: s("DE"),
        special_number_destination: s("US"),
        auto_correct: Some(1),
        comment: s("fragile"),
        customer_phone: s("+86 1"),
        ..NewTracking::new("deutsche-post", "RR123456789DE")
    };
    let (_, req) = run(
        &CreateTracking::new(new).unwrap(),
        r#"{"id":"x","tracking_number":"RR123456789DE","carrier_code":"deutsche-post","status":"pending"}"#,
    )
    .await;
    assert_eq!(
        body_json(&req),
        json!({
            "tracking_number": "RR123456789DE",
            "carrier_code": "deutsche-post",
            "customer_phone": "+86 1",
            "tracking_account_number": "ACC1",
            "tracking_destination_country": "DE",
            "specialNumberDestination": "US",
            "auto_correct": 1,
            "comment": "fragile"
        })
    );
}

#[tokio::test]
async fn get_sends_a_bare_get_and_decodes_the_tracking() {
    let ep = GetTracking::new("bestex", "3502339401241").unwrap();
    let (t, req) = run(&ep, &observed_tracking().to_string()).await;
    assert_eq!(req.method, Method::GET);
    assert_eq!(req.path, "/trackings/bestex/3502339401241");
    assert!(req.query.is_empty());
    assert!(req.headers.is_empty());
    assert_no_body(&req);

    assert_eq!(t.tracking_number, "3502339401241");
    assert_eq!(t.status, Status::Pickup);
    assert_eq!(t.track_update, Some(true));
    assert_eq!(t.item_time_length, Some(79));
    assert_eq!(t.stay_time_length, Some(26));
    let origin = t.origin_info.as_ref().unwrap();
    assert_eq!(origin.trackinfo.len(), 4);
    assert_eq!(
        origin.trackinfo[0].date.as_ref().unwrap().naive().unwrap(),
        chrono::NaiveDate::from_ymd_opt(2019, 7, 25)
            .unwrap()
            .and_hms_opt(22, 2, 5)
            .unwrap()
    );
    assert_eq!(
        t.last_update_time.as_ref().unwrap().as_str(),
        "2019-07-25 22:02:05"
    );
}

#[tokio::test]
async fn get_with_lang_appends_the_lang_segment() {
    let ep = GetTracking::new("4px", "300403513351")
        .unwrap()
        .lang("en")
        .unwrap();
    let (_, req) = run(&ep, &observed_tracking().to_string()).await;
    assert_eq!(req.method, Method::GET);
    assert_eq!(req.path, "/trackings/4px/300403513351/en");
    assert!(req.query.is_empty());
    assert_no_body(&req);
}

#[test]
fn path_segments_are_percent_encoded() {
    // Validation only lets unreserved characters through, so they stay as they are…
    let ep = GetTracking::new("La-Poste_2", "Ab-_12345").unwrap();
    assert_eq!(ep.path(), "/trackings/La-Poste_2/Ab-_12345");
    let ep = DeleteTracking::new("La-Poste_2", "Ab-_12345").unwrap();
    assert_eq!(ep.path(), "/trackings/La-Poste_2/Ab-_12345");
    // …and the encoder used for the segments escapes everything else.
    assert_eq!(encode_path_segment("a/b?c#d e%"), "a%2Fb%3Fc%23d%20e%25");
    assert_eq!(encode_path_segment("ñ"), "%C3%B1");
    assert_eq!(encode_path_segment("..-_~"), "..-_~");
}

#[tokio::test]
async fn put_sends_archived_as_text_and_status_as_number() {
    let update = TrackingUpdate {
        title: s("new title"),
        logistics_channel: s("4PX挂号小包"),
        customer_name: s("sandy"),
        customer_email: s("[email protected]"),
        customer_phone: s("+86123456789"),
        order_id: s("986574521568"),
        destination_code: s("CN"),
        archived: Some(true),
        status: Some(ManualStatus::Exception),
    };
    let ep = UpdateTracking::new("sto", "402934299065", update).unwrap();
    let reply = json!({
        "id": "3d300c6f34a6a9711166cc44e4cc096a",
        "tracking_number": "402934299065",
        "carrier_code": "sto",
        "status": "exception",
        "created_at": "2018-04-18T14:34:30+08:00",
        "updated_at": "2018-04-18T14:32:27+08:00",
        "order_create_time": null,
        "customer_email": "[email protected]",
        "customer_name": "sandy",
        "customer_phone": "+86123456789",
        "order_id": "986574521568",
        "comment": null,
        "title": "new title",
        "logistics_channel": "4PX挂号小包",
        "destination_code": "CN",
        "archived": "true"
    });
    let (updated, req) = run(&ep, &reply.to_string()).await;
    assert_eq!(req.method, Method::PUT);
    assert_eq!(req.path, "/trackings/sto/402934299065");
    assert!(req.query.is_empty());
    let body = body_json(&req);
    // The clone service's documented PUT body, field for field.
    assert_eq!(body, fixture_json("tracktry_clone_put_request.json"));
    assert_eq!(body["archived"], json!("true"));
    assert_eq!(body["status"], json!(7));

    assert_eq!(updated.status, Status::Exception);
    assert_eq!(updated.archived, Some(true));
    assert_eq!(updated.destination_code.as_deref(), Some("CN"));
    assert_eq!(
        updated.updated_at.as_ref().unwrap().as_str(),
        "2018-04-18T14:32:27+08:00"
    );
    assert_eq!(updated.customer_phone.as_deref(), Some("+86123456789"));
}

#[tokio::test]
async fn put_statuses_and_unarchive_encode_as_the_api_expects() {
    for (status, code) in [
        (ManualStatus::Delivered, 4),
        (ManualStatus::Exception, 7),
        (ManualStatus::Revert, 8),
    ] {
        let update = TrackingUpdate {
            archived: Some(false),
            status: Some(status),
            ..TrackingUpdate::default()
        };
        let ep = UpdateTracking::new("ups", "1Z97X17XYW06605211", update).unwrap();
        let (_, req) = run(&ep, r#"{"id":"a","tracking_number":"1Z97X17XYW06605211","carrier_code":"ups","status":"delivered"}"#).await;
        assert_eq!(
            body_json(&req),
            json!({"archived": "false", "status": code})
        );
    }
    // Nothing to change: an empty object (the simulator treats it as "no change").
    let ep = UpdateTracking::new("ups", "1Z97X17XYW06605211", TrackingUpdate::default()).unwrap();
    let (_, req) = run(
        &ep,
        r#"{"id":"a","tracking_number":"1Z97X17XYW06605211","carrier_code":"ups"}"#,
    )
    .await;
    assert_eq!(body_json(&req), json!({}));
}

#[tokio::test]
async fn delete_sends_a_bare_delete_and_accepts_empty_data() {
    let ep = DeleteTracking::new("yanwen", "BYS006086078").unwrap();
    let (empty, req) = run_body(&ep, &fixture("delete_single_200.json")).await;
    assert_eq!(empty, tm_core::models::Empty);
    assert_eq!(req.method, Method::DELETE);
    assert_eq!(req.path, "/trackings/yanwen/BYS006086078");
    assert!(req.query.is_empty());
    assert_no_body(&req);
}

fn seed_batch_items() -> Vec<NewTracking> {
    let base = |carrier: &str, number: &str, phone: &str| NewTracking {
        logistics_channel: s("4PX挂号小包"),
        customer_phone: s(phone),
        destination_code: s("cn"),
        title: s("title 1"),
        // The Cloudflare-obfuscated address of the seed, with its no-break space.
        customer_email: s("[email\u{a0}protected]"),
        order_id: s("213456"),
        comment: s("备注"),
        order_create_time: s("2017/8/27 16:51"),
        lang: s("en"),
        ..NewTracking::new(carrier, number)
    };
    vec![
        base("singapore-post", "RP893531375SG", "+110110"),
        base("china-ems", "LK894734223CN", "+22222222"),
    ]
}

#[tokio::test]
async fn batch_sends_a_top_level_array_and_decodes_all_added() {
    let ep = BatchCreateTrackings::new(seed_batch_items()).unwrap();
    assert!(ep.is_create());
    let (created, req) = run_body(&ep, &fixture("seed_batch_200_all_added.json")).await;
    assert_eq!(req.method, Method::POST);
    assert_eq!(req.path, "/trackings/batch");
    let body = body_json(&req);
    assert!(body.is_array(), "batch bodies are top-level arrays");
    assert_eq!(body, fixture_json("seed_batch_request.json"));

    assert_eq!(created.submitted, 2);
    assert_eq!(created.added, 2);
    assert!(created.errors.is_empty());
    assert_eq!(created.trackings.len(), 2);
    assert_eq!(created.trackings[0].tracking_number, "RP893531375SG");
    assert_eq!(created.trackings[1].carrier_code, "china-ems");
    assert_eq!(
        created.trackings[0]
            .order_create_time
            .as_ref()
            .unwrap()
            .as_str(),
        "2017/8/27 16:51"
    );
    assert_eq!(created.trackings[0].comment.as_deref(), Some("备注"));
}

#[tokio::test]
async fn batch_matches_the_official_demo_and_201_is_success() {
    let item = |number: &str, ship: &str, channel: &str| NewTracking {
        title: s("chase chen"),
        customer_name: s("chase"),
        customer_email: s("abc@qq.com"),
        order_id: s("#123444"),
        order_create_time: s("2018-05-20 12:00"),
        destination_code: s("IL"),
        tracking_ship_date: s(ship),
        tracking_postal_code: s("13ES20"),
        lang: s("en"),
        logistics_channel: s(channel),
        ..NewTracking::new("china-ems", number)
    };
    let ep = BatchCreateTrackings::new(vec![
        item("EA152565249CN", "1525314361", "4PX page"),
        item("EA152563246CN", "1521314361", "4PX page1"),
    ])
    .unwrap();
    assert_eq!(ep.items().len(), 2);
    let (created, req) = run_body(&ep, &fixture("observed_batch_201_partial_4016.json")).await;
    assert_eq!(body_json(&req), fixture_json("batch_request_demo.json"));
    assert_eq!(created.submitted, 4);
    assert_eq!(created.added, 3);
    assert_eq!(created.errors.len(), 1);
    assert_eq!(created.errors[0].code, 4016);
    assert_eq!(
        created.errors[0].kind(),
        Some(tm_core::ApiErrorKind::AlreadyExists)
    );
}

#[tokio::test]
async fn list_defaults_to_page_1_of_100() {
    let ep = ListTrackings::new();
    assert_eq!(ep.class(), EndpointClass::List);
    let (page, req) = run_body(&ep, &fixture("observed_list_200.json")).await;
    assert_eq!(req.method, Method::GET);
    assert_eq!(req.path, "/trackings/get");
    assert_eq!(req.query, q(&[("page", "1"), ("limit", "100")]));
    assert_no_body(&req);
    assert_eq!(page.total, 3);
    assert_eq!(page.count, Some(3));
    assert_eq!(page.items.len(), 3);
}

#[tokio::test]
async fn list_sends_every_filter_in_order_with_numbers_comma_joined() {
    let filter = ListFilter {
        status: Some(Status::Delivered),
        created_at_min: Some(1_441_314_361),
        created_at_max: Some(1_446_949_161),
        update_time_min: Some(1_500_000_000),
        update_time_max: Some(1_500_000_001),
        order_created_time_min: Some(1_400_000_000),
        order_created_time_max: Some(1_400_000_001),
        numbers: vec!["LX123445678CN".into(), "LX456789123CN".into()],
        orders: vec!["#1".into(), "#2".into(), "#3".into()],
        archived: Some(false),
        lang: s("en"),
    };
    let ep = ListTrackings::with(2, 25, filter).unwrap();
    assert_eq!(ep.page_number(), 2);
    assert_eq!(ep.page_size(), 25);
    let (_, req) = run_body(&ep, &fixture("observed_list_200.json")).await;
    assert_eq!(
        req.query,
        q(&[
            ("page", "2"),
            ("limit", "25"),
            ("status", "delivered"),
            ("created_at_min", "1441314361"),
            ("created_at_max", "1446949161"),
            ("update_time_min", "1500000000"),
            ("update_time_max", "1500000001"),
            ("order_created_time_min", "1400000000"),
            ("order_created_time_max", "1400000001"),
            ("numbers", "LX123445678CN,LX456789123CN"),
            ("orders", "#1,#2,#3"),
            ("archived", "false"),
            ("lang", "en"),
        ])
    );
    assert_eq!(
        req.path_and_query(),
        "/trackings/get?page=2&limit=25&status=delivered&created_at_min=1441314361\
         &created_at_max=1446949161&update_time_min=1500000000&update_time_max=1500000001\
         &order_created_time_min=1400000000&order_created_time_max=1400000001\
         &numbers=LX123445678CN%2CLX456789123CN&orders=%231%2C%232%2C%233&archived=false&lang=en"
    );
    assert_no_body(&req);

    // The pager's copy for another page keeps the filters.
    let next = ep.at_page(3);
    assert_eq!(next.query()[0], ("page", "3".to_owned()));
    assert_eq!(next.query()[1..], ep.query()[1..]);
    assert_eq!(ep.at_page(0).page_number(), 1);
}

#[tokio::test]
async fn list_archived_true_and_every_status_name() {
    for status in Status::ALL {
        let filter = ListFilter {
            status: Some(status.clone()),
            archived: Some(true),
            ..ListFilter::default()
        };
        let ep = ListTrackings::new().filter(filter).unwrap();
        let (_, req) = run(
            &ep,
            r#"{"page":1,"limit":100,"total":"0","count":0,"items":[]}"#,
        )
        .await;
        assert_eq!(
            req.query,
            q(&[
                ("page", "1"),
                ("limit", "100"),
                ("status", status.as_str()),
                ("archived", "true")
            ])
        );
    }
}

#[tokio::test]
async fn updatemore_sends_flat_items_with_numeric_status() {
    let update = |_: ()| TrackingUpdate {
        title: s("testtitle"),
        customer_name: s("python test"),
        customer_email: s("942632688@qq.com"),
        order_id: s("#123"),
        logistics_channel: s("chase chen"),
        destination_code: s("US"),
        status: Some(ManualStatus::Exception),
        ..TrackingUpdate::default()
    };
    let ep = BatchUpdateTrackings::new(vec![
        (TrackingRef::new("china-post", "EA152563242CN"), update(())),
        (TrackingRef::new("china-ems", "EA152563246CN"), update(())),
    ])
    .unwrap();
    assert_eq!(ep.items().len(), 2);
    let reply = json!({
        "submitted": 2,
        "updated": 1,
        "trackings": [{"id": "1", "tracking_number": "EA152563242CN", "carrier_code": "china-post",
                       "status": "exception", "created_at": "2018-04-18T07:26:14+00:00",
                       "updated_at": "2018-04-19T07:26:14+00:00"}],
        "errors": [{"tracking_number": "EA152563246CN", "carrier_code": "china-ems",
                    "code": 4017, "message": "Tracking does not exist."}]
    });
    let (updated, req) = run_body(
        &ep,
        &json!({"meta": {"code": 201, "type": "Created", "message": "Created"}, "data": reply})
            .to_string(),
    )
    .await;
    assert_eq!(req.method, Method::POST);
    assert_eq!(req.path, "/trackings/updatemore");
    // The demo sends status as the string "7"; tm sends the number (the contract
    // accepts both). Everything else is the demo body.
    let mut expected = fixture_json("updatemore_request_demo.json");
    for item in expected.as_array_mut().unwrap() {
        item["status"] = json!(7);
    }
    assert_eq!(body_json(&req), expected);

    assert_eq!(updated.submitted, 2);
    assert_eq!(updated.updated, 1);
    assert_eq!(updated.trackings[0].status, Status::Exception);
    assert_eq!(updated.errors[0].code, 4017);
    assert_eq!(updated.errors[0].tracking_number, "EA152563246CN");
}

#[tokio::test]
async fn delete_many_sends_keys_and_accepts_meta_wrapped_items() {
    let ep = BatchDeleteTrackings::new(vec![
        TrackingRef::new("ups", "1Z97X17XYW06605211"),
        TrackingRef::new("wishpost", "83041096445"),
    ])
    .unwrap();
    assert_eq!(ep.items().len(), 2);
    // The documented reply wraps each item in a `meta` object; the simulator sends it flat.
    let reply = json!({
        "submitted": 2,
        "delete": 1,
        "trackings": [
            {"meta": {"tracking_number": "1Z97X17XYW06605211", "carrier_code": "ups"}}
        ],
        "errors": [{"tracking_number": "83041096445", "carrier_code": "wishpost",
                    "code": 4017, "message": "Tracking does not exist."}]
    });
    let (deleted, req) = run(&ep, &reply.to_string()).await;
    assert_eq!(req.method, Method::POST);
    assert_eq!(req.path, "/trackings/delete");
    assert_eq!(body_json(&req), fixture_json("delete_batch_request.json"));
    assert_eq!(deleted.submitted, 2);
    assert_eq!(deleted.delete, 1);
    assert_eq!(
        deleted.trackings,
        vec![TrackingRef::new("ups", "1Z97X17XYW06605211")]
    );
    assert_eq!(deleted.errors[0].carrier_code, "wishpost");
}

#[tokio::test]
async fn realtime_sends_every_optional_field_by_its_api_name() {
    let query = RealtimeQuery {
        destination_code: s("US"),
        tracking_ship_date: s("20180226"),
        tracking_postal_code: s("13ES20"),
        special_number_destination: s("US"),
        order: s("#123123"),
        order_create_time: s("2018/3/27 16:51"),
        lang: s("en"),
        ..RealtimeQuery::new("fedex", "61290983300030854514")
    };
    let ep = RealtimeTracking::new(query).unwrap();
    assert_eq!(ep.class(), EndpointClass::Realtime);
    let data = json!({"items": [{
        "id": "442f798ea35749e7605d1a73d4181a01",
        "tracking_number": "61290983300030854514",
        "carrier_code": "fedex",
        "status": "transit",
        "original_country": "Hong Kong [CN]",
        "destination_country": "Colombia",
        "itemTimeLength": null,
        "origin_info": {"weblink": "http://www.hongkongpost.hk/", "phone": "852 2921 2222",
                        "carrier_code": "hong-kong-post",
                        "trackinfo": [{"Details": "CO", "StatusDescription": "left Hong Kong",
                                       "Date": "2015-10-09 00:00"}]},
        "destination_info": {"weblink": "http://www.4-72.com.co/", "phone": "(57-1) 4722000",
                             "carrier_code": "colombia-post",
                             "trackinfo": [{"Date": "2015-10-22 20:52", "StatusDescription": "DIGITALIZADO",
                                            "Details": "CTP.CENTRO A"}]},
        "lastEvent": "DIGITALIZADO,CTP.CENTRO A,2015-10-22 20:52",
        "lastUpdateTime": "2015-10-22 20:52"
    }]});
    let (rt, req) = run(&ep, &data.to_string()).await;
    assert_eq!(req.method, Method::POST);
    assert_eq!(req.path, "/trackings/realtime");
    assert_eq!(body_json(&req), fixture_json("realtime_request_demo.json"));

    assert_eq!(rt.items.len(), 1);
    let t = &rt.items[0];
    assert_eq!(t.destination_country.as_deref(), Some("Colombia"));
    assert_eq!(t.item_time_length, None);
    assert!(t.created_at.is_none());
    let cps = t.checkpoints();
    assert_eq!(cps.len(), 2);
    assert_eq!(cps[0].status_description, "DIGITALIZADO", "newest first");
    assert_eq!(
        t.destination_info.as_ref().unwrap().carrier_code.as_deref(),
        Some("colombia-post")
    );
}

#[tokio::test]
async fn realtime_minimal_body() {
    let ep = RealtimeTracking::new(RealtimeQuery::new("china-ems", "LK664578623CN")).unwrap();
    let (rt, req) = run(&ep, r#"{"items":[]}"#).await;
    assert_eq!(body_json(&req), fixture_json("realtime_request.json"));
    assert!(rt.items.is_empty());
}

#[tokio::test]
async fn change_carrier_sends_the_three_fields() {
    let ep = ChangeCarrier::new("china-ems", "LK664578623CN", "usps").unwrap();
    let (changed, req) = run_body(&ep, &fixture("update_carrier_200.json")).await;
    assert_eq!(req.method, Method::POST);
    assert_eq!(req.path, "/trackings/update");
    assert_eq!(body_json(&req), fixture_json("update_carrier_request.json"));
    assert_eq!(changed.usertag, "");
    assert!(changed.extra.is_empty());
}

#[tokio::test]
async fn user_info_is_a_bare_get() {
    let data = r#"{"email":"a@b.c","regtime":"1469097290","phone":"+8612345678910","money":999,"track_number":9999.8}"#;
    let (info, req) = run(&GetUserInfo::new(), data).await;
    assert_eq!(req.method, Method::GET);
    assert_eq!(req.path, "/trackings/getuserinfo");
    assert!(req.query.is_empty());
    assert_no_body(&req);
    assert_eq!(info.email, "a@b.c");
    assert_eq!(info.regtime, Some(1_469_097_290));
    assert_eq!(info.phone.as_deref(), Some("+8612345678910"));
    assert_eq!(info.money, 999.0);
    assert_eq!(info.track_number, 9999.8);
}

#[tokio::test]
async fn status_counts_without_and_with_filters() {
    let data = r#"{"pending":1,"notfound":2,"transit":3,"pickup":4,"delivered":5,"undelivered":6,"exception":7,"expired":8}"#;
    let (counts, req) = run(&GetStatusCounts::new(), data).await;
    assert_eq!(req.method, Method::GET);
    assert_eq!(req.path, "/trackings/getstatusnumber");
    assert!(req.query.is_empty());
    assert_no_body(&req);
    assert_eq!(
        (
            counts.pending,
            counts.notfound,
            counts.expired,
            counts.total()
        ),
        (1, 2, 8, 36)
    );

    let filter = StatusCountFilter {
        created_at_min: Some(1_441_314_361),
        created_at_max: Some(1_446_949_161),
        order_created_time_min: Some(10),
        order_created_time_max: Some(20),
    };
    let (_, req) = run(&GetStatusCounts::with_filter(filter), data).await;
    assert_eq!(
        req.query,
        q(&[
            ("created_at_min", "1441314361"),
            ("created_at_max", "1446949161"),
            ("order_created_time_min", "10"),
            ("order_created_time_max", "20"),
        ])
    );
    let filter = StatusCountFilter {
        created_at_max: Some(5),
        ..StatusCountFilter::default()
    };
    let (_, req) = run(&GetStatusCounts::with_filter(filter), data).await;
    assert_eq!(req.query, q(&[("created_at_max", "5")]));
}

#[tokio::test]
async fn notupdate_sends_keys() {
    let ep = StopUpdating::new(vec![
        TrackingRef::new("singapore-post", "RP893531375SG"),
        TrackingRef::new("china-ems", "LK894734223CN"),
    ])
    .unwrap();
    assert_eq!(ep.items().len(), 2);
    let data = json!({"submitted": 2, "change": 2, "trackings": [
        {"tracking_number": "RP893531375SG", "carrier_code": "singapore-post"},
        {"tracking_number": "LK894734223CN", "carrier_code": "china-ems"}
    ]});
    let (stopped, req) = run(&ep, &data.to_string()).await;
    assert_eq!(req.method, Method::POST);
    assert_eq!(req.path, "/trackings/notupdate");
    assert_eq!(body_json(&req), fixture_json("notupdate_request.json"));
    assert_eq!(stopped.submitted, 2);
    assert_eq!(stopped.change, 2);
    assert_eq!(
        stopped.trackings[1],
        TrackingRef::new("china-ems", "LK894734223CN")
    );
    assert!(stopped.errors.is_empty());
}

#[tokio::test]
async fn remote_sends_addresses_and_company_only_when_set() {
    let ep = CheckRemote::new(vec![
        RemoteCheck::new("Japan", "7621094"),
        RemoteCheck::new("NZ", "Papaaroha"),
    ])
    .unwrap();
    let data = json!({"submitted": 2, "other": [{"country": "NZ", "postcode": "Papaaroha", "company": null}],
    "remote": [
        {"far_express_company": "ups", "two_code": "JP", "far_country": "Japan", "far_city_postcode": "7621094"},
        {"far_express_company": "tnt", "two_code": "JP", "far_country": "Japan", "far_city_postcode": "7621094"}
    ]});
    let (result, req) = run(&ep, &data.to_string()).await;
    assert_eq!(req.method, Method::POST);
    assert_eq!(req.path, "/trackings/remote");
    assert_eq!(body_json(&req), fixture_json("remote_request.json"));
    assert_eq!(result.submitted, 2);
    assert_eq!(result.remote.len(), 2);
    assert_eq!(result.remote[1].far_express_company, "tnt");
    assert_eq!(result.other[0].postcode, "Papaaroha");
    assert_eq!(result.other[0].company, None);

    let ep = CheckRemote::new(vec![RemoteCheck {
        company: s("DHL"),
        ..RemoteCheck::new("Japan", "7621094")
    }])
    .unwrap();
    let (_, req) = run(&ep, &data.to_string()).await;
    assert_eq!(
        body_json(&req),
        json!([{"country": "Japan", "postcode": "7621094", "company": "DHL"}])
    );
}

#[tokio::test]
async fn costtime_sends_lanes_and_decodes_statistics() {
    let ep = GetTransitTimes::new(vec![
        TransitTimeQuery::new("dhl", "CN", "US"),
        TransitTimeQuery::new("dhl", "CN", "RU"),
    ])
    .unwrap();
    let data = json!([{
        "carrier_code": "dhl", "original": "CN", "destination": "US", "total": 120, "delivered": "100",
        "range1": 50, "range2": 25.5, "range3": "10", "range4": 5, "range5": 0, "range6": 9.5,
        "average": 7.25
    }]);
    let (lanes, req) = run(&ep, &data.to_string()).await;
    assert_eq!(req.method, Method::POST);
    assert_eq!(req.path, "/trackings/costtime");
    assert_eq!(body_json(&req), fixture_json("costtime_request.json"));
    assert_eq!(lanes.len(), 1);
    let l = &lanes[0];
    assert_eq!((l.total, l.delivered), (120, 100));
    assert_eq!(
        (l.range1, l.range2, l.range3, l.range6, l.average),
        (50.0, 25.5, 10.0, 9.5, 7.25)
    );
}

#[tokio::test]
async fn aircargo_sends_an_array_of_waybills() {
    let ep = TrackAirCargo::new(["172-28891936", "172-28891936"])
        .unwrap()
        .lang("en")
        .unwrap();
    let data = json!([{
        "track_number": "172-28891936", "weight": "120.5", "piece": 3, "origin": "HKG",
        "destination": "FRA", "status_number": 2,
        "track_info": [{"plan_date": "2019-01-01 10:00", "actual_date": null, "event": "DEP",
                        "station": "HKG", "flight_number": "CV9731"}]
    }]);
    let (cargo, req) = run(&ep, &data.to_string()).await;
    assert_eq!(req.method, Method::POST);
    assert_eq!(req.path, "/trackings/aircargo");
    let body = body_json(&req);
    assert_eq!(body, fixture_json("aircargo_request.json"));
    assert!(body["track_number"].is_array());
    assert_eq!(cargo[0].weight, Some(120.5));
    assert_eq!(cargo[0].piece, Some(3));
    assert_eq!(
        cargo[0].track_info[0].flight_number.as_deref(),
        Some("CV9731")
    );
    assert_eq!(cargo[0].track_info[0].actual_date, None);

    let ep = TrackAirCargo::new(["17228891936"]).unwrap();
    let (_, req) = run(&ep, "[]").await;
    assert_eq!(
        body_json(&req),
        json!({"track_number": ["17228891936"]}),
        "no lang key unless set"
    );
}

// ---------------------------------------------------------------- carriers

#[tokio::test]
async fn list_carriers_sends_lang_only_as_a_header() {
    let data = json!([
        {"name": "DHL", "code": "dhl", "phone": "1 800 225 5345", "homepage": "//www.dhl.com/",
         "type": "express", "picture": "//cdn.trackingmore.com/images/icons/express/dhl.png"},
        {"name": "China post", "code": "china-post", "phone": "86 20 11185",
         "homepage": "//intmail.183.com.cn/", "type": "globalpost", "picture": "//x/3010.jpg",
         "name_cn": "中国邮政"}
    ]);
    let (carriers, req) = run(&ListCarriers::new(), &data.to_string()).await;
    assert_eq!(req.method, Method::GET);
    assert_eq!(req.path, "/carriers");
    assert!(req.query.is_empty());
    assert!(req.headers.get("Lang").is_none());
    assert_no_body(&req);
    assert_eq!(carriers.len(), 2);
    assert_eq!(carriers[0].type_.as_deref(), Some("express"));
    assert_eq!(carriers[0].homepage.as_deref(), Some("//www.dhl.com/"));
    assert_eq!(carriers[1].extra["name_cn"], json!("中国邮政"));

    let ep = ListCarriers::new().lang("cn").unwrap();
    let (_, req) = run(&ep, &data.to_string()).await;
    assert_eq!(req.headers.get("Lang").unwrap(), "cn");
    assert_eq!(req.headers.len(), 1);
    assert!(req.query.is_empty());
    assert_eq!(req.path, "/carriers");
    assert_no_body(&req);
}

#[tokio::test]
async fn detect_sends_the_number() {
    let ep = DetectCarrier::new("RN123456789CN").unwrap();
    let (found, req) = run_body(&ep, &fixture("carriers_detect_200.json")).await;
    assert_eq!(req.method, Method::POST);
    assert_eq!(req.path, "/carriers/detect");
    assert!(req.query.is_empty());
    assert_eq!(
        body_json(&req),
        fixture_json("carriers_detect_request.json")
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "China post");
    assert_eq!(found[0].code, "china-post");
}

fn wire_of<E: Endpoint>(ep: Result<E, tm_core::ValidationError>) -> WireRequest {
    ep.unwrap().to_wire().unwrap()
}

#[test]
fn every_endpoint_has_the_documented_method_and_path() {
    let (c, n) = ("ups", "1Z97X17XYW06605211");
    let key = || TrackingRef::new(c, n);
    let none = TrackingUpdate::default;
    let rows: Vec<(WireRequest, Method, &str)> = vec![
        (wire_of(Ok(ListCarriers::new())), Method::GET, "/carriers"),
        (
            wire_of(DetectCarrier::new("RN123456789CN")),
            Method::POST,
            "/carriers/detect",
        ),
        (
            wire_of(CreateTracking::new(NewTracking::new(c, n))),
            Method::POST,
            "/trackings/post",
        ),
        (
            wire_of(GetTracking::new(c, n)),
            Method::GET,
            "/trackings/ups/1Z97X17XYW06605211",
        ),
        (
            wire_of(UpdateTracking::new(c, n, none())),
            Method::PUT,
            "/trackings/ups/1Z97X17XYW06605211",
        ),
        (
            wire_of(DeleteTracking::new(c, n)),
            Method::DELETE,
            "/trackings/ups/1Z97X17XYW06605211",
        ),
        (
            wire_of(BatchCreateTrackings::new(vec![NewTracking::new(c, n)])),
            Method::POST,
            "/trackings/batch",
        ),
        (
            wire_of(Ok(ListTrackings::new())),
            Method::GET,
            "/trackings/get",
        ),
        (
            wire_of(BatchUpdateTrackings::new(vec![(key(), none())])),
            Method::POST,
            "/trackings/updatemore",
        ),
        (
            wire_of(BatchDeleteTrackings::new(vec![key()])),
            Method::POST,
            "/trackings/delete",
        ),
        (
            wire_of(RealtimeTracking::new(RealtimeQuery::new(c, n))),
            Method::POST,
            "/trackings/realtime",
        ),
        (
            wire_of(ChangeCarrier::new(c, n, "usps")),
            Method::POST,
            "/trackings/update",
        ),
        (
            wire_of(Ok(GetUserInfo::new())),
            Method::GET,
            "/trackings/getuserinfo",
        ),
        (
            wire_of(Ok(GetStatusCounts::new())),
            Method::GET,
            "/trackings/getstatusnumber",
        ),
        (
            wire_of(StopUpdating::new(vec![key()])),
            Method::POST,
            "/trackings/notupdate",
        ),
        (
            wire_of(CheckRemote::new(vec![RemoteCheck::new("JP", "7621094")])),
            Method::POST,
            "/trackings/remote",
        ),
        (
            wire_of(GetTransitTimes::new(vec![TransitTimeQuery::new(
                "dhl", "CN", "US",
            )])),
            Method::POST,
            "/trackings/costtime",
        ),
        (
            wire_of(TrackAirCargo::new(["172-28891936"])),
            Method::POST,
            "/trackings/aircargo",
        ),
    ];
    assert_eq!(rows.len(), 18);
    for (req, method, path) in rows {
        assert_eq!(req.method, method, "{path}");
        assert_eq!(req.path, path);
        assert!(!req.headers.contains_key(API_KEY_HEADER));
        // Bodies exactly on POST/PUT, always JSON.
        let has_body = method == Method::POST || method == Method::PUT;
        assert_eq!(!req.body.is_empty(), has_body, "{path}");
        if has_body {
            assert_eq!(req.headers[http::header::CONTENT_TYPE], "application/json");
            serde_json::from_slice::<Value>(&req.body).unwrap();
        }
    }
}
