//! A period that can be stopped and resumed: the building authority asks for missing
//! documents (the clock stops) and receives them (it resumes, or starts anew where the law
//! says so).
//!
//! Stopping suspends the period (Hemmung, § 209 BGB by analogy: the time of suspension is
//! not counted). A clock stopped on day S and resumed on day R has R − S days added:
//! the days after the stop up to and including the resume day do not count. For a period
//! in working days, the working days that were left after S are counted again from R.
//! A resume with `restart` starts the whole period anew, triggered by the resume day.
//!
//! The clock keeps its history as a list of [`ClockEvent`]s (which become events of the
//! case) and computes the due date from it on demand, so a clock rebuilt from its events
//! ([`DeadlineClock::from_events`]) is the same clock.
//!
//! A period that had already run out when the clock was stopped is not revived by the
//! stop: the stop is recorded, but [`DeadlineClock::due`] keeps reporting the expired
//! deadline (only a restart starts a new period then).

use time::Date;

use super::period::{Deadline, Period, Unit, computed_end, nth_working_day_after, settle};
use super::{Calendar, CalendarError, add_days, days_between};

/// One entry of a clock's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockEvent {
    /// The period is suspended from the end of this day.
    Stopped { on: Date },
    /// The period runs again from the end of this day; with `restart`, anew and whole.
    Resumed { on: Date, restart: bool },
}

impl ClockEvent {
    pub fn on(self) -> Date {
        match self {
            ClockEvent::Stopped { on } | ClockEvent::Resumed { on, .. } => on,
        }
    }
}

/// A statutory period that an event started and that can be stopped and resumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineClock {
    period: Period,
    started_on: Date,
    events: Vec<ClockEvent>,
}

impl DeadlineClock {
    /// A running clock for `period`, triggered by an event on `started_on` (so the period
    /// begins the day after, § 187(1) BGB).
    pub fn new(period: Period, started_on: Date) -> Self {
        Self {
            period,
            started_on,
            events: Vec::new(),
        }
    }

    /// Rebuilds a clock from its recorded history, checking that the history makes sense.
    pub fn from_events(
        period: Period,
        started_on: Date,
        events: impl IntoIterator<Item = ClockEvent>,
    ) -> Result<Self, CalendarError> {
        let mut clock = Self::new(period, started_on);
        for event in events {
            match event {
                ClockEvent::Stopped { on } => clock.stop(on)?,
                ClockEvent::Resumed { on, restart } => clock.resume(on, restart)?,
            }
        }
        Ok(clock)
    }

    pub fn period(&self) -> Period {
        self.period
    }

    pub fn started_on(&self) -> Date {
        self.started_on
    }

    /// The history, oldest first.
    pub fn events(&self) -> &[ClockEvent] {
        &self.events
    }

    /// The date of the latest event (or the start).
    fn last_date(&self) -> Date {
        self.events
            .last()
            .map_or(self.started_on, |event| event.on())
    }

    /// The day the clock was stopped, while it is stopped.
    pub fn stopped_since(&self) -> Option<Date> {
        match self.events.last() {
            Some(ClockEvent::Stopped { on }) => Some(*on),
            _ => None,
        }
    }

    pub fn is_running(&self) -> bool {
        self.stopped_since().is_none()
    }

    /// Stops the clock on `on` (not before the start or the last resume).
    pub fn stop(&mut self, on: Date) -> Result<(), CalendarError> {
        if let Some(since) = self.stopped_since() {
            return Err(CalendarError::ClockAlreadyStopped { since });
        }
        let after = self.last_date();
        if on < after {
            return Err(CalendarError::ClockOutOfOrder { on, after });
        }
        self.events.push(ClockEvent::Stopped { on });
        Ok(())
    }

    /// Resumes a stopped clock on `on` (not before the stop). With `restart` the period
    /// starts anew as if `on` were its triggering event; otherwise the rest continues.
    pub fn resume(&mut self, on: Date, restart: bool) -> Result<(), CalendarError> {
        let Some(since) = self.stopped_since() else {
            return Err(CalendarError::ClockNotStopped);
        };
        if on < since {
            return Err(CalendarError::ClockOutOfOrder { on, after: since });
        }
        self.events.push(ClockEvent::Resumed { on, restart });
        Ok(())
    }

    /// When the period ends, or `None` while it is stopped.
    pub fn due(&self, calendar: &Calendar) -> Result<Option<Deadline>, CalendarError> {
        let mut computed = computed_end(calendar, self.started_on, self.period)?;
        // The day of a stop that suspended the period (not one after it had run out).
        let mut suspended_on: Option<Date> = None;
        for event in &self.events {
            match *event {
                ClockEvent::Stopped { on } => {
                    let end = settle(calendar, computed)?.end;
                    suspended_on = (on <= end).then_some(on);
                }
                ClockEvent::Resumed { on, restart: true } => {
                    computed = computed_end(calendar, on, self.period)?;
                    suspended_on = None;
                }
                ClockEvent::Resumed { on, restart: false } => {
                    if let Some(stopped) = suspended_on.take() {
                        computed = self.extended(calendar, computed, stopped, on)?;
                    }
                }
            }
        }
        if suspended_on.is_some() {
            return Ok(None);
        }
        settle(calendar, computed).map(Some)
    }

    /// The computed end after a suspension from the end of `stopped` to the end of
    /// `resumed`: never before the resume day.
    fn extended(
        &self,
        calendar: &Calendar,
        computed: Date,
        stopped: Date,
        resumed: Date,
    ) -> Result<Date, CalendarError> {
        let end = match self.period.unit() {
            Unit::WorkingDays => {
                let left = calendar.working_days_until(stopped, computed)?;
                nth_working_day_after(calendar, resumed, left)?
            }
            Unit::Days | Unit::Weeks | Unit::Months => {
                add_days(computed, days_between(stopped, resumed))?
            }
        };
        Ok(end.max(resumed))
    }
}
