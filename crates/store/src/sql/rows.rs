//! Rows into the store's records, once for both engines. A value that does not read as its
//! type is corrupt data, named by table, row and column: never skipped, never defaulted.

use amtsweg_domain::Text;
use amtsweg_domain::audit::{ActorId, AuditContent, AuditEntry};
use amtsweg_domain::calendar::State;
use amtsweg_domain::policy::Role;

use super::Row;
use crate::*;

/// `SELECT <case columns> FROM cases <rest>`, as one literal.
macro_rules! select_cases {
    ($rest:literal) => {
        concat!(
            "SELECT id, authority_id, file_number, service_id, service_version, applicant_id, draft_id, state, ",
            "assignee_id, applicant_name, site_address, next_deadline, submitted_at, updated_at, version, case_json, form_json ",
            "FROM cases ",
            $rest
        )
    };
}
pub(crate) use select_cases;

/// `SELECT <summary columns> FROM cases <rest>`, as one literal.
macro_rules! select_summaries {
    ($rest:literal) => {
        concat!(
            "SELECT id, file_number, service_id, state, applicant_name, site_address, assignee_id, next_deadline, submitted_at ",
            "FROM cases ",
            $rest
        )
    };
}
pub(crate) use select_summaries;

pub(crate) fn authority_from(row: &Row) -> Result<Authority> {
    Ok(Authority {
        id: row.id("id")?,
        name: row.text("name")?,
        address: row.text("address")?,
        kind: row.parsed("kind", AuthorityKind::parse)?,
        state: row.parsed("state_code", |t| State::parse(t).ok())?,
        created_at: row.instant("created_at")?,
    })
}

pub(crate) fn user_from(row: &Row) -> Result<User> {
    Ok(User {
        id: row.id("id")?,
        email: row.text("email")?,
        display_name: row.text("display_name")?,
        password_hash: row.text("password_hash")?,
        role: row.parsed("role", Role::parse)?,
        authority_id: row.opt_id("authority_id")?,
        created_at: row.instant("created_at")?,
    })
}

pub(crate) fn session_from(row: &Row) -> Result<Session> {
    Ok(Session {
        token_hash: row.text("token_hash")?,
        user_id: row.id("user_id")?,
        kind: row.parsed("kind", SessionKind::parse)?,
        csrf_token: row.text("csrf_token")?,
        created_at: row.instant("created_at")?,
        expires_at: row.instant("expires_at")?,
    })
}

pub(crate) fn draft_from(row: &Row) -> Result<Draft> {
    Ok(Draft {
        id: row.id("id")?,
        owner_id: row.id("owner_id")?,
        authority_id: row.id("authority_id")?,
        service_id: row.text("service_id")?,
        service_version: row.text("service_version")?,
        form_json: row.text("form_json")?,
        created_at: row.instant("created_at")?,
        updated_at: row.instant("updated_at")?,
        case_id: row.opt_id("case_id")?,
    })
}

pub(crate) fn document_from(row: &Row) -> Result<Document> {
    Ok(Document {
        id: row.id("id")?,
        draft_id: row.opt_id("draft_id")?,
        case_id: row.opt_id("case_id")?,
        document_type: row.text("document_type")?,
        file_name: row.text("file_name")?,
        content_type: row.text("content_type")?,
        size_bytes: row.int("size_bytes")?,
        sha256: row.parsed("sha256", ContentHash::parse)?,
        uploaded_by: row.id("uploaded_by")?,
        uploaded_at: row.instant("uploaded_at")?,
        origin: row.parsed("origin", DocumentOrigin::parse)?,
    })
}

pub(crate) fn case_from(row: &Row) -> Result<CaseRecord> {
    Ok(CaseRecord {
        id: row.id("id")?,
        authority_id: row.id("authority_id")?,
        file_number: row.file_number("file_number")?,
        service_id: row.text("service_id")?,
        service_version: row.text("service_version")?,
        applicant_id: row.id("applicant_id")?,
        draft_id: row.id("draft_id")?,
        state: row.text("state")?,
        assignee_id: row.opt_id("assignee_id")?,
        applicant_name: row.text("applicant_name")?,
        site_address: row.text("site_address")?,
        next_deadline: row.opt_date("next_deadline")?,
        submitted_at: row.instant("submitted_at")?,
        updated_at: row.instant("updated_at")?,
        version: row.int("version")?,
        case: row.json("case_json")?,
        form_json: row.text("form_json")?,
    })
}

pub(crate) fn summary_from(row: &Row) -> Result<CaseSummary> {
    Ok(CaseSummary {
        id: row.id("id")?,
        file_number: row.file_number("file_number")?,
        service_id: row.text("service_id")?,
        state: row.text("state")?,
        applicant_name: row.text("applicant_name")?,
        site_address: row.text("site_address")?,
        assignee_id: row.opt_id("assignee_id")?,
        next_deadline: row.opt_date("next_deadline")?,
        submitted_at: row.instant("submitted_at")?,
    })
}

pub(crate) fn service_version_from(row: &Row) -> Result<ServiceVersion> {
    Ok(ServiceVersion {
        service_id: row.text("service_id")?,
        version: row.text("version")?,
        service_toml: row.text("service_toml")?,
        form_toml: row.text("form_toml")?,
        documents_toml: row.text("documents_toml")?,
        process_toml: row.text("process_toml")?,
    })
}

pub(crate) fn event_from(row: &Row) -> Result<EventRecord> {
    Ok(EventRecord {
        case_version: row.int("case_version")?,
        event: row.json("payload")?,
        state_after: row.text("state_after")?,
        actor: row.parsed("actor_id", ActorId::parse)?,
        at: row.instant("at")?,
    })
}

pub(crate) fn message_from(row: &Row) -> Result<Message> {
    Ok(Message {
        id: row.id("id")?,
        recipient_id: row.id("recipient_id")?,
        case_id: row.opt_id("case_id")?,
        kind: row.text("kind")?,
        subject: Text::new(row.text("subject_de")?, row.text("subject_en")?),
        body: Text::new(row.text("body_de")?, row.text("body_en")?),
        document_id: row.opt_id("document_id")?,
        created_at: row.instant("created_at")?,
        read_at: row.opt_instant("read_at")?,
    })
}

pub(crate) fn participation_row_from(row: &Row) -> Result<ParticipationRow> {
    Ok(ParticipationRow {
        id: row.id("id")?,
        case_id: row.id("case_id")?,
        party_id: row.id("party_id")?,
        open: row.bool("open")?,
        due: row.date("due")?,
        requested_on: row.date("requested_at")?,
    })
}

pub(crate) fn party_request_from(row: &Row) -> Result<PartyRequestSummary> {
    Ok(PartyRequestSummary {
        request_id: row.id("id")?,
        case_id: row.id("case_id")?,
        file_number: row.file_number("file_number")?,
        service_id: row.text("service_id")?,
        site_address: row.text("site_address")?,
        open: row.bool("open")?,
        due: row.date("due")?,
        requested_on: row.date("requested_at")?,
    })
}

/// An audit entry, its text exactly as stored (the hash covers it byte for byte).
pub(crate) fn audit_entry_from(row: &Row) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: row.int("seq")?,
        content: AuditContent {
            at: row.text("at")?,
            actor: row.text("actor")?,
            action: row.text("action")?,
            object: row.text("object")?,
            detail: row.text("detail")?,
        },
        prev_hash: row.text("prev_hash")?,
        hash: row.text("hash")?,
    })
}
