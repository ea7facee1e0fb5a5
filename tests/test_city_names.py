"""Cities under their names: the city page leads with the city's own names and its name in the
page's language, each labelled with its language, the gazetteer's unlabelled variants behind
a disclosure; the other pages name a city in the page's language when the data has it."""

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities import models
from cities.models import City, CityName

from .factories import CityFactory, CityNameFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def html_of(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return str(response.content.decode())


def florence() -> City:
    """Florence as the gazetteer and the seed give it: a few names with their language and
    kind, and many alternate names of unknown language (GeoNames)."""
    city = CityFactory(name="Florence", slug="florence", country="IT", geonames_id=3176959)
    CityNameFactory(city=city, name="Firenze", language="it", kind="endonym", is_preferred=True)
    CityNameFactory(city=city, name="Florence", language="en", kind="exonym", is_preferred=True)
    CityNameFactory(city=city, name="فلورانس", language="fa", kind="exonym", is_preferred=True)
    CityNameFactory(city=city, name="Florentia", language="la", kind="historical")
    CityNameFactory(city=city, name="Flurans", language="fa-Latn", kind="transliteration")
    for name in ("flwrns", "flxrens", "Флоренция", "フィレンツェ"):
        CityNameFactory(city=city, name=name, language="")
    return city


def between(html: str, start: str, end: str) -> str:
    first = html.index(start)
    return html[first : html.index(end, first)]


def header_of(html: str) -> str:
    return between(html, '<header class="record-header">', "</header>")


def names_disclosure(html: str) -> str:
    return between(html, '<details class="more-names">', "</details>")


def test_the_city_page_leads_with_its_local_name_labelled_with_its_language(client: Any) -> None:
    florence()
    html = html_of(client, "/cities/florence/")
    header = header_of(html)
    assert re.search(r'<dt>Italian</dt><dd><bdi lang="it">Firenze</bdi></dd>', header)
    assert re.search(r'<dt>English</dt><dd><bdi lang="en">Florence</bdi></dd>', header)
    leading = between(header, '<dl class="city-names">', "</dl>")
    assert leading.index("Firenze") < leading.index("Florence")  # the local name first
    for elsewhere in ("فلورانس", "Florentia", "Flurans", "flwrns", "Флоренция"):
        assert elsewhere not in header


def test_the_other_names_are_collapsed_with_transliterations_last(client: Any) -> None:
    florence()
    disclosure = names_disclosure(html_of(client, "/cities/florence/"))
    assert re.search(r'<dt>Persian</dt><dd><bdi lang="fa">فلورانس</bdi></dd>', disclosure)
    assert re.search(r'<dt>Latin</dt><dd><bdi lang="la">Florentia</bdi> <span', disclosure)
    assert '<ul class="names" lang="">' in disclosure  # no language known: none claimed
    assert "<li><bdi>flwrns</bdi></li>" in disclosure and "フィレンツェ" in disclosure
    transliteration = disclosure.index('<dt>Persian (Latin)</dt><dd><bdi lang="fa-Latn">Flurans')
    assert transliteration > disclosure.index("flwrns") > disclosure.index("Florentia")
    assert '<span class="count">7</span>' in disclosure  # all the names it holds


def test_the_city_page_labels_names_in_the_pages_language(client: Any) -> None:
    florence()
    persian = header_of(html_of(client, "/fa/cities/florence/"))
    assert '<h1><bdi lang="fa">فلورانس</bdi></h1>' in persian
    assert re.search(r'<dt>ایتالیایی</dt><dd><bdi lang="it">Firenze</bdi>', persian)
    assert re.search(r'<dt>فارسی</dt><dd><bdi lang="fa">فلورانس</bdi>', persian)
    assert '<p class="also">Florence</p>' in persian
    italian = header_of(html_of(client, "/it/cities/florence/"))
    assert re.search(r'<dt>Italiano</dt><dd><bdi lang="it">Firenze</bdi>', italian)


def test_a_preferred_name_in_an_official_language_of_the_country_is_local() -> None:
    tehran = CityFactory(name="Tehran", country="IR")
    CityNameFactory(city=tehran, name="تهران", language="fa", is_preferred=True)  # kind unknown
    CityNameFactory(city=tehran, name="Tehran", language="en", is_preferred=True)
    names = City.objects.prefetch_related("names").get(pk=tehran.pk).names_by_language("it")
    assert [(group.label, [n.name for n in group.names]) for group in names.leading] == [
        ("Persiano", ["تهران"])
    ]
    assert [group.language for group in names.other_languages] == ["en"]


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("it", "en", "Italian"),
        ("it", "fa", "ایتالیایی"),
        ("fa-Latn", "en", "Persian (Latin)"),
        ("it", "it", "Italiano"),
        ("qaa", "en", "qaa"),
    ],
)
def test_languages_are_named_in_the_pages_language(code: str, language: str, name: str) -> None:
    assert models.language_name(code, language) == name


