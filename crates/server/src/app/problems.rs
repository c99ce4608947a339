//! What the use cases tell a person when they refuse a request: every problem with its stable
//! code (clients branch on it; `crates/server/tests/snapshots/` freezes the list) and its text
//! in German and English, in one place. Texts with values are built where they are used.

use amtsweg_domain::Text;
use amtsweg_domain::form::FieldError;

use super::AppError;

pub(crate) fn draft_submitted() -> AppError {
    AppError::Conflict {
        code: "draft_submitted",
        message: Text::new(
            "Dieser Antrag ist bereits eingereicht und kann nicht mehr geändert werden.",
            "This application has been submitted and can no longer be changed.",
        ),
    }
}

pub(crate) fn invalid_address() -> AppError {
    AppError::bad_request(
        "invalid_address",
        "Die Anschrift ist zu lang oder enthält Steuerzeichen.",
        "The address is too long or contains control characters.",
    )
}

pub(crate) fn invalid_clock_days() -> AppError {
    AppError::bad_request(
        "invalid_days",
        "Bitte 1 bis 400 Tage.",
        "Please give 1 to 400 days.",
    )
}

pub(crate) fn invalid_due_within() -> AppError {
    AppError::bad_request(
        "invalid_due_within",
        "Bitte wählen Sie höchstens 366 Tage.",
        "Please choose at most 366 days.",
    )
}

pub(crate) fn invalid_idempotency_key() -> AppError {
    AppError::bad_request(
        "invalid_idempotency_key",
        "Ungültiger Idempotency-Key.",
        "Invalid Idempotency-Key.",
    )
}

pub(crate) fn invalid_name() -> AppError {
    AppError::bad_request(
        "invalid_name",
        "Bitte geben Sie den Namen der Stelle an (höchstens 200 Zeichen).",
        "Please give the name of the authority (at most 200 characters).",
    )
}

pub(crate) fn no_deemed_approval() -> AppError {
    AppError::Conflict {
        code: "no_deemed_approval",
        message: Text::new(
            "Für dieses Verfahren gibt es keine Genehmigungsfiktion.",
            "There is no deemed approval in this procedure.",
        ),
    }
}

pub(crate) fn no_open_request() -> AppError {
    AppError::Conflict {
        code: "no_open_request",
        message: Text::new(
            "Zu diesem Vorgang sind keine Unterlagen nachgefordert.",
            "No documents are requested for this case.",
        ),
    }
}

pub(crate) fn no_participation_rule() -> AppError {
    AppError::bad_request(
        "no_participation_rule",
        "Für dieses Verfahren ist keine Frist für diese Beteiligung hinterlegt.",
        "No deadline for this kind of participation is defined for this procedure.",
    )
}

pub(crate) fn not_a_party() -> AppError {
    AppError::bad_request(
        "not_a_party",
        "Nur Fachstellen und Gemeinden können beteiligt werden.",
        "Only agencies and municipalities can be asked.",
    )
}

/// Coverage is set only for authorities that decide applications.
pub(crate) fn no_area_of_responsibility() -> AppError {
    AppError::bad_request(
        "not_an_authority",
        "Nur Behörden, die über Anträge entscheiden, haben einen Zuständigkeitsbereich.",
        "Only authorities that decide applications have an area of responsibility.",
    )
}

/// Only a building authority asks agencies.
pub(crate) fn no_directory() -> AppError {
    AppError::bad_request(
        "not_an_authority",
        "Nur eine Bauaufsichtsbehörde hat ein Verzeichnis der Beteiligten.",
        "Only a building authority has a directory of parties.",
    )
}

pub(crate) fn search_too_long() -> AppError {
    AppError::bad_request(
        "search_too_long",
        "Der Suchbegriff ist zu lang.",
        "The search term is too long.",
    )
}

pub(crate) fn service_not_offered() -> AppError {
    AppError::Conflict {
        code: "service_not_offered",
        message: Text::new(
            "Diese Leistung bietet zurzeit keine Behörde in diesem Portal an.",
            "No authority in this portal offers this service at present.",
        ),
    }
}

