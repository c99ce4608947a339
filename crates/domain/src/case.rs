//! The case and its process: a command is decided against the case and the process
//! definition, and either yields one event and the next state, or an error saying why not.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::Text;
use crate::policy::Role;
use crate::service::ServiceDefinition;

/// The kinds of action the engine knows. Which state they lead from and to, and which
/// roles may take them, is data in the process definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    TakeOver,
    ConfirmComplete,
    RequestDocuments,
    SupplyDocuments,
    Approve,
    Refuse,
    IssueNotice,
    Withdraw,
    /// The application is deemed withdrawn: the requested documents did not arrive in time.
    DeemWithdrawal,
}

/// Which side of the procedure takes an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Applicant,
    Authority,
    /// Taken by the law when a deadline runs out, never by a person.
    System,
}

impl Side {
    pub fn admits(self, role: Role) -> bool {
        match self {
            Side::Applicant => role.is_applicant_side(),
            Side::Authority => role.is_staff(),
            Side::System => false,
        }
    }
}

impl ActionKind {
    pub const ALL: [ActionKind; 9] = [
        ActionKind::TakeOver,
        ActionKind::ConfirmComplete,
        ActionKind::RequestDocuments,
        ActionKind::SupplyDocuments,
        ActionKind::Approve,
        ActionKind::Refuse,
        ActionKind::IssueNotice,
        ActionKind::Withdraw,
        ActionKind::DeemWithdrawal,
    ];