def test_the_city_page_without_labelled_names_collapses_them_all(client: Any) -> None:
    city = CityFactory(name="Hanoi", slug="hanoi", country="VN", geonames_id=1581130)
    CityNameFactory(city=city, name="hanwy", language="")
    html = html_of(client, "/cities/hanoi/")
    assert 'class="city-names"' not in header_of(html)
    assert "hanwy" in names_disclosure(html)


def pair() -> Any:
    city = florence()
    hanoi = CityFactory(name="Hanoi", slug="hanoi", country="VN")
    CityNameFactory(city=hanoi, name="هانوی", language="fa", is_preferred=True)
    CityNameFactory(city=hanoi, name="Hà Nội", language="vi", is_preferred=True)
    return PartnershipFactory(city_a=city, city_b=hanoi, slug="florence-hanoi")


def breadcrumb(html: str) -> str:
    return re.search(r'<span aria-current="page">(.*?)</span>', html).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("language", "current"),
    [
        ("fa", '<bdi lang="fa">فلورانس</bdi> – <bdi lang="fa">هانوی</bdi>'),
        ("it", '<bdi lang="it">Firenze</bdi> – <bdi>Hanoi</bdi>'),
    ],
)
def test_the_partnership_page_names_the_cities_in_the_pages_language(
    client: Any, language: str, current: str
) -> None:
    partnership = pair()
    html = html_of(client, f"/{language}{partnership.get_absolute_url()}")
    assert breadcrumb(html) == current
    title = re.sub(r"<[^>]+>", "", current)
    assert f"<title>{title} · Twinning</title>" in html
    svg = html_of(client, f"/{language}/partnerships/florence-hanoi/map.svg")
    assert f"<title>{title}</title>" in svg


def test_the_city_page_breadcrumb_and_map_use_the_pages_language(client: Any) -> None:
    pair()
    assert breadcrumb(html_of(client, "/fa/cities/hanoi/")) == '<bdi lang="fa">هانوی</bdi>'
    assert "<title>هانوی</title>" in html_of(client, "/fa/cities/hanoi/map.svg")
    assert "<title>Firenze</title>" in html_of(client, "/it/cities/florence/map.svg")


def test_the_agreement_page_names_its_partnership_in_the_pages_language(client: Any) -> None:
    from .factories import AgreementFactory

    agreement = AgreementFactory(partnership=pair())
    html = html_of(client, f"/fa{agreement.get_absolute_url()}")
    crumbs = between(html, '<nav class="breadcrumbs"', "</nav>")
    assert '<bdi lang="fa">فلورانس</bdi> – <bdi lang="fa">هانوی</bdi></a>' in crumbs


@pytest.mark.parametrize(
    ("language", "label"),
    [("fa", '<bdi lang="fa">هانوی</bdi> (VN)'), ("it", '<bdi lang="it">Firenze</bdi> (IT)')],
)
def test_chart_labels_name_cities_in_the_pages_language(
    client: Any, language: str, label: str
) -> None:
    pair()
    html = html_of(client, f"/{language}/partnerships/charts/")
    assert f'<span class="chart-label">{label}</span>' in html
    assert f'<th scope="row">{label}</th>' in html


