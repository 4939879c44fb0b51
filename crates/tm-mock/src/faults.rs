//! Seeded, reproducible fault injection.
//!
//! A [`FaultConfig`] is a list of [`FaultRule`]s. For every API call (admin
//! endpoints under `/_mock/` are never faulted) the rules are tried in order:
//! a rule applies when its `endpoint` matches, it has `times` left, and a draw
//! from the seeded generator falls under its `probability`. Every matching
//! `latency` rule adds its delay; the first other matching rule decides the
//! fault of that call.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};

use crate::render::{error, with_retry_after};
use crate::wire::SimResponse;

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Delay the response by `min_ms..=max_ms` milliseconds.
    Latency,
    /// HTTP 500 with meta 500 (and `Retry-After` if `retry_after` is set).
    Http500,
    /// HTTP 503 with meta 503 and `Retry-After` (`retry_after`, default 1 s).
    Http503,
    /// HTTP 429 with meta 429 and `Retry-After` (`retry_after`, default 1 s).
    Http429,
    /// The connection is closed without a response.
    Drop,
    /// The body is cut after `keep_bytes` bytes (default: half of it).
    Truncate,
    /// An HTML error page instead of JSON (HTTP `status`, default 502).
    Html,
}

/// Whether a fault happens before the request is applied or after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultTiming {
    /// The request is not applied (nothing changes on the server).
    Before,
    /// The request is applied, then its response is replaced or lost.
    After,
}

/// One fault rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    /// What happens.
    pub kind: FaultKind,
    /// Chance per matching call, 0.0..=1.0 (default 1.0).
    #[serde(default = "one")]
    pub probability: f64,
    /// Restrict to an endpoint: a name such as `trackings.batch` (see the
    /// README), or a path pattern starting with `/` where `*` matches any run
    /// of characters, e.g. `/trackings/*`. Paths are compared without `/v2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Apply to the next N matching calls only (then the rule is removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    /// Before or after applying the request. Default: `before` for
    /// `http500`/`http503`/`http429`, `after` for `drop`/`truncate`/`html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<FaultTiming>,
    /// Latency lower bound (ms).
    #[serde(default)]
    pub min_ms: u64,
    /// Latency upper bound (ms).
    #[serde(default)]
    pub max_ms: u64,
    /// `Retry-After` seconds for 429/500/503.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Bytes kept by `truncate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_bytes: Option<usize>,
    /// HTTP status of `html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

fn one() -> f64 {
    1.0
}

impl FaultRule {
    /// A rule of `kind` that always applies.
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            probability: 1.0,
            endpoint: None,
            times: None,
            when: None,
            min_ms: 0,
            max_ms: 0,
            retry_after: None,
            keep_bytes: None,
            status: None,
        }
    }

    /// A latency rule of `min_ms..=max_ms`.
    pub fn latency(min_ms: u64, max_ms: u64) -> Self {
        Self {
            min_ms,
            max_ms,
            ..Self::new(FaultKind::Latency)
        }
    }

    /// Sets the probability.
    pub fn probability(mut self, p: f64) -> Self {
        self.probability = p;
        self
    }

    /// Restricts to an endpoint name or path pattern.
    pub fn endpoint(mut self, e: impl Into<String>) -> Self {
        self.endpoint = Some(e.into());
        self
    }

    /// Applies to the next `n` matching calls only.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Chooses before/after.
    pub fn when(mut self, w: FaultTiming) -> Self {
        self.when = Some(w);
        self
    }

    /// Sets `Retry-After`.
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// Effective timing.
    pub fn timing(&self) -> FaultTiming {
        self.when.unwrap_or(match self.kind {
            FaultKind::Http500 | FaultKind::Http503 | FaultKind::Http429 | FaultKind::Latency => {
                FaultTiming::Before
            }
            FaultKind::Drop | FaultKind::Truncate | FaultKind::Html => FaultTiming::After,
        })
    }

    pub(crate) fn matches(&self, name: &str, path: &str) -> bool {
        match self.endpoint.as_deref() {
            None | Some("") | Some("*") => true,
            Some(p) if p.starts_with('/') => glob(p.trim_end_matches('/'), path),
            Some(p) => p.eq_ignore_ascii_case(name),
        }
    }
}

