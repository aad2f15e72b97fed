"""Synthetic datasets shaped like the diplomacy knowledge graph, generated from a seed.

States, cities, sectors and indicators first; then, block after block, news articles with the
people, companies, events and observations they report (typed values, dates, labels in several
languages) and one claim per fact, until the asked number of triples. Facts go to the named graph
``graph/asserted``, article metadata to ``graph/provenance``, Wikidata links to ``graph/external``
and superclass types to ``graph/inferred``, as in a build. What the data is made of (vocabulary,
real states, name syllables, label patterns) is in ``bench/synthetic.json``.

The same size and seed give the same bytes.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPEC = Path(__file__).resolve().parent / "synthetic.json"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
TIME = "http://www.w3.org/2006/time#"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


@dataclass(frozen=True)
class Name:
    """A made-up name in Latin and Cyrillic script."""

    latin: str
    cyrillic: str


def _literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{XSD}{datatype}>'
    return f'"{escaped}"'


class _Maker:
    """Turns the spec and a random generator into N-Quads lines, one entity at a time."""

    def __init__(self, spec: dict[str, Any], rng: random.Random) -> None:
        self.spec = spec
        self.rng = rng
        self.base = spec["base"]
        self.dip = self.base + "ontology#"
        self.graph = {name: f"<{self.base}graph/{name}>" for name in spec["graphs"]}
        self.states: list[tuple[str, dict[str, str]]] = []
        self.cities: list[tuple[str, dict[str, str]]] = []
        self.people: list[str] = []

    def iri(self, local: str) -> str:
        return f"<{self.base}id/{local}>"

    def term(self, local: str) -> str:
        return f"<{self.dip}{local}>"

    def quad(self, subject: str, predicate: str, obj: str, graph: str = "asserted") -> str:
        return f"{subject} <{predicate}> {obj} {self.graph[graph]} .\n"

    def typed(self, subject: str, cls: str) -> Iterator[str]:
        yield self.quad(subject, RDF + "type", self.term(cls))
        for parent in self.spec["superclasses"].get(cls, []):
            yield self.quad(subject, RDF + "type", self.term(parent), "inferred")

    def labelled(self, subject: str, labels: dict[str, str]) -> Iterator[str]:
        for lang, text in labels.items():
            yield self.quad(subject, RDFS_LABEL, _literal(text, lang))

    def name(self) -> Name:
        syllables = self.spec["syllables"]
        picks = [self.rng.randrange(len(syllables["latin"])) for _ in range(self.rng.randint(2, 3))]
        return Name("".join(syllables["latin"][i] for i in picks).capitalize(),
                    "".join(syllables["cyrillic"][i] for i in picks).capitalize())

    def date(self) -> str:
        year = self.spec["first_year"] + self.rng.randrange(self.spec["years"])
        return f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def labels(self, pattern_of: str, **fields: str) -> dict[str, str]:
        return {lang: pattern.format(**fields) for lang, pattern in self.spec["labels"][pattern_of].items()}

    def reference(self) -> Iterator[str]:
        """The states (real ones first), their capitals, the sectors and the indicators."""
        states = [dict(state) for state in self.spec["states"]]
        for number in range(self.spec["made_up_states"]):
            name = self.name()
            made_up = self.labels("state", en=name.latin, ru=name.cyrillic)
            states.append({"id": f"state-{number:03d}", **made_up, "wikidata": f"Q{900000 + number}"})
        for state in states:
            subject = self.iri(state["id"])
            labels = {lang: state[lang] for lang in ("en", "ru", "de", "fr") if lang in state}
            self.states.append((subject, labels))
            yield from self.typed(subject, "State")
            yield from self.labelled(subject, labels)
            wikidata = f"<http://www.wikidata.org/entity/{state['wikidata']}>"
            yield self.quad(subject, SKOS + "exactMatch", wikidata, "external")
            capital = self.iri(f"{state['id']}-capital")
            name = self.name()
            city_labels = self.labels("city", en=name.latin, ru=name.cyrillic)
            self.cities.append((capital, city_labels))
            yield from self.typed(capital, "City")
            yield from self.labelled(capital, city_labels)
            yield self.quad(capital, self.dip + "capitalOf", subject)
            yield self.quad(capital, self.dip + "locatedIn", subject)
        for item in self.spec["sectors"] + self.spec["indicators"]:
            cls = "Indicator" if item in self.spec["indicators"] else "Sector"
            yield from self.typed(self.iri(item["id"]), cls)
            yield from self.labelled(self.iri(item["id"]), {"en": item["en"], "ru": item["ru"]})

    def claim(self, number: str, fact: str, article: str, statement: str) -> Iterator[str]:
        claim = self.iri(f"claim-{number}")
        yield from self.typed(claim, "Claim")
        yield self.quad(claim, self.dip + "supports", fact)
        yield self.quad(claim, self.dip + "modality", self.term(self.rng.choice(self.spec["modalities"])))
        yield self.quad(claim, PROV + "wasDerivedFrom", article)
        yield self.quad(claim, self.dip + "statement", _literal(statement, "en"))

    def block(self, number: int) -> Iterator[str]:
        """One article with two people, two companies, two events, three observations and their claims."""
        article = self.iri(f"article-{number:07d}")
        published = self.date()
        yield self.quad(article, RDF + "type", self.term("NewsArticle"), "provenance")
        yield self.quad(article, DCT + "title", _literal(f"News report {number}", "en"), "provenance")
        yield self.quad(article, self.dip + "date", _literal(published, datatype="date"), "provenance")
        for index in range(2):
            yield from self.person(f"{number:07d}-{index}", article)
            yield from self.company(f"{number:07d}-{index}", article)
            yield from self.event(f"{number:07d}-{index}", article)
        for index in range(3):
            yield from self.observation(f"{number:07d}-{index}", article)

    def person(self, number: str, article: str) -> Iterator[str]:
        subject = self.iri(f"person-{number}")
        first, last = self.name(), self.name()
        labels = self.labels("person", en=first.latin, en2=last.latin, ru=first.cyrillic, ru2=last.cyrillic)
        self.people.append(subject)
        yield from self.typed(subject, "Person")
        yield from self.labelled(subject, labels)
        yield self.quad(subject, ORG + "memberOf", self.rng.choice(self.states)[0])
        yield from self.claim(f"person-{number}", subject, article, f"{labels['en']} is mentioned.")

    def company(self, number: str, article: str) -> Iterator[str]:
        subject = self.iri(f"company-{number}")
        name = self.name()
        labels = self.labels("company", en=name.latin, ru=name.cyrillic)
        yield from self.typed(subject, "Company")
        yield from self.labelled(subject, labels)
        yield self.quad(subject, self.dip + "capitalOrigin", self.rng.choice(self.states)[0])
        yield self.quad(subject, self.dip + "operatesIn", self.rng.choice(self.states)[0])
        sector = self.rng.choice(self.spec["sectors"])["id"]
        yield self.quad(subject, self.dip + "activeInSector", self.iri(sector))
        yield from self.claim(f"company-{number}", subject, article, f"{labels['en']} works in {sector}.")

    def event(self, number: str, article: str) -> Iterator[str]:
        subject = self.iri(f"event-{number}")
        kind = self.rng.choice(self.spec["events"])
        place, place_labels = self.rng.choice(self.cities)
        when = self.date()
        labels = self.labels("event", kind=kind["en"], kind_ru=kind["ru"], place=place_labels["en"],
                             place_ru=place_labels["ru"], date=when)
        yield from self.typed(subject, kind["class"])
        yield from self.labelled(subject, labels)
        yield self.quad(subject, self.dip + "cameoCode", self.term(kind["cameo"]))
        yield self.quad(subject, self.dip + "date", _literal(when, datatype="date"))
        yield self.quad(subject, self.dip + "place", place)
        if self.people:
            yield self.quad(subject, self.dip + "agent", self.rng.choice(self.people))
        for state, _ in self.rng.sample(self.states, 2):
            yield self.quad(subject, self.dip + "participant", state)
        yield from self.claim(f"event-{number}", subject, article, f"A {kind['en']} took place on {when}.")

    def observation(self, number: str, article: str) -> Iterator[str]:
        subject = self.iri(f"observation-{number}")
        indicator = self.rng.choice(self.spec["indicators"])
        area, area_labels = self.rng.choice(self.states)
        year = self.spec["first_year"] + self.rng.randrange(self.spec["years"])
        labels = self.labels("observation", indicator=indicator["en"], indicator_ru=indicator["ru"],
                             area=area_labels["en"], area_ru=area_labels["ru"], period=str(year))
        value = round(self.rng.lognormvariate(16, 3) if "currency" in indicator else self.rng.uniform(-20, 60), 1)
        period = self.iri(f"period-{number}")
        yield from self.typed(subject, "Observation")
        yield from self.labelled(subject, labels)
        yield self.quad(subject, self.dip + "indicator", self.iri(indicator["id"]))
        yield self.quad(subject, self.dip + "refArea", area)
        yield self.quad(subject, self.dip + "value", _literal(f"{value:.1f}", datatype="decimal"))
        if "currency" in indicator:
            yield self.quad(subject, self.dip + "currency", _literal(indicator["currency"]))
        else:
            yield self.quad(subject, self.dip + "unit", _literal(indicator["unit"]))
        yield self.quad(subject, self.dip + "bound", self.term(self.rng.choice(self.spec["bounds"])))
        yield self.quad(subject, self.dip + "period", period)
        yield self.quad(period, RDF + "type", f"<{TIME}ProperInterval>")
        start = self.iri(f"period-{number}-start")
        yield self.quad(period, TIME + "hasBeginning", start)
        yield self.quad(start, TIME + "inXSDDate", _literal(f"{year}-01-01", datatype="date"))
        yield from self.claim(f"observation-{number}", subject, article, f"{labels['en']}: {value:.1f}.")

    def lines(self) -> Iterator[str]:
        yield from self.reference()
        number = 0
        while True:
            yield from self.block(number)
            number += 1


def quads(triples: int, seed: int) -> Iterator[str]:
    """Yield exactly ``triples`` N-Quads lines of the dataset for ``seed``.

    :param triples: how many quads (each a distinct triple of the union graph)
    """
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    maker = _Maker(spec, random.Random(seed))
    for produced, line in enumerate(maker.lines()):
        if produced == triples:
            return
        yield line


def write_dataset(path: Path, triples: int, seed: int) -> Path:
    """Write the dataset as N-Quads to ``path`` (through a temporary file, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="\n") as out:
        out.writelines(quads(triples, seed))
    os.replace(partial, path)
    return path
