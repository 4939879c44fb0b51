//! The 18 v2 calls, on the simulated state.

use std::cmp::Reverse;
use std::ops::Bound;
use std::sync::Arc;

use chrono::NaiveDateTime;
use serde_json::{json, Map, Value};

use crate::catalog::{self, Carrier};
use crate::render::{self, Data};
use crate::route::{self, St};
use crate::state::{OrdKey, RtEntry, State, Stored};
use serde::Serialize;
use serde_json::value::RawValue;

#[derive(Serialize)]
struct BatchOut {
    submitted: usize,
    added: usize,
    trackings: Vec<Box<RawValue>>,
    errors: Vec<Value>,
}

#[derive(Serialize)]
struct PageOut {
    page: i64,
    limit: i64,
    total: String,
    count: usize,
    items: Vec<Box<RawValue>>,
}

#[derive(Serialize)]
struct RealtimeOut {
    items: [Box<RawValue>; 1],
}

/// Credits are kept in tenths.
pub(crate) const COST_CREATE: i64 = 10;
pub(crate) const COST_REALTIME: i64 = 10;
pub(crate) const COST_DETECT: i64 = 2;
pub(crate) const COST_REMOTE: i64 = 2;
pub(crate) const COST_AWB: i64 = 200;
const MAX_BATCH: usize = 40;
const MAX_FIELD: usize = 255;

/// A failed call: meta code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fail(pub i64, pub String);

fn fail<T>(code: i64, msg: impl Into<String>) -> Result<T, Fail> {
    Err(Fail(code, msg.into()))
}

/// Standard messages.
pub(crate) fn message(code: i64) -> &'static str {
    match code {
        4001 => "Invalid API key.",
        4002 => "API key has been deleted.",
        4012 => "The request could not be understood: missing or malformed parameters.",
        4013 => "Tracking number is required.",
        4014 => "Tracking number is invalid.",
        4015 => "The value of `carrier_code` is invalid.",
        4016 => "Tracking already exists.",
        4017 => "Tracking does not exist.",
        4020 => "Up to 40 items at a time.",
        4021 => "Insufficient quota remaining.",
        4031 => "The request was successful, but the response is empty. Create the tracking with POST /trackings/post first.",
        4032 => "Cannot detect the courier.",
        4033 => "The value of `status` is invalid.",
        _ => "Error",
    }
}

fn f(code: i64) -> Fail {
    Fail(code, message(code).into())
}

/// The calls, resolved from method and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ep {
    CarriersList,
    Detect,
    Post,
    GetOne(String, String),
    Put(String, String),
    DeleteOne(String, String),
    Batch,
    List,
    UpdateMore,
    DeleteMany,
    Realtime,
    ChangeCarrier,
    UserInfo,
    StatusNumber,
    NotUpdate,
    Remote,
    CostTime,
    AirCargo,
}

impl Ep {
    /// Endpoint name used by fault rules and the journal.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Ep::CarriersList => "carriers.list",
            Ep::Detect => "carriers.detect",
            Ep::Post => "trackings.post",
            Ep::GetOne(..) => "trackings.get_one",
            Ep::Put(..) => "trackings.put",
            Ep::DeleteOne(..) => "trackings.delete_one",
            Ep::Batch => "trackings.batch",
            Ep::List => "trackings.list",
            Ep::UpdateMore => "trackings.updatemore",
            Ep::DeleteMany => "trackings.delete",
            Ep::Realtime => "trackings.realtime",
            Ep::ChangeCarrier => "trackings.update",
            Ep::UserInfo => "trackings.getuserinfo",
            Ep::StatusNumber => "trackings.getstatusnumber",
            Ep::NotUpdate => "trackings.notupdate",
            Ep::Remote => "trackings.remote",
            Ep::CostTime => "trackings.costtime",
            Ep::AirCargo => "trackings.aircargo",
        }
    }

    /// Rate-limit class: calls per second.
    pub(crate) fn rate(&self) -> (u8, usize) {
        match self {
            Ep::List => (0, 1),
            Ep::Realtime => (1, 3),
            _ => (2, 10),
        }
    }
}

/// Resolves segments (already decoded, without `v2`) to a call; `Err(404|405)`.
pub(crate) fn resolve(method: &http::Method, segs: &[String]) -> Result<Ep, i64> {
    use http::Method as M;
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let need = |m: M, ep: Ep| if *method == m { Ok(ep) } else { Err(405) };
    match s.as_slice() {
        ["carriers"] => need(M::GET, Ep::CarriersList),
        ["carriers", "detect"] => need(M::POST, Ep::Detect),
        ["trackings", "post"] => need(M::POST, Ep::Post),
        ["trackings", "batch"] => need(M::POST, Ep::Batch),
        ["trackings", "get"] => need(M::GET, Ep::List),
        ["trackings", "updatemore"] => need(M::POST, Ep::UpdateMore),
        ["trackings", "delete"] => need(M::POST, Ep::DeleteMany),
        ["trackings", "realtime"] => need(M::POST, Ep::Realtime),
        ["trackings", "update"] => need(M::POST, Ep::ChangeCarrier),
        ["trackings", "getuserinfo"] => need(M::GET, Ep::UserInfo),
        ["trackings", "getstatusnumber"] => need(M::GET, Ep::StatusNumber),
        ["trackings", "notupdate"] => need(M::POST, Ep::NotUpdate),
        ["trackings", "remote"] => need(M::POST, Ep::Remote),
        ["trackings", "costtime"] => need(M::POST, Ep::CostTime),
        ["trackings", "aircargo"] => need(M::POST, Ep::AirCargo),
        ["trackings", c, n] => {
            let (c, n) = ((*c).to_string(), (*n).to_string());
            match *method {
                M::GET => Ok(Ep::GetOne(c, n)),
                M::PUT => Ok(Ep::Put(c, n)),
                M::DELETE => Ok(Ep::DeleteOne(c, n)),
                _ => Err(405),
            }
        }
        ["trackings", c, n, _lang] => need(M::GET, Ep::GetOne((*c).to_string(), (*n).to_string())),
        _ => Err(404),
    }
}

