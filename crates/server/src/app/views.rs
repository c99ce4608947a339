//! What the use cases give the edges (pages, API, console): read models of their own, so that
//! a change of a table stays in the store and the app, and no password hash or internal
//! column reaches a template or a wire type. Each is made from the store's record here, once.

use amtsweg_domain::Text;
use amtsweg_domain::audit::ActorId;
use amtsweg_domain::authority::AuthorityKind;
use amtsweg_domain::calendar::State;
use amtsweg_domain::case::{Case, Event};
use amtsweg_domain::document::DocumentOrigin;
use amtsweg_domain::file_number::FileNumber;
use amtsweg_domain::policy::Role;
use amtsweg_store as store;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A user as the edges know them (no password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub authority_id: Option<Uuid>,
}

impl From<store::User> for Account {
    fn from(u: store::User) -> Self {
        Account {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            role: u.role,
            authority_id: u.authority_id,
        }
    }
}

/// An authority, agency or municipality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityInfo {
    pub id: Uuid,
    pub name: String,
    /// Postal address, lines separated by `\n`.
    pub address: String,
    pub kind: AuthorityKind,
    pub state: State,
}

impl From<store::Authority> for AuthorityInfo {
    fn from(a: store::Authority) -> Self {
        AuthorityInfo {
            id: a.id,
            name: a.name,
            address: a.address,
            kind: a.kind,
            state: a.state,
        }
    }
}

/// A document of a draft or a case (its bytes come with a download).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentInfo {
    pub id: Uuid,
    pub draft_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub document_type: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: amtsweg_domain::document::ContentHash,
    pub uploaded_by: Uuid,
    pub uploaded_at: OffsetDateTime,
    pub origin: DocumentOrigin,
}

impl From<store::Document> for DocumentInfo {
    fn from(d: store::Document) -> Self {
        DocumentInfo {
            id: d.id,
            draft_id: d.draft_id,
            case_id: d.case_id,
            document_type: d.document_type,
            file_name: d.file_name,
            content_type: d.content_type,
            size_bytes: d.size_bytes,
            sha256: d.sha256,
            uploaded_by: d.uploaded_by,
            uploaded_at: d.uploaded_at,
            origin: d.origin,
        }
    }
}

/// A draft of an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftInfo {
    pub id: Uuid,
    pub service_id: String,
    pub service_version: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Set once submitted.
    pub case_id: Option<Uuid>,
}

impl From<&store::Draft> for DraftInfo {
    fn from(d: &store::Draft) -> Self {
        DraftInfo {
            id: d.id,
            service_id: d.service_id.clone(),
            service_version: d.service_version.clone(),
            created_at: d.created_at,
            updated_at: d.updated_at,
            case_id: d.case_id,
        }
    }
}

/// A case with its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFile {
    pub id: Uuid,
    pub authority_id: Uuid,
    pub file_number: FileNumber,
    pub service_id: String,
    pub service_version: String,
    pub applicant_id: Uuid,
    pub state: String,
    pub assignee_id: Option<Uuid>,
    pub applicant_name: String,
    pub site_address: String,
    pub next_deadline: Option<Date>,
    pub submitted_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// For optimistic concurrency: an action names the version it was taken on.
    pub version: i64,
    pub case: Case,
}

impl From<store::CaseRecord> for CaseFile {
    fn from(c: store::CaseRecord) -> Self {
        CaseFile {
            id: c.id,
            authority_id: c.authority_id,
            file_number: c.file_number,
            service_id: c.service_id,
            service_version: c.service_version,
            applicant_id: c.applicant_id,
            state: c.state,
            assignee_id: c.assignee_id,
            applicant_name: c.applicant_name,
            site_address: c.site_address,
            next_deadline: c.next_deadline,
            submitted_at: c.submitted_at,
            updated_at: c.updated_at,
            version: c.version,
            case: c.case,
        }
    }
}

/// A case in a list (inbox, the applicant's applications).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseListItem {
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

impl From<store::CaseSummary> for CaseListItem {
    fn from(c: store::CaseSummary) -> Self {
        CaseListItem {
            id: c.id,
            file_number: c.file_number,
            service_id: c.service_id,
            state: c.state,
            applicant_name: c.applicant_name,
            site_address: c.site_address,
            assignee_id: c.assignee_id,
            next_deadline: c.next_deadline,
            submitted_at: c.submitted_at,
        }
    }
}

/// An event in a case's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEvent {
    pub case_version: i64,
    pub event: Event,
    pub state_after: String,
    pub actor: ActorId,
    pub at: OffsetDateTime,
}

impl From<store::EventRecord> for CaseEvent {
    fn from(e: store::EventRecord) -> Self {
        CaseEvent {
            case_version: e.case_version,
            event: e.event,
            state_after: e.state_after,
            actor: e.actor,
            at: e.at,
        }
    }
}

/// A message in a mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxMessage {
    pub id: Uuid,
    pub case_id: Option<Uuid>,
    pub kind: String,
    pub subject: Text,
    pub body: Text,
    pub document_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub read_at: Option<OffsetDateTime>,
}

impl From<store::Message> for MailboxMessage {
    fn from(m: store::Message) -> Self {
        MailboxMessage {
            id: m.id,
            case_id: m.case_id,
            kind: m.kind,
            subject: m.subject,
            body: m.body,
            document_id: m.document_id,
            created_at: m.created_at,
            read_at: m.read_at,
        }
    }
}

/// An agency or municipality an authority may ask, and about what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyInfo {
    pub party: AuthorityInfo,
    /// e.g. `fire_protection` (see `participation::TOPICS`).
    pub topic: String,
}

impl From<store::DirectoryParty> for PartyInfo {
    fn from(p: store::DirectoryParty) -> Self {
        PartyInfo {
            party: p.party.into(),
            topic: p.topic,
        }
    }
}

/// A request in a party's inbox: only what the party may see of the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyRequestItem {
    pub request_id: Uuid,
    pub case_id: Uuid,
    pub file_number: FileNumber,
    pub service_id: String,
    pub site_address: String,
    pub open: bool,
    pub due: Date,
    pub requested_on: Date,
}

impl From<store::PartyRequestSummary> for PartyRequestItem {
    fn from(r: store::PartyRequestSummary) -> Self {
        PartyRequestItem {
            request_id: r.request_id,
            case_id: r.case_id,
            file_number: r.file_number,
            service_id: r.service_id,
            site_address: r.site_address,
            open: r.open,
            due: r.due,
            requested_on: r.requested_on,
        }
    }
}

/// Converts a list of records.
pub(crate) fn all<R, V: From<R>>(records: Vec<R>) -> Vec<V> {
    records.into_iter().map(V::from).collect()
}
