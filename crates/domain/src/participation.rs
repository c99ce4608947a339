//! Participation (Beteiligung): the authority asks agencies (Träger öffentlicher Belange) and
//! the municipality about a case; each answers with a statement, asks for more time, or stays
//! silent until the law answers for it (deemed no concerns, deemed consent §36(2) BauGB).
//!
//! The requests live in the case; every answer is an event of the case. The decisions here
//! are pure: dates and the periods the law allows come in as values.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::Text;
use crate::case::{
    ActionKind, Actor, Case, CaseError, ConditionItem, Decided, Event, MAX_CONDITIONS, MAX_TEXT,
};
use crate::deadlines::Consequence;
use crate::policy::Role;
use crate::service::ServiceDefinition;

/// Whom a request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// Träger öffentlicher Belange / Fachstelle: gives a statement.
    Agency,
    /// Gemeinde: gives or refuses its consent (§36 BauGB).
    Municipality,
}

impl PartyKind {
    pub fn code(self) -> &'static str {
        match self {
            PartyKind::Agency => "agency",
            PartyKind::Municipality => "municipality",
        }
    }
}

/// What agencies in a directory are asked about (the municipality: its consent).
pub const TOPICS: [(&str, (&str, &str)); 8] = [
    ("fire_protection", ("Brandschutz", "Fire protection")),
    (
        "monument_protection",
        ("Denkmalschutz", "Monument protection"),
    ),
    (
        "environment_water",
        ("Umwelt- und Wasserschutz", "Environment and water"),
    ),
    (
        "nature_conservation",
        ("Naturschutz", "Nature conservation"),
    ),
    ("roads", ("Straßen und Verkehr", "Roads and traffic")),
    ("health", ("Gesundheit", "Health")),
    (
        "occupational_safety",
        ("Arbeitsschutz", "Occupational safety"),
    ),
    (
        "municipal_consent",
        ("Gemeindliches Einvernehmen", "Municipal consent"),
    ),
];

/// The label of a topic code.
pub fn topic_label(code: &str) -> Text {
    TOPICS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, (de, en))| Text::new(*de, *en))
        .unwrap_or_else(|| Text::new(code, code))
}

/// One request to one party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipationRequest {
    pub id: Uuid,
    /// The agency or municipality asked (its id in the directory).
    pub party_id: Uuid,
    pub party_kind: PartyKind,
    pub party_name: String,
    /// The deadline rule of the case's profile that sets the period and the consequence of silence.
    pub rule: String,
    pub question: String,
    /// Only these documents of the case are shown to the party (need to know).
    pub shared_document_ids: Vec<Uuid>,
    pub requested_on: Date,
    pub due: Date,
    /// Extensions granted so far.
    #[serde(default)]
    pub extensions: u32,
    #[serde(default)]
    pub pending_extension: Option<ExtensionRequest>,
    #[serde(default)]
    pub answer: Option<Answer>,
}

impl ParticipationRequest {
    pub fn is_open(&self) -> bool {
        self.answer.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRequest {
    pub until: Date,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Answer {
    /// The party answered.
    Party {
        statement: Statement,
        attachment_ids: Vec<Uuid>,
        on: Date,
    },
    /// The party was silent until the deadline passed; the law answers.
    Deemed { consequence: Consequence, on: Date },
}

/// What a party says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Statement {
    NoConcerns {
        #[serde(default)]
        remarks: String,
    },
    /// No objection if the conditions are made part of the permit.
    Conditions {
        conditions: Vec<ConditionItem>,
        #[serde(default)]
        remarks: String,
    },
    Objection {
        reasons: String,
    },
    /// The municipality gives its consent (§36 BauGB).
    ConsentGiven {
        #[serde(default)]
        remarks: String,
    },
    ConsentRefused {
        reasons: String,
    },
}

impl Statement {
    pub fn code(&self) -> &'static str {
        match self {
            Statement::NoConcerns { .. } => "no_concerns",
            Statement::Conditions { .. } => "conditions",
            Statement::Objection { .. } => "objection",
            Statement::ConsentGiven { .. } => "consent_given",
            Statement::ConsentRefused { .. } => "consent_refused",
        }
    }

    pub fn label(&self) -> Text {
        let (de, en) = match self {
            Statement::NoConcerns { .. } => ("Keine Bedenken", "No concerns"),
            Statement::Conditions { .. } => ("Bedenken mit Nebenbestimmungen", "Conditions"),
            Statement::Objection { .. } => ("Einwände", "Objection"),
            Statement::ConsentGiven { .. } => ("Einvernehmen erteilt", "Consent given"),
            Statement::ConsentRefused { .. } => ("Einvernehmen versagt", "Consent refused"),
        };
        Text::new(de, en)
    }
}

impl Answer {
    pub fn label(&self) -> Text {
        match self {
            Answer::Party { statement, .. } => statement.label(),
            Answer::Deemed { consequence, .. } => consequence.label(),
        }
    }
}

/// A new request as the edge prepares it: the party from the directory, the due date from the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub id: Uuid,
    pub party_id: Uuid,
    pub party_kind: PartyKind,
    pub party_name: String,
    pub rule: String,
    pub due: Date,
}

