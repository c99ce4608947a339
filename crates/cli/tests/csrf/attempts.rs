//! Trying a route: the wrong ways of sending its form and the right one, and what changed.

use std::collections::BTreeSet;

use reqwest::header::{CONTENT_TYPE, COOKIE};
use reqwest::{RequestBuilder, Response, StatusCode, multipart};
use serde_json::{Value, json};

use crate::browser::{AnonymousPair, WebSession, anonymous_pair, location, set_cookie};
use crate::common::*;
use crate::targets::{Body, Fixture, Probe, Target};
use crate::{CSRF_COOKIE, REFUSAL_HEADING, REFUSAL_TEXT, SESSION_COOKIE};

/// One way of sending the form: the cookies and the `csrf` field (none: not sent).
struct Variant {
    label: &'static str,
    cookie: Option<String>,
    token: Option<String>,
    /// The `Origin` the browser sends: another site's makes even the right token fail.
    origin: Option<&'static str>,
}

const FOREIGN_ORIGIN: &str = "https://angreifer.example";

/// The wrong ways for this target, and the right one.
async fn variants(fx: &Fixture<'_>, t: &Target) -> (Vec<Variant>, Variant) {
    let session_cookie = |s: &WebSession| format!("{SESSION_COOKIE}={}", s.cookie);
    let pair_cookie = |p: &AnonymousPair| format!("{CSRF_COOKIE}={}", p.cookie);
    let other = &fx.other_person;
    match (&t.session, fx.sessions(t.who)) {
        (None, _) => {
            let (a, b) = (
                anonymous_pair(fx.server).await,
                anonymous_pair(fx.server).await,
            );
            let mut wrong = vec![
                Variant {
                    label: "neither cookie nor field",
                    cookie: None,
                    token: None,
                    origin: None,
                },
                Variant {
                    label: "the field without the cookie",
                    cookie: None,
                    token: Some(a.token.clone()),
                    origin: None,
                },
                Variant {
                    label: "the cookie without the field",
                    cookie: Some(pair_cookie(&a)),
                    token: None,
                    origin: None,
                },
                Variant {
                    label: "the cookie with an empty field",
                    cookie: Some(pair_cookie(&a)),
                    token: Some(String::new()),
                    origin: None,
                },
                Variant {
                    label: "the cookie of one browser, the field of another",
                    cookie: Some(pair_cookie(&a)),
                    token: Some(b.token.clone()),
                    origin: None,
                },
                Variant {
                    label: "another person's session and its token instead of the pair",
                    cookie: Some(session_cookie(other)),
                    token: Some(other.csrf.clone()),
                    origin: None,
                },
            ];
            wrong.push(Variant {
                label: "the right pair, sent from another site",
                cookie: Some(pair_cookie(&a)),
                token: Some(a.token.clone()),
                origin: Some(FOREIGN_ORIGIN),
            });
            let right = Variant {
                label: "the right pair",
                cookie: Some(pair_cookie(&a)),
                token: Some(a.token),
                origin: None,
            };
            (wrong, right)
        }
        (Some(own), Some((_, second))) => {
            let pair = anonymous_pair(fx.server).await;
            let cookie = session_cookie(own);
            let mut wrong = vec![
                Variant {
                    label: "no token",
                    cookie: Some(cookie.clone()),
                    token: None,
                    origin: None,
                },
                Variant {
                    label: "an empty token",
                    cookie: Some(cookie.clone()),
                    token: Some(String::new()),
                    origin: None,
                },
                Variant {
                    label: "the token of another person's session",
                    cookie: Some(cookie.clone()),
                    token: Some(other.csrf.clone()),
                    origin: None,
                },
                Variant {
                    label: "the token of another session of the same person",
                    cookie: Some(cookie.clone()),
                    token: Some(second.csrf.clone()),
                    origin: None,
                },
                Variant {
                    label: "the double-submit pair of the login form instead of the session's token",
                    cookie: Some(format!("{cookie}; {}", pair_cookie(&pair))),
                    token: Some(pair.token),
                    origin: None,
                },
            ];
            wrong.push(Variant {
                label: "the session's own token, sent from another site",
                cookie: Some(cookie.clone()),
                token: Some(own.csrf.clone()),
                origin: Some(FOREIGN_ORIGIN),
            });
            let right = Variant {
                label: "the session's own token",
                cookie: Some(cookie),
                token: Some(own.csrf.clone()),
                origin: None,
            };
            (wrong, right)
        }
        (Some(_), None) => panic!("{}: a session for the anonymous", t.route),
    }
}

