//! The writes that several store methods share, inside the caller's transaction.

use amtsweg_domain::audit::{self, AuditContent};
use amtsweg_domain::case::Event;
use sqlx::PgConnection;
use uuid::Uuid;

use super::rows::*;
use crate::*;

/// Appends entries to the audit chain inside the caller's transaction. The head row is locked
/// until the transaction ends: appends of all transactions, on all instances, follow one
/// another, and a rolled-back append leaves no gap. Call it as the last step before commit.
pub(super) async fn append_audit_in(
    conn: &mut PgConnection,
    entries: Vec<AuditContent>,
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let (seq, hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| StoreError::Corrupt("the audit head row is missing".into()))?;
    let mut head = (seq > 0).then_some((seq, hash));
    for content in entries {
        let entry = audit::chain(head.as_ref().map(|(s, h)| (*s, h.as_str())), content);
        sqlx::query("INSERT INTO audit_entries (seq, at, actor, action, object, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(entry.seq)
            .bind(&entry.content.at)
            .bind(&entry.content.actor)
            .bind(&entry.content.action)
            .bind(&entry.content.object)
            .bind(&entry.content.detail)
            .bind(&entry.prev_hash)
            .bind(&entry.hash)
            .execute(&mut *conn)
            .await?;
        head = Some((entry.seq, entry.hash));
    }
    if let Some((seq, hash)) = head {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(hash)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn insert_message_in(
    conn: &mut PgConnection,
    m: &NewMessage,
    case_id: Option<Uuid>,
    at: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO messages (id, recipient_id, case_id, kind, subject_de, subject_en, body_de, body_en, document_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(m.id)
        .bind(m.recipient_id)
        .bind(case_id)
        .bind(&m.kind)
        .bind(&m.subject.de)
        .bind(&m.subject.en)
        .bind(&m.body.de)
        .bind(&m.body.en)
        .bind(m.document_id)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(super) async fn insert_document_in(conn: &mut PgConnection, d: &Document) -> Result<()> {
    sqlx::query("INSERT INTO documents (id, draft_id, case_id, document_type, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at, origin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(d.id)
        .bind(d.draft_id)
        .bind(d.case_id)
        .bind(&d.document_type)
        .bind(&d.file_name)
        .bind(&d.content_type)
        .bind(d.size_bytes)
        .bind(&d.sha256)
        .bind(d.uploaded_by)
        .bind(&d.uploaded_at)
        .bind(d.origin.code())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(super) async fn insert_event_in(
    conn: &mut PgConnection,
    case_id: Uuid,
    version: i64,
    event: &Event,
    state_after: &str,
    actor: &str,
    at: &str,
) -> Result<()> {
    let payload = serde_json::to_string(event).map_err(|e| corrupt("event", &e.to_string()))?;
    sqlx::query("INSERT INTO events (case_id, case_version, kind, payload, state_after, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(case_id)
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

/// The case made earlier from this draft or with this idempotency key, if any.
pub(super) async fn earlier_submission(
    conn: &mut PgConnection,
    s: &Submission,
) -> Result<Option<CaseRecord>> {
    let row = sqlx::query(select_cases!(
        "WHERE draft_id = $1 OR (applicant_id = $2 AND idempotency_key IS NOT NULL AND idempotency_key = $3) \
         ORDER BY submitted_at, id LIMIT 1"
    ))
    .bind(s.draft_id)
    .bind(s.applicant_id)
    .bind(&s.idempotency_key)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(case_from).transpose()
}

/// Locks an open draft against a submission running at the same time; false if the draft is
/// submitted (or unknown).
pub(super) async fn lock_open_draft(conn: &mut PgConnection, draft_id: Uuid) -> Result<bool> {
    let open: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM drafts WHERE id = $1 AND case_id IS NULL FOR SHARE")
            .bind(draft_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(open.is_some())
}

/// Moves documents of a case from one origin to the next (a pending upload handed in); every
/// one must be in `from`, or the whole change fails.
pub(super) async fn promote_in(
    conn: &mut PgConnection,
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
        .bind(*id)
        .bind(case_id)
        .bind(from.code())
        .execute(&mut *conn)
        .await?;
        if promoted.rows_affected() != 1 {
            return Err(StoreError::Conflict(refusal));
        }
    }
    Ok(())
}
