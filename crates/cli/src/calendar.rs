//! `amtsweg calendar`: public holidays and statutory deadlines, for people who check
//! deadlines by hand and for scripts. Output is plain lines, one fact each.

use amtsweg_domain::calendar::{self, Calendar, Period, State};

#[derive(clap::Subcommand)]
pub enum CalendarArgs {
    /// List the public holidays of a Land in a year.
    ///
    /// One per line: YYYY-MM-DD<TAB>name. Only Land-wide holidays: local ones (Mariä
    /// Himmelfahrt in Catholic Bavarian municipalities, Augsburger Friedensfest,
    /// Fronleichnam in parts of SN and TH) are not listed.
    Holidays {
        /// Land code: BW, BY, BE, BB, HB, HH, HE, MV, NI, NW, RP, SL, SN, ST, SH, TH.
        #[arg(long)]
        land: String,
        /// The year (1995–2200).
        #[arg(long)]
        year: i32,
    },
    /// Print when a statutory period ends.
    ///
    /// The end date (YYYY-MM-DD) on the first line, then, if the end moved off a weekend
    /// or holiday (§ 193 BGB, § 31(3) VwVfG), one line for each day passed over.
    Deadline {
        /// Land code: BW, BY, BE, BB, HB, HH, HE, MV, NI, NW, RP, SL, SN, ST, SH, TH.
        #[arg(long)]
        land: String,
        /// The day of the event that starts the period (YYYY-MM-DD); the period begins
        /// the day after (§ 187(1) BGB).
        #[arg(long)]
        from: String,
        /// The length: a number and d (days), wd (working days), w (weeks) or M (months),
        /// e.g. 14d, 10wd, 2w, 1M.
        #[arg(long)]
        period: String,
    },
}

/// Runs the command; an `Err` is a message for the user (German / English).
pub fn run(args: CalendarArgs) -> Result<(), String> {
    for line in lines(args)? {
        println!("{line}");
    }
    Ok(())
}

/// The output lines, so that nothing is printed when the input is wrong.
fn lines(args: CalendarArgs) -> Result<Vec<String>, String> {
    match args {
        CalendarArgs::Holidays { land, year } => {
            let state = land_arg(&land)?;
            let holidays = calendar::holidays(state, year).map_err(|e| format!("--year: {e}"))?;
            Ok(holidays
                .iter()
                .map(|h| format!("{}\t{}", h.date, h.name))
                .collect())
        }
        CalendarArgs::Deadline { land, from, period } => {
            let state = land_arg(&land)?;
            let from = calendar::parse_date(&from).map_err(|e| format!("--from: {e}"))?;
            let period = Period::parse(&period).map_err(|e| format!("--period: {e}"))?;
            let deadline = calendar::deadline(&Calendar::new(state), from, period)
                .map_err(|e| e.to_string())?;
            let mut lines = vec![deadline.end.to_string()];
            lines.extend(deadline.moved_because);
            Ok(lines)
        }
    }
}

fn land_arg(land: &str) -> Result<State, String> {
    State::parse(land).map_err(|e| format!("--land: {e}"))
}
