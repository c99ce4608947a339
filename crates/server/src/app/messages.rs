//! Every message the use cases send to a mailbox, German first and English beside it, in one
//! place: what a person is told, and with which norm, is read and reviewed here. Dates are
//! written as people read them in each language (`format_date`).

use amtsweg_domain::Text;
use amtsweg_domain::file_number::FileNumber;
use amtsweg_domain::text::{Lang, format_date, format_local_time};
use amtsweg_store::NewMessage;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::App;

/// A message before it has a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Letter {
    /// `receipt`, `info`, `document_request`, `hearing`, `notice`, `participation`, `reminder`.
    pub kind: &'static str,
    pub subject: Text,
    pub body: Text,
}

impl Letter {
    fn new(kind: &'static str, subject: Text, body: Text) -> Self {
        Self {
            kind,
            subject,
            body,
        }
    }

    pub fn to(&self, recipient_id: Uuid, document_id: Option<Uuid>) -> NewMessage {
        NewMessage {
            id: App::new_id(),
            recipient_id,
            kind: self.kind.into(),
            subject: self.subject.clone(),
            body: self.body.clone(),
            document_id,
        }
    }

    /// The same letter to each recipient.
    pub fn to_each(&self, recipients: &[Uuid]) -> Vec<NewMessage> {
        recipients.iter().map(|r| self.to(*r, None)).collect()
    }
}

fn day(lang: Lang, date: Date) -> String {
    format_date(lang, date)
}

fn working_days(lang: Lang, days: u32) -> String {
    match (lang, days) {
        (Lang::De, 0) => "weniger als einem Arbeitstag".into(),
        (Lang::De, 1) => "einem Arbeitstag".into(),
        (Lang::De, n) => format!("{n} Arbeitstagen"),
        (Lang::En, 0) => "less than one working day".into(),
        (Lang::En, 1) => "one working day".into(),
        (Lang::En, n) => format!("{n} working days"),
    }
}

/// The receipt of a submission. `{file_number}` is filled in by the store once it is drawn.
pub(crate) fn receipt(service_name: &Text, received_local: OffsetDateTime) -> Letter {
    Letter::new(
        "receipt",
        Text::new(
            "Eingangsbestätigung – Aktenzeichen {file_number}",
            "Receipt – file number {file_number}",
        ),
        Text::by_lang(|lang| {
            let at = format_local_time(lang, received_local);
            match lang {
                Lang::De => format!(
                    "Ihr Antrag „{}“ ist am {at} eingegangen. Aktenzeichen: {{file_number}}.",
                    service_name.de
                ),
                Lang::En => format!(
                    "Your application '{}' was received on {at}. File number: {{file_number}}.",
                    service_name.get(Lang::En)
                ),
            }
        }),
    )
}

pub(crate) fn documents_requested(
    file_number: &FileNumber,
    defects: &[String],
    deadline: Date,
) -> Letter {
    let list: String = defects.iter().map(|d| format!("• {d}\n")).collect();
    Letter::new(
        "document_request",
        Text::by_lang(|lang| match lang {
            Lang::De => format!("Nachforderung von Unterlagen – {file_number}"),
            Lang::En => format!("Documents requested – {file_number}"),
        }),
        Text::by_lang(|lang| {
            let by = day(lang, deadline);
            match lang {
                Lang::De => format!(
                    "Ihr Antrag ist noch nicht vollständig. Bitte reichen Sie bis zum {by} nach:\n{list}\nLaden Sie die Unterlagen auf der Seite des Vorgangs hoch und reichen Sie sie dort ein. Geht bis zum Ablauf der Frist nichts ein, kann der Antrag als zurückgenommen gelten."
                ),
                Lang::En => format!(
                    "Your application is not complete yet. Please supply by {by}:\n{list}\nUpload the documents on the page of the case and hand them in there. If nothing arrives by the deadline, the application may be deemed withdrawn."
                ),
            }
        }),
    )
}

/// To the owner of an address someone tried to register with again (the registration
/// answers the same whether the address is new or not, so this is how the owner learns it).
pub(crate) fn registration_attempted() -> Letter {
    Letter::new(
        "info",
        Text::new(
            "Registrierung mit Ihrer E-Mail-Adresse",
            "Registration with your e-mail address",
        ),
        Text::new(
            "Jemand hat versucht, mit Ihrer E-Mail-Adresse ein neues Konto anzulegen. Es wurde kein neues Konto angelegt: Zu dieser Adresse gibt es bereits Ihr Konto. Waren Sie das, melden Sie sich wie gewohnt an. Waren Sie es nicht, müssen Sie nichts tun.",
            "Someone tried to create a new account with your e-mail address. No new account was created: your account already uses this address. If it was you, log in as usual. If it was not, you need not do anything.",
        ),
    )
}

