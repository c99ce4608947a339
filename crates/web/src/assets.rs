//! The style sheets and fonts, embedded in the binary and served under `/assets/`.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::errors::Failure;

macro_rules! asset {
    ($path:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../server/assets/",
            $path
        ))
    };
}

/// Path under `/assets/`, content type, bytes.
static ASSETS: &[(&str, &str, &[u8])] = &[
    ("app.css", "text/css; charset=utf-8", asset!("app.css")),
    (
        "kern/kern.min.css",
        "text/css; charset=utf-8",
        asset!("kern/kern.min.css"),
    ),
    (
        "kern/fonts/fira-sans.css",
        "text/css; charset=utf-8",
        asset!("kern/fonts/fira-sans.css"),
    ),
    (
        "kern/fonts/fira-sans/FiraSans-Light.woff2",
        "font/woff2",
        asset!("kern/fonts/fira-sans/FiraSans-Light.woff2"),
    ),
    (
        "kern/fonts/fira-sans/FiraSans-LightItalic.woff2",
        "font/woff2",
        asset!("kern/fonts/fira-sans/FiraSans-LightItalic.woff2"),
    ),
    (
        "kern/fonts/fira-sans/FiraSans-Regular.woff2",
        "font/woff2",
        asset!("kern/fonts/fira-sans/FiraSans-Regular.woff2"),
    ),
    (
        "kern/fonts/fira-sans/FiraSans-Italic.woff2",
        "font/woff2",
        asset!("kern/fonts/fira-sans/FiraSans-Italic.woff2"),
    ),
    (
        "kern/fonts/fira-sans/FiraSans-Medium.woff2",
        "font/woff2",
        asset!("kern/fonts/fira-sans/FiraSans-Medium.woff2"),
    ),
    (
        "kern/fonts/fira-sans/FiraSans-MediumItalic.woff2",
        "font/woff2",
        asset!("kern/fonts/fira-sans/FiraSans-MediumItalic.woff2"),
    ),
    (
        "kern/fonts/fira-sans/FiraSans-SemiBold.woff2",
        "font/woff2",
        asset!("kern/fonts/fira-sans/FiraSans-SemiBold.woff2"),
    ),
    (
        "kern/fonts/fira-sans/FiraSans-SemiBoldItalic.woff2",
        "font/woff2",
        asset!("kern/fonts/fira-sans/FiraSans-SemiBoldItalic.woff2"),
    ),
    (
        "kern/fonts/fira-sans/FiraSans-Bold.woff2",
        "font/woff2",
        asset!("kern/fonts/fira-sans/FiraSans-Bold.woff2"),
    ),
    (
        "kern/fonts/fira-sans/FiraSans-BoldItalic.woff2",
        "font/woff2",
        asset!("kern/fonts/fira-sans/FiraSans-BoldItalic.woff2"),
    ),
];

pub async fn serve(Path(path): Path<String>) -> Result<Response, Failure> {
    let Some((_, content_type, bytes)) = ASSETS.iter().find(|(p, _, _)| *p == path) else {
        return Err(Failure::App(amtsweg_server::app::AppError::NotFound));
    };
    let mut response = (*bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(response)
}
