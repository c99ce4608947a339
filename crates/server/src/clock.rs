//! Time is a port: the application asks a [`Clock`], so tests can set the time.

use std::sync::Mutex;

use time::{Date, Duration, Month, OffsetDateTime, UtcOffset, Weekday};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;
}

pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(
        clippy::disallowed_methods,
        reason = "the one place that reads the wall clock"
    )]
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The system clock moved forward by an offset (in nanoseconds) that an administrator can
/// grow; for tests and demos only (the configuration refuses it in production).
pub struct OffsetClock(std::sync::atomic::AtomicI64);

impl OffsetClock {
    pub fn new() -> Self {
        Self(std::sync::atomic::AtomicI64::new(0))
    }

    /// A movable clock that shows `start` now and runs on from there.
    pub fn starting_at(start: OffsetDateTime, real_now: OffsetDateTime) -> Self {
        let nanos = i64::try_from((start - real_now).whole_nanoseconds()).unwrap_or(0);
        Self(std::sync::atomic::AtomicI64::new(nanos))
    }

    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(
            i64::try_from(by.whole_nanoseconds()).unwrap_or(0),
            std::sync::atomic::Ordering::SeqCst,
        );
    }
}

impl Default for OffsetClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for OffsetClock {
    #[allow(
        clippy::disallowed_methods,
        reason = "the movable clock runs on from the wall clock"
    )]
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
            + Duration::nanoseconds(self.0.load(std::sync::atomic::Ordering::SeqCst))
    }
}

/// A clock that stands still until it is moved; for tests.
pub struct ManualClock(Mutex<OffsetDateTime>);

impl ManualClock {
    pub fn new(at: OffsetDateTime) -> Self {
        Self(Mutex::new(at))
    }

    pub fn advance(&self, by: Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        self.0
            .lock()
            .map(|t| *t)
            .unwrap_or_else(|p| *p.into_inner())
    }
}

fn last_sunday(year: i32, month: Month) -> Date {
    let mut day = Date::from_calendar_date(year, month, month.length(year)).unwrap_or(Date::MIN);
    while day.weekday() != Weekday::Sunday {
        day = day.previous_day().unwrap_or(Date::MIN);
    }
    day
}

/// The offset of German civil time (CET/CEST) at an instant: summer time runs from the last
/// Sunday of March to the last Sunday of October, switching at 01:00 UTC (EU rule).
pub fn german_offset(at: OffsetDateTime) -> UtcOffset {
    let utc = at.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let start = last_sunday(year, Month::March).midnight().assume_utc() + Duration::hours(1);
    let end = last_sunday(year, Month::October).midnight().assume_utc() + Duration::hours(1);
    let hours = if utc >= start && utc < end { 2 } else { 1 };
    UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// The instant in German civil time.
pub fn german_time(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(german_offset(at))
}

/// Today's date at the authority.
pub fn german_today(at: OffsetDateTime) -> Date {
    german_time(at).date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn summer_and_winter_time() {
        assert_eq!(
            german_offset(datetime!(2026-01-15 12:00 UTC)).whole_hours(),
            1
        );
        assert_eq!(
            german_offset(datetime!(2026-07-15 12:00 UTC)).whole_hours(),
            2
        );
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC
        assert_eq!(
            german_offset(datetime!(2026-03-29 00:59 UTC)).whole_hours(),
            1
        );
        assert_eq!(
            german_offset(datetime!(2026-03-29 01:00 UTC)).whole_hours(),
            2
        );
        assert_eq!(
            german_offset(datetime!(2026-10-25 00:59 UTC)).whole_hours(),
            2
        );
        assert_eq!(
            german_offset(datetime!(2026-10-25 01:00 UTC)).whole_hours(),
            1
        );
        assert_eq!(
            german_today(datetime!(2026-11-27 23:30 UTC)).to_string(),
            "2026-11-28"
        );
    }
}
