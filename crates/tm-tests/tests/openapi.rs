//! The OpenAPI description of v2 (`crates/tm-mock/openapi/v2.json`) against the code and the
//! public fixtures: (a) it has exactly the operations of tm-core's endpoint types, (b) every
//! response fixture validates against its schema. (c), every simulator response of the
//! conformance suite, is checked in `conformance.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use tm_core::endpoints::carriers::{DetectCarrier, ListCarriers};
use tm_core::endpoints::trackings::{
    BatchCreateTrackings, BatchDeleteTrackings, BatchUpdateTrackings, ChangeCarrier, CheckRemote,
    CreateTracking, DeleteTracking, GetStatusCounts, GetTracking, GetTransitTimes, GetUserInfo,
    ListTrackings, RealtimeTracking, StopUpdating, TrackAirCargo, UpdateTracking,
};
use tm_core::models::{
    NewTracking, RealtimeQuery, RemoteCheck, TrackingRef, TrackingUpdate, TransitTimeQuery,
};
use tm_core::Endpoint;
use tm_tests::openapi::Description;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Names of the types that `impl Endpoint for …` under tm-core/src/endpoints.
fn endpoint_types_in_source() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("endpoints dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                for line in text.lines() {
                    if let Some(rest) = line.trim().strip_prefix("impl Endpoint for ") {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        out.insert(name);
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&workspace().join("crates/tm-core/src/endpoints"), &mut out);
    out
}

/// (type name, method, path) of one value of each endpoint type (two for `GetTracking`:
/// with and without a language).
fn endpoint_requests() -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    macro_rules! ep {
        ($t:ident, $e:expr) => {{
            let e: $t = $e;
            out.push((
                stringify!($t),
                e.method().as_str().to_owned(),
                e.path().into_owned(),
            ));
        }};
    }
    let key = || vec![TrackingRef::new("ups", "1Z97X17XYW06605211")];
    ep!(ListCarriers, ListCarriers::new());
    ep!(
        DetectCarrier,
        DetectCarrier::new("1Z97X17XYW06605211").unwrap()
    );
    ep!(
        CreateTracking,
        CreateTracking::new(NewTracking::new("ups", "1Z97X17XYW06605211")).unwrap()
    );
    ep!(
        BatchCreateTrackings,
        BatchCreateTrackings::new(vec![NewTracking::new("ups", "1Z97X17XYW06605211")]).unwrap()
    );
    ep!(
        GetTracking,
        GetTracking::new("ups", "1Z97X17XYW06605211").unwrap()
    );
    ep!(
        GetTracking,
        GetTracking::new("ups", "1Z97X17XYW06605211")
            .unwrap()
            .lang("en")
            .unwrap()
    );
    ep!(
        UpdateTracking,
        UpdateTracking::new("ups", "1Z97X17XYW06605211", TrackingUpdate::default()).unwrap()
    );
    ep!(
        DeleteTracking,
        DeleteTracking::new("ups", "1Z97X17XYW06605211").unwrap()
    );
    ep!(ListTrackings, ListTrackings::new());
    ep!(
        BatchUpdateTrackings,
        BatchUpdateTrackings::new(vec![(key()[0].clone(), TrackingUpdate::default())]).unwrap()
    );
    ep!(
        BatchDeleteTrackings,
        BatchDeleteTrackings::new(key()).unwrap()
    );
    ep!(
        RealtimeTracking,
        RealtimeTracking::new(RealtimeQuery::new("ups", "1Z97X17XYW06605211")).unwrap()
    );
    ep!(
        ChangeCarrier,
        ChangeCarrier::new("ups", "1Z97X17XYW06605211", "fedex").unwrap()
    );
    ep!(GetUserInfo, GetUserInfo::new());
    ep!(GetStatusCounts, GetStatusCounts::new());
    ep!(StopUpdating, StopUpdating::new(key()).unwrap());
    ep!(
        CheckRemote,
        CheckRemote::new(vec![RemoteCheck::new("JP", "7621094")]).unwrap()
    );
    ep!(
        GetTransitTimes,
        GetTransitTimes::new(vec![TransitTimeQuery::new("ups", "US", "DE")]).unwrap()
    );
    ep!(TrackAirCargo, TrackAirCargo::new(["172-12345678"]).unwrap());
    out
}

