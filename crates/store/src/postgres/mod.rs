//! The PostgreSQL store, for several instances on one database. Same semantics as the SQLite
//! store, with the ordering that SQLite gets from its single writer made explicit:
//! - every write method is one transaction (state, event, audit entries);
//! - case changes are optimistic: `UPDATE … WHERE version = $expected` (a stale writer
//!   updates no row and gets [`StoreError::Conflict`]);
//! - a submission locks its draft row (`FOR UPDATE`), so the same draft submitted on two
//!   instances at once makes one case; the same idempotency key on two drafts is caught by the
//!   unique index (`ON CONFLICT DO NOTHING`, then the first case is returned);
//! - file numbers come from a counter row per (authority, prefix, year), incremented by
//!   `INSERT … ON CONFLICT … DO UPDATE … RETURNING` inside the transaction: the row stays locked
//!   until commit, a rollback gives the number back, so numbers are unique and gap-free;
//! - the audit chain is appended under `SELECT … FROM audit_head WHERE id = 1 FOR UPDATE`, as
//!   the last step of each transaction (so the lock is held only until the commit right after).
//!
//! Durability: commits wait for the WAL flush (`synchronous_commit`); a connection whose server
//! default is `off` is switched to `on`.

use std::time::Duration;

use amtsweg_domain::Text;
use amtsweg_domain::audit::{AuditContent, AuditEntry};
use amtsweg_domain::case::Event;
use amtsweg_domain::file_number::FileNumber;
use async_trait::async_trait;
use futures_util::TryStreamExt;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection, Row};
use uuid::Uuid;

use crate::*;

mod rows;
mod url;
use rows::*;
pub use url::{check_url, redact_url};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Connections per instance. Writes hold a connection only for their transaction.
const MAX_CONNECTIONS: u32 = 10;

