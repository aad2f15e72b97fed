"""The queries that compare sources, over the Trend report and the fixture sources together.

The Trend report (``data/articles/``) and the fixture articles of ``tests/data/sources/`` are built
once for this module. Expected values are read off the fixture texts (dates, parts of day, figures,
who said what when); ``tests/data/sources/README.md`` lists them. The bad inputs of
``tests/data/bad-sources/`` must stop ``kg build`` with exit code 2, name the file and line, and
leave the previous build untouched.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Literal, Namespace, URIRef

from kg import paths
from kg.build import build
from kg.cli import main
from kg.errors import DataError
from kg.queries import load_dataset, run_query

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "data" / "articles"
SOURCES = Path(__file__).resolve().parent / "data" / "sources"
BAD_SOURCES = Path(__file__).resolve().parent / "data" / "bad-sources"
QUERIES = paths.queries_dir()

BASE = "https://w3id.org/diplomacy-kg/"
DIP = Namespace(BASE + "ontology#")
SCHEMA = Namespace("https://schema.org/")
ID = Namespace(BASE + "id/")

TREND = "2025-12-11-trend-ashgabat"
ARRIVAL = "fx-2025-12-12-arrival"      # relies on RIA Novosti; fulfils the Trend expectation
PROBA = "fx-2025-12-12-proba"          # a second agency: confirms the arrival
REPRINT = "fx-2025-12-13-obrazets"     # republishes PROBA
NIGHT = "fx-2025-12-12-night"          # the arrival in the night to 12 December: contradicts
VISIT = "fx-2025-12-12-visit"          # another report of the arrival on 11 December
SUMMIT = "fx-2025-12-13-summit"        # the meeting took place; a revised figure

#: the Trend claim that expects the arrival on 11 December
TREND_ARRIVAL = "putin-arrival"

Row = dict[str, Any]


def text(article: str) -> str:
    folder = ARTICLES if article == TREND else SOURCES
    return next(folder.glob(f"{article}.*.txt")).read_text(encoding="utf-8")


def article(article_id: str) -> URIRef:
    return URIRef(f"{BASE}article/{article_id}")


def claim(article_id: str, claim_id: str) -> URIRef:
    return URIRef(f"{BASE}claim/{article_id}/{claim_id}")


def day(phrase: str) -> datetime.date:
    """The December 2025 date a Russian phrase names ("11 декабря", "в ночь на 12 декабря")."""
    found = re.findall(r"(\d{1,2}) декабря", phrase)
    assert len(found) == 1, f"expected one date in {phrase!r}"
    return datetime.date(2025, 12, int(found[0]))


def quoted(article_id: str, pattern: str) -> str:
    """The one passage of the article's text that matches the regular expression *pattern*."""
    found = re.findall(pattern, text(article_id))
    assert len(found) == 1, f"{article_id}: expected one match of {pattern!r}, got {found}"
    return found[0]


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sources-build")
    build({"DATA_DIR": [str(ARTICLES), str(SOURCES)], "BUILD_DIR": str(out)})
    return out


@pytest.fixture(scope="module")
def dataset(build_dir: Path) -> Dataset:
    return load_dataset(build_dir / "dataset.trig")


def run(dataset: Dataset, name: str, node: str | None = None) -> list[Row]:
    """Run ``queries/<name>.rq``, with the node of its VALUES block set to ``id:<node>`` if given.

    Literals become Python values, IRIs stay IRIs, unbound variables are ``None``.
    """
    path = QUERIES / f"{name}.rq"
    query = path.read_text(encoding="utf-8")
    if node is not None:
        query, count = re.subn(r"(VALUES \?\w+ \{ )id:[\w-]+( \})", rf"\1id:{node}\2", query)
        assert count == 1, f"{name}.rq has no VALUES block for its parameter"
    result = run_query(dataset, query, path)
    return [
        {var: term.toPython() if isinstance(term, Literal) else term
         for var, term in zip(result.variables, solution, strict=True)}
        for solution in result.rows
    ]


