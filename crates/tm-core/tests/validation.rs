#![allow(missing_docs)]
//! Every input rule: the constructor refuses with a `ValidationError` naming the
//! field, it converts to `Error::Validation`, and nothing reaches the transport.

use std::fmt::Debug;

use tm_core::endpoints::carriers::{DetectCarrier, ListCarriers};
use tm_core::endpoints::trackings::{
    BatchCreateTrackings, BatchDeleteTrackings, BatchUpdateTrackings, ChangeCarrier, CheckRemote,
    CreateTracking, DeleteTracking, GetTracking, GetTransitTimes, ListTrackings, RealtimeTracking,
    StopUpdating, TrackAirCargo, UpdateTracking,
};
use tm_core::models::{
    ListFilter, ManualStatus, NewTracking, RealtimeQuery, RemoteCheck, Status, TrackingRef,
    TrackingUpdate, TransitTimeQuery,
};
use tm_core::test_util::RecordingTransport;
use tm_core::{ApiKey, Client, Endpoint, Error, ValidationError, MAX_BATCH};

const BAD_NUMBERS: &[&str] = &[
    "",
    "1234",
    "RP 893531375SG",
    "abc/def",
    "ñandú12",
    "12\n345",
];
const BAD_CARRIERS: &[&str] = &["", "ups/../x", "dhl express", "ups?x=1", "ç-post"];
const NUMBER: &str = "RP893531375SG";
const CARRIER: &str = "singapore-post";

/// Asserts `r` is refused about `field`, as a `ValidationError` and as an
/// `Error::Validation`, and that nothing was sent.
#[track_caller]
fn refused<T: Debug>(r: Result<T, ValidationError>, field: &str) -> ValidationError {
    let transport = RecordingTransport::new();
    let e = match r {
        Ok(v) => panic!("expected a validation error about {field}, got {v:?}"),
        Err(e) => e,
    };
    assert_eq!(e.field(), field, "{e}");
    assert!(!e.message().is_empty());
    assert!(e.to_string().contains(field), "{e}");
    let err: Error = e.clone().into();
    match &err {
        Error::Validation(v) => assert_eq!(v, &e),
        other => panic!("not a validation error: {other:?}"),
    }
    assert!(err.as_api().is_none());
    assert!(err.code().is_none());
    assert!(transport.requests().is_empty());
    e
}

/// For endpoint results: also shows the failure happens before any sending, and
/// that the accepted counterpart does send.
async fn refused_endpoint<E: Endpoint + Debug>(r: Result<E, ValidationError>, field: &str) {
    let transport = RecordingTransport::new();
    let client = Client::new(transport.clone());
    match r {
        Ok(ep) => {
            let _ = client.execute(&ep).await;
            panic!(
                "{ep:?} was accepted; {} request(s) sent",
                transport.requests().len()
            );
        }
        Err(e) => {
            refused::<()>(Err(e), field);
            assert!(transport.requests().is_empty());
        }
    }
}

fn refs(n: usize) -> Vec<TrackingRef> {
    (0..n)
        .map(|i| TrackingRef::new(CARRIER, format!("RP{i:09}SG")))
        .collect()
}

fn news(n: usize) -> Vec<NewTracking> {
    (0..n)
        .map(|i| NewTracking::new(CARRIER, format!("RP{i:09}SG")))
        .collect()
}

#[tokio::test]
async fn accepted_inputs_do_send() {
    // The counterpart of every refusal below: valid input reaches the transport.
    let transport = RecordingTransport::new();
    transport.push_data(
        200,
        r#"{"id":"a","tracking_number":"RP893531375SG","carrier_code":"singapore-post"}"#,
    );
    let client = Client::new(transport.clone());
    let t = client
        .execute(&GetTracking::new(CARRIER, NUMBER).unwrap())
        .await
        .unwrap();
    assert_eq!(t.tracking_number, NUMBER);
    assert_eq!(transport.requests().len(), 1);
}

#[tokio::test]
async fn bad_tracking_numbers_are_refused_everywhere() {
    for &bad in BAD_NUMBERS {
        let f = "tracking_number";
        refused_endpoint(CreateTracking::new(NewTracking::new(CARRIER, bad)), f).await;
        refused_endpoint(GetTracking::new(CARRIER, bad), f).await;
        refused_endpoint(
            UpdateTracking::new(CARRIER, bad, TrackingUpdate::default()),
            f,
        )
        .await;
        refused_endpoint(DeleteTracking::new(CARRIER, bad), f).await;
        refused_endpoint(RealtimeTracking::new(RealtimeQuery::new(CARRIER, bad)), f).await;
        refused_endpoint(DetectCarrier::new(bad), f).await;
        refused_endpoint(ChangeCarrier::new(CARRIER, bad, "usps"), f).await;
        refused(NewTracking::new(CARRIER, bad).validate(), f);
    }
}