pub(crate) fn documents_complete(file_number: &FileNumber) -> Letter {
    Letter::new(
        "info",
        Text::by_lang(|lang| match lang {
            Lang::De => format!("Unterlagen vollständig – {file_number}"),
            Lang::En => format!("Documents complete – {file_number}"),
        }),
        Text::new(
            "Ihre Unterlagen sind vollständig. Ihr Antrag wird nun inhaltlich geprüft.",
            "Your documents are complete. Your application is now being examined.",
        ),
    )
}

pub(crate) fn withdrawal_confirmed(file_number: &FileNumber) -> Letter {
    Letter::new(
        "info",
        Text::by_lang(|lang| match lang {
            Lang::De => format!("Rücknahme bestätigt – {file_number}"),
            Lang::En => format!("Withdrawal confirmed – {file_number}"),
        }),
        Text::new(
            "Sie haben Ihren Antrag zurückgezogen. Der Vorgang ist damit beendet.",
            "You have withdrawn your application. The case is closed.",
        ),
    )
}

pub(crate) fn hearing(file_number: &FileNumber, reasons: &str, deadline: Date) -> Letter {
    Letter::new(
        "hearing",
        Text::by_lang(|lang| match lang {
            Lang::De => format!("Anhörung vor einer Ablehnung – {file_number}"),
            Lang::En => format!("Hearing before a refusal – {file_number}"),
        }),
        Text::by_lang(|lang| {
            let by = day(lang, deadline);
            match lang {
                Lang::De => format!(
                    "Die Behörde beabsichtigt, Ihren Antrag abzulehnen. Die Gründe:\n\n{reasons}\n\nSie können sich bis zum {by} dazu äußern (§ 28 VwVfG): auf der Seite des Vorgangs unter „Zur Anhörung äußern“. Danach wird entschieden."
                ),
                Lang::En => format!(
                    "The authority intends to refuse your application. The reasons:\n\n{reasons}\n\nYou may respond by {by} (§ 28 VwVfG): on the page of the case under 'Respond to the hearing'. The decision follows after that."
                ),
            }
        }),
    )
}

pub(crate) fn statement_requested(file_number: &FileNumber, due: Date) -> Letter {
    Letter::new(
        "participation",
        Text::by_lang(|lang| match lang {
            Lang::De => format!("Beteiligung: Bitte um Stellungnahme – {file_number}"),
            Lang::En => format!("Participation: statement requested – {file_number}"),
        }),
        Text::by_lang(|lang| {
            let by = day(lang, due);
            match lang {
                Lang::De => format!(
                    "Die Bauaufsichtsbehörde bittet um Ihre Stellungnahme bis zum {by}. Die Anfrage und die freigegebenen Unterlagen finden Sie unter „Beteiligungen“."
                ),
                Lang::En => format!(
                    "The building authority asks for your statement by {by}. The request and the shared documents are under 'Participation requests'."
                ),
            }
        }),
    )
}

pub(crate) fn notice_ready(file_number: &FileNumber) -> Letter {
    Letter::new(
        "notice",
        Text::by_lang(|lang| match lang {
            Lang::De => format!("Bescheid zu Ihrem Antrag – {file_number}"),
            Lang::En => format!("Notice on your application – {file_number}"),
        }),
        Text::new(
            "Der Bescheid zu Ihrem Antrag liegt zum Abruf bereit. Er gilt am Tag nach dem Abruf als bekannt gegeben (§ 41 Abs. 2a VwVfG).",
            "The notice on your application is ready for retrieval. It is deemed notified on the day after retrieval (§ 41(2a) VwVfG).",
        ),
    )
}

/// To the applicant: the requested documents did not arrive in time. `source` names the norm.
pub(crate) fn deemed_withdrawn(file_number: &FileNumber, due: Date, source: &str) -> Letter {
    Letter::new(
        "info",
        Text::by_lang(|lang| match lang {
            Lang::De => format!("Antrag gilt als zurückgenommen – {file_number}"),
            Lang::En => format!("Application deemed withdrawn – {file_number}"),
        }),
        Text::by_lang(|lang| {
            let on = day(lang, due);
            match lang {
                Lang::De => format!(
                    "Die nachgeforderten Unterlagen sind bis zum Ablauf der Frist am {on} nicht eingegangen. Ihr Antrag gilt damit als zurückgenommen ({source}). Sie können einen neuen Antrag stellen."
                ),
                Lang::En => format!(
                    "The requested documents did not arrive by the deadline on {on}. Your application is therefore deemed withdrawn ({source}). You may file a new application."
                ),
            }
        }),
    )
}

