#![allow(missing_docs)]
//! Property tests: JSON objects of the service's shapes, with random strings,
//! numbers, numeric strings, nulls, absent and unknown fields, decode; and
//! decode → encode → decode is stable, keeping the API's field names.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};
use tm_core::models::{
    BatchCreated, Checkpoint, CreatedTracking, Page, Status, StatusCounts, Timestamp, Tracking,
};

type Field = (&'static str, BoxedStrategy<Value>);

fn text() -> BoxedStrategy<String> {
    prop_oneof![
        "[A-Za-z0-9 _,.-]{0,12}",
        ".{0,8}",
        Just(String::new()),
        Just("null".to_owned()),
    ]
    .boxed()
}

/// A string field the service sometimes sends as a number or null.
fn str_ish() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => text().prop_map(Value::from),
        1 => Just(Value::Null),
        1 => (-1_000_000i64..1_000_000).prop_map(Value::from),
        1 => any::<bool>().prop_map(Value::from),
    ]
    .boxed()
}

/// An integer field: number, numeric string, integral float or null.
fn int_ish() -> BoxedStrategy<Value> {
    prop_oneof![
        (-1000i64..100_000).prop_map(Value::from),
        (0i64..100_000).prop_map(|n| Value::from(n.to_string())),
        (0i64..100_000).prop_map(|n| json!(n as f64)),
        Just(Value::Null),
    ]
    .boxed()
}

/// A required integer field (no null).
fn int_req() -> BoxedStrategy<Value> {
    prop_oneof![
        (0i64..100_000).prop_map(Value::from),
        (0i64..100_000).prop_map(|n| Value::from(n.to_string())),
    ]
    .boxed()
}

fn bool_ish() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::from),
        any::<bool>().prop_map(|b| Value::from(b.to_string())),
        (0i64..2).prop_map(Value::from),
        Just(Value::Null),
    ]
    .boxed()
}

fn naive_dt() -> impl Strategy<Value = NaiveDateTime> {
    (
        2000i32..2030,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
    )
        .prop_map(|(y, mo, d, h, mi, s)| {
            NaiveDate::from_ymd_opt(y, mo, d)
                .unwrap()
                .and_time(NaiveTime::from_hms_opt(h, mi, s).unwrap())
        })
}

fn offset_dt() -> impl Strategy<Value = DateTime<FixedOffset>> {
    (naive_dt(), -14i32..=14).prop_map(|(n, h)| {
        FixedOffset::east_opt(h * 3600)
            .unwrap()
            .from_local_datetime(&n)
            .unwrap()
    })
}

use chrono::TimeZone;

/// A date-time field in every form seen: RFC 3339 with offset, carrier-local
/// with or without seconds, slashes, the integer 0, other text, or null.
fn timestamp() -> BoxedStrategy<Value> {
    prop_oneof![
        offset_dt().prop_map(|d| Value::from(d.to_rfc3339())),
        naive_dt().prop_map(|d| Value::from(d.format("%Y-%m-%d %H:%M:%S").to_string())),
        naive_dt().prop_map(|d| Value::from(d.format("%Y-%m-%d %H:%M").to_string())),
        naive_dt().prop_map(|d| Value::from(d.format("%Y/%-m/%-d %H:%M").to_string())),
        Just(json!(0)),
        (0i64..2_000_000_000).prop_map(Value::from),
        text().prop_map(Value::from),
        Just(Value::Null),
    ]
    .boxed()
}

fn status() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => prop::sample::select(Status::ALL.to_vec()).prop_map(|s| Value::from(s.as_str())),
        1 => "[a-z]{1,12}".prop_map(Value::from),
    ]
    .boxed()
}

fn status_or_null() -> BoxedStrategy<Value> {
    prop_oneof![3 => status(), 1 => Just(Value::Null)].boxed()
}

