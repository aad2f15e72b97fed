"""The build's files: the dataset in TriG, the union in Turtle, N-Triples and JSON-LD, and their
atomic swap into the build folder.

The same graphs give byte-identical files whatever the process's hash seed: blank nodes get
labels computed from the graph's content (RDFC-1.0, by Oxigraph), N-Triples lines are sorted,
JSON-LD node lists and value arrays are sorted, and Turtle/TriG come from rdflib's Turtle
serializer, which orders subjects and predicates.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.build_folder import FolderLock, staged


def _decimal_form(term: Node) -> Node:
    """Write a whole ``xsd:decimal`` as Turtle does (``342`` -> ``342.0``), so every format agrees."""
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        lexical = str(term)
        if lexical and "." not in lexical and "e" not in lexical.lower():
            return Literal(f"{lexical}.0", datatype=XSD.decimal)
    return term


def _blank_labels(triples: list[tuple[Node, Node, Node]]) -> list[tuple[Node, Node, Node]]:
    """Relabel the blank nodes of *triples* (each has one) by their content, with RDFC-1.0.

    Oxigraph canonicalises a copy in which every other term stands for itself as ``urn:kg:term:<i>``
    (numbered in sorted order, so nothing is lost in translation). The labels are prefixed with a
    digest of the canonical triples and the terms, so that graphs with different blank-node parts
    get different labels and stay apart in a union.
    """
    terms = sorted({t for triple in triples for t in triple if not isinstance(t, BNode)}, key=lambda t: t.n3())
    stand_in = {term: ox.NamedNode(f"urn:kg:term:{i}") for i, term in enumerate(terms)}
    blanks: dict[Node, ox.BlankNode] = {}

    def to_ox(term: Node) -> Any:
        return blanks.setdefault(term, ox.BlankNode()) if isinstance(term, BNode) else stand_in[term]

    dataset = ox.Dataset(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted(str(quad) for quad in dataset)
    digest = hashlib.sha256("\n".join(lines + [t.n3() for t in terms]).encode("utf-8")).hexdigest()[:12]
    back = {value.value: term for term, value in stand_in.items()}

    def from_ox(term: Any) -> Node:
        return BNode(f"b{digest}{term.value}") if isinstance(term, ox.BlankNode) else back[term.value]

    return [(from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)) for q in dataset]


def canonical(graph: Graph) -> Graph:
    """Return a copy of *graph* whose blank node labels depend only on its content.

    Only the triples with a blank node are canonicalised (RDFC-1.0, see :func:`_blank_labels`);
    the others are copied as they are. Whole decimals get the lexical form with ``.0`` that
    Turtle's short form has, so the Turtle, N-Triples and JSON-LD files hold the same terms.
    Prefix bindings are kept.
    """
    out = Graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    blank = []
    for s, p, o in graph:
        if isinstance(s, BNode) or isinstance(o, BNode):
            blank.append((s, p, o))
        else:
            out.add((s, p, _decimal_form(o)))
    if blank:
        for s, p, o in _blank_labels(blank):
            out.add((s, p, _decimal_form(o)))
    return out


def turtle(graph: Graph) -> str:
    """Serialize *graph* as Turtle (rdflib orders subjects and predicates, so the text is stable)."""
    return graph.serialize(format="turtle")


def trig(graphs: Mapping[URIRef, Graph]) -> str:
    """Serialize named graphs as TriG: one ``<name> { … }`` block per graph, in the given order.

    Each block is the graph's Turtle without its prefix lines; the prefixes of all blocks come first.
    """
    prefixes: set[str] = set()
    blocks = []
    for name, graph in graphs.items():
        body: list[str] = []
        for line in turtle(graph).splitlines():
            if line.startswith("@prefix "):
                prefixes.add(line)
            elif line.strip() or body:
                body.append(line)  # no re-indentation: lines may lie inside a long literal
        while body and not body[-1]:
            body.pop()
        blocks.append(f"<{name}> {{\n" + "\n".join(body) + "\n}\n")
    return "\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)


def ntriples(graph: Graph) -> str:
    """Serialize *graph* as N-Triples, one sorted line per triple."""
    lines = sorted({line for line in graph.serialize(format="nt").splitlines() if line.strip()})
    return "\n".join(lines) + "\n"


def _sorted_json(value: Any) -> Any:
    """Sort the arrays of a JSON-LD document (they are sets), except ``@list`` values (ordered)."""
    if isinstance(value, list):
        return sorted((_sorted_json(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, dict):
        return {k: ([_sorted_json(x) for x in v] if k == "@list" else _sorted_json(v)) for k, v in value.items()}
    return value


def jsonld(graph: Graph) -> str:
    """Serialize *graph* as expanded JSON-LD with its node and value arrays sorted."""
    document = json.loads(graph.serialize(format="json-ld"))
    return json.dumps(_sorted_json(document), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def serialize(graphs: Mapping[URIRef, Graph]) -> dict[str, str]:
    """Return the text of ``dataset.trig`` (the named *graphs*) and of their union in Turtle,
    N-Triples and JSON-LD."""
    union = Graph()
    for graph in graphs.values():
        for prefix, namespace in graph.namespaces():
            union.bind(prefix, namespace, override=False)
        union += graph
    return {
        "dataset.trig": trig(graphs),
        "graph.ttl": turtle(union),
        "graph.nt": ntriples(union),
        "graph.jsonld": jsonld(union),
    }


def write_atomically(out_dir: Path, files: Mapping[str, str], extra: Callable[[Path], None] | None = None,
                     lock: FolderLock | None = None) -> None:
    """Write *files* (name -> text) as *out_dir*, switching to the new folder only once all are written.

    The files go to a temporary folder beside *out_dir*; then ``extra`` (if given) is called with
    that folder to write more into it (a store, say); then *out_dir*, a symbolic link, is switched
    onto it in one rename (see :mod:`kg.build_folder`). If anything fails before the switch, or
    the process is killed at any point, *out_dir* still shows the previous complete outputs.

    :param lock: the lock of *out_dir* if the caller holds it (else it is taken here)
    :raises BuildBusy: when another build holds the lock of *out_dir*
    """
    with staged(out_dir, lock) as tmp:
        for name, text in files.items():
            (tmp / name).write_bytes(text.encode("utf-8"))
        if extra is not None:
            extra(tmp)
