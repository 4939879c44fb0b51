//! Connection hygiene: idle and slow connections are closed by the header
//! and idle timeouts, the connection cap queues rather than refuses, and a
//! normal request keeps being answered meanwhile. Timeouts are set short so
//! the tests are fast; the bounds below are generous upper limits, not
//! performance assertions.

use std::net::SocketAddr;
use std::time::Duration;

use tm_mock::{serve_with, ServeOptions, SimConfig, Simulator};

#[cfg(target_os = "linux")]
mod common;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longest any test waits for something that should happen.
const PATIENCE: Duration = Duration::from_secs(10);

async fn server(options: ServeOptions) -> tm_mock::ServerHandle {
    serve_with(
        Simulator::new(SimConfig::default()),
        "127.0.0.1:0".parse().unwrap(),
        options,
    )
    .await
    .unwrap()
}

/// One `GET /v2/trackings/getuserinfo` on a fresh connection: the HTTP status line.
async fn normal_request(addr: SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /v2/trackings/getuserinfo HTTP/1.1\r\nHost: x\r\nTrackingmore-Api-Key: k\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(PATIENCE, s.read_to_end(&mut out))
        .await
        .expect("a normal request is answered")
        .unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    assert!(text.contains("\"code\":200"), "{text}");
    text.lines().next().unwrap_or_default().to_owned()
}

