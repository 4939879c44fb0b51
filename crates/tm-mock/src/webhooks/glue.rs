//! Where webhooks meet the simulator: a clock step that turns applied changes into poll
//! moments and events, rendering at a poll moment, and the admin requests that must run
//! outside the world lock (moving the clock, redelivering) because they send HTTP.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use super::engine::{Attempt, Rendered};
use super::queue::RenderLater;
use super::Feeder;
use super::WebhookConfigError;
use crate::accounts::key_hash;
use crate::api::trackings::account_email;
use crate::catalog::Kind;
use crate::clock::{self, parse_time, rfc3339};
use crate::render::{self, error, success, TrackingView};
use crate::state::State;
use crate::tracking::StoredTracking;
use crate::wire::{segments, SimRequest, SimResponse};
use crate::world::World;
use crate::Simulator;

/// How often the service polls a carrier: express ~3 h, postal ~6 h (CONTRACT §5).
fn cadence(s: &StoredTracking) -> i64 {
    match s.carrier.kind {
        Kind::Express | Kind::Domestic => 3 * 3600,
        _ => 6 * 3600,
    }
}

/// The tracking as GET-one shows it when the clock reads `t`.
fn render_at(state: &State, acct: u32, id: u128, t: i64) -> Option<Rendered> {
    let s = state.accounts[acct as usize].trackings.get(&id)?;
    if !s.track_update {
        return None;
    }
    render_tracking(state.seed, s, t)
}

/// [`render_at`] later, from a snapshot of the tracking taken now (the clock reads `t`).
fn render_later(state: &State, acct: u32, id: u128, t: i64) -> Option<RenderLater> {
    let s = state.accounts[acct as usize].trackings.get(&id)?;
    if !s.track_update {
        return None;
    }
    // Later changes to the stored tracking copy it (`Arc::make_mut`): the snapshot stays.
    let s = Arc::clone(s);
    let seed = state.seed;
    Some(Box::new(move || render_tracking(seed, &s, t)))
}

/// `s` as GET-one shows it when the clock reads `t`.
fn render_tracking(seed: u64, s: &StoredTracking, t: i64) -> Option<Rendered> {
    let route = s.route(seed);
    let status = State::status_at(s, &route, t).status.index();
    // Straight into a buffer sized for a tracking (no regrowth, no shrink, no re-parse):
    // the same bytes `render::raw` gives GET-one.
    let mut data = Vec::with_capacity(render::TRACKING_BODY_CAPACITY);
    serde_json::to_writer(&mut data, &TrackingView { s, route, t }).ok()?;
    Some(Rendered {
        data: String::from_utf8(data).ok()?,
        carrier_code: s.carrier.code,
        tracking_number: s.number.clone(),
        status,
    })
}

impl World {
    /// One step of a clock move towards `t`: to the next change, poll or attempt (or `t`).
    /// Returns the attempts due at the step, or `None` when the move is complete.
    pub(crate) fn webhook_step(&mut self, t: i64) -> Option<Vec<Attempt>> {
        let World {
            state, webhooks, ..
        } = self;
        if !webhooks.active() || t < state.now {
            let back = t < state.now;
            state.set_now(t);
            if back {
                webhooks.clear_pending();
            }
            return None;
        }
        let next_change = state.schedule.first().map(|e| e.0);
        let next = [next_change, webhooks.next_due()]
            .into_iter()
            .flatten()
            .min();
        let step = match next {
            Some(n) if n <= t => n.max(state.now),
            _ => t,
        };
        state.set_now_with(step, &mut |at, acct, s| {
            if s.track_update && webhooks.wants(acct) {
                webhooks.changed(acct, s.id, at, cadence(s));
            }
        });
        let st: &State = state;
        let attempts = webhooks.take_due(
            step,
            |acct, id, p| render_at(st, acct, id, p),
            |acct, id, p| render_later(st, acct, id, p),
            |acct| account_email(&st.accounts[acct as usize].label),
        );
        let more = step < t
            || webhooks.next_due().is_some_and(|n| n <= t)
            || st.schedule.first().is_some_and(|e| e.0 <= t);
        if attempts.is_empty() && !more {
            return None;
        }
        Some(attempts)
    }

    /// The account of `api_key` for an endpoint (created in open mode).
    fn webhook_account(&mut self, api_key: &str) -> Result<(u32, String), String> {
        let h = key_hash(api_key.trim());
        let idx = match self.state.accounts.find(h) {
            Some(i) => i,
            None if self.state.open && !api_key.trim().is_empty() => {
                let c = self.state.default_credits;
                self.state.add_account(h, c)
            }
            None => return Err("`api_key` is not a key of this simulator.".into()),
        };
        let label = self.state.accounts[idx].label.clone();
        Ok((u32::try_from(idx).unwrap_or(u32::MAX), label))
    }

