//! Snapshots: the whole simulated state as JSON, and back.

use serde::{Deserialize, Serialize};

use crate::catalog;
use crate::shipment::Status;
use crate::state::State;
use crate::tracking::{RealtimeEntry, StoredTracking};

/// Errors of [`crate::Simulator::restore`].
#[derive(Debug, thiserror::Error)]
#[error("cannot restore the simulator snapshot: {0}")]
pub struct SnapshotError(pub(crate) String);

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

    /// Rebuilds a state (and its indexes) from a snapshot.
    pub(crate) fn from_snap(snap: StateSnap) -> Result<State, String> {
        let hex = |s: &str| u128::from_str_radix(s, 16).map_err(|e| format!("bad key hash: {e}"));
        let mut state = State {
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
            let idx = state.add_account(kh, a.credits);
            let acc = &mut state.accounts[idx];
            acc.label = a.label;
            acc.deleted = a.deleted;
            acc.regtime = a.regtime;
            for (c, n, e) in a.realtime {
                let c = catalog::carrier(&c).ok_or_else(|| format!("unknown carrier {c}"))?;
                acc.realtime.insert((c.code, n.into()), e);
            }
            for mut s in a.trackings {
                s.status = Status::Pending;
                s.next_at = None;
                state.insert(idx, s);
            }
        }
        Ok(state)
    }
}
