"""moto server that authorises the calls Marquee makes the way AWS does.

moto checks each request against the caller's IAM policies once enforcement is on
(``INITIAL_NO_AUTH_ACTION_COUNT``, or ``POST /moto-api/reset-auth`` at run time), but a few
requests it checks differently from AWS, so a missing permission would go unnoticed (or a
granted one be refused):

- a browser's presigned POST upload, or presigned URL, carries no ``Authorization`` header
  (moto answers 500). S3 checks the signature and authorises the signer: for a POST,
  ``s3:PutObject``, plus ``s3:PutObjectTagging`` when the form sets a ``tagging`` field
  (whose tags it stores, which moto ignores); for a URL, the request's action. A form or URL
  signed with Signature Version 2 is refused, as buckets created since June 2020 refuse it;
- ``DeleteObjectTagging`` is checked as ``s3:DeleteObject``;
- Secrets Manager and SES requests, and SQS ``GetQueueUrl``, are checked against ``*``
  rather than the secret's, the sending identity's or the queue's ARN, so a policy scoped
  to the resource (as ours are) is refused;
- SQS's batch calls are checked as ``sqs:SendMessageBatch`` and the like, actions IAM does
  not have: AWS authorises a batch as its single action (``sqs:SendMessage``...).

This launcher teaches the stand-in those rules, then runs ``moto.server``. Nothing here
touches the code under test: it talks to this server over HTTP like it talks to AWS.

Run as ``python -m tests.infrastructure.iam_moto -H 127.0.0.1 -p PORT``.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import xmltodict
from moto import server, settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.iam.access_control import (
    CreateAccessKeyFailure,
    IAMPolicy,
    PermissionResult,
    create_access_key,
)
from moto.s3.exceptions import (
    S3AccessDeniedError,
    S3ClientError,
    S3InvalidAccessKeyIdError,
    S3SignatureDoesNotMatchError,
)
from moto.s3.responses import ACTION_MAP, S3Response
from moto.secretsmanager.responses import SecretsManagerResponse
from moto.ses.responses import EmailResponse
from moto.sqs.exceptions import QueueDoesNotExist
from moto.sqs.responses import SQSResponse


def enforcing() -> bool:
    return ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


_SIGV2 = S3ClientError(
    "InvalidRequest",
    "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
)


class Signer:
    """The IAM user behind a SigV4 credential (``AKID/date/region/service/aws4_request``)."""

    def __init__(self, account: str, credential: str) -> None:
        access_key_id, *self.scope = credential.split("/")
        try:
            self.key = create_access_key(account, "aws", access_key_id, {})
        except CreateAccessKeyFailure:
            raise S3InvalidAccessKeyIdError() from None

    def check_signature(self, string_to_sign: str, signature: str) -> None:
        key = f"AWS4{self.key.create_credentials().secret_key}".encode()
        for part in self.scope:
            key = _hmac(key, part)
        expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            raise S3SignatureDoesNotMatchError()

    def check_allowed(self, actions: list[str], resource: str) -> None:
        policies = self.key.collect_policies()
        for action in actions:
            results = {IAMPolicy(p).is_action_permitted(action, resource) for p in policies}
            if PermissionResult.DENIED in results or PermissionResult.PERMITTED not in results:
                raise S3AccessDeniedError()


def authorize_post_form(account: str, bucket: str, fields: dict[str, str]) -> None:
    """What S3 checks for a POST upload: the policy's signature (SigV4 with the secret of
    the access key in ``x-amz-credential``), then the signer's permissions on the key."""
    if "x-amz-credential" not in fields:
        raise _SIGV2
    signer = Signer(account, fields["x-amz-credential"])
    signer.check_signature(fields["policy"], fields.get("x-amz-signature", ""))
    actions = ["s3:PutObject"] + (["s3:PutObjectTagging"] if "tagging" in fields else [])
    signer.check_allowed(actions, f"arn:aws:s3:::{bucket}/{fields['key']}")


def authorize_presigned_url(response: S3Response, resource: str) -> None:
    """What S3 checks for a presigned URL: the SigV4 query signature, then the signer's
    permission for the request's action."""
    url = urlparse(response.uri)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}  # as sent (moto adds keys)
    if "X-Amz-Credential" not in query:
        raise _SIGV2
    signer = Signer(response.current_account, query["X-Amz-Credential"])
    signed_headers = query["X-Amz-SignedHeaders"].split(";")

    def encode(value: str) -> str:
        return quote(value, safe="-_.~")

    canonical = "\n".join(
        [
            response.method,
            quote(url.path, safe="/-_.~"),
            "&".join(
                f"{encode(k)}={encode(v)}"
                for k, v in sorted(query.items())
                if k != "X-Amz-Signature"
            ),
            *(f"{h}:{response.headers[h].strip()}" for h in signed_headers),
            "",
            ";".join(signed_headers),
            "UNSIGNED-PAYLOAD",
        ]
    )
    string_to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            query["X-Amz-Date"],
            "/".join(signer.scope),
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    signer.check_signature(string_to_sign, query.get("X-Amz-Signature", ""))
    signed_at = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    if datetime.now(UTC) > signed_at + timedelta(seconds=int(query["X-Amz-Expires"])):
        raise S3AccessDeniedError()
    signer.check_allowed([f"s3:{response.data['Action']}"], resource)


