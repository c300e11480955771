"""The pure parts of the build: stage settings from context, the packaging environment,
and what goes into the dependency layer."""

from __future__ import annotations

import zipfile
from typing import Any

import pytest

from infrastructure import bundles
from infrastructure.build import prepare_environment
from infrastructure.stages import stage_settings
from tests.infrastructure.conftest import cli_context


def lookup(context: dict[str, Any]) -> Any:
    return context.get


def test_a_stage_reads_its_block_of_cdk_json_and_the_command_line_wins() -> None:
    prod = stage_settings(lookup(cli_context("prod")))
    assert (prod.stage, prod.prefix, prod.prod) == ("prod", "marquee-prod-", True)
    assert prod.frontend_origin == "https://marquee.example.com"

    overridden = stage_settings(lookup({**cli_context("dev"), "apiRateLimit": "7"}))
    assert overridden.api_rate_limit == 7
    assert not overridden.prod


def test_an_unknown_stage_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown stage 'staging'"):
        stage_settings(lookup({"stage": "staging"}))


def test_packaging_uses_the_stage_environment_and_drops_local_settings() -> None:
    settings = stage_settings(lookup(cli_context("dev")))
    environ = {
        "TABLE_PREFIX": "test-",
        "JWT_KEYS_SECRET_ID": "test-jwt-keys",
        "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:8001",
        "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:8002",
        "PATH": "/bin",
    }

    prepare_environment(settings, environ)

    assert environ["TABLE_PREFIX"] == "marquee-dev-"
    assert environ["AWS_REGION"] == settings.region
    assert environ["CORS_ALLOWED_ORIGINS"] == settings.frontend_origin
    assert not {
        "JWT_KEYS_SECRET_ID",
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_ENDPOINT_URL_SECRETS_MANAGER",
    } & set(environ)
    assert environ["PATH"] == "/bin"


def test_the_layer_holds_the_runtime_requirements_not_what_lambda_provides() -> None:
    closure = bundles.dependency_closure(bundles.runtime_requirements())
    assert {"pynamodb", "pydantic", "pydantic-core", "aws-lambda-powertools", "stripe"} <= set(
        closure
    )
    assert "aws-xray-sdk" in closure  # Powertools' Tracer needs it once tracing is on
    assert not set(closure) & bundles.NOT_BUNDLED
    assert not {"pytest", "moto", "aws-cdk-lib", "cfn-lint"} & set(closure)
    # the Lambda runtime's own, which a copy in the layer would shadow
    assert not {"urllib3", "python-dateutil", "jmespath", "six"} & set(closure)
    # declared by opensearch-py, imported by nothing we run (7 MB zipped)
    assert not {"opensearch-protobufs", "grpcio", "protobuf"} & set(closure)


def test_a_zip_gets_the_bytecode_of_its_modules_and_fixed_timestamps(tmp_path: Any) -> None:
    package = tmp_path / "deployment.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("app.py", "VALUE = 1\n")
        archive.writestr("lib/mod.py", "def f():\n    return 2\n")
        archive.writestr("lib/data.json", "{}")

    bundles.compile_zip(package)
    first = package.read_bytes()
    bundles.compile_zip(package)

    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        assert {"__pycache__/app.cpython-311.pyc", "lib/__pycache__/mod.cpython-311.pyc"} <= names
        assert {"app.py", "lib/mod.py", "lib/data.json"} <= names
        flags = int.from_bytes(archive.read("lib/__pycache__/mod.cpython-311.pyc")[4:8], "little")
        assert flags == 0b01  # hash-based, unchecked: the source's timestamp is never compared
    assert package.read_bytes() == first  # same code, same zip, same asset hash
