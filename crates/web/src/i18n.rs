//! Every text of the pages, German first, English beside it. Texts of the service
//! definitions and of the application layer come as `Text` and are rendered with `get(lang)`.

pub use amtsweg_domain::text::Lang;

macro_rules! strings {
    ($($key:ident: $de:literal, $en:literal;)*) => {
        /// The fixed texts of the pages in one language.
        pub struct Strings {
            $(pub $key: &'static str,)*
        }

        pub static DE: Strings = Strings { $($key: $de,)* };
        pub static EN: Strings = Strings { $($key: $en,)* };
    };
}

strings! {
    // layout
    skip_link: "Zum Inhalt springen", "Skip to content";
    main_nav: "Hauptnavigation", "Main navigation";
    nav_applications: "Meine Anträge", "My applications";
    nav_mailbox: "Postfach", "Mailbox";
    nav_inbox: "Posteingang", "Inbox";
    nav_login: "Anmelden", "Log in";
    nav_register: "Registrieren", "Register";
    logout: "Abmelden", "Log out";
    logged_in_as: "Angemeldet als", "Logged in as";
    unread: "ungelesen", "unread";
    footer: "amtsweg · EUPL-1.2", "amtsweg · EUPL-1.2";
    required_marker: "(Pflichtfeld)", "(required)";
    yes: "Ja", "Yes";
    no: "Nein", "No";
    please_choose: "Bitte wählen", "Please choose";
    none_value: "–", "–";
    not_given: "keine Angabe", "not given";
    error_summary_title: "Bitte korrigieren Sie Folgendes:", "Please correct the following:";
    error_title: "Das hat nicht geklappt", "That did not work";
    error_prefix: "Fehler:", "Error:";
    hint_title: "Hinweis", "Note";
    csrf_failed: "Sitzung abgelaufen oder Formular ungültig – bitte laden Sie die Seite neu.", "Session expired or form invalid – please reload the page.";

    // start
    start_title: "Verwaltungsleistungen online beantragen", "Apply for public services online";
    start_intro: "Hier stellen Sie Anträge bei Ihrer Behörde vollständig online – ohne Papier und ohne Behördengang. Sie können Ihren Antrag jederzeit als Entwurf speichern und später weiter bearbeiten.", "Here you apply to your authority entirely online – no paper and no visit to the office. You can save your application as a draft at any time and continue later.";
    services_heading: "Leistungen", "Services";
    apply: "Antrag stellen", "Apply";
    login_to_apply: "Zum Antragstellen anmelden", "Log in to apply";
    start_account_heading: "Ihr Konto", "Your account";
    start_account_text: "Für einen Antrag brauchen Sie ein Konto. Damit speichern Sie Entwürfe, verfolgen den Stand Ihres Antrags und erhalten den Bescheid in Ihr Postfach.", "You need an account to apply. With it you save drafts, follow the status of your application and receive the notice in your mailbox.";
    start_staff_text: "Sie sind als Mitarbeiterin oder Mitarbeiter der Behörde angemeldet. Die eingegangenen Anträge finden Sie im Posteingang.", "You are logged in as a member of staff. You find the incoming applications in the inbox.";
    go_to_inbox: "Zum Posteingang", "Go to the inbox";
    go_to_applications: "Zu meinen Anträgen", "Go to my applications";

    // login and registration
    login_title: "Anmelden", "Log in";
    login_intro: "Melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort an.", "Log in with your e-mail address and your password.";
    email: "E-Mail-Adresse", "E-mail address";
    password: "Passwort", "Password";
    login_button: "Anmelden", "Log in";
    no_account: "Sie haben noch kein Konto?", "You do not have an account yet?";
    register_link: "Jetzt registrieren", "Register now";
    register_title: "Registrieren", "Register";
    register_intro: "Legen Sie ein Konto an, um Anträge zu stellen. Ihre Angaben verwenden wir nur für Ihre Anträge.", "Create an account to submit applications. We use your details only for your applications.";
    display_name: "Ihr Name", "Your name";
    display_name_hint: "Vor- und Familienname, wie er in Ihren Anträgen erscheinen soll.", "Given and family name, as it should appear in your applications.";
    password_hint: "Mindestens 10 Zeichen. Ein langer Satz ist ein gutes Passwort.", "At least 10 characters. A long sentence makes a good password.";
    password_repeat: "Passwort wiederholen", "Repeat the password";
    password_mismatch: "Die beiden Passwörter stimmen nicht überein.", "The two passwords do not match.";
    role_legend: "Wie stellen Sie Anträge?", "How do you apply?";
    role_applicant: "Für mich selbst oder mein Unternehmen (Antragsteller/in)", "For myself or my company (applicant)";
    role_architect: "Als Entwurfsverfasser/in für meine Bauherrschaft (Architekt/in, Ingenieur/in)", "As the architect or engineer for my client";
    role_missing: "Bitte wählen Sie, wie Sie Anträge stellen.", "Please choose how you apply.";
    register_button: "Konto anlegen", "Create account";
    have_account: "Sie haben schon ein Konto?", "You already have an account?";
    login_link: "Hier anmelden", "Log in here";

    // applications
    applications_title: "Meine Anträge", "My applications";
    drafts_heading: "Entwürfe", "Drafts";
    drafts_empty: "Sie haben keine offenen Entwürfe.", "You have no open drafts.";
    continue_draft: "Weiter bearbeiten", "Continue";
    last_saved: "zuletzt gespeichert", "last saved";
    cases_heading: "Eingereichte Anträge", "Submitted applications";
    cases_empty: "Sie haben noch keinen Antrag eingereicht.", "You have not submitted an application yet.";
    new_application: "Neuen Antrag stellen", "Start a new application";
    col_file_number: "Aktenzeichen", "File number";
    col_service: "Leistung", "Service";
    col_status: "Status", "Status";
    col_submitted: "Eingereicht am", "Submitted on";

    // steps
    steps_nav: "Schritte des Antrags", "Steps of the application";
    step_documents: "Unterlagen", "Documents";
    step_review: "Prüfen und einreichen", "Check and submit";
    save_and_continue: "Speichern und weiter", "Save and continue";
    save_draft: "Entwurf speichern", "Save draft";
    back: "Zurück", "Back";
    draft_saved: "Ihr Entwurf ist gespeichert. Sie können jederzeit hier weitermachen.", "Your draft is saved. You can continue here at any time.";
    form_note: "Pflichtfelder sind mit „(Pflichtfeld)“ gekennzeichnet. Mit „Entwurf speichern“ sichern Sie Ihre Angaben, ohne weiterzugehen.", "Required fields are marked “(required)”. “Save draft” keeps your entries without moving on.";

    // documents
    documents_title: "Unterlagen hochladen", "Upload documents";
    documents_intro: "Laden Sie hier die Unterlagen zu Ihrem Antrag hoch. Geprüft wird der Inhalt der Datei, nicht ihr Name.", "Upload the documents of your application here. The content of the file is checked, not its name.";
    required_documents: "Benötigte Unterlagen", "Required documents";
    col_document: "Unterlage", "Document";
    col_needed: "Erforderlich", "Needed";
    col_file_types: "Dateiarten", "File types";
    col_state: "Stand", "Status";
    doc_required: "Pflicht", "Required";
    doc_optional: "freiwillig", "optional";
    doc_present: "hochgeladen", "uploaded";
    doc_missing: "fehlt", "missing";
    uploaded_documents: "Hochgeladene Dateien", "Uploaded files";
    no_uploads: "Sie haben noch keine Dateien hochgeladen.", "You have not uploaded any files yet.";
    col_file: "Datei", "File";
    col_size: "Größe", "Size";
    col_uploaded: "Hochgeladen am", "Uploaded on";
    col_actions: "Aktion", "Action";
    delete: "Löschen", "Delete";
    upload_heading: "Datei hochladen", "Upload a file";
    document_type: "Art der Unterlage", "Kind of document";
    file: "Datei", "File";
    no_file_chosen: "Bitte wählen Sie eine Datei aus.", "Please choose a file.";
    upload_broken: "Die Übertragung ist unvollständig. Bitte versuchen Sie es erneut.", "The upload is incomplete. Please try again.";
    form_unreadable: "Das Formular konnte nicht gelesen werden. Bitte laden Sie die Seite neu.", "The form could not be read. Please reload the page.";
    no_type_chosen: "Bitte wählen Sie die Art der Unterlage.", "Please choose the kind of document.";
    to_review: "Weiter zur Prüfung", "Continue to check";
    uploaded_done: "Die Datei wurde hochgeladen.", "The file was uploaded.";
    deleted_done: "Die Datei wurde gelöscht.", "The file was deleted.";

    // review
    review_title: "Angaben prüfen und Antrag einreichen", "Check your entries and submit";
    review_intro: "Bitte prüfen Sie Ihre Angaben. Mit „Ändern“ kommen Sie zum jeweiligen Schritt zurück.", "Please check your entries. “Change” takes you back to the step.";
    change: "Ändern", "Change";
    review_documents: "Unterlagen", "Documents";
    review_missing: "Bevor Sie einreichen können, fehlt noch Folgendes:", "Before you can submit, the following is missing:";
    review_ready: "Ihre Angaben sind vollständig. Sie können den Antrag jetzt einreichen.", "Your entries are complete. You can submit the application now.";
    submit_heading: "Antrag einreichen", "Submit the application";
    receiving_authority: "Ihr Antrag geht an", "Your application goes to";
    choose_authority_legend: "Für diesen Ort sind mehrere Behörden zuständig. An welche soll Ihr Antrag gehen?", "Several authorities are responsible for this place. Which one should your application go to?";
    submit_text: "Mit dem Einreichen stellen Sie den Antrag verbindlich. Danach können Sie ihn nicht mehr ändern. Sie erhalten sofort eine Eingangsbestätigung mit Aktenzeichen.", "Submitting makes the application binding. You can no longer change it afterwards. You immediately receive a receipt with the file number.";
    submit_button: "Antrag verbindlich einreichen", "Submit application (binding)";

    // receipt
    receipt_title: "Ihr Antrag ist eingegangen", "Your application has been received";
    receipt_file_number: "Ihr Aktenzeichen", "Your file number";
    receipt_keep: "Bitte geben Sie das Aktenzeichen bei Rückfragen an.", "Please quote the file number in any enquiry.";
    received_at: "Eingegangen am", "Received on";
    next_heading: "Wie geht es weiter?", "What happens next?";
    next_1: "Die Eingangsbestätigung liegt auch in Ihrem Postfach.", "The receipt is also in your mailbox.";
    next_2: "Die Behörde prüft, ob Ihre Unterlagen vollständig sind. Fehlt etwas, fordert sie es über Ihr Postfach nach.", "The authority checks whether your documents are complete. If something is missing, it asks for it via your mailbox.";
    next_3: "Danach wird Ihr Antrag inhaltlich geprüft. Den Stand sehen Sie jederzeit auf der Seite des Vorgangs.", "Then your application is examined. You see its status on the case page at any time.";
    next_4: "Den Bescheid erhalten Sie in Ihr Postfach.", "You receive the notice in your mailbox.";
    to_case: "Zum Vorgang", "Go to the case";

    // case (applicant)
    case_facts: "Übersicht", "Overview";
    status: "Status", "Status";
    portal_status: "Statuscode (XBau)", "Status code (XBau)";
    site: "Grundstück", "Site";
    request_heading: "Unterlagen nachgefordert", "Documents requested";
    request_intro: "Die Behörde braucht noch folgende Unterlagen:", "The authority still needs the following documents:";
    request_deadline: "Bitte reichen Sie die Unterlagen ein bis zum", "Please supply the documents by";
    request_howto: "Laden Sie die Dateien hoch und klicken Sie dann auf „Unterlagen einreichen“. Erst dann erhält die Behörde die Unterlagen.", "Upload the files, then click “Hand in documents”. Only then does the authority receive them.";
    pending_heading: "Hochgeladen, noch nicht eingereicht", "Uploaded, not yet handed in";
    no_pending: "Noch keine Dateien hochgeladen.", "No files uploaded yet.";
    supply_button: "Unterlagen einreichen", "Hand in documents";
    notice_heading: "Bescheid", "Notice";
    notice_ready: "Der Bescheid zu Ihrem Antrag liegt für Sie bereit. Er gilt am Tag nach dem Abruf als bekannt gegeben (§ 41 Abs. 2a VwVfG).", "The notice on your application is ready. It is deemed notified on the day after retrieval (§ 41(2a) VwVfG).";
    notice_download: "Bescheid abrufen (PDF)", "Retrieve the notice (PDF)";
    notice_retrieved_at: "Abgerufen am", "Retrieved on";
    case_documents: "Unterlagen im Vorgang", "Documents of the case";
    no_documents: "Keine Unterlagen.", "No documents.";
    col_origin: "Herkunft", "Origin";
    origin_application: "Antrag", "Application";
    origin_pending: "Nachreichung (nicht eingereicht)", "Supplement (not handed in)";
    origin_supplement: "Nachreichung", "Supplement";
    origin_notice: "Bescheid", "Notice";
    origin_statement: "Anlage einer Stellungnahme", "Attachment of a statement";
    origin_pending_statement: "Anlage (noch nicht abgegeben)", "Attachment (not yet handed in)";
    timeline_heading: "Verlauf", "History";
    deadlines_heading: "Fristen", "Deadlines";
    filter_due: "Frist in den nächsten … Tagen", "Deadline within … days";
    filter_due_hint: "Zahl der Tage; 0 zeigt heute Fällige und Überfällige.", "Number of days; 0 shows what is due today or overdue.";
    col_party: "Zu handeln hat", "To act";
    col_due: "Fällig am", "Due on";
    col_days_left: "Arbeitstage übrig", "Working days left";
    col_consequence: "Folge bei Ablauf", "On expiry";
    deadline_running: "läuft", "running";
    deadline_stopped: "angehalten", "stopped";
    deadline_expired: "abgelaufen", "expired";
    party_authority: "Behörde", "Authority";
    party_applicant: "Antragsteller/in", "Applicant";
    party_agency: "Fachstelle", "Agency";
    party_municipality: "Gemeinde", "Municipality";
    deadline_moved: "verschoben", "moved";
    withdraw_heading: "Antrag zurückziehen", "Withdraw the application";
    withdraw_text: "Wenn Sie den Antrag zurückziehen, wird das Verfahren beendet. Das lässt sich nicht rückgängig machen.", "If you withdraw the application, the procedure ends. This cannot be undone.";

    // mailbox
    mailbox_title: "Postfach", "Mailbox";
    mailbox_empty: "Ihr Postfach ist leer.", "Your mailbox is empty.";
    col_subject: "Betreff", "Subject";
    col_received: "Eingegangen", "Received";
    message_received: "Eingegangen am", "Received on";
    message_case: "Zum Vorgang", "Go to the case";
    message_document: "Dokument abrufen", "Retrieve the document";
    back_to_mailbox: "Zurück zum Postfach", "Back to the mailbox";
    message_mark_read: "Als gelesen markieren", "Mark as read";

    // inbox (staff)
    inbox_title: "Posteingang", "Inbox";
    inbox_filter: "Filtern", "Filter";
    filter_state: "Status", "Status";
    all_states: "Alle", "All";
    search: "Suche", "Search";
    search_hint: "Aktenzeichen, Name oder Adresse", "File number, name or address";
    apply_filter: "Anwenden", "Apply";
    reset_filter: "Filter zurücksetzen", "Reset filter";
    inbox_caption: "Vorgänge, nächste Frist zuerst", "Cases, nearest deadline first";
    inbox_empty: "Keine Vorgänge gefunden.", "No cases found.";
    col_applicant: "Antragsteller/in", "Applicant";
    col_site: "Grundstück", "Site";
    col_deadline: "Frist", "Deadline";
    col_received_on: "Eingegangen am", "Received on";
    col_assignee: "Bearbeitung", "Assigned";
    assignee_you: "Sie", "You";
    assignee_other: "zugewiesen", "assigned";
    assignee_none: "offen", "open";
    overdue: "abgelaufen", "overdue";
    due_soon: "bald fällig", "due soon";
    previous_page: "Vorherige Seite", "Previous page";
    next_page: "Nächste Seite", "Next page";
    pages_nav: "Seiten", "Pages";

    // case (staff)
    applicant: "Antragsteller/in", "Applicant";
    service: "Leistung", "Service";
    assignee: "Zuständig", "Assigned to";
    request_section: "Nachforderung von Unterlagen", "Request for documents";
    approve_hint: "Geben Sie die Nebenbestimmungen an, die der Bescheid enthalten soll.", "Enter the conditions the notice is to contain.";
    deadline: "Frist", "Deadline";
    form_data_heading: "Angaben im Antrag", "Entries in the application";
    decision_heading: "Entscheidung", "Decision";
    decision_approval: "Genehmigung", "Approval";
    decision_refusal: "Ablehnung", "Refusal";
    no_conditions: "ohne Nebenbestimmungen", "without conditions";
    open_request_heading: "Offene Nachforderung", "Open document request";
    actions_heading: "Bearbeitung", "Processing";
    no_actions: "In diesem Stand können Sie keinen Schritt ausführen.", "There is no step you can take in this state.";
    defects: "Mängel, einer pro Zeile", "Defects, one per line";
    defects_hint: "Jede Zeile wird als eigener Punkt nachgefordert.", "Each line is requested as a separate item.";
    request_deadline_label: "Frist für die Nachreichung", "Deadline for the supplement";
    condition_kind: "Art", "Kind";
    condition_text: "Text", "Text";
    condition_none: "– keine –", "– none –";
    conditions_hint: "Leere Zeilen werden nicht übernommen.", "Empty rows are ignored.";
    condition_kind_missing: "Bitte wählen Sie für jede Nebenbestimmung eine Art.", "Please choose a kind for every condition.";
    refuse_reasons: "Begründung der Ablehnung", "Reasons for the refusal";
    to_inbox: "Zurück zum Posteingang", "Back to the inbox";
    event_by_deadline: "Frist", "Deadline";

    // done messages
    done_take_over: "Sie bearbeiten diesen Vorgang jetzt.", "You are now processing this case.";
    done_confirm_complete: "Die Unterlagen sind als vollständig vermerkt. Die inhaltliche Prüfung beginnt.", "The documents are recorded as complete. The examination begins.";
    done_request_documents: "Die Nachforderung ist im Postfach der Antragstellerin bzw. des Antragstellers.", "The request is in the applicant's mailbox.";
    done_supply_documents: "Ihre Unterlagen sind eingereicht. Die Behörde prüft sie.", "Your documents are handed in. The authority checks them.";
    done_approve: "Die Genehmigung ist entschieden. Jetzt können Sie den Bescheid erteilen.", "The approval is decided. You can now issue the notice.";
    done_refuse: "Die Ablehnung ist entschieden. Jetzt können Sie den Bescheid erteilen.", "The refusal is decided. You can now issue the notice.";
    done_issue_notice: "Der Bescheid ist erteilt und liegt im Postfach der Antragstellerin bzw. des Antragstellers.", "The notice is issued and in the applicant's mailbox.";
    done_withdraw: "Ihr Antrag ist zurückgezogen.", "Your application is withdrawn.";
    done_start_participation: "Die Stellen sind beteiligt; sie finden die Anfrage in ihrem Posteingang.", "The agencies are asked; they find the request in their inbox.";
    done_start_hearing: "Die Anhörung ist eingeleitet; die antragstellende Person ist benachrichtigt.", "The hearing is started; the applicant is notified.";
    done_respond_to_hearing: "Ihre Äußerung zur Anhörung ist eingegangen.", "Your response to the hearing has been received.";
    done_waive_deemed_approval: "Sie haben auf die Genehmigungsfiktion verzichtet.", "You have waived the deemed approval.";
    done_extension_granted: "Die Frist ist verlängert.", "The deadline is extended.";
    done_extension_refused: "Die Fristverlängerung ist abgelehnt.", "The extension is refused.";
    done_statement: "Ihre Stellungnahme ist abgegeben.", "Your statement has been handed in.";
    done_extension_requested: "Ihr Antrag auf Fristverlängerung ist gestellt.", "Your request for an extension has been made.";

    // participation (caseworker)
    participation_heading: "Beteiligung", "Participation";
    col_party_name: "Stelle", "Agency";
    col_requested: "Angefragt am", "Requested on";
    col_answer: "Antwort", "Answer";
    participation_open: "offen", "open";
    participation_answered: "beantwortet", "answered";
    participation_deemed: "Fiktion", "deemed";
    extension_pending: "Verlängerung beantragt bis", "Extension requested until";
    extension_grant: "Verlängerung gewähren", "Grant extension";
    extension_refuse: "Verlängerung ablehnen", "Refuse extension";
    start_participation_heading: "Behörden beteiligen", "Ask agencies";
    parties_legend: "Zu beteiligende Stellen", "Agencies to ask";
    parties_hint: "Die Frist jeder Stelle ergibt sich aus dem Landesrecht; Schweigen hat die dort bestimmte Folge.", "Each agency's deadline follows from the Land's law; silence has the consequence set there.";
    question_label: "Frage an die Stellen", "Question to the agencies";
    question_default: "Wir bitten um Ihre Stellungnahme zu dem Vorhaben auf Grundlage der freigegebenen Unterlagen.", "Please give your statement on the project, based on the shared documents.";
    shared_legend: "Freigegebene Unterlagen", "Shared documents";
    shared_hint: "Nur die ausgewählten Unterlagen sehen die Stellen (Erforderlichkeit, Art. 5 DSGVO).", "The agencies see only the documents chosen (need to know, Art. 5 GDPR).";
    no_parties: "Im Verzeichnis Ihrer Behörde ist keine Stelle eingetragen.", "No agency is in your authority's directory.";
    adopt_conditions: "Nebenbestimmungen aus den Stellungnahmen übernehmen", "Adopt the conditions from the statements";
    statement_conditions_heading: "Nebenbestimmungen aus den Stellungnahmen", "Conditions from the statements";
    hearing_heading: "Anhörung", "Hearing";
    hearing_start_heading: "Anhörung vor einer Ablehnung", "Hearing before a refusal";
    hearing_reasons: "Gründe der beabsichtigten Ablehnung", "Reasons for the intended refusal";
    hearing_deadline: "Frist zur Äußerung", "Period to respond";
    hearing_deadline_hint: "Mindestens sieben Tage.", "At least seven days.";
    hearing_response: "Äußerung der antragstellenden Person", "Response of the applicant";
    hearing_no_response: "Noch keine Äußerung.", "No response yet.";

    // hearing and deemed approval (applicant)
    hearing_intro: "Die Behörde beabsichtigt, Ihren Antrag abzulehnen. Bevor sie entscheidet, können Sie sich äußern (§ 28 VwVfG).", "The authority intends to refuse your application. Before it decides, you may respond (§ 28 VwVfG).";
    hearing_until: "Äußerung möglich bis", "You may respond until";
    hearing_text_label: "Ihre Äußerung", "Your response";
    waiver_heading: "Genehmigungsfiktion", "Deemed approval";
    waiver_text: "Wird über Ihren Antrag nicht rechtzeitig entschieden, gilt die Genehmigung als erteilt (§ 42a VwVfG). Sie können darauf verzichten, wenn Sie lieber einen ausdrücklichen Bescheid abwarten wollen. Der Verzicht lässt sich nicht zurücknehmen.", "If your application is not decided in time, the permit is deemed granted (§ 42a VwVfG). You may waive this if you prefer to wait for an express notice. The waiver cannot be taken back.";
    waiver_done: "Sie haben auf die Genehmigungsfiktion verzichtet.", "You have waived the deemed approval.";

    // agency side
    nav_participation: "Beteiligungen", "Participation requests";
    party_inbox_title: "Beteiligungen", "Participation requests";
    party_inbox_intro: "Anfragen der Bauaufsicht an Ihre Stelle. Sie sehen nur, was Ihnen freigegeben wurde.", "Requests of the building authority to your agency. You see only what was shared with you.";
    no_requests: "Keine Anfragen.", "No requests.";
    request_title: "Anfrage", "Request";
    requesting_authority: "Anfragende Behörde", "Requesting authority";
    project: "Vorhaben", "Project";
    question: "Frage", "Question";
    due_on: "Frist", "Deadline";
    silence_means: "Folge bei Schweigen", "If you do not answer";
    legal_source: "Rechtsgrundlage", "Legal basis";
    shared_documents: "Freigegebene Unterlagen", "Shared documents";
    attachments_heading: "Anlagen Ihrer Stellungnahme", "Attachments of your statement";
    attachment_upload: "Anlage hochladen (PDF, PNG, JPEG)", "Upload an attachment (PDF, PNG, JPEG)";
    upload_button: "Hochladen", "Upload";
    statement_heading: "Stellungnahme abgeben", "Give a statement";
    verdict_legend: "Ihre Antwort", "Your answer";
    verdict_no_concerns: "Keine Bedenken", "No concerns";
    verdict_conditions: "Keine Bedenken unter Nebenbestimmungen", "No concerns subject to conditions";
    verdict_objection: "Einwände", "Objection";
    verdict_consent_given: "Einvernehmen erteilen (§ 36 BauGB)", "Give consent (§ 36 BauGB)";
    verdict_consent_refused: "Einvernehmen versagen", "Refuse consent";
    remarks_label: "Begründung oder Hinweise", "Reasons or remarks";
    remarks_hint: "Bei Einwänden und Versagung Pflicht.", "Required for an objection or a refusal.";
    statement_button: "Stellungnahme abgeben", "Hand in the statement";
    your_answer: "Ihre Antwort", "Your answer";
    extension_heading: "Fristverlängerung beantragen", "Ask for an extension";
    extension_until: "Verlängern bis", "Extend until";
    extension_latest: "Spätestens", "At the latest";
    extension_reason: "Begründung", "Reason";
    extension_button: "Verlängerung beantragen", "Ask for the extension";
    to_party_inbox: "Zurück zu den Beteiligungen", "Back to the participation requests";

    // errors
    not_found_title: "Seite nicht gefunden", "Page not found";
    not_found_text: "Diese Seite gibt es nicht oder nicht mehr. Bitte prüfen Sie die Adresse.", "This page does not exist or no longer exists. Please check the address.";
    forbidden_title: "Kein Zugriff", "Access denied";
    csrf_title: "Sitzung abgelaufen", "Session expired";
    conflict_title: "Das geht gerade nicht", "Not possible right now";
    bad_request_title: "Ungültige Anfrage", "Invalid request";
    internal_title: "Technischer Fehler", "Technical error";
    request_id: "Fehlerkennung", "Error reference";
    to_start: "Zur Startseite", "Go to the home page";
}

pub fn t(lang: Lang) -> &'static Strings {
    match lang {
        Lang::De => &DE,
        Lang::En => &EN,
    }
}

