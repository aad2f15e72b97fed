"""The ontology: it parses, documents every term in English and Russian, covers the data-model
contract, and is consistent under OWL RL with the entailments and inconsistencies it is built for."""

from __future__ import annotations

import re

import owlrl
import pyoxigraph
import pytest
from owlrl.Namespaces import ERRNS
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kg.paths import PROJECT_ROOT

ONTOLOGY = PROJECT_ROOT / "ontology" / "diplomacy.ttl"
CONTRACT = PROJECT_ROOT / "docs" / "data-model.md"
DIP = Namespace("https://w3id.org/diplomacy-kg/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")
SCHEMA = Namespace("https://schema.org/")
EX = Namespace("https://example.org/test#")

PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY)


def closure(*graphs: Graph) -> Graph:
    """Return a new graph holding *graphs* and their OWL RL closure."""
    merged = Graph()
    for graph in graphs:
        for triple in graph:
            merged.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(merged)
    return merged


def errors(graph: Graph) -> list[str]:
    """Return the inconsistency messages that owlrl left in *graph*."""
    return sorted(str(message) for message in graph.objects(None, ERRNS.error))


def dip_terms(graph: Graph) -> set[URIRef]:
    """Every ``dip:`` IRI that the ontology describes."""
    return {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(str(DIP))}


def contract_names() -> set[str]:
    """Every ``dip:`` name written in the data-model contract."""
    return set(re.findall(r"\bdip:([A-Za-z][A-Za-z0-9_]*)", CONTRACT.read_text(encoding="utf-8")))


