"""``kg draft`` end to end: the file it writes, its checks of bad input, and refusing unconfirmed drafts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from draft_fixtures import DRAFT_DATA, GRAPH_DIRS, ROOT
from rdflib import Graph

from kg.annotations import load_corpus
from kg.cli import main
from kg.draft.markers import unconfirmed
from kg.draft.nlp import Models
from kg.draft.run import draft_file
from kg.errors import InputError
from kg.textquote import find_quote
from kg.yamlsource import load_yaml

TREND = ROOT / "data" / "articles" / "2025-12-11-trend-ashgabat.ru.txt"
ANKARA = DRAFT_DATA / "articles" / "2026-01-15-fixture-ankara.ru.txt"
LOADER = ROOT / "tests" / "data" / "loader"


def all_draft_keys(value: object) -> int:
    if isinstance(value, dict):
        return ("draft" in value) + sum(all_draft_keys(v) for v in value.values())
    if isinstance(value, list):
        return sum(all_draft_keys(v) for v in value)
    return 0


@pytest.fixture(scope="module")
def trend_draft(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The Trend article drafted by the real command line (models loaded by the command)."""
    folder = tmp_path_factory.mktemp("trend")
    text = folder / TREND.name
    shutil.copy(TREND, text)
    result = CliRunner().invoke(main, ["draft", str(text), "--data", str(GRAPH_DIRS[0])])
    assert result.exit_code == 0, result.output
    return folder / "2025-12-11-trend-ashgabat.yaml", result.output


def test_draft_writes_an_annotation_in_the_project_format(trend_draft: tuple[Path, str]):
    path, output = trend_draft
    assert f"wrote {path}" in output
    doc = load_yaml(path)
    article = doc.data["article"]
    assert article["id"] == "2025-12-11-trend-ashgabat" and article["text"] == TREND.name
    assert (article["publisher"], article["dateline"], str(article["issued"])) == ("trend", "baku", "2025-12-11")
    assert set(doc.data) == {"article", "nodes", "mentions", "claims"}
    text = TREND.read_text(encoding="utf-8")
    for node_id, items in doc.data["mentions"].items():
        for item in items:
            assert find_quote(text, item["quote"], item.get("occurrence", 1))
            assert node_id in item["draft"]
    for claim in doc.data["claims"].values():
        assert claim["modality"] in ("reported", "expected", "forecast", "possible")
        find_quote(text, claim["quote"], claim.get("occurrence", 1))
        assert claim["statement"].startswith("DRAFT:") and claim["draft"].startswith("claim:")
        for ref in claim.get("supports", []) + claim.get("about", []):
            assert ref in doc.data["nodes"] or ref in doc.data["mentions"]


def test_figures_are_observations_with_bounds_units_and_periods(trend_draft: tuple[Path, str]):
    nodes = load_yaml(trend_draft[0]).data["nodes"]
    figures = [n for n in nodes.values() if n["type"] == "Observation"]
    by_value = {n.get("dip:value", n.get("dip:minValue")): n for n in figures}
    forecast = by_value[2_500_000_000]
    assert (forecast["dip:bound"], forecast["dip:currency"], forecast["dip:period"]) == (
        "dip:LowerBound", "USD", "year-2025")
    freight = by_value[15_000_000]
    assert (freight["dip:bound"], freight["dip:maxValue"], freight["dip:unit"]) == ("dip:Range", 23_000_000, "TNE")
    assert by_value[1_600_000_000]["dip:periodicity"] == "P1Y"
    assert all(n["draft"].startswith("figure '") for n in figures)


def test_every_proposal_is_marked_and_found_with_its_line(trend_draft: tuple[Path, str]):
    doc = load_yaml(trend_draft[0])
    found = unconfirmed(doc)
    assert len(found) == all_draft_keys(doc.data) > 50  # placeholders lie under draft keys
    lines = [doc.line(path) for path, _ in found]
    assert lines == sorted(lines)
    path, message = found[0]
    assert path == ("article", "draft")
    assert "delete the `draft` key" in message and "kg review" in message


def test_new_nodes_attribution_and_agency_relied_on(draft_models: Models, tmp_path: Path):
    out = tmp_path / "ankara.yaml"
    line = draft_file(ANKARA, out, GRAPH_DIRS, models=draft_models)
    assert line.startswith(f"wrote {out}: ")
    data = load_yaml(out).data
    assert data["article"]["reliesOn"] == ["ria-novosti"]
    assert data["article"]["dateline"] == "ankara"
    fidan = data["nodes"]["khakan-fidan"]
    assert (fidan["type"], fidan["rdfs:label"]["ru"]) == ("Person", "Хакан Фидан")
    assert "transliteration" in fidan["draft"]
    said = [c for c in data["claims"].values() if "attribution" in c]
    assert {tuple(c["attribution"]["by"]) for c in said} >= {("khakan-fidan",), ("gazprom",)}
    assert [item["quote"] for item in data["mentions"]["erdogan"]] == ["Реджеп Тайип Эрдоган", "Эрдоганом"]
    assert (tmp_path / "ankara.yaml").read_text(encoding="utf-8").startswith("# Draft annotation")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.ru.txt", b"", "the article is empty"),
    ("blank.ru.txt", b"  \n\n 2025 \n", "the article is empty"),
    ("english.ru.txt", b"The President of Russia arrived in Ashgabat on 11 December.", "is not Russian text"),
    ("cp1251.ru.txt", "Путин прибыл в Ашхабад.".encode("cp1251"), "is not UTF-8 text"),
    ("ukrainian.ru.txt", "Президент України прибув до Ашгабата, повідомляє агентство.".encode(),
     "another Cyrillic alphabet"),
])
def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path, name: str, content: bytes, message: str):
    article = tmp_path / name
    article.write_bytes(content)
    result = CliRunner().invoke(main, ["draft", str(article)])
    assert result.exit_code == 2
    assert f"Error: {article}" in result.output and message in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_missing_article_exits_2(tmp_path: Path):
    result = CliRunner().invoke(main, ["draft", str(tmp_path / "none.ru.txt")])
    assert result.exit_code == 2 and "cannot read the article" in result.output


