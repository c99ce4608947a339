//! The web pages of amtsweg: server-rendered HTML, German first, English switchable.
#![forbid(unsafe_code)]

use std::sync::Arc;

use amtsweg_server::App;
use axum::Router;

pub fn router(app: Arc<App>) -> Router {
    Router::new().with_state(app)
}
