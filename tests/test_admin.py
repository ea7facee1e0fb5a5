"""City staff's working tool: every page opens, changelists stay cheap, search finds any script."""

from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Meeting, Partnership, Theme
from cities.models import Citation, City

from .factories import (
    AgreementFactory,
    CityFactory,
    CityNameFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkFactory,
    OrganizationFactory,
    PartnershipFactory,
    PersonFactory,
    ProjectFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

PROJECT_MODELS = [
    model
    for model in apps.get_models()
    if admin.site.is_registered(model)
    and model._meta.app_label in {"cities", "agreements"}
    # A queue filled by imports, with no add page: tests/test_unmatched.py opens its pages.
    and model._meta.label != "agreements.UnmatchedPlace"
]


def admin_url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m._meta.label)
def test_every_changelist_add_and_change_page_opens(curator_client: Any, model: Any) -> None:
    assert curator_client.get(admin_url(model, "changelist")).status_code == 200
    assert curator_client.get(admin_url(model, "add")).status_code == 200
    record = model.objects.first()
    assert record is not None, f"the seed has no {model._meta.label}"
    assert curator_client.get(admin_url(model, "change", record.pk)).status_code == 200


def make_rows(model: Any, count: int) -> None:
    makers = {
        "city": lambda: CityNameFactory().city,
        "partnership": PartnershipFactory,
        "agreement": AgreementFactory,
        "meeting": MeetingFactory,
        "culturalproject": ProjectFactory,
        "networkmembership": MembershipFactory,
        "organization": lambda: OrganizationFactory(city=CityFactory()),
        "person": PersonFactory,
        "source": SourceFactory,
        "network": NetworkFactory,
        "citation": lambda: Citation.objects.create(
            source=SourceFactory(), record=PartnershipFactory(), excerpt="…"
        ),
        "theme": lambda: Theme.objects.create(
            name=f"Theme {Theme.objects.count()}", slug=f"theme-{Theme.objects.count()}"
        ),
    }
    for _ in range(count):
        makers[model._meta.model_name]()


# Queries for a changelist page, whatever the number of rows: session, user, count(s),
# facet counts per filter and the rows themselves with their related objects joined.
# No facet counts unless asked ("Show counts") and no second count of the whole table.
PINNED_CHANGELIST_QUERIES = {
    "city": 5,
    "partnership": 5,
    "agreement": 4,
    "meeting": 4,
    "culturalproject": 5,
    "networkmembership": 6,
    "organization": 4,
    "person": 4,
    "source": 7,
    "network": 5,
    "citation": 13,
    "theme": 5,
}


@pytest.mark.parametrize("model_name", PINNED_CHANGELIST_QUERIES)
def test_a_changelist_issues_a_constant_number_of_queries(
    curator_client: Any, model_name: str
) -> None:
    model = next(m for m in PROJECT_MODELS if m._meta.model_name == model_name)
    url = admin_url(model, "changelist")

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert curator_client.get(url).status_code == 200
        return len(context.captured_queries)

    queries()  # the process's first request reads what it caches (content types…)
    make_rows(model, 3)
    few = queries()
    make_rows(model, 40)
    many = queries()
    assert few == many == PINNED_CHANGELIST_QUERIES[model_name]


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("model", "typed", "expected"),
    [
        (City, "Firenze", "Florence"),
        (City, "فلورانس", "Florence"),
        (City, "ha noi", "Hanoi"),
        (City, "HÀ NỘI", "Hanoi"),
        (Partnership, "firenze", "Isfahan – Florence"),
        (Partnership, "إصفهان", "Isfahan – Florence"),
        (Meeting, "Hà Nội", "receives the Ambassador of Italy"),
    ],
)
def test_changelist_search_finds_names_in_any_script(
    curator_client: Any, model: Any, typed: str, expected: str
) -> None:
    response = curator_client.get(admin_url(model, "changelist"), {"q": typed})
    assert expected in response.content.decode()
    assert "0 results" not in response.content.decode()


