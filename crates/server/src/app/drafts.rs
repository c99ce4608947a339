//! Drafts: create, save step by step, and submit as a case.

use amtsweg_domain::case::{Case, Event};
use amtsweg_domain::form::{self, FormData, Mode};
use amtsweg_domain::policy::{Access, Resource};
use amtsweg_domain::service::{self, DocumentType, ServiceDefinition};
use amtsweg_store::{Draft, Submission, SubmitOutcome};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

use super::responsibility::Responsible;
use super::views::{self, CaseFile, DocumentInfo, DraftInfo};
use super::{App, AppError, Principal, messages, problems};

pub struct DraftView<'a> {
    pub draft: DraftInfo,
    pub service: &'a ServiceDefinition,
    pub form: FormData,
    pub documents: Vec<DocumentInfo>,
    pub missing_documents: Vec<&'a DocumentType>,
}

pub struct SubmitResult {
    pub case: CaseFile,
    /// False when this was a repeat of an earlier submission.
    pub created: bool,
}

fn parse_form(json: &str) -> Result<FormData, AppError> {
    serde_json::from_str(json).map_err(|e| AppError::Internal(format!("stored form: {e}")))
}

impl App {
    pub(crate) fn service_of_draft(&self, draft: &Draft) -> Result<&ServiceDefinition, AppError> {
        self.services
            .get_version(&draft.service_id, &draft.service_version)
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "service {}@{} not loaded",
                    draft.service_id, draft.service_version
                ))
            })
    }

    /// Loads a draft the principal may see; everything else is "not found".
    pub(crate) async fn load_draft(
        &self,
        who: &Principal,
        draft_id: Uuid,
        access: Access,
    ) -> Result<Draft, AppError> {
        let draft = self
            .store
            .draft(draft_id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.authorize(
            who,
            access,
            Resource::Draft {
                owner_id: draft.owner_id,
            },
            format!("draft:{draft_id}"),
        )
        .await?;
        Ok(draft)
    }

    pub async fn create_draft(
        &self,
        who: &Principal,
        service_id: &str,
    ) -> Result<DraftInfo, AppError> {
        if !who.user.role.is_applicant_side() {
            return Err(self
                .deny(who, "drafts", "only applicants make drafts")
                .await);
        }
        let service = self.services.get(service_id).ok_or(AppError::NotFound)?;
        // the responsible authority follows from the place in the form, at submission; until
        // then the draft belongs to one of the service's kind — and without any, nobody here
        // could receive the application
        let kind = service
            .responsibility
            .as_ref()
            .map(|r| r.authority_kind)
            .ok_or(AppError::NotFound)?;
        let authority = self
            .store
            .authorities_of_kind(kind)
            .await?
            .into_iter()
            .next()
            .ok_or_else(problems::service_not_offered)?;
        let now = self.now();
        let draft = Draft {
            id: App::new_id(),
            owner_id: who.user.id,
            authority_id: authority.id,
            service_id: service.id.clone(),
            service_version: service.version.clone(),
            form_json: "{}".into(),
            created_at: now,
            updated_at: now,
            case_id: None,
        };
        self.store.insert_draft(&draft).await?;
        Ok(DraftInfo::from(&draft))
    }

    pub async fn drafts(&self, who: &Principal) -> Result<Vec<DraftInfo>, AppError> {
        Ok(self
            .store
            .drafts_of(who.user.id)
            .await?
            .iter()
            .map(DraftInfo::from)
            .collect())
    }

    pub async fn draft_view(
        &self,
        who: &Principal,
        draft_id: Uuid,
    ) -> Result<DraftView<'_>, AppError> {
        let draft = self.load_draft(who, draft_id, Access::Read).await?;
        self.view_of(draft).await
    }

    /// The view of a draft the caller has loaded (and authorised) already.
    async fn view_of(&self, draft: Draft) -> Result<DraftView<'_>, AppError> {
        let draft_id = draft.id;
        let service = self.service_of_draft(&draft)?;
        let form = parse_form(&draft.form_json)?;
        let documents = self.store.documents_of_draft(draft_id).await?;
        let present: Vec<&str> = documents.iter().map(|d| d.document_type.as_str()).collect();
        let missing_documents = form::missing_documents(service, &form, &present);
        Ok(DraftView {
            draft: DraftInfo::from(&draft),
            service,
            form,
            documents: views::all(documents),
            missing_documents,
        })
    }

    /// What still stands in the way of submitting the draft, as the submission would report
    /// it (form errors, missing documents, no authority here for its place), and who would
    /// receive it: the review page shows both before anything is sent.
    pub async fn submission_problems(
        &self,
        view: &DraftView<'_>,
    ) -> Result<(Vec<form::FieldError>, Responsible), AppError> {
        let mut errors = form::validate(view.service, &view.form, Mode::Submit)
            .err()
            .unwrap_or_default();
        errors.extend(
            view.missing_documents
                .iter()
                .map(|d| problems::document_missing(&d.id, &d.label)),
        );
        let responsible = self.responsible_for(view.service, &view.form).await?;
        if responsible == Responsible::Nobody {
            let place = &self.responsibility_of(view.service)?.postal_code_field;
            // a place that is missing or malformed has its own error already
            if !errors.iter().any(|e| &e.field == place) {
                errors.push(problems::no_responsible_authority(place));
            }
        }
        Ok((errors, responsible))
    }

    /// Saves values into the draft: the given fields replace the stored ones (an empty value
    /// clears a field). What is there must be well-formed; nothing is required yet.
    pub async fn save_draft(
        &self,
        who: &Principal,
        draft_id: Uuid,
        values: FormData,
    ) -> Result<FormData, AppError> {
        let draft = self
            .load_draft(who, draft_id, Access::ApplicantWrite)
            .await?;
        if draft.case_id.is_some() {
            return Err(problems::draft_submitted());
        }
        let service = self.service_of_draft(&draft)?;
        let mut merged = parse_form(&draft.form_json)?;
        for (key, value) in values {
            // one canonical form of every letter, so "é" typed on any system is the same "é"
            // and without invisible direction overrides or zero-width characters
            let value = amtsweg_domain::text::clean_free_text(&value.nfc().collect::<String>());
            if value.is_empty() {
                merged.remove(&key);
            } else {
                merged.insert(key, value);
            }
        }
        form::validate(service, &merged, Mode::Draft).map_err(AppError::Invalid)?;
        let json = serde_json::to_string(&merged).map_err(|e| AppError::Internal(e.to_string()))?;
        self.store
            .update_draft_form(draft_id, &json, self.now())
            .await?;
        Ok(merged)
    }

    /// Submits the draft. Repeating it (double click, retry with the same key) returns the
    /// case made the first time.
    /// Submits the draft to the authority responsible for its place; where several are,
    /// `authority_choice` names the applicant's choice among them.
    pub async fn submit(
        &self,
        who: &Principal,
        draft_id: Uuid,
        idempotency_key: Option<String>,
        authority_choice: Option<Uuid>,
    ) -> Result<SubmitResult, AppError> {
        if let Some(key) = &idempotency_key
            && (key.is_empty() || key.len() > 200 || !key.chars().all(|c| c.is_ascii_graphic()))
        {
            return Err(problems::invalid_idempotency_key());
        }
        let draft = self
            .load_draft(who, draft_id, Access::ApplicantWrite)
            .await?;
        if let Some(case_id) = draft.case_id {
            let case = self.store.case(case_id).await?.ok_or(AppError::NotFound)?;
            return Ok(SubmitResult {
                case: case.into(),
                created: false,
            });
        }
        let view = self.view_of(draft).await?;
        let clean =
            form::validate(view.service, &view.form, Mode::Submit).map_err(AppError::Invalid)?;
        if !view.missing_documents.is_empty() {
            let errors = view
                .missing_documents
                .iter()
                .map(|d| problems::document_missing(&d.id, &d.label))
                .collect();
            return Err(AppError::Invalid(errors));
        }
        let service = view.service;
        let authority = self
            .receiving_authority(service, &clean, authority_choice)
            .await?;
        let mut case = Case::new(service, who.user.id);
        case.deadline_profile = App::deadline_profile_for(service, &authority, &clean);
        let now = self.now();
        let first = Event::Submitted {
            file_number: String::new(),
        };
        let timing = self.timing(service, &authority, &case, &[(now, &first)])?;
        let case_id = App::new_id();
        let applicant_name = service::render_template(&service.case_summary.applicant_name, &clean);
        let site_address =
            service::render_template(&service.case_summary.site, &clean).replace('\n', ", ");
        let submission = Submission {
            case_id,
            draft_id,
            authority_id: authority.id,
            service_id: service.id.clone(),
            service_version: service.version.clone(),
            file_number_prefix: service.file_number_prefix.clone(),
            year: crate::clock::german_today(now).year(),
            applicant_id: who.user.id,
            idempotency_key,
            applicant_name,
            site_address,
            case,
            next_deadline: timing.next_deadline,
            next_job_on: timing.next_job_on,
            form_json: serde_json::to_string(&clean).map_err(|e| AppError::Internal(e.to_string()))?,
            at: now,
            receipt: messages::receipt(&service.name, crate::clock::german_time(now))
                .to(who.user.id, None),
            audit: self.audit(&who.user.id.to_string(), "case.submitted", format!("case:{case_id}"), serde_json::json!({ "file_number": "{file_number}", "draft": draft_id.to_string() })),
        };
        match self.store.submit(submission).await? {
            SubmitOutcome::Created(case) => Ok(SubmitResult {
                case: case.into(),
                created: true,
            }),
            SubmitOutcome::AlreadySubmitted(case) => {
                if case.applicant_id != who.user.id {
                    return Err(AppError::NotFound);
                }
                // the key names another draft's submission: this draft is not submitted,
                // and saying "here is your case" would hide that
                if case.draft_id != draft_id {
                    return Err(problems::idempotency_key_reused());
                }
                Ok(SubmitResult {
                    case: case.into(),
                    created: false,
                })
            }
        }
    }
}
