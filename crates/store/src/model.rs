//! The records the store keeps, with typed values: instants (`OffsetDateTime`, stored as
//! RFC 3339 text in UTC), dates (`Date`, stored `YYYY-MM-DD`), file numbers, Länder, ids and
//! kinds. Rows are parsed into these once, where they are read (`sql/rows.rs`); audit entries
//! alone keep their exact stored text, because the hash chain covers it byte for byte.

use amtsweg_domain::Text;
use amtsweg_domain::audit::{ActorId, AuditContent};
pub use amtsweg_domain::authority::{AuthorityKind, Coverage};
use amtsweg_domain::calendar::State;
use amtsweg_domain::case::{Case, Event};
pub use amtsweg_domain::document::{ContentHash, DocumentOrigin};
use amtsweg_domain::file_number::FileNumber;
use amtsweg_domain::policy::Role;
pub use amtsweg_domain::policy::SessionKind;
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Authority {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub kind: AuthorityKind,
    pub state: State,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub authority_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub user_id: Uuid,
    pub kind: SessionKind,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub id: Uuid,
    pub owner_id: Uuid,
    /// An authority of the service's kind while the draft is open; at submission the one
    /// responsible for the place of the application (the case's authority).
    pub authority_id: Uuid,
    pub service_id: String,
    pub service_version: String,
    pub form_json: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub case_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub id: Uuid,
    pub draft_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub document_type: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: ContentHash,
    pub uploaded_by: Uuid,
    pub uploaded_at: OffsetDateTime,
    pub origin: DocumentOrigin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: Uuid,
    pub authority_id: Uuid,
    pub file_number: FileNumber,
    pub service_id: String,
    pub service_version: String,
    pub applicant_id: Uuid,
    pub draft_id: Uuid,
    pub state: String,
    pub assignee_id: Option<Uuid>,
    pub applicant_name: String,
    pub site_address: String,
    pub next_deadline: Option<Date>,
    pub submitted_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub version: i64,
    pub case: Case,
    pub form_json: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    pub id: Uuid,
    pub file_number: FileNumber,
    pub service_id: String,
    pub state: String,
    pub applicant_name: String,
    pub site_address: String,
    pub assignee_id: Option<Uuid>,
    pub next_deadline: Option<Date>,
    pub submitted_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    pub case_version: i64,
    pub event: Event,
    pub state_after: String,
    pub actor: ActorId,
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: Uuid,
    pub recipient_id: Uuid,
    pub case_id: Option<Uuid>,
    pub kind: String,
    pub subject: Text,
    pub body: Text,
    pub document_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub read_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone)]
pub struct InboxQuery {
    pub authority_id: Uuid,
    pub state: Option<String>,
    /// Matched against file number, applicant name and site address.
    pub search: Option<String>,
    /// Only cases whose nearest deadline is on or before this date.
    pub due_by: Option<Date>,
    pub limit: u32,
    pub offset: u32,
}

/// Everything a submission writes at once.
#[derive(Debug, Clone)]
pub struct Submission {
    pub case_id: Uuid,
    pub draft_id: Uuid,
    pub authority_id: Uuid,
    pub service_id: String,
    pub service_version: String,
    pub file_number_prefix: String,
    pub year: i32,
    pub applicant_id: Uuid,
    pub idempotency_key: Option<String>,
    pub applicant_name: String,
    pub site_address: String,
    pub case: Case,
    /// The nearest deadline at submission.
    pub next_deadline: Option<Date>,
    /// When the scheduler should next look at the case.
    pub next_job_on: Option<Date>,
    pub form_json: String,
    pub at: OffsetDateTime,
    /// Filled in with the file number by the store: `{file_number}` is replaced.
    pub receipt: NewMessage,
    pub audit: AuditContent,
}

impl Submission {
    /// The case as the store writes it, once its file number is drawn (so the store need not
    /// read back the row it has just inserted).
    pub fn record(&self, file_number: FileNumber) -> CaseRecord {
        CaseRecord {
            id: self.case_id,
            authority_id: self.authority_id,
            file_number,
            service_id: self.service_id.clone(),
            service_version: self.service_version.clone(),
            applicant_id: self.applicant_id,
            draft_id: self.draft_id,
            state: self.case.state.clone(),
            assignee_id: None,
            applicant_name: self.applicant_name.clone(),
            site_address: self.site_address.clone(),
            next_deadline: self.next_deadline,
            submitted_at: self.at,
            updated_at: self.at,
            version: 1,
            case: self.case.clone(),
            form_json: self.form_json.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    Created(CaseRecord),
    /// The draft or idempotency key was submitted before: this is that case.
    AlreadySubmitted(CaseRecord),
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub id: Uuid,
    pub recipient_id: Uuid,
    pub kind: String,
    pub subject: Text,
    pub body: Text,
    pub document_id: Option<Uuid>,
}

/// A change of a case: new state, its event, audit entries, and what else goes with it.
#[derive(Debug, Clone)]
pub struct CaseChange {
    pub case_id: Uuid,
    pub expected_version: i64,
    pub case: Case,
    pub next_deadline: Option<Date>,
    pub next_job_on: Option<Date>,
    pub event: Event,
    pub actor: ActorId,
    pub at: OffsetDateTime,
    pub audit: Vec<AuditContent>,
    pub messages: Vec<NewMessage>,
    pub new_documents: Vec<Document>,
    /// Pending supplement documents that become part of the case file.
    pub promote_documents: Vec<Uuid>,
    /// Pending statement attachments that become part of the case file.
    pub promote_attachments: Vec<Uuid>,
    /// Participation requests made or changed by the change (inserted or updated).
    pub participation: Vec<ParticipationRow>,
}

/// An authority with the places it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoveringAuthority {
    pub authority: Authority,
    pub coverage: Vec<Coverage>,
}

/// An agency or municipality in an authority's directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectoryEntry {
    pub authority_id: Uuid,
    pub party_id: Uuid,
    /// What the party is asked about, e.g. `fire_protection` (see `participation::TOPICS`).
    pub topic: String,
}

/// A directory entry with the party's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectoryParty {
    pub party: Authority,
    pub topic: String,
}

/// Where a participation request is, so that its party finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipationRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub party_id: Uuid,
    pub open: bool,
    pub due: Date,
    /// The day the request was made (column `requested_at`).
    pub requested_on: Date,
}

/// A request in a party's inbox: only what the party may see of the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyRequestSummary {
    pub request_id: Uuid,
    pub case_id: Uuid,
    pub file_number: FileNumber,
    pub service_id: String,
    pub site_address: String,
    pub open: bool,
    pub due: Date,
    /// The day the request was made (column `requested_at`).
    pub requested_on: Date,
}

/// The source texts of one version of a service definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceVersion {
    pub service_id: String,
    pub version: String,
    pub service_toml: String,
    pub form_toml: String,
    pub documents_toml: String,
    pub process_toml: String,
}