/// Waits until the server closes `s` (EOF or reset), returning how long it took.
async fn closed_within(mut s: TcpStream) -> Duration {
    let start = tokio::time::Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(PATIENCE, s.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return start.elapsed(),
            Ok(Ok(_)) => continue, // a 408 or 431 answer before the close
            Err(_) => panic!("connection still open after {PATIENCE:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_idle_connections_close_within_the_header_timeout_while_requests_answer() {
    let header_timeout = Duration::from_millis(500);
    let h = server(
        ServeOptions::default()
            .header_read_timeout(header_timeout)
            .idle_timeout(Duration::from_secs(60)),
    )
    .await;
    let addr = h.addr();
    let mut idle = Vec::new();
    for _ in 0..200 {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    // Slow ones: headers started, never finished.
    for _ in 0..20 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /v2/carriers HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        idle.push(s);
    }
    // The server answers while they are all open.
    assert_eq!(normal_request(addr).await, "HTTP/1.1 200 OK");
    let waits = futures_join(idle.into_iter().map(closed_within).collect()).await;
    let longest = waits.iter().max().unwrap();
    // Closed by the header timeout (not the 60 s idle timeout), with slack
    // for a loaded machine.
    assert!(*longest < PATIENCE, "{longest:?}");
    assert!(waits.iter().all(|w| *w < Duration::from_secs(9)));
    // And it still answers afterwards.
    assert_eq!(normal_request(addr).await, "HTTP/1.1 200 OK");
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_alive_connections_close_after_the_idle_timeout_but_not_while_used() {
    let h = server(
        ServeOptions::default()
            .header_read_timeout(Duration::from_secs(30))
            .idle_timeout(Duration::from_millis(400)),
    )
    .await;
    let mut s = TcpStream::connect(h.addr()).await.unwrap();
    // Requests 100 ms apart for over two idle timeouts: the connection stays.
    for _ in 0..10 {
        s.write_all(b"GET /v2/carriers HTTP/1.1\r\nHost: x\r\nTrackingmore-Api-Key: k\r\n\r\n")
            .await
            .unwrap();
        read_one_response(&mut s).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Then silence: closed by the idle timeout, long before the 30 s header timeout.
    let waited = closed_within(s).await;
    assert!(waited < Duration::from_secs(9), "{waited:?}");
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_request_body_is_let_go() {
    let h = server(ServeOptions::default().idle_timeout(Duration::from_millis(300))).await;
    let mut s = TcpStream::connect(h.addr()).await.unwrap();
    s.write_all(b"POST /v2/trackings/post HTTP/1.1\r\nHost: x\r\nTrackingmore-Api-Key: k\r\nContent-Length: 100\r\n\r\n{\"tracking")
        .await
        .unwrap();
    let waited = closed_within(s).await;
    assert!(waited < Duration::from_secs(9), "{waited:?}");
    assert_eq!(normal_request(h.addr()).await, "HTTP/1.1 200 OK");
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_cap_queues_new_connections_until_one_closes() {
    let h = server(
        ServeOptions::default()
            .max_connections(10)
            .header_read_timeout(Duration::from_millis(300)),
    )
    .await;
    let mut idle = Vec::new();
    for _ in 0..10 {
        idle.push(TcpStream::connect(h.addr()).await.unwrap());
    }
    // The 11th waits in the backlog, then is served once an idle one is closed.
    assert_eq!(normal_request(h.addr()).await, "HTTP/1.1 200 OK");
    for s in idle {
        closed_within(s).await;
    }
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_headers_are_refused_and_the_server_keeps_answering() {
    let h = server(ServeOptions::default()).await;
    let mut s = TcpStream::connect(h.addr()).await.unwrap();
    let big = "a".repeat(200 << 10);
    let _ = s
        .write_all(
            format!("GET /v2/carriers HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n").as_bytes(),
        )
        .await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(PATIENCE, s.read_to_end(&mut out))
        .await
        .expect("closed");
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 431"),
        "{text}"
    );
    assert_eq!(normal_request(h.addr()).await, "HTTP/1.1 200 OK");
    h.shutdown().await;
}

/// Reads one response with a `Content-Length` body from a kept-alive connection.
async fn read_one_response(s: &mut TcpStream) {
    let mut buf = Vec::new();
    let mut byte = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(PATIENCE, s.read(&mut byte))
            .await
            .expect("response")
            .unwrap();
        assert!(n > 0, "closed mid-response");
        buf.extend_from_slice(&byte[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse().unwrap())
                .unwrap();
            if buf.len() >= end + 4 + len {
                assert!(head.starts_with("http/1.1 200"), "{head}");
                return;
            }
        }
    }
}

/// Runs the futures concurrently and collects their outputs in order.
async fn futures_join<F: std::future::Future<Output = Duration> + Send + 'static>(
    futures: Vec<F>,
) -> Vec<Duration> {
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// Out of file descriptors, the accept loop waits instead of spinning, and
/// answers again once connections are let go. Linux: the binary runs under
/// `ulimit -n 64` and its CPU time is read from /proc.
#[cfg(target_os = "linux")]
#[test]
fn out_of_file_descriptors_the_server_backs_off_and_recovers() {
    use std::io::{Read, Write};
    use std::process::Command;

    fn cpu_ticks(pid: u32) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        // Fields after the command name: utime and stime are the 12th and 13th.
        let rest = &stat[stat.rfind(')').unwrap() + 2..];
        let f: Vec<&str> = rest.split(' ').collect();
        f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
    }

    let bin = env!("CARGO_BIN_EXE_tm-mock");
    let mut served = common::serve(
        Command::new("sh")
            .args([
                "-c",
                &format!("ulimit -n 64 && exec {bin} serve --addr 127.0.0.1:0 --header-timeout 3"),
            ])
            .env_remove("TM_MOCK_ADMIN_TOKEN"),
    );
    let addr = served.host_port().to_owned();
    // More idle connections than the server has descriptors for.
    let idle: Vec<_> = (0..100)
        .map(|_| std::net::TcpStream::connect(&addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let before = cpu_ticks(served.child.id());
    std::thread::sleep(Duration::from_secs(2));
    let spent = cpu_ticks(served.child.id()) - before;
    eprintln!("cpu ticks while exhausted: {spent}");
    // A spinning accept loop burns ~200 ticks (2 s of a core) here; a
    // backing-off one next to nothing (0 measured). The bound is loose.
    assert!(
        spent < 50,
        "{spent} ticks of CPU in 2 s while out of descriptors"
    );
    // Once the idle connections are let go, a normal request is answered.
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    s.write_all(b"GET /v2/carriers HTTP/1.1\r\nHost: x\r\nTrackingmore-Api-Key: k\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out:.200}");
    drop(idle);
    served.child.kill().unwrap();
    served.child.wait().unwrap();
}
