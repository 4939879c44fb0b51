//! Every subcommand against the in-process simulator (`--mock`), with a state
//! file so that one process sees what an earlier one did.

mod common;

use common::{json_of, stderr_of, stdout_of, tm, Mock};
use predicates::prelude::*;

const UPS: &str = "1Z999AA10123456784";

fn create(m: &Mock, carrier: &str, number: &str) {
    m.tm(&["create", carrier, number]).assert().success();
}

#[test]
fn demo_prints_the_status_table_and_counts() {
    let out = tm().args(["--mock", "demo"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let s = stdout_of(&out);
    assert!(s.contains("Imported examples/shipments.csv"), "{s}");
    assert!(s.contains("Trackings after 14d"), "{s}");
    assert!(s.contains("Status counts"), "{s}");
    assert!(
        s.contains("TMEXCEPT240002") && s.contains("exception"),
        "{s}"
    );
    assert!(s.contains("delivered"), "{s}");
    // The sample file has 51 rows; they all count.
    let counts = s.lines().last().unwrap();
    assert!(counts.trim_end().ends_with("51"), "{counts}");
}

#[test]
fn demo_json_has_every_sample_tracking() {
    let out = tm()
        .args(["--mock", "-o", "json", "demo", "--days", "3"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v = json_of(&out);
    assert_eq!(v["import"]["created"], 51);
    assert_eq!(v["trackings"].as_array().unwrap().len(), 51);
    assert_eq!(v["timeline"].as_array().unwrap().len(), 4);
}

#[test]
fn create_then_get_in_another_process() {
    let m = Mock::new();
    m.tm(&[
        "create",
        "ups",
        UPS,
        "--title",
        "Grinder",
        "--order-id",
        "SO-1",
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains(UPS).and(predicate::str::contains("pending")));
    assert!(m.state.exists());
    let out = m.tm(&["-o", "json", "get", "ups", UPS]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let v = json_of(&out);
    assert_eq!(v["tracking_number"], UPS);
    assert_eq!(v["title"], "Grinder");
    // Creating it again is an API error (4016), exit 1.
    m.tm(&["create", "ups", UPS])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("4016").and(predicate::str::contains("already exists")));
}

#[test]
fn get_unknown_is_an_api_error() {
    let m = Mock::new();
    m.tm(&["get", "ups", UPS])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("not found").and(predicate::str::contains("4031")));
}

#[test]
fn get_shows_checkpoints_after_time_passes() {
    let m = Mock::new();
    // watch advances the simulated clock; the state file keeps it.
    m.tm(&["watch", "ups", UPS, "--create", "--max-polls", "40"])
        .assert()
        .success();
    m.tm(&["get", "ups", UPS])
        .assert()
        .success()
        .stdout(predicate::str::contains("checkpoints").and(predicate::str::contains("delivered")));
}

#[test]
fn usage_errors_exit_2() {
    tm().args(["no-such-command"]).assert().code(2);
    tm().args(["--mock", "get", "ups"]).assert().code(2);
    tm().args(["--output", "yaml", "--mock", "carriers"])
        .assert()
        .code(2);
    // Refused before sending: the number is too short.
    tm().args(["--mock", "get", "ups", "ab"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tracking_number"));
    // No key and no --mock.
    tm().args(["carriers"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("API key"));
    tm().args(["--mock", "--base-url", "http://127.0.0.1:9/v2", "carriers"])
        .assert()
        .code(2);
    tm().args(["--mock", "update", "ups", UPS, "--status", "lost"])
        .assert()
        .code(2);
}

#[test]
fn carriers_lists_codes_in_every_format() {
    tm().args(["--mock", "carriers"])
        .assert()
        .success()
        .stdout(predicate::str::contains("china-post").and(predicate::str::contains("ups")));
    let out = tm()
        .args(["--mock", "-o", "json", "carriers"])
        .output()
        .unwrap();
    let v = json_of(&out);
    assert!(v.as_array().unwrap().iter().any(|c| c["code"] == "dhl"));
    tm().args(["--mock", "-o", "csv", "carriers"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "code,name,type,homepage,phone\n",
        ));
}

#[test]
fn detect_finds_ups_and_reports_no_match() {
    tm().args(["--mock", "detect", UPS])
        .assert()
        .success()
        .stdout(predicate::str::contains("ups"));
    tm().args(["--mock", "detect", "TMNOTHING"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("4032"));
}

#[test]
fn update_changes_fields_and_status() {
    let m = Mock::new();
    create(&m, "ups", UPS);
    let out = m
        .tm(&[
            "-o",
            "json",
            "update",
            "ups",
            UPS,
            "--title",
            "New title",
            "--archived",
            "true",
            "--status",
            "delivered",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(json_of(&out)["title"], "New title");
    let v = json_of(&m.tm(&["-o", "json", "get", "ups", UPS]).output().unwrap());
    assert_eq!(v["status"], "delivered");
    m.tm(&["update", "ups", "1Z999AA10123456799", "--title", "x"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("4017"));
}

#[test]
fn delete_removes_the_tracking() {
    let m = Mock::new();
    create(&m, "ups", UPS);
    m.tm(&["delete", "ups", UPS])
        .assert()
        .success()
        .stdout(predicate::str::contains("deleted"));
    m.tm(&["get", "ups", UPS]).assert().code(1);
    m.tm(&["delete", "ups", UPS]).assert().code(1);
}

#[test]
fn list_pages_and_filters() {
    let m = Mock::new();
    let f = m.file("in.csv", common::GOOD_CSV);
    m.tm(&["import", f.to_str().unwrap()]).assert().success();
    let v = json_of(
        &m.tm(&["-o", "json", "list", "--limit", "2"])
            .output()
            .unwrap(),
    );
    assert_eq!(v["total"], 5);
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    m.tm(&["list", "--numbers", "RR123456785CN,3318810025"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2 of 2 trackings"));
    m.tm(&["list", "--status", "nonsense"]).assert().code(2);
}

#[test]
fn realtime_does_not_store() {
    let m = Mock::new();
    m.tm(&["realtime", "ups", UPS])
        .assert()
        .success()
        .stdout(predicate::str::contains(UPS));
    m.tm(&["get", "ups", UPS]).assert().code(1);
}

#[test]
fn change_carrier_moves_the_tracking() {
    let m = Mock::new();
    create(&m, "usps", "9400111899223197428497");
    m.tm(&["change-carrier", "usps", "9400111899223197428497", "fedex"])
        .assert()
        .success()
        .stdout(predicate::str::contains("changed"));
    m.tm(&["get", "fedex", "9400111899223197428497"])
        .assert()
        .success();
    m.tm(&["get", "usps", "9400111899223197428497"])
        .assert()
        .code(1);
}

#[test]
fn user_info_and_status_counts() {
    let m = Mock::new();
    let v = json_of(&m.tm(&["-o", "json", "user-info"]).output().unwrap());
    assert!(v["track_number"].as_f64().unwrap() > 0.0);
    create(&m, "ups", UPS);
    let v = json_of(&m.tm(&["-o", "json", "status-counts"]).output().unwrap());
    assert_eq!(v["pending"], 1);
    m.tm(&["status-counts", "--created-at-max", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("total"));
}

#[test]
fn stop_updates_by_argument_and_file() {
    let m = Mock::new();
    create(&m, "ups", UPS);
    m.tm(&["stop-updates", &format!("ups:{UPS}")])
        .assert()
        .success()
        .stdout(predicate::str::contains("stopped"));
    let v = json_of(&m.tm(&["-o", "json", "get", "ups", UPS]).output().unwrap());
    assert_eq!(v["track_update"], false);
    let f = m.file(
        "stop.csv",
        &format!("tracking_number,carrier_code\n{UPS},ups\nRR123456785CN,china-post\n"),
    );
    m.tm(&["stop-updates", "--file", f.to_str().unwrap()])
        .assert()
        .code(3)
        .stdout(predicate::str::contains("4017"))
        .stderr(predicate::str::contains("line 3"));
}

#[test]
fn remote_transit_time_and_air_cargo() {
    tm().args(["--mock", "remote", "Japan", "7621094"])
        .assert()
        .success()
        .stdout(predicate::str::contains("yes"));
    tm().args(["--mock", "remote", "Japan", "1000001"])
        .assert()
        .success()
        .stdout(predicate::str::contains("no"));
    tm().args(["--mock", "transit-time", "ups", "US", "GB"])
        .assert()
        .success()
        .stdout(predicate::str::contains("average_days"));
    tm().args(["--mock", "transit-time", "nosuchcarrier", "US", "GB"])
        .assert()
        .code(1);
    let out = tm()
        .args(["--mock", "-o", "json", "air-cargo", "172-28891936"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(json_of(&out)[0]["track_number"], "172-28891936");
    tm().args(["--mock", "air-cargo", "12-345"])
        .assert()
        .code(2);
}

#[test]
fn batch_create_reports_each_row() {
    let m = Mock::new();
    create(&m, "ups", UPS);
    let f = m.file(
        "b.csv",
        &format!(
            "tracking_number,carrier_code\n{UPS},ups\nRR123456785CN,china-post\nab,ups\n3318810025,nosuchcarrier\n"
        ),
    );
    let out = m
        .tm(&["-o", "csv", "batch-create", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let s = stdout_of(&out);
    assert!(
        s.starts_with("line,tracking_number,carrier_code,outcome,code,message\n"),
        "{s}"
    );
    assert!(
        s.contains("2,1Z999AA10123456784,ups,already_exists,4016"),
        "{s}"
    );
    assert!(s.contains("3,RR123456785CN,china-post,created"), "{s}");
    assert!(s.contains("4,ab,ups,failed"), "{s}");
    assert!(s.contains("5,3318810025,nosuchcarrier,failed,4015"), "{s}");
    assert!(stderr_of(&out).contains("line 4"));
    let good = m.file("g.csv", "tracking_number,carrier_code\n3318810025,dhl\n");
    let out = m
        .tm(&["-o", "json", "batch-create", good.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(json_of(&out)["added"], 1);
}

#[test]
fn batch_create_refuses_more_than_40() {
    let m = Mock::new();
    let mut text = String::from("tracking_number,carrier_code\n");
    for i in 0..41 {
        text.push_str(&format!("TMBULK{i:05},ups\n"));
    }
    let f = m.file("big.csv", &text);
    m.tm(&["batch-create", f.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tm import"));
}

#[test]
fn batch_update_from_jsonl() {
    let m = Mock::new();
    create(&m, "ups", UPS);
    let f = m.file(
        "u.jsonl",
        &format!(
            "{{\"tracking_number\":\"{UPS}\",\"carrier_code\":\"ups\",\"title\":\"Renamed\",\"archived\":true}}\n\
             {{\"tracking_number\":\"RR123456785CN\",\"carrier_code\":\"china-post\",\"title\":\"x\"}}\n\
             {{\"tracking_number\":\"{UPS}\",\"carrier_code\":\"ups\",\"status\":\"lost\"}}\n"
        ),
    );
    let out = m
        .tm(&["batch-update", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let s = stdout_of(&out);
    assert!(s.contains("updated"), "{s}");
    assert!(s.contains("4017"), "{s}");
    assert!(stderr_of(&out).contains("line 3"), "{}", stderr_of(&out));
    let v = json_of(&m.tm(&["-o", "json", "get", "ups", UPS]).output().unwrap());
    assert_eq!(v["title"], "Renamed");
}

#[test]
fn batch_delete_arguments() {
    let m = Mock::new();
    create(&m, "ups", UPS);
    create(&m, "dhl", "3318810025");
    m.tm(&["batch-delete", &format!("ups:{UPS}"), "dhl:3318810025"])
        .assert()
        .success()
        .stdout(predicate::str::contains("deleted"));
    m.tm(&["batch-delete", &format!("ups:{UPS}"), "no-colon"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("line 2"));
    m.tm(&["batch-delete"]).assert().code(2);
}

#[test]
fn import_creates_and_writes_one_outcome_per_row() {
    let m = Mock::new();
    let f = m.file("in.csv", common::GOOD_CSV);
    let outcomes = m.path("outcomes.csv");
    let out = m
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
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let v = json_of(&out);
    assert_eq!(v["rows"], 5);
    assert_eq!(v["created"], 5);
    let rows = common::csv_rows(&outcomes);
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0][0], "2");
    assert!(rows.iter().all(|r| r[3] == "created"));
    // Again: everything already exists, which is not a failure.
    m.tm(&["import", f.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("already_existed"));
    let v = json_of(
        &m.tm(&["-o", "json", "import", f.to_str().unwrap()])
            .output()
            .unwrap(),
    );
    assert_eq!(v["already_existed"], 5);
}

#[test]
fn import_reports_bad_rows_by_line_and_imports_the_rest() {
    let m = Mock::new();
    let text = "tracking_number,carrier_code,title\n\
1Z999AA10123456784,ups,ok\n\
,ups,missing number\n\
\n\
RR123456785CN,,missing carrier\n\
bad number!,ups,invalid\n\
3318810025,dhl\n\
abc,ups,too short\n\
9400111899223197428497,usps,\"quoted, with comma\"\n\
3318810025,nosuchcarrier,unknown carrier\n\
RR123456785CN,china-post,ok\n";
    let f = m.file("bad.csv", text);
    let outcomes = m.path("o.csv");
    let out = m
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
    let err = stderr_of(&out);
    for line in ["line 3", "line 5", "line 6", "line 7", "line 8", "line 10"] {
        assert!(
            err.contains(&format!("{line}:")) || err.contains(&format!("{line} ")),
            "{line} missing from:\n{err}"
        );
    }
    assert!(!err.contains("line 2 "), "{err}");
    let v = json_of(&out);
    assert_eq!(v["rows"], 9);
    assert_eq!(v["created"], 3);
    assert_eq!(v["failed"], 6);
    assert_eq!(v["invalid_rows"], 5);
    let rows = common::csv_rows(&outcomes);
    let lines: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(lines, ["2", "3", "5", "6", "7", "8", "9", "10", "11"]);
    let outcome_of = |line: &str| rows.iter().find(|r| r[0] == line).unwrap()[3].clone();
    assert_eq!(outcome_of("2"), "created");
    assert_eq!(outcome_of("3"), "failed");
    assert_eq!(outcome_of("9"), "created");
    assert_eq!(outcome_of("11"), "created");
    let r10 = rows.iter().find(|r| r[0] == "10").unwrap();
    assert_eq!(r10[4], "4015");
    // The good rows are really there.
    let v = json_of(&m.tm(&["-o", "json", "list"]).output().unwrap());
    assert_eq!(v["total"], 3);
}

#[test]
fn import_jsonl_with_unparsable_lines() {
    let m = Mock::new();
    let text = "{\"tracking_number\":\"1Z999AA10123456784\",\"carrier_code\":\"ups\"}\n\
{not json\n\
\n\
[\"array\"]\n\
{\"tracking_number\":\"RR123456785CN\",\"carrier_code\":\"china-post\",\"title\":{\"nested\":1}}\n\
{\"tracking_number\":3318810025,\"carrier_code\":\"dhl\"}\n";
    let f = m.file("in.jsonl", text);
    let outcomes = m.path("o.csv");
    let out = m
        .tm(&[
            "import",
            f.to_str().unwrap(),
            "--outcomes",
            outcomes.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("line 2") && err.contains("line 4") && err.contains("line 5"),
        "{err}"
    );
    let rows = common::csv_rows(&outcomes);
    let lines: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(lines, ["1", "2", "4", "5", "6"]);
    assert_eq!(rows[4][3], "created");
}

#[test]
fn import_missing_columns_is_a_usage_error() {
    let m = Mock::new();
    let f = m.file(
        "nocarrier.csv",
        "tracking_number,title\n1Z999AA10123456784,x\n",
    );
    m.tm(&["import", f.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "missing required column carrier_code",
        ));
    let f = m.file("empty.csv", "");
    m.tm(&["import", f.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing required columns"));
    let f = m.file("data.xml", "<x/>");
    m.tm(&["import", f.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--format"));
    m.tm(&["import", "/nonexistent/file.csv"]).assert().code(2);
}

#[test]
fn import_from_stdin() {
    let m = Mock::new();
    m.tm(&["import", "-"])
        .write_stdin(common::GOOD_CSV)
        .assert()
        .success()
        .stdout(predicate::str::contains("created"));
}

#[test]
fn export_csv_and_jsonl() {
    let m = Mock::new();
    let f = m.file("in.csv", common::GOOD_CSV);
    m.tm(&["import", f.to_str().unwrap()]).assert().success();
    let out = m.tm(&["export", "--page-size", "2"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let s = stdout_of(&out);
    assert!(s.starts_with("tracking_number,carrier_code,title"), "{s}");
    assert_eq!(s.lines().count(), 6, "{s}");
    let out = m.tm(&["export", "--format", "jsonl"]).output().unwrap();
    let s = stdout_of(&out);
    assert_eq!(s.lines().count(), 5);
    for line in s.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["tracking_number"].is_string());
    }
    // The CSV export can be imported again (everything already exists).
    let dump = m.path("dump.csv");
    m.tm(&["export", "--out", dump.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("exported 5"));
    m.tm(&["-o", "json", "import", dump.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"already_existed\": 5"));
}

#[test]
fn watch_until_final_status() {
    let m = Mock::new();
    m.tm(&["watch", "usps", "TMDELIV0001", "--create"])
        .assert()
        .success()
        .stdout(predicate::str::contains("delivered"));
    let out = m
        .tm(&[
            "-o",
            "json",
            "watch",
            "ups",
            "TMEXCEPT0001",
            "--create",
            "--step",
            "1d",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let last = stdout_of(&out).lines().last().unwrap().to_owned();
    let v: serde_json::Value = serde_json::from_str(&last).unwrap();
    assert_eq!(v["tracking"]["status"], "exception");
    m.tm(&[
        "-o",
        "csv",
        "watch",
        "dhl",
        "3318810025",
        "--create",
        "--max-polls",
        "1",
    ])
    .assert()
    .code(1)
    .stdout(predicate::str::starts_with("poll,elapsed,status"))
    .stderr(predicate::str::contains("gave up after 1 polls"));
    m.tm(&["watch", "dhl", "8564385550"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("4031"));
}

#[test]
fn fresh_state_without_a_state_file() {
    tm().args(["--mock", "create", "ups", UPS])
        .assert()
        .success();
    tm().args(["--mock", "get", "ups", UPS]).assert().code(1);
}

#[test]
fn help_and_errors_never_show_the_key() {
    let secret = "SECRET-KEY-0123456789";
    let out = tm()
        .env("TRACKINGMORE_API_KEY", secret)
        .args(["--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!stdout_of(&out).contains(secret));
    // Nothing listens on port 9: a network error, exit 1.
    let out = tm()
        .args([
            "--api-key",
            secret,
            "--verbose",
            "--base-url",
            "http://127.0.0.1:9/v2",
            "--max-retries",
            "0",
            "user-info",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(err.contains("network error"), "{err}");
    assert!(!err.contains(secret), "{err}");
    assert!(!stdout_of(&out).contains(secret));
    let out = tm()
        .args([
            "--mock",
            "--api-key",
            secret,
            "--verbose",
            "get",
            "ups",
            UPS,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr_of(&out).contains(secret));
}

#[test]
fn corrupt_state_file_is_a_usage_error() {
    let m = Mock::new();
    std::fs::write(&m.state, "not a snapshot").unwrap();
    m.tm(&["carriers"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a simulator state file"));
}

#[test]
fn import_counts_a_non_utf8_row_as_failed() {
    let m = Mock::new();
    let f = m.path("latin1.csv");
    std::fs::write(
        &f,
        b"tracking_number,carrier_code\n1Z999AA10123456784,ups\n\xff\xfe123456,ups\nRR123456785CN,china-post\n",
    )
    .unwrap();
    let outcomes = m.path("o.csv");
    let out = m
        .tm(&[
            "import",
            f.to_str().unwrap(),
            "--outcomes",
            outcomes.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr_of(&out);
    assert!(err.contains("line 3") && err.contains("UTF-8"), "{err}");
    // No progress bar when stderr is not a terminal.
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
    let rows = common::csv_rows(&outcomes);
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(got, [("2", "created"), ("3", "failed"), ("4", "created")]);
}
