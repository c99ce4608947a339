//! PostgreSQL URLs: checked before connecting, and shown without their password.

use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;

/// Checks a `postgres://` URL without connecting. The error never contains the password.
pub fn check_url(url: &str) -> std::result::Result<PgConnectOptions, String> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(format!(
            "'{}' is not a PostgreSQL URL like postgres://user@host:5432/database",
            redact_url(url)
        ));
    }
    PgConnectOptions::from_str(url)
        .map_err(|e| format!("'{}' is not a valid PostgreSQL URL: {e}", redact_url(url)))
}

/// The URL with its password (in the user part or as `password=` parameter) replaced by `***`,
/// for messages and logs.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    // the user part ends at the last '@' before the query (a malformed password may hold '/'
    // or '@': redacting too much is fine, too little is not)
    let query_start = rest.find('?').unwrap_or(rest.len());
    let (authority, tail) = match rest[..query_start].rfind('@') {
        Some(at) => {
            let (userinfo, host_and_path) = rest.split_at(at);
            let user = match userinfo.split_once(':') {
                Some((user, _password)) => format!("{user}:***"),
                None => userinfo.to_string(),
            };
            (user, host_and_path)
        }
        None => (String::new(), rest),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => pair.to_string(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://amt:geheim@db.example:5432/amtsweg"),
            "postgres://amt:***@db.example:5432/amtsweg"
        );
        assert_eq!(
            redact_url("postgresql://amt@db/amtsweg?sslmode=disable&password=geheim"),
            "postgresql://amt@db/amtsweg?sslmode=disable&password=***"
        );
        assert_eq!(
            redact_url("postgres://127.0.0.1/x"),
            "postgres://127.0.0.1/x"
        );
        // a malformed password with '@' or '/' still does not show
        assert_eq!(
            redact_url("postgres://amt:ge@h/im@db/amtsweg"),
            "postgres://amt:***@db/amtsweg"
        );
    }

    #[test]
    fn urls_are_checked() {
        assert!(check_url("postgres://postgres@127.0.0.1:5432/amtsweg").is_ok());
        assert!(check_url("postgresql://u:p@localhost/db").is_ok());
        let refused = check_url("mysql://u:secret@host/db")
            .err()
            .unwrap_or_default();
        assert!(refused.contains("not a PostgreSQL URL"), "{refused}");
        assert!(!refused.contains("secret"), "{refused}");
        let bad = check_url("postgres://u:secret@host:notaport/db")
            .err()
            .unwrap_or_default();
        assert!(!bad.is_empty() && !bad.contains("secret"), "{bad}");
    }
}
