//! Every state-changing page route refuses a form without the CSRF token, and a form carrying
//! the token of another session, with 403 and a German error page — for a person who may do
//! exactly this with the right token, and with the right token sent from another site (`Origin`)
//! — and nothing changes (the resource read through the API, the document folder) but the
//! record of the refusal in the audit trail. The same request with the right token then goes
//! through, so the refusals were for the token alone.
//!
//! Logged-in forms carry their session's token (`page.csrf`, e.g. in the logout form of every
//! page); login and registration carry a double-submit pair (cookie `amtsweg_csrf`, field
//! `csrf`). Sessions are made as a browser makes them: through the login form, with cookies.
//!
//! The table `ROUTES` is checked against the router of the pages (`crates/web/src`): a POST
//! route without a row, or a row without a route, fails `the_table_has_a_row_for_every_…`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

mod common;

// The parts of this test live in csrf/ (no main.rs there, so Cargo makes no target of it). The
// root keeps its path: ARCHITECTURE.md (checked by crates/domain/tests/architecture.rs) and
// crates/web/src/session.rs name `crates/cli/tests/csrf.rs`.
#[path = "csrf/attempts.rs"]
mod attempts;
#[path = "csrf/browser.rs"]
mod browser;
#[path = "csrf/router.rs"]
mod router;
#[path = "csrf/targets.rs"]
mod targets;

use std::collections::BTreeSet;

use attempts::try_route;
use common::*;
use router::state_changing_page_routes;
use targets::{Fixture, prepare};

const SESSION_COOKIE: &str = "amtsweg_session";
const CSRF_COOKIE: &str = "amtsweg_csrf";
/// The applicant; `register` gives every account this password.
const APPLICANT: &str = "antje.antrag@example.org";
const REGISTERED_PASSWORD: &str = "ein-langes-Passwort-1";
/// Another applicant with a session of her own: her token is "foreign" everywhere else.
const OTHER_PERSON: &str = "mallory.mahler@example.org";
const FIRE: &str = "brandschutz@demo.amtsweg.de";
/// The account the registration form makes (only with the right pair).
const NEW_ACCOUNT: &str = "rita.register@example.org";
const NEW_PASSWORD: &str = "ein-langes-Passwort-3";

/// The refusal as the pages show it (crates/web/src/errors.rs, `Failure::Csrf`; i18n.rs).
const REFUSAL_HEADING: &str = "Sitzung abgelaufen";
const REFUSAL_TEXT: &str =
    "Sitzung abgelaufen oder Formular ungültig – bitte laden Sie die Seite neu.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// Login and registration: the double-submit pair.
    Anonymous,
    Applicant,
    Caseworker,
    /// The fire service, asked in a participation.
    Agency,
}

/// Every state-changing route of the pages, and who may use it. `prepare` makes for each a
/// resource on which that person may do it.
const ROUTES: &[(&str, Who)] = &[
    ("/login", Who::Anonymous),
    ("/register", Who::Anonymous),
    ("/logout", Who::Applicant),
    ("/drafts", Who::Applicant),
    ("/drafts/{id}/steps/{n}", Who::Applicant),
    ("/drafts/{id}/documents", Who::Applicant),
    ("/drafts/{id}/documents/{doc}/delete", Who::Applicant),
    ("/drafts/{id}/submit", Who::Applicant),
    ("/cases/{id}/notice", Who::Applicant),
    ("/mailbox/{id}/read", Who::Applicant),
    ("/cases/{id}/supplements", Who::Applicant),
    ("/cases/{id}/actions/{action}", Who::Applicant),
    ("/work/cases/{id}/actions/{action}", Who::Caseworker),
    (
        "/work/cases/{id}/participation/{request}/extension",
        Who::Caseworker,
    ),
    ("/participation/{id}/statement", Who::Agency),
    ("/participation/{id}/extension", Who::Agency),
    ("/participation/{id}/attachments", Who::Agency),
];

// ---------------------------------------------------------------------------------------
// The router, read from its source

#[test]
fn the_table_has_a_row_for_every_state_changing_page_route() {
    let router = state_changing_page_routes();
    assert!(
        router.contains("/login") && router.contains("/drafts/{id}/submit"),
        "the router of the pages was not read: {router:?}"
    );
    let table: BTreeSet<String> = ROUTES.iter().map(|(r, _)| r.to_string()).collect();
    assert_eq!(table.len(), ROUTES.len(), "a route twice in ROUTES");
    let without_row: Vec<&String> = router.difference(&table).collect();
    let without_route: Vec<&String> = table.difference(&router).collect();
    assert!(
        without_row.is_empty() && without_route.is_empty(),
        "POST routes of the pages without a row in ROUTES (add one, and its preparation in \
         `prepare`): {without_row:?}; rows of ROUTES the router does not have: {without_route:?}"
    );
}

#[tokio::test]
async fn every_page_form_refuses_a_missing_or_foreign_csrf_token_and_nothing_changes() {
    let server = Server::start();
    let fx = Fixture::new(&server).await;
    let mut problems = Vec::new();
    for (route, who) in ROUTES {
        let target = prepare(&fx, route, *who).await;
        try_route(&fx, &target, &mut problems).await;
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