/// "Schritt 2 von 7".
pub fn step_of(lang: Lang, n: usize, total: usize) -> String {
    match lang {
        Lang::De => format!("Schritt {n} von {total}"),
        Lang::En => format!("Step {n} of {total}"),
    }
}

/// The hint of a field that applies only under a condition.
pub fn only_if(lang: Lang, field: &str, value: &str) -> String {
    match lang {
        Lang::De => format!("Nur nötig, wenn bei „{field}“ „{value}“ angegeben ist."),
        Lang::En => format!("Only needed if “{field}” is “{value}”."),
    }
}

pub fn unread_count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::De => format!("{n} ungelesen"),
        Lang::En => format!("{n} unread"),
    }
}

pub fn case_title(lang: Lang, file_number: &str) -> String {
    match lang {
        Lang::De => format!("Vorgang {file_number}"),
        Lang::En => format!("Case {file_number}"),
    }
}

pub fn condition_row(lang: Lang, n: usize) -> String {
    match lang {
        Lang::De => format!("Nebenbestimmung {n}"),
        Lang::En => format!("Condition {n}"),
    }
}

pub fn max_upload(lang: Lang, mib: u64) -> String {
    match lang {
        Lang::De => format!(
            "Höchstens {mib} MiB je Datei. Erlaubt sind je nach Unterlage PDF, PNG, JPEG oder TIFF."
        ),
        Lang::En => format!(
            "At most {mib} MiB per file. Depending on the document, PDF, PNG, JPEG or TIFF are accepted."
        ),
    }
}

