//! `tm_core::webhook`: known vector, every refusal its own error, both placements.

use serde_json::{json, Value};
use tm_core::webhook::{self, Placement, Tolerance, WebhookError};

const KEY: &str = "shop@example.com";
const T: i64 = 1_488_249_109;
// Computed independently with Python's standard library, not with tm:
//   hmac.new(b"shop@example.com", b"1488249109", hashlib.sha256).hexdigest()
const KNOWN_SIGNATURE: &str = "f965e505f866444b796167ba4e576a5d7d0e0979e72d3ef557e5a2ed8dfda3ea";

fn tracking() -> Value {
    json!({
        "id": "0b5a3a1c2e7d4f00a1b2c3d4e5f60718",
        "tracking_number": "RR123456789CN",
        "carrier_code": "china-post",
        "status": "transit",
        "substatus": "transit001",
        "track_update": true,
        "lastEvent": "Departed from sorting center",
        "origin_info": {"trackinfo": [
            {"Date": "2026-12-01 08:00:00", "StatusDescription": "Departed from sorting center",
             "Details": "Shanghai", "checkpoint_status": "transit", "substatus": "transit001"}
        ]}
    })
}

fn body_with(info: Value) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"meta": {"code": 200, "type": "Success", "message": "Success"},
        "data": tracking(), "verifyInfo": info}),
    )
    .unwrap()
}

fn verify(body: &[u8], now: i64) -> Result<webhook::WebhookEvent, WebhookError> {
    webhook::verify(body, &[KEY], now, Tolerance::default())
}

#[test]
fn sign_matches_an_independently_computed_vector() {
    assert_eq!(webhook::sign(KEY, T), KNOWN_SIGNATURE);
}

#[test]
fn known_vector_verifies_and_types_the_event() {
    let body = body_with(json!({"timeStr": T, "signature": KNOWN_SIGNATURE}));
    let event = verify(&body, T + 10).unwrap();
    assert_eq!(event.tracking.tracking_number, "RR123456789CN");
    assert_eq!(event.tracking.carrier_code, "china-post");
    assert_eq!(event.time_str(), T);
    assert_eq!(event.signature(), KNOWN_SIGNATURE);
    assert_eq!(event.verify_info.placement, Placement::TopLevel);
    assert_eq!(event.meta.unwrap().code, 200);
}

#[test]
fn signed_body_round_trips() {
    let body = webhook::signed_body(&tracking(), KEY, T);
    let event = verify(&body, T).unwrap();
    assert_eq!(event.tracking.status.to_string(), "transit");
}

#[test]
fn verify_info_inside_data_is_accepted() {
    let mut data = tracking();
    data["verifyInfo"] = json!({"timeStr": T, "signature": KNOWN_SIGNATURE});
    let body = serde_json::to_vec(&json!({"data": data})).unwrap();
    let event = verify(&body, T).unwrap();
    assert_eq!(event.verify_info.placement, Placement::InsideData);
    // verifyInfo is not left in the tracking's unknown fields.
    assert!(!event.tracking.extra.contains_key("verifyInfo"));
}

#[test]
fn time_str_as_numeric_string_is_accepted() {
    let body = body_with(json!({"timeStr": T.to_string(), "signature": KNOWN_SIGNATURE}));
    assert_eq!(verify(&body, T).unwrap().time_str(), T);
}

#[test]
fn upper_case_hex_is_accepted() {
    let body = body_with(json!({"timeStr": T, "signature": KNOWN_SIGNATURE.to_uppercase()}));
    assert!(verify(&body, T).is_ok());
}

#[test]
fn second_candidate_key_matches() {
    let body = body_with(json!({"timeStr": T, "signature": KNOWN_SIGNATURE}));
    let event = webhook::verify(&body, &["old@example.com", KEY], T, Tolerance::default()).unwrap();
    assert_eq!(event.key_index, 1);
}

#[test]
fn tampered_signature_is_bad_signature() {
    let mut sig = KNOWN_SIGNATURE.to_string();
    sig.replace_range(0..1, "0");
    let body = body_with(json!({"timeStr": T, "signature": sig}));
    assert_eq!(verify(&body, T).unwrap_err(), WebhookError::BadSignature);
    // Not hex / wrong length also refused as a bad signature, never a panic.
    for sig in ["zz", "", &"g".repeat(64)] {
        let body = body_with(json!({"timeStr": T, "signature": sig}));
        assert_eq!(verify(&body, T).unwrap_err(), WebhookError::BadSignature);
    }
}