fn request(fx: &Fixture<'_>, path: &str, body: &Body, variant: &Variant) -> RequestBuilder {
    let mut builder = fx.http.post(fx.server.url(path));
    if let Some(cookie) = &variant.cookie {
        builder = builder.header(COOKIE, cookie);
    }
    if let Some(origin) = variant.origin {
        builder = builder.header(reqwest::header::ORIGIN, origin);
    }
    match body {
        Body::Form(fields) => {
            let mut pairs: Vec<(String, String)> = variant
                .token
                .iter()
                .map(|t| ("csrf".to_string(), t.clone()))
                .collect();
            pairs.extend(fields.iter().cloned());
            builder.form(&pairs)
        }
        Body::Upload {
            document_type,
            file_name,
            bytes,
        } => {
            let mut parts = multipart::Form::new();
            if let Some(token) = &variant.token {
                parts = parts.text("csrf", token.clone());
            }
            let file = multipart::Part::bytes(bytes.clone())
                .file_name(file_name.clone())
                .mime_str("application/pdf")
                .expect("mime type");
            builder.multipart(
                parts
                    .text("document_type", document_type.clone())
                    .part("file", file),
            )
        }
    }
}

/// The text of the page's first heading.
fn heading(page: &str) -> &str {
    page.find("<h1")
        .and_then(|start| {
            let open = start + page[start..].find('>')? + 1;
            let len = page[open..].find("</h1>")?;
            Some(page[open..open + len].trim())
        })
        .unwrap_or("")
}

/// Checks that the answer is the CSRF refusal; what it was instead, if not.
async fn refusal(response: Response) -> Result<(), String> {
    let status = response.status();
    let to = location(&response);
    let session_set = set_cookie(&response, SESSION_COOKIE).is_some();
    let page = response.text().await.unwrap_or_default();
    let german = page.contains(r#"<html lang="de""#);
    if status == StatusCode::FORBIDDEN
        && heading(&page) == REFUSAL_HEADING
        && page.contains(REFUSAL_TEXT)
        && german
        && !session_set
    {
        return Ok(());
    }
    Err(format!(
        "answered {status}{}, heading {:?}, the German refusal text {}, German page {german}, \
         session cookie set {session_set}",
        if to.is_empty() {
            String::new()
        } else {
            format!(" to {to}")
        },
        heading(&page),
        if page.contains(REFUSAL_TEXT) {
            "shown"
        } else {
            "missing"
        },
    ))
}

/// Checks that the request with the right token went through.
async fn accepted(t: &Target, response: Response) -> Result<(), String> {
    let status = response.status();
    let to = location(&response);
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let new_session = set_cookie(&response, SESSION_COOKIE).filter(|v| !v.is_empty());
    let page = response.text().await.unwrap_or_default();
    let fine = status == t.allowed
        && match t.route {
            // a registration answers alike for new and taken addresses: log in next
            "/register" => to == "/login?registered=1" && new_session.is_none(),
            _ if to.starts_with("/login") => false,
            "/login" => new_session.is_some(),
            "/cases/{id}/notice" => content_type == "application/pdf",
            _ => true,
        };
    if fine {
        Ok(())
    } else {
        Err(format!(
            "answered {status} (expected {}) to {to:?}, content type {content_type}, \
             session cookie {}, heading {:?}",
            t.allowed,
            new_session.is_some(),
            heading(&page)
        ))
    }
}

async fn probe(fx: &Fixture<'_>, probe: &Probe) -> Value {
    match probe {
        Probe::Api(who, paths) => {
            let api = fx.api(*who);
            let mut out = Vec::new();
            for path in paths {
                let response = api.get(path).await;
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                out.push(json!({ "path": path, "status": status, "body": body }));
            }
            Value::Array(out)
        }
        Probe::LoggedIn(session) => {
            let response = fx
                .http
                .get(fx.server.url("/applications"))
                .header(COOKIE, format!("{SESSION_COOKIE}={}", session.cookie))
                .send()
                .await
                .expect("page");
            json!({ "status": response.status().as_u16(), "location": location(&response) })
        }
        Probe::Audited(action) => {
            let count = audit_entries(fx.server)
                .await
                .iter()
                .filter(|(_, a, _)| a == action)
                .count();
            json!({ "action": action, "entries": count })
        }
        Probe::CanLogIn(email, password) => {
            let response = fx
                .http
                .post(fx.server.url("/api/v1/sessions"))
                .json(&json!({ "email": email, "password": password }))
                .send()
                .await
                .expect("login");
            json!({ "login": response.status().as_u16() })
        }
    }
}

/// The files under the document folder (stored documents and unfinished uploads).
fn stored_files(server: &Server) -> BTreeSet<String> {
    let root = server.data.path();
    let mut files = BTreeSet::new();
    let mut dirs = vec![root.join("documents")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                files.insert(relative.display().to_string());
            }
        }
    }
    files
}

