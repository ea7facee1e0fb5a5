"""Record pages, search, languages and what search engines see: published records only."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify

from agreements.models import Meeting, Partnership, PartnershipFacet, Theme
from cities.models import City

from .factories import (
    AgreementFactory,
    CityFactory,
    CityNameFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkFactory,
    PartnershipFactory,
    PersonFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

SEEDED_PAGES = [
    ("home", []),
    ("directory:partnership-list", []),
    ("directory:partnership-detail", ["florence-isfahan"]),
    ("directory:agreement-detail", ["isfahan-florence-sister-city-pact"]),
    ("directory:meeting-detail", ["hanoi-chairman-receives-italian-ambassador-2022-09-20"]),
    ("directory:project-list", []),
    ("directory:project-detail", ["isfahan-florence-joint-music-project"]),
    ("directory:city-list", []),
    ("directory:city-detail", ["carrara"]),
    ("directory:network-list", []),
    ("directory:network-detail", ["unesco-creative-cities-network"]),
    ("directory:country-list", []),
    ("directory:country-detail", ["IT"]),
    ("directory:person-detail", ["iman-hojjati"]),
    ("directory:search", []),
]


def html_of(client: Any, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return str(response.content.decode())


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("language", ["en", "it", "fa", "vi"])
@pytest.mark.parametrize(("name", "args"), SEEDED_PAGES, ids=[n for n, _ in SEEDED_PAGES])
def test_every_page_opens_in_every_language(
    client: Any, language: str, name: str, args: list[str]
) -> None:
    with translation.override(language):
        url = reverse(name, args=args)
    html = html_of(client, url)
    assert f'<html lang="{language}" dir="{"rtl" if language == "fa" else "ltr"}">' in html
    assert '<link rel="canonical"' in html and 'property="og:title"' in html
    for other in ("en", "it", "fa", "vi"):
        assert f'hreflang="{other}"' in html


def test_unprefixed_pages_are_english_whatever_the_browser_asks(client: Any) -> None:
    html = html_of(client, reverse("home"))
    assert '<html lang="en"' in html
    response = client.get(reverse("home"), headers={"Accept-Language": "fa"})
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.usefixtures("seeded")
def test_the_language_switcher_keeps_the_page_and_its_filters(client: Any) -> None:
    html = html_of(client, "/partnerships/?country=IT&theme=music")
    assert 'href="/fa/partnerships/?country=IT&amp;theme=music" hreflang="fa"' in html
    assert 'href="/it/partnerships/?country=IT&amp;theme=music" hreflang="it"' in html


@pytest.mark.usefixtures("seeded")
def test_persian_pages_are_right_to_left_with_localised_names(client: Any) -> None:
    html = html_of(client, "/fa/partnerships/florence-isfahan/")
    assert '<html lang="fa" dir="rtl">' in html
    assert "اصفهان" in html and "فلورانس" in html  # the cities under their Persian names
    assert "ایتالیا" in html  # Italy, in Persian
    assert "همکاری‌ها" in html  # the interface itself


@pytest.mark.usefixtures("seeded")
def test_italian_and_vietnamese_pages_use_local_city_and_country_names(client: Any) -> None:
    assert "Firenze" in html_of(client, "/it/partnerships/florence-isfahan/")
    vietnamese = html_of(client, "/vi/partnerships/hanoi-rome-institutional/")
    assert "Hà Nội" in vietnamese and "Quan hệ đối tác" in vietnamese


@pytest.mark.usefixtures("seeded")
def test_the_partnership_page_tells_its_history_in_order(client: Any) -> None:
    html = html_of(client, "/partnerships/florence-isfahan/")
    timeline = html.split('class="timeline"')[1].split("</ol>")[0]
    events = re.findall(r'<p class="event-title"[^>]*>(.*?)</p>', timeline)
    titles = [re.sub(r"<[^>]+>", "", e) for e in events]
    assert titles[:4] == ["Active", "Isfahan–Florence sister-city pact", "Dormant", "Active"]
    assert '<time datetime="1998">1998</time>' in timeline
    assert "c. 2017" in timeline
    assert "January" not in html  # a year is never shown as 1 January
    assert "1377 SH" in html


@pytest.mark.usefixtures("seeded")
def test_the_partnership_page_shows_people_and_sources_in_both_languages(client: Any) -> None:
    html = html_of(client, "/partnerships/florence-isfahan/")
    assert "Iman Hojjati" in html and "ایمان حجتی" in html
    assert '<blockquote lang="fa" dir="rtl">' in html
    assert '<blockquote class="rendering" lang="en" dir="ltr">' in html
    sources = html.split('id="sources-heading"')[1]
    excerpts = re.findall(r'<blockquote lang="fa" dir="rtl">(.*?)</blockquote>', sources, re.S)
    assert len(excerpts) == len(set(excerpts)), "a passage cited by several records shows once"


def test_a_published_partnership_page_never_reveals_unpublished_records(client: Any) -> None:
    partnership = PartnershipFactory()
    AgreementFactory(partnership=partnership, title="Secret draft pact", publication_state="draft")
    MeetingFactory(partnership=partnership, title="Unannounced meeting", publication_state="draft")
    ProjectFactory(partnership=partnership, title="Hidden project", publication_state="in_review")
    meeting = MeetingFactory(partnership=partnership, title="Public meeting")
    meeting.participants.create(person=PersonFactory(name="Dr Draft", publication_state="draft"))
    html = html_of(client, partnership.get_absolute_url())
    for secret in ("Secret draft pact", "Unannounced meeting", "Hidden project", "Dr Draft"):
        assert secret not in html
    assert "Public meeting" in html


@pytest.mark.parametrize("state", ["draft", "in_review", "withdrawn"])
def test_unpublished_records_have_no_page(client: Any, state: str) -> None:
    partnership = PartnershipFactory(publication_state=state)
    assert client.get(partnership.get_absolute_url()).status_code == 404
    for record in (
        AgreementFactory(publication_state=state),
        MeetingFactory(publication_state=state),
        ProjectFactory(publication_state=state),
        PersonFactory(publication_state=state),
    ):
        assert client.get(record.get_absolute_url()).status_code == 404
    published_agreement = AgreementFactory(partnership=partnership)
    assert client.get(published_agreement.get_absolute_url()).status_code == 404


def test_a_meeting_of_an_unpublished_partnership_is_not_public(client: Any) -> None:
    # Its page would reveal the draft (tests/test_draft_leaks.py covers every surface).
    secret = PartnershipFactory(publication_state="draft")
    meeting = MeetingFactory(partnership=secret)
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_the_city_page_groups_partners_by_country(client: Any) -> None:
    rome = CityFactory(name="Rome", country="IT")
    PartnershipFactory(city_a=rome, city_b=CityFactory(name="Paris", country="FR"))
    PartnershipFactory(city_a=rome, city_b=CityFactory(name="Lyon", country="FR"))
    PartnershipFactory(city_a=rome, city_b=CityFactory(name="Hanoi", country="VN"))
    PartnershipFactory(
        city_a=rome, city_b=CityFactory(name="Kyoto", country="JP"), publication_state="draft"
    )
    html = html_of(client, rome.get_absolute_url())
    headings = re.findall(r'<h3 class="group-heading"><a [^>]*>([^<]*)</a>', html)
    assert headings == ["France", "Vietnam"]
    assert "Kyoto" not in html
    assert "3 partnerships" in html


@pytest.mark.usefixtures("seeded")
def test_the_network_page_groups_members_by_field_and_shows_offices(client: Any) -> None:
    uccn = html_of(client, "/networks/unesco-creative-cities-network/")
    fields = re.findall(r'<h3 class="group-heading">([^<]*)</h3>', uccn)
    assert fields == sorted(fields) and "Crafts and Folk Art" in fields and "Music" in fields
    assert "November 2017" in uccn  # Carrara, at the precision of the source
    assert "Italian Coordination of UNESCO Creative Cities" in uccn  # the sub-network
    coordination = html_of(client, "/networks/italian-coordination-unesco-creative-cities/")
    roles = coordination.split('id="roles-heading"')[1].split("</section>")[0]
    assert "Carrara" in roles and "coordination office" in roles and "February 2021" in roles


def test_the_country_page_sums_up_partnerships_by_partner_country(client: Any) -> None:
    for _ in range(12):
        PartnershipFactory(city_a=CityFactory(country="DE"), city_b=CityFactory(country="FR"))
    PartnershipFactory(city_a=CityFactory(country="DE"), city_b=CityFactory(country="DE"))
    response = client.get("/countries/DE/")
    counts = {row["code"]: row["count"] for row in response.context["partner_countries"]}
    assert counts == {"FR": 12, "DE": 1}
    assert len(response.context["page"].object_list) == 13  # all in the table's first page
    assert "?pair=DE-FR" in response.content.decode()
    assert client.get("/countries/de/").status_code == 301
    assert client.get("/countries/ZZ/").status_code == 404


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("typed", "section", "first"),
    [
        ("Firenze", "cities", "Florence"),
        ("firenzé", "cities", "Florence"),
        ("فلورانس", "cities", "Florence"),
        ("اصفهان", "cities", "Isfahan"),
        ("إصفهان", "cities", "Isfahan"),  # Arabic letter forms
        ("ha noi", "cities", "Hanoi"),
        ("HÀ NỘI", "cities", "Hanoi"),
        ("hojjati", "people", "Iman Hojjati"),
        ("ایمان", "people", "Iman Hojjati"),
        ("music project", "projects", "Isfahan–Florence joint music project"),
        ("UCCN", "networks", "UNESCO Creative Cities Network"),
        ("coordinamento", "networks", "Italian Coordination of UNESCO Creative Cities"),
    ],
)
def test_search_finds_records_in_any_script(
    client: Any, typed: str, section: str, first: str
) -> None:
    response = client.get(reverse("directory:search"), {"q": typed})
    sections = {s["name"]: s["results"] for s in response.context["sections"]}
    assert section in sections, sections
    found = sections[section][0]
    assert str(getattr(found, "name", None) or found.title) == first


def test_search_puts_exact_names_before_partial_ones(client: Any) -> None:
    CityFactory(name="Romeo", slug="romeo", geonames_id=1)
    CityFactory(name="Rome", slug="rome", geonames_id=2)
    CityFactory(name="Piazza Rome", slug="piazza-rome", geonames_id=3)
    response = client.get(reverse("directory:search"), {"q": "rome"})
    cities = next(s for s in response.context["sections"] if s["name"] == "cities")
    assert [c.name for c in cities["results"]] == ["Rome", "Romeo", "Piazza Rome"]


@pytest.mark.parametrize("bitmaps", ["sync", "off"])
def test_search_lists_the_partnerships_of_exact_names_first(
    client: Any, settings: Any, bitmaps: str
) -> None:
    settings.FACET_BITMAPS = bitmaps
    rome, romeo, piazza = (
        CityFactory(name=name, slug=slugify(name), geonames_id=n)
        for n, name in enumerate(["Rome", "Romeo", "Piazza Rome"], start=1)
    )
    # Slugs that sort against the tiers: the exact name's partnership still comes first.
    PartnershipFactory(city_a=piazza, city_b=CityFactory(name="Aarau"), slug="a-piazza")
    PartnershipFactory(city_a=romeo, city_b=CityFactory(name="Bern"), slug="b-romeo")
    PartnershipFactory(city_a=rome, city_b=CityFactory(name="Zug"), slug="z-rome")
    PartnershipFactory(city_a=rome, city_b=romeo, slug="y-rome-romeo")
    PartnershipFactory(city_a=rome, city_b=CityFactory(name="Chur"), publication_state="draft")
    response = client.get(reverse("directory:search"), {"q": "rome"})
    found = next(s for s in response.context["sections"] if s["name"] == "partnerships")
    assert [p.slug for p in found["results"]] == ["y-rome-romeo", "z-rome", "b-romeo", "a-piazza"]
    assert found["count"] == 4


def test_search_never_returns_drafts(client: Any) -> None:
    PersonFactory(name="Hidden Person", publication_state="draft")
    ProjectFactory(title="Hidden project", publication_state="draft")
    city = CityFactory(name="Secretville")
    PartnershipFactory(city_a=city, publication_state="draft")
    html = html_of(client, reverse("directory:search") + "?q=hidden")
    assert "Hidden" not in html.split('role="status"')[1]
    response = client.get(reverse("directory:search"), {"q": "secretville"})
    names = {s["name"] for s in response.context["sections"]}
    assert "partnerships" not in names


def test_search_refuses_a_huge_query_and_escapes_what_it_shows(client: Any) -> None:
    assert client.get(reverse("directory:search"), {"q": "x" * 10_000}).status_code == 400
    html = html_of(client, reverse("directory:search") + "?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.usefixtures("seeded")
def test_the_sitemap_lists_published_pages_in_every_language(client: Any) -> None:
    draft = PartnershipFactory(publication_state="draft", slug="secret-pair")
    index = html_of(client, "/sitemap.xml")  # an index of the sections' pages
    pages = [url.removeprefix("http://testserver") for url in re.findall("<loc>(.*?)</loc>", index)]
    assert "/sitemap-partnerships.xml" in pages and "/sitemap-cities.xml" in pages
    xml = "".join(html_of(client, page) for page in pages)
    assert "/partnerships/florence-isfahan/" in xml
    assert "/fa/partnerships/florence-isfahan/" in xml
    assert 'hreflang="vi"' in xml
    assert draft.slug not in xml
    assert "/cities/carrara/" in xml and "/countries/IT/" in xml


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_the_admin(client: Any) -> None:
    text = html_of(client, "/robots.txt")
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/partnerships/florence-isfahan/", "WebPage"),
        ("/meetings/hanoi-chairman-receives-italian-ambassador-2022-09-20/", "Event"),
        ("/cities/isfahan/", "City"),
        ("/networks/unesco-creative-cities-network/", "Organization"),
        ("/people/iman-hojjati/", "Person"),
        ("/projects/isfahan-florence-joint-music-project/", "CreativeWork"),
        ("/agreements/isfahan-florence-sister-city-pact/", "CreativeWork"),
    ],
)
def test_record_pages_describe_themselves_in_json_ld(client: Any, url: str, kind: str) -> None:
    html = html_of(client, url)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    assert data["@context"] == "https://schema.org" and data["@type"] == kind


@pytest.mark.usefixtures("seeded")
def test_the_meeting_json_ld_gives_the_day_and_the_place(client: Any) -> None:
    html = html_of(client, "/meetings/hanoi-chairman-receives-italian-ambassador-2022-09-20/")
    data = json.loads(html.split('application/ld+json">')[1].split("</script>")[0])
    assert data["startDate"] == "2022-09-20"
    assert data["location"]["name"] == "Hanoi"


@pytest.mark.usefixtures("seeded")
def test_the_home_page_counts_only_published_records(client: Any) -> None:
    PartnershipFactory(
        city_a=CityFactory(country="JP"),
        city_b=CityFactory(country="KR"),
        publication_state="draft",
    )
    context = client.get("/").context
    assert context["partnership_count"] == 2
    assert context["country_count"] == 3  # Iran, Italy, Vietnam
    assert context["network_count"] == 2
    assert {o.value for o in context["countries"]} == {"IT", "IR", "VN"}


def test_error_pages_are_in_the_site_design_with_a_clear_message(client: Any) -> None:
    missing = html_of(client, "/partnerships/nowhere/", status=404)
    assert "Not found" in missing and 'class="site-header"' in missing
    bad = html_of(client, "/partnerships/?page=abc", status=400)
    assert "The page number must be a whole number." in bad


def test_the_facet_index_follows_the_records(client: Any) -> None:
    italy = CityFactory(country="IT")
    partnership = PartnershipFactory(city_a=italy, city_b=CityFactory(country="FR"))

    def facets(name: str) -> set[str]:
        return set(
            PartnershipFacet.objects.filter(record=partnership, facet=name).values_list(
                "value", flat=True
            )
        )

    assert facets("country") == {"IT", "FR"}
    partnership.themes.add(Theme.objects.get(slug="music"))
    assert facets("theme") == {"music"}
    partnership.themes.clear()
    assert facets("theme") == set()
    italy.country = "ES"
    italy.save()
    assert facets("country") == {"ES", "FR"} and facets("pair") == {"ES-FR"}
    network = NetworkFactory(slug="eurocities")
    membership = MembershipFactory(city=italy, network=network, publication_state="draft")
    assert facets("network") == set()
    membership.publication_state = "published"
    membership.save()
    assert facets("network") == {"eurocities"}
    membership.delete()
    assert facets("network") == set()
    partnership.status = "dormant"
    partnership.established = "1975-03-01"
    partnership.established_precision = "month"
    partnership.save()
    assert facets("status") == {"dormant"} and facets("decade") == {"1970"}


def test_rebuilding_the_index_restores_rows_written_around_the_signals(client: Any) -> None:
    from django.core.management import call_command

    partnership = PartnershipFactory()
    Partnership.objects.filter(pk=partnership.pk).update(status="ended")  # bypasses signals
    PartnershipFacet.objects.filter(record=partnership).delete()
    call_command("rebuild_facets", verbosity=0)
    assert PartnershipFacet.objects.filter(
        record=partnership, facet="status", value="ended"
    ).exists()


def city_with_names(country: str = "IT") -> City:
    city = CityFactory(country=country)
    for language in ("it", "fa", "vi"):
        CityNameFactory(city=city, language=language, is_preferred=True)
    return city


# Queries of record pages, whatever the number of related rows.
# Signatories and participants load their people (and organisations) in a query of published
# ones each (directory/querysets.py, naming_the_public): one more per page for each.
# A person's partnerships are four: the partnerships, both cities' names and the themes.
# A city page: one more for the ids of its districts, whose partnerships it lists apart, and
# one for the count of its own (over CITY_PARTNERS_LISTED, they are listed by country), one
# for its other Wikidata items (issue 12).
# A country page (a summary and a table, issue 13): the summary's oldest partnership (its
# partner countries and kinds come from the bitmaps), that partnership with its names and
# themes (four), the table's order (ids), its page of rows with their names and themes (four)
# and the content version.
@pytest.mark.parametrize(
    ("kind", "expected"),
    # A city's page: one more for its current calls for partners (seeking, issue 14).
    # A partnership's: one more for its sources' claims, where they differ (issue 12).
    [("partnership", 18), ("city", 13), ("network", 5), ("country", 11), ("person", 9)],
)
def test_record_pages_issue_a_constant_number_of_queries(
    client: Any, kind: str, expected: int
) -> None:
    hub = city_with_names()
    network = NetworkFactory()
    partnership = PartnershipFactory(city_a=hub, city_b=city_with_names("FR"))
    person = PersonFactory()

    def add(count: int) -> None:
        for _ in range(count):
            other = city_with_names("FR")
            PartnershipFactory(city_a=hub, city_b=other)
            MembershipFactory(city=other, network=network)
            meeting = MeetingFactory(partnership=partnership)
            meeting.participants.create(person=person, role="guest")
            AgreementFactory(partnership=partnership).signatories.create(person=PersonFactory())

    urls = {
        "partnership": partnership.get_absolute_url(),
        "city": hub.get_absolute_url(),
        "network": network.get_absolute_url(),
        "country": "/countries/IT/",
        "person": person.get_absolute_url(),
    }

    def queries() -> int:
        client.get(urls[kind])  # the facet bitmaps catch up with the new records
        cache.clear()  # as after a publication: nothing cached
        with CaptureQueriesContext(connection) as context:
            assert client.get(urls[kind]).status_code == 200
        return len(context.captured_queries)

    add(2)
    queries()  # warms the per-process caches (content types), as on a running site
    few = queries()
    add(25)
    assert few == queries() == expected


def test_home_and_search_issue_a_constant_number_of_queries(client: Any) -> None:
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    def add(count: int) -> None:
        for _ in range(count):
            PartnershipFactory(city_a=city_with_names(), city_b=city_with_names("FR"))

    add(2)
    few = (queries("/"), queries("/search/?q=city"))
    add(25)
    assert few == (queries("/"), queries("/search/?q=city"))


def test_the_meeting_page_lists_only_published_participants(client: Any) -> None:
    meeting = MeetingFactory()
    meeting.participants.create(person=PersonFactory(name="Shown Person"), role="host")
    meeting.participants.create(
        person=PersonFactory(name="Draft Person", publication_state="draft")
    )
    html = html_of(client, meeting.get_absolute_url())
    assert "Shown Person" in html and "Draft Person" not in html
    assert Meeting.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity: PostgreSQL")
def test_a_misspelt_search_suggests_the_closest_names(client: Any) -> None:
    CityFactory(name="Florence", geonames_id=3176959)
    CityFactory(name="Hanoi", geonames_id=1581130)
    response = client.get(reverse("directory:search"), {"q": "Florance"})
    assert response.context["sections"] == []
    assert [city.name for city in response.context["suggestions"]] == ["Florence"]
    assert "Did you mean" in response.content.decode()


# Queries of the other listings and record pages, whatever the number of rows. The project
# list's theme and network choices are read once per read version and process.
@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("project-list", 5),
        ("project", 5),
        ("meeting", 7),
        ("agreement", 7),
        ("city-list", 6),
        ("network-list", 1),
        ("country-list", 1),
    ],
)
def test_more_pages_issue_a_constant_number_of_queries(
    client: Any, kind: str, expected: int
) -> None:
    network = NetworkFactory()
    partnership = PartnershipFactory(city_a=city_with_names(), city_b=city_with_names("FR"))
    meeting = MeetingFactory(partnership=partnership, place=city_with_names())
    agreement = AgreementFactory(partnership=partnership)
    project = ProjectFactory(partnership=partnership, network=network)

    def add(count: int) -> None:
        for _ in range(count):
            city = city_with_names("DE")
            MembershipFactory(city=city, network=NetworkFactory())
            PartnershipFactory(city_a=city, city_b=city_with_names("ES"))
            meeting.cities.add(city)
            meeting.participants.create(person=PersonFactory(), role="guest")
            agreement.signatories.create(person=PersonFactory())
            project.cities.add(city)
            ProjectFactory(network=network).cities.add(city)
            themed_project = ProjectFactory()
            themed_project.themes.add(Theme.objects.get(slug="music"))

    urls = {
        "project-list": "/projects/",
        "project": project.get_absolute_url(),
        "meeting": meeting.get_absolute_url(),
        "agreement": agreement.get_absolute_url(),
        "city-list": "/cities/",
        "network-list": "/networks/",
        "country-list": "/countries/",
    }

    def queries() -> int:
        client.get(urls[kind])  # the facet bitmaps catch up with the new records
        cache.clear()  # as after a publication: nothing cached
        with CaptureQueriesContext(connection) as context:
            assert client.get(urls[kind]).status_code == 200
        return len(context.captured_queries)

    add(2)
    queries()  # warms the per-process caches (content types), as on a running site
    few = queries()
    add(25)
    assert few == queries() == expected


@pytest.mark.usefixtures("seeded")
def test_no_page_ships_more_than_100_kb_of_css_and_javascript(client: Any) -> None:
    from django.contrib.staticfiles import finders

    html = html_of(client, "/partnerships/")
    assets = re.findall(r'<(?:link rel="stylesheet" href|script src)="/static/([^"]+)"', html)
    assert {"css/site.css", "js/site.js"} <= set(assets)
    size = sum(Path(str(finders.find(asset))).stat().st_size for asset in assets)
    assert size < 100 * 1024, f"{size} bytes of CSS and JavaScript"
    assert "http" not in "".join(re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html))


def test_a_server_error_shows_the_sites_own_page(client: Any, settings: Any) -> None:
    from django.urls import path

    def broken(request: Any) -> Any:
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("broken/", broken)]})
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and "boom" not in html
