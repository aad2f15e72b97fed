"""The SHACL shapes of ``shapes/``: they parse, every constraint explains itself, each kind of shape
accepts a conforming fixture and reports a violating one (``tests/data/shapes/``), and the real
build of the Trend report conforms while broken copies of it do not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, SH, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kg import paths
from kg.annotations import Corpus, load_corpus
from kg.build import data_dirs, load_ontology, load_shapes, shape_files
from kg.errors import DataError
from kg.iris import DEFAULT_BASE_IRI, graph_iri
from kg.reasoning import close
from kg.rules import derive, load_rules
from kg.shacl import validate

FIXTURES = Path(__file__).resolve().parent / "data" / "shapes"
DIP = Namespace("https://w3id.org/diplomacy-kg/ontology#")
DSH = Namespace("https://w3id.org/diplomacy-kg/shapes#")
OA = Namespace("http://www.w3.org/ns/oa#")
TIME = Namespace("http://www.w3.org/2006/time#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
ORG = Namespace("http://www.w3.org/ns/org#")
ID = Namespace(DEFAULT_BASE_IRI + "id/")
ARTICLE = URIRef(DEFAULT_BASE_IRI + "article/2025-12-11-trend-ashgabat")

#: the parameters of SHACL Core constraint components (a shape that has one reports results)
CONSTRAINT_PARAMETERS = {
    SH[name] for name in (
        "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive",
        "maxInclusive", "minLength", "maxLength", "pattern", "languageIn", "uniqueLang", "equals", "disjoint",
        "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node", "property", "qualifiedValueShape",
        "closed", "hasValue", "in",
    )
}
#: parameters whose values are shapes that report through the shape that holds them
NESTING = (SH["not"], SH["and"], SH["or"], SH["xone"], SH.qualifiedValueShape, SH.node)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(paths.shapes_dir())


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology(paths.ontology_file())


# ---------------------------------------------------------------------------------------------
# The shapes files themselves
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", shape_files(paths.shapes_dir()), ids=lambda p: p.name)
def test_shapes_file_parses_with_rdflib_and_pyoxigraph(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert len(graph) > 0
    assert len(quads) == len(graph)


def test_shapes_are_split_into_cohesive_files() -> None:
    names = {p.name for p in shape_files(paths.shapes_dir())}
    assert {"prefixes.ttl", "actors.ttl", "documents.ttl", "events.ttl", "observations.ttl", "claims.ttl",
            "time.ttl"} <= names


def _nested(shapes: Graph) -> set[Node]:
    """Shapes that only serve as values of sh:or, sh:not, sh:qualifiedValueShape … of another shape."""
    nested: set[Node] = set()
    for parameter in NESTING:
        for value in shapes.objects(None, parameter):
            if (value, RDF.first, None) in shapes:
                nested.update(shapes.items(value))
            else:
                nested.add(value)
    return nested


def _reporting_shapes(shapes: Graph) -> set[Node]:
    """Every shape or SPARQL constraint that produces validation results of its own."""
    nested = _nested(shapes)
    found: set[Node] = set(shapes.objects(None, SH.sparql))
    found |= {s for s in shapes.objects(None, SH.property) if s not in nested}
    for target in TARGETS:
        for shape in shapes.subjects(target, None):
            own = set(shapes.predicates(shape, None)) & CONSTRAINT_PARAMETERS - {SH.property}
            if own:
                found.add(shape)
    return found


def test_every_constraint_has_an_english_message(shapes: Graph) -> None:
    reporting = _reporting_shapes(shapes)
    assert len(reporting) > 100
    missing = sorted(str(s) for s in reporting
                     if not any(isinstance(m, Literal) and m.language == "en" for m in shapes.objects(s, SH.message)))
    assert missing == []


def test_no_node_shape_mixes_its_own_message_with_sparql_constraints(shapes: Graph) -> None:
    """A node shape's sh:message would also be attached to the results of its SPARQL constraints."""
    assert [str(s) for s in shapes.subjects(SH.sparql, None) if (s, SH.message, None) in shapes] == []


