//! What webhook delivery costs the simulator (issue 9, "Scale"): the same N stored trackings
//! advanced 3 simulated days without webhooks, and with webhooks produced — in-process, the
//! events drained by a counting receiver (the simulator's queue, drained every simulated
//! 3 hours) — and, at a smaller size, with one HTTP URL on loopback answered by a counting
//! hyper server. Prints a markdown table (wall and CPU time); nothing is asserted.
//!
//! ```text
//! webhook_scale [--trackings N] [--http-trackings N]
//! ```

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::Response;
use hyper_util::rt::TokioIo;
use tm_bench::{fill, sim_config, BENCH_KEY};
use tm_mock::Simulator;

const STEP: u64 = 3 * 3600;
const STEPS: u64 = 24; // 3 days

fn filled(n: u64) -> Simulator {
    let sim = Simulator::new(sim_config(n as f64 * 2.0 + 1_000.0));
    let created = fill(&sim, BENCH_KEY, 0, n);
    if created != n {
        eprintln!("webhook_scale: only {created} of {n} trackings were created");
    }
    sim.clear_journal();
    sim
}

/// CPU seconds this process has used (user + system, from `/proc/self/stat`; 0 where that
/// is missing). It leaves out time spent waiting for a core, not a core slowed by sharing:
/// compare runs from one quiet window (BENCHMARKS.md §5d).
fn cpu_seconds() -> f64 {
    // Linux's USER_HZ is 100 on every architecture that exposes it to user space.
    const TICKS_PER_SECOND: f64 = 100.0;
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / TICKS_PER_SECOND
}

/// Wall and CPU seconds to advance 3 days in 3-hour steps; `drain` runs after each step.
fn advance(sim: &Simulator, mut drain: impl FnMut(&Simulator)) -> (f64, f64) {
    let started = Instant::now();
    let cpu = cpu_seconds();
    for _ in 0..STEPS {
        sim.advance(Duration::from_secs(STEP));
        drain(sim);
    }
    (started.elapsed().as_secs_f64(), cpu_seconds() - cpu)
}

/// A loopback receiver that counts deliveries and answers 200.
async fn counting_receiver() -> (String, Arc<AtomicU64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let count = Arc::new(AtomicU64::new(0));
    let c = Arc::clone(&count);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let c = Arc::clone(&c);
            tokio::spawn(async move {
                let svc = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let c = Arc::clone(&c);
                    async move {
                        let _ = req.into_body().collect().await;
                        c.fetch_add(1, Ordering::Relaxed);
                        Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    (url, count)
}

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    if std::env::args().any(|a| a == "--help" || a == "-h") {
        println!(
            "webhook_scale [--trackings N (default 1000000)] [--http-trackings N (default 10000)]"
        );
        return;
    }
    let n = arg("--trackings", 1_000_000);
    let n_http = arg("--http-trackings", 10_000);
    println!("| stored trackings | webhooks | events | advance 3 simulated days (24 steps of 3 h) | vs without | CPU time | vs without |");
    println!("|---:|---|---:|---:|---:|---:|---:|");

    for &(size, http) in &[(n, false), (n_http, true)] {
        let plain = filled(size);
        let (base, base_cpu) = advance(&plain, |_| {});
        drop(plain);
        println!("| {size} | none | 0 | {base:.2} s | 1.00× | {base_cpu:.2} s | 1.00× |");
        let sim = filled(size);
        let ((secs, cpu), events, label) = if http {
            let rt = tokio::runtime::Runtime::new().unwrap();
            let (url, count) = rt.block_on(counting_receiver());
            sim.add_webhook(&url, &[], None).unwrap();
            // advance() delivers on a private thread and runtime; the receiver runs on `rt`.
            let took = advance(&sim, |_| {});
            (
                took,
                count.load(Ordering::Relaxed),
                "one HTTP URL, counting hyper receiver",
            )
        } else {
            sim.set_webhook_queue(true);
            let mut events = 0u64;
            let took = advance(&sim, |s| {
                events += s.drain_webhook_queue().len() as u64;
            });
            (took, events, "in-process queue, counting receiver")
        };
        println!(
            "| {size} | {label} | {events} | {secs:.2} s | {:.2}× | {cpu:.2} s | {:.2}× |",
            secs / base.max(1e-9),
            cpu / base_cpu.max(1e-9)
        );
    }
}
