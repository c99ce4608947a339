//! Errors as RFC 7807 problem details with a stable machine `code`, and the extractors
//! that turn bad requests into such problems instead of plain text.

use amtsweg_domain::text::Lang;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use crate::app::AppError;

/// A problem (RFC 7807), in German or, with `Accept-Language: en`, in English.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A message for people.
    pub title: String,
    pub status: u16,
    /// Stable machine code, e.g. `validation_failed`, `not_found`, `payload_too_large`.
    pub code: String,
    /// Errors per field, for `validation_failed`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// An error on its way out of the API, with the language of the request.
pub struct ApiError {
    pub error: AppError,
    pub lang: Lang,
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError {
            error,
            lang: Lang::De,
        }
    }
}

impl ApiError {
    pub fn in_lang(self, headers: &HeaderMap) -> Self {
        ApiError {
            lang: lang_of(headers),
            ..self
        }
    }
}

pub fn lang_of(headers: &HeaderMap) -> Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.trim_start().to_ascii_lowercase().starts_with("en") {
        Lang::En
    } else {
        Lang::De
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.error;
        e.log("api");
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let problem = Problem {
            kind: format!("https://amtsweg.de/probleme/{}", e.code()),
            title: e.message().get(self.lang).to_string(),
            status: status.as_u16(),
            code: e.code().to_string(),
            errors: e
                .field_errors()
                .iter()
                .map(|f| ProblemField {
                    field: f.field.clone(),
                    code: f.code.clone(),
                    message: f.message.get(self.lang).to_string(),
                })
                .collect(),
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            // the rest of the body is not read: the client must not reuse this connection
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if let Some(secs) = e.retry_after_secs() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The largest JSON body the API reads (files are uploaded as bodies of their own, with the
/// document limit).
pub const JSON_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// JSON body whose rejections are problem details.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(req.headers());
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => {
                let (code, de, en) = match &rejection {
                    JsonRejection::MissingJsonContentType(_) => (
                        "unsupported_media_type",
                        "Bitte senden Sie JSON (Content-Type: application/json).".to_string(),
                        "Please send JSON (Content-Type: application/json).".to_string(),
                    ),
                    JsonRejection::JsonDataError(e) => (
                        "invalid_body",
                        format!(
                            "Die Angaben passen nicht zum erwarteten Aufbau: {}",
                            e.body_text()
                        ),
                        format!(
                            "The data does not fit the expected structure: {}",
                            e.body_text()
                        ),
                    ),
                    JsonRejection::JsonSyntaxError(_) => (
                        "invalid_json",
                        "Der Inhalt ist kein gültiges JSON.".to_string(),
                        "The body is not valid JSON.".to_string(),
                    ),
                    _ => (
                        "invalid_body",
                        "Der Inhalt konnte nicht gelesen werden.".to_string(),
                        "The body could not be read.".to_string(),
                    ),
                };
                let error = if code == "unsupported_media_type" {
                    AppError::UnsupportedMedia {
                        message: amtsweg_domain::Text::new(de, en),
                    }
                } else if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::RequestTooLarge {
                        limit: JSON_BODY_LIMIT as u64,
                    }
                } else {
                    AppError::bad_request(code, de, en)
                };
                Err(ApiError { error, lang })
            }
        }
    }
}

/// Query string whose rejections are problem details.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => Err(ApiError {
                error: AppError::bad_request(
                    "invalid_query",
                    format!("Ungültige Abfrageparameter: {}", e.body_text()),
                    format!("Invalid query parameters: {}", e.body_text()),
                ),
                lang,
            }),
            Err(_) => Err(ApiError {
                error: AppError::bad_request(
                    "invalid_query",
                    "Ungültige Abfrageparameter.",
                    "Invalid query parameters.",
                ),
                lang,
            }),
        }
    }
}

/// Path parameter as UUID; anything else is "not found" (never a 500, never a hint).
pub struct ApiId(pub uuid::Uuid);

impl<S: Send + Sync> FromRequestParts<S> for ApiId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        match axum::extract::Path::<uuid::Uuid>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(ApiId(id)),
            Err(_) => Err(ApiError {
                error: AppError::NotFound,
                lang,
            }),
        }
    }
}

/// Two UUID path parameters, e.g. a draft and one of its documents.
pub struct ApiIds(pub uuid::Uuid, pub uuid::Uuid);

impl<S: Send + Sync> FromRequestParts<S> for ApiIds {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        match axum::extract::Path::<(uuid::Uuid, uuid::Uuid)>::from_request_parts(parts, state)
            .await
        {
            Ok(axum::extract::Path((a, b))) => Ok(ApiIds(a, b)),
            Err(_) => Err(ApiError {
                error: AppError::NotFound,
                lang,
            }),
        }
    }
}
