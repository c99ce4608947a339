//! Public holidays of the 16 Länder.
//!
//! Each Land decides its holidays in its own holiday act (Feiertagsgesetz); the day of
//! German unity is federal (Einigungsvertrag Art. 2(2)). The rules below are those in
//! force since 1995, when the Buß- und Bettag ceased to be a holiday everywhere but in
//! Sachsen (to fund the long-term care insurance); earlier years are refused.
//!
//! | holiday | where |
//! |---|---|
//! | Neujahr, Karfreitag, Ostermontag, Tag der Arbeit, Christi Himmelfahrt, Pfingstmontag, Tag der Deutschen Einheit, 1. and 2. Weihnachtstag | everywhere |
//! | Heilige Drei Könige (6 Jan) | BW, BY, ST |
//! | Internationaler Frauentag (8 Mar) | BE from 2019, MV from 2023 |
//! | Ostersonntag, Pfingstsonntag | BB (always Sundays, listed because the law lists them) |
//! | Fronleichnam (Easter + 60) | BW, BY, HE, NW, RP, SL (Land-wide); some municipalities of SN and TH: [`LocalHoliday::Fronleichnam`] |
//! | Mariä Himmelfahrt (15 Aug) | SL; in BY only municipalities with a Catholic majority (Art. 1(1) Nr. 2 FTG): [`LocalHoliday::MariaeHimmelfahrt`] |
//! | Augsburger Friedensfest (8 Aug) | city of Augsburg only (Art. 1(2) FTG): [`LocalHoliday::AugsburgerFriedensfest`] |
//! | Weltkindertag (20 Sep) | TH from 2019 |
//! | Reformationstag (31 Oct) | BB, MV, SN, ST, TH; HB, HH, NI, SH from 2018; every Land in 2017 (500 years of the Reformation) |
//! | Allerheiligen (1 Nov) | BW, BY, NW, RP, SL |
//! | Buß- und Bettag (Wednesday before 23 Nov) | SN |
//! | one-off: 8 May 2020, 8 May 2025 (Tag der Befreiung), 17 June 2028 (75 years since the 1953 uprising) | BE (§ 1 FTG Berlin) |

use time::{Date, Month, Weekday};

use super::{CalendarError, State, add_days};

/// The first year whose holidays are known ([`holidays`] refuses earlier years).
pub const FIRST_YEAR: i32 = 1995;
/// The last year whose holidays are computed (an arbitrary but generous horizon).
pub const LAST_YEAR: i32 = 2200;

/// A public holiday: its date and its German name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Holiday {
    pub date: Date,
    pub name: &'static str,
}

const NEUJAHR: &str = "Neujahr";
const HEILIGE_DREI_KOENIGE: &str = "Heilige Drei Könige";
const FRAUENTAG: &str = "Internationaler Frauentag";
const KARFREITAG: &str = "Karfreitag";
const OSTERSONNTAG: &str = "Ostersonntag";
const OSTERMONTAG: &str = "Ostermontag";
const TAG_DER_ARBEIT: &str = "Tag der Arbeit";
const TAG_DER_BEFREIUNG: &str = "Tag der Befreiung";
const CHRISTI_HIMMELFAHRT: &str = "Christi Himmelfahrt";
const PFINGSTSONNTAG: &str = "Pfingstsonntag";
const PFINGSTMONTAG: &str = "Pfingstmontag";
const VOLKSAUFSTAND: &str = "75. Jahrestag des Volksaufstandes vom 17. Juni 1953";
const FRONLEICHNAM: &str = "Fronleichnam";
const AUGSBURGER_FRIEDENSFEST: &str = "Augsburger Friedensfest";
const MARIAE_HIMMELFAHRT: &str = "Mariä Himmelfahrt";
const WELTKINDERTAG: &str = "Weltkindertag";
const DEUTSCHE_EINHEIT: &str = "Tag der Deutschen Einheit";
const REFORMATIONSTAG: &str = "Reformationstag";
const ALLERHEILIGEN: &str = "Allerheiligen";
const BUSS_UND_BETTAG: &str = "Buß- und Bettag";
const WEIHNACHTSTAG_1: &str = "1. Weihnachtstag";
const WEIHNACHTSTAG_2: &str = "2. Weihnachtstag";

fn check_year(year: i32) -> Result<(), CalendarError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(CalendarError::YearOutOfRange { year })
    }
}

fn fixed(year: i32, month: Month, day: u8) -> Result<Date, CalendarError> {
    Date::from_calendar_date(year, month, day).map_err(|_| CalendarError::DateOutOfRange)
}

/// Easter Sunday of `year` (Gregorian computus, the "anonymous" algorithm of Meeus,
/// Jones and Butcher).
pub fn easter_sunday(year: i32) -> Result<Date, CalendarError> {
    check_year(year)?;
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    let month = if n / 31 == 3 {
        Month::March
    } else {
        Month::April
    };
    let day = u8::try_from(n % 31 + 1).map_err(|_| CalendarError::DateOutOfRange)?;
    fixed(year, month, day)
}

/// Buß- und Bettag: the Wednesday before 23 November (16–22 November).
fn buss_und_bettag(year: i32) -> Result<Date, CalendarError> {
    let nov_22 = fixed(year, Month::November, 22)?;
    let back = (i64::from(nov_22.weekday().number_days_from_monday()) + 7
        - i64::from(Weekday::Wednesday.number_days_from_monday()))
        % 7;
    add_days(nov_22, -back)
}

