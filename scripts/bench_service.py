"""`recommender serve` under load, beside the in-process floor and the CLI, measured in one run.

    python scripts/bench_service.py [--requests 300] [--leak-requests 5000] [--max-seconds 900] [--out FILE]

The embedded catalog with the real default encoder (built once into --model-dir), real Wuzzuf job
descriptions (description + requirements), POST /v1/recommend {text, k: 10} over loopback:

1. latency at 1 client, in blocks that alternate with the in-process floor (``Recommender.recommend``
   on the same texts in this process), so both see the same machine load; p50 ratio server / floor;
2. the CLI's cost per request (`recommender query TEXT -k 10 --format json`, a fresh process each);
3. 1, 8 and 32 concurrent clients (threads, keep-alive connections), --requests each: throughput,
   p50/p95/p99 latency, errors, server RSS;
4. the leak check: --leak-requests at 8 clients, the server's RSS sampled every 500 requests.

Figures are ratios beside their baseline; the machine's load is printed because its 2 cores are shared.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

WORK = Path("/tmp/recommender-bench/service")
CLI = str(Path(sys.executable).parent / "recommender")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ensure_index(model_dir: Path) -> None:
    from recommender import ArtifactError
    from recommender.store.artifacts import resolve_version
    from recommender.store.build import build_default_index

    try:
        resolve_version(model_dir)
    except ArtifactError:
        say(f"building the embedded catalog's index in {model_dir} (real default encoder)")
        build_default_index(model_dir)


class Server:
    """`recommender serve` in a child process on a free loopback port."""

    def __init__(self, model_dir: Path, log: Path, extra: list[str] | None = None) -> None:
        self.port = free_port()
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "recommender.cli", "serve", "--model-dir", str(model_dir), "--port", str(self.port),
             *(extra or [])],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, env={**os.environ, "RECOMMENDER_API_KEY": ""},
        )  # fmt: skip
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=5).read()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}") from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)
        self.log.close()


def drive(port: int, bodies: list[bytes], clients: int, on_done: Any = None) -> dict[str, Any]:
    """Send ``bodies`` (in order, shared by ``clients`` threads); latency of each, errors, wall time."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    position = iter(range(len(bodies)))

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                break
            started = time.perf_counter()
            try:
                connection.request("POST", "/v1/recommend", bodies[index], {"Content-Type": "application/json"})
                response = connection.getresponse()
                payload = response.read()
                ok = response.status == 200 and json.loads(payload)["recommendations"]
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if not ok:
                        errors.append(f"{response.status}: {payload[:200]!r}")
            except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
                with lock:
                    errors.append(repr(exc))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            if on_done is not None:
                on_done()
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "wall": wall}


