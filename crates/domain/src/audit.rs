//! The audit trail as a SHA-256 hash chain: each entry's hash covers its own content and
//! the hash of the entry before it, so a changed, removed, inserted or reordered entry
//! breaks the chain at that place.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did something, as events and the audit trail name them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ActorId {
    /// A user with an account.
    User(uuid::Uuid),
    /// amtsweg itself: the scheduler acting on a passed deadline, the demo seed.
    System,
    /// A person at the server's console (the `amtsweg` admin commands), by the name given
    /// with `--actor`.
    Operator(String),
}

impl ActorId {
    /// How it is stored: the user's id, `system`, or `operator:<name>`.
    pub fn code(&self) -> String {
        match self {
            ActorId::User(id) => id.to_string(),
            ActorId::System => "system".into(),
            ActorId::Operator(name) => format!("operator:{name}"),
        }
    }

    /// The stored form back. Events written before the system actor had its own value carry
    /// the nil id for it.
    pub fn parse(code: &str) -> Option<Self> {
        if code == "system" {
            return Some(ActorId::System);
        }
        if let Some(name) = code.strip_prefix("operator:") {
            return valid_operator_name(name).then(|| ActorId::Operator(name.to_string()));
        }
        let id = uuid::Uuid::parse_str(code).ok()?;
        Some(if id.is_nil() {
            ActorId::System
        } else {
            ActorId::User(id)
        })
    }

    /// An operator by the name they give; `None` for an empty or unprintable name.
    pub fn operator(name: &str) -> Option<Self> {
        let name = name.trim();
        valid_operator_name(name).then(|| ActorId::Operator(name.to_string()))
    }

    pub fn user_id(&self) -> Option<uuid::Uuid> {
        match self {
            ActorId::User(id) => Some(*id),
            _ => None,
        }
    }
}

fn valid_operator_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

/// What an audit entry says, before it is chained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditContent {
    /// RFC 3339 time with offset, as stored.
    pub at: String,
    /// Who acted: [`ActorId::code`].
    pub actor: String,
    /// e.g. `case.submitted`, `case.read`, `access.denied`.
    pub action: String,
    /// e.g. `case:<uuid>`.
    pub object: String,
    /// Further facts as JSON text; never personal data beyond ids.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub content: AuditContent,
    pub prev_hash: String,
    pub hash: String,
}

fn feed(hasher: &mut Sha256, field: &str) {
    // Length-prefixed, so that no two different entries serialise to the same bytes.
    hasher.update((field.len() as u64).to_be_bytes());
    hasher.update(field.as_bytes());
}

pub fn entry_hash(seq: i64, content: &AuditContent, prev_hash: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"amtsweg-audit-v1");
    hasher.update(seq.to_be_bytes());
    for field in [
        &content.at,
        &content.actor,
        &content.action,
        &content.object,
        &content.detail,
    ] {
        feed(&mut hasher, field);
    }
    feed(&mut hasher, prev_hash);
    hex::encode(hasher.finalize())
}

/// Chains a new entry after the head of the chain (`None` for the first).
pub fn chain(head: Option<(i64, &str)>, content: AuditContent) -> AuditEntry {
    let (seq, prev_hash) = match head {
        Some((seq, hash)) => (seq + 1, hash.to_string()),
        None => (1, GENESIS.to_string()),
    };
    let hash = entry_hash(seq, &content, &prev_hash);
    AuditEntry {
        seq,
        content,
        prev_hash,
        hash,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The entry's content does not match its hash: it was changed.
    Changed,
    /// The entry does not follow the one before (an entry before it was removed, or it was
    /// inserted or moved here).
    Broken {
        expected_seq: i64,
        expected_prev_hash: String,
    },
    /// The chain ends before its recorded head: entries at the end were removed.
    Truncated { expected_last_seq: i64 },
    /// The entry at the recorded head's place is not the one the head recorded: the newest
    /// entries were removed or replaced and the head's number lowered to match.
    HeadMismatch { recorded_hash: String },
}

/// The last entry as the store records it apart from the entries (sequence number and hash),
/// written in the same transaction as every append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Ok {
        entries: u64,
        head_hash: String,
    },
    Failed {
        seq: i64,
        finding: Finding,
        checked: u64,
    },
}

/// Checks entries in stored order, one at a time, so a chain of any length runs in constant memory.
#[derive(Debug, Default)]
pub struct Verifier {
    recorded_head: Option<ChainHead>,
    last: Option<(i64, String)>,
    checked: u64,
    failure: Option<(i64, Finding)>,
}

impl Verifier {
    /// A check against the head the store recorded, read *before* the entries: entries
    /// committed after it only make the chain longer, but the entry at the head's place must
    /// be the one the head names, and the chain must reach it.
    pub fn new(recorded_head: Option<ChainHead>) -> Self {
        Self {
            recorded_head,
            ..Self::default()
        }
    }

