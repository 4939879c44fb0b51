//! HttpTransport against real HTTP servers on 127.0.0.1 (hyper 1 + raw TCP).

mod common;

use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{envelope_error, json, serve};
use http::{HeaderValue, Method, StatusCode};
use tm_core::client::decode_response;
use tm_core::endpoints::trackings::{CreateTracking, GetUserInfo, ListTrackings};
use tm_core::models::{CreatedTracking, ListFilter, NewTracking, Page, UserInfo};
use tm_core::{
    ApiErrorKind, ApiKey, Client, Error, Transport, TransportErrorKind, WireRequest, WireResponse,
};
use tm_http::{BuildError, HttpTransport};

const KEY: &str = "tm_test_SECRET_key_7f3a9c";

fn transport(base_url: &str) -> HttpTransport {
    HttpTransport::builder(KEY)
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn assert_no_key(text: &str) {
    assert!(!text.contains(KEY), "the key leaked into: {text}");
    assert!(!text.contains("SECRET"), "the key leaked into: {text}");
}

fn wire(raw: tm_core::RawResponse) -> WireResponse {
    WireResponse {
        status: raw.status,
        headers: raw.headers,
        body: raw.body,
    }
}

// ---------------------------------------------------------------- success

const USER_INFO: &str = r#"{"meta":{"code":200,"type":"Success","message":"Success"},
 "data":{"email":"a@example.com","regtime":"1512345678","phone":"123","money":12.5,"track_number":99.8}}"#;

#[tokio::test]
async fn get_user_info_round_trip() {
    let server = serve(|_| json(200, USER_INFO)).await;
    let client = Client::new(transport(&format!("{}/", server.base_url())));

    let raw = client.execute_raw(&GetUserInfo::new()).await.unwrap();
    assert_eq!(raw.status, StatusCode::OK);
    let info: UserInfo = decode_response(&wire(raw)).unwrap();
    assert_eq!(info.email, "a@example.com");
    assert_eq!(info.regtime, Some(1_512_345_678));
    assert_eq!(info.track_number, 99.8);
    // And through the typed path.
    let info2 = client.execute(&GetUserInfo::new()).await.unwrap();
    assert_eq!(info, info2);

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let r = &reqs[0];
    assert_eq!(r.method, Method::GET);
    assert_eq!(r.path_and_query, "/v2/trackings/getuserinfo");
    assert_eq!(r.headers["trackingmore-api-key"], KEY);
    assert_eq!(r.headers.get_all("trackingmore-api-key").iter().count(), 1);
    assert_eq!(r.headers["accept"], "application/json");
    assert_eq!(
        r.headers["user-agent"],
        format!("tm/{}", env!("CARGO_PKG_VERSION")).as_str()
    );
    assert!(
        r.headers.get("content-type").is_none(),
        "no body, no content type"
    );
    assert!(r.body.is_empty());
    // One client per transport: both calls reused one connection.
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn list_with_query_decodes_page() {
    let body = r#"{"meta":{"code":200,"type":"Success","message":"Success"},
      "data":{"page":2,"limit":50,"total":"51","count":1,"items":[
        {"id":"0123456789abcdef0123456789abcdef","tracking_number":"RR123456789CN",
         "carrier_code":"china-post","status":"transit","created_at":"2018-04-18T07:26:14+00:00"}]}}"#;
    let server = serve(move |_| json(200, body)).await;
    let client = Client::new(transport(&server.base_url()));
    let ep = ListTrackings::with(2, 50, ListFilter::default()).unwrap();

    let raw = client.execute_raw(&ep).await.unwrap();
    let page: Page = decode_response(&wire(raw)).unwrap();
    assert_eq!((page.page, page.limit, page.total), (2, 50, 51));
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].tracking_number, "RR123456789CN");
    assert!(!page.has_more());

    let r = &server.requests()[0];
    assert_eq!(r.method, Method::GET);
    assert_eq!(r.path_and_query, "/v2/trackings/get?page=2&limit=50");
    assert_eq!(r.headers["trackingmore-api-key"], KEY);
}

