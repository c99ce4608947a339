//! Documents: the upload page of a draft, streamed uploads (draft and supplement), and
//! downloads.

use amtsweg_domain::Text;
use amtsweg_domain::service::{Condition, ServiceDefinition};
use amtsweg_server::app::{AppError, DocumentDownload, Principal, UploadSource};
use askama::Template;
use axum::body::Body;
use axum::extract::multipart::Field;
use axum::extract::{Multipart, Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio_util::io::ReaderStream;
use uuid::Uuid;

use super::drafts::{StepLink, step_links};
use super::{DocRow, DoneQuery, doc_row, parse_id};
use crate::errors::{Failure, PageResult, render, see_other};
use crate::format;
use crate::forms::{ErrorLink, OptionView, display_value};
use crate::i18n::{self, Lang};
use crate::layout::Page;
use crate::session::{Ctx, SessionForm, SessionMultipart};

/// What went wrong with an upload, shown at the upload form.
pub struct UploadProblem {
    pub status: StatusCode,
    /// `file` or `document_type`.
    pub field: &'static str,
    pub message: Text,
    /// The document type the person chose, offered again with the error.
    pub chosen: String,
}

impl UploadProblem {
    fn of(field: &'static str, de: &str, en: &str) -> Self {
        UploadProblem {
            status: StatusCode::BAD_REQUEST,
            field,
            message: Text::new(de, en),
            chosen: String::new(),
        }
    }

    /// Problems of the file are shown at the form; anything else is an error page.
    pub(super) fn from_app(e: AppError) -> Result<Self, Failure> {
        let field = match &e {
            AppError::BadRequest { code, .. } if *code == "unknown_document_type" => {
                "document_type"
            }
            AppError::BadRequest { .. }
            | AppError::TooLarge { .. }
            | AppError::UnsupportedMedia { .. } => "file",
            _ => return Err(e.into()),
        };
        Ok(UploadProblem {
            status: StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST),
            field,
            message: e.message(),
            chosen: String::new(),
        })
    }

    pub fn links(&self, lang: Lang) -> Vec<ErrorLink> {
        vec![ErrorLink {
            href: format!("#{}", self.field),
            text: self.message.get(lang).to_string(),
        }]
    }
}

fn broken_upload() -> AppError {
    AppError::bad_request(
        "invalid_upload",
        i18n::DE.upload_broken,
        i18n::EN.upload_broken,
    )
}

/// Reads a small text field, at most `limit` bytes.
async fn small_text(field: &mut Field<'_>, limit: usize) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| broken_upload())? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > limit {
            return Err(broken_upload());
        }
    }
    String::from_utf8(bytes).map_err(|_| broken_upload())
}

/// The file part as streamed to the store: its first bytes (already read), then the rest.
type FileBody<'a> = Field<'a>;

/// The content type a file name promises, for the few types we sniff.
/// Reads `document_type` and opens the `file` part for streaming. A file whose content
/// contradicts its name (PNG bytes in `plan.pdf`) is refused before anything is stored.
pub(super) async fn open_upload(
    multipart: &mut Multipart,
) -> Result<Result<UploadSource<FileBody<'_>>, UploadProblem>, Failure> {
    let (de, en) = (&i18n::DE, &i18n::EN);
    let document_type = match multipart.next_field().await {
        Ok(Some(mut field)) if field.name() == Some("document_type") => {
            small_text(&mut field, 200).await?
        }
        _ => return Err(broken_upload().into()),
    };
    if document_type.trim().is_empty() {
        return Ok(Err(UploadProblem::of(
            "document_type",
            de.no_type_chosen,
            en.no_type_chosen,
        )));
    }
    let file = match multipart.next_field().await {
        Ok(Some(field)) if field.name() == Some("file") => field,
        Ok(_) => {
            return Ok(Err(UploadProblem {
                chosen: document_type.trim().to_string(),
                ..UploadProblem::of("file", de.no_file_chosen, en.no_file_chosen)
            }));
        }
        Err(_) => return Err(broken_upload().into()),
    };
    let file_name = file.file_name().unwrap_or("").to_string();
    if file_name.is_empty() {
        return Ok(Err(UploadProblem {
            chosen: document_type.trim().to_string(),
            ..UploadProblem::of("file", de.no_file_chosen, en.no_file_chosen)
        }));
    }
    Ok(Ok(UploadSource {
        document_type: document_type.trim().to_string(),
        file_name,
        body: file,
    }))
}