pub(crate) fn unknown_document() -> AppError {
    AppError::bad_request(
        "unknown_document",
        "Freigeben lassen sich nur Unterlagen des Antrags.",
        "Only documents of the application can be shared.",
    )
}

pub(crate) fn unknown_party() -> AppError {
    AppError::bad_request(
        "unknown_party",
        "Diese Stelle steht nicht im Verzeichnis Ihrer Behörde.",
        "This agency is not in your authority's directory.",
    )
}

pub(crate) fn unknown_topic(topic: &str) -> AppError {
    AppError::bad_request(
        "unknown_topic",
        format!("Unbekanntes Fachgebiet „{topic}“."),
        format!("Unknown topic '{topic}'."),
    )
}

pub(crate) fn unknown_document_type(id: &str) -> AppError {
    AppError::bad_request(
        "unknown_document_type",
        format!("Die Unterlagenart „{id}“ gibt es für diesen Antrag nicht."),
        format!("There is no document type '{id}' for this application."),
    )
}

/// The applicant opens the notice through its retrieval, which is recorded (§ 41 Abs. 2a VwVfG).
pub(crate) fn notice_not_retrieved() -> AppError {
    AppError::Conflict {
        code: "notice_not_retrieved",
        message: Text::new(
            "Bitte rufen Sie den Bescheid über „Bescheid abrufen“ ab; der Abruf wird festgehalten (§ 41 Abs. 2a VwVfG).",
            "Please retrieve the notice with 'Retrieve notice'; the retrieval is recorded (§ 41(2a) VwVfG).",
        ),
    }
}

/// Several authorities cover the place: the applicant must choose.
pub(crate) fn choose_authority() -> AppError {
    AppError::Invalid(vec![FieldError {
        field: "authority".into(),
        code: "choose_authority".into(),
        message: Text::new(
            "Für diesen Ort sind mehrere Behörden zuständig. Bitte wählen Sie, an welche Ihr Antrag gehen soll.",
            "Several authorities are responsible for this place. Please choose which one your application goes to.",
        ),
    }])
}

pub(crate) fn authority_not_responsible() -> AppError {
    AppError::Invalid(vec![FieldError {
        field: "authority".into(),
        code: "authority_not_responsible".into(),
        message: Text::new(
            "Die gewählte Behörde ist für diesen Ort nicht zuständig.",
            "The chosen authority is not responsible for this place.",
        ),
    }])
}

/// No authority here covers the place given in `place_field`.
pub(crate) fn no_responsible_authority(place_field: &str) -> FieldError {
    FieldError {
        field: place_field.into(),
        code: "no_responsible_authority".into(),
        message: Text::new(
            "Für diesen Ort ist in diesem Portal keine Behörde zuständig. Bitte prüfen Sie die Postleitzahl; stimmt sie, wenden Sie sich bitte an Ihre Gemeinde.",
            "No authority in this portal is responsible for this place. Please check the postal code; if it is right, please contact your municipality.",
        ),
    }
}

pub(crate) fn invalid_email() -> FieldError {
    FieldError {
        field: "email".into(),
        code: "invalid_email".into(),
        message: Text::new(
            "Bitte geben Sie eine gültige E-Mail-Adresse an.",
            "Please enter a valid e-mail address.",
        ),
    }
}

pub(crate) fn name_required() -> FieldError {
    FieldError {
        field: "display_name".into(),
        code: "required".into(),
        message: Text::new("Bitte geben Sie Ihren Namen an.", "Please enter your name."),
    }
}

pub(crate) fn wrong_authority_kind() -> FieldError {
    FieldError {
        field: "authority".into(),
        code: "wrong_authority_kind".into(),
        message: Text::new(
            "Beteiligte Stellen gehören zu einer Fachstelle oder Gemeinde, Beschäftigte zu einer Behörde, die über Anträge entscheidet (Bauaufsicht, Gewerbeamt).",
            "Agency users belong to an agency or municipality, staff to an authority that decides applications (building authority, trade office).",
        ),
    }
}

