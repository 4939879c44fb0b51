//! Any status and any body must decode into a value or a typed error, never a panic.
#![no_main]

use bytes::Bytes;
use http::StatusCode;
use libfuzzer_sys::fuzz_target;
use tm_core::client::decode_response;
use tm_core::models::{BatchCreated, Page, Tracking, UserInfo};
use tm_core::WireResponse;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((s, rest)) => (200 + u16::from(*s) * 2, rest),
        None => (200, data),
    };
    let wire = WireResponse::new(
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        Bytes::copy_from_slice(body),
    );
    let _ = decode_response::<Tracking>(&wire);
    let _ = decode_response::<Page>(&wire);
    let _ = decode_response::<BatchCreated>(&wire);
    let _ = decode_response::<UserInfo>(&wire);
});
