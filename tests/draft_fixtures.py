"""Session fixtures of the drafter: the language models load once (about 2 s) for all draft tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.draft.labels import LabelIndex
from kg.draft.nlp import Models

ROOT = Path(__file__).resolve().parent.parent
DRAFT_DATA = Path(__file__).resolve().parent / "data" / "draft"
#: the folders whose annotation files make up the graph the draft tests link to
GRAPH_DIRS = [ROOT / "data" / "articles", DRAFT_DATA / "graph"]


@pytest.fixture(scope="session")
def draft_models() -> Models:
    return Models()


@pytest.fixture(scope="session")
def draft_index(draft_models: Models) -> LabelIndex:
    return LabelIndex.from_dirs(draft_models, GRAPH_DIRS)
