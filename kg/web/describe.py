"""What the HTML page of a resource shows, gathered with the templates in ``kg/query/sparql/``.

Terms become :class:`Term` objects that know their display text and where they link: minted IRIs
to this server's pages, ontology terms to ``/ontology#Name``, everything else (Wikidata, schema.org
…) out to the IRI itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import DCTERMS, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Identifier

from kg.iris import DIP, WD
from kg.query.engine import Engine, QueryResult
from kg.query.templates import run
from kg.rdfio import namespaces

#: the ontology document's IRI (the ``dip:`` namespace without its ``#``)
ONTOLOGY_IRI = str(DIP).rstrip("#")
#: language preference for the one label a page shows for a term
LABEL_LANGUAGES = ("en", "", "ru")
#: characters of article text shown either side of a quote
CONTEXT_CHARS = 240
#: predicates shown in their own sections rather than in the property table
_OWN_SECTIONS = {RDF.type, RDFS.label, SKOS.altLabel, DIP.text}




def rows(result: QueryResult) -> list[dict[str, Identifier]]:
    """Return a SELECT result as one dict per row, leaving out unbound variables."""
    return [{v: t for v, t in zip(result.variables, row) if t is not None} for row in result.rows]


def best_label(labels: Iterable[Literal]) -> str | None:
    """Pick the label to show: English, then untagged, then Russian, then any (stable order)."""
    by_lang: dict[str, str] = {}
    for label in sorted(labels, key=str):
        by_lang.setdefault(label.language or "", str(label))
    for lang in LABEL_LANGUAGES:
        if lang in by_lang:
            return by_lang[lang]
    return next(iter(by_lang.values()), None)


@dataclass
class Term:
    """An RDF term as shown on a page."""

    text: str
    href: str | None = None
    iri: str | None = None
    external: bool = False
    lang: str | None = None
    datatype: str | None = None
    graphs: list[str] = field(default_factory=list)


class Linker:
    """Turns RDF terms into :class:`Term` objects for one server.

    :param base: the base IRI of minted resources (``BASE_IRI``)
    :param root: the URL path at which the application is mounted ("" at the host's root)
    :param labels: known labels per IRI
    """

    def __init__(self, base: str, root: str = "", labels: dict[Identifier, list[Literal]] | None = None) -> None:
        self.base = base
        self.root = root.rstrip("/")
        self.labels = labels or {}
        self.names = namespaces()

    def href(self, iri: str) -> tuple[str, bool]:
        """Return the link for *iri* and whether it leaves this server."""
        if iri.startswith(str(DIP)):
            return f"{self.root}/ontology#{iri[len(str(DIP)):]}", False
        if iri == ONTOLOGY_IRI:
            return f"{self.root}/ontology", False
        if iri.startswith(self.base) and len(iri) > len(self.base):
            return f"{self.root}/{iri[len(self.base):]}", False
        return iri, True

    def compact(self, iri: str) -> str:
        """Return ``prefix:local`` for *iri* when a prefix fits, else the IRI."""
        try:
            prefix, _namespace, local = self.names.compute_qname(iri, generate=False)
        except (ValueError, KeyError):
            return iri
        return f"{prefix}:{local}" if local else iri

    def short(self, iri: str) -> str:
        """Return a name for an unlabelled *iri*: its path under the base, else a compact name."""
        compact = self.compact(iri)
        if compact == iri and iri.startswith(self.base) and len(iri) > len(self.base):
            return iri[len(self.base):]
        return compact

    def term(self, node: Identifier, graphs: Iterable[str] = ()) -> Term:
        """Return the view of *node* (an IRI, literal or blank node)."""
        graph_names = sorted({g.rsplit("/", 1)[-1] for g in graphs})
        if isinstance(node, Literal):
            datatype = self.compact(str(node.datatype)) if node.datatype else None
            return Term(str(node), lang=node.language, datatype=datatype, graphs=graph_names)
        if isinstance(node, BNode):
            return Term("(blank node)", graphs=graph_names)
        iri = str(node)
        href, external = self.href(iri)
        text = best_label(self.labels.get(node, [])) or self.short(iri)
        return Term(text, href=href, iri=iri, external=external, graphs=graph_names)


def quote_in_context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> dict[str, str]:
    """Cut a window of *text* around ``text[start:end]`` (code-point offsets, end exclusive).

    :returns: ``before``, ``quote`` and ``after``, with an ellipsis where the text was cut
    """
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    lo, hi = max(0, start - width), min(len(text), end + width)
    if lo > 0 and " " in text[lo:start]:
        lo = text.index(" ", lo) + 1
    if hi < len(text) and " " in text[end:hi]:
        hi = text.rindex(" ", end, hi)
    before = ("…" if lo > 0 else "") + text[lo:start]
    after = text[end:hi] + ("…" if hi < len(text) else "")
    return {"before": before, "quote": text[start:end], "after": after}


def _group(pairs: Iterable[tuple[Identifier, Identifier, str]]) -> dict[Identifier, dict[Identifier, list[str]]]:
    """Group (key, value, graph) triples as key -> value -> graphs, keeping first-seen order."""
    grouped: dict[Identifier, dict[Identifier, list[str]]] = defaultdict(dict)
    for key, value, graph in pairs:
        grouped[key].setdefault(value, []).append(graph)
    return grouped


def _quotes(engine: Engine, linker: Linker, template: str, iri: str, texts: dict[str, str]) -> list[dict]:
    """Run *template* (quotes or mentions) for *iri* and place each quote in its article text."""
    found = []
    for row in rows(run(engine, template, this=iri)):
        article = str(row["article"])
        if article not in texts:
            texts[article], titles = article_text(engine, article)
            linker.labels.setdefault(row["article"], titles)
        start, end = int(row["start"]), int(row["end"])
        text = texts[article]
        context = quote_in_context(text, start, end)
        found.append({
            "claim": linker.term(row["claim"]) if "claim" in row else None,
            "annotation": linker.term(row.get("evidence") or row["mention"]),
            "modality": str(row["modalityLabel"]) if "modalityLabel" in row else None,
            "statement": str(row["statement"]) if "statement" in row else None,
            "article": linker.term(row["article"]),
            "exact": str(row["exact"]),
            "start": start,
            "end": end,
            "context": context,
            "matches": context["quote"] == str(row["exact"]),
        })
    return found


def article_text(engine: Engine, iri: str) -> tuple[str, list[Literal]]:
    """Return the ``dip:text`` of the article *iri* ("" when it has none) and its titles."""
    found = rows(run(engine, "article_text", this=iri))
    titles = [t for r in found for t in [r.get("title")] if isinstance(t, Literal)]
    return (str(found[0]["text"]) if found else ""), titles


def describe(engine: Engine, base: str, iri: str, root: str = "") -> dict | None:
    """Gather the page of the resource *iri*, or ``None`` when the graph knows nothing about it.

    :param base: the base IRI of minted resources
    :param root: the URL path at which the application is mounted
    """
    outgoing = rows(run(engine, "outgoing", this=iri))
    incoming = rows(run(engine, "incoming", this=iri))
    if not outgoing and not incoming:
        return None
    labels: dict[Identifier, list[Literal]] = defaultdict(list)
    for row in rows(run(engine, "neighbour_labels", this=iri)):
        if isinstance(row["label"], Literal):
            labels[row["x"]].append(row["label"])
    this = URIRef(iri)
    for row in outgoing:
        if row["p"] in (RDFS.label, DCTERMS.title) and isinstance(row["o"], Literal):
            labels[this].append(row["o"])
    linker = Linker(base, root, labels)

    by_predicate = _group((r["p"], r["o"], str(r["g"])) for r in outgoing)
    properties = [
        {"predicate": linker.term(p), "values": [linker.term(o, gs) for o, gs in values.items()]}
        for p, values in by_predicate.items() if p not in _OWN_SECTIONS
    ]
    incoming_groups = _group((r["p"], r["s"], str(r["g"])) for r in incoming)
    texts: dict[str, str] = {}
    names = [
        {"lang": o.language or "", "text": str(o), "kind": "label" if p == RDFS.label else "alternative"}
        for p in (RDFS.label, SKOS.altLabel) for o in by_predicate.get(p, {}) if isinstance(o, Literal)
    ]
    wikidata = sorted(
        {str(o) for r in outgoing for o in [r["o"]] if isinstance(o, URIRef) and str(o).startswith(str(WD))}
    )
    text = next((str(o) for o in by_predicate.get(DIP.text, {})), None)
    return {
        "iri": iri,
        "label": best_label(labels.get(this, [])) or linker.short(iri),
        "names": sorted(names, key=lambda n: (n["kind"], n["lang"], n["text"])),
        "types": [linker.term(o, gs) for o, gs in by_predicate.get(RDF.type, {}).items()],
        "properties": properties,
        "incoming": [
            {"predicate": linker.term(p), "subjects": [linker.term(s, gs) for s, gs in subjects.items()]}
            for p, subjects in incoming_groups.items()
        ],
        "wikidata": [{"iri": w, "id": w[len(str(WD)):]} for w in wikidata],
        "quotes": _quotes(engine, linker, "quotes", iri, texts),
        "mentions": _quotes(engine, linker, "mentions", iri, texts),
        "text": text,
    }
