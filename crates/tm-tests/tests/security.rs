//! Security: the API key never shows in `Debug`/`Display`, errors, the
//! simulator journal or tracing output; CR/LF keys are refused; keys are
//! isolated; bodies over 1 MiB are refused over HTTP; HTTPS is the default.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::stream;
use http::Method;
use serde_json::Value;
use tm_core::batch::{BatchOptions, Outcome};
use tm_core::clock::ManualClock;
use tm_core::endpoints::trackings::{
    BatchDeleteTrackings, ChangeCarrier, CreateTracking, DeleteTracking, GetStatusCounts,
    GetTracking, GetUserInfo, ListTrackings, StopUpdating, UpdateTracking,
};
use tm_core::models::{ListFilter, NewTracking, TrackingRef, TrackingUpdate};
use tm_core::{ApiKey, Client, RetryPolicy, Transport, TransportErrorKind, WireRequest};
use tm_http::{BuildError, HttpTransport};
use tm_mock::{FaultConfig, FaultKind, FaultRule, SimConfig, Simulator, MAX_BODY};
use tm_tests::{http_transport, key, loopback, plain_client, Front, Harness, RawCall};

/// A key distinctive enough that any leak is found by substring search.
const SECRET: &str = "sk-SECRET-7f3a9c-never-print";
/// A fragment of it (catches partial leaks).
const FRAGMENT: &str = "7f3a9c";
const OTHER: &str = "sk-other-key-b41d";

fn assert_clean(what: &str, text: &str) {
    assert!(
        !text.contains(SECRET) && !text.contains(FRAGMENT),
        "{what} leaks the key: {text}"
    );
}

fn assert_debug_display_clean<T: std::fmt::Debug + std::fmt::Display>(what: &str, v: &T) {
    assert_clean(&format!("{what} (Debug)"), &format!("{v:?}"));
    assert_clean(&format!("{what} (Debug, alternate)"), &format!("{v:#?}"));
    assert_clean(&format!("{what} (Display)"), &format!("{v}"));
}

/// A loopback address where nothing listens (connections are refused).
async fn refused_addr() -> std::net::SocketAddr {
    let l = tokio::net::TcpListener::bind(loopback()).await.unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    addr
}

#[tokio::test]
async fn key_never_in_debug_or_display() {
    let k = key(SECRET);
    assert_debug_display_clean("ApiKey", &k);
    assert_eq!(k.expose(), SECRET);

    let config = SimConfig {
        keys: Some(vec![SECRET.into(), OTHER.into()]),
        ..SimConfig::default()
    };
    assert_clean("SimConfig", &format!("{config:?} {config:#?}"));
    let sim = Simulator::new(config);
    assert_clean("Simulator", &format!("{sim:?}"));

    let mock = sim.transport(k.clone());
    assert_clean("MockTransport", &format!("{mock:?} {mock:#?}"));
    let client = plain_client(Arc::new(mock));
    assert_clean(
        "Client over MockTransport",
        &format!("{client:?} {client:#?}"),
    );

    let builder = HttpTransport::builder(SECRET).base_url("http://127.0.0.1:9/v2");
    assert_clean("HttpTransportBuilder", &format!("{builder:?}"));
    let http = builder.build().unwrap();
    assert_clean("HttpTransport", &format!("{http:?} {http:#?}"));
    let client = plain_client(Arc::new(http.clone()));
    assert_clean("Client over HttpTransport", &format!("{client:?}"));

    // Errors: an API error answered to this key, and transport errors.
    sim.set_account(SECRET, None, Some(true));
    let e = Client::new(sim.transport(k.clone()))
        .execute(&GetUserInfo::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(4002));
    assert_debug_display_clean("ApiError", &e);

    let addr = refused_addr().await;
    let refused = http_transport(&format!("http://{addr}/v2"), SECRET, Duration::from_secs(5));
    let t = refused
        .send(WireRequest::new(Method::GET, "/trackings/getuserinfo"))
        .await
        .unwrap_err();
    assert_eq!(t.kind, TransportErrorKind::Connect, "{t:?}");
    assert_debug_display_clean("TransportError", &t);
    let e = plain_client(Arc::new(refused))
        .execute(&GetUserInfo::new())
        .await
        .unwrap_err();
    assert_debug_display_clean("Error::Transport", &e);

    // A key that cannot travel in a header: the build error does not echo it.
    let bad = format!("{SECRET}\r\nX-Injected: 1");
    let err = HttpTransport::new(bad.as_str()).unwrap_err();
    assert_debug_display_clean("BuildError", &err);
}

