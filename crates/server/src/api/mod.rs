//! The JSON API under `/api/v1`, documented by the OpenAPI 3.1 document at
//! `/api/openapi.json`, which is generated from these handlers.

mod auth;
mod document;
mod dto;
mod mailbox;
mod participation;
mod problem;
mod test_clock;

use std::sync::Arc;

use amtsweg_domain::policy::Role;
use amtsweg_domain::policy::SessionKind;
use amtsweg_domain::text::instant_text;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use futures_util::TryStreamExt;
use serde::Deserialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use auth::ApiUser;
pub use dto::*;
pub use problem::{ApiError, ApiId, ApiIds, ApiJson, ApiQuery, Problem, ProblemField, lang_of};

use crate::App;
use crate::app::{AppError, DocumentDownload, InboxFilter, NewAccount, UploadSource};

type Result<T> = std::result::Result<T, ApiError>;

fn lang_err(headers: &HeaderMap) -> impl Fn(AppError) -> ApiError + '_ {
    move |e| ApiError::from(e).in_lang(headers)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "amtsweg API", description = "Anträge stellen und bearbeiten, Ende-zu-Ende. Authentication: `POST /api/v1/sessions`, then `Authorization: Bearer <token>`. Errors are RFC 7807 problem details (`application/problem+json`) with a stable `code`; `Accept-Language: en` gives English messages.", license(name = "EUPL-1.2")),
    modifiers(&BearerAuth),
    components(schemas(Problem, ProblemField))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API document (served as `/api/openapi.json`).
pub fn openapi(app: Arc<App>) -> utoipa::openapi::OpenApi {
    routes(app).1
}

/// The API routes and `/api/openapi.json`.
pub fn router(app: Arc<App>) -> Router {
    let (router, openapi) = routes(app.clone());
    let json = openapi.to_pretty_json().unwrap_or_default();
    router
        .layer(axum::extract::DefaultBodyLimit::max(
            problem::JSON_BODY_LIMIT,
        ))
        // answers carry personal data: no cache, shared or private, keeps them
        .layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            ),
        )
        .route(
            "/readyz",
            axum::routing::get(move || {
                let app = app.clone();
                async move { readiness(&app).await }
            }),
        )
        .route("/api/{*rest}", axum::routing::any(unknown_route))
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let json = json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], json) }
            }),
        )
}

/// The routes of the API with their OpenAPI document, made from the same handlers.
fn routes(app: Arc<App>) -> (Router, utoipa::openapi::OpenApi) {
    let (router, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(register))
        .routes(routes!(login, logout))
        .routes(routes!(list_services))
        .routes(routes!(create_draft, list_drafts))
        .routes(routes!(get_draft, patch_draft))
        .routes(routes!(upload_draft_document))
        .routes(routes!(delete_draft_document))
        .routes(routes!(submit_draft))
        .routes(routes!(list_cases))
        .routes(routes!(get_case))
        .routes(routes!(act_on_case))
        .routes(routes!(upload_supplement))
        .routes(routes!(retrieve_notice))
        .routes(routes!(download_document))
        .routes(routes!(mailbox::list_messages))
        .routes(routes!(mailbox::read_message))
        .routes(routes!(mailbox::mark_message_read))
        .routes(routes!(participation::list_directory))
        .routes(routes!(participation::decide_extension))
        .routes(routes!(participation::party_inbox))
        .routes(routes!(participation::party_request))
        .routes(routes!(participation::give_statement))
        .routes(routes!(participation::request_extension))
        .routes(routes!(participation::upload_attachment))
        .routes(routes!(participation::shared_document))
        .routes(routes!(test_clock::move_test_clock))
        .with_state(app)
        .split_for_parts();
    document::document_problems(&mut openapi);
    (router, openapi)
}

/// `GET /readyz`: 200 `ready` when the database answers with this build's schema and
/// documents can be written; otherwise 503 with the reason (for load balancers and operators;
/// `/healthz` only says that the process is alive).
async fn readiness(app: &App) -> axum::response::Response {
    use axum::response::IntoResponse;
    match app.not_ready().await {
        None => (StatusCode::OK, "ready").into_response(),
        Some(reason) => {
            tracing::warn!(%reason, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(
                    header::RETRY_AFTER,
                    crate::app::RETRY_AFTER_UNAVAILABLE_SECS.to_string(),
                )],
                format!("not ready: {reason}"),
            )
                .into_response()
        }
    }
}

