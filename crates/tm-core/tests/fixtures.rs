#![allow(missing_docs)]
//! The public v2 examples (tests/fixtures, copied from shared/api-v2/fixtures)
//! decode into the typed responses, and the models tolerate what the service is
//! inconsistent about.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use chrono::{NaiveDate, NaiveDateTime};
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tm_core::client::decode_response;
use tm_core::models::{
    BatchCreated, BatchDeleted, BatchStopped, Carrier, CarrierChanged, Checkpoint, CreatedTracking,
    DetectedCarrier, Emails, Empty, Page, Realtime, RemoteResult, Status, Substatus, Timestamp,
    Tracking, TrackingRef, UserInfo,
};
use tm_core::{Error, WireResponse};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture(name: &str) -> String {
    let path = dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn wire(status: u16, body: impl Into<Bytes>) -> WireResponse {
    WireResponse::new(StatusCode::from_u16(status).unwrap(), body)
}

/// A full response fixture through the client's decoder (HTTP 200).
fn decode<T: DeserializeOwned>(body: &str) -> T {
    decode_response::<T>(&wire(200, body.to_owned())).unwrap_or_else(|e| panic!("{e:?}"))
}

/// A `data`-only fixture wrapped in a success envelope.
fn decode_data<T: DeserializeOwned>(data: &str) -> T {
    decode(&format!(
        r#"{{"meta":{{"code":200,"type":"Success","message":"Success"}},"data":{data}}}"#
    ))
}

fn naive(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

fn offset_hours(t: &Timestamp) -> i32 {
    t.offset()
        .expect("an RFC 3339 value")
        .offset()
        .local_minus_utc()
        / 3600
}

/// Cuts `text` just before the last occurrence of `marker` and appends `tail`.
fn cut_before_last(text: &str, marker: &str, tail: &str) -> String {
    let at = text
        .rfind(marker)
        .unwrap_or_else(|| panic!("{marker:?} not found"));
    format!("{}{tail}", &text[..at])
}

// ------------------------------------------------------- valid JSON fixtures

#[test]
fn seed_batch_200_all_added() {
    let b: BatchCreated = decode(&fixture("seed_batch_200_all_added.json"));
    assert_eq!((b.submitted, b.added), (2, 2));
    assert!(b.errors.is_empty());
    assert_eq!(b.trackings.len(), 2);
    let t = &b.trackings[0];
    assert_eq!(t.id, "ec6150c0b7557eb3131578640e04f798");
    assert_eq!(t.tracking_number, "RP893531375SG");
    assert_eq!(t.carrier_code, "singapore-post");
    assert_eq!(t.status, Status::Pending);
    let oct = t.order_create_time.as_ref().unwrap();
    assert_eq!(oct.as_str(), "2017/8/27 16:51", "echoed as sent");
    assert_eq!(
        oct.naive().unwrap(),
        NaiveDate::from_ymd_opt(2017, 8, 27)
            .unwrap()
            .and_hms_opt(16, 51, 0)
            .unwrap()
    );
    assert_eq!(offset_hours(t.created_at.as_ref().unwrap()), 0);
    assert_eq!(t.customer_name, None);
    assert_eq!(t.customer_phone.as_deref(), Some("+110110"));
    assert_eq!(t.comment.as_deref(), Some("备注"));
    assert_eq!(t.logistics_channel.as_deref(), Some("4PX挂号小包"));
    assert_eq!(
        t.customer_email,
        Some(Emails::One("[email\u{a0}protected]".into()))
    );
    assert_eq!(b.trackings[1].customer_phone.as_deref(), Some("+22222222"));
}

#[test]
fn seed_batch_201_all_exist_is_a_success_with_errors() {
    let b: BatchCreated = decode(&fixture("seed_batch_201_all_exist.json"));
    assert_eq!((b.submitted, b.added), (2, 0));
    assert!(b.trackings.is_empty());
    assert_eq!(b.errors.len(), 2);
    for e in &b.errors {
        assert_eq!(e.code, 4016);
        assert_eq!(e.message, "Tracking already exists.");
        assert_eq!(e.kind(), Some(tm_core::ApiErrorKind::AlreadyExists));
    }
    assert_eq!(b.errors[0].tracking_number, "RP893531375SG");
    assert_eq!(b.errors[1].carrier_code, "china-ems");
}

#[test]
fn observed_batch_201_partial_4016() {
    let b: BatchCreated = decode(&fixture("observed_batch_201_partial_4016.json"));
    assert_eq!((b.submitted, b.added), (4, 3));
    assert_eq!(b.trackings.len(), 3);
    assert_eq!(b.errors.len(), 1);
    let e = &b.errors[0];
    assert_eq!(
        (
            e.tracking_number.as_str(),
            e.carrier_code.as_str(),
            e.code,
            e.message.as_str()
        ),
        ("350233940124", "bestex", 4016, "Tracking already exists.")
    );
    let t = &b.trackings[0];
    // `order_create_time: 0` is kept as the integer it was.
    let oct = t.order_create_time.as_ref().unwrap();
    assert_eq!(oct.as_str(), "0");
    assert!(oct.naive().is_none() && oct.offset().is_none());
    assert_eq!(serde_json::to_value(oct).unwrap(), json!(0));
    assert_eq!(t.customer_email, None);
    assert_eq!(t.destination.as_deref(), Some(""));
    let at = t.created_at.as_ref().unwrap();
    assert_eq!(offset_hours(at), 8, "+08:00 is kept");
    assert_eq!(at.as_str(), "2019-08-21T14:14:55+08:00");
}

#[test]
fn observed_list_200() {
    let p: Page = decode(&fixture("observed_list_200.json"));
    assert_eq!((p.page, p.limit, p.total, p.count), (1, 4, 3, Some(3)));
    assert!(!p.has_more());
    assert!(p.extra.is_empty());
    let statuses: Vec<_> = p.items.iter().map(|t| t.status.clone()).collect();
    assert_eq!(
        statuses,
        [Status::Pickup, Status::Delivered, Status::Pickup]
    );
    let updates: Vec<_> = p.items.iter().map(|t| t.track_update).collect();
    assert_eq!(updates, [Some(true), Some(false), Some(true)]);

    let t = &p.items[1];
    assert_eq!(t.id, "badc8f47c16c6b595ed8541d109dbbc2");
    assert_eq!(offset_hours(t.created_at.as_ref().unwrap()), 8);
    assert_eq!(
        t.created_at.as_ref().unwrap().as_str(),
        "2019-08-19T09:51:00+08:00"
    );
    assert_eq!(t.updated_at, None, "updated_at: null");
    assert_eq!(t.order_create_time, None);
    assert_eq!(t.customer_email, Some(Emails::One(String::new())));
    assert!(t.customer_email.as_ref().unwrap().to_vec().is_empty());
    assert_eq!(t.title.as_deref(), Some(""));
    assert_eq!(t.archived, Some(false));
    assert_eq!(t.original_country.as_deref(), Some(""));
    assert_eq!(
        (t.item_time_length, t.stay_time_length),
        (Some(1), Some(13))
    );
    assert_eq!((t.substatus.as_ref(), t.status_info.as_ref()), (None, None));
    assert!(t.destination_info.is_none());
    assert!(t.extra.is_empty(), "{:?}", t.extra);

    let origin = t.origin_info.as_ref().unwrap();
    assert_eq!(origin.reference_number, None);
    assert_eq!(origin.weblink.as_deref(), Some("http://www.800bestex.com/"));
    assert_eq!(origin.phone.as_deref(), Some("+86 4009 565656"));
    assert_eq!(origin.carrier_code.as_deref(), Some("bestex"));
    let received = origin.item_received.as_ref().unwrap();
    assert!(received.is_local());
    assert_eq!(received.naive().unwrap(), naive("2019-08-05 18:42:58"));
    assert_eq!(origin.item_dispatched, None);
    assert_eq!(origin.trackinfo.len(), 9);

    let first = &origin.trackinfo[0];
    let date = first.date.as_ref().unwrap();
    assert_eq!(date.naive().unwrap(), naive("2019-08-06 18:39:14"));
    assert!(date.offset().is_none(), "carrier-local dates stay naive");
    assert_eq!(date.as_str(), "2019-08-06 18:39:14");
    assert_eq!(first.checkpoint_status, Some(Status::Delivered));
    assert_eq!(first.details, "天津市");
    assert!(first.status_description.contains("已签收"));
    assert_eq!(first.item_node, None);
    assert_eq!(
        origin.trackinfo[8].item_node.as_deref(),
        Some("ItemReceived")
    );

    assert_eq!(
        t.last_update_time.as_ref().unwrap().naive().unwrap(),
        naive("2019-08-06 18:39:14")
    );
    assert!(t
        .last_event
        .as_ref()
        .unwrap()
        .ends_with(",天津市,2019-08-06 18:39:14"));
    // Checkpoints of both legs, newest first.
    let cps = t.checkpoints();
    assert_eq!(cps.len(), 9);
    assert!(cps
        .windows(2)
        .all(|w| w[0].date.as_ref().unwrap().naive() >= w[1].date.as_ref().unwrap().naive()));
}

#[test]
fn delete_single_200() {
    let e: Empty = decode(&fixture("delete_single_200.json"));
    assert_eq!(e, Empty);
}

#[test]
fn update_carrier_200() {
    let c: CarrierChanged = decode(&fixture("update_carrier_200.json"));
    assert_eq!(c.usertag, "");
    assert!(c.extra.is_empty());
    // Serializes back with the service's capitalisation.
    assert_eq!(serde_json::to_value(&c).unwrap(), json!({"Usertag": ""}));
}

#[test]
fn carriers_detect_200() {
    let d: Vec<DetectedCarrier> = decode(&fixture("carriers_detect_200.json"));
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].name.as_str(), d[0].code.as_str()),
        ("China post", "china-post")
    );
}