def where(rows: list[Row], **match: Any) -> list[Row]:
    return [row for row in rows if all(row.get(k) == v for k, v in match.items())]


def one(rows: list[Row], **match: Any) -> Row:
    found = where(rows, **match)
    assert len(found) == 1, f"expected one row with {match}, got {len(found)}: {found}"
    return found[0]


# --- what each source said ------------------------------------------------------------------


def test_each_source_gives_its_own_date_for_the_arrival(dataset: Dataset) -> None:
    rows = run(dataset, "source_statements")
    dates = {(row["article"], row["value"]) for row in where(rows, property=DIP.date)}
    expected = {
        (article(TREND), day(quoted(TREND, r"Путин прибудет в туркменскую столицу \d+ декабря"))),
        (article(ARRIVAL), day(quoted(ARRIVAL, r"прибыл в Ашхабад \d+ декабря"))),
        (article(PROBA), day(quoted(PROBA, r"вечером \d+ декабря"))),
        (article(REPRINT), day(quoted(REPRINT, r"вечером \d+ декабря"))),
        (article(NIGHT), day(quoted(NIGHT, r"в ночь на \d+ декабря"))),
        (article(VISIT), day(quoted(VISIT, r"прибыл в Ашхабад \d+ декабря"))),
    }
    assert dates == expected
    # the expectation stays the Trend report's, the reports are the fixtures'
    assert {row["modality"] for row in where(rows, article=article(TREND))} == {DIP.Expected}
    assert {row["modality"] for row in rows if row["article"] != article(TREND)} == {DIP.Reported}
    assert not where(rows, article=article(SUMMIT))


def test_source_statements_give_publisher_origin_and_time(dataset: Dataset) -> None:
    rows = run(dataset, "source_statements")
    assert "передает РИА Новости" in text(ARRIVAL)
    relayed = where(rows, article=article(ARRIVAL), property=DIP.date)[0]
    assert (relayed["publisher"], relayed["origin"]) == (ID["fx-test-wire"], ID["fx-ria-novosti"])
    assert relayed["published"] == datetime.datetime.fromisoformat("2025-12-12T09:30:00+03:00")
    assert "публикует сообщение агентства «Проба»" in text(REPRINT)
    reprinted = where(rows, article=article(REPRINT), property=DIP.date)[0]
    assert (reprinted["publisher"], reprinted["origin"]) == (ID["fx-obrazets"], ID["fx-proba"])
    night = where(rows, article=article(NIGHT), property=DIP.partOfDay)
    assert "в ночь на" in night[0]["quote"] and [row["value"] for row in night] == ["night"]


def test_who_said_it_and_when(dataset: Dataset) -> None:
    rows = run(dataset, "source_statements", node="fx-putin-erdogan-meeting")
    announced = quoted(ARRIVAL, r"как \d+ декабря анонсировал пресс-секретарь Кремля Дмитрий Песков")
    planned = where(rows, claim=claim(ARRIVAL, "erdogan-meeting-planned"))
    assert {(row["attributedTo"], row["statedOn"], row["modality"]) for row in planned} == {
        (ID["fx-peskov"], day(announced), DIP.Expected)}
    assert one(planned, property=SCHEMA.eventStatus)["value"] == SCHEMA.EventScheduled
    # "… провели переговоры в Ашхабаде 12 декабря, сообщил в тот же день … Дмитрий Песков"
    held_on = day(quoted(SUMMIT, r"в Ашхабаде \d+ декабря, сообщил в тот же день"))
    held = where(rows, claim=claim(SUMMIT, "erdogan-meeting-held"))
    assert {(row["attributedTo"], row["statedOn"]) for row in held} == {(ID["fx-peskov"], held_on)}
    assert one(held, property=DIP.date)["value"] == held_on
    assert one(held, property=SCHEMA.eventStatus)["value"] == DIP.EventHappened


