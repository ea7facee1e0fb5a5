#!/usr/bin/env python3
"""The benchmark: Twinning as served in production, measured from outside over HTTP.

Every scenario requests hundreds of *distinct* URLs, each once, so that caches help only as
they would on the real site (a facet combination nobody asked for yet is computed). Beside
the site's own pages it measures the floor (``/robots.txt``: the same middleware, no work)
and Django's admin changelist over the same partnerships with the equivalent filters and
facet counts, as a logged-in curator: the tool a user would otherwise reach for.

Prints a table (p50, p95, queries per request, ratio to the floor and to the admin) and
writes the figures as JSON. Standard library only.

    python perf/bench.py --base-url http://127.0.0.1:8002 --city SLUG --partnership SLUG \\
        --user bench --password ... --json perf/results.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field

# The browse page's facets and the admin's list_filter names for the same thing.
ADMIN_EQUIVALENT = {
    "kind": "kind__exact",
    "status": "status__exact",
    "country": "city_a__country__exact",
}


@dataclass
class Result:
    name: str
    urls: int
    p50: float
    p95: float
    mean: float
    queries: float
    server_p50: float
    server_p95: float
    statuses: dict[str, int] = field(default_factory=dict)


class Client:
    def __init__(self, base: str) -> None:
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes, float]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            raise
        elapsed = time.perf_counter() - started
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, dict(response.headers), content, elapsed

    def get(self, path: str) -> tuple[int, dict[str, str], bytes, float]:
        return self.request("GET", path)

    def login(self, user: str, password: str) -> None:
        _status, _headers, body, _ = self.get("/admin/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not token:
            raise SystemExit("no CSRF token on the login page")
        form = urllib.parse.urlencode(
            {
                "username": user,
                "password": password,
                "csrfmiddlewaretoken": token.group(1).decode(),
                "next": "/admin/",
            }
        )
        status, _headers, _body, _ = self.request(
            "POST",
            "/admin/login/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": "http://127.0.0.1/"},
        )
        if status != 302:
            raise SystemExit(f"login failed: {status}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def measure(client: Client, name: str, paths: list[str]) -> Result:
    latencies, queries, server = [], [], []
    statuses: dict[str, int] = {}
    for path in paths:
        status, headers, _body, elapsed = client.get(path)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        latencies.append(elapsed * 1000)
        queries.append(float(headers.get("X-Queries", "nan")))
        timing = re.search(r"dur=([0-9.]+)", headers.get("Server-Timing", ""))
        if timing:
            server.append(float(timing.group(1)))
    return Result(
        name=name,
        urls=len(set(paths)),
        p50=percentile(latencies, 0.5),
        p95=percentile(latencies, 0.95),
        mean=statistics.fmean(latencies),
        queries=statistics.fmean(queries),
        server_p50=percentile(server, 0.5),
        server_p95=percentile(server, 0.95),
        statuses=statuses,
    )


def facet_values(client: Client) -> dict[str, list[tuple[str, int]]]:
    _status, _headers, body, _ = client.get("/api/v1/partnerships/?page_size=1")
    facets = json.loads(body)["facets"]
    return {name: [(o["value"], o["count"]) for o in options] for name, options in facets.items()}


def combinations(
    rng: random.Random, values: dict[str, list[tuple[str, int]]], size: int, count: int
) -> list[list[tuple[str, str]]]:
    """Distinct combinations of ``size`` facets with one value each, values weighted by use."""
    found: set[tuple[tuple[str, str], ...]] = set()
    names = [name for name in values if values[name]]
    attempts = 0
    while len(found) < count and attempts < count * 50:
        attempts += 1
        chosen = rng.sample(names, size)
        combo = tuple(
            sorted(
                (name, rng.choices([v for v, _ in values[name]], [c for _, c in values[name]])[0])
                for name in chosen
            )
        )
        found.add(combo)
    return [list(combo) for combo in sorted(found)]


def admin_combinations(
    rng: random.Random, values: dict[str, list[tuple[str, int]]], size: int, count: int
) -> list[list[tuple[str, str]]]:
    usable = {name: values[name] for name in ADMIN_EQUIVALENT if values.get(name)}
    return combinations(rng, usable, size, count)


def throughput(
    base: str, paths: list[str], connections: int, seconds: float, fresh: bool = False
) -> float:
    """Requests per second over ``paths`` from ``connections`` keep-alive clients. With
    ``fresh``, every request is made new by an ignored parameter: no page cache answers."""
    done = []
    deadline = time.monotonic() + seconds

    def work(seed: int) -> None:
        client, rng, count = Client(base), random.Random(seed), 0
        while time.monotonic() < deadline:
            path = rng.choice(paths)
            if fresh:
                path += f"{'&' if '?' in path else '?'}fresh={seed}-{count}"
            client.get(path)
            count += 1
        done.append(count)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


def rss_of(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def worker_pids(master: int) -> list[int]:
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == master:
                        children.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return children


def export_all(base: str, master: int | None) -> dict[str, float]:
    """Download every partnership as CSV; the server's peak memory growth while it streams."""
    pids = worker_pids(master) if master else []
    baseline = {pid: rss_of([pid]) for pid in pids}
    peak = dict(baseline)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for pid in pids:
                peak[pid] = max(peak[pid], rss_of([pid]))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    client = Client(base)
    status, _headers, body, elapsed = client.get("/partnerships/?format=csv")
    stop.set()
    sampler.join()
    growth = max((peak[pid] - baseline[pid] for pid in pids), default=0)
    return {
        "status": status,
        "seconds": elapsed,
        "rows": body.count(b"\n") - 1,
        "megabytes": len(body) / 2**20,
        "memory_growth_mb": growth / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8002")
    parser.add_argument("--city", required=True, help="slug of the most connected city")
    parser.add_argument("--partnership", required=True, help="slug of one partnership")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--gunicorn-pid", type=int, default=0)
    parser.add_argument("--combinations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", default="perf/results.json")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base, n = args.base_url, args.combinations
    client = Client(base)
    values = facet_values(client)
    listing = json.loads(client.get("/api/v1/partnerships/?page_size=500")[2])
    slugs = [row["slug"] for row in listing["results"]]
    words = sorted({slug.split("-")[0] for slug in slugs if len(slug.split("-")[0]) >= 3})

    def query(combo: list[tuple[str, str]]) -> str:
        return urllib.parse.urlencode(combo)

    def admin_query(combo: list[tuple[str, str]]) -> str:
        return urllib.parse.urlencode([(ADMIN_EQUIVALENT[name], value) for name, value in combo])

    def search(word: str) -> str:
        return "/search/?" + urllib.parse.urlencode({"q": word[: rng.randint(3, 6)]})

    one = combinations(rng, values, 1, n)
    three = combinations(rng, values, 3, n)
    two = combinations(rng, values, 2, n)
    admin_one = admin_combinations(rng, values, 1, n)
    admin_three = admin_combinations(rng, values, 3, n)
    scenarios: list[tuple[str, list[str]]] = [
        ("floor (robots.txt)", ["/robots.txt"] * n),
        ("browse, no facet", [f"/partnerships/?page={p}" for p in range(1, n + 1)]),
        ("browse, 1 facet", [f"/partnerships/?{query(c)}" for c in one]),
        ("browse, 3 facets", [f"/partnerships/?{query(c)}" for c in three]),
        ("search", [search(word) for word in rng.sample(words, min(n, len(words)))]),
        # A distinct (ignored) parameter each time: the page cache never answers.
        ("most connected city, uncached", [f"/cities/{args.city}/?b={i}" for i in range(50)]),
        ("most connected city, cached", [f"/cities/{args.city}/"] * 50),
        ("partnership page", [f"/partnerships/{slug}/" for slug in slugs[:n]]),
        ("API list with facets", [f"/api/v1/partnerships/?{query(c)}" for c in two]),
    ]
    # Warm-up, as on a running site: every worker builds its facet bitmaps (in a background
    # thread; the database answers meanwhile). Pages beyond the measured ones, so that no
    # measured URL is cached by it.
    warm_until = time.monotonic() + 20
    page = n + 1
    while time.monotonic() < warm_until:
        client.get(f"/partnerships/?page={page}")
        client.get(f"/api/v1/projects/?page={page % 50 + 60}")
        page += 1
    results = [measure(client, name, paths) for name, paths in scenarios]
    admin = Client(base)
    admin.login(args.user, args.password)
    changelist = "/admin/agreements/partnership/"
    admin_scenarios = [
        ("admin changelist, no filter", [f"{changelist}?p={p}" for p in range(1, n // 4 + 1)]),
        ("admin changelist, 1 filter", [f"{changelist}?{admin_query(c)}" for c in admin_one]),
        ("admin changelist, 3 filters", [f"{changelist}?{admin_query(c)}" for c in admin_three]),
        ("browse, same filters as admin", [f"/partnerships/?{query(c)}" for c in admin_three]),
    ]
    results += [measure(admin, name, paths) for name, paths in admin_scenarios]
    floor = results[0]
    browse_mix = [path for name, paths in scenarios[1:4] for path in paths]
    rate = {
        "floor": throughput(base, ["/robots.txt"], 16, 20),
        "browse mix": throughput(base, browse_mix, 16, 20),
        "browse mix, every URL new": throughput(base, browse_mix, 16, 20, fresh=True),
    }
    export = export_all(base, args.gunicorn_pid or None)
    by_name = {result.name: result for result in results}
    admin_pairs = {
        "browse, no facet": "admin changelist, no filter",
        "browse, 1 facet": "admin changelist, 1 filter",
        "browse, 3 facets": "admin changelist, 3 filters",
        "browse, same filters as admin": "admin changelist, 3 filters",
    }
    columns = (
        "URLs",
        "p50 ms",
        "p95 ms",
        "server p50",
        "server p95",
        "queries",
        "× floor",
        "admin ×",
    )
    widths = (5, 8, 8, 10, 10, 8, 8, 8)
    print(f"{'scenario':34} " + " ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    for result in results:
        versus = admin_pairs.get(result.name)
        speedup = f"{by_name[versus].p50 / result.p50:.1f}" if versus else ""
        print(
            f"{result.name:34} {result.urls:5d} {result.p50:8.1f} {result.p95:8.1f} "
            f"{result.server_p50:10.1f} {result.server_p95:10.1f} {result.queries:8.1f} "
            f"{result.p50 / floor.p50:8.1f} {speedup:>8}"
        )
    print(
        f"throughput, 16 connections: floor {rate['floor']:.0f}/s, browse mix "
        f"{rate['browse mix']:.0f}/s ({rate['browse mix'] / rate['floor']:.0%} of the floor; "
        "its URLs were each requested once above), every URL new "
        f"{rate['browse mix, every URL new']:.0f}/s "
        f"({rate['browse mix, every URL new'] / rate['floor']:.0%})"
    )
    print(
        f"CSV export: {export['rows']:.0f} rows, {export['megabytes']:.1f} MB in "
        f"{export['seconds']:.1f} s, server memory growth {export['memory_growth_mb']:.0f} MB"
    )
    with open(args.json, "w") as out:
        json.dump(
            {
                "scenarios": [asdict(result) for result in results],
                "throughput_per_second": rate,
                "export": export,
                "admin_speedup": {
                    name: by_name[admin].p50 / by_name[name].p50
                    for name, admin in admin_pairs.items()
                },
            },
            out,
            indent=2,
        )
    print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
