"""Synthetic corpora: deterministic, in the annotation format, and built by the unchanged pipeline."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import yaml
from rdflib import Dataset, Namespace, URIRef

from kg.build import build
from kg.iris import DEFAULT_BASE_IRI, graph_iri
from kg.synth import PREFIX, Generator

DIP = Namespace("https://w3id.org/diplomacy-kg/ontology#")
ARTICLES = 20
#: a seed whose 20 articles include republications
SEED = 5


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    Generator(12, seed=7).write(tmp_path / "a")
    Generator(12, seed=7).write(tmp_path / "b")
    Generator(12, seed=8).write(tmp_path / "c")
    first = _files(tmp_path / "a")
    assert len(first) == 1 + 2 * 12
    assert first == _files(tmp_path / "b")
    assert first != _files(tmp_path / "c")


def test_every_quote_is_in_its_text_and_every_id_is_prefixed(tmp_path: Path) -> None:
    Generator(40, seed=3).write(tmp_path)
    for path in sorted(tmp_path.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert all(node_id.startswith(PREFIX) for node_id in data.get("nodes", {}))
        if "article" not in data:
            continue
        assert data["article"]["id"].startswith(PREFIX)
        text = (tmp_path / data["article"]["text"]).read_text(encoding="utf-8")
        for claim in data.get("claims", {}).values():
            assert claim["quote"] in text


def test_popularity_is_skewed(tmp_path: Path) -> None:
    Generator(200, seed=1).write(tmp_path)
    texts = [p.read_text(encoding="utf-8") for p in tmp_path.glob("*.ru.txt")]
    share = {name: sum(name in t for t in texts) / len(texts) for name in ("Россия", "Сербия")}
    # the first state of the pool is in far more articles than the last
    assert share["Россия"] > 4 * share["Сербия"]


@pytest.fixture(scope="module")
def synthetic_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Dataset]:
    corpus = tmp_path_factory.mktemp("corpus")
    Generator(ARTICLES, seed=SEED).write(corpus)
    out = corpus.parent / "synthetic-build"
    build({"DATA_DIR": [str(corpus)], "BUILD_DIR": str(out)})
    dataset = Dataset(default_union=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(out / "dataset.trig", format="trig")
    return out, dataset


def test_a_small_synthetic_corpus_builds_and_conforms(synthetic_build: tuple[Path, Dataset]) -> None:
    out, dataset = synthetic_build
    assert "Conforms: yes" in (out / "shacl-report.txt").read_text(encoding="utf-8")
    sources = dataset.graph(graph_iri(DEFAULT_BASE_IRI, "sources"))
    assert len(set(sources.subjects(predicate=None, object=DIP.NewsArticle))) == ARTICLES
    modalities = set(sources.objects(None, DIP.modality))
    assert {DIP.Reported, DIP.Expected, DIP.Forecast, DIP.Possible} <= modalities


def test_expectations_are_fulfilled_and_contradicted_by_later_sources(synthetic_build: tuple[Path, Dataset]) -> None:
    _, dataset = synthetic_build
    sources = dataset.graph(graph_iri(DEFAULT_BASE_IRI, "sources"))
    fulfilled = list(sources.subject_objects(DIP.fulfils))
    assert fulfilled
    for later, earlier in fulfilled:
        assert (earlier, DIP.modality, DIP.Expected) in sources
        assert (later, DIP.modality, DIP.Reported) in sources
    origins = dataset.graph(graph_iri(DEFAULT_BASE_IRI, "derived"))
    articles = set(sources.subjects(predicate=None, object=DIP.NewsArticle))
    assert {a for a, _ in origins.subject_objects(DIP.origin)} == articles
    for reprint, original in sources.subject_objects(DIP.republishes):
        assert set(origins.objects(reprint, DIP.origin)) == set(origins.objects(original, DIP.origin))


def test_a_republication_confirms_nothing(synthetic_build: tuple[Path, Dataset]) -> None:
    _, dataset = synthetic_build
    sources = dataset.graph(graph_iri(DEFAULT_BASE_IRI, "sources"))
    derived = dataset.graph(graph_iri(DEFAULT_BASE_IRI, "derived"))
    reprints = {URIRef(r) for r, _ in sources.subject_objects(DIP.republishes)}
    for b, a in derived.subject_objects(DIP.proposedConfirms):
        articles = {sources.value(b, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")),
                    sources.value(a, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))}
        origin = {o for art in articles for o in derived.objects(art, DIP.origin)}
        assert len(origin) == 2, (b, a)
    assert reprints
