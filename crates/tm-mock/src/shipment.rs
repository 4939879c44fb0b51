//! Deterministic shipment routes: a pure function of (seed, carrier, number,
//! destination, anchor time). Nothing here is stored; statuses and checkpoints
//! are computed from the route and the clock on every read.

use serde::{Deserialize, Serialize};

use crate::catalog::{self, Carrier, Country, Kind};
use crate::hash::{fnv, mix};

/// The eight v2 main statuses of a tracking.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub(crate) enum Status {
    #[default]
    Pending,
    Notfound,
    Transit,
    Pickup,
    Delivered,
    Undelivered,
    Exception,
    Expired,
}

impl Status {
    /// Every status, in wire order.
    pub(crate) const ALL: [Status; 8] = [
        Status::Pending,
        Status::Notfound,
        Status::Transit,
        Status::Pickup,
        Status::Delivered,
        Status::Undelivered,
        Status::Exception,
        Status::Expired,
    ];

    /// The wire name (`transit`, …).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Notfound => "notfound",
            Status::Transit => "transit",
            Status::Pickup => "pickup",
            Status::Delivered => "delivered",
            Status::Undelivered => "undelivered",
            Status::Exception => "exception",
            Status::Expired => "expired",
        }
    }

    /// The status of its wire name.
    pub(crate) fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Whether nothing follows this status.
    fn terminal(self) -> bool {
        matches!(
            self,
            Status::Delivered | Status::Exception | Status::Expired
        )
    }
}

/// What a route ends in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scenario {
    Normal,
    Delivered,
    NotFound,
    Exception,
    Return,
    Expire,
    Customs,
    Failed,
    Pickup,
    Slow,
}

/// Scenario prefixes (case-insensitive), longest first.
pub(crate) const SCENARIOS: &[(&str, Scenario)] = &[
    ("TMNOTFOUND", Scenario::NotFound),
    ("TMCUSTOMS", Scenario::Customs),
    ("TMEXCEPT", Scenario::Exception),
    ("TMRETURN", Scenario::Return),
    ("TMEXPIRE", Scenario::Expire),
    ("TMFAILED", Scenario::Failed),
    ("TMPICKUP", Scenario::Pickup),
    ("TMDELIV", Scenario::Delivered),
    ("TMSLOW", Scenario::Slow),
];

pub(crate) fn scenario_of(number: &str) -> Scenario {
    let up = number.to_ascii_uppercase();
    SCENARIOS
        .iter()
        .find(|(p, _)| up.starts_with(p))
        .map_or(Scenario::Normal, |(_, s)| *s)
}

/// Which `*_info` block an event belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leg {
    Origin,
    Dest,
}

/// One scan.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    /// UTC instant (Unix seconds).
    pub at: i64,
    pub status: Status,
    pub substatus: Option<&'static str>,
    pub desc: String,
    pub details: String,
    pub leg: Leg,
    pub node: Option<&'static str>,
    /// Offset of carrier-local time, seconds.
    pub tz: i64,
}

/// A full route.
#[derive(Debug)]
pub(crate) struct Route {
    pub origin: &'static Country,
    pub dest: &'static Country,
    /// Carrier of the destination leg (postal international routes).
    pub dest_carrier: Option<&'static Carrier>,
    /// Ascending by time.
    pub events: Vec<Event>,
    /// End of `pending` (first poll).
    pub poll_at: i64,
    /// When an undelivered item turns `expired`, if it does.
    pub expire_at: i64,
}

/// A status at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StatusAt {
    pub status: Status,
    pub substatus: Option<&'static str>,
    /// Next instant at which the status may change.
    pub next: Option<i64>,
}

impl Route {
    /// Events visible at `t`.
    pub(crate) fn visible(&self, t: i64) -> &[Event] {
        let n = self.events.partition_point(|e| e.at <= t);
        &self.events[..n]
    }

