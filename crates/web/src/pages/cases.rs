//! The applicant's side after the form: list of applications, receipt, case page with
//! document requests and the notice, and the mailbox.

use amtsweg_domain::case::ActionKind;
use amtsweg_server::App;
use amtsweg_server::app::AppError;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use uuid::Uuid;

use super::uploads::{UploadProblem, type_options};
use super::{ActionForm, DocRow, DoneQuery, EventRow, doc_row, event_rows, parse_id, state_view};
use crate::errors::{Failure, PageResult, render, see_other};
use crate::format;
use crate::forms::{ErrorLink, OptionView};
use crate::i18n::{self, Lang};
use crate::layout::Page;
use crate::session::{Ctx, SessionForm};

pub struct DraftRow {
    pub service: String,
    pub saved: String,
    pub href: String,
}

pub struct CaseRow {
    pub file_number: String,
    pub href: String,
    pub service: String,
    pub state: String,
    pub badge: &'static str,
    pub submitted: String,
}

#[derive(Template)]
#[template(path = "pages/applications.html")]
struct ApplicationsPage {
    page: Page,
    drafts: Vec<DraftRow>,
    cases: Vec<CaseRow>,
}

pub async fn applications(ctx: Ctx) -> PageResult {
    let user = ctx.user()?;
    if user.user.role.is_staff() {
        return Ok(see_other("/work/inbox"));
    }
    let lang = ctx.lang;
    let app = ctx.app();
    let drafts = app
        .drafts(user)
        .await?
        .into_iter()
        .filter(|d| d.case_id.is_none())
        .map(|d| DraftRow {
            service: app
                .services
                .get_version(&d.service_id, &d.service_version)
                .map(|s| s.name.get(lang).to_string())
                .unwrap_or_else(|| d.service_id.clone()),
            saved: format::datetime(lang, d.updated_at),
            href: format!("/drafts/{}/steps/1", d.id),
        })
        .collect();
    let cases = app
        .my_cases(user)
        .await?
        .into_iter()
        .map(|c| {
            let service = app.services.get(&c.service_id);
            let state = state_view(service, &c.state, lang);
            CaseRow {
                href: format!("/cases/{}", c.id),
                file_number: c.file_number.to_string(),
                service: service
                    .map(|s| s.name.get(lang).to_string())
                    .unwrap_or_else(|| c.service_id.clone()),
                state: state.label,
                badge: state.badge,
                submitted: format::datetime(lang, c.submitted_at),
            }
        })
        .collect();
    let page = ctx.page(ctx.t().applications_title).await;
    Ok(render(
        StatusCode::OK,
        &ApplicationsPage {
            page,
            drafts,
            cases,
        },
    ))
}

#[derive(Template)]
#[template(path = "pages/receipt.html")]
struct ReceiptPage {
    page: Page,
    file_number: String,
    received_at: String,
    received_iso: String,
    service_name: String,
    case_href: String,
}

pub async fn receipt(ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let user = ctx.user()?;
    let view = ctx.app().case_view(user, parse_id(&id)?).await?;
    let lang = ctx.lang;
    let page = ctx.page(ctx.t().receipt_title).await;
    Ok(render(
        StatusCode::OK,
        &ReceiptPage {
            page,
            file_number: view.record.file_number.to_string(),
            received_at: format::datetime(lang, view.record.submitted_at),
            received_iso: format::iso(view.record.submitted_at),
            service_name: view.service.name.get(lang).to_string(),
            case_href: format!("/cases/{}", view.record.id),
        },
    ))
}

pub struct RequestView {
    pub defects: Vec<String>,
    pub deadline: String,
}

pub struct HearingView {
    pub reasons: String,
    pub deadline: String,
    pub response: Option<String>,
}

impl HearingView {
    pub fn of(case: &amtsweg_domain::case::Case, lang: Lang) -> Option<HearingView> {
        case.hearing.as_ref().map(|h| HearingView {
            reasons: h.reasons.clone(),
            deadline: format::date(lang, h.deadline),
            response: h.response.clone(),
        })
    }
}

