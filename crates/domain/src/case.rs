//! The case and its process: a command is decided against the case and the process
//! definition, and either yields one event and the next state, or an error saying why not.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

mod event;

pub use event::Event;

use crate::Text;
use crate::participation::{self, NewRequest, ParticipationRequest};
use crate::policy::Role;
use crate::service::ServiceDefinition;
use crate::text::clean_free_text;

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
    /// Ask agencies and the municipality (Beteiligung).
    StartParticipation,
    /// Taken when the last request of a participation is answered or deemed answered; its
    /// transition says which state a complete participation leads to.
    CompleteParticipation,
    /// Grant or refuse an agency's request for more time (not a transition of the process:
    /// it is possible while a request is open).
    DecideExtension,
    /// Hear the applicant before a refusal (Anhörung, §28 VwVfG).
    StartHearing,
    RespondToHearing,
    /// The applicant waives the deemed approval (§42a(1) VwVfG).
    WaiveDeemedApproval,
    /// The permit is deemed granted: the decision period ran out (Genehmigungsfiktion).
    DeemApproval,
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
    pub const ALL: [ActionKind; 16] = [
        ActionKind::TakeOver,
        ActionKind::ConfirmComplete,
        ActionKind::RequestDocuments,
        ActionKind::SupplyDocuments,
        ActionKind::Approve,
        ActionKind::Refuse,
        ActionKind::IssueNotice,
        ActionKind::Withdraw,
        ActionKind::DeemWithdrawal,
        ActionKind::StartParticipation,
        ActionKind::CompleteParticipation,
        ActionKind::DecideExtension,
        ActionKind::StartHearing,
        ActionKind::RespondToHearing,
        ActionKind::WaiveDeemedApproval,
        ActionKind::DeemApproval,
    ];

    pub fn side(self) -> Side {
        match self {
            ActionKind::SupplyDocuments
            | ActionKind::Withdraw
            | ActionKind::RespondToHearing
            | ActionKind::WaiveDeemedApproval => Side::Applicant,
            ActionKind::DeemWithdrawal
            | ActionKind::DeemApproval
            | ActionKind::CompleteParticipation => Side::System,
            _ => Side::Authority,
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
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
            ActionKind::StartParticipation => "start_participation",
            ActionKind::CompleteParticipation => "complete_participation",
            ActionKind::DecideExtension => "decide_extension",
            ActionKind::StartHearing => "start_hearing",
            ActionKind::RespondToHearing => "respond_to_hearing",
            ActionKind::WaiveDeemedApproval => "waive_deemed_approval",
            ActionKind::DeemApproval => "deem_approval",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionItem {
    /// Code from the service's condition kinds (XBau `nebenbestimmungart`).
    pub kind: String,
    pub text: String,
    /// The agency that asked for the condition in its statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
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

/// The applicant is heard before a refusal (Anhörung, §28 VwVfG).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hearing {
    /// The reasons for the intended refusal, as the applicant reads them.
    pub reasons: String,
    pub deadline: Date,
    pub response: Option<String>,
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
    /// Requests to agencies and the municipality, in the order they were made.
    #[serde(default)]
    pub participations: Vec<ParticipationRequest>,
    #[serde(default)]
    pub hearing: Option<Hearing>,
    #[serde(default)]
    pub deemed_approval_waived: bool,
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
            participations: Vec::new(),
            hearing: None,
            deemed_approval_waived: false,
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
        /// The conditions the agencies asked for become part of the decision, before the
        /// caseworker's own.
        adopt_statement_conditions: bool,
    },
    Refuse {
        reasons: String,
    },
    /// The notice document is rendered at the edge; its id comes in here.
    IssueNotice {
        notice_document_id: Uuid,
    },
    Withdraw,
    /// The edge picks the parties from the directory and computes each due date from the rule.
    StartParticipation {
        requests: Vec<NewRequest>,
        question: String,
        shared_document_ids: Vec<Uuid>,
    },
    StartHearing {
        reasons: String,
        deadline: Date,
    },
    RespondToHearing {
        text: String,
    },
    WaiveDeemedApproval,
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
            Command::StartParticipation { .. } => ActionKind::StartParticipation,
            Command::StartHearing { .. } => ActionKind::StartHearing,
            Command::RespondToHearing { .. } => ActionKind::RespondToHearing,
            Command::WaiveDeemedApproval => ActionKind::WaiveDeemedApproval,
        }
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
    #[error("no such participation request")]
    NoSuchRequest,
    #[error("the participation request is closed")]
    RequestClosed,
    #[error("participation still running")]
    ParticipationRunning,
    #[error("the municipality refused its consent")]
    ConsentRefused,
    #[error("a hearing must come before the refusal")]
    HearingRequired,
    #[error("the hearing period is still running")]
    HearingRunning,
}