    /// Feeds the next entry; returns false once a failure is found (later entries are not checked).
    pub fn push(&mut self, entry: &AuditEntry) -> bool {
        if self.failure.is_some() {
            return false;
        }
        let (expected_seq, expected_prev) = match &self.last {
            Some((seq, hash)) => (seq + 1, hash.clone()),
            None => (1, GENESIS.to_string()),
        };
        if entry_hash(entry.seq, &entry.content, &entry.prev_hash) != entry.hash {
            self.failure = Some((entry.seq, Finding::Changed));
            return false;
        }
        if entry.seq != expected_seq || entry.prev_hash != expected_prev {
            self.failure = Some((
                entry.seq,
                Finding::Broken {
                    expected_seq,
                    expected_prev_hash: expected_prev,
                },
            ));
            return false;
        }
        if let Some(head) = &self.recorded_head
            && head.seq == entry.seq
            && head.hash != entry.hash
        {
            self.failure = Some((
                entry.seq,
                Finding::HeadMismatch {
                    recorded_hash: head.hash.clone(),
                },
            ));
            return false;
        }
        self.last = Some((entry.seq, entry.hash.clone()));
        self.checked += 1;
        true
    }

    /// Ends the check: a chain that stops before the recorded head lost its newest entries.
    pub fn finish(self) -> Verification {
        if let Some((seq, finding)) = self.failure {
            return Verification::Failed {
                seq,
                finding,
                checked: self.checked,
            };
        }
        let last_seq = self.last.as_ref().map(|(s, _)| *s).unwrap_or(0);
        if let Some(head) = &self.recorded_head
            && head.seq > last_seq
        {
            return Verification::Failed {
                seq: last_seq + 1,
                finding: Finding::Truncated {
                    expected_last_seq: head.seq,
                },
                checked: self.checked,
            };
        }
        Verification::Ok {
            entries: self.checked,
            head_hash: self
                .last
                .map(|(_, h)| h)
                .unwrap_or_else(|| GENESIS.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(i: usize) -> AuditContent {
        AuditContent {
            at: format!("2026-11-27T10:00:{i:02}Z"),
            actor: "u1".into(),
            action: "case.read".into(),
            object: format!("case:{i}"),
            detail: "{}".into(),
        }
    }

    fn build(n: usize) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let head = out.last().map(|e| (e.seq, e.hash.as_str()));
            let entry = chain(head, content(i));
            out.push(entry);
        }
        out
    }

    fn verify(entries: &[AuditEntry], head: Option<ChainHead>) -> Verification {
        let mut v = Verifier::new(head);
        for e in entries {
            if !v.push(e) {
                break;
            }
        }
        v.finish()
    }

    /// The head as the store records it after entry `seq`.
    fn head(entries: &[AuditEntry], seq: i64) -> Option<ChainHead> {
        let e = entries.iter().find(|e| e.seq == seq)?;
        Some(ChainHead {
            seq,
            hash: e.hash.clone(),
        })
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let entries = build(5);
        assert!(matches!(
            verify(&entries, head(&build(5), 5)),
            Verification::Ok { entries: 5, .. }
        ));
        assert!(matches!(
            verify(&[], None),
            Verification::Ok { entries: 0, .. }
        ));
    }

    #[test]
    fn a_changed_entry_is_named() {
        let mut entries = build(5);
        entries[2].content.actor = "someone else".into();
        assert_eq!(
            verify(&entries, head(&build(5), 5)),
            Verification::Failed {
                seq: 3,
                finding: Finding::Changed,
                checked: 2
            }
        );
    }

    #[test]
    fn a_removed_entry_is_found_at_the_next() {
        let mut entries = build(5);
        entries.remove(1);
        assert!(matches!(
            verify(&entries, head(&build(5), 5)),
            Verification::Failed {
                seq: 3,
                finding: Finding::Broken {
                    expected_seq: 2,
                    ..
                },
                ..
            }
        ));
    }

    #[test]
    fn swapped_entries_are_found() {
        let mut entries = build(5);
        entries.swap(1, 3);
        assert!(matches!(
            verify(&entries, head(&build(5), 5)),
            Verification::Failed { seq: 4, .. }
        ));
    }

    #[test]
    fn an_inserted_entry_with_a_forged_hash_is_found() {
        let mut entries = build(4);
        let forged = chain(Some((entries[1].seq, &entries[1].hash)), content(99));
        entries.insert(2, forged);
        // the forged entry itself is consistent; the entry after it no longer is
        assert!(matches!(
            verify(&entries, head(&build(4), 4)),
            Verification::Failed {
                seq: 3,
                finding: Finding::Broken { .. },
                ..
            }
        ));
    }

    #[test]
    fn a_truncated_chain_is_found_against_the_recorded_head() {
        let entries = build(5);
        assert!(matches!(
            verify(&entries[..3], head(&entries, 5)),
            Verification::Failed {
                seq: 4,
                finding: Finding::Truncated {
                    expected_last_seq: 5
                },
                ..
            }
        ));
    }

    #[test]
    fn removed_newest_entries_with_a_lowered_head_number_are_found() {
        // the head's number lowered to the new end, its hash left as it was
        let entries = build(5);
        let lowered = ChainHead {
            seq: 3,
            hash: entries[4].hash.clone(),
        };
        assert!(matches!(
            verify(&entries[..3], Some(lowered)),
            Verification::Failed {
                seq: 3,
                finding: Finding::HeadMismatch { .. },
                checked: 2
            }
        ));
    }

    #[test]
    fn entries_appended_after_the_head_was_read_are_fine() {
        let entries = build(5);
        assert!(matches!(
            verify(&entries, head(&entries, 3)),
            Verification::Ok { entries: 5, .. }
        ));
        assert!(matches!(
            verify(&entries, None),
            Verification::Ok { entries: 5, .. }
        ));
    }
}