#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects and runs pending migrations (several instances may start at once: the
    /// migrator holds an advisory lock while it works).
    pub async fn open(url: &str) -> Result<Self> {
        let options = check_url(url)
            .map_err(|message| StoreError::Database(sqlx::Error::Configuration(message.into())))?
            .application_name("amtsweg");
        // one connection first: its error says what is wrong (refused, unknown database, wrong
        // password), where the pool would only report a timeout
        PgConnection::connect_with(&options).await?.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    let setting: String =
                        sqlx::query_scalar("SELECT current_setting('synchronous_commit')")
                            .fetch_one(&mut *conn)
                            .await?;
                    if setting == "off" {
                        sqlx::query("SET synchronous_commit = on")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    /// Runs the migrations only (for `amtsweg migrate`); returns how many are applied in all.
    pub async fn migrate(url: &str) -> Result<usize> {
        let store = Self::open(url).await?;
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&store.pool)
            .await?;
        store.pool.close().await;
        Ok(applied as usize)
    }

    /// Direct access for tests that look at or tamper with stored data on purpose.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the connections (waits for running queries).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// `SELECT <case columns> FROM cases <rest>`, as one literal (sqlx refuses SQL built at run time).
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

macro_rules! select_summaries {
    ($rest:literal) => {
        concat!(
            "SELECT id, file_number, service_id, state, applicant_name, site_address, assignee_id, next_deadline, submitted_at ",
            "FROM cases ",
            $rest
        )
    };
}

mod writes;
use writes::*;

#[async_trait]
impl Store for PostgresStore {
    async fn insert_authority(&self, a: &Authority) -> Result<()> {
        sqlx::query("INSERT INTO authorities (id, name, address, kind, state_code, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(a.id)
            .bind(&a.name)
            .bind(&a.address)
            .bind(a.kind.code())
            .bind(&a.state_code)
            .bind(&a.created_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn authority(&self, id: Uuid) -> Result<Option<Authority>> {
        let row = sqlx::query("SELECT * FROM authorities WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(authority_from).transpose()
    }

    async fn authorities(&self) -> Result<Vec<Authority>> {
        let rows = sqlx::query("SELECT * FROM authorities ORDER BY name, id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(authority_from).collect()
    }

    async fn insert_user(&self, u: &User, audit: AuditContent) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query("INSERT INTO users (id, email, display_name, password_hash, role, authority_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(u.id)
            .bind(&u.email)
            .bind(&u.display_name)
            .bind(&u.password_hash)
            .bind(u.role.code())
            .bind(u.authority_id)
            .bind(&u.created_at)
            .execute(&mut *tx)
            .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict("email already registered"));
            }
            other => other?,
        };
        append_audit_in(&mut tx, vec![audit]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn user(&self, id: Uuid) -> Result<Option<User>> {
        let row = sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from).transpose()
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let row = sqlx::query("SELECT * FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from).transpose()
    }

    async fn users_of_authority(&self, authority_id: Uuid) -> Result<Vec<User>> {
        let rows =
            sqlx::query("SELECT * FROM users WHERE authority_id = $1 ORDER BY display_name, id")
                .bind(authority_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(user_from).collect()
    }

    async fn put_directory_entry(&self, e: &DirectoryEntry) -> Result<()> {
        sqlx::query(
            "INSERT INTO directory_entries (authority_id, party_id, topic) VALUES ($1, $2, $3) \
             ON CONFLICT (authority_id, party_id) DO UPDATE SET topic = excluded.topic",
        )
        .bind(e.authority_id)
        .bind(e.party_id)
        .bind(&e.topic)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn directory(&self, authority_id: Uuid) -> Result<Vec<DirectoryParty>> {
        let rows = sqlx::query(
            "SELECT a.*, d.topic FROM directory_entries d JOIN authorities a ON a.id = d.party_id \
             WHERE d.authority_id = $1 ORDER BY a.kind, a.name, a.id",
        )
        .bind(authority_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DirectoryParty {
                    party: authority_from(row)?,
                    topic: row.try_get("topic")?,
                })
            })
            .collect()
    }

    async fn register_service_version(&self, v: &ServiceVersion, at: &str) -> Result<()> {
        // instances starting at the same time may both record the version: the first one wins,
        // every other compares
        let inserted = sqlx::query("INSERT INTO service_versions (service_id, version, service_toml, form_toml, documents_toml, process_toml, loaded_at) \
                                    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (service_id, version) DO NOTHING")
            .bind(&v.service_id)
            .bind(&v.version)
            .bind(&v.service_toml)
            .bind(&v.form_toml)
            .bind(&v.documents_toml)
            .bind(&v.process_toml)
            .bind(at)
            .execute(&self.pool)
            .await?;
        if inserted.rows_affected() == 1 {
            return Ok(());
        }
        let row =
            sqlx::query("SELECT * FROM service_versions WHERE service_id = $1 AND version = $2")
                .bind(&v.service_id)
                .bind(&v.version)
                .fetch_one(&self.pool)
                .await?;
        if &service_version_from(&row)? != v {
            return Err(StoreError::Conflict(
                "service definition changed without a new version",
            ));
        }
        Ok(())
    }

    async fn service_versions(&self) -> Result<Vec<ServiceVersion>> {
        let rows =
            sqlx::query("SELECT * FROM service_versions ORDER BY service_id, loaded_at, version")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(service_version_from).collect()
    }

    async fn insert_session(&self, s: &Session) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&s.token_hash)
            .bind(s.user_id)
            .bind(s.kind.code())
            .bind(&s.csrf_token)
            .bind(&s.created_at)
            .bind(&s.expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let row = sqlx::query("SELECT * FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let kind: String = row.try_get("kind")?;
        Ok(Some(Session {
            token_hash: row.try_get("token_hash")?,
            user_id: row.try_get("user_id")?,
            kind: if kind == "api" {
                SessionKind::Api
            } else {
                SessionKind::Web
            },
            csrf_token: row.try_get("csrf_token")?,
            created_at: row.try_get("created_at")?,
            expires_at: row.try_get("expires_at")?,
        }))
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn insert_draft(&self, d: &Draft) -> Result<()> {
        sqlx::query("INSERT INTO drafts (id, owner_id, authority_id, service_id, service_version, form_json, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(d.id)
            .bind(d.owner_id)
            .bind(d.authority_id)
            .bind(&d.service_id)
            .bind(&d.service_version)
            .bind(&d.form_json)
            .bind(&d.created_at)
            .bind(&d.updated_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn draft(&self, id: Uuid) -> Result<Option<Draft>> {
        let row = sqlx::query("SELECT * FROM drafts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(draft_from).transpose()
    }

    async fn drafts_of(&self, owner_id: Uuid) -> Result<Vec<Draft>> {
        let rows = sqlx::query(
            "SELECT * FROM drafts WHERE owner_id = $1 AND case_id IS NULL ORDER BY updated_at DESC, id",
        )
        .bind(owner_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(draft_from).collect()
    }

    async fn update_draft_form(&self, id: Uuid, form_json: &str, at: &str) -> Result<()> {
        let done = sqlx::query(
            "UPDATE drafts SET form_json = $1, updated_at = $2 WHERE id = $3 AND case_id IS NULL",
        )
        .bind(form_json)
        .bind(at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict("draft already submitted"))
        }
    }

    async fn insert_document(&self, d: &Document, audit: AuditContent) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        // the draft must still be open, or the upload would slip past the submission; the
        // share lock makes a submission running at the same time wait for this upload (or
        // this upload see that submission)
        if let Some(draft_id) = d.draft_id
            && !lock_open_draft(&mut tx, draft_id).await?
        {
            return Err(StoreError::Conflict("draft already submitted"));
        }
        insert_document_in(&mut tx, d).await?;
        append_audit_in(&mut tx, vec![audit]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_draft_document(
        &self,
        draft_id: Uuid,
        document_id: Uuid,
        audit: AuditContent,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        if !lock_open_draft(&mut tx, draft_id).await? {
            return Err(StoreError::NotFound);
        }
        let done = sqlx::query(
            "DELETE FROM documents WHERE id = $1 AND draft_id = $2 AND case_id IS NULL",
        )
        .bind(document_id)
        .bind(draft_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        append_audit_in(&mut tx, vec![audit]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn document(&self, id: Uuid) -> Result<Option<Document>> {
        let row = sqlx::query("SELECT * FROM documents WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(document_from).transpose()
    }

    async fn documents_of_draft(&self, draft_id: Uuid) -> Result<Vec<Document>> {
        let rows =
            sqlx::query("SELECT * FROM documents WHERE draft_id = $1 ORDER BY uploaded_at, id")
                .bind(draft_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(document_from).collect()
    }

    async fn documents_of_case(&self, case_id: Uuid) -> Result<Vec<Document>> {
        let rows =
            sqlx::query("SELECT * FROM documents WHERE case_id = $1 ORDER BY uploaded_at, id")
                .bind(case_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(document_from).collect()
    }

    async fn submit(&self, s: Submission) -> Result<SubmitOutcome> {
        let mut tx = self.pool.begin().await?;
        // Claiming the draft locks it: a second submission of the same draft waits here and
        // then finds the case. The file-number row is locked until commit, so everything that
        // does not need the number comes before it.
        let claimed = sqlx::query(
            "UPDATE drafts SET case_id = $1, updated_at = $2 WHERE id = $3 AND case_id IS NULL",
        )
        .bind(s.case_id)
        .bind(&s.at)
        .bind(s.draft_id)
        .execute(&mut *tx)
        .await?;
        if let Some(case) = earlier_submission(&mut tx, &s).await? {
            return Ok(SubmitOutcome::AlreadySubmitted(case));
        }
        if claimed.rows_affected() != 1 {
            return Err(StoreError::Conflict("draft already submitted"));
        }
        let number: i64 = sqlx::query_scalar(
            "INSERT INTO file_number_counters (authority_id, prefix, year, last_number) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (authority_id, prefix, year) DO UPDATE SET last_number = file_number_counters.last_number + 1 \
             RETURNING last_number",
        )
        .bind(s.authority_id)
        .bind(&s.file_number_prefix)
        .bind(s.year)
        .fetch_one(&mut *tx)
        .await?;
        let file_number = FileNumber::new(&s.file_number_prefix, s.year, number as u64).to_string();
        let case_json =
            serde_json::to_string(&s.case).map_err(|e| corrupt("case", &e.to_string()))?;
        let search_text =
            format!("{} {} {}", file_number, s.applicant_name, s.site_address).to_lowercase();
        let inserted = sqlx::query(
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
        .bind(&s.at)
        .bind(case_json)
        .bind(&s.form_json)
        .bind(&s.next_deadline)
        .bind(&s.next_job_on)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() != 1 {
            // another draft with the same idempotency key was submitted at the same time and
            // committed first; returning here rolls back, which gives the number back
            return match earlier_submission(&mut tx, &s).await? {
                Some(case) => Ok(SubmitOutcome::AlreadySubmitted(case)),
                None => Err(StoreError::Conflict("file number already taken")),
            };
        }
        sqlx::query("UPDATE documents SET case_id = $1 WHERE draft_id = $2")
            .bind(s.case_id)
            .bind(s.draft_id)
            .execute(&mut *tx)
            .await?;
        let event = Event::Submitted {
            file_number: file_number.clone(),
        };
        insert_event_in(
            &mut tx,
            s.case_id,
            1,
            &event,
            &s.case.state,
            &s.applicant_id.to_string(),
            &s.at,
        )
        .await?;
        let mut receipt = s.receipt.clone();
        let fill = |t: &Text| {
            Text::new(
                t.de.replace("{file_number}", &file_number),
                t.en.replace("{file_number}", &file_number),
            )
        };
        receipt.subject = fill(&receipt.subject);
        receipt.body = fill(&receipt.body);
        insert_message_in(&mut tx, &receipt, Some(s.case_id), &s.at).await?;
        let mut audit = s.audit.clone();
        audit.detail = audit.detail.replace("{file_number}", &file_number);
        append_audit_in(&mut tx, vec![audit]).await?;
        tx.commit().await?;
        Ok(SubmitOutcome::Created(s.record(file_number)))
    }

    async fn case(&self, id: Uuid) -> Result<Option<CaseRecord>> {
        let row = sqlx::query(select_cases!("WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(case_from).transpose()
    }

    async fn case_by_file_number(
        &self,
        authority_id: Uuid,
        file_number: &str,
    ) -> Result<Option<CaseRecord>> {
        let row = sqlx::query(select_cases!(
            "WHERE authority_id = $1 AND file_number = $2"
        ))
        .bind(authority_id)
        .bind(file_number)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(case_from).transpose()
    }

    async fn cases_of_applicant(&self, applicant_id: Uuid) -> Result<Vec<CaseSummary>> {
        let rows = sqlx::query(select_summaries!(
            "WHERE applicant_id = $1 ORDER BY submitted_at DESC, id DESC"
        ))
        .bind(applicant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary_from).collect()
    }

    async fn inbox(&self, q: &InboxQuery) -> Result<Vec<CaseSummary>> {
        let search = q.search.as_ref().map(|s| {
            let escaped = s
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        });
        let rows = sqlx::query(select_summaries!(
            "WHERE authority_id = $1 AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR search_text LIKE $3 ESCAPE '\\') \
             AND ($6::text IS NULL OR next_deadline <= $6) \
             ORDER BY next_deadline IS NULL, next_deadline, submitted_at, id LIMIT $4 OFFSET $5"
        ))
        .bind(q.authority_id)
        .bind(&q.state)
        .bind(search)
        .bind(i64::from(q.limit))
        .bind(i64::from(q.offset))
        .bind(&q.due_by)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary_from).collect()
    }

    async fn cases_due(&self, by: &str, limit: u32) -> Result<Vec<Uuid>> {
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM cases WHERE next_job_on <= $1 ORDER BY next_job_on, id LIMIT $2",
        )
        .bind(by)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(ids)
    }

    async fn events(&self, case_id: Uuid) -> Result<Vec<EventRecord>> {
        let rows = sqlx::query("SELECT case_version, payload, state_after, actor_id, at FROM events WHERE case_id = $1 ORDER BY case_version")
            .bind(case_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let payload: String = row.try_get("payload")?;
                Ok(EventRecord {
                    case_version: row.try_get("case_version")?,
                    event: serde_json::from_str(&payload)
                        .map_err(|e| corrupt("event", &e.to_string()))?,
                    state_after: row.try_get("state_after")?,
                    actor_id: row.try_get("actor_id")?,
                    at: row.try_get("at")?,
                })
            })
            .collect()
    }

    async fn reschedule(
        &self,
        case_id: Uuid,
        expected_version: i64,
        next_job_on: Option<&str>,
    ) -> Result<()> {
        sqlx::query("UPDATE cases SET next_job_on = $1 WHERE id = $2 AND version = $3")
            .bind(next_job_on)
            .bind(case_id)
            .bind(expected_version)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn party_requests(&self, party_id: Uuid, limit: u32) -> Result<Vec<PartyRequestSummary>> {
        let rows = sqlx::query(
            "SELECT p.id, p.case_id, p.open, p.due, p.requested_at, c.file_number, c.service_id, c.site_address \
             FROM participation_requests p JOIN cases c ON c.id = p.case_id \
             WHERE p.party_id = $1 ORDER BY p.open DESC, p.due, p.id LIMIT $2",
        )
        .bind(party_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(party_request_from).collect()
    }

    async fn participation_request(&self, id: Uuid) -> Result<Option<ParticipationRow>> {
        let row = sqlx::query("SELECT * FROM participation_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(participation_row_from).transpose()
    }

    async fn commit_change(&self, c: CaseChange) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let case_json =
            serde_json::to_string(&c.case).map_err(|e| corrupt("case", &e.to_string()))?;
        let new_version = c.expected_version + 1;
        // a writer that waits for the row lock re-checks `version` on the committed row: of
        // writers that read the same version, exactly one updates a row
        let done = sqlx::query(
            "UPDATE cases SET state = $1, assignee_id = $2, next_deadline = $3, updated_at = $4, version = $5, case_json = $6, next_job_on = $9 \
             WHERE id = $7 AND version = $8",
        )
        .bind(&c.case.state)
        .bind(c.case.assignee_id)
        .bind(&c.next_deadline)
        .bind(&c.at)
        .bind(new_version)
        .bind(case_json)
        .bind(c.case_id)
        .bind(c.expected_version)
        .bind(&c.next_job_on)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict("case changed meanwhile"));
        }
        insert_event_in(
            &mut tx,
            c.case_id,
            new_version,
            &c.event,
            &c.case.state,
            &c.actor_id.to_string(),
            &c.at,
        )
        .await?;
        for d in &c.new_documents {
            insert_document_in(&mut tx, d).await?;
        }
        promote_in(
            &mut tx,
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
            &mut tx,
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
            sqlx::query(
                "INSERT INTO participation_requests (id, case_id, party_id, open, due, requested_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (id) DO UPDATE SET open = excluded.open, due = excluded.due",
            )
            .bind(p.id)
            .bind(p.case_id)
            .bind(p.party_id)
            .bind(p.open)
            .bind(&p.due)
            .bind(&p.requested_at)
            .execute(&mut *tx)
            .await?;
        }
        for m in &c.messages {
            insert_message_in(&mut tx, m, Some(c.case_id), &c.at).await?;
        }
        append_audit_in(&mut tx, c.audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn messages(&self, recipient_id: Uuid) -> Result<Vec<Message>> {
        let rows = sqlx::query(
            "SELECT * FROM messages WHERE recipient_id = $1 ORDER BY created_at DESC, id",
        )
        .bind(recipient_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(message_from).collect()
    }

    async fn message(&self, id: Uuid) -> Result<Option<Message>> {
        let row = sqlx::query("SELECT * FROM messages WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(message_from).transpose()
    }

    async fn mark_message_read(&self, id: Uuid, at: &str) -> Result<()> {
        sqlx::query("UPDATE messages SET read_at = $1 WHERE id = $2 AND read_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn append_audit(&self, entries: Vec<AuditContent>) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        append_audit_in(&mut tx, entries).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn scan_audit(
        &self,
        visit: &mut (dyn for<'e> FnMut(&'e AuditEntry) -> bool + Send),
    ) -> Result<Option<i64>> {
        // the head first: entries committed after it only make the chain longer than the head
        let head: Option<i64> = sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        // rows arrive as the stream is read: memory stays constant however long the trail is
        let mut rows = sqlx::query("SELECT seq, at, actor, action, object, detail, prev_hash, hash FROM audit_entries ORDER BY seq").fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            let entry = AuditEntry {
                seq: row.try_get("seq")?,
                content: AuditContent {
                    at: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    object: row.try_get("object")?,
                    detail: row.try_get("detail")?,
                },
                prev_hash: row.try_get("prev_hash")?,
                hash: row.try_get("hash")?,
            };
            if !visit(&entry) {
                break;
            }
        }
        Ok(head)
    }
}
