//! Every state-changing page route refuses a form without the CSRF token, and a form carrying
//! the token of another session, with 403 and a German error page — for a person who may do
//! exactly this with the right token — and nothing changes (the resource read through the API,
//! the audit trail, the document folder). The same request with the right token then goes
//! through, so the refusals were for the token alone.
//!
//! Logged-in forms carry their session's token (`page.csrf`, e.g. in the logout form of every
//! page); login and registration carry a double-submit pair (cookie `amtsweg_csrf`, field
//! `csrf`). Sessions are made as a browser makes them: through the login form, with cookies.
//!
//! The table `ROUTES` is checked against the router of the pages (`crates/web/src`): a POST
//! route without a row, or a row without a route, fails `the_table_has_a_row_for_every_…`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Client, RequestBuilder, Response, StatusCode, multipart};
use serde_json::{Value, json};

const SESSION_COOKIE: &str = "amtsweg_session";
const CSRF_COOKIE: &str = "amtsweg_csrf";
/// The applicant; `register` gives every account this password.
const APPLICANT: &str = "antje.antrag@example.org";
const REGISTERED_PASSWORD: &str = "ein-langes-Passwort-1";
/// Another applicant with a session of her own: her token is "foreign" everywhere else.
const OTHER_PERSON: &str = "mallory.mahler@example.org";
const FIRE: &str = "brandschutz@demo.amtsweg.de";
/// The account the registration form makes (only with the right pair).
const NEW_ACCOUNT: &str = "rita.register@example.org";
const NEW_PASSWORD: &str = "ein-langes-Passwort-3";

/// The refusal as the pages show it (crates/web/src/errors.rs, `Failure::Csrf`; i18n.rs).
const REFUSAL_HEADING: &str = "Sitzung abgelaufen";
const REFUSAL_TEXT: &str =
    "Sitzung abgelaufen oder Formular ungültig – bitte laden Sie die Seite neu.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// Login and registration: the double-submit pair.
    Anonymous,
    Applicant,
    Caseworker,
    /// The fire service, asked in a participation.
    Agency,
}

/// Every state-changing route of the pages, and who may use it. `prepare` makes for each a
/// resource on which that person may do it.
const ROUTES: &[(&str, Who)] = &[
    ("/login", Who::Anonymous),
    ("/register", Who::Anonymous),
    ("/logout", Who::Applicant),
    ("/drafts", Who::Applicant),
    ("/drafts/{id}/steps/{n}", Who::Applicant),
    ("/drafts/{id}/documents", Who::Applicant),
    ("/drafts/{id}/documents/{doc}/delete", Who::Applicant),
    ("/drafts/{id}/submit", Who::Applicant),
    ("/cases/{id}/notice", Who::Applicant),
    ("/cases/{id}/supplements", Who::Applicant),
    ("/cases/{id}/actions/{action}", Who::Applicant),
    ("/work/cases/{id}/actions/{action}", Who::Caseworker),
    (
        "/work/cases/{id}/participation/{request}/extension",
        Who::Caseworker,
    ),
    ("/participation/{id}/statement", Who::Agency),
    ("/participation/{id}/extension", Who::Agency),
    ("/participation/{id}/attachments", Who::Agency),
];

// ---------------------------------------------------------------------------------------
// The router, read from its source

#[test]
fn the_table_has_a_row_for_every_state_changing_page_route() {
    let router = state_changing_page_routes();
    assert!(
        router.contains("/login") && router.contains("/drafts/{id}/submit"),
        "the router of the pages was not read: {router:?}"
    );
    let table: BTreeSet<String> = ROUTES.iter().map(|(r, _)| r.to_string()).collect();
    assert_eq!(table.len(), ROUTES.len(), "a route twice in ROUTES");
    let without_row: Vec<&String> = router.difference(&table).collect();
    let without_route: Vec<&String> = table.difference(&router).collect();
    assert!(
        without_row.is_empty() && without_route.is_empty(),
        "POST routes of the pages without a row in ROUTES (add one, and its preparation in \
         `prepare`): {without_row:?}; rows of ROUTES the router does not have: {without_route:?}"
    );
}

