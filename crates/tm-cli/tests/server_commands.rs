//! A representative set of commands, import and export included, against a
//! tm-mock HTTP server on a loopback port (`--base-url`).

mod common;

use common::{json_of, stderr_of, stdout_of, Server};
use predicates::prelude::*;
use tm_mock::SimConfig;

#[test]
fn create_get_update_delete_over_http() {
    let s = Server::open();
    s.tm(&["create", "ups", "1Z999AA10123456784", "--title", "Grinder"])
        .assert()
        .success();
    let v = json_of(
        &s.tm(&["-o", "json", "get", "ups", "1Z999AA10123456784"])
            .output()
            .unwrap(),
    );
    assert_eq!(v["title"], "Grinder");
    s.tm(&["update", "ups", "1Z999AA10123456784", "--title", "Renamed"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Renamed"));
    s.tm(&["delete", "ups", "1Z999AA10123456784"])
        .assert()
        .success();
    s.tm(&["get", "ups", "1Z999AA10123456784"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("4031"));
}

#[test]
fn keys_are_isolated_and_wrong_keys_fail() {
    let s = Server::start(SimConfig {
        rate_limits: false,
        keys: Some(vec!["good-key-1".into()]),
        ..SimConfig::default()
    });
    s.tm_with_key("good-key-1", &["user-info"])
        .assert()
        .success();
    let out = s
        .tm_with_key("bad-key-12345", &["user-info"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(
        err.contains("authentication") && err.contains("4001"),
        "{err}"
    );
    assert!(!err.contains("bad-key-12345"), "{err}");
    // A bulk command where nothing could be done because of the account: exit 1.
    let f = s.file("in.csv", common::GOOD_CSV);
    s.tm_with_key("bad-key-12345", &["import", f.to_str().unwrap()])
        .assert()
        .code(1);
}

#[test]
fn import_export_round_trip_over_http() {
    let s = Server::open();
    let mut text = String::from("tracking_number,carrier_code,title\n");
    for i in 0..250 {
        text.push_str(&format!("TMHTTP{i:06},dhl,Item {i}\n"));
    }
    text.push_str("bad!,dhl,bad row\n");
    let f = s.file("big.csv", &text);
    let outcomes = s.path("outcomes.csv");
    let out = s
        .tm(&[
            "-o",
            "json",
            "import",
            f.to_str().unwrap(),
            "--outcomes",
            outcomes.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let v = json_of(&out);
    assert_eq!(v["created"], 250);
    assert_eq!(v["failed"], 1);
    assert!(stderr_of(&out).contains("line 252"));
    let rows = common::csv_rows(&outcomes);
    assert_eq!(rows.len(), 251);
    assert_eq!(rows[250][0], "252");
    assert_eq!(rows[250][3], "failed");

    let out = s.tm(&["export", "--page-size", "100"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).lines().count(), 251);
    let dump = s.path("dump.jsonl");
    s.tm(&["export", "--out", dump.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&dump).unwrap().lines().count(), 250);

    let v = json_of(&s.tm(&["-o", "json", "status-counts"]).output().unwrap());
    assert_eq!(v["pending"], 250);
    s.tm(&["list", "--limit", "5"])
        .assert()
        .success()
        .stdout(predicate::str::contains("of 250 trackings"));
}

#[test]
fn quota_running_out_is_a_partial_failure() {
    let s = Server::start(SimConfig {
        rate_limits: false,
        credits: 3.0,
        ..SimConfig::default()
    });
    let f = s.file("in.csv", common::GOOD_CSV);
    let outcomes = s.path("o.csv");
    let out = s
        .tm(&[
            "-o",
            "json",
            "import",
            f.to_str().unwrap(),
            "--outcomes",
            outcomes.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let v = json_of(&out);
    assert_eq!(v["created"], 3);
    assert_eq!(v["rows"], 5);
    let rows = common::csv_rows(&outcomes);
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().any(|r| r[4] == "4021"), "{rows:?}");
}

#[test]
fn reference_calls_over_http() {
    let s = Server::open();
    s.tm(&["carriers"]).assert().success();
    s.tm(&["detect", "1Z999AA10123456784"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ups"));
    s.tm(&["remote", "Japan", "7621094"]).assert().success();
    s.tm(&["air-cargo", "172-28891936"]).assert().success();
    s.tm(&["realtime", "dhl", "3318810025"]).assert().success();
    s.tm(&["transit-time", "dhl", "DE", "US"])
        .assert()
        .success();
}

#[test]
fn batch_forms_over_http() {
    let s = Server::open();
    let f = s.file("in.csv", common::GOOD_CSV);
    s.tm(&["batch-create", f.to_str().unwrap()])
        .assert()
        .success();
    let u = s.file(
        "u.csv",
        "tracking_number,carrier_code,status\n3318810025,dhl,delivered\n",
    );
    s.tm(&["batch-update", u.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("updated"));
    s.tm(&["change-carrier", "dhl", "3318810025", "fedex"])
        .assert()
        .success();
    s.tm(&["stop-updates", "fedex:3318810025"])
        .assert()
        .success();
    s.tm(&["batch-delete", "fedex:3318810025", "ups:1Z999AA10123456784"])
        .assert()
        .success();
    let v = json_of(&s.tm(&["-o", "json", "list"]).output().unwrap());
    assert_eq!(v["total"], 3);
}

#[test]
fn watch_over_http_polls_with_an_interval() {
    let s = Server::open();
    s.tm(&[
        "watch",
        "usps",
        "TMDELIV0002",
        "--create",
        "--interval",
        "0s",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains("delivered"));
}

#[test]
fn watch_over_http_advances_the_server_clock() {
    let s = Server::open();
    let out = s
        .tm(&[
            "-o",
            "csv",
            "watch",
            "ups",
            "TMEXCEPT0009",
            "--create",
            "--server-clock",
            "--step",
            "12h",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    let last = text.lines().last().unwrap();
    assert!(last.contains(",exception,"), "{text}");
    assert!(text.lines().count() > 2, "{text}");
}

#[test]
fn watch_sends_the_servers_admin_token_from_the_environment() {
    let token = "cli-admin-token-123";
    let s = Server::start_with(
        SimConfig {
            rate_limits: false,
            ..SimConfig::default()
        },
        tm_mock::ServeOptions::default().admin_token(token),
    );
    let args = [
        "-o",
        "csv",
        "watch",
        "ups",
        "TMEXCEPT0009",
        "--create",
        "--server-clock",
        "--step",
        "12h",
    ];
    // Without the token the server refuses to move its clock.
    let out = s.tm(&args).output().unwrap();
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(err.contains("401"), "{err}");
    // With it, the watch runs to the end; the token is never printed.
    let out = s
        .tm(&args)
        .env("TM_MOCK_ADMIN_TOKEN", token)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out)
        .lines()
        .last()
        .unwrap()
        .contains(",exception,"));
    assert!(!stdout_of(&out).contains(token) && !stderr_of(&out).contains(token));
}

/// `tm create` whose answer is lost, as the very first call of the process:
/// the simulator's `Date` (its simulated clock) lets it tell its own create
/// from a tracking that existed before.
#[test]
fn a_lost_create_answer_is_settled_on_the_first_call() {
    let s = Server::open();
    let drop_next_create = serde_json::json!({"rules": [
        {"kind": "drop", "endpoint": "trackings.post", "times": 1, "when": "after"}
    ]});
    // A tracking that existed before, created a simulated minute earlier.
    s.tm(&["create", "ups", "1Z999AA10123456784"])
        .assert()
        .success();
    let moved = s.admin_post("clock", serde_json::json!({"advance_seconds": 60}));
    assert_eq!(moved["meta"]["code"], 200, "{moved}");

    let set = s.admin_post("faults", drop_next_create.clone());
    assert_eq!(set["meta"]["code"], 200, "{set}");
    s.tm(&["create", "dhl", "1234567890"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1234567890"))
        .stderr(predicate::str::contains(
            "reading back shows this call created the tracking",
        ));

    s.admin_post("faults", drop_next_create);
    s.tm(&["create", "ups", "1Z999AA10123456784"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("4016"));
}