def cli_seconds(command: list[str]) -> float:
    """Wall time of one fresh CLI process (stdin closed: a background job must never wait on a terminal)."""
    started = time.perf_counter()
    subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def summary(latencies: list[float]) -> dict[str, float]:
    return {f"p{q}_ms": round(benchlib.percentile(latencies, q) * 1000, 1) for q in (50, 95, 99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=WORK / "default")
    parser.add_argument("--texts", type=int, default=100, help="distinct Wuzzuf postings, sent in turn")
    parser.add_argument("--requests", type=int, default=300, help="requests per concurrency level")
    parser.add_argument("--floor-blocks", type=int, default=6, help="alternating blocks of 25 (floor, 1 client)")
    parser.add_argument("--cli-runs", type=int, default=3)
    parser.add_argument("--leak-requests", type=int, default=5000)
    parser.add_argument("--max-seconds", type=float, default=900, help="stop the leak run after this long")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here too")
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    ensure_index(args.model_dir)
    texts = [t for t in benchlib.wuzzuf_texts() if t.strip()][: args.texts]
    bodies = [json.dumps({"text": text, "k": 10}).encode() for text in texts]
    say(f"{len(texts)} Wuzzuf texts, median {sorted(len(t) for t in texts)[len(texts) // 2]} characters; "
        + benchlib.load_note())  # fmt: skip
    results: dict[str, Any] = {"texts": len(texts), "load_before": benchlib.load_note()}

    from recommender import open_index

    model = open_index(args.model_dir)
    server = Server(args.model_dir, WORK / "server.log")
    try:
        # 1. the floor and 1 client, alternating blocks of the same texts
        for text in texts[:5]:
            model.recommend(text, k=10)
        drive(server.port, bodies[:5], 1)
        floor: list[float] = []
        one: list[float] = []
        for block in range(args.floor_blocks):
            chunk = [(block * 25 + i) % len(texts) for i in range(25)]
            for i in chunk:
                started = time.perf_counter()
                model.recommend(texts[i], k=10)
                floor.append(time.perf_counter() - started)
            one.extend(drive(server.port, [bodies[i] for i in chunk], 1)["latencies"])
        results["floor"] = {"requests": len(floor), **summary(floor)}
        results["one_client_alternating"] = {"requests": len(one), **summary(one)}
        results["p50_ratio"] = round(benchlib.percentile(one, 50) / benchlib.percentile(floor, 50), 3)
        say(f"floor p50 {results['floor']['p50_ms']} ms, 1 client p50 {results['one_client_alternating']['p50_ms']} "
            f"ms: ratio {results['p50_ratio']}")  # fmt: skip

        # 2. the CLI, a fresh process per request
        cli = [cli_seconds([CLI, "query", texts[i], "-k", "10", "--format", "json", "--model-dir",
                            str(args.model_dir)]) for i in range(args.cli_runs)]  # fmt: skip
        results["cli_ms"] = round(benchlib.median(cli) * 1000, 1)
        say(f"CLI per request: {results['cli_ms']} ms")

        # 3. concurrency levels
        levels = []
        for clients in (1, 8, 32):
            before = rss_mb(server.process.pid)
            run = drive(server.port, [bodies[i % len(bodies)] for i in range(args.requests)], clients)
            level = {
                "clients": clients, "requests": len(run["latencies"]) + 0, "errors": len(run["errors"]),
                "throughput_rps": round(args.requests / run["wall"], 2), **summary(run["latencies"]),
                "rss_before_mb": round(before, 1), "rss_after_mb": round(rss_mb(server.process.pid), 1),
            }  # fmt: skip
            levels.append(level)
            say(json.dumps(level) + (f" first error: {run['errors'][0]}" if run["errors"] else ""))
        results["levels"] = levels

        # 4. the leak check
        samples: list[tuple[int, float]] = [(0, rss_mb(server.process.pid))]
        done = {"n": 0}
        deadline = time.monotonic() + args.max_seconds
        stop_at = args.leak_requests

        def count() -> None:
            done["n"] += 1
            if done["n"] % 500 == 0:
                samples.append((done["n"], rss_mb(server.process.pid)))

        leak_bodies = [bodies[i % len(bodies)] for i in range(stop_at)]
        sent = 0
        leak_errors = 0
        started = time.perf_counter()
        while sent < stop_at and time.monotonic() < deadline:
            part = leak_bodies[sent : sent + 500]
            run = drive(server.port, part, 8, on_done=count)
            sent += len(part)
            leak_errors += len(run["errors"])
        samples.append((done["n"], rss_mb(server.process.pid)))  # and at the end, whatever the count
        results["leak"] = {
            "requests": sent, "errors": leak_errors, "seconds": round(time.perf_counter() - started, 1),
            "rss_mb": [[n, round(mb, 1)] for n, mb in samples],
        }  # fmt: skip
        say(f"leak run: {sent} requests, {leak_errors} errors, RSS (requests, MB): {results['leak']['rss_mb']}")
    finally:
        server.stop()
    access = [line for line in (WORK / "server.log").read_text().splitlines() if line.startswith("{")]
    results["access_log_lines"] = len(access)
    results["load_after"] = benchlib.load_note()
    print_table(results)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))


def print_table(results: dict[str, Any]) -> None:
    print("| clients | requests | errors | throughput (req/s) | p50 ms | p95 ms | p99 ms | RSS MB before → after |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    for level in results["levels"]:
        print(f"| {level['clients']} | {level['requests']} | {level['errors']} | {level['throughput_rps']} | "
              f"{level['p50_ms']} | {level['p95_ms']} | {level['p99_ms']} | "
              f"{level['rss_before_mb']} → {level['rss_after_mb']} |")  # fmt: skip
    floor, one = results["floor"], results["one_client_alternating"]
    print()
    print("| same texts, alternating blocks | requests | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    print(f"| in-process `recommend()` (the floor) | {floor['requests']} | {floor['p50_ms']} | {floor['p95_ms']} | "
          f"{floor['p99_ms']} |")  # fmt: skip
    print(f"| HTTP, 1 client | {one['requests']} | {one['p50_ms']} | {one['p95_ms']} | {one['p99_ms']} |")
    print(f"| CLI, a fresh process per request | {results.get('cli_ms')} (median of runs) | | | |")
    print()
    print(f"p50 ratio HTTP / floor: {results['p50_ratio']}; CLI / HTTP p50: "
          f"{round(results['cli_ms'] / one['p50_ms'], 1)}x")  # fmt: skip
    leak = results["leak"]
    rss = [mb for _, mb in leak["rss_mb"]]
    print(f"leak run: {leak['requests']} requests at 8 clients, {leak['errors']} errors, {leak['seconds']} s; "
          f"RSS first {rss[0]} MB, after 500 {rss[1] if len(rss) > 1 else rss[0]} MB, last {rss[-1]} MB, "
          f"max {max(rss)} MB")  # fmt: skip
    print(f"access-log lines: {results['access_log_lines']}; {results['load_before']} → {results['load_after']}")


if __name__ == "__main__":
    main()
