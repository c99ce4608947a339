//! The one SQL store over two engines.
//!
//! Every store operation is written once, in [`store`], as SQL text that SQLite and PostgreSQL
//! both accept (`$n` parameters, `ON CONFLICT … DO UPDATE`, `CAST($n AS TEXT) IS NULL`). It
//! runs through the small engine-neutral layer of this module: a [`Query`] is static SQL with
//! [`Param`]s, and rows come back as [`Row`]s of [`Value`]s, read by column name with typed
//! getters that fail with [`StoreError::Corrupt`] naming table, row and column.
//!
//! What really differs between the engines is the [`Backend`] trait, implemented by
//! [`crate::sqlite`] and [`crate::postgres`]: how connections and transactions are had (one
//! writer connection and a read pool on SQLite, one pool on PostgreSQL), how an id is bound
//! (text on SQLite, `uuid` on PostgreSQL), row locks ([`Locking`]: `FOR UPDATE`/`FOR SHARE`
//! on PostgreSQL, nothing on SQLite, whose single writer orders all writes), the search index,
//! and the fastest way to read the whole audit chain.
//!
//! Why this and not generic code over `sqlx::Database`: the bounds that generic sqlx code
//! needs (encode/decode for every type, executor and argument lifetimes) would have to be
//! repeated on every function, and `sqlx::Any` cannot bind a `uuid`. Converting rows to
//! [`Value`]s costs a few allocations per row, which the benchmarks do not notice next to the
//! database round trip (see ARCHITECTURE.md).

use std::sync::Arc;

use async_trait::async_trait;
use uuid::Uuid;

use crate::{InboxQuery, Result, StoreError};
use amtsweg_domain::audit::AuditEntry;
use amtsweg_domain::calendar::State;
use amtsweg_domain::file_number::FileNumber;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

pub use amtsweg_domain::text::instant_text;

/// How a date is stored: `YYYY-MM-DD`, so that text order is time order.
pub fn date_text(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// A stored date back.
pub fn parse_date_text(text: &str) -> Option<Date> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

mod coverage;
pub(crate) mod rows;
pub mod store;
mod writes;

pub use store::SqlStore;

/// A parameter of a query. A NULL keeps its type: PostgreSQL checks the type of every
/// parameter, also of a NULL one.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
    Id(Option<Uuid>),
}

impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Param::Text(Some(v.to_owned()))
    }
}
impl From<&String> for Param {
    fn from(v: &String) -> Self {
        Param::Text(Some(v.clone()))
    }
}
impl From<String> for Param {
    fn from(v: String) -> Self {
        Param::Text(Some(v))
    }
}
impl From<Option<&str>> for Param {
    fn from(v: Option<&str>) -> Self {
        Param::Text(v.map(str::to_owned))
    }
}
impl From<Option<String>> for Param {
    fn from(v: Option<String>) -> Self {
        Param::Text(v)
    }
}
impl From<&Option<String>> for Param {
    fn from(v: &Option<String>) -> Self {
        Param::Text(v.clone())
    }
}
impl From<OffsetDateTime> for Param {
    fn from(v: OffsetDateTime) -> Self {
        Param::Text(Some(instant_text(v)))
    }
}
impl From<Option<OffsetDateTime>> for Param {
    fn from(v: Option<OffsetDateTime>) -> Self {
        Param::Text(v.map(instant_text))
    }
}
impl From<Date> for Param {
    fn from(v: Date) -> Self {
        Param::Text(Some(date_text(v)))
    }
}
impl From<Option<Date>> for Param {
    fn from(v: Option<Date>) -> Self {
        Param::Text(v.map(date_text))
    }
}
impl From<&FileNumber> for Param {
    fn from(v: &FileNumber) -> Self {
        Param::Text(Some(v.as_str().to_owned()))
    }
}
impl From<State> for Param {
    fn from(v: State) -> Self {
        Param::Text(Some(v.code().to_owned()))
    }
}
impl From<i64> for Param {
    fn from(v: i64) -> Self {
        Param::Int(Some(v))
    }
}
impl From<i32> for Param {
    fn from(v: i32) -> Self {
        Param::Int(Some(i64::from(v)))
    }
}
impl From<u32> for Param {
    fn from(v: u32) -> Self {
        Param::Int(Some(i64::from(v)))
    }
}
impl From<bool> for Param {
    fn from(v: bool) -> Self {
        Param::Bool(v)
    }
}
impl From<Uuid> for Param {
    fn from(v: Uuid) -> Self {
        Param::Id(Some(v))
    }
}
impl From<Option<Uuid>> for Param {
    fn from(v: Option<Uuid>) -> Self {
        Param::Id(v)
    }
}

