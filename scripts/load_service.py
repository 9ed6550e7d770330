"""`recommender serve` held under load: many concurrent clients for a long time, memory and errors watched.

    python scripts/load_service.py --model-dir models/edx [--clients 50] [--minutes 30] [--texts 300]
        [--workers 1] [--sample-seconds 30] [--out load.json]

The server runs in a child process on a loopback port; ``--clients`` threads, each with its own keep-alive
connection, POST /v1/recommend {text, k: 10} with real Wuzzuf job descriptions (description +
requirements, ``--texts`` distinct ones in turn) until ``--minutes`` have passed. Every response is
checked (HTTP 200 with recommendations). Printed: requests per second, latency p50/p95/p99 overall and per
window, status codes (5xx counted apart), and the server's resident memory (its process and any worker
processes) sampled every ``--sample-seconds``: at the start of the load (after a warm-up of one request per
text), at the end, its highest, and end ÷ start (flat: within 10%).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from bench_service import Server, rss_mb, say


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (``serve --workers N`` runs N processes)."""
    total = rss_mb(pid)
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        for child in children.read_text().split():
            total += tree_rss_mb(int(child))
    return total


class Load:
    """The clients' shared tallies."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[tuple[float, float]] = []  # (finished at, seconds)
        self.statuses: Counter[str] = Counter()
        self.errors: list[str] = []


def client(port: int, bodies: list[bytes], start: int, deadline: float, load: Load) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    turn = start
    while time.monotonic() < deadline:
        body = bodies[turn % len(bodies)]
        turn += 1
        started = time.perf_counter()
        try:
            connection.request("POST", "/v1/recommend", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            payload = response.read()
            status = str(response.status)
            ok = response.status == 200 and bool(json.loads(payload)["recommendations"])
            detail = "" if ok else f"{status}: {payload[:200]!r}"
        except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
            status, ok, detail = "no answer", False, repr(exc)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        finished = time.perf_counter()
        with load.lock:
            load.statuses[status if ok or status != "200" else "200 without recommendations"] += 1
            if ok:
                load.latencies.append((time.monotonic(), finished - started))
            elif len(load.errors) < 20:
                load.errors.append(detail)
    connection.close()


def run(args: argparse.Namespace) -> dict[str, Any]:
    texts = benchlib.wuzzuf_texts(args.texts)
    bodies = [json.dumps({"text": text, "k": 10}).encode() for text in texts]
    log = Path(args.log)
    say(f"starting `recommender serve` on {args.model_dir} ({args.workers} worker(s)); {benchlib.load_note()}")
    extra = ["--workers", str(args.workers)] if args.workers > 1 else []
    server = Server(Path(args.model_dir), log, extra=extra)
    try:
        say(f"warm-up: {len(bodies)} requests, one client")
        for body in bodies:
            one = Load()
            client_once(server.port, body, one)
            if one.errors:
                raise RuntimeError(f"warm-up request failed: {one.errors[0]}")
        rss_start = tree_rss_mb(server.process.pid)
        samples = [(0.0, rss_start, os.getloadavg()[0])]
        load = Load()
        began = time.monotonic()
        deadline = began + args.minutes * 60
        threads = [
            threading.Thread(target=client, args=(server.port, bodies, i * 7, deadline, load), daemon=True)
            for i in range(args.clients)
        ]
        say(f"{args.clients} clients for {args.minutes} min; RSS at start {rss_start:.0f} MB")
        for thread in threads:
            thread.start()
        while time.monotonic() < deadline:
            time.sleep(min(args.sample_seconds, max(0.0, deadline - time.monotonic())))
            elapsed = time.monotonic() - began
            rss = tree_rss_mb(server.process.pid)
            samples.append((elapsed, rss, os.getloadavg()[0]))
            with load.lock:
                done = len(load.latencies)
            say(f"  {elapsed / 60:5.1f} min: {done} answered, {done / elapsed:.2f}/s, RSS {rss:.0f} MB, "
                f"load {samples[-1][2]:.1f}")  # fmt: skip
        for thread in threads:
            thread.join()
        wall = time.monotonic() - began
        rss_end = tree_rss_mb(server.process.pid)
        alive = server.process.poll() is None
    finally:
        server.stop()
    latencies = [seconds for _, seconds in load.latencies]
    windows = []
    window = args.window_minutes * 60
    for start in range(0, int(wall), int(window)):
        inside = [s for at, s in load.latencies if start <= at - began < start + window]
        if inside:
            windows.append({"from_min": start / 60, "answered": len(inside), **_quantiles(inside)})
    five_xx = sum(n for status, n in load.statuses.items() if status.startswith("5"))
    return {
        "model_dir": str(args.model_dir), "clients": args.clients, "minutes": args.minutes, "workers": args.workers,
        "texts": len(bodies), "wall_s": round(wall, 1), "answered": len(latencies),
        "requests_per_s": round(len(latencies) / wall, 2), **_quantiles(latencies),
        "statuses": dict(load.statuses), "5xx": five_xx, "errors": load.errors,
        "rss_start_mb": round(rss_start), "rss_end_mb": round(rss_end),
        "rss_max_mb": round(max(rss for _, rss, _ in samples)), "rss_end_over_start": round(rss_end / rss_start, 3),
        "server_alive_at_end": alive, "rss_samples": [(round(t), round(r), round(a, 1)) for t, r, a in samples],
        "windows": windows, "note": benchlib.load_note(),
    }  # fmt: skip


def client_once(port: int, body: bytes, load: Load) -> None:
    """One request on a fresh connection (the warm-up)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        connection.request("POST", "/v1/recommend", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        payload = response.read()
        if response.status != 200:
            load.errors.append(f"{response.status}: {payload[:200]!r}")
    finally:
        connection.close()


def _quantiles(latencies: list[float]) -> dict[str, float]:
    return {f"p{q}_ms": round(benchlib.percentile(latencies, q) * 1000, 1) for q in (50, 95, 99)}


def print_report(report: dict[str, Any]) -> None:
    print(f"\n`recommender serve` on {report['model_dir']}: {report['clients']} clients for {report['minutes']} min "
          f"({report['workers']} worker process(es), {report['texts']} distinct Wuzzuf postings)")  # fmt: skip
    print("| answered | requests/s | p50 ms | p95 ms | p99 ms | 5xx | other errors | RSS start → end (max) MB | end ÷ start |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    other = sum(n for s, n in report["statuses"].items() if s != "200" and not s.startswith("5"))
    print(f"| {report['answered']} | {report['requests_per_s']} | {report['p50_ms']} | {report['p95_ms']} | "
          f"{report['p99_ms']} | {report['5xx']} | {other} | {report['rss_start_mb']} → {report['rss_end_mb']} "
          f"({report['rss_max_mb']}) | {report['rss_end_over_start']} |")  # fmt: skip
    print("\n| from min | answered | p50 ms | p95 ms | p99 ms |\n|---:|---:|---:|---:|---:|")
    for w in report["windows"]:
        print(f"| {w['from_min']:.0f} | {w['answered']} | {w['p50_ms']} | {w['p95_ms']} | {w['p99_ms']} |")
    print(f"\nstatuses {report['statuses']}; server alive at the end: {report['server_alive_at_end']}; {report['note']}")
    for error in report["errors"][:5]:
        print(f"  error: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", required=True, help="an index folder (the edX + ESCO index)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--texts", type=int, default=300, help="distinct Wuzzuf postings, sent in turn")
    parser.add_argument("--workers", type=int, default=1, help="`serve --workers`")
    parser.add_argument("--sample-seconds", type=float, default=30)
    parser.add_argument("--window-minutes", type=float, default=5)
    parser.add_argument("--log", default="/tmp/recommender-load-serve.log", help="the server's output")
    parser.add_argument("--out", help="write the figures as JSON here too")
    args = parser.parse_args()
    report = run(args)
    print_report(report)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    if report["5xx"] or not report["server_alive_at_end"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
