"""Periods named in a text ("в первом квартале 2025 года", "за первые 10 месяцев") as intervals."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from kg.draft.lexicon import Lexicon
from kg.draft.nlp import Sentence, Token, fold

YEAR = re.compile(r"(?:19|20)\d\d")
YEARS = re.compile(r"((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)")
YEAR_WORDS = frozenset({"год", "г", "гг"})


@dataclass
class Period:
    """An interval named in the text: where, its first and last day, its labels and its id."""

    start: int
    stop: int
    quote: str
    begin: datetime.date
    end: datetime.date
    kind: str
    id: str
    label_ru: str
    label_en: str
    linked: bool = False
    assumed_year: bool = False


def _is(token: Token, word: str) -> bool:
    return fold(token.text) == word or word in token.lemmas


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


class PeriodFinder:
    """Finds periods sentence by sentence, remembering the last year the text named."""

    def __init__(self, lexicon: Lexicon, default_year: int) -> None:
        self.lexicon = lexicon
        self.year = default_year

    def _year_at(self, tokens: list[Token], i: int) -> int | None:
        """The year written at ``tokens[i]`` ("2025 года", "2025 г."), if any."""
        if i < len(tokens) - 1 and YEAR.fullmatch(tokens[i].text) and any(
                _is(tokens[i + 1], w) for w in YEAR_WORDS):
            return int(tokens[i].text)
        return None

    def find(self, text: str, sentence: Sentence) -> list[Period]:
        """The periods of *sentence* (of *text*), in order."""
        tokens, out, i = sentence.tokens, [], 0
        while i < len(tokens):
            hit = self._match(tokens, i)
            if hit is None:
                if (year := self._year_at(tokens, i)) is not None:
                    self.year = year
                i += 1
                continue
            n, kind, begin, end, values, assumed = hit
            start, stop = tokens[i].start, tokens[i + n - 1].stop
            out.append(self._period(text, start, stop, kind, begin, end, values, assumed))
            i += n
        return out

    def _explicit_year(self, tokens: list[Token], j: int) -> tuple[int, int, bool]:
        """(year, tokens used, assumed?): the year at *j*, or the context's year."""
        year = self._year_at(tokens, j)
        if year is not None:
            self.year = year
            return year, 2, False
        return self.year, 0, True

    def _match(self, tokens: list[Token], i: int) -> tuple | None:  # noqa: C901 - one branch per pattern
        lex, tok = self.lexicon, tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        for phrase in lex.whole_year:
            if all(i + k < len(tokens) and _is(tokens[i + k], w) for k, w in enumerate(phrase)):
                if self._year_at(tokens, i + len(phrase) - 1) is None:
                    y = self.year
                    return len(phrase), "year", datetime.date(y, 1, 1), datetime.date(y, 12, 31), {"year": y}, True
        ordinal = next((v for k, v in lex.ordinals.items() if _is(tok, k)), None)
        if ordinal and nxt is not None:
            for unit, months, kind in (("квартал", 3, "quarter"), ("полугодие", 6, "half")):
                if _is(nxt, unit) and ordinal * months <= 12:
                    y, used, assumed = self._explicit_year(tokens, i + 2)
                    begin = datetime.date(y, (ordinal - 1) * months + 1, 1)
                    return 2 + used, kind, begin, _last_day(y, ordinal * months), {"n": ordinal, "year": y}, assumed
            if ordinal == 1 and nxt.text.isdigit() and i + 2 < len(tokens) and _is(tokens[i + 2], "месяц"):
                last = int(nxt.text)
                if 1 <= last <= 12:
                    y, used, assumed = self._explicit_year(tokens, i + 3)
                    return 3 + used, "first-months", datetime.date(y, 1, 1), _last_day(y, last), \
                        {"n": last, "year": y, "last": last}, assumed
        part = next((k for k in lex.year_parts if _is(tok, k)), None)
        if part and self._year_at(tokens, i + 1) is not None:
            y, used, _ = self._explicit_year(tokens, i + 1)
            first, last = lex.year_parts[part]
            return 1 + used, "year-part", datetime.date(y, first, 1), _last_day(y, last), \
                {"year": y, "part": part, "first": first, "last": last}, False
        month = next((v for k, v in lex.months.items() if _is(tok, k)), None)
        if month and not (i > 0 and tokens[i - 1].text.isdigit()):
            y, used, assumed = self._explicit_year(tokens, i + 1)
            return 1 + used, "month", datetime.date(y, month, 1), _last_day(y, month), {"month": month, "year": y}, assumed
        m = YEARS.fullmatch(tok.text)
        if m and nxt is not None and any(_is(nxt, w) for w in YEAR_WORDS):
            a, b = int(m[1]), int(m[2])
            self.year = b
            return 2, "years", datetime.date(a, 1, 1), datetime.date(b, 12, 31), {"year": a, "year2": b}, False
        if i > 0 and _is(tokens[i - 1], "в") or i > 0 and _is(tokens[i - 1], "за"):
            if (y2 := self._year_at(tokens, i)) is not None:
                self.year = y2
                return 2, "year", datetime.date(y2, 1, 1), datetime.date(y2, 12, 31), {"year": y2}, False
        return None

    def _period(self, text: str, start: int, stop: int, kind: str, begin: datetime.date, end: datetime.date,
                values: dict, assumed: bool) -> Period:
        lex = self.lexicon
        names = dict(values)
        if "last" in names:
            names["last_en"] = lex.month_names_en[names["last"] - 1]
            names["last_short"] = names["last_en"][:3].lower()
        if "first" in names:
            names["first_en"] = lex.month_names_en[names["first"] - 1]
        if "month" in names:
            names["month_en"] = lex.month_names_en[names["month"] - 1]
            names["month_en_lower"] = names["month_en"].lower()
            names["month_ru"] = lex.month_names_ru[names["month"] - 1]
        if "part" in names:
            names["part_ru"] = names["part"]
            names["part_en"] = lex.year_part_names_en[names["part"]]
        template = lex.period_kinds[kind]
        return Period(start, stop, text[start:stop], begin, end, kind, template["id"].format(**names),
                      template["ru"].format(**names), template["en"].format(**names), assumed_year=assumed)
