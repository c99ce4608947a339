//! Documents: uploads (streamed, sniffed, size-limited) and authorised downloads.

use amtsweg_domain::form;
use amtsweg_domain::policy::{self, Access, CaseDocument};
use amtsweg_store::blob::{BlobError, StoredBlob};
use amtsweg_store::{Document, DocumentOrigin};
use bytes::Bytes;
use futures_util::Stream;
use uuid::Uuid;

use super::views::DocumentInfo;
use super::{App, AppError, Principal, problems, stored_hash};

/// An upload as it arrives: the type of document, the name the user's file had, and the bytes.
pub struct UploadSource<S> {
    pub document_type: String,
    pub file_name: String,
    pub body: S,
}

pub struct DocumentDownload {
    pub document: DocumentInfo,
    pub file: amtsweg_store::blob::BlobReader,
}

impl App {
    /// Streams an upload to the blob store. Its first bytes decide: the content must be of an
    /// accepted type, and of the type its file name promises (PNG bytes in `plan.pdf` are refused).
    pub(crate) async fn store_upload<S, E>(
        &self,
        accept: &[String],
        file_name: &str,
        body: S,
    ) -> Result<(StoredBlob, &'static str), AppError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        // the name as it will be stored and shown decides what type it promises
        let file_name = &form::clean_file_name(file_name);
        let promised = form::type_by_extension(file_name);
        let accepted = accept.to_vec();
        let check = move |head: &[u8]| match form::sniff(head) {
            Some(kind)
                if accepted.iter().any(|a| a == kind) && promised.is_none_or(|p| p == kind) =>
            {
                Ok(())
            }
            other => Err(other),
        };
        let blob = match self
            .blobs
            .put_stream(body, self.config.max_upload_bytes(), &check)
            .await
        {
            Err(BlobError::Rejected {
                sniffed: Some(found),
            }) if promised.is_some_and(|p| p != found) && accept.iter().any(|a| a == found) => {
                let (promised, found) = (
                    form::short_type_name(promised.unwrap_or_default()),
                    form::short_type_name(found),
                );
                return Err(problems::content_contradicts_name(
                    file_name, promised, found,
                ));
            }
            Err(BlobError::Rejected { sniffed }) => {
                let allowed = accept
                    .iter()
                    .map(|a| form::short_type_name(a))
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(problems::type_not_accepted(
                    file_name,
                    sniffed.map(form::short_type_name),
                    &allowed,
                ));
            }
            other => other?,
        };
        let kind = form::sniff(&blob.head).ok_or_else(problems::unknown_file_type)?;
        Ok((blob, kind))
    }

