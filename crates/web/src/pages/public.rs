//! Start page, language switch, login, registration and logout.

use amtsweg_domain::Text;
use amtsweg_domain::form::FieldError;
use amtsweg_domain::policy::Role;
use amtsweg_domain::policy::SessionKind;
use amtsweg_server::app::{AppError, NewAccount, Principal};
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;

use crate::errors::{Failure, PageResult, render, see_other};
use crate::forms::ErrorLink;
use crate::i18n::Lang;
use crate::layout::Page;
use crate::session::{self, AnonForm, Ctx, LogoutForm, is_local_path};

pub struct ServiceCard {
    pub id: String,
    pub name: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "pages/start.html")]
struct StartPage {
    page: Page,
    services: Vec<ServiceCard>,
    can_apply: bool,
    is_staff: bool,
    logged_in: bool,
}

pub async fn start(ctx: Ctx) -> PageResult {
    let lang = ctx.lang;
    let services = ctx
        .app()
        .services
        .all()
        .map(|s| ServiceCard {
            id: s.id.clone(),
            name: s.name.get(lang).to_string(),
            summary: s.summary.get(lang).to_string(),
        })
        .collect();
    let role = ctx.principal.as_ref().map(|p| p.user.role);
    let page = ctx.page(ctx.t().start_title).await;
    Ok(render(
        StatusCode::OK,
        &StartPage {
            page,
            services,
            can_apply: role.is_some_and(Role::is_applicant_side),
            is_staff: role.is_some_and(Role::is_staff),
            logged_in: role.is_some(),
        },
    ))
}

#[derive(Deserialize)]
pub struct BackQuery {
    back: Option<String>,
}

/// Sets the language cookie and goes back to the page (a local path only).
pub async fn set_lang(
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<BackQuery>,
) -> PageResult {
    let lang = Lang::parse(&code).ok_or(Failure::App(AppError::NotFound))?;
    let back = q
        .back
        .filter(|b| is_local_path(b))
        .unwrap_or_else(|| "/".into());
    let mut response = see_other(&back);
    if let Some(cookie) = session::lang_cookie(lang, ctx.app().config.secure_cookies()) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    /// Set after a registration: the page says it was received (whatever became of it).
    registered: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/login.html")]
struct LoginPage {
    page: Page,
    form_csrf: String,
    next: String,
    email: String,
    errors: Vec<ErrorLink>,
    error: Option<String>,
    done: Option<String>,
}

async fn login_page(
    ctx: &Ctx,
    next: String,
    email: String,
    error: Option<Text>,
    notice: Option<Text>,
    status: StatusCode,
) -> PageResult {
    let (token, cookie) = ctx.anon_csrf_token()?;
    let page = ctx.page(ctx.t().login_title).await;
    let error = error.map(|e| e.get(ctx.lang).to_string());
    let errors = error
        .iter()
        .map(|e| ErrorLink {
            href: "#email".into(),
            text: e.clone(),
        })
        .collect();
    let response = render(
        status,
        &LoginPage {
            page,
            form_csrf: token,
            next,
            email,
            errors,
            error,
            done: notice.map(|n| n.get(ctx.lang).to_string()),
        },
    );
    Ok(no_store(with_cookie(response, cookie)))
}

pub async fn login_form(ctx: Ctx, Query(q): Query<NextQuery>) -> PageResult {
    let next = q.next.filter(|n| is_local_path(n)).unwrap_or_default();
    let notice = q
        .registered
        .is_some()
        .then(amtsweg_server::app::registration_received);
    login_page(&ctx, next, String::new(), None, notice, StatusCode::OK).await
}

fn landing(principal_role: Role, next: &str) -> String {
    if is_local_path(next) {
        next.to_string()
    } else if principal_role.is_staff() {
        "/work/inbox".into()
    } else if principal_role.is_applicant_side() {
        "/applications".into()
    } else if principal_role == Role::Agency {
        "/participation".into()
    } else {
        "/".into()
    }
}

/// Logs in; an older session of this browser is ended first.
async fn open_session(
    ctx: &Ctx,
    email: &str,
    password: &str,
    next: &str,
) -> Result<Response, AppError> {
    let login = ctx
        .app()
        .login(email, password, SessionKind::Web, ctx.client)
        .await?;
    if let Some(old) = &ctx.principal
        && let Err(e) = ctx.app().logout(old).await
    {
        tracing::warn!(error = %e, "ending the previous session");
    }
    let config = &ctx.app().config;
    let cookie =
        session::session_cookie(&login.token, config.secure_cookies(), config.session_hours);
    Ok(no_store(with_cookie(
        see_other(&landing(login.user.role, next)),
        cookie,
    )))
}

pub async fn login(AnonForm { ctx, fields }: AnonForm) -> PageResult {
    let email = fields.get("email").unwrap_or("").trim().to_string();
    let password = fields.get("password").unwrap_or("");
    let next = fields
        .get("next")
        .filter(|n| is_local_path(n))
        .unwrap_or("")
        .to_string();
    match open_session(&ctx, &email, password, &next).await {
        Ok(response) => Ok(response),
        Err(
            e @ (AppError::BadRequest { .. }
            | AppError::Invalid(_)
            | AppError::TooManyRequests { .. }),
        ) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
            login_page(&ctx, next, email, Some(e.message()), None, status).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "pages/register.html")]
struct RegisterPage {
    page: Page,
    form_csrf: String,
    display_name: String,
    email: String,
    role: String,
    errors: Vec<ErrorLink>,
    error_display_name: Option<String>,
    error_email: Option<String>,
    error_password: Option<String>,
    error_password_repeat: Option<String>,
    error_role: Option<String>,
}

struct RegisterInput {
    display_name: String,
    email: String,
    role: String,
}

async fn register_page(
    ctx: &Ctx,
    input: RegisterInput,
    errors: &[FieldError],
    status: StatusCode,
) -> PageResult {
    let (token, cookie) = ctx.anon_csrf_token()?;
    let lang = ctx.lang;
    let find = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.get(lang).to_string())
    };
    let links = errors
        .iter()
        .map(|e| ErrorLink {
            href: match e.field.as_str() {
                "role" => "#role-applicant".to_string(),
                other => format!("#{other}"),
            },
            text: e.message.get(lang).to_string(),
        })
        .collect();
    let page = ctx.page(ctx.t().register_title).await;
    let response = render(
        status,
        &RegisterPage {
            page,
            form_csrf: token,
            errors: links,
            error_display_name: find("display_name"),
            error_email: find("email"),
            error_password: find("password"),
            error_password_repeat: find("password_repeat"),
            error_role: find("role"),
            display_name: input.display_name,
            email: input.email,
            role: input.role,
        },
    );
    Ok(no_store(with_cookie(response, cookie)))
}

