"""The ``kg`` command line: output, exit codes, ``validate`` on other people's files, query formats."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from build_fixture import ARTICLE, FIXTURES, environment
from click.testing import CliRunner, Result
from rdflib import SH, Graph, Literal

from kg.cli import main
from kg.errors import QueryError
from kg.queries import load_queries

THIRD_PARTY = FIXTURES / "third-party"


@pytest.fixture()
def kg(tmp_path: Path):
    """Run ``kg`` with the fixture configuration; returns the click result."""
    runner = CliRunner()
    env = environment(tmp_path)

    def run(*args: str) -> Result:
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return run


@pytest.fixture()
def built(kg, tmp_path: Path) -> Path:
    assert kg("build").exit_code == 0
    return tmp_path / "build"


def test_build_prints_what_it_did(kg, tmp_path: Path) -> None:
    result = kg("build")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "articles: 1" in out and "claims: 2 (2 with an assertion graph)" in out and "mentions: 4" in out
    assert "entities and facts: 7" in out and "inferred triples:" in out and "time:" in out
    assert (tmp_path / "build" / "dataset.trig").is_file()


def test_build_with_options(kg, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    result = kg("build", "--data", str(tmp_path / "articles"), "--out", str(out), "--base-iri", "https://example.org/kg/")
    assert result.exit_code == 0, result.stderr
    text = (out / "graph.nt").read_text(encoding="utf-8")
    assert f"<https://example.org/kg/article/{ARTICLE}>" in text
    assert "https://w3id.org/diplomacy-kg/id/" not in text


def test_build_input_error_exits_2_with_file_and_line(kg, tmp_path: Path) -> None:
    annotations = tmp_path / "articles" / f"{ARTICLE}.yaml"
    annotations.write_text(annotations.read_text(encoding="utf-8").replace("type: Visit", "type: [Visit"))
    result = kg("build")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {annotations}:")
    assert result.stdout == ""


def test_validate_a_conforming_file(kg) -> None:
    result = kg("validate", str(THIRD_PARTY / "conforming.ttl"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Conforms: yes")


def test_validate_reports_each_result_and_writes_the_report(kg, tmp_path: Path) -> None:
    report = tmp_path / "report.ttl"
    result = kg("validate", str(THIRD_PARTY / "unlabelled.nt"), "--report", str(report))
    assert result.exit_code == 1
    assert "Violation" in result.stdout
    assert "<http://example.org/kazakhstan>" in result.stdout
    assert "rdfs:label" in result.stdout and "an actor needs an English label" in result.stdout
    graph = Graph().parse(report)
    assert (None, SH.conforms, Literal(False)) in graph
    assert len(list(graph.subjects(SH.resultPath, None))) == 1


def test_validate_an_inconsistent_file_exits_1(kg) -> None:
    result = kg("validate", str(THIRD_PARTY / "inconsistent.ttl"))
    assert result.exit_code == 1
    assert "<http://example.org/nazarbayev>" in result.stderr and "disjoint" in result.stderr


def test_validate_an_unreadable_file_exits_2(kg, tmp_path: Path) -> None:
    broken = THIRD_PARTY / "broken.ttl"
    result = kg("validate", str(broken))
    assert result.exit_code == 2
    assert f"Error: {broken}:4:" in result.stderr
    missing = tmp_path / "missing.ttl"
    assert kg("validate", str(missing)).exit_code == 2


def test_validate_our_own_jsonld_output(kg, built: Path) -> None:
    result = kg("validate", str(built / "graph.jsonld"))
    assert result.exit_code == 0, result.stderr


def test_query_by_name_as_a_table(kg, built: Path) -> None:
    result = kg("query", "states")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["state", "|", "label"]
    assert "Russia" in lines[2] and "Turkmenistan" in lines[3]  # sorted by label
    assert lines[-1] == "(2 rows)"


def test_query_formats(kg, built: Path) -> None:
    rows = list(csv.reader(io.StringIO(kg("query", "states", "--format", "csv").stdout)))
    assert rows == [
        ["state", "label"],
        ["https://w3id.org/diplomacy-kg/id/russia", "Russia"],
        ["https://w3id.org/diplomacy-kg/id/turkmenistan", "Turkmenistan"],
    ]
    tsv = kg("query", "states", "--format", "tsv").stdout.splitlines()
    assert tsv[0] == "?state\t?label"
    assert tsv[1] == '<https://w3id.org/diplomacy-kg/id/russia>\t"Russia"@en'
    document = json.loads(kg("query", "states", "--format", "json").stdout)
    assert document["head"]["vars"] == ["state", "label"]
    first = document["results"]["bindings"][0]
    assert first["label"] == {"type": "literal", "value": "Russia", "xml:lang": "en"}
    assert first["state"] == {"type": "uri", "value": "https://w3id.org/diplomacy-kg/id/russia"}


def test_query_sees_inferred_triples_and_files_and_text(kg, built: Path) -> None:
    result = kg("query", str(FIXTURES / "queries" / "capitals.rq"), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert "https://w3id.org/diplomacy-kg/id/ashgabat,https://w3id.org/diplomacy-kg/id/turkmenistan" in result.stdout
    ask = kg("query", "ASK { ?s <https://w3id.org/diplomacy-kg/ontology#capitalOf> ?o }", "--format", "json")
    assert json.loads(ask.stdout) == {"head": {}, "boolean": True}


def test_query_errors(kg, built: Path) -> None:
    broken = kg("query", "SELECT ?s WHERE {\n  ?s ?p \n")
    assert broken.exit_code == 2
    assert broken.stderr.startswith("Error: query:") and "SPARQL syntax error" in broken.stderr
    unknown = kg("query", "no_such_query")
    assert unknown.exit_code == 2 and "states" in unknown.stderr


def test_query_builds_when_the_build_is_missing(kg, tmp_path: Path) -> None:
    result = kg("query", "capitals", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert "building it first" in result.stderr
    assert result.stdout.splitlines()[0] == "city,state"
    assert (tmp_path / "build" / "dataset.trig").is_file()


def test_python_dash_m_kg_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    for command in ("build", "validate", "query"):
        assert command in done.stdout


def test_named_queries_have_title_and_multi_line_description() -> None:
    queries = load_queries(FIXTURES / "queries")
    assert sorted(queries) == ["capitals", "states"]
    assert queries["states"].title == "States"
    assert queries["states"].description == "Every state with its English label, sorted by label."


def test_a_broken_query_file_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "fine.rq").write_text((FIXTURES / "queries" / "states.rq").read_text(encoding="utf-8"))
    (tmp_path / "broken.rq").write_text('# title: Broken\nPREFIX dip: <x:>\nSELECT ?s WHERE {\n  ?s dip:p "open\n}\n')
    with pytest.raises(QueryError) as caught:
        load_queries(tmp_path)
    assert caught.value.path == str(tmp_path / "broken.rq")
    assert caught.value.line == 4  # the string that does not end


def test_query_runs_under_the_endpoints_guard_and_limits(kg, built: Path, monkeypatch) -> None:
    refused = kg("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert refused.exit_code == 2 and "SERVICE is not allowed" in refused.stderr
    monkeypatch.setenv("KG_QUERY_TIMEOUT", "1")
    started = time.monotonic()
    slow = kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    assert slow.exit_code == 2 and "time limit of 1 s" in slow.stderr
    assert time.monotonic() - started < 10
