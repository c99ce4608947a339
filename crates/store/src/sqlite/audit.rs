//! Reading the whole audit chain on SQLite, for `audit verify`: in ranges of `seq`, two read
//! ahead at once.

use sqlx::sqlite::SqlitePool;

use crate::*;

/// seq, at, actor, action, object, detail, prev_hash, hash
pub(super) type AuditRow = (i64, String, String, String, String, String, String, String);

/// Sequence numbers per page of the audit scan.
const AUDIT_PAGE: i64 = 10_000;

/// Ranges of `seq` read ahead, two at a time, in order.
pub(super) struct AuditRanges {
    reader: SqlitePool,
    last: i64,
    /// Where the next range to read starts; none once the last one is under way.
    planned: Option<i64>,
    reading: std::collections::VecDeque<(i64, tokio::task::JoinHandle<Result<String>>)>,
}

impl AuditRanges {
    pub(super) fn new(reader: SqlitePool, first: i64, last: i64) -> Self {
        let mut ranges = Self {
            reader,
            last,
            planned: Some(first),
            reading: Default::default(),
        };
        ranges.read_ahead();
        ranges
    }

    fn read_ahead(&mut self) {
        while self.reading.len() < 2
            && let Some(from) = self.planned
        {
            let to = from.saturating_add(AUDIT_PAGE - 1).min(self.last);
            self.planned = (to < self.last).then(|| to + 1);
            let reader = self.reader.clone();
            let page = tokio::spawn(async move {
                let json: String = sqlx::query_scalar(
                    "SELECT json_group_array(json_array(seq, at, actor, action, object, detail, prev_hash, hash) ORDER BY seq) \
                     FROM audit_entries WHERE seq BETWEEN $1 AND $2",
                )
                .bind(from)
                .bind(to)
                .fetch_one(&reader)
                .await?;
                Ok(json)
            });
            self.reading.push_back((to, page));
        }
    }

    /// The entries of the next range that has any; none at the end.
    pub(super) async fn next(&mut self) -> Result<Option<Vec<AuditRow>>> {
        loop {
            let Some((to, page)) = self.reading.pop_front() else {
                return Ok(None);
            };
            let json = page
                .await
                .map_err(|e| StoreError::Corrupt(format!("audit scan stopped: {e}")))??;
            let rows: Vec<AuditRow> = serde_json::from_str(&json).map_err(|e| {
                StoreError::Corrupt(format!("table audit_entries, up to seq {to}: {e}"))
            })?;
            if rows.is_empty() && to < self.last {
                // Only where entries were removed or renumbered: go on at the next one, so
                // that a far-off `seq` does not mean reading millions of empty ranges.
                for (_, page) in self.reading.drain(..) {
                    page.abort();
                }
                self.planned = sqlx::query_scalar(
                    "SELECT MIN(seq) FROM audit_entries WHERE seq > $1 AND seq <= $2",
                )
                .bind(to)
                .bind(self.last)
                .fetch_one(&self.reader)
                .await?;
                self.read_ahead();
                continue;
            }
            self.read_ahead();
            return Ok(Some(rows));
        }
    }
}

impl Drop for AuditRanges {
    fn drop(&mut self) {
        for (_, page) in &self.reading {
            page.abort();
        }
    }
}
