#![allow(missing_docs)]
//! Error mapping through `Client::execute` over `RecordingTransport`: meta code
//! first, then HTTP status; broken bodies are decode errors that keep the body;
//! transport failures pass through.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, StatusCode};
use serde_json::json;
use tm_core::endpoints::carriers::DetectCarrier;
use tm_core::endpoints::trackings::{BatchCreateTrackings, GetTracking, ListTrackings};
use tm_core::models::NewTracking;
use tm_core::test_util::RecordingTransport;
use tm_core::transport::API_KEY_HEADER;
use tm_core::{
    ApiError, ApiErrorKind, ApiKey, Client, Error, RetryPolicy, TransportError, TransportErrorKind,
    WireResponse,
};

const SECRET: &str = "sk_live_9f8e7d6c5b4a";

fn reply(status: u16, body: &str, headers: &[(&str, &str)]) -> WireResponse {
    let mut r = WireResponse::new(
        StatusCode::from_u16(status).unwrap(),
        Bytes::copy_from_slice(body.as_bytes()),
    );
    for (k, v) in headers {
        r.headers.insert(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    // A key echoed back by a misbehaving gateway must never surface in errors.
    r.headers
        .insert(API_KEY_HEADER, HeaderValue::from_static(SECRET));
    r
}

fn envelope(code: i64, type_: &str, message: &str) -> String {
    json!({"meta": {"code": code, "type": type_, "message": message}, "data": []}).to_string()
}

/// A client that sends each call once (no retries, no client-side rate
/// limits), so every reply below maps to exactly one outcome.
fn client(transport: &RecordingTransport) -> Client {
    Client::builder(transport.clone())
        .retry(RetryPolicy::none())
        .rate_limits(None)
        .build()
}

fn get() -> GetTracking {
    GetTracking::new("usps", "9400111899223197428490").unwrap()
}

/// Runs `GetTracking` against one reply; returns the error.
async fn fail_with(r: WireResponse) -> Error {
    let transport = RecordingTransport::new();
    transport.push(Ok(r));
    let client = client(&transport);
    let err = client
        .execute(&get())
        .await
        .expect_err("the reply is an error");
    assert_eq!(transport.requests().len(), 1);
    assert_no_secret(&err);
    err
}

fn assert_no_secret(err: &Error) {
    let debug = format!("{err:?}");
    let display = err.to_string();
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(!display.contains(SECRET), "{display}");
}

fn api(err: &Error) -> &ApiError {
    err.as_api()
        .unwrap_or_else(|| panic!("not an API error: {err:?}"))
}

struct Case {
    code: i64,
    http: u16,
    type_: &'static str,
    message: &'static str,
    kind: ApiErrorKind,
    retry_after: Option<&'static str>,
}

const fn case(
    code: i64,
    http: u16,
    type_: &'static str,
    message: &'static str,
    kind: ApiErrorKind,
) -> Case {
    Case {
        code,
        http,
        type_,
        message,
        kind,
        retry_after: None,
    }
}

#[tokio::test]
async fn every_meta_code_maps_to_its_kind() {
    use ApiErrorKind::*;
    let cases = [
        case(
            4001,
            200,
            "Unauthorized",
            "Invalid API key.",
            Authentication,
        ),
        case(
            4002,
            200,
            "Unauthorized",
            "API key has been deleted.",
            Authentication,
        ),
        case(
            401,
            401,
            "Unauthorized",
            "Authentication failed.",
            Authentication,
        ),
        case(
            4017,
            200,
            "Bad Request",
            "Tracking does not exist.",
            NotFound,
        ),
        case(
            4031,
            200,
            "No Content",
            "Create it first, then get it.",
            NotFound,
        ),
        case(
            4016,
            200,
            "Bad Request",
            "Tracking already exists.",
            AlreadyExists,
        ),
        case(
            4012,
            200,
            "Bad Request",
            "The request was not understood.",
            InvalidRequest,
        ),
        case(
            4013,
            200,
            "Bad Request",
            "tracking_number is required.",
            InvalidRequest,
        ),
        case(
            4014,
            200,
            "Bad Request",
            "tracking_number is invalid.",
            InvalidRequest,
        ),
        case(
            4015,
            200,
            "Bad Request",
            "carrier_code is invalid.",
            InvalidRequest,
        ),
        case(
            4033,
            200,
            "No Content",
            "The value of status is invalid.",
            InvalidRequest,
        ),
        case(
            4020,
            200,
            "Bad Request",
            "Up to 40 at a time.",
            BatchTooLarge,
        ),
        case(
            4019,
            200,
            "Bad Request",
            "Balance is insufficient.",
            QuotaExceeded,
        ),
        case(
            4021,
            200,
            "Bad Request",
            "Remaining quota is insufficient.",
            QuotaExceeded,
        ),
        case(
            4018,
            200,
            "Bad Request",
            "Needs custom activation.",
            NeedsActivation,
        ),
        case(
            4032,
            200,
            "No Content",
            "Cannot detect courier.",
            CarrierNotDetected,
        ),
        Case {
            retry_after: Some("3"),
            ..case(
                429,
                429,
                "Too Many Requests",
                "Too Many Requests",
                RateLimited,
            )
        },
        case(500, 500, "Server error", "Internal error.", Server),
        Case {
            retry_after: Some("17"),
            ..case(503, 503, "Service Unavailable", "Maintenance.", Server)
        },
        case(4999, 200, "Bad Request", "Something new.", Other),
    ];
    for c in &cases {
        let headers: Vec<(&str, &str)> =
            c.retry_after.iter().map(|v| ("retry-after", *v)).collect();
        let body = envelope(c.code, c.type_, c.message);
        let err = fail_with(reply(c.http, &body, &headers)).await;
        let e = api(&err);
        assert_eq!(e.kind, c.kind, "code {}", c.code);
        assert_eq!(e.code, c.code);
        assert_eq!(e.type_, c.type_);
        assert_eq!(e.message, c.message);
        assert_eq!(e.http_status, c.http);
        assert_eq!(e.body, Bytes::from(body.clone()));
        assert_eq!(err.api_kind(), Some(c.kind));
        assert_eq!(err.code(), Some(c.code));
        let expected_retry = c
            .retry_after
            .map(|s| Duration::from_secs(s.parse().unwrap()));
        assert_eq!(e.retry_after, expected_retry, "code {}", c.code);
        assert_eq!(err.retry_after(), expected_retry);
        assert!(!err.is_timeout());
        let shown = err.to_string();
        assert!(shown.contains(&c.code.to_string()), "{shown}");
        assert!(shown.contains(c.message), "{shown}");
        assert!(shown.contains(c.kind.as_str()), "{shown}");
    }
}

#[tokio::test]
async fn the_rate_limit_answer_waits_three_seconds() {
    let err = fail_with(reply(
        429,
        &envelope(429, "Too Many Requests", "Too Many Requests"),
        &[("retry-after", "3")],
    ))
    .await;
    assert_eq!(err.api_kind(), Some(ApiErrorKind::RateLimited));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
}

#[tokio::test]
async fn meta_code_wins_over_the_http_status() {
    // A 4xxx meta behind a gateway 500 is still the 4xxx.
    let err = fail_with(reply(
        500,
        &envelope(4016, "Bad Request", "Tracking already exists."),
        &[],
    ))
    .await;
    let e = api(&err);
    assert_eq!(
        (e.kind, e.code, e.http_status),
        (ApiErrorKind::AlreadyExists, 4016, 500)
    );

    // A success meta behind a failing status: the gateway's status is trusted.
    let err = fail_with(reply(
        503,
        &envelope(200, "Success", "Success"),
        &[("retry-after", "5")],
    ))
    .await;
    let e = api(&err);
    assert_eq!(
        (e.kind, e.code, e.http_status),
        (ApiErrorKind::Server, 503, 503)
    );
    assert_eq!(e.type_, "Service Unavailable");
    assert_eq!(e.retry_after, Some(Duration::from_secs(5)));
}

#[tokio::test]
async fn the_meta_code_may_be_a_string() {
    let body = r#"{"meta":{"code":"4031","type":"No Content","message":"empty"},"data":[]}"#;
    let err = fail_with(reply(200, body, &[])).await;
    assert_eq!(err.api_kind(), Some(ApiErrorKind::NotFound));
    assert_eq!(err.code(), Some(4031));
}

#[tokio::test]
async fn an_html_502_page_is_a_server_error() {
    let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>";
    let err = fail_with(reply(502, html, &[("content-type", "text/html")])).await;
    let e = api(&err);
    assert_eq!(e.kind, ApiErrorKind::Server);
    assert_eq!(e.code, 502);
    assert_eq!(e.http_status, 502);
    assert_eq!(e.type_, "Bad Gateway");
    assert!(e.message.contains("502 Bad Gateway"), "{}", e.message);
    assert!(!e.message.contains('\r') && !e.message.contains('\n'));
    assert_eq!(e.body, Bytes::from(html));
    assert_eq!(e.retry_after, None);

    // Other statuses without an envelope.
    for (status, kind) in [
        (404, ApiErrorKind::NotFound),
        (401, ApiErrorKind::Authentication),
        (403, ApiErrorKind::Authentication),
        (400, ApiErrorKind::InvalidRequest),
        (504, ApiErrorKind::Server),
        (429, ApiErrorKind::RateLimited),
    ] {
        let err = fail_with(reply(status, "", &[])).await;
        let e = api(&err);
        assert_eq!(
            (e.kind, e.code, e.http_status),
            (kind, i64::from(status), status)
        );
        assert!(e.message.contains("empty body"), "{}", e.message);
    }
}

#[tokio::test]
async fn an_empty_200_is_a_decode_error_that_keeps_the_body() {
    let err = fail_with(reply(200, "", &[])).await;
    match &err {
        Error::Decode(d) => {
            assert_eq!(d.status, StatusCode::OK);
            assert!(d.body.is_empty());
            assert!(d.message.contains("empty body"), "{}", d.message);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.as_api().is_none());
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let body = r#"{"meta":{"code":200,"type":"Success","message":"Success"},"data":{"id":"a54316"#;
    match fail_with(reply(200, body, &[])).await {
        Error::Decode(d) => {
            assert_eq!(d.body, Bytes::from(body));
            assert!(d.message.contains("not valid JSON"), "{}", d.message);
            assert!(format!("{d:?}").contains("a54316"), "Debug shows the body");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn json_without_an_envelope_is_a_decode_error() {
    for body in [r#"{"data":{"id":"x"}}"#, "[]", "\"ok\""] {
        match fail_with(reply(200, body, &[])).await {
            Error::Decode(d) => {
                assert_eq!(d.body, Bytes::from(body));
                assert!(
                    d.message.contains("meta") || d.message.contains("envelope"),
                    "{}",
                    d.message
                );
            }
            other => panic!("{body}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn data_of_the_wrong_shape_is_a_decode_error() {
    // GET single expects a tracking object; these are not one.
    for data in [
        "[]",
        "\"x\"",
        "{\"id\":5}",
        "null",
        "{\"tracking_number\":[1]}",
    ] {
        let body = format!(
            r#"{{"meta":{{"code":200,"type":"Success","message":"Success"}},"data":{data}}}"#
        );
        match fail_with(reply(200, &body, &[])).await {
            Error::Decode(d) => {
                assert_eq!(d.status, StatusCode::OK);
                assert_eq!(d.body, Bytes::from(body.clone()));
                assert!(d.message.contains("`data`"), "{}", d.message);
                let shown = Error::Decode(d.clone()).to_string();
                assert!(shown.contains("HTTP 200"), "{shown}");
            }
            other => panic!("{data}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn transport_errors_pass_through() {
    for te in [
        TransportError::timeout(Duration::from_secs(30)),
        TransportError::new(TransportErrorKind::Connect, "connection refused"),
        TransportError::new(TransportErrorKind::Io, "connection reset"),
    ] {
        let transport = RecordingTransport::new();
        transport.push(Err(te.clone()));
        let client = client(&transport);
        let err = client.execute(&get()).await.unwrap_err();
        match &err {
            Error::Transport(got) => assert_eq!(got, &te),
            other => panic!("{other:?}"),
        }
        assert_eq!(err.is_timeout(), te.kind == TransportErrorKind::Timeout);
        assert!(err.as_api().is_none());
        assert!(err.to_string().contains(&te.message));
        // execute_raw fails the same way: there is no response.
        transport.push(Err(te.clone()));
        assert!(matches!(
            client.execute_raw(&get()).await,
            Err(Error::Transport(_))
        ));
        assert_eq!(transport.requests().len(), 2);
    }
}

#[tokio::test]
async fn execute_raw_returns_any_response_as_is() {
    let transport = RecordingTransport::new();
    let client = client(&transport);
    let rows = [
        (200, envelope(200, "Success", "Success")),
        (200, envelope(4031, "No Content", "empty")),
        (502, "<html>bad gateway</html>".to_owned()),
        (200, String::new()),
        (429, envelope(429, "Too Many Requests", "slow down")),
    ];
    for (status, body) in &rows {
        transport.push(Ok(reply(
            *status,
            body,
            &[("retry-after", "3"), ("x-request-id", "r1")],
        )));
        let raw = client.execute_raw(&get()).await.unwrap();
        assert_eq!(raw.status.as_u16(), *status);
        assert_eq!(raw.body, Bytes::from(body.clone()));
        assert_eq!(raw.headers["retry-after"], "3");
        assert_eq!(raw.headers["x-request-id"], "r1");
    }
    assert_eq!(transport.requests().len(), rows.len());
}

#[tokio::test]
async fn errors_come_through_every_endpoint_alike() {
    let transport = RecordingTransport::new();
    let client = client(&transport);
    transport.push(Ok(reply(
        200,
        &envelope(4020, "Bad Request", "Up to 40."),
        &[],
    )));
    let batch = BatchCreateTrackings::new(vec![NewTracking::new("usps", "9400111899223197428490")])
        .unwrap();
    let err = client.execute(&batch).await.unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::BatchTooLarge));

    transport.push(Ok(reply(
        200,
        &envelope(4032, "No Content", "Cannot detect courier."),
        &[],
    )));
    let err = client
        .execute(&DetectCarrier::new("ZZZZZZZZZZ").unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::CarrierNotDetected));

    transport.push(Ok(reply(
        200,
        &envelope(4033, "No Content", "bad status"),
        &[],
    )));
    let err = client.execute(&ListTrackings::new()).await.unwrap_err();
    assert_eq!(err.code(), Some(4033));
    assert_eq!(transport.requests().len(), 3);
}

#[tokio::test]
async fn success_codes_are_not_errors() {
    let transport = RecordingTransport::new();
    let client = client(&transport);
    for code in [200, 201] {
        transport.push_json(
            200,
            &json!({"meta": {"code": code, "type": "Created", "message": "m"},
                    "data": {"submitted": 1, "added": 1, "trackings": [], "errors": []}})
            .to_string(),
        );
        let batch =
            BatchCreateTrackings::new(vec![NewTracking::new("usps", "9400111899223197428490")])
                .unwrap();
        let b = client.execute(&batch).await.unwrap();
        assert_eq!(b.added, 1);
    }
}

#[test]
fn the_api_key_is_never_printed() {
    let key = ApiKey::new(SECRET).unwrap();
    assert!(!format!("{key:?}").contains(SECRET));
    assert!(!format!("{key}").contains(SECRET));
    assert!(format!("{key:?}").contains("redacted"));
    assert_eq!(key.expose(), SECRET);
    assert_eq!(SECRET.parse::<ApiKey>().unwrap(), key);
}

#[tokio::test]
async fn no_error_shows_a_key_from_the_reply_headers() {
    // Every error kind, built from replies that carry the key in a header.
    let errors = [
        fail_with(reply(200, &envelope(4001, "Unauthorized", "bad key"), &[])).await,
        fail_with(reply(401, "", &[])).await,
        fail_with(reply(502, "<html/>", &[])).await,
        fail_with(reply(200, "", &[])).await,
        fail_with(reply(200, "{\"meta\":", &[])).await,
    ];
    for err in &errors {
        assert_no_secret(err);
    }
    // The request side never holds the key either.
    let transport = RecordingTransport::new();
    let _ = client(&transport).execute(&get()).await;
    let sent = transport.last();
    assert!(!format!("{sent:?}").contains(SECRET));
    assert!(!sent.headers.contains_key(API_KEY_HEADER));
}
