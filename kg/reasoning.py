"""The OWL RL closure of the data under the ontology, and what it says when the data is inconsistent."""

from __future__ import annotations

import re
from collections.abc import Iterable

import owlrl
from owlrl.Namespaces import ERRNS
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import DataError

#: namespaces of the modelling language (and of the reasoner's own messages)
_LANGUAGE_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD), str(ERRNS), "http://www.w3.org/ns/owl-rl#")
#: properties for which ``x p x`` holds for every term and says nothing
_REFLEXIVE = {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf, RDFS.subPropertyOf}
#: objects every resource or class trivially has
_TOP = {OWL.Thing, RDFS.Resource}

_DISJOINT = re.compile(r"^Disjoint classes (\S+) and (\S+) have a common individual (\S+)$")
Triple = tuple[Node, Node, Node]


def _in_language(term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(_LANGUAGE_NAMESPACES)


def _trivial(triple: Triple, given: Graph) -> bool:
    s, p, o = triple
    if not isinstance(s, URIRef) or _in_language(s) or isinstance(o, BNode):
        return True
    if p in _REFLEXIVE and s == o:
        return True
    if o in _TOP or (p == RDF.type and _in_language(o)):
        return True
    if isinstance(o, Literal):
        # the same value again in another lexical form ("1.0" for "1"), or typed anew
        return any(isinstance(v, Literal) and v.eq(o) for v in given.objects(s, p))
    return False


def close(ontology: Graph, data: Iterable[Graph]) -> Graph:
    """Compute what OWL RL adds to *ontology* and *data*.

    The closure runs on a copy (the inputs are not changed); the result holds only the new
    triples, without the trivial ones:

    - triples whose subject is not an IRI (blank nodes, the reasoner's literal proxies) or is a
      term of RDF, RDFS, OWL or XSD themselves (``owl:Thing rdfs:subClassOf owl:Thing`` …);
    - triples whose object is a blank node (anonymous restriction classes and list cells);
    - reflexive ``x owl:sameAs x``, ``owl:equivalentClass``, ``owl:equivalentProperty``,
      ``rdfs:subClassOf`` and ``rdfs:subPropertyOf`` triples;
    - types and super-classes that hold for everything (``owl:Thing``, ``rdfs:Resource``) and
      types from the modelling language (``owl:Class``, ``rdf:Property``, ``owl:NamedIndividual`` …);
    - a literal that equals, as a value, one the subject already has for the same property.

    :param ontology: the ontology graph
    :param data: the data graphs (asserted, external …)
    :returns: a new graph with the inferred triples
    :raises DataError: when the data is inconsistent with the ontology (e.g. a resource is an
        instance of two disjoint classes), naming the resource, the classes and what to change
    """
    given = Graph()
    for prefix, namespace in ontology.namespaces():
        given.bind(prefix, namespace)
    given += ontology
    for graph in data:
        given += graph
    closure = Graph()
    closure += given
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    errors = sorted(str(m) for m in closure.objects(None, ERRNS.error))
    if errors:
        raise DataError(_explain(errors, given, closure))
    inferred = Graph()
    for prefix, namespace in ontology.namespaces():
        inferred.bind(prefix, namespace)
    for triple in closure:
        if triple not in given and not _trivial(triple, given):
            inferred.add(triple)
    return inferred


def _name(term: Node, graph: Graph) -> str:
    try:
        return graph.namespace_manager.normalizeUri(URIRef(str(term)))
    except Exception:  # noqa: BLE001 - any term rdflib cannot shorten is shown in full
        return f"<{term}>"


def _why(resource: URIRef, cls: URIRef, given: Graph, closure: Graph) -> str:
    """Say why *resource* is an instance of *cls*: a declared type, or a property's domain or range."""
    if (resource, RDF.type, cls) in given:
        return f"declared as {_name(cls, given)}"
    reasons = []
    for declared in sorted(given.objects(resource, RDF.type), key=str):
        if (declared, RDFS.subClassOf, cls) in closure:
            reasons.append(f"declared as {_name(declared, given)}")
    for p in sorted(set(given.predicates(resource, None)), key=str):
        if (p, RDFS.domain, cls) in closure:
            reasons.append(f"subject of {_name(p, given)}")
    for p in sorted(set(given.predicates(None, resource)), key=str):
        if (p, RDFS.range, cls) in closure:
            reasons.append(f"value of {_name(p, given)}")
    return ", ".join(reasons) or "inferred"


def _explain(errors: list[str], given: Graph, closure: Graph) -> str:
    lines = ["the data is inconsistent with the ontology (OWL RL):"]
    for message in errors[:10]:
        match = _DISJOINT.match(message)
        if match is None:
            lines.append(f"  - {message}")
            continue
        c1, c2, resource = (URIRef(str(x)) for x in match.groups())
        lines.append(
            f"  - {_name(resource, given)} is both a {_name(c1, given)} ({_why(resource, c1, given, closure)}) "
            f"and a {_name(c2, given)} ({_why(resource, c2, given, closure)}), but the ontology declares "
            "these classes disjoint: fix its `type` or the property that implies the wrong class"
        )
    if len(errors) > 10:
        lines.append(f"  … and {len(errors) - 10} more")
    return "\n".join(lines)