def test_statements_about_an_entity_include_those_where_it_is_the_object(dataset: Dataset) -> None:
    rows = run(dataset, "source_statements", node="putin")
    agents = where(rows, property=DIP.agent, subject=ID["putin-arrival"], value=ID.putin)
    assert {row["article"] for row in agents} >= {article(a) for a in (ARRIVAL, PROBA, REPRINT, NIGHT, VISIT)}


def test_attribution_without_a_date_and_an_updated_figure(dataset: Dataset) -> None:
    rows = run(dataset, "source_statements", node="fx-delegations-count")
    values = {(row["article"], row["value"]) for row in where(rows, property=DIP.value)}
    figure = r"делегации (\d+) государств"
    assert values == {(article(a), int(quoted(a, figure))) for a in (PROBA, REPRINT, SUMMIT)}
    assert "По данным оргкомитета" in text(PROBA)
    for row in where(rows, property=DIP.value):
        assert (row["attributedTo"], row["statedOn"]) == (ID["fx-organising-committee"], None)


# --- independent confirmation ---------------------------------------------------------------


def test_a_fact_counts_origins_not_articles(dataset: Dataset) -> None:
    rows = run(dataset, "confirmed_facts")
    arrival_date = day(quoted(ARRIVAL, r"прибыл в Ашхабад \d+ декабря"))
    dated = one(rows, subject=ID["putin-arrival"], property=DIP.date, value=arrival_date)
    # ARRIVAL (via RIA Novosti), PROBA and its reprint, VISIT: four articles, three origins
    assert (dated["articles"], dated["origins"]) == (4, 3)
    assert set(dated["originList"].split()) == {str(ID[o]) for o in ("fx-ria-novosti", "fx-proba", "fx-test-desk")}
    assert set(dated["articleList"].split()) == {str(article(a)) for a in (ARRIVAL, PROBA, REPRINT, VISIT)}
    happened = one(rows, subject=ID["putin-arrival"], property=SCHEMA.eventStatus)
    assert happened["value"] == DIP.EventHappened
    assert (happened["articles"], happened["origins"]) == (5, 4)  # NIGHT adds a fourth origin


def test_a_republished_story_does_not_confirm_itself(dataset: Dataset) -> None:
    rows = run(dataset, "confirmed_facts")
    # only PROBA and its reprint say "вечером" and give 12 states: two articles, one origin
    assert "вечером" in text(PROBA) and "вечером" in text(REPRINT) and "вечером" not in text(ARRIVAL)
    assert not where(rows, subject=ID["putin-arrival"], property=DIP.partOfDay)
    assert not where(rows, subject=ID["fx-delegations-count"])
    # the night date has one source; the expected status none that reports it
    assert not where(rows, subject=ID["putin-arrival"], value=day(quoted(NIGHT, r"в ночь на \d+ декабря")))
    assert not where(rows, value=SCHEMA.EventScheduled)
    assert all(row["origins"] >= 2 and row["articles"] >= row["origins"] for row in rows)


# --- expectations ---------------------------------------------------------------------------


def outcomes(rows: list[Row], expectation: URIRef) -> set[tuple[str, URIRef | None, bool | None]]:
    return {(row["outcome"], row["by"], row["declared"]) for row in where(rows, expectation=expectation)}


def test_the_expected_arrival_was_fulfilled_and_contradicted(dataset: Dataset) -> None:
    rows = run(dataset, "expectation_outcomes")
    expected = claim(TREND, TREND_ARRIVAL)
    fulfilled = one(rows, expectation=expected, by=claim(ARRIVAL, "putin-arrived"))
    assert "Ожидается, что Президент России Владимир Путин прибудет" in fulfilled["quote"]
    declared = {found for found in outcomes(rows, expected) if found[2]}
    assert declared == {("fulfilled", claim(ARRIVAL, "putin-arrived"), True),
                        ("contradicted", claim(NIGHT, "putin-arrived-night"), True)}
    assert all(row["byIssued"] > row["issued"] for row in where(rows, expectation=expected))


