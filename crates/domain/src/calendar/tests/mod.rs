//! Worked examples (one line each) and property tests, some against the `holiday_de`
//! crate as an independent oracle.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use proptest::prelude::*;
use time::macros::date;
use time::{Date, Weekday};

use super::*;

/// What the CLI prints for a deadline: the end, then why it moved, one line each.
fn render(deadline: &Deadline) -> String {
    let mut lines = vec![deadline.end.to_string()];
    lines.extend(deadline.moved_because.iter().cloned());
    lines.join("\n")
}

/// One worked example. `input` is `"<Land> <date>"` (what kind of day is it?) or
/// `"<Land> <event date> <period>"` (when does the period end, and why there?).
/// `expected` is "Arbeitstag" or the reason the day is not one, or the rendered deadline.
#[track_caller]
fn check(input: &str, expected: &str) {
    let parts: Vec<&str> = input.split_whitespace().collect();
    let calendar = Calendar::new(State::parse(parts[0]).unwrap());
    let date = parse_date(parts[1]).unwrap();
    let actual = match parts.get(2) {
        None => calendar
            .why_not_working(date)
            .unwrap()
            .unwrap_or_else(|| "Arbeitstag".to_string()),
        Some(period) => render(&deadline(&calendar, date, Period::parse(period).unwrap()).unwrap()),
    };
    assert_eq!(actual, expected, "\n  input: {input}");
}

#[test]
fn month_ends() {
    // 31 Jan + 1 month: 28 Feb (a Saturday in 2026, so Monday 2 March) ...
    check(
        "BE 2026-01-31 1M",
        "2026-03-02\n2026-02-28 ist ein Samstag\n2026-03-01 ist ein Sonntag",
    );
    // ... and 29 Feb in the leap year 2028.
    check("BE 2028-01-31 1M", "2028-02-29");
    check("BE 2026-03-31 1M", "2026-04-30");
    check(
        "BE 2026-01-30 1M",
        "2026-03-02\n2026-02-28 ist ein Samstag\n2026-03-01 ist ein Sonntag",
    );
    check("BE 2028-01-31 13M", "2029-02-28");
    check(
        "BW 2026-08-31 2M",
        "2026-11-02\n\
         2026-10-31 ist ein Samstag\n\
         2026-11-01 ist ein Sonntag und ein Feiertag (Allerheiligen)",
    );
}

#[test]
fn leap_years() {
    check("BE 2028-02-29 12M", "2029-02-28");
    check("BE 2027-02-28 12M", "2028-02-28");
    check("BE 2028-02-28 1d", "2028-02-29");
    check("BE 2027-02-28 1d", "2027-03-01");
    // 29 Feb 2024 + 1 month = Good Friday 2024; Easter weekend, Easter Monday: Tuesday.
    check(
        "BE 2024-02-29 1M",
        "2024-04-02\n\
         2024-03-29 ist ein Feiertag (Karfreitag)\n\
         2024-03-30 ist ein Samstag\n\
         2024-03-31 ist ein Sonntag\n\
         2024-04-01 ist ein Feiertag (Ostermontag)",
    );
}

#[test]
fn easter() {
    // Ending on Easter Monday: Tuesday.
    check(
        "BY 2026-03-23 2w",
        "2026-04-07\n2026-04-06 ist ein Feiertag (Ostermontag)",
    );
    // Ending on Good Friday: over the Easter weekend to Tuesday.
    check(
        "HE 2026-03-20 2w",
        "2026-04-07\n\
         2026-04-03 ist ein Feiertag (Karfreitag)\n\
         2026-04-04 ist ein Samstag\n\
         2026-04-05 ist ein Sonntag\n\
         2026-04-06 ist ein Feiertag (Ostermontag)",
    );
    // Brandenburg's law names Easter Sunday as a holiday.
    check(
        "BB 2026-03-20 2w",
        "2026-04-07\n\
         2026-04-03 ist ein Feiertag (Karfreitag)\n\
         2026-04-04 ist ein Samstag\n\
         2026-04-05 ist ein Sonntag und ein Feiertag (Ostersonntag)\n\
         2026-04-06 ist ein Feiertag (Ostermontag)",
    );
    check("NW 2027-03-26", "2027-03-26 ist ein Feiertag (Karfreitag)");
    check("NW 2027-03-25", "Arbeitstag"); // Maundy Thursday is not a holiday
}

