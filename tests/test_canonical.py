"""Blank nodes get labels from the graph's content; every other term is copied exactly."""

from __future__ import annotations

import random

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace

from kg.outputs import canonical, ntriples

EX = Namespace("http://example.org/")


def a_list_and_a_restriction(order: int) -> Graph:
    """A graph with a list and a restriction as blank nodes, its triples added in a shuffled order."""
    first, rest, restriction = BNode(), BNode(), BNode()
    triples = [
        (EX.union, EX.members, first), (first, RDF.first, EX.State), (first, RDF.rest, rest),
        (rest, RDF.first, EX.City), (rest, RDF.rest, RDF.nil),
        (EX.Capital, RDFS.subClassOf, restriction), (restriction, EX.onProperty, EX.capitalOf),
        (EX.russia, RDFS.label, Literal("Russia", lang="en")), (EX.russia, EX.population, Literal("146", datatype=XSD.integer)),
    ]
    random.Random(order).shuffle(triples)
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def test_the_same_content_gives_the_same_labels_whatever_the_order_and_ids() -> None:
    texts = {ntriples(canonical(a_list_and_a_restriction(order))) for order in range(5)}
    assert len(texts) == 1
    assert "_:b" in texts.pop()


def test_triples_without_blank_nodes_keep_their_exact_terms() -> None:
    graph = a_list_and_a_restriction(0)
    exact = [(EX.a, EX.typed, Literal("x", datatype=XSD.string)), (EX.a, EX.plain, Literal("x")),
             (EX.a, EX.tag, Literal("x", lang="en-US")), (EX.a, EX.number, Literal("007", datatype=XSD.integer))]
    for triple in exact:
        graph.add(triple)
    graph.add((BNode(), EX.about, Literal("x", datatype=XSD.string)))
    out = canonical(graph)
    assert all(triple in out for triple in exact)
    assert len(out) == len(graph)
    about = list(out.objects(None, EX.about))
    assert about == [Literal("x", datatype=XSD.string)] and about[0].datatype == XSD.string


def test_whole_decimals_get_the_turtle_form() -> None:
    graph = Graph()
    graph.add((EX.a, EX.value, Literal("342", datatype=XSD.decimal)))
    graph.add((BNode(), EX.value, Literal("7", datatype=XSD.decimal)))
    values = {str(o) for o in canonical(graph).objects(None, EX.value)}
    assert values == {"342.0", "7.0"}


def test_graphs_with_different_blank_nodes_stay_apart_in_a_union() -> None:
    first = canonical(a_list_and_a_restriction(0))
    other = a_list_and_a_restriction(0)
    other.add((EX.union, EX.members, BNode()))
    second = canonical(other)
    labels = [{t for triple in g for t in triple if isinstance(t, BNode)} for g in (first, second)]
    assert labels[0] and labels[1] and not labels[0] & labels[1]
    union = Graph()
    union += first
    union += second
    assert len(union) == len(first) + len(second) - sum(
        1 for triple in first if not any(isinstance(t, BNode) for t in triple))