    /// Registers an endpoint (see [`Simulator::add_webhook`]).
    pub(crate) fn add_webhook(
        &mut self,
        url: &str,
        statuses: &[String],
        api_key: Option<&str>,
    ) -> Result<super::WebhookEndpoint, WebhookConfigError> {
        let acct = api_key
            .map(|k| self.webhook_account(k))
            .transpose()
            .map_err(WebhookConfigError::Refused)?;
        let accounts = u32::try_from(self.state.accounts.len()).unwrap_or(u32::MAX);
        self.webhooks.add(url, statuses, acct, accounts)
    }

    /// Registers an endpoint for the account labelled `label` (what the
    /// dashboard knows an account by; it never sees keys).
    pub(crate) fn add_webhook_for_label(
        &mut self,
        url: &str,
        statuses: &[String],
        label: &str,
    ) -> Result<super::WebhookEndpoint, WebhookConfigError> {
        let found = self.state.accounts.iter().position(|a| a.label == label);
        let Some(idx) = found else {
            return Err(WebhookConfigError::Refused(format!(
                "`account` {label:?} is not an account of this simulator."
            )));
        };
        let acct = (u32::try_from(idx).unwrap_or(u32::MAX), label.to_owned());
        let accounts = u32::try_from(self.state.accounts.len()).unwrap_or(u32::MAX);
        self.webhooks.add(url, statuses, Some(acct), accounts)
    }

    /// Queues an event again (see [`Simulator::redeliver_webhook`]).
    pub(crate) fn redeliver(&mut self, event: u64, only_failed: bool) -> Result<usize, String> {
        let World {
            state, webhooks, ..
        } = self;
        let st: &State = state;
        webhooks.redeliver(event, st.now, only_failed, |acct, id, p| {
            render_at(st, acct, id, p)
        })
    }
}

/// What a clock request asks for: the target time and whether to wait for deliveries.
fn clock_request(w: &World, body: &[u8]) -> Result<(i64, bool), Box<SimResponse>> {
    let error = |code, msg: &str| Box::new(error(code, msg));
    let v: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|e| error(4012, &format!("Invalid JSON: {e}")))?
    };
    let wait = match v.get("wait_for_webhooks") {
        None => true,
        Some(b) => b
            .as_bool()
            .ok_or_else(|| error(4012, "`wait_for_webhooks` must be true or false."))?,
    };
    let target = if let Some(secs) = v.get("advance_seconds") {
        match secs.as_u64() {
            Some(n) => clock::advanced(w.state.now, n),
            None => {
                return Err(error(
                    4012,
                    "`advance_seconds` must be a non-negative integer.",
                ))
            }
        }
    } else if let Some(now) = v.get("now") {
        match parse_time(now) {
            Some(t) => clock::checked(t),
            None => {
                return Err(error(
                    4012,
                    "`now` must be an RFC 3339 time or Unix seconds.",
                ))
            }
        }
    } else {
        return Err(error(
            4012,
            "Send {\"advance_seconds\": N} or {\"now\": \"<rfc3339>\"}.",
        ));
    };
    // Outside 1970..=9999 the clock refuses, as `admin::clock` does.
    let t = target.map_err(|e| error(4012, &e.to_string()))?;
    Ok((t, wait))
}

/// The admin requests that send webhooks, so must not run under the lock.
enum OutsideLock {
    /// Move the clock to `t`; `wait`: answer after the due attempts finished.
    Clock(i64, bool),
    /// Redelivered these events; deliver them now.
    Redelivered(Vec<u64>),
    /// Answer this at once.
    Answer(SimResponse),
}

impl Simulator {
    fn outside_lock(&self, req: &SimRequest) -> Option<OutsideLock> {
        if req.method != http::Method::POST {
            return None;
        }
        let segs = segments(&req.path);
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        match segs.as_slice() {
            ["_mock", "clock"] => {
                let w = self.lock();
                Some(match clock_request(&w, &req.body) {
                    Ok((t, wait)) => OutsideLock::Clock(t, wait),
                    Err(r) => OutsideLock::Answer(*r),
                })
            }
            ["_mock", "webhooks", "redeliver"] => Some(self.redeliver_request(&req.body)),
            _ => None,
        }
    }