#[test]
fn land_specific_holidays() {
    // Fronleichnam (4 June 2026) in Bavaria, not in Berlin.
    check(
        "BY 2026-05-21 2w",
        "2026-06-05\n2026-06-04 ist ein Feiertag (Fronleichnam)",
    );
    check("BE 2026-05-21 2w", "2026-06-04");
    check(
        "BY 2026-06-04",
        "2026-06-04 ist ein Feiertag (Fronleichnam)",
    );
    check("BE 2026-06-04", "Arbeitstag");
    check("SN 2026-06-04", "Arbeitstag"); // only in some municipalities: LocalHoliday
    // Buß- und Bettag (Wednesday before 23 Nov) in Sachsen only.
    check(
        "SN 2026-11-04 2w",
        "2026-11-19\n2026-11-18 ist ein Feiertag (Buß- und Bettag)",
    );
    check("BE 2026-11-04 2w", "2026-11-18");
    check("TH 2026-11-18", "Arbeitstag");
    // Reformationstag 2017 everywhere; from 2018 on also in the north.
    check(
        "BY 2017-10-31",
        "2017-10-31 ist ein Feiertag (Reformationstag)",
    );
    check("BY 2018-10-31", "Arbeitstag");
    check("HH 2016-10-31", "Arbeitstag");
    check(
        "HH 2018-10-31",
        "2018-10-31 ist ein Feiertag (Reformationstag)",
    );
    check(
        "BB 2016-10-31",
        "2016-10-31 ist ein Feiertag (Reformationstag)",
    );
    // Internationaler Frauentag: Berlin from 2019, MV from 2023.
    check(
        "BE 2026-02-22 2w",
        "2026-03-09\n2026-03-08 ist ein Sonntag und ein Feiertag (Internationaler Frauentag)",
    );
    check(
        "BE 2027-03-08",
        "2027-03-08 ist ein Feiertag (Internationaler Frauentag)",
    );
    check("BB 2027-03-08", "Arbeitstag");
    check("BE 2018-03-08", "Arbeitstag");
    check("MV 2022-03-08", "Arbeitstag");
    check(
        "MV 2023-03-08",
        "2023-03-08 ist ein Feiertag (Internationaler Frauentag)",
    );
    // Heilige Drei Könige, Weltkindertag, Allerheiligen, Mariä Himmelfahrt.
    check(
        "ST 2026-01-06",
        "2026-01-06 ist ein Feiertag (Heilige Drei Könige)",
    );
    check("SN 2026-01-06", "Arbeitstag");
    check(
        "TH 2019-09-20",
        "2019-09-20 ist ein Feiertag (Weltkindertag)",
    );
    check("TH 2018-09-20", "Arbeitstag");
    check(
        "RP 2027-11-01",
        "2027-11-01 ist ein Feiertag (Allerheiligen)",
    );
    check(
        "SL 2028-08-15",
        "2028-08-15 ist ein Feiertag (Mariä Himmelfahrt)",
    );
    check("BY 2028-08-15", "Arbeitstag"); // Land-wide: only locally, see local_holidays
    // One-off holidays in Berlin.
    check(
        "BE 2025-04-24 2w",
        "2025-05-09\n2025-05-08 ist ein Feiertag (Tag der Befreiung)",
    );
    check("BB 2025-04-24 2w", "2025-05-08");
    check(
        "BE 2020-05-08",
        "2020-05-08 ist ein Feiertag (Tag der Befreiung)",
    );
    check("BE 2030-05-08", "Arbeitstag");
}

#[test]
fn weekends_and_holidays_move_the_end() {
    check(
        "BE 2026-03-07 14d",
        "2026-03-23\n2026-03-21 ist ein Samstag\n2026-03-22 ist ein Sonntag",
    );
    check(
        "BE 2026-04-17 2w",
        "2026-05-04\n\
         2026-05-01 ist ein Feiertag (Tag der Arbeit)\n\
         2026-05-02 ist ein Samstag\n\
         2026-05-03 ist ein Sonntag",
    );
    check(
        "BE 2026-12-11 2w",
        "2026-12-28\n\
         2026-12-25 ist ein Feiertag (1. Weihnachtstag)\n\
         2026-12-26 ist ein Samstag und ein Feiertag (2. Weihnachtstag)\n\
         2026-12-27 ist ein Sonntag",
    );
}