/// Register an applicant or architect account. The answer is the same whether the address is
/// new or has an account already (its owner is told in their mailbox): log in next.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = RegisterRequest,
    responses((status = 202, body = RegistrationOut), (status = 422, body = Problem)))]
async fn register(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<RegistrationOut>)> {
    let role = Role::parse(&body.role)
        .filter(|r| r.is_applicant_side())
        .ok_or_else(|| {
            ApiError::from(AppError::bad_request(
                "invalid_role",
                "Rolle muss „applicant“ oder „architect“ sein.",
                "Role must be 'applicant' or 'architect'.",
            ))
            .in_lang(&headers)
        })?;
    app.register(NewAccount {
        email: body.email,
        password: body.password,
        display_name: body.display_name,
        role,
        authority_id: None,
    })
    .await
    .map_err(lang_err(&headers))?;
    let message = crate::app::registration_received()
        .get(problem::lang_of(&headers))
        .to_string();
    Ok((StatusCode::ACCEPTED, Json(RegistrationOut { message })))
}

/// Log in: returns a bearer token (a new one every time).
#[utoipa::path(post, path = "/api/v1/sessions", tag = "accounts", request_body = LoginRequest,
    responses((status = 201, body = SessionOut), (status = 400, body = Problem)))]
async fn login(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    client: crate::limits::ClientAddr,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<(StatusCode, Json<SessionOut>)> {
    let login = app
        .login(&body.email, &body.password, SessionKind::Api, client.0)
        .await
        .map_err(lang_err(&headers))?;
    Ok((
        StatusCode::CREATED,
        Json(SessionOut {
            token: login.token,
            expires_at: instant_text(login.expires_at),
            user: UserOut::from(&login.user),
        }),
    ))
}

/// Log out: ends the session of the token.
#[utoipa::path(delete, path = "/api/v1/sessions", tag = "accounts", security(("bearer" = [])), responses((status = 204)))]
async fn logout(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
) -> Result<StatusCode> {
    app.logout(&who).await.map_err(lang_err(&headers))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The services on offer, with their whole definitions.
#[utoipa::path(get, path = "/api/v1/services", tag = "services", responses((status = 200, body = Vec<ServiceOut>)))]
async fn list_services(State(app): State<Arc<App>>) -> Json<Vec<ServiceOut>> {
    Json(
        app.services
            .all()
            .map(|s| ServiceOut {
                id: s.id.clone(),
                version: s.version.clone(),
                name_de: s.name.de.clone(),
                name_en: s.name.en.clone(),
                definition: serde_json::to_value(s).unwrap_or_default(),
            })
            .collect(),
    )
}

async fn draft_out(
    app: &App,
    who: &crate::app::Principal,
    id: uuid::Uuid,
) -> std::result::Result<DraftOut, AppError> {
    let view = app.draft_view(who, id).await?;
    let responsible = if view.draft.case_id.is_some() {
        None
    } else {
        Some(ResponsibleOut::from(
            &app.responsible_for(view.service, &view.form).await?,
        ))
    };
    Ok(DraftOut {
        id: view.draft.id,
        service_id: view.draft.service_id.clone(),
        service_version: view.draft.service_version.clone(),
        fields: view.form.clone(),
        documents: view.documents.iter().map(DocumentOut::from).collect(),
        missing_documents: view
            .missing_documents
            .iter()
            .map(|d| d.id.clone())
            .collect(),
        updated_at: instant_text(view.draft.updated_at),
        case_id: view.draft.case_id,
        responsible,
    })
}

/// Start an application (a draft) for a service.
#[utoipa::path(post, path = "/api/v1/drafts", tag = "drafts", security(("bearer" = [])), request_body = NewDraftRequest,
    responses((status = 201, body = DraftOut), (status = 404, body = Problem)))]
