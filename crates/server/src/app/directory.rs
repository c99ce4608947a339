//! The authorities and the directory of parties each one may ask: changed by an administrator
//! of the authority or at the server's console, authorised and audited like every change.

use amtsweg_domain::audit::ActorId;
use amtsweg_domain::authority::Coverage;
use amtsweg_domain::calendar::State;
use amtsweg_domain::participation;
use amtsweg_domain::policy::{Access, Resource};
use amtsweg_store::{Authority, AuthorityKind, DirectoryEntry};
use uuid::Uuid;

use super::views::AuthorityInfo;
use super::{App, AppError, Principal, problems};

/// Who changes authorities, their directories or their accounts.
pub enum AdminActor<'a> {
    /// A user signed in: the policy decides (an administrator of that authority).
    User(&'a Principal),
    /// A person at the server's console (`amtsweg authority …`, `amtsweg user add`, by the
    /// name given with `--actor`), or amtsweg itself seeding the demo. Whoever can run these
    /// commands holds the configuration and the database credentials, so no policy can
    /// refuse them more than that; what they do is named in the audit trail all the same.
    Console(ActorId),
}

impl AdminActor<'_> {
    pub(crate) fn actor(&self) -> ActorId {
        match self {
            AdminActor::User(who) => who.actor(),
            AdminActor::Console(actor) => actor.clone(),
        }
    }
}

/// A new authority, agency or municipality.
pub struct NewAuthority {
    pub name: String,
    /// Postal address, lines separated by `\n`.
    pub address: String,
    pub kind: AuthorityKind,
    pub state: State,
    /// What it covers (authorities that decide applications; empty for the others).
    pub coverage: Vec<Coverage>,
}

impl App {
    /// Every authority, agency and municipality (the console's list; names and addresses of
    /// public bodies, no personal data).
    pub async fn authorities(&self) -> Result<Vec<AuthorityInfo>, AppError> {
        Ok(super::views::all(self.store.authorities().await?))
    }

    /// The name of an authority (public: names of public bodies are no personal data).
    pub async fn authority_name(&self, id: Uuid) -> Result<Option<String>, AppError> {
        Ok(self.store.authority(id).await?.map(|a| a.name))
    }

    pub(crate) async fn authorize_admin(
        &self,
        by: &AdminActor<'_>,
        resource: Resource,
        object: String,
    ) -> Result<(), AppError> {
        match by {
            AdminActor::User(who) => self.authorize(who, Access::Process, resource, object).await,
            AdminActor::Console(_) => Ok(()),
        }
    }

    /// Adds an authority, agency or municipality. Only at the console: no signed-in user
    /// creates authorities.
    pub async fn add_authority(
        &self,
        by: &AdminActor<'_>,
        new: NewAuthority,
    ) -> Result<AuthorityInfo, AppError> {
        if let AdminActor::User(who) = by {
            tracing::warn!(user = %who.user.id, "access denied: adding an authority");
            return Err(self
                .deny(who, "authorities", "authorities are added at the console")
                .await);
        }
        let name = new.name.trim().to_string();
        let address = new.address.trim().to_string();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(problems::invalid_name());
        }
        if address.chars().count() > 500 || address.chars().any(|c| c.is_control() && c != '\n') {
            return Err(problems::invalid_address());
        }
        let authority = Authority {
            id: App::new_id(),
            name,
            address,
            kind: new.kind,
            state: new.state,
            created_at: self.now(),
        };
        let audit = self.audit(
            &by.actor().code(),
            "authority.created",
            format!("authority:{}", authority.id),
            serde_json::json!({ "kind": authority.kind.code(), "state": authority.state.code() }),
        );
        self.store.insert_authority(&authority, audit).await?;
        if !new.coverage.is_empty() {
            self.set_coverage(by, authority.id, new.coverage).await?;
        }
        Ok(authority.into())
    }

    /// Adds an agency or municipality to an authority's directory, or changes its topic.
    pub async fn add_to_directory(
        &self,
        by: &AdminActor<'_>,
        authority_id: Uuid,
        party_id: Uuid,
        topic: &str,
    ) -> Result<(), AppError> {
        self.authorize_admin(
            by,
            Resource::Directory { authority_id },
            format!("directory:{authority_id}"),
        )
        .await?;
        let authority = self
            .store
            .authority(authority_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let party = self
            .store
            .authority(party_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if authority.kind != AuthorityKind::BuildingAuthority {
            return Err(problems::no_directory());
        }
        // only agencies and municipalities are asked; an authority that decides is never a party
        if party.kind.decides() || party_id == authority_id {
            return Err(problems::not_a_party());
        }
        if !participation::TOPICS.iter().any(|(code, _)| *code == topic) {
            return Err(problems::unknown_topic(topic));
        }
        let audit = self.audit(
            &by.actor().code(),
            "directory.entry_put",
            format!("directory:{authority_id}"),
            serde_json::json!({ "party": party_id.to_string(), "topic": topic }),
        );
        self.store
            .put_directory_entry(
                &DirectoryEntry {
                    authority_id,
                    party_id,
                    topic: topic.to_string(),
                },
                audit,
            )
            .await?;
        Ok(())
    }
}
