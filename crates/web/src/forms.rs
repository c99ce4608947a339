//! Posted forms, and the form fields of a service as the templates render them.

use amtsweg_domain::form::{FieldError, FormData, field_applies};
use amtsweg_domain::service::{Field, FieldKind, ServiceDefinition};
use amtsweg_server::app::AppError;
use axum::Form;
use axum::extract::{FromRequest, Request};

use crate::errors::Failure;
use crate::format;
use crate::i18n::{self, Lang};

/// A posted `application/x-www-form-urlencoded` form, in the order of its fields. Handlers get
/// it only through the extractors that check its CSRF token first (`crate::session::SessionForm`,
/// `AnonForm`, `LogoutForm`): there is no way to read a form without the check.
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub(crate) async fn read(req: Request) -> Result<Self, Failure> {
        match Form::<Vec<(String, String)>>::from_request(req, &()).await {
            Ok(Form(pairs)) => Ok(Fields(pairs)),
            Err(e) => {
                tracing::info!(error = %e, "unreadable form");
                let (de, en) = (&crate::i18n::DE, &crate::i18n::EN);
                Err(Failure::App(AppError::bad_request(
                    "invalid_form",
                    de.form_unreadable,
                    en.form_unreadable,
                )))
            }
        }
    }

    /// The first value of a name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// All values of a name, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// One option of a radio group or select.
pub struct OptionView {
    pub id: String,
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A link of an error summary to the field it is about.
pub struct ErrorLink {
    pub href: String,
    pub text: String,
}

/// A form field, ready for the template.
pub struct FieldView {
    pub id: String,
    pub label: String,
    pub required: bool,
    pub hint: Option<String>,
    pub condition: Option<String>,
    pub error: Option<String>,
    pub describedby: String,
    pub is_textarea: bool,
    pub is_radio: bool,
    pub is_select: bool,
    pub horizontal: bool,
    pub input_type: &'static str,
    pub inputmode: &'static str,
    pub autocomplete: String,
    pub no_spellcheck: bool,
    pub width_class: &'static str,
    pub value: String,
    pub options: Vec<OptionView>,
}

/// A value as people read it: option labels, Ja/Nein, dates.
pub fn display_value(field: &Field, value: &str, lang: Lang) -> String {
    let t = i18n::t(lang);
    match field.kind {
        FieldKind::Choice => field
            .options
            .iter()
            .find(|o| o.code == value)
            .map(|o| o.label.get(lang).to_string())
            .unwrap_or_else(|| value.to_string()),
        FieldKind::Boolean => match value {
            "true" => t.yes.to_string(),
            "false" => t.no.to_string(),
            other => other.to_string(),
        },
        FieldKind::Date => format::date_text(lang, value),
        FieldKind::Amount => format!("{value} €"),
        _ => value.to_string(),
    }
}

fn options(field: &Field, value: &str, lang: Lang) -> Vec<OptionView> {
    let t = i18n::t(lang);
    let pairs: Vec<(String, String)> = match field.kind {
        FieldKind::Boolean => vec![("true".into(), t.yes.into()), ("false".into(), t.no.into())],
        _ => field
            .options
            .iter()
            .map(|o| (o.code.clone(), o.label.get(lang).to_string()))
            .collect(),
    };
    pairs
        .into_iter()
        .map(|(code, label)| OptionView {
            id: format!("{}-{}", field.id, code),
            selected: code == value,
            value: code,
            label,
        })
        .collect()
}

/// Builds a field for the step page. `saved` decides whether the field applies.
pub fn field_view(
    service: &ServiceDefinition,
    field: &Field,
    lang: Lang,
    value: &str,
    error: Option<&str>,
    saved: &FormData,
) -> FieldView {
    let applies = field_applies(field, saved);
    let condition = match (&field.only_if, applies) {
        (Some(cond), false) => service.field(&cond.field).map(|target| {
            i18n::only_if(
                lang,
                target.label.get(lang),
                &display_value(target, &cond.equals, lang),
            )
        }),
        _ => None,
    };
    let hint = field.help.as_ref().map(|h| h.get(lang).to_string());
    let mut described = Vec::new();
    if hint.is_some() {
        described.push(format!("{}-hint", field.id));
    }
    if condition.is_some() {
        described.push(format!("{}-condition", field.id));
    }
    if error.is_some() {
        described.push(format!("{}-error", field.id));
    }
    let (input_type, inputmode, width_class) = match field.kind {
        FieldKind::Email => ("email", "", ""),
        FieldKind::Phone => ("tel", "", ""),
        FieldKind::PostalCode => ("text", "numeric", "kern-form-input__input--width-4"),
        FieldKind::Integer => ("text", "numeric", "kern-form-input__input--width-4"),
        FieldKind::Amount => ("text", "decimal", ""),
        FieldKind::Date => ("date", "", ""),
        FieldKind::ParcelNumber => ("text", "", "kern-form-input__input--width-4"),
        _ => ("text", "", ""),
    };
    // Only the definition's token: a site's postal code is not the user's (WCAG 1.3.5).
    let autocomplete = field.autocomplete.clone().unwrap_or_default();
    let is_choice = matches!(field.kind, FieldKind::Choice | FieldKind::Boolean);
    let is_radio = is_choice && (field.kind == FieldKind::Boolean || field.options.len() <= 5);
    let options = if is_choice {
        options(field, value, lang)
    } else {
        Vec::new()
    };
    FieldView {
        id: field.id.clone(),
        label: field.label.get(lang).to_string(),
        required: field.required && applies,
        hint,
        condition,
        error: error.map(str::to_string),
        describedby: described.join(" "),
        is_textarea: field.kind == FieldKind::Textarea,
        is_radio,
        is_select: is_choice && !is_radio,
        horizontal: field.kind == FieldKind::Boolean,
        input_type,
        inputmode,
        autocomplete,
        no_spellcheck: matches!(
            field.kind,
            FieldKind::Email | FieldKind::Phone | FieldKind::PostalCode
        ),
        width_class,
        value: value.to_string(),
        options,
    }
}

/// The message of an error in the page's language.
pub fn message(error: &FieldError, lang: Lang) -> String {
    error.message.get(lang).to_string()
}
