//! Service definitions: the ones shipped in `services/` are built into the binary (so it runs
//! from any folder); `services_dir` reads a folder instead. Recorded in the store by version,
//! so that a case keeps running under the version it started with.

use std::collections::BTreeMap;
use std::path::Path;

use amtsweg_domain::service::{self, DefinitionSources, ServiceDefinition};
use amtsweg_store::ServiceVersion;

#[derive(Debug, Clone, Default)]
pub struct Services {
    /// The version offered for new applications, by service id.
    current: BTreeMap<String, ServiceDefinition>,
    /// Every recorded version, by (id, version).
    versions: BTreeMap<(String, String), ServiceDefinition>,
}

fn parse(origin: &str, v: &ServiceVersion) -> Result<ServiceDefinition, String> {
    let sources = DefinitionSources {
        service: &v.service_toml,
        form: &v.form_toml,
        documents: &v.documents_toml,
        process: &v.process_toml,
    };
    service::load(origin, &sources).map_err(|e| e.to_string())
}

/// The four texts of one service definition, where they come from.
struct DefinitionTexts {
    origin: String,
    service: String,
    form: String,
    documents: String,
    process: String,
}

/// Checks the definitions and their ids; errors name the file and the field.
fn versions(definitions: Vec<DefinitionTexts>, what: &str) -> Result<Vec<ServiceVersion>, String> {
    let mut out: Vec<ServiceVersion> = Vec::new();
    for texts in definitions {
        let mut version = ServiceVersion {
            service_id: String::new(),
            version: String::new(),
            service_toml: texts.service,
            form_toml: texts.form,
            documents_toml: texts.documents,
            process_toml: texts.process,
        };
        let definition = parse(&texts.origin, &version)?;
        if out.iter().any(|v| v.service_id == definition.id) {
            return Err(format!(
                "{}: service id '{}' is used twice",
                texts.origin, definition.id
            ));
        }
        version.service_id = definition.id;
        version.version = definition.version;
        out.push(version);
    }
    if out.is_empty() {
        return Err(format!("{what}: no service definitions found"));
    }
    Ok(out)
}

/// Reads every service folder under `dir`; errors name the file and the field.
pub fn read_folder(dir: &Path) -> Result<Vec<ServiceVersion>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut folders: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut definitions = Vec::new();
    for folder in folders {
        let read = |name: &str| {
            let path = folder.join(name);
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
        };
        definitions.push(DefinitionTexts {
            origin: folder.display().to_string(),
            service: read(service::SERVICE_FILE)?,
            form: read(service::FORM_FILE)?,
            documents: read(service::DOCUMENTS_FILE)?,
            process: read(service::PROCESS_FILE)?,
        });
    }
    versions(definitions, &dir.display().to_string())
}

/// The service definitions shipped with amtsweg (`services/` of the repository), built in.
macro_rules! shipped {
    ($($id:literal),* $(,)?) => {
        vec![$(DefinitionTexts {
            origin: concat!("built-in services/", $id).to_string(),
            service: include_str!(concat!("../../../services/", $id, "/service.toml")).to_string(),
            form: include_str!(concat!("../../../services/", $id, "/form.toml")).to_string(),
            documents: include_str!(concat!("../../../services/", $id, "/documents.toml")).to_string(),
            process: include_str!(concat!("../../../services/", $id, "/process.toml")).to_string(),
        }),*]
    };
}

/// The built-in service definitions: the building permit and the trade registration.
pub fn built_in() -> Result<Vec<ServiceVersion>, String> {
    versions(
        shipped!["baugenehmigung", "gewerbeanmeldung"],
        "built-in services",
    )
}

impl Services {
    /// `current` are the versions read from the folder now, `recorded` all versions in the store.
    pub fn new(current: &[ServiceVersion], recorded: &[ServiceVersion]) -> Result<Self, String> {
        let mut services = Self::default();
        for v in recorded {
            let definition = parse(&format!("stored {}@{}", v.service_id, v.version), v)?;
            services
                .versions
                .insert((v.service_id.clone(), v.version.clone()), definition);
        }
        for v in current {
            let definition = parse(&format!("services/{}", v.service_id), v)?;
            services.versions.insert(
                (v.service_id.clone(), v.version.clone()),
                definition.clone(),
            );
            services.current.insert(v.service_id.clone(), definition);
        }
        Ok(services)
    }

    /// The current version of a service.
    pub fn get(&self, id: &str) -> Option<&ServiceDefinition> {
        self.current.get(id)
    }

    /// The version a case or draft was started with.
    pub fn get_version(&self, id: &str, version: &str) -> Option<&ServiceDefinition> {
        self.versions.get(&(id.to_string(), version.to_string()))
    }

    pub fn all(&self) -> impl Iterator<Item = &ServiceDefinition> {
        self.current.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in definitions are the files in `services/`, byte for byte, and every
    /// shipped service is built in.
    #[test]
    fn the_built_in_services_are_the_shipped_folder() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../services");
        let from_folder = read_folder(&root).expect("services/");
        let built_in = built_in().expect("built in");
        assert_eq!(built_in, from_folder);
    }
}
