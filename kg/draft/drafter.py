"""From an article text to the proposals of a draft annotation (entities, figures, periods, claims)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import iuliia

from kg.draft.attribution import Attribution, attribution, relied_on
from kg.draft.entities import Entity, EntityFinder
from kg.draft.figures import Figure, FigureFinder
from kg.draft.labels import LabelIndex
from kg.draft.modality import modality
from kg.draft.nlp import WORD, Models
from kg.draft.periods import Period, PeriodFinder
from kg.errors import InputError

HEADER = re.compile(r"^\W*(?:date\s+(?P<date>\d{4}-\d{2}-\d{2})\s+)?(?P<city>[^\W\d][^/\n]{0,40}?)\s*"
                    r"/(?P<agency>[^/\n]{1,40})/\s*[-–—]\s*")
ISSUED = re.compile(r"^(\d{4}-\d{2}-\d{2})")
#: fewest words of a sentence drafted as a claim (unless it holds a figure or a name)
MIN_CLAIM_WORDS = 3
#: least share of Cyrillic among the letters of a text drafted as Russian
CYRILLIC_SHARE = 0.5
#: letters of Cyrillic alphabets other than Russian; more than this share of them means another language
NON_RUSSIAN_CYRILLIC = frozenset("іїєґўқғңөүұһәјљњћџђѓќ")
FOREIGN_SHARE = 0.01


@dataclass
class ClaimDraft:
    """A proposed claim: one sentence with what was found in it."""

    id: str
    quote: str
    start: int
    occurrence: int
    modality: str
    marker: str
    figures: list[str] = field(default_factory=list)
    about: list[str] = field(default_factory=list)
    attribution: Attribution | None = None


@dataclass
class Draft:
    """Everything proposed for one article."""

    article_id: str
    text_name: str
    text: str
    issued: datetime.date | None
    publisher: str | None = None
    dateline: str | None = None
    relies_on: list[str] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    periods: dict[str, Period] = field(default_factory=dict)
    figures: dict[str, tuple[Figure, str | None, bool]] = field(default_factory=dict)  # id -> (figure, period, annual)
    claims: list[ClaimDraft] = field(default_factory=list)


def read_article(path: Path) -> str:
    """The text of *path*, checked to be non-empty Russian UTF-8.

    :raises InputError: for a missing, empty, non-UTF-8 or non-Russian file, saying what to do
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the article: {exc.strerror}", path) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(f"the article is not UTF-8 text (byte {exc.start}); convert it to UTF-8 "
                         "(e.g. iconv -f cp1251 -t utf-8)", path, line) from exc
    letters = [c for c in text if c.isalpha()]
    if not letters:
        raise InputError("the article is empty: it has no words to draft from", path)
    cyrillic = [c for c in letters if "\u0400" <= c <= "\u04ff"]
    share = len(cyrillic) / len(letters)
    if share < CYRILLIC_SHARE:
        raise InputError(f"the article is not Russian text (only {share:.0%} of its letters are Cyrillic); "
                         "kg draft reads Russian articles only", path)
    foreign = sum(c.lower() in NON_RUSSIAN_CYRILLIC for c in cyrillic)
    if foreign > FOREIGN_SHARE * len(cyrillic):
        raise InputError(f"the article is not Russian text: {foreign} of its letters belong to another Cyrillic "
                         "alphabet (Ukrainian, Kazakh …); kg draft reads Russian articles only", path)
    return text


def occurrence(text: str, quote: str, start: int) -> int:
    """Which occurrence of *quote* in *text* starts at *start* (counted as the loader counts)."""
    n, at = 0, -1
    while True:
        at = text.find(quote, at + 1)
        n += 1
        if at < 0 or at >= start:
            return n


def _slug(words: list[str], taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", iuliia.WIKIPEDIA.translate(" ".join(words)).lower()).strip("-")
    base, n, slug = base or "claim", 1, base or "claim"
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


class Drafter:
    """Drafts annotations with loaded models and the labels of the graph."""

    def __init__(self, models: Models, index: LabelIndex) -> None:
        self.models, self.index = models, index
        self.entities = EntityFinder(models, index)
        self.figure_finder = FigureFinder(models.lexicon)

    def draft(self, text: str, article_id: str, text_name: str) -> Draft:
        """Propose entities, figures, periods and claims for *text*."""
        lex = self.models.lexicon
        header = HEADER.match(text)
        issued_text = (header and header["date"]) or (ISSUED.match(article_id) and article_id[:10])
        issued = datetime.date.fromisoformat(issued_text) if issued_text else None
        result = Draft(article_id, text_name, text, issued)
        analysis = self.models.analyse(text)
        forced = [(header.start("city"), header.end("city"), "LOC", "City"),
                  (header.start("agency"), header.end("agency"), "ORG", "NewsAgency")] if header else []
        result.entities = self.entities.find(analysis, forced)
        mentions = sorted((m.start, m.stop, e) for e in result.entities for m in e.mentions)
        if header:
            for start, stop, entity in mentions:
                if start < header.end("city") and stop > header.start("city"):
                    result.dateline = entity.id
                if start < header.end("agency") and stop > header.start("agency"):
                    result.publisher = entity.id
        periods = PeriodFinder(lex, issued.year if issued else datetime.date.today().year)
        taken: set[str] = set()
        for sentence in analysis.sentences:
            start = header.end() if header and sentence.start < header.end() < sentence.stop else sentence.start
            found_periods = [self._period(p, result) for p in periods.find(text, sentence)]
            figures = self.figure_finder.find(text, sentence)
            result.relies_on += [i for i in relied_on(sentence, lex, mentions) if i not in result.relies_on]
            inside = [e for s, t, e in mentions if s >= start and t <= sentence.stop]
            words = [t for t in sentence.tokens if t.start >= start and (WORD.fullmatch(t.text) or t.text.isdigit())]
            if len(words) < MIN_CLAIM_WORDS and not (figures or inside):
                continue
            quote = text[start:sentence.stop].rstrip(" .!?…\n")
            kind, marker = modality(sentence, lex)
            claim = ClaimDraft(_slug([w.text for w in words[:4]], taken), quote, start,
                               occurrence(text, quote, start), kind, marker,
                               about=list(dict.fromkeys(e.id for e in inside)),
                               attribution=attribution(sentence, lex, mentions, issued.year if issued else None))
            annual = any(lex.annual & set(t.lemmas[:1]) for t in words)
            for figure in figures:
                before = [p for p in found_periods if p.start < figure.start] or found_periods
                figure_id = f"{article_id}-figure-{len(result.figures) + 1}"
                result.figures[figure_id] = (figure, before[-1].id if before else None, annual and not before)
                claim.figures.append(figure_id)
            result.claims.append(claim)
        return result

    def _period(self, period: Period, result: Draft) -> Period:
        """Reuse the graph's interval with the same dates, or keep *period* as a new node."""
        existing = self.index.intervals.get((period.begin, period.end))
        if existing:
            period.id, period.linked = existing, True
            return period
        base, n = period.id, 1
        while period.id in self.index.nodes or (period.id in result.periods and (
                result.periods[period.id].begin, result.periods[period.id].end) != (period.begin, period.end)):
            n += 1
            period.id = f"{base}-{n}"
        result.periods.setdefault(period.id, period)
        return period


def article_id_of(text_path: Path) -> str:
    """The article id of a text file ``<id>.<lang>.txt``."""
    return text_path.name.split(".")[0]
