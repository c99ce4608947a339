//! The access matrix: every API operation (from the served OpenAPI document, which is made
//! from the router) and every page route (from the router's source) × every role × the first
//! applicant's ids. Each cell has its expected outcome: those the row names get their answer,
//! everyone else a refusal (401, 403, 404, or the login for pages) with nothing of the data.
//! Writes the row's people may do are not sent (they would change the fixture); reads are.

use std::collections::BTreeMap;

use reqwest::header::COOKIE;
use reqwest::{Method, StatusCode};

use super::browser::{WebSession, browser, location, web_login};
use super::router::page_routes;
use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Role {
    Anonymous,
    /// The applicant whose draft, case, documents and messages the ids are.
    Owner,
    OtherApplicant,
    /// Caseworker and head of unit of the authority the case went to.
    Caseworker,
    Head,
    /// A caseworker of another authority.
    OtherAuthority,
    /// The agency asked in the case's participation, and one that was not asked.
    Agency,
    OtherAgency,
    Admin,
}

use Role::*;

const EVERYONE: &[Role] = &[
    Anonymous,
    Owner,
    OtherApplicant,
    Caseworker,
    Head,
    OtherAuthority,
    Agency,
    OtherAgency,
    Admin,
];
/// Everyone but the anonymous (the first of `EVERYONE`).
const SIGNED_IN: &[Role] = EVERYONE.split_at(1).1;
const APPLICANTS: &[Role] = &[Owner, OtherApplicant];
const CASE_STAFF: &[Role] = &[Caseworker, Head];
const STAFF: &[Role] = &[Caseworker, Head, OtherAuthority];
const AGENCIES: &[Role] = &[Agency, OtherAgency];