pub const MAX_PARTIES: usize = 30;

fn invalid(field: &'static str, de: impl Into<String>, en: impl Into<String>) -> CaseError {
    CaseError::Invalid {
        field,
        message: Text::new(de, en),
    }
}

fn clean_text(text: &str, field: &'static str, required: bool) -> Result<String, CaseError> {
    let text = crate::text::clean_free_text(text);
    if required && text.is_empty() {
        return Err(invalid(
            field,
            "Bitte füllen Sie dieses Feld aus.",
            "Please fill in this field.",
        ));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(invalid(
            field,
            format!("Höchstens {MAX_TEXT} Zeichen."),
            format!("At most {MAX_TEXT} characters."),
        ));
    }
    Ok(text)
}

/// Checks conditions against the service's condition kinds and trims their texts.
pub fn clean_conditions(
    service: &ServiceDefinition,
    conditions: Vec<ConditionItem>,
) -> Result<Vec<ConditionItem>, CaseError> {
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
        let text = crate::text::clean_free_text(&condition.text);
        if text.is_empty() || text.chars().count() > MAX_TEXT {
            return Err(invalid(
                "conditions",
                format!("Jede Nebenbestimmung braucht einen Text (höchstens {MAX_TEXT} Zeichen)."),
                format!("Every condition needs a text (at most {MAX_TEXT} characters)."),
            ));
        }
        cleaned.push(ConditionItem {
            kind: condition.kind,
            text,
            source: condition.source.map(|s| crate::text::clean_free_text(&s)),
        });
    }
    Ok(cleaned)
}

/// Validates the start of a participation (called by `case::decide`).
pub(crate) fn check_start(
    case: &Case,
    requests: &[NewRequest],
    question: &str,
    shared_document_ids: &[Uuid],
    today: Date,
) -> Result<String, CaseError> {
    if requests.is_empty() {
        return Err(invalid(
            "parties",
            "Bitte wählen Sie mindestens eine Stelle aus.",
            "Please choose at least one agency.",
        ));
    }
    if requests.len() > MAX_PARTIES {
        return Err(invalid(
            "parties",
            format!("Höchstens {MAX_PARTIES} Stellen auf einmal."),
            format!("At most {MAX_PARTIES} agencies at once."),
        ));
    }
    for (i, r) in requests.iter().enumerate() {
        if requests[..i].iter().any(|o| o.party_id == r.party_id)
            || case
                .participations
                .iter()
                .any(|p| p.party_id == r.party_id && p.is_open())
        {
            return Err(invalid(
                "parties",
                format!("„{}“ ist bereits beteiligt.", r.party_name),
                format!("'{}' is already asked.", r.party_name),
            ));
        }
        if r.due <= today {
            return Err(invalid(
                "parties",
                "Die Frist muss in der Zukunft liegen.",
                "The deadline must lie in the future.",
            ));
        }
    }
    if shared_document_ids.len() > 500 {
        return Err(invalid(
            "documents",
            "Zu viele Dokumente.",
            "Too many documents.",
        ));
    }
    clean_text(question, "question", true)
}

/// The state after an answer: when it closes the last open request and the process says
/// where a complete participation leads, there.
fn state_after_answer(service: &ServiceDefinition, case: &Case, completes: bool) -> String {
    if completes
        && let Some(t) = service
            .process
            .transition(&case.state, ActionKind::CompleteParticipation)
        && let Some(to) = &t.to
    {
        return to.clone();
    }
    case.state.clone()
}

fn open_request(case: &Case, request_id: Uuid) -> Result<&ParticipationRequest, CaseError> {
    let request = case
        .participations
        .iter()
        .find(|p| p.id == request_id)
        .ok_or(CaseError::NoSuchRequest)?;
    if !request.is_open() {
        return Err(CaseError::RequestClosed);
    }
    Ok(request)
}

