"""The build's files are byte-stable across processes and readable by rdflib and Oxigraph alike."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest
from build_fixture import environment, snapshot
from rdflib import DCTERMS, Dataset, Graph, URIRef

#: file -> (Oxigraph format, rdflib format)
RDF_FILES = {
    "dataset.trig": (ox.RdfFormat.TRIG, "trig"),
    "graph.ttl": (ox.RdfFormat.TURTLE, "turtle"),
    "graph.nt": (ox.RdfFormat.N_TRIPLES, "nt"),
    "graph.jsonld": (ox.RdfFormat.JSON_LD, "json-ld"),
    "void.ttl": (ox.RdfFormat.TURTLE, "turtle"),
    "shacl-report.ttl": (ox.RdfFormat.TURTLE, "turtle"),
}


def run_build(tmp_path: Path, out: Path, seed: str, epoch: str | None = None) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED")}
    env.update(environment(tmp_path), PYTHONHASHSEED=seed)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    done = subprocess.run(
        [sys.executable, "-m", "kg", "build", "--out", str(out)],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp_path = tmp_path_factory.mktemp("outputs")
    first, second = tmp_path / "first", tmp_path / "second"
    run_build(tmp_path, first, "1")
    run_build(tmp_path, second, "4242")
    return first, second


def test_builds_in_different_processes_are_byte_identical(two_builds: tuple[Path, Path]) -> None:
    first, second = two_builds
    assert snapshot(first) == snapshot(second)


def test_no_timestamp_without_source_date_epoch(two_builds: tuple[Path, Path]) -> None:
    for name in RDF_FILES:
        assert "XMLSchema#dateTime" not in (two_builds[0] / name).read_text(encoding="utf-8")
        assert "xsd:dateTime" not in (two_builds[0] / name).read_text(encoding="utf-8")


def test_source_date_epoch_dates_the_build(tmp_path: Path) -> None:
    run_build(tmp_path, tmp_path / "dated", "3", epoch="1765411200")
    void = Graph().parse(tmp_path / "dated" / "void.ttl")
    modified = void.value(URIRef("https://w3id.org/diplomacy-kg/dataset"), DCTERMS.modified)
    assert modified is not None
    assert modified.toPython() == datetime.datetime(2025, 12, 11, tzinfo=datetime.UTC)


def oxigraph_count(path: Path, fmt: ox.RdfFormat) -> int:
    return len(set(ox.parse(path=str(path), format=fmt)))


def rdflib_count(path: Path, fmt: str) -> int:
    with warnings.catch_warnings():  # rdflib's TriG and JSON-LD parsers use its deprecated classes
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        if fmt == "trig":
            dataset = Dataset()
            dataset.parse(path, format=fmt)
            return len(set(dataset.quads()))
        return len(Graph().parse(path, format=fmt))


@pytest.mark.parametrize("name", sorted(RDF_FILES))
def test_every_file_parses_the_same_with_oxigraph_and_rdflib(two_builds: tuple[Path, Path], name: str) -> None:
    path = two_builds[0] / name
    ox_format, rdflib_format = RDF_FILES[name]
    count = oxigraph_count(path, ox_format)
    assert count > 0
    assert count == rdflib_count(path, rdflib_format)


def ground(path: Path, fmt: ox.RdfFormat) -> set[str]:
    """The triples of a file that have no blank node, as text (graph names dropped)."""
    return {
        str(ox.Triple(q.subject, q.predicate, q.object)) if isinstance(q, ox.Quad) else str(q)
        for q in ox.parse(path=str(path), format=fmt)
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }


def test_all_serializations_hold_the_same_terms(two_builds: tuple[Path, Path]) -> None:
    out = two_builds[0]
    reference = ground(out / "graph.nt", ox.RdfFormat.N_TRIPLES)
    for name in ("graph.ttl", "graph.jsonld", "dataset.trig"):
        assert ground(out / name, RDF_FILES[name][0]) == reference, name


def test_trig_holds_the_fixed_named_graphs_and_one_per_claim(two_builds: tuple[Path, Path]) -> None:
    graphs = {str(q.graph_name) for q in ox.parse(path=str(two_builds[0] / "dataset.trig"), format=ox.RdfFormat.TRIG)}
    names = {"ontology", "entities", "sources", "external", "derived", "provenance", "inferred"}
    fixed = {f"<https://w3id.org/diplomacy-kg/graph/{name}>" for name in names}
    # the derived graph of a single article proposes nothing but the article's origin
    assert fixed <= graphs
    claims = {f"<https://w3id.org/diplomacy-kg/claim/2025-12-11-sample/{c}/assertion>" for c in ("putin-arrives", "capital")}
    assert graphs - fixed == claims


def test_jsonld_nodes_are_sorted(two_builds: tuple[Path, Path]) -> None:
    nodes = json.loads((two_builds[0] / "graph.jsonld").read_text(encoding="utf-8"))
    keys = [json.dumps(node, sort_keys=True) for node in nodes]
    assert keys == sorted(keys)
