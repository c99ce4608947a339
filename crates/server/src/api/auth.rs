//! API authentication: `Authorization: Bearer <token>` from `POST /api/v1/sessions`.
//! Cookies are not accepted here, so the API needs no CSRF protection.

use std::sync::Arc;

use amtsweg_domain::policy::SessionKind;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::problem::{ApiError, lang_of};
use crate::App;
use crate::app::{AppError, Principal};

/// The logged-in API client.
pub struct ApiUser(pub Principal);

impl FromRequestParts<Arc<App>> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<App>,
    ) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer_token)
            .filter(|t| !t.is_empty() && t.len() <= 128);
        let Some(token) = token else {
            return Err(ApiError {
                error: AppError::Unauthenticated,
                lang,
            });
        };
        match app.principal(token, SessionKind::Api).await {
            Ok(Some(principal)) => Ok(ApiUser(principal)),
            Ok(None) => Err(ApiError {
                error: AppError::Unauthenticated,
                lang,
            }),
            Err(error) => Err(ApiError { error, lang }),
        }
    }
}

/// The token of an `Authorization: Bearer <token>` value; the scheme name is
/// case-insensitive (RFC 9110, 11.1), so `bearer` and `BEARER` are the same.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim_start().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn the_scheme_is_case_insensitive() {
        for value in ["Bearer abc", "bearer abc", "BEARER  abc ", " Bearer abc"] {
            assert_eq!(bearer_token(value), Some("abc"), "{value}");
        }
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearerabc"), None);
    }
}
