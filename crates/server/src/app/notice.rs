//! The notice (Bescheid): rendered as PDF/A from the decision, stored in the case file.

use amtsweg_domain::case::{Case, Decision};
use amtsweg_domain::form::FormData;
use amtsweg_domain::service::{self, ServiceDefinition};
use amtsweg_notice::{Condition, NoticeData, Wording};
use amtsweg_store::{CaseRecord, Document, DocumentOrigin};
use uuid::Uuid;

use super::{App, AppError, Principal};

impl App {
    pub(crate) async fn make_notice(
        &self,
        record: &CaseRecord,
        svc: &ServiceDefinition,
        case: &Case,
        who: &Principal,
        document_id: Uuid,
    ) -> Result<Document, AppError> {
        let authority = self
            .store
            .authority(record.authority_id)
            .await?
            .ok_or_else(|| AppError::Internal("authority missing".into()))?;
        let form: FormData = serde_json::from_str(&record.form_json)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let decision = match &case.decision {
            Some(Decision::Approval { conditions }) => amtsweg_notice::Decision::Approval {
                conditions: conditions
                    .iter()
                    .map(|c| Condition {
                        kind_label: svc
                            .condition_kind(&c.kind)
                            .map(|k| k.label.de.clone())
                            .unwrap_or_else(|| c.kind.clone()),
                        // a condition an agency asked for names it (Stellungnahme)
                        text: match &c.source {
                            Some(source) => {
                                format!("{}\n\n(Aus der Stellungnahme: {source})", c.text)
                            }
                            None => c.text.clone(),
                        },
                    })
                    .collect(),
            },
            Some(Decision::Refusal { reasons }) => amtsweg_notice::Decision::Refusal {
                reasons: reasons.clone(),
            },
            None => return Err(AppError::Internal("notice without decision".into())),
        };
        let approval = matches!(case.decision, Some(Decision::Approval { .. }));
        let texts = &svc.notice;
        let wording = Wording {
            title: if approval {
                &texts.approval_title
            } else {
                &texts.refusal_title
            }
            .de
            .clone(),
            decision_sentence: if approval {
                &texts.approval_sentence
            } else {
                &texts.refusal_sentence
            }
            .de
            .clone(),
            subject_heading: texts.subject_heading.de.clone(),
            site_heading: texts.site_heading.de.clone(),
        };
        let representative = svc
            .case_summary
            .representative
            .as_ref()
            .map(|t| service::render_template(t, &form))
            .filter(|r| !r.is_empty());
        let data = NoticeData {
            authority_name: authority.name.clone(),
            authority_address: authority.address.clone(),
            file_number: record.file_number.to_string(),
            date: crate::clock::german_today(self.now()),
            applicant_name: service::render_template(&svc.case_summary.applicant_name, &form),
            applicant_address: service::render_template(&svc.case_summary.applicant_address, &form),
            representative,
            project: service::render_template(&svc.case_summary.subject, &form),
            site: service::render_template(&svc.case_summary.site, &form),
            decision,
            legal_remedies: svc.notice.legal_remedies.de.clone(),
            signatory: format!("Im Auftrag\n{}", who.user.display_name),
            wording,
        };
        let pdf = tokio::task::spawn_blocking(move || amtsweg_notice::render_pdf(&data))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(format!("notice: {e}")))?;
        let size = pdf.len() as i64;
        let blob = self.blobs.put_bytes(pdf).await?;
        Ok(Document {
            id: document_id,
            draft_id: None,
            case_id: Some(record.id),
            document_type: "bescheid".into(),
            file_name: format!("Bescheid-{}.pdf", record.file_number),
            content_type: "application/pdf".into(),
            size_bytes: size,
            sha256: super::stored_hash(&blob)?,
            uploaded_by: who.user.id,
            uploaded_at: self.now(),
            origin: DocumentOrigin::Notice,
        })
    }
}