pub(crate) fn email_taken() -> FieldError {
    FieldError {
        field: "email".into(),
        code: "email_taken".into(),
        message: Text::new(
            "Mit dieser E-Mail-Adresse gibt es schon ein Konto. Bitte melden Sie sich an.",
            "An account with this e-mail address exists. Please log in.",
        ),
    }
}

/// The same answer for an unknown address and a wrong password: nobody learns which accounts exist.
pub(crate) fn login_failed() -> AppError {
    AppError::BadRequest {
        code: "login_failed",
        message: Text::new(
            "E-Mail-Adresse oder Passwort sind falsch.",
            "E-mail address or password is wrong.",
        ),
    }
}

/// A file whose content contradicts its name (PNG bytes in `plan.pdf`).
pub(crate) fn content_contradicts_name(file_name: &str, promised: &str, found: &str) -> AppError {
    AppError::UnsupportedMedia {
        message: Text::new(
            format!(
                "Die Datei „{file_name}“ ist dem Namen nach {promised}, enthält aber {found}. Bitte prüfen Sie, ob Sie die richtige Datei gewählt haben."
            ),
            format!(
                "The file '{file_name}' is named as {promised} but contains {found}. Please check that you chose the right file."
            ),
        ),
    }
}

/// A file of a type the document does not accept (`found`: what its content is, if known).
pub(crate) fn type_not_accepted(file_name: &str, found: Option<&str>, allowed: &str) -> AppError {
    AppError::UnsupportedMedia {
        message: match found {
            Some(found) => Text::new(
                format!(
                    "Die Datei „{file_name}“ ist eine {found}-Datei. Für diese Unterlage sind nur {allowed} zugelassen."
                ),
                format!(
                    "The file '{file_name}' is a {found} file. Only {allowed} are accepted for this document."
                ),
            ),
            None => Text::new(
                format!(
                    "Der Inhalt der Datei „{file_name}“ hat keines der zugelassenen Formate ({allowed}). Geprüft wird der Inhalt, nicht der Name."
                ),
                format!(
                    "The content of the file '{file_name}' is in none of the accepted formats ({allowed}). The content is checked, not the name."
                ),
            ),
        },
    }
}

pub(crate) fn unknown_file_type() -> AppError {
    AppError::UnsupportedMedia {
        message: Text::new("Unbekannter Dateityp.", "Unknown file type."),
    }
}

pub(crate) fn deadline_not_a_date() -> AppError {
    AppError::Case(amtsweg_domain::case::CaseError::Invalid {
        field: "deadline",
        message: Text::new(
            "Bitte geben Sie die Frist als Datum an (JJJJ-MM-TT).",
            "Please give the deadline as a date (YYYY-MM-DD).",
        ),
    })
}

/// A required document of the application is not uploaded yet.
pub(crate) fn document_missing(document_type: &str, label: &Text) -> FieldError {
    FieldError {
        field: format!("document:{document_type}"),
        code: "document_missing".into(),
        message: Text::by_lang(|lang| match lang {
            amtsweg_domain::text::Lang::De => format!("Bitte laden Sie „{}“ hoch.", label.de),
            amtsweg_domain::text::Lang::En => format!("Please upload '{}'.", label.get(lang)),
        }),
    }
}

/// An `Idempotency-Key` that was used for another draft's submission.
pub(crate) fn idempotency_key_reused() -> AppError {
    AppError::Conflict {
        code: "idempotency_key_reused",
        message: Text::new(
            "Dieser Idempotency-Key wurde schon für einen anderen Antrag verwendet. Dieser Antrag ist nicht eingereicht; bitte senden Sie ihn mit einem neuen Schlüssel.",
            "This Idempotency-Key was already used for another application. This application is not submitted; please send it with a new key.",
        ),
    }
}
