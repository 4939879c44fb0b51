//! `tm-mock check-cassette`: replays a cassette's requests against a fresh simulator and
//! reports, call by call, where the simulator's answer differs in shape from the recorded
//! one — HTTP status, `meta.code`, fields present on one side only, and JSON types.
//!
//! Values are not compared (the simulator's data is its own); shapes are. Arrays are
//! compared by their first elements. When the outcomes differ (`meta.code` or HTTP status),
//! the `data` shapes are not compared: a success and an error are different documents.

use std::fmt;

use serde::Serialize;
use serde_json::Value;
use tm_core::cassette::{Interaction, RecordedBody};

use crate::{SimConfig, SimRequest, Simulator};

/// The key the replayed requests carry (the cassette never holds the recorded one).
const REPLAY_KEY: &str = "check-cassette";

/// One difference at one place of a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// Where: `status`, `meta.code`, `data.items[0].origin_info`, …
    pub at: String,
    /// What differs, for people.
    pub what: String,
}

/// The outcome of one replayed call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallReport {
    /// The interaction's `seq`.
    pub seq: u64,
    /// `METHOD /path?query`.
    pub request: String,
    /// Empty when the simulator answered in the recorded shape.
    pub differences: Vec<Difference>,
}

/// Every replayed call of one cassette.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DriftReport {
    /// One entry per interaction, in `seq` order.
    pub calls: Vec<CallReport>,
}

impl DriftReport {
    /// How many calls differ.
    pub fn differing(&self) -> usize {
        self.calls
            .iter()
            .filter(|c| !c.differences.is_empty())
            .count()
    }
}

impl fmt::Display for DriftReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.calls {
            if c.differences.is_empty() {
                writeln!(f, "#{} {}: same shape", c.seq, c.request)?;
                continue;
            }
            writeln!(
                f,
                "#{} {}: {} difference(s)",
                c.seq,
                c.request,
                c.differences.len()
            )?;
            for d in &c.differences {
                writeln!(f, "    {}: {}", d.at, d.what)?;
            }
        }
        write!(
            f,
            "{} call(s), {} with the recorded shape, {} differ",
            self.calls.len(),
            self.calls.len() - self.differing(),
            self.differing()
        )
    }
}

/// Replays `interactions` (in order) against a fresh simulator built from `config` and
/// compares each answer's shape with the recorded one. Interactions recorded as transport
/// errors are replayed but have nothing to compare.
pub fn check_cassette(interactions: &[Interaction], mut config: SimConfig) -> DriftReport {
    // Every key gets an account, and a replay must not be slowed or refused by limits.
    config.keys = None;
    config.rate_limits = false;
    let sim = Simulator::new(config);
    let mut calls = Vec::with_capacity(interactions.len());
    for it in interactions {
        let wire = match it.request.to_wire() {
            Ok(w) => w,
            Err(e) => {
                calls.push(CallReport {
                    seq: it.seq,
                    request: it.request.describe(),
                    differences: vec![Difference {
                        at: "request".into(),
                        what: e.message,
                    }],
                });
                continue;
            }
        };
        let pq = wire.path_and_query();
        let query = pq
            .split_once('?')
            .map(|(_, q)| q.to_owned())
            .unwrap_or_default();
        let mut req = SimRequest::new(wire.method.clone(), wire.path.clone())
            .key(REPLAY_KEY)
            .query(query)
            .body(wire.body.clone());
        for (k, v) in &wire.headers {
            req.headers.insert(k.clone(), v.clone());
        }
        let resp = sim.handle(req);
        let differences = match &it.response {
            None => Vec::new(),
            Some(recorded) => compare(
                recorded.status,
                &recorded.body,
                resp.status.as_u16(),
                &RecordedBody::from_bytes(&resp.body),
            ),
        };
        calls.push(CallReport {
            seq: it.seq,
            request: it.request.describe(),
            differences,
        });
    }
    DriftReport { calls }
}