pub fn inbox_count(lang: Lang, shown: usize, page: u32) -> String {
    let page = page + 1;
    match (lang, shown) {
        (Lang::De, 1) => format!("1 Vorgang auf Seite {page}"),
        (Lang::De, n) => format!("{n} Vorgänge auf Seite {page}"),
        (Lang::En, 1) => format!("1 case on page {page}"),
        (Lang::En, n) => format!("{n} cases on page {page}"),
    }
}

/// The success note after an action, from the `done` query parameter.
pub fn done(lang: Lang, what: &str) -> Option<&'static str> {
    let s = t(lang);
    Some(match what {
        "take_over" => s.done_take_over,
        "confirm_complete" => s.done_confirm_complete,
        "request_documents" => s.done_request_documents,
        "supply_documents" => s.done_supply_documents,
        "approve" => s.done_approve,
        "refuse" => s.done_refuse,
        "issue_notice" => s.done_issue_notice,
        "withdraw" => s.done_withdraw,
        "start_participation" => s.done_start_participation,
        "start_hearing" => s.done_start_hearing,
        "respond_to_hearing" => s.done_respond_to_hearing,
        "waive_deemed_approval" => s.done_waive_deemed_approval,
        "extension_granted" => s.done_extension_granted,
        "extension_refused" => s.done_extension_refused,
        "statement" => s.done_statement,
        "extension_requested" => s.done_extension_requested,
        "upload" => s.uploaded_done,
        "deleted" => s.deleted_done,
        "saved" => s.draft_saved,
        _ => return None,
    })
}