/// A set of fault rules with the seed of their generator.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FaultConfig {
    /// Seed of the fault generator (default: the simulator's seed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The rules, tried in order.
    #[serde(default)]
    pub rules: Vec<FaultRule>,
}

impl FaultConfig {
    /// No faults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a rule.
    pub fn rule(mut self, r: FaultRule) -> Self {
        self.rules.push(r);
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }
}

/// Longest delay one latency rule may inject: 10 minutes.
pub const MAX_LATENCY_MS: u64 = 600_000;

/// Largest `Retry-After` a rule may send: one day.
pub const MAX_RETRY_AFTER: u64 = 86_400;

/// Most rules one configuration may hold when it is validated.
pub const MAX_FAULT_RULES: usize = 1_000;

/// Longest `endpoint` pattern, in bytes.
const MAX_ENDPOINT_LEN: usize = 1_024;

/// A fault configuration the simulator refuses: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` {reason}")]
#[non_exhaustive]
pub struct FaultConfigError {
    /// The field, e.g. `rules[2].probability`.
    pub field: String,
    /// What is wrong with it.
    pub reason: String,
}

impl FaultConfigError {
    fn new(index: usize, field: &str, reason: String) -> Self {
        Self {
            field: format!("rules[{index}].{field}"),
            reason,
        }
    }
}

impl FaultConfig {
    /// Checks every value: `probability` in 0..=1, latencies up to
    /// [`MAX_LATENCY_MS`] with `min_ms <= max_ms`, `retry_after` up to
    /// [`MAX_RETRY_AFTER`], `status` an HTTP status (100..=599), `times` at
    /// least 1, at most [`MAX_FAULT_RULES`] rules.
    pub fn validate(&self) -> Result<(), FaultConfigError> {
        if self.rules.len() > MAX_FAULT_RULES {
            return Err(FaultConfigError {
                field: "rules".into(),
                reason: format!(
                    "holds {} rules; at most {MAX_FAULT_RULES} are accepted",
                    self.rules.len()
                ),
            });
        }
        for (i, r) in self.rules.iter().enumerate() {
            let bad = |field: &str, reason: String| Err(FaultConfigError::new(i, field, reason));
            if !(0.0..=1.0).contains(&r.probability) {
                return bad(
                    "probability",
                    format!("must be between 0 and 1 (got {})", r.probability),
                );
            }
            for (field, ms) in [("min_ms", r.min_ms), ("max_ms", r.max_ms)] {
                if ms > MAX_LATENCY_MS {
                    return bad(
                        field,
                        format!("must be at most {MAX_LATENCY_MS} ms (got {ms})"),
                    );
                }
            }
            if r.min_ms > r.max_ms {
                return bad(
                    "min_ms",
                    format!("must not exceed max_ms ({} > {})", r.min_ms, r.max_ms),
                );
            }
            if let Some(s) = r.retry_after.filter(|s| *s > MAX_RETRY_AFTER) {
                return bad(
                    "retry_after",
                    format!("must be at most {MAX_RETRY_AFTER} seconds (got {s})"),
                );
            }
            if let Some(s) = r.status.filter(|s| !(100..=599).contains(s)) {
                return bad(
                    "status",
                    format!("must be an HTTP status 100..=599 (got {s})"),
                );
            }
            if r.times == Some(0) {
                return bad(
                    "times",
                    "must be at least 1 (omit it for every call)".into(),
                );
            }
            if let Some(e) = r.endpoint.as_ref().filter(|e| e.len() > MAX_ENDPOINT_LEN) {
                return bad(
                    "endpoint",
                    format!("must be at most {MAX_ENDPOINT_LEN} bytes (got {})", e.len()),
                );
            }
        }
        Ok(())
    }

