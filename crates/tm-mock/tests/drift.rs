//! `tm-mock check-cassette`: a cassette built from the public real-traffic fixtures, and a
//! cassette recorded from the simulator with differences planted into it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tm_core::cassette::{parse_cassette, read_cassette, Interaction, RecordingTransport};
use tm_core::endpoints::trackings::{CreateTracking, GetStatusCounts, GetTracking, ListTrackings};
use tm_core::models::NewTracking;
use tm_core::{ApiKey, Client};
use tm_mock::{check_cassette, SimConfig, Simulator};

fn here(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn fixture(name: &str) -> Value {
    let p = here("../tm-core/tests/fixtures").join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn ats(report: &tm_mock::CallReport) -> Vec<&str> {
    report.differences.iter().map(|d| d.at.as_str()).collect()
}

#[test]
fn cassette_of_the_public_real_traffic_fixtures() {
    let cassette = read_cassette(here("tests/cassettes/observed.jsonl")).unwrap();
    // It is built from the fixtures: the recorded answers are those files.
    assert_eq!(
        cassette[0].response.as_ref().unwrap().body.body,
        Some(fixture("observed_batch_201_partial_4016.json"))
    );
    assert_eq!(
        cassette[1].response.as_ref().unwrap().body.body,
        Some(fixture("observed_list_200.json"))
    );
    let report = check_cassette(&cassette, SimConfig::default());
    assert_eq!(report.calls.len(), 2);
    // The recorded batch met a number created before the recording (4016 → meta 201);
    // a fresh simulator has no such tracking, so it adds all four (200).
    assert_eq!(ats(&report.calls[0]), ["meta.code"]);
    assert_eq!(
        report.calls[0].differences[0].what,
        "201 recorded, 200 from the simulator"
    );
    // The list answers with the same outcome; the drift the real page shows: "" where the
    // simulator has null, values of a tracking with events, and fields only one side sends.
    assert_eq!(
        ats(&report.calls[1]),
        [
            "data.items[0].customer_email",
            "data.items[0].title",
            "data.items[0].itemTimeLength",
            "data.items[0].origin_info.ItemReceived",
            "data.items[0].lastUpdateTime",
            "data.items[0].customer_phone",
            "data.items[0].logistics_channel",
            "data.items[0].destination_code",
            "data.items[0].destination_country",
            "data.items[0].destination_info",
        ]
    );
}

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A cassette recorded from the simulator itself (in-process).
async fn recorded_from_the_simulator() -> Vec<Interaction> {
    let sim = Simulator::new(SimConfig::default());
    let buf = Buf::default();
    let rec =
        RecordingTransport::to_writer(sim.transport(ApiKey::new("rec").unwrap()), buf.clone());
    let c = Client::new(rec);
    let new =
        || CreateTracking::new(NewTracking::new("dhl-germany", "00340434161234567890")).unwrap();
    c.execute(&new()).await.unwrap();
    assert!(c.execute(&new()).await.is_err(), "4016");
    c.execute(&GetTracking::new("dhl-germany", "00340434161234567890").unwrap())
        .await
        .unwrap();
    c.execute(&ListTrackings::new()).await.unwrap();
    c.execute(&GetStatusCounts::new()).await.unwrap();
    let bytes = buf.0.lock().unwrap().clone();
    parse_cassette(&bytes[..]).unwrap()
}

fn body_mut(it: &mut Interaction) -> &mut Value {
    it.response.as_mut().unwrap().body.body.as_mut().unwrap()
}

#[tokio::test]
async fn check_cassette_finds_a_planted_difference() {
    let clean = recorded_from_the_simulator().await;
    assert_eq!(clean.len(), 5);
    let report = check_cassette(&clean, SimConfig::default());
    assert_eq!(report.differing(), 0, "{report}");

    let mut planted = clean.clone();
    // #1: the recorded create had failed; #3: a field the simulator does not send, and one it
    // sends missing; #4: `total` as a number.
    *body_mut(&mut planted[0]) =
        json!({"meta": {"code": 4021, "type": "x", "message": "x"}, "data": []});
    let one = body_mut(&mut planted[2]);
    one["data"]["service_level"] = json!("gold");
    one["data"].as_object_mut().unwrap().remove("substatus");
    body_mut(&mut planted[3])["data"]["total"] = json!(1);
    let report = check_cassette(&planted, SimConfig::default());
    assert_eq!(report.differing(), 3, "{report}");
    assert_eq!(ats(&report.calls[0]), ["meta.code"]);
    assert!(report.calls[1].differences.is_empty());
    assert_eq!(
        ats(&report.calls[2]),
        ["data.service_level", "data.substatus"]
    );
    assert_eq!(
        report.calls[2].differences[0].what,
        "recorded (string), missing from the simulator"
    );
    assert_eq!(
        report.calls[2].differences[1].what,
        "sent by the simulator (null), not recorded"
    );
    assert_eq!(ats(&report.calls[3]), ["data.total"]);
    assert_eq!(
        report.calls[3].differences[0].what,
        "number recorded, string from the simulator"
    );
    assert!(report.calls[4].differences.is_empty());

    // The command: exit 1 and a report naming the call, 0 on the clean cassette, 2 on junk.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let write = |name: &str, its: &[Interaction]| {
        let p = dir.join(name);
        let text: String = its
            .iter()
            .map(|i| serde_json::to_string(i).unwrap() + "\n")
            .collect();
        std::fs::write(&p, text).unwrap();
        p
    };
    let run = |p: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_tm-mock"))
            .arg("check-cassette")
            .arg(p)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, _) = run(&write("planted.jsonl", &planted));
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("#4 GET /trackings/get?page=1&limit=100: 1 difference(s)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("data.total: number recorded, string from the simulator"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("5 call(s), 2 with the recorded shape, 3 differ\n"),
        "{stdout}"
    );
    let (code, stdout, _) = run(&write("clean.jsonl", &clean));
    assert_eq!(code, Some(0), "{stdout}");
    let junk = dir.join("junk.jsonl");
    std::fs::write(&junk, "{not json\n").unwrap();
    let (code, _, stderr) = run(&junk);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("cassette line 1"), "{stderr}");
}
