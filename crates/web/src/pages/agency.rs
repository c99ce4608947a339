//! The agency's side: the requests to the agency or municipality, one request with what was
//! shared, attachments, the statement and the request for more time.

use amtsweg_domain::Text;
use amtsweg_domain::case::CaseError;
use amtsweg_domain::participation::{Answer, PartyKind, Statement};
use amtsweg_server::app::AppError;
use amtsweg_server::app::views::DocumentInfo;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use uuid::Uuid;

use super::staff::ConditionRow;
use super::uploads::{UploadProblem, drain, file_response, open_upload};
use super::{DocRow, DoneQuery, parse_id};
use crate::errors::{Failure, PageResult, render, see_other};
use crate::format;
use crate::forms::{ErrorLink, Fields, OptionView};
use crate::i18n::{self, Lang};
use crate::layout::Page;
use crate::session::{Ctx, SessionForm, SessionMultipart};

pub struct RequestRow {
    pub href: String,
    pub file_number: String,
    pub site: String,
    pub due: String,
    pub due_iso: String,
    pub overdue: bool,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "pages/party_inbox.html")]
struct PartyInboxPage {
    page: Page,
    rows: Vec<RequestRow>,
}

pub async fn inbox(ctx: Ctx) -> PageResult {
    let user = ctx.user()?;
    let lang = ctx.lang;
    let app = ctx.app();
    let today = amtsweg_server::clock::german_today(app.now());
    let rows = app
        .party_inbox(user)
        .await?
        .into_iter()
        .map(|r| RequestRow {
            href: format!("/participation/{}", r.request_id),
            file_number: r.file_number.to_string(),
            site: r.site_address,
            due: format::date(lang, r.due),
            overdue: r.open && r.due < today,
            due_iso: r.due.to_string(),
            open: r.open,
        })
        .collect();
    let page = ctx.page(ctx.t().party_inbox_title).await;
    Ok(render(StatusCode::OK, &PartyInboxPage { page, rows }))
}

/// What was typed into the forms, kept when the page is shown again.
#[derive(Default)]
pub struct StatementInput {
    verdict: String,
    remarks: String,
    conditions: Vec<(String, String)>,
    until: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "pages/party_request.html")]
struct PartyRequestPage {
    page: Page,
    request_id: String,
    service_name: String,
    authority: String,
    site: String,
    subject: String,
    question: String,
    due: String,
    due_iso: String,
    silence: String,
    source: String,
    shared: Vec<DocRow>,
    attachments: Vec<DocRow>,
    open: bool,
    municipality: bool,
    answer: Option<String>,
    answer_details: String,
    answer_conditions: Vec<(String, String)>,
    pending_extension: Option<String>,
    extension_limit: Option<String>,
    extension_limit_text: String,
    verdicts: Vec<OptionView>,
    condition_rows: Vec<ConditionRow>,
    remarks: String,
    until: String,
    reason: String,
    done: Option<String>,
    errors: Vec<ErrorLink>,
    error_field: String,
    error_message: Option<String>,
    upload_problem: Option<UploadProblem>,
    upload_hint: String,
}

impl PartyRequestPage {
    fn error_at(&self, field: &str) -> Option<&str> {
        (self.error_field == field)
            .then_some(self.error_message.as_deref())
            .flatten()
    }

    fn upload_error(&self) -> Option<String> {
        let lang = Lang::parse(self.page.lang).unwrap_or_default();
        self.upload_problem
            .as_ref()
            .map(|p| p.message.get(lang).to_string())
    }
}

fn doc_rows(
    request_id: Uuid,
    documents: &[DocumentInfo],
    types: &[(String, Text)],
    lang: Lang,
) -> Vec<DocRow> {
    documents
        .iter()
        .map(|d| DocRow {
            id: d.id.to_string(),
            href: format!("/participation/{request_id}/documents/{}", d.id),
            file_name: d.file_name.clone(),
            type_label: types
                .iter()
                .find(|(id, _)| *id == d.document_type)
                .map(|(_, label)| label.get(lang).to_string())
                .unwrap_or_else(|| super::origin_label(d.origin, lang).to_string()),
            origin: super::origin_label(d.origin, lang).to_string(),
            size: format::size(lang, d.size_bytes),
            uploaded_at: format::datetime(lang, d.uploaded_at),
            uploaded_iso: format::iso(d.uploaded_at),
        })
        .collect()
}

