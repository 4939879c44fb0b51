//! Tests of the HTTP server over loopback with a raw TcpStream.

use std::net::SocketAddr;

use serde_json::{json, Value};
use tm_mock::{serve, FaultConfig, FaultKind, FaultRule, SimConfig, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    complete: bool,
}

impl Resp {
    fn header(&self, k: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(&self.body)))
    }
    fn code(&self) -> i64 {
        self.json()["meta"]["code"].as_i64().unwrap()
    }
}

async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: &[u8],
) -> Option<Resp> {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n", body.len());
    if let Some(k) = key {
        head.push_str(&format!("Trackingmore-Api-Key: {k}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    let _ = s.write_all(body).await;
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf).await;
    parse(&buf)
}

fn parse(buf: &[u8]) -> Option<Resp> {
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    let body = buf[split + 4..].to_vec();
    let len: Option<usize> = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok());
    let complete = len.is_none_or(|l| l == body.len());
    Some(Resp {
        status,
        headers,
        body,
        complete,
    })
}

#[tokio::test]
async fn http_endpoints_and_errors() {
    let sim = Simulator::new(SimConfig {
        keys: Some(vec!["k1".into()]),
        ..SimConfig::default()
    });
    let h = serve(sim.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    assert!(h.url().starts_with("http://127.0.0.1:") && h.url().ends_with("/v2"));
    let a = h.addr();
    let r = request(
        a,
        "POST",
        "/v2/trackings/post",
        Some("k1"),
        br#"{"tracking_number":"RN123456789CN","carrier_code":"china-post"}"#,
    )
    .await
    .unwrap();
    assert_eq!((r.status, r.code()), (200, 200));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let r = request(
        a,
        "GET",
        "/v2/trackings/get?page=1&limit=10&numbers=RN123456789CN%2CX",
        Some("k1"),
        b"",
    )
    .await
    .unwrap();
    assert_eq!(r.json()["data"]["total"], "1");
    let r = request(
        a,
        "GET",
        "/v2/trackings/china-post/RN123456789CN/",
        Some("k1"),
        b"",
    )
    .await
    .unwrap();
    assert_eq!(r.json()["data"]["tracking_number"], "RN123456789CN");
    // Auth, 404, 405, malformed, non-UTF-8.
    assert_eq!(
        request(a, "GET", "/v2/trackings/getuserinfo", Some("other"), b"")
            .await
            .unwrap()
            .code(),
        4001
    );
    assert_eq!(
        request(a, "GET", "/v2/trackings/getuserinfo", None, b"")
            .await
            .unwrap()
            .code(),
        4001
    );
    let r = request(a, "GET", "/v2/nothing/here", Some("k1"), b"")
        .await
        .unwrap();
    assert_eq!((r.status, r.code()), (404, 404));
    let r = request(a, "DELETE", "/v2/trackings/batch", Some("k1"), b"")
        .await
        .unwrap();
    assert_eq!((r.status, r.code()), (405, 405));
    assert_eq!(
        request(a, "POST", "/v2/trackings/batch", Some("k1"), b"[{")
            .await
            .unwrap()
            .code(),
        4012
    );
    assert_eq!(
        request(
            a,
            "POST",
            "/v2/trackings/post",
            Some("k1"),
            b"{\"tracking_number\":\"\xc3\x28abcdef\"}"
        )
        .await
        .unwrap()
        .code(),
        4012
    );
    // Admin clock over HTTP.
    let r = request(
        a,
        "POST",
        "/_mock/clock",
        None,
        br#"{"advance_seconds": 86400}"#,
    )
    .await
    .unwrap();
    assert_eq!(r.json()["data"]["unix"], 1_767_600_000 + 86_400);
    let r = request(
        a,
        "GET",
        "/v2/trackings/china-post/RN123456789CN",
        Some("k1"),
        b"",
    )
    .await
    .unwrap();
    assert_ne!(r.json()["data"]["status"], "pending");
    h.shutdown().await;
}

#[tokio::test]
async fn http_body_limit() {
    let sim = Simulator::default();
    let h = serve(sim.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    // Declared too large: refused without reading the body.
    let mut s = TcpStream::connect(h.addr()).await.unwrap();
    s.write_all(b"POST /v2/trackings/batch HTTP/1.1\r\nHost: x\r\nTrackingmore-Api-Key: k\r\nContent-Length: 2000000\r\n\r\n[").await.unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf).await;
    let r = parse(&buf).unwrap();
    assert_eq!((r.status, r.code()), (200, 4012));
    // Chunked body over the limit: capped while streaming.
    let mut s = TcpStream::connect(h.addr()).await.unwrap();
    s.write_all(b"POST /v2/trackings/batch HTTP/1.1\r\nHost: x\r\nTrackingmore-Api-Key: k\r\nTransfer-Encoding: chunked\r\n\r\n").await.unwrap();
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..20 {
        let mut c = format!("{:x}\r\n", chunk.len()).into_bytes();
        c.extend_from_slice(&chunk);
        c.extend_from_slice(b"\r\n");
        if s.write_all(&c).await.is_err() {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf).await;
    let r = parse(&buf).unwrap();
    assert_eq!(r.code(), 4012);
    assert_eq!(sim.tracking_count(), 0);
    h.shutdown().await;
}

#[tokio::test]
async fn http_faults_and_rate_limits() {
    let sim = Simulator::new(SimConfig {
        rate_limits: true,
        ..SimConfig::default()
    });
    let h = serve(sim.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let a = h.addr();
    // 429 with Retry-After.
    assert_eq!(
        request(a, "GET", "/v2/trackings/get", Some("k"), b"")
            .await
            .unwrap()
            .code(),
        200
    );
    let r = request(a, "GET", "/v2/trackings/get", Some("k"), b"")
        .await
        .unwrap();
    assert_eq!((r.status, r.code()), (429, 429));
    assert_eq!(r.header("retry-after"), Some("1"));
    sim.set_rate_limits(false);
    // Dropped connection after applying.
    sim.set_faults(FaultConfig::new().rule(FaultRule::new(FaultKind::Drop).times(1)));
    let r = request(
        a,
        "POST",
        "/v2/trackings/post",
        Some("k"),
        br#"{"tracking_number":"TMDELIV0001","carrier_code":"dhl"}"#,
    )
    .await;
    assert!(r.is_none(), "no response expected");
    assert_eq!(sim.tracking_count(), 1);
    // Truncated body: Content-Length says more than arrives.
    sim.set_faults(FaultConfig::new().rule(FaultRule::new(FaultKind::Truncate).times(1)));
    let r = request(a, "GET", "/v2/trackings/dhl/TMDELIV0001", Some("k"), b"")
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert!(!r.complete);
    assert!(serde_json::from_slice::<Value>(&r.body).is_err());
    // HTML and 503.
    sim.set_faults(
        FaultConfig::new()
            .rule(FaultRule::new(FaultKind::Html).times(1))
            .rule(FaultRule::new(FaultKind::Http503).retry_after(2).times(1)),
    );
    let r = request(a, "GET", "/v2/carriers", Some("k"), b"")
        .await
        .unwrap();
    assert_eq!(
        (r.status, r.header("content-type")),
        (502, Some("text/html"))
    );
    let r = request(a, "GET", "/v2/carriers", Some("k"), b"")
        .await
        .unwrap();
    assert_eq!(
        (r.status, r.code(), r.header("retry-after")),
        (503, 503, Some("2"))
    );
    // Faults via the admin API.
    let r = request(
        a,
        "POST",
        "/_mock/faults",
        None,
        json!({"rules": [{"kind": "http500", "endpoint": "/trackings/get", "times": 1}]})
            .to_string()
            .as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(r.code(), 200);
    assert_eq!(
        request(a, "GET", "/v2/trackings/get", Some("k"), b"")
            .await
            .unwrap()
            .status,
        500
    );
    assert_eq!(
        request(a, "DELETE", "/_mock/faults", None, b"")
            .await
            .unwrap()
            .code(),
        200
    );
    assert_eq!(
        request(a, "GET", "/v2/trackings/get", Some("k"), b"")
            .await
            .unwrap()
            .status,
        200
    );
    let j = request(a, "GET", "/_mock/journal", None, b"")
        .await
        .unwrap()
        .json();
    assert!(j["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["fault"] == "drop"));
    drop(h);
    // After drop the listener closes (eventually refuses).
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(TcpStream::connect(a).await.is_err());
}
