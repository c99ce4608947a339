//! What one client may hold of the server: who the client is (the peer, or the address a
//! trusted reverse proxy names), request bodies that must keep arriving at a minimum pace, and
//! how many requests with a body one client may have in flight at once.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::time::Instant;

use amtsweg_domain::text::Lang;

use crate::api::{ApiError, lang_of};
use crate::app::AppError;
use crate::config::LimitsConfig;

/// The client of a request: the peer address, or, when the peer is a trusted proxy, the
/// address it names in `X-Forwarded-For`. `None` where the request did not come over a socket
/// (tests in process).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientAddr>()
            .copied()
            .unwrap_or(ClientAddr(None)))
    }
}

/// The client address by the peer and the trusted proxies: the right-most address of
/// `X-Forwarded-For` that is not itself a trusted proxy (addresses further left are what the
/// client claims and can be forged).
pub fn client_addr(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let Some(forwarded) = forwarded_for else {
        return Some(peer);
    };
    let mut last = peer;
    for hop in forwarded.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(addr) if trusted.contains(&addr) => last = addr,
            Ok(addr) => return Some(addr),
            Err(_) => return Some(last),
        }
    }
    Some(last)
}

/// The shared state of the request limits.
pub struct Limits {
    config: LimitsConfig,
    /// Requests with a body in flight, per client.
    bodies: Mutex<HashMap<IpAddr, usize>>,
}

impl Limits {
    pub fn new(config: LimitsConfig) -> Arc<Self> {
        Arc::new(Limits {
            config,
            bodies: Mutex::new(HashMap::new()),
        })
    }

    fn take_body_slot(self: &Arc<Self>, client: IpAddr) -> Option<BodySlot> {
        let mut bodies = self.bodies.lock().ok()?;
        let count = bodies.entry(client).or_insert(0);
        if *count >= self.config.bodies_per_client {
            return None;
        }
        *count += 1;
        Some(BodySlot {
            limits: self.clone(),
            client,
        })
    }
}

/// One request with a body in flight; given back when the request is answered.
struct BodySlot {
    limits: Arc<Limits>,
    client: IpAddr,
}

impl Drop for BodySlot {
    fn drop(&mut self) {
        if let Ok(mut bodies) = self.limits.bodies.lock()
            && let Some(count) = bodies.get_mut(&self.client)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                bodies.remove(&self.client);
            }
        }
    }
}

fn has_body(request: &Request) -> bool {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return false;
    }
    let headers = request.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|n| n > 0)
}

/// Where a refusal goes: to the API (a problem, in the asked language) or to a page.
struct Target {
    api: bool,
    lang: Lang,
}

impl Target {
    fn of(request: &Request) -> Self {
        Target {
            api: request.uri().path().starts_with("/api/"),
            lang: lang_of(request.headers()),
        }
    }
}

/// The middleware: names the client, refuses a client's body beyond its share, and makes
/// every body keep its pace.
pub async fn guard(
    axum::extract::State(limits): axum::extract::State<Arc<Limits>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    let client = client_addr(peer, forwarded, &limits.config.trusted_proxies);
    request.extensions_mut().insert(ClientAddr(client));
    if !has_body(&request) {
        return next.run(request).await;
    }
    let slot = match client {
        Some(client) => match limits.take_body_slot(client) {
            Some(slot) => Some(slot),
            None => {
                tracing::warn!(%client, "too many requests with a body at once");
                return refusal(&Target::of(&request), AppError::TooManyTransfers);
            }
        },
        None => None,
    };
    let too_slow = Arc::new(AtomicBool::new(false));
    let pace = Pace {
        started: Instant::now(),
        received: 0,
        min_rate: limits.config.body_min_bytes_per_sec.max(1),
        grace: Duration::from_secs(limits.config.body_grace_secs),
        idle: Duration::from_secs(limits.config.body_idle_timeout_secs),
    };
    let target = Target::of(&request);
    let request = request.map(|body| paced(body, pace, too_slow.clone()));
    let response = next.run(request).await;
    drop(slot);
    if too_slow.load(Ordering::Relaxed) {
        tracing::warn!(client = ?client, "request body too slow: cut off");
        return refusal(&target, AppError::BodyTooSlow);
    }
    response
}

