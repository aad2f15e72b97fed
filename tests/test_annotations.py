"""The annotation loader: YAML + article text -> entities, sources, external and claim graphs."""

from __future__ import annotations

import hashlib
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, SKOS, TIME

from kg import iris
from kg.annotations import Corpus, load_corpus
from kg.errors import InputError
from kg.paths import PROJECT_ROOT

DATA = Path(__file__).parent / "data" / "loader"
GOOD = DATA / "good"
SCHEMA = PROJECT_ROOT / "schemas" / "annotations.schema.json"
TEXT = (GOOD / "sample-trend.ru.txt").read_text(encoding="utf-8")

BASE = iris.DEFAULT_BASE_IRI
DIP = Namespace("https://w3id.org/diplomacy-kg/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")
KGD = Namespace(BASE)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(DATA / "ontology.ttl")


@pytest.fixture(scope="module")
def corpus(ontology: Graph) -> Corpus:
    return load_corpus([GOOD], ontology, SCHEMA)


def said(corpus: Corpus) -> Graph:
    """Everything the articles say: the entities, the sources and every claim's assertion."""
    union = Graph()
    for graph in (corpus.graphs["entities"], corpus.graphs["sources"], *corpus.assertions.values()):
        union += graph
    return union


def position(corpus: Corpus, annotation: URIRef) -> tuple[int, int]:
    """The start/end offsets recorded for an evidence or mention."""
    sources = corpus.graphs["sources"]
    target = sources.value(annotation, OA.hasTarget)
    selector = URIRef(f"{annotation}/position")
    assert (target, OA.hasSelector, selector) in sources
    start = sources.value(selector, OA.start)
    end = sources.value(selector, OA.end)
    assert start.datatype == XSD.nonNegativeInteger and end.datatype == XSD.nonNegativeInteger
    return start.toPython(), end.toPython()


# --- the good fixture -------------------------------------------------------------------------


def test_decimal_value_keeps_its_written_digits(corpus: Corpus) -> None:
    value = said(corpus).value(KGD["id/growth-q1-2025"], DIP.value)
    assert value.datatype == XSD.decimal
    assert str(value) == "21.4"
    assert value.toPython() == Decimal("21.4")


def test_whole_amount_is_typed_by_the_range(corpus: Corpus) -> None:
    node = KGD["id/turnover-annual"]
    # dip:value has a decimal-or-integer union range; dip:minValue is decimal only
    assert (node, DIP.value, Literal(1600000000, datatype=XSD.integer)) in said(corpus)
    assert said(corpus).value(node, DIP.minValue) == Literal(Decimal(1600000000), datatype=XSD.decimal)
    assert (node, DIP.periodicity, Literal("P1Y", datatype=XSD.duration)) in said(corpus)
    assert (node, DIP.currency, Literal("USD")) in said(corpus)
    assert (node, DIP.bound, DIP.LowerBound) in said(corpus)


