//! Bulk writing of generated rows: one transaction per batch, PostgreSQL through `COPY`,
//! SQLite through multi-row `INSERT`s, together with the file-number counter and audit head.

use sqlx::{Connection, PgConnection, SqliteConnection};
use uuid::Uuid;

use crate::Db;
use crate::seed::{Target, err, sqlite};

/// A value of a column.
#[derive(Clone)]
pub(crate) enum Val {
    Null,
    Text(String),
    Int(i64),
}

impl From<String> for Val {
    fn from(s: String) -> Self {
        Val::Text(s)
    }
}
impl From<&str> for Val {
    fn from(s: &str) -> Self {
        Val::Text(s.to_string())
    }
}
impl From<i64> for Val {
    fn from(n: i64) -> Self {
        Val::Int(n)
    }
}
impl From<Uuid> for Val {
    fn from(id: Uuid) -> Self {
        Val::Text(id.to_string())
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Self {
        v.map_or(Val::Null, Into::into)
    }
}

/// Rows of one table, written at once.
pub(crate) struct Table {
    name: &'static str,
    columns: &'static [&'static str],
    pub(crate) rows: Vec<Vec<Val>>,
}

impl Table {
    pub(crate) fn new(name: &'static str, columns: &'static [&'static str]) -> Self {
        Self {
            name,
            columns,
            rows: Vec::new(),
        }
    }
    pub(crate) fn push(&mut self, row: Vec<Val>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }
}

pub(crate) async fn write(
    db: &Db,
    tables: &[Table],
    target: &Target,
    last_number: u64,
    head_seq: i64,
    head_hash: &str,
) -> Result<(), String> {
    let counter = "INSERT INTO file_number_counters (authority_id, prefix, year, last_number) VALUES ($1, 'BG', 2025, $2) \
                   ON CONFLICT (authority_id, prefix, year) DO UPDATE SET last_number = excluded.last_number";
    let head = "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1";
    match db {
        Db::Postgres(url) => {
            let mut c = PgConnection::connect(url).await.map_err(err)?;
            let mut tx = c.begin().await.map_err(err)?;
            // a seed is not an acknowledged submission: no need to wait for the WAL flush
            sqlx::query("SET LOCAL synchronous_commit = off")
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            for t in tables {
                copy_pg(&mut tx, t).await?;
            }
            sqlx::query(counter)
                .bind(target.authority_id)
                .bind(last_number as i64)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            sqlx::query(head)
                .bind(head_seq)
                .bind(head_hash)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            tx.commit().await.map_err(err)?;
        }
        Db::Sqlite(path) => {
            let mut c = sqlite(path).await?;
            let mut tx = c.begin().await.map_err(err)?;
            for t in tables {
                insert_sqlite(&mut tx, t).await?;
            }
            sqlx::query(counter)
                .bind(target.authority_id.to_string())
                .bind(last_number as i64)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            sqlx::query(head)
                .bind(head_seq)
                .bind(head_hash)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            tx.commit().await.map_err(err)?;
        }
    }
    Ok(())
}

/// `COPY … FROM STDIN` in text format.
pub(crate) async fn copy_pg(conn: &mut PgConnection, table: &Table) -> Result<(), String> {
    let mut data = String::with_capacity(table.rows.len() * 256);
    for row in &table.rows {
        for (i, v) in row.iter().enumerate() {
            if i > 0 {
                data.push('\t');
            }
            match v {
                Val::Null => data.push_str("\\N"),
                Val::Int(n) => data.push_str(&n.to_string()),
                Val::Text(s) => {
                    for ch in s.chars() {
                        match ch {
                            '\\' => data.push_str("\\\\"),
                            '\t' => data.push_str("\\t"),
                            '\n' => data.push_str("\\n"),
                            '\r' => data.push_str("\\r"),
                            c => data.push(c),
                        }
                    }
                }
            }
        }
        data.push('\n');
    }
    let statement = format!(
        "COPY {} ({}) FROM STDIN",
        table.name,
        table.columns.join(", ")
    );
    let mut copy = conn.copy_in_raw(&statement).await.map_err(err)?;
    copy.send(data.into_bytes()).await.map_err(err)?;
    copy.finish().await.map_err(err)?;
    Ok(())
}

/// Multi-row `INSERT`s of at most ~30 000 values each (SQLite's limit is 32 766).
pub(crate) async fn insert_sqlite(
    conn: &mut SqliteConnection,
    table: &Table,
) -> Result<(), String> {
    let per_statement = (30_000 / table.columns.len()).max(1);
    for chunk in table.rows.chunks(per_statement) {
        let mut b = sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!(
            "INSERT INTO {} ({}) ",
            table.name,
            table.columns.join(", ")
        ));
        b.push_values(chunk, |mut r, row| {
            for v in row {
                match v {
                    Val::Null => r.push_bind(None::<String>),
                    Val::Int(n) => r.push_bind(*n),
                    Val::Text(s) => r.push_bind(s.clone()),
                };
            }
        });
        b.build().execute(&mut *conn).await.map_err(err)?;
    }
    Ok(())
}