    /// Status at `t`.
    pub(crate) fn status_at(&self, t: i64) -> StatusAt {
        if t < self.poll_at {
            return StatusAt {
                status: Status::Pending,
                substatus: None,
                next: Some(self.poll_at),
            };
        }
        let vis = self.visible(t);
        let next_event = self.events.get(vis.len()).map(|e| e.at);
        let (mut status, mut sub) = match vis.last() {
            Some(e) => (e.status, e.substatus),
            None => (Status::Notfound, Some("notfound002")),
        };
        if t >= self.expire_at && !status.terminal() {
            status = Status::Expired;
            sub = None;
        }
        let next = if status.terminal() {
            None
        } else {
            match next_event {
                Some(n) if n < self.expire_at => Some(n),
                _ => Some(self.expire_at),
            }
        };
        StatusAt {
            status,
            substatus: sub,
            next,
        }
    }

    /// Time the item was delivered, if it is by `t`.
    pub(crate) fn delivered_at(&self, t: i64) -> Option<i64> {
        self.visible(t)
            .iter()
            .rev()
            .find(|e| e.status == Status::Delivered)
            .map(|e| e.at)
    }
}

struct Gen {
    rng: fastrand::Rng,
}

impl Gen {
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.rng.usize(..xs.len())]
    }
}

const CN_CITIES: &[&str] = &[
    "北京市",
    "上海市",
    "广州市",
    "深圳市",
    "杭州市",
    "天津市",
    "成都市",
    "武汉市",
    "吉林市",
    "开封市",
];
const NAMES: &[&str] = &[
    "M.SMITH",
    "J.MILLER",
    "K.TANAKA",
    "L.GARCIA",
    "A.MUELLER",
    "S.ROSSI",
    "P.MARTIN",
    "D.NOVAK",
    "FRONT DOOR",
    "RECEPTION",
];

