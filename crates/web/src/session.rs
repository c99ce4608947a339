//! The request context of a page: language, the logged-in person (from the session cookie),
//! CSRF checks, and the cookies the pages set.

use std::collections::HashMap;
use std::sync::Arc;

use amtsweg_domain::policy::SessionKind;
use amtsweg_server::app::{AppError, Principal};
use amtsweg_server::auth::{constant_time_eq, random_token};
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, Uri, header};
use cookie::{Cookie, SameSite};

use crate::Web;
use crate::errors::Failure;
use crate::forms::Fields;
use crate::i18n::{self, Lang, Strings};

/// The names of the site's cookies. Under https they carry the `__Host-` prefix: a browser
/// then accepts them only with `Secure`, for this very host and path `/`, so a neighbouring
/// subdomain can neither set nor overwrite them (a planted session or CSRF cookie).
#[derive(Debug, Clone, Copy)]
pub struct CookieNames {
    pub session: &'static str,
    pub csrf: &'static str,
    pub lang: &'static str,
}

pub const fn cookie_names(secure: bool) -> CookieNames {
    if secure {
        CookieNames {
            session: "__Host-amtsweg_session",
            csrf: "__Host-amtsweg_csrf",
            lang: "__Host-lang",
        }
    } else {
        CookieNames {
            session: "amtsweg_session",
            csrf: "amtsweg_csrf",
            lang: "lang",
        }
    }
}

/// Everything a page handler needs to know about the request.
pub struct Ctx {
    pub web: Arc<Web>,
    pub lang: Lang,
    pub principal: Option<Principal>,
    /// The double-submit CSRF cookie of the anonymous forms.
    pub anon_csrf: Option<String>,
    /// Path and query of this request.
    pub path: String,
    pub is_get: bool,
    pub request_id: Option<String>,
    /// The browser says the request comes from another site (`Origin`, `Sec-Fetch-Site`):
    /// a form sent from there is refused like a missing CSRF token.
    pub cross_site: bool,
    /// The client's address ([`amtsweg_server::limits::ClientAddr`]), for login throttling.
    pub client: Option<std::net::IpAddr>,
}

/// Whether the browser marks the request as sent from another site: `Sec-Fetch-Site` says
/// `cross-site` or `same-site` (a neighbouring subdomain), or the `Origin` is neither the
/// host the request was sent to nor the configured public address. Requests without these
/// headers (older browsers, other clients) rely on the CSRF token alone, and so does
/// `Origin: null`: browsers send it for their own forms too when the referrer policy is
/// `no-referrer` (ours), so it says nothing.
pub fn is_cross_site(headers: &HeaderMap, public_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site")
        && matches!(site.as_bytes(), b"cross-site" | b"same-site")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    if origin == "null" {
        return false;
    }
    let public_origin = public_url.trim_end_matches('/');
    let public_origin = public_origin
        .find("://")
        .and_then(|i| {
            public_origin[i + 3..]
                .find('/')
                .map(|j| &public_origin[..i + 3 + j])
        })
        .unwrap_or(public_origin);
    if origin.eq_ignore_ascii_case(public_origin) {
        return false;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    !matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

/// The cookies of a request; the first of a name wins.
pub fn cookies(headers: &HeaderMap) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for value in headers.get_all(header::COOKIE) {
        let Ok(text) = value.to_str() else { continue };
        for cookie in Cookie::split_parse(text).flatten() {
            out.entry(cookie.name().to_string())
                .or_insert_with(|| cookie.value().to_string());
        }
    }
    out
}

/// A path on this site: starts with one "/", no backslash, no control characters.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace())
        && path.len() <= 2000
}

/// Percent-encodes a query value.
pub fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

pub fn login_url(next: Option<&str>) -> String {
    match next.filter(|n| is_local_path(n)) {
        Some(next) => format!("/login?next={}", encode_query(next)),
        None => "/login".to_string(),
    }
}

impl Ctx {
    pub async fn from_request(
        web: Arc<Web>,
        headers: &HeaderMap,
        uri: &Uri,
        method: &Method,
    ) -> Result<Self, AppError> {
        let jar = cookies(headers);
        let names = cookie_names(web.app.config.secure_cookies());
        let cross_site = is_cross_site(headers, &web.app.config.public_url);
        let lang = jar
            .get(names.lang)
            .and_then(|l| Lang::parse(l))
            .unwrap_or_default();
        let session_token = jar
            .get(names.session)
            .filter(|t| !t.is_empty() && t.len() <= 200)
            .cloned();
        let principal = match &session_token {
            Some(token) => web.app.principal(token, SessionKind::Web).await?,
            None => None,
        };
        let anon_csrf = jar
            .get(names.csrf)
            .filter(|t| t.len() >= 32 && t.len() <= 100)
            .cloned();
        let path = uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".to_string());
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok(Ctx {
            web,
            lang,
            principal,
            anon_csrf,
            path,
            is_get: method == Method::GET || method == Method::HEAD,
            request_id,
            cross_site,
            client: None,
        })
    }

