"""Community tables: ratings, want-to-see, comments, likes, bans and browsing history.

Each per-user-per-thing record is one item keyed by both ids, so "one per user" is a
key, not a check. The movie's counters (``rating_sum``, ``want_count``...) live on the
movie item and move only inside the transaction that writes the record here.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import (
    AllProjection,
    GlobalSecondaryIndex,
    KeysOnlyProjection,
    LocalSecondaryIndex,
)
from pynamodb.models import Model

from chalicelib.core.dynamo import register_table, table_meta


@register_table
class Rating(Model):
    """One user's stars for one movie; keyed by movie so a movie's ratings are one Query."""

    Meta = table_meta("ratings")

    movie_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)
    stars = NumberAttribute()
    rated_at = UTCDateTimeAttribute()


class WantsByTime(LocalSecondaryIndex["Want"]):
    class Meta:
        index_name = "by-time"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    wanted_at = UnicodeAttribute(range_key=True)


class WantsByMovie(GlobalSecondaryIndex["Want"]):
    """Who wants to see a movie (the on-sale reminder)."""

    class Meta:
        index_name = "by-movie"
        projection = KeysOnlyProjection()

    movie_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)


@register_table
class Want(Model):
    """A user's want-to-see mark on a movie."""

    Meta = table_meta("wants")

    user_id = UnicodeAttribute(hash_key=True)
    movie_id = UnicodeAttribute(range_key=True)
    wanted_at = UnicodeAttribute()  # sortable timestamp (see ``sort_stamp``)
    by_time = WantsByTime()
    by_movie = WantsByMovie()


class RootsByMovie(GlobalSecondaryIndex["Comment"]):
    """Root comments of a movie; sparse (replies leave ``root_of`` unset)."""

    class Meta:
        index_name = "roots-by-movie"
        projection = AllProjection()

    root_of = UnicodeAttribute(hash_key=True)
    comment_id = UnicodeAttribute(range_key=True)


class RepliesByRoot(GlobalSecondaryIndex["Comment"]):
    """Replies of a root comment; sparse (roots leave ``reply_of`` unset)."""

    class Meta:
        index_name = "replies-by-root"
        projection = AllProjection()

    reply_of = UnicodeAttribute(hash_key=True)
    comment_id = UnicodeAttribute(range_key=True)


@register_table
class Comment(Model):
    """A comment on a movie. Ids sort by time, so the indexes list newest or oldest first.

    A deleted root that still has replies stays as a placeholder (``deleted`` and no
    body) so its thread remains readable; ``reply_count`` is what decides that.
    """

    Meta = table_meta("comments")

    comment_id = UnicodeAttribute(hash_key=True)
    movie_id = UnicodeAttribute()
    root_of = UnicodeAttribute(null=True)  # = movie_id on roots
    reply_of = UnicodeAttribute(null=True)  # = root comment id on replies
    author_id = UnicodeAttribute()
    author_name = UnicodeAttribute()
    body = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    edited_at = UTCDateTimeAttribute(null=True)
    deleted = BooleanAttribute(default=False)
    deleted_by = UnicodeAttribute(null=True)
    reply_count = NumberAttribute(default=0)
    like_count = NumberAttribute(default=0)

    roots_by_movie = RootsByMovie()
    replies_by_root = RepliesByRoot()


@register_table
class CommentLike(Model):
    """One user's like of one comment."""

    Meta = table_meta("comment-likes")

    comment_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)
    liked_at = UTCDateTimeAttribute()


@register_table
class Ban(Model):
    """A user banned from posting. Kept here, not on the user item, so moderation never
    races a profile edit."""

    Meta = table_meta("bans")

    user_id = UnicodeAttribute(hash_key=True)
    banned_by = UnicodeAttribute()
    banned_at = UTCDateTimeAttribute()
    reason = UnicodeAttribute(null=True)


class HistoryByTime(LocalSecondaryIndex["HistoryEntry"]):
    class Meta:
        index_name = "by-time"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    viewed_at = UnicodeAttribute(range_key=True)


@register_table
class HistoryEntry(Model):
    """A movie a user opened. One item per (user, movie): re-opening moves it to the top."""

    Meta = table_meta("history")

    user_id = UnicodeAttribute(hash_key=True)
    movie_id = UnicodeAttribute(range_key=True)
    viewed_at = UnicodeAttribute()  # sortable timestamp (see ``sort_stamp``)
    by_time = HistoryByTime()
