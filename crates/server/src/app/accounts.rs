//! Registration, login, sessions.

use amtsweg_domain::Text;
use amtsweg_domain::audit::ActorId;
use amtsweg_domain::form::FieldError;
use amtsweg_domain::policy::{Access, Resource, Role};
use amtsweg_store::{Session, SessionKind, User};
use time::Duration;
use unicode_normalization::UnicodeNormalization;

use super::views::Account;
use super::{AdminActor, App, AppError, Principal, messages, problems};
use crate::auth;

pub struct NewAccount {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    pub authority_id: Option<uuid::Uuid>,
}

/// A fresh login: the token goes into the cookie or the Authorization header, once.
pub struct Login {
    pub token: String,
    pub csrf_token: String,
    pub user: Account,
    pub expires_at: time::OffsetDateTime,
}

pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// What a registration answers, whatever happened (see [`App::register`]).
pub fn registration_received() -> Text {
    Text::new(
        "Ihre Registrierung ist eingegangen. Bitte melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort an. War die Adresse schon registriert, erhält ihr Inhaber eine Nachricht.",
        "Your registration has been received. Please log in with your e-mail address and password. If the address was registered already, its owner receives a message.",
    )
}

impl App {
    /// Self-registration is open to applicants and architects; staff accounts are made by
    /// an administrator (or the demo seed) with [`App::create_account`].
    ///
    /// The answer does not tell whether the address had an account already (that would let
    /// anyone test addresses): both take the same work (the password is hashed either way),
    /// and the owner of a taken address gets a message instead (once per window).
    pub async fn register(&self, mut account: NewAccount) -> Result<(), AppError> {
        if !account.role.is_applicant_side() {
            return Err(AppError::Forbidden);
        }
        account.authority_id = None;
        let email = normalise_email(&account.email);
        match self.insert_account(account, None).await {
            Ok(_) => Ok(()),
            Err(AppError::Invalid(errors)) if errors.iter().all(|e| e.code == "email_taken") => {
                self.tell_owner_of_registration(&email).await
            }
            Err(e) => Err(e),
        }
    }

    async fn tell_owner_of_registration(&self, email: &str) -> Result<(), AppError> {
        let Some(owner) = self.store.user_by_email(email).await? else {
            return Ok(());
        };
        let object = format!("user:{}", owner.id);
        let now = self.now();
        if self
            .access_log
            .covered("system", "registration.attempted", &object, now)
        {
            return Ok(());
        }
        let message = messages::registration_attempted().to(owner.id, None);
        let audit = self.audit(
            "anonymous",
            "registration.attempted",
            object.clone(),
            serde_json::json!({}),
        );
        self.store.send_message(&message, now, audit).await?;
        self.access_log
            .written("system", "registration.attempted", &object, now);
        Ok(())
    }

    /// An account made by an administrator of the authority (staff, agency users) or at the
    /// console.
    pub async fn create_account(
        &self,
        by: &AdminActor<'_>,
        account: NewAccount,
    ) -> Result<Account, AppError> {
        if let AdminActor::User(who) = by {
            let Some(authority_id) = account.authority_id else {
                return Err(self
                    .deny(
                        who,
                        "users",
                        "an account made by a user belongs to an authority",
                    )
                    .await);
            };
            self.authorize(
                who,
                Access::Process,
                Resource::AuthorityUsers { authority_id },
                format!("authority:{authority_id}"),
            )
            .await?;
        }
        self.insert_account(account, Some(by.actor())).await
    }

