//! The legal calendar: public holidays of the 16 Länder, periods by §§ 187–193 BGB and
//! § 31 VwVfG, and deadline clocks that stop and resume.
//!
//! - [`holidays`] lists the Land-wide public holidays of a [`State`] for a year
//!   ([`FIRST_YEAR`]..=[`LAST_YEAR`]; other years are refused rather than guessed).
//! - A [`Calendar`] is a Land plus the local holidays of a municipality (dates, or
//!   recurring [`LocalHoliday`]s such as Mariä Himmelfahrt in Catholic Bavarian
//!   municipalities); it answers "is this a working day, and if not, why?".
//! - [`deadline`] computes when a [`Period`] (`14d`, `10wd`, `2w`, `1M`) that a
//!   triggering event starts runs out, and explains why the end moved (§ 193 BGB).
//! - A [`DeadlineClock`] is a period that can be stopped and resumed (or restarted).
//!
//! Everything is pure: dates come in as values, nothing reads the clock.

mod clock;
mod holidays;
mod period;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Weekday};

pub use clock::{ClockEvent, DeadlineClock};
pub use holidays::{FIRST_YEAR, Holiday, LAST_YEAR, LocalHoliday, easter_sunday, holidays};
pub use period::{Deadline, Period, Unit, deadline};

/// A German Land (federal state), by its usual two-letter code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum State {
    BW,
    BY,
    BE,
    BB,
    HB,
    HH,
    HE,
    MV,
    NI,
    NW,
    RP,
    SL,
    SN,
    ST,
    SH,
    TH,
}

impl State {
    /// All 16 Länder, in the order of their usual codes list.
    pub const ALL: [State; 16] = [
        State::BW,
        State::BY,
        State::BE,
        State::BB,
        State::HB,
        State::HH,
        State::HE,
        State::MV,
        State::NI,
        State::NW,
        State::RP,
        State::SL,
        State::SN,
        State::ST,
        State::SH,
        State::TH,
    ];

    /// Parses a two-letter code, ignoring case and surrounding blanks (`"by"`, `" BE "`).
    pub fn parse(input: &str) -> Result<State, CalendarError> {
        let code = input.trim().to_ascii_uppercase();
        State::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| CalendarError::UnknownState {
                input: input.to_string(),
            })
    }

    /// The two-letter code, e.g. `"BY"`.
    pub fn code(self) -> &'static str {
        match self {
            State::BW => "BW",
            State::BY => "BY",
            State::BE => "BE",
            State::BB => "BB",
            State::HB => "HB",
            State::HH => "HH",
            State::HE => "HE",
            State::MV => "MV",
            State::NI => "NI",
            State::NW => "NW",
            State::RP => "RP",
            State::SL => "SL",
            State::SN => "SN",
            State::ST => "ST",
            State::SH => "SH",
            State::TH => "TH",
        }
    }

    /// The German name, e.g. `"Bayern"`.
    pub fn name_de(self) -> &'static str {
        match self {
            State::BW => "Baden-Württemberg",
            State::BY => "Bayern",
            State::BE => "Berlin",
            State::BB => "Brandenburg",
            State::HB => "Bremen",
            State::HH => "Hamburg",
            State::HE => "Hessen",
            State::MV => "Mecklenburg-Vorpommern",
            State::NI => "Niedersachsen",
            State::NW => "Nordrhein-Westfalen",
            State::RP => "Rheinland-Pfalz",
            State::SL => "Saarland",
            State::SN => "Sachsen",
            State::ST => "Sachsen-Anhalt",
            State::SH => "Schleswig-Holstein",
            State::TH => "Thüringen",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for State {
    type Err = CalendarError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        State::parse(s)
    }
}

/// What can go wrong with calendar input. Messages are German, then English after " / ".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error(
        "Das Jahr {year} liegt außerhalb des unterstützten Bereichs {first}–{last} / the year {year} is outside the supported range {first}–{last}",
        first = FIRST_YEAR,
        last = LAST_YEAR
    )]
    YearOutOfRange { year: i32 },
    #[error(
        "'{input}' ist kein Länderkürzel (BW, BY, BE, BB, HB, HH, HE, MV, NI, NW, RP, SL, SN, ST, SH, TH) / '{input}' is not a Land code (BW, BY, BE, BB, HB, HH, HE, MV, NI, NW, RP, SL, SN, ST, SH, TH)"
    )]
    UnknownState { input: String },
    #[error(
        "'{input}' ist keine Frist: erwartet wird eine Zahl von 1 bis {max} und eine Einheit d (Tage), wd (Arbeitstage), w (Wochen) oder M (Monate), z. B. 14d, 10wd, 2w, 1M / '{input}' is not a period: expected a number from 1 to {max} and a unit d (days), wd (working days), w (weeks) or M (months), e.g. 14d, 10wd, 2w, 1M",
        max = Period::MAX_AMOUNT
    )]
    InvalidPeriod { input: String },
    #[error(
        "'{input}' ist kein Datum im Format JJJJ-MM-TT / '{input}' is not a date in the format YYYY-MM-DD"
    )]
    InvalidDate { input: String },
    #[error("Das Datum liegt außerhalb des darstellbaren Bereichs / the date is out of range")]
    DateOutOfRange,
    #[error(
        "Die Frist ist bereits seit {since} angehalten / the period has been stopped since {since}"
    )]
    ClockAlreadyStopped { since: Date },
    #[error("Die Frist ist nicht angehalten / the period is not stopped")]
    ClockNotStopped,
    #[error(
        "{on} liegt vor {after}, dem letzten Ereignis dieser Frist / {on} is before {after}, the last event of this period"
    )]
    ClockOutOfOrder { on: Date, after: Date },
}

