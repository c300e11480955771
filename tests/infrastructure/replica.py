"""The synthesised stack recreated on the local stand-ins, to run code under its roles.

Tables are created in DynamoDB Local from the template's own table definitions; the
buckets, queues, sender identity and secrets in an IAM-enforcing moto server, under the
template's names. ``resolve`` turns the template's intrinsic values (``Ref``,
``Fn::GetAtt``, ``Fn::Join`` and the pseudo parameters) into those local names and ARNs,
so a role's policy and a function's environment are used exactly as deployed.

Resources that have no stand-in here (log groups, the search domain, the CDN) resolve to
placeholder ARNs: nothing the flows run may need them.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from secrets import token_urlsafe
from typing import Any

from local.env import LOCAL_SECRETS
from tests.infrastructure.dynamodb_gate import ACCOUNT, table_arn
from tests.infrastructure.helpers import functions, ref_id, resources, role_statements

#: The Stripe keys an operator puts into the secret the stack deploys empty.
STRIPE_KEYS: dict[str, str] = LOCAL_SECRETS["stripe_secret_id"][1]


@dataclass
class Replica:
    template: dict[str, Any]
    region: str
    values: dict[tuple[str, str], str] = field(default_factory=dict)

    # --- creating the resources -------------------------------------------------------

    def create(self, dynamodb: Any, s3: Any, sqs: Any, ses: Any, secrets: Any) -> None:
        """Create every replicated resource (clients with administrator rights)."""
        for logical_id, props in self._props("AWS::DynamoDB::Table").items():
            self._table(logical_id, props, dynamodb)
        for logical_id in self._props("AWS::S3::Bucket"):
            name = f"replica-{logical_id.lower()}"[:63]
            s3.create_bucket(
                Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.region}
            )
            self.values |= {(logical_id, "Ref"): name, (logical_id, "Arn"): f"arn:aws:s3:::{name}"}
        for logical_id, props in self._props("AWS::SQS::Queue").items():
            name = props.get("QueueName", logical_id)
            url = sqs.create_queue(QueueName=name)["QueueUrl"]
            arn = f"arn:aws:sqs:{self.region}:{ACCOUNT}:{name}"
            self.values |= {
                (logical_id, "Ref"): url,
                (logical_id, "QueueUrl"): url,
                (logical_id, "QueueName"): name,
                (logical_id, "Arn"): arn,
            }
        for props in self._props("AWS::SES::EmailIdentity").values():
            ses.verify_email_identity(EmailAddress=props["EmailIdentity"])
        for logical_id, props in self._props("AWS::SecretsManager::Secret").items():
            generator = props.get("GenerateSecretString")
            if generator:  # a key ring: the template's shape with a generated key in it
                value = json.loads(generator["SecretStringTemplate"])
                value[generator["GenerateStringKey"]] = token_urlsafe(48)
            else:  # deployed empty: filled in as an operator would (with localstripe's keys)
                value = {field: STRIPE_KEYS[field] for field in json.loads(props["SecretString"])}
            arn = secrets.create_secret(Name=props["Name"], SecretString=json.dumps(value))
            self.values[(logical_id, "Ref")] = arn["ARN"]

    def _table(self, logical_id: str, props: dict[str, Any], dynamodb: Any) -> None:
        name = props["TableName"]
        request: dict[str, Any] = {
            "TableName": name,
            "KeySchema": props["KeySchema"],
            "AttributeDefinitions": props["AttributeDefinitions"],
            "BillingMode": "PAY_PER_REQUEST",
        }
        for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            if props.get(key):
                request[key] = [
                    {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
                    for index in props[key]
                ]
        if props.get("StreamSpecification"):
            view = props["StreamSpecification"]["StreamViewType"]
            request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view}
        # (already there when an earlier test module of this session replicated it)
        with contextlib.suppress(dynamodb.exceptions.ResourceInUseException):
            dynamodb.create_table(**request)
        table = dynamodb.describe_table(TableName=name)["Table"]
        self.values |= {
            (logical_id, "Ref"): name,
            (logical_id, "Arn"): table_arn(self.region, name),
        }
        if table.get("LatestStreamArn"):
            self.values[(logical_id, "StreamArn")] = table["LatestStreamArn"]

    def _props(self, type_: str) -> dict[str, dict[str, Any]]:
        return {k: r.get("Properties", {}) for k, r in resources(self.template, type_).items()}

    # --- reading the template through the replica --------------------------------------

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "Ref" in value:
            return self._pseudo(value["Ref"]) or self._value(value["Ref"], "Ref")
        if "Fn::GetAtt" in value:
            logical_id, attribute = value["Fn::GetAtt"]
            return self._value(logical_id, attribute)
        if "Fn::Join" in value:
            separator, parts = value["Fn::Join"]
            return separator.join(str(self.resolve(p)) for p in parts)
        return {k: self.resolve(v) for k, v in value.items()}

    def _pseudo(self, name: str) -> str | None:
        return {
            "AWS::Partition": "aws",
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT,
            "AWS::URLSuffix": "amazonaws.com",
        }.get(name)

    def _value(self, logical_id: str, attribute: str) -> str:
        found = self.values.get((logical_id, attribute))
        if found is not None:
            return found
        return f"arn:aws:unreplicated:{self.region}:{ACCOUNT}:{logical_id}/{attribute}"

    def functions(self) -> dict[str, dict[str, Any]]:
        """Every Lambda of the project by its deployed name."""
        return functions(self.template)

    def policy(self, function_name: str) -> dict[str, Any]:
        """The identity policy of the function's role, resolved to the replica."""
        role_id = ref_id(self.functions()[function_name]["Role"])
        assert role_id is not None
        statements = [self.resolve(s) for s in role_statements(self.template, role_id)]
        return {"Version": "2012-10-17", "Statement": statements}

    def environment(self, function_name: str) -> dict[str, str]:
        variables = self.functions()[function_name].get("Environment", {}).get("Variables", {})
        return {k: str(self.resolve(v)) for k, v in variables.items()}
