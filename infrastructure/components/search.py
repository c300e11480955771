"""The OpenSearch domain behind ``OPENSEARCH_URL`` (the search index's engine on AWS).

Encrypted at rest and between nodes, HTTPS only, fine-grained access control with the
indexer's IAM role as master user (it creates and rewrites the index). The domain's access
policy admits the API and indexer roles only; requests are SigV4-signed by opensearch-py.
Inside the domain, a custom resource maps the API role to a read-only OpenSearch role.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CustomResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_opensearchservice as opensearch
from constructs import Construct

from infrastructure.components.functions import ARCHITECTURE, RUNTIME, RUNTIME_ACKNOWLEDGMENT
from infrastructure.nag import acknowledge
from infrastructure.stages import StageSettings

#: The OpenSearch role the API is mapped to (read-only, on the movie indexes).
SEARCH_READ_ROLE = "marquee_search"
MAPPER_CODE = Path(__file__).resolve().parents[1] / "search_access"

READ_ACTIONS = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"]
WRITE_ACTIONS = [*READ_ACTIONS, "es:ESHttpPut", "es:ESHttpDelete", "es:ESHttpPatch"]


class Search(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: StageSettings,
        readers: list[iam.Role],
        writer: iam.Role,
    ) -> None:
        super().__init__(scope, id)
        removal = RemovalPolicy.RETAIN if settings.prod else RemovalPolicy.DESTROY
        log_groups = {
            kind: logs.LogGroup(
                self,
                f"{kind}Logs",
                log_group_name=f"/aws/opensearch/marquee-{settings.stage}/{kind.lower()}",
                retention=logs.RetentionDays.ONE_MONTH,
                removal_policy=removal,
            )
            for kind in ("App", "SlowSearch", "SlowIndex")
        }
        self.domain = opensearch.Domain(
            self,
            "Domain",
            domain_name=f"marquee-{settings.stage}",
            version=opensearch.EngineVersion.OPENSEARCH_2_19,
            capacity=opensearch.CapacityConfig(
                data_nodes=2 if settings.prod else 1,
                data_node_instance_type="r6g.large.search" if settings.prod else "t3.medium.search",
                master_nodes=3 if settings.prod else None,
                master_node_instance_type="m6g.large.search" if settings.prod else None,
                multi_az_with_standby_enabled=False,
            ),
            zone_awareness=opensearch.ZoneAwarenessConfig(
                enabled=settings.prod, availability_zone_count=2 if settings.prod else None
            ),
            ebs=opensearch.EbsOptions(volume_size=20 if settings.prod else 10),
            encryption_at_rest=opensearch.EncryptionAtRestOptions(enabled=True),
            node_to_node_encryption=True,
            enforce_https=True,
            tls_security_policy=opensearch.TLSSecurityPolicy.TLS_1_2,
            fine_grained_access_control=opensearch.AdvancedSecurityOptions(
                master_user_arn=writer.role_arn
            ),
            logging=opensearch.LoggingOptions(
                app_log_enabled=True,
                app_log_group=log_groups["App"],
                slow_search_log_enabled=True,
                slow_search_log_group=log_groups["SlowSearch"],
                slow_index_log_enabled=True,
                slow_index_log_group=log_groups["SlowIndex"],
            ),
            suppress_logs_resource_policy=True,
            removal_policy=removal,
        )
        # The service writes the domain logs; a plain resource policy instead of the
        # custom resource (an extra Lambda) CDK would otherwise add for it.
        logs.CfnResourcePolicy(
            self,
            "LogsPolicy",
            policy_name=f"marquee-{settings.stage}-opensearch-logs",
            policy_document=Stack.of(self).to_json_string(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "es.amazonaws.com"},
                            "Action": ["logs:PutLogEvents", "logs:CreateLogStream"],
                            "Resource": [g.log_group_arn for g in log_groups.values()],
                        }
                    ],
                }
            ),
        )
        self.url = f"https://{self.domain.domain_endpoint}"
        # Built from the name, not the domain's Arn attribute: the domain's own access
        # policy names it, and a reference to itself would be circular.
        index_arn = Stack.of(self).format_arn(
            service="es", resource="domain", resource_name=f"marquee-{settings.stage}/*"
        )
        grants = [(role, READ_ACTIONS) for role in readers] + [(writer, WRITE_ACTIONS)]
        cfn_domain = self.domain.node.default_child
        assert isinstance(cfn_domain, opensearch.CfnDomain)
        cfn_domain.access_policies = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": role.role_arn},
                    "Action": actions,
                    "Resource": index_arn,
                }
                for role, actions in grants
            ],
        }
        for role, actions in grants:
            role.add_to_policy(iam.PolicyStatement(actions=actions, resources=[index_arn]))
            acknowledge(
                role,
                "AwsSolutions-IAM5",
                "OpenSearch permissions are granted on the domain's paths (its indexes); "
                "fine-grained access control decides per index inside the domain.",
                findings=[
                    "Resource::arn:<AWS::Partition>:es:"
                    f"{settings.region}:<AWS::AccountId>:domain/marquee-{settings.stage}/*"
                ],
            )
        self._map_readers(settings, readers, writer, removal)
        acknowledge(
            self.domain,
            "AwsSolutions-OS1",
            "Public endpoint on purpose: only SigV4-signed requests from the API and indexer "
            "roles pass the access policy and fine-grained access control, and the Lambdas "
            "stay out of a VPC (no NAT, faster cold starts).",
        )
        acknowledge(
            self.domain,
            "AwsSolutions-OS3",
            "Access is restricted by IAM principal, not source IP: Lambda has no fixed addresses.",
        )
        acknowledge(
            self.domain,
            "AwsSolutions-OS5",
            "Not anonymous: the access policy allows the API and indexer roles only "
            "(cdk-nag cannot see the policy set on the L1 resource).",
        )
        if not settings.prod:
            acknowledge(
                self.domain,
                "AwsSolutions-OS4",
                "dev runs one small data node; dedicated masters are configured for prod.",
            )
            acknowledge(
                self.domain,
                "AwsSolutions-OS7",
                "dev runs one data node in one zone; prod is zone aware.",
            )

    def _map_readers(
        self,
        settings: StageSettings,
        readers: list[iam.Role],
        writer: iam.Role,
        removal: RemovalPolicy,
    ) -> None:
        """Fine-grained access control admits only its master user (the writer) until a
        role is mapped: a custom resource, running as the writer, maps the readers to a
        read-only OpenSearch role on the movie indexes (``search_access/handler.py``)."""
        name = f"{settings.prefix}search-access"
        log_group = logs.LogGroup(
            self,
            "AccessMapperLogs",
            log_group_name=f"/aws/lambda/{name}",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=removal,
        )
        writer.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        )
        mapper = lambda_.Function(
            self,
            "AccessMapper",
            function_name=name,
            description="Maps the API role to a read-only role inside the search domain",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler="handler.handler",
            code=lambda_.Code.from_asset(
                str(MAPPER_CODE), exclude=["__pycache__", "*.pyc", "__init__.py"]
            ),
            role=writer,
            log_group=log_group,
            timeout=Duration.minutes(2),
        )
        acknowledge(mapper, *RUNTIME_ACKNOWLEDGMENT)
        CustomResource(
            self,
            "ReadAccess",
            service_token=mapper.function_arn,
            resource_type="Custom::SearchAccess",
            properties={
                "Endpoint": self.url,
                "Region": settings.region,
                "RoleName": SEARCH_READ_ROLE,
                # The alias <prefix>movies and the versioned indexes behind it.
                "IndexPattern": f"{settings.prefix}movies*",
                "BackendRoles": [role.role_arn for role in readers],
            },
        )