#[test]
fn working_days_weeks_days() {
    // Across Christmas and New Year in Berlin (24 and 31 Dec are working days) ...
    check("BE 2026-12-18 10wd", "2027-01-05");
    check("BE 2026-12-18 11wd", "2027-01-06");
    // ... and in Bavaria, where 6 January is a holiday.
    check("BY 2026-12-18 11wd", "2027-01-07");
    // Completeness check in BW: 10 working days over Ascension and Whit Monday.
    check("BW 2026-05-13 10wd", "2026-05-29");
    check("BE 2026-03-31 2w", "2026-04-14");
    check("BE 2026-03-31 14d", "2026-04-14");
    check("BE 2026-03-31 1d", "2026-04-01");
    // A working-day period never needs § 193: it ends on a working day.
    check("BE 2026-04-30 1wd", "2026-05-04");
}

#[test]
fn holidays_of_a_year() {
    let list = |state, year| {
        holidays(state, year)
            .unwrap()
            .iter()
            .map(|h| format!("{}\t{}", h.date, h.name))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        list(State::BY, 2027),
        "2027-01-01\tNeujahr
2027-01-06\tHeilige Drei Könige
2027-03-26\tKarfreitag
2027-03-29\tOstermontag
2027-05-01\tTag der Arbeit
2027-05-06\tChristi Himmelfahrt
2027-05-17\tPfingstmontag
2027-05-27\tFronleichnam
2027-10-03\tTag der Deutschen Einheit
2027-11-01\tAllerheiligen
2027-12-25\t1. Weihnachtstag
2027-12-26\t2. Weihnachtstag"
    );
    assert_eq!(
        list(State::BE, 2028),
        "2028-01-01\tNeujahr
2028-03-08\tInternationaler Frauentag
2028-04-14\tKarfreitag
2028-04-17\tOstermontag
2028-05-01\tTag der Arbeit
2028-05-25\tChristi Himmelfahrt
2028-06-05\tPfingstmontag
2028-06-17\t75. Jahrestag des Volksaufstandes vom 17. Juni 1953
2028-10-03\tTag der Deutschen Einheit
2028-12-25\t1. Weihnachtstag
2028-12-26\t2. Weihnachtstag"
    );
    // 2008: Ascension Day fell on 1 May; both are listed.
    let both: Vec<&str> = holidays(State::HH, 2008)
        .unwrap()
        .iter()
        .filter(|h| h.date == date!(2008 - 05 - 01))
        .map(|h| h.name)
        .collect();
    assert_eq!(both, ["Tag der Arbeit", "Christi Himmelfahrt"]);
    check(
        "HH 2008-04-17 2w",
        "2008-05-02\n2008-05-01 ist ein Feiertag (Tag der Arbeit, Christi Himmelfahrt)",
    );
}

#[test]
fn number_of_holidays_per_land() {
    let expected = [
        (State::BW, 12),
        (State::BY, 12),
        (State::BE, 10),
        (State::BB, 12),
        (State::HB, 10),
        (State::HH, 10),
        (State::HE, 10),
        (State::MV, 11),
        (State::NI, 10),
        (State::NW, 11),
        (State::RP, 11),
        (State::SL, 12),
        (State::SN, 11),
        (State::ST, 11),
        (State::SH, 10),
        (State::TH, 11),
    ];
    for (state, count) in expected {
        assert_eq!(holidays(state, 2026).unwrap().len(), count, "{state}");
    }
}

#[test]
fn reformationstag_2017_everywhere() {
    for state in State::ALL {
        let calendar = Calendar::new(state);
        assert_eq!(
            calendar.is_holiday(date!(2017 - 10 - 31)).unwrap(),
            Some("Reformationstag"),
            "{state}"
        );
    }
}

