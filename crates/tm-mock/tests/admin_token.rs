//! The admin token: with one, every `/_mock/*` request needs
//! `Authorization: Bearer TOKEN` (else 401 with an envelope); without one the
//! server only listens on loopback. The API itself and the Rust API are
//! unaffected.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use tm_mock::{serve_with, ServeError, ServeOptions, SimConfig, Simulator};

mod common;

const TOKEN: &str = "s3cret-admin-token";

/// One request over a fresh connection: (status, headers, JSON body).
fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (
        status,
        head.to_owned(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

fn bearer(t: &str) -> String {
    format!("Bearer {t}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_routes_need_the_token_and_the_api_does_not() {
    let sim = Simulator::new(SimConfig {
        keys: Some(vec!["k1".into()]),
        ..SimConfig::default()
    });
    let handle = serve_with(
        sim.clone(),
        "127.0.0.1:0".parse().unwrap(),
        ServeOptions::default().admin_token(TOKEN),
    )
    .await
    .unwrap();
    let addr = handle.addr().to_string();
    tokio::task::spawn_blocking(move || {
        let good = bearer(TOKEN);
        let wrong = bearer("s3cret-admin-tokem");
        let short = bearer("s3cret");
        // Every admin route, every spelling of the path, refuses without the token.
        for (method, path, body) in [
            ("GET", "/_mock/clock", ""),
            ("POST", "/_mock/clock", r#"{"advance_seconds": 60}"#),
            ("GET", "/v2/_mock/journal", ""),
            ("DELETE", "/_mock/journal", ""),
            ("GET", "/_mock/faults", ""),
            ("POST", "/_mock/faults", r#"{"rules": [{"kind": "drop"}]}"#),
            ("DELETE", "/_mock/faults", ""),
            ("POST", "/_mock/reset", ""),
            ("POST", "/_mock/rate-limits", r#"{"enabled": true}"#),
            (
                "POST",
                "/_mock/accounts",
                r#"{"key": "intruder-key", "credits": 1e15}"#,
            ),
            ("GET", "/V2/%5Fmock/clock", ""),
            ("GET", "/_mock/nope", ""),
        ] {
            for auth in [
                None,
                Some(wrong.as_str()),
                Some(short.as_str()),
                Some(TOKEN),
                Some("Basic czNjcmV0"),
            ] {
                let headers: Vec<(&str, &str)> =
                    auth.map(|a| ("Authorization", a)).into_iter().collect();
                let (status, head, v) = request(&addr, method, path, &headers, body);
                assert_eq!(status, 401, "{method} {path} {auth:?}");
                assert_eq!(v["meta"]["code"], 401, "{v}");
                assert!(v["meta"]["message"].as_str().unwrap().contains("Bearer"));
                assert!(
                    head.to_ascii_lowercase()
                        .contains("www-authenticate: bearer"),
                    "{head}"
                );
            }
        }
        // Nothing above was applied: the intruder key is still unknown, the clock did not move.
        let (_, _, v) = request(
            &addr,
            "GET",
            "/v2/trackings/getuserinfo",
            &[("Trackingmore-Api-Key", "intruder-key")],
            "",
        );
        assert_eq!(v["meta"]["code"], 4001);
        assert!(sim.faults().rules.is_empty());
        assert_eq!(sim.now().timestamp(), tm_mock::DEFAULT_START);
        // With the token (either scheme case), admin works.
        for auth in [good.clone(), format!("bearer {TOKEN}")] {
            let (status, _, v) = request(
                &addr,
                "GET",
                "/_mock/clock",
                &[("Authorization", &auth)],
                "",
            );
            assert_eq!(
                (status, v["meta"]["code"].as_i64()),
                (200, Some(200)),
                "{v}"
            );
        }
        let (status, _, v) = request(
            &addr,
            "POST",
            "/v2/_mock/clock",
            &[("Authorization", &good)],
            r#"{"advance_seconds": 60}"#,
        );
        assert_eq!(
            (status, v["data"]["unix"].as_i64()),
            (200, Some(tm_mock::DEFAULT_START + 60))
        );
        // The API itself needs no admin token.
        let (status, _, v) = request(
            &addr,
            "GET",
            "/v2/trackings/getuserinfo",
            &[("Trackingmore-Api-Key", "k1")],
            "",
        );
        assert_eq!(
            (status, v["meta"]["code"].as_i64()),
            (200, Some(200)),
            "{v}"
        );
        // The Rust API keeps working.
        sim.advance(Duration::from_secs(60));
        assert_eq!(sim.now().timestamp(), tm_mock::DEFAULT_START + 120);
        // Admin calls are not journaled, refused or not.
        assert!(sim.journal().iter().all(|e| !e.path.contains("mock")));
    })
    .await
    .unwrap();
    handle.shutdown().await;
}

#[tokio::test]
async fn an_open_admin_api_is_refused_off_loopback() {
    for addr in ["0.0.0.0:0", "[::]:0", "192.0.2.1:0"] {
        let addr: SocketAddr = addr.parse().unwrap();
        let e = serve_with(Simulator::default(), addr, ServeOptions::default())
            .await
            .unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("not a loopback address"), "{e}");
        assert_eq!(
            ServeOptions::default().check(addr),
            Err(ServeError::OpenAdminOnNetwork(addr))
        );
        // With a token it is allowed (checked without binding).
        assert_eq!(
            ServeOptions::default().admin_token(TOKEN).check(addr),
            Ok(())
        );
    }
    let e = tm_mock::serve(Simulator::default(), "0.0.0.0:0".parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    for bad in ["", "has space", "tab\t"] {
        assert_eq!(
            ServeOptions::default()
                .admin_token(bad)
                .check("127.0.0.1:0".parse().unwrap()),
            Err(ServeError::BadAdminToken)
        );
    }
    // The token never shows in Debug.
    let dbg = format!("{:?}", ServeOptions::default().admin_token(TOKEN));
    assert!(!dbg.contains(TOKEN), "{dbg}");
}

#[test]
fn the_binary_refuses_an_open_admin_api_off_loopback_with_status_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_tm-mock"))
        .args(["serve", "--addr", "0.0.0.0:0"])
        .env_remove("TM_MOCK_ADMIN_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not a loopback address") && err.contains("--admin-token"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let help = Command::new(env!("CARGO_BIN_EXE_tm-mock"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("WARNING") && help.contains("--admin-token"),
        "{help}"
    );
}

#[test]
fn the_binary_takes_the_token_from_the_environment() {
    let mut served = common::serve(
        Command::new(env!("CARGO_BIN_EXE_tm-mock"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("TM_MOCK_ADMIN_TOKEN", TOKEN),
    );
    let hostport = served.host_port().to_owned();
    let (status, _, _) = request(&hostport, "POST", "/_mock/reset", &[], "");
    assert_eq!(status, 401);
    let (status, _, v) = request(
        &hostport,
        "POST",
        "/_mock/reset",
        &[("Authorization", &bearer(TOKEN))],
        "",
    );
    assert_eq!((status, v["meta"]["code"].as_i64()), (200, Some(200)));
    served.child.kill().unwrap();
    served.child.wait().unwrap();
}
