//! The embedded engine: SQLite in WAL mode with `synchronous = FULL`, so that a write is on
//! disk when it is acknowledged. All writes go through one connection (SQLite has one writer
//! anyway), which orders the audit chain without busy errors; reads use a pool of read-only
//! connections. What SQLite does differently from PostgreSQL is here; every store operation
//! is in [`crate::sql::store`].

use std::path::Path;
use std::time::Duration;

use amtsweg_domain::audit::{AuditContent, AuditEntry};
use async_trait::async_trait;
use sqlx::Row as _;
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};

use crate::sql::rows::{select_summaries, summary_from};
use crate::sql::{
    Access, Backend, Conn, Dialect, Engine, EngineConn, EngineQuery, SqlStore, Tx, Value, query,
};
use crate::*;
use uuid::Uuid;

mod audit;
use audit::AuditRanges;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The store on an SQLite file.
pub type SqliteStore = SqlStore<SqliteBackend>;

pub struct SqliteBackend {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqlStore<SqliteBackend> {
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
        Ok(Self::new(SqliteBackend { writer, reader }))
    }

    /// Runs the migrations only (for `amtsweg migrate`); returns how many are applied in all.
    pub async fn migrate(path: &Path) -> Result<usize> {
        let store = Self::open(path).await?;
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&store.backend.reader)
            .await?;
        Ok(applied as usize)
    }

    /// Direct access for tests that tamper with stored data on purpose.
    pub fn writer_pool(&self) -> &SqlitePool {
        &self.backend.writer
    }
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

impl Engine for Sqlite {
    fn bind_id(query: EngineQuery<Self>, id: Option<Uuid>) -> EngineQuery<Self> {
        // ids are stored as their hyphenated text
        query.bind(id.map(|id| id.to_string()))
    }

    fn rows_affected(done: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        done.rows_affected()
    }

    fn value(row: &SqliteRow, i: usize, storage_class: &str) -> Result<Option<Value>> {
        // the storage class of this value, not the declared type of the column
        Ok(match storage_class {
            "INTEGER" => Some(Value::Int(row.try_get_unchecked(i)?)),
            "TEXT" => Some(Value::Text(row.try_get_unchecked(i)?)),
            _ => None,
        })
    }
}

#[async_trait]
impl Backend for SqliteBackend {
    const DIALECT: Dialect = Dialect::Sqlite;

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        &MIGRATOR
    }

    async fn conn(&self, access: Access) -> Result<Box<dyn Conn>> {
        let pool = match access {
            Access::Read => &self.reader,
            Access::Write => &self.writer,
        };
        Ok(EngineConn::<Sqlite, _>::boxed(pool.acquire().await?))
    }

    async fn begin(&self) -> Result<Box<dyn Tx>> {
        Ok(EngineConn::<Sqlite, _>::boxed(self.writer.begin().await?))
    }

    async fn inbox_by_index(&self, q: &InboxQuery, term: &str) -> Result<Option<Vec<CaseSummary>>> {
        // A term of three characters or more goes to the trigram index (migration 0005) first.
        // If it matches few cases, those are filtered and sorted; if it matches many, the scan
        // in inbox order finds a page of them after a few rows. (Shorter terms have no
        // trigram, and the index answers them with nothing.)
        const FEW: u32 = 1000;
        if term.chars().count() < 3 {
            return Ok(None);
        }
        let mut reader = self.conn(Access::Read).await?;
        let hits = query("SELECT case_id FROM cases_search WHERE search_text GLOB $1 LIMIT $2")
            .bind(glob_containing(term))
            .bind(FEW + 1)
            .fetch_all(&mut *reader)
            .await?;
        if hits.len() > FEW as usize {
            return Ok(None);
        }
        let ids = hits
            .iter()
            .map(|row| row.text("case_id"))
            .collect::<Result<Vec<_>>>()?;
        let ids = serde_json::to_string(&ids)
            .map_err(|e| StoreError::Corrupt(format!("table cases_search: {e}")))?;
        // `+authority_id`: look the hits up by id; left to itself the planner walked the
        // authority's inbox index to save the sort (26 ms instead of 0.6 at 100k)
        let rows = query(select_summaries!(
            "WHERE id IN (SELECT value FROM json_each($6)) AND +authority_id = $1 AND ($2 IS NULL OR state = $2) \
             AND ($5 IS NULL OR next_deadline <= $5) \
             ORDER BY next_deadline IS NULL, next_deadline, submitted_at, id LIMIT $3 OFFSET $4"
        ))
        .bind(q.authority_id)
        .bind(&q.state)
        .bind(q.limit)
        .bind(q.offset)
        .bind(q.due_by)
        .bind(ids)
        .fetch_all(&mut *reader)
        .await?;
        rows.iter()
            .map(summary_from)
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }

    async fn scan_audit_entries(
        &self,
        visit: &mut (dyn for<'e> FnMut(&'e AuditEntry) -> bool + Send),
    ) -> Result<()> {
        // sqlx hands SQLite rows over one at a time from its worker thread, and that hand-over
        // made the scan a fifth of sha256sum's speed. Now a page is one JSON array of the
        // entries in a range of `seq`, and the next two ranges are read on two connections
        // (each with its own worker thread) while one is checked. The scan ends at the largest
        // `seq` seen at its start: entries are only ever appended, so what lies up to it does
        // not change while it is read.
        let (first, last): (Option<i64>, Option<i64>) =
            sqlx::query_as("SELECT MIN(seq), MAX(seq) FROM audit_entries")
                .fetch_one(&self.reader)
                .await?;
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(());
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
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}
