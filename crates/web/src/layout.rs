//! The frame of every page: title, header with language switch, user and navigation.

use crate::i18n::{self, Lang, Strings};
use crate::session::{Ctx, encode_query, is_local_path};

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    /// `aria-current` value: "page", "true" or empty.
    pub current: &'static str,
}

pub struct UserBox {
    pub name: String,
    pub role: String,
}

/// What the base template needs.
pub struct Page {
    pub lang: &'static str,
    pub t: &'static Strings,
    pub title: String,
    pub authority: String,
    pub user: Option<UserBox>,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub lang_de_href: String,
    pub lang_en_href: String,
    pub is_de: bool,
    /// Show login and registration links in the header.
    pub show_login: bool,
    pub show_register: bool,
}

fn current(path: &str, href: &str, section: &[&str]) -> &'static str {
    let path = path.split('?').next().unwrap_or(path);
    if path == href {
        "page"
    } else if section.iter().any(|s| path.starts_with(s)) {
        "true"
    } else {
        ""
    }
}

impl Ctx {
    /// The frame of a page with this title.
    pub async fn page(&self, title: impl Into<String>) -> Page {
        let t = self.t();
        let here = self.here();
        let back = if is_local_path(&here) {
            encode_query(&here)
        } else {
            "/".to_string()
        };
        let mut nav = Vec::new();
        let mut user = None;
        let mut csrf = String::new();
        if let Some(p) = &self.principal {
            user = Some(UserBox {
                name: p.user.display_name.clone(),
                role: p.user.role.label().get(self.lang).to_string(),
            });
            csrf = p.csrf_token.clone();
            if p.user.role.is_applicant_side() {
                nav.push(NavItem {
                    href: "/applications",
                    label: t.nav_applications.to_string(),
                    current: current(&self.path, "/applications", &["/drafts", "/cases"]),
                });
            } else if p.user.role.is_staff() {
                nav.push(NavItem {
                    href: "/work/inbox",
                    label: t.nav_inbox.to_string(),
                    current: current(&self.path, "/work/inbox", &["/work/"]),
                });
            } else if p.user.role == amtsweg_domain::policy::Role::Agency {
                nav.push(NavItem {
                    href: "/participation",
                    label: t.nav_participation.to_string(),
                    current: current(&self.path, "/participation", &["/participation/"]),
                });
            }
            // reminders, requests and notices reach everyone but the administrator by mail
            if p.user.role != amtsweg_domain::policy::Role::Admin {
                let unread = match self.app().mailbox(p).await {
                    Ok(messages) => messages.iter().filter(|m| m.read_at.is_none()).count(),
                    Err(e) => {
                        tracing::warn!(error = %e, "unread count");
                        0
                    }
                };
                let label = if unread > 0 {
                    format!(
                        "{} ({})",
                        t.nav_mailbox,
                        i18n::unread_count(self.lang, unread)
                    )
                } else {
                    t.nav_mailbox.to_string()
                };
                nav.push(NavItem {
                    href: "/mailbox",
                    label,
                    current: current(&self.path, "/mailbox", &["/mailbox/"]),
                });
            }
        }
        let path_only = self.path.split('?').next().unwrap_or("");
        Page {
            lang: self.lang.code(),
            t,
            title: title.into(),
            authority: self
                .web
                .authority_name(self.principal.as_ref().and_then(|p| p.user.authority_id))
                .await,
            show_login: user.is_none() && path_only != "/login",
            show_register: user.is_none() && path_only != "/register",
            user,
            csrf,
            nav,
            lang_de_href: format!("/lang/de?back={back}"),
            lang_en_href: format!("/lang/en?back={back}"),
            is_de: self.lang == Lang::De,
        }
    }
}
