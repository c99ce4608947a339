//! Events on the wire: the API's own shape of what happened in a case (the stored domain
//! event is not the contract), and the parts of a statement.

use super::*;

#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    pub version: i64,
    /// e.g. `submitted`, `documents_requested`, `notice_issued`.
    pub kind: String,
    pub label_de: String,
    pub label_en: String,
    pub state_after: String,
    pub at: String,
    /// What the event says; which fields are present depends on `kind`.
    pub data: EventDataOut,
}

impl EventOut {
    /// The event as the caller may see it: the applicant learns that agencies were asked,
    /// not whom and what.
    pub fn of(e: &CaseEvent, applicant_view: bool) -> Self {
        let label = e.event.label();
        let data = if applicant_view && !e.event.details_visible_to_applicant() {
            EventDataOut::default()
        } else {
            EventDataOut::from(&e.event)
        };
        EventOut {
            version: e.case_version,
            kind: e.event.code().into(),
            label_de: label.de,
            label_en: label.en,
            state_after: e.state_after.clone(),
            at: instant_text(e.at),
            data,
        }
    }
}

/// The facts of an event (the API's own shape: the stored event is not the contract). Dates
/// are `YYYY-MM-DD`; absent fields do not apply to the event's kind.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct EventDataOut {
    /// `submitted`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_number: Option<String>,
    /// `taken_over`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<Uuid>,
    /// `documents_requested`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defects: Option<Vec<String>>,
    /// `documents_requested`, `hearing_started`: the deadline set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// `documents_supplied`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_ids: Option<Vec<Uuid>>,
    /// `approved`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<ConditionOut>>,
    /// `refused`, `hearing_started`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasons: Option<String>,
    /// `notice_issued`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice_document_id: Option<Uuid>,
    /// The deadline rule of `deemed_withdrawn`, `deadline_reminder`, `deemed_approved`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The day a deadline ended or ends (`deemed_withdrawn`, `deadline_reminder`,
    /// `deemed_approved`, `statement_deemed`), or a request's deadline after
    /// `extension_decided`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// `deadline_reminder`: working days before the end; absent when it ran out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_working_days: Option<u32>,
    /// `participation_started`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// `participation_started`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared_document_ids: Option<Vec<Uuid>>,
    /// `participation_started`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<Vec<crate::api::participation::ParticipationOut>>,
    /// The request of `statement_given`, `statement_deemed`, `extension_requested`,
    /// `extension_decided`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<Uuid>,
    /// `statement_given`: `no_concerns`, `conditions`, `objection`, `consent_given`,
    /// `consent_refused`; `statement_deemed`: `deemed_no_concerns`, `deemed_consent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    /// `statement_given`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
    /// `statement_given`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment_ids: Option<Vec<Uuid>>,
    /// `statement_given`: the day of the statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    /// `statement_given`, `statement_deemed`: the last open request of the round is answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completes_round: Option<bool>,
    /// `extension_requested`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// `extension_requested`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `extension_decided`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub granted: Option<bool>,
    /// `hearing_responded`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl From<&Event> for EventDataOut {
    fn from(event: &Event) -> Self {
        let none = EventDataOut::default();
        let day = |d: &time::Date| Some(d.to_string());
        match event {
            Event::Submitted { file_number } => EventDataOut {
                file_number: Some(file_number.clone()),
                ..none
            },
            Event::TakenOver { assignee_id } => EventDataOut {
                assignee_id: Some(*assignee_id),
                ..none
            },
            Event::MarkedComplete
            | Event::NoticeRetrieved
            | Event::Withdrawn
            | Event::DeemedApprovalWaived => none,
            Event::DocumentsRequested { defects, deadline } => EventDataOut {
                defects: Some(defects.clone()),
                deadline: day(deadline),
                ..none
            },
            Event::DocumentsSupplied { document_ids } => EventDataOut {
                document_ids: Some(document_ids.clone()),
                ..none
            },
            Event::Approved { conditions } => EventDataOut {
                conditions: Some(conditions_out(conditions)),
                ..none
            },
            Event::Refused { reasons } => EventDataOut {
                reasons: Some(reasons.clone()),
                ..none
            },
            Event::NoticeIssued { notice_document_id } => EventDataOut {
                notice_document_id: Some(*notice_document_id),
                ..none
            },
            Event::DeemedWithdrawn { rule, due } | Event::DeemedApproved { rule, due } => {
                EventDataOut {
                    rule: Some(rule.clone()),
                    due: day(due),
                    ..none
                }
            }
            Event::DeadlineReminder {
                rule,
                due,
                lead_working_days,
            } => EventDataOut {
                rule: Some(rule.clone()),
                due: day(due),
                lead_working_days: *lead_working_days,
                ..none
            },
            Event::ParticipationStarted {
                question,
                shared_document_ids,
                requests,
            } => EventDataOut {
                question: Some(question.clone()),
                shared_document_ids: Some(shared_document_ids.clone()),
                requests: Some(requests.iter().map(Into::into).collect()),
                ..none
            },
            Event::StatementGiven {
                request_id,
                statement,
                attachment_ids,
                on,
                completes_round,
            } => {
                let (conditions, remarks, reasons) = statement_parts(statement);
                EventDataOut {
                    request_id: Some(*request_id),
                    verdict: Some(statement.code().into()),
                    conditions: Some(conditions),
                    remarks,
                    reasons,
                    attachment_ids: Some(attachment_ids.clone()),
                    on: day(on),
                    completes_round: Some(*completes_round),
                    ..none
                }
            }
            Event::ExtensionRequested {
                request_id,
                until,
                reason,
            } => EventDataOut {
                request_id: Some(*request_id),
                until: day(until),
                reason: Some(reason.clone()),
                ..none
            },
            Event::ExtensionDecided {
                request_id,
                granted,
                due,
            } => EventDataOut {
                request_id: Some(*request_id),
                granted: Some(*granted),
                due: day(due),
                ..none
            },
            Event::StatementDeemed {
                request_id,
                consequence,
                due,
                completes_round,
            } => EventDataOut {
                request_id: Some(*request_id),
                verdict: Some(consequence.code().into()),
                due: day(due),
                completes_round: Some(*completes_round),
                ..none
            },
            Event::HearingStarted { reasons, deadline } => EventDataOut {
                reasons: Some(reasons.clone()),
                deadline: day(deadline),
                ..none
            },
            Event::HearingResponded { text } => EventDataOut {
                text: Some(text.clone()),
                ..none
            },
        }
    }
}

pub(crate) fn conditions_out(conditions: &[ConditionItem]) -> Vec<ConditionOut> {
    conditions
        .iter()
        .map(|c| ConditionOut {
            kind: c.kind.clone(),
            text: c.text.clone(),
            source: c.source.clone(),
        })
        .collect()
}

/// A statement's conditions, remarks (none when empty) and reasons.
pub(crate) fn statement_parts(
    statement: &Statement,
) -> (Vec<ConditionOut>, Option<String>, Option<String>) {
    let remarks = |r: &String| Some(r.clone()).filter(|r| !r.is_empty());
    match statement {
        Statement::NoConcerns { remarks: r } | Statement::ConsentGiven { remarks: r } => {
            (vec![], remarks(r), None)
        }
        Statement::Conditions {
            conditions,
            remarks: r,
        } => (conditions_out(conditions), remarks(r), None),
        Statement::Objection { reasons } | Statement::ConsentRefused { reasons } => {
            (vec![], None, Some(reasons.clone()))
        }
    }
}
