//! The use cases of the app layer in process, on SQLite, with a clock that stands still:
//! who may change authorities, directories and accounts, and how the audit trail names them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

use std::sync::Arc;

use amtsweg_domain::audit::{ActorId, AuditEntry};
use amtsweg_domain::calendar::State;
use amtsweg_domain::policy::Role;
use amtsweg_server::App;
use amtsweg_server::app::{AdminActor, AppError, NewAccount, NewAuthority, Principal};
use amtsweg_server::bootstrap::{self, DEMO_PASSWORD};
use amtsweg_server::clock::ManualClock;
use amtsweg_server::config::Config;
use amtsweg_store::{AuthorityKind, SessionKind};
use uuid::Uuid;

struct Fixture {
    app: Arc<App>,
    _dir: tempfile::TempDir,
}

async fn demo() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    let clock = Arc::new(ManualClock::new(
        time::macros::datetime!(2026-12-03 09:00 UTC),
    ));
    let app = bootstrap::open(config, clock).await.expect("open");
    bootstrap::seed_demo(&app).await.expect("seed");
    Fixture { app, _dir: dir }
}

async fn signed_in(app: &App, email: &str) -> Principal {
    let login = app
        .login(email, DEMO_PASSWORD, SessionKind::Api, None)
        .await
        .expect("login");
    app.principal(&login.token, SessionKind::Api)
        .await
        .expect("session")
        .expect("valid")
}

async fn audit_trail(app: &App) -> Vec<AuditEntry> {
    let mut entries = Vec::new();
    app.store
        .scan_audit(&mut |e| {
            entries.push(e.clone());
            true
        })
        .await
        .expect("scan");
    entries
}

fn new_authority(name: &str, kind: AuthorityKind) -> NewAuthority {
    NewAuthority {
        name: name.into(),
        address: "Markt 1\n10115 Berlin".into(),
        kind,
        state: State::BE,
        coverage: Vec::new(),
    }
}

#[tokio::test]
async fn the_demo_seed_is_on_record_as_the_system() {
    let f = demo().await;
    let trail = audit_trail(&f.app).await;
    let created: Vec<_> = trail
        .iter()
        .filter(|e| e.content.action == "authority.created")
        .collect();
    assert_eq!(
        created.len(),
        f.app.authorities().await.expect("list").len(),
        "every authority of the demo is on record"
    );
    assert!(created.iter().all(|e| e.content.actor == "system"));
    assert!(
        trail
            .iter()
            .any(|e| e.content.action == "directory.entry_put" && e.content.actor == "system")
    );
}

#[tokio::test]
async fn the_console_names_its_operator_and_signed_in_users_are_asked_of_the_policy() {
    let f = demo().await;
    let app = &f.app;
    let alice = AdminActor::Console(ActorId::operator("alice").expect("a name"));
    let berlin = app
        .add_authority(
            &alice,
            new_authority(
                "Bezirksamt Mitte – Bauaufsicht",
                AuthorityKind::BuildingAuthority,
            ),
        )
        .await
        .expect("add");
    let party = app
        .add_authority(
            &alice,
            new_authority("Feuerwehr Berlin", AuthorityKind::Agency),
        )
        .await
        .expect("add");
    app.add_to_directory(&alice, berlin.id, party.id, "fire_protection")
        .await
        .expect("directory");
    let trail = audit_trail(app).await;
    for (action, object) in [
        ("authority.created", format!("authority:{}", berlin.id)),
        ("authority.created", format!("authority:{}", party.id)),
        ("directory.entry_put", format!("directory:{}", berlin.id)),
    ] {
        assert!(
            trail.iter().any(|e| e.content.action == action
                && e.content.object == object
                && e.content.actor == "operator:alice"),
            "{action} {object} by operator:alice"
        );
    }

    // the demo authority's administrator manages its own directory and accounts, no other
    let admin = signed_in(app, "admin@demo.amtsweg.de").await;
    let own = admin
        .user
        .authority_id
        .expect("an admin belongs to an authority");
    let as_admin = AdminActor::User(&admin);
    app.add_to_directory(&as_admin, own, party.id, "fire_protection")
        .await
        .expect("own directory");
    assert!(matches!(
        app.add_to_directory(&as_admin, berlin.id, party.id, "roads")
            .await,
        Err(AppError::NotFound)
    ));
    let account = |email: &str, authority_id: Uuid| NewAccount {
        email: email.into(),
        password: "ein-langes-Passwort-7".into(),
        display_name: "Clara Köhler".into(),
        role: Role::Caseworker,
        authority_id: Some(authority_id),
    };
    let clara = app
        .create_account(&as_admin, account("clara@example.org", own))
        .await
        .expect("own authority");
    assert!(matches!(
        app.create_account(&as_admin, account("eve@example.org", berlin.id))
            .await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.add_authority(
            &as_admin,
            new_authority("Eigenes Amt", AuthorityKind::Agency)
        )
        .await,
        Err(AppError::Forbidden)
    ));

    // a caseworker is no administrator
    let caseworker = signed_in(app, "sachbearbeitung@demo.amtsweg.de").await;
    assert!(matches!(
        app.add_to_directory(&AdminActor::User(&caseworker), own, party.id, "roads")
            .await,
        Err(AppError::NotFound)
    ));

    let trail = audit_trail(app).await;
    let admin_id = admin.user.id.to_string();
    assert!(trail.iter().any(|e| e.content.action == "account.created"
        && e.content.object == format!("user:{}", clara.id)
        && e.content.actor == admin_id));
    let denials = trail
        .iter()
        .filter(|e| e.content.action == "access.denied")
        .count();
    assert_eq!(denials, 4, "each refused change is on record");
    assert!(
        !trail
            .iter()
            .any(|e| e.content.detail.contains("eve@example.org")),
        "no e-mail address in the audit trail"
    );
}