fn completes_round(case: &Case, request_id: Uuid) -> bool {
    case.participations
        .iter()
        .all(|p| p.id == request_id || !p.is_open())
}

fn check_case_open(service: &ServiceDefinition, case: &Case) -> Result<(), CaseError> {
    if service
        .process
        .state(&case.state)
        .is_none_or(|s| s.terminal)
    {
        return Err(CaseError::RequestClosed);
    }
    Ok(())
}

/// Who answers: a user of the party the request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartyActor {
    pub user_id: Uuid,
    pub role: Role,
    pub party_id: Option<Uuid>,
}

fn check_party(actor: PartyActor, request: &ParticipationRequest) -> Result<(), CaseError> {
    if actor.role != Role::Agency || actor.party_id != Some(request.party_id) {
        return Err(CaseError::NoSuchRequest);
    }
    Ok(())
}

/// A party answers its request.
pub fn decide_statement(
    service: &ServiceDefinition,
    case: &Case,
    actor: PartyActor,
    request_id: Uuid,
    statement: Statement,
    attachment_ids: Vec<Uuid>,
    today: Date,
) -> Result<Decided, CaseError> {
    check_case_open(service, case)?;
    let request = open_request(case, request_id)?;
    check_party(actor, request)?;
    let statement = match (request.party_kind, statement) {
        (PartyKind::Agency, Statement::NoConcerns { remarks }) => Statement::NoConcerns {
            remarks: clean_text(&remarks, "remarks", false)?,
        },
        (
            PartyKind::Agency,
            Statement::Conditions {
                conditions,
                remarks,
            },
        ) => {
            let mut conditions = clean_conditions(service, conditions)?;
            if conditions.is_empty() {
                return Err(invalid(
                    "conditions",
                    "Bitte nennen Sie mindestens eine Nebenbestimmung.",
                    "Please name at least one condition.",
                ));
            }
            for c in &mut conditions {
                c.source = Some(request.party_name.clone());
            }
            Statement::Conditions {
                conditions,
                remarks: clean_text(&remarks, "remarks", false)?,
            }
        }
        (PartyKind::Agency, Statement::Objection { reasons }) => Statement::Objection {
            reasons: clean_text(&reasons, "reasons", true)?,
        },
        (PartyKind::Municipality, Statement::ConsentGiven { remarks }) => Statement::ConsentGiven {
            remarks: clean_text(&remarks, "remarks", false)?,
        },
        (PartyKind::Municipality, Statement::ConsentRefused { reasons }) => {
            Statement::ConsentRefused {
                reasons: clean_text(&reasons, "reasons", true)?,
            }
        }
        (PartyKind::Agency, _) => {
            return Err(invalid(
                "verdict",
                "Eine Fachstelle antwortet mit „keine Bedenken“, Nebenbestimmungen oder Einwänden.",
                "An agency answers with no concerns, conditions or an objection.",
            ));
        }
        (PartyKind::Municipality, _) => {
            return Err(invalid(
                "verdict",
                "Die Gemeinde erteilt oder versagt ihr Einvernehmen.",
                "The municipality gives or refuses its consent.",
            ));
        }
    };
    let completes = completes_round(case, request_id);
    Ok(Decided {
        event: Event::StatementGiven {
            request_id,
            statement,
            attachment_ids,
            on: today,
            completes_round: completes,
        },
        to_state: state_after_answer(service, case, completes),
    })
}

/// A party asks for more time. `latest` is the latest date the rule allows, `None` when the
/// rule allows no (further) extension.
pub fn decide_extension_request(
    service: &ServiceDefinition,
    case: &Case,
    actor: PartyActor,
    request_id: Uuid,
    until: Date,
    reason: &str,
    latest: Option<Date>,
) -> Result<Decided, CaseError> {
    check_case_open(service, case)?;
    let request = open_request(case, request_id)?;
    check_party(actor, request)?;
    if request.pending_extension.is_some() {
        return Err(invalid(
            "until",
            "Über Ihren Antrag auf Fristverlängerung ist noch nicht entschieden.",
            "Your request for an extension has not been decided yet.",
        ));
    }
    let Some(latest) = latest else {
        return Err(invalid(
            "until",
            "Diese Frist kann nicht (weiter) verlängert werden.",
            "This deadline cannot be extended (any further).",
        ));
    };
    if until <= request.due || until > latest {
        return Err(invalid(
            "until",
            format!(
                "Bitte wählen Sie ein Datum nach dem {} und spätestens am {}.",
                request.due, latest
            ),
            format!(
                "Please choose a date after {} and no later than {latest}.",
                request.due
            ),
        ));
    }
    Ok(Decided {
        event: Event::ExtensionRequested {
            request_id,
            until,
            reason: clean_text(reason, "reason", true)?,
        },
        to_state: case.state.clone(),
    })
}