    pub fn side(self) -> Side {
        match self {
            ActionKind::SupplyDocuments | ActionKind::Withdraw => Side::Applicant,
            ActionKind::DeemWithdrawal => Side::System,
            _ => Side::Authority,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ActionKind::TakeOver => "take_over",
            ActionKind::ConfirmComplete => "confirm_complete",
            ActionKind::RequestDocuments => "request_documents",
            ActionKind::SupplyDocuments => "supply_documents",
            ActionKind::Approve => "approve",
            ActionKind::Refuse => "refuse",
            ActionKind::IssueNotice => "issue_notice",
            ActionKind::Withdraw => "withdraw",
            ActionKind::DeemWithdrawal => "deem_withdrawal",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionItem {
    /// Code from the service's condition kinds (XBau `nebenbestimmungart`).
    pub kind: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Decision {
    Approval { conditions: Vec<ConditionItem> },
    Refusal { reasons: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRequest {
    pub defects: Vec<String>,
    pub deadline: Date,
}

/// What the rules need to know of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub state: String,
    pub applicant_id: Uuid,
    pub assignee_id: Option<Uuid>,
    pub open_request: Option<DocumentRequest>,
    pub decision: Option<Decision>,
    pub notice_document_id: Option<Uuid>,
    /// The deadline profile (Land and procedure type) the case took at submission.
    #[serde(default)]
    pub deadline_profile: Option<String>,
}

impl Case {
    pub fn new(service: &ServiceDefinition, applicant_id: Uuid) -> Self {
        Self {
            state: service.process.initial_state.clone(),
            applicant_id,
            assignee_id: None,
            open_request: None,
            decision: None,
            notice_document_id: None,
            deadline_profile: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    TakeOver,
    ConfirmComplete,
    RequestDocuments {
        defects: Vec<String>,
        deadline: Date,
    },
    SupplyDocuments {
        document_ids: Vec<Uuid>,
    },
    Approve {
        conditions: Vec<ConditionItem>,
    },
    Refuse {
        reasons: String,
    },
    /// The notice document is rendered at the edge; its id comes in here.
    IssueNotice {
        notice_document_id: Uuid,
    },
    Withdraw,
}

impl Command {
    pub fn kind(&self) -> ActionKind {
        match self {
            Command::TakeOver => ActionKind::TakeOver,
            Command::ConfirmComplete => ActionKind::ConfirmComplete,
            Command::RequestDocuments { .. } => ActionKind::RequestDocuments,
            Command::SupplyDocuments { .. } => ActionKind::SupplyDocuments,
            Command::Approve { .. } => ActionKind::Approve,
            Command::Refuse { .. } => ActionKind::Refuse,
            Command::IssueNotice { .. } => ActionKind::IssueNotice,
            Command::Withdraw => ActionKind::Withdraw,
        }
    }
}

/// What happened to a case. Stored as JSON with the state after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Submitted {
        file_number: String,
    },
    TakenOver {
        assignee_id: Uuid,
    },
    MarkedComplete,
    DocumentsRequested {
        defects: Vec<String>,
        deadline: Date,
    },
    DocumentsSupplied {
        document_ids: Vec<Uuid>,
    },
    Approved {
        conditions: Vec<ConditionItem>,
    },
    Refused {
        reasons: String,
    },
    NoticeIssued {
        notice_document_id: Uuid,
    },
    /// The applicant opened the notice for the first time (§41(2a) VwVfG).
    NoticeRetrieved,
    Withdrawn,
    /// The requested documents did not arrive by the deadline (Rücknahmefiktion).
    DeemedWithdrawn {
        rule: String,
        due: Date,
    },
    /// A deadline of the authority ran out; the caseworker was reminded.
    DeadlineReminder {
        rule: String,
        due: Date,
    },
}

impl Event {
    pub fn code(&self) -> &'static str {
        match self {
            Event::Submitted { .. } => "submitted",
            Event::TakenOver { .. } => "taken_over",
            Event::MarkedComplete => "marked_complete",
            Event::DocumentsRequested { .. } => "documents_requested",
            Event::DocumentsSupplied { .. } => "documents_supplied",
            Event::Approved { .. } => "approved",
            Event::Refused { .. } => "refused",
            Event::NoticeIssued { .. } => "notice_issued",
            Event::NoticeRetrieved => "notice_retrieved",
            Event::Withdrawn => "withdrawn",
            Event::DeemedWithdrawn { .. } => "deemed_withdrawn",
            Event::DeadlineReminder { .. } => "deadline_reminder",
        }
    }

    /// How the timeline names the event.
    pub fn label(&self) -> Text {
        let (de, en) = match self {
            Event::Submitted { .. } => ("Antrag eingegangen", "Application received"),
            Event::TakenOver { .. } => ("Bearbeitung übernommen", "Taken over for processing"),
            Event::MarkedComplete => ("Unterlagen vollständig", "Documents complete"),
            Event::DocumentsRequested { .. } => ("Unterlagen nachgefordert", "Documents requested"),
            Event::DocumentsSupplied { .. } => ("Unterlagen nachgereicht", "Documents supplied"),
            Event::Approved { .. } => ("Genehmigung entschieden", "Approval decided"),
            Event::Refused { .. } => ("Ablehnung entschieden", "Refusal decided"),
            Event::NoticeIssued { .. } => (
                "Bescheid erteilt und zugestellt",
                "Notice issued and delivered",
            ),
            Event::NoticeRetrieved => ("Bescheid abgerufen", "Notice retrieved"),
            Event::Withdrawn => ("Antrag zurückgezogen", "Application withdrawn"),
            Event::DeemedWithdrawn { .. } => (
                "Antrag gilt als zurückgenommen (Frist abgelaufen)",
                "Application deemed withdrawn (deadline passed)",
            ),
            Event::DeadlineReminder { .. } => (
                "Frist abgelaufen – Erinnerung an die Sachbearbeitung",
                "Deadline passed – caseworker reminded",
            ),
        };
        Text::new(de, en)
    }

    /// Whether the applicant sees the event in their timeline (internal steps stay internal).
    pub fn visible_to_applicant(&self) -> bool {
        !matches!(
            self,
            Event::TakenOver { .. }
                | Event::Approved { .. }
                | Event::Refused { .. }
                | Event::DeadlineReminder { .. }
        )
    }
}

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("action {action:?} is not possible in state {state}")]
    NotInThisState { action: ActionKind, state: String },
    #[error("role {role:?} may not take action {action:?}")]
    RoleMayNot { role: Role, action: ActionKind },
    #[error("the case is assigned to someone else")]
    NotAssignee,
    #[error("the case is already yours")]
    AlreadyAssigned,
    #[error("invalid input: {field}")]
    Invalid { field: &'static str, message: Text },
}

impl CaseError {
    pub fn code(&self) -> &'static str {
        match self {
            CaseError::NotInThisState { .. } => "action_not_possible_in_state",
            CaseError::RoleMayNot { .. } => "role_may_not_act",
            CaseError::NotAssignee => "not_assignee",
            CaseError::AlreadyAssigned => "already_assigned",
            CaseError::Invalid { .. } => "invalid_input",
        }
    }

    pub fn message(&self) -> Text {
        match self {
            CaseError::NotInThisState { .. } => Text::new(
                "Dieser Schritt ist im aktuellen Stand des Vorgangs nicht möglich.",
                "This step is not possible in the current state of the case.",
            ),
            CaseError::RoleMayNot { .. } => Text::new(
                "Ihre Rolle darf diesen Schritt nicht ausführen.",
                "Your role may not take this step.",
            ),
            CaseError::NotAssignee => Text::new(
                "Der Vorgang ist einer anderen Person zugewiesen. Übernehmen Sie ihn zuerst.",
                "The case is assigned to someone else. Take it over first.",
            ),
            CaseError::AlreadyAssigned => Text::new(
                "Sie bearbeiten diesen Vorgang bereits.",
                "You are already processing this case.",
            ),
            CaseError::Invalid { message, .. } => message.clone(),
        }
    }
}

pub const MAX_DEFECTS: usize = 50;
pub const MAX_CONDITIONS: usize = 200;
pub const MAX_TEXT: usize = 5_000;
/// The longest period the authority may give for a supplement.
pub const MAX_REQUEST_DAYS: i64 = 366;

fn invalid(field: &'static str, de: impl Into<String>, en: impl Into<String>) -> CaseError {
    CaseError::Invalid {
        field,
        message: Text::new(de, en),
    }
}

/// The result of a command: one event, and the state the case is in after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub event: Event,
    pub to_state: String,
}

/// Decides a command. `today` is the date at the authority.
pub fn decide(
    service: &ServiceDefinition,
    case: &Case,
    actor: Actor,
    command: Command,
    today: Date,
) -> Result<Decided, CaseError> {
    let action = command.kind();
    let transition = service
        .process
        .transition(&case.state, action)
        .ok_or_else(|| CaseError::NotInThisState {
            action,
            state: case.state.clone(),
        })?;
    if !transition.roles.contains(&actor.role) {
        return Err(CaseError::RoleMayNot {
            role: actor.role,
            action,
        });
    }
    // A caseworker works only on cases assigned to them; the head of unit may step in.
    if action.side() == Side::Authority
        && action != ActionKind::TakeOver
        && actor.role == Role::Caseworker
        && case.assignee_id != Some(actor.user_id)
    {
        return Err(CaseError::NotAssignee);
    }
    if action.side() == Side::Applicant && actor.user_id != case.applicant_id {
        return Err(CaseError::RoleMayNot {
            role: actor.role,
            action,
        });
    }
    let event = match command {
        Command::TakeOver => {
            if case.assignee_id == Some(actor.user_id) {
                return Err(CaseError::AlreadyAssigned);
            }
            Event::TakenOver {
                assignee_id: actor.user_id,
            }
        }
        Command::ConfirmComplete => Event::MarkedComplete,
        Command::RequestDocuments { defects, deadline } => {
            let defects: Vec<String> = defects
                .into_iter()
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty())
                .collect();
            if defects.is_empty() {
                return Err(invalid(
                    "defects",
                    "Bitte nennen Sie mindestens einen Mangel.",
                    "Please name at least one defect.",
                ));
            }
            if defects.len() > MAX_DEFECTS || defects.iter().any(|d| d.chars().count() > MAX_TEXT) {
                return Err(invalid(
                    "defects",
                    format!("Höchstens {MAX_DEFECTS} Mängel mit je {MAX_TEXT} Zeichen."),
                    format!("At most {MAX_DEFECTS} defects of {MAX_TEXT} characters each."),
                ));
            }
            let days = (deadline - today).whole_days();
            if days < 1 {
                return Err(invalid(
                    "deadline",
                    "Die Frist muss in der Zukunft liegen.",
                    "The deadline must lie in the future.",
                ));
            }
            if days > MAX_REQUEST_DAYS {
                return Err(invalid(
                    "deadline",
                    "Die Frist darf höchstens ein Jahr betragen.",
                    "The deadline may be at most one year.",
                ));
            }
            Event::DocumentsRequested { defects, deadline }
        }
        Command::SupplyDocuments { document_ids } => {
            if document_ids.is_empty() {
                return Err(invalid(
                    "documents",
                    "Bitte laden Sie mindestens ein Dokument hoch.",
                    "Please upload at least one document.",
                ));
            }
            Event::DocumentsSupplied { document_ids }
        }
        Command::Approve { conditions } => {
            if conditions.len() > MAX_CONDITIONS {
                return Err(invalid(
                    "conditions",
                    format!("Höchstens {MAX_CONDITIONS} Nebenbestimmungen."),
                    format!("At most {MAX_CONDITIONS} conditions."),
                ));
            }
            let mut cleaned = Vec::with_capacity(conditions.len());
            for condition in conditions {
                if service.condition_kind(&condition.kind).is_none() {
                    return Err(invalid(
                        "conditions",
                        format!("Unbekannte Art der Nebenbestimmung „{}“.", condition.kind),
                        format!("Unknown kind of condition '{}'.", condition.kind),
                    ));
                }
                let text = condition.text.trim();
                if text.is_empty() || text.chars().count() > MAX_TEXT {
                    return Err(invalid(
                        "conditions",
                        format!(
                            "Jede Nebenbestimmung braucht einen Text (höchstens {MAX_TEXT} Zeichen)."
                        ),
                        format!("Every condition needs a text (at most {MAX_TEXT} characters)."),
                    ));
                }
                cleaned.push(ConditionItem {
                    kind: condition.kind,
                    text: text.to_string(),
                });
            }
            Event::Approved {
                conditions: cleaned,
            }
        }
        Command::Refuse { reasons } => {
            let reasons = reasons.trim().to_string();
            if reasons.is_empty() || reasons.chars().count() > MAX_TEXT * 4 {
                return Err(invalid(
                    "reasons",
                    "Bitte begründen Sie die Ablehnung.",
                    "Please give the reasons for the refusal.",
                ));
            }
            Event::Refused { reasons }
        }
        Command::IssueNotice { notice_document_id } => {
            if case.decision.is_none() {
                return Err(CaseError::NotInThisState {
                    action,
                    state: case.state.clone(),
                });
            }
            Event::NoticeIssued { notice_document_id }
        }
        Command::Withdraw => Event::Withdrawn,
    };
    let to_state = transition.to.clone().unwrap_or_else(|| case.state.clone());
    Ok(Decided { event, to_state })
}

