"""Derivation rules: SPARQL CONSTRUCT queries in ``rules/`` that propose what the data suggests.

Each rule runs, in file-name order, over the corpus's graphs as a dataset (claims' assertion
graphs reachable with ``GRAPH``, the default graph their union) plus what earlier rules derived.
What they construct goes to the derived graph: proposals, never assertions. Rules are evaluated
by an in-memory Oxigraph store, which joins across named graphs quickly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.errors import InputError

#: the graph that holds what the rules derived, while they run
_DERIVED = ox.NamedNode("urn:kg:derived")


@dataclass(frozen=True)
class Rule:
    """One rule file: where it is and its query text."""

    path: Path
    text: str


def load_rules(folder: Path) -> list[Rule]:
    """Read and parse every ``*.rq`` in *folder*, sorted by name; each must be a CONSTRUCT query.

    :raises InputError: for a missing folder, a syntax error (with line and column) or a query
        that is not a CONSTRUCT
    """
    if not folder.is_dir():
        raise InputError("the rules folder does not exist", folder)
    empty = ox.Store()
    rules = []
    for path in sorted(folder.glob("*.rq")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the rule: {exc}", path) from exc
        try:
            result = empty.query(text)
        except SyntaxError as exc:
            raise InputError(f"SPARQL syntax error: {exc}", path, getattr(exc, "lineno", None)) from exc
        if not isinstance(result, ox.QueryTriples):
            raise InputError("a rule must be a CONSTRUCT query", path)
        rules.append(Rule(path, text))
    return rules


def _load(store: ox.Store, graph: Graph, name: ox.NamedNode) -> None:
    data = graph.serialize(format="nt", encoding="utf-8")
    store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=name)


def derive(rules: list[Rule], graphs: Mapping[URIRef, Graph]) -> Graph:
    """Run *rules* over the named *graphs*; return what they construct.

    :param graphs: the graphs by name (the fixed ones and the claims' assertions)
    """
    store = ox.Store()
    for name, graph in graphs.items():
        _load(store, graph, ox.NamedNode(str(name)))
    derived = Graph()
    for rule in rules:
        found = store.query(rule.text, use_default_graph_as_union=True)
        assert isinstance(found, ox.QueryTriples)
        text = found.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
        store.load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=_DERIVED)
        derived.parse(data=text.decode("utf-8"), format="nt")
    return derived