def test_every_sparql_constraint_uses_the_shared_prefixes(shapes: Graph) -> None:
    selects = [n for n in shapes.subjects(SH.select, None)]
    assert len(selects) >= 10
    assert all(shapes.value(n, SH.prefixes) == DSH.prefixes for n in selects)
    declared = {str(shapes.value(d, SH.prefix)) for d in shapes.objects(DSH.prefixes, SH.declare)}
    assert {"dip", "oa", "time", "prov", "skos", "rdfs"} <= declared


def test_every_dip_class_is_the_target_of_a_node_shape(shapes: Graph, ontology: Graph) -> None:
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(DIP))}
    targeted = set(shapes.objects(None, SH.targetClass))
    assert len(classes) > 40
    assert sorted(str(c) for c in classes - targeted) == []


def test_no_shape_targets_skos_concept_as_a_whole(shapes: Graph) -> None:
    assert (None, SH.targetClass, SKOS.Concept) not in shapes


# ---------------------------------------------------------------------------------------------
# Fixtures: one conforming file per kind of shape, and violating variants
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    shape: Node | None
    constraint: Node | None
    path: Node | None
    focus: Node | None
    message: str


def _results(report: Graph, shapes: Graph, severity: URIRef = SH.Violation) -> list[Result]:
    """The results of *report* with *severity*; a blank property shape is named by its node shape."""
    results = []
    for n in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(n, SH.resultSeverity) != severity:
            continue
        shape = report.value(n, SH.sourceShape)
        if isinstance(shape, BNode):
            shape = shapes.value(None, SH.property, shape)
        results.append(Result(shape, report.value(n, SH.sourceConstraint), report.value(n, SH.resultPath),
                              report.value(n, SH.focusNode),
                              " ".join(str(m) for m in report.objects(n, SH.resultMessage))))
    return results


def _validate_file(name: str, shapes: Graph, ontology: Graph) -> tuple[bool, list[Result]]:
    data = Graph().parse(FIXTURES / name, format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                           advanced=True, allow_warnings=True)
    return bool(conforms), _results(report, shapes)


def _key(result: Result) -> Node | None:
    """Name a result by its SPARQL constraint, else by its (named) shape."""
    return result.constraint if isinstance(result.constraint, URIRef) else result.shape


CONFORMING = ["labels.ttl", "wikidata.ttl", "interval.ttl", "agreement.ttl", "observation.ttl",
              "membership.ttl", "claim.ttl"]


@pytest.mark.parametrize("name", CONFORMING)
def test_conforming_fixture_has_no_violation(name: str, shapes: Graph, ontology: Graph) -> None:
    conforms, results = _validate_file(name, shapes, ontology)
    assert results == []
    assert conforms


@dataclass(frozen=True)
class Case:
    file: str
    #: the shape (or SPARQL constraint) that must report, and the only ones that may
    shapes: tuple[URIRef, ...]
    path: URIRef | None
    focus: URIRef
    message: str