def tags_of(tagging_xml: str) -> dict[str, str]:
    tags = xmltodict.parse(tagging_xml, force_list={"Tag": True})["Tagging"]["TagSet"] or {}
    return {t["Key"]: t["Value"] or "" for t in tags.get("Tag", [])}


_post_object = S3Response._bucket_response_post
_authorize_s3_action = S3Response._authenticate_and_authorize_s3_action


def _bucket_response_post(self: S3Response, request: Any, bucket_name: str) -> Any:
    fields = {k.lower(): v[0] for k, v in self.querystring.items() if v}  # form names: any case
    is_form_upload = "policy" in fields and "Authorization" not in self.headers
    if is_form_upload and enforcing():
        authorize_post_form(self.current_account, bucket_name, fields)
        # Authorised above as the form's signer; moto's own check needs a header it lacks.
        self._authenticate_and_authorize_s3_action = lambda **_: None  # type: ignore[method-assign]
    response = _post_object(self, request, bucket_name)
    if is_form_upload and "tagging" in fields:
        stored = self.backend.get_object(bucket_name, fields["key"])
        if stored is not None:
            self.backend.put_object_tagging(stored, tags_of(fields["tagging"]))
    return response


def _authenticate_and_authorize_s3_action(
    self: S3Response, bucket_name: str | None = None, key_name: str | None = None
) -> None:
    presigned = "Authorization" not in self.headers and (
        "X-Amz-Credential" in self.querystring or "Signature" in self.querystring
    )
    if presigned and enforcing():
        resource = f"{bucket_name or '*'}/{key_name}" if key_name else (bucket_name or "*")
        authorize_presigned_url(self, f"arn:aws:s3:::{resource}")
        return
    _authorize_s3_action(self, bucket_name=bucket_name, key_name=key_name)


def _secret_arn(self: SecretsManagerResponse) -> str:
    secret_id = self._get_param("SecretId")
    secret = self.backend.secrets.get(secret_id) if secret_id else None
    return secret.arn if secret is not None else "*"


def _sending_identity_arn(self: EmailResponse) -> str:
    source = self._get_param("Source")
    if self._get_action() not in {"SendEmail", "SendRawEmail"} or not source:
        return "*"
    return f"arn:aws:ses:{self.region}:{self.current_account}:identity/{parseaddr(source)[1]}"


_queue_resource = SQSResponse._determine_resource


def _queue_arn(self: SQSResponse) -> str:
    name = self._get_param("QueueName")
    if self._get_action() != "GetQueueUrl" or not name:
        return _queue_resource(self)
    try:
        return self.sqs_backend.get_queue(name).queue_arn
    except QueueDoesNotExist:
        return "*"


#: SQS batch call -> the action AWS authorises it as
SQS_BATCHES = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}
_authorize_sqs = SQSResponse._authenticate_and_authorize_action


def _authorize_sqs_batch_as_single(
    self: SQSResponse, iam_request_cls: type, resource: str = "*"
) -> None:
    single = SQS_BATCHES.get(self._get_action())
    if single is None:
        _authorize_sqs(self, iam_request_cls, resource)
        return
    self._get_action = lambda: single  # type: ignore[method-assign]  # this request's check
    try:
        _authorize_sqs(self, iam_request_cls, resource)
    finally:
        del self._get_action


def install() -> None:
    ACTION_MAP["KEY"]["DELETE"]["tagging"] = "DeleteObjectTagging"
    S3Response._authenticate_and_authorize_s3_action = _authenticate_and_authorize_s3_action  # type: ignore[method-assign]
    S3Response._bucket_response_post = _bucket_response_post  # type: ignore[method-assign]
    SecretsManagerResponse._determine_resource = _secret_arn  # type: ignore[attr-defined]
    EmailResponse._determine_resource = _sending_identity_arn  # type: ignore[attr-defined]
    SQSResponse._determine_resource = _queue_arn  # type: ignore[method-assign]
    SQSResponse._authenticate_and_authorize_action = _authorize_sqs_batch_as_single  # type: ignore[method-assign]


if __name__ == "__main__":
    install()
    server.main()