#[test]
fn tampered_time_str_is_bad_signature() {
    let body = body_with(json!({"timeStr": T + 1, "signature": KNOWN_SIGNATURE}));
    assert_eq!(verify(&body, T).unwrap_err(), WebhookError::BadSignature);
    // A string with a leading zero is different signed text.
    let body = body_with(json!({"timeStr": format!("0{T}"), "signature": KNOWN_SIGNATURE}));
    assert_eq!(verify(&body, T).unwrap_err(), WebhookError::BadSignature);
}

#[test]
fn wrong_key_is_bad_signature() {
    let body = webhook::signed_body(&tracking(), "other@example.com", T);
    assert_eq!(verify(&body, T).unwrap_err(), WebhookError::BadSignature);
}

#[test]
fn stale_and_future_are_distinct() {
    let body = webhook::signed_body(&tracking(), KEY, T);
    assert!(verify(&body, T + 300).is_ok());
    assert!(verify(&body, T - 300).is_ok());
    assert_eq!(
        verify(&body, T + 301).unwrap_err(),
        WebhookError::Stale {
            time_str: T,
            age: 301,
            tolerance: 300
        }
    );
    assert_eq!(
        verify(&body, T - 301).unwrap_err(),
        WebhookError::Future {
            time_str: T,
            ahead: 301,
            tolerance: 300
        }
    );
    // Unchecked skips only the time.
    assert!(webhook::verify(&body, &[KEY], T + 86_400 * 365, Tolerance::Unchecked).is_ok());
    assert_eq!(Tolerance::from_secs_or_unchecked(0), Tolerance::Unchecked);
}

#[test]
fn signature_is_checked_before_time() {
    // A forged old body says "bad signature", not "stale".
    let body = webhook::signed_body(&tracking(), "attacker@example.com", T);
    assert_eq!(
        verify(&body, T + 10_000).unwrap_err(),
        WebhookError::BadSignature
    );
}

#[test]
fn missing_pieces_are_distinct_errors() {
    let no_info = serde_json::to_vec(&json!({"data": tracking()})).unwrap();
    assert_eq!(
        verify(&no_info, T).unwrap_err(),
        WebhookError::MissingVerifyInfo
    );
    let no_time = body_with(json!({"signature": KNOWN_SIGNATURE}));
    assert_eq!(
        verify(&no_time, T).unwrap_err(),
        WebhookError::MissingField("timeStr")
    );
    let no_sig = body_with(json!({"timeStr": T}));
    assert_eq!(
        verify(&no_sig, T).unwrap_err(),
        WebhookError::MissingField("signature")
    );
    let no_data =
        serde_json::to_vec(&json!({"verifyInfo": {"timeStr": T, "signature": KNOWN_SIGNATURE}}))
            .unwrap();
    assert_eq!(
        verify(&no_data, T).unwrap_err(),
        WebhookError::MissingField("data")
    );
}

#[test]
fn invalid_fields_are_typed() {
    for bad in [json!(1.5), json!("12a"), json!(""), json!(true)] {
        let body = body_with(json!({"timeStr": bad, "signature": KNOWN_SIGNATURE}));
        let err = verify(&body, T).unwrap_err();
        assert!(
            matches!(
                err,
                WebhookError::InvalidField {
                    field: "timeStr",
                    ..
                }
            ),
            "{err:?}"
        );
    }
    let body = body_with(json!({"timeStr": T, "signature": 7}));
    assert!(matches!(
        verify(&body, T).unwrap_err(),
        WebhookError::InvalidField {
            field: "signature",
            ..
        }
    ));
}

#[test]
fn non_json_and_non_tracking_bodies_are_malformed() {
    for body in [&b"tracking_number=RR1"[..], b"", b"[1,2]", b"\xff\xfe"] {
        let err = verify(body, T).unwrap_err();
        assert_eq!(err.kind(), "malformed_body", "{body:?}");
    }
    // Authentic signature but `data` not a tracking: still refused, as malformed.
    let body = webhook::signed_body(&json!({"nope": 1}), KEY, T);
    assert_eq!(verify(&body, T).unwrap_err().kind(), "malformed_body");
}

#[test]
fn no_key_fails_closed() {
    let body = webhook::signed_body(&tracking(), "", T);
    let none: [&str; 0] = [];
    assert_eq!(
        webhook::verify(&body, &none, T, Tolerance::default()).unwrap_err(),
        WebhookError::NoKeys
    );
    assert_eq!(
        webhook::verify(&body, &[""], T, Tolerance::default()).unwrap_err(),
        WebhookError::NoKeys
    );
}

#[test]
fn parse_reads_without_verifying() {
    let body = webhook::signed_body(&tracking(), "anyone", T);
    let event = webhook::parse(&body).unwrap();
    assert_eq!(event.tracking.tracking_number, "RR123456789CN");
}
