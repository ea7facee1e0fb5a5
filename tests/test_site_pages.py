"""The pages that leave no dead end: the index of people, a person's partnerships, the about,
methodology and data pages linked from every footer, and the favicon."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from directory.browse import PAGE_SIZE

from .factories import (
    AgreementFactory,
    CityFactory,
    MeetingFactory,
    OrganizationFactory,
    PartnershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "it", "fa", "vi"]
SITE_PAGES = ["directory:about", "directory:methodology", "directory:data"]


def url_in(language: str, name: str, *args: Any) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def html_of(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return str(response.content.decode())


def footer_of(html: str) -> str:
    match = re.search(r'<footer class="site-footer">.*?</footer>', html, re.S)
    assert match, "the page has no footer"
    return match.group(0)


# /people/


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_people_page_lists_published_people_in_every_language(
    client: Any, language: str
) -> None:
    person = PersonFactory(name="Published Person")
    person.positions.create(organization=OrganizationFactory(name="Town Hall"), title="Mayor")
    PersonFactory(name="Draft Person", publication_state="draft")
    url = url_in(language, "directory:person-list")
    assert url == ("/people/" if language == "en" else f"/{language}/people/")
    html = html_of(client, url)
    assert "Published Person" in html
    assert f'href="{url_in(language, "directory:person-detail", person.slug)}"' in html
    assert "Mayor, Town Hall" in html
    assert "Draft Person" not in html


def test_the_people_page_never_shows_a_draft_post_or_draft_organisation(client: Any) -> None:
    person = PersonFactory()
    person.positions.create(
        organization=OrganizationFactory(name="Draft Office", publication_state="draft"),
        title="Secret title",
    )
    html = html_of(client, reverse("directory:person-list"))
    assert person.name in html
    assert "Draft Office" not in html and "Secret title" not in html


def test_the_people_page_is_sorted_by_name_and_paginated(client: Any) -> None:
    for number in range(PAGE_SIZE + 5):
        PersonFactory(name=f"Person {number:02d}")
    first = html_of(client, reverse("directory:person-list"))
    second = html_of(client, reverse("directory:person-list") + "?page=2")
    names = re.findall(r">(Person \d\d)</a>", first)
    assert names == sorted(names) and len(names) == PAGE_SIZE
    assert 'rel="next"' in first
    assert re.findall(r">(Person \d\d)</a>", second) == [
        f"Person {n:02d}" for n in range(PAGE_SIZE, PAGE_SIZE + 5)
    ]
    assert client.get(reverse("directory:person-list") + "?page=9").status_code == 404


def test_the_people_page_issues_a_constant_number_of_queries(client: Any) -> None:
    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("directory:person-list")).status_code == 200
        return len(context.captured_queries)

    def add(count: int) -> None:
        for _ in range(count):
            PersonFactory().positions.create(organization=OrganizationFactory(), title="Mayor")

    add(2)
    queries()
    few = queries()
    add(15)
    assert queries() == few


# A person's partnerships


def test_a_person_page_lists_the_public_partnerships_of_their_agreements_and_meetings(
    client: Any,
) -> None:
    person = PersonFactory()
    signed = PartnershipFactory(city_a=CityFactory(name="Signedtown"))
    met = PartnershipFactory(city_a=CityFactory(name="Meetingville"))
    draft = PartnershipFactory(city_a=CityFactory(name="Drafton"), publication_state="draft")
    hidden = PartnershipFactory(city_a=CityFactory(name="Hiddenburg"))
    AgreementFactory(partnership=signed).signatories.create(person=person)
    AgreementFactory(partnership=signed).signatories.create(person=person)  # shown once
    MeetingFactory(partnership=met).participants.create(person=person, role="guest")
    MeetingFactory(partnership=draft).participants.create(person=person, role="guest")
    # A draft agreement does not make its published partnership the person's.
    AgreementFactory(partnership=hidden, publication_state="draft").signatories.create(
        person=person
    )
    html = html_of(client, person.get_absolute_url())
    assert html.count(f'href="{signed.get_absolute_url()}"') == 1
    assert f'href="{met.get_absolute_url()}"' in html
    assert "Drafton" not in html and draft.slug not in html
    assert "Hiddenburg" not in html and hidden.slug not in html


def test_a_person_page_links_back_to_the_people_page(client: Any) -> None:
    html = html_of(client, PersonFactory().get_absolute_url())
    assert f'href="{reverse("directory:person-list")}"' in html


def test_a_person_page_issues_a_constant_number_of_queries(client: Any) -> None:
    person = PersonFactory()

    def add(count: int) -> None:
        for _ in range(count):
            partnership = PartnershipFactory()
            AgreementFactory(partnership=partnership).signatories.create(person=person)
            MeetingFactory(partnership=PartnershipFactory()).participants.create(
                person=person, role="guest"
            )

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            assert client.get(person.get_absolute_url()).status_code == 200
        return len(context.captured_queries)

    add(2)
    queries()
    few = queries()
    add(12)
    assert queries() == few


# About, methodology, data


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", SITE_PAGES)
def test_the_site_pages_open_in_every_language(client: Any, name: str, language: str) -> None:
    html = html_of(client, url_in(language, name))
    assert f'<html lang="{language}"' in html


@pytest.mark.parametrize("language", ["it", "fa", "vi"])
def test_the_site_pages_are_translated(client: Any, language: str) -> None:
    english = html_of(client, reverse("directory:methodology"))
    translated = html_of(client, url_in(language, "directory:methodology"))
    heading = re.compile(r"<h2>(.*?)</h2>")
    assert set(heading.findall(english)).isdisjoint(heading.findall(translated))


def test_the_data_page_credits_each_source_and_links_the_api_and_the_downloads(
    client: Any,
) -> None:
    html = html_of(client, reverse("directory:data"))
    for credit in ("CC0 1.0", "MIT", "Dominik Muench", "CC BY 4.0", "GeoNames", "P190"):
        assert credit in html
    assert f'href="{reverse("api:docs")}"' in html
    assert f'href="{reverse("api:schema")}"' in html
    assert f'href="{reverse("directory:partnership-list")}?format=csv"' in html
    assert '<time datetime="2021-06-01">' in html


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    "url",
    ["/", "/people/", "/fa/people/iman-hojjati/", "/it/about/", "/partnerships/", "/search/?q=x"],
)
def test_every_footer_links_the_site_pages(client: Any, url: str) -> None:
    footer = footer_of(html_of(client, url))
    assert "<nav aria-label=" in footer
    language = url.split("/")[1] if url.split("/")[1] in ("it", "fa", "vi") else "en"
    for name in [*SITE_PAGES, "directory:person-list", "directory:search"]:
        assert f'href="{url_in(language, name)}"' in footer, name
    assert f'href="{reverse("api:docs")}"' in footer


def test_the_footer_links_of_an_error_page_lead_somewhere(client: Any) -> None:
    response = client.get("/people/no-such-person/")
    assert response.status_code == 404
    for href in re.findall(r'href="(/[^"]*)"', footer_of(response.content.decode())):
        assert client.get(href).status_code == 200, href


# Favicon


def test_every_page_links_the_favicon_and_favicon_ico_answers(client: Any) -> None:
    html = html_of(client, reverse("directory:about"))
    match = re.search(r'<link rel="icon" href="([^"]+\.svg)" type="image/svg\+xml">', html)
    assert match
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == match.group(1)
    found = finders.find("favicon.svg")
    assert found and "<svg" in Path(str(found)).read_text()


# Sitemap


def test_the_sitemap_lists_the_new_pages_in_every_language(client: Any) -> None:
    xml = client.get("/sitemap-pages.xml").content.decode()
    for language in LANGUAGES:
        for name in [*SITE_PAGES, "directory:person-list"]:
            assert f"{url_in(language, name)}</loc>" in xml, (language, name)
