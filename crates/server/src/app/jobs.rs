//! What happens when deadlines come near or run out, without anyone acting: the scheduler
//! calls [`App::run_deadline_jobs`]. What is due is planned by the pure
//! [`amtsweg_domain::scheduling::plan`]; each job is a case change with the case's expected
//! version, so when two instances run at once, only one of them records it.

use amtsweg_domain::Text;
use amtsweg_domain::audit::ActorId;
use amtsweg_domain::case::{self, Decided, Event};
use amtsweg_domain::participation;
use amtsweg_domain::scheduling::Job;
use amtsweg_store::{CaseRecord, NewMessage};
use uuid::Uuid;

use super::cases::Extras;
use super::{App, AppError, messages};
use crate::clock::german_today;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct JobReport {
    pub cases_checked: usize,
    pub deemed_withdrawals: usize,
    pub deemed_approvals: usize,
    pub deemed_statements: usize,
    pub reminders: usize,
}

/// Cases looked at per run; the rest waits for the next run.
const BATCH: u32 = 500;
/// Jobs done on one case in one run (each is one event).
const JOBS_PER_CASE: usize = 20;

impl App {
    pub async fn run_deadline_jobs(&self) -> Result<JobReport, AppError> {
        let today = german_today(self.now());
        let mut report = JobReport::default();
        for case_id in self.store.cases_due(today, BATCH).await? {
            report.cases_checked += 1;
            match self.run_case_jobs(case_id, &mut report).await {
                Ok(()) => {}
                // another instance (or a person) changed the case first: its change stands,
                // and the next run looks again
                Err(AppError::Conflict { .. }) => {}
                Err(e) => tracing::error!(case = %case_id, error = %e, "deadline job failed"),
            }
        }
        Ok(report)
    }

    async fn run_case_jobs(&self, case_id: Uuid, report: &mut JobReport) -> Result<(), AppError> {
        for _ in 0..JOBS_PER_CASE {
            let Some(record) = self.store.case(case_id).await? else {
                return Ok(());
            };
            let service = self.service_of_case(&record)?;
            let authority = self
                .store
                .authority(record.authority_id)
                .await?
                .ok_or_else(|| AppError::Internal("authority missing".into()))?;
            let events = self.store.events(case_id).await?;
            let all: Vec<(time::OffsetDateTime, &Event)> =
                events.iter().map(|e| (e.at, &e.event)).collect();
            let timing = self.timing(service, &authority, &record.case, &all)?;
            let Some(job) = timing.plan.now.into_iter().next() else {
                // nothing to do today: look again when something falls due
                self.store
                    .reschedule(case_id, record.version, timing.next_job_on)
                    .await?;
                return Ok(());
            };
            let Some((decided, messages)) = self.job_change(&record, service, job, report).await?
            else {
                self.store
                    .reschedule(case_id, record.version, timing.next_job_on)
                    .await?;
                return Ok(());
            };
            self.commit_decided(
                &record,
                service,
                decided,
                ActorId::System,
                Extras {
                    messages,
                    ..Extras::default()
                },
            )
            .await?;
        }
        Ok(())
    }

    /// The event and the messages of one job.
    async fn job_change(
        &self,
        record: &CaseRecord,
        service: &amtsweg_domain::service::ServiceDefinition,
        job: Job,
        report: &mut JobReport,
    ) -> Result<Option<(Decided, Vec<NewMessage>)>, AppError> {
        let rule_of = |id: &str| {
            App::profile_of(service, &record.case).and_then(|p| p.rules.iter().find(|r| r.id == id))
        };
        let file_number = &record.file_number;
        Ok(Some(match job {
            Job::DeemWithdrawal { rule, due } => {
                let Ok(decided) = case::decide_deemed_withdrawal(service, &record.case, &rule, due)
                else {
                    return Ok(None);
                };
                let source = rule_of(&rule).map(|r| r.source.clone()).unwrap_or_default();
                report.deemed_withdrawals += 1;
                let m = messages::deemed_withdrawn(file_number, due, &source)
                    .to(record.applicant_id, None);
                (decided, vec![m])
            }
            Job::DeemApproval { rule, due } => {
                let Ok(decided) = case::decide_deemed_approval(service, &record.case, &rule, due)
                else {
                    return Ok(None);
                };
                let source = rule_of(&rule).map(|r| r.source.clone()).unwrap_or_default();
                report.deemed_approvals += 1;
                let mut outbox = vec![
                    messages::deemed_approved(file_number, due, &source)
                        .to(record.applicant_id, None),
                ];
                outbox.extend(
                    messages::deemed_approved_staff(file_number, due, &source)
                        .to_each(&self.case_staff(record).await?),
                );
                (decided, outbox)
            }
            Job::DeemStatement {
                request_id,
                consequence,
            } => {
                let Some(decided) = participation::decide_deemed_statement(
                    service,
                    &record.case,
                    request_id,
                    consequence,
                    german_today(self.now()),
                ) else {
                    return Ok(None);
                };
                report.deemed_statements += 1;
                let party = record
                    .case
                    .participations
                    .iter()
                    .find(|p| p.id == request_id)
                    .map(|p| p.party_name.clone())
                    .unwrap_or_default();
                let outbox = messages::party_silent(file_number, &party, &consequence.label())
                    .to_each(&self.case_staff(record).await?);
                (decided, outbox)
            }
            Job::Reminder { rule, due, lead } => {
                report.reminders += 1;
                let rule_id = rule.split(':').next().unwrap_or_default();
                let (label, source, deemed_approval) = match rule_of(rule_id) {
                    Some(r) => (
                        r.label.clone(),
                        r.source.clone(),
                        r.on_expiry == amtsweg_domain::deadlines::Consequence::DeemedApproval,
                    ),
                    None => (Text::new(rule_id, rule_id), String::new(), false),
                };
                let letter = messages::deadline_reminder(
                    file_number,
                    &messages::Reminder {
                        label: &label,
                        source: &source,
                        due,
                        lead,
                        deemed_approval,
                    },
                );
                let outbox = letter.to_each(&self.case_staff(record).await?);
                (
                    Decided {
                        event: Event::DeadlineReminder {
                            rule,
                            due,
                            lead_working_days: lead,
                        },
                        to_state: record.state.clone(),
                    },
                    outbox,
                )
            }
        }))
    }
}
