//! Accounts, stored trackings and their indexes. Checkpoints are never stored:
//! they are rebuilt from the route and the clock when a tracking is rendered.

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::catalog::{self, Carrier};
use crate::render::{self, CreatedView, TrackingView};
use crate::route::{self, Route, St, StatusAt};

/// Ordering key of a tracking: newest `created_at` first, ties by id.
pub(crate) type OrdKey = (Reverse<i64>, u128);

/// One stored tracking (well under 2 KiB: no checkpoints).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Stored {
    #[serde(with = "hex_id")]
    pub id: u128,
    #[serde(with = "carrier_code")]
    pub carrier: &'static Carrier,
    pub number: Box<str>,
    pub created: i64,
    /// Start of the current route (creation or last carrier change).
    pub anchor: i64,
    /// Last change through the API.
    pub modified: i64,
    pub route_dest: Option<Box<str>>,
    pub order_create_time: Option<Box<str>>,
    pub order_ts: Option<i64>,
    pub title: Option<Box<str>>,
    pub order_id: Option<Box<str>>,
    pub comment: Option<Box<str>>,
    pub customer_name: Option<Box<str>>,
    pub customer_email: Option<Box<str>>,
    pub customer_phone: Option<Box<str>>,
    pub logistics_channel: Option<Box<str>>,
    pub destination_code: Option<Box<str>>,
    pub archived: bool,
    pub track_update: bool,
    pub frozen_at: Option<i64>,
    pub manual: Option<St>,
    #[serde(skip)]
    pub status: St,
    #[serde(skip)]
    pub next_at: Option<i64>,
}

mod hex_id {
    use serde::{Deserialize, Deserializer, Serializer};
    pub(crate) fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{v:032x}"))
    }
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let s = String::deserialize(d)?;
        u128::from_str_radix(&s, 16).map_err(serde::de::Error::custom)
    }
}

mod carrier_code {
    use crate::catalog::{self, Carrier};
    use serde::{Deserialize, Deserializer, Serializer};
    pub(crate) fn serialize<S: Serializer>(v: &&'static Carrier, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.code)
    }
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<&'static Carrier, D::Error> {
        let s = String::deserialize(d)?;
        catalog::carrier(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown carrier {s}")))
    }
}

/// A realtime cache entry.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) struct RtEntry {
    /// Route anchor used for numbers not stored in the account.
    pub anchor: i64,
    /// When the last charged query was answered.
    pub charged_at: i64,
}

