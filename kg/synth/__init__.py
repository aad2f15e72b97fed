"""Synthetic corpora: N articles in the project's own annotation format, deterministic from a seed.

The corpus reuses entities across articles with skewed popularity (a few states and leaders in
most articles, many companies in few), has every kind of claim the Trend article has (expected,
reported, forecast, possible; figures with bounds; signings; attributions to agencies relied
upon), expectations that later articles fulfil or contradict, and republications. Names, the
states and the sentence templates are in ``pools.yaml`` beside this module.
"""

from __future__ import annotations

import copy
import datetime
import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

POOLS = Path(__file__).resolve().parent / "pools.yaml"
#: every id the generator mints starts with this, so a synthetic corpus never clashes with real data
PREFIX = "synth-"
START = datetime.date(2025, 1, 1)


def _labels(ru: str, en: str) -> dict[str, str]:
    return {"ru": ru, "en": en}


def _interval(begin: datetime.date, end: datetime.date, ru: str, en: str) -> dict[str, Any]:
    return {"type": "time:ProperInterval", "rdfs:label": _labels(ru, en),
            "time:hasBeginning": {"type": "time:Instant", "time:inXSDDate": begin},
            "time:hasEnd": {"type": "time:Instant", "time:inXSDDate": end}}


@dataclass
class _Article:
    """One article being written: its sentences, nodes and claims."""

    id: str
    issued: datetime.date
    sentences: list[str] = field(default_factory=list)
    nodes: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)

    def say(self, sentence: str) -> str | None:
        """Add a sentence (once per article); return it as a quote, or None if already said."""
        if sentence in self.sentences:
            return None
        self.sentences.append(sentence)
        return sentence


