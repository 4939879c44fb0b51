//! `tm import` through a real tm-mock HTTP server, as real processes: outcomes
//! compared with the server's truth under faults, re-import under 503,
//! SIGINT / SIGKILL then `--resume`, refused input, state-file safety, and a
//! hostile server (repeated pages with a huge `total`, an echoed key).

mod common;

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{stderr_of, tm, Mock};
use tempfile::TempDir;
use tm_mock::{FaultConfig, FaultKind, FaultRule, ServerHandle, SimConfig, SimRequest, Simulator};

const KEY: &str = "import-safety-key";

/// A tm-mock server whose simulator the test keeps, to set faults and read
/// the truth.
struct Served {
    sim: Simulator,
    handle: Option<ServerHandle>,
    runtime: tokio::runtime::Runtime,
    url: String,
    dir: TempDir,
}

impl Served {
    fn start() -> Self {
        let sim = Simulator::new(SimConfig {
            rate_limits: false,
            ..SimConfig::default()
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let handle = runtime
            .block_on(tm_mock::serve(sim.clone(), "127.0.0.1:0".parse().unwrap()))
            .unwrap();
        let url = handle.url();
        Self {
            sim,
            handle: Some(handle),
            runtime,
            url,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn tm(&self, args: &[&str]) -> std::process::Command {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_tm"));
        c.env_remove("TRACKINGMORE_API_KEY")
            .arg("--base-url")
            .arg(&self.url)
            .arg("--api-key")
            .arg(KEY)
            .arg("--timeout")
            .arg("10s")
            .args(args);
        c
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// Every tracking number the server holds for KEY (read without faults).
    fn truth(&self) -> HashSet<String> {
        let faults = self.sim.faults();
        self.sim.clear_faults();
        let mut out = HashSet::new();
        for page in 1.. {
            let r = self.sim.handle(
                SimRequest::new(http::Method::GET, "/v2/trackings/get")
                    .key(KEY)
                    .query(format!("page={page}&limit=2000")),
            );
            let data = r.data().expect("list answered");
            let items = data["items"].as_array().cloned().unwrap_or_default();
            if items.is_empty() {
                break;
            }
            for t in items {
                out.insert(t["tracking_number"].as_str().unwrap().to_owned());
            }
        }
        self.sim.set_faults(faults);
        out
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.runtime.block_on(h.shutdown());
        }
    }
}

fn write_rows(path: &str, prefix: &str, n: usize) {
    let mut text = String::from("tracking_number,carrier_code\n");
    for i in 0..n {
        text.push_str(&format!("{prefix}{i:07},usps\n"));
    }
    std::fs::write(path, text).unwrap();
}

/// The outcome file as line → (tracking number, outcome); panics on a line
/// that appears twice.
fn outcomes(path: &str) -> BTreeMap<u64, (String, String)> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let mut out = BTreeMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        let line: u64 = r[0].parse().unwrap();
        let prev = out.insert(line, (r[1].to_owned(), r[3].to_owned()));
        assert!(prev.is_none(), "line {line} appears twice in {path}");
    }
    out
}

fn run(cmd: &mut std::process::Command) -> std::process::Output {
    cmd.output().unwrap()
}

#[test]
fn outcomes_match_the_server_under_503_drop_truncate_and_html_faults() {
    let s = Served::start();
    // 100 trackings that existed the day before.
    let old = s.path("old.csv");
    write_rows(&old, "OLD", 100);
    let out = run(&mut s.tm(&["--no-rate-limits", "import", &old]));
    assert!(out.status.success(), "{}", stderr_of(&out));
    s.sim.advance(Duration::from_secs(86_400));

    let file = s.path("mixed.csv");
    let mut text = String::from("tracking_number,carrier_code\n");
    for i in 0..3000 {
        text.push_str(&format!("NEW{i:07},usps\n"));
        if i % 30 == 0 {
            text.push_str(&format!("OLD{:07},usps\n", i / 30));
        }
    }
    std::fs::write(&file, &text).unwrap();
    let batch = |k: FaultKind| {
        FaultRule::new(k)
            .endpoint("trackings.batch")
            .probability(0.05)
    };
    s.sim.set_faults(
        FaultConfig::new()
            .seed(7)
            .rule(batch(FaultKind::Http503).retry_after(0))
            .rule(batch(FaultKind::Drop))
            .rule(batch(FaultKind::Truncate))
            .rule(batch(FaultKind::Html)),
    );
    let out_path = s.path("mixed-outcomes.csv");
    let out = run(&mut s.tm(&[
        "--no-rate-limits",
        "--max-retries",
        "8",
        "import",
        &file,
        "--outcomes",
        &out_path,
    ]));
    let code = out.status.code();
    let journal = s.sim.journal();
    let faulted = journal.iter().filter(|e| e.fault.is_some()).count();
    let read_backs = journal
        .iter()
        .filter(|e| e.endpoint.as_deref() == Some("trackings.list"))
        .count();
    eprintln!("faulted calls: {faulted}, read-backs: {read_backs}");
    assert!(faulted > 0 && read_backs > 0, "the faults were exercised");
    let got = outcomes(&out_path);
    assert_eq!(got.len(), 3100, "one outcome per row; {}", stderr_of(&out));
    let truth = s.truth();
    let mut mismatches = Vec::new();
    for (line, (number, outcome)) in &got {
        let exists = truth.contains(number);
        let ok = match outcome.as_str() {
            "created" => exists && number.starts_with("NEW"),
            "already_exists" => exists && number.starts_with("OLD"),
            "failed" => !exists,
            _ => false,
        };
        if !ok {
            mismatches.push(format!(
                "line {line} {number}: {outcome} (exists: {exists})"
            ));
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    assert_eq!(
        truth.len(),
        3100 - got.values().filter(|v| v.1 == "failed").count()
    );
    assert!(matches!(code, Some(0) | Some(3)), "{}", stderr_of(&out));
}

#[test]
fn reimporting_an_existing_file_under_503_before_reports_nothing_created() {
    let s = Served::start();
    let file = s.path("day1.csv");
    write_rows(&file, "DAY", 800);
    let out = run(&mut s.tm(&["--no-rate-limits", "import", &file]));
    assert!(out.status.success(), "{}", stderr_of(&out));
    s.sim.advance(Duration::from_secs(86_400));
    s.sim.set_faults(
        FaultConfig::new().seed(3).rule(
            FaultRule::new(FaultKind::Http503)
                .endpoint("trackings.batch")
                .probability(0.3)
                .retry_after(0),
        ),
    );
    let out_path = s.path("again.csv");
    let out = run(&mut s.tm(&[
        "--no-rate-limits",
        "--max-retries",
        "10",
        "-o",
        "json",
        "import",
        &file,
        "--outcomes",
        &out_path,
    ]));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["created"], 0, "{summary}\n{}", stderr_of(&out));
    assert_eq!(summary["already_existed"], 800, "{summary}");
    assert!(outcomes(&out_path)
        .values()
        .all(|v| v.1 == "already_exists"));
    assert_eq!(s.truth().len(), 800);
}

/// Starts an import slowed by latency and returns the child once some
/// outcomes were written.
fn start_slow_import(s: &Served, file: &str, out_path: &str) -> std::process::Child {
    s.sim.set_faults(
        FaultConfig::new().rule(FaultRule::latency(40, 40).endpoint("trackings.batch")),
    );
    let child = s
        .tm(&[
            "--no-rate-limits",
            "import",
            file,
            "--outcomes",
            out_path,
            "--concurrency",
            "2",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        let rows = std::fs::read_to_string(out_path)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if rows > 400 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn signal(child: &std::process::Child, sig: &str) {
    let ok = std::process::Command::new("kill")
        .arg(sig)
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(ok.success());
}

fn resume_and_check(s: &Served, file: &str, out_path: &str, n: usize) {
    s.sim.clear_faults();
    let out = run(&mut s.tm(&[
        "--no-rate-limits",
        "-o",
        "json",
        "import",
        file,
        "--outcomes",
        out_path,
        "--resume",
    ]));
    assert!(out.status.success(), "{}", stderr_of(&out));
    let got = outcomes(out_path);
    assert_eq!(got.len(), n);
    let not_created: Vec<_> = got.iter().filter(|(_, v)| v.1 != "created").collect();
    assert!(
        not_created.is_empty(),
        "{:?}",
        &not_created[..not_created.len().min(5)]
    );
    let numbers: HashSet<String> = got.values().map(|v| v.0.clone()).collect();
    assert_eq!(numbers.len(), n);
    assert_eq!(s.truth(), numbers, "the server holds exactly the file");
    assert!(!Path::new(&format!("{out_path}.sent")).exists());
}

#[test]
fn sigkill_then_resume_accounts_for_every_row_once() {
    let s = Served::start();
    let file = s.path("kill.csv");
    write_rows(&file, "KIL", 3000);
    let out_path = s.path("kill-outcomes.csv");
    let mut child = start_slow_import(&s, &file, &out_path);
    signal(&child, "-KILL");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), None, "killed by a signal");
    assert!(s.truth().len() < 3000, "the import was cut short");
    resume_and_check(&s, &file, &out_path, 3000);
}

#[test]
fn sigint_stops_cleanly_then_resume_finishes() {
    let s = Served::start();
    let file = s.path("int.csv");
    write_rows(&file, "INT", 3000);
    let out_path = s.path("int-outcomes.csv");
    let mut child = start_slow_import(&s, &file, &out_path);
    signal(&child, "-INT");
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("--resume"), "{stderr}");
    assert!(
        stdout.contains("not_attempted"),
        "the summary is printed: {stdout}"
    );
    // Every row has an outcome already: the unsent ones as not_attempted.
    let got = outcomes(&out_path);
    assert_eq!(got.len(), 3000);
    let sent: HashSet<String> = got
        .values()
        .filter(|v| v.1 == "created")
        .map(|v| v.0.clone())
        .collect();
    assert_eq!(
        s.truth(),
        sent,
        "outcomes written on SIGINT match the server"
    );
    resume_and_check(&s, &file, &out_path, 3000);
}

#[test]
fn outcomes_into_a_missing_folder_fail_before_anything_is_sent() {
    let s = Served::start();
    let file = s.path("few.csv");
    write_rows(&file, "FEW", 10);
    let missing = s.path("no-such-folder/out.csv");
    let out = run(&mut s.tm(&["import", &file, "--outcomes", &missing]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("does not exist"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(s.sim.tracking_count(), 0);
    assert!(s.sim.journal().is_empty());
}

#[test]
fn an_unterminated_quote_refuses_the_file() {
    let s = Served::start();
    let mut text = String::from("tracking_number,carrier_code,title\n");
    for i in 0..1000 {
        if i == 993 {
            text.push_str(&format!("Q{i:07},usps,\"broken title\n"));
        } else {
            text.push_str(&format!("Q{i:07},usps,ok\n"));
        }
    }
    let file = s.path("quote.csv");
    std::fs::write(&file, text).unwrap();
    let out = run(&mut s.tm(&["import", &file]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("line 995"), "{}", stderr_of(&out));
    assert_eq!(s.sim.tracking_count(), 0);
}

#[test]
fn an_empty_state_file_is_an_error_and_left_alone() {
    let m = Mock::new();
    std::fs::write(&m.state, "").unwrap();
    let out = m.tm(&["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("is empty"), "{}", stderr_of(&out));
    assert_eq!(std::fs::read(&m.state).unwrap(), b"");
    std::fs::write(&m.state, "{not json").unwrap();
    let out = m.tm(&["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&m.state).unwrap(), b"{not json");
}

#[test]
fn concurrent_users_of_one_state_file_never_lose_work() {
    let m = Mock::new();
    let files: Vec<_> = (0..4)
        .map(|p| {
            let path = m.path(&format!("part{p}.csv"));
            write_rows(path.to_str().unwrap(), &format!("P{p}X"), 200);
            path
        })
        .collect();
    let children: Vec<_> = files
        .iter()
        .map(|f| {
            tm_std()
                .arg("--mock-state")
                .arg(&m.state)
                .arg("import")
                .arg(f)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut succeeded = Vec::new();
    for (p, c) in children.into_iter().enumerate() {
        let out = c.wait_with_output().unwrap();
        match out.status.code() {
            Some(0) => succeeded.push(p),
            Some(2) => assert!(
                stderr_of(&out).contains("in use by another tm process"),
                "{}",
                stderr_of(&out)
            ),
            other => panic!("{other:?}: {}", stderr_of(&out)),
        }
    }
    assert!(!succeeded.is_empty());
    let export = m.path("all.csv");
    let out = tm()
        .arg("--mock-state")
        .arg(&m.state)
        .arg("export")
        .arg("--out")
        .arg(&export)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = std::fs::read_to_string(&export).unwrap();
    for p in &succeeded {
        let n = text.matches(&format!("P{p}X")).count();
        assert_eq!(n, 200, "process {p}'s work is kept");
    }
    assert_eq!(text.lines().count(), 1 + 200 * succeeded.len());
    // No lock or temporary file is left behind.
    let left: Vec<_> = std::fs::read_dir(m.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".lock") || n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// The `tm` binary as a plain process (no key in its environment).
fn tm_std() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_tm"));
    c.env_remove("TRACKINGMORE_API_KEY");
    c
}

/// A loopback HTTP/1.1 server answering every request with `respond(path)`.
fn hostile_server(respond: fn(&str) -> String) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let mut byte = [0u8; 1];
                loop {
                    while !buf.ends_with(b"\r\n\r\n") {
                        if stream.read(&mut byte).unwrap_or(0) == 0 {
                            return;
                        }
                        buf.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&buf).into_owned();
                    let len: usize = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    let mut body = vec![0u8; len];
                    if stream.read_exact(&mut body).is_err() {
                        return;
                    }
                    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    let text = respond(&path);
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}",
                        text.len()
                    );
                    if stream.write_all(reply.as_bytes()).is_err() {
                        return;
                    }
                    buf.clear();
                }
            });
        }
    });
    format!("http://{addr}/v2")
}

#[test]
fn export_stops_when_a_server_repeats_its_page_whatever_total_it_claims() {
    let url = hostile_server(|_| {
        r#"{"meta":{"code":200,"type":"Success","message":"Success"},"data":{"page":1,"limit":2,"total":"999999999999","items":[{"id":"a","tracking_number":"A1","carrier_code":"ups","status":"pending"},{"id":"b","tracking_number":"B1","carrier_code":"ups","status":"pending"}]}}"#.to_owned()
    });
    let out = tm()
        .args([
            "--base-url",
            &url,
            "--api-key",
            "hostile-key-123",
            "export",
            "--page-size",
            "2",
        ])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 3, "{text}");
}

#[test]
fn a_key_echoed_by_the_server_is_never_printed_or_stored() {
    const ECHOED: &str = "echoed-secret-key-4242";
    let url = hostile_server(|path| {
        if path.contains("/trackings/batch") {
            format!(
                r#"{{"meta":{{"code":201,"type":"Success","message":"ok"}},"data":{{"submitted":1,"added":0,"trackings":[],"errors":[{{"tracking_number":"K0000001","carrier_code":"usps","code":4015,"message":"key {ECHOED} may not do this"}}]}}}}"#
            )
        } else {
            format!(
                r#"{{"meta":{{"code":4001,"type":"Unauthorized","message":"bad key {ECHOED}"}},"data":[]}}"#
            )
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("k.csv");
    std::fs::write(&file, "tracking_number,carrier_code\nK0000001,usps\n").unwrap();
    let outcomes_path = dir.path().join("out.csv");
    let out = tm()
        .args(["--base-url", &url, "--api-key", ECHOED, "import"])
        .arg(&file)
        .arg("--outcomes")
        .arg(&outcomes_path)
        .output()
        .unwrap();
    let stored = std::fs::read_to_string(&outcomes_path).unwrap();
    assert!(stored.contains("redacted"), "{stored}");
    assert!(!stored.contains(ECHOED), "{stored}");
    assert!(!stderr_of(&out).contains(ECHOED), "{}", stderr_of(&out));
    let out = tm()
        .args([
            "--base-url",
            &url,
            "--api-key",
            ECHOED,
            "get",
            "usps",
            "K0000001",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr_of(&out).contains(ECHOED), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("redacted"), "{}", stderr_of(&out));
}
