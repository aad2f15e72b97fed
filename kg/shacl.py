"""SHACL validation (SHACL Core and SHACL-SPARQL, with pyshacl) and a readable report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, SH, BNode, Graph, URIRef
from rdflib.term import Node

from kg.errors import InputError

_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class ShaclResult:
    """One validation result, every term written as a prefixed name or in N-Triples form."""

    severity: str
    focus: str
    path: str
    value: str
    message: str
    shape: str
    component: str


@dataclass
class ShaclReport:
    """The outcome of a validation: whether the data conforms, its results (sorted) and the report graph."""

    conforms: bool
    results: list[ShaclResult] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)

    def count(self, severity: str) -> int:
        """Return how many results have *severity* (``Violation``, ``Warning`` or ``Info``)."""
        return sum(1 for r in self.results if r.severity == severity)


class _Namer:
    """Writes terms as prefixed names where a prefix is bound, else in N-Triples form."""

    def __init__(self, graphs: Iterable[Graph]) -> None:
        self.graph = Graph(bind_namespaces="core")
        for graph in graphs:
            for prefix, namespace in graph.namespaces():
                self.graph.bind(prefix, namespace, override=False)

    def __call__(self, term: Node | None) -> str:
        if term is None:
            return ""
        if isinstance(term, URIRef):
            try:
                prefix, _, local = self.graph.namespace_manager.compute_qname(term, generate=False)
            except (KeyError, ValueError):
                return term.n3()
            return f"{prefix}:{local}" if prefix else f":{local}"
        return term.n3()


def _shape_name(shape: Node | None, shapes: Graph, name: _Namer) -> str:
    """Name a shape; a blank property shape is named by its node shape and path (``ex:S/rdfs:label``)."""
    if not isinstance(shape, BNode):
        return name(shape)
    path = shapes.value(shape, SH.path)
    parents = sorted(shapes.subjects(SH.property, shape), key=str)
    owner = _shape_name(parents[0], shapes, name) if parents else "[]"
    return f"{owner}/{name(path)}" if path is not None else f"{owner}/[]"


def validate(data: Graph, shapes: Graph, ontology: Graph, source: Path | None = None) -> ShaclReport:
    """Validate *data* against *shapes*, with *ontology* mixed in and no further inference.

    The data is expected to be closed already (see :func:`kg.reasoning.close`). Warnings and
    infos are reported but do not make the data non-conforming.

    :param source: where the shapes come from, for error messages
    :raises InputError: when pyshacl cannot use the shapes (e.g. a SHACL-SPARQL query it refuses)
    """
    try:
        conforms, report, _ = pyshacl.validate(
            data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True,
            allow_warnings=True, allow_infos=True,
        )
    except ReportableRuntimeError as exc:
        raise InputError(f"the shapes cannot be used: {exc.message}", source) from exc
    if not isinstance(report, Graph):  # pyshacl returns a ValidationFailure instead of raising it
        raise InputError(f"the shapes cannot be used: {report}", source)
    return ShaclReport(bool(conforms), read_results(report, shapes, [ontology, shapes, data]), report)


def read_results(report: Graph, shapes: Graph, names: Sequence[Graph]) -> list[ShaclResult]:
    """The results of a SHACL report graph, sorted, with terms named by the prefixes of *names*."""
    name = _Namer(names)
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(node, SH.resultSeverity)
        results.append(ShaclResult(
            severity=_SEVERITIES[severity] if isinstance(severity, URIRef) and severity in _SEVERITIES
            else name(severity),
            focus=name(report.value(node, SH.focusNode)),
            path=name(report.value(node, SH.resultPath)),
            value=name(report.value(node, SH.value)),
            message=" / ".join(sorted(str(m) for m in report.objects(node, SH.resultMessage))),
            shape=_shape_name(report.value(node, SH.sourceShape), shapes, name),
            component=name(report.value(node, SH.sourceConstraintComponent)),
        ))
    results.sort(key=lambda r: (r.shape, r.focus, r.path, r.value, r.message, r.severity, r.component))
    return results


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]


def format_report(report: ShaclReport) -> str:
    """Render *report* as text: a summary line, then one aligned table of results per shape."""
    counts = ", ".join(f"{report.count(s)} {s.lower()}(s)" for s in ("Violation", "Warning", "Info") if report.count(s))
    lines = [f"Conforms: {'yes' if report.conforms else 'no'}" + (f" ({counts})" if counts else "")]
    for shape, group in groupby(report.results, key=lambda r: r.shape):
        rows = [("severity", "focus node", "path", "value", "message")]
        rows += [(r.severity, r.focus, r.path or "-", r.value or "-", r.message or r.component) for r in group]
        lines += ["", f"Shape {shape}", *(f"  {line}" for line in _table(rows))]
    return "\n".join(lines) + "\n"
