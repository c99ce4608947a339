//! Statutory deadlines as data: per Land and procedure type, a profile of rules says what
//! starts each clock, how long it runs, what stops and ends it, and what happens when it
//! runs out. [`evaluate`] computes, from a case's history, every deadline's state today.
//!
//! The rules live in `services/<id>/deadlines.toml`, each with the legal source next to it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::Text;
use crate::calendar::{Calendar, CalendarError, Deadline, DeadlineClock, Period, State, deadline};
use crate::case::Event;
use crate::service::DefinitionError;

pub const DEADLINES_FILE: &str = "deadlines.toml";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DeadlineRules {
    /// The form field whose value names the procedure type (e.g. `procedure_type`).
    pub procedure_field: String,
    pub profiles: Vec<Profile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Profile {
    pub id: String,
    pub label: Text,
    /// The Länder (two-letter codes) this profile is for; empty: every Land without a profile of its own.
    #[serde(default)]
    pub states: Vec<String>,
    pub procedure_types: Vec<String>,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub label: Text,
    /// Who must act before the deadline.
    pub party: Party,
    /// The events that start the clock (the period begins the day after, §187(1) BGB);
    /// it counts from the last of them.
    pub starts: Vec<Trigger>,
    /// The length; absent when the authority sets the date (a document request).
    #[serde(default)]
    pub period: Option<Period>,
    /// The clock starts this long after the starting event (e.g. BayBO: three weeks after receipt).
    #[serde(default)]
    pub start_offset: Option<Period>,
    /// Events after which the deadline no longer runs, because what it asked for happened.
    #[serde(default)]
    pub ends: Vec<Trigger>,
    /// The event that stops the clock, and the one that lets it run again.
    #[serde(default)]
    pub stops: Option<Trigger>,
    #[serde(default)]
    pub resumes: Option<Trigger>,
    /// On resumption the period starts anew instead of running on.
    #[serde(default)]
    pub restart_on_resume: bool,
    /// How much longer the deadline may be made, and how often.
    #[serde(default)]
    pub extension: Option<Extension>,
    pub on_expiry: Consequence,
    /// The applicant may waive the consequence (deemed approval).
    #[serde(default)]
    pub waivable: bool,
    /// The legal source of the rule.
    pub source: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Extension {
    pub period: Period,
    pub times: u32,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Authority,
    Applicant,
    Agency,
    Municipality,
}

/// Events of a case that deadline rules refer to.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Submitted,
    DocumentsRequested,
    DocumentsSupplied,
    DocumentsComplete,
    ParticipationStarted,
    StatementsComplete,
    HearingStarted,
    Decided,
    NoticeIssued,
    Withdrawn,
    /// The applicant waived the deemed approval: waivable rules end.
    DeemedApprovalWaived,
}

impl Trigger {
    /// The trigger an event of the case is, if any.
    pub fn of(event: &Event) -> Option<Trigger> {
        Some(match event {
            Event::Submitted { .. } => Trigger::Submitted,
            Event::DocumentsRequested { .. } => Trigger::DocumentsRequested,
            Event::DocumentsSupplied { .. } => Trigger::DocumentsSupplied,
            Event::MarkedComplete => Trigger::DocumentsComplete,
            Event::Approved { .. } | Event::Refused { .. } | Event::DeemedApproved { .. } => {
                Trigger::Decided
            }
            Event::NoticeIssued { .. } => Trigger::NoticeIssued,
            Event::Withdrawn | Event::DeemedWithdrawn { .. } => Trigger::Withdrawn,
            Event::ParticipationStarted { .. } => Trigger::ParticipationStarted,
            Event::StatementGiven {
                completes_round: true,
                ..
            }
            | Event::StatementDeemed {
                completes_round: true,
                ..
            } => Trigger::StatementsComplete,
            Event::HearingStarted { .. } => Trigger::HearingStarted,
            Event::DeemedApprovalWaived => Trigger::DeemedApprovalWaived,
            Event::TakenOver { .. }
            | Event::NoticeRetrieved
            | Event::DeadlineReminder { .. }
            | Event::StatementGiven { .. }
            | Event::StatementDeemed { .. }
            | Event::ExtensionRequested { .. }
            | Event::ExtensionDecided { .. }
            | Event::HearingResponded { .. } => {
                return None;
            }
        })
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Consequence {
    /// Only a reminder: the law attaches no effect to the expiry.
    Reminder,
    /// The municipality's consent is deemed given (§36(2) BauGB).
    DeemedConsent,
    /// The agency is deemed to have no concerns.
    DeemedNoConcerns,
    /// The application is deemed withdrawn (Rücknahmefiktion).
    DeemedWithdrawal,
    /// The permit is deemed granted (Genehmigungsfiktion, §42a VwVfG).
    DeemedApproval,
}

impl Consequence {
    /// As stored and as the API sends it (`deemed_consent`, …).
    pub fn code(self) -> &'static str {
        match self {
            Consequence::Reminder => "reminder",
            Consequence::DeemedConsent => "deemed_consent",
            Consequence::DeemedNoConcerns => "deemed_no_concerns",
            Consequence::DeemedWithdrawal => "deemed_withdrawal",
            Consequence::DeemedApproval => "deemed_approval",
        }
    }

    pub fn label(self) -> Text {
        let (de, en) = match self {
            Consequence::Reminder => ("Erinnerung", "Reminder"),
            Consequence::DeemedConsent => ("Einvernehmen gilt als erteilt", "Consent deemed given"),
            Consequence::DeemedNoConcerns => ("Keine Bedenken (Fiktion)", "Deemed no concerns"),
            Consequence::DeemedWithdrawal => (
                "Antrag gilt als zurückgenommen",
                "Application deemed withdrawn",
            ),
            Consequence::DeemedApproval => {
                ("Genehmigung gilt als erteilt", "Permit deemed granted")
            }
        };
        Text::new(de, en)
    }
}

impl DeadlineRules {
    /// The profile for a Land and procedure type: the Land's own, else the general one.
    pub fn profile_for(&self, state: State, procedure_type: &str) -> Option<&Profile> {
        let fits = |p: &&Profile| p.procedure_types.iter().any(|t| t == procedure_type);
        self.profiles
            .iter()
            .filter(fits)
            .find(|p| p.states.iter().any(|s| s == state.code()))
            .or_else(|| {
                self.profiles
                    .iter()
                    .filter(fits)
                    .find(|p| p.states.is_empty())
            })
    }

    pub fn profile(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }
}

/// Checks the rules; errors name the file and the field.
pub fn validate(
    file: &str,
    rules: &DeadlineRules,
    field_exists: impl Fn(&str) -> bool,
) -> Result<(), DefinitionError> {
    let err = |field: String, message: String| DefinitionError {
        file: file.to_string(),
        field,
        message,
    };
    if !field_exists(&rules.procedure_field) {
        return Err(err(
            "procedure_field".into(),
            format!("'{}' is not a field of the form", rules.procedure_field),
        ));
    }
    let mut ids = BTreeSet::new();
    let mut general: BTreeSet<&str> = BTreeSet::new();
    for (pi, profile) in rules.profiles.iter().enumerate() {
        let at = format!("profiles[{pi}]");
        if !ids.insert(profile.id.as_str()) {
            return Err(err(
                format!("{at}.id"),
                format!("'{}' appears twice", profile.id),
            ));
        }
        for (si, state) in profile.states.iter().enumerate() {
            if State::parse(state)
                .map(|s| s.code() != state)
                .unwrap_or(true)
            {
                return Err(err(
                    format!("{at}.states[{si}]"),
                    format!("'{state}' is not a Land code like BW, BY, BE"),
                ));
            }
        }
        if profile.procedure_types.is_empty() {
            return Err(err(
                format!("{at}.procedure_types"),
                "name at least one procedure type".into(),
            ));
        }
        if profile.states.is_empty() {
            for t in &profile.procedure_types {
                if !general.insert(t.as_str()) {
                    return Err(err(
                        format!("{at}.states"),
                        format!("a second general profile for '{t}'"),
                    ));
                }
            }
        }
        let mut rule_ids = BTreeSet::new();
        for (ri, rule) in profile.rules.iter().enumerate() {
            let at = format!("{at}.rules[{ri}]");
            if !rule_ids.insert(rule.id.as_str()) {
                return Err(err(
                    format!("{at}.id"),
                    format!("'{}' appears twice", rule.id),
                ));
            }
            if rule.label.de.trim().is_empty() || rule.label.en.trim().is_empty() {
                return Err(err(
                    format!("{at}.label"),
                    "German and English label needed".into(),
                ));
            }
            if rule.source.trim().is_empty() {
                return Err(err(format!("{at}.source"), "name the legal source".into()));
            }
            if rule.starts.is_empty() {
                return Err(err(
                    format!("{at}.starts"),
                    "name the event that starts the clock".into(),
                ));
            }
            if rule.period.is_none() && rule.starts != [Trigger::DocumentsRequested] {
                return Err(err(
                    format!("{at}.period"),
                    "only a document request sets its own date; give a period".into(),
                ));
            }
            if rule.stops.is_some() != rule.resumes.is_some() {
                return Err(err(
                    format!("{at}.resumes"),
                    "a rule that stops must also say what resumes it".into(),
                ));
            }
            if rule.waivable && rule.on_expiry != Consequence::DeemedApproval {
                return Err(err(
                    format!("{at}.waivable"),
                    "only a deemed approval can be waived".into(),
                ));
            }
        }
    }
    Ok(())
}

/// What happened to a case, as far as deadlines care: the date (at the authority) and the trigger,
/// with the date the authority set where it set one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub on: Date,
    pub trigger: Trigger,
    pub set_date: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Running; due on the date.
    Running,
    /// Stopped (e.g. while documents are owed).
    Stopped,
    /// What the deadline asked for happened in time or after it.
    Ended,
    /// The deadline passed; its consequence applies.
    Expired,
}

/// One deadline of a case, today.
#[derive(Debug, Clone)]
pub struct CaseDeadline<'a> {
    pub rule: &'a Rule,
    pub status: Status,
    pub due: Option<Deadline>,
    /// Working days left until the due date (0 on the due date); None unless running.
    pub working_days_left: Option<u32>,
}