/// Parses a date written `YYYY-MM-DD` (e.g. `2026-03-31`).
pub fn parse_date(input: &str) -> Result<Date, CalendarError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(input.trim(), format).map_err(|_| CalendarError::InvalidDate {
        input: input.to_string(),
    })
}

/// `date` plus `days` (which may be negative).
pub(crate) fn add_days(date: Date, days: i64) -> Result<Date, CalendarError> {
    let julian = i64::from(date.to_julian_day()) + days;
    let julian = i32::try_from(julian).map_err(|_| CalendarError::DateOutOfRange)?;
    Date::from_julian_day(julian).map_err(|_| CalendarError::DateOutOfRange)
}

/// Days from `from` to `to` (negative if `to` is earlier).
pub(crate) fn days_between(from: Date, to: Date) -> i64 {
    i64::from(to.to_julian_day()) - i64::from(from.to_julian_day())
}

fn weekday_de(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Monday => "Montag",
        Weekday::Tuesday => "Dienstag",
        Weekday::Wednesday => "Mittwoch",
        Weekday::Thursday => "Donnerstag",
        Weekday::Friday => "Freitag",
        Weekday::Saturday => "Samstag",
        Weekday::Sunday => "Sonntag",
    }
}

/// The working-day calendar of a place: the public holidays of its Land plus the local
/// holidays of its municipality.
///
/// Working days are Monday to Friday unless a holiday (§ 193 BGB, § 31(3) VwVfG; a
/// Saturday is never a working day here). Local holidays count because § 193 BGB speaks
/// of the holidays "am Erklärungs- oder Leistungsort".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    state: State,
    local_dates: Vec<(Date, String)>,
    local_rules: Vec<LocalHoliday>,
}

impl Calendar {
    /// The calendar of a Land, without local holidays.
    pub fn new(state: State) -> Self {
        Self {
            state,
            local_dates: Vec::new(),
            local_rules: Vec::new(),
        }
    }

    /// Adds local holidays on given dates (e.g. a municipality's own one-off holiday).
    pub fn with_local_holidays(
        mut self,
        holidays: impl IntoIterator<Item = (Date, String)>,
    ) -> Self {
        self.local_dates.extend(holidays);
        self.local_dates.sort_by_key(|(date, _)| *date);
        self
    }

    /// Adds a recurring local holiday (every year), e.g. [`LocalHoliday::MariaeHimmelfahrt`]
    /// for a Bavarian municipality with a Catholic majority.
    pub fn with_local_rule(mut self, rule: LocalHoliday) -> Self {
        if !self.local_rules.contains(&rule) {
            self.local_rules.push(rule);
        }
        self
    }

    pub fn state(&self) -> State {
        self.state
    }

    /// All holidays of this place in `year` (Land-wide and local), sorted by date.
    /// A day may appear twice when two holidays fall on it.
    pub fn holidays(&self, year: i32) -> Result<Vec<(Date, &str)>, CalendarError> {
        let mut list: Vec<(Date, &str)> = holidays(self.state, year)?
            .into_iter()
            .map(|h| (h.date, h.name))
            .collect();
        for rule in &self.local_rules {
            list.push((rule.date(year)?, rule.name()));
        }
        for (date, name) in &self.local_dates {
            if date.year() == year {
                list.push((*date, name.as_str()));
            }
        }
        list.sort_by_key(|(date, _)| *date); // stable: Land-wide names first
        let mut seen = std::collections::HashSet::new();
        list.retain(|entry| seen.insert(*entry));
        Ok(list)
    }

    /// The names of the holidays on `date` (usually none or one).
    pub fn holiday_names(&self, date: Date) -> Result<Vec<&str>, CalendarError> {
        Ok(self
            .holidays(date.year())?
            .into_iter()
            .filter(|(d, _)| *d == date)
            .map(|(_, name)| name)
            .collect())
    }

    /// The name of the holiday on `date`, if it is one (the first, if two coincide).
    pub fn is_holiday(&self, date: Date) -> Result<Option<&str>, CalendarError> {
        Ok(self.holiday_names(date)?.into_iter().next())
    }

    /// Monday to Friday and not a holiday. Errors for years outside the supported range.
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        Ok(self.why_not_working(date)?.is_none())
    }

    /// `None` for a working day; otherwise why not, in German, e.g.
    /// "2026-05-02 ist ein Samstag" or "2026-05-01 ist ein Feiertag (Tag der Arbeit)".
    pub fn why_not_working(&self, date: Date) -> Result<Option<String>, CalendarError> {
        let names = self.holiday_names(date)?;
        let weekday = date.weekday();
        let weekend = matches!(weekday, Weekday::Saturday | Weekday::Sunday);
        Ok(match (weekend, names.is_empty()) {
            (false, true) => None,
            (true, true) => Some(format!("{date} ist ein {}", weekday_de(weekday))),
            (false, false) => Some(format!("{date} ist ein Feiertag ({})", names.join(", "))),
            (true, false) => Some(format!(
                "{date} ist ein {} und ein Feiertag ({})",
                weekday_de(weekday),
                names.join(", ")
            )),
        })
    }

    /// How many working days lie after `from` up to and including `to` (0 if `to` is not
    /// after `from`): "working days left" when `from` is today and `to` the due date.
    pub fn working_days_until(&self, from: Date, to: Date) -> Result<u32, CalendarError> {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = add_days(day, 1)?;
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(count)
    }
}
