//! `tm --record FILE`: every exchange of a command written to a cassette, the key never.

mod common;

use common::{tm, Server};
use tm_core::cassette::{read_cassette, ReplayMode, ReplayTransport};
use tm_core::endpoints::trackings::GetTracking;
use tm_core::Client;

const KEY: &str = "record-test-secret-9f3a";

#[test]
fn record_writes_a_cassette_without_the_key_that_replays() {
    let s = Server::open();
    let cassette = s.path("create.jsonl");
    let c = cassette.to_str().unwrap();
    s.tm_with_key(
        KEY,
        &[
            "--record",
            c,
            "create",
            "dhl-germany",
            "00340434161234567890",
        ],
    )
    .assert()
    .success();
    let text = std::fs::read_to_string(&cassette).unwrap();
    assert!(!text.contains(KEY), "{text}");
    let its = read_cassette(&cassette).unwrap();
    assert_eq!(its.len(), 1);
    assert_eq!(its[0].request.describe(), "POST /trackings/post");
    let resp = its[0].response.as_ref().unwrap();
    assert_eq!(resp.body.body.as_ref().unwrap()["meta"]["code"], 200);

    // A second command replaces the file; `get` of it replays without a server.
    let got = s.path("get.jsonl");
    let g = got.to_str().unwrap();
    s.tm_with_key(
        KEY,
        &["--record", g, "get", "dhl-germany", "00340434161234567890"],
    )
    .assert()
    .success();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let replay = ReplayTransport::open(&got, ReplayMode::Strict).unwrap();
    let t = rt
        .block_on(
            Client::new(replay)
                .execute(&GetTracking::new("dhl-germany", "00340434161234567890").unwrap()),
        )
        .unwrap();
    assert_eq!(t.carrier_code, "dhl-germany");

    // With --mock too; an unwritable path is a runtime error (exit 1) before any call.
    let m = s.path("mock.jsonl");
    tm().args(["--mock", "--record", m.to_str().unwrap(), "carriers"])
        .assert()
        .success();
    assert!(read_cassette(&m).unwrap()[0].request.describe() == "GET /carriers");
    tm().args(["--mock", "--record", "/nonexistent-dir/x.jsonl", "carriers"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("cannot create the cassette"));
}
