"""The competency-question queries in ``queries/`` answer the Trend report of 2025-12-11.

The real dataset is built once per session from ``data/articles/`` and every query runs over
the union of its named graphs. Expected values are read off the article text.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Literal, Namespace, URIRef

from kg import paths
from kg.build import build
from kg.queries import load_dataset, load_query, run_query

QUERIES = paths.queries_dir()
ARTICLE_ID = "2025-12-11-trend-ashgabat"
TEXT = (paths.data_dir() / f"{ARTICLE_ID}.ru.txt").read_text(encoding="utf-8")

DIP = Namespace("https://w3id.org/diplomacy-kg/ontology#")
ID = Namespace("https://w3id.org/diplomacy-kg/id/")
WD = Namespace("http://www.wikidata.org/entity/")
ARTICLE = URIRef(f"https://w3id.org/diplomacy-kg/article/{ARTICLE_ID}")

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

Row = dict[str, Any]


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """Build the real dataset from ``data/articles/`` once and load it as one union graph."""
    out = tmp_path_factory.mktemp("build")
    build({"BUILD_DIR": out})
    return load_dataset(out / "dataset.trig")


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
def test_query_answers_and_quotes_the_article(dataset: Dataset, name: str) -> None:
    rows = run(dataset, name)
    assert rows, f"{name}.rq returned no rows"
    for row in rows:
        for key in ("quote", "observationQuote"):
            if row.get(key) is not None:
                assert row[key] in TEXT, f"{name}.rq: {key} {row[key]!r} is not in the article"


# --- 1. entities ----------------------------------------------------------------------------


def test_mentioned_entities(dataset: Dataset) -> None:
    rows = run(dataset, "mentioned_entities")
    assert {r["article"] for r in rows} == {ARTICLE}
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


# --- 2.-3. the visit and the summit ---------------------------------------------------------


def test_expected_arrivals(dataset: Dataset) -> None:
    rows = run(dataset, "expected_arrivals")
    putin = only(rows, agent=ID.putin)
    assert putin["date"] == datetime.date(2025, 12, 11)
    assert putin["modality"] == DIP.Expected
    assert putin["destinationLabel"] == "Ashgabat"
    assert "30th anniversary" in putin["eventLabel"] and "neutrality" in putin["eventLabel"]
    assert "прибудет в туркменскую столицу 11 декабря" in putin["quote"]
    delegations = only(rows, agentLabel="foreign delegations")
    assert delegations["date"] == datetime.date(2025, 12, 12)
    assert delegations["partOfDay"] == "morning"
    assert delegations["event"] == putin["event"]
    assert {r["modality"] for r in rows} == {DIP.Expected}
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)


def test_summit_invitations(dataset: Dataset) -> None:
    rows = run(dataset, "summit_invitations")
    assert {r["summit"] for r in rows} == {ID["neutrality-summit"]}
    invitees = by(rows, role="invitee")
    assert {r["actorLabel"] for r in invitees} == {"Turkey", "Iran"}
    assert {r["modality"] for r in invitees} == {DIP.Reported}
    assert all("приглашены лидеры Турции, Ирана" in r["quote"] for r in invitees)
    arrivals = {r["actorLabel"]: (r["date"], r["partOfDay"]) for r in by(rows, role="arrival")}
    assert arrivals["foreign delegations"] == (datetime.date(2025, 12, 12), "morning")
    assert arrivals["Vladimir Putin"] == (datetime.date(2025, 12, 11), None)


# --- 4.-6. trade, companies, investment -----------------------------------------------------


def test_trade_turnover(dataset: Dataset) -> None:
    rows = run(dataset, "trade_turnover")
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


def test_russian_companies(dataset: Dataset) -> None:
    rows = run(dataset, "russian_companies")
    named = {"Gazprom", "KAMAZ", "Vozrozhdenie", "Tatneft"}
    assert named <= {r["labelEn"] for r in rows}
    for label in named:
        row = only(rows, labelEn=label)
        assert row["localUnit"] is not None, f"{label} has no office or branch in Turkmenistan"
        assert row["labelRu"].strip("«»") in row["quote"]
    counted = [r for r in rows if r["observation"] is not None]
    assert len(counted) == 1
    count = counted[0]
    assert (count["value"], count["bound"], count["unit"]) == (Decimal("40"), DIP.Approximate, "C62")
    assert count["modality"] == DIP.Reported
    assert "около 40 предприятий с российским капиталом" in count["observationQuote"]


def test_investment_projects(dataset: Dataset) -> None:
    rows = run(dataset, "investment_projects")
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
    rows = run(dataset, "rzd_agreements")
    assert {r["agreement"] for r in rows} == {ID["rzd-tdy-cooperation-programme"]}
    for row in rows:
        assert row["type"] == DIP.CooperationProgramme
        assert row["signedYear"] == 2022
        assert (row["validStart"], row["validEnd"]) == (
            datetime.date(2023, 1, 1),
            datetime.date(2025, 12, 31),
        )
    assert {r["itemLabel"] for r in by(rows, aspect="party")} == {"Russian Railways", "Türkmendemirýollary"}
    assert {r["itemLabel"] for r in by(rows, aspect="scope")} == {
        "training of specialists",
        "digitalisation of production processes",
        "logistics of international transport corridors",
        "assistance with the electrification of Turkmenistan's railways",
    }
    quotes = {r["quote"] for r in by(rows, aspect="claim")}
    assert any(q.startswith("В 2022 году РЖД и агентство «Туркмендемирёллары» подписали") for q in quotes)
    assert any("электрификации железных дорог Туркменистана" in q for q in quotes)


def test_october_2025_signings(dataset: Dataset) -> None:
    rows = run(dataset, "october_2025_signings")
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
            for r in by(rows, document=document, aspect="claim")
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
    rows = run(dataset, "turkmenistan_memberships")
    cis = by(rows, organization=ID.cis)
    article = only(cis, origin="article")
    assert article["role"] == DIP.Participant
    assert article["quote"] == "Ашхабад участвует в Содружестве Независимых Государств (СНГ)"
    external = only(cis, origin="external")
    assert external["role"] == DIP.AssociateMember
    assert external["since"] == datetime.date(2005, 8, 26)
    assert external["source"] is not None and external["claim"] is None
    assert DIP.FullMember not in {r["role"] for r in rows}
    formats = by(rows, organizationType=DIP.ConsultativeFormat)
    assert {r["organizationLabel"] for r in formats} == {
        "Caspian consultative formats",
        "regional consultative formats",
    }
    assert {(r["role"], r["origin"]) for r in formats} == {(DIP.Participant, "article")}


def test_gas_exports_china(dataset: Dataset) -> None:
    row = only(run(dataset, "gas_exports_china"))
    assert (row["value"], row["currency"], row["bound"]) == (Decimal("7030000000"), "USD", DIP.Exact)
    assert (row["periodStart"], row["periodEnd"]) == (datetime.date(2025, 1, 1), datetime.date(2025, 10, 31))
    assert row["modality"] == DIP.Reported
    assert "$7,03 млрд" in row["quote"]


def test_transport_corridors(dataset: Dataset) -> None:
    rows = run(dataset, "transport_corridors")
    assert {r["corridor"] for r in rows} == {ID["north-south-corridor"]}
    for row in rows:
        assert {row["endALabel"], row["endBLabel"]} == {"Russia", "Iran"}
        assert (row["minValue"], row["maxValue"]) == (Decimal("15000000"), Decimal("23000000"))
        assert (row["unit"], row["bound"], row["modality"]) == ("TNE", DIP.Range, DIP.Reported)
        assert "15-23 млн тонн" in row["quote"]
    assert {r["viaLabel"] for r in rows} == {"Azerbaijan", "Central Asia"}


def test_company_sectors(dataset: Dataset) -> None:
    rows = run(dataset, "company_sectors")
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


# --- 13.-15. modality, evidence, Wikidata ---------------------------------------------------


def test_non_factual_claims(dataset: Dataset) -> None:
    rows = run(dataset, "non_factual_claims")
    assert DIP.Reported not in {r["modality"] for r in rows}
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


def test_claim_evidence_offsets_slice_the_article(dataset: Dataset) -> None:
    rows = run(dataset, "claim_evidence")
    assert {r["article"] for r in rows} == {ARTICLE}
    for row in rows:
        start, end = row["start"], row["end"]
        assert TEXT[start:end] == row["quote"], row["claim"]
        if row["prefix"] is not None:
            assert TEXT[:start].endswith(row["prefix"])
        if row["suffix"] is not None:
            assert TEXT[end:].startswith(row["suffix"])
    gas = only(rows, quote="объём экспорта туркменского газа в первые 10 месяцев 2025 года достиг $7,03 млрд")
    assert gas["start"] == TEXT.index(gas["quote"])
    assert len({r["claim"] for r in rows}) == len(rows)
    assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)


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