/// The caseworker grants or refuses a requested extension.
pub fn decide_extension(
    service: &ServiceDefinition,
    case: &Case,
    actor: Actor,
    request_id: Uuid,
    grant: bool,
) -> Result<Decided, CaseError> {
    check_case_open(service, case)?;
    crate::case::check_authority_actor(case, actor, ActionKind::DecideExtension)?;
    let request = open_request(case, request_id)?;
    let Some(pending) = &request.pending_extension else {
        return Err(invalid(
            "grant",
            "Es liegt kein Antrag auf Fristverlängerung vor.",
            "There is no request for an extension.",
        ));
    };
    Ok(Decided {
        event: Event::ExtensionDecided {
            request_id,
            granted: grant,
            due: if grant { pending.until } else { request.due },
        },
        to_state: case.state.clone(),
    })
}

/// The deadline of a request passed without an answer: the law answers (or, where the rule
/// attaches no consequence, `None`).
pub fn decide_deemed_statement(
    service: &ServiceDefinition,
    case: &Case,
    request_id: Uuid,
    consequence: Consequence,
    today: Date,
) -> Option<Decided> {
    check_case_open(service, case).ok()?;
    let request = open_request(case, request_id).ok()?;
    let fitting = matches!(
        (request.party_kind, consequence),
        (PartyKind::Agency, Consequence::DeemedNoConcerns)
            | (PartyKind::Municipality, Consequence::DeemedConsent)
    );
    if !fitting || today <= request.due {
        return None;
    }
    let completes = completes_round(case, request_id);
    Some(Decided {
        event: Event::StatementDeemed {
            request_id,
            consequence,
            due: request.due,
            completes_round: completes,
        },
        to_state: state_after_answer(service, case, completes),
    })
}

/// The case after a participation event.
pub(crate) fn apply(case: &mut Case, event: &Event) {
    fn find(case: &mut Case, id: Uuid) -> Option<&mut ParticipationRequest> {
        case.participations.iter_mut().find(|p| p.id == id)
    }
    match event {
        Event::ParticipationStarted { requests, .. } => {
            case.participations.extend(requests.iter().cloned())
        }
        Event::StatementGiven {
            request_id,
            statement,
            attachment_ids,
            on,
            ..
        } => {
            if let Some(p) = find(case, *request_id) {
                p.pending_extension = None;
                p.answer = Some(Answer::Party {
                    statement: statement.clone(),
                    attachment_ids: attachment_ids.clone(),
                    on: *on,
                });
            }
        }
        Event::ExtensionRequested {
            request_id,
            until,
            reason,
        } => {
            if let Some(p) = find(case, *request_id) {
                p.pending_extension = Some(ExtensionRequest {
                    until: *until,
                    reason: reason.clone(),
                });
            }
        }
        Event::ExtensionDecided {
            request_id,
            granted,
            due,
        } => {
            if let Some(p) = find(case, *request_id) {
                p.pending_extension = None;
                if *granted {
                    p.extensions += 1;
                    p.due = *due;
                }
            }
        }
        Event::StatementDeemed {
            request_id,
            consequence,
            due,
            ..
        } => {
            if let Some(p) = find(case, *request_id) {
                p.pending_extension = None;
                p.answer = Some(Answer::Deemed {
                    consequence: *consequence,
                    on: *due,
                });
            }
        }
        _ => {}
    }
}

/// The conditions the parties asked for, in the order they were asked.
pub fn statement_conditions(case: &Case) -> Vec<ConditionItem> {
    case.participations
        .iter()
        .filter_map(|p| match &p.answer {
            Some(Answer::Party {
                statement: Statement::Conditions { conditions, .. },
                ..
            }) => Some(conditions.iter().cloned()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Whether a request of the case is still waiting for an answer.
pub fn running(case: &Case) -> bool {
    case.participations
        .iter()
        .any(ParticipationRequest::is_open)
}

/// Whether the municipality refused its consent (the permit cannot be granted, §36 BauGB).
pub fn consent_refused(case: &Case) -> bool {
    case.participations.iter().any(|p| {
        matches!(
            &p.answer,
            Some(Answer::Party {
                statement: Statement::ConsentRefused { .. },
                ..
            })
        )
    })
}
