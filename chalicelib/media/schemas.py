"""What the media area accepts and answers.

An upload request is one of the kinds in ``UPLOAD_KINDS``, each with its own content
types and largest size, so ``/openapi.json`` states exactly what each kind accepts (a
``oneOf`` chosen by ``kind``). The role a kind needs is checked by the service (403).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import ConfigDict, Field, RootModel, create_model

from chalicelib.core.schema import Schema
from chalicelib.media.rules import UPLOAD_KINDS, UploadKind


class UploadFields(Schema):
    """The common fields of an upload request; each kind narrows them."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    content_type: str
    size: int = Field(ge=1, description="Bytes; at most the kind's limit.")


def _kind_request(name: str, kind: UploadKind) -> type[UploadFields]:
    fields: dict[str, Any] = {
        "kind": (Literal[name], ...),
        "content_type": (Literal[tuple(sorted(kind.content_types))], ...),
        "size": (int, Field(ge=1, le=kind.max_bytes, description="Bytes.")),
    }
    model: type[UploadFields] = create_model(
        f"{name.capitalize()}Upload", __base__=UploadFields, __module__=__name__, **fields
    )
    return model


KIND_REQUESTS = tuple(_kind_request(name, kind) for name, kind in UPLOAD_KINDS.items())


class UploadRequest(RootModel[Annotated[Union[KIND_REQUESTS], Field(discriminator="kind")]]):  # type: ignore[valid-type]  # noqa: UP007
    """One upload: its kind, its content type and its size in bytes."""

    model_config = ConfigDict(defer_build=True)

    @property
    def upload(self) -> UploadFields:
        return self.root  # one of KIND_REQUESTS


class UploadOut(Schema):
    """A presigned POST: send ``fields`` plus the file (as ``file``) to ``url``."""

    url: str
    fields: dict[str, str]
    key: str = Field(description="Where the file will be; send it back to attach it.")
    expires_in: int = Field(description="Seconds the POST may be made.")
