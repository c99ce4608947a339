//! Services as data: the definition of a service (form, documents, process) is read from
//! TOML files under `services/<id>/` and validated here. The caller reads the files; this
//! module only parses and checks text, and names the file and the field of every mistake.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::Text;
use crate::case::ActionKind;
use crate::policy::Role;

pub const SERVICE_FILE: &str = "service.toml";
pub const FORM_FILE: &str = "form.toml";
pub const DOCUMENTS_FILE: &str = "documents.toml";
pub const PROCESS_FILE: &str = "process.toml";

/// A whole, validated service definition. A case keeps the `version` it started with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServiceDefinition {
    pub id: String,
    pub version: String,
    pub name: Text,
    pub summary: Text,
    /// Prefix of the file numbers of this service's cases, e.g. `BG`.
    pub file_number_prefix: String,
    /// How a case is named in lists, searches and the notice, from the form's fields.
    pub case_summary: SummaryTemplates,
    /// Title of the notice, per outcome.
    pub notice: NoticeTexts,
    /// Kinds of conditions (Nebenbestimmungen) a decision may carry, from an XÖV code list.
    #[serde(default)]
    pub condition_kinds: Vec<CodeValue>,
    /// Which kind of authority decides, and which place of the application selects it.
    /// Versions recorded before this existed have none; only the current version of a service
    /// is applied for, and it must have one.
    #[serde(default)]
    pub responsibility: Option<Responsibility>,
    #[serde(skip_deserializing)]
    pub form: FormDefinition,
    #[serde(skip_deserializing)]
    pub documents: Vec<DocumentType>,
    #[serde(skip_deserializing)]
    pub process: ProcessDefinition,
}

/// Who decides a service's applications: the kind of authority, and the form fields that give
/// the place that selects one (the building site, the business premises).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Responsibility {
    pub authority_kind: crate::authority::AuthorityKind,
    /// A field of kind `postal_code` with the place's postal code.
    pub postal_code_field: String,
    /// A field with the place's official municipality key (AGS or ARS), if the form asks it.
    #[serde(default)]
    pub municipality_key_field: Option<String>,
}

impl Responsibility {
    /// The place of an application, from its form.
    pub fn place(&self, form: &crate::form::FormData) -> crate::authority::Place {
        crate::authority::Place {
            postal_code: form
                .get(&self.postal_code_field)
                .and_then(|v| crate::authority::postal_code(v)),
            municipality_key: self
                .municipality_key_field
                .as_deref()
                .and_then(|f| form.get(f))
                .and_then(|v| crate::authority::municipality_key(v)),
        }
    }
}

/// Texts with `{field_id}` placeholders, filled from the form data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SummaryTemplates {
    pub applicant_name: String,
    pub applicant_address: String,
    pub subject: String,
    pub site: String,
    /// Who acts for the applicant, if anyone (empty when not).
    #[serde(default)]
    pub representative: Option<String>,
}

