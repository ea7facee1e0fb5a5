#!/usr/bin/env python3
"""The benchmark: Twinning as served in production, measured from outside over HTTP.

``make bench`` (perf/bench.sh) serves the same database twice and runs this once per server:

- ``--mode uncached``: the server runs with ``PUBLIC_PAGE_CACHE=false``, so every request
  builds its page (what a visitor gets for a filter combination nobody asked for yet). The
  admin changelist and the CSV export are measured here only (no page cache serves them).
- ``--mode cached``: the whole-page cache on, emptied before the run. Every scenario's
  distinct URLs are requested once ("cached, first visit": a miss that also stores the
  page), then once more ("cached, repeat visit": answered by the cache).

Beside the site's pages it measures the floor (``/robots.txt``: the same middleware, no
work) and Django's admin changelist over the same partnerships with the equivalent filters,
as a logged-in curator. Scenarios are drawn from a seeded generator over the facet values
the API reports, so both runs request the same URLs.

``--report`` reads both runs and the bitmap memory (perf/bitmap_memory.py), prints the table
with its targets (met or not, by how much) and writes perf/results.json. Standard library
only.

    python perf/bench.py --mode uncached --base-url http://127.0.0.1:8002 --city SLUG \\
        --cities-file FILE --partnership SLUG --user bench --password ... --out FILE
    python perf/bench.py --report UNCACHED.json CACHED.json MEMORY.json --json perf/results.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import string
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

# The browse page's facets and the admin's list_filter names for the same thing.
ADMIN_EQUIVALENT = {
    "kind": "kind__exact",
    "status": "status__exact",
    "country": "country",  # cities.admin_tools.CountryListFilter: either city's country
}
BROWSE = ("browse, no facet", "browse, 1 facet", "browse, 2 facets", "browse, 3 facets")
RECORDS = ("partnership page", "city page", "busiest city")
ONE_LETTER = ("browse, one-letter q", "search, one-letter q")
ADMIN_PAIRS = {
    "browse, no facet": "admin changelist, no filter",
    "browse, 1 facet": "admin changelist, 1 filter",
    "browse, 3 facets": "admin changelist, 3 filters",
    "browse, same filters as admin": "admin changelist, 3 filters",
}


@dataclass
class Result:
    name: str
    urls: int
    requests: int
    p50: float
    p95: float
    p99: float
    mean: float
    queries: float
    server_p50: float
    server_p99: float
    cpu_ms: float  # the server's CPU time per request (every worker's user + system)
    statuses: dict[str, int] = field(default_factory=dict)
    slowest: list[tuple[float, str]] = field(default_factory=list)  # the three slowest URLs


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
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # gunicorn closes a keep-alive connection idle for 5 s (gunicorn.conf.py): the
            # first request after a pause (the warm-up, the login) finds it closed. Until 2
            # December 2026 that ended the benchmark, whose exit stopped the server: the
            # "SIGTERM of unknown origin" in bench.sh's log. Once more on a new connection.
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            started = time.perf_counter()
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


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes: unlike latency, not stretched by other
    work on the same cores."""
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(client: Client, name: str, paths: list[str], pids: Sequence[int] = ()) -> Result:
    cpu_before = cpu_seconds(list(pids))
    latencies, queries, server = [], [], []
    statuses: dict[str, int] = {}
    timed: list[tuple[float, str]] = []
    for path in paths:
        status, headers, _body, elapsed = client.get(path)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        latencies.append(elapsed * 1000)
        timed.append((round(elapsed * 1000, 1), path))
        queries.append(float(headers.get("X-Queries", "nan")))
        timing = re.search(r"dur=([0-9.]+)", headers.get("Server-Timing", ""))
        if timing:
            server.append(float(timing.group(1)))
    return Result(
        name=name,
        urls=len(set(paths)),
        requests=len(paths),
        p50=percentile(latencies, 0.5),
        p95=percentile(latencies, 0.95),
        p99=percentile(latencies, 0.99),
        mean=statistics.fmean(latencies),
        queries=statistics.fmean(queries),
        server_p50=percentile(server, 0.5),
        server_p99=percentile(server, 0.99),
        cpu_ms=(cpu_seconds(list(pids)) - cpu_before) * 1000 / max(1, len(paths)),
        statuses=statuses,
        slowest=sorted(timed, reverse=True)[:3],
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
    names = sorted(name for name in values if values[name])
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


def throughput(base: str, paths: list[str], connections: int, seconds: float) -> dict[str, Any]:
    """Successful (200) responses per second over ``paths`` from ``connections`` keep-alive
    clients, and every status seen."""
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def work(seed: int) -> None:
        client, rng = Client(base), random.Random(seed)
        seen: dict[str, int] = {}
        while time.monotonic() < deadline:
            status = str(client.get(rng.choice(paths))[0])
            seen[status] = seen.get(status, 0) + 1
        with lock:
            for status, n in seen.items():
                statuses[status] = statuses.get(status, 0) + n

    threads = [threading.Thread(target=work, args=(n,)) for n in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - started
    return {"per_second": statuses.get("200", 0) / took, "statuses": statuses}


def warm_up(base: str, args: argparse.Namespace) -> None:
    """As on a running site: every worker has built its facet bitmaps (gunicorn's
    post_worker_init starts it; the database answers meanwhile). Requests on new connections
    from ``args.connections`` threads, so that they reach every worker, for at least
    ``args.warm_up`` seconds and until the last 50 responses all said ``X-Bitmaps: ready``
    (at most 300 s). Listing pages beyond the measured ones, so that no measured URL is
    cached by it. Until 2 December 2026 one keep-alive connection warmed one worker of five:
    the throughput under 16 connections measured four cold workers (8 pages a second)."""
    started = time.monotonic()
    recent: list[str] = []
    lock = threading.Lock()
    counter = iter(range(args.combinations + 1, 10**9))

    def done() -> bool:
        elapsed = time.monotonic() - started
        ready = len(recent) >= 50 and all(state == "ready" for state in recent[-50:])
        return elapsed > 300 or (elapsed > args.warm_up and ready)

    def work() -> None:
        while not done():
            with lock:
                page = next(counter)
            path = (
                f"/partnerships/?page={page}"
                if page % 2
                else f"/api/v1/projects/?page={page % 50 + 60}"
            )
            client = Client(base)
            try:
                _status, headers, _body, _ = client.get(path)
            except (OSError, http.client.HTTPException):
                continue
            finally:
                client.connection.close()
            with lock:
                recent.append(headers.get("X-Bitmaps", "ready"))

    threads = [threading.Thread(target=work) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    states = recent[-50:]
    print(
        f"  warm-up: {time.monotonic() - started:.0f} s, {len(recent)} requests, "
        f"last 50: {states.count('ready')} ready"
    )


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


def load_average() -> str:
    """The machine's load (1, 5, 15 minutes): other work on the same cores shows here."""
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def scenarios(args: argparse.Namespace, client: Client) -> list[tuple[str, list[str], int]]:
    """(name, distinct paths, how many times the uncached run repeats them)."""
    rng = random.Random(args.seed)
    n = args.combinations
    values = facet_values(client)
    listing = json.loads(client.get("/api/v1/partnerships/?page_size=500")[2])
    slugs = [row["slug"] for row in listing["results"]]
    words = sorted({slug.split("-")[0] for slug in slugs if len(slug.split("-")[0]) >= 3})
    with open(args.cities_file) as listed:
        cities = [line.strip() for line in listed if line.strip()][:n]

    def query(combo: list[tuple[str, str]]) -> str:
        return urllib.parse.urlencode(combo)

    def search(word: str) -> str:
        return "/search/?" + urllib.parse.urlencode({"q": word[: rng.randint(3, 6)]})

    one = combinations(rng, values, 1, n)
    two = combinations(rng, values, 2, n)
    three = combinations(rng, values, 3, n)
    api = combinations(rng, values, 2, n + 50)[-n:]  # others than the browse pages' pairs
    letters = string.ascii_lowercase
    sampled = rng.sample(words, min(n, len(words)))
    # The busiest city in each language: four distinct pages of the same cost.
    busiest = [f"{prefix}/cities/{args.city}/" for prefix in ("", "/it", "/fa", "/vi")]
    # The five countries with most partnerships (the United States, Germany, ... at
    # 200,000): each sort of their table, its first, second and fifth page. The first page
    # of a sort computes the table's order (once per read version); the others read it.
    largest = sorted(values.get("country", []), key=lambda vc: -vc[1])[:5]
    countries = [
        f"/countries/{code}/?sort={sort}&page={page}"
        for code, _ in largest
        for sort in ("city", "-partner", "year")
        for page in (1, 2, 5)
    ]
    return [
        ("floor (robots.txt)", ["/robots.txt"], n),
        ("browse, no facet", [f"/partnerships/?page={p}" for p in range(1, n + 1)], 1),
        ("browse, 1 facet", [f"/partnerships/?{query(c)}" for c in one], 1),
        ("browse, 2 facets", [f"/partnerships/?{query(c)}" for c in two], 1),
        ("browse, 3 facets", [f"/partnerships/?{query(c)}" for c in three], 1),
        ("browse, one-letter q", [f"/partnerships/?q={letter}" for letter in letters], 1),
        ("search, one-letter q", [f"/search/?q={letter}" for letter in letters], 1),
        ("search, 3-6 letters", [search(word) for word in sampled], 1),
        ("partnership page", [f"/partnerships/{slug}/" for slug in slugs[:n]], 1),
        ("city page", [f"/cities/{slug}/" for slug in cities], 1),
        ("busiest city", busiest, 12),
        ("country page (5 largest)", countries, 1),
        ("API list with facets", [f"/api/v1/partnerships/?{query(c)}" for c in api], 1),
    ]


def admin_scenarios(args: argparse.Namespace, client: Client) -> list[tuple[str, list[str]]]:
    rng = random.Random(args.seed + 1)
    values, n = facet_values(client), args.admin_urls

    def query(combo: list[tuple[str, str]]) -> str:
        return urllib.parse.urlencode(combo)

    def admin_query(combo: list[tuple[str, str]]) -> str:
        return urllib.parse.urlencode([(ADMIN_EQUIVALENT[name], value) for name, value in combo])

    one = admin_combinations(rng, values, 1, n)
    three = admin_combinations(rng, values, 3, n)
    changelist = "/admin/agreements/partnership/"
    return [
        ("admin changelist, no filter", [f"{changelist}?p={p}" for p in range(1, n + 1)]),
        ("admin changelist, 1 filter", [f"{changelist}?{admin_query(c)}" for c in one]),
        ("admin changelist, 3 filters", [f"{changelist}?{admin_query(c)}" for c in three]),
        ("browse, same filters as admin", [f"/partnerships/?{query(c)}" for c in three]),
    ]


def run(args: argparse.Namespace) -> None:
    base = args.base_url
    client = Client(base)
    planned = scenarios(args, client)
    warm_up(base, args)
    pids = worker_pids(args.gunicorn_pid) if args.gunicorn_pid else []
    out: dict[str, Any] = {
        "mode": args.mode,
        "load_average_before": load_average(),
        "workers": len(pids),
        "worker_rss_mb": [rss_of([pid]) / 2**20 for pid in pids],
    }
    first, repeat = [], []
    for name, paths, times in planned:
        if args.mode == "uncached":
            first.append(measure(client, name, paths * times, pids))
        else:  # each distinct URL once (a miss), then once more (a hit); the floor as it is
            asked = paths * times if len(paths) == 1 else paths
            first.append(measure(client, name, asked, pids))
            repeat.append(measure(client, name, asked, pids))
        print(
            f"  {args.mode}: {name}: p50 {first[-1].p50:.1f} ms, p99 {first[-1].p99:.1f} ms, "
            f"server CPU {first[-1].cpu_ms:.1f} ms a request"
        )
    browse_mix = [path for name, paths, _ in planned if name in BROWSE for path in paths]
    out["throughput"] = {
        "floor": throughput(base, ["/robots.txt"], args.connections, args.seconds),
        "browse mix": throughput(base, browse_mix, args.connections, args.seconds),
    }
    if args.mode == "uncached" and args.admin_urls:
        admin = Client(base)
        admin.login(args.user, args.password)
        for name, paths in admin_scenarios(args, client):
            first.append(measure(admin, name, paths, pids))
    if args.mode == "uncached":
        out["export"] = export_all(base, args.gunicorn_pid or None)
    out["load_average_after"] = load_average()
    out["worker_rss_mb_after"] = [rss_of([pid]) / 2**20 for pid in pids]
    out["first"] = [asdict(result) for result in first]
    out["repeat"] = [asdict(result) for result in repeat]
    with open(args.out, "w") as written:
        json.dump(out, written, indent=2)


# -- the report ------------------------------------------------------------------------------


def verdict(value: float, limit: float, higher_is_better: bool = False) -> str:
    met = value >= limit if higher_is_better else value <= limit
    if met:
        return "met"
    return f"missed by {value / limit:.1f}×" if not higher_is_better else "missed"


def report(args: argparse.Namespace) -> None:
    uncached_path, cached_path, memory_path = args.report
    with open(uncached_path) as f:
        uncached = json.load(f)
    with open(cached_path) as f:
        cached = json.load(f)
    memory: dict[str, Any] = {}
    if os.path.exists(memory_path):
        with open(memory_path) as f:
            memory = json.load(f)
    off = {r["name"]: r for r in uncached["first"]}
    on = {r["name"]: r for r in cached["first"]}
    warm = {r["name"]: r for r in cached["repeat"]}
    print()
    print("Page cache OFF (uncached): every page built. ON, first visit: each distinct URL asked")
    print("once (a miss that stores it). ON, repeat visit: the same URLs again (cache hits).")
    header = (
        f"{'scenario':31} {'URLs':>5} │ {'OFF p50':>8} {'p99':>7} {'srv p99':>7} {'queries':>7}"
        f" {'CPU ms':>6} │ {'ON p50':>7} {'p99':>7} │ {'repeat p50':>10} {'p99':>6} │"
        f" {'admin ÷':>7}"
    )
    print(header)
    print("─" * len(header))
    for name, result in off.items():
        line = (
            f"{name:31} {result['urls']:5d} │ {result['p50']:8.1f} {result['p99']:7.1f} "
            f"{result['server_p99']:7.1f} {result['queries']:7.1f} {result.get('cpu_ms', 0):6.1f} │"
        )
        if name in on:
            line += f" {on[name]['p50']:7.1f} {on[name]['p99']:7.1f} │"
            line += f" {warm[name]['p50']:10.1f} {warm[name]['p99']:6.1f} │"
        else:
            line += f" {'':>7} {'':>7} │ {'':>10} {'':>6} │"
        if name in ADMIN_PAIRS and ADMIN_PAIRS[name] in off:
            line += f" {off[ADMIN_PAIRS[name]]['p50'] / result['p50']:6.1f}×"
        print(line)
        bad = {s: n for s, n in result["statuses"].items() if s != "200"}
        if bad:
            print(f"{'':31}       (statuses other than 200: {bad})")

    def share(run: dict[str, Any]) -> tuple[float, float, float]:
        floor = run["throughput"]["floor"]["per_second"]
        mix = run["throughput"]["browse mix"]["per_second"]
        return floor, mix, mix / floor if floor else 0.0

    off_floor, off_mix, off_share = share(uncached)
    on_floor, on_mix, on_share = share(cached)
    print(
        f"\nThroughput, {args.connections} connections, browse mix (0–3 facets), 200s only:"
        f"\n  page cache OFF: floor {off_floor:.0f}/s, browse {off_mix:.0f}/s ({off_share:.0%})"
        f"\n  page cache ON (every URL asked twice before): floor {on_floor:.0f}/s, browse "
        f"{on_mix:.0f}/s ({on_share:.0%})"
    )
    for run_ in (uncached, cached):
        print(
            f"load average during the {run_['mode']} run: {run_.get('load_average_before')} "
            f"at the start, {run_.get('load_average_after')} at the end ({os.cpu_count()} cores)"
        )
    export = uncached.get("export", {})
    if export:
        print(
            f"CSV export: {export['rows']:.0f} rows, {export['megabytes']:.1f} MB in "
            f"{export['seconds']:.1f} s, server memory growth {export['memory_growth_mb']:.0f} MB"
        )
    rss = uncached.get("worker_rss_mb_after") or []
    if rss:
        print(
            f"Served workers' RSS after the uncached run: {', '.join(f'{m:.0f}' for m in rss)} MB"
        )
    if memory:
        print(
            f"Bitmaps at {memory['records']:,} records ({memory['how']}): "
            f"memory() {memory['memory_mb']:.1f} MB, "
            f"process RSS growth {memory['rss_delta_mb']:.1f} MB"
        )

    worst = max(BROWSE, key=lambda name: off[name]["p50"])
    worst99 = max(BROWSE, key=lambda name: off[name]["p99"])
    record = max(RECORDS, key=lambda name: off[name]["p99"])
    letter = max(ONE_LETTER, key=lambda name: off[name]["p99"])
    queries = {name: round(off[name]["queries"], 1) for name in BROWSE + RECORDS + ONE_LETTER}

    def figure(name: str, key: str) -> str:
        return f"{off[name][key]:.1f} ms ({name})"

    targets = [
        ("browse p50 ≤ 15 ms", figure(worst, "p50"), off[worst]["p50"], 15),
        (
            "browse p99 ≤ 60 ms",
            figure(worst99, "p99"),
            off[worst99]["p99"],
            60,
        ),
        (
            "browse throughput ≥ 15% of floor",
            f"{off_share:.1%} ({off_mix:.0f} of {off_floor:.0f}/s)",
            off_share,
            0.15,
        ),
        (
            "record pages p99 ≤ 60 ms",
            figure(record, "p99"),
            off[record]["p99"],
            60,
        ),
        (
            "one-letter q ≤ 100 ms (p99)",
            figure(letter, "p99"),
            off[letter]["p99"],
            100,
        ),
    ]
    if memory:
        targets.append(
            ("bitmap memory ≤ 20 MB", f"{memory['memory_mb']:.1f} MB", memory["memory_mb"], 20)
        )
    print("\nTargets (page cache OFF):")
    checked = []
    for what, shown, value, limit in targets:
        higher = "throughput" in what
        if higher:
            status = "met" if value >= limit else f"missed ({value / limit:.0%} of the target)"
        else:
            status = verdict(value, limit)
        checked.append({"target": what, "result": shown, "status": status})
        print(f"  {what:36} {shown:44} {status}")
    print(f"  queries per page (uncached): {queries}")
    with open(args.json, "w") as out:
        json.dump(
            {
                "uncached": uncached,
                "cached": cached,
                "bitmap_memory": memory,
                "targets": checked,
                "queries": queries,
                "admin_speedup": {
                    name: off[admin]["p50"] / off[name]["p50"]
                    for name, admin in ADMIN_PAIRS.items()
                    if name in off and admin in off
                },
            },
            out,
            indent=2,
        )
    print(f"figures written to {args.json}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("uncached", "cached"))
    parser.add_argument("--report", nargs=3, metavar=("UNCACHED", "CACHED", "MEMORY"))
    parser.add_argument("--base-url", default="http://127.0.0.1:8002")
    parser.add_argument("--city", help="slug of the most connected city")
    parser.add_argument("--cities-file", help="city slugs, one a line (the city pages)")
    parser.add_argument("--partnership", help="slug of one partnership")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--gunicorn-pid", type=int, default=0)
    parser.add_argument("--combinations", type=int, default=200)
    parser.add_argument("--admin-urls", type=int, default=50)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warm-up", type=float, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", help="this run's figures (--mode)")
    parser.add_argument("--json", default="perf/results.json")
    args = parser.parse_args()
    if args.report:
        report(args)
    elif args.mode:
        run(args)
    else:
        parser.error("give --mode or --report")


if __name__ == "__main__":
    main()
