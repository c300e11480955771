"""The base of the application's pydantic models (request bodies, queries, responses,
queue messages).

``defer_build``: a model's validator and serializer are built the first time it is used,
not when its module is imported. A Lambda container answers a handful of routes before it
is recycled, and every module's models would otherwise be compiled by every cold start.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    model_config = ConfigDict(defer_build=True)
