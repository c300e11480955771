"""Search routes: full-text movie search with filters and facets, title suggestions."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import route
from chalicelib.core.errors import UnknownReference
from chalicelib.search import service
from chalicelib.search.schemas import SearchMoviesQuery, SearchPage, SuggestPage, SuggestQuery

bp = Blueprint(__name__)


@route(
    bp,
    "/search/movies",
    query=SearchMoviesQuery,
    response=SearchPage,
    errors=(UnknownReference,),
    tags=("search",),
)
def search_movies(query: SearchMoviesQuery) -> SearchPage:
    """Movies matching ``q`` (Chinese or English) and the filters, with highlights,
    the total and genre counts."""
    return service.search_movies(query)


@route(bp, "/search/suggest", query=SuggestQuery, response=SuggestPage, tags=("search",))
def suggest(query: SuggestQuery) -> SuggestPage:
    """Up to 10 titles for what the user has typed so far."""
    return service.suggest_titles(query.q)