#[test]
fn empty_number_says_empty_and_short_number_says_short() {
    let e = refused(GetTracking::new(CARRIER, ""), "tracking_number");
    assert!(e.message().contains("empty"), "{e}");
    let e = refused(GetTracking::new(CARRIER, "1234"), "tracking_number");
    assert!(e.message().contains('5'), "{e}");
    let e = refused(GetTracking::new(CARRIER, "abc/def"), "tracking_number");
    assert!(e.message().contains('/'), "{e}");
    // The boundary: five allowed characters pass.
    GetTracking::new(CARRIER, "ab-_1").unwrap();
}

#[tokio::test]
async fn bad_carrier_codes_are_refused_everywhere() {
    for &bad in BAD_CARRIERS {
        let f = "carrier_code";
        refused_endpoint(CreateTracking::new(NewTracking::new(bad, NUMBER)), f).await;
        refused_endpoint(GetTracking::new(bad, NUMBER), f).await;
        refused_endpoint(
            UpdateTracking::new(bad, NUMBER, TrackingUpdate::default()),
            f,
        )
        .await;
        refused_endpoint(DeleteTracking::new(bad, NUMBER), f).await;
        refused_endpoint(RealtimeTracking::new(RealtimeQuery::new(bad, NUMBER)), f).await;
        refused_endpoint(ChangeCarrier::new(bad, NUMBER, "usps"), f).await;
        refused_endpoint(
            ChangeCarrier::new(CARRIER, NUMBER, bad),
            "update_carrier_code",
        )
        .await;
        refused_endpoint(
            GetTransitTimes::new(vec![TransitTimeQuery::new(bad, "CN", "US")]),
            "items[0].carrier_code",
        )
        .await;
    }
}

#[tokio::test]
async fn every_batch_call_refuses_0_and_41_items_and_takes_40() {
    assert_eq!(MAX_BATCH, 40);
    for n in [0, MAX_BATCH + 1] {
        refused_endpoint(BatchCreateTrackings::new(news(n)), "items").await;
        refused_endpoint(
            BatchUpdateTrackings::new(
                refs(n)
                    .into_iter()
                    .map(|r| (r, TrackingUpdate::default()))
                    .collect(),
            ),
            "items",
        )
        .await;
        refused_endpoint(BatchDeleteTrackings::new(refs(n)), "items").await;
        refused_endpoint(StopUpdating::new(refs(n)), "items").await;
        refused_endpoint(
            CheckRemote::new(vec![RemoteCheck::new("Japan", "7621094"); n]),
            "items",
        )
        .await;
        refused_endpoint(
            GetTransitTimes::new(vec![TransitTimeQuery::new("dhl", "CN", "US"); n]),
            "items",
        )
        .await;
    }
    let e = refused(BatchCreateTrackings::new(news(41)), "items");
    assert!(
        e.message().contains("41") && e.message().contains("40"),
        "{e}"
    );

    BatchCreateTrackings::new(news(40)).unwrap();
    BatchUpdateTrackings::new(
        refs(40)
            .into_iter()
            .map(|r| (r, TrackingUpdate::default()))
            .collect(),
    )
    .unwrap();
    BatchDeleteTrackings::new(refs(40)).unwrap();
    StopUpdating::new(refs(40)).unwrap();
    CheckRemote::new(vec![RemoteCheck::new("Japan", "7621094"); 40]).unwrap();
    GetTransitTimes::new(vec![TransitTimeQuery::new("dhl", "CN", "US"); 40]).unwrap();
}

#[tokio::test]
async fn a_bad_batch_item_is_named_by_its_index() {
    let mut items = news(5);
    items[3].tracking_number = "bad number".into();
    refused_endpoint(BatchCreateTrackings::new(items), "items[3].tracking_number").await;

    let mut items = news(5);
    items[4].carrier_code = String::new();
    refused_endpoint(BatchCreateTrackings::new(items), "items[4].carrier_code").await;

    let mut items = news(3);
    items[1].lang = Some("eng".into());
    refused_endpoint(BatchCreateTrackings::new(items), "items[1].lang").await;

    let mut keys = refs(5);
    keys[3].tracking_number = "12".into();
    refused_endpoint(
        BatchDeleteTrackings::new(keys.clone()),
        "items[3].tracking_number",
    )
    .await;
    refused_endpoint(StopUpdating::new(keys.clone()), "items[3].tracking_number").await;
    refused_endpoint(
        BatchUpdateTrackings::new(
            keys.into_iter()
                .map(|r| (r, TrackingUpdate::default()))
                .collect(),
        ),
        "items[3].tracking_number",
    )
    .await;

    let mut keys = refs(2);
    keys[1].carrier_code = "a b".into();
    refused_endpoint(StopUpdating::new(keys), "items[1].carrier_code").await;

    let mut remote = vec![RemoteCheck::new("Japan", "7621094"); 4];
    remote[2].country = " ".into();
    refused_endpoint(CheckRemote::new(remote), "items[2].country").await;
    let mut remote = vec![RemoteCheck::new("Japan", "7621094"); 4];
    remote[3].postcode = String::new();
    refused_endpoint(CheckRemote::new(remote), "items[3].postcode").await;

    let mut lanes = vec![TransitTimeQuery::new("dhl", "CN", "US"); 4];
    lanes[1].original = String::new();
    refused_endpoint(GetTransitTimes::new(lanes), "items[1].original").await;
    let mut lanes = vec![TransitTimeQuery::new("dhl", "CN", "US"); 4];
    lanes[3].destination = String::new();
    refused_endpoint(GetTransitTimes::new(lanes), "items[3].destination").await;
}

