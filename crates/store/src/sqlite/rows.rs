//! Reading SQLite rows into the store's records.

use amtsweg_domain::Text;
use amtsweg_domain::case::Case;
use amtsweg_domain::policy::Role;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use uuid::Uuid;

use crate::*;

pub(super) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value}"))
}

pub(super) fn uuid_col(row: &SqliteRow, col: &str) -> Result<Uuid> {
    let text: String = row.try_get(col)?;
    Uuid::parse_str(&text).map_err(|_| corrupt(col, &text))
}

pub(super) fn opt_uuid_col(row: &SqliteRow, col: &str) -> Result<Option<Uuid>> {
    let text: Option<String> = row.try_get(col)?;
    text.map(|t| Uuid::parse_str(&t).map_err(|_| corrupt(col, &t)))
        .transpose()
}

pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

pub(super) fn authority_from(row: &SqliteRow) -> Result<Authority> {
    Ok(Authority {
        id: uuid_col(row, "id")?,
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

pub(super) fn user_from(row: &SqliteRow) -> Result<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: uuid_col(row, "id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
        authority_id: opt_uuid_col(row, "authority_id")?,
        created_at: row.try_get("created_at")?,
    })
}

pub(super) fn draft_from(row: &SqliteRow) -> Result<Draft> {
    Ok(Draft {
        id: uuid_col(row, "id")?,
        owner_id: uuid_col(row, "owner_id")?,
        authority_id: uuid_col(row, "authority_id")?,
        service_id: row.try_get("service_id")?,
        service_version: row.try_get("service_version")?,
        form_json: row.try_get("form_json")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        case_id: opt_uuid_col(row, "case_id")?,
    })
}

pub(super) fn document_from(row: &SqliteRow) -> Result<Document> {
    let origin: String = row.try_get("origin")?;
    Ok(Document {
        id: uuid_col(row, "id")?,
        draft_id: opt_uuid_col(row, "draft_id")?,
        case_id: opt_uuid_col(row, "case_id")?,
        document_type: row.try_get("document_type")?,
        file_name: row.try_get("file_name")?,
        content_type: row.try_get("content_type")?,
        size_bytes: row.try_get("size_bytes")?,
        sha256: row.try_get("sha256")?,
        uploaded_by: uuid_col(row, "uploaded_by")?,
        uploaded_at: row.try_get("uploaded_at")?,
        origin: DocumentOrigin::parse(&origin).ok_or_else(|| corrupt("origin", &origin))?,
    })
}

pub(super) fn case_from(row: &SqliteRow) -> Result<CaseRecord> {
    let case_json: String = row.try_get("case_json")?;
    let case: Case =
        serde_json::from_str(&case_json).map_err(|e| corrupt("case_json", &e.to_string()))?;
    Ok(CaseRecord {
        id: uuid_col(row, "id")?,
        authority_id: uuid_col(row, "authority_id")?,
        file_number: row.try_get("file_number")?,
        service_id: row.try_get("service_id")?,
        service_version: row.try_get("service_version")?,
        applicant_id: uuid_col(row, "applicant_id")?,
        draft_id: uuid_col(row, "draft_id")?,
        state: row.try_get("state")?,
        assignee_id: opt_uuid_col(row, "assignee_id")?,
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

pub(super) fn summary_from(row: &SqliteRow) -> Result<CaseSummary> {
    Ok(CaseSummary {
        id: uuid_col(row, "id")?,
        file_number: row.try_get("file_number")?,
        service_id: row.try_get("service_id")?,
        state: row.try_get("state")?,
        applicant_name: row.try_get("applicant_name")?,
        site_address: row.try_get("site_address")?,
        assignee_id: opt_uuid_col(row, "assignee_id")?,
        next_deadline: row.try_get("next_deadline")?,
        submitted_at: row.try_get("submitted_at")?,
    })
}

pub(super) fn service_version_from(row: &SqliteRow) -> Result<ServiceVersion> {
    Ok(ServiceVersion {
        service_id: row.try_get("service_id")?,
        version: row.try_get("version")?,
        service_toml: row.try_get("service_toml")?,
        form_toml: row.try_get("form_toml")?,
        documents_toml: row.try_get("documents_toml")?,
        process_toml: row.try_get("process_toml")?,
    })
}

pub(super) fn message_from(row: &SqliteRow) -> Result<Message> {
    Ok(Message {
        id: uuid_col(row, "id")?,
        recipient_id: uuid_col(row, "recipient_id")?,
        case_id: opt_uuid_col(row, "case_id")?,
        kind: row.try_get("kind")?,
        subject: Text::new(
            row.try_get::<String, _>("subject_de")?,
            row.try_get::<String, _>("subject_en")?,
        ),
        body: Text::new(
            row.try_get::<String, _>("body_de")?,
            row.try_get::<String, _>("body_en")?,
        ),
        document_id: opt_uuid_col(row, "document_id")?,
        created_at: row.try_get("created_at")?,
        read_at: row.try_get("read_at")?,
    })
}

pub(super) fn participation_row_from(row: &SqliteRow) -> Result<ParticipationRow> {
    Ok(ParticipationRow {
        id: uuid_col(row, "id")?,
        case_id: uuid_col(row, "case_id")?,
        party_id: uuid_col(row, "party_id")?,
        open: row.try_get::<i64, _>("open")? != 0,
        due: row.try_get("due")?,
        requested_at: row.try_get("requested_at")?,
    })
}

pub(super) fn party_request_from(row: &SqliteRow) -> Result<PartyRequestSummary> {
    Ok(PartyRequestSummary {
        request_id: uuid_col(row, "id")?,
        case_id: uuid_col(row, "case_id")?,
        file_number: row.try_get("file_number")?,
        service_id: row.try_get("service_id")?,
        site_address: row.try_get("site_address")?,
        open: row.try_get::<i64, _>("open")? != 0,
        due: row.try_get("due")?,
        requested_at: row.try_get("requested_at")?,
    })
}
