"""The competency-question queries in ``queries/`` answer the Trend report of 2025-12-11, with others loaded.

The real Trend article is built once per module together with every fixture folder of
``tests/data/`` (other articles about the same events), and every query runs over the union of
the named graphs. The Trend answers are read off the Trend text; each answer row names the
article it comes from, and rows from other articles carry their own article, with values read
off their annotation files.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import yaml
from rdflib import Dataset, Literal, Namespace, URIRef
from rdflib.namespace import PROV

from kg import paths
from kg.build import build
from kg.queries import load_dataset, load_query, run_query

QUERIES = paths.queries_dir()
TESTS = Path(__file__).resolve().parent
#: the folders of fixture articles, those of them that exist and hold annotations
FIXTURE_FOLDERS = [
    folder for folder in (TESTS / "data" / "articles", TESTS / "data" / "sources")
    if folder.is_dir() and any(folder.glob("*.yaml"))
]
ARTICLE_ID = "2025-12-11-trend-ashgabat"
TEXT = (paths.data_dir() / f"{ARTICLE_ID}.ru.txt").read_text(encoding="utf-8")

BASE = "https://w3id.org/diplomacy-kg/"
DIP = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
WD = Namespace("http://www.wikidata.org/entity/")
ARTICLE = URIRef(f"{BASE}article/{ARTICLE_ID}")
MODALITY = {"reported": DIP.Reported, "expected": DIP.Expected, "forecast": DIP.Forecast,
            "possible": DIP.Possible}

#: one query per competency question
QUESTIONS = [
    "mentioned_entities",
    "expected_arrivals",
    "summit_invitations",
    "trade_turnover",
    "russian_companies",
    "investment_projects",
    "rzd_agreements",
    "october_2025_signings",
    "turkmenistan_memberships",
    "gas_exports_china",
    "transport_corridors",
    "company_sectors",
    "non_factual_claims",
    "claim_evidence",
    "wikidata_links",
]
#: the quote columns of a row and the article column whose text holds each
QUOTES = {"quote": "article", "observationQuote": "observationArticle"}

Row = dict[str, Any]


@dataclass(frozen=True)
class Source:
    """An annotated article as its files give it: its IRI, annotations and text."""

    iri: URIRef
    annotations: dict[str, Any]
    text: str

    def claims(self) -> Iterator[tuple[URIRef, dict[str, Any]]]:
        """Each claim of the annotation file, with its IRI."""
        article_id = self.annotations["article"]["id"]
        for claim_id, claim in (self.annotations.get("claims") or {}).items():
            yield URIRef(f"{BASE}claim/{article_id}/{claim_id}"), claim


class _TextKeys(yaml.SafeLoader):
    """YAML with mapping keys kept as written (``on:`` is the key "on", not ``True``)."""


_TextKeys.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: {str(k.value): loader.construct_object(v, deep=True) for k, v in node.value},
)


def read_sources(folders: list[Path]) -> dict[URIRef, Source]:
    """Every article of *folders*, read from its annotation file and its text file."""
    sources = {}
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            annotations = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextKeys)
            if "article" not in annotations:
                continue
            article = annotations["article"]
            text = (folder / article["text"]).read_text(encoding="utf-8")
            iri = URIRef(f"{BASE}article/{article['id']}")
            sources[iri] = Source(iri, annotations, text)
    return sources


SOURCES = read_sources([paths.data_dir(), *FIXTURE_FOLDERS])
FIXTURES = [source for iri, source in SOURCES.items() if iri != ARTICLE]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the Trend article with every fixture folder once; the dataset file."""
    out = tmp_path_factory.mktemp("build")
    build({"DATA_DIR": [str(paths.data_dir()), *map(str, FIXTURE_FOLDERS)], "BUILD_DIR": str(out)})
    return out / "dataset.trig"


@pytest.fixture(scope="module")
def dataset(built: Path) -> Dataset:
    """The build as one union graph."""
    return load_dataset(built)


def run(dataset: Dataset, name: str) -> list[Row]:
    """Run ``queries/<name>.rq``; each row maps a variable to a Python value (``None`` if unbound).

    Literals become Python values (``Decimal``, ``date``, ``int``, ``str``), IRIs stay IRIs;
    the original term of a variable ``v`` is kept under ``v_term``.
    """
    path = QUERIES / f"{name}.rq"
    result = run_query(dataset, path.read_text(encoding="utf-8"), path)
    rows = []
    for solution in result.rows:
        row: Row = {}
        for var, term in zip(result.variables, solution, strict=True):
            row[var] = term.toPython() if isinstance(term, Literal) else term
            row[f"{var}_term"] = term
        rows.append(row)
    return rows


