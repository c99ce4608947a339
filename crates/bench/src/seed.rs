//! Realistic cases in bulk, written straight into the tables (PostgreSQL: `COPY`; SQLite:
//! multi-row `INSERT`s), in transactions of a few thousand cases. Each case gets a draft,
//! documents (metadata; the bytes are one shared blob), its events and audit entries that
//! continue the existing chain, so `amtsweg audit verify` still passes. Seeded cases are
//! numbered in 2025 (`BG-2025-…`), so live submissions (this year) never collide.

use std::time::Instant;

use amtsweg_domain::audit::{AuditContent, chain};
use amtsweg_domain::case::{Case, Event};
use sqlx::{Connection, PgConnection, SqliteConnection};
use time::{Date, Duration};
use uuid::Uuid;

use crate::Db;
use crate::bulk::{Table, Val, copy_pg, insert_sqlite, write};
use crate::sample::{DOCUMENT_TYPES, FAMILY, GIVEN, PLACES, PROJECTS, Rng, STREETS};

/// Where seeded cases go, read from the database after the demo seed.
pub struct Target {
    pub authority_id: Uuid,
    pub caseworker_id: Uuid,
    pub service_version: String,
    /// Cases already seeded (they are numbered on from here).
    pub seeded: u64,
}

pub struct SeedReport {
    pub cases: u64,
    pub rows: u64,
    pub seconds: f64,
}

