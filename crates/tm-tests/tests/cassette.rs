//! Record → replay round trip through the real HTTP transport against `tm-mock serve`:
//! a cassette recorded over loopback serves the same results back without a server, never
//! holds the API key, and refuses requests it does not have.

use std::path::PathBuf;
use std::sync::Arc;

use tm_core::cassette::{read_cassette, RecordingTransport, ReplayMode, ReplayTransport};
use tm_core::endpoints::carriers::DetectCarrier;
use tm_core::endpoints::trackings::{
    BatchCreateTrackings, CreateTracking, GetStatusCounts, GetTracking, ListTrackings,
    UpdateTracking,
};
use tm_core::models::{NewTracking, TrackingUpdate};
use tm_core::{Client, Transport};
use tm_mock::SimConfig;
use tm_tests::{http_transport, norm, plain_client, Front, Harness};

const SECRET: &str = "cassette-secret-key-4242";

fn cassette_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// The same calls, in the same order, normalized to JSON.
async fn calls(c: &Client) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    out.push(norm(
        &c.execute(&CreateTracking::new(NewTracking::new("china-post", "RN123456789CN")).unwrap())
            .await,
    ));
    out.push(norm(
        &c.execute(&CreateTracking::new(NewTracking::new("china-post", "RN123456789CN")).unwrap())
            .await,
    ));
    out.push(norm(
        &c.execute(
            &BatchCreateTrackings::new(vec![
                NewTracking::new("dhl-germany", "00340434161234567890"),
                NewTracking::new("nope-carrier", "RN223456789CN"),
            ])
            .unwrap(),
        )
        .await,
    ));
    out.push(norm(
        &c.execute(&GetTracking::new("china-post", "RN123456789CN").unwrap())
            .await,
    ));
    let update = TrackingUpdate {
        title: Some("recorded".into()),
        ..TrackingUpdate::default()
    };
    out.push(norm(
        &c.execute(&UpdateTracking::new("china-post", "RN123456789CN", update).unwrap())
            .await,
    ));
    out.push(norm(&c.execute(&ListTrackings::new()).await));
    out.push(norm(&c.execute(&GetStatusCounts::new()).await));
    out.push(norm(
        &c.execute(&DetectCarrier::new("JD0002123456789012").unwrap())
            .await,
    ));
    out.push(norm(
        &c.execute(&GetTracking::new("ups", "1Z97X17XYW06605211").unwrap())
            .await,
    ));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_then_replay_through_the_http_transport() {
    let h = Harness::start(
        Front::Http,
        SimConfig {
            keys: Some(vec![SECRET.into()]),
            rate_limits: false,
            ..SimConfig::default()
        },
    )
    .await;
    let path = cassette_path("round-trip.jsonl");
    let http = http_transport(
        &h.url().unwrap(),
        SECRET,
        std::time::Duration::from_secs(10),
    );
    let recorder = RecordingTransport::create(http, &path).unwrap();
    let live = calls(&plain_client(Arc::new(recorder))).await;
    h.shutdown().await;

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(SECRET), "the API key is in the cassette");
    let cassette = read_cassette(&path).unwrap();
    assert_eq!(cassette.len(), live.len());
    assert!(cassette.iter().all(|i| i.response.is_some()));
    // Bodies are kept, as JSON.
    assert_eq!(
        cassette[0].request.body.body.as_ref().unwrap()["tracking_number"],
        "RN123456789CN"
    );
    assert_eq!(
        cassette[0]
            .response
            .as_ref()
            .unwrap()
            .body
            .body
            .as_ref()
            .unwrap()["meta"]["code"],
        200
    );

    // The server is gone: the replay answers exactly what was recorded, in order.
    let strict = ReplayTransport::open(&path, ReplayMode::Strict).unwrap();
    let replayed = calls(&plain_client(Arc::new(strict))).await;
    assert_eq!(replayed, live);
    for (l, r) in live.iter().zip(&replayed) {
        assert_eq!(l, r);
    }
    // The second create was refused (4016) and the unknown GET was 4031, live and replayed.
    assert_eq!(live[1]["code"], 4016, "{}", live[1]);
    assert_eq!(live[8]["code"], 4031, "{}", live[8]);

    // Match mode serves a request wherever it is in the cassette; strict mode refuses it.
    let matching = ReplayTransport::open(&path, ReplayMode::Match).unwrap();
    let c = plain_client(Arc::new(matching));
    let counts = norm(&c.execute(&GetStatusCounts::new()).await);
    assert_eq!(counts, live[6]);
    let strict = ReplayTransport::open(&path, ReplayMode::Strict).unwrap();
    let e = strict
        .send(GetStatusCounts::new().to_wire_request())
        .await
        .unwrap_err();
    assert!(
        e.message.contains("cassette interaction #1"),
        "{}",
        e.message
    );
}

trait ToWire {
    fn to_wire_request(&self) -> tm_core::WireRequest;
}

impl<E: tm_core::Endpoint> ToWire for E {
    fn to_wire_request(&self) -> tm_core::WireRequest {
        self.to_wire().unwrap()
    }
}
