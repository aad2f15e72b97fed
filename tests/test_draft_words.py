"""The drafter's word lists at work: bound words, modality markers, attribution, inflected names,
figures in base units, periods, and quotes with guillemets and dashes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kg.draft.drafter import Draft, Drafter
from kg.draft.labels import LabelIndex
from kg.draft.lexicon import Lexicon
from kg.draft.nlp import Models
from kg.textquote import find_quote

LEXICON = Lexicon.load()
BOUND_PHRASES = [(kind, " ".join(p)) for kind, phrases in LEXICON.bounds.items() for p in phrases]
SPEECH_PHRASES = [" ".join(p) for p in LEXICON.speech]
RELIES_ON_PHRASES = [" ".join(p) for p in LEXICON.relies_on]
MODALITY_MARKERS = [(kind, word) for kind in LEXICON.modality_order for word in sorted(LEXICON.modality[kind])]


def draft(models: Models, index: LabelIndex, text: str) -> Draft:
    return Drafter(models, index).draft(text, "2026-02-01-test", "2026-02-01-test.ru.txt")


def only_figure(result: Draft):
    figures = [f for f, _, _ in result.figures.values()]
    assert len(figures) == 1, figures
    return figures[0]


@pytest.mark.parametrize(("kind", "phrase"), BOUND_PHRASES)
def test_every_bound_phrase_sets_its_bound(draft_models: Models, draft_index: LabelIndex, kind: str, phrase: str):
    figure = only_figure(draft(draft_models, draft_index, f"Товарооборот {phrase} 100 млн долларов в год."))
    assert figure.bound == kind
    number = {"LowerBound": figure.min_value, "UpperBound": figure.max_value}.get(kind, figure.value)
    assert number == Decimal(100_000_000)
    assert figure.currency == "USD"


@pytest.mark.parametrize(("sentence", "bound", "low", "high"), [
    ("Ежегодный товарооборот превышает $1,6 млрд.", "LowerBound", 1_600_000_000, None),
    ("Объём торговли превысил 2 млрд евро.", "LowerBound", 2_000_000_000, None),
    ("Экспорт вырос более чем на 30% в годовом выражении.", "LowerBound", 30, None),
    ("Перевозки составили не более 7% от общего объёма.", "UpperBound", None, 7),
    ("Грузооборот уже оценивается в 15-23 млн тонн.", "Range", 15_000_000, 23_000_000),
    ("Грузооборот составит 15–23 млн тонн.", "Range", 15_000_000, 23_000_000),
    ("Инвестиции составят от 3 до 5 млрд рублей.", "Range", 3_000_000_000, 5_000_000_000),
    ("Зарегистрировано около 40 предприятий с российским капиталом.", "Approximate", 40, 40),
    ("Протяжённость дороги составит до 1 200 км.", "UpperBound", None, 1200),
    ("Рост достиг 21,4%.", "Exact", Decimal("21.4"), Decimal("21.4")),
])
def test_bounds_of_inflected_words_and_ranges(draft_models: Models, draft_index: LabelIndex, sentence: str,
                                              bound: str, low: object, high: object):
    figure = only_figure(draft(draft_models, draft_index, sentence))
    assert figure.bound == bound
    if bound in ("Exact", "Approximate"):
        assert figure.value == low
    else:
        assert (figure.min_value, figure.max_value) == (low, high)


@pytest.mark.parametrize(("sentence", "value", "currency", "unit"), [
    ("Сумма проектов составила $3,5 млрд.", 3_500_000_000, "USD", None),
    ("Экспорт газа достиг $7,03 млрд.", 7_030_000_000, "USD", None),
    ("Поставки составят 5 млрд кубометров газа.", 5_000_000_000, None, "MTQ"),
    ("Бюджет проекта — 250 млн рублей.", 250_000_000, "RUB", None),
    ("Насчитывается 342 инвестиционных проекта.", 342, None, "C62"),
    ("Построено 12 тыс. км дорог.", 12_000, None, "KMT"),
])
def test_figures_in_base_units(draft_models: Models, draft_index: LabelIndex, sentence: str, value: int,
                               currency: str | None, unit: str | None):
    figure = only_figure(draft(draft_models, draft_index, sentence))
    assert (figure.value, figure.currency, figure.unit) == (Decimal(value), currency, unit)


@pytest.mark.parametrize("sentence", [
    "Торжества приурочены к 30-летию нейтралитета страны.",
    "Делегации прибудут 12 декабря.",
    "Соглашение подписано в 2022 году.",
    "Программа рассчитана на 2023-2025 годы.",
])
def test_dates_and_anniversaries_are_not_figures(draft_models: Models, draft_index: LabelIndex, sentence: str):
    assert draft(draft_models, draft_index, sentence).figures == {}


@pytest.mark.parametrize(("kind", "marker"), MODALITY_MARKERS)
def test_every_modality_marker(draft_models: Models, draft_index: LabelIndex, kind: str, marker: str):
    result = draft(draft_models, draft_index, f"По мнению экспертов, {marker} рост торговли между странами.")
    assert [c.modality for c in result.claims] == [kind]


@pytest.mark.parametrize(("sentence", "modality"), [
    ("Ожидается, что Президент России Владимир Путин прибудет в Ашхабад 11 декабря.", "expected"),
    ("Визит планируется на весну.", "expected"),
    ("Подписание соглашения запланировано на март.", "expected"),
    ("Официальные лица прогнозируют рост товарооборота.", "forecast"),
    ("Эксперты прогнозируют, что товарооборот может превысить $2,5 млрд.", "forecast"),
    ("Визит может стать возможностью для консолидации усилий.", "possible"),
    ("Стороны, возможно, подпишут соглашение.", "possible"),
    ("Утром Ашхабад начнет принимать иностранные делегации.", "expected"),
    ("Товарооборот между странами вырос на 5%.", "reported"),
])
def test_modality_of_sentences(draft_models: Models, draft_index: LabelIndex, sentence: str, modality: str):
    assert [c.modality for c in draft(draft_models, draft_index, sentence).claims] == [modality]


@pytest.mark.parametrize(("sentence", "speaker"), [
    ("Как отметил министр иностранных дел Турции Хакан Фидан, товарооборот вырос на 5%.", "khakan-fidan"),
    ("По словам Реджепа Тайипа Эрдогана, стороны подпишут соглашение.", "erdogan"),
    ("Как сообщили в пресс-службе «Газпрома», поставки газа выросли.", "gazprom"),
    ("Президент Турции Реджеп Тайип Эрдоган заявил, что визит состоится.", "erdogan"),
    ("По данным РЖД, перевозки выросли на 10%.", "rzd"),
])
def test_attribution_phrases_name_the_speaker(draft_models: Models, draft_index: LabelIndex, sentence: str,
                                              speaker: str):
    (claim,) = draft(draft_models, draft_index, sentence).claims
    assert claim.attribution is not None
    assert speaker in claim.attribution.by


@pytest.mark.parametrize(("sentence", "on"), [
    ("Президент Турции Реджеп Тайип Эрдоган заявил 14 января, что визит состоится.", "2026-01-14"),
    ("10 декабря, как отметил Хакан Фидан, стороны договорились.", "2025-12-10"),
    ("Как отметил Хакан Фидан, визит состоится 20 февраля.", None),
])
def test_attribution_date_when_the_text_says_it(draft_models: Models, draft_index: LabelIndex, sentence: str,
                                                on: str | None):
    year = 2025 if on and on.startswith("2025") else 2026
    result = Drafter(draft_models, draft_index).draft(sentence, f"{year}-12-20-test", "test.ru.txt")
    (claim,) = result.claims
    assert claim.attribution is not None and claim.attribution.by
    assert claim.attribution.on == (datetime.date.fromisoformat(on) if on else None)


@pytest.mark.parametrize("phrase", SPEECH_PHRASES)
def test_every_speech_phrase_names_the_speaker(draft_models: Models, draft_index: LabelIndex, phrase: str):
    """Each phrase of the word list, as written there (lemmas), before the speaker's name."""
    if " " in phrase:
        sentence = f"{phrase.capitalize()} Реджепа Тайипа Эрдогана, товарооборот вырос на 5%."
    else:
        sentence = f"Как {phrase} Реджеп Тайип Эрдоган, товарооборот вырос на 5%."
    (claim,) = draft(draft_models, draft_index, sentence).claims
    assert claim.attribution is not None and claim.attribution.by == ["erdogan"]


