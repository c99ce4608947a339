//! Opening the application: store, blob store, service definitions; and the demo data.

use std::sync::Arc;

use amtsweg_domain::audit::ActorId;
use amtsweg_domain::authority::Coverage;
use amtsweg_domain::calendar::State;
use amtsweg_domain::policy::Role;
use amtsweg_store::blob::BlobStore;
use amtsweg_store::postgres::PostgresStore;
use amtsweg_store::sqlite::SqliteStore;
use amtsweg_store::{AuthorityKind, Store};

use crate::app::{AdminActor, App, NewAccount, NewAuthority};
use crate::clock::Clock;
use crate::config::Config;
use crate::services::{self, Services};

/// Opens the configured database and brings its schema up to date: PostgreSQL when
/// `database` is set, otherwise the SQLite file `amtsweg.db` in the data folder.
pub async fn open_store(config: &Config) -> Result<Arc<dyn Store>, String> {
    match &config.database {
        Some(url) => {
            let store = PostgresStore::open(url.expose())
                .await
                .map_err(|e| format!("cannot open the database {url}: {e}"))?;
            Ok(Arc::new(store))
        }
        None => {
            std::fs::create_dir_all(&config.data_dir)
                .map_err(|e| format!("data folder {}: {e}", config.data_dir.display()))?;
            let path = config.data_dir.join("amtsweg.db");
            let store = SqliteStore::open(&path)
                .await
                .map_err(|e| format!("cannot open the database {}: {e}", path.display()))?;
            Ok(Arc::new(store))
        }
    }
}

/// Opens everything the application needs: the database, the document store (the folder
/// `documents/` under the data folder, or an S3 bucket; shared by all instances), and the
/// service definitions.
pub async fn open(config: Config, clock: Arc<dyn Clock>) -> Result<Arc<App>, String> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| format!("data folder {}: {e}", config.data_dir.display()))?;
    let current = match &config.services_dir {
        Some(dir) => services::read_folder(dir)?,
        None => services::built_in()?,
    };
    let store = open_store(&config).await?;
    let blobs = match config.documents.s3() {
        Some(s3) => BlobStore::open_s3(&s3).await,
        None => BlobStore::open(&config.data_dir.join("documents")).await,
    }
    .map_err(|e| format!("documents ({}): {e}", config.describe_documents()))?;
    let (clock, test_clock) = if config.test_clock {
        let movable = Arc::new(match config.test_clock_start_instant() {
            Some(start) => crate::clock::OffsetClock::starting_at(start, clock.now()),
            None => crate::clock::OffsetClock::new(),
        });
        (movable.clone() as Arc<dyn Clock>, Some(movable))
    } else {
        (clock, None)
    };
    let at = clock.now();
    for version in &current {
        store
            .register_service_version(version, at)
            .await
            .map_err(|e| format!("service {}@{}: {e}", version.service_id, version.version))?;
    }
    let recorded = store.service_versions().await.map_err(|e| e.to_string())?;
    let services = Services::new(&current, &recorded)?;
    Ok(Arc::new(App {
        store,
        blobs,
        services,
        clock,
        test_clock,
        read_limiter: crate::throttle::ReadLimiter::new(config.limits.case_reads_per_minute),
        config,
        login_throttle: Default::default(),
        access_log: Default::default(),
    }))
}

/// The password of every demo account (printed at start; demo only).
pub const DEMO_PASSWORD: &str = "Demo-Passwort-2026";

pub struct DemoLogin {
    pub email: &'static str,
    pub role: Role,
}

pub const DEMO_LOGINS: [DemoLogin; 10] = [
    DemoLogin {
        email: "antragsteller@demo.amtsweg.de",
        role: Role::Applicant,
    },
    DemoLogin {
        email: "architektin@demo.amtsweg.de",
        role: Role::Architect,
    },
    DemoLogin {
        email: "sachbearbeitung@demo.amtsweg.de",
        role: Role::Caseworker,
    },
    DemoLogin {
        email: "sachbearbeitung2@demo.amtsweg.de",
        role: Role::Caseworker,
    },
    DemoLogin {
        email: "sachgebietsleitung@demo.amtsweg.de",
        role: Role::HeadOfUnit,
    },
    DemoLogin {
        email: "admin@demo.amtsweg.de",
        role: Role::Admin,
    },
    DemoLogin {
        email: "brandschutz@demo.amtsweg.de",
        role: Role::Agency,
    },
    DemoLogin {
        email: "denkmalschutz@demo.amtsweg.de",
        role: Role::Agency,
    },
    DemoLogin {
        email: "gemeinde@demo.amtsweg.de",
        role: Role::Agency,
    },
    DemoLogin {
        email: "gewerbeamt@demo.amtsweg.de",
        role: Role::Caseworker,
    },
];

