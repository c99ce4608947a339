//! Errors of the use cases, each with an HTTP status, a stable machine code and a message
//! for people (German first). The edges map them once: pages and problem details.

use amtsweg_domain::Text;
use amtsweg_domain::case::CaseError;
use amtsweg_domain::form::FieldError;
use amtsweg_store::StoreError;
use amtsweg_store::blob::BlobError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("not logged in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid form")]
    Invalid(Vec<FieldError>),
    #[error("case rule: {0}")]
    Case(#[from] CaseError),
    #[error("conflict: {code}")]
    Conflict { code: &'static str, message: Text },
    #[error("bad request: {code}")]
    BadRequest { code: &'static str, message: Text },
    #[error("too large")]
    TooLarge { limit: u64 },
    /// A request body (not a file) over its limit in bytes.
    #[error("request too large")]
    RequestTooLarge { limit: u64 },
    #[error("unsupported media type")]
    UnsupportedMedia { message: Text },
    #[error("too many login attempts")]
    TooManyRequests { retry_after_secs: i64 },
    /// Too many reads (or other requests) of one account in a short time.
    #[error("too many requests")]
    SlowDown { retry_after_secs: i64 },
    /// One client has its share of requests with a body (uploads, forms) in flight.
    #[error("too many transfers at once")]
    TooManyTransfers,
    /// A request body did not keep its minimum pace and was cut off.
    #[error("request body too slow")]
    BodyTooSlow,
    /// The database or the document store cannot be reached now; nothing was changed.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The disk (or quota) under the database or the documents is full; nothing was changed.
    #[error("storage full: {0}")]
    InsufficientStorage(String),
    #[error("internal: {0}")]
    Internal(String),
}

/// Seconds a client should wait before it tries again after [`AppError::Unavailable`].
pub const RETRY_AFTER_UNAVAILABLE_SECS: u64 = 5;

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(what) => AppError::Conflict {
                code: "conflict",
                message: Text::new(
                    format!(
                        "Der Vorgang wurde inzwischen geändert. Bitte laden Sie die Seite neu und versuchen Sie es erneut. ({what})"
                    ),
                    format!(
                        "The record was changed meanwhile. Please reload and try again. ({what})"
                    ),
                ),
            },
            StoreError::Unavailable(detail) => AppError::Unavailable(detail),
            StoreError::StorageFull(detail) => AppError::InsufficientStorage(detail),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<BlobError> for AppError {
    fn from(e: BlobError) -> Self {
        match e {
            BlobError::TooLarge { limit } => AppError::TooLarge { limit },
            BlobError::Empty => AppError::BadRequest {
                code: "empty_file",
                message: Text::new("Die Datei ist leer.", "The file is empty."),
            },
            BlobError::Rejected { sniffed } => AppError::UnsupportedMedia {
                message: match sniffed {
                    Some(kind) => Text::new(
                        format!(
                            "Dateien dieser Art ({kind}) sind für diese Unterlage nicht zugelassen."
                        ),
                        format!("Files of this kind ({kind}) are not accepted for this document."),
                    ),
                    None => Text::new(
                        "Die Datei ist weder PDF noch PNG, JPEG oder TIFF (geprüft am Inhalt, nicht am Dateinamen).",
                        "The file is neither PDF nor PNG, JPEG or TIFF (checked by its content, not its name).",
                    ),
                },
            },
            BlobError::Upload(m) => AppError::BadRequest {
                code: "upload_interrupted",
                message: Text::new(
                    format!("Die Übertragung ist abgebrochen: {m}"),
                    format!("The upload was interrupted: {m}"),
                ),
            },
            e @ BlobError::Io(_) if amtsweg_store::blob::BlobStore::is_storage_full(&e) => {
                AppError::InsufficientStorage(e.to_string())
            }
            BlobError::Io(e) => AppError::Internal(e.to_string()),
            BlobError::Remote(e) => AppError::Unavailable(e),
        }
    }
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::Invalid(_) => 422,
            AppError::Case(CaseError::Invalid { .. }) => 422,
            AppError::Case(CaseError::RoleMayNot { .. }) => 403,
            // a request the user may not see is "not found" like every foreign resource
            AppError::Case(CaseError::NoSuchRequest) => 404,
            AppError::Case(_) => 409,
            AppError::Conflict { .. } => 409,
            AppError::BadRequest { .. } => 400,
            AppError::TooLarge { .. } | AppError::RequestTooLarge { .. } => 413,
            AppError::UnsupportedMedia { .. } => 415,
            AppError::TooManyRequests { .. }
            | AppError::SlowDown { .. }
            | AppError::TooManyTransfers => 429,
            AppError::BodyTooSlow => 408,
            AppError::Unavailable(_) => 503,
            AppError::InsufficientStorage(_) => 507,
            AppError::Internal(_) => 500,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Invalid(_) => "validation_failed",
            AppError::Case(e) => e.code(),
            AppError::Conflict { code, .. } | AppError::BadRequest { code, .. } => code,
            AppError::TooLarge { .. } | AppError::RequestTooLarge { .. } => "payload_too_large",
            AppError::UnsupportedMedia { .. } => "unsupported_media_type",
            AppError::TooManyRequests { .. } => "too_many_attempts",
            AppError::SlowDown { .. } => "too_many_requests",
            AppError::TooManyTransfers => "too_many_uploads",
            AppError::BodyTooSlow => "request_too_slow",
            AppError::Unavailable(_) => "service_unavailable",
            AppError::InsufficientStorage(_) => "insufficient_storage",
            AppError::Internal(_) => "internal_error",
        }
    }

    pub fn message(&self) -> Text {
        match self {
            AppError::NotFound => Text::new("Nicht gefunden.", "Not found."),
            AppError::Unauthenticated => Text::new("Bitte melden Sie sich an.", "Please log in."),
            AppError::Forbidden => Text::new(
                "Dafür fehlt Ihnen die Berechtigung.",
                "You are not allowed to do this.",
            ),
            AppError::Invalid(errors) => Text::new(
                format!(
                    "Bitte prüfen Sie Ihre Angaben: {} Feld(er) sind nicht in Ordnung.",
                    errors.len()
                ),
                format!(
                    "Please check your entries: {} field(s) are not right.",
                    errors.len()
                ),
            ),
            AppError::Case(e) => e.message(),
            AppError::Conflict { message, .. }
            | AppError::BadRequest { message, .. }
            | AppError::UnsupportedMedia { message } => message.clone(),
            AppError::TooLarge { limit } => Text::new(
                format!(
                    "Die Datei ist zu groß. Erlaubt sind höchstens {}.",
                    size_text(*limit)
                ),
                format!(
                    "The file is too large. At most {} are allowed.",
                    size_text(*limit)
                ),
            ),
            AppError::RequestTooLarge { limit } => Text::new(
                format!(
                    "Die Anfrage ist zu groß. Erlaubt sind höchstens {}.",
                    size_text(*limit)
                ),
                format!(
                    "The request is too large. At most {} are allowed.",
                    size_text(*limit)
                ),
            ),
            AppError::TooManyRequests { retry_after_secs } => {
                let (de, en) = wait_text(*retry_after_secs);
                Text::new(
                    format!(
                        "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in {de} erneut."
                    ),
                    format!("Too many failed login attempts. Please try again in {en}."),
                )
            }
            AppError::TooManyTransfers => Text::new(
                "Zu viele gleichzeitige Übertragungen. Bitte warten Sie, bis die laufenden fertig sind.",
                "Too many transfers at once. Please wait until the running ones are done.",
            ),
            AppError::BodyTooSlow => Text::new(
                "Die Übertragung war zu langsam und wurde abgebrochen. Bitte versuchen Sie es erneut.",
                "The transfer was too slow and was cut off. Please try again.",
            ),
            AppError::SlowDown { retry_after_secs } => {
                let (de, en) = wait_text(*retry_after_secs);
                Text::new(
                    format!(
                        "Zu viele Anfragen in kurzer Zeit. Bitte versuchen Sie es in {de} erneut."
                    ),
                    format!("Too many requests in a short time. Please try again in {en}."),
                )
            }
            AppError::Unavailable(_) => Text::new(
                "Der Dienst ist gerade nicht erreichbar. Es wurde nichts geändert; bitte versuchen Sie es in wenigen Sekunden erneut.",
                "The service cannot be reached right now. Nothing was changed; please try again in a few seconds.",
            ),
            AppError::InsufficientStorage(_) => Text::new(
                "Der Speicher des Dienstes ist voll. Es wurde nichts gespeichert; bitte versuchen Sie es später erneut. Die Betreiber sind informiert.",
                "The service's storage is full. Nothing was stored; please try again later. The operators have been told.",
            ),
            AppError::Internal(_) => Text::new(
                "Ein interner Fehler ist aufgetreten. Ihre Daten sind nicht verloren; bitte versuchen Sie es später erneut.",
                "An internal error occurred. Your data is not lost; please try again later.",
            ),
        }
    }

    /// Logs what operators must see — an internal error, storage that is away or full — with
    /// the technical detail, which never goes to the user. `surface`: `api` or `page`.
    pub fn log(&self, surface: &'static str) {
        match self {
            AppError::Internal(detail) => tracing::error!(%detail, surface, "internal error"),
            AppError::Unavailable(detail) => {
                tracing::warn!(%detail, surface, "storage unavailable")
            }
            AppError::InsufficientStorage(detail) => {
                tracing::error!(%detail, surface, "storage full")
            }
            _ => {}
        }
    }

    /// Seconds after which trying again makes sense (`Retry-After`), where it does.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::TooManyRequests { retry_after_secs }
            | AppError::SlowDown { retry_after_secs } => {
                Some(u64::try_from((*retry_after_secs).max(1)).unwrap_or(1))
            }
            AppError::Unavailable(_) => Some(RETRY_AFTER_UNAVAILABLE_SECS),
            AppError::TooManyTransfers => Some(5),
            _ => None,
        }
    }

    /// The field errors to show: at most [`MAX_LISTED_FIELD_ERRORS`] (the message counts all),
    /// so a body with thousands of wrong fields does not get thousands of answers back.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            AppError::Invalid(errors) => &errors[..errors.len().min(MAX_LISTED_FIELD_ERRORS)],
            _ => &[],
        }
    }

    pub fn bad_request(code: &'static str, de: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message: Text::new(de, en),
        }
    }
}

/// A wait as people say it: seconds under a minute, else whole minutes (rounded up).
fn wait_text(secs: i64) -> (String, String) {
    let secs = secs.max(1);
    if secs < 60 {
        let (de, en) = if secs == 1 {
            ("Sekunde", "second")
        } else {
            ("Sekunden", "seconds")
        };
        (format!("{secs} {de}"), format!("{secs} {en}"))
    } else {
        let minutes = (secs + 59) / 60;
        let (de, en) = if minutes == 1 {
            ("Minute", "minute")
        } else {
            ("Minuten", "minutes")
        };
        (format!("{minutes} {de}"), format!("{minutes} {en}"))
    }
}

/// How many field errors an answer lists.
pub const MAX_LISTED_FIELD_ERRORS: usize = 50;

/// A size limit as people read it: whole MiB where it is one, else KiB, else bytes.
fn size_text(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} Bytes")
    }
}