def test_existing_annotation_is_kept_without_force(tmp_path: Path):
    article = tmp_path / "2026-01-15-fixture-ankara.ru.txt"
    shutil.copy(ANKARA, article)
    existing = tmp_path / "2026-01-15-fixture-ankara.yaml"
    existing.write_text("# mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["draft", str(article)])
    assert result.exit_code == 2 and "--force" in result.output
    assert existing.read_text(encoding="utf-8") == "# mine\n"


def test_load_corpus_refuses_an_unconfirmed_proposal(tmp_path: Path):
    """An annotation that is valid but for one `draft` key stops the build at that key's line."""
    folder = tmp_path / "articles"
    shutil.copytree(LOADER / "good", folder)
    annotation = folder / "sample-trend.yaml"
    lines = annotation.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("claims:")) + 2
    indent = len(lines[at]) - len(lines[at].lstrip())
    lines.insert(at, " " * indent + 'draft: "modality expected (marked by \'ожидается\')"')
    annotation.write_text("\n".join(lines) + "\n", encoding="utf-8")
    schema = tmp_path / "open.schema.json"
    schema.write_text(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema"}), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_corpus([folder], Graph().parse(LOADER / "ontology.ttl"), schema)
    error = caught.value
    assert (error.path, error.line) == (str(annotation), at + 1)
    assert "unconfirmed draft (1 of 1 in this file): modality expected" in error.message
    assert "delete the `draft` key" in error.message


def test_confirm_command_deletes_the_named_draft_keys(tmp_path: Path, draft_models: Models):
    out = tmp_path / "ankara.yaml"
    draft_file(ANKARA, out, GRAPH_DIRS, models=draft_models)
    before = unconfirmed(load_yaml(out))
    first, second = (".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[")
                     for path, _ in before[:2])
    result = CliRunner().invoke(main, ["confirm", str(out), first, second])
    assert result.exit_code == 0, result.output
    after = unconfirmed(load_yaml(out))
    assert f"{len(after)} proposals left" in result.output
    # the article is confirmed, so its title placeholder now counts on its own
    assert [p for p, _ in after] == [("article", "title", "en")] + [p for p, _ in before[2:]]
    assert out.read_text(encoding="utf-8").startswith("# Draft annotation")
    bad = CliRunner().invoke(main, ["confirm", str(out), "claims.nothing-here"])
    assert bad.exit_code == 2 and "claims.nothing-here is not an unconfirmed proposal" in bad.output
    assert CliRunner().invoke(main, ["confirm", str(out)]).exit_code == 2
    done = CliRunner().invoke(main, ["confirm", str(out), "--all"])
    assert done.exit_code == 0
    left = unconfirmed(load_yaml(out))
    assert all(path[-1] != "draft" for path, _ in left)  # only the statements and title to write
    assert f"{len(left)} proposals left" in done.output


def test_a_confirmed_draft_loads_with_the_project_loader(tmp_path: Path, draft_models: Models):
    """Drafted, confirmed, its statements, title and indicators written: the real loader (ontology
    and schema of the project) reads it; with a placeholder left it names that line."""
    from kg import paths

    folder = tmp_path / "articles"
    shutil.copytree(ROOT / "data" / "articles", folder)
    shutil.copy(DRAFT_DATA / "graph" / "people.yaml", folder)
    shutil.copy(ANKARA, folder)
    out = folder / "2026-01-15-fixture-ankara.yaml"
    draft_file(folder / ANKARA.name, None, [folder], models=draft_models)
    assert CliRunner().invoke(main, ["confirm", str(out), "--all"]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    text = text.replace("'DRAFT: write a descriptive English title'", "'Erdoğan meets Berdimuhamedov'")
    text = text.replace("    type: Observation\n", "    type: Observation\n    dip:indicator: trade-turnover\n")
    ontology = Graph().parse(paths.ontology_file())
    out.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_corpus([folder], ontology, paths.schema_file())
    assert caught.value.path == str(out) and "write the plain-English statement" in caught.value.message
    line = text.splitlines()[caught.value.line - 1]
    assert line.strip().startswith("statement: 'DRAFT:")
    out.write_text(text.replace("'DRAFT: write the plain-English statement of this claim'", "'Said.'"),
                   encoding="utf-8")
    corpus = load_corpus([folder], ontology, paths.schema_file())
    assert corpus.claims >= 7 + 30