#[tokio::test]
async fn post_sends_json_body_and_content_type() {
    let body = r#"{"meta":{"code":200,"type":"Success","message":"Success"},
      "data":{"id":"9a2f732e29b5ed2071d4cf6b5f4a3d19","tracking_number":"9400111899223197428490",
              "carrier_code":"usps","status":"pending","created_at":"2018-04-18T07:26:14+00:00"}}"#;
    let server = serve(move |_| json(200, body)).await;
    let t = HttpTransport::builder(ApiKey::new(KEY).unwrap())
        .base_url(server.base_url())
        .user_agent("tm-test/1")
        .build()
        .unwrap();
    let client = Client::new(t);
    let ep = CreateTracking::new(NewTracking::new("usps", "9400111899223197428490")).unwrap();

    let raw = client.execute_raw(&ep).await.unwrap();
    let created: CreatedTracking = decode_response(&wire(raw)).unwrap();
    assert_eq!(created.tracking_number, "9400111899223197428490");
    assert_eq!(created.carrier_code, "usps");

    let r = &server.requests()[0];
    assert_eq!(r.method, Method::POST);
    assert_eq!(r.path_and_query, "/v2/trackings/post");
    assert_eq!(r.headers["content-type"], "application/json");
    assert_eq!(r.headers.get_all("content-type").iter().count(), 1);
    assert_eq!(r.headers["user-agent"], "tm-test/1");
    assert_eq!(r.headers["trackingmore-api-key"], KEY);
    let sent: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(sent["tracking_number"], "9400111899223197428490");
    assert_eq!(sent["carrier_code"], "usps");
}

#[tokio::test]
async fn request_headers_pass_through_but_cannot_replace_the_key() {
    let server = serve(|_| json(200, USER_INFO)).await;
    let t = transport(&server.base_url());
    let mut req = WireRequest::new(Method::GET, "/carriers");
    req.headers.insert("lang", HeaderValue::from_static("cn"));
    req.headers
        .insert("trackingmore-api-key", HeaderValue::from_static("forged"));
    let resp = t.send(req).await.unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    let r = &server.requests()[0];
    assert_eq!(r.headers["lang"], "cn");
    let keys: Vec<_> = r.headers.get_all("trackingmore-api-key").iter().collect();
    assert_eq!(keys, [KEY]);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = serve(|_| {
        http::Response::builder()
            .status(302)
            .header("location", "http://127.0.0.2:9/steal")
            .body(http_body_util::Full::new(Bytes::new()))
            .unwrap()
    })
    .await;
    let t = transport(&server.base_url());
    let resp = t
        .send(WireRequest::new(Method::GET, "/trackings/getuserinfo"))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::FOUND);
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------- error classes

async fn answer(
    response: impl Fn() -> http::Response<http_body_util::Full<Bytes>> + Send + Sync + 'static,
) -> (WireResponse, Error) {
    let server = serve(move |_| response()).await;
    let client = Client::new(transport(&server.base_url()));
    let raw = client.execute_raw(&GetUserInfo::new()).await.unwrap();
    let w = wire(raw);
    let err = decode_response::<UserInfo>(&w).unwrap_err();
    assert_no_key(&format!("{err}"));
    assert_no_key(&format!("{err:?}"));
    (w, err)
}

#[tokio::test]
async fn meta_4001_in_http_200_is_authentication() {
    let (w, err) = answer(|| {
        json(
            200,
            &envelope_error(4001, "Unauthorized", "Invalid API key"),
        )
    })
    .await;
    assert_eq!(w.status, StatusCode::OK);
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Authentication));
    assert_eq!(err.code(), Some(4001));
}

#[tokio::test]
async fn meta_4016_is_already_exists() {
    let (_, err) = answer(|| {
        json(
            200,
            &envelope_error(4016, "Bad Request", "Tracking already exists."),
        )
    })
    .await;
    assert_eq!(err.api_kind(), Some(ApiErrorKind::AlreadyExists));
    assert_eq!(err.code(), Some(4016));
}

#[tokio::test]
async fn meta_4021_is_quota_exceeded() {
    let (_, err) = answer(|| {
        json(
            200,
            &envelope_error(4021, "Bad Request", "Insufficient balance"),
        )
    })
    .await;
    assert_eq!(err.api_kind(), Some(ApiErrorKind::QuotaExceeded));
}

#[tokio::test]
async fn http_429_with_retry_after_is_rate_limited() {
    let (w, err) = answer(|| {
        let mut r = json(
            429,
            &envelope_error(429, "Too Many Requests", "Too Many Requests"),
        );
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("3"));
        r
    })
    .await;
    assert_eq!(w.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(err.api_kind(), Some(ApiErrorKind::RateLimited));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
}

#[tokio::test]
async fn http_503_is_server() {
    let (w, err) = answer(|| {
        let mut r = json(
            503,
            &envelope_error(503, "Service Unavailable", "Service Unavailable"),
        );
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        r
    })
    .await;
    assert_eq!(w.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Server));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
}

#[tokio::test]
async fn html_502_is_server() {
    let (w, err) = answer(|| {
        http::Response::builder()
            .status(502)
            .header("content-type", "text/html")
            .body(http_body_util::Full::new(Bytes::from_static(
                b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
            )))
            .unwrap()
    })
    .await;
    assert_eq!(w.status, StatusCode::BAD_GATEWAY);
    assert!(w.body.starts_with(b"<html>"));
    assert_eq!(err.api_kind(), Some(ApiErrorKind::Server));
    assert_eq!(err.code(), Some(502));
}