#[tokio::test]
async fn cr_lf_keys_are_refused() {
    for bad in [
        "abc\r\nX-Injected: 1",
        "abc\nX-Injected: 1",
        "abc\rX-Injected: 1",
        "abc\r\n",
        "\nabc",
    ] {
        let e = ApiKey::new(bad).unwrap_err();
        assert_eq!(e.field(), "api_key", "{bad:?}");
        assert!(!e.to_string().contains("Injected"), "{e}");
        assert!(
            matches!(HttpTransport::new(bad), Err(BuildError::InvalidApiKey(_))),
            "{bad:?}"
        );
        assert!(
            matches!(
                HttpTransport::builder(bad.to_string()).build(),
                Err(BuildError::InvalidApiKey(_))
            ),
            "{bad:?}"
        );
        assert!(bad.parse::<ApiKey>().is_err());
    }
    assert!(HttpTransport::new("plain-key-123").is_ok());
}

#[tokio::test]
async fn journal_never_holds_the_key() {
    let h = Harness::start(Front::Http, SimConfig::default()).await;
    let c = h.client(SECRET);
    c.execute(&CreateTracking::new(NewTracking::new("ups", "1Z97X17XYW06605211")).unwrap())
        .await
        .unwrap();
    c.execute(&GetUserInfo::new()).await.unwrap();
    let _ = c
        .execute(&GetTracking::new("ups", "1Z0000000000000000").unwrap())
        .await;
    let journal = h.sim().journal();
    assert_eq!(journal.len(), 3);
    assert!(journal.iter().all(|e| e.account.is_some()));
    assert_clean("journal (Debug)", &format!("{journal:?}"));
    assert_clean("journal (JSON)", &serde_json::to_string(&journal).unwrap());
    assert_clean("snapshot", &String::from_utf8_lossy(&h.sim().snapshot()));

    // The same over HTTP, as a test written in any language would read it.
    let url = format!("{}/_mock/journal", h.url().unwrap());
    let resp = tm_http::reqwest::get(&url).await.unwrap();
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.unwrap();
    assert_clean("GET /_mock/journal", &text);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["data"].as_array().map(Vec::len), Some(3), "{v}");
    h.shutdown().await;
}

/// Captures formatted tracing events.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl io::Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn key_never_in_tracing_output() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // Current-thread runtime: everything below runs on this thread.
    let _guard = tracing::subscriber::set_default(subscriber);

    let retrying = |t: Arc<dyn Transport>| {
        Client::builder_arc(t)
            .retry(RetryPolicy {
                max_attempts: 3,
                ..RetryPolicy::default()
            })
            .rate_limits(None)
            .clock(Arc::new(ManualClock::new()))
            .build()
    };
    // In-process, every call answered 503 with Retry-After.
    let sim = Simulator::new(SimConfig::default());
    sim.set_faults(FaultConfig::new().rule(FaultRule::new(FaultKind::Http503).retry_after(1)));
    let e = retrying(Arc::new(sim.transport(key(SECRET))))
        .execute(&GetUserInfo::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(503));
    assert_eq!(sim.journal().len(), 3);
    // Over HTTP: a 503 storm, then a refused connection.
    let h = Harness::start(Front::Http, SimConfig::default()).await;
    h.sim()
        .set_faults(FaultConfig::new().rule(FaultRule::new(FaultKind::Http503).retry_after(0)));
    let e = retrying(h.transport(SECRET))
        .execute(&GetUserInfo::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(503));
    h.shutdown().await;
    let addr = refused_addr().await;
    let e = retrying(Arc::new(http_transport(
        &format!("http://{addr}/v2"),
        SECRET,
        Duration::from_secs(5),
    )))
    .execute(&GetUserInfo::new())
    .await
    .unwrap_err();
    assert!(matches!(e, tm_core::Error::Transport(_)), "{e:?}");

    let text = buffer.text();
    assert!(text.contains("tm: sending"), "{text}");
    assert!(text.contains("tm: retrying"), "{text}");
    assert!(text.contains("tm: giving up"), "{text}");
    assert!(text.matches("tm: giving up").count() >= 3, "{text}");
    assert!(text.contains("/trackings/getuserinfo"), "{text}");
    assert_clean("tracing output", &text);
}

