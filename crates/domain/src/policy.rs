//! Authorisation: one pure function that every page and API route calls.
//!
//! Deny by default: a subject may do something only where a rule below says so.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::document::DocumentOrigin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A citizen or company applying for themselves.
    Applicant,
    /// An architect or engineer entitled to submit plans, filing for a client.
    Architect,
    Caseworker,
    HeadOfUnit,
    /// Administers accounts of an authority; sees no case data.
    Admin,
    /// Works for an agency (Träger öffentlicher Belange) or a municipality that is asked for
    /// statements; sees only the requests to it and what was shared with them.
    Agency,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Applicant,
        Role::Architect,
        Role::Caseworker,
        Role::HeadOfUnit,
        Role::Admin,
        Role::Agency,
    ];

    pub fn is_applicant_side(self) -> bool {
        matches!(self, Role::Applicant | Role::Architect)
    }

    pub fn is_staff(self) -> bool {
        matches!(self, Role::Caseworker | Role::HeadOfUnit)
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Architect => "architect",
            Role::Caseworker => "caseworker",
            Role::HeadOfUnit => "head_of_unit",
            Role::Admin => "admin",
            Role::Agency => "agency",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> crate::Text {
        let (de, en) = match self {
            Role::Applicant => ("Antragsteller/in", "Applicant"),
            Role::Architect => ("Entwurfsverfasser/in", "Architect"),
            Role::Caseworker => ("Sachbearbeitung", "Caseworker"),
            Role::HeadOfUnit => ("Sachgebietsleitung", "Head of unit"),
            Role::Admin => ("Administration", "Administrator"),
            Role::Agency => ("Beteiligte Stelle", "Participating agency"),
        };
        crate::Text::new(de, en)
    }
}

/// Who asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub user_id: Uuid,
    pub role: Role,
    /// The authority a staff member or admin belongs to.
    pub authority_id: Option<Uuid>,
}

/// What is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    /// Change by the applicant side (edit a draft, supply documents, withdraw).
    ApplicantWrite,
    /// Work on a case by the authority (take over, check, decide, issue).
    Process,
    /// An agency answers a request to it.
    Respond,
}

/// How a session was opened: by the pages (cookie, CSRF token) or the API (bearer token). A
/// token of one kind is not accepted by the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Web,
    Api,
}

impl SessionKind {
    pub fn code(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Web, Self::Api]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// What it is asked of; only the facts the rules need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Draft {
        owner_id: Uuid,
    },
    Case {
        applicant_id: Uuid,
        authority_id: Uuid,
    },
    MailboxMessage {
        recipient_id: Uuid,
    },
    /// The inbox and search of an authority.
    AuthorityInbox {
        authority_id: Uuid,
    },
    /// Accounts of an authority.
    AuthorityUsers {
        authority_id: Uuid,
    },
    /// A participation request to an agency or municipality (and what was shared with it).
    ParticipationRequest {
        party_id: Uuid,
    },
    /// The list of requests to an agency or municipality.
    PartyInbox {
        party_id: Uuid,
    },
    /// The agencies and municipalities an authority may ask (changing it).
    Directory {
        authority_id: Uuid,
    },
    /// The clock of a test or demo installation (moving it forward).
    TestClock,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("denied: {reason}")]
pub struct Denial {
    /// For the log (never shown to the asking user, who sees "not found").
    pub reason: &'static str,
}

fn deny(reason: &'static str) -> Result<(), Denial> {
    Err(Denial { reason })
}