/// The deadlines of a case today, from its history (in order). A rule counts from the last
/// time its starting event happened.
pub fn evaluate<'a>(
    profile: &'a Profile,
    calendar: &Calendar,
    history: &[Occurrence],
    today: Date,
) -> Result<Vec<CaseDeadline<'a>>, CalendarError> {
    let mut out = Vec::new();
    for rule in &profile.rules {
        let Some(start_index) = history
            .iter()
            .rposition(|o| rule.starts.contains(&o.trigger))
        else {
            continue;
        };
        let start = history[start_index];
        let later = &history[start_index + 1..];
        // what the deadline asked for has happened, or the applicant waived its consequence
        let waived = |o: &Occurrence| rule.waivable && o.trigger == Trigger::DeemedApprovalWaived;
        if later
            .iter()
            .any(|o| rule.ends.contains(&o.trigger) || waived(o))
            || (rule.waivable && history[..start_index].iter().any(waived))
        {
            out.push(CaseDeadline {
                rule,
                status: Status::Ended,
                due: None,
                working_days_left: None,
            });
            continue;
        }
        let due = match (rule.period, start.set_date) {
            // the authority set the date; §193 BGB still moves it off a weekend or holiday
            (None, Some(date)) => Some(settle_date(calendar, date)?),
            (None, None) => None,
            (Some(period), _) => {
                let begin = match rule.start_offset {
                    Some(offset) => deadline(calendar, start.on, offset)?.computed_end,
                    None => start.on,
                };
                let mut clock = DeadlineClock::new(period, begin);
                for o in later.iter().filter(|o| o.on >= begin) {
                    if Some(o.trigger) == rule.stops && clock.is_running() {
                        clock.stop(o.on)?;
                    } else if Some(o.trigger) == rule.resumes && !clock.is_running() {
                        clock.resume(o.on, rule.restart_on_resume)?;
                    }
                }
                match clock.due(calendar)? {
                    Some(due) => Some(due),
                    None => {
                        out.push(CaseDeadline {
                            rule,
                            status: Status::Stopped,
                            due: None,
                            working_days_left: None,
                        });
                        continue;
                    }
                }
            }
        };
        let Some(due) = due else { continue };
        let status = if today > due.end {
            Status::Expired
        } else {
            Status::Running
        };
        let working_days_left = match status {
            Status::Running => Some(calendar.working_days_until(today, due.end)?),
            _ => None,
        };
        out.push(CaseDeadline {
            rule,
            status,
            due: Some(due),
            working_days_left,
        });
    }
    Ok(out)
}

/// A date set by the authority, moved to the next working day if it is none (§193 BGB).
fn settle_date(calendar: &Calendar, date: Date) -> Result<Deadline, CalendarError> {
    let mut end = date;
    let mut moved_because = Vec::new();
    while let Some(reason) = calendar.why_not_working(end)? {
        moved_because.push(reason);
        end = end.next_day().ok_or(CalendarError::DateOutOfRange)?;
    }
    Ok(Deadline {
        end,
        computed_end: date,
        moved_because,
    })
}