def trend(rows: list[Row]) -> list[Row]:
    """The rows whose source is the Trend article."""
    return [row for row in rows if row.get("article") == ARTICLE]


def only(rows: list[Row], **match: Any) -> Row:
    """The single row whose values equal *match*."""
    found = [row for row in rows if all(row.get(k) == v for k, v in match.items())]
    assert len(found) == 1, f"expected one row with {match}, got {len(found)}: {found}"
    return found[0]


def by(rows: list[Row], **match: Any) -> list[Row]:
    """The rows whose values equal *match* (at least one)."""
    found = [row for row in rows if all(row.get(k) == v for k, v in match.items())]
    assert found, f"no row with {match} in {rows}"
    return found


def query_files() -> Iterator[Path]:
    return iter(sorted(QUERIES.glob("*.rq")))


# --- the files ------------------------------------------------------------------------------


def test_every_question_has_its_query() -> None:
    assert set(QUESTIONS) <= {p.stem for p in query_files()}


@pytest.mark.parametrize("path", list(query_files()), ids=lambda p: p.name)
def test_query_has_header_and_parses(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert re.fullmatch(r"# title: \S.*", lines[0]), f"{path.name}:1: needs '# title: …'"
    assert re.fullmatch(r"# description: \S.*", lines[1]), f"{path.name}:2: needs '# description: …'"
    first_code = next(line for line in lines[2:] if not line.startswith("#"))
    assert first_code.startswith("PREFIX "), f"{path.name}: PREFIX declarations follow the header"
    query = load_query(path)  # raises QueryError naming the file when the SPARQL does not parse
    assert query.title == lines[0].removeprefix("# title: ")
    assert query.description.startswith(lines[1].removeprefix("# description: "))


@pytest.mark.parametrize("name", QUESTIONS)
def test_every_row_names_its_source_and_quotes_its_own_article(dataset: Dataset, name: str) -> None:
    rows = run(dataset, name)
    derived_from = f"SELECT ?claim ?article WHERE {{ ?claim <{PROV.wasDerivedFrom}> ?article }}"
    derived = set(run_query(dataset, derived_from).rows)
    assert rows, f"{name}.rq returned no rows"
    assert trend(rows) or name == "wikidata_links", f"{name}.rq gives no row from the Trend article"
    for row in rows:
        for quote_key, article_key in QUOTES.items():
            if row.get(quote_key) is None:
                continue
            article = row[article_key]
            assert article in SOURCES, f"{name}.rq: {quote_key} {row[quote_key]!r} names no loaded article"
            assert row[quote_key] in SOURCES[article].text, (
                f"{name}.rq: {quote_key} {row[quote_key]!r} is not in the text of {article}")
        for claim_key, article_key in (("claim", "article"), ("observationClaim", "observationArticle")):
            if row.get(claim_key) is not None:
                assert (row[claim_key], row[article_key]) in derived, (
                    f"{name}.rq: {row[claim_key]} does not come from {row[article_key]}")
        if name != "wikidata_links":
            assert row.get("article") is not None or row.get("source") is not None, (
                f"{name}.rq: a row without its source: {row}")


def _python(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Any:
    """The value of an Oxigraph term as :func:`run` gives it (IRIs as IRIs, literals as Python values)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = None if term.language else URIRef(term.datatype.value)
        return Literal(term.value, lang=term.language, datatype=datatype).toPython()
    return URIRef(term.value)


def test_every_query_gives_the_same_rows_on_oxigraph(built: Path, dataset: Dataset) -> None:
    store = ox.Store()
    store.bulk_load(path=str(built), format=ox.RdfFormat.TRIG)
    for name in QUESTIONS:
        text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
        ours = Counter(tuple(row[v] for v in row if not v.endswith("_term")) for row in run(dataset, name))
        solutions = store.query(text, use_default_graph_as_union=True)
        variables = [v.value for v in solutions.variables]
        theirs = Counter(tuple(_python(s[v]) for v in variables) for s in solutions)
        assert theirs == ours, f"{name}.rq answers differently on Oxigraph"


def test_fixture_articles_are_loaded() -> None:
    assert FIXTURES, "no fixture article in tests/data/articles or tests/data/sources"


# --- 1. entities ----------------------------------------------------------------------------


def test_mentioned_entities(dataset: Dataset) -> None:
    all_rows = run(dataset, "mentioned_entities")
    assert {r["article"] for r in all_rows} == set(SOURCES)
    rows = trend(all_rows)
    assert {(r["publisherLabel"], r["issued"]) for r in rows} == {("Trend", datetime.date(2025, 12, 11))}
    states = {r["labelEn"]: r["labelRu"] for r in by(rows, category=DIP.State)}
    assert states == {
        "Russia": "Россия",
        "Turkmenistan": "Туркменистан",
        "Turkey": "Турция",
        "Iran": "Иран",
        "China": "Китай",
        "Azerbaijan": "Азербайджан",
    }
    putin = only(rows, entity=ID.putin)
    assert (putin["category"], putin["labelRu"]) == (DIP.Person, "Владимир Путин")
    companies = {r["labelEn"] for r in by(rows, type=DIP.Company)}
    assert {"Gazprom", "KAMAZ", "Vozrozhdenie", "Tatneft", "Russian Railways"} <= companies
    assert only(rows, entity=ID.cis)["type"] == DIP.InternationalOrganization
    assert only(rows, entity=ID.turkmendemiryollary)["labelRu"] == "Туркмендемирёллары"
    document_types = {r["type"] for r in by(rows, category=DIP.Document)}
    assert {DIP.CooperationProgramme, DIP.Protocol, DIP.DocumentPackage, DIP.Agreement} <= document_types
    event_types = {r["type"] for r in by(rows, category=DIP.Event)}
    assert {DIP.Summit, DIP.Visit, DIP.Arrival, DIP.Invitation, DIP.Signing} <= event_types
    for row in rows:
        assert row["labelEn"] and row["labelRu"], f"{row['entity']} lacks a label"
    # the UN General Assembly appears only in a background fact, not in the article
    assert "United Nations General Assembly" not in {r["labelEn"] for r in rows}
    # another article that names Putin gives its own row, with its own quote
    for source in FIXTURES:
        if "putin" in (source.annotations.get("mentions") or {}):
            row = only(all_rows, entity=ID.putin, article=source.iri)
            assert row["quote"] in source.text and row["issued"] == source.annotations["article"]["issued"]


# --- 2.-3. the visit and the summit ---------------------------------------------------------


def test_expected_arrivals(dataset: Dataset) -> None:
    all_rows = run(dataset, "expected_arrivals")
    assert {r["modality"] for r in all_rows} == {DIP.Expected}
    rows = trend(all_rows)
    putin = only(rows, agent=ID.putin)
    assert putin["date"] == datetime.date(2025, 12, 11)
    assert putin["status"] == URIRef("https://schema.org/EventScheduled")
    assert putin["destinationLabel"] == "Ashgabat"
    assert (putin["publisherLabel"], putin["issued"]) == ("Trend", datetime.date(2025, 12, 11))
    assert "30th anniversary" in putin["eventLabel"] and "neutrality" in putin["eventLabel"]
    assert "прибудет в туркменскую столицу 11 декабря" in putin["quote"]
    delegations = only(rows, agentLabel="foreign delegations")
    assert delegations["date"] == datetime.date(2025, 12, 12)
    assert delegations["partOfDay"] == "morning"
    assert delegations["event"] == putin["event"]
    assert len(rows) == 2
    assert [r["date"] for r in all_rows] == sorted(r["date"] for r in all_rows)


def _arrival_claims(node: str) -> list[tuple[Source, URIRef, dict[str, Any]]]:
    """The claims of the fixture articles that assert a date of the arrival *node*."""
    return [
        (source, iri, claim)
        for source in FIXTURES
        for iri, claim in source.claims()
        if "dip:date" in ((claim.get("asserts") or {}).get(node) or {})
    ]


def test_summit_invitations(dataset: Dataset) -> None:
    all_rows = run(dataset, "summit_invitations")
    assert {r["summit"] for r in all_rows} == {ID["neutrality-summit"]}
    rows = trend(all_rows)
    invitees = by(rows, role="invitee")
    assert {r["actorLabel"] for r in invitees} == {"Turkey", "Iran"}
    assert {r["modality"] for r in invitees} == {DIP.Reported}
    assert all("приглашены лидеры Турции, Ирана" in r["quote"] for r in invitees)
    arrivals = {r["actorLabel"]: (r["date"], r["partOfDay"], r["modality"]) for r in by(rows, role="arrival")}
    assert arrivals == {
        "foreign delegations": (datetime.date(2025, 12, 12), "morning", DIP.Expected),
        "Vladimir Putin": (datetime.date(2025, 12, 11), None, DIP.Expected),
    }
    # what other articles say of Putin's arrival are rows of their own, next to the expectation
    reports = _arrival_claims("putin-arrival")
    assert reports, "no fixture article reports Putin's arrival"
    for source, claim_iri, claim in reports:
        said = claim["asserts"]["putin-arrival"]
        row = only(all_rows, role="arrival", claim=claim_iri)
        assert (row["article"], row["actor"], row["modality"]) == (source.iri, ID.putin, MODALITY[claim["modality"]])
        assert (row["date"], row["partOfDay"]) == (said["dip:date"], said.get("dip:partOfDay"))
        assert row["quote"] == claim["quote"] and row["quote"] in source.text
    assert len(by(all_rows, role="arrival", actor=ID.putin)) == 1 + len(reports)


# --- 4.-6. trade, companies, investment -----------------------------------------------------


def test_trade_turnover(dataset: Dataset) -> None:
    rows = trend(run(dataset, "trade_turnover"))
    annual = only(rows, observation=ID["turnover-annual"])
    assert annual["minValue"] == Decimal("1600000000")
    assert (annual["bound"], annual["currency"], annual["modality"]) == (DIP.LowerBound, "USD", DIP.Reported)
    assert str(annual["periodicity_term"]) == "P1Y"
    assert annual["value"] is None and annual["periodStart"] is None
    q1 = only(rows, periodEnd=datetime.date(2025, 3, 31))
    assert (q1["value"], q1["unit"], q1["bound"]) == (Decimal("21.4"), "P1", DIP.Exact)
    assert q1["periodStart"] == datetime.date(2025, 1, 1)
    h1 = only(rows, periodEnd=datetime.date(2025, 6, 30))
    assert (h1["minValue"], h1["unit"], h1["bound"]) == (Decimal("30"), "P1", DIP.LowerBound)
    assert h1["comparedWith"] == "year-on-year"
    forecast = only(rows, modality=DIP.Forecast)
    assert forecast["minValue"] == Decimal("2500000000")
    assert (forecast["bound"], forecast["currency"]) == (DIP.LowerBound, "USD")
    assert (forecast["periodStart"], forecast["periodEnd"]) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
    )
    assert "$2,5 млрд" in forecast["quote"]
    assert len(rows) == 4
    assert {(r["publisherLabel"], r["issued"]) for r in rows} == {("Trend", datetime.date(2025, 12, 11))}


def test_russian_companies(dataset: Dataset) -> None:
    rows = trend(run(dataset, "russian_companies"))
    named = {"Gazprom", "KAMAZ", "Vozrozhdenie", "Tatneft"}
    assert named <= {r["labelEn"] for r in rows}
    for label in named:
        row = only(rows, labelEn=label)
        assert row["localUnit"] is not None, f"{label} has no office or branch in Turkmenistan"
        assert row["labelRu"].strip("«»") in row["quote"]
    counted = [r for r in rows if r["observation"] is not None]
    assert len(counted) == 1
    count = counted[0]
    assert count["company"] == ID["russian-companies-in-turkmenistan"]
    assert (count["value"], count["bound"], count["unit"]) == (Decimal("40"), DIP.Approximate, "C62")
    assert (count["observationModality"], count["observationArticle"]) == (DIP.Reported, ARTICLE)
    assert "около 40 предприятий с российским капиталом" in count["observationQuote"]
    assert "Российские компании работают в Туркменистане" in count["quote"]


def test_investment_projects(dataset: Dataset) -> None:
    rows = trend(run(dataset, "investment_projects"))
    number = only(rows, unit="C62")
    assert (number["value"], number["bound"]) == (Decimal("342"), DIP.Exact)
    worth = only(rows, currency="USD")
    assert (worth["value"], worth["bound"]) == (Decimal("3500000000"), DIP.Exact)
    for row in (number, worth):
        assert row["modality"] == DIP.Reported
        assert "342 инвестиционных проекта" in row["quote"] and "$3,5 млрд" in row["quote"]
        assert row["refAreaLabel"] == "Turkmenistan"


# --- 7.-8. agreements and documents ---------------------------------------------------------


def test_rzd_agreements(dataset: Dataset) -> None:
    rows = trend(run(dataset, "rzd_agreements"))
    assert {r["agreement"] for r in rows} == {ID["rzd-tdy-cooperation-programme"]}
    for row in rows:
        assert row["type"] == DIP.CooperationProgramme
        assert row["signedYear"] == 2022
        assert (row["validStart"], row["validEnd"]) == (
            datetime.date(2023, 1, 1),
            datetime.date(2025, 12, 31),
        )
        assert row["modality"] == DIP.Reported
    assert {r["itemLabel"] for r in by(rows, aspect="party")} == {"Russian Railways", "Türkmendemirýollary"}
    assert {r["itemLabel"] for r in by(rows, aspect="scope")} == {
        "training of specialists",
        "digitalisation of production processes",
        "logistics of international transport corridors",
        "assistance with the electrification of Turkmenistan's railways",
    }
    quotes = {r["quote"] for r in rows}
    assert any(q.startswith("В 2022 году РЖД и агентство «Туркмендемирёллары» подписали") for q in quotes)
    assert any("электрификации железных дорог Туркменистана" in q for q in quotes)


def test_october_2025_signings(dataset: Dataset) -> None:
    rows = trend(run(dataset, "october_2025_signings"))
    assert {r["type"] for r in rows} == {DIP.Protocol, DIP.Agreement, DIP.DocumentPackage}
    assert ID["rzd-tdy-cooperation-programme"] not in {r["document"] for r in rows}
    for row in rows:
        signed = row["signingDate"] or row["signedStart"]
        assert signed.year == 2025 and signed.month == 10
    for document in {r["document"] for r in rows}:
        purposes = {r["text"] for r in by(rows, document=document, aspect="purpose")}
        assert purposes == {"simplifying trade procedures", "expanding economic exchanges"}
        assert any(
            "В октябре 2025 года в Ашхабаде были подписаны" in r["quote"]
            for r in by(rows, document=document)
        )
    protocol = by(rows, type=DIP.Protocol)[0]
    assert protocol["issuerLabel"] == "Russia–Turkmenistan intergovernmental commission"
    exchanges = by(rows, type=DIP.Agreement, aspect="party")
    assert {r["text"] for r in exchanges} == {
        "commodity exchange of Russia",
        "commodity exchange of Turkmenistan",
    }
    customs = by(rows, type=DIP.DocumentPackage, aspect="scope")
    assert {r["text"] for r in customs} == {"customs cooperation"}


# --- 9.-12. formats, gas, corridors, sectors ------------------------------------------------


def test_turkmenistan_memberships(dataset: Dataset) -> None:
    all_rows = run(dataset, "turkmenistan_memberships")
    cis = by(all_rows, organization=ID.cis)
    article = only(cis, origin="article", article=ARTICLE)
    assert (article["role"], article["modality"]) == (DIP.Participant, DIP.Reported)
    assert article["quote"] == "Ашхабад участвует в Содружестве Независимых Государств (СНГ)"
    external = only(cis, origin="external")
    assert external["role"] == DIP.AssociateMember
    assert external["since"] == datetime.date(2005, 8, 26)
    assert external["source"] == URIRef("https://ria.ru/20050827/41237040.html")
    assert external["claim"] is None and external["article"] is None
    assert DIP.FullMember not in {r["role"] for r in all_rows}
    formats = by(trend(all_rows), organizationType=DIP.ConsultativeFormat)
    assert {r["organizationLabel"] for r in formats} == {
        "Caspian consultative formats",
        "regional consultative formats",
    }
    assert {(r["role"], r["origin"]) for r in formats} == {(DIP.Participant, "article")}


def test_gas_exports_china(dataset: Dataset) -> None:
    row = only(trend(run(dataset, "gas_exports_china")))
    assert (row["value"], row["currency"], row["bound"]) == (Decimal("7030000000"), "USD", DIP.Exact)
    assert (row["periodStart"], row["periodEnd"]) == (datetime.date(2025, 1, 1), datetime.date(2025, 10, 31))
    assert row["modality"] == DIP.Reported
    assert "$7,03 млрд" in row["quote"]


def test_transport_corridors(dataset: Dataset) -> None:
    rows = trend(run(dataset, "transport_corridors"))
    assert {r["corridor"] for r in rows} == {ID["north-south-corridor"]}
    ends = only(rows, aspect="connects")
    assert {ends["endALabel"], ends["endBLabel"]} == {"Russia", "Iran"}
    assert "коридору «Север-Юг»" in ends["quote"]
    assert {r["viaLabel"] for r in by(rows, aspect="route")} == {"Azerbaijan", "Central Asia"}
    figure = only(rows, aspect="figure")
    assert (figure["minValue"], figure["maxValue"]) == (Decimal("15000000"), Decimal("23000000"))
    assert (figure["unit"], figure["bound"], figure["modality"]) == ("TNE", DIP.Range, DIP.Reported)
    assert "15-23 млн тонн" in figure["quote"]
    assert {r["modality"] for r in rows} == {DIP.Reported}


def test_company_sectors(dataset: Dataset) -> None:
    rows = trend(run(dataset, "company_sectors"))
    assert {r["sectorLabel"] for r in rows} == {
        "metallurgy",
        "mechanical engineering",
        "supply of machinery and equipment",
        "transport and logistics projects",
        "construction",
        "agriculture",
        "digital and telecommunications initiatives",
    }
    assert "металлургия" in {r["sectorLabelRu"] for r in rows}
    assert all(r["quote"].startswith("Российские компании работают в Туркменистане") for r in rows)
    assert {r["modality"] for r in rows} == {DIP.Reported}


# --- 13.-15. modality, evidence, Wikidata ---------------------------------------------------


def test_non_factual_claims(dataset: Dataset) -> None:
    all_rows = run(dataset, "non_factual_claims")
    assert DIP.Reported not in {r["modality"] for r in all_rows}
    rows = trend(all_rows)
    assert {r["modality"] for r in rows} == {DIP.Expected, DIP.Forecast, DIP.Possible}
    assert only(rows, supports=ID["putin-visit"], modality=DIP.Expected)["quote"].startswith("Ожидается")
    forecast = by(rows, supports=ID["turnover-forecast-2025"])
    assert {r["modality"] for r in forecast} == {DIP.Forecast}
    assert {r["attributedToLabel"] for r in forecast} == {"Russia", "Turkmenistan"}
    possible = {r["quote"] for r in by(rows, modality=DIP.Possible)}
    assert "обсуждения могут выйти за рамки привычных переговоров" in possible
    assert "а также, возможно, гуманитарные и культурные инициативы" in possible
    reported_quotes = ("Ежегодный товарооборот между Россией и Туркменистаном превышает $1,6 млрд",)
    assert not possible & set(reported_quotes)
    # the other articles' expectations come with their own article and attribution
    for source in FIXTURES:
        for claim_iri, claim in source.claims():
            mine = [r for r in all_rows if r["claim"] == claim_iri]
            if claim["modality"] == "reported":
                assert not mine, f"{claim_iri} is reported"
                continue
            assert mine, f"{claim_iri} ({claim['modality']}) is missing"
            for row in mine:
                assert (row["article"], row["modality"]) == (source.iri, MODALITY[claim["modality"]])
                assert row["statedOn"] == (claim.get("attribution") or {}).get("on")


def test_claim_evidence_offsets_slice_the_article(dataset: Dataset) -> None:
    all_rows = run(dataset, "claim_evidence")
    assert {r["article"] for r in all_rows} == {s.iri for s in SOURCES.values() if s.annotations.get("claims")}
    for row in all_rows:
        text = SOURCES[row["article"]].text
        start, end = row["start"], row["end"]
        assert text[start:end] == row["quote"], row["claim"]
        if row["prefix"] is not None:
            assert text[:start].endswith(row["prefix"])
        if row["suffix"] is not None:
            assert text[end:].startswith(row["suffix"])
    rows = trend(all_rows)
    gas = only(rows, quote="объём экспорта туркменского газа в первые 10 месяцев 2025 года достиг $7,03 млрд")
    assert gas["start"] == TEXT.index(gas["quote"])
    assert len({r["claim"] for r in all_rows}) == len(all_rows)
    assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)
    # every claim of every annotation file, with its own article and the quote it gives
    for source in SOURCES.values():
        for claim_iri, claim in source.claims():
            row = only(all_rows, claim=claim_iri)
            assert (row["article"], row["quote"]) == (source.iri, claim["quote"])
            assert row["issued"] == source.annotations["article"]["issued"]


def test_wikidata_links(dataset: Dataset) -> None:
    rows = run(dataset, "wikidata_links")
    links = {r["entity"]: r["item"] for r in rows}
    expected = {
        ID.russia: WD.Q159,
        ID.turkmenistan: WD.Q874,
        ID.china: WD.Q148,
        ID.ashgabat: WD.Q23438,
        ID.putin: WD.Q7747,
        ID.cis: WD.Q7779,
    }
    assert expected.items() <= links.items()
    assert only(rows, entity=ID.putin)["labelRu"] == "Владимир Путин"
    assert only(rows, entity=ID.ashgabat)["type"] == DIP.City