/// The differences between a recorded answer and the simulator's.
fn compare(
    rec_status: u16,
    rec: &RecordedBody,
    sim_status: u16,
    sim: &RecordedBody,
) -> Vec<Difference> {
    let mut out = Vec::new();
    if rec_status != sim_status {
        out.push(Difference {
            at: "status".into(),
            what: format!("HTTP {rec_status} recorded, {sim_status} from the simulator"),
        });
    }
    let (rec, sim) = match (&rec.body, &sim.body) {
        (Some(r), Some(s)) => (r, s),
        (None, None) => return out,
        (Some(_), None) => {
            out.push(Difference {
                at: "body".into(),
                what: "JSON recorded, the simulator's body is not JSON".into(),
            });
            return out;
        }
        (None, Some(_)) => {
            out.push(Difference {
                at: "body".into(),
                what: "the recorded body is not JSON, the simulator's is".into(),
            });
            return out;
        }
    };
    let (rc, sc) = (rec["meta"]["code"].as_i64(), sim["meta"]["code"].as_i64());
    if rc != sc {
        out.push(Difference {
            at: "meta.code".into(),
            what: format!(
                "{} recorded, {} from the simulator",
                rc.map_or("none".into(), |c| c.to_string()),
                sc.map_or("none".into(), |c| c.to_string())
            ),
        });
    }
    if out.is_empty() {
        shape(String::new(), rec, sim, &mut out);
    }
    out
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

/// Compares the shapes of `rec` and `sim` at `at`.
fn shape(at: String, rec: &Value, sim: &Value, out: &mut Vec<Difference>) {
    match (rec, sim) {
        (Value::Object(r), Value::Object(s)) => {
            for (k, rv) in r {
                match s.get(k) {
                    Some(sv) => shape(join(&at, k), rv, sv, out),
                    None => out.push(Difference {
                        at: join(&at, k),
                        what: format!("recorded ({}), missing from the simulator", type_name(rv)),
                    }),
                }
            }
            for (k, sv) in s {
                if !r.contains_key(k) {
                    out.push(Difference {
                        at: join(&at, k),
                        what: format!("sent by the simulator ({}), not recorded", type_name(sv)),
                    });
                }
            }
        }
        (Value::Array(r), Value::Array(s)) => {
            if let (Some(rv), Some(sv)) = (r.first(), s.first()) {
                shape(format!("{at}[0]"), rv, sv, out);
            }
        }
        _ if type_name(rec) != type_name(sim) => out.push(Difference {
            at,
            what: format!(
                "{} recorded, {} from the simulator",
                type_name(rec),
                type_name(sim)
            ),
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> RecordedBody {
        RecordedBody::from_bytes(&serde_json::to_vec(&v).unwrap())
    }

    #[test]
    fn shapes_not_values_are_compared() {
        let rec = body(
            json!({"meta": {"code": 200}, "data": {"total": "3", "items": [{"a": 1, "b": null}], "x": 1}}),
        );
        let same = body(
            json!({"meta": {"code": 200}, "data": {"total": "9", "items": [{"a": 7, "b": null}], "x": 2}}),
        );
        assert!(compare(200, &rec, 200, &same).is_empty());
        let drift = body(
            json!({"meta": {"code": 200}, "data": {"total": 3, "items": [{"a": 1, "c": true}, {"z": 1}]}}),
        );
        let d = compare(200, &rec, 200, &drift);
        let at: Vec<&str> = d.iter().map(|d| d.at.as_str()).collect();
        assert_eq!(
            at,
            ["data.total", "data.items[0].b", "data.items[0].c", "data.x"]
        );
        assert_eq!(d[0].what, "string recorded, number from the simulator");
        let err = body(json!({"meta": {"code": 4016}, "data": []}));
        let d = compare(200, &rec, 200, &err);
        assert_eq!(
            d,
            [Difference {
                at: "meta.code".into(),
                what: "200 recorded, 4016 from the simulator".into()
            }]
        );
        let d = compare(503, &RecordedBody::from_bytes(b"<html>"), 200, &rec);
        assert_eq!(d.len(), 2);
    }
}