    fn redeliver_request(&self, body: &[u8]) -> OutsideLock {
        let v: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return OutsideLock::Answer(error(4012, &format!("Invalid JSON: {e}"))),
        };
        if let Some(id) = v.get("event_id") {
            let Some(id) = id.as_u64() else {
                return OutsideLock::Answer(error(4012, "`event_id` must be an integer."));
            };
            return match self.redeliver_webhook(id) {
                Ok(_) => OutsideLock::Redelivered(vec![id]),
                Err(e) => OutsideLock::Answer(error(4017, &e)),
            };
        }
        if let Some(since) = v.get("failed_since") {
            let Some(t) = parse_time(since) else {
                return OutsideLock::Answer(error(
                    4012,
                    "`failed_since` must be an RFC 3339 time or Unix seconds.",
                ));
            };
            let since = clock::to_datetime(clock::clamp(t));
            return OutsideLock::Redelivered(self.redeliver_failed_webhooks(since));
        }
        OutsideLock::Answer(error(
            4012,
            "Send {\"event_id\": N} or {\"failed_since\": \"<rfc3339>\"}.",
        ))
    }

    fn clock_answer(&self) -> SimResponse {
        let now = self.lock().state.now;
        success(200, json!({"now": rfc3339(now), "unix": now}))
    }

    fn redelivered_answer(ids: &[u64]) -> SimResponse {
        success(200, json!({"redelivered": ids}))
    }

    /// `POST /_mock/clock` and `POST /_mock/webhooks/redeliver` from synchronous callers.
    pub(crate) fn admin_outside_lock(&self, req: &SimRequest) -> Option<SimResponse> {
        Some(match self.outside_lock(req)? {
            OutsideLock::Answer(r) => r,
            OutsideLock::Clock(t, true) => {
                self.move_clock_blocking(t);
                self.clock_answer()
            }
            OutsideLock::Clock(t, false) => {
                let sim = self.clone();
                std::thread::spawn(move || sim.move_clock_blocking(t));
                success(
                    200,
                    json!({"now": rfc3339(t), "unix": t, "webhooks": "delivering"}),
                )
            }
            OutsideLock::Redelivered(ids) => {
                self.deliver_webhooks_blocking();
                Self::redelivered_answer(&ids)
            }
        })
    }

    /// The same for the HTTP server: deliveries are awaited on its runtime.
    pub(crate) async fn admin_outside_lock_async(&self, req: &SimRequest) -> Option<SimResponse> {
        Some(match self.outside_lock(req)? {
            OutsideLock::Answer(r) => r,
            OutsideLock::Clock(t, true) => {
                self.move_clock(t).await;
                self.clock_answer()
            }
            OutsideLock::Clock(t, false) => {
                let sim = self.clone();
                tokio::spawn(async move { sim.move_clock(t).await });
                // Give the step loop a moment to start, so the clock reads as moving.
                tokio::time::sleep(Duration::from_millis(1)).await;
                success(
                    200,
                    json!({"now": rfc3339(t), "unix": t, "webhooks": "delivering"}),
                )
            }
            OutsideLock::Redelivered(ids) => {
                self.deliver_webhooks().await;
                Self::redelivered_answer(&ids)
            }
        })
    }

    pub(crate) fn webhook_has_endpoints(&self) -> bool {
        self.lock().webhooks.has_endpoints()
    }

    /// One step of a clock move (see [`World::webhook_step`]); the step's queue events go
    /// to `feeder`, outside the lock.
    pub(crate) fn webhook_step(&self, t: i64, feeder: &mut Feeder<'_, '_>) -> Option<Vec<Attempt>> {
        let (step, jobs) = {
            let mut w = self.lock();
            let step = w.webhook_step(t);
            (step, w.webhooks.take_jobs())
        };
        feeder.feed(jobs);
        step
    }

    pub(crate) fn webhook_finish(&self, results: Vec<(Attempt, u16)>) -> Vec<Attempt> {
        self.lock().webhooks.finish(results)
    }

    pub(crate) fn with_webhooks<R>(&self, f: impl FnOnce(&mut super::Webhooks) -> R) -> R {
        f(&mut self.lock().webhooks)
    }

    pub(crate) fn webhook_add(
        &self,
        url: &str,
        statuses: &[String],
        api_key: Option<&str>,
    ) -> Result<super::WebhookEndpoint, WebhookConfigError> {
        self.lock().add_webhook(url, statuses, api_key)
    }

    pub(crate) fn webhook_redeliver(&self, event: u64, only_failed: bool) -> Result<usize, String> {
        self.lock().redeliver(event, only_failed)
    }

    pub(crate) fn set_clock_plain(&self, t: i64) {
        self.lock().state.set_now(t);
    }
}
