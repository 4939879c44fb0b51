//! # tm-bench
//!
//! Shared helpers of the tm benchmarks: deterministic inputs (trackings to
//! create, realistic response bodies to decode) and a fast way to fill a
//! [`Simulator`] with many trackings.
//!
//! - `benches/core.rs` (criterion): encode, decode, in-process round trip.
//! - `src/bin/sim_scale.rs`: the simulator's scale and throughput report
//!   (markdown table on stdout).
//! - `scripts/bench.sh` runs both and regenerates `BENCHMARKS.md`.
//!
//! Nothing here asserts a timing; the figures are reported, not tested.

use bytes::Bytes;
use http::{Method, StatusCode};
use serde_json::{json, Value};
use tm_core::models::NewTracking;
use tm_core::WireResponse;
use tm_mock::{SimConfig, SimRequest, Simulator};

/// The API key the benchmarks send (any non-empty key gets its own account).
pub const BENCH_KEY: &str = "tm-bench-key";

/// Carrier codes the generated trackings cycle through (all in tm-mock's
/// catalogue).
pub const CARRIERS: &[&str] = &[
    "usps",
    "ups",
    "fedex",
    "dhl",
    "china-post",
    "singapore-post",
    "yanwen",
    "4px",
    "deutsche-post",
    "china-ems",
];

const COUNTRIES: &[&str] = &["US", "DE", "GB", "FR", "SG", "CN", "NL", "JP"];

/// A simulator for benchmarks: rate limits off, `credits` per account, seed 1.
pub fn sim_config(credits: f64) -> SimConfig {
    SimConfig {
        credits,
        rate_limits: false,
        ..SimConfig::default()
    }
}

/// The carrier of generated tracking `i`.
pub fn carrier(i: u64) -> &'static str {
    CARRIERS[(i % CARRIERS.len() as u64) as usize]
}

/// A unique, valid tracking number for generated tracking `i`, shaped like
/// its carrier's numbers (UPU S10 for posts, `1Z…` for UPS, digits otherwise).
pub fn tracking_number(i: u64) -> String {
    match carrier(i) {
        "ups" => format!("1Z{i:016}"),
        "usps" => format!("9400{i:018}"),
        "fedex" | "dhl" => format!("{i:012}"),
        "china-post" => format!("LZ{:09}CN", i % 1_000_000_000),
        "singapore-post" => format!("RB{:09}SG", i % 1_000_000_000),
        "china-ems" => format!("EA{:09}CN", i % 1_000_000_000),
        "deutsche-post" => format!("RR{:09}DE", i % 1_000_000_000),
        _ => format!("YT{i:016}"),
    }
}

/// Generated tracking `i` with the fields a shop typically sends (order id,
/// title, customer name and e-mail, destination).
pub fn new_tracking(i: u64) -> NewTracking {
    NewTracking {
        destination_code: Some(COUNTRIES[(i % COUNTRIES.len() as u64) as usize].to_owned()),
        title: Some(format!("Order item {}", i % 997)),
        order_id: Some(format!("ORD-{i:08}")),
        customer_name: Some(format!("Customer {}", i % 5003)),
        customer_email: Some(format!("customer{}@example.com", i % 5003)),
        ..NewTracking::new(carrier(i), tracking_number(i))
    }
}

/// Fills `sim`'s account of `key` with `n` generated trackings numbered
/// `first..first + n`, through the router (`POST /trackings/batch`, 40 per
/// call). Returns how many were created. The journal is cleared afterwards
/// (it keeps up to 100,000 entries and is not tracking storage).
pub fn fill(sim: &Simulator, key: &str, first: u64, n: u64) -> u64 {
    let mut created = 0;
    let mut i = first;
    let end = first + n;
    while i < end {
        let stop = (i + tm_core::MAX_BATCH as u64).min(end);
        let items: Vec<NewTracking> = (i..stop).map(new_tracking).collect();
        let body = serialize_items(&items);
        let resp = sim.handle(
            SimRequest::new(Method::POST, "/v2/trackings/batch")
                .key(key)
                .header("content-type", "application/json")
                .body(body),
        );
        if let Some(added) = resp
            .data()
            .and_then(|d| d.get("added").and_then(Value::as_u64))
        {
            created += added;
        }
        i = stop;
    }
    sim.clear_journal();
    created
}

