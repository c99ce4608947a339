//! What the deciding authorities cover (postal codes, municipality keys), written and read
//! once for both engines.

use amtsweg_domain::authority::MUNICIPALITY_KEY_LENGTHS;
use uuid::Uuid;

use super::rows::*;
use super::{Conn, query};
use crate::*;

/// Replaces the coverage of an authority inside the caller's transaction.
pub(super) async fn replace_coverage_in(
    conn: &mut dyn Conn,
    authority_id: Uuid,
    coverage: &[Coverage],
) -> Result<()> {
    query("DELETE FROM authority_coverage WHERE authority_id = $1")
        .bind(authority_id)
        .execute(&mut *conn)
        .await?;
    for c in coverage {
        query(
            "INSERT INTO authority_coverage (authority_id, kind, key) VALUES ($1, $2, $3) \
             ON CONFLICT (authority_id, kind, key) DO NOTHING",
        )
        .bind(authority_id)
        .bind(c.code())
        .bind(c.key())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The authorities of a kind that cover a place, each with only its matching entries: a
/// postal code by the index, a municipality key by each of its leading parts (Land,
/// Regierungsbezirk, Kreis, municipality).
pub(super) async fn covering(
    conn: &mut dyn Conn,
    kind: AuthorityKind,
    postal_code: Option<&str>,
    municipality_key: Option<&str>,
) -> Result<Vec<CoveringAuthority>> {
    let [land, district, kreis, municipality] = MUNICIPALITY_KEY_LENGTHS.map(|n| {
        municipality_key
            .and_then(|k| k.get(..n))
            .map(str::to_string)
    });
    let rows = query(
        "SELECT a.*, c.kind AS coverage_kind, c.key AS coverage_key FROM authority_coverage c \
         JOIN authorities a ON a.id = c.authority_id WHERE a.kind = $1 AND ( \
         (c.kind = 'postal_code' AND c.key = $2) OR \
         (c.kind = 'municipality_key' AND c.key IN ($3, $4, $5, $6))) \
         ORDER BY a.name, a.id, c.kind, c.key",
    )
    .bind(kind.code())
    .bind(postal_code)
    .bind(land)
    .bind(district)
    .bind(kreis)
    .bind(municipality)
    .fetch_all(conn)
    .await?;
    let mut covering: Vec<CoveringAuthority> = Vec::new();
    for row in &rows {
        let authority = authority_from(row)?;
        let key = row.text("coverage_key")?;
        let coverage = row.parsed("coverage_kind", |k| Coverage::from_parts(k, &key))?;
        match covering.last_mut() {
            Some(last) if last.authority.id == authority.id => last.coverage.push(coverage),
            _ => covering.push(CoveringAuthority {
                authority,
                coverage: vec![coverage],
            }),
        }
    }
    Ok(covering)
}