#[test]
fn easter_sundays() {
    let known = [
        (1995, date!(1995 - 04 - 16)),
        (2000, date!(2000 - 04 - 23)),
        (2008, date!(2008 - 03 - 23)),
        (2011, date!(2011 - 04 - 24)),
        (2024, date!(2024 - 03 - 31)),
        (2025, date!(2025 - 04 - 20)),
        (2026, date!(2026 - 04 - 05)),
        (2027, date!(2027 - 03 - 28)),
        (2038, date!(2038 - 04 - 25)),
        (2100, date!(2100 - 03 - 28)),
    ];
    for (year, easter) in known {
        assert_eq!(easter_sunday(year).unwrap(), easter, "{year}");
    }
    for year in FIRST_YEAR..=LAST_YEAR {
        let easter = easter_sunday(year).unwrap();
        assert_eq!(easter.weekday(), Weekday::Sunday);
        assert!(easter >= Date::from_calendar_date(year, time::Month::March, 22).unwrap());
        assert!(easter <= Date::from_calendar_date(year, time::Month::April, 25).unwrap());
    }
}

#[test]
fn years_outside_the_range_are_refused() {
    assert_eq!(
        holidays(State::BE, 1994),
        Err(CalendarError::YearOutOfRange { year: 1994 })
    );
    assert_eq!(
        holidays(State::BE, 2201),
        Err(CalendarError::YearOutOfRange { year: 2201 })
    );
    assert!(holidays(State::BE, FIRST_YEAR).is_ok());
    assert!(holidays(State::BE, LAST_YEAR).is_ok());
    let calendar = Calendar::new(State::BE);
    assert!(calendar.is_working_day(date!(2201 - 01 - 02)).is_err());
    assert_eq!(
        deadline(
            &calendar,
            date!(2200 - 12 - 01),
            Period::parse("1M").unwrap()
        ),
        Err(CalendarError::YearOutOfRange { year: 2201 })
    );
    let message = CalendarError::YearOutOfRange { year: 2201 }.to_string();
    assert_eq!(
        message,
        "Das Jahr 2201 liegt außerhalb des unterstützten Bereichs 1995–2200 / the year 2201 is outside the supported range 1995–2200"
    );
}

#[test]
fn local_holidays() {
    let augsburg = Calendar::new(State::BY)
        .with_local_rule(LocalHoliday::MariaeHimmelfahrt)
        .with_local_rule(LocalHoliday::AugsburgerFriedensfest);
    assert_eq!(
        augsburg.is_holiday(date!(2028 - 08 - 08)).unwrap(),
        Some("Augsburger Friedensfest")
    );
    assert_eq!(
        augsburg.is_holiday(date!(2028 - 08 - 15)).unwrap(),
        Some("Mariä Himmelfahrt")
    );
    assert_eq!(
        Calendar::new(State::BY)
            .is_holiday(date!(2028 - 08 - 08))
            .unwrap(),
        None
    );
    let d = deadline(
        &augsburg,
        date!(2028 - 07 - 25),
        Period::parse("2w").unwrap(),
    )
    .unwrap();
    assert_eq!(
        render(&d),
        "2028-08-09\n2028-08-08 ist ein Feiertag (Augsburger Friedensfest)"
    );
    assert_eq!(augsburg.holidays(2028).unwrap().len(), 14);

    // A rule that is already Land-wide is not listed twice.
    let saarland = Calendar::new(State::SL).with_local_rule(LocalHoliday::MariaeHimmelfahrt);
    assert_eq!(saarland.holidays(2028).unwrap().len(), 12);

    // Nor is a local date that repeats a Land-wide holiday, even on a day with two.
    let twice = Calendar::new(State::HH)
        .with_local_holidays([(date!(2008 - 05 - 01), "Tag der Arbeit".to_string())]);
    assert_eq!(
        twice.holiday_names(date!(2008 - 05 - 01)).unwrap(),
        ["Tag der Arbeit", "Christi Himmelfahrt"]
    );

    // Fronleichnam in a Sorbian municipality of Sachsen.
    let sorbian = Calendar::new(State::SN).with_local_rule(LocalHoliday::Fronleichnam);
    assert_eq!(
        sorbian.is_holiday(date!(2026 - 06 - 04)).unwrap(),
        Some("Fronleichnam")
    );

    // A municipality's one-off holiday, on a date.
    let town = Calendar::new(State::HE)
        .with_local_holidays([(date!(2026 - 09 - 07), "Stadtjubiläum".to_string())]);
    let d = deadline(&town, date!(2026 - 08 - 24), Period::parse("2w").unwrap()).unwrap();
    assert_eq!(
        render(&d),
        "2026-09-08\n2026-09-07 ist ein Feiertag (Stadtjubiläum)"
    );
    let listed = town.holidays(2026).unwrap();
    assert!(listed.contains(&(date!(2026 - 09 - 07), "Stadtjubiläum")));
    assert!(listed.windows(2).all(|w| w[0].0 <= w[1].0), "sorted");
    assert!(
        !town
            .holidays(2027)
            .unwrap()
            .iter()
            .any(|(_, n)| *n == "Stadtjubiläum")
    );
}

