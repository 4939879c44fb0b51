//! The full public carrier list over HTTP: `GET /carriers`, creating with the codes real
//! integrations use, and detection of the common formats (tm-http ↔ `tm-mock serve`).

use tm_core::endpoints::carriers::{DetectCarrier, ListCarriers};
use tm_core::endpoints::trackings::{CreateTracking, GetTracking};
use tm_core::models::NewTracking;
use tm_core::Client;
use tm_http::HttpTransport;
use tm_mock::{serve, SimConfig, Simulator};

#[tokio::test]
async fn full_carrier_list_over_http() {
    let sim = Simulator::new(SimConfig {
        keys: Some(vec!["k1".into()]),
        ..SimConfig::default()
    });
    let server = serve(sim, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let http = HttpTransport::builder("k1")
        .base_url(server.url())
        .build()
        .unwrap();
    let client = Client::new(http);

    let list = client.execute(&ListCarriers::new()).await.unwrap();
    assert!(list.len() > 1000, "{} carriers", list.len());
    for code in ["dhl-germany", "yodel", "evri", "dpd-uk", "dhl-austria"] {
        let c = list.iter().find(|c| c.code == code).expect(code);
        assert!(matches!(c.type_.as_deref(), Some("express" | "globalpost")));
    }
    let germany = list.iter().find(|c| c.code == "dhl-germany").unwrap();
    assert_eq!(germany.type_.as_deref(), Some("globalpost"));
    assert_eq!(germany.homepage.as_deref(), Some("//www.dhl.de/"));

    // Accepted by create and answered by GET-one (never 4015).
    for (code, number) in [
        ("dhl-germany", "00340434161234567890"),
        ("yodel", "JD0002123456789012"),
        ("evri", "H01HYA0012345678"),
        ("dpd-uk", "15501234567890"),
        ("dhl-austria", "1234567890AT"),
    ] {
        let created = client
            .execute(&CreateTracking::new(NewTracking::new(code, number)).unwrap())
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(created.carrier_code, code);
        let got = client
            .execute(&GetTracking::new(code, number).unwrap())
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(got.tracking_number, number);
    }
    // A carrier the public list gives no homepage or phone for: `null`, not `"http:"`.
    let raw = client
        .execute_raw(&GetTracking::new("evri", "H01HYA0012345678").unwrap())
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
    let info = &v["data"]["origin_info"];
    assert_eq!(
        (&info["weblink"], &info["phone"]),
        (&serde_json::Value::Null, &serde_json::Value::Null),
        "{info}"
    );
    assert_eq!(info["carrier_code"], "evri");

    let d = client
        .execute(&DetectCarrier::new("JD0002123456789012").unwrap())
        .await
        .unwrap();
    assert_eq!(d[0].code, "yodel");
    let d = client
        .execute(&DetectCarrier::new("00340434161234567890").unwrap())
        .await
        .unwrap();
    assert_eq!(d[0].code, "dhl-germany");
    server.shutdown().await;
}
