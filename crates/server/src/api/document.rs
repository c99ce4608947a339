//! The error answers of the OpenAPI document, written once for all operations from what each
//! operation takes (bearer token, path ids, query, body), so that a generated client knows
//! every status it can get and that problems come as `application/problem+json`.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response};

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// Makes every problem response `application/problem+json` and adds the statuses each
/// operation can answer with, by what it takes.
pub fn document_problems(openapi: &mut OpenApi) {
    for (path, item) in openapi.paths.paths.iter_mut() {
        for (method, operation) in [
            ("get", item.get.as_mut()),
            ("post", item.post.as_mut()),
            ("put", item.put.as_mut()),
            ("patch", item.patch.as_mut()),
            ("delete", item.delete.as_mut()),
        ] {
            if let Some(operation) = operation {
                describe_problems(path, method, operation);
            }
        }
    }
}

fn describe_problems(path: &str, method: &str, operation: &mut Operation) {
    for response in operation.responses.responses.values_mut() {
        if let RefOr::T(response) = response
            && let Some(content) = response.content.shift_remove("application/json")
        {
            let is_problem = matches!(&content, RefOr::T(c)
                if matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem")));
            let key = if is_problem {
                PROBLEM_CONTENT_TYPE
            } else {
                "application/json"
            };
            response.content.insert(key.to_string(), content);
        }
    }
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let params = operation.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| {
        params
            .iter()
            .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
    };
    let has_body = operation.request_body.is_some();
    let mut statuses: Vec<(u16, &str)> = Vec::new();
    if secured {
        statuses.push((401, "Nicht angemeldet / not logged in"));
        statuses.push((403, "Die Rolle darf das nicht / the role may not do this"));
        statuses.push((
            429,
            "Zu viele Anfragen / too many requests (see Retry-After)",
        ));
    }
    if has(ParameterIn::Path) {
        statuses.push((
            404,
            "Nicht gefunden oder nicht sichtbar / not found or not visible",
        ));
    }
    if has(ParameterIn::Query) || has(ParameterIn::Header) || has_body {
        statuses.push((400, "Ungültige Anfrage / bad request"));
    }
    if has(ParameterIn::Path) && method != "get" {
        statuses.push((
            409,
            "Im jetzigen Zustand nicht möglich, oder gleichzeitig geändert / not possible in the present state, or changed at the same time",
        ));
    }
    if has_body {
        statuses.push((413, "Zu groß / too large"));
        statuses.push((415, "Falscher Inhaltstyp / unsupported media type"));
        statuses.push((422, "Angaben ungültig / validation failed"));
    }
    if path == "/api/v1/sessions" && method == "post" {
        statuses.push((
            429,
            "Zu viele Anmeldeversuche / too many login attempts (see Retry-After)",
        ));
    }
    statuses.push((
        503,
        "Vorübergehend nicht verfügbar / temporarily unavailable (see Retry-After)",
    ));
    for (status, description) in statuses {
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| problem_response(description));
    }
}

fn problem_response(description: &str) -> RefOr<Response> {
    let mut response = Response::new(description);
    response.content.insert(
        PROBLEM_CONTENT_TYPE.to_string(),
        RefOr::T(Content::new(Some(Ref::from_schema_name("Problem")))),
    );
    RefOr::T(response)
}
