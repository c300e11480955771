"""The OpenSearch launcher (local/opensearch) refuses to start a node that lacks a module."""

import os
import subprocess
from pathlib import Path

from local import services


def test_a_missing_plugin_class_stops_the_launcher_with_a_message(tmp_path: Path) -> None:
    node = services.opensearch_node(services.free_port(), tmp_path / "node")
    command = list(node.command)
    without_painless = [
        str(jar)
        for jar in sorted((services.OPENSEARCH_LAUNCHER / "lib").glob("*.jar"))
        if not jar.name.startswith("lang-painless-")
    ]
    command[command.index("-cp") + 1] = os.pathsep.join(
        [str(services.OPENSEARCH_LAUNCHER / "classes"), *without_painless]
    )
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert finished.returncode == 2
    assert "org.opensearch.painless.PainlessPlugin is not on the classpath" in finished.stderr
    assert not (tmp_path / "node").exists()  # it stopped before writing anything
