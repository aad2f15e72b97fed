"""The readable documentation of the ontology: its classes, properties and individuals.

Everything comes from the ontology graph through ``kg/query/sparql/ontology_terms.rq`` and
``ontology_header.rq``; each term gets the anchor of its local name, so ``dip:State``
(``…/ontology#State``) is the section ``#State`` of the page.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Literal
from rdflib.term import Identifier

from kg.iris import DIP
from kg.query.engine import Engine
from kg.query.templates import run
from kg.web.describe import Linker, best_label, rows

#: the sections of the page, in order, and the rdf:type that puts a term in each
SECTIONS = (
    ("classes", "Classes", OWL.Class),
    ("object-properties", "Object properties", OWL.ObjectProperty),
    ("datatype-properties", "Datatype properties", OWL.DatatypeProperty),
    ("annotation-properties", "Annotation properties", OWL.AnnotationProperty),
    ("individuals", "Individuals and concept schemes", None),
)
#: the relations listed for each term, with their headings
RELATIONS = (
    (RDF.type, "type"),
    (RDFS.subClassOf, "subclass of"),
    (RDFS.subPropertyOf, "subproperty of"),
    (RDFS.domain, "domain"),
    (RDFS.range, "range"),
    (OWL.inverseOf, "inverse of"),
    (OWL.equivalentClass, "equivalent to"),
    (OWL.disjointWith, "disjoint with"),
    (SKOS.inScheme, "in scheme"),
    (SKOS.notation, "notation"),
)
#: the ontology is read whole, whatever row limit the endpoint sets for its clients
ONTOLOGY_MAX_ROWS = 1_000_000
_TEXTS = {RDFS.label: "labels", SKOS.definition: "definitions", RDFS.comment: "comments"}
_OWL_TYPES = {t for _, _, t in SECTIONS if t is not None} | {OWL.NamedIndividual}


def _section(types: set[Identifier]) -> str:
    for key, _, rdf_type in SECTIONS:
        if rdf_type is not None and rdf_type in types:
            return key
    return "individuals"


def ontology_page(engine: Engine, base: str, graph: str, root: str = "") -> dict:
    """Gather the documentation page of the ontology stored in the named graph *graph*."""
    statements = rows(run(engine, "ontology_terms", max_rows=ONTOLOGY_MAX_ROWS, ontology=graph))
    facts: dict[Identifier, dict[Identifier, list[Identifier]]] = defaultdict(lambda: defaultdict(list))
    labels: dict[Identifier, list[Literal]] = defaultdict(list)
    for row in statements:
        term, p, o = row["term"], row["p"], row["o"]
        values = facts[term][p]
        value = row.get("member", o)
        if isinstance(value, BNode) and "member" not in row:
            continue
        if value not in values:
            values.append(value)
        if p == RDFS.label and isinstance(o, Literal):
            labels[term].append(o)
    linker = Linker(base, root)

    subclasses: dict[Identifier, list[Identifier]] = defaultdict(list)
    for term, props in facts.items():
        for parent in props.get(RDFS.subClassOf, []):
            subclasses[parent].append(term)

    sections: dict[str, list[dict[str, Any]]] = {key: [] for key, _, _ in SECTIONS}
    for term in sorted(facts, key=str):
        props = facts[term]
        name = str(term)[len(str(DIP)):]
        entry: dict[str, Any] = {
            "name": name,
            "iri": str(term),
            "label": best_label(labels.get(term, [])) or name,
            "texts": {
                key: sorted(({"lang": v.language or "", "text": str(v)} for v in props.get(p, []) if isinstance(v, Literal)),
                            key=lambda t: (t["lang"] != "en", t["lang"]))
                for p, key in _TEXTS.items()
            },
            "relations": [
                {"name": heading, "values": [linker.term(v) for v in props[p] if v not in _OWL_TYPES]}
                for p, heading in RELATIONS if props.get(p)
            ],
            "subclasses": [linker.term(t) for t in sorted(subclasses.get(term, []), key=str)],
        }
        entry["relations"] = [r for r in entry["relations"] if r["values"]]
        sections[_section(set(props.get(RDF.type, [])))].append(entry)

    header: dict[str, list[Identifier]] = defaultdict(list)
    ontology_iri = None
    for row in rows(run(engine, "ontology_header", ontology=graph)):
        ontology_iri = str(row["ontology"])
        header[linker.compact(str(row["p"]))].append(row["o"])
    return {
        "iri": ontology_iri,
        "header": {k: [linker.term(v) for v in vs] for k, vs in header.items()},
        "title": best_label([v for v in header.get("dcterms:title", []) if isinstance(v, Literal)]) or "Ontology",
        "sections": [
            {"key": key, "title": title, "terms": sections[key]} for key, title, _ in SECTIONS if sections[key]
        ],
    }
