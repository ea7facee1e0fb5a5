"""World maps drawn on the server as SVG: no tiles, no map library, nothing from the internet.

The base map is Natural Earth's country outlines (``data/world-atlas``) in the Natural Earth
projection, served once and cached. Partnerships are drawn over it as great-circle arcs between
their cities, cities as points, in an overlay of the same size, so that a page stacks two
images: the static world and its own links.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string

WIDTH = 1000.0
# Natural Earth I spans ±2.7353 horizontally and ±1.4217 vertically (in radians-scaled units).
SCALE = WIDTH / (2 * 0.8707 * math.pi)
HEIGHT = round(2 * 1.42172 * SCALE, 1)
VIEWBOX = f"0 0 {WIDTH:g} {HEIGHT:g}"
TOPOLOGY = Path(__file__).parent / "data" / "world-atlas" / "countries-110m.json"
ARC_STEPS = 24

Point = tuple[float, float]


def project(longitude: float, latitude: float) -> Point:
    """Natural Earth I (Šavrič, Jenny, Patterson, Petrovič, Hurni 2011), into SVG units."""
    lam, phi = math.radians(longitude), math.radians(max(-90.0, min(90.0, latitude)))
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (
        0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4))
    )
    y = phi * (
        1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4))
    )
    return WIDTH / 2 + x * SCALE, HEIGHT / 2 - y * SCALE


def decode_polygons(topology: dict) -> Iterator[list[list[Point]]]:
    """Every polygon of every country, as its rings (the outline, then its holes), each a
    list of (longitude, latitude) (TopoJSON decoding)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: Sequence[int]) -> list[Point]:
        points: list[Point] = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            yield [ring(indexes) for indexes in polygon]


def decode_rings(topology: dict) -> Iterator[list[Point]]:
    """Every ring of every country, as (longitude, latitude) lists."""
    for polygon in decode_polygons(topology):
        yield from polygon


def path_data(points: Iterable[Point], closed: bool = False) -> str:
    """SVG path data; a jump across the map (the antimeridian) starts a new subpath."""
    parts: list[str] = []
    previous: Point | None = None
    for x, y in points:
        command = "M" if previous is None or abs(x - previous[0]) > WIDTH / 2 else "L"
        parts.append(f"{command}{x:.1f} {y:.1f}")
        previous = (x, y)
    return "".join(parts) + ("Z" if closed and parts else "")


@cache
def world_svg() -> str:
    """The base map, computed once per process."""
    topology = json.loads(TOPOLOGY.read_text())
    rings = (
        path_data([project(lon, lat) for lon, lat in ring], closed=True)
        for ring in decode_rings(topology)
    )
    edge = [project(-180, lat) for lat in range(-90, 91, 5)] + [
        project(180, lat) for lat in range(90, -91, -5)
    ]
    outline = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in edge) + "Z"  # the whole sphere
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{VIEWBOX}" '
        f'width="{WIDTH:g}" height="{HEIGHT:g}">'
        f'<path d="{outline}" fill="#eef3f7" stroke="#c9d4dd"/>'
        f'<path d="{"".join(rings)}" fill="#dde3e8" stroke="#ffffff" stroke-width="0.5"/>'
        "</svg>"
    )


def unwrapped(ring: list[Point]) -> list[Point]:
    """A ring that crosses the antimeridian (Fiji, Chukotka) made continuous, past ±180°,
    rather than drawn as a line across the whole flat map. Antarctica, which goes all the way
    round, is left as it is."""
    points = [ring[0]]
    shift = 0.0
    for (lon0, _), (lon, lat) in itertools.pairwise(ring):
        if lon - lon0 > 180:
            shift -= 360
        elif lon0 - lon > 180:
            shift += 360
        points.append((lon + shift, lat))
    if shift != 0:  # round the pole: keep the original
        return ring
    return points


@cache
def world_geojson() -> str:
    """The same countries as GeoJSON, the base layer of the interactive map (static/js/map.js
    draws it in the browser: no tiles, nothing from the web); computed once per process.

    One MultiPolygon of every country (the map names no country), coordinates rounded to
    0.01 degree, about 1 km, finer than the 1:110 million outlines themselves."""
    topology = json.loads(TOPOLOGY.read_text())
    polygons = [
        [[[round(lon, 2), round(lat, 2)] for lon, lat in unwrapped(ring)] for ring in polygon]
        for polygon in decode_polygons(topology)
    ]
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "MultiPolygon", "coordinates": polygons},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}, separators=(",", ":"))


def great_circle(start: Point, end: Point, steps: int = ARC_STEPS) -> list[Point]:
    """Points along the great circle from ``start`` to ``end`` (longitude, latitude)."""

    def vector(point: Point) -> tuple[float, float, float]:
        lon, lat = map(math.radians, point)
        return (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))

    a, b = vector(start), vector(end)
    angle = math.acos(max(-1.0, min(1.0, sum(p * q for p, q in zip(a, b, strict=True)))))
    if angle < 1e-9:
        return [start, end]
    points = []
    for step in range(steps + 1):
        t = step / steps
        wa, wb = math.sin((1 - t) * angle) / math.sin(angle), math.sin(t * angle) / math.sin(angle)
        x, y, z = (wa * p + wb * q for p, q in zip(a, b, strict=True))
        points.append(
            (math.degrees(math.atan2(y, x)), math.degrees(math.atan2(z, math.hypot(x, y))))
        )
    return points


@dataclass(frozen=True)
class Place:
    name: str
    longitude: float
    latitude: float


@dataclass(frozen=True)
class Link:
    start: Place
    end: Place

    @property
    def ends(self) -> tuple[Point, Point]:
        """(longitude, latitude) of both cities."""
        return (
            (self.start.longitude, self.start.latitude),
            (self.end.longitude, self.end.latitude),
        )


def overlay_svg(links: Sequence[Link], places: Sequence[Place], title: str) -> str:
    """Partnerships as arcs and cities as points, to lay over ``world_svg``
    (``templates/directory/map_overlay.svg``, which escapes the names)."""
    dots = []
    for place in places:
        x, y = project(place.longitude, place.latitude)
        dots.append({"x": f"{x:.1f}", "y": f"{y:.1f}", "name": place.name})
    arcs = [path_data(project(*p) for p in great_circle(*link.ends)) for link in links]
    return render_to_string(
        "directory/map_overlay.svg",
        {
            "viewbox": VIEWBOX,
            "width": f"{WIDTH:g}",
            "height": f"{HEIGHT:g}",
            "title": title,
            "arcs": arcs,
            "dots": dots,
        },
    )
