"""Checks on a query's text before any engine parses it.

The endpoint is read-only and never opens a connection of its own, so a query is refused
(:class:`kg.errors.QueryRefused`) before it reaches an engine when it

- is a SPARQL Update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``DROP``, ``CREATE`` …);
- uses ``SERVICE`` anywhere, at any depth;
- nests brackets deeper than :data:`MAX_DEPTH` (a recursive parser would exhaust its stack).

The check works on tokens, as the SPARQL grammar defines them: keywords are bare words outside
strings, IRIs and comments, after the ``\\uXXXX`` escapes that SPARQL resolves before parsing.
An update keyword or ``SERVICE`` cannot be hidden from it, since no query may contain one as a
bare word. It also returns the query's form and its ``FROM``/``FROM NAMED`` IRIs, so that the
caller can refuse graphs the dataset does not hold. It imports nothing but the standard library,
so it runs in the query processes, inside their limits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from kg.errors import QueryRefused, QuerySyntaxError

#: deepest nesting of ``(``, ``{`` and ``[`` accepted
MAX_DEPTH = 200
#: bare words that only SPARQL Update uses
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\s(){}\[\],;.<>=!|&+*/^"'#-]*)
  | (?P<pname>[^\s(){}\[\],;<>=!|&+*/^"'#?$@:]*:(?:[^\s(){}\[\],;<>=!|&+*/^"'#]|\.(?=[^\s.]))*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>[({\[])
  | (?P<close>[)}\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass
class Checked:
    """What the guard learnt about an accepted query."""

    #: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` (``None`` when no form was found: the
    #: engine's parser then reports the syntax error)
    form: str | None
    #: IRIs of the ``FROM`` clauses, resolved
    from_default: list[str] = field(default_factory=list)
    #: IRIs of the ``FROM NAMED`` clauses, resolved
    from_named: list[str] = field(default_factory=list)


def unescape(text: str) -> str:
    """Resolve the ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes, as SPARQL does before parsing."""
    if "\\u" not in text and "\\U" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QuerySyntaxError(f"invalid escape {match.group(0)}: not a Unicode character")
        return chr(code)

    return _ESCAPE.sub(replace, text)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    return [(m.lastgroup or "other", m.group(), m.start()) for m in _TOKEN.finditer(text)
            if m.lastgroup not in ("space", "comment")]


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _resolve(token: tuple[str, str, int], prefixes: dict[str, str], base: str | None) -> str | None:
    kind, value, _ = token
    if kind == "iri":
        iri = value[1:-1]
        if not base or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", iri):
            return iri
        joined = urljoin(base, iri)
        return joined + "#" if iri.endswith("#") and not joined.endswith("#") else joined
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


def check(text: str, base_iri: str | None = None) -> Checked:
    """Refuse *text* when it breaks a rule of the module docstring; return its form and dataset.

    :param base_iri: the IRI relative IRIs resolve against
    :raises QueryRefused: for an update or ``SERVICE``
    :raises QuerySyntaxError: for a query nested too deeply, an invalid escape or an undeclared prefix
    """
    text = unescape(text)
    tokens = _tokens(text)
    depth = deepest = 0
    for kind, value, _ in tokens:
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth -= 1
        elif kind == "word":
            word = value.upper()
            if word in UPDATE_WORDS:
                raise QueryRefused(f"this endpoint is read-only: SPARQL Update ({word}) is not accepted")
            if word == "SERVICE":
                raise QueryRefused("SERVICE is not allowed: this endpoint does not query other services")
    if deepest > MAX_DEPTH:
        raise QuerySyntaxError(f"the query nests brackets {deepest} deep; at most {MAX_DEPTH} levels are accepted")
    checked, prefixes = _prologue_and_dataset(tokens, base_iri)
    for kind, value, offset in tokens:
        if kind == "pname" and value.partition(":")[0] not in prefixes and not value.startswith("_:"):
            line, column = _position(text, offset)
            raise QuerySyntaxError(f"SPARQL syntax error at line {line}, column {column}: the prefix "
                             f"{value.partition(':')[0]}: of {value} is not declared (add PREFIX "
                             f"{value.partition(':')[0]}: <…>)", line=line)
    return checked


def _prologue_and_dataset(tokens: list[tuple[str, str, int]], base: str | None) -> tuple[Checked, dict[str, str]]:
    prefixes: dict[str, str] = {}
    checked = Checked(None)
    i = 0
    while i < len(tokens):
        kind, value, _ = tokens[i]
        word = value.upper() if kind == "word" else ""
        if word == "BASE" and i + 1 < len(tokens) and tokens[i + 1][0] == "iri":
            base = _resolve(tokens[i + 1], prefixes, base)
            i += 2
        elif word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1][0] == "pname":
            iri = _resolve(tokens[i + 2], prefixes, base)
            prefixes[tokens[i + 1][1][:-1]] = iri or ""
            i += 3
        elif word in FORMS and checked.form is None:
            checked.form = word
            i += 1
        elif word == "FROM" and i + 1 < len(tokens):
            named = tokens[i + 1][0] == "word" and tokens[i + 1][1].upper() == "NAMED"
            target = tokens[i + 2] if named and i + 2 < len(tokens) else tokens[i + 1]
            iri = _resolve(target, prefixes, base)
            if iri is not None:
                (checked.from_named if named else checked.from_default).append(iri)
            i += 3 if named else 2
        elif word == "WHERE" or kind == "open":
            break
        else:
            i += 1
    return checked, prefixes
