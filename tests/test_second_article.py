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
    """Every quad of what the articles say: entities, sources and the claims' own graphs."""
    dataset = load_dataset(build_dir / "dataset.trig")
    fixed = {graph_iri(DEFAULT_BASE_IRI, name) for name in ("ontology", "external", "derived", "provenance", "inferred")}
    return {(s, p, o, g.identifier) for g in dataset.graphs() if g.identifier not in fixed for s, p, o in g}


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
    assert any(s == second_article for s, _, _, _ in combined)
    assert not any(s == second_article for s, _, _, _ in first_triples)
