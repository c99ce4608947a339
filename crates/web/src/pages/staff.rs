//! The authority's side: the inbox and the case page with its actions.

use amtsweg_domain::case::{ActionKind, CaseError, Decision};
use amtsweg_server::app::{AppError, CaseAction, InboxFilter};
use amtsweg_server::clock::german_today;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;

use super::cases::RequestView;
use super::drafts::{SummarySection, summary};
use super::{ActionForm, DocRow, DoneQuery, EventRow, doc_row, event_rows, parse_id, state_view};
use crate::errors::{Failure, PageResult, render, see_other};
use crate::format;
use crate::forms::{ErrorLink, Fields, OptionView};
use crate::i18n::{self, Lang};
use crate::layout::Page;
use crate::session::{Ctx, SessionForm, encode_query};

#[derive(Debug, Default, Deserialize)]
pub struct InboxParams {
    state: Option<String>,
    q: Option<String>,
    page: Option<String>,
    /// Deadline within this many days (empty: any).
    due: Option<String>,
}

pub struct InboxRow {
    pub file_number: String,
    pub href: String,
    pub applicant: String,
    pub site: String,
    pub state: String,
    pub badge: &'static str,
    pub deadline: String,
    pub overdue: bool,
    /// Due within the next seven days.
    pub due_soon: bool,
    pub received: String,
    pub assignee: String,
}

#[derive(Template)]
#[template(path = "pages/inbox.html")]
struct InboxPage {
    page: Page,
    rows: Vec<InboxRow>,
    states: Vec<OptionView>,
    search: String,
    due: String,
    count: String,
    previous_href: Option<String>,
    next_href: Option<String>,
}

fn assignee_text(lang: Lang, assignee: Option<Uuid>, viewer: Uuid) -> String {
    let t = i18n::t(lang);
    match assignee {
        Some(id) if id == viewer => t.assignee_you,
        Some(_) => t.assignee_other,
        None => t.assignee_none,
    }
    .to_string()
}

pub async fn inbox(ctx: Ctx, Query(params): Query<InboxParams>) -> PageResult {
    let user = ctx.user()?;
    if user.user.role.is_applicant_side() {
        return Ok(see_other("/applications"));
    }
    let lang = ctx.lang;
    let app = ctx.app();
    let page_number: u32 = params
        .page
        .as_deref()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0)
        .min(10_000);
    let state = params.state.clone().unwrap_or_default();
    let search = params.q.clone().unwrap_or_default();
    // an unreadable number is treated as no filter; the field shows what was typed
    let due = params.due.clone().unwrap_or_default();
    let due_within_days = due.trim().parse::<u32>().ok().map(|d| d.min(366));
    let filter = InboxFilter {
        state: Some(state.clone()),
        search: Some(search.clone()),
        due_within_days,
        page: page_number,
    };
    let cases = app.inbox(user, filter).await?;
    let today = german_today(app.now());
    let rows: Vec<InboxRow> = cases
        .into_iter()
        .map(|c| {
            let service = app.services.get(&c.service_id);
            let state = state_view(service, &c.state, lang);
            let deadline = c.next_deadline;
            InboxRow {
                href: format!("/work/cases/{}", c.id),
                file_number: c.file_number.to_string(),
                applicant: c.applicant_name,
                site: c.site_address,
                state: state.label,
                badge: state.badge,
                deadline: deadline
                    .map(|d| format::date(lang, d))
                    .unwrap_or_else(|| "–".to_string()),
                overdue: deadline.is_some_and(|d| d < today),
                due_soon: deadline
                    .is_some_and(|d| d >= today && d <= today + time::Duration::days(7)),
                received: format::day(lang, c.submitted_at),
                assignee: assignee_text(lang, c.assignee_id, user.user.id),
            }
        })
        .collect();
    // the states in the order of the process, each once
    let mut state_options: Vec<OptionView> = Vec::new();
    for service in app.services.all() {
        for s in &service.process.states {
            if !state_options.iter().any(|o| o.value == s.id) {
                state_options.push(OptionView {
                    id: format!("state-{}", s.id),
                    selected: s.id == state,
                    value: s.id.clone(),
                    label: s.label.get(lang).to_string(),
                });
            }
        }
    }
    let link = |n: u32| {
        format!(
            "/work/inbox?state={}&q={}&due={}&page={n}",
            encode_query(&state),
            encode_query(&search),
            encode_query(&due)
        )
    };
    let full = rows.len() == amtsweg_server::app::INBOX_PAGE_SIZE as usize;
    let page = ctx.page(ctx.t().inbox_title).await;
    Ok(render(
        StatusCode::OK,
        &InboxPage {
            page,
            count: i18n::inbox_count(lang, rows.len(), page_number),
            previous_href: (page_number > 0).then(|| link(page_number - 1)),
            next_href: full.then(|| link(page_number + 1)),
            rows,
            states: state_options,
            search,
            due,
        },
    ))
}

