//! Helpers shared by the CLI tests: the `tm` binary, a simulator state file in a
//! temporary directory, and a tm-mock HTTP server on a loopback port.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;
use tm_mock::{ServerHandle, SimConfig, Simulator};

/// The `tm` binary with no API key in its environment.
pub fn tm() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tm"));
    c.env_remove("TRACKINGMORE_API_KEY");
    c.env_remove("TM_MOCK_ADMIN_TOKEN");
    c
}

/// A simulator state file in a temporary directory: consecutive `tm` runs see
/// the same trackings.
pub struct Mock {
    pub dir: TempDir,
    pub state: PathBuf,
}

impl Mock {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("sim-state.json");
        Self { dir, state }
    }

    /// `tm --mock --mock-state <file> ARGS...`
    pub fn tm(&self, args: &[&str]) -> Command {
        let mut c = tm();
        c.arg("--mock")
            .arg("--mock-state")
            .arg(&self.state)
            .args(args);
        c
    }

    /// Writes a file in the temporary directory.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// A tm-mock server on 127.0.0.1 (rate limits off) with its own runtime.
pub struct Server {
    handle: Option<ServerHandle>,
    runtime: tokio::runtime::Runtime,
    pub url: String,
    pub dir: TempDir,
}

impl Server {
    pub fn start(config: SimConfig) -> Self {
        Self::start_with(config, tm_mock::ServeOptions::default())
    }

    /// A server with `options` (an admin token, …).
    pub fn start_with(config: SimConfig, options: tm_mock::ServeOptions) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let handle = runtime
            .block_on(tm_mock::serve_with(
                Simulator::new(config),
                "127.0.0.1:0".parse().unwrap(),
                options,
            ))
            .unwrap();
        let url = handle.url();
        Self {
            handle: Some(handle),
            runtime,
            url,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn open() -> Self {
        Self::start(SimConfig {
            rate_limits: false,
            ..SimConfig::default()
        })
    }

    /// `tm --base-url <url> --api-key KEY --no-rate-limits ARGS...`
    pub fn tm_with_key(&self, key: &str, args: &[&str]) -> Command {
        let mut c = tm();
        c.arg("--base-url")
            .arg(&self.url)
            .arg("--api-key")
            .arg(key)
            .arg("--no-rate-limits")
            .arg("--timeout")
            .arg("10s")
            .args(args);
        c
    }

    pub fn tm(&self, args: &[&str]) -> Command {
        self.tm_with_key("server-test-key", args)
    }

    /// `POST {url}/_mock/{path}` with a JSON body; returns the envelope.
    pub fn admin_post(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let url = format!("{}/_mock/{path}", self.url);
        self.runtime.block_on(async {
            let r = reqwest::Client::new()
                .post(url)
                .header("content-type", "application/json")
                .body(serde_json::to_vec(&body).unwrap())
                .send()
                .await
                .unwrap();
            serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
        })
    }

    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.runtime.block_on(h.shutdown());
        }
    }
}

/// Standard output of a finished command as text.
pub fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error of a finished command as text.
pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Parses stdout as JSON.
pub fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout_of(out),
            stderr_of(out)
        )
    })
}

/// Reads a CSV file into records (header excluded).
pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// A few valid shipments as CSV.
pub const GOOD_CSV: &str = "tracking_number,carrier_code,title,order_id\n\
1Z999AA10123456784,ups,Espresso grinder,SO-1\n\
9400111899223197428497,usps,Planter,SO-2\n\
RR123456785CN,china-post,Charger,SO-3\n\
3318810025,dhl,Camera lens,SO-4\n\
TMDELIV0001,usps,Gift card,SO-5\n";
