//! The application form: a draft filled step by step, checked and submitted.

use amtsweg_domain::form::{self, FieldError, FormData, Mode, field_applies};
use amtsweg_domain::service::{FormStep, ServiceDefinition};
use amtsweg_server::app::{AppError, DraftView, Responsible};
use amtsweg_server::auth::random_token;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use uuid::Uuid;

use super::{DoneQuery, parse_id};
use crate::errors::{PageResult, render, see_other};
use crate::forms::{ErrorLink, FieldView, display_value, field_view, message};
use crate::i18n::{self, Lang};
use crate::layout::Page;
use crate::session::{Ctx, SessionForm};

/// One entry of the step list: the form's steps, then documents, then review.
pub struct StepLink {
    pub title: String,
    pub href: String,
    pub current: bool,
}

pub fn step_links(
    service: &ServiceDefinition,
    draft_id: Uuid,
    current: usize,
    lang: Lang,
) -> Vec<StepLink> {
    let t = i18n::t(lang);
    let mut links: Vec<StepLink> = service
        .form
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| StepLink {
            title: step.title.get(lang).to_string(),
            href: format!("/drafts/{draft_id}/steps/{}", i + 1),
            current: current == i + 1,
        })
        .collect();
    let n = links.len();
    links.push(StepLink {
        title: t.step_documents.to_string(),
        href: format!("/drafts/{draft_id}/documents"),
        current: current == n + 1,
    });
    links.push(StepLink {
        title: t.step_review.to_string(),
        href: format!("/drafts/{draft_id}/review"),
        current: current == n + 2,
    });
    links
}

/// The number and the step of `/steps/{n}`; others are "not found".
fn step_of<'a>(service: &'a ServiceDefinition, n: &str) -> Result<(usize, &'a FormStep), AppError> {
    let number: usize = n.parse().map_err(|_| AppError::NotFound)?;
    let step = number
        .checked_sub(1)
        .and_then(|i| service.form.steps.get(i))
        .ok_or(AppError::NotFound)?;
    Ok((number, step))
}

/// Where an error about a field is fixed: the step page and the control.
pub fn error_link(
    service: &ServiceDefinition,
    draft_id: Uuid,
    error: &FieldError,
    lang: Lang,
    on_step: Option<usize>,
) -> ErrorLink {
    let text = message(error, lang);
    if let Some(doc) = error.field.strip_prefix("document:") {
        return ErrorLink {
            href: format!("/drafts/{draft_id}/documents#document-type-{doc}"),
            text,
        };
    }
    let position = service.form.steps.iter().enumerate().find_map(|(i, s)| {
        s.fields
            .iter()
            .find(|f| f.id == error.field)
            .map(|f| (i + 1, f))
    });
    match position {
        Some((number, field)) => {
            let anchor = match (field.kind, field.options.first()) {
                (amtsweg_domain::service::FieldKind::Boolean, _) => format!("{}-true", field.id),
                (amtsweg_domain::service::FieldKind::Choice, Some(first))
                    if field.options.len() <= 5 =>
                {
                    format!("{}-{}", field.id, first.code)
                }
                _ => field.id.clone(),
            };
            let text = if error.code == "required" {
                text
            } else {
                format!("{}: {text}", field.label.get(lang))
            };
            let href = if on_step == Some(number) {
                format!("#{anchor}")
            } else {
                format!("/drafts/{draft_id}/steps/{number}#{anchor}")
            };
            ErrorLink { href, text }
        }
        // the choice of the authority is made on the review page
        None if error.field == "authority" => ErrorLink {
            href: format!("/drafts/{draft_id}/review#authority-choice"),
            text,
        },
        None => ErrorLink {
            href: format!("/drafts/{draft_id}/steps/1"),
            text,
        },
    }
}

/// What this step requires and the data lacks (the submission's rules, for one step).
fn missing_on_step(
    service: &ServiceDefinition,
    step: &FormStep,
    data: &FormData,
) -> Vec<FieldError> {
    match form::validate(service, data, Mode::Submit) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .filter(|e| e.code == "required" && step.fields.iter().any(|f| f.id == e.field))
            .collect(),
    }
}

pub async fn create(SessionForm { ctx, fields }: SessionForm) -> PageResult {
    let user = ctx.user()?;
    let service_id = fields.get("service_id").unwrap_or("");
    let draft = ctx.app().create_draft(user, service_id).await?;
    Ok(see_other(&format!("/drafts/{}/steps/1", draft.id)))
}

