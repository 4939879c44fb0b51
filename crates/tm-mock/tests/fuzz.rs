//! Random requests never panic and always get an envelope with a meta code.

use bytes::Bytes;
use http::Method;
use proptest::prelude::*;
use tm_mock::{SimConfig, SimRequest, Simulator};

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::GET),
        Just(Method::POST),
        Just(Method::PUT),
        Just(Method::DELETE),
        Just(Method::PATCH),
        Just(Method::HEAD)
    ]
}

fn path() -> impl Strategy<Value = String> {
    let seg = prop_oneof![
        Just("trackings".to_string()),
        Just("carriers".to_string()),
        Just("v2".to_string()),
        Just("post".to_string()),
        Just("get".to_string()),
        Just("batch".to_string()),
        Just("detect".to_string()),
        Just("ups".to_string()),
        Just("RN123456789CN".to_string()),
        Just("_mock".to_string()),
        Just("clock".to_string()),
        Just("%ff%zz".to_string()),
        "[a-zA-Z0-9%_-]{0,12}",
    ];
    proptest::collection::vec(seg, 0..5).prop_map(|v| format!("/{}", v.join("/")))
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        Just(b"{\"tracking_number\":\"RN123456789CN\",\"carrier_code\":\"china-post\"}".to_vec()),
        Just(b"[{\"tracking_number\":\"TMDELIV0001\",\"carrier_code\":\"dhl\",\"status\":\"9999999999999999999999\"}]".to_vec()),
        Just(b"{\"track_number\":[1,2,{}]}".to_vec()),
        Just(b"{\"advance_seconds\":-5}".to_vec()),
        Just(b"{\"now\":\"9999-99-99\"}".to_vec()),
        "\\PC{0,40}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]
    #[test]
    fn handle_never_panics(m in method(), p in path(), q in "[a-z_=&%0-9,.-]{0,40}", b in body()) {
        let sim = Simulator::new(SimConfig::default());
        let req = SimRequest::new(m, p).query(q).key("fuzz").body(Bytes::from(b));
        let r = sim.handle(req);
        let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON envelope");
        prop_assert!(v["meta"]["code"].is_i64());
        prop_assert!(v.get("data").is_some());
    }
}
