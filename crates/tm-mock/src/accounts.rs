//! API accounts: one per accepted key, each with its credits and its own
//! trackings. Keys are never kept, only a hash of them.

use std::collections::{BTreeSet, HashMap};
use std::ops::{Index, IndexMut};
use std::sync::Arc;

use serde_json::{json, Value};

use crate::hash::{fnv, mix};
use crate::tracking::{ListKey, RealtimeEntry, StoredTracking};

/// One API account.
#[derive(Debug, Default)]
pub(crate) struct Account {
    /// `account-N`, the only name of an account the simulator shows.
    pub label: String,
    /// Hash of its key ([`key_hash`]).
    pub key_hash: u128,
    /// Credits in tenths.
    pub credits: i64,
    /// A deleted key answers 4002.
    pub deleted: bool,
    /// Registration time (Unix seconds).
    pub regtime: i64,
    /// The trackings by id. Shared so a read can take a tracking out of the
    /// lock and render it there (writes copy it only while such a read is in flight).
    pub trackings: HashMap<u128, Arc<StoredTracking>>,
    /// Id by (carrier code, number).
    pub by_key: HashMap<(&'static str, Box<str>), u128>,
    /// Every tracking in list order.
    pub order: BTreeSet<ListKey>,
    /// The list order of each status (by [`crate::shipment::Status::index`]).
    pub by_status: [BTreeSet<ListKey>; 8],
    /// Ids by tracking number.
    pub by_number: HashMap<Box<str>, Vec<u128>>,
    /// Ids by order id.
    pub by_order: HashMap<Box<str>, Vec<u128>>,
    /// Realtime queries answered, by (carrier code, number).
    pub realtime: HashMap<(&'static str, Box<str>), RealtimeEntry>,
}

/// Most accounts an open-mode simulator keeps: past it, a new key's call that
/// would store something is refused (4001) and not applied. Calls that store
/// nothing cost nothing at any count.
pub const MAX_OPEN_ACCOUNTS: usize = 10_000;

/// An account has fewer credits than a call costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InsufficientCredits;

impl Account {
    /// Takes `cost` tenths of a credit, or nothing when there are not enough.
    pub(crate) fn charge(&mut self, cost: i64) -> Result<(), InsufficientCredits> {
        if self.credits < cost {
            return Err(InsufficientCredits);
        }
        self.credits -= cost;
        Ok(())
    }

    /// Whether the account holds nothing a fresh one would not: no
    /// trackings, no realtime answers, untouched credits, not deleted.
    pub(crate) fn is_pristine(&self, default_credits: i64) -> bool {
        self.trackings.is_empty()
            && self.realtime.is_empty()
            && self.credits == default_credits
            && !self.deleted
    }
}

/// Every account, in creation order, with an index by key hash.
#[derive(Debug, Default)]
pub(crate) struct Accounts {
    list: Vec<Account>,
    by_key_hash: HashMap<u128, usize>,
}

impl Accounts {
    /// The account of `key_hash`, if there is one.
    pub(crate) fn find(&self, key_hash: u128) -> Option<usize> {
        self.by_key_hash.get(&key_hash).copied()
    }

    /// Adds an account (labelled `account-N`) and returns its index.
    pub(crate) fn add(&mut self, key_hash: u128, credits: i64, regtime: i64) -> usize {
        let idx = self.list.len();
        self.list.push(Account {
            label: format!("account-{}", idx + 1),
            key_hash,
            credits,
            regtime,
            ..Account::default()
        });
        self.by_key_hash.insert(key_hash, idx);
        idx
    }

    /// Removes the newest account (index `len - 1`) and returns it.
    pub(crate) fn pop(&mut self) -> Option<Account> {
        let a = self.list.pop()?;
        self.by_key_hash.remove(&a.key_hash);
        Some(a)
    }

    /// How many accounts there are.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// The accounts in creation order.
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Account> {
        self.list.iter()
    }
}

impl Index<usize> for Accounts {
    type Output = Account;
    fn index(&self, idx: usize) -> &Account {
        &self.list[idx]
    }
}

impl IndexMut<usize> for Accounts {
    fn index_mut(&mut self, idx: usize) -> &mut Account {
        &mut self.list[idx]
    }
}

/// Hash of an API key: the key itself is never kept.
pub(crate) fn key_hash(key: &str) -> u128 {
    let a = mix(fnv(&[b"tm-mock-key-a", key.as_bytes()]));
    let b = mix(fnv(&[b"tm-mock-key-b", key.as_bytes()]));
    (u128::from(a) << 64) | u128::from(b)
}

/// Most credits an account can hold, in tenths (9e14 credits).
pub(crate) const MAX_CREDITS_TENTHS: i64 = 9_000_000_000_000_000;

/// Credits as given (a float) to tenths, clamped to `0..=9e14` credits; not
/// a number is 0.
pub(crate) fn credits_to_tenths(credits: f64) -> i64 {
    if credits.is_finite() {
        (credits * 10.0)
            .round()
            .clamp(0.0, MAX_CREDITS_TENTHS as f64) as i64
    } else {
        0
    }
}

/// Credits (in tenths) as a JSON number: an integer when whole.
pub(crate) fn credits_json(tenths: i64) -> Value {
    if tenths % 10 == 0 {
        json!(tenths / 10)
    } else {
        json!(tenths as f64 / 10.0)
    }
}
