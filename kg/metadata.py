"""What the build says about itself: the provenance graph and the VoID/DCAT description.

No time is written unless ``SOURCE_DATE_EPOCH`` is set, so the same input gives the same files.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from rdflib import (
    DCAT,
    DCTERMS,
    FOAF,
    PROV,
    RDF,
    RDFS,
    SKOS,
    VOID,
    XSD,
    Graph,
    Literal,
    URIRef,
)

from kg.annotations import SourceFile
from kg.iris import DIP, WD, dataset_iri, graph_iri

#: output file -> media type, for the distributions in ``void.ttl``
MEDIA_TYPES = {
    "dataset.trig": "application/trig",
    "graph.ttl": "text/turtle",
    "graph.nt": "application/n-triples",
    "graph.jsonld": "application/ld+json",
}
_IANA = "https://www.iana.org/assignments/media-types/"



def build_time() -> datetime.datetime | None:
    """The time from ``SOURCE_DATE_EPOCH`` (reproducible builds), or ``None`` when it is not set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)


def _timestamp(when: datetime.datetime) -> Literal:
    return Literal(when.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)


def source_names(sources: Sequence[SourceFile], home: Path) -> dict[Path, str]:
    """Name each source file by its path under *home* (or its file name when it lies elsewhere)."""
    names: dict[Path, str] = {}
    for source in sources:
        try:
            name = source.path.resolve().relative_to(home.resolve()).as_posix()
        except ValueError:
            name = source.path.name
        while name in names.values():
            name = f"{name}-2"
        names[source.path] = name
    return names


def provenance(base: str, sources: Sequence[SourceFile], home: Path,
               claim_graphs: Mapping[URIRef, Sequence[Path]] | None = None) -> Graph:
    """The build as a ``prov:Activity`` that used every source file and generated the named graphs.

    Each file is ``{base}source/<path under home>`` with its role (``dcterms:type``) and
    ``dip:sha256``; the ontology graph is derived from the ontology file, the entities, sources,
    external and claim graphs from the annotation and text files, the derived graph from the rules
    and those, the inferred graph from the ontology and the data.

    :param claim_graphs: the claims' assertion graphs, each with the files it comes from
    """
    graph = Graph()
    graph.bind("prov", PROV)
    graph.bind("dip", DIP)
    activity = URIRef(f"{base}build")
    graph.add((activity, RDF.type, PROV.Activity))
    when = build_time()
    if when is not None:
        graph.add((activity, PROV.endedAtTime, _timestamp(when)))
    names = source_names(sources, home)
    by_role: dict[str, list[URIRef]] = {}
    by_path: dict[Path, URIRef] = {}
    for source in sources:
        iri = by_path[source.path] = URIRef(f"{base}source/{names[source.path]}")
        by_role.setdefault(source.role, []).append(iri)
        graph.add((activity, PROV.used, iri))
        graph.add((iri, RDF.type, PROV.Entity))
        graph.add((iri, RDFS.label, Literal(names[source.path])))
        graph.add((iri, DCTERMS.type, Literal(source.role)))
        graph.add((iri, DIP.sha256, Literal(source.sha256)))
    annotated = by_role.get("annotations", []) + by_role.get("text", [])
    data = [graph_iri(base, name) for name in ("entities", "sources", "external")]
    derived = {
        graph_iri(base, "ontology"): by_role.get("ontology", []),
        graph_iri(base, "entities"): by_role.get("annotations", []),
        graph_iri(base, "sources"): annotated,
        graph_iri(base, "external"): by_role.get("annotations", []),
        graph_iri(base, "derived"): by_role.get("rules", []) + data,
        graph_iri(base, "inferred"): [graph_iri(base, "ontology"), *data],
        **{claim: [by_path[p] for p in files] for claim, files in (claim_graphs or {}).items()},
    }
    for named, origins in derived.items():
        graph.add((named, PROV.wasGeneratedBy, activity))
        for origin in origins:
            graph.add((named, PROV.wasDerivedFrom, origin))
    graph.add((graph_iri(base, "provenance"), PROV.wasGeneratedBy, activity))
    return graph


def _vocabularies(union: Graph, namespaces: Mapping[str, str], base: str) -> set[URIRef]:
    """The namespaces (among the bound ones, not the base) of every property and class used."""
    terms = set(union.predicates()) | {o for o in union.objects(None, RDF.type) if isinstance(o, URIRef)}
    candidates = sorted((ns for ns in set(namespaces.values()) if ns != base), key=len, reverse=True)
    found = set()
    for term in terms:
        for namespace in candidates:
            if str(term).startswith(namespace):
                found.add(URIRef(namespace))
                break
    return found