/// Adds `count` cases after those already seeded.
pub async fn seed(db: &Db, count: u64, batch: u64) -> Result<SeedReport, String> {
    let started = Instant::now();
    let target = target(db).await?;
    let mut rows = 0u64;
    let applicants = applicant_pool(db, &target).await?;
    let mut done = 0u64;
    while done < count {
        let n = batch.min(count - done);
        let first = target.seeded + done;
        let (mut head_seq, mut head_hash) = audit_head(db).await?;
        let tables = generate(
            &target,
            &applicants,
            first,
            n,
            &mut head_seq,
            &mut head_hash,
        );
        rows += tables.iter().map(|t| t.rows.len() as u64).sum::<u64>();
        write(db, &tables, &target, first + n, head_seq, &head_hash).await?;
        done += n;
        if done.is_multiple_of(batch * 20) || done == count {
            eprintln!(
                "  seeded {done}/{count} cases ({:.0} cases/s)",
                done as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    refresh_statistics(db).await?;
    Ok(SeedReport {
        cases: count,
        rows,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// After a bulk load PostgreSQL needs fresh statistics, which a live database gets from
/// autovacuum over time: without them the planner guessed the selectivity of
/// `search_text LIKE '%…%'` and a search by name at 1M cases took 333 ms instead of 7 ms, and
/// autovacuum would otherwise do this work in the middle of the measurements. SQLite keeps no
/// statistics unless asked, and the server does not ask, so its seed stays as it is.
async fn refresh_statistics(db: &Db) -> Result<(), String> {
    if let Db::Postgres(url) = db {
        let mut c = PgConnection::connect(url).await.map_err(err)?;
        sqlx::raw_sql("VACUUM (ANALYZE)")
            .execute(&mut c)
            .await
            .map_err(err)?;
    }
    Ok(())
}

async fn target(db: &Db) -> Result<Target, String> {
    let q_authority = "SELECT CAST(id AS TEXT) FROM authorities WHERE kind = 'building_authority' ORDER BY created_at LIMIT 1";
    let q_worker =
        "SELECT CAST(id AS TEXT) FROM users WHERE email = 'sachbearbeitung@demo.amtsweg.de'";
    let q_version = "SELECT version FROM service_versions WHERE service_id = 'baugenehmigung' ORDER BY loaded_at DESC LIMIT 1";
    let q_seeded = "SELECT CAST(COALESCE(MAX(last_number), 0) AS BIGINT) FROM file_number_counters WHERE year = 2025";
    let (a, w, v, s): (String, String, String, i64) = match db {
        Db::Postgres(url) => {
            let mut c = PgConnection::connect(url).await.map_err(err)?;
            (
                sqlx::query_scalar(q_authority)
                    .fetch_one(&mut c)
                    .await
                    .map_err(err)?,
                sqlx::query_scalar(q_worker)
                    .fetch_one(&mut c)
                    .await
                    .map_err(err)?,
                sqlx::query_scalar(q_version)
                    .fetch_one(&mut c)
                    .await
                    .map_err(err)?,
                sqlx::query_scalar(q_seeded)
                    .fetch_one(&mut c)
                    .await
                    .map_err(err)?,
            )
        }
        Db::Sqlite(path) => {
            let mut c = sqlite(path).await?;
            (
                sqlx::query_scalar(q_authority)
                    .fetch_one(&mut c)
                    .await
                    .map_err(err)?,
                sqlx::query_scalar(q_worker)
                    .fetch_one(&mut c)
                    .await
                    .map_err(err)?,
                sqlx::query_scalar(q_version)
                    .fetch_one(&mut c)
                    .await
                    .map_err(err)?,
                sqlx::query_scalar(q_seeded)
                    .fetch_one(&mut c)
                    .await
                    .map_err(err)?,
            )
        }
    };
    Ok(Target {
        authority_id: a.parse().map_err(err)?,
        caseworker_id: w.parse().map_err(err)?,
        service_version: v,
        seeded: s as u64,
    })
}

pub(crate) fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

pub(crate) async fn sqlite(path: &std::path::Path) -> Result<SqliteConnection, String> {
    let mut c = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .map_err(err)?;
    sqlx::raw_sql("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;")
        .execute(&mut c)
        .await
        .map_err(err)?;
    Ok(c)
}

/// Applicant accounts that seeded cases belong to (one per 20 cases, at most 50 000); they
/// cannot log in (their password hash is not a valid hash).
async fn applicant_pool(db: &Db, _target: &Target) -> Result<Vec<Uuid>, String> {
    let q =
        "SELECT CAST(id AS TEXT) FROM users WHERE email LIKE 'bench-applicant-%' ORDER BY email";
    let existing: Vec<String> = match db {
        Db::Postgres(url) => {
            let mut c = PgConnection::connect(url).await.map_err(err)?;
            sqlx::query_scalar(q).fetch_all(&mut c).await.map_err(err)?
        }
        Db::Sqlite(path) => {
            let mut c = sqlite(path).await?;
            sqlx::query_scalar(q).fetch_all(&mut c).await.map_err(err)?
        }
    };
    if !existing.is_empty() {
        return existing.iter().map(|s| s.parse().map_err(err)).collect();
    }
    let mut users = Table::new(
        "users",
        &[
            "id",
            "email",
            "display_name",
            "password_hash",
            "role",
            "authority_id",
            "created_at",
        ],
    );
    let mut rng = Rng(0x05ee_da99);
    let mut ids = Vec::new();
    for k in 0..50_000u64 {
        let id = Uuid::from_u64_pair(0xbe9c_0000_0000_0000, k);
        ids.push(id);
        let name = format!("{} {}", rng.pick(GIVEN), rng.pick(FAMILY));
        users.push(vec![
            id.into(),
            format!("bench-applicant-{k:06}@example.org").into(),
            name.into(),
            "!seeded: no login".into(),
            "applicant".into(),
            Val::Null,
            "2025-01-01T08:00:00Z".into(),
        ]);
    }
    match db {
        Db::Postgres(url) => {
            let mut c = PgConnection::connect(url).await.map_err(err)?;
            let mut tx = c.begin().await.map_err(err)?;
            copy_pg(&mut tx, &users).await?;
            tx.commit().await.map_err(err)?;
        }
        Db::Sqlite(path) => {
            let mut c = sqlite(path).await?;
            let mut tx = c.begin().await.map_err(err)?;
            insert_sqlite(&mut tx, &users).await?;
            tx.commit().await.map_err(err)?;
        }
    }
    Ok(ids)
}

async fn audit_head(db: &Db) -> Result<(i64, String), String> {
    let q = "SELECT seq, hash FROM audit_head WHERE id = 1";
    match db {
        Db::Postgres(url) => {
            let mut c = PgConnection::connect(url).await.map_err(err)?;
            sqlx::query_as(q).fetch_one(&mut c).await.map_err(err)
        }
        Db::Sqlite(path) => {
            let mut c = sqlite(path).await?;
            sqlx::query_as(q).fetch_one(&mut c).await.map_err(err)
        }
    }
}

fn rfc3339(date: Date, seconds: u64) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        date.year(),
        u8::from(date.month()),
        date.day(),
        7 + (seconds / 3600) % 10,
        (seconds / 60) % 60,
        seconds % 60
    )
}

fn ymd(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The rows of cases `first..first + n`.
fn generate(
    target: &Target,
    applicants: &[Uuid],
    first: u64,
    n: u64,
    head_seq: &mut i64,
    head_hash: &mut String,
) -> Vec<Table> {
    let mut drafts = Table::new(
        "drafts",
        &[
            "id",
            "owner_id",
            "authority_id",
            "service_id",
            "service_version",
            "form_json",
            "created_at",
            "updated_at",
            "case_id",
        ],
    );
    let mut cases = Table::new(
        "cases",
        &[
            "id",
            "authority_id",
            "file_number",
            "service_id",
            "service_version",
            "applicant_id",
            "draft_id",
            "state",
            "assignee_id",
            "applicant_name",
            "site_address",
            "search_text",
            "next_deadline",
            // the scheduler's date stays empty: seeded cases are not scheduled, so that no
            // deadline job writes while the benchmark measures reads and intake
            "next_job_on",
            "submitted_at",
            "updated_at",
            "version",
            "case_json",
            "form_json",
        ],
    );
    let mut documents = Table::new(
        "documents",
        &[
            "id",
            "draft_id",
            "case_id",
            "document_type",
            "file_name",
            "content_type",
            "size_bytes",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "origin",
        ],
    );
    let mut events = Table::new(
        "events",
        &[
            "case_id",
            "case_version",
            "kind",
            "payload",
            "state_after",
            "actor_id",
            "at",
        ],
    );
    let mut audit = Table::new(
        "audit_entries",
        &[
            "seq",
            "at",
            "actor",
            "action",
            "object",
            "detail",
            "prev_hash",
            "hash",
        ],
    );
    let today = time::macros::date!(2026 - 11 - 27);
    let year_start = time::macros::date!(2025 - 01 - 02);
    // one shared blob address: the bytes are not what is measured here
    let blob = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    for i in first..first + n {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (i + 1).wrapping_mul(0x2545_f491_4f6c_dd1d));
        let case_id = Uuid::from_u64_pair(0xca5e_0000_0000_0000, i);
        let draft_id = Uuid::from_u64_pair(0xd8af_0000_0000_0000, i);
        let applicant = applicants[(i % applicants.len() as u64) as usize];
        let submitted_day =
            year_start + Duration::days((i * 330 / 1_000_000 % 330) as i64 + rng.below(30) as i64);
        let submitted_at = rfc3339(submitted_day, rng.below(36_000));
        let file_number = format!("BG-2025-{:05}", i + 1);
        let given = rng.pick(GIVEN);
        let family = rng.pick(FAMILY);
        let applicant_name = format!("{given} {family}");
        let street = format!("{} {}", rng.pick(STREETS), 1 + rng.below(120));
        let place = rng.pick(PLACES);
        let site_address = format!(
            "{street}, {place}\nGemarkung Degerloch, Flur {}, Flurstück {}/{}",
            1 + rng.below(9),
            100 + rng.below(9000),
            1 + rng.below(20)
        );
        let search_text = format!("{file_number} {applicant_name} {site_address}").to_lowercase();
        let (postal, city) = place.split_once(' ').unwrap_or((place, ""));
        let form = serde_json::json!({
            "applicant_kind": "person", "applicant_given_name": given, "applicant_family_name": family,
            "applicant_street": street, "applicant_postal_code": postal, "applicant_city": city,
            "applicant_email": format!("antrag{i}@example.org"),
            "architect_name": "Łucja Nguyễn", "architect_chamber_number": "BW-12345",
            "representative_present": "false", "project_description": rng.pick(PROJECTS),
            "building_class": (1 + rng.below(3)).to_string(), "storeys": (1 + rng.below(3)).to_string(),
            "dwelling_units": (1 + rng.below(2)).to_string(), "gross_floor_area": (80 + rng.below(300)).to_string(),
            "construction_cost": (150_000 + rng.below(600_000)).to_string(),
            "site_street": street, "site_postal_code": postal, "site_city": city,
            "site_cadastral_district": "Degerloch", "site_flur": "4", "site_parcel": "1234/5",
            "procedure_type": "simplified", "deviations_requested": "false"
        })
        .to_string();
        // states spread over the process: new, taken over, complete and under check, decided
        let roll = rng.below(100);
        let (state, steps, deadline): (&str, u64, Option<i64>) = match roll {
            0..=29 => ("submitted", 0, Some(rng.below(30) as i64 - 5)),
            30..=54 => ("completeness_check", 1, Some(rng.below(40) as i64 - 10)),
            55..=84 => ("substantive_check", 2, Some(rng.below(90) as i64 - 10)),
            _ => ("withdrawn", 1, None),
        };
        let mut case = Case {
            state: state.to_string(),
            applicant_id: applicant,
            assignee_id: None,
            open_request: None,
            decision: None,
            notice_document_id: None,
            deadline_profile: Some("bw_simplified".into()),
            participations: Vec::new(),
            hearing: None,
            deemed_approval_waived: false,
        };
        let mut history = vec![(
            Event::Submitted {
                file_number: file_number.clone(),
            },
            "submitted",
            applicant.to_string(),
            "case.submitted",
        )];
        if state == "withdrawn" {
            history.push((
                Event::Withdrawn,
                "withdrawn",
                applicant.to_string(),
                "case.withdraw",
            ));
        } else {
            if steps >= 1 {
                case.assignee_id = Some(target.caseworker_id);
                history.push((
                    Event::TakenOver {
                        assignee_id: target.caseworker_id,
                    },
                    "completeness_check",
                    target.caseworker_id.to_string(),
                    "case.take_over",
                ));
            }
            if steps >= 2 {
                history.push((
                    Event::MarkedComplete,
                    "substantive_check",
                    target.caseworker_id.to_string(),
                    "case.confirm_complete",
                ));
            }
        }
        let next_deadline = deadline.map(|d| ymd(today + Duration::days(d)));
        let mut last_at = submitted_at.clone();
        for (v, (event, state_after, actor, action)) in history.iter().enumerate() {
            let at = if v == 0 {
                submitted_at.clone()
            } else {
                rfc3339(
                    submitted_day + Duration::days(2 * v as i64),
                    rng.below(36_000),
                )
            };
            events.push(vec![
                case_id.into(),
                (v as i64 + 1).into(),
                event.code().into(),
                serde_json::to_string(event).unwrap_or_default().into(),
                (*state_after).into(),
                actor.clone().into(),
                at.clone().into(),
            ]);
            let detail = if v == 0 {
                serde_json::json!({ "file_number": file_number, "draft": draft_id.to_string() })
            } else {
                serde_json::json!({ "version": v + 1 })
            };
            let entry = chain(
                (*head_seq > 0).then_some((*head_seq, head_hash.as_str())),
                AuditContent {
                    at: at.clone(),
                    actor: actor.clone(),
                    action: (*action).into(),
                    object: format!("case:{case_id}"),
                    detail: detail.to_string(),
                },
            );
            *head_seq = entry.seq;
            *head_hash = entry.hash.clone();
            audit.push(vec![
                entry.seq.into(),
                entry.content.at.into(),
                entry.content.actor.into(),
                entry.content.action.into(),
                entry.content.object.into(),
                entry.content.detail.into(),
                entry.prev_hash.into(),
                entry.hash.into(),
            ]);
            last_at = at;
        }
        drafts.push(vec![
            draft_id.into(),
            applicant.into(),
            target.authority_id.into(),
            "baugenehmigung".into(),
            target.service_version.as_str().into(),
            form.clone().into(),
            submitted_at.clone().into(),
            submitted_at.clone().into(),
            case_id.into(),
        ]);
        for (d, kind) in DOCUMENT_TYPES.iter().enumerate() {
            documents.push(vec![
                Uuid::from_u64_pair(0xd0c0_0000_0000_0000 | d as u64, i).into(),
                draft_id.into(),
                case_id.into(),
                (*kind).into(),
                format!("{kind}.pdf").into(),
                "application/pdf".into(),
                (50_000 + rng.below(4_000_000) as i64).into(),
                blob.into(),
                applicant.into(),
                submitted_at.clone().into(),
                "application".into(),
            ]);
        }
        cases.push(vec![
            case_id.into(),
            target.authority_id.into(),
            file_number.into(),
            "baugenehmigung".into(),
            target.service_version.as_str().into(),
            applicant.into(),
            draft_id.into(),
            state.into(),
            case.assignee_id.into(),
            applicant_name.into(),
            site_address.into(),
            search_text.into(),
            next_deadline.into(),
            Val::Null,
            submitted_at.into(),
            last_at.into(),
            (history.len() as i64).into(),
            serde_json::to_string(&case).unwrap_or_default().into(),
            form.into(),
        ]);
    }
    vec![drafts, cases, documents, events, audit]
}
