"""DynamoDB tables, one per pynamodb model (shapes from ``infrastructure.tables``)."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from constructs import Construct

from infrastructure.stages import StageSettings
from infrastructure.table_access import TableAccess
from infrastructure.tables import IndexSpec, Key, TableSpec

_TYPES = {
    "S": dynamodb.AttributeType.STRING,
    "N": dynamodb.AttributeType.NUMBER,
    "B": dynamodb.AttributeType.BINARY,
}
_PROJECTIONS = {
    "ALL": dynamodb.ProjectionType.ALL,
    "KEYS_ONLY": dynamodb.ProjectionType.KEYS_ONLY,
    "INCLUDE": dynamodb.ProjectionType.INCLUDE,
}
_STREAMS = {
    "NEW_AND_OLD_IMAGES": dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    "NEW_IMAGE": dynamodb.StreamViewType.NEW_IMAGE,
    "OLD_IMAGE": dynamodb.StreamViewType.OLD_IMAGE,
    "KEYS_ONLY": dynamodb.StreamViewType.KEYS_ONLY,
}


def _attribute(key: Key) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=key.name, type=_TYPES[key.type])


def _logical_id(short_name: str) -> str:
    return "".join(part.capitalize() for part in short_name.replace("_", "-").split("-"))


def _projection(index: IndexSpec) -> dict[str, object]:
    options: dict[str, object] = {"projection_type": _PROJECTIONS[index.projection]}
    if index.non_key_attributes:
        options["non_key_attributes"] = list(index.non_key_attributes)
    return options


class Data(Construct):
    """On-demand tables with point-in-time recovery; prod ones are protected and retained."""

    def __init__(
        self, scope: Construct, id: str, *, settings: StageSettings, specs: list[TableSpec]
    ) -> None:
        super().__init__(scope, id)
        self.tables: dict[str, dynamodb.Table] = {}
        self.specs = {spec.short_name: spec for spec in specs}
        #: Tables whose changes leave through DynamoDB Streams (the search indexer's input).
        self.streamed: list[dynamodb.Table] = []
        for spec in specs:
            table = dynamodb.Table(
                self,
                _logical_id(spec.short_name),
                table_name=settings.prefix + spec.short_name,
                partition_key=_attribute(spec.partition_key),
                sort_key=_attribute(spec.sort_key) if spec.sort_key else None,
                billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
                point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                    point_in_time_recovery_enabled=True
                ),
                deletion_protection=settings.prod,
                removal_policy=RemovalPolicy.RETAIN if settings.prod else RemovalPolicy.DESTROY,
                time_to_live_attribute=spec.ttl_attribute,
                stream=_STREAMS[spec.stream_view_type] if spec.stream_view_type else None,
            )
            for index in spec.global_indexes:
                table.add_global_secondary_index(
                    index_name=index.name,
                    partition_key=_attribute(index.partition_key),
                    sort_key=_attribute(index.sort_key) if index.sort_key else None,
                    **_projection(index),  # type: ignore[arg-type]
                )
            for index in spec.local_indexes:
                assert index.sort_key is not None, f"LSI {index.name} needs a sort key"
                table.add_local_secondary_index(
                    index_name=index.name,
                    sort_key=_attribute(index.sort_key),
                    **_projection(index),  # type: ignore[arg-type]
                )
            self.tables[spec.short_name] = table
            if spec.stream_view_type:
                self.streamed.append(table)

    def grant(self, grantee: iam.IGrantable, access: Mapping[str, TableAccess]) -> None:
        """The item actions ``access`` names on its tables, and queries (scans) of the
        indexes it names: no wildcard, no table management."""
        statements: dict[tuple[str, ...], list[str]] = {}
        for name, table_access in sorted(access.items()):
            table, spec = self.tables[name], self.specs[name]
            unknown = set(table_access.indexes) - {i.name for i in spec.global_indexes}
            unknown -= {i.name for i in spec.local_indexes}
            if unknown:
                raise ValueError(f"table {name} has no index {sorted(unknown)}")
            statements.setdefault(table_access.actions, []).append(table.table_arn)
            index_actions = ("dynamodb:Query",) + (("dynamodb:Scan",) if table_access.scan else ())
            for index in table_access.indexes:
                statements.setdefault(index_actions, []).append(f"{table.table_arn}/index/{index}")
        for actions, resources in statements.items():
            grantee.grant_principal.add_to_principal_policy(
                iam.PolicyStatement(actions=list(actions), resources=resources)
            )
