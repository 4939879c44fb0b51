//! Prints the criterion results of `benches/core.rs` as a markdown table.
//!
//! ```text
//! criterion_report [CRITERION_DIR]   (default: target/criterion)
//! ```
//!
//! Reads `<group>/<bench>/new/estimates.json` and `benchmark.json` for the
//! groups `encode`, `decode` and `roundtrip`.

use std::path::{Path, PathBuf};

use serde_json::Value;

const GROUPS: &[(&str, &str)] = &[
    ("encode", "endpoint → `WireRequest`"),
    ("decode", "`client::decode_response`"),
    ("roundtrip", "`Client` + `MockTransport`"),
];

fn read_json(path: &Path) -> Option<Value> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn estimate(v: &Value, which: &str) -> Option<f64> {
    v.get(which)?.get("point_estimate")?.as_f64()
}

fn time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn throughput(bench: &Value, ns: f64) -> String {
    let Some(t) = bench.get("throughput").filter(|t| !t.is_null()) else {
        return format!("{:.0} calls/s", 1e9 / ns);
    };
    if let Some(b) = t.get("Bytes").and_then(Value::as_f64) {
        format!(
            "{:.0} MiB/s ({:.1} KiB body)",
            b / ns * 1e9 / 1_048_576.0,
            b / 1024.0
        )
    } else if let Some(e) = t.get("Elements").and_then(Value::as_f64) {
        format!("{:.0} items/s", e / ns * 1e9)
    } else {
        String::new()
    }
}

fn main() -> std::process::ExitCode {
    let dir = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("target/criterion"), PathBuf::from);
    let mut rows = 0;
    println!("| group | benchmark | median | mean | throughput |");
    println!("|---|---|---:|---:|---:|");
    for (group, what) in GROUPS {
        let Ok(entries) = std::fs::read_dir(dir.join(group)) else {
            continue;
        };
        let mut names: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join("new/estimates.json").exists())
            .collect();
        names.sort();
        for path in names {
            let (Some(est), Some(bench)) = (
                read_json(&path.join("new/estimates.json")),
                read_json(&path.join("new/benchmark.json")),
            ) else {
                continue;
            };
            let (Some(median), Some(mean)) = (estimate(&est, "median"), estimate(&est, "mean"))
            else {
                continue;
            };
            let name = bench
                .get("function_id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            println!(
                "| {group} ({what}) | `{name}` | {} | {} | {} |",
                time(median),
                time(mean),
                throughput(&bench, median)
            );
            rows += 1;
        }
    }
    if rows == 0 {
        eprintln!("criterion_report: no results under {}", dir.display());
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
