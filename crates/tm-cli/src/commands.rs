//! The single-call commands: one API call each, printed as table, JSON or CSV.

use tm_core::endpoints::carriers::{DetectCarrier, ListCarriers};
use tm_core::endpoints::trackings::{
    ChangeCarrier, CheckRemote, DeleteTracking, GetStatusCounts, GetTracking, GetTransitTimes,
    GetUserInfo, ListTrackings, RealtimeTracking, TrackAirCargo, UpdateTracking,
};
use tm_core::models::{
    ListFilter, NewTracking, RealtimeQuery, RemoteCheck, Status, StatusCountFilter, Tracking,
    TrackingUpdate, TransitTimeQuery,
};

use crate::cli::{CreateFields, Key, ListFilterArgs, TimeFilter, UpdateFields};
use crate::error::{CliError, CliResult};
use crate::input::parse_manual_status;
use crate::output::{
    counts_table, created_row, opt, tracking_table, Rendered, Table, CREATED_COLUMNS,
};
use tm_core::Client;

/// `tm carriers`.
pub(crate) async fn carriers(c: &Client, lang: Option<String>) -> CliResult<Rendered> {
    let mut ep = ListCarriers::new();
    if let Some(l) = lang {
        ep = ep.lang(l)?;
    }
    let list = c.execute(&ep).await?;
    let mut t = Table::new(&["code", "name", "type", "homepage", "phone"]);
    for k in &list {
        t.push(vec![
            k.code.clone(),
            k.name.clone(),
            opt(&k.type_),
            opt(&k.homepage),
            opt(&k.phone),
        ]);
    }
    Rendered::new(&list, t)
}

/// `tm detect`.
pub(crate) async fn detect(c: &Client, number: String) -> CliResult<Rendered> {
    let list = c.execute(&DetectCarrier::new(number)?).await?;
    let mut t = Table::new(&["code", "name"]);
    for k in &list {
        t.push(vec![k.code.clone(), k.name.clone()]);
    }
    Rendered::new(&list, t)
}

/// The create fields as a [`NewTracking`].
pub(crate) fn new_tracking(key: Key, f: CreateFields) -> NewTracking {
    NewTracking {
        tracking_number: key.tracking_number,
        carrier_code: key.carrier_code,
        destination_code: f.destination_code,
        title: f.title,
        logistics_channel: f.logistics_channel,
        customer_name: f.customer_name,
        customer_email: f.customer_email,
        customer_phone: f.customer_phone,
        order_id: f.order_id,
        order_create_time: f.order_create_time,
        tracking_ship_date: f.tracking_ship_date,
        tracking_postal_code: f.tracking_postal_code,
        tracking_account_number: f.tracking_account_number,
        tracking_destination_country: f.tracking_destination_country,
        special_number_destination: f.special_number_destination,
        lang: f.lang,
        auto_correct: f.auto_correct,
        comment: f.comment,
    }
}

/// `tm create`.
pub(crate) async fn create(c: &Client, key: Key, f: CreateFields) -> CliResult<Rendered> {
    // create_tracking settles an attempt whose answer was lost by reading the
    // tracking back, so a lost answer is not reported as "already exists".
    let created = c.create_tracking(new_tracking(key, f)).await?;
    if created.recovered {
        eprintln!(
            "tm: the first answer was lost; reading back shows this call created the tracking"
        );
    }
    let created = created.tracking;
    let mut t = Table::new(CREATED_COLUMNS);
    t.push(created_row(&created));
    Rendered::new(&created, t)
}

/// A tracking and its checkpoints as tables.
pub(crate) fn tracking_rendered(json: impl serde::Serialize, t: &Tracking) -> CliResult<Rendered> {
    let mut events = Table::new(&["date", "status", "substatus", "description", "details"])
        .titled("checkpoints (newest first)");
    for cp in t.checkpoints() {
        events.push(vec![
            opt(&cp.date),
            opt(&cp.checkpoint_status),
            opt(&cp.substatus),
            cp.status_description.clone(),
            cp.details.clone(),
        ]);
    }
    Ok(Rendered::new(json, tracking_table(std::slice::from_ref(t)))?.and(events))
}