    pub async fn upload_draft_document<S, E>(
        &self,
        who: &Principal,
        draft_id: Uuid,
        upload: UploadSource<S>,
    ) -> Result<DocumentInfo, AppError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let draft = self
            .load_draft(who, draft_id, Access::ApplicantWrite)
            .await?;
        if draft.case_id.is_some() {
            return Err(problems::draft_submitted());
        }
        let service = self.service_of_draft(&draft)?;
        let doc_type = service
            .document_type(&upload.document_type)
            .ok_or_else(|| problems::unknown_document_type(&upload.document_type))?;
        let (blob, content_type) = self
            .store_upload(&doc_type.accept, &upload.file_name, upload.body)
            .await?;
        let document = Document {
            id: App::new_id(),
            draft_id: Some(draft_id),
            case_id: None,
            document_type: doc_type.id.clone(),
            file_name: form::clean_file_name(&upload.file_name),
            content_type: content_type.to_string(),
            size_bytes: blob.size as i64,
            sha256: stored_hash(&blob)?,
            uploaded_by: who.user.id,
            uploaded_at: self.now(),
            origin: DocumentOrigin::Application,
        };
        let audit = self.audit(&who.user.id.to_string(), "document.uploaded", format!("document:{}", document.id), serde_json::json!({ "draft": draft_id.to_string(), "sha256": document.sha256.as_str(), "size": document.size_bytes }));
        self.store
            .insert_document(&document, audit)
            .await
            .map_err(|e| match e {
                amtsweg_store::StoreError::Conflict(_) => problems::draft_submitted(),
                other => other.into(),
            })?;
        Ok(document.into())
    }

    pub async fn delete_draft_document(
        &self,
        who: &Principal,
        draft_id: Uuid,
        document_id: Uuid,
    ) -> Result<(), AppError> {
        self.load_draft(who, draft_id, Access::ApplicantWrite)
            .await?;
        let audit = self.audit(
            &who.user.id.to_string(),
            "document.deleted",
            format!("document:{document_id}"),
            serde_json::json!({ "draft": draft_id.to_string() }),
        );
        Ok(self
            .store
            .delete_draft_document(draft_id, document_id, audit)
            .await?)
    }

    /// A document uploaded in answer to a document request; it joins the case file when the
    /// applicant hands in the supplement.
    pub async fn upload_supplement<S, E>(
        &self,
        who: &Principal,
        case_id: Uuid,
        upload: UploadSource<S>,
    ) -> Result<DocumentInfo, AppError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let record = self.load_case(who, case_id, Access::ApplicantWrite).await?;
        if record.case.open_request.is_none() {
            return Err(problems::no_open_request());
        }
        let service = self.service_of_case(&record)?;
        let doc_type = service
            .document_type(&upload.document_type)
            .ok_or_else(|| problems::unknown_document_type(&upload.document_type))?;
        let (blob, content_type) = self
            .store_upload(&doc_type.accept, &upload.file_name, upload.body)
            .await?;
        let document = Document {
            id: App::new_id(),
            draft_id: None,
            case_id: Some(case_id),
            document_type: doc_type.id.clone(),
            file_name: form::clean_file_name(&upload.file_name),
            content_type: content_type.to_string(),
            size_bytes: blob.size as i64,
            sha256: stored_hash(&blob)?,
            uploaded_by: who.user.id,
            uploaded_at: self.now(),
            origin: DocumentOrigin::PendingSupplement,
        };
        let audit = self.audit(&who.user.id.to_string(), "document.uploaded", format!("document:{}", document.id), serde_json::json!({ "case": case_id.to_string(), "sha256": document.sha256.as_str(), "size": document.size_bytes }));
        self.store.insert_document(&document, audit).await?;
        Ok(document.into())
    }

    /// Opens a document for download if the principal may see it. Staff downloads are audited.
    pub async fn download_document(
        &self,
        who: &Principal,
        document_id: Uuid,
    ) -> Result<DocumentDownload, AppError> {
        let document = self
            .store
            .document(document_id)
            .await?
            .ok_or(AppError::NotFound)?;
        match (document.case_id, document.draft_id) {
            (Some(case_id), _) => {
                let record = self.load_case(who, case_id, Access::Read).await?;
                if !policy::may_see_document(&who.subject(), CaseDocument::of_case(document.origin))
                {
                    // a document the role does not see is "not found", and on record
                    self.audit_once(
                        &who.user.id.to_string(),
                        "access.denied",
                        format!("document:{document_id}"),
                        serde_json::json!({ "reason": "the role does not see this document" }),
                    )
                    .await?;
                    return Err(AppError::NotFound);
                }
                // the applicant opens the notice through its retrieval, which records when it
                // reached them; the plain download serves it only after that
                if document.origin == DocumentOrigin::Notice && who.user.role.is_applicant_side() {
                    let retrieved = self
                        .store
                        .events(record.id)
                        .await?
                        .iter()
                        .any(|e| e.event == amtsweg_domain::case::Event::NoticeRetrieved);
                    if !retrieved {
                        return Err(problems::notice_not_retrieved());
                    }
                }
                self.record_read(
                    who,
                    "document.read",
                    format!("document:{document_id}"),
                    serde_json::json!({ "case": case_id.to_string() }),
                    who.user.role.is_staff(),
                )
                .await?;
            }
            (None, Some(draft_id)) => {
                self.load_draft(who, draft_id, Access::Read).await?;
            }
            (None, None) => return Err(AppError::NotFound),
        }
        let file = self.blobs.open_blob(document.sha256.as_str()).await?;
        Ok(DocumentDownload {
            document: document.into(),
            file,
        })
    }
}
