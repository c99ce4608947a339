//! The statutory deadlines of a case: which profile it takes at submission, and its
//! deadlines from its events, seen from today at the authority.

use amtsweg_domain::calendar::{Calendar, State};
use amtsweg_domain::case::{Case, Event};
use amtsweg_domain::deadlines::{CaseDeadline, Occurrence, Status, Trigger, evaluate};
use amtsweg_domain::form::FormData;
use amtsweg_domain::service::ServiceDefinition;
use amtsweg_store::Authority;
use time::Date;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{App, AppError};
use crate::clock::german_today;

/// The date at the authority of a stored time.
fn local_date(at: &str) -> Option<Date> {
    OffsetDateTime::parse(at, &Rfc3339).ok().map(german_today)
}

/// The case's history as deadline rules see it: (time, event) in order.
pub(crate) fn occurrences<'e>(
    events: impl IntoIterator<Item = (&'e str, &'e Event)>,
) -> Vec<Occurrence> {
    events
        .into_iter()
        .filter_map(|(at, event)| {
            let trigger = Trigger::of(event)?;
            let set_date = match event {
                Event::DocumentsRequested { deadline, .. } => Some(*deadline),
                _ => None,
            };
            Some(Occurrence {
                on: local_date(at)?,
                trigger,
                set_date,
            })
        })
        .collect()
}

impl App {
    /// The profile of the authority's Land and the application's procedure type, if the
    /// service has deadline rules and one fits.
    pub(crate) fn deadline_profile_for(
        service: &ServiceDefinition,
        authority: &Authority,
        form: &FormData,
    ) -> Option<String> {
        let rules = service.process.deadlines.as_ref()?;
        let state = State::parse(&authority.state_code).ok()?;
        let procedure = form.get(&rules.procedure_field)?;
        rules.profile_for(state, procedure).map(|p| p.id.clone())
    }

    /// Every deadline of the case, today.
    pub(crate) fn deadlines_of<'s>(
        &self,
        service: &'s ServiceDefinition,
        authority: &Authority,
        case: &Case,
        history: &[Occurrence],
    ) -> Result<Vec<CaseDeadline<'s>>, AppError> {
        let Some(profile) = case
            .deadline_profile
            .as_deref()
            .and_then(|id| service.process.deadlines.as_ref()?.profile(id))
        else {
            return Ok(Vec::new());
        };
        let state =
            State::parse(&authority.state_code).map_err(|e| AppError::Internal(e.to_string()))?;
        evaluate(
            profile,
            &Calendar::new(state),
            history,
            german_today(self.now()),
        )
        .map_err(|e| AppError::Internal(e.to_string()))
    }

    /// The nearest date among the deadlines that still matter (running or overdue), for the inbox.
    pub(crate) fn next_deadline(deadlines: &[CaseDeadline<'_>]) -> Option<String> {
        deadlines
            .iter()
            .filter(|d| matches!(d.status, Status::Running | Status::Expired))
            .filter_map(|d| d.due.as_ref().map(|due| due.end))
            .min()
            .map(|d| d.to_string())
    }
}
