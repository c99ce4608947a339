//! Authorities and what they are responsible for: the kind of an authority (a service names
//! the kind that decides it), and the places it covers — municipalities by their official key
//! (AGS, or the ARS it is part of) and postal codes. The place of an application (the building
//! site, the business premises) selects the authority; where several cover it, the applicant
//! chooses; where none does, nobody here is responsible — never a silent default.

use serde::{Deserialize, Serialize};

/// What an authority is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorityKind {
    /// Untere Bauaufsichtsbehörde: receives and decides building applications.
    BuildingAuthority,
    /// Gewerbeamt: receives business registrations (§ 14 GewO).
    TradeOffice,
    /// Gemeinde: gives its consent (§ 36 BauGB).
    Municipality,
    /// Träger öffentlicher Belange / Fachstelle: gives statements when asked.
    Agency,
}

impl AuthorityKind {
    pub const ALL: [AuthorityKind; 4] = [
        AuthorityKind::BuildingAuthority,
        AuthorityKind::TradeOffice,
        AuthorityKind::Municipality,
        AuthorityKind::Agency,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuthorityKind::BuildingAuthority => "building_authority",
            AuthorityKind::TradeOffice => "trade_office",
            AuthorityKind::Municipality => "municipality",
            AuthorityKind::Agency => "agency",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Receives applications and decides them (its staff work on cases); the others are asked.
    pub fn decides(self) -> bool {
        matches!(
            self,
            AuthorityKind::BuildingAuthority | AuthorityKind::TradeOffice
        )
    }
}

/// A place an authority covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", content = "key", rename_all = "snake_case")]
pub enum Coverage {
    /// A German postal code (five digits).
    PostalCode(String),
    /// An official municipality key (Amtlicher Gemeindeschlüssel) or a leading part of it:
    /// 2 digits a Land, 3 a Regierungsbezirk, 5 a Kreis, 8 one municipality.
    MunicipalityKey(String),
}

impl Coverage {
    pub fn code(&self) -> &'static str {
        match self {
            Coverage::PostalCode(_) => "postal_code",
            Coverage::MunicipalityKey(_) => "municipality_key",
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Coverage::PostalCode(k) | Coverage::MunicipalityKey(k) => k,
        }
    }

    /// As stored: kind code and key.
    pub fn from_parts(kind: &str, key: &str) -> Option<Self> {
        match kind {
            "postal_code" => postal_code(key).map(Coverage::PostalCode),
            "municipality_key" => {
                let digits = key.trim();
                let ok = MUNICIPALITY_KEY_LENGTHS.contains(&digits.len())
                    && digits.chars().all(|c| c.is_ascii_digit());
                ok.then(|| Coverage::MunicipalityKey(digits.to_string()))
            }
            _ => None,
        }
    }

    fn covers(&self, place: &Place) -> bool {
        match self {
            Coverage::PostalCode(code) => place.postal_code.as_deref() == Some(code.as_str()),
            Coverage::MunicipalityKey(prefix) => place
                .municipality_key
                .as_deref()
                .is_some_and(|ags| ags.starts_with(prefix.as_str())),
        }
    }
}

/// How long a municipality key or a leading part of it may be: a Land (2 digits), a
/// Regierungsbezirk (3), a Kreis (5), a municipality (8).
pub const MUNICIPALITY_KEY_LENGTHS: [usize; 4] = [2, 3, 5, 8];

/// A five-digit German postal code, if `input` is one.
pub fn postal_code(input: &str) -> Option<String> {
    let code = input.trim();
    (code.len() == 5 && code.chars().all(|c| c.is_ascii_digit())).then(|| code.to_string())
}

/// The official municipality key (AGS, 8 digits) of an input that is an AGS or a Regional-
/// schlüssel (ARS, 12 digits: Land, Regierungsbezirk, Kreis, Gemeindeverband, Gemeinde —
/// the AGS is its first five and last three digits).
pub fn municipality_key(input: &str) -> Option<String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match digits.len() {
        8 => Some(digits),
        12 => Some(format!("{}{}", &digits[..5], &digits[9..])),
        _ => None,
    }
}

/// Where an application is, as far as responsibility goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub postal_code: Option<String>,
    pub municipality_key: Option<String>,
}

/// Which of the authorities of the right kind cover the place. A municipality key is more
/// precise than a postal code (a postal code can span municipalities, a municipality several
/// postal codes): when authorities cover the place by its key, those are the answer.
pub fn responsible<'a, Id: Copy + Eq>(
    authorities: impl IntoIterator<Item = (Id, &'a [Coverage])>,
    place: &Place,
) -> Vec<Id> {
    let mut by_key = Vec::new();
    let mut by_postal_code = Vec::new();
    for (id, coverage) in authorities {
        let covers = |want_key: bool| {
            coverage
                .iter()
                .any(|c| matches!(c, Coverage::MunicipalityKey(_)) == want_key && c.covers(place))
        };
        if covers(true) {
            by_key.push(id);
        } else if covers(false) {
            by_postal_code.push(id);
        }
    }
    if by_key.is_empty() {
        by_postal_code
    } else {
        by_key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[(&str, &str)]) -> Vec<Coverage> {
        list.iter()
            .map(|(k, v)| Coverage::from_parts(k, v).expect("valid"))
            .collect()
    }

    #[test]
    fn the_place_selects_the_authority() {
        let stuttgart = keys(&[("municipality_key", "08111000"), ("postal_code", "70597")]);
        let kreis = keys(&[("municipality_key", "08115")]);
        let berlin = keys(&[("postal_code", "10115")]);
        let all = [
            (1, stuttgart.as_slice()),
            (2, kreis.as_slice()),
            (3, berlin.as_slice()),
        ];
        let at = |postal: &str, key: Option<&str>| Place {
            postal_code: postal_code(postal),
            municipality_key: key.and_then(municipality_key),
        };
        assert_eq!(responsible(all, &at("70597", None)), [1]);
        assert_eq!(responsible(all, &at("10115", None)), [3]);
        assert_eq!(responsible(all, &at("01067", None)), Vec::<i32>::new());
        // a municipality of the Kreis Böblingen by its key, also as its 12-digit ARS
        assert_eq!(responsible(all, &at("71032", Some("08115003"))), [2]);
        assert_eq!(responsible(all, &at("71032", Some("081150003003"))), [2]);
        // the key is more precise than the postal code
        assert_eq!(responsible(all, &at("10115", Some("08111000"))), [1]);
        // two authorities for one postal code: both are candidates
        let other = keys(&[("postal_code", "70597")]);
        let both = [(1, stuttgart.as_slice()), (4, other.as_slice())];
        assert_eq!(responsible(both, &at("70597", None)), [1, 4]);
    }

    #[test]
    fn keys_are_checked() {
        assert_eq!(municipality_key("08 111 000"), Some("08111000".into()));
        assert_eq!(municipality_key("081110000000"), Some("08111000".into()));
        assert_eq!(municipality_key("0811100"), None);
        assert_eq!(postal_code(" 70173 "), Some("70173".into()));
        assert_eq!(postal_code("7017"), None);
        assert_eq!(Coverage::from_parts("municipality_key", "0811"), None);
        assert_eq!(Coverage::from_parts("planet", "3"), None);
        for kind in AuthorityKind::ALL {
            assert_eq!(AuthorityKind::parse(kind.code()), Some(kind));
        }
    }
}
