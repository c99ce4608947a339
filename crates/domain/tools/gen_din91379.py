#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""Generate the DIN 91379 character tables in crates/domain/src/din91379.rs.

The tables are derived from the XÖV/KoSIT schema file that carries the DIN 91379
datatypes as XML Schema patterns (``din-norm-91379-datatypes.xsd``, version
2022-08, targetNamespace ``urn:xoev-de:kosit:xoev:datentyp:din-91379_2022-08``).

Every pattern there has the shape ``( alt | alt | ... )*`` where each ``alt`` is
a single code point, a code-point range ``[x-y]`` or a fixed sequence of code
points (a base letter followed by combining marks, possibly factored as
``B(m1|m2|m3 m4)``). This script parses that XSD regex subset (and refuses
anything outside it), splits the alternatives into

* single code points, merged into sorted, non-overlapping inclusive ranges, and
* multi-code-point sequences, sorted,

and rewrites the block between the ``GENERATED BEGIN`` / ``GENERATED END``
markers in the Rust module. The generated code is committed; building the crate
never needs Python.

Usage (from anywhere):

    python3 crates/domain/tools/gen_din91379.py [--xsd PATH] [--out PATH] [--check]

Before writing, the script verifies that longest-match-first tokenisation (as
done by the Rust ``check``) is exactly equivalent to the backtracking XSD
regex, and reports (informationally) whether every unit and every pair of units
is in Unicode NFC, which backs the module's advice to NFC-normalise input.

``--check`` exits with status 1 if the module is not up to date instead of
writing it. Only the Python standard library is used.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

XS = "{http://www.w3.org/2001/XMLSchema}"

HERE = Path(__file__).resolve().parent
CRATE = HERE.parent
REPO = CRATE.parent.parent
DEFAULT_XSD = REPO.parent / "shared/data/xbau-2.6/xsd/din-norm-91379-datatypes.xsd"
DEFAULT_OUT = CRATE / "src/din91379.rs"

BEGIN = "// ---- GENERATED BEGIN: tools/gen_din91379.py (do not edit by hand) ----"
END = "// ---- GENERATED END ----"

# The Rust enum NameDatatype has exactly these variants, in this order.
DATATYPES = ["A", "B", "C", "D", "E"]

# Single-character escapes of XML Schema regular expressions (XSD 1.0, F.1.1).
SINGLE_ESCAPES = {
    "n": "\n",
    "r": "\r",
    "t": "\t",
    **{c: c for c in "\\|.-^?*+{}()[]"},
}


class PatternError(Exception):
    pass


# --------------------------------------------------------------------------
# A small parser for the subset of XSD regular expressions used by the file.
#
# AST:
#   ("class", [(lo, hi), ...])      one code point out of the ranges
#   ("seq", [node, ...])            concatenation
#   ("alt", [node, ...])            alternation
#   ("star", node)                  Kleene star (only accepted at the top)
# --------------------------------------------------------------------------


class Parser:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    def error(self, msg: str) -> PatternError:
        ctx = self.s[max(0, self.i - 20) : self.i + 20]
        return PatternError(f"{msg} at offset {self.i} (near {ctx!r})")

    def peek(self) -> str | None:
        return self.s[self.i] if self.i < len(self.s) else None

    def take(self) -> str:
        c = self.peek()
        if c is None:
            raise self.error("unexpected end of pattern")
        self.i += 1
        return c

    def parse(self):
        node = self.reg_exp()
        if self.peek() is not None:
            raise self.error("trailing input")
        return node

    def reg_exp(self):
        branches = [self.branch()]
        while self.peek() == "|":
            self.take()
            branches.append(self.branch())
        return branches[0] if len(branches) == 1 else ("alt", branches)

    def branch(self):
        pieces = []
        while self.peek() not in (None, "|", ")"):
            pieces.append(self.piece())
        if not pieces:
            raise self.error("empty branch (not supported)")
        return pieces[0] if len(pieces) == 1 else ("seq", pieces)

    def piece(self):
        atom = self.atom()
        q = self.peek()
        if q == "*":
            self.take()
            return ("star", atom)
        if q in ("+", "?", "{"):
            raise self.error(f"quantifier {q!r} not supported")
        return atom

    def atom(self):
        c = self.take()
        if c == "(":
            node = self.reg_exp()
            if self.take() != ")":
                raise self.error("expected ')'")
            return node
        if c == "[":
            return ("class", self.char_class_body())
        if c == "\\":
            e = self.escape()
            return ("class", [(e, e)])
        if c in ".^$?*+{}])":
            raise self.error(f"metacharacter {c!r} not supported here")
        return ("class", [(ord(c), ord(c))])

    def escape(self) -> int:
        e = self.take()
        if e not in SINGLE_ESCAPES:
            raise self.error(f"escape \\{e} not supported (only single-character escapes)")
        return ord(SINGLE_ESCAPES[e])

    def class_char(self) -> int:
        c = self.take()
        if c == "\\":
            return self.escape()
        if c in "[]":
            raise self.error(f"unexpected {c!r} in character class")
        return ord(c)

    def char_class_body(self):
        if self.peek() == "^":
            raise self.error("negated character classes not supported")
        ranges = []
        while True:
            if self.peek() == "]":
                self.take()
                break
            lo = self.class_char()
            if self.peek() == "-" and self.s[self.i + 1 : self.i + 2] not in ("]", "["):
                self.take()
                hi = self.class_char()
                if hi < lo:
                    raise self.error("reversed range")
                ranges.append((lo, hi))
            elif self.peek() == "-" and self.s[self.i + 1 : self.i + 2] == "[":
                raise self.error("character class subtraction not supported")
            else:
                ranges.append((lo, lo))
        if not ranges:
            raise self.error("empty character class")
        return ranges


