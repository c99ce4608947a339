//! Documents of drafts and cases: where a document comes from decides who sees it
//! (`policy::may_see_document`).

use serde::{Deserialize, Serialize};

/// The SHA-256 of a document's bytes (64 lower-case hex digits): its address in the document
/// store, and what the audit trail records of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ContentHash(String);

impl ContentHash {
    pub fn parse(hex: &str) -> Option<Self> {
        (hex.len() == 64
            && hex
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)))
        .then(|| Self(hex.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ContentHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a document comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentOrigin {
    /// Uploaded with the application.
    Application,
    /// Uploaded in answer to a document request, not yet handed in.
    PendingSupplement,
    /// Handed in as a supplement.
    Supplement,
    /// The notice, made by the authority.
    Notice,
    /// Uploaded by an agency for its statement, not yet handed in.
    PendingStatement,
    /// An attachment of an agency's statement.
    Statement,
}

impl DocumentOrigin {
    pub fn code(self) -> &'static str {
        match self {
            DocumentOrigin::Application => "application",
            DocumentOrigin::PendingSupplement => "pending_supplement",
            DocumentOrigin::Supplement => "supplement",
            DocumentOrigin::Notice => "notice",
            DocumentOrigin::PendingStatement => "pending_statement",
            DocumentOrigin::Statement => "statement",
        }
    }

    /// Part of the application: what a caseworker may share with an agency or municipality.
    pub fn is_application(self) -> bool {
        matches!(
            self,
            DocumentOrigin::Application | DocumentOrigin::Supplement
        )
    }

    /// An agency's statement attachment, handed in or not.
    pub fn is_statement(self) -> bool {
        matches!(
            self,
            DocumentOrigin::Statement | DocumentOrigin::PendingStatement
        )
    }

    pub fn parse(code: &str) -> Option<Self> {
        [
            Self::Application,
            Self::PendingSupplement,
            Self::Supplement,
            Self::Notice,
            Self::PendingStatement,
            Self::Statement,
        ]
        .into_iter()
        .find(|o| o.code() == code)
    }
}
