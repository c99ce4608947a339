//! The statutory deadlines of a case: which profile it takes at submission, and its
//! deadlines from its events, seen from today at the authority.

use amtsweg_domain::calendar::Calendar;
use amtsweg_domain::case::{Case, Event};
use amtsweg_domain::deadlines::{
    CaseDeadline, Occurrence, Party, Profile, Status, Trigger, evaluate,
};
use amtsweg_domain::form::FormData;
use amtsweg_domain::scheduling::{self, Plan};
use amtsweg_domain::service::ServiceDefinition;
use amtsweg_store::Authority;
use time::{Date, OffsetDateTime};

use super::{App, AppError};
use crate::clock::german_today;

/// The case's history as deadline rules see it: (time, event) in order. Every event counts on
/// the date it happened at the authority (the store has already refused unreadable times).
pub(crate) fn occurrences<'e>(
    events: impl IntoIterator<Item = (OffsetDateTime, &'e Event)>,
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
                on: german_today(at),
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
        let state = authority.state;
        let procedure = form.get(&rules.procedure_field)?;
        rules.profile_for(state, procedure).map(|p| p.id.clone())
    }

    /// The deadline profile the case took at submission.
    pub(crate) fn profile_of<'s>(
        service: &'s ServiceDefinition,
        case: &Case,
    ) -> Option<&'s Profile> {
        case.deadline_profile
            .as_deref()
            .and_then(|id| service.process.deadlines.as_ref()?.profile(id))
    }

    pub(crate) fn calendar_of(authority: &Authority) -> Calendar {
        Calendar::new(authority.state)
    }

    /// Every deadline of the case, today. The periods of agencies and the municipality run per
    /// request (each can be extended on its own); the participation overview shows them.
    pub(crate) fn deadlines_of<'s>(
        &self,
        service: &'s ServiceDefinition,
        authority: &Authority,
        case: &Case,
        history: &[Occurrence],
    ) -> Result<Vec<CaseDeadline<'s>>, AppError> {
        let Some(profile) = App::profile_of(service, case) else {
            return Ok(Vec::new());
        };
        let mut deadlines = evaluate(
            profile,
            &App::calendar_of(authority),
            history,
            german_today(self.now()),
        )
        .map_err(|e| AppError::Internal(e.to_string()))?;
        deadlines.retain(|d| matches!(d.rule.party, Party::Authority | Party::Applicant));
        Ok(deadlines)
    }

    /// When the case's deadlines fall due: the nearest date for the inbox (running or overdue
    /// deadlines, open requests to agencies), the day the scheduler must look next, and what
    /// it must do today.
    pub(crate) fn timing(
        &self,
        service: &ServiceDefinition,
        authority: &Authority,
        case: &Case,
        events: &[(OffsetDateTime, &Event)],
    ) -> Result<Timing, AppError> {
        if service
            .process
            .state(&case.state)
            .is_none_or(|s| s.terminal)
        {
            return Ok(Timing::default());
        }
        let history = occurrences(events.iter().copied());
        let deadlines = self.deadlines_of(service, authority, case, &history)?;
        let next_deadline = deadlines
            .iter()
            .filter(|d| matches!(d.status, Status::Running | Status::Expired))
            .filter_map(|d| d.due.as_ref().map(|due| due.end))
            .chain(
                case.participations
                    .iter()
                    .filter(|p| p.is_open())
                    .map(|p| p.due),
            )
            .min();
        let sent = scheduling::reminders_sent(&events.iter().map(|(_, e)| *e).collect::<Vec<_>>());
        let plan = scheduling::plan(
            App::profile_of(service, case),
            &deadlines,
            case,
            &sent,
            &self.config.reminder_lead_days,
            &App::calendar_of(authority),
            german_today(self.now()),
        )
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let next_job_on = if plan.now.is_empty() {
            plan.next_on
        } else {
            // work is waiting: the next run picks the case up
            Some(german_today(self.now()))
        };
        Ok(Timing {
            next_deadline,
            next_job_on,
            plan,
        })
    }
}

#[derive(Debug, Default)]
pub(crate) struct Timing {
    pub next_deadline: Option<Date>,
    pub next_job_on: Option<Date>,
    pub plan: Plan,
}
