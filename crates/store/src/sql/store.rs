//! Every store operation, written once for SQLite and PostgreSQL.
//!
//! Ordering that SQLite gets from its single writer connection is made explicit for
//! PostgreSQL, where several instances write at once:
//! - every write method is one transaction (state, event, audit entries);
//! - case changes are optimistic: `UPDATE … WHERE version = $expected` (a stale writer
//!   updates no row and gets [`StoreError::Conflict`]; on PostgreSQL a writer that waited for
//!   the row lock re-checks `version` on the committed row);
//! - a submission claims its draft first (`UPDATE drafts … WHERE case_id IS NULL` locks the
//!   row), so the same draft submitted on two instances at once makes one case; the same
//!   idempotency key on two drafts is caught by the unique index (`ON CONFLICT DO NOTHING`,
//!   then the first case is returned);
//! - file numbers come from a counter row per (authority, prefix, year), incremented by
//!   `INSERT … ON CONFLICT … DO UPDATE … RETURNING` inside the transaction: the row stays
//!   locked until commit, a rollback gives the number back, so numbers are unique and gap-free;
//! - the audit chain is appended under the head row (`FOR UPDATE` on PostgreSQL) as the last
//!   step of each transaction, so the lock is held only until the commit right after.

use amtsweg_domain::Text;
use amtsweg_domain::audit::{AuditContent, AuditEntry, ChainHead};
use amtsweg_domain::case::Event;
use amtsweg_domain::file_number::FileNumber;
use async_trait::async_trait;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::coverage::*;
use super::rows::*;
use super::writes::*;
use super::{Access, Backend, Dialect, query};
use crate::*;

/// The store on one of the two engines (`B`: [`crate::sqlite::SqliteBackend`] or
/// [`crate::postgres::PostgresBackend`]).
pub struct SqlStore<B> {
    pub(crate) backend: B,
}

impl<B: Backend> SqlStore<B> {
    pub(crate) fn new(backend: B) -> Self {
        Self { backend }
    }

    fn dialect(&self) -> Dialect {
        B::DIALECT
    }
}

