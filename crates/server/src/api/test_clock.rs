//! The clock of a test or demo installation, moved by an administrator over the API.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Deserialize;

use super::{ApiJson, ApiUser, Problem, Result, lang_err};
use crate::App;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(super) struct ClockMove {
    /// Days to move the clock forward (1–400). A whole number; `3.0` is read as 3, as JSON
    /// Schema counts it an integer.
    #[schema(value_type = i64, minimum = 1, maximum = 400)]
    #[serde(deserialize_with = "whole_days")]
    advance_days: u32,
}

/// A whole number of days, also when written with a zero fraction (`3.0`).
fn whole_days<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<u32, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    n.as_u64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= f64::from(u32::MAX))
                .map(|f| f as u64)
        })
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| serde::de::Error::custom("a whole number of days"))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(super) struct ClockMoved {
    now: String,
    cases_checked: usize,
    deemed_withdrawals: usize,
    deemed_approvals: usize,
    deemed_statements: usize,
    reminders: usize,
}

/// Tests and demos only (`test_clock = true`): an administrator moves the clock forward and
/// the deadline jobs run at once. Answers 404 when the clock cannot be moved.
#[utoipa::path(post, path = "/api/v1/test/clock", tag = "test", security(("bearer" = [])), request_body = ClockMove,
    responses((status = 200, body = ClockMoved), (status = 404, body = Problem)))]
pub(super) async fn move_test_clock(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<ClockMove>,
) -> Result<Json<ClockMoved>> {
    let report = app
        .move_test_clock(&who, body.advance_days)
        .await
        .map_err(lang_err(&headers))?;
    Ok(Json(ClockMoved {
        now: app.now_text(),
        cases_checked: report.cases_checked,
        deemed_withdrawals: report.deemed_withdrawals,
        deemed_approvals: report.deemed_approvals,
        deemed_statements: report.deemed_statements,
        reminders: report.reminders,
    }))
}
