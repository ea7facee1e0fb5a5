"""Back to Wikidata: the partnerships Wikidata lacks, as QuickStatements commands."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from agreements.importing import PROFILES, import_partnerships
from agreements.models import Partnership, PartnershipKind, PartnershipStatus
from cities.models import Citation, City, Source
from publishing.publication import PublicationState

from .factories import CityFactory, PartnershipFactory, SourceFactory

pytestmark = pytest.mark.django_db

DOWNLOAD = "/data/wikidata/quickstatements.txt"
PAGE = "/data/wikidata/"
GERMAN_LIST = "https://github.com/muenchdo/TwinTowns"


def city(qid: str | None, country: str = "DE") -> City:
    return CityFactory(wikidata_id=qid, country=country, geonames_id=None)


def cite(partnership: Partnership, source: Source) -> None:
    Citation.objects.create(source=source, record=partnership, excerpt="…")


@pytest.fixture
def german_list() -> Source:
    return SourceFactory(url=GERMAN_LIST, accessed=datetime.date(2026, 11, 30))


@pytest.fixture
def wikidata() -> Source:
    profile = PROFILES["wikidata"]
    return SourceFactory(title=profile.source_title, publisher=profile.publisher, url=profile.url)


def partnership(a: City, b: City, source: Source | None, **fields: Any) -> Partnership:
    record = PartnershipFactory(city_a=a, city_b=b, **fields)
    if source is not None:
        cite(record, source)
    return record


def lines(client: Any, query: str = "") -> list[str]:
    response = client.get(DOWNLOAD + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="twinning-')
    return response.content.decode().splitlines()


def test_a_pair_wikidata_lacks_is_two_commands_with_its_dates_and_source(
    client: Any, german_list: Source
) -> None:
    aachen, reims = city("Q1017"), city("Q41540", "FR")
    partnership(
        aachen, reims, german_list, established=datetime.date(1967, 1, 1),
        established_precision="year",
    )  # fmt: skip
    reference = f'S854\t"{GERMAN_LIST}"\tS813\t+2026-11-30T00:00:00Z/11'
    assert lines(client) == [
        f"Q1017\tP190\tQ41540\tP580\t+1967-00-00T00:00:00Z/9\t{reference}",
        f"Q41540\tP190\tQ1017\tP580\t+1967-00-00T00:00:00Z/9\t{reference}",
    ]


def test_a_month_an_end_and_no_access_date_are_written_at_their_precision(client: Any) -> None:
    source = SourceFactory(url="https://example.org/council-minutes")
    partnership(
        city("Q1"), city("Q2"), source,
        established=datetime.date(1990, 5, 1), established_precision="month",
        ended=datetime.date(2004, 3, 9), ended_precision="day", status=PartnershipStatus.ENDED,
    )  # fmt: skip
    (first, second) = lines(client)
    assert first == (
        "Q1\tP190\tQ2\tP580\t+1990-05-00T00:00:00Z/10\tP582\t+2004-03-09T00:00:00Z/11"
        '\tS854\t"https://example.org/council-minutes"'
    )
    assert second.startswith("Q2\tP190\tQ1\t")


def test_a_date_about_a_year_is_not_stated_as_a_year(client: Any, german_list: Source) -> None:
    partnership(
        city("Q1"), city("Q2"), german_list,
        established=datetime.date(1960, 1, 1), established_precision="circa",
    )  # fmt: skip
    assert all("P580" not in line for line in lines(client))


def test_a_pair_imported_from_wikidata_is_left_out_whatever_else_cites_it(
    client: Any, german_list: Source
) -> None:
    rome, paris = city("Q220", "IT"), city("Q90", "FR")
    csv = "item_a,item_a_label,item_a_country,item_b,item_b_label,item_b_country\n"
    csv += "Q220,Rome,IT,Q90,Paris,FR\n"
    report = import_partnerships(csv, "wikidata", "pairs.csv", publish=True)
    assert report.counts["imported"] == 1
    imported = Partnership.objects.get()
    cite(imported, german_list)  # the German list says so too: still known to Wikidata
    # Another kind of record of the same pair: Wikidata's P190 is one statement for both.
    partnership(rome, paris, german_list, kind=PartnershipKind.FRIENDSHIP)
    assert lines(client) == []
    # A pair that only the German list has, between two of the same cities' partners.
    berlin = city("Q64")
    partnership(berlin, paris, german_list)
    assert [line.split("\t")[:3] for line in lines(client)] == [
        ["Q90", "P190", "Q64"],
        ["Q64", "P190", "Q90"],
    ]


def test_a_source_on_wikidata_org_counts_as_wikidata(client: Any, german_list: Source) -> None:
    item = SourceFactory(url="https://www.wikidata.org/wiki/Q1017")
    record = partnership(city("Q1017"), city("Q41540", "FR"), german_list)
    cite(record, item)
    assert lines(client) == []


@pytest.mark.parametrize(
    "state", [PublicationState.DRAFT, PublicationState.IN_REVIEW, PublicationState.WITHDRAWN]
)
def test_no_draft_or_unpublished_record_is_exported(
    client: Any, german_list: Source, state: str
) -> None:
    partnership(city("Q1"), city("Q2"), german_list, publication_state=state)
    assert lines(client) == []
    assert "0 partnerships" in client.get(PAGE).content.decode()


def test_a_city_without_a_wikidata_id_is_left_out(client: Any, german_list: Source) -> None:
    partnership(city("Q1"), city(None), german_list)
    partnership(city(None), city("Q2"), german_list)
    assert lines(client) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": PartnershipKind.INSTITUTIONAL},
        {"status": PartnershipStatus.PROPOSED},
        {"status": PartnershipStatus.ENDED, "ended": None},
    ],
)
def test_what_is_not_a_current_or_dated_twinning_of_two_cities_is_left_out(
    client: Any, german_list: Source, fields: dict[str, Any]
) -> None:
    partnership(city("Q1"), city("Q2"), german_list, **fields)
    assert lines(client) == []


def test_a_partnership_whose_sources_have_no_address_is_left_out(client: Any) -> None:
    partnership(city("Q1"), city("Q2"), SourceFactory(url=""))
    partnership(city("Q3"), city("Q4"), None)
    assert lines(client) == []


def test_a_quote_or_a_tab_in_a_source_address_cannot_break_the_command(client: Any) -> None:
    source = SourceFactory(url='https://example.org/a"b')
    Source.objects.filter(pk=source.pk).update(url='https://example.org/a"b\tQ5\tP31')
    partnership(city("Q1"), city("Q2"), source)
    (first, _second) = lines(client)
    assert first.split("\t")[-1] == '"https://example.org/a%22b%09Q5%09P31"'


def test_the_browse_filters_narrow_the_export_and_a_bad_one_is_a_400(
    client: Any, german_list: Source
) -> None:
    partnership(city("Q1", "IT"), city("Q2", "FR"), german_list)
    partnership(city("Q3", "DE"), city("Q4", "PL"), german_list)
    assert [line[:2] for line in lines(client, "?country=IT")] == ["Q1", "Q2"]
    assert len(lines(client)) == 4
    assert client.get(DOWNLOAD + "?country=ZZ").status_code == 400
    assert client.get(PAGE + "?kind=nonsense").status_code == 400


def test_the_page_counts_the_pairs_and_links_the_download_with_the_filters(
    client: Any, german_list: Source
) -> None:
    partnership(city("Q1", "IT"), city("Q2", "FR"), german_list)
    partnership(city("Q3", "DE"), city("Q4", "PL"), german_list)
    page = client.get(PAGE).content.decode()
    assert "2 partnerships between two cities with Wikidata ids are missing" in page
    assert f'href="{DOWNLOAD}"' in page
    filtered = client.get(PAGE + "?country=IT").content.decode()
    assert "1 partnership between two cities with Wikidata ids is missing" in filtered
    assert f'href="{DOWNLOAD}?country=IT"' in filtered
    with translation.override("it"):
        italian = client.get(reverse("directory:wikidata-export"))
    assert italian.status_code == 200 and 'lang="it"' in italian.content.decode()


def test_the_data_page_links_the_export(client: Any) -> None:
    page = client.get(reverse("directory:data")).content.decode()
    assert f'href="{PAGE}"' in page
