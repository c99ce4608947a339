//! Participation seen from both sides: the caseworker asks agencies and the municipality from
//! the authority's directory; users of an agency see only the requests to their agency and
//! the documents shared with it, and answer with a statement or ask for more time.

use amtsweg_domain::Text;
use amtsweg_domain::calendar::deadline;
use amtsweg_domain::case::{self, Actor, Command, Event};
use amtsweg_domain::deadlines::{Party, Rule};
use amtsweg_domain::file_number::FileNumber;
use amtsweg_domain::form;
use amtsweg_domain::participation::{
    self, NewRequest, ParticipationRequest, PartyActor, PartyKind, Statement,
};
use amtsweg_domain::policy::{self, Access, CaseDocument, Resource};
use amtsweg_domain::service::ServiceDefinition;
use amtsweg_store::{AuthorityKind, CaseRecord, Document, DocumentOrigin};
use bytes::Bytes;
use futures_util::Stream;
use time::Date;
use uuid::Uuid;

use super::cases::Extras;
use super::views::{self, DocumentInfo, PartyInfo, PartyRequestItem};
use super::{
    App, AppError, DocumentDownload, Principal, UploadSource, messages, problems, stored_hash,
};
use crate::clock::german_today;

/// What an agency user sees of a request: the question, the site and the project, the
/// shared documents, and nothing else of the case.
pub struct PartyRequestView {
    pub request: ParticipationRequest,
    pub case_id: Uuid,
    pub file_number: FileNumber,
    pub service_name: Text,
    pub requesting_authority: String,
    pub site_address: String,
    pub subject: String,
    pub rule: Option<Rule>,
    pub shared_documents: Vec<DocumentInfo>,
    /// The party's own attachments: handed in with the statement, or waiting for it.
    pub attachments: Vec<DocumentInfo>,
    /// The latest date an extension may reach, if the rule allows one (more).
    pub extension_limit: Option<Date>,
    /// The request can still be answered (it is open and the case is not closed).
    pub answerable: bool,
    pub condition_kinds: Vec<amtsweg_domain::service::CodeValue>,
    /// The names of the service's document types.
    pub document_types: Vec<(String, Text)>,
}

/// Attachments of statements: the formats of plans and letters.
const ATTACHMENT_TYPES: [&str; 3] = ["application/pdf", "image/png", "image/jpeg"];

impl App {
    /// The agencies and municipalities the principal's authority may ask.
    pub async fn directory(&self, who: &Principal) -> Result<Vec<PartyInfo>, AppError> {
        let Some(authority_id) = who.user.authority_id.filter(|_| who.user.role.is_staff()) else {
            return Err(self.deny(who, "directory", "only staff ask agencies").await);
        };
        self.authorize(
            who,
            Access::Read,
            Resource::AuthorityInbox { authority_id },
            format!("directory:{authority_id}"),
        )
        .await?;
        Ok(views::all(self.store.directory(authority_id).await?))
    }

    /// Builds the command that starts a participation: each party from the directory, its
    /// deadline from the rule of the case's profile.
    pub(crate) async fn participation_command(
        &self,
        record: &CaseRecord,
        service: &ServiceDefinition,
        parties: Vec<Uuid>,
        question: String,
        document_ids: Vec<Uuid>,
        today: Date,
    ) -> Result<Command, AppError> {
        let directory = self.store.directory(record.authority_id).await?;
        let authority = self
            .store
            .authority(record.authority_id)
            .await?
            .ok_or_else(|| AppError::Internal("authority missing".into()))?;
        let calendar = App::calendar_of(&authority);
        let profile = App::profile_of(service, &record.case);
        let mut requests = Vec::with_capacity(parties.len());
        for party_id in parties {
            let Some(entry) = directory.iter().find(|d| d.party.id == party_id) else {
                return Err(problems::unknown_party());
            };
            let (kind, party) = match entry.party.kind {
                AuthorityKind::Municipality => (PartyKind::Municipality, Party::Municipality),
                _ => (PartyKind::Agency, Party::Agency),
            };
            let rule = profile
                .and_then(|p| {
                    p.rules
                        .iter()
                        .find(|r| r.party == party && r.period.is_some())
                })
                .ok_or_else(problems::no_participation_rule)?;
            let period = rule
                .period
                .ok_or_else(|| AppError::Internal("rule without period".into()))?;
            let due = deadline(&calendar, today, period)
                .map_err(|e| AppError::Internal(e.to_string()))?
                .end;
            requests.push(NewRequest {
                id: App::new_id(),
                party_id,
                party_kind: kind,
                party_name: entry.party.name.clone(),
                rule: rule.id.clone(),
                due,
            });
        }
        let documents = self.store.documents_of_case(record.id).await?;
        for id in &document_ids {
            let shareable = documents
                .iter()
                .any(|d| d.id == *id && d.origin.is_application());
            if !shareable {
                return Err(problems::unknown_document());
            }
        }
        Ok(Command::StartParticipation {
            requests,
            question,
            shared_document_ids: document_ids,
        })
    }

