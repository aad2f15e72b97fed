"""The drafter's measured quality on the curated Trend annotation, held just under what it measures.

The figures come from ``python -m kg.draft.evaluate`` (see the README); these thresholds stop
them from falling.
"""

from __future__ import annotations

import pytest
from draft_fixtures import ROOT

from kg.draft.evaluate import Scores, evaluate
from kg.draft.nlp import Models

TREND = ROOT / "data" / "articles" / "2025-12-11-trend-ashgabat.yaml"
VISIT = ROOT / "tests" / "data" / "sources" / "fx-2025-12-12-visit.yaml"
ANKARA = ROOT / "tests" / "data" / "draft" / "articles" / "2026-01-15-fixture-ankara.yaml"
#: the graph each article is drafted against: the draft tests' own, and the fixture sources'
DRAFT_GRAPH = [ROOT / "data" / "articles", ROOT / "tests" / "data" / "draft" / "graph",
               ROOT / "tests" / "data" / "draft" / "curated-graph"]
SOURCES_GRAPH = [ROOT / "data" / "articles", ROOT / "tests" / "data" / "sources"]


@pytest.fixture(scope="module")
def scores(draft_models: Models) -> dict[tuple[str, str], Scores]:
    found = [*evaluate([TREND, ANKARA], DRAFT_GRAPH, draft_models), *evaluate([VISIT], SOURCES_GRAPH, draft_models)]
    return {(s.article, s.graph): s for s in found}


@pytest.mark.parametrize("graph", ["graph", "labels"])
def test_trend_against_the_graph(scores: dict[tuple[str, str], Scores], graph: str):
    s = scores[("2025-12-11-trend-ashgabat", graph)]
    assert s.entity_recall >= 0.94 and s.entity_precision >= 0.99
    assert s.linking_accuracy >= 0.99
    assert s.figure_recall >= 0.99 and s.figure_precision >= 0.99
    assert s.bound_accuracy >= 0.99 and s.period_accuracy >= 0.99
    assert s.modality_accuracy >= 0.95
    assert s.counts["named_entities"] == 19 and s.counts["gold_figures"] == 9


def test_trend_unseen_by_the_graph(scores: dict[tuple[str, str], Scores]):
    s = scores[("2025-12-11-trend-ashgabat", "unseen")]
    assert s.entity_recall >= 0.84 and s.entity_precision >= 0.99
    assert s.figure_recall >= 0.99 and s.bound_accuracy >= 0.99
    assert s.modality_accuracy >= 0.95


@pytest.mark.parametrize("graph", ["graph", "labels", "unseen"])
def test_fixture_articles(scores: dict[tuple[str, str], Scores], graph: str):
    s = scores[("fx-2025-12-12-visit", graph)]
    assert s.entity_recall >= 0.99 and s.entity_precision >= 0.99 and s.modality_accuracy >= 0.99
    assert s.linking_accuracy >= 0.99
    s = scores[("2026-01-15-fixture-ankara", graph)]
    assert s.entity_recall >= 0.99 and s.entity_precision >= 0.99 and s.linking_accuracy >= 0.99
    assert s.figure_recall >= 0.99 and s.bound_accuracy >= 0.99 and s.period_accuracy >= 0.99
    assert s.modality_accuracy >= 0.85
