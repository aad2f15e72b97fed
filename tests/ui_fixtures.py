"""Fixtures for the linked-data, page and browser tests: the sample of ``tests/data/ui`` as a build.

The sample (``dataset.trig``, ``void.ttl``) is a few nodes, one claim and one mention of the Trend
report in the shape of a build; the ontology graph is the project's own ``ontology/diplomacy.ttl``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset, URIRef

from kg import paths
from kg.query.store import STORE_DIR, write_store
from kg.server import create_app

SAMPLE = Path(__file__).resolve().parent / "data" / "ui"
#: the base IRI the sample is written with
SAMPLE_BASE = "https://w3id.org/diplomacy-kg/"
#: the first path segments of the IRIs minted under the base (the ontology namespace is not one)
MINTED = ("id/", "article/", "claim/", "mention/", "external/", "graph/", "dataset")
#: seconds the live server gets to start answering
STARTUP_DEADLINE = 60.0


def rebase(text: str, base: str) -> str:
    """Move the minted IRIs of a sample file from :data:`SAMPLE_BASE` to *base*."""
    for segment in MINTED:
        text = text.replace(f"<{SAMPLE_BASE}{segment}", f"<{base}{segment}")
    return text


def write_sample_build(folder: Path, base: str = SAMPLE_BASE) -> Path:
    """Write the sample, with the ontology graph added and IRIs minted under *base*, into *folder*.

    :returns: *folder*, holding ``dataset.trig``, ``void.ttl`` and the store as a build would
    """
    folder.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():  # rdflib's Dataset calls members it deprecates itself
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = Dataset()
        dataset.parse(data=rebase((SAMPLE / "dataset.trig").read_text(encoding="utf-8"), base), format="trig")
        dataset.graph(URIRef(f"{base}graph/ontology")).parse(
            data=paths.ontology_file().read_text(encoding="utf-8"), format="turtle")
        trig = dataset.serialize(format="trig")
    (folder / "dataset.trig").write_text(trig, encoding="utf-8")
    write_store(folder / STORE_DIR, folder / "dataset.trig")
    (folder / "void.ttl").write_text(rebase((SAMPLE / "void.ttl").read_text(encoding="utf-8"), base),
                                     encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def ui_build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_build(tmp_path_factory.mktemp("ui-build"))


@pytest.fixture(scope="session")
def ui_app(ui_build_dir: Path) -> Flask:
    return create_app({"TESTING": True, "BUILD_DIR": str(ui_build_dir)})


@pytest.fixture
def ui_client(ui_app: Flask) -> FlaskClient:
    return ui_app.test_client()


@pytest.fixture
def ui_browser_query() -> tuple[str, str]:
    """A named query of ``queries/`` and a cell its results hold on the sample and on the real build.

    The article says Putin is expected to arrive in Ashgabat, so ``expected_arrivals`` names him.
    """
    return "expected_arrivals", "Vladimir Putin"