def void(base: str, template: Graph, graphs: Mapping[str, Graph], assertions: Mapping[URIRef, Graph],
         articles: Sequence[URIRef], sizes: Mapping[str, int]) -> Graph:
    """Describe the dataset with VoID and DCAT.

    :param template: what cannot be computed (title, description, licence …)
    :param graphs: the fixed named graphs by name (see :data:`kg.iris.GRAPH_NAMES`)
    :param assertions: the claims' assertion graphs, described together as ``{base}dataset/claims``
    :param articles: the articles the dataset is made from (``dcterms:source``)
    :param sizes: the byte size of each output file named in :data:`MEDIA_TYPES`
    """
    out = Graph()
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("xsd", XSD),
                              ("foaf", FOAF), ("skos", SKOS), ("kgd", base)):
        out.bind(prefix, namespace)
    for graph in graphs.values():
        for prefix, namespace in graph.namespaces():
            out.bind(prefix, namespace, override=False)
    out += template
    ds = dataset_iri(base)
    union = Graph()
    for graph in (*graphs.values(), *assertions.values()):
        union += graph
    out.add((ds, RDF.type, VOID.Dataset))
    out.add((ds, RDF.type, DCAT.Dataset))
    out.add((ds, VOID.uriSpace, Literal(base)))
    out.add((ds, VOID.sparqlEndpoint, URIRef(f"{base}sparql")))
    out.add((ds, VOID.triples, Literal(len(union))))
    out.add((ds, VOID.entities, Literal(len(set(union.subjects(RDF.type, None))))))
    out.add((ds, VOID.classes, Literal(len(set(union.objects(None, RDF.type))))))
    out.add((ds, VOID.properties, Literal(len(set(union.predicates())))))
    when = build_time()
    if when is not None:
        out.add((ds, DCTERMS.modified, _timestamp(when)))
    for article in articles:
        out.add((ds, DCTERMS.source, article))
    namespaces = {p: str(ns) for g in graphs.values() for p, ns in g.namespaces()}
    for vocabulary in _vocabularies(union, namespaces, base):
        out.add((ds, VOID.vocabulary, vocabulary))
    for name, graph in graphs.items():
        subset = graph_iri(base, name)
        out.add((ds, VOID.subset, subset))
        out.add((subset, RDF.type, VOID.Dataset))
        out.add((subset, VOID.triples, Literal(len(graph))))
    claims = URIRef(f"{base}dataset/claims")
    out.add((ds, VOID.subset, claims))
    out.add((claims, RDF.type, VOID.Dataset))
    out.add((claims, DCTERMS.description, Literal("The claims' assertion graphs, one per claim, taken together.", lang="en")))
    out.add((claims, VOID.triples, Literal(sum(len(g) for g in assertions.values()))))
    out.add((claims, DIP.graphCount, Literal(len(assertions), datatype=XSD.nonNegativeInteger)))
    _linkset(out, base, union)
    for file, media_type in MEDIA_TYPES.items():
        distribution = URIRef(f"{base}dataset/{file}")
        out.add((ds, DCAT.distribution, distribution))
        out.add((distribution, RDF.type, DCAT.Distribution))
        out.add((distribution, DCTERMS.title, Literal(file)))
        out.add((distribution, DCAT.mediaType, URIRef(_IANA + media_type)))
        out.add((distribution, DCAT.byteSize, Literal(sizes[file], datatype=XSD.nonNegativeInteger)))
    return out


def _linkset(out: Graph, base: str, union: Graph) -> None:
    """Add the ``skos:exactMatch`` links to Wikidata as a ``void:Linkset`` with its triple count."""
    ds = dataset_iri(base)
    links = [t for t in union.triples((None, SKOS.exactMatch, None)) if str(t[2]).startswith(str(WD))]
    linkset, wikidata = URIRef(f"{base}dataset/wikidata-links"), URIRef(f"{base}dataset/wikidata")
    out.add((ds, VOID.subset, linkset))
    out.add((linkset, RDF.type, VOID.Linkset))
    out.add((linkset, VOID.linkPredicate, SKOS.exactMatch))
    out.add((linkset, VOID.subjectsTarget, ds))
    out.add((linkset, VOID.objectsTarget, wikidata))
    out.add((linkset, VOID.triples, Literal(len(links))))
    out.add((wikidata, RDF.type, VOID.Dataset))
    out.add((wikidata, DCTERMS.title, Literal("Wikidata", lang="en")))
    out.add((wikidata, VOID.uriSpace, Literal(str(WD))))
    out.add((wikidata, FOAF.homepage, URIRef("https://www.wikidata.org/")))
