//! The tracking shapes, serialized from borrowed views of a stored tracking
//! and its route: no per-key allocation, no map hashing.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::time::{Disp, HexId, Local, Rfc3339};
use crate::catalog::Carrier;
use crate::shipment::{Event, Leg, Route, Status, StatusAt};
use crate::tracking::StoredTracking;

/// Carrier-local time of an event.
fn local(e: &Event) -> Local {
    Local(e.at + e.tz)
}

fn opt(v: &Option<Box<str>>) -> Option<&str> {
    v.as_deref()
}

/// The created-tracking shape (seed's batch item plus `destination`; update
/// results add `updated_at`, `destination_code`, `archived`).
pub(crate) struct CreatedView<'a> {
    pub s: &'a StoredTracking,
    pub status: Status,
    pub updated: bool,
}

impl Serialize for CreatedView<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let s = self.s;
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("id", &HexId(s.id))?;
        m.serialize_entry("tracking_number", &*s.number)?;
        m.serialize_entry("carrier_code", s.carrier.code)?;
        match s.order_create_time.as_deref() {
            Some(o) => m.serialize_entry("order_create_time", o)?,
            None => m.serialize_entry("order_create_time", &0)?,
        }
        m.serialize_entry("status", self.status.as_str())?;
        m.serialize_entry("created_at", &Rfc3339(s.created))?;
        if self.updated {
            m.serialize_entry("updated_at", &Rfc3339(s.modified))?;
        }
        m.serialize_entry("customer_email", &opt(&s.customer_email))?;
        m.serialize_entry("customer_name", &opt(&s.customer_name))?;
        m.serialize_entry("customer_phone", &opt(&s.customer_phone))?;
        m.serialize_entry("order_id", &opt(&s.order_id))?;
        m.serialize_entry("comment", &opt(&s.comment))?;
        m.serialize_entry("title", &opt(&s.title))?;
        m.serialize_entry("logistics_channel", &opt(&s.logistics_channel))?;
        m.serialize_entry("destination", "")?;
        if self.updated {
            m.serialize_entry("destination_code", &opt(&s.destination_code))?;
            m.serialize_entry("archived", &s.archived)?;
        }
        m.end()
    }
}

/// The full tracking object of `s` seen at time `t`.
pub(crate) struct TrackingView<'a> {
    pub s: &'a StoredTracking,
    pub route: Route,
    pub t: i64,
}

impl Serialize for TrackingView<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let (s, route) = (self.s, &self.route);
        let seen = s.seen_at(self.t);
        let status = match s.manual {
            Some(m) => StatusAt {
                status: m,
                substatus: None,
                next: None,
            },
            None => route.status_at(seen),
        };
        let vis = route.visible(seen);
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("id", &HexId(s.id))?;
        m.serialize_entry("tracking_number", &*s.number)?;
        m.serialize_entry("carrier_code", s.carrier.code)?;
        m.serialize_entry("status", status.status.as_str())?;
        m.serialize_entry("track_update", &s.track_update)?;
        m.serialize_entry("created_at", &Rfc3339(s.created))?;
        m.serialize_entry("updated_at", &Rfc3339(s.updated_at(route, self.t)))?;
        m.serialize_entry("order_create_time", &opt(&s.order_create_time))?;
        m.serialize_entry("title", &opt(&s.title))?;
        m.serialize_entry("order_id", &opt(&s.order_id))?;
        m.serialize_entry("comment", &opt(&s.comment))?;
        m.serialize_entry("customer_name", &opt(&s.customer_name))?;
        m.serialize_entry("customer_email", &opt(&s.customer_email))?;
        m.serialize_entry("customer_phone", &opt(&s.customer_phone))?;
        m.serialize_entry("logistics_channel", &opt(&s.logistics_channel))?;
        m.serialize_entry("destination_code", &opt(&s.destination_code))?;
        m.serialize_entry("archived", &s.archived)?;
        m.serialize_entry("original_country", route.origin.name)?;
        m.serialize_entry("destination_country", route.dest.name)?;
        let item_len = match (vis.first(), route.delivered_at(seen)) {
            (Some(f), Some(d)) => Some((d - f.at).max(0) / 86_400),
            (Some(f), None) => Some((seen - f.at).max(0) / 86_400),
            (None, _) => None,
        };
        m.serialize_entry("itemTimeLength", &item_len)?;
        m.serialize_entry(
            "stayTimeLength",
            &vis.last().map_or(0, |e| (seen - e.at).max(0) / 86_400),
        )?;
        m.serialize_entry("service_code", &())?;
        m.serialize_entry("status_info", &())?;
        m.serialize_entry("substatus", &status.substatus)?;
        m.serialize_entry(
            "origin_info",
            &InfoView {
                carrier: Some(s.carrier),
                vis,
                leg: Leg::Origin,
            },
        )?;
        m.serialize_entry(
            "destination_info",
            &InfoView {
                carrier: route.dest_carrier,
                vis,
                leg: Leg::Dest,
            },
        )?;
        match vis.last() {
            Some(e) => {
                let d = Local(e.at + e.tz);
                m.serialize_entry(
                    "lastEvent",
                    &Disp(format_args!("{},{},{}", e.desc, e.details, d)),
                )?;
                m.serialize_entry("lastUpdateTime", &local(e))?;
            }
            None => {
                m.serialize_entry("lastEvent", "")?;
                m.serialize_entry("lastUpdateTime", &())?;
            }
        }
        m.end()
    }
}

