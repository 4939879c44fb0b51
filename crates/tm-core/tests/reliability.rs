#![allow(missing_docs)]
//! Retries, the create-recovery rule, rate limits and the batch invariant,
//! against scripted transports and a manual clock (nothing sleeps).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream;
use http::StatusCode;
use tm_core::batch::{BatchOptions, Outcome};
use tm_core::clock::ManualClock;
use tm_core::endpoints::trackings::{CreateTracking, GetUserInfo, ListTrackings};
use tm_core::models::{NewTracking, TrackingRef};
use tm_core::test_util::RecordingTransport;
use tm_core::{
    ApiErrorKind, Client, EndpointClass, Error, RateLimits, RetryPolicy, Transport, TransportError,
    TransportErrorKind, WireRequest, WireResponse,
};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn status(
    code: u16,
    retry_after: Option<&str>,
    body: &str,
) -> Result<WireResponse, TransportError> {
    let mut r = WireResponse::new(
        StatusCode::from_u16(code).unwrap(),
        Bytes::from(body.to_owned()),
    );
    if let Some(ra) = retry_after {
        r.headers.insert("retry-after", ra.parse().unwrap());
    }
    Ok(r)
}

const USER: &str = r#"{"meta":{"code":200,"type":"Success","message":"Success"},"data":{"email":"a@b.c","regtime":"1469097290","phone":"1","money":1,"track_number":5}}"#;

#[test]
fn retries_503_then_succeeds_honouring_retry_after() {
    let t = RecordingTransport::new();
    t.push(status(
        503,
        Some("2"),
        r#"{"meta":{"code":503,"type":"Service Unavailable","message":"down"},"data":[]}"#,
    ));
    t.push(status(502, None, "<html>bad gateway</html>"));
    t.push_json(200, USER);
    let clock = ManualClock::new();
    let client = Client::builder(t.clone())
        .clock(Arc::new(clock.clone()))
        .retry(RetryPolicy {
            jitter: false,
            ..RetryPolicy::default()
        })
        .build();
    let info = rt().block_on(client.execute(&GetUserInfo::new())).unwrap();
    assert_eq!(info.track_number, 5.0);
    assert_eq!(t.requests().len(), 3);
    // Retry-After (2 s) first, then the second exponential step (1 s).
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_secs(2), Duration::from_secs(1)]
    );
}

#[test]
fn never_retries_client_and_quota_errors() {
    for code in [4001, 4012, 4017, 4019, 4021] {
        let t = RecordingTransport::new();
        t.push_json(
            200,
            &format!(
                r#"{{"meta":{{"code":{code},"type":"Bad Request","message":"no"}},"data":[]}}"#
            ),
        );
        let clock = ManualClock::new();
        let client = Client::builder(t.clone())
            .clock(Arc::new(clock.clone()))
            .build();
        let err = rt()
            .block_on(client.execute(&GetUserInfo::new()))
            .unwrap_err();
        assert_eq!(err.code(), Some(code));
        assert_eq!(t.requests().len(), 1, "code {code} was retried");
        assert!(clock.sleeps().is_empty());
    }
}

#[test]
fn gives_up_after_max_attempts_with_the_last_error() {
    let t = RecordingTransport::new();
    for _ in 0..10 {
        t.push(Err(TransportError::new(
            TransportErrorKind::Connect,
            "refused",
        )));
    }
    let clock = ManualClock::new();
    let client = Client::builder(t.clone())
        .clock(Arc::new(clock.clone()))
        .max_retries(4)
        .build();
    let err = rt()
        .block_on(client.execute(&GetUserInfo::new()))
        .unwrap_err();
    assert!(matches!(err, Error::Transport(ref e) if e.kind == TransportErrorKind::Connect));
    assert_eq!(t.requests().len(), 5);
    assert_eq!(clock.sleeps().len(), 4);
    // Full jitter: every wait is at most the exponential step.
    for (i, s) in clock.sleeps().iter().enumerate() {
        assert!(
            *s <= Duration::from_millis(500) * 2u32.pow(i as u32),
            "{s:?}"
        );
    }
}

