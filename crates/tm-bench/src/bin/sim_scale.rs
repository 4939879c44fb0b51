//! The simulator's scale and throughput report (tm-mock issue, "Scale and
//! speed"). Prints markdown tables on stdout, all measured in one run:
//!
//! 1. in-process `Client` + `MockTransport`: get, create and list-page
//!    operations per second;
//! 2. bytes per stored tracking (live heap, counted by a global allocator,
//!    and RSS) and status-filtered list-page latency at 10k and at 1M stored
//!    trackings (`--quick`: 100k);
//! 3. HTTP requests per second on loopback for
//!    `GET /v2/trackings/{carrier}/{number}` against the tm-mock server and
//!    against a bare hyper "hello" server in the same process, with N
//!    keep-alive connections (hyper client), as a ratio.
//!
//! ```text
//! sim_scale [--quick] [--large N] [--connections N] [--secs S]
//! ```
//!
//! Build with `--release`; nothing is asserted, figures are reported.

use std::alloc::{GlobalAlloc, Layout, System};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, Request, Response};
use http_body_util::{BodyExt, Empty, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tm_bench::{carrier, fill, new_tracking, sim_config, tracking_number, BENCH_KEY};
use tm_core::endpoints::trackings::{CreateTracking, GetTracking, ListTrackings};
use tm_core::models::{ListFilter, Status};
use tm_core::{ApiKey, Client};
use tm_mock::{SimRequest, Simulator};
use tokio::net::{TcpListener, TcpStream};

/// Counts live heap bytes so the cost of stored trackings can be measured
/// exactly (RSS is reported too).
struct Counting;

static LIVE: AtomicI64 = AtomicI64::new(0);

/// Counting is on only while the scale section fills its simulators, so the
/// throughput sections pay no shared-counter cost per allocation.
static COUNTING: AtomicBool = AtomicBool::new(false);

fn count(delta: i64) {
    if COUNTING.load(Ordering::Relaxed) {
        LIVE.fetch_add(delta, Ordering::Relaxed);
    }
}

#[allow(unsafe_code)]
// SAFETY: every call is forwarded unchanged to the system allocator; the
// wrapper only updates a counter.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as i64);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as i64));
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as i64);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as i64 - layout.size() as i64);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn live_heap() -> i64 {
    LIVE.load(Ordering::Relaxed)
}

/// Resident set size in bytes (from `/proc/self/statm`; 0 where unavailable).
fn rss() -> i64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<i64>().ok())
        .map_or(0, |pages| pages * 4096)
}

struct Args {
    quick: bool,
    small: u64,
    large: u64,
    connections: usize,
    secs: f64,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        quick: false,
        small: 10_000,
        large: 1_000_000,
        connections: 32,
        secs: 2.0,
    };
    let mut large_set = false;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--quick" => a.quick = true,
            "--large" => {
                a.large = value("--large")?
                    .parse()
                    .map_err(|e| format!("--large: {e}"))?;
                large_set = true;
            }
            "--connections" => {
                a.connections = value("--connections")?
                    .parse()
                    .map_err(|e| format!("--connections: {e}"))?;
            }
            "--secs" => {
                a.secs = value("--secs")?
                    .parse()
                    .map_err(|e| format!("--secs: {e}"))?;
            }
            "-h" | "--help" => {
                return Err(
                    "usage: sim_scale [--quick] [--large N] [--connections N] [--secs S]".into(),
                )
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if a.quick && !large_set {
        a.large = 100_000;
    }
    if a.quick {
        a.secs = a.secs.min(1.0);
    }
    a.connections = a.connections.max(1);
    Ok(a)
}

fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sim_scale: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let phase = Duration::from_secs_f64(args.secs);

    // Scale first: in a fresh process the heap and RSS deltas are clean.
    println!(
        "### Simulator scale: memory and status-filtered list page ({} vs {})\n",
        human(args.small),
        human(args.large)
    );
    scale(&rt, &[args.small, args.large]);

    println!("\n### In-process `Client` + `MockTransport` (10,000 stored trackings)\n");
    rt.block_on(in_process(phase));

    println!(
        "\n### HTTP on loopback: tm-mock server vs bare hyper, {} keep-alive connections\n",
        args.connections
    );
    rt.block_on(http_compare(args.connections, phase));
    std::process::ExitCode::SUCCESS
}

fn human(n: u64) -> String {
    if n >= 1_000_000 && n % 1_000_000 == 0 {
        format!("{}M", n / 1_000_000)
    } else if n >= 1_000 && n % 1_000 == 0 {
        format!("{}k", n / 1_000)
    } else {
        n.to_string()
    }
}