#[async_trait]
impl<B: Backend> Store for SqlStore<B> {
    async fn insert_authority(&self, a: &Authority, audit: AuditContent) -> Result<()> {
        let mut tx = self.backend.begin().await?;
        query("INSERT INTO authorities (id, name, address, kind, state_code, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(a.id)
            .bind(&a.name)
            .bind(&a.address)
            .bind(a.kind.code())
            .bind(a.state)
            .bind(a.created_at)
            .execute(&mut *tx)
            .await?;
        append_audit_in(&mut *tx, self.dialect(), vec![audit]).await?;
        tx.commit().await
    }

    async fn authority(&self, id: Uuid) -> Result<Option<Authority>> {
        query("SELECT * FROM authorities WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .as_ref()
            .map(authority_from)
            .transpose()
    }

    async fn authorities(&self) -> Result<Vec<Authority>> {
        query("SELECT * FROM authorities ORDER BY name, id")
            .fetch_all(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .iter()
            .map(authority_from)
            .collect()
    }

    async fn insert_user(&self, u: &User, audit: AuditContent) -> Result<()> {
        let mut tx = self.backend.begin().await?;
        let inserted = query("INSERT INTO users (id, email, display_name, password_hash, role, authority_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(u.id)
            .bind(&u.email)
            .bind(&u.display_name)
            .bind(&u.password_hash)
            .bind(u.role.code())
            .bind(u.authority_id)
            .bind(u.created_at)
            .execute(&mut *tx)
            .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict("email already registered"));
            }
            other => other?,
        };
        append_audit_in(&mut *tx, self.dialect(), vec![audit]).await?;
        tx.commit().await
    }

    async fn send_message(
        &self,
        message: &NewMessage,
        at: OffsetDateTime,
        audit: AuditContent,
    ) -> Result<()> {
        let mut tx = self.backend.begin().await?;
        insert_message_in(&mut *tx, message, None, at).await?;
        append_audit_in(&mut *tx, self.dialect(), vec![audit]).await?;
        tx.commit().await
    }

    async fn user(&self, id: Uuid) -> Result<Option<User>> {
        query("SELECT * FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .as_ref()
            .map(user_from)
            .transpose()
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        query("SELECT * FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .as_ref()
            .map(user_from)
            .transpose()
    }

    async fn users_of_authority(&self, authority_id: Uuid) -> Result<Vec<User>> {
        query("SELECT * FROM users WHERE authority_id = $1 ORDER BY display_name, id")
            .bind(authority_id)
            .fetch_all(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .iter()
            .map(user_from)
            .collect()
    }

    async fn set_coverage(
        &self,
        authority_id: Uuid,
        coverage: &[Coverage],
        audit: AuditContent,
    ) -> Result<()> {
        let mut tx = self.backend.begin().await?;
        replace_coverage_in(&mut *tx, authority_id, coverage).await?;
        append_audit_in(&mut *tx, self.dialect(), vec![audit]).await?;
        tx.commit().await
    }

    async fn authorities_of_kind(&self, kind: AuthorityKind) -> Result<Vec<Authority>> {
        query("SELECT * FROM authorities WHERE kind = $1 ORDER BY name, id")
            .bind(kind.code())
            .fetch_all(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .iter()
            .map(authority_from)
            .collect()
    }

    async fn authorities_covering(
        &self,
        kind: AuthorityKind,
        postal_code: Option<&str>,
        municipality_key: Option<&str>,
    ) -> Result<Vec<CoveringAuthority>> {
        let mut conn = self.backend.conn(Access::Read).await?;
        covering(&mut *conn, kind, postal_code, municipality_key).await
    }

    async fn put_directory_entry(&self, e: &DirectoryEntry, audit: AuditContent) -> Result<()> {
        let mut tx = self.backend.begin().await?;
        query(
            "INSERT INTO directory_entries (authority_id, party_id, topic) VALUES ($1, $2, $3) \
             ON CONFLICT (authority_id, party_id) DO UPDATE SET topic = excluded.topic",
        )
        .bind(e.authority_id)
        .bind(e.party_id)
        .bind(&e.topic)
        .execute(&mut *tx)
        .await?;
        append_audit_in(&mut *tx, self.dialect(), vec![audit]).await?;
        tx.commit().await
    }

    async fn directory(&self, authority_id: Uuid) -> Result<Vec<DirectoryParty>> {
        query(
            "SELECT a.*, d.topic FROM directory_entries d JOIN authorities a ON a.id = d.party_id \
             WHERE d.authority_id = $1 ORDER BY a.kind, a.name, a.id",
        )
        .bind(authority_id)
        .fetch_all(&mut *self.backend.conn(Access::Read).await?)
        .await?
        .iter()
        .map(|row| {
            Ok(DirectoryParty {
                party: authority_from(row)?,
                topic: row.text("topic")?,
            })
        })
        .collect()
    }

    async fn register_service_version(&self, v: &ServiceVersion, at: OffsetDateTime) -> Result<()> {
        // instances starting at the same time may both record the version: the first one wins,
        // every other compares
        let inserted = query("INSERT INTO service_versions (service_id, version, service_toml, form_toml, documents_toml, process_toml, loaded_at) \
                              VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (service_id, version) DO NOTHING")
            .bind(&v.service_id)
            .bind(&v.version)
            .bind(&v.service_toml)
            .bind(&v.form_toml)
            .bind(&v.documents_toml)
            .bind(&v.process_toml)
            .bind(at)
            .execute(&mut *self.backend.conn(Access::Write).await?)
            .await?;
        if inserted == 1 {
            return Ok(());
        }
        let row = query("SELECT * FROM service_versions WHERE service_id = $1 AND version = $2")
            .bind(&v.service_id)
            .bind(&v.version)
            .fetch_one(&mut *self.backend.conn(Access::Read).await?)
            .await?;
        if &service_version_from(&row)? != v {
            return Err(StoreError::Conflict(
                "service definition changed without a new version",
            ));
        }
        Ok(())
    }

    async fn service_versions(&self) -> Result<Vec<ServiceVersion>> {
        query("SELECT * FROM service_versions ORDER BY service_id, loaded_at, version")
            .fetch_all(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .iter()
            .map(service_version_from)
            .collect()
    }

    async fn insert_session(&self, s: &Session) -> Result<()> {
        query("INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&s.token_hash)
            .bind(s.user_id)
            .bind(s.kind.code())
            .bind(&s.csrf_token)
            .bind(s.created_at)
            .bind(s.expires_at)
            .execute(&mut *self.backend.conn(Access::Write).await?)
            .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        query("SELECT * FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .as_ref()
            .map(session_from)
            .transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *self.backend.conn(Access::Write).await?)
            .await?;
        Ok(())
    }

    async fn insert_draft(&self, d: &Draft) -> Result<()> {
        query("INSERT INTO drafts (id, owner_id, authority_id, service_id, service_version, form_json, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(d.id)
            .bind(d.owner_id)
            .bind(d.authority_id)
            .bind(&d.service_id)
            .bind(&d.service_version)
            .bind(&d.form_json)
            .bind(d.created_at)
            .bind(d.updated_at)
            .execute(&mut *self.backend.conn(Access::Write).await?)
            .await?;
        Ok(())
    }

    async fn draft(&self, id: Uuid) -> Result<Option<Draft>> {
        query("SELECT * FROM drafts WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .as_ref()
            .map(draft_from)
            .transpose()
    }

    async fn drafts_of(&self, owner_id: Uuid) -> Result<Vec<Draft>> {
        query(
            "SELECT * FROM drafts WHERE owner_id = $1 AND case_id IS NULL ORDER BY updated_at DESC, id",
        )
        .bind(owner_id)
        .fetch_all(&mut *self.backend.conn(Access::Read).await?)
        .await?
        .iter()
        .map(draft_from)
        .collect()
    }

    async fn update_draft_form(&self, id: Uuid, form_json: &str, at: OffsetDateTime) -> Result<()> {
        let done = query(
            "UPDATE drafts SET form_json = $1, updated_at = $2 WHERE id = $3 AND case_id IS NULL",
        )
        .bind(form_json)
        .bind(at)
        .bind(id)
        .execute(&mut *self.backend.conn(Access::Write).await?)
        .await?;
        if done == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict("draft already submitted"))
        }
    }

    async fn insert_document(&self, d: &Document, audit: AuditContent) -> Result<()> {
        let mut tx = self.backend.begin().await?;
        // the draft must still be open, or the upload would slip past the submission
        if let Some(draft_id) = d.draft_id
            && !lock_open_draft(&mut *tx, self.dialect(), draft_id).await?
        {
            return Err(StoreError::Conflict("draft already submitted"));
        }
        insert_document_in(&mut *tx, d).await?;
        append_audit_in(&mut *tx, self.dialect(), vec![audit]).await?;
        tx.commit().await
    }

    async fn delete_draft_document(
        &self,
        draft_id: Uuid,
        document_id: Uuid,
        audit: AuditContent,
    ) -> Result<()> {
        let mut tx = self.backend.begin().await?;
        if !lock_open_draft(&mut *tx, self.dialect(), draft_id).await? {
            return Err(StoreError::NotFound);
        }
        let done =
            query("DELETE FROM documents WHERE id = $1 AND draft_id = $2 AND case_id IS NULL")
                .bind(document_id)
                .bind(draft_id)
                .execute(&mut *tx)
                .await?;
        if done != 1 {
            return Err(StoreError::NotFound);
        }
        append_audit_in(&mut *tx, self.dialect(), vec![audit]).await?;
        tx.commit().await
    }

    async fn document(&self, id: Uuid) -> Result<Option<Document>> {
        query("SELECT * FROM documents WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .as_ref()
            .map(document_from)
            .transpose()
    }

    async fn documents_of_draft(&self, draft_id: Uuid) -> Result<Vec<Document>> {
        query("SELECT * FROM documents WHERE draft_id = $1 ORDER BY uploaded_at, id")
            .bind(draft_id)
            .fetch_all(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .iter()
            .map(document_from)
            .collect()
    }

    async fn documents_of_case(&self, case_id: Uuid) -> Result<Vec<Document>> {
        query("SELECT * FROM documents WHERE case_id = $1 ORDER BY uploaded_at, id")
            .bind(case_id)
            .fetch_all(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .iter()
            .map(document_from)
            .collect()
    }

    async fn submit(&self, s: Submission) -> Result<SubmitOutcome> {
        let mut tx = self.backend.begin().await?;
        // Claiming the draft locks it: a second submission of the same draft waits here and
        // then finds the case. The file-number row is locked until commit, so everything that
        // does not need the number comes before it.
        let claimed = query(
            "UPDATE drafts SET case_id = $1, updated_at = $2, authority_id = $4 WHERE id = $3 AND case_id IS NULL",
        )
        .bind(s.case_id)
        .bind(s.at)
        .bind(s.draft_id)
        .bind(s.authority_id)
        .execute(&mut *tx)
        .await?;
        if let Some(case) = earlier_submission(&mut *tx, &s).await? {
            return Ok(SubmitOutcome::AlreadySubmitted(case));
        }
        if claimed != 1 {
            return Err(StoreError::Conflict("draft already submitted"));
        }
        let counter = query(
            "INSERT INTO file_number_counters (authority_id, prefix, year, last_number) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (authority_id, prefix, year) DO UPDATE SET last_number = file_number_counters.last_number + 1 \
             RETURNING last_number",
        )
        .bind(s.authority_id)
        .bind(&s.file_number_prefix)
        .bind(s.year)
        .fetch_one(&mut *tx)
        .await?;
        let number = counter.int("last_number")?;
        let number = u64::try_from(number)
            .map_err(|_| counter.corrupt("last_number", "a negative file number"))?;
        let file_number = FileNumber::new(&s.file_number_prefix, s.year, number);
        let search_text =
            format!("{} {} {}", file_number, s.applicant_name, s.site_address).to_lowercase();
        let inserted = query(
            "INSERT INTO cases (id, authority_id, file_number, service_id, service_version, applicant_id, draft_id, idempotency_key, state, \
             applicant_name, site_address, search_text, submitted_at, updated_at, version, case_json, form_json, next_deadline, next_job_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, 1, $14, $15, $16, $17) ON CONFLICT DO NOTHING",
        )
        .bind(s.case_id)
        .bind(s.authority_id)
        .bind(&file_number)
        .bind(&s.service_id)
        .bind(&s.service_version)
        .bind(s.applicant_id)
        .bind(s.draft_id)
        .bind(&s.idempotency_key)
        .bind(&s.case.state)
        .bind(&s.applicant_name)
        .bind(&s.site_address)
        .bind(search_text)
        .bind(s.at)
        .bind(to_json("case", &s.case)?)
        .bind(&s.form_json)
        .bind(s.next_deadline)
        .bind(s.next_job_on)
        .execute(&mut *tx)
        .await?;
        if inserted != 1 {
            // another draft with the same idempotency key was submitted at the same time and
            // committed first; returning here rolls back, which gives the number back
            return match earlier_submission(&mut *tx, &s).await? {
                Some(case) => Ok(SubmitOutcome::AlreadySubmitted(case)),
                None => Err(StoreError::Conflict("file number already taken")),
            };
        }
        query("UPDATE documents SET case_id = $1 WHERE draft_id = $2")
            .bind(s.case_id)
            .bind(s.draft_id)
            .execute(&mut *tx)
            .await?;
        let event = Event::Submitted {
            file_number: file_number.to_string(),
        };
        let applicant = s.applicant_id.to_string();
        insert_event_in(
            &mut *tx,
            s.case_id,
            1,
            &event,
            (&s.case.state, &applicant, s.at),
        )
        .await?;
        let mut receipt = s.receipt.clone();
        let fill = |t: &Text| {
            Text::new(
                t.de.replace("{file_number}", file_number.as_str()),
                t.en.replace("{file_number}", file_number.as_str()),
            )
        };
        receipt.subject = fill(&receipt.subject);
        receipt.body = fill(&receipt.body);
        insert_message_in(&mut *tx, &receipt, Some(s.case_id), s.at).await?;
        let mut audit = s.audit.clone();
        audit.detail = audit.detail.replace("{file_number}", file_number.as_str());
        append_audit_in(&mut *tx, self.dialect(), vec![audit]).await?;
        tx.commit().await?;
        Ok(SubmitOutcome::Created(s.record(file_number)))
    }

    async fn case(&self, id: Uuid) -> Result<Option<CaseRecord>> {
        query(select_cases!("WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .as_ref()
            .map(case_from)
            .transpose()
    }

    async fn case_by_file_number(
        &self,
        authority_id: Uuid,
        file_number: &FileNumber,
    ) -> Result<Option<CaseRecord>> {
        query(select_cases!(
            "WHERE authority_id = $1 AND file_number = $2"
        ))
        .bind(authority_id)
        .bind(file_number)
        .fetch_optional(&mut *self.backend.conn(Access::Read).await?)
        .await?
        .as_ref()
        .map(case_from)
        .transpose()
    }

    async fn cases_of_applicant(&self, applicant_id: Uuid) -> Result<Vec<CaseSummary>> {
        query(select_summaries!(
            "WHERE applicant_id = $1 ORDER BY submitted_at DESC, id DESC"
        ))
        .bind(applicant_id)
        .fetch_all(&mut *self.backend.conn(Access::Read).await?)
        .await?
        .iter()
        .map(summary_from)
        .collect()
    }

    async fn inbox(&self, q: &InboxQuery) -> Result<Vec<CaseSummary>> {
        let term = q.search.as_ref().map(|s| s.to_lowercase());
        if let Some(term) = term.as_deref()
            && let Some(found) = self.backend.inbox_by_index(q, term).await?
        {
            return Ok(found);
        }
        query(select_summaries!(
            "WHERE authority_id = $1 AND (CAST($2 AS TEXT) IS NULL OR state = $2) \
             AND (CAST($3 AS TEXT) IS NULL OR search_text LIKE $3 ESCAPE '\\') \
             AND (CAST($6 AS TEXT) IS NULL OR next_deadline <= $6) \
             ORDER BY next_deadline IS NULL, next_deadline, submitted_at, id LIMIT $4 OFFSET $5"
        ))
        .bind(q.authority_id)
        .bind(&q.state)
        .bind(term.as_deref().map(like_containing))
        .bind(q.limit)
        .bind(q.offset)
        .bind(q.due_by)
        .fetch_all(&mut *self.backend.conn(Access::Read).await?)
        .await?
        .iter()
        .map(summary_from)
        .collect()
    }

    async fn cases_due(&self, by: Date, limit: u32) -> Result<Vec<Uuid>> {
        query("SELECT id FROM cases WHERE next_job_on <= $1 ORDER BY next_job_on, id LIMIT $2")
            .bind(by)
            .bind(limit)
            .fetch_all(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .iter()
            .map(|row| row.id("id"))
            .collect()
    }

    async fn events(&self, case_id: Uuid) -> Result<Vec<EventRecord>> {
        query("SELECT case_version, payload, state_after, actor_id, at FROM events WHERE case_id = $1 ORDER BY case_version")
            .bind(case_id)
            .fetch_all(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .iter()
            .map(event_from)
            .collect()
    }

    async fn reschedule(
        &self,
        case_id: Uuid,
        expected_version: i64,
        next_job_on: Option<Date>,
    ) -> Result<()> {
        query("UPDATE cases SET next_job_on = $1 WHERE id = $2 AND version = $3")
            .bind(next_job_on)
            .bind(case_id)
            .bind(expected_version)
            .execute(&mut *self.backend.conn(Access::Write).await?)
            .await?;
        Ok(())
    }

    async fn party_requests(&self, party_id: Uuid, limit: u32) -> Result<Vec<PartyRequestSummary>> {
        query(
            "SELECT p.id, p.case_id, p.open, p.due, p.requested_at, c.file_number, c.service_id, c.site_address \
             FROM participation_requests p JOIN cases c ON c.id = p.case_id \
             WHERE p.party_id = $1 ORDER BY p.open DESC, p.due, p.id LIMIT $2",
        )
        .bind(party_id)
        .bind(limit)
        .fetch_all(&mut *self.backend.conn(Access::Read).await?)
        .await?
        .iter()
        .map(party_request_from)
        .collect()
    }

    async fn participation_request(&self, id: Uuid) -> Result<Option<ParticipationRow>> {
        query("SELECT * FROM participation_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .as_ref()
            .map(participation_row_from)
            .transpose()
    }

    async fn commit_change(&self, c: CaseChange) -> Result<()> {
        let mut tx = self.backend.begin().await?;
        let new_version = c.expected_version + 1;
        let done = query(
            "UPDATE cases SET state = $1, assignee_id = $2, next_deadline = $3, updated_at = $4, version = $5, case_json = $6, next_job_on = $9 \
             WHERE id = $7 AND version = $8",
        )
        .bind(&c.case.state)
        .bind(c.case.assignee_id)
        .bind(c.next_deadline)
        .bind(c.at)
        .bind(new_version)
        .bind(to_json("case", &c.case)?)
        .bind(c.case_id)
        .bind(c.expected_version)
        .bind(c.next_job_on)
        .execute(&mut *tx)
        .await?;
        if done != 1 {
            return Err(StoreError::Conflict("case changed meanwhile"));
        }
        let actor = c.actor.code();
        insert_event_in(
            &mut *tx,
            c.case_id,
            new_version,
            &c.event,
            (&c.case.state, &actor, c.at),
        )
        .await?;
        for d in &c.new_documents {
            insert_document_in(&mut *tx, d).await?;
        }
        promote_in(
            &mut *tx,
            c.case_id,
            &c.promote_documents,
            (
                DocumentOrigin::PendingSupplement,
                DocumentOrigin::Supplement,
            ),
            "document is not a pending supplement of this case",
        )
        .await?;
        promote_in(
            &mut *tx,
            c.case_id,
            &c.promote_attachments,
            (DocumentOrigin::PendingStatement, DocumentOrigin::Statement),
            "document is not a pending statement attachment of this case",
        )
        .await?;
        for p in &c.participation {
            if p.case_id != c.case_id {
                return Err(StoreError::Conflict(
                    "participation request of another case",
                ));
            }
            query(
                "INSERT INTO participation_requests (id, case_id, party_id, open, due, requested_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (id) DO UPDATE SET open = excluded.open, due = excluded.due",
            )
            .bind(p.id)
            .bind(p.case_id)
            .bind(p.party_id)
            .bind(p.open)
            .bind(p.due)
            .bind(p.requested_on)
            .execute(&mut *tx)
            .await?;
        }
        for m in &c.messages {
            insert_message_in(&mut *tx, m, Some(c.case_id), c.at).await?;
        }
        append_audit_in(&mut *tx, self.dialect(), c.audit).await?;
        tx.commit().await
    }

    async fn messages(&self, recipient_id: Uuid) -> Result<Vec<Message>> {
        query("SELECT * FROM messages WHERE recipient_id = $1 ORDER BY created_at DESC, id")
            .bind(recipient_id)
            .fetch_all(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .iter()
            .map(message_from)
            .collect()
    }

    async fn message(&self, id: Uuid) -> Result<Option<Message>> {
        query("SELECT * FROM messages WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .as_ref()
            .map(message_from)
            .transpose()
    }

    async fn mark_message_read(&self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        query("UPDATE messages SET read_at = $1 WHERE id = $2 AND read_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(&mut *self.backend.conn(Access::Write).await?)
            .await?;
        Ok(())
    }

    async fn append_audit(&self, entries: Vec<AuditContent>) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut tx = self.backend.begin().await?;
        append_audit_in(&mut *tx, self.dialect(), entries).await?;
        tx.commit().await
    }

    async fn ready(&self) -> Result<()> {
        let expected = self
            .backend
            .migrator()
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0);
        let applied = query("SELECT MAX(version) AS version FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut *self.backend.conn(Access::Read).await?)
            .await?
            .opt_int("version")?
            .unwrap_or(0);
        if applied == expected {
            Ok(())
        } else {
            Err(StoreError::Corrupt(format!(
                "the schema is at migration {applied}, this build expects {expected}"
            )))
        }
    }

    async fn audit_head(&self) -> Result<Option<ChainHead>> {
        let Some(row) = query("SELECT id, seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(&mut *self.backend.conn(Access::Read).await?)
            .await?
        else {
            return Ok(None);
        };
        let seq = row.int("seq")?;
        Ok((seq > 0)
            .then(|| row.text("hash").map(|hash| ChainHead { seq, hash }))
            .transpose()?)
    }

    async fn scan_audit(
        &self,
        visit: &mut (dyn for<'e> FnMut(&'e AuditEntry) -> bool + Send),
    ) -> Result<()> {
        self.backend.scan_audit_entries(visit).await
    }
}