pub async fn register_form(ctx: Ctx) -> PageResult {
    let input = RegisterInput {
        display_name: String::new(),
        email: String::new(),
        role: String::new(),
    };
    register_page(&ctx, input, &[], StatusCode::OK).await
}

fn field_error(field: &str, message: Text) -> FieldError {
    FieldError {
        field: field.into(),
        code: "invalid".into(),
        message,
    }
}

pub async fn register(AnonForm { ctx, fields }: AnonForm) -> PageResult {
    let t_de = &crate::i18n::DE;
    let t_en = &crate::i18n::EN;
    let input = RegisterInput {
        display_name: fields.get("display_name").unwrap_or("").to_string(),
        email: fields.get("email").unwrap_or("").trim().to_string(),
        role: fields.get("role").unwrap_or("").to_string(),
    };
    let password = fields.get("password").unwrap_or("").to_string();
    let mut errors = Vec::new();
    let role = match input.role.as_str() {
        "applicant" => Some(Role::Applicant),
        "architect" => Some(Role::Architect),
        _ => {
            errors.push(field_error(
                "role",
                Text::new(t_de.role_missing, t_en.role_missing),
            ));
            None
        }
    };
    if fields.get("password_repeat").unwrap_or("") != password {
        errors.push(field_error(
            "password_repeat",
            Text::new(t_de.password_mismatch, t_en.password_mismatch),
        ));
    }
    let account = NewAccount {
        email: input.email.clone(),
        password: password.clone(),
        display_name: input.display_name.clone(),
        role: role.unwrap_or(Role::Applicant),
        authority_id: None,
    };
    if role.is_some() && errors.is_empty() {
        // the same answer for a new address and a taken one: the login page next
        match ctx.app().register(account).await {
            Ok(()) => return Ok(see_other("/login?registered=1")),
            Err(AppError::Invalid(found)) => errors.extend(found),
            Err(e) => return Err(e.into()),
        }
    }
    register_page(&ctx, input, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn logout(LogoutForm { ctx }: LogoutForm) -> PageResult {
    let secure = ctx.app().config.secure_cookies();
    let principal: Option<&Principal> = ctx.principal.as_ref();
    if let Some(principal) = principal {
        ctx.app().logout(principal).await?;
    }
    Ok(no_store(with_cookie(
        see_other("/"),
        session::session_removal(secure),
    )))
}