/// Runs `op` repeatedly for about `phase`; returns (ops, elapsed).
async fn run_for<F, Fut>(phase: Duration, mut op: F) -> (u64, Duration)
where
    F: FnMut(u64) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < phase {
        for _ in 0..16 {
            op(n).await;
            n += 1;
        }
    }
    (n, start.elapsed())
}

async fn in_process(phase: Duration) {
    let stored = 10_000;
    let sim = Simulator::new(sim_config(1.0e12));
    fill(&sim, BENCH_KEY, 0, stored);
    let client = Client::new(sim.transport(ApiKey::new(BENCH_KEY).expect("key")));
    let mut rows = Vec::new();

    let gets: Vec<GetTracking> = (0..stored)
        .step_by(37)
        .map(|i| GetTracking::new(carrier(i), tracking_number(i)).expect("valid"))
        .collect();
    let (n, t) = run_for(phase, |i| {
        let get = &gets[(i as usize) % gets.len()];
        let client = &client;
        async move {
            client.execute(get).await.expect("found");
        }
    })
    .await;
    rows.push(("get one tracking", n, t));

    let (n, t) = run_for(phase, |i| {
        let client = &client;
        async move {
            let create = CreateTracking::new(new_tracking(50_000_000 + i)).expect("valid");
            client.execute(&create).await.expect("created");
        }
    })
    .await;
    rows.push(("create one tracking", n, t));

    let pages: Vec<ListTrackings> = (1..=20)
        .map(|p| ListTrackings::with(p, 100, ListFilter::default()).expect("valid"))
        .collect();
    let (n, t) = run_for(phase, |i| {
        let list = &pages[(i as usize) % pages.len()];
        let client = &client;
        async move {
            client.execute(list).await.expect("page");
        }
    })
    .await;
    rows.push(("list page of 100 (pages 1–20)", n, t));

    println!("| operation | ops/s | µs/op |");
    println!("|---|---:|---:|");
    for (name, n, t) in rows {
        let secs = t.as_secs_f64();
        println!(
            "| {name} | {:.0} | {:.1} |",
            n as f64 / secs,
            secs * 1e6 / n as f64
        );
    }
}

struct Filled {
    stored: u64,
    sim: Simulator,
    fill_secs: f64,
    advance_secs: f64,
    heap_per: f64,
    rss_per: f64,
    matching: u64,
}

fn list_req(query: &str) -> SimRequest {
    SimRequest::new(Method::GET, "/v2/trackings/get")
        .query(query.to_owned())
        .key(BENCH_KEY)
}

/// A simulator holding `n` trackings, three simulated days after they were
/// created, with what it cost. Nothing allocated before is freed meanwhile,
/// so the heap and RSS deltas are the simulator's own.
fn filled(n: u64, status: &Status) -> Filled {
    let heap0 = live_heap();
    let rss0 = rss();
    let started = Instant::now();
    let sim = Simulator::new(sim_config(n as f64 * 2.0 + 1_000.0));
    let created = fill(&sim, BENCH_KEY, 0, n);
    let fill_secs = started.elapsed().as_secs_f64();
    // Let the simulated shipments move so statuses spread out.
    let started = Instant::now();
    sim.advance(Duration::from_secs(3 * 86_400));
    let advance_secs = started.elapsed().as_secs_f64();
    sim.clear_journal();
    let heap = (live_heap() - heap0) as f64;
    let rss_delta = (rss() - rss0) as f64;
    if created != n {
        eprintln!("sim_scale: only {created} of {n} trackings were created");
    }
    let matching = sim
        .handle(list_req(&format!(
            "page=1&limit=1&status={}",
            status.as_str()
        )))
        .data()
        .and_then(|d| d.get("total")?.as_str()?.parse().ok())
        .unwrap_or(0);
    Filled {
        stored: n,
        sim,
        fill_secs,
        advance_secs,
        heap_per: heap / n as f64,
        rss_per: rss_delta / n as f64,
        matching,
    }
}

/// Median and minimum of a sample of microseconds.
fn med_min(v: &mut [f64]) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0])
}

fn time_us(f: impl FnOnce()) -> f64 {
    let s = Instant::now();
    f();
    s.elapsed().as_secs_f64() * 1e6
}

type Stats = [(f64, f64); 4];

