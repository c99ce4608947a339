//! What the API sends and receives. Separate from the domain types so that the wire format
//! is stable and documented (these types make the OpenAPI schemas).

use std::collections::BTreeMap;

use crate::app::views::{
    Account, AuthorityInfo, CaseEvent, CaseFile, CaseListItem, DocumentInfo, MailboxMessage,
};
use amtsweg_domain::case::{ConditionItem, Decision, Event};
use amtsweg_domain::participation::Statement;
use amtsweg_domain::text::instant_text;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

mod events;
pub use events::*;

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterRequest {
    #[schema(
        min_length = 3,
        max_length = 254,
        pattern = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"
    )]
    pub email: String,
    #[schema(min_length = 10, max_length = 256)]
    pub password: String,
    /// Latin letters after DIN 91379 (datatype B), at most 200 characters.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub display_name: String,
    /// `applicant` or `architect`.
    #[schema(pattern = "^(applicant|architect)$")]
    pub role: String,
}

/// The answer to a registration: the same for a new address and a taken one.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationOut {
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub authority_id: Option<Uuid>,
}

impl From<&Account> for UserOut {
    fn from(u: &Account) -> Self {
        UserOut {
            id: u.id,
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            role: u.role.code().into(),
            authority_id: u.authority_id,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: String,
    pub user: UserOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceOut {
    pub id: String,
    pub version: String,
    pub name_de: String,
    pub name_en: String,
    /// The whole definition: form, documents, process.
    #[schema(value_type = Object)]
    pub definition: serde_json::Value,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewDraftRequest {
    pub service_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DraftPatch {
    /// Values by field id; an empty string clears a field.
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentOut {
    pub id: Uuid,
    pub document_type: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: String,
    /// `application`, `pending_supplement`, `supplement`, `notice`, `pending_statement` or `statement`.
    pub origin: String,
}

impl From<&DocumentInfo> for DocumentOut {
    fn from(d: &DocumentInfo) -> Self {
        DocumentOut {
            id: d.id,
            document_type: d.document_type.clone(),
            file_name: d.file_name.clone(),
            content_type: d.content_type.clone(),
            size_bytes: d.size_bytes,
            sha256: d.sha256.to_string(),
            uploaded_at: instant_text(d.uploaded_at),
            origin: d.origin.code().into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DraftOut {
    pub id: Uuid,
    pub service_id: String,
    pub service_version: String,
    pub fields: BTreeMap<String, String>,
    pub documents: Vec<DocumentOut>,
    /// Required document types still missing.
    pub missing_documents: Vec<String>,
    pub updated_at: String,
    pub case_id: Option<Uuid>,
    /// Who would receive the application, from the place in the form (absent once submitted).
    pub responsible: Option<ResponsibleOut>,
}

/// The authorities responsible for the place of an application.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponsibleOut {
    /// `one`: it goes to that authority; `choice`: several are responsible, submit with
    /// `authority_id` of one of them; `nobody`: none here covers the place (check it).
    pub status: String,
    pub authorities: Vec<AuthorityOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorityOut {
    pub id: Uuid,
    pub name: String,
    pub address: String,
}

impl From<&crate::app::Responsible> for ResponsibleOut {
    fn from(r: &crate::app::Responsible) -> Self {
        use crate::app::Responsible;
        let out = |list: &[AuthorityInfo]| {
            list.iter()
                .map(|a| AuthorityOut {
                    id: a.id,
                    name: a.name.clone(),
                    address: a.address.clone(),
                })
                .collect()
        };
        match r {
            Responsible::One(a) => ResponsibleOut {
                status: "one".into(),
                authorities: out(std::slice::from_ref(a)),
            },
            Responsible::Choice(list) => ResponsibleOut {
                status: "choice".into(),
                authorities: out(list),
            },
            Responsible::Nobody => ResponsibleOut {
                status: "nobody".into(),
                authorities: Vec::new(),
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummaryOut {
    pub id: Uuid,
    pub file_number: String,
    pub service_id: String,
    pub state: String,
    pub applicant_name: String,
    pub site_address: String,
    pub assignee_id: Option<Uuid>,
    pub next_deadline: Option<String>,
    pub submitted_at: String,
}

impl From<&CaseListItem> for CaseSummaryOut {
    fn from(c: &CaseListItem) -> Self {
        CaseSummaryOut {
            id: c.id,
            file_number: c.file_number.to_string(),
            service_id: c.service_id.clone(),
            state: c.state.clone(),
            applicant_name: c.applicant_name.clone(),
            site_address: c.site_address.clone(),
            assignee_id: c.assignee_id,
            next_deadline: c.next_deadline.map(|d| d.to_string()),
            submitted_at: instant_text(c.submitted_at),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ConditionOut {
    /// Code of the XBau code list `nebenbestimmungart` (e.g. `2` = Auflage).
    pub kind: String,
    pub text: String,
    /// The agency whose statement asked for the condition (ignored on input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestOut {
    pub defects: Vec<String>,
    pub deadline: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionOut {
    /// `approval` or `refusal`.
    pub outcome: String,
    pub conditions: Vec<ConditionOut>,
    pub reasons: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseOut {
    pub id: Uuid,
    pub file_number: String,
    pub service_id: String,
    pub service_version: String,
    pub state: String,
    pub state_label_de: String,
    pub state_label_en: String,
    /// XBau `statusbauportal` 3.0 code.
    pub portal_status: String,
    /// Optimistic concurrency: changes with every step.
    pub version: i64,
    pub applicant_name: String,
    pub site_address: String,
    pub assignee_id: Option<Uuid>,
    pub submitted_at: String,
    pub next_deadline: Option<String>,
    pub open_request: Option<RequestOut>,
    pub decision: Option<DecisionOut>,
    pub notice_document_id: Option<Uuid>,
    pub fields: BTreeMap<String, String>,
    pub documents: Vec<DocumentOut>,
    pub events: Vec<EventOut>,
    /// Actions the caller may take now (`take_over`, `request_documents`, …).
    pub actions: Vec<String>,
    /// The statutory deadlines of the case, today.
    pub deadlines: Vec<DeadlineOut>,
    /// Staff only: the requests to agencies and the municipality.
    pub participations: Vec<super::participation::ParticipationOut>,
    pub hearing: Option<HearingOut>,
    /// The applicant waived the deemed approval.
    pub deemed_approval_waived: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HearingOut {
    pub reasons: String,
    /// `YYYY-MM-DD`: the applicant may respond until then.
    pub deadline: String,
    pub response: Option<String>,
}

pub fn decision_out(d: &Decision) -> DecisionOut {
    match d {
        Decision::Approval { conditions } => DecisionOut {
            outcome: "approval".into(),
            conditions: conditions
                .iter()
                .map(|c| ConditionOut {
                    kind: c.kind.clone(),
                    text: c.text.clone(),
                    source: c.source.clone(),
                })
                .collect(),
            reasons: None,
        },
        Decision::Refusal { reasons } => DecisionOut {
            outcome: "refusal".into(),
            conditions: vec![],
            reasons: Some(reasons.clone()),
        },
    }
}

/// A statutory deadline of the case, today.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineOut {
    /// Rule id, e.g. `completeness_check`, `supplement`, `decision`.
    pub rule: String,
    pub label_de: String,
    pub label_en: String,
    /// Who must act: `authority`, `applicant`, `agency`, `municipality`.
    pub party: String,
    /// `running`, `stopped`, `ended` or `expired`.
    pub status: String,
    /// Last day (`YYYY-MM-DD`), after any move off a weekend or holiday.
    pub due: Option<String>,
    /// Why the due date moved (§193 BGB), in German.
    pub moved_because: Vec<String>,
    pub working_days_left: Option<u32>,
    /// What the expiry means: `reminder`, `deemed_consent`, `deemed_no_concerns`, `deemed_withdrawal`, `deemed_approval`.
    pub on_expiry: String,
    pub on_expiry_de: String,
    pub source: String,
}

impl From<&amtsweg_domain::deadlines::CaseDeadline<'_>> for DeadlineOut {
    fn from(d: &amtsweg_domain::deadlines::CaseDeadline<'_>) -> Self {
        DeadlineOut {
            rule: d.rule.id.clone(),
            label_de: d.rule.label.de.clone(),
            label_en: d.rule.label.en.clone(),
            party: serde_json::to_value(d.rule.party)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            status: serde_json::to_value(d.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            due: d.due.as_ref().map(|due| due.end.to_string()),
            moved_because: d
                .due
                .as_ref()
                .map(|due| due.moved_because.clone())
                .unwrap_or_default(),
            working_days_left: d.working_days_left,
            on_expiry: serde_json::to_value(d.rule.on_expiry)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            on_expiry_de: d.rule.on_expiry.label().de,
            source: d.rule.source.clone(),
        }
    }
}

/// The short form after an action.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseStateOut {
    pub id: Uuid,
    pub file_number: String,
    pub state: String,
    pub version: i64,
    pub next_deadline: Option<String>,
    pub notice_document_id: Option<Uuid>,
}

impl From<&CaseFile> for CaseStateOut {
    fn from(c: &CaseFile) -> Self {
        CaseStateOut {
            id: c.id,
            file_number: c.file_number.to_string(),
            state: c.state.clone(),
            version: c.version,
            next_deadline: c.next_deadline.map(|d| d.to_string()),
            notice_document_id: c.case.notice_document_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptOut {
    pub case_id: Uuid,
    /// Aktenzeichen, unique per authority.
    pub file_number: String,
    pub received_at: String,
    /// False when this repeated an earlier submission (same draft or idempotency key).
    pub created: bool,
}

/// The bytes of a file as they are: the body of an upload, the answer of a download.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary, min_length = 1)]
pub struct FileBytes(pub Vec<u8>);

/// An action on a case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ActionRequest {
    TakeOver,
    ConfirmComplete,
    RequestDocuments {
        #[schema(min_items = 1, max_items = 50)]
        defects: Vec<String>,
        /// `YYYY-MM-DD`
        #[schema(format = Date)]
        deadline: String,
    },
    SupplyDocuments,
    Approve {
        #[serde(default)]
        #[schema(max_items = 200)]
        conditions: Vec<ConditionOut>,
        /// The conditions of the agencies' statements join the decision (default true).
        #[serde(default = "yes")]
        adopt_statement_conditions: bool,
    },
    Refuse {
        #[schema(min_length = 1, max_length = 20000)]
        reasons: String,
    },
    IssueNotice,
    Withdraw,
    /// Ask agencies and the municipality (ids from `GET /api/v1/directory`).
    StartParticipation {
        #[schema(min_items = 1, max_items = 30)]
        parties: Vec<Uuid>,
        #[schema(min_length = 1, max_length = 5000)]
        question: String,
        /// Documents of the case shared with them (only these).
        #[serde(default)]
        #[schema(max_items = 500)]
        documents: Vec<Uuid>,
    },
    /// Hear the applicant before a refusal (§ 28 VwVfG).
    StartHearing {
        #[schema(min_length = 1, max_length = 20000)]
        reasons: String,
        /// `YYYY-MM-DD`, at least 7 days ahead.
        #[schema(format = Date)]
        deadline: String,
    },
    RespondToHearing {
        #[schema(min_length = 1, max_length = 20000)]
        text: String,
    },
    WaiveDeemedApproval,
}

fn yes() -> bool {
    true
}

impl From<ActionRequest> for crate::app::CaseAction {
    fn from(a: ActionRequest) -> Self {
        use crate::app::CaseAction as C;
        match a {
            ActionRequest::TakeOver => C::TakeOver,
            ActionRequest::ConfirmComplete => C::ConfirmComplete,
            ActionRequest::RequestDocuments { defects, deadline } => {
                C::RequestDocuments { defects, deadline }
            }
            ActionRequest::SupplyDocuments => C::SupplyDocuments,
            ActionRequest::Approve {
                conditions,
                adopt_statement_conditions,
            } => C::Approve {
                conditions: conditions
                    .into_iter()
                    .map(|c| ConditionItem {
                        kind: c.kind,
                        text: c.text,
                        source: None,
                    })
                    .collect(),
                adopt_statement_conditions,
            },
            ActionRequest::Refuse { reasons } => C::Refuse { reasons },
            ActionRequest::IssueNotice => C::IssueNotice,
            ActionRequest::Withdraw => C::Withdraw,
            ActionRequest::StartParticipation {
                parties,
                question,
                documents,
            } => C::StartParticipation {
                parties,
                question,
                document_ids: documents,
            },
            ActionRequest::StartHearing { reasons, deadline } => {
                C::StartHearing { reasons, deadline }
            }
            ActionRequest::RespondToHearing { text } => C::RespondToHearing { text },
            ActionRequest::WaiveDeemedApproval => C::WaiveDeemedApproval,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageOut {
    pub id: Uuid,
    pub case_id: Option<Uuid>,
    /// `receipt`, `document_request`, `notice` or `info`.
    pub kind: String,
    /// German.
    pub subject: String,
    pub subject_en: String,
    /// German.
    pub body: String,
    pub body_en: String,
    pub document_id: Option<Uuid>,
    pub created_at: String,
    pub read_at: Option<String>,
}

impl From<&MailboxMessage> for MessageOut {
    fn from(m: &MailboxMessage) -> Self {
        MessageOut {
            id: m.id,
            case_id: m.case_id,
            kind: m.kind.clone(),
            subject: m.subject.de.clone(),
            subject_en: m.subject.en.clone(),
            body: m.body.de.clone(),
            body_en: m.body.en.clone(),
            document_id: m.document_id,
            created_at: instant_text(m.created_at),
            read_at: m.read_at.map(instant_text),
        }
    }
}
