"""(d) What ``make synth`` stages for Lambda: each function's code, the API's package and
the shared dependency layer, zipped as they are uploaded, and the layer's largest
packages. Lambda's limits: 250 MB unzipped per function with its layers."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CDK_OUT = ROOT / "infrastructure" / "cdk.out"
STAGE = "dev"
#: logical ids of what the CDK adds to deploy the web client (not the project's Lambdas)
SITE_DEPLOY = ("SiteDeploy", "CustomCDKBucketDeployment")


@dataclass
class Asset:
    name: str
    directory: Path | None  # None: already a zip
    zip_path: Path | None = None

    def unzipped_bytes(self) -> int:
        if self.directory is not None:
            return sum(f.stat().st_size for f in self.directory.rglob("*") if f.is_file())
        assert self.zip_path is not None
        with zipfile.ZipFile(self.zip_path) as archive:
            return sum(i.file_size for i in archive.infolist())

    def zipped_bytes(self) -> int:
        if self.directory is None:
            assert self.zip_path is not None
            return self.zip_path.stat().st_size
        return len(zip_directory(self.directory))


def zip_directory(directory: Path) -> bytes:
    """Deflated like the CDK's asset bundling does it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(directory))
    return buffer.getvalue()


def synthesise() -> None:
    subprocess.run(
        ["make", "--no-print-directory", "synth", f"STAGE={STAGE}"], cwd=ROOT, check=True
    )


def assets() -> dict[str, Asset]:
    """The layer and each function's code, found through the synthesised template."""
    template: dict[str, Any] = json.loads((CDK_OUT / f"marquee-{STAGE}.template.json").read_text())
    resources = template["Resources"].items()
    found: dict[str, Asset] = {}
    for logical_id, resource in resources:
        props = resource.get("Properties", {})
        if logical_id.startswith(SITE_DEPLOY):
            continue  # the CDK's own AWS CLI layer and copy handler for the web client
        if resource["Type"] == "AWS::Lambda::LayerVersion":
            key = props["Content"]["S3Key"].removesuffix(".zip")
            found["layer"] = Asset("dependency layer", CDK_OUT / f"asset.{key}")
        elif resource["Type"] in ("AWS::Lambda::Function", "AWS::Serverless::Function"):
            function_name = str(props.get("FunctionName", ""))
            if not function_name.startswith(f"marquee-{STAGE}-"):
                continue  # the CDK's own helper functions
            name = function_name.removeprefix(f"marquee-{STAGE}-")
            if "Code" in props:
                key = props["Code"]["S3Key"].removesuffix(".zip")
                found[name] = Asset(f"{name} code", CDK_OUT / f"asset.{key}")
            elif "CodeUri" in props:
                found[name] = Asset(
                    f"{name} code", None, CDK_OUT / f"asset.{props['CodeUri']['Key']}"
                )
    return found


def largest_packages(layer: Path, top: int = 8) -> list[tuple[str, int]]:
    site = layer / "python"
    sizes: dict[str, int] = {}
    for path in site.rglob("*"):
        if path.is_file():
            top_name = path.relative_to(site).parts[0]
            top_name = top_name.split("-")[0] if top_name.endswith(".dist-info") else top_name
            sizes[top_name] = sizes.get(top_name, 0) + path.stat().st_size
    return sorted(sizes.items(), key=lambda kv: -kv[1])[:top]
