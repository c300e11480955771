"""``python -m local``: run the whole stack until Ctrl-C (what ``make dev`` does)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from local.env import Ports
from local.services import ROOT, ServiceError
from local.stack import LocalStack


def main() -> int:
    defaults = Ports()
    parser = argparse.ArgumentParser(description="Run Marquee's local stack")
    parser.add_argument("--api-port", type=int, default=defaults.api)
    parser.add_argument("--dynamodb-port", type=int, default=defaults.dynamodb)
    parser.add_argument("--moto-port", type=int, default=defaults.moto)
    parser.add_argument("--stripe-port", type=int, default=defaults.stripe)
    parser.add_argument("--web-port", type=int, default=defaults.web)
    parser.add_argument("--opensearch-port", type=int, default=defaults.opensearch)
    parser.add_argument("--state-dir", type=Path, default=ROOT / ".local")
    args = parser.parse_args()

    ports = Ports(
        args.api_port,
        args.dynamodb_port,
        args.moto_port,
        args.stripe_port,
        args.web_port,
        args.opensearch_port,
    )
    stack = LocalStack(ports=ports, state_dir=args.state_dir.resolve())
    stack.apply_environment()
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        print("Starting OpenSearch, DynamoDB Local, moto server and localstripe ...", flush=True)
        stack.start_services()
        created = stack.bootstrap()
        print(f"Resources ready ({len(created)} tables created).", flush=True)
        for line in stack.seed():
            print(f"  seed {line}", flush=True)
        stack.start_api()
        stack.start_pumps()
        stack.start_web()
    except (ServiceError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        stack.stop()
        return 1
    except BaseException:
        stack.stop()
        raise
    env = stack.environment()
    print(
        "\nMarquee is running:\n"
        f"  web client   {stack.web_url}\n"
        f"  API          {stack.api_url}\n"
        f"  health       {stack.api_url}/health\n"
        f"  docs         {stack.api_url}/docs  (OpenAPI: {stack.api_url}/openapi.json)\n"
        f"  DynamoDB     {env['AWS_ENDPOINT_URL_DYNAMODB']}  (data in {stack.state_dir}/dynamodb)\n"
        f"  S3/SQS/SES   {env['AWS_ENDPOINT_URL_S3']}  (moto server)\n"
        f"  Stripe       {env['STRIPE_API_BASE']}  (localstripe)\n"
        f"  OpenSearch   {env['OPENSEARCH_URL']}  (data in {stack.opensearch_home})\n"
        f"  e-mail       {env['OUTBOX_DIR']}  (every sent message as .eml)\n"
        f"  logs         {stack.state_dir}/logs\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )
    stop.wait()
    print("\nStopping ...", flush=True)
    stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