def test_chart_labels_escape_city_names(client: Any) -> None:
    PartnershipFactory(city_a=CityFactory(name="<b>Bold</b>"), city_b=CityFactory())
    html = html_of(client, "/partnerships/charts/")
    assert "<bdi>&lt;b&gt;Bold&lt;/b&gt;</bdi> (IT)" in html and "<b>Bold" not in html


def queries(client: Any, url: str) -> int:
    client.get(url)  # the facet bitmaps catch up with the new records
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def add_names(city: City, count: int) -> None:
    CityName.objects.bulk_create(
        CityName(city=city, name=f"Name {city.pk} {n}", language="", search_key=f"n{city.pk}{n}")
        for n in range(count)
    )


def add_partners(partnership: Any, count: int) -> None:
    """Cities with names, partners of both cities of ``partnership``."""
    for _ in range(count):
        other = CityFactory(country="FR")
        CityNameFactory(city=other, language="fa", is_preferred=True)
        CityNameFactory(city=other, language="fr", kind="endonym", is_preferred=True)
        add_names(other, 5)
        PartnershipFactory(city_a=partnership.city_a, city_b=other)
        PartnershipFactory(city_a=partnership.city_b, city_b=other)


@pytest.mark.parametrize(
    "url",
    [
        "/fa/cities/florence/",
        "/it/cities/florence/",
        "/fa/partnerships/florence-hanoi/",
        "/fa/partnerships/charts/",
        "/fa/cities/florence/map.svg",
    ],
)
def test_names_cost_no_query_per_name_or_city(client: Any, url: str) -> None:
    partnership = pair()
    add_partners(partnership, 1)
    queries(client, url)  # warms the per-process caches (content types)
    few = queries(client, url)
    add_names(partnership.city_a, 60)
    add_partners(partnership, 12)
    assert queries(client, url) == few


# -- Names in the site's languages from CLDR ---------------------------------------------------


def gazetteer_entries(*names: str) -> list[dict[str, Any]]:
    from cities.gazetteer import load_geonames

    wanted = set(names)
    return [entry for entry in load_geonames() if entry["name"] in wanted]


def test_the_gazetteer_gives_the_largest_cities_their_names_in_the_sites_languages(
    client: Any,
) -> None:
    """GeoNames' alternate names have no language; CLDR's do: Rome is رم on a Persian page
    and Roma (its local name) on an Italian one, Moscow Mát-xcơ-va in Vietnamese."""
    from cities.gazetteer import Gazetteer

    entries = [
        entry
        for entry in gazetteer_entries("Rome", "Moscow")
        if entry["countrycode"] in {"IT", "RU"}
    ]
    report = Gazetteer(entries).load()
    assert report.language_names_added >= 4
    rome = City.objects.get(geonames_id=3169070)
    tagged = {(n.language, n.name, n.kind, n.is_preferred) for n in rome.names.exclude(language="")}
    assert {("it", "Roma", "endonym", True), ("fa", "رم", "exonym", True)} <= tagged
    moscow = City.objects.get(geonames_id=524901)
    assert moscow.names.get(language="vi").name == "Mát-xcơ-va"
    PartnershipFactory(city_a=rome, city_b=moscow)
    persian = html_of(client, "/fa/partnerships/")
    assert '<bdi lang="fa">رم</bdi>' in persian and '<bdi lang="fa">مسکو</bdi>' in persian
    assert '<bdi lang="it">Roma</bdi>' in html_of(client, "/it/partnerships/")
    # A second load adds nothing.
    assert Gazetteer(entries).load().language_names_added == 0


def test_a_curators_preferred_name_stays_preferred() -> None:
    from cities.gazetteer import Gazetteer

    entries = [entry for entry in gazetteer_entries("Rome") if entry["countrycode"] == "IT"]
    rome = CityFactory(name="Rome", country="IT", geonames_id=3169070)
    CityNameFactory(city=rome, name="روم", language="fa", kind="exonym", is_preferred=True)
    Gazetteer(entries).load()
    preferred = rome.names.get(language="fa", is_preferred=True)
    assert preferred.name == "روم"
    assert rome.names.filter(language="fa", name="رم", is_preferred=False).exists()
