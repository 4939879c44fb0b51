//! `GET /trackings/getuserinfo`: account information and remaining credits.

use std::borrow::Cow;

use http::Method;

use crate::endpoint::Endpoint;
use crate::models::UserInfo;

/// Gets the account's e-mail, balance and remaining credits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GetUserInfo;

impl GetUserInfo {
    /// The call (it takes no input).
    pub fn new() -> Self {
        Self
    }
}

impl Endpoint for GetUserInfo {
    type Response = UserInfo;

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/trackings/getuserinfo")
    }
}
