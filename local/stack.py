"""The whole local stack under one supervisor: stand-ins, resources, demo data, the API
and the function pumps. ``make dev`` runs it (``python -m local``); the end-to-end tests
start the same object.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local import services
from local.env import Ports, local_environment


@dataclass
class LocalStack:
    ports: Ports
    state_dir: Path
    persistent: bool = True
    prefix: str = "marquee-local-"
    sweep_every_seconds: float = 60.0
    started: list[Any] = field(default_factory=list)
    pumps: list[Any] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.api}"

    def environment(self) -> dict[str, str]:
        return local_environment(self.ports, self.state_dir, self.prefix)

    def apply_environment(self) -> None:
        """Point the application at the stand-ins (before any model is imported)."""
        os.environ.update(self.environment())
        from chalicelib.core.aws import reset_clients
        from chalicelib.core.config import reset_settings
        from chalicelib.core.secrets import reset_secrets

        reset_settings()
        reset_clients()
        reset_secrets()

    @property
    def opensearch_home(self) -> Path:
        return self.state_dir / "opensearch"

    def start_services(self) -> None:
        """Launch every stand-in, then wait for each: the start-ups overlap (OpenSearch's
        is the longest)."""
        logs = self.state_dir / "logs"
        data = self.state_dir / "dynamodb" if self.persistent else None
        if not self.persistent:
            shutil.rmtree(self.opensearch_home, ignore_errors=True)
        launched = []
        for service in (
            services.opensearch_node(
                self.ports.opensearch, self.opensearch_home, logs / "opensearch.log"
            ),
            services.dynamodb_local(self.ports.dynamodb, data, logs / "dynamodb.log"),
            services.moto_server(self.ports.moto, logs / "moto.log"),
            services.localstripe(
                self.ports.stripe, logs / "localstripe.log", from_scratch=not self.persistent
            ),
        ):
            launched.append(service.launch())
            self.started.append(service)
        for service in launched:
            service.wait_ready()

    def bootstrap(self) -> list[str]:
        from local.bootstrap import bootstrap

        return bootstrap()

    def seed(self) -> list[str]:
        from local.seed import seed_demo_data

        return seed_demo_data()

    def start_api(self) -> None:
        from app import app
        from local.bootstrap import register_stripe_webhook
        from local.server import ApiServer

        server = ApiServer(app, "127.0.0.1", self.ports.api)
        server.start()
        services.wait_for_port(self.ports.api, 10, None)
        self.started.append(server)
        register_stripe_webhook(self.api_url)

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.web}"

    def start_web(self) -> None:
        """The built web client (``web/dist``), pointed at this API and localstripe."""
        from local.web import WebServer, client_config

        config = client_config(self.api_url, self.environment()["STRIPE_API_BASE"])
        server = WebServer(self.ports.web, config)
        server.start()
        self.started.append(server)

    def stop_web(self) -> None:
        from local.web import WebServer

        for item in [i for i in self.started if isinstance(i, WebServer)]:
            item.stop()
            self.started.remove(item)

    def start_pumps(self) -> None:
        from chalicelib.core.config import get_settings
        from chalicelib.core.dynamo import all_models
        from functions import boxoffice, indexer, mailer, reconciler, sweeper
        from local.pumps import Scheduler, SqsPump, StreamPump

        self.pumps.append(SqsPump(get_settings().email_queue_name, mailer.handler))
        self.pumps.append(SqsPump(get_settings().boxoffice_queue_name, boxoffice.handler))
        for model in all_models():
            if getattr(model.Meta, "stream_view_type", None):
                self.pumps.append(StreamPump(model.Meta.table_name, indexer.handler))
        self.pumps.append(Scheduler("sweeper", sweeper.handler, self.sweep_every_seconds))
        self.pumps.append(Scheduler("reconciler", reconciler.handler, self.sweep_every_seconds))
        for pump in self.pumps:
            pump.start()

    def stop_pumps(self) -> None:
        for pump in reversed(self.pumps):
            pump.stop()
        self.pumps.clear()

    def stop_api(self) -> None:
        from local.server import ApiServer

        for item in [i for i in self.started if isinstance(i, ApiServer)]:
            item.stop()
            self.started.remove(item)

    def stop(self) -> None:
        self.stop_pumps()
        for item in reversed(self.started):
            item.stop()
        self.started.clear()
        if not self.persistent:  # a throwaway stack leaves no index files behind
            shutil.rmtree(self.opensearch_home, ignore_errors=True)
