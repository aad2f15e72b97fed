"""Every IRI the builder mints, and the namespaces the builder itself writes with.

The patterns follow the table in ``docs/data-model.md``; the base is the ``BASE_IRI`` setting.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef

DEFAULT_BASE_IRI = "https://w3id.org/diplomacy-kg/"

#: the ontology namespace (``dip:``); bare names in annotation files belong to it
DIP = Namespace("https://w3id.org/diplomacy-kg/ontology#")
#: Web Annotation vocabulary (``oa:``)
OA = Namespace("http://www.w3.org/ns/oa#")
#: schema.org (``schema:``), as the ontology binds it
SCHEMA = Namespace("https://schema.org/")
#: Wikidata items (``wd:``)
WD = Namespace("http://www.wikidata.org/entity/")

#: the fixed named graphs, in the order of the TriG file; each claim has a graph of its own besides
GRAPH_NAMES = ("ontology", "entities", "sources", "external", "derived", "provenance", "inferred")


def _base(base: str) -> str:
    """Return *base* ending in ``/`` or ``#`` so that paths can be appended."""
    return base if base.endswith(("/", "#")) else base + "/"


def node_iri(base: str, node_id: str) -> URIRef:
    """IRI of the node *node_id* (``{base}id/{node_id}``); nested nodes pass ``X/p``."""
    return URIRef(f"{_base(base)}id/{node_id}")


def article_iri(base: str, article_id: str) -> URIRef:
    """IRI of an article (``{base}article/{id}``)."""
    return URIRef(f"{_base(base)}article/{article_id}")


def claim_iri(base: str, article_id: str, claim_id: str) -> URIRef:
    """IRI of claim *claim_id* of an article (``{base}claim/{article}/{claim}``)."""
    return URIRef(f"{_base(base)}claim/{article_id}/{claim_id}")


def assertion_iri(base: str, article_id: str, claim_id: str) -> URIRef:
    """IRI of the named graph holding what a claim asserts (``{claim}/assertion``)."""
    return URIRef(f"{claim_iri(base, article_id, claim_id)}/assertion")


def evidence_iri(base: str, article_id: str, claim_id: str) -> URIRef:
    """IRI of the evidence annotation of a claim (``{claim}/evidence``)."""
    return URIRef(f"{claim_iri(base, article_id, claim_id)}/evidence")


def mention_iri(base: str, article_id: str, node_id: str, n: int) -> URIRef:
    """IRI of the *n*-th (1-based) mention of a node in an article (``{base}mention/{article}/{node}/{n}``)."""
    return URIRef(f"{_base(base)}mention/{article_id}/{node_id}/{n}")


def target_iris(annotation: URIRef) -> tuple[URIRef, URIRef, URIRef]:
    """Return the target, quote selector and position selector IRIs of an evidence or mention."""
    return URIRef(f"{annotation}/target"), URIRef(f"{annotation}/quote"), URIRef(f"{annotation}/position")


def external_iri(base: str, entry_id: str) -> URIRef:
    """IRI of a background fact from an ``external:`` entry (``{base}external/{id}``)."""
    return URIRef(f"{_base(base)}external/{entry_id}")


def graph_iri(base: str, name: str) -> URIRef:
    """IRI of the named graph *name*, one of :data:`GRAPH_NAMES` (``{base}graph/{name}``).

    :raises ValueError: for a name that is not one of :data:`GRAPH_NAMES`
    """
    if name not in GRAPH_NAMES:
        raise ValueError(f"unknown graph name {name!r}; expected one of {', '.join(GRAPH_NAMES)}")
    return URIRef(f"{_base(base)}graph/{name}")


def dataset_iri(base: str) -> URIRef:
    """IRI of the dataset description (``{base}dataset``)."""
    return URIRef(f"{_base(base)}dataset")


def base_iri(base: str) -> str:
    """The configured base IRI as minted IRIs start: ending in ``/`` or ``#`` (the one place this is decided)."""
    return _base(base)
