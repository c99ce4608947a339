//! The API beside whole cases: clear problems for bad input, the OpenAPI document, the lock
//! after repeated wrong passwords, an idempotency key used for another draft.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn bad_input_gets_clear_problems_and_changes_nothing() {
    let server = Server::start();
    let applicant = register(&server, "max@example.org", "Max Muster").await;
    let http = reqwest::Client::new();
    // no token, wrong token
    let anonymous = http
        .get(server.url("/api/v1/cases"))
        .send()
        .await
        .expect("get");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let forged = http
        .get(server.url("/api/v1/cases"))
        .bearer_auth("forged")
        .send()
        .await
        .expect("get");
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    // wrong password, in English on request
    let wrong = http
        .post(server.url("/api/v1/sessions"))
        .header("Accept-Language", "en")
        .json(&json!({ "email": "max@example.org", "password": "falsch-falsch" }))
        .send()
        .await
        .expect("login");
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    let problem: Value = wrong.json().await.expect("problem");
    assert_eq!(problem["code"], "login_failed");
    assert_eq!(problem["title"], "E-mail address or password is wrong.");
    // malformed JSON and ids
    let broken = http
        .post(server.url("/api/v1/drafts"))
        .bearer_auth(&applicant.token)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .expect("post");
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        applicant.get("/api/v1/cases/not-a-uuid").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        applicant.get("/api/v1/nothing-here").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        applicant
            .post("/api/v1/drafts", json!({ "service_id": "unknown" }))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // weak password, taken e-mail
    let weak = http.post(server.url("/api/v1/accounts")).json(&json!({ "email": "a@example.org", "password": "kurz", "display_name": "A", "role": "applicant" })).send().await.expect("post");
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // a taken address gets the answer a new one gets (nobody can test addresses); its
    // owner is told in their mailbox, once however often it is tried
    let fresh = http.post(server.url("/api/v1/accounts")).json(&json!({ "email": "neu@example.org", "password": "ein-langes-Passwort-1", "display_name": "Nele Neu", "role": "applicant" })).send().await.expect("post");
    let fresh_status = fresh.status();
    let fresh_body: Value = fresh.json().await.expect("json");
    for _ in 0..2 {
        let taken = http.post(server.url("/api/v1/accounts")).json(&json!({ "email": "MAX@example.org", "password": "ein-anderes-Passwort-2", "display_name": "Max", "role": "applicant" })).send().await.expect("post");
        assert_eq!(taken.status(), fresh_status);
        assert_eq!(taken.json::<Value>().await.expect("json"), fresh_body);
    }
    assert_eq!(fresh_status, StatusCode::ACCEPTED);
    let told: Vec<Value> = applicant
        .json("/api/v1/mailbox")
        .await
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .unwrap_or("")
                .contains("Registrierung")
        })
        .cloned()
        .collect();
    assert_eq!(told.len(), 1, "the owner is told once");
    // the original password still works, the other one does not
    login(&server, "max@example.org", "ein-langes-Passwort-1").await;
    // nobody registers themselves as staff
    let staff = http.post(server.url("/api/v1/accounts")).json(&json!({ "email": "b@example.org", "password": "ein-langes-Passwort-1", "display_name": "B", "role": "caseworker" })).send().await.expect("post");
    assert_eq!(staff.status(), StatusCode::BAD_REQUEST);
    // an empty upload, an unknown document type
    let draft: Value = applicant
        .post("/api/v1/drafts", json!({ "service_id": "baugenehmigung" }))
        .await
        .json()
        .await
        .expect("json");
    let draft_id = draft["id"].as_str().expect("id");
    assert_eq!(
        applicant
            .upload(
                &format!("/api/v1/drafts/{draft_id}/documents"),
                "lageplan",
                "leer.pdf",
                vec![]
            )
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        applicant
            .upload(
                &format!("/api/v1/drafts/{draft_id}/documents"),
                "bauantrag_alt",
                "a.pdf",
                pdf("a")
            )
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    let draft = applicant.json(&format!("/api/v1/drafts/{draft_id}")).await;
    assert_eq!(draft["documents"], json!([]));
    // a logged-out token no longer works
    assert_eq!(
        applicant.delete("/api/v1/sessions").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        applicant.get("/api/v1/cases").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let server = Server::start();
    let doc: Value = reqwest::get(server.url("/api/openapi.json"))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3.1"));
    for path in [
        "/api/v1/drafts/{id}/submit",
        "/api/v1/cases/{id}/actions",
        "/api/v1/cases/{id}/notice",
        "/api/v1/mailbox",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // problems are documented as what they are sent as, with the statuses each operation
    // can answer (generated clients read them)
    let case = &doc["paths"]["/api/v1/cases/{id}"]["get"]["responses"];
    for status in ["401", "403", "404", "429", "503"] {
        assert!(
            case[status]["content"]["application/problem+json"].is_object(),
            "{status} on GET /cases/{{id}}: {case}"
        );
    }
    assert!(case["404"]["content"]["application/json"].is_null());
    let patch = &doc["paths"]["/api/v1/drafts/{id}"]["patch"]["responses"];
    for status in ["400", "413", "415", "422"] {
        assert!(
            patch[status].is_object(),
            "{status} on PATCH /drafts/{{id}}"
        );
    }
    // the page number is a bounded integer, not int32 with the server taking more
    let params = doc["paths"]["/api/v1/cases"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let page = params.iter().find(|p| p["name"] == "page").expect("page");
    assert_eq!(page["in"], "query");
    assert_eq!(page["schema"]["maximum"], 1_000_000);
    assert_ne!(page["schema"]["format"], "int32");
}

/// Wrong passwords slow down whoever sends them (progressively, seconds, never a lock): the
/// owner at another computer logs in at once, and a client spraying one password over many
/// accounts is stopped. Clients are told apart by the address a trusted proxy names.
#[tokio::test]
async fn wrong_passwords_slow_the_guesser_not_the_owner() {
    let server = Server::start_with(
        tempfile::tempdir().expect("dir"),
        "[limits]\ntrusted_proxies = [\"127.0.0.1\", \"::1\"]\n",
    );
    register(&server, "raten@example.org", "Rainer Raten").await;
    let http = reqwest::Client::new();
    let attempt = |email: String, password: &'static str, client: &'static str| {
        http.post(server.url("/api/v1/sessions"))
            .header("x-forwarded-for", client)
            .json(&json!({ "email": email, "password": password }))
            .send()
    };
    let guesser = "203.0.113.5";
    let mut slowed = None;
    for _ in 0..6 {
        let response = attempt("raten@example.org".into(), "falsch-falsch-falsch", guesser)
            .await
            .expect("login");
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            slowed = Some(response);
            break;
        }
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let slowed = slowed.expect("the guesser is slowed down");
    let wait: u64 = slowed.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    let problem: Value = slowed.json().await.expect("problem");
    assert_eq!(problem["code"], "too_many_attempts");
    assert!(
        problem["title"]
            .as_str()
            .expect("title")
            .contains("Sekunde")
    );
    // the owner, elsewhere, is not affected
    let owner = attempt(
        "raten@example.org".into(),
        "ein-langes-Passwort-1",
        "198.51.100.7",
    )
    .await
    .expect("login");
    assert_eq!(owner.status(), StatusCode::CREATED);
    // one password sprayed over many accounts from one client is stopped
    let sprayer = "192.0.2.44";
    let mut stopped_after = None;
    for i in 0..40 {
        let response = attempt(format!("konto{i}@example.org"), "Sommer2026!", sprayer)
            .await
            .expect("login");
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            stopped_after = Some(i);
            break;
        }
    }
    assert_eq!(stopped_after, Some(20));
    // other clients log in as usual
    login(&server, CASEWORKER, PASSWORD).await;
}

/// An `Idempotency-Key` belongs to one submission: sent again with the same draft it returns
/// that case; sent with another draft it is refused with 409 and the other draft stays a
/// draft (it used to answer 200 with the first case and leave the second one unsubmitted).
#[tokio::test]
async fn an_idempotency_key_reused_on_another_draft_is_refused() {
    let server = Server::start();
    let applicant = register(&server, "schluessel@example.org", "Sigrid Schlüssel").await;
    let submit = |draft: String, key: &'static str| {
        let (http, url, token) = (
            applicant.http.clone(),
            server.url(&format!("/api/v1/drafts/{draft}/submit")),
            applicant.token.clone(),
        );
        async move {
            http.post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .send()
                .await
                .expect("submit")
        }
    };
    let first = complete_draft(&applicant).await;
    let second = complete_draft(&applicant).await;
    let created = submit(first.clone(), "schluessel-1").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let case_id = created.json::<Value>().await.expect("json")["case_id"].clone();
    // the same key with the same draft: the first case again
    let again = submit(first.clone(), "schluessel-1").await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(
        again.json::<Value>().await.expect("json")["case_id"],
        case_id
    );
    // the same key with another draft: refused, and that draft is still a draft
    let reused = submit(second.clone(), "schluessel-1").await;
    assert_eq!(reused.status(), StatusCode::CONFLICT);
    let problem: Value = reused.json().await.expect("problem");
    assert_eq!(problem["code"], "idempotency_key_reused");
    assert!(
        applicant.json(&format!("/api/v1/drafts/{second}")).await["case_id"].is_null(),
        "the second draft was not submitted"
    );
    let own = submit(second.clone(), "schluessel-2").await;
    assert_eq!(own.status(), StatusCode::CREATED);
    assert_ne!(own.json::<Value>().await.expect("json")["case_id"], case_id);
}
