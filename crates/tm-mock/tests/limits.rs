//! Checked arithmetic: the clock's range, fault rule values and snapshot
//! content are checked, and what is out of range is refused with a typed
//! error (Rust) or a 4012 envelope (admin API) — never a panic, never a
//! half-applied change.

use std::time::Duration;

use chrono::DateTime;
use http::Method;
use serde_json::{json, Value};
use tm_mock::{
    ClockError, FaultConfig, FaultKind, FaultRule, SimConfig, SimRequest, Simulator, SnapshotError,
    CLOCK_MAX, CLOCK_MIN,
};

fn admin(sim: &Simulator, method: Method, path: &str, body: Value) -> tm_mock::SimResponse {
    sim.handle(SimRequest::new(method, path).json(&body))
}

fn create(sim: &Simulator, number: &str) -> Value {
    let r = sim.handle(
        SimRequest::new(Method::POST, "/v2/trackings/post")
            .key("k")
            .json(&json!({"tracking_number": number, "carrier_code": "dhl"})),
    );
    assert_eq!(r.meta_code(), Some(200), "{r:?}");
    r.data().unwrap()
}

fn get(sim: &Simulator, number: &str) -> Value {
    let r =
        sim.handle(SimRequest::new(Method::GET, format!("/v2/trackings/dhl/{number}")).key("k"));
    assert_eq!(r.meta_code(), Some(200), "{r:?}");
    r.data().unwrap()
}

#[test]
fn extreme_clock_values_are_refused_over_the_admin_api() {
    let sim = Simulator::default();
    create(&sim, "TMDELIV0001");
    let before = sim.now();
    for body in [
        json!({"now": i64::MAX}),
        json!({"now": u64::MAX}),
        json!({"now": i64::MIN}),
        json!({"now": -1}),
        json!({"now": CLOCK_MAX + 1}),
        json!({"advance_seconds": i64::MAX}),
        json!({"advance_seconds": u64::MAX}),
        json!({"advance_seconds": CLOCK_MAX}),
    ] {
        let r = admin(&sim, Method::POST, "/_mock/clock", body.clone());
        assert_eq!(r.meta_code(), Some(4012), "{body}: {r:?}");
        let message = r.json().unwrap()["meta"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains("9999-12-31T23:59:59Z"), "{message}");
        assert_eq!(sim.now(), before, "{body} changed the clock");
    }
    // Both ends of the range are accepted, and the API keeps answering there.
    for (now, year) in [(CLOCK_MAX, "9999"), (CLOCK_MIN, "1970")] {
        let r = admin(&sim, Method::POST, "/_mock/clock", json!({ "now": now }));
        assert_eq!(r.meta_code(), Some(200), "{r:?}");
        assert_eq!(r.data().unwrap()["unix"], now);
        let t = get(&sim, "TMDELIV0001");
        assert!(
            t["created_at"].as_str().is_some_and(|c| !c.is_empty()),
            "{t}"
        );
        let r = admin(&sim, Method::GET, "/_mock/clock", json!({}));
        assert!(r.data().unwrap()["now"].as_str().unwrap().starts_with(year));
    }
    // A tracking created at the very end still renders.
    admin(
        &sim,
        Method::POST,
        "/_mock/clock",
        json!({ "now": CLOCK_MAX }),
    );
    let created = create(&sim, "RN123456789CN");
    assert_eq!(created["created_at"], "9999-12-31T23:59:59+00:00");
}

#[test]
fn extreme_clock_values_are_typed_errors_in_rust() {
    let sim = Simulator::default();
    let start = sim.now();
    let e = sim.try_advance(Duration::MAX).unwrap_err();
    assert!(matches!(e, ClockError::OutOfRange { .. }), "{e:?}");
    assert_eq!(sim.now(), start);
    let e = sim
        .try_set_now(DateTime::from_timestamp(-86_400, 0).unwrap())
        .unwrap_err();
    assert_eq!(e, ClockError::OutOfRange { unix: -86_400 });
    assert_eq!(sim.now(), start);
    let end = sim
        .try_advance(Duration::from_secs(86_400))
        .expect("a day is fine");
    assert_eq!(end.timestamp(), start.timestamp() + 86_400);
    // The infallible forms stop at the ends of the range.
    sim.advance(Duration::MAX);
    assert_eq!(sim.now().timestamp(), CLOCK_MAX);
    sim.set_now(DateTime::<chrono::Utc>::MIN_UTC);
    assert_eq!(sim.now().timestamp(), CLOCK_MIN);
    // A configured start out of range starts at the nearest end.
    let late = Simulator::new(SimConfig {
        start: DateTime::<chrono::Utc>::MAX_UTC,
        ..SimConfig::default()
    });
    assert_eq!(late.now().timestamp(), CLOCK_MAX);
}