/// Tries the wrong ways, checks that nothing changed, then the right way, which must change
/// what the probe shows. Problems are collected, not raised, so that one run names them all.
pub(crate) async fn try_route(fx: &Fixture<'_>, t: &Target, problems: &mut Vec<String>) {
    let (wrong, right) = variants(fx, t).await;
    let before = probe(fx, &t.probe).await;
    let audit_before = audit_entries(fx.server).await;
    let files_before = stored_files(fx.server);
    for path in std::iter::once(&t.path).chain(&t.also) {
        for variant in &wrong {
            let response = request(fx, path, &t.body, variant)
                .send()
                .await
                .expect("POST");
            if let Err(what) = refusal(response).await {
                problems.push(format!(
                    "{} — POST {path} with {}: not refused: {what}",
                    t.route, variant.label
                ));
            }
        }
    }
    // the refusals are on record (csrf.refused, once per person and path in a window), and
    // nothing else was written
    let audit_after = audit_entries(fx.server).await;
    let appended = audit_after
        .get(audit_before.len()..)
        .filter(|_| audit_after.starts_with(&audit_before))
        .unwrap_or_default();
    let path_only = t.path.split('?').next().unwrap_or("");
    let recorded = appended
        .iter()
        .all(|(_, action, object)| action == "csrf.refused" && object.starts_with("path:"));
    if appended.is_empty()
        || !recorded
        || !appended
            .iter()
            .any(|(_, _, o)| o == &format!("path:{path_only}"))
        || appended.len() > 2 * (1 + t.also.len())
    {
        problems.push(format!(
            "{} ({}): the refused forms should append only their csrf.refused record; \
             {} entries before, {} after: {:?}",
            t.route,
            t.path,
            audit_before.len(),
            audit_after.len(),
            audit_after.get(audit_before.len()..)
        ));
    }
    let files_after = stored_files(fx.server);
    if files_after != files_before {
        problems.push(format!(
            "{} ({}): the refused forms changed the document folder: {:?}",
            t.route,
            t.path,
            files_after
                .symmetric_difference(&files_before)
                .collect::<Vec<_>>()
        ));
    }
    let after = probe(fx, &t.probe).await;
    if after != before {
        problems.push(format!(
            "{} ({}): the refused forms changed it: before {before}, after {after}",
            t.route, t.path
        ));
    }
    // the right token: the person was allowed, and the refusals were for the token alone
    let response = request(fx, &t.path, &t.body, &right)
        .send()
        .await
        .expect("POST");
    if let Err(what) = accepted(t, response).await {
        problems.push(format!(
            "{} — POST {} with {}: not accepted: {what}",
            t.route, t.path, right.label
        ));
        return;
    }
    let done = probe(fx, &t.probe).await;
    if done == before {
        problems.push(format!(
            "{} ({}): the probe does not show the accepted form's change, so it cannot show a \
             refused one's either: {done}",
            t.route, t.path
        ));
    }
}