/// What a row expects.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Everyone gets an answer (the start page, the service list, the login form).
    Public,
    /// Only these get an answer; everyone else is refused.
    Only(&'static [Role]),
    /// A list of one's own: `allowed` get it (others are refused), and the owner's item
    /// shows in it only for `sees`.
    List {
        allowed: &'static [Role],
        sees: &'static [Role],
    },
    /// The answer depends on the state of the case for the people named (the notice before it
    /// is issued); everyone else is refused.
    StateFor(&'static [Role]),
}

fn api_rule(method: &str, path: &str) -> Rule {
    use Rule::*;
    match (method, path) {
        ("post", "/api/v1/accounts" | "/api/v1/sessions") | ("get", "/api/v1/services") => Public,
        ("delete", "/api/v1/sessions") => Only(SIGNED_IN),
        ("post", "/api/v1/drafts") => Only(APPLICANTS),
        // staff, agencies and admins have no drafts: an empty list
        ("get", "/api/v1/drafts") => List {
            allowed: SIGNED_IN,
            sees: &[Owner],
        },
        (_, p) if p.starts_with("/api/v1/drafts/{id}") => Only(&[Owner]),
        ("get", "/api/v1/cases") => List {
            allowed: &[Owner, OtherApplicant, Caseworker, Head, OtherAuthority],
            sees: &[Owner, Caseworker, Head],
        },
        ("get", "/api/v1/cases/{id}/notice") => StateFor(&[Owner]),
        ("post", "/api/v1/cases/{id}/supplements") => Only(&[Owner]),
        ("get" | "post", "/api/v1/cases/{id}" | "/api/v1/cases/{id}/actions") => {
            Only(&[Owner, Caseworker, Head])
        }
        ("post", "/api/v1/cases/{id}/participation/{request_id}/extension") => Only(CASE_STAFF),
        ("get", "/api/v1/documents/{id}") => Only(&[Owner, Caseworker, Head]),
        ("get", "/api/v1/mailbox") => List {
            allowed: SIGNED_IN,
            sees: &[Owner],
        },
        (_, p) if p.starts_with("/api/v1/mailbox/{id}") => Only(&[Owner]),
        ("get", "/api/v1/directory") => Only(STAFF),
        ("get", "/api/v1/participation") => List {
            allowed: AGENCIES,
            sees: &[Agency],
        },
        (_, p) if p.starts_with("/api/v1/participation/{id}") => Only(&[Agency]),
        ("post", "/api/v1/test/clock") => Only(&[Admin]),
        _ => panic!("the access matrix has no row for {method} {path}: add one"),
    }
}

fn page_rule(method: &str, path: &str) -> Rule {
    use Rule::*;
    match (method, path) {
        ("get", "/" | "/login" | "/register" | "/lang/{code}" | "/assets/{*path}")
        | ("post", "/login" | "/register" | "/logout") => Public,
        ("get", "/applications") => List {
            allowed: APPLICANTS,
            sees: &[Owner],
        },
        ("post", "/drafts") => Only(APPLICANTS),
        (_, p) if p.starts_with("/drafts/{id}") => Only(&[Owner]),
        ("get", "/cases/{id}/notice") => StateFor(&[Owner]),
        // the receipt of the submission is part of the case file the authority's staff see
        ("get", "/cases/{id}/receipt") => Only(&[Owner, Caseworker, Head]),
        (_, p) if p.starts_with("/cases/{id}") => Only(&[Owner]),
        ("get", "/documents/{id}") => Only(&[Owner, Caseworker, Head]),
        ("get", "/mailbox") => List {
            allowed: SIGNED_IN,
            sees: &[Owner],
        },
        (_, p) if p.starts_with("/mailbox/{id}") => Only(&[Owner]),
        ("get", "/work/inbox") => List {
            allowed: STAFF,
            sees: CASE_STAFF,
        },
        (_, p) if p.starts_with("/work/cases/{id}") => Only(CASE_STAFF),
        ("get", "/participation") => List {
            allowed: AGENCIES,
            sees: &[Agency],
        },
        (_, p) if p.starts_with("/participation/{id}") => Only(&[Agency]),
        _ => panic!("the access matrix has no row for page {method} {path}: add one"),
    }
}

/// The first applicant's things, and what must never show to others.
pub(crate) struct Ids {
    pub(crate) draft: String,
    pub(crate) draft_doc: String,
    pub(crate) case: String,
    pub(crate) case_doc: String,
    pub(crate) message: String,
    pub(crate) request: String,
    pub(crate) shared_doc: String,
    /// What no refused answer and no one else's list may show (file number, name).
    pub(crate) secrets: Vec<String>,
    /// The owner's ids: a list shows them only to whom the row says (a refused answer may
    /// echo the id that was asked for).
    pub(crate) listed: Vec<String>,
}

/// The path with the owner's ids in its placeholders.
fn filled(path: &str, ids: &Ids) -> String {
    let area = path.split('{').next().unwrap_or("");
    let first = if area.ends_with("/drafts/") {
        &ids.draft
    } else if area.ends_with("/cases/") {
        &ids.case
    } else if area.ends_with("/documents/") {
        &ids.case_doc
    } else if area.ends_with("/mailbox/") {
        &ids.message
    } else if area.ends_with("/participation/") {
        &ids.request
    } else {
        ""
    };
    let mut out = path.to_string();
    if let Some(at) = out.find("{id}") {
        out.replace_range(at..at + 4, first);
    }
    let doc = if path.contains("/participation/") {
        &ids.shared_doc
    } else {
        &ids.draft_doc
    };
    out.replace("{document_id}", doc)
        .replace("{document}", doc)
        .replace("{doc}", doc)
        .replace("{request}", &ids.request)
        .replace("{request_id}", &ids.request)
        .replace("{n}", "1")
        .replace(
            "{action}",
            if path.starts_with("/work/") {
                "take_over"
            } else {
                "withdraw"
            },
        )
        .replace("{code}", "en")
        .replace("{*path}", "app.css")
}

/// A body of the right shape, so that a refusal is for who asks, not for what is sent.
fn api_body(method: &str, path: &str) -> Option<(Value, &'static str)> {
    let json = |v: Value| Some((v, "json"));
    match (method, path) {
        ("patch", _) => json(json!({ "fields": { "storeys": "9" } })),
        ("post", p)
            if p.ends_with("/documents")
                || p.ends_with("/supplements")
                || p.ends_with("/attachments") =>
        {
            Some((Value::Null, "file"))
        }
        ("post", "/api/v1/cases/{id}/actions") => json(json!({ "action": "withdraw" })),
        ("post", p) if p.ends_with("/participation/{request_id}/extension") => {
            json(json!({ "grant": true }))
        }
        ("post", p) if p.ends_with("/statement") => json(json!({ "verdict": "no_concerns" })),
        ("post", "/api/v1/participation/{id}/extension") => {
            json(json!({ "until": "2099-01-01", "reason": "Prüfung dauert" }))
        }
        ("post", "/api/v1/test/clock") => json(json!({ "advance_days": 1 })),
        ("post", "/api/v1/drafts") => json(json!({ "service_id": "baugenehmigung" })),
        ("post", _) => json(json!({})),
        _ => None,
    }
}

fn is_write(method: &str) -> bool {
    method != "get"
}

/// The API's operations, as the served document lists them.
async fn api_operations(server: &Server) -> Vec<(String, String)> {
    let doc: Value = reqwest::get(server.url("/api/openapi.json"))
        .await
        .expect("document")
        .json()
        .await
        .expect("json");
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                out.push((method.to_string(), path.clone()));
            }
        }
    }
    out
}

