"""The build pipeline on the small fixture article: files, counts, inference, and failed builds."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import pytest
import yaml
from build_fixture import ARTICLE, FIXTURES, config, snapshot
from rdflib import RDF, SH, Dataset, Graph, Literal, Namespace, URIRef

from kg.build import build, load_ontology, load_shapes
from kg.errors import DataError, InputError
from kg.iris import GRAPH_NAMES, graph_iri
from kg.outputs import write_atomically
from kg.reasoning import close

DIP = Namespace("https://w3id.org/diplomacy-kg/ontology#")
ID = Namespace("https://w3id.org/diplomacy-kg/id/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
PROV = Namespace("http://www.w3.org/ns/prov#")
BASE = "https://w3id.org/diplomacy-kg/"
FILES = {"dataset.trig", "graph.ttl", "graph.nt", "graph.jsonld", "void.ttl", "shacl-report.ttl", "shacl-report.txt", "store"}


def named_graphs(path: Path) -> dict[str, Graph]:
    """The named graphs of a TriG file: the fixed ones by name (``sources``), a claim's by its IRI."""
    dataset = Dataset()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        dataset.parse(path, format="trig")
        graphs = {str(g.identifier).removeprefix(f"{BASE}graph/"): g for g in dataset.graphs() if len(g)}
    return graphs


def claim_graph(claim: str) -> str:
    return f"{BASE}claim/{ARTICLE}/{claim}/assertion"


def edit_annotations(tmp_path: Path, change) -> None:
    path = tmp_path / "articles" / f"{ARTICLE}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture()
def built(tmp_path: Path) -> tuple[dict[str, object], Path]:
    settings = config(tmp_path)
    build(settings)
    return settings, tmp_path / "build"


def test_build_writes_every_file_and_counts_the_article(tmp_path: Path) -> None:
    summary = build(config(tmp_path))
    out = tmp_path / "build"
    assert {p.name for p in out.iterdir()} == FILES
    # one article; Russia, Turkmenistan, Ashgabat, Baku, Trend, Putin and the visit; two claims
    # (the visit, the capital); four quoted names: России, Туркменистана, Ашхабад, Владимир Путин
    assert (summary.articles, summary.nodes, summary.claims, summary.mentions) == (1, 7, 2, 4)
    graphs = named_graphs(out / "dataset.trig")
    assert list(summary.triples) == [*GRAPH_NAMES, "claims"]
    assert summary.claim_graphs == 2
    claims = [claim_graph("putin-arrives"), claim_graph("capital")]
    assert set(graphs) == {*GRAPH_NAMES, *claims}
    assert {name: len(graphs[name]) for name in GRAPH_NAMES} == {n: summary.triples[n] for n in GRAPH_NAMES}
    assert sum(len(graphs[name]) for name in claims) == summary.triples["claims"]
    nt_lines = (out / "graph.nt").read_text(encoding="utf-8").splitlines()
    assert summary.total == len(nt_lines)
    assert summary.inferred > 0
    assert "Conforms: yes" in (out / "shacl-report.txt").read_text(encoding="utf-8")
    assert not (tmp_path / "build.rejected").exists()


def test_closure_adds_the_inverse_and_the_chain(tmp_path: Path, built: tuple[dict[str, object], Path]) -> None:
    graphs = named_graphs(built[1] / "dataset.trig")
    # "Ашхабад, столицу Туркменистана": asserted as Turkmenistan's dip:capital, inferred as capitalOf
    assert (ID.turkmenistan, DIP.capital, ID.ashgabat) in graphs[claim_graph("capital")]
    assert (ID.ashgabat, DIP.capitalOf, ID.turkmenistan) not in graphs[claim_graph("capital")]
    assert (ID.ashgabat, DIP.capitalOf, ID.turkmenistan) in graphs["inferred"]
    # the visit is supported by an expected-modality claim, so it has that modality itself
    assert (ID["putin-visit"], DIP.hasModality, DIP.Expected) in graphs["inferred"]
    assert (ID.putin, RDF.type, DIP.Actor) in graphs["inferred"]


def test_closure_leaves_out_trivial_triples(built: tuple[dict[str, object], Path]) -> None:
    inferred = named_graphs(built[1] / "dataset.trig")["inferred"]
    owl = "http://www.w3.org/2002/07/owl#"
    for s, p, o in inferred:
        assert isinstance(s, URIRef) and not str(s).startswith(owl)
        assert not (s == o and str(p) in (f"{owl}sameAs", f"{owl}equivalentClass"))
        assert o not in (URIRef(f"{owl}Thing"), URIRef("http://www.w3.org/2000/01/rdf-schema#Resource"))