async fn create_draft(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewDraftRequest>,
) -> Result<(StatusCode, Json<DraftOut>)> {
    let draft = app
        .create_draft(&who, &body.service_id)
        .await
        .map_err(lang_err(&headers))?;
    let out = draft_out(&app, &who, draft.id)
        .await
        .map_err(lang_err(&headers))?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// My drafts not yet submitted.
#[utoipa::path(get, path = "/api/v1/drafts", tag = "drafts", security(("bearer" = [])), responses((status = 200, body = Vec<DraftOut>)))]
async fn list_drafts(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
) -> Result<Json<Vec<DraftOut>>> {
    let drafts = app.drafts(&who).await.map_err(lang_err(&headers))?;
    let mut out = Vec::with_capacity(drafts.len());
    for d in drafts {
        out.push(
            draft_out(&app, &who, d.id)
                .await
                .map_err(lang_err(&headers))?,
        );
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/drafts/{id}", tag = "drafts", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = DraftOut), (status = 404, body = Problem)))]
async fn get_draft(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
) -> Result<Json<DraftOut>> {
    Ok(Json(
        draft_out(&app, &who, id)
            .await
            .map_err(lang_err(&headers))?,
    ))
}

/// Save values of the form. Values must be well-formed; required fields are checked at submission.
#[utoipa::path(patch, path = "/api/v1/drafts/{id}", tag = "drafts", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)), request_body = DraftPatch,
    responses((status = 200, body = DraftOut), (status = 422, body = Problem), (status = 409, body = Problem)))]
async fn patch_draft(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<DraftPatch>,
) -> Result<Json<DraftOut>> {
    app.save_draft(&who, id, body.fields)
        .await
        .map_err(lang_err(&headers))?;
    Ok(Json(
        draft_out(&app, &who, id)
            .await
            .map_err(lang_err(&headers))?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UploadParams {
    /// A document type of the service, e.g. `lageplan`.
    document_type: String,
    /// The file's name as the user knows it.
    file_name: String,
}

fn body_stream(
    body: Body,
) -> impl futures_util::Stream<Item = std::result::Result<bytes::Bytes, axum::Error>> + Unpin {
    body.into_data_stream().into_stream()
}

/// Upload a document: the request body is the file, streamed to disk. The content type is
/// recognised from the bytes (PDF, PNG, JPEG, TIFF), never from the name.
#[utoipa::path(post, path = "/api/v1/drafts/{id}/documents", tag = "drafts", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path), UploadParams), request_body(content = FileBytes, content_type = "application/octet-stream"),
    responses((status = 201, body = DocumentOut), (status = 413, body = Problem), (status = 415, body = Problem)))]
async fn upload_draft_document(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
    ApiQuery(params): ApiQuery<UploadParams>,
    body: Body,
) -> Result<(StatusCode, Json<DocumentOut>)> {
    let upload = UploadSource {
        document_type: params.document_type,
        file_name: params.file_name,
        body: body_stream(body),
    };
    let document = app
        .upload_draft_document(&who, id, upload)
        .await
        .map_err(lang_err(&headers))?;
    Ok((StatusCode::CREATED, Json(DocumentOut::from(&document))))
}

#[utoipa::path(delete, path = "/api/v1/drafts/{id}/documents/{document_id}", tag = "drafts", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path), ("document_id" = uuid::Uuid, Path)), responses((status = 204), (status = 404, body = Problem)))]
async fn delete_draft_document(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiIds(id, document_id): ApiIds,
) -> Result<StatusCode> {
    app.delete_draft_document(&who, id, document_id)
        .await
        .map_err(lang_err(&headers))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SubmitParams {
    /// Where several authorities are responsible for the place of the application (see
    /// `responsible` of the draft): the one chosen. Not needed when one is responsible.
    authority_id: Option<uuid::Uuid>,
}

/// Submit the application to the authority responsible for its place. Send an
/// `Idempotency-Key` header: a retry with the same key (or a second submission of the same
/// draft) returns the first case with status 200. 422 `choose_authority` when several are
/// responsible and none was chosen, `no_responsible_authority` when none is; 409
/// `idempotency_key_reused` when the key was used for another draft (this one stays a draft).
#[utoipa::path(post, path = "/api/v1/drafts/{id}/submit", tag = "drafts", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path), ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,200}$", description = "1–200 printable ASCII characters; the same key returns the same case"), SubmitParams),
    responses((status = 201, body = ReceiptOut), (status = 200, body = ReceiptOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn submit_draft(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
    ApiQuery(params): ApiQuery<SubmitParams>,
) -> Result<(StatusCode, Json<ReceiptOut>)> {
    let key = headers
        .get("idempotency-key")
        .map(|v| v.to_str().map(str::to_string).unwrap_or_default());
    let result = app
        .submit(&who, id, key, params.authority_id)
        .await
        .map_err(lang_err(&headers))?;
    let status = if result.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(ReceiptOut {
            case_id: result.case.id,
            file_number: result.case.file_number.to_string(),
            received_at: instant_text(result.case.submitted_at),
            created: result.created,
        }),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CaseListParams {
    /// Staff: only cases in this state.
    state: Option<String>,
    /// Staff: file number, applicant name or address.
    #[param(max_length = 200)]
    q: Option<String>,
    /// Staff: page (50 per page), from 0.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 1_000_000)]
    page: Option<u32>,
    /// Staff: only cases with a deadline within this many days (0: due today or overdue).
    /// The bound is the inbox's (`app::MAX_DUE_WITHIN_DAYS`).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 366)]
    due_within: Option<u32>,
}

/// The page bound the document declares, kept by the handler too.
const MAX_PAGE: u32 = 1_000_000;

impl CaseListParams {
    /// The bounds the document declares, for everyone (an applicant's list ignores the staff
    /// filters, but does not accept what the document says is invalid).
    fn check(&self) -> std::result::Result<(), AppError> {
        if self
            .q
            .as_ref()
            .is_some_and(|q| q.chars().count() > crate::app::MAX_SEARCH_CHARS)
            || self
                .due_within
                .is_some_and(|d| d > crate::app::MAX_DUE_WITHIN_DAYS)
        {
            return Err(AppError::bad_request(
                "invalid_query",
                format!(
                    "Ungültige Abfrageparameter: q höchstens 200 Zeichen, due_within höchstens {} Tage.",
                    crate::app::MAX_DUE_WITHIN_DAYS
                ),
                format!(
                    "Invalid query parameters: q at most 200 characters, due_within at most {} days.",
                    crate::app::MAX_DUE_WITHIN_DAYS
                ),
            ));
        }
        if self.page.is_some_and(|p| p > MAX_PAGE) {
            return Err(AppError::bad_request(
                "invalid_query",
                format!("Ungültige Abfrageparameter: page höchstens {MAX_PAGE}."),
                format!("Invalid query parameters: page at most {MAX_PAGE}."),
            ));
        }
        Ok(())
    }
}

/// Applicants: their own cases. Staff: the inbox of their authority, nearest deadline first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), params(CaseListParams),
    responses((status = 200, body = Vec<CaseSummaryOut>)))]
async fn list_cases(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiQuery(params): ApiQuery<CaseListParams>,
) -> Result<Json<Vec<CaseSummaryOut>>> {
    params.check().map_err(lang_err(&headers))?;
    let cases = if who.user.role.is_applicant_side() {
        app.my_cases(&who).await
    } else {
        app.inbox(
            &who,
            InboxFilter {
                state: params.state,
                search: params.q,
                due_within_days: params.due_within,
                page: params.page.unwrap_or(0),
            },
        )
        .await
    }
    .map_err(lang_err(&headers))?;
    Ok(Json(cases.iter().map(CaseSummaryOut::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = CaseOut), (status = 404, body = Problem)))]
async fn get_case(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
) -> Result<Json<CaseOut>> {
    let view = app.case_view(&who, id).await.map_err(lang_err(&headers))?;
    let r = &view.record;
    let state = view.service.process.state(&r.state);
    Ok(Json(CaseOut {
        id: r.id,
        file_number: r.file_number.to_string(),
        service_id: r.service_id.clone(),
        service_version: r.service_version.clone(),
        state: r.state.clone(),
        state_label_de: state.map(|s| s.label.de.clone()).unwrap_or_default(),
        state_label_en: state.map(|s| s.label.en.clone()).unwrap_or_default(),
        portal_status: state.map(|s| s.portal_status.clone()).unwrap_or_default(),
        version: r.version,
        applicant_name: r.applicant_name.clone(),
        site_address: r.site_address.clone(),
        assignee_id: r.assignee_id,
        submitted_at: instant_text(r.submitted_at),
        next_deadline: r.next_deadline.map(|d| d.to_string()),
        open_request: r.case.open_request.as_ref().map(|q| RequestOut {
            defects: q.defects.clone(),
            deadline: q.deadline.to_string(),
        }),
        decision: if who.user.role.is_staff() || r.case.notice_document_id.is_some() {
            r.case.decision.as_ref().map(dto::decision_out)
        } else {
            None
        },
        notice_document_id: r.case.notice_document_id,
        fields: view.form.clone(),
        documents: view.documents.iter().map(DocumentOut::from).collect(),
        events: view
            .events
            .iter()
            .map(|e| EventOut::of(e, who.user.role.is_applicant_side()))
            .collect(),
        deadlines: view.deadlines.iter().map(DeadlineOut::from).collect(),
        participations: if who.user.role.is_staff() {
            r.case
                .participations
                .iter()
                .map(participation::ParticipationOut::from)
                .collect()
        } else {
            vec![]
        },
        hearing: r.case.hearing.as_ref().map(|h| HearingOut {
            reasons: h.reasons.clone(),
            deadline: h.deadline.to_string(),
            response: h.response.clone(),
        }),
        deemed_approval_waived: r.case.deemed_approval_waived,
        actions: view
            .actions
            .iter()
            .map(|t| t.action.code().to_string())
            .collect(),
    }))
}

/// Take an action on a case: `take_over`, `confirm_complete`, `request_documents`,
/// `start_participation`, `start_hearing`, `approve`, `refuse`, `issue_notice` (staff);
/// `supply_documents`, `respond_to_hearing`, `waive_deemed_approval`, `withdraw` (applicant).
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions", tag = "cases", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)), request_body = ActionRequest,
    responses((status = 200, body = CaseStateOut), (status = 409, body = Problem), (status = 422, body = Problem), (status = 404, body = Problem)))]
async fn act_on_case(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<ActionRequest>,
) -> Result<Json<CaseStateOut>> {
    let record = app
        .act(&who, id, body.into())
        .await
        .map_err(lang_err(&headers))?;
    Ok(Json(CaseStateOut::from(&record)))
}

/// Upload a document in answer to a document request (streamed like draft uploads). It joins
/// the case file with the action `supply_documents`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/supplements", tag = "cases", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path), UploadParams), request_body(content = FileBytes, content_type = "application/octet-stream"),
    responses((status = 201, body = DocumentOut), (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem)))]