/// To the applicant: the decision period ran out and the permit is deemed granted.
pub(crate) fn deemed_approved(file_number: &FileNumber, due: Date, source: &str) -> Letter {
    Letter::new(
        "info",
        Text::by_lang(|lang| match lang {
            Lang::De => format!("Genehmigung gilt als erteilt – {file_number}"),
            Lang::En => format!("Permit deemed granted – {file_number}"),
        }),
        Text::by_lang(|lang| {
            let on = day(lang, due);
            match lang {
                Lang::De => format!(
                    "Über Ihren Antrag wurde nicht bis zum Ablauf der Frist am {on} entschieden. Die Genehmigung gilt damit als erteilt ({source}). Auf Verlangen bescheinigt Ihnen die Behörde den Eintritt der Fiktion schriftlich (§ 42a Abs. 3 VwVfG)."
                ),
                Lang::En => format!(
                    "Your application was not decided by the deadline on {on}. The permit is therefore deemed granted ({source}). On request, the authority certifies this in writing (§ 42a(3) VwVfG)."
                ),
            }
        }),
    )
}

/// To the case's staff: the permit was deemed granted.
pub(crate) fn deemed_approved_staff(file_number: &FileNumber, due: Date, source: &str) -> Letter {
    Letter::new(
        "reminder",
        Text::by_lang(|lang| match lang {
            Lang::De => format!("Genehmigungsfiktion eingetreten – {file_number}"),
            Lang::En => format!("Permit deemed granted – {file_number}"),
        }),
        Text::by_lang(|lang| {
            let on = day(lang, due);
            match lang {
                Lang::De => format!(
                    "Die Entscheidungsfrist ist am {on} abgelaufen; die Genehmigung gilt als erteilt ({source})."
                ),
                Lang::En => format!(
                    "The decision period ended on {on}; the permit is deemed granted ({source})."
                ),
            }
        }),
    )
}

/// To the case's staff: a party stayed silent, and what the law makes of it.
pub(crate) fn party_silent(file_number: &FileNumber, party: &str, consequence: &Text) -> Letter {
    Letter::new(
        "participation",
        Text::by_lang(|lang| match lang {
            Lang::De => format!("Frist der Beteiligung abgelaufen – {file_number}"),
            Lang::En => format!("Participation deadline passed – {file_number}"),
        }),
        Text::by_lang(|lang| match lang {
            Lang::De => format!("{party} hat sich nicht geäußert: {}.", consequence.de),
            Lang::En => format!("{party} did not answer: {}.", consequence.get(Lang::En)),
        }),
    )
}

/// What a deadline reminder is about.
pub(crate) struct Reminder<'a> {
    pub label: &'a Text,
    pub source: &'a str,
    pub due: Date,
    /// Working days before the end; `None` when it ran out.
    pub lead: Option<u32>,
    /// The expiry grants the permit (Genehmigungsfiktion).
    pub deemed_approval: bool,
}

/// To the case's staff: a deadline ends soon or ended.
pub(crate) fn deadline_reminder(file_number: &FileNumber, r: &Reminder<'_>) -> Letter {
    let label = |lang| r.label.get(lang).to_string();
    let source = r.source;
    let (subject, body) = match r.lead {
        Some(days) if r.deemed_approval => (
            Text::by_lang(|lang| match lang {
                Lang::De => format!(
                    "Genehmigungsfiktion droht in {} – {file_number}",
                    working_days(lang, days)
                ),
                Lang::En => format!(
                    "Permit deemed granted in {} – {file_number}",
                    working_days(lang, days)
                ),
            }),
            Text::by_lang(|lang| {
                let (label, on) = (label(lang), day(lang, r.due));
                match lang {
                    Lang::De => format!(
                        "Die Frist „{label}“ endet am {on}. Wird bis dahin nicht entschieden, gilt die Genehmigung als erteilt ({source})."
                    ),
                    Lang::En => format!(
                        "The deadline '{label}' ends on {on}. Unless decided by then, the permit is deemed granted ({source})."
                    ),
                }
            }),
        ),
        Some(days) => (
            Text::by_lang(|lang| {
                let (label, within) = (label(lang), working_days(lang, days));
                match lang {
                    Lang::De => format!("Frist endet in {within}: {label} – {file_number}"),
                    Lang::En => format!("Deadline in {within}: {label} – {file_number}"),
                }
            }),
            Text::by_lang(|lang| {
                let (label, on) = (label(lang), day(lang, r.due));
                match lang {
                    Lang::De => format!("Die Frist „{label}“ endet am {on} ({source})."),
                    Lang::En => format!("The deadline '{label}' ends on {on} ({source})."),
                }
            }),
        ),
        None => (
            Text::by_lang(|lang| {
                let label = label(lang);
                match lang {
                    Lang::De => format!("Frist abgelaufen: {label} – {file_number}"),
                    Lang::En => format!("Deadline passed: {label} – {file_number}"),
                }
            }),
            Text::by_lang(|lang| {
                let (label, on) = (label(lang), day(lang, r.due));
                match lang {
                    Lang::De => format!(
                        "Die Frist „{label}“ zum Vorgang {file_number} ist am {on} abgelaufen ({source})."
                    ),
                    Lang::En => format!(
                        "The deadline '{label}' of case {file_number} passed on {on} ({source})."
                    ),
                }
            }),
        ),
    };
    Letter::new("reminder", subject, body)
}