pub fn authorize(subject: &Subject, access: Access, resource: Resource) -> Result<(), Denial> {
    let same_authority = |id: Uuid| subject.authority_id == Some(id);
    match resource {
        Resource::Draft { owner_id } => match access {
            Access::Read | Access::ApplicantWrite
                if subject.role.is_applicant_side() && owner_id == subject.user_id =>
            {
                Ok(())
            }
            _ => deny("draft belongs to someone else"),
        },
        Resource::Case {
            applicant_id,
            authority_id,
        } => match access {
            Access::Read | Access::ApplicantWrite if subject.role.is_applicant_side() => {
                if applicant_id == subject.user_id {
                    Ok(())
                } else {
                    deny("case of another applicant")
                }
            }
            Access::Read | Access::Process if subject.role.is_staff() => {
                if same_authority(authority_id) {
                    Ok(())
                } else {
                    deny("case of another authority")
                }
            }
            _ => deny("role may not access cases this way"),
        },
        Resource::MailboxMessage { recipient_id } => {
            if access == Access::Read && recipient_id == subject.user_id {
                Ok(())
            } else {
                deny("message to someone else")
            }
        }
        Resource::AuthorityInbox { authority_id } => {
            if subject.role.is_staff() && access == Access::Read && same_authority(authority_id) {
                Ok(())
            } else {
                deny("inbox of another authority or not staff")
            }
        }
        Resource::ParticipationRequest { party_id } | Resource::PartyInbox { party_id } => {
            if subject.role == Role::Agency
                && matches!(access, Access::Read | Access::Respond)
                && same_authority(party_id)
            {
                Ok(())
            } else {
                deny("request to another agency or not an agency user")
            }
        }
        Resource::AuthorityUsers { authority_id } | Resource::Directory { authority_id } => {
            if subject.role == Role::Admin && same_authority(authority_id) {
                Ok(())
            } else {
                deny("not the admin of this authority")
            }
        }
        Resource::TestClock => {
            if subject.role == Role::Admin && access == Access::Process {
                Ok(())
            } else {
                deny("only an administrator moves the test clock")
            }
        }
    }
}

/// A document of a case, with the facts that decide who sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseDocument {
    pub origin: DocumentOrigin,
    /// Shared with the request of the agency or municipality that asks.
    pub shared_with_party: bool,
    /// Uploaded by a user of the agency or municipality that asks.
    pub by_party: bool,
}

impl CaseDocument {
    /// A document as a reader of the whole case meets it (no participation request).
    pub fn of_case(origin: DocumentOrigin) -> Self {
        Self {
            origin,
            shared_with_party: false,
            by_party: false,
        }
    }
}

