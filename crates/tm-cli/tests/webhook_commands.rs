//! `tm webhook verify` and `tm webhook listen` on loopback.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::tm;
use predicates::prelude::*;
use serde_json::json;
use tm_core::webhook;

const EMAIL: &str = "shop@example.com";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

fn tracking(number: &str) -> serde_json::Value {
    json!({
        "tracking_number": number,
        "carrier_code": "china-post",
        "status": "transit",
        "substatus": "transit001",
        "lastEvent": "Departed from sorting center",
    })
}

fn body_file(dir: &tempfile::TempDir, body: &[u8]) -> String {
    let p = dir.path().join("delivery.json");
    std::fs::write(&p, body).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn verify_accepts_a_valid_delivery_from_a_file_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let body = webhook::signed_body(&tracking("RR123456789CN"), EMAIL, now());
    let file = body_file(&dir, &body);
    tm().args(["webhook", "verify", "--email", EMAIL, &file])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "china-post  RR123456789CN  transit  transit001",
        ));
    let out = tm()
        .args([
            "-o",
            "json",
            "webhook",
            "verify",
            "--email",
            "old@example.com",
            "--email",
            EMAIL,
            "-",
        ])
        .write_stdin(body)
        .output()
        .unwrap();
    assert!(out.status.success());
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["tracking_number"], "RR123456789CN");
    assert_eq!(line["last_event"], "Departed from sorting center");
}

#[test]
fn verify_refuses_with_the_reason_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let forged = webhook::signed_body(&tracking("RR1"), "guess@example.com", now());
    tm().args([
        "webhook",
        "verify",
        "--email",
        EMAIL,
        &body_file(&dir, &forged),
    ])
    .assert()
    .code(1)
    .stdout("")
    .stderr(predicate::str::contains("bad_signature"));
    tm().args(["webhook", "verify", "--email", EMAIL, "-"])
        .write_stdin("not json")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("malformed_body"));
    let no_info = serde_json::to_vec(&json!({"data": tracking("RR1")})).unwrap();
    tm().args(["webhook", "verify", "--email", EMAIL, "-"])
        .write_stdin(no_info)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("missing_verify_info"));
}

#[test]
fn verify_checks_time_unless_tolerance_is_zero() {
    let dir = tempfile::tempdir().unwrap();
    let old = webhook::signed_body(&tracking("RR1"), EMAIL, 1_488_249_109);
    let file = body_file(&dir, &old);
    tm().args(["webhook", "verify", "--email", EMAIL, &file])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("stale"));
    tm().args([
        "webhook",
        "verify",
        "--email",
        EMAIL,
        "--tolerance",
        "0",
        &file,
    ])
    .assert()
    .success();
    tm().args([
        "webhook",
        "verify",
        "--email",
        EMAIL,
        "--now",
        "1488249000",
        &file,
    ])
    .assert()
    .success();
    tm().args([
        "webhook",
        "verify",
        "--email",
        EMAIL,
        "--now",
        "1488248000",
        &file,
    ])
    .assert()
    .code(1)
    .stderr(predicate::str::contains("future"));
}

#[test]
fn verify_needs_an_email() {
    tm().args(["webhook", "verify", "-"]).assert().code(2);
}

/// A receiver on loopback that records each request body and answers 200.
fn recording_receiver() -> (String, mpsc::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap();
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let _ = tx.send(body);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (url, rx)
}

struct Listen {
    child: Child,
    url: String,
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn listen(extra: &[&str]) -> Listen {
    listen_with_email(EMAIL, extra)
}

fn listen_with_email(email: &str, extra: &[&str]) -> Listen {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tm"))
        .args([
            "-o",
            "json",
            "webhook",
            "listen",
            "--addr",
            "127.0.0.1:0",
            "--email",
            email,
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    err.read_line(&mut first).unwrap();
    let url = first
        .trim()
        .strip_prefix("tm: listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
        .to_owned();
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        let _ = err.read_to_string(&mut sink);
    });
    Listen { child, url }
}

fn post(url: &str, body: Vec<u8>) -> (u16, String) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let resp = reqwest::Client::new()
            .post(url)
            .body(body)
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    })
}

#[test]
fn listen_verifies_prints_and_forwards_byte_for_byte() {
    let (forward, received) = recording_receiver();
    let mut l = listen(&["--forward-to", &forward, "--max-events", "2"]);
    // Unusual but valid JSON formatting: forwarding must not re-serialize it.
    let t = now();
    let body = format!(
        "{{ \"data\" : {},\n  \"verifyInfo\": {{\"timeStr\": \"{t}\", \"signature\": \"{}\"}} }}",
        tracking("RR000000001CN"),
        webhook::sign(EMAIL, t)
    )
    .into_bytes();
    assert_eq!(post(&l.url, body.clone()).0, 200);
    assert_eq!(
        received.recv_timeout(Duration::from_secs(10)).unwrap(),
        body
    );

    let forged = webhook::signed_body(&tracking("RR000000002CN"), "x@example.com", t);
    let (status, text) = post(&l.url, forged);
    assert_eq!(status, 400);
    assert!(text.contains("bad_signature"), "{text}");
    assert!(
        received.recv_timeout(Duration::from_millis(300)).is_err(),
        "forged body forwarded"
    );

    let second = webhook::signed_body(&tracking("RR000000003CN"), EMAIL, t);
    assert_eq!(post(&l.url, second.clone()).0, 200);
    assert_eq!(
        received.recv_timeout(Duration::from_secs(10)).unwrap(),
        second
    );

    // --max-events 2: it exits by itself after the second verified event.
    let status = l.child.wait().unwrap();
    assert!(status.success());
    let mut out = String::new();
    l.child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[0]["tracking_number"], "RR000000001CN");
    assert_eq!(lines[1]["tracking_number"], "RR000000003CN");
    assert_eq!(lines[1]["status"], "transit");
}