/// What the demo's deciding authorities cover: the postal codes of the demo city (those of
/// Stuttgart, 70173–70629) and its official municipality key.
fn demo_coverage() -> Vec<Coverage> {
    (70173..=70629)
        .filter_map(|code: u32| Coverage::from_parts("postal_code", &code.to_string()))
        .chain(Coverage::from_parts("municipality_key", "08111000"))
        .collect()
}

/// The agencies of the demo: (name, address, topic); the municipality comes on top.
const DEMO_AGENCIES: [(&str, &str, &str); 3] = [
    (
        "Kreisbrandmeister Musterkreis – Vorbeugender Brandschutz",
        "Feuerwehrstraße 2\n70173 Musterstadt",
        "fire_protection",
    ),
    (
        "Untere Denkmalschutzbehörde Musterkreis",
        "Am Schlossplatz 1\n70173 Musterstadt",
        "monument_protection",
    ),
    (
        "Umweltamt Musterkreis – Wasserbehörde",
        "Seestraße 9\n70173 Musterstadt",
        "environment_water",
    ),
];

/// Seeds a building authority, a municipality and one account per role, once.
pub async fn seed_demo(app: &App) -> Result<(), String> {
    let existing = app.store.authorities().await.map_err(|e| e.to_string())?;
    if existing
        .iter()
        .any(|a| a.kind == AuthorityKind::BuildingAuthority)
    {
        return Ok(());
    }
    let seed = AdminActor::Console(ActorId::System);
    let add = |name: &str, address: &str, kind: AuthorityKind| {
        app.add_authority(
            &seed,
            NewAuthority {
                name: name.into(),
                address: address.into(),
                kind,
                state: State::BW,
                coverage: if kind.decides() {
                    demo_coverage()
                } else {
                    Vec::new()
                },
            },
        )
    };
    let authority = add(
        "Landratsamt Musterkreis – Untere Bauaufsichtsbehörde",
        "Am Schlossplatz 1\n70173 Musterstadt",
        AuthorityKind::BuildingAuthority,
    )
    .await
    .map_err(|e| e.to_string())?;
    let municipality = add(
        "Gemeinde Musterdorf",
        "Rathausplatz 3\n70599 Musterdorf",
        AuthorityKind::Municipality,
    )
    .await
    .map_err(|e| e.to_string())?;
    app.add_to_directory(&seed, authority.id, municipality.id, "municipal_consent")
        .await
        .map_err(|e| e.to_string())?;
    let trade_office = add(
        "Stadt Musterstadt – Gewerbeamt",
        "Marktplatz 1\n70173 Musterstadt",
        AuthorityKind::TradeOffice,
    )
    .await
    .map_err(|e| e.to_string())?;
    let mut agencies = Vec::new();
    for (name, address, topic) in DEMO_AGENCIES {
        let agency = add(name, address, AuthorityKind::Agency)
            .await
            .map_err(|e| e.to_string())?;
        app.add_to_directory(&seed, authority.id, agency.id, topic)
            .await
            .map_err(|e| e.to_string())?;
        agencies.push(agency.id);
    }
    let names = [
        "Zoë Dvořák",
        "Łucja Nguyễn",
        "Jürgen Schäfer",
        "Ayşe Öztürk",
        "Erika Mustermann",
        "Max Admin",
        "Björn Brandt",
        "Dorothea Denk",
        "Gisela Gemeinde",
        "Götz Gewerbe",
    ];
    // the agency logins in the order of DEMO_LOGINS: fire protection, monument protection, municipality
    let parties = [agencies[0], agencies[1], municipality.id];
    let mut agency_logins = parties.iter();
    for (login, name) in DEMO_LOGINS.iter().zip(names) {
        let account = NewAccount {
            email: login.email.into(),
            password: DEMO_PASSWORD.into(),
            display_name: name.into(),
            role: login.role,
            authority_id: match login.role {
                r if r.is_applicant_side() => None,
                Role::Agency => agency_logins.next().copied(),
                _ if login.email.starts_with("gewerbeamt@") => Some(trade_office.id),
                _ => Some(authority.id),
            },
        };
        app.create_account(&seed, account)
            .await
            .map_err(|e| format!("{}: {e}", login.email))?;
    }
    Ok(())
}
