//! Main status and substatus, forward compatible: unknown values keep their text.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The main status of a tracking or checkpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Status {
    /// Newly added, not tracked yet.
    #[default]
    Pending,
    /// No information from the carrier yet.
    NotFound,
    /// On its way.
    Transit,
    /// Out for delivery or waiting for collection.
    Pickup,
    /// Delivered.
    Delivered,
    /// Delivery attempt failed.
    Undelivered,
    /// Returned, refused, damaged, held by customs, ….
    Exception,
    /// Not delivered in time (30 days express, 60 days postal).
    Expired,
    /// A value this version of tm does not know (kept as sent, e.g. `inforeceived`).
    Unknown(String),
}

impl Status {
    /// The eight statuses v2 documents, in lifecycle order.
    pub const ALL: [Status; 8] = [
        Status::Pending,
        Status::NotFound,
        Status::Transit,
        Status::Pickup,
        Status::Delivered,
        Status::Undelivered,
        Status::Exception,
        Status::Expired,
    ];

    /// The wire text, e.g. `notfound`.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Pending => "pending",
            Status::NotFound => "notfound",
            Status::Transit => "transit",
            Status::Pickup => "pickup",
            Status::Delivered => "delivered",
            Status::Undelivered => "undelivered",
            Status::Exception => "exception",
            Status::Expired => "expired",
            Status::Unknown(s) => s,
        }
    }

    /// Parses the wire text; never fails (unknown text becomes [`Status::Unknown`]).
    pub fn parse(s: &str) -> Status {
        match s {
            "pending" => Status::Pending,
            "notfound" => Status::NotFound,
            "transit" => Status::Transit,
            "pickup" => Status::Pickup,
            "delivered" => Status::Delivered,
            "undelivered" => Status::Undelivered,
            "exception" => Status::Exception,
            "expired" => Status::Expired,
            other => Status::Unknown(other.to_owned()),
        }
    }

    /// True for a value outside the documented eight.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Status::Unknown(_))
    }

    /// True when the shipment will not move any more (delivered, expired,
    /// exception).
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Status::Delivered | Status::Expired | Status::Exception
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Status::parse(s))
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(Status::parse(&s))
    }
}

/// A substatus such as `transit002`, kept as text, with the documented meanings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Substatus(pub String);

/// Documented v2 substatus codes and their meanings (EVIDENCE.md §5.2, version B).
pub const SUBSTATUSES: &[(&str, &str)] = &[
    (
        "notfound001",
        "Info received; the package is about to be picked up",
    ),
    ("notfound002", "No tracking information"),
    ("transit001", "On the way"),
    ("transit002", "Arrived at a hub or sorting centre"),
    ("transit003", "Arrived at the delivery facility"),
    ("transit004", "Arrived in the destination country"),
    ("transit005", "Customs clearance completed"),
    ("delivered001", "Delivered"),
    ("delivered002", "Picked up by the addressee"),
    ("delivered003", "Delivered and signed for"),
    (
        "delivered004",
        "Left at the front door, with a neighbour or in a locker",
    ),
    ("exception004", "Unclaimed"),
    ("exception005", "Other delivery exception"),
    ("exception006", "Held by customs"),
    ("exception007", "Damaged, lost or discarded"),
    ("exception008", "Cancelled before pickup"),
    ("exception009", "Refused by the addressee"),
    ("exception010", "Returned to sender"),
    ("exception011", "Being returned to sender"),
];

impl Substatus {
    /// The code as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The documented meaning, if this code is in the v2 table.
    pub fn description(&self) -> Option<&'static str> {
        SUBSTATUSES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map(|(_, d)| *d)
    }

    /// The main status this substatus belongs to (its alphabetic prefix).
    pub fn main_status(&self) -> Status {
        Status::parse(self.0.trim_end_matches(|c: char| c.is_ascii_digit()))
    }
}

impl fmt::Display for Substatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_status_keeps_text() {
        let s: Status = serde_json::from_str("\"inforeceived\"").unwrap();
        assert_eq!(s, Status::Unknown("inforeceived".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"inforeceived\"");
        for known in Status::ALL {
            assert_eq!(Status::parse(known.as_str()), known);
        }
    }

    #[test]
    fn substatus_table() {
        let s = Substatus("transit002".into());
        assert_eq!(s.main_status(), Status::Transit);
        assert!(s.description().unwrap().contains("hub"));
        assert_eq!(Substatus("pickup009".into()).description(), None);
    }
}