/// The case after an event.
pub fn evolve(mut case: Case, event: &Event, to_state: &str) -> Case {
    case.state = to_state.to_string();
    match event {
        Event::Submitted { .. }
        | Event::MarkedComplete
        | Event::Withdrawn
        | Event::NoticeRetrieved
        | Event::DeadlineReminder { .. } => {}
        Event::DeemedWithdrawn { .. } => case.open_request = None,
        Event::TakenOver { assignee_id } => case.assignee_id = Some(*assignee_id),
        Event::DocumentsRequested { defects, deadline } => {
            case.open_request = Some(DocumentRequest {
                defects: defects.clone(),
                deadline: *deadline,
            })
        }
        Event::DocumentsSupplied { .. } => case.open_request = None,
        Event::Approved { conditions } => {
            case.decision = Some(Decision::Approval {
                conditions: conditions.clone(),
            })
        }
        Event::Refused { reasons } => {
            case.decision = Some(Decision::Refusal {
                reasons: reasons.clone(),
            })
        }
        Event::NoticeIssued { notice_document_id } => {
            case.notice_document_id = Some(*notice_document_id)
        }
    }
    case
}

/// What the law decides when a deadline runs out, without anyone acting: the application
/// is deemed withdrawn if the process allows it from the case's state.
pub fn decide_deemed_withdrawal(
    service: &ServiceDefinition,
    case: &Case,
    rule: &str,
    due: Date,
) -> Result<Decided, CaseError> {
    let action = ActionKind::DeemWithdrawal;
    let transition = service
        .process
        .transition(&case.state, action)
        .ok_or_else(|| CaseError::NotInThisState {
            action,
            state: case.state.clone(),
        })?;
    let to_state = transition.to.clone().unwrap_or_else(|| case.state.clone());
    Ok(Decided {
        event: Event::DeemedWithdrawn {
            rule: rule.to_string(),
            due,
        },
        to_state,
    })
}