async fn request_page(
    ctx: &Ctx,
    request_id: Uuid,
    done: Option<String>,
    input: StatementInput,
    failure: Option<AppError>,
    upload_problem: Option<UploadProblem>,
) -> PageResult {
    let user = ctx.user()?;
    let lang = ctx.lang;
    let t = ctx.t();
    let view = ctx.app().party_request_view(user, request_id).await?;
    let request = &view.request;
    let municipality = request.party_kind == PartyKind::Municipality;
    let kind_label = |code: &str| {
        view.condition_kinds
            .iter()
            .find(|k| k.code == code)
            .map(|k| k.label.get(lang).to_string())
            .unwrap_or_else(|| code.to_string())
    };
    let (answer, answer_details, answer_conditions) = match &request.answer {
        None => (None, String::new(), Vec::new()),
        Some(a) => {
            let (details, conditions) = match a {
                Answer::Party { statement, .. } => match statement {
                    Statement::NoConcerns { remarks } | Statement::ConsentGiven { remarks } => {
                        (remarks.clone(), Vec::new())
                    }
                    Statement::Conditions {
                        conditions,
                        remarks,
                    } => (
                        remarks.clone(),
                        conditions
                            .iter()
                            .map(|c| (kind_label(&c.kind), c.text.clone()))
                            .collect(),
                    ),
                    Statement::Objection { reasons } | Statement::ConsentRefused { reasons } => {
                        (reasons.clone(), Vec::new())
                    }
                },
                Answer::Deemed { .. } => (String::new(), Vec::new()),
            };
            (Some(a.label().get(lang).to_string()), details, conditions)
        }
    };
    let choices: &[(&str, &str)] = if municipality {
        &[
            ("consent_given", t.verdict_consent_given),
            ("consent_refused", t.verdict_consent_refused),
        ]
    } else {
        &[
            ("no_concerns", t.verdict_no_concerns),
            ("conditions", t.verdict_conditions),
            ("objection", t.verdict_objection),
        ]
    };
    let verdicts = choices
        .iter()
        .map(|(value, label)| OptionView {
            id: format!("verdict-{value}"),
            value: value.to_string(),
            label: label.to_string(),
            selected: input.verdict == *value,
        })
        .collect();
    let condition_rows = (0..3.max(input.conditions.len() + 1))
        .map(|i| {
            let (kind, text) = input.conditions.get(i).cloned().unwrap_or_default();
            ConditionRow {
                n: i + 1,
                legend: i18n::condition_row(lang, i + 1),
                options: view
                    .condition_kinds
                    .iter()
                    .map(|k| OptionView {
                        id: String::new(),
                        value: k.code.clone(),
                        label: k.label.get(lang).to_string(),
                        selected: k.code == kind,
                    })
                    .collect(),
                text,
            }
        })
        .collect();
    let status = failure
        .as_ref()
        .and_then(|e| StatusCode::from_u16(e.status()).ok())
        .or(upload_problem.as_ref().map(|p| p.status))
        .unwrap_or(StatusCode::OK);
    let (error_field, error_message) = match &failure {
        Some(AppError::Case(CaseError::Invalid { field, message })) => {
            (field.to_string(), Some(message.get(lang).to_string()))
        }
        Some(e) => (
            "statement".to_string(),
            Some(e.message().get(lang).to_string()),
        ),
        None => (String::new(), None),
    };
    let mut errors: Vec<ErrorLink> = error_message
        .iter()
        .map(|m| ErrorLink {
            href: match error_field.as_str() {
                "until" | "reason" => format!("#{error_field}"),
                "conditions" => "#condition_kind-1".into(),
                "remarks" | "reasons" => "#remarks".into(),
                _ => "#statement-heading".into(),
            },
            text: m.clone(),
        })
        .collect();
    if let Some(p) = &upload_problem {
        errors.push(ErrorLink {
            href: "#attachment".into(),
            text: p.message.get(lang).to_string(),
        });
    }
    let page = ctx
        .page(format!("{} {}", t.request_title, view.file_number))
        .await;
    Ok(render(
        status,
        &PartyRequestPage {
            page,
            request_id: request_id.to_string(),
            service_name: view.service_name.get(lang).to_string(),
            authority: view.requesting_authority.clone(),
            site: view.site_address.clone(),
            subject: view.subject.clone(),
            question: request.question.clone(),
            due: format::date(lang, request.due),
            due_iso: request.due.to_string(),
            silence: view
                .rule
                .as_ref()
                .map(|r| r.on_expiry.label().get(lang).to_string())
                .unwrap_or_default(),
            source: view
                .rule
                .as_ref()
                .map(|r| r.source.clone())
                .unwrap_or_default(),
            shared: doc_rows(
                request_id,
                &view.shared_documents,
                &view.document_types,
                lang,
            ),
            attachments: doc_rows(request_id, &view.attachments, &view.document_types, lang),
            open: view.answerable,
            municipality,
            answer,
            answer_details,
            answer_conditions,
            pending_extension: request
                .pending_extension
                .as_ref()
                .map(|e| format::date(lang, e.until)),
            extension_limit: view
                .extension_limit
                .filter(|_| request.pending_extension.is_none())
                .map(|d| d.to_string()),
            extension_limit_text: view
                .extension_limit
                .map(|d| format::date(lang, d))
                .unwrap_or_default(),
            verdicts,
            condition_rows,
            remarks: input.remarks,
            until: input.until,
            reason: input.reason,
            done,
            errors,
            error_field,
            error_message,
            upload_problem,
            upload_hint: i18n::max_upload(lang, ctx.app().config.max_upload_mib),
        },
    ))
}