#[test]
fn listen_answers_502_when_the_forward_target_is_down() {
    // A port that was just free: nothing listens there.
    let dead = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", l.local_addr().unwrap())
    };
    let l = listen(&["--forward-to", &dead]);
    let body = webhook::signed_body(&tracking("RR1"), EMAIL, now());
    let (status, text) = post(&l.url, body);
    assert_eq!(status, 502, "{text}");
    // Only POST is a delivery.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let got = rt.block_on(async { reqwest::get(&l.url).await.unwrap().status().as_u16() });
    assert_eq!(got, 405);
}

#[test]
fn listen_receives_from_tm_mock_serve_and_forwards() {
    let server = common::Server::open();
    let (forward, received) = recording_receiver();
    let base = server.url.clone();
    let l = listen(&["--forward-to", &forward, "--mock-clock", &base]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (email, log) = rt.block_on(async {
        let http = reqwest::Client::new();
        let call = |method: reqwest::Method, path: &str, body: Option<serde_json::Value>| {
            let mut rb = http
                .request(method, format!("{base}{path}"))
                .header("Trackingmore-Api-Key", "listen-test-key");
            if let Some(b) = body {
                rb = rb
                    .header("content-type", "application/json")
                    .body(b.to_string());
            }
            async move {
                let bytes = rb.send().await.unwrap().bytes().await.unwrap();
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
            }
        };
        let email = call(reqwest::Method::GET, "/trackings/getuserinfo", None).await["data"]
            ["email"]
            .as_str()
            .unwrap()
            .to_owned();
        let v = call(
            reqwest::Method::POST,
            "/_mock/webhooks",
            Some(json!({"url": l.url})),
        )
        .await;
        assert_eq!(v["meta"]["code"], 200, "{v}");
        call(
            reqwest::Method::POST,
            "/trackings/post",
            Some(json!({"tracking_number": "9400111899223197428490", "carrier_code": "usps"})),
        )
        .await;
        call(
            reqwest::Method::POST,
            "/_mock/clock",
            Some(json!({"advance_seconds": 20 * 86_400})),
        )
        .await;
        let log = call(reqwest::Method::GET, "/_mock/webhooks/deliveries", None).await;
        (email, log)
    });
    // This listener was started with another e-mail than the account's (getuserinfo), so
    // every delivery is refused with 400 and nothing is forwarded.
    let log = log["data"].as_array().unwrap().clone();
    assert!(!log.is_empty());
    assert!(log.iter().all(|r| r["http_status"] == 400), "{log:?}");
    assert!(received.recv_timeout(Duration::from_millis(200)).is_err());
    drop(l);

    // With the account's e-mail: all delivered (verified strictly against the simulated
    // clock), forwarded byte-for-byte, in order.
    let l = listen_with_email(&email, &["--forward-to", &forward, "--mock-clock", &base]);
    let log = rt.block_on(async {
        let http = reqwest::Client::new();
        let post = |path: &str, body: serde_json::Value| {
            http.post(format!("{base}{path}"))
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
        };
        let added = post("/_mock/webhooks", json!({"url": l.url}))
            .await
            .unwrap();
        assert!(added.text().await.unwrap().contains("\"code\":200"));
        let created = http
            .post(format!("{base}/trackings/post"))
            .header("Trackingmore-Api-Key", "listen-test-key")
            .header("content-type", "application/json")
            .body(
                json!({"tracking_number": "1Z999AA10123456784", "carrier_code": "ups"}).to_string(),
            )
            .send()
            .await
            .unwrap();
        assert!(created.text().await.unwrap().contains("\"code\":200"));
        post("/_mock/clock", json!({"advance_seconds": 5 * 86_400}))
            .await
            .unwrap();
        let bytes = http
            .get(format!("{base}/_mock/webhooks/deliveries"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
    });
    let to_listener: Vec<&serde_json::Value> = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["url"] == l.url.as_str() && r["http_status"] == 200)
        .collect();
    // The old endpoint (wrong e-mail) keeps retrying its events; the new one gets new events.
    let mut forwarded = Vec::new();
    while let Ok(b) = received.recv_timeout(Duration::from_millis(500)) {
        forwarded.push(b);
    }
    assert!(
        !forwarded.is_empty(),
        "{:?}",
        log["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["endpoint_id"] != 1)
            .collect::<Vec<_>>()
    );
    assert_eq!(forwarded.len(), to_listener.len());
    for body in &forwarded {
        webhook::verify(body, &[&email], 0, webhook::Tolerance::Unchecked).unwrap();
    }
}