CASES = [
    Case("labels-no-ru.ttl", (DSH["LabelShape-ru"],), RDFS.label, ID.ashgabat, "no Russian label"),
    Case("wikidata-bad.ttl", (DSH["WikidataLinkShape-form"],), SKOS.exactMatch, ID.russia,
         "must be an entity IRI http://www.wikidata.org/entity/Q<number>"),
    Case("interval-reversed.ttl", (DSH["IntervalShape-order"],), TIME.hasEnd, ID["q1-2025"],
         "ends (2025-01-01) before it begins (2025-03-31)"),
    Case("agreement-one-party.ttl", (DSH["AgreementShape-parties"],), DIP.hasParty,
         ID["rzd-tdy-cooperation-programme"], "at least two parties"),
    Case("agreement-signed-late.ttl", (DSH["DatedDocumentShape-signedBeforeValid"],), DIP.signingDate,
         ID["rzd-tdy-cooperation-programme"], "signed (2024-03-01) after its validity begins (2023-01-01)"),
    Case("observation-negative.ttl", (DSH["NonNegativeAmountShape-minValue"],), DIP.minValue,
         ID["turnover-annual"], "`dip:minValue` is negative"),
    Case("observation-range-reversed.ttl", (DSH["ObservationShape-minMax"],), DIP.minValue,
         ID["north-south-freight"], "greater than its `dip:maxValue`"),
    Case("observation-exact-no-value.ttl", (DSH.PointObservationShape,), DIP.value, ID["trade-decline"],
         "dip:Exact or dip:Approximate needs `dip:value`"),
    Case("observation-currency-and-unit.ttl", (DSH.ObservationMeasureShape,), None, ID["turnover-annual"],
         "exactly one of `dip:currency`"),
    Case("observation-bad-currency.ttl", (DSH["ObservationShape-currency"],), DIP.currency, ID["turnover-annual"],
         "ISO 4217 code of three capital letters"),
    Case("membership-no-role.ttl", (DSH["MembershipShape-role"],), ORG.role, ID["cis-associate-membership"],
         "exactly one `org:role`"),
    Case("office-no-post.ttl", (DSH["OfficeShape-postIn"],), ORG.postIn, ID["president-of-russia"],
         "exactly one `org:postIn`"),
    Case("claim-no-evidence.ttl", (DSH["ClaimShape-evidence"],), DIP.hasEvidence,
         URIRef(DEFAULT_BASE_IRI + "claim/2025-12-11-sample/signed"), "exactly one `dip:hasEvidence`"),
    Case("claim-two-evidence.ttl", (DSH["ClaimShape-evidence"],), DIP.hasEvidence,
         URIRef(DEFAULT_BASE_IRI + "claim/2025-12-11-sample/signed"), "exactly one `dip:hasEvidence`"),
    Case("claim-bad-modality.ttl", (DSH["ClaimShape-modality"],), DIP.modality,
         URIRef(DEFAULT_BASE_IRI + "claim/2025-12-11-sample/signed"), "reported, expected, forecast or possible"),
    Case("quote-not-in-text.ttl", (DSH["ArticleAnnotationsShape-quoteInText"],), None,
         URIRef(DEFAULT_BASE_IRI + "article/2025-12-11-sample"),
         "The quote \"Россия и Туркменистан подписали договор\""),
    Case("quote-wrong-offsets.ttl", (DSH["ArticleAnnotationsShape-quoteAtOffsets"],), None,
         URIRef(DEFAULT_BASE_IRI + "article/2025-12-11-sample"),
         "not the article text at offsets 19..61, which reads \"оссия и Туркменистан подписали соглашение \""),
    Case("quote-end-before-start.ttl",
         (DSH["TextPositionSelectorShape-order"], DSH["ArticleAnnotationsShape-quoteAtOffsets"]), OA.start,
         URIRef(DEFAULT_BASE_IRI + "claim/2025-12-11-sample/signed/evidence/position"),
         "`oa:start` must be less than `oa:end`"),
    Case("quote-bad-prefix.ttl", (DSH["ArticleAnnotationsShape-context"],), None,
         URIRef(DEFAULT_BASE_IRI + "article/2025-12-11-sample"), "The prefix \"ноября. \""),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.file)
def test_violating_fixture_is_reported_by_its_shape(case: Case, shapes: Graph, ontology: Graph) -> None:
    conforms, results = _validate_file(case.file, shapes, ontology)
    assert not conforms
    assert {_key(r) for r in results} == set(case.shapes)
    primary = [r for r in results if _key(r) == case.shapes[0]]
    assert len(primary) == 1
    assert primary[0].focus == case.focus
    assert primary[0].path == case.path
    assert case.message in primary[0].message


