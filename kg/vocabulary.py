"""What the ontology says about the names used in annotation files: prefixes, property kinds, ranges,
and how a YAML value becomes a typed literal."""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.iris import DIP

#: property kinds as read from the ontology
OBJECT, DATATYPE, ANNOTATION = "object", "datatype", "annotation"

_KINDS = {
    OWL.ObjectProperty: OBJECT,
    OWL.TransitiveProperty: OBJECT,
    OWL.SymmetricProperty: OBJECT,
    OWL.AsymmetricProperty: OBJECT,
    OWL.ReflexiveProperty: OBJECT,
    OWL.IrreflexiveProperty: OBJECT,
    OWL.InverseFunctionalProperty: OBJECT,
    OWL.DatatypeProperty: DATATYPE,
    OWL.AnnotationProperty: ANNOTATION,
}
#: annotation properties built into OWL 2, usable without a declaration
_BUILTIN_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo, OWL.deprecated}

_INTEGERS = {
    XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
    XSD.positiveInteger, XSD.nonPositiveInteger, XSD.negativeInteger, XSD.unsignedInt,
    XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte,
}
_NON_NEGATIVE = {XSD.nonNegativeInteger, XSD.positiveInteger, XSD.unsignedInt, XSD.unsignedLong,
                 XSD.unsignedShort, XSD.unsignedByte}