pub struct DecisionView {
    pub approval: bool,
    pub conditions: Vec<(String, String)>,
    pub reasons: String,
}

pub struct ConditionRow {
    pub n: usize,
    pub legend: String,
    pub options: Vec<OptionView>,
    pub text: String,
}

/// What was typed into the action forms, kept when the page is shown again.
#[derive(Default)]
pub struct ActionInput {
    action: String,
    defects: String,
    deadline: String,
    reasons: String,
    conditions: Vec<(String, String)>,
    adopt: Option<bool>,
    parties: Vec<String>,
    shared: Vec<String>,
    question: String,
    hearing_reasons: String,
    hearing_deadline: String,
}

/// A request to an agency or the municipality, as the caseworker sees it.
pub struct ParticipationRow {
    pub request_id: String,
    pub party: String,
    pub kind: &'static str,
    pub requested: String,
    pub due: String,
    pub due_iso: String,
    pub status: &'static str,
    pub badge: &'static str,
    pub answer: String,
    pub details: String,
    pub conditions: Vec<(String, String)>,
    pub pending_extension: Option<(String, String)>,
}

pub struct CheckOption {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct StatementCondition {
    pub kind: String,
    pub text: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "pages/work_case.html")]
struct WorkCasePage {
    page: Page,
    case_id: String,
    service_name: String,
    state: String,
    badge: &'static str,
    applicant: String,
    site: String,
    submitted: String,
    submitted_iso: String,
    assignee: String,
    request: Option<RequestView>,
    decision: Option<DecisionView>,
    sections: Vec<SummarySection>,
    documents: Vec<DocRow>,
    events: Vec<EventRow>,
    deadlines: Vec<super::DeadlineRow>,
    /// The actions without input, one button each, in the order of the process.
    buttons: Vec<ActionForm>,
    request_documents: Option<ActionForm>,
    approve: Option<ActionForm>,
    refuse: Option<ActionForm>,
    start_participation: Option<ActionForm>,
    start_hearing: Option<ActionForm>,
    participation: Vec<ParticipationRow>,
    party_options: Vec<CheckOption>,
    share_options: Vec<CheckOption>,
    question: String,
    hearing: Option<super::cases::HearingView>,
    hearing_reasons: String,
    hearing_deadline: String,
    statement_conditions: Vec<StatementCondition>,
    adopt: bool,
    defects: String,
    deadline: String,
    reasons: String,
    condition_rows: Vec<ConditionRow>,
    error_field: String,
    error_message: Option<String>,
    errors: Vec<ErrorLink>,
    done: Option<String>,
}

impl WorkCasePage {
    fn error_at(&self, field: &str) -> Option<&str> {
        (self.error_field == field)
            .then_some(self.error_message.as_deref())
            .flatten()
    }

    fn has_actions(&self) -> bool {
        !self.buttons.is_empty()
            || self.request_documents.is_some()
            || self.approve.is_some()
            || self.refuse.is_some()
            || self.start_participation.is_some()
            || self.start_hearing.is_some()
    }
}

const CONDITION_ROWS: usize = 5;

