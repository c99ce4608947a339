//! Sessions as a browser has them.

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};

use crate::common::Server;
use crate::{CSRF_COOKIE, SESSION_COOKIE};

/// A session made through the login form: its cookie and its CSRF token.
#[derive(Clone, Debug)]
pub(crate) struct WebSession {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

/// The double-submit pair of the anonymous forms: the cookie and the field the form carries.
#[derive(Clone, Debug)]
pub(crate) struct AnonymousPair {
    pub(crate) cookie: String,
    pub(crate) token: String,
}

pub(crate) fn browser() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The value of a cookie the response sets.
pub(crate) fn set_cookie(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let (pair, _) = v.split_once(';').unwrap_or((v, ""));
            let (key, value) = pair.split_once('=')?;
            (key.trim() == name).then(|| value.trim().to_string())
        })
}

/// The value of the first hidden `csrf` field of a page.
fn csrf_field(page: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = page.find(marker).expect("a form with a csrf field") + marker.len();
    let len = page[start..].find('"').expect("end of the value");
    page[start..start + len].to_string()
}

pub(crate) fn location(response: &Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// A fresh browser's pair, from the login page.
pub(crate) async fn anonymous_pair(server: &Server) -> AnonymousPair {
    let response = browser()
        .get(server.url("/login"))
        .send()
        .await
        .expect("login page");
    assert_eq!(response.status(), StatusCode::OK, "login page");
    let cookie = set_cookie(&response, CSRF_COOKIE).expect("the login page sets the CSRF cookie");
    let token = csrf_field(&response.text().await.expect("page"));
    AnonymousPair { cookie, token }
}

/// Logs in through the login form; the token is read from a page of the session.
pub(crate) async fn web_login(server: &Server, email: &str, password: &str) -> WebSession {
    let http = browser();
    let pair = anonymous_pair(server).await;
    let response = http
        .post(server.url("/login"))
        .header(COOKIE, format!("{CSRF_COOKIE}={}", pair.cookie))
        .form(&[
            ("csrf", pair.token.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "login of {email}");
    let cookie = set_cookie(&response, SESSION_COOKIE).expect("session cookie");
    let page = http
        .get(server.url("/"))
        .header(COOKIE, format!("{SESSION_COOKIE}={cookie}"))
        .send()
        .await
        .expect("start page");
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.expect("page");
    assert!(page.contains(r#"action="/logout""#), "logged in: {email}");
    WebSession {
        cookie,
        csrf: csrf_field(&page),
    }
}