pub(crate) struct People<'s> {
    pub(crate) api: BTreeMap<Role, Api<'s>>,
    pub(crate) web: BTreeMap<Role, WebSession>,
}

/// One cell: what was asked, what came back, and whether it is what the row expects.
async fn api_cell(
    server: &Server,
    people: &People<'_>,
    role: Role,
    method: &str,
    template: &str,
    ids: &Ids,
) -> Result<(), String> {
    let path = filled(template, ids);
    let http = reqwest::Client::new();
    let mut request = http.request(
        Method::from_bytes(method.to_uppercase().as_bytes()).expect("method"),
        server.url(&path),
    );
    if let Some(api) = people.api.get(&role) {
        request = request.bearer_auth(&api.token);
    }
    match api_body(method, template) {
        Some((_, "file")) => {
            request = request
                .query(&[("document_type", "lageplan"), ("file_name", "plan.pdf")])
                .body(pdf("fremd"));
        }
        Some((body, _)) => request = request.json(&body),
        None => {}
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    judge(
        api_rule(method, template),
        role,
        method,
        status,
        "",
        &body,
        ids,
    )
}

async fn page_cell(
    server: &Server,
    people: &People<'_>,
    role: Role,
    method: &str,
    template: &str,
    ids: &Ids,
) -> Result<(), String> {
    let path = filled(template, ids);
    let http = browser();
    let session = people.web.get(&role);
    let mut request = if method == "post" {
        let mut fields = vec![(
            "csrf".to_string(),
            session.map(|s| s.csrf.clone()).unwrap_or_default(),
        )];
        fields.push(("verdict".into(), "no_concerns".into()));
        fields.push(("until".into(), "2099-01-01".into()));
        fields.push(("reason".into(), "Prüfung dauert".into()));
        fields.push(("grant".into(), "true".into()));
        http.post(server.url(&path)).form(&fields)
    } else {
        http.get(server.url(&path))
    };
    if let Some(session) = session {
        request = request.header(COOKIE, format!("{SESSION_COOKIE}={}", session.cookie));
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let to = location(&response);
    // a page that sends this person to another of the owner's pages (`/cases/{id}` → the
    // staff view) hands the cell to that page's row: it is judged by what that page answers
    if method == "get"
        && status.is_redirection()
        && !to.starts_with("/login")
        && ids.listed.iter().any(|id| to.contains(id.as_str()))
        && let Some(next) = template_of(to.split('#').next().unwrap_or(""))
        && next != template
    {
        return Box::pin(page_cell(server, people, role, "get", &next, ids)).await;
    }
    let body = response.text().await.unwrap_or_default();
    judge(
        page_rule(method, template),
        role,
        method,
        status,
        &to,
        &body,
        ids,
    )
}

/// The page route a path belongs to.
fn template_of(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    page_routes()
        .into_iter()
        .map(|(_, template)| template)
        .find(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(p, s)| p == s || (p.starts_with('{') && !s.is_empty()))
        })
}

