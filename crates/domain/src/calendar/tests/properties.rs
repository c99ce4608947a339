//! Properties of deadlines (§§ 187–193 BGB) for random Länder, dates and periods.

use super::*;

fn any_state() -> impl Strategy<Value = State> {
    prop::sample::select(State::ALL.to_vec())
}

fn any_date() -> impl Strategy<Value = Date> {
    (2000i32..2100, 1u16..=365).prop_map(|(year, day)| Date::from_ordinal_date(year, day).unwrap())
}

fn any_period() -> impl Strategy<Value = Period> {
    (
        1u32..=60,
        prop::sample::select(vec![
            Unit::Days,
            Unit::WorkingDays,
            Unit::Weeks,
            Unit::Months,
        ]),
    )
        .prop_map(|(amount, unit)| Period::new(amount, unit).unwrap())
}

fn month_index(date: Date) -> i64 {
    i64::from(date.year()) * 12 + i64::from(u8::from(date.month()))
}

proptest! {
    #[test]
    fn deadlines_obey_the_bgb(state in any_state(), event in any_date(), period in any_period()) {
        let calendar = Calendar::new(state);
        let d = deadline(&calendar, event, period).unwrap();
        let n = i64::from(period.amount());
        prop_assert!(d.end >= d.computed_end);
        prop_assert!(d.computed_end > event);
        prop_assert!(calendar.is_working_day(d.end).unwrap());
        // Every day passed over is a weekend day or holiday, and each has its reason.
        prop_assert_eq!(d.moved_because.len() as i64, days_between(d.computed_end, d.end));
        let mut day = d.computed_end;
        for reason in &d.moved_because {
            prop_assert!(!calendar.is_working_day(day).unwrap());
            prop_assert!(reason.starts_with(&day.to_string()), "{}", reason);
            day = add_days(day, 1).unwrap();
        }
        match period.unit() {
            Unit::Days => prop_assert_eq!(days_between(event, d.computed_end), n),
            Unit::Weeks => {
                prop_assert_eq!(days_between(event, d.computed_end), 7 * n);
                prop_assert_eq!(d.computed_end.weekday(), event.weekday());
            }
            Unit::Months => {
                prop_assert_eq!(month_index(d.computed_end) - month_index(event), n);
                let last = d.computed_end.month().length(d.computed_end.year());
                prop_assert!(d.computed_end.day() <= last);
                prop_assert!(
                    d.computed_end.day() == event.day()
                        || (d.computed_end.day() == last && event.day() > last)
                );
            }
            Unit::WorkingDays => {
                prop_assert!(!d.moved());
                prop_assert_eq!(
                    i64::from(calendar.working_days_until(event, d.computed_end).unwrap()),
                    n
                );
            }
        }
    }

    #[test]
    fn a_longer_period_never_ends_earlier(state in any_state(), event in any_date(), period in any_period()) {
        let calendar = Calendar::new(state);
        let longer = Period::new(period.amount() + 1, period.unit()).unwrap();
        let a = deadline(&calendar, event, period).unwrap();
        let b = deadline(&calendar, event, longer).unwrap();
        prop_assert!(b.computed_end > a.computed_end);
        prop_assert!(b.end >= a.end);
    }

    #[test]
    fn local_holidays_only_ever_postpone(
        state in any_state(),
        event in any_date(),
        period in any_period(),
        offset in 0i64..90,
    ) {
        let plain = Calendar::new(state);
        let local = plain
            .clone()
            .with_local_holidays([(add_days(event, offset).unwrap(), "Ortsfeiertag".to_string())]);
        let a = deadline(&plain, event, period).unwrap();
        let b = deadline(&local, event, period).unwrap();
        prop_assert!(b.end >= a.end);
        prop_assert!(local.is_working_day(b.end).unwrap());
    }

    #[test]
    fn suspensions_are_not_counted(
        state in any_state(),
        event in any_date(),
        period in any_period(),
        stop_after in 0i64..30,
        stopped_for in 0i64..60,
    ) {
        let calendar = Calendar::new(state);
        let plain = deadline(&calendar, event, period).unwrap();
        let stop = add_days(event, stop_after).unwrap();
        let resume = add_days(stop, stopped_for).unwrap();
        let mut c = DeadlineClock::new(period, event);
        c.stop(stop).unwrap();
        let mut restarted = c.clone();
        if stop <= plain.end {
            prop_assert_eq!(c.due(&calendar).unwrap(), None);
        }
        c.resume(resume, false).unwrap();
        let due = c.due(&calendar).unwrap().unwrap();
        prop_assert!(calendar.is_working_day(due.end).unwrap());
        if stop > plain.end {
            // Ran out before the stop: unchanged.
            prop_assert_eq!(&due, &plain);
        } else {
            prop_assert!(due.end >= resume);
            prop_assert!(due.end >= plain.end);
            if period.unit() != Unit::WorkingDays && stop <= plain.computed_end {
                prop_assert_eq!(
                    days_between(plain.computed_end, due.computed_end),
                    stopped_for
                );
            }
        }
        restarted.resume(resume, true).unwrap();
        prop_assert_eq!(
            restarted.due(&calendar).unwrap(),
            Some(deadline(&calendar, resume, period).unwrap())
        );
    }
}