@pytest.mark.parametrize("phrase", RELIES_ON_PHRASES)
def test_every_phrase_naming_the_source_agency(draft_models: Models, draft_index: LabelIndex, phrase: str):
    result = draft(draft_models, draft_index, f"Товарооборот вырос на 5%, {phrase} РИА Новости.")
    assert result.relies_on == ["ria-novosti"]


def test_unnamed_speaker_is_flagged_without_an_attribution(draft_models: Models, draft_index: LabelIndex):
    (claim,) = draft(draft_models, draft_index, "Официальные лица прогнозируют рост товарооборота.").claims
    assert claim.attribution is not None and claim.attribution.by == []


def test_agency_relied_upon(draft_models: Models, draft_index: LabelIndex):
    result = draft(draft_models, draft_index, "Путин прибыл в Ашхабад, передает РИА Новости.")
    (agency,) = result.relies_on
    entity = next(e for e in result.entities if e.id == agency)
    assert (entity.label_ru, entity.type, entity.linked) == ("РИА Новости", "NewsAgency", False)


@pytest.mark.parametrize(("sentence", "quote", "node"), [
    ("В столице Туркменистана идет подготовка к встрече.", "Туркменистана", "turkmenistan"),
    ("Товарооборот между Россией и Ираном вырос.", "Россией", "russia"),
    ("Переговоры с Эрдоганом прошли в Анкаре.", "Эрдоганом", "erdogan"),
    ("Переговоры с Эрдоганом прошли в Анкаре.", "Анкаре", "ankara"),
    ("Программу подписали РЖД и агентство.", "РЖД", "rzd"),
    ("В число компаний входит «Газпром».", "«Газпром»", "gazprom"),
    ("Соглашение с «Газпромом» продлено.", "«Газпромом»", "gazprom"),
    ("Делегации прибыли в Ашхабаде утром.", "Ашхабаде", "ashgabat"),
    ("Телеграмма направлена Владимиру Путину.", "Владимиру Путину", "putin"),
    ("Визит Президента Путина состоится.", "Путина", "putin"),
    ("Ашхабад участвует в Содружестве Независимых Государств.", "Содружестве Независимых Государств", "cis"),
    ("Грузы идут по азербайджанскому направлению.", "азербайджанскому", "azerbaijan"),
])
def test_inflected_names_find_their_nodes(draft_models: Models, draft_index: LabelIndex, sentence: str,
                                          quote: str, node: str):
    result = draft(draft_models, draft_index, sentence)
    linked = {m.quote: e.id for e in result.entities if e.linked for m in e.mentions}
    assert linked.get(quote) == node


