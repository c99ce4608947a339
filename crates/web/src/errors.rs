//! Errors of the pages: one place maps an `AppError` (or a failed CSRF check) to a page in
//! the common layout, with status, message and the request id.
//!
//! A handler returns `Failure`; its response carries an [`ErrorMark`]. The middleware
//! [`render_errors`] sees the mark and renders the error page with the full context of
//! the request (language, logged-in person), which `IntoResponse` alone does not have.

use std::sync::Arc;

use amtsweg_domain::Text;
use amtsweg_server::app::AppError;
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::Web;
use crate::layout::Page;
use crate::session::{Ctx, login_url};

/// Why a page could not be shown as asked.
pub enum Failure {
    App(AppError),
    Csrf,
    /// Not logged in: to the login, and back to this path afterwards.
    Login(Option<String>),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure::App(e)
    }
}

pub type PageResult = Result<Response, Failure>;

/// The error to render, attached to the response for [`render_errors`].
#[derive(Clone)]
pub struct ErrorMark {
    pub status: StatusCode,
    pub message: Text,
    pub login: bool,
    pub csrf: bool,
}

fn marked(status: StatusCode, message: Text, login: bool) -> Response {
    let mut response = (status, message.de.clone()).into_response();
    response.extensions_mut().insert(ErrorMark {
        status,
        message,
        login,
        csrf: false,
    });
    response
}

pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::Login(next) => see_other(&login_url(next.as_deref())),
            Failure::Csrf => {
                let mut response = marked(
                    StatusCode::FORBIDDEN,
                    Text::new(crate::i18n::DE.csrf_failed, crate::i18n::EN.csrf_failed),
                    false,
                );
                if let Some(mark) = response.extensions_mut().get_mut::<ErrorMark>() {
                    mark.csrf = true;
                }
                response
            }
            Failure::App(AppError::Unauthenticated) => marked(
                StatusCode::UNAUTHORIZED,
                AppError::Unauthenticated.message(),
                true,
            ),
            Failure::App(e) => {
                e.log("page");
                let status =
                    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let mut response = marked(status, e.message(), false);
                if let Some(secs) = e.retry_after_secs() {
                    response.headers_mut().insert(
                        axum::http::header::RETRY_AFTER,
                        axum::http::HeaderValue::from(secs),
                    );
                }
                response
            }
        }
    }
}

#[derive(Template)]
#[template(path = "pages/error.html")]
struct ErrorPage {
    page: Page,
    heading: String,
    message: String,
    request_id: Option<String>,
}

/// Renders a template; a template that fails to render is an internal error.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Interner Fehler / internal error",
            )
                .into_response()
        }
    }
}

pub async fn error_page(ctx: &Ctx, status: StatusCode, message: &Text, csrf: bool) -> Response {
    let t = ctx.t();
    let heading = match status.as_u16() {
        _ if csrf => t.csrf_title,
        404 => t.not_found_title,
        403 => t.forbidden_title,
        409 => t.conflict_title,
        400 | 413 | 415 | 422 => t.bad_request_title,
        _ => t.internal_title,
    };
    let message = if status == StatusCode::NOT_FOUND {
        t.not_found_text.to_string()
    } else {
        message.get(ctx.lang).to_string()
    };
    let page = ctx.page(heading).await;
    let mut response = render(
        status,
        &ErrorPage {
            page,
            heading: heading.to_string(),
            message,
            request_id: ctx.request_id.clone(),
        },
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// Renders the error pages of all routes of this crate (see the module comment). Pages
/// hold personal data, so whatever does not say otherwise is not stored by caches.
pub async fn render_errors(State(web): State<Arc<Web>>, request: Request, next: Next) -> Response {
    let headers = request.headers().clone();
    let uri = request.uri().clone();
    let method = request.method().clone();
    let mut response = next.run(request).await;
    let Some(mark) = response.extensions().get::<ErrorMark>().cloned() else {
        if !response.headers().contains_key(header::CACHE_CONTROL) {
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-store"),
            );
        }
        return response;
    };
    let ctx = match Ctx::from_request(web.clone(), &headers, &uri, &method).await {
        Ok(ctx) => ctx,
        Err(e) => {
            tracing::error!(error = %e, "context for an error page");
            return (mark.status, mark.message.de).into_response();
        }
    };
    if mark.login {
        let next = ctx.is_get.then(|| ctx.path.clone());
        return see_other(&login_url(next.as_deref()));
    }
    error_page(&ctx, mark.status, &mark.message, mark.csrf).await
}

/// Any path that is not a page.
pub async fn not_found() -> Failure {
    Failure::App(AppError::NotFound)
}