/// `tm get`.
pub(crate) async fn get(c: &Client, key: Key, lang: Option<String>) -> CliResult<Rendered> {
    let mut ep = GetTracking::new(key.carrier_code, key.tracking_number)?;
    if let Some(l) = lang {
        ep = ep.lang(l)?;
    }
    let t = c.execute(&ep).await?;
    tracking_rendered(&t, &t)
}

/// The update flags as a [`TrackingUpdate`].
pub(crate) fn tracking_update(f: UpdateFields) -> CliResult<TrackingUpdate> {
    Ok(TrackingUpdate {
        title: f.title,
        logistics_channel: f.logistics_channel,
        customer_name: f.customer_name,
        customer_email: f.customer_email,
        customer_phone: f.customer_phone,
        order_id: f.order_id,
        destination_code: f.destination_code,
        archived: f.archived,
        status: f
            .status
            .as_deref()
            .map(parse_manual_status)
            .transpose()
            .map_err(CliError::Usage)?,
    })
}

/// `tm update`.
pub(crate) async fn update(c: &Client, key: Key, f: UpdateFields) -> CliResult<Rendered> {
    let update = tracking_update(f)?;
    let updated = c
        .execute(&UpdateTracking::new(
            key.carrier_code,
            key.tracking_number,
            update,
        )?)
        .await?;
    let mut t = Table::new(&[
        "carrier_code",
        "tracking_number",
        "status",
        "updated_at",
        "title",
        "archived",
    ]);
    t.push(vec![
        updated.carrier_code.clone(),
        updated.tracking_number.clone(),
        updated.status.to_string(),
        opt(&updated.updated_at),
        opt(&updated.title),
        opt(&updated.archived),
    ]);
    Rendered::new(&updated, t)
}

/// `tm delete`.
pub(crate) async fn delete(c: &Client, key: Key) -> CliResult<Rendered> {
    let data = c
        .execute(&DeleteTracking::new(
            key.carrier_code.clone(),
            key.tracking_number.clone(),
        )?)
        .await?;
    let mut t = Table::new(&["carrier_code", "tracking_number", "result"]);
    t.push(vec![
        key.carrier_code,
        key.tracking_number,
        "deleted".into(),
    ]);
    Rendered::new(data, t)
}

/// The list flags as a [`ListFilter`].
pub(crate) fn list_filter(f: ListFilterArgs) -> ListFilter {
    ListFilter {
        status: f.status.as_deref().map(Status::parse),
        created_at_min: f.time.created_at_min,
        created_at_max: f.time.created_at_max,
        update_time_min: f.update_time_min,
        update_time_max: f.update_time_max,
        order_created_time_min: f.time.order_created_time_min,
        order_created_time_max: f.time.order_created_time_max,
        numbers: f.numbers,
        orders: f.orders,
        archived: f.archived,
        lang: f.lang,
    }
}

/// `tm list`.
pub(crate) async fn list(
    c: &Client,
    page: u32,
    limit: u32,
    filter: ListFilterArgs,
) -> CliResult<Rendered> {
    let ep = ListTrackings::with(page, limit, list_filter(filter))?;
    let p = c.execute(&ep).await?;
    let pages = p.total.div_ceil(p.limit.max(1)).max(1);
    let t = tracking_table(&p.items).titled(format!(
        "page {} of {pages}, {} of {} trackings",
        p.page,
        p.items.len(),
        p.total
    ));
    Rendered::new(&p, t)
}

/// `tm realtime`.
pub(crate) async fn realtime(c: &Client, q: RealtimeQuery) -> CliResult<Rendered> {
    let r = c.execute(&RealtimeTracking::new(q)?).await?;
    match r.items.first() {
        Some(t) => tracking_rendered(&r, t),
        None => Rendered::new(&r, tracking_table(&[])),
    }
}

/// `tm change-carrier`.
pub(crate) async fn change_carrier(c: &Client, key: Key, new_code: String) -> CliResult<Rendered> {
    let r = c
        .execute(&ChangeCarrier::new(
            key.carrier_code.clone(),
            key.tracking_number.clone(),
            new_code.clone(),
        )?)
        .await?;
    let mut t = Table::new(&[
        "tracking_number",
        "carrier_code",
        "update_carrier_code",
        "result",
    ]);
    t.push(vec![
        key.tracking_number,
        key.carrier_code,
        new_code,
        "changed".into(),
    ]);
    Rendered::new(&r, t)
}

