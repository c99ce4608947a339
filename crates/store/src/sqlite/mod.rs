//! The embedded store: SQLite in WAL mode with `synchronous = FULL`, so that a write is on
//! disk when it is acknowledged. All writes go through one connection (SQLite has one writer
//! anyway), which orders the audit chain without busy errors; reads use a pool.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use amtsweg_domain::Text;
use amtsweg_domain::audit::{AuditContent, AuditEntry};
use amtsweg_domain::case::Event;
use amtsweg_domain::file_number::FileNumber;
use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, SqliteConnection};
use uuid::Uuid;

use crate::*;

mod audit;
mod rows;
use audit::{AuditRanges, append_audit_in};
use rows::*;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (and creates) the database file and runs pending migrations.
    pub async fn open(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // A connection to a local file does not go stale: no ping before each use (it cost a
        // hop to sqlx's worker thread per acquire).
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await?;
        MIGRATOR.run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self { writer, reader })
    }

    /// Runs the migrations only (for `amtsweg migrate`); returns how many are applied in all.
    pub async fn migrate(path: &Path) -> Result<usize> {
        let store = Self::open(path).await?;
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&store.reader)
            .await?;
        Ok(applied as usize)
    }

    /// Direct access for tests that tamper with stored data on purpose.
    pub fn writer_pool(&self) -> &SqlitePool {
        &self.writer
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

/// A GLOB pattern matching text that contains `term` literally.
fn glob_containing(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('*');
    for c in term.chars() {
        match c {
            '*' | '?' | '[' => {
                pattern.push('[');
                pattern.push(c);
                pattern.push(']');
            }
            _ => pattern.push(c),
        }
    }
    pattern.push('*');
    pattern
}

async fn insert_message_in(
    conn: &mut SqliteConnection,
    m: &NewMessage,
    case_id: Option<Uuid>,
    at: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO messages (id, recipient_id, case_id, kind, subject_de, subject_en, body_de, body_en, document_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(m.id.to_string())
        .bind(m.recipient_id.to_string())
        .bind(case_id.map(|c| c.to_string()))
        .bind(&m.kind)
        .bind(&m.subject.de)
        .bind(&m.subject.en)
        .bind(&m.body.de)
        .bind(&m.body.en)
        .bind(m.document_id.map(|d| d.to_string()))
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn insert_document_in(conn: &mut SqliteConnection, d: &Document) -> Result<()> {
    sqlx::query("INSERT INTO documents (id, draft_id, case_id, document_type, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at, origin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(d.id.to_string())
        .bind(d.draft_id.map(|x| x.to_string()))
        .bind(d.case_id.map(|x| x.to_string()))
        .bind(&d.document_type)
        .bind(&d.file_name)
        .bind(&d.content_type)
        .bind(d.size_bytes)
        .bind(&d.sha256)
        .bind(d.uploaded_by.to_string())
        .bind(&d.uploaded_at)
        .bind(d.origin.code())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn insert_event_in(
    conn: &mut SqliteConnection,
    case_id: Uuid,
    version: i64,
    event: &Event,
    state_after: &str,
    actor: &str,
    at: &str,
) -> Result<()> {
    let payload = serde_json::to_string(event).map_err(|e| corrupt("event", &e.to_string()))?;
    sqlx::query("INSERT INTO events (case_id, case_version, kind, payload, state_after, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(case_id.to_string())
        .bind(version)
        .bind(event.code())
        .bind(payload)
        .bind(state_after)
        .bind(actor)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Moves documents of a case from one origin to the next (a pending upload handed in); every
/// one must be in `from`, or the whole change fails.
async fn promote_in(
    conn: &mut SqliteConnection,
    case_id: Uuid,
    ids: &[Uuid],
    (from, to): (DocumentOrigin, DocumentOrigin),
    refusal: &'static str,
) -> Result<()> {
    for id in ids {
        let promoted = sqlx::query(
            "UPDATE documents SET origin = $1 WHERE id = $2 AND case_id = $3 AND origin = $4",
        )
        .bind(to.code())
        .bind(id.to_string())
        .bind(case_id.to_string())
        .bind(from.code())
        .execute(&mut *conn)
        .await?;
        if promoted.rows_affected() != 1 {
            return Err(StoreError::Conflict(refusal));
        }
    }
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    async fn insert_authority(&self, a: &Authority) -> Result<()> {
        sqlx::query("INSERT INTO authorities (id, name, address, kind, state_code, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(a.id.to_string())
            .bind(&a.name)
            .bind(&a.address)
            .bind(a.kind.code())
            .bind(&a.state_code)
            .bind(&a.created_at)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn authority(&self, id: Uuid) -> Result<Option<Authority>> {
        let row = sqlx::query("SELECT * FROM authorities WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(authority_from).transpose()
    }

    async fn authorities(&self) -> Result<Vec<Authority>> {
        let rows = sqlx::query("SELECT * FROM authorities ORDER BY name")
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(authority_from).collect()
    }

    async fn insert_user(&self, u: &User, audit: AuditContent) -> Result<()> {
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query("INSERT INTO users (id, email, display_name, password_hash, role, authority_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(u.id.to_string())
            .bind(&u.email)
            .bind(&u.display_name)
            .bind(&u.password_hash)
            .bind(u.role.code())
            .bind(u.authority_id.map(|a| a.to_string()))
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
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(user_from).transpose()
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let row = sqlx::query("SELECT * FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(user_from).transpose()
    }

    async fn users_of_authority(&self, authority_id: Uuid) -> Result<Vec<User>> {
        let rows = sqlx::query("SELECT * FROM users WHERE authority_id = $1 ORDER BY display_name")
            .bind(authority_id.to_string())
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(user_from).collect()
    }

    async fn put_directory_entry(&self, e: &DirectoryEntry) -> Result<()> {
        sqlx::query(
            "INSERT INTO directory_entries (authority_id, party_id, topic) VALUES ($1, $2, $3) \
             ON CONFLICT (authority_id, party_id) DO UPDATE SET topic = excluded.topic",
        )
        .bind(e.authority_id.to_string())
        .bind(e.party_id.to_string())
        .bind(&e.topic)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn directory(&self, authority_id: Uuid) -> Result<Vec<DirectoryParty>> {
        let rows = sqlx::query(
            "SELECT a.*, d.topic FROM directory_entries d JOIN authorities a ON a.id = d.party_id \
             WHERE d.authority_id = $1 ORDER BY a.kind, a.name",
        )
        .bind(authority_id.to_string())
        .fetch_all(&self.reader)
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
        let mut tx = self.writer.begin().await?;
        let existing =
            sqlx::query("SELECT * FROM service_versions WHERE service_id = $1 AND version = $2")
                .bind(&v.service_id)
                .bind(&v.version)
                .fetch_optional(&mut *tx)
                .await?;
        match existing {
            Some(row) => {
                let stored = service_version_from(&row)?;
                if &stored != v {
                    return Err(StoreError::Conflict(
                        "service definition changed without a new version",
                    ));
                }
            }
            None => {
                sqlx::query("INSERT INTO service_versions (service_id, version, service_toml, form_toml, documents_toml, process_toml, loaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(&v.service_id)
                    .bind(&v.version)
                    .bind(&v.service_toml)
                    .bind(&v.form_toml)
                    .bind(&v.documents_toml)
                    .bind(&v.process_toml)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn service_versions(&self) -> Result<Vec<ServiceVersion>> {
        let rows = sqlx::query("SELECT * FROM service_versions ORDER BY service_id, loaded_at")
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(service_version_from).collect()
    }

    async fn insert_session(&self, s: &Session) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&s.token_hash)
            .bind(s.user_id.to_string())
            .bind(s.kind.code())
            .bind(&s.csrf_token)
            .bind(&s.created_at)
            .bind(&s.expires_at)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let row = sqlx::query("SELECT * FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.reader)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let kind: String = row.try_get("kind")?;
        Ok(Some(Session {
            token_hash: row.try_get("token_hash")?,
            user_id: uuid_col(&row, "user_id")?,
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
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn insert_draft(&self, d: &Draft) -> Result<()> {
        sqlx::query("INSERT INTO drafts (id, owner_id, authority_id, service_id, service_version, form_json, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(d.id.to_string())
            .bind(d.owner_id.to_string())
            .bind(d.authority_id.to_string())
            .bind(&d.service_id)
            .bind(&d.service_version)
            .bind(&d.form_json)
            .bind(&d.created_at)
            .bind(&d.updated_at)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn draft(&self, id: Uuid) -> Result<Option<Draft>> {
        let row = sqlx::query("SELECT * FROM drafts WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(draft_from).transpose()
    }

    async fn drafts_of(&self, owner_id: Uuid) -> Result<Vec<Draft>> {
        let rows = sqlx::query(
            "SELECT * FROM drafts WHERE owner_id = $1 AND case_id IS NULL ORDER BY updated_at DESC",
        )
        .bind(owner_id.to_string())
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(draft_from).collect()
    }

    async fn update_draft_form(&self, id: Uuid, form_json: &str, at: &str) -> Result<()> {
        let done = sqlx::query(
            "UPDATE drafts SET form_json = $1, updated_at = $2 WHERE id = $3 AND case_id IS NULL",
        )
        .bind(form_json)
        .bind(at)
        .bind(id.to_string())
        .execute(&self.writer)
        .await?;
        if done.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict("draft already submitted"))
        }
    }

    async fn insert_document(&self, d: &Document, audit: AuditContent) -> Result<()> {
        let mut tx = self.writer.begin().await?;
        if let Some(draft_id) = d.draft_id {
            // the draft must still be open, or the upload would slip past the submission
            let open: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM drafts WHERE id = $1 AND case_id IS NULL")
                    .bind(draft_id.to_string())
                    .fetch_optional(&mut *tx)
                    .await?;
            if open.is_none() {
                return Err(StoreError::Conflict("draft already submitted"));
            }
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
        let mut tx = self.writer.begin().await?;
        let done = sqlx::query("DELETE FROM documents WHERE id = $1 AND draft_id = $2 AND case_id IS NULL AND EXISTS (SELECT 1 FROM drafts WHERE id = $2 AND case_id IS NULL)")
            .bind(document_id.to_string())
            .bind(draft_id.to_string())
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
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(document_from).transpose()
    }

    async fn documents_of_draft(&self, draft_id: Uuid) -> Result<Vec<Document>> {
        let rows =
            sqlx::query("SELECT * FROM documents WHERE draft_id = $1 ORDER BY uploaded_at, id")
                .bind(draft_id.to_string())
                .fetch_all(&self.reader)
                .await?;
        rows.iter().map(document_from).collect()
    }

    async fn documents_of_case(&self, case_id: Uuid) -> Result<Vec<Document>> {
        let rows =
            sqlx::query("SELECT * FROM documents WHERE case_id = $1 ORDER BY uploaded_at, id")
                .bind(case_id.to_string())
                .fetch_all(&self.reader)
                .await?;
        rows.iter().map(document_from).collect()
    }

    async fn submit(&self, s: Submission) -> Result<SubmitOutcome> {
        let mut tx = self.writer.begin().await?;
        let existing: Option<String> = sqlx::query_scalar(
            "SELECT id FROM cases WHERE draft_id = $1 OR (applicant_id = $2 AND idempotency_key IS NOT NULL AND idempotency_key = $3)",
        )
        .bind(s.draft_id.to_string())
        .bind(s.applicant_id.to_string())
        .bind(&s.idempotency_key)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = existing {
            let row = sqlx::query(select_cases!("WHERE id = $1"))
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
            return Ok(SubmitOutcome::AlreadySubmitted(case_from(&row)?));
        }
        let number: i64 = sqlx::query_scalar(
            "INSERT INTO file_number_counters (authority_id, prefix, year, last_number) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (authority_id, prefix, year) DO UPDATE SET last_number = last_number + 1 RETURNING last_number",
        )
        .bind(s.authority_id.to_string())
        .bind(&s.file_number_prefix)
        .bind(s.year)
        .fetch_one(&mut *tx)
        .await?;
        let file_number = FileNumber::new(&s.file_number_prefix, s.year, number as u64).to_string();
        let case_json =
            serde_json::to_string(&s.case).map_err(|e| corrupt("case", &e.to_string()))?;
        let search_text =
            format!("{} {} {}", file_number, s.applicant_name, s.site_address).to_lowercase();
        sqlx::query(
            "INSERT INTO cases (id, authority_id, file_number, service_id, service_version, applicant_id, draft_id, idempotency_key, state, \
             applicant_name, site_address, search_text, submitted_at, updated_at, version, case_json, form_json, next_deadline, next_job_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, 1, $14, $15, $16, $17)",
        )
        .bind(s.case_id.to_string())
        .bind(s.authority_id.to_string())
        .bind(&file_number)
        .bind(&s.service_id)
        .bind(&s.service_version)
        .bind(s.applicant_id.to_string())
        .bind(s.draft_id.to_string())
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
        let claimed = sqlx::query(
            "UPDATE drafts SET case_id = $1, updated_at = $2 WHERE id = $3 AND case_id IS NULL",
        )
        .bind(s.case_id.to_string())
        .bind(&s.at)
        .bind(s.draft_id.to_string())
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            return Err(StoreError::Conflict("draft already submitted"));
        }
        sqlx::query("UPDATE documents SET case_id = $1 WHERE draft_id = $2")
            .bind(s.case_id.to_string())
            .bind(s.draft_id.to_string())
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
            .bind(id.to_string())
            .fetch_optional(&self.reader)
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
        .bind(authority_id.to_string())
        .bind(file_number)
        .fetch_optional(&self.reader)
        .await?;
        row.as_ref().map(case_from).transpose()
    }

    async fn cases_of_applicant(&self, applicant_id: Uuid) -> Result<Vec<CaseSummary>> {
        let rows = sqlx::query(select_summaries!(
            "WHERE applicant_id = $1 ORDER BY submitted_at DESC"
        ))
        .bind(applicant_id.to_string())
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(summary_from).collect()
    }

    async fn inbox(&self, q: &InboxQuery) -> Result<Vec<CaseSummary>> {
        let term = q.search.as_ref().map(|s| s.to_lowercase());
        // A term of three characters or more goes to the trigram index (migration 0005) first.
        // If it matches few cases, those are filtered and sorted; if it matches many, the scan
        // in inbox order below finds a page of them after a few rows. (Shorter terms have no
        // trigram, and the index answers them with nothing.)
        if let Some(term) = term.as_deref().filter(|t| t.chars().count() >= 3) {
            const FEW: usize = 1000;
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT case_id FROM cases_search WHERE search_text GLOB $1 LIMIT $2",
            )
            .bind(glob_containing(term))
            .bind(FEW as i64 + 1)
            .fetch_all(&self.reader)
            .await?;
            if ids.len() <= FEW {
                let ids =
                    serde_json::to_string(&ids).map_err(|e| corrupt("ids", &e.to_string()))?;
                // `+authority_id`: look the hits up by id; left to itself the planner walked
                // the authority's inbox index to save the sort (26 ms instead of 0.6 at 100k)
                let rows = sqlx::query(select_summaries!(
                    "WHERE id IN (SELECT value FROM json_each($6)) AND +authority_id = $1 AND ($2 IS NULL OR state = $2) \
                     AND ($5 IS NULL OR next_deadline <= $5) \
                     ORDER BY next_deadline IS NULL, next_deadline, submitted_at, id LIMIT $3 OFFSET $4"
                ))
                .bind(q.authority_id.to_string())
                .bind(&q.state)
                .bind(i64::from(q.limit))
                .bind(i64::from(q.offset))
                .bind(&q.due_by)
                .bind(ids)
                .fetch_all(&self.reader)
                .await?;
                return rows.iter().map(summary_from).collect();
            }
        }
        let search = term.map(|s| {
            let escaped = s
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{escaped}%")
        });
        let rows = sqlx::query(select_summaries!(
            "WHERE authority_id = $1 AND ($2 IS NULL OR state = $2) AND ($3 IS NULL OR search_text LIKE $3 ESCAPE '\\') \
             AND ($6 IS NULL OR next_deadline <= $6) \
             ORDER BY next_deadline IS NULL, next_deadline, submitted_at, id LIMIT $4 OFFSET $5"
        ))
        .bind(q.authority_id.to_string())
        .bind(&q.state)
        .bind(search)
        .bind(i64::from(q.limit))
        .bind(i64::from(q.offset))
        .bind(&q.due_by)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(summary_from).collect()
    }

    async fn cases_due(&self, by: &str, limit: u32) -> Result<Vec<Uuid>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM cases WHERE next_job_on <= $1 ORDER BY next_job_on, id LIMIT $2",
        )
        .bind(by)
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await?;
        ids.iter()
            .map(|t| Uuid::parse_str(t).map_err(|_| corrupt("case id", t)))
            .collect()
    }

    async fn events(&self, case_id: Uuid) -> Result<Vec<EventRecord>> {
        let rows = sqlx::query("SELECT case_version, payload, state_after, actor_id, at FROM events WHERE case_id = $1 ORDER BY case_version")
            .bind(case_id.to_string())
            .fetch_all(&self.reader)
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
            .bind(case_id.to_string())
            .bind(expected_version)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn party_requests(&self, party_id: Uuid, limit: u32) -> Result<Vec<PartyRequestSummary>> {
        let rows = sqlx::query(
            "SELECT p.id, p.case_id, p.open, p.due, p.requested_at, c.file_number, c.service_id, c.site_address \
             FROM participation_requests p JOIN cases c ON c.id = p.case_id \
             WHERE p.party_id = $1 ORDER BY p.open DESC, p.due, p.id LIMIT $2",
        )
        .bind(party_id.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(party_request_from).collect()
    }

    async fn participation_request(&self, id: Uuid) -> Result<Option<ParticipationRow>> {
        let row = sqlx::query("SELECT * FROM participation_requests WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(participation_row_from).transpose()
    }

    async fn commit_change(&self, c: CaseChange) -> Result<()> {
        let mut tx = self.writer.begin().await?;
        let case_json =
            serde_json::to_string(&c.case).map_err(|e| corrupt("case", &e.to_string()))?;
        let new_version = c.expected_version + 1;
        let done = sqlx::query(
            "UPDATE cases SET state = $1, assignee_id = $2, next_deadline = $3, updated_at = $4, version = $5, case_json = $6, next_job_on = $9 \
             WHERE id = $7 AND version = $8",
        )
        .bind(&c.case.state)
        .bind(c.case.assignee_id.map(|a| a.to_string()))
        .bind(&c.next_deadline)
        .bind(&c.at)
        .bind(new_version)
        .bind(case_json)
        .bind(c.case_id.to_string())
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
            .bind(p.id.to_string())
            .bind(p.case_id.to_string())
            .bind(p.party_id.to_string())
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
        .bind(recipient_id.to_string())
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(message_from).collect()
    }

    async fn message(&self, id: Uuid) -> Result<Option<Message>> {
        let row = sqlx::query("SELECT * FROM messages WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(message_from).transpose()
    }

    async fn mark_message_read(&self, id: Uuid, at: &str) -> Result<()> {
        sqlx::query("UPDATE messages SET read_at = $1 WHERE id = $2 AND read_at IS NULL")
            .bind(at)
            .bind(id.to_string())
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn append_audit(&self, entries: Vec<AuditContent>) -> Result<()> {
        let mut tx = self.writer.begin().await?;
        append_audit_in(&mut tx, entries).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn scan_audit(
        &self,
        visit: &mut (dyn for<'e> FnMut(&'e AuditEntry) -> bool + Send),
    ) -> Result<Option<i64>> {
        // sqlx hands SQLite rows over one at a time from its worker thread, and that hand-over
        // made the scan a fifth of sha256sum's speed. Now a page is one JSON array of the
        // entries in a range of `seq`, and the next two ranges are read on two connections
        // (each with its own worker thread) while one is checked. The scan ends at the largest
        // `seq` seen together with the head: entries are only ever appended, so what lies up
        // to it does not change while it is read.
        let (head, first, last): (Option<i64>, Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT (SELECT seq FROM audit_head WHERE id = 1), MIN(seq), MAX(seq) FROM audit_entries",
        )
        .fetch_one(&self.reader)
        .await?;
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(head);
        };
        let mut reading = AuditRanges::new(self.reader.clone(), first, last);
        while let Some(page) = reading.next().await? {
            for (seq, at, actor, action, object, detail, prev_hash, hash) in page {
                let entry = AuditEntry {
                    seq,
                    content: AuditContent {
                        at,
                        actor,
                        action,
                        object,
                        detail,
                    },
                    prev_hash,
                    hash,
                };
                if !visit(&entry) {
                    return Ok(head);
                }
            }
        }
        Ok(head)
    }
}

impl FromStr for SessionKind {
    type Err = ();
    fn from_str(s: &str) -> std::result::Result<Self, ()> {
        match s {
            "web" => Ok(SessionKind::Web),
            "api" => Ok(SessionKind::Api),
            _ => Err(()),
        }
    }
}
