//! The sample data seeded cases are drawn from (names, streets, places, projects, document
//! types) and the deterministic generator that picks from it.

/// A small deterministic generator (xorshift): the same seed gives the same cases.
pub(crate) struct Rng(pub(crate) u64);
impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

pub(crate) const GIVEN: &[&str] = &[
    "Zoë",
    "Łucja",
    "Jürgen",
    "Ayşe",
    "Erika",
    "Max",
    "Sophie",
    "Mehmet",
    "Anna",
    "Lukas",
    "Marie",
    "Paul",
    "Friederike",
    "Ole",
    "Renée",
    "Dragan",
    "Ingrid",
    "Hannes",
    "Eleni",
    "Björn",
];
pub(crate) const FAMILY: &[&str] = &[
    "Dvořák",
    "Nguyễn",
    "Schäfer",
    "Öztürk",
    "Mustermann",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schulz",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
];
pub(crate) const STREETS: &[&str] = &[
    "Am Weinberg",
    "Hauptstraße",
    "Schulstraße",
    "Gartenweg",
    "Lindenallee",
    "Bahnhofstraße",
    "Kirchgasse",
    "Mühlweg",
    "Am Sonnenhang",
    "Birkenweg",
    "Rosenstraße",
    "Talstraße",
];
pub(crate) const PLACES: &[&str] = &[
    "70597 Stuttgart",
    "72070 Tübingen",
    "71634 Ludwigsburg",
    "73728 Esslingen",
    "71032 Böblingen",
    "72764 Reutlingen",
    "70734 Fellbach",
    "71364 Winnenden",
];
pub(crate) const PROJECTS: &[&str] = &[
    "Neubau eines Einfamilienhauses mit Garage",
    "Anbau eines Wintergartens",
    "Neubau eines Zweifamilienhauses",
    "Errichtung eines Carports",
    "Umbau und Aufstockung eines Wohnhauses",
];
pub(crate) const DOCUMENT_TYPES: &[&str] = &[
    "lageplan",
    "bauzeichnungen",
    "baubeschreibung",
    "bauvorlageberechtigung",
];