def expand(node):
    """The finite language of a star-free node: a list of alternatives, each a
    list of character classes (one per code point position)."""
    kind, arg = node
    if kind == "class":
        return [[arg]]
    if kind == "alt":
        return [alt for child in arg for alt in expand(child)]
    if kind == "seq":
        result = [[]]
        for child in arg:
            result = [a + b for a in result for b in expand(child)]
        return result
    raise PatternError(f"nested {kind!r} not supported")


def merge(ranges):
    out = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def in_ranges(cp: int, ranges) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


def compile_pattern(pattern: str):
    """Returns (merged single ranges, sorted tuple of sequences)."""
    ast = Parser(pattern).parse()
    if ast[0] != "star":
        raise PatternError("pattern must have the form ( ... )*")
    singles = []
    sequences = set()
    for alt in expand(ast[1]):
        if len(alt) == 1:
            singles.extend(alt[0])
            continue
        positions = []
        for cls in alt:
            cps = [cp for lo, hi in cls for cp in range(lo, hi + 1)]
            if len(cps) > 64:
                raise PatternError("character class too large inside a sequence")
            positions.append(cps)
        for combo in itertools.product(*positions):
            sequences.add("".join(map(chr, combo)))
    singles = merge(singles)
    # A sequence whose code points are each allowed alone adds nothing for a
    # membership check, but it is kept: it is a unit of the standard.
    return singles, tuple(sorted(sequences))


def check_greedy_is_exact(name, singles, sequences):
    """Longest-match-first tokenisation is equivalent to the XSD regex
    (which backtracks) iff: whenever a unit u is a proper prefix of a longer
    unit s, the code point s[len(u)] cannot start any unit. Then, after taking
    the shorter u, the match would fail immediately, so the longest choice
    never loses a parse. Verify that, so the Rust matcher may be greedy."""
    units = set(sequences) | {chr(lo) for lo, hi in singles if lo == hi}
    starts = {s[0] for s in sequences}

    def starts_unit(ch):
        return ch in starts or in_ranges(ord(ch), singles)

    def is_unit(u):
        return u in units or (len(u) == 1 and in_ranges(ord(u), singles))

    for s in sequences:
        for k in range(1, len(s)):
            if is_unit(s[:k]) and starts_unit(s[k]):
                raise PatternError(
                    f"datatype{name}: greedy matching would be inexact for "
                    f"{' '.join(f'U+{ord(c):04X}' for c in s)}"
                )


def nfc_report(name, singles, sequences):
    """Informational: are all units stable under NFC (with this Python's
    Unicode version)? Printed, not enforced."""
    unstable = []
    for lo, hi in singles:
        for cp in range(lo, hi + 1):
            if unicodedata.normalize("NFC", chr(cp)) != chr(cp):
                unstable.append(chr(cp))
    for s in sequences:
        if unicodedata.normalize("NFC", s) != s:
            unstable.append(s)
    return unstable


def rust_char(cp: int) -> str:
    return f"'\\u{{{cp:04X}}}'"


def rust_str(s: str) -> str:
    return '"' + "".join(f"\\u{{{ord(c):04X}}}" for c in s) + '"'


def wrap(items, indent="    ", width=96):
    lines, line = [], indent
    for item in items:
        piece = item + ","
        if len(line) + len(piece) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += piece + " "
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


