//! What the scheduler must do for a case today, and when it must look again: reminders at
//! lead times before a deadline of the authority, a reminder when it ran out, and the legal
//! consequences of deadlines that ran out (deemed withdrawal, deemed approval, deemed
//! statements of silent agencies and municipalities).

use time::{Date, Duration};
use uuid::Uuid;

use crate::calendar::{Calendar, CalendarError};
use crate::case::{Case, Event};
use crate::deadlines::{CaseDeadline, Consequence, Party, Profile, Status};

/// One thing the scheduler does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Remind the caseworker: the deadline ends in `lead` working days, or (`None`) it ran out.
    Reminder {
        rule: String,
        due: Date,
        lead: Option<u32>,
    },
    DeemWithdrawal {
        rule: String,
        due: Date,
    },
    DeemApproval {
        rule: String,
        due: Date,
    },
    /// A party stayed silent past its deadline.
    DeemStatement {
        request_id: Uuid,
        consequence: Consequence,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// What is due today, most pressing first.
    pub now: Vec<Job>,
    /// The next day on which something falls due, if any.
    pub next_on: Option<Date>,
}

/// The reminders already on record: (rule, due, lead).
pub fn reminders_sent(events: &[&Event]) -> Vec<(String, Date, Option<u32>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::DeadlineReminder {
                rule,
                due,
                lead_working_days,
            } => Some((rule.clone(), *due, *lead_working_days)),
            _ => None,
        })
        .collect()
}

/// The first day on which no more than `lead` working days are left until `due`.
fn reminder_day(calendar: &Calendar, due: Date, lead: u32) -> Result<Date, CalendarError> {
    let mut day = due;
    let mut left = 0;
    loop {
        let add = u32::from(calendar.is_working_day(day)?);
        if left + add > lead {
            return Ok(day);
        }
        left += add;
        day = day.previous_day().ok_or(CalendarError::DateOutOfRange)?;
    }
}

/// Plans the scheduler's work on a case. `deadlines` are the case's deadlines today (from
/// [`crate::deadlines::evaluate`]), `leads` the reminder lead times in working days.
pub fn plan(
    profile: Option<&Profile>,
    deadlines: &[CaseDeadline<'_>],
    case: &Case,
    sent: &[(String, Date, Option<u32>)],
    leads: &[u32],
    calendar: &Calendar,
    today: Date,
) -> Result<Plan, CalendarError> {
    let mut plan = Plan::default();
    let consider = |on: Date, plan: &mut Plan| {
        if on > today {
            plan.next_on = Some(plan.next_on.map_or(on, |n| n.min(on)));
        }
    };
    let was_sent = |rule: &str, due: Date, lead: Option<u32>| {
        sent.iter().any(|(r, d, l)| {
            r == rule
                && *d == due
                && match (lead, l) {
                    // an expiry reminder once
                    (None, None) => true,
                    // a lead reminder once per lead; a closer one makes a farther one moot
                    (Some(lead), Some(l)) => *l <= lead,
                    _ => false,
                }
        })
    };
    for deadline in deadlines {
        let Some(due) = deadline.due.as_ref().map(|d| d.end) else {
            continue;
        };
        let rule = deadline.rule;
        let the_day_after = due + Duration::days(1);
        match deadline.status {
            Status::Expired => match (rule.party, rule.on_expiry) {
                (Party::Applicant, Consequence::DeemedWithdrawal) => {
                    plan.now.push(Job::DeemWithdrawal {
                        rule: rule.id.clone(),
                        due,
                    })
                }
                (Party::Authority, Consequence::DeemedApproval) if !case.deemed_approval_waived => {
                    plan.now.push(Job::DeemApproval {
                        rule: rule.id.clone(),
                        due,
                    })
                }
                (Party::Authority, _) if !was_sent(&rule.id, due, None) => {
                    plan.now.push(Job::Reminder {
                        rule: rule.id.clone(),
                        due,
                        lead: None,
                    })
                }
                _ => {}
            },
            Status::Running => {
                consider(the_day_after, &mut plan);
                if rule.party != Party::Authority {
                    continue;
                }
                let mut sorted = leads.to_vec();
                sorted.sort_unstable();
                sorted.dedup();
                for lead in sorted {
                    if was_sent(&rule.id, due, Some(lead)) {
                        continue;
                    }
                    let from = reminder_day(calendar, due, lead)?;
                    if from <= today {
                        plan.now.push(Job::Reminder {
                            rule: rule.id.clone(),
                            due,
                            lead: Some(lead),
                        });
                        // the closest lead that applies is the one to send
                        break;
                    }
                    consider(from, &mut plan);
                }
            }
            Status::Stopped | Status::Ended => {}
        }
    }
    for request in case.participations.iter().filter(|p| p.is_open()) {
        let Some(rule) = profile.and_then(|p| p.rules.iter().find(|r| r.id == request.rule)) else {
            continue;
        };
        let the_day_after = request.due + Duration::days(1);
        if today < the_day_after {
            consider(the_day_after, &mut plan);
            continue;
        }
        match rule.on_expiry {
            Consequence::DeemedNoConcerns | Consequence::DeemedConsent => {
                plan.now.push(Job::DeemStatement {
                    request_id: request.id,
                    consequence: rule.on_expiry,
                })
            }
            _ => {
                let key = format!("{}:{}", rule.id, request.party_id);
                if !was_sent(&key, request.due, None) {
                    plan.now.push(Job::Reminder {
                        rule: key,
                        due: request.due,
                        lead: None,
                    });
                }
            }
        }
    }
    // the law's consequences first, then reminders
    plan.now
        .sort_by_key(|job| matches!(job, Job::Reminder { .. }));
    Ok(plan)
}
