//! The router: one request in, one answer out, in one direction —
//! target (parsed before the lock) → admin API or faults → authentication and
//! rate limits → call handler ([`crate::api`]) → journal → rendering (a
//! tracking is rendered after the lock is released).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::accounts::MAX_OPEN_ACCOUNTS;
use crate::admin;
use crate::api::{self, Call, CallInput, Unresolved};
use crate::clock::stamp_date;
use crate::faults::{fault_name, injected_response, FaultKind, FaultTiming};
use crate::journal::{journal_meta_code, RequestInfo, Sent};
use crate::render::{self, error, success, success_sized, with_retry_after, TrackingView};
use crate::tracking::StoredTracking;
use crate::wire::{parse_query, segments, Outcome, Processed, SimRequest, SimResponse, MAX_BODY};
use crate::world::{self, World};

/// What the router needs from a request that does not depend on the world:
/// computed before the lock is taken.
struct Target {
    /// Decoded path segments without `v2`.
    segments: Vec<String>,
    /// An admin (`/_mock/...`) request.
    admin: bool,
    /// `GET /v2/openapi.json`: the description of the API (never faulted or journaled).
    description: bool,
    /// The API call, or why there is none.
    call: Result<Call, Unresolved>,
    /// Decoded query pairs.
    query: Vec<(String, String)>,
}

impl Target {
    fn new(req: &SimRequest) -> Self {
        let segments = segments(&req.path);
        let admin = segments.first().is_some_and(|s| s == "_mock");
        let description = req.method == http::Method::GET && segments == ["openapi.json"];
        let call = api::resolve(&req.method, &segments);
        let query = parse_query(&req.query);
        Self {
            segments,
            admin,
            description,
            call,
            query,
        }
    }

    /// The call name fault rules match on (`unknown` without a call).
    fn call_name(&self) -> &'static str {
        self.call.as_ref().map_or("unknown", Call::name)
    }

    /// Path without `/v2` and trailing slash, for fault path patterns.
    fn fault_path(&self) -> String {
        format!("/{}", self.segments.join("/"))
    }
}

/// What the router answers: a response, or a tracking to render once the
/// world lock is released.
enum Reply {
    Ready(SimResponse),
    /// A `GET /trackings/{carrier}/{number}` success, seen at `t`.
    Tracking {
        tracking: Arc<StoredTracking>,
        seed: u64,
        t: i64,
    },
}

impl From<SimResponse> for Reply {
    fn from(r: SimResponse) -> Self {
        Reply::Ready(r)
    }
}

impl Reply {
    /// HTTP status and meta code, for the journal.
    fn codes(&self) -> (u16, Option<i64>) {
        match self {
            Reply::Ready(r) => (r.status.as_u16(), journal_meta_code(r)),
            Reply::Tracking { .. } => (200, Some(200)),
        }
    }

    /// The response (renders a tracking).
    fn finish(self) -> SimResponse {
        match self {
            Reply::Ready(r) => r,
            Reply::Tracking { tracking, seed, t } => success_sized(
                200,
                &TrackingView {
                    route: tracking.route(seed),
                    s: &tracking,
                    t,
                },
                render::TRACKING_BODY_CAPACITY,
            ),
        }
    }
}

/// Routes one request without fault injection (rate limits apply when on)
/// and journals it.
pub(crate) fn handle(world: &Mutex<World>, req: SimRequest) -> SimResponse {
    let target = Target::new(&req);
    let mut w = world::lock(world);
    let (reply, info) = route(&mut w, &req, &target);
    if let Some(info) = info {
        journal(&mut w, req, Some(reply.codes()), info, None);
    }
    let now = w.state.now;
    drop(w);
    let mut resp = reply.finish();
    stamp_date(&mut resp.headers, now);
    resp
}

/// Routes one request with fault injection; what the transports and the
/// HTTP server call.
pub(crate) fn process(world: &Mutex<World>, req: SimRequest) -> Processed {
    // Everything that depends only on the request is done before locking.
    let target = Target::new(&req);
    let name = target.call_name();
    let mut w = world::lock(world);
    // Admin requests are never faulted; without rules nothing is drawn.
    let decision = if target.admin || target.description || w.faults.config.rules.is_empty() {
        Default::default()
    } else {
        w.faults.decide(name, &target.fault_path())
    };
    let latency = Duration::from_millis(decision.latency_ms);
    let Some(rule) = decision.fault else {
        let (reply, info) = route(&mut w, &req, &target);
        if let Some(info) = info {
            journal(&mut w, req, Some(reply.codes()), info, None);
        }
        let now = w.state.now;
        drop(w);
        // A tracking is rendered here, outside the lock.
        let mut resp = reply.finish();
        stamp_date(&mut resp.headers, now);
        return Processed {
            latency,
            outcome: Outcome::Respond(resp),
        };
    };
    let applied = if rule.timing() == FaultTiming::After {
        let (reply, info) = route(&mut w, &req, &target);
        Some((reply.finish(), info))
    } else {
        None
    };
    let info = match &applied {
        Some((_, info)) => info.clone(),
        None => Some(RequestInfo {
            account: None,
            endpoint: Some(name.to_string()).filter(|n| n != "unknown"),
        }),
    };
    let now = w.state.now;
    let mut outcome = match rule.kind {
        FaultKind::Drop => Outcome::Drop,
        FaultKind::Truncate => {
            let resp = match applied {
                Some((r, _)) => r,
                None => error(500, "Internal server error."),
            };
            let keep = rule
                .keep_bytes
                .unwrap_or(resp.body.len() / 2)
                .min(resp.body.len().saturating_sub(1));
            Outcome::Truncate(resp, keep)
        }
        _ => Outcome::Respond(injected_response(&rule)),
    };
    if let (Some(info), false) = (info, target.admin) {
        let sent = match &outcome {
            Outcome::Respond(r) | Outcome::Truncate(r, _) => Some(r),
            Outcome::Drop => None,
        };
        let sent = sent.map(|r| (r.status.as_u16(), journal_meta_code(r)));
        journal(&mut w, req, sent, info, fault_name(rule.kind));
    }
    drop(w);
    if let Outcome::Respond(r) | Outcome::Truncate(r, _) = &mut outcome {
        stamp_date(&mut r.headers, now);
    }
    Processed { latency, outcome }
}

