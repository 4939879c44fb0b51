//! Any request must get an answer with a v2 envelope from the simulator, never a panic.
#![no_main]

use bytes::Bytes;
use http::Method;
use libfuzzer_sys::fuzz_target;
use tm_mock::{SimConfig, SimRequest, Simulator};

const METHODS: [Method; 5] = [Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::PATCH];
const PATHS: [&str; 12] = [
    "/v2/trackings/post",
    "/v2/trackings/batch",
    "/v2/trackings/get",
    "/v2/trackings/ups/1Z999AA10123456784",
    "/v2/trackings/updatemore",
    "/v2/trackings/delete",
    "/v2/trackings/realtime",
    "/v2/trackings/update",
    "/v2/trackings/remote",
    "/v2/trackings/costtime",
    "/v2/trackings/aircargo",
    "/v2/carriers/detect",
];

thread_local! {
    static SIM: Simulator = Simulator::new(SimConfig::default());
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let split = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
    let (query, body) = rest.split_at(split);
    let mut req = SimRequest::new(METHODS[usize::from(sel) % 5].clone(), PATHS[usize::from(sel >> 3) % 12])
        .key("fuzz-key");
    req.query = String::from_utf8_lossy(query).into_owned();
    req.body = Bytes::copy_from_slice(body.get(1..).unwrap_or_default());
    let resp = SIM.with(|sim| sim.handle(req));
    let v: serde_json::Value = serde_json::from_slice(&resp.body).expect("body is JSON");
    assert!(v["meta"]["code"].is_i64(), "no meta.code in {v}");
});