/// To the case's staff: a party answered.
pub(crate) fn statement_received(file_number: &FileNumber, party: &str, verdict: &Text) -> Letter {
    Letter::new(
        "participation",
        Text::by_lang(|lang| match lang {
            Lang::De => format!("Stellungnahme eingegangen – {file_number}"),
            Lang::En => format!("Statement received – {file_number}"),
        }),
        Text::by_lang(|lang| format!("{party}: {}.", verdict.get(lang))),
    )
}

/// To the case's staff: a party asks for more time.
pub(crate) fn extension_requested(file_number: &FileNumber, party: &str, until: Date) -> Letter {
    Letter::new(
        "participation",
        Text::by_lang(|lang| match lang {
            Lang::De => format!("Antrag auf Fristverlängerung – {file_number}"),
            Lang::En => format!("Extension requested – {file_number}"),
        }),
        Text::by_lang(|lang| {
            let to = day(lang, until);
            match lang {
                Lang::De => format!(
                    "{party} bittet um Verlängerung der Frist bis zum {to}. Bitte entscheiden Sie auf der Seite des Vorgangs."
                ),
                Lang::En => format!(
                    "{party} asks for the deadline to be extended to {to}. Please decide on the page of the case."
                ),
            }
        }),
    )
}

/// To the party: its request for more time was granted or refused.
pub(crate) fn extension_decided(file_number: &FileNumber, granted: bool, due: Date) -> Letter {
    Letter::new(
        "participation",
        Text::by_lang(|lang| match lang {
            Lang::De => format!("Fristverlängerung – {file_number}"),
            Lang::En => format!("Extension – {file_number}"),
        }),
        Text::by_lang(|lang| {
            let on = day(lang, due);
            match (lang, granted) {
                (Lang::De, true) => {
                    format!("Die Frist für Ihre Stellungnahme ist bis zum {on} verlängert.")
                }
                (Lang::En, true) => format!("The deadline for your statement is extended to {on}."),
                (Lang::De, false) => format!(
                    "Ihr Antrag auf Fristverlängerung ist abgelehnt. Die Frist endet am {on}."
                ),
                (Lang::En, false) => {
                    format!("Your request for an extension is refused. The deadline ends on {on}.")
                }
            }
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_are_written_for_the_reader_in_each_language() {
        let number = FileNumber::new("BG", 2026, 42);
        let letter = extension_requested(&number, "Kreisbrandmeister", date!(2027 - 01 - 18));
        assert!(
            letter.body.de.contains("bis zum 18.01.2027"),
            "{}",
            letter.body.de
        );
        assert!(
            letter.body.en.contains("to 18 Jan 2027"),
            "{}",
            letter.body.en
        );
        assert_eq!(
            letter.subject.de,
            "Antrag auf Fristverlängerung – BG-2026-00042"
        );
        let reminder = deadline_reminder(
            &number,
            &Reminder {
                label: &Text::new("Entscheidung", "Decision"),
                source: "§ 42a VwVfG",
                due: date!(2027 - 03 - 01),
                lead: Some(1),
                deemed_approval: true,
            },
        );
        assert_eq!(
            reminder.subject.de,
            "Genehmigungsfiktion droht in einem Arbeitstag – BG-2026-00042"
        );
        assert!(reminder.body.en.contains("ends on 1 Mar 2027"));
    }
}