#[test]
fn working_days_until() {
    let berlin = Calendar::new(State::BE);
    // 21–24, 28–31 Dec: 8 working days after Fri 18 Dec up to Thu 31 Dec (Christmas Eve
    // and New Year's Eve are no holidays).
    assert_eq!(
        berlin
            .working_days_until(date!(2026 - 12 - 18), date!(2026 - 12 - 31))
            .unwrap(),
        8
    );
    assert_eq!(
        berlin
            .working_days_until(date!(2026 - 12 - 31), date!(2026 - 12 - 18))
            .unwrap(),
        0
    );
}

#[test]
fn states() {
    for state in State::ALL {
        assert_eq!(State::parse(state.code()), Ok(state));
        assert_eq!(State::parse(&state.code().to_lowercase()), Ok(state));
        assert_eq!(state.to_string().parse::<State>(), Ok(state));
    }
    assert_eq!(State::parse(" by "), Ok(State::BY));
    assert_eq!(State::BY.name_de(), "Bayern");
    assert_eq!(State::TH.name_de(), "Thüringen");
    assert_eq!(State::MV.name_de(), "Mecklenburg-Vorpommern");
    for bad in ["", "XX", "Bayern", "B", "BYY", "DE"] {
        assert_eq!(
            State::parse(bad),
            Err(CalendarError::UnknownState {
                input: bad.to_string()
            })
        );
    }
    let message = State::parse("XX").unwrap_err().to_string();
    assert!(
        message.starts_with("'XX' ist kein Länderkürzel"),
        "{message}"
    );
    assert!(message.contains(" / 'XX' is not a Land code"), "{message}");
}

#[test]
fn periods() {
    for (text, amount, unit) in [
        ("1M", 1, Unit::Months),
        ("10wd", 10, Unit::WorkingDays),
        ("2w", 2, Unit::Weeks),
        ("14d", 14, Unit::Days),
        (" 3M ", 3, Unit::Months),
        ("9999d", 9999, Unit::Days),
    ] {
        let period = Period::parse(text).unwrap();
        assert_eq!((period.amount(), period.unit()), (amount, unit), "{text}");
        assert_eq!(period.to_string(), text.trim());
        assert_eq!(period.to_string().parse::<Period>(), Ok(period));
    }
    for bad in [
        "",
        "M",
        "d",
        "0d",
        "00M",
        "1m",
        "1W",
        "1D",
        "1 M",
        "1MM",
        "1wdd",
        "-1d",
        "+1d",
        "1.5M",
        "10000d",
        "99999999999d",
        "1Wd",
        "M1",
        "eins",
        "1٣d",
    ] {
        assert_eq!(
            Period::parse(bad),
            Err(CalendarError::InvalidPeriod {
                input: bad.to_string()
            }),
            "{bad:?}"
        );
    }
    assert!(Period::new(0, Unit::Days).is_err());
    let json = serde_json::to_string(&Period::parse("10wd").unwrap()).unwrap();
    assert_eq!(json, "\"10wd\"");
    assert_eq!(
        serde_json::from_str::<Period>("\"1M\"").unwrap(),
        Period::parse("1M").unwrap()
    );
    assert!(serde_json::from_str::<Period>("\"1m\"").is_err());
    let message = Period::parse("1m").unwrap_err().to_string();
    assert!(message.starts_with("'1m' ist keine Frist"), "{message}");
    assert!(message.contains(" / '1m' is not a period"), "{message}");
}

#[test]
fn dates() {
    assert_eq!(parse_date("2026-03-31"), Ok(date!(2026 - 03 - 31)));
    for bad in [
        "2026-3-31",
        "31.03.2026",
        "2026-02-30",
        "2026-03-31T00:00",
        "",
        "heute",
    ] {
        assert_eq!(
            parse_date(bad),
            Err(CalendarError::InvalidDate {
                input: bad.to_string()
            }),
            "{bad:?}"
        );
    }
}

mod clock;
mod oracle;
mod properties;