/// Which documents of a case a subject sees, once it may read the case (staff, the applicant)
/// or the request (an agency): statements and their attachments are the authority's, so the
/// applicant does not see them; attachments not yet handed in are the agency's own, so no
/// case reader sees them; an agency sees what was shared with its request and its own
/// attachments, nothing else of the file. (When the applicant may open the notice is a
/// matter of its retrieval, not of visibility.)
pub fn may_see_document(subject: &Subject, document: CaseDocument) -> bool {
    match subject.role {
        Role::Agency => {
            document.shared_with_party || (document.origin.is_statement() && document.by_party)
        }
        role if role.is_applicant_side() => !document.origin.is_statement(),
        _ => document.origin != DocumentOrigin::PendingStatement,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(role: Role, authority: Option<Uuid>) -> Subject {
        Subject {
            user_id: Uuid::from_u128(1),
            role,
            authority_id: authority,
        }
    }

    #[test]
    fn applicants_see_only_their_own_cases() {
        let me = subject(Role::Applicant, None);
        let authority = Uuid::from_u128(9);
        let mine = Resource::Case {
            applicant_id: me.user_id,
            authority_id: authority,
        };
        let theirs = Resource::Case {
            applicant_id: Uuid::from_u128(2),
            authority_id: authority,
        };
        assert!(authorize(&me, Access::Read, mine).is_ok());
        assert!(authorize(&me, Access::ApplicantWrite, mine).is_ok());
        assert!(authorize(&me, Access::Process, mine).is_err());
        assert!(authorize(&me, Access::Read, theirs).is_err());
    }

    #[test]
    fn only_an_administrator_moves_the_test_clock() {
        let admin = subject(Role::Admin, Some(Uuid::from_u128(9)));
        assert!(authorize(&admin, Access::Process, Resource::TestClock).is_ok());
        for role in [
            Role::Applicant,
            Role::Caseworker,
            Role::HeadOfUnit,
            Role::Agency,
        ] {
            let who = subject(role, Some(Uuid::from_u128(9)));
            assert!(
                authorize(&who, Access::Process, Resource::TestClock).is_err(),
                "{role:?}"
            );
        }
        assert!(authorize(&admin, Access::Read, Resource::TestClock).is_err());
    }

    #[test]
    fn staff_see_only_cases_of_their_authority() {
        let a = Uuid::from_u128(10);
        let b = Uuid::from_u128(11);
        for role in [Role::Caseworker, Role::HeadOfUnit] {
            let staff = subject(role, Some(a));
            let ours = Resource::Case {
                applicant_id: Uuid::from_u128(5),
                authority_id: a,
            };
            let foreign = Resource::Case {
                applicant_id: Uuid::from_u128(5),
                authority_id: b,
            };
            assert!(authorize(&staff, Access::Process, ours).is_ok());
            assert!(authorize(&staff, Access::ApplicantWrite, ours).is_err());
            assert!(authorize(&staff, Access::Read, foreign).is_err());
            assert!(
                authorize(
                    &staff,
                    Access::Read,
                    Resource::AuthorityInbox { authority_id: b }
                )
                .is_err()
            );
            assert!(
                authorize(
                    &staff,
                    Access::Read,
                    Resource::AuthorityInbox { authority_id: a }
                )
                .is_ok()
            );
        }
    }

    #[test]
    fn admins_see_no_case_data_and_everything_else_is_denied_by_default() {
        let a = Uuid::from_u128(10);
        let admin = subject(Role::Admin, Some(a));
        let case = Resource::Case {
            applicant_id: admin.user_id,
            authority_id: a,
        };
        for access in [Access::Read, Access::ApplicantWrite, Access::Process] {
            assert!(authorize(&admin, access, case).is_err());
        }
        assert!(
            authorize(
                &admin,
                Access::Read,
                Resource::AuthorityInbox { authority_id: a }
            )
            .is_err()
        );
        assert!(
            authorize(
                &admin,
                Access::Read,
                Resource::AuthorityUsers { authority_id: a }
            )
            .is_ok()
        );
        let staff_without_authority = subject(Role::Caseworker, None);
        assert!(authorize(&staff_without_authority, Access::Read, case).is_err());
    }

    #[test]
    fn agency_users_see_only_requests_to_their_own_agency_and_no_case() {
        let fire = Uuid::from_u128(20);
        let monument = Uuid::from_u128(21);
        let officer = subject(Role::Agency, Some(fire));
        let ours = Resource::ParticipationRequest { party_id: fire };
        let theirs = Resource::ParticipationRequest { party_id: monument };
        assert!(authorize(&officer, Access::Read, ours).is_ok());
        assert!(authorize(&officer, Access::Respond, ours).is_ok());
        assert!(authorize(&officer, Access::Process, ours).is_err());
        assert!(authorize(&officer, Access::Read, theirs).is_err());
        assert!(
            authorize(
                &officer,
                Access::Read,
                Resource::PartyInbox { party_id: fire }
            )
            .is_ok()
        );
        assert!(
            authorize(
                &officer,
                Access::Read,
                Resource::PartyInbox { party_id: monument }
            )
            .is_err()
        );
        let case = Resource::Case {
            applicant_id: Uuid::from_u128(5),
            authority_id: fire,
        };
        for access in [Access::Read, Access::Process, Access::Respond] {
            assert!(authorize(&officer, access, case).is_err());
        }
        assert!(
            authorize(
                &officer,
                Access::Read,
                Resource::AuthorityInbox { authority_id: fire }
            )
            .is_err()
        );
        // staff of the asked agency's "authority" id is not an agency user
        let caseworker = subject(Role::Caseworker, Some(fire));
        assert!(authorize(&caseworker, Access::Read, ours).is_err());
    }

    #[test]
    fn who_sees_which_document_of_a_case() {
        use DocumentOrigin::*;
        let all = [
            Application,
            PendingSupplement,
            Supplement,
            Notice,
            PendingStatement,
            Statement,
        ];
        let doc = |origin, shared_with_party, by_party| CaseDocument {
            origin,
            shared_with_party,
            by_party,
        };
        let seen = |who: &Subject, shared, own| -> Vec<DocumentOrigin> {
            all.into_iter()
                .filter(|o| may_see_document(who, doc(*o, shared, own)))
                .collect()
        };
        let applicant = subject(Role::Applicant, None);
        let architect = subject(Role::Architect, None);
        let caseworker = subject(Role::Caseworker, Some(Uuid::from_u128(9)));
        let agency = subject(Role::Agency, Some(Uuid::from_u128(8)));
        for who in [&applicant, &architect] {
            assert_eq!(
                seen(who, false, false),
                [Application, PendingSupplement, Supplement, Notice]
            );
        }
        assert_eq!(
            seen(&caseworker, false, false),
            [
                Application,
                PendingSupplement,
                Supplement,
                Notice,
                Statement
            ]
        );
        assert_eq!(seen(&agency, false, false), []);
        assert_eq!(seen(&agency, false, true), [PendingStatement, Statement]);
        assert_eq!(seen(&agency, true, false), all);
    }
}