    /// Every value moved into its range (what [`crate::Simulator::set_faults`]
    /// applies): probability into 0..=1 (not a number: 0), latencies up to
    /// [`MAX_LATENCY_MS`], `retry_after` up to [`MAX_RETRY_AFTER`], a `status`
    /// that is not an HTTP status back to the default.
    pub fn clamped(mut self) -> Self {
        for r in &mut self.rules {
            r.probability = if r.probability.is_nan() {
                0.0
            } else {
                r.probability.clamp(0.0, 1.0)
            };
            r.min_ms = r.min_ms.min(MAX_LATENCY_MS);
            r.max_ms = r.max_ms.min(MAX_LATENCY_MS);
            r.retry_after = r.retry_after.map(|s| s.min(MAX_RETRY_AFTER));
            r.status = r.status.filter(|s| (100..=599).contains(s));
        }
        self
    }
}

/// `*`-glob match.
fn glob(p: &str, s: &str) -> bool {
    let (p, s) = (p.as_bytes(), s.as_bytes());
    let (mut pi, mut si, mut star, mut mark) = (0, 0, None, 0);
    while si < s.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if pi < p.len() && p[pi] == s[si] {
            pi += 1;
            si += 1;
        } else if let Some(st) = star {
            pi = st + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// The decision for one call.
#[derive(Debug, Default)]
pub(crate) struct Decision {
    /// Total injected delay.
    pub latency_ms: u64,
    /// The fault of this call, if any.
    pub fault: Option<FaultRule>,
}

/// Rules plus their generator.
#[derive(Debug)]
pub(crate) struct FaultState {
    pub config: FaultConfig,
    pub rng: fastrand::Rng,
}

impl FaultState {
    pub(crate) fn new(config: FaultConfig, default_seed: u64) -> Self {
        let rng = fastrand::Rng::with_seed(config.seed.unwrap_or(default_seed) ^ 0xfa17);
        Self { config, rng }
    }

    pub(crate) fn decide(&mut self, name: &str, path: &str) -> Decision {
        let mut d = Decision::default();
        let mut exhausted = false;
        for rule in &mut self.config.rules {
            if rule.times == Some(0) || !rule.matches(name, path) {
                continue;
            }
            if rule.kind != FaultKind::Latency && d.fault.is_some() {
                continue;
            }
            if self.rng.f64() >= rule.probability {
                continue;
            }
            if let Some(t) = &mut rule.times {
                *t -= 1;
                exhausted |= *t == 0;
            }
            if rule.kind == FaultKind::Latency {
                let (lo, hi) = (rule.min_ms.min(rule.max_ms), rule.min_ms.max(rule.max_ms));
                d.latency_ms = d.latency_ms.saturating_add(self.rng.u64(lo..=hi));
            } else {
                d.fault = Some(rule.clone());
            }
        }
        if exhausted {
            self.config.rules.retain(|r| r.times != Some(0));
        }
        d
    }
}

/// The wire name of a fault kind (`http503`, `drop`, …), for the journal.
pub(crate) fn fault_name(kind: FaultKind) -> Option<String> {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
}

/// The answer a `before`/`after` fault sends instead of the real one: a
/// 500/503/429 envelope, or an HTML error page for the other kinds.
pub(crate) fn injected_response(rule: &FaultRule) -> SimResponse {
    match rule.kind {
        FaultKind::Http500 => {
            let r = error(500, "Internal server error.");
            match rule.retry_after {
                Some(s) => with_retry_after(r, s),
                None => r,
            }
        }
        FaultKind::Http503 => with_retry_after(
            error(503, "Service temporarily unavailable."),
            rule.retry_after.unwrap_or(1),
        ),
        FaultKind::Http429 => with_retry_after(
            error(429, "Too Many Requests"),
            rule.retry_after.unwrap_or(1),
        ),
        _ => {
            let status =
                StatusCode::from_u16(rule.status.unwrap_or(502)).unwrap_or(StatusCode::BAD_GATEWAY);
            let mut headers = HeaderMap::new();
            headers.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("text/html"),
            );
            let body = format!(
                "<html>\r\n<head><title>{0}</title></head>\r\n<body>\r\n<center><h1>{0}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                status
            );
            SimResponse {
                status,
                headers,
                body: Bytes::from(body),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_and_names() {
        assert!(glob("/trackings/*", "/trackings/post"));
        assert!(!glob("/carriers*", "/trackings/post"));
        assert!(glob("/trackings/*/TMDELIV*", "/trackings/ups/TMDELIV1"));
        let r = FaultRule::new(FaultKind::Drop).endpoint("trackings.post");
        assert!(r.matches("trackings.post", "/trackings/post"));
        assert!(!r.matches("trackings.batch", "/trackings/batch"));
    }

    #[test]
    fn times_and_probability_are_reproducible() {
        let cfg = FaultConfig::new()
            .seed(3)
            .rule(FaultRule::new(FaultKind::Http503).probability(0.5));
        let run = || {
            let mut s = FaultState::new(cfg.clone(), 0);
            (0..50)
                .map(|_| s.decide("x", "/x").fault.is_some())
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        assert!(a.iter().any(|x| *x) && a.iter().any(|x| !*x));
        let mut s = FaultState::new(
            FaultConfig::new().rule(FaultRule::new(FaultKind::Drop).times(2)),
            0,
        );
        let hits = (0..5)
            .filter(|_| s.decide("x", "/x").fault.is_some())
            .count();
        assert_eq!(hits, 2);
        assert!(s.config.rules.is_empty());
    }

    #[test]
    fn values_out_of_range_are_refused_or_clamped() {
        let ok = FaultConfig::new()
            .rule(FaultRule::latency(5, MAX_LATENCY_MS))
            .rule(FaultRule::new(FaultKind::Http503).retry_after(MAX_RETRY_AFTER));
        assert_eq!(ok.validate(), Ok(()));
        let cases = [
            (FaultRule::latency(0, u64::MAX), "rules[0].max_ms"),
            (FaultRule::latency(9, 3), "rules[0].min_ms"),
            (
                FaultRule::new(FaultKind::Drop).probability(1.5),
                "rules[0].probability",
            ),
            (
                FaultRule::new(FaultKind::Drop).probability(f64::NAN),
                "rules[0].probability",
            ),
            (
                FaultRule::new(FaultKind::Http429).retry_after(u64::MAX),
                "rules[0].retry_after",
            ),
            (FaultRule::new(FaultKind::Drop).times(0), "rules[0].times"),
            (
                FaultRule {
                    status: Some(1000),
                    ..FaultRule::new(FaultKind::Html)
                },
                "rules[0].status",
            ),
        ];
        for (rule, field) in cases {
            let e = FaultConfig::new()
                .rule(rule.clone())
                .validate()
                .unwrap_err();
            assert_eq!(e.field, field, "{rule:?}");
            assert!(e.to_string().starts_with(&format!("`{field}`")), "{e}");
            let c = FaultConfig::new().rule(rule).clamped();
            let r = &c.rules[0];
            assert!((0.0..=1.0).contains(&r.probability));
            assert!(r.max_ms <= MAX_LATENCY_MS && r.retry_after.unwrap_or(0) <= MAX_RETRY_AFTER);
        }
        // Latencies of many rules add up without overflow.
        let mut many = FaultConfig::new();
        for _ in 0..3 {
            many = many.rule(FaultRule::latency(u64::MAX, u64::MAX));
        }
        let mut s = FaultState::new(many, 1);
        assert_eq!(s.decide("x", "/x").latency_ms, u64::MAX);
    }
}
