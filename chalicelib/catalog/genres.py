"""The genre tree (seed 001's self-referencing category): small, read whole in one Query."""

from __future__ import annotations

from pynamodb.expressions.update import Action

from chalicelib.catalog.models import Genre, MovieGenre
from chalicelib.catalog.rules import creates_cycle, descendants
from chalicelib.catalog.schemas import GenreIn, GenreOut, GenrePatch, genre_out
from chalicelib.catalog.support import new_id
from chalicelib.core import clock
from chalicelib.core.errors import Conflict, NotFound, UnknownReference


def all_genres() -> dict[str, Genre]:
    return {g.genre_id: g for g in Genre.by_kind.query("genre")}


def genre_names() -> dict[str, str]:
    """Genre id -> name, what a movie shows its genres with."""
    return {gid: g.name for gid, g in all_genres().items()}


def genre_tree() -> list[GenreOut]:
    """Roots with their children, each level sorted by name."""
    nodes = {gid: genre_out(g) for gid, g in all_genres().items()}
    roots: list[GenreOut] = []
    for node in sorted(nodes.values(), key=lambda n: (n.name, n.genre_id)):
        parent = nodes.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def genre_and_descendants(genre_id: str, field: str = "genre") -> set[str]:
    """The ids a genre filter matches (the genre and its sub-genres); 404 if unknown."""
    genres = all_genres()
    if genre_id not in genres:
        raise UnknownReference(field, f"no genre {genre_id!r}")
    return descendants({gid: g.parent_id for gid, g in genres.items()}, genre_id)


def _require_parent(genres: dict[str, Genre], parent_id: str | None) -> None:
    if parent_id is not None and parent_id not in genres:
        raise UnknownReference("parent_id", f"no genre {parent_id!r}")


def create_genre(body: GenreIn) -> GenreOut:
    _require_parent(all_genres(), body.parent_id)
    genre = Genre(new_id(), name=body.name, parent_id=body.parent_id, created_at=clock.now())
    genre.save(condition=Genre.genre_id.does_not_exist())
    return genre_out(genre)


def update_genre(genre_id: str, body: GenrePatch) -> GenreOut:
    genres = all_genres()
    genre = genres.get(genre_id)
    if genre is None:
        raise NotFound("No such genre.")
    actions: list[Action] = []
    changes = body.changes()
    if "name" in changes:
        genre.name = changes["name"]
        actions.append(Genre.name.set(genre.name))
    if "parent_id" in changes:
        parent_id = changes["parent_id"]
        _require_parent(genres, parent_id)
        parents = {gid: g.parent_id for gid, g in genres.items()}
        if creates_cycle(parents, genre_id, parent_id):
            raise Conflict("A genre cannot be placed under itself or its sub-genres.")
        genre.parent_id = parent_id
        actions.append(Genre.parent_id.set(parent_id) if parent_id else Genre.parent_id.remove())
    if actions:
        genre.update(actions=actions, condition=Genre.genre_id.exists())
    return genre_out(genre)


def delete_genre(genre_id: str) -> None:
    """Only a genre nothing refers to: no sub-genres, no movies (409 otherwise)."""
    genres = all_genres()
    genre = genres.get(genre_id)
    if genre is None:
        raise NotFound("No such genre.")
    if any(g.parent_id == genre_id for g in genres.values()):
        raise Conflict("This genre has sub-genres; move or delete them first.")
    if next(iter(MovieGenre.query(genre_id, limit=1)), None) is not None:
        raise Conflict("Movies are filed under this genre; change them first.")
    genre.delete()
