//! Participation in the API: the directory and the caseworker's decision on extensions; the
//! agency inbox, the request, statements, extension requests and attachments for agencies.

use std::sync::Arc;

use crate::app::views::{PartyInfo, PartyRequestItem};
use amtsweg_domain::case::ConditionItem;
use amtsweg_domain::participation::{self, Answer, ParticipationRequest, Statement};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    ApiId, ApiIds, ApiJson, ApiQuery, ApiUser, ConditionOut, DocumentOut, Problem, Result,
    body_stream, file_response, lang_err,
};
use crate::App;
use crate::app::UploadSource;

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryPartyOut {
    pub id: Uuid,
    pub name: String,
    /// `agency` or `municipality`.
    pub kind: String,
    /// e.g. `fire_protection`, `municipal_consent`.
    pub topic: String,
    pub topic_label_de: String,
    pub topic_label_en: String,
}

impl From<&PartyInfo> for DirectoryPartyOut {
    fn from(d: &PartyInfo) -> Self {
        let label = participation::topic_label(&d.topic);
        DirectoryPartyOut {
            id: d.party.id,
            name: d.party.name.clone(),
            kind: d.party.kind.code().into(),
            topic: d.topic.clone(),
            topic_label_de: label.de,
            topic_label_en: label.en,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionOut {
    pub until: String,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerOut {
    /// `no_concerns`, `conditions`, `objection`, `consent_given`, `consent_refused`, or for
    /// silence `deemed_no_concerns`, `deemed_consent`.
    pub verdict: String,
    pub label_de: String,
    pub label_en: String,
    pub conditions: Vec<ConditionOut>,
    pub remarks: Option<String>,
    pub reasons: Option<String>,
    pub attachment_ids: Vec<Uuid>,
    /// The day of the answer (for silence: the day the deadline ended).
    pub on: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationOut {
    pub id: Uuid,
    pub party_id: Uuid,
    /// `agency` or `municipality`.
    pub party_kind: String,
    pub party_name: String,
    /// The deadline rule, e.g. `agency_statements`, `municipal_consent`.
    pub rule: String,
    pub question: String,
    pub shared_document_ids: Vec<Uuid>,
    pub requested_on: String,
    pub due: String,
    pub extensions: u32,
    pub pending_extension: Option<ExtensionOut>,
    /// `open`, `answered` or `deemed`.
    pub status: String,
    pub answer: Option<AnswerOut>,
}

impl From<&ParticipationRequest> for ParticipationOut {
    fn from(p: &ParticipationRequest) -> Self {
        let answer = p.answer.as_ref().map(|a| {
            let label = a.label();
            match a {
                Answer::Party {
                    statement,
                    attachment_ids,
                    on,
                } => {
                    let (conditions, remarks, reasons) = super::dto::statement_parts(statement);
                    AnswerOut {
                        verdict: statement.code().into(),
                        label_de: label.de,
                        label_en: label.en,
                        conditions,
                        remarks,
                        reasons,
                        attachment_ids: attachment_ids.clone(),
                        on: on.to_string(),
                    }
                }
                Answer::Deemed { consequence, on } => AnswerOut {
                    verdict: consequence.code().into(),
                    label_de: label.de,
                    label_en: label.en,
                    conditions: vec![],
                    remarks: None,
                    reasons: None,
                    attachment_ids: vec![],
                    on: on.to_string(),
                },
            }
        });
        ParticipationOut {
            id: p.id,
            party_id: p.party_id,
            party_kind: p.party_kind.code().into(),
            party_name: p.party_name.clone(),
            rule: p.rule.clone(),
            question: p.question.clone(),
            shared_document_ids: p.shared_document_ids.clone(),
            requested_on: p.requested_on.to_string(),
            due: p.due.to_string(),
            extensions: p.extensions,
            pending_extension: p.pending_extension.as_ref().map(|e| ExtensionOut {
                until: e.until.to_string(),
                reason: e.reason.clone(),
            }),
            status: match &p.answer {
                None => "open",
                Some(Answer::Party { .. }) => "answered",
                Some(Answer::Deemed { .. }) => "deemed",
            }
            .into(),
            answer,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyRequestSummaryOut {
    pub id: Uuid,
    pub file_number: String,
    pub service_id: String,
    pub site_address: String,
    pub open: bool,
    pub due: String,
    pub requested_at: String,
}

impl From<&PartyRequestItem> for PartyRequestSummaryOut {
    fn from(s: &PartyRequestItem) -> Self {
        PartyRequestSummaryOut {
            id: s.request_id,
            file_number: s.file_number.to_string(),
            service_id: s.service_id.clone(),
            site_address: s.site_address.clone(),
            open: s.open,
            due: s.due.to_string(),
            requested_at: s.requested_on.to_string(),
        }
    }
}

/// A request as its agency sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyRequestOut {
    pub request: ParticipationOut,
    pub file_number: String,
    pub service_name: String,
    pub requesting_authority: String,
    pub site_address: String,
    /// The construction project.
    pub subject: String,
    pub rule_label_de: Option<String>,
    pub rule_label_en: Option<String>,
    /// The legal source of the deadline.
    pub rule_source: Option<String>,
    /// What silence means, e.g. "Keine Bedenken (Fiktion)".
    pub consequence_de: Option<String>,
    pub consequence_en: Option<String>,
    pub shared_documents: Vec<DocumentOut>,
    pub attachments: Vec<DocumentOut>,
    /// The latest date an extension may reach, if one can be asked for.
    pub extension_limit: Option<String>,
    /// The request is open and its case not closed: a statement can be given.
    pub answerable: bool,
}

/// A statement. Agencies: `no_concerns`, `conditions`, `objection`; the municipality:
/// `consent_given`, `consent_refused`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum StatementRequest {
    NoConcerns {
        #[serde(default)]
        #[schema(max_length = 5000)]
        remarks: String,
    },
    Conditions {
        #[schema(min_items = 1, max_items = 200)]
        conditions: Vec<ConditionOut>,
        #[serde(default)]
        #[schema(max_length = 5000)]
        remarks: String,
    },
    Objection {
        #[schema(min_length = 1, max_length = 5000)]
        reasons: String,
    },
    ConsentGiven {
        #[serde(default)]
        #[schema(max_length = 5000)]
        remarks: String,
    },
    ConsentRefused {
        #[schema(min_length = 1, max_length = 5000)]
        reasons: String,
    },
}

impl From<StatementRequest> for Statement {
    fn from(s: StatementRequest) -> Self {
        match s {
            StatementRequest::NoConcerns { remarks } => Statement::NoConcerns { remarks },
            StatementRequest::Conditions {
                conditions,
                remarks,
            } => Statement::Conditions {
                conditions: conditions
                    .into_iter()
                    .map(|c| ConditionItem {
                        kind: c.kind,
                        text: c.text,
                        source: None,
                    })
                    .collect(),
                remarks,
            },
            StatementRequest::Objection { reasons } => Statement::Objection { reasons },
            StatementRequest::ConsentGiven { remarks } => Statement::ConsentGiven { remarks },
            StatementRequest::ConsentRefused { reasons } => Statement::ConsentRefused { reasons },
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ExtensionRequestIn {
    /// `YYYY-MM-DD`
    #[schema(format = Date)]
    pub until: String,
    #[schema(min_length = 1, max_length = 5000)]
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ExtensionDecisionIn {
    pub grant: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttachmentParams {
    /// The file's name as the user knows it.
    pub file_name: String,
}

/// Staff: the agencies and municipalities the authority may ask.
#[utoipa::path(get, path = "/api/v1/directory", tag = "participation", security(("bearer" = [])),
    responses((status = 200, body = Vec<DirectoryPartyOut>), (status = 403, body = Problem)))]
pub async fn list_directory(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
) -> Result<Json<Vec<DirectoryPartyOut>>> {
    let directory = app.directory(&who).await.map_err(lang_err(&headers))?;
    Ok(Json(
        directory.iter().map(DirectoryPartyOut::from).collect(),
    ))
}

/// Staff: grant or refuse an agency's request for more time.
#[utoipa::path(post, path = "/api/v1/cases/{id}/participation/{request_id}/extension", tag = "participation", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("request_id" = Uuid, Path)), request_body = ExtensionDecisionIn,
    responses((status = 200, body = ParticipationOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide_extension(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiIds(case_id, request_id): ApiIds,
    ApiJson(body): ApiJson<ExtensionDecisionIn>,
) -> Result<Json<ParticipationOut>> {
    let request = app
        .decide_extension(&who, case_id, request_id, body.grant)
        .await
        .map_err(lang_err(&headers))?;
    Ok(Json(ParticipationOut::from(&request)))
}

/// Agencies: the requests to my agency or municipality, open ones first.
#[utoipa::path(get, path = "/api/v1/participation", tag = "participation", security(("bearer" = [])),
    responses((status = 200, body = Vec<PartyRequestSummaryOut>), (status = 403, body = Problem)))]
pub async fn party_inbox(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
) -> Result<Json<Vec<PartyRequestSummaryOut>>> {
    let requests = app.party_inbox(&who).await.map_err(lang_err(&headers))?;
    Ok(Json(
        requests.iter().map(PartyRequestSummaryOut::from).collect(),
    ))
}

/// Agencies: one request, with what was shared.
#[utoipa::path(get, path = "/api/v1/participation/{id}", tag = "participation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = PartyRequestOut), (status = 404, body = Problem)))]
pub async fn party_request(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
) -> Result<Json<PartyRequestOut>> {
    let view = app
        .party_request_view(&who, id)
        .await
        .map_err(lang_err(&headers))?;
    let consequence = view.rule.as_ref().map(|r| r.on_expiry.label());
    Ok(Json(PartyRequestOut {
        request: ParticipationOut::from(&view.request),
        file_number: view.file_number.to_string(),
        service_name: view.service_name.de,
        requesting_authority: view.requesting_authority,
        site_address: view.site_address,
        subject: view.subject,
        rule_label_de: view.rule.as_ref().map(|r| r.label.de.clone()),
        rule_label_en: view.rule.as_ref().map(|r| r.label.en.clone()),
        rule_source: view.rule.as_ref().map(|r| r.source.clone()),
        consequence_de: consequence.as_ref().map(|c| c.de.clone()),
        consequence_en: consequence.map(|c| c.en),
        shared_documents: view
            .shared_documents
            .iter()
            .map(DocumentOut::from)
            .collect(),
        attachments: view.attachments.iter().map(DocumentOut::from).collect(),
        extension_limit: view.extension_limit.map(|d| d.to_string()),
        answerable: view.answerable,
    }))
}

/// Agencies: answer the request. Attachments uploaded before are handed in with it.
#[utoipa::path(post, path = "/api/v1/participation/{id}/statement", tag = "participation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = StatementRequest,
    responses((status = 200, body = ParticipationOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn give_statement(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<StatementRequest>,
) -> Result<Json<ParticipationOut>> {
    let request = app
        .give_statement(&who, id, body.into())
        .await
        .map_err(lang_err(&headers))?;
    Ok(Json(ParticipationOut::from(&request)))
}

/// Agencies: ask for more time (where the rule allows an extension).
#[utoipa::path(post, path = "/api/v1/participation/{id}/extension", tag = "participation", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = ExtensionRequestIn,
    responses((status = 200, body = ParticipationOut), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn request_extension(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<ExtensionRequestIn>,
) -> Result<Json<ParticipationOut>> {
    let request = app
        .request_extension(&who, id, &body.until, &body.reason)
        .await
        .map_err(lang_err(&headers))?;
    Ok(Json(ParticipationOut::from(&request)))
}

/// Agencies: upload an attachment for the statement (PDF, PNG or JPEG; streamed).
#[utoipa::path(post, path = "/api/v1/participation/{id}/attachments", tag = "participation", security(("bearer" = [])),
    params(("id" = Uuid, Path), AttachmentParams), request_body(content = super::FileBytes, content_type = "application/octet-stream"),
    responses((status = 201, body = DocumentOut), (status = 404, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem)))]
pub async fn upload_attachment(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
    ApiQuery(params): ApiQuery<AttachmentParams>,
    body: Body,
) -> Result<(StatusCode, Json<DocumentOut>)> {
    let upload = UploadSource {
        document_type: "statement_attachment".into(),
        file_name: params.file_name,
        body: body_stream(body),
    };
    let document = app
        .upload_statement_attachment(&who, id, upload)
        .await
        .map_err(lang_err(&headers))?;
    Ok((StatusCode::CREATED, Json(DocumentOut::from(&document))))
}

/// Agencies: a document shared with the request (or an own attachment).
#[utoipa::path(get, path = "/api/v1/participation/{id}/documents/{document_id}", tag = "participation", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("document_id" = Uuid, Path)),
    responses((status = 200, description = "The document in its content type (as uploaded and checked)", content(
        (super::FileBytes = "application/pdf"), (super::FileBytes = "image/png"), (super::FileBytes = "image/jpeg"), (super::FileBytes = "image/tiff"))),
        (status = 404, body = Problem)))]
pub async fn shared_document(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiIds(id, document_id): ApiIds,
) -> Result<Response> {
    Ok(file_response(
        app.download_shared_document(&who, id, document_id)
            .await
            .map_err(lang_err(&headers))?,
    ))
}