#[derive(Template)]
#[template(path = "pages/case.html")]
struct CasePage {
    page: Page,
    file_number: String,
    service_name: String,
    state: String,
    badge: &'static str,
    portal_status: String,
    submitted: String,
    submitted_iso: String,
    site: String,
    request: Option<RequestView>,
    pending: Vec<DocRow>,
    supply: Option<ActionForm>,
    withdraw: Option<ActionForm>,
    notice_href: Option<String>,
    notice_retrieved: Option<String>,
    hearing: Option<HearingView>,
    respond: Option<ActionForm>,
    waive: Option<ActionForm>,
    waived: bool,
    documents: Vec<DocRow>,
    events: Vec<EventRow>,
    deadlines: Vec<super::DeadlineRow>,
    done: Option<String>,
    errors: Vec<ErrorLink>,
    problem: Option<UploadProblem>,
    type_options: Vec<OptionView>,
    action: String,
    upload_hint: String,
}

impl CasePage {
    fn problem_at(&self, field: &str) -> Option<String> {
        let lang = Lang::parse(self.page.lang).unwrap_or_default();
        self.problem
            .as_ref()
            .filter(|p| p.field == field)
            .map(|p| p.message.get(lang).to_string())
    }
}

/// The applicant's case page; with an upload problem or a failed action when re-shown.
pub async fn case_page(
    ctx: &Ctx,
    case_id: Uuid,
    done: Option<String>,
    problem: Option<(UploadProblem, String)>,
    failure: Option<AppError>,
) -> PageResult {
    let user = ctx.user()?;
    if user.user.role.is_staff() {
        return Ok(see_other(&format!("/work/cases/{case_id}")));
    }
    let lang = ctx.lang;
    let view = ctx.app().case_view(user, case_id).await?;
    let service = view.service;
    let state = state_view(Some(service), &view.record.state, lang);
    let (pending, documents): (Vec<_>, Vec<_>) = view
        .documents
        .iter()
        .partition(|d| d.origin == amtsweg_domain::document::DocumentOrigin::PendingSupplement);
    let status = match (&problem, &failure) {
        (Some((p, _)), _) => p.status,
        (_, Some(e)) => StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST),
        _ => StatusCode::OK,
    };
    let (problem, chosen) = match problem {
        Some((p, chosen)) => (Some(p), chosen),
        None => (None, String::new()),
    };
    let mut errors = problem.as_ref().map(|p| p.links(lang)).unwrap_or_default();
    if let Some(e) = &failure {
        errors.push(ErrorLink {
            href: "#actions".into(),
            text: e.message().get(lang).to_string(),
        });
    }
    let notice_href = view
        .record
        .case
        .notice_document_id
        .map(|_| format!("/cases/{case_id}/notice"));
    let base = format!("/cases/{case_id}");
    let form_of = |kind: ActionKind| ActionForm::offered(&base, &view.actions, kind, lang);
    // handing in the supplement reads better as "hand in" than as the process step's name
    let supply = form_of(ActionKind::SupplyDocuments).map(|f| ActionForm {
        label: ctx.t().supply_button.to_string(),
        ..f
    });
    let case = &view.record.case;
    let waive = form_of(ActionKind::WaiveDeemedApproval);
    let respond = form_of(ActionKind::RespondToHearing);
    let title = i18n::case_title(lang, view.record.file_number.as_str());
    let page = ctx.page(title).await;
    Ok(render(
        status,
        &CasePage {
            page,
            file_number: view.record.file_number.to_string(),
            service_name: service.name.get(lang).to_string(),
            state: state.label,
            badge: state.badge,
            portal_status: state.portal_status,
            submitted: format::datetime(lang, view.record.submitted_at),
            submitted_iso: format::iso(view.record.submitted_at),
            site: view.record.site_address.clone(),
            request: view.record.case.open_request.as_ref().map(|r| RequestView {
                defects: r.defects.clone(),
                deadline: format::date(lang, r.deadline),
            }),
            pending: pending.iter().map(|d| doc_row(service, d, lang)).collect(),
            supply,
            withdraw: form_of(ActionKind::Withdraw),
            notice_href,
            notice_retrieved: App::notice_retrieved_at(&view).map(|at| format::datetime(lang, at)),
            hearing: HearingView::of(case, lang),
            respond,
            waive,
            waived: case.deemed_approval_waived,
            documents: documents
                .iter()
                .map(|d| doc_row(service, d, lang))
                .collect(),
            events: event_rows(service, &view.events, lang),
            deadlines: super::deadline_rows(&view.deadlines, lang),
            done,
            errors,
            problem,
            type_options: type_options(service, lang, &chosen),
            action: format!("/cases/{case_id}/supplements"),
            upload_hint: i18n::max_upload(lang, ctx.app().config.max_upload_mib),
        },
    ))
}