/// Whether an answer fits the cell's rule.
fn judge(
    rule: Rule,
    role: Role,
    method: &str,
    status: StatusCode,
    location: &str,
    body: &str,
    ids: &Ids,
) -> Result<(), String> {
    let answered =
        status.is_success() || (status.is_redirection() && !location.starts_with("/login"));
    // a redirect to a page with none of the owner's ids (a person's own start page) shows
    // nothing of the owner's
    let neutral_redirect = method == "get"
        && status.is_redirection()
        && !ids.listed.iter().any(|id| location.contains(id.as_str()));
    let refused = matches!(status.as_u16(), 401 | 403 | 404)
        || (status.is_redirection() && location.starts_with("/login"))
        || neutral_redirect;
    // the owner sees their own name everywhere; the asked agency knows the case by its file
    // number and applicant (its request says so)
    let leaks = ids
        .secrets
        .iter()
        .filter(|_| !matches!(role, Owner | Agency))
        .find(|s| body.contains(s.as_str()));
    if let Rule::Public = rule {
        return Ok(());
    }
    let allowed = rule.lets(role);
    if !allowed {
        if !refused {
            return Err(format!("not refused: {status} {location}"));
        }
        if let Some(secret) = leaks {
            return Err(format!("refused ({status}) but shows {secret}"));
        }
        return Ok(());
    }
    match rule {
        Rule::List { sees, .. } => {
            if !answered {
                return Err(format!("own list not answered: {status} {location}"));
            }
            // the asked agency's own messages name the case it was asked about
            let shown = ids
                .listed
                .iter()
                .filter(|id| role != Agency || (**id != ids.case && **id != ids.request))
                .chain(leaks)
                .find(|s| body.contains(s.as_str()));
            match shown {
                Some(item) if !sees.contains(&role) => {
                    Err(format!("the list shows the owner's {item}"))
                }
                _ => Ok(()),
            }
        }
        Rule::Only(_) if method == "get" && !answered => {
            Err(format!("may read it but got {status} {location}"))
        }
        _ => Ok(()),
    }
}

impl Rule {
    /// Whether the row lets this role have its answer.
    fn lets(self, role: Role) -> bool {
        match self {
            Rule::Public => true,
            Rule::Only(r) | Rule::StateFor(r) | Rule::List { allowed: r, .. } => r.contains(&role),
        }
    }
}

/// The cells to try: every role on every route, except the writes a row allows (sending them
/// would change the fixture).
fn cells_of(
    routes: Vec<(String, String)>,
    rule: fn(&str, &str) -> Rule,
) -> Vec<(Role, String, String)> {
    let mut cells = Vec::new();
    for (method, path) in routes {
        for &role in EVERYONE {
            if !(rule(&method, &path).lets(role) && is_write(&method)) {
                cells.push((role, method.clone(), path.clone()));
            }
        }
    }
    cells
}

/// Runs the whole matrix; returns the cells that do not fit, and how many were tried.
pub(crate) async fn run(server: &Server, people: &People<'_>, ids: &Ids) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let api = cells_of(api_operations(server).await, api_rule);
    let pages = cells_of(page_routes().into_iter().collect(), page_rule);
    let cells = api.len() + pages.len();
    for (role, method, path) in api {
        if let Err(what) = api_cell(server, people, role, &method, &path, ids).await {
            problems.push(format!("{role:?} {} {path}: {what}", method.to_uppercase()));
        }
    }
    for (role, method, path) in pages {
        if let Err(what) = page_cell(server, people, role, &method, &path, ids).await {
            problems.push(format!(
                "{role:?} page {} {path}: {what}",
                method.to_uppercase()
            ));
        }
    }
    (problems, cells)
}

/// Everyone's sessions, API and pages.
pub(crate) async fn people<'s>(server: &'s Server, owner: Api<'s>, other: Api<'s>) -> People<'s> {
    let logins = [
        (Caseworker, CASEWORKER, PASSWORD),
        (Head, HEAD, PASSWORD),
        (OtherAuthority, "gewerbeamt@demo.amtsweg.de", PASSWORD),
        (Agency, "brandschutz@demo.amtsweg.de", PASSWORD),
        (OtherAgency, "denkmalschutz@demo.amtsweg.de", PASSWORD),
        (Admin, "admin@demo.amtsweg.de", PASSWORD),
    ];
    let mut web = BTreeMap::new();
    web.insert(
        Owner,
        web_login(server, "owner@example.org", "ein-langes-Passwort-1").await,
    );
    web.insert(
        OtherApplicant,
        web_login(server, "mallory@example.org", "ein-langes-Passwort-1").await,
    );
    let mut api = BTreeMap::new();
    api.insert(Owner, owner);
    api.insert(OtherApplicant, other);
    for (role, email, password) in logins {
        api.insert(role, login(server, email, password).await);
        web.insert(role, web_login(server, email, password).await);
    }
    People { api, web }
}