#[test]
fn budget_bounds_the_call() {
    let t = RecordingTransport::new();
    for _ in 0..100 {
        t.push(status(503, Some("3"), ""));
    }
    let clock = ManualClock::new();
    let client = Client::builder(t.clone())
        .clock(Arc::new(clock.clone()))
        .retry(
            RetryPolicy {
                max_attempts: 100,
                ..RetryPolicy::default()
            }
            .with_budget(Duration::from_secs(10)),
        )
        .build();
    let err = rt()
        .block_on(client.execute(&GetUserInfo::new()))
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Server));
    // Waits of 3 s at 0, 3 and 6 s; a fourth wait would end past the budget.
    assert!(
        clock.now_total() < Duration::from_secs(10),
        "{:?}",
        clock.now_total()
    );
    assert_eq!(t.requests().len(), 4);
}

trait NowTotal {
    fn now_total(&self) -> Duration;
}
impl NowTotal for ManualClock {
    fn now_total(&self) -> Duration {
        use tm_core::clock::Clock;
        self.now()
    }
}

#[test]
fn a_retried_create_reports_recovery_through_attempts() {
    let t = RecordingTransport::new();
    t.push(Err(TransportError::timeout(Duration::from_secs(1))));
    t.push_json(200, r#"{"meta":{"code":4016,"type":"Bad Request","message":"Tracking already exists."},"data":[]}"#);
    let client = Client::builder(t.clone())
        .clock(Arc::new(ManualClock::new()))
        .build();
    let ep = CreateTracking::new(NewTracking::new("ups", "1Z999AA10123456784")).unwrap();
    let (result, attempts) = rt().block_on(client.execute_traced(&ep, &Default::default()));
    assert_eq!(
        result.unwrap_err().api_kind(),
        Some(ApiErrorKind::AlreadyExists)
    );
    assert_eq!(attempts.count, 2);
    assert!(attempts.ambiguous);
}

#[test]
fn create_tracking_reports_a_recovered_create_as_created() {
    let t = RecordingTransport::new();
    // The 503 carries the server's clock (Date); the read-back shows a
    // tracking created after it, so this call created it.
    let mut first = status(503, Some("0"), "").unwrap();
    first
        .headers
        .insert("date", "Mon, 05 Jan 2026 07:59:59 GMT".parse().unwrap());
    t.push(Ok(first));
    t.push_json(200, r#"{"meta":{"code":4016,"type":"Bad Request","message":"Tracking already exists."},"data":[]}"#);
    t.push_data(200, r#"{"page":1,"limit":2000,"total":1,"items":[{"id":"abc","tracking_number":"1Z999AA10123456784","carrier_code":"ups","status":"pending","created_at":"2026-01-05T08:00:00+00:00"}]}"#);
    t.push_data(200, r#"{"id":"abc","tracking_number":"1Z999AA10123456784","carrier_code":"ups","status":"pending","created_at":"2026-01-05T08:00:00+00:00"}"#);
    let client = Client::builder(t.clone())
        .clock(Arc::new(ManualClock::new()))
        .build();
    let created = rt()
        .block_on(client.create_tracking(NewTracking::new("ups", "1Z999AA10123456784")))
        .unwrap();
    assert!(created.recovered);
    assert_eq!(created.tracking.id, "abc");
    let sent = t.requests();
    assert_eq!(sent.len(), 4);
    assert_eq!(sent[2].path, "/trackings/get");
    assert_eq!(sent[3].method, http::Method::GET);
    assert_eq!(sent[3].path, "/trackings/ups/1Z999AA10123456784");

    // The same, but the tracking is a year older than the call: it existed.
    let t = RecordingTransport::new();
    let mut first = status(503, Some("0"), "").unwrap();
    first
        .headers
        .insert("date", "Mon, 05 Jan 2026 07:59:59 GMT".parse().unwrap());
    t.push(Ok(first));
    t.push_json(200, r#"{"meta":{"code":4016,"type":"Bad Request","message":"Tracking already exists."},"data":[]}"#);
    t.push_data(200, r#"{"page":1,"limit":2000,"total":1,"items":[{"id":"abc","tracking_number":"1Z999AA10123456784","carrier_code":"ups","status":"pending","created_at":"2025-01-05T08:00:00+00:00"}]}"#);
    let client = Client::builder(t.clone())
        .clock(Arc::new(ManualClock::new()))
        .build();
    let err = rt()
        .block_on(client.create_tracking(NewTracking::new("ups", "1Z999AA10123456784")))
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::AlreadyExists));

    // A 4016 on the first attempt is a plain "already exists" error.
    let t = RecordingTransport::new();
    t.push_json(200, r#"{"meta":{"code":4016,"type":"Bad Request","message":"Tracking already exists."},"data":[]}"#);
    let client = Client::builder(t.clone())
        .clock(Arc::new(ManualClock::new()))
        .build();
    let err = rt()
        .block_on(client.create_tracking(NewTracking::new("ups", "1Z999AA10123456784")))
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::AlreadyExists));
    assert_eq!(t.requests().len(), 1);
}

#[test]
fn rate_limited_client_spaces_list_calls() {
    let t = RecordingTransport::new();
    let page = r#"{"meta":{"code":200,"type":"Success","message":"Success"},"data":{"page":1,"limit":100,"total":"0","count":0,"items":[]}}"#;
    for _ in 0..3 {
        t.push_json(200, page);
    }
    let clock = ManualClock::new();
    let client = Client::builder(t.clone())
        .clock(Arc::new(clock.clone()))
        .rate_limits(Some(RateLimits {
            margin: Duration::ZERO,
            ..RateLimits::V2
        }))
        .build();
    rt().block_on(async {
        for _ in 0..3 {
            client.execute(&ListTrackings::new()).await.unwrap();
        }
    });
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_secs(1), Duration::from_secs(1)]
    );
    assert_eq!(client.rate_limits().unwrap().list, 1);
    assert_eq!(EndpointClass::List.as_str(), "list");
}

/// A tiny batch server: stores keys, answers per-item 4016, and fails calls as
/// scripted — before applying (503) or after applying (response lost).
#[derive(Debug, Default)]
struct FlakyBatchServer {
    stored: Mutex<Vec<TrackingRef>>,
    /// Server-clock creation time (Unix seconds) of each stored key.
    created: Mutex<Vec<i64>>,
    calls: Mutex<u64>,
    fail_every: u64,
    lose_after_apply_every: u64,
}

#[async_trait]
impl Transport for FlakyBatchServer {
    async fn send(&self, req: WireRequest) -> Result<WireResponse, TransportError> {
        let n = {
            let mut c = self.calls.lock().unwrap();
            *c += 1;
            *c
        };
        // The server's clock: one second per call, well after the preloaded keys.
        let now = 1_800_000_000 + n as i64;
        let rfc = |secs: i64| {
            chrono::DateTime::from_timestamp(secs, 0)
                .unwrap()
                .to_rfc3339()
        };
        if req.method == http::Method::GET {
            // The read-back: `GET /trackings/get?numbers=…`.
            let numbers: Vec<String> = req
                .query
                .iter()
                .find(|(k, _)| k == "numbers")
                .map(|(_, v)| v.split(',').map(str::to_owned).collect())
                .unwrap_or_default();
            let stored = self.stored.lock().unwrap();
            let created = self.created.lock().unwrap();
            let items: Vec<serde_json::Value> = stored
                .iter()
                .zip(created.iter())
                .filter(|(k, _)| numbers.contains(&k.tracking_number))
                .map(|(k, c)| serde_json::json!({"id": "x", "tracking_number": k.tracking_number, "carrier_code": k.carrier_code, "status": "pending", "created_at": rfc(*c)}))
                .collect();
            let body = serde_json::json!({"meta": {"code": 200, "type": "Success", "message": "Success"},
                "data": {"page": 1, "limit": 2000, "total": items.len(), "count": items.len(), "items": items}});
            return status(200, None, &body.to_string());
        }
        if self.fail_every > 0 && n % self.fail_every == 0 {
            return status(503, Some("0"), "");
        }
        let items: Vec<serde_json::Value> = serde_json::from_slice(&req.body).unwrap();
        let mut added = Vec::new();
        let mut errors = Vec::new();
        {
            let mut stored = self.stored.lock().unwrap();
            for it in &items {
                let key = TrackingRef::new(
                    it["carrier_code"].as_str().unwrap(),
                    it["tracking_number"].as_str().unwrap(),
                );
                if stored.contains(&key) {
                    errors.push(serde_json::json!({"tracking_number": key.tracking_number, "carrier_code": key.carrier_code, "code": 4016, "message": "Tracking already exists."}));
                } else {
                    added.push(serde_json::json!({"id": "x", "tracking_number": key.tracking_number, "carrier_code": key.carrier_code, "status": "pending", "created_at": rfc(now)}));
                    stored.push(key);
                    self.created.lock().unwrap().push(now);
                }
            }
        }
        if self.lose_after_apply_every > 0 && n % self.lose_after_apply_every == 0 {
            return Err(TransportError::new(
                TransportErrorKind::Io,
                "connection reset",
            ));
        }
        let code = if errors.is_empty() { 200 } else { 201 };
        let body = serde_json::json!({"meta": {"code": code, "type": "Success", "message": "Success"},
            "data": {"submitted": items.len(), "added": added.len(), "trackings": added, "errors": errors}});
        status(200, None, &body.to_string())
    }
}

#[test]
fn batch_create_accounts_for_every_item_under_faults() {
    let server = Arc::new(FlakyBatchServer {
        fail_every: 3,
        lose_after_apply_every: 4,
        ..Default::default()
    });
    // Ten items existed before the run.
    for i in 0..10 {
        server
            .stored
            .lock()
            .unwrap()
            .push(TrackingRef::new("ups", format!("PRE{i:05}")));
        server.created.lock().unwrap().push(1_700_000_000);
    }
    let client = Client::builder_arc(server.clone())
        .clock(Arc::new(ManualClock::new()))
        .retry(RetryPolicy {
            max_attempts: 10,
            ..RetryPolicy::default()
        })
        .build();
    let mut items: Vec<NewTracking> = (0..1000)
        .map(|i| NewTracking::new("ups", format!("NUM{i:06}")))
        .collect();
    items.extend((0..10).map(|i| NewTracking::new("ups", format!("PRE{i:05}"))));
    items.push(NewTracking::new("ups", "bad number!")); // fails validation alone
    items.push(NewTracking::new("ups", "NUM000001")); // duplicate inside the run
    let progress_calls = Arc::new(Mutex::new(0usize));
    let pc = progress_calls.clone();
    let options = BatchOptions {
        concurrency: 3,
        progress: Some(Arc::new(move |_p| *pc.lock().unwrap() += 1)),
        ..BatchOptions::default()
    };
    let report = rt().block_on(client.create_many(stream::iter(items.clone()), &options));

    // Exactly one outcome per input, in order.
    assert_eq!(report.outcomes.len(), items.len());
    for (i, o) in report.outcomes.iter().enumerate() {
        assert_eq!(o.index, i);
        assert_eq!(o.item, items[i]);
    }
    let stored = server.stored.lock().unwrap().clone();
    let unique: HashSet<_> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "duplicates stored");
    assert_eq!(stored.len(), 1010);
    let created = report
        .outcomes
        .iter()
        .filter(|o| matches!(o.outcome, Outcome::Created { .. }))
        .count();
    assert_eq!(created, 1000);
    // The preloaded ones are never reported created, even after a lost answer.
    for o in &report.outcomes[1000..1010] {
        assert_eq!(o.outcome, Outcome::AlreadyExists, "{:?}", o.item);
    }
    let p = report.progress();
    assert_eq!(p.processed, items.len());
    assert_eq!(p.failed, 1);
    assert_eq!(p.unknown, 0);
    assert!(matches!(
        report.outcomes[1010].outcome,
        Outcome::Failed { .. }
    ));
    assert!(matches!(
        report.outcomes[1011].outcome,
        Outcome::AlreadyExists
            | Outcome::Created {
                recovered: true,
                ..
            }
    ));
    assert_eq!(*progress_calls.lock().unwrap(), items.len().div_ceil(40));
}

