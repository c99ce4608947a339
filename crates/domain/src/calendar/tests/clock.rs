//! The clock that stops and resumes.

use super::*;

fn clock(period: &str, started_on: Date) -> DeadlineClock {
    DeadlineClock::new(Period::parse(period).unwrap(), started_on)
}

#[test]
fn a_running_clock_is_its_deadline() {
    let berlin = Calendar::new(State::BE);
    let c = clock("1M", date!(2026 - 03 - 31));
    assert!(c.is_running());
    assert_eq!(
        c.due(&berlin).unwrap(),
        Some(deadline(&berlin, date!(2026 - 03 - 31), Period::parse("1M").unwrap()).unwrap())
    );
}

#[test]
fn a_stopped_clock_has_no_due_date_and_resumes_with_the_days_added() {
    let berlin = Calendar::new(State::BE);
    // 2 weeks from Mon 2 Mar 2026: Mon 16 Mar. Stopped on Wed 4 Mar, resumed on Wed 11
    // Mar: 7 days (5..=11 Mar) are not counted, so Mon 23 Mar.
    let mut c = clock("2w", date!(2026 - 03 - 02));
    c.stop(date!(2026 - 03 - 04)).unwrap();
    assert!(!c.is_running());
    assert_eq!(c.stopped_since(), Some(date!(2026 - 03 - 04)));
    assert_eq!(c.due(&berlin).unwrap(), None);
    c.resume(date!(2026 - 03 - 11), false).unwrap();
    assert!(c.is_running());
    assert_eq!(c.due(&berlin).unwrap().unwrap().end, date!(2026 - 03 - 23));

    // Stopped and resumed the same day: nothing changes.
    let mut same = clock("2w", date!(2026 - 03 - 02));
    same.stop(date!(2026 - 03 - 04)).unwrap();
    same.resume(date!(2026 - 03 - 04), false).unwrap();
    assert_eq!(
        same.due(&berlin).unwrap().unwrap().end,
        date!(2026 - 03 - 16)
    );

    // Restarted: 2 weeks from the resume day.
    let mut restarted = clock("2w", date!(2026 - 03 - 02));
    restarted.stop(date!(2026 - 03 - 04)).unwrap();
    restarted.resume(date!(2026 - 03 - 11), true).unwrap();
    assert_eq!(
        restarted.due(&berlin).unwrap().unwrap().end,
        date!(2026 - 03 - 25)
    );

    // Twice stopped: 7 + 3 days.
    c.stop(date!(2026 - 03 - 16)).unwrap();
    c.resume(date!(2026 - 03 - 19), false).unwrap();
    assert_eq!(c.due(&berlin).unwrap().unwrap().end, date!(2026 - 03 - 26));
    assert_eq!(c.events().len(), 4);
    assert_eq!(
        DeadlineClock::from_events(c.period(), c.started_on(), c.events().iter().copied()),
        Ok(c.clone())
    );
}

#[test]
fn a_working_day_clock_counts_the_working_days_left() {
    let berlin = Calendar::new(State::BE);
    // 10 working days from Mon 2 Mar 2026: Mon 16 Mar. Stopped on Fri 6 Mar (4 counted,
    // 6 left), resumed on Thu 26 Mar: 6 working days after it, over Easter: Mon 6 Apr is
    // Easter Monday, Fri 3 Apr Good Friday: 27, 30, 31 Mar, 1, 2, 7 Apr.
    let mut c = clock("10wd", date!(2026 - 03 - 02));
    assert_eq!(c.due(&berlin).unwrap().unwrap().end, date!(2026 - 03 - 16));
    c.stop(date!(2026 - 03 - 06)).unwrap();
    c.resume(date!(2026 - 03 - 26), false).unwrap();
    assert_eq!(c.due(&berlin).unwrap().unwrap().end, date!(2026 - 04 - 07));
}

#[test]
fn a_stop_after_the_period_ran_out_does_not_revive_it() {
    let berlin = Calendar::new(State::BE);
    let mut c = clock("2w", date!(2026 - 03 - 02));
    c.stop(date!(2026 - 03 - 20)).unwrap();
    assert_eq!(c.due(&berlin).unwrap().unwrap().end, date!(2026 - 03 - 16));
    c.resume(date!(2026 - 03 - 30), false).unwrap();
    assert_eq!(c.due(&berlin).unwrap().unwrap().end, date!(2026 - 03 - 16));
    // A restart does start a new period.
    c.stop(date!(2026 - 03 - 31)).unwrap();
    c.resume(date!(2026 - 04 - 07), true).unwrap();
    assert_eq!(c.due(&berlin).unwrap().unwrap().end, date!(2026 - 04 - 21));
    // A stop on the last day still counts: the suspended 17 and 18 March are added.
    let mut last_day = clock("2w", date!(2026 - 03 - 02));
    last_day.stop(date!(2026 - 03 - 16)).unwrap();
    assert_eq!(last_day.due(&berlin).unwrap(), None);
    last_day.resume(date!(2026 - 03 - 18), false).unwrap();
    assert_eq!(
        last_day.due(&berlin).unwrap().unwrap().end,
        date!(2026 - 03 - 18)
    );
}

#[test]
fn clock_misuse_is_refused() {
    let mut c = clock("1M", date!(2026 - 03 - 02));
    assert_eq!(
        c.resume(date!(2026 - 03 - 03), false),
        Err(CalendarError::ClockNotStopped)
    );
    assert_eq!(
        c.stop(date!(2026 - 03 - 01)),
        Err(CalendarError::ClockOutOfOrder {
            on: date!(2026 - 03 - 01),
            after: date!(2026 - 03 - 02)
        })
    );
    c.stop(date!(2026 - 03 - 05)).unwrap();
    assert_eq!(
        c.stop(date!(2026 - 03 - 06)),
        Err(CalendarError::ClockAlreadyStopped {
            since: date!(2026 - 03 - 05)
        })
    );
    assert_eq!(
        c.resume(date!(2026 - 03 - 04), false),
        Err(CalendarError::ClockOutOfOrder {
            on: date!(2026 - 03 - 04),
            after: date!(2026 - 03 - 05)
        })
    );
    assert_eq!(
        c.events(),
        [ClockEvent::Stopped {
            on: date!(2026 - 03 - 05)
        }]
    );
    assert!(
        DeadlineClock::from_events(
            c.period(),
            c.started_on(),
            [ClockEvent::Resumed {
                on: date!(2026 - 03 - 05),
                restart: false
            }]
        )
        .is_err()
    );
}