fn serialize_items(items: &[NewTracking]) -> Bytes {
    // `NewTracking` is `Serialize`; encoding a few strings cannot fail.
    Bytes::from(serde_json::to_vec(items).unwrap_or_default())
}

/// A v2 success envelope around `data`.
pub fn envelope(code: i64, data: Value) -> WireResponse {
    let body = json!({
        "meta": {"code": code, "type": "Success", "message": "Success"},
        "data": data,
    });
    WireResponse::new(
        StatusCode::OK,
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}

fn checkpoint(i: usize, n: usize, destination: bool) -> Value {
    const EVENTS: &[(&str, &str, &str)] = &[
        ("Item Delivered", "delivered", "delivered001"),
        ("Out for delivery", "pickup", "pickup001"),
        ("Arrived at delivery office", "transit", "transit003"),
        ("Held by customs", "transit", "transit004"),
        ("Item Received,Air", "transit", "transit001"),
        ("Item Dispatched,Air", "transit", "transit002"),
        ("Item Bagged,Air", "transit", "transit001"),
        ("Item Booked,Air", "transit", "transit001"),
    ];
    let (desc, status, sub) = EVENTS[i % EVENTS.len()];
    let place = if destination {
        "United States,NEW YORK NY DISTRIBUTION CENTER"
    } else {
        "China,GUANGZHOU INTERNATIONAL MAIL PROCESSING CENTRE"
    };
    let age = n - i;
    json!({
        "Date": format!("2026-01-{:02} {:02}:{:02}:00", 1 + age % 28, (age * 7) % 24, (age * 13) % 60),
        "StatusDescription": desc,
        "Details": place,
        "checkpoint_status": status,
        "substatus": sub,
    })
}

fn carrier_info(code: &str, checkpoints: usize, destination: bool) -> Value {
    json!({
        "ReferenceNumber": null,
        "ItemReceived": "2026-01-02 08:10:00",
        "ItemDispatched": "2026-01-03 11:59:00",
        "DepartfromAirport": "2026-01-04 02:16:00",
        "ArrivalfromAbroad": if destination { json!("2026-01-06 07:18:00") } else { Value::Null },
        "CustomsClearance": if destination { json!("2026-01-06 12:00:00") } else { Value::Null },
        "DestinationArrived": if destination { json!("2026-01-07 09:30:00") } else { Value::Null },
        "weblink": "https://www.example-post.invalid/track",
        "phone": "+1 800 275 8777",
        "carrier_code": code,
        "trackinfo": (0..checkpoints).map(|i| checkpoint(i, checkpoints, destination)).collect::<Vec<_>>(),
    })
}

/// A full tracking object (as `GET /trackings/{carrier}/{number}` returns it)
/// for generated tracking `i` with `checkpoints` events, split between the
/// origin and destination legs.
pub fn tracking_value(i: u64, checkpoints: usize) -> Value {
    let dest = checkpoints / 2;
    json!({
        "id": format!("{:032x}", u128::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)),
        "tracking_number": tracking_number(i),
        "carrier_code": carrier(i),
        "status": "delivered",
        "substatus": "delivered001",
        "status_info": null,
        "track_update": true,
        "created_at": "2026-01-02T08:00:00+00:00",
        "updated_at": "2026-01-08T10:00:00+00:00",
        "order_create_time": "2026/01/01 12:00",
        "title": format!("Order item {}", i % 997),
        "order_id": format!("ORD-{i:08}"),
        "comment": null,
        "customer_name": format!("Customer {}", i % 5003),
        "customer_email": format!("customer{}@example.com", i % 5003),
        "customer_phone": null,
        "logistics_channel": null,
        "destination_code": "US",
        "archived": false,
        "original_country": "China",
        "destination_country": "United States",
        "itemTimeLength": 6,
        "stayTimeLength": 0,
        "service_code": null,
        "singed_by": "J. SMITH",
        "origin_info": carrier_info(carrier(i), checkpoints - dest, false),
        "destination_info": carrier_info("usps", dest, true),
        "lastEvent": "Item Delivered,United States,NEW YORK NY DISTRIBUTION CENTER,2026-01-08 10:00:00",
        "lastUpdateTime": "2026-01-08 10:00:00",
    })
}

