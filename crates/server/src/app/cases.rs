//! Cases: views for applicant and staff, the inbox, and every action on a case.

use amtsweg_domain::audit::ActorId;
use amtsweg_domain::case::{self, ActionKind, Actor, CaseError, Command, ConditionItem, Event};
use amtsweg_domain::policy::{self, Access, CaseDocument, Resource};
use amtsweg_domain::service::{ServiceDefinition, Transition};
use amtsweg_store::{
    CaseChange, CaseRecord, Document, DocumentOrigin, InboxQuery, NewMessage, ParticipationRow,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::views::{
    self, AuthorityInfo, CaseEvent, CaseFile, CaseListItem, DocumentInfo, MailboxMessage,
};
use super::{App, AppError, DocumentDownload, Principal, messages, problems};

/// What a person asks to do with a case, as it arrives from a page or the API.
#[derive(Debug, Clone)]
pub enum CaseAction {
    TakeOver,
    ConfirmComplete,
    RequestDocuments {
        defects: Vec<String>,
        deadline: String,
    },
    /// Hands in the supplement documents uploaded since the request.
    SupplyDocuments,
    Approve {
        conditions: Vec<ConditionItem>,
        /// The conditions from the agencies' statements join the decision (default: yes).
        adopt_statement_conditions: bool,
    },
    Refuse {
        reasons: String,
    },
    IssueNotice,
    Withdraw,
    /// Asks agencies and the municipality from the authority's directory.
    StartParticipation {
        parties: Vec<Uuid>,
        question: String,
        /// Only these documents of the case are shared.
        document_ids: Vec<Uuid>,
    },
    StartHearing {
        reasons: String,
        deadline: String,
    },
    RespondToHearing {
        text: String,
    },
    WaiveDeemedApproval,
}

/// What goes into the transaction of a case event besides the case and the event.
#[derive(Debug, Default)]
pub(crate) struct Extras {
    pub messages: Vec<NewMessage>,
    pub new_documents: Vec<Document>,
    pub promote_documents: Vec<Uuid>,
    pub promote_attachments: Vec<Uuid>,
}

pub struct CaseView<'a> {
    pub record: CaseFile,
    pub service: &'a ServiceDefinition,
    pub authority: AuthorityInfo,
    /// For the applicant, internal steps are left out.
    pub events: Vec<CaseEvent>,
    pub documents: Vec<DocumentInfo>,
    /// What the viewer may do now.
    pub actions: Vec<&'a Transition>,
    pub form: amtsweg_domain::form::FormData,
    /// The statutory deadlines of the case, today.
    pub deadlines: Vec<amtsweg_domain::deadlines::CaseDeadline<'a>>,
}

#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    pub state: Option<String>,
    pub search: Option<String>,
    /// Only cases with a deadline within this many days from today (0: due today or overdue).
    pub due_within_days: Option<u32>,
    pub page: u32,
}

pub const INBOX_PAGE_SIZE: u32 = 50;
/// The longest search term of the inbox.
pub const MAX_SEARCH_CHARS: usize = 200;
/// The furthest the inbox looks ahead for deadlines (a year and a day).
pub const MAX_DUE_WITHIN_DAYS: u32 = 366;

pub(crate) fn parse_date(text: &str) -> Result<Date, AppError> {
    Date::parse(
        text.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| problems::deadline_not_a_date())
}