/// What a handler returns: meta code (200/201) and data.
pub(crate) type Out = Result<(i64, Data), Fail>;

/// What a handler built on `serde_json::Value` returns.
type JsonOut = Result<(i64, Value), Fail>;

fn json_out((code, v): (i64, Value)) -> (i64, Data) {
    (code, Data::Json(v))
}

/// Runs one call for account `acct`.
pub(crate) fn call(
    st: &mut State,
    acct: usize,
    ep: &Ep,
    body: &[u8],
    query: &[(String, String)],
    lang: Option<&str>,
) -> Out {
    match ep {
        Ep::CarriersList => Ok((200, carriers_list(lang).into())),
        Ep::Detect => detect(st, acct, body).map(json_out),
        Ep::Post => post(st, acct, body),
        Ep::GetOne(c, n) => get_one(st, acct, c, n),
        Ep::Put(c, n) => put(st, acct, c, n, body).map(json_out),
        Ep::DeleteOne(c, n) => delete_one(st, acct, c, n).map(json_out),
        Ep::Batch => batch(st, acct, body),
        Ep::List => list(st, acct, query),
        Ep::UpdateMore => update_more(st, acct, body).map(json_out),
        Ep::DeleteMany => delete_many(st, acct, body).map(json_out),
        Ep::Realtime => realtime(st, acct, body),
        Ep::ChangeCarrier => change_carrier(st, acct, body).map(json_out),
        Ep::UserInfo => Ok((200, user_info(st, acct).into())),
        Ep::StatusNumber => status_number(st, acct, query).map(json_out),
        Ep::NotUpdate => not_update(st, acct, body).map(json_out),
        Ep::Remote => remote(st, acct, body).map(json_out),
        Ep::CostTime => cost_time(st, acct, body).map(json_out),
        Ep::AirCargo => air_cargo(st, acct, body).map(json_out),
    }
}

// ---------- input helpers ----------

fn parse_json(body: &[u8]) -> Result<Value, Fail> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return fail(4012, "The request body is empty; a JSON body is required.");
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| Fail(4012, "The request body is not valid UTF-8.".into()))?;
    serde_json::from_str(text)
        .map_err(|e| Fail(4012, format!("The request body is not valid JSON: {e}")))
}

fn parse_object(body: &[u8]) -> Result<Map<String, Value>, Fail> {
    match parse_json(body)? {
        Value::Object(m) => Ok(m),
        _ => fail(4012, "The request body must be a JSON object."),
    }
}

fn parse_array(body: &[u8]) -> Result<Vec<Value>, Fail> {
    match parse_json(body)? {
        Value::Array(v) if v.is_empty() => fail(4012, "The request body is an empty array."),
        Value::Array(v) if v.len() > MAX_BATCH => fail(
            4020,
            format!("Up to 40 items at a time; {} were sent.", v.len()),
        ),
        Value::Array(v) => Ok(v),
        _ => fail(4012, "The request body must be a JSON array."),
    }
}

fn get_str(m: &Map<String, Value>, k: &str) -> Result<Option<Box<str>>, Fail> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() > MAX_FIELD => fail(
            4012,
            format!("`{k}` is longer than {MAX_FIELD} characters."),
        ),
        Some(Value::String(s)) => Ok(Some(s.as_str().into())),
        Some(_) => fail(4012, format!("`{k}` must be a string.")),
    }
}

pub(crate) fn valid_number(n: &str) -> bool {
    n.len() >= 5
        && n.len() <= 64
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn req_number(m: &Map<String, Value>, key: &str) -> Result<String, Fail> {
    match m.get(key) {
        None | Some(Value::Null) => Err(f(4013)),
        Some(Value::String(s)) if s.trim().is_empty() => Err(f(4013)),
        Some(Value::String(s)) if valid_number(s.trim()) => Ok(s.trim().to_string()),
        Some(Value::String(_)) => Err(f(4014)),
        Some(_) => fail(4012, format!("`{key}` must be a string.")),
    }
}

fn carrier_of(code: &str) -> Result<&'static Carrier, Fail> {
    catalog::carrier(code.trim()).ok_or_else(|| f(4015))
}

fn req_carrier(m: &Map<String, Value>, key: &str) -> Result<&'static Carrier, Fail> {
    match m.get(key) {
        Some(Value::String(s)) => carrier_of(s),
        _ => Err(Fail(4015, format!("`{key}` is missing or invalid."))),
    }
}

fn charge(st: &mut State, acct: usize, cost: i64) -> Result<(), Fail> {
    let a = &mut st.accounts[acct];
    if a.credits < cost {
        return Err(f(4021));
    }
    a.credits -= cost;
    Ok(())
}

/// Parses `order_create_time` as sent into Unix seconds (UTC), if it can.
fn order_ts(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    for fmt in [
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(dt.and_utc().timestamp());
        }
    }
    for fmt in ["%Y/%m/%d", "%Y-%m-%d"] {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(s, fmt) {
            return d.and_hms_opt(0, 0, 0).map(|dt| dt.and_utc().timestamp());
        }
    }
    None
}