impl CaseError {
    pub fn code(&self) -> &'static str {
        match self {
            CaseError::NotInThisState { .. } => "action_not_possible_in_state",
            CaseError::RoleMayNot { .. } => "role_may_not_act",
            CaseError::NotAssignee => "not_assignee",
            CaseError::AlreadyAssigned => "already_assigned",
            CaseError::Invalid { .. } => "invalid_input",
            CaseError::NoSuchRequest => "no_such_request",
            CaseError::RequestClosed => "request_closed",
            CaseError::ParticipationRunning => "participation_running",
            CaseError::ConsentRefused => "consent_refused",
            CaseError::HearingRequired => "hearing_required",
            CaseError::HearingRunning => "hearing_running",
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
            CaseError::NoSuchRequest => Text::new(
                "Diese Anfrage gibt es nicht.",
                "This request does not exist.",
            ),
            CaseError::RequestClosed => Text::new(
                "Diese Anfrage ist bereits beantwortet oder der Vorgang ist abgeschlossen.",
                "This request is already answered, or the case is closed.",
            ),
            CaseError::ParticipationRunning => Text::new(
                "Die Beteiligung läuft noch: Es fehlen Stellungnahmen, deren Frist nicht abgelaufen ist.",
                "The participation is still running: statements are missing whose deadline has not passed.",
            ),
            CaseError::ConsentRefused => Text::new(
                "Die Gemeinde hat ihr Einvernehmen versagt (§ 36 BauGB); eine Genehmigung ist so nicht möglich.",
                "The municipality refused its consent (§ 36 BauGB); a permit is not possible this way.",
            ),
            CaseError::HearingRequired => Text::new(
                "Vor einer Ablehnung ist die antragstellende Person anzuhören (§ 28 VwVfG). Leiten Sie zuerst die Anhörung ein.",
                "The applicant must be heard before a refusal (§ 28 VwVfG). Start the hearing first.",
            ),
            CaseError::HearingRunning => Text::new(
                "Die Frist der Anhörung läuft noch und es liegt keine Äußerung vor.",
                "The hearing period is still running and there is no response yet.",
            ),
        }
    }
}

pub const MAX_DEFECTS: usize = 50;
pub const MAX_CONDITIONS: usize = 200;
pub const MAX_TEXT: usize = 5_000;
/// The longest period the authority may give for a supplement.
pub const MAX_REQUEST_DAYS: i64 = 366;
/// The shortest period a hearing gives the applicant to respond.
pub const MIN_HEARING_DAYS: i64 = 7;

/// A caseworker works only on cases assigned to them; the head of unit may step in.
pub(crate) fn check_authority_actor(
    case: &Case,
    actor: Actor,
    action: ActionKind,
) -> Result<(), CaseError> {
    if !actor.role.is_staff() {
        return Err(CaseError::RoleMayNot {
            role: actor.role,
            action,
        });
    }
    if actor.role == Role::Caseworker && case.assignee_id != Some(actor.user_id) {
        return Err(CaseError::NotAssignee);
    }
    Ok(())
}