/// The pace a body must keep: after `grace`, at least `min_rate` bytes per second on
/// average, and never a pause longer than `idle`.
#[derive(Clone, Copy)]
struct Pace {
    started: Instant,
    received: u64,
    min_rate: u64,
    grace: Duration,
    idle: Duration,
}

impl Pace {
    /// By when the next piece must have arrived.
    fn next_due(&self, now: Instant) -> Instant {
        let earned = Duration::from_secs(self.received / self.min_rate);
        let idle_end = now + self.idle;
        self.started
            .checked_add(self.grace.saturating_add(earned))
            .map_or(idle_end, |due| due.min(idle_end))
    }
}

fn paced(body: Body, pace: Pace, too_slow: Arc<AtomicBool>) -> Body {
    let stream = body.into_data_stream();
    Body::from_stream(futures_util::stream::unfold(
        (stream, pace, too_slow, false),
        |(mut stream, mut pace, too_slow, ended)| async move {
            if ended {
                return None;
            }
            let due = pace.next_due(Instant::now());
            match tokio::time::timeout_at(due, stream.next()).await {
                Ok(Some(Ok(chunk))) => {
                    pace.received += chunk.len() as u64;
                    Some((Ok(chunk), (stream, pace, too_slow, false)))
                }
                Ok(Some(Err(e))) => Some((
                    Err(std::io::Error::other(e)),
                    (stream, pace, too_slow, true),
                )),
                Ok(None) => None,
                Err(_) => {
                    too_slow.store(true, Ordering::Relaxed);
                    Some((
                        Err(std::io::Error::new(
                            std::io::ErrorKind::TimedOut,
                            "request body too slow",
                        )),
                        (stream, pace, too_slow, true),
                    ))
                }
            }
        },
    ))
}

/// A refusal before or instead of the handler's answer: a problem for the API (as every
/// other, `ApiError`), a short text in both languages for the pages (the page layout lives in
/// the web crate, above this layer). The connection is closed: the rest of the body is not read.
fn refusal(target: &Target, error: AppError) -> Response {
    let mut response = if target.api {
        ApiError {
            error,
            lang: target.lang,
        }
        .into_response()
    } else {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let text = error.message();
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{}\n\n{}\n", text.de, text.en),
        )
            .into_response();
        if let Some(secs) = error.retry_after_secs() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    };
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_peer_unless_a_trusted_proxy_names_it() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let peer: IpAddr = "203.0.113.7".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let trusted = [proxy];
        // an untrusted peer cannot claim another address
        assert_eq!(
            client_addr(Some(peer), Some("1.2.3.4"), &trusted),
            Some(peer)
        );
        // the proxy names the client; what the client claimed further left is ignored
        assert_eq!(
            client_addr(Some(proxy), Some("1.2.3.4, 198.51.100.9"), &trusted),
            "198.51.100.9".parse().ok()
        );
        assert_eq!(client_addr(Some(proxy), None, &trusted), Some(proxy));
        assert_eq!(
            client_addr(Some(proxy), Some("junk"), &trusted),
            Some(proxy)
        );
        assert_eq!(client_addr(None, Some("1.2.3.4"), &trusted), None);
    }

    #[test]
    fn a_body_earns_time_by_what_it_sends() {
        let start = Instant::now();
        let mut pace = Pace {
            started: start,
            received: 0,
            min_rate: 1000,
            grace: Duration::from_secs(10),
            idle: Duration::from_secs(30),
        };
        assert_eq!(pace.next_due(start), start + Duration::from_secs(10));
        pace.received = 5000;
        assert_eq!(pace.next_due(start), start + Duration::from_secs(15));
        pace.received = 1_000_000;
        // fast so far, but a pause is still bounded
        assert_eq!(pace.next_due(start), start + Duration::from_secs(30));
    }
}
