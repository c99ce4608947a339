//! Application services: one method per use case. Each loads what it needs, asks the domain,
//! and stores state, event and audit entries in one transaction of the store.

mod accounts;
mod cases;
mod deadlines;
mod directory;
mod documents;
mod drafts;
mod error;
mod jobs;
mod messages;
mod notice;
mod participation;
mod problems;
mod responsibility;
mod test_clock;
pub mod views;

use std::sync::Arc;

use amtsweg_domain::audit::{ActorId, AuditContent};
use amtsweg_domain::policy::{self, Access, Resource, Subject};
use amtsweg_store::Store;
use amtsweg_store::blob::BlobStore;
use time::OffsetDateTime;
use uuid::Uuid;

pub use accounts::{Login, NewAccount, registration_received};
pub use cases::{
    CaseAction, CaseView, INBOX_PAGE_SIZE, InboxFilter, MAX_DUE_WITHIN_DAYS, MAX_SEARCH_CHARS,
};
pub use directory::{AdminActor, NewAuthority};
pub use documents::{DocumentDownload, UploadSource};
pub use drafts::{DraftView, SubmitResult};
pub use error::{AppError, RETRY_AFTER_UNAVAILABLE_SECS};
pub use jobs::JobReport;
pub use participation::PartyRequestView;
pub use responsibility::Responsible;

use crate::clock::Clock;
use crate::config::Config;
use crate::services::Services;

/// A logged-in user, as every use case receives them.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: views::Account,
    pub session_token_hash: String,
    pub csrf_token: String,
}

impl Principal {
    pub fn actor(&self) -> ActorId {
        ActorId::User(self.user.id)
    }

    pub fn subject(&self) -> Subject {
        Subject {
            user_id: self.user.id,
            role: self.user.role,
            authority_id: self.user.authority_id,
        }
    }
}

/// The address the document store gave a blob, as the records keep it.
pub(crate) fn stored_hash(
    blob: &amtsweg_store::blob::StoredBlob,
) -> Result<amtsweg_domain::document::ContentHash, AppError> {
    amtsweg_domain::document::ContentHash::parse(&blob.sha256)
        .ok_or_else(|| AppError::Internal(format!("blob address '{}' is no SHA-256", blob.sha256)))
}

pub struct App {
    pub store: Arc<dyn Store>,
    pub blobs: BlobStore,
    pub services: Services,
    pub clock: Arc<dyn Clock>,
    /// Set only when the configuration allows moving the clock (tests, demos).
    pub test_clock: Option<Arc<crate::clock::OffsetClock>>,
    pub config: Config,
    pub login_throttle: crate::throttle::LoginThrottle,
    pub read_limiter: crate::throttle::ReadLimiter,
    pub access_log: crate::throttle::AccessLog,
}

impl App {
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// Why the instance cannot serve now, if it cannot: the database does not answer or its
    /// schema is not this build's, or documents cannot be written.
    pub async fn not_ready(&self) -> Option<String> {
        if let Err(e) = self.store.ready().await {
            return Some(match e {
                amtsweg_store::StoreError::Unavailable(_) => "database unreachable".to_string(),
                amtsweg_store::StoreError::StorageFull(_) => "database storage full".to_string(),
                other => format!("database: {other}"),
            });
        }
        if let Err(e) = self.blobs.check_writable().await {
            return Some(format!("documents not writable: {e}"));
        }
        None
    }

    pub fn now_text(&self) -> String {
        amtsweg_domain::text::instant_text(self.now())
    }

    pub(crate) fn audit(
        &self,
        actor: &str,
        action: &str,
        object: String,
        detail: serde_json::Value,
    ) -> AuditContent {
        AuditContent {
            at: self.now_text(),
            actor: actor.to_string(),
            action: action.to_string(),
            object,
            detail: detail.to_string(),
        }
    }

    /// Appends an entry unless the same actor's same action on the same object is on record
    /// in the current window ([`crate::throttle::AccessLog`]); durable before it returns.
    pub(crate) async fn audit_once(
        &self,
        actor: &str,
        action: &str,
        object: String,
        detail: serde_json::Value,
    ) -> Result<(), AppError> {
        let now = self.now();
        if self.access_log.covered(actor, action, &object, now) {
            return Ok(());
        }
        let entry = self.audit(actor, action, object.clone(), detail);
        self.store.append_audit(vec![entry]).await?;
        self.access_log.written(actor, action, &object, now);
        Ok(())
    }

    /// A read of a record by a signed-in person: counted against the account's reads per
    /// minute (429 beyond), and, where `audited`, on record once per window.
    pub(crate) async fn record_read(
        &self,
        who: &Principal,
        action: &str,
        object: String,
        detail: serde_json::Value,
        audited: bool,
    ) -> Result<(), AppError> {
        self.read_limiter
            .take(who.user.id, self.now())
            .map_err(|secs| AppError::SlowDown {
                retry_after_secs: secs,
            })?;
        if audited {
            self.audit_once(&who.user.id.to_string(), action, object, detail)
                .await?;
        }
        Ok(())
    }

    /// A request refused at the edge before any use case ran (a form without its CSRF token,
    /// or sent from another site): on record once per person (or anonymous), path and window;
    /// a signed-in person's refusals count against their reads per minute, beyond which they
    /// are only logged.
    pub async fn record_refusal(&self, who: Option<&Principal>, action: &str, path: &str) {
        let actor = match who {
            Some(p) => {
                if self.read_limiter.take(p.user.id, self.now()).is_err() {
                    tracing::warn!(user = %p.user.id, action, path, "refused (not audited: over the limit)");
                    return;
                }
                p.user.id.to_string()
            }
            None => "anonymous".to_string(),
        };
        tracing::warn!(actor, action, path, "request refused");
        if let Err(e) = self
            .audit_once(
                &actor,
                action,
                format!("path:{path}"),
                serde_json::json!({}),
            )
            .await
        {
            tracing::error!(error = %e, "recording a refusal");
        }
    }

    /// A refusal by role (403): logged, on record once per window, and returned as the error.
    pub(crate) async fn deny(&self, who: &Principal, object: &str, reason: &str) -> AppError {
        tracing::warn!(user = %who.user.id, object, reason, "access denied by role");
        match self
            .audit_once(
                &who.user.id.to_string(),
                "access.denied",
                object.to_string(),
                serde_json::json!({ "reason": reason, "role": who.user.role.code() }),
            )
            .await
        {
            Ok(()) => AppError::Forbidden,
            Err(e) => e,
        }
    }

    /// Asks the policy; a denial is logged and audited, and the caller sees "not found" so
    /// that foreign ids cannot even be confirmed to exist.
    pub(crate) async fn authorize(
        &self,
        who: &Principal,
        access: Access,
        resource: Resource,
        object: String,
    ) -> Result<(), AppError> {
        match policy::authorize(&who.subject(), access, resource) {
            Ok(()) => Ok(()),
            Err(denial) => {
                tracing::warn!(user = %who.user.id, %object, reason = denial.reason, "access denied");
                self.audit_once(
                    &who.user.id.to_string(),
                    "access.denied",
                    object,
                    serde_json::json!({ "reason": denial.reason, "access": format!("{access:?}") }),
                )
                .await?;
                Err(AppError::NotFound)
            }
        }
    }

    pub fn new_id() -> Uuid {
        Uuid::now_v7()
    }
}