/// Builds the route of one shipment. `anchor` is when tracking started
/// (creation, or the last carrier change).
pub(crate) fn build(
    seed: u64,
    carrier: &'static Carrier,
    number: &str,
    dest_code: Option<&str>,
    anchor: i64,
) -> Route {
    let upper = number.to_ascii_uppercase();
    let h = mix(seed ^ fnv(&[carrier.code.as_bytes(), upper.as_bytes()]));
    let mut g = Gen {
        rng: fastrand::Rng::with_seed(h),
    };
    let scenario = match scenario_of(number) {
        Scenario::Normal => {
            let r = g.rng.u32(..100);
            match r {
                0..=2 => Scenario::Exception,
                3..=4 => Scenario::Failed,
                5..=6 => Scenario::Expire,
                7 => Scenario::Return,
                _ => Scenario::Normal,
            }
        }
        s => s,
    };
    let home = catalog::country(carrier.country).unwrap_or(&catalog::COUNTRIES[0]);
    let origin = match (carrier.kind, catalog::s10(&upper)) {
        (Kind::Postal, Some((_, cc))) => catalog::country(cc).unwrap_or(home),
        _ => home,
    };
    let dest = if carrier.kind == Kind::Domestic {
        origin
    } else {
        match dest_code.and_then(catalog::country) {
            Some(c) => c,
            None => loop {
                let c = g.pick(catalog::COUNTRIES);
                if c.code != origin.code {
                    break c;
                }
            },
        }
    };
    let domestic = origin.code == dest.code;
    let expire_at = anchor + carrier.kind.expiry_days() * 86_400;
    // Total transit time in hours.
    let (lo, hi) = match (carrier.kind, domestic) {
        (_, true) | (Kind::Domestic, _) => (20, 96),
        (Kind::Express, false) => (40, 150),
        (Kind::Postal, false) => (190, 600),
        (Kind::Consolidator, false) => (240, 720),
    };
    let mut total_h = g.rng.i64(lo..=hi);
    if scenario == Scenario::Slow {
        let days = carrier.kind.expiry_days();
        total_h = g.rng.i64((days * 24 * 2 / 3)..=(days * 24 - 72));
    }
    let dest_carrier = if !domestic && carrier.kind == Kind::Postal {
        catalog::post_of(dest.code).filter(|c| !std::ptr::eq(*c, carrier))
    } else {
        None
    };
    let otz = i64::from(origin.tz) * 3600;
    let dtz = i64::from(dest.tz) * 3600;
    let o1 = *g.pick(&origin.cities);
    let o2 = *g.pick(&origin.cities);
    let d1 = *g.pick(&dest.cities);
    let d2 = *g.pick(&dest.cities);
    let name = *g.pick(NAMES);

    // (status, substatus, desc, details, leg, node)
    type Step = (
        Status,
        Option<&'static str>,
        String,
        String,
        Leg,
        Option<&'static str>,
    );
    let mut steps: Vec<Step> = Vec::new();
    let cn_domestic = domestic && origin.code == "CN" && carrier.kind == Kind::Domestic;
    let dleg = if dest_carrier.is_some() {
        Leg::Dest
    } else {
        Leg::Origin
    };
    if cn_domestic {
        let c1 = *g.pick(CN_CITIES);
        let c2 = *g.pick(CN_CITIES);
        let phone = format!("1{}", 3_000_000_000u64 + g.rng.u64(..999_999_999));
        let cname = carrier.name_cn.unwrap_or(carrier.name);
        steps.push((
            Status::Transit,
            Some("transit001"),
            format!("{c1}【{c1}营业部】，{cname} 已揽收"),
            c1.into(),
            Leg::Origin,
            Some("ItemReceived"),
        ));
        steps.push((
            Status::Transit,
            Some("transit002"),
            format!("到{c1}【{c1}转运中心】"),
            c1.into(),
            Leg::Origin,
            None,
        ));
        steps.push((
            Status::Transit,
            Some("transit001"),
            format!("{c1}【{c1}转运中心】，正发往【{c2}转运中心】"),
            c1.into(),
            Leg::Origin,
            Some("ItemDispatched"),
        ));
        steps.push((
            Status::Transit,
            Some("transit002"),
            format!("到{c2}【{c2}转运中心】"),
            c2.into(),
            Leg::Origin,
            None,
        ));
        steps.push((
            Status::Transit,
            Some("transit003"),
            format!("到{c2}【{c2}营业部】"),
            c2.into(),
            Leg::Origin,
            Some("DestinationArrived"),
        ));
        steps.push((
            Status::Pickup,
            None,
            format!("{c2}【{c2}营业部】，【快递员/{phone}】正在派件"),
            c2.into(),
            Leg::Origin,
            None,
        ));
        steps.push((
            Status::Delivered,
            Some("delivered003"),
            format!("{c2}【{c2}营业部】，已签收"),
            c2.into(),
            Leg::Origin,
            None,
        ));
    } else if carrier.kind == Kind::Postal || carrier.kind == Kind::Consolidator {
        steps.push((
            Status::Transit,
            Some("transit001"),
            "Posting/Collection - Item accepted".into(),
            format!("{},{o1}", origin.name),
            Leg::Origin,
            Some("ItemReceived"),
        ));
        steps.push((
            Status::Transit,
            Some("transit002"),
            "Arrival at processing centre".into(),
            format!("{},{o2} INTERNATIONAL MAIL CENTRE", origin.name),
            Leg::Origin,
            None,
        ));
        if !domestic {
            steps.push((
                Status::Transit,
                Some("transit001"),
                "Departure from outward office of exchange".into(),
                format!("{},{o2}", origin.name),
                Leg::Origin,
                Some("ItemDispatched"),
            ));
            steps.push((
                Status::Transit,
                Some("transit001"),
                "Handed over to airline / Item dispatched,Air".into(),
                format!("{},{o2} AIRPORT", origin.name),
                Leg::Origin,
                Some("DepartfromAirport"),
            ));
            steps.push((
                Status::Transit,
                Some("transit004"),
                "Arrival at inward office of exchange".into(),
                format!("{},{d1}", dest.name),
                dleg,
                Some("ArrivalfromAbroad"),
            ));
            steps.push((
                Status::Transit,
                Some("transit005"),
                "Customs clearance completed, item released".into(),
                format!("{},{d1}", dest.name),
                dleg,
                Some("CustomsClearance"),
            ));
        }
        steps.push((
            Status::Transit,
            Some("transit003"),
            "Arrival at delivery office".into(),
            format!("{},{d2}", dest.name),
            dleg,
            Some("DestinationArrived"),
        ));
        steps.push((
            Status::Pickup,
            None,
            "Out for delivery".into(),
            format!("{},{d2}", dest.name),
            dleg,
            None,
        ));
        steps.push((
            Status::Delivered,
            Some("delivered001"),
            "Delivered - Item delivered to addressee".into(),
            format!("{},{d2}", dest.name),
            dleg,
            None,
        ));
    } else {
        steps.push((
            Status::Transit,
            Some("transit001"),
            "Shipment picked up".into(),
            format!("{o1} - {}", origin.code),
            Leg::Origin,
            Some("ItemReceived"),
        ));
        steps.push((
            Status::Transit,
            Some("transit002"),
            format!("Processed at {o2} - {}", origin.code),
            format!("{o2} - {}", origin.code),
            Leg::Origin,
            None,
        ));
        steps.push((
            Status::Transit,
            Some("transit001"),
            format!("Departed facility in {o2} - {}", origin.code),
            format!("{o2} - {}", origin.code),
            Leg::Origin,
            Some("ItemDispatched"),
        ));
        if !domestic {
            steps.push((
                Status::Transit,
                Some("transit004"),
                format!("Arrived at sort facility {d1} - {}", dest.code),
                format!("{d1} - {}", dest.code),
                Leg::Origin,
                Some("ArrivalfromAbroad"),
            ));
            steps.push((
                Status::Transit,
                Some("transit005"),
                format!("Clearance processing complete at {d1} - {}", dest.code),
                format!("{d1} - {}", dest.code),
                Leg::Origin,
                Some("CustomsClearance"),
            ));
        }
        steps.push((
            Status::Transit,
            Some("transit003"),
            format!("Arrived at delivery facility in {d2} - {}", dest.code),
            format!("{d2} - {}", dest.code),
            Leg::Origin,
            Some("DestinationArrived"),
        ));
        steps.push((
            Status::Pickup,
            None,
            "With delivery courier - Out for delivery".into(),
            format!("{d2} - {}", dest.code),
            Leg::Origin,
            None,
        ));
        steps.push((
            Status::Delivered,
            Some("delivered003"),
            format!("Delivered - Signed for by: {name}"),
            format!("{d2} - {}", dest.code),
            Leg::Origin,
            None,
        ));
    }
    let last_details = steps.last().map(|s| s.3.clone()).unwrap_or_default();
    let last_leg = steps.last().map_or(Leg::Origin, |s| s.4);
    // Apply the scenario's ending.
    match scenario {
        Scenario::Normal | Scenario::Delivered | Scenario::Slow => {}
        Scenario::NotFound => steps.clear(),
        Scenario::Exception => {
            steps.truncate(steps.len() - 2);
            steps.push((
                Status::Exception,
                Some("exception007"),
                "Shipment exception - item damaged in transit".into(),
                last_details,
                last_leg,
                None,
            ));
        }
        Scenario::Return => {
            steps.truncate(steps.len() - 1);
            steps.push((
                Status::Exception,
                Some("exception009"),
                "Delivery refused by addressee".into(),
                last_details.clone(),
                last_leg,
                None,
            ));
            steps.push((
                Status::Exception,
                Some("exception011"),
                "Item being returned to sender".into(),
                last_details,
                last_leg,
                None,
            ));
            steps.push((
                Status::Exception,
                Some("exception010"),
                "Item returned to sender".into(),
                format!("{},{o1}", origin.name),
                Leg::Origin,
                None,
            ));
        }
        Scenario::Expire => steps.truncate(3.min(steps.len())),
        Scenario::Customs => {
            let cut = steps
                .iter()
                .position(|s| s.5 == Some("ArrivalfromAbroad"))
                .map_or(2, |p| p + 1);
            steps.truncate(cut);
            let det = steps.last().map(|s| s.3.clone()).unwrap_or_default();
            let leg = steps.last().map_or(Leg::Origin, |s| s.4);
            steps.push((
                Status::Exception,
                Some("exception006"),
                "Held by customs - import clearance pending".into(),
                det,
                leg,
                None,
            ));
        }
        Scenario::Failed => {
            steps.truncate(steps.len() - 1);
            steps.push((
                Status::Undelivered,
                None,
                "Delivery attempt failed - addressee not available, notice left".into(),
                last_details,
                last_leg,
                None,
            ));
        }
        Scenario::Pickup => {
            steps.truncate(steps.len() - 2);
            steps.push((
                Status::Pickup,
                None,
                "Available for collection at pickup point".into(),
                last_details,
                last_leg,
                None,
            ));
        }
    }
    // Timing.
    let n = steps.len() as i64;
    let mut weights: Vec<i64> = (0..n).map(|_| g.rng.i64(20..=100)).collect();
    if let Some(w) = weights.first_mut() {
        *w = 0;
    }
    let wsum: i64 = weights.iter().sum::<i64>().max(1);
    let first_h = g.rng.i64(2..=18);
    let span = total_h * 3600;
    let start = match scenario {
        // Everything happened before the tracking was added.
        Scenario::Delivered => anchor - span - 3600 - first_h * 3600,
        _ => anchor + first_h * 3600,
    };
    let mut t = start;
    let mut at_dest = false;
    let mut events = Vec::with_capacity(steps.len());
    for ((status, sub, desc, details, leg, node), w) in steps.into_iter().zip(weights) {
        t += span * w / wsum + g.rng.i64(0..1800);
        if scenario == Scenario::Return
            && status == Status::Exception
            && sub == Some("exception010")
        {
            t += 5 * 86_400;
        }
        if node == Some("ArrivalfromAbroad") {
            at_dest = true;
        }
        let back_home = sub == Some("exception010");
        let tz = if !domestic && (leg == Leg::Dest || at_dest) && !back_home {
            dtz
        } else {
            otz
        };
        events.push(Event {
            at: t,
            status,
            substatus: sub,
            desc,
            details,
            leg,
            node,
            tz,
        });
    }
    // Nothing happens after expiry.
    events.retain(|e| e.at < expire_at);
    let poll_at = if scenario == Scenario::Delivered {
        anchor
    } else {
        anchor + 1800 + g.rng.i64(0..3600)
    };
    Route {
        origin,
        dest,
        dest_carrier,
        events,
        poll_at,
        expire_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(code: &str, number: &str) -> Route {
        build(
            7,
            catalog::carrier(code).unwrap(),
            number,
            None,
            1_767_600_000,
        )
    }

    #[test]
    fn deterministic() {
        let a = route("china-post", "RN123456789CN");
        let b = route("china-post", "RN123456789CN");
        assert_eq!(a.events.len(), b.events.len());
        for (x, y) in a.events.iter().zip(&b.events) {
            assert_eq!((x.at, &x.desc, &x.details), (y.at, &y.desc, &y.details));
        }
        assert_eq!(a.origin.code, "CN");
    }

    #[test]
    fn scenarios_end_where_documented() {
        let t0 = 1_767_600_000;
        let far = t0 + 200 * 86_400;
        let cases = [
            ("TMDELIV0001", Status::Delivered),
            ("TMNOTFOUND01", Status::Expired),
            ("TMEXCEPT0001", Status::Exception),
            ("TMRETURN0001", Status::Exception),
            ("TMEXPIRE0001", Status::Expired),
            ("TMCUSTOMS001", Status::Exception),
            ("TMFAILED0001", Status::Expired),
            ("TMPICKUP0001", Status::Expired),
            ("TMSLOW000001", Status::Delivered),
        ];
        for code in ["dhl", "china-post", "sto", "yanwen"] {
            for (n, want) in cases {
                let r = route(code, n);
                assert_eq!(r.status_at(far).status, want, "{code} {n}");
            }
        }
        assert_eq!(
            route("ups", "TMDELIV0001").status_at(t0).status,
            Status::Delivered
        );
        assert_eq!(
            route("ups", "TMNOTFOUND01").status_at(t0 + 7200).status,
            Status::Notfound
        );
        assert_eq!(
            route("ups", "TMFAILED0001")
                .status_at(t0 + 20 * 86_400)
                .status,
            Status::Undelivered
        );
        assert_eq!(
            route("ups", "TMPICKUP0001")
                .status_at(t0 + 20 * 86_400)
                .status,
            Status::Pickup
        );
        assert_eq!(
            route("ups", "TMCUSTOMS001").status_at(far).substatus,
            Some("exception006")
        );
        assert_eq!(
            route("ups", "X1234567").status_at(t0).status,
            Status::Pending
        );
    }
}