fn lookup(st: &State, acct: usize, c: &'static Carrier, n: &str) -> Option<u128> {
    st.accounts[acct]
        .by_key
        .get(&(c.code, Box::from(n)))
        .copied()
}

// ---------- carriers ----------

fn carriers_list(lang: Option<&str>) -> Value {
    Value::Array(
        catalog::CARRIERS
            .iter()
            .map(|c| {
                json!({
                    "name": c.name_in(lang),
                    "code": c.code,
                    "phone": c.phone,
                    "homepage": c.homepage,
                    "type": c.type_str(),
                    "picture": c.picture(),
                })
            })
            .collect(),
    )
}

fn detect(st: &mut State, acct: usize, body: &[u8]) -> JsonOut {
    let m = parse_object(body)?;
    let n = req_number(&m, "tracking_number")?;
    charge(st, acct, COST_DETECT)?;
    let found = catalog::detect(&n);
    if found.is_empty() {
        return Err(f(4032));
    }
    Ok((
        200,
        Value::Array(
            found
                .iter()
                .map(|c| json!({"name": c.name, "code": c.code}))
                .collect(),
        ),
    ))
}

// ---------- create ----------

const CREATE_STRINGS: &[&str] = &[
    "destination_code",
    "title",
    "logistics_channel",
    "customer_name",
    "customer_email",
    "customer_phone",
    "order_id",
    "order_create_time",
    "tracking_ship_date",
    "tracking_postal_code",
    "tracking_account_number",
    "tracking_destination_country",
    "specialNumberDestination",
    "lang",
    "comment",
];

/// Validates a create item and builds the record (not yet stored).
fn new_tracking(st: &mut State, acct: usize, v: &Value) -> Result<Stored, Fail> {
    let Value::Object(m) = v else {
        return fail(4012, "Each item must be a JSON object.");
    };
    let number = req_number(m, "tracking_number")?;
    let carrier = req_carrier(m, "carrier_code")?;
    for k in CREATE_STRINGS {
        get_str(m, k)?;
    }
    match m.get("auto_correct") {
        None | Some(Value::Null | Value::Number(_) | Value::String(_) | Value::Bool(_)) => {}
        Some(_) => return fail(4012, "`auto_correct` must be a number."),
    }
    if lookup(st, acct, carrier, &number).is_some() {
        return Err(f(4016));
    }
    let oct = get_str(m, "order_create_time")?;
    let dest = get_str(m, "destination_code")?;
    let now = st.now;
    Ok(Stored {
        id: st.new_id(acct),
        carrier,
        number: number.into(),
        created: now,
        anchor: now,
        modified: now,
        route_dest: dest.clone(),
        order_ts: oct.as_deref().and_then(order_ts),
        order_create_time: oct,
        title: get_str(m, "title")?,
        order_id: get_str(m, "order_id")?,
        comment: get_str(m, "comment")?,
        customer_name: get_str(m, "customer_name")?,
        customer_email: get_str(m, "customer_email")?,
        customer_phone: get_str(m, "customer_phone")?,
        logistics_channel: get_str(m, "logistics_channel")?,
        destination_code: dest,
        archived: false,
        track_update: true,
        frozen_at: None,
        manual: None,
        status: St::Pending,
        next_at: None,
    })
}

fn create_one(st: &mut State, acct: usize, v: &Value) -> Result<Box<RawValue>, Fail> {
    let s = new_tracking(st, acct, v)?;
    charge(st, acct, COST_CREATE)?;
    let out = State::created_raw(&s, St::Pending, false);
    st.insert(acct, s);
    Ok(out)
}

fn post(st: &mut State, acct: usize, body: &[u8]) -> Out {
    let v = parse_json(body)?;
    if !v.is_object() {
        return fail(4012, "The request body must be a JSON object.");
    }
    Ok((200, create_one(st, acct, &v)?.into()))
}

fn item_error(v: &Value, e: Fail) -> Value {
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    json!({
        "tracking_number": s("tracking_number"),
        "carrier_code": s("carrier_code"),
        "code": e.0,
        "message": e.1,
    })
}

fn batch_code(errors: &[Value]) -> i64 {
    if errors.is_empty() {
        200
    } else {
        201
    }
}

fn batch(st: &mut State, acct: usize, body: &[u8]) -> Out {
    let items = parse_array(body)?;
    let (mut added, mut errors) = (Vec::new(), Vec::new());
    for v in &items {
        match create_one(st, acct, v) {
            Ok(t) => added.push(t),
            Err(e) => errors.push(item_error(v, e)),
        }
    }
    let code = batch_code(&errors);
    let out = BatchOut {
        submitted: items.len(),
        added: added.len(),
        trackings: added,
        errors,
    };
    Ok((code, render::raw(&out).into()))
}

// ---------- single ----------

fn path_key(st: &State, acct: usize, c: &str, n: &str, missing: i64) -> Result<u128, Fail> {
    let carrier = carrier_of(c)?;
    if !valid_number(n) {
        return Err(f(4014));
    }
    lookup(st, acct, carrier, n).ok_or_else(|| f(missing))
}

fn get_one(st: &mut State, acct: usize, c: &str, n: &str) -> Out {
    let s = get_one_stored(st, acct, c, n)?;
    Ok((200, st.tracking_raw(s, st.now).into()))
}

