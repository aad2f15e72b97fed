"""A second article is picked up as data alone and leaves the first article's IRIs unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

from rdflib import URIRef

from kg.build import build
from kg.iris import DEFAULT_BASE_IRI, graph_iri
from kg.queries import load_dataset

ROOT = Path(__file__).resolve().parent.parent
FIRST = ROOT / "data" / "articles"
SECOND = Path(__file__).resolve().parent / "data" / "articles"


def _asserted(build_dir: Path) -> set:
    dataset = load_dataset(build_dir / "dataset.trig")
    return set(dataset.graph(graph_iri(DEFAULT_BASE_IRI, "asserted")))


def test_second_article_adds_data_without_changing_the_first(tmp_path: Path) -> None:
    second = tmp_path / "second"
    shutil.copytree(SECOND, second)
    alone = build({"DATA_DIR": [str(FIRST)], "BUILD_DIR": str(tmp_path / "one")})
    both = build({"DATA_DIR": [str(FIRST), str(second)], "BUILD_DIR": str(tmp_path / "two")})

    assert (alone.articles, both.articles) == (1, 2)
    assert both.claims > alone.claims

    first_triples = _asserted(tmp_path / "one")
    combined = _asserted(tmp_path / "two")
    # every triple of the first article, IRIs included, is still there unchanged
    assert first_triples <= combined
    second_article = URIRef(DEFAULT_BASE_IRI + "article/2025-12-12-fixture-visit")
    assert any(s == second_article for s, _, _ in combined)
    assert not any(s == second_article for s, _, _ in first_triples)
