//! The web pages of amtsweg: server-rendered HTML, German first, English switchable.
//!
//! No JavaScript, no inline styles: everything works with plain forms, so the pages run
//! under the strict Content-Security-Policy of `amtsweg_server::http::finish`.
#![forbid(unsafe_code)]

mod assets;
mod errors;
mod format;
mod forms;
mod i18n;
mod layout;
mod pages;
mod session;

use std::sync::Arc;

use amtsweg_server::App;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};

use pages::{agency, cases, drafts, public, staff, uploads};

/// The state of the pages: the application, and what they keep of it.
pub struct Web {
    pub app: Arc<App>,
    authority_names: tokio::sync::RwLock<std::collections::HashMap<uuid::Uuid, String>>,
}

impl Web {
    /// The name of the signed-in staff member's or agency user's authority, for the header
    /// (read once per authority); nothing for applicants and visitors, who may deal with
    /// several authorities through the portal.
    pub async fn authority_name(&self, authority_id: Option<uuid::Uuid>) -> String {
        let Some(id) = authority_id else {
            return String::new();
        };
        if let Some(name) = self.authority_names.read().await.get(&id) {
            return name.clone();
        }
        match self.app.authority_name(id).await {
            Ok(Some(name)) => {
                self.authority_names.write().await.insert(id, name.clone());
                name
            }
            Ok(None) => String::new(),
            Err(e) => {
                tracing::debug!(error = %e, "authority name");
                String::new()
            }
        }
    }
}

pub fn router(app: Arc<App>) -> Router {
    // uploads are streamed and limited by the blob store; this only stops endless bodies
    // Twice the document limit: the blob store refuses what is over the limit itself; the rest of
    // such a body is read and discarded up to here, so the browser can show the error page.
    let upload_limit = usize::try_from(
        app.config
            .max_upload_bytes()
            .saturating_mul(2)
            .saturating_add(1024 * 1024),
    )
    .unwrap_or(usize::MAX);
    let web = Arc::new(Web {
        app,
        authority_names: Default::default(),
    });
    Router::new()
        .route("/", get(public::start))
        .route("/lang/{code}", get(public::set_lang))
        .route("/login", get(public::login_form).post(public::login))
        .route(
            "/register",
            get(public::register_form).post(public::register),
        )
        .route("/logout", post(public::logout))
        .route("/applications", get(cases::applications))
        .route("/drafts", post(drafts::create))
        .route(
            "/drafts/{id}/steps/{n}",
            get(drafts::step).post(drafts::save_step),
        )
        .route(
            "/drafts/{id}/documents",
            get(uploads::documents)
                .post(uploads::upload)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/drafts/{id}/documents/{doc}/delete", post(uploads::delete))
        .route("/drafts/{id}/review", get(drafts::review))
        .route("/drafts/{id}/submit", post(drafts::submit))
        .route("/cases/{id}", get(cases::case))
        .route("/cases/{id}/receipt", get(cases::receipt))
        .route(
            "/cases/{id}/notice",
            get(uploads::notice_page).post(uploads::notice),
        )
        .route(
            "/cases/{id}/supplements",
            post(uploads::supplement).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/cases/{id}/actions/{action}", post(cases::act))
        .route("/documents/{id}", get(uploads::download))
        .route("/mailbox", get(cases::mailbox))
        .route("/mailbox/{id}", get(cases::message))
        .route("/mailbox/{id}/read", post(cases::mark_read))
        .route("/work/inbox", get(staff::inbox))
        .route("/work/cases/{id}", get(staff::case))
        .route("/work/cases/{id}/actions/{action}", post(staff::act))
        .route(
            "/work/cases/{id}/participation/{request}/extension",
            post(staff::decide_extension),
        )
        .route("/participation", get(agency::inbox))
        .route("/participation/{id}", get(agency::request))
        .route("/participation/{id}/statement", post(agency::statement))
        .route("/participation/{id}/extension", post(agency::extension))
        .route(
            "/participation/{id}/attachments",
            post(agency::attachment).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/participation/{id}/documents/{document}",
            get(agency::document),
        )
        .route("/assets/{*path}", get(assets::serve))
        .fallback(errors::not_found)
        .layer(middleware::from_fn_with_state(
            web.clone(),
            errors::render_errors,
        ))
        .with_state(web)
}