def test_the_builder_proposes_the_undeclared_fulfilments(dataset: Dataset) -> None:
    """Later reports of the arrival that declare no relation are proposed, and marked as such.

    Proba, its reprint and the visit report tell of the arrival without saying that they fulfil
    the Trend expectation: the rules propose them in graph/derived; the arrival report, which
    declares its fulfilment, and the night report, which declares a contradiction, are not
    proposed again; the expectation itself is never proposed as confirming anything.
    """
    derived = dataset.graph(URIRef(BASE + "graph/derived"))
    expected = claim(TREND, TREND_ARRIVAL)
    proposed = set(derived.subjects(DIP.proposedFulfils, expected))
    assert proposed == {claim(PROBA, "putin-arrived"), claim(REPRINT, "putin-arrived"), claim(VISIT, "putin-arrived")}
    assert (None, DIP.proposedConfirms, expected) not in derived
    assert (expected, DIP.proposedConfirms, None) not in derived
    sources = dataset.graph(URIRef(BASE + "graph/sources"))
    assert (None, DIP.proposedFulfils, None) not in sources
    found = outcomes(run(dataset, "expectation_outcomes"), expected)
    assert ("fulfilled", claim(PROBA, "putin-arrived"), False) in found
    assert ("fulfilled", claim(REPRINT, "putin-arrived"), False) in found
    assert ("fulfilled", claim(ARRIVAL, "putin-arrived"), True) in found
    assert ("fulfilled", claim(ARRIVAL, "putin-arrived"), False) not in found


def test_the_planned_meeting_was_fulfilled(dataset: Dataset) -> None:
    rows = run(dataset, "expectation_outcomes")
    planned = claim(ARRIVAL, "erdogan-meeting-planned")
    assert outcomes(rows, planned) == {("fulfilled", claim(SUMMIT, "erdogan-meeting-held"), True)}
    held = one(rows, expectation=planned)
    assert held["byIssued"] == datetime.date(2025, 12, 13) and "провели переговоры" in text(SUMMIT)


def test_expectations_nobody_followed_up_stay_open(dataset: Dataset) -> None:
    rows = run(dataset, "expectation_outcomes")
    open_quotes = {row["quote"] for row in where(rows, outcome="open", by=None)}
    for article_id, passage in (
        (ARRIVAL, "Российский лидер примет участие в торжествах"),
        (NIGHT, "Днем он примет участие в саммите"),
        (TREND, "Утром 12 декабря Ашхабад начнет принимать иностранные делегации"),
        (TREND, "официальные лица прогнозируют"),
        (TREND, "Потенциальные итоги визита могут включать новые соглашения"),
    ):
        assert passage in text(article_id)
        assert any(passage in quote for quote in open_quotes), passage
    assert {row["modality"] for row in rows} <= {DIP.Expected, DIP.Forecast, DIP.Possible}
    assert not where(rows, expectation=claim(PROBA, "putin-arrived"))


# --- contradictions -------------------------------------------------------------------------


def test_the_night_report_contradicts_the_dates_of_the_others(dataset: Dataset) -> None:
    rows = run(dataset, "contradictions")
    night = claim(NIGHT, "putin-arrived-night")
    night_date = day(quoted(NIGHT, r"в ночь на \d+ декабря"))
    assert {row["claim"] for row in rows} == {night}
    dates = {(row["other"], row["value"], row["otherValue"]) for row in where(rows, property=DIP.date)}
    assert dates == {
        (claim(TREND, TREND_ARRIVAL), night_date, day(quoted(TREND, r"столицу \d+ декабря"))),
        (claim(ARRIVAL, "putin-arrived"), night_date, day(quoted(ARRIVAL, r"Ашхабад \d+ декабря"))),
        (claim(PROBA, "putin-arrived"), night_date, day(quoted(PROBA, r"вечером \d+ декабря"))),
    }
    part = one(rows, property=DIP.partOfDay)
    assert (part["other"], part["value"], part["otherValue"]) == (claim(PROBA, "putin-arrived"), "night", "evening")
    assert all(row["value"] != row["otherValue"] for row in rows)
    with_arrival = where(rows, other=claim(ARRIVAL, "putin-arrived"))[0]
    assert (with_arrival["origin"], with_arrival["otherOrigin"]) == (ID["fx-night-desk"], ID["fx-ria-novosti"])
    assert where(rows, other=claim(TREND, TREND_ARRIVAL))[0]["otherModality"] == DIP.Expected


