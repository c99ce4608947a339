//! Persistence of amtsweg. The [`Store`] trait is what the application services use; each
//! write method is one transaction that stores the state together with its event and its
//! audit entries. It is implemented once, by [`sql::SqlStore`], over two engines:
//! [`sqlite::SqliteStore`] (embedded) and [`postgres::PostgresStore`] (several instances on
//! one database); both pass the same conformance suite (`tests/conformance/`). Blobs
//! (document bytes) live in a [`blob::BlobStore`].
#![forbid(unsafe_code)]

pub mod blob;
pub mod model;
pub mod postgres;
pub mod sql;
pub mod sqlite;

use amtsweg_domain::audit::{AuditContent, AuditEntry, ChainHead};
use amtsweg_domain::file_number::FileNumber;
use async_trait::async_trait;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

pub use model::*;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record changed since it was read (optimistic concurrency), or a unique value exists.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("not found")]
    NotFound,
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database cannot be reached now (refused, timed out, restarting): worth a retry.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The disk under the database is full: nothing was written.
    #[error("database storage full: {0}")]
    StorageFull(String),
    #[error("database: {0}")]
    Database(sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    /// Sorts out what a caller can act on: an unreachable database (retry later) and a full
    /// disk (free space); everything else stays a database error.
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e.to_string()),
            sqlx::Error::Database(db) => match db.code().as_deref() {
                // PostgreSQL: connection exceptions (08…), shutting down or starting up (57P…),
                // the database gone (3D000); SQLite: SQLITE_FULL (13). PostgreSQL: disk_full (53100)
                Some(code)
                    if code.starts_with("08")
                        || matches!(code, "57P01" | "57P02" | "57P03" | "3D000") =>
                {
                    StoreError::Unavailable(e.to_string())
                }
                Some("13" | "53100") => StoreError::StorageFull(e.to_string()),
                _ => StoreError::Database(e),
            },
            _ => StoreError::Database(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[async_trait]
pub trait Store: Send + Sync + 'static {
    // authorities and accounts
    async fn insert_authority(&self, authority: &Authority, audit: AuditContent) -> Result<()>;
    async fn authority(&self, id: Uuid) -> Result<Option<Authority>>;
    async fn authorities(&self) -> Result<Vec<Authority>>;
    async fn insert_user(&self, user: &User, audit: AuditContent) -> Result<()>;
    async fn user(&self, id: Uuid) -> Result<Option<User>>;
    async fn user_by_email(&self, email: &str) -> Result<Option<User>>;
    async fn users_of_authority(&self, authority_id: Uuid) -> Result<Vec<User>>;
    /// Adds an agency or municipality to an authority's directory (or changes its topic).
    /// Replaces what the authority covers.
    async fn set_coverage(
        &self,
        authority_id: Uuid,
        coverage: &[Coverage],
        audit: AuditContent,
    ) -> Result<()>;
    /// Every authority of a kind, by name.
    async fn authorities_of_kind(&self, kind: AuthorityKind) -> Result<Vec<Authority>>;
    /// The authorities of a kind that cover a place (its postal code, or its municipality
    /// key by a key that is a leading part of it), each with the coverage entries that match.
    async fn authorities_covering(
        &self,
        kind: AuthorityKind,
        postal_code: Option<&str>,
        municipality_key: Option<&str>,
    ) -> Result<Vec<CoveringAuthority>>;
    async fn put_directory_entry(&self, entry: &DirectoryEntry, audit: AuditContent) -> Result<()>;
    async fn directory(&self, authority_id: Uuid) -> Result<Vec<DirectoryParty>>;

    /// Records a version of a service definition; a version once recorded must not change.
    async fn register_service_version(
        &self,
        version: &ServiceVersion,
        at: OffsetDateTime,
    ) -> Result<()>;
    async fn service_versions(&self) -> Result<Vec<ServiceVersion>>;

    // sessions (web and API)
    async fn insert_session(&self, session: &Session) -> Result<()>;
    async fn session(&self, token_hash: &str) -> Result<Option<Session>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;

    // drafts and their documents
    async fn insert_draft(&self, draft: &Draft) -> Result<()>;
    async fn draft(&self, id: Uuid) -> Result<Option<Draft>>;
    async fn drafts_of(&self, owner_id: Uuid) -> Result<Vec<Draft>>;
    /// Saves the form of a draft that is not yet submitted.
    async fn update_draft_form(&self, id: Uuid, form_json: &str, at: OffsetDateTime) -> Result<()>;
    async fn insert_document(&self, document: &Document, audit: AuditContent) -> Result<()>;
    async fn delete_draft_document(
        &self,
        draft_id: Uuid,
        document_id: Uuid,
        audit: AuditContent,
    ) -> Result<()>;
    async fn document(&self, id: Uuid) -> Result<Option<Document>>;
    async fn documents_of_draft(&self, draft_id: Uuid) -> Result<Vec<Document>>;
    async fn documents_of_case(&self, case_id: Uuid) -> Result<Vec<Document>>;

    /// Turns a draft into a case, once: a repeated submission of the draft (or with the same
    /// idempotency key) returns the case made the first time.
    async fn submit(&self, submission: Submission) -> Result<SubmitOutcome>;
    async fn case(&self, id: Uuid) -> Result<Option<CaseRecord>>;
    async fn case_by_file_number(
        &self,
        authority_id: Uuid,
        file_number: &FileNumber,
    ) -> Result<Option<CaseRecord>>;
    async fn cases_of_applicant(&self, applicant_id: Uuid) -> Result<Vec<CaseSummary>>;
    async fn inbox(&self, query: &InboxQuery) -> Result<Vec<CaseSummary>>;
    async fn events(&self, case_id: Uuid) -> Result<Vec<EventRecord>>;
    /// Cases the scheduler should look at on or before `by` (`YYYY-MM-DD`), oldest first.
    async fn cases_due(&self, by: Date, limit: u32) -> Result<Vec<Uuid>>;
    /// Sets when the scheduler should next look at a case, if its version is still `expected_version`
    /// (the scheduler found nothing to do yet).
    async fn reschedule(
        &self,
        case_id: Uuid,
        expected_version: i64,
        next_job_on: Option<Date>,
    ) -> Result<()>;
    /// Stores a change of a case if its version is still `expected_version`.
    async fn commit_change(&self, change: CaseChange) -> Result<()>;
    /// The requests to an agency or municipality: open ones first, the nearest due first.
    async fn party_requests(&self, party_id: Uuid, limit: u32) -> Result<Vec<PartyRequestSummary>>;
    async fn participation_request(&self, id: Uuid) -> Result<Option<ParticipationRow>>;

    // mailbox
    async fn messages(&self, recipient_id: Uuid) -> Result<Vec<Message>>;
    async fn message(&self, id: Uuid) -> Result<Option<Message>>;
    async fn mark_message_read(&self, id: Uuid, at: OffsetDateTime) -> Result<()>;
    /// A message outside any case (to an account), with its audit entry, in one transaction.
    async fn send_message(
        &self,
        message: &NewMessage,
        at: OffsetDateTime,
        audit: AuditContent,
    ) -> Result<()>;

    // audit trail
    /// Appends entries that record no change of state (reads, denials, logins).
    async fn append_audit(&self, entries: Vec<AuditContent>) -> Result<()>;
    /// Whether the database answers and its schema is at the version of this build.
    async fn ready(&self) -> Result<()>;

    /// The head of the chain as recorded beside the entries (`None` while the chain is
    /// empty). Read it before [`Store::scan_audit`]: entries appended in between only make
    /// the chain longer.
    async fn audit_head(&self) -> Result<Option<ChainHead>>;
    /// Feeds every entry in order to `visit` (stops when it returns false).
    async fn scan_audit(
        &self,
        visit: &mut (dyn for<'e> FnMut(&'e AuditEntry) -> bool + Send),
    ) -> Result<()>;
}