/// Static SQL and its parameters, in order (`$1`, `$2`, …).
#[derive(Debug)]
pub struct Query {
    pub sql: &'static str,
    pub params: Vec<Param>,
}

/// A query of SQL text that both engines accept.
pub fn query(sql: &'static str) -> Query {
    Query {
        sql,
        params: Vec::new(),
    }
}

impl Query {
    pub fn bind(mut self, value: impl Into<Param>) -> Self {
        self.params.push(value.into());
        self
    }

    /// The table the query reads or writes first, for error messages.
    pub fn table(&self) -> &'static str {
        let sql = self.sql;
        ["FROM ", "INTO ", "UPDATE "]
            .iter()
            .filter_map(|kw| sql.find(kw).map(|at| at + kw.len()))
            .min()
            .and_then(|start| {
                sql[start..]
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .next()
            })
            .unwrap_or("?")
    }

    pub async fn execute(self, conn: &mut dyn Conn) -> Result<u64> {
        conn.execute(self).await
    }

    pub async fn fetch_all(self, conn: &mut dyn Conn) -> Result<Vec<Row>> {
        conn.fetch_all(self).await
    }

    pub async fn fetch_optional(self, conn: &mut dyn Conn) -> Result<Option<Row>> {
        Ok(conn.fetch_all(self).await?.into_iter().next())
    }

    pub async fn fetch_one(self, conn: &mut dyn Conn) -> Result<Row> {
        let table = self.table();
        self.fetch_optional(conn)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("{table}: an expected row is missing")))
    }
}

/// A value read from a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Text(String),
    Int(i64),
    Bool(bool),
    Id(Uuid),
}

/// One row of a result, with the names of its columns (shared by all rows of the result).
#[derive(Debug, Clone)]
pub struct Row {
    pub table: &'static str,
    pub columns: Arc<[String]>,
    pub values: Vec<Value>,
}

impl Row {
    fn value(&self, column: &str) -> Result<&Value> {
        self.columns
            .iter()
            .position(|c| c == column)
            .and_then(|i| self.values.get(i))
            .ok_or_else(|| self.corrupt(column, "no such column"))
    }

    /// A `Corrupt` error that names table, row (its `id`, `seq` or — shortened, it is a
    /// credential of sorts — `token_hash`, where it has one) and column.
    pub fn corrupt(&self, column: &str, problem: &str) -> StoreError {
        let key = self
            .columns
            .iter()
            .position(|c| ["id", "seq", "token_hash", "case_version"].contains(&c.as_str()));
        let row = key
            .and_then(|i| Some((self.columns.get(i)?, self.values.get(i)?)))
            .map(|(name, value)| match value {
                Value::Text(t) if name == "token_hash" => {
                    format!("{}…", t.chars().take(12).collect::<String>())
                }
                Value::Text(t) => t.clone(),
                Value::Int(i) => i.to_string(),
                Value::Id(u) => u.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => "NULL".into(),
            })
            .unwrap_or_else(|| "?".into());
        StoreError::Corrupt(format!(
            "table {}, row {row}, column {column}: {problem}",
            self.table
        ))
    }

    /// NULL as `None`, any other value read by `read`.
    fn optional<T>(&self, column: &str, read: fn(&Self, &str) -> Result<T>) -> Result<Option<T>> {
        match self.value(column)? {
            Value::Null => Ok(None),
            _ => read(self, column).map(Some),
        }
    }

    pub fn text(&self, column: &str) -> Result<String> {
        match self.value(column)? {
            Value::Text(t) => Ok(t.clone()),
            other => Err(self.corrupt(column, &format!("expected text, found {other:?}"))),
        }
    }

    pub fn opt_text(&self, column: &str) -> Result<Option<String>> {
        self.optional(column, Self::text)
    }

    pub fn int(&self, column: &str) -> Result<i64> {
        match self.value(column)? {
            Value::Int(i) => Ok(*i),
            other => Err(self.corrupt(column, &format!("expected an integer, found {other:?}"))),
        }
    }

    pub fn opt_int(&self, column: &str) -> Result<Option<i64>> {
        self.optional(column, Self::int)
    }

    /// A truth value: `BOOLEAN` on PostgreSQL, 0/1 on SQLite.
    pub fn bool(&self, column: &str) -> Result<bool> {
        match self.value(column)? {
            Value::Bool(b) => Ok(*b),
            Value::Int(0) => Ok(false),
            Value::Int(1) => Ok(true),
            other => Err(self.corrupt(column, &format!("expected true/false, found {other:?}"))),
        }
    }