@pytest.mark.parametrize(("sentence", "label", "kind"), [
    ("Премьер встретился с Хаканом Фиданом.", "Хакан Фидан", "Person"),
    ("Лидер встретился с Сердаром Бердымухамедовым.", "Сердар Бердымухамедов", "Person"),
    ("Договор подписан Министерством иностранных дел.", "Министерство иностранных дел", "StateAgency"),
])
def test_new_nodes_get_nominative_labels(draft_models: Models, draft_index: LabelIndex, sentence: str, label: str,
                                         kind: str):
    new = [e for e in draft(draft_models, draft_index, sentence).entities if not e.linked]
    assert [(e.label_ru, e.type) for e in new] == [(label, kind)]
    assert new[0].label_en and new[0].label_en.isascii()


@pytest.mark.parametrize(("phrase", "begin", "end"), [
    ("в первом квартале 2025 года", "2025-01-01", "2025-03-31"),
    ("в первом полугодии 2024 года", "2024-01-01", "2024-06-30"),
    ("за первые 10 месяцев 2025 года", "2025-01-01", "2025-10-31"),
    ("в начале 2026 года", "2026-01-01", "2026-03-31"),
    ("в октябре 2025 года", "2025-10-01", "2025-10-31"),
    ("в 2022 году", "2022-01-01", "2022-12-31"),
    ("на 2023-2025 годы", "2023-01-01", "2025-12-31"),
    ("по итогам года", "2026-01-01", "2026-12-31"),
])
def test_periods_become_intervals(draft_models: Models, draft_index: LabelIndex, phrase: str, begin: str, end: str):
    result = draft(draft_models, draft_index, f"Товарооборот {phrase} вырос на 5%.")
    ((figure, period, _),) = result.figures.values()
    dates = {p.id: (p.begin, p.end) for p in result.periods.values()}
    dates.update({node: key for key, node in draft_index.intervals.items()})
    assert dates[period] == (datetime.date.fromisoformat(begin), datetime.date.fromisoformat(end))


def test_known_intervals_are_reused(draft_models: Models, draft_index: LabelIndex):
    result = draft(draft_models, draft_index, "В первом квартале 2025 года рост достиг 21,4%.")
    ((_, period, _),) = result.figures.values()
    assert period == "q1-2025" and result.periods == {}


def test_quotes_with_guillemets_and_dashes_are_exact(draft_models: Models, draft_index: LabelIndex):
    text = ("Грузооборот по коридору «Север — Юг» вырос – до 23 млн тонн. Компания «Газпром» — партнёр РЖД. "
            "Грузооборот по коридору «Север — Юг» вырос – до 23 млн тонн.")
    result = draft(draft_models, draft_index, text)
    assert [c.occurrence for c in result.claims] == [1, 1, 2]
    for claim in result.claims:
        assert find_quote(text, claim.quote, claim.occurrence).start == claim.start
        assert claim.quote == text[claim.start:claim.start + len(claim.quote)]
    quotes = {m.quote for e in result.entities for m in e.mentions}
    assert "«Газпром»" in quotes


def test_header_dateline_and_agency_and_line_breaks(draft_models: Models, draft_index: LabelIndex):
    text = ("МОСКВА, 3 марта /ТАСС/ - Министр иностранных дел России Сергей Лавров провел переговоры с Ваном И.\r\n"
            "По словам Лаврова, объем торговли России и Китая в 2024 году превысил $240 млрд.\r\n")
    result = Drafter(draft_models, draft_index).draft(text, "2024-03-03-tass", "2024-03-03-tass.ru.txt")
    entities = {e.id: e for e in result.entities}
    assert (result.dateline, result.publisher, str(result.issued)) == ("moskva", "tass", "2024-03-03")
    assert (entities["moskva"].label_ru, entities["moskva"].type) == ("Москва", "City")
    assert entities["tass"].type == "NewsAgency"
    assert [c.quote[:20] for c in result.claims] == ["Министр иностранных ", "По словам Лаврова, о"]
    assert "\n" not in result.claims[0].quote