fn substatus() -> BoxedStrategy<Value> {
    prop_oneof![
        "(notfound|transit|pickup|delivered|exception|inforeceived)00[0-9]".prop_map(Value::from),
        Just(Value::Null),
    ]
    .boxed()
}

fn emails() -> BoxedStrategy<Value> {
    prop_oneof![
        text().prop_map(Value::from),
        prop::collection::vec(text(), 0..3).prop_map(|v| json!(v)),
        Just(Value::Null),
    ]
    .boxed()
}

/// Any JSON value of modest size (integers only: floats are not the point here).
fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-1_000_000i64..1_000_000).prop_map(Value::from),
        (-100_000i64..100_000).prop_map(|n| json!(n as f64 / 4.0)),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,5}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// An object with `required` fields always present, `optional` ones present
/// or absent, plus up to two unknown fields (kept in `extra`).
fn object(required: Vec<Field>, optional: Vec<Field>) -> BoxedStrategy<Value> {
    let req: Vec<BoxedStrategy<(&'static str, Option<Value>)>> = required
        .into_iter()
        .map(|(k, s)| s.prop_map(move |v| (k, Some(v))).boxed())
        .collect();
    let opt: Vec<BoxedStrategy<(&'static str, Option<Value>)>> = optional
        .into_iter()
        .map(|(k, s)| {
            prop::option::weighted(0.75, s)
                .prop_map(move |v| (k, v))
                .boxed()
        })
        .collect();
    let extra = prop::collection::btree_map("x_[a-z]{1,6}", any_json(), 0..3);
    (req, opt, extra)
        .prop_map(|(req, opt, extra)| {
            let mut m = Map::new();
            for (k, v) in req.into_iter().chain(opt) {
                if let Some(v) = v {
                    m.insert(k.to_owned(), v);
                }
            }
            m.extend(extra);
            Value::Object(m)
        })
        .boxed()
}

fn checkpoint() -> BoxedStrategy<Value> {
    object(
        vec![],
        vec![
            ("Date", timestamp()),
            ("StatusDescription", str_ish()),
            ("Details", str_ish()),
            ("checkpoint_status", status_or_null()),
            ("substatus", substatus()),
            (
                "ItemNode",
                prop_oneof![
                    Just(json!("ItemReceived")),
                    Just(json!("ItemDispatched")),
                    Just(Value::Null)
                ]
                .boxed(),
            ),
        ],
    )
}

fn carrier_info() -> BoxedStrategy<Value> {
    object(
        vec![],
        vec![
            (
                "ReferenceNumber",
                prop_oneof![text().prop_map(Value::from), Just(Value::Null)].boxed(),
            ),
            ("ItemReceived", timestamp()),
            ("ItemDispatched", timestamp()),
            ("DepartfromAirport", timestamp()),
            ("ArrivalfromAbroad", timestamp()),
            ("CustomsClearance", timestamp()),
            ("DestinationArrived", timestamp()),
            ("weblink", str_ish()),
            ("phone", str_ish()),
            (
                "carrier_code",
                prop_oneof![text().prop_map(Value::from), Just(Value::Null)].boxed(),
            ),
            (
                "trackinfo",
                prop::collection::vec(checkpoint(), 0..4)
                    .prop_map(Value::Array)
                    .boxed(),
            ),
        ],
    )
}

fn tracking() -> BoxedStrategy<Value> {
    object(
        vec![
            ("tracking_number", text().prop_map(Value::from).boxed()),
            ("carrier_code", text().prop_map(Value::from).boxed()),
        ],
        vec![
            ("id", "[0-9a-f]{32}".prop_map(Value::from).boxed()),
            ("status", status()),
            ("substatus", substatus()),
            ("status_info", any_json()),
            ("track_update", bool_ish()),
            ("created_at", timestamp()),
            ("updated_at", timestamp()),
            ("order_create_time", timestamp()),
            ("title", str_ish()),
            ("order_id", str_ish()),
            ("comment", str_ish()),
            ("customer_name", str_ish()),
            ("customer_email", emails()),
            ("customer_phone", str_ish()),
            ("logistics_channel", str_ish()),
            ("destination_code", str_ish()),
            ("archived", bool_ish()),
            ("original_country", str_ish()),
            ("destination_country", str_ish()),
            ("itemTimeLength", int_ish()),
            ("stayTimeLength", int_ish()),
            ("service_code", str_ish()),
            ("singed_by", str_ish()),
            (
                "origin_info",
                prop_oneof![3 => carrier_info(), 1 => Just(Value::Null)].boxed(),
            ),
            (
                "destination_info",
                prop_oneof![3 => carrier_info(), 1 => Just(Value::Null)].boxed(),
            ),
            ("lastEvent", str_ish()),
            ("lastUpdateTime", timestamp()),
        ],
    )
}

fn created_tracking() -> BoxedStrategy<Value> {
    object(
        vec![],
        vec![
            ("id", "[0-9a-f]{32}".prop_map(Value::from).boxed()),
            ("tracking_number", text().prop_map(Value::from).boxed()),
            ("carrier_code", text().prop_map(Value::from).boxed()),
            ("status", status()),
            ("created_at", timestamp()),
            ("updated_at", timestamp()),
            ("order_create_time", timestamp()),
            ("customer_email", emails()),
            ("customer_name", str_ish()),
            ("customer_phone", str_ish()),
            ("order_id", str_ish()),
            ("comment", str_ish()),
            ("title", str_ish()),
            ("logistics_channel", str_ish()),
            ("destination", str_ish()),
            ("destination_code", str_ish()),
            (
                "archived",
                prop_oneof![
                    any::<bool>().prop_map(Value::from),
                    any::<bool>().prop_map(|b| Value::from(b.to_string())),
                    Just(Value::Null)
                ]
                .boxed(),
            ),
        ],
    )
}

fn item_error() -> BoxedStrategy<Value> {
    object(
        vec![("code", int_req())],
        vec![
            ("tracking_number", str_ish()),
            ("carrier_code", str_ish()),
            ("message", str_ish()),
        ],
    )
}

fn page() -> BoxedStrategy<Value> {
    object(
        vec![],
        vec![
            ("page", int_ish()),
            ("limit", int_ish()),
            ("total", int_ish()),
            ("count", int_ish()),
            (
                "items",
                prop::collection::vec(tracking(), 0..3)
                    .prop_map(Value::Array)
                    .boxed(),
            ),
        ],
    )
}

fn batch_created() -> BoxedStrategy<Value> {
    object(
        vec![],
        vec![
            ("submitted", int_ish()),
            ("added", int_ish()),
            (
                "trackings",
                prop::collection::vec(created_tracking(), 0..3)
                    .prop_map(Value::Array)
                    .boxed(),
            ),
            (
                "errors",
                prop::collection::vec(item_error(), 0..3)
                    .prop_map(Value::Array)
                    .boxed(),
            ),
        ],
    )
}

fn status_counts() -> BoxedStrategy<Value> {
    let names = [
        "pending",
        "notfound",
        "transit",
        "pickup",
        "delivered",
        "undelivered",
        "exception",
        "expired",
    ];
    object(vec![], names.iter().map(|n| (*n, int_ish())).collect())
}

/// Decodes `input` into `T`, then checks encode → decode is stable (as a value
/// and through JSON text) and that every non-null input field keeps its name.
fn stable<T>(input: &Value) -> Result<(), TestCaseError>
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let first: T = serde_json::from_value(input.clone())
        .map_err(|e| TestCaseError::fail(format!("decode failed: {e}\n{input:#}")))?;
    let encoded = serde_json::to_value(&first).unwrap();
    let second: T = serde_json::from_value(encoded.clone())
        .map_err(|e| TestCaseError::fail(format!("re-decode failed: {e}\n{encoded:#}")))?;
    prop_assert_eq!(&first, &second);
    prop_assert_eq!(&serde_json::to_value(&second).unwrap(), &encoded);
    let text = serde_json::to_string(&first).unwrap();
    let third: T = serde_json::from_str(&text).unwrap();
    prop_assert_eq!(&first, &third);
    if let (Some(inp), Some(out)) = (input.as_object(), encoded.as_object()) {
        for (k, v) in inp {
            if !v.is_null() {
                prop_assert!(out.contains_key(k), "field {} lost in {:#}", k, encoded);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn tracking_is_stable(v in tracking()) {
        stable::<Tracking>(&v)?;
        // Unknown fields survive with their values.
        let t: Tracking = serde_json::from_value(v.clone()).unwrap();
        for (k, val) in v.as_object().unwrap() {
            if k.starts_with("x_") {
                prop_assert_eq!(t.extra.get(k), Some(val));
            }
        }
    }

    #[test]
    fn created_tracking_is_stable(v in created_tracking()) {
        stable::<CreatedTracking>(&v)?;
    }

    #[test]
    fn checkpoint_is_stable(v in checkpoint()) {
        stable::<Checkpoint>(&v)?;
    }

    #[test]
    fn page_is_stable(v in page()) {
        stable::<Page>(&v)?;
        let p: Page = serde_json::from_value(v.clone()).unwrap();
        prop_assert_eq!(p.items.len(), v["items"].as_array().map_or(0, Vec::len));
    }

    #[test]
    fn batch_created_is_stable(v in batch_created()) {
        stable::<BatchCreated>(&v)?;
        let b: BatchCreated = serde_json::from_value(v.clone()).unwrap();
        if let Some(errors) = v["errors"].as_array() {
            for (e, raw) in b.errors.iter().zip(errors) {
                let code = match &raw["code"] {
                    Value::String(s) => s.parse::<i64>().unwrap(),
                    n => n.as_i64().unwrap(),
                };
                prop_assert_eq!(e.code, code);
            }
        }
    }

    #[test]
    fn status_counts_are_stable(v in status_counts()) {
        stable::<StatusCounts>(&v)?;
    }

    #[test]
    fn typed_status_counts_round_trip(
        c in prop::array::uniform8(0u64..1_000_000_000)
    ) {
        let counts = StatusCounts {
            pending: c[0], notfound: c[1], transit: c[2], pickup: c[3],
            delivered: c[4], undelivered: c[5], exception: c[6], expired: c[7],
            extra: Map::new(),
        };
        let v = serde_json::to_value(&counts).unwrap();
        prop_assert_eq!(v.as_object().unwrap().len(), 8);
        let back: StatusCounts = serde_json::from_value(v).unwrap();
        prop_assert_eq!(back.total(), c.iter().sum::<u64>());
        prop_assert_eq!(back, counts);
    }

    #[test]
    fn timestamps_keep_their_kind(n in naive_dt(), o in offset_dt()) {
        let local = Timestamp::from_naive(n);
        let back: Timestamp = serde_json::from_value(serde_json::to_value(&local).unwrap()).unwrap();
        prop_assert_eq!(back.naive(), Some(n));
        prop_assert!(back.offset().is_none());
        prop_assert_eq!(&back, &local);

        let zoned = Timestamp::from_offset(o);
        let back: Timestamp = serde_json::from_value(serde_json::to_value(&zoned).unwrap()).unwrap();
        let got = back.offset().unwrap();
        prop_assert_eq!(got, o);
        prop_assert_eq!(got.offset(), o.offset(), "the offset itself is kept");
        prop_assert!(back.naive().is_none());
    }

    #[test]
    fn any_status_text_round_trips(s in "[a-z]{0,14}") {
        let st: Status = serde_json::from_value(json!(s)).unwrap();
        prop_assert_eq!(st.as_str(), s.as_str());
        prop_assert_eq!(serde_json::to_value(&st).unwrap(), json!(s));
        prop_assert_eq!(st.is_unknown(), !Status::ALL.iter().any(|k| k.as_str() == s));
    }
}
