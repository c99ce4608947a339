//! The page handlers, and what several of them share.

pub mod agency;
pub mod cases;
pub mod drafts;
pub mod public;
pub mod staff;
pub mod uploads;

use amtsweg_domain::case::Event;
use amtsweg_domain::deadlines::{CaseDeadline, Party, Status};
use amtsweg_domain::document::DocumentOrigin;
use amtsweg_domain::service::ServiceDefinition;
use amtsweg_server::app::AppError;
use amtsweg_server::app::views::{CaseEvent, DocumentInfo};
use serde::Deserialize;
use uuid::Uuid;

use crate::errors::Failure;
use crate::format;
use crate::i18n::{self, Lang};

/// An id in a path; anything unreadable is "not found".
pub fn parse_id(text: &str) -> Result<Uuid, Failure> {
    Uuid::parse_str(text).map_err(|_| Failure::App(AppError::NotFound))
}

/// `?done=…` after a successful action.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

impl DoneQuery {
    pub fn message(&self, lang: Lang) -> Option<String> {
        self.done
            .as_deref()
            .and_then(|d| i18n::done(lang, d))
            .map(str::to_string)
    }
}

/// The state of a case as shown: label, badge style, XBau portal status.
pub struct StateView {
    pub label: String,
    pub badge: &'static str,
    pub portal_status: String,
}

pub fn state_view(service: Option<&ServiceDefinition>, state: &str, lang: Lang) -> StateView {
    let definition = service.and_then(|s| s.process.state(state));
    let portal_status = definition
        .map(|d| d.portal_status.clone())
        .unwrap_or_default();
    // statusbauportal 3.0: 10 approved, 04 refused, 17 documents requested, 23 withdrawn
    let badge = match portal_status.as_str() {
        "10" | "58" => "kern-badge--success",
        "03" => "kern-badge--warning",
        "04" => "kern-badge--danger",
        "17" => "kern-badge--warning",
        "23" => "app-badge--neutral",
        _ => "kern-badge--info",
    };
    StateView {
        label: definition
            .map(|d| d.label.get(lang).to_string())
            .unwrap_or_else(|| state.to_string()),
        badge,
        portal_status,
    }
}

/// A document in a list.
/// A form that takes one action of the process: its address from the action's code, its label
/// from the process definition (`process.toml`), never a literal in a template.
pub struct ActionForm {
    pub href: String,
    pub label: String,
}

impl ActionForm {
    /// The form of `kind` if the process offers it to the viewer now (`actions` of the view).
    pub fn offered(
        base: &str,
        actions: &[&amtsweg_domain::service::Transition],
        kind: amtsweg_domain::case::ActionKind,
        lang: Lang,
    ) -> Option<ActionForm> {
        actions
            .iter()
            .find(|a| a.action == kind)
            .map(|a| ActionForm {
                href: format!("{base}/actions/{}", kind.code()),
                label: a.label.get(lang).to_string(),
            })
    }
}

pub struct DocRow {
    pub id: String,
    pub href: String,
    pub file_name: String,
    pub type_label: String,
    pub origin: String,
    pub size: String,
    pub uploaded_at: String,
    pub uploaded_iso: String,
}

pub fn origin_label(origin: DocumentOrigin, lang: Lang) -> &'static str {
    let t = i18n::t(lang);
    match origin {
        DocumentOrigin::Application => t.origin_application,
        DocumentOrigin::PendingSupplement => t.origin_pending,
        DocumentOrigin::Supplement => t.origin_supplement,
        DocumentOrigin::Notice => t.origin_notice,
        DocumentOrigin::Statement => t.origin_statement,
        DocumentOrigin::PendingStatement => t.origin_pending_statement,
    }
}

pub fn doc_row(service: &ServiceDefinition, doc: &DocumentInfo, lang: Lang) -> DocRow {
    let href = match (doc.origin, doc.case_id) {
        (DocumentOrigin::Notice, Some(case_id)) => format!("/cases/{case_id}/notice"),
        _ => format!("/documents/{}", doc.id),
    };
    let type_label = match doc.origin {
        DocumentOrigin::Notice => i18n::t(lang).origin_notice.to_string(),
        _ => service
            .document_type(&doc.document_type)
            .map(|d| d.label.get(lang).to_string())
            .unwrap_or_else(|| doc.document_type.clone()),
    };
    DocRow {
        id: doc.id.to_string(),
        href,
        file_name: doc.file_name.clone(),
        type_label,
        origin: origin_label(doc.origin, lang).to_string(),
        size: format::size(lang, doc.size_bytes),
        uploaded_at: format::datetime(lang, doc.uploaded_at),
        uploaded_iso: format::iso(doc.uploaded_at),
    }
}

