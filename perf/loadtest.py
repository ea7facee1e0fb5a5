#!/usr/bin/env python3
"""Load test: a mix of browse, search, record pages and API at N concurrent connections.

Standard library only, so that it runs from any Python. It first reads the site's own data
(slugs, facet values, city names) through the API, then keeps ``--concurrency`` keep-alive
connections busy for ``--duration`` seconds on a random mix of URLs, and prints requests per
second and latency percentiles. Any response that is not 200 counts as an error, and the exit
status is 1 when there is one.

    python perf/loadtest.py --base-url http://127.0.0.1:8001 --concurrency 32 --duration 60
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import threading
import time
import urllib.parse
from collections import Counter


def fetch_json(base: str, path: str) -> dict:
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80, timeout=60)
    connection.request("GET", path, headers={"Accept": "application/json"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {body[:200]!r}")
    return json.loads(body)


def url_mix(base: str, rng: random.Random, size: int = 600) -> list[str]:
    """Paths a public of people and researchers would ask for, in realistic proportions."""
    listing = fetch_json(base, "/api/v1/partnerships/?page_size=500")
    facets = listing["facets"]
    slugs = [row["slug"] for row in listing["results"]]
    cities = list({row["city_a"]["slug"] for row in listing["results"]})
    names = list({row["city_a"]["name"] for row in listing["results"]})
    values = {name: [o["value"] for o in options] for name, options in facets.items() if options}
    # Values with at least three pages of results, for the requests that ask for page 2 or 3.
    deep = [
        (name, o["value"]) for name, options in facets.items() for o in options if o["count"] > 60
    ]

    def filters(count: int) -> str:
        chosen = rng.sample(sorted(values), k=min(count, len(values)))
        return urllib.parse.urlencode([(name, rng.choice(values[name])) for name in chosen])

    makers = [
        (20, lambda: "/partnerships/?" + filters(rng.choice([0, 1, 1, 2, 3]))),
        (
            8,
            lambda: (
                "/partnerships/?"
                + urllib.parse.urlencode([rng.choice(deep)])
                + f"&page={rng.randint(2, 3)}"
            ),
        ),
        (10, lambda: "/search/?" + urllib.parse.urlencode({"q": rng.choice(names)[:5]})),
        (20, lambda: f"/partnerships/{rng.choice(slugs)}/"),
        (10, lambda: f"/cities/{rng.choice(cities)}/"),
        (5, lambda: "/"),
        (5, lambda: "/projects/?" + filters(0)),
        (15, lambda: "/api/v1/partnerships/?" + filters(rng.choice([0, 1, 2]))),
        (4, lambda: f"/api/v1/partnerships/{rng.choice(slugs)}/"),
        (3, lambda: f"/fa/partnerships/{rng.choice(slugs)}/"),
    ]
    weights = [weight for weight, _ in makers]
    return [rng.choices(makers, weights)[0][1]() for _ in range(size)]


class Worker(threading.Thread):
    def __init__(self, base: str, paths: list[str], deadline: float, seed: int) -> None:
        super().__init__(daemon=True)
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.paths, self.deadline = paths, deadline
        self.rng = random.Random(seed)
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []

    def run(self) -> None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        while time.monotonic() < self.deadline:
            path = self.rng.choice(self.paths)
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                self.failures.append(f"{path}: {error}")
                connection.close()
                connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
                continue
            self.latencies.append(time.perf_counter() - started)
            self.statuses[status] += 1
            if status != 200:
                self.failures.append(f"{path}: {status}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8001")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    paths = url_mix(args.base_url, rng)
    deadline = time.monotonic() + args.duration
    workers = [
        Worker(args.base_url, paths, deadline, args.seed + n) for n in range(args.concurrency)
    ]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    latencies = [value for worker in workers for value in worker.latencies]
    statuses: Counter[int] = sum((worker.statuses for worker in workers), Counter())
    failures = [failure for worker in workers for failure in worker.failures]
    print(f"{len(paths)} distinct URLs, {args.concurrency} connections, {elapsed:.0f} s")
    print(f"requests: {len(latencies)}  ({len(latencies) / elapsed:.1f} per second)")
    print("statuses: " + ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items())))
    print(
        "latency ms: "
        + "  ".join(
            f"p{int(share * 100)} {percentile(latencies, share) * 1000:.0f}"
            for share in (0.5, 0.9, 0.95, 0.99)
        )
        + f"  mean {statistics.fmean(latencies) * 1000 if latencies else 0:.0f}"
        + f"  max {max(latencies, default=0) * 1000:.0f}"
    )
    print(f"errors: {len(failures)}")
    for failure in failures[:10]:
        print(f"  {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