async fn upload_supplement(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
    ApiQuery(params): ApiQuery<UploadParams>,
    body: Body,
) -> Result<(StatusCode, Json<DocumentOut>)> {
    let upload = UploadSource {
        document_type: params.document_type,
        file_name: params.file_name,
        body: body_stream(body),
    };
    let document = app
        .upload_supplement(&who, id, upload)
        .await
        .map_err(lang_err(&headers))?;
    Ok((StatusCode::CREATED, Json(DocumentOut::from(&document))))
}

fn file_response(download: DocumentDownload) -> Response {
    let d = download.document;
    let ascii_name: String = d
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stream = tokio_util::io::ReaderStream::new(download.file);
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&d.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(d.size_bytes.max(0) as u64),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{ascii_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// Retrieve the notice (PDF). The applicant's first retrieval is recorded: the notice is deemed
/// notified on the day after (§41(2a) VwVfG).
#[utoipa::path(get, path = "/api/v1/cases/{id}/notice", tag = "cases", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, content_type = "application/pdf", body = FileBytes), (status = 404, body = Problem)))]
async fn retrieve_notice(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
) -> Result<Response> {
    Ok(file_response(
        app.retrieve_notice(&who, id)
            .await
            .map_err(lang_err(&headers))?,
    ))
}

#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "cases", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, description = "The document in its content type (as uploaded and checked)", content(
        (FileBytes = "application/pdf"), (FileBytes = "image/png"), (FileBytes = "image/jpeg"), (FileBytes = "image/tiff"))),
        (status = 404, body = Problem)))]
async fn download_document(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
) -> Result<Response> {
    Ok(file_response(
        app.download_document(&who, id)
            .await
            .map_err(lang_err(&headers))?,
    ))
}

async fn unknown_route(headers: HeaderMap) -> ApiError {
    ApiError::from(AppError::NotFound).in_lang(&headers)
}
