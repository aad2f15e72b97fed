"""The benchmark's parts that need no server: it imports, its queries load, its data is reproducible."""

from __future__ import annotations

import hashlib

import pyoxigraph

from bench import run
from bench.synthetic import quads, write_dataset


def _digest(size: int, seed: int) -> str:
    return hashlib.sha256("".join(quads(size, seed)).encode("utf-8")).hexdigest()


def test_synthetic_data_is_the_same_for_a_seed_and_has_the_asked_size(tmp_path):
    path = write_dataset(tmp_path / "data.nq", 3000, seed=11)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == _digest(3000, 11)
    assert _digest(3000, 12) != _digest(3000, 11)
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.N_QUADS)
    assert len(store) == 3000
    graphs = {str(graph) for graph in store.named_graphs()}
    assert "<https://w3id.org/diplomacy-kg/graph/asserted>" in graphs
    labels = store.query('SELECT (COUNT(DISTINCT LANG(?l)) AS ?n) { GRAPH ?g { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } }')
    assert int(next(iter(labels))["n"].value) >= 3
    for name, text in run.load_queries("bench").items():  # every benchmark query is valid SPARQL here
        answer = store.query(text, use_default_graph_as_union=True)
        rows = list(answer) if not isinstance(answer, bool) else [answer]
        assert rows or name in {"join", "label_search"}, name


def test_bench_queries_are_files_and_the_named_queries_come_first():
    queries = run.load_queries("named,bench")
    names = list(queries)
    assert {"lookup", "label_search", "join", "aggregate", "order_by_limit", "optional", "construct",
            "describe"} <= set(names)
    assert names.index("trade_turnover") < names.index("lookup")
    assert list(run.load_queries("bench,trade_turnover")) == ["trade_turnover", *sorted(
        name for name in names if (run.BENCH_QUERIES / f"{name}.rq").exists())]
