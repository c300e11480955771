"""The OpenSearch domain behind ``OPENSEARCH_URL`` (the search index's engine on AWS).

Encrypted at rest and between nodes, HTTPS only (TLS 1.2 with forward secrecy), gp3
volumes, application, slow and audit logs. Fine-grained access control has a master user
of its own: the role of a custom resource (``search_access/handler.py``) that, on each
deployment, maps the API role to a read-only OpenSearch role and the indexer role to a
writer of the movie indexes. The domain's access policy admits those three roles only;
requests are SigV4-signed by opensearch-py. No function role can change the domain's
security settings.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CustomResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_opensearchservice as opensearch
from constructs import Construct

from infrastructure.components.functions import ARCHITECTURE, RUNTIME, RUNTIME_ACKNOWLEDGMENT
from infrastructure.nag import acknowledge
from infrastructure.stages import StageSettings

#: The OpenSearch roles the API (read-only) and the indexer (the movie indexes' writer)
#: are mapped to.
SEARCH_READ_ROLE = "marquee_search"
SEARCH_WRITE_ROLE = "marquee_index"
MAPPER_CODE = Path(__file__).resolve().parents[1] / "search_access"

#: What opensearch-py sends: searches and lookups (GET/HEAD/POST), and for the writer the
#: index, alias and document changes (PUT/DELETE; ``_bulk`` and ``_aliases`` are POSTs).
READ_ACTIONS = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"]
WRITE_ACTIONS = [*READ_ACTIONS, "es:ESHttpPut", "es:ESHttpDelete"]


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
        domain_name = f"marquee-{settings.stage}"
        log_groups = {
            kind: logs.LogGroup(
                self,
                f"{kind}Logs",
                log_group_name=f"/aws/opensearch/{domain_name}/{kind.lower()}",
                retention=logs.RetentionDays.ONE_MONTH,
                removal_policy=removal,
            )
            for kind in ("App", "SlowSearch", "SlowIndex", "Audit")
        }
        # The service writes the domain logs; a plain resource policy instead of the
        # custom resource (an extra Lambda) CDK would otherwise add for it.
        logs_policy = logs.CfnResourcePolicy(
            self,
            "LogsPolicy",
            policy_name=f"{domain_name}-opensearch-logs",
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
        self.admin = self._admin_role(settings, domain_name)
        self.data_nodes = 2 if settings.prod else 1
        #: Replicas per shard: one per extra data node (a single node could never hold
        #: a replica and would stay yellow).
        self.replicas = self.data_nodes - 1
        self.volume_gib = 20 if settings.prod else 10
        self.domain = opensearch.Domain(
            self,
            "Domain",
            domain_name=domain_name,
            version=opensearch.EngineVersion.OPENSEARCH_2_19,
            capacity=opensearch.CapacityConfig(
                data_nodes=self.data_nodes,
                data_node_instance_type="r6g.large.search" if settings.prod else "t3.medium.search",
                master_nodes=3 if settings.prod else None,
                master_node_instance_type="m6g.large.search" if settings.prod else None,
                multi_az_with_standby_enabled=False,
            ),
            zone_awareness=opensearch.ZoneAwarenessConfig(
                enabled=settings.prod, availability_zone_count=2 if settings.prod else None
            ),
            ebs=opensearch.EbsOptions(
                volume_size=self.volume_gib, volume_type=ec2.EbsDeviceVolumeType.GP3
            ),
            encryption_at_rest=opensearch.EncryptionAtRestOptions(enabled=True),
            node_to_node_encryption=True,
            enforce_https=True,
            tls_security_policy=opensearch.TLSSecurityPolicy.TLS_1_2_PFS,
            fine_grained_access_control=opensearch.AdvancedSecurityOptions(
                master_user_arn=self.admin.role_arn
            ),
            logging=opensearch.LoggingOptions(
                app_log_enabled=True,
                app_log_group=log_groups["App"],
                slow_search_log_enabled=True,
                slow_search_log_group=log_groups["SlowSearch"],
                slow_index_log_enabled=True,
                slow_index_log_group=log_groups["SlowIndex"],
                audit_log_enabled=True,
                audit_log_group=log_groups["Audit"],
            ),
            suppress_logs_resource_policy=True,
            removal_policy=removal,
        )
        # The domain fails to create if it may not write its logs yet.
        self.domain.node.add_dependency(logs_policy)
        self.url = f"https://{self.domain.domain_endpoint}"
        # Built from the name, not the domain's Arn attribute: the domain's own access
        # policy names it, and a reference to itself would be circular.
        index_arn = Stack.of(self).format_arn(
            service="es", resource="domain", resource_name=f"{domain_name}/*"
        )
        grants = [(role, READ_ACTIONS) for role in readers] + [(writer, WRITE_ACTIONS)]
        grants.append((self.admin, ["es:ESHttpPut"]))
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
                    f"{settings.region}:<AWS::AccountId>:domain/{domain_name}/*"
                ],
            )
        self._map_roles(settings, readers, writer, removal)
        acknowledge(
            self.domain,
            "AwsSolutions-OS1",
            "Public endpoint on purpose: only SigV4-signed requests from the API, indexer "
            "and access-mapper roles pass the access policy and fine-grained access "
            "control, and the Lambdas stay out of a VPC (no NAT, faster cold starts).",
        )
        acknowledge(
            self.domain,
            "AwsSolutions-OS3",
            "Access is restricted by IAM principal, not source IP: Lambda has no fixed addresses.",
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

    def _admin_role(self, settings: StageSettings, domain_name: str) -> iam.Role:
        """The domain's master user: the access mapper's role, and nothing else's."""
        self.mapper_name = f"{settings.prefix}search-access"
        self.mapper_logs = logs.LogGroup(
            self,
            "AccessMapperLogs",
            log_group_name=f"/aws/lambda/{self.mapper_name}",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.RETAIN if settings.prod else RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            "AdminRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Marquee {settings.stage} search security admin (access mapper)",
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.mapper_logs.log_group_arn],
            )
        )
        return role

    def _map_roles(
        self,
        settings: StageSettings,
        readers: list[iam.Role],
        writer: iam.Role,
        removal: RemovalPolicy,
    ) -> None:
        """Fine-grained access control admits only its master user until a role is
        mapped: a custom resource, running as the master user, maps the readers to a
        read-only OpenSearch role and the writer to the movie indexes' writer role."""
        mapper = lambda_.Function(
            self,
            "AccessMapper",
            function_name=self.mapper_name,
            description="Maps the API and indexer roles to their roles inside the search domain",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler="handler.handler",
            code=lambda_.Code.from_asset(
                str(MAPPER_CODE), exclude=["__pycache__", "*.pyc", "__init__.py"]
            ),
            role=self.admin,
            log_group=self.mapper_logs,
            timeout=Duration.minutes(2),
            reserved_concurrent_executions=1,
        )
        acknowledge(mapper, *RUNTIME_ACKNOWLEDGMENT)
        # The alias <prefix>movies and the versioned indexes behind it.
        pattern = f"{settings.prefix}movies*"
        CustomResource(
            self,
            "ReadAccess",
            service_token=mapper.function_arn,
            resource_type="Custom::SearchAccess",
            properties={
                "Endpoint": self.url,
                "Region": settings.region,
                "Roles": [
                    {
                        "RoleName": SEARCH_READ_ROLE,
                        "IndexPattern": pattern,
                        "Access": "read",
                        "BackendRoles": [role.role_arn for role in readers],
                    },
                    {
                        "RoleName": SEARCH_WRITE_ROLE,
                        "IndexPattern": pattern,
                        "Access": "write",
                        "BackendRoles": [writer.role_arn],
                    },
                ],
            },
        )
