"""What a person types in the search box, read the same way for SQLite and PostgreSQL."""

from __future__ import annotations

from claims.search import excerpt, index_text, marks, parse_query


def test_words_phrases_and_exclusions_are_read_and_common_words_dropped() -> None:
    query = parse_query('Does vitamin D cure "the common cold" -zinc -"lozenges"')
    assert query.words == ("vitamin", "d", "cure")
    assert query.phrases == (("the", "common", "cold"),)
    assert query.excluded == (("zinc",), ("lozenges",))
    assert query.ignored == ("does",)
    assert (
        query.fts5()
        == '"vitamin" AND "d" AND "cure" AND "the common cold" NOT "zinc" NOT "lozenges"'
    )
    assert (
        query.tsquery()
        == "'vitamin' & 'd' & 'cure' & ('the' <-> 'common' <-> 'cold') & !('zinc') & !('lozenges')"
    )


def test_search_syntax_typed_by_mistake_stays_plain_words() -> None:
    # Quotes, operators and brackets of either database never reach it as syntax.
    query = parse_query("statins' OR (muscle* NEAR pain) \"unclosed")
    assert query.words == ("statins", "muscle", "near", "pain", "unclosed")
    assert query.phrases == ()
    assert all(w.isalnum() for w in query.words)
    assert parse_query("the of and").empty
    # A pasted paragraph keeps its first words, phrases' words counted too.
    long = parse_query('"' + "word " * 5000 + '" ' + " ".join(f"w{i}" for i in range(40)))
    assert len(long.words) + sum(len(p) for p in long.phrases) <= 16
    assert parse_query("-zinc").empty
    assert parse_query("").empty


def test_joined_words_are_split_as_they_are_indexed() -> None:
    assert parse_query("COVID-19").words == ("covid", "19")
    assert index_text("COVID-19 and/or flu", None, "T‑cell") == "COVID 19 and or flu\nT cell"


def test_marks_find_other_forms_of_a_word() -> None:
    text = "Statins cured nobody; the cure was rest, and curing took weeks."
    spans = marks(text, parse_query("cure statin"))
    assert [text[a:b] for a, b in spans] == ["Statins", "cured", "cure", "curing"]


def test_an_excerpt_keeps_the_marks_in_place() -> None:
    text = "Background. " * 40 + "Trials of cholecalciferol found no benefit. " + "More. " * 40
    spans = marks(text, parse_query("cholecalciferol"))
    shown, moved = excerpt(text, spans, width=120)
    assert len(shown) <= 125 and shown.startswith("…") and shown.endswith("…")
    assert [shown[a:b] for a, b in moved] == ["cholecalciferol"]


def test_an_excluded_phrase_leaves_out_the_phrase_not_its_words() -> None:
    query = parse_query('cramps -"muscle cramps"')
    assert query.words == ("cramps",) and query.excluded == (("muscle", "cramps"),)
    assert query.fts5() == '"cramps" NOT "muscle cramps"'
    assert query.tsquery() == "'cramps' & !('muscle' <-> 'cramps')"


def test_accents_are_searched_and_indexed_alike() -> None:
    assert parse_query("Ménière").words == ("meniere",)
    assert index_text("Ménière's disease") == "Meniere's disease"
    text = "Ménière's disease"
    assert [text[a:b] for a, b in marks(text, parse_query("meniere"))] == ["Ménière"]
