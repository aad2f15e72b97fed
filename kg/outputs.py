"""The build's files: the dataset in TriG, the union in Turtle, N-Triples and JSON-LD, and the
atomic swap of the build folder.

The same graphs give byte-identical files whatever the process's hash seed: blank nodes get
labels computed from the graph's content, N-Triples lines are sorted, JSON-LD node lists and
value arrays are sorted, and Turtle/TriG come from rdflib's Turtle serializer, which orders
subjects and predicates.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node



def _decimal_form(term: Node) -> Node:
    """Write a whole ``xsd:decimal`` as Turtle does (``342`` -> ``342.0``), so every format agrees."""
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        lexical = str(term)
        if lexical and "." not in lexical and "e" not in lexical.lower():
            return Literal(f"{lexical}.0", datatype=XSD.decimal)
    return term


def canonical(graph: Graph) -> Graph:
    """Return a copy of *graph* whose blank node labels depend only on its content.

    Whole decimals get the lexical form with ``.0`` that Turtle's short form has, so the
    Turtle, N-Triples and JSON-LD files hold the same terms. Prefix bindings are kept.
    """
    out = Graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    has_bnodes = any(isinstance(term, BNode) for triple in graph for term in triple)
    for s, p, o in to_canonical_graph(graph) if has_bnodes else graph:
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


def write_atomically(out_dir: Path, files: Mapping[str, str], fill: Callable[[Path], None] | None = None) -> None:
    """Write *files* (name -> text) as *out_dir*, replacing the old folder only once all are written.

    :param fill: called with the temporary folder once the files are in it, to add more (the store)

    The files go to a temporary folder beside *out_dir*; then the old folder is renamed away,
    the new one renamed into place and the old one deleted. If anything fails before the swap,
    *out_dir* is left as it was.
    """
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    old = out_dir.with_name(f".{out_dir.name}.old")
    try:
        for name, text in files.items():
            (tmp / name).write_bytes(text.encode("utf-8"))
        if fill is not None:
            fill(tmp)
        tmp.chmod(0o755)
        if old.exists():
            shutil.rmtree(old)
        if out_dir.exists():
            out_dir.rename(old)
        try:
            tmp.rename(out_dir)
        except OSError:
            if old.exists() and not out_dir.exists():
                old.rename(out_dir)
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)