# --- timeline -------------------------------------------------------------------------------


def test_the_arrival_timeline_follows_the_issue_and_publication_times(dataset: Dataset) -> None:
    rows = run(dataset, "event_timeline")
    assert [row["article"] for row in rows] == [article(a) for a in (TREND, VISIT, NIGHT, PROBA, ARRIVAL, REPRINT)]
    published = [row["published"] for row in rows if row["published"] is not None]
    assert published == sorted(published)
    first = rows[0]
    assert (first["modality"], first["status"], first["cameoCode"]) == (
        DIP.Expected, SCHEMA.EventScheduled, DIP.cameo036)
    assert {(row["status"], row["cameoCode"]) for row in rows[1:]} == {(DIP.EventHappened, DIP.cameo042)}
    by_article = {row["article"]: row for row in rows}
    assert by_article[article(NIGHT)]["date"] == day(quoted(NIGHT, r"в ночь на \d+ декабря"))
    assert by_article[article(NIGHT)]["partOfDay"] == "night"
    assert by_article[article(PROBA)]["partOfDay"] == "evening"


def relations(row: Row) -> set[str]:
    return set(row["relations"].split("; ")) if row["relations"] else set()


def test_the_timeline_shows_the_declared_relations(dataset: Dataset) -> None:
    by_article = {row["article"]: row for row in run(dataset, "event_timeline")}
    assert relations(by_article[article(ARRIVAL)]) == {f"fulfils {claim(TREND, TREND_ARRIVAL)}"}
    assert relations(by_article[article(PROBA)]) == {f"confirms {claim(ARRIVAL, 'putin-arrived')}"}
    assert relations(by_article[article(NIGHT)]) == {
        f"contradicts {claim(TREND, TREND_ARRIVAL)}",
        f"contradicts {claim(ARRIVAL, 'putin-arrived')}",
        f"contradicts {claim(PROBA, 'putin-arrived')}",
    }
    assert relations(by_article[article(REPRINT)]) == set()


def test_the_timeline_of_another_event(dataset: Dataset) -> None:
    rows = run(dataset, "event_timeline", node="fx-putin-erdogan-meeting")
    assert [(row["article"], row["modality"], row["status"]) for row in rows] == [
        (article(ARRIVAL), DIP.Expected, SCHEMA.EventScheduled),
        (article(SUMMIT), DIP.Reported, DIP.EventHappened),
    ]
    assert rows[1]["date"] == day(quoted(SUMMIT, r"в Ашхабаде \d+ декабря"))
    assert rows[1]["cameoCode"] == DIP.cameo044 and rows[0]["cameoCode"] == DIP.cameo036
    assert {row["attributedTo"] for row in rows} == {ID["fx-peskov"]}
    assert relations(rows[1]) == {f"fulfils {claim(ARRIVAL, 'erdogan-meeting-planned')}"}
    figure = run(dataset, "event_timeline", node="fx-delegations-count")
    assert relations(one(figure, article=article(SUMMIT))) == {f"updates {claim(PROBA, 'delegations-count')}"}


# --- bad input ------------------------------------------------------------------------------


def fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