@pytest.mark.usefixtures("seeded")
def test_city_autocomplete_finds_a_city_by_its_persian_name(curator_client: Any) -> None:
    response = curator_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "اصفهان",
            "app_label": "agreements",
            "model_name": "partnership",
            "field_name": "city_a",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Isfahan (IR)"]


def partnership_form(city_a: City, city_b: City, **extra: Any) -> dict[str, Any]:
    data = {
        "city_a": city_a.pk,
        "city_b": city_b.pk,
        "kind": "sister_city",
        "status": "active",
        "established": "",
        "established_precision": "",
        "ended": "",
        "ended_precision": "",
        "themes": "",
        "publication_state": "draft",
        "slug": "",
    }
    for prefix in [
        "status_changes",
        "agreements",
        "meetings",
        "projects",
        "cities-citation-content_type-object_id",
    ]:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(extra)
    return data


def test_adding_a_partnership_in_either_order_stores_one_canonical_row(
    curator_client: Any,
) -> None:
    low, high = CityFactory(name="Isfahan"), CityFactory(name="Florence")
    response = curator_client.post(admin_url(Partnership, "add"), partnership_form(high, low))
    assert response.status_code == 302
    partnership = Partnership.objects.get()
    assert (partnership.city_a, partnership.city_b) == (low, high)
    assert partnership.slug == "-".join(sorted([low.slug, high.slug]))

    again = curator_client.post(admin_url(Partnership, "add"), partnership_form(low, high))
    assert again.status_code == 200
    assert "already have a partnership of this kind" in again.content.decode()
    assert Partnership.objects.count() == 1


def test_a_self_partnership_is_refused_with_a_message(curator_client: Any) -> None:
    city = CityFactory()
    response = curator_client.post(admin_url(Partnership, "add"), partnership_form(city, city))
    assert response.status_code == 200
    assert "A city cannot partner itself." in response.content.decode()
    assert not Partnership.objects.exists()


def test_an_end_before_the_start_is_refused_with_a_message(curator_client: Any) -> None:
    data = partnership_form(
        CityFactory(),
        CityFactory(),
        established="2000-05-01",
        established_precision="day",
        ended="1999-01-01",
        ended_precision="year",
    )
    response = curator_client.post(admin_url(Partnership, "add"), data)
    assert "cannot end before it is established" in response.content.decode()
    assert not Partnership.objects.exists()


def test_themes_outside_the_vocabulary_are_refused(curator_client: Any) -> None:
    # The themes are a choice of the vocabulary's terms (tests/test_admin_themes.py).
    data = partnership_form(CityFactory(), CityFactory(), themes=["space travel"])
    response = curator_client.post(admin_url(Partnership, "add"), data)
    assert "Not in the theme vocabulary: space travel" in response.content.decode()
    assert not Partnership.objects.exists()

    chosen = Theme.objects.filter(slug__in=["music", "urban-regeneration"])
    data["themes"] = [str(theme.pk) for theme in chosen]
    assert curator_client.post(admin_url(Partnership, "add"), data).status_code == 302
    assert set(Partnership.objects.get().themes.names()) == {"Music", "Urban regeneration"}


def test_publish_action_publishes_and_stamps_the_time(curator_client: Any) -> None:
    draft = PartnershipFactory(publication_state="draft")
    response = curator_client.post(
        admin_url(Partnership, "changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.publication_state == "published"
    assert draft.published_at is not None


def test_changelist_filters_show_facet_counts_on_request(curator_client: Any) -> None:
    PartnershipFactory(status="active")
    PartnershipFactory(status="active")
    PartnershipFactory(status="dormant")
    url = admin_url(Partnership, "changelist")
    page = curator_client.get(url).content.decode().replace("\n", "")
    assert "active (2)" not in page  # counting every value of every filter: on request
    assert "_facets=True" in page  # the admin's "Show counts"
    page = curator_client.get(url + "?_facets=True").content.decode().replace("\n", "")
    assert "active (2)" in page
    assert "dormant (1)" in page
