//! The binary prints its URL first and exits cleanly on SIGTERM.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

mod common;

fn get(url: &str, path: &str, key: &str) -> String {
    let hostport = url.trim_start_matches("http://").trim_end_matches("/v2");
    let mut s = TcpStream::connect(hostport).unwrap();
    write!(s, "GET /v2{path} HTTP/1.1\r\nHost: x\r\nTrackingmore-Api-Key: {key}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn binary_serves_and_stops_on_sigterm() {
    let mut served = common::serve(Command::new(env!("CARGO_BIN_EXE_tm-mock")).args([
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--key",
        "k1",
        "--credits",
        "5",
        "--seed",
        "3",
        "--rate-limits",
        "off",
    ]));
    let url = served.url.as_str();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/v2"),
        "{url}"
    );
    let ok = get(url, "/trackings/getuserinfo", "k1");
    assert!(ok.contains("\"track_number\":5"), "{ok}");
    let bad = get(url, "/trackings/getuserinfo", "k2");
    assert!(bad.contains("4001"));
    let pid = served.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = served.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}