    /// An id: `uuid` on PostgreSQL, its hyphenated text on SQLite.
    pub fn id(&self, column: &str) -> Result<Uuid> {
        match self.value(column)? {
            Value::Id(u) => Ok(*u),
            Value::Text(t) => {
                Uuid::parse_str(t).map_err(|_| self.corrupt(column, &format!("'{t}' is no id")))
            }
            other => Err(self.corrupt(column, &format!("expected an id, found {other:?}"))),
        }
    }

    pub fn opt_id(&self, column: &str) -> Result<Option<Uuid>> {
        self.optional(column, Self::id)
    }

    /// A value parsed from its stored text; a value that does not parse is corrupt data.
    pub fn parsed<T>(&self, column: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T> {
        let text = self.text(column)?;
        parse(&text).ok_or_else(|| self.corrupt(column, &format!("'{text}' is not valid here")))
    }

    /// An instant stored as RFC 3339 text.
    pub fn instant(&self, column: &str) -> Result<OffsetDateTime> {
        self.parsed(column, |t| OffsetDateTime::parse(t, &Rfc3339).ok())
    }

    pub fn opt_instant(&self, column: &str) -> Result<Option<OffsetDateTime>> {
        self.optional(column, Self::instant)
    }

    /// A date stored as `YYYY-MM-DD`.
    pub fn date(&self, column: &str) -> Result<Date> {
        self.parsed(column, parse_date_text)
    }

    pub fn opt_date(&self, column: &str) -> Result<Option<Date>> {
        self.optional(column, Self::date)
    }

    /// A file number as the store writes it.
    pub fn file_number(&self, column: &str) -> Result<FileNumber> {
        self.parsed(column, |t| {
            FileNumber::normalise(t).filter(|n| n.as_str() == t)
        })
    }

    /// JSON text deserialised.
    pub fn json<T: serde::de::DeserializeOwned>(&self, column: &str) -> Result<T> {
        let text = self.text(column)?;
        serde_json::from_str(&text).map_err(|e| self.corrupt(column, &e.to_string()))
    }
}

/// A connection (or a transaction on one) that runs [`Query`]s.
#[async_trait]
pub trait Conn: Send {
    async fn execute(&mut self, query: Query) -> Result<u64>;
    async fn fetch_all(&mut self, query: Query) -> Result<Vec<Row>>;
}

/// A transaction: rolled back when dropped without [`Tx::commit`].
#[async_trait]
pub trait Tx: Conn {
    async fn commit(self: Box<Self>) -> Result<()>;
}

/// What an sqlx driver gives the store: its way to bind [`Param`]s and to read rows into
/// [`Value`]s.
pub trait Engine: sqlx::Database {
    /// Binds an id the way the engine stores it.
    fn bind_id(query: EngineQuery<Self>, id: Option<Uuid>) -> EngineQuery<Self>;
    fn rows_affected(done: &<Self as sqlx::Database>::QueryResult) -> u64;
    /// The non-NULL value in column `i` of a row, whose type (or SQLite storage class) is
    /// `type_name`; `None` for a type the store never writes.
    fn value(
        row: &<Self as sqlx::Database>::Row,
        i: usize,
        type_name: &str,
    ) -> Result<Option<Value>>;
}

pub type EngineQuery<DB> = sqlx::query::Query<'static, DB, <DB as sqlx::Database>::Arguments>;

/// The engine's query of a [`Query`], its parameters bound.
pub fn bound<DB: Engine>(query: Query) -> EngineQuery<DB>
where
    Option<String>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .params
        .into_iter()
        .fold(sqlx::query(query.sql), |q, param| match param {
            Param::Text(v) => q.bind(v),
            Param::Int(v) => q.bind(v),
            Param::Bool(v) => q.bind(v),
            Param::Id(v) => DB::bind_id(q, v),
        })
}

/// The names of a result's columns, shared by its rows.
pub fn column_names<R: sqlx::Row>(row: &R) -> Arc<[String]> {
    use sqlx::Column as _;
    row.columns().iter().map(|c| c.name().to_owned()).collect()
}