def test_void_and_provenance_describe_the_build(built: tuple[dict[str, object], Path]) -> None:
    out = built[1]
    void = Graph().parse(out / "void.ttl")
    dataset = URIRef(f"{BASE}dataset")
    assert void.value(dataset, VOID.triples).toPython() == len(Graph().parse(out / "graph.nt"))
    assert (dataset, URIRef("http://purl.org/dc/terms/source"), URIRef(f"{BASE}article/{ARTICLE}")) in void
    assert (dataset, VOID.vocabulary, URIRef(str(DIP))) in void
    graphs = named_graphs(out / "dataset.trig")
    for name in GRAPH_NAMES:
        assert void.value(graph_iri(BASE, name), VOID.triples).toPython() == len(graphs[name])
    linkset = void.value(predicate=RDF.type, object=VOID.Linkset)
    assert void.value(linkset, VOID.triples).toPython() == 2  # Russia Q159, Turkmenistan Q874
    for distribution in void.objects(dataset, DCAT.distribution):
        name = str(void.value(distribution, URIRef("http://purl.org/dc/terms/title")))
        assert void.value(distribution, DCAT.byteSize).toPython() == (out / name).stat().st_size
    provenance = graphs["provenance"]
    yaml_file = Path(str(built[0]["DATA_DIR"][0])) / f"{ARTICLE}.yaml"  # type: ignore[index]
    sha = hashlib.sha256(yaml_file.read_bytes()).hexdigest()
    used = [s for s in provenance.subjects(DIP.sha256, Literal(sha))]
    assert len(used) == 1 and (URIRef(f"{BASE}build"), PROV.used, used[0]) in provenance
    assert (graph_iri(BASE, "sources"), PROV.wasDerivedFrom, used[0]) in provenance
    assert (URIRef(claim_graph("capital")), PROV.wasDerivedFrom, used[0]) in provenance


def test_bad_annotation_fails_and_keeps_the_previous_build(built: tuple[dict[str, object], Path], tmp_path: Path) -> None:
    settings, out = built
    before = snapshot(out)
    edit_annotations(tmp_path, lambda d: d["nodes"]["putin-visit"].update({"dip:destination": "astana"}))
    with pytest.raises(InputError) as caught:
        build(settings)
    assert caught.value.exit_code == 2
    assert f"{ARTICLE}.yaml" in str(caught.value) and "astana" in str(caught.value)
    assert snapshot(out) == before


def test_non_conforming_data_is_rejected_with_its_report(built: tuple[dict[str, object], Path], tmp_path: Path) -> None:
    settings, out = built
    before = snapshot(out)
    edit_annotations(tmp_path, lambda d: d["nodes"]["russia"]["rdfs:label"].pop("en"))
    with pytest.raises(DataError) as caught:
        build(settings)
    assert caught.value.exit_code == 1
    rejected = tmp_path / "build.rejected"
    assert str(rejected / "shacl-report.txt") in str(caught.value)
    assert "an actor needs an English label" in str(caught.value)
    report = Graph().parse(rejected / "shacl-report.ttl")
    assert (None, SH.focusNode, ID.russia) in report
    assert (None, SH.conforms, Literal(False)) in report
    assert "ActorShape" in (rejected / "shacl-report.txt").read_text(encoding="utf-8")
    assert snapshot(out) == before
    edit_annotations(tmp_path, lambda d: d["nodes"]["russia"]["rdfs:label"].update({"en": "Russia"}))
    build(settings)
    assert not rejected.exists()


def test_inconsistent_data_names_the_resource_and_the_classes(
    built: tuple[dict[str, object], Path], tmp_path: Path
) -> None:
    settings, out = built
    before = snapshot(out)
    # Putin as Turkmenistan's capital: the range of dip:capital makes him a city as well as a person
    edit_annotations(tmp_path, lambda d: d["nodes"]["turkmenistan"].update({"dip:capital": "putin"}))
    with pytest.raises(DataError) as caught:
        build(settings)
    message = str(caught.value)
    assert caught.value.exit_code == 1
    assert "id/putin" in message and "dip:Person" in message and "dip:City" in message
    assert "value of dip:capital" in message and "disjoint" in message
    assert snapshot(out) == before


def test_inconsistency_is_found_before_closure_output() -> None:
    ontology = load_ontology(FIXTURES / "ontology.ttl")
    data = Graph().parse(FIXTURES / "third-party" / "inconsistent.ttl")
    with pytest.raises(DataError, match="disjoint"):
        close(ontology, [data])


def test_turtle_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "broken.ttl").write_text((FIXTURES / "third-party" / "broken.ttl").read_text(encoding="utf-8"))
    with pytest.raises(InputError) as caught:
        load_shapes(shapes)
    assert caught.value.path == str(shapes / "broken.ttl")
    assert caught.value.line == 4


def test_failed_write_leaves_the_previous_folder(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_atomically(out, {"a.txt": "first"})
    with pytest.raises(OSError):
        write_atomically(out, {"a.txt": "second", "missing/b.txt": "no such folder"})
    assert (out / "a.txt").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.lock", ".build.v1", "build"]


def test_shapes_pyshacl_refuses_stop_the_build_naming_the_folder(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    text = (FIXTURES / "shapes" / "core.ttl").read_text(encoding="utf-8")
    # SHACL-SPARQL forbids VALUES in a constraint's SELECT
    (shapes / "core.ttl").write_text(text.replace("FILTER (!CONTAINS", "VALUES ?unused { 1 } FILTER (!CONTAINS"))
    settings = config(tmp_path)
    settings["SHAPES_DIR"] = str(shapes)
    with pytest.raises(InputError) as caught:
        build(settings)
    assert caught.value.path == str(shapes) and "VALUES" in caught.value.message
    assert not (tmp_path / "build").exists()