#[test]
fn batch_with_every_call_failing_reports_every_item_unknown() {
    let t = RecordingTransport::new();
    for _ in 0..1000 {
        t.push(status(503, Some("1"), ""));
    }
    let clock = ManualClock::new();
    let client = Client::builder(t.clone())
        .clock(Arc::new(clock.clone()))
        .retry(RetryPolicy::default().with_budget(Duration::from_secs(30)))
        .build();
    let items: Vec<NewTracking> = (0..100)
        .map(|i| NewTracking::new("dhl", format!("X{i:08}")))
        .collect();
    let report = rt().block_on(client.create_many(stream::iter(items), &BatchOptions::default()));
    assert_eq!(report.outcomes.len(), 100);
    // A 503 may come after the service applied the call, and the read-back
    // fails too: nothing can say whether the items exist.
    for o in &report.outcomes {
        match &o.outcome {
            Outcome::Unknown { message } => {
                assert!(message.contains("reading it back failed"), "{message}");
                assert!(message.contains("503"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn quota_exhaustion_stops_the_run_and_marks_the_rest_not_attempted() {
    let t = RecordingTransport::new();
    t.push_json(
        200,
        r#"{"meta":{"code":4021,"type":"Bad Request","message":"quota"},"data":[]}"#,
    );
    let client = Client::builder(t.clone())
        .clock(Arc::new(ManualClock::new()))
        .build();
    let items: Vec<NewTracking> = (0..200)
        .map(|i| NewTracking::new("dhl", format!("Q{i:08}")))
        .collect();
    let options = BatchOptions {
        concurrency: 1,
        ..BatchOptions::default()
    };
    let report = rt().block_on(client.create_many(stream::iter(items), &options));
    assert_eq!(report.outcomes.len(), 200);
    assert!(report.outcomes[..40].iter().all(|o| matches!(
        o.outcome,
        Outcome::Failed {
            code: Some(4021),
            ..
        }
    )));
    assert!(report.outcomes[40..]
        .iter()
        .all(|o| matches!(o.outcome, Outcome::NotAttempted { .. })));
    assert_eq!(t.requests().len(), 1);
}

#[test]
fn paging_stops_when_a_page_brings_nothing_new_whatever_total_says() {
    let t = RecordingTransport::new();
    // A server that ignores `page` and claims a billion matches.
    let page = r#"{"meta":{"code":200,"type":"Success","message":"Success"},"data":{"page":1,"limit":2,"total":"1000000000","count":2,"items":[{"id":"a","tracking_number":"A1","carrier_code":"ups","status":"pending"},{"id":"b","tracking_number":"B1","carrier_code":"ups","status":"pending"}]}}"#;
    for _ in 0..5 {
        t.push_json(200, page);
    }
    let client = Client::builder(t.clone())
        .clock(Arc::new(ManualClock::new()))
        .unlimited()
        .build();
    let mut pager = client.pager(ListTrackings::new().limit(2).unwrap());
    let first = rt().block_on(pager.next_page()).unwrap().unwrap();
    assert_eq!(first.items.len(), 2);
    assert!(rt().block_on(pager.next_page()).unwrap().is_none());
    assert!(rt().block_on(pager.next_page()).unwrap().is_none());
    assert_eq!(t.requests().len(), 2);
}
