"""Downloads of what a browse page shows, "Cite this", maps and charts."""

import csv
import io
import json
import re
import tracemalloc
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from agreements.models import Partnership, PartnershipKind, Theme
from cities.models import City

from .factories import CityFactory, PartnershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

BROWSE = "/partnerships/"


def download(client: Any, query: str) -> tuple[Any, str]:
    response = client.get(f"{BROWSE}?{query}")
    assert response.status_code == 200
    return response, b"".join(response.streaming_content).decode("utf-8")


def located(name: str, country: str, lat: str, lon: str) -> City:
    return CityFactory(name=name, country=country, latitude=Decimal(lat), longitude=Decimal(lon))


@pytest.fixture
def isfahan_florence() -> Partnership:
    isfahan = located("اصفهان", "IR", "32.65246", "51.67462")
    florence = located("Florence", "IT", "43.77925", "11.24626")
    florence.wikidata_id = "Q2044"
    florence.save()
    return PartnershipFactory(
        city_a=isfahan,
        city_b=florence,
        established="1998-01-01",
        established_precision="year",
        established_as_written="1377 SH",
    )


def test_the_csv_holds_exactly_the_filtered_records_in_utf8_with_a_bom(
    client: Any, isfahan_florence: Partnership
) -> None:
    PartnershipFactory(city_a=CityFactory(country="FR"), city_b=CityFactory(country="DE"))
    PartnershipFactory(city_a=CityFactory(country="IT"), publication_state="draft")
    response, text = download(client, "country=IR&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="twinning-partnerships-' in response["Content-Disposition"]
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["url"] == f"http://testserver/partnerships/{isfahan_florence.slug}/"
    assert row["city_a_name"] == "اصفهان" and row["city_a_country"] == "IR"
    assert row["city_b_wikidata_id"] == "Q2044" and row["city_b_latitude"] == "43.77925"
    assert (row["established"], row["established_precision"]) == ("1998", "year")
    assert row["established_as_written"] == "1377 SH"


def test_every_row_the_page_counts_is_downloaded_not_one_page(client: Any) -> None:
    for _ in range(45):
        PartnershipFactory(city_a=CityFactory(country="IT"))
    page = client.get(f"{BROWSE}?country=IT")
    assert page.context["page"].paginator.count == 45
    assert 'href="?country=IT&amp;format=csv"' in page.content.decode()
    _response, text = download(client, "country=IT&format=csv&page=2")
    assert len(text.strip().splitlines()) == 46  # the header and every record


@pytest.mark.parametrize("sort", ["name", "established", "-established", "-updated"])
def test_each_downloaded_row_carries_its_own_themes_in_any_sort_order(
    client: Any, sort: str
) -> None:
    themes = list(Theme.objects.order_by("slug")[:5])
    expected = {}
    for n in range(12):
        partnership = PartnershipFactory(
            established=f"{1960 + n % 4}-01-01" if n % 3 else None,
            established_precision="year" if n % 3 else "",
        )
        chosen = themes[n % 5 : n % 5 + n % 3]
        partnership.themes.add(*chosen)
        expected[partnership.slug] = ";".join(theme.slug for theme in chosen)
    _response, text = download(client, f"sort={sort}&format=csv")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {row["slug"]: row["themes"] for row in rows} == expected


def test_json_and_geojson_are_valid_and_carry_geometry(
    client: Any, isfahan_florence: Partnership
) -> None:
    _response, text = download(client, "format=json")
    body = json.loads(text)
    assert body["count"] == 1 and body["results"][0]["themes"] == []
    assert body["results"][0]["established"]["iso"] == "1998"
    response, text = download(client, "format=geojson")
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(text)
    assert collection["type"] == "FeatureCollection"
    feature = collection["features"][0]
    assert feature["geometry"] == {
        "type": "LineString",
        "coordinates": [[51.67462, 32.65246], [11.24626, 43.77925]],
    }
    assert feature["properties"]["slug"] == isfahan_florence.slug


def test_a_record_without_coordinates_has_a_null_geometry(client: Any) -> None:
    PartnershipFactory()
    _response, text = download(client, "format=geojson")
    assert json.loads(text)["features"][0]["geometry"] is None


def test_project_and_city_downloads(client: Any) -> None:
    project = ProjectFactory(title="Музыка", partnership=None)
    project.cities.add(located("Hà Nội", "VN", "21.0245", "105.84117"))
    response = client.get("/projects/?format=csv")
    text = b"".join(response.streaming_content).decode()
    assert "Музыка" in text and "Hà Nội" in text
    cities = json.loads(b"".join(client.get("/cities/?format=geojson").streaming_content))
    assert cities["features"][0]["geometry"]["type"] == "Point"


def test_an_unknown_format_is_a_400(client: Any) -> None:
    response = client.get(f"{BROWSE}?format=xlsx")
    assert response.status_code == 400
    assert "xlsx is not a download format" in response.content.decode()


def test_drafts_never_leak_into_downloads(client: Any) -> None:
    PartnershipFactory(slug="public-pair")
    PartnershipFactory(slug="secret-pair", publication_state="draft")
    PartnershipFactory(slug="pending-pair", publication_state="in_review")
    ProjectFactory(slug="secret-project", publication_state="draft")
    text = "".join(
        b"".join(client.get(url).streaming_content).decode()
        for url in (
            f"{BROWSE}?format=csv",
            f"{BROWSE}?format=json",
            f"{BROWSE}?format=geojson",
            "/projects/?format=csv",
        )
    )
    assert "public-pair" in text
    assert "secret-pair" not in text and "pending-pair" not in text and "secret-project" not in text


def bulk_partnerships(count: int) -> None:
    cities = City.objects.bulk_create(
        City(name=f"Town {n}", slug=f"town-{n}", country="FR", search_key=f"town {n}")
        for n in range(count + 1)
    )
    Partnership.objects.bulk_create(
        Partnership(
            city_a=cities[n],
            city_b=cities[n + 1],
            kind=PartnershipKind.SISTER_CITY,
            status="active",
            slug=f"pair-{n}",
            publication_state="published",
            summary="x" * 200,
        )
        for n in range(count)
    )


def peak_while_streaming(client: Any) -> tuple[int, int]:
    response = client.get(f"{BROWSE}?format=csv")
    tracemalloc.start()
    rows = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows, peak


def test_a_large_export_streams_in_constant_memory(client: Any) -> None:
    from api.rows import CHUNK

    bulk_partnerships(CHUNK * 3)
    rows_small, peak_small = peak_while_streaming(client)
    Partnership.objects.all().delete()
    City.objects.all().delete()
    bulk_partnerships(CHUNK * 12)
    rows_large, peak_large = peak_while_streaming(client)
    assert (rows_small, rows_large) == (CHUNK * 3 + 1, CHUNK * 12 + 1)
    # Four times the rows, not four times the memory: the peak holds two chunks, not the file.
    assert peak_large < peak_small * 1.2, (peak_small, peak_large)


# -- Cite this ---------------------------------------------------------------------------------


def test_every_record_page_offers_a_citation(client: Any, isfahan_florence: Partnership) -> None:
    html = client.get(isfahan_florence.get_absolute_url()).content.decode()
    assert "Cite this" in html
    assert f"http://testserver/partnerships/{isfahan_florence.slug}/</bdi> (accessed " in html
    bibtex = client.get(
        reverse("directory:cite-bibtex", args=["partnership", isfahan_florence.slug])
    )
    assert bibtex["Content-Type"].startswith("application/x-bibtex")
    text = bibtex.content.decode()
    assert text.startswith(f"@misc{{twinning:partnership:{isfahan_florence.slug},")
    assert re.search(r"urldate = \{\d{4}-\d{2}-\d{2}\}", text)
    csl = client.get(reverse("directory:cite-csl", args=["partnership", isfahan_florence.slug]))
    item = json.loads(csl.content)[0]
    assert item["type"] == "webpage" and item["URL"].endswith(f"/{isfahan_florence.slug}/")
    assert len(item["accessed"]["date-parts"][0]) == 3


def test_the_citation_is_written_in_the_page_language(
    client: Any, isfahan_florence: Partnership
) -> None:
    """A reader citing from the Italian or Persian page gets the words, quotation marks and
    dates of that language, the address left to right; the English form stays one click away."""
    italian = client.get(f"/it/partnerships/{isfahan_florence.slug}/").content.decode()
    cite = italian[italian.index('class="cite-text"') :]
    cite = cite[: cite.index("</p>")]
    assert "«<bdi>" in cite
    assert re.search(r"\(consultato il \d{1,2} [a-z]+ \d{4}\)\.", cite), cite
    assert f'<bdi dir="ltr">http://testserver/partnerships/{isfahan_florence.slug}/</bdi>' in cite
    assert '<p lang="en" dir="ltr">“' in italian  # the English form, marked as English
    persian = client.get(f"/fa/partnerships/{isfahan_florence.slug}/").content.decode()
    cite = persian[persian.index('class="cite-text"') :]
    cite = cite[: cite.index("</p>")]
    assert re.search(r"\(دسترسی در [۰-۹]{1,2} \S+ [۰-۹]{4}\)", cite), cite
    assert "accessed" not in cite


def test_a_citation_is_the_permanent_address_whatever_the_page_language(
    client: Any, isfahan_florence: Partnership
) -> None:
    html = client.get(f"/fa/partnerships/{isfahan_florence.slug}/").content.decode()
    assert f"http://testserver/partnerships/{isfahan_florence.slug}/ (accessed" in html


def test_bibtex_escapes_its_special_characters(client: Any) -> None:
    from directory.citing import bibtex_escape

    assert bibtex_escape("Arts & Crafts 100% {new}_") == r"Arts \& Crafts 100\% \{new\}\_"


def test_unpublished_records_cannot_be_cited(client: Any) -> None:
    draft = PartnershipFactory(publication_state="draft")
    assert (
        client.get(reverse("directory:cite-bibtex", args=["partnership", draft.slug])).status_code
        == 404
    )
    assert client.get("/cite/nonsense/x.bib").status_code == 404


# -- Maps and charts ---------------------------------------------------------------------------


def arcs(svg: str) -> int:
    group = svg.split('stroke="#1d5a86"', 1)[1].split("</g>", 1)[0]
    return group.count("<path")


@pytest.mark.parametrize("count", [0, 1, 12])
def test_the_browse_map_draws_the_filtered_partnerships(client: Any, count: int) -> None:
    hub = located("Hub", "IT", "41.9", "12.5")
    for n in range(count):
        PartnershipFactory(city_a=hub, city_b=located(f"P{n}", "FR", "48.8", f"{2 + n / 10}"))
    PartnershipFactory(city_a=located("Far", "JP", "35.6", "139.7"), publication_state="draft")
    response = client.get("/partnerships/map.svg?country=IT")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert arcs(svg) == count
    assert f"{count} of {count} partnerships drawn" in svg


def test_an_arc_across_the_pacific_is_split_at_the_edge_of_the_map(client: Any) -> None:
    from directory.maps import great_circle, path_data, project

    tokyo_san_francisco = great_circle((139.7, 35.7), (-122.4, 37.8))
    path = path_data(project(*point) for point in tokyo_san_francisco)
    assert path.count("M") == 2  # two pieces, not a line across the whole world


def test_the_world_map_is_the_base_of_every_map(client: Any) -> None:
    response = client.get("/maps/world.svg")
    assert response.status_code == 200 and "max-age=86400" in response["Cache-Control"]
    assert response.content.count(b"<path") >= 2


def test_record_pages_show_their_own_map_with_a_text_alternative(
    client: Any, isfahan_florence: Partnership
) -> None:
    html = client.get(isfahan_florence.get_absolute_url()).content.decode()
    assert f'src="/partnerships/{isfahan_florence.slug}/map.svg"' in html
    assert 'alt="The two cities on a world map"' in html
    svg = client.get(f"/partnerships/{isfahan_florence.slug}/map.svg").content.decode()
    assert arcs(svg) == 1
    city_svg = client.get(f"/cities/{isfahan_florence.city_b.slug}/map.svg").content.decode()
    assert arcs(city_svg) == 1


@pytest.mark.parametrize("count", [0, 1, 8])
def test_charts_of_the_filtered_set(client: Any, count: int) -> None:
    italy = CityFactory(name="Roma", country="IT")
    for n in range(count):
        PartnershipFactory(
            city_a=italy,
            city_b=CityFactory(country="FR" if n % 2 else "ES"),
            established=f"{1960 + 10 * (n % 3)}-01-01",
            established_precision="year",
        )
    response = client.get("/partnerships/charts/?country=IT")
    assert response.status_code == 200
    decades = response.context["decades"].bars
    assert sum(bar.value for bar in decades) == count
    cities = response.context["cities"].bars
    assert (cities[0].label, cities[0].value) == ("Roma (IT)", count) if count else cities == []
    pairs = response.context["pairs"]
    if count:
        italy_row = pairs.cells[pairs.codes.index("IT")]
        assert sum(italy_row) == count
    html = response.content.decode()
    assert ("The data as a table" in html) == bool(count)


def test_charts_mirror_on_right_to_left_pages(client: Any) -> None:
    PartnershipFactory(established="1990-01-01", established_precision="year")
    ltr = client.get("/partnerships/charts/").context["decades"]
    rtl = client.get("/fa/partnerships/charts/").context["decades"]
    assert (ltr.label_anchor, rtl.label_anchor) == ("end", "start")
    assert rtl.bars[0].x + rtl.bars[0].width == pytest.approx(ltr.width - ltr.bars[0].x)