def generate(xsd_path: Path) -> tuple[str, list[str]]:
    tree = ET.parse(xsd_path)
    root = tree.getroot()
    version = root.get("version", "?")
    namespace = root.get("targetNamespace", "?")
    found = {}
    for st in root.iter(XS + "simpleType"):
        tname = st.get("name", "")
        if not tname.startswith("datatype"):
            continue
        pats = st.findall(f"./{XS}restriction/{XS}pattern")
        if len(pats) != 1:
            raise PatternError(f"{tname}: expected exactly one xs:pattern")
        found[tname[len("datatype") :]] = pats[0].get("value", "")
    if sorted(found) != DATATYPES:
        raise PatternError(
            f"XSD has datatypes {sorted(found)}, the Rust enum expects {DATATYPES}: "
            "update NameDatatype and DATATYPES together"
        )

    report = [f"source: {xsd_path.name} version {version} ({namespace})"]
    compiled = {}
    for name in DATATYPES:
        singles, sequences = compile_pattern(found[name])
        check_greedy_is_exact(name, singles, sequences)
        compiled[name] = (singles, sequences)
        n_cp = sum(hi - lo + 1 for lo, hi in singles)
        unstable = nfc_report(name, singles, sequences)
        report.append(
            f"datatype{name}: {len(singles)} ranges ({n_cp} code points), "
            f"{len(sequences)} sequences, not NFC-stable: "
            + (", ".join(" ".join(f"U+{ord(c):04X}" for c in u) for u in unstable) or "none")
        )

    # NFC across unit boundaries: every concatenation of two allowed units (of
    # the union of all datatypes) must be in NFC too; then NFC never turns a
    # valid string into an invalid one. Informational, like nfc_report.
    all_units = sorted(
        {chr(cp) for n in DATATYPES for lo, hi in compiled[n][0] for cp in range(lo, hi + 1)}
        | {q for n in DATATYPES for q in compiled[n][1]}
    )
    bad_pairs = sum(
        1 for a in all_units for b in all_units if not unicodedata.is_normalized("NFC", a + b)
    )
    report.append(
        f"pairs of units not in NFC: {bad_pairs} of {len(all_units) ** 2} "
        f"(Python Unicode {unicodedata.unidata_version})"
    )

    # Deduplicate identical tables so the binary carries each only once.
    range_tables: dict[tuple, str] = {}
    seq_tables: dict[tuple, str] = {}
    out = [
        BEGIN,
        f"// Source: {xsd_path.name}, schema version {version},",
        f"// targetNamespace {namespace}.",
        "// Each `*_SINGLES` table: sorted, non-overlapping, inclusive code-point ranges.",
        "// Each `*_SEQUENCES` table: the allowed multi-code-point sequences, sorted.",
        "",
    ]
    for name in DATATYPES:
        singles, sequences = compiled[name]
        key = tuple(singles)
        if key not in range_tables:
            ident = f"{name}_SINGLES"
            range_tables[key] = ident
            body = wrap(f"({rust_char(lo)}, {rust_char(hi)})" for lo, hi in singles)
            out += [
                f"/// Single code points of datatype{name} ({len(singles)} ranges).",
                "#[rustfmt::skip]",
                f"static {ident}: &[(char, char)] = &[",
                body,
                "];",
                "",
            ]
        key = tuple(sequences)
        if key not in seq_tables:
            users = [n for n in DATATYPES if compiled[n][1] == sequences]
            ident = "SEQUENCES" if users == DATATYPES else f"{name}_SEQUENCES"
            seq_tables[key] = ident
            body = wrap(rust_str(s) for s in sequences)
            out += [
                f"/// Multi-code-point sequences of datatype{'/'.join(users)} "
                f"({len(sequences)} sequences).",
                "#[rustfmt::skip]",
                f"static {ident}: &[&str] = &[",
                body,
                "];",
                "",
            ]
    out += [
        "/// The tables of one datatype: (single code-point ranges, sequences).",
        "fn tables(datatype: NameDatatype) -> (&'static [(char, char)], &'static [&'static str]) {",
        "    match datatype {",
    ]
    for name in DATATYPES:
        singles, sequences = compiled[name]
        out.append(
            f"        NameDatatype::{name} => ({range_tables[tuple(singles)]}, "
            f"{seq_tables[tuple(sequences)]}),"
        )
    out += ["    }", "}", END]
    return "\n".join(out), report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--xsd", type=Path, default=DEFAULT_XSD)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="fail if --out is not up to date")
    args = ap.parse_args()

    try:
        block, report = generate(args.xsd)
    except PatternError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for line in report:
        print(line, file=sys.stderr)

    text = args.out.read_text(encoding="utf-8")
    b = text.find(BEGIN)
    e = text.find(END)
    if b < 0 or e < b:
        print(f"error: markers not found in {args.out}", file=sys.stderr)
        return 2
    new = text[:b] + block + text[e + len(END) :]
    if new == text:
        print(f"{args.out}: up to date", file=sys.stderr)
        return 0
    if args.check:
        print(f"{args.out}: tables are out of date, run {Path(__file__).name}", file=sys.stderr)
        return 1
    args.out.write_text(new, encoding="utf-8")
    print(f"{args.out}: written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