/// The stored tracking `GET /trackings/{c}/{n}` shows (4015, 4014, 4031 otherwise).
pub(crate) fn get_one_stored<'a>(
    st: &'a State,
    acct: usize,
    c: &str,
    n: &str,
) -> Result<&'a Arc<Stored>, Fail> {
    let id = path_key(st, acct, c, n, 4031)?;
    Ok(&st.accounts[acct].trackings[&id])
}

/// Validated changes of a PUT / updatemore item.
#[derive(Default)]
struct Changes {
    strings: Vec<(&'static str, Option<Box<str>>)>,
    archived: Option<bool>,
    manual: Option<Option<St>>,
}

const PUT_STRINGS: &[&str] = &[
    "title",
    "logistics_channel",
    "customer_name",
    "customer_email",
    "customer_phone",
    "order_id",
    "destination_code",
    "comment",
];

fn parse_changes(m: &Map<String, Value>) -> Result<Changes, Fail> {
    let mut c = Changes::default();
    for k in PUT_STRINGS {
        if m.contains_key(*k) {
            c.strings.push((k, get_str(m, k)?));
        }
    }
    c.archived = match m.get("archived") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s == "true" => Some(true),
        Some(Value::String(s)) if s == "false" => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return fail(4012, "`archived` must be \"true\" or \"false\"."),
    };
    let code = match m.get("status") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_i64()),
        Some(Value::String(s)) => Some(s.trim().parse::<i64>().ok()),
        Some(_) => Some(None),
    };
    c.manual = match code {
        None => None,
        Some(Some(4)) => Some(Some(St::Delivered)),
        Some(Some(7)) => Some(Some(St::Exception)),
        Some(Some(8)) => Some(None),
        Some(_) => {
            return Err(Fail(
                4033,
                "The value of `status` is invalid: use 4, 7 or 8.".into(),
            ))
        }
    };
    Ok(c)
}

fn apply_changes(st: &mut State, acct: usize, id: u128, c: Changes) {
    let now = st.now;
    for (k, v) in c.strings {
        if k == "order_id" {
            st.set_order_id(acct, id, v);
            continue;
        }
        let Some(s) = st.accounts[acct].trackings.get_mut(&id).map(Arc::make_mut) else {
            return;
        };
        let slot = match k {
            "title" => &mut s.title,
            "logistics_channel" => &mut s.logistics_channel,
            "customer_name" => &mut s.customer_name,
            "customer_email" => &mut s.customer_email,
            "customer_phone" => &mut s.customer_phone,
            "destination_code" => &mut s.destination_code,
            _ => &mut s.comment,
        };
        *slot = v;
    }
    if let Some(s) = st.accounts[acct].trackings.get_mut(&id).map(Arc::make_mut) {
        if let Some(a) = c.archived {
            s.archived = a;
        }
        if let Some(m) = c.manual {
            s.manual = m;
        }
        s.modified = now;
    }
    st.refresh(acct, id);
}

fn updated_json(st: &State, acct: usize, id: u128) -> Value {
    let s = &st.accounts[acct].trackings[&id];
    State::created_json(s, s.status, true)
}

fn put(st: &mut State, acct: usize, c: &str, n: &str, body: &[u8]) -> JsonOut {
    let id = path_key(st, acct, c, n, 4017)?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok((200, updated_json(st, acct, id)));
    }
    let m = parse_object(body)?;
    let changes = parse_changes(&m)?;
    apply_changes(st, acct, id, changes);
    Ok((200, updated_json(st, acct, id)))
}

fn delete_one(st: &mut State, acct: usize, c: &str, n: &str) -> JsonOut {
    let id = path_key(st, acct, c, n, 4017)?;
    st.remove(acct, id);
    Ok((200, json!([])))
}

// ---------- batch updates ----------

fn item_key(st: &State, acct: usize, v: &Value) -> Result<(u128, Map<String, Value>), Fail> {
    let Value::Object(m) = v else {
        return fail(4012, "Each item must be a JSON object.");
    };
    let n = req_number(m, "tracking_number")?;
    let c = req_carrier(m, "carrier_code")?;
    let id = lookup(st, acct, c, &n).ok_or_else(|| f(4017))?;
    Ok((id, m.clone()))
}

fn ref_json(s: &Stored) -> Value {
    json!({"tracking_number": &*s.number, "carrier_code": s.carrier.code})
}

fn update_more(st: &mut State, acct: usize, body: &[u8]) -> JsonOut {
    let items = parse_array(body)?;
    let (mut ok, mut errors) = (Vec::new(), Vec::new());
    for v in &items {
        let r = item_key(st, acct, v).and_then(|(id, m)| Ok((id, parse_changes(&m)?)));
        match r {
            Ok((id, ch)) => {
                apply_changes(st, acct, id, ch);
                ok.push(updated_json(st, acct, id));
            }
            Err(e) => errors.push(item_error(v, e)),
        }
    }
    let code = batch_code(&errors);
    Ok((
        code,
        json!({"submitted": items.len(), "updated": ok.len(), "trackings": ok, "errors": errors}),
    ))
}

fn delete_many(st: &mut State, acct: usize, body: &[u8]) -> JsonOut {
    let items = parse_array(body)?;
    let (mut ok, mut errors) = (Vec::new(), Vec::new());
    for v in &items {
        match item_key(st, acct, v) {
            Ok((id, _)) => {
                if let Some(s) = st.remove(acct, id) {
                    ok.push(ref_json(&s));
                }
            }
            Err(e) => errors.push(item_error(v, e)),
        }
    }
    let code = batch_code(&errors);
    Ok((
        code,
        json!({"submitted": items.len(), "delete": ok.len(), "trackings": ok, "errors": errors}),
    ))
}