#[test]
fn thirdparty_create_data() {
    let text = fixture("thirdparty_marcoesposito_create_data.json");
    let direct: CreatedTracking = serde_json::from_str(&text).unwrap();
    let wrapped: CreatedTracking = decode_data(&text);
    assert_eq!(direct, wrapped);
    assert_eq!(direct.id, "b6321d71ad627cbf8c141ccc25fc6600");
    assert_eq!(direct.tracking_number, "0987654321");
    assert_eq!(direct.carrier_code, "poste-italiane");
    assert_eq!(direct.status, Status::Pending);
    assert_eq!(offset_hours(direct.created_at.as_ref().unwrap()), 8);
    assert_eq!(
        direct.customer_email.as_ref().unwrap().to_vec(),
        ["marcoesposito1988@gmail.com"]
    );
    assert_eq!(direct.customer_name.as_deref(), Some("Marco Esposito"));
    assert_eq!(direct.order_id.as_deref(), Some("my_order_id"));
    assert_eq!(direct.title.as_deref(), Some("my_first_package"));
    assert_eq!(direct.order_create_time, None, "absent");
    assert!(direct.extra.is_empty());
}

#[test]
fn thirdparty_create_minimal_data_keeps_the_string_null() {
    let text = fixture("thirdparty_marcoesposito_create_minimal_data.json");
    let t: CreatedTracking = serde_json::from_str(&text).unwrap();
    assert_eq!(t, decode_data::<CreatedTracking>(&text));
    // The service sent the *text* "null" here; it is data, not absence.
    assert_eq!(t.customer_email, Some(Emails::One("null".into())));
    assert_eq!(t.customer_name.as_deref(), Some("null"));
    assert_eq!(t.order_id.as_deref(), Some("null"));
    assert_eq!(t.title, None, "a real null");
    assert_eq!(t.tracking_number, "1234567890");
}

