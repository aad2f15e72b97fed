"""The W3C SPARQL 1.0 and 1.1 query tests of ``tests/w3c/``: reading the manifests, running a test
through the endpoint's executor (guard, engine, result writers) and comparing its answer.

Results are compared as RDF terms (exact lexical forms): SELECT results as multisets of solutions
with a mapping of blank nodes, in order only when the query has ORDER BY; ASK by its boolean;
graphs by isomorphism (canonical blank node labels). CSV results, which lose the term types, are
compared as text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError, QueryRefused, QuerySyntaxError
from kg.query import guard
from kg.query.executor import Executor, Request

ROOT = Path(__file__).resolve().parent / "w3c"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
#: the top manifests, and the folders they include that are out of scope for a read-only endpoint
TOP = ("sparql10/manifest.ttl", "sparql11/manifest-all.ttl")
OUT_OF_SCOPE = {"add", "basic-update", "clear", "copy", "delete", "delete-data", "delete-insert", "delete-where",
                "drop", "entailment", "graph-store-protocol", "http-rdf-update", "move", "protocol", "service",
                "service-description", "syntax-fed", "syntax-update-1", "syntax-update-2", "update-silent"}
EVALUATION = {"QueryEvaluationTest", "CSVResultFormatTest"}
POSITIVE = {"PositiveSyntaxTest", "PositiveSyntaxTest11"}
NEGATIVE = {"NegativeSyntaxTest", "NegativeSyntaxTest11"}
RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML,
               ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
RESULT_FORMATS = {".srx": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
                  ".srj": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
                  ".tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV)}
_ORDER_BY = re.compile(r"ORDER\s+BY", re.IGNORECASE)


@dataclass
class Case:
    """One test of a manifest."""

    id: str
    kind: str
    query: Path
    data: list[Path] = field(default_factory=list)
    graph_data: list[Path] = field(default_factory=list)
    result: Path | None = None


def _list(store: ox.Store, head: Any) -> Iterator[Any]:
    while head != ox.NamedNode(RDF + "nil"):
        yield next(store.quads_for_pattern(head, ox.NamedNode(RDF + "first"), None)).object
        head = next(store.quads_for_pattern(head, ox.NamedNode(RDF + "rest"), None)).object


def _objects(store: ox.Store, subject: Any, predicate: str) -> list[Any]:
    return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)]


def _path(term: Any) -> Path:
    return Path(term.value.removeprefix("file://"))


def _manifest(path: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())
    return store


@cache
def cases() -> list[Case]:
    """Every in-scope test, in manifest order.

    :raises FileNotFoundError: when an in-scope manifest is missing from ``tests/w3c``
    """
    found = []
    for top in TOP:
        manifest = _manifest(ROOT / top)
        for include in manifest.quads_for_pattern(None, ox.NamedNode(MF + "include"), None):
            for part in _list(manifest, include.object):
                path = _path(part)
                if path.parent.name in OUT_OF_SCOPE:
                    continue
                found += _cases(path)
    return found


def _cases(path: Path) -> list[Case]:
    store = _manifest(path)
    out = []
    for entries in (q.object for q in store.quads_for_pattern(None, ox.NamedNode(MF + "entries"), None)):
        for test in _list(store, entries):
            kind = next(t.value.rsplit("#", 1)[1] for t in _objects(store, test, RDF + "type"))
            name = f"{path.parent.parent.name}/{path.parent.name}/{test.value.rsplit('#', 1)[-1].rsplit('/', 1)[-1]}"
            action = _objects(store, test, MF + "action")[0]
            result = _objects(store, test, MF + "result")
            if kind in EVALUATION:
                query = _objects(store, action, QT + "query")[0]
                out.append(Case(name, kind, _path(query),
                                [_path(d) for d in _objects(store, action, QT + "data")],
                                [_path(d) for d in _objects(store, action, QT + "graphData")],
                                _path(result[0]) if result else None))
            elif kind in POSITIVE | NEGATIVE:
                out.append(Case(name, kind, _path(action)))
    return out


def _load(store: ox.Store, path: Path, graph: Any) -> None:
    store.load(path=str(path), format=RDF_FORMATS[path.suffix], base_iri=path.as_uri(), to_graph=graph)


def _executor(case: Case, text: str) -> Executor:
    store = ox.Store()
    for path in case.data:
        _load(store, path, ox.DefaultGraph())
    named = list(case.graph_data)
    try:
        checked = guard.check(text, case.query.as_uri())
        named += [_path(ox.NamedNode(i)) for i in checked.from_default + checked.from_named if i.startswith("file:")]
    except KGError:
        pass
    for path in dict.fromkeys(named):
        if path.is_file():
            _load(store, path, ox.NamedNode(path.as_uri()))
    return Executor(store, union_default_graph=False, max_rows=1_000_000, max_bytes=1 << 30)


def run(case: Case) -> str | None:
    """Run *case*; ``None`` when it passes, else what went wrong."""
    text = case.query.read_text(encoding="utf-8")
    if case.kind in POSITIVE | NEGATIVE:
        try:
            Executor(ox.Store(), union_default_graph=False, max_rows=10, max_bytes=1 << 20).run(
                Request(text, base_iri=case.query.as_uri()))
        except QuerySyntaxError as exc:
            return f"refused: {exc}" if case.kind in POSITIVE else None
        except QueryRefused as exc:  # update or SERVICE; a FROM graph the empty store lacks says nothing of syntax
            if case.kind in POSITIVE and not str(exc).startswith("FROM"):
                return f"refused: {exc}"
        except KGError:  # parsed, then failed to evaluate on an empty store (an unknown function)
            pass
        return "accepted" if case.kind in NEGATIVE else None
    assert case.result is not None
    suffix = case.result.suffix
    media = "text/csv" if suffix == ".csv" else RESULT_FORMATS.get(suffix, ("application/sparql-results+json",))[0]
    request = Request(text, base_iri=case.query.as_uri(), results_media=media, graph_media="application/n-triples")
    try:
        reply = _executor(case, text).run(request)
    except KGError as exc:
        return f"error: {exc}"
    if reply.form in ("CONSTRUCT", "DESCRIBE"):
        return _compare_graphs(reply.body, case.result)
    if suffix == ".csv":
        return None if _csv_rows(reply.body) == _csv_rows(case.result.read_bytes()) else "different CSV"
    ours = ox.parse_query_results(reply.body, format=_format_of(media))
    expected = _expected_results(case.result)
    if isinstance(expected, bool) or isinstance(ours, ox.QueryBoolean):
        return None if bool(ours) == expected else f"ASK: {bool(ours)} instead of {expected}"
    return _compare_solutions(ours, expected, ordered=bool(_ORDER_BY.search(text)))


def _csv_rows(body: bytes) -> list[tuple[tuple[str, str], ...]]:
    """CSV rows as sorted (column, value) pairs, every blank node label blurred to ``_:``."""
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    header = rows[0]
    return sorted(tuple(sorted((h, "_:" if v.startswith("_:") else v) for h, v in zip(header, row))) for row in rows[1:])


def _format_of(media: str) -> Any:
    return next(fmt for m, fmt in RESULT_FORMATS.values() if m == media) if media in dict(
        RESULT_FORMATS.values()) else ox.QueryResultsFormat.JSON


def _expected_results(path: Path) -> Any:
    if path.suffix in RESULT_FORMATS:
        parsed = ox.parse_query_results(path=str(path), format=RESULT_FORMATS[path.suffix][1])
        if isinstance(parsed, ox.QueryBoolean):
            return bool(parsed)
        variables = [v.value for v in parsed.variables]
        return [{v: s[v] for v in variables if s[v] is not None} for s in parsed]
    return _result_set(path)


def _result_set(path: Path) -> Any:
    """A result set written in the result-set vocabulary (``rs:``) of the SPARQL 1.0 tests."""
    store = ox.Store()
    _load(store, path, ox.DefaultGraph())
    sets = [q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(RS + "ResultSet"))]
    boolean = _objects(store, sets[0], RS + "boolean")
    if boolean:
        return boolean[0].value == "true"
    solutions = []
    for solution in _objects(store, sets[0], RS + "solution"):
        row = {}
        for binding in _objects(store, solution, RS + "binding"):
            row[_objects(store, binding, RS + "variable")[0].value] = _objects(store, binding, RS + "value")[0]
        index = _objects(store, solution, RS + "index")
        solutions.append((int(index[0].value) if index else 0, row))
    return [row for _, row in sorted(solutions, key=lambda pair: pair[0])]


def _rows(results: Any) -> list[dict[str, Any]]:
    variables = [v.value for v in results.variables]
    return [{v: s[v] for v in variables if s[v] is not None} for s in results]


def _signature(row: dict[str, Any]) -> tuple[Any, ...]:
    """A row with its blank nodes blurred: rows that can match have equal signatures."""
    return tuple(sorted((k, "_:" if isinstance(v, ox.BlankNode) else str(v)) for k, v in row.items()))


def _compare_solutions(ours: Any, expected: list[dict[str, Any]], ordered: bool) -> str | None:
    rows = _rows(ours)
    if len(rows) != len(expected):
        return f"{len(rows)} rows instead of {len(expected)}"
    signatures = [_signature(r) for r in rows]
    if ordered and signatures != [_signature(r) for r in expected]:
        return "different solutions (or order)"
    if sorted(signatures) != sorted(_signature(r) for r in expected):
        return "different solutions"
    if not any(isinstance(v, ox.BlankNode) for r in rows for v in r.values()):
        return None
    return None if _match(rows, expected, {}, ordered) else "different blank nodes"


def _term_matches(a: Any, b: Any, mapping: dict[str, str]) -> dict[str, str] | None:
    if isinstance(a, ox.BlankNode) and isinstance(b, ox.BlankNode):
        if mapping.get(a.value, b.value) != b.value or (a.value not in mapping and b.value in mapping.values()):
            return None
        return {**mapping, a.value: b.value}
    return mapping if a == b else None


def _row_matches(a: dict[str, Any], b: dict[str, Any], mapping: dict[str, str]) -> dict[str, str] | None:
    if a.keys() != b.keys():
        return None
    for key in a:
        found = _term_matches(a[key], b[key], mapping)
        if found is None:
            return None
        mapping = found
    return mapping


def _match(rows: list[dict[str, Any]], expected: list[dict[str, Any]], mapping: dict[str, str], ordered: bool) -> bool:
    if not rows:
        return True
    candidates = [0] if ordered else [i for i, e in enumerate(expected) if _signature(e) == _signature(rows[0])]
    for i in candidates:
        found = _row_matches(rows[0], expected[i], mapping)
        if found is not None and _match(rows[1:], expected[:i] + expected[i + 1:], found, ordered):
            return True
    return False


def _canonical(quads: Any) -> set[Any]:
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def _compare_graphs(body: bytes, expected: Path) -> str | None:
    ours = _canonical(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    theirs = _canonical(ox.parse(path=str(expected), format=RDF_FORMATS[expected.suffix], base_iri=expected.as_uri()))
    return None if ours == theirs else f"different graph ({len(ours)} triples instead of {len(theirs)})"