pub async fn case(ctx: Ctx, Path(id): Path<String>, Query(q): Query<DoneQuery>) -> PageResult {
    let case_id = parse_id(&id)?;
    let done = q.message(ctx.lang);
    case_page(&ctx, case_id, done, None, None).await
}

/// The applicant's actions: hand in the supplement, withdraw.
pub async fn act(
    Path((id, action)): Path<(String, String)>,
    SessionForm { ctx, fields }: SessionForm,
) -> PageResult {
    let user = ctx.user()?;
    let case_id = parse_id(&id)?;
    use amtsweg_server::app::CaseAction;
    let kind = ActionKind::parse(&action).ok_or(Failure::App(AppError::NotFound))?;
    let case_action = match kind {
        ActionKind::SupplyDocuments => CaseAction::SupplyDocuments,
        ActionKind::Withdraw => CaseAction::Withdraw,
        ActionKind::RespondToHearing => CaseAction::RespondToHearing {
            text: fields.get("text").unwrap_or("").to_string(),
        },
        ActionKind::WaiveDeemedApproval => CaseAction::WaiveDeemedApproval,
        _ => return Err(Failure::App(AppError::NotFound)),
    };
    let code = kind.code();
    match ctx.app().act(user, case_id, case_action).await {
        Ok(_) => Ok(see_other(&format!("/cases/{case_id}?done={code}"))),
        Err(e @ (AppError::Case(_) | AppError::Conflict { .. } | AppError::BadRequest { .. })) => {
            case_page(&ctx, case_id, None, None, Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub struct MessageRow {
    pub subject: String,
    pub href: String,
    pub received: String,
    pub received_iso: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "pages/mailbox.html")]
struct MailboxPage {
    page: Page,
    messages: Vec<MessageRow>,
}

pub async fn mailbox(ctx: Ctx) -> PageResult {
    let user = ctx.user()?;
    let lang = ctx.lang;
    let mut messages = ctx.app().mailbox(user).await?;
    messages.sort_by_key(|m| std::cmp::Reverse(m.created_at));
    let messages = messages
        .into_iter()
        .map(|m| MessageRow {
            subject: m.subject.get(lang).to_string(),
            href: format!("/mailbox/{}", m.id),
            received: format::datetime(lang, m.created_at),
            received_iso: format::iso(m.created_at),
            unread: m.read_at.is_none(),
        })
        .collect();
    let page = ctx.page(ctx.t().mailbox_title).await;
    Ok(render(StatusCode::OK, &MailboxPage { page, messages }))
}

#[derive(Template)]
#[template(path = "pages/message.html")]
struct MessagePage {
    page: Page,
    subject: String,
    received: String,
    received_iso: String,
    body: String,
    case_href: Option<String>,
    document_href: Option<String>,
    /// The notice is retrieved by a form (POST), other documents by a link.
    is_notice: bool,
    /// Not yet marked read: the page offers the form that does it.
    mark_read_href: Option<String>,
}

/// Marks a message read (a form on the message page: reading by GET changes nothing).
pub async fn mark_read(Path(id): Path<String>, form: SessionForm) -> PageResult {
    let user = form.ctx.user()?;
    let id = parse_id(&id)?;
    form.ctx.app().mark_message_read(user, id).await?;
    Ok(see_other(&format!("/mailbox/{id}")))
}

pub async fn message(ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let user = ctx.user()?;
    let lang = ctx.lang;
    let message = ctx.app().message(user, parse_id(&id)?).await?;
    let document_href = match (message.document_id, message.case_id) {
        (Some(_), Some(case_id)) if message.kind == "notice" => {
            Some(format!("/cases/{case_id}/notice"))
        }
        (Some(doc), _) => Some(format!("/documents/{doc}")),
        _ => None,
    };
    let case_href = message.case_id.map(|c| {
        if user.user.role.is_staff() {
            format!("/work/cases/{c}")
        } else if user.user.role == amtsweg_domain::policy::Role::Agency {
            // an agency sees requests, never the case
            "/participation".to_string()
        } else {
            format!("/cases/{c}")
        }
    });
    let subject = message.subject.get(lang).to_string();
    let page = ctx.page(subject.clone()).await;
    Ok(render(
        StatusCode::OK,
        &MessagePage {
            page,
            received: format::datetime(lang, message.created_at),
            received_iso: format::iso(message.created_at),
            subject,
            is_notice: message.kind == "notice",
            mark_read_href: message
                .read_at
                .is_none()
                .then(|| format!("/mailbox/{}/read", message.id)),
            body: message.body.get(lang).to_string(),
            case_href,
            document_href,
        },
    ))
}