const NODES: [&str; 6] = [
    "ItemReceived",
    "ItemDispatched",
    "DepartfromAirport",
    "ArrivalfromAbroad",
    "CustomsClearance",
    "DestinationArrived",
];

struct InfoView<'a> {
    carrier: Option<&'static Carrier>,
    vis: &'a [Event],
    leg: Leg,
}

impl Serialize for InfoView<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("ReferenceNumber", &())?;
        for node in NODES {
            let hit = self.carrier.and(
                self.vis
                    .iter()
                    .find(|e| e.leg == self.leg && e.node == Some(node)),
            );
            match hit {
                Some(e) => m.serialize_entry(node, &local(e))?,
                None => m.serialize_entry(node, &())?,
            }
        }
        match self.carrier {
            Some(c) => {
                // Carriers of the public list without a known homepage or phone: `null`.
                if c.homepage.is_empty() {
                    m.serialize_entry("weblink", &())?;
                } else {
                    m.serialize_entry("weblink", &Disp(format_args!("http:{}", c.homepage)))?;
                }
                if c.phone.is_empty() {
                    m.serialize_entry("phone", &())?;
                } else {
                    m.serialize_entry("phone", c.phone)?;
                }
                m.serialize_entry("carrier_code", c.code)?;
            }
            None => {
                m.serialize_entry("weblink", &())?;
                m.serialize_entry("phone", &())?;
                m.serialize_entry("carrier_code", &())?;
            }
        }
        m.serialize_entry("trackinfo", &Checkpoints(self))?;
        m.end()
    }
}

struct Checkpoints<'a, 'b>(&'a InfoView<'b>);

impl Serialize for Checkpoints<'_, '_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let info = self.0;
        let mut seq = ser.serialize_seq(None)?;
        if info.carrier.is_some() {
            for e in info.vis.iter().rev().filter(|e| e.leg == info.leg) {
                seq.serialize_element(&CheckpointView(e))?;
            }
        }
        seq.end()
    }
}

struct CheckpointView<'a>(&'a Event);

impl Serialize for CheckpointView<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let e = self.0;
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("Date", &local(e))?;
        m.serialize_entry("StatusDescription", &e.desc)?;
        m.serialize_entry("Details", &e.details)?;
        m.serialize_entry("checkpoint_status", e.status.as_str())?;
        if let Some(sub) = e.substatus {
            m.serialize_entry("substatus", sub)?;
        }
        if let Some(n) = e.node {
            m.serialize_entry("ItemNode", n)?;
        }
        m.end()
    }
}