#[derive(Template)]
#[template(path = "pages/step.html")]
struct StepPage {
    page: Page,
    service_name: String,
    step_title: String,
    intro: Option<String>,
    steps: Vec<StepLink>,
    progress: String,
    number: usize,
    total: usize,
    action: String,
    fields: Vec<FieldView>,
    errors: Vec<ErrorLink>,
    done: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn render_step(
    ctx: &Ctx,
    view: &DraftView<'_>,
    number: usize,
    step: &FormStep,
    values: &FormData,
    errors: &[FieldError],
    done: Option<String>,
    status: StatusCode,
) -> PageResult {
    let lang = ctx.lang;
    let service = view.service;
    let draft_id = view.draft.id;
    // the conditions follow what the person has chosen, saved or just sent
    let mut current = view.form.clone();
    for (k, v) in values {
        current.insert(k.clone(), v.clone());
    }
    let fields = step
        .fields
        .iter()
        .map(|f| {
            let error = errors
                .iter()
                .find(|e| e.field == f.id)
                .map(|e| message(e, lang));
            let value = values.get(&f.id).map(String::as_str).unwrap_or("");
            field_view(service, f, lang, value, error.as_deref(), &current)
        })
        .collect();
    let steps = step_links(service, draft_id, number, lang);
    let total = steps.len();
    let step_title = step.title.get(lang).to_string();
    let page = ctx.page(step_title.clone()).await;
    Ok(render(
        status,
        &StepPage {
            page,
            service_name: service.name.get(lang).to_string(),
            intro: step.intro.as_ref().map(|t| t.get(lang).to_string()),
            steps,
            progress: i18n::step_of(lang, number, total),
            number,
            total,
            action: format!("/drafts/{draft_id}/steps/{number}"),
            fields,
            errors: errors
                .iter()
                .map(|e| error_link(service, draft_id, e, lang, Some(number)))
                .collect(),
            done,
            step_title,
        },
    ))
}

pub async fn step(
    ctx: Ctx,
    Path((id, n)): Path<(String, String)>,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let user = ctx.user()?;
    let view = ctx.app().draft_view(user, parse_id(&id)?).await?;
    if let Some(case_id) = view.draft.case_id {
        return Ok(see_other(&format!("/cases/{case_id}")));
    }
    let (number, step) = step_of(view.service, &n)?;
    let done = query.message(ctx.lang);
    render_step(
        &ctx,
        &view,
        number,
        step,
        &view.form,
        &[],
        done,
        StatusCode::OK,
    )
    .await
}

pub async fn save_step(
    Path((id, n)): Path<(String, String)>,
    SessionForm { ctx, fields }: SessionForm,
) -> PageResult {
    let user = ctx.user()?;
    let draft_id = parse_id(&id)?;
    let view = ctx.app().draft_view(user, draft_id).await?;
    if let Some(case_id) = view.draft.case_id {
        return Ok(see_other(&format!("/cases/{case_id}")));
    }
    let (number, step) = step_of(view.service, &n)?;
    let posted: FormData = step
        .fields
        .iter()
        .map(|f| (f.id.clone(), fields.get(&f.id).unwrap_or("").to_string()))
        .collect();
    let nav = fields.get("nav").unwrap_or("next");
    let merged = match ctx.app().save_draft(user, draft_id, posted.clone()).await {
        Ok(merged) => merged,
        Err(AppError::Invalid(mut errors)) => {
            if nav == "next" {
                // say at once what is missing too, not only what is malformed
                let mut current = view.form.clone();
                current.extend(posted.clone());
                for missing in missing_on_step(view.service, step, &current) {
                    if !errors.iter().any(|e| e.field == missing.field) {
                        errors.push(missing);
                    }
                }
                let position = |field: &str| step.fields.iter().position(|f| f.id == field);
                errors.sort_by_key(|e| position(&e.field).unwrap_or(usize::MAX));
            }
            return render_step(
                &ctx,
                &view,
                number,
                step,
                &posted,
                &errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    let base = format!("/drafts/{draft_id}");
    match nav {
        "back" if number > 1 => Ok(see_other(&format!("{base}/steps/{}", number - 1))),
        "back" => Ok(see_other("/applications")),
        "stay" => Ok(see_other(&format!("{base}/steps/{number}?done=saved"))),
        _ => {
            // going on needs what this step requires
            let missing = missing_on_step(view.service, step, &merged);
            if !missing.is_empty() {
                return render_step(
                    &ctx,
                    &view,
                    number,
                    step,
                    &merged,
                    &missing,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
            if number < view.service.form.steps.len() {
                Ok(see_other(&format!("{base}/steps/{}", number + 1)))
            } else {
                Ok(see_other(&format!("{base}/documents")))
            }
        }
    }
}

pub struct SummaryRow {
    pub label: String,
    pub value: String,
}

pub struct SummarySection {
    pub number: usize,
    pub title: String,
    pub heading_id: String,
    pub edit_href: String,
    pub rows: Vec<SummaryRow>,
}

/// The answers of a form, grouped by step; only fields that apply.
pub fn summary(
    service: &ServiceDefinition,
    data: &FormData,
    lang: Lang,
    draft_id: Option<Uuid>,
) -> Vec<SummarySection> {
    let t = i18n::t(lang);
    service
        .form
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| SummarySection {
            number: i + 1,
            title: step.title.get(lang).to_string(),
            heading_id: format!("summary-{}", step.id),
            edit_href: draft_id
                .map(|d| format!("/drafts/{d}/steps/{}", i + 1))
                .unwrap_or_default(),
            rows: step
                .fields
                .iter()
                .filter(|f| field_applies(f, data))
                .map(|f| SummaryRow {
                    label: f.label.get(lang).to_string(),
                    value: data
                        .get(&f.id)
                        .filter(|v| !v.trim().is_empty())
                        .map(|v| display_value(f, v, lang))
                        .unwrap_or_else(|| t.not_given.to_string()),
                })
                .collect(),
        })
        .collect()
}

pub struct DocLine {
    pub type_label: String,
    pub file_name: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "pages/review.html")]
struct ReviewPage {
    page: Page,
    service_name: String,
    steps: Vec<StepLink>,
    progress: String,
    number: usize,
    total: usize,
    sections: Vec<SummarySection>,
    documents: Vec<DocLine>,
    documents_href: String,
    errors: Vec<ErrorLink>,
    failed: bool,
    action: String,
    idempotency_key: String,
    /// Where the application goes: one authority, or the candidates to choose from.
    authorities: Vec<AuthorityChoice>,
    choose_authority: bool,
}

struct AuthorityChoice {
    id: String,
    name: String,
    address: String,
}

async fn render_review(ctx: &Ctx, draft_id: Uuid, failed: Option<Vec<FieldError>>) -> PageResult {
    let user = ctx.user()?;
    let lang = ctx.lang;
    let view = ctx.app().draft_view(user, draft_id).await?;
    if let Some(case_id) = view.draft.case_id {
        return Ok(see_other(&format!("/cases/{case_id}/receipt")));
    }
    let service = view.service;
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (problems, responsible) = ctx.app().submission_problems(&view).await?;
    let (authorities, choose_authority) = match responsible {
        Responsible::One(a) => (vec![a], false),
        Responsible::Choice(list) => (list, true),
        Responsible::Nobody => (Vec::new(), false),
    };
    let errors: Vec<FieldError> = failed.unwrap_or(problems);
    let steps = step_links(service, draft_id, service.form.steps.len() + 2, lang);
    let total = steps.len();
    let key = random_token().map_err(|e| AppError::Internal(e.to_string()))?;
    let page = ctx.page(ctx.t().review_title).await;
    Ok(render(
        status,
        &ReviewPage {
            page,
            service_name: service.name.get(lang).to_string(),
            progress: i18n::step_of(lang, total, total),
            number: total,
            total,
            steps,
            sections: summary(service, &view.form, lang, Some(draft_id)),
            documents: view
                .documents
                .iter()
                .map(|d| DocLine {
                    type_label: service
                        .document_type(&d.document_type)
                        .map(|t| t.label.get(lang).to_string())
                        .unwrap_or_else(|| d.document_type.clone()),
                    file_name: d.file_name.clone(),
                    href: format!("/documents/{}", d.id),
                })
                .collect(),
            documents_href: format!("/drafts/{draft_id}/documents"),
            errors: errors
                .iter()
                .map(|e| error_link(service, draft_id, e, lang, None))
                .collect(),
            failed: status != StatusCode::OK,
            action: format!("/drafts/{draft_id}/submit"),
            idempotency_key: key,
            authorities: authorities
                .into_iter()
                .map(|a| AuthorityChoice {
                    id: a.id.to_string(),
                    name: a.name,
                    address: a.address.replace('\n', ", "),
                })
                .collect(),
            choose_authority,
        },
    ))
}

pub async fn review(ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let draft_id = parse_id(&id)?;
    render_review(&ctx, draft_id, None).await
}

pub async fn submit(
    Path(id): Path<String>,
    SessionForm { ctx, fields }: SessionForm,
) -> PageResult {
    let user = ctx.user()?;
    let draft_id = parse_id(&id)?;
    let key = fields
        .get("idempotency_key")
        .filter(|k| !k.is_empty())
        .map(str::to_string);
    let choice = match fields.get("authority").filter(|a| !a.is_empty()) {
        Some(text) => Some(parse_id(text)?),
        None => None,
    };
    match ctx.app().submit(user, draft_id, key, choice).await {
        Ok(result) => Ok(see_other(&format!("/cases/{}/receipt", result.case.id))),
        Err(AppError::Invalid(errors)) => render_review(&ctx, draft_id, Some(errors)).await,
        Err(e) => Err(e.into()),
    }
}