async fn work_case_page(
    ctx: &Ctx,
    case_id: Uuid,
    done: Option<String>,
    input: ActionInput,
    failure: Option<AppError>,
) -> PageResult {
    let user = ctx.user()?;
    let lang = ctx.lang;
    let app = ctx.app();
    let view = app.case_view(user, case_id).await?;
    let service = view.service;
    let record = &view.record;
    let state = state_view(Some(service), &record.state, lang);
    let mine = record.case.assignee_id == Some(user.user.id);
    let base = format!("/work/cases/{case_id}");
    let form_of = |kind: ActionKind| ActionForm::offered(&base, &view.actions, kind, lang);
    let decision = record.case.decision.as_ref().map(|d| match d {
        Decision::Approval { conditions } => DecisionView {
            approval: true,
            conditions: conditions
                .iter()
                .map(|c| {
                    let kind = service
                        .condition_kind(&c.kind)
                        .map(|k| k.label.get(lang).to_string())
                        .unwrap_or_else(|| c.kind.clone());
                    (kind, c.text.clone())
                })
                .collect(),
            reasons: String::new(),
        },
        Decision::Refusal { reasons } => DecisionView {
            approval: false,
            conditions: Vec::new(),
            reasons: reasons.clone(),
        },
    });
    // a decision taken again starts from the caseworker's own conditions decided so far;
    // the agencies' come again from their statements
    let mut conditions = input.conditions.clone();
    if failure.is_none()
        && let Some(Decision::Approval {
            conditions: decided,
        }) = &record.case.decision
    {
        conditions = decided
            .iter()
            .filter(|c| c.source.is_none())
            .map(|c| (c.kind.clone(), c.text.clone()))
            .collect();
    }
    let kind_label = |code: &str| {
        service
            .condition_kind(code)
            .map(|k| k.label.get(lang).to_string())
            .unwrap_or_else(|| code.to_string())
    };
    let t = ctx.t();
    let participation_rows = record
        .case
        .participations
        .iter()
        .map(|p| participation_row(p, lang, &kind_label))
        .collect();
    let start_participation = form_of(ActionKind::StartParticipation);
    let (party_options, share_options) = if start_participation.is_some() {
        let directory = app.directory(user).await?;
        let parties = directory
            .iter()
            .map(|d| CheckOption {
                id: format!("party-{}", d.party.id),
                value: d.party.id.to_string(),
                label: format!(
                    "{} ({})",
                    d.party.name,
                    amtsweg_domain::participation::topic_label(&d.topic).get(lang)
                ),
                checked: input.parties.contains(&d.party.id.to_string()),
            })
            .collect();
        let shares = view
            .documents
            .iter()
            .filter(|d| {
                matches!(
                    d.origin,
                    amtsweg_domain::document::DocumentOrigin::Application
                        | amtsweg_domain::document::DocumentOrigin::Supplement
                )
            })
            .map(|d| {
                let row = doc_row(service, d, lang);
                CheckOption {
                    id: format!("share-{}", d.id),
                    value: d.id.to_string(),
                    label: format!("{} – {}", row.type_label, row.file_name),
                    checked: input.shared.contains(&d.id.to_string()),
                }
            })
            .collect();
        (parties, shares)
    } else {
        (Vec::new(), Vec::new())
    };
    let statement_conditions = amtsweg_domain::participation::statement_conditions(&record.case)
        .into_iter()
        .map(|c| StatementCondition {
            kind: kind_label(&c.kind),
            text: c.text,
            source: c.source.unwrap_or_default(),
        })
        .collect();
    let hearing_deadline = if input.hearing_deadline.is_empty() {
        (german_today(app.now()) + time::Duration::days(14)).to_string()
    } else {
        input.hearing_deadline.clone()
    };
    let condition_rows = (0..CONDITION_ROWS.max(conditions.len() + 1))
        .map(|i| {
            let (kind, text) = conditions.get(i).cloned().unwrap_or_default();
            ConditionRow {
                n: i + 1,
                legend: i18n::condition_row(lang, i + 1),
                options: service
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
    let deadline = if input.deadline.is_empty() {
        (german_today(app.now()) + time::Duration::days(14)).to_string()
    } else {
        input.deadline.clone()
    };
    let status = failure
        .as_ref()
        .and_then(|e| StatusCode::from_u16(e.status()).ok())
        .unwrap_or(StatusCode::OK);
    let (error_field, error_message) = match &failure {
        Some(AppError::Case(CaseError::Invalid { field, message })) => {
            // the hearing's and the participation's fields carry a prefix on the page
            let field = match input.action.as_str() {
                "start_hearing" => format!("hearing_{field}"),
                "start_participation" => format!("participation_{field}"),
                _ => field.to_string(),
            };
            (field, Some(message.get(lang).to_string()))
        }
        Some(e) => (
            "actions".to_string(),
            Some(e.message().get(lang).to_string()),
        ),
        None => (String::new(), None),
    };
    let errors = match &error_message {
        Some(message) => vec![ErrorLink {
            href: match error_field.as_str() {
                "conditions" => "#condition_kind-1".to_string(),
                "defects"
                | "deadline"
                | "reasons"
                | "hearing_reasons"
                | "hearing_deadline"
                | "participation_question" => format!("#{error_field}"),
                "participation_parties" | "participation_documents" => {
                    "#participation-form".to_string()
                }
                _ => "#actions-heading".to_string(),
            },
            text: message.clone(),
        }],
        None => Vec::new(),
    };
    let title = i18n::case_title(lang, record.file_number.as_str());
    let page = ctx.page(title).await;
    Ok(render(
        status,
        &WorkCasePage {
            page,
            case_id: case_id.to_string(),
            service_name: service.name.get(lang).to_string(),
            state: state.label,
            badge: state.badge,
            applicant: record.applicant_name.clone(),
            site: record.site_address.clone(),
            submitted: format::datetime(lang, record.submitted_at),
            submitted_iso: format::iso(record.submitted_at),
            assignee: assignee_text(lang, record.case.assignee_id, user.user.id),
            request: record.case.open_request.as_ref().map(|r| RequestView {
                defects: r.defects.clone(),
                deadline: format::date(lang, r.deadline),
            }),
            decision,
            sections: summary(service, &view.form, lang, None),
            documents: view
                .documents
                .iter()
                .map(|d| doc_row(service, d, lang))
                .collect(),
            events: event_rows(service, &view.events, lang),
            deadlines: super::deadline_rows(&view.deadlines, lang),
            buttons: view
                .actions
                .iter()
                .map(|a| a.action)
                .filter(|kind| match kind {
                    ActionKind::TakeOver => !mine,
                    ActionKind::ConfirmComplete => true,
                    ActionKind::IssueNotice => record.case.decision.is_some(),
                    _ => false,
                })
                .filter_map(form_of)
                .collect(),
            request_documents: form_of(ActionKind::RequestDocuments),
            approve: form_of(ActionKind::Approve),
            refuse: form_of(ActionKind::Refuse),
            start_participation,
            start_hearing: form_of(ActionKind::StartHearing),
            participation: participation_rows,
            party_options,
            share_options,
            question: if input.question.is_empty() && input.action.is_empty() {
                t.question_default.to_string()
            } else {
                input.question.clone()
            },
            hearing: super::cases::HearingView::of(&record.case, lang),
            hearing_reasons: input.hearing_reasons.clone(),
            hearing_deadline,
            statement_conditions,
            adopt: input.adopt.unwrap_or(true),
            defects: input.defects,
            deadline,
            reasons: input.reasons,
            condition_rows,
            error_field,
            error_message,
            errors,
            done,
        },
    ))
}

fn participation_row(
    p: &amtsweg_domain::participation::ParticipationRequest,
    lang: Lang,
    kind_label: &dyn Fn(&str) -> String,
) -> ParticipationRow {
    use amtsweg_domain::participation::{Answer, PartyKind, Statement};
    let t = i18n::t(lang);
    let (status, badge) = match &p.answer {
        None => (t.participation_open, "info"),
        Some(Answer::Party { .. }) => (t.participation_answered, "success"),
        Some(Answer::Deemed { .. }) => (t.participation_deemed, "warning"),
    };
    let (details, conditions) = match &p.answer {
        Some(Answer::Party { statement, .. }) => match statement {
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
        _ => (String::new(), Vec::new()),
    };
    ParticipationRow {
        request_id: p.id.to_string(),
        party: p.party_name.clone(),
        kind: match p.party_kind {
            PartyKind::Agency => t.party_agency,
            PartyKind::Municipality => t.party_municipality,
        },
        requested: format::date(lang, p.requested_on),
        due: format::date(lang, p.due),
        due_iso: p.due.to_string(),
        status,
        badge,
        answer: p
            .answer
            .as_ref()
            .map(|a| a.label().get(lang).to_string())
            .unwrap_or_else(|| "–".into()),
        details,
        conditions,
        pending_extension: p
            .pending_extension
            .as_ref()
            .map(|e| (format::date(lang, e.until), e.reason.clone())),
    }
}

pub async fn case(ctx: Ctx, Path(id): Path<String>, Query(q): Query<DoneQuery>) -> PageResult {
    let case_id = parse_id(&id)?;
    let user = ctx.user()?;
    if user.user.role.is_applicant_side() {
        return Ok(see_other(&format!("/cases/{case_id}")));
    }
    let done = q.message(ctx.lang);
    work_case_page(&ctx, case_id, done, ActionInput::default(), None).await
}

/// The action of a staff form, and what was typed into it.
fn parse_action(action: &str, fields: &Fields) -> Result<(CaseAction, ActionInput), AppError> {
    let mut input = ActionInput::default();
    let action_code = action;
    let action = match ActionKind::parse(action).ok_or(AppError::NotFound)? {
        ActionKind::TakeOver => CaseAction::TakeOver,
        ActionKind::ConfirmComplete => CaseAction::ConfirmComplete,
        ActionKind::RequestDocuments => {
            input.defects = fields.get("defects").unwrap_or("").to_string();
            input.deadline = fields.get("deadline").unwrap_or("").to_string();
            CaseAction::RequestDocuments {
                defects: input
                    .defects
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect(),
                deadline: input.deadline.clone(),
            }
        }
        ActionKind::Approve => {
            let (rows, conditions) = super::conditions_from_form(fields);
            input.conditions = rows;
            let conditions = conditions?;
            // the checkbox is sent only when ticked; the form says it is there
            let adopt = fields.get("adopt_statement_conditions").is_some()
                || fields.get("adopt_offered").is_none();
            input.adopt = Some(adopt);
            CaseAction::Approve {
                conditions,
                adopt_statement_conditions: adopt,
            }
        }
        ActionKind::Refuse => {
            input.reasons = fields.get("reasons").unwrap_or("").to_string();
            CaseAction::Refuse {
                reasons: input.reasons.clone(),
            }
        }
        ActionKind::IssueNotice => CaseAction::IssueNotice,
        ActionKind::StartParticipation => {
            input.parties = fields.all("party").iter().map(|s| s.to_string()).collect();
            input.shared = fields.all("share").iter().map(|s| s.to_string()).collect();
            input.question = fields.get("question").unwrap_or("").to_string();
            let ids = |values: &[String]| -> Result<Vec<Uuid>, AppError> {
                values
                    .iter()
                    .map(|v| Uuid::parse_str(v).map_err(|_| AppError::NotFound))
                    .collect()
            };
            CaseAction::StartParticipation {
                parties: ids(&input.parties)?,
                question: input.question.clone(),
                document_ids: ids(&input.shared)?,
            }
        }
        ActionKind::StartHearing => {
            input.hearing_reasons = fields.get("hearing_reasons").unwrap_or("").to_string();
            input.hearing_deadline = fields.get("hearing_deadline").unwrap_or("").to_string();
            CaseAction::StartHearing {
                reasons: input.hearing_reasons.clone(),
                deadline: input.hearing_deadline.clone(),
            }
        }
        _ => return Err(AppError::NotFound),
    };
    input.action = action_code.to_string();
    Ok((action, input))
}

pub async fn act(
    Path((id, action)): Path<(String, String)>,
    SessionForm { ctx, fields }: SessionForm,
) -> PageResult {
    let user = ctx.user()?;
    let case_id = parse_id(&id)?;
    if !user.user.role.is_staff() {
        return Err(Failure::App(AppError::Forbidden));
    }
    let (case_action, input) = match parse_action(&action, &fields) {
        Ok(parsed) => parsed,
        Err(AppError::NotFound) => return Err(Failure::App(AppError::NotFound)),
        Err(e) => {
            // keep what was typed; the form shows the error next to the field
            let input = ActionInput {
                conditions: fields
                    .all("condition_kind")
                    .into_iter()
                    .zip(fields.all("condition_text"))
                    .map(|(k, t)| (k.to_string(), t.to_string()))
                    .collect(),
                ..ActionInput::default()
            };
            return work_case_page(&ctx, case_id, None, input, Some(e)).await;
        }
    };
    match ctx.app().act(user, case_id, case_action).await {
        Ok(_) => Ok(see_other(&format!("/work/cases/{case_id}?done={action}"))),
        Err(e @ (AppError::Case(_) | AppError::Conflict { .. } | AppError::BadRequest { .. })) => {
            work_case_page(&ctx, case_id, None, input, Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The caseworker grants or refuses an agency's request for more time.
pub async fn decide_extension(
    Path((id, request)): Path<(String, String)>,
    SessionForm { ctx, fields }: SessionForm,
) -> PageResult {
    let user = ctx.user()?;
    let case_id = parse_id(&id)?;
    let request_id = parse_id(&request)?;
    let grant = fields.get("grant") == Some("yes");
    match ctx
        .app()
        .decide_extension(user, case_id, request_id, grant)
        .await
    {
        Ok(_) => {
            let done = if grant {
                "extension_granted"
            } else {
                "extension_refused"
            };
            Ok(see_other(&format!("/work/cases/{case_id}?done={done}")))
        }
        Err(e @ (AppError::Case(_) | AppError::Conflict { .. } | AppError::BadRequest { .. })) => {
            work_case_page(&ctx, case_id, None, ActionInput::default(), Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn condition_rows_keep_their_order_and_empty_rows_are_ignored() {
        let form = fields(&[
            ("condition_kind", "2"),
            ("condition_text", "Stellplätze herstellen"),
            ("condition_kind", ""),
            ("condition_text", ""),
            ("condition_kind", "4"),
            ("condition_text", "Baubeginn anzeigen"),
        ]);
        let Ok((CaseAction::Approve { conditions, .. }, _)) = parse_action("approve", &form) else {
            panic!("approve expected");
        };
        let kinds: Vec<&str> = conditions.iter().map(|c| c.kind.as_str()).collect();
        assert_eq!(kinds, ["2", "4"]);
        assert_eq!(conditions[1].text, "Baubeginn anzeigen");
    }

    #[test]
    fn a_condition_text_needs_a_kind() {
        let form = fields(&[("condition_kind", ""), ("condition_text", "ohne Art")]);
        assert!(matches!(
            parse_action("approve", &form),
            Err(AppError::Case(CaseError::Invalid {
                field: "conditions",
                ..
            }))
        ));
    }

    #[test]
    fn defects_are_one_per_line() {
        let form = fields(&[("defects", "A\r\n\n  B  \n"), ("deadline", "2026-12-11")]);
        let Ok((CaseAction::RequestDocuments { defects, deadline }, _)) =
            parse_action("request_documents", &form)
        else {
            panic!("request expected");
        };
        assert_eq!(defects, ["A", "B"]);
        assert_eq!(deadline, "2026-12-11");
        assert!(matches!(
            parse_action("nope", &form),
            Err(AppError::NotFound)
        ));
    }
}