#[test]
fn actor_ids_read_back_as_written() {
    let user = ActorId::User(Uuid::now_v7());
    for actor in [
        user,
        ActorId::System,
        ActorId::operator("jürgen.schäfer@lra").expect("a name"),
    ] {
        assert_eq!(ActorId::parse(&actor.code()), Some(actor));
    }
    // events written while the system was the nil id
    assert_eq!(
        ActorId::parse(&Uuid::nil().to_string()),
        Some(ActorId::System)
    );
    assert_eq!(ActorId::operator(""), None);
    assert_eq!(ActorId::operator("robert'); DROP TABLE"), None);
    assert_eq!(ActorId::parse("operator:"), None);
    assert_eq!(ActorId::parse("someone"), None);
}

/// The published API document, frozen: a change of the contract shows here and is accepted
/// on purpose (`cargo insta review`), never by accident.
#[tokio::test]
async fn the_openapi_document() {
    let f = demo().await;
    let document = amtsweg_server::api::openapi(f.app.clone())
        .to_pretty_json()
        .expect("json");
    insta::assert_snapshot!("openapi", document);
}

/// Every problem code a client can meet (`code` of a problem, `code` of a field error), read
/// from where they are made, frozen: clients branch on them, so renaming one is a change of
/// the contract.
#[test]
fn the_problem_codes() {
    fn sources(dir: &std::path::Path, into: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                into.push((path.display().to_string(), text));
            }
        }
    }
    /// The snake_case literals right after each marker.
    fn literals_after(text: &str, marker: &str) -> Vec<String> {
        text.match_indices(marker)
            .filter_map(|(at, _)| {
                let rest = text[at + marker.len()..].trim_start();
                let rest = rest.strip_prefix('"')?;
                let end = rest.find('"')?;
                let code = &rest[..end];
                (!code.is_empty()
                    && code
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
                .then(|| code.to_string())
            })
            .collect()
    }
    /// The string literals of the arms of a `fn code` in an `impl <name>` block.
    fn codes_of(text: &str, name: &str) -> Vec<String> {
        let Some(start) = text.find(&format!("impl {name} {{")) else {
            return Vec::new();
        };
        let body = &text[start..];
        let Some(f) = body.find("pub fn code(") else {
            return Vec::new();
        };
        let body = &body[f..];
        let end = body.find("\n    }\n").unwrap_or(body.len());
        literals_after(&body[..end], "=>")
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    sources(&root.join("crates/server/src"), &mut files);
    sources(&root.join("crates/domain/src"), &mut files);
    sources(&root.join("crates/web/src"), &mut files);
    let mut codes = std::collections::BTreeSet::new();
    for (_, text) in &files {
        for marker in ["bad_request(", "code: \"", "code:"] {
            codes.extend(literals_after(text, marker));
        }
        codes.extend(codes_of(text, "AppError"));
        codes.extend(codes_of(text, "CaseError"));
    }
    // field error codes made by a helper: field_error("field", "code", …)
    for (_, text) in &files {
        for (at, _) in text.match_indices("field_error(") {
            let args = &text[at..text.len().min(at + 200)];
            if let Some(code) = literals_after(args, ",").into_iter().next() {
                codes.insert(code);
            }
        }
    }
    assert!(codes.len() > 30, "only {} codes found", codes.len());
    let golden = codes.into_iter().collect::<Vec<_>>().join("\n");
    insta::assert_snapshot!("problem_codes", golden);
}

/// The place selects the authority; a draft started under a service version recorded before
/// services named who decides them follows the current version; a trade office is never a
/// party to be asked.
#[tokio::test]
async fn responsibility_by_place_also_for_older_drafts() {
    let f = demo().await;
    let app = &f.app;
    let current = app.services.get("baugenehmigung").expect("service").clone();
    let mut older = current.clone();
    older.version = "2026.11.4".into();
    older.responsibility = None;
    let at = |postal: &str| {
        amtsweg_domain::form::FormData::from([("site_postal_code".to_string(), postal.to_string())])
    };
    for service in [&current, &older] {
        match app
            .responsible_for(service, &at("70597"))
            .await
            .expect("responsible")
        {
            amtsweg_server::app::Responsible::One(a) => {
                assert_eq!(
                    a.name,
                    "Landratsamt Musterkreis – Untere Bauaufsichtsbehörde"
                )
            }
            other => panic!("{}: {other:?}", service.version),
        }
        assert_eq!(
            app.responsible_for(service, &at("01067"))
                .await
                .expect("nobody"),
            amtsweg_server::app::Responsible::Nobody
        );
    }
    let authorities = app.authorities().await.expect("list");
    let find = |kind: AuthorityKind| {
        authorities
            .iter()
            .find(|a| a.kind == kind)
            .expect("in the demo")
            .id
    };
    let console = AdminActor::Console(ActorId::System);
    let refused = app
        .add_to_directory(
            &console,
            find(AuthorityKind::BuildingAuthority),
            find(AuthorityKind::TradeOffice),
            "roads",
        )
        .await;
    assert!(
        matches!(&refused, Err(e) if e.code() == "not_a_party"),
        "{refused:?}"
    );
}

/// An address longer than any address can be is refused before anything is read or kept
/// (issue #10: 150 logins with 1.9 MB addresses used to fill the memory).
#[tokio::test]
async fn overlong_login_addresses_are_refused_before_anything_is_kept() {
    let f = demo().await;
    let huge = format!("{}@example.org", "a".repeat(2_000_000));
    for _ in 0..3 {
        let refused = f
            .app
            .login(&huge, "irgendwas", SessionKind::Api, Some(CLIENT))
            .await;
        assert!(
            matches!(&refused, Err(e) if e.code() == "login_failed"),
            "{:?}",
            refused.err()
        );
    }
    assert!(f.app.login_throttle.is_empty(), "nothing kept for them");
    // a real address still counts its failures: for the account with this client, the
    // account and the client
    let wrong = f
        .app
        .login(
            "antragsteller@demo.amtsweg.de",
            "falsch",
            SessionKind::Api,
            Some(CLIENT),
        )
        .await;
    assert!(wrong.is_err());
    assert_eq!(f.app.login_throttle.len(), 3);
}

const CLIENT: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 5));
const OWNER: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 7));

