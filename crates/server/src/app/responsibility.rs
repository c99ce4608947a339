//! Which authority receives an application: the service names the kind of authority, the
//! place of the application (its form) selects among the authorities of that kind by what
//! each covers. One candidate: that one. Several: the applicant chooses. None: nobody here is
//! responsible, and the applicant is told so before submitting — never a silent default.

use amtsweg_domain::authority::{self, Coverage};
use amtsweg_domain::form::FormData;
use amtsweg_domain::service::{Responsibility, ServiceDefinition};
use uuid::Uuid;

use super::views::{self, AuthorityInfo};
use super::{AdminActor, App, AppError, problems};
use amtsweg_store::Authority;

/// The authorities responsible for an application, as far as its form tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Responsible {
    One(AuthorityInfo),
    /// Several cover the place: the applicant chooses.
    Choice(Vec<AuthorityInfo>),
    /// No authority here covers the place (or the form does not give it yet).
    Nobody,
}

impl App {
    /// Who decides the service's applications. A draft started under a version recorded before
    /// services named it (2026.11) follows the current version of its service: responsibility
    /// is routing, not part of what the applicant filled in.
    pub(crate) fn responsibility_of<'s>(
        &'s self,
        service: &'s ServiceDefinition,
    ) -> Result<&'s Responsibility, AppError> {
        service
            .responsibility
            .as_ref()
            .or_else(|| {
                self.services
                    .get(&service.id)
                    .and_then(|current| current.responsibility.as_ref())
            })
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "service {}@{} names no responsible kind of authority",
                    service.id, service.version
                ))
            })
    }

    /// The authorities of the service's kind that cover the place in the form.
    async fn candidates(
        &self,
        service: &ServiceDefinition,
        form: &FormData,
    ) -> Result<Vec<Authority>, AppError> {
        let responsibility = self.responsibility_of(service)?;
        let place = responsibility.place(form);
        let candidates = self
            .store
            .authorities_covering(
                responsibility.authority_kind,
                place.postal_code.as_deref(),
                place.municipality_key.as_deref(),
            )
            .await?;
        let chosen = authority::responsible(
            candidates
                .iter()
                .map(|c| (c.authority.id, c.coverage.as_slice())),
            &place,
        );
        Ok(candidates
            .into_iter()
            .map(|c| c.authority)
            .filter(|a| chosen.contains(&a.id))
            .collect())
    }

    /// Who would receive the application, as far as its form tells.
    pub async fn responsible_for(
        &self,
        service: &ServiceDefinition,
        form: &FormData,
    ) -> Result<Responsible, AppError> {
        let mut authorities: Vec<AuthorityInfo> = views::all(self.candidates(service, form).await?);
        Ok(match authorities.len() {
            0 => Responsible::Nobody,
            1 => Responsible::One(authorities.remove(0)),
            _ => Responsible::Choice(authorities),
        })
    }

    /// The authority a submission goes to: the responsible one, or the applicant's choice
    /// among several. An error names the field to correct.
    pub(crate) async fn receiving_authority(
        &self,
        service: &ServiceDefinition,
        form: &FormData,
        choice: Option<Uuid>,
    ) -> Result<Authority, AppError> {
        let responsibility = self.responsibility_of(service)?;
        let mut candidates = self.candidates(service, form).await?;
        match candidates.len() {
            1 if choice.is_none_or(|c| c == candidates[0].id) => Ok(candidates.remove(0)),
            1 => Err(problems::authority_not_responsible()),
            0 => Err(AppError::Invalid(vec![problems::no_responsible_authority(
                &responsibility.postal_code_field,
            )])),
            _ => candidates
                .into_iter()
                .find(|a| Some(a.id) == choice)
                .ok_or_else(problems::choose_authority),
        }
    }

    /// Replaces what an authority covers (municipality keys, postal codes).
    pub async fn set_coverage(
        &self,
        by: &AdminActor<'_>,
        authority_id: Uuid,
        coverage: Vec<Coverage>,
    ) -> Result<(), AppError> {
        self.authorize_admin(
            by,
            amtsweg_domain::policy::Resource::Directory { authority_id },
            format!("authority:{authority_id}"),
        )
        .await?;
        let authority = self
            .store
            .authority(authority_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !authority.kind.decides() {
            return Err(problems::no_area_of_responsibility());
        }
        let audit = self.audit(
            &by.actor().code(),
            "authority.coverage_set",
            format!("authority:{authority_id}"),
            serde_json::json!({ "keys": coverage.len() }),
        );
        self.store
            .set_coverage(authority_id, &coverage, audit)
            .await?;
        Ok(())
    }
}