#[test]
fn observed_trackinfo_with_substatus_2022() {
    let cps: Vec<Checkpoint> =
        serde_json::from_str(&fixture("observed_trackinfo_with_substatus_2022.json")).unwrap();
    assert_eq!(cps.len(), 11);
    let subs: Vec<&str> = cps
        .iter()
        .map(|c| c.substatus.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(
        subs,
        [
            "delivered001",
            "transit001",
            "transit002",
            "transit002",
            "transit001",
            "transit001",
            "transit001",
            "transit001",
            "transit002",
            "transit001",
            "notfound001"
        ]
    );
    assert_eq!(cps[0].checkpoint_status, Some(Status::Delivered));
    let s0 = cps[0].substatus.as_ref().unwrap();
    assert_eq!(s0.main_status(), Status::Delivered);
    assert_eq!(s0.description(), Some("Delivered"));
    // The substatus is kept as sent even when it disagrees with checkpoint_status.
    let last = &cps[10];
    assert_eq!(last.checkpoint_status, Some(Status::Transit));
    assert_eq!(last.substatus, Some(Substatus("notfound001".into())));
    assert_eq!(
        cps[0].date.as_ref().unwrap().naive().unwrap(),
        naive("2022-12-30 12:28:00")
    );
    assert_eq!(cps[2].details, "Japan,KAWASAKI HIGASHI");
    assert!(cps.iter().all(|c| c.extra.is_empty()));
    // Re-encoded, every checkpoint is the same JSON object (order aside).
    let back = serde_json::to_value(&cps).unwrap();
    let orig: Value =
        serde_json::from_str(&fixture("observed_trackinfo_with_substatus_2022.json")).unwrap();
    assert_eq!(back, orig);
}

// ----------------------------------- repaired NOT_VALID_JSON / TRUNCATED fixtures

#[test]
fn broken_fixtures_are_indeed_broken_and_decode_errors_keep_the_body() {
    let mut n = 0;
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if !(name.ends_with(".NOT_VALID_JSON.txt") || name.ends_with(".TRUNCATED.txt")) {
            continue;
        }
        n += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            serde_json::from_str::<Value>(&text).is_err(),
            "{name} parses as JSON"
        );
        match decode_response::<Value>(&wire(200, text.clone())) {
            Err(Error::Decode(d)) => {
                assert_eq!(d.status, StatusCode::OK);
                assert_eq!(d.body, Bytes::from(text.clone()), "{name}");
                assert!(
                    d.message.contains("not valid JSON"),
                    "{name}: {}",
                    d.message
                );
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    assert_eq!(n, 11);
}

#[test]
fn getuserinfo_with_a_bare_number_phone() {
    let text = fixture("getuserinfo_200.NOT_VALID_JSON.txt");
    // As a bare JSON number (the `+` removed)…
    let u: UserInfo = decode(&text.replace("+8612345678910", "8612345678910"));
    assert_eq!(u.email, "[email protected]");
    assert_eq!(u.regtime, Some(1_469_097_290));
    assert_eq!(u.phone.as_deref(), Some("8612345678910"));
    assert_eq!(u.money, 999.0);
    assert_eq!(u.track_number, 9999.0);
    assert!(u.extra.is_empty());
    // …and as a string.
    let u: UserInfo = decode(&text.replace("+8612345678910", "\"+8612345678910\""));
    assert_eq!(u.phone.as_deref(), Some("+8612345678910"));
}

#[test]
fn carriers_list_without_the_ellipsis() {
    let text = fixture("carriers_list_200.NOT_VALID_JSON.txt");
    let repaired = cut_before_last(&text, ",\n    ...", "\n    ]\n}");
    let carriers: Vec<Carrier> = decode(&repaired);
    assert_eq!(carriers.len(), 3);
    let dhl = &carriers[0];
    assert_eq!(dhl.name, "DHL");
    assert_eq!(dhl.code, "dhl");
    assert_eq!(dhl.phone.as_deref(), Some("1 800 225 5345"));
    assert_eq!(
        dhl.homepage.as_deref(),
        Some("//www.dhl.com/"),
        "JSON-escaped slashes"
    );
    assert_eq!(dhl.type_.as_deref(), Some("express"));
    assert_eq!(
        dhl.picture.as_deref(),
        Some("//cdn.trackingmore.com/images/icons/express/dhl.png")
    );
    assert_eq!(carriers[1].type_.as_deref(), Some("globalpost"));
    assert_eq!(carriers[2].phone.as_deref(), Some("0065 / 6841 2000"));
    // `meta` had only `code` here: still a success.
    assert!(repaired.contains("\"code\": 200\n    }"));
}

#[test]
fn get_single_truncated_prefix() {
    let text = fixture("get_single_200.TRUNCATED.txt");
    let repaired = cut_before_last(&text, ",\n\"titl", "}}");
    let t: Tracking = decode(&repaired);
    assert_eq!(t.tracking_number, "300403513351");
    assert_eq!(t.carrier_code, "4px");
    assert_eq!(t.status, Status::Delivered);
    assert_eq!(offset_hours(t.created_at.as_ref().unwrap()), 0);
    let oct = t.order_create_time.as_ref().unwrap();
    assert_eq!(oct.naive().unwrap(), naive("2018-04-01 10:08:00"));
    assert_eq!(
        t.customer_email,
        Some(Emails::Many(vec!["[email protected]".into()]))
    );
    assert!(t.origin_info.is_none());
}

#[test]
fn thirdparty_get_single_without_the_ellipsis() {
    let text = fixture("thirdparty_marcoesposito_get_single_data.NOT_VALID_JSON.txt");
    let repaired = cut_before_last(&text, ", \n        ...", "]}}");
    let t: Tracking = serde_json::from_str(&repaired).unwrap();
    assert_eq!(t, decode_data::<Tracking>(&repaired));
    assert_eq!(t.status, Status::Transit);
    assert_eq!(t.original_country.as_deref(), Some("United States"));
    assert_eq!(t.item_time_length, None);
    let o = t.origin_info.as_ref().unwrap();
    assert_eq!(o.phone, None);
    assert_eq!(
        o.weblink.as_deref(),
        Some("http://www.ups.com/content/us/en/contact/index.html?WT.svl=Footer")
    );
    assert_eq!(o.trackinfo.len(), 2);
    assert_eq!(o.trackinfo[0].details, "");
    assert_eq!(o.trackinfo[1].details, "US,BALDWIN PARK");
    assert_eq!(o.trackinfo[0].checkpoint_status, None);
}

#[test]
fn realtime_truncated_prefix() {
    let text = fixture("realtime_200.TRUNCATED.txt");
    // Keep the two complete destination events; close every open bracket.
    let repaired = cut_before_last(&text, ",\n{\n\"Date\": \"2015-10-22 16:55\"", "]}}]}}");
    let r: Realtime = decode(&repaired);
    assert_eq!(r.items.len(), 1);
    let t = &r.items[0];
    assert_eq!(t.tracking_number, "RE113184005HK");
    assert_eq!(t.original_country.as_deref(), Some("Hong Kong [CN]"));
    assert_eq!(t.destination_country.as_deref(), Some("Colombia"));
    assert!(t.created_at.is_none() && t.updated_at.is_none());
    let o = t.origin_info.as_ref().unwrap();
    let d = t.destination_info.as_ref().unwrap();
    assert_eq!(
        o.trackinfo[0].date.as_ref().unwrap().naive().unwrap(),
        naive("2015-10-09 00:00:00")
    );
    assert_eq!(d.carrier_code.as_deref(), Some("colombia-post"));
    assert_eq!(d.trackinfo.len(), 2);
    assert_eq!(t.checkpoints()[0].status_description, "DIGITALIZADO");
}

#[test]
fn thirdparty_realtime_repaired() {
    let text = fixture("thirdparty_marcoesposito_realtime.NOT_VALID_JSON.txt");
    let repaired = text.replace(
        ",\n            ...\n            ]\n        }\n",
        "]\n        },\n",
    );
    assert_ne!(repaired, text, "the repair applied");
    let r: Realtime = serde_json::from_str(&repaired).unwrap();
    let t = &r.items[0];
    assert_eq!(
        t.last_event.as_deref(),
        Some("DIGITALIZADO,CTP.CENTRO A,2015-10-22 20:52")
    );
    let lut = t.last_update_time.as_ref().unwrap();
    assert_eq!(lut.naive().unwrap(), naive("2015-10-22 20:52:00"));
    assert_eq!(t.destination_info.as_ref().unwrap().trackinfo.len(), 3);
    assert_eq!(t.checkpoints().len(), 4);
}

#[test]
fn delete_batch_truncated_with_meta_wrapped_items() {
    let text = fixture("delete_batch_200.TRUNCATED.txt");
    // Completed with the second half of the number from delete_batch_request.json.
    let repaired = format!(
        "{}605211\", \"carrier_code\": \"ups\"}}}}]}}}}",
        text.trim_end()
    );
    let d: BatchDeleted = decode(&repaired);
    assert_eq!((d.submitted, d.delete), (2, 2));
    assert_eq!(d.trackings, [TrackingRef::new("ups", "1Z97X17XYW06605211")]);
    assert!(d.errors.is_empty());
}

#[test]
fn notupdate_truncated() {
    let text = fixture("notupdate_200.TRUNCATED.txt");
    let repaired = format!(
        "{}P893531375SG\", \"carrier_code\": \"singapore-post\"}}]}}}}",
        text.trim_end()
    );
    let s: BatchStopped = decode(&repaired);
    assert_eq!((s.submitted, s.change), (2, 2));
    assert_eq!(
        s.trackings,
        [TrackingRef::new("singapore-post", "RP893531375SG")]
    );
}

#[test]
fn remote_truncated() {
    let text = fixture("remote_200.TRUNCATED.txt");
    let repaired = cut_before_last(&text, ", ", "]}}");
    let r: RemoteResult = decode(&repaired);
    assert_eq!(r.submitted, 2);
    assert!(r.other.is_empty());
    assert_eq!(r.remote.len(), 2);
    assert_eq!(r.remote[0].far_express_company, "ups");
    assert_eq!(r.remote[1].far_express_company, "tnt");
    assert_eq!(r.remote[1].two_code, "JP");
    assert_eq!(r.remote[1].far_country, "Japan");
    assert_eq!(r.remote[1].far_city_postcode, "7621094");
}

#[test]
fn tracktry_put_truncated() {
    let text = fixture("tracktry_clone_put_200.TRUNCATED.txt");
    let repaired = cut_before_last(&text, ",\n\"custome\n", "}}");
    let repaired = if repaired == text {
        unreachable!()
    } else {
        repaired
    };
    let t: CreatedTracking = decode(&repaired);
    assert_eq!(t.tracking_number, "402934299065");
    assert_eq!(t.carrier_code, "sto");
    assert_eq!(offset_hours(t.updated_at.as_ref().unwrap()), 8);
    assert!(matches!(t.customer_email, Some(Emails::One(_))));
}

// ------------------------------------------------- every response fixture

/// How each `*.json` fixture is read: a response (by its typed decoder) or a
/// request body (just JSON).
fn decode_fixture(name: &str, text: &str) -> Result<&'static str, String> {
    fn full<T: DeserializeOwned>(text: &str) -> Result<&'static str, String> {
        decode_response::<T>(&wire(200, text.to_owned()))
            .map(|_| "response")
            .map_err(|e| format!("{e:?}"))
    }
    fn data<T: DeserializeOwned>(text: &str) -> Result<&'static str, String> {
        serde_json::from_str::<T>(text)
            .map(|_| "data")
            .map_err(|e| e.to_string())
    }
    match name {
        "seed_batch_200_all_added.json"
        | "seed_batch_201_all_exist.json"
        | "observed_batch_201_partial_4016.json" => full::<BatchCreated>(text),
        "observed_list_200.json" => full::<Page>(text),
        "delete_single_200.json" => full::<Empty>(text),
        "update_carrier_200.json" => full::<CarrierChanged>(text),
        "carriers_detect_200.json" => full::<Vec<DetectedCarrier>>(text),
        "thirdparty_marcoesposito_create_data.json"
        | "thirdparty_marcoesposito_create_minimal_data.json" => data::<CreatedTracking>(text),
        "observed_trackinfo_with_substatus_2022.json" => data::<Vec<Checkpoint>>(text),
        n if n.contains("request") => serde_json::from_str::<Value>(text)
            .map(|_| "request")
            .map_err(|e| e.to_string()),
        other => Err(format!(
            "{other} is a new response fixture: map it to its type in decode_fixture"
        )),
    }
}