impl App {
    pub(crate) fn service_of_case(
        &self,
        record: &CaseRecord,
    ) -> Result<&ServiceDefinition, AppError> {
        self.services
            .get_version(&record.service_id, &record.service_version)
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "service {}@{} not loaded",
                    record.service_id, record.service_version
                ))
            })
    }

    /// Loads a case the principal may access; otherwise "not found".
    pub(crate) async fn load_case(
        &self,
        who: &Principal,
        case_id: Uuid,
        access: Access,
    ) -> Result<CaseRecord, AppError> {
        let record = self.store.case(case_id).await?.ok_or(AppError::NotFound)?;
        let resource = Resource::Case {
            applicant_id: record.applicant_id,
            authority_id: record.authority_id,
        };
        self.authorize(who, access, resource, format!("case:{case_id}"))
            .await?;
        Ok(record)
    }

    pub async fn case_view(
        &self,
        who: &Principal,
        case_id: Uuid,
    ) -> Result<CaseView<'_>, AppError> {
        let record = self.load_case(who, case_id, Access::Read).await?;
        // who of the staff read a case is on record (personal data), once per window
        self.record_read(
            who,
            "case.read",
            format!("case:{case_id}"),
            serde_json::json!({}),
            who.user.role.is_staff(),
        )
        .await?;
        let service = self.service_of_case(&record)?;
        let authority = self
            .store
            .authority(record.authority_id)
            .await?
            .ok_or_else(|| AppError::Internal("authority missing".into()))?;
        let applicant_view = who.user.role.is_applicant_side();
        let all_events = self.store.events(case_id).await?;
        let history = super::deadlines::occurrences(all_events.iter().map(|e| (e.at, &e.event)));
        let deadlines = self.deadlines_of(service, &authority, &record.case, &history)?;
        let events = all_events
            .into_iter()
            .filter(|e| !applicant_view || e.event.visible_to_applicant())
            .collect();
        let subject = who.subject();
        let documents = self
            .store
            .documents_of_case(case_id)
            .await?
            .into_iter()
            .filter(|d| policy::may_see_document(&subject, CaseDocument::of_case(d.origin)))
            .collect();
        // what the process allows, as far as the case's own facts allow it too
        let fiction_pending = !record.case.deemed_approval_waived
            && deadlines.iter().any(|d| {
                d.rule.waivable
                    && matches!(
                        d.status,
                        amtsweg_domain::deadlines::Status::Running
                            | amtsweg_domain::deadlines::Status::Stopped
                    )
            });
        let hearing_open = record
            .case
            .hearing
            .as_ref()
            .is_some_and(|h| h.response.is_none());
        let actions = service
            .process
            .actions_for(&record.state, who.user.role)
            .into_iter()
            .filter(|t| match t.action {
                ActionKind::WaiveDeemedApproval => fiction_pending,
                ActionKind::RespondToHearing => hearing_open,
                _ => true,
            })
            .collect();
        let form = serde_json::from_str(&record.form_json)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(CaseView {
            record: record.into(),
            service,
            authority: authority.into(),
            events: views::all(events),
            documents: views::all(documents),
            actions,
            form,
            deadlines,
        })
    }

    pub async fn my_cases(&self, who: &Principal) -> Result<Vec<CaseListItem>, AppError> {
        if !who.user.role.is_applicant_side() {
            return Err(self
                .deny(who, "cases", "only applicants have cases of their own")
                .await);
        }
        Ok(views::all(
            self.store.cases_of_applicant(who.user.id).await?,
        ))
    }

    /// The authority's cases, the nearest deadline first.
    pub async fn inbox(
        &self,
        who: &Principal,
        filter: InboxFilter,
    ) -> Result<Vec<CaseListItem>, AppError> {
        let Some(authority_id) = who.user.authority_id.filter(|_| who.user.role.is_staff()) else {
            return Err(self.deny(who, "inbox", "only staff have an inbox").await);
        };
        self.authorize(
            who,
            Access::Read,
            Resource::AuthorityInbox { authority_id },
            format!("inbox:{authority_id}"),
        )
        .await?;
        let search = filter
            .search
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if search
            .as_ref()
            .is_some_and(|s| s.chars().count() > MAX_SEARCH_CHARS)
        {
            return Err(problems::search_too_long());
        }
        let state = filter.state.filter(|s| !s.is_empty());
        let due_by = match filter.due_within_days {
            Some(days) if days > MAX_DUE_WITHIN_DAYS => {
                return Err(problems::invalid_due_within());
            }
            Some(days) => {
                Some(crate::clock::german_today(self.now()) + time::Duration::days(i64::from(days)))
            }
            None => None,
        };
        // a file number is looked up by its unique index: a substring search cannot use one
        if filter.page == 0
            && let Some(number) = search
                .as_deref()
                .and_then(amtsweg_domain::file_number::FileNumber::normalise)
            && let Some(found) = self
                .store
                .case_by_file_number(authority_id, &number)
                .await?
        {
            let fits = state.as_ref().is_none_or(|s| *s == found.state)
                && due_by
                    .as_ref()
                    .is_none_or(|by| found.next_deadline.as_ref().is_some_and(|d| d <= by));
            return Ok(if fits {
                vec![CaseListItem {
                    id: found.id,
                    file_number: found.file_number,
                    service_id: found.service_id,
                    state: found.state,
                    applicant_name: found.applicant_name,
                    site_address: found.site_address,
                    assignee_id: found.assignee_id,
                    next_deadline: found.next_deadline,
                    submitted_at: found.submitted_at,
                }]
            } else {
                Vec::new()
            });
        }
        Ok(views::all(
            self.store
                .inbox(&InboxQuery {
                    authority_id,
                    state,
                    search,
                    due_by,
                    limit: INBOX_PAGE_SIZE,
                    offset: filter.page.saturating_mul(INBOX_PAGE_SIZE),
                })
                .await?,
        ))
    }

    /// Takes an action on a case.
    pub async fn act(
        &self,
        who: &Principal,
        case_id: Uuid,
        action: CaseAction,
    ) -> Result<CaseFile, AppError> {
        let access = match action {
            CaseAction::SupplyDocuments
            | CaseAction::Withdraw
            | CaseAction::RespondToHearing { .. }
            | CaseAction::WaiveDeemedApproval => Access::ApplicantWrite,
            _ => Access::Process,
        };
        let record = self.load_case(who, case_id, access).await?;
        let service = self.service_of_case(&record)?;
        let now = self.now();
        let today = crate::clock::german_today(now);
        let mut promote = Vec::new();
        let mut new_documents = Vec::new();
        let command = match action {
            CaseAction::TakeOver => Command::TakeOver,
            CaseAction::ConfirmComplete => Command::ConfirmComplete,
            CaseAction::RequestDocuments { defects, deadline } => Command::RequestDocuments {
                defects,
                deadline: parse_date(&deadline)?,
            },
            CaseAction::SupplyDocuments => {
                promote = self
                    .store
                    .documents_of_case(case_id)
                    .await?
                    .into_iter()
                    .filter(|d| d.origin == DocumentOrigin::PendingSupplement)
                    .map(|d| d.id)
                    .collect();
                Command::SupplyDocuments {
                    document_ids: promote.clone(),
                }
            }
            CaseAction::Approve {
                conditions,
                adopt_statement_conditions,
            } => Command::Approve {
                conditions,
                adopt_statement_conditions,
            },
            CaseAction::Refuse { reasons } => Command::Refuse { reasons },
            CaseAction::IssueNotice => Command::IssueNotice {
                notice_document_id: App::new_id(),
            },
            CaseAction::Withdraw => Command::Withdraw,
            CaseAction::StartParticipation {
                parties,
                question,
                document_ids,
            } => {
                self.participation_command(&record, service, parties, question, document_ids, today)
                    .await?
            }
            CaseAction::StartHearing { reasons, deadline } => Command::StartHearing {
                reasons,
                deadline: parse_date(&deadline)?,
            },
            CaseAction::RespondToHearing { text } => Command::RespondToHearing { text },
            CaseAction::WaiveDeemedApproval => {
                self.check_waivable(&record, service).await?;
                Command::WaiveDeemedApproval
            }
        };
        let actor = Actor {
            user_id: who.user.id,
            role: who.user.role,
        };
        let decided = match case::decide(service, &record.case, actor, command, today) {
            Ok(decided) => decided,
            Err(e @ CaseError::RoleMayNot { .. }) => {
                let object = format!("case:{}", record.id);
                let _ = self.deny(who, &object, &e.to_string()).await;
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        };
        let new_case = case::evolve(record.case.clone(), &decided.event, &decided.to_state);
        let mut outbox = Vec::new();
        let applicant = record.applicant_id;
        let number = &record.file_number;
        let to_applicant =
            |letter: messages::Letter, document_id| letter.to(applicant, document_id);
        match &decided.event {
            Event::DocumentsRequested { defects, deadline } => outbox.push(to_applicant(
                messages::documents_requested(number, defects, *deadline),
                None,
            )),
            Event::MarkedComplete => {
                outbox.push(to_applicant(messages::documents_complete(number), None));
            }
            Event::Withdrawn => {
                outbox.push(to_applicant(messages::withdrawal_confirmed(number), None));
            }
            Event::HearingStarted { reasons, deadline } => outbox.push(to_applicant(
                messages::hearing(number, reasons, *deadline),
                None,
            )),
            Event::ParticipationStarted { requests, .. } => {
                for request in requests {
                    let users: Vec<Uuid> = self
                        .store
                        .users_of_authority(request.party_id)
                        .await?
                        .iter()
                        .map(|u| u.id)
                        .collect();
                    outbox
                        .extend(messages::statement_requested(number, request.due).to_each(&users));
                }
            }
            Event::NoticeIssued { notice_document_id } => {
                let document = self
                    .make_notice(&record, service, &new_case, who, *notice_document_id)
                    .await?;
                outbox.push(to_applicant(
                    messages::notice_ready(number),
                    Some(document.id),
                ));
                new_documents.push(document);
            }
            _ => {}
        }
        self.commit_decided(
            &record,
            service,
            decided,
            who.actor(),
            Extras {
                messages: outbox,
                new_documents,
                promote_documents: promote,
                promote_attachments: Vec::new(),
            },
        )
        .await?;
        Ok(self
            .store
            .case(case_id)
            .await?
            .ok_or(AppError::NotFound)?
            .into())
    }

    /// Stores an event of a case with the case after it, its deadlines and the scheduler's next
    /// date, the participation requests it touched, and its audit entry: one transaction.
    pub(crate) async fn commit_decided(
        &self,
        record: &CaseRecord,
        service: &ServiceDefinition,
        decided: case::Decided,
        actor: ActorId,
        extras: Extras,
    ) -> Result<(), AppError> {
        let case_id = record.id;
        let new_case = case::evolve(record.case.clone(), &decided.event, &decided.to_state);
        let at = self.now();
        let authority = self
            .store
            .authority(record.authority_id)
            .await?
            .ok_or_else(|| AppError::Internal("authority missing".into()))?;
        let past = self.store.events(case_id).await?;
        let all: Vec<(OffsetDateTime, &Event)> = past
            .iter()
            .map(|e| (e.at, &e.event))
            .chain([(at, &decided.event)])
            .collect();
        let timing = self.timing(service, &authority, &new_case, &all)?;
        // a closed case (withdrawn, deemed withdrawn, …) closes its requests for the agencies too
        let closed = service
            .process
            .state(&new_case.state)
            .is_some_and(|s| s.terminal);
        let participation = new_case
            .participations
            .iter()
            .filter(|p| !record.case.participations.contains(p) || (closed && p.is_open()))
            .map(|p| ParticipationRow {
                id: p.id,
                case_id,
                party_id: p.party_id,
                open: p.is_open() && !closed,
                due: p.due,
                requested_on: p.requested_on,
            })
            .collect();
        let audit = self.audit(
            &actor.code(),
            &format!("case.{}", decided.event.code()),
            format!("case:{case_id}"),
            serde_json::json!({ "from": record.state, "to": decided.to_state, "version": record.version + 1 }),
        );
        let change = CaseChange {
            case_id,
            expected_version: record.version,
            case: new_case,
            next_deadline: timing.next_deadline,
            next_job_on: timing.next_job_on,
            event: decided.event,
            actor,
            at,
            audit: vec![audit],
            messages: extras.messages,
            new_documents: extras.new_documents,
            promote_documents: extras.promote_documents,
            promote_attachments: extras.promote_attachments,
            participation,
        };
        self.store.commit_change(change).await?;
        Ok(())
    }

    /// The applicant opens the notice. The first retrieval is recorded: the notice is deemed
    /// notified the day after (§41(2a) VwVfG).
    pub async fn retrieve_notice(
        &self,
        who: &Principal,
        case_id: Uuid,
    ) -> Result<DocumentDownload, AppError> {
        let record = self.load_case(who, case_id, Access::Read).await?;
        let document_id = record.case.notice_document_id.ok_or(AppError::NotFound)?;
        let document = self
            .store
            .document(document_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let retrieved_before = self
            .store
            .events(case_id)
            .await?
            .iter()
            .any(|e| e.event == Event::NoticeRetrieved);
        let actor = Actor {
            user_id: who.user.id,
            role: who.user.role,
        };
        if let Some(decided) = case::decide_notice_retrieval(&record.case, actor, retrieved_before)
        {
            let service = self.service_of_case(&record)?;
            match self
                .commit_decided(&record, service, decided, who.actor(), Extras::default())
                .await
            {
                // a retrieval in parallel was first: that one is on record
                Ok(()) | Err(AppError::Conflict { .. }) => {}
                Err(e) => return Err(e),
            }
        } else {
            self.record_read(
                who,
                "document.read",
                format!("document:{document_id}"),
                serde_json::json!({ "case": case_id.to_string() }),
                true,
            )
            .await?;
        }
        let file = self.blobs.open_blob(document.sha256.as_str()).await?;
        Ok(DocumentDownload {
            document: document.into(),
            file,
        })
    }

    /// When the applicant first retrieved the notice, if they did.
    pub fn notice_retrieved_at(view: &CaseView<'_>) -> Option<OffsetDateTime> {
        view.events
            .iter()
            .find(|e| e.event == Event::NoticeRetrieved)
            .map(|e| e.at)
    }

    pub async fn mailbox(&self, who: &Principal) -> Result<Vec<MailboxMessage>, AppError> {
        Ok(views::all(self.store.messages(who.user.id).await?))
    }

    /// A message of the principal's mailbox, as it is: reading does not change it (a link
    /// checker or a prefetching browser must not mark messages read).
    pub async fn message(
        &self,
        who: &Principal,
        message_id: Uuid,
    ) -> Result<MailboxMessage, AppError> {
        Ok(self.own_message(who, message_id).await?.into())
    }

    /// Marks a message of the principal's mailbox read (once; later calls keep the first time).
    pub async fn mark_message_read(
        &self,
        who: &Principal,
        message_id: Uuid,
    ) -> Result<MailboxMessage, AppError> {
        let mut message = self.own_message(who, message_id).await?;
        if message.read_at.is_none() {
            let now = self.now();
            self.store.mark_message_read(message_id, now).await?;
            message.read_at = Some(now);
        }
        Ok(message.into())
    }

    async fn own_message(
        &self,
        who: &Principal,
        message_id: Uuid,
    ) -> Result<amtsweg_store::Message, AppError> {
        let message = self
            .store
            .message(message_id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.authorize(
            who,
            Access::Read,
            Resource::MailboxMessage {
                recipient_id: message.recipient_id,
            },
            format!("message:{message_id}"),
        )
        .await?;
        Ok(message)
    }
}