/// The Land-wide public holidays of `state` in `year`, sorted by date (two holidays on
/// the same day are both listed). Local holidays are not included: see [`LocalHoliday`]
/// and [`super::Calendar`].
pub fn holidays(state: State, year: i32) -> Result<Vec<Holiday>, CalendarError> {
    use State::*;
    check_year(year)?;
    let easter = easter_sunday(year)?;
    let after_easter = |days: i64| add_days(easter, days);
    let mut list = Vec::with_capacity(16);
    let mut add = |date: Date, name: &'static str| list.push(Holiday { date, name });

    add(fixed(year, Month::January, 1)?, NEUJAHR);
    if matches!(state, BW | BY | ST) {
        add(fixed(year, Month::January, 6)?, HEILIGE_DREI_KOENIGE);
    }
    // Berlin: § 1(1) Nr. 2 FTG since the amendment of 30 Jan 2019; MV: § 2(1) FTG since
    // the amendment of 2022, first observed in 2023.
    if (state == BE && year >= 2019) || (state == MV && year >= 2023) {
        add(fixed(year, Month::March, 8)?, FRAUENTAG);
    }
    add(after_easter(-2)?, KARFREITAG);
    if state == BB {
        add(easter, OSTERSONNTAG);
    }
    add(after_easter(1)?, OSTERMONTAG);
    add(fixed(year, Month::May, 1)?, TAG_DER_ARBEIT);
    // Berlin, one-off: 75th (2020) and 80th (2025) anniversary of the end of the war in Europe.
    if state == BE && (year == 2020 || year == 2025) {
        add(fixed(year, Month::May, 8)?, TAG_DER_BEFREIUNG);
    }
    add(after_easter(39)?, CHRISTI_HIMMELFAHRT);
    if state == BB {
        add(after_easter(49)?, PFINGSTSONNTAG);
    }
    add(after_easter(50)?, PFINGSTMONTAG);
    // Berlin, one-off (amendment of Dec 2024, GVBl. 2024 S. 460).
    if state == BE && year == 2028 {
        add(fixed(year, Month::June, 17)?, VOLKSAUFSTAND);
    }
    if matches!(state, BW | BY | HE | NW | RP | SL) {
        add(after_easter(60)?, FRONLEICHNAM);
    }
    if state == SL {
        add(fixed(year, Month::August, 15)?, MARIAE_HIMMELFAHRT);
    }
    // Thüringen: § 2(1) ThürFtG since the amendment of 2019.
    if state == TH && year >= 2019 {
        add(fixed(year, Month::September, 20)?, WELTKINDERTAG);
    }
    add(fixed(year, Month::October, 3)?, DEUTSCHE_EINHEIT);
    // Every Land in 2017 (500th anniversary of the Reformation, each by its own law).
    let reformationstag = year == 2017
        || match state {
            BB | MV | SN | ST | TH => true,
            // Made a permanent holiday by the laws these Länder passed in 2018.
            HB | HH | NI | SH => year >= 2018,
            BW | BY | BE | HE | NW | RP | SL => false,
        };
    if reformationstag {
        add(fixed(year, Month::October, 31)?, REFORMATIONSTAG);
    }
    if matches!(state, BW | BY | NW | RP | SL) {
        add(fixed(year, Month::November, 1)?, ALLERHEILIGEN);
    }
    if state == SN {
        add(buss_und_bettag(year)?, BUSS_UND_BETTAG);
    }
    add(fixed(year, Month::December, 25)?, WEIHNACHTSTAG_1);
    add(fixed(year, Month::December, 26)?, WEIHNACHTSTAG_2);

    list.sort_by_key(|h| h.date); // stable: holidays on the same day keep the order above
    Ok(list)
}

/// Holidays that hold only in some municipalities, never Land-wide. A [`super::Calendar`]
/// of such a municipality adds them with [`super::Calendar::with_local_rule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalHoliday {
    /// 15 August: in Bavaria only in municipalities with a predominantly Catholic
    /// population (Art. 1(1) Nr. 2 FTG; the Land statistics office publishes the list).
    /// Land-wide in the Saarland, where it is already in [`holidays`].
    MariaeHimmelfahrt,
    /// 8 August: only in the city of Augsburg (Art. 1(2) FTG Bayern).
    AugsburgerFriedensfest,
    /// Easter + 60 days: Land-wide in BW, BY, HE, NW, RP, SL (already in [`holidays`]);
    /// locally in some Catholic municipalities of Sachsen (§ 1 SächsSFG with its
    /// regulation) and Thüringen (§ 2(2) ThürFtG).
    Fronleichnam,
}

impl LocalHoliday {
    pub fn name(self) -> &'static str {
        match self {
            LocalHoliday::MariaeHimmelfahrt => MARIAE_HIMMELFAHRT,
            LocalHoliday::AugsburgerFriedensfest => AUGSBURGER_FRIEDENSFEST,
            LocalHoliday::Fronleichnam => FRONLEICHNAM,
        }
    }

    /// Its date in `year`.
    pub fn date(self, year: i32) -> Result<Date, CalendarError> {
        check_year(year)?;
        match self {
            LocalHoliday::MariaeHimmelfahrt => fixed(year, Month::August, 15),
            LocalHoliday::AugsburgerFriedensfest => fixed(year, Month::August, 8),
            LocalHoliday::Fronleichnam => add_days(easter_sunday(year)?, 60),
        }
    }
}
