//! `model_with_extra!` decodes `Tracking`, `CarrierInfo` and `Checkpoint`
//! exactly as the derived `#[serde(flatten)]` models did (kept in `legacy`):
//! every complete JSON object in every fixture, generated trackings with many
//! checkpoints and unknown fields at each level, and thousands of random
//! objects (nulls, wrong types, duplicate and escaped keys) give the same value
//! (or the same error) and the same serialized JSON, read from text, from a
//! reader and from a `serde_json::Value`.

use std::fmt::Debug;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use super::{legacy, CarrierInfo, Checkpoint, Tracking};
use crate::models::{Status, Timestamp};

/// One decode as text: the value's `Debug` and its serialized JSON, or the error.
fn outcome<T: Debug + Serialize>(
    r: Result<T, serde_json::Error>,
) -> Result<(String, String), String> {
    match r {
        Ok(v) => Ok((
            format!("{v:#?}"),
            serde_json::to_string(&v).expect("serializes"),
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Decodes `text` as `N` (new) and `L` (legacy) three ways (text, reader: keys
/// never borrowed, `Value`: keys owned) and checks both agree each time.
/// True when it decoded.
fn agree<N, L>(text: &str) -> bool
where
    N: DeserializeOwned + Debug + Serialize,
    L: DeserializeOwned + Debug + Serialize,
{
    let new = outcome(serde_json::from_str::<N>(text));
    let old = outcome(serde_json::from_str::<L>(text));
    assert_eq!(new, old, "from_str disagrees on {text}");
    let new_r = outcome(serde_json::from_reader::<_, N>(text.as_bytes()));
    let old_r = outcome(serde_json::from_reader::<_, L>(text.as_bytes()));
    assert_eq!(new_r, old_r, "from_reader disagrees on {text}");
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        let new_v = outcome(serde_json::from_value::<N>(value.clone()));
        let old_v = outcome(serde_json::from_value::<L>(value));
        assert_eq!(new_v, old_v, "from_value disagrees on {text}");
    }
    new.is_ok()
}

/// Checks all three models on `text`; how many of them decoded it.
fn agree_all(text: &str) -> [bool; 3] {
    [
        agree::<Tracking, legacy::Tracking>(text),
        agree::<CarrierInfo, legacy::CarrierInfo>(text),
        agree::<Checkpoint, legacy::Checkpoint>(text),
    ]
}

/// Every complete JSON object in `text`, even when `text` is cut off or not
/// valid JSON as a whole (a value is read from each `{`).
fn objects_in(text: &str) -> Vec<String> {
    text.char_indices()
        .filter(|&(_, c)| c == '{')
        .filter_map(|(i, _)| {
            let mut stream = serde_json::Deserializer::from_str(&text[i..]).into_iter::<Value>();
            match stream.next() {
                Some(Ok(Value::Object(_))) => Some(text[i..i + stream.byte_offset()].to_owned()),
                _ => None,
            }
        })
        .collect()
}

#[test]
fn every_fixture_object_decodes_as_before() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = 0;
    let mut decoded = [0usize; 3];
    for entry in std::fs::read_dir(&dir).expect("fixtures dir") {
        let path = entry.expect("entry").path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        files += 1;
        for object in objects_in(&text) {
            for (n, ok) in decoded.iter_mut().zip(agree_all(&object)) {
                *n += usize::from(ok);
            }
        }
    }
    assert!(files >= 30, "only {files} fixture files");
    // The fixtures hold trackings, legs and checkpoints: each model decoded some.
    assert!(
        decoded.iter().all(|&n| n >= 3),
        "decoded per model: {decoded:?}"
    );
}

fn checkpoint_json(i: usize) -> Value {
    let description = ["Item Delivered", "Out for delivery", "Held by customs"][i % 3];
    let status = ["delivered", "pickup", "transit", "inforeceived"][i % 4];
    json!({
        "Date": format!("2026-01-{:02} {:02}:{:02}:00", 1 + i % 28, (i * 7) % 24, (i * 13) % 60),
        "StatusDescription": description,
        "Details": "United States,NEW YORK NY DISTRIBUTION CENTER",
        "checkpoint_status": status,
        "substatus": format!("transit00{}", i % 7),
        "ItemNode": if i % 5 == 0 { json!("ItemReceived") } else { Value::Null },
        "checkpoint_extra": {"seq": i, "tags": ["a", i]},
    })
}

fn leg_json(checkpoints: usize, code: &str) -> Value {
    json!({
        "ReferenceNumber": null,
        "ItemReceived": "2026-01-02 08:10:00",
        "ItemDispatched": "2026-01-03 11:59",
        "DepartfromAirport": "2026/01/04 02:16",
        "ArrivalfromAbroad": null,
        "CustomsClearance": "",
        "DestinationArrived": 0,
        "weblink": "https://post.example/track",
        "phone": 18002758777_i64,
        "carrier_code": code,
        "trackinfo": (0..checkpoints).map(checkpoint_json).collect::<Vec<_>>(),
        "leg_extra": "kept",
    })
}

fn tracking_json(checkpoints: usize) -> Value {
    json!({
        "id": "0123456789abcdef0123456789abcdef",
        "tracking_number": "RP893531375SG",
        "carrier_code": "singapore-post",
        "status": "transit",
        "substatus": "transit001",
        "status_info": {"anything": [1, null]},
        "track_update": "1",
        "created_at": "2026-01-02T08:00:00+00:00",
        "updated_at": "2026-01-08T10:00:00+08:00",
        "order_create_time": "2017/8/27 16:51",
        "title": 42,
        "order_id": "ORD-1",
        "comment": null,
        "customer_name": true,
        "customer_email": ["a@example.com", ""],
        "customer_phone": null,
        "logistics_channel": "",
        "destination_code": "US",
        "archived": "false",
        "original_country": "China",
        "destination_country": "United States",
        "itemTimeLength": "6",
        "stayTimeLength": 0.0,
        "service_code": null,
        "singed_by": "J. SMITH",
        "origin_info": leg_json(checkpoints - checkpoints / 2, "singapore-post"),
        "destination_info": leg_json(checkpoints / 2, "usps"),
        "lastEvent": "Item Delivered,United States,2026-01-08 10:00:00",
        "lastUpdateTime": "2026-01-08 10:00:00",
        "zeta_extra": 1,
        "alpha_extra": {"nested": true},
    })
}

#[test]
fn generated_trackings_decode_as_before() {
    for checkpoints in [0, 1, 20, 200] {
        let text = tracking_json(checkpoints).to_string();
        assert!(agree::<Tracking, legacy::Tracking>(&text));
        let t: Tracking = serde_json::from_str(&text).unwrap();
        assert_eq!(t.checkpoints().len(), checkpoints);
    }
}

/// Keys of each model as sent, for the random objects below.
const TRACKING_KEYS: [&str; 29] = [
    "id",
    "tracking_number",
    "carrier_code",
    "status",
    "substatus",
    "status_info",
    "track_update",
    "created_at",
    "updated_at",
    "order_create_time",
    "title",
    "order_id",
    "comment",
    "customer_name",
    "customer_email",
    "customer_phone",
    "logistics_channel",
    "destination_code",
    "archived",
    "original_country",
    "destination_country",
    "itemTimeLength",
    "stayTimeLength",
    "service_code",
    "singed_by",
    "origin_info",
    "destination_info",
    "lastEvent",
    "lastUpdateTime",
];
const LEG_KEYS: [&str; 11] = [
    "ReferenceNumber",
    "ItemReceived",
    "ItemDispatched",
    "DepartfromAirport",
    "ArrivalfromAbroad",
    "CustomsClearance",
    "DestinationArrived",
    "weblink",
    "phone",
    "carrier_code",
    "trackinfo",
];
const CHECKPOINT_KEYS: [&str; 6] = [
    "Date",
    "StatusDescription",
    "Details",
    "checkpoint_status",
    "substatus",
    "ItemNode",
];

/// A JSON value of the kinds the service sends (and some it should not).
fn random_scalar(rng: &mut fastrand::Rng) -> String {
    const POOL: [&str; 28] = [
        "null",
        "\"\"",
        "\"text\"",
        "\"12\"",
        "\" 7 \"",
        "\"2019-07-25 22:02:05\"",
        "\"2018-04-18T07:26:14+00:00\"",
        "\"2017/8/27 16:51\"",
        "0",
        "12",
        "-3",
        "1.5",
        "1e20",
        "18446744073709551615",
        "true",
        "false",
        "\"true\"",
        "\"0\"",
        "\"yes\"",
        "\"maybe\"",
        "\"delivered\"",
        "\"inforeceived\"",
        "\"transit001\"",
        "[]",
        "[\"a@example.com\", \"\"]",
        "{\"k\": [1, {\"deep\": null}]}",
        "\"esc\\u00e9\\\"q\\\"\"",
        "[1, \"two\"]",
    ];
    POOL[rng.usize(..POOL.len())].to_owned()
}

/// A value of the right kind for `key` (as the lenient readers accept it).
fn fitting_value(rng: &mut fastrand::Rng, key: &str) -> String {
    let pick = |rng: &mut fastrand::Rng, pool: &[&str]| pool[rng.usize(..pool.len())].to_owned();
    match key {
        "created_at" | "updated_at" | "order_create_time" | "lastUpdateTime" | "Date"
        | "ItemReceived" | "ItemDispatched" | "DepartfromAirport" | "ArrivalfromAbroad"
        | "CustomsClearance" | "DestinationArrived" => pick(
            rng,
            &[
                "\"2019-07-25 22:02:05\"",
                "\"2018-04-18T07:26:14+08:00\"",
                "\"2017/8/27 16:51\"",
                "\"2019-07-25\"",
                "\"soon\"",
                "0",
                "1700000000",
                "null",
            ],
        ),
        "track_update" | "archived" => pick(
            rng,
            &["true", "false", "\"1\"", "\"no\"", "0", "\"\"", "null"],
        ),
        "itemTimeLength" | "stayTimeLength" => pick(rng, &["6", "\"6\"", "2.0", "\"\"", "null"]),
        "status" | "checkpoint_status" => pick(
            rng,
            &["\"transit\"", "\"delivered\"", "\"inforeceived\"", "null"],
        ),
        "substatus" => pick(
            rng,
            &["\"transit001\"", "\"notfound002\"", "\"new123\"", "null"],
        ),
        "customer_email" => pick(
            rng,
            &[
                "\"a@example.com\"",
                "\"\"",
                "[\"a@example.com\", \"\"]",
                "null",
            ],
        ),
        "status_info" => random_scalar(rng),
        "ReferenceNumber" | "ItemNode" | "carrier_code" => {
            pick(rng, &["\"RR123\"", "\"\"", "null"])
        }
        "tracking_number" => "\"RP893531375SG\"".to_owned(),
        _ => pick(
            rng,
            &[
                "\"text\"",
                "\"\"",
                "12",
                "1.5",
                "true",
                "null",
                "\"esc\\u00e9\"",
            ],
        ),
    }
}

/// A key as sent: usually plain, sometimes with a JSON escape (not borrowable).
fn random_key(rng: &mut fastrand::Rng, key: &str) -> String {
    if rng.u8(..10) == 0 && !key.is_empty() {
        let first = key.chars().next().unwrap_or('x');
        format!(
            "\"\\u{:04x}{}\"",
            u32::from(first),
            &key[first.len_utf8()..]
        )
    } else {
        format!("\"{key}\"")
    }
}

/// A JSON object with some of `keys` (each possibly twice), some unknown keys,
/// in random order; `nested` gives the value of a key when it wants one.
fn random_object(
    rng: &mut fastrand::Rng,
    keys: &[&str],
    nested: &mut dyn FnMut(&mut fastrand::Rng, &str) -> Option<String>,
) -> String {
    let mut entries: Vec<String> = Vec::new();
    for &key in keys {
        if rng.u8(..10) < 7 {
            let copies = if rng.u8(..40) == 0 { 2 } else { 1 };
            for _ in 0..copies {
                let value = nested(rng, key).unwrap_or_else(|| {
                    // Mostly a value of the right kind, so that many objects decode.
                    if rng.u8(..100) < 97 {
                        fitting_value(rng, key)
                    } else {
                        random_scalar(rng)
                    }
                });
                entries.push(format!("{}: {value}", random_key(rng, key)));
            }
        }
    }
    for _ in 0..rng.usize(..4) {
        let key = ["x_one", "x_two", "extra", "Date2", "TRACKING_NUMBER"][rng.usize(..5)];
        entries.push(format!("{}: {}", random_key(rng, key), random_scalar(rng)));
    }
    rng.shuffle(&mut entries);
    format!("{{{}}}", entries.join(", "))
}

fn random_checkpoint(rng: &mut fastrand::Rng) -> String {
    random_object(rng, &CHECKPOINT_KEYS, &mut |_, _| None)
}

fn random_leg(rng: &mut fastrand::Rng) -> String {
    random_object(rng, &LEG_KEYS, &mut |rng, key| {
        (key == "trackinfo" && rng.u8(..10) < 8).then(|| {
            let items: Vec<String> = (0..rng.usize(..4))
                .map(|_| random_checkpoint(rng))
                .collect();
            format!("[{}]", items.join(", "))
        })
    })
}

fn random_tracking(rng: &mut fastrand::Rng) -> String {
    random_object(rng, &TRACKING_KEYS, &mut |rng, key| match key {
        "origin_info" | "destination_info" if rng.u8(..10) < 8 => Some(random_leg(rng)),
        "tracking_number" | "carrier_code" if rng.u8(..10) < 9 => Some("\"RP893531375SG\"".into()),
        _ => None,
    })
}

#[test]
fn random_objects_decode_as_before() {
    let mut rng = fastrand::Rng::with_seed(11);
    let mut decoded = [0usize; 3];
    const ROUNDS: usize = 2000;
    for _ in 0..ROUNDS {
        let texts = [
            random_tracking(&mut rng),
            random_leg(&mut rng),
            random_checkpoint(&mut rng),
        ];
        for (i, text) in texts.iter().enumerate() {
            decoded[i] += usize::from(agree_all(text)[i]);
        }
    }
    // Random values often have a wrong type somewhere; still, a fair share of
    // each model decodes (so the comparison covers values, not only errors).
    assert!(
        decoded.iter().all(|&n| n >= ROUNDS / 20),
        "decoded per model: {decoded:?}"
    );
}

#[test]
fn non_objects_fail_as_before() {
    for text in [
        "null",
        "1",
        "\"x\"",
        "[]",
        "[\"id\"]",
        "true",
        "{",
        "{\"id\": }",
    ] {
        assert_eq!(agree_all(text), [false; 3], "{text}");
    }
}

#[test]
fn unknown_fields_at_every_level_round_trip() {
    // Input in the order `Serialize` writes (modelled fields, then `extra`),
    // with values in their normal form, so decode → encode gives it back.
    let leg = json!({
        "ReferenceNumber": null,
        "ItemReceived": "2026-01-02 08:10:00",
        "ItemDispatched": null,
        "DepartfromAirport": null,
        "ArrivalfromAbroad": null,
        "CustomsClearance": null,
        "DestinationArrived": null,
        "weblink": null,
        "phone": null,
        "carrier_code": "singapore-post",
        "trackinfo": [{
            "Date": "2026-01-02 08:10:00",
            "StatusDescription": "Posted",
            "Details": "Singapore",
            "checkpoint_status": "transit",
            "substatus": "transit001",
            "checkpoint_zeta": [1, 2],
            "checkpoint_alpha": {"z": 1, "a": 2},
        }],
        "leg_zeta": "z",
        "leg_alpha": 1.5,
    });
    let input = json!({
        "id": "0123456789abcdef0123456789abcdef",
        "tracking_number": "RP893531375SG",
        "carrier_code": "singapore-post",
        "status": "transit",
        "substatus": null,
        "status_info": null,
        "track_update": true,
        "created_at": "2026-01-02T08:00:00+00:00",
        "updated_at": null,
        "order_create_time": 0,
        "title": null,
        "order_id": null,
        "comment": null,
        "customer_name": null,
        "customer_email": "a@example.com",
        "customer_phone": null,
        "logistics_channel": null,
        "destination_code": null,
        "archived": false,
        "original_country": null,
        "destination_country": null,
        "itemTimeLength": 6,
        "stayTimeLength": null,
        "service_code": null,
        "singed_by": null,
        "origin_info": leg,
        "destination_info": null,
        "lastEvent": null,
        "lastUpdateTime": null,
        "zeta": {"kept": ["as", "sent"]},
        "alpha": 18446744073709551615_u64,
    });
    let text = input.to_string();
    let t: Tracking = serde_json::from_str(&text).unwrap();
    let keys = |m: &crate::models::Extra| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&t.extra), ["zeta", "alpha"], "in the order sent");
    let leg = t.origin_info.as_ref().unwrap();
    assert_eq!(keys(&leg.extra), ["leg_zeta", "leg_alpha"]);
    let cp = &leg.trackinfo[0];
    assert_eq!(keys(&cp.extra), ["checkpoint_zeta", "checkpoint_alpha"]);
    assert_eq!(cp.extra["checkpoint_alpha"], json!({"z": 1, "a": 2}));
    assert_eq!(serde_json::to_value(&t).unwrap(), input);
    assert_eq!(
        serde_json::to_string(&t).unwrap(),
        text,
        "same text, same order"
    );
    assert!(agree::<Tracking, legacy::Tracking>(&text));
}

#[test]
fn an_unknown_field_sent_twice_keeps_its_place_and_last_value() {
    let text = r#"{"tracking_number": "N1", "carrier_code": "c", "a": 1, "b": 2, "a": 3}"#;
    let t: Tracking = serde_json::from_str(text).unwrap();
    assert_eq!(
        serde_json::to_value(&t.extra).unwrap(),
        json!({"a": 3, "b": 2})
    );
    assert_eq!(t.extra.keys().collect::<Vec<_>>(), ["a", "b"]);
    assert!(agree::<Tracking, legacy::Tracking>(text));
}

#[test]
fn a_known_field_sent_twice_is_an_error() {
    let text = r#"{"tracking_number": "N1", "carrier_code": "c", "status": "transit", "status": "pending"}"#;
    let e = serde_json::from_str::<Tracking>(text)
        .unwrap_err()
        .to_string();
    assert!(e.contains("duplicate field `status`"), "{e}");
    // Escaped or not, it is the same key.
    let text =
        r#"{"tracking_number": "N1", "carrier_code": "c", "Date2": 1, "\u0063arrier_code": "d"}"#;
    let e = serde_json::from_str::<Tracking>(text)
        .unwrap_err()
        .to_string();
    assert!(e.contains("duplicate field `carrier_code`"), "{e}");
    assert!(!agree::<Tracking, legacy::Tracking>(text));
}

#[test]
fn required_fields_missing_or_null_are_errors() {
    let e = serde_json::from_str::<Tracking>(r#"{"carrier_code": "usps", "status": "transit"}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing field `tracking_number`"), "{e}");
    let e = serde_json::from_str::<Tracking>(r#"{"tracking_number": "N1"}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing field `carrier_code`"), "{e}");
    let e =
        serde_json::from_str::<Tracking>(r#"{"tracking_number": null, "carrier_code": "usps"}"#)
            .unwrap_err()
            .to_string();
    assert!(e.contains("invalid type: null, expected a string"), "{e}");
    // Through the client's decoder: a typed decode error that names the field.
    let body = r#"{"meta":{"code":200,"type":"Success","message":"Success"},"data":{"carrier_code":"usps"}}"#;
    let wire = crate::WireResponse::new(http::StatusCode::OK, body);
    match crate::client::decode_response::<Tracking>(&wire) {
        Err(crate::Error::Decode(d)) => {
            assert!(
                d.message.contains("missing field `tracking_number`"),
                "{}",
                d.message
            )
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn null_fields_decode_as_before() {
    // Each modelled field of each model set to `null` on its own.
    let base = r#""tracking_number": "N1", "carrier_code": "usps""#;
    for key in TRACKING_KEYS {
        let text = match key {
            "tracking_number" => r#"{"tracking_number": null, "carrier_code": "usps"}"#.to_owned(),
            "carrier_code" => r#"{"tracking_number": "N1", "carrier_code": null}"#.to_owned(),
            _ => format!(r#"{{{base}, "{key}": null}}"#),
        };
        let ok = agree::<Tracking, legacy::Tracking>(&text);
        assert_eq!(
            ok,
            !matches!(key, "tracking_number" | "carrier_code"),
            "{text}"
        );
    }
    for key in LEG_KEYS {
        assert!(
            agree::<CarrierInfo, legacy::CarrierInfo>(&format!(r#"{{"{key}": null}}"#)),
            "{key}"
        );
    }
    // A `null` list of events reads as no events (it failed the whole tracking before).
    let leg: CarrierInfo = serde_json::from_str(r#"{"trackinfo": null}"#).unwrap();
    assert!(leg.trackinfo.is_empty());
    let t: Tracking = serde_json::from_str(&format!(
        r#"{{{base}, "origin_info": {{"trackinfo": null}}, "destination_info": {{"trackinfo": []}}}}"#
    ))
    .unwrap();
    assert!(t.checkpoints().is_empty());
    for key in CHECKPOINT_KEYS {
        assert!(agree::<Checkpoint, legacy::Checkpoint>(&format!(
            r#"{{"{key}": null}}"#
        )));
    }
    // What `null` means for the lenient fields: the default, or absent.
    let t: Tracking = serde_json::from_str(&format!(
        r#"{{{base}, "id": null, "status": null, "title": null, "archived": null, "itemTimeLength": null, "origin_info": null, "lastUpdateTime": null}}"#
    ))
    .unwrap();
    assert_eq!((t.id.as_str(), &t.status), ("", &Status::Pending));
    assert_eq!(
        (t.title, t.archived, t.item_time_length),
        (None, None, None)
    );
    assert!(t.origin_info.is_none() && t.last_update_time.is_none());
    let cp: Checkpoint =
        serde_json::from_str(r#"{"Date": null, "StatusDescription": null, "Details": null}"#)
            .unwrap();
    assert_eq!(
        (cp.date, cp.status_description.as_str(), cp.details.as_str()),
        (None, "", "")
    );
    let t: Tracking = serde_json::from_str(&format!(r#"{{{base}, "created_at": 0}}"#)).unwrap();
    assert_eq!(t.created_at.as_ref().map(Timestamp::as_str), Some("0"));
}

#[test]
fn skipping_fields_leaves_them_default_and_reads_the_rest_as_a_full_decode() {
    let skip = ["origin_info", "destination_info"];
    let partial = |text: &str| {
        let mut de = serde_json::Deserializer::from_str(text);
        Tracking::deserialize_skipping(&mut de, &skip).and_then(|t| de.end().map(|()| t))
    };
    for checkpoints in [0, 3, 40] {
        let text = tracking_json(checkpoints).to_string();
        let mut full: Tracking = serde_json::from_str(&text).unwrap();
        assert!(full.origin_info.is_some() && full.destination_info.is_some());
        (full.origin_info, full.destination_info) = (None, None);
        assert_eq!(partial(&text).unwrap(), full);
    }
    // A skipped field that does not match its model is not read at all…
    let text =
        r#"{"tracking_number": "N1", "carrier_code": "c", "origin_info": {"trackinfo": "x"}}"#;
    assert!(serde_json::from_str::<Tracking>(text).is_err());
    assert_eq!(partial(text).unwrap().tracking_number, "N1");
    // …but the JSON is still checked, and the fields read are checked as usual.
    assert!(partial(r#"{"tracking_number": "N1", "carrier_code": "c", "origin_info": {"#).is_err());
    let e = partial(r#"{"tracking_number": "N1", "carrier_code": "c", "archived": "perhaps"}"#);
    assert!(e.unwrap_err().to_string().contains("expected a boolean"));
    // Skipping nothing is the plain decode; skipping a required field makes it missing.
    let text = tracking_json(5).to_string();
    let mut de = serde_json::Deserializer::from_str(&text);
    let t = Tracking::deserialize_skipping(&mut de, &[]).unwrap();
    assert_eq!(t, serde_json::from_str::<Tracking>(&text).unwrap());
    let mut de = serde_json::Deserializer::from_str(&text);
    let e = Tracking::deserialize_skipping(&mut de, &["tracking_number"]).unwrap_err();
    assert!(
        e.to_string().contains("missing field `tracking_number`"),
        "{e}"
    );
    // Unknown fields cannot be skipped: they stay in `extra`.
    let mut de = serde_json::Deserializer::from_str(&text);
    let t = Tracking::deserialize_skipping(&mut de, &["zeta_extra"]).unwrap();
    assert!(t.extra.contains_key("zeta_extra"));
}
