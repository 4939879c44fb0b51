//! Test servers on 127.0.0.1 port 0: a hyper 1 server with a handler, and raw
//! TCP servers that misbehave (never answer, cut the body short).

#![allow(dead_code, unreachable_pub)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server received.
#[derive(Debug, Clone)]
pub struct Captured {
    pub method: Method,
    /// Path and query as sent, e.g. `/v2/trackings/get?page=2`.
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A running hyper server; stops when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    pub requests: Arc<Mutex<Vec<Captured>>>,
    pub connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// `http://127.0.0.1:<port>/v2`
    pub fn base_url(&self) -> String {
        format!("http://{}/v2", self.addr)
    }

    pub fn requests(&self) -> Vec<Captured> {
        self.requests.lock().unwrap().clone()
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves every request with `handler`, recording what came in.
pub async fn serve<F>(handler: F) -> TestServer
where
    F: Fn(&Captured) -> Response<Full<Bytes>> + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let handler = Arc::new(handler);
    let (reqs, conns) = (requests.clone(), connections.clone());
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            conns.fetch_add(1, Ordering::SeqCst);
            let (handler, reqs) = (handler.clone(), reqs.clone());
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<Incoming>| {
                    let (handler, reqs) = (handler.clone(), reqs.clone());
                    async move {
                        let (parts, body) = req.into_parts();
                        let body = body.collect().await.unwrap().to_bytes();
                        let captured = Captured {
                            method: parts.method,
                            path_and_query: parts
                                .uri
                                .path_and_query()
                                .map(|p| p.as_str().to_owned())
                                .unwrap_or_default(),
                            headers: parts.headers,
                            body,
                        };
                        let response = handler(&captured);
                        reqs.lock().unwrap().push(captured);
                        Ok::<_, Infallible>(response)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    TestServer {
        addr,
        requests,
        connections,
        task,
    }
}

/// A response with `status`, JSON content type, and `body`.
pub fn json(status: u16, body: &str) -> Response<Full<Bytes>> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_owned())))
        .unwrap()
}

/// A v2 error envelope.
pub fn envelope_error(code: i64, type_: &str, message: &str) -> String {
    format!(r#"{{"meta":{{"code":{code},"type":"{type_}","message":"{message}"}},"data":[]}}"#)
}

/// A raw TCP server for misbehaviour; stops when dropped.
pub struct RawServer {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl RawServer {
    pub fn base_url(&self) -> String {
        format!("http://{}/v2", self.addr)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Accepts connections and never answers (keeps them open).
pub async fn silent_server() -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut held: Vec<TcpStream> = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    RawServer { addr, task }
}

/// Reads the request head, announces `Content-Length: 100`, sends 10 bytes and
/// closes the connection.
pub async fn truncating_server() -> RawServer {
    cut_body_server(false).await
}

/// Like [`truncating_server`] but keeps the connection open after the 10 bytes.
pub async fn stalling_body_server() -> RawServer {
    cut_body_server(true).await
}

async fn cut_body_server(stall: bool) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(b"{\"meta\":{\"").await;
                let _ = stream.flush().await;
                if stall {
                    tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                }
                let _ = stream.shutdown().await;
            });
        }
    });
    RawServer { addr, task }
}

/// A port nothing listens on (bound, then released).
pub async fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}