fn not_update(st: &mut State, acct: usize, body: &[u8]) -> JsonOut {
    let items = parse_array(body)?;
    let (mut ok, mut errors) = (Vec::new(), Vec::new());
    let now = st.now;
    for v in &items {
        match item_key(st, acct, v) {
            Ok((id, _)) => {
                if let Some(s) = st.accounts[acct].trackings.get_mut(&id).map(Arc::make_mut) {
                    if s.track_update {
                        s.track_update = false;
                        s.frozen_at = Some(now);
                        s.modified = now;
                    }
                    ok.push(ref_json(s));
                }
                st.refresh(acct, id);
            }
            Err(e) => errors.push(item_error(v, e)),
        }
    }
    let code = batch_code(&errors);
    Ok((
        code,
        json!({"submitted": items.len(), "change": ok.len(), "trackings": ok, "errors": errors}),
    ))
}

fn change_carrier(st: &mut State, acct: usize, body: &[u8]) -> JsonOut {
    let m = parse_object(body)?;
    let n = req_number(&m, "tracking_number")?;
    let from = req_carrier(&m, "carrier_code")?;
    let to = req_carrier(&m, "update_carrier_code")?;
    let id = lookup(st, acct, from, &n).ok_or_else(|| f(4017))?;
    if std::ptr::eq(from, to) {
        return Ok((200, json!({"Usertag": ""})));
    }
    if lookup(st, acct, to, &n).is_some() {
        return Err(f(4016));
    }
    let Some(mut s) = st.remove(acct, id) else {
        return Err(f(4017));
    };
    s.carrier = to;
    s.anchor = st.now;
    s.modified = st.now;
    s.manual = None;
    s.frozen_at = None;
    s.track_update = true;
    s.status = St::Pending;
    s.next_at = None;
    st.insert(acct, s);
    Ok((200, json!({"Usertag": ""})))
}

// ---------- list & counts ----------

fn q<'a>(query: &'a [(String, String)], k: &str) -> Option<&'a str> {
    query
        .iter()
        .rev()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn q_i64(query: &[(String, String)], k: &str) -> Result<Option<i64>, Fail> {
    match q(query, k) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| Fail(4012, format!("`{k}` must be an integer."))),
    }
}

fn q_list(query: &[(String, String)], k: &str) -> Result<Option<Vec<String>>, Fail> {
    let Some(v) = q(query, k) else {
        return Ok(None);
    };
    let items: Vec<String> = v
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if items.len() > MAX_BATCH {
        return fail(4020, format!("`{k}` takes at most 40 values."));
    }
    Ok(Some(items))
}

fn created_range(min: Option<i64>, max: Option<i64>) -> (Bound<OrdKey>, Bound<OrdKey>) {
    (
        max.map_or(Bound::Unbounded, |m| Bound::Included((Reverse(m), 0))),
        min.map_or(Bound::Unbounded, |m| {
            Bound::Included((Reverse(m), u128::MAX))
        }),
    )
}

fn list(st: &mut State, acct: usize, query: &[(String, String)]) -> Out {
    let page = q_i64(query, "page")?.unwrap_or(1);
    let limit = q_i64(query, "limit")?.unwrap_or(100);
    if page < 1 {
        return fail(4012, "`page` must be 1 or more.");
    }
    if !(1..=2000).contains(&limit) {
        return fail(4012, "`limit` must be between 1 and 2000.");
    }
    let status = match q(query, "status") {
        None => None,
        Some(s) => Some(St::parse(s).ok_or_else(|| f(4033))?),
    };
    let c_min = q_i64(query, "created_at_min")?;
    let c_max = q_i64(query, "created_at_max")?;
    let u_min = q_i64(query, "update_time_min")?;
    let u_max = q_i64(query, "update_time_max")?;
    let o_min = q_i64(query, "order_created_time_min")?;
    let o_max = q_i64(query, "order_created_time_max")?;
    let numbers = q_list(query, "numbers")?;
    let orders = q_list(query, "orders")?;
    let archived = match q(query, "archived") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return fail(4012, "`archived` must be \"true\" or \"false\"."),
    };
    let a = &st.accounts[acct];
    let range = created_range(c_min, c_max);
    let in_range =
        |k: &OrdKey| c_min.is_none_or(|m| k.0 .0 >= m) && c_max.is_none_or(|m| k.0 .0 <= m);
    // Base candidates, already in list order.
    let base: Box<dyn Iterator<Item = OrdKey> + '_> = if numbers.is_some() || orders.is_some() {
        let mut ids: Vec<u128> = Vec::new();
        if let Some(ns) = &numbers {
            for n in ns {
                ids.extend(a.by_number.get(n.as_str()).into_iter().flatten());
            }
        } else if let Some(os) = &orders {
            for o in os {
                ids.extend(a.by_order.get(o.as_str()).into_iter().flatten());
            }
        }
        let mut keys: Vec<OrdKey> = ids
            .iter()
            .filter_map(|id| a.trackings.get(id))
            .map(|s| (Reverse(s.created), s.id))
            .collect();
        keys.sort();
        keys.dedup();
        Box::new(keys.into_iter().filter(move |k| in_range(k)))
    } else if let Some(s) = status {
        Box::new(a.by_status[s.idx()].range(range).copied())
    } else {
        Box::new(a.order.range(range).copied())
    };
    let needs_status = status.is_some() && (numbers.is_some() || orders.is_some());
    let extra = needs_status
        || u_min.is_some()
        || u_max.is_some()
        || o_min.is_some()
        || o_max.is_some()
        || archived.is_some()
        || orders.is_some() && numbers.is_some();
    let now = st.now;
    let offset = (page - 1).saturating_mul(limit) as usize;
    let mut total = 0usize;
    let mut items = Vec::new();
    let matches = |s: &Stored| -> bool {
        if needs_status && Some(s.status) != status {
            return false;
        }
        if let Some(ar) = archived {
            if s.archived != ar {
                return false;
            }
        }
        if o_min.is_some() || o_max.is_some() {
            let Some(t) = s.order_ts else { return false };
            if o_min.is_some_and(|m| t < m) || o_max.is_some_and(|m| t > m) {
                return false;
            }
        }
        if let (Some(os), Some(_)) = (&orders, &numbers) {
            if !s
                .order_id
                .as_deref()
                .is_some_and(|o| os.iter().any(|x| x == o))
            {
                return false;
            }
        }
        if u_min.is_some() || u_max.is_some() {
            let u = State::updated_at(s, &st.route_of(s), now);
            if u_min.is_some_and(|m| u < m) || u_max.is_some_and(|m| u > m) {
                return false;
            }
        }
        true
    };
    if extra {
        for k in base {
            let s = &a.trackings[&k.1];
            if !matches(s) {
                continue;
            }
            if total >= offset && items.len() < limit as usize {
                items.push(st.tracking_raw(s, now));
            }
            total += 1;
        }
    } else {
        let unranged = c_min.is_none() && c_max.is_none() && numbers.is_none() && orders.is_none();
        let mut it = base;
        if unranged {
            total = match status {
                Some(s) => a.by_status[s.idx()].len(),
                None => a.order.len(),
            };
            for k in it.by_ref().skip(offset).take(limit as usize) {
                items.push(st.tracking_raw(&a.trackings[&k.1], now));
            }
        } else {
            for (i, k) in it.enumerate() {
                if i >= offset && items.len() < limit as usize {
                    items.push(st.tracking_raw(&a.trackings[&k.1], now));
                }
                total += 1;
            }
        }
    }
    let out = PageOut {
        page,
        limit,
        total: total.to_string(),
        count: items.len(),
        items,
    };
    Ok((200, render::raw(&out).into()))
}