/// A statutory deadline as the case pages show it.
pub struct DeadlineRow {
    pub label: String,
    pub party: &'static str,
    pub status: &'static str,
    pub badge: &'static str,
    pub due: String,
    pub due_iso: String,
    /// Why the date moved off a weekend or holiday (German, from the calendar).
    pub moved: String,
    pub days_left: String,
    pub consequence: String,
    pub source: String,
}

/// The deadlines that still matter (running, stopped, expired); met ones are left out.
pub fn deadline_rows(deadlines: &[CaseDeadline<'_>], lang: Lang) -> Vec<DeadlineRow> {
    let t = i18n::t(lang);
    deadlines
        .iter()
        .filter(|d| d.status != Status::Ended)
        .map(|d| {
            let (status, badge) = match d.status {
                Status::Running => (t.deadline_running, "info"),
                Status::Stopped => (t.deadline_stopped, "warning"),
                _ => (t.deadline_expired, "danger"),
            };
            let party = match d.rule.party {
                Party::Authority => t.party_authority,
                Party::Applicant => t.party_applicant,
                Party::Agency => t.party_agency,
                Party::Municipality => t.party_municipality,
            };
            DeadlineRow {
                label: d.rule.label.get(lang).to_string(),
                party,
                status,
                badge,
                due: d
                    .due
                    .as_ref()
                    .map(|due| format::date(lang, due.end))
                    .unwrap_or_else(|| "–".into()),
                due_iso: d
                    .due
                    .as_ref()
                    .map(|due| due.end.to_string())
                    .unwrap_or_default(),
                moved: d
                    .due
                    .as_ref()
                    .map(|due| due.moved_because.join("; "))
                    .unwrap_or_default(),
                days_left: d
                    .working_days_left
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "–".into()),
                consequence: d.rule.on_expiry.label().get(lang).to_string(),
                source: d.rule.source.clone(),
            }
        })
        .collect()
}

/// An entry of the timeline.
pub struct EventRow {
    pub label: String,
    pub at: String,
    pub at_iso: String,
    pub details: Vec<String>,
    pub current: bool,
}

pub fn event_rows(service: &ServiceDefinition, events: &[CaseEvent], lang: Lang) -> Vec<EventRow> {
    let t = i18n::t(lang);
    let count = events.len();
    events
        .iter()
        .enumerate()
        .map(|(i, record)| {
            let details = match &record.event {
                Event::Submitted { file_number } => {
                    vec![format!("{}: {file_number}", t.col_file_number)]
                }
                Event::DocumentsRequested { defects, deadline } => {
                    let mut lines = vec![format!(
                        "{}: {}",
                        t.event_by_deadline,
                        format::date(lang, *deadline)
                    )];
                    lines.extend(defects.iter().cloned());
                    lines
                }
                Event::Approved { conditions } => conditions
                    .iter()
                    .map(|c| {
                        let kind = service
                            .condition_kind(&c.kind)
                            .map(|k| k.label.get(lang).to_string())
                            .unwrap_or_else(|| c.kind.clone());
                        format!("{kind}: {}", c.text)
                    })
                    .collect(),
                Event::Refused { reasons } => vec![reasons.clone()],
                _ => Vec::new(),
            };
            EventRow {
                label: record.event.label().get(lang).to_string(),
                at: format::datetime(lang, record.at),
                at_iso: format::iso(record.at),
                details,
                current: i + 1 == count,
            }
        })
        .collect()
}

pub type ConditionsResult =
    Result<Vec<amtsweg_domain::case::ConditionItem>, amtsweg_server::app::AppError>;

/// The rows of conditions of a form (kind, text), as typed, and the conditions they make:
/// empty rows are left out; a text without a kind is an error.
pub fn conditions_from_form(
    fields: &crate::forms::Fields,
) -> (Vec<(String, String)>, ConditionsResult) {
    let kinds = fields.all("condition_kind");
    let texts = fields.all("condition_text");
    let rows: Vec<(String, String)> = (0..kinds.len().max(texts.len()))
        .map(|i| {
            (
                kinds.get(i).copied().unwrap_or("").trim().to_string(),
                texts.get(i).copied().unwrap_or("").to_string(),
            )
        })
        .collect();
    let mut conditions = Vec::new();
    for (kind, text) in &rows {
        if kind.is_empty() && text.trim().is_empty() {
            continue;
        }
        if kind.is_empty() {
            let (de, en) = (&i18n::DE, &i18n::EN);
            let error =
                amtsweg_server::app::AppError::Case(amtsweg_domain::case::CaseError::Invalid {
                    field: "conditions",
                    message: amtsweg_domain::Text::new(
                        de.condition_kind_missing,
                        en.condition_kind_missing,
                    ),
                });
            return (rows, Err(error));
        }
        conditions.push(amtsweg_domain::case::ConditionItem {
            kind: kind.clone(),
            text: text.clone(),
            source: None,
        });
    }
    (rows, Ok(conditions))
}