/// [`tracking_value`] with `unknown` fields tm does not model added to the
/// tracking, to each carrier leg and to each checkpoint (as a newer service
/// version might send).
pub fn tracking_value_with_unknown_fields(i: u64, checkpoints: usize, unknown: usize) -> Value {
    fn add(object: &mut Value, unknown: usize) {
        if let Value::Object(map) = object {
            for k in 0..unknown {
                map.insert(
                    format!("new_field_{k}"),
                    json!({"code": k, "text": "not modelled"}),
                );
            }
        }
    }
    let mut t = tracking_value(i, checkpoints);
    add(&mut t, unknown);
    for leg in ["origin_info", "destination_info"] {
        add(&mut t[leg], unknown);
        if let Some(events) = t[leg]["trackinfo"].as_array_mut() {
            events.iter_mut().for_each(|e| add(e, unknown));
        }
    }
    t
}

/// The response of `GET /trackings/{carrier}/{number}`: one tracking with
/// `checkpoints` events.
pub fn get_response(checkpoints: usize) -> WireResponse {
    envelope(200, tracking_value(7, checkpoints))
}

/// The response of `GET /trackings/get`: a page of `items` trackings, each
/// with `checkpoints` events.
pub fn list_page_response(items: usize, checkpoints: usize) -> WireResponse {
    let list: Vec<Value> = (0..items as u64)
        .map(|i| tracking_value(i, checkpoints))
        .collect();
    envelope(
        200,
        json!({"page": 1, "limit": items, "total": (items * 10).to_string(), "count": items, "items": list}),
    )
}

/// The response of `POST /trackings/batch` creating `n` trackings.
pub fn batch_created_response(n: usize) -> WireResponse {
    let created: Vec<Value> = (0..n as u64)
        .map(|i| {
            json!({
                "id": format!("{:032x}", u128::from(i + 1).wrapping_mul(0x2545_f491_4f6c_dd1d)),
                "tracking_number": tracking_number(i),
                "carrier_code": carrier(i),
                "order_create_time": 0,
                "status": "pending",
                "created_at": "2026-01-05T08:00:00+00:00",
                "customer_email": format!("customer{}@example.com", i % 5003),
                "customer_name": format!("Customer {}", i % 5003),
                "customer_phone": null,
                "order_id": format!("ORD-{i:08}"),
                "comment": null,
                "title": format!("Order item {}", i % 997),
                "logistics_channel": null,
                "destination": "",
            })
        })
        .collect();
    envelope(
        200,
        json!({"submitted": n, "added": n, "trackings": created, "errors": []}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tm_core::client::decode_response;
    use tm_core::models::{BatchCreated, Page, Tracking};

    #[test]
    fn generated_inputs_are_valid() {
        for i in 0..100 {
            new_tracking(i).validate().unwrap();
        }
        let t: Tracking = decode_response(&get_response(20)).unwrap();
        assert_eq!(t.checkpoints().len(), 20);
        let p: Page = decode_response(&list_page_response(5, 2)).unwrap();
        assert_eq!(p.items.len(), 5);
        let b: BatchCreated = decode_response(&batch_created_response(40)).unwrap();
        assert_eq!(b.trackings.len(), 40);
    }

    #[test]
    fn fill_creates_every_tracking() {
        let sim = Simulator::new(sim_config(1_000.0));
        assert_eq!(fill(&sim, BENCH_KEY, 0, 95), 95);
        assert_eq!(sim.tracking_count(), 95);
    }
}
