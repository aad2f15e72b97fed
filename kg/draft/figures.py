"""Figures in a text: money, percentages, counts and quantities, with their bound, in base units."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kg.draft.lexicon import Lexicon, Phrase
from kg.draft.nlp import WORD, Sentence, Token, fold

NUMBER = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
SIGN = r"(?P<sign>[$€₽¥])?"
RANGE_WORDS = re.compile(
    rf"(?<![^\W\d_])[оО]т\s+{SIGN}(?P<a>{NUMBER})\s+до\s+(?P<sign2>[$€₽¥])?(?P<b>{NUMBER})"
)
FIGURE = re.compile(
    rf"(?P<sign>[$€₽¥])?\s?(?P<a>{NUMBER})(?:\s?(?P<dash>[-–—])\s?(?P<sign2>[$€₽¥])?(?P<b>{NUMBER}))?"
)


@dataclass
class Figure:
    """A value with its bound (a ``dip:Bound`` name), its currency or unit, and where it is written."""

    start: int
    stop: int
    quote: str
    bound: str
    value: Decimal | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    currency: str | None = None
    unit: str | None = None
    noun: str = ""
    bound_words: str = ""
    #: the figure as the text writes it, with its bound words ("превышает $1,6 млрд")
    written: str = ""


def _number(text: str) -> Decimal:
    return Decimal(re.sub(r"[ \u00a0\u202f]", "", text).replace(",", "."))


def _whole(value: Decimal) -> Decimal:
    """*value* without trailing zeros, as an integer when it is one (1.6e9 -> 1600000000)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _matches(token: Token, word: str) -> bool:
    return fold(token.text) == word or word in token.lemmas


class FigureFinder:
    """Finds figures sentence by sentence."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.months = frozenset(lexicon.months)

    def find(self, text: str, sentence: Sentence) -> list[Figure]:
        """The figures of *sentence* (of *text*), in order."""
        out: list[Figure] = []
        ranges = list(RANGE_WORDS.finditer(text, sentence.start, sentence.stop))
        singles = [m for m in FIGURE.finditer(text, sentence.start, sentence.stop)
                   if not any(r.start() <= m.start() < r.end() for r in ranges)]
        for match in sorted(ranges + singles, key=lambda m: m.start()):
            start = match.start() if match.re is RANGE_WORDS else match.start("sign" if match["sign"] else "a")
            stop = match.end()
            before, after = text[max(0, start - 1):start], text[stop:stop + 2]
            if before[-1:].isdigit() or before[-1:] in "-–—/.:" and before or re.match(r"[-–—/.:]\d|[-–][^\W\d]", after):
                continue  # part of a date, a code or a compound such as "30-летию"
            figure = self._figure(text, sentence, match, start, stop)
            if figure is not None:
                out.append(figure)
        return out

    def _figure(self, text: str, sentence: Sentence, match: re.Match[str], start: int, stop: int) -> Figure | None:
        lex = self.lexicon
        words_after = [t for t in sentence.tokens if t.start >= stop][:3]
        multiplier, used = 1, 0
        if words_after and (m := next((v for k, v in lex.multipliers.items() if _matches(words_after[0], k)), None)):
            multiplier, used = m, 1
            if len(words_after) > 2 and words_after[1].text == "." and any(
                    _matches(words_after[2], k) for k in (*lex.currencies, *lex.units)):
                used = 2  # "12 тыс. км"
        rest = words_after[used:]
        nxt = rest[0] if rest else None
        sign = match["sign"] or match["sign2"]
        currency = lex.currency_signs.get(sign) if sign else None
        unit = None
        if nxt is not None and currency is None:
            currency = next((v for k, v in lex.currencies.items() if _matches(nxt, k)), None)
            unit = None if currency else next((v for k, v in lex.units.items() if _matches(nxt, k)), None)
            if currency or unit:
                used += 1
        end_tok = words_after[used - 1] if used else None
        noun = ""
        if not (currency or unit):
            if nxt is None or not WORD.fullmatch(nxt.text) or multiplier == 1 and (
                    self.months & set(nxt.lemmas) or lex.not_figures & set(nxt.lemmas)
                    or lex.not_figures & {fold(nxt.text)}):
                return None
            if "." in match["a"] or "," in match["a"]:
                return None
            unit, noun, end_tok = "C62", nxt.lemma, nxt
        stop = max(stop, end_tok.stop if end_tok else stop)
        a = _whole(_number(match["a"]) * multiplier)
        figure = Figure(start, stop, text[start:stop], "Exact", currency=currency, unit=unit, noun=noun)
        if match["b"]:
            b = _whole(_number(match["b"]) * multiplier)
            figure.bound, figure.min_value, figure.max_value = "Range", min(a, b), max(a, b)
            return figure
        bound = self._bound_before(sentence, start)
        if bound is None:
            figure.value = a
            return figure
        figure.bound, figure.bound_words = bound[0], " ".join(bound[1])
        figure.written = text[bound[2]:stop]
        if bound[0] == "LowerBound":
            figure.min_value = a
        elif bound[0] == "UpperBound":
            figure.max_value = a
        else:
            figure.value = a
        return figure

    def _bound_before(self, sentence: Sentence, start: int) -> tuple[str, Phrase, int] | None:
        """The bound phrase ending closest before *start* (within the window), longest first,
        with the offset where it starts in the text."""
        before = [t for t in sentence.tokens if t.stop <= start]
        numbers = [i for i, t in enumerate(before) if t.text[:1].isdigit()]
        before = before[numbers[-1] + 1:] if numbers else before  # not past the previous figure
        words = [t for t in before if WORD.fullmatch(t.text)][-(self.lexicon.bound_window + 3):]
        best: tuple[int, int, str, Phrase, int] | None = None
        for kind, phrases in self.lexicon.bounds.items():
            for phrase in phrases:
                n = len(phrase)
                for end in range(len(words), n - 1, -1):
                    gap = len(words) - end
                    if gap >= self.lexicon.bound_window:
                        break
                    if all(_matches(words[end - n + k], w) for k, w in enumerate(phrase)):
                        if best is None or (gap, -n) < (best[0], best[1]):
                            best = (gap, -n, kind, phrase, words[end - n].start)
                        break
        return (best[2], best[3], best[4]) if best else None


def _english_number(value: Decimal, lexicon: Lexicon) -> str:
    for scale, word in sorted(lexicon.english_scale.items(), reverse=True):
        if abs(value) >= scale:
            return f"{_whole(value / scale)} {word}"
    return f"{_whole(value):,}"


def english_label(figure: Figure, lexicon: Lexicon) -> str:
    """A plain English label of *figure*: "over USD 1.6 billion", "15–23 million tonnes"."""
    if figure.bound == "Range" and figure.min_value is not None and figure.max_value is not None:
        low, high = _english_number(figure.min_value, lexicon), _english_number(figure.max_value, lexicon)
        low_words, high_words = low.split(" "), high.split(" ")
        if len(low_words) == 2 and len(high_words) == 2 and low_words[1] == high_words[1]:
            low = low_words[0]  # "15–23 million", not "15 million–23 million"
        number = f"{low}–{high}"
    else:
        value = next(v for v in (figure.value, figure.min_value, figure.max_value) if v is not None)
        number = _english_number(value, lexicon)
    if figure.currency:
        text = f"{figure.currency} {number}"
    else:
        unit = lexicon.english_units.get(figure.unit or "", figure.unit or "")
        text = f"{number}{unit}" if unit == "%" else f"{number} {unit}".strip()
    return " ".join(x for x in (lexicon.english_bounds.get(figure.bound, ""), text) if x)
