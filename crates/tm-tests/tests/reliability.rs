//! Reliability against the simulator's seeded faults: loss-free imports under
//! 503s, drops and truncations; a budgeted give-up when everything fails; a
//! timeout from a server that never answers; client-side rate limits that keep
//! concurrent tasks clear of 429; one outcome per input for the batch helpers.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use tm_core::batch::{BatchOptions, Outcome};
use tm_core::clock::{Clock, ManualClock};
use tm_core::endpoints::trackings::{
    GetStatusCounts, GetTracking, ListTrackings, RealtimeTracking,
};
use tm_core::models::{NewTracking, RealtimeQuery, TrackingRef, TrackingUpdate};
use tm_core::{ApiErrorKind, Client, RateLimits, RetryPolicy, Transport};
use tm_mock::{FaultConfig, FaultKind, FaultRule, FaultTiming, SimConfig, Simulator};
use tm_tests::{http_transport, key, loopback, plain_client, Front, Harness};

const KEY: &str = "reliability-key-1";

fn number(i: usize) -> String {
    format!("LZ{i:09}CN")
}

fn new_items(n: usize) -> Vec<NewTracking> {
    (0..n)
        .map(|i| NewTracking::new("china-post", number(i)))
        .collect()
}

/// 30 % 503 with `Retry-After` 0 or 1 s, 10 % dropped connections (half of
/// them after the request was applied), 5 % truncated bodies (after), and
/// 0–2 ms latency on every call.
fn storm() -> FaultConfig {
    FaultConfig::new()
        .seed(2024)
        .rule(FaultRule::latency(0, 2))
        .rule(
            FaultRule::new(FaultKind::Http503)
                .probability(0.15)
                .retry_after(0),
        )
        .rule(
            FaultRule::new(FaultKind::Http503)
                .probability(0.15 / 0.85)
                .retry_after(1),
        )
        .rule(
            FaultRule::new(FaultKind::Drop)
                .probability(0.05 / 0.70)
                .when(FaultTiming::Before),
        )
        .rule(
            FaultRule::new(FaultKind::Drop)
                .probability(0.05 / 0.65)
                .when(FaultTiming::After),
        )
        .rule(
            FaultRule::new(FaultKind::Truncate)
                .probability(0.05 / 0.60)
                .when(FaultTiming::After),
        )
}

fn patient_client(transport: Arc<dyn Transport>, clock: &ManualClock) -> Client {
    Client::builder_arc(transport)
        .retry(RetryPolicy {
            max_attempts: 60,
            ..RetryPolicy::default()
        })
        .rate_limits(None)
        .clock(Arc::new(clock.clone()))
        .build()
}

