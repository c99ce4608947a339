//! The mailbox (Postfach) over the API: reading changes nothing, marking read is a POST.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;

use super::{ApiId, ApiUser, MessageOut, Problem, Result, lang_err};
use crate::App;

/// The mailbox (Postfach): messages from the authority, newest first.
#[utoipa::path(get, path = "/api/v1/mailbox", tag = "mailbox", security(("bearer" = [])), responses((status = 200, body = Vec<MessageOut>)))]
pub(super) async fn list_messages(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
) -> Result<Json<Vec<MessageOut>>> {
    let messages = app.mailbox(&who).await.map_err(lang_err(&headers))?;
    Ok(Json(messages.iter().map(MessageOut::from).collect()))
}

/// One message, as it is (reading it changes nothing; see `POST …/read`).
#[utoipa::path(get, path = "/api/v1/mailbox/{id}", tag = "mailbox", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = MessageOut), (status = 404, body = Problem)))]
pub(super) async fn read_message(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
) -> Result<Json<MessageOut>> {
    let message = app.message(&who, id).await.map_err(lang_err(&headers))?;
    Ok(Json(MessageOut::from(&message)))
}

/// Marks a message read (the first time counts; repeating it changes nothing).
#[utoipa::path(post, path = "/api/v1/mailbox/{id}/read", tag = "mailbox", security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = MessageOut), (status = 404, body = Problem)))]
pub(super) async fn mark_message_read(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    ApiUser(who): ApiUser,
    ApiId(id): ApiId,
) -> Result<Json<MessageOut>> {
    let message = app
        .mark_message_read(&who, id)
        .await
        .map_err(lang_err(&headers))?;
    Ok(Json(MessageOut::from(&message)))
}
