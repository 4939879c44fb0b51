//! Record and replay: cassettes of wire exchanges.
//!
//! A cassette is a JSON-lines file, one [`Interaction`] per line: the request as tm-core sent
//! it (method, path, query, headers, body) and the response as it came back (status, headers,
//! body), or the transport error. The API key is never in it: transports add the key below
//! the [`Transport`](crate::Transport) seam, so a recorder above it never sees the key, and
//! credential headers are dropped all the same.
//!
//! - [`RecordingTransport`] wraps any transport and writes every exchange to a cassette.
//! - [`ReplayTransport`] serves a cassette back, in strict order or matched by
//!   method, path, query and body ([`ReplayMode`]).

mod format;
mod record;
mod replay;

pub use format::{
    parse_cassette, read_cassette, CassetteError, Interaction, RecordedBody, RecordedError,
    RecordedRequest, RecordedResponse,
};
pub use record::{CassetteWriter, RecordingTransport};
pub use replay::{ReplayMode, ReplayTransport};

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use async_trait::async_trait;
    use bytes::Bytes;
    use http::{HeaderValue, Method, StatusCode};

    use super::*;
    use crate::transport::{
        Transport, TransportError, TransportErrorKind, WireRequest, WireResponse, API_KEY_HEADER,
    };

    /// Answers `{"echo": <path>}`, or a timeout for `/fail`.
    #[derive(Debug)]
    struct Echo;

    #[async_trait]
    impl Transport for Echo {
        async fn send(&self, r: WireRequest) -> Result<WireResponse, TransportError> {
            if r.path == "/fail" {
                return Err(TransportError::new(TransportErrorKind::Timeout, "slow"));
            }
            let mut resp = WireResponse::new(
                StatusCode::OK,
                serde_json::to_vec(&serde_json::json!({"echo": r.path})).unwrap(),
            );
            resp.headers
                .insert("set-cookie", HeaderValue::from_static("session=abc"));
            resp.headers
                .insert("x-request-id", HeaderValue::from_static("r1"));
            Ok(resp)
        }
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

    fn post(path: &str, body: &str) -> WireRequest {
        let mut r = WireRequest::new(Method::POST, path);
        r.body = Bytes::from(body.to_owned());
        r
    }

    async fn record(requests: Vec<WireRequest>) -> Vec<Interaction> {
        let buf = Buf::default();
        let rec = RecordingTransport::to_writer(Echo, buf.clone());
        for r in requests {
            let _ = rec.send(r).await;
        }
        let bytes = buf.0.lock().unwrap().clone();
        parse_cassette(&bytes[..]).unwrap()
    }

    #[tokio::test]
    async fn records_bodies_and_errors_but_no_credentials() {
        let mut with_key = post("/trackings/post", r#"{"tracking_number": "A1"}"#);
        with_key
            .headers
            .insert(API_KEY_HEADER, HeaderValue::from_static("SECRET-KEY"));
        with_key
            .headers
            .insert("lang", HeaderValue::from_static("en"));
        let mut get = WireRequest::new(Method::GET, "/trackings/get");
        get.query.push(("page".into(), "2".into()));
        let cassette = record(vec![with_key, get, WireRequest::new(Method::GET, "/fail")]).await;
        assert_eq!(cassette.len(), 3);
        let text = serde_json::to_string(&cassette).unwrap();
        assert!(
            !text.contains("SECRET-KEY") && !text.contains("session=abc"),
            "{text}"
        );
        let first = &cassette[0];
        assert_eq!(
            first.request.body.body,
            Some(serde_json::json!({"tracking_number": "A1"}))
        );
        assert_eq!(
            first.request.headers.get("lang").map(String::as_str),
            Some("en")
        );
        let resp = first.response.as_ref().unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(
            resp.headers.get("x-request-id").map(String::as_str),
            Some("r1")
        );
        assert_eq!(cassette[1].request.describe(), "GET /trackings/get?page=2");
        let err = cassette[2].error.as_ref().unwrap();
        assert_eq!(
            (err.kind.as_str(), err.message.as_str()),
            ("timeout", "slow")
        );
    }

    #[tokio::test]
    async fn replays_in_strict_order_and_refuses_what_differs() {
        let a = post("/a", r#"{"x": 1}"#);
        let b = post("/b", "not json");
        let cassette = record(vec![
            a.clone(),
            b.clone(),
            WireRequest::new(Method::GET, "/fail"),
        ])
        .await;
        let replay = ReplayTransport::new(cassette.clone(), ReplayMode::Strict);
        // Same JSON, other spacing: still the same request.
        let r = replay.send(post("/a", r#"{ "x" : 1 }"#)).await.unwrap();
        assert_eq!(&r.body[..], br#"{"echo":"/a"}"#);
        let e = replay.send(post("/b", "other")).await.unwrap_err();
        assert_eq!(e.kind, TransportErrorKind::Request);
        assert!(e.message.contains("bodies differ"), "{}", e.message);
        replay.send(b.clone()).await.unwrap();
        let e = replay
            .send(WireRequest::new(Method::GET, "/fail"))
            .await
            .unwrap_err();
        assert_eq!(e.kind, TransportErrorKind::Timeout);
        let e = replay.send(a.clone()).await.unwrap_err();
        assert!(e.message.contains("exhausted"), "{}", e.message);

        // Match mode: any order, each interaction once.
        let replay = ReplayTransport::new(cassette, ReplayMode::Match);
        replay.send(b.clone()).await.unwrap();
        replay.send(a.clone()).await.unwrap();
        assert_eq!(replay.remaining(), 1);
        let e = replay.send(a).await.unwrap_err();
        assert!(e.message.contains("no unused"), "{}", e.message);
    }

    #[test]
    fn bad_cassette_lines_are_reported_with_their_number() {
        let text = "\n{\"seq\":1,\"request\":{\"method\":\"GET\",\"path\":\"/x\"},\"response\":{\"status\":200}}\nnot json\n";
        let e = parse_cassette(text.as_bytes()).unwrap_err();
        assert_eq!(e.line, 3);
        let e =
            parse_cassette(&b"{\"seq\":1,\"request\":{\"method\":\"GET\",\"path\":\"/x\"}}"[..])
                .unwrap_err();
        assert!(e.message.contains("response"), "{e}");
        assert!(read_cassette("/nonexistent/cassette.jsonl").is_err());
    }
}