fn status_number(st: &mut State, acct: usize, query: &[(String, String)]) -> JsonOut {
    let c_min = q_i64(query, "created_at_min")?;
    let c_max = q_i64(query, "created_at_max")?;
    let o_min = q_i64(query, "order_created_time_min")?;
    let o_max = q_i64(query, "order_created_time_max")?;
    let a = &st.accounts[acct];
    let mut counts = [0usize; 8];
    if c_min.is_none() && c_max.is_none() && o_min.is_none() && o_max.is_none() {
        for (i, set) in a.by_status.iter().enumerate() {
            counts[i] = set.len();
        }
    } else {
        for k in a.order.range(created_range(c_min, c_max)) {
            let s = &a.trackings[&k.1];
            if o_min.is_some() || o_max.is_some() {
                let Some(t) = s.order_ts else { continue };
                if o_min.is_some_and(|m| t < m) || o_max.is_some_and(|m| t > m) {
                    continue;
                }
            }
            counts[s.status.idx()] += 1;
        }
    }
    let mut m = Map::new();
    for s in St::ALL {
        m.insert(s.as_str().into(), json!(counts[s.idx()]));
    }
    Ok((200, Value::Object(m)))
}

// ---------- account ----------

/// Credits as a JSON number (integer when whole).
pub(crate) fn credits_json(tenths: i64) -> Value {
    if tenths % 10 == 0 {
        json!(tenths / 10)
    } else {
        json!(tenths as f64 / 10.0)
    }
}

fn user_info(st: &State, acct: usize) -> Value {
    let a = &st.accounts[acct];
    json!({
        "email": format!("{}@tm-mock.invalid", a.label),
        "regtime": a.regtime.to_string(),
        "phone": format!("+1555{:07}", acct + 1),
        "money": 0,
        "track_number": credits_json(a.credits),
    })
}

// ---------- realtime ----------

fn realtime(st: &mut State, acct: usize, body: &[u8]) -> Out {
    let m = parse_object(body)?;
    let n = req_number(&m, "tracking_number")?;
    let carrier = req_carrier(&m, "carrier_code")?;
    for k in CREATE_STRINGS.iter().chain(&["order"]) {
        get_str(&m, k)?;
    }
    let now = st.now;
    let key = (carrier.code, Box::<str>::from(n.as_str()));
    let entry = st.accounts[acct].realtime.get(&key).copied();
    let at = match entry {
        Some(e) if now >= e.charged_at && now - e.charged_at < 7200 => e.charged_at,
        _ => {
            charge(st, acct, COST_REALTIME)?;
            let h =
                route::mix(st.seed ^ route::fnv(&[carrier.code.as_bytes(), n.as_bytes(), b"rt"]));
            let anchor = entry.map_or(now - 86_400 - (h % (8 * 86_400)) as i64, |e| e.anchor);
            st.accounts[acct].realtime.insert(
                key,
                RtEntry {
                    anchor,
                    charged_at: now,
                },
            );
            now
        }
    };
    let item = match lookup(st, acct, carrier, &n) {
        Some(id) => st.tracking_raw(&st.accounts[acct].trackings[&id], at),
        None => {
            let e = st.accounts[acct].realtime[&(carrier.code, Box::<str>::from(n.as_str()))];
            let h =
                route::mix(st.seed ^ route::fnv(&[carrier.code.as_bytes(), n.as_bytes(), b"id"]));
            let dest = get_str(&m, "destination_code")?;
            let s = Stored {
                id: (u128::from(h) << 64) | u128::from(route::mix(h)),
                carrier,
                number: n.as_str().into(),
                created: e.anchor,
                anchor: e.anchor,
                modified: e.anchor,
                route_dest: dest.clone(),
                order_create_time: get_str(&m, "order_create_time")?,
                order_ts: None,
                title: None,
                order_id: get_str(&m, "order")?,
                comment: None,
                customer_name: None,
                customer_email: None,
                customer_phone: None,
                logistics_channel: None,
                destination_code: dest,
                archived: false,
                track_update: true,
                frozen_at: None,
                manual: None,
                status: St::Pending,
                next_at: None,
            };
            st.tracking_raw(&s, at)
        }
    };
    Ok((200, render::raw(&RealtimeOut { items: [item] }).into()))
}