#[test]
fn fault_values_out_of_range_are_refused() {
    let sim = Simulator::default();
    for rules in [
        json!([{"kind": "latency", "min_ms": 0, "max_ms": u64::MAX}]),
        json!([{"kind": "latency", "min_ms": u64::MAX, "max_ms": u64::MAX}]),
        json!([{"kind": "drop", "probability": 2.0}]),
        json!([{"kind": "drop", "probability": -0.5}]),
        json!([{"kind": "http503", "retry_after": u64::MAX}]),
        json!([{"kind": "html", "status": 1000}]),
        json!([{"kind": "drop", "times": 0}]),
    ] {
        let r = admin(
            &sim,
            Method::POST,
            "/_mock/faults",
            json!({ "rules": rules }),
        );
        assert_eq!(r.meta_code(), Some(4012), "{rules}: {r:?}");
        let message = r.json().unwrap()["meta"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains("rules[0]."), "{message}");
        assert!(sim.faults().rules.is_empty(), "{rules} was applied");
    }
    // Rust: typed error and nothing applied; the infallible form clamps.
    let huge = FaultConfig::new().rule(FaultRule::latency(u64::MAX, u64::MAX));
    let e = sim.try_set_faults(huge.clone()).unwrap_err();
    assert_eq!(e.field, "rules[0].min_ms");
    assert!(sim.faults().rules.is_empty());
    sim.set_faults(huge);
    assert_eq!(sim.faults().rules[0].max_ms, tm_mock::MAX_LATENCY_MS);
    sim.try_set_faults(FaultConfig::new().rule(FaultRule::new(FaultKind::Http503).times(1)))
        .unwrap();
    let r = sim.process(SimRequest::new(Method::GET, "/v2/carriers").key("k"));
    match r.outcome {
        tm_mock::Outcome::Respond(r) => assert_eq!(r.meta_code(), Some(503)),
        other => panic!("{other:?}"),
    }
}

/// A snapshot of one account with two trackings, as JSON to edit.
fn snapshot() -> Value {
    let sim = Simulator::new(SimConfig {
        keys: Some(vec!["k".into()]),
        ..SimConfig::default()
    });
    create(&sim, "TMDELIV0001");
    create(&sim, "TMEXCEPT0001");
    serde_json::from_slice(&sim.snapshot()).unwrap()
}

fn restore(v: &Value) -> Result<Simulator, SnapshotError> {
    Simulator::restore(&serde_json::to_vec(v).unwrap())
}

#[test]
fn bad_snapshots_are_refused() {
    let good = snapshot();
    assert_eq!(restore(&good).unwrap().tracking_count(), 2);

    let mut dup = good.clone();
    let first = dup["accounts"][0]["trackings"][0].clone();
    dup["accounts"][0]["trackings"]
        .as_array_mut()
        .unwrap()
        .push(first);
    let e = restore(&dup).unwrap_err();
    assert!(matches!(e, SnapshotError::Invalid(_)), "{e:?}");
    assert!(e.to_string().contains("twice"), "{e}");

    let mut same_number = good.clone();
    let mut t = same_number["accounts"][0]["trackings"][0].clone();
    t["id"] = json!(format!("{:032x}", 7));
    same_number["accounts"][0]["trackings"]
        .as_array_mut()
        .unwrap()
        .push(t);
    assert!(restore(&same_number)
        .unwrap_err()
        .to_string()
        .contains("listed twice"));

    let mut two_accounts = good.clone();
    let a = two_accounts["accounts"][0].clone();
    two_accounts["accounts"].as_array_mut().unwrap().push(a);
    assert!(restore(&two_accounts)
        .unwrap_err()
        .to_string()
        .contains("key hash"));

    let mut bad_id = good.clone();
    bad_id["accounts"][0]["trackings"][0]["id"] = json!("not-hex");
    assert!(matches!(
        restore(&bad_id).unwrap_err(),
        SnapshotError::Malformed(_)
    ));

    let mut bad_number = good.clone();
    bad_number["accounts"][0]["trackings"][0]["number"] = json!("a b");
    assert!(restore(&bad_number)
        .unwrap_err()
        .to_string()
        .contains("invalid tracking number"));

    let mut far = good.clone();
    far["now"] = json!(i64::MAX);
    assert!(restore(&far).unwrap_err().to_string().contains("clock"));

    let mut far_tracking = good.clone();
    far_tracking["accounts"][0]["trackings"][0]["anchor"] = json!(i64::MAX);
    assert!(restore(&far_tracking)
        .unwrap_err()
        .to_string()
        .contains("range"));

    let mut orphan = good.clone();
    orphan["configured"] = json!([format!("{:032x}", 1)]);
    assert!(restore(&orphan)
        .unwrap_err()
        .to_string()
        .contains("no account"));

    let mut format = good;
    format["format"] = json!(2);
    assert_eq!(
        restore(&format).unwrap_err(),
        SnapshotError::UnknownFormat(2)
    );
}
