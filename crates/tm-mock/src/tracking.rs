//! One stored tracking. Checkpoints are never stored: they are rebuilt from
//! the shipment route and the clock when a tracking is rendered.

use std::cmp::Reverse;

use serde::{Deserialize, Serialize};

use crate::catalog::Carrier;
use crate::shipment::{self, Route, Status};

/// Ordering key of a tracking in lists: newest `created_at` first, ties by id.
pub(crate) type ListKey = (Reverse<i64>, u128);

/// One stored tracking (well under 2 KiB: no checkpoints). Fields are the
/// v2 tracking fields the API can set, plus the anchor of its route.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredTracking {
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
    pub manual: Option<Status>,
    #[serde(skip)]
    pub status: Status,
    #[serde(skip)]
    pub next_at: Option<i64>,
}

impl StoredTracking {
    /// Its key in the list order.
    pub(crate) fn list_key(&self) -> ListKey {
        (Reverse(self.created), self.id)
    }

    /// The time the tracking is seen at when the clock reads `t` (a tracking
    /// that stopped updating stays at the time it stopped).
    pub(crate) fn seen_at(&self, t: i64) -> i64 {
        match self.frozen_at {
            Some(stopped) => stopped.min(t),
            None => t,
        }
    }

    /// Its shipment route under `seed`.
    pub(crate) fn route(&self, seed: u64) -> Route {
        shipment::build(
            seed,
            self.carrier,
            &self.number,
            self.route_dest.as_deref(),
            self.anchor,
        )
    }

    /// `updated_at` as a Unix time, seen at `t`.
    pub(crate) fn updated_at(&self, route: &Route, t: i64) -> i64 {
        let last = route
            .visible(self.seen_at(t))
            .last()
            .map_or(self.created, |e| e.at);
        self.modified
            .max(last)
            .max(self.created)
            .min(t.max(self.created))
    }
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
pub(crate) struct RealtimeEntry {
    /// Route anchor used for numbers not stored in the account.
    pub anchor: i64,
    /// When the last charged query was answered.
    pub charged_at: i64,
}