    pub fn t(&self) -> &'static Strings {
        i18n::t(self.lang)
    }

    pub fn app(&self) -> &amtsweg_server::App {
        &self.web.app
    }

    /// The logged-in person, or a redirect to the login (back here after it, for pages).
    pub fn user(&self) -> Result<&Principal, Failure> {
        match &self.principal {
            Some(p) => Ok(p),
            None => Err(Failure::Login(self.is_get.then(|| self.path.clone()))),
        }
    }

    /// Checks the CSRF token of a form sent by a logged-in person.
    fn check_csrf(&self, sent: Option<&str>) -> Result<(), Failure> {
        let user = self.user()?;
        match sent {
            Some(sent) if !self.cross_site && constant_time_eq(sent, &user.csrf_token) => Ok(()),
            _ => Err(Failure::Csrf),
        }
    }

    /// Checks the double-submit token of the anonymous forms (login, registration).
    fn check_anon_csrf(&self, sent: Option<&str>) -> Result<(), Failure> {
        match (sent, &self.anon_csrf) {
            (Some(sent), Some(cookie)) if !self.cross_site && constant_time_eq(sent, cookie) => {
                Ok(())
            }
            _ => Err(Failure::Csrf),
        }
    }

    /// The token for an anonymous form, and the cookie to set if there was none.
    pub fn anon_csrf_token(&self) -> Result<(String, Option<HeaderValue>), Failure> {
        if let Some(token) = &self.anon_csrf {
            return Ok((token.clone(), None));
        }
        let token = random_token().map_err(|e| AppError::Internal(e.to_string()))?;
        let secure = self.app().config.secure_cookies();
        let cookie = Cookie::build((cookie_names(secure).csrf, token.clone()))
            .http_only(true)
            .same_site(SameSite::Strict)
            .path("/")
            .secure(secure)
            .build();
        Ok((token, header_value(&cookie)))
    }

    /// A GET-able path of the page shown for this request (for the language switch).
    pub fn here(&self) -> String {
        if self.is_get {
            return self.path.clone();
        }
        let path = self.path.split('?').next().unwrap_or("/");
        let mut parts: Vec<&str> = path.split('/').collect();
        match parts.as_slice() {
            [.., "actions", _] => {
                parts.truncate(parts.len() - 2);
            }
            [.., "documents", _, "delete"] => {
                parts.truncate(parts.len() - 2);
            }
            [.., "submit"] => {
                parts.pop();
                parts.push("review");
            }
            [.., "supplements"] => {
                parts.pop();
            }
            ["", "drafts"] | ["", "logout"] => return "/".into(),
            _ => {}
        }
        let joined = parts.join("/");
        if joined.is_empty() {
            "/".into()
        } else {
            joined
        }
    }
}

impl FromRequestParts<Arc<Web>> for Ctx {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, web: &Arc<Web>) -> Result<Self, Failure> {
        let mut ctx = Ctx::from_request(web.clone(), &parts.headers, &parts.uri, &parts.method)
            .await
            .map_err(Failure::App)?;
        ctx.client = parts
            .extensions
            .get::<amtsweg_server::limits::ClientAddr>()
            .and_then(|c| c.0);
        Ok(ctx)
    }
}

/// A form posted by a signed-in person, its session CSRF token checked before the handler
/// runs. Page handlers get form fields only through this and the two below, so none can
/// forget the check (`crates/cli/tests/csrf.rs` tries every POST route).
pub struct SessionForm {
    pub ctx: Ctx,
    pub fields: Fields,
}

/// A form of the signed-out pages (login, registration): the double-submit cookie and field
/// must match.
pub struct AnonForm {
    pub ctx: Ctx,
    pub fields: Fields,
}

/// The logout form: the session token when there is a session; without one there is nothing
/// to protect, and logging out only clears the cookie.
pub struct LogoutForm {
    pub ctx: Ctx,
}

/// A multipart upload by a signed-in person whose first part, the CSRF token, is checked
/// before any file byte is read.
pub struct SessionMultipart {
    pub ctx: Ctx,
    pub multipart: Multipart,
}

async fn ctx_and_form(req: Request, web: &Arc<Web>) -> Result<(Ctx, Fields), Failure> {
    let (mut parts, body) = req.into_parts();
    let ctx = Ctx::from_request_parts(&mut parts, web).await?;
    let fields = Fields::read(Request::from_parts(parts, body)).await?;
    Ok((ctx, fields))
}

/// A failed CSRF check is on record (once per person, path and window) before it is answered.
async fn audited(ctx: &Ctx, check: Result<(), Failure>) -> Result<(), Failure> {
    match check {
        Err(failure) => Err(refused(ctx, failure).await),
        ok => ok,
    }
}

async fn refused(ctx: &Ctx, failure: Failure) -> Failure {
    if let Failure::Csrf = failure {
        let path = ctx.path.split('?').next().unwrap_or("/");
        ctx.app()
            .record_refusal(ctx.principal.as_ref(), "csrf.refused", path)
            .await;
    }
    failure
}