/// One API account.
#[derive(Debug, Default)]
pub(crate) struct Account {
    pub label: String,
    pub key_hash: u128,
    /// Credits in tenths.
    pub credits: i64,
    pub deleted: bool,
    pub regtime: i64,
    /// Shared so a read can take a tracking out of the lock and render it there
    /// (writes copy it only while such a read is in flight).
    pub trackings: HashMap<u128, Arc<Stored>>,
    pub by_key: HashMap<(&'static str, Box<str>), u128>,
    pub order: BTreeSet<OrdKey>,
    pub by_status: [BTreeSet<OrdKey>; 8],
    pub by_number: HashMap<Box<str>, Vec<u128>>,
    pub by_order: HashMap<Box<str>, Vec<u128>>,
    pub realtime: HashMap<(&'static str, Box<str>), RtEntry>,
}

/// Snapshot form of an account.
#[derive(Serialize, Deserialize)]
pub(crate) struct AccountSnap {
    pub label: String,
    pub key_hash: String,
    pub credits: i64,
    pub deleted: bool,
    pub regtime: i64,
    pub trackings: Vec<Stored>,
    pub realtime: Vec<(String, String, RtEntry)>,
}

/// Snapshot form of the whole state.
#[derive(Serialize, Deserialize)]
pub(crate) struct StateSnap {
    pub format: u32,
    pub seed: u64,
    pub now: i64,
    pub default_credits: i64,
    pub open: bool,
    pub configured: Vec<String>,
    pub rate_limits: bool,
    pub id_counter: u64,
    pub accounts: Vec<AccountSnap>,
}

/// Everything that is simulated.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub seed: u64,
    pub now: i64,
    pub default_credits: i64,
    /// Any non-empty key gets its own account.
    pub open: bool,
    pub configured: Vec<u128>,
    pub accounts: Vec<Account>,
    pub key_index: HashMap<u128, usize>,
    /// (time, account, tracking id) of the next possible status change.
    pub schedule: BTreeSet<(i64, u32, u128)>,
    pub id_counter: u64,
}

/// Hash of an API key: the key itself is never kept.
pub(crate) fn key_hash(key: &str) -> u128 {
    let a = route::mix(route::fnv(&[b"tm-mock-key-a", key.as_bytes()]));
    let b = route::mix(route::fnv(&[b"tm-mock-key-b", key.as_bytes()]));
    (u128::from(a) << 64) | u128::from(b)
}

/// RFC 3339 with `+00:00`.
pub(crate) fn rfc3339(t: i64) -> String {
    DateTime::from_timestamp(t, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        .unwrap_or_default()
}

impl Account {
    fn key(s: &Stored) -> OrdKey {
        (Reverse(s.created), s.id)
    }
}

impl State {
    /// Adds an account for `key_hash` and returns its index.
    pub(crate) fn add_account(&mut self, key_hash: u128, credits: i64) -> usize {
        let idx = self.accounts.len();
        self.accounts.push(Account {
            label: format!("account-{}", idx + 1),
            key_hash,
            credits,
            regtime: self.now - 400 * 86_400,
            ..Account::default()
        });
        self.key_index.insert(key_hash, idx);
        idx
    }

    /// A fresh 32-hex id.
    pub(crate) fn new_id(&mut self, acct: usize) -> u128 {
        self.id_counter += 1;
        let a = route::mix(self.seed ^ route::mix(self.id_counter ^ ((acct as u64) << 48)));
        let b = route::mix(a ^ self.id_counter.rotate_left(17));
        (u128::from(a) << 64) | u128::from(b)
    }

    pub(crate) fn route_of(&self, s: &Stored) -> Route {
        route::build(
            self.seed,
            s.carrier,
            &s.number,
            s.route_dest.as_deref(),
            s.anchor,
        )
    }

    /// The time a tracking is seen at (frozen ones stop).
    pub(crate) fn eff(s: &Stored, t: i64) -> i64 {
        match s.frozen_at {
            Some(f) => f.min(t),
            None => t,
        }
    }

    fn compute(&self, s: &Stored, route: &Route) -> StatusAt {
        let mut st = route.status_at(Self::eff(s, self.now));
        if s.frozen_at.is_some() {
            st.next = None;
        }
        if let Some(m) = s.manual {
            st = StatusAt {
                status: m,
                substatus: None,
                next: None,
            };
        }
        st
    }

    /// Recomputes the cached status of one tracking and its schedule entry.
    pub(crate) fn refresh(&mut self, acct: usize, id: u128) {
        let Some(s) = self.accounts[acct].trackings.get(&id) else {
            return;
        };
        let route = self.route_of(s);
        let st = self.compute(s, &route);
        let (old_status, old_next, key) = (s.status, s.next_at, Account::key(s));
        let a = &mut self.accounts[acct];
        if old_status != st.status {
            a.by_status[old_status.idx()].remove(&key);
        }
        a.by_status[st.status.idx()].insert(key);
        if let Some(s) = a.trackings.get_mut(&id).map(Arc::make_mut) {
            s.status = st.status;
            s.next_at = st.next;
        }
        if let Some(n) = old_next {
            self.schedule.remove(&(n, acct as u32, id));
        }
        if let Some(n) = st.next {
            self.schedule.insert((n, acct as u32, id));
        }
    }

    /// Stores a new tracking and indexes it.
    pub(crate) fn insert(&mut self, acct: usize, s: Stored) {
        let id = s.id;
        let a = &mut self.accounts[acct];
        a.by_key.insert((s.carrier.code, s.number.clone()), id);
        a.order.insert(Account::key(&s));
        a.by_number.entry(s.number.clone()).or_default().push(id);
        if let Some(o) = &s.order_id {
            a.by_order.entry(o.clone()).or_default().push(id);
        }
        a.by_status[s.status.idx()].insert(Account::key(&s));
        a.trackings.insert(id, Arc::new(s));
        self.refresh(acct, id);
    }

    /// Removes a tracking and its index entries.
    pub(crate) fn remove(&mut self, acct: usize, id: u128) -> Option<Stored> {
        let a = &mut self.accounts[acct];
        let s = Arc::unwrap_or_clone(a.trackings.remove(&id)?);
        let key = Account::key(&s);
        a.by_key.remove(&(s.carrier.code, s.number.clone()));
        a.order.remove(&key);
        a.by_status[s.status.idx()].remove(&key);
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

    /// Moves the clock and applies due status changes.
    pub(crate) fn set_now(&mut self, t: i64) {
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

    /// `updated_at` of a tracking as a Unix time.
    pub(crate) fn updated_at(s: &Stored, route: &Route, t: i64) -> i64 {
        let last = route
            .visible(State::eff(s, t))
            .last()
            .map_or(s.created, |e| e.at);
        s.modified.max(last).max(s.created).min(t.max(s.created))
    }

    /// Created-tracking shape (seed's batch item plus `destination`) as JSON.
    pub(crate) fn created_json(s: &Stored, status: St, updated: bool) -> Value {
        serde_json::to_value(CreatedView { s, status, updated }).unwrap_or(Value::Null)
    }

    /// Created-tracking shape, rendered.
    pub(crate) fn created_raw(s: &Stored, status: St, updated: bool) -> Box<RawValue> {
        render::raw(&CreatedView { s, status, updated })
    }

    /// Full tracking object seen at time `t`, rendered.
    pub(crate) fn tracking_raw(&self, s: &Stored, t: i64) -> Box<RawValue> {
        render::raw(&TrackingView {
            s,
            route: self.route_of(s),
            t,
        })
    }
}

impl State {
    /// Snapshot of everything but journal, faults and rate windows.
    pub(crate) fn to_snap(&self, rate_limits: bool) -> StateSnap {
        StateSnap {
            format: 1,
            seed: self.seed,
            now: self.now,
            default_credits: self.default_credits,
            open: self.open,
            configured: self
                .configured
                .iter()
                .map(|h| format!("{h:032x}"))
                .collect(),
            rate_limits,
            id_counter: self.id_counter,
            accounts: self
                .accounts
                .iter()
                .map(|a| {
                    let mut trackings: Vec<Stored> =
                        a.trackings.values().map(|s| Stored::clone(s)).collect();
                    trackings.sort_by_key(|s| (s.created, s.id));
                    AccountSnap {
                        label: a.label.clone(),
                        key_hash: format!("{:032x}", a.key_hash),
                        credits: a.credits,
                        deleted: a.deleted,
                        regtime: a.regtime,
                        trackings,
                        realtime: a
                            .realtime
                            .iter()
                            .map(|((c, n), e)| ((*c).to_string(), n.to_string(), *e))
                            .collect(),
                    }
                })
                .collect(),
        }
    }

    /// Rebuilds a state (and its indexes) from a snapshot.
    pub(crate) fn from_snap(snap: StateSnap) -> Result<State, String> {
        let hex = |s: &str| u128::from_str_radix(s, 16).map_err(|e| format!("bad key hash: {e}"));
        let mut st = State {
            seed: snap.seed,
            now: snap.now,
            default_credits: snap.default_credits,
            open: snap.open,
            configured: snap
                .configured
                .iter()
                .map(|s| hex(s))
                .collect::<Result<_, _>>()?,
            id_counter: snap.id_counter,
            ..State::default()
        };
        for a in snap.accounts {
            let kh = hex(&a.key_hash)?;
            let idx = st.add_account(kh, a.credits);
            let acc = &mut st.accounts[idx];
            acc.label = a.label;
            acc.deleted = a.deleted;
            acc.regtime = a.regtime;
            for (c, n, e) in a.realtime {
                let c = catalog::carrier(&c).ok_or_else(|| format!("unknown carrier {c}"))?;
                acc.realtime.insert((c.code, n.into()), e);
            }
            for mut s in a.trackings {
                s.status = St::Pending;
                s.next_at = None;
                st.insert(idx, s);
            }
        }
        Ok(st)
    }
}
