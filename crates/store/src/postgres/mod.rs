//! The engine for several instances on one database: PostgreSQL. What it does differently
//! from SQLite is here (one pool for reads and writes, ids as `uuid`, durable commits, the
//! audit chain read as one stream); every store operation is in [`crate::sql::store`],
//! with its row locks.
//!
//! Durability: commits wait for the WAL flush (`synchronous_commit`); a connection whose server
//! default is `off` is switched to `on`.

use std::time::Duration;

use amtsweg_domain::audit::AuditEntry;
use async_trait::async_trait;
use futures_util::TryStreamExt;
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow, Postgres};
use sqlx::{Connection, PgConnection, Row as _};

use crate::sql::rows::audit_entry_from;
use crate::sql::{
    Access, Backend, Conn, Dialect, Engine, EngineConn, EngineQuery, SqlStore, Tx, Value, bound,
    column_names, query, row_of,
};
use crate::*;
use uuid::Uuid;

mod url;
pub use url::{check_url, redact_url};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Connections per instance. Writes hold a connection only for their transaction.
const MAX_CONNECTIONS: u32 = 10;
/// How long a request waits for a connection before it is answered 503 with Retry-After.
/// Under load a connection is free again within milliseconds; waiting longer only holds
/// people in front of a database that is gone.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// The store on a PostgreSQL database.
pub type PostgresStore = SqlStore<PostgresBackend>;

pub struct PostgresBackend {
    pool: PgPool,
}

impl SqlStore<PostgresBackend> {
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
            .acquire_timeout(ACQUIRE_TIMEOUT)
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
        Ok(Self::new(PostgresBackend { pool }))
    }

    /// Runs the migrations only (for `amtsweg migrate`); returns how many are applied in all.
    pub async fn migrate(url: &str) -> Result<usize> {
        let store = Self::open(url).await?;
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&store.backend.pool)
            .await?;
        store.close().await;
        Ok(applied as usize)
    }

    /// Direct access for tests that look at or tamper with stored data on purpose.
    pub fn pool(&self) -> &PgPool {
        &self.backend.pool
    }

    /// Closes the connections (waits for running queries).
    pub async fn close(&self) {
        self.backend.pool.close().await;
    }
}

impl Engine for Postgres {
    fn bind_id(query: EngineQuery<Self>, id: Option<Uuid>) -> EngineQuery<Self> {
        query.bind(id)
    }

    fn rows_affected(done: &sqlx::postgres::PgQueryResult) -> u64 {
        done.rows_affected()
    }

    fn value(row: &PgRow, i: usize, type_name: &str) -> Result<Option<Value>> {
        Ok(Some(match type_name {
            "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => Value::Text(row.try_get(i)?),
            "INT8" => Value::Int(row.try_get(i)?),
            "INT4" => Value::Int(i64::from(row.try_get::<i32, _>(i)?)),
            "INT2" => Value::Int(i64::from(row.try_get::<i16, _>(i)?)),
            "BOOL" => Value::Bool(row.try_get(i)?),
            "UUID" => Value::Id(row.try_get(i)?),
            _ => return Ok(None),
        }))
    }
}

#[async_trait]
impl Backend for PostgresBackend {
    const DIALECT: Dialect = Dialect::Postgres;

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        &MIGRATOR
    }

    async fn conn(&self, _: Access) -> Result<Box<dyn Conn>> {
        Ok(EngineConn::<Postgres, _>::boxed(self.pool.acquire().await?))
    }

    async fn begin(&self) -> Result<Box<dyn Tx>> {
        Ok(EngineConn::<Postgres, _>::boxed(self.pool.begin().await?))
    }

    async fn inbox_by_index(
        &self,
        _query: &InboxQuery,
        _term: &str,
    ) -> Result<Option<Vec<CaseSummary>>> {
        // the pg_trgm index (migration 0004) serves `search_text LIKE` in the store's own query
        Ok(None)
    }

    async fn scan_audit_entries(
        &self,
        visit: &mut (dyn for<'e> FnMut(&'e AuditEntry) -> bool + Send),
    ) -> Result<()> {
        // rows arrive as the stream is read: memory stays constant however long the trail is
        let scan = query(
            "SELECT seq, at, actor, action, object, detail, prev_hash, hash FROM audit_entries ORDER BY seq",
        );
        let table = scan.table();
        let mut rows = bound::<Postgres>(scan).fetch(&self.pool);
        let mut columns = None;
        while let Some(row) = rows.try_next().await? {
            let columns = columns.get_or_insert_with(|| column_names(&row));
            let entry = audit_entry_from(&row_of::<Postgres>(&row, columns, table)?)?;
            if !visit(&entry) {
                break;
            }
        }
        Ok(())
    }
}