impl SummaryTemplates {
    fn all(&self) -> [(&'static str, &str); 5] {
        [
            ("case_summary.applicant_name", &self.applicant_name),
            ("case_summary.applicant_address", &self.applicant_address),
            ("case_summary.subject", &self.subject),
            ("case_summary.site", &self.site),
            (
                "case_summary.representative",
                self.representative.as_deref().unwrap_or(""),
            ),
        ]
    }
}

/// The field ids a template refers to.
fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

/// Fills a template from form data: missing values become empty, and the blanks and
/// separators they leave are tidied, line by line.
pub fn render_template(
    template: &str,
    data: &std::collections::BTreeMap<String, String>,
) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        match rest[start + 1..].find('}') {
            Some(len) => {
                let name = &rest[start + 1..start + 1 + len];
                out.push_str(data.get(name).map(|v| v.trim()).unwrap_or(""));
                rest = &rest[start + 2 + len..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.lines()
        .map(|line| {
            line.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .trim_matches(|c| c == ',' || c == ' ')
                .to_string()
        })
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NoticeTexts {
    pub approval_title: Text,
    pub refusal_title: Text,
    pub approval_sentence: Text,
    pub refusal_sentence: Text,
    /// Headings of the subject and the site sections.
    pub subject_heading: Text,
    pub site_heading: Text,
    pub legal_remedies: Text,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CodeValue {
    pub code: String,
    pub label: Text,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FormDefinition {
    pub steps: Vec<FormStep>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FormStep {
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub intro: Option<Text>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Field {
    pub id: String,
    pub kind: FieldKind,
    pub label: Text,
    #[serde(default)]
    pub help: Option<Text>,
    #[serde(default)]
    pub required: bool,
    /// The field only applies (is shown, validated, required) when this condition holds.
    #[serde(default)]
    pub only_if: Option<Condition>,
    #[serde(default)]
    pub max_length: Option<usize>,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    #[serde(default)]
    pub options: Vec<CodeValue>,
    /// Autocomplete token for the browser (WCAG 1.3.5), e.g. `family-name`.
    #[serde(default)]
    pub autocomplete: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text on one line.
    Text,
    /// Free text on several lines.
    Textarea,
    /// A name of a natural person: DIN 91379 datatype A (letters, no digits).
    PersonName,
    /// A name of a company, street (with house number) or place: DIN 91379 datatype B.
    Name,
    Email,
    Phone,
    /// German postal code: five digits.
    PostalCode,
    Integer,
    /// Money in euro, with up to two decimals.
    Amount,
    Date,
    Choice,
    Boolean,
    /// Number of a parcel (Flurstück): `123` or `123/4`.
    ParcelNumber,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Condition {
    pub field: String,
    pub equals: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentType {
    pub id: String,
    pub label: Text,
    #[serde(default)]
    pub help: Option<Text>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub only_if: Option<Condition>,
    /// Content types accepted, as sniffed from the bytes (never from the file name).
    pub accept: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProcessDefinition {
    pub initial_state: String,
    pub states: Vec<StateDefinition>,
    pub transitions: Vec<Transition>,
    /// Statutory deadlines per Land and procedure type.
    #[serde(default)]
    pub deadlines: Option<crate::deadlines::DeadlineRules>,
    /// A refusal needs a hearing of the applicant first (§28 VwVfG).
    #[serde(default)]
    pub hearing_before_refusal: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StateDefinition {
    pub id: String,
    pub label: Text,
    /// Status for the applicant's portal, from the XBau code list `statusbauportal` 3.0.
    pub portal_status: String,
    #[serde(default)]
    pub terminal: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Transition {
    pub action: ActionKind,
    pub from: Vec<String>,
    /// The state after the action; the state stays when absent (e.g. taking over a case).
    #[serde(default)]
    pub to: Option<String>,
    pub roles: Vec<Role>,
    pub label: Text,
}

impl ProcessDefinition {
    pub fn state(&self, id: &str) -> Option<&StateDefinition> {
        self.states.iter().find(|s| s.id == id)
    }

    /// The transition that `action` takes from `state`, if the process has one.
    pub fn transition(&self, state: &str, action: ActionKind) -> Option<&Transition> {
        self.transitions
            .iter()
            .find(|t| t.action == action && t.from.iter().any(|f| f == state))
    }

    /// The actions a role may take from a state, in the order of the definition.
    pub fn actions_for(&self, state: &str, role: Role) -> Vec<&Transition> {
        self.transitions
            .iter()
            .filter(|t| t.from.iter().any(|f| f == state) && t.roles.contains(&role))
            .collect()
    }
}

impl ServiceDefinition {
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.form
            .steps
            .iter()
            .flat_map(|s| &s.fields)
            .find(|f| f.id == id)
    }

    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.form.steps.iter().flat_map(|s| &s.fields)
    }

    pub fn document_type(&self, id: &str) -> Option<&DocumentType> {
        self.documents.iter().find(|d| d.id == id)
    }

    pub fn condition_kind(&self, code: &str) -> Option<&CodeValue> {
        self.condition_kinds.iter().find(|c| c.code == code)
    }
}

/// A mistake in a service definition, naming the file and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {field}: {message}")]
pub struct DefinitionError {
    pub file: String,
    pub field: String,
    pub message: String,
}

fn err(file: &str, field: impl Into<String>, message: impl Into<String>) -> DefinitionError {
    DefinitionError {
        file: file.to_string(),
        field: field.into(),
        message: message.into(),
    }
}

/// The text of the four files of a service folder.
pub struct DefinitionSources<'a> {
    pub service: &'a str,
    pub form: &'a str,
    pub documents: &'a str,
    pub process: &'a str,
}

#[derive(Deserialize)]
struct DocumentsFile {
    documents: Vec<DocumentType>,
}

fn parse_toml<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, DefinitionError> {
    toml::from_str(text).map_err(|e| {
        let field = e
            .span()
            .map(|span| {
                let line = text[..span.start.min(text.len())].lines().count().max(1);
                format!("line {line}")
            })
            .unwrap_or_else(|| "-".to_string());
        err(file, field, e.message().to_string())
    })
}

/// Parses and validates a service definition. `folder` prefixes file names in errors.
pub fn load(
    folder: &str,
    sources: &DefinitionSources<'_>,
) -> Result<ServiceDefinition, DefinitionError> {
    let file = |name: &str| format!("{folder}/{name}");
    let mut service: ServiceDefinition = parse_toml(&file(SERVICE_FILE), sources.service)?;
    service.form = parse_toml(&file(FORM_FILE), sources.form)?;
    service.documents =
        parse_toml::<DocumentsFile>(&file(DOCUMENTS_FILE), sources.documents)?.documents;
    service.process = parse_toml(&file(PROCESS_FILE), sources.process)?;
    validate(folder, &service)?;
    Ok(service)
}

fn check_id(file: &str, field: &str, id: &str) -> Result<(), DefinitionError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(err(
            file,
            field,
            format!("'{id}' must be 1–64 characters of a–z, 0–9 and _"),
        ))
    }
}

fn check_text(file: &str, field: &str, text: &Text) -> Result<(), DefinitionError> {
    if text.de.trim().is_empty() {
        return Err(err(file, format!("{field}.de"), "German text is missing"));
    }
    if text.en.trim().is_empty() {
        return Err(err(file, format!("{field}.en"), "English text is missing"));
    }
    Ok(())
}

fn validate(folder: &str, s: &ServiceDefinition) -> Result<(), DefinitionError> {
    let service_file = format!("{folder}/{SERVICE_FILE}");
    check_id(&service_file, "id", &s.id)?;
    if s.version.trim().is_empty() {
        return Err(err(&service_file, "version", "must not be empty"));
    }
    check_text(&service_file, "name", &s.name)?;
    check_text(&service_file, "summary", &s.summary)?;
    if s.file_number_prefix.is_empty()
        || s.file_number_prefix.len() > 8
        || !s.file_number_prefix.chars().all(|c| c.is_ascii_uppercase())
    {
        return Err(err(
            &service_file,
            "file_number_prefix",
            "must be 1–8 capital letters A–Z",
        ));
    }
    let mut codes = BTreeSet::new();
    for (i, kind) in s.condition_kinds.iter().enumerate() {
        if !codes.insert(kind.code.as_str()) {
            return Err(err(
                &service_file,
                format!("condition_kinds[{i}].code"),
                format!("'{}' appears twice", kind.code),
            ));
        }
        check_text(
            &service_file,
            &format!("condition_kinds[{i}].label"),
            &kind.label,
        )?;
    }

    let form_file = format!("{folder}/{FORM_FILE}");
    let mut field_kinds: BTreeMap<&str, &Field> = BTreeMap::new();
    if s.form.steps.is_empty() {
        return Err(err(&form_file, "steps", "a form needs at least one step"));
    }
    for (si, step) in s.form.steps.iter().enumerate() {
        check_id(&form_file, &format!("steps[{si}].id"), &step.id)?;
        check_text(&form_file, &format!("steps[{si}].title"), &step.title)?;
        for (fi, field) in step.fields.iter().enumerate() {
            let at = format!("steps[{si}].fields[{fi}]");
            check_id(&form_file, &format!("{at}.id"), &field.id)?;
            if field_kinds.insert(field.id.as_str(), field).is_some() {
                return Err(err(
                    &form_file,
                    format!("{at}.id"),
                    format!("'{}' appears twice", field.id),
                ));
            }
            check_text(&form_file, &format!("{at}.label"), &field.label)?;
            if let Some(help) = &field.help {
                check_text(&form_file, &format!("{at}.help"), help)?;
            }
            if field.kind == FieldKind::Choice && field.options.is_empty() {
                return Err(err(
                    &form_file,
                    format!("{at}.options"),
                    "a choice needs options",
                ));
            }
            if field.kind != FieldKind::Choice && !field.options.is_empty() {
                return Err(err(
                    &form_file,
                    format!("{at}.options"),
                    "only a choice has options",
                ));
            }
            for (oi, option) in field.options.iter().enumerate() {
                check_text(
                    &form_file,
                    &format!("{at}.options[{oi}].label"),
                    &option.label,
                )?;
            }
            if let (Some(min), Some(max)) = (field.min, field.max)
                && min > max
            {
                return Err(err(
                    &form_file,
                    format!("{at}.min"),
                    "min is greater than max",
                ));
            }
        }
    }
    // Conditions may only refer to fields that come earlier, so a form can be filled in order.
    let mut seen: BTreeMap<&str, &Field> = BTreeMap::new();
    for (si, step) in s.form.steps.iter().enumerate() {
        for (fi, field) in step.fields.iter().enumerate() {
            if let Some(cond) = &field.only_if {
                check_condition(
                    &form_file,
                    &format!("steps[{si}].fields[{fi}].only_if"),
                    cond,
                    &seen,
                )?;
            }
            seen.insert(field.id.as_str(), field);
        }
    }

    for (name, template) in s.case_summary.all() {
        for placeholder in placeholders(template) {
            if !field_kinds.contains_key(placeholder) {
                return Err(err(
                    &service_file,
                    name,
                    format!("'{{{placeholder}}}' is not a field of the form"),
                ));
            }
        }
    }

    if let Some(r) = &s.responsibility {
        let field_of = |name: &str, id: &str, kinds: &[FieldKind]| match field_kinds.get(id) {
            Some(f) if kinds.contains(&f.kind) => Ok(()),
            Some(_) => Err(err(
                &service_file,
                format!("responsibility.{name}"),
                format!("'{id}' is not a field of kind {kinds:?}"),
            )),
            None => Err(err(
                &service_file,
                format!("responsibility.{name}"),
                format!("'{id}' is not a field of the form"),
            )),
        };
        field_of(
            "postal_code_field",
            &r.postal_code_field,
            &[FieldKind::PostalCode],
        )?;
        if let Some(id) = &r.municipality_key_field {
            field_of("municipality_key_field", id, &[FieldKind::Text])?;
        }
        if !r.authority_kind.decides() {
            return Err(err(
                &service_file,
                "responsibility.authority_kind",
                "must be a kind of authority that decides applications (building_authority, trade_office)",
            ));
        }
    }

    let documents_file = format!("{folder}/{DOCUMENTS_FILE}");
    let mut doc_ids = BTreeSet::new();
    for (di, doc) in s.documents.iter().enumerate() {
        let at = format!("documents[{di}]");
        check_id(&documents_file, &format!("{at}.id"), &doc.id)?;
        if !doc_ids.insert(doc.id.as_str()) {
            return Err(err(
                &documents_file,
                format!("{at}.id"),
                format!("'{}' appears twice", doc.id),
            ));
        }
        check_text(&documents_file, &format!("{at}.label"), &doc.label)?;
        if doc.accept.is_empty() {
            return Err(err(
                &documents_file,
                format!("{at}.accept"),
                "name at least one content type",
            ));
        }
        for (ai, accepted) in doc.accept.iter().enumerate() {
            if !crate::form::SNIFFABLE_CONTENT_TYPES.contains(&accepted.as_str()) {
                return Err(err(
                    &documents_file,
                    format!("{at}.accept[{ai}]"),
                    format!(
                        "'{accepted}' cannot be recognised from the bytes; use one of {}",
                        crate::form::SNIFFABLE_CONTENT_TYPES.join(", ")
                    ),
                ));
            }
        }
        if let Some(cond) = &doc.only_if {
            check_condition(
                &documents_file,
                &format!("{at}.only_if"),
                cond,
                &field_kinds,
            )?;
        }
    }

    let process_file = format!("{folder}/{PROCESS_FILE}");
    let p = &s.process;
    let mut state_ids = BTreeSet::new();
    for (i, state) in p.states.iter().enumerate() {
        check_id(&process_file, &format!("states[{i}].id"), &state.id)?;
        if !state_ids.insert(state.id.as_str()) {
            return Err(err(
                &process_file,
                format!("states[{i}].id"),
                format!("'{}' appears twice", state.id),
            ));
        }
        check_text(&process_file, &format!("states[{i}].label"), &state.label)?;
        if state.portal_status.len() != 2
            || !state.portal_status.chars().all(|c| c.is_ascii_digit())
        {
            return Err(err(
                &process_file,
                format!("states[{i}].portal_status"),
                "a two-digit code of statusbauportal 3.0",
            ));
        }
    }
    if !state_ids.contains(p.initial_state.as_str()) {
        return Err(err(
            &process_file,
            "initial_state",
            format!("'{}' is not a state", p.initial_state),
        ));
    }
    for (i, t) in p.transitions.iter().enumerate() {
        let at = format!("transitions[{i}]");
        check_text(&process_file, &format!("{at}.label"), &t.label)?;
        if t.from.is_empty() {
            return Err(err(
                &process_file,
                format!("{at}.from"),
                "name at least one state",
            ));
        }
        for (fi, from) in t.from.iter().enumerate() {
            if !state_ids.contains(from.as_str()) {
                return Err(err(
                    &process_file,
                    format!("{at}.from[{fi}]"),
                    format!("'{from}' is not a state"),
                ));
            }
            if p.state(from).is_some_and(|st| st.terminal) {
                return Err(err(
                    &process_file,
                    format!("{at}.from[{fi}]"),
                    format!("'{from}' is terminal"),
                ));
            }
        }
        if let Some(to) = &t.to
            && !state_ids.contains(to.as_str())
        {
            return Err(err(
                &process_file,
                format!("{at}.to"),
                format!("'{to}' is not a state"),
            ));
        }
        let side = t.action.side();
        if side == crate::case::Side::System {
            if !t.roles.is_empty() {
                return Err(err(
                    &process_file,
                    format!("{at}.roles"),
                    "the law takes this action: name no roles",
                ));
            }
        } else if t.roles.is_empty() {
            return Err(err(
                &process_file,
                format!("{at}.roles"),
                "name at least one role",
            ));
        }
        for (ri, role) in t.roles.iter().enumerate() {
            if !side.admits(*role) {
                return Err(err(
                    &process_file,
                    format!("{at}.roles[{ri}]"),
                    format!("{role:?} may not take the action {:?}", t.action),
                ));
            }
        }
        // One action from one state must lead to one place, or the engine could not choose.
        for (j, other) in p.transitions.iter().enumerate().take(i) {
            if other.action == t.action && other.from.iter().any(|f| t.from.contains(f)) {
                return Err(err(
                    &process_file,
                    format!("{at}.from"),
                    format!(
                        "action {:?} from the same state as transitions[{j}]",
                        t.action
                    ),
                ));
            }
        }
    }
    if let Some(rules) = &p.deadlines {
        crate::deadlines::validate(&process_file, rules, |id| field_kinds.contains_key(id))
            .map_err(|mut e| {
                e.field = format!("deadlines.{}", e.field);
                e
            })?;
    }
    Ok(())
}

fn check_condition(
    file: &str,
    at: &str,
    cond: &Condition,
    known: &BTreeMap<&str, &Field>,
) -> Result<(), DefinitionError> {
    let Some(target) = known.get(cond.field.as_str()) else {
        return Err(err(
            file,
            format!("{at}.field"),
            format!("'{}' is not an earlier field", cond.field),
        ));
    };
    let allowed = match target.kind {
        FieldKind::Boolean => cond.equals == "true" || cond.equals == "false",
        FieldKind::Choice => target.options.iter().any(|o| o.code == cond.equals),
        _ => true,
    };
    if allowed {
        Ok(())
    } else {
        Err(err(
            file,
            format!("{at}.equals"),
            format!("'{}' is not a value of '{}'", cond.equals, cond.field),
        ))
    }
}