/// A decision waits for every open request of a participation, unless its consequence occurred.
fn check_participation_done(case: &Case) -> Result<(), CaseError> {
    if participation::running(case) {
        return Err(CaseError::ParticipationRunning);
    }
    Ok(())
}

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
    if action.side() == Side::Authority && action != ActionKind::TakeOver {
        check_authority_actor(case, actor, action)?;
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
                .map(|d| clean_free_text(&d))
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
        Command::Approve {
            conditions,
            adopt_statement_conditions,
        } => {
            check_participation_done(case)?;
            if participation::consent_refused(case) {
                return Err(CaseError::ConsentRefused);
            }
            // the caseworker's own conditions carry no agency as their source
            let own = conditions
                .into_iter()
                .map(|c| ConditionItem { source: None, ..c });
            let mut all = if adopt_statement_conditions {
                participation::statement_conditions(case)
            } else {
                Vec::new()
            };
            all.extend(own);
            Event::Approved {
                conditions: participation::clean_conditions(service, all)?,
            }
        }
        Command::Refuse { reasons } => {
            check_participation_done(case)?;
            if service.process.hearing_before_refusal {
                match &case.hearing {
                    None => return Err(CaseError::HearingRequired),
                    Some(h) if h.response.is_none() && today <= h.deadline => {
                        return Err(CaseError::HearingRunning);
                    }
                    Some(_) => {}
                }
            }
            let reasons = clean_free_text(&reasons);
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
        Command::StartParticipation {
            requests,
            question,
            shared_document_ids,
        } => {
            let question = participation::check_start(
                case,
                &requests,
                &question,
                &shared_document_ids,
                today,
            )?;
            Event::ParticipationStarted {
                requests: requests
                    .into_iter()
                    .map(|r| ParticipationRequest {
                        id: r.id,
                        party_id: r.party_id,
                        party_kind: r.party_kind,
                        party_name: r.party_name,
                        rule: r.rule,
                        question: question.clone(),
                        shared_document_ids: shared_document_ids.clone(),
                        requested_on: today,
                        due: r.due,
                        extensions: 0,
                        pending_extension: None,
                        answer: None,
                    })
                    .collect(),
                question,
                shared_document_ids,
            }
        }
        Command::StartHearing { reasons, deadline } => {
            let reasons = clean_free_text(&reasons);
            if reasons.is_empty() || reasons.chars().count() > MAX_TEXT * 4 {
                return Err(invalid(
                    "reasons",
                    "Bitte nennen Sie die Gründe der beabsichtigten Ablehnung.",
                    "Please give the reasons for the intended refusal.",
                ));
            }
            let days = (deadline - today).whole_days();
            if !(MIN_HEARING_DAYS..=MAX_REQUEST_DAYS).contains(&days) {
                return Err(invalid(
                    "deadline",
                    format!(
                        "Die Frist zur Äußerung muss mindestens {MIN_HEARING_DAYS} Tage und höchstens ein Jahr betragen."
                    ),
                    format!(
                        "The period to respond must be at least {MIN_HEARING_DAYS} days and at most one year."
                    ),
                ));
            }
            Event::HearingStarted { reasons, deadline }
        }
        Command::RespondToHearing { text } => {
            let Some(hearing) = &case.hearing else {
                return Err(CaseError::NotInThisState {
                    action,
                    state: case.state.clone(),
                });
            };
            if hearing.response.is_some() {
                return Err(invalid(
                    "text",
                    "Sie haben sich zur Anhörung bereits geäußert.",
                    "You have already responded to the hearing.",
                ));
            }
            let text = clean_free_text(&text);
            if text.is_empty() || text.chars().count() > MAX_TEXT * 4 {
                return Err(invalid(
                    "text",
                    "Bitte schreiben Sie Ihre Äußerung (höchstens 20 000 Zeichen).",
                    "Please write your response (at most 20,000 characters).",
                ));
            }
            Event::HearingResponded { text }
        }
        Command::WaiveDeemedApproval => {
            if case.deemed_approval_waived {
                return Err(invalid(
                    "waiver",
                    "Sie haben bereits auf die Genehmigungsfiktion verzichtet.",
                    "You have already waived the deemed approval.",
                ));
            }
            Event::DeemedApprovalWaived
        }
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
        | Event::DeadlineReminder { .. }
        | Event::DeemedApproved { .. } => {}
        Event::ParticipationStarted { .. }
        | Event::StatementGiven { .. }
        | Event::ExtensionRequested { .. }
        | Event::ExtensionDecided { .. }
        | Event::StatementDeemed { .. } => participation::apply(&mut case, event),
        Event::HearingStarted { reasons, deadline } => {
            case.hearing = Some(Hearing {
                reasons: reasons.clone(),
                deadline: *deadline,
                response: None,
            })
        }
        Event::HearingResponded { text } => {
            if let Some(h) = case.hearing.as_mut() {
                h.response = Some(text.clone());
            }
        }
        Event::DeemedApprovalWaived => case.deemed_approval_waived = true,
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

/// The applicant opens the notice. Its first retrieval is an event of the case: from it the
/// notice counts as made known (§ 41 Abs. 2a VwVfG: on the day after the retrieval). Nothing
/// is recorded when the case has no notice, when it was retrieved before, or when someone
/// other than the applicant opens it (staff reading it is audited, not an event).
pub fn decide_notice_retrieval(
    case: &Case,
    actor: Actor,
    retrieved_before: bool,
) -> Option<Decided> {
    let first_by_applicant = case.notice_document_id.is_some()
        && actor.role.is_applicant_side()
        && actor.user_id == case.applicant_id
        && !retrieved_before;
    first_by_applicant.then(|| Decided {
        event: Event::NoticeRetrieved,
        to_state: case.state.clone(),
    })
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

/// The decision period ran out: the permit is deemed granted, unless the applicant waived it
/// or the process knows no deemed approval from the case's state.
pub fn decide_deemed_approval(
    service: &ServiceDefinition,
    case: &Case,
    rule: &str,
    due: Date,
) -> Result<Decided, CaseError> {
    let action = ActionKind::DeemApproval;
    let not_possible = || CaseError::NotInThisState {
        action,
        state: case.state.clone(),
    };
    if case.deemed_approval_waived {
        return Err(not_possible());
    }
    let transition = service
        .process
        .transition(&case.state, action)
        .ok_or_else(not_possible)?;
    Ok(Decided {
        event: Event::DeemedApproved {
            rule: rule.to_string(),
            due,
        },
        to_state: transition.to.clone().unwrap_or_else(|| case.state.clone()),
    })
}
