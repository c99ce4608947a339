//! Reading PostgreSQL rows into the store's records.

use amtsweg_domain::Text;
use amtsweg_domain::case::Case;
use amtsweg_domain::policy::Role;
use sqlx::Row;
use sqlx::postgres::PgRow;

use crate::*;

pub(super) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value}"))
}

pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

pub(super) fn authority_from(row: &PgRow) -> Result<Authority> {
    Ok(Authority {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        address: row.try_get("address")?,
        kind: {
            let kind: String = row.try_get("kind")?;
            AuthorityKind::parse(&kind).ok_or_else(|| corrupt("authority kind", &kind))?
        },
        state_code: row.try_get("state_code")?,
        created_at: row.try_get("created_at")?,
    })
}

pub(super) fn user_from(row: &PgRow) -> Result<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
        authority_id: row.try_get("authority_id")?,
        created_at: row.try_get("created_at")?,
    })
}

pub(super) fn draft_from(row: &PgRow) -> Result<Draft> {
    Ok(Draft {
        id: row.try_get("id")?,
        owner_id: row.try_get("owner_id")?,
        authority_id: row.try_get("authority_id")?,
        service_id: row.try_get("service_id")?,
        service_version: row.try_get("service_version")?,
        form_json: row.try_get("form_json")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        case_id: row.try_get("case_id")?,
    })
}

pub(super) fn document_from(row: &PgRow) -> Result<Document> {
    let origin: String = row.try_get("origin")?;
    Ok(Document {
        id: row.try_get("id")?,
        draft_id: row.try_get("draft_id")?,
        case_id: row.try_get("case_id")?,
        document_type: row.try_get("document_type")?,
        file_name: row.try_get("file_name")?,
        content_type: row.try_get("content_type")?,
        size_bytes: row.try_get("size_bytes")?,
        sha256: row.try_get("sha256")?,
        uploaded_by: row.try_get("uploaded_by")?,
        uploaded_at: row.try_get("uploaded_at")?,
        origin: DocumentOrigin::parse(&origin).ok_or_else(|| corrupt("origin", &origin))?,
    })
}

pub(super) fn case_from(row: &PgRow) -> Result<CaseRecord> {
    let case_json: String = row.try_get("case_json")?;
    let case: Case =
        serde_json::from_str(&case_json).map_err(|e| corrupt("case_json", &e.to_string()))?;
    Ok(CaseRecord {
        id: row.try_get("id")?,
        authority_id: row.try_get("authority_id")?,
        file_number: row.try_get("file_number")?,
        service_id: row.try_get("service_id")?,
        service_version: row.try_get("service_version")?,
        applicant_id: row.try_get("applicant_id")?,
        draft_id: row.try_get("draft_id")?,
        state: row.try_get("state")?,
        assignee_id: row.try_get("assignee_id")?,
        applicant_name: row.try_get("applicant_name")?,
        site_address: row.try_get("site_address")?,
        next_deadline: row.try_get("next_deadline")?,
        submitted_at: row.try_get("submitted_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
        case,
        form_json: row.try_get("form_json")?,
    })
}

pub(super) fn summary_from(row: &PgRow) -> Result<CaseSummary> {
    Ok(CaseSummary {
        id: row.try_get("id")?,
        file_number: row.try_get("file_number")?,
        service_id: row.try_get("service_id")?,
        state: row.try_get("state")?,
        applicant_name: row.try_get("applicant_name")?,
        site_address: row.try_get("site_address")?,
        assignee_id: row.try_get("assignee_id")?,
        next_deadline: row.try_get("next_deadline")?,
        submitted_at: row.try_get("submitted_at")?,
    })
}

pub(super) fn service_version_from(row: &PgRow) -> Result<ServiceVersion> {
    Ok(ServiceVersion {
        service_id: row.try_get("service_id")?,
        version: row.try_get("version")?,
        service_toml: row.try_get("service_toml")?,
        form_toml: row.try_get("form_toml")?,
        documents_toml: row.try_get("documents_toml")?,
        process_toml: row.try_get("process_toml")?,
    })
}

pub(super) fn message_from(row: &PgRow) -> Result<Message> {
    Ok(Message {
        id: row.try_get("id")?,
        recipient_id: row.try_get("recipient_id")?,
        case_id: row.try_get("case_id")?,
        kind: row.try_get("kind")?,
        subject: Text::new(
            row.try_get::<String, _>("subject_de")?,
            row.try_get::<String, _>("subject_en")?,
        ),
        body: Text::new(
            row.try_get::<String, _>("body_de")?,
            row.try_get::<String, _>("body_en")?,
        ),
        document_id: row.try_get("document_id")?,
        created_at: row.try_get("created_at")?,
        read_at: row.try_get("read_at")?,
    })
}

pub(super) fn participation_row_from(row: &PgRow) -> Result<ParticipationRow> {
    Ok(ParticipationRow {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        party_id: row.try_get("party_id")?,
        open: row.try_get("open")?,
        due: row.try_get("due")?,
        requested_at: row.try_get("requested_at")?,
    })
}

pub(super) fn party_request_from(row: &PgRow) -> Result<PartyRequestSummary> {
    Ok(PartyRequestSummary {
        request_id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        file_number: row.try_get("file_number")?,
        service_id: row.try_get("service_id")?,
        site_address: row.try_get("site_address")?,
        open: row.try_get("open")?,
        due: row.try_get("due")?,
        requested_at: row.try_get("requested_at")?,
    })
}