    /// Checks and stores a new account; `created_by` is `None` for self-registration.
    async fn insert_account(
        &self,
        account: NewAccount,
        created_by: Option<ActorId>,
    ) -> Result<Account, AppError> {
        let email = normalise_email(&account.email);
        let display_name: String = account.display_name.trim().nfc().collect();
        let mut errors = Vec::new();
        let email_ok = email.len() <= 254
            && email
                .split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.ends_with('.'))
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if !email_ok {
            errors.push(problems::invalid_email());
        }
        if let Err(message) = auth::check_password_rules(&account.password) {
            errors.push(FieldError {
                field: "password".into(),
                code: "weak_password".into(),
                message,
            });
        }
        if display_name.is_empty() || display_name.chars().count() > 200 {
            errors.push(problems::name_required());
        } else if let Err((code, de, en)) = amtsweg_domain::form::check_name(
            &display_name,
            amtsweg_domain::din91379::NameDatatype::B,
        ) {
            errors.push(FieldError {
                field: "display_name".into(),
                code: code.into(),
                message: Text::new(de, en),
            });
        }
        if let Some(authority_id) = account.authority_id {
            let kind = self
                .store
                .authority(authority_id)
                .await?
                .map(|a| a.kind)
                .ok_or(AppError::NotFound)?;
            let fits = match account.role {
                Role::Agency => !kind.decides(),
                _ => kind.decides(),
            };
            if !fits {
                errors.push(problems::wrong_authority_kind());
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let password = account.password;
        let hash = auth::on_hash_thread(move || auth::hash_password(&password))
            .await
            .map_err(AppError::Internal)?
            .map_err(AppError::Internal)?;
        let user = User {
            id: App::new_id(),
            email,
            display_name,
            password_hash: hash,
            role: account.role,
            authority_id: account.authority_id,
            created_at: self.now(),
        };
        let actor = created_by.unwrap_or(ActorId::User(user.id));
        let audit = self.audit(
            &actor.code(),
            "account.created",
            format!("user:{}", user.id),
            serde_json::json!({ "role": user.role.code() }),
        );
        match self.store.insert_user(&user, audit).await {
            Ok(()) => Ok(user.into()),
            Err(amtsweg_store::StoreError::Conflict(_)) => {
                Err(AppError::Invalid(vec![problems::email_taken()]))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Checks the password and opens a new session (a new token at every login).
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        kind: SessionKind,
        client: Option<std::net::IpAddr>,
    ) -> Result<Login, AppError> {
        // no address is longer (RFC 5321: 254 octets); refused before anything is kept or read
        if email.trim().len() > 254 {
            return Err(problems::login_failed());
        }
        let email = normalise_email(email);
        let user = self.store.user_by_email(&email).await?;
        // the audit trail names the account by its id (a pseudonym), never by the address
        // someone typed; attempts at addresses without an account name none
        let account = user
            .as_ref()
            .map(|u| format!("user:{}", u.id))
            .unwrap_or_else(|| "login".to_string());
        if let Err(seconds) = self.login_throttle.check(&email, client, self.now()) {
            // one entry per account and window: a flood of refused attempts does not grow the trail
            self.audit_once(
                "anonymous",
                "login.throttled",
                account,
                serde_json::json!({}),
            )
            .await?;
            return Err(AppError::TooManyRequests {
                retry_after_secs: seconds,
            });
        }
        let stored = user.as_ref().map(|u| u.password_hash.clone());
        let password = password.to_string();
        let ok = auth::on_hash_thread(move || {
            let stored = stored.unwrap_or_else(|| auth::dummy_hash().to_string());
            auth::verify_password(&password, &stored)
        })
        .await
        .map_err(AppError::Internal)?;
        let Some(user) = user.filter(|_| ok) else {
            self.login_throttle.failed(&email, client, self.now());
            let audit = self.audit("anonymous", "login.failed", account, serde_json::json!({}));
            self.store.append_audit(vec![audit]).await?;
            return Err(problems::login_failed());
        };
        self.login_throttle.succeeded(&email, client);
        let token = auth::random_token().map_err(|e| AppError::Internal(e.to_string()))?;
        let csrf_token = auth::random_token().map_err(|e| AppError::Internal(e.to_string()))?;
        let now = self.now();
        let expires_at = now + Duration::hours(self.config.session_hours);
        let session = Session {
            token_hash: auth::token_hash(&token),
            user_id: user.id,
            kind,
            csrf_token: csrf_token.clone(),
            created_at: now,
            expires_at,
        };
        self.store.insert_session(&session).await?;
        let audit = self.audit(
            &user.id.to_string(),
            "login",
            format!("user:{}", user.id),
            serde_json::json!({ "kind": kind.code() }),
        );
        self.store.append_audit(vec![audit]).await?;
        Ok(Login {
            token,
            csrf_token,
            user: user.into(),
            expires_at,
        })
    }

    /// The user behind a session token, if the session is valid and of the expected kind.
    pub async fn principal(
        &self,
        token: &str,
        kind: SessionKind,
    ) -> Result<Option<Principal>, AppError> {
        let hash = auth::token_hash(token);
        let Some(session) = self.store.session(&hash).await? else {
            return Ok(None);
        };
        if session.kind != kind {
            return Ok(None);
        }
        let expired = session.expires_at <= self.now();
        if expired {
            self.store.delete_session(&hash).await?;
            return Ok(None);
        }
        let Some(user) = self.store.user(session.user_id).await? else {
            return Ok(None);
        };
        Ok(Some(Principal {
            user: user.into(),
            session_token_hash: hash,
            csrf_token: session.csrf_token,
        }))
    }

    pub async fn logout(&self, who: &Principal) -> Result<(), AppError> {
        self.store.delete_session(&who.session_token_hash).await?;
        let audit = self.audit(
            &who.user.id.to_string(),
            "logout",
            format!("user:{}", who.user.id),
            serde_json::json!({}),
        );
        self.store.append_audit(vec![audit]).await?;
        Ok(())
    }
}
