//! Everything that is simulated: the clock, the accounts and their trackings
//! with their indexes, and the schedule of coming status changes.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::accounts::Accounts;
use crate::hash::mix;
use crate::shipment::{Route, StatusAt};
use crate::tracking::StoredTracking;

/// Everything that is simulated.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// Seed of routes and ids.
    pub seed: u64,
    /// The simulated clock (Unix seconds).
    pub now: i64,
    /// Starting credits of a new account, in tenths.
    pub default_credits: i64,
    /// Any non-empty key gets its own account.
    pub open: bool,
    /// Key hashes given in the configuration (kept by a reset).
    pub configured: Vec<u128>,
    /// The accounts.
    pub accounts: Accounts,
    /// (time, account, tracking id) of the next possible status change.
    pub schedule: BTreeSet<(i64, u32, u128)>,
    /// Counter behind new tracking ids.
    pub id_counter: u64,
}

impl State {
    /// Adds an account for `key_hash` (registered 400 days ago) and returns its index.
    pub(crate) fn add_account(&mut self, key_hash: u128, credits: i64) -> usize {
        self.accounts
            .add(key_hash, credits, self.now - 400 * 86_400)
    }

    /// Drops the newest account, `acct` (one added for the request being
    /// answered), with its trackings and their schedule entries.
    pub(crate) fn discard_newest_account(&mut self, acct: usize) {
        if acct + 1 != self.accounts.len() {
            return;
        }
        if let Some(a) = self.accounts.pop() {
            for (id, s) in &a.trackings {
                if let Some(n) = s.next_at {
                    self.schedule.remove(&(n, acct as u32, *id));
                }
            }
        }
    }

    /// A fresh 32-hex id.
    pub(crate) fn new_id(&mut self, acct: usize) -> u128 {
        // A restored snapshot may carry any counter; ids are hashes of it.
        self.id_counter = self.id_counter.wrapping_add(1);
        let a = mix(self.seed ^ mix(self.id_counter ^ ((acct as u64) << 48)));
        let b = mix(a ^ self.id_counter.rotate_left(17));
        (u128::from(a) << 64) | u128::from(b)
    }

    /// The shipment route of a tracking.
    pub(crate) fn route_of(&self, s: &StoredTracking) -> Route {
        s.route(self.seed)
    }

    /// The status of a tracking now, and when it may next change.
    fn status_now(&self, s: &StoredTracking, route: &Route) -> StatusAt {
        Self::status_at(s, route, self.now)
    }

    /// The status of a tracking when the clock reads `t`, and when it may next change.
    pub(crate) fn status_at(s: &StoredTracking, route: &Route, t: i64) -> StatusAt {
        let mut status = route.status_at(s.seen_at(t));
        if s.frozen_at.is_some() {
            status.next = None;
        }
        if let Some(m) = s.manual {
            status = StatusAt {
                status: m,
                substatus: None,
                next: None,
            };
        }
        status
    }

    /// Recomputes the cached status of one tracking and its schedule entry.
    pub(crate) fn refresh(&mut self, acct: usize, id: u128) {
        let Some(s) = self.accounts[acct].trackings.get(&id) else {
            return;
        };
        let route = self.route_of(s);
        let now = self.status_now(s, &route);
        let (old_status, old_next, key) = (s.status, s.next_at, s.list_key());
        let a = &mut self.accounts[acct];
        if old_status != now.status {
            a.by_status[old_status.index()].remove(&key);
        }
        a.by_status[now.status.index()].insert(key);
        if let Some(s) = a.trackings.get_mut(&id).map(Arc::make_mut) {
            s.status = now.status;
            s.next_at = now.next;
        }
        if let Some(n) = old_next {
            self.schedule.remove(&(n, acct as u32, id));
        }
        if let Some(n) = now.next {
            self.schedule.insert((n, acct as u32, id));
        }
    }

