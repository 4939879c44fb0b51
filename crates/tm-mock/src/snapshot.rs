//! Snapshots: the whole simulated state as JSON, and back.

use serde::{Deserialize, Serialize};

use std::collections::HashSet;

use crate::accounts::MAX_CREDITS_TENTHS;
use crate::api::valid_number;
use crate::catalog;
use crate::clock::{CLOCK_MAX, CLOCK_MIN};
use crate::shipment::Status;
use crate::state::State;
use crate::tracking::{RealtimeEntry, StoredTracking};

/// Why [`crate::Simulator::restore`] refused a snapshot. Nothing is restored
/// from a refused snapshot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// Not JSON of the snapshot's shape.
    #[error("cannot restore the simulator snapshot: not a snapshot: {0}")]
    Malformed(String),
    /// A snapshot format this build does not read.
    #[error(
        "cannot restore the simulator snapshot: unknown format {0} (this build reads format 1)"
    )]
    UnknownFormat(u32),
    /// A snapshot whose content is inconsistent (duplicates, ids, ranges).
    #[error("cannot restore the simulator snapshot: {0}")]
    Invalid(String),
}

/// Snapshot form of an account.
#[derive(Serialize, Deserialize)]
pub(crate) struct AccountSnap {
    pub label: String,
    pub key_hash: String,
    pub credits: i64,
    pub deleted: bool,
    pub regtime: i64,
    pub trackings: Vec<StoredTracking>,
    pub realtime: Vec<(String, String, RealtimeEntry)>,
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
                    let mut trackings: Vec<StoredTracking> = a
                        .trackings
                        .values()
                        .map(|s| StoredTracking::clone(s))
                        .collect();
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

    /// Rebuilds a state (and its indexes) from a snapshot, after checking it
    /// whole: clock and tracking times within the clock's range, credits in
    /// range, key hashes, labels, tracking ids, (carrier, number) pairs and
    /// realtime entries unique, tracking numbers valid, configured keys
    /// present.
    pub(crate) fn from_snap(snap: StateSnap) -> Result<State, SnapshotError> {
        let invalid = |m: String| Err(SnapshotError::Invalid(m));
        let in_clock = |t: i64| (CLOCK_MIN..=CLOCK_MAX).contains(&t);
        let hex = |s: &str| {
            u128::from_str_radix(s, 16)
                .map_err(|e| SnapshotError::Invalid(format!("bad key hash {s:?}: {e}")))
        };
        if snap.format != 1 {
            return Err(SnapshotError::UnknownFormat(snap.format));
        }
        if !in_clock(snap.now) {
            return invalid(format!(
                "`now` {} is outside the clock's range {CLOCK_MIN}..={CLOCK_MAX}",
                snap.now
            ));
        }
        if !(0..=MAX_CREDITS_TENTHS).contains(&snap.default_credits) {
            return invalid(format!(
                "`default_credits` {} is out of range",
                snap.default_credits
            ));
        }
        let mut state = State {
            seed: snap.seed,
            now: snap.now,
            default_credits: snap.default_credits,
            open: snap.open,
            id_counter: snap.id_counter,
            ..State::default()
        };
        let mut labels = HashSet::new();
        for a in snap.accounts {
            let kh = hex(&a.key_hash)?;
            if state.accounts.find(kh).is_some() {
                return invalid(format!("two accounts have key hash {}", a.key_hash));
            }
            if !labels.insert(a.label.clone()) {
                return invalid(format!("two accounts are labelled {:?}", a.label));
            }
            if !(0..=MAX_CREDITS_TENTHS).contains(&a.credits) {
                return invalid(format!("{}: credits {} out of range", a.label, a.credits));
            }
            let idx = state.add_account(kh, a.credits);
            let acc = &mut state.accounts[idx];
            acc.label = a.label;
            acc.deleted = a.deleted;
            acc.regtime = a.regtime;
            for (c, n, e) in a.realtime {
                let c = catalog::carrier(&c)
                    .ok_or_else(|| SnapshotError::Invalid(format!("unknown carrier {c}")))?;
                if !in_clock(e.anchor) || !in_clock(e.charged_at) {
                    return invalid(format!(
                        "{}: realtime entry {n} has a time out of range",
                        acc.label
                    ));
                }
                if acc
                    .realtime
                    .insert((c.code, n.as_str().into()), e)
                    .is_some()
                {
                    return invalid(format!(
                        "{}: two realtime entries for {} {n}",
                        acc.label, c.code
                    ));
                }
            }
            let label = acc.label.clone();
            let mut ids = HashSet::new();
            for mut s in a.trackings {
                let name = format!("{label}: tracking {} {}", s.carrier.code, s.number);
                if !valid_number(&s.number) {
                    return invalid(format!("{name}: invalid tracking number"));
                }
                if !ids.insert(s.id) {
                    return invalid(format!("{name}: id {:032x} is used twice", s.id));
                }
                if state.accounts[idx]
                    .by_key
                    .contains_key(&(s.carrier.code, s.number.clone()))
                {
                    return invalid(format!("{name} is listed twice"));
                }
                let times = [
                    Some(s.created),
                    Some(s.anchor),
                    Some(s.modified),
                    s.frozen_at,
                ];
                if !times.into_iter().flatten().all(in_clock) {
                    return invalid(format!("{name}: a time is outside the clock's range"));
                }
                s.status = Status::Pending;
                s.next_at = None;
                state.insert(idx, s);
            }
        }
        for h in &snap.configured {
            let kh = hex(h)?;
            if state.accounts.find(kh).is_none() {
                return invalid(format!("configured key hash {h} has no account"));
            }
            if state.configured.contains(&kh) {
                return invalid(format!("configured key hash {h} is listed twice"));
            }
            state.configured.push(kh);
        }
        Ok(state)
    }
}
