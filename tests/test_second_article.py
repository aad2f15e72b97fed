"""A second article is picked up as data alone and leaves the first article's IRIs unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

from rdflib import URIRef

from kg.build import build
from kg.iris import DEFAULT_BASE_IRI
from kg.queries import load_dataset

ROOT = Path(__file__).resolve().parent.parent
FIRST = ROOT / "data" / "articles"
SOURCES = Path(__file__).resolve().parent / "data" / "sources"
SECOND = "fx-2025-12-12-visit"
#: graphs not made from the articles one by one: the ontology, the build's provenance, and what is
#: computed from all articles together
COMPUTED = {URIRef(f"{DEFAULT_BASE_IRI}graph/{name}") for name in ("ontology", "provenance", "inferred", "derived")}


def _quads(build_dir: Path) -> set:
    dataset = load_dataset(build_dir / "dataset.trig")
    return {(s, p, o, graph.identifier) for graph in dataset.graphs() if graph.identifier not in COMPUTED
            for s, p, o in graph}


def test_second_article_adds_data_without_changing_the_first(tmp_path: Path) -> None:
    second = tmp_path / "second"
    second.mkdir()
    for path in SOURCES.glob(f"{SECOND}.*"):
        shutil.copy(path, second)
    alone = build({"DATA_DIR": [str(FIRST)], "BUILD_DIR": str(tmp_path / "one")})
    both = build({"DATA_DIR": [str(FIRST), str(second)], "BUILD_DIR": str(tmp_path / "two")})

    assert (alone.articles, both.articles) == (1, 2)
    assert both.claims > alone.claims

    first_quads = _quads(tmp_path / "one")
    combined = _quads(tmp_path / "two")
    # every statement of the first article, IRIs and graphs included, is still there unchanged
    assert first_quads <= combined
    second_article = URIRef(DEFAULT_BASE_IRI + f"article/{SECOND}")
    assert any(s == second_article for s, _, _, _ in combined)
    assert not any(s == second_article for s, _, _, _ in first_quads)