/// Key A's tracking, and what key B can do to it: nothing.
async fn isolation(front: Front) {
    let h = Harness::start(front, SimConfig::default()).await;
    let a = h.client(SECRET);
    let b = h.client(OTHER);
    let (carrier, number) = ("ups", "1Z97X17XYW06605211");
    let mut mine = NewTracking::new(carrier, number);
    mine.title = Some("A's parcel".into());
    mine.order_id = Some("A-ORDER".into());
    a.execute(&CreateTracking::new(mine).unwrap())
        .await
        .unwrap();
    let key_ref = TrackingRef::new(carrier, number);

    fn code<T>(r: Result<T, tm_core::Error>) -> Option<i64> {
        r.map(drop).unwrap_err().code()
    }
    assert_eq!(
        code(b.execute(&GetTracking::new(carrier, number).unwrap()).await),
        Some(4031),
        "[{front:?}] read"
    );
    let page = b.execute(&ListTrackings::new()).await.unwrap();
    assert_eq!((page.total, page.items.len()), (0, 0), "[{front:?}] list");
    for filter in [
        ListFilter {
            numbers: vec![number.into()],
            ..ListFilter::default()
        },
        ListFilter {
            orders: vec!["A-ORDER".into()],
            ..ListFilter::default()
        },
    ] {
        let page = b
            .execute(&ListTrackings::new().filter(filter).unwrap())
            .await
            .unwrap();
        assert_eq!(page.total, 0, "[{front:?}] filtered list");
    }
    let counts = b.execute(&GetStatusCounts::new()).await.unwrap();
    assert_eq!(counts.total(), 0, "[{front:?}] count");
    let update = TrackingUpdate {
        title: Some("B was here".into()),
        archived: Some(true),
        ..TrackingUpdate::default()
    };
    assert_eq!(
        code(
            b.execute(&UpdateTracking::new(carrier, number, update.clone()).unwrap())
                .await
        ),
        Some(4017),
        "[{front:?}] update"
    );
    assert_eq!(
        code(
            b.execute(&DeleteTracking::new(carrier, number).unwrap())
                .await
        ),
        Some(4017),
        "[{front:?}] delete"
    );
    assert_eq!(
        code(
            b.execute(&ChangeCarrier::new(carrier, number, "fedex").unwrap())
                .await
        ),
        Some(4017),
        "[{front:?}] change carrier"
    );
    let stopped = b
        .execute(&StopUpdating::new(vec![key_ref.clone()]).unwrap())
        .await
        .unwrap();
    assert_eq!((stopped.change, stopped.errors[0].code), (0, 4017));
    let deleted = b
        .execute(&BatchDeleteTrackings::new(vec![key_ref.clone()]).unwrap())
        .await
        .unwrap();
    assert_eq!((deleted.delete, deleted.errors[0].code), (0, 4017));
    let options = BatchOptions::default();
    for report in [
        b.update_many(stream::iter([(key_ref.clone(), update.clone())]), &options)
            .await
            .outcomes
            .into_iter()
            .map(|o| o.outcome)
            .collect::<Vec<_>>(),
        b.stop_updating_many(stream::iter([key_ref.clone()]), &options)
            .await
            .outcomes
            .into_iter()
            .map(|o| o.outcome)
            .collect(),
        b.delete_many(stream::iter([key_ref.clone()]), &options)
            .await
            .outcomes
            .into_iter()
            .map(|o| o.outcome)
            .collect(),
    ] {
        assert!(
            matches!(
                report.as_slice(),
                [Outcome::Failed {
                    code: Some(4017),
                    ..
                }]
            ),
            "[{front:?}] {report:?}"
        );
    }

    // A's tracking is exactly as A left it.
    let t = a
        .execute(&GetTracking::new(carrier, number).unwrap())
        .await
        .unwrap();
    assert_eq!(t.title.as_deref(), Some("A's parcel"));
    assert_eq!(t.archived, Some(false));
    assert_eq!(t.track_update, Some(true));
    assert_eq!(a.execute(&GetStatusCounts::new()).await.unwrap().total(), 1);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_isolated_in_process() {
    isolation(Front::InProcess).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_isolated_over_http() {
    isolation(Front::Http).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_over_1_mib_gets_4012_and_the_server_keeps_serving() {
    let h = Harness::start(Front::Http, SimConfig::default()).await;
    let c = h.client(SECRET);
    for size in [MAX_BODY + 1, 2 * MAX_BODY] {
        let mut body = b"[".to_vec();
        while body.len() < size {
            body.extend_from_slice(
                br#"{"tracking_number":"LZ000000001CN","carrier_code":"china-post"},"#,
            );
        }
        body.truncate(size - 1);
        body.push(b']');
        let e = c
            .execute(&RawCall::new(Method::POST, "/trackings/batch").body(body))
            .await
            .unwrap_err();
        assert_eq!(
            (e.code(), e.as_api().map(|a| a.http_status)),
            (Some(4012), Some(200)),
            "{size} bytes: {e:?}"
        );
        // Still serving, on this client and on a fresh one.
        assert!(c.execute(&GetUserInfo::new()).await.is_ok());
        assert!(h.client(OTHER).execute(&GetUserInfo::new()).await.is_ok());
    }
    // Nothing of the refused bodies was applied.
    assert_eq!(h.sim().tracking_count(), 0);
    h.shutdown().await;
}

#[test]
fn https_is_the_default() {
    assert!(tm_core::DEFAULT_BASE_URL.starts_with("https://"));
    assert_eq!(tm_core::DEFAULT_BASE_URL, "https://api.trackingmore.com/v2");
    let t = HttpTransport::new("plain-key-123").unwrap();
    assert_eq!(t.base_url(), tm_core::DEFAULT_BASE_URL);
    let url = t.url_for(&WireRequest::new(Method::GET, "/trackings/get"));
    assert_eq!(url, "https://api.trackingmore.com/v2/trackings/get");
    assert!(format!("{t:?}").contains("https://"));
}
