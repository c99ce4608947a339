//! What every HTTP response shares: security headers, request ids, tracing, health.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest `X-Request-Id` a client may give; longer or other ones are replaced.
const MAX_REQUEST_ID_LEN: usize = 64;

/// A client's request id is kept (so its logs and ours can be matched) only when it is a
/// plain token: letters, digits, `-`, `_`, `.`, `:`, at most 64. Anything else (line breaks
/// that forge log lines, megabytes, personal data) is dropped and a fresh one made.
pub fn is_plain_request_id(value: &[u8]) -> bool {
    !value.is_empty()
        && value.len() <= MAX_REQUEST_ID_LEN
        && value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

async fn drop_unplain_request_id(mut request: axum::extract::Request) -> axum::extract::Request {
    if let Some(value) = request.headers().get(&REQUEST_ID)
        && !is_plain_request_id(value.as_bytes())
    {
        request.headers_mut().remove(&REQUEST_ID);
    }
    request
}

/// Wraps the routes of API and pages with the layers every response needs. `https` is
/// whether the public address is https: then browsers are told to use nothing else (HSTS).
pub fn finish(
    routes: Router,
    https: bool,
    limits: std::sync::Arc<crate::limits::Limits>,
) -> Router {
    let headers = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    let mut router = routes.route("/healthz", get(|| async { "ok" }));
    if https {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            // path only: query strings may carry search terms with personal data
            let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-").to_string();
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(axum::middleware::from_fn_with_state(
            limits,
            crate::limits::guard,
        ))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(axum::middleware::map_request(drop_unplain_request_id))
}

#[cfg(test)]
mod tests {
    use super::is_plain_request_id;

    #[test]
    fn only_plain_request_ids_are_kept() {
        for id in [
            "abc",
            "0b6f1c2e-7a0d-4b8e-9c3f-2d1e0a9b8c7d",
            "trace:42.a_b",
        ] {
            assert!(is_plain_request_id(id.as_bytes()), "{id}");
        }
        for id in ["", "a b", "x\nforged=1", "ä", &"a".repeat(65)] {
            assert!(!is_plain_request_id(id.as_bytes()), "{id:?}");
        }
    }
}
