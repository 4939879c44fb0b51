//! Criterion benchmarks of tm-core:
//!
//! - `encode/*`: endpoint value → `WireRequest` (`Endpoint::to_wire`) for a
//!   create, a batch create of 40 and a filtered list query;
//! - `decode/*`: `client::decode_response` of a tracking with 20 checkpoints,
//!   a list page of 100 trackings and a batch-create result of 40; the
//!   `Tracking` model alone from its JSON (`model_*`): whole, top level only
//!   (legs skipped), and with 8 unknown fields on every object;
//! - `roundtrip/*`: `Client` + tm-mock's in-process `MockTransport` (encode,
//!   route, render, decode) with 1,000 trackings stored three simulated days
//!   earlier: get one tracking, create one tracking, list a page of 100.
//!
//! Short run: `cargo bench -p tm-bench --bench core -- --warm-up-time 1 --measurement-time 3`.

#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tm_bench::{
    batch_created_response, fill, get_response, list_page_response, new_tracking, sim_config,
    tracking_number, tracking_value, tracking_value_with_unknown_fields, BENCH_KEY,
};
use tm_core::client::decode_response;
use tm_core::endpoints::trackings::{
    BatchCreateTrackings, CreateTracking, GetTracking, ListTrackings,
};
use tm_core::models::{BatchCreated, ListFilter, Page, Status, Tracking};
use tm_core::{ApiKey, Client, Endpoint};
use tm_mock::Simulator;

fn encode(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode");
    let create = CreateTracking::new(new_tracking(1)).expect("valid");
    g.bench_function("create", |b| {
        b.iter(|| black_box(&create).to_wire().expect("encodes"))
    });
    let filter = ListFilter {
        status: Some(Status::Transit),
        created_at_min: Some(1_767_000_000),
        created_at_max: Some(1_768_000_000),
        archived: Some(false),
        lang: Some("en".into()),
        ..ListFilter::default()
    };
    let list = ListTrackings::with(3, 100, filter).expect("valid");
    g.bench_function("list_query", |b| {
        b.iter(|| {
            black_box(&list)
                .to_wire()
                .expect("encodes")
                .path_and_query()
        })
    });
    let batch = BatchCreateTrackings::new((0..40).map(new_tracking).collect()).expect("valid");
    g.throughput(Throughput::Elements(40));
    g.bench_function("batch_create_40", |b| {
        b.iter(|| black_box(&batch).to_wire().expect("encodes"))
    });
    g.finish();
}

fn decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    let one = get_response(20);
    g.throughput(Throughput::Bytes(one.body.len() as u64));
    g.bench_function("tracking_20_checkpoints", |b| {
        b.iter(|| decode_response::<Tracking>(black_box(&one)).expect("decodes"))
    });
    let page = list_page_response(100, 20);
    g.throughput(Throughput::Bytes(page.body.len() as u64));
    g.bench_function("list_page_100", |b| {
        b.iter(|| decode_response::<Page>(black_box(&page)).expect("decodes"))
    });
    let batch = batch_created_response(40);
    g.throughput(Throughput::Bytes(batch.body.len() as u64));
    g.bench_function("batch_result_40", |b| {
        b.iter(|| decode_response::<BatchCreated>(black_box(&batch)).expect("decodes"))
    });
    // The model alone (no envelope), from the tracking's own JSON text.
    let text = tracking_value(7, 20).to_string();
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("model_20_checkpoints", |b| {
        b.iter(|| serde_json::from_str::<Tracking>(black_box(&text)).expect("decodes"))
    });
    // Top-level fields only (what a listed tm_py.Tracking decodes for
    // `tracking_number`): the two carrier legs are skipped over.
    g.bench_function("model_20_checkpoints_top_level", |b| {
        b.iter(|| {
            let mut de = serde_json::Deserializer::from_str(black_box(&text));
            Tracking::deserialize_skipping(&mut de, &["origin_info", "destination_info"])
                .expect("decodes")
        })
    });
    // 8 unknown fields on the tracking, each leg and each checkpoint.
    let unknown = tracking_value_with_unknown_fields(7, 20, 8).to_string();
    g.throughput(Throughput::Bytes(unknown.len() as u64));
    g.bench_function("model_20_checkpoints_unknown_fields", |b| {
        b.iter(|| serde_json::from_str::<Tracking>(black_box(&unknown)).expect("decodes"))
    });
    g.finish();
}

fn roundtrip(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sim = Simulator::new(sim_config(1.0e12));
    fill(&sim, BENCH_KEY, 0, 1_000);
    // Three simulated days: the shipments have moved and carry checkpoints.
    sim.advance(std::time::Duration::from_secs(3 * 86_400));
    let client = Client::new(sim.transport(ApiKey::new(BENCH_KEY).expect("key")));

    let mut g = c.benchmark_group("roundtrip");
    let get = GetTracking::new(tm_bench::carrier(17), tracking_number(17)).expect("valid");
    g.bench_function("get", |b| {
        b.to_async(&rt)
            .iter(|| async { client.execute(black_box(&get)).await.expect("found") })
    });
    // Every iteration creates a new tracking (numbers above the filled range).
    let next = AtomicU64::new(10_000_000);
    g.bench_function("create", |b| {
        b.to_async(&rt).iter(|| async {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let create = CreateTracking::new(new_tracking(i)).expect("valid");
            client.execute(&create).await.expect("created")
        })
    });
    let list = ListTrackings::with(1, 100, ListFilter::default()).expect("valid");
    g.throughput(Throughput::Elements(100));
    g.bench_function("list_page_100", |b| {
        b.to_async(&rt)
            .iter(|| async { client.execute(black_box(&list)).await.expect("page") })
    });
    g.finish();
}

criterion_group!(benches, encode, decode, roundtrip);
criterion_main!(benches);
