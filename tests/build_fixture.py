"""The small ontology, shapes and article of ``tests/data/build`` as a build configuration."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "data" / "build"
SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "annotations.schema.json"
ARTICLE = "2025-12-11-sample"


def config(tmp_path: Path) -> dict[str, object]:
    """A build configuration over a copy of the fixture articles (so tests may edit them)."""
    articles = tmp_path / "articles"
    if not articles.exists():
        shutil.copytree(FIXTURES / "articles", articles)
    return {
        "ONTOLOGY": str(FIXTURES / "ontology.ttl"),
        "SHAPES_DIR": str(FIXTURES / "shapes"),
        "QUERIES_DIR": str(FIXTURES / "queries"),
        "DATASET": str(FIXTURES / "dataset.ttl"),
        "SCHEMA": str(SCHEMA),
        "DATA_DIR": [str(articles)],
        "BUILD_DIR": str(tmp_path / "build"),
    }


def environment(tmp_path: Path) -> dict[str, str]:
    """The same configuration as ``KG_`` environment variables, for the command line."""
    settings = config(tmp_path)
    env = {f"KG_{key}": str(value) for key, value in settings.items() if key != "DATA_DIR"}
    env["KG_DATA_DIR"] = str(tmp_path / "articles")
    return env


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of *folder* by name, with its bytes (the store, a folder of its own, is left out:
    its bytes differ from build to build)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