def test_a_missing_wikidata_link_is_not_reported(shapes: Graph, ontology: Graph) -> None:
    data = Graph().parse(FIXTURES / "wikidata.ttl", format="turtle")
    assert (ID.turkmenistan, SKOS.exactMatch, None) not in data
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                           advanced=True)
    assert conforms
    assert len(list(report.subjects(RDF.type, SH.ValidationResult))) == 0


# ---------------------------------------------------------------------------------------------
# The real build: the Trend report of 2025-12-11 and broken copies of it
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(ontology: Graph) -> Corpus:
    return load_corpus(data_dirs(), ontology, paths.schema_file(), DEFAULT_BASE_IRI)


@pytest.fixture(scope="module")
def built(corpus: Corpus, ontology: Graph) -> Graph:
    """What the build validates: the corpus's graphs, the derived and the inferred triples."""
    data = [*corpus.data(), derive(load_rules(paths.locate("RULES_DIR")),
                                      corpus.named(DEFAULT_BASE_IRI) | {graph_iri(DEFAULT_BASE_IRI, "ontology"): ontology})]
    merged = Graph()
    for graph in (*data, close(ontology, data)):
        merged += graph
    return merged


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    copy += graph
    return copy


def test_the_real_build_conforms(built: Graph, shapes: Graph, ontology: Graph) -> None:
    assert (ARTICLE, RDF.type, DIP.NewsArticle) in built
    report = validate(built, shapes, ontology)
    assert [r for r in report.results] == []
    assert report.conforms


def _instant_date(graph: Graph, interval: URIRef, end: URIRef) -> tuple[Node, Node]:
    instant = graph.value(interval, end)
    date = graph.value(instant, TIME.inXSDDate)
    assert instant is not None and date is not None
    return instant, date


def _evidence_position(claim: str) -> URIRef:
    return URIRef(f"{DEFAULT_BASE_IRI}claim/2025-12-11-trend-ashgabat/{claim}/evidence/position")


def _remove_russian_label(graph: Graph) -> None:
    graph.remove((ID.ashgabat, RDFS.label, Literal("Ашхабад", lang="ru")))


def _shift_offsets(graph: Graph) -> None:
    position = _evidence_position("turnover-annual")
    for prop in (OA.start, OA.end):
        value = graph.value(position, prop)
        assert isinstance(value, Literal)
        graph.set((position, prop, Literal(int(value) + 1, datatype=XSD.nonNegativeInteger)))


def _swap_interval_dates(graph: Graph) -> None:
    begins, first = _instant_date(graph, ID["q1-2025"], TIME.hasBeginning)
    ends, last = _instant_date(graph, ID["q1-2025"], TIME.hasEnd)
    graph.set((begins, TIME.inXSDDate, last))
    graph.set((ends, TIME.inXSDDate, first))


def _drop_party(graph: Graph) -> None:
    graph.remove((ID["commodity-exchange-agreements"], DIP.hasParty, ID["turkmen-commodity-exchange"]))


def _negate_amount(graph: Graph) -> None:
    graph.set((ID["turnover-annual"], DIP.minValue, Literal(Decimal(-1600000000))))


BREAKAGES = [
    (_remove_russian_label, DSH["LabelShape-ru"], ID.ashgabat, "no Russian label"),
    (_shift_offsets, DSH["ArticleAnnotationsShape-quoteAtOffsets"], ARTICLE,
     "The quote \"Ежегодный товарооборот между Россией и Туркменистаном превышает $1,6 млрд\""),
    (_swap_interval_dates, DSH["IntervalShape-order"], ID["q1-2025"], "ends (2025-01-01) before it begins (2025-03-31)"),
    (_drop_party, DSH["AgreementShape-parties"], ID["commodity-exchange-agreements"], "at least two parties"),
    (_negate_amount, DSH["NonNegativeAmountShape-minValue"], ID["turnover-annual"], "`dip:minValue` is negative"),
]