def test_language_maps_and_references(corpus: Corpus) -> None:
    tkm = KGD["id/turkmenistan"]
    g = said(corpus)
    assert (tkm, RDF.type, DIP.State) in g
    assert set(g.objects(tkm, SKOS.altLabel)) == {Literal("Turkmenia", lang="en"), Literal("TKM", lang="en")}
    assert Literal("Türkmenistan", lang="tk") in set(g.objects(tkm, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    assert (tkm, DIP.capital, KGD["id/ashgabat"]) in g
    assert set(g.objects(KGD["id/growth-q1-2025"], DIP.refArea)) == {KGD["id/russia"], tkm}


def test_nested_node_gets_an_iri_under_its_parent(corpus: Corpus) -> None:
    begin = KGD["id/q1-2025/hasBeginning"]
    assert (KGD["id/q1-2025"], TIME.hasBeginning, begin) in said(corpus)
    assert (begin, RDF.type, TIME.Instant) in said(corpus)
    assert (begin, TIME.inXSDDate, Literal("2025-01-01", datatype=XSD.date)) in said(corpus)


def test_article_metadata_and_cross_file_references(corpus: Corpus) -> None:
    article = KGD["article/sample-trend"]
    g = said(corpus)
    assert corpus.articles == [article]
    assert (article, RDF.type, DIP.NewsArticle) in g
    assert (article, DCTERMS.publisher, KGD["id/trend"]) in g  # declared in shared-places.yaml
    assert (article, DIP.dateline, KGD["id/baku"]) in g
    assert (article, DCTERMS.issued, Literal("2025-12-11", datatype=XSD.date)) in g
    assert (article, DCTERMS.language, Literal("ru", datatype=XSD.language)) in g
    assert (article, DIP.text, Literal(TEXT)) in g
    assert (article, DCTERMS.title, Literal("Russia–Turkmenistan trade", lang="en")) in g


def test_claim_with_evidence_at_the_quoted_offsets(corpus: Corpus) -> None:
    quote = "Ежегодный товарооборот между Россией и Туркменистаном превышает $1,6 млрд"
    claim = KGD["claim/sample-trend/turnover-annual"]
    evidence = KGD["claim/sample-trend/turnover-annual/evidence"]
    g = said(corpus)
    assert (claim, RDF.type, DIP.Claim) in g
    assert (claim, DIP.modality, DIP.Reported) in g
    assert (claim, DIP.supports, KGD["id/turnover-annual"]) in g
    assert (claim, DIP.attributedTo, KGD["id/trend"]) in g
    assert (claim, PROV.wasDerivedFrom, KGD["article/sample-trend"]) in g
    assert (claim, DIP.hasEvidence, evidence) in g
    assert (evidence, RDF.type, DIP.Evidence) in g
    assert (evidence, OA.hasBody, claim) in g
    assert g.value(claim, DIP.statement).language == "en"
    assert position(corpus, evidence) == (TEXT.find(quote), TEXT.find(quote) + len(quote))
    selector = KGD["claim/sample-trend/turnover-annual/evidence/quote"]
    assert g.value(selector, OA.exact) == Literal(quote)
    assert g.value(selector, OA.prefix) == Literal("БАКУ /Trend/ - ")
    assert g.value(selector, OA.suffix) == Literal(". В первом квартале 2025 года ро")
    target = KGD["claim/sample-trend/turnover-annual/evidence/target"]
    assert (target, OA.hasSource, KGD["article/sample-trend"]) in g
    assert (claim, DIP.supportedBy, None) not in g and (None, DIP.supportedBy, None) not in g


def test_mentions_follow_the_occurrence_asked_for(corpus: Corpus) -> None:
    first = TEXT.find("Россия")
    second = TEXT.find("Россия", first + 1)
    assert first >= 0 and second > first
    assert position(corpus, KGD["mention/sample-trend/russia/2"]) == (second, second + len("Россия"))
    assert position(corpus, KGD["mention/sample-trend/russia/1"]) == (TEXT.find("Россией"), TEXT.find("Россией") + 7)
    mention = KGD["mention/sample-trend/russia/1"]
    assert (mention, RDF.type, DIP.Mention) in said(corpus)
    assert (mention, OA.hasBody, KGD["id/russia"]) in said(corpus)
    assert (KGD["id/russia"], DIP.mentionedIn, KGD["article/sample-trend"]) in said(corpus)
    assert (KGD["id/trade-turnover"], DIP.mentionedIn, None) not in said(corpus)


def test_mention_of_a_node_from_another_file_at_text_start_has_no_prefix(corpus: Corpus) -> None:
    mention = KGD["mention/sample-trend/baku/1"]
    assert position(corpus, mention) == (0, len("БАКУ"))
    selector = KGD["mention/sample-trend/baku/1/quote"]
    assert (selector, OA.prefix, None) not in said(corpus)
    assert said(corpus).value(selector, OA.suffix) == Literal(TEXT[4:36])


def test_external_graph_holds_wikidata_links_and_background_facts(corpus: Corpus) -> None:
    ext, asserted, entities = corpus.graphs["external"], said(corpus), corpus.graphs["entities"]
    wd = Namespace("http://www.wikidata.org/entity/")
    assert (KGD["id/russia"], SKOS.exactMatch, wd.Q159) in ext
    assert (KGD["id/baku"], SKOS.exactMatch, wd.Q9248) in ext
    assert (None, SKOS.exactMatch, None) not in asserted
    fact, node = KGD["external/tkm-associate"], KGD["id/tkm-associate"]
    assert (fact, RDF.type, PROV.Entity) in ext
    assert (fact, DCTERMS.source, URIRef("https://example.org/cis-2005")) in ext
    assert (fact, DIP.supports, node) in ext
    # what the membership is (its member) is identity; its role is the background fact
    assert (node, ORG.member, KGD["id/turkmenistan"]) in entities
    assert (node, ORG.role, DIP.AssociateMember) in ext
    assert (node, ORG.role, None) not in asserted


def test_counts_sources_and_no_blank_nodes(corpus: Corpus) -> None:
    assert (corpus.claims, corpus.mentions) == (3, 5)
    assert corpus.nodes == 11  # 9 + 2 declared, one nested, one external node
    roles = {source.path.name: source.role for source in corpus.sources}
    assert roles == {"sample-trend.yaml": "annotations", "shared-places.yaml": "annotations",
                     "sample-trend.ru.txt": "text"}
    for source in corpus.sources:
        assert source.sha256 == hashlib.sha256(source.path.read_bytes()).hexdigest()
    for graph in corpus.data():
        assert not any(isinstance(term, BNode) for triple in graph for term in triple)


def test_loading_twice_gives_the_same_graphs(ontology: Graph, corpus: Corpus) -> None:
    again = load_corpus([GOOD], ontology, SCHEMA)
    assert sorted(corpus.assertions) == sorted(again.assertions)
    for first, second in zip(corpus.data(), again.data()):
        assert isomorphic(first, second)
        assert sorted(first.serialize(format="nt").splitlines()) == sorted(second.serialize(format="nt").splitlines())


def test_base_iri_is_configurable(ontology: Graph) -> None:
    other = load_corpus([GOOD], ontology, SCHEMA, base_iri="http://example.org/kg/")
    assert other.articles == [URIRef("http://example.org/kg/article/sample-trend")]
    assert (URIRef("http://example.org/kg/id/russia"), RDF.type, DIP.State) in other.graphs["entities"]


def test_iri_patterns() -> None:
    assert iris.node_iri(BASE, "russia") == URIRef(BASE + "id/russia")
    assert iris.article_iri(BASE, "a") == URIRef(BASE + "article/a")
    assert iris.claim_iri(BASE, "a", "c") == URIRef(BASE + "claim/a/c")
    assert iris.mention_iri(BASE, "a", "russia", 2) == URIRef(BASE + "mention/a/russia/2")
    assert iris.graph_iri(BASE, "inferred") == URIRef(BASE + "graph/inferred")
    assert iris.dataset_iri(BASE) == URIRef(BASE + "dataset")
    assert [iris.graph_iri(BASE, name).split("/")[-1] for name in iris.GRAPH_NAMES] == list(iris.GRAPH_NAMES)
    with pytest.raises(ValueError, match="unknown graph name"):
        iris.graph_iri(BASE, "everything")


# --- bad inputs: each error names the file and the line -------------------------------------------


def broken_copy(tmp_path: Path, file: str, old: str, new: str) -> tuple[Path, int]:
    """Copy the good fixture, replace *old* by *new* in *file*; return the file and the line of *new*."""
    folder = tmp_path / "articles"
    shutil.copytree(GOOD, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path, text[: text.rindex(new)].count("\n") + 1


def load_error(ontology: Graph, path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_corpus([path.parent], ontology, SCHEMA)
    return info.value


BAD_INPUTS = {
    "yaml-syntax": ("sample-trend.yaml", "  dateline: baku\n", "  dateline: baku: x\n", "YAML syntax error"),
    "unknown-reference": ("sample-trend.yaml", "dip:capital: ashgabat", "dip:capital: ashgabad",
                          "unknown reference 'ashgabad': declare a node with this id, or use a prefixed name; did you mean 'ashgabat'?"),
    "unknown-claim-support": ("sample-trend.yaml", "supports: [turnover-annual]", "supports: [turnover]",
                              "claims.turnover-annual.supports[0]: unknown reference 'turnover'"),
    "quote-not-in-text": ("sample-trend.yaml", 'quote: "рост достиг 21,4%"', 'quote: "рост достиг 21.4%"',
                          'claims.growth-q1.quote: quote not found in sample-trend.ru.txt: "рост достиг 21.4%"'),
    "occurrence-too-high": ("sample-trend.yaml", "occurrence: 2}", "occurrence: 3}", "occurs only 2 time(s)"),
    "missing-statement": ("sample-trend.yaml", '    statement: "Trade grew by 21.4% in Q1 2025."\n', "",
                          "'statement' is a required property"),
    "bad-modality": ("sample-trend.yaml", "modality: reported\n    quote: \"рост",
                     "modality: rumoured\n    quote: \"рост",
                     "claims.growth-q1.modality: 'rumoured' is not one of"),
    "article-extra-key": ("sample-trend.yaml", "  language: ru\n", "  editor: someone\n  language: ru\n",
                          "'editor' was unexpected"),
    "bad-wikidata": ("sample-trend.yaml", "wikidata: Q159", "wikidata: Q0159", "nodes.russia.wikidata"),
    "unknown-property": ("sample-trend.yaml", "dip:currency: USD", "dip:currencyCode: USD",
                         "unknown property 'dip:currencyCode'"),
    "unknown-prefix": ("sample-trend.yaml", "dip:currency: USD", "money:currency: USD", "unknown prefix 'money'"),
    "unknown-class": ("shared-places.yaml", "type: City", "type: Town", "unknown class 'Town'"),
    "text-for-decimal": ("sample-trend.yaml", "dip:value: 21.4", "dip:value: twenty-one",
                         "nodes.growth-q1-2025.dip:value: dip:value (datatype property): expected a decimal"),
    "bad-date": ("sample-trend.yaml", "time:inXSDDate: 2025-01-01", "time:inXSDDate: 2025-13-01",
                 "not a valid value"),
    "bad-quoted-date": ("sample-trend.yaml", "time:inXSDDate: 2025-01-01", "time:inXSDDate: '2025-01-32'",
                        "expected a date such as 2025-12-11"),
    "negative-duration-text": ("sample-trend.yaml", "dip:periodicity: P1Y", "dip:periodicity: yearly",
                               "expected an ISO 8601 duration"),
    "nested-node-without-type": ("sample-trend.yaml", "{type: time:Instant, time:inXSDDate", "{time:inXSDDate",
                                 "nodes.q1-2025.time:hasBeginning: a nested node needs a `type`"),
    "duplicate-key-in-file": ("sample-trend.yaml", "  trade-turnover:\n", "  ashgabat:\n",
                              "duplicate id 'ashgabat' (first at line"),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_names_file_and_line(tmp_path: Path, ontology: Graph, case: str) -> None:
    file, old, new, message = BAD_INPUTS[case]
    path, line = broken_copy(tmp_path, file, old, new)
    if not new:  # a deleted line: the error points at the mapping that lost it
        line = path.read_text(encoding="utf-8").splitlines().index("  growth-q1:") + 1
    error = load_error(ontology, path)
    assert (error.path, error.line) == (str(path), line), str(error)
    assert message in error.message
    assert str(error).startswith(f"{path}:{line}: ")


def test_duplicate_id_across_files_names_both(tmp_path: Path, ontology: Graph) -> None:
    path, line = broken_copy(tmp_path, "shared-places.yaml", "  trend:\n", "  russia:\n    type: State\n  trend:\n")
    first = (GOOD / "sample-trend.yaml").read_text(encoding="utf-8").splitlines().index("  russia:") + 1
    error = load_error(ontology, path)
    assert (error.path, error.line) == (str(path), line)
    assert "duplicate id 'russia'" in error.message
    assert f"sample-trend.yaml:{first}" in error.message


@pytest.mark.parametrize(
    ("written", "in_text"),
    [
        ('Россия и \\"Туркменистан\\"  обсуждают', "Россия и «Туркменистан» обсуждают"),  # quotes, spaces
        ("Ашхабад ждет гостей", "Ашхабад ждёт гостей"),  # ё written as е
        ("ашхабад ждёт", "Ашхабад ждёт"),  # letter case
    ],
)
def test_quote_hint_points_at_normalisation_difference(
    tmp_path: Path, ontology: Graph, written: str, in_text: str
) -> None:
    path, line = broken_copy(tmp_path, "sample-trend.yaml", 'mentions: ["Ашхабад"]', f'mentions: ["{written}"]')
    error = load_error(ontology, path)
    assert (error.path, error.line) == (str(path), line)
    assert "would match after normalising" in error.message
    assert f'"{in_text}"' in error.message
    assert f"line {TEXT[: TEXT.find(in_text)].count(chr(10)) + 1} of the text" in error.message


def test_mentions_section_needs_known_ids(tmp_path: Path, ontology: Graph) -> None:
    path, line = broken_copy(tmp_path, "sample-trend.yaml", '  baku: ["БАКУ"]', '  bakuu: ["БАКУ"]')
    error = load_error(ontology, path)
    assert (error.path, error.line) == (str(path), line)
    assert "unknown reference 'bakuu'" in error.message


def test_claims_need_an_article(tmp_path: Path, ontology: Graph) -> None:
    path, line = broken_copy(tmp_path, "shared-places.yaml", "nodes:\n", "claims:\n  lone:\n    modality: reported\n"
                             "    quote: БАКУ\n    statement: Baku.\n    supports: [baku]\nnodes:\n")
    error = load_error(ontology, path)
    assert (error.path, error.line) == (str(path), line + 1)
    assert "claims need an `article:`" in error.message


def test_quote_hint_says_where_the_text_differs(tmp_path: Path, ontology: Graph) -> None:
    path, _ = broken_copy(tmp_path, "sample-trend.yaml", 'quote: "рост достиг 21,4%"', 'quote: "рост достиг 21.4%"')
    assert 'first 14 characters match' in load_error(ontology, path).message


def test_missing_text_file(tmp_path: Path, ontology: Graph) -> None:
    path, line = broken_copy(tmp_path, "sample-trend.yaml", "text: sample-trend.ru.txt", "text: missing.ru.txt")
    error = load_error(ontology, path)
    assert (error.path, error.line) == (str(path), line)
    assert "text file not found" in error.message
