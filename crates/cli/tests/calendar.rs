//! `amtsweg calendar`: the real binary lists holidays, computes deadlines and explains
//! bad input with exit code 2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

use std::process::Command;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn amtsweg(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_amtsweg"))
        .args(args)
        .env("AMTSWEG_LOG", "warn")
        .output()
        .expect("run amtsweg");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
    }
}

#[test]
fn holidays_of_bavaria_2027() {
    let run = amtsweg(&["calendar", "holidays", "--land", "BY", "--year", "2027"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
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
2027-12-26\t2. Weihnachtstag
"
    );
}

#[test]
fn land_codes_ignore_case() {
    let run = amtsweg(&["calendar", "holidays", "--land", "sn", "--year", "2026"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("2026-11-18\tBuß- und Bettag\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_deadline_that_does_not_move() {
    let run = amtsweg(&[
        "calendar",
        "deadline",
        "--land",
        "BE",
        "--from",
        "2026-03-31",
        "--period",
        "1M",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "2026-04-30\n");
}

#[test]
fn a_deadline_that_moves_says_why() {
    let run = amtsweg(&[
        "calendar",
        "deadline",
        "--land",
        "BE",
        "--from",
        "2026-04-17",
        "--period",
        "2w",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "2026-05-04
2026-05-01 ist ein Feiertag (Tag der Arbeit)
2026-05-02 ist ein Samstag
2026-05-03 ist ein Sonntag
"
    );
    let run = amtsweg(&[
        "calendar",
        "deadline",
        "--land",
        "BW",
        "--from",
        "2026-05-13",
        "--period",
        "10wd",
    ]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), "2026-05-29\n"));
}

#[track_caller]
fn refused(args: &[&str], expected: &[&str]) {
    let run = amtsweg(args);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(run.stdout, "", "nothing on stdout");
    for part in expected {
        assert!(
            run.stderr.contains(part),
            "{part:?} not in {:?}",
            run.stderr
        );
    }
}

#[test]
fn bad_input_is_explained_with_exit_code_2() {
    refused(
        &["calendar", "holidays", "--land", "XX", "--year", "2027"],
        &[
            "--land: 'XX' ist kein Länderkürzel",
            " / 'XX' is not a Land code",
        ],
    );
    refused(
        &[
            "calendar",
            "deadline",
            "--land",
            "Bayern",
            "--from",
            "2026-03-31",
            "--period",
            "1M",
        ],
        &["--land: 'Bayern' ist kein Länderkürzel"],
    );
    refused(
        &[
            "calendar",
            "deadline",
            "--land",
            "BE",
            "--from",
            "2026-03-31",
            "--period",
            "1m",
        ],
        &[
            "--period: '1m' ist keine Frist",
            "d (Tage), wd (Arbeitstage), w (Wochen) oder M (Monate)",
            " / '1m' is not a period",
        ],
    );
    refused(
        &[
            "calendar",
            "deadline",
            "--land",
            "BE",
            "--from",
            "2026-03-31",
            "--period",
            "0d",
        ],
        &["--period: '0d' ist keine Frist"],
    );
    refused(
        &[
            "calendar",
            "deadline",
            "--land",
            "BE",
            "--from",
            "31.03.2026",
            "--period",
            "1M",
        ],
        &[
            "--from: '31.03.2026' ist kein Datum im Format JJJJ-MM-TT",
            " / '31.03.2026' is not a date",
        ],
    );
    refused(
        &["calendar", "holidays", "--land", "BE", "--year", "1990"],
        &["--year: Das Jahr 1990 liegt außerhalb", "1995–2200"],
    );
}
