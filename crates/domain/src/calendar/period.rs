//! Periods and their end, by §§ 187–193 BGB (applied to administrative procedure by
//! § 31(1) VwVfG and the Länder's VwVfG).
//!
//! - § 187(1) BGB: a period that an event starts (a request received, a notice served)
//!   begins on the day after the event; the event day does not count.
//! - § 188(1): a period in days ends at the end of its last day: event + n days.
//! - § 188(2): a period in weeks ends on the day of the last week with the same weekday as
//!   the event; a period in months on the day of the last month with the same day number.
//! - § 188(3): if that day does not exist in the last month, the period ends on the
//!   month's last day (31 Jan + 1 month = 28/29 Feb; 31 Mar + 1 month = 30 Apr).
//! - Working days (`wd`, "Arbeitstage"): Monday to Friday that are not holidays of the
//!   Land or the municipality; the period ends on the n-th such day after the event.
//! - § 193 BGB / § 31(3) VwVfG: an end on a Saturday, Sunday or public holiday moves to
//!   the next working day. ([`Deadline::moved_because`] says why, day by day.)

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use super::{Calendar, CalendarError, add_days};

/// The unit of a [`Period`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Calendar days (`d`).
    Days,
    /// Working days (`wd`): Monday to Friday, not a public holiday.
    WorkingDays,
    /// Weeks (`w`).
    Weeks,
    /// Months (`M`; a capital letter, so it cannot be mistaken for minutes).
    Months,
}

impl Unit {
    /// The suffix used in [`Period::parse`]: `d`, `wd`, `w` or `M`.
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Days => "d",
            Unit::WorkingDays => "wd",
            Unit::Weeks => "w",
            Unit::Months => "M",
        }
    }
}

/// A length of time, e.g. `1M` (one month) or `10wd` (ten working days).
///
/// Written as text in service definitions: (de)serializes as its [`Period::parse`] form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    amount: u32,
    unit: Unit,
}

impl Period {
    /// The longest period accepted, in any unit (so arithmetic never overflows).
    pub const MAX_AMOUNT: u32 = 9999;

    /// A period of `amount` (1..=[`Period::MAX_AMOUNT`]) `unit`s.
    pub fn new(amount: u32, unit: Unit) -> Result<Self, CalendarError> {
        if (1..=Self::MAX_AMOUNT).contains(&amount) {
            Ok(Self { amount, unit })
        } else {
            Err(CalendarError::InvalidPeriod {
                input: format!("{amount}{}", unit.suffix()),
            })
        }
    }

    /// Parses `14d`, `10wd`, `2w` or `1M`: digits, then a unit, nothing else.
    pub fn parse(input: &str) -> Result<Self, CalendarError> {
        let invalid = || CalendarError::InvalidPeriod {
            input: input.to_string(),
        };
        let text = input.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(invalid)?;
        let (digits, suffix) = text.split_at(split);
        if digits.is_empty() || digits.len() > 9 {
            return Err(invalid());
        }
        let amount: u32 = digits.parse().map_err(|_| invalid())?;
        let unit = match suffix {
            "d" => Unit::Days,
            "wd" => Unit::WorkingDays,
            "w" => Unit::Weeks,
            "M" => Unit::Months,
            _ => return Err(invalid()),
        };
        Period::new(amount, unit).map_err(|_| invalid())
    }

    pub fn amount(self) -> u32 {
        self.amount
    }

    pub fn unit(self) -> Unit {
        self.unit
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.unit.suffix())
    }
}

impl FromStr for Period {
    type Err = CalendarError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s)
    }
}

impl TryFrom<String> for Period {
    type Error = CalendarError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Period::parse(&s)
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

/// When a period ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// The last day of the period (it runs until the end of this day).
    pub end: Date,
    /// The end by §§ 187, 188 BGB, before § 193 BGB moved it off a weekend or holiday.
    pub computed_end: Date,
    /// Why the end moved, one line per day passed over, in German, e.g.
    /// "2026-05-02 ist ein Samstag". Empty if `end == computed_end`.
    pub moved_because: Vec<String>,
}

impl Deadline {
    /// Whether § 193 BGB moved the end.
    pub fn moved(&self) -> bool {
        self.end != self.computed_end
    }
}

/// When `period`, started by an event on `event_date`, ends at the place of `calendar`.
///
/// ```
/// use amtsweg_domain::calendar::{deadline, parse_date, Calendar, Period, State};
/// let calendar = Calendar::new(State::BE);
/// let from = parse_date("2026-03-31").unwrap();
/// let d = deadline(&calendar, from, Period::parse("1M").unwrap()).unwrap();
/// assert_eq!(d.end.to_string(), "2026-04-30");
/// ```
pub fn deadline(
    calendar: &Calendar,
    event_date: Date,
    period: Period,
) -> Result<Deadline, CalendarError> {
    settle(calendar, computed_end(calendar, event_date, period)?)
}

/// The end by §§ 187, 188 BGB (before § 193).
pub(crate) fn computed_end(
    calendar: &Calendar,
    event_date: Date,
    period: Period,
) -> Result<Date, CalendarError> {
    let n = period.amount;
    match period.unit {
        Unit::Days => add_days(event_date, i64::from(n)),
        Unit::Weeks => add_days(event_date, 7 * i64::from(n)),
        Unit::Months => add_months(event_date, n),
        Unit::WorkingDays => nth_working_day_after(calendar, event_date, n),
    }
}

/// § 193 BGB: from `computed_end` on to the first working day, saying why for each day
/// passed over.
pub(crate) fn settle(calendar: &Calendar, computed_end: Date) -> Result<Deadline, CalendarError> {
    let mut end = computed_end;
    let mut moved_because = Vec::new();
    while let Some(reason) = calendar.why_not_working(end)? {
        moved_because.push(reason);
        end = add_days(end, 1)?;
    }
    Ok(Deadline {
        end,
        computed_end,
        moved_because,
    })
}

/// The `n`-th working day after `from` (`from` itself if `n` is 0).
pub(crate) fn nth_working_day_after(
    calendar: &Calendar,
    from: Date,
    n: u32,
) -> Result<Date, CalendarError> {
    let mut day = from;
    let mut left = n;
    while left > 0 {
        day = add_days(day, 1)?;
        if calendar.is_working_day(day)? {
            left -= 1;
        }
    }
    Ok(day)
}

/// The same day number `months` later, or that month's last day if it is shorter
/// (§ 188(2), (3) BGB).
fn add_months(date: Date, months: u32) -> Result<Date, CalendarError> {
    let index =
        i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + i64::from(months);
    let year = i32::try_from(index.div_euclid(12)).map_err(|_| CalendarError::DateOutOfRange)?;
    let month =
        u8::try_from(index.rem_euclid(12) + 1).map_err(|_| CalendarError::DateOutOfRange)?;
    let month = Month::try_from(month).map_err(|_| CalendarError::DateOutOfRange)?;
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).map_err(|_| CalendarError::DateOutOfRange)
}