/// Wrong passwords slow the guesser, not the account: the owner at another computer logs in
/// at once with the right password (five failures used to lock any account, staff included,
/// for 15 minutes). Failed logins name the account by its id, never by the address typed.
#[tokio::test]
async fn a_guesser_cannot_lock_the_owner_out() {
    let f = demo().await;
    let account = "sachbearbeitung@demo.amtsweg.de";
    let mut throttled = false;
    for _ in 0..8 {
        match f
            .app
            .login(account, "falsch-falsch", SessionKind::Api, Some(CLIENT))
            .await
        {
            Err(e) if e.code() == "too_many_attempts" => {
                throttled = true;
                assert!(e.retry_after_secs().is_some_and(|s| s <= 60));
            }
            Err(e) => assert_eq!(e.code(), "login_failed"),
            Ok(_) => panic!("a wrong password logged in"),
        }
    }
    assert!(throttled, "the guesser is slowed down");
    f.app
        .login(account, DEMO_PASSWORD, SessionKind::Api, Some(OWNER))
        .await
        .expect("the owner elsewhere logs in at once");
    let trail = audit_trail(&f.app).await;
    let failed: Vec<_> = trail
        .iter()
        .filter(|e| e.content.action == "login.failed")
        .collect();
    assert!(!failed.is_empty());
    let caseworker = f
        .app
        .store
        .user_by_email(account)
        .await
        .expect("read")
        .expect("account");
    for entry in &failed {
        assert_eq!(entry.content.object, format!("user:{}", caseworker.id));
        assert!(!entry.content.detail.contains('@'));
    }
    // refused attempts are on record once, not once each
    let throttled_entries = trail
        .iter()
        .filter(|e| e.content.action == "login.throttled")
        .count();
    assert_eq!(throttled_entries, 1);
}