/// Reads and discards the rest of a refused upload, so that the browser finishes sending and
/// shows the error page instead of a reset connection. The route's body limit bounds it.
pub(super) async fn drain(multipart: &mut Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

pub struct DocTypeRow {
    pub anchor: String,
    pub label: String,
    pub help: Option<String>,
    pub requirement: String,
    pub file_types: String,
    pub state: String,
    pub missing: bool,
    pub present: bool,
}

fn condition_text(service: &ServiceDefinition, cond: &Condition, lang: Lang) -> String {
    match service.field(&cond.field) {
        Some(target) => i18n::only_if(
            lang,
            target.label.get(lang),
            &display_value(target, &cond.equals, lang),
        ),
        None => String::new(),
    }
}

/// The document types offered in an upload form.
pub fn type_options(service: &ServiceDefinition, lang: Lang, selected: &str) -> Vec<OptionView> {
    service
        .documents
        .iter()
        .map(|d| OptionView {
            id: format!("type-{}", d.id),
            value: d.id.clone(),
            label: d.label.get(lang).to_string(),
            selected: d.id == selected,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "pages/documents.html")]
struct DocumentsPage {
    page: Page,
    service_name: String,
    steps: Vec<StepLink>,
    progress: String,
    number: usize,
    total: usize,
    types: Vec<DocTypeRow>,
    uploads: Vec<DocRow>,
    type_options: Vec<OptionView>,
    action: String,
    delete_base: String,
    upload_hint: String,
    problem: Option<UploadProblem>,
    errors: Vec<ErrorLink>,
    done: Option<String>,
    back_href: String,
    review_href: String,
}

impl DocumentsPage {
    fn problem_at(&self, field: &str) -> Option<String> {
        self.problem.as_ref().filter(|p| p.field == field).map(|p| {
            p.message
                .get(Lang::parse(self.page.lang).unwrap_or_default())
                .to_string()
        })
    }
}

async fn documents_page(
    ctx: &Ctx,
    user: &Principal,
    draft_id: Uuid,
    problem: Option<UploadProblem>,
    selected: &str,
    done: Option<String>,
) -> PageResult {
    let lang = ctx.lang;
    let t = ctx.t();
    let view = ctx.app().draft_view(user, draft_id).await?;
    if let Some(case_id) = view.draft.case_id {
        return Ok(see_other(&format!("/cases/{case_id}")));
    }
    let service = view.service;
    let types = service
        .documents
        .iter()
        .map(|d| {
            let applies = d.only_if.as_ref().is_none_or(|c| {
                view.form.get(&c.field).map(|v| v.trim()) == Some(c.equals.as_str())
            });
            let present = view.documents.iter().any(|doc| doc.document_type == d.id);
            let requirement = match (d.required, applies, &d.only_if) {
                (true, true, _) => t.doc_required.to_string(),
                (true, false, Some(cond)) => condition_text(service, cond, lang),
                _ => t.doc_optional.to_string(),
            };
            let missing = d.required && applies && !present;
            DocTypeRow {
                anchor: format!("document-type-{}", d.id),
                label: d.label.get(lang).to_string(),
                help: d.help.as_ref().map(|h| h.get(lang).to_string()),
                requirement,
                file_types: format::file_types(&d.accept),
                state: if present {
                    t.doc_present.to_string()
                } else if missing {
                    t.doc_missing.to_string()
                } else {
                    t.none_value.to_string()
                },
                missing,
                present,
            }
        })
        .collect();
    let steps = step_links(service, draft_id, service.form.steps.len() + 1, lang);
    let total = steps.len();
    let number = total - 1;
    let status = problem.as_ref().map(|p| p.status).unwrap_or(StatusCode::OK);
    let errors = problem.as_ref().map(|p| p.links(lang)).unwrap_or_default();
    let page = ctx.page(t.documents_title).await;
    Ok(render(
        status,
        &DocumentsPage {
            page,
            service_name: service.name.get(lang).to_string(),
            progress: i18n::step_of(lang, number, total),
            number,
            total,
            steps,
            types,
            uploads: view
                .documents
                .iter()
                .map(|d| doc_row(service, d, lang))
                .collect(),
            type_options: type_options(service, lang, selected),
            action: format!("/drafts/{draft_id}/documents"),
            delete_base: format!("/drafts/{draft_id}/documents"),
            upload_hint: i18n::max_upload(lang, ctx.app().config.max_upload_mib),
            problem,
            errors,
            done,
            back_href: format!("/drafts/{draft_id}/steps/{}", service.form.steps.len()),
            review_href: format!("/drafts/{draft_id}/review"),
        },
    ))
}

pub async fn documents(ctx: Ctx, Path(id): Path<String>, Query(q): Query<DoneQuery>) -> PageResult {
    let user = ctx.user()?;
    let draft_id = parse_id(&id)?;
    documents_page(&ctx, user, draft_id, None, "", q.message(ctx.lang)).await
}

pub async fn upload(
    Path(id): Path<String>,
    SessionMultipart { ctx, mut multipart }: SessionMultipart,
) -> PageResult {
    let user = ctx.user()?;
    let draft_id = parse_id(&id)?;
    let source = match open_upload(&mut multipart).await? {
        Ok(source) => source,
        Err(problem) => {
            let chosen = problem.chosen.clone();
            return documents_page(&ctx, user, draft_id, Some(problem), &chosen, None).await;
        }
    };
    let chosen = source.document_type.clone();
    match ctx
        .app()
        .upload_draft_document(user, draft_id, source)
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/drafts/{draft_id}/documents?done=upload"
        ))),
        Err(e) => {
            if matches!(e, AppError::TooLarge { .. }) {
                drain(&mut multipart).await;
            }
            let problem = UploadProblem::from_app(e)?;
            documents_page(&ctx, user, draft_id, Some(problem), &chosen, None).await
        }
    }
}

