"""The build: ontology -> annotations -> OWL RL closure -> SHACL check -> files in ``build/``.

One function per step; each takes paths or graphs and returns graphs or a report, so the command
line, the server and the tests share them. :func:`build` runs them all.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, URIRef

from kg import paths
from kg.annotations import SourceFile, load_corpus
from kg.build_folder import FolderLock, locked
from kg.build_folder import remove as remove_folder
from kg.errors import DataError, InputError
from kg.iris import DEFAULT_BASE_IRI, GRAPH_NAMES, graph_iri
from kg.metadata import provenance, void
from kg.outputs import canonical, serialize, turtle, write_atomically
from kg.per_claim import merge, validate_claims
from kg.query.store import STORE_DIR, write_store
from kg.rdfio import load_rdf
from kg.reasoning import close
from kg.rules import derive, load_rules
from kg.shacl import ShaclReport, format_report, validate


@dataclass
class BuildSummary:
    """What a build read and wrote."""

    articles: int
    nodes: int
    claims: int
    mentions: int
    #: triples per named graph, in :data:`kg.iris.GRAPH_NAMES` order, then ``claims``: all claim graphs
    triples: dict[str, int] = field(default_factory=dict)
    #: how many claims have an assertion graph
    claim_graphs: int = 0
    #: triples in the union of the named graphs
    total: int = 0
    seconds: float = 0.0
    #: seconds per step: load, derive, reason, validate, write (canonical forms and serialisations)
    timings: dict[str, float] = field(default_factory=dict)
    out_dir: Path | None = None

    @property
    def inferred(self) -> int:
        return self.triples.get("inferred", 0)

    def lines(self) -> list[str]:
        """Describe the build in a few lines for people."""
        graphs = ", ".join(f"{name} {count}" for name, count in self.triples.items())
        return [
            f"articles: {self.articles}",
            f"entities and facts: {self.nodes}",
            f"claims: {self.claims} ({self.claim_graphs} with an assertion graph)",
            f"mentions: {self.mentions}",
            f"triples: {self.total} ({graphs})",
            f"inferred triples: {self.inferred}",
            f"time: {self.seconds:.1f} s (" + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items()) + ")",
            f"written to: {self.out_dir}",
        ]


def load_ontology(path: Path) -> Graph:
    """Parse the ontology (Turtle); its blank nodes (lists, restrictions) get content-based labels.

    :raises InputError: for a syntax error, naming file and line
    """
    return canonical(load_rdf(path, "turtle"))


#: the subfolder of the shapes folder whose shapes hold within each claim, not across claims
PER_CLAIM = "per-claim"


def shape_files(folder: Path, scope: str = "all") -> list[Path]:
    """Return the shapes files of *folder*, sorted.

    :param scope: ``union`` (``*.ttl``: checked on the whole graph), ``claim`` (``per-claim/*.ttl``
        and the shared ``prefixes.ttl``: checked on each claim's assertion) or ``all`` (both, for
        data of a single source)
    """
    if not folder.is_dir():
        raise InputError("the shapes folder does not exist", folder)
    union = sorted(folder.glob("*.ttl"))
    claim = sorted((folder / PER_CLAIM).glob("*.ttl"))
    if scope == "union":
        return union
    if scope == "claim":
        return [*(p for p in union if p.name == "prefixes.ttl"), *claim]
    return union + claim


def load_shapes(folder: Path, scope: str = "all") -> Graph:
    """Parse the shapes files of *folder* (see :func:`shape_files` for *scope*) into one graph.

    :raises InputError: for a missing folder or a syntax error, naming file and line
    """
    shapes = Graph()
    for path in shape_files(folder, scope):
        part = load_rdf(path, "turtle")
        for prefix, namespace in part.namespaces():
            shapes.bind(prefix, namespace, override=False)
        shapes += part
    return shapes


def check(
    ontology: Graph, shapes: Graph, data: Sequence[Graph], shapes_source: Path | None = None,
    claim_shapes: Graph | None = None, assertions: Mapping[URIRef, Graph] | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[Graph, ShaclReport]:
    """Close *data* under OWL RL with *ontology*, then validate the data and the closure.

    :param shapes: the shapes that hold on the union of *data*
    :param claim_shapes: the shapes that hold within each of *assertions* (checked apart)
    :param shapes_source: where the shapes come from, for error messages
    :param timings: receives the seconds spent reasoning (``reason``) and validating (``validate``)

    :returns: the inferred triples and the SHACL report
    :raises DataError: when the data is inconsistent with the ontology
    """
    clock = time.perf_counter()
    inferred = close(ontology, data)
    reasoned = time.perf_counter()
    merged = Graph()
    for graph in (*data, inferred):
        merged += graph
    report = validate(merged, shapes, ontology, shapes_source)
    if claim_shapes is not None and assertions:
        types = Graph()
        for s, p, o in merged.triples((None, RDF.type, None)):
            types.add((s, p, o))
        report = merge(report, validate_claims(assertions, types, claim_shapes, ontology))
    if timings is not None:
        timings.update(reason=reasoned - clock, validate=time.perf_counter() - reasoned)
    return inferred, report


def data_dirs(config: Mapping[str, Any] | None = None) -> list[Path]:
    """The annotation folders: config ``DATA_DIR`` (a path or a list of paths), else :func:`kg.paths.data_dir`.

    ``KG_DATA_DIR`` may hold several folders separated by ``os.pathsep``.
    """
    value = (config or {}).get("DATA_DIR")
    if isinstance(value, (list, tuple)) and value:
        return [Path(v) for v in value]
    if not value and os.environ.get("KG_DATA_DIR"):
        return [Path(v) for v in os.environ["KG_DATA_DIR"].split(os.pathsep) if v]
    return [paths.data_dir({"DATA_DIR": value} if value else config)]


def _source(path: Path, role: str) -> SourceFile:
    return SourceFile(path, hashlib.sha256(path.read_bytes()).hexdigest(), role)


def rejected_dir(out_dir: Path) -> Path:
    """Where a build that does not conform leaves its SHACL report: ``<build dir>.rejected``."""
    return out_dir.with_name(f"{out_dir.name}.rejected")


def build(config: Mapping[str, Any] | None = None) -> BuildSummary:
    """Build the dataset and write it to the build folder, holding the folder's lock throughout.

    :param config: the keys of :mod:`kg.paths` (``DATA_DIR`` may be a list), ``BASE_IRI``
    :raises BuildBusy: another build is writing the same build folder (exit code 4)
    :raises InputError: an input could not be read (exit code 2)
    :raises DataError: the data is inconsistent or does not conform to the shapes (exit code 1)
    """
    with locked(paths.build_dir(config)) as lock:
        return _build(config, lock)


def _build(config: Mapping[str, Any] | None, lock: FolderLock) -> BuildSummary:
    """Build the dataset and write it to the build folder.

    :param config: the keys of :mod:`kg.paths` (``DATA_DIR`` may be a list), ``BASE_IRI``
    :raises InputError: an input could not be read (exit code 2)
    :raises DataError: the data is inconsistent or does not conform to the shapes (exit code 1);
        the SHACL report then goes to ``<build dir>.rejected/`` and the build folder is untouched
    """
    started = time.perf_counter()
    config = dict(config or {})
    base = config.get("BASE_IRI") or DEFAULT_BASE_IRI
    base = base if base.endswith(("/", "#")) else base + "/"
    out_dir = paths.build_dir(config)
    ontology_path, shapes_dir = paths.ontology_file(config), paths.shapes_dir(config)
    ontology = load_ontology(ontology_path)
    shapes, claim_shapes = load_shapes(shapes_dir, "union"), load_shapes(shapes_dir, "claim")
    template = load_rdf(paths.locate("DATASET", config), "turtle", base)
    corpus = load_corpus(data_dirs(config), ontology, paths.schema_file(config), base)
    timings = {"load": time.perf_counter() - started}
    rules = load_rules(paths.locate("RULES_DIR", config))
    clock = time.perf_counter()
    derived = derive(rules, corpus.named(base) | {graph_iri(base, "ontology"): ontology})
    timings["derive"] = time.perf_counter() - clock
    inferred, report = check(ontology, shapes, [*corpus.data(), derived], shapes_dir, claim_shapes,
                             corpus.assertions, timings)
    clock = time.perf_counter()
    report_files = {"shacl-report.ttl": turtle(canonical(report.graph)), "shacl-report.txt": format_report(report)}
    if not report.conforms:
        rejected = rejected_dir(out_dir)
        write_atomically(rejected, report_files)
        raise DataError(
            f"the data does not conform to the shapes ({report.count('Violation')} violation(s)); "
            f"{out_dir} was left unchanged\n{format_report(report)}",
            rejected / "shacl-report.txt",
        )
    used = [_source(ontology_path, "ontology"), *(_source(p, "shapes") for p in shape_files(shapes_dir)),
            _source(paths.schema_file(config), "schema"), *(_source(r.path, "rules") for r in rules),
            *corpus.sources]
    graphs = {
        "ontology": ontology,
        **{name: canonical(graph) for name, graph in corpus.graphs.items()},
        "derived": canonical(derived),
        "provenance": provenance(base, used, paths.home(config), corpus.origins),
        "inferred": canonical(inferred),
    }
    graphs = {name: graphs[name] for name in GRAPH_NAMES}
    assertions = {iri: canonical(corpus.assertions[iri]) for iri in sorted(corpus.assertions)}
    files = serialize({graph_iri(base, name): graph for name, graph in graphs.items()} | assertions)
    sizes = {name: len(text.encode("utf-8")) for name, text in files.items()}
    files["void.ttl"] = turtle(void(base, template, graphs, assertions, corpus.articles, sizes))
    files.update(report_files)
    write_atomically(out_dir, files, lambda tmp: write_store(tmp / STORE_DIR, tmp / "dataset.trig", tmp / "graph.nt"), lock=lock)
    remove_folder(rejected_dir(out_dir))
    timings["write"] = time.perf_counter() - clock
    union = Graph()
    for graph in (*graphs.values(), *assertions.values()):
        union += graph
    counts = {name: len(graph) for name, graph in graphs.items()}
    counts["claims"] = sum(len(graph) for graph in assertions.values())
    return BuildSummary(
        articles=len(corpus.articles), nodes=corpus.nodes, claims=corpus.claims, mentions=corpus.mentions,
        triples=counts, total=len(union), claim_graphs=len(assertions), timings=timings,
        seconds=time.perf_counter() - started, out_dir=out_dir,
    )


def sources(config: Mapping[str, Any] | None = None) -> list[Path]:
    """Every file a build reads (to tell whether ``build/`` is older than its sources)."""
    files = [paths.ontology_file(config), paths.schema_file(config), paths.locate("DATASET", config)]
    files += shape_files(paths.shapes_dir(config))
    rules_dir = paths.locate("RULES_DIR", config)
    files += sorted(rules_dir.glob("*.rq")) if rules_dir.is_dir() else []
    for folder in data_dirs(config):
        files += sorted(p for p in folder.iterdir() if p.is_file())
    return files


def is_stale(config: Mapping[str, Any] | None = None) -> bool:
    """Tell whether ``dataset.trig`` in the build folder is missing or older than any source."""
    target = paths.build_dir(config) / "dataset.trig"
    if not target.exists():
        return True
    built = target.stat().st_mtime
    return any(p.exists() and p.stat().st_mtime > built for p in sources(config))