_DURATION = re.compile(r"^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
_LANG_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_LANG_RANGES = {RDF.langString, RDFS.Literal, RDF.PlainLiteral}


class ValueProblem(ValueError):
    """A YAML value does not fit where it stands; the message says what was expected."""


class Vocabulary:
    """Names and property facts read from the ontology graph.

    :param ontology: the parsed ontology; its namespace bindings give the prefixes
    """

    def __init__(self, ontology: Graph) -> None:
        self.ontology = ontology
        self.prefixes = {prefix: str(ns) for prefix, ns in ontology.namespaces() if prefix}
        self.prefixes.setdefault("dip", str(DIP))
        self._kinds: dict[URIRef, str | None] = {}
        self._terms: set[str] | None = None

    def expand(self, name: str) -> URIRef:
        """Expand ``prefix:local`` (or a bare ``local``, meaning ``dip:local``) to an IRI.

        :raises ValueProblem: for an unknown prefix
        """
        prefix, sep, local = name.partition(":")
        if not sep:
            prefix, local = "dip", name
        if prefix not in self.prefixes:
            known = ", ".join(sorted(self.prefixes))
            raise ValueProblem(f"unknown prefix {prefix!r} in {name!r}; prefixes of the ontology: {known}")
        return URIRef(self.prefixes[prefix] + local)

    def is_dip(self, iri: URIRef) -> bool:
        """Tell whether *iri* is in the ontology's own namespace."""
        return str(iri).startswith(self.prefixes["dip"])

    def declares(self, iri: URIRef) -> bool:
        """Tell whether the ontology says anything about *iri*."""
        return (iri, None, None) in self.ontology

    def identifying(self, prop: URIRef) -> bool:
        """Tell whether the ontology marks *prop* ``dip:identifying`` (its values say what a thing is)."""
        return any(isinstance(value, Literal) and value.toPython() is True
                   for value in self.ontology.objects(prop, DIP.identifying))

    def name(self, iri: URIRef) -> str:
        """Write *iri* as a prefixed name where a prefix of the ontology fits, else in full."""
        for prefix, namespace in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
            if str(iri).startswith(namespace) and len(str(iri)) > len(namespace):
                return f"{prefix}:{str(iri)[len(namespace):]}"
        return f"<{iri}>"

    def nearest(self, iri: URIRef) -> str | None:
        """The declared term closest in spelling to *iri*, as a prefixed name, or None."""
        if self._terms is None:
            self._terms = {str(s) for s in self.ontology.subjects() if isinstance(s, URIRef)}
        same_namespace = [t for t in self._terms if t.rsplit("#", 1)[0].rsplit("/", 1)[0]
                          == str(iri).rsplit("#", 1)[0].rsplit("/", 1)[0]]
        for pool in (same_namespace, sorted(self._terms)):
            found = difflib.get_close_matches(str(iri), sorted(pool), n=1, cutoff=0.75)
            if found:
                return self.name(URIRef(found[0]))
        return None

    def did_you_mean(self, iri: URIRef) -> str:
        """``; did you mean schema:EventScheduled?`` for the declared term nearest to *iri*, or ``""``."""
        nearest = self.nearest(iri)
        return f"; did you mean {nearest}?" if nearest else ""

    @staticmethod
    def hint(value: str, known: Iterable[str]) -> str:
        """``; did you mean 'x'?`` for the known id closest to *value*, or an empty string."""
        found = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.7)
        return f"; did you mean {found[0]!r}?" if found else ""

    def kind(self, prop: URIRef) -> str | None:
        """Return ``object``, ``datatype`` or ``annotation`` for a declared property, else None.

        A property with no kind of its own inherits it from an ``rdfs:subPropertyOf`` parent.
        """
        if prop not in self._kinds:
            self._kinds[prop] = self._find_kind(prop, set())
        return self._kinds[prop]

    def _find_kind(self, prop: URIRef, seen: set[Node]) -> str | None:
        seen.add(prop)
        for cls in self.ontology.objects(prop, RDF.type):
            if isinstance(cls, URIRef) and cls in _KINDS:
                return _KINDS[cls]
        for parent in self.ontology.objects(prop, RDFS.subPropertyOf):
            if parent not in seen and isinstance(parent, URIRef):
                found = self._find_kind(parent, seen)
                if found:
                    return found
        return ANNOTATION if prop in _BUILTIN_ANNOTATIONS else None

    def ranges(self, prop: URIRef) -> list[URIRef]:
        """Return the datatypes allowed by *prop*'s ``rdfs:range`` (a union is opened up).

        Falls back to the range of an ``rdfs:subPropertyOf`` parent; empty when none is given.
        """
        todo, seen = [prop], set()
        while todo:
            current = todo.pop(0)
            if current in seen:
                continue
            seen.add(current)
            found: list[URIRef] = []
            for rng in self.ontology.objects(current, RDFS.range):
                found.extend(self._members(rng))
            if found:
                return sorted(set(found))
            todo.extend(p for p in self.ontology.objects(current, RDFS.subPropertyOf) if isinstance(p, URIRef))
        return []

    def _members(self, rng: Node) -> list[URIRef]:
        if isinstance(rng, URIRef):
            return [rng]
        union = self.ontology.value(rng, OWL.unionOf)
        if union is None:
            return []
        return [m for m in Collection(self.ontology, union) if isinstance(m, URIRef)]