    /// The applicant may waive a deemed approval only where the case's profile has one.
    pub(crate) async fn check_waivable(
        &self,
        record: &CaseRecord,
        service: &ServiceDefinition,
    ) -> Result<(), AppError> {
        let waivable = App::profile_of(service, &record.case)
            .is_some_and(|p| p.rules.iter().any(|r| r.waivable));
        if !waivable {
            return Err(problems::no_deemed_approval());
        }
        Ok(())
    }

    async fn party_of(&self, who: &Principal) -> Result<Uuid, AppError> {
        match who
            .user
            .authority_id
            .filter(|_| who.user.role == amtsweg_domain::policy::Role::Agency)
        {
            Some(party) => Ok(party),
            None => Err(self
                .deny(
                    who,
                    "participation",
                    "only agencies and municipalities are asked",
                )
                .await),
        }
    }

    /// The requests to the principal's agency or municipality.
    pub async fn party_inbox(&self, who: &Principal) -> Result<Vec<PartyRequestItem>, AppError> {
        let party_id = self.party_of(who).await?;
        self.authorize(
            who,
            Access::Read,
            Resource::PartyInbox { party_id },
            format!("party_inbox:{party_id}"),
        )
        .await?;
        Ok(views::all(self.store.party_requests(party_id, 200).await?))
    }