/// `tm user-info`.
pub(crate) async fn user_info(c: &Client) -> CliResult<Rendered> {
    let u = c.execute(&GetUserInfo::new()).await?;
    let mut t = Table::new(&["email", "regtime", "phone", "money", "track_number"]);
    t.push(vec![
        u.email.clone(),
        opt(&u.regtime),
        opt(&u.phone),
        u.money.to_string(),
        u.track_number.to_string(),
    ]);
    Rendered::new(&u, t)
}

/// The time flags as a [`StatusCountFilter`].
pub(crate) fn count_filter(f: TimeFilter) -> StatusCountFilter {
    StatusCountFilter {
        created_at_min: f.created_at_min,
        created_at_max: f.created_at_max,
        order_created_time_min: f.order_created_time_min,
        order_created_time_max: f.order_created_time_max,
    }
}

/// `tm status-counts`.
pub(crate) async fn status_counts(c: &Client, f: TimeFilter) -> CliResult<Rendered> {
    let counts = c
        .execute(&GetStatusCounts::with_filter(count_filter(f)))
        .await?;
    Rendered::new(&counts, counts_table(&counts))
}

/// `tm remote`.
pub(crate) async fn remote(
    c: &Client,
    country: String,
    postcode: String,
    company: Option<String>,
) -> CliResult<Rendered> {
    let check = RemoteCheck {
        country,
        postcode,
        company,
    };
    let r = c.execute(&CheckRemote::new(vec![check])?).await?;
    let mut t = Table::new(&["remote", "company", "country", "postcode"]);
    for a in &r.remote {
        t.push(vec![
            "yes".into(),
            a.far_express_company.clone(),
            format!("{} ({})", a.far_country, a.two_code),
            a.far_city_postcode.clone(),
        ]);
    }
    for o in &r.other {
        t.push(vec![
            "no".into(),
            opt(&o.company),
            o.country.clone(),
            o.postcode.clone(),
        ]);
    }
    Rendered::new(&r, t)
}

/// `tm transit-time`.
pub(crate) async fn transit_time(
    c: &Client,
    carrier: String,
    original: String,
    destination: String,
) -> CliResult<Rendered> {
    let q = TransitTimeQuery::new(carrier, original, destination);
    let list = c.execute(&GetTransitTimes::new(vec![q])?).await?;
    let mut t = Table::new(&[
        "carrier_code",
        "original",
        "destination",
        "total",
        "delivered",
        "0-7d%",
        "8-15d%",
        "16-30d%",
        "31-60d%",
        ">60d%",
        "undelivered%",
        "average_days",
    ]);
    for x in &list {
        t.push(vec![
            x.carrier_code.clone(),
            x.original.clone(),
            x.destination.clone(),
            x.total.to_string(),
            x.delivered.to_string(),
            x.range1.to_string(),
            x.range2.to_string(),
            x.range3.to_string(),
            x.range4.to_string(),
            x.range5.to_string(),
            x.range6.to_string(),
            x.average.to_string(),
        ]);
    }
    Rendered::new(&list, t)
}

/// `tm air-cargo`.
pub(crate) async fn air_cargo(
    c: &Client,
    numbers: Vec<String>,
    lang: Option<String>,
) -> CliResult<Rendered> {
    let mut ep = TrackAirCargo::new(numbers)?;
    if let Some(l) = lang {
        ep = ep.lang(l)?;
    }
    let list = c.execute(&ep).await?;
    let mut t = Table::new(&[
        "track_number",
        "origin",
        "destination",
        "piece",
        "weight",
        "status_number",
        "events",
    ]);
    let mut ev = Table::new(&[
        "track_number",
        "plan_date",
        "actual_date",
        "station",
        "flight_number",
        "event",
    ])
    .titled("events");
    for a in &list {
        t.push(vec![
            a.track_number.clone(),
            opt(&a.origin),
            opt(&a.destination),
            opt(&a.piece),
            opt(&a.weight),
            opt(&a.status_number),
            a.track_info.len().to_string(),
        ]);
        for e in &a.track_info {
            ev.push(vec![
                a.track_number.clone(),
                opt(&e.plan_date),
                opt(&e.actual_date),
                opt(&e.station),
                opt(&e.flight_number),
                e.event.clone(),
            ]);
        }
    }
    Ok(Rendered::new(&list, t)?.and(ev))
}