BAD_CASES = {
    # case folder: (the text on the offending line, words the message must contain)
    "unknown-claim": ("confirms: 2025-12-11-trend-ashgabat/no-such-claim", ["no-such-claim"]),
    "forward-fulfilment": ("fulfils: 2025-12-11-trend-ashgabat/", ["2025-12-10", "2025-12-11"]),
    "unknown-node": ("fx-no-such-arrival:", ["fx-no-such-arrival"]),
    "unknown-term": ("schema:eventStatus: schema:EventCompleted", ["schema:EventCompleted"]),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_names_file_and_line_and_keeps_the_build(case: str, build_dir: Path, tmp_path: Path) -> None:
    marker, words = BAD_CASES[case]
    annotation = next((BAD_SOURCES / case).glob("*.yaml"))
    lines = annotation.read_text(encoding="utf-8").splitlines()
    line = next(number for number, content in enumerate(lines, 1) if marker in content)
    out = tmp_path / "build"
    shutil.copytree(build_dir, out)
    before = fingerprint(out)

    result = CliRunner().invoke(main, ["build", "--data", str(ARTICLES), "--data", str(BAD_SOURCES / case),
                                       "--out", str(out)], catch_exceptions=False)

    assert result.exit_code == 2, result.output
    assert f"{annotation}:{line}:" in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr
    assert fingerprint(out) == before


def test_an_unknown_term_names_the_nearest_known_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--data", str(ARTICLES), "--data", str(BAD_SOURCES / "unknown-term"),
                                       "--out", str(tmp_path / "build")], catch_exceptions=False)
    assert result.exit_code == 2
    suggestion = re.search(r"(schema:Event(?!Completed)[A-Za-z]+|dip:EventHappened)", result.stderr)
    assert suggestion, result.stderr
    assert not (tmp_path / "build").exists()


def test_a_fact_several_sources_assert_is_one_row_of_the_default_graph(build_dir: Path) -> None:
    """Through the endpoint, the default graph is the union as a set: a date that several claims
    give is one row, not one per claim graph; per claim, GRAPH still tells them apart."""
    from kg.server import create_app

    app = create_app({"TESTING": True, "BUILD_DIR": str(build_dir)})
    try:
        client = app.test_client()
        prefixes = f"PREFIX id: <{BASE}id/> PREFIX dip: <{BASE}ontology#> "
        union = client.get("/sparql", query_string={"query": prefixes + "SELECT ?d WHERE { id:putin-arrival dip:date ?d }"},
                           headers={"Accept": "text/csv"}).get_data(as_text=True).splitlines()[1:]
        per_claim = client.get("/sparql", query_string={
            "query": prefixes + "SELECT ?g ?d WHERE { GRAPH ?g { id:putin-arrival dip:date ?d } }"},
            headers={"Accept": "text/csv"}).get_data(as_text=True).splitlines()[1:]
    finally:
        app.extensions["kg"].engine.close()
    # the Trend article expects 11 December; the night report says the night to 12 December
    assert len(union) == len(set(union)) == 2
    assert set(union) == {str(day("11 декабря")), str(day("12 декабря"))}
    assert len(per_claim) > len(union)


def test_one_claim_giving_two_dates_is_rejected_naming_the_claim(tmp_path: Path) -> None:
    """Sources may disagree, one claim may not: the per-claim shapes check each assertion apart."""
    folder = tmp_path / "twice"
    folder.mkdir()
    text = "Путин прибыл в Ашхабад 11 или 12 декабря."
    (folder / "fx-2025-12-14-twice.ru.txt").write_text(text + "\n", encoding="utf-8")
    (folder / "fx-2025-12-14-twice.yaml").write_text(f"""article:
  id: fx-2025-12-14-twice
  text: fx-2025-12-14-twice.ru.txt
  title: {{en: "Two dates in one report"}}
  publisher: trend
  issued: 2025-12-14
  language: ru
claims:
  arrived:
    modality: reported
    quote: "{text[:-1]}"
    statement: "Putin arrived in Ashgabat on 11 or 12 December."
    asserts:
      putin-arrival: {{dip:date: [2025-12-11, 2025-12-12]}}
""", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        build({"DATA_DIR": [str(ARTICLES), str(folder)], "BUILD_DIR": str(tmp_path / "build")})
    message = str(caught.value)
    assert "One source gives an event at most one `dip:date`" in message
    assert f"{BASE}claim/fx-2025-12-14-twice/arrived/assertion" in message
    assert not (tmp_path / "build").exists()