/// Interleaved rounds of list calls on each simulator (so every size sees the
/// same machine load): filtered page 1 via the router, the same via `Client`,
/// filtered page 10 and unfiltered page 1 via the router.
fn list_latencies(rt: &tokio::runtime::Runtime, sims: &[&Filled], status: &Status) -> Vec<Stats> {
    let q1 = format!("page=1&limit=100&status={}", status.as_str());
    let q10 = format!("page=10&limit=100&status={}", status.as_str());
    let list = ListTrackings::with(
        1,
        100,
        ListFilter {
            status: Some(status.clone()),
            ..ListFilter::default()
        },
    )
    .expect("valid");
    let clients: Vec<Client> = sims
        .iter()
        .map(|f| Client::new(f.sim.transport(ApiKey::new(BENCH_KEY).expect("key"))))
        .collect();
    let mut samples = vec![[Vec::new(), Vec::new(), Vec::new(), Vec::new()]; sims.len()];
    for _ in 0..ROUNDS {
        for (k, f) in sims.iter().enumerate() {
            let s = &mut samples[k];
            s[0].push(time_us(|| {
                std::hint::black_box(f.sim.handle(list_req(&q1)));
            }));
            s[1].push(time_us(|| {
                std::hint::black_box(rt.block_on(clients[k].execute(&list)).expect("page"));
            }));
            s[2].push(time_us(|| {
                std::hint::black_box(f.sim.handle(list_req(&q10)));
            }));
            s[3].push(time_us(|| {
                std::hint::black_box(f.sim.handle(list_req("page=1&limit=100")));
            }));
        }
    }
    samples
        .iter_mut()
        .map(|s| {
            [
                med_min(&mut s[0]),
                med_min(&mut s[1]),
                med_min(&mut s[2]),
                med_min(&mut s[3]),
            ]
        })
        .collect()
}

const ROUNDS: usize = 40;