#[test]
fn every_json_fixture_decodes() {
    let mut responses = 0;
    let mut requests = 0;
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if !name.ends_with(".json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        match decode_fixture(&name, &text) {
            Ok("request") => requests += 1,
            Ok(_) => responses += 1,
            Err(e) => panic!("{name}: {e}"),
        }
    }
    assert_eq!(responses, 10);
    assert_eq!(requests, 15);
}

#[test]
fn copied_fixtures_match_the_shared_originals() {
    // The copies keep the crate self-contained; where the shared folder exists
    // (the workspace and CI), they must not drift from it.
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/api-v2/fixtures");
    let Ok(entries) = std::fs::read_dir(&shared) else {
        eprintln!("{} not found; skipping", shared.display());
        return;
    };
    let mut n = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let copy = dir().join(&name);
        let original = std::fs::read(&path).unwrap();
        let copied = std::fs::read(&copy)
            .unwrap_or_else(|e| panic!("{} is not copied: {e}", copy.display()));
        assert!(
            original == copied,
            "{} differs from the shared one",
            copy.display()
        );
        n += 1;
    }
    assert!(n > 0);
}

// --------------------------------------------------------------- tolerance

fn minimal_tracking() -> Value {
    json!({"id": "a", "tracking_number": "RP893531375SG", "carrier_code": "singapore-post",
           "status": "transit"})
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

#[test]
fn total_as_number_or_string() {
    for total in [json!("3"), json!(3), json!(3.0), json!(" 3 ")] {
        let p: Page = serde_json::from_value(json!({"page": "1", "limit": 4, "total": total,
            "count": "3", "items": []}))
        .unwrap();
        assert_eq!((p.page, p.total, p.count), (1, 3, Some(3)), "{total}");
    }
    let p: Page = serde_json::from_value(json!({"total": null, "items": []})).unwrap();
    assert_eq!((p.total, p.count), (0, None));
    let p: Page =
        serde_json::from_value(json!({"total": "0", "page": 1, "limit": 100, "items": []}))
            .unwrap();
    assert_eq!(p.total, 0);
    assert!(!p.has_more());
}

#[test]
fn customer_email_as_string_or_list() {
    let one: Tracking =
        serde_json::from_value(with(minimal_tracking(), "customer_email", json!("a@b.c"))).unwrap();
    assert_eq!(one.customer_email, Some(Emails::One("a@b.c".into())));
    assert_eq!(one.customer_email.as_ref().unwrap().to_vec(), ["a@b.c"]);
    let many: Tracking = serde_json::from_value(with(
        minimal_tracking(),
        "customer_email",
        json!(["a@b.c", "", "d@e.f"]),
    ))
    .unwrap();
    assert_eq!(
        many.customer_email.as_ref().unwrap().to_vec(),
        ["a@b.c", "d@e.f"]
    );
    // Each shape serializes back as it came.
    assert_eq!(
        serde_json::to_value(&many).unwrap()["customer_email"],
        json!(["a@b.c", "", "d@e.f"])
    );
    assert_eq!(
        serde_json::to_value(&one).unwrap()["customer_email"],
        json!("a@b.c")
    );
    let created: CreatedTracking =
        serde_json::from_value(json!({"customer_email": ["x@y.z"]})).unwrap();
    assert_eq!(
        created.customer_email,
        Some(Emails::Many(vec!["x@y.z".into()]))
    );
}

const OPTIONAL_TRACKING_FIELDS: &[&str] = &[
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

#[test]
fn null_and_absent_are_the_same_for_optional_fields() {
    let absent: Tracking = serde_json::from_value(minimal_tracking()).unwrap();
    for field in OPTIONAL_TRACKING_FIELDS {
        let null: Tracking = serde_json::from_value(with(minimal_tracking(), field, Value::Null))
            .unwrap_or_else(|e| panic!("{field}: null refused: {e}"));
        assert_eq!(null, absent, "{field}");
    }
    let all_null = OPTIONAL_TRACKING_FIELDS
        .iter()
        .fold(minimal_tracking(), |v, f| with(v, f, Value::Null));
    assert_eq!(
        serde_json::from_value::<Tracking>(all_null).unwrap(),
        absent
    );

    let info = json!({"ReferenceNumber": null, "ItemReceived": null, "ItemDispatched": null,
        "DepartfromAirport": null, "ArrivalfromAbroad": null, "CustomsClearance": null,
        "DestinationArrived": null, "weblink": null, "phone": null, "carrier_code": null});
    let t: Tracking =
        serde_json::from_value(with(minimal_tracking(), "origin_info", info)).unwrap();
    assert_eq!(t.origin_info.unwrap(), Default::default());

    let cp: Checkpoint = serde_json::from_value(json!({"Date": null, "StatusDescription": null,
        "Details": null, "checkpoint_status": null, "substatus": null, "ItemNode": null}))
    .unwrap();
    assert_eq!(cp, serde_json::from_value::<Checkpoint>(json!({})).unwrap());
    assert_eq!(cp.status_description, "");
}

#[test]
fn null_identity_fields_read_as_absent() {
    // `id`, `status` (and CreatedTracking's number/carrier) are `#[serde(default)]`:
    // absent is accepted, so an explicit null must be too (CONTRACT: the client
    // accepts null vs absent alike). One stray null must not fail a whole page.
    let absent: Tracking = serde_json::from_value(json!({
        "tracking_number": "RP893531375SG", "carrier_code": "singapore-post"}))
    .unwrap();
    let mut refused = Vec::new();
    for field in ["id", "status"] {
        match serde_json::from_value::<Tracking>(json!({
            "tracking_number": "RP893531375SG", "carrier_code": "singapore-post", field: null}))
        {
            Ok(t) => assert_eq!(t, absent, "Tracking.{field}: null"),
            Err(e) => refused.push(format!("Tracking.{field}: {e}")),
        }
    }
    for field in ["id", "tracking_number", "carrier_code", "status"] {
        match serde_json::from_value::<CreatedTracking>(json!({ field: null })) {
            Ok(c) => assert_eq!(
                c,
                CreatedTracking::default(),
                "CreatedTracking.{field}: null"
            ),
            Err(e) => refused.push(format!("CreatedTracking.{field}: {e}")),
        }
    }
    assert!(
        refused.is_empty(),
        "null refused where absent is accepted: {refused:#?}"
    );
}

#[test]
fn unknown_fields_are_kept_in_extra_and_written_back() {
    let v = json!({
        "id": "a", "tracking_number": "RP893531375SG", "carrier_code": "singapore-post",
        "status": "transit", "new_field": {"x": [1, 2]}, "signed_by": "Bob",
        "origin_info": {"carrier_code": "singapore-post", "leg_note": "n", "trackinfo": [
            {"Date": "2020-01-01 10:00", "StatusDescription": "s", "Details": "d",
             "geo": {"lat": 1.5}}
        ]}
    });
    let t: Tracking = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(t.extra["new_field"], json!({"x": [1, 2]}));
    assert_eq!(
        t.extra["signed_by"],
        json!("Bob"),
        "only `singed_by` is modelled"
    );
    assert_eq!(t.signed_by, None);
    let o = t.origin_info.as_ref().unwrap();
    assert_eq!(o.extra["leg_note"], json!("n"));
    assert_eq!(o.trackinfo[0].extra["geo"], json!({"lat": 1.5}));
    let back = serde_json::to_value(&t).unwrap();
    assert_eq!(back["new_field"], v["new_field"]);
    assert_eq!(back["signed_by"], v["signed_by"]);
    assert_eq!(back["origin_info"]["leg_note"], json!("n"));
    assert_eq!(
        back["origin_info"]["trackinfo"][0]["geo"],
        json!({"lat": 1.5})
    );

    let b: BatchCreated = serde_json::from_value(json!({"submitted": 1, "added": 1,
        "trackings": [{"id": "x", "destination": "", "weird": true}], "errors": [],
        "quota_left": 12}))
    .unwrap();
    assert_eq!(b.extra["quota_left"], json!(12));
    assert_eq!(b.trackings[0].extra["weird"], json!(true));
    let p: Page = serde_json::from_value(json!({"items": [], "next": "abc"})).unwrap();
    assert_eq!(p.extra["next"], json!("abc"));
    let u: UserInfo = serde_json::from_value(json!({"email": "e", "plan": "pro"})).unwrap();
    assert_eq!(u.extra["plan"], json!("pro"));
}

#[test]
fn unknown_status_is_kept_as_text() {
    let t: Tracking = serde_json::from_value(with(
        with(minimal_tracking(), "status", json!("inforeceived")),
        "substatus",
        json!("inforeceived001"),
    ))
    .unwrap();
    assert_eq!(t.status, Status::Unknown("inforeceived".into()));
    assert!(t.status.is_unknown());
    assert_eq!(t.status.to_string(), "inforeceived");
    let back = serde_json::to_value(&t).unwrap();
    assert_eq!(back["status"], json!("inforeceived"));
    assert_eq!(back["substatus"], json!("inforeceived001"));

    let cp: Checkpoint = serde_json::from_value(json!({"Date": "2023-01-01 00:00",
        "StatusDescription": "x", "Details": "", "checkpoint_status": "inforeceived",
        "substatus": "transit006"}))
    .unwrap();
    assert_eq!(
        cp.checkpoint_status,
        Some(Status::Unknown("inforeceived".into()))
    );
    let sub = cp.substatus.as_ref().unwrap();
    assert_eq!(sub.as_str(), "transit006", "undocumented substatus kept");
    assert_eq!(sub.description(), None);
    assert_eq!(sub.main_status(), Status::Transit);

    for known in Status::ALL {
        let t: Tracking =
            serde_json::from_value(with(minimal_tracking(), "status", json!(known.as_str())))
                .unwrap();
        assert_eq!(t.status, known);
        assert!(!t.status.is_unknown());
    }
}

#[test]
fn offsets_are_kept_and_local_dates_stay_naive() {
    let t: Tracking = serde_json::from_value(json!({
        "tracking_number": "RP893531375SG", "carrier_code": "singapore-post",
        "created_at": "2019-08-21T14:14:55+08:00",
        "updated_at": "2018-04-18T07:26:14+00:00",
        "order_create_time": "2017/8/27 16:51",
        "lastUpdateTime": "2015-10-22 20:52",
        "origin_info": {"ItemReceived": "2019-06-03 14:57:41", "trackinfo": [
            {"Date": "2015-10-09 00:00", "StatusDescription": "s", "Details": ""}]}
    }))
    .unwrap();
    let created = t.created_at.as_ref().unwrap();
    assert_eq!(offset_hours(created), 8);
    assert!(created.naive().is_none() && !created.is_local());
    assert_eq!(
        created.offset().unwrap().naive_local(),
        naive("2019-08-21 14:14:55"),
        "the wall-clock time is the one sent"
    );
    assert_eq!(offset_hours(t.updated_at.as_ref().unwrap()), 0);
    for local in [
        t.order_create_time.as_ref().unwrap(),
        t.last_update_time.as_ref().unwrap(),
        t.origin_info
            .as_ref()
            .unwrap()
            .item_received
            .as_ref()
            .unwrap(),
        t.origin_info.as_ref().unwrap().trackinfo[0]
            .date
            .as_ref()
            .unwrap(),
    ] {
        assert!(local.is_local(), "{local:?}");
        assert!(
            local.offset().is_none(),
            "never relabelled as UTC: {local:?}"
        );
    }
    assert_eq!(
        t.last_update_time.as_ref().unwrap().naive().unwrap(),
        naive("2015-10-22 20:52:00")
    );
    // Written back exactly as received: no `Z`, no added seconds.
    let back = serde_json::to_value(&t).unwrap();
    assert_eq!(back["created_at"], json!("2019-08-21T14:14:55+08:00"));
    assert_eq!(back["updated_at"], json!("2018-04-18T07:26:14+00:00"));
    assert_eq!(back["order_create_time"], json!("2017/8/27 16:51"));
    assert_eq!(back["lastUpdateTime"], json!("2015-10-22 20:52"));
    assert_eq!(
        back["origin_info"]["trackinfo"][0]["Date"],
        json!("2015-10-09 00:00")
    );
}

#[test]
fn lenient_scalars() {
    let t: Tracking = serde_json::from_value(json!({
        "tracking_number": "RP893531375SG", "carrier_code": "x",
        "archived": "true", "track_update": 0, "itemTimeLength": "12", "stayTimeLength": 3.0,
        "customer_phone": 8612345678910_u64, "title": 42
    }))
    .unwrap();
    assert_eq!(t.archived, Some(true));
    assert_eq!(t.track_update, Some(false));
    assert_eq!(
        (t.item_time_length, t.stay_time_length),
        (Some(12), Some(3))
    );
    assert_eq!(t.customer_phone.as_deref(), Some("8612345678910"));
    assert_eq!(t.title.as_deref(), Some("42"));
    let b: BatchCreated = serde_json::from_value(json!({"submitted": "4", "added": "3",
        "errors": [{"tracking_number": 350233940124_u64, "carrier_code": "bestex",
                    "code": "4016", "message": null}]}))
    .unwrap();
    assert_eq!((b.submitted, b.added), (4, 3));
    assert_eq!(b.errors[0].code, 4016);
    assert_eq!(b.errors[0].tracking_number, "350233940124");
    assert_eq!(b.errors[0].message, "");
}

#[test]
fn tracking_reserializes_with_the_api_field_names() {
    let page: Value = serde_json::from_str(&fixture("observed_list_200.json")).unwrap();
    for original in page["data"]["items"].as_array().unwrap() {
        let t: Tracking = serde_json::from_value(original.clone()).unwrap();
        let back = serde_json::to_value(&t).unwrap();
        let back_obj = back.as_object().unwrap();
        // Every field that came in goes out under the same name with the same value.
        for (k, v) in original.as_object().unwrap() {
            assert_eq!(back_obj.get(k), Some(v), "field {k}");
        }
        // What is added is only the modelled fields that were absent, as null.
        for (k, v) in back_obj {
            if !original.as_object().unwrap().contains_key(k) {
                assert_eq!(v, &Value::Null, "added field {k}");
                assert!(
                    OPTIONAL_TRACKING_FIELDS.contains(&k.as_str()),
                    "{k} is not an API field name"
                );
            }
        }
        for rust_name in [
            "item_time_length",
            "stay_time_length",
            "last_event",
            "last_update_time",
            "signed_by",
            "extra",
        ] {
            assert!(!back_obj.contains_key(rust_name), "{rust_name} leaked");
        }
        let cp = &back["origin_info"]["trackinfo"][0];
        for key in ["Date", "StatusDescription", "Details", "checkpoint_status"] {
            assert!(cp.get(key).is_some(), "{key}");
        }
        // And it decodes to the same value again.
        assert_eq!(serde_json::from_value::<Tracking>(back).unwrap(), t);
    }
}

#[test]
fn created_tracking_reserializes_with_the_api_field_names() {
    let b: Value = serde_json::from_str(&fixture("observed_batch_201_partial_4016.json")).unwrap();
    let original = &b["data"]["trackings"][0];
    let t: CreatedTracking = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(&serde_json::to_value(&t).unwrap(), original);
}
