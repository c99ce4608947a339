//! The people, and what each route is tried on.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::Who;
use crate::browser::{WebSession, browser, web_login};
use crate::common::*;
use crate::{APPLICANT, FIRE, NEW_ACCOUNT, NEW_PASSWORD, OTHER_PERSON, REGISTERED_PASSWORD};

pub(crate) struct Fixture<'s> {
    pub(crate) server: &'s Server,
    pub(crate) http: Client,
    applicant: Api<'s>,
    caseworker: Api<'s>,
    fire: Api<'s>,
    fire_party: String,
    /// Per person: the session that acts, and a second session of the same person.
    applicant_sessions: (WebSession, WebSession),
    caseworker_sessions: (WebSession, WebSession),
    fire_sessions: (WebSession, WebSession),
    /// The session of another person.
    pub(crate) other_person: WebSession,
}

impl<'s> Fixture<'s> {
    pub(crate) async fn new(server: &'s Server) -> Fixture<'s> {
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

    pub(crate) fn api(&self, who: Who) -> &Api<'s> {
        match who {
            Who::Applicant => &self.applicant,
            Who::Caseworker => &self.caseworker,
            Who::Agency => &self.fire,
            Who::Anonymous => panic!("no API client for the anonymous"),
        }
    }

    pub(crate) fn sessions(&self, who: Who) -> Option<&(WebSession, WebSession)> {
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

pub(crate) enum Body {
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
pub(crate) enum Probe {
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
pub(crate) struct Target {
    pub(crate) route: &'static str,
    pub(crate) who: Who,
    pub(crate) path: String,
    /// Further paths of the same route (other actions), refused alike; not sent with the token.
    pub(crate) also: Vec<String>,
    pub(crate) body: Body,
    pub(crate) probe: Probe,
    /// The session of the person who may do this; its token is the right one.
    pub(crate) session: Option<WebSession>,
    /// The status of the same request with the right token.
    pub(crate) allowed: StatusCode,
}

/// A resource on which `who` may use `route`, and how to see that it changed.
pub(crate) async fn prepare(fx: &Fixture<'_>, route: &'static str, who: Who) -> Target {
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
        "/mailbox/{id}/read" => {
            submitted_case(&fx.applicant).await;
            let mailbox = fx.applicant.json("/api/v1/mailbox").await;
            let id = mailbox[0]["id"].as_str().expect("message id").to_string();
            target(
                format!("/mailbox/{id}/read"),
                form(&[]),
                Probe::Api(Who::Applicant, vec![format!("/api/v1/mailbox/{id}")]),
                see_other,
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
