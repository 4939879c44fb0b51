//! Webhook delivery on loopback: a real hyper receiver verifying every delivery with
//! `tm_core::webhook` strictly against the simulated clock.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tm_core::webhook::{self, Tolerance};
use tm_mock::{DeliveryOutcome, SimConfig, Simulator, WebhookFaults};

mod common;

const KEY: &str = "webhook-test-key";
const DAY: u64 = 86_400;

/// What the receiver saw: the raw body, the verified event's tracking number, status and timeStr.
#[derive(Debug, Clone)]
struct Got {
    body: Vec<u8>,
    number: String,
    status: String,
    time_str: i64,
}

#[derive(Default)]
struct ReceiverState {
    /// Statuses to answer next (then 200); 0 = drop the connection without answering.
    script: VecDeque<u16>,
    /// While true, every request is dropped unanswered.
    down: bool,
    got: Vec<Got>,
    refused: Vec<String>,
}

#[derive(Clone)]
struct Receiver {
    url: String,
    state: Arc<Mutex<ReceiverState>>,
}

impl Receiver {
    /// Verifies with `email` against the simulator's clock at the moment of receipt.
    async fn start(sim: Simulator, email: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(ReceiverState::default()));
        let st = Arc::clone(&state);
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (st, sim, email) = (Arc::clone(&st), sim.clone(), email.clone());
                tokio::spawn(async move {
                    let svc = service_fn(move |req: Request<hyper::body::Incoming>| {
                        let (st, sim, email) = (Arc::clone(&st), sim.clone(), email.clone());
                        async move {
                            let body = req
                                .into_body()
                                .collect()
                                .await
                                .map_err(std::io::Error::other)?
                                .to_bytes();
                            let answer = {
                                let mut s = st.lock().unwrap();
                                if s.down {
                                    0
                                } else {
                                    s.script.pop_front().unwrap_or(200)
                                }
                            };
                            if answer == 0 {
                                return Err(std::io::Error::other("receiver is down"));
                            }
                            let now = sim.now().timestamp();
                            let mut s = st.lock().unwrap();
                            match webhook::verify(&body, &[&email], now, Tolerance::default()) {
                                Ok(e) if answer == 200 => s.got.push(Got {
                                    body: body.to_vec(),
                                    number: e.tracking.tracking_number.clone(),
                                    status: e.tracking.status.to_string(),
                                    time_str: e.time_str(),
                                }),
                                Ok(_) => {}
                                Err(e) => s.refused.push(e.to_string()),
                            }
                            let mut r = Response::new(Full::new(Bytes::new()));
                            *r.status_mut() = StatusCode::from_u16(answer).unwrap();
                            Ok::<_, std::io::Error>(r)
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        Receiver {
            url: format!("http://{addr}/hook"),
            state,
        }
    }

    fn got(&self) -> Vec<Got> {
        self.state.lock().unwrap().got.clone()
    }
    fn refused(&self) -> Vec<String> {
        self.state.lock().unwrap().refused.clone()
    }
    fn script(&self, answers: &[u16]) {
        self.state.lock().unwrap().script.extend(answers);
    }
    fn set_down(&self, down: bool) {
        self.state.lock().unwrap().down = down;
    }
}

fn sim() -> Simulator {
    Simulator::new(SimConfig {
        rate_limits: false,
        keys: Some(vec![KEY.into()]),
        ..SimConfig::default()
    })
}

struct Http {
    base: String,
    client: reqwest::Client,
}

impl Http {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut rb = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("Trackingmore-Api-Key", KEY);
        if let Some(b) = body {
            rb = rb
                .header("content-type", "application/json")
                .body(serde_json::to_vec(&b).unwrap());
        }
        let bytes = rb.send().await.unwrap().bytes().await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }
    async fn email(&self) -> String {
        let v = self
            .call(reqwest::Method::GET, "/trackings/getuserinfo", None)
            .await;
        v["data"]["email"].as_str().unwrap().to_owned()
    }
    async fn create(&self, carrier: &str, number: &str) {
        let v = self
            .call(
                reqwest::Method::POST,
                "/trackings/post",
                Some(json!({"tracking_number": number, "carrier_code": carrier})),
            )
            .await;
        assert_eq!(v["meta"]["code"], 200, "{v}");
    }
    async fn get(&self, carrier: &str, number: &str) -> Value {
        self.call(
            reqwest::Method::GET,
            &format!("/trackings/{carrier}/{number}"),
            None,
        )
        .await["data"]
            .clone()
    }
    async fn advance(&self, secs: u64) -> Value {
        self.call(
            reqwest::Method::POST,
            "/_mock/clock",
            Some(json!({"advance_seconds": secs})),
        )
        .await
    }
}

async fn setup() -> (Simulator, tm_mock::ServerHandle, Http, Receiver) {
    let sim = sim();
    let server = tm_mock::serve(sim.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let http = Http {
        base: server.url(),
        client: reqwest::Client::new(),
    };
    let email = http.email().await;
    let receiver = Receiver::start(sim.clone(), email).await;
    (sim, server, http, receiver)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_delivers_every_intermediate_event_in_order_signed_with_its_own_time() {
    let (sim, _server, http, rx) = setup().await;
    let ep = http
        .call(
            reqwest::Method::POST,
            "/_mock/webhooks",
            Some(json!({"url": rx.url})),
        )
        .await;
    assert_eq!(ep["meta"]["code"], 200, "{ep}");
    http.create("usps", "9400111899223197428490").await;
    let start = sim.now().timestamp();
    http.advance(20 * DAY).await;
    // POST /_mock/clock answered after every due attempt finished: assert at once.
    let got = rx.got();
    assert!(rx.refused().is_empty(), "{:?}", rx.refused());
    assert!(got.len() >= 3, "only {} events", got.len());
    let times: Vec<i64> = got.iter().map(|g| g.time_str).collect();
    assert!(
        times.windows(2).all(|w| w[0] < w[1]),
        "not in order: {times:?}"
    );
    assert!(times[0] > start && *times.last().unwrap() <= start + 20 * DAY as i64);
    // The last event is the tracking as GET-one shows it now (no change since that poll).
    let last: Value = serde_json::from_slice(&got.last().unwrap().body).unwrap();
    assert_eq!(
        last["data"],
        http.get("usps", "9400111899223197428490").await
    );
    assert_eq!(got.last().unwrap().status, "delivered");
    // The log has one delivered attempt per event.
    let log: Value = http
        .call(reqwest::Method::GET, "/_mock/webhooks/deliveries", None)
        .await;
    let log = log["data"].as_array().unwrap().clone();
    assert_eq!(log.len(), got.len());
    assert!(log
        .iter()
        .all(|r| r["outcome"] == "delivered" && r["http_status"] == 200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_process_simulator_delivers_and_queues() {
    let sim = sim();
    let email = {
        let server = tm_mock::serve(sim.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let http = Http {
            base: server.url(),
            client: reqwest::Client::new(),
        };
        http.create("dhl", "1234567890").await;
        http.email().await
    };
    let rx = Receiver::start(sim.clone(), email.clone()).await;
    sim.add_webhook(&rx.url, &["transit".into()], Some(KEY))
        .unwrap();
    sim.set_webhook_queue(true);
    sim.advance_async(Duration::from_secs(20 * DAY)).await;
    // The queue has every event, each verifying with its own time …
    let queued = sim.drain_webhook_queue();
    let mut transit = Vec::new();
    for q in &queued {
        assert_eq!(q.email, email);
        let e = webhook::verify(&q.body, &[&email], q.time, Tolerance::Seconds(0)).unwrap();
        assert_eq!(e.tracking.tracking_number, "1234567890");
        if e.tracking.status.to_string() == "transit" {
            transit.push(q.body.clone());
        }
    }
    let statuses: std::collections::BTreeSet<String> = queued
        .iter()
        .map(|q| webhook::parse(&q.body).unwrap().tracking.status.to_string())
        .collect();
    assert!(statuses.len() > 2, "{statuses:?}");
    // … while only the trigger status `transit` went over HTTP: the same bodies (signed at
    // the poll moment, since the receiver answered at once).
    let got = rx.got();
    assert!(!transit.is_empty());
    assert_eq!(
        got.iter().map(|g| g.body.clone()).collect::<Vec<_>>(),
        transit
    );
    assert!(sim.drain_webhook_queue().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_500s_then_delivered_on_the_third_attempt() {
    let (sim, _server, http, rx) = setup().await;
    sim.add_webhook(&rx.url, &[], None).unwrap();
    rx.script(&[500, 500]);
    http.create("ups", "1Z999AA10123456784").await;
    http.advance(12 * 3600).await;
    let log = sim.webhook_deliveries();
    let first: Vec<_> = log
        .iter()
        .filter(|r| r.event_id == log[0].event_id)
        .collect();
    assert_eq!(first.len(), 3, "{first:#?}");
    assert_eq!(
        first
            .iter()
            .map(|r| (r.attempt, r.http_status, r.outcome))
            .collect::<Vec<_>>(),
        vec![
            (1, 500, DeliveryOutcome::Retrying),
            (2, 500, DeliveryOutcome::Retrying),
            (3, 200, DeliveryOutcome::Delivered)
        ]
    );
    assert_eq!(first[1].sent_at - first[0].sent_at, 60);
    assert_eq!(first[2].sent_at - first[1].sent_at, 120);
    assert_eq!(first[0].next_attempt_at, Some(first[1].sent_at));
    assert_eq!(
        rx.got()[0].time_str,
        first[2].sent_at,
        "each attempt signed anew"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downtime_loses_nothing_and_keeps_order() {
    let (sim, _server, http, rx) = setup().await;
    sim.add_webhook(&rx.url, &[], None).unwrap();
    for n in ["9400111899223197428490", "9400111899223197428491"] {
        http.create("usps", n).await;
    }
    rx.set_down(true);
    http.advance(3 * DAY).await;
    assert!(rx.got().is_empty());
    let failed = sim.webhook_deliveries();
    assert!(!failed.is_empty());
    assert!(failed
        .iter()
        .all(|r| r.http_status == 0 && r.outcome == DeliveryOutcome::Retrying));
    rx.set_down(false);
    http.advance(4 * DAY).await;
    let got = rx.got();
    let log = sim.webhook_deliveries();
    let mut events: Vec<u64> = log.iter().map(|r| r.event_id).collect();
    events.sort_unstable();
    events.dedup();
    let delivered: Vec<u64> = log
        .iter()
        .filter(|r| r.outcome == DeliveryOutcome::Delivered)
        .map(|r| r.event_id)
        .collect();
    assert_eq!(delivered.len(), events.len(), "every event delivered once");
    assert_eq!(got.len(), events.len());
    // Per tracking, the order of changes is kept.
    let mut per: HashMap<String, Vec<i64>> = HashMap::new();
    for g in &got {
        let v: Value = serde_json::from_slice(&g.body).unwrap();
        let updated =
            chrono::DateTime::parse_from_rfc3339(v["data"]["updated_at"].as_str().unwrap())
                .unwrap()
                .timestamp();
        per.entry(g.number.clone()).or_default().push(updated);
    }
    for (n, ups) in per {
        assert!(ups.windows(2).all(|w| w[0] <= w[1]), "{n}: {ups:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ladder_exhausted_is_given_up_then_redelivered() {
    let (sim, _server, http, rx) = setup().await;
    sim.add_webhook(&rx.url, &[], None).unwrap();
    sim.set_webhook_queue(true);
    http.create("dhl", "1234567890").await;
    rx.set_down(true);
    let since = sim.now();
    http.advance(15 * DAY).await;
    let log = sim.webhook_deliveries();
    let first = log[0].event_id;
    let attempts: Vec<_> = log.iter().filter(|r| r.event_id == first).collect();
    assert_eq!(attempts.len(), 15);
    assert_eq!(attempts[14].outcome, DeliveryOutcome::GivenUp);
    assert_eq!(attempts[14].next_attempt_at, None);
    // Back up: the tracking's later events follow on their ladder; the given-up one comes
    // back only when redelivered.
    rx.set_down(false);
    http.advance(12 * DAY).await;
    let before = rx.got().len();
    assert!(before > 0);
    let first_body = sim
        .drain_webhook_queue()
        .into_iter()
        .find(|q| q.event_id == first)
        .unwrap()
        .body;
    let first_data: Value = serde_json::from_slice(&first_body).unwrap();
    let again = sim.redeliver_failed_webhooks(since);
    assert_eq!(again, vec![first]);
    sim.deliver_webhooks().await;
    let got = rx.got();
    assert_eq!(got.len(), before + 1);
    let v: Value = serde_json::from_slice(&got.last().unwrap().body).unwrap();
    assert_eq!(
        v["data"], first_data["data"],
        "the event's own data, not today's"
    );
    assert!(sim.redeliver_failed_webhooks(since).is_empty());
    // Redeliver one delivered event: received again, signed with the current time.
    let before = got.len();
    assert_eq!(sim.redeliver_webhook(first).unwrap(), 1);
    sim.deliver_webhooks().await;
    let got = rx.got();
    assert_eq!(got.len(), before + 1);
    assert_eq!(got.last().unwrap().time_str, sim.now().timestamp());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_and_delay_faults() {
    let (sim, _server, http, rx) = setup().await;
    sim.add_webhook(&rx.url, &[], None).unwrap();
    sim.set_webhook_faults(WebhookFaults {
        duplicate_rate: 1.0,
        delay_seconds: 600,
    });
    sim.set_webhook_queue(true);
    http.create("dhl", "1234567890").await;
    http.advance(2 * DAY).await;
    let log = sim.webhook_deliveries();
    let dups = log.iter().filter(|r| r.duplicate).count();
    let firsts = log.iter().filter(|r| !r.duplicate).count();
    assert!(firsts > 0);
    assert_eq!(dups, firsts, "every delivery sent twice");
    assert_eq!(rx.got().len(), 2 * firsts);
    // Delay: each first attempt goes out 600 s after the poll moment that saw the change.
    let polled: HashMap<u64, i64> = sim
        .drain_webhook_queue()
        .iter()
        .map(|q| (q.event_id, q.time))
        .collect();
    for r in log.iter().filter(|r| r.attempt == 1) {
        assert_eq!(r.sent_at, polled[&r.event_id] + 600, "{r:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_routes_manage_endpoints() {
    let (_sim, _server, http, rx) = setup().await;
    let post = |body: Value| http.call(reqwest::Method::POST, "/_mock/webhooks", Some(body));
    let mut ids = Vec::new();
    for i in 0..4 {
        let v = post(json!({"url": format!("{}/{i}", rx.url), "statuses": ["delivered", "exception"], "api_key": KEY})).await;
        assert_eq!(v["meta"]["code"], 200, "{v}");
        ids.push(v["data"]["id"].as_u64().unwrap());
    }
    let v = post(json!({"url": rx.url})).await;
    assert_eq!(v["meta"]["code"], 4012, "a fifth URL is refused: {v}");
    let v = post(json!({"url": "ftp://x"})).await;
    assert_eq!(v["meta"]["code"], 4012);
    let v = post(json!({"url": rx.url, "statuses": ["shipped"]})).await;
    assert_eq!(v["meta"]["code"], 4012);
    let list = http
        .call(reqwest::Method::GET, "/_mock/webhooks", None)
        .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 4);
    assert_eq!(
        list["data"][0]["statuses"],
        json!(["delivered", "exception"])
    );
    let del = http
        .call(
            reqwest::Method::DELETE,
            &format!("/_mock/webhooks/{}", ids[0]),
            None,
        )
        .await;
    assert_eq!(del["meta"]["code"], 200);
    let del = http
        .call(
            reqwest::Method::DELETE,
            &format!("/_mock/webhooks/{}", ids[0]),
            None,
        )
        .await;
    assert_eq!(del["meta"]["code"], 404);
}

#[test]
fn serve_binary_with_webhook_flag_delivers() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // The receiver cannot read the binary's clock in-process; it verifies the signature
    // (any time) and the test checks times through the admin API.
    let got = Arc::new(Mutex::new(Vec::<Vec<u8>>::new()));
    let url = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let got = Arc::clone(&got);
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let got = Arc::clone(&got);
                tokio::spawn(async move {
                    let svc = service_fn(move |req: Request<hyper::body::Incoming>| {
                        let got = Arc::clone(&got);
                        async move {
                            let body = req.into_body().collect().await?.to_bytes();
                            got.lock().unwrap().push(body.to_vec());
                            Ok::<_, hyper::Error>(Response::new(Full::new(Bytes::new())))
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        url
    });
    let mut served = common::serve(
        std::process::Command::new(env!("CARGO_BIN_EXE_tm-mock")).args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--rate-limits",
            "off",
            "--webhook",
            &url,
        ]),
    );
    let base = served.url.clone();
    let result = rt.block_on(async {
        let http = Http {
            base,
            client: reqwest::Client::new(),
        };
        let email = http.email().await;
        http.create("usps", "9400111899223197428490").await;
        http.advance(10 * DAY).await;
        email
    });
    let _ = served.child.kill();
    let _ = served.child.wait();
    let got = got.lock().unwrap().clone();
    assert!(!got.is_empty());
    for body in got {
        webhook::verify(&body, &[&result], 0, Tolerance::Unchecked).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_redeliver_faults_and_the_wait_opt_out() {
    let (sim, _server, http, rx) = setup().await;
    let v = http
        .call(
            reqwest::Method::POST,
            "/_mock/webhooks/faults",
            Some(json!({"duplicate_rate": 2.0})),
        )
        .await;
    assert_eq!(v["meta"]["code"], 4012, "{v}");
    let v = http
        .call(
            reqwest::Method::POST,
            "/_mock/webhooks/faults",
            Some(json!({"delay_seconds": 30})),
        )
        .await;
    assert_eq!(v["data"]["delay_seconds"], 30);
    assert_eq!(sim.webhook_faults().delay_seconds, 30);
    sim.add_webhook(&rx.url, &[], None).unwrap();
    http.create("dhl", "1234567890").await;

    // Opt out of waiting: the answer comes before the deliveries are all done; they finish
    // in the background.
    let v = http
        .call(
            reqwest::Method::POST,
            "/_mock/clock",
            Some(json!({"advance_seconds": 2 * DAY, "wait_for_webhooks": false})),
        )
        .await;
    assert_eq!(v["data"]["webhooks"], "delivering");
    let target = v["data"]["unix"].as_i64().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while sim.now().timestamp() < target && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(sim.now().timestamp(), target);
    let delivered = rx.got().len();
    assert!(delivered > 0);

    // Redeliver one event over the admin API: answered after it was sent.
    let first = sim.webhook_deliveries()[0].event_id;
    let v = http
        .call(
            reqwest::Method::POST,
            "/_mock/webhooks/redeliver",
            Some(json!({"event_id": first})),
        )
        .await;
    assert_eq!(v["data"]["redelivered"], json!([first]));
    assert_eq!(rx.got().len(), delivered + 1);
    let v = http
        .call(
            reqwest::Method::POST,
            "/_mock/webhooks/redeliver",
            Some(json!({"event_id": 999_999})),
        )
        .await;
    assert_ne!(v["meta"]["code"], 200);
    let v = http
        .call(
            reqwest::Method::POST,
            "/_mock/webhooks/redeliver",
            Some(json!({"failed_since": 0})),
        )
        .await;
    assert_eq!(v["data"]["redelivered"], json!([]), "nothing failed");
    assert!(rx.refused().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_url_never_sees_another_accounts_trackings() {
    let sim = Simulator::new(SimConfig {
        rate_limits: false,
        keys: Some(vec![KEY.into(), "other-key".into()]),
        ..SimConfig::default()
    });
    let server = tm_mock::serve(sim.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mine = Http {
        base: server.url(),
        client: reqwest::Client::new(),
    };
    let email = mine.email().await;
    let rx = Receiver::start(sim.clone(), email.clone()).await;
    sim.add_webhook(&rx.url, &[], Some(KEY)).unwrap();
    mine.create("usps", "9400111899223197428490").await;
    let other = server.url();
    let client = reqwest::Client::new();
    let created = client
        .post(format!("{other}/trackings/post"))
        .header("Trackingmore-Api-Key", "other-key")
        .header("content-type", "application/json")
        .body(
            json!({"tracking_number": "9400111899223197428491", "carrier_code": "usps"})
                .to_string(),
        )
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&created).contains("\"code\":200"));
    mine.advance(20 * DAY).await;
    let got = rx.got();
    assert!(!got.is_empty());
    // Every delivery verified with this account's e-mail, and none is the other account's.
    assert!(rx.refused().is_empty());
    assert!(got.iter().all(|g| g.number == "9400111899223197428490"));
    assert!(sim
        .webhook_deliveries()
        .iter()
        .all(|r| r.tracking_number == "9400111899223197428490"));
    // A key the simulator does not know cannot register a URL.
    assert!(sim.add_webhook(&rx.url, &[], Some("not-a-key")).is_err());
}

#[test]
fn synchronous_advance_delivers_over_http_before_returning() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sim = sim();
    let email = "account-1@tm-mock.invalid".to_owned();
    let rx = rt.block_on(Receiver::start(sim.clone(), email));
    sim.add_webhook(&rx.url, &[], Some(KEY)).unwrap();
    let created = sim.handle(
        tm_mock::SimRequest::new(http::Method::POST, "/v2/trackings/post")
            .key(KEY)
            .json(&json!({"tracking_number": "1Z999AA10123456784", "carrier_code": "ups"})),
    );
    assert_eq!(created.meta_code(), Some(200));
    sim.advance(Duration::from_secs(5 * DAY));
    // The e-mail guessed above is the account's: every delivery verified, none refused.
    assert!(rx.refused().is_empty(), "{:?}", rx.refused());
    let got = rx.got();
    assert!(!got.is_empty());
    assert_eq!(got.len(), sim.webhook_deliveries().len());
}

/// One in-process call with the test key (`body`: JSON).
fn call(sim: &Simulator, method: http::Method, path: &str, body: Option<Value>) -> Value {
    let mut req = tm_mock::SimRequest::new(method, format!("/v2{path}")).key(KEY);
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(Bytes::from(b.to_string()));
    }
    let resp = sim.handle(req);
    serde_json::from_slice(&resp.body).unwrap()
}

#[test]
fn an_event_shows_api_changes_made_between_the_change_and_its_poll() {
    // Events may be rendered when the clock applies a change, for the poll moment to come;
    // an API call in between (here: a new title every hour, polls every 3 h) must show in
    // the event, as GET-one would show it at the poll moment.
    let sim = sim();
    sim.set_webhook_queue(true);
    let created = call(
        &sim,
        http::Method::POST,
        "/trackings/post",
        Some(json!({"tracking_number": "1234567890", "carrier_code": "dhl", "title": "t0"})),
    );
    assert_eq!(created["meta"]["code"], 200, "{created}");
    let mut titles = vec![(sim.now().timestamp(), "t0".to_string())];
    for hour in 1..=(5 * 24) {
        sim.advance(Duration::from_secs(3600));
        let title = format!("t{hour}");
        let updated = call(
            &sim,
            http::Method::PUT,
            "/trackings/dhl/1234567890",
            Some(json!({"title": title})),
        );
        assert_eq!(updated["meta"]["code"], 200, "{updated}");
        titles.push((sim.now().timestamp(), title));
    }
    let queued = sim.drain_webhook_queue();
    assert!(queued.len() >= 3, "only {} events", queued.len());
    for q in &queued {
        let v: Value = serde_json::from_slice(&q.body).unwrap();
        // A poll at the very moment of an update ran before it (the clock moved first).
        let want = &titles.iter().rev().find(|(t, _)| *t < q.time).unwrap().1;
        assert_eq!(v["data"]["title"], json!(want), "event at {}", q.time);
    }
    // Stopped before its next poll: nothing more is sent, whatever the route does next.
    let before = call(&sim, http::Method::GET, "/trackings/dhl/1234567890", None);
    if before["data"]["status"] != "delivered" {
        let stopped = call(
            &sim,
            http::Method::POST,
            "/trackings/notupdate",
            Some(json!([{"tracking_number": "1234567890", "carrier_code": "dhl"}])),
        );
        assert_eq!(stopped["meta"]["code"], 200, "{stopped}");
        sim.advance(Duration::from_secs(20 * DAY));
        assert!(sim.drain_webhook_queue().is_empty());
    }
}

#[test]
fn a_tracking_deleted_before_its_poll_sends_nothing() {
    let sim = sim();
    sim.set_webhook_queue(true);
    for n in ["9876543210", "1234567890"] {
        let created = call(
            &sim,
            http::Method::POST,
            "/trackings/post",
            Some(json!({"tracking_number": n, "carrier_code": "dhl"})),
        );
        assert_eq!(created["meta"]["code"], 200, "{created}");
    }
    // Delete one as soon as its first change is applied (before the poll that would see it).
    let mut deleted = false;
    for _ in 0..(3 * 24 * 60) {
        sim.advance(Duration::from_secs(60));
        let v = call(&sim, http::Method::GET, "/trackings/dhl/1234567890", None);
        if v["data"]["status"] != "pending" {
            let gone = call(
                &sim,
                http::Method::DELETE,
                "/trackings/dhl/1234567890",
                None,
            );
            assert_eq!(gone["meta"]["code"], 200, "{gone}");
            deleted = true;
            break;
        }
    }
    assert!(deleted, "the tracking never left pending");
    sim.advance(Duration::from_secs(20 * DAY));
    let numbers: Vec<String> = sim
        .drain_webhook_queue()
        .into_iter()
        .map(|q| q.tracking_number)
        .collect();
    assert!(!numbers.is_empty());
    assert!(numbers.iter().all(|n| n == "9876543210"), "{numbers:?}");
}

/// Creates the same 600 trackings (express and postal, with titles) in `sim`.
fn fill_mixed(sim: &Simulator) {
    for chunk in 0..15u64 {
        let items: Vec<Value> = (chunk * 40..chunk * 40 + 40)
            .map(|i| {
                let (carrier, number) = match i % 4 {
                    0 => ("dhl", format!("{i:012}")),
                    1 => ("ups", format!("1Z{i:016}")),
                    2 => ("china-post", format!("LZ{i:09}CN")),
                    _ => ("usps", format!("9400{i:018}")),
                };
                json!({"tracking_number": number, "carrier_code": carrier, "title": format!("item {i}")})
            })
            .collect();
        let created = call(
            sim,
            http::Method::POST,
            "/trackings/batch",
            Some(json!(items)),
        );
        assert_eq!(created["meta"]["code"], 200, "{created}");
    }
}

#[test]
fn queue_events_rendered_off_the_lock_equal_events_rendered_at_their_poll() {
    // A large synchronous move renders queue-only events on a helper thread, from snapshots
    // taken at each poll moment. An event that also goes to a URL is rendered at the poll
    // under the lock. Both simulators see the same changes; their queues must be identical.
    let at_poll = sim();
    let off_lock = sim();
    for s in [&at_poll, &off_lock] {
        s.set_webhook_queue(true);
        fill_mixed(s);
    }
    // A URL makes `at_poll` render every event under the lock; its attempts are delayed
    // past the end of the test, so nothing is sent.
    at_poll
        .add_webhook("http://127.0.0.1:9/never", &[], None)
        .unwrap();
    at_poll.set_webhook_faults(WebhookFaults {
        delay_seconds: 100 * 365 * DAY,
        ..WebhookFaults::default()
    });
    for s in [&at_poll, &off_lock] {
        s.advance(Duration::from_secs(2 * DAY));
        // An API change between moves shows in later events only.
        let updated = call(
            s,
            http::Method::PUT,
            "/trackings/dhl/000000000000",
            Some(json!({"title": "renamed"})),
        );
        assert_eq!(updated["meta"]["code"], 200, "{updated}");
        s.advance(Duration::from_secs(25 * DAY));
    }
    let want = at_poll.drain_webhook_queue();
    let got = off_lock.drain_webhook_queue();
    // Well over one batch (1,024), so the helper thread took part.
    assert!(got.len() > 2_048, "only {} events", got.len());
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w, "event {} differs", w.event_id);
    }
    assert!(at_poll.webhook_deliveries().is_empty());
}