#[tokio::test]
async fn list_limits_pages_and_filters() {
    refused_endpoint(ListTrackings::new().limit(0), "limit").await;
    refused_endpoint(ListTrackings::new().limit(2001), "limit").await;
    refused_endpoint(ListTrackings::with(1, 0, ListFilter::default()), "limit").await;
    refused_endpoint(ListTrackings::new().page(0), "page").await;
    refused_endpoint(ListTrackings::with(0, 10, ListFilter::default()), "page").await;
    assert_eq!(ListTrackings::new().limit(1).unwrap().page_size(), 1);
    assert_eq!(ListTrackings::new().limit(2000).unwrap().page_size(), 2000);

    let many = |n: usize| (0..n).map(|i| format!("LX{i:09}CN")).collect::<Vec<_>>();
    let filter = |f: ListFilter| ListTrackings::new().filter(f);
    refused_endpoint(
        filter(ListFilter {
            numbers: many(41),
            ..ListFilter::default()
        }),
        "numbers",
    )
    .await;
    refused_endpoint(
        filter(ListFilter {
            orders: many(41),
            ..ListFilter::default()
        }),
        "orders",
    )
    .await;
    // An empty value or a comma would change the meaning of the joined list.
    refused_endpoint(
        filter(ListFilter {
            numbers: vec!["A1".into(), "B2,C3".into()],
            ..ListFilter::default()
        }),
        "numbers",
    )
    .await;
    refused_endpoint(
        filter(ListFilter {
            orders: vec![String::new()],
            ..ListFilter::default()
        }),
        "orders",
    )
    .await;
    refused_endpoint(
        filter(ListFilter {
            status: Some(Status::Unknown("inforeceived".into())),
            ..ListFilter::default()
        }),
        "status",
    )
    .await;
    refused_endpoint(
        filter(ListFilter {
            lang: Some("eng".into()),
            ..ListFilter::default()
        }),
        "lang",
    )
    .await;
    filter(ListFilter {
        numbers: many(40),
        orders: many(40),
        ..ListFilter::default()
    })
    .unwrap();
}

#[tokio::test]
async fn lang_must_be_two_letters_everywhere() {
    for bad in ["eng", "e", "", "e1", "en-US"] {
        refused_endpoint(GetTracking::new(CARRIER, NUMBER).unwrap().lang(bad), "lang").await;
        refused_endpoint(ListCarriers::new().lang(bad), "lang").await;
        refused_endpoint(
            TrackAirCargo::new(["172-28891936"]).unwrap().lang(bad),
            "lang",
        )
        .await;
        refused_endpoint(
            RealtimeTracking::new(RealtimeQuery {
                lang: Some(bad.into()),
                ..RealtimeQuery::new(CARRIER, NUMBER)
            }),
            "lang",
        )
        .await;
        refused_endpoint(
            CreateTracking::new(NewTracking {
                lang: Some(bad.into()),
                ..NewTracking::new(CARRIER, NUMBER)
            }),
            "lang",
        )
        .await;
    }
}

#[tokio::test]
async fn air_waybills_must_look_like_awbs() {
    for bad in [
        "",
        "17-28891936",
        "172-288919",
        "172--28891936",
        "abc-28891936",
        "172-288919361",
        "RP893531375SG",
    ] {
        refused_endpoint(TrackAirCargo::new([bad]), "track_number").await;
        // One bad waybill among good ones refuses the whole call.
        refused_endpoint(TrackAirCargo::new(["172-28891936", bad]), "track_number").await;
    }
    refused_endpoint(TrackAirCargo::new(Vec::<String>::new()), "track_number").await;
    for ok in ["172-28891936", "17228891936", "172 2889193"] {
        TrackAirCargo::new([ok]).unwrap();
    }
}

#[test]
fn manual_status_codes_and_api_keys() {
    for bad in [0, 1, 5, 6, 9, -7] {
        refused(ManualStatus::from_code(bad), "status");
    }
    assert_eq!(ManualStatus::from_code(7).unwrap(), ManualStatus::Exception);
    for bad in ["", "  ", "a\r\nX-Evil: 1", "k\u{0}"] {
        let e = refused(ApiKey::new(bad), "api_key");
        assert!(!e.to_string().contains("Evil"));
    }
}

#[test]
fn within_prefixes_the_field() {
    let e = ValidationError::new("tracking_number", "is empty").within("items[7]");
    assert_eq!(e.field(), "items[7].tracking_number");
    assert_eq!(e.message(), "is empty");
    assert_eq!(e.to_string(), "invalid items[7].tracking_number: is empty");
}