/// The paths of the page routes that take a POST: every `.route(…)` call in `crates/web/src`.
/// Other ways to change state (PUT, PATCH, DELETE, `any`, `on`, services, nested or merged
/// routers) are not used by the pages; they fail here, so that this test learns about them.
fn state_changing_page_routes() -> BTreeSet<String> {
    const POST: &[&str] = &["post"];
    const UNEXPECTED: &[&str] = &[
        "put",
        "patch",
        "delete",
        "any",
        "on",
        "post_service",
        "put_service",
        "patch_service",
        "delete_service",
        "any_service",
        "on_service",
    ];
    let mut found = BTreeSet::new();
    let mut unexpected = Vec::new();
    let files = rust_files(&repo_root().join("crates/web/src"));
    assert!(!files.is_empty(), "no sources under crates/web/src");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read a source file");
        let name = file.display().to_string();
        for construct in [
            ".nest(",
            ".nest_service(",
            ".merge(",
            ".route_service(",
            ".fallback_service(",
        ] {
            if text.contains(construct) {
                unexpected.push(format!("{name}: {construct}…)"));
            }
        }
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            let args = &rest[at + ".route(".len()..];
            let end = closing_paren(args)
                .unwrap_or_else(|| panic!("{name}: a `.route(` without its closing parenthesis"));
            let call = &args[..end];
            let path = first_string(call)
                .unwrap_or_else(|| panic!("{name}: a route without a path: .route({call})"));
            if POST.iter().any(|m| calls(call, m)) {
                found.insert(path.clone());
            }
            for method in UNEXPECTED.iter().filter(|m| calls(call, m)) {
                unexpected.push(format!("{name}: {path} with {method}(…)"));
            }
            rest = &args[end..];
        }
    }
    assert!(
        unexpected.is_empty(),
        "state-changing routes this test does not know how to read or send; extend it: {unexpected:?}"
    );
    found
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The index of the parenthesis closing the call whose arguments `text` starts with; string
/// literals are skipped.
fn closing_paren(text: &str) -> Option<usize> {
    let mut depth = 1usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn first_string(text: &str) -> Option<String> {
    let start = text.find('"')? + 1;
    let len = text[start..].find('"')?;
    Some(text[start..start + len].to_string())
}

/// Whether `text` calls the function or method `name` (`name(` not preceded by an identifier).
fn calls(text: &str, name: &str) -> bool {
    let needle = format!("{name}(");
    text.match_indices(&needle).any(|(i, _)| {
        !text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

// ---------------------------------------------------------------------------------------
// Sessions as a browser has them

/// A session made through the login form: its cookie and its CSRF token.
#[derive(Clone, Debug)]
struct WebSession {
    cookie: String,
    csrf: String,
}

/// The double-submit pair of the anonymous forms: the cookie and the field the form carries.
#[derive(Clone, Debug)]
struct AnonymousPair {
    cookie: String,
    token: String,
}

fn browser() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The value of a cookie the response sets.
fn set_cookie(response: &Response, name: &str) -> Option<String> {
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

fn location(response: &Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// A fresh browser's pair, from the login page.
async fn anonymous_pair(server: &Server) -> AnonymousPair {
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
async fn web_login(server: &Server, email: &str, password: &str) -> WebSession {
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

// ---------------------------------------------------------------------------------------
// The people, and what each route is tried on

struct Fixture<'s> {
    server: &'s Server,
    http: Client,
    applicant: Api<'s>,
    caseworker: Api<'s>,
    fire: Api<'s>,
    fire_party: String,
    /// Per person: the session that acts, and a second session of the same person.
    applicant_sessions: (WebSession, WebSession),
    caseworker_sessions: (WebSession, WebSession),
    fire_sessions: (WebSession, WebSession),
    /// The session of another person.
    other_person: WebSession,
}

impl<'s> Fixture<'s> {
    async fn new(server: &'s Server) -> Fixture<'s> {
        let applicant = register(server, APPLICANT, "Antje Antrag").await;
        register(server, OTHER_PERSON, "Mallory Mahler").await;
        let caseworker = login(server, CASEWORKER, PASSWORD).await;
        let fire = login(server, FIRE, PASSWORD).await;
        let directory = caseworker.json("/api/v1/directory").await;
        let fire_party = directory
            .as_array()
            .expect("directory")
            .iter()
            .find(|p| p["topic"] == "fire_protection")
            .and_then(|p| p["id"].as_str())
            .expect("the fire service in the directory")
            .to_string();
        let twice = |email: &'static str, password: &'static str| async move {
            (
                web_login(server, email, password).await,
                web_login(server, email, password).await,
            )
        };
        Fixture {
            server,
            http: browser(),
            applicant,
            caseworker,
            fire,
            fire_party,
            applicant_sessions: twice(APPLICANT, REGISTERED_PASSWORD).await,
            caseworker_sessions: twice(CASEWORKER, PASSWORD).await,
            fire_sessions: twice(FIRE, PASSWORD).await,
            other_person: web_login(server, OTHER_PERSON, REGISTERED_PASSWORD).await,
        }
    }

    fn api(&self, who: Who) -> &Api<'s> {
        match who {
            Who::Applicant => &self.applicant,
            Who::Caseworker => &self.caseworker,
            Who::Agency => &self.fire,
            Who::Anonymous => panic!("no API client for the anonymous"),
        }
    }

    fn sessions(&self, who: Who) -> Option<&(WebSession, WebSession)> {
        match who {
            Who::Applicant => Some(&self.applicant_sessions),
            Who::Caseworker => Some(&self.caseworker_sessions),
            Who::Agency => Some(&self.fire_sessions),
            Who::Anonymous => None,
        }
    }

    /// Actions of the caseworker through the API, each must succeed.
    async fn staff(&self, case_id: &str, actions: &[Value]) {
        for action in actions {
            let response = self.caseworker.act(case_id, action.clone()).await;
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            assert_eq!(status, StatusCode::OK, "{action}: {body}");
        }
    }

    /// A submitted case with the fire service asked: (case, request).
    async fn asked_fire_service(&self) -> (String, String) {
        let (case_id, _) = submitted_case(&self.applicant).await;
        self.staff(
            &case_id,
            &[
                json!({ "action": "take_over" }),
                json!({ "action": "confirm_complete" }),
                json!({ "action": "start_participation", "parties": [self.fire_party],
                        "question": "Bitte nehmen Sie zum Brandschutz Stellung." }),
            ],
        )
        .await;
        let case = self
            .caseworker
            .json(&format!("/api/v1/cases/{case_id}"))
            .await;
        let request = case["participations"][0]["id"]
            .as_str()
            .expect("the request")
            .to_string();
        (case_id, request)
    }

    /// A week after the request's due date (within the extension limit).
    async fn later_due(&self, request: &str) -> String {
        let view = self
            .fire
            .json(&format!("/api/v1/participation/{request}"))
            .await;
        let due = parse_day(view["request"]["due"].as_str().expect("due"));
        (due + time::Duration::days(7)).to_string()
    }
}

enum Body {
    Form(Vec<(String, String)>),
    /// A multipart upload as the upload forms send it: csrf, document_type, file.
    Upload {
        document_type: String,
        file_name: String,
        bytes: Vec<u8>,
    },
}

fn form(fields: &[(&str, &str)]) -> Body {
    Body::Form(
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

fn upload(document_type: &str, label: &str) -> Body {
    Body::Upload {
        document_type: document_type.to_string(),
        file_name: format!("{document_type}.pdf"),
        bytes: pdf(label),
    }
}

/// What shows whether the route did its work.
enum Probe {
    /// JSON documents read through the API by a person.
    Api(Who, Vec<String>),
    /// Whether a session still opens a page.
    LoggedIn(WebSession),
    /// The number of audit entries of an action.
    Audited(&'static str),
    /// Whether an account can log in.
    CanLogIn(&'static str, &'static str),
}

/// One route, ready to be tried.
struct Target {
    route: &'static str,
    who: Who,
    path: String,
    /// Further paths of the same route (other actions), refused alike; not sent with the token.
    also: Vec<String>,
    body: Body,
    probe: Probe,
    /// The session of the person who may do this; its token is the right one.
    session: Option<WebSession>,
    /// The status of the same request with the right token.
    allowed: StatusCode,
}

/// A resource on which `who` may use `route`, and how to see that it changed.
async fn prepare(fx: &Fixture<'_>, route: &'static str, who: Who) -> Target {
    let session = fx.sessions(who).map(|(own, _)| own.clone());
    let target = |path: String, body: Body, probe: Probe, allowed: StatusCode| Target {
        route,
        who,
        path,
        also: Vec::new(),
        body,
        probe,
        session: session.clone(),
        allowed,
    };
    let see_other = StatusCode::SEE_OTHER;
    let draft_probe = |id: &str| Probe::Api(Who::Applicant, vec![format!("/api/v1/drafts/{id}")]);
    let case_probe = |who: Who, id: &str| Probe::Api(who, vec![format!("/api/v1/cases/{id}")]);
    let request_probe =
        |id: &str| Probe::Api(Who::Agency, vec![format!("/api/v1/participation/{id}")]);
    match route {
        "/login" => target(
            "/login".into(),
            form(&[("email", APPLICANT), ("password", REGISTERED_PASSWORD)]),
            Probe::Audited("login"),
            see_other,
        ),
        "/register" => target(
            "/register".into(),
            form(&[
                ("display_name", "Rita Register"),
                ("email", NEW_ACCOUNT),
                ("password", NEW_PASSWORD),
                ("password_repeat", NEW_PASSWORD),
                ("role", "applicant"),
            ]),
            Probe::CanLogIn(NEW_ACCOUNT, NEW_PASSWORD),
            see_other,
        ),
        "/logout" => {
            // a session of its own: the allowed logout ends it
            let own = web_login(fx.server, APPLICANT, REGISTERED_PASSWORD).await;
            Target {
                session: Some(own.clone()),
                ..target("/logout".into(), form(&[]), Probe::LoggedIn(own), see_other)
            }
        }
        "/drafts" => target(
            "/drafts".into(),
            form(&[("service_id", "baugenehmigung")]),
            Probe::Api(Who::Applicant, vec!["/api/v1/drafts".into()]),
            see_other,
        ),
        "/drafts/{id}/steps/{n}" => {
            let id = new_draft(&fx.applicant).await;
            target(
                format!("/drafts/{id}/steps/1"),
                form(&[
                    ("applicant_kind", "person"),
                    ("applicant_given_name", "Zoë"),
                    ("applicant_family_name", "Dvořák"),
                    ("nav", "stay"),
                ]),
                draft_probe(&id),
                see_other,
            )
        }
        "/drafts/{id}/documents" => {
            let id = new_draft(&fx.applicant).await;
            target(
                format!("/drafts/{id}/documents"),
                upload("lageplan", "csrf: draft upload"),
                draft_probe(&id),
                see_other,
            )
        }
        "/drafts/{id}/documents/{doc}/delete" => {
            let id = new_draft(&fx.applicant).await;
            let uploaded = fx
                .applicant
                .upload(
                    &format!("/api/v1/drafts/{id}/documents"),
                    "lageplan",
                    "lageplan.pdf",
                    pdf("csrf: to be deleted"),
                )
                .await;
            assert_eq!(uploaded.status(), StatusCode::CREATED);
            let doc: Value = uploaded.json().await.expect("document");
            let doc = doc["id"].as_str().expect("document id");
            target(
                format!("/drafts/{id}/documents/{doc}/delete"),
                form(&[]),
                draft_probe(&id),
                see_other,
            )
        }
        "/drafts/{id}/submit" => {
            let id = complete_draft(&fx.applicant).await;
            target(
                format!("/drafts/{id}/submit"),
                form(&[("idempotency_key", &format!("csrf-{id}"))]),
                Probe::Api(
                    Who::Applicant,
                    vec![format!("/api/v1/drafts/{id}"), "/api/v1/cases".into()],
                ),
                see_other,
            )
        }
        "/cases/{id}/notice" => {
            let (case_id, _) = submitted_case(&fx.applicant).await;
            fx.staff(
                &case_id,
                &[
                    json!({ "action": "take_over" }),
                    json!({ "action": "confirm_complete" }),
                    json!({ "action": "approve", "conditions": [] }),
                    json!({ "action": "issue_notice" }),
                ],
            )
            .await;
            // the first retrieval is recorded as an event of the case (§41(2a) VwVfG)
            target(
                format!("/cases/{case_id}/notice"),
                form(&[]),
                case_probe(Who::Applicant, &case_id),
                StatusCode::OK,
            )
        }
        "/cases/{id}/supplements" => {
            let (case_id, _) = submitted_case(&fx.applicant).await;
            let deadline = (authority_today() + time::Duration::days(14)).to_string();
            fx.staff(
                &case_id,
                &[
                    json!({ "action": "take_over" }),
                    json!({ "action": "request_documents",
                            "defects": ["Der Lageplan ist nicht maßstäblich."], "deadline": deadline }),
                ],
            )
            .await;
            target(
                format!("/cases/{case_id}/supplements"),
                upload("lageplan", "csrf: supplement"),
                case_probe(Who::Applicant, &case_id),
                see_other,
            )
        }
        "/cases/{id}/actions/{action}" => {
            let (case_id, _) = submitted_case(&fx.applicant).await;
            Target {
                also: [
                    "supply_documents",
                    "respond_to_hearing",
                    "waive_deemed_approval",
                ]
                .iter()
                .map(|a| format!("/cases/{case_id}/actions/{a}"))
                .collect(),
                ..target(
                    format!("/cases/{case_id}/actions/withdraw"),
                    form(&[("text", "Wir halten an dem Vorhaben fest.")]),
                    case_probe(Who::Applicant, &case_id),
                    see_other,
                )
            }
        }
        "/work/cases/{id}/actions/{action}" => {
            let (case_id, _) = submitted_case(&fx.applicant).await;
            Target {
                also: [
                    "confirm_complete",
                    "request_documents",
                    "approve",
                    "refuse",
                    "issue_notice",
                    "start_participation",
                    "start_hearing",
                ]
                .iter()
                .map(|a| format!("/work/cases/{case_id}/actions/{a}"))
                .collect(),
                ..target(
                    format!("/work/cases/{case_id}/actions/take_over"),
                    form(&[]),
                    case_probe(Who::Caseworker, &case_id),
                    see_other,
                )
            }
        }
        "/work/cases/{id}/participation/{request}/extension" => {
            let (case_id, request) = fx.asked_fire_service().await;
            let until = fx.later_due(&request).await;
            let asked = fx
                .fire
                .post(
                    &format!("/api/v1/participation/{request}/extension"),
                    json!({ "until": until, "reason": "Ortstermin mit der Feuerwehr nötig" }),
                )
                .await;
            assert_eq!(asked.status(), StatusCode::OK, "extension asked");
            target(
                format!("/work/cases/{case_id}/participation/{request}/extension"),
                form(&[("grant", "yes")]),
                case_probe(Who::Caseworker, &case_id),
                see_other,
            )
        }
        "/participation/{id}/statement" => {
            let (_, request) = fx.asked_fire_service().await;
            target(
                format!("/participation/{request}/statement"),
                form(&[("verdict", "no_concerns"), ("remarks", "Keine Bedenken.")]),
                request_probe(&request),
                see_other,
            )
        }
        "/participation/{id}/extension" => {
            let (_, request) = fx.asked_fire_service().await;
            let until = fx.later_due(&request).await;
            target(
                format!("/participation/{request}/extension"),
                form(&[("until", &until), ("reason", "Ortstermin nötig")]),
                request_probe(&request),
                see_other,
            )
        }
        "/participation/{id}/attachments" => {
            let (_, request) = fx.asked_fire_service().await;
            target(
                format!("/participation/{request}/attachments"),
                upload("statement_attachment", "csrf: attachment"),
                request_probe(&request),
                see_other,
            )
        }
        other => panic!("no preparation for the route {other}: add one to `prepare`"),
    }
}

// ---------------------------------------------------------------------------------------
// Trying a route

/// One way of sending the form: the cookies and the `csrf` field (none: not sent).
struct Variant {
    label: &'static str,
    cookie: Option<String>,
    token: Option<String>,
}

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
            let wrong = vec![
                Variant {
                    label: "neither cookie nor field",
                    cookie: None,
                    token: None,
                },
                Variant {
                    label: "the field without the cookie",
                    cookie: None,
                    token: Some(a.token.clone()),
                },
                Variant {
                    label: "the cookie without the field",
                    cookie: Some(pair_cookie(&a)),
                    token: None,
                },
                Variant {
                    label: "the cookie with an empty field",
                    cookie: Some(pair_cookie(&a)),
                    token: Some(String::new()),
                },
                Variant {
                    label: "the cookie of one browser, the field of another",
                    cookie: Some(pair_cookie(&a)),
                    token: Some(b.token.clone()),
                },
                Variant {
                    label: "another person's session and its token instead of the pair",
                    cookie: Some(session_cookie(other)),
                    token: Some(other.csrf.clone()),
                },
            ];
            let right = Variant {
                label: "the right pair",
                cookie: Some(pair_cookie(&a)),
                token: Some(a.token),
            };
            (wrong, right)
        }
        (Some(own), Some((_, second))) => {
            let pair = anonymous_pair(fx.server).await;
            let cookie = session_cookie(own);
            let wrong = vec![
                Variant {
                    label: "no token",
                    cookie: Some(cookie.clone()),
                    token: None,
                },
                Variant {
                    label: "an empty token",
                    cookie: Some(cookie.clone()),
                    token: Some(String::new()),
                },
                Variant {
                    label: "the token of another person's session",
                    cookie: Some(cookie.clone()),
                    token: Some(other.csrf.clone()),
                },
                Variant {
                    label: "the token of another session of the same person",
                    cookie: Some(cookie.clone()),
                    token: Some(second.csrf.clone()),
                },
                Variant {
                    label: "the double-submit pair of the login form instead of the session's token",
                    cookie: Some(format!("{cookie}; {}", pair_cookie(&pair))),
                    token: Some(pair.token),
                },
            ];
            let right = Variant {
                label: "the session's own token",
                cookie: Some(cookie),
                token: Some(own.csrf.clone()),
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
        && !to.starts_with("/login")
        && match t.route {
            "/login" | "/register" => new_session.is_some(),
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
async fn try_route(fx: &Fixture<'_>, t: &Target, problems: &mut Vec<String>) {
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
    let audit_after = audit_entries(fx.server).await;
    if audit_after != audit_before {
        let appended = audit_after
            .get(audit_before.len()..)
            .filter(|_| audit_after.starts_with(&audit_before));
        problems.push(format!(
            "{} ({}): the refused forms changed the audit trail: {}",
            t.route,
            t.path,
            match appended {
                Some(entries) => format!("appended {entries:?}"),
                None => format!(
                    "{} entries before, {} after",
                    audit_before.len(),
                    audit_after.len()
                ),
            }
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

#[tokio::test]
async fn every_page_form_refuses_a_missing_or_foreign_csrf_token_and_nothing_changes() {
    let server = Server::start();
    let fx = Fixture::new(&server).await;
    let mut problems = Vec::new();
    for (route, who) in ROUTES {
        let target = prepare(&fx, route, *who).await;
        try_route(&fx, &target, &mut problems).await;
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
