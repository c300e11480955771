"""Query splitting and highlight rendering (pure)."""

from __future__ import annotations

from chalicelib.search.text import (
    find_spans,
    parse_query,
    render_highlight,
    spans_from_marked,
)


def test_a_query_splits_into_english_words_and_cjk_runs() -> None:
    terms = parse_query('流浪地球 The "Wandering" earth, 汤 earth')
    assert terms.words == ("the", "wandering", "earth")
    assert terms.cjk == ("流浪地球", "汤")
    assert terms.long_cjk == ("流浪地球",)
    assert terms.short_cjk == ("汤",)


def test_query_syntax_and_punctuation_are_dropped() -> None:
    assert parse_query('"*" AND ( ) : ^ -').words == ("and",)
    assert not parse_query('"*" ( ) : ^ -')


def test_chinese_glued_to_english_is_split_at_the_script_boundary() -> None:
    terms = parse_query("阿凡达avatar2")
    assert (terms.words, terms.cjk) == (("avatar2",), ("阿凡达",))


def test_spans_are_recovered_from_engine_markers() -> None:
    assert spans_from_marked("a[bc]d[e]", "[", "]") == [(1, 3), (4, 5)]


def test_case_insensitive_occurrences_are_found() -> None:
    assert find_spans("Water and WATER", "water") == [(0, 5), (10, 15)]


def test_overlapping_marks_merge_and_the_rest_is_escaped() -> None:
    assert render_highlight("<b>水之道</b>", [(3, 5), (4, 6)]) == (
        "&lt;b&gt;<mark>水之道</mark>&lt;/b&gt;"
    )
    assert render_highlight("nothing", []) is None


def test_a_long_text_is_cut_to_a_window_around_the_first_mark() -> None:
    text = "x" * 500 + "needle" + "y" * 500
    fragment = render_highlight(text, [(500, 506)], fragment_size=100)
    assert fragment is not None
    assert fragment.startswith("…") and fragment.endswith("…")
    assert "<mark>needle</mark>" in fragment
    assert len(fragment) < 130