async fn import_5000(front: Front) {
    const N: usize = 5_000;
    let h = Harness::start(front, SimConfig::default()).await;
    let sim = h.sim().clone();
    sim.set_faults(storm());
    let clock = ManualClock::new();
    let client = patient_client(h.transport(KEY), &clock);
    let input = new_items(N);
    let options = BatchOptions {
        concurrency: 4,
        ..BatchOptions::default()
    };
    let report = client
        .create_many(futures::stream::iter(input.clone()), &options)
        .await;
    sim.clear_faults();

    // Every input item has exactly one outcome, in input order, and all were created.
    assert_eq!(report.outcomes.len(), N, "[{front:?}]");
    let mut recovered = 0;
    for (i, o) in report.outcomes.iter().enumerate() {
        assert_eq!(o.index, i);
        assert_eq!(o.item, input[i]);
        match &o.outcome {
            Outcome::Created {
                recovered: true, ..
            } => recovered += 1,
            Outcome::Created { .. } => {}
            other => panic!("[{front:?}] item {i}: {other:?}"),
        }
    }
    assert!(report.all_succeeded());
    assert_eq!(report.progress().succeeded, N);

    // The faults really happened, and some recoveries went through 4016.
    let journal = sim.journal();
    let count = |f: &str| {
        journal
            .iter()
            .filter(|e| e.fault.as_deref() == Some(f))
            .count()
    };
    let (e503, drops, cuts) = (count("http503"), count("drop"), count("truncate"));
    assert!(
        e503 >= 20 && drops >= 5 && cuts >= 2,
        "[{front:?}] 503: {e503}, drops: {drops}, truncations: {cuts}"
    );
    assert!(
        recovered > 0,
        "[{front:?}] no create was recovered through 4016"
    );
    let retried_4016 = journal
        .iter()
        .filter(|e| e.endpoint.as_deref() == Some("trackings.batch") && e.meta_code == Some(201))
        .count();
    assert!(
        retried_4016 > 0,
        "[{front:?}] no retry met its own earlier attempt"
    );

    // Exactly N stored, no duplicates.
    assert_eq!(sim.tracking_count(), N, "[{front:?}]");
    let checker = h.client(KEY);
    let counts = checker.execute(&GetStatusCounts::new()).await.unwrap();
    assert_eq!(counts.total(), N as u64);
    let numbers: Vec<String> = checker
        .list_all(ListTrackings::new().limit(2000).unwrap())
        .map(|t| t.expect("list page").tracking_number)
        .collect()
        .await;
    assert_eq!(numbers.len(), N);
    let unique: HashSet<&String> = numbers.iter().collect();
    assert_eq!(unique.len(), N, "duplicates stored");
    let expected: HashSet<String> = (0..N).map(number).collect();
    assert!(numbers.iter().all(|n| expected.contains(n)));
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_5000_under_faults_in_process() {
    import_5000(Front::InProcess).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_5000_under_faults_over_http() {
    import_5000(Front::Http).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_failing_ends_failed_within_budget() {
    const N: usize = 200;
    let budget = Duration::from_secs(5);
    let sim = Simulator::new(SimConfig::default());
    sim.set_faults(FaultConfig::new().rule(FaultRule::new(FaultKind::Http503).retry_after(1)));
    let clock = ManualClock::new();
    let client = Client::builder(sim.transport(key(KEY)))
        .retry(
            RetryPolicy {
                max_attempts: 1_000,
                ..RetryPolicy::default()
            }
            .with_budget(budget),
        )
        .rate_limits(None)
        .clock(Arc::new(clock.clone()))
        .build();
    let options = BatchOptions {
        concurrency: 1,
        ..BatchOptions::default()
    };
    let report = client
        .create_many(futures::stream::iter(new_items(N)), &options)
        .await;
    assert_eq!(report.outcomes.len(), N);
    for (i, o) in report.outcomes.iter().enumerate() {
        assert_eq!(o.index, i);
        // A 503 may follow an applied call and the read-back is refused too:
        // the honest answer is "unknown", never "failed".
        match &o.outcome {
            Outcome::Unknown { message } => assert!(message.contains("503"), "{message}"),
            other => panic!("item {i}: {other:?}"),
        }
    }
    assert_eq!(report.progress().unknown, N);
    // 5 chunks, each retried at 0, 1, 2, 3 s and stopped before crossing 5 s,
    // then read back under the same policy.
    let chunks = N.div_ceil(40);
    assert_eq!(sim.journal().len(), chunks * 5 * 2);
    assert!(clock.sleeps().iter().all(|s| *s == Duration::from_secs(1)));
    assert!(clock.now() < budget * 2 * chunks as u32);
    assert_eq!(sim.tracking_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_times_out() {
    let listener = tokio::net::TcpListener::bind(loopback()).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket); // accepted, never read from or written to
        }
    });
    let timeout = Duration::from_millis(300);
    let transport = http_transport(&format!("http://{addr}/v2"), KEY, timeout);
    let clock = ManualClock::new();
    let client = Client::builder(transport)
        .retry(RetryPolicy {
            max_attempts: 2,
            ..RetryPolicy::default()
        })
        .rate_limits(None)
        .clock(Arc::new(clock.clone()))
        .build();
    let started = Instant::now();
    let (result, attempts) = tokio::time::timeout(
        Duration::from_secs(60),
        client.execute_traced(
            &GetTracking::new("ups", "1Z97X17XYW06605211").unwrap(),
            &Default::default(),
        ),
    )
    .await
    .expect("the call ends by itself");
    let error = result.expect_err("nothing answers");
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(attempts.count, 2, "timeouts are retried up to max_attempts");
    assert!(attempts.ambiguous);
    assert!(
        started.elapsed() >= timeout * 2,
        "each attempt waited its timeout"
    );
    holder.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_tasks_under_client_limits_never_see_429() {
    let h = Harness::start(Front::Http, SimConfig::default()).await;
    let sim = h.sim().clone();
    let setup = h.client(KEY);
    for i in 0..8 {
        setup
            .create_tracking(NewTracking::new("china-post", number(i)))
            .await
            .unwrap();
    }
    sim.set_rate_limits(true);
    sim.clear_journal();
    let client = Client::builder_arc(h.transport(KEY))
        .retry(RetryPolicy::none())
        .rate_limits(Some(RateLimits::V2))
        .build();
    let mut tasks = Vec::new();
    for t in 0..8usize {
        let c = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut errors = Vec::new();
            for call in 0..5usize {
                let r = match (call, t) {
                    (4, 0..=2) => c.execute(&ListTrackings::new()).await.map(drop),
                    (1, _) => c
                        .execute(
                            &RealtimeTracking::new(RealtimeQuery::new(
                                "ups",
                                format!("1Z97X17XYW0660{t:02}{call:02}"),
                            ))
                            .unwrap(),
                        )
                        .await
                        .map(drop),
                    _ => c
                        .execute(&GetTracking::new("china-post", number((t + call) % 8)).unwrap())
                        .await
                        .map(drop),
                };
                if let Err(e) = r {
                    errors.push(e.to_string());
                }
            }
            errors
        }));
    }
    for t in tasks {
        let errors = t.await.unwrap();
        assert!(errors.is_empty(), "{errors:?}");
    }
    let journal = sim.journal();
    assert_eq!(journal.len(), 8 * 5);
    let limited = journal.iter().filter(|e| e.status == 429).count();
    assert_eq!(limited, 0, "the server refused {limited} calls");
    assert!(sim.rate_limits());
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_helpers_give_one_outcome_per_input() {
    let sim = Simulator::new(SimConfig::default());
    let client = plain_client(Arc::new(sim.transport(key(KEY))));
    let options = BatchOptions::default();
    let created = client
        .create_many(futures::stream::iter(new_items(50)), &options)
        .await;
    assert!(created.all_succeeded());
    // 50 known and 30 unknown keys, interleaved: 80 items, 2 chunks.
    let mut next_known = 0;
    let refs: Vec<TrackingRef> = (0..80)
        .map(|i| {
            if i % 8 < 3 {
                TrackingRef::new("china-post", format!("LZ{:09}XX", 900 + i))
            } else {
                next_known += 1;
                TrackingRef::new("china-post", number(next_known - 1))
            }
        })
        .collect();
    let known: Vec<bool> = refs
        .iter()
        .map(|r| r.tracking_number.ends_with("CN"))
        .collect();
    assert_eq!(known.iter().filter(|k| **k).count(), 50);
    let distinct: HashSet<&TrackingRef> = refs.iter().collect();
    assert_eq!(distinct.len(), 80);

    let check =
        |label: &str, outcomes: Vec<(usize, TrackingRef, Outcome)>, ok: fn(&Outcome) -> bool| {
            assert_eq!(outcomes.len(), refs.len(), "{label}");
            for (i, (index, item, outcome)) in outcomes.into_iter().enumerate() {
                assert_eq!((index, &item), (i, &refs[i]), "{label}");
                if known[i] {
                    assert!(ok(&outcome), "{label} item {i}: {outcome:?}");
                } else {
                    match outcome {
                        Outcome::Failed {
                            code: Some(4017),
                            kind: Some(ApiErrorKind::NotFound),
                            ..
                        } => {}
                        other => panic!("{label} item {i}: {other:?}"),
                    }
                }
            }
        };

    let update = TrackingUpdate {
        title: Some("bulk".into()),
        ..TrackingUpdate::default()
    };
    let report = client
        .update_many(
            futures::stream::iter(refs.iter().cloned().map(|r| (r, update.clone()))),
            &options,
        )
        .await;
    check(
        "update_many",
        report
            .outcomes
            .into_iter()
            .map(|o| (o.index, o.item.0, o.outcome))
            .collect(),
        |o| matches!(o, Outcome::Updated(Some(t)) if t.title.as_deref() == Some("bulk")),
    );
    let report = client
        .stop_updating_many(futures::stream::iter(refs.clone()), &options)
        .await;
    check(
        "stop_updating_many",
        report
            .outcomes
            .into_iter()
            .map(|o| (o.index, o.item, o.outcome))
            .collect(),
        |o| matches!(o, Outcome::Stopped),
    );
    let report = client
        .delete_many(futures::stream::iter(refs.clone()), &options)
        .await;
    check(
        "delete_many",
        report
            .outcomes
            .into_iter()
            .map(|o| (o.index, o.item, o.outcome))
            .collect(),
        |o| matches!(o, Outcome::Deleted),
    );
    assert_eq!(sim.tracking_count(), 0);
}

