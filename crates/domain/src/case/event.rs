//! The events of a case: what happened, how the timeline names it, and who may see it.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use super::ConditionItem;
use crate::Text;
use crate::deadlines::Consequence;
use crate::participation::{ParticipationRequest, Statement};

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
    /// A deadline of the authority runs out soon (`lead_working_days` before) or ran out
    /// (`None`); the caseworker was reminded.
    DeadlineReminder {
        rule: String,
        due: Date,
        #[serde(default)]
        lead_working_days: Option<u32>,
    },
    ParticipationStarted {
        question: String,
        shared_document_ids: Vec<Uuid>,
        requests: Vec<ParticipationRequest>,
    },
    StatementGiven {
        request_id: Uuid,
        statement: Statement,
        attachment_ids: Vec<Uuid>,
        on: Date,
        /// The last open request of the case is answered.
        completes_round: bool,
    },
    ExtensionRequested {
        request_id: Uuid,
        until: Date,
        reason: String,
    },
    ExtensionDecided {
        request_id: Uuid,
        granted: bool,
        /// The request's deadline after the decision.
        due: Date,
    },
    /// A party stayed silent: deemed no concerns, or consent deemed given (§36(2) BauGB).
    StatementDeemed {
        request_id: Uuid,
        consequence: Consequence,
        due: Date,
        completes_round: bool,
    },
    HearingStarted {
        reasons: String,
        deadline: Date,
    },
    HearingResponded {
        text: String,
    },
    DeemedApprovalWaived,
    /// The decision period ran out: the permit is deemed granted (§42a VwVfG).
    DeemedApproved {
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
            Event::ParticipationStarted { .. } => "participation_started",
            Event::StatementGiven { .. } => "statement_given",
            Event::ExtensionRequested { .. } => "extension_requested",
            Event::ExtensionDecided { .. } => "extension_decided",
            Event::StatementDeemed { .. } => "statement_deemed",
            Event::HearingStarted { .. } => "hearing_started",
            Event::HearingResponded { .. } => "hearing_responded",
            Event::DeemedApprovalWaived => "deemed_approval_waived",
            Event::DeemedApproved { .. } => "deemed_approved",
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
            Event::DeadlineReminder {
                lead_working_days: None,
                ..
            } => (
                "Frist abgelaufen – Erinnerung an die Sachbearbeitung",
                "Deadline passed – caseworker reminded",
            ),
            Event::DeadlineReminder { .. } => (
                "Frist läuft bald ab – Erinnerung an die Sachbearbeitung",
                "Deadline soon – caseworker reminded",
            ),
            Event::ParticipationStarted { .. } => (
                "Behördenbeteiligung eingeleitet",
                "Participation of agencies started",
            ),
            Event::StatementGiven { .. } => ("Stellungnahme eingegangen", "Statement received"),
            Event::ExtensionRequested { .. } => (
                "Fristverlängerung beantragt",
                "Extension of the deadline requested",
            ),
            Event::ExtensionDecided { granted: true, .. } => {
                ("Fristverlängerung gewährt", "Extension granted")
            }
            Event::ExtensionDecided { .. } => ("Fristverlängerung abgelehnt", "Extension refused"),
            Event::StatementDeemed {
                consequence: Consequence::DeemedConsent,
                ..
            } => (
                "Einvernehmen gilt als erteilt (Frist abgelaufen)",
                "Consent deemed given (deadline passed)",
            ),
            Event::StatementDeemed { .. } => (
                "Keine Bedenken (Frist ohne Stellungnahme abgelaufen)",
                "Deemed no concerns (deadline passed without a statement)",
            ),
            Event::HearingStarted { .. } => (
                "Anhörung vor einer Ablehnung eingeleitet",
                "Hearing before a refusal started",
            ),
            Event::HearingResponded { .. } => (
                "Stellungnahme zur Anhörung eingegangen",
                "Response to the hearing received",
            ),
            Event::DeemedApprovalWaived => (
                "Verzicht auf die Genehmigungsfiktion",
                "Deemed approval waived",
            ),
            Event::DeemedApproved { .. } => (
                "Genehmigung gilt als erteilt (Genehmigungsfiktion)",
                "Permit deemed granted",
            ),
        };
        Text::new(de, en)
    }

    /// Whether the applicant sees the event in their timeline (internal steps stay internal).
    /// Whether the applicant sees what the event says or only that it happened: that agencies
    /// were asked, not whom and what.
    pub fn details_visible_to_applicant(&self) -> bool {
        self.visible_to_applicant() && !matches!(self, Event::ParticipationStarted { .. })
    }

    pub fn visible_to_applicant(&self) -> bool {
        !matches!(
            self,
            Event::TakenOver { .. }
                | Event::Approved { .. }
                | Event::Refused { .. }
                | Event::DeadlineReminder { .. }
                | Event::StatementGiven { .. }
                | Event::ExtensionRequested { .. }
                | Event::ExtensionDecided { .. }
                | Event::StatementDeemed { .. }
        )
    }
}
