"""``python -m bench`` (``make bench``): every part, one run, one table per part."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import calls_cost, coldstart, holds, seatmap, sizes
from bench.report import ratio, table

PARTS = ("holds", "calls", "seatmap", "coldstart", "sizes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--parts", default=",".join(PARTS), help="comma-separated subset")
    parser.add_argument("--rounds", type=int, default=3, help="hold runs per contestant")
    parser.add_argument("--samples", type=int, default=200, help="seat-map requests per side")
    parser.add_argument("--imports", type=int, default=15, help="cold starts per module")
    args = parser.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    started = time.monotonic()
    out: list[str] = []
    if {"holds", "calls", "seatmap"} & set(parts):
        from bench.env import local_dynamodb

        with local_dynamodb() as dynamodb_pid:
            if "holds" in parts:
                out.append(hold_table(args.rounds, dynamodb_pid))
                print(out[-1], flush=True)
            if "calls" in parts:
                out.append(call_cost_table(dynamodb_pid))
                print(out[-1], flush=True)
            if "seatmap" in parts:
                out.append(seat_map_table(args.samples))
                print(out[-1], flush=True)
    if "coldstart" in parts or "sizes" in parts:
        sizes.synthesise()
        found = sizes.assets()
        if "sizes" in parts:
            out.append(size_table(found))
            print(out[-1], flush=True)
        if "coldstart" in parts:
            out.append(cold_start_table(args.imports, found))
            print(out[-1], flush=True)
    print(f"bench done in {time.monotonic() - started:.0f}s: {' '.join(sys.argv)}")
    return 0


def hold_table(rounds: int, dynamodb_pid: int) -> str:
    from bench.calls import CallCounter

    runs = holds.measure(rounds, CallCounter(), dynamodb_pid)
    rows = []
    for seats in holds.HALLS:
        mine = [r for r in runs if r.seats == seats]
        peer, fair = (
            statistics.median(r.per_second for r in mine if r.contestant == name)
            for name in ("read-then-write", "read-then-write + order")
        )
        for name in holds.CONTESTANTS:
            these = [r for r in mine if r.contestant == name]
            rate = statistics.median(r.per_second for r in these)
            rows.append(
                [
                    f"{seats} seats",
                    name,
                    rate,
                    ratio(rate, peer),
                    ratio(rate, fair),
                    statistics.median(r.calls_per_attempt for r in these),
                    statistics.median(r.python_ms for r in these),
                    statistics.median(r.dynamodb_ms for r in these),
                    "/".join(str(r.held) for r in these),
                    sum(len(r.errors) for r in these),
                ]
            )
    errors = sorted({e for r in runs for e in r.errors})[:5]
    note = (
        f"{holds.CLIENTS} clients x {holds.SEATS_PER_CLIENT} seats, {holds.THREADS} threads, "
        f"median of {rounds} runs; attempts/s relative to read-then-write, bare and "
        "with the order written as the service writes it; CPU ms per attempt of this "
        "process (one core at most: the GIL) and of DynamoDB Local (both share the 2 cores); "
        "no seat was in two holds in any run"
    )
    title = "(a) seat holds on DynamoDB Local: " + note
    text = table(
        title,
        [
            "hall",
            "contestant",
            "attempts/s",
            "vs peer",
            "vs peer + order",
            "calls/attempt",
            "python CPU",
            "DynamoDB CPU",
            "held",
            "errors",
        ],
        rows,
    )
    return text + "".join(f"  error: {e}\n" for e in errors)


def call_cost_table(dynamodb_pid: int) -> str:
    costs = calls_cost.measure(dynamodb_pid)
    base = next(c for c in costs if c.call == calls_cost.BASELINE)
    rows = [
        [c.call, c.python_ms, c.dynamodb_ms, ratio(c.dynamodb_ms, base.dynamodb_ms)] for c in costs
    ]
    title = (
        f"(a') one DynamoDB call of (a), CPU ms per call, median of {calls_cost.BATCHES} "
        f"batches of {calls_cost.BATCH}: this process (botocore) and DynamoDB Local"
    )
    header = ["call", "python CPU", "DynamoDB CPU", "DynamoDB vs GetItem"]
    return table(title, header, rows)


def seat_map_table(samples: int) -> str:
    timings = seatmap.measure(samples)
    rows = []
    for seats in seatmap.HALLS:
        raw = next(t for t in timings if t.seats == seats and t.name == seatmap.RAW)
        for timing in [t for t in timings if t.seats == seats]:
            p50, p95 = timing.percentile(50), timing.percentile(95)
            rows.append(
                [
                    f"{seats} seats",
                    timing.name,
                    p50 * 1000,
                    p95 * 1000,
                    ratio(p50, raw.percentile(50)),
                    ratio(p95, raw.percentile(95)),
                ]
            )
    title = f"(b) seat map, {samples} requests each, alternating: handler vs raw boto3 Query"
    return table(title, ["hall", "path", "p50 ms", "p95 ms", "p50 ratio", "p95 ratio"], rows)


def cold_start_table(samples: int, found: dict[str, sizes.Asset]) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="marquee-bench-imports-"))
    code = {
        name: (
            asset.directory
            if asset.directory is not None
            else coldstart.extract_api(asset.zip_path, workdir / "api-package")  # type: ignore[arg-type]
        )
        for name, asset in found.items()
        if name in coldstart.HANDLERS
    }
    layer = found["layer"].directory
    assert layer is not None
    runtime = coldstart.runtime_stand_in(workdir / "runtime")
    deployed = coldstart.deployed_places(code, layer, runtime)
    results = coldstart.measure(samples, deployed, workdir)
    rows = []
    for where in ("venv", "deployed"):
        base = next(r for r in results if r.where == where and r.module == "boto3")
        for result in [r for r in results if r.where == where]:
            rows.append(
                [
                    where,
                    f"import {result.module}",
                    result.median * 1000,
                    ratio(result.median, base.median),
                    result.cpu_median * 1000,
                    ratio(result.cpu_median, base.cpu_median),
                    " ".join(m for m in result.loaded if m != result.module) or "-",
                ]
            )
    title = (
        f"(c) cold start: a new interpreter importing the handler, median of {samples}, "
        "with the Lambda runtime's variables"
    )
    header = ["from", "process", "wall ms", "vs boto3", "CPU ms", "vs boto3", "heavy modules"]
    return table(title, header, rows)


def size_table(found: dict[str, sizes.Asset]) -> str:
    rows = []
    for asset in found.values():
        rows.append([asset.name, asset.zipped_bytes() / 1e6, asset.unzipped_bytes() / 1e6])
    layer = found["layer"].directory
    assert layer is not None
    biggest = ", ".join(f"{n} {b / 1e6:.1f}" for n, b in sizes.largest_packages(layer))
    title = f"(d) deployment sizes from `make synth` (stage {sizes.STAGE}), MB"
    return table(title, ["asset", "zipped", "unzipped"], rows) + f"  layer's largest: {biggest}\n"


if __name__ == "__main__":
    raise SystemExit(main())