def _describe(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def _one_literal(value: Any, datatype: URIRef) -> Literal:
    """Type *value* as *datatype*.

    :raises ValueProblem: when the value does not fit
    """
    if isinstance(value, bool) and datatype != XSD.boolean:
        raise ValueProblem(f"expected a value of type {datatype.n3()}, got {_describe(value)}")
    if datatype == XSD.decimal:
        try:
            # str() of a YAML float is its shortest exact form: 21.4, not 21.39999…
            number = Decimal(str(value).strip()) if isinstance(value, (int, float, str)) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueProblem(f"expected a decimal number (e.g. 21.4), got {_describe(value)}")
        return Literal(number, datatype=XSD.decimal)
    if datatype in _INTEGERS:
        number_i = value if isinstance(value, int) else None
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
            number_i = int(value)
        if number_i is None or (datatype in _NON_NEGATIVE and number_i < 0):
            raise ValueProblem(f"expected a whole number for {datatype.n3()}, got {_describe(value)}")
        return Literal(number_i, datatype=datatype)
    if datatype in (XSD.double, XSD.float):
        if not isinstance(value, (int, float)):
            raise ValueProblem(f"expected a number for {datatype.n3()}, got {_describe(value)}")
        return Literal(float(value), datatype=datatype)
    if datatype == XSD.date:
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value.strip())
            except ValueError:
                pass
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise ValueProblem(f"expected a date such as 2025-12-11, got {_describe(value)}")
        return Literal(value, datatype=XSD.date)
    if datatype == XSD.dateTime:
        if isinstance(value, str):
            try:
                value = datetime.datetime.fromisoformat(value.strip())
            except ValueError:
                pass
        if not isinstance(value, datetime.datetime):
            raise ValueProblem(f"expected a date and time such as 2025-12-11T09:00:00, got {_describe(value)}")
        return Literal(value, datatype=XSD.dateTime)
    if datatype == XSD.gYear:
        if not re.fullmatch(r"-?\d{4,}", str(value)):
            raise ValueProblem(f"expected a year such as 2025, got {_describe(value)}")
        return Literal(str(value), datatype=XSD.gYear)
    if datatype == XSD.duration:
        if not isinstance(value, str) or not _DURATION.match(value):
            raise ValueProblem(f"expected an ISO 8601 duration such as P1Y, got {_describe(value)}")
        return Literal(value, datatype=XSD.duration)
    if datatype == XSD.boolean:
        if not isinstance(value, bool):
            raise ValueProblem(f"expected true or false, got {_describe(value)}")
        return Literal(value, datatype=XSD.boolean)
    if datatype in (XSD.string, RDFS.Literal):
        if not isinstance(value, str):
            raise ValueProblem(f"expected text (quote it in YAML), got {_describe(value)}")
        return Literal(value)
    if datatype == RDF.langString:
        raise ValueProblem(f"expected a language map such as {{en: …}}, got {_describe(value)}")
    if isinstance(value, (dict, list)):
        raise ValueProblem(f"expected a single value of type {datatype.n3()}, got {_describe(value)}")
    return Literal(str(value), datatype=datatype)


def _untyped(value: Any) -> Literal:
    """Type a value for a property with no datatype range, from its YAML type."""
    if isinstance(value, bool):
        return Literal(value, datatype=XSD.boolean)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(Decimal(str(value)), datatype=XSD.decimal)
    if isinstance(value, datetime.datetime):
        return Literal(value, datatype=XSD.dateTime)
    if isinstance(value, datetime.date):
        return Literal(value, datatype=XSD.date)
    return Literal(str(value))


def literal(value: Any, ranges: list[URIRef]) -> Literal:
    """Turn a YAML scalar into a literal of one of the datatypes in *ranges*.

    With several datatypes (a union range), whole numbers prefer an integer type and
    the first datatype that accepts the value wins.

    :raises ValueProblem: when no datatype accepts the value
    """
    datatypes = [r for r in ranges if r not in (RDFS.Literal, RDF.PlainLiteral)]
    if not datatypes:
        return _untyped(value)
    if isinstance(value, int) and not isinstance(value, bool):
        datatypes.sort(key=lambda d: d not in _INTEGERS)
    problems = []
    for datatype in datatypes:
        try:
            return _one_literal(value, datatype)
        except ValueProblem as exc:
            problems.append(str(exc))
    raise ValueProblem("; or ".join(problems))


def lang_literals(value: dict[str, Any], ranges: list[URIRef]) -> list[Literal]:
    """Turn a language map ``{ru: …, en: […]}`` into language-tagged literals.

    :raises ValueProblem: when the property's range does not allow language-tagged strings
    """
    if ranges and not any(r in _LANG_RANGES for r in ranges):
        wanted = ", ".join(r.n3() for r in ranges)
        raise ValueProblem(f"a language map gives language-tagged strings, but the range is {wanted}")
    out = []
    for lang, texts in value.items():
        if not _LANG_TAG.match(lang):
            raise ValueProblem(f"{lang!r} is not a language tag such as ru, en or tk")
        for text in texts if isinstance(texts, list) else [texts]:
            if not isinstance(text, str):
                raise ValueProblem(f"language {lang!r}: expected text, got {_describe(text)}")
            out.append(Literal(text, lang=lang))
    return out