impl FromRequest<Arc<Web>> for SessionForm {
    type Rejection = Failure;

    async fn from_request(req: Request, web: &Arc<Web>) -> Result<Self, Failure> {
        let (ctx, fields) = ctx_and_form(req, web).await?;
        audited(&ctx, ctx.check_csrf(fields.get("csrf"))).await?;
        Ok(SessionForm { ctx, fields })
    }
}

impl FromRequest<Arc<Web>> for AnonForm {
    type Rejection = Failure;

    async fn from_request(req: Request, web: &Arc<Web>) -> Result<Self, Failure> {
        let (ctx, fields) = ctx_and_form(req, web).await?;
        audited(&ctx, ctx.check_anon_csrf(fields.get("csrf"))).await?;
        Ok(AnonForm { ctx, fields })
    }
}

impl FromRequest<Arc<Web>> for LogoutForm {
    type Rejection = Failure;

    async fn from_request(req: Request, web: &Arc<Web>) -> Result<Self, Failure> {
        let (ctx, fields) = ctx_and_form(req, web).await?;
        if ctx.principal.is_some() {
            audited(&ctx, ctx.check_csrf(fields.get("csrf"))).await?;
        }
        Ok(LogoutForm { ctx })
    }
}

/// The CSRF token as the first part of a multipart form, at most 200 bytes.
async fn first_part_token(multipart: &mut Multipart) -> Result<String, Failure> {
    let mut field = match multipart.next_field().await {
        Ok(Some(field)) if field.name() == Some("csrf") => field,
        _ => return Err(Failure::Csrf),
    };
    let mut token = Vec::new();
    while let Ok(Some(chunk)) = field.chunk().await {
        token.extend_from_slice(&chunk);
        if token.len() > 200 {
            return Err(Failure::Csrf);
        }
    }
    drop(field);
    String::from_utf8(token).map_err(|_| Failure::Csrf)
}

impl FromRequest<Arc<Web>> for SessionMultipart {
    type Rejection = Failure;

    async fn from_request(req: Request, web: &Arc<Web>) -> Result<Self, Failure> {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, web).await?;
        ctx.user()?;
        let multipart = Multipart::from_request(Request::from_parts(parts, body), web)
            .await
            .map_err(|_| Failure::Csrf);
        let checked = match multipart {
            Ok(mut multipart) => first_part_token(&mut multipart)
                .await
                .and_then(|token| ctx.check_csrf(Some(&token)))
                .map(|()| multipart),
            Err(e) => Err(e),
        };
        match checked {
            Ok(multipart) => Ok(SessionMultipart { ctx, multipart }),
            Err(failure) => Err(refused(&ctx, failure).await),
        }
    }
}

pub fn header_value(cookie: &Cookie<'_>) -> Option<HeaderValue> {
    HeaderValue::from_str(&cookie.to_string()).ok()
}

/// The session cookie after a login.
pub fn session_cookie(token: &str, secure: bool, hours: i64) -> Option<HeaderValue> {
    let cookie = Cookie::build((cookie_names(secure).session, token.to_string()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .max_age(time::Duration::hours(hours))
        .build();
    header_value(&cookie)
}

/// Removes the session cookie.
pub fn session_removal(secure: bool) -> Option<HeaderValue> {
    let cookie = Cookie::build((cookie_names(secure).session, ""))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .removal()
        .build();
    header_value(&cookie)
}

pub fn lang_cookie(lang: Lang, secure: bool) -> Option<HeaderValue> {
    let cookie = Cookie::build((cookie_names(secure).lang, lang.code()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .max_age(time::Duration::days(365))
        .build();
    header_value(&cookie)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn forms_from_other_sites_are_told_apart() {
        let public = "https://bau.example.de";
        let same = [
            headers(&[]),
            headers(&[
                ("origin", "https://bau.example.de"),
                ("sec-fetch-site", "same-origin"),
            ]),
            headers(&[
                ("origin", "http://127.0.0.1:4000"),
                ("host", "127.0.0.1:4000"),
            ]),
            headers(&[("sec-fetch-site", "none")]),
            // what Chromium sends for a form of our own under `Referrer-Policy: no-referrer`
            headers(&[("origin", "null"), ("sec-fetch-site", "same-origin")]),
        ];
        for h in &same {
            assert!(!is_cross_site(h, public), "{h:?}");
        }
        let cross = [
            headers(&[("origin", "https://evil.example")]),
            headers(&[("origin", "null"), ("sec-fetch-site", "cross-site")]),
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "https://x.example.de"),
            ]),
            headers(&[
                ("origin", "https://bau.example.de.evil.example"),
                ("host", "bau.example.de"),
            ]),
        ];
        for h in &cross {
            assert!(is_cross_site(h, public), "{h:?}");
        }
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/drafts/1/steps/2?x=1"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path(""));
        assert!(!is_local_path("/a\nb"));
        assert_eq!(
            login_url(Some("/cases/1?a=b")),
            "/login?next=/cases/1%3Fa%3Db"
        );
        assert_eq!(login_url(Some("//x")), "/login");
    }
}
