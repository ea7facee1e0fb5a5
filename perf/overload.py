#!/usr/bin/env python3
"""Overload test: a few clients asking for the heaviest pages, each time with a new query,
while /robots.txt is timed.

Standard library only. ``--attackers`` threads (six), each from its own loopback address
(127.0.0.2, 127.0.0.3, ...: six clients to the per-address rate limit), send requests to
charts, search, filtered listings, the map, a download and the sitemap, every one made new by
an unknown parameter or by a fresh filter value, back to back for ``--duration`` seconds.
Meanwhile /robots.txt is asked every 20 ms on a new connection. Prints the latency of
/robots.txt (the target: p99 under 100 ms) and what the attackers got back.

    python perf/overload.py --base-url http://127.0.0.1:8002 --duration 20

Only loopback addresses are accepted as the target.
"""

from __future__ import annotations

import argparse
import http.client
import random
import string
import sys
import threading
import time
import urllib.parse
from collections import Counter

COUNTRIES = ["DE", "FR", "PL", "IT", "GB", "US", "AT", "CZ", "NL", "ES", "RU", "CN", "TR", "HU"]
DECADES = [str(decade) for decade in range(1950, 2030, 10)]


def buster(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_lowercase + string.digits, k=10))


def heavy_path(rng: random.Random) -> str:
    """One of the heaviest pages, never asked in exactly this way before."""
    letter = rng.choice(string.ascii_lowercase)
    country = rng.choice(COUNTRIES)
    makers = [
        lambda: f"/partnerships/charts/?country=DE&x={buster(rng)}",
        lambda: f"/partnerships/charts/?country={country}&decade={rng.choice(DECADES)}",
        lambda: f"/search/?q={letter}&x={buster(rng)}",
        lambda: f"/search/?q={letter}{rng.choice(string.ascii_lowercase)}",
        lambda: f"/sitemap.xml?x={buster(rng)}",
        lambda: f"/partnerships/?country=DE&q={letter}&x={buster(rng)}",
        lambda: f"/partnerships/map.svg?country={country}&x={buster(rng)}",
        lambda: f"/partnerships/?country={country}&format=csv&x={buster(rng)}",
        lambda: f"/cities/?q={letter}&x={buster(rng)}",
    ]
    return rng.choice(makers)()


def get(
    host: str, port: int, path: str, source: str | None = None, timeout: float = 40
) -> tuple[int, float]:
    """Status and seconds for one request on a new connection (the body read to the end)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(
        host, port, timeout=timeout, source_address=(source, 0) if source else None
    )
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status = 0
    finally:
        connection.close()
    return status, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8002")
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--attackers", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.base_url)
    host, port = url.hostname or "", url.port or 80
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit("Only a server on 127.0.0.1 may be tested.")
    duration = min(args.duration, 120.0)
    attackers = max(1, min(args.attackers, 16))
    deadline = time.monotonic() + duration
    lock = threading.Lock()
    robots: list[float] = []
    robots_status: Counter[int] = Counter()
    attack: Counter[int] = Counter()
    attack_times: dict[int, list[float]] = {}

    def attacker(number: int) -> None:
        rng = random.Random(args.seed * 100 + number)
        source = f"127.0.0.{2 + number}"
        while time.monotonic() < deadline:
            status, took = get(host, port, heavy_path(rng), source)
            with lock:
                attack[status] += 1
                attack_times.setdefault(status, []).append(took)

    def prober() -> None:
        while time.monotonic() < deadline:
            status, took = get(host, port, "/robots.txt")
            with lock:
                robots.append(took)
                robots_status[status] += 1
            time.sleep(0.02)

    threads = [threading.Thread(target=attacker, args=(n,)) for n in range(attackers)]
    threads.append(threading.Thread(target=prober))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    ms = [t * 1000 for t in robots]
    print(f"{attackers} attackers, {duration:.0f} s against {args.base_url}")
    print(
        f"/robots.txt: {len(ms)} requests, statuses {dict(sorted(robots_status.items()))}, "
        f"p50 {percentile(ms, 0.5):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
        f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms, default=0):.1f} ms"
    )
    for status, count in sorted(attack.items()):
        times = [t * 1000 for t in attack_times[status]]
        print(
            f"heavy pages, {status or 'failed'}: {count} responses, "
            f"p50 {percentile(times, 0.5):.0f} ms, max {max(times):.0f} ms"
        )
    return 0 if percentile(ms, 0.99) < 100 and set(robots_status) == {200} else 1


if __name__ == "__main__":
    sys.exit(main())