    /// Stores a new tracking and indexes it.
    pub(crate) fn insert(&mut self, acct: usize, s: StoredTracking) {
        let id = s.id;
        let a = &mut self.accounts[acct];
        a.by_key.insert((s.carrier.code, s.number.clone()), id);
        a.order.insert(s.list_key());
        a.by_number.entry(s.number.clone()).or_default().push(id);
        if let Some(o) = &s.order_id {
            a.by_order.entry(o.clone()).or_default().push(id);
        }
        a.by_status[s.status.index()].insert(s.list_key());
        a.trackings.insert(id, Arc::new(s));
        self.refresh(acct, id);
    }

    /// Removes a tracking and its index entries.
    pub(crate) fn remove(&mut self, acct: usize, id: u128) -> Option<StoredTracking> {
        let a = &mut self.accounts[acct];
        let s = Arc::unwrap_or_clone(a.trackings.remove(&id)?);
        let key = s.list_key();
        a.by_key.remove(&(s.carrier.code, s.number.clone()));
        a.order.remove(&key);
        a.by_status[s.status.index()].remove(&key);
        if let Some(v) = a.by_number.get_mut(&s.number) {
            v.retain(|x| *x != id);
            if v.is_empty() {
                a.by_number.remove(&s.number);
            }
        }
        if let Some(o) = &s.order_id {
            if let Some(v) = a.by_order.get_mut(o) {
                v.retain(|x| *x != id);
                if v.is_empty() {
                    a.by_order.remove(o);
                }
            }
        }
        if let Some(n) = s.next_at {
            self.schedule.remove(&(n, acct as u32, id));
        }
        Some(s)
    }

    /// Changes the order id index of a tracking.
    pub(crate) fn set_order_id(&mut self, acct: usize, id: u128, order: Option<Box<str>>) {
        let a = &mut self.accounts[acct];
        let Some(s) = a.trackings.get_mut(&id).map(Arc::make_mut) else {
            return;
        };
        if let Some(o) = s.order_id.take() {
            if let Some(v) = a.by_order.get_mut(&o) {
                v.retain(|x| *x != id);
                if v.is_empty() {
                    a.by_order.remove(&o);
                }
            }
        }
        if let Some(o) = &order {
            a.by_order.entry(o.clone()).or_default().push(id);
        }
        s.order_id = order;
    }

    /// Moves the clock (a time within [`crate::CLOCK_MIN`]..=[`crate::CLOCK_MAX`])
    /// and applies due status changes.
    pub(crate) fn set_now(&mut self, t: i64) {
        self.set_now_with(t, &mut |_, _, _| {});
    }

    /// [`State::set_now`], calling `changed(time, account, tracking)` for every change
    /// applied on the way forward, in time order (webhooks turn them into events).
    pub(crate) fn set_now_with(
        &mut self,
        t: i64,
        changed: &mut dyn FnMut(i64, u32, &StoredTracking),
    ) {
        if t >= self.now {
            self.now = t;
            while let Some(&first) = self.schedule.first() {
                if first.0 > t {
                    break;
                }
                self.schedule.pop_first();
                let (_, acct, id) = first;
                if let Some(s) = self.accounts[acct as usize]
                    .trackings
                    .get_mut(&id)
                    .map(Arc::make_mut)
                {
                    s.next_at = None;
                }
                self.refresh(acct as usize, id);
                if let Some(s) = self.accounts[acct as usize].trackings.get(&id) {
                    changed(first.0, acct, s);
                }
            }
        } else {
            self.now = t;
            self.schedule.clear();
            for acct in 0..self.accounts.len() {
                let ids: Vec<u128> = self.accounts[acct].trackings.keys().copied().collect();
                for id in ids {
                    if let Some(s) = self.accounts[acct]
                        .trackings
                        .get_mut(&id)
                        .map(Arc::make_mut)
                    {
                        s.next_at = None;
                    }
                    self.refresh(acct, id);
                }
            }
        }
    }
}