#[tokio::test]
async fn empty_200_is_decode_error_keeping_body() {
    let (w, err) = answer(|| json(200, "")).await;
    assert!(w.body.is_empty());
    match err {
        Error::Decode(d) => {
            assert_eq!(d.status, StatusCode::OK);
            assert_eq!(d.body, w.body);
            assert!(d.message.contains("empty"), "{}", d.message);
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn truncated_json_is_decode_error_keeping_body() {
    const CUT: &str = r#"{"meta":{"code":200,"type":"Success","message":"Succ"#;
    let (w, err) = answer(|| json(200, CUT)).await;
    assert_eq!(&w.body[..], CUT.as_bytes());
    match err {
        Error::Decode(d) => assert_eq!(&d.body[..], CUT.as_bytes()),
        other => panic!("expected Decode, got {other:?}"),
    }
}

// ---------------------------------------------------------------- transport failures

#[tokio::test]
async fn silent_server_times_out() {
    let server = common::silent_server().await;
    let t = HttpTransport::builder(KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = t
        .send(WireRequest::new(Method::GET, "/trackings/getuserinfo"))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10), "hung");
    eprintln!("timeout: {err}");
    assert_eq!(err.kind, TransportErrorKind::Timeout, "{err}");
    assert!(err.is_timeout());
    assert_no_key(&format!("{err} {err:?}"));

    // Through the client too.
    let client = Client::new(t);
    let err = client.execute(&GetUserInfo::new()).await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert_no_key(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn body_that_stalls_times_out() {
    let server = common::stalling_body_server().await;
    let t = HttpTransport::builder(KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = t
        .send(WireRequest::new(Method::GET, "/trackings/getuserinfo"))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10), "hung");
    assert_eq!(err.kind, TransportErrorKind::Timeout, "{err}");
    assert_no_key(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn refused_connection_is_connect() {
    let addr = common::free_port().await;
    let t = transport(&format!("http://{addr}/v2"));
    let err = t
        .send(WireRequest::new(Method::GET, "/trackings/getuserinfo"))
        .await
        .unwrap_err();
    eprintln!("connect: {err}");
    assert_eq!(err.kind, TransportErrorKind::Connect, "{err}");
    assert!(err.message.contains(&addr.to_string()), "{err}");
    assert_no_key(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn body_cut_short_is_io() {
    let server = common::truncating_server().await;
    let t = transport(&server.base_url());
    let err = t
        .send(WireRequest::new(Method::GET, "/trackings/getuserinfo"))
        .await
        .unwrap_err();
    eprintln!("io: {err}");
    assert_eq!(err.kind, TransportErrorKind::Io, "{err}");
    assert_no_key(&format!("{err} {err:?}"));
    let err = Client::new(t)
        .execute(&GetUserInfo::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(ref e) if e.kind == TransportErrorKind::Io));
    assert_no_key(&format!("{err} {err:?}"));
}

// ---------------------------------------------------------------- building and redaction

#[test]
fn debug_never_shows_the_key() {
    let t = HttpTransport::builder(KEY)
        .base_url("http://127.0.0.1:1/v2")
        .proxy("http://user:pxpass@127.0.0.1:3128")
        .build()
        .unwrap();
    let dbg = format!("{t:?}");
    assert_no_key(&dbg);
    assert!(!dbg.contains("pxpass"), "{dbg}");
    assert!(dbg.contains(r#"api_key: "** redacted **""#), "{dbg}");
    assert!(dbg.contains("http://127.0.0.1:1/v2"), "{dbg}");
    assert!(dbg.contains("timeout"), "{dbg}");
    let client = Client::new(t.clone());
    assert_no_key(&format!("{client:?}"));
    let builder = HttpTransport::builder(KEY);
    assert_no_key(&format!("{builder:?}"));
}

#[test]
fn key_with_crlf_is_refused() {
    let bad = format!("{KEY}\r\nX-Evil: 1");
    let err = HttpTransport::builder(bad.as_str()).build().unwrap_err();
    assert!(matches!(err, BuildError::InvalidApiKey(_)), "{err:?}");
    assert_no_key(&format!("{err} {err:?}"));
    assert!(!format!("{err} {err:?}").contains("Evil"));
    for bad in ["", "  ", "a\nb", "ké"] {
        assert!(matches!(
            HttpTransport::new(bad),
            Err(BuildError::InvalidApiKey(_))
        ));
    }
}

#[test]
fn defaults() {
    let t = HttpTransport::new(KEY).unwrap();
    assert_eq!(t.base_url(), tm_core::DEFAULT_BASE_URL);
    assert!(t.base_url().starts_with("https://"));
    assert_eq!(t.timeout(), Duration::from_secs(30));
    assert_eq!(t.connect_timeout(), Some(Duration::from_secs(10)));
    assert_eq!(
        tm_http::DEFAULT_USER_AGENT,
        concat!("tm/", env!("CARGO_PKG_VERSION"))
    );
    let t = HttpTransport::builder(String::from(KEY))
        .base_url("https://example.test/v2/")
        .build()
        .unwrap();
    assert_eq!(t.base_url(), "https://example.test/v2");
}

#[test]
fn rate_limits_default_on_for_the_real_api_only() {
    use tm_core::Transport as _;
    let real = HttpTransport::new(KEY).unwrap();
    assert_eq!(real.default_rate_limits(), Some(tm_core::RateLimits::V2));
    assert_eq!(
        tm_core::Client::new(real).rate_limits(),
        Some(tm_core::RateLimits::V2)
    );
    let local = HttpTransport::builder(KEY)
        .base_url("http://127.0.0.1:9/v2")
        .build()
        .unwrap();
    assert_eq!(local.default_rate_limits(), None);
}

#[test]
fn bad_options_are_typed_errors() {
    for url in [
        "",
        "api.trackingmore.com/v2",
        "ftp://x/v2",
        "https://k:p@x/v2",
        "https://x/v2?a=b",
    ] {
        let err = HttpTransport::builder(KEY)
            .base_url(url)
            .build()
            .unwrap_err();
        assert!(
            matches!(err, BuildError::InvalidBaseUrl(_)),
            "{url}: {err:?}"
        );
        assert_no_key(&format!("{err} {err:?}"));
    }
    let err = HttpTransport::builder(KEY)
        .proxy("::not a url::")
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::InvalidProxy(_)), "{err:?}");
    assert_no_key(&format!("{err} {err:?}"));
    let err = HttpTransport::builder(KEY)
        .user_agent("a\nb")
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::InvalidUserAgent(_)), "{err:?}");
    let err = HttpTransport::builder(KEY)
        .client(reqwest::Client::new())
        .proxy("http://127.0.0.1:3128")
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::Conflict(_)), "{err:?}");
}

#[tokio::test]
async fn prebuilt_client_is_used() {
    let server = serve(|_| json(200, USER_INFO)).await;
    let t = HttpTransport::builder(KEY)
        .client(tm_http::reqwest::Client::new())
        .base_url(server.base_url())
        .build()
        .unwrap();
    assert_eq!(t.connect_timeout(), None);
    let info = Client::new(t).execute(&GetUserInfo::new()).await.unwrap();
    assert_eq!(info.email, "a@example.com");
    let r = &server.requests()[0];
    assert_eq!(r.headers["trackingmore-api-key"], KEY);
    assert!(r.headers["user-agent"].to_str().unwrap().starts_with("tm/"));
}

// ---------------------------------------------------------------- bounded bodies

/// A raw server that sends headers, then chunks of JSON-ish bytes forever.
async fn endless_body_server() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
                if s.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("{:x}\r\n{}\r\n", 8192, "[".repeat(8192));
                while s.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    format!("http://{addr}/v2")
}

#[tokio::test]
async fn an_endless_body_ends_in_a_typed_error_at_the_cap() {
    let url = endless_body_server().await;
    let t = HttpTransport::builder(KEY)
        .base_url(url)
        .timeout(Duration::from_secs(20))
        .max_body(1024 * 1024)
        .build()
        .unwrap();
    assert_eq!(t.max_body(), 1024 * 1024);
    let err = t
        .send(WireRequest::new(Method::GET, "/userinfo"))
        .await
        .unwrap_err();
    assert_eq!(err.kind, TransportErrorKind::BodyTooLarge, "{err}");
    assert!(err.message.contains("1048576 byte limit"), "{err}");
    // A declared length over the cap is refused before reading.
    let server = serve(|_req| json(200, &"x".repeat(4096))).await;
    let t = HttpTransport::builder(KEY)
        .base_url(server.base_url())
        .max_body(100)
        .build()
        .unwrap();
    let err = t
        .send(WireRequest::new(Method::GET, "/userinfo"))
        .await
        .unwrap_err();
    assert_eq!(err.kind, TransportErrorKind::BodyTooLarge);
    assert_eq!(tm_http::DEFAULT_MAX_BODY, 64 * 1024 * 1024);
}

#[tokio::test]
async fn an_echoed_key_is_scrubbed_from_errors() {
    let server = serve(|_req| {
        json(
            200,
            &envelope_error(4001, "Unauthorized", &format!("unknown key {KEY}")),
        )
    })
    .await;
    let client = Client::builder(transport(&server.base_url())).build();
    let err = client.execute(&GetUserInfo).await.unwrap_err();
    assert_no_key(&err.to_string());
    assert_no_key(&format!("{err:?}"));
    assert!(err.to_string().contains("redacted"), "{err}");
}
