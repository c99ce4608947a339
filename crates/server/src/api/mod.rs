//! The JSON API under `/api/v1`.

use std::sync::Arc;

use axum::Router;

use crate::App;

pub fn router(app: Arc<App>) -> Router {
    Router::new().with_state(app)
}