/// The simulated clock as an HTTP `Date` value.
fn simulated_date(sim: &Simulator) -> String {
    sim.now().format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Every answer carries `Date` = the simulated clock (over HTTP it replaces
/// hyper's real-time one), so a client that lost the answer to its very first
/// call (a create) can still tell, from `created_at` and `Date`, whether its
/// create landed or the tracking existed before.
#[tokio::test]
async fn a_lost_first_create_is_settled_against_the_simulated_clock() {
    use tm_core::Endpoint;
    use tm_tests::RawCall;
    for front in [Front::InProcess, Front::Http] {
        let h = Harness::start(front, SimConfig::default()).await;
        let sim = h.sim().clone();
        // The simulated clock is far from real time (the default start is in the past).
        let real = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        assert!(real - sim.now().timestamp() > 86_400, "[{front:?}]");

        // A success, an API error, a request without a key and an admin
        // answer all carry the simulated time, once.
        let transport = h.transport(KEY);
        let mut answers = Vec::new();
        for path in ["/trackings/get", "/trackings/china-post/NOPE0001"] {
            let r = transport.send(RawCall::get(path).to_wire().unwrap()).await;
            answers.push((path, r.unwrap()));
        }
        for path in ["/trackings/get", "/_mock/clock"] {
            let r = h
                .send_raw(RawCall::get(path).to_wire().unwrap(), None)
                .await;
            answers.push((path, r.unwrap()));
        }
        for (path, r) in &answers {
            let dates: Vec<_> = r.headers.get_all(http::header::DATE).iter().collect();
            assert_eq!(dates, [simulated_date(&sim).as_str()], "[{front:?}] {path}");
        }

        // A tracking that existed before this run (created a minute earlier).
        let setup = h.client(KEY);
        setup
            .create_tracking(NewTracking::new("china-post", "LZ000000001CN"))
            .await
            .unwrap();
        sim.advance(Duration::from_secs(60));

        // A fresh client (no server time seen yet) whose first call is a
        // create applied and then cut off.
        let drop_next_create = || {
            FaultConfig::new().rule(
                FaultRule::new(FaultKind::Drop)
                    .endpoint("trackings.post")
                    .times(1)
                    .when(FaultTiming::After),
            )
        };
        sim.set_faults(drop_next_create());
        let clock = ManualClock::new();
        let client = patient_client(h.transport(KEY), &clock);
        let created = client
            .create_tracking(NewTracking::new("china-post", "LZ000000002CN"))
            .await
            .unwrap_or_else(|e| panic!("[{front:?}] a lost first create: {e}"));
        assert!(created.recovered, "[{front:?}]");
        assert_eq!(created.tracking.tracking_number, "LZ000000002CN");

        // The same with a tracking that existed before: already exists.
        sim.set_faults(drop_next_create());
        let client = patient_client(h.transport(KEY), &clock);
        let e = client
            .create_tracking(NewTracking::new("china-post", "LZ000000001CN"))
            .await
            .expect_err("it existed before");
        assert_eq!(
            e.api_kind(),
            Some(ApiErrorKind::AlreadyExists),
            "[{front:?}] {e}"
        );
        let drops = sim
            .journal()
            .iter()
            .filter(|e| e.fault.as_deref() == Some("drop"))
            .count();
        assert_eq!(drops, 2, "[{front:?}]");
        h.shutdown().await;
    }
}
