//! Service definitions: read from the `services/` folder at start, recorded in the store
//! by version, so that a case keeps running under the version it started with.

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

/// Reads every service folder under `dir`; errors name the file and the field.
pub fn read_folder(dir: &Path) -> Result<Vec<ServiceVersion>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut folders: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut out = Vec::new();
    for folder in folders {
        let read = |name: &str| {
            let path = folder.join(name);
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
        };
        let mut version = ServiceVersion {
            service_id: String::new(),
            version: String::new(),
            service_toml: read(service::SERVICE_FILE)?,
            form_toml: read(service::FORM_FILE)?,
            documents_toml: read(service::DOCUMENTS_FILE)?,
            process_toml: read(service::PROCESS_FILE)?,
        };
        let definition = parse(&folder.display().to_string(), &version)?;
        if out
            .iter()
            .any(|v: &ServiceVersion| v.service_id == definition.id)
        {
            return Err(format!(
                "{}: service id '{}' is used twice",
                folder.display(),
                definition.id
            ));
        }
        version.service_id = definition.id;
        version.version = definition.version;
        out.push(version);
    }
    if out.is_empty() {
        return Err(format!("{}: no service definitions found", dir.display()));
    }
    Ok(out)
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