/// Journals `req` (its path and query move into the entry).
fn journal(w: &mut World, req: SimRequest, sent: Sent, info: RequestInfo, fault: Option<String>) {
    w.journal
        .record(&req.method, req.path, req.query, sent, info, fault);
}

/// The router proper. `None` info means "admin request, do not journal".
fn route(w: &mut World, req: &SimRequest, target: &Target) -> (Reply, Option<RequestInfo>) {
    if target.description {
        return (openapi_description().into(), None);
    }
    if target.admin {
        let resp = admin::handle(
            w,
            &req.method,
            &target.segments[1..],
            &target.query,
            &req.body,
        );
        return (resp.into(), None);
    }
    let call = match &target.call {
        Ok(call) => call,
        Err(Unresolved::MethodNotAllowed) => {
            let mut resp = error(405, "Method Not Allowed.");
            if let Some(allow) = api::allowed_methods(&target.segments) {
                resp.headers
                    .insert(http::header::ALLOW, http::HeaderValue::from_static(allow));
            }
            return (resp.into(), Some(RequestInfo::default()));
        }
        Err(Unresolved::NotFound) => {
            return (
                error(404, "The requested resource does not exist.").into(),
                Some(RequestInfo::default()),
            );
        }
    };
    let mut info = RequestInfo {
        account: None,
        endpoint: Some(call.name().to_string()),
    };
    // The same limit the HTTP front door enforces, so both doors agree.
    if req.body.len() > MAX_BODY {
        return (
            error(4012, "The request body is larger than 1 MiB.").into(),
            Some(info),
        );
    }
    let caller = match authenticate(w, req) {
        Ok(caller) => caller,
        Err(code) => return (error(code, api::standard_message(code)).into(), Some(info)),
    };
    let acct = caller.account;
    info.account = Some(w.state.accounts[acct].label.clone());
    let reply = answer_call(w, req, target, call, acct);
    if caller.provisional {
        let account = &w.state.accounts[acct];
        let keep = !account.is_pristine(w.state.default_credits);
        if !keep || w.state.accounts.len() > MAX_OPEN_ACCOUNTS {
            // Everything the call did lives in this account: dropping it
            // undoes the call.
            w.state.discard_newest_account(acct);
            info.account = None;
            if keep {
                let message = format!(
                    "This simulator already keeps {MAX_OPEN_ACCOUNTS} open-mode accounts; \
                     a new key cannot create data (nothing was applied). Reset it or start \
                     it with --key."
                );
                return (error(4001, &message).into(), Some(info));
            }
        }
    }
    (reply, Some(info))
}

/// Runs an authenticated call for account `acct`: deleted keys, rate limits,
/// then the handler.
fn answer_call(
    w: &mut World,
    req: &SimRequest,
    target: &Target,
    call: &Call,
    acct: usize,
) -> Reply {
    let account = &w.state.accounts[acct];
    if account.deleted {
        return error(4002, api::standard_message(4002)).into();
    }
    if let Err(secs) = w.rate_limits.check(account.key_hash, call.rate_class()) {
        return with_retry_after(error(429, "Too Many Requests"), secs).into();
    }
    if let Call::GetTracking { carrier, number } = call {
        // The tracking is rendered by `Reply::finish`, after the lock is released.
        let state = &w.state;
        return match api::trackings::find_tracking(state, acct, carrier, number) {
            Ok(tracking) => Reply::Tracking {
                tracking: Arc::clone(tracking),
                seed: state.seed,
                t: state.now,
            },
            Err(e) => error(e.code, &e.message).into(),
        };
    }
    let input = CallInput {
        body: &req.body,
        query: &target.query,
        lang: req.headers.get("lang").and_then(|v| v.to_str().ok()),
    };
    match api::dispatch(&mut w.state, acct, call, input) {
        Ok((code, data)) => success(code, &data).into(),
        Err(e) => error(e.code, &e.message).into(),
    }
}

/// Who sent a request.
struct Caller {
    /// Index of its account.
    account: usize,
    /// Open mode, unknown key: the account was added for this request and is
    /// dropped again unless the call stores something in it.
    provisional: bool,
}

/// The OpenAPI description of v2 (`openapi/v2.json`), served without a key.
fn openapi_description() -> SimResponse {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    SimResponse {
        status: http::StatusCode::OK,
        headers,
        body: bytes::Bytes::from_static(crate::OPENAPI_JSON.as_bytes()),
    }
}

/// The account of the request's key: `Err(4001)` without an accepted key. In
/// open mode an unknown non-empty key gets a provisional account.
fn authenticate(w: &mut World, req: &SimRequest) -> Result<Caller, i64> {
    let key = req
        .headers
        .get(tm_core::transport::API_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or("");
    if key.is_empty() {
        return Err(4001);
    }
    let h = crate::accounts::key_hash(key);
    match w.state.accounts.find(h) {
        Some(account) => Ok(Caller {
            account,
            provisional: false,
        }),
        None if w.state.open => {
            let c = w.state.default_credits;
            Ok(Caller {
                account: w.state.add_account(h, c),
                provisional: true,
            })
        }
        None => Err(4001),
    }
}
