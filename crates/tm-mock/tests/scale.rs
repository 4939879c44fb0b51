//! Many trackings stay cheap: batch-create 20 000, then list pages and count.

use http::Method;
use serde_json::json;
use tm_mock::{SimConfig, SimRequest, Simulator};

#[test]
fn twenty_thousand_trackings() {
    let sim = Simulator::new(SimConfig {
        credits: 1e9,
        ..SimConfig::default()
    });
    for b in 0..500 {
        let items: Vec<_> = (0..40).map(|i| json!({"tracking_number": format!("RN{:09}CN", b * 40 + i), "carrier_code": "china-post"})).collect();
        let r = sim.handle(
            SimRequest::new(Method::POST, "/trackings/batch")
                .key("k")
                .json(&json!(items)),
        );
        assert_eq!(r.meta_code(), Some(200));
    }
    assert_eq!(sim.tracking_count(), 20_000);
    sim.advance(std::time::Duration::from_secs(10 * 86_400));
    let r = sim.handle(SimRequest::new(Method::GET, "/trackings/getstatusnumber").key("k"));
    let d = r.data().unwrap();
    let total: u64 = d
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total, 20_000);
    let r = sim.handle(
        SimRequest::new(Method::GET, "/trackings/get")
            .query("status=transit&page=3&limit=50")
            .key("k"),
    );
    let d = r.data().unwrap();
    assert_eq!(d["count"], 50);
    assert_eq!(d["total"], d.get("total").unwrap().clone());
    assert_eq!(
        d["total"].as_str().unwrap().parse::<u64>().unwrap(),
        d_count(&sim, "transit")
    );
    assert!(
        sim.snapshot().len() / 20_000 < 2048,
        "snapshot bytes per tracking"
    );
}

fn d_count(sim: &Simulator, status: &str) -> u64 {
    let r = sim.handle(SimRequest::new(Method::GET, "/trackings/getstatusnumber").key("k"));
    r.data().unwrap()[status].as_u64().unwrap()
}