fn scale(rt: &tokio::runtime::Runtime, sizes: &[u64]) {
    let status = Status::Transit;
    COUNTING.store(true, Ordering::Relaxed);
    let small = filled(sizes[0], &status);
    COUNTING.store(false, Ordering::Relaxed);
    // The small simulator alone first (the heap holds nothing else), then
    // all sizes held at once, interleaved.
    let alone = list_latencies(rt, &[&small], &status);
    COUNTING.store(true, Ordering::Relaxed);
    let mut sims = vec![small];
    sims.extend(sizes[1..].iter().map(|&n| filled(n, &status)));
    COUNTING.store(false, Ordering::Relaxed);
    let refs: Vec<&Filled> = sims.iter().collect();
    let together = list_latencies(rt, &refs, &status);
    let mut rows: Vec<(String, &Filled, Stats)> = vec![(human(sims[0].stored), &sims[0], alone[0])];
    let others = sizes[1..]
        .iter()
        .map(|&n| human(n))
        .collect::<Vec<_>>()
        .join(", ");
    for (k, f) in sims.iter().enumerate() {
        let label = if k == 0 {
            format!("{} (while {others} also held)", human(f.stored))
        } else {
            human(f.stored)
        };
        rows.push((label, f, together[k]));
    }

    println!(
        "| stored trackings | fill: batch create | advance 3 simulated days | heap bytes/tracking | RSS bytes/tracking | `status=transit` matches | filtered page 1 (100), router | filtered page 1, `Client` | filtered page 10, router | unfiltered page 1, router |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let cell = |(med, min): (f64, f64)| format!("{:.1} ms ({:.1})", med / 1e3, min / 1e3);
    for (label, f, st) in &rows {
        println!(
            "| {label} | {:.1} s ({:.0}/s) | {:.1} s | {:.0} | {:.0} | {} | {} | {} | {} | {} |",
            f.fill_secs,
            f.stored as f64 / f.fill_secs,
            f.advance_secs,
            f.heap_per,
            f.rss_per,
            f.matching,
            cell(st[0]),
            cell(st[1]),
            cell(st[2]),
            cell(st[3]),
        );
    }
    println!(
        "\nLatencies: median of {ROUNDS} rounds (minimum in brackets); with several sizes held, rounds are interleaved."
    );
    if let (Some(a), Some(b)) = (rows.first(), rows.last()) {
        if sims.len() > 1 {
            let (a_with, _, st_with) = &rows[1];
            let r_alone = b.2[0].0 / a.2[0].0;
            let r_with = b.2[0].0 / st_with[0].0;
            let r_client = b.2[1].0 / a.2[1].0;
            println!(
                "{} vs {}: {:.0} heap bytes per stored tracking (target ≤ 2048: {}); filtered page 1 (router) takes {:.2}× the time of {} alone and {:.2}× that of {a_with}; via `Client` {:.2}× ({} alone) (target ≤ 2×: {}).",
                b.0,
                a.0,
                b.1.heap_per,
                if b.1.heap_per <= 2048.0 { "met" } else { "missed" },
                r_alone,
                a.0,
                r_with,
                r_client,
                a.0,
                if r_alone.max(r_with) <= 2.0 { "met" } else { "missed" },
            );
        }
    }
}

// ---------- HTTP ----------

/// Starts a bare hyper HTTP/1.1 server answering `hello` to everything.
async fn hello_server() -> std::io::Result<(SocketAddr, Arc<AtomicBool>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    tokio::spawn(async move {
        while !stopped.load(Ordering::Relaxed) {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let svc = service_fn(|_req: Request<hyper::body::Incoming>| async {
                    Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"hello"))))
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    Ok((addr, stop))
}

/// Sends `GET paths[i]` over `connections` keep-alive connections for
/// `phase`; returns completed requests per second (only 2xx with a body
/// read to the end are counted) and the number of failures.
async fn load(
    addr: SocketAddr,
    paths: Arc<Vec<String>>,
    connections: usize,
    phase: Duration,
) -> (f64, u64) {
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + phase;
    let mut tasks = Vec::new();
    for c in 0..connections {
        let (done, failed, paths) = (done.clone(), failed.clone(), paths.clone());
        tasks.push(tokio::spawn(async move {
            let Ok(stream) = TcpStream::connect(addr).await else {
                failed.fetch_add(1, Ordering::Relaxed);
                return;
            };
            let _ = stream.set_nodelay(true);
            let Ok((mut sender, conn)) =
                hyper::client::conn::http1::handshake::<_, Empty<Bytes>>(TokioIo::new(stream))
                    .await
            else {
                failed.fetch_add(1, Ordering::Relaxed);
                return;
            };
            tokio::spawn(conn);
            let mut i = c * 7919;
            while Instant::now() < deadline {
                i += 1;
                let req = Request::get(paths[i % paths.len()].as_str())
                    .header(http::header::HOST, "127.0.0.1")
                    .header(tm_core::transport::API_KEY_HEADER, BENCH_KEY)
                    .body(Empty::new())
                    .expect("request");
                if sender.ready().await.is_err() {
                    failed.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                let ok = match sender.send_request(req).await {
                    Ok(resp) if resp.status().is_success() => {
                        resp.into_body().collect().await.is_ok()
                    }
                    _ => false,
                };
                if ok {
                    done.fetch_add(1, Ordering::Relaxed);
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let secs = start.elapsed().as_secs_f64();
    (
        done.load(Ordering::Relaxed) as f64 / secs,
        failed.load(Ordering::Relaxed),
    )
}

async fn http_compare(connections: usize, phase: Duration) {
    let stored = 10_000;
    let sim = Simulator::new(sim_config(1.0e9));
    fill(&sim, BENCH_KEY, 0, stored);
    sim.advance(Duration::from_secs(3 * 86_400));
    let mock = match tm_mock::serve(sim.clone(), "127.0.0.1:0".parse().expect("addr")).await {
        Ok(h) => h,
        Err(e) => {
            println!("HTTP comparison skipped: cannot start tm-mock: {e}");
            return;
        }
    };
    let (hello, hello_stop) = match hello_server().await {
        Ok(x) => x,
        Err(e) => {
            println!("HTTP comparison skipped: cannot start hyper: {e}");
            return;
        }
    };
    let paths: Arc<Vec<String>> = Arc::new(
        (0..stored)
            .step_by(13)
            .map(|i| format!("/v2/trackings/{}/{}", carrier(i), tracking_number(i)))
            .collect(),
    );
    let body_len = sim
        .handle(SimRequest::new(Method::GET, paths[0].as_str()).key(BENCH_KEY))
        .body
        .len();
    // Warm up both, then alternate so both see the same machine load.
    let warm = Duration::from_millis(300);
    load(hello, paths.clone(), connections, warm).await;
    load(mock.addr(), paths.clone(), connections, warm).await;
    let (mut best_hello, mut best_mock) = ((0.0f64, 0u64), (0.0f64, 0u64));
    for _ in 0..2 {
        let h = load(hello, paths.clone(), connections, phase / 2).await;
        let m = load(mock.addr(), paths.clone(), connections, phase / 2).await;
        if h.0 > best_hello.0 {
            best_hello = h;
        }
        if m.0 > best_mock.0 {
            best_mock = m;
        }
    }
    sim.clear_journal();
    hello_stop.store(true, Ordering::Relaxed);
    mock.shutdown().await;

    println!(
        "| server | `GET /v2/trackings/{{carrier}}/{{number}}` req/s | response body | failed |"
    );
    println!("|---|---:|---:|---:|");
    println!(
        "| bare hyper 1 \"hello\" | {:.0} | 5 B | {} |",
        best_hello.0, best_hello.1
    );
    println!(
        "| tm-mock server (10,000 stored, full tracking JSON) | {:.0} | {} B | {} |",
        best_mock.0, body_len, best_mock.1
    );
    let ratio = best_mock.0 / best_hello.0 * 100.0;
    println!(
        "\ntm-mock / bare hyper: **{ratio:.0} %** (target ≥ 50 %: {}).",
        if ratio >= 50.0 { "met" } else { "missed" }
    );
}