pub async fn request(ctx: Ctx, Path(id): Path<String>, Query(q): Query<DoneQuery>) -> PageResult {
    let request_id = parse_id(&id)?;
    let done = q.message(ctx.lang);
    request_page(
        &ctx,
        request_id,
        done,
        StatementInput::default(),
        None,
        None,
    )
    .await
}

fn invalid(field: &'static str, de: &str, en: &str) -> AppError {
    AppError::Case(CaseError::Invalid {
        field,
        message: Text::new(de, en),
    })
}

/// The statement as the form sends it.
fn parse_statement(fields: &Fields, input: &mut StatementInput) -> Result<Statement, AppError> {
    input.verdict = fields.get("verdict").unwrap_or("").to_string();
    input.remarks = fields.get("remarks").unwrap_or("").to_string();
    let (rows, conditions) = super::conditions_from_form(fields);
    input.conditions = rows;
    let remarks = input.remarks.clone();
    Ok(match input.verdict.as_str() {
        "no_concerns" => Statement::NoConcerns { remarks },
        "conditions" => {
            let conditions = conditions?;
            Statement::Conditions {
                conditions,
                remarks,
            }
        }
        "objection" => Statement::Objection { reasons: remarks },
        "consent_given" => Statement::ConsentGiven { remarks },
        "consent_refused" => Statement::ConsentRefused { reasons: remarks },
        _ => {
            return Err(invalid(
                "verdict",
                "Bitte wählen Sie Ihre Antwort.",
                "Please choose your answer.",
            ));
        }
    })
}

pub async fn statement(
    Path(id): Path<String>,
    SessionForm { ctx, fields }: SessionForm,
) -> PageResult {
    let user = ctx.user()?;
    let request_id = parse_id(&id)?;
    let mut input = StatementInput::default();
    let result = match parse_statement(&fields, &mut input) {
        Ok(statement) => ctx.app().give_statement(user, request_id, statement).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/participation/{request_id}?done=statement"
        ))),
        Err(e @ (AppError::Case(_) | AppError::Conflict { .. } | AppError::BadRequest { .. })) => {
            request_page(&ctx, request_id, None, input, Some(e), None).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn extension(
    Path(id): Path<String>,
    SessionForm { ctx, fields }: SessionForm,
) -> PageResult {
    let user = ctx.user()?;
    let request_id = parse_id(&id)?;
    let input = StatementInput {
        until: fields.get("until").unwrap_or("").to_string(),
        reason: fields.get("reason").unwrap_or("").to_string(),
        ..StatementInput::default()
    };
    match ctx
        .app()
        .request_extension(user, request_id, &input.until, &input.reason)
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/participation/{request_id}?done=extension_requested"
        ))),
        Err(e @ (AppError::Case(_) | AppError::Conflict { .. } | AppError::BadRequest { .. })) => {
            // a date that cannot be read is the date field's problem
            let e = match e {
                AppError::Case(CaseError::Invalid {
                    field: "deadline",
                    message,
                }) => AppError::Case(CaseError::Invalid {
                    field: "until",
                    message,
                }),
                other => other,
            };
            request_page(&ctx, request_id, None, input, Some(e), None).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn attachment(
    Path(id): Path<String>,
    SessionMultipart { ctx, mut multipart }: SessionMultipart,
) -> PageResult {
    let user = ctx.user()?;
    let request_id = parse_id(&id)?;
    let source = match open_upload(&mut multipart).await? {
        Ok(source) => source,
        Err(problem) => {
            return request_page(
                &ctx,
                request_id,
                None,
                StatementInput::default(),
                None,
                Some(problem),
            )
            .await;
        }
    };
    match ctx
        .app()
        .upload_statement_attachment(user, request_id, source)
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/participation/{request_id}?done=upload#attachments-heading"
        ))),
        Err(e) => {
            if matches!(e, AppError::TooLarge { .. }) {
                drain(&mut multipart).await;
            }
            let problem = UploadProblem::from_app(e)?;
            request_page(
                &ctx,
                request_id,
                None,
                StatementInput::default(),
                None,
                Some(problem),
            )
            .await
        }
    }
}

pub async fn document(ctx: Ctx, Path((id, document)): Path<(String, String)>) -> PageResult {
    let user = ctx.user()?;
    let download = ctx
        .app()
        .download_shared_document(user, parse_id(&id)?, parse_id(&document)?)
        .await
        .map_err(Failure::App)?;
    Ok(file_response(download).await)
}