@pytest.mark.parametrize(("breakage", "shape", "focus", "message"), BREAKAGES, ids=lambda x: getattr(x, "__name__", ""))
def test_a_broken_copy_of_the_real_build_is_reported(breakage: Callable[[Graph], None], shape: URIRef, focus: URIRef,
                                                     message: str, built: Graph, shapes: Graph, ontology: Graph) -> None:
    broken = _copy(built)
    breakage(broken)
    report = validate(broken, shapes, ontology)
    assert not report.conforms
    results = _results(report.graph, shapes)
    assert {_key(r) for r in results} == {shape}
    assert [r.focus for r in results] == [focus]
    assert message in results[0].message


def test_a_person_typed_as_a_state_is_inconsistent(corpus: Corpus, ontology: Graph) -> None:
    entities = _copy(corpus.graphs["entities"])
    entities.add((ID.putin, RDF.type, DIP.State))
    with pytest.raises(DataError) as caught:
        close(ontology, [entities, *corpus.data()[1:]])
    text = str(caught.value)
    assert "putin" in text
    assert "dip:State" in text and "dip:Person" in text
    assert "disjoint" in text



# ---------------------------------------------------------------------------------------------
# The many-sources shapes, on their own (shapes/sources.ttl and shapes/per-claim/): plain
# SHACL-SPARQL that any validator runs, without reasoning
# ---------------------------------------------------------------------------------------------

KGD = Namespace(DEFAULT_BASE_IRI)


@pytest.fixture(scope="module")
def source_shapes() -> Graph:
    folder = paths.shapes_dir()
    graph = Graph()
    for path in (folder / "prefixes.ttl", folder / "sources.ttl", *sorted((folder / "per-claim").glob("*.ttl"))):
        graph.parse(path, format="turtle")
    return graph


SOURCE_CASES = [
    Case("sources-fulfils-forward.ttl", (DSH["ClaimRelationShape-backwards"],), None, KGD["claim/early/expected"],
         "a later report fulfils or updates an earlier claim"),
    Case("sources-same-article.ttl", (DSH["ClaimRelationShape-otherArticle"],), None, KGD["claim/late/arrived"],
         "comes from the same article"),
    Case("sources-shared-assertion.ttl", (DSH["AssertionGraphShape"],), None, KGD["claim/early/expected/assertion"],
         "belongs to exactly one claim"),
    Case("sources-stated-unattributed.ttl", (DSH["AttributionShape"],), DIP.attributedTo, KGD["claim/late/said"],
         "says who said it"),
    Case("sources-stated-late.ttl", (DSH["AttributionShape"],), None, KGD["claim/late/said"],
         "said on 2025-12-13, after its article was issued (2025-12-12)"),
    Case("sources-republishes-later.ttl", (DSH["SourcedArticleShape"],), None, KGD["article/early"],
         "issued later (2025-12-12) than itself (2025-12-11)"),
    Case("event-two-dates.ttl", (DSH["EventClaimShape"],), DIP.date, KGD["id/arrival"],
         "One source gives an event at most one `dip:date`"),
]


def test_the_many_sources_fixture_conforms_to_the_source_shapes(source_shapes: Graph, ontology: Graph) -> None:
    conforms, results = _validate_file("sources.ttl", source_shapes, ontology)
    assert results == [] and conforms


@pytest.mark.parametrize("case", SOURCE_CASES, ids=lambda c: c.file)
def test_a_broken_many_sources_fixture_is_reported(case: Case, source_shapes: Graph, ontology: Graph) -> None:
    conforms, results = _validate_file(case.file, source_shapes, ontology)
    assert not conforms
    assert {_key(r) for r in results} == set(case.shapes)
    assert [r.focus for r in results] == [case.focus]
    if case.path is not None:
        assert results[0].path == case.path
    assert case.message in results[0].message