#[test]
fn description_has_exactly_the_operations_of_tm_core_endpoint_types() {
    let d = Description::load();
    assert_eq!(d.doc()["openapi"], "3.1.0");

    let in_source = endpoint_types_in_source();
    assert_eq!(in_source.len(), 18, "{in_source:?}");
    let requests = endpoint_requests();
    let covered: BTreeSet<String> = requests.iter().map(|(t, ..)| (*t).to_owned()).collect();
    assert_eq!(covered, in_source, "every endpoint type has a request here");

    let mut reached = BTreeSet::new();
    for (ty, method, path) in &requests {
        let method = http::Method::from_bytes(method.as_bytes()).unwrap();
        let template = d
            .template_of(&method, path)
            .unwrap_or_else(|| panic!("{ty}: {method} {path} is not in the description"));
        reached.insert((method.as_str().to_ascii_lowercase(), template));
    }
    // Nothing else: every operation is an endpoint type's, or a documented alias of one
    // (list and count by POST, CONTRACT.md §1).
    for (method, template) in d.operations() {
        if reached.contains(&(method.clone(), template.clone())) {
            continue;
        }
        let alias = d.operation(&method, &template)["x-tm-alias-of"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {template} is no tm-core endpoint's"));
        let (m, p) = alias.split_once(' ').expect("`METHOD /path`");
        assert!(
            reached.contains(&(m.to_ascii_lowercase(), p.to_owned())),
            "{method} {template} aliases {alias}, which no endpoint type reaches"
        );
    }
    assert_eq!(reached.len(), 19, "{reached:?}");
}

/// Which schema each public response fixture must satisfy (JSON pointer into the document).
fn fixture_schemas() -> BTreeMap<&'static str, String> {
    let resp = |path: &str, method: &str| {
        format!(
            "/paths/{}/{method}/responses/200/content/application~1json/schema",
            path.replace('~', "~0").replace('/', "~1")
        )
    };
    let item = "/trackings/{carrier_code}/{tracking_number}";
    BTreeMap::from([
        ("carriers_detect_200.json", resp("/carriers/detect", "post")),
        ("delete_single_200.json", resp(item, "delete")),
        (
            "observed_batch_201_partial_4016.json",
            resp("/trackings/batch", "post"),
        ),
        ("observed_list_200.json", resp("/trackings/get", "get")),
        (
            "seed_batch_200_all_added.json",
            resp("/trackings/batch", "post"),
        ),
        (
            "seed_batch_201_all_exist.json",
            resp("/trackings/batch", "post"),
        ),
        ("update_carrier_200.json", resp("/trackings/update", "post")),
        // `data` only, as a third-party client saved it.
        (
            "thirdparty_marcoesposito_create_data.json",
            "/components/schemas/CreatedTracking".to_owned(),
        ),
        (
            "thirdparty_marcoesposito_create_minimal_data.json",
            "/components/schemas/CreatedTracking".to_owned(),
        ),
        (
            "observed_trackinfo_with_substatus_2022.json",
            "/components/schemas/CarrierInfo/properties/trackinfo".to_owned(),
        ),
    ])
}

#[test]
fn every_response_fixture_validates_against_its_schema() {
    let d = Description::load();
    let dir = workspace().join("crates/tm-core/tests/fixtures");
    let map = fixture_schemas();
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures") {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        // Requests, and the fixtures that are cut off or not JSON (their names say so).
        if !name.ends_with(".json") || name.contains("request") {
            continue;
        }
        let pointer = map
            .get(name.as_str())
            .unwrap_or_else(|| panic!("response fixture {name} has no schema here"));
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        d.validate_at(pointer, &value)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        checked += 1;
    }
    assert_eq!(checked, map.len());
}

#[test]
fn schemas_reject_what_the_contract_excludes() {
    let d = Description::load();
    let post = "/paths/~1trackings~1post/post/responses/200/content/application~1json/schema";
    // A failure code the call cannot answer, and an error with data.
    let odd = serde_json::json!({"meta": {"code": 4031, "type": "x", "message": "x"}, "data": []});
    assert!(d.validate_at(post, &odd).is_err());
    let with_data =
        serde_json::json!({"meta": {"code": 4016, "type": "x", "message": "x"}, "data": [1]});
    assert!(d.validate_at(post, &with_data).is_err());
    let ok = serde_json::json!({"meta": {"code": 4016, "type": "Bad Request", "message": "Tracking already exists."}, "data": []});
    d.validate_at(post, &ok).unwrap();
    let no_meta = serde_json::json!({"data": []});
    assert!(d.validate_at(post, &no_meta).is_err());
}
