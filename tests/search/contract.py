"""The behaviour every ``SearchIndex`` adapter must have.

A test module subclasses ``IndexBehaviour`` and provides an ``index`` fixture holding an
empty index; pytest then runs all of these against that adapter. The one adapter,
OpenSearch, runs them on a real node (``test_opensearch_index.py``); the relevance checks
(Chinese words, English stems, typos, prefixes, exact facets, escaped highlights) are
answers only a real engine gives.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from chalicelib.search.index import SearchIndex, SearchQuery
from chalicelib.search.service import status_filter
from tests.search.samples import ALL, AVATAR, EARTH, SPIRITED, UNDATED, UPCOMING, marked


def ids(index: SearchIndex, **query: object) -> list[str]:
    return [h.document.movie_id for h in index.search(SearchQuery(limit=50, **query)).hits]  # type: ignore[arg-type]


class IndexBehaviour:
    @pytest.fixture
    def catalogue(self, index: SearchIndex) -> SearchIndex:
        for document in ALL:
            index.upsert(document)
        return index

    # -- text ------------------------------------------------------------------------

    def test_a_chinese_substring_of_the_synopsis_finds_the_movie(
        self, catalogue: SearchIndex
    ) -> None:
        assert ids(catalogue, text="潘多拉星球") == [AVATAR.movie_id]
        assert ids(catalogue, text="带着地球逃离") == [EARTH.movie_id]

    def test_one_or_two_chinese_characters_still_find_the_movie(
        self, catalogue: SearchIndex
    ) -> None:
        assert ids(catalogue, text="神灵") == [SPIRITED.movie_id]
        assert ids(catalogue, text="汤") == [SPIRITED.movie_id]
        assert ids(catalogue, text="吴京") == [EARTH.movie_id]  # a person, two characters

    def test_english_words_match_whatever_their_inflection_and_case(
        self, catalogue: SearchIndex
    ) -> None:
        assert ids(catalogue, text="runs") == [AVATAR.movie_id]  # synopsis says "running"
        assert ids(catalogue, text="CAMERON") == [AVATAR.movie_id]
        assert ids(catalogue, text="wandering") == [EARTH.movie_id]

    def test_a_two_character_chinese_word_finds_the_title_holding_it(
        self, catalogue: SearchIndex
    ) -> None:
        assert ids(catalogue, text="流浪") == [EARTH.movie_id]
        assert ids(catalogue, text="之道") == [AVATAR.movie_id]
        assert ids(catalogue, text="千寻") == [SPIRITED.movie_id]

    def test_an_english_title_is_found_by_another_form_of_its_words(
        self, catalogue: SearchIndex
    ) -> None:
        assert ids(catalogue, text="wanders") == [EARTH.movie_id]  # "The Wandering Earth"
        assert ids(catalogue, text="spirit") == [SPIRITED.movie_id]  # "Spirited Away"

    def test_a_misspelt_english_title_is_still_found(self, catalogue: SearchIndex) -> None:
        assert ids(catalogue, text="Avtar") == [AVATAR.movie_id]
        assert ids(catalogue, text="wanderng erth") == [EARTH.movie_id]
        assert ids(catalogue, text="Spirted Awya") == [SPIRITED.movie_id]
        assert ids(catalogue, text="Avtar earth") == []  # a typo is forgiven, not a missing word

    def test_every_term_must_match_somewhere_in_the_movie(self, catalogue: SearchIndex) -> None:
        assert ids(catalogue, text="earth 地球") == [EARTH.movie_id]
        assert ids(catalogue, text="earth avatar") == []

    def test_a_title_match_ranks_above_a_synopsis_only_match(self, catalogue: SearchIndex) -> None:
        found = ids(catalogue, text="water", sort="relevance")
        assert set(found) == {AVATAR.movie_id, UNDATED.movie_id, UPCOMING.movie_id}
        assert found[-1] == UPCOMING.movie_id  # only its synopsis mentions water

    def test_a_one_character_title_match_ranks_above_a_synopsis_match(
        self, catalogue: SearchIndex
    ) -> None:
        assert ids(catalogue, text="球", sort="relevance") == [EARTH.movie_id, AVATAR.movie_id]

    def test_query_syntax_in_the_text_is_just_text(self, catalogue: SearchIndex) -> None:
        for text in ['water" OR *', "NEAR(a b)", "title:avatar", "a AND", "-(", "«»"]:
            result = catalogue.search(SearchQuery(text=text))
            assert result.total == len(result.hits)

    # -- filters and facets ------------------------------------------------------------

    def test_genre_filter_matches_any_given_genre_and_facets_count_the_matches(
        self, catalogue: SearchIndex
    ) -> None:
        result = catalogue.search(SearchQuery(genre_ids=frozenset({"animation"})))
        assert {h.document.movie_id for h in result.hits} == {
            SPIRITED.movie_id,
            UPCOMING.movie_id,
        }
        assert result.total == 2
        assert result.genre_facets == {"animation": 2, "adventure": 1}

    def test_facets_cover_every_match_not_just_the_page(self, catalogue: SearchIndex) -> None:
        result = catalogue.search(SearchQuery(limit=1))
        assert result.total == len(ALL)
        assert result.genre_facets == {"scifi": 2, "adventure": 2, "animation": 2}

    def test_facets_count_exactly_the_movies_a_text_matches(self, catalogue: SearchIndex) -> None:
        result = catalogue.search(SearchQuery(text="water", limit=1))
        assert result.total == 3  # AVATAR, UPCOMING, UNDATED (no genre)
        assert result.genre_facets == {"adventure": 2, "scifi": 1, "animation": 1}

    def test_year_filter(self, catalogue: SearchIndex) -> None:
        assert set(ids(catalogue, year=2019)) == {EARTH.movie_id, SPIRITED.movie_id}

    @pytest.mark.parametrize(
        ("today", "status", "expected"),
        [
            (date(2019, 3, 1), "coming", {AVATAR.movie_id, UPCOMING.movie_id}),
            (date(2019, 3, 1), "showing", {EARTH.movie_id, SPIRITED.movie_id}),
            (date(2019, 3, 1), "ended", set()),
            (date(2024, 1, 1), "ended", {AVATAR.movie_id, EARTH.movie_id}),
            (date(2019, 2, 5), "showing", {EARTH.movie_id, SPIRITED.movie_id}),  # release day
            (date(2019, 4, 6), "ended", {EARTH.movie_id}),  # the day after its last day
        ],
    )
    def test_status_follows_the_dates_unless_pinned(
        self, catalogue: SearchIndex, today: date, status: str, expected: set[str]
    ) -> None:
        assert set(ids(catalogue, status=status_filter(status, today))) == expected

    def test_only_the_given_movies_are_searched(self, catalogue: SearchIndex) -> None:
        showing = frozenset({AVATAR.movie_id, EARTH.movie_id})
        assert ids(catalogue, text="water", movie_ids=showing) == [AVATAR.movie_id]
        assert catalogue.search(SearchQuery(movie_ids=frozenset())).total == 0

    # -- order and pages ----------------------------------------------------------------

    def test_sorts_by_release_date_and_rating_with_unknowns_last(
        self, catalogue: SearchIndex
    ) -> None:
        assert ids(catalogue, sort="-release_date") == [
            UPCOMING.movie_id,
            AVATAR.movie_id,
            SPIRITED.movie_id,
            EARTH.movie_id,
            UNDATED.movie_id,
        ]
        assert ids(catalogue, sort="release_date")[:2] == [EARTH.movie_id, SPIRITED.movie_id]
        assert ids(catalogue, sort="release_date")[-1] == UNDATED.movie_id
        assert ids(catalogue, sort="-rating") == [
            AVATAR.movie_id,
            EARTH.movie_id,
            SPIRITED.movie_id,
            UNDATED.movie_id,
            UPCOMING.movie_id,
        ]

    def test_pages_follow_each_other_and_carry_the_total(self, catalogue: SearchIndex) -> None:
        seen = []
        for offset in (0, 2, 4):
            result = catalogue.search(SearchQuery(sort="-release_date", offset=offset, limit=2))
            assert result.total == len(ALL)
            seen += [h.document.movie_id for h in result.hits]
        assert seen == ids(catalogue, sort="-release_date")

    # -- highlight ------------------------------------------------------------------------

    def test_highlight_marks_the_matches_in_title_and_synopsis(
        self, catalogue: SearchIndex
    ) -> None:
        hit = catalogue.search(SearchQuery(text="潘多拉星球")).hits[0]
        assert marked(hit.highlight["synopsis"][0]) == ["潘多拉星球"]
        hit = catalogue.search(SearchQuery(text="water", movie_ids=frozenset({"m-avatar"}))).hits[0]
        assert marked(hit.highlight["original_title"][0]) == ["Water"]
        hit = catalogue.search(SearchQuery(text="汤屋")).hits[0]
        assert marked(hit.highlight["synopsis"][0]) == ["汤屋"]

    def test_highlighted_text_is_html_escaped(self, catalogue: SearchIndex) -> None:
        hit = catalogue.search(SearchQuery(text="续集")).hits[0]
        title = hit.highlight["title"][0].replace("</mark><mark>", "")
        assert title == "深海 &lt;<mark>续集</mark>&gt;"

    def test_a_long_synopsis_is_highlighted_as_a_fragment(self, index: SearchIndex) -> None:
        filler = "这是一段很长的剧情介绍文字。" * 40
        index.upsert(replace(EARTH, synopsis=filler + "秘密基地就在月球背面。" + filler))
        fragment = index.search(SearchQuery(text="秘密基地")).hits[0].highlight["synopsis"][0]
        assert marked(fragment) == ["秘密基地"]
        assert len(fragment) < len(filler)

    def test_no_text_means_no_highlight(self, catalogue: SearchIndex) -> None:
        assert all(not h.highlight for h in catalogue.search(SearchQuery()).hits)

    # -- suggestions ----------------------------------------------------------------------

    def test_suggests_titles_for_a_prefix_in_either_language(self, catalogue: SearchIndex) -> None:
        def suggested(prefix: str, limit: int = 10) -> set[str]:
            return {s.movie_id for s in catalogue.suggest(prefix, limit)}

        assert AVATAR.movie_id in suggested("Av")
        assert suggested("spir") == {SPIRITED.movie_id}
        assert suggested("流浪") == {EARTH.movie_id}
        assert suggested("千与") == {SPIRITED.movie_id}
        assert suggested("wat") == {AVATAR.movie_id, UNDATED.movie_id}
        assert len(suggested("wat", limit=1)) == 1
        assert suggested("zzzz") == set()
        assert next(s for s in catalogue.suggest("Av") if s.movie_id == AVATAR.movie_id).title == (
            AVATAR.title
        )

    # -- writes ---------------------------------------------------------------------------

    def test_upsert_replaces_what_the_index_held(self, catalogue: SearchIndex) -> None:
        edited = replace(AVATAR, synopsis="全新的剧情：海底王国。A kingdom under the sea.")
        catalogue.upsert(edited)
        assert ids(catalogue, text="海底王国") == [AVATAR.movie_id]
        assert ids(catalogue, text="kingdom") == [AVATAR.movie_id]
        assert ids(catalogue, text="潘多拉星球") == []
        assert catalogue.get(AVATAR.movie_id) == edited

    def test_delete_removes_the_movie_and_tolerates_a_second_delete(
        self, catalogue: SearchIndex
    ) -> None:
        catalogue.delete(AVATAR.movie_id)
        catalogue.delete(AVATAR.movie_id)
        assert ids(catalogue, text="潘多拉星球") == []
        assert catalogue.get(AVATAR.movie_id) is None
        assert catalogue.search(SearchQuery()).total == len(ALL) - 1

    def test_rebuild_replaces_the_whole_index(self, catalogue: SearchIndex) -> None:
        assert catalogue.rebuild(iter([EARTH, SPIRITED])) == 2
        assert set(ids(catalogue)) == {EARTH.movie_id, SPIRITED.movie_id}
        catalogue.upsert(AVATAR)  # writes keep working after the swap
        assert ids(catalogue, text="潘多拉星球") == [AVATAR.movie_id]