class Generator:
    """Writes a synthetic corpus. Same *seed* and *articles*, same bytes.

    :param articles: how many articles
    :param seed: the seed of the pseudo-random choices
    """

    def __init__(self, articles: int, seed: int = 1) -> None:
        self.count, self.rng = articles, random.Random(seed)
        self.pools = yaml.safe_load(POOLS.read_text(encoding="utf-8"))
        self.states = self.pools["states"]
        people = [f"{g} {f}" for f in self.pools["family_names"] for g in self.pools["given_names"]]
        self.leaders = people[: len(self.states)]
        n_companies = max(10, articles // 2)
        stems = self.pools["company_stems"]
        self.companies = [f"{stems[i % len(stems)]}-{i + 1}" for i in range(n_companies)]
        self.agencies = [f"{s}-{i + 1}" for i, s in enumerate(self.pools["agency_stems"] * 3)]
        #: event and observation ids already declared, with the article that declared them
        self.declared: dict[str, str] = {}
        #: expected arrivals: arrival id -> (article id, claim id, leader index, city index, date)
        self.expected: list[tuple[str, str, int, int, datetime.date]] = []
        self.published: list[_Article] = []

    # -- popularity ----------------------------------------------------------------------------

    def _skewed(self, n: int) -> int:
        """An index in range(n), low ones far more often (a Zipf-like choice)."""
        return min(int(self.rng.paretovariate(1.2)) - 1, n - 1)

    def _state(self) -> int:
        return self._skewed(len(self.states))

    def _pair(self) -> tuple[int, int]:
        first = self._state()
        second = self._state()
        while second == first:
            second = self.rng.randrange(len(self.states))
        return tuple(sorted((first, second)))  # type: ignore[return-value]

    def _id(self, *parts: object) -> str:
        return PREFIX + "-".join(str(p) for p in parts)

    # -- shared entities -------------------------------------------------------------------------

    def entities(self) -> dict[str, Any]:
        """The entities file: states, capitals, leaders, companies, agencies, indicators, periods."""
        nodes: dict[str, Any] = {}
        for i, state in enumerate(self.states):
            nodes[self._id(state["id"])] = {"type": "State", "rdfs:label": _labels(state["ru"], state["en"])}
            city = state["capital"]
            nodes[self._id(city["id"])] = {"type": "City", "rdfs:label": _labels(city["ru"], city["en"])}
            name = self.leaders[i]
            nodes[self._id("leader", i + 1)] = {"type": "Person", "rdfs:label": _labels(name, _latin(name))}
        for i, company in enumerate(self.companies):
            nodes[self._id("company", i + 1)] = {"type": "Company", "rdfs:label": _labels(company, _latin(company))}
        for i, agency in enumerate(self.agencies):
            nodes[self._id("agency", i + 1)] = {"type": "NewsAgency",
                                                "rdfs:label": _labels(f"агентство «{agency}»", f"{_latin(agency)} agency")}
        nodes[self._id("trade-turnover")] = {"type": "Indicator", "rdfs:label": _labels("товарооборот", "trade turnover")}
        nodes[self._id("trade-growth")] = {"type": "Indicator",
                                           "rdfs:label": _labels("рост товарооборота", "trade turnover growth")}
        for year in range(START.year, START.year + 3):
            nodes[self._id("year", year)] = _interval(datetime.date(year, 1, 1), datetime.date(year, 12, 31),
                                                      f"{year} год", str(year))
            for q in range(4):
                begin = datetime.date(year, 3 * q + 1, 1)
                end = (datetime.date(year + (q == 3), (3 * q + 3) % 12 + 1, 1) - datetime.timedelta(days=1))
                nodes[self._id("q", q + 1, year)] = _interval(begin, end, f"{q + 1}-й квартал {year} года",
                                                              f"Q{q + 1} {year}")
        return {"nodes": nodes}

    # -- claims ------------------------------------------------------------------------------------

    def _date_words(self, day: datetime.date) -> dict[str, object]:
        return {"day": day.day, "month": self.pools["months"][day.month - 1], "year": day.year}

    def _expected_arrival(self, art: _Article) -> None:
        leader, host = self._state(), self._state()
        if leader == host:
            host = (host + 1) % len(self.states)
        when = art.issued + datetime.timedelta(days=self.rng.randint(1, 20))
        arrival = self._id("arrival", leader + 1, self.states[host]["capital"]["id"], when.isoformat())
        city = self.states[host]["capital"]
        quote = art.say(self.pools["templates"]["expected_arrival"].format(
            leader=self.leaders[leader], city=city["ru"], **self._date_words(when)))
        if quote is None or arrival in self.declared:
            return
        art.nodes[arrival] = {"type": "Arrival", "rdfs:label": _labels(
            f"прибытие {self.leaders[leader]} в {city['ru']}", f"Arrival of {_latin(self.leaders[leader])} in {city['en']}")}
        self.declared[arrival] = art.id
        claim = f"arrival-expected-{len(art.claims) + 1}"
        art.claims[claim] = {
            "modality": "expected", "quote": quote,
            "statement": f"{_latin(self.leaders[leader])} is expected to arrive in {city['en']} on {when.isoformat()}.",
            "asserts": {arrival: {"dip:agent": self._id("leader", leader + 1), "dip:destination": self._id(city["id"]),
                                  "dip:date": when, "schema:eventStatus": "schema:EventScheduled",
                                  "dip:cameoCode": "dip:cameo036"}}}
        self.expected.append((arrival, f"{art.id}/{claim}", leader, host, when))

    def _reported_arrival(self, art: _Article) -> None:
        earlier = [e for e in self.expected if e[1].split("/")[0] != art.id]
        if not earlier:
            return
        arrival, expected_claim, leader, host, when = earlier[self.rng.randrange(len(earlier))]
        city = self.states[host]["capital"]
        contradicts = self.rng.random() < 0.2
        day = when + datetime.timedelta(days=1) if contradicts else when
        template = "night_arrival" if contradicts else "reported_arrival"
        quote = art.say(self.pools["templates"][template].format(
            leader=self.leaders[leader], city=city["ru"], **self._date_words(day)))
        if quote is None:
            return
        claim = f"arrival-reported-{len(art.claims) + 1}"
        art.claims[claim] = {
            "modality": "reported", "quote": quote,
            "statement": f"{_latin(self.leaders[leader])} arrived in {city['en']} on {day.isoformat()}.",
            "asserts": {arrival: {"dip:date": day, "schema:eventStatus": "dip:EventHappened",
                                  "dip:cameoCode": "dip:cameo042"}},
            "fulfils": expected_claim}
        if contradicts:
            art.claims[claim]["contradicts"] = expected_claim

    def _observation(self, art: _Article, kind: str) -> None:
        a, b = self._pair()
        pair = f"{self.states[a]['ru']} — {self.states[b]['ru']}"
        pair_en = f"{self.states[a]['en']}–{self.states[b]['en']}"
        year = min(art.issued.year, START.year + 2)
        t = self.pools["templates"]
        if kind == "growth":
            quarter = self.rng.randrange(4)
            rate = self.rng.randint(5, 400) / 10
            node = self._id("growth", self.states[a]["id"], self.states[b]["id"], "q", quarter + 1, year)
            period = self._id("q", quarter + 1, year)
            quote = art.say(t["growth"].format(pair=pair, quarter=self.pools["quarters"][quarter], year=year,
                                               rate=str(rate).replace(".", ",")))
            facts = {"dip:bound": "dip:Exact", "dip:value": rate, "dip:unit": "P1"}
            modality, statement = "reported", f"{pair_en} trade grew by {rate}% in Q{quarter + 1} {year}."
            indicator = "trade-growth"
        else:
            amount = self.rng.randint(5, 300) / 10
            node = self._id("turnover", self.states[a]["id"], self.states[b]["id"], year)
            period = self._id("year", year)
            quote = art.say(t["forecast" if kind == "forecast" else "turnover"].format(
                pair=pair, year=year, amount=str(amount).replace(".", ",")))
            facts = {"dip:bound": "dip:LowerBound", "dip:minValue": int(amount * 1e9), "dip:currency": "USD"}
            modality = "forecast" if kind == "forecast" else "reported"
            statement = f"{pair_en} trade turnover {'may exceed' if kind == 'forecast' else 'exceeded'} USD {amount} billion in {year}."
            indicator = "trade-turnover"
        if quote is None:
            return
        if node not in self.declared:
            art.nodes[node] = {"type": "Observation", "rdfs:label": _labels(f"{indicator} {pair} {year}", f"{indicator} {pair_en} {year}"),
                               "dip:indicator": self._id(indicator),
                               "dip:refArea": [self._id(self.states[a]["id"]), self._id(self.states[b]["id"])],
                               "dip:period": period}
            self.declared[node] = art.id
        art.claims[f"{kind}-{len(art.claims) + 1}"] = {"modality": modality, "quote": quote, "statement": statement,
                                                       "asserts": {node: facts}}

    def _signing(self, art: _Article) -> None:
        first, second = self._skewed(len(self.companies)), self.rng.randrange(len(self.companies))
        if first == second:
            return
        quote = art.say(self.pools["templates"]["signing"].format(company=self.companies[first],
                                                                  company2=self.companies[second]))
        if quote is None:
            return
        n = len(art.claims) + 1
        agreement, signing = self._id(art.id, "agreement", n), self._id(art.id, "signing", n)
        names = f"{_latin(self.companies[first])} and {_latin(self.companies[second])}"
        art.nodes[agreement] = {"type": "Agreement", "rdfs:label": _labels(
            f"соглашение «{self.companies[first]}» и «{self.companies[second]}»", f"Agreement of {names}"),
            "dip:hasParty": [self._id("company", first + 1), self._id("company", second + 1)]}
        art.nodes[signing] = {"type": "Signing", "rdfs:label": _labels("подписание соглашения", f"Signing of the agreement of {names}"),
                              "dip:signedDocument": agreement, "dip:cameoCode": "dip:cameo057"}
        art.claims[f"signing-{n}"] = {"modality": "reported", "quote": quote,
                                      "statement": f"{names} signed a cooperation agreement.",
                                      "supports": [agreement, signing]}
        area = self.pools["areas"][self.rng.randrange(len(self.pools["areas"]))]
        possible = art.say(self.pools["templates"]["possible"].format(area=area))
        if possible is not None:
            art.claims[f"possible-{n}"] = {"modality": "possible", "quote": possible,
                                           "statement": "The parties may sign new agreements.", "about": [agreement]}

    def _operates(self, art: _Article) -> None:
        company, state = self._skewed(len(self.companies)), self._state()
        quote = art.say(self.pools["templates"]["operates"].format(company=self.companies[company],
                                                                   state=self.states[state]["ru"]))
        if quote is not None:
            art.claims[f"operates-{len(art.claims) + 1}"] = {
                "modality": "reported", "quote": quote,
                "statement": f"{_latin(self.companies[company])} operates in {self.states[state]['en']}.",
                "asserts": {self._id("company", company + 1): {"dip:operatesIn": self._id(self.states[state]["id"])}}}

    # -- articles ----------------------------------------------------------------------------------

    def article(self, i: int) -> tuple[str, dict[str, Any], str]:
        """Write article *i*: its id, its annotation mapping and its text."""
        issued = START + datetime.timedelta(days=i * 730 // max(self.count, 1))
        art = _Article(f"{PREFIX}{issued.isoformat()}-{i + 1:05d}", issued)
        publisher = self._skewed(len(self.agencies))
        meta: dict[str, Any] = {"id": art.id, "text": f"{art.id}.ru.txt",
                                "title": {"en": f"Synthetic report {i + 1}"},
                                "publisher": self._id("agency", publisher + 1), "issued": issued, "language": "ru"}
        if self.published and self.rng.random() < 0.05:
            original = self.published[self.rng.randrange(len(self.published))]
            meta["republishes"] = original.id
            meta["publisher"] = self._id("agency", (publisher + 1) % len(self.agencies) + 1)
            art.sentences = list(original.sentences)
            # the reprint repeats the original's claims about nodes declared elsewhere
            claims = {cid: copy.deepcopy(c) for cid, c in original.claims.items() if "asserts" in c}
            for claim in claims.values():
                for key in ("fulfils", "contradicts"):
                    if key in claim and claim[key].split("/")[0] == original.id:
                        del claim[key]
            self.published.append(art)
            data: dict[str, Any] = {"article": meta}
            if claims:
                data["claims"] = claims
            return art.id, data, ". ".join(art.sentences) + ".\n"
        if self.rng.random() < 0.2:
            relied = self._skewed(len(self.agencies))
            meta["reliesOn"] = [self._id("agency", relied + 1)]
            art.sentences.append(self.pools["templates"]["relies"].format(agency=self.agencies[relied]))
        steps = [self._expected_arrival, self._reported_arrival, self._signing, self._operates,
                 lambda a: self._observation(a, "turnover"), lambda a: self._observation(a, "growth"),
                 lambda a: self._observation(a, "forecast")]
        for _ in range(self.rng.randint(3, 7)):
            steps[self.rng.randrange(len(steps))](art)
        if not art.claims:
            self._operates(art)
        self.published.append(art)
        data = {"article": meta}
        if art.nodes:
            data["nodes"] = art.nodes
        data["claims"] = art.claims
        return art.id, data, ". ".join(art.sentences) + ".\n"

    def write(self, out: Path) -> int:
        """Write the corpus into *out* (created); return the number of files written."""
        out.mkdir(parents=True, exist_ok=True)
        _dump(out / f"{PREFIX}entities.yaml", self.entities())
        files = 1
        for i in range(self.count):
            article_id, data, text = self.article(i)
            (out / f"{article_id}.ru.txt").write_text(text, encoding="utf-8")
            _dump(out / f"{article_id}.yaml", data)
            files += 2
        return files


def _latin(text: str) -> str:
    """A plain transliteration (the table in ``pools.yaml``), for English labels of synthetic names."""
    table = _transliteration()
    out = []
    for ch in text:
        low = ch.lower()
        if low in table:
            rep = table[low]
            out.append(rep.capitalize() if ch != low else rep)
        else:
            out.append(ch)
    return "".join(out)


@cache
def _transliteration() -> dict[str, str]:
    return dict(yaml.safe_load(POOLS.read_text(encoding="utf-8"))["transliteration"])


def _dump(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