// ---------- remote / costtime / aircargo ----------

fn remote(st: &mut State, acct: usize, body: &[u8]) -> JsonOut {
    let items = parse_array(body)?;
    charge(st, acct, COST_REMOTE)?;
    let (mut far, mut other) = (Vec::new(), Vec::new());
    for v in &items {
        let m = v.as_object();
        let get = |k: &str| {
            m.and_then(|m| m.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let (country, postcode, company) = (get("country"), get("postcode"), get("company"));
        let company_opt = m.and_then(|m| m.get("company")).and_then(Value::as_str);
        let mut hit = false;
        if let (Some(c), false) = (
            catalog::country_by_code_or_name(&country),
            postcode.trim().is_empty(),
        ) {
            let pc = catalog::norm_postcode(&postcode);
            for (co, cc, prefix) in catalog::REMOTE {
                if *cc == c.code
                    && pc.starts_with(&catalog::norm_postcode(prefix))
                    && company_opt.is_none_or(|x| x.trim().is_empty() || x.eq_ignore_ascii_case(co))
                {
                    hit = true;
                    far.push(json!({
                        "far_express_company": co,
                        "two_code": c.code,
                        "far_country": c.name,
                        "far_city_postcode": postcode,
                    }));
                }
            }
        }
        if !hit {
            other.push(json!({"country": country, "postcode": postcode, "company": company}));
        }
    }
    Ok((
        200,
        json!({"submitted": items.len(), "remote": far, "other": other}),
    ))
}

fn cost_time(st: &mut State, acct: usize, body: &[u8]) -> JsonOut {
    let items = parse_array(body)?;
    let mut lanes = Vec::new();
    for v in &items {
        let Value::Object(m) = v else {
            return fail(4012, "Each item must be a JSON object.");
        };
        let c = req_carrier(m, "carrier_code")?;
        let o = get_str(m, "original")?
            .unwrap_or_default()
            .to_ascii_uppercase();
        let d = get_str(m, "destination")?
            .unwrap_or_default()
            .to_ascii_uppercase();
        lanes.push((c, o, d));
    }
    let now = st.now;
    let a = &st.accounts[acct];
    let mut out = Vec::new();
    for (c, o, d) in lanes {
        let (mut total, mut delivered, mut sum_days) = (0u64, 0u64, 0f64);
        let mut buckets = [0u64; 5];
        for s in a.trackings.values().filter(|s| std::ptr::eq(s.carrier, c)) {
            let r = st.route_of(s);
            if r.origin.code != o || r.dest.code != d {
                continue;
            }
            total += 1;
            let eff = State::eff(s, now);
            if let (Some(del), Some(first)) = (r.delivered_at(eff), r.events.first()) {
                delivered += 1;
                let days = (del - first.at.min(s.anchor)).max(0) as f64 / 86_400.0;
                sum_days += days;
                let b = match days {
                    x if x <= 7.0 => 0,
                    x if x <= 15.0 => 1,
                    x if x <= 30.0 => 2,
                    x if x <= 60.0 => 3,
                    _ => 4,
                };
                buckets[b] += 1;
            }
        }
        let share = |n: u64| {
            if total == 0 {
                0.0
            } else {
                (n as f64 * 1000.0 / total as f64).round() / 10.0
            }
        };
        let avg = if delivered == 0 {
            0.0
        } else {
            (sum_days * 10.0 / delivered as f64).round() / 10.0
        };
        out.push(json!({
            "carrier_code": c.code,
            "original": o,
            "destination": d,
            "total": total,
            "delivered": delivered,
            "range1": share(buckets[0]),
            "range2": share(buckets[1]),
            "range3": share(buckets[2]),
            "range4": share(buckets[3]),
            "range5": share(buckets[4]),
            "range6": share(total - delivered),
            "average": avg,
        }));
    }
    Ok((200, Value::Array(out)))
}

pub(crate) fn valid_awb(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 10 || !b[..3].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let rest = if b[3] == b' ' || b[3] == b'-' {
        &b[4..]
    } else {
        &b[3..]
    };
    (7..=8).contains(&rest.len()) && rest.iter().all(u8::is_ascii_digit)
}

fn air_cargo(st: &mut State, acct: usize, body: &[u8]) -> JsonOut {
    let m = parse_object(body)?;
    let awbs: Vec<String> = match m.get("track_number") {
        None | Some(Value::Null) => return Err(Fail(4013, "`track_number` is required.".into())),
        Some(Value::String(s)) => vec![s.trim().to_string()],
        Some(Value::Array(v)) if v.is_empty() => {
            return fail(4012, "`track_number` is an empty array.")
        }
        Some(Value::Array(v)) if v.len() > MAX_BATCH => return Err(f(4020)),
        Some(Value::Array(v)) => v
            .iter()
            .map(|x| {
                x.as_str()
                    .map(|s| s.trim().to_string())
                    .ok_or_else(|| Fail(4012, "`track_number` items must be strings.".into()))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return fail(
                4012,
                "`track_number` must be a string or an array of strings.",
            )
        }
    };
    if let Some(bad) = awbs.iter().find(|a| !valid_awb(a)) {
        return Err(Fail(
            4014,
            format!("Air waybill number {bad:?} is invalid (expected NNN-NNNNNNNN)."),
        ));
    }
    charge(st, acct, COST_AWB * awbs.len() as i64)?;
    let now = st.now;
    let out: Vec<Value> = awbs.iter().map(|a| awb_json(st.seed, a, now)).collect();
    Ok((200, Value::Array(out)))
}

fn awb_json(seed: u64, awb: &str, now: i64) -> Value {
    let digits: String = awb.chars().filter(char::is_ascii_digit).collect();
    let mut rng =
        fastrand::Rng::with_seed(route::mix(seed ^ route::fnv(&[digits.as_bytes(), b"awb"])));
    let prefix = &digits[..3];
    let origin = catalog::AIRLINES
        .iter()
        .find(|(p, _, _)| *p == prefix)
        .map_or("PVG", |a| a.2);
    let dest = loop {
        let d = catalog::AIRPORTS[rng.usize(..catalog::AIRPORTS.len())];
        if d != origin {
            break d;
        }
    };
    let via = catalog::AIRLINES[rng.usize(..catalog::AIRLINES.len())].2;
    let pieces = rng.i64(1..=40);
    let weight = (pieces as f64 * rng.f64() * 60.0 * 10.0 + 10.0).round() / 10.0;
    let start = now - 86_400 * rng.i64(1..=6) - rng.i64(0..86_400);
    let flight1 = format!("{}{}", &awb_code(prefix), rng.u32(100..999));
    let flight2 = format!("{}{}", &awb_code(prefix), rng.u32(100..999));
    let steps = [
        ("BKD", "Booked", origin, flight1.as_str(), 0),
        ("RCS", "Received from shipper", origin, "", 6),
        ("DEP", "Departed", origin, flight1.as_str(), 20),
        ("ARR", "Arrived", via, flight1.as_str(), 32),
        ("DEP", "Departed", via, flight2.as_str(), 44),
        ("ARR", "Arrived", dest, flight2.as_str(), 58),
        ("RCF", "Received from flight", dest, flight2.as_str(), 61),
        ("NFD", "Consignee notified", dest, "", 66),
        ("DLV", "Delivered", dest, "", 80),
    ];
    let fmt = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    let mut status_number = 0;
    let info: Vec<Value> = steps
        .iter()
        .enumerate()
        .map(|(i, (code, text, station, flight, h))| {
            let plan = start + h * 3600;
            let actual = plan + rng.i64(-1800..5400);
            let done = actual <= now;
            if done {
                status_number = i as i64 + 1;
            }
            json!({
                "plan_date": fmt(plan),
                "actual_date": if done { json!(fmt(actual)) } else { Value::Null },
                "event": format!("{code} - {text}"),
                "station": station,
                "flight_number": flight,
            })
        })
        .collect();
    json!({
        "track_number": awb,
        "weight": weight,
        "piece": pieces,
        "origin": origin,
        "destination": dest,
        "status_number": status_number,
        "track_info": info,
    })
}

fn awb_code(prefix: &str) -> &'static str {
    match prefix {
        "172" => "CV",
        "176" => "EK",
        "157" => "QR",
        "618" => "SQ",
        "160" => "CX",
        "020" => "LH",
        "001" => "AA",
        "235" => "TK",
        "784" => "CZ",
        "999" => "CA",
        "057" => "AF",
        "074" => "KL",
        "125" => "BA",
        "180" => "KE",
        "131" => "JL",
        _ => "XX",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awb_and_numbers() {
        assert!(valid_awb("172-28891936"));
        assert!(valid_awb("172 2889193"));
        assert!(valid_awb("17228891936"));
        assert!(!valid_awb("17-28891936"));
        assert!(!valid_awb("172-288919"));
        assert!(valid_number("RP893531375SG"));
        assert!(!valid_number("abc"));
        assert!(!valid_number("abc d12"));
        assert_eq!(order_ts("2017/8/27 16:51"), Some(1_503_852_660));
        assert_eq!(order_ts("1521314361"), Some(1_521_314_361));
    }

    #[test]
    fn routes_resolve() {
        use http::Method;
        let segs = |p: &str| {
            p.split('/')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect::<Vec<_>>()
        };
        assert_eq!(resolve(&Method::GET, &segs("trackings/get")), Ok(Ep::List));
        assert_eq!(resolve(&Method::POST, &segs("trackings/get")), Err(405));
        assert_eq!(resolve(&Method::GET, &segs("nope")), Err(404));
        assert_eq!(
            resolve(&Method::GET, &segs("trackings/ups/1Z1/en")),
            Ok(Ep::GetOne("ups".into(), "1Z1".into()))
        );
        assert_eq!(
            resolve(&Method::PUT, &segs("trackings/ups/1Z1/en")),
            Err(405)
        );
    }
}