/// One row of an engine as a [`Row`].
pub fn row_of<DB: Engine>(
    row: &<DB as sqlx::Database>::Row,
    columns: &Arc<[String]>,
    table: &'static str,
) -> Result<Row>
where
    usize: sqlx::ColumnIndex<<DB as sqlx::Database>::Row>,
{
    Ok(Row {
        table,
        columns: columns.clone(),
        values: (0..columns.len())
            .map(|i| {
                use sqlx::{Row as _, TypeInfo as _, ValueRef as _};
                let raw = row.try_get_raw(i)?;
                if raw.is_null() {
                    return Ok(Value::Null);
                }
                let type_name = raw.type_info().name().to_owned();
                DB::value(row, i, &type_name)?.ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "table {table}, column {}: a value of type {type_name}",
                        columns[i]
                    ))
                })
            })
            .collect::<Result<_>>()?,
    })
}

fn rows_of<DB: Engine>(
    rows: &[<DB as sqlx::Database>::Row],
    table: &'static str,
) -> Result<Vec<Row>>
where
    usize: sqlx::ColumnIndex<<DB as sqlx::Database>::Row>,
{
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let columns = column_names(first);
    rows.iter()
        .map(|row| row_of::<DB>(row, &columns, table))
        .collect()
}

/// A pooled connection or a transaction (`C`) of an engine, running the store's queries.
pub struct EngineConn<DB, C>(C, std::marker::PhantomData<DB>);

impl<DB, C> EngineConn<DB, C> {
    pub fn boxed(conn: C) -> Box<Self> {
        Box::new(Self(conn, std::marker::PhantomData))
    }
}

#[async_trait]
impl<DB, C> Conn for EngineConn<DB, C>
where
    DB: Engine,
    C: std::ops::DerefMut<Target = <DB as sqlx::Database>::Connection> + Send,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    usize: sqlx::ColumnIndex<<DB as sqlx::Database>::Row>,
    Option<String>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'c> &'c mut <DB as sqlx::Database>::Connection: sqlx::Executor<'c, Database = DB>,
{
    async fn execute(&mut self, query: Query) -> Result<u64> {
        let done = bound::<DB>(query).execute(&mut *self.0).await?;
        Ok(DB::rows_affected(&done))
    }

    async fn fetch_all(&mut self, query: Query) -> Result<Vec<Row>> {
        let table = query.table();
        rows_of::<DB>(&bound::<DB>(query).fetch_all(&mut *self.0).await?, table)
    }
}

#[async_trait]
impl<DB> Tx for EngineConn<DB, sqlx::Transaction<'static, DB>>
where
    DB: Engine,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    usize: sqlx::ColumnIndex<<DB as sqlx::Database>::Row>,
    Option<String>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'c> &'c mut <DB as sqlx::Database>::Connection: sqlx::Executor<'c, Database = DB>,
{
    async fn commit(self: Box<Self>) -> Result<()> {
        Ok(self.0.commit().await?)
    }
}

/// The two engines this store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// One statement with and without a row-lock clause: PostgreSQL takes the lock; SQLite, whose
/// one writer connection orders every write, takes the plain text. Made by [`locking!`].
#[derive(Debug, Clone, Copy)]
pub struct Locking {
    pub plain: &'static str,
    pub locked: &'static str,
}

impl Dialect {
    pub fn pick(self, statement: Locking) -> &'static str {
        match self {
            Dialect::Sqlite => statement.plain,
            Dialect::Postgres => statement.locked,
        }
    }
}

/// `locking!("SELECT … WHERE id = $1", "FOR UPDATE")`: a [`Locking`] of both texts.
macro_rules! locking {
    ($sql:literal, $lock:literal) => {
        $crate::sql::Locking {
            plain: $sql,
            locked: concat!($sql, " ", $lock),
        }
    };
}
pub(crate) use locking;

/// What a connection is for: SQLite reads on read-only connections beside its one writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// What differs between the engines; everything else is in [`store`].
#[async_trait]
pub trait Backend: Send + Sync + 'static {
    const DIALECT: Dialect;
    /// The migrations of this build for the engine.
    fn migrator(&self) -> &'static sqlx::migrate::Migrator;
    /// A connection for reads, or for a write of one statement.
    async fn conn(&self, access: Access) -> Result<Box<dyn Conn>>;
    /// A write transaction.
    async fn begin(&self) -> Result<Box<dyn Tx>>;
    /// The cases of the inbox query found through the engine's search index, or `None` when
    /// the index does not help with this term (the store then scans in inbox order).
    async fn inbox_by_index(
        &self,
        query: &InboxQuery,
        term: &str,
    ) -> Result<Option<Vec<crate::CaseSummary>>>;
    /// Feeds every audit entry in `seq` order to `visit` until it returns false.
    async fn scan_audit_entries(
        &self,
        visit: &mut (dyn for<'e> FnMut(&'e AuditEntry) -> bool + Send),
    ) -> Result<()>;
}