def test_rdflib_and_oxigraph_read_the_same_triples(onto: Graph) -> None:
    oxi = list(pyoxigraph.parse(path=str(ONTOLOGY), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(oxi) == len(onto) > 1000


def test_header(onto: Graph) -> None:
    ontology = URIRef("https://w3id.org/diplomacy-kg/ontology")
    assert (ontology, RDF.type, OWL.Ontology) in onto
    assert onto.value(ontology, OWL.versionInfo) == Literal("0.1.0")
    assert onto.value(ontology, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert onto.value(ontology, DCTERMS.created).datatype == XSD.date
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {lit.language for lit in onto.objects(ontology, prop)} == {"en", "ru"}


def test_file_declares_the_prefixes_the_builder_uses() -> None:
    bare = Graph(bind_namespaces="none").parse(ONTOLOGY)
    prefixes = {prefix: str(ns) for prefix, ns in bare.namespaces()}
    expected = {
        "dip": str(DIP), "org": str(ORG), "schema": "https://schema.org/", "foaf": "http://xmlns.com/foaf/0.1/",
        "prov": str(PROV), "time": str(TIME), "skos": str(SKOS), "dcterms": str(DCTERMS), "oa": str(OA),
        "void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#", "xsd": str(XSD),
        "rdfs": str(RDFS), "rdf": str(RDF), "owl": str(OWL), "wd": "http://www.wikidata.org/entity/",
    }
    assert {p: prefixes.get(p) for p in expected} == expected


def test_every_dip_term_has_english_and_russian_label_and_definition(onto: Graph) -> None:
    terms = dip_terms(onto)
    assert {DIP[name] for name in contract_names()} <= terms
    missing = []
    for term in sorted(terms):
        for prop in (RDFS.label, SKOS.definition):
            languages = {lit.language for lit in onto.objects(term, prop) if isinstance(lit, Literal)}
            missing.extend(f"{term} {prop.n3(onto.namespace_manager)} @{lang}"
                           for lang in ("en", "ru") if lang not in languages)
    assert missing == []


def test_every_dip_name_in_the_contract_is_defined(onto: Graph) -> None:
    names = contract_names()
    assert {"State", "hasModality", "cameo036", "CAMEO", "AssociateMember"} <= names
    undefined = sorted(name for name in names if (DIP[name], RDF.type, None) not in onto)
    assert undefined == []


def test_contract_property_names_are_declared_properties(onto: Graph) -> None:
    """Lower-case contract names other than the CAMEO codes are properties of a known kind."""
    names = {n for n in contract_names() if n[0].islower() and not re.fullmatch(r"cameo\d{3}", n)}
    assert {"value", "supports", "locatedIn"} <= names
    kinds = {name: set(onto.objects(DIP[name], RDF.type)) & set(PROPERTY_KINDS) for name in names}
    assert sorted(name for name, kind in kinds.items() if len(kind) != 1) == []


def test_reused_properties_are_declared(onto: Graph) -> None:
    reused = {
        OWL.ObjectProperty: [
            ORG.heldBy, ORG.holds, ORG.postIn, ORG.unitOf, ORG.member, ORG.organization, ORG.role,
            ORG.memberDuring, TIME.hasBeginning, TIME.hasEnd, DCTERMS.publisher, DCTERMS.source,
            DCTERMS.license, DCTERMS.hasPart, SKOS.exactMatch, SKOS.inScheme, OA.hasBody, OA.hasTarget,
            OA.hasSource, OA.hasSelector, PROV.wasDerivedFrom, SCHEMA.eventStatus,
        ],
        OWL.DatatypeProperty: [
            TIME.inXSDDate, DCTERMS.issued, DCTERMS.language, SKOS.notation, OA.exact, OA.prefix,
            OA.suffix, OA.start, OA.end,
        ],
        OWL.AnnotationProperty: [RDFS.label, SKOS.altLabel, SKOS.definition, DCTERMS.title],
    }
    wrong = [(str(p), str(kind)) for kind, props in reused.items() for p in props if (p, RDF.type, kind) not in onto]
    assert wrong == []


@pytest.mark.parametrize(
    ("prop", "datatype"),
    [
        (TIME.inXSDDate, XSD.date), (DCTERMS.issued, XSD.date), (DCTERMS.language, XSD.language),
        (OA.start, XSD.nonNegativeInteger), (OA.end, XSD.nonNegativeInteger), (OA.exact, XSD.string),
        (RDFS.label, RDF.langString), (SKOS.altLabel, RDF.langString), (DCTERMS.title, RDF.langString),
        (DIP.value, XSD.decimal), (DIP.minValue, XSD.decimal), (DIP.maxValue, XSD.decimal),
        (DIP.date, XSD.date), (DIP.periodicity, XSD.duration), (DIP.currency, XSD.string),
        (DIP.statement, RDF.langString), (DIP.purpose, RDF.langString), (DIP.note, RDF.langString),
    ],
)
def test_literal_ranges(onto: Graph, prop: URIRef, datatype: URIRef) -> None:
    assert list(onto.objects(prop, RDFS.range)) == [datatype]


def test_every_dip_datatype_property_has_exactly_one_range(onto: Graph) -> None:
    props = set(onto.subjects(RDF.type, OWL.DatatypeProperty)) & dip_terms(onto)
    assert DIP.text in props
    assert sorted(str(p) for p in props if len(list(onto.objects(p, RDFS.range))) != 1) == []


@pytest.mark.parametrize(
    ("prop", "inverse"),
    [
        (DIP.capital, DIP.capitalOf), (ORG.heldBy, ORG.holds), (DIP.hasParty, DIP.partyTo),
        (DIP.supports, DIP.supportedBy), (DIP.mentionedIn, DIP.mentions), (DIP.policyOf, DIP.hasPolicy),
    ],
)
def test_inverses(onto: Graph, prop: URIRef, inverse: URIRef) -> None:
    assert (prop, OWL.inverseOf, inverse) in onto or (inverse, OWL.inverseOf, prop) in onto


def test_cameo_codes(onto: Graph) -> None:
    codes = set(onto.subjects(RDF.type, DIP.CameoCode))
    notations = {str(onto.value(code, SKOS.notation)) for code in codes}
    assert notations == {"030", "036", "042", "043", "044", "050", "057", "061"}
    assert all((code, SKOS.inScheme, DIP.CAMEO) in onto for code in codes)
    assert (DIP.CAMEO, RDF.type, SKOS.ConceptScheme) in onto
    definition = str(onto.value(DIP.CAMEO, SKOS.definition))
    for word in ("GDELT", "ICEWS", "036", "042", "043"):
        assert word in definition


def test_membership_roles_are_org_roles(onto: Graph) -> None:
    roles = {DIP.Participant, DIP.AssociateMember, DIP.FullMember}
    assert roles <= set(onto.subjects(RDF.type, ORG.Role))


@pytest.fixture(scope="module")
def closed_ontology(onto: Graph) -> Graph:
    return closure(onto)


def test_ontology_is_owl_rl_consistent(closed_ontology: Graph) -> None:
    assert errors(closed_ontology) == []


def test_the_closure_adds_something(onto: Graph, closed_ontology: Graph) -> None:
    assert (DIP.State, RDFS.subClassOf, DIP.Actor) in closed_ontology
    assert (DIP.Summit, RDFS.subClassOf, SCHEMA.Event) not in onto
    assert (DIP.Summit, RDFS.subClassOf, SCHEMA.Event) in closed_ontology


def test_every_class_can_have_members(onto: Graph) -> None:
    """One fresh individual per dip: class: no class is made empty by the disjointness axioms."""
    data = Graph()
    classes = sorted(set(onto.subjects(RDF.type, OWL.Class)) & dip_terms(onto))
    assert len(classes) > 40
    for cls in classes:
        data.add((EX["a" + cls.removeprefix(str(DIP))], RDF.type, cls))
    assert errors(closure(onto, data)) == []


def test_modality_follows_the_supporting_claim(onto: Graph) -> None:
    data = Graph()
    data.add((EX.forecastValue, DIP.supportedBy, EX.claim))
    data.add((EX.claim, DIP.modality, DIP.Forecast))
    entailed = (EX.forecastValue, DIP.hasModality, DIP.Forecast)
    assert entailed not in data
    closed = closure(onto, data)
    assert entailed in closed
    assert (EX.claim, RDF.type, DIP.Claim) in closed
    assert errors(closed) == []


def test_a_state_that_is_also_a_person_is_inconsistent(onto: Graph) -> None:
    data = Graph()
    data.add((EX.turkmenistan, RDF.type, DIP.State))
    data.add((EX.turkmenistan, RDF.type, DIP.Person))
    messages = errors(closure(onto, data))
    assert any("turkmenistan" in message and "Disjoint" in message for message in messages)


def test_a_state_is_an_actor_and_a_place(onto: Graph) -> None:
    data = Graph()
    data.add((EX.russia, RDF.type, DIP.State))
    data.add((EX.russia, DIP.capital, EX.moscow))
    closed = closure(onto, data)
    assert {DIP.Actor, DIP.Place} <= set(closed.objects(EX.russia, RDF.type))
    assert (EX.moscow, RDF.type, DIP.City) in closed
    assert (EX.moscow, DIP.capitalOf, EX.russia) in closed
    assert errors(closed) == []


def test_a_claim_with_two_modalities_is_inconsistent(onto: Graph) -> None:
    data = Graph()
    data.add((EX.claim, DIP.modality, DIP.Reported))
    data.add((EX.claim, DIP.modality, DIP.Expected))
    assert errors(closure(onto, data)) != []
