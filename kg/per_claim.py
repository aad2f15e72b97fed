"""Each claim's assertion checked on its own against the per-claim shapes (``shapes/per-claim/``).

Two sources may disagree (two dates for one arrival), so "at most one date" cannot be checked on
the union; it holds within one claim. All claims are checked in one validation: every subject of
a claim's assertion is copied under a name of its own (``<subject>#in=<assertion graph>``) with
its types, the copies are validated together, and each result is told of the real subject and
the claim it comes from.
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import RDF, SH, Graph, Literal, URIRef

from kg.shacl import ShaclReport, read_results, validate


def _scoped(subject: URIRef, assertion: URIRef) -> URIRef:
    return URIRef(f"{subject}#in={assertion}")


def scoped_view(assertions: Mapping[URIRef, Graph], types: Graph) -> tuple[Graph, dict[URIRef, tuple[URIRef, URIRef]]]:
    """Copy every claim's assertion with its subjects renamed per claim, typed as in *types*.

    :returns: the copy, and for each renamed subject the real subject and its assertion graph
    """
    view = Graph()
    where: dict[URIRef, tuple[URIRef, URIRef]] = {}
    for assertion, graph in assertions.items():
        for s, p, o in graph:
            if not isinstance(s, URIRef):
                continue
            scoped = _scoped(s, assertion)
            if scoped not in where:
                where[scoped] = (s, assertion)
                for cls in types.objects(s, RDF.type):
                    view.add((scoped, RDF.type, cls))
            view.add((scoped, p, o))
    return view, where


def validate_claims(assertions: Mapping[URIRef, Graph], types: Graph, shapes: Graph, ontology: Graph) -> ShaclReport:
    """Validate each claim's assertion apart against *shapes*.

    :param types: where the subjects' types come from (the entities and the inferred graphs)
    :returns: a report whose focus nodes are the real subjects; each message names the claim
    """
    view, where = scoped_view(assertions, types)
    report = validate(view, shapes, ontology)
    graph = Graph()
    for prefix, namespace in report.graph.namespaces():
        graph.bind(prefix, namespace)
    for s, p, o in report.graph:
        if p == SH.focusNode and isinstance(o, URIRef) and o in where:
            o = where[o][0]
        elif p == SH.resultMessage and isinstance(o, Literal):
            focus = report.graph.value(s, SH.focusNode)
            if isinstance(focus, URIRef) and focus in where:
                o = Literal(f"{o} (in the claim whose assertion is <{where[focus][1]}>)", lang=o.language)
        graph.add((s, p, o))
    results = read_results(graph, shapes, [ontology, shapes, types])
    return ShaclReport(report.conforms, results, graph)


def merge(first: ShaclReport, second: ShaclReport) -> ShaclReport:
    """One report of two validations: conforms if both do, every result under one report node."""
    graph = Graph()
    for prefix, namespace in (*first.graph.namespaces(), *second.graph.namespaces()):
        graph.bind(prefix, namespace, override=False)
    graph += first.graph
    node = first.graph.value(predicate=RDF.type, object=SH.ValidationReport)
    other = second.graph.value(predicate=RDF.type, object=SH.ValidationReport)
    assert node is not None, "a SHACL report has a sh:ValidationReport node"
    for s, p, o in second.graph:
        if s == other:
            if p == SH.result:
                graph.add((node, SH.result, o))
            continue
        graph.add((s, p, o))
    conforms = first.conforms and second.conforms
    graph.set((node, SH.conforms, Literal(conforms)))
    results = sorted([*first.results, *second.results],
                     key=lambda r: (r.shape, r.focus, r.path, r.value, r.message, r.severity, r.component))
    return ShaclReport(conforms, results, graph)
