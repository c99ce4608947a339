//! What happens when deadlines run out, without anyone acting: the scheduler calls
//! [`App::run_deadline_jobs`]. Each consequence is a case change with the case's expected
//! version, so when two instances run the job at once, only one of them records it.

use amtsweg_domain::Text;
use amtsweg_domain::case::{self, Event};
use amtsweg_domain::deadlines::{Consequence, Party, Status};
use amtsweg_store::{CaseChange, NewMessage, StoreError};
use uuid::Uuid;

use super::{App, AppError};
use crate::clock::german_today;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct JobReport {
    pub cases_checked: usize,
    pub deemed_withdrawals: usize,
    pub reminders: usize,
}

/// Cases looked at per run; the rest waits for the next run.
const BATCH: u32 = 500;

impl App {
    pub async fn run_deadline_jobs(&self) -> Result<JobReport, AppError> {
        let today = german_today(self.now());
        let mut report = JobReport::default();
        for case_id in self.store.cases_due(&today.to_string(), BATCH).await? {
            report.cases_checked += 1;
            match self.fire_due_deadlines(case_id, &mut report).await {
                Ok(()) => {}
                // another instance (or a person) changed the case first: its change stands
                Err(AppError::Conflict { .. }) => {}
                Err(e) => tracing::error!(case = %case_id, error = %e, "deadline job failed"),
            }
        }
        Ok(report)
    }

    async fn fire_due_deadlines(
        &self,
        case_id: Uuid,
        report: &mut JobReport,
    ) -> Result<(), AppError> {
        let Some(record) = self.store.case(case_id).await? else {
            return Ok(());
        };
        let service = self.service_of_case(&record)?;
        if service
            .process
            .state(&record.state)
            .is_some_and(|s| s.terminal)
        {
            return Ok(());
        }
        let authority = self
            .store
            .authority(record.authority_id)
            .await?
            .ok_or_else(|| AppError::Internal("authority missing".into()))?;
        let events = self.store.events(case_id).await?;
        let history =
            super::deadlines::occurrences(events.iter().map(|e| (e.at.as_str(), &e.event)));
        let deadlines = self.deadlines_of(service, &authority, &record.case, &history)?;
        let at = self.now_text();
        for deadline in deadlines.iter().filter(|d| d.status == Status::Expired) {
            let Some(due) = deadline.due.as_ref().map(|d| d.end) else {
                continue;
            };
            let rule = deadline.rule;
            let (decided, message) = match rule.on_expiry {
                Consequence::DeemedWithdrawal if rule.party == Party::Applicant => {
                    let Ok(decided) =
                        case::decide_deemed_withdrawal(service, &record.case, &rule.id, due)
                    else {
                        continue;
                    };
                    let message = NewMessage {
                        id: App::new_id(),
                        recipient_id: record.applicant_id,
                        kind: "info".into(),
                        subject: Text::new(
                            format!("Antrag gilt als zurückgenommen – {}", record.file_number),
                            format!("Application deemed withdrawn – {}", record.file_number),
                        ),
                        body: Text::new(
                            format!(
                                "Die nachgeforderten Unterlagen sind bis zum Ablauf der Frist am {} nicht eingegangen. Ihr Antrag gilt damit als zurückgenommen ({}). Sie können einen neuen Antrag stellen.",
                                due, rule.source
                            ),
                            format!(
                                "The requested documents did not arrive by the deadline on {due}. Your application is therefore deemed withdrawn ({}). You may file a new application.",
                                rule.source
                            ),
                        ),
                        document_id: None,
                    };
                    report.deemed_withdrawals += 1;
                    (decided, Some(message))
                }
                Consequence::Reminder if rule.party == Party::Authority => {
                    let reminded = events.iter().any(|e| matches!(&e.event, Event::DeadlineReminder { rule: r, due: d } if *r == rule.id && *d == due));
                    if reminded {
                        continue;
                    }
                    let decided = case::Decided {
                        event: Event::DeadlineReminder {
                            rule: rule.id.clone(),
                            due,
                        },
                        to_state: record.state.clone(),
                    };
                    let message = record.assignee_id.map(|assignee| NewMessage {
                        id: App::new_id(),
                        recipient_id: assignee,
                        kind: "reminder".into(),
                        subject: Text::new(
                            format!(
                                "Frist abgelaufen: {} – {}",
                                rule.label.de, record.file_number
                            ),
                            format!(
                                "Deadline passed: {} – {}",
                                rule.label.en, record.file_number
                            ),
                        ),
                        body: Text::new(
                            format!(
                                "Die Frist „{}“ zum Vorgang {} ist am {} abgelaufen ({}).",
                                rule.label.de, record.file_number, due, rule.source
                            ),
                            format!(
                                "The deadline '{}' of case {} passed on {due} ({}).",
                                rule.label.en, record.file_number, rule.source
                            ),
                        ),
                        document_id: None,
                    });
                    report.reminders += 1;
                    (decided, message)
                }
                // deemed approval, consent and "no concerns" come with the participation (issue #3)
                _ => continue,
            };
            let new_case = case::evolve(record.case.clone(), &decided.event, &decided.to_state);
            let mut all = events
                .iter()
                .map(|e| (e.at.as_str(), &e.event))
                .collect::<Vec<_>>();
            all.push((at.as_str(), &decided.event));
            let next_deadline = App::next_deadline(&self.deadlines_of(
                service,
                &authority,
                &new_case,
                &super::deadlines::occurrences(all),
            )?)
            // an overdue reminder stays the nearest date; it is not fired twice
            .filter(|_| {
                !service
                    .process
                    .state(&new_case.state)
                    .is_some_and(|s| s.terminal)
            });
            let audit = self.audit("system", &format!("case.{}", decided.event.code()), format!("case:{case_id}"), serde_json::json!({ "rule": rule.id, "due": due.to_string(), "from": record.state, "to": decided.to_state }));
            let change = CaseChange {
                case_id,
                expected_version: record.version,
                case: new_case,
                next_deadline,
                event: decided.event,
                actor_id: Uuid::nil(),
                at: at.clone(),
                audit: vec![audit],
                messages: message.into_iter().collect(),
                new_documents: vec![],
                promote_documents: vec![],
            };
            return match self.store.commit_change(change).await {
                Ok(()) => Ok(()),
                Err(StoreError::Conflict(_)) => Ok(()),
                Err(e) => Err(e.into()),
            };
        }
        Ok(())
    }
}
