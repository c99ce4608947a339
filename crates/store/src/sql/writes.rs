//! The reads and writes that several store operations share, inside the caller's
//! transaction (or on its connection).

use amtsweg_domain::audit::{self, AuditContent};
use amtsweg_domain::case::Event;
use time::OffsetDateTime;
use uuid::Uuid;

use super::rows::*;
use super::{Conn, Dialect, locking, query};
use crate::*;

pub(super) fn is_unique_violation(e: &StoreError) -> bool {
    matches!(e, StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation())
}

pub(super) fn to_json<T: serde::Serialize>(what: &str, value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// Appends entries to the audit chain inside the caller's transaction. On PostgreSQL the head
/// row is locked until the transaction ends: appends of all transactions, on all instances,
/// follow one another, and a rolled-back append leaves no gap. Call it as the last step
/// before commit. An empty chain is the head row with `seq` 0.
pub(super) async fn append_audit_in(
    conn: &mut dyn Conn,
    dialect: Dialect,
    entries: Vec<AuditContent>,
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let row = query(dialect.pick(locking!(
        "SELECT id, seq, hash FROM audit_head WHERE id = 1",
        "FOR UPDATE"
    )))
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| StoreError::Corrupt("table audit_head: the head row is missing".into()))?;
    let (seq, hash) = (row.int("seq")?, row.text("hash")?);
    let mut head = (seq > 0).then_some((seq, hash));
    for content in entries {
        let entry = audit::chain(head.as_ref().map(|(s, h)| (*s, h.as_str())), content);
        query("INSERT INTO audit_entries (seq, at, actor, action, object, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(entry.seq)
            .bind(entry.content.at)
            .bind(entry.content.actor)
            .bind(entry.content.action)
            .bind(entry.content.object)
            .bind(entry.content.detail)
            .bind(entry.prev_hash)
            .bind(&entry.hash)
            .execute(conn)
            .await?;
        head = Some((entry.seq, entry.hash));
    }
    if let Some((seq, hash)) = head {
        query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(hash)
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn insert_message_in(
    conn: &mut dyn Conn,
    m: &NewMessage,
    case_id: Option<Uuid>,
    at: OffsetDateTime,
) -> Result<()> {
    query("INSERT INTO messages (id, recipient_id, case_id, kind, subject_de, subject_en, body_de, body_en, document_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
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
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) async fn insert_document_in(conn: &mut dyn Conn, d: &Document) -> Result<()> {
    query("INSERT INTO documents (id, draft_id, case_id, document_type, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at, origin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(d.id)
        .bind(d.draft_id)
        .bind(d.case_id)
        .bind(&d.document_type)
        .bind(&d.file_name)
        .bind(&d.content_type)
        .bind(d.size_bytes)
        .bind(d.sha256.as_str())
        .bind(d.uploaded_by)
        .bind(d.uploaded_at)
        .bind(d.origin.code())
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) async fn insert_event_in(
    conn: &mut dyn Conn,
    case_id: Uuid,
    version: i64,
    event: &Event,
    (state_after, actor, at): (&str, &str, OffsetDateTime),
) -> Result<()> {
    query("INSERT INTO events (case_id, case_version, kind, payload, state_after, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(case_id)
        .bind(version)
        .bind(event.code())
        .bind(to_json("event", event)?)
        .bind(state_after)
        .bind(actor)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

/// The case made earlier from this draft or with this idempotency key, if any.
pub(super) async fn earlier_submission(
    conn: &mut dyn Conn,
    s: &Submission,
) -> Result<Option<CaseRecord>> {
    query(select_cases!(
        "WHERE draft_id = $1 OR (applicant_id = $2 AND idempotency_key IS NOT NULL AND idempotency_key = $3) \
         ORDER BY submitted_at, id LIMIT 1"
    ))
    .bind(s.draft_id)
    .bind(s.applicant_id)
    .bind(&s.idempotency_key)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(case_from)
    .transpose()
}

/// Whether the draft is still open; on PostgreSQL its row is share-locked until the end of the
/// transaction, so a submission running at the same time waits for this write (or this
/// write sees that submission).
pub(super) async fn lock_open_draft(
    conn: &mut dyn Conn,
    dialect: Dialect,
    draft_id: Uuid,
) -> Result<bool> {
    Ok(query(dialect.pick(locking!(
        "SELECT id FROM drafts WHERE id = $1 AND case_id IS NULL",
        "FOR SHARE"
    )))
    .bind(draft_id)
    .fetch_optional(conn)
    .await?
    .is_some())
}

/// Moves documents of a case from one origin to the next (a pending upload handed in); every
/// one must be in `from`, or the whole change fails.
pub(super) async fn promote_in(
    conn: &mut dyn Conn,
    case_id: Uuid,
    ids: &[Uuid],
    (from, to): (DocumentOrigin, DocumentOrigin),
    refusal: &'static str,
) -> Result<()> {
    for id in ids {
        let promoted = query(
            "UPDATE documents SET origin = $1 WHERE id = $2 AND case_id = $3 AND origin = $4",
        )
        .bind(to.code())
        .bind(*id)
        .bind(case_id)
        .bind(from.code())
        .execute(conn)
        .await?;
        if promoted != 1 {
            return Err(StoreError::Conflict(refusal));
        }
    }
    Ok(())
}

/// `%term%` for `LIKE … ESCAPE '\'`, with the wildcards of the term taken literally.
pub(super) fn like_containing(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