    /// Loads a request the principal's party may see; anything else is "not found".
    async fn load_request(
        &self,
        who: &Principal,
        request_id: Uuid,
        access: Access,
    ) -> Result<(CaseRecord, ParticipationRequest), AppError> {
        let row = self
            .store
            .participation_request(request_id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.authorize(
            who,
            access,
            Resource::ParticipationRequest {
                party_id: row.party_id,
            },
            format!("participation:{request_id}"),
        )
        .await?;
        let record = self
            .store
            .case(row.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let request = record
            .case
            .participations
            .iter()
            .find(|p| p.id == request_id)
            .cloned()
            .ok_or(AppError::NotFound)?;
        Ok((record, request))
    }

    fn extension_limit(
        rule: Option<&Rule>,
        request: &ParticipationRequest,
        authority: &amtsweg_store::Authority,
    ) -> Result<Option<Date>, AppError> {
        let Some(extension) = rule.and_then(|r| r.extension) else {
            return Ok(None);
        };
        if request.extensions >= extension.times || !request.is_open() {
            return Ok(None);
        }
        let calendar = App::calendar_of(authority);
        Ok(Some(
            deadline(&calendar, request.due, extension.period)
                .map_err(|e| AppError::Internal(e.to_string()))?
                .end,
        ))
    }

    pub async fn party_request_view(
        &self,
        who: &Principal,
        request_id: Uuid,
    ) -> Result<PartyRequestView, AppError> {
        let (record, request) = self.load_request(who, request_id, Access::Read).await?;
        self.record_read(
            who,
            "participation.read",
            format!("participation:{request_id}"),
            serde_json::json!({ "case": record.id.to_string() }),
            true,
        )
        .await?;
        let service = self.service_of_case(&record)?;
        let authority = self
            .store
            .authority(record.authority_id)
            .await?
            .ok_or_else(|| AppError::Internal("authority missing".into()))?;
        let rule = App::profile_of(service, &record.case)
            .and_then(|p| p.rules.iter().find(|r| r.id == request.rule))
            .cloned();
        let party_users = self.party_user_ids(request.party_id).await?;
        let documents = self.store.documents_of_case(record.id).await?;
        let subject = who.subject();
        let (shared_documents, attachments): (Vec<Document>, Vec<Document>) = documents
            .into_iter()
            .filter(|d| {
                policy::may_see_document(
                    &subject,
                    CaseDocument {
                        origin: d.origin,
                        shared_with_party: request.shared_document_ids.contains(&d.id),
                        by_party: party_users.contains(&d.uploaded_by),
                    },
                )
            })
            .partition(|d| request.shared_document_ids.contains(&d.id));
        let form: form::FormData = serde_json::from_str(&record.form_json)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let subject =
            amtsweg_domain::service::render_template(&service.case_summary.subject, &form);
        let answerable = request.is_open()
            && service
                .process
                .state(&record.state)
                .is_some_and(|s| !s.terminal);
        let extension_limit =
            App::extension_limit(rule.as_ref(), &request, &authority)?.filter(|_| answerable);
        Ok(PartyRequestView {
            case_id: record.id,
            file_number: record.file_number.clone(),
            service_name: service.name.clone(),
            requesting_authority: authority.name.clone(),
            site_address: record.site_address.clone(),
            subject,
            rule,
            shared_documents: views::all(shared_documents),
            attachments: views::all(attachments),
            extension_limit,
            answerable,
            condition_kinds: service.condition_kinds.clone(),
            document_types: service
                .documents
                .iter()
                .map(|d| (d.id.clone(), d.label.clone()))
                .collect(),
            request,
        })
    }

    async fn party_user_ids(&self, party_id: Uuid) -> Result<Vec<Uuid>, AppError> {
        Ok(self
            .store
            .users_of_authority(party_id)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect())
    }

    /// Whom to tell of news on a case: the caseworker, or the heads of unit while nobody has it.
    pub(crate) async fn case_staff(&self, record: &CaseRecord) -> Result<Vec<Uuid>, AppError> {
        if let Some(assignee) = record.assignee_id {
            return Ok(vec![assignee]);
        }
        Ok(self
            .store
            .users_of_authority(record.authority_id)
            .await?
            .into_iter()
            .filter(|u| u.role == amtsweg_domain::policy::Role::HeadOfUnit)
            .map(|u| u.id)
            .collect())
    }

    /// The party answers its request; attachments uploaded for it are handed in with it.
    pub async fn give_statement(
        &self,
        who: &Principal,
        request_id: Uuid,
        statement: Statement,
    ) -> Result<ParticipationRequest, AppError> {
        let (record, request) = self.load_request(who, request_id, Access::Respond).await?;
        let service = self.service_of_case(&record)?;
        let party_users = self.party_user_ids(request.party_id).await?;
        let attachments: Vec<Uuid> = self
            .store
            .documents_of_case(record.id)
            .await?
            .into_iter()
            .filter(|d| {
                d.origin == DocumentOrigin::PendingStatement && party_users.contains(&d.uploaded_by)
            })
            .map(|d| d.id)
            .collect();
        let decided = participation::decide_statement(
            service,
            &record.case,
            PartyActor {
                user_id: who.user.id,
                role: who.user.role,
                party_id: who.user.authority_id,
            },
            request_id,
            statement,
            attachments.clone(),
            german_today(self.now()),
        )?;
        let label = match &decided.event {
            Event::StatementGiven { statement, .. } => statement.label(),
            _ => Text::new("Stellungnahme", "Statement"),
        };
        let outbox = messages::statement_received(&record.file_number, &request.party_name, &label)
            .to_each(&self.case_staff(&record).await?);
        self.commit_decided(
            &record,
            service,
            decided,
            who.actor(),
            Extras {
                messages: outbox,
                promote_attachments: attachments,
                ..Extras::default()
            },
        )
        .await?;
        self.reload_request(record.id, request_id).await
    }

    async fn reload_request(
        &self,
        case_id: Uuid,
        request_id: Uuid,
    ) -> Result<ParticipationRequest, AppError> {
        let record = self.store.case(case_id).await?.ok_or(AppError::NotFound)?;
        record
            .case
            .participations
            .into_iter()
            .find(|p| p.id == request_id)
            .ok_or(AppError::NotFound)
    }

    /// The party asks for more time, within what the rule allows.
    pub async fn request_extension(
        &self,
        who: &Principal,
        request_id: Uuid,
        until: &str,
        reason: &str,
    ) -> Result<ParticipationRequest, AppError> {
        let (record, request) = self.load_request(who, request_id, Access::Respond).await?;
        let service = self.service_of_case(&record)?;
        let authority = self
            .store
            .authority(record.authority_id)
            .await?
            .ok_or_else(|| AppError::Internal("authority missing".into()))?;
        let rule = App::profile_of(service, &record.case)
            .and_then(|p| p.rules.iter().find(|r| r.id == request.rule));
        let latest = App::extension_limit(rule, &request, &authority)?;
        let until = super::cases::parse_date(until)?;
        let decided = participation::decide_extension_request(
            service,
            &record.case,
            PartyActor {
                user_id: who.user.id,
                role: who.user.role,
                party_id: who.user.authority_id,
            },
            request_id,
            until,
            reason,
            latest,
        )?;
        let outbox = messages::extension_requested(&record.file_number, &request.party_name, until)
            .to_each(&self.case_staff(&record).await?);
        self.commit_decided(
            &record,
            service,
            decided,
            who.actor(),
            Extras {
                messages: outbox,
                ..Extras::default()
            },
        )
        .await?;
        self.reload_request(record.id, request_id).await
    }

    /// The caseworker grants or refuses a requested extension; the party is told.
    pub async fn decide_extension(
        &self,
        who: &Principal,
        case_id: Uuid,
        request_id: Uuid,
        grant: bool,
    ) -> Result<ParticipationRequest, AppError> {
        let record = self.load_case(who, case_id, Access::Process).await?;
        let service = self.service_of_case(&record)?;
        let decided = participation::decide_extension(
            service,
            &record.case,
            Actor {
                user_id: who.user.id,
                role: who.user.role,
            },
            request_id,
            grant,
        )?;
        let Event::ExtensionDecided { due, .. } = &decided.event else {
            return Err(AppError::Internal("unexpected event".into()));
        };
        let request = record
            .case
            .participations
            .iter()
            .find(|p| p.id == request_id)
            .ok_or(AppError::NotFound)?;
        let outbox = messages::extension_decided(&record.file_number, grant, *due)
            .to_each(&self.party_user_ids(request.party_id).await?);
        self.commit_decided(
            &record,
            service,
            decided,
            who.actor(),
            Extras {
                messages: outbox,
                ..Extras::default()
            },
        )
        .await?;
        self.reload_request(case_id, request_id).await
    }

    /// An attachment for the party's statement; it is handed in with the statement.
    pub async fn upload_statement_attachment<S, E>(
        &self,
        who: &Principal,
        request_id: Uuid,
        upload: UploadSource<S>,
    ) -> Result<DocumentInfo, AppError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let (record, request) = self.load_request(who, request_id, Access::Respond).await?;
        if !request.is_open() {
            return Err(case::CaseError::RequestClosed.into());
        }
        let accept: Vec<String> = ATTACHMENT_TYPES.iter().map(|t| t.to_string()).collect();
        let (blob, content_type) = self
            .store_upload(&accept, &upload.file_name, upload.body)
            .await?;
        let document = Document {
            id: App::new_id(),
            draft_id: None,
            case_id: Some(record.id),
            document_type: "statement_attachment".into(),
            file_name: form::clean_file_name(&upload.file_name),
            content_type: content_type.to_string(),
            size_bytes: blob.size as i64,
            sha256: stored_hash(&blob)?,
            uploaded_by: who.user.id,
            uploaded_at: self.now(),
            origin: DocumentOrigin::PendingStatement,
        };
        let audit = self.audit(
            &who.user.id.to_string(),
            "document.uploaded",
            format!("document:{}", document.id),
            serde_json::json!({ "case": record.id.to_string(), "participation": request_id.to_string(), "sha256": document.sha256.as_str(), "size": document.size_bytes }),
        );
        self.store.insert_document(&document, audit).await?;
        Ok(document.into())
    }

    /// A document shared with the party, or one of the party's own attachments.
    pub async fn download_shared_document(
        &self,
        who: &Principal,
        request_id: Uuid,
        document_id: Uuid,
    ) -> Result<DocumentDownload, AppError> {
        let (record, request) = self.load_request(who, request_id, Access::Read).await?;
        let document = self
            .store
            .document(document_id)
            .await?
            .filter(|d| d.case_id == Some(record.id))
            .ok_or(AppError::NotFound)?;
        let visible = policy::may_see_document(
            &who.subject(),
            CaseDocument {
                origin: document.origin,
                shared_with_party: request.shared_document_ids.contains(&document_id),
                by_party: self
                    .party_user_ids(request.party_id)
                    .await?
                    .contains(&document.uploaded_by),
            },
        );
        if !visible {
            self.audit_once(
                &who.user.id.to_string(),
                "access.denied",
                format!("document:{document_id}"),
                serde_json::json!({ "reason": "document not shared with the party" }),
            )
            .await?;
            return Err(AppError::NotFound);
        }
        self.record_read(
            who,
            "document.read",
            format!("document:{document_id}"),
            serde_json::json!({ "participation": request_id.to_string() }),
            true,
        )
        .await?;
        let file = self.blobs.open_blob(document.sha256.as_str()).await?;
        Ok(DocumentDownload {
            document: document.into(),
            file,
        })
    }
}