pub async fn delete(
    Path((id, doc)): Path<(String, String)>,
    SessionForm { ctx, .. }: SessionForm,
) -> PageResult {
    let user = ctx.user()?;
    let draft_id = parse_id(&id)?;
    ctx.app()
        .delete_draft_document(user, draft_id, parse_id(&doc)?)
        .await?;
    Ok(see_other(&format!(
        "/drafts/{draft_id}/documents?done=deleted"
    )))
}

/// A supplement in answer to a document request; problems are shown on the case page.
pub async fn supplement(
    Path(id): Path<String>,
    SessionMultipart { ctx, mut multipart }: SessionMultipart,
) -> PageResult {
    let user = ctx.user()?;
    let case_id = parse_id(&id)?;
    let source = match open_upload(&mut multipart).await? {
        Ok(source) => source,
        Err(problem) => {
            return super::cases::case_page(
                &ctx,
                case_id,
                None,
                Some({
                    let chosen = problem.chosen.clone();
                    (problem, chosen)
                }),
                None,
            )
            .await;
        }
    };
    let chosen = source.document_type.clone();
    match ctx.app().upload_supplement(user, case_id, source).await {
        Ok(_) => Ok(see_other(&format!("/cases/{case_id}?done=upload#request"))),
        Err(e) => {
            if matches!(e, AppError::TooLarge { .. }) {
                drain(&mut multipart).await;
            }
            let problem = UploadProblem::from_app(e)?;
            super::cases::case_page(&ctx, case_id, None, Some((problem, chosen)), None).await
        }
    }
}

/// `Bescheid-BG-2026-000001.pdf` as ASCII, for the `filename` parameter.
pub fn ascii_file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'Ä' => out.push_str("Ae"),
            'Ö' => out.push_str("Oe"),
            'Ü' => out.push_str("Ue"),
            'ß' => out.push_str("ss"),
            c if c.is_ascii_alphanumeric() || "-_.+()".contains(c) => out.push(c),
            _ => out.push('_'),
        }
    }
    if out.trim_matches(['_', '.']).is_empty() {
        "dokument".into()
    } else {
        out
    }
}

fn rfc5987(name: &str) -> String {
    let mut out = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Streams a stored document as a download.
pub async fn file_response(download: DocumentDownload) -> Response {
    let DocumentDownload { document, file } = download;
    let length = Some(file.size());
    let body = Body::from_stream(ReaderStream::new(file));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&document.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_file_name(&document.file_name),
        rfc5987(&document.file_name)
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

pub async fn download(ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let user = ctx.user()?;
    let download = ctx.app().download_document(user, parse_id(&id)?).await?;
    Ok(file_response(download).await)
}

/// Retrieves the notice. A POST with CSRF token, because the first retrieval has legal
/// effect (§41(2a) VwVfG) and must not be triggered by a link on another site.
pub async fn notice(Path(id): Path<String>, SessionForm { ctx, .. }: SessionForm) -> PageResult {
    let user = ctx.user()?;
    let download = ctx.app().retrieve_notice(user, parse_id(&id)?).await?;
    Ok(file_response(download).await)
}

/// A link to the notice leads to the case page with the retrieval button.
pub async fn notice_page(ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let case_id = parse_id(&id)?;
    let base = match &ctx.principal {
        Some(p) if p.user.role.is_staff() => "/work/cases",
        _ => "/cases",
    };
    Ok(see_other(&format!("{base}/{case_id}#notice-heading")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_for_headers() {
        assert_eq!(
            ascii_file_name("Bescheid-BG-2026-000001.pdf"),
            "Bescheid-BG-2026-000001.pdf"
        );
        assert_eq!(
            ascii_file_name("Grundriss Erdgeschoß \"neu\".pdf"),
            "Grundriss_Erdgeschoss__neu_.pdf"
        );
        assert_eq!(rfc5987("ä b"), "%C3%A4%20b");
    }
}
